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

struct direct {
	struct pz_reclaim_state *rs;
	pz_gfp_t gfp;
	unsigned order;
	const struct pz_alloc_ctx *ac;
	int priority;
	bool compaction_ready;
};

/* 4.1 shrink_zone: the pseudo-LRU scan, and the node's shrinkers when z
 * is the node's class zone. */
static void shrink_zone_41(struct pz *pz, struct direct *d, struct pz_zone *z)
{
	struct pz_shrink_req req = {d->gfp, z->nid, d->priority, 0, 0, z->type, false};

	req.nr_eligible = pz_zone_in_use(z);
	req.nr_scanned = pz_zone_scan(z, d->priority);
	if (z->type == node_classzone(pz, z->nid, d->ac->high_zoneidx))
		pz_shrink_slab(pz, d->rs, &req);
}

/* 6.1 shrink_node: the LRU figures of the node's eligible zones, then the
 * node's shrinkers; any page back resets the node's kswapd_failures. */
uint64_t pz_shrink_node_61(struct pz *pz, struct pz_reclaim_state *rs, int nid, pz_gfp_t gfp,
			   int priority, unsigned reclaim_idx, bool kswapd, uint64_t *scanned)
{
	struct pz_shrink_req req = {gfp, nid, priority, 0, 0, 0, kswapd};
	uint64_t got;

	for (unsigned t = 0; t <= reclaim_idx && t < PZ_NR_ZONE_TYPES; t++) {
		struct pz_zone *z = pz_zone_of(pz, nid, (int)t);

		if (z->managed)
			*scanned += pz_zone_scan(z, priority);
	}
	req.zone_type = node_classzone(pz, (unsigned)nid, reclaim_idx);
	got = pz_shrink_slab(pz, rs, &req);
	if (got)
		atomic_store_explicit(&pz->kswapd[nid].failures, 0, memory_order_relaxed);
	return got;
}

static void shrink_zones(struct pz *pz, struct direct *d)
{
	const struct pz_alloc_ctx *ac = d->ac;
	bool modern = pz_kver(pz) >= PZ_KV(4, 8); /* shrink_node (4.8) */
	int last_nid = -1;
	unsigned pos = 0;
	uint64_t scanned = 0;
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
		if (!modern) {
			shrink_zone_41(pz, d, z);
		} else if (z->nid != last_nid) {
			last_nid = z->nid;
			pz_shrink_node_61(pz, d->rs, z->nid, d->gfp, d->priority, ac->high_zoneidx,
					  false, &scanned);
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
