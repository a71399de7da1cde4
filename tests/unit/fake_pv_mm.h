/* The fake architecture under the PV MMU rules: see fake_pv_mm.c. */
#ifndef FAKE_PV_MM_H
#define FAKE_PV_MM_H

#include <argon/domain.h>
#include <asm/pv/mm.h>

#define FAKE_M2P_ENTRIES 8192
#define FAKE_MAX_DOMAINS 4
#define FAKE_BAD_GUEST_LIMIT 0x10000ULL
#define FAKE_CONTINUATION 0x7c0de
/* What the fake hypervisor L4 holds in slot @i. */
#define FAKE_HV_SLOT(i) (0x8000000000000063ULL | ((uint64_t)(i) << 12))

struct fake_pv {
	uint8_t *mem;			/* machine memory, nr_frames pages */
	uint64_t nr_frames;
	uint64_t m2p[FAKE_M2P_ENTRIES];
	unsigned int flush_domain, flush_local, flush_vcpus, reload_cr3;
	uint64_t last_flush_va, last_flush_mask;
	unsigned int preempt_every;	/* 0: never; N: every Nth preemption check says yes */
	unsigned long preempt_checks, preempted;
	unsigned int continuations, cont_nr;
	uint64_t cont_args[5];
	struct vcpu *current;
	struct domain *domains[FAKE_MAX_DOMAINS];
	unsigned int log_lines;
	uint64_t io_readonly_mfn;	/* a device page the fake hypervisor keeps (0: none) */
};

extern struct fake_pv fake;

#endif
