/*
 * lock.c - the core's spin lock.
 *
 * The core may not use OS locks, so it spins on an atomic word:
 * test-and-test-and-set, calling the platform's relax hook while the lock
 * is held by someone else so that a preempted holder gets to run.
 * Critical sections are short (list operations under a zone or per-CPU
 * lock), which is what makes spinning the right trade here.
 */
#include "internal.h"

void pz_lock_init(pz_lock_t *l)
{
	atomic_init(&l->v, 0);
}

/* The contended case of pz_lock: spin reading, relaxing now and then. */
void pz_lock_slow(const struct pz *pz, pz_lock_t *l)
{
	unsigned spins = 0;

	while (!pz_trylock(l)) {
		while (atomic_load_explicit(&l->v, memory_order_relaxed) != 0) {
			if (++spins >= 64 && pz->plat.relax) {
				pz->plat.relax(pz->plat.ctx);
				spins = 0;
			}
		}
	}
}

bool pz_lock_held(const pz_lock_t *l)
{
	return atomic_load_explicit(&l->v, memory_order_relaxed) != 0;
}

/* A failed pz_assert_locked: a bug in the core, so no way on. The log sink
 * is called with whatever other lock the caller holds: the one exception to
 * the no-callback-under-a-lock rule, taken only to say why we stop. */
_Noreturn void pz_lock_assert_fail(const struct pz *pz, const char *func, const char *lock)
{
	pz_log(pz, PZ_LOG_ERR, "lock check: %s needs %s held, and it is not", func, lock);
	__builtin_trap();
}
