/*
 * The timer queue (hypervisor/common/time/timer.c): expiry order, stopping and re-arming,
 * periodic timers keeping their grid, callbacks that change the queue, capacity.
 */
#include "unit.h"
#include <argon/timer.h>

#define CAP 64

static struct timer_queue q;
static struct timer *storage[CAP];
static struct timer timers[CAP];

/* The firing log: which timer, at which of its expiries, during which run. */
static struct fire {
	unsigned int id;
	s_time_t expires;	/* the expiry that fired (before a periodic re-arm moved it) */
	s_time_t now;
} fired[100000];
static unsigned int nr_fired;
static s_time_t run_now;

static unsigned int id_of(struct timer *t)
{
	return (unsigned int)(t - timers);
}

/*
 * Log a firing. A periodic timer has already been moved on to its next grid point after now, so
 * the expiry it stands for is one period before that.
 */
static void record(struct timer *t)
{
	s_time_t e = t->period ? t->expires - t->period : t->expires;

	assert_true(nr_fired < ARRAY_SIZE(fired));
	fired[nr_fired++] = (struct fire){ id_of(t), e, run_now };
}

static void cb_record(struct timer *t, void *data)
{
	record(t);
}

static void check_queue(void)
{
	uint32_t i;

	assert_true(q.len <= q.cap);
	for (i = 0; i < q.len; i++) {
		assert_int_equal(q.heap[i]->heap_index, i);
		assert_true(q.heap[i]->armed);
		if (i) {
			assert_true(q.heap[(i - 1) / 2]->expires <= q.heap[i]->expires);
		}
	}
	assert_int_equal(timer_queue_next(&q), q.len ? q.heap[0]->expires : STIME_MAX);
}

static s_time_t run(s_time_t now)
{
	s_time_t next;

	run_now = now;
	next = timer_queue_run(&q, now);
	check_queue();
	assert_int_equal(next, timer_queue_next(&q));
	assert_true(next > now);
	return next;
}

static int setup(void **state)
{
	unsigned int i;

	timer_queue_init(&q, storage, CAP);
	for (i = 0; i < CAP; i++) {
		timer_init(&timers[i], cb_record, NULL);
	}
	nr_fired = 0;
	return 0;
}

static void test_empty_queue(void **state)
{
	assert_int_equal(timer_queue_next(&q), STIME_MAX);
	assert_int_equal(run(1000), STIME_MAX);
	assert_int_equal(nr_fired, 0);
	/* Stopping a timer that was never armed is harmless. */
	timer_stop(&q, &timers[0]);
	assert_int_equal(q.len, 0);
}

/* Random expiries (with repeats) fire in order, each once, never early. */
static void test_random_order(void **state)
{
	uint64_t seed = 17;
	unsigned int round;

	for (round = 0; round < 200; round++) {
		unsigned int n = 1 + (unsigned int)test_rand_below(&seed, CAP), i;
		s_time_t now = 0, max = 0;

		setup(NULL);
		for (i = 0; i < n; i++) {
			s_time_t e = (s_time_t)test_rand_below(&seed, 50) * 10;

			assert_int_equal(timer_set(&q, &timers[i], e), 0);
			max = MAX(max, e);
			check_queue();
		}
		while (now <= max) {
			now += (s_time_t)test_rand_below(&seed, 40);
			run(now);
		}
		assert_int_equal(nr_fired, n);
		for (i = 0; i < nr_fired; i++) {
			assert_true(fired[i].expires <= fired[i].now);
			assert_false(timers[fired[i].id].armed);
			if (i) {
				assert_true(fired[i - 1].expires <= fired[i].expires);
			}
		}
		assert_int_equal(q.len, 0);
	}
}

static void test_equal_expiries_all_fire(void **state)
{
	unsigned int i;

	for (i = 0; i < 20; i++) {
		assert_int_equal(timer_set(&q, &timers[i], 500), 0);
	}
	assert_int_equal(run(499), 500);
	assert_int_equal(nr_fired, 0);
	assert_int_equal(run(500), STIME_MAX);
	assert_int_equal(nr_fired, 20);
}

/* Stopping the head, a middle entry or the last heap slot removes exactly that timer. */
static void test_stop_positions(void **state)
{
	unsigned int i, which;

	for (which = 0; which < 3; which++) {
		struct timer *victim;
		bool seen[16] = { false };

		setup(NULL);
		for (i = 0; i < 16; i++) {
			s_time_t e = 100 + (s_time_t)((i * 7) % 16);

			assert_int_equal(timer_set(&q, &timers[i], e), 0);
		}
		victim = which == 0 ? q.heap[0] : which == 1 ? q.heap[5] : q.heap[q.len - 1];
		timer_stop(&q, victim);
		assert_false(victim->armed);
		check_queue();
		assert_int_equal(q.len, 15);
		timer_stop(&q, victim);		/* again: harmless */
		assert_int_equal(q.len, 15);
		run(1000);
		assert_int_equal(nr_fired, 15);
		for (i = 0; i < nr_fired; i++) {
			seen[fired[i].id] = true;
			if (i) {
				assert_true(fired[i - 1].expires <= fired[i].expires);
			}
		}
		for (i = 0; i < 16; i++) {
			assert_int_equal(seen[i], &timers[i] != victim);
		}
	}
}

/* Re-arming an armed timer moves it; it fires once, at the new time. */
static void test_rearm_moves(void **state)
{
	assert_int_equal(timer_set(&q, &timers[0], 100), 0);
	assert_int_equal(timer_set(&q, &timers[1], 200), 0);
	assert_int_equal(timer_set(&q, &timers[0], 300), 0);	/* later */
	assert_int_equal(q.len, 2);
	assert_int_equal(timer_queue_next(&q), 200);
	assert_int_equal(run(250), 300);
	assert_int_equal(nr_fired, 1);
	assert_int_equal(fired[0].id, 1);
	assert_int_equal(timer_set(&q, &timers[0], 260), 0);	/* earlier */
	assert_int_equal(q.len, 1);
	assert_int_equal(run(1000), STIME_MAX);
	assert_int_equal(nr_fired, 2);
	assert_int_equal(fired[1].id, 0);
	assert_int_equal(fired[1].expires, 260);
	/* A periodic timer re-armed as one-shot stops being periodic. */
	assert_int_equal(timer_set_periodic(&q, &timers[2], 10, 10), 0);
	assert_int_equal(timer_set(&q, &timers[2], 2000), 0);
	assert_int_equal(run(5000), STIME_MAX);
	assert_int_equal(nr_fired, 3);
}

/* A periodic timer stays on its grid and skips the periods the queue missed. */
static void test_periodic_grid(void **state)
{
	struct timer *t = &timers[0];

	assert_int_equal(timer_set_periodic(&q, t, 0, 0), -EINVAL);
	assert_int_equal(timer_set_periodic(&q, t, 0, -5), -EINVAL);
	assert_false(t->armed);
	assert_int_equal(timer_set_periodic(&q, t, 1000, 100), 0);
	assert_int_equal(run(999), 1000);
	assert_int_equal(nr_fired, 0);
	/* On time. */
	assert_int_equal(run(1000), 1100);
	assert_int_equal(nr_fired, 1);
	/* A little late: fires once, the grid does not drift. */
	assert_int_equal(run(1130), 1200);
	assert_int_equal(nr_fired, 2);
	assert_int_equal(fired[1].expires, 1100);
	/* Late by several periods: fires once; 1300, 1400, 1500 are skipped, next is 1600. */
	assert_int_equal(run(1555), 1600);
	assert_int_equal(nr_fired, 3);
	/* Exactly on a later grid point: that expiry counts as due, the next is one period on. */
	assert_int_equal(run(1800), 1900);
	assert_int_equal(nr_fired, 4);
	/* Many periods at once in one big step. */
	assert_int_equal(run(1000000 + 50), 1000100);
	assert_int_equal(nr_fired, 5);
	assert_true(t->armed);
	timer_stop(&q, t);
	assert_int_equal(run(2000000), STIME_MAX);
	assert_int_equal(nr_fired, 5);
}

/* Two periodic timers with different periods interleave correctly over a long span. */
static void test_periodic_interleave(void **state)
{
	s_time_t now;
	unsigned int a = 0, b2 = 0, i;

	assert_int_equal(timer_set_periodic(&q, &timers[0], 30, 30), 0);
	assert_int_equal(timer_set_periodic(&q, &timers[1], 70, 70), 0);
	for (now = 1; now <= 2100; now++) {
		run(now);
	}
	for (i = 0; i < nr_fired; i++) {
		if (fired[i].id == 0) {
			a++;
			assert_int_equal(fired[i].now % 30, 0);
		} else {
			b2++;
			assert_int_equal(fired[i].now % 70, 0);
		}
	}
	assert_int_equal(a, 70);
	assert_int_equal(b2, 30);
}

/* Callbacks that change the queue: stop a due timer, arm a due one, re-arm themselves. */
static struct timer *cb_target;
static s_time_t cb_when;

static void cb_stop_other(struct timer *t, void *data)
{
	record(t);
	timer_stop(&q, cb_target);
}

static void cb_arm_other(struct timer *t, void *data)
{
	record(t);
	assert_int_equal(timer_set(&q, cb_target, cb_when), 0);
}

static void cb_rearm_self(struct timer *t, void *data)
{
	record(t);
	if (nr_fired < 3) {
		assert_int_equal(timer_set(&q, t, t->expires + 10), 0);
	}
}

static void cb_stop_self(struct timer *t, void *data)
{
	record(t);
	timer_stop(&q, t);
}

static void test_callbacks_change_queue(void **state)
{
	/* A stops B, which was due in the same run: B never fires. */
	timer_init(&timers[0], cb_stop_other, NULL);
	cb_target = &timers[1];
	assert_int_equal(timer_set(&q, &timers[0], 10), 0);
	assert_int_equal(timer_set(&q, &timers[1], 20), 0);
	assert_int_equal(timer_set(&q, &timers[2], 30), 0);
	run(100);
	assert_int_equal(nr_fired, 2);
	assert_int_equal(fired[0].id, 0);
	assert_int_equal(fired[1].id, 2);
	assert_false(timers[1].armed);

	/* A arms C, already due: C fires in the same run, in order with D. */
	setup(NULL);
	timer_init(&timers[0], cb_arm_other, NULL);
	cb_target = &timers[3];
	cb_when = 50;
	assert_int_equal(timer_set(&q, &timers[0], 10), 0);
	assert_int_equal(timer_set(&q, &timers[4], 60), 0);
	assert_int_equal(run(100), STIME_MAX);
	assert_int_equal(nr_fired, 3);
	assert_int_equal(fired[1].id, 3);
	assert_int_equal(fired[2].id, 4);
	setup(NULL);
	timer_init(&timers[0], cb_arm_other, NULL);
	cb_when = 500;
	assert_int_equal(timer_set(&q, &timers[0], 10), 0);
	assert_int_equal(run(100), 500);
	assert_int_equal(nr_fired, 1);

	/* A one-shot re-arming itself in its callback runs again when due, here in the same run. */
	setup(NULL);
	timer_init(&timers[0], cb_rearm_self, NULL);
	assert_int_equal(timer_set(&q, &timers[0], 10), 0);
	assert_int_equal(run(25), 30);
	assert_int_equal(nr_fired, 2);		/* 10, then 20; 30 is not due yet */
	assert_int_equal(run(35), STIME_MAX);
	assert_int_equal(nr_fired, 3);		/* not re-armed after the third */

	/* A periodic timer stopping itself from its callback stays stopped. */
	setup(NULL);
	timer_init(&timers[0], cb_stop_self, NULL);
	assert_int_equal(timer_set_periodic(&q, &timers[0], 10, 10), 0);
	assert_int_equal(run(100), STIME_MAX);
	assert_int_equal(nr_fired, 1);
	assert_false(timers[0].armed);
}

/* The data pointer reaches the callback. */
static void cb_data(struct timer *t, void *data)
{
	(*(int *)data)++;
}

static void test_callback_data(void **state)
{
	int count = 0;

	timer_init(&timers[0], cb_data, &count);
	assert_int_equal(timer_set(&q, &timers[0], 1), 0);
	run(1);
	assert_int_equal(count, 1);
}

static void test_capacity(void **state)
{
	struct timer *small[4];
	unsigned int i;

	timer_queue_init(&q, small, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(timer_set(&q, &timers[i], 100 + i), 0);
	}
	assert_int_equal(timer_set(&q, &timers[4], 50), -ENOSPC);
	assert_false(timers[4].armed);
	assert_int_equal(timer_set_periodic(&q, &timers[4], 50, 5), -ENOSPC);
	/* Re-arming a timer already in a full queue still works (its own slot is reused). */
	assert_int_equal(timer_set(&q, &timers[2], 10), 0);
	assert_int_equal(timer_queue_next(&q), 10);
	check_queue();
	timer_stop(&q, &timers[0]);
	assert_int_equal(timer_set(&q, &timers[4], 50), 0);
	assert_int_equal(run(1000), STIME_MAX);
	assert_int_equal(nr_fired, 4);
}

/* Random operations against a model of what is armed and when. */
static void test_random_operations(void **state)
{
	s_time_t model[CAP];	/* expiry, or -1 when not armed (one-shot timers only) */
	uint64_t seed = 4242;
	s_time_t now = 0;
	unsigned int i, op;

	for (i = 0; i < CAP; i++) {
		model[i] = -1;
	}
	for (op = 0; op < 100000; op++) {
		unsigned int id = (unsigned int)test_rand_below(&seed, CAP);

		switch (test_rand_below(&seed, 4)) {
		case 0:
		case 1:
			model[id] = now + 1 + (s_time_t)test_rand_below(&seed, 1000);
			assert_int_equal(timer_set(&q, &timers[id], model[id]), 0);
			break;
		case 2:
			timer_stop(&q, &timers[id]);
			model[id] = -1;
			break;
		default: {
			s_time_t expect_next = STIME_MAX;
			unsigned int before = nr_fired, due = 0;

			now += (s_time_t)test_rand_below(&seed, 300);
			for (i = 0; i < CAP; i++) {
				if (model[i] >= 0 && model[i] <= now) {
					due++;
					model[i] = -1;
				} else if (model[i] >= 0) {
					expect_next = MIN(expect_next, model[i]);
				}
			}
			assert_int_equal(run(now), expect_next);
			assert_int_equal(nr_fired - before, due);
			if (nr_fired > 50000) {
				nr_fired = 0;
			}
			break;
		}
		}
		check_queue();
		for (i = 0; i < CAP; i++) {
			assert_int_equal(timers[i].armed, model[i] >= 0);
			if (model[i] >= 0) {
				assert_int_equal(timers[i].expires, model[i]);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_empty_queue, setup),
		cmocka_unit_test_setup(test_random_order, setup),
		cmocka_unit_test_setup(test_equal_expiries_all_fire, setup),
		cmocka_unit_test_setup(test_stop_positions, setup),
		cmocka_unit_test_setup(test_rearm_moves, setup),
		cmocka_unit_test_setup(test_periodic_grid, setup),
		cmocka_unit_test_setup(test_periodic_interleave, setup),
		cmocka_unit_test_setup(test_callbacks_change_queue, setup),
		cmocka_unit_test_setup(test_callback_data, setup),
		cmocka_unit_test_setup(test_capacity, setup),
		cmocka_unit_test_setup(test_random_operations, setup),
	};

	return cmocka_run_group_tests_name("timer", tests, NULL, NULL);
}
