/*
 * iodomu: port I/O from an unprivileged kernel. It is granted no ports: with virtual IOPL 1 its
 * reads return all ones and its writes are dropped, as on Xen. An unprivileged domain has no
 * console_io, so the result is the shutdown reason: poweroff when every test passed.
 */
#include <argon/lib.h>

#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/test.h>

#include <public/physdev.h>

GUEST_TEST(a_set_iopl)
{
	struct physdev_set_iopl s = { .iopl = 1 };

	EXPECT(hypercall2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, (uint64_t)(uintptr_t)&s) == 0);
}

GUEST_TEST(b_reads_all_ones_writes_dropped)
{
	uint32_t v32;
	uint8_t v8;

	/* On a privileged domain 0xcf8 would give back what was written. */
	__asm__ __volatile__("mov $0xcf8, %%dx; mov $0x80000000, %%eax; outl %%eax, %%dx;"
			     "xor %%eax, %%eax; inl %%dx, %%eax"
			     : "=a"(v32) : : "rdx");
	EXPECT(v32 == 0xffffffffu);
	__asm__ __volatile__("mov $0x0a, %%al; outb %%al, $0x70; inb $0x71, %%al" : "=a"(v8));
	EXPECT(v8 == 0xff);
	/* Would end the run with "success" if it reached QEMU's test-exit device. */
	__asm__ __volatile__("mov $0x10, %%eax; outl %%eax, $0xf4" : : : "rax");
}
