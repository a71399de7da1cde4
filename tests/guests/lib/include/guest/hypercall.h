/*
 * Hypercalls from an Argon PV test kernel. The x86-64 PV ABI: number in RAX, arguments in RDI,
 * RSI, RDX, R10, R8, result in RAX; `syscall` from guest kernel mode, or a call to the 32-byte
 * stub for that number in the hypercall page. Both ways are available; hypercall_direct selects
 * `syscall` at run time (tests use it to compare the two).
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

#include <public/xen.h>

/* The page the hypervisor fills with stubs (head.S, named by the HYPERCALL_PAGE note). */
extern uint8_t hypercall_page[4096];

/* When true, hypercalls use `syscall` directly instead of the hypercall page. */
extern bool hypercall_direct;

/*
 * Issue hypercall nr with five arguments. The ABI allows the hypervisor to clobber the argument
 * registers; `syscall` clobbers RCX and R11 (the stubs save them, the direct path does not).
 */
static inline long hypercall5(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3,
			      uint64_t a4, uint64_t a5)
{
	register uint64_t rdi __asm__("rdi") = a1;
	register uint64_t rsi __asm__("rsi") = a2;
	register uint64_t rdx __asm__("rdx") = a3;
	register uint64_t r10 __asm__("r10") = a4;
	register uint64_t r8 __asm__("r8") = a5;
	long rax;

	if (hypercall_direct) {
		__asm__ __volatile__("syscall"
				     : "=a"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10),
				       "+r"(r8)
				     : "0"((uint64_t)nr)
				     : "rcx", "r11", "memory");
	} else {
		uint64_t stub = (uint64_t)hypercall_page + (uint64_t)nr * XEN_HYPERCALL_STUB_SIZE;

		__asm__ __volatile__("call *%[stub]"
				     : "=a"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10),
				       "+r"(r8), [stub] "+c"(stub)
				     :
				     : "r11", "memory");
	}
	return rax;
}

static inline long hypercall0(unsigned int nr)
{
	return hypercall5(nr, 0, 0, 0, 0, 0);
}

static inline long hypercall1(unsigned int nr, uint64_t a1)
{
	return hypercall5(nr, a1, 0, 0, 0, 0);
}

static inline long hypercall2(unsigned int nr, uint64_t a1, uint64_t a2)
{
	return hypercall5(nr, a1, a2, 0, 0, 0);
}

static inline long hypercall3(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return hypercall5(nr, a1, a2, a3, 0, 0);
}

static inline long hypercall4(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3,
			      uint64_t a4)
{
	return hypercall5(nr, a1, a2, a3, a4, 0);
}

/* A pointer as a hypercall argument. */
static inline uint64_t hc_ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* Typed wrappers, named as in the ABI. */

static inline long HYPERVISOR_console_io(unsigned int cmd, unsigned int count, const char *buf)
{
	return hypercall3(__HYPERVISOR_console_io, cmd, count, hc_ptr(buf));
}

static inline long HYPERVISOR_xen_version(unsigned int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_xen_version, cmd, hc_ptr(arg));
}

static inline long HYPERVISOR_sched_op(unsigned int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_sched_op, cmd, hc_ptr(arg));
}

static inline long HYPERVISOR_set_trap_table(const struct trap_info *table)
{
	return hypercall1(__HYPERVISOR_set_trap_table, hc_ptr(table));
}

static inline long HYPERVISOR_callback_op(unsigned int cmd, const void *arg)
{
	return hypercall2(__HYPERVISOR_callback_op, cmd, hc_ptr(arg));
}

static inline long HYPERVISOR_vcpu_op(unsigned int cmd, unsigned int vcpu, void *arg)
{
	return hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpu, hc_ptr(arg));
}

static inline long HYPERVISOR_event_channel_op(unsigned int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_event_channel_op, cmd, hc_ptr(arg));
}

static inline long HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_memory_op, cmd, hc_ptr(arg));
}

static inline long HYPERVISOR_mmu_update(const struct mmu_update *req, unsigned int count,
					 unsigned int *done, domid_t foreigndom)
{
	return hypercall4(__HYPERVISOR_mmu_update, hc_ptr(req), count, hc_ptr(done), foreigndom);
}

static inline long HYPERVISOR_mmuext_op(const struct mmuext_op *op, unsigned int count,
					unsigned int *done, domid_t foreigndom)
{
	return hypercall4(__HYPERVISOR_mmuext_op, hc_ptr(op), count, hc_ptr(done), foreigndom);
}

static inline long HYPERVISOR_update_va_mapping(uint64_t va, uint64_t pte, uint64_t flags)
{
	return hypercall3(__HYPERVISOR_update_va_mapping, va, pte, flags);
}

static inline long HYPERVISOR_vm_assist(unsigned int cmd, unsigned int type)
{
	return hypercall2(__HYPERVISOR_vm_assist, cmd, type);
}

static inline long HYPERVISOR_set_segment_base(unsigned int which, uint64_t base)
{
	return hypercall2(__HYPERVISOR_set_segment_base, which, base);
}

static inline long HYPERVISOR_stack_switch(uint64_t ss, uint64_t sp)
{
	return hypercall2(__HYPERVISOR_stack_switch, ss, sp);
}

static inline long HYPERVISOR_multicall(struct multicall_entry *calls, unsigned int count)
{
	return hypercall2(__HYPERVISOR_multicall, hc_ptr(calls), count);
}

static inline long HYPERVISOR_grant_table_op(unsigned int cmd, void *args, unsigned int count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, hc_ptr(args), count);
}

static inline long HYPERVISOR_set_timer_op(uint64_t timeout_ns)
{
	return hypercall1(__HYPERVISOR_set_timer_op, timeout_ns);
}

#endif /* GUEST_HYPERCALL_H */
