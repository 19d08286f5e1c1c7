/*
 * fallback.c - __rmqueue: where a block comes from when its own
 * migratetype has none, and the pageblock bookkeeping that goes with it.
 *
 * Grouping pages by mobility keeps unmovable allocations out of movable
 * pageblocks so that whole blocks can later be freed or compacted. When a
 * type runs dry it falls back to another type's lists, taking the LARGEST
 * free block available (searching from max_order - 1 down): a big block
 * lets it claim a whole pageblock for itself, so the next allocations of
 * its type find their own lists filled again instead of scattering across
 * many movable blocks. Whether to claim depends on the size of the block
 * found, not of the request. The split remainders always go to the
 * requesting type's lists.
 *
 * The linux-4.1 profile keeps MIGRATE_RESERVE: up to two pageblocks per
 * zone, sized from the MIN watermark, that any type may use as a last
 * resort and that no fallback ever steals from.
 *
 * The _locked functions run with zone->lock held (asserted in debug
 * builds); pz_reserve_highatomic, called after an allocation with no lock
 * held, takes it itself.
 */
#include "internal.h"

/* The fallback order per requesting type (pagezone's numbering). */
static const uint8_t fallbacks[PZ_MT_PCPTYPES][2] = {
	[PZ_MT_UNMOVABLE] = {PZ_MT_RECLAIMABLE, PZ_MT_MOVABLE},
	[PZ_MT_MOVABLE] = {PZ_MT_RECLAIMABLE, PZ_MT_UNMOVABLE},
	[PZ_MT_RECLAIMABLE] = {PZ_MT_UNMOVABLE, PZ_MT_MOVABLE},
};

static bool can_steal_fallback(const struct pz *pz, unsigned order, unsigned start_mt)
{
	if (order >= pz->pageblock_order)
		return true;
	return order >= pz->pageblock_order / 2 || start_mt == PZ_MT_RECLAIMABLE ||
	       start_mt == PZ_MT_UNMOVABLE || pz->mobility_disabled;
}

/*
 * Slot 3 (a gfp with both MOVABLE and RECLAIMABLE, which the kernel warns
 * about) is MIGRATE_RESERVE in 4.1, whose __rmqueue never falls back from
 * it. From 4.4 it is MIGRATE_HIGHATOMIC, whose row of the kernel's
 * fallbacks[] is left zero - MIGRATE_UNMOVABLE - so find_suitable_fallback
 * tries UNMOVABLE only: 4.4 stops at the next row's MIGRATE_TYPES; 6.1's
 * rows for CMA and ISOLATE are zero too, so when UNMOVABLE has no block
 * of the order its loop reads past the table (undefined); pagezone stops
 * there, as 4.4 does (docs/DESIGN.md "Profiles").
 */
static bool slot3_falls_back(const struct pz *pz, unsigned mt)
{
	return mt == PZ_MT_HIGHATOMIC && pz_kver(pz) >= PZ_KV(4, 4);
}

int pz_find_suitable_fallback(const struct pz *pz, const struct pz_free_area *area, unsigned order,
			      unsigned mt, bool only_stealable, bool *can_steal)
{
	static const uint8_t slot3[2] = {PZ_MT_UNMOVABLE, PZ_MT_UNMOVABLE};
	const uint8_t *row = mt < PZ_MT_PCPTYPES ? fallbacks[mt] : slot3;

	if (!atomic_load_explicit(&area->nr_free, memory_order_relaxed) ||
	    (mt >= PZ_MT_PCPTYPES && !slot3_falls_back(pz, mt)))
		return -1;
	*can_steal = false;
	for (unsigned i = 0; i < 2; i++) {
		unsigned fmt = row[i];

		if (pz_list_empty(&area->list[fmt]))
			continue;
		if (can_steal_fallback(pz, order, mt))
			*can_steal = true;
		if (!only_stealable || *can_steal)
			return (int)fmt;
	}
	return -1;
}

/* PageLRU as the kernel reads it: a compound tail answers with its head's
 * flag (PF_HEAD), any other page with its own. */
static bool page_lru(const struct pz *pz, const struct pz_page *p)
{
	const struct pz_page *h = pz_tail_head(pz, p);

	return (atomic_load_explicit(&(h ? h : p)->flags, memory_order_relaxed) &
		(PZ_PAGE_LRU << PG_USER_SHIFT)) != 0;
}

/* A page move_freepages passes over: how many pages to step, with those
 * on the LRU added to *movable (a compound head stands for its block,
 * whose tails may be lazy). */
static uint64_t skip_used(const struct pz *pz, const struct pz_page *p, uint64_t left,
			  long *movable)
{
	uint64_t n = 1;

	if (!movable)
		return 1;
	if ((pg_flags(p) & PG_HEAD) && p->order) {
		n = (uint64_t)1 << p->order;
		n = n < left ? n : left;
	}
	if (page_lru(pz, p))
		*movable += (long)n;
	return n;
}

/*
 * move_freepages: every free block in [start, end] moves to mt's lists;
 * with `movable`, the pages of the range that are not free but on the LRU
 * are counted there (4.13's num_movable: pages compaction could move).
 */
static long move_freepages(struct pz *pz, struct pz_zone *z, uint64_t start, uint64_t end,
			   unsigned mt, long *movable)
{
	long moved = 0;

	for (uint64_t pfn = start; pfn <= end;) {
		struct pz_page *p = pz_pfn_page(pz, pfn);
		unsigned order;

		if (!(pg_flags(p) & PG_BUDDY)) {
			pfn += skip_used(pz, p, end - pfn + 1, movable);
			continue;
		}
		if (p->zone != z->id) {
			pfn++;
			continue;
		}
		order = p->order;
		pz_area_move(pz, z, p, order, mt);
		pfn += (uint64_t)1 << order;
		moved += (long)1 << order;
	}
	return moved;
}

/* move_freepages_block: the free blocks of p's pageblock, none when the
 * block ends beyond the zone (from p on when it starts before it). */
static long move_block_count(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned mt,
			     long *movable)
{
	uint64_t pfn = pz_page_pfn(pz, p);
	uint64_t start = pfn & ~((uint64_t)pz->pageblock_nr_pages - 1);
	uint64_t end = start + pz->pageblock_nr_pages - 1;

	pz_assert_zone_locked(pz, z);
	if (movable)
		*movable = 0;
	if (start < z->start_pfn)
		start = pfn;
	if (end >= z->end_pfn)
		return 0;
	return move_freepages(pz, z, start, end, mt, movable);
}

long pz_move_freepages_block_locked(struct pz *pz, struct pz_zone *z, struct pz_page *p,
				    unsigned mt)
{
	return move_block_count(pz, z, p, mt, (long *)0);
}

/*
 * reserve_highatomic_pageblock (spec 5.7): after an ALLOC_HARDER allocation
 * of order > 0, label its pageblock HIGHATOMIC and move the block's free
 * pages there, unless the zone already reserves 1% of itself plus one
 * block or the block is HIGHATOMIC, ISOLATE or CMA already.
 */
void pz_reserve_highatomic(struct pz *pz, struct pz_zone *z, struct pz_page *p)
{
	long max = (long)(z->managed / 100) + (long)pz->pageblock_nr_pages;
	unsigned mt;

	if (zload(&z->nr_reserved_highatomic) >= max)
		return;
	pz_lock(pz, &z->lock);
	if (zload(&z->nr_reserved_highatomic) < max) {
		mt = pz_pageblock_mt(pz, pz_page_pfn(pz, p));
		if (mt != PZ_MT_HIGHATOMIC && mt != PZ_MT_ISOLATE && mt != PZ_MT_CMA) {
			zadd(&z->nr_reserved_highatomic, (long)pz->pageblock_nr_pages);
			pz_set_pageblock_mt(pz, pz_page_pfn(pz, p), PZ_MT_HIGHATOMIC);
			pz_move_freepages_block_locked(pz, z, p, PZ_MT_HIGHATOMIC);
		}
	}
	pz_unlock(&z->lock);
}

/*
 * boost_watermark (5.0): a fallback that splits a foreign pageblock raises
 * the zone's watermark boost by one pageblock, up to factor / 10000 of the
 * base high watermark (at least a pageblock); false when nothing was
 * boosted: the factor is 0, the zone is under four pageblocks, or its high
 * watermark is still 0.
 */
bool pz_boost_watermark_locked(struct pz *pz, struct pz_zone *z)
{
	unsigned factor = atomic_load_explicit(&pz->watermark_boost_factor, memory_order_relaxed);
	uint64_t high = (uint64_t)zload(&z->wmark[PZ_WMARK_HIGH]), max, boost;

	pz_assert_zone_locked(pz, z);
	if (!factor || (uint64_t)pz->pageblock_nr_pages * 4 > z->managed)
		return false;
	max = high / 10000 * factor + high % 10000 * factor / 10000; /* mult_frac */
	if (!max)
		return false;
	max = max > pz->pageblock_nr_pages ? max : pz->pageblock_nr_pages;
	boost = (uint64_t)zload(&z->watermark_boost) + pz->pageblock_nr_pages;
	atomic_store_explicit(&z->watermark_boost, (long)(boost < max ? boost : max),
			      memory_order_relaxed);
	return true;
}

/* The boost of a fallback from a block smaller than a pageblock; the zone
 * is marked for the kswapd wake-up when the request may wake kswapd. */
static void fallback_boost_locked(struct pz *pz, struct pz_zone *z, unsigned alloc_flags)
{
	if (pz_boost_watermark_locked(pz, z) && (alloc_flags & PZ_ALLOC_KSWAPD))
		atomic_fetch_or_explicit(&z->flags, ZONE_BOOSTED_WATERMARK, memory_order_relaxed);
}

/* steal_suitable_fallback until 4.13: the pageblock's free blocks join
 * start_mt's lists, and its label changes when half of it was free. */
static void steal_suitable_fallback(struct pz *pz, struct pz_zone *z, struct pz_page *p,
				    unsigned start_mt)
{
	unsigned order = p->order;
	long pages;

	if (order >= pz->pageblock_order) {
		uint64_t pfn = pz_page_pfn(pz, p);

		for (uint64_t i = 0; i < ((uint64_t)1 << (order - pz->pageblock_order)); i++)
			pz_set_pageblock_mt(pz, pfn + i * pz->pageblock_nr_pages, start_mt);
		return;
	}
	pages = pz_move_freepages_block_locked(pz, z, p, start_mt);
	if (pages >= (long)1 << (pz->pageblock_order - 1) || pz->mobility_disabled)
		pz_set_pageblock_mt(pz, pz_page_pfn(pz, p), start_mt);
}

/*
 * steal_suitable_fallback of 4.13: a block of another type's lists, found
 * by the fallback, is given to start_mt's lists - alone (a HIGHATOMIC
 * pageblock, a whole pageblock or more, which relabels them, or may not
 * steal), or with every free block of its pageblock, whose label changes
 * when the free pages and those alike to the request make half of it:
 * LRU pages for a movable request, for the others every page neither
 * free nor LRU when the block was MOVABLE (holes and per-CPU pages
 * included, as the kernel counts them), none otherwise. Since 5.0 a block
 * under a pageblock boosts the watermarks first.
 */
static void steal_to_list(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned start_mt,
			  unsigned alloc_flags, bool whole_block)
{
	uint64_t pfn = pz_page_pfn(pz, p);
	unsigned order = p->order, old = pz_pageblock_mt(pz, pfn);
	long free, movable, alike;

	if (old == PZ_MT_HIGHATOMIC)
		goto single;
	if (order >= pz->pageblock_order) {
		for (uint64_t i = 0; i < ((uint64_t)1 << (order - pz->pageblock_order)); i++)
			pz_set_pageblock_mt(pz, pfn + i * pz->pageblock_nr_pages, start_mt);
		goto single;
	}
	if (pz_feature(pz, PZ_FEAT_WMARK_BOOST))
		fallback_boost_locked(pz, z, alloc_flags);
	if (!whole_block)
		goto single;
	free = move_block_count(pz, z, p, start_mt, &movable);
	if (start_mt == PZ_MT_MOVABLE)
		alike = movable;
	else
		alike = old == PZ_MT_MOVABLE ? (long)pz->pageblock_nr_pages - free - movable : 0;
	if (!free)
		goto single;
	if (free + alike >= (long)1 << (pz->pageblock_order - 1) || pz->mobility_disabled)
		pz_set_pageblock_mt(pz, pfn, start_mt);
	return;
single:
	pz_area_move(pz, z, p, order, start_mt);
}

/* The order __rmqueue_fallback takes its block from, and the type:
 * the largest with a fallback block, or (4.13) for a movable request that
 * may not steal there the smallest from the request's order up. */
static int fallback_order(const struct pz *pz, struct pz_zone *z, unsigned order, unsigned start_mt,
			  unsigned alloc_flags, int *fmt, bool *can_steal)
{
	unsigned min_order = order;
	int o;

	if (order < pz->pageblock_order && (alloc_flags & PZ_ALLOC_NOFRAGMENT))
		min_order = pz->pageblock_order;
	for (o = (int)pz->max_order - 1; o >= (int)min_order; o--) {
		*fmt = pz_find_suitable_fallback(pz, &z->free_area[o], (unsigned)o, start_mt, false,
						 can_steal);
		if (*fmt >= 0)
			break;
	}
	if (o < (int)min_order || *can_steal || start_mt != PZ_MT_MOVABLE || o == (int)order ||
	    pz_kver(pz) < PZ_KV(4, 13))
		return o < (int)min_order ? -1 : o;
	for (o = (int)order;; o++) {
		*fmt = pz_find_suitable_fallback(pz, &z->free_area[o], (unsigned)o, start_mt, false,
						 can_steal);
		if (*fmt >= 0)
			return o;
	}
}

/* The smallest block of at least `order` among the free blocks of p's
 * pageblock that a steal moves, the last of them in pfn order (each
 * moved block goes to its list's head); p when nothing is moved. */
static const struct pz_page *smallest_moved(const struct pz *pz, const struct pz_zone *z,
					    const struct pz_page *p, unsigned order)
{
	uint64_t pfn = pz_page_pfn(pz, p), nr = pz->pageblock_nr_pages;
	uint64_t start = pfn & ~(nr - 1), end = start + nr - 1;
	const struct pz_page *best = p;

	if (start < z->start_pfn)
		start = pfn;
	if (end >= z->end_pfn)
		return p;
	for (uint64_t q = start; q <= end;) {
		const struct pz_page *b = pz_pfn_page(pz, q);

		if (!(pg_flags(b) & PG_BUDDY) || b->zone != z->id) {
			q++;
			continue;
		}
		if (b->order >= order && b->order <= best->order)
			best = b;
		q += (uint64_t)1 << b->order;
	}
	return best;
}

/*
 * The block __rmqueue_fallback would hand out for (order, start_mt), and
 * the type and order it finds, without changing anything (for the
 * lockstep probe): the found block until 4.13; since then the one
 * __rmqueue_smallest takes after the steal, which is the found block
 * unless the steal moves its pageblock's free blocks. NULL when no
 * fallback block qualifies. Call it only when start_mt's own lists have
 * nothing of `order` or above, as __rmqueue does. Caller holds z->lock.
 */
const struct pz_page *pz_fallback_pick_locked(const struct pz *pz, struct pz_zone *z,
					      unsigned order, unsigned start_mt,
					      unsigned alloc_flags, int *fmt, int *found_order)
{
	bool can_steal = false;
	int o;
	const struct pz_page *p;

	pz_assert_zone_locked(pz, z);
	o = fallback_order(pz, z, order, start_mt, alloc_flags, fmt, &can_steal);
	*found_order = o;
	if (o < 0)
		return (const struct pz_page *)0;
	p = &pz->pages[z->free_area[o].list[*fmt].first];
	if (pz_kver(pz) < PZ_KV(4, 13) || !can_steal || (unsigned)o >= pz->pageblock_order ||
	    pz_pageblock_mt(pz, pz_page_pfn(pz, p)) == PZ_MT_HIGHATOMIC)
		return p;
	return smallest_moved(pz, z, p, order);
}

/* Debug builds check that the pick and the fallback agree. */
static void check_pick(const struct pz *pz, const struct pz_page *want, const struct pz_page *got)
{
	if (PZ_CHECK_LOCKS && want != got) {
		pz_log(pz, PZ_LOG_ERR, "fallback: pz_fallback_pick_locked disagrees");
		__builtin_trap();
	}
}

/*
 * __rmqueue_fallback: a block of a fallback type. Under ALLOC_NOFRAGMENT
 * (5.0) only blocks of a pageblock or more qualify, so the request takes
 * a whole foreign pageblock or nothing (the caller then walks the zones
 * again without the flag). Until 4.13 the block found is split for the
 * request; since then it is moved to the request's lists (with its
 * pageblock's free blocks when it may steal) and __rmqueue_smallest
 * takes the smallest block of the request's type from there.
 */
static struct pz_page *rmqueue_fallback(struct pz *pz, struct pz_zone *z, unsigned order,
					unsigned start_mt, unsigned alloc_flags, struct pz_tbuf *t)
{
	bool can_steal = false;
	int fmt = -1, o = fallback_order(pz, z, order, start_mt, alloc_flags, &fmt, &can_steal);
	struct pz_page *p;

	if (o < 0)
		return (struct pz_page *)0;
	p = &pz->pages[z->free_area[o].list[fmt].first];
	if (pz_kver(pz) >= PZ_KV(4, 13)) {
		int f2, o2;
		const struct pz_page *want =
			PZ_CHECK_LOCKS ? pz_fallback_pick_locked(pz, z, order, start_mt,
								 alloc_flags, &f2, &o2)
				       : (const struct pz_page *)0;
		struct pz_page *got;

		steal_to_list(pz, z, p, start_mt, alloc_flags, can_steal);
		pz_trace_extfrag(pz, t, pz_page_pfn(pz, p), order, (unsigned)o, start_mt,
				 (unsigned)fmt);
		got = pz_rmqueue_smallest_locked(pz, z, order, start_mt);
		check_pick(pz, PZ_CHECK_LOCKS ? want : got, got);
		return got;
	}
	if ((unsigned)o < pz->pageblock_order && pz_feature(pz, PZ_FEAT_WMARK_BOOST))
		fallback_boost_locked(pz, z, alloc_flags);
	if (can_steal)
		steal_suitable_fallback(pz, z, p, start_mt);
	pz_area_del(pz, z, p, (unsigned)o);
	pz_expand_locked(pz, z, p, order, (unsigned)o, start_mt);
	p->mt = (uint8_t)start_mt;
	pz_trace_extfrag(pz, t, pz_page_pfn(pz, p), order, (unsigned)o, start_mt, (unsigned)fmt);
	return p;
}

/*
 * 5.8: a movable request takes CMA pages first while more than half of the
 * zone's free pages are CMA pages (PZ_FEAT_CMA_BALANCE), so that regular
 * memory is not used up while the CMA area stays free.
 */
bool pz_cma_first(const struct pz *pz, struct pz_zone *z, unsigned mt, unsigned alloc_flags)
{
	return mt == PZ_MT_MOVABLE && (alloc_flags & PZ_ALLOC_CMA) &&
	       pz_feature(pz, PZ_FEAT_CMA_BALANCE) &&
	       zload(&z->nr_free_cma) > zload(&z->nr_free_pages) / 2;
}

/* __rmqueue: (5.8) CMA first when it is most of the free memory, own type,
 * CMA for MOVABLE, fallback, then (4.1) RESERVE. */
struct pz_page *pz_rmqueue_locked(struct pz *pz, struct pz_zone *z, unsigned order, unsigned mt,
				  unsigned alloc_flags, struct pz_tbuf *t)
{
	struct pz_page *p = (struct pz_page *)0;

	pz_assert_zone_locked(pz, z);
	if (pz_unlikely(pz->has_cma) && pz_cma_first(pz, z, mt, alloc_flags))
		p = pz_rmqueue_smallest_locked(pz, z, order, PZ_MT_CMA);
	if (!p)
		p = pz_rmqueue_smallest_locked(pz, z, order, mt);
	if (!p && (mt < PZ_MT_PCPTYPES || slot3_falls_back(pz, mt))) {
		if (mt == PZ_MT_MOVABLE && pz->has_cma)
			p = pz_rmqueue_smallest_locked(pz, z, order, PZ_MT_CMA);
		if (!p)
			p = rmqueue_fallback(pz, z, order, mt, alloc_flags, t);
		if (!p && pz_kver(pz) < PZ_KV(4, 4)) {
			mt = PZ_MT_RESERVE;
			p = pz_rmqueue_smallest_locked(pz, z, order, mt);
		}
	}
	/* every call is traced, a failed one with no page (pfn -1) */
	pz_trace_rec(t, PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED, p ? pz_page_pfn(pz, p) : (uint64_t)-1,
		     order, mt, 0);
	return p;
}

static bool block_has_reserved(struct pz *pz, struct pz_zone *z, uint64_t s, uint64_t e)
{
	for (uint64_t pfn = s; pfn < e; pfn++) {
		const struct pz_page *p = pz_pfn_page(pz, pfn);

		if ((pg_flags(p) & (PG_RESERVED | PG_HOLE)) || p->zone != z->id)
			return true;
	}
	return false;
}

/*
 * setup_zone_migrate_reserve (4.1): label the first suitable MOVABLE
 * pageblocks RESERVE until the zone has min(2, MIN watermark in blocks),
 * and turn surplus RESERVE blocks back to MOVABLE.
 */
void pz_setup_migrate_reserve_locked(struct pz *pz, struct pz_zone *z)
{
	uint64_t nr = pz->pageblock_nr_pages;
	uint64_t start = (z->start_pfn + nr - 1) & ~(nr - 1);
	long min = zload(&z->wmark[PZ_WMARK_MIN]);
	long reserve = (long)((((uint64_t)min + nr - 1) & ~(nr - 1)) >> pz->pageblock_order);
	long old = z->nr_migrate_reserve_block;

	pz_assert_zone_locked(pz, z);
	reserve = reserve < 2 ? reserve : 2;
	if (reserve == old)
		return;
	z->nr_migrate_reserve_block = reserve;
	for (uint64_t pfn = start; pfn < z->end_pfn; pfn += nr) {
		uint64_t end = pfn + nr < z->end_pfn ? pfn + nr : z->end_pfn;
		unsigned mt = pz_pageblock_mt(pz, pfn);

		if (reserve > 0) {
			if (block_has_reserved(pz, z, pfn, end))
				continue;
			if (mt == PZ_MT_RESERVE) {
				reserve--;
				continue;
			}
			if (mt == PZ_MT_MOVABLE) {
				pz_set_pageblock_mt(pz, pfn, PZ_MT_RESERVE);
				pz_move_freepages_block_locked(pz, z, pz_pfn_page(pz, pfn),
							       PZ_MT_RESERVE);
				reserve--;
				continue;
			}
		} else if (!old) {
			break;
		}
		if (mt == PZ_MT_RESERVE) {
			pz_set_pageblock_mt(pz, pfn, PZ_MT_MOVABLE);
			pz_move_freepages_block_locked(pz, z, pz_pfn_page(pz, pfn), PZ_MT_MOVABLE);
		}
	}
}
