/*
 * test_freelists.c - a reference model that predicts the exact free lists.
 *
 * test_random checks what a correct allocator must never do (overlap,
 * misalignment, lost pages). This test checks what Linux's allocator does:
 * a deterministic single-CPU run in which an independent model, written
 * from the spec (linux-4x-page-allocator.md) and not from src/core, predicts
 * after EVERY operation
 *   - the pfn every allocation returns, and which allocations are refused
 *     (the LOW/MIN watermark checks of spec 4.4, 4.1's per-order loop or
 *     4.4's "order-0 mark + one block", ALLOC_HIGH/ALLOC_HARDER, the
 *     lowmem_reserve of the classzone, the fair zone policy of 4.1);
 *   - the content and order of every buddy free list (zone, order, type):
 *     __rmqueue_smallest and expand (5.5), fallback with the largest-first
 *     search, steal and whole-block claim rules (5.6), MIGRATE_RESERVE as
 *     the last resort in linux-4.1 (5.8), free with merging and the
 *     tail-placement rule (6.4);
 *   - the content and order of the per-CPU lists: batched refill in
 *     physical order, hot/cold ends (5.3, 5.4), the flush at `high` and
 *     drains with free_pcppages_bulk's round robin and coldest-first order
 *     (6.3), zone by zone from the lowest, and the migratetype each
 *     drained page returns to;
 *   - with 5.14's high-order lists (PZ_FEAT_PCP_HIGH_ORDER, spec 11 item
 *     10; the modern profile's default, and one linux-4.1 run with the
 *     switch set): one list per pcp type for orders 0-3 and for the
 *     pageblock order (the library keeps one per type there, where 5.14
 *     had a single THP list - docs/DESIGN.md), orders 4..PBO-1 and above
 *     PBO bypassing them; a refill of max(batch >> order, 2) blocks by the
 *     same ordered pull (one block when batch is 1, as 5.14's "batch > 1"
 *     test gives); count, high and batch in pages; the flush at high of
 *     batch pages' worth round robin over the 15 lists (index level * 3 +
 *     the type's place in the profile's enum, starting after index 0,
 *     "batch_free == number of lists" emptying the one non-empty list),
 *     each block counting 2^order so that the last one - a pageblock's
 *     512 pages against a batch of 1 or 3 - may overshoot; high = max(LOW
 *     / the node's CPUs, 4 * batch), or managed / fraction / CPUs;
 *   - the watermarks, pcp high and batch after min_free_kbytes changes
 *     (modern runs; 4.1's MIGRATE_RESERVE re-setup is not modelled) and
 *     percpu_pagelist_fraction changes (all runs);
 *   - MIGRATE_HIGHATOMIC (spec 4.4 step 3, 5.3, 5.7; the modern profile's
 *     PZ_FEAT_HIGHATOMIC): after a successful ALLOC_HARDER allocation of
 *     order > 0 (the slow path's attempt for an atomic request) its
 *     pageblock is relabelled HIGHATOMIC and its free blocks moved there,
 *     unless the zone holds managed / 100 + one block already or the
 *     block is HIGHATOMIC or CMA; ALLOC_HARDER requests of orders without
 *     a per-CPU list take __rmqueue_smallest(HIGHATOMIC) first (traced
 *     zone_locked with the request's type, as 4.4 does), orders with one
 *     never do; other
 *     callers' watermarks subtract nr_reserved_highatomic, which is
 *     compared after every operation; blocks freed into HIGHATOMIC blocks
 *     go to those lists, through the MOVABLE per-CPU list for orders with
 *     one (keeping their type for the flush or drain);
 *   - every pageblock label, NR_FREE_PAGES, NR_ALLOC_BATCH, pcp count,
 *     pgalloc / pgfree, and (with a trace sink) the sequence of
 *     mm_page_alloc_zone_locked, mm_page_pcpu_drain and
 *     mm_page_alloc_extfrag events (the fallback counters).
 *
 * The model keeps each list as a plain array of pfns with explicit head and
 * tail insertion, a byte per pfn for "heads a free block of order k", and a
 * byte per pageblock. It predicts the boot state too (ascending frees in
 * maximal blocks, then 4.1's setup_zone_migrate_reserve) when the zone
 * edges are max-order aligned; on the machine whose zone edge is not, it
 * reads the boot free lists and labels from the library once. Every later
 * change it predicts itself. Runs cover both profiles with their default
 * switches, linux-4.1 with PZ_FEAT_PCP_HIGH_ORDER, one zone (batch 3), two
 * zones (DMA32 + Normal, batch 1 in both), a CMA area, a large per-CPU
 * list (percpu_pagelist_fraction 8), grouping by mobility switched off,
 * focused watermark refusal thresholds, and a focused HIGHATOMIC run
 * whose reservations are declined for a CMA block and for a block
 * reserved already. Runs with high-order lists
 * allocate and free orders 1-3 and the pageblock order often and must
 * see high-order refills, hot reuse of a freed block, flushes at high
 * (some where a pageblock-order block overshot batch) and drains freeing
 * high-order blocks; the counts are printed. In the modern runs a third
 * of the allocations made while no zone passes its order-0 LOW check are
 * atomic ones (unmovable or movable) of orders 1-3 or 4-8, so that
 * blocks are reserved, the reserve reaches its maximum, is used, and
 * receives frees directly and through the MOVABLE per-CPU list, from
 * which allocations take them again; these counts are printed and
 * required non-zero in the one-zone run and in every run where at least
 * 100 atomic requests reached the slow path. It does not model: isolation, the HIGHATOMIC unreserve
 * (direct reclaim, which the library does not have yet), NUMA, more than
 * one CPU (test_modern_paths covers high shared by two CPUs and remote
 * drains), reclaim callbacks, bulk allocation, split_page.
 *
 * On a mismatch the test prints the first differing list, position,
 * expected and actual pfn, and the seed and operation number.
 * PZ_TEST_SEED and PZ_TEST_OPS override the seed and the operation count.
 * White-box only through the public read-only walkers
 * (pz_free_list_pfns, pz_pcp_list_pfns of every order with a per-CPU list,
 * pz_pageblock_migratetype) and pz_zone_info / pz_pcp_info.
 */
#include "testutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXO	   11
#define PBO	   9
#define PBN	   (1u << PBO)
#define NPFN	   65536u
#define MAXZ	   2
#define NMT	   PZ_MT_TYPES
#define NPCP	   PZ_MT_PCPTYPES
#define NLEV	   5 /* pcp levels: orders 0, 1, 2, 3 and the pageblock order */
#define DEF_SEED   0x4d0de1f12ee5ull
#define DEF_OPS	   6000ul
#define MAXEV	   16384
#define ALLOC_FAIR 0x100u

/* ---- the model ------------------------------------------------------- */

struct mlist {
	uint64_t *v;
	size_t n, cap;
};

struct mzone {
	enum pz_zone_type type;
	uint64_t start, end, managed;
	long wmark[3];
	long lowmem_reserve[PZ_NR_ZONE_TYPES];
	long nr_free_pages, nr_free_cma;
	long nr_reserved_ha; /* nr_reserved_highatomic: pages in HIGHATOMIC blocks */
	long alloc_batch;    /* zone-wide NR_ALLOC_BATCH */
	long batch_diff;     /* the CPU's delta, folded past batch_thresh */
	long batch_thresh;
	int depleted;
	struct mlist fl[MAXO][NMT];
	struct mlist pcp[NLEV][NPCP];	    /* [level][mt]; only level 0 without hi */
	int pcp_count, pcp_high, pcp_batch; /* pages */
	uint64_t pgalloc, pgfree;
};

struct mev {
	enum pz_trace_kind kind;
	uint64_t pfn;
	unsigned order, mt, fallback_order, fallback_mt, change;
};

struct model {
	enum pz_profile prof;
	unsigned nz;
	bool has_cma;	   /* CONFIG_CMA with a CMA area: ALLOC_CMA for MOVABLE */
	bool nomob;	   /* page_group_by_mobility_disabled: every request UNMOVABLE */
	bool hi;	   /* PZ_FEAT_PCP_HIGH_ORDER: pcp lists for orders 1-3 and PBO */
	bool ha;	   /* PZ_FEAT_HIGHATOMIC: slot 3 is 4.4's on-demand reserve */
	unsigned fraction; /* percpu_pagelist_fraction in force */
	uint64_t min_free_kbytes, min_free_kbytes0; /* in force; the default */
	struct mzone z[MAXZ];			    /* in zonelist order: highest zone type first */
	int8_t zone_of[NPFN]; /* index into z[] of the zone whose span holds pfn, or -1 */
	uint8_t head[NPFN];   /* order + 1 if pfn heads a free block on a buddy list */
	uint8_t head_mt[NPFN];
	uint8_t pcp_mt[NPFN];	 /* the migratetype a pcp page returns to (pcppage mt) */
	uint8_t pcp_freed[NPFN]; /* the pcp block at pfn was put there by a free */
	uint8_t pb[NPFN >> PBO];
	struct mev ev[MAXEV];
	size_t nev;
	/* what the workload exercised */
	unsigned long fallbacks, claims, reserve_uses, cma_uses, tail_adds, refusals, drains_bulk;
	/* high-order pcp: refills, allocations served by a block freed to the
	 * list (hot reuse), flushes at high and drains that freed such blocks,
	 * flushes whose pageblock-order block overshot batch */
	unsigned long hi_refills, hi_reuses, hi_flushes, hi_drains, pb_overshoots;
	unsigned long wmark_changes, fraction_changes;
	/* HIGHATOMIC: ALLOC_HARDER requests of order > 0 that reached the slow
	 * path (their zones below LOW for the fast path); blocks reserved, and
	 * reservations declined because the zone had its maximum, the block
	 * was HIGHATOMIC already or CMA; allocations served from the
	 * reserve's buddy lists; blocks freed into the reserve's buddy lists
	 * (directly or by a pcp flush or drain); frees of HIGHATOMIC blocks
	 * of orders with a per-CPU list (onto the MOVABLE list) and
	 * allocations that took such a block from it */
	unsigned long ha_atomic_slow, ha_reserves, ha_full, ha_already, ha_cma, ha_uses, ha_frees,
		ha_pcp_frees, ha_pcp_reuses;
};

static struct model M;

static long fls_u64(uint64_t x)
{
	long n = 0;

	for (; x; x >>= 1)
		n++;
	return n;
}

/* __mod_zone_page_state of NR_ALLOC_BATCH on the one CPU: the delta
 * accumulates until it passes the threshold, then goes to the zone. */
static void m_batch_mod(struct mzone *z, long delta)
{
	long x = z->batch_diff + delta;

	if (x > z->batch_thresh || x < -z->batch_thresh) {
		z->alloc_batch += x;
		x = 0;
	}
	z->batch_diff = x;
}

static void l_insert(struct mlist *l, size_t at, uint64_t pfn)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = realloc(l->v, l->cap * sizeof(uint64_t));
		assert_non_null(l->v);
	}
	memmove(l->v + at + 1, l->v + at, (l->n - at) * sizeof(uint64_t));
	l->v[at] = pfn;
	l->n++;
}

static void l_push_head(struct mlist *l, uint64_t pfn)
{
	l_insert(l, 0, pfn);
}

static void l_push_tail(struct mlist *l, uint64_t pfn)
{
	l_insert(l, l->n, pfn);
}

static size_t l_find(const struct mlist *l, uint64_t pfn)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == pfn)
			return i;
	fail_msg("model: pfn %" PRIu64 " not on the list it should be on", pfn);
	return 0;
}

static void l_remove_at(struct mlist *l, size_t i)
{
	memmove(l->v + i, l->v + i + 1, (l->n - i - 1) * sizeof(uint64_t));
	l->n--;
}

static void l_remove(struct mlist *l, uint64_t pfn)
{
	l_remove_at(l, l_find(l, pfn));
}

static void m_event(enum pz_trace_kind kind, uint64_t pfn, unsigned order, unsigned mt)
{
	assert_true(M.nev < MAXEV);
	memset(&M.ev[M.nev], 0, sizeof(M.ev[0]));
	M.ev[M.nev].kind = kind;
	M.ev[M.nev].pfn = pfn;
	M.ev[M.nev].order = order;
	M.ev[M.nev].mt = mt;
	M.nev++;
}

static unsigned nr_free(const struct mzone *z, unsigned o)
{
	unsigned n = 0;

	for (unsigned mt = 0; mt < NMT; mt++)
		n += (unsigned)z->fl[o][mt].n;
	return n;
}

/* A free block on a buddy list: head byte, list, nothing else. */
static void m_add_free(struct mzone *z, uint64_t pfn, unsigned order, unsigned mt, int tail)
{
	M.head[pfn] = (uint8_t)(order + 1);
	M.head_mt[pfn] = (uint8_t)mt;
	if (tail)
		l_push_tail(&z->fl[order][mt], pfn);
	else
		l_push_head(&z->fl[order][mt], pfn);
}

static void m_del_free(struct mzone *z, uint64_t pfn)
{
	unsigned order = M.head[pfn] - 1u;

	l_remove(&z->fl[order][M.head_mt[pfn]], pfn);
	M.head[pfn] = 0;
}

/* expand(): keep the low part, put each upper half on the head of mt's list. */
static void m_expand(struct mzone *z, uint64_t pfn, unsigned low, unsigned high, unsigned mt)
{
	while (high > low) {
		high--;
		m_add_free(z, pfn + (1ull << high), high, mt, 0);
	}
}

static int m_rmqueue_smallest(struct mzone *z, unsigned order, unsigned mt, uint64_t *out)
{
	for (unsigned o = order; o < MAXO; o++) {
		struct mlist *l = &z->fl[o][mt];
		uint64_t pfn;

		if (!l->n)
			continue;
		pfn = l->v[0];
		m_del_free(z, pfn);
		m_expand(z, pfn, order, o, mt);
		*out = pfn;
		return 1;
	}
	return 0;
}

/* move_freepages_block: every free block of the pageblock to mt's list heads. */
static unsigned long m_move_freepages_block(struct mzone *z, uint64_t pfn, unsigned mt)
{
	uint64_t start = pfn & ~(uint64_t)(PBN - 1), end = start + PBN - 1;
	unsigned long moved = 0;

	if (start < z->start)
		start = pfn;
	if (end >= z->end)
		return 0;
	for (uint64_t p = start; p <= end;) {
		unsigned order;

		if (!M.head[p]) {
			p++;
			continue;
		}
		order = M.head[p] - 1u;
		m_del_free(z, p);
		m_add_free(z, p, order, mt, 0);
		p += 1ull << order;
		moved += 1ul << order;
	}
	return moved;
}

static const unsigned fallbacks[NPCP][2] = {
	[PZ_MT_UNMOVABLE] = {PZ_MT_RECLAIMABLE, PZ_MT_MOVABLE},
	[PZ_MT_MOVABLE] = {PZ_MT_RECLAIMABLE, PZ_MT_UNMOVABLE},
	[PZ_MT_RECLAIMABLE] = {PZ_MT_UNMOVABLE, PZ_MT_MOVABLE},
};

static int m_rmqueue_fallback(struct mzone *z, unsigned order, unsigned mt, uint64_t *out)
{
	for (int o = MAXO - 1; o >= (int)order; o--) {
		int fmt = -1, can_steal;
		uint64_t pfn;

		if (!nr_free(z, (unsigned)o))
			continue;
		for (unsigned i = 0; i < 2 && fmt < 0; i++)
			if (z->fl[o][fallbacks[mt][i]].n)
				fmt = (int)fallbacks[mt][i];
		if (fmt < 0)
			continue;
		/* the order of the block found decides, not the request's */
		can_steal = o >= PBO || o >= PBO / 2 || mt == PZ_MT_RECLAIMABLE ||
			    mt == PZ_MT_UNMOVABLE;
		pfn = z->fl[o][fmt].v[0];
		if (can_steal && o >= PBO) {
			for (uint64_t b = 0; b < (1ull << (o - PBO)); b++)
				M.pb[(pfn >> PBO) + b] = (uint8_t)mt;
		} else if (can_steal) {
			/* claim the block when half of it was free, or always
			 * without grouping by mobility */
			if (m_move_freepages_block(z, pfn, mt) >= PBN / 2 || M.nomob) {
				M.pb[pfn >> PBO] = (uint8_t)mt;
				M.claims++;
			}
		}
		m_del_free(z, pfn);
		m_expand(z, pfn, order, (unsigned)o, mt);
		M.fallbacks++;
		m_event(PZ_TRACE_PAGE_ALLOC_EXTFRAG, pfn, order, mt);
		M.ev[M.nev - 1].fallback_order = (unsigned)o;
		M.ev[M.nev - 1].fallback_mt = (unsigned)fmt;
		M.ev[M.nev - 1].change = M.pb[pfn >> PBO] == mt;
		*out = pfn;
		return 1;
	}
	return 0;
}

/* __rmqueue; *rec_mt is the type the page returns to from a pcp list. */
static int m_rmqueue(struct mzone *z, unsigned order, unsigned mt, uint64_t *out, unsigned *rec_mt)
{
	int ok = m_rmqueue_smallest(z, order, mt, out);

	*rec_mt = mt;
	if (!ok && mt < NPCP) {
		/* MOVABLE takes CMA pages before stealing (__rmqueue_cma_fallback);
		 * the event still names the requested type */
		if (mt == PZ_MT_MOVABLE && M.has_cma) {
			ok = m_rmqueue_smallest(z, order, PZ_MT_CMA, out);
			*rec_mt = ok ? PZ_MT_CMA : mt;
			M.cma_uses += (unsigned long)ok;
		}
		if (!ok)
			ok = m_rmqueue_fallback(z, order, mt, out);
		if (!ok && M.prof == PZ_PROFILE_LINUX_4_1) {
			mt = PZ_MT_RESERVE;
			ok = m_rmqueue_smallest(z, order, mt, out);
			*rec_mt = mt;
			M.reserve_uses += (unsigned long)ok;
		}
	}
	/* emitted by every call, a failed one with no page (pfn -1) and, in
	 * 4.1, the RESERVE type it tried last */
	m_event(PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED, ok ? *out : (uint64_t)-1, order, mt);
	return ok;
}

static int zone_index(uint64_t pfn)
{
	return pfn < NPFN ? M.zone_of[pfn] : -1;
}

/* __free_one_page: merge while the buddy heads a free block of the same
 * order in the same zone; then the tail rule of spec 6.4: the page goes to
 * the tail when the buddy of the combined block is free at order + 1 (the
 * kernel's page_is_buddy(higher_page, higher_buddy), whose zone test is
 * made with higher_page, the combined block's first page). */
static void m_free_one(struct mzone *z, uint64_t pfn, unsigned order, unsigned mt)
{
	int zi = zone_index(pfn), tail = 0;

	M.ha_frees += M.ha && mt == PZ_MT_HIGHATOMIC;
	z->nr_free_pages += 1l << order;
	if (mt == PZ_MT_CMA)
		z->nr_free_cma += 1l << order;
	while (order < MAXO - 1) {
		uint64_t buddy = pfn ^ (1ull << order);

		if (zone_index(buddy) != zi || M.head[buddy] != order + 1)
			break;
		m_del_free(z, buddy);
		pfn &= buddy;
		order++;
	}
	if (order < MAXO - 2) {
		uint64_t combined = pfn & ~(1ull << order);
		uint64_t higher_buddy = combined ^ (2ull << order);

		tail = zone_index(combined) >= 0 &&
		       zone_index(higher_buddy) == zone_index(combined) &&
		       M.head[higher_buddy] == order + 2;
	}
	M.tail_adds += (unsigned long)tail;
	m_add_free(z, pfn, order, mt, tail);
}

/* The pcp level of an order, or -1 when blocks of that order bypass the
 * per-CPU lists (4.x: every order but 0; 5.14: orders above 3 other than
 * the pageblock order). */
static int m_pcp_level(unsigned order)
{
	if (order == 0)
		return 0;
	if (!M.hi)
		return -1;
	if (order <= 3)
		return (int)order;
	return order == PBO ? NLEV - 1 : -1;
}

static unsigned m_level_order(unsigned level)
{
	return level < NLEV - 1 ? level : PBO;
}

/*
 * free_pcppages_bulk(count pages): round robin over the lists in the
 * kernel's order - index level * 3 + the type's place in the profile's
 * enum, 3 lists in 4.x and 15 with high-order lists - starting after index
 * 0, coldest (tail) block first. batch_free grows by one per list visited
 * and is kept across lists; when it reaches the number of lists only one
 * list is non-empty and it is emptied. A block counts 2^order pages, so
 * the last one may overshoot count. Returns the pages freed.
 */
static int m_free_pcppages_bulk(struct mzone *z, int count, bool at_high)
{
	static const unsigned enum41[NPCP] = {PZ_MT_UNMOVABLE, PZ_MT_RECLAIMABLE, PZ_MT_MOVABLE};
	static const unsigned enum44[NPCP] = {PZ_MT_UNMOVABLE, PZ_MT_MOVABLE, PZ_MT_RECLAIMABLE};
	const unsigned *order = M.prof == PZ_PROFILE_LINUX_4_1 ? enum41 : enum44;
	const unsigned nlists = M.hi ? NLEV * NPCP : NPCP;
	unsigned idx = 0;
	int batch_free = 0, to_free = count, freed = 0;
	bool high_order = false, pb_last = false;

	assert_true(count <= z->pcp_count);
	M.drains_bulk++;
	while (to_free > 0) {
		struct mlist *l;
		unsigned o;

		do {
			batch_free++;
			if (++idx == nlists)
				idx = 0;
			l = &z->pcp[idx / NPCP][order[idx % NPCP]];
		} while (!l->n);
		if ((unsigned)batch_free == nlists)
			batch_free = to_free;
		o = m_level_order(idx / NPCP);
		do {
			uint64_t pfn = l->v[l->n - 1];

			l_remove_at(l, l->n - 1);
			m_free_one(z, pfn, o, M.pcp_mt[pfn]);
			m_event(PZ_TRACE_PAGE_PCPU_DRAIN, pfn, o, M.pcp_mt[pfn]);
			to_free -= 1 << o;
			freed += 1 << o;
			high_order |= o > 0;
			pb_last = o == PBO;
		} while (to_free > 0 && --batch_free && l->n);
	}
	if (at_high) {
		M.hi_flushes += high_order;
		M.pb_overshoots += pb_last && to_free < 0;
	} else {
		M.hi_drains += high_order;
	}
	return freed;
}

/* rmqueue_bulk of `count` blocks into an empty list: hot keeps the order
 * they were pulled in from the head, cold puts each before the previous
 * one (so the tail hands them out in pull order). */
static int m_refill(struct mzone *z, unsigned order, unsigned mt, int cold, int count)
{
	struct mlist *l = &z->pcp[m_pcp_level(order)][mt];
	size_t prev = 0;
	int i;

	for (i = 0; i < count; i++) {
		uint64_t pfn;
		unsigned rec;

		if (!m_rmqueue(z, order, mt, &pfn, &rec))
			break;
		M.pcp_mt[pfn] = (uint8_t)rec;
		M.pcp_freed[pfn] = 0;
		if (rec == PZ_MT_CMA)
			z->nr_free_cma -= 1l << order;
		if (!cold) {
			size_t at = i ? prev + 1 : 0;

			l_insert(l, at, pfn);
			prev = at;
		} else {
			size_t at = i ? prev : l->n;

			l_insert(l, at, pfn);
			prev = at;
		}
	}
	z->nr_free_pages -= (long)i << order;
	M.hi_refills += order > 0 && i > 0;
	return i;
}

static int m_buffered_rmqueue(struct mzone *z, unsigned order, unsigned mt, unsigned flags,
			      int cold, uint64_t *out)
{
	unsigned rec;
	int lvl = m_pcp_level(order), from_pcp = lvl >= 0;

	if (lvl >= 0) {
		struct mlist *l = &z->pcp[lvl][mt];

		if (!l->n) {
			/* 5.14: batch blocks for order 0; above, batch >> order
			 * but at least 2 - unless batch is 1 (a pcp that must
			 * not hold pages), which stays 1 */
			int count = z->pcp_batch;

			if (order && count > 1)
				count = count >> order > 2 ? count >> order : 2;
			z->pcp_count += m_refill(z, order, mt, cold, count) << order;
			/* an empty refill falls back to the buddy lists for an
			 * atomic high-order request (the reserve first), as
			 * kernels after 5.14 do */
			if (!l->n && !(order && (flags & PZ_ALLOC_HARDER) && M.ha))
				return 0;
			from_pcp = l->n > 0;
		}
	}
	if (lvl >= 0 && from_pcp) {
		struct mlist *l = &z->pcp[lvl][mt];

		*out = cold ? l->v[l->n - 1] : l->v[0];
		l_remove_at(l, cold ? l->n - 1 : 0);
		z->pcp_count -= 1 << order;
		M.hi_reuses += order > 0 && M.pcp_freed[*out];
		M.ha_pcp_reuses += M.ha && M.pcp_mt[*out] == PZ_MT_HIGHATOMIC;
	} else {
		/* 4.4: ALLOC_HARDER tries the HIGHATOMIC lists first (traced
		 * zone_locked, with the request's type, only when it finds a
		 * block); an order with a per-CPU list gets here only when
		 * its refill found nothing and the request is atomic */
		int ok = 0;

		if (M.ha && (flags & PZ_ALLOC_HARDER)) {
			ok = m_rmqueue_smallest(z, order, PZ_MT_HIGHATOMIC, out);
			if (ok) {
				rec = PZ_MT_HIGHATOMIC;
				M.ha_uses++;
				m_event(PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED, *out, order, mt);
			}
		}
		if (!ok && !m_rmqueue(z, order, mt, out, &rec))
			return 0;
		z->nr_free_pages -= 1l << order;
		if (rec == PZ_MT_CMA)
			z->nr_free_cma -= 1l << order;
	}
	if (M.prof == PZ_PROFILE_LINUX_4_1) {
		m_batch_mod(z, -(1l << order));
		if (z->alloc_batch <= 0)
			z->depleted = 1;
	}
	z->pgalloc += 1ull << order;
	return 1;
}

static bool m_watermark_ok(const struct mzone *z, unsigned order, long mark, unsigned classzone,
			   unsigned flags)
{
	long min = mark, free = z->nr_free_pages - ((1l << order) - 1);
	long free_cma = flags & PZ_ALLOC_CMA ? 0 : z->nr_free_cma;

	if (flags & PZ_ALLOC_HIGH)
		min -= min / 2;
	if (flags & PZ_ALLOC_HARDER)
		min -= min / 4;
	else if (M.ha)
		free -= z->nr_reserved_ha; /* 4.4 step 3: only HARDER may use them */
	if (free - free_cma <= min + z->lowmem_reserve[classzone])
		return false;
	if (M.prof == PZ_PROFILE_LINUX_4_1) {
		/* (CMA pages are not discounted again below) */
		/* 4.1: each lower order's pages leave, the requirement halves */
		for (unsigned o = 0; o < order; o++) {
			free -= (long)nr_free(z, o) << o;
			min >>= 1;
			if (free <= min)
				return false;
		}
		return true;
	}
	/* 4.4: one free block of at least this order on a usable list */
	if (!order)
		return true;
	for (unsigned o = order; o < MAXO; o++) {
		if (!nr_free(z, o))
			continue;
		if (flags & PZ_ALLOC_HARDER)
			return true;
		for (unsigned mt = 0; mt < NPCP; mt++)
			if (z->fl[o][mt].n)
				return true;
		if ((flags & PZ_ALLOC_CMA) && z->fl[o][PZ_MT_CMA].n)
			return true;
	}
	return false;
}

static unsigned m_gfp_mt(pz_gfp_t g)
{
	if (M.nomob)
		return PZ_MT_UNMOVABLE;
	if (g & PZ_GFP_MOVABLE)
		return PZ_MT_MOVABLE;
	return (g & PZ_GFP_RECLAIMABLE) ? PZ_MT_RECLAIMABLE : PZ_MT_UNMOVABLE;
}

static bool m_has_type(enum pz_zone_type t)
{
	for (unsigned i = 0; i < M.nz; i++)
		if (M.z[i].type == t)
			return true;
	return false;
}

/* gfp_zone for the masks this test uses. */
static unsigned m_gfp_zone(pz_gfp_t g)
{
	unsigned bits = g & PZ_GFP_ZONEMASK;

	if (bits == (PZ_GFP_MOVABLE | PZ_GFP_HIGHMEM))
		return PZ_ZONE_MOVABLE;
	if (bits & PZ_GFP_DMA32)
		return m_has_type(PZ_ZONE_DMA32) ? PZ_ZONE_DMA32 : PZ_ZONE_NORMAL;
	return PZ_ZONE_NORMAL;
}

static bool m_atomic(pz_gfp_t g)
{
	if (M.prof == PZ_PROFILE_LINUX_4_1) /* !(__GFP_WAIT | __GFP_NO_KSWAPD) */
		return !(g & PZ_GFP_DIRECT_RECLAIM) && (g & PZ_GFP_KSWAPD_RECLAIM);
	return (g & PZ_GFP_ATOMIC) != 0;
}

/* reserve_highatomic_pageblock (spec 5.7) after a successful ALLOC_HARDER
 * allocation of order > 0 at pfn: below 1% of the zone plus one block,
 * label pfn's pageblock HIGHATOMIC unless it is HIGHATOMIC, ISOLATE or CMA
 * already, and move its free blocks to the HIGHATOMIC lists. */
static void m_reserve_highatomic(struct mzone *z, uint64_t pfn)
{
	long max = (long)(z->managed / 100) + (long)PBN;
	unsigned mt = M.pb[pfn >> PBO];

	M.ha_full += z->nr_reserved_ha >= max;
	if (z->nr_reserved_ha >= max)
		return;
	M.ha_already += mt == PZ_MT_HIGHATOMIC;
	M.ha_cma += mt == PZ_MT_CMA;
	if (mt == PZ_MT_HIGHATOMIC || mt == PZ_MT_ISOLATE || mt == PZ_MT_CMA)
		return;
	z->nr_reserved_ha += (long)PBN;
	M.pb[pfn >> PBO] = PZ_MT_HIGHATOMIC;
	m_move_freepages_block(z, pfn, PZ_MT_HIGHATOMIC);
	M.ha_reserves++;
}

/* get_page_from_freelist over the one node's zonelist (high types first). */
static int m_get_page(unsigned order, unsigned mt, unsigned high, unsigned classzone,
		      unsigned flags, int cold, uint64_t *out, int *zone_out)
{
	for (;;) {
		unsigned skipped = 0;

		for (unsigned i = 0; i < M.nz; i++) {
			struct mzone *z = &M.z[i];

			if (z->type > high)
				continue;
			if ((flags & ALLOC_FAIR) && z->depleted) {
				skipped++;
				continue;
			}
			if (!(flags & PZ_ALLOC_NO_WATERMARKS) &&
			    !m_watermark_ok(z, order, z->wmark[flags & 3], classzone, flags))
				continue;
			if (m_buffered_rmqueue(z, order, mt, flags, cold, out)) {
				if (M.ha && order && (flags & PZ_ALLOC_HARDER))
					m_reserve_highatomic(z, *out);
				*zone_out = (int)i;
				return 1;
			}
		}
		if (!(flags & ALLOC_FAIR))
			return 0;
		flags &= ~ALLOC_FAIR;
		if (!skipped)
			return 0;
		/* reset_alloc_batches: zones of the node up to the preferred one */
		for (unsigned i = 0; i < M.nz; i++)
			if (M.z[i].type <= classzone) {
				m_batch_mod(&M.z[i],
					    M.z[i].wmark[2] - M.z[i].wmark[1] - M.z[i].alloc_batch);
				M.z[i].depleted = 0;
			}
	}
}

/* __alloc_pages_nodemask: fast path (LOW, fair), then the slow path's MIN
 * attempt with gfp_to_alloc_flags; nothing blocks in this machine. */
static int m_alloc(pz_gfp_t gfp, unsigned order, uint64_t *out)
{
	unsigned mt = m_gfp_mt(gfp), high = m_gfp_zone(gfp), classzone = 0, flags, cma;
	int cold = (gfp & PZ_GFP_COLD) != 0, zi, pref = -1;

	for (unsigned i = 0; i < M.nz && pref < 0; i++)
		if (M.z[i].type <= high)
			pref = (int)i;
	assert_true(pref >= 0);
	classzone = M.z[pref].type;
	cma = M.has_cma && mt == PZ_MT_MOVABLE ? PZ_ALLOC_CMA : 0;
	flags = PZ_ALLOC_WMARK_LOW | cma | (M.prof == PZ_PROFILE_LINUX_4_1 ? ALLOC_FAIR : 0);
	if (m_get_page(order, mt, high, classzone, flags, cold, out, &zi))
		return 1;
	flags = PZ_ALLOC_WMARK_MIN | cma | (gfp & PZ_GFP_HIGH ? PZ_ALLOC_HIGH : 0);
	if (m_atomic(gfp) && !(gfp & PZ_GFP_NOMEMALLOC))
		flags |= PZ_ALLOC_HARDER;
	M.ha_atomic_slow += M.ha && order && (flags & PZ_ALLOC_HARDER);
	if (m_get_page(order, mt, high, classzone, flags, cold, out, &zi))
		return 1;
	/* __GFP_MEMALLOC: __alloc_pages_high_priority, no watermark at all */
	if ((gfp & PZ_GFP_MEMALLOC) && !(gfp & PZ_GFP_NOMEMALLOC) &&
	    m_get_page(order, mt, high, classzone, PZ_ALLOC_NO_WATERMARKS, cold, out, &zi))
		return 1;
	M.refusals++;
	return 0;
}

/* __free_pages: orders with a pcp list through it (4.x: order 0), other
 * blocks to the buddy lists. At high, batch pages' worth go back (the
 * pcp count if smaller). */
static void m_free(uint64_t pfn, unsigned order, int cold)
{
	struct mzone *z = &M.z[zone_index(pfn)];
	unsigned mt = M.pb[pfn >> PBO];
	int level = m_pcp_level(order);

	z->pgfree += 1ull << order;
	if (level < 0) {
		m_free_one(z, pfn, order, mt);
		return;
	}
	M.pcp_mt[pfn] = (uint8_t)mt;
	M.pcp_freed[pfn] = 1;
	M.ha_pcp_frees += M.ha && mt == PZ_MT_HIGHATOMIC;
	/* RESERVE, HIGHATOMIC and CMA pages wait on the MOVABLE list, keeping
	 * their type for the flush or drain (spec 5.7, 6.2) */
	if (mt >= NPCP)
		mt = PZ_MT_MOVABLE;
	if (cold)
		l_push_tail(&z->pcp[level][mt], pfn);
	else
		l_push_head(&z->pcp[level][mt], pfn);
	z->pcp_count += 1 << order;
	if (z->pcp_count >= z->pcp_high) {
		int n = z->pcp_batch < z->pcp_count ? z->pcp_batch : z->pcp_count;

		z->pcp_count -= m_free_pcppages_bulk(z, n, true);
	}
}

/* drain_pages: for_each_populated_zone, lowest zone first (M.z is in
 * zonelist order, highest first). */
static void m_drain_all(void)
{
	for (unsigned i = M.nz; i-- > 0;)
		if (M.z[i].pcp_count) {
			assert_int_equal(m_free_pcppages_bulk(&M.z[i], M.z[i].pcp_count, false),
					 M.z[i].pcp_count);
			M.z[i].pcp_count = 0;
		}
}

static void m_reset(void)
{
	for (unsigned i = 0; i < MAXZ; i++) {
		for (unsigned o = 0; o < MAXO; o++)
			for (unsigned mt = 0; mt < NMT; mt++)
				free(M.z[i].fl[o][mt].v);
		for (unsigned l = 0; l < NLEV; l++)
			for (unsigned mt = 0; mt < NPCP; mt++)
				free(M.z[i].pcp[l][mt].v);
	}
	memset(&M, 0, sizeof(M));
	memset(M.zone_of, -1, sizeof(M.zone_of));
}

/* ---- machines and the model's own watermark arithmetic ---------------- */

struct zspec {
	enum pz_zone_type type;
	uint64_t start, end;
	uint64_t hole_s, hole_e; /* a hole inside the span (0, 0: none) */
	uint64_t resv_s, resv_e; /* reserved pfns (0, 0: none) */
	uint64_t cma_s, cma_e;	 /* a CMA area (0, 0: none) */
};

struct machine {
	const char *name;
	unsigned nz;
	struct zspec z[MAXZ]; /* ascending pfn / type order */
};

/* One Normal zone of 16384 pages with a hole and a reserved range. */
static const struct machine one_zone = {
	"one zone",
	1,
	{{PZ_ZONE_NORMAL, 16384, 32768, 20000, 20010, 30000, 30005, 0, 0}},
};
/* The same zone with a CMA area of two max-order blocks. */
static const struct machine cma_zone = {
	"CMA zone",
	1,
	{{PZ_ZONE_NORMAL, 16384, 32768, 20000, 20010, 30000, 30005, 26624, 28672}},
};
/* DMA32 + Normal whose boundary is not pageblock aligned (10496 = 20.5
 * blocks), so merging and the tail rule meet a zone edge inside a block. */
static const struct machine two_zones = {
	"two zones",
	2,
	{{PZ_ZONE_DMA32, 4096, 10496, 0, 0, 0, 0, 0, 0},
	 {PZ_ZONE_NORMAL, 10496, 20736, 12000, 12003, 0, 0, 0, 0}},
};

static uint64_t isqrt_u64(uint64_t x)
{
	uint64_t r = 0;

	while ((r + 1) * (r + 1) <= x)
		r++;
	return r;
}

static uint64_t rounddown_pow2(uint64_t x)
{
	uint64_t r = 1;

	while (r * 2 <= x)
		r *= 2;
	return r;
}

/* zone_batchsize (spec 5.4): a quarter of a thousandth of the zone,
 * rounded to 2^n - 1 (0 for a small zone). */
static int m_zone_batchsize(const struct mzone *z)
{
	uint64_t batch = z->managed / 1024;

	batch = batch > 128 ? 128 : batch;
	batch /= 4;
	batch = batch < 1 ? 1 : batch;
	return (int)(rounddown_pow2(batch + batch / 2) - 1);
}

/* pcp->batch and pcp->high of every zone for the fraction in force. */
static void m_pcp_sizes(void)
{
	for (unsigned i = 0; i < M.nz; i++) {
		struct mzone *z = &M.z[i];
		int batch = m_zone_batchsize(z);

		if (M.hi) {
			/* 5.14: zone_batchsize (at least 1) whatever the fraction;
			 * high = the low watermark - or managed / fraction - over
			 * the node's CPUs (one here), at least 4 * batch */
			uint64_t total =
				M.fraction ? z->managed / M.fraction : (uint64_t)z->wmark[1];

			z->pcp_batch = batch < 1 ? 1 : batch;
			z->pcp_high = (int)total > 4 * z->pcp_batch ? (int)total : 4 * z->pcp_batch;
		} else if (M.fraction) {
			/* 4.x: high = managed / fraction, batch a quarter of it, at
			 * most PAGE_SHIFT * 8 */
			z->pcp_high = (int)(z->managed / M.fraction);
			batch = z->pcp_high / 4 > 96 ? 96 : z->pcp_high / 4;
			z->pcp_batch = batch < 1 ? 1 : batch;
		} else {
			z->pcp_high = 6 * batch;
			z->pcp_batch = batch < 1 ? 1 : batch;
		}
	}
}

/* __setup_per_zone_wmarks for min_free_kbytes kb (spec 4.2): the lowmem
 * zones share kb / 4 pages by size; LOW and HIGH a quarter and a half of
 * the share above MIN. 5.14's pcp->high follows LOW. */
static void m_wmarks(uint64_t kb)
{
	uint64_t lowmem = 0, pages_min = kb >> 2;

	M.min_free_kbytes = kb;
	for (unsigned i = 0; i < M.nz; i++)
		lowmem += M.z[i].managed;
	for (unsigned i = 0; i < M.nz; i++) {
		struct mzone *z = &M.z[i];
		uint64_t tmp = pages_min * z->managed / lowmem;

		z->wmark[0] = (long)tmp;
		z->wmark[1] = (long)(tmp + tmp / 4);
		z->wmark[2] = (long)(tmp + tmp / 2);
		z->alloc_batch = z->wmark[2] - z->wmark[1];
	}
	if (M.hi)
		m_pcp_sizes();
}

/* Spec 4.1-4.3 and 5.4, from the managed page counts. */
static void m_setup_zones(const struct machine *mc, unsigned fraction)
{
	uint64_t lowmem = 0, kb;
	unsigned ratio[] = {256, 256, 32, 32};

	M.nz = mc->nz;
	for (unsigned i = 0; i < mc->nz; i++) {
		const struct zspec *s = &mc->z[i];
		struct mzone *z = &M.z[mc->nz - 1 - i]; /* zonelist order: high first */

		z->type = s->type;
		z->start = s->start;
		z->end = s->end;
		z->managed =
			(s->end - s->start) - (s->hole_e - s->hole_s) - (s->resv_e - s->resv_s);
		/* calculate_normal_threshold: 2 * fls(CPUs = 1) * (1 + fls(the
		 * managed size in 128 MiB units)), at most 125 */
		z->batch_thresh = 2 * (1 + fls_u64(z->managed >> 15));
		if (z->batch_thresh > 125)
			z->batch_thresh = 125;
		lowmem += z->managed;
		M.has_cma |= s->cma_e != 0;
		for (uint64_t p = s->start; p < s->end; p++)
			M.zone_of[p] = (int8_t)(mc->nz - 1 - i);
	}
	kb = lowmem * 4; /* 4 KiB pages; watermarks are 0 at the first computation */
	kb = isqrt_u64(kb * 16);
	kb = kb < 128 ? 128 : kb > 65536 ? 65536 : kb;
	M.fraction = fraction;
	M.min_free_kbytes0 = kb;
	m_wmarks(kb);
	m_pcp_sizes();
	/* lowmem_reserve[j] of a lower zone: the managed pages of the zones
	 * from it (exclusive) up to j over its ratio, for j up to MOVABLE */
	for (unsigned i = 0; i < M.nz; i++) {
		struct mzone *z = &M.z[i];

		for (unsigned j = z->type + 1; j < PZ_NR_ZONE_TYPES; j++) {
			uint64_t sum = 0;

			for (unsigned k = 0; k < M.nz; k++)
				if (M.z[k].type > z->type && M.z[k].type <= j)
					sum += M.z[k].managed;
			z->lowmem_reserve[j] = (long)(sum / ratio[z->type]);
		}
	}
}

/* ---- the harness ------------------------------------------------------ */

struct rec {
	pz_page_t *page;
	uint64_t pfn;
	unsigned order;
};

struct run {
	const char *name;
	enum pz_profile prof;
	const struct machine *mc;
	int trace;
	unsigned fraction; /* percpu_pagelist_fraction; 0 = zone_batchsize */
	unsigned long nops;
	int nomob;	   /* mobility_grouping_disabled */
	unsigned feat_set; /* features_set (PZ_FEAT_PCP_HIGH_ORDER on linux-4.1) */
};

static struct tu_machine tm;
static struct pz_platform plat;
static struct rec *recs;
static size_t nrec;
static uint64_t seed0, rng;
static unsigned long opno;
static char opdesc[160];
static uint64_t *buf;
static struct pz_trace_event *evbuf;
static const struct run *cur;

#define BUFN 65536

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			char m_[1024];                                                             \
			snprintf(m_, sizeof(m_), __VA_ARGS__);                                     \
			fail_msg("[%s] seed=0x%" PRIx64 " op=%lu (%s): %s", cur->name, seed0,      \
				 opno, opdesc, m_);                                                \
		}                                                                                  \
	} while (0)

static uint64_t rnd(uint64_t n)
{
	return tu_rand(&rng) % n;
}

static pz_t *create(const struct run *r)
{
	const struct machine *mc = r->mc;
	struct pz_config cfg;

	tu_machine_init(&tm, 1, 1);
	for (unsigned i = 0; i < mc->nz; i++) {
		const struct zspec *s = &mc->z[i];
		struct pz_zone_desc *z = tu_add_zone(&tm, 0, s->type, s->start, s->end);

		if (s->hole_e) {
			tu_zone_present(&tm, 0, z, s->start, s->hole_s);
			tu_zone_present(&tm, 0, z, s->hole_e, s->end);
		}
		if (s->resv_e)
			tu_zone_reserved(&tm, 0, z, s->resv_s, s->resv_e);
		if (s->cma_e)
			tu_zone_cma(&tm, 0, z, s->cma_s, s->cma_e);
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &tm.m;
	cfg.profile = r->prof;
	cfg.features_set = r->feat_set;
	cfg.percpu_pagelist_fraction = r->fraction;
	cfg.mobility_grouping_disabled = (unsigned)r->nomob;
	plat = tu_platform(r->trace);
	cfg.platform = &plat;
	tu_cpu = 0;
	pz_t *pz = tu_create(&cfg);
	assert_non_null(pz);
	return pz;
}

/* The model for run r: profile, switches, the zones' sizes. The modern
 * profile has high-order pcp lists by default. */
static void m_begin(const struct run *r)
{
	M.prof = r->prof;
	M.nomob = r->nomob != 0;
	M.hi = r->prof == PZ_PROFILE_MODERN || (r->feat_set & PZ_FEAT_PCP_HIGH_ORDER);
	M.ha = r->prof == PZ_PROFILE_MODERN;
	m_setup_zones(r->mc, r->fraction);
}

static const char *mtname(unsigned mt)
{
	return pz_migratetype_name(cur->prof, (enum pz_migratetype)mt);
}

static void compare_list(const char *what, const struct mzone *z, unsigned order, unsigned mt,
			 const struct mlist *want, int64_t got_n)
{
	size_t n = (size_t)got_n < want->n ? (size_t)got_n : want->n;

	CHECK(got_n >= 0 && got_n <= BUFN, "%s list read failed: %" PRId64, what, got_n);
	for (size_t i = 0; i < n; i++)
		CHECK(buf[i] == want->v[i],
		      "%s list of zone %s order %u type %s differs at position %zu (of %zu "
		      "expected, %" PRId64 " found): expected pfn %" PRIu64 ", got pfn %" PRIu64,
		      what, pz_zone_type_name(z->type), order, mtname(mt), i, want->n, got_n,
		      want->v[i], buf[i]);
	CHECK((size_t)got_n == want->n,
	      "%s list of zone %s order %u type %s: %zu entries expected, %" PRId64
	      " found; first extra: %s pfn %" PRIu64,
	      what, pz_zone_type_name(z->type), order, mtname(mt), want->n, got_n,
	      (size_t)got_n > want->n ? "got" : "expected",
	      (size_t)got_n > want->n ? buf[n] : want->v[n]);
}

static void compare_events(void)
{
	size_t k = 0;

	if (!cur->trace)
		return;
	for (size_t i = 0; i < tu_trace.n; i++) {
		const struct pz_trace_event *e = &evbuf[i];
		const struct mev *w;

		if (e->kind != PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED &&
		    e->kind != PZ_TRACE_PAGE_PCPU_DRAIN && e->kind != PZ_TRACE_PAGE_ALLOC_EXTFRAG)
			continue;
		CHECK(k < M.nev, "unexpected trace event %d pfn %" PRId64 " (only %zu expected)",
		      (int)e->kind, e->pfn, M.nev);
		w = &M.ev[k++];
		CHECK(e->kind == w->kind && (uint64_t)e->pfn == w->pfn && e->order == w->order,
		      "trace event %zu: expected kind %d pfn %" PRIu64 " order %u, got kind %d pfn "
		      "%" PRId64 " order %u",
		      k - 1, (int)w->kind, w->pfn, w->order, (int)e->kind, e->pfn, e->order);
		if (e->kind == PZ_TRACE_PAGE_ALLOC_EXTFRAG)
			CHECK(e->alloc_migratetype == w->mt &&
				      e->fallback_order == w->fallback_order &&
				      e->fallback_migratetype == w->fallback_mt &&
				      e->change_ownership == (int)w->change &&
				      e->fragmenting == (w->fallback_order < PBO),
			      "extfrag event at pfn %" PRIu64 ": expected %s from %s order %u "
			      "change %u, got %s from %s order %u change %d",
			      w->pfn, mtname(w->mt), mtname(w->fallback_mt), w->fallback_order,
			      w->change, mtname(e->alloc_migratetype),
			      mtname(e->fallback_migratetype), e->fallback_order,
			      e->change_ownership);
		else
			CHECK(e->migratetype == w->mt, "event at pfn %" PRIu64 ": type %s, got %s",
			      w->pfn, mtname(w->mt), mtname(e->migratetype));
	}
	CHECK(k == M.nev, "%zu trace events expected, %zu seen", M.nev, k);
}

static void compare(pz_t *pz, const uint64_t pg0[MAXZ][2])
{
	for (unsigned i = 0; i < M.nz; i++) {
		const struct mzone *z = &M.z[i];
		struct pz_zone_info zi;

		for (unsigned o = 0; o < MAXO; o++)
			for (unsigned mt = 0; mt < NMT; mt++)
				compare_list("free", z, o, mt, &z->fl[o][mt],
					     pz_free_list_pfns(pz, 0, z->type, o,
							       (enum pz_migratetype)mt, buf, BUFN));
		for (unsigned l = 0; l < (M.hi ? NLEV : 1u); l++)
			for (unsigned mt = 0; mt < NPCP; mt++)
				compare_list("pcp", z, m_level_order(l), mt, &z->pcp[l][mt],
					     pz_pcp_list_pfns(pz, 0, z->type, 0, m_level_order(l),
							      (enum pz_migratetype)mt, buf, BUFN));
		for (uint64_t b = z->start >> PBO; b << PBO < z->end; b++) {
			int got = pz_pageblock_migratetype(pz, b << PBO);

			CHECK(got == M.pb[b], "pageblock at pfn %" PRIu64 ": expected %s, got %s",
			      b << PBO, mtname(M.pb[b]), got < 0 ? "error" : mtname((unsigned)got));
		}
		assert_int_equal(pz_zone_info(pz, 0, z->type, &zi), 0);
		CHECK(zi.wmark_min == (uint64_t)z->wmark[0] &&
			      zi.wmark_low == (uint64_t)z->wmark[1] &&
			      zi.wmark_high == (uint64_t)z->wmark[2] &&
			      zi.pcp_high == (unsigned)z->pcp_high &&
			      zi.pcp_batch == (unsigned)z->pcp_batch,
		      "zone %s watermarks %" PRIu64 "/%" PRIu64 "/%" PRIu64
		      ", pcp high %u batch %u; "
		      "expected %ld/%ld/%ld, %d, %d",
		      pz_zone_type_name(z->type), zi.wmark_min, zi.wmark_low, zi.wmark_high,
		      zi.pcp_high, zi.pcp_batch, z->wmark[0], z->wmark[1], z->wmark[2], z->pcp_high,
		      z->pcp_batch);
		CHECK(zi.stat[PZ_NR_FREE_PAGES] == z->nr_free_pages,
		      "zone %s NR_FREE_PAGES: expected %ld, got %" PRId64,
		      pz_zone_type_name(z->type), z->nr_free_pages, zi.stat[PZ_NR_FREE_PAGES]);
		CHECK(zi.stat[PZ_NR_FREE_CMA_PAGES] == z->nr_free_cma,
		      "zone %s NR_FREE_CMA_PAGES: expected %ld, got %" PRId64,
		      pz_zone_type_name(z->type), z->nr_free_cma, zi.stat[PZ_NR_FREE_CMA_PAGES]);
		CHECK(zi.nr_reserved_highatomic == (uint64_t)z->nr_reserved_ha,
		      "zone %s nr_reserved_highatomic: expected %ld, got %" PRIu64,
		      pz_zone_type_name(z->type), z->nr_reserved_ha, zi.nr_reserved_highatomic);
		CHECK(zi.pcp_pages == (uint64_t)z->pcp_count, "zone %s pcp count %d, got %" PRIu64,
		      pz_zone_type_name(z->type), z->pcp_count, zi.pcp_pages);
		if (M.prof == PZ_PROFILE_LINUX_4_1)
			CHECK(zi.stat[PZ_NR_ALLOC_BATCH] == z->alloc_batch + z->batch_diff,
			      "zone %s NR_ALLOC_BATCH (zone-wide + CPU delta): expected %ld, "
			      "got %" PRId64,
			      pz_zone_type_name(z->type), z->alloc_batch + z->batch_diff,
			      zi.stat[PZ_NR_ALLOC_BATCH]);
		CHECK((uint64_t)zi.stat[PZ_PGALLOC] - pg0[i][0] == z->pgalloc &&
			      (uint64_t)zi.stat[PZ_PGFREE] - pg0[i][1] == z->pgfree,
		      "zone %s pgalloc/pgfree: expected %" PRIu64 "/%" PRIu64 ", got %" PRIu64
		      "/%" PRIu64,
		      pz_zone_type_name(z->type), z->pgalloc, z->pgfree,
		      (uint64_t)zi.stat[PZ_PGALLOC] - pg0[i][0],
		      (uint64_t)zi.stat[PZ_PGFREE] - pg0[i][1]);
	}
	compare_events();
}

/* The model's inputs, checked against the library, then its boot state
 * read from it: the free lists and the pageblock labels. */
static bool managed_pfn(const struct zspec *s, uint64_t pfn)
{
	return pfn >= s->start && pfn < s->end && !(pfn >= s->hole_s && pfn < s->hole_e) &&
	       !(pfn >= s->resv_s && pfn < s->resv_e);
}

/*
 * Boot, for zones whose edges are max-order aligned: every pageblock
 * MOVABLE (CMA areas CMA), then the managed memory freed in ascending
 * order in maximal aligned blocks as free_all_bootmem does (each merging
 * and placed by the tail rule), then, in 4.1, setup_zone_migrate_reserve
 * (spec 2.1, 4.2, 5.8): from the first whole pageblock, skip blocks with
 * reserved pages or holes, convert MOVABLE blocks to RESERVE (moving their
 * free pages) until min(2, MIN watermark in blocks) are reserved.
 */
static void m_boot(const struct machine *mc)
{
	for (unsigned i = 0; i < mc->nz; i++) {
		const struct zspec *s = &mc->z[i];
		struct mzone *z = &M.z[zone_index(s->start)];
		uint64_t pfn;
		long reserve;

		for (pfn = s->start; pfn < s->end; pfn += PBN)
			M.pb[pfn >> PBO] =
				pfn >= s->cma_s && pfn < s->cma_e ? PZ_MT_CMA : PZ_MT_MOVABLE;
		for (pfn = s->start; pfn < s->end;) {
			uint64_t end = pfn;
			unsigned order;

			if (!managed_pfn(s, pfn)) {
				pfn++;
				continue;
			}
			while (end < s->end && managed_pfn(s, end))
				end++;
			while (pfn < end) {
				order = pfn ? (unsigned)__builtin_ctzll(pfn) : MAXO - 1;
				order = order > MAXO - 1 ? MAXO - 1 : order;
				while (pfn + (1ull << order) > end)
					order--;
				m_free_one(z, pfn, order, M.pb[pfn >> PBO]);
				pfn += 1ull << order;
			}
		}
		if (M.prof != PZ_PROFILE_LINUX_4_1)
			continue;
		reserve = (z->wmark[0] + PBN - 1) / PBN;
		reserve = reserve < 2 ? reserve : 2;
		for (pfn = (s->start + PBN - 1) & ~(uint64_t)(PBN - 1); pfn < s->end && reserve;
		     pfn += PBN) {
			uint64_t bend = pfn + PBN < s->end ? pfn + PBN : s->end;
			bool has_reserved = false;

			for (uint64_t q = pfn; q < bend; q++)
				has_reserved |= !managed_pfn(s, q);
			if (has_reserved)
				continue;
			if (M.pb[pfn >> PBO] == PZ_MT_MOVABLE) {
				M.pb[pfn >> PBO] = PZ_MT_RESERVE;
				m_move_freepages_block(z, pfn, PZ_MT_RESERVE);
				reserve--;
			}
		}
	}
	for (unsigned i = 0; i < M.nz; i++)
		M.z[i].nr_free_cma = 0;
	for (unsigned i = 0; i < M.nz; i++)
		for (unsigned o = 0; o < MAXO; o++)
			M.z[i].nr_free_cma += (long)M.z[i].fl[o][PZ_MT_CMA].n << o;
}

static bool aligned_zones(const struct machine *mc)
{
	for (unsigned i = 0; i < mc->nz; i++)
		if ((mc->z[i].start | mc->z[i].end) & ((1u << (MAXO - 1)) - 1))
			return false;
	return true;
}

/*
 * The model's inputs (watermarks, reserves, pcp sizes) checked against the
 * library, then its boot state: predicted by m_boot when the zone edges
 * are max-order aligned (compared right after), else read from the library
 * (the boot free lists and pageblock labels).
 */
static void load_initial(pz_t *pz, uint64_t pg0[MAXZ][2], const struct machine *mc)
{
	unsigned reserve_blocks = 0;
	bool predict = aligned_zones(mc);

	for (uint64_t b = 0; b < NPFN >> PBO; b++) {
		int mt = pz_pageblock_migratetype(pz, b << PBO);

		M.pb[b] = mt < 0 || predict ? 0 : (uint8_t)mt;
	}
	if (predict)
		m_boot(mc);
	for (unsigned i = 0; i < M.nz; i++) {
		struct mzone *z = &M.z[i];
		struct pz_zone_info zi;
		struct pz_pcp_info pi;
		uint64_t want_reserve;

		assert_int_equal(pz_zone_info(pz, 0, z->type, &zi), 0);
		assert_int_equal(zi.managed, z->managed);
		assert_int_equal(zi.wmark_min, z->wmark[0]);
		assert_int_equal(zi.wmark_low, z->wmark[1]);
		assert_int_equal(zi.wmark_high, z->wmark[2]);
		for (unsigned j = 0; j < PZ_NR_ZONE_TYPES; j++)
			assert_int_equal(zi.lowmem_reserve[j], z->lowmem_reserve[j]);
		assert_int_equal(pz_pcp_info(pz, 0, z->type, 0, &pi), 0);
		assert_int_equal(pi.high, z->pcp_high);
		assert_int_equal(pi.batch, z->pcp_batch);
		assert_int_equal(pi.count, 0);
		/* the orders with a per-CPU list, and only those, can be read */
		for (unsigned o = 0; o < MAXO; o++)
			assert_int_equal(
				pz_pcp_list_pfns(pz, 0, z->type, 0, o, PZ_MT_MOVABLE, buf, 1),
				m_pcp_level(o) < 0 ? -PZ_EINVAL : 0);
		pg0[i][0] = (uint64_t)zi.stat[PZ_PGALLOC];
		pg0[i][1] = (uint64_t)zi.stat[PZ_PGFREE];
		for (unsigned o = 0; o < MAXO && !predict; o++)
			for (unsigned mt = 0; mt < NMT; mt++) {
				int64_t n = pz_free_list_pfns(pz, 0, z->type, o,
							      (enum pz_migratetype)mt, buf, BUFN);

				assert_true(n >= 0 && n <= BUFN);
				for (int64_t k = 0; k < n; k++) {
					assert_int_equal(buf[k] % (1ull << o), 0);
					assert_int_equal(zone_index(buf[k]), (int)i);
					m_add_free(z, buf[k], o, mt, 1);
					z->nr_free_pages += 1l << o;
					if (mt == PZ_MT_CMA)
						z->nr_free_cma += 1l << o;
				}
			}
		assert_int_equal(zi.stat[PZ_NR_FREE_PAGES], z->managed);
		assert_int_equal(z->nr_free_pages, z->managed);
		/* spec 5.8: min(2, MIN watermark rounded up to whole blocks) */
		want_reserve = (((uint64_t)z->wmark[0] + PBN - 1) / PBN);
		want_reserve = want_reserve < 2 ? want_reserve : 2;
		reserve_blocks = 0;
		for (uint64_t b = z->start >> PBO; b << PBO < z->end; b++)
			reserve_blocks += M.pb[b] == PZ_MT_RESERVE;
		if (M.prof == PZ_PROFILE_LINUX_4_1)
			assert_int_equal(reserve_blocks, want_reserve);
		else
			assert_int_equal(reserve_blocks, 0);
	}
}

struct gkind {
	pz_gfp_t gfp;
	unsigned weight;
};

static const struct gkind kinds[] = {
	{PZ_GFP_KERNEL, 25},
	{PZ_GFP_HIGHUSER_MOVABLE, 30},
	{PZ_GFP_TEMPORARY, 15},
	{PZ_GFP_ATOMIC_MASK, 8},
	{PZ_GFP_NOWAIT, 6},
	{PZ_GFP_KERNEL | PZ_GFP_DMA32, 8},
	{PZ_GFP_KERNEL | PZ_GFP_MOVABLE | PZ_GFP_DMA32, 8},
	{PZ_GFP_KERNEL | PZ_GFP_MEMALLOC, 2},
	{PZ_GFP_TEMPORARY | PZ_GFP_MEMALLOC, 1},
};

static pz_gfp_t random_gfp(void)
{
	unsigned total = 0, r;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		total += kinds[i].weight;
	r = (unsigned)rnd(total);
	for (size_t i = 0;; i++) {
		if (r < kinds[i].weight)
			return kinds[i].gfp | (rnd(6) == 0 ? PZ_GFP_COLD : 0) | PZ_GFP_NOWARN;
		r -= kinds[i].weight;
	}
}

static unsigned random_order(void)
{
	unsigned r = (unsigned)rnd(100);

	if (M.hi) {
		/* more pcp orders, the pageblock order (whose refill takes two
		 * pageblocks and whose free may overshoot batch) often */
		if (r < 50)
			return 0;
		if (r < 64)
			return 1;
		if (r < 74)
			return 2;
		if (r < 82)
			return 3;
		if (r < 88)
			return PBO;
		return 4 + (unsigned)rnd(MAXO - 4);
	}

	if (r < 55)
		return 0;
	if (r < 70)
		return 1;
	if (r < 80)
		return 2;
	if (r < 86)
		return 3;
	return 4 + (unsigned)rnd(MAXO - 4);
}

/* No zone passes its order-0 LOW check for an ordinary request: the fast
 * path is failing and the slow path's attempts decide. */
static bool m_below_low(void)
{
	for (unsigned i = 0; i < M.nz; i++)
		if (m_watermark_ok(&M.z[i], 0, M.z[i].wmark[1], M.z[0].type, 0))
			return false;
	return true;
}

static void begin_op(void)
{
	M.nev = 0;
	tu_trace_reset();
}

static int do_alloc(pz_t *pz, pz_gfp_t gfp, unsigned order)
{
	uint64_t want = 0;
	int ok;
	pz_page_t *p;

	snprintf(opdesc, sizeof(opdesc), "alloc order %u gfp 0x%x (%s)", order, gfp,
		 mtname(m_gfp_mt(gfp)));
	begin_op();
	ok = m_alloc(gfp, order, &want);
	p = pz_alloc_pages(pz, gfp, order);
	if (!ok) {
		CHECK(!p, "the model refuses; the library returned pfn %" PRIu64,
		      pz_page_to_pfn(pz, p));
		return 0;
	}
	CHECK(p, "the model returns pfn %" PRIu64 "; the library refused", want);
	CHECK(pz_page_to_pfn(pz, p) == want, "expected pfn %" PRIu64 ", got pfn %" PRIu64, want,
	      pz_page_to_pfn(pz, p));
	recs[nrec].page = p;
	recs[nrec].pfn = want;
	recs[nrec].order = order;
	nrec++;
	return 1;
}

static void do_free_at(pz_t *pz, size_t i, int cold)
{
	snprintf(opdesc, sizeof(opdesc), "free%s pfn %" PRIu64 " order %u", cold ? " cold" : "",
		 recs[i].pfn, recs[i].order);
	begin_op();
	m_free(recs[i].pfn, recs[i].order, cold);
	CHECK(pz_free_pages_cold(pz, recs[i].page, recs[i].order, cold) == 0, "free failed");
	recs[i] = recs[--nrec];
}

static void do_free(pz_t *pz)
{
	size_t i = rnd(nrec);

	do_free_at(pz, i, m_pcp_level(recs[i].order) >= 0 && rnd(5) == 0);
}

static void run(const struct run *r)
{
	uint64_t pg0[MAXZ][2], held = 0, managed = 0;
	unsigned long allocs = 0, refused = 0, consecutive_refusals = 0;
	int filling = 1;
	pz_t *pz;

	cur = r;
	seed0 = tu_env_ul("PZ_TEST_SEED", 0) ? (uint64_t)tu_env_ul("PZ_TEST_SEED", 0) : DEF_SEED;
	rng = seed0 ^ ((uint64_t)r->prof << 32) ^ ((uint64_t)r->mc->nz << 40) ^
	      ((uint64_t)r->trace << 48) ^ ((uint64_t)r->nomob << 52) ^ r->fraction ^
	      ((uint64_t)r->feat_set << 56);
	opno = 0;
	snprintf(opdesc, sizeof(opdesc), "init");
	m_reset();
	m_begin(r);
	pz = create(r);
	load_initial(pz, pg0, r->mc);
	for (unsigned i = 0; i < M.nz; i++)
		managed += M.z[i].managed;
	recs = calloc(managed + 1, sizeof(*recs));
	assert_non_null(recs);
	nrec = 0;
	begin_op();
	compare(pz, pg0);
	for (opno = 1; opno <= r->nops; opno++) {
		unsigned x = (unsigned)rnd(1000);

		if (x < (filling ? 700u : 300u) || !nrec) {
			unsigned order = random_order();
			pz_gfp_t gfp = random_gfp();
			int ok;

			/* HIGHATOMIC: under pressure, a third of the requests
			 * are atomic ones of orders 1-3 (per-CPU lists) or 4-8
			 * (the buddy lists, where the reserve is used),
			 * unmovable or (taking CMA pages first) movable */
			if (M.ha && m_below_low() && rnd(3) == 0) {
				gfp = PZ_GFP_ATOMIC_MASK | PZ_GFP_NOWARN |
				      (rnd(2) ? PZ_GFP_MOVABLE : 0);
				order = rnd(2) ? 1 + (unsigned)rnd(3) : 4 + (unsigned)rnd(PBO - 4);
			}
			ok = do_alloc(pz, gfp, order);

			allocs++;
			if (ok) {
				held += 1ull << order;
				consecutive_refusals = 0;
			} else {
				refused++;
				consecutive_refusals++;
			}
		} else if (x < 990) {
			do_free(pz);
		} else if (x < 995) {
			snprintf(opdesc, sizeof(opdesc), "drain_all_pages");
			begin_op();
			m_drain_all();
			pz_drain_all_pages(pz);
		} else if (x < 997 || (x == 997 && r->prof != PZ_PROFILE_MODERN)) {
			snprintf(opdesc, sizeof(opdesc), "drain_local_pages");
			begin_op();
			m_drain_all();
			pz_drain_local_pages(pz);
		} else if (x == 997) {
			/* new watermarks, and with 5.14's lists a new pcp->high
			 * (4.1's MIGRATE_RESERVE re-setup is not modelled) */
			uint64_t kb = M.min_free_kbytes0 * (1 + rnd(6)) / 2;

			snprintf(opdesc, sizeof(opdesc), "min_free_kbytes %" PRIu64, kb);
			begin_op();
			m_wmarks(kb);
			CHECK(pz_set_min_free_kbytes(pz, (unsigned)kb) == 0, "setting failed");
			M.wmark_changes++;
		} else {
			/* the run's own sizing half of the time */
			static const unsigned fr[] = {8, 32, 128};
			unsigned f = rnd(2) ? r->fraction : fr[rnd(3)];

			snprintf(opdesc, sizeof(opdesc), "percpu_pagelist_fraction %u", f);
			begin_op();
			M.fraction = f;
			m_pcp_sizes();
			CHECK(pz_set_percpu_pagelist_fraction(pz, f) == 0, "setting failed");
			M.fraction_changes++;
		}
		held = 0;
		for (size_t i = 0; i < nrec; i++)
			held += 1ull << recs[i].order;
		if (filling && (consecutive_refusals > 30 || held * 100 > managed * 97))
			filling = 0;
		else if (!filling && held * 100 < managed * 30)
			filling = 1;
		compare(pz, pg0);
	}
	/* everything back, drained: the lists must still be predicted exactly */
	while (nrec) {
		opno++;
		do_free(pz);
		compare(pz, pg0);
	}
	opno++;
	snprintf(opdesc, sizeof(opdesc), "final drain_all_pages");
	begin_op();
	m_drain_all();
	pz_drain_all_pages(pz);
	compare(pz, pg0);
	CHECK(pz_validate(pz) == 0, "pz_validate failed: %s", tu_log.last);
	print_message("[%s] %lu ops compared: %lu allocations (%lu refused), %lu fallbacks "
		      "(%lu blocks claimed), %lu reserve uses, %lu CMA uses, %lu tail placements, "
		      "%lu pcp "
		      "bulk frees\n",
		      r->name, opno, allocs, refused, M.fallbacks, M.claims, M.reserve_uses,
		      M.cma_uses, M.tail_adds, M.drains_bulk);
	/* the workload must have reached what it is meant to check */
	CHECK(refused > 0 && M.fallbacks > 0 && M.claims > 0 && M.tail_adds > 0 &&
		      M.drains_bulk > 0,
	      "workload too tame: %lu refused, %lu fallbacks, %lu claims, %lu tail, %lu bulk",
	      refused, M.fallbacks, M.claims, M.tail_adds, M.drains_bulk);
	print_message("[%s] %lu min_free_kbytes changes, %lu percpu_pagelist_fraction changes\n",
		      r->name, M.wmark_changes, M.fraction_changes);
	CHECK(M.fraction_changes > 0 && (r->prof != PZ_PROFILE_MODERN || M.wmark_changes > 0),
	      "no sysctl changes: %lu min_free_kbytes, %lu fraction", M.wmark_changes,
	      M.fraction_changes);
	if (M.hi) {
		print_message("[%s] high-order pcp: %lu refills, %lu hot reuses, %lu flushes at "
			      "high (%lu with a pageblock overshooting batch), %lu drains\n",
			      r->name, M.hi_refills, M.hi_reuses, M.hi_flushes, M.pb_overshoots,
			      M.hi_drains);
		CHECK(M.hi_refills > 0 && M.hi_reuses > 0 && M.hi_flushes > 0 &&
			      M.pb_overshoots > 0 && M.hi_drains > 0,
		      "high-order pcp not covered: %lu refills, %lu reuses, %lu flushes, %lu "
		      "overshoots, %lu drains",
		      M.hi_refills, M.hi_reuses, M.hi_flushes, M.pb_overshoots, M.hi_drains);
	}
	if (M.ha)
		print_message(
			"[%s] HIGHATOMIC: %lu atomic order > 0 requests below LOW, %lu blocks "
			"reserved (declined: %lu at the maximum, %lu HIGHATOMIC already, %lu "
			"CMA), %lu allocations from the reserve, %lu frees into it, %lu "
			"frees to the MOVABLE pcp list and %lu allocations from it\n",
			r->name, M.ha_atomic_slow, M.ha_reserves, M.ha_full, M.ha_already, M.ha_cma,
			M.ha_uses, M.ha_frees, M.ha_pcp_frees, M.ha_pcp_reuses);
	/* the reserve must have been made, filled up, used and freed into: in
	 * the one-zone run always (and taken again from the MOVABLE per-CPU
	 * list, except without grouping by mobility, where no request is
	 * MOVABLE); in the others whenever 100 atomic requests reached the
	 * slow path (the two-zone runs need both zones below LOW at once, and
	 * the big per-CPU lists keep the zone above LOW with some seeds) */
	if (M.ha && ((r->mc == &one_zone && !r->fraction) || M.ha_atomic_slow >= 100))
		CHECK(M.ha_reserves > 0 && M.ha_full > 0 && M.ha_uses > 0 && M.ha_frees > 0 &&
			      M.ha_pcp_frees > 0 &&
			      (r->mc != &one_zone || r->fraction || M.nomob || M.ha_pcp_reuses > 0),
		      "HIGHATOMIC not covered: %lu atomic requests below LOW, %lu reserved, %lu "
		      "at the maximum, %lu uses, %lu frees, %lu pcp frees, %lu pcp reuses",
		      M.ha_atomic_slow, M.ha_reserves, M.ha_full, M.ha_uses, M.ha_frees,
		      M.ha_pcp_frees, M.ha_pcp_reuses);
	if (r->prof == PZ_PROFILE_LINUX_4_1)
		CHECK(M.reserve_uses > 0, "MIGRATE_RESERVE never used");
	if (M.has_cma)
		CHECK(M.cma_uses > 0, "CMA pages never used");
	free(recs);
	recs = NULL;
	tu_destroy(pz);
	m_reset();
}

static void setup_bufs(void)
{
	if (!buf)
		buf = malloc(BUFN * sizeof(uint64_t));
	if (!evbuf)
		evbuf = malloc(MAXEV * sizeof(*evbuf));
	assert_non_null(buf);
	assert_non_null(evbuf);
	tu_trace.events = evbuf;
	tu_trace.cap = MAXEV;
}

/*
 * Watermark refusals in one zone (spec 4.4): the same request repeated
 * until it is refused, every step predicted by the model. An order-0
 * request is refused by the slow path's MIN check once the buddy lists'
 * free count F satisfies F <= mark', where mark' is the MIN watermark less
 * half for ALLOC_HIGH and less a quarter of the rest for ALLOC_HARDER
 * (the "atomic" requests: GFP_ATOMIC in both profiles, GFP_NOWAIT in
 * 4.1 only); pages already on the per-CPU list do not count, so the last
 * refill is what crossed the mark.
 */
static void refusal_threshold(enum pz_profile prof)
{
	static const struct {
		pz_gfp_t gfp;
		unsigned order;
	} reqs[] = {
		{PZ_GFP_KERNEL, 0},    {PZ_GFP_ATOMIC_MASK, 0}, {PZ_GFP_NOWAIT, 0},
		{PZ_GFP_TEMPORARY, 3}, {PZ_GFP_ATOMIC_MASK, 3}, {PZ_GFP_HIGHUSER_MOVABLE, 9},
	};
	struct run r = {prof == PZ_PROFILE_LINUX_4_1 ? "linux-4.1 refusal" : "modern refusal",
			prof,
			&one_zone,
			0,
			0,
			0,
			0,
			0};
	uint64_t pg0[MAXZ][2];

	setup_bufs();
	cur = &r;
	seed0 = 0;
	for (size_t k = 0; k < sizeof(reqs) / sizeof(reqs[0]); k++) {
		pz_gfp_t g = reqs[k].gfp | PZ_GFP_NOWARN;
		unsigned long n = 0;
		struct pz_zone_info zi;
		pz_t *pz;
		long m, mark;

		m_reset();
		m_begin(&r);
		pz = create(&r);
		load_initial(pz, pg0, r.mc);
		recs = calloc(M.z[0].managed + 1, sizeof(*recs));
		assert_non_null(recs);
		nrec = 0;
		for (opno = 1; do_alloc(pz, g, reqs[k].order); opno++, n++)
			compare(pz, pg0);
		compare(pz, pg0);
		assert_int_equal(pz_zone_info(pz, 0, PZ_ZONE_NORMAL, &zi), 0);
		m = M.z[0].wmark[0];
		mark = m;
		if (g & PZ_GFP_HIGH)
			mark -= mark / 2;
		if (m_atomic(g))
			mark -= mark / 4;
		print_message("[%s] gfp 0x%x order %u: %lu allocations, refused at %" PRId64
			      " free pages (MIN %ld, mark %ld)\n",
			      r.name, g, reqs[k].order, n, zi.stat[PZ_NR_FREE_PAGES], m, mark);
		if (reqs[k].order == 0)
			CHECK(zi.stat[PZ_NR_FREE_PAGES] <= mark &&
				      zi.stat[PZ_NR_FREE_PAGES] > mark - M.z[0].pcp_batch,
			      "order-0 refusal at %" PRId64 " free pages, mark %ld",
			      zi.stat[PZ_NR_FREE_PAGES], mark);
		else
			CHECK(n > 0, "no allocation of order %u succeeded", reqs[k].order);
		free(recs);
		recs = NULL;
		tu_destroy(pz);
	}
	m_reset();
}

/*
 * Errata 1 of the spec (5.6): whether a fallback steals depends on the
 * order of the free block found, not on the request's. With every page
 * allocated (MEMALLOC requests of order `chunk`, then order-0 MOVABLE
 * ones), two chunks A and B of one UNMOVABLE pageblock are freed; an
 * order-0 MOVABLE request must fall back to B. For a MOVABLE request the
 * steal needs a block of order >= pageblock_order / 2 = 4: with order-4
 * chunks the block's free pages (A) move to the MOVABLE lists, with
 * order-3 chunks A stays where it was.
 */
static void steal_by_found_order(enum pz_profile prof, unsigned chunk)
{
	struct run r = {"steal by found order", prof, &one_zone, 0, 0, 0, 0, 0};
	const pz_gfp_t unmov = PZ_GFP_KERNEL | PZ_GFP_MEMALLOC | PZ_GFP_NOWARN;
	const pz_gfp_t mov = PZ_GFP_HIGHUSER_MOVABLE | PZ_GFP_MEMALLOC | PZ_GFP_NOWARN;
	uint64_t pg0[MAXZ][2], a = 0;
	size_t ia = SIZE_MAX, ib = SIZE_MAX;
	pz_t *pz;
	int64_t n;
	bool found = false;

	setup_bufs();
	cur = &r;
	seed0 = 0;
	m_reset();
	m_begin(&r);
	pz = create(&r);
	load_initial(pz, pg0, &one_zone);
	recs = calloc(M.z[0].managed + 1, sizeof(*recs));
	assert_non_null(recs);
	nrec = 0;
	for (opno = 1; do_alloc(pz, unmov, chunk); opno++)
		compare(pz, pg0);
	for (; do_alloc(pz, mov, 0); opno++)
		compare(pz, pg0);
	compare(pz, pg0);
	for (size_t i = 0; i < nrec && ib == SIZE_MAX; i++) {
		if (recs[i].order != chunk || M.pb[recs[i].pfn >> PBO] != PZ_MT_UNMOVABLE)
			continue;
		if (ia == SIZE_MAX) {
			ia = i;
			continue;
		}
		if (recs[i].pfn >> PBO == recs[ia].pfn >> PBO &&
		    recs[i].pfn != (recs[ia].pfn ^ (1ull << chunk)))
			ib = i;
	}
	CHECK(ib != SIZE_MAX, "no two order-%u chunks in one UNMOVABLE block", chunk);
	a = recs[ia].pfn;
	do_free_at(pz, ia, 0);
	compare(pz, pg0);
	ib = ib == nrec ? ia : ib; /* do_free_at moved the last record into ia */
	do_free_at(pz, ib, 0);
	compare(pz, pg0);
	if (m_pcp_level(chunk) >= 0) {
		/* modern: A and B wait on the order-3 per-CPU list; the drain
		 * frees A (the colder) first, as the direct frees would */
		opno++;
		snprintf(opdesc, sizeof(opdesc), "drain_all_pages");
		begin_op();
		m_drain_all();
		pz_drain_all_pages(pz);
		compare(pz, pg0);
	}
	opno++;
	CHECK(do_alloc(pz, mov, 0), "the MOVABLE request found nothing");
	compare(pz, pg0);
	n = pz_free_list_pfns(pz, 0, PZ_ZONE_NORMAL, chunk,
			      chunk >= PBO / 2 ? PZ_MT_MOVABLE : PZ_MT_UNMOVABLE, buf, BUFN);
	for (int64_t k = 0; k < n; k++)
		found |= buf[k] == a;
	CHECK(found, "chunk A (pfn %" PRIu64 ") is not on the %s order-%u list", a,
	      chunk >= PBO / 2 ? "MOVABLE" : "UNMOVABLE", chunk);
	free(recs);
	recs = NULL;
	tu_destroy(pz);
	m_reset();
}

/*
 * HIGHATOMIC reservations declined for the block's label (spec 5.7 step
 * 2), which the random runs rarely meet because their reserves reach the
 * maximum at once. In the modern CMA zone, filled below LOW (CMA pages
 * counted) with movable order-0 pages, the MOVABLE lists run dry first,
 * then the CMA ones: an atomic movable order-4 request finds only CMA
 * pages and reserves nothing. With 256 low pages freed and drained, an
 * atomic unmovable one falls back into a MOVABLE block and reserves it;
 * the next are served from that block and reserve nothing either. Every
 * step predicted by the model, then everything freed back and drained.
 */
static void test_highatomic_declines(void **state)
{
	struct run r = {"modern HIGHATOMIC declines", PZ_PROFILE_MODERN, &cma_zone, 1, 0, 0, 0, 0};
	static const unsigned orders[] = {4, 4, 5};
	const pz_gfp_t atomic = PZ_GFP_ATOMIC_MASK | PZ_GFP_NOWARN;
	uint64_t pg0[MAXZ][2];
	pz_t *pz;

	(void)state;
	setup_bufs();
	cur = &r;
	seed0 = 0;
	m_reset();
	m_begin(&r);
	pz = create(&r);
	load_initial(pz, pg0, r.mc);
	recs = calloc(M.z[0].managed + 1, sizeof(*recs));
	assert_non_null(recs);
	nrec = 0;
	for (opno = 1; m_watermark_ok(&M.z[0], 0, M.z[0].wmark[1], M.z[0].type, PZ_ALLOC_CMA);
	     opno++) {
		CHECK(do_alloc(pz, PZ_GFP_HIGHUSER_MOVABLE | PZ_GFP_NOWARN, 0),
		      "refused above LOW");
		if (!(opno % 64))
			compare(pz, pg0);
	}
	compare(pz, pg0);
	opno++;
	CHECK(do_alloc(pz, atomic | PZ_GFP_MOVABLE, 4), "atomic movable order 4 refused");
	compare(pz, pg0);
	CHECK(M.ha_cma == 1 && M.pb[recs[nrec - 1].pfn >> PBO] == PZ_MT_CMA,
	      "the atomic movable request did not get CMA pages");
	for (size_t i = 0; i < nrec;) {
		if (recs[i].pfn >= M.z[0].start && recs[i].pfn < M.z[0].start + 256) {
			opno++;
			do_free_at(pz, i, 0);
			compare(pz, pg0);
		} else {
			i++;
		}
	}
	opno++;
	snprintf(opdesc, sizeof(opdesc), "drain_all_pages");
	begin_op();
	m_drain_all();
	pz_drain_all_pages(pz);
	compare(pz, pg0);
	CHECK(m_below_low(), "not below LOW for unmovable requests");
	for (size_t k = 0; k < sizeof(orders) / sizeof(orders[0]); k++) {
		opno++;
		CHECK(do_alloc(pz, atomic, orders[k]), "atomic order %u refused", orders[k]);
		compare(pz, pg0);
	}
	print_message("[%s] %lu atomic requests below LOW: %lu blocks reserved, declined %lu "
		      "HIGHATOMIC already and %lu CMA, %lu allocations from the reserve\n",
		      r.name, M.ha_atomic_slow, M.ha_reserves, M.ha_already, M.ha_cma, M.ha_uses);
	CHECK(M.ha_reserves == 1 && M.ha_already > 0 && M.ha_uses > 0,
	      "declines not reached: %lu reserved, %lu already, %lu uses", M.ha_reserves,
	      M.ha_already, M.ha_uses);
	while (nrec) {
		opno++;
		do_free(pz);
		if (!(nrec % 64))
			compare(pz, pg0);
	}
	opno++;
	snprintf(opdesc, sizeof(opdesc), "final drain_all_pages");
	begin_op();
	m_drain_all();
	pz_drain_all_pages(pz);
	compare(pz, pg0);
	CHECK(pz_validate(pz) == 0, "pz_validate failed: %s", tu_log.last);
	free(recs);
	recs = NULL;
	tu_destroy(pz);
	m_reset();
}

static void test_steal_by_found_order(void **state)
{
	(void)state;
	steal_by_found_order(PZ_PROFILE_LINUX_4_1, 4);
	steal_by_found_order(PZ_PROFILE_LINUX_4_1, 3);
	steal_by_found_order(PZ_PROFILE_MODERN, 4);
	steal_by_found_order(PZ_PROFILE_MODERN, 3);
}

static void test_refusal_41(void **state)
{
	(void)state;
	refusal_threshold(PZ_PROFILE_LINUX_4_1);
}

static void test_refusal_modern(void **state)
{
	(void)state;
	refusal_threshold(PZ_PROFILE_MODERN);
}

#define RUN_TEST(fn, nm, profile, machine, tr, frac, set)                                          \
	static void fn(void **state)                                                               \
	{                                                                                          \
		struct run r = {nm, profile, &machine, tr, frac, 0, 0, set};                       \
		(void)state;                                                                       \
		setup_bufs();                                                                      \
		r.nops = tu_env_ul("PZ_TEST_OPS", DEF_OPS);                                        \
		run(&r);                                                                           \
	}

RUN_TEST(test_one_zone_41, "linux-4.1 one zone", PZ_PROFILE_LINUX_4_1, one_zone, 0, 0, 0)
RUN_TEST(test_one_zone_modern, "modern one zone", PZ_PROFILE_MODERN, one_zone, 0, 0, 0)
RUN_TEST(test_two_zones_41, "linux-4.1 two zones", PZ_PROFILE_LINUX_4_1, two_zones, 0, 0, 0)
RUN_TEST(test_two_zones_modern, "modern two zones", PZ_PROFILE_MODERN, two_zones, 0, 0, 0)
RUN_TEST(test_traced_41, "linux-4.1 one zone traced", PZ_PROFILE_LINUX_4_1, one_zone, 1, 0, 0)
RUN_TEST(test_traced_modern, "modern two zones traced", PZ_PROFILE_MODERN, two_zones, 1, 0, 0)
RUN_TEST(test_big_pcp_41, "linux-4.1 big pcp", PZ_PROFILE_LINUX_4_1, one_zone, 1, 8, 0)
RUN_TEST(test_big_pcp_modern, "modern big pcp", PZ_PROFILE_MODERN, one_zone, 0, 8, 0)
RUN_TEST(test_cma_41, "linux-4.1 CMA traced", PZ_PROFILE_LINUX_4_1, cma_zone, 1, 0, 0)
RUN_TEST(test_cma_modern, "modern CMA", PZ_PROFILE_MODERN, cma_zone, 0, 0, 0)
/* the 5.14 lists switched on in the 4.1 profile: 4.1's enum order in the
 * round robin, MIGRATE_RESERVE blocks on high-order lists, the fair policy */
RUN_TEST(test_high_order_pcp_41, "linux-4.1 high-order pcp traced", PZ_PROFILE_LINUX_4_1, one_zone,
	 1, 0, PZ_FEAT_PCP_HIGH_ORDER)

/* page_group_by_mobility_disabled: one type for every request, every
 * stolen block claimed (spec 1.5, 5.6). */
static void test_no_mobility_grouping(void **state)
{
	struct run r = {
		"linux-4.1 no mobility grouping", PZ_PROFILE_LINUX_4_1, &two_zones, 1, 0, 0, 1, 0};

	(void)state;
	setup_bufs();
	r.nops = tu_env_ul("PZ_TEST_OPS", DEF_OPS);
	run(&r);
	r.name = "modern no mobility grouping";
	r.prof = PZ_PROFILE_MODERN;
	r.mc = &one_zone;
	r.trace = 0;
	run(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_zone_41),
		cmocka_unit_test(test_one_zone_modern),
		cmocka_unit_test(test_two_zones_41),
		cmocka_unit_test(test_two_zones_modern),
		cmocka_unit_test(test_traced_41),
		cmocka_unit_test(test_traced_modern),
		cmocka_unit_test(test_big_pcp_41),
		cmocka_unit_test(test_big_pcp_modern),
		cmocka_unit_test(test_cma_41),
		cmocka_unit_test(test_cma_modern),
		cmocka_unit_test(test_high_order_pcp_41),
		cmocka_unit_test(test_no_mobility_grouping),
		cmocka_unit_test(test_steal_by_found_order),
		cmocka_unit_test(test_highatomic_declines),
		cmocka_unit_test(test_refusal_41),
		cmocka_unit_test(test_refusal_modern),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	free(buf);
	free(evbuf);
	return rc;
}
