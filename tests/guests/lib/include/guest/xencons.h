/*
 * The guest side of the PV console ring (public/io/console.h) that Argon serves for unprivileged
 * domains: start_info.console.domU names the ring's frame and event channel. Once
 * xencons_init() found a ring, console_write() (and so printk) goes through it instead of
 * console_io, which unprivileged domains may not use.
 */
#ifndef GUEST_XENCONS_H
#define GUEST_XENCONS_H

#include <stdbool.h>
#include <stddef.h>

#include <public/event_channel.h>
#include <public/io/console.h>

/* The ring and its port, or NULL/0 when the domain has no ring console. */
extern struct xencons_interface *xencons;
extern evtchn_port_t xencons_port;

/* Map the ring named in start_info (found through the M2P); false if there is none. */
bool xencons_init(void);

/*
 * Write @len bytes as Linux's hvc_xen does: copy into out[], write barrier, bump out_prod,
 * notify; while the ring is full, notify and yield until the backend moves out_cons.
 */
void xencons_write(const char *s, size_t len);

/* Take up to @n bytes of input from in[] (advancing in_cons, then notifying). */
size_t xencons_read(char *buf, size_t n);

/* Notify the backend through the console port. */
void xencons_notify(void);

#endif /* GUEST_XENCONS_H */
