/*
 * free.c - giving pages back.
 *
 * A free first proves the caller may free this page at this order (it is a
 * managed page, not a tail, allocated, allocated at this order); only then
 * does it drop the reference. When the count reaches zero every page of the
 * block is checked for state a free page must not carry (the kernel's
 * free_pages_check): a bad page is reported and the block leaked, never
 * reused. Order-0 pages then go to the CPU's list, larger blocks straight
 * to the buddy lists.
 *
 * Caller mistakes (double free, wrong order, tail page, foreign pointer)
 * change nothing: they are reported once, counted and refused.
 */
#include "internal.h"

/*
 * compound_head of a tail page: the head recorded in the tail or - with
 * PZ_FEAT_LAZY_TAILS, where tails are never written - the allocated
 * compound head among the naturally aligned pfns below p whose block
 * covers p. NULL when p is no tail.
 */
struct pz_page *pz_tail_head(const struct pz *pz, const struct pz_page *p)
{
	uint64_t pfn = pz_page_pfn(pz, p);

	if (pg_flags(p) & PG_TAIL)
		return &pz->pages[p->next];
	if (!pz_feature(pz, PZ_FEAT_LAZY_TAILS) || (pg_flags(p) & PG_HEAD))
		return (struct pz_page *)0;
	for (unsigned o = 1; o < pz->max_order; o++) {
		uint64_t head = pfn & ~(((uint64_t)1 << o) - 1);
		struct pz_page *h;

		if (head == pfn || !pz_pfn_covered(pz, head))
			continue;
		h = pz_pfn_page(pz, head);
		if ((pg_flags(h) & PG_HEAD) && h->order >= o &&
		    atomic_load_explicit(&h->refcount, memory_order_acquire) > 0)
			return h;
	}
	return (struct pz_page *)0;
}

static int refuse(struct pz *pz, atomic_uint_least64_t *counter, int err, const char *what,
		  uint64_t pfn, unsigned order)
{
	pz_count(counter);
	pz_log(pz, PZ_LOG_ERR, "free refused: %s (pfn %llu, order %u)", what,
	       (unsigned long long)pfn, order);
	return -err;
}

/* Everything that makes this free a caller error, before any state changes. */
static int check_free(struct pz *pz, struct pz_page *p, unsigned order)
{
	uint64_t pfn = pz_page_pfn(pz, p);
	unsigned f = pg_flags(p);

	if (order >= pz->max_order)
		return refuse(pz, &pz->err.bad_order, PZ_EINVAL, "order too large", pfn, order);
	if (f & (PG_HOLE | PG_RESERVED))
		return refuse(pz, &pz->err.bad_pfn, PZ_ERANGE, "page is not managed", pfn, order);
	if ((f & PG_TAIL) ||
	    (!(f & (PG_BUDDY | PG_PCP | PG_LEAKED | PG_HEAD)) &&
	     atomic_load_explicit(&p->refcount, memory_order_acquire) == 0 && pz_tail_head(pz, p)))
		return refuse(pz, &pz->err.tail_free, PZ_EFAULT, "tail page of a compound page",
			      pfn, order);
	if ((f & (PG_BUDDY | PG_PCP | PG_LEAKED)) ||
	    atomic_load_explicit(&p->refcount, memory_order_acquire) <= 0)
		return refuse(pz, &pz->err.double_free, PZ_EFAULT,
			      "double free or refcount underflow", pfn, order);
	if (p->order != order)
		return refuse(pz, &pz->err.wrong_order, PZ_EFAULT, "order differs from allocation",
			      pfn, order);
	return 0;
}

/* put_page_testzero: true when this call dropped the last reference. */
static int put_testzero(struct pz *pz, struct pz_page *p, unsigned order, bool *last)
{
	int old = atomic_load_explicit(&p->refcount, memory_order_relaxed);

	do {
		if (old <= 0)
			return refuse(pz, &pz->err.double_free, PZ_EFAULT,
				      "double free or refcount underflow", pz_page_pfn(pz, p),
				      order);
	} while (!atomic_compare_exchange_weak_explicit(
		&p->refcount, &old, old - 1, memory_order_acq_rel, memory_order_relaxed));
	*last = old == 1;
	return 0;
}

/* The flags a page may carry into free_pages_check. PG_dirty is not among
 * the kernel's PAGE_FLAGS_CHECK_AT_FREE: it is just cleared. */
#define FREE_OK_FLAGS (PG_HEAD | PG_TAIL | PG_PFMEMALLOC | (PZ_PAGE_DIRTY << PG_USER_SHIFT))

/* free_pages_check of one page: why it may not be freed, or NULL. */
static const char *free_problem(const struct pz_page *q, bool tail)
{
	if (q->mapcount)
		return "nonzero mapcount";
	if (tail && atomic_load_explicit(&q->refcount, memory_order_relaxed))
		return "nonzero _count";
	if (pg_flags(q) & ~FREE_OK_FLAGS)
		return "PAGE_FLAGS_CHECK_AT_FREE flag(s) set";
	return (const char *)0;
}

/* Whether any of the pages free_problem would look at has a problem: one
 * pass that ORs what it objects to, no branch per page. */
static bool any_free_problem(const struct pz_page *p, uint64_t check)
{
	unsigned acc = (pg_flags(p) & ~FREE_OK_FLAGS) | (unsigned)p->mapcount;

	for (uint64_t i = 1; i < check; i++)
		acc |= (pg_flags(p + i) & ~FREE_OK_FLAGS) | (unsigned)p[i].mapcount |
		       (unsigned)atomic_load_explicit(&p[i].refcount, memory_order_relaxed);
	return acc != 0;
}

/*
 * free_pages_prepare: every page is checked (each bad one reported); any
 * bad page leaks the whole block. Otherwise clears what the allocation
 * left behind.
 */
static bool free_pages_prepare(struct pz *pz, struct pz_page *p, unsigned order)
{
	uint64_t n = (uint64_t)1 << order, bad = 0, check = pz_pages_to_check(pz, order);

	/* each bad page is reported; one branch-free pass finds out first
	 * whether there is any */
	if (pz_unlikely(any_free_problem(p, check))) {
		for (uint64_t i = 0; i < check; i++) {
			const char *why = free_problem(p + i, i != 0);

			if (!why)
				continue;
			bad++;
			if (!(pg_flags(p + i) & PG_HWPOISON))
				pz_bad_page(pz, p + i, why, true);
			else
				pz_count(&pz->err.bad_page_free);
		}
	}
	if (bad) {
		/* like free_tail_pages_check (4.4), which clears compound_head
		 * of every tail before the verdict: a leaked block's tails are
		 * tails no more, so a later free of one is a double free */
		for (uint64_t j = 0; j < n; j++) {
			if (j)
				pg_set_where(p + j, 0);
			pg_set(p + j, PG_LEAKED);
		}
		atomic_fetch_add_explicit(&pz->err.leaked_pages, n, memory_order_relaxed);
		return false;
	}
	/* lazy tails were never written (a tail's HWPOISON was checked above) */
	if (pz_feature(pz, PZ_FEAT_LAZY_TAILS))
		n = 1;
	for (uint64_t i = 0; i < n; i++) {
		pg_set_where(p + i, 0); /* PG_HEAD, PG_TAIL */
		pg_clear_for_free(p + i);
		p[i].owner = 0;
		p[i].next = PZ_NIL;
	}
	/* p->order still holds the order checked above: the pcp and buddy
	 * code keep it (no write here: a racing double free reads it) */
	if (pz_unlikely(pz->debug & PZ_DEBUG_POISON))
		pz_poison_block(pz, p, n);
	return true;
}

/* Page poisoning: fill each freed page and mark it, so that the next
 * allocation can tell whether anyone wrote to it while it was free. */
void pz_poison_block(struct pz *pz, struct pz_page *p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		void *a = pz_page_address(pz, p + i);

		if (!a)
			continue;
		pz_memfill(a, PZ_POISON_BYTE, (size_t)1 << pz->page_shift);
		pg_set(p + i, PG_POISONED);
	}
}

/* __free_pages_ok: a block of order > 0 straight to the buddy lists (with
 * to_tail at the list tail, as __free_pages_core's FPI_TO_TAIL). */
void pz_free_pages_ok(struct pz *pz, struct pz_page *p, unsigned order, unsigned cpu, bool to_tail)
{
	struct pz_zone *z = pz_page_zone(pz, p);
	unsigned mt = pz_pageblock_mt(pz, pz_page_pfn(pz, p));

	atomic_fetch_add_explicit(&z->pcp[cpu].ev[PCPEV_PGFREE], (uint64_t)1 << order,
				  memory_order_relaxed);
	pz_lock(pz, &z->lock);
	zstore(&z->pages_scanned, 0);
	if (z->nr_isolate_pageblock || mt == PZ_MT_ISOLATE)
		mt = pz_pageblock_mt(pz, pz_page_pfn(pz, p));
	if (to_tail)
		pz_free_one_page_tail_locked(pz, z, p, order, mt);
	else
		pz_free_one_page_locked(pz, z, p, order, mt);
	pz_unlock(&z->lock);
}

/* direct: FREE_BUDDY to the buddy lists even for an order with a per-CPU
 * list (pz_free_pages_to_buddy), FREE_CORE there at the list tail (memory
 * entering the allocator, pz_free_pages_core). */
enum {
	FREE_PCP = 0,
	FREE_BUDDY = 1,
	FREE_CORE = 2
};
static int free_block(struct pz *pz, struct pz_page *p, unsigned order, bool cold, bool batched,
		      unsigned direct, struct pz_tbuf *t)
{
	unsigned cpu = pz_this_cpu(pz);
	bool last = false;
	int rc = check_free(pz, p, order);

	if (!rc)
		rc = put_testzero(pz, p, order, &last);
	if (rc || !last)
		return rc;
	if (t)
		t->cpu = cpu;
	if (batched)
		pz_trace_rec(t, PZ_TRACE_PAGE_FREE_BATCHED, pz_page_pfn(pz, p), 0, 0, cold);
	pz_trace_rec(t, PZ_TRACE_PAGE_FREE, pz_page_pfn(pz, p), order, 0, 0);
	if (!free_pages_prepare(pz, p, order))
		return -PZ_EFAULT;
	/* reclaim_state: a shrinker's free counts once it reaches the lists */
	if (pz_unlikely(atomic_load_explicit(&pz->fast_off, memory_order_relaxed) & PZ_OFF_RECLAIM))
		pz_reclaim_note_free(pz, (uint64_t)1 << order);
	if (direct || pz_pcp_level(pz, order) < 0) {
		pz_free_pages_ok(pz, p, order, cpu, direct == FREE_CORE);
		return 0;
	}
	p->mt = (uint8_t)pz_pageblock_mt(pz, pz_page_pfn(pz, p));
	pz_pcp_free(pz, pz_page_zone(pz, p), p, order, cpu, cold, t);
	return 0;
}

static int free_traced(struct pz *pz, struct pz_page *p, unsigned order, bool cold, bool batched,
		       unsigned direct)
{
	int rc;

	if (pz_unlikely(pz->plat.trace != 0)) {
		struct pz_tbuf tb;

		tb.n = 0;
		tb.cpu = 0;
		rc = free_block(pz, p, order, cold, batched, direct, &tb);
		pz_trace_flush(pz, &tb);
		return rc;
	}
	return free_block(pz, p, order, cold, batched, direct, (struct pz_tbuf *)0);
}

int pz_free_pages_internal(struct pz *pz, struct pz_page *p, unsigned order, bool cold,
			   bool batched)
{
	return free_traced(pz, p, order, cold, batched, FREE_PCP);
}

int pz_free_direct_internal(struct pz *pz, struct pz_page *p, unsigned order, bool to_tail)
{
	return free_traced(pz, p, order, false, false, to_tail ? FREE_CORE : FREE_BUDDY);
}

/* The whole of it: what free_block does for such a block, with the pcp
 * push of pz_pcp_free inline (pageblocks under isolation go its way). */
static inline bool free_pcp_fast(struct pz *pz, struct pz_page *p, unsigned order, bool cold)
{
	struct pz_zone *z;
	struct pz_pcp *pcp;

	if (!pz_claim_pcp_block(pz, p, order))
		return false;
	z = pz_page_zone(pz, p);
	if (pz_unlikely(p->mt >= PZ_MT_PCPTYPES)) {
		pz_pcp_free(pz, z, p, order, pz_this_cpu(pz), cold, (struct pz_tbuf *)0);
		return true;
	}
	pcp = &z->pcp[pz_this_cpu(pz)];
	pz_lock(pz, &pcp->lock);
	pz_pcp_free_locked(pz, z, pcp, p, order, p->mt, cold, false, (struct pz_tbuf *)0);
	pz_unlock(&pcp->lock);
	return true;
}

static PZ_ALWAYS_INLINE int free_entry(pz_t *pz, pz_page_t *page, unsigned order, bool cold,
				       bool batched)
{
	struct pz_page *p;

	if (!pz_instance_ok(pz))
		return -PZ_EINVAL;
	p = pz_checked_page(pz, page);
	if (!p) {
		pz_count(&pz->err.bad_pfn);
		pz_log(pz, PZ_LOG_ERR, "free refused: %p is not a page of this instance",
		       (void *)page);
		return -PZ_ERANGE;
	}
	if (!batched && pz_pcp_level(pz, order) >= 0 &&
	    !(atomic_load_explicit(&pz->fast_off, memory_order_relaxed) & PZ_OFF_FREE) &&
	    free_pcp_fast(pz, p, order, cold))
		return 0;
	return pz_free_pages_internal(pz, p, order, cold, batched);
}

int pz_free_pages(pz_t *pz, pz_page_t *page, unsigned order)
{
	/* order 0 gets its own copy of the shortcut, with the order folded in */
	if (order == 0)
		return free_entry(pz, page, 0, false, false);
	return free_entry(pz, page, order, false, false);
}

int pz_free_pages_cold(pz_t *pz, pz_page_t *page, unsigned order, int cold)
{
	return free_entry(pz, page, order, cold != 0, false);
}

int pz_free_page_list(pz_t *pz, pz_page_t *const *pages, size_t n, int cold)
{
	int first = 0;

	if (!pz_instance_ok(pz) || (n && !pages))
		return -PZ_EINVAL;
	for (size_t i = 0; i < n; i++) {
		int rc = free_entry(pz, pages[i], 0, cold != 0, true);

		if (rc && !first)
			first = rc;
	}
	return first;
}
