/*
 * Event channels, 2-level ABI (common/event/): per-domain ports, their bindings, delivery through
 * the pending/mask bitmaps of shared_info and the per-vCPU selector, and event_channel_op.
 *
 * What other parts of the hypervisor call:
 *  - send_guest_virq(v, virq): raise a VIRQ on vCPU @v (per-vCPU VIRQs such as VIRQ_TIMER) or,
 *    for a global VIRQ, on whichever vCPU its port notifies. Nothing happens while unbound.
 *    Safe from interrupt context (the event lock is taken with interrupts off).
 *  - evtchn_domain_init(d) / evtchn_domain_destroy(d): domain creation and teardown. Teardown
 *    closes every port (interdomain peers see their end go back to unbound) and refuses new
 *    bindings to @d from then on.
 *  - evtchn_alloc_unbound_port(): ports a builder pre-binds (console, xenstore).
 *  - evtchn_alloc_hv_port() / evtchn_hv_notify(): a port whose other end is Argon itself (the
 *    in-hypervisor console backend): the guest's sends call a registered handler, and Argon
 *    raises the port with evtchn_hv_notify(). See docs/design/console.md.
 *  - evtchn_poll(): the non-blocking part of SCHEDOP_poll.
 *
 * The architecture provides vcpu_kick() (argon/arch.h) and delivers the upcall on the way back to
 * the guest when vcpu_info.evtchn_upcall_pending is set and evtchn_upcall_mask is clear.
 */
#ifndef ARGON_EVENT_H
#define ARGON_EVENT_H

#include <argon/spinlock.h>
#include <argon/types.h>
#include <public/event_channel.h>
#include <public/xen.h>

struct domain;
struct vcpu;

/* VIRQ numbers are below this (the ABI's NR_VIRQS). */
#define EVTCHN_NR_VIRQS 24

/* Default ports per domain (port 0 is reserved, so 1023 usable); evtchn_max_ports= changes it. */
#define EVTCHN_DEFAULT_MAX_PORTS 1024

/** The state of one port (Xen's ECS_*). */
enum evtchn_state {
	ECS_FREE = 0,		/* not in use */
	ECS_RESERVED,		/* port 0: never allocated */
	ECS_UNBOUND,		/* waiting for remote_domid to bind it */
	ECS_INTERDOMAIN,	/* connected to (remote_dom, remote_port) */
	ECS_VIRQ,		/* bound to a VIRQ */
	ECS_IPI,		/* an inter-vCPU notification within the domain */
	ECS_HYPERVISOR,		/* the other end is Argon: sends call a registered handler */
};

/**
 * The in-hypervisor end of an ECS_HYPERVISOR port: called (with no event lock held, in the
 * context of the sending vCPU) each time domain @d sends on its port @port.
 */
typedef void (*evtchn_hv_handler_t)(struct domain *d, evtchn_port_t port);

/* How many distinct handlers (in-hypervisor services) may own ports. */
#define EVTCHN_MAX_HV_HANDLERS 4

/** One port of a domain. Guarded by the owning domain's evtchn_domain.lock. */
struct evtchn {
	uint8_t state;			/* enum evtchn_state */
	uint8_t _pad;
	uint16_t notify_vcpu;		/* the vCPU whose selector and upcall this port raises */
	union {
		struct {
			domid_t remote_domid;	/* who may bind it */
		} unbound;
		struct {
			domid_t remote_dom;
			evtchn_port_t remote_port;
		} interdomain;
		uint32_t virq;
		uint32_t hv_handler;	/* ECS_HYPERVISOR: index into the handler table */
	} u;
};

/** The event-channel state of a domain (d->evtchn). */
struct evtchn_domain {
	spinlock_t lock;		/* guards everything below; see docs/design/locking.md */
	bool dying;			/* teardown started: no new bindings to this domain */
	unsigned int max_ports;		/* ports [1, max_ports) may be allocated */
	struct evtchn *ports;		/* max_ports entries */
	/* The port bound to each VIRQ on each vCPU, 0 if none (global VIRQs live in slot 0). */
	evtchn_port_t virq_to_port[MAX_VCPUS_PER_DOMAIN][EVTCHN_NR_VIRQS];
};

/** Ports new domains get (1..EVTCHN_2L_NR_CHANNELS; the evtchn_max_ports= option). */
extern uint64_t evtchn_max_ports;

/** Set up @d's event channels (all ports free). Returns 0 or -ENOMEM. */
int evtchn_domain_init(struct domain *d);

/**
 * Teardown: mark @d dying (no more bindings to it), close every port (interdomain peers go back
 * to unbound, naming @d) and free the state. Idempotent; d->evtchn is NULL afterwards.
 */
void evtchn_domain_destroy(struct domain *d);

/**
 * Raise @virq for @v: a per-vCPU VIRQ on the port @v bound it to, a global VIRQ on the port of
 * @v's domain (delivered to the vCPU that port notifies). Nothing happens if it is unbound.
 */
void send_guest_virq(struct vcpu *v, unsigned int virq);

/** Raise global VIRQ @virq (VIRQ_CONSOLE, VIRQ_DOM_EXC, ...) of domain @d. */
void send_guest_global_virq(struct domain *d, unsigned int virq);

/** True if @virq is a global VIRQ (one binding per domain, on vCPU 0 initially). */
bool virq_is_global(unsigned int virq);

/**
 * Allocate an unbound port in @d that @remote may bind (a builder's console or xenstore port).
 * Returns 0 and the port in *@port, -ENOSPC when @d has no free port, -ESRCH if it is dying.
 */
int evtchn_alloc_unbound_port(struct domain *d, domid_t remote, evtchn_port_t *port);

/**
 * Allocate a port of @d whose remote end is the hypervisor: EVTCHNOP_send on it calls
 * @handler(d, port) (after the event lock is released); EVTCHNOP_status reports it as
 * interdomain with DOMID_XEN. The guest may move it (bind_vcpu) or close it like any port.
 * Returns 0 and the port in *@port, -ENOSPC (no free port or handler slot), -ESRCH (dying).
 */
int evtchn_alloc_hv_port(struct domain *d, evtchn_hv_handler_t handler, evtchn_port_t *port);

/**
 * Raise port @port of @d on behalf of the hypervisor end, if it is still a hypervisor port
 * owned by @handler (the guest may have closed it and reused the number). Returns 0 or -EINVAL.
 * Safe from interrupt context.
 */
int evtchn_hv_notify(struct domain *d, evtchn_port_t port, evtchn_hv_handler_t handler);

/**
 * Notify local port @port of @d as EVTCHNOP_send does (the hypervisor acting as @d). Returns 0,
 * -EINVAL for a bad port or a port that cannot be sent on.
 */
int evtchn_send(struct domain *d, evtchn_port_t port);

/**
 * The non-blocking part of SCHEDOP_poll for @d: 1 if any of the @n ports is pending, 0 if none
 * is, -EINVAL if a port is out of range.
 */
int evtchn_poll(struct domain *d, const evtchn_port_t *ports, unsigned int n);

/* SCHEDOP_poll takes at most this many ports (Xen's limit). */
#define EVTCHN_POLL_MAX_PORTS 128

/**
 * SCHEDOP_poll for @v with the guest's struct sched_poll at @arg: 0 at once when a listed port
 * is pending or the timeout has passed; -EINVAL (too many ports, a port out of range), -EFAULT.
 * Otherwise the vCPU would have to block until an event or the timeout, which needs the
 * scheduler: -ENOSYS until then.
 */
long evtchn_sched_poll(struct vcpu *v, uint64_t arg);

/** Whether port @port of @d is pending in shared_info (for tests and the scheduler). */
bool evtchn_is_pending(struct domain *d, evtchn_port_t port);

#endif
