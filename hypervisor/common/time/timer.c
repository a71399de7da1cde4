/* Timer queue: a binary min-heap keyed by expiry; each timer knows its slot for O(log n) removal. */
#include <argon/errno.h>
#include <argon/timer.h>

static void place(struct timer_queue *q, uint32_t i, struct timer *t)
{
	q->heap[i] = t;
	t->heap_index = i;
}

static void sift_up(struct timer_queue *q, uint32_t i)
{
	struct timer *t = q->heap[i];

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (q->heap[parent]->expires <= t->expires) {
			break;
		}
		place(q, i, q->heap[parent]);
		i = parent;
	}
	place(q, i, t);
}

static void sift_down(struct timer_queue *q, uint32_t i)
{
	struct timer *t = q->heap[i];

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= q->len) {
			break;
		}
		if (c + 1 < q->len && q->heap[c + 1]->expires < q->heap[c]->expires) {
			c++;
		}
		if (t->expires <= q->heap[c]->expires) {
			break;
		}
		place(q, i, q->heap[c]);
		i = c;
	}
	place(q, i, t);
}

void timer_queue_init(struct timer_queue *q, struct timer **storage, uint32_t cap)
{
	q->heap = storage;
	q->len = 0;
	q->cap = cap;
}

void timer_init(struct timer *t, void (*fn)(struct timer *t, void *data), void *data)
{
	t->expires = 0;
	t->period = 0;
	t->fn = fn;
	t->data = data;
	t->heap_index = 0;
	t->armed = false;
}

void timer_stop(struct timer_queue *q, struct timer *t)
{
	uint32_t i = t->heap_index;
	struct timer *last;

	if (!t->armed) {
		return;
	}
	t->armed = false;
	last = q->heap[--q->len];
	if (last == t) {
		return;
	}
	place(q, i, last);
	sift_up(q, i);
	sift_down(q, last->heap_index);
}

static int arm(struct timer_queue *q, struct timer *t, s_time_t expires, s_time_t period)
{
	timer_stop(q, t);
	if (q->len == q->cap) {
		return -ENOSPC;
	}
	t->expires = expires;
	t->period = period;
	t->armed = true;
	place(q, q->len++, t);
	sift_up(q, t->heap_index);
	return 0;
}

int timer_set(struct timer_queue *q, struct timer *t, s_time_t expires)
{
	return arm(q, t, expires, 0);
}

int timer_set_periodic(struct timer_queue *q, struct timer *t, s_time_t first, s_time_t period)
{
	if (period <= 0) {
		return -EINVAL;
	}
	return arm(q, t, first, period);
}

s_time_t timer_queue_next(const struct timer_queue *q)
{
	return q->len ? q->heap[0]->expires : STIME_MAX;
}

s_time_t timer_queue_run(struct timer_queue *q, s_time_t now)
{
	while (q->len && q->heap[0]->expires <= now) {
		struct timer *t = q->heap[0];

		timer_stop(q, t);
		if (t->period) {
			s_time_t next = t->expires + t->period;

			if (next <= now) {
				next += ((now - next) / t->period + 1) * t->period;
			}
			/* Re-arming cannot fail: this timer's own slot was just freed. */
			arm(q, t, next, t->period);
		}
		t->fn(t, t->data);
	}
	return timer_queue_next(q);
}
