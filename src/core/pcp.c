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
 * Where free_pcppages_bulk's round robin stands. A drain is one kernel call
 * (free_pcppages_bulk(zone, count, pcp)) cut into chunks so that a trace
 * buffer never overflows; each chunk continues where the previous one
 * stopped, so the pages reach the buddy lists in the order one call gives
 * them (spec 6.3).
 */
struct pcp_rr {
	unsigned k;	/* the list being freed, as an index in the kernel's enum */
	int batch_free; /* pages the round robin still takes from that list */
	bool in_run;	/* taking pages from list k */
	int to_free;	/* pages left in the whole call */
};

static void rr_start(struct pcp_rr *rr, int count)
{
	rr->k = 0;
	rr->batch_free = 0;
	rr->in_run = false;
	rr->to_free = count;
}

/*
 * free_pcppages_bulk: up to `n` pages of the call rr describes back to the
 * buddy lists, round robin over the three lists starting after index 0
 * (taking more from a list the longer the others stay empty), coldest
 * first. Returns the pages freed. Caller holds pcp->lock and has made sure
 * rr->to_free <= pcp->count.
 */
static int free_pcppages_bulk(struct pz *pz, struct pz_zone *z, struct pz_pcp *pcp,
			      struct pcp_rr *rr, int n, struct pz_tbuf *t)
{
	int done = 0;

	pz_lock(pz, &z->lock);
	zstore(&z->pages_scanned, 0);
	while (done < n && rr->to_free) {
		struct pz_list *list = &pcp->lists[pz_kernel_mt_order(pz, rr->k)];
		struct pz_page *p;
		unsigned mt;

		if (!rr->in_run || pz_list_empty(list)) {
			do {
				rr->batch_free++;
				if (++rr->k == PZ_MT_PCPTYPES)
					rr->k = 0;
				list = &pcp->lists[pz_kernel_mt_order(pz, rr->k)];
			} while (pz_list_empty(list));
			if (rr->batch_free == PZ_MT_PCPTYPES)
				rr->batch_free = rr->to_free;
			rr->in_run = true;
		}
		p = &pz->pages[list->last];
		mt = p->mt;
		pz_list_del(pz, list, p);
		pg_set_where(p, 0);
		if (z->nr_isolate_pageblock)
			mt = pz_pageblock_mt(pz, pz_page_pfn(pz, p));
		pz_free_one_page_locked(pz, z, p, 0, mt);
		pz_trace_rec(t, PZ_TRACE_PAGE_PCPU_DRAIN, pz_page_pfn(pz, p), 0, mt, 0);
		done++;
		/* the kernel's "while (--to_free && --batch_free && !empty)" */
		if (!--rr->to_free)
			break;
		if (!--rr->batch_free || pz_list_empty(list))
			rr->in_run = false;
	}
	pz_unlock(&z->lock);
	return done;
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

		struct pcp_rr rr;

		if (batch > pcp->count)
			batch = pcp->count;
		rr_start(&rr, batch);
		pcp->count -= free_pcppages_bulk(pz, z, pcp, &rr, batch, t);
	}
	pz_unlock(&pcp->lock);
}

/*
 * drain_pages_zone: every page the CPU's list holds when the drain starts,
 * as one free_pcppages_bulk call done in chunks; between chunks the pcp
 * lock is dropped and the chunk's events delivered.
 */
#define DRAIN_CHUNK 128
void pz_drain_zone_cpu(struct pz *pz, struct pz_zone *z, unsigned cpu, struct pz_tbuf *t)
{
	struct pz_pcp *pcp = &z->pcp[cpu];
	struct pcp_rr rr;

	pz_lock(pz, &pcp->lock);
	rr_start(&rr, pcp->count);
	pz_unlock(&pcp->lock);
	while (rr.to_free) {
		pz_lock(pz, &pcp->lock);
		/* the CPU itself may have taken pages meanwhile */
		if (rr.to_free > pcp->count)
			rr.to_free = pcp->count;
		pcp->count -= free_pcppages_bulk(pz, z, pcp, &rr, DRAIN_CHUNK, t);
		pz_unlock(&pcp->lock);
		pz_trace_flush(pz, t);
	}
}
