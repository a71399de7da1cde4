/*
 * Reading the TSC and a vCPU's pvclock (struct vcpu_time_info) in the test kernels: system time
 * in ns = system_time + ((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul / 2^32, read
 * under the version protocol (odd while Argon updates it; retry when it changed).
 */
#ifndef GUEST_PVCLOCK_H
#define GUEST_PVCLOCK_H

#include <stdint.h>

#include <guest/guest.h>
#include <public/xen.h>

/* lfence on both sides: the read neither runs ahead of the version load nor behind its recheck. */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t pvclock_ns(const struct vcpu_time_info *t)
{
	uint32_t ver;
	uint64_t ns, delta;

	do {
		ver = __atomic_load_n(&t->version, __ATOMIC_ACQUIRE);
		delta = rdtsc() - t->tsc_timestamp;
		delta = t->tsc_shift < 0 ? delta >> -t->tsc_shift : delta << t->tsc_shift;
		ns = t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
	} while ((ver & 1) || ver != __atomic_load_n(&t->version, __ATOMIC_ACQUIRE));
	return ns;
}

/* System time from vCPU 0's pvclock in the shared info page. */
static inline uint64_t pvclock_now_ns(void)
{
	return pvclock_ns(&shared_info->vcpu_info[0].time);
}

#endif
