/*
 * The credit scheduler's policy (hypervisor/common/sched/credit.c) on a simulated CPU: CPU-bound
 * vCPUs run until the scheduler's next decision point, and the shares they get are measured.
 */
#include "unit.h"
#include <argon/sched.h>

#define SIM_TIME MILLISECS(30000)

struct sim {
	struct sched_cpu cpu;
	struct sched_vcpu v[8];
	uint64_t ran[8];
	unsigned int n;
	s_time_t now;
};

static void sim_init(struct sim *s)
{
	memset(s, 0, sizeof(*s));
	sched_cpu_init(&s->cpu, SCHED_TSLICE, 0);
}

static struct sched_vcpu *sim_add(struct sim *s, uint32_t domain, unsigned int weight, unsigned int cap)
{
	struct sched_vcpu *sv = &s->v[s->n++];

	sv->domain_key = domain;
	sv->weight = weight;
	sv->cap = cap;
	assert_int_equal(sched_add(&s->cpu, sv), 0);
	sched_wake(&s->cpu, sv, s->now);
	return sv;
}

/* Run CPU-bound vCPUs for @span: each runs until the next decision point. */
static void sim_run(struct sim *s, s_time_t span)
{
	s_time_t end = s->now + span;

	while (s->now < end) {
		s_time_t slice_end;
		struct sched_vcpu *sv = sched_pick(&s->cpu, s->now, &slice_end);

		assert_true(slice_end > s->now);
		if (sv) {
			s->ran[sv - s->v] += (uint64_t)(slice_end - s->now);
		}
		s->now = slice_end;
	}
}

static double share(const struct sim *s, unsigned int i, s_time_t span)
{
	return (double)s->ran[i] / (double)span;
}

static void test_equal_weights_share_equally(void **state)
{
	static struct sim s;
	unsigned int i;

	sim_init(&s);
	for (i = 0; i < 3; i++) {
		sim_add(&s, i, 256, 0);
	}
	sim_run(&s, SIM_TIME);
	for (i = 0; i < 3; i++) {
		double sh = share(&s, i, SIM_TIME);

		if (sh < 0.30 || sh > 0.37) {
			fail_msg("vCPU %u got %.3f of the CPU (expected 1/3)", i, sh);
		}
	}
}

static void test_weights_set_the_ratio(void **state)
{
	static struct sim s;
	double ratio;

	sim_init(&s);
	sim_add(&s, 0, 512, 0);
	sim_add(&s, 1, 256, 0);
	sim_run(&s, SIM_TIME);
	ratio = (double)s.ran[0] / (double)s.ran[1];
	if (ratio < 1.8 || ratio > 2.2) {
		fail_msg("weights 512:256 gave a %.2f:1 split", ratio);
	}
	/* Both CPU-bound: the CPU never idles. */
	assert_true(s.ran[0] + s.ran[1] >= (uint64_t)SIM_TIME * 99 / 100);
}

static void test_weight_is_per_domain(void **state)
{
	static struct sim s;
	double dom0, dom1;

	sim_init(&s);
	sim_add(&s, 0, 256, 0);
	sim_add(&s, 0, 256, 0);
	sim_add(&s, 1, 256, 0);
	sim_run(&s, SIM_TIME);
	dom0 = share(&s, 0, SIM_TIME) + share(&s, 1, SIM_TIME);
	dom1 = share(&s, 2, SIM_TIME);
	if (dom0 < 0.45 || dom0 > 0.55 || dom1 < 0.45 || dom1 > 0.55) {
		fail_msg("two domains of equal weight got %.3f and %.3f", dom0, dom1);
	}
}

static void test_cap_limits_use(void **state)
{
	static struct sim s;
	double sh;

	sim_init(&s);
	sim_add(&s, 0, 256, 25);
	sim_run(&s, SIM_TIME);
	sh = share(&s, 0, SIM_TIME);
	/* Alone on the CPU it could take everything; the cap holds it near 25%. */
	if (sh < 0.20 || sh > 0.30) {
		fail_msg("a 25%% cap let the vCPU use %.3f of the CPU", sh);
	}
}

static void test_cap_leaves_room_for_others(void **state)
{
	static struct sim s;

	sim_init(&s);
	sim_add(&s, 0, 256, 10);
	sim_add(&s, 1, 256, 0);
	sim_run(&s, SIM_TIME);
	assert_true(share(&s, 0, SIM_TIME) <= 0.15);
	assert_true(share(&s, 1, SIM_TIME) >= 0.85);
}

static void test_idle_when_nothing_runs(void **state)
{
	static struct sim s;
	struct sched_vcpu *sv;
	s_time_t end;

	sim_init(&s);
	sv = sim_add(&s, 0, 256, 0);
	assert_ptr_equal(sched_pick(&s.cpu, 0, &end), sv);
	sched_sleep(&s.cpu, sv, SCHED_BLOCKED, MILLISECS(1));
	assert_null(sched_pick(&s.cpu, MILLISECS(1), &end));
	/* Offline vCPUs are never picked either. */
	sim_add(&s, 1, 256, 0);
	sched_sleep(&s.cpu, &s.v[1], SCHED_OFFLINE, MILLISECS(2));
	assert_null(sched_pick(&s.cpu, MILLISECS(2), &end));
}

static void test_woken_vcpu_is_boosted_and_preempts(void **state)
{
	static struct sim s;
	struct sched_vcpu *hog, *sleeper;
	s_time_t end;

	sim_init(&s);
	hog = sim_add(&s, 0, 256, 0);
	sleeper = sim_add(&s, 1, 256, 0);
	sim_run(&s, MILLISECS(300));
	/* The sleeper blocks; the hog runs alone for a while. */
	if (s.cpu.curr == sleeper) {
		sched_pick(&s.cpu, s.now, &end);
	}
	sched_sleep(&s.cpu, sleeper, SCHED_BLOCKED, s.now);
	assert_ptr_equal(sched_pick(&s.cpu, s.now, &end), hog);
	s.now += MILLISECS(5);
	sched_wake(&s.cpu, sleeper, s.now);
	assert_int_equal(sleeper->prio, PRIO_BOOST);
	assert_true(sched_should_preempt(&s.cpu));
	assert_ptr_equal(sched_pick(&s.cpu, s.now, &end), sleeper);
	/* The boost lasts one run. */
	s.now += MILLISECS(1);
	sched_pick(&s.cpu, s.now, &end);
	assert_int_not_equal(sleeper->prio, PRIO_BOOST);
}

static void test_slice_bounds_a_run(void **state)
{
	static struct sim s;
	s_time_t end;

	sim_init(&s);
	sim_add(&s, 0, 256, 0);
	sim_add(&s, 1, 256, 0);
	assert_non_null(sched_pick(&s.cpu, MILLISECS(1), &end));
	assert_true(end - MILLISECS(1) <= SCHED_TSLICE);
}

static void test_remove(void **state)
{
	static struct sim s;
	s_time_t end;

	sim_init(&s);
	sim_add(&s, 0, 256, 0);
	sim_add(&s, 1, 256, 0);
	sched_remove(&s.cpu, &s.v[0]);
	assert_int_equal(s.cpu.nr_members, 1);
	assert_ptr_equal(sched_pick(&s.cpu, 0, &end), &s.v[1]);
	sched_remove(&s.cpu, &s.v[1]);
	assert_null(sched_pick(&s.cpu, 1, &end));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_weights_share_equally),
		cmocka_unit_test(test_weights_set_the_ratio),
		cmocka_unit_test(test_weight_is_per_domain),
		cmocka_unit_test(test_cap_limits_use),
		cmocka_unit_test(test_cap_leaves_room_for_others),
		cmocka_unit_test(test_idle_when_nothing_runs),
		cmocka_unit_test(test_woken_vcpu_is_boosted_and_preempts),
		cmocka_unit_test(test_slice_bounds_a_run),
		cmocka_unit_test(test_remove),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
