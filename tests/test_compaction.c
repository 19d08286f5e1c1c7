/*
 * test_compaction.c - memory compaction through the migrate callback:
 * order-9 allocations that fail on a fragmented zone succeed after
 * compaction (both profiles, manual and direct), deferral arithmetic, skip
 * bits and cached scanner positions, async compaction leaving non-movable
 * pageblocks alone, kcompactd, the extfrag threshold, and every misuse of
 * the migrate protocol ending in a defined, counted state that passes
 * pz_validate.
 *
 * White-box where the slow path's entry points are called directly
 * (pz_try_to_compact_pages, the deferral functions); otherwise the public
 * API. The owner of the movable pages keeps them in a table indexed by a
 * slot number stored in the page's owner word, so a migration only has to
 * move one table entry.
 */
#include "testutil.h"
#include "../src/core/compaction.h"

#include <stdlib.h>
#include <string.h>

/* One Normal zone of 32 pageblocks (16384 pages), one CPU. */
#define ZSTART	  16384
#define ZPAGES	  16384
#define NBLOCK	  32
#define PBPAGES	  512
#define GFP_MOV	  (PZ_GFP_HIGHUSER_MOVABLE & ~PZ__GFP_DIRECT_RECLAIM)
#define GFP_UNMOV (PZ_GFP_KERNEL & ~PZ__GFP_DIRECT_RECLAIM)
#define GFP_HUGE  (PZ_GFP_HIGHUSER_MOVABLE & ~PZ__GFP_RECLAIM)

static struct tu_machine tm;
static struct pz_platform plat;
static unsigned grouping_off; /* the next create() disables grouping by mobility */

/* The owner: slot i holds held[i] (NULL when free). */
static pz_page_t *held[2 * ZPAGES]; /* slots are not reused */
static unsigned nheld;

enum behaviour {
	B_GOOD = 0,
	B_BUSY,		   /* refuse always */
	B_KEEP_SRC,	   /* OK but go on using src */
	B_FREE_SRC,	   /* move, free src itself, OK */
	B_ALLOC_INSIDE,	   /* allocate, validate and free inside the call */
	B_GARBAGE,	   /* an answer outside the enum */
	B_FREE_DST,	   /* free dst, then OK */
	B_KEEP_DST_REFUSE, /* take a reference on dst, refuse */
	B_BUSY_FIRST,	   /* refuse the first call BUSY, move the rest */
};
static struct {
	enum behaviour how;
	unsigned calls, in_unmovable_block, dst_not_movable, inside_ok;
	pz_page_t *kept[64];
	unsigned nkept;
	enum pz_migrate_mode last_mode;
	uint64_t first_src, first_dst; /* pfns of the first call */
} cb;

static enum pz_migrate_result migrate_cb(void *ctx, pz_t *pz, pz_page_t *src, pz_page_t *dst,
					 unsigned order, enum pz_migrate_mode mode)
{
	uintptr_t slot = pz_page_owner(src);

	(void)ctx;
	if (!cb.calls++) {
		cb.first_src = pz_page_to_pfn(pz, src);
		cb.first_dst = pz_page_to_pfn(pz, dst);
	}
	cb.last_mode = mode;
	if (pz_pageblock_migratetype(pz, pz_page_to_pfn(pz, src)) != PZ_MT_MOVABLE)
		cb.in_unmovable_block++;
	if (pz_pageblock_migratetype(pz, pz_page_to_pfn(pz, dst)) != PZ_MT_MOVABLE)
		cb.dst_not_movable++;
	if (!slot || slot > 2 * ZPAGES || held[slot - 1] != src || order != 0)
		return PZ_MIGRATE_UNKNOWN;
	assert_int_equal(pz_page_owner(dst), 0); /* the owner word is the owner's to copy */
	assert_int_equal(pz_page_refcount(pz, dst), 1);
	assert_int_equal(pz_page_refcount(pz, src), 2); /* the owner's and the core's */
	switch (cb.how) {
	case B_BUSY:
		return PZ_MIGRATE_BUSY;
	case B_BUSY_FIRST:
		if (cb.calls == 1)
			return PZ_MIGRATE_BUSY;
		break;
	case B_KEEP_SRC:
		return PZ_MIGRATE_OK;
	case B_FREE_SRC:
		held[slot - 1] = dst;
		pz_page_set_owner(dst, slot);
		assert_int_equal(pz_free_pages(pz, src, 0), 0);
		return PZ_MIGRATE_OK;
	case B_ALLOC_INSIDE: {
		pz_page_t *p = pz_alloc_pages(pz, GFP_UNMOV, 0);

		cb.inside_ok += pz_validate(pz) == 0;
		if (p)
			pz_free_pages(pz, p, 0);
		break;
	}
	case B_GARBAGE:
		return (enum pz_migrate_result)77;
	case B_FREE_DST:
		assert_int_equal(pz_free_pages(pz, dst, 0), 0);
		return PZ_MIGRATE_OK;
	case B_KEEP_DST_REFUSE:
		if (cb.nkept < 64 && pz_page_get(pz, dst) == 0)
			cb.kept[cb.nkept++] = dst;
		return PZ_MIGRATE_PINNED;
	default:
		break;
	}
	held[slot - 1] = dst;
	pz_page_set_owner(dst, slot);
	return PZ_MIGRATE_OK;
}

static pz_t *create(enum pz_profile profile)
{
	struct pz_config cfg;
	pz_t *pz;

	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, ZSTART, ZSTART + ZPAGES);
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &tm.m;
	cfg.profile = profile;
	cfg.mobility_grouping_disabled = grouping_off;
	grouping_off = 0;
	plat = tu_platform(0);
	cfg.platform = &plat;
	pz = tu_create(&cfg);
	assert_non_null(pz);
	memset(held, 0, sizeof(held));
	nheld = 0;
	memset(&cb, 0, sizeof(cb));
	return pz;
}

static void hold(pz_t *pz, pz_page_t *p)
{
	assert_true(nheld < 2 * ZPAGES);
	held[nheld] = p;
	pz_page_set_owner(p, ++nheld);
}

/* Fills the zone with movable order-0 pages, then frees every page whose
 * index modulo `every` is not 0: the zone is then 1/every full and no
 * order-9 block is free. */
static void fragment(pz_t *pz, unsigned every)
{
	pz_page_t *p;

	while ((p = pz_alloc_pages(pz, GFP_MOV | PZ__GFP_NOWARN, 0)))
		hold(pz, p);
	assert_true(nheld > ZPAGES / 2);
	for (unsigned i = 0; i < nheld; i++)
		if (pz_page_to_pfn(pz, held[i]) % every) {
			assert_int_equal(pz_free_pages(pz, held[i], 0), 0);
			held[i] = NULL;
		}
	pz_drain_all_pages(pz);
	assert_int_equal(pz_validate(pz), 0);
}

/* Order-9 blocks that can be allocated now (then freed again). */
static unsigned huge_available(pz_t *pz)
{
	pz_page_t *got[NBLOCK];
	unsigned n = 0;

	while (n < NBLOCK && (got[n] = pz_alloc_pages(pz, GFP_HUGE | PZ__GFP_NOWARN, 9)))
		n++;
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(pz_free_pages(pz, got[i], 9), 0);
	return n;
}

static uint64_t vm_event(pz_t *pz, enum pz_vm_event ev)
{
	uint64_t v[PZ_NR_VM_EVENTS];

	assert_int_equal(pz_vm_events(pz, v, PZ_NR_VM_EVENTS), 0);
	return v[ev];
}

/* Every page the owner holds is still an allocation of its own, and the
 * owner's table agrees with the owner words. */
static void check_owner(pz_t *pz)
{
	for (unsigned i = 0; i < nheld; i++) {
		if (!held[i])
			continue;
		assert_int_equal(pz_page_owner(held[i]), i + 1);
		assert_int_equal(pz_page_refcount(pz, held[i]), 1);
	}
}

static void release_all(pz_t *pz)
{
	for (unsigned i = 0; i < nheld; i++)
		if (held[i])
			assert_int_equal(pz_free_pages(pz, held[i], 0), 0);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

static void manual_raises_order9(enum pz_profile profile)
{
	pz_t *pz = create(profile);
	struct pz_compaction_stats st;
	unsigned before, after;

	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	fragment(pz, 4);
	before = huge_available(pz);
	assert_int_equal(before, 0);
	assert_int_equal(pz_compact_zone(pz, 0, PZ_ZONE_NORMAL), 0);
	assert_int_equal(pz_validate(pz), 0);
	check_owner(pz);
	after = huge_available(pz);
	/* a quarter of the zone is in use: at least half the blocks come free */
	assert_true(after >= NBLOCK / 2);
	assert_true(vm_event(pz, PZ_VM_PGMIGRATE_SUCCESS) > 0);
	assert_true(vm_event(pz, PZ_VM_COMPACT_ISOLATED) > vm_event(pz, PZ_VM_PGMIGRATE_SUCCESS));
	assert_true(vm_event(pz, PZ_VM_COMPACT_MIGRATE_SCANNED) > 0);
	assert_true(vm_event(pz, PZ_VM_COMPACT_FREE_SCANNED) > 0);
	assert_int_equal(pz_compaction_stats(pz, &st), 0);
	assert_int_equal(st.results[PZ_MIGRATE_OK], vm_event(pz, PZ_VM_PGMIGRATE_SUCCESS));
	assert_int_equal(cb.last_mode, PZ_MIGRATE_SYNC);
	release_all(pz);
}

static void test_manual_41(void **state)
{
	(void)state;
	manual_raises_order9(PZ_PROFILE_LINUX_4_1);
}

static void test_manual_modern(void **state)
{
	(void)state;
	manual_raises_order9(PZ_PROFILE_MODERN);
}

static void test_no_handler_moves_nothing(void **state)
{
	pz_t *pz = create(PZ_PROFILE_LINUX_4_1);
	uint64_t free0;

	(void)state;
	fragment(pz, 4);
	free0 = tu_free_pages(pz);
	assert_int_equal(pz_compact_memory(pz), 0);
	assert_int_equal(pz_validate(pz), 0);
	assert_int_equal(vm_event(pz, PZ_VM_PGMIGRATE_SUCCESS), 0);
	assert_int_equal(huge_available(pz), 0);
	assert_int_equal(tu_free_pages(pz) + tu_pcp_pages(pz), free0);
	check_owner(pz);
	release_all(pz);
}

/* Direct compaction as the slow path calls it (white-box). */
static enum pz_compact_result direct(pz_t *pz, unsigned order, enum pz_migrate_mode mode,
				     enum pz_compact_priority prio, struct pz_compact_req *req)
{
	static struct pz_alloc_ctx ac;

	memset(&ac, 0, sizeof(ac));
	ac.zonelist = pz->nodes[0].zonelist[0];
	ac.high_zoneidx = PZ_ZONE_MOVABLE;
	assert_true(pz_first_zone(pz, &ac, NULL));
	ac.migratetype = PZ_MT_MOVABLE;
	memset(req, 0, sizeof(*req));
	req->gfp = PZ_GFP_HIGHUSER_MOVABLE;
	req->order = order;
	req->alloc_flags = PZ_ALLOC_WMARK_MIN | PZ_ALLOC_CPUSET | PZ_ALLOC_CMA;
	req->ac = &ac;
	req->mode = mode;
	req->prio = prio;
	return pz_try_to_compact_pages(pz, req);
}

/* The block a direct compaction captured (6.1's capture_control) is an
 * allocation of the compactor's: order and alignment of the request,
 * refcount 1, pz_validate passing while it is held. Freed here; returns
 * how many blocks (0 or 1) were captured. */
static unsigned release_captured(pz_t *pz, struct pz_compact_req *req)
{
	struct pz_page *p = req->page;

	if (!p)
		return 0;
	assert_int_equal(pz_page_to_pfn(pz, p) % ((uint64_t)1 << req->order), 0);
	assert_int_equal(pz_page_refcount(pz, p), 1);
	assert_int_equal(pz_validate(pz), 0);
	assert_int_equal(pz_free_pages(pz, p, req->order), 0);
	req->page = NULL;
	return 1;
}

static void direct_raises_order9(enum pz_profile profile)
{
	pz_t *pz = create(profile);
	struct pz_compact_req req;
	enum pz_compact_result r;

	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	fragment(pz, 4);
	assert_int_equal(huge_available(pz), 0);
	r = direct(pz, 9, PZ_MIGRATE_SYNC_LIGHT, PZ_COMPACT_PRIO_SYNC_LIGHT, &req);
	assert_int_equal(r, PZ_COMPACT_SUCCESS);
	assert_false(req.deferred);
	/* 6.1 captures the pageblock its migrations freed; 4.x has no capture */
	assert_int_equal(req.page != NULL, profile == PZ_PROFILE_MODERN);
	assert_int_equal(pz_validate(pz), 0);
	check_owner(pz);
	assert_true(release_captured(pz, &req) + huge_available(pz) >= 1);
	assert_int_equal(cb.last_mode, PZ_MIGRATE_SYNC_LIGHT);
	/* gfp without __GFP_IO: nothing is tried */
	req.gfp = PZ__GFP_MOVABLE;
	assert_int_equal(pz_try_to_compact_pages(pz, &req), PZ_COMPACT_SKIPPED);
	release_all(pz);
}

static void test_direct_41(void **state)
{
	(void)state;
	direct_raises_order9(PZ_PROFILE_LINUX_4_1);
}

static void test_direct_modern(void **state)
{
	(void)state;
	direct_raises_order9(PZ_PROFILE_MODERN);
}

/*
 * Grouping by mobility off: blocks taken by requests become UNMOVABLE, yet
 * the blocks of __GFP_MOVABLE requests stay candidates (the kernel's LRU
 * pages). 6.1's highest priority takes targets from any block; 4.1, like
 * suitable_migration_target, only from blocks still labelled MOVABLE as
 * at boot.
 */
static void test_grouping_off(void **state)
{
	struct pz_compact_req req;
	pz_t *pz;

	(void)state;
	grouping_off = 1;
	pz = create(PZ_PROFILE_MODERN);
	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	fragment(pz, 4);
	assert_int_equal(pz_pageblock_migratetype(pz, ZSTART), PZ_MT_UNMOVABLE);
	assert_int_equal(huge_available(pz), 0);
	assert_int_equal(direct(pz, 9, PZ_MIGRATE_SYNC_LIGHT, PZ_COMPACT_PRIO_SYNC_FULL, &req),
			 PZ_COMPACT_SUCCESS);
	assert_true(cb.calls > 0);
	assert_int_equal(cb.in_unmovable_block, cb.calls);
	assert_int_equal(pz_validate(pz), 0);
	check_owner(pz);
	assert_true(release_captured(pz, &req) + huge_available(pz) >= 1);
	release_all(pz);

	grouping_off = 1;
	pz = create(PZ_PROFILE_LINUX_4_1);
	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	fragment(pz, 4);
	direct(pz, 9, PZ_MIGRATE_SYNC_LIGHT, PZ_COMPACT_PRIO_SYNC_LIGHT, &req);
	/* targets only in blocks still labelled MOVABLE (as at boot) */
	assert_true(cb.calls > 0);
	assert_true(cb.in_unmovable_block > 0);
	assert_int_equal(cb.dst_not_movable, 0);
	assert_int_equal(pz_validate(pz), 0);
	check_owner(pz);
	release_all(pz);
}

/*
 * try_to_compact_pages and deferral: 4.1 passes a deferred zone over and
 * reports DEFERRED (req.deferred for the slow path); a sync run whose
 * scanners meet without success defers the zone. 6.1 reports DEFERRED too
 * but its highest priority compacts a deferred zone all the same.
 */
static void test_direct_deferred(void **state)
{
	struct pz_compact_req req;
	struct pz_compaction_zone_info ci;
	pz_t *pz = create(PZ_PROFILE_LINUX_4_1);
	struct pz_zone *z = pz_zone_of(pz, 0, PZ_ZONE_NORMAL);

	(void)state;
	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	cb.how = B_BUSY; /* nothing moves: sync runs complete without success */
	fragment(pz, 4);
	assert_int_equal(direct(pz, 9, PZ_MIGRATE_SYNC_LIGHT, 0, &req), PZ_COMPACT_COMPLETE);
	assert_int_equal(pz_compaction_zone_info(pz, 0, PZ_ZONE_NORMAL, &ci), 0);
	assert_int_equal(ci.defer_shift, 1);
	assert_int_equal(ci.order_failed, 0);	 /* 9 is not below the initial 0 */
	assert_int_equal(ci.blockskip_flush, 1); /* direct compaction asks kswapd */
	cb.calls = 0;
	assert_int_equal(direct(pz, 9, PZ_MIGRATE_SYNC_LIGHT, 0, &req), PZ_COMPACT_DEFERRED);
	assert_true(req.deferred);
	assert_int_equal(cb.calls, 0);
	/* async runs never defer */
	assert_int_equal(direct(pz, 9, PZ_MIGRATE_ASYNC, 0, &req), PZ_COMPACT_COMPLETE);
	assert_int_equal(pz_compaction_zone_info(pz, 0, PZ_ZONE_NORMAL, &ci), 0);
	assert_int_equal(ci.defer_shift, 1);
	pz_reset_isolation_suitable(pz, 0); /* kswapd going to sleep */
	assert_int_equal(pz_compaction_zone_info(pz, 0, PZ_ZONE_NORMAL, &ci), 0);
	assert_int_equal(ci.blockskip_flush, 0);
	assert_int_equal(ci.skip_blocks, 0);
	release_all(pz);

	pz = create(PZ_PROFILE_MODERN);
	z = pz_zone_of(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	fragment(pz, 4);
	pz_defer_compaction(z, 9);
	pz_defer_compaction(z, 9);
	assert_int_equal(direct(pz, 9, 0, PZ_COMPACT_PRIO_SYNC_LIGHT, &req), PZ_COMPACT_DEFERRED);
	assert_int_equal(cb.calls, 0);
	assert_int_equal(direct(pz, 9, 0, PZ_COMPACT_PRIO_SYNC_FULL, &req), PZ_COMPACT_SUCCESS);
	assert_true(cb.calls > 0);
	release_all(pz);
}

/* defer_compaction / compaction_deferred / compaction_defer_reset /
 * compaction_restarting, step by step. */
static void test_deferral_arithmetic(void **state)
{
	pz_t *pz = create(PZ_PROFILE_LINUX_4_1);
	struct pz_zone *z = pz_zone_of(pz, 0, PZ_ZONE_NORMAL);
	struct pz_compaction_zone_info ci;

	(void)state;
	assert_false(pz_compaction_deferred(z, 9)); /* never deferred yet */
	pz_defer_compaction(z, 9);
	assert_int_equal(pz_compaction_zone_info(pz, 0, PZ_ZONE_NORMAL, &ci), 0);
	assert_int_equal(ci.defer_shift, 1);
	assert_int_equal(ci.considered, 0);
	assert_int_equal(ci.order_failed, 0); /* 9 is not below 0 */
	/* shift 1: one attempt passed over, the second runs */
	assert_true(pz_compaction_deferred(z, 9));
	assert_false(pz_compaction_deferred(z, 9));
	assert_false(pz_compaction_deferred(z, 9)); /* considered stays at the limit */
	assert_int_equal(pz_compaction_zone_info(pz, 0, PZ_ZONE_NORMAL, &ci), 0);
	assert_int_equal(ci.considered, 2);
	for (int i = 0; i < 10; i++)
		pz_defer_compaction(z, 9);
	assert_int_equal(pz_compaction_zone_info(pz, 0, PZ_ZONE_NORMAL, &ci), 0);
	assert_int_equal(ci.defer_shift, PZ_COMPACT_MAX_DEFER_SHIFT);
	for (int i = 0; i < 63; i++)
		assert_true(pz_compaction_deferred(z, 9));
	assert_false(pz_compaction_restarting(z, 9));
	assert_false(pz_compaction_deferred(z, 9));
	assert_true(pz_compaction_restarting(z, 9));
	/* a success at order 9 clears the deferral and raises order_failed */
	pz_compaction_defer_reset(z, 9, true);
	assert_int_equal(pz_compaction_zone_info(pz, 0, PZ_ZONE_NORMAL, &ci), 0);
	assert_int_equal(ci.defer_shift, 0);
	assert_int_equal(ci.considered, 0);
	assert_int_equal(ci.order_failed, 10);
	/* a failure at order 4 lowers it: orders below 4 are never deferred */
	pz_defer_compaction(z, 4);
	assert_int_equal(pz_compaction_zone_info(pz, 0, PZ_ZONE_NORMAL, &ci), 0);
	assert_int_equal(ci.order_failed, 4);
	assert_false(pz_compaction_deferred(z, 3));
	assert_true(pz_compaction_deferred(z, 4));
	/* a reset without success keeps the shift */
	pz_compaction_defer_reset(z, 4, false);
	assert_int_equal(pz_compaction_zone_info(pz, 0, PZ_ZONE_NORMAL, &ci), 0);
	assert_int_equal(ci.defer_shift, 1);
	assert_int_equal(ci.order_failed, 5);
	tu_destroy(pz);
}

/*
 * The first 8 pageblocks hold only unmovable pages (allocated after
 * freeing those blocks, so unmovable requests claim them), the rest is
 * movable and fragmented: sync compaction isolates nothing in the first
 * blocks and marks them to be skipped, and the next run scans less.
 */
static unsigned fill_low_unmovable(pz_t *pz, pz_page_t **unmov, unsigned max)
{
	unsigned n = 0;
	pz_page_t *p;

	for (unsigned i = 0; i < nheld; i++)
		if (pz_page_to_pfn(pz, held[i]) < ZSTART + 8 * PBPAGES) {
			assert_int_equal(pz_free_pages(pz, held[i], 0), 0);
			held[i] = NULL;
		}
	pz_drain_all_pages(pz);
	while (n < max && (p = pz_alloc_pages(pz, GFP_UNMOV | PZ__GFP_NOWARN, 0)))
		unmov[n++] = p;
	return n;
}

static pz_page_t *unmov[ZPAGES];

static void test_skip_bits_and_cached(void **state)
{
	pz_t *pz = create(PZ_PROFILE_LINUX_4_1);
	struct pz_compaction_zone_info ci;
	struct pz_compact_req req;
	unsigned nu, skipped_unmovable = 0;
	uint64_t scanned1, scanned2;

	(void)state;
	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	fragment(pz, 1); /* full of movable pages */
	nu = fill_low_unmovable(pz, unmov, ZPAGES);
	assert_true(nu >= 7 * PBPAGES); /* down to the LOW watermark */
	for (unsigned b = 0; b < 8; b++)
		assert_int_equal(pz_pageblock_migratetype(pz, ZSTART + b * PBPAGES),
				 PZ_MT_UNMOVABLE);
	for (unsigned i = 0; i < nheld; i++) /* fragment the movable part */
		if (held[i] && pz_page_to_pfn(pz, held[i]) % 4) {
			pz_free_pages(pz, held[i], 0);
			held[i] = NULL;
		}
	pz_drain_all_pages(pz);
	direct(pz, 9, PZ_MIGRATE_SYNC_LIGHT, PZ_COMPACT_PRIO_SYNC_LIGHT, &req);
	scanned1 = vm_event(pz, PZ_VM_COMPACT_MIGRATE_SCANNED);
	assert_int_equal(pz_compaction_zone_info(pz, 0, PZ_ZONE_NORMAL, &ci), 0);
	assert_true(ci.skip_blocks >= 8);
	for (unsigned b = 0; b < 8; b++)
		skipped_unmovable +=
			(pz->pageblock[(ZSTART + b * PBPAGES - pz->base_pfn) >> 9] & PB_SKIP) != 0;
	assert_int_equal(skipped_unmovable, 8);
	/* the run stopped before the scanners met (a block came free): both
	 * migrate positions (a sync run moves both) resume past the skipped
	 * unmovable blocks */
	assert_int_equal(ci.blockskip_flush, 0);
	assert_true(ci.cached_migrate_pfn[0] >= ZSTART + 7 * PBPAGES);
	assert_true(ci.cached_migrate_pfn[1] >= ZSTART + 7 * PBPAGES);
	assert_true(ci.cached_free_pfn <= ZSTART + ZPAGES - PBPAGES);
	/* a second run passes over the marked blocks without scanning them */
	for (unsigned i = 0; i < 4; i++)
		huge_available(pz);
	direct(pz, 9, PZ_MIGRATE_SYNC_LIGHT, PZ_COMPACT_PRIO_SYNC_LIGHT, &req);
	scanned2 = vm_event(pz, PZ_VM_COMPACT_MIGRATE_SCANNED) - scanned1;
	assert_true(scanned2 < scanned1);
	/* manual compaction ignores and clears the bits */
	assert_int_equal(pz_compact_zone(pz, 0, PZ_ZONE_NORMAL), 0);
	assert_int_equal(pz_compaction_zone_info(pz, 0, PZ_ZONE_NORMAL, &ci), 0);
	assert_int_equal(ci.skip_blocks, 0);
	assert_int_equal(ci.cached_migrate_pfn[0], ZSTART);
	assert_int_equal(pz_validate(pz), 0);
	for (unsigned i = 0; i < nu; i++)
		pz_free_pages(pz, unmov[i], 0);
	release_all(pz);
}

/*
 * Movable pages inside UNMOVABLE pageblocks (movable requests that fell
 * back into them): async compaction never takes them, sync does.
 */
static void test_async_skips_nonmovable(void **state)
{
	pz_t *pz = create(PZ_PROFILE_LINUX_4_1);
	struct pz_compact_req req;
	unsigned nu, k = 0;
	pz_page_t *p;

	(void)state;
	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	fragment(pz, 1);
	nu = fill_low_unmovable(pz, unmov, ZPAGES);
	/* every other unmovable page makes room for a movable one */
	for (unsigned i = 0; i < nu; i += 2) {
		pz_free_pages(pz, unmov[i], 0);
		unmov[i] = NULL;
	}
	pz_drain_all_pages(pz);
	while ((p = pz_alloc_pages(pz, GFP_MOV | PZ__GFP_NOWARN, 0)))
		hold(pz, p), k++;
	assert_true(k >= nu / 2 - 64);
	for (unsigned i = 0; i < nheld; i++)
		if (held[i] && pz_page_to_pfn(pz, held[i]) >= ZSTART + 8 * PBPAGES &&
		    pz_page_to_pfn(pz, held[i]) % 2) {
			pz_free_pages(pz, held[i], 0);
			held[i] = NULL;
		}
	pz_drain_all_pages(pz);
	direct(pz, 9, PZ_MIGRATE_ASYNC, PZ_COMPACT_PRIO_ASYNC, &req);
	assert_true(cb.calls > 0);
	assert_int_equal(cb.in_unmovable_block, 0);
	assert_int_equal(pz_validate(pz), 0);
	assert_int_equal(pz_compact_zone(pz, 0, PZ_ZONE_NORMAL), 0); /* sync */
	assert_true(cb.in_unmovable_block > 0);
	assert_int_equal(pz_validate(pz), 0);
	check_owner(pz);
	for (unsigned i = 0; i < nu; i++)
		if (unmov[i])
			pz_free_pages(pz, unmov[i], 0);
	release_all(pz);
}

/* One misbehaviour on a fragmented zone; returns the instance after a
 * manual compaction that passed pz_validate. */
static pz_t *misbehave_on(enum pz_profile profile, enum behaviour how,
			  struct pz_compaction_stats *st)
{
	pz_t *pz = create(profile);

	cb.how = how;
	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	fragment(pz, 4);
	tu_log_reset();
	assert_int_equal(pz_compact_zone(pz, 0, PZ_ZONE_NORMAL), 0);
	assert_int_equal(pz_validate(pz), 0);
	assert_int_equal(pz_compaction_stats(pz, st), 0);
	assert_true(st->calls > 0);
	return pz;
}

static pz_t *misbehave(enum behaviour how, struct pz_compaction_stats *st)
{
	return misbehave_on(PZ_PROFILE_LINUX_4_1, how, st);
}

/* BUSY is retried, ten calls for each page, and then the page is put
 * back. PGMIGRATE_FAIL counts those pages in 4.4 (migrate_pages adds the
 * last pass's retries to nr_failed) and 6.1 (nr_retry_pages), not in 4.1,
 * whose counter takes permanent failures only. */
static void test_refuse_always(void **state)
{
	static const enum pz_profile prof[] = {PZ_PROFILE_LINUX_4_1, PZ_PROFILE_LINUX_4_4,
					       PZ_PROFILE_LINUX_6_1};

	(void)state;
	for (unsigned i = 0; i < 3; i++) {
		struct pz_compaction_stats st;
		pz_t *pz = misbehave_on(prof[i], B_BUSY, &st);

		assert_int_equal(st.results[PZ_MIGRATE_BUSY], st.calls);
		assert_int_equal(st.calls % 10, 0);
		assert_int_equal(vm_event(pz, PZ_VM_PGMIGRATE_SUCCESS), 0);
		assert_int_equal(vm_event(pz, PZ_VM_PGMIGRATE_FAIL), i ? st.calls / 10 : 0);
		assert_int_equal(huge_available(pz), 0);
		check_owner(pz);
		release_all(pz);
	}
}

/* Targets running out in the middle of a pass (migrate_pages' -ENOMEM):
 * the whole zone held but pageblock 0 and the top three pages, the first
 * page of the batch (from block 1) refused BUSY and the rest moved. The
 * three targets take three pages, the fourth finds none. 4.1 and 4.4
 * leave through `out` counting nothing more; 6.1 counts the page without
 * a target and the BUSY page before it (nr_pages + nr_retry_pages). */
static void test_fail_count_when_targets_run_out(void **state)
{
	static const enum pz_profile prof[] = {PZ_PROFILE_LINUX_4_1, PZ_PROFILE_LINUX_4_4,
					       PZ_PROFILE_LINUX_6_1};
	static const unsigned want_fail[] = {0, 0, 2};

	(void)state;
	for (unsigned i = 0; i < 3; i++) {
		pz_t *pz = create(prof[i]);
		pz_page_t *p;
		struct pz_compaction_stats st;

		cb.how = B_BUSY_FIRST;
		assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
		while ((p = pz_alloc_pages(pz, GFP_MOV | PZ__GFP_MEMALLOC | PZ__GFP_NOWARN, 0)))
			hold(pz, p);
		assert_int_equal(nheld, ZPAGES);
		for (unsigned k = 0; k < nheld; k++) {
			uint64_t pfn = pz_page_to_pfn(pz, held[k]);

			if (pfn < ZSTART + PBPAGES || pfn >= ZSTART + ZPAGES - 3) {
				assert_int_equal(pz_free_pages(pz, held[k], 0), 0);
				held[k] = NULL;
			}
		}
		pz_drain_all_pages(pz);
		assert_int_equal(pz_compact_zone(pz, 0, PZ_ZONE_NORMAL), 0);
		assert_int_equal(pz_validate(pz), 0);
		assert_int_equal(pz_compaction_stats(pz, &st), 0);
		assert_int_equal(st.calls, 4);
		assert_int_equal(vm_event(pz, PZ_VM_PGMIGRATE_SUCCESS), 3);
		assert_int_equal(vm_event(pz, PZ_VM_PGMIGRATE_FAIL), want_fail[i]);
		check_owner(pz);
		release_all(pz);
	}
}

static void test_ok_but_keeps_source(void **state)
{
	struct pz_compaction_stats st;
	pz_t *pz = misbehave(B_KEEP_SRC, &st);
	struct pz_errors e0, e1;
	unsigned refused = 0;

	(void)state;
	assert_true(vm_event(pz, PZ_VM_PGMIGRATE_SUCCESS) > 0);
	/* the core freed the sources: the owner's own free of one is a
	 * double free, refused and counted, nothing else changes */
	pz_errors(pz, &e0);
	for (unsigned i = 0; i < nheld; i++)
		if (held[i] && pz_page_refcount(pz, held[i]) == 0) {
			assert_int_not_equal(pz_free_pages(pz, held[i], 0), 0);
			held[i] = NULL;
			refused++;
		}
	pz_errors(pz, &e1);
	assert_true(refused > 0);
	assert_int_equal(e1.double_free - e0.double_free, refused);
	assert_int_equal(pz_validate(pz), 0);
	release_all(pz); /* the targets stay allocated: the owner lost them */
}

static void test_callback_frees_source(void **state)
{
	struct pz_compaction_stats st;
	pz_t *pz = misbehave(B_FREE_SRC, &st);
	struct pz_errors e;

	(void)state;
	pz_errors(pz, &e);
	assert_int_equal(e.double_free, 0);
	assert_int_equal(st.src_kept, 0);
	assert_true(vm_event(pz, PZ_VM_PGMIGRATE_SUCCESS) > 0);
	assert_true(huge_available(pz) >= NBLOCK / 2);
	check_owner(pz);
	release_all(pz);
}

static void test_allocates_inside(void **state)
{
	struct pz_compaction_stats st;
	pz_t *pz = misbehave(B_ALLOC_INSIDE, &st);

	(void)state;
	assert_int_equal(cb.inside_ok, st.calls); /* pz_validate passed inside each call */
	assert_true(huge_available(pz) >= NBLOCK / 2);
	check_owner(pz);
	release_all(pz);
}

static void test_garbage_answer(void **state)
{
	struct pz_compaction_stats st;
	pz_t *pz = misbehave(B_GARBAGE, &st);

	(void)state;
	assert_int_equal(st.bad_result, st.calls);
	assert_int_equal(vm_event(pz, PZ_VM_PGMIGRATE_SUCCESS), 0);
	assert_int_equal(vm_event(pz, PZ_VM_PGMIGRATE_FAIL), st.calls);
	assert_true(tu_log_contains("migrate callback misuse"));
	check_owner(pz);
	release_all(pz);
}

static void test_frees_target(void **state)
{
	struct pz_compaction_stats st;
	pz_t *pz = misbehave(B_FREE_DST, &st);

	(void)state;
	assert_int_equal(st.dst_freed, st.calls);
	assert_int_equal(vm_event(pz, PZ_VM_PGMIGRATE_SUCCESS), 0);
	check_owner(pz); /* the sources stay the owner's */
	release_all(pz);
}

static void test_keeps_target_and_refuses(void **state)
{
	struct pz_compaction_stats st;
	pz_t *pz = misbehave(B_KEEP_DST_REFUSE, &st);

	(void)state;
	assert_true(st.dst_kept >= cb.nkept);
	assert_true(cb.nkept > 0);
	for (unsigned i = 0; i < cb.nkept; i++) {
		assert_int_equal(pz_page_refcount(pz, cb.kept[i]), 1);
		assert_int_equal(pz_free_pages(pz, cb.kept[i], 0), 0);
	}
	check_owner(pz);
	release_all(pz);
}

/* kcompactd (modern): a deferred wake-up records work; the run does it. */
static void test_kcompactd(void **state)
{
	pz_t *pz = create(PZ_PROFILE_MODERN);

	(void)state;
	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	assert_int_equal(pz_set_kcompactd_mode(pz, PZ_KCOMPACTD_DEFERRED), 0);
	assert_int_equal(pz_set_kcompactd_mode(pz, (enum pz_kcompactd_mode)7), -PZ_EINVAL);
	fragment(pz, 4);
	assert_int_equal(pz_kcompactd_run(pz, 0), 0); /* nothing recorded */
	pz_wakeup_kcompactd(pz, 0, 9, PZ_ZONE_NORMAL);
	assert_int_equal(cb.calls, 0);
	assert_int_equal(pz_kcompactd_run(pz, 0), 1);
	assert_int_equal(vm_event(pz, PZ_VM_COMPACT_DAEMON_WAKE), 1);
	assert_true(vm_event(pz, PZ_VM_COMPACT_DAEMON_MIGRATE_SCANNED) > 0);
	assert_true(cb.calls > 0);
	assert_int_equal(cb.last_mode, PZ_MIGRATE_SYNC_LIGHT);
	assert_true(huge_available(pz) >= 1);
	assert_int_equal(pz_kcompactd_run(pz, 0), 0);
	assert_int_equal(pz_kcompactd_run(pz, 3), -PZ_ENODEV);
	assert_int_equal(pz_validate(pz), 0);
	check_owner(pz);
	release_all(pz);
	/* inline mode (the default) runs the pass at the wake-up itself */
	pz = create(PZ_PROFILE_MODERN);
	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	fragment(pz, 4);
	pz_wakeup_kcompactd(pz, 0, 9, PZ_ZONE_NORMAL);
	assert_true(cb.calls > 0);
	assert_int_equal(pz_kcompactd_run(pz, 0), 0);
	assert_true(huge_available(pz) >= 1);
	check_owner(pz);
	release_all(pz);
}

/* extfrag_threshold: 1000 makes every zone unsuitable for 4.1's direct
 * compaction, 0 none; the setter's range. */
static void test_extfrag_threshold(void **state)
{
	pz_t *pz = create(PZ_PROFILE_LINUX_4_1);
	struct pz_compact_req req;

	(void)state;
	assert_int_equal(pz_extfrag_threshold(pz), 500);
	assert_int_equal(pz_set_extfrag_threshold(pz, 1001), -PZ_EINVAL);
	assert_int_equal(pz_set_extfrag_threshold(pz, -1), -PZ_EINVAL);
	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	fragment(pz, 4);
	assert_int_equal(pz_set_extfrag_threshold(pz, 1000), 0);
	assert_int_equal(pz_extfrag_threshold(pz), 1000);
	assert_int_equal(direct(pz, 9, PZ_MIGRATE_SYNC_LIGHT, 0, &req), PZ_COMPACT_SKIPPED);
	assert_int_equal(cb.calls, 0);
	assert_int_equal(pz_set_extfrag_threshold(pz, 0), 0);
	assert_int_equal(direct(pz, 9, PZ_MIGRATE_SYNC_LIGHT, 0, &req), PZ_COMPACT_SUCCESS);
	assert_true(cb.calls > 0);
	release_all(pz);
}

static void test_bad_arguments(void **state)
{
	pz_t *pz = create(PZ_PROFILE_LINUX_4_1);
	struct pz_compaction_zone_info ci;

	(void)state;
	assert_int_equal(pz_set_migrate_handler(NULL, migrate_cb, NULL), -PZ_EINVAL);
	assert_int_equal(pz_compact_zone(pz, 0, PZ_ZONE_DMA), -PZ_ENODEV);
	assert_int_equal(pz_compact_zone(pz, 5, PZ_ZONE_NORMAL), -PZ_ENODEV);
	assert_int_equal(pz_compact_node(pz, -1), -PZ_ENODEV);
	assert_int_equal(pz_compact_memory(NULL), -PZ_EINVAL);
	assert_int_equal(pz_compaction_zone_info(pz, 0, PZ_ZONE_NORMAL, NULL), -PZ_EINVAL);
	assert_int_equal(pz_compaction_zone_info(pz, 0, PZ_ZONE_DMA32, &ci), -PZ_ENODEV);
	assert_int_equal(pz_compaction_stats(pz, NULL), -PZ_EINVAL);
	tu_destroy(pz);
}

/*
 * kswapd_try_to_sleep: a kswapd that goes to sleep clears the skip bits
 * and cached positions of the zones whose direct compaction asked for it
 * (compact_blockskip_flush) - reset_isolation_suitable, called by 4.1
 * and 4.4 as kswapd sleeps and by 6.1 before its nap. A node that stays
 * balanced keeps kswapd's round short: balance, then the sleep.
 */
static void sleep_resets_skip(enum pz_profile profile)
{
	struct pz_compact_req req;
	struct pz_compaction_zone_info ci;
	pz_t *pz = create(profile);

	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	cb.how = B_BUSY; /* nothing moves: the scanners meet */
	fragment(pz, 4);
	direct(pz, 9, PZ_MIGRATE_SYNC_LIGHT, PZ_COMPACT_PRIO_SYNC_LIGHT, &req);
	assert_int_equal(pz_compaction_zone_info(pz, 0, PZ_ZONE_NORMAL, &ci), 0);
	assert_int_equal(ci.blockskip_flush, 1);
	assert_true(ci.skip_blocks > 0);
	assert_int_equal(pz_kswapd_run(pz, 0), PZ_KSWAPD_SLEEP);
	assert_int_equal(pz_compaction_zone_info(pz, 0, PZ_ZONE_NORMAL, &ci), 0);
	assert_int_equal(ci.blockskip_flush, 0);
	assert_int_equal(ci.skip_blocks, 0);
	assert_int_equal(ci.cached_migrate_pfn[0], ZSTART);
	release_all(pz);
}

static bool skip_bit(pz_t *pz, uint64_t pfn)
{
	return atomic_load(&pz->pageblock[(pfn - pz->base_pfn) >> pz->pageblock_order]) & PB_SKIP;
}

/*
 * 6.1's reset (from 5.1) is selective. Its two ends walk toward the
 * middle a block at a time, sampling every eighth page: the lower half's
 * blocks hold a movable page at every sample (every fourth page is held
 * here) and lose their bits; the upper half's samples find no free page
 * (the free pages sit at pfn % 4 != 0), so those blocks keep their bits.
 * With no free block found, the cached starts are where the walk met: the
 * next run starts with its scanners met. A second call without a new
 * request from direct compaction changes nothing.
 */
static void test_61_reset_is_selective(void **state)
{
	struct pz_compact_req req;
	struct pz_compaction_zone_info ci;
	pz_t *pz = create(PZ_PROFILE_LINUX_6_1);
	bool before[NBLOCK];

	(void)state;
	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	cb.how = B_BUSY;
	fragment(pz, 4);
	/* the pages fragment() could not take (the watermark reserve) must
	 * not lie at the upper half's samples */
	for (uint64_t pfn = ZSTART + ZPAGES / 2; pfn < ZSTART + ZPAGES; pfn += 4) {
		pz_page_t *p;

		if (pz_alloc_at_pfn(pz, pfn, 0, GFP_MOV, &p) == 0)
			hold(pz, p);
	}
	direct(pz, 9, PZ_MIGRATE_SYNC_LIGHT, PZ_COMPACT_PRIO_SYNC_LIGHT, &req);
	for (unsigned b = 0; b < NBLOCK; b++)
		before[b] = skip_bit(pz, ZSTART + b * 512ull);
	assert_int_equal(pz_compaction_zone_info(pz, 0, PZ_ZONE_NORMAL, &ci), 0);
	assert_int_equal(ci.blockskip_flush, 1);
	pz_reset_isolation_suitable(pz, 0);
	assert_int_equal(pz_compaction_zone_info(pz, 0, PZ_ZONE_NORMAL, &ci), 0);
	assert_int_equal(ci.blockskip_flush, 0);
	for (unsigned b = 0; b < NBLOCK; b++)
		assert_int_equal(skip_bit(pz, ZSTART + b * 512ull), b < NBLOCK / 2 ? 0 : before[b]);
	assert_true(ci.skip_blocks > 0);
	assert_int_equal(ci.cached_migrate_pfn[0], ZSTART + ZPAGES / 2);
	assert_int_equal(ci.cached_migrate_pfn[1], ZSTART + ZPAGES / 2);
	assert_int_equal(ci.cached_free_pfn, ZSTART + ZPAGES / 2 - 1);
	pz_reset_isolation_suitable(pz, 0); /* nothing asked for: nothing done */
	assert_int_equal(pz_compaction_zone_info(pz, 0, PZ_ZONE_NORMAL, &ci), 0);
	assert_int_equal(ci.cached_free_pfn, ZSTART + ZPAGES / 2 - 1);
	release_all(pz);
}

static void test_kswapd_sleep_resets_skip(void **state)
{
	(void)state;
	sleep_resets_skip(PZ_PROFILE_LINUX_4_1);
	sleep_resets_skip(PZ_PROFILE_LINUX_4_4);
}

/*
 * wakeup_kcompactd decides on the order and zone it has recorded, not on
 * the wake-up's own (kcompactd_node_suitable reads kcompactd_max_order):
 * once an order-9 wake-up found nothing to compact, an order-2 wake-up
 * that would have work still leaves kcompactd asleep while order 9 is
 * recorded. Here MIN + 100 single free pages (the zone filled without
 * watermarks first): order 2 could compact (MIN + 8
 * free, no order-2 block), order 9 could not (under LOW + 1024).
 */
static void test_kcompactd_recorded_order(void **state)
{
	pz_t *pz = create(PZ_PROFILE_MODERN);
	struct pz_zone *z = pz_zone_of(pz, 0, PZ_ZONE_NORMAL);
	struct pz_zone_info zi;
	uint64_t nfree = 0;
	pz_page_t *p;

	(void)state;
	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	while ((p = pz_alloc_pages(pz, GFP_MOV | PZ__GFP_MEMALLOC | PZ__GFP_NOWARN, 0)))
		hold(pz, p);
	assert_int_equal(pz_zone_info(pz, 0, PZ_ZONE_NORMAL, &zi), 0);
	for (unsigned i = 0; i < nheld && nfree < zi.wmark_min + 100; i++)
		if (pz_page_to_pfn(pz, held[i]) % 2) {
			assert_int_equal(pz_free_pages(pz, held[i], 0), 0);
			held[i] = NULL;
			nfree++;
		}
	assert_true(nfree < zi.wmark_low + 1024);
	pz_drain_all_pages(pz);
	assert_int_equal(pz_compaction_suitable(pz, z, 9, 0, PZ_ZONE_NORMAL), PZ_COMPACT_SKIPPED);
	assert_int_equal(pz_compaction_suitable(pz, z, 2, 0, PZ_ZONE_NORMAL), PZ_COMPACT_CONTINUE);
	pz_wakeup_kcompactd(pz, 0, 9, PZ_ZONE_NORMAL);
	pz_wakeup_kcompactd(pz, 0, 2, PZ_ZONE_NORMAL);
	assert_int_equal(vm_event(pz, PZ_VM_COMPACT_DAEMON_WAKE), 0);
	/* order 9 is still recorded: the embedder's pass runs for it */
	assert_int_equal(pz_kcompactd_run(pz, 0), 1);
	assert_int_equal(vm_event(pz, PZ_VM_COMPACT_DAEMON_WAKE), 1);
	release_all(pz);
}

/*
 * capture_control (6.1): the pageblock a direct compaction's migrations
 * free is taken for the request, off the free path, with the zone's free
 * count and pz_validate exact while it is held; 4.x never captures.
 */
static void test_capture_accounting(void **state)
{
	struct pz_compact_req req;
	uint64_t free0;
	pz_t *pz;

	(void)state;
	pz = create(PZ_PROFILE_MODERN);
	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	fragment(pz, 4);
	free0 = tu_free_pages(pz) + tu_pcp_pages(pz);
	assert_int_equal(direct(pz, 9, PZ_MIGRATE_SYNC_LIGHT, PZ_COMPACT_PRIO_SYNC_LIGHT, &req),
			 PZ_COMPACT_SUCCESS);
	assert_non_null(req.page);
	assert_true(cb.calls > 0);
	/* migrations move pages, they free none: the captured block left
	 * the free count and nothing else did */
	assert_int_equal(tu_free_pages(pz) + tu_pcp_pages(pz) + PBPAGES, free0);
	assert_int_equal(pz_pageblock_migratetype(pz, pz_page_to_pfn(pz, req.page)), PZ_MT_MOVABLE);
	assert_int_equal(release_captured(pz, &req), 1);
	assert_int_equal(tu_free_pages(pz) + tu_pcp_pages(pz), free0);
	check_owner(pz);
	release_all(pz);
}

/*
 * Below a pageblock a MOVABLE block is never captured (it would let a
 * small request take a movable pageblock's pages), a block of another
 * type is: with grouping off every pageblock is UNMOVABLE.
 */
static void test_capture_sub_pageblock(void **state)
{
	struct pz_compact_req req;
	pz_t *pz;

	(void)state;
	for (unsigned off = 0; off < 2; off++) {
		pz_page_t *big[NBLOCK * 32];
		unsigned nbig = 0;

		grouping_off = off;
		pz = create(PZ_PROFILE_MODERN);
		assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
		fragment(pz, 4);
		/* the fill's last free blocks of order 4 and up are taken too
		 * (no owner: never moved), so that order 4 needs compaction */
		while (nbig < NBLOCK * 32 &&
		       (big[nbig] = pz_alloc_pages(pz, GFP_UNMOV | PZ__GFP_NOWARN, 4)))
			nbig++;
		direct(pz, 4, PZ_MIGRATE_SYNC_LIGHT, PZ_COMPACT_PRIO_SYNC_FULL, &req);
		assert_true(cb.calls > 0);
		assert_int_equal(req.page != NULL, off == 1);
		assert_int_equal(release_captured(pz, &req), off);
		while (nbig)
			assert_int_equal(pz_free_pages(pz, big[--nbig], 4), 0);
		check_owner(pz);
		release_all(pz);
	}
}

/* The slow path hands the captured block out, prepared as any other. */
static void test_capture_slowpath(void **state)
{
	const pz_gfp_t gfp = PZ_GFP_HIGHUSER_MOVABLE | PZ__GFP_NORETRY | PZ__GFP_NOWARN;
	pz_t *pz;
	pz_page_t *p;

	(void)state;
	pz = create(PZ_PROFILE_MODERN);
	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	fragment(pz, 4);
	p = pz_alloc_pages(pz, gfp & ~PZ__GFP_KSWAPD_RECLAIM, 9);
	assert_non_null(p);
	assert_int_equal(vm_event(pz, PZ_VM_COMPACT_STALL), 1);
	assert_int_equal(vm_event(pz, PZ_VM_COMPACT_SUCCESS), 1);
	assert_int_equal(pz_page_refcount(pz, p), 1);
	assert_int_equal(pz_validate(pz), 0);
	assert_int_equal(pz_free_pages(pz, p, 9), 0);
	check_owner(pz);
	release_all(pz);
}

/* ---- proactive compaction (6.1) ------------------------------------------ */

/* The sysctl and the tick exist in linux-6.1 only. */
static void test_proactive_sysctl(void **state)
{
	struct pz_vm_sysctls sc;
	pz_t *pz;

	(void)state;
	pz = create(PZ_PROFILE_LINUX_4_1);
	tu_log_reset();
	assert_int_equal(pz_set_compaction_proactiveness(pz, 30), -PZ_EOPNOTSUPP);
	assert_true(tu_log_contains("compaction_proactiveness"));
	assert_int_equal(pz_compaction_proactiveness(pz), -PZ_EOPNOTSUPP);
	assert_int_equal(pz_kcompactd_tick(pz, 0), -PZ_EOPNOTSUPP);
	assert_int_equal(pz_get_vm_sysctls(pz, &sc), 0);
	assert_int_equal(sc.compaction_proactiveness, 0);
	tu_destroy(pz);
	pz = create(PZ_PROFILE_MODERN);
	assert_int_equal(pz_compaction_proactiveness(pz), 20);
	assert_int_equal(pz_set_compaction_proactiveness(pz, 101), -PZ_EINVAL);
	assert_int_equal(pz_set_compaction_proactiveness(pz, 0), 0);
	assert_int_equal(pz_get_vm_sysctls(pz, &sc), 0);
	assert_int_equal(sc.compaction_proactiveness, 0);
	assert_int_equal(pz_set_compaction_proactiveness(pz, 100), 0);
	assert_int_equal(pz_compaction_proactiveness(pz), 100);
	assert_int_equal(pz_kcompactd_tick(pz, 1), -PZ_ENODEV);
	assert_int_equal(pz_kcompactd_tick(NULL, 0), -PZ_EINVAL);
	tu_destroy(pz);
}

static unsigned kc_wakes, kc_valid;
static pz_t *kc_pz;

static void wake_kcompactd(void *ctx, int nid)
{
	(void)ctx;
	assert_int_equal(nid, 0);
	kc_wakes++;
	kc_valid += pz_validate(kc_pz) == 0; /* no allocator lock is held */
}

/* 6.1's compaction_proactiveness_sysctl_handler wakes every node's
 * kcompactd when a nonzero value is written: the wake_kcompactd hook is
 * called (and not for 0, nor in 4.x); in deterministic mode the write
 * runs the proactive check itself, so a fragmented node is compacted
 * before the setter returns, with no tick. */
static void test_proactive_sysctl_wakes(void **state)
{
	struct pz_compaction_stats st;
	pz_t *pz;

	(void)state;
	for (int p = 0; p < 2; p++) {
		pz = kc_pz = create(p ? PZ_PROFILE_LINUX_6_1 : PZ_PROFILE_LINUX_4_4);
		kc_wakes = kc_valid = 0;
		((struct pz *)pz)->plat.wake_kcompactd = wake_kcompactd;
		pz_set_compaction_proactiveness(pz, 30);
		pz_set_compaction_proactiveness(pz, 0);
		assert_int_equal(kc_wakes, p ? 1 : 0);
		assert_int_equal(kc_valid, kc_wakes);
		tu_destroy(pz);
	}
	pz = kc_pz = create(PZ_PROFILE_LINUX_6_1);
	kc_wakes = 0;
	((struct pz *)pz)->plat.wake_kcompactd = wake_kcompactd;
	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	fragment(pz, 4);
	pz->kswapd[0].asleep = 1;
	pz->kswapd_inline = true;
	assert_int_equal(pz_set_compaction_proactiveness(pz, 20), 0);
	assert_int_equal(kc_wakes, 0);
	assert_true(cb.calls > 0);
	assert_int_equal(pz_compaction_stats(pz, &st), 0);
	assert_int_equal(st.proactive_runs, 1);
	assert_true(pz_fragmentation_score(pz, 0) <= 80);
	pz->kswapd_inline = false;
	check_owner(pz);
	release_all(pz);
}

/* The score: 0 with the zone's free memory in whole blocks; with every
 * free page in blocks below order 9, 100 weighted by the zone's share of
 * the node's present pages (16384 / 16385). */
static void test_fragmentation_score(void **state)
{
	pz_t *pz = create(PZ_PROFILE_MODERN);

	(void)state;
	assert_int_equal(pz_fragmentation_score(pz, 0), 0);
	fragment(pz, 4);
	assert_int_equal(pz_fragmentation_score(pz, 0), 100 * ZPAGES / (ZPAGES + 1));
	assert_int_equal(pz_fragmentation_score(pz, 2), -PZ_ENODEV);
	release_all(pz);
}

/* A tick above the high mark compacts the node until the zone is at the
 * low mark; at or below the high mark, with proactiveness 0 or while
 * kswapd is awake it does nothing. */
static void test_proactive_tick(void **state)
{
	struct pz_compaction_stats st;
	pz_t *pz = create(PZ_PROFILE_MODERN);

	(void)state;
	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	fragment(pz, 4);
	assert_int_equal(pz_set_compaction_proactiveness(pz, 0), 0);
	assert_int_equal(pz_kcompactd_tick(pz, 0), 0);
	assert_int_equal(pz_set_compaction_proactiveness(pz, 20), 0);
	/* the fill woke kswapd, which nobody ran: kswapd_is_running */
	assert_int_equal(pz->kswapd[0].asleep, 0);
	assert_int_equal(pz_kcompactd_tick(pz, 0), 0);
	pz->kswapd[0].asleep = 1;
	assert_int_equal(cb.calls, 0);
	assert_int_equal(pz_kcompactd_tick(pz, 0), 1);
	assert_true(cb.calls > 0);
	assert_int_equal(cb.last_mode, PZ_MIGRATE_SYNC_LIGHT);
	/* the run stopped once the zone reached the low mark, 100 - 20 */
	assert_true(pz_fragmentation_score(pz, 0) <= 80);
	assert_true(pz_fragmentation_score(pz, 0) > 60);
	assert_true(huge_available(pz) >= 1);
	assert_int_equal(pz_compaction_stats(pz, &st), 0);
	assert_int_equal(st.proactive_runs, 1);
	/* not above the high mark (90) any more: nothing to do */
	assert_int_equal(pz_kcompactd_tick(pz, 0), 0);
	assert_int_equal(pz_validate(pz), 0);
	check_owner(pz);
	release_all(pz);
}

/* A pass that does not lower the score makes the next 63 ticks wait (6.1's
 * 64-fold timeout); a sysctl write ends the wait, and so does a kcompactd
 * pass for a wake-up. */
static void test_proactive_backoff(void **state)
{
	pz_t *pz = create(PZ_PROFILE_MODERN);
	struct pz_compaction_stats st;

	(void)state;
	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	assert_int_equal(pz_set_kcompactd_mode(pz, PZ_KCOMPACTD_DEFERRED), 0);
	fragment(pz, 4);
	pz->kswapd[0].asleep = 1; /* woken by the fill, never run: asleep again */
	cb.how = B_BUSY;	  /* nothing moves: no progress */
	assert_int_equal(pz_kcompactd_tick(pz, 0), 1);
	for (int i = 0; i < 63; i++)
		assert_int_equal(pz_kcompactd_tick(pz, 0), 0);
	assert_int_equal(pz_kcompactd_tick(pz, 0), 1);
	assert_int_equal(pz_kcompactd_tick(pz, 0), 0);
	assert_int_equal(pz_set_compaction_proactiveness(pz, 20), 0);
	assert_int_equal(pz_kcompactd_tick(pz, 0), 1);
	assert_int_equal(pz_kcompactd_tick(pz, 0), 0);
	pz_wakeup_kcompactd(pz, 0, 9, PZ_ZONE_NORMAL);
	assert_int_equal(pz_kcompactd_run(pz, 0), 1);
	assert_int_equal(pz_kcompactd_tick(pz, 0), 1);
	assert_int_equal(pz_compaction_stats(pz, &st), 0);
	assert_int_equal(st.proactive_runs, 4);
	cb.how = B_GOOD;
	assert_int_equal(pz_validate(pz), 0);
	check_owner(pz);
	release_all(pz);
}

/* ---- 6.1's free-list searches (compaction_fast.c) ------------------------- */

/* Frees the held pages in [pfn, pfn + n) and drains, so that they merge
 * with their free neighbours (fragment(pz, 2) left every odd pfn free). */
static void free_held_range(pz_t *pz, uint64_t pfn, uint64_t n)
{
	for (unsigned i = 0; i < nheld; i++)
		if (held[i] && pz_page_to_pfn(pz, held[i]) >= pfn &&
		    pz_page_to_pfn(pz, held[i]) < pfn + n) {
			assert_int_equal(pz_free_pages(pz, held[i], 0), 0);
			held[i] = NULL;
		}
	pz_drain_all_pages(pz);
}

/* Unmovable pairs that took every free block of order 1 and above left
 * after fragment() (the blocks below the watermark it stopped at). */
static pz_page_t *pairs[1024];
static unsigned npairs;

static void take_pairs(pz_t *pz)
{
	for (npairs = 0; npairs < 1024; npairs++)
		if (!(pairs[npairs] = pz_alloc_pages(pz, GFP_UNMOV | PZ__GFP_NOWARN, 1)))
			break;
	assert_true(npairs < 1024);
	pz_drain_all_pages(pz);
}

static void free_pairs(pz_t *pz)
{
	for (unsigned i = 0; i < npairs; i++)
		assert_int_equal(pz_free_pages(pz, pairs[i], 1), 0);
	npairs = 0;
}

static unsigned block_of(uint64_t pfn)
{
	return (unsigned)((pfn - ZSTART) / PBPAGES);
}

/*
 * The free scanner of a direct compaction (order 3, async) takes its
 * first target from the MOVABLE list of order 2, a block in the top
 * quarter of the zone (block 28), where walking down from the zone's last
 * block would take the first free page of block 31. Async direct
 * compaction does not isolate around it.
 */
static void test_fast_free_from_list(void **state)
{
	pz_t *pz = create(PZ_PROFILE_MODERN);
	const uint64_t at = ZSTART + 28 * PBPAGES + 100;
	struct pz_compact_req req;
	uint64_t scanned0;

	(void)state;
	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	fragment(pz, 2);
	take_pairs(pz);
	free_held_range(pz, at, 4);
	assert_int_equal(atomic_load(&pz_zone_of(pz, 0, PZ_ZONE_NORMAL)->free_area[2].nr_free), 1);
	scanned0 = vm_event(pz, PZ_VM_COMPACT_FREE_SCANNED);
	direct(pz, 3, PZ_MIGRATE_ASYNC, PZ_COMPACT_PRIO_ASYNC, &req);
	release_captured(pz, &req);
	assert_true(cb.calls > 0);
	assert_int_equal(cb.first_src, ZSTART);
	assert_int_equal(cb.first_dst, at);
	/* the first search looked at that one list entry and the block's
	 * pages (4), or more when it went on below */
	assert_true(vm_event(pz, PZ_VM_COMPACT_FREE_SCANNED) - scanned0 >= 4);
	assert_int_equal(pz_validate(pz), 0);
	check_owner(pz);
	free_pairs(pz);
	release_all(pz);
}

/*
 * The migrate scanner of an order-9 direct compaction starts in the
 * block (10) whose free order-3 block it found on the MOVABLE list, not at
 * the zone's start, and marks that block skipped; 4.1 walks up from the
 * zone's start (its first blocks hold the unmovable pairs).
 */
static void migrate_from_list(enum pz_profile profile, unsigned want_block)
{
	pz_t *pz = create(profile);
	const uint64_t at = ZSTART + 10 * PBPAGES + 64;
	struct pz_compaction_zone_info ci;
	struct pz_compact_req req;

	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	fragment(pz, 2);
	take_pairs(pz);
	free_held_range(pz, at, 8);
	direct(pz, 9, PZ_MIGRATE_SYNC_LIGHT, PZ_COMPACT_PRIO_SYNC_LIGHT, &req);
	release_captured(pz, &req);
	assert_true(cb.calls > 0);
	if (want_block)
		assert_int_equal(block_of(cb.first_src), want_block);
	else /* from the bottom, below the block with the free pages */
		assert_true(block_of(cb.first_src) < 10);
	assert_int_equal(pz_compaction_zone_info(pz, 0, PZ_ZONE_NORMAL, &ci), 0);
	if (want_block)
		assert_true(pz->pageblock[(at - pz->base_pfn) >> 9] & PB_SKIP);
	assert_int_equal(pz_validate(pz), 0);
	check_owner(pz);
	free_pairs(pz);
	release_all(pz);
}

static void test_fast_migrate_from_list(void **state)
{
	(void)state;
	migrate_from_list(PZ_PROFILE_MODERN, 10);
	migrate_from_list(PZ_PROFILE_LINUX_4_1, 0);
}

/* A kcompactd-like compact_control of order 9 over the whole zone. */
static void fast_cc(pz_t *pz, struct pz_cc *cc)
{
	memset(cc, 0, sizeof(*cc));
	cc->pz = pz;
	cc->z = pz_zone_of(pz, 0, PZ_ZONE_NORMAL);
	assert_non_null(cc->z);
	cc->order = cc->search_order = 9;
	cc->mode = PZ_MIGRATE_SYNC_LIGHT;
	cc->migratetype = PZ_MT_MOVABLE;
	cc->migrate_pfn = ZSTART;
	cc->free_pfn = ZSTART + ZPAGES - PBPAGES;
	for (unsigned o = 0; o < PZ_MAX_ORDER_LIMIT; o++)
		cc->freepages[o].first = cc->freepages[o].last = PZ_NIL;
}

/*
 * fast_search_fail: with 40 order-3 free blocks all above the search's
 * bound, each failed search looks at fewer list entries (33, 17, 9, 5, 3,
 * 2, 1 and one more each: the entry that hit the limit is counted), and
 * keeps the scanner where it was; a block below the bound is then found,
 * the count goes back to 0 and the entry moves to the list's tail. A
 * later failure restarts the scanner once from that free page
 * (reinit_migrate_pfn), then no more.
 */
static void test_fast_search_fail_limits(void **state)
{
	static const uint64_t want[] = {34, 18, 10, 6, 4, 3, 2, 2};
	pz_t *pz = create(PZ_PROFILE_MODERN);
	const uint64_t low_block = ZSTART + 5 * PBPAGES + 64;
	struct pz_free_area *a;
	struct pz_cc cc;
	uint64_t pfn, before;

	(void)state;
	fragment(pz, 2);
	take_pairs(pz);
	for (unsigned i = 0; i < 40; i++)
		free_held_range(pz, ZSTART + (20 + i % 10) * PBPAGES + 8 * 2 * (i / 10), 8);
	fast_cc(pz, &cc);
	a = &cc.z->free_area[3];
	assert_int_equal(atomic_load(&a->nr_free_mt[PZ_MT_MOVABLE]), 40);
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		before = cc.migrate_scanned;
		assert_int_equal(pz_cc_fast_find_migrateblock(&cc), ZSTART);
		assert_int_equal(cc.migrate_scanned - before, want[i]);
		assert_int_equal(cc.fast_search_fail, i + 1);
	}
	free_held_range(pz, low_block, 8);
	cc.fast_search_fail = 0;
	pfn = pz_cc_fast_find_migrateblock(&cc);
	assert_int_equal(pfn, ZSTART + 5 * PBPAGES);
	assert_int_equal(cc.fast_search_fail, 0);
	assert_int_equal(cc.fast_start_pfn, low_block);
	assert_int_equal(pz_page_to_pfn(pz, &pz->pages[a->list[PZ_MT_MOVABLE].last]), low_block);
	assert_true(pz->pageblock[(low_block - pz->base_pfn) >> 9] & PB_SKIP);
	/* the block is now skipped: the next search fails and restarts the
	 * scanner from the free page found before, once */
	cc.migrate_pfn = pfn + PBPAGES;
	assert_int_equal(pz_cc_fast_find_migrateblock(&cc), low_block);
	assert_int_equal(cc.migrate_pfn, low_block);
	cc.migrate_pfn = pfn + 2 * PBPAGES;
	assert_int_equal(pz_cc_fast_find_migrateblock(&cc), pfn + 2 * PBPAGES);
	assert_int_equal(cc.fast_search_fail, 2);
	assert_int_equal(pz_validate(pz), 0);
	free_pairs(pz);
	release_all(pz);
}

/* Small orders (up to 3), direct compaction for unmovable requests and
 * runs ignoring the skip bits never search the lists for the migrate
 * scanner; order 0 and manual compaction never for the free scanner. */
static void test_fast_search_conditions(void **state)
{
	pz_t *pz = create(PZ_PROFILE_MODERN);
	struct pz_cc cc;

	(void)state;
	fragment(pz, 2);
	take_pairs(pz);
	free_held_range(pz, ZSTART + 3 * PBPAGES, 8);
	fast_cc(pz, &cc);
	cc.order = 3;
	assert_int_equal(pz_cc_fast_find_migrateblock(&cc), ZSTART);
	cc.order = 9;
	cc.direct = true;
	cc.migratetype = PZ_MT_UNMOVABLE;
	assert_int_equal(pz_cc_fast_find_migrateblock(&cc), ZSTART);
	cc.migratetype = PZ_MT_MOVABLE;
	cc.ignore_skip_hint = true;
	assert_int_equal(pz_cc_fast_find_migrateblock(&cc), ZSTART);
	assert_int_equal(cc.migrate_scanned, 0);
	assert_int_equal(cc.fast_search_fail, 0);
	cc.ignore_skip_hint = false;
	assert_int_equal(pz_cc_fast_find_migrateblock(&cc), ZSTART + 3 * PBPAGES);
	cc.order = -1;
	pz_cc_fast_isolate_freepages(&cc);
	assert_int_equal(cc.free_scanned, 0);
	assert_int_equal(cc.nr_freepages, 0);
	assert_int_equal(pz_validate(pz), 0);
	free_pairs(pz);
	release_all(pz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manual_41),
		cmocka_unit_test(test_manual_modern),
		cmocka_unit_test(test_no_handler_moves_nothing),
		cmocka_unit_test(test_direct_41),
		cmocka_unit_test(test_direct_modern),
		cmocka_unit_test(test_grouping_off),
		cmocka_unit_test(test_direct_deferred),
		cmocka_unit_test(test_kswapd_sleep_resets_skip),
		cmocka_unit_test(test_61_reset_is_selective),
		cmocka_unit_test(test_kcompactd_recorded_order),
		cmocka_unit_test(test_deferral_arithmetic),
		cmocka_unit_test(test_skip_bits_and_cached),
		cmocka_unit_test(test_async_skips_nonmovable),
		cmocka_unit_test(test_refuse_always),
		cmocka_unit_test(test_fail_count_when_targets_run_out),
		cmocka_unit_test(test_ok_but_keeps_source),
		cmocka_unit_test(test_callback_frees_source),
		cmocka_unit_test(test_allocates_inside),
		cmocka_unit_test(test_garbage_answer),
		cmocka_unit_test(test_frees_target),
		cmocka_unit_test(test_keeps_target_and_refuses),
		cmocka_unit_test(test_kcompactd),
		cmocka_unit_test(test_extfrag_threshold),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_capture_accounting),
		cmocka_unit_test(test_capture_sub_pageblock),
		cmocka_unit_test(test_capture_slowpath),
		cmocka_unit_test(test_proactive_sysctl),
		cmocka_unit_test(test_proactive_sysctl_wakes),
		cmocka_unit_test(test_fragmentation_score),
		cmocka_unit_test(test_proactive_tick),
		cmocka_unit_test(test_proactive_backoff),
		cmocka_unit_test(test_fast_free_from_list),
		cmocka_unit_test(test_fast_migrate_from_list),
		cmocka_unit_test(test_fast_search_fail_limits),
		cmocka_unit_test(test_fast_search_conditions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
