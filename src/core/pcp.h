/*
 * pcp.h - per-CPU lists and counters: list levels, the locked
 * half of a per-CPU free, the fair batch, the allocation counters.
 * Included by internal.h after the declarations: include that, not this.
 */
#ifndef PZ_PCP_H
#define PZ_PCP_H

#ifndef PZ_INTERNAL_H
#error "include internal.h, not pcp.h"
#endif

/*
 * pcp_allowed_order: the level of the per-CPU list that holds blocks of
 * this order, or -1 when they bypass the per-CPU lists (4.x: all but
 * order 0).
 */
static inline int pz_pcp_level(const struct pz *pz, unsigned order)
{
	if (order == 0)
		return 0;
	return order < PZ_MAX_ORDER_LIMIT ? pz->pcp_level[order] : -1;
}
/* The block order a list level holds. */
static inline unsigned pz_pcp_level_order(const struct pz *pz, unsigned level)
{
	return level < PZ_PCP_LEVELS - 1 ? level : pz->pageblock_order;
}
/* Number of pcp lists in use: the order-0 ones or all levels. */
static inline unsigned pz_pcp_nr_lists(const struct pz *pz)
{
	return (pz->features & PZ_FEAT_PCP_HIGH_ORDER) ? PZ_PCP_NR_LISTS : PZ_MT_PCPTYPES;
}
/* The hook's CPU; a number out of range is folded into range (no division
 * in the common case: it costs more than the rest of a pcp hit). */
static inline unsigned pz_this_cpu(const struct pz *pz)
{
	unsigned c = pz->plat.cpu(pz->plat.ctx); /* never NULL after pz_init */

	return pz_likely(c < pz->nr_cpus) ? c : c % pz->nr_cpus;
}
/* The list that holds blocks of (level, mt): pz->pcp_list_of maps the
 * pageblock level of 6.1 to its two lists (non-movable, movable). */
static inline struct pz_list *pz_pcp_list(const struct pz *pz, struct pz_pcp *pcp, unsigned level,
					  unsigned mt)
{
	return &pcp->lists[pz->pcp_list_of[level * PZ_MT_PCPTYPES + mt]];
}
/* The locked half of a per-CPU free: mt is a pcp type (RESERVE,
 * HIGHATOMIC and CMA pages already mapped to MOVABLE). reclaim: z has
 * ZONE_RECLAIM_ACTIVE, so the flush decides at a lower high; the
 * shortcuts pass false, as they never run while a reclaim window is open
 * (PZ_OFF_RECLAIM). Returns what pz_pcp_flush_locked returns: always 0
 * without a trace buffer. */
static inline int pz_pcp_free_locked(struct pz *pz, struct pz_zone *z, struct pz_pcp *pcp,
				     struct pz_page *p, unsigned order, unsigned mt, bool cold,
				     bool reclaim, struct pz_tbuf *t)
{
	struct pz_list *list = pz_pcp_list(pz, pcp, (unsigned)pz_pcp_level(pz, order), mt);

	pz_assert_pcp_locked(pz, pcp);
	if (p->order != order)
		p->order = (uint8_t)order; /* normally equal: checked at free */
	if (cold)
		pz_list_add_tail(pz, list, p);
	else
		pz_list_add_head(pz, list, p);
	pg_set_where(p, PG_PCP);
	pcp->count += 1 << order;
	pz_count_owned(&pcp->ev_locked[PCPEV_PGFREE], (uint64_t)1 << order);
	/* free_factor is never set before 5.14 */
	if (pz_unlikely(pcp->count >= atomic_load_explicit(&pcp->high, memory_order_acquire) ||
			(pcp->free_factor && order) || reclaim))
		return pz_pcp_flush_locked(pz, z, pcp, order, mt, t);
	return 0;
}
/*
 * 4.1's NR_ALLOC_BATCH is a vmstat item: an allocation changes this CPU's
 * delta (__mod_zone_page_state), which is folded into the zone-wide value
 * only when it passes stat_threshold; the fair policy reads the zone-wide
 * value (so the CPUs drift, as the kernel's do). Both with z's pcp lock of
 * this CPU held.
 */
static inline void pz_fair_batch_mod_locked(const struct pz *pz, struct pz_zone *z,
					    struct pz_pcp *pcp, long delta)
{
	long x = atomic_load_explicit(&pcp->alloc_batch_diff, memory_order_relaxed) + delta;

	pz_assert_pcp_locked(pz, pcp);
	if (x > z->stat_threshold || x < -z->stat_threshold) {
		atomic_fetch_add_explicit(&z->nr_alloc_batch, x, memory_order_relaxed);
		x = 0;
	}
	atomic_store_explicit(&pcp->alloc_batch_diff, (int)x, memory_order_relaxed);
}
/* nr allocations of 2^order pages, each as buffered_rmqueue accounts it:
 * the delta, its folds, then ZONE_FAIR_DEPLETED once the zone-wide value
 * is spent (it only falls, so testing the end value is the same). */
static inline void pz_fair_batch_sub_locked(const struct pz *pz, struct pz_zone *z,
					    struct pz_pcp *pcp, uint64_t nr, unsigned order)
{
	long s = 1l << order, t = z->stat_threshold;
	long d = atomic_load_explicit(&pcp->alloc_batch_diff, memory_order_relaxed);
	long first = (d + t) / s + 1; /* steps until the first fold (|d| <= t) */
	long fold = 0;

	pz_assert_pcp_locked(pz, pcp);
	if ((long)nr < first) {
		d -= (long)nr * s;
	} else {
		long period = t / s + 1, rest = (long)nr - first;

		fold = d - first * s - (rest / period) * period * s;
		d = -(rest % period) * s;
	}
	atomic_store_explicit(&pcp->alloc_batch_diff, (int)d, memory_order_relaxed);
	if (fold)
		atomic_fetch_add_explicit(&z->nr_alloc_batch, fold, memory_order_relaxed);
	if (zload(&z->nr_alloc_batch) <= 0 &&
	    !(atomic_load_explicit(&z->flags, memory_order_relaxed) & ZONE_FAIR_DEPLETED))
		atomic_fetch_or_explicit(&z->flags, ZONE_FAIR_DEPLETED, memory_order_relaxed);
}
/* How many more order-0 allocations z serves on this CPU before its fair
 * batch is spent (the one that spends it included): where a bulk pass must
 * stop to hand out what single calls would. */
static inline uint64_t pz_fair_batch_left_locked(const struct pz *pz, struct pz_zone *z,
						 struct pz_pcp *pcp)
{
	long t = z->stat_threshold, g = zload(&z->nr_alloc_batch);
	long d = atomic_load_explicit(&pcp->alloc_batch_diff, memory_order_relaxed);
	long first = d + t + 1;

	pz_assert_pcp_locked(pz, pcp);
	if (g <= 0)
		return 1;
	g += d - first;
	if (g <= 0)
		return (uint64_t)first;
	return (uint64_t)(first + (g + t) / (t + 1) * (t + 1));
}
/* The zone-wide NR_ALLOC_BATCH with every CPU's delta (what the zone has
 * left: zone_page_state_snapshot). */
long pz_fair_batch_snapshot(const struct pz *pz, const struct pz_zone *z);
/*
 * The per-allocation accounting of buffered_rmqueue for nr allocations of
 * one order from z on this CPU (preferred zone pref): the fair batch (4.1), PGALLOC in pages, and zone_statistics'
 * NUMA counters (per call). With z's pcp lock held (locked) this CPU's
 * counters are bumped without atomic read-modify-writes; NUMA_FOREIGN
 * belongs to another zone and stays atomic. Without it (locked false) no
 * zone lock may be held: the fair batch takes the pcp lock.
 */
static inline void pz_count_allocs(struct pz *pz, struct pz_zone *z, struct pz_zone *pref,
				   unsigned cpu, unsigned order, uint64_t nr, pz_gfp_t gfp,
				   bool locked)
{
	struct pz_pcp *pcp = &z->pcp[cpu];
	atomic_uint_least64_t *ev = locked ? pcp->ev_locked : pcp->ev;
	unsigned local = (gfp & PZ__GFP_OTHER_NODE) ? pref->nid : pz->cpu_node[cpu];
	unsigned which = z->nid == local ? PCPEV_NUMA_LOCAL : PCPEV_NUMA_OTHER;
	unsigned hit = z->nid == pref->nid ? PCPEV_NUMA_HIT : PCPEV_NUMA_MISS;
	long pages = (long)(nr << order);

	if (!pz_feature(pz, PZ_FEAT_NO_FAIR_POLICY)) {
		if (!locked)
			pz_lock(pz, &pcp->lock);
		pz_fair_batch_sub_locked(pz, z, pcp, nr, order);
		if (!locked)
			pz_unlock(&pcp->lock);
	}
	if (z->nid != pref->nid)
		pz_count_n(&pref->pcp[cpu].ev[PCPEV_NUMA_FOREIGN], nr);
	if (locked) {
		pz_count_owned(&ev[PCPEV_PGALLOC], (uint64_t)pages);
		pz_count_owned(&ev[hit], nr);
		pz_count_owned(&ev[which], nr);
	} else {
		pz_count_n(&ev[PCPEV_PGALLOC], (uint64_t)pages);
		pz_count_n(&ev[hit], nr);
		pz_count_n(&ev[which], nr);
	}
}
/* pz_count_allocs for one allocation of the request ac describes. */
static inline void pz_count_alloc(struct pz *pz, struct pz_zone *z, unsigned order, pz_gfp_t gfp,
				  const struct pz_alloc_ctx *ac, bool locked)
{
	pz_count_allocs(pz, z, ac->preferred, ac->cpu, order, 1, gfp, locked);
}

#endif /* PZ_PCP_H */
