/*
 * spin: a CPU-bound guest for scheduler tests. It spins for 3 s of system time (secs=N on its
 * command line changes that), then reports how long it ran and how long it waited (its runstate),
 * tagged with its command line. With "yield" on its command line it yields instead of
 * spinning (a partner for switch benchmarks).
 */
#include <argon/lib.h>

#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/test.h>

#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static struct vcpu_runstate_info runstate(void)
{
	struct vcpu_runstate_info r;

	memset(&r, 0, sizeof(r));
	HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &r);
	return r;
}

/* Elapsed system time: everything this vCPU accounted in any state, now. */
static uint64_t elapsed(const struct vcpu_runstate_info *r)
{
	return r->time[RUNSTATE_running] + r->time[RUNSTATE_runnable] + r->time[RUNSTATE_blocked] +
	       r->time[RUNSTATE_offline];
}

/* "secs=N" in the command line sets how long to spin (default 3 s). */
static uint64_t spin_ns(void)
{
	const char *p = start_info->cmd_line;
	uint64_t secs = 3;

	for (; *p; p++) {
		if (!strncmp(p, "secs=", 5)) {
			secs = 0;
			for (p += 5; *p >= '0' && *p <= '9'; p++) {
				secs = secs * 10 + (uint64_t)(*p - '0');
			}
			break;
		}
	}
	return secs * 1000000000ULL;
}

GUEST_TEST(spin)
{
	struct vcpu_runstate_info start = runstate(), now = start;
	uint64_t spins = 0, span = spin_ns();
	bool yield = false;
	const char *p;

	for (p = start_info->cmd_line; *p; p++) {
		yield |= !strncmp(p, "yield", 5);
	}

	while (elapsed(&now) - elapsed(&start) < span) {
		uint64_t t = rdtsc();

		if (yield) {
			/* A partner for yield ping-pong benchmarks (bench/hvm_sched.py). */
			HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
		} else {
			while (rdtsc() - t < 1000000) {
			}
		}
		spins++;
		now = runstate();
	}
	printk("SPIN %s running %llu runnable %llu\n", start_info->cmd_line,
	       (unsigned long long)(now.time[RUNSTATE_running] - start.time[RUNSTATE_running]),
	       (unsigned long long)(now.time[RUNSTATE_runnable] - start.time[RUNSTATE_runnable]));
	EXPECT(spins > 0);
}
