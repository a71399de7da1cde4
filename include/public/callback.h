/* SPDX-License-Identifier: MIT */
/*
 * callback_op (hypercall 30): callback_op(cmd, arg). Registers the entry points the hypervisor
 * bounces the guest kernel to, per vCPU.
 *
 * Numbers and layouts of Xen's public ABI (interface of Xen 4.17), restated for Argon.
 */
#ifndef ARGON_PUBLIC_CALLBACK_H
#define ARGON_PUBLIC_CALLBACK_H

#include "xen.h"

#define CALLBACKTYPE_event 0		     /* event upcall */
#define CALLBACKTYPE_failsafe 1		     /* a return to the guest failed (bad segment) */
#define CALLBACKTYPE_syscall 2		     /* 64-bit syscall from guest user mode */
#define CALLBACKTYPE_sysenter_deprecated 3
#define CALLBACKTYPE_nmi 4		     /* NMI */
#define CALLBACKTYPE_sysenter 5		     /* 32-bit sysenter from guest user mode */
#define CALLBACKTYPE_syscall32 7	     /* 32-bit syscall from guest user mode */

/* Mask events (set evtchn_upcall_mask) when entering the callback. */
#define _CALLBACKF_mask_events 0
#define CALLBACKF_mask_events (1U << _CALLBACKF_mask_events)

#define CALLBACKOP_register 0	/* struct callback_register */
#define CALLBACKOP_unregister 1 /* struct callback_unregister */

#ifndef __ASSEMBLER__

struct callback_register {
	uint16_t type;	/* CALLBACKTYPE_* */
	uint16_t flags; /* CALLBACKF_* */
	uint32_t _pad0;
	xen_callback_t address;
};

struct callback_unregister {
	uint16_t type;
	uint16_t _unused;
};

#endif /* !__ASSEMBLER__ */

#endif /* ARGON_PUBLIC_CALLBACK_H */
