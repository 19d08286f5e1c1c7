/*
 * test_watermark.c - min_free_kbytes, per-zone watermarks, lowmem_reserve,
 * per-CPU list sizing and the 4.1 watermark check (spec sections 4.1-4.4,
 * 5.4). Every expected value is worked out by hand next to it.
 *
 * Black-box: only <pagezone.h> and the test helpers.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

/* Allocations that may dig below every watermark (ALLOC_NO_WATERMARKS). */
#define GFP_RESERVE (PZ_GFP_KERNEL | PZ__GFP_MEMALLOC)

static struct tu_machine tm;

static void cfg_init(struct pz_config *cfg, const struct tu_machine *m)
{
	tu_config(cfg, &m->m, PZ_PROFILE_LINUX_4_1, 0);
}

static pz_t *create(const struct tu_machine *m)
{
	return tu_create_default(&m->m, PZ_PROFILE_LINUX_4_1, 0);
}

static void assert_wmarks(pz_t *pz, int nid, enum pz_zone_type t, uint64_t min, uint64_t low,
			  uint64_t high)
{
	struct pz_zone_info z = tu_zinfo(pz, nid, t);
	if (z.wmark_min != min || z.wmark_low != low || z.wmark_high != high)
		fail_msg("node %d zone %d: wmarks %llu/%llu/%llu, want %llu/%llu/%llu", nid, (int)t,
			 (unsigned long long)z.wmark_min, (unsigned long long)z.wmark_low,
			 (unsigned long long)z.wmark_high, (unsigned long long)min,
			 (unsigned long long)low, (unsigned long long)high);
}

/* ---------------------------------------------------------------------- */
/* min_free_kbytes = clamp(int_sqrt(lowmem_kB * 16), 128, 65536)           */

static unsigned mfk_of(const struct tu_machine *m)
{
	pz_t *pz = create(m);
	unsigned v = pz_min_free_kbytes(pz);
	tu_destroy(pz);
	return v;
}

static void test_min_free_kbytes_sizes(void **state)
{
	(void)state;

	/* DMA only, [1, 4096): 4095 pages = 16380 kB; 16380 * 16 = 262080;
	 * 511^2 = 261121 <= 262080 < 512^2 = 262144 -> 511 */
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA, 1, 4096);
	assert_int_equal(mfk_of(&tm), 511);

	/* 200 pages = 800 kB; 800 * 16 = 12800; isqrt = 113 (113^2 = 12769)
	 * -> below the floor, clamped to 128 */
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 4296);
	assert_int_equal(mfk_of(&tm), 128);

	/* DMA 4095 + DMA32 258048 = 262143 pages = 1048572 kB;
	 * * 16 = 16777152 < 4096^2 = 16777216, 4095^2 = 16769025 -> 4095
	 * (one page short of 1 GiB: one less than the spec's "1 GB -> 4096") */
	tu_machine_simple(&tm, 258048, 0, 1);
	assert_int_equal(mfk_of(&tm), 4095);

	/* DMA 4095 + DMA32 258048 + Normal 262144 = 524287 pages = 2097148 kB;
	 * * 16 = 33554368; 5792^2 = 33547264 <= 33554368 < 5793^2 = 33558849
	 * -> 5792 */
	tu_machine_simple(&tm, 258048, 262144, 2);
	assert_int_equal(mfk_of(&tm), 5792);

	/* 64 KiB pages: 65536 pages * 64 kB = 4194304 kB; * 16 = 67108864 =
	 * 8192^2 -> 8192 (lowmem_kB uses PAGE_SIZE / 1024) */
	tu_machine_init(&tm, 1, 1);
	tm.m.page_shift = 16;
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 65536, 131072);
	assert_int_equal(mfk_of(&tm), 8192);
}

/* The ceiling, with 64 KiB pages so the metadata stays small:
 * 4300000 pages * 64 kB = 275200000 kB; * 16 = 4403200000 (needs 64-bit
 * arithmetic); isqrt = 66356 > 65536 -> clamped to 65536. */
static void test_min_free_kbytes_ceiling(void **state)
{
	(void)state;
	tu_machine_init(&tm, 1, 1);
	tm.m.page_shift = 16;
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 0x100000, 0x100000 + 4300000);
	assert_int_equal(mfk_of(&tm), 65536);
}

/* lowmem is summed over every node's zones in the local zonelist:
 * 2 nodes x Normal 131072 pages = 262144 pages = 1048576 kB; * 16 =
 * 16777216 = 4096^2 -> 4096 (node 0 alone would give isqrt(8388608) = 2896). */
static void test_min_free_kbytes_two_nodes(void **state)
{
	(void)state;
	tu_machine_init(&tm, 2, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 0x40000, 0x60000);
	tu_add_zone(&tm, 1, PZ_ZONE_NORMAL, 0x60000, 0x80000);
	assert_int_equal(mfk_of(&tm), 4096);
}

/* A user value in the config is used as is (the sysctl). */
static void test_min_free_kbytes_config(void **state)
{
	(void)state;
	struct pz_config cfg;
	tu_machine_simple(&tm, 258048, 262144, 1);
	cfg_init(&cfg, &tm);
	cfg.min_free_kbytes = 20000;
	pz_t *pz = tu_create_ok(&cfg);
	assert_int_equal(pz_min_free_kbytes(pz), 20000);
	/* pages_min = 20000 >> 2 = 5000; lowmem = 524287
	 * DMA:    tmp = 5000 * 4095 / 524287 = 20475000 / 524287 = 39 (39.05)
	 *         min 39, low 39 + 9 = 48, high 39 + 19 = 58
	 * DMA32:  tmp = 5000 * 258048 / 524287 = 1290240000 / 524287 = 2460 (2460.94)
	 *         min 2460, low 2460 + 615 = 3075, high 2460 + 1230 = 3690
	 * Normal: tmp = 5000 * 262144 / 524287 = 1310720000 / 524287 = 2500 (2500.004)
	 *         min 2500, low 2500 + 625 = 3125, high 2500 + 1250 = 3750 */
	assert_wmarks(pz, 0, PZ_ZONE_DMA, 39, 48, 58);
	assert_wmarks(pz, 0, PZ_ZONE_DMA32, 2460, 3075, 3690);
	assert_wmarks(pz, 0, PZ_ZONE_NORMAL, 2500, 3125, 3750);
	tu_destroy(pz);
}

/* ---------------------------------------------------------------------- */
/* Per-zone watermarks                                                     */

/*
 * DMA [1, 4096) = 4095 pages, DMA32 [4096, 262144) = 258048 pages, Normal
 * [262144, 524288) = 262144 pages; nothing reserved, so managed = present.
 * min_free_kbytes = 5792 (above); pages_min = 5792 >> (12 - 10) = 1448;
 * lowmem_pages = 524287.
 */
static void test_wmarks_three_zones(void **state)
{
	(void)state;
	tu_machine_simple(&tm, 258048, 262144, 2);
	pz_t *pz = create(&tm);
	assert_int_equal(pz_min_free_kbytes(pz), 5792);

	struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_DMA);
	assert_true(z.populated);
	assert_int_equal(z.start_pfn, 1);
	assert_int_equal(z.spanned, 4095);
	assert_int_equal(z.present, 4095);
	assert_int_equal(z.managed, 4095);
	assert_int_equal(z.stat[PZ_NR_FREE_PAGES], 4095);
	z = tu_zinfo(pz, 0, PZ_ZONE_DMA32);
	assert_int_equal(z.start_pfn, 4096);
	assert_int_equal(z.managed, 258048);
	z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.start_pfn, 262144);
	assert_int_equal(z.managed, 262144);

	/* DMA:    tmp = 1448 * 4095 / 524287 = 5929560 / 524287 = 11 (11.31)
	 *         min 11, low 11 + 11/4 = 13, high 11 + 11/2 = 16 */
	assert_wmarks(pz, 0, PZ_ZONE_DMA, 11, 13, 16);
	/* DMA32:  tmp = 1448 * 258048 / 524287 = 373653504 / 524287 = 712
	 *         (524287 * 712 = 373292344, remainder 361160)
	 *         min 712, low 712 + 178 = 890, high 712 + 356 = 1068 */
	assert_wmarks(pz, 0, PZ_ZONE_DMA32, 712, 890, 1068);
	/* Normal: tmp = 1448 * 262144 / 524287 = 379584512 / 524287 = 724
	 *         (524287 * 724 = 379583788, remainder 724)
	 *         min 724, low 724 + 181 = 905, high 724 + 362 = 1086 */
	assert_wmarks(pz, 0, PZ_ZONE_NORMAL, 724, 905, 1086);

	/* fair policy: NR_ALLOC_BATCH = high - low: 16-13 = 3, 1068-890 = 178,
	 * 1086-905 = 181 */
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_DMA).stat[PZ_NR_ALLOC_BATCH], 3);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_DMA32).stat[PZ_NR_ALLOC_BATCH], 178);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_ALLOC_BATCH], 181);
	tu_destroy(pz);
}

/*
 * managed = present - reserved drives every formula.
 * DMA [1, 4096), reserved [1, 160): present 4095, managed 4095 - 159 = 3936.
 * DMA32 [4096, 262144), present [4096, 200000) + [200100, 262144)
 *   = 195904 + 62044 = 257948, reserved [4096, 4196): managed 257848.
 * Normal [262144, 524288): 262144.
 * lowmem = 3936 + 257848 + 262144 = 523928 pages = 2095712 kB; * 16 =
 * 33531392; 5790^2 = 33524100 <= it < 5791^2 = 33535681 -> 5790;
 * pages_min = 5790 >> 2 = 1447.
 */
static void test_wmarks_reserved_and_holes(void **state)
{
	(void)state;
	tu_machine_init(&tm, 1, 1);
	struct pz_zone_desc *z;
	z = tu_add_zone(&tm, 0, PZ_ZONE_DMA, 1, 4096);
	tu_zone_reserved(&tm, 0, z, 1, 160);
	z = tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, 262144);
	tu_zone_present(&tm, 0, z, 4096, 200000);
	tu_zone_present(&tm, 0, z, 200100, 262144);
	tu_zone_reserved(&tm, 0, z, 4096, 4196);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 262144, 524288);
	pz_t *pz = create(&tm);

	struct pz_zone_info i = tu_zinfo(pz, 0, PZ_ZONE_DMA);
	assert_int_equal(i.spanned, 4095);
	assert_int_equal(i.present, 4095);
	assert_int_equal(i.managed, 3936);
	assert_int_equal(i.stat[PZ_NR_FREE_PAGES], 3936);
	i = tu_zinfo(pz, 0, PZ_ZONE_DMA32);
	assert_int_equal(i.spanned, 258048);
	assert_int_equal(i.present, 257948);
	assert_int_equal(i.managed, 257848);
	assert_int_equal(i.stat[PZ_NR_FREE_PAGES], 257848);

	assert_int_equal(pz_min_free_kbytes(pz), 5790);
	/* DMA:    1447 * 3936 / 523928 = 5695392 / 523928 = 10 (10.87)
	 *         -> 10, 10 + 2 = 12, 10 + 5 = 15 */
	assert_wmarks(pz, 0, PZ_ZONE_DMA, 10, 12, 15);
	/* DMA32:  1447 * 257848 / 523928 = 373106056 / 523928 = 712 (712.13)
	 *         -> 712, 890, 1068 */
	assert_wmarks(pz, 0, PZ_ZONE_DMA32, 712, 890, 1068);
	/* Normal: 1447 * 262144 / 523928 = 379322368 / 523928 = 723
	 *         (523928 * 724 = 379323872 is too much)
	 *         -> 723, 723 + 180 = 903, 723 + 361 = 1084 */
	assert_wmarks(pz, 0, PZ_ZONE_NORMAL, 723, 903, 1084);
	tu_destroy(pz);
}

/*
 * The spec's worked example: pages_min = 4096, a zone with 3,000,000 of
 * 4,000,000 lowmem pages -> tmp 3072, min 3072, low 3840, high 4608.
 * Machine: DMA [1, 4096) = 4095, DMA32 [4096, 1000001) = 995905,
 * Normal [1000001, 4000001) = 3000000; lowmem = 4000000.
 */
static void test_wmarks_spec_worked_example(void **state)
{
	(void)state;
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA, 1, 4096);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, 1000001);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 1000001, 4000001);
	pz_t *pz = create(&tm);

	/* default: 4000000 pages = 16000000 kB; * 16 = 256000000 = 16000^2 */
	assert_int_equal(pz_min_free_kbytes(pz), 16000);
	/* pages_min = 16000 >> 2 = 4000; Normal tmp = 4000 * 3000000 / 4000000
	 * = 3000 -> 3000, 3750, 4500 */
	assert_wmarks(pz, 0, PZ_ZONE_NORMAL, 3000, 3750, 4500);

	assert_int_equal(pz_set_min_free_kbytes(pz, 16384), 0);
	assert_int_equal(pz_min_free_kbytes(pz), 16384);
	/* pages_min = 16384 >> 2 = 4096
	 * Normal: 4096 * 3000000 / 4000000 = 3072 -> 3072, 3072 + 768 = 3840,
	 *         3072 + 1536 = 4608 (the spec's numbers)
	 * DMA32:  4096 * 995905 / 4000000 = 4079226880 / 4000000 = 1019 (1019.8)
	 *         -> 1019, 1019 + 254 = 1273, 1019 + 509 = 1528
	 * DMA:    4096 * 4095 / 4000000 = 16773120 / 4000000 = 4 (4.19)
	 *         -> 4, 4 + 1 = 5, 4 + 2 = 6 */
	assert_wmarks(pz, 0, PZ_ZONE_NORMAL, 3072, 3840, 4608);
	assert_wmarks(pz, 0, PZ_ZONE_DMA32, 1019, 1273, 1528);
	assert_wmarks(pz, 0, PZ_ZONE_DMA, 4, 5, 6);
	/* NR_ALLOC_BATCH follows: 4608 - 3840 = 768 */
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_ALLOC_BATCH], 768);

	/* lowmem_reserve (ratios 256, 256, 32, 32):
	 * DMA[1]   = 995905 / 256 = 3890 (256 * 3890 = 995840)
	 * DMA[2]   = (995905 + 3000000) / 256 = 3995905 / 256 = 15609
	 * DMA32[2] = 3000000 / 256 = 11718 (256 * 11718 = 2999808) */
	struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_DMA);
	assert_int_equal(z.lowmem_reserve[1], 3890);
	assert_int_equal(z.lowmem_reserve[2], 15609);
	z = tu_zinfo(pz, 0, PZ_ZONE_DMA32);
	assert_int_equal(z.lowmem_reserve[2], 11718);
	tu_validate(pz);
	tu_destroy(pz);
}

/*
 * A 32-bit style machine with a HighMem zone: DMA [1, 4096) = 4095,
 * Normal [4096, 229376) = 225280, HighMem [229376, 524288) = 294912.
 * lowmem (min_free_kbytes and watermarks) excludes highmem:
 *   lowmem = 229375 pages = 917500 kB; * 16 = 14680000;
 *   3831^2 = 14676561 <= it < 3832^2 = 14684224 -> 3831; pages_min = 957.
 *   DMA:    957 * 4095 / 229375 = 17 (17.08) -> 17, 21, 25
 *   Normal: 957 * 225280 / 229375 = 939 (939.9) -> 939, 939 + 234 = 1173,
 *           939 + 469 = 1408
 *   HighMem: tmp = 957 * 294912 / 229375 = 1230 (still lowmem-proportional);
 *           min = clamp(294912 / 1024 = 288, 32, 128) = 128;
 *           low = 128 + 1230/4 = 435, high = 128 + 1230/2 = 743
 * lowmem_reserve (256, 256, 32, 32):
 *   DMA[2] = 225280 / 256 = 880; DMA[3] = DMA[4] = (294912 + 225280) / 256
 *   = 520192 / 256 = 2032; Normal[3] = Normal[4] = 294912 / 32 = 9216;
 *   HighMem[4] = 0 / 32 = 0.
 */
static void test_wmarks_highmem(void **state)
{
	(void)state;
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA, 1, 4096);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 229376);
	tu_add_zone(&tm, 0, PZ_ZONE_HIGHMEM, 229376, 524288);
	pz_t *pz = create(&tm);
	assert_int_equal(pz_min_free_kbytes(pz), 3831);
	assert_wmarks(pz, 0, PZ_ZONE_DMA, 17, 21, 25);
	assert_wmarks(pz, 0, PZ_ZONE_NORMAL, 939, 1173, 1408);
	assert_wmarks(pz, 0, PZ_ZONE_HIGHMEM, 128, 435, 743);
	struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_DMA);
	assert_int_equal(z.lowmem_reserve[PZ_ZONE_NORMAL], 880);
	assert_int_equal(z.lowmem_reserve[PZ_ZONE_HIGHMEM], 2032);
	assert_int_equal(z.lowmem_reserve[PZ_ZONE_MOVABLE], 2032);
	z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.lowmem_reserve[PZ_ZONE_HIGHMEM], 9216);
	assert_int_equal(z.lowmem_reserve[PZ_ZONE_MOVABLE], 9216);
	z = tu_zinfo(pz, 0, PZ_ZONE_HIGHMEM);
	assert_int_equal(z.lowmem_reserve[PZ_ZONE_MOVABLE], 0);
	/* GFP_HIGHUSER prefers HighMem; GFP_KERNEL never gets it */
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_HIGHUSER, 0);
	assert_non_null(p);
	assert_int_equal(pz_page_zonenum(pz, p), PZ_ZONE_HIGHMEM);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_int_equal(pz_page_zonenum(pz, p), PZ_ZONE_NORMAL);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	tu_validate(pz);
	tu_destroy(pz);
}

/*
 * NR_ALLOC_BATCH (fair policy) drops by 1 << order per allocation, not per
 * page refilled. Normal of the simple machine starts at 1086 - 905 = 181.
 */
static void test_alloc_batch_decrement(void **state)
{
	(void)state;
	tu_machine_simple(&tm, 258048, 262144, 1);
	pz_t *pz = create(&tm);
	pz_page_t *a = pz_alloc_pages(pz, PZ_GFP_KERNEL, 3);
	assert_int_equal(pz_page_zonenum(pz, a), PZ_ZONE_NORMAL);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_ALLOC_BATCH], 181 - 8);
	pz_page_t *b = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0); /* refills 31 */
	assert_int_equal(pz_page_zonenum(pz, b), PZ_ZONE_NORMAL);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_ALLOC_BATCH], 181 - 8 - 1);
	pz_page_t *c = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0); /* from the list */
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_ALLOC_BATCH], 181 - 8 - 2);
	/* frees do not give batch back */
	assert_int_equal(pz_free_pages(pz, a, 3), 0);
	assert_int_equal(pz_free_pages(pz, b, 0), 0);
	assert_int_equal(pz_free_pages(pz, c, 0), 0);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_ALLOC_BATCH], 181 - 10);
	tu_validate(pz);
	tu_destroy(pz);
}

/* ---------------------------------------------------------------------- */
/* lowmem_reserve ("protection")                                           */

static void assert_reserve(pz_t *pz, enum pz_zone_type t, const uint64_t want[PZ_NR_ZONE_TYPES])
{
	struct pz_zone_info z = tu_zinfo(pz, 0, t);
	for (int j = 0; j < PZ_NR_ZONE_TYPES; j++)
		if (z.lowmem_reserve[j] != want[j])
			fail_msg("zone %d lowmem_reserve[%d] = %llu, want %llu", (int)t, j,
				 (unsigned long long)z.lowmem_reserve[j],
				 (unsigned long long)want[j]);
}

/*
 * DMA 4095, DMA32 258048, Normal 262144; HighMem and Movable absent
 * (managed 0). Walk j = 0..4, idx = j-1..0, S starting at managed[j]:
 *   j=1: DMA[1]   = 258048 / 256 = 1008
 *   j=2: DMA32[2] = 262144 / 256 = 1024; S = 520192; DMA[2] = 520192 / 256 = 2032
 *   j=3: Normal[3] = 0 / 32 = 0; S = 262144: DMA32[3] = 1024; S = 520192:
 *        DMA[3] = 2032
 *   j=4: HighMem[4] = 0; Normal[4] = 0 / 32 = 0; DMA32[4] = 1024; DMA[4] = 2032
 * 4.x does not skip empty upper zones: an unpopulated MOVABLE zone still
 * gives the lower zones a reserve, and 0 for Normal (spec 4.3 + errata 10).
 */
static void test_lowmem_reserve_default(void **state)
{
	(void)state;
	tu_machine_simple(&tm, 258048, 262144, 1);
	pz_t *pz = create(&tm);
	const uint64_t dma[] = {0, 1008, 2032, 2032, 2032};
	const uint64_t dma32[] = {0, 0, 1024, 1024, 1024};
	const uint64_t normal[] = {0, 0, 0, 0, 0};
	assert_reserve(pz, PZ_ZONE_DMA, dma);
	assert_reserve(pz, PZ_ZONE_DMA32, dma32);
	assert_reserve(pz, PZ_ZONE_NORMAL, normal);
	tu_destroy(pz);
}

/* Ratios from the config, indexed by the lower zone: {128, 64, 32, 32}:
 *   DMA[1] = 258048 / 128 = 2016; DMA32[2] = 262144 / 64 = 4096;
 *   DMA[2] = DMA[3] = DMA[4] = 520192 / 128 = 4064;
 *   DMA32[3] = DMA32[4] = 4096. */
static void test_lowmem_reserve_ratio_config(void **state)
{
	(void)state;
	struct pz_config cfg;
	tu_machine_simple(&tm, 258048, 262144, 1);
	cfg_init(&cfg, &tm);
	cfg.lowmem_reserve_ratio[0] = 128;
	cfg.lowmem_reserve_ratio[1] = 64;
	cfg.lowmem_reserve_ratio[2] = 32;
	cfg.lowmem_reserve_ratio[3] = 32;
	pz_t *pz = tu_create_ok(&cfg);
	const uint64_t dma[] = {0, 2016, 4064, 4064, 4064};
	const uint64_t dma32[] = {0, 0, 4096, 4096, 4096};
	assert_reserve(pz, PZ_ZONE_DMA, dma);
	assert_reserve(pz, PZ_ZONE_DMA32, dma32);
	tu_destroy(pz);
}

/* The reserves uses managed pages: the reserved-and-holes machine above.
 *   DMA[1] = 257848 / 256 = 1007 (256 * 1007 = 257792)
 *   DMA32[2] = 262144 / 256 = 1024
 *   DMA[2] = (257848 + 262144) / 256 = 519992 / 256 = 2031 (256 * 2031 = 519936) */
static void test_lowmem_reserve_uses_managed(void **state)
{
	(void)state;
	tu_machine_init(&tm, 1, 1);
	struct pz_zone_desc *z;
	z = tu_add_zone(&tm, 0, PZ_ZONE_DMA, 1, 4096);
	tu_zone_reserved(&tm, 0, z, 1, 160);
	z = tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, 262144);
	tu_zone_present(&tm, 0, z, 4096, 200000);
	tu_zone_present(&tm, 0, z, 200100, 262144);
	tu_zone_reserved(&tm, 0, z, 4096, 4196);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 262144, 524288);
	pz_t *pz = create(&tm);
	struct pz_zone_info i = tu_zinfo(pz, 0, PZ_ZONE_DMA);
	assert_int_equal(i.lowmem_reserve[0], 0);
	assert_int_equal(i.lowmem_reserve[1], 1007);
	assert_int_equal(i.lowmem_reserve[2], 2031);
	i = tu_zinfo(pz, 0, PZ_ZONE_DMA32);
	assert_int_equal(i.lowmem_reserve[1], 0);
	assert_int_equal(i.lowmem_reserve[2], 1024);
	tu_destroy(pz);
}

/* ---------------------------------------------------------------------- */
/* Per-CPU list sizing                                                     */

static void assert_pcp(pz_t *pz, enum pz_zone_type t, unsigned high, unsigned batch)
{
	struct pz_zone_info z = tu_zinfo(pz, 0, t);
	if (z.pcp_high != high || z.pcp_batch != batch)
		fail_msg("zone %d: pcp high/batch %u/%u, want %u/%u", (int)t, z.pcp_high,
			 z.pcp_batch, high, batch);
	for (unsigned cpu = 0; cpu < pz_nr_cpus(pz); cpu++) {
		struct pz_pcp_info p;
		assert_int_equal(pz_pcp_info(pz, 0, t, cpu, &p), 0);
		assert_int_equal(p.high, high);
		assert_int_equal(p.batch, batch);
	}
}

/*
 * zone_batchsize: batch = min(managed / 1024, 128) / 4, at least 1, then
 * rounddown_pow_of_two(batch + batch / 2) - 1; high = 6 * batch,
 * batch = max(1, batch).
 *   DMA 4095:      3 -> 3/4 = 0 -> 1 -> rounddown(1) - 1 = 0 -> high 0, batch 1
 *   DMA32 258048:  252 -> 128 -> 32 -> rounddown(48) - 1 = 31 -> 186 / 31
 *   Normal 262144: 256 -> 128 -> 32 -> 31 -> 186 / 31
 */
static void test_pcp_batchsize_default(void **state)
{
	(void)state;
	tu_machine_simple(&tm, 258048, 262144, 3);
	pz_t *pz = create(&tm);
	assert_pcp(pz, PZ_ZONE_DMA, 0, 1);
	assert_pcp(pz, PZ_ZONE_DMA32, 186, 31);
	assert_pcp(pz, PZ_ZONE_NORMAL, 186, 31);
	tu_destroy(pz);

	/* Normal 8192:  8 -> 2 -> rounddown(3) - 1 = 1 -> high 6, batch 1
	 * Normal 16384: 16 -> 4 -> rounddown(6) - 1 = 3 -> high 18, batch 3
	 * Normal 32768: 32 -> 8 -> rounddown(12) - 1 = 7 -> high 42, batch 7 */
	const uint64_t sizes[] = {8192, 16384, 32768};
	const unsigned high[] = {6, 18, 42}, batch[] = {1, 3, 7};
	for (int i = 0; i < 3; i++) {
		tu_machine_init(&tm, 1, 2);
		tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 65536, 65536 + sizes[i]);
		pz = create(&tm);
		assert_pcp(pz, PZ_ZONE_NORMAL, high[i], batch[i]);
		tu_destroy(pz);
	}
}

/* high 0, batch 1: every order-0 free to the DMA zone is flushed at once. */
static void test_pcp_dma_high_zero_flushes(void **state)
{
	(void)state;
	tu_machine_simple(&tm, 258048, 262144, 1);
	pz_t *pz = create(&tm);
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ_GFP_DMA, 0);
	assert_non_null(p);
	assert_int_equal(pz_page_zonenum(pz, p), PZ_ZONE_DMA);
	/* refill of batch 1: exactly the page handed out left the buddy lists */
	struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_DMA);
	assert_int_equal(z.stat[PZ_NR_FREE_PAGES], 4095 - 1);
	assert_int_equal(z.pcp_pages, 0);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	/* count 1 >= high 0 -> free_pcppages_bulk(1): back in the buddy lists */
	z = tu_zinfo(pz, 0, PZ_ZONE_DMA);
	assert_int_equal(z.pcp_pages, 0);
	assert_int_equal(z.stat[PZ_NR_FREE_PAGES], 4095);
	tu_validate(pz);
	tu_destroy(pz);
}

/*
 * percpu_pagelist_fraction f: high = managed / f, batch = max(1, high / 4),
 * and batch = PAGE_SHIFT * 8 = 96 when high / 4 > 96.
 */
static void test_pcp_fraction(void **state)
{
	(void)state;
	tu_machine_simple(&tm, 258048, 262144, 2);
	pz_t *pz = create(&tm);

	/* f = 8: DMA 4095/8 = 511, 511/4 = 127 > 96 -> 96
	 *        DMA32 258048/8 = 32256 -> 96; Normal 262144/8 = 32768 -> 96 */
	assert_int_equal(pz_set_percpu_pagelist_fraction(pz, 8), 0);
	assert_pcp(pz, PZ_ZONE_DMA, 511, 96);
	assert_pcp(pz, PZ_ZONE_DMA32, 32256, 96);
	assert_pcp(pz, PZ_ZONE_NORMAL, 32768, 96);

	/* f = 100: DMA 4095/100 = 40, 40/4 = 10
	 *          DMA32 2580 -> 96; Normal 2621 -> 96 */
	assert_int_equal(pz_set_percpu_pagelist_fraction(pz, 100), 0);
	assert_pcp(pz, PZ_ZONE_DMA, 40, 10);
	assert_pcp(pz, PZ_ZONE_DMA32, 2580, 96);
	assert_pcp(pz, PZ_ZONE_NORMAL, 2621, 96);

	/* f = 2000: DMA 4095/2000 = 2, 2/4 = 0 -> batch 1 */
	assert_int_equal(pz_set_percpu_pagelist_fraction(pz, 2000), 0);
	assert_pcp(pz, PZ_ZONE_DMA, 2, 1);

	/* 1..7 are refused and change nothing */
	for (unsigned f = 1; f < 8; f++)
		assert_int_equal(pz_set_percpu_pagelist_fraction(pz, f), -PZ_EINVAL);
	assert_pcp(pz, PZ_ZONE_DMA, 2, 1);
	assert_pcp(pz, PZ_ZONE_NORMAL, 131, 32); /* 262144/2000 = 131, 131/4 = 32 */

	/* 0 goes back to zone_batchsize */
	assert_int_equal(pz_set_percpu_pagelist_fraction(pz, 0), 0);
	assert_pcp(pz, PZ_ZONE_DMA, 0, 1);
	assert_pcp(pz, PZ_ZONE_DMA32, 186, 31);
	assert_pcp(pz, PZ_ZONE_NORMAL, 186, 31);
	tu_validate(pz);
	tu_destroy(pz);

	/* the same from the config at init */
	struct pz_config cfg;
	cfg_init(&cfg, &tm);
	cfg.percpu_pagelist_fraction = 8;
	pz = tu_create_ok(&cfg);
	assert_pcp(pz, PZ_ZONE_DMA, 511, 96);
	assert_pcp(pz, PZ_ZONE_NORMAL, 32768, 96);
	tu_destroy(pz);
}

/* A config fraction of 1..7 is refused at init. */
static void test_pcp_fraction_config_refused(void **state)
{
	(void)state;
	struct pz_config cfg;
	size_t size = 0;
	tu_machine_simple(&tm, 4096, 0, 1);
	cfg_init(&cfg, &tm);
	assert_int_equal(pz_metadata_size(&cfg, &size), 0);
	size = (size + 63) & ~(size_t)63;
	void *mem = aligned_alloc(64, size);
	assert_non_null(mem);
	pz_t *pz = NULL;

	cfg.percpu_pagelist_fraction = 4;
	tu_log_reset();
	assert_int_equal(pz_init(&cfg, mem, size, &pz), -PZ_EINVAL);
	assert_true(tu_log.count > 0);
	size_t size2 = 0;
	assert_int_equal(pz_metadata_size(&cfg, &size2), -PZ_EINVAL);

	cfg.percpu_pagelist_fraction = 8; /* the smallest accepted */
	assert_int_equal(pz_init(&cfg, mem, size, &pz), 0);
	tu_validate(pz);
	assert_int_equal(pz_destroy(pz), 0);
	free(mem);
}

/* ---------------------------------------------------------------------- */
/* zone_watermark_ok, 4.1 algorithm                                        */

struct stack {
	pz_page_t **p;
	size_t n, cap;
};

static void push(struct stack *s, pz_page_t *p)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->p = realloc(s->p, s->cap * sizeof(*s->p));
		assert_non_null(s->p);
	}
	s->p[s->n++] = p;
}

static int64_t nr_free(pz_t *pz, int nid, enum pz_zone_type t)
{
	return tu_zinfo(pz, nid, t).stat[PZ_NR_FREE_PAGES];
}

/* Allocates or frees order-0 pages of zone (nid, t) until its NR_FREE_PAGES,
 * with every per-CPU list drained, is exactly target. */
static void shape_free(pz_t *pz, struct stack *s, int nid, enum pz_zone_type t, int64_t target)
{
	for (;;) {
		pz_drain_all_pages(pz);
		int64_t f = nr_free(pz, nid, t);
		if (f == target)
			return;
		if (f > target) {
			pz_page_t *p = pz_alloc_pages_node(pz, nid, GFP_RESERVE, 0);
			assert_non_null(p);
			assert_int_equal(pz_page_zonenum(pz, p), t);
			push(s, p);
		} else {
			assert_true(s->n > 0);
			assert_int_equal(pz_free_pages(pz, s->p[--s->n], 0), 0);
		}
	}
}

static void free_stack(pz_t *pz, struct stack *s)
{
	while (s->n)
		assert_int_equal(pz_free_pages(pz, s->p[--s->n], 0), 0);
	free(s->p);
	s->p = NULL;
	s->cap = 0;
}

/*
 * One Normal zone [4096, 12288) = 8192 pages, min_free_kbytes 4096:
 * pages_min = 1024, tmp = 1024 * 8192 / 8192 = 1024 -> min 1024,
 * low 1024 + 256 = 1280, high 1024 + 512 = 1536; lowmem_reserve[Normal] = 0.
 *
 * Order 0 passes iff free > effective min, where (4.1): ALLOC_HIGH takes
 * min/2 off, then ALLOC_HARDER min/4 of what is left.
 */
struct wcase {
	unsigned flags;
	int64_t eff; /* effective mark, worked out by hand */
};

static const struct wcase wcases[] = {
	{PZ_ALLOC_WMARK_MIN, 1024},
	{PZ_ALLOC_WMARK_LOW, 1280},
	{PZ_ALLOC_WMARK_HIGH, 1536},
	/* 1024 - 512 = 512 */
	{PZ_ALLOC_WMARK_MIN | PZ_ALLOC_HIGH, 512},
	/* 1024 - 256 = 768 */
	{PZ_ALLOC_WMARK_MIN | PZ_ALLOC_HARDER, 768},
	/* 1024 - 512 = 512; 512 - 128 = 384 */
	{PZ_ALLOC_WMARK_MIN | PZ_ALLOC_HIGH | PZ_ALLOC_HARDER, 384},
	/* 1280 - 640 = 640 */
	{PZ_ALLOC_WMARK_LOW | PZ_ALLOC_HIGH, 640},
	/* 1280 - 320 = 960 */
	{PZ_ALLOC_WMARK_LOW | PZ_ALLOC_HARDER, 960},
	/* 1536 - 768 = 768; 768 - 192 = 576 */
	{PZ_ALLOC_WMARK_HIGH | PZ_ALLOC_HIGH | PZ_ALLOC_HARDER, 576},
};

#define NWCASES (sizeof(wcases) / sizeof(wcases[0]))

static pz_t *wm_zone(unsigned features_set)
{
	struct pz_config cfg;
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 12288);
	cfg_init(&cfg, &tm);
	cfg.min_free_kbytes = 4096;
	cfg.features_set = features_set;
	pz_t *pz = tu_create_ok(&cfg);
	assert_wmarks(pz, 0, PZ_ZONE_NORMAL, 1024, 1280, 1536);
	return pz;
}

static int cmp_desc(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x < y) - (x > y);
}

static void test_watermark_ok_order0_boundaries(void **state)
{
	(void)state;
	pz_t *pz = wm_zone(0);
	struct stack s = {0};

	/* every boundary: free == eff (fails, `<=`) and eff + 1 (passes) */
	int64_t points[2 * NWCASES];
	for (size_t i = 0; i < NWCASES; i++) {
		points[2 * i] = wcases[i].eff + 1;
		points[2 * i + 1] = wcases[i].eff;
	}
	qsort(points, 2 * NWCASES, sizeof(points[0]), cmp_desc);

	for (size_t k = 0; k < 2 * NWCASES; k++) {
		int64_t f = points[k];
		shape_free(pz, &s, 0, PZ_ZONE_NORMAL, f);
		for (size_t i = 0; i < NWCASES; i++) {
			int want = f > wcases[i].eff;
			int got = pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 0, wcases[i].flags,
						       PZ_ZONE_NORMAL);
			if (got != want)
				fail_msg("free %lld flags 0x%x: watermark_ok %d, want %d (mark "
					 "%lld)",
					 (long long)f, wcases[i].flags, got, want,
					 (long long)wcases[i].eff);
		}
		tu_validate(pz);
	}
	free_stack(pz, &s);
	pz_drain_all_pages(pz);
	assert_int_equal(nr_free(pz, 0, PZ_ZONE_NORMAL), 8192);
	tu_validate(pz);
	tu_destroy(pz);
}

/*
 * The 4.1 per-order loop. All 8192 pages allocated, then every even pfn
 * freed plus pfn 12287:
 *   free blocks: order 1 at 12286 (its order-1 buddy 12284-12285 is not
 *   whole: 12285 is allocated), order 0 at every even pfn 4096..12284:
 *   (12284 - 4096) / 2 + 1 = 4095 blocks. NR_FREE = 4095 + 2 = 4097.
 * (12286 lies in the last pageblock, not in the two MIGRATE_RESERVE blocks
 *  at the zone start: min 1024 -> roundup(1024, 512) / 512 = 2.)
 */
static void test_watermark_ok_41_high_order(void **state)
{
	(void)state;
	for (int variant = 0; variant < 2; variant++) {
		/* variant 1: the 4.4 check (order-0 mark + one suitable block) */
		pz_t *pz = wm_zone(variant ? PZ_FEAT_WMARK_ORDER0_CHECK : 0);
		pz_page_t **pages = calloc(8192, sizeof(*pages));
		assert_non_null(pages);
		for (int i = 0; i < 8192; i++) {
			pz_page_t *p = pz_alloc_pages(pz, GFP_RESERVE, 0);
			assert_non_null(p);
			uint64_t pfn = pz_page_to_pfn(pz, p);
			assert_true(pfn >= 4096 && pfn < 12288);
			assert_null(pages[pfn - 4096]);
			pages[pfn - 4096] = p;
		}
		assert_null(pz_alloc_pages(pz, GFP_RESERVE, 0));
		for (uint64_t pfn = 4096; pfn < 12288; pfn += 2) {
			assert_int_equal(pz_free_pages(pz, pages[pfn - 4096], 0), 0);
			pages[pfn - 4096] = NULL;
		}
		assert_int_equal(pz_free_pages(pz, pages[12287 - 4096], 0), 0);
		pages[12287 - 4096] = NULL;
		pz_drain_all_pages(pz);

		struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
		assert_int_equal(z.stat[PZ_NR_FREE_PAGES], 4097);
		assert_int_equal(z.nr_free[0], 4095);
		assert_int_equal(z.nr_free[1], 1);
		for (int o = 2; o < 11; o++)
			assert_int_equal(z.nr_free[o], 0);

		/* order 0: 4097 > 1024 */
		assert_int_equal(pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 0, PZ_ALLOC_WMARK_MIN,
						      PZ_ZONE_NORMAL),
				 1);
		/* order 1, 4.1: free = 4097 - 1 = 4096 > 1024; o = 0:
		 * free = 4096 - 4095 = 1, min = 512, 1 <= 512 -> fail.
		 * 4.4: 4096 > 1024 and an order-1 block is free -> ok. */
		assert_int_equal(pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 1, PZ_ALLOC_WMARK_MIN,
						      PZ_ZONE_NORMAL),
				 variant ? 1 : 0);
		/* ALLOC_HIGH does not save 4.1: min 512, then 1 <= 256 */
		assert_int_equal(pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 1,
						      PZ_ALLOC_WMARK_MIN | PZ_ALLOC_HIGH,
						      PZ_ZONE_NORMAL),
				 variant ? 1 : 0);
		/* order 2: 4.1: free = 4094; o=0: 4094 - 4095 = -1 <= 512 -> fail.
		 * 4.4: no free block of order >= 2 -> fail. */
		assert_int_equal(pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 2, PZ_ALLOC_WMARK_MIN,
						      PZ_ZONE_NORMAL),
				 0);

		/* Free [8192, 9216) entirely: it merges into one order-10 block.
		 * NR_FREE = 4097 + 512 = 4609; nr_free[0] = 4095 - 512 = 3583;
		 * nr_free[1] = 1; nr_free[10] = 1. */
		for (uint64_t pfn = 8193; pfn < 9216; pfn += 2) {
			assert_int_equal(pz_free_pages(pz, pages[pfn - 4096], 0), 0);
			pages[pfn - 4096] = NULL;
		}
		pz_drain_all_pages(pz);
		z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
		assert_int_equal(z.stat[PZ_NR_FREE_PAGES], 4609);
		assert_int_equal(z.nr_free[0], 3583);
		assert_int_equal(z.nr_free[1], 1);
		assert_int_equal(z.nr_free[10], 1);

		/* order 1, 4.1: free = 4608 > 1024; o=0: 4608 - 3583 = 1025 > 512 -> ok */
		assert_int_equal(pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 1, PZ_ALLOC_WMARK_MIN,
						      PZ_ZONE_NORMAL),
				 1);
		/* order 2, 4.1: free = 4606; o=0: 1023 > 512; o=1: 1023 - 2 = 1021 > 256 -> ok */
		assert_int_equal(pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 2, PZ_ALLOC_WMARK_MIN,
						      PZ_ZONE_NORMAL),
				 1);
		/* order 10, 4.1: free = 4609 - 1023 = 3586 > 1024; o=0:
		 * 3586 - 3583 = 3 <= 512 -> fail.
		 * 4.4: 3586 > 1024 and an order-10 block is free -> ok. */
		assert_int_equal(pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 10, PZ_ALLOC_WMARK_MIN,
						      PZ_ZONE_NORMAL),
				 variant ? 1 : 0);
		tu_validate(pz);

		for (int i = 0; i < 8192; i++)
			if (pages[i])
				assert_int_equal(pz_free_pages(pz, pages[i], 0), 0);
		free(pages);
		pz_drain_all_pages(pz);
		assert_int_equal(nr_free(pz, 0, PZ_ZONE_NORMAL), 8192);
		tu_validate(pz);
		tu_destroy(pz);
	}
}

/* A fresh zone passes high orders: 8 free order-10 blocks, nothing below. */
static void test_watermark_ok_fresh_high_order(void **state)
{
	(void)state;
	pz_t *pz = wm_zone(0);
	/* order 10: free = 8192 - 1023 = 7169 > 1024; nr_free[0..9] = 0 */
	for (unsigned o = 0; o <= 10; o++)
		assert_int_equal(pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, o, PZ_ALLOC_WMARK_HIGH,
						      PZ_ZONE_NORMAL),
				 1);
	/* a bad zone is a negative errno */
	assert_true(pz_zone_watermark_ok(pz, 3, PZ_ZONE_NORMAL, 0, 0, PZ_ZONE_NORMAL) < 0);
	tu_destroy(pz);
}

/*
 * lowmem_reserve is indexed by the classzone. DMA [1, 4096) + Normal
 * [4096, 12288), ratio[DMA] = 1: DMA.lowmem_reserve[Normal] = 8192 / 1 = 8192.
 * lowmem = 12287 pages = 49148 kB; * 16 = 786368; 886^2 = 784996 -> 886;
 * pages_min = 221; DMA tmp = 221 * 4095 / 12287 = 73 -> min 73.
 * A fresh DMA zone (4095 free) passes for classzone DMA (4095 > 73) but not
 * for classzone Normal (4095 <= 73 + 8192).
 */
static void test_watermark_ok_classzone_reserve(void **state)
{
	(void)state;
	struct pz_config cfg;
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA, 1, 4096);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 12288);
	cfg_init(&cfg, &tm);
	cfg.lowmem_reserve_ratio[0] = 1;
	pz_t *pz = tu_create_ok(&cfg);
	struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_DMA);
	assert_int_equal(z.wmark_min, 73);
	assert_int_equal(z.lowmem_reserve[PZ_ZONE_NORMAL], 8192);
	assert_int_equal(
		pz_zone_watermark_ok(pz, 0, PZ_ZONE_DMA, 0, PZ_ALLOC_WMARK_MIN, PZ_ZONE_DMA), 1);
	assert_int_equal(
		pz_zone_watermark_ok(pz, 0, PZ_ZONE_DMA, 0, PZ_ALLOC_WMARK_MIN, PZ_ZONE_NORMAL), 0);

	/* So GFP_KERNEL (classzone Normal) never gets a DMA page: allocate
	 * until the allocator says no. */
	struct stack s = {0};
	pz_page_t *p;
	while ((p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0)) != NULL) {
		assert_int_equal(pz_page_zonenum(pz, p), PZ_ZONE_NORMAL);
		push(&s, p);
	}
	assert_true(s.n > 0);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_DMA).stat[PZ_NR_FREE_PAGES], 4095);
	free_stack(pz, &s);
	tu_validate(pz);
	tu_destroy(pz);

	/* With the default ratio 256: DMA.lowmem_reserve[Normal] = 8192 / 256 =
	 * 32; DMA low = 73 + 18 = 91: GFP_KERNEL does fall back into DMA. */
	cfg.lowmem_reserve_ratio[0] = 0;
	pz = tu_create_ok(&cfg);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_DMA).lowmem_reserve[PZ_ZONE_NORMAL], 32);
	int got_dma = 0;
	while ((p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0)) != NULL) {
		if (pz_page_zonenum(pz, p) == PZ_ZONE_DMA)
			got_dma = 1;
		push(&s, p);
	}
	assert_true(got_dma);
	free_stack(pz, &s);
	tu_validate(pz);
	tu_destroy(pz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_min_free_kbytes_sizes),
		cmocka_unit_test(test_min_free_kbytes_ceiling),
		cmocka_unit_test(test_min_free_kbytes_two_nodes),
		cmocka_unit_test(test_min_free_kbytes_config),
		cmocka_unit_test(test_wmarks_three_zones),
		cmocka_unit_test(test_wmarks_reserved_and_holes),
		cmocka_unit_test(test_wmarks_spec_worked_example),
		cmocka_unit_test(test_wmarks_highmem),
		cmocka_unit_test(test_alloc_batch_decrement),
		cmocka_unit_test(test_lowmem_reserve_default),
		cmocka_unit_test(test_lowmem_reserve_ratio_config),
		cmocka_unit_test(test_lowmem_reserve_uses_managed),
		cmocka_unit_test(test_pcp_batchsize_default),
		cmocka_unit_test(test_pcp_dma_high_zero_flushes),
		cmocka_unit_test(test_pcp_fraction),
		cmocka_unit_test(test_pcp_fraction_config_refused),
		cmocka_unit_test(test_watermark_ok_order0_boundaries),
		cmocka_unit_test(test_watermark_ok_41_high_order),
		cmocka_unit_test(test_watermark_ok_fresh_high_order),
		cmocka_unit_test(test_watermark_ok_classzone_reserve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
