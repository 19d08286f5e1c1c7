/*
 * reclaim.c - direct reclaim (try_to_free_pages) through the embedder's
 * shrinkers, and the zone tests background reclaim shares.
 *
 * The kernel walks the zonelist from priority 12 down to 0, scanning each
 * zone's LRU (1/2^priority of it per pass) and the shrinkers of its node,
 * until SWAP_CLUSTER_MAX pages came back. pagezone has no LRU: the pages in
 * use (managed - free) stand for it, so a pass "scans" in_use >> priority
 * of a zone (pz_zone_scan, added to the zone's pages_scanned as the LRU scan
 * is, and reset by frees as the kernel resets it). 4.1 feeds those figures
 * to do_shrink_slab for the class zone of each node and skips zones that
 * are not reclaimable (scanned six times over since the last free); 6.1
 * shrinks each node of the zonelist once per priority and scales by the
 * priority alone. Progress is what the calling task freed meanwhile
 * (shrinker.c's reclaim window), never what the shrinkers claim.
 *
 * For a high order a zone's (4.x) or node's (6.1) pass is repeated while
 * should_continue_reclaim says so: until enough came back for compaction
 * and compaction_suitable would let it run, or a pass brings nothing
 * back. Its LRU inputs are the shrinkers' figures (docs/DESIGN.md,
 * "Reclaim and kswapd"); kswapd's passes use the same loop.
 *
 * No allocator lock is held here: shrinkers are called with none, and
 * the zone figures are read from atomics.
 */
#include "internal.h"

uint64_t pz_zone_in_use(const struct pz_zone *z)
{
	long free = zload((atomic_long *)&z->nr_free_pages);

	return free >= 0 && (uint64_t)free < z->managed ? z->managed - (uint64_t)free : 0;
}

bool pz_zone_reclaimable(const struct pz_zone *z)
{
	return (uint64_t)zload((atomic_long *)&z->pages_scanned) < pz_zone_in_use(z) * 6;
}

uint64_t pz_zone_scan(struct pz_zone *z, int priority)
{
	uint64_t n = pz_zone_in_use(z) >> priority;

	if (n)
		zadd(&z->pages_scanned, (long)n);
	return n;
}

bool pz_zone_wmark_safe(struct pz *pz, struct pz_zone *z, unsigned order, long mark,
			unsigned classzone)
{
	return pz_watermark_ok(pz, z, order, mark, classzone, 0);
}

/* compaction_ready: a costly request whose zone compaction could serve
 * without more reclaim. */
static bool compaction_ready(struct pz *pz, struct pz_zone *z, unsigned order, unsigned reclaim_idx)
{
	long high = pz_wmark_pages(z, 2);
	enum pz_compact_result r;

	if (pz_kver(pz) < PZ_KV(4, 8)) { /* 4.1, 4.4: with the balance gap */
		long low = pz_wmark_pages(z, 1), gap = (long)((z->managed + 99) / 100);
		long mark = high + (gap < low ? gap : low) + (2L << order);
		bool ok = pz_zone_wmark_safe(pz, z, 0, mark, 0);

		if (pz_compaction_deferred(z, order))
			return ok;
		if (pz_compaction_suitable(pz, z, order, 0, 0) == PZ_COMPACT_SKIPPED)
			return false;
		return ok;
	}
	r = pz_compaction_suitable(pz, z, order, 0, reclaim_idx);
	if (r == PZ_COMPACT_SUCCESS)
		return true;
	if (r == PZ_COMPACT_SKIPPED)
		return false;
	return pz_zone_wmark_safe(pz, z, 0, high + (2L << order), reclaim_idx);
}

/* The highest populated zone of z's node at or below idx (4.1's classzone
 * of a node in shrink_zones). */
static unsigned node_classzone(struct pz *pz, unsigned nid, unsigned idx)
{
	while (idx > 0 && !pz_zone_of(pz, (int)nid, (int)idx)->populated)
		idx--;
	return idx;
}

/* ---- should_continue_reclaim ---------------------------------------------- */

/* in_reclaim_compaction: a high order, costly or past the first three
 * priorities, and compaction there to follow: a migrate callback (without
 * one compaction_suitable always says SKIPPED, as the kernel's does built
 * without compaction) and, in 6.1, __GFP_IO (gfp_compaction_allowed). */
static bool in_reclaim_compaction(struct pz *pz, const struct pz_reclaim_pass *p)
{
	if (!p->order || !pz_migrate_handler_set(pz))
		return false;
	if (pz_kver(pz) >= PZ_KV(4, 8) && !(p->gfp & PZ__GFP_IO))
		return false;
	return p->order > PZ_COSTLY_ORDER || p->priority < PZ_DEF_PRIORITY - 2;
}

/* Would the request's compaction run (or its allocation succeed) here? */
static bool compaction_would_go(struct pz *pz, struct pz_zone *z, unsigned order,
				unsigned classzone)
{
	enum pz_compact_result r = pz_compaction_suitable(pz, z, order, 0, classzone);

	return r == PZ_COMPACT_SUCCESS || r == PZ_COMPACT_CONTINUE;
}

/* 4.1, 4.4: a __GFP_REPEAT request stops once a pass scanned nothing and
 * freed nothing; the kernel's "whole LRU scanned" is, with shrinkers, a
 * run of fruitless passes that scanned as many objects as were counted.
 * Others stop at the first fruitless pass. Then: too little back for
 * compaction and enough left to reclaim goes on; else only a zone whose
 * compaction would not run. */
static bool continue_zone_41(struct pz *pz, struct pz_zone *z, struct pz_reclaim_pass *p)
{
	uint64_t gap = 2ull << p->order;

	p->idle = p->freed ? 0 : p->idle + p->scanned;
	if (!p->freed && (!(p->gfp & PZ__GFP_REPEAT) || !p->scanned || p->idle >= p->counted))
		return false;
	if (p->total < gap && p->counted > gap)
		return true;
	return !compaction_would_go(pz, z, p->order, 0);
}

/* 6.1: a fruitless pass stops; so does any eligible zone where compaction
 * would run; else go on while more than compact_gap is left to reclaim. */
static bool continue_node_61(struct pz *pz, int nid, unsigned reclaim_idx,
			     const struct pz_reclaim_pass *p)
{
	if (!p->freed)
		return false;
	for (unsigned t = 0; t <= reclaim_idx && t < PZ_NR_ZONE_TYPES; t++) {
		struct pz_zone *z = pz_zone_of(pz, nid, (int)t);

		if (z->managed && compaction_would_go(pz, z, p->order, reclaim_idx))
			return false;
	}
	return p->counted > (2ull << p->order);
}

/* After a pass: count it, then should_continue_reclaim. Ours: a loop that
 * has freed as many pages as were in use when it began stops, since no
 * honest cache holds more (a shrinker that frees what it allocates would
 * otherwise keep it going for ever). */
static bool should_continue(struct pz *pz, struct pz_zone *z, int nid, unsigned reclaim_idx,
			    struct pz_reclaim_pass *p)
{
	p->total += p->freed;
	p->loop_freed += p->freed;
	if (!in_reclaim_compaction(pz, p) || p->loop_freed >= p->cap)
		return false;
	return z ? continue_zone_41(pz, z, p) : continue_node_61(pz, nid, reclaim_idx, p);
}

/* ---- shrink_zone (4.x), shrink_node (6.1) -------------------------------- */

uint64_t pz_shrink_zone_41(struct pz *pz, struct pz_reclaim_state *rs, struct pz_zone *z,
			   struct pz_reclaim_pass *p, bool classzone, uint64_t *lru)
{
	struct pz_shrink_req req = {p->gfp, z->nid, p->priority, 0, 0, z->type, p->kswapd, 0, 0};
	uint64_t got = 0;

	p->idle = p->loop_freed = 0;
	p->cap = pz_zone_in_use(z);
	do {
		req.nr_eligible = pz_zone_in_use(z);
		req.nr_scanned = pz_zone_scan(z, p->priority);
		*lru += req.nr_scanned;
		p->freed = classzone ? pz_shrink_slab(pz, rs, &req) : 0;
		p->scanned = classzone ? req.asked : 0;
		p->counted = classzone ? req.counted : 0;
		got += p->freed;
	} while (should_continue(pz, z, 0, 0, p));
	return got;
}

/* Pages in use in nid's zones up to reclaim_idx. */
static uint64_t node_in_use(struct pz *pz, int nid, unsigned reclaim_idx)
{
	uint64_t n = 0;

	for (unsigned t = 0; t <= reclaim_idx && t < PZ_NR_ZONE_TYPES; t++)
		n += pz_zone_in_use(pz_zone_of(pz, nid, (int)t));
	return n;
}

/* 6.1 shrink_node: the LRU figures of the node's eligible zones, then the
 * node's shrinkers, again while should_continue_reclaim says so; any page
 * back resets the node's kswapd_failures. */
uint64_t pz_shrink_node_61(struct pz *pz, struct pz_reclaim_state *rs, int nid,
			   struct pz_reclaim_pass *p, unsigned reclaim_idx, uint64_t *scanned)
{
	struct pz_shrink_req req = {p->gfp, nid, p->priority, 0, 0, 0, p->kswapd, 0, 0};
	uint64_t got = 0;

	req.zone_type = node_classzone(pz, (unsigned)nid, reclaim_idx);
	p->idle = p->loop_freed = 0;
	p->cap = node_in_use(pz, nid, reclaim_idx);
	do {
		for (unsigned t = 0; t <= reclaim_idx && t < PZ_NR_ZONE_TYPES; t++) {
			struct pz_zone *z = pz_zone_of(pz, nid, (int)t);

			if (z->managed)
				*scanned += pz_zone_scan(z, p->priority);
		}
		p->freed = pz_shrink_slab(pz, rs, &req);
		p->scanned = req.asked;
		p->counted = req.counted;
		got += p->freed;
	} while (should_continue(pz, (struct pz_zone *)0, nid, reclaim_idx, p));
	if (got)
		atomic_store_explicit(&pz->kswapd[nid].failures, 0, memory_order_relaxed);
	return got;
}

struct direct {
	struct pz_reclaim_state *rs;
	pz_gfp_t gfp;
	unsigned order;
	const struct pz_alloc_ctx *ac;
	int priority;
	bool compaction_ready;
};

/* A pass record for direct reclaim at d's priority; sc->nr_reclaimed is
 * the window's progress. */
static struct pz_reclaim_pass direct_pass(struct pz *pz, const struct direct *d)
{
	struct pz_reclaim_pass p = {d->gfp, d->order, d->priority, false, 0, 0, 0, 0, 0, 0, 0};

	p.total = pz_reclaim_progress(pz, d->rs);
	return p;
}

static void shrink_zones(struct pz *pz, struct direct *d)
{
	const struct pz_alloc_ctx *ac = d->ac;
	bool modern = pz_kver(pz) >= PZ_KV(4, 8); /* shrink_node (4.8) */
	int last_nid = -1;
	unsigned pos = 0;
	uint64_t scanned = 0;
	struct pz_reclaim_pass p;
	struct pz_zone *z;

	while ((z = pz_next_zone(pz, ac->zonelist, &pos, ac->high_zoneidx, ac->nodemask))) {
		if (!z->populated ||
		    !pz_cpuset_zone_allowed(pz, ac->task, z, PZ_GFP_KERNEL | PZ__GFP_HARDWALL))
			continue;
		if (!modern && d->priority != PZ_DEF_PRIORITY && !pz_zone_reclaimable(z))
			continue;
		if (d->order > PZ_COSTLY_ORDER &&
		    compaction_ready(pz, z, d->order, ac->high_zoneidx)) {
			d->compaction_ready = true;
			continue;
		}
		p = direct_pass(pz, d);
		if (!modern) {
			pz_shrink_zone_41(pz, d->rs, z, &p,
					  z->type == node_classzone(pz, z->nid, ac->high_zoneidx),
					  &scanned);
		} else if (z->nid != last_nid) {
			last_nid = z->nid;
			pz_shrink_node_61(pz, d->rs, z->nid, &p, ac->high_zoneidx, &scanned);
		}
	}
}

unsigned long pz_try_to_free_pages(struct pz *pz, pz_gfp_t gfp, unsigned order,
				   const struct pz_alloc_ctx *ac)
{
	struct pz_reclaim_state rs;
	struct direct d = {&rs, gfp, order, ac, PZ_DEF_PRIORITY, false};
	uint64_t got;

	pz_count_vm_event(pz, PZ_VM_ALLOCSTALL, 1);
	pz_count(&pz->zone_ev[ac->high_zoneidx][PZ_ZEV_ALLOCSTALL]);
	if (!pz_reclaim_open(pz, &rs))
		return 0;
	for (; d.priority >= 0; d.priority--) {
		shrink_zones(pz, &d);
		if (pz_reclaim_progress(pz, &rs) >= PZ_SWAP_CLUSTER_MAX || d.compaction_ready)
			break;
	}
	got = pz_reclaim_progress(pz, &rs);
	pz_reclaim_close(pz, &rs);
	if (got)
		return (unsigned long)got;
	/* the kernel's one exception: compaction can go on without reclaim */
	return d.compaction_ready ? 1 : 0;
}

int pz_direct_reclaim(pz_t *pz, int nid, pz_gfp_t gfp, unsigned order, uint64_t *progress)
{
	struct pz_alloc_ctx ac;
	int high;

	if (!pz_instance_ok(pz) || !progress || order >= pz->max_order)
		return -PZ_EINVAL;
	*progress = 0;
	if (nid < 0 || (unsigned)nid >= pz->nr_nodes)
		return -PZ_ENODEV;
	high = pz_gfp_zone_internal(gfp, pz->zone_present_types);
	if (high < 0)
		return -PZ_EINVAL;
	pz_memzero(&ac, sizeof(ac));
	ac.zonelist = pz->nodes[nid].zonelist[(gfp & PZ__GFP_THISNODE) ? 1 : 0];
	ac.high_zoneidx = (unsigned)high;
	ac.migratetype = pz_gfp_to_mt(pz, gfp);
	ac.task = pz_task_current(pz);
	ac.cpu = pz_this_cpu(pz);
	if (!pz_first_zone(pz, &ac, (const pz_nodemask_t *)0))
		return 0;
	*progress = pz_try_to_free_pages(pz, gfp, order, &ac);
	return 0;
}
