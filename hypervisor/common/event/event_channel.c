/*
 * Event channels, 2-level ABI: ports and their bindings, delivery through shared_info's
 * evtchn_pending/evtchn_mask bitmaps and the per-vCPU selector, and event_channel_op.
 * (Xen's xen/common/event_channel.c and event_2l.c are the model; the code is our own.)
 *
 * Locking (docs/design/locking.md): each domain's evtchn_domain.lock guards its port table and
 * VIRQ bindings. It is taken with interrupts off, since timers raise VIRQs from interrupt
 * context. An operation that touches two domains (bind_interdomain, close and send of an
 * interdomain port, teardown) takes both locks through lock_pair(), lower domain ID first.
 * No guest memory is touched while a lock is held: handlers copy in, act, then copy out.
 *
 * Portable: no arch headers; tests/unit runs this file on the host. The one architectural
 * field used is the vCPU's vcpu_info pointer (vcpu_info_of()).
 */
#include <argon/arch.h>
#include <argon/cmdline.h>
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/event.h>
#include <argon/schedule.h>
#include <argon/guest_access.h>
#include <argon/hypercall.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <argon/time.h>
#include <public/sched.h>

uint64_t evtchn_max_ports = EVTCHN_DEFAULT_MAX_PORTS;
integer_param("evtchn_max_ports", evtchn_max_ports);

#define BITS_PER_WORD (sizeof(xen_ulong_t) * 8)

/*
 * The in-hypervisor services that own ECS_HYPERVISOR ports. Slots are filled once (at build
 * time of the first domain that uses the service) and never cleared; the port stores the index.
 */
static evtchn_hv_handler_t hv_handlers[EVTCHN_MAX_HV_HANDLERS];

/* ---- Bits in shared memory (the guest changes them concurrently: atomics only) ---- */

static bool bit_test_and_set(xen_ulong_t *words, unsigned int bit)
{
	xen_ulong_t m = (xen_ulong_t)1 << (bit % BITS_PER_WORD);

	return __atomic_fetch_or(&words[bit / BITS_PER_WORD], m, __ATOMIC_SEQ_CST) & m;
}

static bool bit_test_and_clear(xen_ulong_t *words, unsigned int bit)
{
	xen_ulong_t m = (xen_ulong_t)1 << (bit % BITS_PER_WORD);

	return __atomic_fetch_and(&words[bit / BITS_PER_WORD], ~m, __ATOMIC_SEQ_CST) & m;
}

static bool bit_test(const xen_ulong_t *words, unsigned int bit)
{
	return (__atomic_load_n(&words[bit / BITS_PER_WORD], __ATOMIC_SEQ_CST) >>
		(bit % BITS_PER_WORD)) & 1;
}

static struct shared_info *shared_info_of(struct domain *d)
{
	return d->shared_info;
}

/*
 * The vcpu_info a vCPU's upcall state lives in: its slot in shared_info, or the frame it moved
 * to with register_vcpu_info. (Kept in arch_vcpu for now; HVM guests will need the same.)
 */
static struct vcpu_info *vcpu_info_of(struct vcpu *v)
{
	return v->arch.vcpu_info;
}

/* Mark the upcall pending for @v and make sure it notices (Xen's vcpu_mark_events_pending). */
static void mark_events_pending(struct vcpu *v)
{
	struct vcpu_info *vi = vcpu_info_of(v);

	if (!__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST)) {
		vcpu_kick(v);
	}
}

/*
 * The 2-level delivery of @port of @d to vCPU @notify: set the pending bit; if it was clear and
 * the port is not masked, set the port's word in the vCPU's selector and, if that was clear, the
 * upcall. The caller holds @d's event lock (the bitmaps themselves are guest memory: atomics).
 */
static void set_pending(struct domain *d, unsigned int notify, evtchn_port_t port)
{
	struct shared_info *s = shared_info_of(d);
	struct vcpu *v = notify < d->max_vcpus ? d->vcpus[notify] : NULL;

	if (bit_test_and_set(s->evtchn_pending, port)) {
		return;
	}
	/* A vCPU blocked in SCHEDOP_poll wakes on any newly pending port, masked or not. */
	sched_wake_pollers(d);
	if (!v || !vcpu_info_of(v) || bit_test(s->evtchn_mask, port)) {
		return;
	}
	if (!bit_test_and_set(&vcpu_info_of(v)->evtchn_pending_sel, port / BITS_PER_WORD)) {
		mark_events_pending(v);
	}
}

/* EVTCHNOP_unmask's 2-level work: clear the mask and deliver if the port is pending. */
static void unmask_port(struct domain *d, unsigned int notify, evtchn_port_t port)
{
	struct shared_info *s = shared_info_of(d);
	struct vcpu *v = notify < d->max_vcpus ? d->vcpus[notify] : NULL;

	if (bit_test_and_clear(s->evtchn_mask, port) && bit_test(s->evtchn_pending, port) && v &&
	    vcpu_info_of(v) &&
	    !bit_test_and_set(&vcpu_info_of(v)->evtchn_pending_sel, port / BITS_PER_WORD)) {
		mark_events_pending(v);
	}
}

/* ---- Locks ---- */

/*
 * Lock the event state of @a and @b (possibly the same domain) with interrupts off, the lower
 * domain ID first: the one place two event locks are taken together.
 */
static unsigned long lock_pair(struct domain *a, struct domain *b)
{
	unsigned long flags = arch_irq_save();

	if (a == b) {
		spin_lock(&a->evtchn->lock);
	} else if (a->domain_id < b->domain_id) {
		spin_lock(&a->evtchn->lock);
		spin_lock(&b->evtchn->lock);
	} else {
		spin_lock(&b->evtchn->lock);
		spin_lock(&a->evtchn->lock);
	}
	return flags;
}

static void unlock_pair(struct domain *a, struct domain *b, unsigned long flags)
{
	spin_unlock(&a->evtchn->lock);
	if (a != b) {
		spin_unlock(&b->evtchn->lock);
	}
	arch_irq_restore(flags);
}

/* ---- Ports ---- */

static bool port_valid(const struct evtchn_domain *ed, evtchn_port_t port)
{
	return port < ed->max_ports;
}

static struct evtchn *port_of(struct evtchn_domain *ed, evtchn_port_t port)
{
	return &ed->ports[port];
}

/* A free port of @ed, or -ENOSPC. Caller holds the lock. */
static int get_free_port(struct evtchn_domain *ed)
{
	unsigned int p;

	for (p = 1; p < ed->max_ports; p++) {
		if (ed->ports[p].state == ECS_FREE) {
			return (int)p;
		}
	}
	return -ENOSPC;
}

/* Return @port of @d to the free state: no binding, nothing pending. Caller holds the lock. */
static void free_port(struct domain *d, evtchn_port_t port)
{
	struct evtchn *chn = port_of(d->evtchn, port);

	memset(chn, 0, sizeof(*chn));
	bit_test_and_clear(shared_info_of(d)->evtchn_pending, port);
}

/* The domain a guest names: DOMID_SELF or its own ID is itself. */
static domid_t resolve(struct domain *d, domid_t id)
{
	return id == DOMID_SELF ? d->domain_id : id;
}

/*
 * The domain @caller may act on as @id: itself, or any domain for a privileged caller. Returns
 * NULL with *@rc set (-ESRCH, -EPERM) otherwise.
 */
static struct domain *target_domain(struct domain *caller, domid_t id, int *rc)
{
	struct domain *t;

	id = resolve(caller, id);
	if (id == caller->domain_id) {
		return caller;
	}
	if (!caller->is_privileged) {
		*rc = -EPERM;
		return NULL;
	}
	t = domain_by_id(id);
	if (!t || !t->evtchn) {
		*rc = -ESRCH;
		return NULL;
	}
	return t;
}

int evtchn_domain_init(struct domain *d)
{
	struct evtchn_domain *ed = alloc_xenheap(sizeof(*ed));
	uint64_t n = evtchn_max_ports;

	if (!ed) {
		return -ENOMEM;
	}
	if (n < 2) {
		n = 2;
	} else if (n > EVTCHN_2L_NR_CHANNELS) {
		n = EVTCHN_2L_NR_CHANNELS;
	}
	ed->ports = alloc_xenheap(n * sizeof(struct evtchn));
	if (!ed->ports) {
		free_xenheap(ed, sizeof(*ed));
		return -ENOMEM;
	}
	ed->lock = (spinlock_t)SPIN_LOCK_UNLOCKED;
	ed->max_ports = (unsigned int)n;
	ed->ports[0].state = ECS_RESERVED;
	d->evtchn = ed;
	return 0;
}

/* The remote end of interdomain port @lport of @ld, or NULL if it is gone. Caller holds no lock. */
static struct domain *peer_domain(struct domain *ld, evtchn_port_t lport, unsigned long *flags)
{
	struct evtchn *chn = port_of(ld->evtchn, lport);
	domid_t rid;

	*flags = spin_lock_irqsave(&ld->evtchn->lock);
	rid = chn->u.interdomain.remote_dom;
	spin_unlock_irqrestore(&ld->evtchn->lock, *flags);
	return domain_by_id(rid);
}

/*
 * Close @port of @d (any bound state). The peer of an interdomain port goes back to unbound,
 * waiting for @d again. Returns 0 or -EINVAL (out of range, free or reserved).
 */
static int close_port(struct domain *d, evtchn_port_t port)
{
	struct evtchn_domain *ed = d->evtchn;
	struct domain *rd;
	struct evtchn *chn, *rchn;
	unsigned long flags;
	int rc = 0;

	if (!port_valid(ed, port)) {
		return -EINVAL;
	}
	chn = port_of(ed, port);
	for (;;) {
		/* Find the peer first, then hold both locks and check nothing moved meanwhile. */
		rd = d;
		flags = spin_lock_irqsave(&ed->lock);
		if (chn->state == ECS_INTERDOMAIN) {
			spin_unlock_irqrestore(&ed->lock, flags);
			rd = peer_domain(d, port, &flags);
			if (!rd || !rd->evtchn) {
				/* The peer is already gone: nothing to tell it. */
				rd = d;
			}
			flags = lock_pair(d, rd);
			if (chn->state == ECS_INTERDOMAIN && rd != d &&
			    chn->u.interdomain.remote_dom != rd->domain_id) {
				unlock_pair(d, rd, flags);
				continue;
			}
		}
		break;
	}
	switch (chn->state) {
	case ECS_FREE:
	case ECS_RESERVED:
		rc = -EINVAL;
		break;
	case ECS_UNBOUND:
	case ECS_IPI:
	case ECS_HYPERVISOR:
		break;
	case ECS_VIRQ: {
		unsigned int vcpu = virq_is_global(chn->u.virq) ? 0 : chn->notify_vcpu;

		if (ed->virq_to_port[vcpu][chn->u.virq] == port) {
			ed->virq_to_port[vcpu][chn->u.virq] = 0;
		}
		break;
	}
	case ECS_INTERDOMAIN:
		if (rd->domain_id == chn->u.interdomain.remote_dom && rd->evtchn &&
		    port_valid(rd->evtchn, chn->u.interdomain.remote_port)) {
			rchn = port_of(rd->evtchn, chn->u.interdomain.remote_port);
			if (rchn->state == ECS_INTERDOMAIN &&
			    rchn->u.interdomain.remote_dom == d->domain_id &&
			    rchn->u.interdomain.remote_port == port) {
				rchn->state = ECS_UNBOUND;
				rchn->u.unbound.remote_domid = d->domain_id;
			}
		}
		break;
	}
	if (!rc) {
		free_port(d, port);
	}
	if (rd != d) {
		unlock_pair(d, rd, flags);
	} else {
		spin_unlock_irqrestore(&ed->lock, flags);
	}
	return rc;
}

void evtchn_domain_destroy(struct domain *d)
{
	struct evtchn_domain *ed = d->evtchn;
	unsigned long flags;
	evtchn_port_t p;

	if (!ed) {
		return;
	}
	flags = spin_lock_irqsave(&ed->lock);
	ed->dying = true;
	spin_unlock_irqrestore(&ed->lock, flags);
	for (p = 1; p < ed->max_ports; p++) {
		if (ed->ports[p].state != ECS_FREE) {
			close_port(d, p);
		}
	}
	d->evtchn = NULL;
	free_xenheap(ed->ports, ed->max_ports * sizeof(struct evtchn));
	free_xenheap(ed, sizeof(*ed));
}

/* ---- Operations (each validates, locks, changes, unlocks) ---- */

static int alloc_unbound(struct domain *caller, struct evtchn_alloc_unbound *op)
{
	struct domain *d;
	domid_t remote = resolve(caller, op->remote_dom);
	evtchn_port_t port;
	int rc = 0;

	d = target_domain(caller, op->dom, &rc);
	if (!d) {
		return rc;
	}
	if (remote >= DOMID_FIRST_RESERVED) {
		return -EINVAL;
	}
	rc = evtchn_alloc_unbound_port(d, remote, &port);
	if (!rc) {
		op->port = port;
	}
	return rc;
}

int evtchn_alloc_unbound_port(struct domain *d, domid_t remote, evtchn_port_t *port)
{
	struct evtchn_domain *ed = d->evtchn;
	unsigned long flags;
	int p;

	flags = spin_lock_irqsave(&ed->lock);
	if (ed->dying) {
		p = -ESRCH;
	} else {
		p = get_free_port(ed);
	}
	if (p > 0) {
		struct evtchn *chn = port_of(ed, (evtchn_port_t)p);

		chn->state = ECS_UNBOUND;
		chn->notify_vcpu = 0;
		chn->u.unbound.remote_domid = remote;
		*port = (evtchn_port_t)p;
	}
	spin_unlock_irqrestore(&ed->lock, flags);
	return p < 0 ? p : 0;
}

/* The handler-table index of @handler, registering it on first use; -ENOSPC when full. */
static int hv_handler_index(evtchn_hv_handler_t handler)
{
	unsigned int i;

	for (i = 0; i < EVTCHN_MAX_HV_HANDLERS; i++) {
		if (hv_handlers[i] == handler) {
			return (int)i;
		}
		if (!hv_handlers[i]) {
			hv_handlers[i] = handler;
			return (int)i;
		}
	}
	return -ENOSPC;
}

int evtchn_alloc_hv_port(struct domain *d, evtchn_hv_handler_t handler, evtchn_port_t *port)
{
	struct evtchn_domain *ed = d->evtchn;
	unsigned long flags;
	int h = hv_handler_index(handler), p;

	if (h < 0) {
		return h;
	}
	flags = spin_lock_irqsave(&ed->lock);
	p = ed->dying ? -ESRCH : get_free_port(ed);
	if (p > 0) {
		struct evtchn *chn = port_of(ed, (evtchn_port_t)p);

		chn->state = ECS_HYPERVISOR;
		chn->notify_vcpu = 0;
		chn->u.hv_handler = (uint32_t)h;
		*port = (evtchn_port_t)p;
	}
	spin_unlock_irqrestore(&ed->lock, flags);
	return p < 0 ? p : 0;
}

int evtchn_hv_notify(struct domain *d, evtchn_port_t port, evtchn_hv_handler_t handler)
{
	struct evtchn_domain *ed = d->evtchn;
	struct evtchn *chn;
	unsigned long flags;
	int rc = -EINVAL;

	if (!ed || !port_valid(ed, port)) {
		return -EINVAL;
	}
	chn = port_of(ed, port);
	flags = spin_lock_irqsave(&ed->lock);
	if (chn->state == ECS_HYPERVISOR && chn->u.hv_handler < EVTCHN_MAX_HV_HANDLERS &&
	    hv_handlers[chn->u.hv_handler] == handler) {
		set_pending(d, chn->notify_vcpu, port);
		rc = 0;
	}
	spin_unlock_irqrestore(&ed->lock, flags);
	return rc;
}

static int bind_interdomain(struct domain *ld, struct evtchn_bind_interdomain *op)
{
	struct domain *rd;
	struct evtchn *lchn, *rchn;
	domid_t rid = resolve(ld, op->remote_dom);
	evtchn_port_t rport = op->remote_port;
	unsigned long flags;
	int lport, rc = 0;

	rd = domain_by_id(rid);
	if (!rd || !rd->evtchn) {
		return -ESRCH;
	}
	flags = lock_pair(ld, rd);
	if (rd->evtchn->dying) {
		rc = -ESRCH;
		goto out;
	}
	if (!port_valid(rd->evtchn, rport)) {
		rc = -EINVAL;
		goto out;
	}
	rchn = port_of(rd->evtchn, rport);
	if (rchn->state != ECS_UNBOUND || rchn->u.unbound.remote_domid != ld->domain_id) {
		rc = -EINVAL;
		goto out;
	}
	lport = get_free_port(ld->evtchn);
	if (lport < 0) {
		rc = lport;
		goto out;
	}
	lchn = port_of(ld->evtchn, (evtchn_port_t)lport);
	lchn->state = ECS_INTERDOMAIN;
	lchn->notify_vcpu = 0;
	lchn->u.interdomain.remote_dom = rd->domain_id;
	lchn->u.interdomain.remote_port = rport;
	rchn->state = ECS_INTERDOMAIN;
	rchn->u.interdomain.remote_dom = ld->domain_id;
	rchn->u.interdomain.remote_port = (evtchn_port_t)lport;
	/* A notification sent while the remote end was unbound is not lost: as Xen does. */
	set_pending(ld, lchn->notify_vcpu, (evtchn_port_t)lport);
	op->local_port = (evtchn_port_t)lport;
out:
	unlock_pair(ld, rd, flags);
	return rc;
}

bool virq_is_global(unsigned int virq)
{
	switch (virq) {
	case VIRQ_TIMER:
	case VIRQ_DEBUG:
	case VIRQ_XENOPROF:
	case VIRQ_XENPMU:
		return false;
	default:
		return true;
	}
}

static bool vcpu_exists(const struct domain *d, uint32_t vcpu)
{
	return vcpu < d->max_vcpus && d->vcpus[vcpu];
}

static int bind_virq(struct domain *d, struct evtchn_bind_virq *op)
{
	struct evtchn_domain *ed = d->evtchn;
	unsigned long flags;
	int port;

	if (op->virq >= EVTCHN_NR_VIRQS) {
		return -EINVAL;
	}
	if (virq_is_global(op->virq) && op->vcpu != 0) {
		return -EINVAL;
	}
	if (!vcpu_exists(d, op->vcpu)) {
		return -ENOENT;
	}
	flags = spin_lock_irqsave(&ed->lock);
	if (ed->virq_to_port[op->vcpu][op->virq]) {
		port = -EEXIST;
		goto out;
	}
	port = get_free_port(ed);
	if (port < 0) {
		goto out;
	}
	port_of(ed, (evtchn_port_t)port)->state = ECS_VIRQ;
	port_of(ed, (evtchn_port_t)port)->notify_vcpu = (uint16_t)op->vcpu;
	port_of(ed, (evtchn_port_t)port)->u.virq = op->virq;
	ed->virq_to_port[op->vcpu][op->virq] = (evtchn_port_t)port;
	op->port = (evtchn_port_t)port;
out:
	spin_unlock_irqrestore(&ed->lock, flags);
	return port < 0 ? port : 0;
}

static int bind_ipi(struct domain *d, struct evtchn_bind_ipi *op)
{
	struct evtchn_domain *ed = d->evtchn;
	unsigned long flags;
	int port;

	if (!vcpu_exists(d, op->vcpu)) {
		return -ENOENT;
	}
	flags = spin_lock_irqsave(&ed->lock);
	port = get_free_port(ed);
	if (port > 0) {
		port_of(ed, (evtchn_port_t)port)->state = ECS_IPI;
		port_of(ed, (evtchn_port_t)port)->notify_vcpu = (uint16_t)op->vcpu;
		op->port = (evtchn_port_t)port;
	}
	spin_unlock_irqrestore(&ed->lock, flags);
	return port < 0 ? port : 0;
}

int evtchn_send(struct domain *ld, evtchn_port_t lport)
{
	struct evtchn_domain *ed = ld->evtchn;
	struct domain *rd;
	struct evtchn *lchn, *rchn;
	evtchn_hv_handler_t handler;
	unsigned long flags;
	int rc = 0;

	if (!port_valid(ed, lport)) {
		return -EINVAL;
	}
	lchn = port_of(ed, lport);
	flags = spin_lock_irqsave(&ed->lock);
	switch (lchn->state) {
	case ECS_IPI:
		set_pending(ld, lchn->notify_vcpu, lport);
		break;
	case ECS_HYPERVISOR:
		/* The service runs without our lock: it may notify the port back. */
		handler = hv_handlers[lchn->u.hv_handler % EVTCHN_MAX_HV_HANDLERS];
		spin_unlock_irqrestore(&ed->lock, flags);
		if (handler) {
			handler(ld, lport);
		}
		return 0;
	case ECS_UNBOUND:
		/* Nobody is listening yet: the notification is dropped, as in Xen. */
		break;
	case ECS_INTERDOMAIN:
		spin_unlock_irqrestore(&ed->lock, flags);
		rd = peer_domain(ld, lport, &flags);
		if (!rd || !rd->evtchn) {
			return 0;
		}
		flags = lock_pair(ld, rd);
		/* Deliver only if the two ends still point at each other. */
		if (lchn->state == ECS_INTERDOMAIN && lchn->u.interdomain.remote_dom == rd->domain_id &&
		    port_valid(rd->evtchn, lchn->u.interdomain.remote_port)) {
			rchn = port_of(rd->evtchn, lchn->u.interdomain.remote_port);
			if (rchn->state == ECS_INTERDOMAIN &&
			    rchn->u.interdomain.remote_dom == ld->domain_id &&
			    rchn->u.interdomain.remote_port == lport) {
				set_pending(rd, rchn->notify_vcpu, lchn->u.interdomain.remote_port);
			}
		}
		unlock_pair(ld, rd, flags);
		return 0;
	default:
		rc = -EINVAL;
		break;
	}
	spin_unlock_irqrestore(&ed->lock, flags);
	return rc;
}

static int get_status(struct domain *caller, struct evtchn_status *op)
{
	struct domain *d;
	struct evtchn *chn;
	unsigned long flags;
	int rc = 0;

	d = target_domain(caller, op->dom, &rc);
	if (!d) {
		return rc;
	}
	if (!port_valid(d->evtchn, op->port)) {
		return -EINVAL;
	}
	chn = port_of(d->evtchn, op->port);
	memset(&op->u, 0, sizeof(op->u));
	flags = spin_lock_irqsave(&d->evtchn->lock);
	op->vcpu = chn->notify_vcpu;
	switch (chn->state) {
	case ECS_FREE:
	case ECS_RESERVED:
		op->status = EVTCHNSTAT_closed;
		break;
	case ECS_UNBOUND:
		op->status = EVTCHNSTAT_unbound;
		op->u.unbound.dom = chn->u.unbound.remote_domid;
		break;
	case ECS_INTERDOMAIN:
		op->status = EVTCHNSTAT_interdomain;
		op->u.interdomain.dom = chn->u.interdomain.remote_dom;
		op->u.interdomain.port = chn->u.interdomain.remote_port;
		break;
	case ECS_VIRQ:
		op->status = EVTCHNSTAT_virq;
		op->u.virq = chn->u.virq;
		break;
	case ECS_IPI:
		op->status = EVTCHNSTAT_ipi;
		break;
	case ECS_HYPERVISOR:
		/* Connected to the hypervisor's own backend (as Xen's consumer_is_xen ports). */
		op->status = EVTCHNSTAT_interdomain;
		op->u.interdomain.dom = DOMID_XEN;
		op->u.interdomain.port = 0;
		break;
	}
	spin_unlock_irqrestore(&d->evtchn->lock, flags);
	return 0;
}

static int bind_vcpu(struct domain *d, const struct evtchn_bind_vcpu *op)
{
	struct evtchn_domain *ed = d->evtchn;
	struct evtchn *chn;
	unsigned long flags;
	int rc = 0;

	if (!port_valid(ed, op->port)) {
		return -EINVAL;
	}
	if (!vcpu_exists(d, op->vcpu)) {
		return -ENOENT;
	}
	chn = port_of(ed, op->port);
	flags = spin_lock_irqsave(&ed->lock);
	switch (chn->state) {
	case ECS_VIRQ:
		if (!virq_is_global(chn->u.virq)) {
			rc = -EINVAL;
			break;
		}
		chn->notify_vcpu = (uint16_t)op->vcpu;
		break;
	case ECS_UNBOUND:
	case ECS_INTERDOMAIN:
	case ECS_HYPERVISOR:
		chn->notify_vcpu = (uint16_t)op->vcpu;
		break;
	default:
		/* IPIs and per-vCPU VIRQs belong to their vCPU; free ports have nothing to move. */
		rc = -EINVAL;
		break;
	}
	spin_unlock_irqrestore(&ed->lock, flags);
	return rc;
}

static int unmask(struct domain *d, evtchn_port_t port)
{
	struct evtchn_domain *ed = d->evtchn;
	unsigned long flags;

	if (!port_valid(ed, port)) {
		return -EINVAL;
	}
	flags = spin_lock_irqsave(&ed->lock);
	unmask_port(d, port_of(ed, port)->notify_vcpu, port);
	spin_unlock_irqrestore(&ed->lock, flags);
	return 0;
}

static int reset(struct domain *caller, const struct evtchn_reset *op)
{
	struct domain *d;
	evtchn_port_t p;
	int rc = 0;

	d = target_domain(caller, op->dom, &rc);
	if (!d) {
		return rc;
	}
	for (p = 1; p < d->evtchn->max_ports; p++) {
		if (d->evtchn->ports[p].state != ECS_FREE) {
			close_port(d, p);
		}
	}
	return 0;
}

/* ---- For the rest of the hypervisor ---- */

void send_guest_virq(struct vcpu *v, unsigned int virq)
{
	struct domain *d = v->domain;
	struct evtchn_domain *ed = d->evtchn;
	unsigned int slot = virq_is_global(virq) ? 0 : v->vcpu_id;
	unsigned long flags;
	evtchn_port_t port;

	if (!ed || virq >= EVTCHN_NR_VIRQS) {
		return;
	}
	flags = spin_lock_irqsave(&ed->lock);
	port = ed->virq_to_port[slot][virq];
	if (port) {
		set_pending(d, port_of(ed, port)->notify_vcpu, port);
	}
	spin_unlock_irqrestore(&ed->lock, flags);
}

void send_guest_global_virq(struct domain *d, unsigned int virq)
{
	if (d->max_vcpus && d->vcpus[0] && virq_is_global(virq)) {
		send_guest_virq(d->vcpus[0], virq);
	}
}

int evtchn_poll(struct domain *d, const evtchn_port_t *ports, unsigned int n)
{
	unsigned int i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		if (!port_valid(d->evtchn, ports[i])) {
			return -EINVAL;
		}
		if (bit_test(shared_info_of(d)->evtchn_pending, ports[i])) {
			rc = 1;
		}
	}
	return rc;
}

long evtchn_sched_poll(struct vcpu *v, uint64_t arg)
{
	evtchn_port_t ports[EVTCHN_POLL_MAX_PORTS];
	struct sched_poll p;
	int rc;

	if (copy_from_guest(&p, arg, sizeof(p))) {
		return -EFAULT;
	}
	if (p.nr_ports > EVTCHN_POLL_MAX_PORTS) {
		return -EINVAL;
	}
	if (copy_from_guest(ports, p.ports.addr, p.nr_ports * sizeof(ports[0]))) {
		return -EFAULT;
	}
	rc = evtchn_poll(v->domain, ports, p.nr_ports);
	if (rc) {
		return rc < 0 ? rc : 0;
	}
	/* A deadline already behind us ends the poll at once, as in Xen. */
	if (p.timeout && (s_time_t)p.timeout <= NOW()) {
		return 0;
	}
	/*
	 * Sleep until one of the domain's ports becomes pending or the timeout passes; the guest
	 * re-checks its ports after the return, as Linux's callers do.
	 */
	sched_poll_block(v, p.timeout ? (s_time_t)MIN(p.timeout, (uint64_t)STIME_MAX) : 0);
	return 0;
}

bool evtchn_is_pending(struct domain *d, evtchn_port_t port)
{
	return d->evtchn && port_valid(d->evtchn, port) &&
	       bit_test(shared_info_of(d)->evtchn_pending, port);
}

/* ---- The hypercall ---- */

/*
 * The sub-ops, by command number: the size of the command's structure and the operation. The
 * handler copies the structure in, runs the operation, and copies it back when it succeeded and
 * has OUT fields.
 */
union evtchn_op_args {
	struct evtchn_alloc_unbound alloc_unbound;
	struct evtchn_bind_interdomain bind_interdomain;
	struct evtchn_bind_virq bind_virq;
	struct evtchn_bind_ipi bind_ipi;
	struct evtchn_close close;
	struct evtchn_send send;
	struct evtchn_status status;
	struct evtchn_bind_vcpu bind_vcpu;
	struct evtchn_unmask unmask;
	struct evtchn_reset reset;
};

static int op_alloc_unbound(struct domain *d, union evtchn_op_args *a)
{
	return alloc_unbound(d, &a->alloc_unbound);
}

static int op_bind_interdomain(struct domain *d, union evtchn_op_args *a)
{
	return bind_interdomain(d, &a->bind_interdomain);
}

static int op_bind_virq(struct domain *d, union evtchn_op_args *a)
{
	return bind_virq(d, &a->bind_virq);
}

static int op_bind_ipi(struct domain *d, union evtchn_op_args *a)
{
	return bind_ipi(d, &a->bind_ipi);
}

static int op_close(struct domain *d, union evtchn_op_args *a)
{
	return close_port(d, a->close.port);
}

static int op_send(struct domain *d, union evtchn_op_args *a)
{
	return evtchn_send(d, a->send.port);
}

static int op_status(struct domain *d, union evtchn_op_args *a)
{
	return get_status(d, &a->status);
}

static int op_bind_vcpu(struct domain *d, union evtchn_op_args *a)
{
	return bind_vcpu(d, &a->bind_vcpu);
}

static int op_unmask(struct domain *d, union evtchn_op_args *a)
{
	return unmask(d, a->unmask.port);
}

static int op_reset(struct domain *d, union evtchn_op_args *a)
{
	return reset(d, &a->reset);
}

struct evtchn_op_desc {
	size_t size;
	bool out;	/* the structure has OUT fields: copy it back on success */
	int (*fn)(struct domain *d, union evtchn_op_args *a);
};

/*
 * Absent: bind_pirq (no physical IRQs for guests yet) and the FIFO ABI (init_control,
 * expand_array, set_priority), so guests fall back to the 2-level ABI. They return -ENOSYS.
 */
static const struct evtchn_op_desc evtchn_ops[] = {
	[EVTCHNOP_bind_interdomain] = { sizeof(struct evtchn_bind_interdomain), true,
					op_bind_interdomain },
	[EVTCHNOP_bind_virq] = { sizeof(struct evtchn_bind_virq), true, op_bind_virq },
	[EVTCHNOP_close] = { sizeof(struct evtchn_close), false, op_close },
	[EVTCHNOP_send] = { sizeof(struct evtchn_send), false, op_send },
	[EVTCHNOP_status] = { sizeof(struct evtchn_status), true, op_status },
	[EVTCHNOP_alloc_unbound] = { sizeof(struct evtchn_alloc_unbound), true, op_alloc_unbound },
	[EVTCHNOP_bind_ipi] = { sizeof(struct evtchn_bind_ipi), true, op_bind_ipi },
	[EVTCHNOP_bind_vcpu] = { sizeof(struct evtchn_bind_vcpu), false, op_bind_vcpu },
	[EVTCHNOP_unmask] = { sizeof(struct evtchn_unmask), false, op_unmask },
	[EVTCHNOP_reset] = { sizeof(struct evtchn_reset), false, op_reset },
};

long do_event_channel_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct domain *d = current_vcpu()->domain;
	const struct evtchn_op_desc *op;
	union evtchn_op_args a;
	int rc;

	if (cmd >= ARRAY_SIZE(evtchn_ops) || !evtchn_ops[cmd].fn) {
		return -ENOSYS;
	}
	op = &evtchn_ops[cmd];
	if (copy_from_guest(&a, arg, op->size)) {
		return -EFAULT;
	}
	rc = op->fn(d, &a);
	if (!rc && op->out && copy_to_guest(arg, &a, op->size)) {
		return -EFAULT;
	}
	return rc;
}
