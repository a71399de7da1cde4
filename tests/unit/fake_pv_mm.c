/*
 * The fake architecture under the PV MMU rules (hypervisor/arch/x86/pv/mm*.c): machine memory is
 * a host array indexed by MFN, guest virtual addresses are host pointers (addresses below
 * FAKE_BAD_GUEST_LIMIT fault), TLB flushes and CR3 reloads are counted, preemption is scripted.
 */
#include <stdio.h>
#include <stdlib.h>
#include "unit.h"
#include "fake_pv_mm.h"
#include <argon/console.h>
#include <argon/guest_access.h>
#include <argon/hypercall.h>

struct fake_pv fake;

void *arch_mfn_to_virt(mfn_t m)
{
	if (mfn_x(m) >= fake.nr_frames) {
		fail_msg("arch_mfn_to_virt(%#llx) beyond fake memory", (unsigned long long)mfn_x(m));
	}
	return fake.mem + mfn_x(m) * PAGE_SIZE;
}

void pv_init_l4_hv_slots(uint64_t *l4)
{
	unsigned int i;

	for (i = HV_L4_FIRST_SLOT; i <= HV_L4_LAST_SLOT; i++) {
		l4[i] = FAKE_HV_SLOT(i);
	}
}

void pv_flush_tlb_domain(struct domain *d)
{
	fake.flush_domain++;
}

void pv_note_full_flush(void)
{
}

int pv_io_frame_access(mfn_t mfn, bool writable)
{
	return fake.io_readonly_mfn && mfn_x(mfn) == fake.io_readonly_mfn && writable ? -EPERM : 0;
}

void pv_flush_tlb_local(uint64_t va)
{
	fake.flush_local++;
	fake.last_flush_va = va;
}

void pv_flush_tlb_vcpus(struct domain *d, const uint64_t *mask, unsigned int nr_words,
			uint64_t va)
{
	fake.flush_vcpus++;
	fake.last_flush_va = va;
	fake.last_flush_mask = mask ? mask[0] : ~0ULL;
}

void pv_reload_cr3(struct vcpu *v)
{
	fake.reload_cr3++;
}

void m2p_set_entry(mfn_t mfn, uint64_t pfn)
{
	if (mfn_x(mfn) < FAKE_M2P_ENTRIES) {
		fake.m2p[mfn_x(mfn)] = pfn;
	}
}

uint64_t m2p_get_entry(mfn_t mfn)
{
	return mfn_x(mfn) < FAKE_M2P_ENTRIES ? fake.m2p[mfn_x(mfn)] : M2P_INVALID_ENTRY;
}

bool hypercall_preempt_check(void)
{
	fake.preempt_checks++;
	if (fake.preempt_every && fake.preempt_checks % fake.preempt_every == 0) {
		fake.preempted++;
		return true;
	}
	return false;
}

long hypercall_create_continuation(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3,
				   uint64_t a4, uint64_t a5)
{
	fake.cont_nr = nr;
	fake.cont_args[0] = a1;
	fake.cont_args[1] = a2;
	fake.cont_args[2] = a3;
	fake.cont_args[3] = a4;
	fake.cont_args[4] = a5;
	fake.continuations++;
	return FAKE_CONTINUATION;
}

int copy_from_guest(void *dst, uint64_t src, size_t len)
{
	if (src < FAKE_BAD_GUEST_LIMIT) {
		return -EFAULT;
	}
	memcpy(dst, (const void *)src, len);
	return 0;
}

int copy_to_guest(uint64_t dst, const void *src, size_t len)
{
	if (dst < FAKE_BAD_GUEST_LIMIT) {
		return -EFAULT;
	}
	memcpy((void *)dst, src, len);
	return 0;
}

int clear_guest(uint64_t dst, size_t len)
{
	if (dst < FAKE_BAD_GUEST_LIMIT) {
		return -EFAULT;
	}
	memset((void *)dst, 0, len);
	return 0;
}

struct vcpu *current_vcpu(void)
{
	return fake.current;
}

struct domain *domain_by_id(domid_t id)
{
	unsigned int i;

	for (i = 0; i < FAKE_MAX_DOMAINS; i++) {
		if (fake.domains[i] && fake.domains[i]->domain_id == id) {
			return fake.domains[i];
		}
	}
	return NULL;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	fake.log_lines++;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* The LDT installer (pv/descriptor.c) needs real descriptor pages: here it only records. */
int pv_set_ldt(struct vcpu *v, uint64_t base, uint32_t ents)
{
	v->arch.ldt_base = ents ? base : 0;
	v->arch.ldt_ents = ents;
	return 0;
}
