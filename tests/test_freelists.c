/*
 * test_freelists.c - the reference model (tests/util/model.h) against the
 * library: deterministic single-CPU runs in which the model predicts,
 * after EVERY operation, the pfn every allocation returns, which are
 * refused, and the content and order of every buddy and per-CPU list,
 * every pageblock label and counter (model.h says what it covers and what
 * it does not).
 *
 * Runs cover both profiles with their default switches, linux-4.1 with
 * PZ_FEAT_PCP_HIGH_ORDER, one zone (batch 3), two zones (DMA32 + Normal,
 * batch 1 in both), a CMA area, a large per-CPU list
 * (percpu_pagelist_fraction 8), grouping by mobility switched off,
 * focused watermark refusal thresholds, and a focused HIGHATOMIC run
 * whose reservations are declined for a CMA block and for a block
 * reserved already. Runs with high-order lists allocate and free orders
 * 1-3 and the pageblock order often and must see high-order refills, hot
 * reuse of a freed block, flushes at high (some where a pageblock-order
 * block overshot batch) and drains freeing high-order blocks; the counts
 * are printed. In the modern runs a third of the allocations made while
 * no zone passes its order-0 LOW check are atomic ones (unmovable or
 * movable) of orders 1-3 or 4-8, so that blocks are reserved, the reserve
 * reaches its maximum, is used, and receives frees directly and through
 * the MOVABLE per-CPU list, from which allocations take them again; these
 * counts are printed and required non-zero in the one-zone run and in
 * every run where at least 100 atomic requests reached the slow path.
 *
 * On a mismatch the test prints the first differing list, position,
 * expected and actual pfn, and the seed and operation number.
 * PZ_TEST_SEED and PZ_TEST_OPS override the seed and the operation count.
 */
#include "model.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXO	 MODEL_MAXO
#define PBO	 MODEL_PBO
#define BUFN	 MODEL_BUFN
#define DEF_SEED 0x4d0de1f12ee5ull
#define DEF_OPS	 6000ul

struct rec {
	pz_page_t *page;
	uint64_t pfn;
	unsigned order;
};

static struct rec *recs;
static size_t nrec;
static uint64_t rng;

static uint64_t rnd(uint64_t n)
{
	return tu_rand(&rng) % n;
}

struct gkind {
	pz_gfp_t gfp;
	unsigned weight;
};

static const struct gkind kinds[] = {
	{PZ_GFP_KERNEL, 25},
	{PZ_GFP_HIGHUSER_MOVABLE, 30},
	{PZ_GFP_TEMPORARY, 15},
	{PZ_GFP_ATOMIC, 8},
	{PZ_GFP_NOWAIT, 6},
	{PZ_GFP_KERNEL | PZ_GFP_DMA32, 8},
	{PZ_GFP_KERNEL | PZ__GFP_MOVABLE | PZ_GFP_DMA32, 8},
	{PZ_GFP_KERNEL | PZ__GFP_MEMALLOC, 2},
	{PZ_GFP_TEMPORARY | PZ__GFP_MEMALLOC, 1},
};

static pz_gfp_t random_gfp(void)
{
	unsigned total = 0, r;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		total += kinds[i].weight;
	r = (unsigned)rnd(total);
	for (size_t i = 0;; i++) {
		if (r < kinds[i].weight)
			return kinds[i].gfp | (rnd(6) == 0 ? PZ__GFP_COLD : 0) | PZ__GFP_NOWARN;
		r -= kinds[i].weight;
	}
}

static unsigned random_order(void)
{
	unsigned r = (unsigned)rnd(100);

	if (model.hi) {
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

/*
 * The two-zone runs of linux-6.1 without ALLOC_NOFRAGMENT and watermark
 * boosting: with them (and no kswapd to clear boosts) the workload spends
 * long stretches below MIN, where 6.1's slow path reaches direct
 * compaction for orders 1-3, which the model does not have: after it the
 * library finds a block the model does not (seen at op 4334 of the seeded
 * run: the OOM step's last HIGH attempt succeeds). The 5.0 run below keeps
 * both switches and stops before that stretch.
 */
#define NO_50 (PZ_FEAT_NOFRAGMENT | PZ_FEAT_WMARK_BOOST)

static int do_alloc(pz_t *pz, pz_gfp_t gfp, unsigned order)
{
	uint64_t want = 0;
	int ok;
	pz_page_t *p;

	snprintf(model_where.desc, sizeof(model_where.desc), "alloc order %u gfp 0x%x (%s)", order,
		 gfp, model_mtname(model_gfp_mt(gfp)));
	model_begin_op();
	ok = model_alloc_reclaim(gfp, order, &want);
	p = pz_alloc_pages(pz, gfp, order);
	if (!ok) {
		MODEL_CHECK(!p, "the model refuses; the library returned pfn %" PRIu64,
			    pz_page_to_pfn(pz, p));
		return 0;
	}
	MODEL_CHECK(p, "the model returns pfn %" PRIu64 "; the library refused", want);
	MODEL_CHECK(pz_page_to_pfn(pz, p) == want, "expected pfn %" PRIu64 ", got pfn %" PRIu64,
		    want, pz_page_to_pfn(pz, p));
	recs[nrec].page = p;
	recs[nrec].pfn = want;
	recs[nrec].order = order;
	nrec++;
	return 1;
}

static void do_free_at(pz_t *pz, size_t i, int cold)
{
	snprintf(model_where.desc, sizeof(model_where.desc), "free%s pfn %" PRIu64 " order %u",
		 cold ? " cold" : "", recs[i].pfn, recs[i].order);
	model_begin_op();
	model_free(recs[i].pfn, recs[i].order, cold);
	MODEL_CHECK(pz_free_pages_cold(pz, recs[i].page, recs[i].order, cold) == 0, "free failed");
	recs[i] = recs[--nrec];
}

static void do_free(pz_t *pz)
{
	size_t i = rnd(nrec);

	do_free_at(pz, i, model_pcp_level(recs[i].order) >= 0 && rnd(5) == 0);
}

static void run(const struct model_run *r)
{
	uint64_t held = 0, managed = 0;
	unsigned long allocs = 0, refused = 0, consecutive_refusals = 0;
	int filling = 1;
	pz_t *pz;

	model_where.run = r;
	model_where.seed =
		tu_env_ul("PZ_TEST_SEED", 0) ? (uint64_t)tu_env_ul("PZ_TEST_SEED", 0) : DEF_SEED;
	rng = model_where.seed ^ ((uint64_t)r->prof << 32) ^ ((uint64_t)r->mc->nz << 40) ^
	      ((uint64_t)r->trace << 48) ^ ((uint64_t)r->nomob << 52) ^ r->fraction ^
	      ((uint64_t)r->feat_set << 56);
	model_where.op = 0;
	snprintf(model_where.desc, sizeof(model_where.desc), "init");
	model_reset();
	model_begin(r);
	pz = model_create(r);
	model_load(pz);
	for (unsigned i = 0; i < model.nz; i++)
		managed += model.z[i].managed;
	recs = calloc(managed + 1, sizeof(*recs));
	assert_non_null(recs);
	nrec = 0;
	model_begin_op();
	model_compare(pz);
	for (model_where.op = 1; model_where.op <= r->nops; model_where.op++) {
		unsigned x = (unsigned)rnd(1000);

		if (x < (filling ? 700u : 300u) || !nrec) {
			unsigned order = random_order();
			pz_gfp_t gfp = random_gfp();
			int ok;

			/* HIGHATOMIC: under pressure, a third of the requests
			 * are atomic ones of orders 1-3 (per-CPU lists) or 4-8
			 * (the buddy lists, where the reserve is used),
			 * unmovable or (taking CMA pages first) movable */
			if (model.ha && model_below_low() && rnd(3) == 0) {
				gfp = PZ_GFP_ATOMIC | PZ__GFP_NOWARN |
				      (rnd(2) ? PZ__GFP_MOVABLE : 0);
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
			snprintf(model_where.desc, sizeof(model_where.desc), "drain_all_pages");
			model_begin_op();
			model_drain_all();
			pz_drain_all_pages(pz);
		} else if (x < 997 || (x == 997 && r->prof == PZ_PROFILE_LINUX_4_1)) {
			snprintf(model_where.desc, sizeof(model_where.desc), "drain_local_pages");
			model_begin_op();
			model_drain_all();
			pz_drain_local_pages(pz);
		} else if (x == 997) {
			/* new watermarks, and with 5.14's lists a new pcp->high
			 * (4.1's MIGRATE_RESERVE re-setup is not modelled) */
			uint64_t kb = model.min_free_kbytes0 * (1 + rnd(6)) / 2;

			snprintf(model_where.desc, sizeof(model_where.desc),
				 "min_free_kbytes %" PRIu64, kb);
			model_begin_op();
			model_set_min_free_kbytes(kb);
			MODEL_CHECK(pz_set_min_free_kbytes(pz, (unsigned)kb) == 0,
				    "setting failed");
			model.wmark_changes++;
		} else {
			/* the run's own sizing half of the time */
			static const unsigned fr[] = {8, 32, 128};
			unsigned f = rnd(2) ? r->fraction : fr[rnd(3)];

			snprintf(model_where.desc, sizeof(model_where.desc),
				 "percpu_pagelist_fraction %u", f);
			model_begin_op();
			model.fraction = f;
			model_pcp_sizes();
			MODEL_CHECK(pz_set_percpu_pagelist_fraction(pz, f) == 0, "setting failed");
			model.fraction_changes++;
		}
		held = 0;
		for (size_t i = 0; i < nrec; i++)
			held += 1ull << recs[i].order;
		if (filling && (consecutive_refusals > 30 || held * 100 > managed * 97))
			filling = 0;
		else if (!filling && held * 100 < managed * 30)
			filling = 1;
		model_compare(pz);
	}
	/* everything back, drained: the lists must still be predicted exactly */
	while (nrec) {
		model_where.op++;
		do_free(pz);
		model_compare(pz);
	}
	model_where.op++;
	snprintf(model_where.desc, sizeof(model_where.desc), "final drain_all_pages");
	model_begin_op();
	model_drain_all();
	pz_drain_all_pages(pz);
	model_compare(pz);
	MODEL_CHECK(pz_validate(pz) == 0, "pz_validate failed: %s", tu_log.last);
	print_message("[%s] %lu ops compared: %lu allocations (%lu refused), %lu fallbacks "
		      "(%lu blocks claimed), %lu reserve uses, %lu CMA uses, %lu tail placements, "
		      "%lu pcp bulk frees, %lu costly reclaims ready for compaction\n",
		      r->name, model_where.op, allocs, refused, model.fallbacks, model.claims,
		      model.reserve_uses, model.cma_uses, model.tail_adds, model.drains_bulk,
		      model.reclaim_ready);
	/* the workload must have reached what it is meant to check */
	MODEL_CHECK(refused > 0 && model.fallbacks > 0 && model.claims > 0 && model.tail_adds > 0 &&
			    model.drains_bulk > 0,
		    "workload too tame: %lu refused, %lu fallbacks, %lu claims, %lu tail, %lu bulk",
		    refused, model.fallbacks, model.claims, model.tail_adds, model.drains_bulk);
	print_message("[%s] 5.x: %lu walks again without ALLOC_NOFRAGMENT, %lu boosts, %lu "
		      "CMA-first allocations\n",
		      r->name, model.nofrag_retries, model.boosts, model.cma_first);
	/* NOFRAGMENT needs a DMA32 zone below Normal, CMA-first a CMA area */
	MODEL_CHECK((!model.nofrag || r->mc->nz < 2 || model.nofrag_retries > 0) &&
			    (!model.boost || model.boosts > 0) &&
			    (!model.cmabal || !model.has_cma || model.cma_first > 0),
		    "5.x switches not reached: %lu NOFRAGMENT retries, %lu boosts, %lu CMA first",
		    model.nofrag_retries, model.boosts, model.cma_first);
	print_message("[%s] %lu min_free_kbytes changes, %lu percpu_pagelist_fraction changes\n",
		      r->name, model.wmark_changes, model.fraction_changes);
	MODEL_CHECK(model.fraction_changes > 0 &&
			    (r->prof == PZ_PROFILE_LINUX_4_1 || model.wmark_changes > 0),
		    "no sysctl changes: %lu min_free_kbytes, %lu fraction", model.wmark_changes,
		    model.fraction_changes);
	if (model.hi) {
		print_message("[%s] high-order pcp: %lu refills, %lu hot reuses, %lu flushes at "
			      "high (%lu with a pageblock overshooting batch), %lu drains\n",
			      r->name, model.hi_refills, model.hi_reuses, model.hi_flushes,
			      model.pb_overshoots, model.hi_drains);
		MODEL_CHECK(model.hi_refills > 0 && model.hi_reuses > 0 && model.hi_flushes > 0 &&
				    model.pb_overshoots > 0 && model.hi_drains > 0,
			    "high-order pcp not covered: %lu refills, %lu reuses, %lu flushes, %lu "
			    "overshoots, %lu drains",
			    model.hi_refills, model.hi_reuses, model.hi_flushes,
			    model.pb_overshoots, model.hi_drains);
	}
	if (model.ha)
		print_message(
			"[%s] HIGHATOMIC: %lu atomic order > 0 requests below LOW, %lu blocks "
			"reserved (declined: %lu at the maximum, %lu HIGHATOMIC already, %lu "
			"CMA), %lu allocations from the reserve, %lu frees into it, %lu "
			"frees to the MOVABLE pcp list and %lu allocations from it, %lu blocks "
			"unreserved by requests about to fail\n",
			r->name, model.ha_atomic_slow, model.ha_reserves, model.ha_full,
			model.ha_already, model.ha_cma, model.ha_uses, model.ha_frees,
			model.ha_pcp_frees, model.ha_pcp_reuses, model.ha_unreserves);
	/* the reserve must have been made, filled up, used and freed into: in
	 * the one-zone run always (and taken again from the MOVABLE per-CPU
	 * list, except without grouping by mobility, where no request is
	 * MOVABLE); in the others whenever 100 atomic requests reached the
	 * slow path (the two-zone runs need both zones below LOW at once, and
	 * the big per-CPU lists keep the zone above LOW with some seeds). In
	 * the one-zone run, blocking requests about to fail now unreserve
	 * blocks too, which must happen there, and may take the blocks the
	 * per-CPU reuse would have found (the two-zone runs print reuses).
	 * linux-4.4 unreserves only after reclaim progress, which this machine
	 * never makes, and its atomic requests of orders 1-3 have no per-CPU
	 * list: those two are modern's only. */
	if (model.ha && ((r->mc == &model_one_zone && !r->fraction) || model.ha_atomic_slow >= 100))
		MODEL_CHECK(
			model.ha_reserves > 0 && model.ha_full > 0 && model.ha_uses > 0 &&
				model.ha_frees > 0 &&
				(r->prof != PZ_PROFILE_MODERN ||
				 (model.ha_pcp_frees > 0 &&
				  (r->mc != &model_one_zone || r->fraction || model.nomob ||
				   model.ha_unreserves > 0))),
			"HIGHATOMIC not covered: %lu atomic requests below LOW, %lu reserved, %lu "
			"at the maximum, %lu uses, %lu frees, %lu pcp frees, %lu unreserved",
			model.ha_atomic_slow, model.ha_reserves, model.ha_full, model.ha_uses,
			model.ha_frees, model.ha_pcp_frees, model.ha_unreserves);
	if (r->prof == PZ_PROFILE_LINUX_4_1)
		MODEL_CHECK(model.reserve_uses > 0, "MIGRATE_RESERVE never used");
	if (model.has_cma)
		MODEL_CHECK(model.cma_uses > 0, "CMA pages never used");
	free(recs);
	recs = NULL;
	tu_destroy(pz);
	model_reset();
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
		{PZ_GFP_KERNEL, 0},    {PZ_GFP_ATOMIC, 0}, {PZ_GFP_NOWAIT, 0},
		{PZ_GFP_TEMPORARY, 3}, {PZ_GFP_ATOMIC, 3}, {PZ_GFP_HIGHUSER_MOVABLE, 9},
	};
	struct model_run r = {prof == PZ_PROFILE_LINUX_4_1   ? "linux-4.1 refusal"
			      : prof == PZ_PROFILE_LINUX_4_4 ? "linux-4.4 refusal"
							     : "modern refusal",
			      prof,
			      &model_one_zone,
			      0,
			      0,
			      0,
			      0,
			      0,
			      0};

	model_setup_bufs();
	model_where.run = &r;
	model_where.seed = 0;
	for (size_t k = 0; k < sizeof(reqs) / sizeof(reqs[0]); k++) {
		pz_gfp_t g = reqs[k].gfp | PZ__GFP_NOWARN;
		unsigned long n = 0;
		struct pz_zone_info zi;
		pz_t *pz;
		long m, mark;

		model_reset();
		model_begin(&r);
		pz = model_create(&r);
		model_load(pz);
		recs = calloc(model.z[0].managed + 1, sizeof(*recs));
		assert_non_null(recs);
		nrec = 0;
		for (model_where.op = 1; do_alloc(pz, g, reqs[k].order); model_where.op++, n++)
			model_compare(pz);
		model_compare(pz);
		assert_int_equal(pz_zone_info(pz, 0, PZ_ZONE_NORMAL, &zi), 0);
		/* the boosted MIN mark (5.0), except for order-0 __GFP_ATOMIC
		 * requests, which fall back to the unboosted one */
		m = model.z[0].wmark[0];
		if (reqs[k].order || !(g & PZ__GFP_ATOMIC))
			m += model.z[0].boost;
		mark = m;
		if (g & PZ__GFP_HIGH)
			mark -= mark / 2;
		if (model_atomic(g))
			mark -= mark / 4;
		print_message("[%s] gfp 0x%x order %u: %lu allocations, refused at %" PRId64
			      " free pages (MIN %ld, mark %ld)\n",
			      r.name, g, reqs[k].order, n, zi.stat[PZ_NR_FREE_PAGES], m, mark);
		if (reqs[k].order == 0)
			MODEL_CHECK(zi.stat[PZ_NR_FREE_PAGES] <= mark &&
					    zi.stat[PZ_NR_FREE_PAGES] > mark - model.z[0].pcp_batch,
				    "order-0 refusal at %" PRId64 " free pages, mark %ld",
				    zi.stat[PZ_NR_FREE_PAGES], mark);
		else
			MODEL_CHECK(n > 0, "no allocation of order %u succeeded", reqs[k].order);
		free(recs);
		recs = NULL;
		tu_destroy(pz);
	}
	model_reset();
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
	struct model_run r = {"steal by found order", prof, &model_one_zone, 0, 0, 0, 0, 0, 0};
	const pz_gfp_t unmov = PZ_GFP_KERNEL | PZ__GFP_MEMALLOC | PZ__GFP_NOWARN;
	const pz_gfp_t mov = PZ_GFP_HIGHUSER_MOVABLE | PZ__GFP_MEMALLOC | PZ__GFP_NOWARN;
	uint64_t a = 0;
	size_t ia = SIZE_MAX, ib = SIZE_MAX;
	pz_t *pz;
	int64_t n;
	bool found = false;

	model_setup_bufs();
	model_where.run = &r;
	model_where.seed = 0;
	model_reset();
	model_begin(&r);
	pz = model_create(&r);
	model_load(pz);
	recs = calloc(model.z[0].managed + 1, sizeof(*recs));
	assert_non_null(recs);
	nrec = 0;
	for (model_where.op = 1; do_alloc(pz, unmov, chunk); model_where.op++)
		model_compare(pz);
	for (; do_alloc(pz, mov, 0); model_where.op++)
		model_compare(pz);
	model_compare(pz);
	for (size_t i = 0; i < nrec && ib == SIZE_MAX; i++) {
		if (recs[i].order != chunk || model.pb[recs[i].pfn >> PBO] != PZ_MT_UNMOVABLE)
			continue;
		if (ia == SIZE_MAX) {
			ia = i;
			continue;
		}
		if (recs[i].pfn >> PBO == recs[ia].pfn >> PBO &&
		    recs[i].pfn != (recs[ia].pfn ^ (1ull << chunk)))
			ib = i;
	}
	MODEL_CHECK(ib != SIZE_MAX, "no two order-%u chunks in one UNMOVABLE block", chunk);
	a = recs[ia].pfn;
	/* 6.1 (4.13) moves both chunks and then takes the smallest block of
	 * the MOVABLE lists, the head of the order-4 list: the last one moved
	 * (the higher pfn; list_move puts each at the head); the lower stays */
	if (prof == PZ_PROFILE_LINUX_6_1 && chunk >= PBO / 2 && recs[ib].pfn < a)
		a = recs[ib].pfn;
	do_free_at(pz, ia, 0);
	model_compare(pz);
	ib = ib == nrec ? ia : ib; /* do_free_at moved the last record into ia */
	do_free_at(pz, ib, 0);
	model_compare(pz);
	if (model_pcp_level(chunk) >= 0) {
		/* modern: A and B wait on the order-3 per-CPU list; the drain
		 * frees A (the colder) first, as the direct frees would */
		model_where.op++;
		snprintf(model_where.desc, sizeof(model_where.desc), "drain_all_pages");
		model_begin_op();
		model_drain_all();
		pz_drain_all_pages(pz);
		model_compare(pz);
	}
	model_where.op++;
	MODEL_CHECK(do_alloc(pz, mov, 0), "the MOVABLE request found nothing");
	model_compare(pz);
	n = pz_free_list_pfns(pz, 0, PZ_ZONE_NORMAL, chunk,
			      chunk >= PBO / 2 ? PZ_MT_MOVABLE : PZ_MT_UNMOVABLE, model_buf, BUFN);
	for (int64_t k = 0; k < n; k++)
		found |= model_buf[k] == a;
	MODEL_CHECK(found, "chunk A (pfn %" PRIu64 ") is not on the %s order-%u list", a,
		    chunk >= PBO / 2 ? "MOVABLE" : "UNMOVABLE", chunk);
	free(recs);
	recs = NULL;
	tu_destroy(pz);
	model_reset();
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
	struct model_run r = {"modern HIGHATOMIC declines", PZ_PROFILE_MODERN, &model_cma_zone, 1,
			      0, 0, 0, 0,
			      /* its steps are laid out for unboosted marks and CMA taken last */
			      NO_50 | PZ_FEAT_CMA_BALANCE};
	static const unsigned orders[] = {4, 4, 5};
	const pz_gfp_t atomic = PZ_GFP_ATOMIC | PZ__GFP_NOWARN;
	pz_t *pz;

	(void)state;
	model_setup_bufs();
	model_where.run = &r;
	model_where.seed = 0;
	model_reset();
	model_begin(&r);
	pz = model_create(&r);
	model_load(pz);
	recs = calloc(model.z[0].managed + 1, sizeof(*recs));
	assert_non_null(recs);
	nrec = 0;
	for (model_where.op = 1;
	     model_watermark_ok(&model.z[0], 0, model.z[0].wmark[1] + model.z[0].boost,
				model.z[0].type, PZ_ALLOC_CMA);
	     model_where.op++) {
		MODEL_CHECK(do_alloc(pz, PZ_GFP_HIGHUSER_MOVABLE | PZ__GFP_NOWARN, 0),
			    "refused above LOW");
		if (!(model_where.op % 64))
			model_compare(pz);
	}
	model_compare(pz);
	model_where.op++;
	MODEL_CHECK(do_alloc(pz, atomic | PZ__GFP_MOVABLE, 4), "atomic movable order 4 refused");
	model_compare(pz);
	MODEL_CHECK(model.ha_cma == 1 && model.pb[recs[nrec - 1].pfn >> PBO] == PZ_MT_CMA,
		    "the atomic movable request did not get CMA pages");
	for (size_t i = 0; i < nrec;) {
		if (recs[i].pfn >= model.z[0].start && recs[i].pfn < model.z[0].start + 256) {
			model_where.op++;
			do_free_at(pz, i, 0);
			model_compare(pz);
		} else {
			i++;
		}
	}
	model_where.op++;
	snprintf(model_where.desc, sizeof(model_where.desc), "drain_all_pages");
	model_begin_op();
	model_drain_all();
	pz_drain_all_pages(pz);
	model_compare(pz);
	MODEL_CHECK(model_below_low(), "not below LOW for unmovable requests");
	for (size_t k = 0; k < sizeof(orders) / sizeof(orders[0]); k++) {
		model_where.op++;
		MODEL_CHECK(do_alloc(pz, atomic, orders[k]), "atomic order %u refused", orders[k]);
		model_compare(pz);
	}
	print_message("[%s] %lu atomic requests below LOW: %lu blocks reserved, declined %lu "
		      "HIGHATOMIC already and %lu CMA, %lu allocations from the reserve\n",
		      r.name, model.ha_atomic_slow, model.ha_reserves, model.ha_already,
		      model.ha_cma, model.ha_uses);
	MODEL_CHECK(model.ha_reserves == 1 && model.ha_already > 0 && model.ha_uses > 0,
		    "declines not reached: %lu reserved, %lu already, %lu uses", model.ha_reserves,
		    model.ha_already, model.ha_uses);
	while (nrec) {
		model_where.op++;
		do_free(pz);
		if (!(nrec % 64))
			model_compare(pz);
	}
	model_where.op++;
	snprintf(model_where.desc, sizeof(model_where.desc), "final drain_all_pages");
	model_begin_op();
	model_drain_all();
	pz_drain_all_pages(pz);
	model_compare(pz);
	MODEL_CHECK(pz_validate(pz) == 0, "pz_validate failed: %s", tu_log.last);
	free(recs);
	recs = NULL;
	tu_destroy(pz);
	model_reset();
}

static void test_steal_by_found_order(void **state)
{
	(void)state;
	steal_by_found_order(PZ_PROFILE_LINUX_4_1, 4);
	steal_by_found_order(PZ_PROFILE_LINUX_4_1, 3);
	steal_by_found_order(PZ_PROFILE_MODERN, 4);
	steal_by_found_order(PZ_PROFILE_MODERN, 3);
	steal_by_found_order(PZ_PROFILE_LINUX_4_4, 4);
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
	refusal_threshold(PZ_PROFILE_LINUX_4_4);
}

#define RUN_TEST_CLR(fn, nm, profile, machine, tr, frac, set, clr, maxops)                         \
	static void fn(void **state)                                                               \
	{                                                                                          \
		struct model_run r = {nm, profile, &machine, tr, frac, 0, 0, set, clr};            \
		(void)state;                                                                       \
		model_setup_bufs();                                                                \
		r.nops = tu_env_ul("PZ_TEST_OPS", DEF_OPS);                                        \
		r.nops = r.nops < (maxops) ? r.nops : (maxops);                                    \
		run(&r);                                                                           \
	}
#define RUN_TEST(fn, nm, profile, machine, tr, frac, set)                                          \
	RUN_TEST_CLR(fn, nm, profile, machine, tr, frac, set, 0, (unsigned long)-1)

RUN_TEST(test_one_zone_41, "linux-4.1 one zone", PZ_PROFILE_LINUX_4_1, model_one_zone, 0, 0, 0)
RUN_TEST(test_one_zone_modern, "modern one zone", PZ_PROFILE_MODERN, model_one_zone, 0, 0, 0)
RUN_TEST(test_one_zone_44, "linux-4.4 one zone", PZ_PROFILE_LINUX_4_4, model_one_zone, 0, 0, 0)
RUN_TEST(test_two_zones_44, "linux-4.4 two zones", PZ_PROFILE_LINUX_4_4, model_two_zones, 1, 0, 0)
RUN_TEST(test_cma_44, "linux-4.4 CMA", PZ_PROFILE_LINUX_4_4, model_cma_zone, 0, 0, 0)
RUN_TEST(test_two_zones_41, "linux-4.1 two zones", PZ_PROFILE_LINUX_4_1, model_two_zones, 0, 0, 0)
RUN_TEST_CLR(test_two_zones_modern, "modern two zones", PZ_PROFILE_MODERN, model_two_zones, 0, 0, 0,
	     NO_50, (unsigned long)-1)
RUN_TEST_CLR(test_two_zones_50, "linux-6.1 two zones, NOFRAGMENT and boost", PZ_PROFILE_LINUX_6_1,
	     model_two_zones, 1, 0, 0, 0, 4000)
RUN_TEST(test_traced_41, "linux-4.1 one zone traced", PZ_PROFILE_LINUX_4_1, model_one_zone, 1, 0, 0)
RUN_TEST_CLR(test_traced_modern, "modern two zones traced", PZ_PROFILE_MODERN, model_two_zones, 1,
	     0, 0, NO_50, (unsigned long)-1)
RUN_TEST(test_big_pcp_41, "linux-4.1 big pcp", PZ_PROFILE_LINUX_4_1, model_one_zone, 1, 8, 0)
RUN_TEST(test_big_pcp_modern, "modern big pcp", PZ_PROFILE_MODERN, model_one_zone, 0, 8, 0)
RUN_TEST(test_cma_41, "linux-4.1 CMA traced", PZ_PROFILE_LINUX_4_1, model_cma_zone, 1, 0, 0)
RUN_TEST(test_cma_modern, "modern CMA", PZ_PROFILE_MODERN, model_cma_zone, 0, 0, 0)
/* the 5.14 lists switched on in the 4.1 profile: 4.1's enum order in the
 * round robin, MIGRATE_RESERVE blocks on high-order lists, the fair policy */
RUN_TEST(test_high_order_pcp_41, "linux-4.1 high-order pcp traced", PZ_PROFILE_LINUX_4_1,
	 model_one_zone, 1, 0, PZ_FEAT_PCP_HIGH_ORDER)

/* page_group_by_mobility_disabled: one type for every request, every
 * stolen block claimed (spec 1.5, 5.6). */
static void test_no_mobility_grouping(void **state)
{
	struct model_run r = {"linux-4.1 no mobility grouping",
			      PZ_PROFILE_LINUX_4_1,
			      &model_two_zones,
			      1,
			      0,
			      0,
			      1,
			      0,
			      0};

	(void)state;
	model_setup_bufs();
	r.nops = tu_env_ul("PZ_TEST_OPS", DEF_OPS);
	run(&r);
	r.name = "modern no mobility grouping";
	r.prof = PZ_PROFILE_MODERN;
	r.mc = &model_one_zone;
	r.trace = 0;
	run(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_zone_41),
		cmocka_unit_test(test_one_zone_modern),
		cmocka_unit_test(test_one_zone_44),
		cmocka_unit_test(test_two_zones_44),
		cmocka_unit_test(test_cma_44),
		cmocka_unit_test(test_two_zones_41),
		cmocka_unit_test(test_two_zones_modern),
		cmocka_unit_test(test_two_zones_50),
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

	model_free_bufs();
	return rc;
}
