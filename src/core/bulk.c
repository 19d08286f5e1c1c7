/*
 * bulk.c - alloc_pages_bulk and its free counterpart (Linux 5.13+).
 *
 * Filling an array of order-0 pages one call at a time repeats the whole
 * fast path per page. The bulk allocator picks one zone up front - the
 * first local zone whose LOW watermark still holds with all the requested
 * pages taken out - and then pulls pages from that zone's per-CPU list
 * (refilling it from the buddy lists as it runs dry) under a single lock
 * hold. Anything it cannot serve that way (no such zone, tracing, cpusets,
 * a nodemask) is left to single allocations, as the kernel falls back to
 * __alloc_pages for one page.
 *
 * Pages are prepared after the lock is dropped, so that a bad page's
 * report never runs under the lock; a bad page is leaked and its slot
 * refilled by the single-allocation pass.
 */
#include "internal.h"

/* The zone the bulk pass takes from: spec of 5.13's __alloc_pages_bulk. */
static struct pz_zone *bulk_zone(struct pz *pz, const struct pz_alloc_ctx *ac, size_t want)
{
	unsigned pos = 0, flags = PZ_ALLOC_WMARK_LOW | PZ_ALLOC_CPUSET;
	struct pz_zone *z;

	if (pz->has_cma && ac->migratetype == PZ_MT_MOVABLE)
		flags |= PZ_ALLOC_CMA;
	while ((z = pz_next_zone(pz, ac->zonelist, &pos, ac->high_zoneidx, ac->nodemask))) {
		long mark = pz_wmark_pages(z, PZ_WMARK_LOW) + (long)want;

		if (pz->nr_nodes > 1 && z->nid != ac->preferred->nid)
			break;
		/* 4.1's fair pass skips a depleted zone (bulk_take stops where
		 * the zone's batch runs out; single calls go on from there) */
		if (!pz_feature(pz, PZ_FEAT_NO_FAIR_POLICY) &&
		    (atomic_load_explicit(&z->flags, memory_order_relaxed) & ZONE_FAIR_DEPLETED))
			continue;
		if (pz_watermark_ok(pz, z, 0, mark, ac->classzone_idx, flags))
			return z;
	}
	return (struct pz_zone *)0;
}

#define BULK_MAX_BAD 16

/* prep_new_page of an order-0 page that passes the checks (zeroed if
 * asked); false (nothing changed, nothing logged) for a page the checks
 * object to. */
static inline bool prep_clean(struct pz *pz, struct pz_page *p, pz_gfp_t gfp)
{
	if (pz_prep_fast(pz, p, 0, gfp))
		return true;
	return !pz_new_page_problem(p) && pz_prep_new_page(pz, p, 0, gfp, 0);
}

/* The first empty slot of array[0..n) at or after i, or n. */
static inline size_t next_empty(pz_page_t *const *array, size_t i, size_t n)
{
	while (i < n && array[i])
		i++;
	return i;
}

/* A bulk pass's progress: every slot below i is filled; pages the checks
 * objected to wait in bad[] until the lock is dropped. */
struct bulk_fill {
	pz_page_t **array;
	size_t n, i, filled;
	unsigned nbad;
	struct pz_page **bad;
};

/* Moves f->i to the next empty slot; false when none is left. */
static PZ_ALWAYS_INLINE bool bulk_slot(struct bulk_fill *f)
{
	f->i = next_empty(f->array, f->i, f->n);
	return f->i < f->n;
}

/* Slot f->i takes p when its checks passed (ok); otherwise p is set aside. */
static PZ_ALWAYS_INLINE void bulk_put(struct bulk_fill *f, struct pz_page *p, bool ok)
{
	if (ok) {
		f->array[f->i] = p;
		f->filled++;
	} else {
		f->bad[f->nbad++] = p;
	}
}

/*
 * The refill of an empty list pulled straight into the array: up to limit
 * pages go to empty slots, the unused rest is parked on the list as the
 * refill would have left it. Returns the pages taken, or -1 when the buddy
 * lists had none.
 */
static PZ_ALWAYS_INLINE int bulk_refill(struct pz *pz, struct pz_zone *z, struct pz_pcp *pcp,
					const struct pz_alloc_ctx *ac, struct bulk_fill *f,
					pz_gfp_t gfp, uint64_t limit)
{
	struct pz_page *got[PZ_PCP_MAX_BATCH];
	bool plain = !(gfp & PZ__GFP_ZERO) && !pz->debug;
	/* the bulk allocator's alloc_flags as __rmqueue sees them: ALLOC_CMA
	 * for movable requests, never ALLOC_NOFRAGMENT (6.1 sets that only
	 * for single allocations) */
	unsigned flags = ac->migratetype == PZ_MT_MOVABLE && pz->has_cma ? PZ_ALLOC_CMA : 0;
	int pulled = pz_pcp_pull_batch_locked(pz, z, pcp, ac->migratetype, flags, got), k = 0;
	int kmax = limit < (uint64_t)pulled ? (int)limit : pulled;

	if (!pulled)
		return -1;
	for (; k < kmax && bulk_slot(f); k++) {
		bulk_put(f, got[k],
			 plain ? pz_prep_head(pz, got[k], 0, gfp) : prep_clean(pz, got[k], gfp));
		if (f->nbad == BULK_MAX_BAD) {
			k++;
			break;
		}
	}
	pz_pcp_park_locked(pz, pcp, pz_pcp_list(pz, pcp, 0, ac->migratetype), 0,
			   (gfp & PZ__GFP_COLD) != 0, got + k, pulled - k);
	pcp->count += pulled - k;
	return k;
}

/* After the unlock: each page set aside is reported and leaked, or - should
 * it have become good since - fills an empty slot or goes back. Returns
 * the slots it filled. */
static size_t bulk_settle_bad(struct pz *pz, pz_gfp_t gfp, pz_page_t **array, size_t n,
			      struct pz_page *const *bad, unsigned nbad)
{
	size_t filled = 0;

	for (unsigned b = 0; b < nbad; b++) {
		size_t j;

		if (!pz_prep_new_page(pz, bad[b], 0, gfp, 0))
			continue;
		j = next_empty(array, 0, n);
		if (j < n) {
			array[j] = bad[b];
			filled++;
		} else {
			pz_free_pages(pz, bad[b], 0);
		}
	}
	return filled;
}

/*
 * Fills empty slots from z's per-CPU list under one lock hold; returns how
 * many it filled. Whenever the list runs dry, the refill's batch is pulled
 * straight into the array (bulk_refill) instead of being linked onto the
 * list and unlinked again. With 4.1's fair policy a zone serves only what
 * is left of its batch; each page taken counts against it, as a single
 * call's would.
 */
static size_t bulk_take(struct pz *pz, struct pz_zone *z, pz_gfp_t gfp,
			const struct pz_alloc_ctx *ac, size_t n, pz_page_t **array, size_t *pos)
{
	struct pz_pcp *pcp = &z->pcp[ac->cpu];
	struct pz_list *list = pz_pcp_list(pz, pcp, 0, ac->migratetype);
	struct pz_page *bad[BULK_MAX_BAD];
	struct bulk_fill f = {array, n, *pos, 0, 0, bad};
	uint64_t taken = 0, limit = (uint64_t)-1;

	pz_lock(pz, &pcp->lock);
	if (!pz_feature(pz, PZ_FEAT_NO_FAIR_POLICY))
		limit = pz_fair_batch_left_locked(pz, z, pcp);
	while (f.nbad < BULK_MAX_BAD && taken < limit && bulk_slot(&f)) {
		int k;

		if (!pz_list_empty(list)) {
			struct pz_page *p =
				pz_pcp_take_locked(pz, z, pcp, 0, ac->migratetype, 0,
						   (gfp & PZ__GFP_COLD) != 0, (struct pz_tbuf *)0);

			taken++;
			bulk_put(&f, p, prep_clean(pz, p, gfp));
			continue;
		}
		k = bulk_refill(pz, z, pcp, ac, &f, gfp, limit - taken);
		if (k < 0)
			break;
		taken += (uint64_t)k;
	}
	if (taken)
		pz_count_allocs(pz, z, ac->preferred, ac->cpu, 0, taken, gfp, true);
	pz_unlock(&pcp->lock);
	*pos = f.i;
	return f.filled + bulk_settle_bad(pz, gfp, array, n, bad, f.nbad);
}

size_t pz_alloc_pages_bulk(pz_t *pz, pz_gfp_t gfp, int nid, const pz_nodemask_t *nodemask, size_t n,
			   pz_page_t **array)
{
	struct pz_alloc_ctx ac;
	struct pz_zone *z;
	const struct pz_task *task;
	size_t empty = 0, got = 0, pos = 0;
	bool bulk = false;

	if (!pz_instance_ok(pz) || (n && !array))
		return 0;
	for (size_t i = 0; i < n; i++)
		empty += !array[i];
	if (empty > 1) {
		task = pz_task_current(pz);
		/* 5.13 asks fail_page_alloc once per call that needs more than
		 * one page (prepare_alloc_pages); the single allocations below
		 * ask again, as __alloc_pages does */
		if (pz_should_fail_alloc_page(pz, task, gfp & PZ__GFP_BITS_MASK, 0)) {
			pz_count(&pz->err.alloc_failed);
			return n - empty;
		}
		/* poison checks may log, which must not happen under the pcp lock */
		bulk = !nodemask && !(atomic_load_explicit(&pz->fast_off, memory_order_relaxed) &
				      (PZ_OFF_TRACE | PZ_OFF_DEBUG | PZ_OFF_CPUSETS));
	}
	/*
	 * Per-CPU passes while a zone can serve one; otherwise one single
	 * allocation (which may reset 4.1's fair batches, wake reclaim or
	 * fail), after which the passes go on: with 4.1's fair policy a pass
	 * ends where a zone's batch runs out, and single calls would move on
	 * to the next zone or reset the batches exactly so.
	 */
	while (got < empty) {
		if (bulk && empty - got > 1 && pz_fast_ctx(pz, gfp, nid, task, &ac) &&
		    (z = bulk_zone(pz, &ac, empty - got))) {
			size_t took = bulk_take(pz, z, gfp, &ac, n, array, &pos);

			got += took;
			if (took)
				continue;
		}
		pos = next_empty(array, pos, n);
		if (pos == n || !(array[pos] = pz_alloc_pages_nodemask(pz, gfp, 0, nid, nodemask)))
			break;
		got++;
	}
	return n - empty + got;
}

/*
 * The bulk free: each page that the order-0 shortcut may free is claimed
 * and put on this CPU's list of its zone, one pcp lock hold serving a run
 * of pages of the same zone (dropped every BULK_FREE_RUN pages so that a
 * remote drain is never kept waiting long); exactly what freeing them one
 * by one would do, flushes included. Any other page goes through
 * pz_free_pages (which reports misuse) with no lock held.
 */
#define BULK_FREE_RUN 256

/* Ends a run of frees under one pcp lock hold, if one is going on. */
static inline void end_run(struct pz_zone **held, struct pz_pcp *pcp)
{
	if (*held)
		pz_unlock(&pcp->lock);
	*held = (struct pz_zone *)0;
}

int pz_free_pages_bulk(pz_t *pz, pz_page_t *const *pages, size_t n)
{
	struct pz_zone *held = (struct pz_zone *)0;
	struct pz_pcp *pcp = (struct pz_pcp *)0;
	unsigned cpu, run = 0;
	bool fast;
	int first = 0;

	if (!pz_instance_ok(pz) || (n && !pages))
		return -PZ_EINVAL;
	cpu = pz_this_cpu(pz);
	fast = !(atomic_load_explicit(&pz->fast_off, memory_order_relaxed) & PZ_OFF_FREE);
	for (size_t i = 0; i < n; i++) {
		struct pz_page *p;
		int rc;

		if (!pages[i])
			continue;
		p = pz_checked_page(pz, pages[i]);
		if (fast && p && pz_claim_pcp_block(pz, p, 0)) {
			struct pz_zone *z = pz_page_zone(pz, p);
			unsigned mt = p->mt;

			if (mt == PZ_MT_ISOLATE) {
				/* an isolated block: the buddy lists directly */
				end_run(&held, pcp);
				pz_pcp_free(pz, z, p, 0, cpu, false, (struct pz_tbuf *)0);
				continue;
			}
			if (z != held || ++run == BULK_FREE_RUN) {
				end_run(&held, pcp);
				held = z;
				pcp = &z->pcp[cpu];
				run = 0;
				pz_lock(pz, &pcp->lock);
			}
			pz_pcp_free_locked(pz, z, pcp, p, 0,
					   mt < PZ_MT_PCPTYPES ? mt : PZ_MT_MOVABLE, false, false,
					   (struct pz_tbuf *)0);
			continue;
		}
		end_run(&held, pcp);
		rc = pz_free_pages(pz, pages[i], 0);
		if (rc && !first)
			first = rc;
	}
	end_run(&held, pcp);
	return first;
}
