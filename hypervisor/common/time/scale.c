/* Fixed-point scale factors between counter frequencies (counter ticks to ns, ns to timer ticks). */
#include <argon/errno.h>
#include <argon/time.h>

/* Quotient of @n / @d by shift-and-subtract (no libgcc in the hypervisor); saturates at 2^64-1. */
static uint64_t div128(unsigned __int128 n, uint64_t d)
{
	unsigned __int128 q = 0, r = 0;
	int i;

	for (i = 127; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= (unsigned __int128)1 << i;
		}
	}
	return q >> 64 ? UINT64_MAX : (uint64_t)q;
}

int time_scale_set(struct time_scale *ts, uint64_t from_hz, uint64_t to_hz)
{
	int shift = 0;
	uint64_t m;

	if (from_hz == 0 || to_hz == 0) {
		return -EINVAL;
	}
	/*
	 * mul_frac = (to_hz << (32 - shift)) / from_hz; pick the shift that puts it in [2^31, 2^32),
	 * so it keeps 31-32 significant bits whatever the two frequencies are.
	 */
	for (;;) {
		unsigned __int128 num = to_hz;

		num = 32 - shift >= 0 ? num << (32 - shift) : num >> (shift - 32);
		m = div128(num, from_hz);
		if (m >= (1ULL << 32)) {
			shift++;
		} else if (m < (1ULL << 31)) {
			shift--;
		} else {
			break;
		}
		if (shift < -63 || shift > 63) {
			return -ERANGE;
		}
	}
	ts->shift = (int8_t)shift;
	ts->mul_frac = (uint32_t)m;
	return 0;
}
