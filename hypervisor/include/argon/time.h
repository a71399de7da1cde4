/* System time: nanoseconds since boot, derived from a cycle counter through a fixed-point scale. */
#ifndef ARGON_TIME_H
#define ARGON_TIME_H

#include <argon/types.h>

#define NSEC_PER_SEC 1000000000LL
#define MILLISECS(ms) ((s_time_t)(ms) * 1000000LL)
#define MICROSECS(us) ((s_time_t)(us) * 1000LL)

/**
 * ns = ((ticks << shift) * mul_frac) >> 32, with a negative shift meaning a right shift. This is
 * the representation the PV clock ABI (vcpu_time_info) hands to guests, so it is used here too.
 */
struct time_scale {
	int8_t shift;
	uint32_t mul_frac;
};

/**
 * Compute the scale converting counts at @from_hz into counts at @to_hz (e.g. TSC ticks to ns with
 * to_hz = 1e9); mul_frac ends in [2^31, 2^32). Returns -EINVAL for a zero frequency, -ERANGE when
 * the ratio cannot be represented.
 */
int time_scale_set(struct time_scale *ts, uint64_t from_hz, uint64_t to_hz);

/** Convert @ticks to ns with @ts. */
static inline uint64_t time_scale_apply(const struct time_scale *ts, uint64_t ticks)
{
	if (ts->shift < 0) {
		ticks >>= -ts->shift;
	} else {
		ticks <<= ts->shift;
	}
	return (uint64_t)(((unsigned __int128)ticks * ts->mul_frac) >> 32);
}

/** System time now (ns since boot). */
s_time_t NOW(void);

#endif
