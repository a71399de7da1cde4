/*
 * Common includes for the host unit tests: cmocka and its prerequisites, then the hypervisor's
 * own headers. The hypervisor sources are the real files, compiled for the host by the Makefile.
 */
#ifndef ARGON_UNIT_H
#define ARGON_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <argon/errno.h>
#include <argon/lib.h>

/* A small deterministic PRNG (xorshift64*), so every failure reproduces from its seed. */
static inline uint64_t test_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* A uniformly chosen value in [0, n). */
static inline uint64_t test_rand_below(uint64_t *state, uint64_t n)
{
	return n ? test_rand(state) % n : 0;
}

#endif
