/*
 * compaction_fast.c - linux-6.1's free-list searches for compaction (the
 * kernel's since 5.1: fast_isolate_freepages and fast_find_migrateblock).
 *
 * Before 5.1 both scanners walk the zone a pageblock at a time. 6.1 first
 * looks at the MOVABLE free lists, which already name free pages:
 *
 * - The free scanner, for an allocation (order > 0), walks each list from
 *   its tail, starting at the order that worked last time and going down
 *   round-robin below the request's order, for a free block in the top
 *   quarter of the space between the scanners (or, failing that, the
 *   highest one in the top half). It takes that block and, unless an
 *   async direct compaction asked, the free blocks of its pageblock.
 * - The migrate scanner, for a costly order (above 3) and not for a direct
 *   compaction of an unmovable or reclaimable request, walks each list of
 *   order 3 up to the request's from its head for a free block low in the
 *   zone whose pageblock has no skip bit: that block is partly free
 *   already, so emptying it costs fewer moves. The scanner goes there and
 *   marks the block skipped so that no other run picks it again.
 *
 * Each search looks at a bounded number of list entries, halved for
 * every search in a row that found nothing (fast_search_fail), and
 * rotates the list so that the next search begins with entries this one
 * did not see. When the migrate search fails, the scanner goes on
 * linearly from the lowest block it found before (fast_start_pfn), once.
 *
 * Locks: the zone lock around each list walk (always waited for, as the
 * kernel's spin_lock_irqsave: async mode does not make these searches
 * give up), none otherwise; no callback is called from here.
 */
#include "compaction.h"

#define SCAN_SHIFT_MAX 63 /* the kernel's BITS_PER_LONG - 1 */

/* freelist_scan_limit: 33 entries, about half as many per failure. */
static unsigned scan_limit(const struct pz_cc *cc)
{
	unsigned shift =
		cc->fast_search_fail < SCAN_SHIFT_MAX ? cc->fast_search_fail : SCAN_SHIFT_MAX;

	return (unsigned)((uint64_t)PZ_COMPACT_CLUSTER_MAX >> shift) + 1;
}

/* Rotates l so that p comes first (p is on l); the entries before it
 * move behind the old tail in their order. Zone lock held. */
static void rotate_to_first(struct pz *pz, struct pz_list *l, struct pz_page *p)
{
	uint32_t idx = pz_page_idx(pz, p), before = p->prev;

	if (l->first == idx)
		return;
	pz->pages[l->last].next = l->first;
	pz->pages[l->first].prev = l->last;
	pz->pages[before].next = PZ_NIL;
	p->prev = PZ_NIL;
	l->first = idx;
	l->last = before;
}

/* move_freelist_tail: p becomes l's last entry. */
static void rotate_to_last(struct pz *pz, struct pz_list *l, struct pz_page *p)
{
	if (p->next != PZ_NIL)
		rotate_to_first(pz, l, &pz->pages[p->next]);
}

/* ---- the free scanner's search -------------------------------------------- */

/* One fast_isolate_freepages: its bounds and what it found. */
struct free_search {
	uint64_t low_pfn, min_pfn; /* preferred above low, accepted above min */
	uint64_t highest;	   /* highest block start of any entry seen */
	uint64_t nr_scanned;
	unsigned limit;
	bool found;
	uint64_t pfn; /* what was found */
};

/* One order's MOVABLE list, from its tail: takes a block at or above
 * low_pfn, else the highest above min_pfn; rotates the list so that the
 * next search starts with what this one did not reach. Zone lock held.
 * A refused block ends the whole search (*order is set so that it does). */
static void search_free_list(struct pz_cc *cc, struct free_search *s, int *order)
{
	struct pz *pz = cc->pz;
	struct pz_list *l = &cc->z->free_area[*order].list[PZ_MT_MOVABLE];
	uint32_t at;
	unsigned scanned = 0;
	uint64_t high = 0, n;

	for (at = l->last; at != PZ_NIL; at = pz->pages[at].prev) {
		uint64_t pfn = pz_page_pfn(pz, &pz->pages[at]);
		uint64_t block = pz_cc_block_start(pz, pfn);

		scanned++;
		s->nr_scanned++;
		if (pfn >= s->highest)
			s->highest = block > cc->z->start_pfn ? block : cc->z->start_pfn;
		if (pfn >= s->low_pfn) {
			cc->fast_search_fail = 0;
			cc->search_order = *order;
			s->found = true;
			s->pfn = pfn;
			break;
		}
		if (pfn >= s->min_pfn && pfn > high) {
			high = pfn;
			s->limit >>= 1; /* a candidate shortens the search */
		}
		if (scanned >= s->limit)
			break;
	}
	if (!s->found && high) {
		s->found = true;
		s->pfn = high;
	}
	if (s->found)
		rotate_to_first(pz, l, pz_pfn_page(pz, s->pfn));
	else if (at != PZ_NIL)
		rotate_to_first(pz, l, &pz->pages[at]);
	if (s->found) {
		n = pz_cc_isolate_free_locked(cc, pz_pfn_page(pz, s->pfn));
		if (n) {
			s->nr_scanned += n - 1;
			pz_count_vm_event(pz, PZ_VM_COMPACT_ISOLATED, n);
		} else {
			*order = cc->search_order + 1;
			s->found = false;
		}
	}
	if (scanned >= s->limit)
		s->limit = s->limit > 1 ? s->limit >> 1 : 1;
}

/* next_search_order: round-robin below the request's order; -1 once
 * back at the starting order, which then moves one down for next time. */
static int next_search_order(struct pz_cc *cc, int order)
{
	if (--order < 0)
		order = cc->order - 1;
	if (order != cc->search_order)
		return order;
	if (--cc->search_order < 0)
		cc->search_order = cc->order - 1;
	return -1;
}

/* fast_isolate_around: the rest of the found block's pageblock, unless
 * enough is held or an async direct compaction runs; a block that could
 * not give enough is marked skipped. */
static void isolate_around(struct pz_cc *cc, uint64_t pfn)
{
	struct pz_zone *z = cc->z;
	uint64_t start = pz_cc_block_start(cc->pz, pfn), end = start + cc->pz->pageblock_nr_pages;
	uint64_t first;

	if (!pz_cc_need_free(cc) || (cc->direct && cc->mode == PZ_MIGRATE_ASYNC))
		return;
	start = start > z->start_pfn ? start : z->start_pfn;
	end = end < z->end_pfn ? end : z->end_pfn;
	if (!pz_cc_block_in_zone(cc, start, end))
		return;
	first = start;
	pz_cc_isolate_block(cc, &start, end, first, false);
	if (pz_cc_need_free(cc))
		pz_cc_set_skip_bit(cc->pz, first);
}

/* When a first search (scan_start) found nothing: the free scanner
 * starts at the highest block seen in the top half, or (direct
 * compaction) at the half mark. False when no block is to be searched. */
static bool search_start(struct pz_cc *cc, struct free_search *s)
{
	uint64_t m = s->min_pfn, end = pz_cc_block_start(cc->pz, m) + cc->pz->pageblock_nr_pages;

	if (s->highest >= m) {
		cc->free_pfn = s->pfn = s->highest;
		return true;
	}
	if (!cc->direct || m < cc->pz->base_pfn || m >= cc->pz->base_pfn + cc->pz->nr_pages)
		return false;
	cc->free_pfn = s->pfn = m;
	return pz_cc_block_in_zone(cc, m, end < cc->z->end_pfn ? end : cc->z->end_pfn) &&
	       m >= cc->z->start_pfn;
}

/* The bounds of a search: the top quarter (top half at worst) between
 * the scanners, and a longer first search from the zone's free start. */
static bool search_init(struct pz_cc *cc, struct free_search *s)
{
	uint64_t distance = cc->free_pfn - cc->migrate_pfn;
	bool scan_start = cc->free_pfn >=
			  atomic_load_explicit(&cc->z->compact_init_free_pfn, memory_order_relaxed);

	pz_memzero(s, sizeof(*s));
	s->limit = scan_limit(cc) >> 1 ? scan_limit(cc) >> 1 : 1;
	if (scan_start)
		s->limit = (unsigned)(cc->pz->pageblock_nr_pages >> 1);
	s->low_pfn = pz_cc_block_start(cc->pz, cc->free_pfn - (distance >> 2));
	s->min_pfn = pz_cc_block_start(cc->pz, cc->free_pfn - (distance >> 1));
	if (s->min_pfn > s->low_pfn)
		s->low_pfn = s->min_pfn;
	if (cc->search_order > cc->order - 1)
		cc->search_order = cc->order - 1;
	return scan_start;
}

void pz_cc_fast_isolate_freepages(struct pz_cc *cc)
{
	struct pz *pz = cc->pz;
	struct pz_zone *z = cc->z;
	struct free_search s;
	bool scan_start;

	if (cc->order <= 0)
		return;
	scan_start = search_init(cc, &s);
	for (int order = cc->search_order; !s.found && order >= 0;
	     order = next_search_order(cc, order)) {
		if (!atomic_load_explicit(&z->free_area[order].nr_free, memory_order_relaxed))
			continue;
		pz_lock(pz, &z->lock);
		search_free_list(cc, &s, &order);
		pz_unlock(&z->lock);
	}
	if (!s.found) {
		cc->fast_search_fail++;
		if (scan_start)
			s.found = search_start(cc, &s);
	}
	if (s.highest &&
	    s.highest >= atomic_load_explicit(&z->compact_cached_free_pfn, memory_order_relaxed))
		atomic_store_explicit(&z->compact_cached_free_pfn,
				      s.highest - pz->pageblock_nr_pages, memory_order_relaxed);
	cc->free_scanned += s.nr_scanned;
	pz_count_vm_event(pz, PZ_VM_COMPACT_FREE_SCANNED, s.nr_scanned);
	if (s.found)
		isolate_around(cc, s.pfn);
}

/* ---- the migrate scanner's search ------------------------------------------ */

/* update_fast_start_pfn: the lowest block found, until it was used. */
static void note_fast_start(struct pz_cc *cc, uint64_t pfn)
{
	if (cc->fast_start_pfn == UINT64_MAX)
		return;
	if (!cc->fast_start_pfn || pfn < cc->fast_start_pfn)
		cc->fast_start_pfn = pfn;
}

/* reinit_migrate_pfn: after a failed search the scanner restarts once
 * from the lowest free page an earlier search found. */
static uint64_t reinit_migrate_pfn(struct pz_cc *cc)
{
	if (!cc->fast_start_pfn || cc->fast_start_pfn == UINT64_MAX)
		return cc->migrate_pfn;
	cc->migrate_pfn = cc->fast_start_pfn;
	cc->fast_start_pfn = UINT64_MAX;
	return cc->migrate_pfn;
}

/* One order's MOVABLE list from its head: a free block below high_pfn in
 * a block without a skip bit. The list is rotated so that the entry
 * taken (or the one the limit stopped at) is last. Zone lock held. */
static bool search_source_list(struct pz_cc *cc, int order, uint64_t high_pfn, unsigned limit,
			       unsigned *scanned, uint64_t *pfn)
{
	struct pz *pz = cc->pz;
	struct pz_list *l = &cc->z->free_area[order].list[PZ_MT_MOVABLE];

	for (uint32_t at = l->first; at != PZ_NIL; at = pz->pages[at].next) {
		struct pz_page *p = &pz->pages[at];
		uint64_t free_pfn = pz_page_pfn(pz, p), block;

		if ((*scanned)++ >= limit) {
			rotate_to_last(pz, l, p);
			return false;
		}
		if (free_pfn >= high_pfn || pz_cc_skip_bit(pz, free_pfn))
			continue;
		rotate_to_last(pz, l, p);
		note_fast_start(cc, free_pfn);
		block = pz_cc_block_start(pz, free_pfn);
		*pfn = block > cc->z->start_pfn ? block : cc->z->start_pfn;
		cc->fast_search_fail = 0;
		pz_cc_set_skip_bit(pz, free_pfn);
		return true;
	}
	return false;
}

/* Whether the migrate scanner searches the lists at all. */
static bool migrate_search_applies(const struct pz_cc *cc)
{
	uint64_t pfn = cc->migrate_pfn;

	if (cc->ignore_skip_hint) /* the skip bits are what keeps it from repeating */
		return false;
	/* mid-block: a batch that stopped at COMPACT_CLUSTER_MAX goes on */
	if (pfn != cc->z->start_pfn && pfn != pz_cc_block_start(cc->pz, pfn))
		return false;
	/* a small request moves few pages: not worth a whole block */
	if (cc->order <= PZ_COSTLY_ORDER)
		return false;
	/* only movable requests (and kcompactd) empty a movable block this way */
	return !cc->direct || cc->migratetype == PZ_MT_MOVABLE;
}

uint64_t pz_cc_fast_find_migrateblock(struct pz_cc *cc)
{
	struct pz *pz = cc->pz;
	struct pz_zone *z = cc->z;
	unsigned limit = scan_limit(cc), scanned = 0;
	uint64_t pfn = cc->migrate_pfn, distance, high_pfn;
	bool found = false;

	if (!migrate_search_applies(cc))
		return pfn;
	/* the first half of the space at the start, the first eighth later */
	distance = (cc->free_pfn - cc->migrate_pfn) >> 1;
	if (cc->migrate_pfn != z->start_pfn)
		distance >>= 2;
	high_pfn = pz_cc_block_start(pz, cc->migrate_pfn + distance);
	for (int order = cc->order - 1; order >= PZ_COSTLY_ORDER && !found && scanned < limit;
	     order--) {
		if (!atomic_load_explicit(&z->free_area[order].nr_free, memory_order_relaxed))
			continue;
		pz_lock(pz, &z->lock);
		found = search_source_list(cc, order, high_pfn, limit, &scanned, &pfn);
		pz_unlock(&z->lock);
	}
	cc->migrate_scanned += scanned;
	pz_count_vm_event(pz, PZ_VM_COMPACT_MIGRATE_SCANNED, scanned);
	if (!found) {
		cc->fast_search_fail++;
		pfn = reinit_migrate_pfn(cc);
	}
	return pfn;
}
