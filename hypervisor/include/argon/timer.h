/* Software timers: one-shot and periodic events ordered by expiry time on a per-CPU queue. */
#ifndef ARGON_TIMER_H
#define ARGON_TIMER_H

#include <argon/types.h>

#define STIME_MAX INT64_MAX

/** A timer; owned by its user, linked into a queue while armed. */
struct timer {
	s_time_t expires;	/* absolute system time of the next expiry */
	s_time_t period;	/* 0 for one-shot */
	void (*fn)(struct timer *t, void *data);
	void *data;
	uint32_t heap_index;	/* position in the queue's heap while armed */
	bool armed;
};

/** A binary min-heap of armed timers over caller-provided storage. */
struct timer_queue {
	struct timer **heap;
	uint32_t len;
	uint32_t cap;
};

/** Prepare @q to hold at most @cap timers in @storage. */
void timer_queue_init(struct timer_queue *q, struct timer **storage, uint32_t cap);

/** Prepare @t to call @fn(@t, @data) on expiry. */
void timer_init(struct timer *t, void (*fn)(struct timer *t, void *data), void *data);

/** Arm @t (re-arming if armed) to fire once at @expires. Returns -ENOSPC when @q is full. */
int timer_set(struct timer_queue *q, struct timer *t, s_time_t expires);

/**
 * Arm @t to fire at @first and then every @period ns (> 0). Expiries keep to the original grid;
 * when the queue runs late by whole periods, the missed expiries are skipped, not replayed.
 */
int timer_set_periodic(struct timer_queue *q, struct timer *t, s_time_t first, s_time_t period);

/** Disarm @t; harmless when it is not armed. */
void timer_stop(struct timer_queue *q, struct timer *t);

/** Earliest expiry in @q, or STIME_MAX when empty. */
s_time_t timer_queue_next(const struct timer_queue *q);

/**
 * Fire every timer in @q due at or before @now (callbacks may re-arm or stop timers, including
 * their own) and return the next expiry, or STIME_MAX.
 */
s_time_t timer_queue_run(struct timer_queue *q, s_time_t now);

#endif
