/* SPDX-License-Identifier: MIT */
/*
 * vcpu_op (hypercall 24): vcpu_op(cmd, vcpuid, arg).
 *
 * Numbers and layouts of Xen's public ABI (interface of Xen 4.17), restated for Argon.
 */
#ifndef ARGON_PUBLIC_VCPU_H
#define ARGON_PUBLIC_VCPU_H

#include "xen.h"

#define VCPUOP_initialise 0		     /* struct vcpu_guest_context */
#define VCPUOP_up 1			     /* no argument */
#define VCPUOP_down 2			     /* no argument */
#define VCPUOP_is_up 3			     /* returns 1 or 0; -ENOENT if no such vCPU */
#define VCPUOP_get_runstate_info 4	     /* struct vcpu_runstate_info */
#define VCPUOP_register_runstate_memory_area 5 /* struct vcpu_register_runstate_memory_area */
#define VCPUOP_set_periodic_timer 6	     /* struct vcpu_set_periodic_timer */
#define VCPUOP_stop_periodic_timer 7	     /* no argument */
#define VCPUOP_set_singleshot_timer 8	     /* struct vcpu_set_singleshot_timer */
#define VCPUOP_stop_singleshot_timer 9	     /* no argument */
#define VCPUOP_register_vcpu_info 10	     /* struct vcpu_register_vcpu_info */
#define VCPUOP_send_nmi 11		     /* no argument */
#define VCPUOP_get_physid 12		     /* struct vcpu_get_physid */
#define VCPUOP_register_vcpu_time_memory_area 13 /* struct vcpu_register_time_memory_area */

/* vcpu_runstate_info.state. */
#define RUNSTATE_running 0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked 2
#define RUNSTATE_offline 3

/* Set in state_entry_time while the hypervisor updates the area (runstate_update_flag assist). */
#define XEN_RUNSTATE_UPDATE (1ULL << 63)

/* vcpu_set_singleshot_timer.flags: fail with -ETIME if the deadline has passed. */
#define _VCPU_SSHOTTMR_future 0
#define VCPU_SSHOTTMR_future (1U << _VCPU_SSHOTTMR_future)

#ifndef __ASSEMBLER__

/* Time a vCPU spent in each RUNSTATE_*, in ns of system time. */
struct vcpu_runstate_info {
	int32_t state;
	uint32_t _pad0;
	uint64_t state_entry_time;
	uint64_t time[4];
};

/* The guest virtual address the hypervisor keeps a vcpu_runstate_info up to date at. */
struct vcpu_register_runstate_memory_area {
	union {
		struct vcpu_runstate_info *v;
		uint64_t p;
	} addr;
};

struct vcpu_set_periodic_timer {
	uint64_t period_ns;
};

/* Raise VIRQ_TIMER at system time timeout_abs_ns. */
struct vcpu_set_singleshot_timer {
	uint64_t timeout_abs_ns;
	uint32_t flags; /* VCPU_SSHOTTMR_* */
	uint32_t _pad0;
};

/* Move the vCPU's vcpu_info to machine frame mfn at offset (once per vCPU). */
struct vcpu_register_vcpu_info {
	uint64_t mfn;
	uint32_t offset;
	uint32_t rsvd;
};

/* x86: APIC ID in bits 0-31, ACPI ID in bits 32-63. */
struct vcpu_get_physid {
	uint64_t phys_id;
};

/* A guest virtual address for a second copy of vcpu_time_info (for a vDSO). */
struct vcpu_register_time_memory_area {
	union {
		struct vcpu_time_info *v;
		uint64_t p;
	} addr;
};

#endif /* !__ASSEMBLER__ */

#endif /* ARGON_PUBLIC_VCPU_H */
