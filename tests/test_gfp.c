/*
 * test_gfp.c - gfp flags: the gfp zone table, gfp -> migratetype, the
 * migratetype numbering and names of both profiles, the composite masks and
 * the tracepoint-style formatting (spec sections 1.3, 1.4, 1.5, 9.5).
 *
 * Black-box: only <pagezone.h> and the test helpers.
 */
#include "testutil.h"

#include <string.h>

#define ALL_ZONES 0x1fu
#define BIT(t)	  (1u << (t))
#define BAD	  (-PZ_EINVAL)

/*
 * The 16-entry table of spec 1.4 with every zone type configured. Index is
 * the four zone bits: MOVABLE(8) | DMA32(4) | HIGHMEM(2) | DMA(1).
 */
static const int zone_table_all[16] = {
	[0x0] = PZ_ZONE_NORMAL,	 /* no modifier */
	[0x1] = PZ_ZONE_DMA,	 /* DMA */
	[0x2] = PZ_ZONE_HIGHMEM, /* HIGHMEM */
	[0x3] = BAD,		 /* DMA|HIGHMEM */
	[0x4] = PZ_ZONE_DMA32,	 /* DMA32 */
	[0x5] = BAD,		 /* DMA|DMA32 */
	[0x6] = BAD,		 /* HIGHMEM|DMA32 */
	[0x7] = BAD,		 /* DMA|HIGHMEM|DMA32 */
	[0x8] = PZ_ZONE_NORMAL,	 /* MOVABLE alone selects NORMAL */
	[0x9] = PZ_ZONE_DMA,	 /* MOVABLE|DMA */
	[0xa] = PZ_ZONE_MOVABLE, /* MOVABLE|HIGHMEM: the only way to ZONE_MOVABLE */
	[0xb] = BAD,		 /* MOVABLE|HIGHMEM|DMA */
	[0xc] = PZ_ZONE_DMA32,	 /* MOVABLE|DMA32 */
	[0xd] = BAD,		 /* MOVABLE|DMA32|DMA */
	[0xe] = BAD,		 /* MOVABLE|DMA32|HIGHMEM */
	[0xf] = BAD,		 /* all four */
};

static void test_gfp_zone_table_all_present(void **state)
{
	(void)state;
	for (unsigned bits = 0; bits < 16; bits++) {
		int z = pz_gfp_zone((pz_gfp_t)bits, ALL_ZONES);
		if (z != zone_table_all[bits])
			fail_msg("gfp zone bits 0x%x: got %d, want %d", bits, z,
				 zone_table_all[bits]);
	}
}

/* The non-zone bits never change the table lookup. */
static void test_gfp_zone_ignores_other_bits(void **state)
{
	(void)state;
	const pz_gfp_t extra[] = {PZ_GFP_KERNEL,
				  PZ_GFP_ATOMIC,
				  PZ__GFP_COMP | PZ__GFP_ZERO,
				  PZ__GFP_THISNODE | PZ__GFP_HARDWALL,
				  PZ__GFP_RECLAIMABLE,
				  PZ__GFP_BITS_MASK & ~PZ_GFP_ZONEMASK};
	for (unsigned i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		for (unsigned bits = 0; bits < 16; bits++) {
			pz_gfp_t g = (extra[i] & ~PZ_GFP_ZONEMASK) | bits;
			assert_int_equal(pz_gfp_zone(g, ALL_ZONES), zone_table_all[bits]);
		}
	}
}

/* Every forbidden combination (GFP_ZONE_BAD) is refused, whatever is configured. */
static void test_gfp_zone_bad_combinations(void **state)
{
	(void)state;
	const unsigned bad[] = {0x3, 0x5, 0x6, 0x7, 0xb, 0xd, 0xe, 0xf};
	const unsigned presents[] = {ALL_ZONES, ALL_ZONES & ~BIT(PZ_ZONE_DMA),
				     ALL_ZONES & ~BIT(PZ_ZONE_DMA32),
				     ALL_ZONES & ~BIT(PZ_ZONE_HIGHMEM), BIT(PZ_ZONE_NORMAL)};
	for (unsigned p = 0; p < sizeof(presents) / sizeof(presents[0]); p++)
		for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			assert_int_equal(pz_gfp_zone((pz_gfp_t)bad[i], presents[p]), -PZ_EINVAL);
	/* the named forbidden pairs */
	assert_int_equal(pz_gfp_zone(PZ_GFP_DMA | PZ__GFP_HIGHMEM, ALL_ZONES), -PZ_EINVAL);
	assert_int_equal(pz_gfp_zone(PZ_GFP_DMA | PZ_GFP_DMA32, ALL_ZONES), -PZ_EINVAL);
	assert_int_equal(pz_gfp_zone(PZ__GFP_HIGHMEM | PZ_GFP_DMA32, ALL_ZONES), -PZ_EINVAL);
	assert_int_equal(pz_gfp_zone(PZ_GFP_KERNEL | PZ_GFP_DMA | PZ_GFP_DMA32, ALL_ZONES),
			 -PZ_EINVAL);
}

/* OPT_ZONE_DMA: without a DMA type, 0x1 and 0x9 fall back to NORMAL. */
static void test_gfp_zone_missing_dma(void **state)
{
	(void)state;
	unsigned present = ALL_ZONES & ~BIT(PZ_ZONE_DMA);
	for (unsigned bits = 0; bits < 16; bits++) {
		int want = zone_table_all[bits];
		if (bits == 0x1 || bits == 0x9)
			want = PZ_ZONE_NORMAL;
		assert_int_equal(pz_gfp_zone((pz_gfp_t)bits, present), want);
	}
}

/* OPT_ZONE_DMA32: without a DMA32 type, 0x4 and 0xc fall back to NORMAL. */
static void test_gfp_zone_missing_dma32(void **state)
{
	(void)state;
	unsigned present = ALL_ZONES & ~BIT(PZ_ZONE_DMA32);
	for (unsigned bits = 0; bits < 16; bits++) {
		int want = zone_table_all[bits];
		if (bits == 0x4 || bits == 0xc)
			want = PZ_ZONE_NORMAL;
		assert_int_equal(pz_gfp_zone((pz_gfp_t)bits, present), want);
	}
}

/*
 * OPT_ZONE_HIGHMEM: without a HIGHMEM type, 0x2 falls back to NORMAL (a
 * 64-bit GFP_HIGHUSER gets NORMAL); 0xa (MOVABLE|HIGHMEM) still selects
 * ZONE_MOVABLE, whose table entry is not an OPT_ZONE.
 */
static void test_gfp_zone_missing_highmem(void **state)
{
	(void)state;
	unsigned present = ALL_ZONES & ~BIT(PZ_ZONE_HIGHMEM);
	for (unsigned bits = 0; bits < 16; bits++) {
		int want = zone_table_all[bits];
		if (bits == 0x2)
			want = PZ_ZONE_NORMAL;
		assert_int_equal(pz_gfp_zone((pz_gfp_t)bits, present), want);
	}
	assert_int_equal(pz_gfp_zone(PZ_GFP_HIGHUSER, present), PZ_ZONE_NORMAL);
	assert_int_equal(pz_gfp_zone(PZ_GFP_HIGHUSER_MOVABLE, present), PZ_ZONE_MOVABLE);
}

/* All three optional types missing at once (a machine with NORMAL only). */
static void test_gfp_zone_only_normal(void **state)
{
	(void)state;
	unsigned present = BIT(PZ_ZONE_NORMAL) | BIT(PZ_ZONE_MOVABLE);
	/* 0x0, 0x1, 0x2, 0x4, 0x8, 0x9, 0xc -> NORMAL; 0xa -> MOVABLE */
	const unsigned normal[] = {0x0, 0x1, 0x2, 0x4, 0x8, 0x9, 0xc};
	for (unsigned i = 0; i < sizeof(normal) / sizeof(normal[0]); i++)
		assert_int_equal(pz_gfp_zone((pz_gfp_t)normal[i], present), PZ_ZONE_NORMAL);
	assert_int_equal(pz_gfp_zone(0xa, present), PZ_ZONE_MOVABLE);
}

/* The composite masks select the zones spec 1.4 names. */
static void test_gfp_zone_composites(void **state)
{
	(void)state;
	assert_int_equal(pz_gfp_zone(PZ_GFP_KERNEL, ALL_ZONES), PZ_ZONE_NORMAL);
	assert_int_equal(pz_gfp_zone(PZ_GFP_ATOMIC, ALL_ZONES), PZ_ZONE_NORMAL);
	assert_int_equal(pz_gfp_zone(PZ_GFP_USER, ALL_ZONES), PZ_ZONE_NORMAL);
	assert_int_equal(pz_gfp_zone(PZ_GFP_TEMPORARY, ALL_ZONES), PZ_ZONE_NORMAL);
	assert_int_equal(pz_gfp_zone(PZ_GFP_HIGHUSER, ALL_ZONES), PZ_ZONE_HIGHMEM);
	assert_int_equal(pz_gfp_zone(PZ_GFP_HIGHUSER_MOVABLE, ALL_ZONES), PZ_ZONE_MOVABLE);
	assert_int_equal(pz_gfp_zone(PZ_GFP_TRANSHUGE, ALL_ZONES), PZ_ZONE_MOVABLE);
	assert_int_equal(pz_gfp_zone(PZ__GFP_MOVABLE, ALL_ZONES), PZ_ZONE_NORMAL);
	assert_int_equal(pz_gfp_zone(PZ_GFP_KERNEL | PZ__GFP_MOVABLE, ALL_ZONES), PZ_ZONE_NORMAL);
	assert_int_equal(pz_gfp_zone(PZ_GFP_KERNEL | PZ_GFP_DMA, ALL_ZONES), PZ_ZONE_DMA);
	assert_int_equal(pz_gfp_zone(PZ_GFP_KERNEL | PZ_GFP_DMA32, ALL_ZONES), PZ_ZONE_DMA32);
}

/* gfpflags_to_migratetype for each mobility combination (spec 1.5). */
static void test_gfp_migratetype(void **state)
{
	(void)state;
	assert_int_equal(pz_gfp_migratetype(0), PZ_MT_UNMOVABLE);
	assert_int_equal(pz_gfp_migratetype(PZ__GFP_MOVABLE), PZ_MT_MOVABLE);
	assert_int_equal(pz_gfp_migratetype(PZ__GFP_RECLAIMABLE), PZ_MT_RECLAIMABLE);
	/* both: slot 3 (RESERVE in 4.1, HIGHATOMIC in 4.4) */
	assert_int_equal(pz_gfp_migratetype(PZ__GFP_MOVABLE | PZ__GFP_RECLAIMABLE), PZ_MT_RESERVE);
	assert_int_equal(pz_gfp_migratetype(PZ__GFP_MOVABLE | PZ__GFP_RECLAIMABLE),
			 PZ_MT_HIGHATOMIC);

	assert_int_equal(pz_gfp_migratetype(PZ_GFP_KERNEL), PZ_MT_UNMOVABLE);
	assert_int_equal(pz_gfp_migratetype(PZ_GFP_ATOMIC), PZ_MT_UNMOVABLE);
	assert_int_equal(pz_gfp_migratetype(PZ_GFP_USER), PZ_MT_UNMOVABLE);
	assert_int_equal(pz_gfp_migratetype(PZ_GFP_HIGHUSER), PZ_MT_UNMOVABLE);
	assert_int_equal(pz_gfp_migratetype(PZ_GFP_TEMPORARY), PZ_MT_RECLAIMABLE);
	assert_int_equal(pz_gfp_migratetype(PZ_GFP_HIGHUSER_MOVABLE), PZ_MT_MOVABLE);
	assert_int_equal(pz_gfp_migratetype(PZ_GFP_TRANSHUGE), PZ_MT_MOVABLE);

	/* zone bits other than MOVABLE and all other flags do not matter */
	assert_int_equal(pz_gfp_migratetype(PZ_GFP_DMA | PZ__GFP_MOVABLE), PZ_MT_MOVABLE);
	assert_int_equal(pz_gfp_migratetype(PZ_GFP_DMA32 | PZ_GFP_KERNEL), PZ_MT_UNMOVABLE);
	assert_int_equal(pz_gfp_migratetype(PZ__GFP_HIGHMEM | PZ__GFP_COMP | PZ__GFP_ZERO),
			 PZ_MT_UNMOVABLE);
	assert_int_equal(
		pz_gfp_migratetype((PZ__GFP_BITS_MASK & ~(PZ__GFP_MOVABLE | PZ__GFP_RECLAIMABLE)) |
				   PZ__GFP_RECLAIMABLE),
		PZ_MT_RECLAIMABLE);
}

/* The kernel's enum values in each profile (spec 1.5). */
static void test_migratetype_kernel_values(void **state)
{
	(void)state;
	/* 4.1: UNMOVABLE=0 RECLAIMABLE=1 MOVABLE=2 RESERVE=3 CMA=4 ISOLATE=5 */
	assert_int_equal(pz_migratetype_kernel_value(PZ_PROFILE_LINUX_4_1, PZ_MT_UNMOVABLE), 0);
	assert_int_equal(pz_migratetype_kernel_value(PZ_PROFILE_LINUX_4_1, PZ_MT_RECLAIMABLE), 1);
	assert_int_equal(pz_migratetype_kernel_value(PZ_PROFILE_LINUX_4_1, PZ_MT_MOVABLE), 2);
	assert_int_equal(pz_migratetype_kernel_value(PZ_PROFILE_LINUX_4_1, PZ_MT_RESERVE), 3);
	assert_int_equal(pz_migratetype_kernel_value(PZ_PROFILE_LINUX_4_1, PZ_MT_CMA), 4);
	assert_int_equal(pz_migratetype_kernel_value(PZ_PROFILE_LINUX_4_1, PZ_MT_ISOLATE), 5);
	/* 4.4+: UNMOVABLE=0 MOVABLE=1 RECLAIMABLE=2 HIGHATOMIC=3 CMA=4 ISOLATE=5 */
	assert_int_equal(pz_migratetype_kernel_value(PZ_PROFILE_MODERN, PZ_MT_UNMOVABLE), 0);
	assert_int_equal(pz_migratetype_kernel_value(PZ_PROFILE_MODERN, PZ_MT_MOVABLE), 1);
	assert_int_equal(pz_migratetype_kernel_value(PZ_PROFILE_MODERN, PZ_MT_RECLAIMABLE), 2);
	assert_int_equal(pz_migratetype_kernel_value(PZ_PROFILE_MODERN, PZ_MT_HIGHATOMIC), 3);
	assert_int_equal(pz_migratetype_kernel_value(PZ_PROFILE_MODERN, PZ_MT_CMA), 4);
	assert_int_equal(pz_migratetype_kernel_value(PZ_PROFILE_MODERN, PZ_MT_ISOLATE), 5);
}

/* /proc/pagetypeinfo names, listed in each profile's kernel enum order. */
static void test_migratetype_names(void **state)
{
	(void)state;
	static const char *const names41[PZ_MT_TYPES] = {"Unmovable", "Reclaimable", "Movable",
							 "Reserve",   "CMA",	     "Isolate"};
	static const char *const names44[PZ_MT_TYPES] = {"Unmovable",  "Movable", "Reclaimable",
							 "HighAtomic", "CMA",	  "Isolate"};
	for (int mt = 0; mt < PZ_MT_TYPES; mt++) {
		int k41 =
			pz_migratetype_kernel_value(PZ_PROFILE_LINUX_4_1, (enum pz_migratetype)mt);
		int k44 = pz_migratetype_kernel_value(PZ_PROFILE_MODERN, (enum pz_migratetype)mt);
		assert_true(k41 >= 0 && k41 < PZ_MT_TYPES);
		assert_true(k44 >= 0 && k44 < PZ_MT_TYPES);
		const char *n41 =
			pz_migratetype_name(PZ_PROFILE_LINUX_4_1, (enum pz_migratetype)mt);
		const char *n44 = pz_migratetype_name(PZ_PROFILE_MODERN, (enum pz_migratetype)mt);
		assert_non_null(n41);
		assert_non_null(n44);
		assert_string_equal(n41, names41[k41]);
		assert_string_equal(n44, names44[k44]);
	}
	/* spot checks by pagezone number */
	assert_string_equal(pz_migratetype_name(PZ_PROFILE_LINUX_4_1, PZ_MT_MOVABLE), "Movable");
	assert_string_equal(pz_migratetype_name(PZ_PROFILE_LINUX_4_1, PZ_MT_RESERVE), "Reserve");
	assert_string_equal(pz_migratetype_name(PZ_PROFILE_MODERN, PZ_MT_HIGHATOMIC), "HighAtomic");
	assert_string_equal(pz_migratetype_name(PZ_PROFILE_MODERN, PZ_MT_RECLAIMABLE),
			    "Reclaimable");
}

static void test_zone_type_names(void **state)
{
	(void)state;
	assert_string_equal(pz_zone_type_name(PZ_ZONE_DMA), "DMA");
	assert_string_equal(pz_zone_type_name(PZ_ZONE_DMA32), "DMA32");
	assert_string_equal(pz_zone_type_name(PZ_ZONE_NORMAL), "Normal");
	assert_string_equal(pz_zone_type_name(PZ_ZONE_HIGHMEM), "HighMem");
	assert_string_equal(pz_zone_type_name(PZ_ZONE_MOVABLE), "Movable");
	assert_null(pz_zone_type_name(PZ_NR_ZONE_TYPES));
	assert_null(pz_zone_type_name((enum pz_zone_type)77));
}

/* Composite mask relationships (spec 1.3, 4.4 column). */
static void test_gfp_composites(void **state)
{
	(void)state;
	const pz_gfp_t need =
		PZ__GFP_DIRECT_RECLAIM | PZ__GFP_KSWAPD_RECLAIM | PZ__GFP_IO | PZ__GFP_FS;
	assert_true((PZ_GFP_KERNEL & need) == need);
	assert_true((PZ_GFP_KERNEL & PZ_GFP_ZONEMASK) == 0);
	assert_true(PZ__GFP_WAIT == (PZ__GFP_DIRECT_RECLAIM | PZ__GFP_KSWAPD_RECLAIM));
	assert_true(PZ_GFP_NOFS == (PZ_GFP_KERNEL & ~PZ__GFP_FS));
	assert_true(PZ_GFP_NOIO == (PZ_GFP_KERNEL & ~(PZ__GFP_FS | PZ__GFP_IO)));
	assert_true(PZ_GFP_USER == (PZ_GFP_KERNEL | PZ__GFP_HARDWALL));
	assert_true(PZ_GFP_HIGHUSER_MOVABLE == (PZ_GFP_USER | PZ__GFP_HIGHMEM | PZ__GFP_MOVABLE));
	assert_true(PZ_GFP_TEMPORARY == (PZ_GFP_KERNEL | PZ__GFP_RECLAIMABLE));
	/* 4.4 GFP_ATOMIC: HIGH|ATOMIC|KSWAPD_RECLAIM, no direct reclaim */
	assert_true((PZ_GFP_ATOMIC & PZ__GFP_DIRECT_RECLAIM) == 0);
	assert_true((PZ_GFP_ATOMIC & PZ__GFP_HIGH) != 0);
	assert_true(PZ_GFP_NOWAIT == PZ__GFP_KSWAPD_RECLAIM);
	/* THP: no kswapd wake */
	assert_true((PZ_GFP_TRANSHUGE & PZ__GFP_KSWAPD_RECLAIM) == 0);
	assert_true((PZ_GFP_TRANSHUGE & PZ__GFP_COMP) != 0);
	/* every flag is inside the bit mask and the mask is 26 bits wide */
	assert_true((PZ__GFP_KSWAPD_RECLAIM & PZ__GFP_BITS_MASK) != 0);
	assert_true(PZ__GFP_BITS_MASK == ((1u << 31) - 1));
}

/*
 * The gfp names: composites PZ_GFP_X, single bits PZ__GFP_X. PZ_GFP_ATOMIC
 * is the composite GFP_ATOMIC; the deprecated spellings keep the values
 * they had (PZ_GFP_ATOMIC_MASK is the composite, PZ_GFP_HIGHMEM_ and
 * PZ_GFP_DMA32_ the zone bits, the old bit names the bits).
 */
static void test_gfp_names(void **state)
{
	(void)state;
	assert_true(PZ_GFP_ATOMIC == (PZ__GFP_HIGH | PZ__GFP_ATOMIC | PZ__GFP_KSWAPD_RECLAIM));
	assert_true(PZ_GFP_ATOMIC_MASK == PZ_GFP_ATOMIC);
	assert_true(PZ_GFP_HIGHMEM_ == PZ__GFP_HIGHMEM && PZ__GFP_HIGHMEM == 0x02u);
	assert_true(PZ_GFP_DMA32_ == PZ__GFP_DMA32 && PZ_GFP_DMA32 == PZ__GFP_DMA32);
	assert_true(PZ_GFP_DMA == PZ__GFP_DMA);
	assert_true(PZ_GFP_HIGH == PZ__GFP_HIGH && PZ_GFP_MEMALLOC == PZ__GFP_MEMALLOC);
	assert_true(PZ_GFP_WAIT == PZ__GFP_WAIT && PZ_GFP_BITS_MASK == PZ__GFP_BITS_MASK);
}

/* Pages an instance hands out to gfp (order 0) before refusing. */
static uint64_t pages_until_refused(enum pz_profile profile, pz_gfp_t gfp, uint64_t *min)
{
	struct tu_machine tm;
	uint64_t n = 0;

	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 8192 + 16384);
	pz_t *pz = tu_create_default(&tm.m, profile, 0);
	*min = tu_zinfo(pz, 0, PZ_ZONE_NORMAL).wmark_min;
	while (pz_alloc_pages(pz, gfp | PZ__GFP_NOWARN, 0))
		n++;
	tu_validate(pz);
	tu_destroy(pz);
	return n;
}

/*
 * PZ_GFP_ATOMIC gets the atomic request's reserves, as GFP_ATOMIC does in
 * the kernel: ALLOC_HIGH halves the MIN watermark and ALLOC_HARDER takes a
 * further quarter, so it goes about 5/8 of MIN deeper than GFP_KERNEL
 * (which, with nothing to reclaim, stops at MIN). The bit alone - what the
 * name meant before - is no atomic request in 4.1 (that needs no
 * __GFP_WAIT but __GFP_KSWAPD_RECLAIM) and only ALLOC_HARDER's quarter in
 * 4.4; next to GFP_KERNEL's direct reclaim 4.4 drops it altogether.
 */
static void test_gfp_atomic_reserves(void **state)
{
	static const enum pz_profile profiles[] = {PZ_PROFILE_LINUX_4_1, PZ_PROFILE_LINUX_4_4,
						   PZ_PROFILE_MODERN};

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		uint64_t min, plain = pages_until_refused(profiles[i], PZ_GFP_KERNEL, &min);
		uint64_t atomic = pages_until_refused(profiles[i], PZ_GFP_ATOMIC, &min);
		uint64_t bit = pages_until_refused(profiles[i], PZ__GFP_ATOMIC, &min);
		uint64_t kbit =
			pages_until_refused(profiles[i], PZ_GFP_KERNEL | PZ__GFP_ATOMIC, &min);

		print_message("%s: MIN %llu; GFP_KERNEL %llu pages, PZ_GFP_ATOMIC %llu (+%llu), "
			      "PZ__GFP_ATOMIC %llu, GFP_KERNEL | PZ__GFP_ATOMIC %llu\n",
			      pz_profile_name(profiles[i]), (unsigned long long)min,
			      (unsigned long long)plain, (unsigned long long)atomic,
			      (unsigned long long)(atomic - plain), (unsigned long long)bit,
			      (unsigned long long)kbit);
		assert_true(atomic > plain);
		assert_true(atomic - plain >= min / 2);
		assert_true(atomic - plain <= min);
		assert_int_equal(kbit, plain);
		if (profiles[i] == PZ_PROFILE_LINUX_4_1)
			assert_int_equal(bit, plain);
		else
			assert_true(bit > plain && bit - plain < atomic - plain);
	}
}

/* gfp formatting as the tracepoints print it. */
static void test_gfp_format_basic(void **state)
{
	(void)state;
	char buf[256];
	size_t n;

	n = pz_gfp_format(PZ_GFP_KERNEL, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_KERNEL");
	assert_int_equal(n, strlen("GFP_KERNEL"));

	n = pz_gfp_format(PZ_GFP_KERNEL | PZ__GFP_COMP, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_KERNEL|GFP_COMP");
	assert_int_equal(n, strlen("GFP_KERNEL|GFP_COMP"));

	/* composite names come first, largest first: HIGHUSER_MOVABLE, not HIGHUSER */
	n = pz_gfp_format(PZ_GFP_HIGHUSER_MOVABLE | PZ__GFP_COMP, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_HIGHUSER_MOVABLE|GFP_COMP");
	assert_int_equal(n, strlen(buf));

	n = pz_gfp_format(PZ_GFP_HIGHUSER_MOVABLE, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_HIGHUSER_MOVABLE");
	assert_int_equal(n, strlen(buf));

	n = pz_gfp_format(PZ_GFP_ATOMIC, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_ATOMIC");
	assert_int_equal(n, strlen(buf));

	/* 4.1's GFP_NOWAIT was the empty mask: PZ_GFP_NOWAIT prints as it */
	n = pz_gfp_format(PZ_GFP_NOWAIT, buf, sizeof(buf));
	assert_string_equal(buf, "GFP_NOWAIT");
	assert_int_equal(n, strlen("GFP_NOWAIT"));

	/* a lone modifier bit is named and contains its flag name */
	n = pz_gfp_format(PZ_GFP_KERNEL | PZ__GFP_ZERO, buf, sizeof(buf));
	assert_int_equal(n, strlen(buf));
	assert_int_equal(strncmp(buf, "GFP_KERNEL|", 11), 0);
	assert_non_null(strstr(buf, "ZERO"));
}

/* The snprintf-like return: the full length, output cut and NUL-terminated. */
static void test_gfp_format_short_buffer(void **state)
{
	(void)state;
	char full[256], buf[64];
	size_t need = pz_gfp_format(PZ_GFP_KERNEL | PZ__GFP_COMP, full, sizeof(full));
	assert_int_equal(need, strlen("GFP_KERNEL|GFP_COMP")); /* 19: 4.1 prints GFP_COMP */

	memset(buf, 'X', sizeof(buf));
	size_t n = pz_gfp_format(PZ_GFP_KERNEL | PZ__GFP_COMP, buf, 5);
	assert_int_equal(n, need);
	assert_int_equal(buf[4], '\0');
	assert_int_equal(strncmp(buf, "GFP_", 4), 0);
	assert_int_equal(buf[5], 'X'); /* nothing written past len */

	memset(buf, 'X', sizeof(buf));
	n = pz_gfp_format(PZ_GFP_KERNEL | PZ__GFP_COMP, buf, 1);
	assert_int_equal(n, need);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'X');

	/* len 0: nothing written, the length still returned */
	memset(buf, 'X', sizeof(buf));
	n = pz_gfp_format(PZ_GFP_KERNEL | PZ__GFP_COMP, buf, 0);
	assert_int_equal(n, need);
	assert_int_equal(buf[0], 'X');

	/* exactly need bytes: one short for the NUL, so cut by one */
	memset(buf, 'X', sizeof(buf));
	n = pz_gfp_format(PZ_GFP_KERNEL | PZ__GFP_COMP, buf, need);
	assert_int_equal(n, need);
	assert_int_equal(strlen(buf), need - 1);
	assert_int_equal(strncmp(buf, full, need - 1), 0);

	/* need + 1 bytes: the whole text */
	n = pz_gfp_format(PZ_GFP_KERNEL | PZ__GFP_COMP, buf, need + 1);
	assert_int_equal(n, need);
	assert_string_equal(buf, full);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gfp_zone_table_all_present),
		cmocka_unit_test(test_gfp_zone_ignores_other_bits),
		cmocka_unit_test(test_gfp_zone_bad_combinations),
		cmocka_unit_test(test_gfp_zone_missing_dma),
		cmocka_unit_test(test_gfp_zone_missing_dma32),
		cmocka_unit_test(test_gfp_zone_missing_highmem),
		cmocka_unit_test(test_gfp_zone_only_normal),
		cmocka_unit_test(test_gfp_zone_composites),
		cmocka_unit_test(test_gfp_migratetype),
		cmocka_unit_test(test_migratetype_kernel_values),
		cmocka_unit_test(test_migratetype_names),
		cmocka_unit_test(test_zone_type_names),
		cmocka_unit_test(test_gfp_composites),
		cmocka_unit_test(test_gfp_names),
		cmocka_unit_test(test_gfp_atomic_reserves),
		cmocka_unit_test(test_gfp_format_basic),
		cmocka_unit_test(test_gfp_format_short_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
