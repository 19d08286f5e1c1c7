/*
 * test_tunables.c - watermarks, lowmem reserves and per-CPU sizes per
 * profile on hand-worked machines, the vm sysctl setters that recompute
 * them, and the host layer's sysctl text parser.
 *
 * Every expected number below is worked out by hand from the kernel's
 * formulas (init_per_zone_wmark_min, __setup_per_zone_wmarks,
 * setup_per_zone_lowmem_reserve, zone_batchsize, zone_highsize and
 * khugepaged's set_recommended_min_free_kbytes), in the comment above it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

struct want {
	int nid;
	enum pz_zone_type type;
	uint64_t min, low, high;
	uint64_t reserve[PZ_NR_ZONE_TYPES];
	unsigned pcp_high, pcp_batch;
};

static void check(pz_t *pz, const struct want *w, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		struct pz_zone_info zi = tu_zinfo(pz, w[i].nid, w[i].type);
		const char *name = pz_zone_type_name(w[i].type);

		if (zi.wmark_min != w[i].min || zi.wmark_low != w[i].low ||
		    zi.wmark_high != w[i].high || zi.pcp_high != w[i].pcp_high ||
		    zi.pcp_batch != w[i].pcp_batch)
			fail_msg("%s node %d %s: min/low/high %llu/%llu/%llu pcp %u/%u, "
				 "want %llu/%llu/%llu pcp %u/%u",
				 what, w[i].nid, name, (unsigned long long)zi.wmark_min,
				 (unsigned long long)zi.wmark_low,
				 (unsigned long long)zi.wmark_high, zi.pcp_high, zi.pcp_batch,
				 (unsigned long long)w[i].min, (unsigned long long)w[i].low,
				 (unsigned long long)w[i].high, w[i].pcp_high, w[i].pcp_batch);
		for (unsigned j = 0; j < PZ_NR_ZONE_TYPES; j++)
			if (zi.lowmem_reserve[j] != w[i].reserve[j])
				fail_msg("%s node %d %s: protection[%u] %llu, want %llu", what,
					 w[i].nid, name, j,
					 (unsigned long long)zi.lowmem_reserve[j],
					 (unsigned long long)w[i].reserve[j]);
	}
}

/*
 * Machine A, 32-bit style: one node, 2 CPUs, DMA [1, 4096) = 4095 pages,
 * Normal 225280, HighMem 294912, Movable 65536 (highmem-like: the machine
 * has HIGHMEM). lowmem = 4095 + 225280 = 229375 pages = 917500 kB;
 * min_free_kbytes = isqrt(917500 * 16 = 14680000) = 3831; pages_min = 957.
 */
static struct tu_machine tm;

static void machine_a(void)
{
	tu_machine_init(&tm, 1, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA, 1, 4096);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 229376);
	tu_add_zone(&tm, 0, PZ_ZONE_HIGHMEM, 229376, 524288);
	tu_add_zone(&tm, 0, PZ_ZONE_MOVABLE, 524288, 589824);
}

/*
 * linux-4.1 / 4.4: tmp = 957 * managed / 229375: DMA 17, Normal 939,
 * HighMem 1230, Movable 273; low = min + tmp/4, high = min + tmp/2, where
 * a highmem zone's min is managed/1024 clamped to [32, 128]: HighMem 128,
 * Movable 64. Reserves, ratios 256/256/32/32: DMA 225280/256 = 880,
 * 520192/256 = 2032, 585728/256 = 2288; Normal 294912/32 = 9216,
 * 360448/32 = 11264; HighMem 65536/32 = 2048. pcp: batch = managed/1024
 * capped at 128 (512 KiB), /4, rounddown_pow2(b + b/2) - 1: DMA 3 -> 0
 * (high 6 * 0 = 0, batch 1), Normal and HighMem 31 (high 186), Movable
 * 64 -> 16 -> 15 (high 90).
 */
static const struct want a41[] = {
	{0, PZ_ZONE_DMA, 17, 21, 25, {0, 0, 880, 2032, 2288}, 0, 1},
	{0, PZ_ZONE_NORMAL, 939, 1173, 1408, {0, 0, 0, 9216, 11264}, 186, 31},
	{0, PZ_ZONE_HIGHMEM, 128, 435, 743, {0, 0, 0, 0, 2048}, 186, 31},
	{0, PZ_ZONE_MOVABLE, 64, 132, 200, {0, 0, 0, 0, 0}, 90, 15},
};

/*
 * linux-6.1: step = max(tmp/4, managed * 10/10000): DMA max(4, 4) = 4,
 * Normal max(234, 225) = 234, HighMem max(307, 294) = 307, Movable
 * max(68, 65) = 68; low = min + step, high = low + step (so Normal's and
 * HighMem's high are one below 4.x's min + tmp/2). HighMem's ratio is 0:
 * no reserve against Movable. pcp: batch cap 256 (1 MiB): DMA 1, Normal
 * 220/4 = 55 -> 63, HighMem 288/4 = 72 -> 63, Movable 15; high = low / 2
 * CPUs of the node, at least 4 * batch: DMA max(10, 4) = 10, Normal 586,
 * HighMem max(217, 252) = 252, Movable max(66, 60) = 66.
 */
static const struct want a61[] = {
	{0, PZ_ZONE_DMA, 17, 21, 25, {0, 0, 880, 2032, 2288}, 10, 1},
	{0, PZ_ZONE_NORMAL, 939, 1173, 1407, {0, 0, 0, 9216, 11264}, 586, 63},
	{0, PZ_ZONE_HIGHMEM, 128, 435, 742, {0, 0, 0, 0, 0}, 252, 63},
	{0, PZ_ZONE_MOVABLE, 64, 132, 200, {0, 0, 0, 0, 0}, 66, 15},
};

static pz_t *create(enum pz_profile profile, unsigned thp)
{
	struct pz_config cfg;

	tu_config(&cfg, &tm.m, profile, 0);
	cfg.thp_enabled = thp;
	return tu_create_ok(&cfg);
}

static void test_highmem_machine(void **state)
{
	(void)state;
	machine_a();
	pz_t *pz = create(PZ_PROFILE_LINUX_4_1, 0);
	assert_int_equal(pz_min_free_kbytes(pz), 3831);
	check(pz, a41, sizeof(a41) / sizeof(a41[0]), "linux-4.1");
	tu_destroy(pz);
	pz = create(PZ_PROFILE_LINUX_4_4, 0);
	check(pz, a41, sizeof(a41) / sizeof(a41[0]), "linux-4.4");
	tu_destroy(pz);
	pz = create(PZ_PROFILE_LINUX_6_1, 0);
	assert_int_equal(pz_min_free_kbytes(pz), 3831);
	check(pz, a61, sizeof(a61) / sizeof(a61[0]), "linux-6.1");
	tu_destroy(pz);
}

/*
 * khugepaged's minimum on machine A. 6.1 counts the populated zones a
 * GFP_USER request may use (DMA, Normal: 2): 512 * 2 * (2 + 9) = 11264
 * pages, under the 5% cap nr_free_buffer_pages / 20 = ((4095 - 25) +
 * (225280 - 1407)) / 20 = 11397: 45056 kB. Then tmp = 11264 * managed /
 * 229375: DMA 201 (step 50), Normal 11062 (step 2765), HighMem 14482
 * (min 128, step 3620). 4.4 counts all 4 populated zones: 22528 pages,
 * capped at ((4095 - 25) + (225280 - 1408)) / 20 = 11397: 45588 kB.
 */
static void test_thp_min_free_kbytes(void **state)
{
	(void)state;
	machine_a();
	pz_t *pz = create(PZ_PROFILE_LINUX_6_1, 1);
	struct pz_zone_info zi;

	assert_int_equal(pz_min_free_kbytes(pz), 45056);
	zi = tu_zinfo(pz, 0, PZ_ZONE_DMA);
	assert_int_equal(zi.wmark_min, 201);
	assert_int_equal(zi.wmark_high, 301);
	zi = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(zi.wmark_low, 11062 + 2765);
	assert_int_equal(zi.wmark_high, 11062 + 2 * 2765);
	zi = tu_zinfo(pz, 0, PZ_ZONE_HIGHMEM);
	assert_int_equal(zi.wmark_min, 128);
	assert_int_equal(zi.wmark_high, 128 + 2 * 3620);
	/* a user value wins over the recommendation (0 too), and
	 * PZ_MIN_FREE_KBYTES_DEFAULT brings it back */
	assert_int_equal(pz_set_min_free_kbytes(pz, 4000), 0);
	assert_int_equal(pz_min_free_kbytes(pz), 4000);
	assert_int_equal(pz_set_min_free_kbytes(pz, 0), 0);
	assert_int_equal(pz_min_free_kbytes(pz), 0);
	assert_int_equal(pz_set_min_free_kbytes(pz, PZ_MIN_FREE_KBYTES_DEFAULT), 0);
	assert_int_equal(pz_min_free_kbytes(pz), 45056);
	tu_destroy(pz);
	pz = create(PZ_PROFILE_LINUX_4_4, 1);
	assert_int_equal(pz_min_free_kbytes(pz), 45588);
	tu_destroy(pz);
	pz = create(PZ_PROFILE_LINUX_4_1, 0); /* off: the formula */
	assert_int_equal(pz_min_free_kbytes(pz), 3831);
	tu_destroy(pz);
}

/*
 * Machine B: two nodes, 4 CPUs (2 per node). Node 0: DMA32 [4096, 1048576)
 * = 1044480 pages (4 GiB), Normal 4096 (tiny). Node 1: Normal 262144,
 * Movable 262144 (no HIGHMEM: Movable counts as lowmem). lowmem = 1572864;
 * nr_free_buffer_pages over node 0's zonelist up to Normal = 1310720 pages
 * = 5242880 kB; min_free_kbytes = isqrt(83886080) = 9158; pages_min 2289.
 * tmp: DMA32 1520, node-0 Normal 5, node-1 Normal and Movable 381.
 * Reserves: DMA32 4096/256 = 16 against Normal and above; node-1 Normal
 * 262144/32 = 8192 against Movable.
 * 4.x: low/high = min + tmp/4, min + tmp/2; pcp 31/186, the tiny zone's
 * batch 4/4 = 1 -> 0 (high 0, batch 1).
 */
static void machine_b(void)
{
	tu_machine_init(&tm, 2, 4);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, 1048576);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 1048576, 1052672);
	tu_add_zone(&tm, 1, PZ_ZONE_NORMAL, 1052672, 1314816);
	tu_add_zone(&tm, 1, PZ_ZONE_MOVABLE, 1314816, 1576960);
}

static const struct want b41[] = {
	{0, PZ_ZONE_DMA32, 1520, 1900, 2280, {0, 0, 16, 16, 16}, 186, 31},
	{0, PZ_ZONE_NORMAL, 5, 6, 7, {0, 0, 0, 0, 0}, 0, 1},
	{1, PZ_ZONE_NORMAL, 381, 476, 571, {0, 0, 0, 0, 8192}, 186, 31},
	{1, PZ_ZONE_MOVABLE, 381, 476, 571, {0, 0, 0, 0, 0}, 186, 31},
};

/*
 * 6.1: step = max(tmp/4, managed/1000): DMA32 max(380, 1044) = 1044,
 * node-0 Normal max(1, 4) = 4, node 1 max(95, 262) = 262. pcp: DMA32
 * batch 1020 -> cap 256 -> 64 -> 63, high 2564 / 2 = 1282; the tiny zone
 * batch 1, high max(9 / 2, 4) = 4; node 1 batch 63, high 643 / 2 = 321.
 */
static const struct want b61[] = {
	{0, PZ_ZONE_DMA32, 1520, 2564, 3608, {0, 0, 16, 16, 16}, 1282, 63},
	{0, PZ_ZONE_NORMAL, 5, 9, 13, {0, 0, 0, 0, 0}, 4, 1},
	{1, PZ_ZONE_NORMAL, 381, 643, 905, {0, 0, 0, 0, 8192}, 321, 63},
	{1, PZ_ZONE_MOVABLE, 381, 643, 905, {0, 0, 0, 0, 0}, 321, 63},
};

static void test_numa_machine(void **state)
{
	(void)state;
	machine_b();
	pz_t *pz = create(PZ_PROFILE_LINUX_4_1, 0);
	assert_int_equal(pz_min_free_kbytes(pz), 9158);
	check(pz, b41, sizeof(b41) / sizeof(b41[0]), "linux-4.1");
	tu_destroy(pz);
	pz = create(PZ_PROFILE_LINUX_4_4, 0);
	check(pz, b41, sizeof(b41) / sizeof(b41[0]), "linux-4.4");
	tu_destroy(pz);
	pz = create(PZ_PROFILE_LINUX_6_1, 0);
	check(pz, b61, sizeof(b61) / sizeof(b61[0]), "linux-6.1");
	tu_destroy(pz);
}

/*
 * The setters recompute as the sysctl handlers do (machine B, linux-6.1).
 * watermark_scale_factor 100: node-1 Normal step max(95, 2621) = 2621,
 * low 3002, high 5623, pcp high 3002 / 2 = 1501. Fraction 8: high
 * 262144 / 8 = 32768 over 2 CPUs = 16384 (linux-4.1: 32768, batch
 * min(32768 / 4, 8 * PAGE_SHIFT = 96) = 96). lowmem_reserve_ratio of
 * Normal 0: no reserve in 6.1; 1 in 4.x (the handler's floor): 262144.
 */
static void test_setters_recompute(void **state)
{
	static const unsigned ratio0[] = {256, 256, 0};
	struct pz_vm_sysctls vs;
	struct pz_zone_info zi;

	(void)state;
	machine_b();
	pz_t *pz = create(PZ_PROFILE_LINUX_6_1, 0);
	assert_int_equal(pz_set_watermark_scale_factor(pz, 0), -PZ_EINVAL);
	assert_int_equal(pz_set_watermark_scale_factor(pz, 3001), -PZ_EINVAL);
	assert_int_equal(pz_set_watermark_scale_factor(pz, 100), 0);
	zi = tu_zinfo(pz, 1, PZ_ZONE_NORMAL);
	assert_int_equal(zi.wmark_low, 3002);
	assert_int_equal(zi.wmark_high, 5623);
	assert_int_equal(zi.pcp_high, 1501);
	assert_int_equal(pz_set_percpu_pagelist_high_fraction(pz, 8), 0);
	assert_int_equal(tu_zinfo(pz, 1, PZ_ZONE_NORMAL).pcp_high, 16384);
	assert_int_equal(pz_set_lowmem_reserve_ratio(pz, ratio0, 3), 0);
	assert_int_equal(tu_zinfo(pz, 1, PZ_ZONE_NORMAL).lowmem_reserve[PZ_ZONE_MOVABLE], 0);
	assert_int_equal(pz_set_watermark_boost_factor(pz, 0), 0);
	assert_int_equal(pz_get_vm_sysctls(pz, &vs), 0);
	assert_int_equal(vs.watermark_scale_factor, 100);
	assert_int_equal(vs.watermark_boost_factor, 0);
	assert_int_equal(vs.percpu_pagelist_fraction, 8);
	assert_int_equal(vs.lowmem_reserve_ratio[PZ_ZONE_NORMAL], 0);
	assert_int_equal(pz_set_lowmem_reserve_ratio(pz, NULL, 1), -PZ_EINVAL);
	assert_int_equal(pz_set_lowmem_reserve_ratio(pz, ratio0, PZ_NR_ZONE_TYPES + 1), -PZ_EINVAL);
	tu_destroy(pz);
	pz = create(PZ_PROFILE_LINUX_4_1, 0);
	assert_int_equal(pz_set_percpu_pagelist_fraction(pz, 8), 0);
	zi = tu_zinfo(pz, 1, PZ_ZONE_NORMAL);
	assert_int_equal(zi.pcp_high, 32768);
	assert_int_equal(zi.pcp_batch, 96);
	assert_int_equal(pz_set_lowmem_reserve_ratio(pz, ratio0, 3), 0);
	assert_int_equal(tu_zinfo(pz, 1, PZ_ZONE_NORMAL).lowmem_reserve[PZ_ZONE_MOVABLE], 262144);
	tu_destroy(pz);
}

/* Both text forms, unknown names skipped, a malformed value refused with
 * its line. */
static void test_sysctl_text(void **state)
{
	static const char good[] = "# a comment\n"
				   "min_free_kbytes: 45012\n"
				   "vm.watermark_scale_factor = 25\n"
				   "kernel.pid_max = 4194304\n"
				   "extfrag_threshold: 500\n"
				   "numa_zonelist_order: Node\n"
				   "lowmem_reserve_ratio: 256\t256\t32\t0\t0\n"
				   "vm.percpu_pagelist_fraction = 16\n"
				   "\n";
	struct pz_host_sysctls s;
	unsigned line = 0;

	(void)state;
	assert_int_equal(pz_host_sysctls_parse(good, strlen(good), &s, &line), 0);
	assert_int_equal(s.value[PZ_HOST_MIN_FREE_KBYTES], 45012);
	assert_int_equal(s.line[PZ_HOST_MIN_FREE_KBYTES], 2);
	assert_int_equal(s.value[PZ_HOST_WATERMARK_SCALE_FACTOR], 25);
	assert_int_equal(s.value[PZ_HOST_PERCPU_PAGELIST_FRACTION], 16);
	assert_int_equal(s.line[PZ_HOST_WATERMARK_BOOST_FACTOR], 0);
	assert_int_equal(s.nr_ratio, 5);
	assert_int_equal(s.ratio[2], 32);
	static const char *const bad[] = {
		"min_free_kbytes: 45012\nwatermark_scale_factor: ten\n",
		"min_free_kbytes: 45012\nvm.min_free_kbytes = 2147483648\n",
		"x: 1\nwatermark_boost_factor: 1 2\n",
		"a\nlowmem_reserve_ratio: 1 2 3 4 5 6 7 8 9\n",
		"a\nvm.min_free_kbytes =\n",
		"a\nmin_free_kbytes: -5\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		line = 0;
		assert_int_equal(pz_host_sysctls_parse(bad[i], strlen(bad[i]), &s, &line),
				 -PZ_EINVAL);
		assert_int_equal(line, 2);
	}
}

/* min_free_kbytes 0, as a --sysctl file or /proc/sys/vm may say it: every
 * kernel's handler takes 0 (extra1 = zero) and sets every MIN watermark
 * to 0; 4.x's LOW and HIGH add a quarter and a half of MIN (0), 6.1's add
 * the scale factor's share (10 / 10000 of DMA's 4095 managed pages: 4).
 * It is not the formula, which PZ_MIN_FREE_KBYTES_DEFAULT asks for. */
static void test_min_free_kbytes_zero(void **state)
{
	static const char text[] = "min_free_kbytes: 0\n";
	static const enum pz_profile prof[] = {PZ_PROFILE_LINUX_4_1, PZ_PROFILE_LINUX_4_4,
					       PZ_PROFILE_LINUX_6_1};
	struct pz_host_sysctls s;
	struct pz_vm_sysctls vs;

	(void)state;
	machine_a();
	assert_int_equal(pz_host_sysctls_parse(text, strlen(text), &s, NULL), 0);
	for (unsigned i = 0; i < 3; i++) {
		pz_t *pz = create(prof[i], 0);
		struct pz_zone_info zi;

		assert_int_equal(pz_min_free_kbytes(pz), 3831);
		assert_int_equal(pz_host_sysctls_apply(pz, &s, NULL, NULL), 0);
		assert_int_equal(pz_min_free_kbytes(pz), 0);
		assert_int_equal(pz_get_vm_sysctls(pz, &vs), 0);
		assert_int_equal(vs.min_free_kbytes, 0);
		zi = tu_zinfo(pz, 0, PZ_ZONE_DMA);
		assert_int_equal(zi.wmark_min, 0);
		assert_int_equal(zi.wmark_low, i == 2 ? 4 : 0);
		assert_int_equal(zi.wmark_high, i == 2 ? 8 : 0);
		assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).wmark_min, 0);
		assert_int_equal(pz_validate(pz), 0);
		assert_int_equal(pz_set_min_free_kbytes(pz, 0x80000000u), -PZ_EINVAL);
		assert_int_equal(pz_set_min_free_kbytes(pz, PZ_MIN_FREE_KBYTES_DEFAULT), 0);
		assert_int_equal(pz_min_free_kbytes(pz), 3831);
		assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_DMA).wmark_min, 17);
		tu_destroy(pz);
	}
}

/* lowmem_reserve_ratio columns follow the zoneinfo's zones; a count that
 * does not match is refused and named. */
static void test_sysctl_apply_columns(void **state)
{
	static const char zi[] = "Node 0, zone      DMA\n  pages free 1\n        spanned  4095\n"
				 "        present  4095\n        managed  4095\n  start_pfn: 1\n"
				 "Node 0, zone   Normal\n  pages free 1\n        spanned  61440\n"
				 "        present  61440\n        managed  61440\n"
				 "  start_pfn: 4096\n"
				 "Node 0, zone  Movable\n  pages free 0\n        spanned  0\n"
				 "        present  0\n        managed  0\n";
	static const char three[] = "lowmem_reserve_ratio: 64 32 0\n";
	static const char two[] = "lowmem_reserve_ratio: 64 32\n";
	struct pz_host_machine *hm = NULL;
	struct pz_host_sysctls s;
	enum pz_host_sysctl bad = PZ_HOST_MIN_FREE_KBYTES;
	struct pz_config cfg;

	(void)state;
	assert_int_equal(pz_host_machine_from_zoneinfo(zi, strlen(zi), 1, &hm, NULL), 0);
	assert_int_equal(hm->nr_zone_names, 3);
	tu_config(&cfg, &hm->machine, PZ_PROFILE_LINUX_6_1, 0);
	pz_t *pz = tu_create_ok(&cfg);
	assert_int_equal(pz_host_sysctls_parse(three, strlen(three), &s, NULL), 0);
	assert_int_equal(pz_host_sysctls_apply(pz, &s, hm, &bad), 0);
	/* DMA's column is the first: 61440 / 64 */
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_DMA).lowmem_reserve[PZ_ZONE_NORMAL], 960);
	assert_int_equal(pz_host_sysctls_parse(two, strlen(two), &s, NULL), 0);
	assert_int_equal(pz_host_sysctls_apply(pz, &s, hm, &bad), -PZ_EINVAL);
	assert_int_equal(bad, PZ_HOST_LOWMEM_RESERVE_RATIO);
	tu_destroy(pz);
	pz_host_machine_free(hm);
}

/* compaction_proactiveness goes through the sysctl text into linux-6.1;
 * linux-4.1 refuses it by name (the others are in force). */
static void test_sysctl_proactiveness(void **state)
{
	static const char text[] = "vm.compaction_proactiveness = 40\nmin_free_kbytes: 4096\n";
	enum pz_host_sysctl bad = PZ_HOST_MIN_FREE_KBYTES;
	struct pz_host_sysctls s;
	struct pz_vm_sysctls now;
	struct pz_config cfg;
	pz_t *pz;

	(void)state;
	assert_int_equal(pz_host_sysctls_parse(text, strlen(text), &s, NULL), 0);
	assert_int_equal(s.line[PZ_HOST_COMPACTION_PROACTIVENESS], 1);
	assert_int_equal(s.value[PZ_HOST_COMPACTION_PROACTIVENESS], 40);
	tu_machine_simple(&tm, 4096, 65536, 1);
	tu_config(&cfg, &tm.m, PZ_PROFILE_LINUX_6_1, 0);
	pz = tu_create_ok(&cfg);
	assert_int_equal(pz_host_sysctls_apply(pz, &s, NULL, &bad), 0);
	assert_int_equal(pz_get_vm_sysctls(pz, &now), 0);
	assert_int_equal(now.compaction_proactiveness, 40);
	tu_destroy(pz);
	tu_config(&cfg, &tm.m, PZ_PROFILE_LINUX_4_1, 0);
	pz = tu_create_ok(&cfg);
	assert_int_equal(pz_host_sysctls_apply(pz, &s, NULL, &bad), -PZ_EOPNOTSUPP);
	assert_int_equal(bad, PZ_HOST_COMPACTION_PROACTIVENESS);
	assert_int_equal(pz_get_vm_sysctls(pz, &now), 0);
	assert_int_equal(now.min_free_kbytes, 4096);
	assert_int_equal(now.compaction_proactiveness, 0);
	tu_destroy(pz);
}

/* /proc/sys/vm's layout: one file per sysctl; missing ones stay absent,
 * the older percpu_pagelist_fraction name is taken, an empty dir refused. */
static void test_sysctl_dir(void **state)
{
	char dir[] = "/tmp/pz_sysctl_XXXXXX", path[128];
	static const char *const files[][2] = {
		{"min_free_kbytes", "67584\n"},
		{"lowmem_reserve_ratio", "256\t256\t32\t0\t0\n"},
		{"percpu_pagelist_fraction", "0\n"},
	};
	struct pz_host_sysctls s;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(pz_host_sysctls_read_dir(dir, &s), -PZ_ENODEV);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i][0]);
		assert_non_null(f = fopen(path, "w"));
		fputs(files[i][1], f);
		fclose(f);
	}
	assert_int_equal(pz_host_sysctls_read_dir(dir, &s), 0);
	assert_int_equal(s.value[PZ_HOST_MIN_FREE_KBYTES], 67584);
	assert_int_equal(s.nr_ratio, 5);
	assert_true(s.line[PZ_HOST_PERCPU_PAGELIST_FRACTION] != 0);
	assert_int_equal(s.line[PZ_HOST_WATERMARK_SCALE_FACTOR], 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i][0]);
		unlink(path);
	}
	rmdir(dir);
}

/*
 * The flush on a per-CPU free. Normal [4096, 69632) alone, one CPU:
 * min_free_kbytes isqrt(262144 * 16) = 2048, pages_min 512 = tmp; 6.1
 * step max(128, 65) = 128, low 640, pcp high 640 / 1 CPU, batch 64 / 4 =
 * 16 -> 24 -> 15. Frees with no allocation between them flush 15, 30, 60,
 * 120, 240, then 480 (free_factor stops at 5; 480 < high - batch = 625);
 * one allocation halves the factor (5 -> 2): the next flush is 60.
 * linux-4.1 (high 6 * 15 = 90) flushes 15 every time.
 */
static unsigned pcp_count(pz_t *pz)
{
	struct pz_pcp_info pi;

	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, &pi), 0);
	return pi.count;
}

/* Frees pages[*i..] until the next flush; returns the pages it flushed. */
static unsigned free_until_flush(pz_t *pz, pz_page_t **pages, size_t *i, size_t n)
{
	while (*i < n) {
		unsigned before = pcp_count(pz), after;

		pz_free_pages(pz, pages[(*i)++], 0);
		after = pcp_count(pz);
		if (after <= before)
			return before + 1 - after;
	}
	fail_msg("no flush in %zu frees", n);
	return 0;
}

static void test_flush_grows(void **state)
{
	static const unsigned want61[] = {15, 30, 60, 120, 240, 480, 480};
	enum {
		N = 4000
	};
	pz_page_t **pages = calloc(N, sizeof(*pages));
	size_t i = 0;

	(void)state;
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 69632);
	for (int prof = 0; prof < 2; prof++) {
		pz_t *pz = create(prof ? PZ_PROFILE_LINUX_4_1 : PZ_PROFILE_LINUX_6_1, 0);

		assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).pcp_high, prof ? 90 : 640);
		for (size_t k = 0; k < N; k++)
			assert_non_null(pages[k] = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0));
		i = 0;
		for (size_t k = 0; k < sizeof(want61) / sizeof(want61[0]); k++)
			assert_int_equal(free_until_flush(pz, pages, &i, N), prof ? 15 : want61[k]);
		pz_free_pages(pz, pz_alloc_pages(pz, PZ_GFP_KERNEL, 0), 0); /* halves it */
		assert_int_equal(free_until_flush(pz, pages, &i, N), prof ? 15 : 60);
		while (i < N)
			pz_free_pages(pz, pages[i++], 0);
		tu_validate(pz);
		tu_destroy(pz);
	}
	free(pages);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_highmem_machine),
		cmocka_unit_test(test_thp_min_free_kbytes),
		cmocka_unit_test(test_numa_machine),
		cmocka_unit_test(test_setters_recompute),
		cmocka_unit_test(test_sysctl_text),
		cmocka_unit_test(test_min_free_kbytes_zero),
		cmocka_unit_test(test_sysctl_proactiveness),
		cmocka_unit_test(test_sysctl_apply_columns),
		cmocka_unit_test(test_flush_grows),
		cmocka_unit_test(test_sysctl_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
