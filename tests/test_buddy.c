/*
 * test_buddy.c - the buddy free lists: the initial free blocks of zones
 * with edges, holes and reserved pages, merging back to the same shape,
 * no merging across holes or zone edges, natural alignment, expand()
 * keeping the lowest part, and the order in which a per-CPU refill hands
 * pages out (spec sections 2.1, 5.4, 5.5, 6.4).
 *
 * Black-box: only <pagezone.h> and the test helpers.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#define GFP_RESERVE (PZ_GFP_KERNEL | PZ__GFP_MEMALLOC)
#define MAXO	    11

static struct tu_machine tm;

static pz_t *create(const struct tu_machine *m)
{
	return tu_create_default(&m->m, PZ_PROFILE_LINUX_4_1, 0);
}

static void assert_shape(pz_t *pz, enum pz_zone_type t, const uint64_t want[MAXO])
{
	struct pz_zone_info z = tu_zinfo(pz, 0, t);
	for (int o = 0; o < MAXO; o++)
		if (z.nr_free[o] != want[o])
			fail_msg("zone %d order %d: %llu free blocks, want %llu", (int)t, o,
				 (unsigned long long)z.nr_free[o], (unsigned long long)want[o]);
	uint64_t pages = 0;
	for (int o = 0; o < MAXO; o++)
		pages += want[o] << o;
	assert_int_equal(z.stat[PZ_NR_FREE_PAGES], pages);
}

/*
 * The edge-and-hole machine (one node):
 *   DMA32  [512, 1536)   1024 pages
 *   Normal [1536, 5632)  4096 pages spanned; present [1536, 2051) and
 *          [2055, 5632) (hole [2051, 2055)), pfn 3000 reserved.
 *
 * Initial free blocks = maximal naturally aligned blocks of the present,
 * non-reserved pages, never crossing the zone edge or the hole:
 *   DMA32: [512, 1024) o9, [1024, 1536) o9. The order-9 buddy of 1024 is
 *          1536, in Normal: no order-10 block [1024, 2048).
 *   Normal, [1536, 2051): 1536 o9 (1536 % 1024 = 512), 2048 o1, 2050 o0
 *          (2048 o2 would cover 2051, in the hole)
 *   [2055, 3000): 2055 o0, 2056 o3, 2064 o4, 2080 o5, 2112 o6, 2176 o7,
 *          2304 o8, 2560 o8 (o9 would end at 3072 > 3000), 2816 o7,
 *          2944 o5, 2976 o4, 2992 o3        (945 pages)
 *   [3001, 5632): 3001 o0, 3002 o1, 3004 o2, 3008 o6, 3072 o10, 4096 o10,
 *          5120 o9                          (2631 pages)
 *   Normal per order: o0 3 (2050 2055 3001), o1 2 (2048 3002), o2 1 (3004),
 *   o3 2, o4 2, o5 2, o6 2 (2112 3008), o7 2, o8 2, o9 2 (1536 5120),
 *   o10 2 (3072 4096): 3 + 4 + 4 + 16 + 32 + 64 + 128 + 256 + 512 + 1024 +
 *   2048 = 4091 = 4096 - 4 (hole) - 1 (reserved).
 */
static const uint64_t dma32_shape[MAXO] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0};
static const uint64_t normal_shape[MAXO] = {3, 2, 1, 2, 2, 2, 2, 2, 2, 2, 2};
#define MANAGED_DMA32  1024
#define MANAGED_NORMAL 4091
#define PFN_LO	       512
#define PFN_HI	       5632

static void edge_machine(void)
{
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 512, 1536);
	struct pz_zone_desc *z = tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 1536, 5632);
	tu_zone_present(&tm, 0, z, 1536, 2051);
	tu_zone_present(&tm, 0, z, 2055, 5632);
	tu_zone_reserved(&tm, 0, z, 3000, 3001);
}

static void test_initial_shape(void **state)
{
	(void)state;
	edge_machine();
	pz_t *pz = create(&tm);
	struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.start_pfn, 1536);
	assert_int_equal(z.spanned, 4096);
	assert_int_equal(z.present, 4092);
	assert_int_equal(z.managed, MANAGED_NORMAL);
	z = tu_zinfo(pz, 0, PZ_ZONE_DMA32);
	assert_int_equal(z.managed, MANAGED_DMA32);
	assert_shape(pz, PZ_ZONE_DMA32, dma32_shape);
	assert_shape(pz, PZ_ZONE_NORMAL, normal_shape);

	/* page states around the edges */
	assert_int_equal(pz_pfn_state(pz, 511), PZ_PAGE_STATE_INVALID);
	assert_int_equal(pz_pfn_state(pz, 512), PZ_PAGE_STATE_FREE);
	assert_int_equal(pz_pfn_state(pz, 1535), PZ_PAGE_STATE_FREE);
	assert_int_equal(pz_pfn_state(pz, 1536), PZ_PAGE_STATE_FREE);
	assert_int_equal(pz_pfn_state(pz, 2050), PZ_PAGE_STATE_FREE);
	for (uint64_t pfn = 2051; pfn < 2055; pfn++)
		assert_int_equal(pz_pfn_state(pz, pfn), PZ_PAGE_STATE_INVALID);
	assert_int_equal(pz_pfn_state(pz, 2055), PZ_PAGE_STATE_FREE);
	assert_int_equal(pz_pfn_state(pz, 3000), PZ_PAGE_STATE_RESERVED);
	assert_int_equal(pz_pfn_state(pz, 3001), PZ_PAGE_STATE_FREE);
	assert_int_equal(pz_pfn_state(pz, 5631), PZ_PAGE_STATE_FREE);
	assert_int_equal(pz_pfn_state(pz, 5632), PZ_PAGE_STATE_INVALID);
	/* zones of pages */
	assert_int_equal(pz_page_zonenum(pz, pz_pfn_to_page(pz, 1535)), PZ_ZONE_DMA32);
	assert_int_equal(pz_page_zonenum(pz, pz_pfn_to_page(pz, 1536)), PZ_ZONE_NORMAL);
	assert_null(pz_pfn_to_page(pz, 100));
	assert_null(pz_pfn_to_page(pz, 6000));
	tu_destroy(pz);
}

/* The pages of pfn range [PFN_LO, PFN_HI) handed out, indexed by pfn. */
static pz_page_t *held[PFN_HI];

static size_t alloc_everything(pz_t *pz)
{
	size_t n = 0;
	pz_page_t *p;
	memset(held, 0, sizeof(held));
	while ((p = pz_alloc_pages(pz, GFP_RESERVE, 0)) != NULL) {
		uint64_t pfn = pz_page_to_pfn(pz, p);
		assert_true(pfn >= PFN_LO && pfn < PFN_HI);
		if (held[pfn])
			fail_msg("pfn %llu handed out twice", (unsigned long long)pfn);
		held[pfn] = p;
		assert_int_equal(pz_pfn_state(pz, pfn), PZ_PAGE_STATE_ALLOCATED);
		n++;
		tu_validate(pz);
	}
	return n;
}

/* Allocate every page at order 0, free them all in the given order, drain:
 * the free lists come back to exactly the initial shape. */
static void round_trip(pz_t *pz, int how, uint64_t seed)
{
	size_t n = alloc_everything(pz);
	assert_int_equal(n, MANAGED_DMA32 + MANAGED_NORMAL);
	pz_drain_all_pages(pz);
	assert_int_equal(tu_free_pages(pz), 0);
	for (uint64_t pfn = PFN_LO; pfn < PFN_HI; pfn++) {
		enum pz_page_state st = pz_pfn_state(pz, pfn);
		if (held[pfn])
			assert_int_equal(st, PZ_PAGE_STATE_ALLOCATED);
		else
			assert_true(st == PZ_PAGE_STATE_INVALID || st == PZ_PAGE_STATE_RESERVED);
	}

	uint64_t order[PFN_HI];
	size_t m = 0;
	for (uint64_t pfn = PFN_LO; pfn < PFN_HI; pfn++)
		if (held[pfn])
			order[m++] = pfn;
	assert_int_equal(m, n);
	if (how == 1) { /* descending */
		for (size_t i = 0; i < m / 2; i++) {
			uint64_t t = order[i];
			order[i] = order[m - 1 - i];
			order[m - 1 - i] = t;
		}
	} else if (how == 2) { /* seeded shuffle */
		for (size_t i = m - 1; i > 0; i--) {
			size_t j = tu_rand(&seed) % (i + 1);
			uint64_t t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
	}
	for (size_t i = 0; i < m; i++) {
		assert_int_equal(pz_free_pages(pz, held[order[i]], 0), 0);
		held[order[i]] = NULL;
		tu_validate(pz);
		if (i % 997 == 0) {
			pz_drain_all_pages(pz);
			tu_validate(pz);
		}
	}
	pz_drain_all_pages(pz);
	tu_validate(pz);
	assert_int_equal(tu_pcp_pages(pz), 0);
	assert_int_equal(tu_free_pages(pz), MANAGED_DMA32 + MANAGED_NORMAL);
	assert_shape(pz, PZ_ZONE_DMA32, dma32_shape);
	assert_shape(pz, PZ_ZONE_NORMAL, normal_shape);
}

static void test_merge_back_ascending(void **state)
{
	(void)state;
	edge_machine();
	pz_t *pz = create(&tm);
	round_trip(pz, 0, 0);
	tu_destroy(pz);
}

static void test_merge_back_descending_then_shuffled(void **state)
{
	(void)state;
	edge_machine();
	pz_t *pz = create(&tm);
	round_trip(pz, 1, 0);
	round_trip(pz, 2, 0x9e3779b97f4a7c15ull);
	round_trip(pz, 2, 12345);
	tu_destroy(pz);
}

/* Order-n blocks are naturally aligned, inside one zone, never overlap. */
static void test_natural_alignment(void **state)
{
	(void)state;
	edge_machine();
	pz_t *pz = create(&tm);
	const pz_gfp_t kinds[] = {PZ_GFP_KERNEL, PZ_GFP_HIGHUSER_MOVABLE, PZ_GFP_TEMPORARY,
				  PZ_GFP_KERNEL | PZ__GFP_COMP, PZ_GFP_KERNEL | PZ_GFP_DMA32};
	/* one of each order on a fresh zone */
	for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		for (unsigned o = 0; o < MAXO; o++) {
			pz_page_t *p = pz_alloc_pages(pz, kinds[k], o);
			if (!p) {
				/* only DMA32 lacks blocks above order 9 */
				assert_true(kinds[k] & PZ_GFP_DMA32);
				assert_int_equal(o, 10);
				continue;
			}
			uint64_t pfn = pz_page_to_pfn(pz, p);
			assert_int_equal(pfn % (1ull << o), 0);
			int zone = pz_page_zonenum(pz, p);
			for (uint64_t i = 0; i < (1ull << o); i++) {
				assert_int_equal(pz_pfn_state(pz, pfn + i),
						 PZ_PAGE_STATE_ALLOCATED);
				assert_int_equal(pz_page_zonenum(pz, pz_pfn_to_page(pz, pfn + i)),
						 zone);
			}
			tu_validate(pz);
			assert_int_equal(pz_free_pages(pz, p, o), 0);
			tu_validate(pz);
		}
	}

	/* then a seeded mix until the zones are full */
	uint64_t seed = 42;
	static unsigned char used[PFN_HI];
	static pz_page_t *pg[8192];
	static unsigned ord[8192];
	size_t n = 0;
	memset(used, 0, sizeof(used));
	for (int fails = 0; fails < 200 && n < 8192;) {
		unsigned o = (unsigned)(tu_rand(&seed) % 6);
		if (tu_rand(&seed) % 8 == 0)
			o += 5;
		pz_page_t *p = pz_alloc_pages(pz, GFP_RESERVE, o);
		if (!p) {
			fails++;
			continue;
		}
		uint64_t pfn = pz_page_to_pfn(pz, p);
		assert_int_equal(pfn % (1ull << o), 0);
		assert_true(pfn >= PFN_LO && pfn + (1ull << o) <= PFN_HI);
		for (uint64_t i = 0; i < (1ull << o); i++) {
			assert_int_equal(used[pfn + i], 0);
			used[pfn + i] = 1;
		}
		pg[n] = p;
		ord[n++] = o;
		tu_validate(pz);
	}
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(pz_free_pages(pz, pg[i], ord[i]), 0);
		tu_validate(pz);
	}
	pz_drain_all_pages(pz);
	assert_shape(pz, PZ_ZONE_DMA32, dma32_shape);
	assert_shape(pz, PZ_ZONE_NORMAL, normal_shape);
	tu_destroy(pz);
}

/* An order-9 allocation from the DMA32 zone freed back stays order 9: it
 * never joins Normal's [1536, 2048) across the zone edge. */
static void test_no_merge_across_zone_edge(void **state)
{
	(void)state;
	edge_machine();
	pz_t *pz = create(&tm);
	/* no watermarks: the second block takes DMA32 below its min */
	pz_page_t *a = pz_alloc_pages(pz, GFP_RESERVE | PZ_GFP_DMA32, 9);
	pz_page_t *b = pz_alloc_pages(pz, GFP_RESERVE | PZ_GFP_DMA32, 9);
	assert_non_null(a);
	assert_non_null(b);
	uint64_t pa = pz_page_to_pfn(pz, a), pb = pz_page_to_pfn(pz, b);
	assert_true((pa == 512 && pb == 1024) || (pa == 1024 && pb == 512));
	assert_null(pz_alloc_pages(pz, GFP_RESERVE | PZ_GFP_DMA32, 9));
	/* the Normal zone is untouched */
	assert_shape(pz, PZ_ZONE_NORMAL, normal_shape);
	assert_int_equal(pz_free_pages(pz, pa == 1024 ? a : b, 9), 0);
	tu_validate(pz);
	struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_DMA32);
	assert_int_equal(z.nr_free[9], 1);
	assert_int_equal(z.nr_free[10], 0);
	z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.nr_free[9], 2);
	assert_int_equal(z.nr_free[10], 2);
	assert_int_equal(pz_free_pages(pz, pa == 1024 ? b : a, 9), 0);
	tu_validate(pz);
	assert_shape(pz, PZ_ZONE_DMA32, dma32_shape);
	tu_destroy(pz);
}

/*
 * expand() keeps the lowest part and rmqueue_bulk keeps physical order.
 * One Normal zone [32768, 65536) = 32768 pages: batch = 32 / 4 = 8 ->
 * rounddown(12) - 1 = 7, high 42. min_free_kbytes = isqrt(131072 * 16) =
 * 1448, pages_min 362, min 362, low 452.
 * 31 of the 32 order-10 blocks are taken with GFP_KERNEL (order 10 at LOW:
 * the 31st sees free 2048 - 1023 = 1025 > 452). The one block left, at P,
 * then serves order-0 requests in ascending pfn order: a refill of 7 takes
 * P (expand leaves P+512 o9 ... P+1 o0 on the lists), then P+1, P+2 (split
 * of the o1 block), P+3, P+4 (split of o2), P+5, P+6; the next refill
 * P+7 ... P+13, and so on.
 */
static pz_t *one_block_left(uint64_t *P)
{
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 32768, 65536);
	pz_t *pz = create(&tm);
	struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.pcp_batch, 7);
	assert_int_equal(z.pcp_high, 42);
	assert_int_equal(z.wmark_low, 452);
	assert_int_equal(z.nr_free[10], 32);
	for (int i = 0; i < 31; i++) {
		pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 10);
		assert_non_null(p);
		assert_int_equal(pz_page_to_pfn(pz, p) % 1024, 0);
	}
	z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.nr_free[10], 1);
	assert_int_equal(z.stat[PZ_NR_FREE_PAGES], 1024);
	/* find the block: exactly one aligned run of 1024 free pfns */
	uint64_t first = 0, count = 0;
	for (uint64_t pfn = 32768; pfn < 65536; pfn++) {
		if (pz_pfn_state(pz, pfn) == PZ_PAGE_STATE_FREE) {
			if (!count)
				first = pfn;
			count++;
		}
	}
	assert_int_equal(count, 1024);
	assert_int_equal(first % 1024, 0);
	for (uint64_t pfn = first; pfn < first + 1024; pfn++)
		assert_int_equal(pz_pfn_state(pz, pfn), PZ_PAGE_STATE_FREE);
	*P = first;
	return pz;
}

static void test_expand_keeps_lowest_hot(void **state)
{
	(void)state;
	uint64_t P;
	pz_t *pz = one_block_left(&P);
	for (uint64_t i = 0; i < 70; i++) {
		pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
		assert_non_null(p);
		if (pz_page_to_pfn(pz, p) != P + i)
			fail_msg("allocation %llu: pfn %llu, want P + %llu = %llu",
				 (unsigned long long)i, (unsigned long long)pz_page_to_pfn(pz, p),
				 (unsigned long long)i, (unsigned long long)(P + i));
		if (i == 0) {
			/* the refill took 7 pages out of the free count: 1024 - 7 */
			struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
			assert_int_equal(z.stat[PZ_NR_FREE_PAGES], 1017);
			assert_int_equal(z.pcp_pages, 6);
			assert_int_equal(pz_pfn_state(pz, P + 1), PZ_PAGE_STATE_PCP);
			assert_int_equal(pz_pfn_state(pz, P + 6), PZ_PAGE_STATE_PCP);
			assert_int_equal(pz_pfn_state(pz, P + 7), PZ_PAGE_STATE_FREE);
		}
	}
	tu_validate(pz);
	tu_destroy(pz);
}

/*
 * A cold refill links each page before the previous one, so the list reads
 * P+6 ... P+1, P from head to tail: cold requests (from the tail) still get
 * P, P+1, ...; a hot request (from the head) gets P+6.
 */
static void cold_refill_order(pz_gfp_t gfp)
{
	uint64_t P;
	pz_t *pz = one_block_left(&P);
	pz_page_t *p = pz_alloc_pages(pz, gfp | PZ__GFP_COLD, 0);
	assert_non_null(p);
	assert_int_equal(pz_page_to_pfn(pz, p), P);
	p = pz_alloc_pages(pz, gfp | PZ__GFP_COLD, 0);
	assert_int_equal(pz_page_to_pfn(pz, p), P + 1);
	p = pz_alloc_pages(pz, gfp, 0);
	assert_int_equal(pz_page_to_pfn(pz, p), P + 6);
	p = pz_alloc_pages(pz, gfp, 0);
	assert_int_equal(pz_page_to_pfn(pz, p), P + 5);
	p = pz_alloc_pages(pz, gfp | PZ__GFP_COLD, 0);
	assert_int_equal(pz_page_to_pfn(pz, p), P + 2);
	/* P+3 and P+4 wait on the list */
	struct pz_pcp_info pcp;
	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, &pcp), 0);
	assert_int_equal(pcp.count, 2);
	assert_int_equal(pz_pfn_state(pz, P + 3), PZ_PAGE_STATE_PCP);
	assert_int_equal(pz_pfn_state(pz, P + 4), PZ_PAGE_STATE_PCP);
	tu_validate(pz);
	tu_destroy(pz);
}

static void test_cold_refill_order_movable(void **state)
{
	(void)state;
	cold_refill_order(PZ_GFP_HIGHUSER_MOVABLE);
}

/* The same for UNMOVABLE requests; the pages here come from the
 * MIGRATE_RESERVE last resort (the one block left is the zone's reserve
 * block), which is a valid state of the UNMOVABLE per-CPU list. */
static void test_cold_refill_order_unmovable(void **state)
{
	(void)state;
	cold_refill_order(PZ_GFP_KERNEL);
}

/*
 * Hot frees go to the head (handed out next), cold frees to the tail.
 * MOVABLE requests: an order-0 page of a MIGRATE_RESERVE block is freed to
 * the MOVABLE per-CPU list (spec 5.8), so the round trip stays on one list
 * whichever label the block left by one_block_left() has.
 */
static void test_hot_cold_free(void **state)
{
	(void)state;
	uint64_t P;
	const pz_gfp_t g = PZ_GFP_HIGHUSER_MOVABLE;
	pz_t *pz = one_block_left(&P);
	pz_page_t *a = pz_alloc_pages(pz, g, 0); /* P; the list holds P+1..P+6 */
	assert_int_equal(pz_page_to_pfn(pz, a), P);
	assert_int_equal(pz_free_pages(pz, a, 0), 0); /* hot: head */
	pz_page_t *b = pz_alloc_pages(pz, g, 0);
	assert_ptr_equal(b, a);
	assert_int_equal(pz_free_pages_cold(pz, b, 0, 1), 0); /* cold: tail */
	pz_page_t *c = pz_alloc_pages(pz, g, 0);
	assert_int_equal(pz_page_to_pfn(pz, c), P + 1);
	pz_page_t *d = pz_alloc_pages(pz, g | PZ__GFP_COLD, 0);
	assert_ptr_equal(d, a);
	tu_validate(pz);
	tu_destroy(pz);
}

/*
 * Free placement (spec 6.4 step 6, subtle behaviour 6): a freed block whose
 * next-higher buddy is free goes to the tail of its list, otherwise to the
 * head. MOVABLE order-1 requests from the one block left at P take, in
 * order, A = P, B = P+2, C = P+4 (splitting P+4 o2: P+6 o1 left),
 * D = P+6, E = P+8 (splitting P+8 o3: P+12 o2, P+10 o1), F = P+10,
 * G = P+12 (P+14 o1 left), H = P+14.
 *   free E (P+8): buddy F allocated; the order-2 buddy of [P+8, P+12) is
 *     P+12, allocated -> head.                       order-1 list: E
 *   free A, B: merge into [P, P+4) at order 2 (its buddy P+4 is held).
 *   free D (P+6): buddy C allocated; the order-2 buddy of [P+4, P+8) is
 *     [P, P+4), free at order 2 -> tail.             order-1 list: E, D
 * The next order-1 request takes the head: E = P+8 (P+6 if D had gone to
 * the head). Then D.
 */
static void test_free_tail_placement(void **state)
{
	(void)state;
	uint64_t P;
	const pz_gfp_t g = PZ_GFP_HIGHUSER_MOVABLE;
	pz_t *pz = one_block_left(&P);
	pz_page_t *b[8];
	for (int i = 0; i < 8; i++) {
		b[i] = pz_alloc_pages(pz, g, 1);
		assert_non_null(b[i]);
		assert_int_equal(pz_page_to_pfn(pz, b[i]), P + 2 * (uint64_t)i);
	}
	assert_int_equal(pz_free_pages(pz, b[4], 1), 0); /* E */
	assert_int_equal(pz_free_pages(pz, b[0], 1), 0); /* A */
	assert_int_equal(pz_free_pages(pz, b[1], 1), 0); /* B: [P, P+4) o2 */
	struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.nr_free[1], 1);
	assert_int_equal(z.nr_free[2], 1);
	assert_int_equal(pz_free_pages(pz, b[3], 1), 0); /* D: tail */
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).nr_free[1], 2);
	tu_validate(pz);
	pz_page_t *x = pz_alloc_pages(pz, g, 1);
	assert_int_equal(pz_page_to_pfn(pz, x), P + 8);
	x = pz_alloc_pages(pz, g, 1);
	assert_int_equal(pz_page_to_pfn(pz, x), P + 6);
	tu_validate(pz);
	tu_destroy(pz);
}

/*
 * The tail rule asks whether the buddy of the combined block is free; the
 * kernel makes the zone test with the combined block's first page
 * (page_is_buddy(higher_page, higher_buddy, order + 1), spec 6.4). When
 * that page lies in the zone below, the freed block goes to the head even
 * though the higher buddy is free in the block's own zone.
 * DMA32 [4096, 10496) + Normal [10496, 20736): Normal's order-8 blocks
 * are 10496 (buddy 10240 in DMA32; higher buddy 10752, free at order 9)
 * and 20480. Freeing 20480, then 10496, must leave 10496 at the head.
 * Boot put them on the list in ascending order: linux-6.1 releases boot
 * memory with __free_pages_core's FPI_TO_TAIL, each block at the tail.
 */
static void test_tail_rule_zone_edge(void **state)
{
	(void)state;
	const pz_gfp_t g = PZ_GFP_HIGHUSER_MOVABLE;
	uint64_t l[4];
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, 10496);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 10496, 20736);
	/* modern: no fair policy sending the second request to DMA32 */
	pz_t *pz = tu_create_machine(&tm.m, PZ_PROFILE_MODERN);
	assert_non_null(pz);
	assert_int_equal(pz_free_list_pfns(pz, 0, PZ_ZONE_NORMAL, 8, PZ_MT_MOVABLE, l, 4), 2);
	assert_int_equal(l[0], 10496);
	assert_int_equal(l[1], 20480);
	pz_page_t *a = pz_alloc_pages(pz, g, 8), *b = pz_alloc_pages(pz, g, 8);
	assert_int_equal(pz_page_to_pfn(pz, a), 10496);
	assert_int_equal(pz_page_to_pfn(pz, b), 20480);
	assert_int_equal(pz_free_pages(pz, b, 8), 0);
	assert_int_equal(pz_free_pages(pz, a, 8), 0);
	/* 10752 is free at order 9 */
	assert_int_equal(pz_free_list_pfns(pz, 0, PZ_ZONE_NORMAL, 9, PZ_MT_MOVABLE, l, 4), 1);
	assert_int_equal(l[0], 10752);
	assert_int_equal(pz_free_list_pfns(pz, 0, PZ_ZONE_NORMAL, 8, PZ_MT_MOVABLE, l, 4), 2);
	assert_int_equal(l[0], 10496);
	assert_int_equal(l[1], 20480);
	tu_validate(pz);
	tu_destroy(pz);
}

/*
 * A drain is one free_pcppages_bulk call however many pages it frees
 * (spec 6.3): the round robin does not start over every 128 pages. 150
 * MOVABLE then 150 UNMOVABLE order-0 pages on a large per-CPU list
 * (percpu_pagelist_fraction 8: high 4096) drain, in 4.1's enum order
 * (UNMOVABLE, RECLAIMABLE, MOVABLE; starting after index 0), as two
 * MOVABLE pages then one UNMOVABLE while both last, then the rest.
 */
static void test_drain_round_robin_one_call(void **state)
{
	(void)state;
	static struct pz_trace_event ev[512];
	pz_page_t *pg[300];
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 32768, 65536);
	struct pz_config cfg;
	tu_config(&cfg, &tm.m, PZ_PROFILE_LINUX_4_1, 1);
	cfg.percpu_pagelist_fraction = 8;
	pz_t *pz = tu_create(&cfg);
	assert_non_null(pz);
	for (int i = 0; i < 300; i++) {
		pg[i] = pz_alloc_pages(pz, i < 150 ? PZ_GFP_HIGHUSER_MOVABLE : PZ_GFP_KERNEL, 0);
		assert_non_null(pg[i]);
	}
	pz_drain_all_pages(pz);
	for (int i = 0; i < 300; i++)
		assert_int_equal(pz_free_pages(pz, pg[i], 0), 0);
	tu_trace_reset();
	tu_trace.events = ev;
	tu_trace.cap = 512;
	pz_drain_all_pages(pz);
	size_t n = 0;
	for (size_t i = 0; i < tu_trace.n; i++) {
		if (ev[i].kind != PZ_TRACE_PAGE_PCPU_DRAIN)
			continue;
		enum pz_migratetype want = n < 224 && n % 3 != 2 ? PZ_MT_MOVABLE : PZ_MT_UNMOVABLE;
		if (ev[i].migratetype != want)
			fail_msg("drained page %zu (pfn %lld) is %d, expected %d", n,
				 (long long)ev[i].pfn, (int)ev[i].migratetype, (int)want);
		n++;
	}
	assert_int_equal(n, 300);
	tu_trace.events = NULL;
	tu_trace.cap = 0;
	tu_validate(pz);
	tu_destroy(pz);
}

/* Freeing the pieces of a split block in any order merges them back. */
static void test_split_pieces_merge(void **state)
{
	(void)state;
	uint64_t P;
	pz_t *pz = one_block_left(&P);
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_MEMALLOC, 10);
	assert_non_null(p);
	assert_int_equal(pz_page_to_pfn(pz, p), P);
	assert_int_equal(pz_split_page(pz, p, 10), 0);
	tu_validate(pz);
	/* free odd pfns first, then even: merging completes only at the end */
	for (uint64_t i = 1; i < 1024; i += 2)
		assert_int_equal(pz_free_pages(pz, pz_pfn_to_page(pz, P + i), 0), 0);
	pz_drain_all_pages(pz);
	tu_validate(pz);
	struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.nr_free[0], 512);
	assert_int_equal(z.nr_free[10], 0);
	for (uint64_t i = 0; i < 1024; i += 2)
		assert_int_equal(pz_free_pages(pz, pz_pfn_to_page(pz, P + i), 0), 0);
	pz_drain_all_pages(pz);
	tu_validate(pz);
	z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.nr_free[10], 1);
	for (int o = 0; o < 10; o++)
		assert_int_equal(z.nr_free[o], 0);
	assert_int_equal(z.stat[PZ_NR_FREE_PAGES], 1024);
	tu_destroy(pz);
}

/*
 * 6.1 (5.18) merges free blocks of a pageblock or more only when their
 * types match or both are per-CPU types: an atomic order-1 request makes
 * the lower pageblock A of an order-10 block HIGHATOMIC; once its page
 * comes back, A (order 9, HIGHATOMIC) stays apart from its MOVABLE buddy
 * B in 6.1 and merges with it into an order-10 block in 4.4.
 */
static void highatomic_merge_case(enum pz_profile prof, unsigned o9, unsigned o10)
{
	struct pz_zone_info zi;
	pz_page_t *p;
	pz_t *pz;

	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 16384, 32768);
	pz = tu_create_default(&tm.m, prof, 0);
	/* LOW above the free pages: only the slow path's ALLOC_HARDER
	 * attempt, which reserves the block, succeeds */
	assert_int_equal(pz_set_min_free_kbytes(pz, 64000), 0);
	p = pz_alloc_pages(pz, PZ_GFP_ATOMIC | PZ__GFP_NOWARN, 1);
	assert_non_null(p);
	pz_drain_all_pages(pz);
	zi = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(zi.nr_reserved_highatomic, 512);
	assert_int_equal(pz_free_pages(pz, p, 1), 0);
	pz_drain_all_pages(pz);
	zi = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(zi.nr_free_mt[9][PZ_MT_HIGHATOMIC], o9);
	assert_int_equal(zi.nr_free_mt[10][PZ_MT_HIGHATOMIC], o10);
	assert_int_equal(zi.stat[PZ_NR_FREE_PAGES], 16384);
	tu_validate(pz);
	tu_destroy(pz);
}

static void test_highatomic_merge_61(void **state)
{
	(void)state;
	highatomic_merge_case(PZ_PROFILE_LINUX_4_4, 0, 1);
	highatomic_merge_case(PZ_PROFILE_LINUX_6_1, 1, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initial_shape),
		cmocka_unit_test(test_merge_back_ascending),
		cmocka_unit_test(test_merge_back_descending_then_shuffled),
		cmocka_unit_test(test_natural_alignment),
		cmocka_unit_test(test_no_merge_across_zone_edge),
		cmocka_unit_test(test_expand_keeps_lowest_hot),
		cmocka_unit_test(test_cold_refill_order_movable),
		cmocka_unit_test(test_cold_refill_order_unmovable),
		cmocka_unit_test(test_hot_cold_free),
		cmocka_unit_test(test_free_tail_placement),
		cmocka_unit_test(test_tail_rule_zone_edge),
		cmocka_unit_test(test_drain_round_robin_one_call),
		cmocka_unit_test(test_split_pieces_merge),
		cmocka_unit_test(test_highatomic_merge_61),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
