/* SPDX-License-Identifier: MIT */
/*
 * Event channels: event_channel_op (hypercall 32) as event_channel_op(cmd, arg), arg pointing to
 * the command's structure. Fields marked IN are read by the hypervisor, OUT are written by it.
 * Argon implements the 2-level ABI (bitmaps in shared_info); the FIFO ABI is not offered.
 *
 * Numbers and layouts of Xen's public ABI (interface of Xen 4.17), restated for Argon.
 */
#ifndef ARGON_PUBLIC_EVENT_CHANNEL_H
#define ARGON_PUBLIC_EVENT_CHANNEL_H

#include "xen.h"

#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq 1
#define EVTCHNOP_bind_pirq 2
#define EVTCHNOP_close 3
#define EVTCHNOP_send 4
#define EVTCHNOP_status 5
#define EVTCHNOP_alloc_unbound 6
#define EVTCHNOP_bind_ipi 7
#define EVTCHNOP_bind_vcpu 8
#define EVTCHNOP_unmask 9
#define EVTCHNOP_reset 10
#define EVTCHNOP_init_control 11 /* FIFO ABI */
#define EVTCHNOP_expand_array 12 /* FIFO ABI */
#define EVTCHNOP_set_priority 13 /* FIFO ABI */

/* evtchn_status.status. */
#define EVTCHNSTAT_closed 0
#define EVTCHNSTAT_unbound 1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq 3
#define EVTCHNSTAT_virq 4
#define EVTCHNSTAT_ipi 5

/* evtchn_bind_pirq.flags. */
#define BIND_PIRQ__WILL_SHARE 1

/* Ports of the 2-level ABI on x86-64: 64 selector bits x 64-bit words. */
#define EVTCHN_2L_NR_CHANNELS (64 * 64)

/* FIFO ABI constants (Argon answers init_control with -ENOSYS). */
#define EVTCHN_FIFO_PRIORITY_MAX 0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN 15
#define EVTCHN_FIFO_MAX_QUEUES (EVTCHN_FIFO_PRIORITY_MIN + 1)
#define EVTCHN_FIFO_PENDING 31
#define EVTCHN_FIFO_MASKED 30
#define EVTCHN_FIFO_LINKED 29
#define EVTCHN_FIFO_BUSY 28
#define EVTCHN_FIFO_LINK_BITS 17
#define EVTCHN_FIFO_LINK_MASK ((1 << EVTCHN_FIFO_LINK_BITS) - 1)
#define EVTCHN_FIFO_NR_CHANNELS (1 << EVTCHN_FIFO_LINK_BITS)

#ifndef __ASSEMBLER__

typedef uint32_t evtchn_port_t;
XEN_GUEST_HANDLE_DEFINE(evtchn_port_t, evtchn_port_t);

/* Allocate an unbound port in dom (IN) that remote_dom (IN) may bind; port OUT. */
struct evtchn_alloc_unbound {
	domid_t dom, remote_dom;
	evtchn_port_t port;
};

/* Bind a local port (OUT) to remote_dom's unbound port remote_port (IN). */
struct evtchn_bind_interdomain {
	domid_t remote_dom;
	uint16_t _pad0;
	evtchn_port_t remote_port;
	evtchn_port_t local_port;
};

/* Bind virq (IN) on vcpu (IN) to a new port (OUT). */
struct evtchn_bind_virq {
	uint32_t virq;
	uint32_t vcpu;
	evtchn_port_t port;
};

/* Bind a physical IRQ (IN) to a new port (OUT); privileged. */
struct evtchn_bind_pirq {
	uint32_t pirq;
	uint32_t flags; /* BIND_PIRQ__* */
	evtchn_port_t port;
};

/* Bind an inter-vCPU notification port (OUT) delivered to vcpu (IN). */
struct evtchn_bind_ipi {
	uint32_t vcpu;
	evtchn_port_t port;
};

/* Close port (IN). */
struct evtchn_close {
	evtchn_port_t port;
};

/* Notify the other end of port (IN). */
struct evtchn_send {
	evtchn_port_t port;
};

/* The state of port (IN) in dom (IN): status and vcpu and u OUT. */
struct evtchn_status {
	domid_t dom;
	uint16_t _pad0;
	evtchn_port_t port;
	uint32_t status; /* EVTCHNSTAT_* */
	uint32_t vcpu;	 /* vCPU the port notifies */
	union {
		struct {
			domid_t dom;
		} unbound;
		struct {
			domid_t dom;
			uint16_t _pad0;
			evtchn_port_t port;
		} interdomain;
		uint32_t pirq;
		uint32_t virq;
	} u;
};

/* Deliver port (IN) to vcpu (IN) from now on. */
struct evtchn_bind_vcpu {
	evtchn_port_t port;
	uint32_t vcpu;
};

/* Unmask port (IN), delivering it if pending. */
struct evtchn_unmask {
	evtchn_port_t port;
};

/* Close every port of dom (IN). */
struct evtchn_reset {
	domid_t dom;
};

/* FIFO ABI: register a vCPU's control block. */
struct evtchn_init_control {
	uint64_t control_gfn;
	uint32_t offset;
	uint32_t vcpu;
	uint8_t link_bits; /* OUT */
	uint8_t _pad[7];
};

/* FIFO ABI: add a page of event words. */
struct evtchn_expand_array {
	uint64_t array_gfn;
};

/* FIFO ABI: set a port's priority. */
struct evtchn_set_priority {
	evtchn_port_t port;
	uint32_t priority;
};

/* The argument of the obsolete event_channel_op_compat (hypercall 16): command plus union. */
struct evtchn_op {
	uint32_t cmd; /* EVTCHNOP_* */
	union {
		struct evtchn_alloc_unbound alloc_unbound;
		struct evtchn_bind_interdomain bind_interdomain;
		struct evtchn_bind_virq bind_virq;
		struct evtchn_bind_pirq bind_pirq;
		struct evtchn_bind_ipi bind_ipi;
		struct evtchn_close close;
		struct evtchn_send send;
		struct evtchn_status status;
		struct evtchn_bind_vcpu bind_vcpu;
		struct evtchn_unmask unmask;
	} u;
};

/* FIFO ABI: a per-vCPU control block. */
struct evtchn_fifo_control_block {
	uint32_t ready;
	uint32_t _rsvd;
	uint32_t head[EVTCHN_FIFO_MAX_QUEUES];
};

typedef uint32_t event_word_t;

#endif /* !__ASSEMBLER__ */

#endif /* ARGON_PUBLIC_EVENT_CHANNEL_H */
