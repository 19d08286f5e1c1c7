/*
 * sync.h - the spin lock and the relaxed atomic counters.
 * Included by internal.h after the declarations: include that, not this.
 */
#ifndef PZ_SYNC_H
#define PZ_SYNC_H

#ifndef PZ_INTERNAL_H
#error "include internal.h, not sync.h"
#endif

static inline long zload(const atomic_long *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}
static inline void zstore(atomic_long *v, long x)
{
	atomic_store_explicit(v, x, memory_order_relaxed);
}
/* Update under zone->lock: a plain read-modify-write is enough. */
static inline void zadd(atomic_long *v, long d)
{
	zstore(v, zload(v) + d);
}
static inline void pz_count_n(atomic_uint_least64_t *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}
/* A vm event (the kernel's count_vm_events): lock-free, relaxed. */
static inline void pz_count_vm_event(struct pz *pz, enum pz_vm_event ev, uint64_t n)
{
	atomic_fetch_add_explicit(&pz->vm_events[ev], n, memory_order_relaxed);
}
static inline void pz_count(atomic_uint_least64_t *c)
{
	pz_count_n(c, 1);
}
/* Adds to a counter only ever written under one lock: a plain add (no lock
 * prefix), still an atomic store so that lock-free readers see whole values. */
static inline void pz_count_owned(atomic_uint_least64_t *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
			      memory_order_relaxed);
}
/*
 * The checked Lock Key (types.h): a function that needs a lock ends in
 * _locked and asserts it first thing, naming the lock. Debug builds
 * (PZ_DEBUG_LOCKS, which CMake defines for CMAKE_BUILD_TYPE=Debug) check
 * that the lock is held - by some thread: the lock word records no owner -
 * and otherwise report the function and the lock through the log sink and
 * trap. Release builds compile the checks out.
 */
#ifdef PZ_DEBUG_LOCKS
#define PZ_CHECK_LOCKS 1
#else
#define PZ_CHECK_LOCKS 0
#endif
#define pz_assert_locked(pz, l, name)                                                              \
	do {                                                                                       \
		if (PZ_CHECK_LOCKS && !atomic_load_explicit(&(l)->v, memory_order_relaxed))        \
			pz_lock_assert_fail((pz), __func__, (name));                               \
	} while (0)
#define pz_assert_zone_locked(pz, z)  pz_assert_locked(pz, &(z)->lock, "zone->lock")
#define pz_assert_pcp_locked(pz, pcp) pz_assert_locked(pz, &(pcp)->lock, "pcp->lock")
#define pz_assert_fault_locked(pz)    pz_assert_locked(pz, &(pz)->fault.lock, "fault->lock")
#define pz_assert_tune_locked(pz)     pz_assert_locked(pz, &(pz)->tune_lock, "pz->tune_lock")

static inline bool pz_trylock(pz_lock_t *l)
{
	return atomic_load_explicit(&l->v, memory_order_relaxed) == 0 &&
	       atomic_exchange_explicit(&l->v, 1, memory_order_acquire) == 0;
}
static inline void pz_lock(const struct pz *pz, pz_lock_t *l)
{
	if (pz_likely(atomic_exchange_explicit(&l->v, 1, memory_order_acquire) == 0))
		return;
	pz_lock_slow(pz, l);
}
static inline void pz_unlock(pz_lock_t *l)
{
	atomic_store_explicit(&l->v, 0, memory_order_release);
}

/*
 * struct pz_task is public and plain C, yet its cpuset fields are shared:
 * mems_seq is a seqcount, mems_allowed and mems_hardwall are written under
 * it and read without a lock. The core reaches them through these C11
 * atomic views (same size and alignment as the plain types, asserted).
 */
_Static_assert(sizeof(_Atomic pz_nodemask_t) == sizeof(pz_nodemask_t) &&
		       _Alignof(_Atomic pz_nodemask_t) == _Alignof(pz_nodemask_t),
	       "a nodemask is read as an atomic");
_Static_assert(sizeof(_Atomic uint32_t) == sizeof(uint32_t) &&
		       _Alignof(_Atomic uint32_t) == _Alignof(uint32_t),
	       "a seqcount is read as an atomic");
static inline pz_nodemask_t pz_mask_load(const pz_nodemask_t *m)
{
	return atomic_load_explicit((const _Atomic pz_nodemask_t *)m, memory_order_relaxed);
}
static inline void pz_mask_store(pz_nodemask_t *m, pz_nodemask_t v)
{
	atomic_store_explicit((_Atomic pz_nodemask_t *)m, v, memory_order_relaxed);
}
static inline unsigned pz_seq_load(const uint32_t *seq)
{
	return atomic_load_explicit((const _Atomic uint32_t *)seq, memory_order_acquire);
}
/* One step of a seqcount write: acq_rel opens it, release closes it. */
static inline void pz_seq_step(uint32_t *seq, memory_order mo)
{
	atomic_fetch_add_explicit((_Atomic uint32_t *)seq, 1, mo);
}

#endif /* PZ_SYNC_H */
