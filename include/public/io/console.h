/* SPDX-License-Identifier: MIT */
/*
 * The PV console ring page (start_info.console.domU.mfn, notified through
 * start_info.console.domU.evtchn). The guest produces into out and consumes from in; the
 * backend does the opposite. Indices are free-running; reduce them with MASK_XENCONS_IDX.
 *
 * Layout of Xen's public ABI (interface of Xen 4.17), restated for Argon.
 */
#ifndef ARGON_PUBLIC_IO_CONSOLE_H
#define ARGON_PUBLIC_IO_CONSOLE_H

#include <stdint.h>

typedef uint32_t XENCONS_RING_IDX;

#define XENCONS_IN_SIZE 1024
#define XENCONS_OUT_SIZE 2048

/* An index reduced to a position in ring (an array whose size is a power of two). */
#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

struct xencons_interface {
	char in[XENCONS_IN_SIZE];   /* backend -> guest */
	char out[XENCONS_OUT_SIZE]; /* guest -> backend */
	XENCONS_RING_IDX in_cons, in_prod;
	XENCONS_RING_IDX out_cons, out_prod;
};

#endif /* ARGON_PUBLIC_IO_CONSOLE_H */
