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
		long mark = zload(&z->wmark[1]) + (long)want;

		if (pz->nr_nodes > 1 && z->nid != ac->preferred->nid)
			break;
		if (pz_watermark_ok(pz, z, 0, mark, ac->classzone_idx, flags))
			return z;
	}
	return (struct pz_zone *)0;
}

#define BULK_MAX_BAD 16

/*
 * Fills empty slots from z's per-CPU list under one lock hold. A page in a
 * bad state is set aside and reported (and leaked) after the unlock, its
 * slot left for the single-allocation pass.
 */
static void bulk_take(struct pz *pz, struct pz_zone *z, pz_gfp_t gfp, const struct pz_alloc_ctx *ac,
		      size_t n, pz_page_t **array)
{
	struct pz_pcp *pcp = &z->pcp[ac->cpu];
	struct pz_page *bad[BULK_MAX_BAD];
	bool cold = gfp & PZ_GFP_COLD;
	unsigned nbad = 0;

	pz_lock(pz, &pcp->lock);
	for (size_t i = 0; i < n && nbad < BULK_MAX_BAD; i++) {
		struct pz_page *p;

		if (array[i])
			continue;
		p = pz_pcp_take_locked(pz, z, pcp, ac->migratetype, cold, (struct pz_tbuf *)0);
		if (!p)
			break;
		pz_count_alloc(pz, z, 0, gfp, ac, true);
		if (pz_unlikely(pz_new_page_problem(p) != 0)) {
			bad[nbad++] = p;
			i--; /* this slot is still empty */
			continue;
		}
		pz_prep_new_page(pz, p, 0, gfp, 0); /* cannot fail: checked above */
		array[i] = p;
	}
	pz_unlock(&pcp->lock);
	for (unsigned k = 0; k < nbad; k++)
		pz_prep_new_page(pz, bad[k], 0, gfp, 0); /* reports and leaks */
}

size_t pz_alloc_pages_bulk(pz_t *pz, pz_gfp_t gfp, int nid, const pz_nodemask_t *nodemask, size_t n,
			   pz_page_t **array)
{
	struct pz_alloc_ctx ac;
	struct pz_zone *z;
	size_t empty = 0, filled = 0;

	if (!pz_instance_ok(pz) || (n && !array))
		return 0;
	for (size_t i = 0; i < n; i++)
		empty += !array[i];
	/* 5.13 asks fail_page_alloc once per call that needs more than one
	 * page (prepare_alloc_pages); the single allocations below ask again,
	 * as __alloc_pages does */
	if (empty > 1 &&
	    pz_should_fail_alloc_page(pz, pz_task_current(pz), gfp & PZ_GFP_BITS_MASK, 0)) {
		pz_count(&pz->err.alloc_failed);
		return n - empty;
	}
	/* poison checks may log, which must not happen under the pcp lock */
	if (empty > 1 && !nodemask && !pz->plat.trace && !pz->debug &&
	    !atomic_load_explicit(&pz->cpusets_enabled, memory_order_relaxed) &&
	    pz_fast_ctx(pz, gfp, nid, &ac) && (z = bulk_zone(pz, &ac, empty)))
		bulk_take(pz, z, gfp, &ac, n, array);
	/* what is left: single allocations until one fails */
	for (size_t i = 0; i < n; i++) {
		if (!array[i] && !(array[i] = pz_alloc_pages_nodemask(pz, gfp, 0, nid, nodemask)))
			break;
	}
	for (size_t i = 0; i < n; i++)
		filled += array[i] != 0;
	return filled;
}

int pz_free_pages_bulk(pz_t *pz, pz_page_t *const *pages, size_t n)
{
	int first = 0;

	if (!pz_instance_ok(pz) || (n && !pages))
		return -PZ_EINVAL;
	for (size_t i = 0; i < n; i++) {
		int rc;

		if (!pages[i])
			continue;
		rc = pz_free_pages(pz, pages[i], 0);
		if (rc && !first)
			first = rc;
	}
	return first;
}
