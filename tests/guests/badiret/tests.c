/*
 * badiret: the iret hypercall with a return frame the CPU refuses (a null code selector). Argon's
 * own iretq faults on it; that must crash only this domain.
 */
#include <argon/lib.h>

#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/test.h>

GUEST_TEST(bad_return_frame)
{
	static uint64_t frame[9] __attribute__((aligned(16)));

	printk("BADIRET about to return through a null code selector\n");
	/* rax, r11, rcx, flags, rip, cs, rflags, rsp, ss: cs 0 becomes 0x3, a null selector. */
	frame[4] = (uint64_t)(uintptr_t)test_bad_return_frame;
	frame[5] = 0;
	frame[6] = 0x202;
	frame[7] = (uint64_t)(uintptr_t)&frame[8];
	frame[8] = 0xe02b;
	__asm__ __volatile__("mov %0, %%rsp; mov $23, %%eax; syscall" : : "r"(frame) : "memory");
	EXPECT(0);
}
