/*
 * Guests' consoles on Argon's serial line (common/console/guest_console.c):
 *  - output: every guest's lines appear as "(d<id>) text", whether they came through console_io
 *    (privileged domains), the emulated UART (HVM) or a PV console ring (unprivileged PV
 *    domains, served by Argon itself through a hypervisor-ended event channel);
 *  - input: serial bytes go to the console that has the focus: Argon's own (dropped), domain 0
 *    (CONSOLEIO_read and VIRQ_CONSOLE) or a domain's ring; Ctrl-A three times in a row moves
 *    the focus to the next one, as on Xen.
 * Design and locking: docs/design/console.md.
 */
#ifndef ARGON_GUEST_CONSOLE_H
#define ARGON_GUEST_CONSOLE_H

#include <argon/types.h>
#include <public/event_channel.h>

struct domain;

/* The byte that, typed three times in a row, switches the input focus (Ctrl-A, as Xen). */
#define CONSOLE_SWITCH_CHAR 0x01

/** How often serial input is polled and rings are checked for missed notifications. */
#define CONSOLE_POLL_NS 5000000

/**
 * Guest output: append @n bytes of @d's console output to its line buffer; each complete line
 * (or 159 bytes without a newline) is logged as "(d<id>) text", unprintable bytes shown as '?'.
 */
void console_guest_write(struct domain *d, const char *s, size_t n);

/**
 * Serve the PV console ring in machine frame @ring (zeroed, owned by @d) for @d: allocates the
 * guest's event channel, whose other end is Argon, and returns it in *@port. Returns 0, -ENOSPC
 * (no port, or @d already has a ring), -ESRCH (@d is dying).
 */
int console_ring_attach(struct domain *d, mfn_t ring, evtchn_port_t *port);

/** Forget @d's ring and input focus (domain teardown, before its frames are freed). */
void console_domain_destroy(struct domain *d);

/**
 * Start routing serial input, giving the focus to domain 0 if it exists (else to Argon), and
 * start the poll timer. Called once the boot-time domains are built.
 */
void console_input_start(void);

/**
 * Handle one byte received on the serial line: the Ctrl-A switch, or delivery to the focused
 * console. Called by the poll timer (exposed for tests). Call console_input_flush() after a batch.
 */
void console_serial_rx(char c);

/** Send the notifications (ring events, VIRQ_CONSOLE) input since the last flush requires. */
void console_input_flush(void);

/**
 * CONSOLEIO_read for domain 0, first half: copy up to @n bytes of buffered serial input, oldest
 * first, into @buf without consuming them. Returns the number of bytes.
 */
size_t console_dom0_peek(char *buf, size_t n);

/** CONSOLEIO_read, second half: drop the @n oldest buffered bytes (once they reached the guest). */
void console_dom0_consume(size_t n);

#endif
