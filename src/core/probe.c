/*
 * probe.c - pz_alloc_probe: the block the fast path would hand out for a
 * request, found without changing anything (place.c says why a probe and
 * not an allocation rolled back).
 *
 * It walks get_page_from_freelist as alloc.c does, with the flags of the
 * first attempt (ALLOC_WMARK_LOW | ALLOC_CPUSET, ALLOC_CMA for a movable
 * request when there is CMA, 4.1's ALLOC_FAIR, 6.1's ALLOC_NOFRAGMENT
 * from pz_alloc_flags_nofragment) and its restarts: the fair pass skips
 * depleted zones and stops at a remote node, then the zonelist is walked
 * again without it; under NOFRAGMENT a remote zone restarts the walk
 * without the flag, and a walk in which no zone could serve without
 * fragmenting is repeated without it. The LOW mark is the boosted one
 * (pz_wmark_pages). Inside the first zone that passes, buffered_rmqueue's
 * choice: for a per-CPU order the head of this CPU's list (the tail for a
 * cold request), or, when the list is empty, the first block the refill
 * would pull; otherwise __rmqueue: CMA first while it is most of the
 * zone's free memory (6.1), the smallest block of the request's type,
 * CMA for a movable request, the fallback block pz_fallback_pick_locked
 * chooses (the same function __rmqueue_fallback uses, so NOFRAGMENT's
 * pageblock-or-more rule comes with it), and 4.1's MIGRATE_RESERVE. A
 * zone that passes its watermark but has no block is passed over, as the
 * kernel's loop does.
 *
 * pz_alloc_probe_slowpath walks the same with the flags of the slow
 * path's first attempt (the MIN mark). Not probed: the dirty limits of
 * __GFP_WRITE, zone_reclaim_mode, fail_page_alloc, the rest of the slow
 * path (reclaim, compaction, OOM, no watermarks). The locks are each zone's pcp lock of
 * this CPU, then its zone lock, as an allocation takes them.
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

/* An ALLOC_HARDER request above order 0 may take the HIGHATOMIC
 * reserve (only the slow path's flags carry ALLOC_HARDER here). */
static bool probe_highatomic_locked(const struct pz *pz, const struct pz_zone *z, unsigned order,
				    unsigned flags, struct pz_alloc_choice *c)
{
	const struct pz_page *p;

	if (!order || !(flags & PZ_ALLOC_HARDER) || !pz_feature(pz, PZ_FEAT_HIGHATOMIC) ||
	    !(p = smallest_locked(pz, z, order, PZ_MT_HIGHATOMIC)))
		return false;
	choice_set(pz, c, PZ_PROBE_RESERVE, p, PZ_MT_HIGHATOMIC);
	return true;
}

/* __rmqueue's choice in z; false when z has no block for the request. */
static bool probe_rmqueue_locked(const struct pz *pz, struct pz_zone *z, unsigned order,
				 unsigned mt, unsigned flags, enum pz_probe_source src,
				 struct pz_alloc_choice *c)
{
	enum pz_probe_source other = src == PZ_PROBE_BUDDY ? PZ_PROBE_RESERVE : src;
	const struct pz_page *p = (const struct pz_page *)0;
	int fmt, o;

	/* the slow path's ALLOC_HARDER: the HIGHATOMIC reserve first */
	if (src == PZ_PROBE_BUDDY && probe_highatomic_locked(pz, z, order, flags, c))
		return true;
	if (pz->has_cma && pz_cma_first(pz, z, mt, flags) &&
	    (p = smallest_locked(pz, z, order, PZ_MT_CMA))) {
		choice_set(pz, c, other, p, PZ_MT_CMA);
		return true;
	}
	if ((p = smallest_locked(pz, z, order, mt))) {
		choice_set(pz, c, src, p, mt);
		return true;
	}
	if (mt == PZ_MT_MOVABLE && pz->has_cma && (p = smallest_locked(pz, z, order, PZ_MT_CMA))) {
		choice_set(pz, c, other, p, PZ_MT_CMA);
		return true;
	}
	p = pz_fallback_pick_locked(pz, z, order, mt, flags, &fmt, &o);
	if (p) {
		choice_set(pz, c, src == PZ_PROBE_BUDDY ? PZ_PROBE_FALLBACK : src, p,
			   (unsigned)fmt);
		c->fallback_order = (unsigned)o;
		return true;
	}
	if (mt < PZ_MT_PCPTYPES && pz_kver(pz) < PZ_KV(4, 4) &&
	    (p = smallest_locked(pz, z, order, PZ_MT_RESERVE))) {
		choice_set(pz, c, other, p, PZ_MT_RESERVE);
		return true;
	}
	/* a per-CPU order whose refill found nothing: the buddy lists */
	return src == PZ_PROBE_PCP_REFILL && probe_highatomic_locked(pz, z, order, flags, c);
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

/* The request as the walk sees it. */
struct probe_req {
	pz_gfp_t gfp;
	unsigned order, mt, cpu, high;
	const uint16_t *zl;
	const struct pz_zone *pref;
	const struct pz_task *task;
	bool cpusets;
};

/* buffered_rmqueue's choice in z. */
static bool probe_zone(struct pz *pz, struct pz_zone *z, const struct probe_req *r, unsigned flags,
		       struct pz_alloc_choice *c)
{
	struct pz_pcp *pcp = &z->pcp[r->cpu];
	int level = r->mt < PZ_MT_PCPTYPES ? pz_pcp_level(pz, r->order) : -1;
	enum pz_probe_source src = PZ_PROBE_BUDDY;
	bool found;

	if (level >= 0) {
		const struct pz_list *l;

		pz_lock(pz, &pcp->lock);
		l = pz_pcp_list(pz, pcp, (unsigned)level, r->mt);
		if (!pz_list_empty(l)) {
			choice_set(pz, c, PZ_PROBE_PCP,
				   &pz->pages[(r->gfp & PZ__GFP_COLD) ? l->last : l->first], r->mt);
			pz_unlock(&pcp->lock);
			return true;
		}
		src = PZ_PROBE_PCP_REFILL;
		c->refill_blocks = refill_blocks(pcp, r->order);
	}
	pz_lock(pz, &z->lock);
	found = probe_rmqueue_locked(pz, z, r->order, r->mt, flags, src, c);
	pz_unlock(&z->lock);
	if (level >= 0)
		pz_unlock(&pcp->lock);
	if (!found)
		c->refill_blocks = 0;
	return found;
}

/* The watermark step: the flags' mark with the boost, except that an
 * order-0 __GFP_ATOMIC request at MIN ignores the boost (6.1's
 * zone_watermark_fast; the boost is 0 in the 4.x profiles). */
static bool probe_watermark_ok(struct pz *pz, struct pz_zone *z, const struct probe_req *r,
			       unsigned f)
{
	if (pz_watermark_ok(pz, z, r->order, pz_wmark_pages(z, f & PZ_ALLOC_WMARK_MASK),
			    r->pref->type, f))
		return true;
	return !r->order && (r->gfp & PZ__GFP_ATOMIC) && zload(&z->watermark_boost) &&
	       (f & PZ_ALLOC_WMARK_MASK) == PZ_ALLOC_WMARK_MIN &&
	       pz_watermark_ok(pz, z, 0, zload(&z->wmark[PZ_WMARK_MIN]), r->pref->type, f);
}

/* One walk of the zonelist as walk_zones makes it; *again when it must
 * start over with *flags (NOFRAGMENT dropped at a remote node). */
static bool probe_walk(struct pz *pz, const struct probe_req *r, unsigned *flags,
		       unsigned *nr_fair_skipped, bool *again, struct pz_alloc_choice *c)
{
	unsigned pos = 0, f = *flags;
	struct pz_zone *z;

	while ((z = pz_next_zone(pz, r->zl, &pos, r->high, (const pz_nodemask_t *)0))) {
		if (r->cpusets && (f & PZ_ALLOC_CPUSET) &&
		    !pz_cpuset_zone_allowed(pz, r->task, z, r->gfp | PZ__GFP_HARDWALL))
			continue;
		if (f & PZ_ALLOC_FAIR) {
			if (z->nid != r->pref->nid)
				break;
			if (atomic_load_explicit(&z->flags, memory_order_relaxed) &
			    ZONE_FAIR_DEPLETED) {
				(*nr_fair_skipped)++;
				continue;
			}
		}
		if ((f & PZ_ALLOC_NOFRAGMENT) && z->nid != r->pref->nid) {
			*flags = f & ~PZ_ALLOC_NOFRAGMENT;
			*again = true;
			return false;
		}
		if (!probe_watermark_ok(pz, z, r, f))
			continue;
		if (!probe_zone(pz, z, r, f, c))
			continue;
		c->nid = z->nid;
		c->zone = (enum pz_zone_type)z->type;
		return true;
	}
	return false;
}

/* get_page_from_freelist's restarts around probe_walk. */
static void probe_walks(struct pz *pz, const struct probe_req *r, unsigned flags,
			struct pz_alloc_choice *c)
{
	for (;;) {
		unsigned nr_fair_skipped = 0;
		bool again = false;

		if (probe_walk(pz, r, &flags, &nr_fair_skipped, &again, c))
			return;
		if (again)
			continue;
		if (flags & PZ_ALLOC_NOFRAGMENT) {
			flags &= ~PZ_ALLOC_NOFRAGMENT;
			continue;
		}
		if (!(flags & PZ_ALLOC_FAIR))
			return;
		flags &= ~PZ_ALLOC_FAIR;
		if (!nr_fair_skipped && pz->nr_nodes <= 1)
			return;
	}
}

/* Checks the request and fills r: 1, 0 when no zone may serve it, or
 * -PZ_EINVAL. */
static int probe_req_init(pz_t *pz, pz_gfp_t gfp, unsigned order, struct pz_alloc_choice *out,
			  struct probe_req *r)
{
	unsigned pos = 0;
	int high;

	if (!pz_instance_ok(pz) || !out || order >= pz->max_order)
		return -PZ_EINVAL;
	high = pz_gfp_zone_internal(gfp, pz->zone_present_types);
	if (high < 0)
		return -PZ_EINVAL;
	pz_memzero(out, sizeof(*out));
	out->pfn = -1;
	out->block_mt = out->list_mt = -1;
	r->gfp = gfp & PZ__GFP_BITS_MASK;
	r->order = order;
	r->high = (unsigned)high;
	r->cpu = pz_this_cpu(pz);
	r->mt = pz_gfp_to_mt(pz, gfp);
	r->task = pz_task_current(pz);
	r->cpusets = atomic_load_explicit(&pz->cpusets_enabled, memory_order_relaxed);
	r->zl = pz->nodes[pz->cpu_node[r->cpu]].zonelist[(gfp & PZ__GFP_THISNODE) ? 1 : 0];
	r->pref = pz_next_zone(pz, r->zl, &pos, r->high, (const pz_nodemask_t *)0);
	if (!r->pref)
		return 0;
	out->classzone = (enum pz_zone_type)r->pref->type;
	return 1;
}

int pz_alloc_probe(pz_t *pz, pz_gfp_t gfp, unsigned order, struct pz_alloc_choice *out)
{
	unsigned flags = PZ_ALLOC_WMARK_LOW | PZ_ALLOC_CPUSET;
	struct probe_req r;
	int rc = probe_req_init(pz, gfp, order, out, &r);

	if (rc <= 0)
		return rc;
	if (pz->has_cma && r.mt == PZ_MT_MOVABLE)
		flags |= PZ_ALLOC_CMA;
	if (!pz_feature(pz, PZ_FEAT_NO_FAIR_POLICY))
		flags |= PZ_ALLOC_FAIR;
	probe_walks(pz, &r, flags | pz_alloc_flags_nofragment(pz, r.pref, r.gfp), out);
	return 0;
}

/*
 * The slow path's first attempt, after it wakes kswapd (both profiles
 * make it before any reclaim or compaction): gfp_to_alloc_flags' flags
 * (the MIN mark, ALLOC_HIGH and ALLOC_HARDER, CMA), never
 * ALLOC_NO_WATERMARKS (its attempt comes later), no fair pass and no
 * ALLOC_NOFRAGMENT (neither is set again there). An ALLOC_HARDER request
 * above order 0 tries the HIGHATOMIC reserve first where the buddy lists
 * serve it.
 */
int pz_alloc_probe_slowpath(pz_t *pz, pz_gfp_t gfp, unsigned order, struct pz_alloc_choice *out)
{
	struct probe_req r;
	unsigned flags;
	int rc = probe_req_init(pz, gfp, order, out, &r);

	if (rc <= 0)
		return rc;
	flags = pz_gfp_to_alloc_flags(pz, r.task, r.gfp, r.mt) & ~PZ_ALLOC_NO_WATERMARKS;
	probe_walks(pz, &r, flags, out);
	return 0;
}
