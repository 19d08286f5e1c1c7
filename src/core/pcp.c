/*
 * pcp.c - per-CPU page lists (per_cpu_pages).
 *
 * Order-0 pages are handed out from and freed to a small per-CPU, per-zone
 * cache so that the common case takes no zone lock. The cache is refilled
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

/* rmqueue_bulk: up to `count` order-0 pages onto an empty list. */
static int rmqueue_bulk(struct pz *pz, struct pz_zone *z, int count, struct pz_list *list,
			unsigned mt, bool cold, struct pz_tbuf *t)
{
	struct pz_page *prev = (struct pz_page *)0;
	int i;

	pz_lock(pz, &z->lock);
	for (i = 0; i < count; i++) {
		struct pz_page *p = pz_rmqueue_locked(pz, z, 0, mt, t);

		if (!p)
			break;
		if (!cold)
			prev ? pz_list_add_after(pz, list, prev, p) : pz_list_add_head(pz, list, p);
		else
			prev ? pz_list_add_before(pz, list, prev, p)
			     : pz_list_add_tail(pz, list, p);
		prev = p;
		pg_set_where(p, PG_PCP);
		if (p->mt == PZ_MT_CMA)
			zadd(&z->nr_free_cma, -1);
	}
	zadd(&z->nr_free_pages, -i);
	pz_unlock(&z->lock);
	return i;
}

/* __rmqueue_pcplist: one page of type mt from this CPU's list, refilling
 * it from the buddy lists when empty. Caller holds pcp->lock. */
struct pz_page *pz_pcp_take_locked(struct pz *pz, struct pz_zone *z, struct pz_pcp *pcp,
				   unsigned mt, bool cold, struct pz_tbuf *t)
{
	struct pz_list *list = &pcp->lists[mt];
	struct pz_page *p;

	if (pz_list_empty(list)) {
		int batch = atomic_load_explicit(&pcp->batch, memory_order_acquire);

		pcp->count += rmqueue_bulk(pz, z, batch, list, mt, cold, t);
		if (pz_list_empty(list))
			return (struct pz_page *)0;
	}
	p = &pz->pages[cold ? list->last : list->first];
	pz_list_del(pz, list, p);
	pg_set_where(p, 0);
	pcp->count--;
	return p;
}

/* The order-0 half of buffered_rmqueue; counts the allocation while the
 * pcp lock is held. */
struct pz_page *pz_pcp_alloc(struct pz *pz, struct pz_zone *z, pz_gfp_t gfp,
			     const struct pz_alloc_ctx *ac)
{
	struct pz_pcp *pcp = &z->pcp[ac->cpu];
	struct pz_page *p;

	pz_lock(pz, &pcp->lock);
	p = pz_pcp_take_locked(pz, z, pcp, ac->migratetype, gfp & PZ_GFP_COLD, ac->t);
	if (p)
		pz_count_alloc(pz, z, 0, gfp, ac, true);
	pz_unlock(&pcp->lock);
	return p;
}

/*
 * free_pcppages_bulk: `count` pages back to the buddy lists, round robin
 * over the three lists (taking more from a list the longer the others
 * stay empty), coldest first. Caller holds pcp->lock.
 */
static void free_pcppages_bulk(struct pz *pz, struct pz_zone *z, int count, struct pz_pcp *pcp,
			       struct pz_tbuf *t)
{
	unsigned k = 0;
	int batch_free = 0, to_free = count;

	pz_lock(pz, &z->lock);
	zstore(&z->pages_scanned, 0);
	while (to_free) {
		struct pz_list *list;

		do {
			batch_free++;
			if (++k == PZ_MT_PCPTYPES)
				k = 0;
			list = &pcp->lists[pz_kernel_mt_order(pz, k)];
		} while (pz_list_empty(list));
		if (batch_free == PZ_MT_PCPTYPES)
			batch_free = to_free;
		do {
			struct pz_page *p = &pz->pages[list->last];
			unsigned mt = p->mt;

			pz_list_del(pz, list, p);
			pg_set_where(p, 0);
			if (z->nr_isolate_pageblock)
				mt = pz_pageblock_mt(pz, pz_page_pfn(pz, p));
			pz_free_one_page_locked(pz, z, p, 0, mt);
			pz_trace_rec(t, PZ_TRACE_PAGE_PCPU_DRAIN, pz_page_pfn(pz, p), 0, mt, 0);
		} while (--to_free && --batch_free && !pz_list_empty(list));
	}
	pz_unlock(&z->lock);
}

/* free_hot_cold_page, after the checks: p->mt holds the pageblock type. */
void pz_pcp_free(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned cpu, bool cold,
		 struct pz_tbuf *t)
{
	struct pz_pcp *pcp = &z->pcp[cpu];
	unsigned mt = p->mt;

	if (mt >= PZ_MT_PCPTYPES) {
		if (mt == PZ_MT_ISOLATE) {
			pz_count(&pcp->ev[PCPEV_PGFREE]);
			pz_lock(pz, &z->lock);
			zstore(&z->pages_scanned, 0);
			pz_free_one_page_locked(pz, z, p, 0,
						pz_pageblock_mt(pz, pz_page_pfn(pz, p)));
			pz_unlock(&z->lock);
			return;
		}
		mt = PZ_MT_MOVABLE; /* RESERVE, HIGHATOMIC and CMA pages use the MOVABLE list */
	}
	pz_lock(pz, &pcp->lock);
	if (cold)
		pz_list_add_tail(pz, &pcp->lists[mt], p);
	else
		pz_list_add_head(pz, &pcp->lists[mt], p);
	pg_set_where(p, PG_PCP);
	pcp->count++;
	pz_count_locked(&pcp->ev_locked[PCPEV_PGFREE], 1);
	if (pcp->count >= atomic_load_explicit(&pcp->high, memory_order_acquire)) {
		int batch = atomic_load_explicit(&pcp->batch, memory_order_acquire);

		if (batch > pcp->count)
			batch = pcp->count;
		free_pcppages_bulk(pz, z, batch, pcp, t);
		pcp->count -= batch;
	}
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
		if (n) {
			free_pcppages_bulk(pz, z, n, pcp, t);
			pcp->count -= n;
		}
		pz_unlock(&pcp->lock);
		pz_trace_flush(pz, t);
		if (n < DRAIN_CHUNK)
			return;
	}
}
