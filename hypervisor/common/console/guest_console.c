/*
 * Guests' consoles on the serial line: the shared line buffering of guest output, the PV console
 * rings Argon serves for unprivileged domains, and the routing of serial input by focus.
 *
 * Locking (docs/design/locking.md): guest_console_lock guards the ring table, every domain's
 * line buffer, the focus and domain 0's input buffer. It is taken with interrupts off (the poll
 * timer runs in interrupt context) and comes before console_lock (lines are logged under it).
 * It is never held together with an event lock: notifications are collected under it and sent
 * after it is released, and the event-channel handler is called with no event lock held.
 *
 * Portable: no arch headers (arch_console_getc() is the one serial input contract).
 */
#include <argon/arch.h>
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/event.h>
#include <argon/guest_console.h>
#include <argon/lib.h>
#include <argon/spinlock.h>
#include <argon/time.h>
#include <argon/xencons_ring.h>
#include <public/xen.h>

/* Argon's own console as a focus target (no domain). */
#define FOCUS_ARGON (-1)

/** One PV console ring Argon serves. */
struct console_ring {
	struct domain *d;		/* NULL: slot free */
	struct xencons_back back;	/* the ring and Argon's indexes */
	evtchn_port_t port;		/* the guest's port, whose other end is Argon */
	bool corrupt_logged;		/* garbage indexes were reported once already */
	bool notify;			/* an event is owed to the guest (sent after unlocking) */
};

static spinlock_t guest_console_lock = SPIN_LOCK_UNLOCKED;
static struct console_ring rings[MAX_DOMAINS];		/* guest_console_lock */
static int focus = FOCUS_ARGON;				/* guest_console_lock: a domid or Argon */
static unsigned int switch_count;			/* Ctrl-As in a row (guest_console_lock) */
static bool input_started;
static struct timer poll_timer;
static struct domain *open_line;	/* whose partial line the serial line ends with (lock) */

/* Domain 0's serial input for CONSOLEIO_read (guest_console_lock). Free-running indexes. */
#define DOM0_RX_SIZE 1024
static char dom0_rx[DOM0_RX_SIZE];
static uint32_t dom0_rx_prod, dom0_rx_cons;
static bool dom0_rx_notify;

/* Bytes from a ring drained under the lock (one ring's worth). */
static char drain_buf[XENCONS_OUT_SIZE];

static void ring_event(struct domain *d, evtchn_port_t port);

/* ---- Output ---- */

/*
 * What of byte @c reaches the serial line. Unprintable bytes from a guest must not reach it as
 * controls; a privileged domain's backspace and escape sequences do (its interactive shell edits
 * the line with them, and Xen passes the hardware domain's output through raw as well).
 */
static char printable(const struct domain *d, char c)
{
	if ((c >= 0x20 && c < 0x7f) || c == '\t') {
		return c;
	}
	return d->is_privileged && (c == '\b' || c == 0x1b) ? c : '?';
}

/*
 * Log @d's buffered bytes: a whole line, or the first or a further part of one. Another
 * domain's open partial line is ended first, so lines of two guests never share a serial line.
 */
static void line_log(struct domain *d, bool newline)
{
	if (open_line && open_line != d) {
		log_info("\n");
		open_line->console_open = false;
	}
	open_line = newline ? NULL : d;
	d->console_line[d->console_len] = '\0';
	if (d->console_open) {
		log_info(newline ? "%s\n" : "%s", d->console_line);
	} else {
		log_info(newline ? "(d%u) %s\n" : "(d%u) %s", d->domain_id, d->console_line);
	}
	d->console_open = !newline;
	d->console_len = 0;
}

/* Append to @d's line buffer, logging complete lines. Caller holds guest_console_lock. */
static void line_write(struct domain *d, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];
		bool flush = c == '\n' || d->console_len == sizeof(d->console_line) - 1;

		if (c != '\n' && c != '\r' && d->console_len < sizeof(d->console_line) - 1) {
			d->console_line[d->console_len++] = printable(d, c);
		}
		if (flush) {
			line_log(d, true);
		}
	}
	d->console_stale = false;
}

/*
 * Show the partial line of the domain being typed at once it has waited a whole poll tick: a
 * shell's prompt and the echo of each typed byte end no line, and waiting for the newline would
 * leave the user typing blind. (Kernel lines arrive in 16-byte pieces within microseconds and
 * are complete by then.) Caller holds guest_console_lock.
 */
static void show_focus_partial_line(void)
{
	struct domain *d = focus == FOCUS_ARGON ? NULL : domain_by_id((domid_t)focus);

	if (!d || !d->console_len) {
		return;
	}
	if (d->console_stale) {
		line_log(d, false);
	}
	d->console_stale = true;
}

void console_guest_write(struct domain *d, const char *s, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&guest_console_lock);

	line_write(d, s, n);
	spin_unlock_irqrestore(&guest_console_lock, flags);
}

/* Print everything in @r's out[]; a notification is owed if anything moved. Caller holds the lock. */
static void ring_drain(struct console_ring *r)
{
	int n;

	while ((n = xencons_back_read(&r->back, drain_buf, sizeof(drain_buf))) > 0) {
		line_write(r->d, drain_buf, (size_t)n);
		r->notify = true;
	}
	if (n == -EIO) {
		if (!r->corrupt_logged) {
			log_warn("d%u: console ring indexes are corrupt (out_prod more than a ring ahead);"
				 " output dropped, ring resynchronised\n", r->d->domain_id);
			r->corrupt_logged = true;
		}
		r->notify = true;
	}
}

/* Send the events owed to the guests (no lock held: the event locks come after ours). */
static void send_owed_notifications(void)
{
	struct { struct domain *d; evtchn_port_t port; } owed[MAX_DOMAINS];
	unsigned int i, nr = 0;
	bool virq;
	unsigned long flags = spin_lock_irqsave(&guest_console_lock);

	for (i = 0; i < MAX_DOMAINS; i++) {
		if (rings[i].d && rings[i].notify) {
			owed[nr].d = rings[i].d;
			owed[nr++].port = rings[i].port;
			rings[i].notify = false;
		}
	}
	virq = dom0_rx_notify;
	dom0_rx_notify = false;
	spin_unlock_irqrestore(&guest_console_lock, flags);
	/*
	 * Domains are destroyed only by the CPU's own code paths, after console_domain_destroy(),
	 * and this runs without yielding, so the pointers stay valid (single CPU; see the design).
	 */
	for (i = 0; i < nr; i++) {
		evtchn_hv_notify(owed[i].d, owed[i].port, ring_event);
	}
	if (virq) {
		struct domain *d0 = domain_by_id(0);

		if (d0 && d0->is_privileged && d0->state != DOMAIN_DYING) {
			send_guest_global_virq(d0, VIRQ_CONSOLE);
		}
	}
}

static struct console_ring *ring_of(struct domain *d)
{
	unsigned int i;

	for (i = 0; i < MAX_DOMAINS; i++) {
		if (rings[i].d == d) {
			return &rings[i];
		}
	}
	return NULL;
}

/* The guest notified its console port: drain out[] and look at in[] (it may have made room). */
static void ring_event(struct domain *d, evtchn_port_t port)
{
	unsigned long flags = spin_lock_irqsave(&guest_console_lock);
	struct console_ring *r = ring_of(d);

	if (r && r->port == port) {
		ring_drain(r);
	}
	spin_unlock_irqrestore(&guest_console_lock, flags);
	send_owed_notifications();
}

int console_ring_attach(struct domain *d, mfn_t ring, evtchn_port_t *port)
{
	struct console_ring *r;
	unsigned long flags;
	evtchn_port_t p;
	int rc;

	rc = evtchn_alloc_hv_port(d, ring_event, &p);
	if (rc) {
		return rc;
	}
	flags = spin_lock_irqsave(&guest_console_lock);
	r = ring_of(d) ? NULL : ring_of(NULL);
	if (r) {
		memset(r, 0, sizeof(*r));
		xencons_back_init(&r->back, arch_mfn_to_virt(ring));
		r->port = p;
		r->d = d;
	}
	spin_unlock_irqrestore(&guest_console_lock, flags);
	if (!r) {
		/* The port stays allocated; the guest may close it. Only a builder bug gets here. */
		return -ENOSPC;
	}
	*port = p;
	return 0;
}

void console_domain_destroy(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&guest_console_lock);
	struct console_ring *r = ring_of(d);

	if (r) {
		/* A last partial line still shows. */
		ring_drain(r);
		memset(r, 0, sizeof(*r));
	}
	if (d->console_len || d->console_open) {
		line_write(d, "\n", 1);
	}
	if (focus == (int)d->domain_id) {
		focus = FOCUS_ARGON;
		log_info("*** Serial input to Argon (d%u is gone)\n", d->domain_id);
	}
	spin_unlock_irqrestore(&guest_console_lock, flags);
}

/* ---- Input ---- */

static bool is_focus_target(domid_t id)
{
	struct domain *d = domain_by_id(id);

	if (!d || d->state == DOMAIN_DYING) {
		return false;
	}
	return (id == 0 && d->is_privileged) || ring_of(d);
}

/* The next console after @cur in the cycle Argon, d0, then each ring's domain by ID. Lock held. */
static int next_focus(int cur)
{
	int best = FOCUS_ARGON;
	struct domain *d = NULL;

	while ((d = domain_next(d))) {
		int id = d->domain_id;

		if (id > cur && (best == FOCUS_ARGON || id < best) && is_focus_target((domid_t)id)) {
			best = id;
		}
	}
	return best;
}

static void announce_focus(void)
{
	if (focus == FOCUS_ARGON) {
		log_info("*** Serial input to Argon (type 'CTRL-a' three times to switch input)\n");
	} else {
		log_info("*** Serial input to d%d (type 'CTRL-a' three times to switch input)\n", focus);
	}
}

/* Hand @c to the focused console. Caller holds guest_console_lock. */
static void deliver(char c)
{
	struct domain *d;
	struct console_ring *r;

	if (focus == FOCUS_ARGON) {
		return;	/* no debug keys yet */
	}
	d = domain_by_id((domid_t)focus);
	if (!d) {
		return;
	}
	r = ring_of(d);
	if (r) {
		int n = xencons_back_write(&r->back, &c, 1);

		if (n > 0) {
			r->notify = true;
		} else if (n == -EIO && !r->corrupt_logged) {
			log_warn("d%u: console ring indexes are corrupt (in_cons not behind in_prod);"
				 " input dropped\n", d->domain_id);
			r->corrupt_logged = true;
		}
		return;
	}
	if (focus == 0 && dom0_rx_prod - dom0_rx_cons < DOM0_RX_SIZE) {
		dom0_rx[dom0_rx_prod++ % DOM0_RX_SIZE] = c;
		dom0_rx_notify = true;
	}
}

void console_serial_rx(char c)
{
	unsigned long flags = spin_lock_irqsave(&guest_console_lock);

	if (c == CONSOLE_SWITCH_CHAR) {
		if (++switch_count == 3) {
			switch_count = 0;
			focus = next_focus(focus);
			announce_focus();
		}
	} else {
		/* Ctrl-As that did not make a switch belong to the focused console (as Xen). */
		for (; switch_count; switch_count--) {
			deliver(CONSOLE_SWITCH_CHAR);
		}
		deliver(c);
	}
	spin_unlock_irqrestore(&guest_console_lock, flags);
}

void console_input_flush(void)
{
	send_owed_notifications();
}

size_t console_dom0_peek(char *buf, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&guest_console_lock);
	size_t i;

	n = MIN(n, (size_t)(dom0_rx_prod - dom0_rx_cons));
	for (i = 0; i < n; i++) {
		buf[i] = dom0_rx[(dom0_rx_cons + i) % DOM0_RX_SIZE];
	}
	spin_unlock_irqrestore(&guest_console_lock, flags);
	return n;
}

void console_dom0_consume(size_t n)
{
	unsigned long flags = spin_lock_irqsave(&guest_console_lock);

	dom0_rx_cons += (uint32_t)MIN(n, (size_t)(dom0_rx_prod - dom0_rx_cons));
	spin_unlock_irqrestore(&guest_console_lock, flags);
}

/*
 * The poll timer: serial input (the UART is polled; see docs/design/console.md) and, as a safety
 * net for notifications a guest never sent, output waiting in any ring.
 */
static void poll_tick(struct timer *t, void *data)
{
	unsigned long flags;
	unsigned int i, budget = 64;
	int c;

	while (budget-- && (c = arch_console_getc()) >= 0) {
		console_serial_rx((char)c);
	}
	flags = spin_lock_irqsave(&guest_console_lock);
	for (i = 0; i < MAX_DOMAINS; i++) {
		if (rings[i].d && xencons_back_has_output(&rings[i].back)) {
			ring_drain(&rings[i]);
		}
	}
	show_focus_partial_line();
	spin_unlock_irqrestore(&guest_console_lock, flags);
	send_owed_notifications();
}

void console_input_start(void)
{
	struct timer_queue *q = arch_this_timer_queue();
	unsigned long flags;

	if (input_started) {
		return;
	}
	input_started = true;
	flags = spin_lock_irqsave(&guest_console_lock);
	focus = is_focus_target(0) ? 0 : FOCUS_ARGON;
	announce_focus();
	spin_unlock_irqrestore(&guest_console_lock, flags);
	timer_init(&poll_timer, poll_tick, NULL);
	flags = arch_irq_save();
	timer_set_periodic(q, &poll_timer, NOW() + CONSOLE_POLL_NS, CONSOLE_POLL_NS);
	arch_timer_program(timer_queue_next(q));
	arch_irq_restore(flags);
}
