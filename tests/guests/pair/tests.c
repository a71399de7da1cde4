/*
 * pair: two domains talking, booted side by side with the same kernel and a role on the command
 * line ("role=a peer=2" in domain 1, "role=b peer=1" in domain 2; optional "rounds=N").
 *
 * There is no xenstore yet, so the two agree by convention:
 *   - event channel: A's first port (PAIR_PORT), allocated unbound for B; B retries
 *     EVTCHNOP_bind_interdomain on it until A has made it, sleeping in SCHEDOP_poll timeouts;
 *   - grants from A to B: GREF_CTL a control page (barrier counters, ping-pong sequence numbers,
 *     values one side hands the other), GREF_RING a shared ring (public/io/ring.h),
 *     GREF_DATA.. the pages the ring's requests point into, GREF_SINK a page B copies into,
 *     and the references the negative tests use.
 * A is the producer (front end), B the consumer (back end): it maps what A granted into its own
 * page tables, checks each request's checksummed data (by mapping, or by GNTTABOP_copy), and
 * answers. Both print one line per test (tests are named the same in both domains; each does its
 * half), and BENCH lines for bench/pv_pair.py: event channel round trips, a yield ping-pong
 * between the domains (the cost of a switch between two vCPUs), grant copy throughput and
 * map+unmap, each beside a null hypercall measured in the same run.
 *
 * Events only wake: every condition lives in the control page, so a coalesced or stale event
 * costs at most a poll that finds nothing new, never a lost step.
 */
#include <argon/lib.h>

#include <guest/fault.h>
#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/mm.h>
#include <guest/pvclock.h>
#include <guest/test.h>
#include <guest/traps.h>

#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/io/ring.h>
#include <public/sched.h>
#include <public/version.h>

#define ESRCH  3
#define EINVAL 22

#define PAIR_PORT	  1 /* A's first port: the channel B binds */
#define GREF_CTL	  8
#define GREF_RING	  9
#define GREF_SINK	  10 /* writable: B copies into it */
#define GREF_REVOKE	  11 /* revoked by A while B watches */
#define GREF_NOT_OWNED	  12 /* A "grants" a frame of B's */
#define GREF_NOT_OWNED_RO 13
#define GREF_OTHER_DOM	  14 /* granted to a domain that is not B */
#define GREF_KEPT	  15 /* left mapped by B when A goes away */
#define GREF_DATA	  16 /* NR_DATA read-only data pages */
#define NR_DATA		  8
#define GREF_PAST_TABLE	  512 /* A's table has one frame: 512 v1 entries */
#define MAPTRACK_SIZE	  1024
#define NOBODY		  42 /* a domain that does not exist */

#define CTL_MAGIC      0x7061697263746c31UL
#define MAX_ROUNDS     4000
#define DEFAULT_ROUNDS 500
#define WAIT_NS	       10000000000ULL /* how long any wait for the peer may take */
#define SAMPLES	       201

/* ---- The shared control page (A's, granted to B) ---- */

struct ctl {
	uint64_t magic;
	uint64_t step[2];      /* meeting counters, [0] A's, [1] B's */
	uint64_t ping, pong;   /* ping-pong sequence numbers */
	uint64_t turn;	       /* yield ping-pong: even A's turn, odd B's */
	uint64_t b_mfn;	       /* a frame of B's, for the not-owned test */
	uint64_t foreign_port; /* A's port reserved for NOBODY */
	uint32_t csum[2];      /* GREF_DATA's page 0 (A's), the page B copied into GREF_SINK */
	uint64_t peer_events;  /* B's count of ping events */
};

/* ---- The ring: a request names data in one of the data pages, with its checksum ---- */

struct pair_req {
	uint64_t id;
	uint32_t gref;
	uint16_t offset;
	uint16_t len;
	uint32_t csum;
	uint32_t use_copy; /* B reads it with GNTTABOP_copy instead of mapping it */
};

struct pair_rsp {
	uint64_t id;
	int32_t status; /* GNTST_okay, a grant status, or 1 for a checksum mismatch */
	uint32_t csum;	/* what B computed */
};

DEFINE_RING_TYPES(pair, struct pair_req, struct pair_rsp);

#define RING_REQS    600 /* requests A sends through the ring */
#define MAX_INFLIGHT 32	 /* A rewrites a region only after its response came back */
#define REGION	     512 /* each request's data lives in its own 512-byte region */
#define NR_REGIONS   (NR_DATA * (GUEST_PAGE_SIZE / REGION))

/* ---- State ---- */

static bool is_a;
static domid_t peer;
static unsigned int me, other; /* indices into ctl->step */
static unsigned int rounds = DEFAULT_ROUNDS;
static uint32_t port;	/* our end of the channel */
static struct ctl *ctl; /* A: its own page; B: its mapping of A's */
static bool broken;	/* a wait for the peer timed out: stop waiting */

/* A's grant table and pages. */
static struct grant_entry_v1 *gt;
static uint8_t *data[NR_DATA], *sink, *revoke_page, *other_page, *kept_page;
static struct pair_sring *sring;

/* B's mappings. */
static struct pair_sring *ring_win;
static uint8_t *data_win, *kept_win;
static grant_handle_t ctl_handle, ring_handle;

static volatile uint64_t upcall_events; /* our port's events taken by the upcall */

/* ---- Helpers ---- */

static inline uint64_t rdtsc_ordered(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

static struct vcpu_info *vi(void)
{
	return &shared_info->vcpu_info[0];
}

static uint64_t median(uint64_t *s, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		uint64_t v = s[i];
		unsigned int j = i;

		for (; j > 0 && s[j - 1] > v; j--) {
			s[j] = s[j - 1];
		}
		s[j] = v;
	}
	return s[n / 2];
}

static uint64_t samples[MAX_ROUNDS];

/* A null hypercall (xen_version through the hypercall page), median cycles: the reference. */
static uint64_t null_hypercall_cycles(void)
{
	for (unsigned int i = 0; i < SAMPLES; i++) {
		uint64_t t0 = rdtsc_ordered();

		HYPERVISOR_xen_version(XENVER_version, NULL);
		samples[i] = rdtsc_ordered() - t0;
	}
	return median(samples, SAMPLES);
}

static void bench(const char *name, uint64_t value, const char *unit, unsigned int n)
{
	printk("BENCH %s: %lu %s (n=%u)\n", name, value, unit, n);
}

/* FNV-1a over @len bytes. */
static uint32_t checksum(const volatile uint8_t *p, unsigned int len)
{
	uint32_t h = 2166136261u;

	for (unsigned int i = 0; i < len; i++) {
		h = (h ^ p[i]) * 16777619u;
	}
	return h;
}

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

static unsigned int parse_uint(const char *s)
{
	unsigned int v = 0;

	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned int)(*s++ - '0');
	}
	return v;
}

/* "role=a peer=2 rounds=500": false when the role or peer is missing. */
static bool parse_cmdline(void)
{
	const char *s = start_info->cmd_line;
	bool role = false;

	while (*s) {
		if (!strncmp(s, "role=", 5)) {
			is_a = s[5] == 'a';
			role = s[5] == 'a' || s[5] == 'b';
		} else if (!strncmp(s, "peer=", 5)) {
			peer = (domid_t)parse_uint(s + 5);
		} else if (!strncmp(s, "rounds=", 7)) {
			rounds = parse_uint(s + 7);
		}
		while (*s && *s != ' ') {
			s++;
		}
		while (*s == ' ') {
			s++;
		}
	}
	if (rounds < 10 || rounds > MAX_ROUNDS) {
		rounds = DEFAULT_ROUNDS;
	}
	me = is_a ? 0 : 1;
	other = 1 - me;
	return role && peer && peer < DOMID_FIRST_RESERVED;
}

/* ---- Event channel ---- */

static long evtchn_send(uint32_t p)
{
	struct evtchn_send op = {.port = p};

	return HYPERVISOR_event_channel_op(EVTCHNOP_send, &op);
}

static long evtchn_close(uint32_t p)
{
	struct evtchn_close op = {.port = p};

	return HYPERVISOR_event_channel_op(EVTCHNOP_close, &op);
}

static long evtchn_status(domid_t dom, uint32_t p, struct evtchn_status *st)
{
	memset(st, 0, sizeof(*st));
	st->dom = dom;
	st->port = p;
	return HYPERVISOR_event_channel_op(EVTCHNOP_status, st);
}

static long bind_interdomain(domid_t remote, uint32_t rport, uint32_t *lport)
{
	struct evtchn_bind_interdomain op = {.remote_dom = remote, .remote_port = rport};
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &op);

	*lport = op.local_port;
	return rc;
}

/* SCHEDOP_poll on our port (or on nothing: a plain sleep) until @deadline_ns. */
static long poll_until(bool on_port, uint64_t deadline_ns)
{
	struct sched_poll p = {.nr_ports = on_port ? 1 : 0, .timeout = deadline_ns};

	set_xen_guest_handle(p.ports, &port);
	return HYPERVISOR_sched_op(SCHEDOP_poll, &p);
}

/* Take our port's pending bit: whether it was set. */
static bool take_pending(void)
{
	uint64_t bit = 1UL << (port % 64);

	return __atomic_fetch_and(&shared_info->evtchn_pending[port / 64], ~bit, __ATOMIC_SEQ_CST) &
	       bit;
}

/*
 * Sleep on our port until *@word >= @want (the peer writes it, then sends), for at most
 * WAIT_NS. The pending bit is taken before each check, so an event that arrives between the
 * check and the poll makes the poll return at once.
 */
static bool wait_for(const volatile uint64_t *word, uint64_t want)
{
	uint64_t end;

	if (broken) {
		return false;
	}
	end = pvclock_now_ns() + WAIT_NS;
	for (;;) {
		take_pending();
		if (__atomic_load_n(word, __ATOMIC_SEQ_CST) >= want) {
			return true;
		}
		if (pvclock_now_ns() > end) {
			broken = true;
			return false;
		}
		poll_until(true, pvclock_now_ns() + 1000000);
	}
}

/* Both domains reach the same point: publish our step, wake the peer, wait for its step. */
static bool meet(void)
{
	static uint64_t n;

	n++;
	__atomic_store_n(&ctl->step[me], n, __ATOMIC_SEQ_CST);
	evtchn_send(port);
	return wait_for(&ctl->step[other], n);
}

/* The upcall: count our port's events (the only port we bind). */
static bool on_event(struct trap_frame *f)
{
	vi()->evtchn_upcall_pending = 0;
	__atomic_exchange_n(&vi()->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	if (take_pending()) {
		upcall_events++;
	}
	return true;
}

/* ---- Grants ---- */

static void grant(grant_ref_t ref, uint64_t mfn, domid_t to, uint16_t flags)
{
	gt[ref].frame = (uint32_t)mfn;
	gt[ref].domid = to;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&gt[ref].flags, flags, __ATOMIC_SEQ_CST);
}

static uint16_t flags_of(grant_ref_t ref)
{
	return __atomic_load_n(&gt[ref].flags, __ATOMIC_SEQ_CST);
}

/* End access as Linux does: only when the hypervisor is not using the grant. */
static bool end_access(grant_ref_t ref)
{
	uint16_t f = flags_of(ref);

	do {
		if (f & (GTF_reading | GTF_writing)) {
			return false;
		}
	} while (!__atomic_compare_exchange_n(&gt[ref].flags, &f, 0, false, __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST));
	return true;
}

static uint64_t va_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* Map A's grant @ref at @va (B's side): the status, and the handle in *@h. */
static int16_t map_ref(void *va, grant_ref_t ref, bool ro, grant_handle_t *h)
{
	struct gnttab_map_grant_ref op = {
	    .host_addr = va_of(va),
	    .flags = GNTMAP_host_map | (ro ? GNTMAP_readonly : 0),
	    .ref = ref,
	    .dom = peer,
	};

	if (HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1)) {
		return 99;
	}
	if (h) {
		*h = op.handle;
	}
	return op.status;
}

static int16_t unmap_ref(void *va, grant_handle_t h)
{
	struct gnttab_unmap_grant_ref op = {.host_addr = va_of(va), .handle = h};

	if (HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1)) {
		return 99;
	}
	return op.status;
}

/* One copy between A's grant @ref (source or destination) and our frame @mfn. */
static int16_t copy_ref(grant_ref_t ref, uint16_t ref_off, uint64_t mfn, uint16_t off, uint16_t len,
			bool from_ref)
{
	struct gnttab_copy c;

	memset(&c, 0, sizeof(c));
	if (from_ref) {
		c.source.u.ref = ref;
		c.source.domid = peer;
		c.source.offset = ref_off;
		c.dest.u.gmfn = mfn;
		c.dest.domid = DOMID_SELF;
		c.dest.offset = off;
		c.flags = GNTCOPY_source_gref;
	} else {
		c.source.u.gmfn = mfn;
		c.source.domid = DOMID_SELF;
		c.source.offset = off;
		c.dest.u.ref = ref;
		c.dest.domid = peer;
		c.dest.offset = ref_off;
		c.flags = GNTCOPY_dest_gref;
	}
	c.len = len;
	if (HYPERVISOR_grant_table_op(GNTTABOP_copy, &c, 1)) {
		return 99;
	}
	return c.status;
}

static bool probe_read(uint64_t va, uint64_t *val)
{
	uint64_t v = 0, n = trap_count;

	__asm__ __volatile__("1: movq (%1), %0\n2:\n" EXTABLE(1b, 2b)
			     : "+r"(v)
			     : "r"(va)
			     : "memory");
	*val = v;
	return trap_count == n;
}

#define SETUP()                                                                                    \
	do {                                                                                       \
		if (!ctl || broken) {                                                              \
			test_fail(__FILE__, __LINE__, "no working channel to the peer");           \
			return;                                                                    \
		}                                                                                  \
	} while (0)

/* ---- Tests ---- */

/* Role, shared_info, callbacks; A sets up its grant table, pages and grants. */
GUEST_TEST(a0_setup)
{
	uint64_t frame = 0;
	struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = 1};

	EXPECT(parse_cmdline());
	EXPECT_EQ(map_shared_info(), 0);
	EXPECT_EQ(callbacks_register(), 0);
	/* Events masked (polling) until the upcall test turns them on. */
	__atomic_store_n(&vi()->evtchn_upcall_mask, 1, __ATOMIC_SEQ_CST);
	trap_set_handler(TRAP_EVENT_CALLBACK, on_event);
	if (!is_a) {
		test_note("role b (consumer), peer d%u", peer);
		return;
	}
	set_xen_guest_handle(st.frame_list, &frame);
	EXPECT_EQ(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1), 0);
	EXPECT_EQ(st.status, GNTST_okay);
	gt = page_alloc();
	EXPECT(gt);
	EXPECT_EQ(remap_page(gt, frame, PTE_DATA), 0);
	ctl = page_alloc();
	sring = page_alloc();
	sink = page_alloc();
	revoke_page = page_alloc();
	other_page = page_alloc();
	kept_page = page_alloc();
	EXPECT(ctl && sring && sink && revoke_page && other_page && kept_page);
	for (unsigned int i = 0; i < NR_DATA; i++) {
		data[i] = page_alloc();
		EXPECT(data[i]);
	}
	ctl->magic = CTL_MAGIC;
	SHARED_RING_INIT(sring);
	memset(revoke_page, 0x5a, GUEST_PAGE_SIZE);
	memset(kept_page, 0x6b, GUEST_PAGE_SIZE);
	grant(GREF_CTL, virt_to_mfn(ctl), peer, GTF_permit_access);
	grant(GREF_RING, virt_to_mfn(sring), peer, GTF_permit_access);
	grant(GREF_SINK, virt_to_mfn(sink), peer, GTF_permit_access);
	grant(GREF_REVOKE, virt_to_mfn(revoke_page), peer, GTF_permit_access | GTF_readonly);
	grant(GREF_OTHER_DOM, virt_to_mfn(other_page), NOBODY, GTF_permit_access);
	grant(GREF_KEPT, virt_to_mfn(kept_page), peer, GTF_permit_access | GTF_readonly);
	for (unsigned int i = 0; i < NR_DATA; i++) {
		grant(GREF_DATA + i, virt_to_mfn(data[i]), peer, GTF_permit_access | GTF_readonly);
	}
	test_note("role a (producer), peer d%u, table frame %#lx", peer, frame);
}

/*
 * The channel: A allocates its first port unbound for B and waits for B to bind it; B retries
 * bind_interdomain on that port until A has made it.
 */
GUEST_TEST(a1_bind_interdomain)
{
	struct evtchn_status st;
	uint64_t end = pvclock_now_ns() + WAIT_NS;
	unsigned int tries = 0;

	EXPECT(peer);
	if (is_a) {
		struct evtchn_alloc_unbound op = {.dom = DOMID_SELF, .remote_dom = peer};

		EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op), 0);
		port = op.port;
		EXPECT_EQ(port, PAIR_PORT);
		for (;;) {
			EXPECT_EQ(evtchn_status(DOMID_SELF, port, &st), 0);
			if (st.status == EVTCHNSTAT_interdomain) {
				break;
			}
			EXPECT_EQ(st.status, EVTCHNSTAT_unbound);
			EXPECT_EQ(st.u.unbound.dom, peer);
			EXPECT(pvclock_now_ns() < end);
			tries++;
			poll_until(false, pvclock_now_ns() + 1000000);
		}
		EXPECT_EQ(st.u.interdomain.dom, peer);
		test_note("port %u bound by d%u port %u after %u sleeps", port, peer,
			  st.u.interdomain.port, tries);
		return;
	}
	for (;;) {
		long rc = bind_interdomain(peer, PAIR_PORT, &port);

		if (!rc) {
			break;
		}
		/* Not made yet (-EINVAL), or the peer not built yet (-ESRCH). */
		EXPECT(rc == -EINVAL || rc == -ESRCH);
		EXPECT(pvclock_now_ns() < end);
		tries++;
		poll_until(false, pvclock_now_ns() + 1000000);
	}
	/* Binding leaves the new local port pending (as Xen). */
	EXPECT(take_pending());
	EXPECT_EQ(evtchn_status(DOMID_SELF, port, &st), 0);
	EXPECT_EQ(st.status, EVTCHNSTAT_interdomain);
	EXPECT_EQ(st.u.interdomain.dom, peer);
	EXPECT_EQ(st.u.interdomain.port, PAIR_PORT);
	test_note("bound d%u port %u as port %u after %u retries", peer, PAIR_PORT, port, tries);
}

/* B maps A's control page; both meet at the first barrier through it. */
GUEST_TEST(a2_control_page)
{
	EXPECT(port);
	if (!is_a) {
		struct ctl *win = page_alloc();

		EXPECT(win);
		EXPECT_EQ(map_ref(win, GREF_CTL, false, &ctl_handle), GNTST_okay);
		EXPECT_EQ(win->magic, CTL_MAGIC);
		ctl = win;
	}
	EXPECT(meet());
	if (is_a) {
		/* B's writable mapping shows in the entry's status bits. */
		EXPECT_EQ(flags_of(GREF_CTL), GTF_permit_access | GTF_reading | GTF_writing);
		EXPECT(!end_access(GREF_CTL));
	}
	EXPECT(meet());
}

/*
 * Event channel ping-pong, each side sleeping in SCHEDOP_poll: A writes ping = i and sends; B
 * wakes, finds exactly i, writes pong = i and sends back. Every round must end with the peer's
 * event (not a timeout), each sequence number is seen once and in order.
 */
GUEST_TEST(b0_pingpong_poll)
{
	unsigned int events = 0, stale = 0, late = 0;

	SETUP();
	EXPECT(meet());
	for (unsigned int i = 1; i <= rounds; i++) {
		volatile uint64_t *want = is_a ? &ctl->pong : &ctl->ping;
		uint64_t t0 = rdtsc_ordered(), end = pvclock_now_ns() + WAIT_NS;

		if (is_a) {
			__atomic_store_n(&ctl->ping, i, __ATOMIC_SEQ_CST);
			evtchn_send(port);
		}
		for (bool polled = false;; polled = true) {
			/* Take the event before looking, so one that comes later ends the poll. */
			bool ev = take_pending();
			uint64_t v = __atomic_load_n(want, __ATOMIC_SEQ_CST);

			if (ev && v == i) {
				events++; /* this round's event */
			} else if (ev) {
				stale++; /* one that came after its round was seen */
			} else if (polled) {
				late++; /* the poll ended without an event */
			}
			if (v == i) {
				break;
			}
			EXPECT_EQ(v, i - 1);
			EXPECT(pvclock_now_ns() < end);
			poll_until(true, pvclock_now_ns() + 1000000000ULL);
		}
		if (!is_a) {
			__atomic_store_n(&ctl->pong, i, __ATOMIC_SEQ_CST);
			evtchn_send(port);
		}
		samples[i - 1] = rdtsc_ordered() - t0;
	}
	if (!is_a) {
		ctl->peer_events = events;
	}
	EXPECT(meet());
	EXPECT_EQ(ctl->ping, rounds);
	EXPECT_EQ(ctl->pong, rounds);
	/*
	 * No wait ended without an event, and every round was signalled: each event is counted
	 * once, in its round or (a peer preempted between writing its number and sending) just
	 * after; the first may have been taken by the meeting before, one more may be left from it.
	 */
	if (late || events + stale + 1 < rounds || events + stale > rounds + 1 ||
	    events + 2 < rounds) {
		test_fail(__FILE__, __LINE__, "%u rounds: %u events, %u late, %u timed out", rounds,
			  events, stale, late);
		return;
	}
	if (is_a) {
		uint64_t rt = median(samples, rounds);

		EXPECT(ctl->peer_events >= rounds - 2);

		bench("evtchn round trip, poll", rt, "cycles", rounds);
		bench("null hypercall (d1)", null_hypercall_cycles(), "cycles", SAMPLES);
		test_note("%u round trips, %u events, %u late, median %lu cycles", rounds, events,
			  stale, rt);
	} else {
		test_note("%u pings in order, %u events, %u late", rounds, events, stale);
	}
}

/*
 * The same with events unmasked: each side blocks in SCHEDOP_block and the upcall takes the
 * event; every round is one upcall on each side.
 */
GUEST_TEST(b1_pingpong_upcall)
{
	uint64_t base = rounds, before;
	unsigned int blocks = 0;

	SETUP();
	EXPECT(meet());
	take_pending();
	before = upcall_events;
	__atomic_store_n(&vi()->evtchn_upcall_mask, 0, __ATOMIC_SEQ_CST);
	for (unsigned int i = 1; i <= rounds; i++) {
		volatile uint64_t *want = is_a ? &ctl->pong : &ctl->ping;
		uint64_t t0 = rdtsc_ordered(), end = pvclock_now_ns() + WAIT_NS;

		if (is_a) {
			__atomic_store_n(&ctl->ping, base + i, __ATOMIC_SEQ_CST);
			evtchn_send(port);
		}
		while (__atomic_load_n(want, __ATOMIC_SEQ_CST) != base + i) {
			if (pvclock_now_ns() > end) {
				break;
			}
			HYPERVISOR_sched_op(SCHEDOP_block, NULL);
			blocks++;
		}
		if (!is_a) {
			__atomic_store_n(&ctl->pong, base + i, __ATOMIC_SEQ_CST);
			evtchn_send(port);
		}
		samples[i - 1] = rdtsc_ordered() - t0;
	}
	__atomic_store_n(&vi()->evtchn_upcall_mask, 1, __ATOMIC_SEQ_CST);
	EXPECT(meet());
	EXPECT_EQ(ctl->ping, base + rounds);
	EXPECT_EQ(ctl->pong, base + rounds);
	/* One event per round; at most one more from the barrier before. */
	EXPECT(upcall_events - before >= rounds - 1 && upcall_events - before <= rounds + 1);
	if (is_a) {
		uint64_t rt = median(samples, rounds);

		bench("evtchn round trip, upcall", rt, "cycles", rounds);
		test_note("%u round trips, %lu upcalls, %u blocks, median %lu cycles", rounds,
			  upcall_events - before, blocks, rt);
	} else {
		test_note("%lu upcalls, %u blocks", upcall_events - before, blocks);
	}
}

/*
 * A context switch between the two domains' vCPUs: they hand a turn back and forth with
 * SCHEDOP_yield only (no events). One pass is two yields and two switches.
 */
GUEST_TEST(b2_yield_pingpong)
{
	unsigned int yields = 0;

	SETUP();
	EXPECT(meet());
	if (is_a) {
		__atomic_store_n(&ctl->turn, 0, __ATOMIC_SEQ_CST);
	}
	EXPECT(meet());
	for (unsigned int i = 0; i < rounds; i++) {
		uint64_t mine = 2 * (uint64_t)i + me, t0 = rdtsc_ordered(),
			 end = pvclock_now_ns() + WAIT_NS;

		while (__atomic_load_n(&ctl->turn, __ATOMIC_SEQ_CST) != mine) {
			EXPECT(pvclock_now_ns() < end);
			HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
			yields++;
		}
		__atomic_store_n(&ctl->turn, mine + 1, __ATOMIC_SEQ_CST);
		samples[i] = rdtsc_ordered() - t0;
	}
	EXPECT(meet());
	EXPECT_EQ(ctl->turn, 2 * (uint64_t)rounds);
	/* The turn can only pass when the other vCPU runs: at least one yield per pass. */
	EXPECT(yields >= rounds - 1);
	if (is_a) {
		/* A's sample i spans B's turn: from A's yield back to A, two switches. */
		uint64_t pass = median(samples + 1, rounds - 1);

		bench("vCPU switch (yield ping-pong, per switch)", pass / 2, "cycles", rounds - 1);
		bench("null hypercall (d1, again)", null_hypercall_cycles(), "cycles", SAMPLES);
		test_note("%u passes, %u yields, median pass %lu cycles", rounds, yields, pass);
	} else {
		test_note("%u passes, %u yields", rounds, yields);
	}
}

/*
 * The shared ring: A produces RING_REQS requests, each naming checksummed data in a region of a
 * data page; B maps the grant (or copies through GNTTABOP_copy, every fourth request), checks the
 * checksum and answers. The ring wraps several times, notifications follow the event indices.
 */
GUEST_TEST(c0_ring)
{
	unsigned int notifies = 0, waits = 0, mapped = 0, copied = 0;
	uint64_t end = pvclock_now_ns() + 4 * WAIT_NS;

	SETUP();
	if (is_a) {
		static uint32_t expect[RING_REQS];
		struct pair_front_ring fr;
		unsigned int sent = 0, got = 0;
		uint64_t seed = 1;

		FRONT_RING_INIT(&fr, sring, GUEST_PAGE_SIZE);
		EXPECT(meet());
		while (got < RING_REQS) {
			int notify, more;

			while (sent < RING_REQS && sent - got < MAX_INFLIGHT && !RING_FULL(&fr)) {
				struct pair_req *r = RING_GET_REQUEST(&fr, fr.req_prod_pvt);
				unsigned int region = sent % NR_REGIONS;
				uint8_t *page = data[region / (GUEST_PAGE_SIZE / REGION)];
				uint16_t off =
				    (uint16_t)((region % (GUEST_PAGE_SIZE / REGION)) * REGION +
					       lcg(&seed) % 64);
				uint16_t len = (uint16_t)(1 + lcg(&seed) % (REGION - 64));

				for (unsigned int k = 0; k < len; k++) {
					page[off + k] = (uint8_t)lcg(&seed);
				}
				expect[sent] = checksum(page + off, len);
				r->id = sent;
				r->gref = GREF_DATA + region / (GUEST_PAGE_SIZE / REGION);
				r->offset = off;
				r->len = len;
				r->csum = expect[sent];
				r->use_copy = sent % 4 == 3;
				fr.req_prod_pvt++;
				sent++;
			}
			RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&fr, notify);
			if (notify) {
				notifies++;
				evtchn_send(port);
			}
			take_pending();
			while (RING_HAS_UNCONSUMED_RESPONSES(&fr)) {
				struct pair_rsp rsp;

				RING_COPY_RESPONSE(&fr, fr.rsp_cons, &rsp);
				fr.rsp_cons++;
				EXPECT_EQ(rsp.id, got);
				EXPECT_EQ(rsp.status, GNTST_okay);
				EXPECT_EQ(rsp.csum, expect[got]);
				got++;
			}
			RING_FINAL_CHECK_FOR_RESPONSES(&fr, more);
			if (!more && (sent == RING_REQS || sent - got >= MAX_INFLIGHT)) {
				EXPECT(pvclock_now_ns() < end);
				waits++;
				poll_until(true, pvclock_now_ns() + 1000000000ULL);
			}
		}
		EXPECT(meet());
		/* B unmapped everything it mapped: no status bits left on the data grants. */
		for (unsigned int i = 0; i < NR_DATA; i++) {
			EXPECT_EQ(flags_of(GREF_DATA + i), GTF_permit_access | GTF_readonly);
		}
		EXPECT_EQ(flags_of(GREF_RING), GTF_permit_access | GTF_reading | GTF_writing);
		test_note("%u requests answered, ring of %u, %u notifications, %u waits", got,
			  RING_SIZE(&fr), notifies, waits);
		return;
	}
	struct pair_back_ring br;
	unsigned int done = 0;
	uint8_t *local = page_alloc();

	EXPECT(local);
	ring_win = page_alloc();
	data_win = page_alloc();
	EXPECT(ring_win && data_win);
	EXPECT_EQ(map_ref(ring_win, GREF_RING, false, &ring_handle), GNTST_okay);
	BACK_RING_INIT(&br, ring_win, GUEST_PAGE_SIZE);
	EXPECT(meet());
	while (done < RING_REQS) {
		int work, notify;

		take_pending();
		while (RING_HAS_UNCONSUMED_REQUESTS(&br)) {
			struct pair_req req;
			struct pair_rsp *rsp;
			grant_handle_t h = 0;
			int16_t st;
			uint32_t sum = 0;

			/* Copied once out of the shared page, then checked (never re-read). */
			RING_COPY_REQUEST(&br, br.req_cons, &req);
			br.req_cons++;
			if (req.gref < GREF_DATA || req.gref >= GREF_DATA + NR_DATA ||
			    req.offset + req.len > GUEST_PAGE_SIZE) {
				st = GNTST_bad_copy_arg;
			} else if (req.use_copy) {
				st = copy_ref(req.gref, req.offset, virt_to_mfn(local), 0, req.len,
					      true);
				if (st == GNTST_okay) {
					sum = checksum(local, req.len);
					copied++;
				}
			} else {
				st = map_ref(data_win, req.gref, true, &h);
				if (st == GNTST_okay) {
					sum = checksum(data_win + req.offset, req.len);
					st = unmap_ref(data_win, h);
					mapped++;
				}
			}
			if (st == GNTST_okay && sum != req.csum) {
				st = 1;
			}
			rsp = RING_GET_RESPONSE(&br, br.rsp_prod_pvt);
			rsp->id = req.id;
			rsp->status = st;
			rsp->csum = sum;
			br.rsp_prod_pvt++;
			done++;
			EXPECT_EQ(st, GNTST_okay);
		}
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&br, notify);
		if (notify) {
			notifies++;
			evtchn_send(port);
		}
		RING_FINAL_CHECK_FOR_REQUESTS(&br, work);
		if (!work && done < RING_REQS) {
			EXPECT(pvclock_now_ns() < end);
			waits++;
			poll_until(true, pvclock_now_ns() + 1000000000ULL);
		}
	}
	EXPECT(meet());
	test_note("%u requests checked (%u mapped, %u copied), %u notifications, %u waits", done,
		  mapped, copied, notifies, waits);
}

/* GNTTABOP_copy both ways: from A's data page into ours, and from ours into A's sink page. */
GUEST_TEST(c1_copy_both_ways)
{
	SETUP();
	if (is_a) {
		for (unsigned int k = 0; k < GUEST_PAGE_SIZE; k++) {
			data[0][k] = (uint8_t)(k * 13 + 7);
		}
		memset(sink, 0, GUEST_PAGE_SIZE);
		ctl->csum[0] = checksum(data[0], GUEST_PAGE_SIZE);
		EXPECT(meet());
		EXPECT(meet());
		/* B's page arrived whole, and the copy left no status bits behind. */
		EXPECT_EQ(checksum(sink, GUEST_PAGE_SIZE), ctl->csum[1]);
		EXPECT_EQ(sink[0], 0xb0);
		EXPECT_EQ(flags_of(GREF_SINK), GTF_permit_access);
		EXPECT_EQ(flags_of(GREF_DATA), GTF_permit_access | GTF_readonly);
		test_note("page from d%u checksum %#x", peer, ctl->csum[1]);
		return;
	}
	uint8_t *mine = page_alloc(), *in = page_alloc();

	EXPECT(mine && in);
	EXPECT(meet());
	EXPECT_EQ(copy_ref(GREF_DATA, 0, virt_to_mfn(in), 0, GUEST_PAGE_SIZE, true), GNTST_okay);
	EXPECT_EQ(checksum(in, GUEST_PAGE_SIZE), ctl->csum[0]);
	/* Pieces at offsets: the last 100 bytes of A's page to the front of ours. */
	memset(in, 0, GUEST_PAGE_SIZE);
	EXPECT_EQ(copy_ref(GREF_DATA, GUEST_PAGE_SIZE - 100, virt_to_mfn(in), 0, 100, true),
		  GNTST_okay);
	EXPECT_EQ(in[0], (uint8_t)((GUEST_PAGE_SIZE - 100) * 13 + 7));
	EXPECT_EQ(in[100], 0);
	/* Into a read-only grant: refused. */
	EXPECT_EQ(copy_ref(GREF_DATA, 0, virt_to_mfn(mine), 0, 16, false), GNTST_permission_denied);
	for (unsigned int k = 0; k < GUEST_PAGE_SIZE; k++) {
		mine[k] = (uint8_t)(k * 5 + 0xb0);
	}
	ctl->csum[1] = checksum(mine, GUEST_PAGE_SIZE);
	EXPECT_EQ(copy_ref(GREF_SINK, 0, virt_to_mfn(mine), 0, GUEST_PAGE_SIZE, false), GNTST_okay);
	EXPECT(meet());
	test_note("page from d%u checksum %#x", peer, ctl->csum[0]);
}

/* Costs on B's side: map+unmap of A's grant, a 4 KiB copy, copy throughput, a null hypercall. */
GUEST_TEST(c2_grant_costs)
{
	SETUP();
	if (is_a) {
		EXPECT(meet());
		EXPECT(meet());
		return;
	}
	static struct gnttab_copy batch[16];
	uint8_t *dst[16];
	uint64_t cycles, ns, bytes;
	int16_t bad = 0;
	const unsigned int reps = 64;

	EXPECT(meet());
	for (unsigned int i = 0; i < SAMPLES; i++) {
		grant_handle_t h = 0;
		uint64_t t0 = rdtsc_ordered();

		bad |= map_ref(data_win, GREF_DATA + i % NR_DATA, true, &h);
		bad |= unmap_ref(data_win, h);
		samples[i] = rdtsc_ordered() - t0;
	}
	EXPECT_EQ(bad, 0);
	bench("grant map+unmap", median(samples, SAMPLES), "cycles", SAMPLES);
	for (unsigned int i = 0; i < 16; i++) {
		dst[i] = page_alloc();
		EXPECT(dst[i]);
		memset(&batch[i], 0, sizeof(batch[i]));
		batch[i].source.u.ref = GREF_DATA + i % NR_DATA;
		batch[i].source.domid = peer;
		batch[i].dest.u.gmfn = virt_to_mfn(dst[i]);
		batch[i].dest.domid = DOMID_SELF;
		batch[i].len = GUEST_PAGE_SIZE;
		batch[i].flags = GNTCOPY_source_gref;
	}
	for (unsigned int i = 0; i < SAMPLES; i++) {
		uint64_t t0 = rdtsc_ordered();

		bad |= copy_ref(GREF_DATA, 0, virt_to_mfn(dst[0]), 0, GUEST_PAGE_SIZE, true);
		samples[i] = rdtsc_ordered() - t0;
	}
	EXPECT_EQ(bad, 0);
	bench("grant copy 4 KiB", median(samples, SAMPLES), "cycles", SAMPLES);
	ns = pvclock_now_ns();
	cycles = rdtsc_ordered();
	for (unsigned int r = 0; r < reps; r++) {
		EXPECT_EQ(HYPERVISOR_grant_table_op(GNTTABOP_copy, batch, 16), 0);
		for (unsigned int i = 0; i < 16; i++) {
			bad |= batch[i].status;
		}
	}
	cycles = rdtsc_ordered() - cycles;
	ns = pvclock_now_ns() - ns;
	EXPECT_EQ(bad, 0);
	bytes = (uint64_t)reps * 16 * GUEST_PAGE_SIZE;
	bench("grant copy throughput, batches of 16 pages", bytes * 1000 / (ns ? ns : 1), "MB/s",
	      reps * 16);
	bench("grant copy per page in batches", cycles / (reps * 16), "cycles", reps * 16);
	bench("null hypercall (d2)", null_hypercall_cycles(), "cycles", SAMPLES);
	EXPECT(meet());
	test_note("%lu KiB copied in %lu us", bytes / 1024, ns / 1000);
}

/*
 * A grant revoked between two real domains: mapped by B, A cannot end it; unmapped, A ends it;
 * then B can neither map nor copy it, and its attempts leave no mark.
 */
GUEST_TEST(d0_revoked_grant)
{
	static grant_handle_t h;
	uint8_t *win = is_a ? NULL : page_alloc();

	SETUP();
	if (is_a) {
		EXPECT(meet()); /* B mapped it */
		EXPECT_EQ(flags_of(GREF_REVOKE), GTF_permit_access | GTF_readonly | GTF_reading);
		EXPECT(!end_access(GREF_REVOKE));
		EXPECT(meet());
		EXPECT(meet()); /* B unmapped it */
		EXPECT_EQ(flags_of(GREF_REVOKE), GTF_permit_access | GTF_readonly);
		EXPECT(end_access(GREF_REVOKE));
		EXPECT(meet());
		EXPECT(meet()); /* B tried again */
		EXPECT_EQ(flags_of(GREF_REVOKE), 0);
		return;
	}
	EXPECT(win);
	EXPECT_EQ(map_ref(win, GREF_REVOKE, true, &h), GNTST_okay);
	EXPECT_EQ(win[0], 0x5a);
	EXPECT(meet());
	EXPECT(meet());
	EXPECT_EQ(unmap_ref(win, h), GNTST_okay);
	EXPECT(meet());
	EXPECT(meet()); /* A revoked it */
	EXPECT_EQ(map_ref(win, GREF_REVOKE, true, &h), GNTST_permission_denied);
	EXPECT_EQ(copy_ref(GREF_REVOKE, 0, virt_to_mfn(win), 0, 8, true), GNTST_permission_denied);
	EXPECT(meet());
}

/*
 * Grants that name a frame A does not own (one of B's own frames, handed over in the control
 * page), and a grant to a third domain: B reaches none of them.
 */
GUEST_TEST(d1_frame_not_owned)
{
	SETUP();
	if (is_a) {
		EXPECT(meet()); /* B published a frame */
		EXPECT(ctl->b_mfn);
		grant(GREF_NOT_OWNED, ctl->b_mfn, peer, GTF_permit_access);
		grant(GREF_NOT_OWNED_RO, ctl->b_mfn, peer, GTF_permit_access | GTF_readonly);
		EXPECT(meet());
		EXPECT(meet()); /* B tried */
		EXPECT_EQ(flags_of(GREF_NOT_OWNED), GTF_permit_access);
		EXPECT_EQ(flags_of(GREF_NOT_OWNED_RO), GTF_permit_access | GTF_readonly);
		EXPECT_EQ(flags_of(GREF_OTHER_DOM), GTF_permit_access);
		EXPECT(end_access(GREF_NOT_OWNED) && end_access(GREF_NOT_OWNED_RO));
		return;
	}
	uint8_t *own = page_alloc(), *win = page_alloc(), *buf = page_alloc();

	EXPECT(own && win && buf);
	own[0] = 0x0b;
	ctl->b_mfn = virt_to_mfn(own);
	EXPECT(meet());
	EXPECT(meet()); /* A granted it */
	EXPECT_EQ(map_ref(win, GREF_NOT_OWNED, false, NULL), GNTST_general_error);
	EXPECT_EQ(map_ref(win, GREF_NOT_OWNED_RO, true, NULL), GNTST_general_error);
	EXPECT_EQ(copy_ref(GREF_NOT_OWNED_RO, 0, virt_to_mfn(buf), 0, 8, true), GNTST_bad_page);
	EXPECT_EQ(copy_ref(GREF_NOT_OWNED, 0, virt_to_mfn(buf), 0, 8, false), GNTST_bad_page);
	/* A's page granted to someone else. */
	EXPECT_EQ(map_ref(win, GREF_OTHER_DOM, true, NULL), GNTST_permission_denied);
	EXPECT_EQ(copy_ref(GREF_OTHER_DOM, 0, virt_to_mfn(buf), 0, 8, true),
		  GNTST_permission_denied);
	/* A frame named by number as A's: only the caller's own frames go by number. */
	{
		struct gnttab_copy c;

		memset(&c, 0, sizeof(c));
		c.source.u.gmfn = virt_to_mfn(own);
		c.source.domid = peer;
		c.dest.u.gmfn = virt_to_mfn(buf);
		c.dest.domid = DOMID_SELF;
		c.len = 8;
		EXPECT_EQ(HYPERVISOR_grant_table_op(GNTTABOP_copy, &c, 1), 0);
		EXPECT_EQ(c.status, GNTST_permission_denied);
	}
	EXPECT_EQ(own[0], 0x0b);
	EXPECT(meet());
}

/* Copies that run past a page end, on either side, are refused and touch nothing. */
GUEST_TEST(d2_copy_past_page_end)
{
	SETUP();
	if (is_a) {
		memset(sink, 0xee, GUEST_PAGE_SIZE);
		EXPECT(meet());
		EXPECT(meet());
		for (unsigned int k = 0; k < GUEST_PAGE_SIZE; k++) {
			EXPECT_EQ(sink[k], 0xee);
		}
		EXPECT_EQ(flags_of(GREF_SINK), GTF_permit_access);
		return;
	}
	uint8_t *buf = page_alloc();

	EXPECT(buf);
	memset(buf, 0x11, GUEST_PAGE_SIZE);
	EXPECT(meet());
	EXPECT_EQ(copy_ref(GREF_DATA, 4000, virt_to_mfn(buf), 0, 200, true), GNTST_bad_copy_arg);
	EXPECT_EQ(copy_ref(GREF_SINK, 4095, virt_to_mfn(buf), 0, 2, false), GNTST_bad_copy_arg);
	EXPECT_EQ(copy_ref(GREF_SINK, 0, virt_to_mfn(buf), 1, GUEST_PAGE_SIZE, false),
		  GNTST_bad_copy_arg);
	EXPECT_EQ(copy_ref(GREF_DATA, 0, virt_to_mfn(buf), 4000, 97, true), GNTST_bad_copy_arg);
	/* Exactly to the end is fine. */
	EXPECT_EQ(copy_ref(GREF_DATA, 4000, virt_to_mfn(buf), 0, 96, true), GNTST_okay);
	EXPECT(meet());
}

/*
 * Ports that are not B's: A's port reserved for a third domain, A's port already bound to B,
 * numbers B does not have. B can bind, send on, close or move none of them, and A's ports are
 * as they were.
 */
GUEST_TEST(d3_foreign_port)
{
	struct evtchn_status st;

	SETUP();
	if (is_a) {
		struct evtchn_alloc_unbound op = {.dom = DOMID_SELF, .remote_dom = NOBODY};

		EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op), 0);
		ctl->foreign_port = op.port;
		EXPECT(meet());
		EXPECT(meet()); /* B tried */
		EXPECT_EQ(evtchn_status(DOMID_SELF, op.port, &st), 0);
		EXPECT_EQ(st.status, EVTCHNSTAT_unbound);
		EXPECT_EQ(st.u.unbound.dom, NOBODY);
		EXPECT_EQ(evtchn_status(DOMID_SELF, port, &st), 0);
		EXPECT_EQ(st.status, EVTCHNSTAT_interdomain);
		EXPECT_EQ(st.u.interdomain.dom, peer);
		EXPECT_EQ(evtchn_close(op.port), 0);
		test_note("port %u kept for d%u", op.port, NOBODY);
		return;
	}
	uint32_t fp, lp = 0;

	EXPECT(meet());
	fp = (uint32_t)ctl->foreign_port;
	EXPECT(fp != port);
	EXPECT_EQ(bind_interdomain(peer, fp, &lp), -EINVAL);
	EXPECT_EQ(bind_interdomain(peer, PAIR_PORT, &lp), -EINVAL);
	EXPECT_EQ(bind_interdomain(peer, 0, &lp), -EINVAL);
	EXPECT_EQ(bind_interdomain(NOBODY, PAIR_PORT, &lp), -ESRCH);
	/* fp is A's number, not ours: nothing there on our side. */
	EXPECT_EQ(evtchn_send(fp), -EINVAL);
	EXPECT_EQ(evtchn_close(fp), -EINVAL);
	{
		struct evtchn_bind_vcpu bv = {.port = fp, .vcpu = 0};

		EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &bv), -EINVAL);
	}
	EXPECT_EQ(evtchn_status(DOMID_SELF, fp, &st), 0);
	EXPECT_EQ(st.status, EVTCHNSTAT_closed);
	EXPECT(meet());
}

/*
 * More than the limit: B maps A's grant until its maptrack is full (two slots hold the control
 * page and the ring), and a reference past A's table; every handle comes back.
 */
GUEST_TEST(d4_over_the_limit)
{
	static grant_handle_t handles[MAPTRACK_SIZE];
	unsigned int n = 0;
	int16_t st = GNTST_okay;

	SETUP();
	if (is_a) {
		EXPECT(meet());
		EXPECT(meet());
		EXPECT_EQ(flags_of(GREF_DATA + 1), GTF_permit_access | GTF_readonly);
		return;
	}
	EXPECT(meet());
	EXPECT_EQ(map_ref(data_win, GREF_PAST_TABLE, true, NULL), GNTST_bad_gntref);
	while (n < MAPTRACK_SIZE) {
		st = map_ref(data_win, GREF_DATA + 1, true, &handles[n]);
		if (st != GNTST_okay) {
			break;
		}
		n++;
	}
	EXPECT_EQ(st, GNTST_no_space);
	EXPECT_EQ(n, MAPTRACK_SIZE - 2);
	for (unsigned int i = 0; i < n; i++) {
		EXPECT_EQ(unmap_ref(data_win, handles[i]), GNTST_okay);
	}
	EXPECT(meet());
	test_note("%u mappings, then GNTST_no_space", n);
}

/*
 * Teardown between domains: B keeps a mapping of A's grant; A shuts down. B sees its channel
 * go back to unbound (the peer closed it), its mapping revoked, and A's grants gone.
 */
GUEST_TEST(e0_peer_goes_away)
{
	struct evtchn_status st;
	uint64_t end, v;

	SETUP();
	EXPECT(meet());
	if (is_a) {
		/*
		 * No meeting through the control page now: B would still be reading it when we go.
		 * B's mapping shows in our own entry; its event wakes us.
		 */
		end = pvclock_now_ns() + WAIT_NS;
		while (!(flags_of(GREF_KEPT) & GTF_reading)) {
			EXPECT(pvclock_now_ns() < end);
			take_pending();
			poll_until(true, pvclock_now_ns() + 1000000);
		}
		EXPECT_EQ(flags_of(GREF_KEPT), GTF_permit_access | GTF_readonly | GTF_reading);
		return;
	}
	kept_win = page_alloc();
	EXPECT(kept_win);
	EXPECT_EQ(map_ref(kept_win, GREF_KEPT, true, NULL), GNTST_okay);
	EXPECT_EQ(kept_win[0], 0x6b);
	evtchn_send(port);
	end = pvclock_now_ns() + WAIT_NS;
	for (;;) {
		EXPECT_EQ(evtchn_status(DOMID_SELF, port, &st), 0);
		if (st.status != EVTCHNSTAT_interdomain) {
			break;
		}
		EXPECT(pvclock_now_ns() < end);
		poll_until(true, pvclock_now_ns() + 1000000);
	}
	EXPECT_EQ(st.status, EVTCHNSTAT_unbound);
	EXPECT_EQ(st.u.unbound.dom, peer);
	/* A is gone: its grants with it (the mappings were revoked when it went). */
	EXPECT(!probe_read(va_of(kept_win), &v));
	EXPECT(!probe_read(va_of(ring_win), &v));
	EXPECT(!probe_read(va_of(ctl), &v));
	ctl = NULL;
	EXPECT_EQ(map_ref(data_win, GREF_DATA, true, NULL), GNTST_bad_domain);
	EXPECT_EQ(evtchn_send(port), 0);
	EXPECT_EQ(evtchn_close(port), 0);
	test_note("d%u gone, its mappings revoked", peer);
}
