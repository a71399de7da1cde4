/*
 * evtchn: event channels (2-level ABI) from the guest's side. With one domain running, the
 * interdomain tests use a loopback: a port allocated unbound for DOMID_SELF and bound from the
 * same domain. Events arrive through the event callback (the upcall Argon bounces on the way
 * back from any hypercall when evtchn_upcall_pending is set and evtchn_upcall_mask clear).
 * Covers alloc_unbound, bind_interdomain, bind_virq, bind_ipi, close (the peer sees it), send,
 * status, unmask, bind_vcpu, reset, the mask semantics, SCHEDOP_poll's non-blocking part, the
 * FIFO ABI refused with -ENOSYS, the per-domain port limit, and the error cases.
 */
#include <argon/lib.h>

#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/mm.h>
#include <guest/pvclock.h>
#include <guest/test.h>
#include <guest/traps.h>

#include <public/event_channel.h>
#include <public/sched.h>
#include <public/version.h>

#define ENOENT 2
#define ESRCH 3
#define EFAULT 14
#define EEXIST 17
#define EINVAL 22
#define ENOSPC 28
#define ENOSYS 38

/* Argon's default number of ports per domain (port 0 is reserved). */
#define MAX_PORTS 1024
#define NR_PORTS 4096

/* ---- Event reception ---- */

static volatile uint32_t fired[NR_PORTS];	/* deliveries per port */
static volatile uint64_t upcalls;		/* times the event callback ran */
static volatile uint64_t last_saved_mask;	/* the frame's saved upcall mask (CS bits 32-39) */
static volatile uint64_t last_mask_inside;	/* evtchn_upcall_mask while the callback ran */
static volatile uint64_t last_rflags;

static struct vcpu_info *vi(void)
{
	return &shared_info->vcpu_info[0];
}

/* The event callback: take every pending, unmasked port the selector names, as Linux does. */
static bool on_event(struct trap_frame *f)
{
	uint64_t sel;

	upcalls++;
	last_saved_mask = (f->cs >> 32) & 0xff;
	last_mask_inside = vi()->evtchn_upcall_mask;
	last_rflags = f->rflags;
	vi()->evtchn_upcall_pending = 0;
	sel = __atomic_exchange_n(&vi()->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	while (sel) {
		unsigned int w = (unsigned int)__builtin_ctzl(sel);
		uint64_t pend;

		sel &= sel - 1;
		pend = shared_info->evtchn_pending[w] & ~shared_info->evtchn_mask[w];
		while (pend) {
			unsigned int b = (unsigned int)__builtin_ctzl(pend);

			pend &= pend - 1;
			__atomic_fetch_and(&shared_info->evtchn_pending[w], ~(1UL << b),
					   __ATOMIC_SEQ_CST);
			fired[w * 64 + b]++;
		}
	}
	return true;
}

/* Any hypercall: its way back delivers whatever is pending (Linux's xen_force_evtchn_callback). */
static void force_callback(void)
{
	HYPERVISOR_xen_version(XENVER_version, NULL);
}

static void events_enable(void)
{
	__atomic_store_n(&vi()->evtchn_upcall_mask, 0, __ATOMIC_SEQ_CST);
	if (vi()->evtchn_upcall_pending) {
		force_callback();
	}
}

static void events_disable(void)
{
	__atomic_store_n(&vi()->evtchn_upcall_mask, 1, __ATOMIC_SEQ_CST);
}

static void mask_port(uint32_t port, bool masked)
{
	if (masked) {
		__atomic_fetch_or(&shared_info->evtchn_mask[port / 64], 1UL << (port % 64),
				  __ATOMIC_SEQ_CST);
	} else {
		__atomic_fetch_and(&shared_info->evtchn_mask[port / 64], ~(1UL << (port % 64)),
				   __ATOMIC_SEQ_CST);
	}
}

static bool port_pending(uint32_t port)
{
	return (shared_info->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

/*
 * Every port closed, events off, nothing pending, counts zeroed: each test starts from the same
 * state and counts only its own deliveries, even after an earlier test failed half-way.
 */
static void quiesce(void)
{
	struct evtchn_reset r = { .dom = DOMID_SELF };

	HYPERVISOR_event_channel_op(EVTCHNOP_reset, &r);
	events_disable();
	for (unsigned int w = 0; w < NR_PORTS / 64; w++) {
		__atomic_store_n(&shared_info->evtchn_pending[w], 0, __ATOMIC_SEQ_CST);
	}
	__atomic_store_n(&vi()->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&vi()->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
	for (unsigned int p = 0; p < NR_PORTS; p++) {
		fired[p] = 0;
	}
}

/* Map shared_info and register the callbacks once, then quiesce; every test calls it first. */
static bool setup(void)
{
	static bool done;

	if (done) {
		quiesce();
		return true;
	}
	if (map_shared_info() || callbacks_register()) {
		test_fail(__FILE__, __LINE__, "cannot map shared_info or register callbacks");
		return false;
	}
	trap_set_handler(TRAP_EVENT_CALLBACK, on_event);
	done = true;
	quiesce();
	return true;
}

#define SETUP()                  \
	do {                     \
		if (!setup()) {  \
			return;  \
		}                \
	} while (0)

/* ---- Wrappers ---- */

static long alloc_unbound(domid_t dom, domid_t remote, uint32_t *port)
{
	struct evtchn_alloc_unbound op = { .dom = dom, .remote_dom = remote };
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op);

	*port = op.port;
	return rc;
}

static long bind_interdomain(domid_t remote, uint32_t rport, uint32_t *lport)
{
	struct evtchn_bind_interdomain op = { .remote_dom = remote, .remote_port = rport };
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &op);

	*lport = op.local_port;
	return rc;
}

static long bind_virq(uint32_t virq, uint32_t vcpu, uint32_t *port)
{
	struct evtchn_bind_virq op = { .virq = virq, .vcpu = vcpu };
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &op);

	*port = op.port;
	return rc;
}

static long bind_ipi(uint32_t vcpu, uint32_t *port)
{
	struct evtchn_bind_ipi op = { .vcpu = vcpu };
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &op);

	*port = op.port;
	return rc;
}

static long evtchn_close(uint32_t port)
{
	struct evtchn_close op = { .port = port };

	return HYPERVISOR_event_channel_op(EVTCHNOP_close, &op);
}

static long evtchn_send(uint32_t port)
{
	struct evtchn_send op = { .port = port };

	return HYPERVISOR_event_channel_op(EVTCHNOP_send, &op);
}

static long evtchn_unmask(uint32_t port)
{
	struct evtchn_unmask op = { .port = port };

	return HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &op);
}

static long evtchn_status(domid_t dom, uint32_t port, struct evtchn_status *st)
{
	memset(st, 0, sizeof(*st));
	st->dom = dom;
	st->port = port;
	return HYPERVISOR_event_channel_op(EVTCHNOP_status, st);
}

static long bind_vcpu(uint32_t port, uint32_t vcpu)
{
	struct evtchn_bind_vcpu op = { .port = port, .vcpu = vcpu };

	return HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &op);
}

static long poll(uint32_t *ports, uint32_t n, uint64_t timeout)
{
	struct sched_poll p = { .nr_ports = n, .timeout = timeout };

	set_xen_guest_handle(p.ports, ports);
	return HYPERVISOR_sched_op(SCHEDOP_poll, &p);
}

/* Our own domain ID, as the status of a port allocated for DOMID_SELF reports it. */
static domid_t self_id(void)
{
	struct evtchn_status st;
	uint32_t p;
	domid_t id = DOMID_INVALID;

	if (!alloc_unbound(DOMID_SELF, DOMID_SELF, &p) && !evtchn_status(DOMID_SELF, p, &st)) {
		id = st.u.unbound.dom;
	}
	evtchn_close(p);
	return id;
}

/* A loopback pair: @a allocated unbound for ourselves, @b bound to it. Consumes b's pending bit. */
static bool loopback(uint32_t *a, uint32_t *b)
{
	if (alloc_unbound(DOMID_SELF, DOMID_SELF, a) || bind_interdomain(DOMID_SELF, *a, b)) {
		return false;
	}
	__atomic_fetch_and(&shared_info->evtchn_pending[*b / 64], ~(1UL << (*b % 64)),
			   __ATOMIC_SEQ_CST);
	return true;
}

/* ---- Tests ---- */

GUEST_TEST(alloc_unbound_and_status)
{
	struct evtchn_status st;
	uint32_t p;

	SETUP();
	EXPECT_EQ(alloc_unbound(DOMID_SELF, DOMID_SELF, &p), 0);
	EXPECT(p > 0 && p < MAX_PORTS);
	EXPECT_EQ(evtchn_status(DOMID_SELF, p, &st), 0);
	EXPECT_EQ(st.status, EVTCHNSTAT_unbound);
	EXPECT_EQ(st.u.unbound.dom, self_id());
	EXPECT_EQ(st.vcpu, 0);
	EXPECT_EQ(evtchn_close(p), 0);
	EXPECT_EQ(evtchn_status(DOMID_SELF, p, &st), 0);
	EXPECT_EQ(st.status, EVTCHNSTAT_closed);
	/* Port 0 is reserved: never allocated, reported closed. */
	EXPECT_EQ(evtchn_status(DOMID_SELF, 0, &st), 0);
	EXPECT_EQ(st.status, EVTCHNSTAT_closed);
	test_note("port %u, domain %u", p, self_id());
}

GUEST_TEST(loopback_interdomain_delivers_both_ways)
{
	struct evtchn_status st;
	uint32_t a, b;
	uint64_t before;

	SETUP();
	EXPECT_EQ(alloc_unbound(DOMID_SELF, DOMID_SELF, &a), 0);
	events_disable();
	EXPECT_EQ(bind_interdomain(DOMID_SELF, a, &b), 0);
	EXPECT(b != a);
	/* Both ends point at each other. */
	EXPECT_EQ(evtchn_status(DOMID_SELF, a, &st), 0);
	EXPECT_EQ(st.status, EVTCHNSTAT_interdomain);
	EXPECT_EQ(st.u.interdomain.dom, self_id());
	EXPECT_EQ(st.u.interdomain.port, b);
	EXPECT_EQ(evtchn_status(DOMID_SELF, b, &st), 0);
	EXPECT_EQ(st.status, EVTCHNSTAT_interdomain);
	EXPECT_EQ(st.u.interdomain.port, a);
	/* Binding leaves the new local port pending (as Xen): it arrives once events are on. */
	EXPECT(port_pending(b));
	EXPECT(vi()->evtchn_upcall_pending);
	before = upcalls;
	events_enable();
	EXPECT_EQ(upcalls, before + 1);
	EXPECT_EQ(fired[b], 1);
	/* The callback ran with events masked; the frame says they were on before. */
	EXPECT_EQ(last_mask_inside, 1);
	EXPECT_EQ(last_saved_mask, 0);
	EXPECT(last_rflags & (1UL << 9));
	EXPECT_EQ(vi()->evtchn_upcall_mask, 0);
	/* Send on b reaches a; send on a reaches b; each once. */
	EXPECT_EQ(evtchn_send(b), 0);
	EXPECT_EQ(fired[a], 1);
	EXPECT_EQ(evtchn_send(a), 0);
	EXPECT_EQ(fired[b], 2);
	EXPECT_EQ(fired[a], 1);
	EXPECT_EQ(upcalls, before + 3);
	events_disable();
	EXPECT_EQ(evtchn_close(a), 0);
	EXPECT_EQ(evtchn_close(b), 0);
	test_note("ports %u <-> %u", a, b);
}

GUEST_TEST(masked_port_waits_for_unmask)
{
	uint32_t a, b;
	uint64_t before;

	SETUP();
	EXPECT(loopback(&a, &b));
	events_enable();
	before = upcalls;
	mask_port(a, true);
	/* Pending but masked: no selector bit, no upcall. */
	EXPECT_EQ(evtchn_send(b), 0);
	EXPECT(port_pending(a));
	EXPECT_EQ(upcalls, before);
	EXPECT_EQ(fired[a], 0);
	EXPECT_EQ(vi()->evtchn_upcall_pending, 0);
	/* A second send while pending changes nothing: one event, not two. */
	EXPECT_EQ(evtchn_send(b), 0);
	EXPECT_EQ(upcalls, before);
	/* EVTCHNOP_unmask clears the mask and raises the upcall on its way back. */
	EXPECT_EQ(evtchn_unmask(a), 0);
	EXPECT_EQ(shared_info->evtchn_mask[a / 64] & (1UL << (a % 64)), 0);
	EXPECT_EQ(upcalls, before + 1);
	EXPECT_EQ(fired[a], 1);
	EXPECT(!port_pending(a));
	/* Unmasking a port with nothing pending delivers nothing. */
	EXPECT_EQ(evtchn_unmask(a), 0);
	EXPECT_EQ(upcalls, before + 1);
	events_disable();
	evtchn_close(a);
	evtchn_close(b);
}

GUEST_TEST(upcall_mask_defers_delivery)
{
	uint32_t a, b;
	uint64_t before;

	SETUP();
	EXPECT(loopback(&a, &b));
	events_disable();
	before = upcalls;
	EXPECT_EQ(evtchn_send(a), 0);
	/* Pending, selector and upcall set, but the vCPU has events masked: no callback yet. */
	EXPECT(port_pending(b));
	EXPECT(vi()->evtchn_pending_sel & (1UL << (b / 64)));
	EXPECT_EQ(vi()->evtchn_upcall_pending, 1);
	force_callback();
	EXPECT_EQ(upcalls, before);
	/* Clearing the mask and making any hypercall delivers it. */
	events_enable();
	EXPECT_EQ(upcalls, before + 1);
	EXPECT_EQ(fired[b], 1);
	events_disable();
	evtchn_close(a);
	evtchn_close(b);
}

GUEST_TEST(peer_sees_close)
{
	struct evtchn_status st;
	uint32_t a, b, c;

	SETUP();
	EXPECT(loopback(&a, &b));
	EXPECT_EQ(evtchn_close(a), 0);
	/* b's end goes back to unbound, waiting for us again. */
	EXPECT_EQ(evtchn_status(DOMID_SELF, b, &st), 0);
	EXPECT_EQ(st.status, EVTCHNSTAT_unbound);
	EXPECT_EQ(st.u.unbound.dom, self_id());
	/* Sending on an unbound port is accepted and goes nowhere. */
	EXPECT_EQ(evtchn_send(b), 0);
	EXPECT(!port_pending(a));
	/* It can be bound again. */
	EXPECT_EQ(bind_interdomain(DOMID_SELF, b, &c), 0);
	EXPECT_EQ(evtchn_status(DOMID_SELF, b, &st), 0);
	EXPECT_EQ(st.status, EVTCHNSTAT_interdomain);
	EXPECT_EQ(st.u.interdomain.port, c);
	EXPECT_EQ(evtchn_close(b), 0);
	EXPECT_EQ(evtchn_status(DOMID_SELF, c, &st), 0);
	EXPECT_EQ(st.status, EVTCHNSTAT_unbound);
	EXPECT_EQ(evtchn_close(c), 0);
	/* Closing twice is an error. */
	EXPECT_EQ(evtchn_close(c), -EINVAL);
}

GUEST_TEST(bind_virq_rules)
{
	struct evtchn_status st;
	uint32_t p, q;

	SETUP();
	EXPECT_EQ(bind_virq(VIRQ_TIMER, 0, &p), 0);
	EXPECT_EQ(evtchn_status(DOMID_SELF, p, &st), 0);
	EXPECT_EQ(st.status, EVTCHNSTAT_virq);
	EXPECT_EQ(st.u.virq, VIRQ_TIMER);
	EXPECT_EQ(st.vcpu, 0);
	/* Once per vCPU. */
	EXPECT_EQ(bind_virq(VIRQ_TIMER, 0, &q), -EEXIST);
	/* No such vCPU; a global VIRQ only on vCPU 0; no such VIRQ. */
	EXPECT_EQ(bind_virq(VIRQ_TIMER, 1, &q), -ENOENT);
	EXPECT_EQ(bind_virq(VIRQ_CONSOLE, 1, &q), -EINVAL);
	EXPECT_EQ(bind_virq(24, 0, &q), -EINVAL);
	/* A VIRQ port cannot be sent on, and a per-vCPU VIRQ cannot move. */
	EXPECT_EQ(evtchn_send(p), -EINVAL);
	EXPECT_EQ(bind_vcpu(p, 0), -EINVAL);
	/* A global VIRQ can be bound and moved (to an existing vCPU). */
	EXPECT_EQ(bind_virq(VIRQ_CONSOLE, 0, &q), 0);
	EXPECT_EQ(bind_vcpu(q, 0), 0);
	EXPECT_EQ(bind_vcpu(q, 1), -ENOENT);
	EXPECT_EQ(evtchn_close(q), 0);
	/* Closing frees the VIRQ for a new binding. */
	EXPECT_EQ(evtchn_close(p), 0);
	EXPECT_EQ(bind_virq(VIRQ_TIMER, 0, &p), 0);
	EXPECT_EQ(evtchn_close(p), 0);
}

GUEST_TEST(bind_ipi_delivers_to_self)
{
	struct evtchn_status st;
	uint32_t p, q;
	uint64_t before;

	SETUP();
	EXPECT_EQ(bind_ipi(1, &q), -ENOENT);
	EXPECT_EQ(bind_ipi(0, &p), 0);
	EXPECT_EQ(evtchn_status(DOMID_SELF, p, &st), 0);
	EXPECT_EQ(st.status, EVTCHNSTAT_ipi);
	EXPECT_EQ(st.vcpu, 0);
	EXPECT_EQ(bind_vcpu(p, 0), -EINVAL);
	events_enable();
	before = upcalls;
	EXPECT_EQ(evtchn_send(p), 0);
	EXPECT_EQ(upcalls, before + 1);
	EXPECT_EQ(fired[p], 1);
	events_disable();
	EXPECT_EQ(evtchn_close(p), 0);
}

GUEST_TEST(bind_vcpu_moves_unbound_and_interdomain)
{
	uint32_t a, b;

	SETUP();
	EXPECT(loopback(&a, &b));
	EXPECT_EQ(bind_vcpu(a, 0), 0);
	EXPECT_EQ(bind_vcpu(b, 0), 0);
	EXPECT_EQ(bind_vcpu(a, 1), -ENOENT);
	EXPECT_EQ(bind_vcpu(MAX_PORTS, 0), -EINVAL);
	evtchn_close(a);
	evtchn_close(b);
	/* A free port has nothing to move. */
	EXPECT_EQ(bind_vcpu(a, 0), -EINVAL);
}

GUEST_TEST(virq_timer_fires)
{
	uint32_t p;
	uint64_t before;
	long rc;

	SETUP();
	EXPECT_EQ(bind_virq(VIRQ_TIMER, 0, &p), 0);
	events_enable();
	before = fired[p];
	/* A deadline in the past fires at once. */
	rc = HYPERVISOR_set_timer_op(1);
	if (rc == -ENOSYS) {
		events_disable();
		evtchn_close(p);
		test_note("set_timer_op not available yet: binding only");
		return;
	}
	EXPECT_EQ(rc, 0);
	for (unsigned int i = 0; i < 10000000 && fired[p] == before; i++) {
		force_callback();
	}
	events_disable();
	EXPECT_EQ(fired[p], before + 1);
	EXPECT_EQ(evtchn_close(p), 0);
	test_note("VIRQ_TIMER on port %u", p);
}

GUEST_TEST(fifo_abi_refused)
{
	struct evtchn_init_control ic = { .control_gfn = 0, .offset = 0, .vcpu = 0 };
	struct evtchn_expand_array ea = { 0 };
	struct evtchn_set_priority sp = { 0 };
	struct evtchn_bind_pirq bp = { .pirq = 1 };

	EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_init_control, &ic), -ENOSYS);
	EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, &ea), -ENOSYS);
	EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_set_priority, &sp), -ENOSYS);
	EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &bp), -ENOSYS);
	EXPECT_EQ(HYPERVISOR_event_channel_op(99, &sp), -ENOSYS);
}

GUEST_TEST(bad_ports_and_domains)
{
	struct evtchn_status st;
	uint32_t p, q;

	SETUP();
	EXPECT_EQ(evtchn_close(0), -EINVAL);
	EXPECT_EQ(evtchn_close(MAX_PORTS), -EINVAL);
	EXPECT_EQ(evtchn_close(0xffffffff), -EINVAL);
	EXPECT_EQ(evtchn_send(MAX_PORTS + 7), -EINVAL);
	EXPECT_EQ(evtchn_send(0), -EINVAL);
	EXPECT_EQ(evtchn_unmask(NR_PORTS), -EINVAL);
	EXPECT_EQ(evtchn_status(DOMID_SELF, MAX_PORTS, &st), -EINVAL);
	/* Domains that do not exist. */
	EXPECT_EQ(evtchn_status(42, 1, &st), -ESRCH);
	EXPECT_EQ(alloc_unbound(42, DOMID_SELF, &p), -ESRCH);
	EXPECT_EQ(bind_interdomain(42, 1, &q), -ESRCH);
	/* A port reserved for another domain cannot be bound by us. */
	EXPECT_EQ(alloc_unbound(DOMID_SELF, 42, &p), 0);
	EXPECT_EQ(bind_interdomain(DOMID_SELF, p, &q), -EINVAL);
	EXPECT_EQ(evtchn_close(p), 0);
	/* Only unbound ports can be bound to. */
	EXPECT_EQ(bind_ipi(0, &q), 0);
	EXPECT_EQ(bind_interdomain(DOMID_SELF, q, &p), -EINVAL);
	EXPECT_EQ(bind_interdomain(DOMID_SELF, 0, &p), -EINVAL);
	EXPECT_EQ(bind_interdomain(DOMID_SELF, MAX_PORTS, &p), -EINVAL);
	EXPECT_EQ(evtchn_close(q), 0);
	/* Unreadable arguments. */
	EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_send, (void *)0x1000), -EFAULT);
	EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_status, (void *)0xffff800000000000UL),
		  -EFAULT);
	/* The remote ID must be a domain ID. */
	EXPECT_EQ(alloc_unbound(DOMID_SELF, DOMID_IO, &p), -EINVAL);
}

GUEST_TEST(port_limit)
{
	static uint32_t ports[MAX_PORTS];
	unsigned int n = 0;
	uint32_t p;
	long rc;

	SETUP();
	while ((rc = alloc_unbound(DOMID_SELF, DOMID_SELF, &p)) == 0 && n < MAX_PORTS) {
		ports[n++] = p;
	}
	EXPECT_EQ(rc, -ENOSPC);
	/* Every port but the reserved port 0 (setup closed every other). */
	EXPECT_EQ(n, MAX_PORTS - 1);
	for (unsigned int i = 0; i < n; i++) {
		EXPECT(ports[i] > 0 && ports[i] < MAX_PORTS);
		EXPECT_EQ(evtchn_close(ports[i]), 0);
	}
	/* All free again. */
	EXPECT_EQ(alloc_unbound(DOMID_SELF, DOMID_SELF, &p), 0);
	EXPECT_EQ(evtchn_close(p), 0);
	test_note("%u ports", n);
}

GUEST_TEST(reset_closes_every_port)
{
	struct evtchn_status st;
	struct evtchn_reset r = { .dom = DOMID_SELF };
	uint32_t a, b, v, i;

	SETUP();
	EXPECT(loopback(&a, &b));
	EXPECT_EQ(bind_virq(VIRQ_TIMER, 0, &v), 0);
	EXPECT_EQ(bind_ipi(0, &i), 0);
	EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_reset, &r), 0);
	EXPECT_EQ(evtchn_status(DOMID_SELF, a, &st), 0);
	EXPECT_EQ(st.status, EVTCHNSTAT_closed);
	EXPECT_EQ(evtchn_status(DOMID_SELF, b, &st), 0);
	EXPECT_EQ(st.status, EVTCHNSTAT_closed);
	EXPECT_EQ(evtchn_status(DOMID_SELF, v, &st), 0);
	EXPECT_EQ(st.status, EVTCHNSTAT_closed);
	EXPECT_EQ(evtchn_status(DOMID_SELF, i, &st), 0);
	EXPECT_EQ(st.status, EVTCHNSTAT_closed);
	/* The VIRQ can be bound again. */
	EXPECT_EQ(bind_virq(VIRQ_TIMER, 0, &v), 0);
	EXPECT_EQ(evtchn_close(v), 0);
}

/* SCHEDOP_poll blocks: until its timeout, or until a polled port (here VIRQ_TIMER) is raised. */
GUEST_TEST(sched_poll_blocks)
{
	uint32_t a, b, v, ports[2];
	uint64_t t0, t1;

	SETUP();
	EXPECT(loopback(&a, &b));
	events_disable();
	ports[0] = a;
	ports[1] = b;
	t0 = pvclock_now_ns();
	EXPECT_EQ(poll(ports, 2, t0 + 20000000ULL), 0);
	t1 = pvclock_now_ns();
	EXPECT(t1 - t0 >= 20000000ULL);
	EXPECT(!port_pending(a) && !port_pending(b));
	/* No timeout: the timer's VIRQ, raised 10 ms later, ends the poll. */
	EXPECT_EQ(bind_virq(VIRQ_TIMER, 0, &v), 0);
	ports[0] = v;
	t0 = pvclock_now_ns();
	EXPECT_EQ(hypercall1(__HYPERVISOR_set_timer_op, t0 + 10000000ULL), 0);
	EXPECT_EQ(poll(ports, 1, 0), 0);
	t1 = pvclock_now_ns();
	EXPECT(port_pending(v));
	EXPECT(t1 - t0 >= 10000000ULL);
	test_note("VIRQ ended the poll after %llu us", (unsigned long long)((t1 - t0) / 1000));
	__atomic_fetch_and(&shared_info->evtchn_pending[v / 64], ~(1UL << (v % 64)), __ATOMIC_SEQ_CST);
	vi()->evtchn_upcall_pending = 0;
	vi()->evtchn_pending_sel = 0;
	evtchn_close(v);
	evtchn_close(a);
	evtchn_close(b);
}

GUEST_TEST(sched_poll_nonblocking)
{
	static uint32_t many[129];
	uint32_t a, b, ports[2];

	SETUP();
	EXPECT(loopback(&a, &b));
	events_disable();
	ports[0] = a;
	ports[1] = b;
	/* A deadline already passed returns at once. */
	EXPECT_EQ(poll(ports, 2, 1), 0);
	/* A pending port (even with events masked) returns at once. */
	EXPECT_EQ(evtchn_send(a), 0);
	EXPECT(port_pending(b));
	EXPECT_EQ(poll(ports, 2, 0), 0);
	/* Bad ports, too many ports, bad pointers. */
	ports[1] = MAX_PORTS;
	EXPECT_EQ(poll(ports, 2, 0), -EINVAL);
	EXPECT_EQ(poll(many, 129, 0), -EINVAL);
	EXPECT_EQ(poll((uint32_t *)0x1000, 1, 0), -EFAULT);
	__atomic_fetch_and(&shared_info->evtchn_pending[b / 64], ~(1UL << (b % 64)),
			   __ATOMIC_SEQ_CST);
	vi()->evtchn_upcall_pending = 0;
	vi()->evtchn_pending_sel = 0;
	evtchn_close(a);
	evtchn_close(b);
}
