/*
 * test_pageblocks.c - pz_zone_pageblocks, the read-only pageblock walk
 * behind the pageblock map: its counts agree, block by block, with a
 * reference built from pz_pfn_state and pz_pageblock_migratetype, on zones
 * that start off a pageblock boundary, have holes and reserved ranges,
 * free blocks larger than a pageblock, per-CPU pages, after a seeded mix
 * of allocations and frees; and its errors.
 *
 * Black-box: only <pagezone.h> and the test helpers.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#define NBLOCKS_MAX 256

static struct tu_machine tm;
static uint64_t pcp_seen; /* per-CPU pages the walks counted */

/* DMA [1, 4096), DMA32 [4096, 12288) with a hole and a reserved range,
 * Normal [12288, 77724) (ends off a pageblock boundary); 2 CPUs. */
static pz_t *create(void)
{
	struct pz_zone_desc *z;

	tu_machine_init(&tm, 1, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA, 1, 4096);
	z = tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, 12288);
	tu_zone_present(&tm, 0, z, 4096, 6000);
	tu_zone_present(&tm, 0, z, 7000, 12288);
	tu_zone_reserved(&tm, 0, z, 8200, 8300);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 12288, 77724);
	return tu_create_default(&tm.m, PZ_PROFILE_LINUX_4_1, 0);
}

/* The reference of one pageblock of zone zi, page by page. */
static void reference(pz_t *pz, const struct pz_zone_info *zi, uint64_t s,
		      struct pz_pageblock_info *ref)
{
	uint64_t nr = 1ull << pz_pageblock_order(pz), end = zi->start_pfn + zi->spanned;
	uint64_t lo = s < zi->start_pfn ? zi->start_pfn : s, hi = s + nr < end ? s + nr : end;

	memset(ref, 0, sizeof(*ref));
	ref->start_pfn = s;
	ref->mt = (enum pz_migratetype)pz_pageblock_migratetype(pz, lo);
	for (uint64_t pfn = lo; pfn < hi; pfn++) {
		enum pz_page_state st = pz_pfn_state(pz, pfn);

		if (st == PZ_PAGE_STATE_INVALID || st == PZ_PAGE_STATE_RESERVED)
			continue;
		ref->managed++;
		ref->free += st == PZ_PAGE_STATE_FREE;
		ref->pcp += st == PZ_PAGE_STATE_PCP;
	}
}

/* Every zone: the walk equals the reference, whole and one block at a
 * time; the sums equal the zone's counters. Returns the blocks seen. */
static unsigned check_all(pz_t *pz)
{
	struct pz_pageblock_info pb[NBLOCKS_MAX], one, ref;
	unsigned seen = 0;

	for (int t = 0; t < PZ_NR_ZONE_TYPES; t++) {
		struct pz_zone_info zi;
		uint64_t free = 0, pcp = 0, managed = 0, zfree = 0;
		int64_t n;

		if (pz_zone_info(pz, 0, (enum pz_zone_type)t, &zi))
			continue;
		n = pz_zone_pageblocks(pz, 0, (enum pz_zone_type)t, 0, pb, NBLOCKS_MAX);
		assert_true(n > 0 && n <= NBLOCKS_MAX);
		assert_int_equal(pz_zone_pageblocks(pz, 0, (enum pz_zone_type)t, 0, NULL, 0), n);
		for (int64_t i = 0; i < n; i++) {
			reference(pz, &zi, pb[i].start_pfn, &ref);
			assert_int_equal(pb[i].start_pfn, ref.start_pfn);
			assert_int_equal(pb[i].mt, ref.mt);
			assert_int_equal(pb[i].managed, ref.managed);
			assert_int_equal(pb[i].free, ref.free);
			assert_int_equal(pb[i].pcp, ref.pcp);
			assert_int_equal(pz_zone_pageblocks(pz, 0, (enum pz_zone_type)t,
							    (uint64_t)i, &one, 1),
					 n);
			assert_memory_equal(&one, &pb[i], sizeof(one));
			free += pb[i].free;
			pcp += pb[i].pcp;
			managed += pb[i].managed;
		}
		for (unsigned o = 0; o < pz_max_order(pz); o++)
			zfree += zi.nr_free[o] << o;
		assert_int_equal(free, zfree);
		assert_int_equal(pcp, zi.pcp_pages);
		pcp_seen += pcp;
		assert_int_equal(managed, zi.managed);
		assert_true(pb[0].start_pfn <= zi.start_pfn);
		assert_true(pb[n - 1].start_pfn + (1u << pz_pageblock_order(pz)) >=
			    zi.start_pfn + zi.spanned);
		seen += (unsigned)n;
	}
	return seen;
}

static void test_fresh_instance(void **state)
{
	(void)state;
	pz_t *pz = create();
	struct pz_pageblock_info pb[2];

	/* DMA: [0, 512) .. [3584, 4096); DMA32 16 blocks; Normal 128 blocks */
	assert_int_equal(check_all(pz), 8 + 16 + 128);
	/* an order-10 free block covers Normal's blocks 0 and 1: block 1 alone
	 * is found free through its head in block 0 */
	assert_int_equal(pz_zone_pageblocks(pz, 0, PZ_ZONE_NORMAL, 1, pb, 1), 128);
	assert_int_equal(pb[0].start_pfn, 12288 + 512);
	assert_int_equal(pb[0].free, 512);
	assert_int_equal(pb[0].managed, 512);
	/* the hole [6000, 7000) and the reserved pages are not managed */
	assert_int_equal(pz_zone_pageblocks(pz, 0, PZ_ZONE_DMA32, 3, pb, 2), 16);
	assert_int_equal(pb[0].start_pfn, 4096 + 3 * 512);
	assert_int_equal(pb[0].managed, 6000 - 5632);
	assert_int_equal(pb[1].managed, 0);
	tu_destroy(pz);
}

static void test_after_random_mix(void **state)
{
	(void)state;
	pz_t *pz = create();
	static const pz_gfp_t gfps[] = {PZ_GFP_KERNEL, PZ_GFP_HIGHUSER_MOVABLE,
					PZ_GFP_KERNEL | PZ__GFP_RECLAIMABLE, PZ_GFP_DMA};
	struct {
		pz_page_t *p;
		unsigned order;
	} live[600];
	unsigned n = 0;
	uint64_t seed = tu_env_ul("PZ_TEST_SEED", 7) | 1;

	pcp_seen = 0;

	for (int step = 0; step < 3000; step++) {
		tu_cpu = (unsigned)(tu_rand(&seed) % 2);
		if (n < 600 && tu_rand(&seed) % 3) {
			unsigned order = (unsigned)(tu_rand(&seed) % 4 ? 0 : tu_rand(&seed) % 10);
			pz_page_t *p = pz_alloc_pages(pz, gfps[tu_rand(&seed) % 4] | PZ__GFP_NOWARN,
						      order);

			if (p) {
				live[n].p = p;
				live[n++].order = order;
			}
		} else if (n) {
			unsigned i = (unsigned)(tu_rand(&seed) % n);

			pz_free_pages(pz, live[i].p, live[i].order);
			live[i] = live[--n];
		}
		if (step % 500 == 499)
			check_all(pz);
	}
	check_all(pz);
	assert_true(pcp_seen > 0); /* per-CPU pages were counted */
	while (n--)
		pz_free_pages(pz, live[n].p, live[n].order);
	tu_validate(pz);
	tu_destroy(pz);
}

static void test_errors(void **state)
{
	(void)state;
	pz_t *pz = create();
	struct pz_pageblock_info pb;

	assert_int_equal(pz_zone_pageblocks(pz, 0, PZ_ZONE_NORMAL, 0, NULL, 1), -PZ_EINVAL);
	assert_int_equal(pz_zone_pageblocks(NULL, 0, PZ_ZONE_NORMAL, 0, &pb, 1), -PZ_EINVAL);
	assert_int_equal(pz_zone_pageblocks(pz, 0, PZ_ZONE_MOVABLE, 0, &pb, 1), -PZ_ENODEV);
	assert_int_equal(pz_zone_pageblocks(pz, 1, PZ_ZONE_NORMAL, 0, &pb, 1), -PZ_ENODEV);
	assert_int_equal(pz_zone_pageblocks(pz, -1, PZ_ZONE_NORMAL, 0, &pb, 1), -PZ_ENODEV);
	assert_int_equal(pz_zone_pageblocks(pz, 0, (enum pz_zone_type)99, 0, &pb, 1), -PZ_ENODEV);
	/* past the end: the count, nothing written */
	memset(&pb, 0xa5, sizeof(pb));
	assert_int_equal(pz_zone_pageblocks(pz, 0, PZ_ZONE_NORMAL, 128, &pb, 1), 128);
	assert_int_equal(pb.start_pfn, 0xa5a5a5a5a5a5a5a5ull);
	tu_destroy(pz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_instance),
		cmocka_unit_test(test_after_random_mix),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
