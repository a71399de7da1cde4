/* Fixed-width and address types used throughout the hypervisor. */
#ifndef ARGON_TYPES_H
#define ARGON_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t ssize_t;

/* A machine (host-physical) address. */
typedef uint64_t paddr_t;
/* A hypervisor virtual address. */
typedef uint64_t vaddr_t;
/* System time in nanoseconds since boot. */
typedef int64_t s_time_t;

/* A machine frame number; a struct so it cannot be mixed up with other integers. */
typedef struct {
	uint64_t m;
} mfn_t;

static inline mfn_t _mfn(uint64_t m)
{
	return (mfn_t){ m };
}

static inline uint64_t mfn_x(mfn_t m)
{
	return m.m;
}

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

static inline paddr_t mfn_to_paddr(mfn_t m)
{
	return m.m << PAGE_SHIFT;
}

static inline mfn_t paddr_to_mfn(paddr_t p)
{
	return _mfn(p >> PAGE_SHIFT);
}

#define KB(x) ((uint64_t)(x) << 10)
#define MB(x) ((uint64_t)(x) << 20)
#define GB(x) ((uint64_t)(x) << 30)

#endif
