/*
 * test_random.c - a seeded random workload against a reference model.
 *
 * A 2-node, 2-CPU machine takes a long mix of allocations (orders 0-10,
 * biased small; GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_ATOMIC, GFP_DMA32,
 * GFP_TEMPORARY, with and without __GFP_COMP and __GFP_COLD; preferred
 * node, nodemask), frees in random order, split_page, extra references,
 * and per-CPU drains, on random CPUs. A byte per pfn records what the
 * allocator handed out; every allocation is checked against it and
 * pz_validate() runs after every operation (in sanitizer builds: for the
 * first 50,000, then after every 16th). The model is compared with pz_pfn_state() for every pfn from
 * time to time and at the end, when everything is freed and the free
 * lists must be back to their initial shape.
 *
 * PZ_TEST_SEED overrides the seed, PZ_TEST_OPS the number of operations,
 * PZ_TEST_FULL_VALIDATE_OPS how many operations are validated one by one
 * before validation thins out to every 16th (for slow sanitizer builds).
 * Black-box: only <pagezone.h> and the test helpers.
 */
#include "testutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SEED 0x5eed2015c0ffeeull
#define DEFAULT_OPS  300000ul
/*
 * pz_validate after every operation for this many operations, then after
 * every 16th (PZ_TEST_FULL_VALIDATE_OPS overrides). A validation costs
 * about 0.09 ms in a release build: every operation is validated there.
 * Sanitizer builds run it about 12 times slower, so there the first
 * 50,000 operations are validated one by one and then every 16th.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define FULL_VALIDATE_OPS 50000ul
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define FULL_VALIDATE_OPS 50000ul
#endif
#endif
#ifndef FULL_VALIDATE_OPS
#define FULL_VALIDATE_OPS 300000ul
#endif
#define NPFN	      32768
#define MAXO	      11
#define MAXREC	      40000
#define PRESENT_TYPES 0x17u /* DMA, DMA32, Normal, Movable types; no HighMem */

struct rec {
	pz_page_t *page;
	uint64_t pfn;
	uint8_t order;
	uint8_t comp;
};

static struct tu_machine tm;
static unsigned char model[NPFN];
static struct rec recs[MAXREC];
static size_t nrec;
static uint64_t seed0, rng;
static unsigned long opno;
static uint64_t managed_total;
static uint64_t init_free[2][PZ_NR_ZONE_TYPES][MAXO];

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			char m_[1024];                                                             \
			snprintf(m_, sizeof(m_), __VA_ARGS__);                                     \
			fail_msg("seed=0x%" PRIx64 " op=%lu: %s (%s)", seed0, opno, m_, #cond);    \
		}                                                                                  \
	} while (0)

static uint64_t rnd(uint64_t n)
{
	return tu_rand(&rng) % n;
}

/*
 * Node 0: DMA [1, 4096), DMA32 [4096, 8192), Normal [8192, 16384).
 * Node 1: Normal [16384, 32768) with a hole [20000, 20010) and pfns
 * [30000, 30005) reserved.
 */
static pz_t *create(enum pz_profile profile)
{
	tu_machine_init(&tm, 2, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA, 1, 4096);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, 8192);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 16384);
	struct pz_zone_desc *z = tu_add_zone(&tm, 1, PZ_ZONE_NORMAL, 16384, 32768);
	tu_zone_present(&tm, 1, z, 16384, 20000);
	tu_zone_present(&tm, 1, z, 20010, 32768);
	tu_zone_reserved(&tm, 1, z, 30000, 30005);
	struct pz_config cfg;
	tu_config(&cfg, &tm.m, profile, 0);
	pz_t *pz = tu_create(&cfg);
	assert_non_null(pz);
	return pz;
}

static void snapshot_free(pz_t *pz, uint64_t out[2][PZ_NR_ZONE_TYPES][MAXO], uint64_t *managed)
{
	uint64_t m = 0;
	memset(out, 0, sizeof(uint64_t) * 2 * PZ_NR_ZONE_TYPES * MAXO);
	for (int nid = 0; nid < 2; nid++)
		for (int t = 0; t < PZ_NR_ZONE_TYPES; t++) {
			struct pz_zone_info z;
			if (pz_zone_info(pz, nid, (enum pz_zone_type)t, &z) != 0 || !z.populated)
				continue;
			m += z.managed;
			for (int o = 0; o < MAXO; o++)
				out[nid][t][o] = z.nr_free[o];
		}
	if (managed)
		*managed = m;
}

static void validate(pz_t *pz)
{
	int v = pz_validate(pz);
	CHECK(v == 0, "pz_validate found %d violations; last log: %.300s", v, tu_log.last);
}

static void compare_model(pz_t *pz)
{
	for (uint64_t pfn = 0; pfn < NPFN; pfn++) {
		enum pz_page_state st = pz_pfn_state(pz, pfn);
		CHECK(st != PZ_PAGE_STATE_LEAKED, "pfn %" PRIu64 " leaked", pfn);
		if (model[pfn])
			CHECK(st == PZ_PAGE_STATE_ALLOCATED, "pfn %" PRIu64 " held, state %d", pfn,
			      (int)st);
		else
			CHECK(st != PZ_PAGE_STATE_ALLOCATED, "pfn %" PRIu64 " not held, state %d",
			      pfn, (int)st);
	}
}

static pz_gfp_t random_gfp(unsigned order, int *comp)
{
	static const pz_gfp_t kinds[] = {PZ_GFP_KERNEL, PZ_GFP_HIGHUSER_MOVABLE, PZ_GFP_ATOMIC,
					 PZ_GFP_KERNEL | PZ_GFP_DMA32, PZ_GFP_TEMPORARY};
	static const unsigned weights[] = {30, 35, 10, 10, 15};
	unsigned r = (unsigned)rnd(100), k = 0;
	while (r >= weights[k]) {
		r -= weights[k];
		k++;
	}
	pz_gfp_t g = kinds[k];
	*comp = 0;
	if (order > 0 && rnd(3) == 0) {
		g |= PZ__GFP_COMP;
		*comp = 1;
	}
	if (rnd(10) == 0)
		g |= PZ__GFP_COLD;
	return g;
}

static unsigned random_order(void)
{
	unsigned r = (unsigned)rnd(100);
	if (r < 50)
		return 0;
	if (r < 70)
		return 1;
	if (r < 80)
		return 2;
	if (r < 87)
		return 3;
	return 4 + (unsigned)rnd(7); /* 4..10 */
}

static void add_rec(pz_page_t *p, uint64_t pfn, unsigned order, int comp)
{
	CHECK(nrec < MAXREC, "too many records");
	recs[nrec].page = p;
	recs[nrec].pfn = pfn;
	recs[nrec].order = (uint8_t)order;
	recs[nrec].comp = (uint8_t)comp;
	nrec++;
}

static void op_alloc(pz_t *pz, uint64_t *held)
{
	unsigned order = random_order();
	int comp;
	pz_gfp_t gfp = random_gfp(order, &comp);
	pz_nodemask_t mask = 3;
	int use_mask = 0;
	pz_page_t *p;
	unsigned how = (unsigned)rnd(100);
	if (how < 60) {
		p = pz_alloc_pages(pz, gfp, order);
	} else if (how < 85) {
		int nid = (int)rnd(3) - 1;
		p = pz_alloc_pages_node(pz, nid, gfp, order);
	} else {
		mask = 1 + rnd(3); /* {0}, {1}, {0, 1} */
		use_mask = 1;
		p = pz_alloc_pages_nodemask(pz, gfp, order, (int)rnd(2), &mask);
	}
	if (!p)
		return;
	uint64_t pfn = pz_page_to_pfn(pz, p);
	uint64_t n = 1ull << order;
	CHECK(pfn < NPFN && pfn + n <= NPFN, "pfn %" PRIu64 " out of range", pfn);
	CHECK(pfn % n == 0, "order-%u block at pfn %" PRIu64 " not aligned", order, pfn);
	int zone = pz_page_zonenum(pz, p);
	int highest = pz_gfp_zone(gfp, PRESENT_TYPES);
	CHECK(zone >= 0 && zone <= highest, "gfp 0x%x (highest zone %d) got zone %d", gfp, highest,
	      zone);
	int nid = pz_page_to_nid(pz, p);
	if (use_mask)
		CHECK((mask >> nid) & 1, "node %d outside nodemask 0x%" PRIx64, nid, mask);
	CHECK(pz_page_refcount(pz, p) == 1, "refcount %d", pz_page_refcount(pz, p));
	for (uint64_t i = 0; i < n; i++) {
		CHECK(!model[pfn + i],
		      "pfn %" PRIu64 " handed out twice (order %u block at %" PRIu64 ")", pfn + i,
		      order, pfn);
		model[pfn + i] = 1;
		enum pz_page_state st = pz_pfn_state(pz, pfn + i);
		CHECK(st == PZ_PAGE_STATE_ALLOCATED, "pfn %" PRIu64 " state %d after alloc",
		      pfn + i, (int)st);
	}
	if (comp) {
		CHECK(pz_compound_order(pz, p) == order, "compound order %u, want %u",
		      pz_compound_order(pz, p), order);
		pz_page_t *tail = pz_pfn_to_page(pz, pfn + n - 1);
		CHECK(pz_compound_head(pz, tail) == p, "tail's head is not the head");
	} else if (order > 0) {
		CHECK(pz_compound_order(pz, p) == 0, "non-compound block has compound order");
	}
	add_rec(p, pfn, order, comp);
	*held += n;
}

static void drop_rec(size_t i, uint64_t *held)
{
	uint64_t n = 1ull << recs[i].order;
	for (uint64_t k = 0; k < n; k++)
		model[recs[i].pfn + k] = 0;
	*held -= n;
	recs[i] = recs[--nrec];
}

static void op_free(pz_t *pz, uint64_t *held)
{
	if (!nrec)
		return;
	size_t i = rnd(nrec);
	int r;
	if (rnd(8) == 0)
		r = pz_free_pages_cold(pz, recs[i].page, recs[i].order, 1);
	else
		r = pz_free_pages(pz, recs[i].page, recs[i].order);
	CHECK(r == 0, "free of order-%u pfn %" PRIu64 " returned %d", recs[i].order, recs[i].pfn,
	      r);
	drop_rec(i, held);
}

static void op_split(pz_t *pz)
{
	if (!nrec)
		return;
	size_t i = rnd(nrec);
	if (recs[i].comp || recs[i].order == 0 || nrec + (1u << recs[i].order) >= MAXREC)
		return;
	struct rec r = recs[i];
	int ret = pz_split_page(pz, r.page, r.order);
	CHECK(ret == 0, "split_page(order %u) returned %d", r.order, ret);
	recs[i] = recs[--nrec];
	for (uint64_t k = 0; k < (1ull << r.order); k++) {
		pz_page_t *p = pz_pfn_to_page(pz, r.pfn + k);
		CHECK(p != NULL, "no page for pfn %" PRIu64, r.pfn + k);
		CHECK(pz_page_refcount(pz, p) == 1, "split piece refcount %d",
		      pz_page_refcount(pz, p));
		add_rec(p, r.pfn + k, 0, 0);
	}
}

/* get_page + one put: the page stays allocated with one reference. */
static void op_get_put(pz_t *pz)
{
	if (!nrec)
		return;
	size_t i = rnd(nrec);
	CHECK(pz_page_get(pz, recs[i].page) == 0, "get_page failed");
	CHECK(pz_page_refcount(pz, recs[i].page) == 2, "refcount after get");
	CHECK(pz_free_pages(pz, recs[i].page, recs[i].order) == 0, "put failed");
	CHECK(pz_page_refcount(pz, recs[i].page) == 1, "refcount after put");
	CHECK(pz_pfn_state(pz, recs[i].pfn) == PZ_PAGE_STATE_ALLOCATED, "freed by a put");
}

static void random_workload(enum pz_profile profile, unsigned long nops)
{
	seed0 = tu_env_ul("PZ_TEST_SEED", 0) ? (uint64_t)tu_env_ul("PZ_TEST_SEED", 0)
					     : DEFAULT_SEED;
	unsigned long full_ops = tu_env_ul("PZ_TEST_FULL_VALIDATE_OPS", FULL_VALIDATE_OPS);
	rng = seed0 ? seed0 : 1;
	memset(model, 0, sizeof(model));
	nrec = 0;
	opno = 0;
	tu_cpu = 0;

	pz_t *pz = create(profile);
	validate(pz);
	snapshot_free(pz, init_free, &managed_total);
	/* 4095 + 4096 + 8192 + (16384 - 10 - 5) */
	assert_int_equal(managed_total, 4095 + 4096 + 8192 + 16369);
	assert_int_equal(tu_free_pages(pz), managed_total);
	compare_model(pz);

	uint64_t held = 0;
	unsigned long failed_allocs = 0, allocs = 0, splits = 0;
	uint64_t max_held = 0;
	for (opno = 1; opno <= nops; opno++) {
		if (rnd(8) == 0)
			tu_cpu = (unsigned)rnd(2);
		unsigned r = (unsigned)rnd(1000);
		/* lean towards freeing once half the memory is held */
		unsigned alloc_share = held * 2 < managed_total ? 560 : 420;
		if (r < alloc_share) {
			size_t before = nrec;
			op_alloc(pz, &held);
			allocs++;
			if (nrec == before)
				failed_allocs++;
		} else if (r < 960) {
			op_free(pz, &held);
		} else if (r < 975) {
			size_t before = nrec;
			op_split(pz);
			splits += nrec != before;
		} else if (r < 985) {
			op_get_put(pz);
		} else if (r < 993) {
			pz_drain_local_pages(pz);
		} else if (r < 997) {
			pz_drain_all_pages(pz);
		} else {
			CHECK(pz_drain_cpu_pages(pz, (unsigned)rnd(2)) == 0, "drain_cpu");
		}
		if (held > max_held)
			max_held = held;
		if (opno <= full_ops || opno % 16 == 0)
			validate(pz);
		if (opno % 20000 == 0)
			compare_model(pz);
	}
	validate(pz);
	compare_model(pz);
	print_message("profile %d, seed 0x%" PRIx64
		      ": %lu ops, %lu allocations (%lu refused), %lu splits, "
		      "at most %" PRIu64 " of %" PRIu64 " pages held\n",
		      (int)profile, seed0, nops, allocs, failed_allocs, splits, max_held,
		      managed_total);
	/* the workload must have exercised both success and pressure */
	CHECK(allocs - failed_allocs > nops / 4, "only %lu of %lu allocations succeeded",
	      allocs - failed_allocs, allocs);

	/* free everything in random order */
	while (nrec) {
		op_free(pz, &held);
		if (nrec % 64 == 0)
			validate(pz);
	}
	CHECK(held == 0, "model still holds %" PRIu64 " pages", held);
	pz_drain_all_pages(pz);
	validate(pz);
	compare_model(pz);
	CHECK(tu_pcp_pages(pz) == 0, "pcp pages left after drain_all");
	CHECK(tu_free_pages(pz) == managed_total, "free %" PRIu64 " != managed %" PRIu64,
	      tu_free_pages(pz), managed_total);
	uint64_t end_free[2][PZ_NR_ZONE_TYPES][MAXO];
	snapshot_free(pz, end_free, NULL);
	/* 6.1 (5.18) keeps HIGHATOMIC pageblocks still reserved apart from
	 * their buddies: there only the pages in blocks of a pageblock
	 * (order 9) or more must add up as at init */
	int split = profile == PZ_PROFILE_LINUX_6_1 ? 9 : MAXO;
	for (int nid = 0; nid < 2; nid++)
		for (int t = 0; t < PZ_NR_ZONE_TYPES; t++) {
			uint64_t big_end = 0, big_init = 0;

			for (int o = 0; o < MAXO; o++) {
				if (o >= split) {
					big_end += end_free[nid][t][o] << o;
					big_init += init_free[nid][t][o] << o;
					continue;
				}
				CHECK(end_free[nid][t][o] == init_free[nid][t][o],
				      "node %d zone %d order %d: %" PRIu64
				      " free blocks, at init %" PRIu64,
				      nid, t, o, end_free[nid][t][o], init_free[nid][t][o]);
			}
			CHECK(big_end == big_init,
			      "node %d zone %d: %" PRIu64
			      " pages in blocks of a pageblock or more, "
			      "at init %" PRIu64,
			      nid, t, big_end, big_init);
		}
	struct pz_errors e;
	pz_errors(pz, &e);
	CHECK(e.double_free == 0 && e.wrong_order == 0 && e.tail_free == 0 && e.bad_pfn == 0 &&
		      e.leaked_pages == 0 && e.bad_order == 0 && e.bad_gfp == 0,
	      "misuse counters moved");
	tu_destroy(pz);
}

/* The default (linux-4.1) profile: PZ_TEST_OPS operations, 300,000 by default. */
static void test_random_workload(void **state)
{
	(void)state;
	random_workload(PZ_PROFILE_LINUX_4_1, tu_env_ul("PZ_TEST_OPS", DEFAULT_OPS));
}

/* The modern profile (HIGHATOMIC reserves, 4.4 watermark check, no fair
 * policy...), a third as long. */
static void test_random_workload_modern(void **state)
{
	(void)state;
	random_workload(PZ_PROFILE_MODERN, tu_env_ul("PZ_TEST_OPS", DEFAULT_OPS) / 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_workload),
		cmocka_unit_test(test_random_workload_modern),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
