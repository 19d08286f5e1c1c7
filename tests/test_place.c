/*
 * test_place.c - placing state by hand (place.c, probe.c): alloc-at-pfn
 * from the buddy lists and from per-CPU lists, its refusals that change
 * nothing, pageblock relabelling, explicit watermarks and per-CPU sizes,
 * and the allocation probe, which must name the block a real allocation
 * then hands out and must leave every list as it found it.
 *
 * Black-box: only <pagezone.h> and the test helpers.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tu_machine tm;

#define NORMAL_START 4096u
#define NORMAL_PAGES 32768u

/* One node, one Normal zone, two CPUs. */
static pz_t *make(enum pz_profile profile)
{
	struct pz_config cfg;

	tu_machine_init(&tm, 1, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, NORMAL_START, NORMAL_START + NORMAL_PAGES);
	tu_config(&cfg, &tm.m, profile, 0);
	tu_cpu = 0;
	return tu_create_ok(&cfg);
}

static uint64_t nr_free(pz_t *pz)
{
	return (uint64_t)tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_FREE_PAGES];
}

/* The whole visible state of the lists: pagetypeinfo and per-CPU counts. */
static char *state_text(pz_t *pz)
{
	size_t n = pz_report_pagetypeinfo(pz, NULL, 0) + 64;
	char *s = malloc(n);
	struct pz_pcp_info a, b;

	assert_non_null(s);
	pz_report_pagetypeinfo(pz, s, n - 64);
	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, &a), 0);
	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 1, &b), 0);
	snprintf(s + strlen(s), 64, "pcp %u %u", a.count, b.count);
	return s;
}

static void test_at_pfn_from_buddy(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_MODERN);
	uint64_t free0 = nr_free(pz), pfn = NORMAL_START + 1000;
	char *before = state_text(pz), *after;
	pz_page_t *p = NULL, *q = (pz_page_t *)1;

	assert_int_equal(pz_alloc_at_pfn(pz, pfn, 2, PZ_GFP_KERNEL, &p), 0);
	assert_non_null(p);
	assert_int_equal(pz_page_to_pfn(pz, p), pfn);
	assert_int_equal(nr_free(pz), free0 - 4);
	for (uint64_t i = 0; i < 4; i++)
		assert_int_equal(pz_pfn_state(pz, pfn + i), PZ_PAGE_STATE_ALLOCATED);
	assert_int_equal(pz_pfn_state(pz, pfn - 1), PZ_PAGE_STATE_FREE);
	assert_int_equal(pz_pfn_state(pz, pfn + 4), PZ_PAGE_STATE_FREE);
	tu_validate(pz);
	/* taken: a second take of any overlapping block is refused */
	assert_int_equal(pz_alloc_at_pfn(pz, pfn + 2, 1, PZ_GFP_KERNEL, &q), -PZ_EBUSY);
	assert_null(q);
	assert_int_equal(pz_alloc_at_pfn(pz, pfn & ~7ull, 3, PZ_GFP_KERNEL, &q), -PZ_EBUSY);
	assert_int_equal(nr_free(pz), free0 - 4);
	/* given back, the buddies merge into what there was */
	assert_int_equal(pz_free_pages(pz, p, 2), 0);
	pz_drain_all_pages(pz);
	after = state_text(pz);
	assert_string_equal(before, after);
	tu_validate(pz);
	free(before);
	free(after);
	tu_destroy(pz);
}

static void test_at_pfn_from_pcp(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_MODERN);
	struct pz_pcp_info c0, c1;
	pz_page_t *a, *p;
	uint64_t head[2], free0;

	tu_cpu = 1;
	a = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0); /* refills CPU 1's list */
	assert_non_null(a);
	tu_cpu = 0;
	assert_int_equal(
		pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 1, 0, PZ_MT_UNMOVABLE, head, 2),
		(int64_t)pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 1, 0, PZ_MT_UNMOVABLE, NULL, 0));
	pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 1, &c1);
	assert_true(c1.count >= 2);
	free0 = nr_free(pz);
	/* CPU 0 takes the second block of CPU 1's list: a per-CPU hit */
	assert_int_equal(pz_alloc_at_pfn(pz, head[1], 0, PZ_GFP_KERNEL, &p), 0);
	assert_int_equal(pz_page_to_pfn(pz, p), head[1]);
	pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 1, &c0);
	assert_int_equal(c0.count, c1.count - 1);
	assert_int_equal(nr_free(pz), free0);
	tu_validate(pz);
	/* the list goes on from its head */
	tu_cpu = 1;
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_int_equal(pz_page_to_pfn(pz, p), head[0]);
	tu_cpu = 0;
	tu_validate(pz);
	tu_destroy(pz);
}

/* A range partly on a per-CPU list, partly allocated: refused, untouched;
 * the per-CPU half alone: a per-CPU hit. */
static void test_at_pfn_refusals(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_MODERN);
	pz_page_t *a = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0),
		  *b = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	uint64_t pa = pz_page_to_pfn(pz, a), pfree, base;
	pz_page_t *p = NULL;
	char *before, *after;

	assert_non_null(b);
	assert_int_equal(pz_free_pages(pz, b, 0), 0); /* b back on CPU 0's list */
	pfree = pz_page_to_pfn(pz, b);
	base = pa < pfree ? pa : pfree;
	assert_true((pa ^ pfree) == 1); /* neighbours: one order-1 block */
	before = state_text(pz);
	assert_int_equal(pz_alloc_at_pfn(pz, base, 1, PZ_GFP_KERNEL, &p), -PZ_EBUSY);
	assert_int_equal(pz_alloc_at_pfn(pz, base + 1, 1, PZ_GFP_KERNEL, &p), -PZ_EINVAL);
	assert_int_equal(pz_alloc_at_pfn(pz, base, 11, PZ_GFP_KERNEL, &p), -PZ_EINVAL);
	assert_int_equal(pz_alloc_at_pfn(pz, 10, 0, PZ_GFP_KERNEL, &p), -PZ_ERANGE);
	assert_int_equal(pz_alloc_at_pfn(pz, NORMAL_START + NORMAL_PAGES, 0, PZ_GFP_KERNEL, &p),
			 -PZ_ERANGE);
	assert_int_equal(pz_alloc_at_pfn(pz, base, 0, PZ_GFP_KERNEL, NULL), -PZ_EINVAL);
	after = state_text(pz);
	assert_string_equal(before, after);
	assert_int_equal(pz_alloc_at_pfn(pz, pfree, 0, PZ_GFP_KERNEL, &p), 0);
	tu_validate(pz);
	free(before);
	free(after);
	tu_destroy(pz);
}

static void test_at_pfn_compound(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_LINUX_4_1);
	pz_page_t *p;
	uint64_t pfn = NORMAL_START + 512;

	assert_int_equal(pz_alloc_at_pfn(pz, pfn, 4, PZ_GFP_KERNEL | PZ__GFP_COMP, &p), 0);
	assert_int_equal(pz_compound_order(pz, p), 4);
	assert_ptr_equal(pz_compound_head(pz, pz_pfn_to_page(pz, pfn + 5)), p);
	assert_int_equal(pz_page_refcount(pz, p), 1);
	tu_validate(pz);
	assert_int_equal(pz_free_pages(pz, p, 4), 0);
	tu_validate(pz);
	tu_destroy(pz);
}

static void test_pageblock_migratetype(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_MODERN);
	unsigned po = pz_pageblock_order(pz), top = pz_max_order(pz) - 1;
	uint64_t pfn = NORMAL_START + (4ull << po); /* heads an order-10 block */
	struct pz_zone_info z0 = tu_zinfo(pz, 0, PZ_ZONE_NORMAL), z1;

	assert_int_equal(pz_pageblock_migratetype(pz, pfn), PZ_MT_MOVABLE);
	assert_int_equal(pz_set_pageblock_migratetype(pz, pfn, PZ_MT_UNMOVABLE), 0);
	assert_int_equal(pz_pageblock_migratetype(pz, pfn), PZ_MT_UNMOVABLE);
	z1 = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	/* the free block holding it moved to the UNMOVABLE list */
	assert_int_equal(z1.nr_free_mt[top][PZ_MT_UNMOVABLE],
			 z0.nr_free_mt[top][PZ_MT_UNMOVABLE] + 1);
	assert_int_equal(z1.nr_blocks_mt[PZ_MT_UNMOVABLE], z0.nr_blocks_mt[PZ_MT_UNMOVABLE] + 1);
	assert_int_equal(pz_set_pageblock_migratetype(pz, pfn, PZ_MT_CMA), -PZ_EINVAL);
	assert_int_equal(pz_set_pageblock_migratetype(pz, 7, PZ_MT_MOVABLE), -PZ_ERANGE);
	tu_validate(pz);
	tu_destroy(pz);
}

static void test_watermarks_and_pcp(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_MODERN);
	struct pz_zone_info zi;
	struct pz_pcp_info pi;
	struct pz_alloc_choice c;
	pz_page_t *p;

	assert_int_equal(pz_zone_set_watermarks(pz, 0, PZ_ZONE_NORMAL, 100, 200, 300), 0);
	zi = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(zi.wmark_min, 100);
	assert_int_equal(zi.wmark_low, 200);
	assert_int_equal(zi.wmark_high, 300);
	assert_int_equal(pz_zone_set_watermarks(pz, 0, PZ_ZONE_NORMAL, 300, 200, 300), -PZ_EINVAL);
	assert_int_equal(pz_zone_set_watermarks(pz, 0, PZ_ZONE_DMA, 1, 2, 3), -PZ_ENODEV);
	assert_int_equal(pz_zone_set_pcp(pz, 0, PZ_ZONE_NORMAL, 90, 15), 0);
	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 1, &pi), 0);
	assert_int_equal(pi.high, 90);
	assert_int_equal(pi.batch, 15);
	assert_int_equal(pz_zone_set_pcp(pz, 0, PZ_ZONE_NORMAL, 90, 0), -PZ_EINVAL);
	assert_int_equal(pz_alloc_probe(pz, PZ_GFP_KERNEL, 0, &c), 0);
	assert_int_equal(c.source, PZ_PROBE_PCP_REFILL);
	assert_int_equal(c.refill_blocks, 15);
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_non_null(p);
	pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, &pi);
	assert_int_equal(pi.count, 14);
	/* a LOW mark above the free pages: the probe sees the slow path */
	assert_int_equal(
		pz_zone_set_watermarks(pz, 0, PZ_ZONE_NORMAL, 100, NORMAL_PAGES, NORMAL_PAGES), 0);
	assert_int_equal(pz_alloc_probe(pz, PZ_GFP_KERNEL, 0, &c), 0);
	assert_int_equal(c.source, PZ_PROBE_NONE);
	assert_int_equal(c.pfn, -1);
	tu_validate(pz);
	tu_destroy(pz);
}

/* 6.1's boost: set as recorded, reset by new base marks, raised as a
 * fragmenting fallback raises it (one pageblock, capped), and counted in
 * the marks the probe uses; 4.1 has none. */
static void test_watermark_boost(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_LINUX_6_1);
	uint64_t pb = 1ull << pz_pageblock_order(pz), cap;
	struct pz_alloc_choice c;
	struct pz_zone_info zi;
	int n = 0;

	assert_int_equal(pz_zone_set_watermarks(pz, 0, PZ_ZONE_NORMAL, 1000, 2000, 3000), 0);
	assert_int_equal(pz_zone_set_watermark_boost(pz, 0, PZ_ZONE_NORMAL, 700), 0);
	zi = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(zi.watermark_boost, 700);
	assert_int_equal(zi.wmark_low, 2700); /* printed with the boost, as 6.1 does */
	assert_int_equal(pz_zone_set_watermarks(pz, 0, PZ_ZONE_NORMAL, 1000, 2000, 3000), 0);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).watermark_boost, 0);
	/* factor 15000: the cap is 1.5 x high = 4500, whole pageblocks until then */
	cap = 3000 * 15000 / 10000;
	while (pz_zone_boost_watermark(pz, 0, PZ_ZONE_NORMAL) == 1 && n < 100) {
		zi = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
		n++;
		if (zi.watermark_boost == cap)
			break;
		assert_int_equal(zi.watermark_boost, (uint64_t)n * pb);
	}
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).watermark_boost, cap);
	/* a LOW mark that passes unboosted fails boosted: the probe sees it */
	assert_int_equal(pz_zone_set_watermarks(pz, 0, PZ_ZONE_NORMAL, 100, NORMAL_PAGES - 600,
						NORMAL_PAGES - 500),
			 0);
	assert_int_equal(pz_alloc_probe(pz, PZ_GFP_KERNEL, 0, &c), 0);
	assert_int_not_equal(c.source, PZ_PROBE_NONE);
	assert_int_equal(pz_zone_set_watermark_boost(pz, 0, PZ_ZONE_NORMAL, 1000), 0);
	assert_int_equal(pz_alloc_probe(pz, PZ_GFP_KERNEL, 0, &c), 0);
	assert_int_equal(c.source, PZ_PROBE_NONE);
	assert_int_equal(pz_zone_set_watermark_boost(pz, 0, PZ_ZONE_DMA, 1), -PZ_ENODEV);
	assert_int_equal(pz_zone_boost_watermark(pz, 0, PZ_ZONE_DMA), -PZ_ENODEV);
	tu_destroy(pz);
	pz = make(PZ_PROFILE_LINUX_4_1);
	assert_int_equal(pz_zone_set_watermark_boost(pz, 0, PZ_ZONE_NORMAL, 1), -PZ_EINVAL);
	assert_int_equal(pz_zone_set_watermark_boost(pz, 0, PZ_ZONE_NORMAL, 0), 0);
	assert_int_equal(pz_zone_boost_watermark(pz, 0, PZ_ZONE_NORMAL), 0);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).watermark_boost, 0);
	tu_destroy(pz);
}

/* Where a block freed to the buddy lists lands: pz_free_pages_to_buddy at
 * the head (its buddy one order up is not free), pz_free_pages_core at
 * the tail; the order-4 probe names the head. */
static void test_free_core_to_tail(void **state)
{
	(void)state;
	const uint64_t a = NORMAL_START, b = NORMAL_START + 64;
	struct pz_alloc_choice c;

	for (int core = 0; core < 2; core++) {
		pz_t *pz = make(PZ_PROFILE_LINUX_6_1);
		pz_page_t *pa = NULL, *pb = NULL, *p;

		assert_int_equal(pz_zone_set_watermarks(pz, 0, PZ_ZONE_NORMAL, 0, 0, 0), 0);
		for (uint64_t pfn = NORMAL_START; pfn < NORMAL_START + NORMAL_PAGES; pfn += 16) {
			assert_int_equal(pz_alloc_at_pfn(pz, pfn, 4, PZ_GFP_KERNEL, &p), 0);
			pa = pfn == a ? p : pa;
			pb = pfn == b ? p : pb;
		}
		assert_int_equal((core ? pz_free_pages_core : pz_free_pages_to_buddy)(pz, pa, 4),
				 0);
		assert_int_equal((core ? pz_free_pages_core : pz_free_pages_to_buddy)(pz, pb, 4),
				 0);
		assert_int_equal(pz_alloc_probe(pz, PZ_GFP_HIGHUSER_MOVABLE, 4, &c), 0);
		assert_int_equal(c.source, PZ_PROBE_BUDDY);
		assert_int_equal(c.pfn, core ? a : b);
		tu_validate(pz);
		tu_destroy(pz);
	}
}

/* Memory entering the allocator skips the per-CPU lists. */
static void test_free_to_buddy(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_MODERN);
	pz_page_t *p;
	uint64_t free0, pfn = NORMAL_START + 77;
	struct pz_pcp_info a, b;

	assert_int_equal(pz_alloc_at_pfn(pz, pfn, 0, PZ_GFP_KERNEL, &p), 0);
	free0 = nr_free(pz);
	pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, &a);
	assert_int_equal(pz_free_pages_to_buddy(pz, p, 0), 0);
	pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, &b);
	assert_int_equal(b.count, a.count);
	assert_int_equal(nr_free(pz), free0 + 1);
	assert_int_equal(pz_pfn_state(pz, pfn), PZ_PAGE_STATE_FREE);
	assert_int_equal(pz_free_pages_to_buddy(pz, p, 0), -PZ_EFAULT);
	assert_int_equal(pz_free_pages_to_buddy(pz, (pz_page_t *)&free0, 0), -PZ_ERANGE);
	tu_validate(pz);
	tu_destroy(pz);
}

static const pz_gfp_t probe_gfps[] = {
	PZ_GFP_KERNEL,
	PZ_GFP_HIGHUSER_MOVABLE,
	PZ_GFP_KERNEL | PZ__GFP_RECLAIMABLE,
	PZ_GFP_NOWAIT | PZ__GFP_COLD,
	PZ_GFP_KERNEL | PZ__GFP_COMP,
};

/* One seeded run: before each allocation, the probe (which must change
 * nothing) names the block the allocation then returns. */
static void probe_run(enum pz_profile profile, uint64_t seed)
{
	pz_t *pz = make(profile);
	enum {
		N = 3000
	};
	pz_page_t **held = calloc(N, sizeof(*held));
	unsigned *ord = calloc(N, sizeof(*ord)), nheld = 0, checked = 0, fallbacks = 0;

	for (unsigned i = 0; i < N; i++) {
		unsigned o = (unsigned)(tu_rand(&seed) % 8) ? 0 : (unsigned)(tu_rand(&seed) % 10);
		pz_gfp_t g = probe_gfps[tu_rand(&seed) % 5] | PZ__GFP_NOWARN;
		struct pz_alloc_choice c;
		char *before, *after;
		pz_page_t *p;

		tu_cpu = (unsigned)(tu_rand(&seed) & 1);
		if (nheld && tu_rand(&seed) % 3 == 0) {
			unsigned k = (unsigned)(tu_rand(&seed) % nheld);

			assert_int_equal(pz_free_pages(pz, held[k], ord[k]), 0);
			held[k] = held[--nheld];
			ord[k] = ord[nheld];
			continue;
		}
		before = state_text(pz);
		assert_int_equal(pz_alloc_probe(pz, g, o, &c), 0);
		after = state_text(pz);
		assert_string_equal(before, after);
		free(before);
		free(after);
		p = pz_alloc_pages(pz, g, o);
		if (c.source != PZ_PROBE_NONE) {
			assert_non_null(p);
			assert_int_equal(pz_page_to_pfn(pz, p), c.pfn);
			assert_int_equal(pz_page_zonenum(pz, p), c.zone);
			checked++;
			fallbacks += c.source == PZ_PROBE_FALLBACK;
		}
		if (p && nheld < N) {
			held[nheld] = p;
			ord[nheld++] = o;
		}
	}
	assert_true(checked > N / 3);
	assert_true(fallbacks > 0);
	tu_validate(pz);
	free(held);
	free(ord);
	tu_destroy(pz);
}

static void test_probe_matches_allocation(void **state)
{
	(void)state;
	uint64_t seed = tu_env_ul("PZ_TEST_SEED", 12345);

	for (int prof = 0; prof < PZ_NR_PROFILES; prof++)
		probe_run((enum pz_profile)prof, seed + (uint64_t)prof);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_at_pfn_from_buddy),
		cmocka_unit_test(test_at_pfn_from_pcp),
		cmocka_unit_test(test_at_pfn_refusals),
		cmocka_unit_test(test_at_pfn_compound),
		cmocka_unit_test(test_pageblock_migratetype),
		cmocka_unit_test(test_watermarks_and_pcp),
		cmocka_unit_test(test_probe_matches_allocation),
		cmocka_unit_test(test_free_to_buddy),
		cmocka_unit_test(test_watermark_boost),
		cmocka_unit_test(test_free_core_to_tail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
