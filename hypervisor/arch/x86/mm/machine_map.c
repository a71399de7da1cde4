/*
 * The machine memory map the hardware domain sees (XENMEM_machine_memory_map): the boot loader's
 * map as it came, with the RAM Argon keeps for itself for good (its image, the frame table and
 * first page tables) shown as reserved. Linux dom0 BUG()s without this map; it identity-maps the
 * p2m over every non-RAM range so that its ioremap()s reach the real devices and firmware tables,
 * and releases or remaps the pseudo-physical RAM that falls into them.
 *
 * Boot modules are not shown as reserved: they are only read while the boot-time domains are
 * built, and domain 0's own kernel sits at the same pseudo-physical addresses (16 MiB up), which
 * Linux refuses to find inside a reserved range.
 */
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/guest_access.h>
#include <argon/lib.h>
#include <asm/mm.h>
#include <public/memory.h>

/* Each range Argon keeps can split one RAM entry into three. */
#define MAX_MACHINE_MAP (MB2_MAX_MMAP + 2 * 4)

static struct xen_e820_entry machine_map[MAX_MACHINE_MAP];
static unsigned int nr_machine_map;

static uint32_t e820_type(uint32_t mb2_type)
{
	/* Multiboot2 numbers its types as the BIOS e820 does; anything else is not to be touched. */
	return mb2_type >= XEN_E820_RAM && mb2_type <= XEN_E820_UNUSABLE ? mb2_type : XEN_E820_RESERVED;
}

void machine_map_init(const struct mb2_info *mbi)
{
	unsigned int i;

	for (i = 0; i < mbi->nr_mmap && i < MB2_MAX_MMAP; i++) {
		machine_map[i] = (struct xen_e820_entry){ mbi->mmap[i].addr, mbi->mmap[i].len,
							  e820_type(mbi->mmap[i].type) };
	}
	nr_machine_map = i;
}

static void insert_at(unsigned int i, struct xen_e820_entry e)
{
	unsigned int j;

	for (j = nr_machine_map; j > i; j--) {
		machine_map[j] = machine_map[j - 1];
	}
	machine_map[i] = e;
	nr_machine_map++;
}

void machine_map_reserve(uint64_t start, uint64_t end)
{
	unsigned int i;

	for (i = 0; i < nr_machine_map; i++) {
		struct xen_e820_entry *e = &machine_map[i];
		uint64_t a = e->addr, b = e->addr + e->size, s = MAX(a, start), t = MIN(b, end);

		if (e->type != XEN_E820_RAM || s >= t) {
			continue;
		}
		if (nr_machine_map + 2 > MAX_MACHINE_MAP) {
			log_warn("machine map: no room to show %#llx-%#llx as reserved\n",
				 (unsigned long long)start, (unsigned long long)end);
			return;
		}
		/* [a, s) RAM, [s, t) reserved, [t, b) RAM, dropping the empty pieces. */
		e->size = s - a;
		if (t < b) {
			insert_at(i + 1, (struct xen_e820_entry){ t, b - t, XEN_E820_RAM });
		}
		insert_at(i + 1, (struct xen_e820_entry){ s, t - s, XEN_E820_RESERVED });
		if (s == a) {
			unsigned int j;

			for (j = i; j + 1 < nr_machine_map; j++) {
				machine_map[j] = machine_map[j + 1];
			}
			nr_machine_map--;
		}
	}
}

long machine_memory_map(uint64_t arg)
{
	struct xen_memory_map map;

	if (!current_vcpu()->domain->is_privileged) {
		return -EPERM;
	}
	if (copy_from_guest(&map, arg, sizeof(map))) {
		return -EFAULT;
	}
	if (map.nr_entries < nr_machine_map) {
		return -EINVAL;
	}
	map.nr_entries = nr_machine_map;
	if (copy_to_guest(map.buffer.addr, machine_map, nr_machine_map * sizeof(machine_map[0])) ||
	    copy_to_guest(arg, &map, sizeof(map))) {
		return -EFAULT;
	}
	return 0;
}
