/*
 * model.h - a reference model of the page allocator that predicts the
 * exact free lists, for tests that compare an instance with it after every
 * operation (test_freelists today; the slow-path, reclaim, compaction and
 * isolation tests can drive it the same way).
 *
 * The model, written from the spec and not from src/core, predicts for a
 * deterministic single-CPU run of one node
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
 * drains), bulk allocation, split_page. Reclaim through shrinkers and
 * compaction through a migrate callback are model_pressure.h's.
 *
 * On a mismatch the test prints the first differing list, position,
 *
 * Use (one model at a time: it is the global `model`):
 *
 *	struct model_run r = {"my run", PZ_PROFILE_MODERN, &model_one_zone};
 *	model_setup_bufs();
 *	model_where.run = &r;			(names the run in failures)
 *	model_reset();
 *	model_begin(&r);			(the model's machine and switches)
 *	pz_t *pz = model_create(&r);		(the instance for the same machine)
 *	model_load(pz);				(checks inputs, reads or predicts boot)
 *	model_begin_op();			(before each step: clears events)
 *	ok = model_alloc(gfp, order, &pfn);	then pz_alloc_pages(pz, gfp, order)
 *	model_free(pfn, order, cold);		then pz_free_pages_cold(...)
 *	model_drain_all();			then pz_drain_all_pages(pz)
 *	model_compare(pz);			(every list, label and counter)
 *	tu_destroy(pz); model_reset();
 *
 * model_compare fails the test (MODEL_CHECK) at the first difference and
 * names the list, the position, the expected and actual pfn, and
 * model_where (the run, seed, operation number and description).
 */
#ifndef PZ_TEST_MODEL_H
#define PZ_TEST_MODEL_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include "testutil.h"

#define MODEL_MAXO	       11
#define MODEL_PBO	       9
#define MODEL_PBN	       (1u << MODEL_PBO)
#define MODEL_NPFN	       65536u /* pfns the model can hold: machines end below */
#define MODEL_MAXZ	       2
#define MODEL_NMT	       PZ_MT_TYPES
#define MODEL_NPCP	       PZ_MT_PCPTYPES
#define MODEL_NLEV	       5 /* pcp levels: orders 0, 1, 2, 3 and the pageblock order */
#define MODEL_MAXEV	       16384
#define MODEL_ALLOC_FAIR       0x100u
#define MODEL_ALLOC_NOFRAGMENT 0x2000u
#define MODEL_BUFN	       65536

/* ---- machines --------------------------------------------------------- */

struct model_zspec {
	enum pz_zone_type type;
	uint64_t start, end;
	uint64_t hole_s, hole_e; /* a hole inside the span (0, 0: none) */
	uint64_t resv_s, resv_e; /* reserved pfns (0, 0: none) */
	uint64_t cma_s, cma_e;	 /* a CMA area (0, 0: none) */
};

struct model_machine {
	const char *name;
	unsigned nz;
	struct model_zspec z[MODEL_MAXZ]; /* ascending pfn / type order */
};

/* One Normal zone of 16384 pages with a hole and a reserved range. */
extern const struct model_machine model_one_zone;
/* The same zone with a CMA area of two max-order blocks. */
extern const struct model_machine model_cma_zone;
/* DMA32 + Normal whose boundary is not pageblock aligned. */
extern const struct model_machine model_two_zones;

/* What a run sets: the machine, the instance's switches, and (for the
 * caller) how many random operations it makes. */
struct model_run {
	const char *name;
	enum pz_profile prof;
	const struct model_machine *mc;
	int trace;
	unsigned fraction; /* percpu_pagelist_fraction; 0 = zone_batchsize */
	unsigned long nops;
	int nomob;	     /* mobility_grouping_disabled */
	unsigned feat_set;   /* features_set (PZ_FEAT_PCP_HIGH_ORDER on linux-4.1) */
	unsigned feat_clear; /* features_clear (the 5.x switches the model knows) */
};

/* Nonzero: model_create sets kswapd_deterministic (model_pressure.h). */
extern unsigned model_kswapd_inline;

/* ---- the model's state ------------------------------------------------ */

struct model_list {
	uint64_t *v;
	size_t n, cap;
};

struct model_zone {
	enum pz_zone_type type;
	uint64_t start, end, managed;
	long wmark[3];
	long lowmem_reserve[PZ_NR_ZONE_TYPES];
	long nr_free_pages, nr_free_cma;
	long nr_reserved_ha; /* nr_reserved_highatomic: pages in HIGHATOMIC blocks */
	long boost;	     /* 5.0 watermark_boost, on top of wmark[] */
	long alloc_batch;    /* zone-wide NR_ALLOC_BATCH */
	long batch_diff;     /* the CPU's delta, folded past batch_thresh */
	long batch_thresh;
	int depleted;
	struct model_list fl[MODEL_MAXO][MODEL_NMT];
	struct model_list pcp[MODEL_NLEV][MODEL_NPCP]; /* [level][mt]; only level 0 without hi */
	int pcp_count, pcp_high, pcp_batch;	       /* pages */
	unsigned free_factor; /* 5.14: frees since the last allocation double the flush */
	bool reclaim_active;  /* 5.14: kswapd balances the node: high at most 4 * batch */
	uint64_t pgalloc, pgfree;
	long pages_scanned; /* reclaim's pseudo-LRU scan, reset by buddy frees */
};

struct model_event {
	enum pz_trace_kind kind;
	uint64_t pfn;
	unsigned order, mt, fallback_order, fallback_mt, change;
};

struct model {
	enum pz_profile prof;
	const struct model_machine *mc; /* the machine of model_begin */
	uint64_t pg0[MODEL_MAXZ][2];	/* the instance's pgalloc / pgfree at model_load */
	unsigned nz;
	bool has_cma; /* CONFIG_CMA with a CMA area: ALLOC_CMA for MOVABLE */
	bool nomob;   /* page_group_by_mobility_disabled: every request UNMOVABLE */
	bool hi;      /* PZ_FEAT_PCP_HIGH_ORDER: pcp lists for orders 1-3 and MODEL_PBO */
	bool thp2;    /* 6.1.192: MODEL_PBO's UNMOVABLE and RECLAIMABLE share a list */
	bool ha;      /* PZ_FEAT_HIGHATOMIC: slot 3 is 4.4's on-demand reserve */
	/* linux-6.1's 5.x switches: ALLOC_NOFRAGMENT in the fast path (only
	 * whole-pageblock fallbacks first), watermark boosting on fallback
	 * (no kswapd runs here, so boosts only grow, up to their cap; the
	 * pressure model's kswapd takes them off), CMA
	 * first when it is over half of the zone's free pages */
	bool nofrag, boost, cmabal;
	unsigned boost_factor;	/* watermark_boost_factor in force */
	unsigned boosted_zones; /* bit i: m_boost raised z[i] (cleared by callers) */
	pz_gfp_t gfp;		/* the request model_alloc serves (for zone_watermark_fast) */
	unsigned fraction;	/* percpu_pagelist_fraction in force */
	uint64_t min_free_kbytes, min_free_kbytes0; /* in force; the default */
	struct model_zone z[MODEL_MAXZ];	    /* in zonelist order: highest zone type first */
	int8_t zone_of[MODEL_NPFN]; /* index into z[] of the zone whose span holds pfn, or -1 */
	uint8_t head[MODEL_NPFN];   /* order + 1 if pfn heads a free block on a buddy list */
	uint8_t head_mt[MODEL_NPFN];
	uint8_t pcp_mt[MODEL_NPFN];    /* the migratetype a pcp page returns to (pcppage mt) */
	uint8_t pcp_freed[MODEL_NPFN]; /* the pcp block at pfn was put there by a free */
	uint8_t pb[MODEL_NPFN >> MODEL_PBO];
	/* allocated blocks: order + 1 at the head, and the migratetype the
	 * descriptor records (the list's, or the requester's on fallback) */
	uint8_t alloc[MODEL_NPFN];
	uint8_t alloc_mt[MODEL_NPFN];
	struct model_event ev[MODEL_MAXEV];
	size_t nev;
	/* what the workload exercised */
	unsigned long fallbacks, claims, reserve_uses, cma_uses, tail_adds, refusals, drains_bulk,
		reclaim_ready; /* costly direct reclaims with a zone ready for compaction */
	/* 5.x: fast-path walks retried without ALLOC_NOFRAGMENT, boosts made,
	 * allocations served CMA-first */
	unsigned long nofrag_retries, boosts, cma_first;
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
		ha_pcp_frees, ha_pcp_reuses, ha_unreserves;
	/* When set, asked at each level of a buddy free's merge (zone index,
	 * block, order, type): nonzero when a direct compaction captured the
	 * block there (model_pressure.c); the free count is taken back. */
	int (*capture)(int zi, uint64_t pfn, unsigned order, unsigned mt);
};

extern struct model model;

/* Where a run is, named by every MODEL_CHECK failure. */
struct model_where {
	const struct model_run *run;
	uint64_t seed;
	unsigned long op;
	char desc[160];
};
extern struct model_where model_where;

#define MODEL_CHECK(cond, ...)                                                                     \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			char m_[1024];                                                             \
			snprintf(m_, sizeof(m_), __VA_ARGS__);                                     \
			fail_msg("[%s] seed=0x%" PRIx64 " op=%lu (%s): %s", model_where.run->name, \
				 model_where.seed, model_where.op, model_where.desc, m_);          \
		}                                                                                  \
	} while (0)

/* A read buffer of MODEL_BUFN pfns for the list walkers, and the trace
 * buffer (installed as tu_trace.events): allocated once, freed by
 * model_free_bufs. */
extern uint64_t *model_buf;
void model_setup_bufs(void);
void model_free_bufs(void);

/* ---- driving it ------------------------------------------------------- */

/* Empties the model (frees its lists). */
void model_reset(void);
/* Sets the model up for run r: profile, switches, zone sizes, watermarks,
 * lowmem_reserve, pcp high and batch. */
void model_begin(const struct model_run *r);
/* An instance of r's machine and switches on tu_platform(r->trace), CPU 0
 * current (tu_destroy frees it). */
pz_t *model_create(const struct model_run *r);
/* Checks the model's inputs (managed pages, watermarks, reserves, pcp
 * sizes) against pz, then its boot free lists: predicted when the zone
 * edges are max-order aligned, else read from pz. Records pgalloc/pgfree. */
void model_load(pz_t *pz);
/* Before each step: clears the predicted and captured trace events. */
void model_begin_op(void);
/* __alloc_pages_nodemask without blocking: 1 and *pfn the block predicted,
 * or 0 when the request is refused. */
int model_alloc(pz_gfp_t gfp, unsigned order, uint64_t *pfn);
/* model_alloc in a machine with no shrinker and no migrate handler whose
 * requests may reclaim directly: a costly order's reclaim, which frees
 * nothing, still drains every CPU's lists when a zone is ready for
 * compaction (shrink_zones' compaction_ready), and tries again. */
int model_alloc_reclaim(pz_gfp_t gfp, unsigned order, uint64_t *pfn);
/* __free_pages of the block at pfn (cold: to the tail of a pcp list). */
void model_free(uint64_t pfn, unsigned order, int cold);
/* drain_all_pages on the one CPU. */
void model_drain_all(void);
/* A new min_free_kbytes: watermarks (and 5.14's pcp high). */
void model_set_min_free_kbytes(uint64_t kb);
/* pcp high and batch for model.fraction (set it first). */
void model_pcp_sizes(void);
/* Compares every buddy and pcp list (order and content), pageblock label,
 * watermark, pcp size and counter of pz with the model, and the trace
 * events when the run traces. */
void model_compare(pz_t *pz);

/* ---- for the pressure model (model_pressure.c) ------------------------- */

/* get_page_from_freelist with the given alloc_flags (PZ_ALLOC_*). */
int model_get_page(pz_gfp_t gfp, unsigned order, unsigned flags, uint64_t *pfn);
/* __free_one_page of a block into pfn's zone, type mt (no pgfree). */
void model_buddy_free(uint64_t pfn, unsigned order, unsigned mt);
/* Takes the free block at pfn off its buddy list (its pages leave
 * NR_FREE_PAGES). */
void model_buddy_take(uint64_t pfn);
/* unreserve_highatomic_pageblock for a request of gfp (4.4+; force: even
 * a zone's last reserved block); 1 when a block went back. */
int model_unreserve_highatomic(pz_gfp_t gfp, int force);
/* drain_pages_zone of zone zi (index into model.z) on the one CPU. */
void model_drain_zone(int zi);

/* ---- what the model knows, for tests to ask --------------------------- */

/* zone_watermark_ok of a model zone (flags: PZ_ALLOC_*). */
bool model_watermark_ok(const struct model_zone *z, unsigned order, long mark, unsigned classzone,
			unsigned flags);
/* No zone passes its order-0 LOW check for an ordinary request. */
bool model_below_low(void);
/* The request gets ALLOC_HARDER (the profile's "atomic"). */
bool model_atomic(pz_gfp_t g);
/* The migratetype of a request. */
unsigned model_gfp_mt(pz_gfp_t g);
/* The pcp level of an order, or -1 when it has no per-CPU list. */
int model_pcp_level(unsigned order);
/* The model zone (index into model.z) whose span holds pfn, or -1. */
int model_zone_index(uint64_t pfn);
/* The profile's name of a migratetype. */
const char *model_mtname(unsigned mt);

#endif
