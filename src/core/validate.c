/*
 * validate.c - the full consistency walk (pz_validate) and pz_pfn_state.
 *
 * For each zone, with all its per-CPU locks and then its zone lock held,
 * the walk checks the equations written in docs/DESIGN.md:
 *   (1) every list entry is a free block (PG_BUDDY) of the list's order and
 *       type, naturally aligned, inside the zone, with doubly linked links;
 *   (2) nr_free_mt[o][mt] == length of list (o, mt); nr_free[o] == their sum;
 *   (3) no free block's buddy is a free block of the same order
 *       (it would have merged), isolated blocks excepted;
 *   (4) nr_free_pages == sum of non-isolated free pages; nr_free_cma the
 *       same over CMA lists;
 *   (5) pcp->count == pages on that CPU's lists (2^order per block, each
 *       head PG_PCP, of this zone, of the list's order);
 *   (6) walking the span by pfn, every managed page is in exactly one of:
 *       a free block, a pcp list, an allocated block (head refcount >= 1,
 *       tails refcount 0), a leaked block; so
 *       managed == free + pcp + allocated + leaked.
 *
 * (6) needs a quiescent instance: between a list and its owner a page is
 * in no list and not yet (or no longer) allocated, outside every lock, and
 * the owner writes its plain fields (order, mapcount) unlocked. The live
 * walk (pz_validate_concurrent) therefore checks (1)-(5) and, of (6), only
 * what the locks it holds make stable: every page flagged free or pcp is
 * in a block on a list and the flagged pages add up to the lists. It never
 * reads an allocated page's plain fields. Nothing on the fast path pays
 * for this: no in-flight counter, no epoch.
 */
#include "internal.h"

#define MAX_REPORTS 20

/* Messages are kept until the locks are dropped: the log sink is a user
 * callback and must never run under an allocator lock. */
struct vstate {
	struct pz *pz;
	struct pz_zone *z;
	bool live; /* others may allocate and free: check only what the locks prove */
	int errors;
	unsigned nmsg;
	char msg[MAX_REPORTS][256];
};

static void bad(struct vstate *v, const char *fmt, ...) PZ_PRINTF(2, 3);
static void bad(struct vstate *v, const char *fmt, ...)
{
	char *m;
	size_t n;
	va_list ap;

	if (v->errors++ >= MAX_REPORTS)
		return;
	m = v->msg[v->nmsg++];
	n = pz_snprintf(m, sizeof(v->msg[0]), "validate: node %u zone %s: ", v->z->nid,
			pz_zone_type_name((enum pz_zone_type)v->z->type));
	va_start(ap, fmt);
	if (n < sizeof(v->msg[0]))
		pz_vsnprintf(m + n, sizeof(v->msg[0]) - n, fmt, ap);
	va_end(ap);
}

static void flush_messages(struct vstate *v)
{
	for (unsigned i = 0; i < v->nmsg; i++)
		pz_log(v->pz, PZ_LOG_ERR, "%s", v->msg[i]);
	v->nmsg = 0;
}

/* 5.18: free buddies of a pageblock or more of types that may not merge
 * (HIGHATOMIC, CMA, ISOLATE against another type) stay apart, and stay
 * so when a pageblock is relabelled later (unreserving, isolation undone),
 * as in the kernel: no pair of that size is checked. */
static bool kept_apart(const struct pz *pz, unsigned o)
{
	return o >= pz->pageblock_order && pz_kver(pz) >= PZ_KV(5, 18);
}

static void check_free_block(struct vstate *v, struct pz_page *p, unsigned o, unsigned mt)
{
	struct pz *pz = v->pz;
	uint64_t pfn = pz_page_pfn(pz, p), n = (uint64_t)1 << o;

	if (!(pg_flags(p) & PG_BUDDY) || p->order != o || p->mt != mt)
		bad(v, "pfn %llu on list (order %u, type %u) has buddy=%d order %u type %u",
		    (unsigned long long)pfn, o, mt, !!(pg_flags(p) & PG_BUDDY), p->order, p->mt);
	if (pfn & (n - 1))
		bad(v, "free block at pfn %llu not aligned to order %u", (unsigned long long)pfn,
		    o);
	if (pfn < v->z->start_pfn || pfn + n > v->z->end_pfn)
		bad(v, "free block [%llu, +%llu) outside the zone", (unsigned long long)pfn,
		    (unsigned long long)n);
	if (o + 1 < pz->max_order && mt != PZ_MT_ISOLATE) {
		uint64_t b = pfn ^ n;

		if (pz_pfn_covered(pz, b) && b >= v->z->start_pfn && b < v->z->end_pfn) {
			struct pz_page *bp = pz_pfn_page(pz, b);

			if ((pg_flags(bp) & PG_BUDDY) && bp->order == o && bp->zone == p->zone &&
			    bp->mt != PZ_MT_ISOLATE && !kept_apart(pz, o))
				bad(v, "free buddies pfn %llu and %llu of order %u not merged",
				    (unsigned long long)pfn, (unsigned long long)b, o);
		}
	}
}

static void check_lists(struct vstate *v, long *free_pages, long *free_cma)
{
	struct pz *pz = v->pz;

	for (unsigned o = 0; o < pz->max_order; o++) {
		struct pz_free_area *a = &v->z->free_area[o];
		uint64_t total = 0;

		for (unsigned mt = 0; mt < PZ_MT_TYPES; mt++) {
			uint64_t n = 0, counted;
			uint32_t prev = PZ_NIL;

			for (uint32_t i = a->list[mt].first; i != PZ_NIL; i = pz->pages[i].next) {
				struct pz_page *p = &pz->pages[i];

				if (p->prev != prev || n > pz->nr_pages) {
					bad(v, "broken links in list (order %u, type %u)", o, mt);
					break;
				}
				check_free_block(v, p, o, mt);
				prev = i;
				n++;
			}
			if (a->list[mt].last != prev)
				bad(v, "list (order %u, type %u) tail mismatch", o, mt);
			counted = atomic_load_explicit(&a->nr_free_mt[mt], memory_order_relaxed);
			if (n != counted)
				bad(v, "list (order %u, type %u) holds %llu blocks, counted %llu",
				    o, mt, (unsigned long long)n, (unsigned long long)counted);
			if (mt != PZ_MT_ISOLATE)
				*free_pages += (long)(n << o);
			if (mt == PZ_MT_CMA)
				*free_cma += (long)(n << o);
			total += n;
		}
		if (total != atomic_load_explicit(&a->nr_free, memory_order_relaxed))
			bad(v, "order %u: nr_free %llu but lists hold %llu", o,
			    (unsigned long long)atomic_load_explicit(&a->nr_free,
								     memory_order_relaxed),
			    (unsigned long long)total);
	}
}

static long check_pcps(struct vstate *v)
{
	struct pz *pz = v->pz;
	long total = 0;

	for (unsigned c = 0; c < pz->nr_cpus; c++) {
		struct pz_pcp *pcp = &v->z->pcp[c];
		long n = 0;

		for (unsigned k = 0; k < PZ_PCP_NR_LISTS; k++) {
			unsigned mt = k % PZ_MT_PCPTYPES;
			unsigned order = pz_pcp_level_order(pz, k / PZ_MT_PCPTYPES);
			long blocks = 0;

			if (k >= pz_pcp_nr_lists(pz) && pcp->lists[k].first != PZ_NIL)
				bad(v, "cpu %u list %u is in use without high-order pcp lists", c,
				    k);
			for (uint32_t i = pcp->lists[k].first; i != PZ_NIL; i = pz->pages[i].next) {
				struct pz_page *p = &pz->pages[i];

				if (!(pg_flags(p) & PG_PCP) || p->zone != v->z->id)
					bad(v,
					    "cpu %u list %u holds pfn %llu that is not a pcp page",
					    c, k, (unsigned long long)pz_page_pfn(pz, p));
				/* a pcp type on its own list (6.1: RECLAIMABLE also
				 * on the shared pageblock-order list) */
				if (p->mt < PZ_MT_PCPTYPES && pz->pcp_list_of[k - mt + p->mt] != k)
					bad(v, "cpu %u list %u holds a page of type %u", c, k,
					    p->mt);
				if (p->order != order)
					bad(v, "cpu %u list %u holds pfn %llu of order %u, not %u",
					    c, k, (unsigned long long)pz_page_pfn(pz, p), p->order,
					    order);
				n += 1L << order;
				if (++blocks > pcp->count + 1)
					break;
			}
		}
		if (n != pcp->count)
			bad(v, "cpu %u: pcp count %d but lists hold %ld pages", c, pcp->count, n);
		total += n;
	}
	return total;
}

/* Checks the pages of one block after its head; returns pages covered. */
static uint64_t check_block_body(struct vstate *v, uint64_t pfn, unsigned o, bool compound,
				 const char *what)
{
	struct pz *pz = v->pz;
	uint64_t n = (uint64_t)1 << o;

	if ((pfn & (n - 1)) || pfn + n > v->z->end_pfn) {
		bad(v, "%s at pfn %llu of order %u misplaced", what, (unsigned long long)pfn, o);
		return 1;
	}
	for (uint64_t i = 1; i < n; i++) {
		struct pz_page *q = pz_pfn_page(pz, pfn + i);
		unsigned f = pg_flags(q) & ~(PG_HWPOISON | PG_POISONED);

		if (compound && !pz_feature(pz, PZ_FEAT_LAZY_TAILS) ? f != PG_TAIL : f != 0)
			bad(v, "pfn %llu inside %s at %llu has flags %#x",
			    (unsigned long long)(pfn + i), what, (unsigned long long)pfn, f);
		if (atomic_load_explicit(&q->refcount, memory_order_relaxed) != 0)
			bad(v, "pfn %llu inside %s at %llu has refcount %d",
			    (unsigned long long)(pfn + i), what, (unsigned long long)pfn,
			    atomic_load_explicit(&q->refcount, memory_order_relaxed));
		if (q->zone != v->z->id)
			bad(v, "%s at %llu crosses into another zone", what,
			    (unsigned long long)pfn);
	}
	return n;
}

static void check_pages(struct vstate *v, long pcp_pages)
{
	struct pz *pz = v->pz;
	uint64_t free = 0, pcp = 0, alloc = 0, leaked = 0;

	for (uint64_t pfn = v->z->start_pfn; pfn < v->z->end_pfn;) {
		struct pz_page *p = pz_pfn_page(pz, pfn);
		unsigned f = pg_flags(p);
		int ref = atomic_load_explicit(&p->refcount, memory_order_relaxed);

		if (f & (PG_HOLE | PG_RESERVED)) {
			pfn++;
		} else if (f & PG_BUDDY) {
			uint64_t n = check_block_body(v, pfn, p->order, false, "free block");
			free += n;
			pfn += n;
		} else if (f & PG_PCP) {
			uint64_t n = check_block_body(v, pfn, p->order, false, "pcp block");
			pcp += n;
			pfn += n;
		} else if (f & PG_LEAKED) {
			leaked++;
			pfn++;
		} else if (v->live) {
			pfn++; /* allocated or in flight: its owner's, unlocked */
		} else if (ref > 0 && !(f & PG_TAIL)) {
			uint64_t n = check_block_body(v, pfn, p->order, f & PG_HEAD, "allocation");
			alloc += n;
			pfn += n;
		} else {
			bad(v, "pfn %llu is lost: refcount %d, flags %#x, in no list or allocation",
			    (unsigned long long)pfn, ref, f);
			pfn++;
		}
	}
	if ((long)pcp != pcp_pages)
		bad(v, "%llu pages flagged pcp but the lists hold %ld", (unsigned long long)pcp,
		    pcp_pages);
	if (!v->live && free + pcp + alloc + leaked != v->z->managed)
		bad(v, "managed %llu != free %llu + pcp %llu + allocated %llu + leaked %llu",
		    (unsigned long long)v->z->managed, (unsigned long long)free,
		    (unsigned long long)pcp, (unsigned long long)alloc, (unsigned long long)leaked);
}

static void validate_zone(struct vstate *v)
{
	long free_pages = 0, free_cma = 0, pcp;

	check_lists(v, &free_pages, &free_cma);
	if (free_pages != zload(&v->z->nr_free_pages))
		bad(v, "NR_FREE_PAGES %ld but the lists hold %ld pages",
		    zload(&v->z->nr_free_pages), free_pages);
	if (free_cma != zload(&v->z->nr_free_cma))
		bad(v, "NR_FREE_CMA_PAGES %ld but CMA lists hold %ld", zload(&v->z->nr_free_cma),
		    free_cma);
	pcp = check_pcps(v);
	check_pages(v, pcp);
}

static int validate(pz_t *pz, bool live)
{
	struct vstate v;

	if (!pz_instance_ok(pz))
		return -PZ_EINVAL;
	v.pz = pz;
	v.z = (struct pz_zone *)0;
	v.live = live;
	v.errors = 0;
	v.nmsg = 0;
	for (unsigned i = 0; i < pz->nr_nodes * PZ_NR_ZONE_TYPES; i++) {
		struct pz_zone *z = &pz->zones[i];

		if (!z->populated)
			continue;
		v.z = z;
		for (unsigned c = 0; c < pz->nr_cpus; c++)
			pz_lock(pz, &z->pcp[c].lock);
		pz_lock(pz, &z->lock);
		validate_zone(&v);
		pz_unlock(&z->lock);
		for (unsigned c = pz->nr_cpus; c-- > 0;)
			pz_unlock(&z->pcp[c].lock);
		flush_messages(&v);
	}
	return v.errors;
}

int pz_validate(pz_t *pz)
{
	return validate(pz, false);
}

int pz_validate_concurrent(pz_t *pz)
{
	return validate(pz, true);
}

enum pz_page_state pz_pfn_state(pz_t *pz, uint64_t pfn)
{
	struct pz_page *p;
	struct pz_zone *z;
	enum pz_page_state st = PZ_PAGE_STATE_ALLOCATED;
	unsigned f;

	if (!pz_instance_ok(pz) || !pz_pfn_covered(pz, pfn))
		return PZ_PAGE_STATE_INVALID;
	p = pz_pfn_page(pz, pfn);
	if (p->zone == PZ_NO_ZONE || (pg_flags(p) & PG_HOLE))
		return PZ_PAGE_STATE_INVALID;
	if (pg_flags(p) & PG_RESERVED)
		return PZ_PAGE_STATE_RESERVED;
	z = pz_page_zone(pz, p);
	pz_lock(pz, &z->lock);
	f = pg_flags(p);
	if (f & PG_PCP)
		st = PZ_PAGE_STATE_PCP;
	else if (f & PG_LEAKED)
		st = PZ_PAGE_STATE_LEAKED;
	else if (f & PG_BUDDY)
		st = PZ_PAGE_STATE_FREE;
	for (unsigned o = 1; st == PZ_PAGE_STATE_ALLOCATED && o < pz->max_order; o++) {
		uint64_t head = pfn & ~(((uint64_t)1 << o) - 1);
		struct pz_page *h;

		if (!pz_pfn_covered(pz, head))
			break;
		h = pz_pfn_page(pz, head);
		if (h->order < o || h->zone != p->zone)
			continue;
		if (pg_flags(h) & PG_BUDDY)
			st = PZ_PAGE_STATE_FREE;
		else if (pg_flags(h) & PG_PCP)
			st = PZ_PAGE_STATE_PCP; /* inside a high-order pcp block */
	}
	pz_unlock(&z->lock);
	return st;
}
