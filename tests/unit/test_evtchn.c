/*
 * Event channels (hypervisor/common/event/event_channel.c) on the host: port allocation and the
 * limit, binding between two domains, the peer's view of a close, permissions, VIRQs, the 2-level
 * pending/mask/selector rules with exact kick counts, poll, teardown, and a random sequence of
 * operations checked against the invariant that interdomain ends always point at each other.
 * Guest memory is host memory (fake_pv_mm.c); every lock is checked released after each call.
 */
#include <stdlib.h>
#include "unit.h"
#include "fake_common.h"
#include "fake_pv_mm.h"
#include <argon/event.h>
#include <argon/hypercall.h>
#include <public/sched.h>

#define A_ID 1
#define B_ID 2
#define P_ID 0 /* privileged */

static struct domain doms[3];
static struct vcpu vcpus[3][2];

static struct domain *A = &doms[0], *B = &doms[1], *P = &doms[2];

static void make_domain(struct domain *d, struct vcpu *v, domid_t id, unsigned int nr_vcpus,
			bool privileged)
{
	struct shared_info *si = calloc(1, PAGE_SIZE);

	assert_non_null(si);
	memset(d, 0, sizeof(*d));
	d->domain_id = id;
	d->is_privileged = privileged;
	d->max_vcpus = nr_vcpus;
	d->shared_info = si;
	for (unsigned int i = 0; i < nr_vcpus; i++) {
		memset(&v[i], 0, sizeof(v[i]));
		v[i].vcpu_id = i;
		v[i].domain = d;
		v[i].arch.vcpu_info = &si->vcpu_info[i];
		d->vcpus[i] = &v[i];
	}
	assert_int_equal(evtchn_domain_init(d), 0);
}

static int setup(void **state)
{
	memset(&fake, 0, sizeof(fake));
	memset(&fake_common, 0, sizeof(fake_common));
	evtchn_max_ports = EVTCHN_DEFAULT_MAX_PORTS;
	make_domain(A, vcpus[0], A_ID, 2, false);
	make_domain(B, vcpus[1], B_ID, 1, false);
	make_domain(P, vcpus[2], P_ID, 1, true);
	fake.domains[0] = A;
	fake.domains[1] = B;
	fake.domains[2] = P;
	fake.current = A->vcpus[0];
	return 0;
}

static int teardown(void **state)
{
	for (unsigned int i = 0; i < 3; i++) {
		evtchn_domain_destroy(&doms[i]);
		assert_null(doms[i].evtchn);
		free(doms[i].shared_info);
	}
	assert_int_equal(fake_common.xenheap_bytes, 0);
	assert_int_equal(fake_common.irq_depth, 0);
	return 0;
}

static struct shared_info *si(struct domain *d)
{
	return d->shared_info;
}

static bool pending(struct domain *d, evtchn_port_t p)
{
	return (si(d)->evtchn_pending[p / 64] >> (p % 64)) & 1;
}

static void set_mask(struct domain *d, evtchn_port_t p, bool on)
{
	if (on) {
		si(d)->evtchn_mask[p / 64] |= 1UL << (p % 64);
	} else {
		si(d)->evtchn_mask[p / 64] &= ~(1UL << (p % 64));
	}
}

static void assert_unlocked(void)
{
	for (unsigned int i = 0; i < 3; i++) {
		if (doms[i].evtchn) {
			assert_int_equal(doms[i].evtchn->lock.next, doms[i].evtchn->lock.owner);
		}
	}
	assert_int_equal(fake_common.irq_depth, 0);
}

/* event_channel_op as the current vCPU of @d, with every lock checked released after it. */
static long op_as(struct domain *d, unsigned int cmd, void *arg)
{
	long rc;

	fake.current = d->vcpus[0];
	rc = do_event_channel_op(cmd, (uint64_t)(uintptr_t)arg, 0, 0, 0);
	assert_unlocked();
	return rc;
}

static long alloc_unbound(struct domain *caller, domid_t dom, domid_t remote, evtchn_port_t *p)
{
	struct evtchn_alloc_unbound op = { .dom = dom, .remote_dom = remote };
	long rc = op_as(caller, EVTCHNOP_alloc_unbound, &op);

	*p = op.port;
	return rc;
}

static long bind_interdomain(struct domain *caller, domid_t rdom, evtchn_port_t rport,
			     evtchn_port_t *lport)
{
	struct evtchn_bind_interdomain op = { .remote_dom = rdom, .remote_port = rport };
	long rc = op_as(caller, EVTCHNOP_bind_interdomain, &op);

	*lport = op.local_port;
	return rc;
}

static long port_op(struct domain *caller, unsigned int cmd, evtchn_port_t port)
{
	struct evtchn_close op = { .port = port }; /* close, send and unmask share the layout */

	return op_as(caller, cmd, &op);
}

static struct evtchn_status status(struct domain *caller, domid_t dom, evtchn_port_t port,
				   long *rc)
{
	struct evtchn_status st = { .dom = dom, .port = port };

	*rc = op_as(caller, EVTCHNOP_status, &st);
	return st;
}

static long bind_virq(struct domain *d, uint32_t virq, uint32_t vcpu, evtchn_port_t *p)
{
	struct evtchn_bind_virq op = { .virq = virq, .vcpu = vcpu };
	long rc = op_as(d, EVTCHNOP_bind_virq, &op);

	*p = op.port;
	return rc;
}

static long bind_vcpu(struct domain *d, evtchn_port_t port, uint32_t vcpu)
{
	struct evtchn_bind_vcpu op = { .port = port, .vcpu = vcpu };

	return op_as(d, EVTCHNOP_bind_vcpu, &op);
}

/* Connect a port of @b (allocated for @a) and a port of @a bound to it. */
static void connect(struct domain *a, struct domain *b, evtchn_port_t *pa, evtchn_port_t *pb)
{
	assert_int_equal(alloc_unbound(b, DOMID_SELF, a->domain_id, pb), 0);
	assert_int_equal(bind_interdomain(a, b->domain_id, *pb, pa), 0);
}

/* ---- Tests ---- */

static void test_alloc_until_the_limit(void **state)
{
	evtchn_port_t p, first = 0;
	unsigned int n = 0;
	long rc;

	/* The limit applies to domains created after it is set. */
	evtchn_domain_destroy(A);
	evtchn_max_ports = 16;
	assert_int_equal(evtchn_domain_init(A), 0);
	while ((rc = alloc_unbound(A, DOMID_SELF, B_ID, &p)) == 0) {
		assert_true(p >= 1 && p < 16);
		first = first ? first : p;
		n++;
	}
	assert_int_equal(rc, -ENOSPC);
	assert_int_equal(n, 15);
	assert_int_equal(first, 1);
	/* A closed port is reused. */
	assert_int_equal(port_op(A, EVTCHNOP_close, 7), 0);
	assert_int_equal(alloc_unbound(A, DOMID_SELF, B_ID, &p), 0);
	assert_int_equal(p, 7);
	/* Beyond the limit every port is invalid. */
	assert_int_equal(port_op(A, EVTCHNOP_close, 16), -EINVAL);
	assert_int_equal(port_op(A, EVTCHNOP_send, 16), -EINVAL);
	assert_int_equal(port_op(A, EVTCHNOP_unmask, 4096), -EINVAL);
}

static void test_limit_is_clamped_to_the_2l_abi(void **state)
{
	evtchn_domain_destroy(A);
	evtchn_max_ports = 1000000;
	assert_int_equal(evtchn_domain_init(A), 0);
	assert_int_equal(A->evtchn->max_ports, EVTCHN_2L_NR_CHANNELS);
	evtchn_domain_destroy(A);
	evtchn_max_ports = 0;
	assert_int_equal(evtchn_domain_init(A), 0);
	assert_int_equal(A->evtchn->max_ports, 2);
}

static void test_interdomain_bind_and_send(void **state)
{
	struct evtchn_status st;
	evtchn_port_t pa, pb;
	long rc;

	assert_int_equal(alloc_unbound(B, DOMID_SELF, A_ID, &pb), 0);
	st = status(B, DOMID_SELF, pb, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, A_ID);
	assert_int_equal(bind_interdomain(A, B_ID, pb, &pa), 0);
	/* The new local end starts pending (a notification sent before the bind is not lost). */
	assert_true(pending(A, pa));
	st = status(A, DOMID_SELF, pa, &rc);
	assert_int_equal(st.status, EVTCHNSTAT_interdomain);
	assert_int_equal(st.u.interdomain.dom, B_ID);
	assert_int_equal(st.u.interdomain.port, pb);
	st = status(B, B_ID, pb, &rc);
	assert_int_equal(st.status, EVTCHNSTAT_interdomain);
	assert_int_equal(st.u.interdomain.dom, A_ID);
	assert_int_equal(st.u.interdomain.port, pa);
	/* A's send reaches B's port and B's vCPU 0. */
	fake_common.kicks = 0;
	assert_int_equal(port_op(A, EVTCHNOP_send, pa), 0);
	assert_true(pending(B, pb));
	assert_true(si(B)->vcpu_info[0].evtchn_pending_sel & (1UL << (pb / 64)));
	assert_int_equal(si(B)->vcpu_info[0].evtchn_upcall_pending, 1);
	assert_int_equal(fake_common.kicks, 1);
	assert_ptr_equal(fake_common.last_kicked, B->vcpus[0]);
	/* A port that is already bound cannot be bound again. */
	assert_int_equal(bind_interdomain(P, B_ID, pb, &pa), -EINVAL);
}

static void test_bind_needs_the_named_domain(void **state)
{
	evtchn_port_t p, l;

	/* B's port is for P: A cannot take it, P can. */
	assert_int_equal(alloc_unbound(B, DOMID_SELF, P_ID, &p), 0);
	assert_int_equal(bind_interdomain(A, B_ID, p, &l), -EINVAL);
	assert_int_equal(bind_interdomain(P, B_ID, p, &l), 0);
	/* Bad remote ports and domains. */
	assert_int_equal(bind_interdomain(A, B_ID, 0, &l), -EINVAL);
	assert_int_equal(bind_interdomain(A, B_ID, 5000, &l), -EINVAL);
	assert_int_equal(bind_interdomain(A, 77, 1, &l), -ESRCH);
	/* remote_dom must be a real domain ID or DOMID_SELF. */
	assert_int_equal(alloc_unbound(A, DOMID_SELF, DOMID_XEN, &p), -EINVAL);
}

static void test_close_reverts_the_peer_to_unbound(void **state)
{
	struct evtchn_status st;
	evtchn_port_t pa, pb, pa2;
	long rc;

	connect(A, B, &pa, &pb);
	assert_int_equal(port_op(A, EVTCHNOP_close, pa), 0);
	st = status(A, DOMID_SELF, pa, &rc);
	assert_int_equal(st.status, EVTCHNSTAT_closed);
	assert_false(pending(A, pa));
	st = status(B, DOMID_SELF, pb, &rc);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, A_ID);
	/* Sending on the now-unbound end is dropped. */
	assert_int_equal(port_op(B, EVTCHNOP_send, pb), 0);
	assert_false(pending(A, pa));
	/* A can bind it again; now B closes first. */
	assert_int_equal(bind_interdomain(A, B_ID, pb, &pa2), 0);
	assert_int_equal(port_op(B, EVTCHNOP_close, pb), 0);
	st = status(A, DOMID_SELF, pa2, &rc);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, B_ID);
	/* Closing a free or reserved port fails. */
	assert_int_equal(port_op(B, EVTCHNOP_close, pb), -EINVAL);
	assert_int_equal(port_op(B, EVTCHNOP_close, 0), -EINVAL);
}

static void test_only_own_ports_unless_privileged(void **state)
{
	struct evtchn_reset r = { .dom = B_ID };
	evtchn_port_t p, l;
	long rc;

	assert_int_equal(alloc_unbound(A, B_ID, A_ID, &p), -EPERM);
	status(A, B_ID, 1, &rc);
	assert_int_equal(rc, -EPERM);
	assert_int_equal(op_as(A, EVTCHNOP_reset, &r), -EPERM);
	/* The privileged domain may allocate in another domain (for a third one to bind). */
	assert_int_equal(alloc_unbound(P, A_ID, B_ID, &p), 0);
	assert_int_equal(bind_interdomain(B, A_ID, p, &l), 0);
	status(P, A_ID, p, &rc);
	assert_int_equal(rc, 0);
	status(P, 99, 1, &rc);
	assert_int_equal(rc, -ESRCH);
	/* Closing port p in B's own table is not closing A's port p. */
	port_op(B, EVTCHNOP_close, l);
	assert_int_equal(op_as(P, EVTCHNOP_reset, &r), 0);
	assert_int_equal(status(A, DOMID_SELF, p, &rc).status, EVTCHNSTAT_unbound);
}

static void test_loopback_in_one_domain(void **state)
{
	evtchn_port_t a, b;

	connect(A, A, &b, &a);
	si(A)->evtchn_pending[0] = 0;
	assert_int_equal(port_op(A, EVTCHNOP_send, a), 0);
	assert_true(pending(A, b));
	assert_false(pending(A, a));
	assert_int_equal(port_op(A, EVTCHNOP_close, b), 0);
	assert_int_equal(status(A, DOMID_SELF, a, &(long){ 0 }).status, EVTCHNSTAT_unbound);
}

static void test_2l_mask_and_selector_rules(void **state)
{
	struct vcpu_info *vi = &si(B)->vcpu_info[0];
	evtchn_port_t pa, pb, p70 = 0;
	unsigned int i;

	/* Fill B up to port 70 so one port lives in selector word 1. */
	for (i = 0; i < 69; i++) {
		assert_int_equal(alloc_unbound(B, DOMID_SELF, A_ID, &p70), 0);
	}
	connect(A, B, &pa, &pb);
	assert_int_equal(pb, 70);
	fake_common.kicks = 0;
	/* Masked: pending only. */
	set_mask(B, pb, true);
	assert_int_equal(port_op(A, EVTCHNOP_send, pa), 0);
	assert_true(pending(B, pb));
	assert_int_equal(vi->evtchn_pending_sel, 0);
	assert_int_equal(vi->evtchn_upcall_pending, 0);
	assert_int_equal(fake_common.kicks, 0);
	/* Unmask while pending: selector word 1 and the upcall, one kick. */
	assert_int_equal(port_op(B, EVTCHNOP_unmask, pb), 0);
	assert_false(si(B)->evtchn_mask[1] & (1UL << 6));
	assert_int_equal(vi->evtchn_pending_sel, 1UL << 1);
	assert_int_equal(vi->evtchn_upcall_pending, 1);
	assert_int_equal(fake_common.kicks, 1);
	/* Still pending: a second send changes nothing. */
	assert_int_equal(port_op(A, EVTCHNOP_send, pa), 0);
	assert_int_equal(fake_common.kicks, 1);
	/* The guest took the port but not the upcall flag: selector set again, no new kick. */
	si(B)->evtchn_pending[1] = 0;
	vi->evtchn_pending_sel = 0;
	assert_int_equal(port_op(A, EVTCHNOP_send, pa), 0);
	assert_int_equal(vi->evtchn_pending_sel, 1UL << 1);
	assert_int_equal(fake_common.kicks, 1);
	/* Everything acknowledged: a send kicks again. */
	si(B)->evtchn_pending[1] = 0;
	vi->evtchn_pending_sel = 0;
	vi->evtchn_upcall_pending = 0;
	assert_int_equal(port_op(A, EVTCHNOP_send, pa), 0);
	assert_int_equal(fake_common.kicks, 2);
	/* Unmasking a port with nothing pending raises nothing. */
	si(B)->evtchn_pending[1] = 0;
	vi->evtchn_pending_sel = 0;
	vi->evtchn_upcall_pending = 0;
	set_mask(B, pb, true);
	assert_int_equal(port_op(B, EVTCHNOP_unmask, pb), 0);
	assert_int_equal(vi->evtchn_upcall_pending, 0);
	assert_int_equal(fake_common.kicks, 2);
	/* The upcall mask (the guest's interrupt flag) does not change what is recorded. */
	vi->evtchn_upcall_mask = 1;
	assert_int_equal(port_op(A, EVTCHNOP_send, pa), 0);
	assert_int_equal(vi->evtchn_upcall_pending, 1);
	(void)p70;
}

static void test_virqs(void **state)
{
	struct vcpu *v1 = A->vcpus[1];
	evtchn_port_t t, c, x;

	assert_int_equal(bind_virq(A, VIRQ_TIMER, 1, &t), 0);
	assert_int_equal(bind_virq(A, VIRQ_TIMER, 1, &x), -EEXIST);
	assert_int_equal(bind_virq(A, VIRQ_TIMER, 2, &x), -ENOENT);
	assert_int_equal(bind_virq(A, VIRQ_DOM_EXC, 1, &x), -EINVAL);
	assert_int_equal(bind_virq(A, EVTCHN_NR_VIRQS, 0, &x), -EINVAL);
	/* The timer of vCPU 1 raises vCPU 1, not vCPU 0; vCPU 0's timer is unbound. */
	send_guest_virq(A->vcpus[0], VIRQ_TIMER);
	assert_false(pending(A, t));
	send_guest_virq(v1, VIRQ_TIMER);
	assert_true(pending(A, t));
	assert_int_equal(si(A)->vcpu_info[1].evtchn_upcall_pending, 1);
	assert_int_equal(si(A)->vcpu_info[0].evtchn_upcall_pending, 0);
	assert_int_equal(port_op(A, EVTCHNOP_send, t), -EINVAL);
	assert_int_equal(bind_vcpu(A, t, 0), -EINVAL);
	/* A global VIRQ follows bind_vcpu. */
	assert_int_equal(bind_virq(A, VIRQ_DOM_EXC, 0, &c), 0);
	assert_int_equal(bind_vcpu(A, c, 1), 0);
	si(A)->vcpu_info[1].evtchn_pending_sel = 0;
	send_guest_global_virq(A, VIRQ_DOM_EXC);
	assert_true(pending(A, c));
	assert_true(si(A)->vcpu_info[1].evtchn_pending_sel & (1UL << (c / 64)));
	assert_int_equal(si(A)->vcpu_info[0].evtchn_pending_sel, 0);
	/* Closing unbinds; the VIRQ can be bound again. */
	assert_int_equal(port_op(A, EVTCHNOP_close, t), 0);
	send_guest_virq(v1, VIRQ_TIMER);
	assert_false(pending(A, t));
	assert_int_equal(bind_virq(A, VIRQ_TIMER, 1, &x), 0);
	/* Out-of-range VIRQs from hypervisor code are ignored. */
	send_guest_virq(v1, 200);
}

static void test_ipi_and_bind_vcpu(void **state)
{
	struct evtchn_bind_ipi ipi = { .vcpu = 1 };
	evtchn_port_t pa, pb;

	assert_int_equal(op_as(A, EVTCHNOP_bind_ipi, &ipi), 0);
	assert_int_equal(port_op(A, EVTCHNOP_send, ipi.port), 0);
	assert_true(pending(A, ipi.port));
	assert_int_equal(si(A)->vcpu_info[1].evtchn_upcall_pending, 1);
	assert_int_equal(bind_vcpu(A, ipi.port, 0), -EINVAL);
	ipi.vcpu = 2;
	assert_int_equal(op_as(A, EVTCHNOP_bind_ipi, &ipi), -ENOENT);
	/* An interdomain port moves to vCPU 1. */
	connect(A, B, &pa, &pb);
	assert_int_equal(bind_vcpu(A, pa, 1), 0);
	si(A)->vcpu_info[1].evtchn_pending_sel = 0;
	si(A)->evtchn_pending[0] = 0;
	assert_int_equal(port_op(B, EVTCHNOP_send, pb), 0);
	assert_true(si(A)->vcpu_info[1].evtchn_pending_sel & 1);
	assert_int_equal(status(A, DOMID_SELF, pa, &(long){ 0 }).vcpu, 1);
	assert_int_equal(bind_vcpu(A, 900, 0), -EINVAL);
}

/* The in-hypervisor end: a handler that records what the guest sent and notifies it back. */
static struct {
	unsigned int calls;
	struct domain *d;
	evtchn_port_t port;
	bool reply;
	int reply_rc;
} hv_seen;

static void hv_handler(struct domain *d, evtchn_port_t port)
{
	hv_seen.calls++;
	hv_seen.d = d;
	hv_seen.port = port;
	/* Called with no event lock held, so the service may notify the port back at once. */
	assert_int_equal(fake_common.irq_depth, 0);
	if (hv_seen.reply) {
		hv_seen.reply_rc = evtchn_hv_notify(d, port, hv_handler);
	}
}

static void hv_other_handler(struct domain *d, evtchn_port_t port)
{
	fail_msg("the wrong service was called");
}

static void test_hypervisor_port(void **state)
{
	struct evtchn_status st;
	evtchn_port_t p, q, pb;
	long rc;

	memset(&hv_seen, 0, sizeof(hv_seen));
	assert_int_equal(evtchn_alloc_hv_port(A, hv_handler, &p), 0);
	assert_int_equal(evtchn_alloc_hv_port(A, hv_other_handler, &q), 0);
	assert_int_not_equal(p, q);
	st = status(A, DOMID_SELF, p, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(st.status, EVTCHNSTAT_interdomain);
	assert_int_equal(st.u.interdomain.dom, DOMID_XEN);
	/* The guest's send reaches the handler, nothing becomes pending in the guest itself. */
	assert_int_equal(port_op(A, EVTCHNOP_send, p), 0);
	assert_int_equal(hv_seen.calls, 1);
	assert_ptr_equal(hv_seen.d, A);
	assert_int_equal(hv_seen.port, p);
	assert_false(pending(A, p));
	/* The hypervisor's notification raises the port on its notify vCPU, even from the handler. */
	hv_seen.reply = true;
	assert_int_equal(port_op(A, EVTCHNOP_send, p), 0);
	assert_int_equal(hv_seen.reply_rc, 0);
	assert_true(pending(A, p));
	assert_int_equal(si(A)->vcpu_info[0].evtchn_upcall_pending, 1);
	assert_int_equal(bind_vcpu(A, p, 1), 0);
	si(A)->evtchn_pending[0] = 0;
	assert_int_equal(evtchn_hv_notify(A, p, hv_handler), 0);
	assert_true(si(A)->vcpu_info[1].evtchn_pending_sel & 1);
	assert_unlocked();
	/* Only the owning service may notify; nobody can bind the port from outside. */
	assert_int_equal(evtchn_hv_notify(A, p, hv_other_handler), -EINVAL);
	assert_int_equal(bind_interdomain(B, A_ID, p, &pb), -EINVAL);
	/* Once the guest closes it (and reuses the number), the service's notifications stop. */
	assert_int_equal(port_op(A, EVTCHNOP_close, p), 0);
	assert_false(pending(A, p));
	assert_int_equal(evtchn_hv_notify(A, p, hv_handler), -EINVAL);
	assert_int_equal(alloc_unbound(A, DOMID_SELF, B_ID, &pb), 0);
	assert_int_equal(pb, p);
	assert_int_equal(evtchn_hv_notify(A, p, hv_handler), -EINVAL);
	assert_false(pending(A, p));
	assert_int_equal(evtchn_hv_notify(A, 5000, hv_handler), -EINVAL);
	/* A dying domain gets no new hypervisor ports. */
	evtchn_domain_destroy(B);
	assert_int_equal(evtchn_domain_init(B), 0);
	B->evtchn->dying = true;
	assert_int_equal(evtchn_alloc_hv_port(B, hv_handler, &p), -ESRCH);
	B->evtchn->dying = false;
}

static void test_teardown_notifies_peers(void **state)
{
	struct evtchn_status st;
	evtchn_port_t pa, pb, p;
	long rc;

	connect(A, B, &pa, &pb);
	evtchn_domain_destroy(A);
	assert_null(A->evtchn);
	st = status(B, DOMID_SELF, pb, &rc);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, A_ID);
	/* Nothing reaches the dead domain; nothing can bind to it. */
	assert_int_equal(port_op(B, EVTCHNOP_send, pb), 0);
	assert_int_equal(bind_interdomain(B, A_ID, 1, &p), -ESRCH);
	evtchn_domain_destroy(A); /* idempotent */
	assert_int_equal(fake_common.irq_depth, 0);
	/* setup's teardown runs destroy again and checks every byte came back. */
	assert_int_equal(evtchn_domain_init(A), 0);
}

static void test_poll_and_abi_leftovers(void **state)
{
	evtchn_port_t ports[3] = { 1, 2, 3 };
	struct sched_poll p = { .nr_ports = 3 };
	struct evtchn_init_control ic = { 0 };

	assert_int_equal(evtchn_poll(A, ports, 3), 0);
	si(A)->evtchn_pending[0] = 1UL << 2;
	assert_int_equal(evtchn_poll(A, ports, 3), 1);
	ports[1] = 5000;
	assert_int_equal(evtchn_poll(A, ports, 3), -EINVAL);
	/* SCHEDOP_poll: pending -> 0 at once; nothing pending -> blocks (0); past deadline -> 0. */
	ports[1] = 2;
	set_xen_guest_handle(p.ports, ports);
	assert_int_equal(evtchn_sched_poll(A->vcpus[0], (uint64_t)(uintptr_t)&p), 0);
	assert_int_equal(fake_common.poll_blocks, 0);
	si(A)->evtchn_pending[0] = 0;
	assert_int_equal(evtchn_sched_poll(A->vcpus[0], (uint64_t)(uintptr_t)&p), 0);
	assert_int_equal(fake_common.poll_blocks, 1);
	fake_common.now = 1000;
	p.timeout = 999;
	assert_int_equal(evtchn_sched_poll(A->vcpus[0], (uint64_t)(uintptr_t)&p), 0);
	assert_int_equal(fake_common.poll_blocks, 1);
	p.nr_ports = EVTCHN_POLL_MAX_PORTS + 1;
	assert_int_equal(evtchn_sched_poll(A->vcpus[0], (uint64_t)(uintptr_t)&p), -EINVAL);
	assert_int_equal(evtchn_sched_poll(A->vcpus[0], 0x100), -EFAULT);
	/* FIFO and PIRQ sub-ops are absent; unreadable arguments fault. */
	assert_int_equal(op_as(A, EVTCHNOP_init_control, &ic), -ENOSYS);
	assert_int_equal(op_as(A, EVTCHNOP_expand_array, &ic), -ENOSYS);
	assert_int_equal(op_as(A, EVTCHNOP_set_priority, &ic), -ENOSYS);
	assert_int_equal(op_as(A, EVTCHNOP_bind_pirq, &ic), -ENOSYS);
	assert_int_equal(op_as(A, 1000, &ic), -ENOSYS);
	assert_int_equal(op_as(A, EVTCHNOP_send, (void *)0x100), -EFAULT);
}

/* Every interdomain end names a live peer end that names it back. */
static void check_invariant(void)
{
	for (unsigned int i = 0; i < 3; i++) {
		struct evtchn_domain *ed = doms[i].evtchn;

		for (evtchn_port_t p = 1; p < ed->max_ports; p++) {
			const struct evtchn *c = &ed->ports[p];
			struct domain *r;

			if (c->state != ECS_INTERDOMAIN) {
				continue;
			}
			r = domain_by_id(c->u.interdomain.remote_dom);
			assert_non_null(r);
			assert_int_equal(r->evtchn->ports[c->u.interdomain.remote_port].state,
					 ECS_INTERDOMAIN);
			assert_int_equal(
				r->evtchn->ports[c->u.interdomain.remote_port].u.interdomain.remote_dom,
				doms[i].domain_id);
			assert_int_equal(
				r->evtchn->ports[c->u.interdomain.remote_port].u.interdomain.remote_port,
				p);
		}
	}
}

static void test_random_operations_keep_ends_paired(void **state)
{
	uint64_t seed = 0x5eed;
	evtchn_port_t p;

	evtchn_max_ports = 32;
	for (unsigned int i = 0; i < 3; i++) {
		evtchn_domain_destroy(&doms[i]);
		assert_int_equal(evtchn_domain_init(&doms[i]), 0);
	}
	for (unsigned int step = 0; step < 20000; step++) {
		struct domain *d = &doms[test_rand_below(&seed, 3)];
		struct domain *o = &doms[test_rand_below(&seed, 3)];
		evtchn_port_t port = (evtchn_port_t)test_rand_below(&seed, 34);
		long rc;

		switch (test_rand_below(&seed, 6)) {
		case 0:
			rc = alloc_unbound(d, DOMID_SELF, o->domain_id, &p);
			assert_true(rc == 0 || rc == -ENOSPC);
			break;
		case 1:
			rc = bind_interdomain(d, o->domain_id, port, &p);
			assert_true(rc == 0 || rc == -EINVAL || rc == -ENOSPC);
			break;
		case 2:
			rc = port_op(d, EVTCHNOP_close, port);
			assert_true(rc == 0 || rc == -EINVAL);
			break;
		case 3:
			rc = port_op(d, EVTCHNOP_send, port);
			assert_true(rc == 0 || rc == -EINVAL);
			break;
		case 4:
			rc = bind_virq(d, (uint32_t)test_rand_below(&seed, 4), 0, &p);
			assert_true(rc == 0 || rc == -EEXIST || rc == -ENOSPC);
			break;
		default:
			if (test_rand_below(&seed, 50) == 0) {
				evtchn_domain_destroy(d);
				assert_int_equal(evtchn_domain_init(d), 0);
			}
			break;
		}
		check_invariant();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alloc_until_the_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit_is_clamped_to_the_2l_abi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interdomain_bind_and_send, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_needs_the_named_domain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_reverts_the_peer_to_unbound, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_only_own_ports_unless_privileged, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_loopback_in_one_domain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_2l_mask_and_selector_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_virqs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipi_and_bind_vcpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hypervisor_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_teardown_notifies_peers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_and_abi_leftovers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_operations_keep_ends_paired, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
