/*
 * test_fallback.c - anti-fragmentation: stealing from other migratetypes
 * (largest block first, can_steal on the found block's order, claiming a
 * pageblock), the mm_page_alloc_extfrag event, MIGRATE_RESERVE blocks of
 * the 4.1 profile and mobility grouping switched off (spec sections 1.5,
 * 2.1, 5.5, 5.6, 5.8, 9.5).
 *
 * Black-box: only <pagezone.h> and the test helpers.
 */
#include "testutil.h"

#include <string.h>

#define GFP_RESERVE	(PZ_GFP_KERNEL | PZ__GFP_MEMALLOC)
#define GFP_MOV_RESERVE (PZ_GFP_HIGHUSER_MOVABLE | PZ__GFP_MEMALLOC)
#define MAXO		11

static struct tu_machine tm;
static struct pz_trace_event evbuf[4096];

/*
 * One Normal zone [16384, 32768) = 16384 pages = 32 pageblocks = 16
 * order-10 blocks. min_free_kbytes = isqrt(65536 kB * 16) = 1024;
 * pages_min 256, min 256, low 320, high 384. zone_batchsize: 16 -> 4 ->
 * rounddown(6) - 1 = 3 (pcp high 18).
 */
#define ZSTART 16384
#define ZEND   32768
#define BATCH  3

static pz_t *create_ex(enum pz_profile profile, unsigned min_free_kbytes, unsigned nogroup)
{
	struct pz_config cfg;
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, ZSTART, ZEND);
	tu_config(&cfg, &tm.m, profile, 1);
	cfg.min_free_kbytes = min_free_kbytes;
	cfg.mobility_grouping_disabled = nogroup;
	pz_t *pz = tu_create_ok(&cfg);
	tu_trace_reset();
	tu_trace.events = evbuf;
	tu_trace.cap = sizeof(evbuf) / sizeof(evbuf[0]);
	tu_trace.n = 0;
	return pz;
}

static pz_t *create41(void)
{
	return create_ex(PZ_PROFILE_LINUX_4_1, 0, 0);
}

static void assert_blocks(pz_t *pz, uint64_t unmov, uint64_t mov, uint64_t recl, uint64_t resv)
{
	struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	if (z.nr_blocks_mt[PZ_MT_UNMOVABLE] != unmov || z.nr_blocks_mt[PZ_MT_MOVABLE] != mov ||
	    z.nr_blocks_mt[PZ_MT_RECLAIMABLE] != recl || z.nr_blocks_mt[PZ_MT_RESERVE] != resv)
		fail_msg("pageblocks U/M/R/Res %llu/%llu/%llu/%llu, want %llu/%llu/%llu/%llu",
			 (unsigned long long)z.nr_blocks_mt[PZ_MT_UNMOVABLE],
			 (unsigned long long)z.nr_blocks_mt[PZ_MT_MOVABLE],
			 (unsigned long long)z.nr_blocks_mt[PZ_MT_RECLAIMABLE],
			 (unsigned long long)z.nr_blocks_mt[PZ_MT_RESERVE],
			 (unsigned long long)unmov, (unsigned long long)mov,
			 (unsigned long long)recl, (unsigned long long)resv);
}

/* Free blocks per order on the lists of type mt. */
static void assert_lists(pz_t *pz, enum pz_migratetype mt, const uint64_t want[MAXO])
{
	struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	for (int o = 0; o < MAXO; o++)
		if (z.nr_free_mt[o][mt] != want[o])
			fail_msg("type %d order %d: %llu free blocks, want %llu", (int)mt, o,
				 (unsigned long long)z.nr_free_mt[o][mt],
				 (unsigned long long)want[o]);
}

static const uint64_t none[MAXO] = {0};

/* ---------------------------------------------------------------------- */
/* MIGRATE_RESERVE (4.1)                                                    */

/*
 * reserve = min(2, roundup(min_wmark, 512) / 512) pageblocks, taken from
 * the zone start; every other block starts MOVABLE.
 *   default: min 256 -> roundup 512 -> 1 block
 *   min_free_kbytes 4096: pages_min 1024 = min -> 2 blocks
 *   min_free_kbytes 8192: min 2048 -> 4, capped at 2
 */
static void test_reserve_blocks_at_init(void **state)
{
	(void)state;
	pz_t *pz = create41();
	struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.wmark_min, 256);
	assert_int_equal(z.nr_reserved_blocks, 1);
	assert_blocks(pz, 0, 31, 0, 1);
	/* the reserve block [16384, 16896) holds the head of the order-10
	 * block at 16384: move_freepages_block moved that whole block */
	const uint64_t resv_lists[MAXO] = {[10] = 1};
	const uint64_t mov_lists[MAXO] = {[10] = 15};
	assert_lists(pz, PZ_MT_RESERVE, resv_lists);
	assert_lists(pz, PZ_MT_MOVABLE, mov_lists);
	assert_lists(pz, PZ_MT_UNMOVABLE, none);
	tu_destroy(pz);

	pz = create_ex(PZ_PROFILE_LINUX_4_1, 4096, 0);
	z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.wmark_min, 1024);
	assert_int_equal(z.nr_reserved_blocks, 2);
	assert_blocks(pz, 0, 30, 0, 2);
	/* the second reserve block [16896, 17408) holds no block head */
	assert_lists(pz, PZ_MT_RESERVE, resv_lists);
	assert_lists(pz, PZ_MT_MOVABLE, mov_lists);
	tu_destroy(pz);

	pz = create_ex(PZ_PROFILE_LINUX_4_1, 8192, 0);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).wmark_min, 2048);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).nr_reserved_blocks, 2);
	assert_blocks(pz, 0, 30, 0, 2);
	tu_destroy(pz);
}

/* The sysctl reruns the reserve setup: more blocks, then surplus back to MOVABLE. */
static void test_reserve_blocks_follow_min_free_kbytes(void **state)
{
	(void)state;
	pz_t *pz = create41();
	assert_blocks(pz, 0, 31, 0, 1);
	/* 8192 kB: pages_min 2048 -> min 2048 -> min(2, 4) = 2 */
	assert_int_equal(pz_set_min_free_kbytes(pz, 8192), 0);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).nr_reserved_blocks, 2);
	assert_blocks(pz, 0, 30, 0, 2);
	tu_validate(pz);
	/* 512 kB: pages_min 128 -> min 128 -> 1 */
	assert_int_equal(pz_set_min_free_kbytes(pz, 512), 0);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).wmark_min, 128);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).nr_reserved_blocks, 1);
	assert_blocks(pz, 0, 31, 0, 1);
	tu_validate(pz);
	tu_destroy(pz);
}

/* The modern profile has no boot-time reserve (HIGHATOMIC is on demand). */
static void test_modern_no_reserve_blocks(void **state)
{
	(void)state;
	pz_t *pz = create_ex(PZ_PROFILE_MODERN, 0, 0);
	struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.nr_blocks_mt[PZ_MT_HIGHATOMIC], 0);
	assert_int_equal(z.nr_blocks_mt[PZ_MT_MOVABLE], 32);
	const uint64_t mov_lists[MAXO] = {[10] = 16};
	assert_lists(pz, PZ_MT_MOVABLE, mov_lists);
	tu_destroy(pz);
}

/* ---------------------------------------------------------------------- */
/* Stealing                                                                */

/*
 * A GFP_KERNEL (UNMOVABLE) order-0 request on a fresh zone: no UNMOVABLE
 * free page, so __rmqueue_fallback searches from order 10 down; at order
 * 10 RECLAIMABLE is empty, MOVABLE is not: its head block Q is taken. The
 * found order 10 >= pageblock_order 9, so change_pageblock_range relabels
 * all 1 << (10 - 9) = 2 pageblocks UNMOVABLE (U/M/Res 0/31/1 -> 2/29/1).
 * expand() leaves Q+512 o9 ... Q+1 o0 on the UNMOVABLE lists; the refill of
 * BATCH = 3 takes Q, Q+1, Q+2 (Q+3 split off the o1 block) and hands out Q.
 * Events, in order: extfrag (fallback_order 10, UNMOVABLE from MOVABLE,
 * change_ownership 1, fragmenting 10 < 9 = 0), then one zone_locked per
 * __rmqueue call (3, percpu_refill 1), then mm_page_alloc.
 */
static void test_unmovable_steals_whole_block(void **state)
{
	(void)state;
	pz_t *pz = create41();
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_non_null(p);
	uint64_t Q = pz_page_to_pfn(pz, p);
	assert_int_equal(Q % 1024, 0);
	assert_true(Q != ZSTART); /* the block at the zone start is the reserve's */

	assert_blocks(pz, 2, 29, 0, 1);
	/* UNMOVABLE lists: Q+3 o0, Q+4 o2, Q+8 o3, ..., Q+512 o9 */
	const uint64_t unmov[MAXO] = {1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0};
	const uint64_t mov[MAXO] = {[10] = 14};
	assert_lists(pz, PZ_MT_UNMOVABLE, unmov);
	assert_lists(pz, PZ_MT_MOVABLE, mov);
	struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.stat[PZ_NR_FREE_PAGES], 16384 - BATCH);
	assert_int_equal(z.pcp_pages, BATCH - 1);
	struct pz_pcp_info pcp;
	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, &pcp), 0);
	assert_int_equal(pcp.count_mt[PZ_MT_UNMOVABLE], BATCH - 1);
	assert_int_equal(pz_pfn_state(pz, Q + 1), PZ_PAGE_STATE_PCP);
	assert_int_equal(pz_pfn_state(pz, Q + 2), PZ_PAGE_STATE_PCP);
	assert_int_equal(pz_pfn_state(pz, Q + 3), PZ_PAGE_STATE_FREE);

	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC_EXTFRAG], 1);
	const struct pz_trace_event *e = &tu_trace.last[PZ_TRACE_PAGE_ALLOC_EXTFRAG];
	assert_int_equal(e->pfn, (int64_t)Q);
	assert_int_equal(e->order, 0);
	assert_int_equal(e->fallback_order, 10);
	assert_int_equal(e->alloc_migratetype, PZ_MT_UNMOVABLE);
	assert_int_equal(e->fallback_migratetype, PZ_MT_MOVABLE);
	assert_int_equal(e->change_ownership, 1);
	assert_int_equal(e->fragmenting, 0);

	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED], BATCH);
	e = &tu_trace.last[PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED];
	assert_int_equal(e->order, 0);
	assert_int_equal(e->percpu_refill, 1);
	assert_int_equal(e->migratetype, PZ_MT_UNMOVABLE);
	assert_int_equal(e->pfn, (int64_t)(Q + 2));
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC], 1);
	e = &tu_trace.last[PZ_TRACE_PAGE_ALLOC];
	assert_int_equal(e->pfn, (int64_t)Q);
	assert_int_equal(e->order, 0);
	assert_int_equal(e->migratetype, PZ_MT_UNMOVABLE);
	assert_true((e->gfp_flags & PZ_GFP_KERNEL) == PZ_GFP_KERNEL);

	/* the order of events */
	const enum pz_trace_kind seq[] = {PZ_TRACE_PAGE_ALLOC_EXTFRAG,
					  PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED,
					  PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED,
					  PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED, PZ_TRACE_PAGE_ALLOC};
	assert_int_equal(tu_trace.n, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(tu_trace.events[i].kind, seq[i]);
	assert_int_equal(tu_trace.events[1].pfn, (int64_t)Q);
	assert_int_equal(tu_trace.events[2].pfn, (int64_t)(Q + 1));

	/* the next two come from the per-CPU list: no new event below it */
	tu_trace_reset();
	tu_trace.n = 0;
	for (int i = 1; i < BATCH; i++) {
		pz_page_t *q = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
		assert_int_equal(pz_page_to_pfn(pz, q), Q + (uint64_t)i);
	}
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED], 0);
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC_EXTFRAG], 0);
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC], BATCH - 1);
	tu_validate(pz);
	tu_destroy(pz);
}

/* A RECLAIMABLE request steals the same way: 2 blocks become RECLAIMABLE. */
static void test_reclaimable_steals_whole_block(void **state)
{
	(void)state;
	pz_t *pz = create41();
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_TEMPORARY, 0);
	assert_non_null(p);
	assert_blocks(pz, 0, 29, 2, 1);
	const struct pz_trace_event *e = &tu_trace.last[PZ_TRACE_PAGE_ALLOC_EXTFRAG];
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC_EXTFRAG], 1);
	assert_int_equal(e->alloc_migratetype, PZ_MT_RECLAIMABLE);
	assert_int_equal(e->fallback_migratetype, PZ_MT_MOVABLE);
	assert_int_equal(e->fallback_order, 10);
	assert_int_equal(e->change_ownership, 1);
	/* UNMOVABLE's fallback list is RECLAIMABLE, then MOVABLE, but the
	 * search goes by order first, largest first: at order 10 RECLAIMABLE
	 * is empty and MOVABLE is not, so another order-10 MOVABLE block is
	 * stolen (2 more blocks), not the order-9 RECLAIMABLE one. */
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_non_null(p);
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC_EXTFRAG], 2);
	assert_int_equal(e->alloc_migratetype, PZ_MT_UNMOVABLE);
	assert_int_equal(e->fallback_migratetype, PZ_MT_MOVABLE);
	assert_int_equal(e->fallback_order, 10);
	assert_int_equal(e->change_ownership, 1);
	assert_int_equal(e->fragmenting, 0);
	assert_blocks(pz, 2, 27, 2, 1);
	/* the RECLAIMABLE remainder is untouched: Q+3 o0, Q+4 o2 ... Q+512 o9 */
	const uint64_t recl[MAXO] = {1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0};
	assert_lists(pz, PZ_MT_RECLAIMABLE, recl);
	tu_validate(pz);
	tu_destroy(pz);
}

/*
 * Shape a zone for MOVABLE fallbacks:
 *  1. GFP_KERNEL order 0 steals order-10 block Q (as above). Free on the
 *     UNMOVABLE lists: Q+3 o0, Q+4 o2, Q+8 o3, Q+16 o4, Q+32 o5, Q+64 o6,
 *     Q+128 o7, Q+256 o8 (pageblock A = [Q, Q+512)), Q+512 o9 (block B).
 *  2. MOVABLE order-10 requests without watermarks take the 14 MOVABLE
 *     blocks, then the reserve block from the last resort (the zone start,
 *     16384), then fail: 15 blocks. No extfrag event: RESERVE is never a
 *     fallback source. Blocks stay U/M/Res 2/29/1.
 *  3. GFP_KERNEL (no watermarks) requests of the orders in trim[] take the
 *     UNMOVABLE block of exactly that order.
 */
static pz_t *shape_for_movable(uint64_t *Q, const unsigned *trim, int ntrim)
{
	pz_t *pz = create41();
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_non_null(p);
	*Q = pz_page_to_pfn(pz, p);
	int n = 0;
	uint64_t last = 0;
	while ((p = pz_alloc_pages(pz, GFP_MOV_RESERVE, 10)) != NULL) {
		last = pz_page_to_pfn(pz, p);
		n++;
	}
	assert_int_equal(n, 15);
	assert_int_equal(last, ZSTART);
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC_EXTFRAG], 1);
	assert_blocks(pz, 2, 29, 0, 1);
	const uint64_t unmov[MAXO] = {1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0};
	assert_lists(pz, PZ_MT_UNMOVABLE, unmov);
	assert_lists(pz, PZ_MT_MOVABLE, none);
	assert_lists(pz, PZ_MT_RESERVE, none);
	assert_lists(pz, PZ_MT_RECLAIMABLE, none);
	/* 1 + 4 + 8 + ... + 512 = 1021 = 1024 - BATCH */
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_FREE_PAGES], 1021);

	for (int i = 0; i < ntrim; i++) {
		p = pz_alloc_pages(pz, GFP_RESERVE, trim[i]);
		assert_non_null(p);
		assert_int_equal(pz_page_to_pfn(pz, p), *Q + (1ull << trim[i]));
	}
	tu_trace_reset();
	tu_trace.n = 0;
	tu_validate(pz);
	return pz;
}

static const struct pz_trace_event *movable_order1(pz_t *pz, uint64_t want_pfn)
{
	pz_page_t *p = pz_alloc_pages(pz, GFP_MOV_RESERVE, 1);
	assert_non_null(p);
	assert_int_equal(pz_page_to_pfn(pz, p), want_pfn);
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC_EXTFRAG], 1);
	const struct pz_trace_event *e = &tu_trace.last[PZ_TRACE_PAGE_ALLOC_EXTFRAG];
	assert_int_equal(e->order, 1);
	assert_int_equal(e->alloc_migratetype, PZ_MT_MOVABLE);
	assert_int_equal(e->fallback_migratetype, PZ_MT_UNMOVABLE);
	return e;
}

/*
 * No steal: trim 9, 8, 7, 6, 5, 4 -> UNMOVABLE holds Q+3 o0, Q+4 o2, Q+8 o3.
 * MOVABLE order 1: largest first finds Q+8 at order 3. can_steal(3,
 * MOVABLE): 3 < 9, 3 < 9/2 = 4, not UNMOVABLE/RECLAIMABLE -> no. Q+8 is
 * taken as is and split into the MOVABLE lists (Q+12 o2, Q+10 o1); nothing
 * else moves, no block changes label; change_ownership 0, fragmenting 1.
 */
static void test_movable_small_block_no_steal(void **state)
{
	(void)state;
	uint64_t Q;
	const unsigned trim[] = {9, 8, 7, 6, 5, 4};
	pz_t *pz = shape_for_movable(&Q, trim, 6);
	const uint64_t before[MAXO] = {1, 0, 1, 1};
	assert_lists(pz, PZ_MT_UNMOVABLE, before);

	const struct pz_trace_event *e = movable_order1(pz, Q + 8);
	assert_int_equal(e->pfn, (int64_t)(Q + 8));
	assert_int_equal(e->fallback_order, 3);
	assert_int_equal(e->change_ownership, 0);
	assert_int_equal(e->fragmenting, 1);

	const uint64_t unmov[MAXO] = {1, 0, 1}; /* Q+3, Q+4 */
	const uint64_t mov[MAXO] = {0, 1, 1};	/* Q+10, Q+12 */
	assert_lists(pz, PZ_MT_UNMOVABLE, unmov);
	assert_lists(pz, PZ_MT_MOVABLE, mov);
	assert_blocks(pz, 2, 29, 0, 1);
	tu_validate(pz);
	tu_destroy(pz);
}

/*
 * Steal without claiming: trim 9, 8, 7, 6 -> block A holds Q+3 o0, Q+4 o2,
 * Q+8 o3, Q+16 o4, Q+32 o5. MOVABLE order 1 finds Q+32 at order 5 >= 4:
 * can_steal. 5 < 9, so move_freepages_block(A) moves every free block of A
 * to MOVABLE: 1 + 4 + 8 + 16 + 32 = 61 pages < 256 = half a pageblock: no
 * relabel (change_ownership 0). Q+32 splits into Q+48 o4, Q+40 o3, Q+36 o2,
 * Q+34 o1 on the MOVABLE lists.
 */
static void test_movable_steals_without_claim(void **state)
{
	(void)state;
	uint64_t Q;
	const unsigned trim[] = {9, 8, 7, 6};
	pz_t *pz = shape_for_movable(&Q, trim, 4);

	const struct pz_trace_event *e = movable_order1(pz, Q + 32);
	assert_int_equal(e->fallback_order, 5);
	assert_int_equal(e->change_ownership, 0);
	assert_int_equal(e->fragmenting, 1);

	/* MOVABLE: o0 Q+3; o1 Q+34; o2 Q+4, Q+36; o3 Q+8, Q+40; o4 Q+16, Q+48 */
	const uint64_t mov[MAXO] = {1, 1, 2, 2, 2};
	assert_lists(pz, PZ_MT_UNMOVABLE, none);
	assert_lists(pz, PZ_MT_MOVABLE, mov);
	assert_blocks(pz, 2, 29, 0, 1);
	tu_validate(pz);
	tu_destroy(pz);
}

/*
 * Steal and claim: trim 9 only -> block A holds Q+3 o0, Q+4 o2, ... Q+256
 * o8 = 1 + 4 + 8 + 16 + 32 + 64 + 128 + 256 = 509 free pages. MOVABLE
 * order 1 finds Q+256 at order 8: can_steal; moves 509 >= 256 pages ->
 * block A relabelled MOVABLE (U/M 2/29 -> 1/30), change_ownership 1,
 * fragmenting 8 < 9 = 1. Q+256 splits into Q+384 o7, Q+320 o6, Q+288 o5,
 * Q+272 o4, Q+264 o3, Q+260 o2, Q+258 o1.
 */
static void test_movable_steals_and_claims(void **state)
{
	(void)state;
	uint64_t Q;
	const unsigned trim[] = {9};
	pz_t *pz = shape_for_movable(&Q, trim, 1);

	const struct pz_trace_event *e = movable_order1(pz, Q + 256);
	assert_int_equal(e->fallback_order, 8);
	assert_int_equal(e->change_ownership, 1);
	assert_int_equal(e->fragmenting, 1);

	const uint64_t mov[MAXO] = {1, 1, 2, 2, 2, 2, 2, 2, 0};
	assert_lists(pz, PZ_MT_UNMOVABLE, none);
	assert_lists(pz, PZ_MT_MOVABLE, mov);
	assert_blocks(pz, 1, 30, 0, 1);
	tu_validate(pz);
	tu_destroy(pz);
}

/*
 * A found block of pageblock order: no trim -> the largest UNMOVABLE block
 * is Q+512 at order 9 = pageblock_order: change_pageblock_range relabels
 * its one block B MOVABLE (U/M 1/30); fragmenting 9 < 9 = 0. The split
 * remainder Q+768 o8 ... Q+514 o1 goes to MOVABLE; block A's free pages
 * stay UNMOVABLE.
 */
static void test_movable_takes_pageblock(void **state)
{
	(void)state;
	uint64_t Q;
	pz_t *pz = shape_for_movable(&Q, NULL, 0);

	const struct pz_trace_event *e = movable_order1(pz, Q + 512);
	assert_int_equal(e->fallback_order, 9);
	assert_int_equal(e->change_ownership, 1);
	assert_int_equal(e->fragmenting, 0);

	const uint64_t unmov[MAXO] = {1, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0};
	const uint64_t mov[MAXO] = {0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
	assert_lists(pz, PZ_MT_UNMOVABLE, unmov);
	assert_lists(pz, PZ_MT_MOVABLE, mov);
	assert_blocks(pz, 1, 30, 0, 1);
	tu_validate(pz);
	tu_destroy(pz);
}

/* ---------------------------------------------------------------------- */
/* Mobility grouping off                                                   */

/* Every request is typed UNMOVABLE: the traced migratetype and the per-CPU
 * list it is refilled into. */
static void check_all_unmovable(pz_t *pz)
{
	const pz_gfp_t kinds[] = {PZ_GFP_HIGHUSER_MOVABLE, PZ_GFP_TEMPORARY, PZ_GFP_KERNEL};
	for (unsigned k = 0; k < 3; k++) {
		tu_trace_reset();
		tu_trace.n = 0;
		pz_page_t *p = pz_alloc_pages(pz, kinds[k], 0);
		assert_non_null(p);
		assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC], 1);
		assert_int_equal(tu_trace.last[PZ_TRACE_PAGE_ALLOC].migratetype, PZ_MT_UNMOVABLE);
		struct pz_pcp_info pcp;
		assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, &pcp), 0);
		assert_int_equal(pcp.count_mt[PZ_MT_MOVABLE], 0);
		assert_int_equal(pcp.count_mt[PZ_MT_RECLAIMABLE], 0);
		assert_int_equal(pcp.count_mt[PZ_MT_UNMOVABLE], pcp.count);
		assert_int_equal(pz_free_pages(pz, p, 0), 0);
	}
	tu_validate(pz);
}

static void test_mobility_grouping_disabled_config(void **state)
{
	(void)state;
	pz_t *pz = create_ex(PZ_PROFILE_LINUX_4_1, 0, 1);
	check_all_unmovable(pz);
	/* pz_gfp_migratetype is the pure mask function: unchanged */
	assert_int_equal(pz_gfp_migratetype(PZ_GFP_HIGHUSER_MOVABLE), PZ_MT_MOVABLE);
	tu_destroy(pz);
}

/*
 * Grouping is switched off by itself when the page cache pages are fewer
 * than pageblock_nr_pages * MIGRATE_TYPES = 512 * 6 = 3072: a 2000-page
 * machine is below even 512 * 4; a 4096-page machine is above.
 */
static void test_mobility_grouping_small_machine(void **state)
{
	(void)state;
	struct pz_config cfg;
	tu_config(&cfg, &tm.m, PZ_PROFILE_LINUX_4_1, 1);

	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 8192 + 2000);
	pz_t *pz = tu_create(&cfg);
	assert_non_null(pz);
	check_all_unmovable(pz);
	tu_destroy(pz);

	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 8192 + 4096);
	pz = tu_create(&cfg);
	assert_non_null(pz);
	tu_trace_reset();
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE, 0);
	assert_non_null(p);
	assert_int_equal(tu_trace.last[PZ_TRACE_PAGE_ALLOC].migratetype, PZ_MT_MOVABLE);
	p = pz_alloc_pages(pz, PZ_GFP_TEMPORARY, 0);
	assert_non_null(p);
	assert_int_equal(tu_trace.last[PZ_TRACE_PAGE_ALLOC].migratetype, PZ_MT_RECLAIMABLE);
	tu_validate(pz);
	tu_destroy(pz);
}

/* ---------------------------------------------------------------------- */
/* CMA                                                                     */

/*
 * "Only MOVABLE requests may use their pages" (pz_zone_desc.cma; spec 5.5,
 * 5.6: CMA lists are never a fallback source, only MOVABLE requests take
 * from them). One Normal zone [8192, 12288) with one max-order CMA block
 * [cma_start, cma_start + 1024). Every UNMOVABLE and RECLAIMABLE page is
 * taken (no watermarks): none may be a CMA page, and all 3072 others are
 * taken. Then MOVABLE requests get the 1024 CMA pages.
 */
#define CMA_PAGES 1024

static void cma_only_movable(uint64_t cma_start)
{
	struct pz_config cfg;
	tu_machine_init(&tm, 1, 1);
	struct pz_zone_desc *z = tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 12288);
	tu_zone_cma(&tm, 0, z, cma_start, cma_start + CMA_PAGES);
	tu_config(&cfg, &tm.m, PZ_PROFILE_LINUX_4_1, 0);
	pz_t *pz = tu_create(&cfg);
	assert_non_null(pz);
	tu_validate(pz);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).nr_blocks_mt[PZ_MT_CMA], 2);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_FREE_CMA_PAGES], CMA_PAGES);

	const pz_gfp_t other[] = {GFP_RESERVE, PZ_GFP_TEMPORARY | PZ__GFP_MEMALLOC};
	uint64_t taken = 0;
	pz_page_t *p;
	for (int k = 0; k < 2; k++) {
		for (unsigned order = 3;; order = order ? order - 1 : 0) {
			p = pz_alloc_pages(pz, other[k], order);
			if (!p) {
				if (order == 0)
					break;
				continue;
			}
			uint64_t pfn = pz_page_to_pfn(pz, p);
			if (pfn + (1u << order) > cma_start && pfn < cma_start + CMA_PAGES)
				fail_msg("gfp 0x%x order %u got pfn %llu inside CMA [%llu, %llu)",
					 other[k], order, (unsigned long long)pfn,
					 (unsigned long long)cma_start,
					 (unsigned long long)(cma_start + CMA_PAGES));
			taken += 1u << order;
		}
	}
	assert_int_equal(taken, 4096 - CMA_PAGES);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_FREE_PAGES], CMA_PAGES);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_FREE_CMA_PAGES], CMA_PAGES);
	tu_validate(pz);
	/* MOVABLE requests take the CMA pages */
	uint64_t cma_pages = 0;
	while ((p = pz_alloc_pages(pz, GFP_MOV_RESERVE, 0)) != NULL) {
		uint64_t pfn = pz_page_to_pfn(pz, p);
		assert_true(pfn >= cma_start && pfn < cma_start + CMA_PAGES);
		cma_pages++;
	}
	assert_int_equal(cma_pages, CMA_PAGES);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_FREE_CMA_PAGES], 0);
	tu_validate(pz);
	tu_destroy(pz);
}

/* The CMA block at the zone start, where the 4.1 reserve block would go. */
static void test_cma_only_movable_zone_start(void **state)
{
	(void)state;
	cma_only_movable(8192);
}

/* The CMA block in the middle of the zone. */
static void test_cma_only_movable_mid_zone(void **state)
{
	(void)state;
	cma_only_movable(10240);
}

/*
 * __zone_watermark_ok's high-order test (4.4.155 and 6.1): a free block
 * counts only on a PCP type's list, on CMA with ALLOC_CMA, on HIGHATOMIC
 * with ALLOC_HARDER - never CMA or isolated blocks just because the
 * request is ALLOC_HARDER. The zone's non-CMA memory is taken and every
 * other page given back, so order-0 pages are plentiful but the only
 * free blocks of order 3 and above are CMA. A real-time task's
 * GFP_KERNEL order-3 request (ALLOC_HARDER in the slow path) must then
 * fail the MIN check and offer the zone to zone_reclaim again, as the
 * kernel does, instead of passing it and failing in __rmqueue.
 */
static unsigned zr_calls, zr_last_order;
static enum pz_zone_reclaim_result zr_count(void *ctx, int nid, enum pz_zone_type zone,
					    pz_gfp_t gfp, unsigned order)
{
	(void)ctx;
	(void)nid;
	(void)zone;
	(void)gfp;
	zr_calls++;
	zr_last_order = order;
	return PZ_ZONE_RECLAIM_NOSCAN;
}

static void harder_ignores_cma(enum pz_profile profile, unsigned attempts)
{
	static pz_page_t *held[4096];
	struct pz_config cfg;
	struct pz_task rt;
	unsigned n = 0;
	pz_page_t *p;

	tu_machine_init(&tm, 1, 1);
	struct pz_zone_desc *z = tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 12288);
	tu_zone_cma(&tm, 0, z, 10240, 10240 + CMA_PAGES);
	tu_config(&cfg, &tm.m, profile, 0);
	tu_plat.zone_reclaim = zr_count;
	cfg.zone_reclaim_mode = 1;
	pz_t *pz = tu_create_ok(&cfg);
	while (n < 4096 && (p = pz_alloc_pages(pz, GFP_RESERVE, 0)) != NULL)
		held[n++] = p;
	assert_int_equal(n, 4096 - CMA_PAGES);
	for (unsigned i = 0; i < n; i += 2)
		assert_int_equal(pz_free_pages(pz, held[i], 0), 0);
	pz_drain_all_pages(pz);
	assert_int_equal(pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 0,
					      PZ_ALLOC_WMARK_MIN | PZ_ALLOC_HARDER, PZ_ZONE_NORMAL),
			 1);
	assert_int_equal(pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 3,
					      PZ_ALLOC_WMARK_MIN | PZ_ALLOC_HARDER, PZ_ZONE_NORMAL),
			 0);
	assert_int_equal(pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 3,
					      PZ_ALLOC_WMARK_MIN | PZ_ALLOC_HARDER | PZ_ALLOC_CMA,
					      PZ_ZONE_NORMAL),
			 1);
	pz_task_init(&rt);
	rt.flags = PZ_TASK_RT;
	pz_set_current_task(&rt);
	zr_calls = 0;
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_NORETRY | PZ__GFP_NOWARN, 3));
	pz_set_current_task(NULL);
	/* the fast path's LOW check, then each MIN attempt of the slow path
	 * (4.4: one before reclaim; 6.1: at the restart and the retry labels) */
	assert_int_equal(zr_calls, 1 + attempts);
	assert_int_equal(zr_last_order, 3);
	for (unsigned i = 1; i < n; i += 2)
		assert_int_equal(pz_free_pages(pz, held[i], 0), 0);
	tu_validate(pz);
	tu_destroy(pz);
}

static void test_harder_ignores_cma(void **state)
{
	(void)state;
	harder_ignores_cma(PZ_PROFILE_LINUX_4_4, 1);
	harder_ignores_cma(PZ_PROFILE_LINUX_6_1, 2);
}

/* ---------------------------------------------------------------------- */
/* 4.13's fallback (linux-6.1)                                              */

/*
 * Every page allocated (order-10 MOVABLE blocks), then the order-10 block
 * at P freed and, in its first pageblock, everything but P+320 o6 and
 * P+450 o1 taken again (66 free pages of 512; the second pageblock taken
 * whole). `lru` makes the taken blocks compound and puts them on the LRU.
 */
#define P (ZSTART + 4096)
static pz_t *shape_61(enum pz_profile prof, bool lru)
{
	static const struct {
		uint64_t pfn;
		unsigned order;
	} take[] = {{P, 8},	  {P + 256, 6}, {P + 384, 6}, {P + 448, 1}, {P + 452, 2},
		    {P + 456, 3}, {P + 464, 4}, {P + 480, 5}, {P + 512, 9}};
	const pz_gfp_t g = GFP_MOV_RESERVE | (lru ? PZ__GFP_COMP : 0);
	pz_t *pz = create_ex(prof, 0, 0);
	pz_page_t *p, *at = NULL;

	while ((p = pz_alloc_pages(pz, GFP_MOV_RESERVE, 10)) != NULL)
		if (pz_page_to_pfn(pz, p) == P)
			at = p;
	assert_non_null(at);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_FREE_PAGES], 0);
	pz_free_pages(pz, at, 10);
	for (size_t i = 0; i < sizeof(take) / sizeof(take[0]); i++) {
		assert_int_equal(pz_alloc_at_pfn(pz, take[i].pfn, take[i].order, g, &p), 0);
		if (lru)
			assert_int_equal(pz_page_set_state(pz, p, PZ_PAGE_LRU, 0), 0);
	}
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_FREE_PAGES], 66);
	return pz;
}

/*
 * An UNMOVABLE order-1 request finds P+320 o6 (the largest) on the MOVABLE
 * lists and may steal. 4.4 splits that block and moves the other (P+450)
 * to the UNMOVABLE lists, not claiming the block (66 free < 256). 6.1
 * (4.13) moves both, then takes the smallest UNMOVABLE block, P+450, and
 * claims the pageblock: 66 free + 446 pages neither free nor on the LRU
 * (alike_pages) >= 256. With the taken pages on the LRU none is alike.
 */
static void fallback_61_case(enum pz_profile prof, bool lru, uint64_t want, uint64_t unmov)
{
	pz_t *pz = shape_61(prof, lru);
	pz_page_t *p = pz_alloc_pages(pz, GFP_RESERVE, 1);

	assert_non_null(p);
	assert_int_equal(pz_page_to_pfn(pz, p), want);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).nr_blocks_mt[PZ_MT_UNMOVABLE], unmov);
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC_EXTFRAG], 1);
	assert_int_equal(tu_trace.last[PZ_TRACE_PAGE_ALLOC_EXTFRAG].pfn, (int64_t)(P + 320));
	assert_int_equal(tu_trace.last[PZ_TRACE_PAGE_ALLOC_EXTFRAG].change_ownership, unmov != 0);
	tu_validate(pz);
	tu_destroy(pz);
}

static void test_fallback_takes_smallest_stolen_61(void **state)
{
	(void)state;
	tu_trace_reset();
	fallback_61_case(PZ_PROFILE_LINUX_4_4, false, P + 320, 0);
	fallback_61_case(PZ_PROFILE_LINUX_6_1, false, P + 450, 1);
	fallback_61_case(PZ_PROFILE_LINUX_6_1, true, P + 450, 0);
}

/*
 * A MOVABLE request that may not steal (blocks under pageblock_order / 2)
 * takes the smallest fallback block in 6.1 (find_smallest), the largest
 * in 4.4: UNMOVABLE lists hold Q+3 o0, Q+4 o2, Q+8 o3 after the trim.
 */
static void movable_smallest_case(enum pz_profile prof, uint64_t off)
{
	pz_t *pz = create_ex(prof, 0, 0);
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	uint64_t q;

	assert_non_null(p);
	q = pz_page_to_pfn(pz, p);
	while (pz_alloc_pages(pz, GFP_MOV_RESERVE, 10))
		;
	for (unsigned o = 9; o >= 4; o--)
		assert_non_null(pz_alloc_pages(pz, GFP_RESERVE, o));
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_FREE_PAGES], 1 + 4 + 8);
	p = pz_alloc_pages(pz, GFP_MOV_RESERVE, 1);
	assert_non_null(p);
	assert_int_equal(pz_page_to_pfn(pz, p), q + off);
	tu_validate(pz);
	tu_destroy(pz);
}

static void test_movable_takes_smallest_61(void **state)
{
	(void)state;
	tu_trace_reset();
	movable_smallest_case(PZ_PROFILE_LINUX_4_4, 8);
	movable_smallest_case(PZ_PROFILE_LINUX_6_1, 4);
}

/*
 * Slot 3: a gfp with both MOVABLE and RECLAIMABLE. linux-4.1 takes it
 * from MIGRATE_RESERVE (its slot 3) and never falls back; linux-4.4 and
 * linux-6.1 call it MIGRATE_HIGHATOMIC, whose fallback row is UNMOVABLE
 * only: with no HIGHATOMIC block it takes an UNMOVABLE one (stealing
 * by the usual rules), and with no
 * UNMOVABLE block either it fails although MOVABLE memory is free. The
 * kernel's warning reaches the log sink.
 */
static void slot3_request(enum pz_profile profile)
{
	const pz_gfp_t slot3 =
		PZ_GFP_NOWAIT | PZ__GFP_MOVABLE | PZ__GFP_RECLAIMABLE | PZ__GFP_NOWARN;
	struct pz_config cfg;

	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 16384);
	tu_config(&cfg, &tm.m, profile, 0);
	tu_log_reset();
	pz_t *pz = tu_create_ok(&cfg);
	pz_page_t *p = pz_alloc_pages(pz, slot3, 2);
	assert_true(tu_log_contains("asks for both MOVABLE and RECLAIMABLE"));
	if (profile == PZ_PROFILE_LINUX_4_1) {
		assert_non_null(p); /* from the MIGRATE_RESERVE block */
		assert_int_equal(pz_pageblock_migratetype(pz, pz_page_to_pfn(pz, p)),
				 PZ_MT_RESERVE);
		assert_int_equal(pz_free_pages(pz, p, 2), 0);
		tu_validate(pz);
		tu_destroy(pz);
		return;
	}
	assert_null(p); /* every free block is MOVABLE */
	/* an unmovable page claims a pageblock: its free pages are UNMOVABLE */
	pz_page_t *k = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_non_null(k);
	p = pz_alloc_pages(pz, slot3, 2);
	assert_non_null(p);
	/* the largest UNMOVABLE block is a whole pageblock: the fallback
	 * steals it for its own type, HIGHATOMIC, which the reserve's count
	 * never hears of (as in both kernels) */
	assert_int_equal(pz_pageblock_migratetype(pz, pz_page_to_pfn(pz, p)), PZ_MT_HIGHATOMIC);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).nr_reserved_highatomic, 0);
	assert_int_equal(pz_free_pages(pz, p, 2), 0);
	assert_int_equal(pz_free_pages(pz, k, 0), 0);
	tu_validate(pz);
	tu_destroy(pz);
}

static void test_slot3_fallback(void **state)
{
	(void)state;
	slot3_request(PZ_PROFILE_LINUX_4_1);
	slot3_request(PZ_PROFILE_LINUX_4_4);
	slot3_request(PZ_PROFILE_LINUX_6_1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reserve_blocks_at_init),
		cmocka_unit_test(test_reserve_blocks_follow_min_free_kbytes),
		cmocka_unit_test(test_modern_no_reserve_blocks),
		cmocka_unit_test(test_unmovable_steals_whole_block),
		cmocka_unit_test(test_reclaimable_steals_whole_block),
		cmocka_unit_test(test_movable_small_block_no_steal),
		cmocka_unit_test(test_movable_steals_without_claim),
		cmocka_unit_test(test_movable_steals_and_claims),
		cmocka_unit_test(test_movable_takes_pageblock),
		cmocka_unit_test(test_mobility_grouping_disabled_config),
		cmocka_unit_test(test_mobility_grouping_small_machine),
		cmocka_unit_test(test_cma_only_movable_zone_start),
		cmocka_unit_test(test_cma_only_movable_mid_zone),
		cmocka_unit_test(test_harder_ignores_cma),
		cmocka_unit_test(test_slot3_fallback),
		cmocka_unit_test(test_fallback_takes_smallest_stolen_61),
		cmocka_unit_test(test_movable_takes_smallest_61),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
