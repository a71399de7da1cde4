/* SPDX-License-Identifier: MIT */
/*
 * hvm_op (hypercall 34): hvm_op(op, arg). Only the parameter get/set operations so far.
 *
 * Numbers and layouts of Xen's public ABI (interface of Xen 4.17), restated for Argon.
 */
#ifndef ARGON_PUBLIC_HVM_HVM_OP_H
#define ARGON_PUBLIC_HVM_HVM_OP_H

#include "../xen.h"

#define HVMOP_set_param 0	/* struct xen_hvm_param */
#define HVMOP_get_param 1	/* struct xen_hvm_param */

#ifndef __ASSEMBLER__

/** Get or set HVM parameter @index (HVM_PARAM_*) of domain @domid. */
struct xen_hvm_param {
	domid_t domid;		/* IN: DOMID_SELF or a domain ID */
	uint16_t pad;		/* must be zero */
	uint32_t index;		/* IN: HVM_PARAM_* */
	uint64_t value;		/* IN (set) / OUT (get) */
};

#endif

#endif
