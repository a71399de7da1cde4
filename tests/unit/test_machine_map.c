/*
 * The machine memory map the hardware domain sees (hypervisor/arch/x86/mm/machine_map.c): the
 * boot loader's map with the RAM Argon keeps shown as reserved, copied out through
 * XENMEM_machine_memory_map's checks (privileged caller, room in the buffer).
 */
#include <stdlib.h>
#include "unit.h"
#include "fake_pv_mm.h"
#include <argon/multiboot2.h>
#include <asm/mm.h>
#include <public/memory.h>

static struct domain dom;
static struct vcpu vcpu0;
static struct mb2_info mbi;

static int setup(void **state)
{
	memset(&fake, 0, sizeof(fake));
	memset(&dom, 0, sizeof(dom));
	memset(&vcpu0, 0, sizeof(vcpu0));
	memset(&mbi, 0, sizeof(mbi));
	vcpu0.domain = &dom;
	dom.is_privileged = true;
	fake.current = &vcpu0;
	return 0;
}

static void add(uint64_t addr, uint64_t len, uint32_t type)
{
	mbi.mmap[mbi.nr_mmap++] = (struct mb2_mmap_entry){ addr, len, type };
}

/* Read the map into @out (room for @room entries); returns the call's result. */
static long read_map(struct xen_e820_entry *out, uint32_t room, uint32_t *nr)
{
	struct xen_memory_map m = { .nr_entries = room };
	long rc;

	m.buffer.addr = (uint64_t)(uintptr_t)out;
	rc = machine_memory_map((uint64_t)(uintptr_t)&m);
	*nr = m.nr_entries;
	return rc;
}

static void expect(const struct xen_e820_entry *e, uint64_t addr, uint64_t size, uint32_t type)
{
	assert_int_equal(e->addr, addr);
	assert_int_equal(e->size, size);
	assert_int_equal(e->type, type);
}

/* QEMU's q35 map with Argon at 2 MiB and its frame table high in the first GiB. */
static void test_reserved_ranges_split_ram(void **state)
{
	struct xen_e820_entry e[16];
	uint32_t nr;

	add(0, 0x9fc00, MB2_MEMORY_AVAILABLE);
	add(0x9fc00, 0x400, MB2_MEMORY_RESERVED);
	add(0x100000, 0x3fedf000, MB2_MEMORY_AVAILABLE);
	add(0xb0000000, 0x10000000, MB2_MEMORY_RESERVED);
	add(0xfd00000000, 0x300000000, 7);	/* an unknown type */
	machine_map_init(&mbi);
	machine_map_reserve(0x200000, 0x30e000);
	machine_map_reserve(0x3f200000, 0x3fa0f000);
	/* A range outside RAM, or already reserved, changes nothing. */
	machine_map_reserve(0xb0000000, 0xb0001000);
	assert_int_equal(read_map(e, 16, &nr), 0);
	assert_int_equal(nr, 9);
	expect(&e[0], 0, 0x9fc00, XEN_E820_RAM);
	expect(&e[1], 0x9fc00, 0x400, XEN_E820_RESERVED);
	expect(&e[2], 0x100000, 0x100000, XEN_E820_RAM);
	expect(&e[3], 0x200000, 0x10e000, XEN_E820_RESERVED);
	expect(&e[4], 0x30e000, 0x3f200000 - 0x30e000, XEN_E820_RAM);
	expect(&e[5], 0x3f200000, 0x80f000, XEN_E820_RESERVED);
	expect(&e[6], 0x3fa0f000, 0x3ffdf000 - 0x3fa0f000, XEN_E820_RAM);
	expect(&e[7], 0xb0000000, 0x10000000, XEN_E820_RESERVED);
	expect(&e[8], 0xfd00000000, 0x300000000, XEN_E820_RESERVED);
}

/* A reserved range at the start or the end of a RAM entry leaves no empty entry behind. */
static void test_reserved_at_the_edges(void **state)
{
	struct xen_e820_entry e[8];
	uint32_t nr;

	add(0x100000, 0x100000, MB2_MEMORY_AVAILABLE);
	add(0x300000, 0x100000, MB2_MEMORY_ACPI_RECLAIMABLE);
	machine_map_init(&mbi);
	machine_map_reserve(0x100000, 0x110000);
	machine_map_reserve(0x1f0000, 0x200000);
	assert_int_equal(read_map(e, 8, &nr), 0);
	assert_int_equal(nr, 4);
	expect(&e[0], 0x100000, 0x10000, XEN_E820_RESERVED);
	expect(&e[1], 0x110000, 0xe0000, XEN_E820_RAM);
	expect(&e[2], 0x1f0000, 0x10000, XEN_E820_RESERVED);
	expect(&e[3], 0x300000, 0x100000, XEN_E820_ACPI);
}

static void test_caller_and_buffer_checks(void **state)
{
	struct xen_e820_entry e[4];
	struct xen_memory_map m = { .nr_entries = 4 };
	uint32_t nr;

	add(0, 0x9fc00, MB2_MEMORY_AVAILABLE);
	add(0x100000, 0x100000, MB2_MEMORY_AVAILABLE);
	machine_map_init(&mbi);
	/* Too little room: nothing is written. */
	memset(e, 0xa5, sizeof(e));
	assert_int_equal(read_map(e, 1, &nr), -EINVAL);
	assert_int_equal(e[0].addr, 0xa5a5a5a5a5a5a5a5ULL);
	/* Unreadable argument, unwritable buffer. */
	assert_int_equal(machine_memory_map(0x1000), -EFAULT);
	m.buffer.addr = 0x2000;
	assert_int_equal(machine_memory_map((uint64_t)(uintptr_t)&m), -EFAULT);
	/* Only the privileged domain sees the host's map. */
	dom.is_privileged = false;
	assert_int_equal(read_map(e, 4, &nr), -EPERM);
	dom.is_privileged = true;
	assert_int_equal(read_map(e, 4, &nr), 0);
	assert_int_equal(nr, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reserved_ranges_split_ram, setup),
		cmocka_unit_test_setup(test_reserved_at_the_edges, setup),
		cmocka_unit_test_setup(test_caller_and_buffer_checks, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
