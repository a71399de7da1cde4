/* Ticket spinlocks (fair, FIFO). */
#ifndef ARGON_SPINLOCK_H
#define ARGON_SPINLOCK_H

#include <argon/arch.h>
#include <argon/types.h>

/** A ticket lock: take a ticket, wait until it is served. */
typedef struct {
	uint16_t next;
	uint16_t owner;
} spinlock_t;

#define SPIN_LOCK_UNLOCKED { 0, 0 }

static inline void spin_lock(spinlock_t *l)
{
	uint16_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me) {
		__builtin_ia32_pause();
	}
}

static inline bool spin_trylock(spinlock_t *l)
{
	uint16_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	spinlock_t old = { owner, owner }, new = { (uint16_t)(owner + 1), owner };

	return __atomic_compare_exchange(l, &old, &new, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
	unsigned long flags = arch_irq_save();

	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	spin_unlock(l);
	arch_irq_restore(flags);
}

#endif
