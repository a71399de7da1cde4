/*
 * Hypercall dispatch for 64-bit PV guests: number in RAX, arguments in RDI, RSI, RDX, R10, R8,
 * result back in RAX. The table comes from hypercall-defs.h; anything not in it is -ENOSYS.
 */
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/guest_access.h>
#include <argon/hypercall.h>
#include <argon/lib.h>
#include <asm/pv.h>
#include <public/xen.h>

#define ALL 0
#define PRIV 1

struct hypercall_entry {
	hypercall_fn fn;
	uint8_t who;
};

#define NR_HYPERCALLS 64

static const struct hypercall_entry hypercall_table[NR_HYPERCALLS] = {
#define HYPERCALL(nr, name, w) [nr] = { do_##name, w },
#include <argon/hypercall-defs.h>
#undef HYPERCALL
};

/* Set while a hypercall runs: a continuation must rewind the guest to re-issue it. */
static bool continuation_pending;

long hypercall_create_continuation(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3,
				   uint64_t a4, uint64_t a5)
{
	struct cpu_regs *regs = guest_cpu_regs();

	regs->rdi = a1;
	regs->rsi = a2;
	regs->rdx = a3;
	regs->r10 = a4;
	regs->r8 = a5;
	continuation_pending = true;
	return nr;
}

bool hypercall_preempt_check(void)
{
	/* Nothing else competes for the CPU yet; the scheduler will make this real. */
	return false;
}

static long dispatch(unsigned long nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		     uint64_t a5)
{
	const struct hypercall_entry *h;
	struct vcpu *v = current_vcpu();

	if (nr >= NR_HYPERCALLS || !hypercall_table[nr].fn) {
		return -ENOSYS;
	}
	h = &hypercall_table[nr];
	if (h->who == PRIV && !v->domain->is_privileged) {
		return -EPERM;
	}
	return h->fn(a1, a2, a3, a4, a5);
}

void pv_hypercall(struct cpu_regs *regs)
{
	unsigned long nr = regs->rax;
	long ret;

	continuation_pending = false;
	ret = dispatch(nr, regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8);
	regs->rax = (uint64_t)ret;
	if (continuation_pending) {
		/* Re-execute the syscall instruction (2 bytes) with the updated arguments. */
		regs->rip -= 2;
		regs->rax = nr;
	}
}

long do_multicall(uint64_t list, uint64_t count, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct multicall_entry mc;
	uint64_t i;

	for (i = 0; i < count; i++) {
		uint64_t addr = list + i * sizeof(mc);

		if (copy_from_guest(&mc, addr, sizeof(mc))) {
			return -EFAULT;
		}
		/* Nested multicalls and iret make no sense inside a batch. */
		if (mc.op == __HYPERVISOR_multicall || mc.op == __HYPERVISOR_iret) {
			mc.result = (uint64_t)-EINVAL;
		} else {
			continuation_pending = false;
			mc.result = (uint64_t)dispatch(mc.op, mc.args[0], mc.args[1], mc.args[2],
						       mc.args[3], mc.args[4]);
			if (continuation_pending) {
				/* A preempted entry: finish it on the next pass, resuming with this entry. */
				mc.result = 0;
				continuation_pending = false;
				return hypercall_create_continuation(__HYPERVISOR_multicall, addr, count - i,
								     0, 0, 0);
			}
		}
		if (copy_to_guest(addr + __builtin_offsetof(struct multicall_entry, result), &mc.result,
				  sizeof(mc.result))) {
			return -EFAULT;
		}
		if (current_vcpu()->domain->state != DOMAIN_RUNNING) {
			break;
		}
	}
	return 0;
}

/* Hypercalls whose implementations come with the PV MMU; until then they are -ENOSYS. */
#define WEAK_ENOSYS(name)                                                                   \
	long __attribute__((weak)) do_##name(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, \
					     uint64_t a5)                                       \
	{                                                                                   \
		return -ENOSYS;                                                             \
	}
WEAK_ENOSYS(mmu_update)
WEAK_ENOSYS(mmuext_op)
WEAK_ENOSYS(update_va_mapping)
WEAK_ENOSYS(vm_assist)

bool __attribute__((weak)) pv_ptwr_fault(struct cpu_regs *regs, uint64_t addr)
{
	return false;
}

/*
 * Until the PV MMU lands: boot page tables are trusted as built (no validation, no types), and
 * there is no machine-to-phys table. These weak definitions are replaced by the real ones.
 */
int __attribute__((weak)) pv_pin_table(struct domain *d, mfn_t mfn, uint64_t pgt_type)
{
	return 0;
}

int __attribute__((weak)) pv_set_guest_table(struct vcpu *v, mfn_t l4, bool user)
{
	if (user) {
		v->arch.guest_table_user = l4;
	} else {
		v->arch.guest_table = l4;
	}
	return 0;
}

void __attribute__((weak)) m2p_set_entry(mfn_t mfn, uint64_t pfn)
{
}
