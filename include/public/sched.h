/* SPDX-License-Identifier: MIT */
/*
 * sched_op (hypercall 29): sched_op(cmd, arg).
 *
 * Numbers and layouts of Xen's public ABI (interface of Xen 4.17), restated for Argon.
 */
#ifndef ARGON_PUBLIC_SCHED_H
#define ARGON_PUBLIC_SCHED_H

#include "event_channel.h"

#define SCHEDOP_yield 0		 /* give up the CPU; arg unused */
#define SCHEDOP_block 1		 /* unmask events, sleep until one is pending; arg unused */
#define SCHEDOP_shutdown 2	 /* struct sched_shutdown */
#define SCHEDOP_poll 3		 /* struct sched_poll */
#define SCHEDOP_remote_shutdown 4 /* struct sched_remote_shutdown; privileged */
#define SCHEDOP_shutdown_code 5	 /* struct sched_shutdown: record the reason, keep running */
#define SCHEDOP_watchdog 6	 /* struct sched_watchdog */
#define SCHEDOP_pin_override 7	 /* struct sched_pin_override; dom0 */

/* Shutdown reasons. */
#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot 1
#define SHUTDOWN_suspend 2
#define SHUTDOWN_crash 3
#define SHUTDOWN_watchdog 4
#define SHUTDOWN_soft_reset 5
#define SHUTDOWN_MAX 5

#ifndef __ASSEMBLER__

struct sched_shutdown {
	uint32_t reason; /* SHUTDOWN_* */
};

/*
 * Sleep until one of the nr_ports ports is pending (even if masked), or until system time
 * timeout (ns, absolute; 0 = none).
 */
struct sched_poll {
	XEN_GUEST_HANDLE(evtchn_port_t) ports;
	uint32_t nr_ports;
	uint32_t _pad0;
	uint64_t timeout;
};

struct sched_remote_shutdown {
	domid_t domain_id;
	uint16_t _pad0;
	uint32_t reason; /* SHUTDOWN_* */
};

/* id 0 creates a watchdog (returns its id); timeout 0 destroys watchdog id. */
struct sched_watchdog {
	uint32_t id;
	uint32_t timeout; /* seconds */
};

struct sched_pin_override {
	int32_t pcpu; /* -1 to end the override */
};

#endif /* !__ASSEMBLER__ */

#endif /* ARGON_PUBLIC_SCHED_H */
