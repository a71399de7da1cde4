/*
 * console: the guest's console. Run unprivileged, it writes through the PV console ring Argon
 * serves (start_info.console.domU), checks the start-of-day placement of the ring, pushes more
 * than a ring's worth through it, reads serial input the test harness types (echoing it back as
 * "GOT ..."), and feeds Argon garbage ring indexes. Run as domain 0, it reads its input with
 * CONSOLEIO_read after VIRQ_CONSOLE (two lines, so it outlives the other domain). Tests of the
 * other mode pass as "skipped".
 * The system test (tests/system/test_pv_console.py) types the input after "WAITING FOR INPUT".
 */
#include <argon/lib.h>

#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/mm.h>
#include <guest/pvclock.h>
#include <guest/test.h>
#include <guest/xencons.h>

#include <public/event_channel.h>
#include <public/memory.h>
#include <public/sched.h>

#define EPERM 1
#define EFAULT 14
#define EBUSY 16

/* How long to wait for the harness's input. */
#define INPUT_TIMEOUT_NS 20000000000ull

static bool is_dom0(void)
{
	return start_info->flags & SIF_INITDOMAIN;
}

static bool test_and_clear_pending(evtchn_port_t port)
{
	uint64_t m = 1UL << (port % 64);

	return __atomic_fetch_and(&shared_info->evtchn_pending[port / 64], ~m, __ATOMIC_SEQ_CST) & m;
}

/* Block (SCHEDOP_poll) until @port is pending or @deadline passes; true if it fired. */
static bool wait_port(evtchn_port_t port, uint64_t deadline)
{
	struct sched_poll p = { .nr_ports = 1, .timeout = deadline };

	set_xen_guest_handle(p.ports, &port);
	while (!test_and_clear_pending(port)) {
		if (pvclock_now_ns() >= deadline) {
			return false;
		}
		HYPERVISOR_sched_op(SCHEDOP_poll, &p);
	}
	return true;
}

/* The received line, control bytes shown as \xNN, for the harness to compare. */
static void escape(const char *in, size_t n, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 5 < size; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out[o++] = (char)c;
		} else {
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
		}
	}
	out[o] = '\0';
}

GUEST_TEST(a_start_of_day)
{
	struct evtchn_status st = { .dom = DOMID_SELF };
	uint64_t si_pfn = virt_to_pfn(start_info);
	const uint64_t *m2p = (const uint64_t *)MACH2PHYS_VIRT_START;

	EXPECT_EQ(map_shared_info(), 0);
	EXPECT_EQ(start_info->store_mfn, 0);
	EXPECT_EQ(start_info->store_evtchn, 0);
	if (is_dom0()) {
		/* Domain 0 keeps console_io; its console fields describe no VGA console. */
		EXPECT_EQ(start_info->console.dom0.info_off, 0);
		EXPECT_EQ(start_info->console.dom0.info_size, 0);
		EXPECT(xencons == NULL);
		test_note("dom0: console_io");
		return;
	}
	EXPECT(xencons != NULL);
	EXPECT(xencons_port != 0);
	/* Xen's start-of-day order for a domU: start_info, the xenstore page, the console page. */
	EXPECT_EQ(m2p[start_info->console.domU.mfn], si_pfn + 2);
	EXPECT_EQ(pfn_to_mfn(si_pfn + 2), start_info->console.domU.mfn);
	/* The port's other end is the hypervisor. */
	st.port = xencons_port;
	EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_status, &st), 0);
	EXPECT_EQ(st.status, EVTCHNSTAT_interdomain);
	EXPECT_EQ(st.u.interdomain.dom, DOMID_XEN);
	/* As on Xen, an unprivileged domain may not use console_io. */
	EXPECT_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 4, "nope"), -EPERM);
	test_note("ring pfn %#lx port %u", si_pfn + 2, xencons_port);
}

GUEST_TEST(b_bulk_output)
{
	char line[120];

	/* 40 lines of 100 bytes: twice the ring, so the writer must wait for Argon to drain. */
	for (unsigned int i = 0; i < 40; i++) {
		int n = snprintf(line, sizeof(line), "BULK %02u ", i);

		while (n < 99) {
			line[n] = (char)('a' + (i + (unsigned int)n) % 26);
			n++;
		}
		line[n++] = '\n';
		console_write(line, (size_t)n);
	}
	if (xencons) {
		/* Each notification drained the ring before the send returned. */
		EXPECT_EQ(xencons->out_cons, xencons->out_prod);
	}
	test_note("40 lines");
}

/* Read one line of input (up to '\n' or '\r') into @buf; returns its length or -1 on timeout. */
static int read_line(char *buf, size_t size, evtchn_port_t port)
{
	uint64_t deadline = pvclock_now_ns() + INPUT_TIMEOUT_NS;
	size_t len = 0;

	for (;;) {
		char chunk[64];
		long n;

		if (xencons) {
			n = (long)xencons_read(chunk, sizeof(chunk));
		} else {
			n = HYPERVISOR_console_io(CONSOLEIO_read, sizeof(chunk), chunk);
			if (n < 0) {
				return -2;
			}
		}
		for (long i = 0; i < n; i++) {
			if (chunk[i] == '\n' || chunk[i] == '\r') {
				return (int)len;
			}
			if (len < size) {
				buf[len++] = chunk[i];
			}
		}
		if (n == 0 && !wait_port(port, deadline)) {
			return -1;
		}
	}
}

GUEST_TEST(c_input)
{
	struct evtchn_bind_virq bv = { .virq = VIRQ_CONSOLE, .vcpu = 0 };
	evtchn_port_t port = xencons_port;
	char buf[128], shown[600];
	int n;

	if (is_dom0()) {
		EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv), 0);
		port = bv.port;
		/* Nothing typed yet: nothing to read. */
		EXPECT_EQ(HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), buf), 0);
	}
	printk("WAITING FOR INPUT\n");
	if (is_dom0()) {
		/* Wait for the first byte, then check a bad buffer loses nothing. */
		EXPECT(wait_port(port, pvclock_now_ns() + INPUT_TIMEOUT_NS));
		EXPECT_EQ(HYPERVISOR_console_io(CONSOLEIO_read, 8, (char *)0x1000), -EFAULT);
	}
	n = read_line(buf, sizeof(buf), port);
	EXPECT(n >= 0);
	escape(buf, (size_t)n, shown, sizeof(shown));
	printk("GOT %s\n", shown);
	if (is_dom0()) {
		/* A second line, typed once the other domain is gone: domain 0 stays until then. */
		n = read_line(buf, sizeof(buf), port);
		EXPECT(n >= 0);
		escape(buf, (size_t)n, shown, sizeof(shown));
		printk("GOT %s\n", shown);
	}
	test_note("%d bytes", n);
}

GUEST_TEST(d_corrupt_indexes)
{
	XENCONS_RING_IDX cons;

	if (!xencons) {
		test_note("skipped (no ring)");
		return;
	}
	/* A producer far ahead of the consumer: Argon must resync, not read outside the ring. */
	cons = xencons->out_cons;
	__atomic_store_n(&xencons->out_prod, cons + 100000, __ATOMIC_RELEASE);
	xencons_notify();
	EXPECT_EQ(xencons->out_cons, cons + 100000);
	/* A producer behind the consumer, and a rewritten consumer index. */
	__atomic_store_n(&xencons->out_prod, xencons->out_cons - 7, __ATOMIC_RELEASE);
	xencons_notify();
	EXPECT_EQ(xencons->out_cons, xencons->out_prod);
	xencons->out_cons = 12345;
	printk("OUTPUT AFTER CORRUPTION\n");
	EXPECT_EQ(xencons->out_cons, xencons->out_prod);
	test_note("resynchronised");
}

/*
 * Argon keeps writing the ring page while it serves it: the guest may not take the frame away,
 * even unmapped. Given back (balloon, exchange) it would be another domain's frame that Argon
 * writes; pinned as a page table, Argon would write its entries.
 */
GUEST_TEST(e_ring_frame_is_held)
{
	uint64_t mfn, frame, out = 0;
	struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };
	struct xen_memory_exchange x = { .in = { .nr_extents = 1, .domid = DOMID_SELF },
					 .out = { .nr_extents = 1, .domid = DOMID_SELF } };
	struct mmuext_op pin = { .cmd = MMUEXT_PIN_L1_TABLE };
	long dec, exch, pinned, back;

	if (!xencons) {
		test_note("skipped (no ring)");
		return;
	}
	mfn = start_info->console.domU.mfn;
	/* Nothing prints while the ring is unmapped: output goes through it. */
	EXPECT_EQ(remap_page(xencons, 0, 0), 0);
	frame = mfn;
	set_xen_guest_handle(r.extent_start, &frame);
	dec = HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r);
	set_xen_guest_handle(x.in.extent_start, &frame);
	set_xen_guest_handle(x.out.extent_start, &out);
	exch = HYPERVISOR_memory_op(XENMEM_exchange, &x);
	pin.arg1.mfn = mfn;
	pinned = HYPERVISOR_mmuext_op(&pin, 1, NULL, DOMID_SELF);
	if (!pinned) {
		pin.cmd = MMUEXT_UNPIN_TABLE;
		HYPERVISOR_mmuext_op(&pin, 1, NULL, DOMID_SELF);
	}
	back = remap_page(xencons, mfn, PTE_DATA);
	EXPECT_EQ(back, 0);
	EXPECT_EQ(dec, 0);
	EXPECT_EQ(exch, -EBUSY);
	EXPECT(pinned < 0);
	test_note("decrease %ld, exchange %ld, pin %ld", dec, exch, pinned);
}
