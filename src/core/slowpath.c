/*
 * slowpath.c - __alloc_pages_slowpath: what happens when the fast path
 * found no zone above its LOW watermark.
 *
 * This is the one place that decides to relax watermarks, reclaim, compact,
 * call the OOM handler, retry or fail. The steps that need no reclaim are
 * here in the kernel's order: the THISNODE early exit, alloc_flags from the
 * gfp mask (MIN watermark, ALLOC_HIGH / ALLOC_HARDER, the cpuset dropped for
 * atomic requests), the MIN-watermark attempt, the no-watermark attempt for
 * memalloc tasks, and the exits for requests that may not block, tasks
 * already in reclaim and OOM victims.
 *
 * SEAM: background reclaim (waking kswapd), direct compaction, direct
 * reclaim with its drain-and-retry, the retry rules and the OOM step come
 * with the slow-path work; until then a request that gets past the exits
 * fails here, at "nopage", with the kernel's warning.
 */
#include "internal.h"

static struct pz_page *nopage(struct pz *pz, pz_gfp_t gfp, unsigned order)
{
	pz_warn_alloc_failed(pz, gfp, order);
	return (struct pz_page *)0;
}

struct pz_page *pz_alloc_slowpath(struct pz *pz, pz_gfp_t gfp, unsigned order,
				  struct pz_alloc_ctx *ac)
{
	bool can_direct_reclaim = gfp & PZ_GFP_DIRECT_RECLAIM;
	unsigned alloc_flags;
	struct pz_page *p;

	if (pz->profile != PZ_PROFILE_LINUX_4_1 && (gfp & PZ_GFP_ATOMIC) && can_direct_reclaim) {
		pz_warn_once(pz, PZ_WARN_ATOMIC_RECLAIM,
			     "WARNING: __GFP_ATOMIC together with __GFP_DIRECT_RECLAIM");
		gfp &= ~PZ_GFP_ATOMIC;
	}
	if ((gfp & PZ_GFP_THISNODE) && !can_direct_reclaim)
		return nopage(pz, gfp, order);

	/* retry: (waking kswapd goes here) */
	alloc_flags = pz_gfp_to_alloc_flags(pz, ac->task, gfp, ac->migratetype);
	if (!(alloc_flags & PZ_ALLOC_CPUSET) && !ac->nodemask)
		pz_first_zone(pz, ac, (const pz_nodemask_t *)0);
	p = pz_get_page_from_freelist(pz, gfp, order, alloc_flags & ~PZ_ALLOC_NO_WATERMARKS, ac);
	if (p)
		return p;
	if (alloc_flags & PZ_ALLOC_NO_WATERMARKS) {
		/* __alloc_pages_high_priority; 4.1 switches to the local zonelist */
		if (pz->profile == PZ_PROFILE_LINUX_4_1)
			ac->zonelist = pz->nodes[pz->cpu_node[ac->cpu]]
					       .zonelist[(gfp & PZ_GFP_THISNODE) ? 1 : 0];
		p = pz_get_page_from_freelist(pz, gfp, order, PZ_ALLOC_NO_WATERMARKS, ac);
		if (p)
			return p;
	}
	if (!can_direct_reclaim) {
		if (gfp & PZ_GFP_NOFAIL)
			pz_warn_once(pz, PZ_WARN_NOFAIL_NOWAIT,
				     "WARNING: __GFP_NOFAIL without direct reclaim");
		return nopage(pz, gfp, order);
	}
	if (ac->task->flags & PZ_TASK_MEMALLOC)
		return nopage(pz, gfp, order);
	if ((ac->task->flags & PZ_TASK_OOM_VICTIM) && !(gfp & PZ_GFP_NOFAIL))
		return nopage(pz, gfp, order);
	/* SEAM: compaction, direct reclaim, retry rules and OOM (spec section 7). */
	return nopage(pz, gfp, order);
}
