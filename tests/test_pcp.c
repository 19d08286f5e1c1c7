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
	const pz_gfp_t gfp = PZ_GFP_NOWAIT | PZ__GFP_MOVABLE | PZ__GFP_NOWARN;

	while ((uint64_t)tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_FREE_PAGES] > zi.wmark_low)
		assert_non_null(fill[nfill++] = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE, 0));
	a = pz_alloc_pages(pz, PZ_GFP_ATOMIC, 3);
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
	a = pz_alloc_pages(pz, PZ_GFP_ATOMIC | PZ__GFP_NOWARN, 4); /* order 4: buddy path */
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
			pz_alloc_pages(pz, PZ_GFP_ATOMIC | PZ__GFP_MOVABLE | PZ__GFP_NOWARN, 0)))
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
	o3 = pz_alloc_pages(pz, PZ_GFP_ATOMIC | PZ__GFP_NOWARN, 3);
	o4 = pz_alloc_pages(pz, PZ_GFP_ATOMIC | PZ__GFP_NOWARN, 4);
	printf("GFP_ATOMIC order 3: %s; order 4: %s\n", o3 ? "ok" : "FAILED", o4 ? "ok" : "FAILED");
	assert_non_null(o3);
	assert_non_null(o4);
	tu_validate(pz);
	free(fill);
	tu_destroy(pz);
}

/* ---------------------------------------------------------------------- */
/* 4.1 sizes, refill, flush at high, drains                                */

/*
 * Normal [8192, 40960) = 32768 pages in 4.1: zone_batchsize 32768 / 1024 =
 * 32 -> a quarter, 8 -> rounddown_pow_of_two(8 + 4) - 1 = 7; high 6 * 7 =
 * 42 (pageset_set_batch).
 */
#define N_START 8192
#define N_PAGES 32768
#define BATCH	7
#define HIGH	42

static pz_t *normal41(unsigned nr_cpus)
{
	struct pz_config cfg;

	tu_machine_init(&tm, 1, nr_cpus);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, N_START, N_START + N_PAGES);
	tu_config(&cfg, &tm.m, PZ_PROFILE_LINUX_4_1, 0);
	tu_cpu = 0;
	return tu_create_ok(&cfg);
}

static struct pz_pcp_info pcp(pz_t *pz, unsigned cpu)
{
	struct pz_pcp_info pi;

	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, cpu, &pi), 0);
	return pi;
}

static int64_t nr_free(pz_t *pz)
{
	return tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_FREE_PAGES];
}

/* An empty list refills batch pages at once; the next batch - 1 order-0
 * requests are served from it without touching the buddy lists. */
static void test_refill_takes_batch(void **state)
{
	pz_t *pz = normal41(1);
	pz_page_t *pg[2 * BATCH];

	(void)state;
	assert_int_equal(pcp(pz, 0).batch, BATCH);
	assert_int_equal(pcp(pz, 0).high, HIGH);
	for (unsigned i = 0; i < 2 * BATCH; i++) {
		assert_non_null(pg[i] = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0));
		/* refills at the 1st and the (BATCH + 1)th request */
		assert_int_equal(nr_free(pz), N_PAGES - (int64_t)(i / BATCH + 1) * BATCH);
		assert_int_equal(pcp(pz, 0).count, BATCH - 1 - i % BATCH);
	}
	for (unsigned i = 0; i < 2 * BATCH; i++)
		assert_int_equal(pz_free_pages(pz, pg[i], 0), 0);
	pz_drain_all_pages(pz);
	assert_int_equal(nr_free(pz), N_PAGES);
	tu_validate(pz);
	tu_destroy(pz);
}

/* free_hot_cold_page: each free adds one page to the list; once the count
 * reaches high, batch pages go back to the buddy lists. */
static void test_flush_at_high(void **state)
{
	const unsigned n = HIGH + 2 * BATCH;
	pz_t *pz = normal41(1);
	pz_page_t **pg = calloc(n, sizeof(*pg));
	unsigned want = 0, flushes = 0;

	(void)state;
	assert_non_null(pg);
	for (unsigned i = 0; i < n; i++)
		assert_non_null(pg[i] = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0));
	pz_drain_all_pages(pz);
	assert_int_equal(pcp(pz, 0).count, 0);
	for (unsigned i = 0; i < n; i++) {
		int64_t before = nr_free(pz), back = 0;

		assert_int_equal(pz_free_pages(pz, pg[i], 0), 0);
		if (++want >= HIGH) {
			want -= BATCH;
			back = BATCH;
			flushes++;
		}
		assert_int_equal(pcp(pz, 0).count, want);
		assert_int_equal(nr_free(pz) - before, back);
	}
	/* at the 42nd free, then every 7th: the 49th and the 56th */
	assert_int_equal(flushes, 3);
	pz_drain_all_pages(pz);
	assert_int_equal(nr_free(pz), N_PAGES);
	tu_validate(pz);
	free(pg);
	tu_destroy(pz);
}

/*
 * 6.1's free_pcppages_bulk (5.18) starts at the list of the block whose
 * free reached high and empties it, coldest first, before the next list;
 * 4.4's round robin starts after list 0 and takes a growing number of
 * pages from each list in turn. The lists hold UNMOVABLE and MOVABLE
 * pages and `r` RECLAIMABLE ones (count high - 1); a RECLAIMABLE free
 * reaches high and flushes batch pages (free_factor 0).
 */
static void flush_order_case(enum pz_profile prof)
{
	const pz_gfp_t g[3] = {PZ_GFP_KERNEL, PZ_GFP_HIGHUSER_MOVABLE, PZ_GFP_TEMPORARY};
	pz_t *pz = make1(prof, 0, 0, 0);
	struct pz_pcp_info pi;
	unsigned high, batch, nr[3], total = 0;
	pz_page_t **pg[3];

	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, &pi), 0);
	high = pi.high;
	batch = pi.batch;
	nr[2] = batch + 2;
	nr[0] = (high - 1 - nr[2]) / 2;
	nr[1] = high - 1 - nr[2] - nr[0];
	nr[2]++; /* the one that reaches high */
	for (int t = 0; t < 3; t++) {
		pg[t] = calloc(nr[t], sizeof(*pg[t]));
		assert_non_null(pg[t]);
		for (unsigned i = 0; i < nr[t]; i++)
			assert_non_null(pg[t][i] = pz_alloc_pages(pz, g[t], 0));
	}
	pz_drain_all_pages(pz);
	for (int t = 0; t < 3; t++)
		for (unsigned i = 0; i < nr[t]; i++) {
			assert_int_equal(pz_free_pages(pz, pg[t][i], 0), 0);
			total++;
			assert_int_equal(pcp(pz, 0).count, total < high ? total : total - batch);
		}
	pi = pcp(pz, 0);
	if (prof == PZ_PROFILE_LINUX_6_1) {
		assert_int_equal(pi.count_mt[PZ_MT_RECLAIMABLE], nr[2] - batch);
		assert_int_equal(pi.count_mt[PZ_MT_UNMOVABLE], nr[0]);
		assert_int_equal(pi.count_mt[PZ_MT_MOVABLE], nr[1]);
	} else {
		/* MOVABLE 1, RECLAIMABLE 2, UNMOVABLE 3, MOVABLE 4, ... */
		assert_true(pi.count_mt[PZ_MT_MOVABLE] < nr[1]);
		assert_true(pi.count_mt[PZ_MT_UNMOVABLE] < nr[0]);
	}
	tu_validate(pz);
	for (int t = 0; t < 3; t++)
		free(pg[t]);
	tu_destroy(pz);
}

static void test_flush_order_61(void **state)
{
	(void)state;
	flush_order_case(PZ_PROFILE_LINUX_4_4);
	flush_order_case(PZ_PROFILE_LINUX_6_1);
}

/*
 * 6.1.192's pageblock-order per-CPU lists (order_to_pindex, NR_PCP_THP 2):
 * UNMOVABLE and RECLAIMABLE share one, MOVABLE has its own. A RECLAIMABLE
 * block freed to it is what the next UNMOVABLE request of that order gets
 * (the list's head), and never a MOVABLE one; linux-4.4 with the high-order
 * lists keeps one list per type, so there the UNMOVABLE request refills.
 */
static void thp_lists_case(enum pz_profile prof, bool shared)
{
	const pz_gfp_t recl = PZ_GFP_KERNEL | PZ__GFP_RECLAIMABLE | PZ__GFP_NOWARN;
	pz_t *pz = make1(prof, 0, PZ_FEAT_PCP_HIGH_ORDER, 0);
	pz_page_t *r = pz_alloc_pages(pz, recl, 9), *m, *u;
	uint64_t rpfn, got;

	assert_non_null(r);
	rpfn = pz_page_to_pfn(pz, r);
	m = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE, 9);
	assert_non_null(m);
	pz_drain_all_pages(pz);
	assert_int_equal(pz_free_pages(pz, r, 9), 0);
	assert_int_equal(pcp(pz, 0).count, 512);
	assert_int_equal(pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, 9, PZ_MT_UNMOVABLE, &got, 1),
			 shared ? 1 : 0);
	/* a MOVABLE request of the order does not see it */
	assert_int_equal(pz_free_pages(pz, m, 9), 0);
	m = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE, 9);
	assert_non_null(m);
	assert_int_not_equal(pz_page_to_pfn(pz, m), rpfn);
	u = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_NOWARN, 9);
	assert_non_null(u);
	if (shared)
		assert_int_equal(pz_page_to_pfn(pz, u), rpfn);
	else
		assert_int_not_equal(pz_page_to_pfn(pz, u), rpfn);
	/* the block keeps its type for the drain: back to a RECLAIMABLE list */
	assert_int_equal(pz_free_pages(pz, u, 9), 0);
	pz_drain_all_pages(pz);
	assert_int_equal(pz_pageblock_migratetype(pz, rpfn), PZ_MT_RECLAIMABLE);
	assert_true(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).nr_free_mt[9][PZ_MT_RECLAIMABLE] +
			    tu_zinfo(pz, 0, PZ_ZONE_NORMAL).nr_free_mt[10][PZ_MT_RECLAIMABLE] >=
		    1);
	assert_int_equal(pz_free_pages(pz, m, 9), 0);
	tu_validate(pz);
	tu_destroy(pz);
}

static void test_thp_lists_61(void **state)
{
	(void)state;
	thp_lists_case(PZ_PROFILE_LINUX_6_1, true);
	thp_lists_case(PZ_PROFILE_LINUX_4_4, false);
}

/* drain_local_pages empties the calling CPU's lists only, drain_cpu_pages
 * the named CPU's; an unknown CPU is refused. */
static void test_drains_per_cpu(void **state)
{
	pz_t *pz = normal41(2);
	pz_page_t *pg[6];

	(void)state;
	for (unsigned i = 0; i < 6; i++) {
		tu_cpu = i / 3;
		assert_non_null(pg[i] = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0));
	}
	assert_int_equal(pcp(pz, 0).count, BATCH - 3);
	assert_int_equal(pcp(pz, 1).count, BATCH - 3);
	assert_int_equal(nr_free(pz), N_PAGES - 2 * BATCH);
	tu_cpu = 0;
	assert_int_equal(pz_drain_cpu_pages(pz, 1), 0);
	assert_int_equal(pcp(pz, 1).count, 0);
	assert_int_equal(pcp(pz, 0).count, BATCH - 3);
	assert_int_equal(nr_free(pz), N_PAGES - BATCH - 3);
	assert_int_equal(pz_drain_cpu_pages(pz, 2), -PZ_EINVAL);
	tu_cpu = 1;
	pz_drain_local_pages(pz); /* CPU 1's lists are empty: nothing moves */
	assert_int_equal(pcp(pz, 0).count, BATCH - 3);
	tu_cpu = 0;
	pz_drain_local_pages(pz);
	assert_int_equal(pcp(pz, 0).count, 0);
	assert_int_equal(nr_free(pz), N_PAGES - 6);
	for (unsigned i = 0; i < 6; i++) {
		tu_cpu = i % 2;
		assert_int_equal(pz_free_pages(pz, pg[i], 0), 0);
	}
	assert_int_equal(pcp(pz, 0).count + pcp(pz, 1).count, 6);
	pz_drain_all_pages(pz);
	assert_int_equal(pcp(pz, 0).count + pcp(pz, 1).count, 0);
	assert_int_equal(nr_free(pz), N_PAGES);
	tu_cpu = 0;
	tu_validate(pz);
	tu_destroy(pz);
}

/* percpu_pagelist_fraction in 4.1: high = managed / fraction, batch a
 * quarter of it capped at PAGE_SHIFT * 8 = 96; below 8 refused with the
 * sizes kept; 0 goes back to zone_batchsize. */
static void test_fraction_sizes(void **state)
{
	pz_t *pz = normal41(1);
	uint64_t managed = tu_zinfo(pz, 0, PZ_ZONE_NORMAL).managed;

	(void)state;
	assert_int_equal(pz_set_percpu_pagelist_fraction(pz, 8), 0);
	assert_int_equal(pcp(pz, 0).high, managed / 8);
	assert_int_equal(pcp(pz, 0).batch, 96);
	assert_int_equal(pz_set_percpu_pagelist_fraction(pz, 1024), 0);
	assert_int_equal(pcp(pz, 0).high, managed / 1024);
	assert_int_equal(pcp(pz, 0).batch, managed / 1024 / 4);
	assert_int_equal(pz_set_percpu_pagelist_fraction(pz, 4), -PZ_EINVAL);
	assert_int_equal(pcp(pz, 0).high, managed / 1024);
	assert_int_equal(pz_set_percpu_pagelist_fraction(pz, 0), 0);
	assert_int_equal(pcp(pz, 0).high, HIGH);
	assert_int_equal(pcp(pz, 0).batch, BATCH);
	tu_validate(pz);
	tu_destroy(pz);
}
/* The pages on cpu's lists of Normal, summed from every list's blocks
 * (pz_pcp_list_pfns: an independent walk). */
static int64_t walked_count(pz_t *pz, unsigned cpu)
{
	int64_t sum = 0;

	for (unsigned o = 0; o < pz_max_order(pz); o++)
		for (unsigned mt = 0; mt < PZ_MT_PCPTYPES; mt++) {
			int64_t n = pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, cpu, o,
						     (enum pz_migratetype)mt, NULL, 0);

			if (n == -PZ_EINVAL)
				break; /* no per-CPU list of this order */
			assert_true(n >= 0);
			/* linux-6.1's shared pageblock list: UNMOVABLE shows it */
			if (o == pz_pageblock_order(pz) && mt == PZ_MT_RECLAIMABLE &&
			    pz_profile(pz) == PZ_PROFILE_LINUX_6_1)
				continue;
			sum += n << o;
		}
	return sum;
}

/* pz_pcp_count against pz_pcp_info and the walk, on both CPUs. */
static void check_counts(pz_t *pz)
{
	for (unsigned c = 0; c < 2; c++) {
		struct pz_pcp_info pi = pcp(pz, c);
		int64_t n = pz_pcp_count(pz, 0, PZ_ZONE_NORMAL, c), mt = 0;

		for (unsigned t = 0; t < PZ_MT_PCPTYPES; t++)
			mt += pi.count_mt[t];
		assert_int_equal(n, pi.count);
		assert_int_equal(n, mt);
		assert_int_equal(n, walked_count(pz, c));
	}
}

/*
 * pz_pcp_count: the lists' kept total, no walk, equal to pz_pcp_info's
 * count, to its count_mt summed and to the blocks on the lists, after
 * every step of a seeded run of allocations and frees of orders with and
 * without per-CPU lists, on two CPUs, through refills, flushes and
 * drains, in linux-4.1 and linux-6.1 (high-order lists); its errors.
 */
static void test_pcp_count(void **state)
{
	const enum pz_profile prof[2] = {PZ_PROFILE_LINUX_4_1, PZ_PROFILE_LINUX_6_1};
	const unsigned orders[6] = {0, 0, 1, 2, 3, 9};
	static pz_page_t *held[4096];
	static unsigned held_order[4096];

	(void)state;
	for (int k = 0; k < 2; k++) {
		struct pz_config cfg;
		unsigned n = 0, seed = 12345;
		pz_t *pz;

		tu_machine_init(&tm, 1, 2);
		tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, N_START, N_START + N_PAGES);
		tu_config(&cfg, &tm.m, prof[k], 0);
		pz = tu_create_ok(&cfg);
		for (unsigned step = 0; step < 3000; step++) {
			seed = seed * 1103515245u + 12345u;
			tu_cpu = (seed >> 20) & 1;
			if (n && ((seed >> 8) % 5 < 2 || n == 4096)) {
				unsigned i = (seed >> 11) % n;

				assert_int_equal(pz_free_pages(pz, held[i], held_order[i]), 0);
				held[i] = held[--n];
				held_order[i] = held_order[n];
			} else {
				unsigned o = orders[(seed >> 16) % 6];

				held[n] = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_COMP, o);
				if (held[n])
					held_order[n++] = o;
			}
			if (step % 500 == 499)
				pz_drain_local_pages(pz);
			check_counts(pz);
		}
		assert_true(pz_pcp_count(pz, 0, PZ_ZONE_NORMAL, 0) > 0);
		assert_int_equal(pz_pcp_count(pz, 0, PZ_ZONE_NORMAL, 2), -PZ_ENODEV);
		assert_int_equal(pz_pcp_count(pz, 1, PZ_ZONE_NORMAL, 0), -PZ_ENODEV);
		assert_int_equal(pz_pcp_count(pz, -1, PZ_ZONE_NORMAL, 0), -PZ_ENODEV);
		assert_int_equal(pz_pcp_count(pz, 0, PZ_ZONE_DMA, 0), -PZ_ENODEV);
		assert_int_equal(pz_pcp_count(pz, 0, PZ_NR_ZONE_TYPES, 0), -PZ_ENODEV);
		assert_int_equal(pz_pcp_count(NULL, 0, PZ_ZONE_NORMAL, 0), -PZ_EINVAL);
		while (n--)
			assert_int_equal(pz_free_pages(pz, held[n], held_order[n]), 0);
		pz_drain_all_pages(pz);
		assert_int_equal(pz_pcp_count(pz, 0, PZ_ZONE_NORMAL, 0), 0);
		assert_int_equal(pz_pcp_count(pz, 0, PZ_ZONE_NORMAL, 1), 0);
		tu_destroy(pz);
	}
	tu_cpu = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fast_order0_ignores_highatomic),
		cmocka_unit_test(test_highatomic_pcp_orders),
		cmocka_unit_test(test_refill_takes_batch),
		cmocka_unit_test(test_flush_at_high),
		cmocka_unit_test(test_flush_order_61),
		cmocka_unit_test(test_thp_lists_61),
		cmocka_unit_test(test_drains_per_cpu),
		cmocka_unit_test(test_fraction_sizes),
		cmocka_unit_test(test_pcp_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
