/*
 * test_pcp.c - the per-CPU lists (pcp.c): zone_batchsize and high, the
 * refill of batch pages, the flush of batch pages once the count reaches
 * high, drains of the local CPU, of one named CPU and of all CPUs,
 * percpu_pagelist_fraction sizing, and two per-CPU paths meeting the
 * HIGHATOMIC reserve (the order-0 shortcut hides it from its LOW check as
 * the general path does; atomic requests of orders with a per-CPU list
 * reach it when their refill finds nothing) (spec sections 5.3, 5.4, 5.7,
 * 6.3). test_freelists compares the lists' exact content with the model.
 *
 * Black-box: only <pagezone.h> and the test helpers.
 */
#include "testutil.h"

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
		cmocka_unit_test(test_highatomic_pcp_orders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
