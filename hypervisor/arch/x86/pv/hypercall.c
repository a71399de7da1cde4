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
#include <argon/time.h>
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

/* A continuation requested by the running hypercall: the guest re-issues @nr with @args. */
static struct {
	bool pending;
	unsigned int nr;
	uint64_t args[5];
} cont;

/* When the running (top-level) hypercall started, for hypercall_preempt_check(). */
static s_time_t hypercall_started;

/* Longest a hypercall runs (interrupts off) before it must stop and continue later. */
#define HYPERCALL_SLICE MICROSECS(1000)

long hypercall_create_continuation(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3,
				   uint64_t a4, uint64_t a5)
{
	cont.pending = true;
	cont.nr = nr;
	cont.args[0] = a1;
	cont.args[1] = a2;
	cont.args[2] = a3;
	cont.args[3] = a4;
	cont.args[4] = a5;
	return nr;
}

bool hypercall_preempt_check(void)
{
	/*
	 * Hypercalls run with interrupts off: past the slice, stop so the return to the guest lets
	 * pending interrupts (timers, other work) in before the guest re-issues the rest.
	 */
	return NOW() - hypercall_started > HYPERCALL_SLICE;
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
	v->domain->arch.stats.hypercalls[nr]++;
	if (pv_stats_on) {
		uint64_t t0 = rdtsc();
		long rc = h->fn(a1, a2, a3, a4, a5);

		/* A multicall's time includes its entries' (counted again under their own numbers). */
		v->domain->arch.stats.hypercall_cycles[nr] += rdtsc() - t0;
		return rc;
	}
	return h->fn(a1, a2, a3, a4, a5);
}

void pv_hypercall(struct cpu_regs *regs)
{
	unsigned long nr = regs->rax;
	long ret;

	cont.pending = false;
	hypercall_started = NOW();
	ret = dispatch(nr, regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8);
	regs->rax = (uint64_t)ret;
	if (cont.pending) {
		/* Re-execute the syscall instruction (2 bytes) with the updated arguments. */
		cont.pending = false;
		regs->rdi = cont.args[0];
		regs->rsi = cont.args[1];
		regs->rdx = cont.args[2];
		regs->r10 = cont.args[3];
		regs->r8 = cont.args[4];
		regs->rip -= 2;
		regs->rax = cont.nr;
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
			cont.pending = false;
			mc.result = (uint64_t)dispatch(mc.op, mc.args[0], mc.args[1], mc.args[2],
						       mc.args[3], mc.args[4]);
			if (cont.pending) {
				/*
				 * A preempted entry: store its continuation arguments in the entry, so the
				 * next pass resumes it where it stopped instead of repeating finished work.
				 */
				memcpy(mc.args, cont.args, sizeof(cont.args));
				mc.result = 0;
				cont.pending = false;
				if (copy_to_guest(addr, &mc, sizeof(mc))) {
					return -EFAULT;
				}
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
