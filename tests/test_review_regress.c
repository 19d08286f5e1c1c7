/*
 * test_review_regress.c - regressions for what the review of the per-CPU
 * shortcuts, the bulk calls and HIGHATOMIC found (2026-11-26):
 * - the order-0 shortcut must hide the HIGHATOMIC reserve from its LOW
 *   check as the general path does;
 * - with 4.1's fair policy, bulk allocation gives the pages one call per
 *   page gives; with no headroom for LOW + n it takes from the next zone
 *   (5.13's rule, a documented difference);
 * - HWPOISON set by another thread while a page is being freed is never
 *   lost (the page is not handed out again);
 * - atomic requests of orders with a per-CPU list reach the HIGHATOMIC
 *   reserve when their refill finds nothing.
 */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tu_machine tm;

static pz_t *make1(enum pz_profile profile, unsigned mfk, unsigned set, unsigned clear)
{
	struct pz_config cfg;

	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 4096 + 65536);
	tu_config(&cfg, &tm.m, profile, 0);
	cfg.min_free_kbytes = mfk;
	cfg.features_set = set;
	cfg.features_clear = clear;
	tu_cpu = 0;
	return tu_create(&cfg);
}

/* The order-0 shortcut and the general path agree with a HIGHATOMIC reserve. */
static void test_fast_order0_ignores_highatomic(void **state)
{
	(void)state;
	pz_t *pz = make1(PZ_PROFILE_MODERN, 4096, 0, 0);
	struct pz_zone_info zi = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	pz_page_t **fill = calloc(70000, sizeof(*fill)), *a, *g, *f;
	size_t nfill = 0;
	pz_nodemask_t all = 1;
	const pz_gfp_t gfp = PZ_GFP_NOWAIT | PZ_GFP_MOVABLE | PZ_GFP_NOWARN;

	while ((uint64_t)tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_FREE_PAGES] > zi.wmark_low)
		assert_non_null(fill[nfill++] = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE, 0));
	a = pz_alloc_pages(pz, PZ_GFP_ATOMIC_MASK, 3);
	assert_non_null(a);
	zi = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(zi.nr_reserved_highatomic, 512);
	while ((uint64_t)tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_FREE_PAGES] <= zi.wmark_low)
		assert_int_equal(pz_free_pages(pz, fill[--nfill], 0), 0);
	zi = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	printf("free=%lld min=%llu low=%llu reserved_ha=%llu\n",
	       (long long)zi.stat[PZ_NR_FREE_PAGES], (unsigned long long)zi.wmark_min,
	       (unsigned long long)zi.wmark_low, (unsigned long long)zi.nr_reserved_highatomic);
	printf("watermark_ok(order 0, LOW) = %d\n",
	       pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 0, PZ_ALLOC_WMARK_LOW, PZ_ZONE_NORMAL));
	/* general path (a nodemask bypasses the shortcut) */
	g = pz_alloc_pages_nodemask(pz, gfp, 0, -1, &all);
	printf("general path: %p\n", (void *)g);
	/* shortcut */
	f = pz_alloc_pages_nodemask(pz, gfp, 0, -1, NULL);
	printf("shortcut:     %p\n", (void *)f);
	assert_true((g == NULL) == (f == NULL));
	tu_validate(pz);
	free(fill);
	tu_destroy(pz);
}

static pz_t *make2(enum pz_profile profile, unsigned cpus)
{
	struct pz_config cfg;

	tu_machine_init(&tm, 1, cpus);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, 4096 + 16384);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096 + 16384, 4096 + 16384 + 65536);
	tu_config(&cfg, &tm.m, profile, 0);
	tu_cpu = 0;
	return tu_create(&cfg);
}

/* Bulk vs one call per page on twin instances. */
static size_t bulk_vs_single(enum pz_profile prof, size_t n, size_t prefill, size_t *bulk32)
{
	pz_t *a = make2(prof, 1);
	pz_t *b;
	pz_page_t **pa = calloc(n + prefill, sizeof(*pa)), **pb = calloc(n + prefill, sizeof(*pb));
	size_t got, diff = 0, na32 = 0, nb32 = 0;

	for (size_t i = 0; i < prefill; i++)
		assert_non_null(pa[n + i] = pz_alloc_pages(a, PZ_GFP_KERNEL, 0));
	got = pz_alloc_pages_bulk(a, PZ_GFP_KERNEL, -1, NULL, n, pa);
	assert_int_equal(got, n);
	b = make2(prof, 1);
	for (size_t i = 0; i < prefill; i++)
		assert_non_null(pb[n + i] = pz_alloc_pages(b, PZ_GFP_KERNEL, 0));
	for (size_t i = 0; i < n; i++)
		assert_non_null(pb[i] = pz_alloc_pages(b, PZ_GFP_KERNEL, 0));
	for (size_t i = 0; i < n; i++) {
		uint64_t x = pz_page_to_pfn(a, pa[i]), y = pz_page_to_pfn(b, pb[i]);
		na32 += pz_page_zonenum(a, pa[i]) == PZ_ZONE_DMA32;
		nb32 += pz_page_zonenum(b, pb[i]) == PZ_ZONE_DMA32;
		if (x != y && diff++ < 3)
			printf("  slot %zu: bulk pfn %llu, single pfn %llu\n", i,
			       (unsigned long long)x, (unsigned long long)y);
	}
	printf("%s n=%zu prefill=%zu: %zu slots differ; DMA32 pages: bulk %zu, single %zu\n",
	       prof == PZ_PROFILE_MODERN ? "modern" : "linux-4.1", n, prefill, diff, na32, nb32);
	*bulk32 = na32;
	tu_destroy(a);
	tu_destroy(b);
	free(pa);
	free(pb);
	return diff;
}

static void test_bulk_fair(void **state)
{
	size_t bulk32;
	(void)state;
	/* the fair batch moves single calls to DMA32 after a while: bulk too */
	assert_int_equal(bulk_vs_single(PZ_PROFILE_LINUX_4_1, 300, 0, &bulk32), 0);
	assert_true(bulk32 > 0);
	assert_int_equal(bulk_vs_single(PZ_PROFILE_MODERN, 300, 0, &bulk32), 0);
}

static void test_bulk_lowmark(void **state)
{
	size_t bulk32;
	(void)state;
	/* Normal left just above LOW but not LOW + n: 5.13's bulk pass takes
	 * all from the next zone (DMA32) where single calls would use Normal
	 * down to LOW first (docs/DESIGN.md, deliberate differences) */
	pz_t *a = make2(PZ_PROFILE_MODERN, 1);
	struct pz_zone_info zi = tu_zinfo(a, 0, PZ_ZONE_NORMAL);
	size_t prefill = (size_t)(zi.stat[PZ_NR_FREE_PAGES] - (int64_t)zi.wmark_low) - 200;
	tu_destroy(a);
	assert_true(bulk_vs_single(PZ_PROFILE_MODERN, 300, prefill, &bulk32) > 0);
	assert_int_equal(bulk32, 300);
}

/* HWPOISON set concurrently with a free must survive it */
static pz_t *hp_pz;
static pz_page_t *_Atomic hp_target;
static atomic_int hp_phase; /* 0 idle, 1 go, 2 poisoned, 3 quit */
static void *poisoner(void *arg)
{
	uint64_t rnd = 12345;
	(void)arg;
	for (;;) {
		int ph;
		while ((ph = atomic_load(&hp_phase)) != 1 && ph != 3)
			;
		if (ph == 3)
			return NULL;
		for (volatile unsigned k = 0, n = (unsigned)(tu_rand(&rnd) % 400); k < n; k = k + 1)
			;
		assert_int_equal(
			pz_page_set_state(hp_pz, atomic_load(&hp_target), PZ_PAGE_HWPOISON, 0), 0);
		atomic_store(&hp_phase, 2);
	}
}

static void test_hwpoison_race(void **state)
{
	(void)state;
	pthread_t th;
	pz_t *pz = make1(PZ_PROFILE_MODERN, 0, 0, 0);
	unsigned bugs = 0, trials = 0;
	pz_page_t *p;

	hp_pz = pz;
	pthread_create(&th, NULL, poisoner, NULL);
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	for (trials = 0; trials < 5000 && p; trials++) {
		pz_page_t *victim = p;
		atomic_store(&hp_target, victim);
		atomic_store(&hp_phase, 1);
		for (;;) {
			int poisoned_before = atomic_load(&hp_phase) == 2;
			if (trials & 1) /* the general free path, then the shortcut */
				pz_free_page_list(pz, &p, 1, 0);
			else
				pz_free_pages(pz, p, 0);
			p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
			if (!p)
				break;
			if (poisoned_before) {
				if (p == victim)
					bugs++;
				break;
			}
		}
		atomic_store(&hp_phase, 0);
		if (p == victim) /* reused: free it, move on with a fresh page */
			p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	}
	atomic_store(&hp_phase, 3);
	pthread_join(th, NULL);
	printf("hwpoison race: %u trials, %u times a page marked HWPOISON (set_state returned 0) "
	       "was handed out again\n",
	       trials, bugs);
	assert_int_equal(bugs, 0);
	tu_validate(pz);
	tu_destroy(pz);
}

/* ALLOC_HARDER requests of per-CPU orders reach the HIGHATOMIC reserve. */
static void test_highatomic_pcp_orders(void **state)
{
	(void)state;
	pz_t *pz = make1(PZ_PROFILE_MODERN, 128, 0, 0);
	struct pz_zone_info zi = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	pz_page_t **fill = calloc(70000, sizeof(*fill)), *a, *o3, *o4;
	size_t nfill = 0;
	uint64_t ha = 0, ha3 = 0;

	while ((uint64_t)tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_FREE_PAGES] > zi.wmark_low)
		assert_non_null(fill[nfill++] = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE, 0));
	pz_drain_all_pages(pz);
	while ((uint64_t)tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_FREE_PAGES] > zi.wmark_low)
		assert_non_null(fill[nfill++] = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE, 0));
	a = pz_alloc_pages(pz, PZ_GFP_ATOMIC_MASK | PZ_GFP_NOWARN, 4); /* order 4: buddy path */
	assert_non_null(a);
	{
		uint64_t blk = pz_page_to_pfn(pz, a) >> 9;
		size_t k = 0;
		for (size_t i = 0; i < nfill; i++) {
			if (pz_page_to_pfn(pz, fill[i]) >> 9 == blk)
				assert_int_equal(pz_free_pages(pz, fill[i], 0), 0);
			else
				fill[k++] = fill[i];
		}
		nfill = k;
		pz_drain_all_pages(pz);
	}
	while ((fill[nfill] =
			pz_alloc_pages(pz, PZ_GFP_ATOMIC_MASK | PZ_GFP_MOVABLE | PZ_GFP_NOWARN, 0)))
		nfill++;
	zi = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	for (unsigned o = 0; o < 11; o++) {
		ha += zi.nr_free_mt[o][PZ_MT_HIGHATOMIC] << o;
		if (o >= 3)
			ha3 += zi.nr_free_mt[o][PZ_MT_HIGHATOMIC];
	}
	printf("reserved=%llu free=%lld min=%llu; HIGHATOMIC free pages %llu, blocks of order>=3: "
	       "%llu\n",
	       (unsigned long long)zi.nr_reserved_highatomic, (long long)zi.stat[PZ_NR_FREE_PAGES],
	       (unsigned long long)zi.wmark_min, (unsigned long long)ha, (unsigned long long)ha3);
	o3 = pz_alloc_pages(pz, PZ_GFP_ATOMIC_MASK | PZ_GFP_NOWARN, 3);
	o4 = pz_alloc_pages(pz, PZ_GFP_ATOMIC_MASK | PZ_GFP_NOWARN, 4);
	printf("GFP_ATOMIC order 3: %s; order 4: %s\n", o3 ? "ok" : "FAILED", o4 ? "ok" : "FAILED");
	assert_non_null(o3);
	assert_non_null(o4);
	tu_validate(pz);
	free(fill);
	tu_destroy(pz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fast_order0_ignores_highatomic),
		cmocka_unit_test(test_bulk_fair),
		cmocka_unit_test(test_bulk_lowmark),
		cmocka_unit_test(test_hwpoison_race),
		cmocka_unit_test(test_highatomic_pcp_orders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
