/*
 * io: port I/O from a PV kernel (ring 3) under Argon's policy. Without a virtual IOPL every
 * in/out is a #GP; with physdev_op set_iopl the privileged domain reaches real ports, except the
 * ones Argon keeps (PICs read all ones, writes to COM1 and the test-exit port are dropped).
 */
#include <argon/lib.h>

#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/test.h>
#include <guest/traps.h>

#include <public/physdev.h>

#define EINVAL 22

static volatile unsigned int gp_count;

/* Skip the faulting in/out: every form used below is two bytes long. */
static bool skip_gp(struct trap_frame *f)
{
	gp_count++;
	f->rip += 2;
	return true;
}

static long set_iopl(uint32_t iopl)
{
	struct physdev_set_iopl s = { .iopl = iopl };

	return hypercall2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, (uint64_t)(uintptr_t)&s);
}

static uint8_t in8_imm21(void)
{
	uint8_t v = 0x5a;

	__asm__ __volatile__("inb $0x21, %0" : "+a"(v));
	return v;
}

/* Runs first (name order): the domain starts with IOPL 0, so port I/O must fault. */
GUEST_TEST(a_io_without_iopl_faults)
{
	unsigned int before;

	EXPECT(traps_init() == 0);
	trap_set_handler(13, skip_gp);
	before = gp_count;
	(void)in8_imm21();
	EXPECT(gp_count == before + 1);
	trap_set_handler(13, NULL);
}

GUEST_TEST(b_set_iopl)
{
	EXPECT(set_iopl(4) == -EINVAL);
	EXPECT(set_iopl(1) == 0);
}

GUEST_TEST(pic_ports_read_all_ones)
{
	uint8_t a, b;

	a = in8_imm21();
	__asm__ __volatile__("mov $0xa1, %%dx; inb %%dx, %0" : "=a"(b) : : "rdx");
	EXPECT(a == 0xff);
	EXPECT(b == 0xff);
}

/* The CMOS RTC is not Argon's: its registers come through (status A is never 0xff). */
GUEST_TEST(cmos_passes_through)
{
	uint8_t v;

	__asm__ __volatile__("mov $0x0a, %%al; outb %%al, $0x70; inb $0x71, %%al" : "=a"(v));
	EXPECT(v != 0xff);
	test_note("RTC status A %#x", v);
}

/* 32-bit forms: the PCI configuration address register keeps what is written to it. */
GUEST_TEST(pci_config_address_32bit)
{
	uint32_t v;

	__asm__ __volatile__("mov $0xcf8, %%dx; mov $0x80000000, %%eax; outl %%eax, %%dx;"
			     "xor %%eax, %%eax; inl %%dx, %%eax"
			     : "=a"(v) : : "rdx");
	EXPECT(v == 0x80000000u);
	__asm__ __volatile__("mov $0xcf8, %%dx; xor %%eax, %%eax; outl %%eax, %%dx" : : : "rax", "rdx");
}

/*
 * The test-exit port would end the whole run (QEMU's isa-debug-exit) with "success": a guest must
 * never reach it. If it did, the summary below would never be printed.
 */
GUEST_TEST(test_exit_port_is_blocked)
{
	__asm__ __volatile__("mov $0x10, %%eax; outl %%eax, $0xf4" : : : "rax");
	EXPECT(1);
}
