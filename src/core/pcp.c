/*
 * pcp.c - per-CPU page lists (per_cpu_pages).
 *
 * Order-0 pages (and, with PZ_FEAT_PCP_HIGH_ORDER, blocks of orders 1-3 and
 * of the pageblock order) are handed out from and freed to a small
 * per-CPU, per-zone cache so that the common case takes no zone lock. The cache is refilled
 * `batch` pages at a time under one zone lock (keeping the pages in the
 * physical order expand() produced them) and flushed `batch` coldest pages
 * at a time when it reaches `high`. Pages on these lists are NOT counted in
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
 * Shortcut: when the smallest non-empty list of type mt holds a block B
 * whose pieces all fit in what is left to pull, repeated __rmqueue_smallest
 * would split B and hand out its pieces in ascending pfn order before
 * touching any other block (expand leaves them on lists of lower orders,
 * which were empty) - so B is taken whole and cut directly. Anything else
 * (a partial block, fallback, reserves) goes through __rmqueue one block at
 * a time. Caller holds z->lock; returns the number of blocks pulled.
 */
static int pull_blocks_locked(struct pz *pz, struct pz_zone *z, unsigned order, int count,
			      unsigned mt, struct pz_tbuf *t, struct pz_page **out)
{
	int i = 0;

	while (i < count) {
		struct pz_page *p = (struct pz_page *)0;
		unsigned o = order;

		for (; o < pz->max_order; o++)
			if (!pz_list_empty(&z->free_area[o].list[mt]))
				break;
		if (o < pz->max_order && ((uint64_t)1 << (o - order)) <= (uint64_t)(count - i)) {
			struct pz_page *b = &pz->pages[z->free_area[o].list[mt].first];
			uint64_t step = (uint64_t)1 << order, end = (uint64_t)1 << o;

			pz_area_del(pz, z, b, o);
			for (uint64_t k = 0; k < end; k += step) {
				b[k].mt = (uint8_t)mt;
				out[i++] = b + k;
				pz_trace_rec(t, PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED,
					     pz_page_pfn(pz, b + k), order, mt, 0);
			}
			continue;
		}
		p = pz_rmqueue_locked(pz, z, order, mt, t);
		if (!p)
			break;
		out[i++] = p;
	}
	return i;
}

/*
 * rmqueue_bulk: up to `count` blocks of `order` onto an empty list, in the
 * order they were pulled (hot: head to tail; cold: tail to head, so that
 * either end hands them out in pull order).
 */
static int rmqueue_bulk(struct pz *pz, struct pz_zone *z, unsigned order, int count,
			struct pz_list *list, unsigned mt, bool cold, struct pz_tbuf *t)
{
	struct pz_page *got[PZ_PCP_MAX_BATCH];
	long cma = 0;
	int n;

	count = count < PZ_PCP_MAX_BATCH ? count : PZ_PCP_MAX_BATCH;
	pz_lock(pz, &z->lock);
	n = pull_blocks_locked(pz, z, order, count, mt, t, got);
	for (int i = 0; i < n; i++)
		cma += got[i]->mt == PZ_MT_CMA;
	if (cma)
		zadd(&z->nr_free_cma, -(cma << order));
	zadd(&z->nr_free_pages, -((long)n << order));
	pz_unlock(&z->lock);
	pz_pcp_park_locked(pz, list, order, cold, got, n);
	return n;
}

/*
 * Puts pulled blocks on a pcp list as a refill leaves them: hot, appended
 * in pull order; cold, pushed in pull order at the head (the tail end is
 * then the oldest). Caller holds the pcp lock; the list is empty.
 */
void pz_pcp_park_locked(struct pz *pz, struct pz_list *list, unsigned order, bool cold,
			struct pz_page *const *pages, int n)
{
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
			     struct pz_page **out)
{
	int batch = atomic_load_explicit(&pcp->batch, memory_order_acquire), n;
	long cma = 0;

	batch = batch < PZ_PCP_MAX_BATCH ? batch : PZ_PCP_MAX_BATCH;
	pz_lock(pz, &z->lock);
	n = pull_blocks_locked(pz, z, 0, batch, mt, (struct pz_tbuf *)0, out);
	for (int i = 0; i < n; i++)
		cma += out[i]->mt == PZ_MT_CMA;
	if (cma)
		zadd(&z->nr_free_cma, -cma);
	zadd(&z->nr_free_pages, -(long)n);
	pz_unlock(&z->lock);
	return n;
}

/*
 * __rmqueue_pcplist: one block of type mt from this CPU's list of its
 * order, refilling the list from the buddy lists when empty (batch pages
 * for order 0, batch >> order blocks but at least two above). Caller
 * holds pcp->lock; order has a pcp level.
 */
struct pz_page *pz_pcp_take_locked(struct pz *pz, struct pz_zone *z, struct pz_pcp *pcp,
				   unsigned order, unsigned mt, bool cold, struct pz_tbuf *t)
{
	struct pz_list *list = pz_pcp_list(pcp, (unsigned)pz_pcp_level(pz, order), mt);
	struct pz_page *p;

	if (pz_list_empty(list)) {
		int batch = atomic_load_explicit(&pcp->batch, memory_order_acquire);

		if (order) {
			batch >>= order;
			batch = batch < 2 ? 2 : batch;
		}
		pcp->count += rmqueue_bulk(pz, z, order, batch, list, mt, cold, t) << order;
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
			     const struct pz_alloc_ctx *ac)
{
	struct pz_pcp *pcp = &z->pcp[ac->cpu];
	struct pz_page *p;

	pz_lock(pz, &pcp->lock);
	p = pz_pcp_take_locked(pz, z, pcp, order, ac->migratetype, gfp & PZ_GFP_COLD, ac->t);
	if (p)
		pz_count_alloc(pz, z, order, gfp, ac, true);
	pz_unlock(&pcp->lock);
	return p;
}

/*
 * free_pcppages_bulk: at least `count` pages back to the buddy lists,
 * round robin over the lists in the kernel's order (taking more from a
 * list the longer the others stay empty), coldest first; a block counts
 * its 2^order pages, so the last one may overshoot. Caller holds
 * pcp->lock; pcp->count is updated here.
 */
static void free_pcppages_bulk(struct pz *pz, struct pz_zone *z, int count, struct pz_pcp *pcp,
			       struct pz_tbuf *t)
{
	const unsigned nr_lists = pz_pcp_nr_lists(pz);
	unsigned k = nr_lists - 1, level = 0;
	int batch_free = 0, to_free = count < pcp->count ? count : pcp->count;

	pz_lock(pz, &z->lock);
	zstore(&z->pages_scanned, 0);
	while (to_free > 0) {
		struct pz_list *list;
		unsigned order;

		do {
			batch_free++;
			if (++k == nr_lists)
				k = 0;
			level = k / PZ_MT_PCPTYPES;
			list = pz_pcp_list(pcp, level, pz_kernel_mt_order(pz, k % PZ_MT_PCPTYPES));
		} while (pz_list_empty(list));
		if ((unsigned)batch_free == nr_lists)
			batch_free = to_free;
		order = pz_pcp_level_order(pz, level);
		do {
			struct pz_page *p = &pz->pages[list->last];
			unsigned mt = p->mt;

			pz_list_del(pz, list, p);
			pg_set_where(p, 0);
			if (z->nr_isolate_pageblock)
				mt = pz_pageblock_mt(pz, pz_page_pfn(pz, p));
			pz_free_one_page_locked(pz, z, p, order, mt);
			pz_trace_rec(t, PZ_TRACE_PAGE_PCPU_DRAIN, pz_page_pfn(pz, p), order, mt, 0);
			to_free -= 1 << order;
			pcp->count -= 1 << order;
		} while (to_free > 0 && --batch_free && !pz_list_empty(list));
	}
	pz_unlock(&z->lock);
}

/* The locked half of a per-CPU free: mt is a pcp type (RESERVE,
 * HIGHATOMIC and CMA pages already mapped to MOVABLE). */
void pz_pcp_free_locked(struct pz *pz, struct pz_zone *z, struct pz_pcp *pcp, struct pz_page *p,
			unsigned order, unsigned mt, bool cold, struct pz_tbuf *t)
{
	struct pz_list *list = pz_pcp_list(pcp, (unsigned)pz_pcp_level(pz, order), mt);

	if (p->order != order)
		p->order = (uint8_t)order; /* normally equal: checked at free */
	if (cold)
		pz_list_add_tail(pz, list, p);
	else
		pz_list_add_head(pz, list, p);
	pg_set_where(p, PG_PCP);
	pcp->count += 1 << order;
	pz_count_locked(&pcp->ev_locked[PCPEV_PGFREE], (uint64_t)1 << order);
	if (pcp->count >= atomic_load_explicit(&pcp->high, memory_order_acquire))
		free_pcppages_bulk(pz, z, atomic_load_explicit(&pcp->batch, memory_order_acquire),
				   pcp, t);
}

/* free_hot_cold_page / free_unref_page after the checks: p->mt holds the
 * pageblock type; order has a pcp level. */
void pz_pcp_free(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned order, unsigned cpu,
		 bool cold, struct pz_tbuf *t)
{
	struct pz_pcp *pcp = &z->pcp[cpu];
	unsigned mt = p->mt;

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
	pz_pcp_free_locked(pz, z, pcp, p, order, mt, cold, t);
	pz_unlock(&pcp->lock);
}

/*
 * drain_pages_zone: every page of one CPU's list. Done in chunks so that a
 * trace buffer never overflows; between chunks the pcp lock is dropped and
 * the chunk's events delivered.
 */
#define DRAIN_CHUNK 128
void pz_drain_zone_cpu(struct pz *pz, struct pz_zone *z, unsigned cpu, struct pz_tbuf *t)
{
	struct pz_pcp *pcp = &z->pcp[cpu];

	for (;;) {
		int n;

		pz_lock(pz, &pcp->lock);
		n = pcp->count < DRAIN_CHUNK ? pcp->count : DRAIN_CHUNK;
		if (n)
			free_pcppages_bulk(pz, z, n, pcp, t);
		n = pcp->count;
		pz_unlock(&pcp->lock);
		pz_trace_flush(pz, t);
		if (!n)
			return;
	}
}
