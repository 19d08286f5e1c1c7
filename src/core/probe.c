/*
 * probe.c - pz_alloc_probe: the block the fast path would hand out for a
 * request, found without changing anything (place.c says why a probe and
 * not an allocation rolled back).
 *
 * It follows get_page_from_freelist's first pass on the calling CPU: the
 * zones of the request's zonelist up to its highest zone index, the first
 * one passing its LOW watermark (ALLOC_WMARK_LOW | ALLOC_CPUSET, and
 * ALLOC_CMA for movable requests when there is CMA). Inside that zone,
 * buffered_rmqueue's choice: for a per-CPU order the head of this CPU's
 * list (the tail for a cold request), or, when the list is empty, the
 * first block the refill would pull; otherwise __rmqueue: the smallest
 * block of the request's type, CMA for a movable request, the largest
 * block of the first fallback type that has one, and 4.1's
 * MIGRATE_RESERVE. A zone that passes its watermark but has no block at
 * all is passed over, as the kernel's loop does.
 *
 * Not probed (each only changes which zone is tried first or whether the
 * first pass is skipped): 4.1's fair-zone rotation, the cpuset and dirty
 * limits, zone_reclaim_mode, fail_page_alloc. The locks are each zone's
 * pcp lock of this CPU, then its zone lock, as an allocation takes them.
 */
#include "internal.h"

static void choice_set(const struct pz *pz, struct pz_alloc_choice *c, enum pz_probe_source src,
		       const struct pz_page *p, unsigned list_mt)
{
	c->source = src;
	c->pfn = (int64_t)pz_page_pfn(pz, p);
	c->block_mt = (int)pz_pageblock_mt(pz, pz_page_pfn(pz, p));
	c->list_mt = (int)list_mt;
}

/* The first non-empty list of mt at or above order. */
static const struct pz_page *smallest_locked(const struct pz *pz, const struct pz_zone *z,
					     unsigned order, unsigned mt)
{
	for (unsigned o = order; o < pz->max_order; o++)
		if (!pz_list_empty(&z->free_area[o].list[mt]))
			return &pz->pages[z->free_area[o].list[mt].first];
	return (const struct pz_page *)0;
}

/* __rmqueue's choice in z; false when z has no block for the request. */
static bool probe_rmqueue_locked(const struct pz *pz, const struct pz_zone *z, unsigned order,
				 unsigned mt, enum pz_probe_source src, struct pz_alloc_choice *c)
{
	const struct pz_page *p = smallest_locked(pz, z, order, mt);

	if (p) {
		choice_set(pz, c, src, p, mt);
		return true;
	}
	if (mt >= PZ_MT_PCPTYPES)
		return false;
	if (mt == PZ_MT_MOVABLE && pz->has_cma && (p = smallest_locked(pz, z, order, PZ_MT_CMA))) {
		choice_set(pz, c, src == PZ_PROBE_BUDDY ? PZ_PROBE_RESERVE : src, p, PZ_MT_CMA);
		return true;
	}
	for (int o = (int)pz->max_order - 1; o >= (int)order; o--) {
		bool can_steal;
		int fmt = pz_find_suitable_fallback(pz, &z->free_area[o], (unsigned)o, mt, false,
						    &can_steal);

		if (fmt < 0)
			continue;
		p = &pz->pages[z->free_area[o].list[fmt].first];
		choice_set(pz, c, src == PZ_PROBE_BUDDY ? PZ_PROBE_FALLBACK : src, p,
			   (unsigned)fmt);
		c->fallback_order = (unsigned)o;
		return true;
	}
	if (pz_kver(pz) < PZ_KV(4, 4) && (p = smallest_locked(pz, z, order, PZ_MT_RESERVE))) {
		choice_set(pz, c, src == PZ_PROBE_BUDDY ? PZ_PROBE_RESERVE : src, p, PZ_MT_RESERVE);
		return true;
	}
	return false;
}

/* The refill __rmqueue_pcplist asks for: batch pages for order 0, batch
 * >> order blocks but at least two above (one block with a batch of 1). */
static unsigned refill_blocks(const struct pz_pcp *pcp, unsigned order)
{
	int batch = atomic_load_explicit(&pcp->batch, memory_order_acquire);

	if (order && batch > 1) {
		batch >>= order;
		batch = batch < 2 ? 2 : batch;
	}
	return (unsigned)(batch < PZ_PCP_MAX_BATCH ? batch : PZ_PCP_MAX_BATCH);
}

/* buffered_rmqueue's choice in z. */
static bool probe_zone(struct pz *pz, struct pz_zone *z, unsigned order, unsigned mt, bool cold,
		       unsigned cpu, struct pz_alloc_choice *c)
{
	struct pz_pcp *pcp = &z->pcp[cpu];
	int level = mt < PZ_MT_PCPTYPES ? pz_pcp_level(pz, order) : -1;
	enum pz_probe_source src = PZ_PROBE_BUDDY;
	bool found;

	if (level >= 0) {
		const struct pz_list *l;

		pz_lock(pz, &pcp->lock);
		l = pz_pcp_list(pcp, (unsigned)level, mt);
		if (!pz_list_empty(l)) {
			choice_set(pz, c, PZ_PROBE_PCP, &pz->pages[cold ? l->last : l->first], mt);
			pz_unlock(&pcp->lock);
			return true;
		}
		src = PZ_PROBE_PCP_REFILL;
		c->refill_blocks = refill_blocks(pcp, order);
	}
	pz_lock(pz, &z->lock);
	found = probe_rmqueue_locked(pz, z, order, mt, src, c);
	pz_unlock(&z->lock);
	if (level >= 0)
		pz_unlock(&pcp->lock);
	if (!found)
		c->refill_blocks = 0;
	return found;
}

int pz_alloc_probe(pz_t *pz, pz_gfp_t gfp, unsigned order, struct pz_alloc_choice *out)
{
	unsigned flags = PZ_ALLOC_WMARK_LOW | PZ_ALLOC_CPUSET, cpu, mt, pos = 0;
	const uint16_t *zl;
	struct pz_zone *z;
	int high;

	if (!pz_instance_ok(pz) || !out || order >= pz->max_order)
		return -PZ_EINVAL;
	high = pz_gfp_zone_internal(gfp, pz->zone_present_types);
	if (high < 0)
		return -PZ_EINVAL;
	pz_memzero(out, sizeof(*out));
	out->pfn = -1;
	out->block_mt = out->list_mt = -1;
	cpu = pz_this_cpu(pz);
	mt = pz_gfp_to_mt(pz, gfp);
	if (pz->has_cma && mt == PZ_MT_MOVABLE)
		flags |= PZ_ALLOC_CMA;
	zl = pz->nodes[pz->cpu_node[cpu]].zonelist[(gfp & PZ__GFP_THISNODE) ? 1 : 0];
	z = pz_next_zone(pz, zl, &pos, (unsigned)high, (const pz_nodemask_t *)0);
	if (!z)
		return 0;
	out->classzone = (enum pz_zone_type)z->type;
	for (; z; z = pz_next_zone(pz, zl, &pos, (unsigned)high, (const pz_nodemask_t *)0)) {
		long mark = pz_wmark_pages(z, PZ_WMARK_LOW);

		if (!pz_watermark_ok(pz, z, order, mark, out->classzone, flags))
			continue;
		if (!probe_zone(pz, z, order, mt, (gfp & PZ__GFP_COLD) != 0, cpu, out))
			continue;
		out->nid = z->nid;
		out->zone = (enum pz_zone_type)z->type;
		return 0;
	}
	return 0;
}
