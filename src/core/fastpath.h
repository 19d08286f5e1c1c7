/*
 * fastpath.h - the shortcuts' inline bodies: their alloc context,
 * new-page prep, the free-side claim, and the cheap gates (fault, trace).
 * Included by internal.h after the declarations: include that, not this.
 */
#ifndef PZ_FASTPATH_H
#define PZ_FASTPATH_H

#ifndef PZ_INTERNAL_H
#error "include internal.h, not fastpath.h"
#endif

/* The gfp_fast entry of a gfp (see PZ_GFP_FAST_BITS) and its two fields. */
static inline unsigned pz_gfp_fast(const struct pz *pz, pz_gfp_t gfp)
{
	return pz->gfp_fast[gfp & PZ_GFP_FAST_BITS];
}
static inline unsigned pz_fast_zoneidx(unsigned fast)
{
	return fast & 0xfu;
}
static inline unsigned pz_fast_mt(unsigned fast)
{
	return fast >> 4;
}
static inline uint8_t pz_fast_pack(unsigned high_zoneidx, unsigned mt)
{
	return (uint8_t)(high_zoneidx | mt << 4);
}
_Static_assert(PZ_NR_ZONE_TYPES <= 16 && PZ_MT_PCPTYPES <= 15, "a gfp_fast entry packs both");

/* The calling task, or the instance's default task (no cpuset, no policy). */
static inline const struct pz_task *pz_task_current(struct pz *pz)
{
	struct pz_task *(*hook)(void) = pz_current_task_hook;
	struct pz_task *t = hook ? hook() : (struct pz_task *)0;

	return t ? t : &pz->default_task;
}

/*
 * The alloc context of a per-CPU shortcut (alloc_pcp_fast, the bulk
 * allocator): false when the request needs something only the general path
 * does (a report, WRITE spreading, a restricted cpuset, slot-3 types, no
 * eligible zone). Callers have checked: no nodemask, no tracing, cpusets
 * off. The common request (local node, no __GFP_THISNODE) finds its
 * preferred zone precomputed per CPU (pz->cpu_zone).
 */
static PZ_ALWAYS_INLINE bool pz_fast_ctx(struct pz *pz, pz_gfp_t gfp, int nid,
					 const struct pz_task *task, struct pz_alloc_ctx *ac)
{
	unsigned fast = pz_gfp_fast(pz, gfp), list = (gfp & PZ__GFP_THISNODE) ? 1 : 0, zid;

	/* forbidden zone mixes and MOVABLE|RECLAIMABLE are reported by the
	 * general path; WRITE spreading and cpusets are its too */
	if (pz_unlikely(fast == PZ_GFP_FAST_NONE) || (gfp & pz->gfp_slow))
		return false;
	ac->task = task ? task : pz_task_current(pz);
	if (pz_mask_load(&ac->task->mems_allowed) != PZ_NODEMASK_ALL)
		return false;
	ac->cpu = pz_this_cpu(pz);
	ac->high_zoneidx = pz_fast_zoneidx(fast);
	if (pz_likely(nid < 0 && !list)) {
		nid = pz->cpu_node[ac->cpu];
		zid = pz->cpu_zone[ac->cpu][ac->high_zoneidx];
	} else {
		if (nid < 0)
			nid = pz->cpu_node[ac->cpu];
		else if ((unsigned)nid >= pz->nr_nodes)
			return false;
		zid = pz->nodes[nid].first_zone[list][ac->high_zoneidx];
	}
	if (pz_unlikely(zid == PZ_NO_ZONE))
		return false;
	ac->zonelist = pz->nodes[nid].zonelist[list];
	ac->nodemask = (const pz_nodemask_t *)0;
	ac->migratetype = pz_fast_mt(fast);
	ac->spread_dirty_pages = false;
	ac->t = (struct pz_tbuf *)0;
	ac->preferred = &pz->zones[zid];
	ac->classzone_idx = ac->preferred->type;
	return true;
}
/*
 * prep_new_page done inline for a clean block whose head is all there is to
 * check and write (order 0, or head-only checks with lazy tails), for a
 * call that asks no zeroing while no debugging is on (the caller's part,
 * see pz_prep_fast). Returns false, having changed nothing, when the
 * general pz_prep_new_page must run (which reports a bad page).
 */
static inline bool pz_prep_head(struct pz *pz, struct pz_page *p, unsigned order, pz_gfp_t gfp)
{
	if (pg_flags(p) | (unsigned)p->mapcount |
	    (unsigned)atomic_load_explicit(&p->refcount, memory_order_relaxed))
		return false;
	if (order && (pz_pages_to_check(pz, order) != 1 || !pz_feature(pz, PZ_FEAT_LAZY_TAILS)))
		return false;
	p->order = (uint8_t)order;
	p->owner = 0;
	if (order && (gfp & PZ__GFP_COMP))
		pg_set_where(p, PG_HEAD);
	atomic_store_explicit(&p->refcount, 1, memory_order_release);
	return true;
}
/* pz_prep_head with the call's part checked too. */
static inline bool pz_prep_fast(struct pz *pz, struct pz_page *p, unsigned order, pz_gfp_t gfp)
{
	return !(gfp & PZ__GFP_ZERO) && !pz->debug && pz_prep_head(pz, p, order, gfp);
}
static inline bool pz_fault_armed(const struct pz *pz)
{
	return atomic_load_explicit(&pz->fault.armed, memory_order_relaxed) != 0;
}
/* should_fail_alloc_page: true when this request is to fail (spec §10).
 * Called with no allocator lock held. */
static inline bool pz_should_fail_alloc_page(struct pz *pz, const struct pz_task *task,
					     pz_gfp_t gfp, unsigned order)
{
	return pz_unlikely(pz_fault_armed(pz)) &&
	       pz_should_fail_alloc_page_slow(pz, task, gfp, order);
}
/*
 * The common free of a block with a per-CPU list, first half: a block this
 * instance handed out at this order, last reference, no state the free
 * check would object to, and (order > 0) nothing but its head to check or
 * clear (head-only checks and lazy tails). It drops the reference, clears
 * what free_pages_prepare clears and records the pageblock type, returning
 * true; for anything else it returns false having changed nothing (the
 * general path then reports or handles it).
 */
static inline bool pz_claim_pcp_block(struct pz *pz, struct pz_page *p, unsigned order)
{
	const unsigned ok =
		PG_PFMEMALLOC | (PZ_PAGE_DIRTY << PG_USER_SHIFT) | (order ? PG_HEAD : 0);
	int one = 1;

	if ((pg_flags(p) & ~ok) || p->order != order || p->mapcount != 0)
		return false;
	if (order && (!pz_feature(pz, PZ_FEAT_LAZY_TAILS) || pz_pages_to_check(pz, order) != 1))
		return false;
	if (!atomic_compare_exchange_strong_explicit(&p->refcount, &one, 0, memory_order_acq_rel,
						     memory_order_relaxed))
		return false;
	pg_clear_for_free(p);
	if (order)
		pg_set_where(p, 0); /* PG_HEAD */
	p->owner = 0;
	p->mt = (uint8_t)pz_pageblock_mt(pz, pz_page_pfn(pz, p));
	return true;
}
/* Records an event when tracing (t != NULL); one branch otherwise. */
static inline void pz_trace_rec(struct pz_tbuf *t, enum pz_trace_kind kind, uint64_t pfn,
				unsigned order, unsigned mt, unsigned flag)
{
	if (pz_unlikely(t != 0))
		pz_trace_rec_slow(t, kind, pfn, order, mt, flag);
}

#endif /* PZ_FASTPATH_H */
