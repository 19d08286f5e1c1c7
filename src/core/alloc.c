/*
 * alloc.c - the allocation fast path and the entry points.
 *
 * pz_alloc_pages_nodemask is __alloc_pages_nodemask: it turns a request
 * into an alloc context (zonelist, nodemask, highest zone, preferred zone,
 * classzone, migratetype), tries get_page_from_freelist with the LOW
 * watermark, the fair zone policy and the cpuset forced hard, and only when
 * that fails hands over to the slow path (slowpath.c), the one place that
 * decides to relax watermarks, reclaim, retry or fail. A failed allocation
 * whose task's cpuset changed meanwhile starts over (retry_cpuset).
 *
 * get_page_from_freelist checks each zone in the kernel's order: cpuset,
 * fair policy (stop at the first remote zone, skip depleted ones), dirty
 * limit for __GFP_WRITE, watermark (with zone_reclaim as the way out), and
 * only then takes pages: from the per-CPU list for order 0, from the buddy
 * lists otherwise.
 */
#include "internal.h"

struct pz_task *(*pz_current_task_hook)(void);

struct pz_task *pz_current_task(void)
{
	return pz_current_task_hook ? pz_current_task_hook() : (struct pz_task *)0;
}

/* 4.4: an ALLOC_HARDER request above order 0 - the one kind that may use
 * the HIGHATOMIC reserve and that reserves a block when it succeeds. */
static inline bool highatomic_request(const struct pz *pz, unsigned order, unsigned alloc_flags)
{
	return order && (alloc_flags & PZ_ALLOC_HARDER) && pz_feature(pz, PZ_FEAT_HIGHATOMIC);
}

/* buffered_rmqueue: one block from zone z, with the zone's accounting. */
static struct pz_page *buffered_rmqueue(struct pz *pz, struct pz_zone *z, unsigned order,
					pz_gfp_t gfp, unsigned alloc_flags, struct pz_alloc_ctx *ac)
{
	struct pz_page *p = (struct pz_page *)0;

	if (ac->migratetype < PZ_MT_PCPTYPES && pz_pcp_level(pz, order) >= 0) {
		p = pz_pcp_alloc(pz, z, order, gfp, alloc_flags,
				 ac); /* counts under the pcp lock */
		/* 5.14 stopped here, so atomic requests of per-CPU orders could
		 * not reach the HIGHATOMIC reserve they kept growing; later
		 * kernels fall back to the buddy lists, reserve first */
		if (p || !highatomic_request(pz, order, alloc_flags))
			return p;
	}
	if (gfp & PZ__GFP_NOFAIL && order > 1)
		pz_warn_once(pz, PZ_WARN_NOFAIL_ORDER, "WARNING: __GFP_NOFAIL with order %u > 1",
			     order);
	pz_lock(pz, &z->lock);
	/* 4.4: ALLOC_HARDER requests try the HIGHATOMIC reserve first (order
	 * 0 never: a slot-3 order-0 request takes from those lists anyway) */
	if (highatomic_request(pz, order, alloc_flags)) {
		p = pz_rmqueue_smallest_locked(pz, z, order, PZ_MT_HIGHATOMIC);
		if (p) /* 4.4 traces the request's type here, not HIGHATOMIC */
			pz_trace_rec(ac->t, PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED, pz_page_pfn(pz, p),
				     order, ac->migratetype, 0);
	}
	if (!p)
		p = pz_rmqueue_locked(pz, z, order, ac->migratetype, alloc_flags, ac->t);
	if (p)
		pz_account_free_locked(pz, z, -((long)1 << order), p->mt);
	pz_unlock(&z->lock);
	if (p)
		pz_count_alloc(pz, z, order, gfp, ac, false);
	return p;
}

/* check_new_page: anything set that a free page must not have. */
const char *pz_new_page_problem(const struct pz_page *p)
{
	unsigned f = pg_flags(p);

	if (f & PG_HWPOISON)
		return "hwpoison";
	if (p->mapcount != 0)
		return "nonzero mapcount";
	if (atomic_load_explicit(&p->refcount, memory_order_relaxed) != 0)
		return "nonzero _count";
	if (f & ~PG_POISONED)
		return "PAGE_FLAGS_CHECK_AT_PREP flag set";
	return (const char *)0;
}

static void leak_block(struct pz *pz, struct pz_page *p, unsigned order)
{
	for (uint64_t i = 0; i < ((uint64_t)1 << order); i++)
		pg_set(p + i, PG_LEAKED);
	atomic_fetch_add_explicit(&pz->err.leaked_pages, (uint64_t)1 << order,
				  memory_order_relaxed);
}

/* unpoison: every page poisoned at its free must still hold the poison. */
static void check_poison(struct pz *pz, struct pz_page *p, uint64_t n)
{
	size_t size = (size_t)1 << pz->page_shift;

	for (uint64_t i = 0; i < n; i++) {
		size_t off;

		if (!(pg_flags(p + i) & PG_POISONED))
			continue;
		pg_clear(p + i, PG_POISONED);
		off = pz_memcheck(pz_page_address(pz, p + i), PZ_POISON_BYTE, size);
		if (off == size)
			continue;
		pz_count(&pz->err.use_after_free);
		pz_log(pz, PZ_LOG_ERR,
		       "use after free: pfn %llu was written while free (first changed byte at "
		       "offset %zu)",
		       (unsigned long long)pz_page_pfn(pz, p + i), off);
	}
}

/*
 * prep_new_page: check every page, then make the block an allocation:
 * refcount 1 on the head, zeroed if asked, compound if asked. A bad page
 * leaks the whole block (returns false), as the kernel does.
 */
bool pz_prep_new_page(struct pz *pz, struct pz_page *p, unsigned order, pz_gfp_t gfp,
		      unsigned alloc_flags)
{
	uint64_t n = (uint64_t)1 << order, check = pz_pages_to_check(pz, order);
	unsigned acc = 0;

	/* one branch-free pass over what check_new_page looks at; only when
	 * something is set does the loop below find and report it */
	for (uint64_t i = 0; i < check; i++)
		acc |= (pg_flags(p + i) & ~(unsigned)PG_POISONED) | (unsigned)p[i].mapcount |
		       (unsigned)atomic_load_explicit(&p[i].refcount, memory_order_relaxed);
	for (uint64_t i = 0; acc && i < check; i++) {
		const char *why = pz_new_page_problem(p + i);

		if (why) {
			if (!(pg_flags(p + i) & PG_HWPOISON))
				pz_bad_page(pz, p + i, why, false);
			else
				pz_count(&pz->err.bad_page_alloc);
			leak_block(pz, p, order);
			return false;
		}
	}
	if (pz_unlikely(pz->debug & PZ_DEBUG_POISON))
		check_poison(pz, p, n);
	p->order = (uint8_t)order;
	p->owner = 0;
	if (gfp & PZ__GFP_ZERO && pz->direct_map)
		pz_memzero(pz_page_address(pz, p), (size_t)n << pz->page_shift);
	if (order && (gfp & PZ__GFP_COMP)) {
		uint32_t head = pz_page_idx(pz, p);

		pg_set_where(p, PG_HEAD);
		if (!pz_feature(pz, PZ_FEAT_LAZY_TAILS))
			for (uint64_t i = 1; i < n; i++) {
				p[i].next = head;
				p[i].owner = 0;
				pg_set_where(p + i, PG_TAIL);
			}
	}
	if (alloc_flags & PZ_ALLOC_NO_WATERMARKS)
		pg_set(p, PG_PFMEMALLOC);
	atomic_store_explicit(&p->refcount, 1, memory_order_release);
	return true;
}

/* zone_dirtyable_memory: free pages above the dirty reserve plus file LRU. */
static uint64_t zone_dirtyable(const struct pz_zone *z)
{
	uint64_t free = (uint64_t)zload(&z->nr_free_pages);
	uint64_t reserve = (uint64_t)zload(&z->dirty_balance_reserve);

	free -= free < reserve ? free : reserve;
	return free +
	       atomic_load_explicit(&z->dirty[PZ_DIRTY_INACTIVE_FILE], memory_order_relaxed) +
	       atomic_load_explicit(&z->dirty[PZ_DIRTY_ACTIVE_FILE], memory_order_relaxed);
}

/*
 * global_dirtyable_memory (4.1, 4.4): free pages minus the dirty balance
 * reserve summed over every zone and clamped once, plus the file pages;
 * then, as vm_highmem_is_dirtyable is 0, highmem_dirtyable_memory taken
 * off: each HIGHMEM zone's own figure (clamped at 0 per zone), at most
 * the total. A HIGHMEM zone below its reserve so lowers the total by its
 * deficit. Never 0.
 */
static uint64_t global_dirtyable(const struct pz *pz)
{
	uint64_t free = 0, reserve = 0, file = 0, high = 0;

	for (unsigned i = 0; i < pz->nr_nodes * PZ_NR_ZONE_TYPES; i++) {
		const struct pz_zone *z = &pz->zones[i];

		free += (uint64_t)zload(&z->nr_free_pages);
		reserve += (uint64_t)zload(&z->dirty_balance_reserve);
		file += atomic_load_explicit(&z->dirty[PZ_DIRTY_INACTIVE_FILE],
					     memory_order_relaxed) +
			atomic_load_explicit(&z->dirty[PZ_DIRTY_ACTIVE_FILE], memory_order_relaxed);
		if (z->type == PZ_ZONE_HIGHMEM)
			high += zone_dirtyable(z);
	}
	free -= free < reserve ? free : reserve;
	free += file;
	return free - (high < free ? high : free) + 1;
}

/* zone_dirty_ok: the zone's share of the dirty limit (spec section 5.2). */
static bool zone_dirty_ok(struct pz *pz, struct pz_zone *z, const struct pz_task *task)
{
	uint64_t dirtyable = zone_dirtyable(z), limit, dirty;

	if (pz->dirty_bytes) {
		uint64_t pages = (pz->dirty_bytes + pz_page_size(pz) - 1) >> pz->page_shift;

		limit = pages * dirtyable / global_dirtyable(pz);
	} else {
		limit = pz->dirty_ratio * dirtyable / 100;
	}
	if (task->flags & (PZ_TASK_LESS_THROTTLE | PZ_TASK_RT))
		limit += limit / 4;
	dirty = atomic_load_explicit(&z->dirty[PZ_DIRTY_NR_DIRTY], memory_order_relaxed) +
		atomic_load_explicit(&z->dirty[PZ_DIRTY_UNSTABLE_NFS], memory_order_relaxed) +
		atomic_load_explicit(&z->dirty[PZ_DIRTY_WRITEBACK], memory_order_relaxed);
	return dirty <= limit;
}

/* zone_reclaim's own early exits, then the embedder's hook. */
static int zone_reclaim(struct pz *pz, struct pz_zone *z, pz_gfp_t gfp, unsigned order,
			struct pz_alloc_ctx *ac)
{
	if (!(gfp & PZ__GFP_DIRECT_RECLAIM) || (ac->task->flags & PZ_TASK_MEMALLOC))
		return PZ_ZONE_RECLAIM_NOSCAN;
	if (pz->nodes[z->nid].has_cpus && z->nid != pz->cpu_node[ac->cpu])
		return PZ_ZONE_RECLAIM_NOSCAN;
	if (!pz->plat.zone_reclaim)
		return PZ_ZONE_RECLAIM_FULL;
	return pz->plat.zone_reclaim(pz->plat.ctx, z->nid, (enum pz_zone_type)z->type, gfp, order);
}

static bool zone_allows_reclaim(struct pz *pz, struct pz_zone *local, struct pz_zone *z)
{
	unsigned d = pz->distance[local->nid][z->nid];

	/* "<=" since 4.3 (4.4 has it) */
	return pz_kver(pz) < PZ_KV(4, 3) ? d < PZ_RECLAIM_DISTANCE : d <= PZ_RECLAIM_DISTANCE;
}

/*
 * zone_watermark_fast's exception (5.0): an order-0 __GFP_ATOMIC request
 * checking the MIN watermark ignores the boost, so that boosting never
 * fails an atomic request that the unboosted MIN mark would let through.
 */
static bool atomic_ignores_boost(struct pz *pz, struct pz_zone *z, unsigned order,
				 unsigned alloc_flags, pz_gfp_t gfp, const struct pz_alloc_ctx *ac)
{
	return !order && (gfp & PZ__GFP_ATOMIC) && zload(&z->watermark_boost) &&
	       (alloc_flags & PZ_ALLOC_WMARK_MASK) == PZ_ALLOC_WMARK_MIN &&
	       pz_watermark_ok(pz, z, 0, zload(&z->wmark[PZ_WMARK_MIN]), ac->classzone_idx,
			       alloc_flags);
}

/* The watermark step: true when the zone may be used. */
static bool zone_passes_watermark(struct pz *pz, struct pz_zone *z, unsigned order,
				  unsigned alloc_flags, pz_gfp_t gfp, struct pz_alloc_ctx *ac)
{
	long mark = pz_wmark_pages(z, alloc_flags & PZ_ALLOC_WMARK_MASK);
	int ret;

	if (pz_watermark_ok(pz, z, order, mark, ac->classzone_idx, alloc_flags))
		return true;
	if (pz_unlikely(atomic_ignores_boost(pz, z, order, alloc_flags, gfp, ac)))
		return true;
	if (alloc_flags & PZ_ALLOC_NO_WATERMARKS)
		return true;
	if (!pz->zone_reclaim_mode || !zone_allows_reclaim(pz, ac->preferred, z))
		return false;
	ret = zone_reclaim(pz, z, gfp, order, ac);
	if (ret == PZ_ZONE_RECLAIM_NOSCAN || ret == PZ_ZONE_RECLAIM_FULL)
		return false;
	return pz_watermark_ok(pz, z, order, mark, ac->classzone_idx, alloc_flags);
}

/* reset_alloc_batches: each zone of the node up to the preferred one gets
 * high - low again, through this CPU's delta as mod_zone_page_state does
 * (no lock is held here). */
static void reset_alloc_batches(struct pz *pz, struct pz_zone *pref, unsigned cpu)
{
	for (unsigned t = 0; t <= pref->type; t++) {
		struct pz_zone *z = pz_zone_of(pz, pref->nid, (int)t);
		struct pz_pcp *pcp;

		if (!z->pcp)
			continue;
		pcp = &z->pcp[cpu];
		pz_lock(pz, &pcp->lock);
		pz_fair_batch_mod_locked(pz, z, pcp,
					 pz_wmark_pages(z, PZ_WMARK_HIGH) -
						 pz_wmark_pages(z, PZ_WMARK_LOW) -
						 zload(&z->nr_alloc_batch));
		pz_unlock(&pcp->lock);
		atomic_fetch_and_explicit(&z->flags, ~ZONE_FAIR_DEPLETED, memory_order_relaxed);
	}
}

/* rmqueue's last step (5.0): a zone that a boosting fallback marked wakes
 * its node's kswapd, after the allocation, with no lock held. */
static inline void boosted_wake(struct pz *pz, struct pz_zone *z)
{
	if (pz_unlikely(atomic_load_explicit(&z->flags, memory_order_relaxed) &
			ZONE_BOOSTED_WATERMARK) &&
	    (atomic_fetch_and_explicit(&z->flags, ~ZONE_BOOSTED_WATERMARK, memory_order_relaxed) &
	     ZONE_BOOSTED_WATERMARK))
		pz_wake_boosted(pz, z);
}

/* rmqueue and prep_new_page on a zone that passed its checks. */
static struct pz_page *take_from_zone(struct pz *pz, struct pz_zone *z, pz_gfp_t gfp,
				      unsigned order, unsigned alloc_flags, struct pz_alloc_ctx *ac)
{
	struct pz_page *p;

	while ((p = buffered_rmqueue(pz, z, order, gfp, alloc_flags, ac))) {
		bool ok = pz_prep_new_page(pz, p, order, gfp, alloc_flags);

		/* after prep (the kernel wakes inside rmqueue, before it): a
		 * deterministic-mode kswapd or kcompactd run inline here, and
		 * the callbacks it calls, must find the block allocated, not
		 * off every list with no owner (pz_validate called "lost") */
		boosted_wake(pz, z);
		if (!ok)
			continue;
		/* 4.4: a successful high-order atomic allocation reserves its
		 * pageblock for the next ones */
		if (highatomic_request(pz, order, alloc_flags))
			pz_reserve_highatomic(pz, z, p);
		return p;
	}
	boosted_wake(pz, z);
	return p;
}

/* One walk of the zonelist; *again is set when it must start over with
 * the alloc_flags it leaves (ALLOC_NOFRAGMENT dropped at a remote node). */
static struct pz_page *walk_zones(struct pz *pz, pz_gfp_t gfp, unsigned order,
				  unsigned *alloc_flags, struct pz_alloc_ctx *ac, bool cpusets,
				  unsigned *nr_fair_skipped, bool *again)
{
	unsigned pos = 0, flags = *alloc_flags;
	struct pz_zone *z;

	while ((z = pz_next_zone(pz, ac->zonelist, &pos, ac->high_zoneidx, ac->nodemask))) {
		struct pz_page *p;

		if (cpusets && (flags & PZ_ALLOC_CPUSET) &&
		    !pz_cpuset_zone_allowed(pz, ac->task, z, gfp))
			continue;
		if (flags & PZ_ALLOC_FAIR) {
			if (z->nid != ac->preferred->nid)
				break;
			if (atomic_load_explicit(&z->flags, memory_order_relaxed) &
			    ZONE_FAIR_DEPLETED) {
				(*nr_fair_skipped)++;
				continue;
			}
		}
		if (ac->spread_dirty_pages && !zone_dirty_ok(pz, z, ac->task))
			continue;
		/* 5.0: locality comes before fragmentation avoidance */
		if ((flags & PZ_ALLOC_NOFRAGMENT) && z->nid != ac->preferred->nid) {
			*alloc_flags = flags & ~PZ_ALLOC_NOFRAGMENT;
			*again = true;
			return (struct pz_page *)0;
		}
		if (!zone_passes_watermark(pz, z, order, flags, gfp, ac))
			continue;
		p = take_from_zone(pz, z, gfp, order, flags, ac);
		if (p)
			return p;
		/* each zone that failed traced an event: deliver what is
		 * held (no lock is held here) while a whole refill's events
		 * would no longer fit */
		if (pz_unlikely(ac->t && ac->t->n > PZ_TBUF_MAX - PZ_TBUF_REFILL))
			pz_trace_flush(pz, ac->t);
	}
	return (struct pz_page *)0;
}

struct pz_page *pz_get_page_from_freelist(struct pz *pz, pz_gfp_t gfp, unsigned order,
					  unsigned alloc_flags, struct pz_alloc_ctx *ac)
{
	bool cpusets = atomic_load_explicit(&pz->cpusets_enabled, memory_order_relaxed);

	for (;;) {
		unsigned nr_fair_skipped = 0;
		bool rescan = false, again = false;
		struct pz_page *p = walk_zones(pz, gfp, order, &alloc_flags, ac, cpusets,
					       &nr_fair_skipped, &again);

		if (p)
			return p;
		if (again)
			continue;
		if (alloc_flags & PZ_ALLOC_NOFRAGMENT) {
			/* 5.0: every zone failed without fragmenting: again, allowed */
			alloc_flags &= ~PZ_ALLOC_NOFRAGMENT;
			continue;
		}
		if (alloc_flags & PZ_ALLOC_FAIR) {
			alloc_flags &= ~PZ_ALLOC_FAIR;
			if (nr_fair_skipped) {
				rescan = true;
				reset_alloc_batches(pz, ac->preferred, ac->cpu);
			}
			if (pz->nr_nodes > 1)
				rescan = true;
		}
		if (!rescan)
			return (struct pz_page *)0;
	}
}

/* first_zones_zonelist: sets the preferred zone and classzone. */
bool pz_first_zone(struct pz *pz, struct pz_alloc_ctx *ac, const pz_nodemask_t *mask)
{
	unsigned pos = 0;

	ac->preferred = pz_next_zone(pz, ac->zonelist, &pos, ac->high_zoneidx, mask);
	if (!ac->preferred)
		return false;
	ac->classzone_idx = ac->preferred->type;
	return true;
}

unsigned pz_read_mems_begin(struct pz *pz, const struct pz_task *task)
{
	unsigned seq;

	while ((seq = pz_seq_load(&task->mems_seq)) & 1)
		if (pz->plat.relax)
			pz->plat.relax(pz->plat.ctx);
	return seq;
}

bool pz_read_mems_retry(const struct pz_task *task, unsigned seq)
{
	atomic_thread_fence(memory_order_acquire); /* smp_rmb: mems reads before the re-read */
	return pz_seq_load(&task->mems_seq) != seq;
}

/* A preferred node that does not exist, or a nodemask naming no node with
 * memory, is refused: counted (other) and reported, never silently NULL. */
static bool node_request_ok(struct pz *pz, int nid, const pz_nodemask_t *nodemask)
{
	pz_nodemask_t with_memory = 0;

	if (nid >= 0 && (unsigned)nid >= pz->nr_nodes) {
		pz_count(&pz->err.other);
		pz_log_limited(pz, "allocation refused: node %d does not exist (%u nodes)", nid,
			       pz->nr_nodes);
		return false;
	}
	if (!nodemask)
		return true;
	for (unsigned n = 0; n < pz->nr_nodes; n++)
		if (pz->nodes[n].has_memory)
			with_memory |= (pz_nodemask_t)1 << n;
	if (*nodemask & with_memory)
		return true;
	pz_count(&pz->err.other);
	pz_log_limited(pz, "allocation refused: nodemask %#llx names no node with memory",
		       (unsigned long long)*nodemask);
	return false;
}

static bool check_request(struct pz *pz, pz_gfp_t gfp, unsigned order, int *high)
{
	if (order >= pz->max_order) {
		pz_count(&pz->err.bad_order);
		if (!(gfp & PZ__GFP_NOWARN))
			pz_warn_once(pz, PZ_WARN_ORDER_TOO_BIG,
				     "WARNING: allocation of order %u >= max order %u", order,
				     pz->max_order);
		return false;
	}
	*high = pz_gfp_zone_internal(gfp, pz->zone_present_types);
	if (*high < 0) {
		pz_count(&pz->err.bad_gfp);
		pz_log_limited(pz, "allocation refused: gfp 0x%x has a forbidden zone combination",
			       gfp);
		return false;
	}
	if ((gfp & PZ__GFP_ZERO) && !pz->direct_map) {
		pz_count(&pz->err.bad_gfp);
		pz_log_limited(pz, "allocation refused: __GFP_ZERO (gfp 0x%x) without a direct map",
			       gfp);
		return false;
	}
	if ((gfp & PZ__GFP_MOVABLE) && (gfp & PZ__GFP_RECLAIMABLE))
		pz_warn_once(pz, PZ_WARN_MOVABLE_RECLAIMABLE,
			     "WARNING: gfp 0x%x asks for both MOVABLE and RECLAIMABLE", gfp);
	return true;
}

/*
 * alloc_flags_nofragment (5.0): ALLOC_KSWAPD when the request may wake
 * kswapd, and ALLOC_NOFRAGMENT when its preferred zone is a Normal zone
 * with a DMA32 zone below it (the machine has the DMA32 type - the
 * kernel's CONFIG_ZONE_DMA32 - and, on a NUMA machine, the node has it
 * populated): only spreading between Normal and DMA32 is worth avoiding
 * fragmentation for (HIGHMEM would press on lowmem, DMA is too small).
 */
unsigned pz_alloc_flags_nofragment(const struct pz *pz, const struct pz_zone *pref, pz_gfp_t gfp)
{
	unsigned flags = (gfp & PZ__GFP_KSWAPD_RECLAIM) ? PZ_ALLOC_KSWAPD : 0;

	if (!pz_feature(pz, PZ_FEAT_NOFRAGMENT) || pref->type != PZ_ZONE_NORMAL ||
	    !(pz->zone_present_types & (1u << PZ_ZONE_DMA32)))
		return flags;
	if (pz->nr_nodes > 1 && !pz_zone_of(pz, pref->nid, PZ_ZONE_DMA32)->populated)
		return flags;
	return flags | PZ_ALLOC_NOFRAGMENT;
}

static struct pz_page *alloc_nodemask(struct pz *pz, pz_gfp_t gfp, unsigned order, int nid,
				      const pz_nodemask_t *nodemask, struct pz_tbuf *t)
{
	struct pz_alloc_ctx ac;
	struct pz_page *p = (struct pz_page *)0;
	unsigned alloc_flags = PZ_ALLOC_WMARK_LOW | PZ_ALLOC_CPUSET;
	pz_gfp_t alloc_mask;
	unsigned cookie;
	int high;

	ac.cpu = pz_this_cpu(pz);
	ac.t = t;
	ac.task = pz_task_current(pz);
	if (!check_request(pz, gfp, order, &high) || !node_request_ok(pz, nid, nodemask)) {
		pz_trace_rec(t, PZ_TRACE_PAGE_ALLOC, (uint64_t)-1, order, pz_gfp_to_mt(pz, gfp), 0);
		return p;
	}
	nid = nid < 0 ? (int)pz->cpu_node[ac.cpu] : nid;
	ac.high_zoneidx = (unsigned)high;
	ac.nodemask = nodemask;
	ac.migratetype = pz_gfp_to_mt(pz, gfp);
	gfp &= PZ__GFP_BITS_MASK;
	/* spec 5.1 step 3: no page, no event, no warning */
	if (pz_should_fail_alloc_page(pz, ac.task, gfp, order))
		return p;
	if (!pz_feature(pz, PZ_FEAT_NO_FAIR_POLICY))
		alloc_flags |= PZ_ALLOC_FAIR;
	if (pz->has_cma && ac.migratetype == PZ_MT_MOVABLE)
		alloc_flags |= PZ_ALLOC_CMA;
	do {
		pz_nodemask_t mems;

		cookie = pz_read_mems_begin(pz, ac.task);
		/* the slow path may have switched it: start from the request's list */
		ac.zonelist = pz->nodes[nid].zonelist[(gfp & PZ__GFP_THISNODE) ? 1 : 0];
		mems = pz_mask_load(&ac.task->mems_allowed);
		ac.spread_dirty_pages = (gfp & PZ__GFP_WRITE) != 0;
		if (!pz_first_zone(pz, &ac, nodemask ? nodemask : &mems))
			continue;
		alloc_mask = gfp | PZ__GFP_HARDWALL;
		p = pz_get_page_from_freelist(
			pz, alloc_mask, order,
			alloc_flags | pz_alloc_flags_nofragment(pz, ac.preferred, gfp), &ac);
		if (!p) {
			alloc_mask = gfp;
			if (ac.task->flags & PZ_TASK_MEMALLOC_NOIO)
				alloc_mask &= ~(PZ__GFP_IO | PZ__GFP_FS);
			ac.spread_dirty_pages = false;
			p = pz_alloc_slowpath(pz, alloc_mask, order, &ac);
		}
		if (t)
			t->gfp = alloc_mask;
		pz_trace_rec(t, PZ_TRACE_PAGE_ALLOC, p ? pz_page_pfn(pz, p) : (uint64_t)-1, order,
			     ac.migratetype, 0);
	} while (!p && pz_read_mems_retry(ac.task, cookie));
	return p;
}

/*
 * The shortcut's LOW check of zone z for a block of this order and pcp type
 * against classzone: get_page_from_freelist's zone_watermark_ok with
 * ALLOC_WMARK_LOW | ALLOC_CPUSET (and ALLOC_CMA for movable requests when
 * there is CMA), inline so that each shortcut gets it specialised.
 */
static inline bool fast_low_ok(const struct pz *pz, struct pz_zone *z, unsigned order, unsigned mt,
			       unsigned classzone)
{
	unsigned flags = PZ_ALLOC_WMARK_LOW | PZ_ALLOC_CPUSET;

	if (!order) {
		/* what zone_watermark_ok comes to for order 0 in both profiles
		 * (the HIGHATOMIC reserve stays 0 without PZ_FEAT_HIGHATOMIC) */
		long free = zload(&z->nr_free_pages) - zload(&z->nr_reserved_highatomic);

		if (!(pz->has_cma && mt == PZ_MT_MOVABLE))
			free -= zload(&z->nr_free_cma);
		return free >
		       pz_wmark_pages(z, PZ_WMARK_LOW) + zload(&z->lowmem_reserve[classzone]);
	}
	if (pz->has_cma && mt == PZ_MT_MOVABLE)
		flags |= PZ_ALLOC_CMA;
	return pz_wmark_ok_inline(pz, z, order, pz_wmark_pages(z, PZ_WMARK_LOW), classzone, flags,
				  zload(&z->nr_free_pages));
}

/*
 * The fair pass of get_page_from_freelist over the local zones, for the
 * shortcut when its preferred zone cannot serve (4.1's fair batch spent, or
 * below the watermark): the first zone that passes, or NULL when only the
 * general path may decide (a remote zone in 4.1's fair pass, zone_reclaim).
 */
static PZ_NOINLINE struct pz_zone *fast_zone_walk(struct pz *pz, const uint16_t *zl, unsigned high,
						  unsigned order, unsigned mt, struct pz_zone *pref)
{
	unsigned pos = 0;
	struct pz_zone *z;

	while ((z = pz_next_zone(pz, zl, &pos, high, (const pz_nodemask_t *)0))) {
		if (z->nid != pref->nid && !pz_feature(pz, PZ_FEAT_NO_FAIR_POLICY))
			return (struct pz_zone *)0;
		if (!pz_feature(pz, PZ_FEAT_NO_FAIR_POLICY) &&
		    (atomic_load_explicit(&z->flags, memory_order_relaxed) & ZONE_FAIR_DEPLETED))
			continue;
		if (fast_low_ok(pz, z, order, mt, pref->type))
			return z;
		if (pz->zone_reclaim_mode)
			return (struct pz_zone *)0; /* zone_reclaim is the general path's */
	}
	return (struct pz_zone *)0;
}

/*
 * The shortcut's take from zone z's per-CPU list of this CPU: a list pop
 * and the per-allocation counters under the pcp lock, then the head page's
 * checks. A bad page is reported and leaked; like get_page_from_freelist
 * the shortcut then takes the next block from the same zone. NULL when the
 * list is empty (the general path refills it).
 */
static PZ_ALWAYS_INLINE struct pz_page *fast_take(struct pz *pz, struct pz_zone *z,
						  const struct pz_alloc_ctx *ac, unsigned order,
						  pz_gfp_t gfp)
{
	struct pz_pcp *pcp = &z->pcp[ac->cpu];
	struct pz_list *list =
		pz_pcp_list(pz, pcp, (unsigned)pz_pcp_level(pz, order), ac->migratetype);
	struct pz_page *p;

	do {
		pz_lock(pz, &pcp->lock);
		if (pz_unlikely(pz_list_empty(list))) {
			pz_unlock(&pcp->lock);
			return (struct pz_page *)0;
		}
		pcp->free_factor >>= 1; /* as pz_pcp_alloc */
		p = &pz->pages[(gfp & PZ__GFP_COLD) ? list->last : list->first];
		pz_list_del(pz, list, p);
		pg_set_where(p, 0);
		pcp->count -= 1 << order;
		if (pz_likely(z == ac->preferred &&
			      (z->nid == pz->cpu_node[ac->cpu] || (gfp & PZ__GFP_OTHER_NODE)))) {
			/* the fair batch, then zone_statistics for a hit in the
			 * preferred zone of a local node: PGALLOC, NUMA_HIT and
			 * NUMA_LOCAL in one counter of this CPU, under its lock */
			if (!pz_feature(pz, PZ_FEAT_NO_FAIR_POLICY))
				pz_fair_batch_sub_locked(pz, z, pcp, 1, order);
			pz_count_owned(&pcp->local_hits[pz_pcp_level(pz, order)], 1);
		} else {
			pz_count_alloc(pz, z, order, gfp, ac, true);
		}
		pz_unlock(&pcp->lock);
		if (pz_likely(pz_prep_fast(pz, p, order, gfp)))
			return p;
	} while (pz_unlikely(!pz_prep_new_page(pz, p, order, gfp, 0)));
	return p;
}

/*
 * The common request for an order with a per-CPU list (order 0; with
 * PZ_FEAT_PCP_HIGH_ORDER also 1-3 and the pageblock order) in one flat
 * function. It does exactly what alloc_nodemask + get_page_from_freelist do
 * when an eligible local zone passes its LOW watermark (and the fair policy)
 * and its per-CPU list already holds a block of the type; in any other case
 * it changes nothing and returns NULL so that the general path runs. The
 * general path is the specification; this is only a shortcut through it.
 *
 * The usual case costs: the gfp table, the CPU and task hooks, the
 * precomputed preferred zone, one watermark check, the pcp lock, a list
 * pop, one counter and the head page's checks.
 */
static PZ_ALWAYS_INLINE struct pz_page *alloc_pcp_fast(struct pz *pz, pz_gfp_t gfp, unsigned order,
						       int nid, const struct pz_task *task)
{
	struct pz_alloc_ctx ac;
	struct pz_zone *z;

	if (!pz_fast_ctx(pz, gfp, nid, task, &ac))
		return (struct pz_page *)0;
	z = ac.preferred;
	if ((!pz_feature(pz, PZ_FEAT_NO_FAIR_POLICY) &&
	     (atomic_load_explicit(&z->flags, memory_order_relaxed) & ZONE_FAIR_DEPLETED)) ||
	    pz_unlikely(!fast_low_ok(pz, z, order, ac.migratetype, z->type))) {
		z = fast_zone_walk(pz, ac.zonelist, ac.high_zoneidx, order, ac.migratetype,
				   ac.preferred);
		if (!z)
			return (struct pz_page *)0;
	}
	return fast_take(pz, z, &ac, order, gfp);
}

/* The general path of a single allocation, with its trace buffer. */
static PZ_NOINLINE pz_page_t *alloc_general(pz_t *pz, pz_gfp_t gfp, unsigned order,
					    int preferred_nid, const pz_nodemask_t *nodemask)
{
	struct pz_page *p;

	if (pz_unlikely(pz->plat.trace != 0)) {
		struct pz_tbuf tb;

		tb.n = 0;
		tb.cpu = pz_this_cpu(pz);
		tb.gfp = gfp;
		p = alloc_nodemask(pz, gfp, order, preferred_nid, nodemask, &tb);
		pz_trace_flush(pz, &tb);
	} else {
		p = alloc_nodemask(pz, gfp, order, preferred_nid, nodemask, (struct pz_tbuf *)0);
	}
	if (!p)
		pz_count(&pz->err.alloc_failed);
	else if (pz_unlikely(pz->mobility_disabled))
		pz_mark_movable_request(p, gfp);
	return p;
}

/* The entry of every single allocation; task is the caller's when known. */
static PZ_ALWAYS_INLINE pz_page_t *alloc_entry(pz_t *pz, pz_gfp_t gfp, unsigned order,
					       int preferred_nid, const pz_nodemask_t *nodemask,
					       const struct pz_task *task)
{
	/* with fail_page_alloc armed the general path asks it at its place */
	if (pz_pcp_level(pz, order) >= 0 && !nodemask &&
	    !(atomic_load_explicit(&pz->fast_off, memory_order_relaxed) & PZ_OFF_ALLOC)) {
		struct pz_page *p = alloc_pcp_fast(pz, gfp, order, preferred_nid, task);

		if (pz_likely(p != 0))
			return p;
	}
	return alloc_general(pz, gfp, order, preferred_nid, nodemask);
}

pz_page_t *pz_alloc_pages_nodemask(pz_t *pz, pz_gfp_t gfp, unsigned order, int preferred_nid,
				   const pz_nodemask_t *nodemask)
{
	if (!pz_instance_ok(pz))
		return (pz_page_t *)0;
	return alloc_entry(pz, gfp, order, preferred_nid, nodemask, (const struct pz_task *)0);
}

pz_page_t *pz_alloc_pages_node(pz_t *pz, int nid, pz_gfp_t gfp, unsigned order)
{
	return pz_alloc_pages_nodemask(pz, gfp, order, nid < 0 ? PZ_NUMA_NO_NODE : nid,
				       (const pz_nodemask_t *)0);
}

/* alloc_pages: the task's preferred-node mempolicy, else the local node. */
pz_page_t *pz_alloc_pages(pz_t *pz, pz_gfp_t gfp, unsigned order)
{
	const struct pz_task *task;

	if (!pz_instance_ok(pz))
		return (pz_page_t *)0;
	task = pz_task_current(pz);
	/* order 0 gets its own copy of the shortcut, with the order folded in */
	if (order == 0)
		return alloc_entry(pz, gfp, 0, task->preferred_node, (const pz_nodemask_t *)0,
				   task);
	return alloc_entry(pz, gfp, order, task->preferred_node, (const pz_nodemask_t *)0, task);
}
