/*
 * pcp.c - per-CPU page lists (per_cpu_pages).
 *
 * Order-0 pages (and, with PZ_FEAT_PCP_HIGH_ORDER, blocks of orders 1-3 and
 * of the pageblock order) are handed out from and freed to a small
 * per-CPU, per-zone cache so that the common case takes no zone lock. A
 * list is refilled under one zone lock - `batch` pages for order 0,
 * max(batch >> order, 2) blocks above (one when batch is 1) - keeping the
 * blocks in the order __rmqueue handed them out, and the lists are flushed
 * `batch` pages' worth, coldest first, when the count reaches `high` (since
 * 5.14 twice as much at each flush that no allocation separates, up to
 * high - batch: free_factor). Pages on these lists are NOT counted in
 * NR_FREE_PAGES: refill subtracts them, drain adds them back.
 *
 * Each list has its own lock so that another thread can drain it (the
 * kernel's modern pcp spinlock); the local CPU takes it uncontended. Lock
 * order: pcp->lock, then zone->lock.
 */
#include "internal.h"

/*
 * Pulls up to `count` blocks of `order` out of the buddy lists into out[],
 * in exactly the order `count` calls of __rmqueue would hand them out.
 * Shortcut: when type mt has a free block at or above `order`, the smallest
 * such block B is what __rmqueue_smallest splits next, and the calls that
 * follow hand out B's pieces in ascending pfn order before touching any
 * other block: expand leaves B's upper halves on the lists of lower orders,
 * which were empty (B's order is the smallest non-empty one), and the
 * smallest of those halves is always the lowest remaining piece. So the
 * pieces wanted are cut from B directly; what is left of B goes back to
 * those lists as the aligned blocks that cover it (one per order, as expand
 * would have left them). Only when mt has nothing at all does a block go
 * through __rmqueue (fallback, CMA, 4.1's reserve). Caller holds z->lock;
 * returns the number of blocks pulled and adds the CMA pages to *cma.
 */
static int pull_blocks_locked(struct pz *pz, struct pz_zone *z, unsigned order, int count,
			      unsigned mt, unsigned alloc_flags, struct pz_tbuf *t,
			      struct pz_page **out)
{
	int i = 0;

	pz_assert_zone_locked(pz, z);
	while (i < count) {
		struct pz_page *p;
		unsigned o = order;

		for (; o < pz->max_order; o++)
			if (!pz_list_empty(&z->free_area[o].list[mt]))
				break;
		/* CMA taken first (5.8) goes through __rmqueue, block by block */
		if (o < pz->max_order &&
		    !(pz_unlikely(pz->has_cma) && pz_cma_first(pz, z, mt, alloc_flags))) {
			struct pz_page *b = &pz->pages[z->free_area[o].list[mt].first];
			uint64_t step = (uint64_t)1 << order, end = (uint64_t)1 << o;
			uint64_t take = (uint64_t)(count - i) << order, k;

			take = take < end ? take : end;
			pz_area_del(pz, z, b, o);
			for (k = 0; k < take; k += step) {
				b[k].mt = (uint8_t)mt;
				out[i++] = b + k;
				pz_trace_rec(t, PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED,
					     pz_page_pfn(pz, b + k), order, mt, 0);
			}
			/* the rest of B: the largest aligned block at each step */
			for (k = take; k < end; k += k & -k)
				pz_area_add(pz, z, b + k, (unsigned)__builtin_ctzll(k), mt, false);
			continue; /* mt is a pcp type: never CMA pages here */
		}
		p = pz_rmqueue_locked(pz, z, order, mt, alloc_flags, t);
		if (!p)
			break;
		/* at once, as the kernel's refill does: the next block's CMA
		 * rule sees it (NR_FREE_PAGES follows after the loop) */
		if (p->mt == PZ_MT_CMA)
			zadd(&z->nr_free_cma, -((long)1 << order));
		out[i++] = p;
	}
	return i;
}

/* pull_blocks_locked under the zone lock, with the free counts updated. */
static int pull_accounted(struct pz *pz, struct pz_zone *z, unsigned order, int count, unsigned mt,
			  unsigned alloc_flags, struct pz_tbuf *t, struct pz_page **out)
{
	int n;

	count = count < PZ_PCP_MAX_BATCH ? count : PZ_PCP_MAX_BATCH;
	pz_lock(pz, &z->lock);
	n = pull_blocks_locked(pz, z, order, count, mt, alloc_flags, t, out);
	zadd(&z->nr_free_pages, -((long)n << order));
	pz_unlock(&z->lock);
	return n;
}

/*
 * rmqueue_bulk: up to `count` blocks of `order` onto an empty list, in the
 * order they were pulled (hot: head to tail; cold: tail to head, so that
 * either end hands them out in pull order).
 */
static int rmqueue_bulk(struct pz *pz, struct pz_zone *z, struct pz_pcp *pcp, unsigned order,
			int count, struct pz_list *list, unsigned mt, unsigned alloc_flags,
			bool cold, struct pz_tbuf *t)
{
	struct pz_page *got[PZ_PCP_MAX_BATCH];
	int n = pull_accounted(pz, z, order, count, mt, alloc_flags, t, got);

	pz_pcp_park_locked(pz, pcp, list, order, cold, got, n);
	return n;
}

/*
 * Puts pulled blocks on a pcp list as a refill leaves them: hot, appended
 * in pull order; cold, pushed in pull order at the head (the tail end is
 * then the oldest). Caller holds the pcp lock; the list is empty.
 */
void pz_pcp_park_locked(struct pz *pz, struct pz_pcp *pcp, struct pz_list *list, unsigned order,
			bool cold, struct pz_page *const *pages, int n)
{
	pz_assert_pcp_locked(pz, pcp);
	for (int i = 0; i < n; i++) {
		struct pz_page *p = pages[i];

		if (cold)
			pz_list_add_head(pz, list, p);
		else
			pz_list_add_tail(pz, list, p);
		p->order = (uint8_t)order;
		pg_set_where(p, PG_PCP);
	}
}

/*
 * The bulk allocator's refill: `batch` order-0 pages pulled from the buddy
 * lists into out[] as rmqueue_bulk would pull them, accounted, but not put
 * on the list (the caller hands them out and parks the rest). Caller holds
 * pcp->lock, and the list of mt is empty. Returns the pages pulled.
 */
int pz_pcp_pull_batch_locked(struct pz *pz, struct pz_zone *z, struct pz_pcp *pcp, unsigned mt,
			     unsigned alloc_flags, struct pz_page **out)
{
	pz_assert_pcp_locked(pz, pcp);
	return pull_accounted(pz, z, 0, atomic_load_explicit(&pcp->batch, memory_order_acquire), mt,
			      alloc_flags, (struct pz_tbuf *)0, out);
}

/*
 * __rmqueue_pcplist: one block of type mt from this CPU's list of its
 * order, refilling the list from the buddy lists when empty (batch pages
 * for order 0, batch >> order blocks but at least two above - except with
 * a batch of 1, a small zone's, which refills one block of any order as
 * 5.14 does). Caller holds pcp->lock; order has a pcp level.
 */
struct pz_page *pz_pcp_take_locked(struct pz *pz, struct pz_zone *z, struct pz_pcp *pcp,
				   unsigned order, unsigned mt, unsigned alloc_flags, bool cold,
				   struct pz_tbuf *t)
{
	struct pz_list *list = pz_pcp_list(pz, pcp, (unsigned)pz_pcp_level(pz, order), mt);
	struct pz_page *p;

	pz_assert_pcp_locked(pz, pcp);
	if (pz_list_empty(list)) {
		int batch = atomic_load_explicit(&pcp->batch, memory_order_acquire);

		if (order && batch > 1) {
			batch >>= order;
			batch = batch < 2 ? 2 : batch;
		}
		pcp->count += rmqueue_bulk(pz, z, pcp, order, batch, list, mt, alloc_flags, cold, t)
			      << order;
		if (pz_list_empty(list))
			return (struct pz_page *)0;
	}
	p = &pz->pages[cold ? list->last : list->first];
	pz_list_del(pz, list, p);
	pg_set_where(p, 0);
	pcp->count -= 1 << order;
	return p;
}

/* The per-CPU half of buffered_rmqueue; counts the allocation while the
 * pcp lock is held. */
struct pz_page *pz_pcp_alloc(struct pz *pz, struct pz_zone *z, unsigned order, pz_gfp_t gfp,
			     unsigned alloc_flags, const struct pz_alloc_ctx *ac)
{
	struct pz_pcp *pcp = &z->pcp[ac->cpu];
	struct pz_page *p;

	pz_lock(pz, &pcp->lock);
	pcp->free_factor >>= 1; /* an allocation: the next flushes shrink (5.14) */
	p = pz_pcp_take_locked(pz, z, pcp, order, ac->migratetype, alloc_flags, gfp & PZ__GFP_COLD,
			       ac->t);
	if (p)
		pz_count_alloc(pz, z, order, gfp, ac, true);
	pz_unlock(&pcp->lock);
	return p;
}

/*
 * Where free_pcppages_bulk's round robin stands. A drain is one kernel call
 * (free_pcppages_bulk(zone, count, pcp)) cut into chunks so that a trace
 * buffer never overflows; each chunk continues where the previous one
 * stopped, so the pages reach the buddy lists in the order one call gives
 * them (spec 6.3).
 */
struct pcp_rr {
	unsigned k;	/* the list being freed: level * 3 + index in the kernel's enum */
	int batch_free; /* blocks the round robin still takes from that list */
	bool in_run;	/* taking blocks from list k */
	bool whole;	/* 5.18: each list is emptied before the next */
	int to_free;	/* pages left in the whole call (a block counts 2^order) */
};

/*
 * A call starting at list `first` (in round-robin numbering). Until 5.18
 * the round robin starts after list 0 and takes batch_free blocks from
 * each list it visits; since 5.18 (6.1's free_pcppages_bulk) it starts
 * at the list of the block whose free caused the flush (list 0 for a
 * drain) and empties each list, coldest first, before the next one.
 */
static void rr_start(const struct pz *pz, struct pcp_rr *rr, int count, unsigned first)
{
	rr->whole = pz_kver(pz) >= PZ_KV(5, 18);
	rr->k = rr->whole ? (first + pz_pcp_nr_lists(pz) - 1) % pz_pcp_nr_lists(pz) : 0;
	rr->batch_free = 0;
	rr->in_run = false;
	rr->to_free = count;
}

/* The round-robin number of the list of (order, mt): the order's level
 * times three plus mt's place in the kernel's enum. */
static unsigned rr_index(const struct pz *pz, unsigned order, unsigned mt)
{
	unsigned level = (unsigned)pz_pcp_level(pz, order);
	unsigned idx = pz->pcp_list_of[level * PZ_MT_PCPTYPES + mt];

	for (unsigned k = level * PZ_MT_PCPTYPES; k < (level + 1) * PZ_MT_PCPTYPES; k++)
		if (pz->rr_list[k] == idx)
			return k;
	return 0;
}

static inline struct pz_list *rr_list(struct pz *pz, struct pz_pcp *pcp, unsigned k)
{
	return &pcp->lists[pz->rr_list[k]];
}

/*
 * A run for free_pcppages_bulk: when the next order-0 pages it would free
 * from `list` (tail first, at most `room` of them) are p, p + 1, p + 2, ...
 * with one migratetype, the largest aligned power of two of them, m pages
 * of order log2(m), may be freed as one block: one __free_one_page per page
 * would add each partial block only for the next page to merge it again
 * (an add and a delete leave every other block where it was), and merge
 * the last page exactly as far as the whole block merges, with the same
 * placement. The pages are cut off the list; returns the block's order, or
 * 0 (nothing cut) when there is no run of two or more.
 */
static unsigned cut_run(struct pz *pz, struct pz_list *list, struct pz_page *p, long room)
{
	uint32_t idx = pz_page_idx(pz, p), q = p->prev;
	uint64_t pfn = pz_page_pfn(pz, p);
	unsigned align = pfn ? (unsigned)__builtin_ctzll(pfn) : 63, order;
	long limit, c = 1;

	if (align > pz->max_order - 1)
		align = pz->max_order - 1;
	limit = room < (1l << align) ? room : (1l << align);
	while (c < limit && q == idx + (uint32_t)c && pz->pages[q].mt == p->mt) {
		q = pz->pages[q].prev;
		c++;
	}
	if (c < 2)
		return 0;
	order = 63u - (unsigned)__builtin_clzll((uint64_t)c);
	c = 1l << order;
	/* the run is the list's last c pages: idx + c - 1 ... idx + 1, idx */
	q = pz->pages[idx + (uint32_t)c - 1].prev;
	if (q == PZ_NIL)
		list->first = PZ_NIL;
	else
		pz->pages[q].next = PZ_NIL;
	list->last = q;
	for (long k = 0; k < c; k++) {
		p[k].next = p[k].prev = PZ_NIL;
		pg_set_where(p + k, 0);
	}
	return order;
}

/* The round robin's next run: the next non-empty list (batch_free counts
 * the lists passed, all of them when only one list is left). */
static inline struct pz_list *rr_next_run(struct pz *pz, struct pz_pcp *pcp, struct pcp_rr *rr,
					  unsigned nr_lists)
{
	struct pz_list *list;

	do {
		rr->batch_free++;
		if (++rr->k == nr_lists)
			rr->k = 0;
		list = rr_list(pz, pcp, rr->k);
	} while (pz_list_empty(list));
	if ((unsigned)rr->batch_free == nr_lists || rr->whole)
		rr->batch_free = rr->to_free;
	rr->in_run = true;
	return list;
}

/*
 * free_pcppages_bulk: up to about `n` pages of the call rr describes back
 * to the buddy lists, round robin over the lists in the kernel's order
 * starting after index 0 (taking more from a list the longer the others
 * stay empty), coldest first. A block counts its 2^order pages, so the
 * last one may overshoot. Returns the pages freed. Caller holds pcp->lock
 * and has made sure rr->to_free <= pcp->count; pcp->count is the caller's.
 */
static int free_pcppages_bulk(struct pz *pz, struct pz_zone *z, struct pz_pcp *pcp,
			      struct pcp_rr *rr, int n, struct pz_tbuf *t)
{
	const unsigned nr_lists = pz_pcp_nr_lists(pz);
	int done = 0;

	pz_lock(pz, &z->lock);
	zstore(&z->pages_scanned, 0);
	while (done < n && rr->to_free > 0) {
		struct pz_list *list = rr_list(pz, pcp, rr->k);
		struct pz_page *p;
		unsigned mt, order;

		if (!rr->in_run || pz_list_empty(list))
			list = rr_next_run(pz, pcp, rr, nr_lists);
		order = pz_pcp_level_order(pz, rr->k / PZ_MT_PCPTYPES);
		p = &pz->pages[list->last];
		mt = p->mt;
		/* not while a compaction may capture (z->capture): a run
		 * would skip the orders below its own where it could */
		if (order == 0 && !z->nr_isolate_pageblock && !z->capture) {
			/* the pages this run of the round robin still takes */
			long room = rr->batch_free < rr->to_free ? rr->batch_free : rr->to_free;
			unsigned run;

			room = room < n - done ? room : n - done;
			run = room > 1 ? cut_run(pz, list, p, room) : 0;
			if (run) {
				long m = 1l << run;

				pz_free_one_page_locked(pz, z, p, run, mt);
				for (long k = 0; k < m; k++)
					pz_trace_rec(t, PZ_TRACE_PAGE_PCPU_DRAIN,
						     pz_page_pfn(pz, p + k), 0, mt, 0);
				/* m - 1 steps of the loop below that end nothing */
				done += (int)m - 1;
				rr->to_free -= (int)m - 1;
				rr->batch_free -= (int)m - 1;
				goto step;
			}
		}
		pz_list_del(pz, list, p);
		pg_set_where(p, 0);
		if (z->nr_isolate_pageblock)
			mt = pz_pageblock_mt(pz, pz_page_pfn(pz, p));
		pz_free_one_page_locked(pz, z, p, order, mt);
		pz_trace_rec(t, PZ_TRACE_PAGE_PCPU_DRAIN, pz_page_pfn(pz, p), order, mt, 0);
	step:
		done += 1 << order;
		/* the kernel's "while (to_free > 0 && --batch_free && !empty)" */
		rr->to_free -= 1 << order;
		if (rr->to_free <= 0)
			break;
		if (!--rr->batch_free || pz_list_empty(list))
			rr->in_run = false;
	}
	pz_unlock(&z->lock);
	return done;
}

/*
 * nr_pcp_free (5.14): each flush reached without an allocation in between
 * frees twice as much as the last (batch << free_factor), between batch
 * and high - batch; the factor stops growing at 5 (CONFIG_PCP_BATCH_SCALE_MAX,
 * in the 6.1 stable tree) or once the flush reaches high - batch. A high
 * below batch (a list that should hold nothing) frees one page.
 */
static int nr_pcp_free(struct pz_pcp *pcp, int high, int batch)
{
	int n = batch << pcp->free_factor, max = high - batch;

	if (high < batch)
		return 1;
	if (n < max && pcp->free_factor < 5)
		pcp->free_factor++;
	n = n > batch ? n : batch;
	return n < max ? n : max;
}

/*
 * nr_pcp_high (5.14) without free_high: while kswapd balances the node
 * (ZONE_RECLAIM_ACTIVE) a list keeps at most 4 * batch pages, so pages
 * freed during reclaim reach the buddy lists sooner; nr_pcp_free then
 * works from this lower high too (a flush of at most 3 * batch).
 */
static int nr_pcp_high(const struct pz_zone *z, int high, int batch)
{
	if (!(atomic_load_explicit(&z->flags, memory_order_relaxed) & ZONE_RECLAIM_ACTIVE))
		return high;
	return batch << 2 < high ? batch << 2 : high;
}

/*
 * The flush after a per-CPU free (free_unref_page_commit): batch pages'
 * worth, coldest first, once the count reaches pcp->high - since 5.14
 * nr_pcp_free's growing amount from a high capped while kswapd reclaims
 * (nr_pcp_high), and since 6.0 everything when a block of order 1..3 is
 * freed while frees are outrunning allocations (free_high). Caller holds
 * pcp->lock. Returns 0, or, when tracing and the flush is larger than a
 * trace chunk, the pages still to flush (nothing done yet: the caller
 * delivers it with pz_pcp_flush_chunked_locked).
 */
int pz_pcp_flush_locked(struct pz *pz, struct pz_zone *z, struct pz_pcp *pcp, unsigned order,
			unsigned mt, struct pz_tbuf *t)
{
	int batch = atomic_load_explicit(&pcp->batch, memory_order_acquire);
	int high = nr_pcp_high(z, atomic_load_explicit(&pcp->high, memory_order_acquire), batch);
	struct pcp_rr rr;

	pz_assert_pcp_locked(pz, pcp);
	if (pcp->free_factor && order && order <= PZ_PCP_COSTLY_ORDER && pz_kver(pz) >= PZ_KV(6, 0))
		batch = pcp->count;
	else if (pcp->count < high)
		return 0;
	else if (pz_kver(pz) >= PZ_KV(5, 14))
		batch = nr_pcp_free(pcp, high, batch);
	if (batch > pcp->count)
		batch = pcp->count;
	if (t && batch > PZ_PCP_TRACE_CHUNK)
		return batch;
	rr_start(pz, &rr, batch, rr_index(pz, order, mt));
	pcp->count -= free_pcppages_bulk(pz, z, pcp, &rr, batch, t);
	return 0;
}

/* A traced flush of n pages as one free_pcppages_bulk call cut into
 * chunks, the pcp lock dropped between them to deliver the events (as
 * pz_drain_zone_cpu does). Called and returns with pcp->lock held. */
void pz_pcp_flush_chunked_locked(struct pz *pz, struct pz_zone *z, struct pz_pcp *pcp, int n,
				 unsigned order, unsigned mt, struct pz_tbuf *t)
{
	struct pcp_rr rr;

	rr_start(pz, &rr, n, rr_index(pz, order, mt));
	for (;;) {
		/* the CPU itself may have taken pages meanwhile */
		if (rr.to_free > pcp->count)
			rr.to_free = pcp->count;
		pcp->count -= free_pcppages_bulk(pz, z, pcp, &rr, PZ_PCP_TRACE_CHUNK, t);
		if (rr.to_free <= 0)
			return;
		pz_unlock(&pcp->lock);
		pz_trace_flush(pz, t);
		pz_lock(pz, &pcp->lock);
	}
}

/* free_hot_cold_page / free_unref_page after the checks: p->mt holds the
 * pageblock type; order has a pcp level. */
void pz_pcp_free(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned order, unsigned cpu,
		 bool cold, struct pz_tbuf *t)
{
	struct pz_pcp *pcp = &z->pcp[cpu];
	unsigned mt = p->mt;
	bool reclaim;
	int n;

	if (mt >= PZ_MT_PCPTYPES) {
		if (mt == PZ_MT_ISOLATE) {
			pz_count_n(&pcp->ev[PCPEV_PGFREE], (uint64_t)1 << order);
			pz_lock(pz, &z->lock);
			zstore(&z->pages_scanned, 0);
			pz_free_one_page_locked(pz, z, p, order,
						pz_pageblock_mt(pz, pz_page_pfn(pz, p)));
			pz_unlock(&z->lock);
			return;
		}
		mt = PZ_MT_MOVABLE; /* RESERVE, HIGHATOMIC and CMA pages use the MOVABLE list */
	}
	pz_lock(pz, &pcp->lock);
	/* the one load of ZONE_RECLAIM_ACTIVE: the shortcuts, which do not
	 * come here, never run while it can be set (see types.h) */
	reclaim = atomic_load_explicit(&z->flags, memory_order_relaxed) & ZONE_RECLAIM_ACTIVE;
	n = pz_pcp_free_locked(pz, z, pcp, p, order, mt, cold, reclaim, t);
	if (n)
		pz_pcp_flush_chunked_locked(pz, z, pcp, n, order, mt, t);
	pz_unlock(&pcp->lock);
}

/*
 * drain_pages_zone: every page the CPU's lists hold when the drain starts,
 * as one free_pcppages_bulk call done in chunks; between chunks the pcp
 * lock is dropped and the chunk's events delivered.
 */
void pz_drain_zone_cpu(struct pz *pz, struct pz_zone *z, unsigned cpu, struct pz_tbuf *t)
{
	struct pz_pcp *pcp = &z->pcp[cpu];
	struct pcp_rr rr;

	pz_lock(pz, &pcp->lock);
	rr_start(pz, &rr, pcp->count, 0);
	pz_unlock(&pcp->lock);
	while (rr.to_free > 0) {
		pz_lock(pz, &pcp->lock);
		/* the CPU itself may have taken pages meanwhile */
		if (rr.to_free > pcp->count)
			rr.to_free = pcp->count;
		pcp->count -= free_pcppages_bulk(pz, z, pcp, &rr, PZ_PCP_TRACE_CHUNK, t);
		pz_unlock(&pcp->lock);
		pz_trace_flush(pz, t);
	}
}
