/*
 * compaction.c - memory compaction (the kernel's mm/compaction.c): moving
 * movable blocks from the bottom of a zone to free pages at its top, so
 * that free pages merge into large blocks.
 *
 * Two scanners walk a zone toward each other, a pageblock at a time: the
 * migrate scanner up from the zone start isolates candidates (allocated
 * blocks of movable requests, migrate.c) in batches of COMPACT_CLUSTER_MAX
 * pages, the free scanner down from the end takes free buddy blocks off
 * the lists under the zone lock (they stay allocated to compaction until
 * used or given back). Each candidate is moved by the owner's migrate
 * callback with no lock held. The run ends when the scanners meet or, for
 * an allocation, when __compact_finished sees a suitable free block.
 * linux-6.1 first looks for both scanners' next block on the MOVABLE free
 * lists (compaction_fast.c) and walks only when that finds nothing.
 *
 * Hints carried between runs, as the kernel's: where each scanner stopped
 * (per zone, async and sync migrate positions apart) and a skip bit per
 * pageblock in which nothing could be isolated; both are reset when the
 * scanners meet or compaction restarts after deferral. A zone where sync
 * compaction failed is deferred for 1, 2, 4 ... 64 attempts.
 *
 * Profiles: linux-4.1 follows 4.1 (modes chosen by the caller, the LOW
 * watermark test in __compact_finished, COMPACT_PARTIAL as
 * PZ_COMPACT_SUCCESS, result ranks of 4.1); modern follows 6.1 (priorities,
 * whole-zone runs, COMPACT_PARTIAL_SKIPPED / COMPACT_CONTENDED, pageblock-
 * aligned success test, kcompactd). Locks: the zone lock only while free
 * blocks are taken or given back; no lock around callbacks.
 */
#include "compaction.h"

/* Compaction before 4.8 (4.1 and 4.4): no priorities, LOW-watermark
 * tests, deferral that makes try_to_compact_pages return DEFERRED; 4.8
 * brought the priorities and 6.1's result classes. */
static bool pre48(const struct pz *pz)
{
	return pz_kver(pz) < PZ_KV(4, 8);
}

/* Since 4.4 (not in 4.1): a compaction that stops early, on contention or
 * on an abort, says COMPACT_CONTENDED instead of COMPACT_PARTIAL. */
static bool says_contended(const struct pz *pz)
{
	return pz_kver(pz) >= PZ_KV(4, 4);
}

static uint64_t pb_nr(const struct pz *pz)
{
	return pz->pageblock_nr_pages;
}

static _Atomic uint8_t *pb_byte(struct pz *pz, uint64_t pfn)
{
	return &pz->pageblock[(pfn - pz->base_pfn) >> pz->pageblock_order];
}

/* ---- deferral ----------------------------------------------------------- */

void pz_defer_compaction(struct pz_zone *z, unsigned order)
{
	unsigned shift = atomic_load_explicit(&z->compact_defer_shift, memory_order_relaxed) + 1;

	atomic_store_explicit(&z->compact_considered, 0, memory_order_relaxed);
	if (shift > PZ_COMPACT_MAX_DEFER_SHIFT)
		shift = PZ_COMPACT_MAX_DEFER_SHIFT;
	atomic_store_explicit(&z->compact_defer_shift, shift, memory_order_relaxed);
	if ((int)order < atomic_load_explicit(&z->compact_order_failed, memory_order_relaxed))
		atomic_store_explicit(&z->compact_order_failed, (int)order, memory_order_relaxed);
}

bool pz_compaction_deferred(struct pz_zone *z, unsigned order)
{
	unsigned limit = 1u << atomic_load_explicit(&z->compact_defer_shift, memory_order_relaxed);
	unsigned considered;

	if ((int)order < atomic_load_explicit(&z->compact_order_failed, memory_order_relaxed))
		return false;
	considered = atomic_load_explicit(&z->compact_considered, memory_order_relaxed) + 1;
	if (considered > limit)
		considered = limit;
	atomic_store_explicit(&z->compact_considered, considered, memory_order_relaxed);
	return considered < limit;
}

void pz_compaction_defer_reset(struct pz_zone *z, unsigned order, bool alloc_success)
{
	if (alloc_success) {
		atomic_store_explicit(&z->compact_considered, 0, memory_order_relaxed);
		atomic_store_explicit(&z->compact_defer_shift, 0, memory_order_relaxed);
	}
	if ((int)order >= atomic_load_explicit(&z->compact_order_failed, memory_order_relaxed))
		atomic_store_explicit(&z->compact_order_failed, (int)order + 1,
				      memory_order_relaxed);
}

bool pz_compaction_restarting(struct pz_zone *z, unsigned order)
{
	if ((int)order < atomic_load_explicit(&z->compact_order_failed, memory_order_relaxed))
		return false;
	return atomic_load_explicit(&z->compact_defer_shift, memory_order_relaxed) ==
		       PZ_COMPACT_MAX_DEFER_SHIFT &&
	       atomic_load_explicit(&z->compact_considered, memory_order_relaxed) >=
		       1u << PZ_COMPACT_MAX_DEFER_SHIFT;
}

/* ---- skip bits and cached positions ------------------------------------- */

static uint64_t last_block_start(const struct pz *pz, const struct pz_zone *z)
{
	return (z->end_pfn - 1) & ~(pb_nr(pz) - 1);
}

static void reset_cached_positions(struct pz *pz, struct pz_zone *z)
{
	atomic_store_explicit(&z->compact_cached_migrate_pfn[0], z->start_pfn,
			      memory_order_relaxed);
	atomic_store_explicit(&z->compact_cached_migrate_pfn[1], z->start_pfn,
			      memory_order_relaxed);
	atomic_store_explicit(&z->compact_cached_free_pfn, last_block_start(pz, z),
			      memory_order_relaxed);
}

/* 4.x __reset_isolation_suitable: scanners back to the zone's ends and
 * every skip bit cleared. */
static void reset_isolation_4x(struct pz *pz, struct pz_zone *z)
{
	reset_cached_positions(pz, z);
	atomic_store_explicit(&z->compact_blockskip_flush, false, memory_order_relaxed);
	for (uint64_t pfn = z->start_pfn & ~(pb_nr(pz) - 1); pfn < z->end_pfn; pfn += pb_nr(pz))
		atomic_fetch_and_explicit(pb_byte(pz, pfn), (uint8_t)~PB_SKIP,
					  memory_order_relaxed);
}

/* ---- 6.1's reset (5.1's selective skip-hint clearing) ---------------------- */

/* pageblock_skip_persistent: a block inside one huge compound page keeps
 * its skip bit; nothing in it moves or comes free until that page goes. */
static bool skip_persistent(const struct pz *pz, const struct pz_page *p)
{
	unsigned f = pg_flags(p);
	uint64_t head = (f & PG_TAIL) ? p->next : (uint64_t)(p - pz->pages);

	if (!(f & (PG_HEAD | PG_TAIL)) || head >= pz->nr_pages)
		return false;
	return pz->pages[head].order >= pz->pageblock_order;
}

/* What the reset samples of a block, the kernel's PageLRU and PageBuddy:
 * an allocated block of a movable request (the migrate scanner's kind of
 * candidate), the head of a free buddy block. Racy reads: hints only. */
static bool sample_hit(const struct pz_page *p, bool source, bool target)
{
	const unsigned bad = PG_BUDDY | PG_PCP | PG_TAIL | PG_HOLE | PG_RESERVED | PG_LEAKED;
	unsigned f = pg_flags(p);

	if (target && (f & PG_BUDDY))
		return true;
	return source && !(f & bad) && (p->mt == PZ_MT_MOVABLE || p->mt == PZ_MT_CMA) &&
	       atomic_load_explicit(&p->refcount, memory_order_relaxed) > 0;
}

/* __reset_isolation_pfn: is the block at pfn worth a scanner's start? Its
 * skip bit is cleared when a sampled page (one in 2^PZ_COSTLY_ORDER) is a
 * source (source) or a free page (target); a block that may serve as
 * either and was not skipped is taken as it is. */
static bool reset_block_61(struct pz *pz, struct pz_zone *z, uint64_t pfn, bool source, bool target)
{
	const struct pz_page *p = pz_pfn_page(pz, pfn);
	uint64_t first = pfn & ~(pb_nr(pz) - 1), last = first + pb_nr(pz) - 1;

	if ((pg_flags(p) & PG_HOLE) || p->zone != z->id || skip_persistent(pz, p))
		return false;
	if (source && target &&
	    !(atomic_load_explicit(pb_byte(pz, pfn), memory_order_relaxed) & PB_SKIP))
		return true;
	if (!source && target && pz_pageblock_mt(pz, pfn) != PZ_MT_MOVABLE)
		return false;
	first = first < z->start_pfn ? z->start_pfn : first;
	if (pg_flags(pz_pfn_page(pz, first)) & PG_HOLE)
		first = pfn;
	last = last >= z->end_pfn ? z->end_pfn - 1 : last;
	if (pg_flags(pz_pfn_page(pz, last)) & PG_HOLE)
		return false;
	for (uint64_t q = first; q <= last; q += (uint64_t)1 << PZ_COSTLY_ORDER) {
		if (sample_hit(pz_pfn_page(pz, q), source, target)) {
			atomic_fetch_and_explicit(pb_byte(pz, q), (uint8_t)~PB_SKIP,
						  memory_order_relaxed);
			return true;
		}
	}
	return false;
}

static void set_cached(struct pz_zone *z, const uint64_t *migrate, const uint64_t *free)
{
	if (migrate) {
		atomic_store_explicit(&z->compact_cached_migrate_pfn[0], *migrate,
				      memory_order_relaxed);
		atomic_store_explicit(&z->compact_cached_migrate_pfn[1], *migrate,
				      memory_order_relaxed);
	}
	if (free)
		atomic_store_explicit(&z->compact_cached_free_pfn, *free, memory_order_relaxed);
}

/*
 * 6.1 __reset_isolation_suitable, only when a direct compaction asked for
 * it (compact_blockskip_flush, cleared here). The two scanners' ends walk
 * toward each other a block at a time: the lowest block with something
 * to move and the highest movable block with a free page lose their skip
 * bits and become the cached starts; blocks they did not sample, and
 * blocks inside huge pages, keep theirs. When no such pair was found the
 * cached starts are where the walk met, so the next run finds nothing
 * between them. (Ours: the walk also stops before the free end would pass
 * below pfn 0, which only a zone smaller than a pageblock could reach.)
 */
static void reset_isolation_61(struct pz *pz, struct pz_zone *z)
{
	uint64_t mig = z->start_pfn, free = z->end_pfn - 1, nr = pb_nr(pz);
	uint64_t reset_mig = free, reset_free = mig;
	bool source_set = false, free_set = false;

	if (!atomic_exchange_explicit(&z->compact_blockskip_flush, false, memory_order_relaxed))
		return;
	for (; mig < free && free >= nr; mig += nr, free -= nr) {
		if (reset_block_61(pz, z, mig, true, source_set) && mig < reset_mig) {
			source_set = true;
			reset_mig = mig;
			set_cached(z, &mig, (const uint64_t *)0);
		}
		if (reset_block_61(pz, z, free, free_set, true) && free > reset_free) {
			free_set = true;
			reset_free = free;
			set_cached(z, (const uint64_t *)0, &free);
			atomic_store_explicit(&z->compact_init_free_pfn, free,
					      memory_order_relaxed);
		}
	}
	if (reset_mig >= reset_free)
		set_cached(z, &mig, &free);
}

/* __reset_isolation_suitable of the profile's kernel: 4.x's clears every
 * bit, 6.1's (from 5.1) only those worth it and only when asked to. */
static void reset_isolation_suitable_zone(struct pz *pz, struct pz_zone *z)
{
	if (pz_kver(pz) >= PZ_KV(5, 1))
		reset_isolation_61(pz, z);
	else
		reset_isolation_4x(pz, z);
}

void pz_reset_isolation_suitable(struct pz *pz, int nid)
{
	for (unsigned t = 0; t < PZ_NR_ZONE_TYPES; t++) {
		struct pz_zone *z = pz_zone_of(pz, nid, (int)t);

		if (z->populated &&
		    atomic_load_explicit(&z->compact_blockskip_flush, memory_order_relaxed))
			reset_isolation_suitable_zone(pz, z);
	}
}

bool pz_cc_skip_bit(struct pz *pz, uint64_t pfn)
{
	return atomic_load_explicit(pb_byte(pz, pfn), memory_order_relaxed) & PB_SKIP;
}

/* set_pageblock_skip: the bit alone, no cached position moves. */
void pz_cc_set_skip_bit(struct pz *pz, uint64_t pfn)
{
	atomic_fetch_or_explicit(pb_byte(pz, pfn), (uint8_t)PB_SKIP, memory_order_relaxed);
}

static bool isolation_suitable(struct pz_cc *cc, uint64_t pfn)
{
	return cc->ignore_skip_hint || !pz_cc_skip_bit(cc->pz, pfn);
}

/* update_pageblock_skip: nothing isolated in a whole block marks it. */
static void update_pageblock_skip(struct pz_cc *cc, uint64_t pfn, uint64_t nr_isolated,
				  bool migrate_scanner)
{
	struct pz_zone *z = cc->z;

	if (cc->ignore_skip_hint || nr_isolated)
		return;
	atomic_fetch_or_explicit(pb_byte(cc->pz, pfn), (uint8_t)PB_SKIP, memory_order_relaxed);
	if (migrate_scanner) {
		/* where async and sync runs resume: async moves only its own */
		for (int sync = 0; sync < (cc->mode == PZ_MIGRATE_ASYNC ? 1 : 2); sync++) {
			atomic_uint_least64_t *c = &z->compact_cached_migrate_pfn[sync];

			if (pfn > atomic_load_explicit(c, memory_order_relaxed))
				atomic_store_explicit(c, pfn, memory_order_relaxed);
		}
	} else if (pfn < atomic_load_explicit(&z->compact_cached_free_pfn, memory_order_relaxed)) {
		atomic_store_explicit(&z->compact_cached_free_pfn, pfn, memory_order_relaxed);
	}
}

/* pageblock_pfn_to_page: the block's first pfn inside the zone, when the
 * block's first and last pages belong to it; 0 (never a zone pfn that a
 * scanner visits: zones start at pfn >= 1 here or are skipped) otherwise. */
bool pz_cc_block_in_zone(struct pz_cc *cc, uint64_t start, uint64_t end)
{
	struct pz *pz = cc->pz;

	if (start < cc->z->start_pfn)
		start = cc->z->start_pfn;
	if (start >= end || end > cc->z->end_pfn)
		return false;
	return pz_pfn_page(pz, start)->zone == cc->z->id &&
	       pz_pfn_page(pz, end - 1)->zone == cc->z->id;
}

/* ---- the free scanner --------------------------------------------------- */

static bool cc_lock(struct pz_cc *cc)
{
	if (cc->mode != PZ_MIGRATE_ASYNC) {
		pz_lock(cc->pz, &cc->z->lock);
		return true;
	}
	if (pz_trylock(&cc->z->lock))
		return true;
	cc->contended = true;
	return false;
}

static bool has_block(const struct pz_cc *cc, unsigned order)
{
	for (unsigned o = order; o < cc->pz->max_order; o++)
		if (!pz_list_empty(&cc->freepages[o]))
			return true;
	return false;
}

static void keep_free_block(struct pz_cc *cc, struct pz_page *p, unsigned order)
{
	p->order = (uint8_t)order;
	p->mt = PZ_MT_ISOLATE; /* no candidate for another run's migrate scanner */
	atomic_store_explicit(&p->refcount, 1, memory_order_relaxed);
	pz_list_add_tail(cc->pz, &cc->freepages[order], p);
	cc->nr_freepages += (uint64_t)1 << order;
}

/*
 * __isolate_free_page: takes a free block off the buddy lists when the
 * zone stays above its watermark (4.1: LOW, 6.1: MIN, plus the block), and
 * keeps it as an allocation of compaction's. Returns its pages, 0 if not.
 */
uint64_t pz_cc_isolate_free_locked(struct pz_cc *cc, struct pz_page *p)
{
	struct pz *pz = cc->pz;
	struct pz_zone *z = cc->z;
	unsigned o = p->order, mt = p->mt;
	long mark = zload(&z->wmark[pre48(pz) ? PZ_WMARK_LOW : PZ_WMARK_MIN]) + ((long)1 << o);

	if (o >= pz->pageblock_order ||
	    !pz_watermark_ok(pz, z, 0, mark, 0, pre48(pz) ? 0 : PZ_ALLOC_CMA))
		return 0;
	pz_area_del(pz, z, p, o);
	pz_account_free_locked(pz, z, -((long)1 << o), mt);
	if (o + 1 >= pz->pageblock_order && mt != PZ_MT_ISOLATE && mt != PZ_MT_CMA &&
	    (pre48(pz) || mt != PZ_MT_HIGHATOMIC))
		pz_set_pageblock_mt(pz, pz_page_pfn(pz, p), PZ_MT_MOVABLE);
	p->next = p->prev = PZ_NIL;
	keep_free_block(cc, p, o);
	return (uint64_t)1 << o;
}

bool pz_cc_need_free(const struct pz_cc *cc)
{
	return cc->nr_migratepages > cc->nr_freepages || !has_block(cc, cc->need_order);
}

/* isolate_freepages_block: free blocks of [*start, end), one lock hold. */
void pz_cc_isolate_block(struct pz_cc *cc, uint64_t *start, uint64_t end, uint64_t first,
			 bool update_skip)
{
	struct pz *pz = cc->pz;
	uint64_t pfn = *start, isolated = 0, scanned = 0;
	bool locked = false;

	for (; pfn < end; pfn++) {
		struct pz_page *p = pz_pfn_page(pz, pfn);
		uint64_t n;

		scanned++;
		if (!(pg_flags(p) & PG_BUDDY))
			continue;
		if (!locked && !(locked = cc_lock(cc)))
			break;
		if (!(pg_flags(p) & PG_BUDDY) || p->zone != cc->z->id)
			continue;
		n = pz_cc_isolate_free_locked(cc, p);
		if (!n)
			break;
		isolated += n;
		pfn += n - 1;
		if (!pz_cc_need_free(cc)) {
			pfn++;
			break;
		}
	}
	if (locked)
		pz_unlock(&cc->z->lock);
	*start = pfn;
	if (pfn >= end && update_skip)
		update_pageblock_skip(cc, first, isolated, false);
	cc->free_scanned += scanned;
	pz_count_vm_event(pz, PZ_VM_COMPACT_FREE_SCANNED, scanned);
	pz_count_vm_event(pz, PZ_VM_COMPACT_ISOLATED, isolated);
}

/* suitable_migration_target; a whole free pageblock is left alone by
 * pz_cc_isolate_free_locked (its order is read under the lock there). */
static bool suitable_target(struct pz_cc *cc, uint64_t pfn)
{
	unsigned mt;

	if (cc->ignore_block_suitable)
		return true;
	mt = pz_pageblock_mt(cc->pz, pfn);
	return mt == PZ_MT_MOVABLE || mt == PZ_MT_CMA;
}

/* isolate_freepages: down from cc->free_pfn, never below the block after
 * the migrate scanner's. 6.1 first searches the free lists and walks only
 * when that gave no block the pending target fits in (the kernel's "any
 * page isolated": its targets are all order 0, ours the source's order). */
static void isolate_freepages(struct pz_cc *cc)
{
	const int64_t nr = (int64_t)pb_nr(cc->pz);
	int64_t block, low;
	uint64_t start, end;

	if (pz_cc_fast(cc)) {
		pz_cc_fast_isolate_freepages(cc);
		if (has_block(cc, cc->need_order))
			return;
	}
	block = (int64_t)(cc->free_pfn & ~(uint64_t)(nr - 1));
	low = (int64_t)((cc->migrate_pfn + (uint64_t)nr) & ~(uint64_t)(nr - 1));
	start = cc->free_pfn;
	for (; block >= low && pz_cc_need_free(cc); block -= nr, start = (uint64_t)block) {
		uint64_t first =
			(uint64_t)block < cc->z->start_pfn ? cc->z->start_pfn : (uint64_t)block;

		end = (uint64_t)block + (uint64_t)nr;
		if (end > cc->z->end_pfn)
			end = cc->z->end_pfn;
		if (start < first)
			start = first;
		if (!pz_cc_block_in_zone(cc, first, end) || !suitable_target(cc, first) ||
		    !isolation_suitable(cc, first))
			continue;
		pz_cc_isolate_block(cc, &start, end, first, true);
		cc->free_pfn = start < end ? start : (uint64_t)(block - nr);
		if (cc->contended)
			break;
	}
	if (block < low)
		cc->free_pfn = cc->migrate_pfn;
}

/* compaction_alloc: the smallest isolated block that fits, split down. */
static struct pz_page *compaction_alloc(struct pz_cc *cc, unsigned order)
{
	struct pz *pz = cc->pz;
	struct pz_page *p;
	unsigned o;

	cc->need_order = order;
	if (!has_block(cc, order) && !cc->contended)
		isolate_freepages(cc);
	for (o = order; o < pz->max_order && pz_list_empty(&cc->freepages[o]); o++)
		;
	if (o >= pz->max_order)
		return (struct pz_page *)0;
	p = &pz->pages[cc->freepages[o].first];
	pz_list_del(pz, &cc->freepages[o], p);
	cc->nr_freepages -= (uint64_t)1 << o;
	while (o > order) {
		o--;
		keep_free_block(cc, p + ((uint64_t)1 << o), o);
	}
	p->order = (uint8_t)order;
	return p;
}

/* compaction_free: an unused target goes back to the isolated blocks. */
static void compaction_free(struct pz_cc *cc, struct pz_page *p)
{
	keep_free_block(cc, p, p->order);
}

/* release_freepages: what was not used goes back to the buddy lists;
 * returns the highest pfn given back (0 for none). */
static uint64_t release_freepages(struct pz_cc *cc)
{
	struct pz *pz = cc->pz;
	uint64_t high = 0;

	if (!cc->nr_freepages)
		return 0;
	pz_lock(pz, &cc->z->lock);
	for (unsigned o = 0; o < pz->max_order; o++) {
		while (!pz_list_empty(&cc->freepages[o])) {
			struct pz_page *p = &pz->pages[cc->freepages[o].first];
			uint64_t pfn = pz_page_pfn(pz, p);

			pz_list_del(pz, &cc->freepages[o], p);
			atomic_store_explicit(&p->refcount, 0, memory_order_relaxed);
			pz_free_one_page_locked(pz, cc->z, p, o, pz_pageblock_mt(pz, pfn));
			if (pfn > high)
				high = pfn;
		}
	}
	pz_unlock(&cc->z->lock);
	cc->nr_freepages = 0;
	return high;
}

/* ---- the migrate scanner ------------------------------------------------ */

/* The largest block worth moving: below the pageblock order, and below
 * the requested order (moving a block as large as the request frees
 * nothing it needs). */
static unsigned source_max_order(const struct pz_cc *cc)
{
	unsigned max = cc->pz->pageblock_order;

	return cc->order > 0 && (unsigned)cc->order < max ? (unsigned)cc->order : max;
}

/*
 * isolate_migratepages_block: candidates of [low, end) until a batch is
 * full; returns the first pfn not scanned. Unlike the kernel it does not
 * skip over free or allocated blocks by their order: that byte is written
 * by others without a lock the scanner holds, so it steps a page at a time
 * and reads a block's order only once it holds a reference.
 */
static uint64_t isolate_migratepages_block(struct pz_cc *cc, uint64_t low, uint64_t end)
{
	struct pz *pz = cc->pz;
	unsigned max = source_max_order(cc);
	uint64_t pfn = low, isolated = 0, scanned = 0;

	while (pfn < end) {
		struct pz_page *p = pz_pfn_page(pz, pfn);
		unsigned f = pg_flags(p);

		scanned++;
		if ((f & (PG_BUDDY | PG_PCP | PG_HOLE | PG_TAIL)) || !cc->has_handler ||
		    !pz_migrate_isolate(pz, cc->z, p, max)) {
			pfn++;
			continue;
		}
		cc->migratepages[cc->nr_blocks++] = p;
		cc->nr_migratepages += (uint64_t)1 << p->order;
		isolated += (uint64_t)1 << p->order;
		pfn += (uint64_t)1 << p->order;
		if (cc->nr_migratepages >= PZ_COMPACT_CLUSTER_MAX ||
		    cc->nr_blocks == PZ_COMPACT_CLUSTER_MAX)
			break;
	}
	if (pfn >= end)
		update_pageblock_skip(cc, low & ~(pb_nr(pz) - 1), isolated, true);
	cc->migrate_scanned += scanned;
	pz_count_vm_event(pz, PZ_VM_COMPACT_MIGRATE_SCANNED, scanned);
	pz_count_vm_event(pz, PZ_VM_COMPACT_ISOLATED, isolated);
	return pfn < end ? pfn : end;
}

/* suitable_migration_source: async compaction scans only movable blocks
 * (6.1: of the request's own type for unmovable requests). */
static bool suitable_source(const struct pz_cc *cc, uint64_t pfn)
{
	unsigned mt = pz_pageblock_mt(cc->pz, pfn);
	bool movable = mt == PZ_MT_MOVABLE || mt == PZ_MT_CMA;

	if (cc->mode != PZ_MIGRATE_ASYNC)
		return true;
	if (pre48(cc->pz) || !cc->direct || cc->migratetype == PZ_MT_MOVABLE)
		return movable;
	return mt == cc->migratetype;
}

/* Whether the migrate scanner may look at the block at first from low:
 * 4.x tests the skip bit of every block; 6.1 only on a block boundary and
 * not for the block its free-list search just marked (fast_block). */
static bool source_block_suitable(struct pz_cc *cc, uint64_t low, uint64_t first, bool fast_block)
{
	if (!pz_cc_fast(cc))
		return isolation_suitable(cc, first);
	return (low & (pb_nr(cc->pz) - 1)) || fast_block || isolation_suitable(cc, first);
}

static enum isolate_result isolate_migratepages(struct pz_cc *cc)
{
	const uint64_t nr = pb_nr(cc->pz);
	uint64_t low = pz_cc_fast(cc) ? pz_cc_fast_find_migrateblock(cc) : cc->migrate_pfn;
	uint64_t end = (low + nr) & ~(nr - 1);
	bool fast_block = low != cc->migrate_pfn && !cc->fast_search_fail;

	for (; end <= cc->free_pfn; low = end, end += nr, fast_block = false) {
		uint64_t first = end - nr < cc->z->start_pfn ? cc->z->start_pfn : end - nr;
		uint64_t stop = end < cc->z->end_pfn ? end : cc->z->end_pfn;

		if (!pz_cc_block_in_zone(cc, first, stop) ||
		    !source_block_suitable(cc, low, first, fast_block) ||
		    !suitable_source(cc, first))
			continue;
		low = isolate_migratepages_block(cc, low < first ? first : low, stop);
		if (cc->contended)
			return ISOLATE_ABORT;
		break;
	}
	cc->migrate_pfn = end <= cc->free_pfn ? low : cc->free_pfn;
	return cc->nr_blocks ? ISOLATE_SUCCESS : ISOLATE_NONE;
}

/* ---- migrating a batch -------------------------------------------------- */

static void putback_movable_pages(struct pz_cc *cc)
{
	for (unsigned i = 0; i < cc->nr_blocks; i++)
		if (cc->migratepages[i])
			pz_migrate_putback(cc->pz, cc->migratepages[i]);
	cc->nr_blocks = 0;
	cc->nr_migratepages = 0;
}

/* What migrate_pages tallied for a batch, in pages: moved, failed for
 * good, refused BUSY in the current pass (-EAGAIN), and the block that
 * found no target (-ENOMEM). */
struct mig_tally {
	uint64_t ok, failed, retry, stuck;
};

/* One pass over the batch; false when no target could be found (ENOMEM). */
static bool migrate_pass(struct pz_cc *cc, struct mig_tally *t)
{
	for (unsigned i = 0; i < cc->nr_blocks; i++) {
		struct pz_page *src = cc->migratepages[i], *dst;
		uint64_t n;

		if (!src)
			continue;
		n = (uint64_t)1 << src->order;
		dst = compaction_alloc(cc, src->order);
		if (!dst) {
			t->stuck = n;
			return false;
		}
		switch (pz_migrate_one(cc->pz, src, dst, cc->mode)) {
		case PZ_MIG_DONE:
			t->ok += n;
			break;
		case PZ_MIG_RETRY:
			compaction_free(cc, dst);
			t->retry += n;
			continue;
		case PZ_MIG_FAIL:
			compaction_free(cc, dst);
			t->failed += n;
			break;
		case PZ_MIG_FAIL_DST_GONE:
			t->failed += n;
			break;
		}
		cc->migratepages[i] = (struct pz_page *)0;
		cc->nr_migratepages -= n;
	}
	return true;
}

/* What PGMIGRATE_FAIL adds for the pages still in the batch when
 * migrate_pages ends, as each kernel counts them: 4.1 counts only
 * permanent failures (its ten passes' last -EAGAIN pages, and everything
 * after an -ENOMEM, are not counted); 4.4 adds the pages still refused
 * BUSY after the tenth pass (nr_failed += retry), but an -ENOMEM still
 * leaves through `out` with nothing added; 6.1 counts those too and, at
 * an -ENOMEM, the block without a target and the pages refused BUSY
 * earlier in that pass (nr_failed_pages += nr_pages + nr_retry_pages).
 * Untried blocks behind the -ENOMEM are counted by none. */
static uint64_t leftover_failed(const struct pz *pz, bool found, const struct mig_tally *t)
{
	if (pz_kver(pz) < PZ_KV(4, 4))
		return 0;
	if (found)
		return t->retry;
	return pz_kver(pz) >= PZ_KV(6, 1) ? t->retry + t->stuck : 0;
}

/* migrate_pages: up to ten passes (BUSY answers are retried; what is
 * still BUSY after the tenth is put back). Returns 0, or -PZ_ENOMEM when
 * the free scanner found no target. */
static int migrate_batch(struct pz_cc *cc)
{
	struct mig_tally t = {0, 0, 0, 0};
	bool found = true;

	for (int pass = 0; pass < 10 && cc->nr_migratepages && found; pass++) {
		t.retry = 0;
		found = migrate_pass(cc, &t);
	}
	t.failed += leftover_failed(cc->pz, found, &t);
	putback_movable_pages(cc);
	pz_count_vm_event(cc->pz, PZ_VM_PGMIGRATE_SUCCESS, t.ok);
	pz_count_vm_event(cc->pz, PZ_VM_PGMIGRATE_FAIL, t.failed);
	return found ? 0 : -PZ_ENOMEM;
}

/* ---- when to stop, whether to start ------------------------------------- */

/* Whether a free block of order or above would serve the request (the
 * loop of __compact_finished), under the zone lock. */
static bool suitable_page_free(struct pz_cc *cc)
{
	struct pz *pz = cc->pz;
	bool found = false, can_steal;

	pz_lock(pz, &cc->z->lock);
	for (unsigned o = (unsigned)cc->order; o < pz->max_order && !found; o++) {
		const struct pz_free_area *a = &cc->z->free_area[o];

		found = atomic_load_explicit(&a->nr_free_mt[cc->migratetype],
					     memory_order_relaxed) ||
			(cc->migratetype == PZ_MT_MOVABLE &&
			 atomic_load_explicit(&a->nr_free_mt[PZ_MT_CMA], memory_order_relaxed)) ||
			pz_find_suitable_fallback(pz, a, o, cc->migratetype, true, &can_steal) >= 0;
	}
	pz_unlock(&cc->z->lock);
	return found;
}

static enum pz_compact_result scanners_met(struct pz_cc *cc)
{
	reset_cached_positions(cc->pz, cc->z);
	if (cc->direct && !cc->kswapd)
		atomic_store_explicit(&cc->z->compact_blockskip_flush, true, memory_order_relaxed);
	if (pre48(cc->pz) || cc->whole_zone)
		return PZ_COMPACT_COMPLETE;
	return PZ_COMPACT_PARTIAL_SKIPPED;
}

/* ---- proactive compaction (6.1, since 5.9) ------------------------------- */

/* fill_contig_page_info (vmstat.c): z's free blocks, free pages, and how
 * many blocks of order its free blocks of that order or above make.
 * Lock-free, as the kernel's. */
static void contig_info(const struct pz *pz, struct pz_zone *z, unsigned order, uint64_t *total,
			uint64_t *free, uint64_t *suitable)
{
	*total = *free = *suitable = 0;
	for (unsigned o = 0; o < pz->max_order; o++) {
		uint64_t b = atomic_load_explicit(&z->free_area[o].nr_free, memory_order_relaxed);

		*total += b;
		*free += b << o;
		if (o >= order)
			*suitable += b << (o - order);
	}
}

/* The order proactive compaction measures fragmentation against
 * (COMPACTION_HPAGE_ORDER: the transparent huge page, a pageblock here). */
static unsigned hpage_order(const struct pz *pz)
{
	return pz->pageblock_order;
}

/* extfrag_for_order: the percentage of z's free pages that sit in blocks
 * smaller than order; 0 with nothing free. Lock-free, as the kernel's. */
static unsigned extfrag_for_order(const struct pz *pz, struct pz_zone *z, unsigned order)
{
	uint64_t total, free, suitable;

	contig_info(pz, z, order, &total, &free, &suitable);
	if (!free)
		return 0;
	return (unsigned)((free - (suitable << order)) * 100 / free);
}

/* fragmentation_score_node: each zone's score weighted by its share of
 * the node's present pages (so that small zones barely count). */
static unsigned fragmentation_score_node(struct pz *pz, int nid)
{
	uint64_t node_present = 0, score = 0;

	for (unsigned t = 0; t < PZ_NR_ZONE_TYPES; t++)
		node_present += pz_zone_of(pz, nid, (int)t)->present;
	for (unsigned t = 0; t < PZ_NR_ZONE_TYPES; t++) {
		struct pz_zone *z = pz_zone_of(pz, nid, (int)t);

		score +=
			z->present * extfrag_for_order(pz, z, hpage_order(pz)) / (node_present + 1);
	}
	return (unsigned)score;
}

static unsigned proactiveness(const struct pz *pz)
{
	return (unsigned)(20 + atomic_load_explicit(&((struct pz *)pz)->compaction.proactiveness,
						    memory_order_relaxed));
}

/* fragmentation_score_wmark: the low mark 100 - proactiveness (at least
 * 5), the high one 10 above it (at most 100). */
static unsigned score_wmark(const struct pz *pz, bool low)
{
	unsigned p = proactiveness(pz), wlow = 100 - p < 5 ? 5 : 100 - p;

	return low ? wlow : (wlow + 10 < 100 ? wlow + 10 : 100);
}

/* kswapd_is_running: the node's kswapd is not asleep on its wait queue. */
static bool kswapd_is_running(struct pz *pz, int nid)
{
	return !atomic_load_explicit(&pz->kswapd[nid].asleep, memory_order_relaxed);
}

/* __compact_finished of a proactive run: stop when kswapd runs, or once
 * the zone's score is down to the low mark. */
static enum pz_compact_result proactive_finished(struct pz_cc *cc)
{
	if (kswapd_is_running(cc->pz, cc->z->nid))
		return PZ_COMPACT_PARTIAL_SKIPPED;
	if (cc->contended)
		return PZ_COMPACT_CONTENDED;
	return extfrag_for_order(cc->pz, cc->z, hpage_order(cc->pz)) > score_wmark(cc->pz, true)
		       ? PZ_COMPACT_CONTINUE
		       : PZ_COMPACT_SUCCESS;
}

/* __compact_finished, then NO_SUITABLE_PAGE read as CONTINUE. */
static enum pz_compact_result compact_finished(struct pz_cc *cc)
{
	struct pz *pz = cc->pz;

	if (pre48(pz) && cc->contended) /* 4.1's COMPACT_PARTIAL, 4.4's CONTENDED */
		return says_contended(pz) ? PZ_COMPACT_CONTENDED : PZ_COMPACT_SUCCESS;
	if (cc->free_pfn <= cc->migrate_pfn)
		return scanners_met(cc);
	if (cc->proactive)
		return proactive_finished(cc);
	if (cc->order < 0)
		return PZ_COMPACT_CONTINUE;
	if (pre48(pz)) {
		if (!pz_watermark_ok(pz, cc->z, (unsigned)cc->order,
				     pz_wmark_pages(cc->z, PZ_WMARK_LOW), cc->classzone,
				     cc->alloc_flags))
			return PZ_COMPACT_CONTINUE;
	} else if (cc->migrate_pfn & (pb_nr(pz) - 1)) {
		return PZ_COMPACT_CONTINUE; /* 6.1 finishes the pageblock it is in */
	}
	if (suitable_page_free(cc))
		return PZ_COMPACT_SUCCESS;
	return !pre48(pz) && cc->contended ? PZ_COMPACT_CONTENDED : PZ_COMPACT_CONTINUE;
}

/*
 * Ours: without a migrate handler no page can move, so compaction for an
 * allocation would only take free blocks off their lists and put them
 * back. Direct compaction is skipped (COMPACT_SKIPPED, the free lists as
 * they were), compaction_suitable answers SKIPPED where it would say
 * CONTINUE, and compaction_zonelist_suitable false - so that a costly
 * request is not retried for a compaction that can do nothing
 * (docs/DESIGN.md "Compaction"). Manual compaction still runs.
 */
static bool nothing_can_move(struct pz *pz)
{
	return !pz_migrate_handler_set(pz);
}

/* fragmentation_index (vmstat.c), in thousandths: -1000 when a block of
 * the order is free, 0 with nothing free, toward 1000 as free memory is
 * split into blocks too small. Lock-free, as the kernel's. */
static int fragmentation_index(const struct pz *pz, struct pz_zone *z, unsigned order)
{
	uint64_t total, free, suitable;

	contig_info(pz, z, order, &total, &free, &suitable);
	if (!total)
		return 0;
	if (suitable)
		return -1000;
	return (int)(1000 - (int64_t)((1000 + free * 1000 / ((uint64_t)1 << order)) / total));
}

static int extfrag_threshold(const struct pz *pz)
{
	return 500 + atomic_load_explicit(&pz->compaction.extfrag, memory_order_relaxed);
}

/* __compaction_suitable with the free pages to test given (6.1's
 * wmark_target); 4.1 uses the zone's own count and the caller's flags. */
static enum pz_compact_result suitable_free(struct pz *pz, struct pz_zone *z, int order,
					    unsigned alloc_flags, unsigned classzone, long free)
{
	long low = pz_wmark_pages(z, PZ_WMARK_LOW), mark;

	if (order < 0)
		return PZ_COMPACT_CONTINUE;
	mark = pre48(pz) ? low : pz_wmark_pages(z, alloc_flags & 3);
	if (pz_watermark_ok(pz, z, (unsigned)order, mark, classzone, alloc_flags))
		return PZ_COMPACT_SUCCESS;
	if (pre48(pz))
		return pz_watermark_ok(pz, z, 0, low + (2l << order), classzone, alloc_flags)
			       ? PZ_COMPACT_CONTINUE
			       : PZ_COMPACT_SKIPPED;
	mark = (order > PZ_COSTLY_ORDER ? low : pz_wmark_pages(z, PZ_WMARK_MIN)) + (2l << order);
	if (!pz_zone_watermark_ok_locked_free(pz, z, 0, mark, classzone, PZ_ALLOC_CMA, free))
		return PZ_COMPACT_SKIPPED;
	return PZ_COMPACT_CONTINUE;
}

/* compaction_suitable: 4.1 applies the fragmentation index to every
 * order, 6.1 to costly orders only; NOT_SUITABLE_ZONE is reported as
 * SKIPPED, as both kernels do. */
static enum pz_compact_result suitable(struct pz *pz, struct pz_zone *z, int order,
				       unsigned alloc_flags, unsigned classzone)
{
	enum pz_compact_result r =
		suitable_free(pz, z, order, alloc_flags, classzone, zload(&z->nr_free_pages));
	int fi;

	if (r != PZ_COMPACT_CONTINUE || order < 0 || (!pre48(pz) && order <= PZ_COSTLY_ORDER))
		return r;
	fi = fragmentation_index(pz, z, (unsigned)order);
	return fi >= 0 && fi <= extfrag_threshold(pz) ? PZ_COMPACT_SKIPPED : r;
}

enum pz_compact_result pz_compaction_suitable(struct pz *pz, struct pz_zone *z, unsigned order,
					      unsigned alloc_flags, unsigned classzone)
{
	enum pz_compact_result r = suitable(pz, z, (int)order, alloc_flags, classzone);

	return r == PZ_COMPACT_CONTINUE && nothing_can_move(pz) ? PZ_COMPACT_SKIPPED : r;
}

/* compaction_zonelist_suitable (6.1): some zone would pass
 * __compaction_suitable counting what reclaim might add. pagezone has no
 * LRU: zone_reclaimable_pages is the shrinkers' business and counts 0. */
bool pz_compaction_zonelist_suitable(struct pz *pz, const struct pz_alloc_ctx *ac, unsigned order,
				     unsigned alloc_flags)
{
	unsigned pos = 0;
	struct pz_zone *z;

	if (nothing_can_move(pz))
		return false;
	while ((z = pz_next_zone(pz, ac->zonelist, &pos, ac->high_zoneidx, ac->nodemask)))
		if (suitable_free(pz, z, (int)order, alloc_flags, ac->high_zoneidx,
				  zload(&z->nr_free_pages)) == PZ_COMPACT_CONTINUE)
			return true;
	return false;
}

/* ---- one zone ------------------------------------------------------------ */

/* Where the scanners start: the cached positions, or the zone's ends. */
static void setup_scanners(struct pz_cc *cc)
{
	struct pz_zone *z = cc->z;
	bool sync = cc->mode != PZ_MIGRATE_ASYNC;

	cc->migrate_pfn =
		atomic_load_explicit(&z->compact_cached_migrate_pfn[sync], memory_order_relaxed);
	cc->free_pfn = atomic_load_explicit(&z->compact_cached_free_pfn, memory_order_relaxed);
	if (cc->whole_zone) {
		cc->migrate_pfn = z->start_pfn;
		cc->free_pfn = last_block_start(cc->pz, z);
		return;
	}
	if (cc->free_pfn <= z->start_pfn || cc->free_pfn > z->end_pfn) {
		cc->free_pfn = last_block_start(cc->pz, z);
		atomic_store_explicit(&z->compact_cached_free_pfn, cc->free_pfn,
				      memory_order_relaxed);
	}
	if (cc->migrate_pfn < z->start_pfn || cc->migrate_pfn > z->end_pfn) {
		cc->migrate_pfn = z->start_pfn;
		atomic_store_explicit(&z->compact_cached_migrate_pfn[0], cc->migrate_pfn,
				      memory_order_relaxed);
		atomic_store_explicit(&z->compact_cached_migrate_pfn[1], cc->migrate_pfn,
				      memory_order_relaxed);
	}
	if (!pre48(cc->pz) && cc->migrate_pfn <= z->start_pfn)
		cc->whole_zone = true; /* 6.1: a run from the start covers the zone */
}

/* The drain of compact_zone: once the migrate scanner left the
 * order-aligned block it freed pages in, this CPU's lists are flushed so
 * that those pages can merge. */
static void check_drain(struct pz_cc *cc, uint64_t *last_migrated)
{
	uint64_t cur;

	if (cc->order <= 0 || !*last_migrated)
		return;
	cur = cc->migrate_pfn & ~(((uint64_t)1 << cc->order) - 1);
	if (*last_migrated < cur) {
		pz_drain_zone_cpu(cc->pz, cc->z, pz_this_cpu(cc->pz), (struct pz_tbuf *)0);
		*last_migrated = 0;
	}
}

/* What compact_zone returns when it stops early: 4.1's COMPACT_PARTIAL,
 * 4.4's and 6.1's COMPACT_CONTENDED. */
static enum pz_compact_result stopped(const struct pz_cc *cc)
{
	return says_contended(cc->pz) ? PZ_COMPACT_CONTENDED : PZ_COMPACT_SUCCESS;
}

static enum pz_compact_result compact_zone(struct pz_cc *cc)
{
	enum pz_compact_result ret =
		suitable(cc->pz, cc->z, cc->order, cc->alloc_flags, cc->classzone);
	uint64_t last_migrated = 0, high;

	if (ret == PZ_COMPACT_SUCCESS || ret == PZ_COMPACT_SKIPPED)
		return ret;
	cc->has_handler = pz_migrate_handler_set(cc->pz);
	if (cc->order >= 0 && pz_compaction_restarting(cc->z, (unsigned)cc->order) && !cc->kswapd)
		reset_isolation_suitable_zone(cc->pz, cc->z);
	setup_scanners(cc);
	while ((ret = compact_finished(cc)) == PZ_COMPACT_CONTINUE) {
		uint64_t start = cc->migrate_pfn;
		enum isolate_result ir = isolate_migratepages(cc);

		if (ir == ISOLATE_ABORT) {
			putback_movable_pages(cc);
			ret = stopped(cc);
			break;
		}
		if (ir == ISOLATE_SUCCESS) {
			if (migrate_batch(cc) && cc->free_pfn > cc->migrate_pfn) {
				ret = stopped(cc);
				break;
			}
			if (!last_migrated)
				last_migrated = start;
		}
		check_drain(cc, &last_migrated);
		if (cc->capc && atomic_load_explicit(&cc->capc->taken, memory_order_acquire)) {
			ret = PZ_COMPACT_SUCCESS; /* a block was captured */
			break;
		}
	}
	high = release_freepages(cc) & ~(pb_nr(cc->pz) - 1);
	if (high > atomic_load_explicit(&cc->z->compact_cached_free_pfn, memory_order_relaxed))
		atomic_store_explicit(&cc->z->compact_cached_free_pfn, high, memory_order_relaxed);
	return ret;
}

static void cc_init(struct pz_cc *cc, struct pz *pz, struct pz_zone *z, int order,
		    enum pz_migrate_mode mode)
{
	pz_memzero(cc, sizeof(*cc));
	cc->pz = pz;
	cc->z = z;
	cc->order = order;
	cc->search_order = order;
	cc->mode = mode;
	cc->gfp = PZ_GFP_KERNEL;
	cc->migratetype = PZ_MT_UNMOVABLE;
	for (unsigned o = 0; o < PZ_MAX_ORDER_LIMIT; o++)
		cc->freepages[o].first = cc->freepages[o].last = PZ_NIL;
}

/* ---- direct compaction ---------------------------------------------------- */

/* rc = max(status, rc) in each kernel's own order of results: 4.1's
 * DEFERRED < SKIPPED < CONTINUE < PARTIAL < COMPLETE; 4.4 adds CONTENDED
 * after all of them; 6.1's is the enum's. */
static int rank(const struct pz *pz, enum pz_compact_result r)
{
	static const int r41[] = {
		[PZ_COMPACT_NOT_SUITABLE_ZONE] = 1, [PZ_COMPACT_SKIPPED] = 1,
		[PZ_COMPACT_DEFERRED] = 0,	    [PZ_COMPACT_NO_SUITABLE_PAGE] = 2,
		[PZ_COMPACT_CONTINUE] = 2,	    [PZ_COMPACT_COMPLETE] = 4,
		[PZ_COMPACT_PARTIAL_SKIPPED] = 4,   [PZ_COMPACT_CONTENDED] = 3,
		[PZ_COMPACT_SUCCESS] = 3,
	};
	if (says_contended(pz) && pre48(pz) && r == PZ_COMPACT_CONTENDED)
		return 7;
	return pre48(pz) ? r41[r] : (int)r;
}

static enum pz_compact_result max_result(const struct pz *pz, enum pz_compact_result a,
					 enum pz_compact_result b)
{
	return rank(pz, a) >= rank(pz, b) ? a : b;
}

/* 6.1's capture_control (5.1): linked on the zone for the run, so that
 * the free path can hand this task's freed block of the order to it. */
static void capture_start(struct pz_cc *cc, struct pz_capture *c)
{
	c->task = pz_task_current(cc->pz);
	c->order = (unsigned)cc->order;
	c->page = (struct pz_page *)0;
	atomic_init(&c->taken, false);
	pz_lock(cc->pz, &cc->z->lock);
	c->next = cc->z->capture;
	cc->z->capture = c;
	pz_unlock(&cc->z->lock);
	cc->capc = c;
}

/* Unlinks the capture control; the block it took, or NULL. */
static struct pz_page *capture_end(struct pz_cc *cc)
{
	struct pz_capture **pp;
	struct pz_page *p;

	pz_lock(cc->pz, &cc->z->lock);
	for (pp = &cc->z->capture; *pp != cc->capc; pp = &(*pp)->next)
		;
	*pp = cc->capc->next;
	p = cc->capc->page;
	pz_unlock(&cc->z->lock);
	cc->capc = (struct pz_capture *)0;
	return p;
}

/* compact_zone_order; 6.1 with a block captured says SUCCESS and hands
 * the block back through req->page. */
static enum pz_compact_result compact_zone_order(struct pz *pz, struct pz_zone *z,
						 struct pz_compact_req *req,
						 enum pz_migrate_mode mode, bool *contended)
{
	struct pz_capture capc;
	struct pz_cc cc;
	enum pz_compact_result r;

	cc_init(&cc, pz, z, (int)req->order, mode);
	cc.gfp = req->gfp;
	cc.alloc_flags = req->alloc_flags;
	cc.classzone = req->ac->classzone_idx;
	cc.migratetype = pz_gfp_to_mt(pz, req->gfp);
	cc.direct = true;
	if (!pre48(pz)) {
		cc.classzone = req->ac->high_zoneidx;
		cc.whole_zone = cc.ignore_skip_hint = cc.ignore_block_suitable =
			req->prio == PZ_COMPACT_PRIO_SYNC_FULL;
	}
	if (pz_kver(pz) >= PZ_KV(5, 1))
		capture_start(&cc, &capc);
	r = compact_zone(&cc);
	*contended = cc.contended;
	if (cc.capc && (req->page = capture_end(&cc)))
		r = PZ_COMPACT_SUCCESS;
	return r;
}

/* One zone of try_to_compact_pages; false to stop the walk. */
static bool compact_one(struct pz *pz, struct pz_zone *z, struct pz_compact_req *req,
			enum pz_migrate_mode mode, enum pz_compact_result *rc, bool *all_contended)
{
	bool contended;
	enum pz_compact_result st = compact_zone_order(pz, z, req, mode, &contended);

	*rc = max_result(pz, st, *rc);
	*all_contended = *all_contended && contended;
	if (pre48(pz) ? pz_watermark_ok(pz, z, req->order, pz_wmark_pages(z, PZ_WMARK_LOW),
					req->ac->classzone_idx, req->alloc_flags)
		      : st == PZ_COMPACT_SUCCESS) {
		pz_compaction_defer_reset(z, req->order, false);
		*all_contended = false;
		return false;
	}
	if (mode != PZ_MIGRATE_ASYNC &&
	    (st == PZ_COMPACT_COMPLETE || (!pre48(pz) && st == PZ_COMPACT_PARTIAL_SKIPPED)))
		pz_defer_compaction(z, req->order);
	if (st == PZ_COMPACT_CONTENDED)
		req->contended = true;
	return true;
}

/*
 * try_to_compact_pages. 4.1: nothing for order 0 or without __GFP_FS and
 * __GFP_IO, the caller's mode, deferred zones passed over (DEFERRED when
 * all were), contended when every zone tried was lock-contended. 6.1:
 * nothing without __GFP_IO, the mode from the priority (ASYNC or
 * SYNC_LIGHT), deferral ignored at the highest priority.
 */
enum pz_compact_result pz_try_to_compact_pages(struct pz *pz, struct pz_compact_req *req)
{
	const struct pz_alloc_ctx *ac = req->ac;
	enum pz_compact_result rc = pre48(pz) ? PZ_COMPACT_DEFERRED : PZ_COMPACT_SKIPPED;
	enum pz_migrate_mode mode = (enum pz_migrate_mode)req->mode;
	bool all_contended = true;
	unsigned pos = 0;
	struct pz_zone *z;

	req->contended = req->deferred = false;
	req->page = (struct pz_page *)0;
	if (!(req->gfp & PZ__GFP_IO) || (pre48(pz) && (!req->order || !(req->gfp & PZ__GFP_FS))))
		return PZ_COMPACT_SKIPPED;
	if (nothing_can_move(pz))
		return PZ_COMPACT_SKIPPED;
	if (!pre48(pz))
		mode = req->prio == PZ_COMPACT_PRIO_ASYNC ? PZ_MIGRATE_ASYNC
							  : PZ_MIGRATE_SYNC_LIGHT;
	while ((z = pz_next_zone(pz, ac->zonelist, &pos, ac->high_zoneidx, ac->nodemask))) {
		if ((pre48(pz) || req->prio > PZ_COMPACT_PRIO_SYNC_FULL) &&
		    pz_compaction_deferred(z, req->order)) {
			if (!pre48(pz))
				rc = max_result(pz, PZ_COMPACT_DEFERRED, rc);
			continue;
		}
		if (!compact_one(pz, z, req, mode, &rc, &all_contended))
			break;
	}
	if (pre48(pz) && rank(pz, rc) > rank(pz, PZ_COMPACT_SKIPPED) && all_contended)
		req->contended = true;
	req->deferred = rc == PZ_COMPACT_DEFERRED;
	return rc;
}

/* ---- kswapd, kcompactd and manual compaction ------------------------------ */

static struct pz_zone *populated_zone(struct pz *pz, int nid, unsigned t)
{
	struct pz_zone *z = pz_zone_of(pz, nid, (int)t);

	return z->populated && z->managed ? z : (struct pz_zone *)0;
}

/* compact_pgdat (4.x kswapd): async, deferral respected, per zone. */
void pz_compact_pgdat(struct pz *pz, int nid, unsigned order)
{
	if (!order)
		return;
	for (unsigned t = 0; t < PZ_NR_ZONE_TYPES; t++) {
		struct pz_zone *z = populated_zone(pz, nid, t);
		struct pz_cc cc;

		if (!z)
			continue;
		cc_init(&cc, pz, z, (int)order, PZ_MIGRATE_ASYNC);
		cc.kswapd = true;
		if (!pz_compaction_deferred(z, order))
			compact_zone(&cc);
		if (pz_watermark_ok(pz, z, order, pz_wmark_pages(z, PZ_WMARK_LOW), 0, 0))
			pz_compaction_defer_reset(z, order, false);
	}
}

static void drain_zone(struct pz *pz, struct pz_zone *z)
{
	for (unsigned c = 0; c < pz->nr_cpus; c++)
		pz_drain_zone_cpu(pz, z, c, (struct pz_tbuf *)0);
}

/* kcompactd_do_work for node nid; false when no work was recorded. */
static bool kcompactd_do_work(struct pz *pz, int nid)
{
	int order = atomic_exchange_explicit(&pz->compaction.kcompactd_max_order[nid], 0,
					     memory_order_relaxed);
	int high = atomic_exchange_explicit(&pz->compaction.kcompactd_highest_zoneidx[nid], 0,
					    memory_order_relaxed) -
		   1;

	if (order <= 0)
		return false;
	if (high < 0)
		high = PZ_NR_ZONE_TYPES - 1;
	pz_count_vm_event(pz, PZ_VM_COMPACT_DAEMON_WAKE, 1);
	pz_count(&pz->compaction.kcompactd_runs);
	/* woken for work: the next timeout is the default one again */
	atomic_store_explicit(&pz->compaction.proactive_wait[nid], 0, memory_order_relaxed);
	for (int t = 0; t <= high; t++) {
		struct pz_zone *z = populated_zone(pz, nid, (unsigned)t);
		enum pz_compact_result st;
		struct pz_cc cc;

		if (!z || pz_compaction_deferred(z, (unsigned)order) ||
		    suitable(pz, z, order, 0, (unsigned)t) != PZ_COMPACT_CONTINUE)
			continue;
		cc_init(&cc, pz, z, order, PZ_MIGRATE_SYNC_LIGHT);
		cc.classzone = (unsigned)high;
		st = compact_zone(&cc);
		if (st == PZ_COMPACT_SUCCESS) {
			pz_compaction_defer_reset(z, (unsigned)order, false);
		} else if (st == PZ_COMPACT_PARTIAL_SKIPPED || st == PZ_COMPACT_COMPLETE) {
			drain_zone(pz, z);
			pz_defer_compaction(z, (unsigned)order);
		}
		pz_count_vm_event(pz, PZ_VM_COMPACT_DAEMON_MIGRATE_SCANNED, cc.migrate_scanned);
		pz_count_vm_event(pz, PZ_VM_COMPACT_DAEMON_FREE_SCANNED, cc.free_scanned);
	}
	return true;
}

/* kcompactd_node_suitable */
static bool kcompactd_node_suitable(struct pz *pz, int nid, int order, int high)
{
	for (int t = 0; t <= high; t++) {
		struct pz_zone *z = populated_zone(pz, nid, (unsigned)t);

		if (z && suitable(pz, z, order, 0, (unsigned)high) == PZ_COMPACT_CONTINUE)
			return true;
	}
	return false;
}

/*
 * wakeup_kcompactd: the order and highest zone are recorded (the largest
 * order, the lowest zone of all wake-ups since the last pass); when some
 * zone would compact for the recorded order and zone, the pass runs now
 * (INLINE) or is left for pz_kcompactd_run (DEFERRED).
 */
void pz_wakeup_kcompactd(struct pz *pz, int nid, unsigned order, unsigned classzone)
{
	atomic_int *mo = &pz->compaction.kcompactd_max_order[nid];
	atomic_int *hz = &pz->compaction.kcompactd_highest_zoneidx[nid];
	int cur;

	if (!order || nid < 0 || (unsigned)nid >= pz->nr_nodes)
		return;
	cur = atomic_load_explicit(mo, memory_order_relaxed);
	while (cur < (int)order &&
	       !atomic_compare_exchange_weak_explicit(mo, &cur, (int)order, memory_order_relaxed,
						      memory_order_relaxed))
		;
	cur = atomic_load_explicit(hz, memory_order_relaxed);
	while ((cur == 0 || cur > (int)classzone + 1) &&
	       !atomic_compare_exchange_weak_explicit(hz, &cur, (int)classzone + 1,
						      memory_order_relaxed, memory_order_relaxed))
		;
	/* the recorded order and zone decide, not this wake-up's own */
	if (!kcompactd_node_suitable(pz, nid, atomic_load_explicit(mo, memory_order_relaxed),
				     atomic_load_explicit(hz, memory_order_relaxed) - 1))
		return;
	if (atomic_load_explicit(&pz->compaction.kcompactd_mode, memory_order_relaxed) ==
	    PZ_KCOMPACTD_INLINE)
		kcompactd_do_work(pz, nid);
}

int pz_kcompactd_run(pz_t *pz, int nid)
{
	if (!pz_instance_ok(pz))
		return -PZ_EINVAL;
	if (nid < 0 || (unsigned)nid >= pz->nr_nodes)
		return -PZ_ENODEV;
	return kcompactd_do_work(pz, nid) ? 1 : 0;
}

int pz_set_kcompactd_mode(pz_t *pz, enum pz_kcompactd_mode mode)
{
	if (!pz_instance_ok(pz) || (mode != PZ_KCOMPACTD_INLINE && mode != PZ_KCOMPACTD_DEFERRED))
		return -PZ_EINVAL;
	atomic_store_explicit(&pz->compaction.kcompactd_mode, (int)mode, memory_order_relaxed);
	return 0;
}

/* ---- kcompactd's timer: proactive compaction (6.1) ----------------------- */

/* should_proactive_compact_node */
static bool should_proactive_compact_node(struct pz *pz, int nid)
{
	if (!proactiveness(pz) || kswapd_is_running(pz, nid))
		return false;
	return fragmentation_score_node(pz, nid) > score_wmark(pz, false);
}

/* proactive_compact_node: every populated zone, whole, SYNC_LIGHT, skip
 * bits ignored, until its score is down to the low mark (or kswapd runs). */
static void proactive_compact_node(struct pz *pz, int nid)
{
	pz_count(&pz->compaction.proactive_runs);
	for (unsigned t = 0; t < PZ_NR_ZONE_TYPES; t++) {
		struct pz_zone *z = populated_zone(pz, nid, t);
		struct pz_cc cc;

		if (!z)
			continue;
		cc_init(&cc, pz, z, -1, PZ_MIGRATE_SYNC_LIGHT);
		cc.ignore_skip_hint = cc.whole_zone = cc.proactive = true;
		compact_zone(&cc);
	}
}

/*
 * One expiry of kcompactd's 500 ms timeout (the rest of the kcompactd()
 * loop): after a pass that did not lower the node's score the next check
 * waits 64 timeouts (6.1's default_timeout << COMPACT_MAX_DEFER_SHIFT);
 * a sysctl write's trigger ends that wait.
 */
int pz_kcompactd_tick(pz_t *pz, int nid)
{
	struct pz_compaction *c;
	unsigned prev, wait;
	bool trigger;

	if (!pz_instance_ok(pz))
		return -PZ_EINVAL;
	if (pz_kver(pz) < PZ_KV(5, 9))
		return -PZ_EOPNOTSUPP;
	if (nid < 0 || (unsigned)nid >= pz->nr_nodes)
		return -PZ_ENODEV;
	c = &pz->compaction;
	trigger = atomic_exchange_explicit(&c->proactive_trigger[nid], false, memory_order_relaxed);
	if (!proactiveness(pz))
		return 0;
	wait = atomic_load_explicit(&c->proactive_wait[nid], memory_order_relaxed);
	atomic_store_explicit(&c->proactive_wait[nid], trigger || !wait ? 0 : wait - 1,
			      memory_order_relaxed);
	if ((wait && !trigger) || !should_proactive_compact_node(pz, nid))
		return 0;
	prev = fragmentation_score_node(pz, nid);
	proactive_compact_node(pz, nid);
	if (fragmentation_score_node(pz, nid) >= prev)
		atomic_store_explicit(&c->proactive_wait[nid],
				      (1u << PZ_COMPACT_MAX_DEFER_SHIFT) - 1, memory_order_relaxed);
	return 1;
}

int pz_fragmentation_score(pz_t *pz, int nid)
{
	if (!pz_instance_ok(pz))
		return -PZ_EINVAL;
	if (nid < 0 || (unsigned)nid >= pz->nr_nodes)
		return -PZ_ENODEV;
	return (int)fragmentation_score_node(pz, nid);
}

/* compact_node's work on one zone: order -1, SYNC, skip bits ignored and
 * cleared first, the whole zone; then (ours) this CPU's lists are flushed
 * so that the moved-from pages can merge at once. */
static void compact_zone_manual(struct pz *pz, struct pz_zone *z)
{
	struct pz_cc cc;

	cc_init(&cc, pz, z, -1, PZ_MIGRATE_SYNC);
	cc.ignore_skip_hint = true;
	cc.whole_zone = !pre48(pz);
	if (pre48(pz)) /* 4.x's compact_pgdat clears the zone first; 6.1 does not */
		reset_isolation_suitable_zone(pz, z);
	compact_zone(&cc);
	pz_drain_zone_cpu(pz, z, pz_this_cpu(pz), (struct pz_tbuf *)0);
}

int pz_compact_zone(pz_t *pz, int nid, enum pz_zone_type type)
{
	struct pz_zone *z;

	if (!pz_instance_ok(pz) || (unsigned)type >= PZ_NR_ZONE_TYPES)
		return -PZ_EINVAL;
	if (nid < 0 || (unsigned)nid >= pz->nr_nodes)
		return -PZ_ENODEV;
	z = populated_zone(pz, nid, (unsigned)type);
	if (!z)
		return -PZ_ENODEV;
	compact_zone_manual(pz, z);
	return 0;
}

int pz_compact_node(pz_t *pz, int nid)
{
	if (!pz_instance_ok(pz))
		return -PZ_EINVAL;
	if (nid < 0 || (unsigned)nid >= pz->nr_nodes)
		return -PZ_ENODEV;
	for (unsigned t = 0; t < PZ_NR_ZONE_TYPES; t++) {
		struct pz_zone *z = populated_zone(pz, nid, t);

		if (z)
			compact_zone_manual(pz, z);
	}
	return 0;
}

int pz_compact_memory(pz_t *pz)
{
	if (!pz_instance_ok(pz))
		return -PZ_EINVAL;
	for (unsigned n = 0; n < pz->nr_nodes; n++)
		pz_compact_node(pz, (int)n);
	return 0;
}

/* ---- tunables and reports ------------------------------------------------- */

int pz_set_extfrag_threshold(pz_t *pz, int threshold)
{
	if (!pz_instance_ok(pz) || threshold < 0 || threshold > 1000)
		return -PZ_EINVAL;
	atomic_store_explicit(&pz->compaction.extfrag, threshold - 500, memory_order_relaxed);
	return 0;
}

/* compaction_proactiveness_sysctl_handler (6.1): a nonzero write sets
 * each node's proactive_compact_trigger, so its next check runs deferred
 * or not, and wakes its kcompactd at once: the platform's hook, or in
 * deterministic mode (kcompactd runs inline at a wake) the tick here. No
 * lock is held. */
static void proactive_trigger(struct pz *pz)
{
	for (unsigned n = 0; n < pz->nr_nodes; n++) {
		atomic_store_explicit(&pz->compaction.proactive_trigger[n], true,
				      memory_order_relaxed);
		if (pz->kswapd_inline)
			pz_kcompactd_tick(pz, (int)n);
		else if (pz->plat.wake_kcompactd)
			pz->plat.wake_kcompactd(pz->plat.ctx, (int)n);
	}
}

int pz_set_compaction_proactiveness(pz_t *pz, unsigned value)
{
	if (!pz_instance_ok(pz) || value > 100)
		return -PZ_EINVAL;
	if (pz_kver(pz) < PZ_KV(5, 9)) {
		pz_log(pz, PZ_LOG_WARN,
		       "compaction_proactiveness: profile %s has no proactive compaction "
		       "(Linux 5.9; use linux-6.1)",
		       pz_profile_name((enum pz_profile)pz->profile));
		return -PZ_EOPNOTSUPP;
	}
	atomic_store_explicit(&pz->compaction.proactiveness, (int)value - 20, memory_order_relaxed);
	if (value)
		proactive_trigger(pz);
	return 0;
}

int pz_compaction_proactiveness(const pz_t *pz)
{
	if (!pz_instance_ok(pz))
		return -PZ_EINVAL;
	return pz_kver(pz) < PZ_KV(5, 9) ? -PZ_EOPNOTSUPP : (int)proactiveness(pz);
}

int pz_extfrag_threshold(const pz_t *pz)
{
	return pz_instance_ok(pz) ? extfrag_threshold(pz) : -PZ_EINVAL;
}

int pz_compaction_stats(const pz_t *pz, struct pz_compaction_stats *out)
{
	const struct pz_compaction *c;

	if (!pz_instance_ok(pz) || !out)
		return -PZ_EINVAL;
	c = &pz->compaction;
	out->calls = atomic_load_explicit(&c->calls, memory_order_relaxed);
	for (int i = 0; i < PZ_NR_MIGRATE_RESULTS; i++)
		out->results[i] = atomic_load_explicit(&c->results[i], memory_order_relaxed);
	out->bad_result =
		atomic_load_explicit(&c->misuse[PZ_MISUSE_BAD_RESULT], memory_order_relaxed);
	out->src_kept = atomic_load_explicit(&c->misuse[PZ_MISUSE_SRC_KEPT], memory_order_relaxed);
	out->dst_freed =
		atomic_load_explicit(&c->misuse[PZ_MISUSE_DST_FREED], memory_order_relaxed);
	out->dst_kept = atomic_load_explicit(&c->misuse[PZ_MISUSE_DST_KEPT], memory_order_relaxed);
	out->kcompactd_runs = atomic_load_explicit(&c->kcompactd_runs, memory_order_relaxed);
	out->proactive_runs = atomic_load_explicit(&c->proactive_runs, memory_order_relaxed);
	return 0;
}

int pz_compaction_zone_info(pz_t *pz, int nid, enum pz_zone_type type,
			    struct pz_compaction_zone_info *out)
{
	struct pz_zone *z;

	if (!pz_instance_ok(pz) || !out || (unsigned)type >= PZ_NR_ZONE_TYPES)
		return -PZ_EINVAL;
	if (nid < 0 || (unsigned)nid >= pz->nr_nodes || !(z = populated_zone(pz, nid, type)))
		return -PZ_ENODEV;
	for (int i = 0; i < 2; i++)
		out->cached_migrate_pfn[i] = atomic_load_explicit(&z->compact_cached_migrate_pfn[i],
								  memory_order_relaxed);
	out->cached_free_pfn =
		atomic_load_explicit(&z->compact_cached_free_pfn, memory_order_relaxed);
	out->considered = atomic_load_explicit(&z->compact_considered, memory_order_relaxed);
	out->defer_shift = atomic_load_explicit(&z->compact_defer_shift, memory_order_relaxed);
	out->order_failed = atomic_load_explicit(&z->compact_order_failed, memory_order_relaxed);
	out->blockskip_flush =
		atomic_load_explicit(&z->compact_blockskip_flush, memory_order_relaxed);
	out->skip_blocks = 0;
	for (uint64_t pfn = z->start_pfn & ~(pb_nr(pz) - 1); pfn < z->end_pfn; pfn += pb_nr(pz))
		out->skip_blocks +=
			!!(atomic_load_explicit(pb_byte(pz, pfn), memory_order_relaxed) & PB_SKIP);
	return 0;
}
