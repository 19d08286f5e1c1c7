/*
 * test_api.c - black-box tests of the public API: version and accessors,
 * misuse of the allocation calls (each refused, counted, logged, leaving
 * the allocator valid), reference counts and split_page, the direct-map
 * helpers, pfmemalloc pages and traces (spec sections 3, 5.1, 5.10, 9).
 * Configuration is in test_init, frees and bad pages in test_free,
 * counters and reports in test_stats.
 *
 * Black-box: only <pagezone.h> and the test helpers.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GFP_RESERVE (PZ_GFP_KERNEL | PZ__GFP_MEMALLOC)
#define MAXO	    11
#define BIGBUF	    (32u << 20)

static struct tu_machine tm;

/* ---------------------------------------------------------------------- */
/* Basics                                                                  */

static void test_version_and_strerror(void **state)
{
	(void)state;
	assert_int_equal(pz_version(), PZ_VERSION);
	assert_int_equal(PZ_VERSION,
			 PZ_VERSION_MAJOR * 10000 + PZ_VERSION_MINOR * 100 + PZ_VERSION_PATCH);
	const int codes[] = {PZ_EINVAL, PZ_ENOMEM, PZ_ERANGE, PZ_EFAULT, PZ_ENODEV, PZ_ENOSPC};
	for (unsigned i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const char *a = pz_strerror(codes[i]), *b = pz_strerror(-codes[i]);
		assert_non_null(a);
		assert_non_null(b);
		assert_true(strlen(a) > 0);
		assert_string_equal(a, b);
		for (unsigned j = 0; j < i; j++)
			assert_true(strcmp(a, pz_strerror(codes[j])) != 0);
	}
}

/* Every profile round-trips through its name; modern is linux-6.1; an unknown
 * name or value is refused and leaves the output alone; each profile is
 * accepted at init and reported back. */
static void test_profile_names(void **state)
{
	(void)state;
	enum pz_profile p = PZ_PROFILE_LINUX_4_1;

	for (unsigned i = 0; i < PZ_NR_PROFILES; i++) {
		const char *name = pz_profile_name((enum pz_profile)i);
		assert_non_null(name);
		assert_int_equal(pz_profile_from_name(name, &p), 0);
		assert_int_equal(p, i);
		tu_machine_simple(&tm, 4096, 8192, 2);
		pz_t *pz = tu_create_machine(&tm.m, (enum pz_profile)i);
		assert_non_null(pz);
		assert_int_equal(pz_profile(pz), i);
		tu_destroy(pz);
	}
	assert_string_equal(pz_profile_name(PZ_PROFILE_LINUX_4_4), "linux-4.4");
	assert_int_equal(pz_profile_from_name("modern", &p), 0);
	assert_int_equal(p, PZ_PROFILE_LINUX_6_1);
	assert_string_equal(pz_profile_name(PZ_PROFILE_MODERN), "linux-6.1");
	p = PZ_PROFILE_LINUX_4_4;
	assert_int_equal(pz_profile_from_name("linux-4.2", &p), -PZ_EINVAL);
	assert_int_equal(pz_profile_from_name("linux-4.1 ", &p), -PZ_EINVAL);
	assert_int_equal(pz_profile_from_name("", &p), -PZ_EINVAL);
	assert_int_equal(pz_profile_from_name(NULL, &p), -PZ_EINVAL);
	assert_int_equal(pz_profile_from_name("linux-4.1", NULL), -PZ_EINVAL);
	assert_int_equal(p, PZ_PROFILE_LINUX_4_4);
	assert_null(pz_profile_name((enum pz_profile)PZ_NR_PROFILES));
	assert_null(pz_profile_name((enum pz_profile) - 1));
}

static void test_accessors(void **state)
{
	(void)state;
	tu_machine_simple(&tm, 4096, 8192, 3);
	pz_t *pz = tu_create_machine(&tm.m, PZ_PROFILE_MODERN);
	assert_non_null(pz);
	assert_int_equal(pz_page_size(pz), 4096);
	assert_int_equal(pz_max_order(pz), 11);
	assert_int_equal(pz_pageblock_order(pz), 9);
	assert_int_equal(pz_profile(pz), PZ_PROFILE_MODERN);
	assert_int_equal(pz_nr_nodes(pz), 1);
	assert_int_equal(pz_nr_cpus(pz), 3);
	tu_destroy(pz);

	tu_normal_machine(&tm, 4096);
	tm.m.max_order = 8;
	tm.m.pageblock_order = 5;
	pz = tu_normal_create(&tm);
	assert_int_equal(pz_max_order(pz), 8);
	assert_int_equal(pz_pageblock_order(pz), 5);
	assert_int_equal(pz_profile(pz), PZ_PROFILE_LINUX_4_1);
	/* orders 0..7: order 7 works, 8 is refused */
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 7);
	assert_non_null(p);
	assert_int_equal(pz_page_to_pfn(pz, p) % 128, 0);
	assert_int_equal(pz_free_pages(pz, p, 7), 0);
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL, 8));
	/* 4096 pages in order-7 blocks: 32 */
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).nr_free[7], 32);
	tu_validate(pz);
	tu_destroy(pz);
}

/* ---------------------------------------------------------------------- */
/* Allocation misuse                                                       */

static void test_alloc_bad_order(void **state)
{
	(void)state;
	tu_normal_machine(&tm, 8192);
	pz_t *pz = tu_normal_create(&tm);
	struct pz_errors e0 = tu_errors(pz);
	tu_log_reset();
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL, 11));
	assert_true(tu_log.count > 0);
	struct pz_errors e1 = tu_errors(pz);
	assert_int_equal(e1.bad_order, e0.bad_order + 1);
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL, 12));
	assert_null(pz_alloc_pages_node(pz, 0, PZ_GFP_KERNEL, 20));
	assert_null(pz_alloc_pages_nodemask(pz, PZ_GFP_KERNEL, 64, 0, NULL));
	assert_int_equal(tu_errors(pz).bad_order, e0.bad_order + 4);
	/* __GFP_NOWARN: refused and counted, not reported */
	tu_log_reset();
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_NOWARN, 11));
	assert_int_equal(tu_log.count, 0);
	assert_int_equal(tu_errors(pz).bad_order, e0.bad_order + 5);
	/* nothing was taken */
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_FREE_PAGES], 8192);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_PGALLOC], 0);
	tu_validate(pz);
	tu_destroy(pz);
}

static void test_alloc_bad_gfp(void **state)
{
	(void)state;
	tu_machine_simple(&tm, 4096, 8192, 1);
	pz_t *pz = tu_normal_create(&tm);
	struct pz_errors e0 = tu_errors(pz);
	tu_log_reset();
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ_GFP_DMA | PZ__GFP_HIGHMEM, 0));
	assert_true(tu_log.count > 0);
	assert_int_equal(tu_errors(pz).bad_gfp, e0.bad_gfp + 1);
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ_GFP_DMA | PZ_GFP_DMA32, 2));
	assert_null(pz_alloc_pages_node(pz, 0, PZ__GFP_HIGHMEM | PZ_GFP_DMA32, 0));
	assert_null(pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE | PZ_GFP_DMA, 0)); /* 0xb */
	assert_int_equal(tu_errors(pz).bad_gfp, e0.bad_gfp + 4);
	assert_int_equal(tu_free_pages(pz), 4095 + 4096 + 8192);
	tu_validate(pz);
	tu_destroy(pz);
}

/* ---------------------------------------------------------------------- */
/* References and split_page                                               */

static void test_refcounts(void **state)
{
	(void)state;
	tu_normal_machine(&tm, 8192);
	pz_t *pz = tu_normal_create(&tm);
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_non_null(p);
	uint64_t pfn = pz_page_to_pfn(pz, p);
	assert_int_equal(pz_page_refcount(pz, p), 1);
	assert_int_equal(pz_page_get(pz, p), 0);
	assert_int_equal(pz_page_refcount(pz, p), 2);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	assert_int_equal(pz_page_refcount(pz, p), 1);
	assert_int_equal(pz_pfn_state(pz, pfn), PZ_PAGE_STATE_ALLOCATED);
	tu_validate(pz);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	assert_int_equal(pz_page_refcount(pz, p), 0);
	assert_int_equal(pz_pfn_state(pz, pfn), PZ_PAGE_STATE_PCP);
	/* get_page on a free page is refused */
	assert_int_equal(pz_page_get(pz, p), -PZ_EFAULT);
	assert_int_equal(pz_page_refcount(pz, p), 0);
	tu_validate(pz);

	/* an order-3 block with an extra reference survives one free */
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_COMP, 3);
	assert_non_null(p);
	pfn = pz_page_to_pfn(pz, p);
	assert_int_equal(pz_page_get(pz, p), 0);
	assert_int_equal(pz_free_pages(pz, p, 3), 0);
	for (uint64_t i = 0; i < 8; i++)
		assert_int_equal(pz_pfn_state(pz, pfn + i), PZ_PAGE_STATE_ALLOCATED);
	assert_int_equal(pz_free_pages(pz, p, 3), 0);
	for (uint64_t i = 0; i < 8; i++)
		assert_int_equal(pz_pfn_state(pz, pfn + i), PZ_PAGE_STATE_FREE);
	tu_validate(pz);

	/* the owner word is the user's and is cleared at allocation */
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_int_equal(pz_page_owner(p), 0);
	pz_page_set_owner(p, (uintptr_t)0xabcdef);
	assert_int_equal(pz_page_owner(p), 0xabcdef);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	pz_page_t *q = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_ptr_equal(q, p); /* hot free, hot allocation: the same page */
	assert_int_equal(pz_page_owner(q), 0);
	assert_int_equal(pz_free_pages(pz, q, 0), 0);
	pz_drain_all_pages(pz);
	assert_int_equal(tu_free_pages(pz), 8192);
	tu_destroy(pz);
}

static void test_split_page(void **state)
{
	(void)state;
	tu_normal_machine(&tm, 8192);
	pz_t *pz = tu_normal_create(&tm);
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 3);
	assert_non_null(p);
	uint64_t pfn = pz_page_to_pfn(pz, p);
	assert_int_equal(pz_split_page(pz, p, 2), -PZ_EINVAL); /* order mismatch */
	assert_int_equal(pz_page_get(pz, p), 0);
	assert_int_equal(pz_split_page(pz, p, 3), -PZ_EFAULT); /* two references */
	assert_int_equal(pz_free_pages(pz, p, 3), 0);
	assert_int_equal(pz_split_page(pz, p, 3), 0);
	tu_validate(pz);
	for (uint64_t i = 0; i < 8; i++) {
		pz_page_t *q = pz_pfn_to_page(pz, pfn + i);
		assert_int_equal(pz_page_refcount(pz, q), 1);
		assert_int_equal(pz_pfn_state(pz, pfn + i), PZ_PAGE_STATE_ALLOCATED);
	}
	/* each piece is an order-0 page now: free them one by one, out of order */
	const int seq[8] = {5, 0, 7, 2, 1, 6, 3, 4};
	for (int i = 0; i < 8; i++) {
		pz_page_t *q = pz_pfn_to_page(pz, pfn + (uint64_t)seq[i]);
		assert_int_equal(pz_free_pages(pz, q, 0), 0);
		assert_true(pz_pfn_state(pz, pfn + (uint64_t)seq[i]) != PZ_PAGE_STATE_ALLOCATED);
		tu_validate(pz);
	}
	pz_drain_all_pages(pz);
	assert_int_equal(tu_free_pages(pz), 8192);
	/* fresh 8192-page zone at an aligned start: eight order-10 blocks again */
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).nr_free[10], 8);

	/* compound pages and free pages cannot be split */
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_COMP, 2);
	assert_int_equal(pz_split_page(pz, p, 2), -PZ_EFAULT);
	assert_int_equal(pz_free_pages(pz, p, 2), 0);
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_int_equal(pz_free_pages(pz, p, 0), 0); /* on the per-CPU list */
	assert_int_equal(pz_split_page(pz, p, 0), -PZ_EFAULT);
	tu_validate(pz);
	tu_destroy(pz);
}

/* ---------------------------------------------------------------------- */
/* Direct map                                                              */

/* DMA [1, 4096) + Normal [4096, 8192): the direct map covers pfns 1..8191. */
#define DM_PFN0	 1
#define DM_PAGES 8191

static unsigned char *dmap;

static pz_t *create_direct_map(void)
{
	struct pz_config cfg;
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA, 1, 4096);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 8192);
	tu_normal_config(&cfg, &tm, 0);
	dmap = malloc((size_t)DM_PAGES * 4096);
	assert_non_null(dmap);
	memset(dmap, 0xa5, (size_t)DM_PAGES * 4096);
	cfg.direct_map = dmap;
	cfg.direct_map_pfn = DM_PFN0;
	return tu_create_ok(&cfg);
}

static void destroy_direct_map(pz_t *pz)
{
	tu_destroy(pz);
	free(dmap);
	dmap = NULL;
}

static int all_bytes(const unsigned char *p, size_t n, unsigned char v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static void test_direct_map_addresses(void **state)
{
	(void)state;
	pz_t *pz = create_direct_map();
	void *a = pz_get_free_pages(pz, PZ_GFP_KERNEL, 2);
	assert_non_null(a);
	pz_page_t *p = pz_virt_to_page(pz, a);
	assert_non_null(p);
	uint64_t pfn = pz_page_to_pfn(pz, p);
	assert_ptr_equal(a, dmap + (pfn - DM_PFN0) * 4096);
	assert_ptr_equal(pz_page_address(pz, p), a);
	/* an address inside the block maps to its own page */
	assert_ptr_equal(pz_virt_to_page(pz, (unsigned char *)a + 4096 + 17),
			 pz_pfn_to_page(pz, pfn + 1));
	assert_int_equal(pz_free_pages_addr(pz, a, 2), 0);
	tu_validate(pz);

	/* highmem requests have no permanent address: refused */
	assert_null(pz_get_free_pages(pz, PZ_GFP_HIGHUSER, 0));
	assert_null(pz_get_free_pages(pz, PZ_GFP_KERNEL | PZ__GFP_HIGHMEM, 0));
	/* a DMA request through the address API */
	a = pz_get_free_pages(pz, PZ_GFP_KERNEL | PZ_GFP_DMA, 0);
	assert_non_null(a);
	assert_true((unsigned char *)a < dmap + 4095 * 4096);
	assert_int_equal(pz_page_zonenum(pz, pz_virt_to_page(pz, a)), PZ_ZONE_DMA);
	assert_int_equal(pz_free_pages_addr(pz, a, 0), 0);
	tu_validate(pz);
	destroy_direct_map(pz);
}

static void test_zeroed_pages(void **state)
{
	(void)state;
	pz_t *pz = create_direct_map();
	/* the whole map was filled with 0xa5 before init */
	void *a = pz_get_free_pages(pz, PZ_GFP_KERNEL, 0);
	assert_non_null(a);
	memset(a, 0x5a, 4096);
	assert_int_equal(pz_free_pages_addr(pz, a, 0), 0);
	/* hot free then hot allocation: the same page, now zeroed */
	void *z = pz_get_zeroed_page(pz, PZ_GFP_KERNEL);
	assert_ptr_equal(z, a);
	assert_true(all_bytes(z, 4096, 0));
	assert_int_equal(pz_free_pages_addr(pz, z, 0), 0);

	/* __GFP_ZERO zeroes every page of a block */
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_ZERO, 3);
	assert_non_null(p);
	assert_true(all_bytes(pz_page_address(pz, p), 8 * 4096, 0));
	memset(pz_page_address(pz, p), 0x77, 8 * 4096);
	assert_int_equal(pz_free_pages(pz, p, 3), 0);
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_ZERO | PZ__GFP_COMP, 3);
	assert_true(all_bytes(pz_page_address(pz, p), 8 * 4096, 0));
	assert_int_equal(pz_free_pages(pz, p, 3), 0);
	tu_validate(pz);
	destroy_direct_map(pz);
}

/* alloc_pages_exact(5 pages - 100 bytes): order 3, the 3 pages past the
 * 5 are freed back one by one. */
static void test_alloc_pages_exact(void **state)
{
	(void)state;
	pz_t *pz = create_direct_map();
	size_t size = 5 * 4096 - 100;
	unsigned char *a = pz_alloc_pages_exact(pz, size, PZ_GFP_KERNEL);
	assert_non_null(a);
	pz_page_t *p = pz_virt_to_page(pz, a);
	uint64_t pfn = pz_page_to_pfn(pz, p);
	assert_int_equal(pfn % 8, 0);
	for (uint64_t i = 0; i < 5; i++) {
		assert_int_equal(pz_pfn_state(pz, pfn + i), PZ_PAGE_STATE_ALLOCATED);
		assert_int_equal(pz_page_refcount(pz, pz_pfn_to_page(pz, pfn + i)), 1);
	}
	for (uint64_t i = 5; i < 8; i++)
		assert_true(pz_pfn_state(pz, pfn + i) != PZ_PAGE_STATE_ALLOCATED);
	memset(a, 1, size);
	tu_validate(pz);
	assert_int_equal(pz_free_pages_exact(pz, a, size), 0);
	for (uint64_t i = 0; i < 8; i++)
		assert_true(pz_pfn_state(pz, pfn + i) != PZ_PAGE_STATE_ALLOCATED);
	tu_validate(pz);
	pz_drain_all_pages(pz);
	assert_int_equal(tu_free_pages(pz), 4095 + 4096);

	/* refused: size 0, __GFP_COMP, highmem */
	assert_null(pz_alloc_pages_exact(pz, 0, PZ_GFP_KERNEL));
	assert_null(pz_alloc_pages_exact(pz, 4096, PZ_GFP_KERNEL | PZ__GFP_COMP));
	assert_null(pz_alloc_pages_exact(pz, 4096, PZ_GFP_HIGHUSER));
	/* exactly one page */
	a = pz_alloc_pages_exact(pz, 4096, PZ_GFP_KERNEL);
	assert_non_null(a);
	assert_int_equal(pz_free_pages_exact(pz, a, 4096), 0);
	tu_validate(pz);
	destroy_direct_map(pz);
}

static void test_no_direct_map(void **state)
{
	(void)state;
	tu_normal_machine(&tm, 8192);
	pz_t *pz = tu_normal_create(&tm);
	assert_null(pz_get_free_pages(pz, PZ_GFP_KERNEL, 0));
	assert_null(pz_get_zeroed_page(pz, PZ_GFP_KERNEL));
	assert_null(pz_alloc_pages_exact(pz, 4096, PZ_GFP_KERNEL));
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_non_null(p);
	assert_null(pz_page_address(pz, p));
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	pz_drain_all_pages(pz);
	assert_int_equal(tu_free_pages(pz), 8192);
	tu_validate(pz);
	tu_destroy(pz);
}

/* Pages handed out under ALLOC_NO_WATERMARKS are marked pfmemalloc. */
static void test_pfmemalloc(void **state)
{
	(void)state;
	tu_normal_machine(&tm, 8192);
	pz_t *pz = tu_normal_create(&tm);
	pz_page_t *first = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_non_null(first);
	assert_false(pz_page_is_pfmemalloc(pz, first));
	/* MEMALLOC on a zone above its marks: the fast path serves it */
	pz_page_t *easy = pz_alloc_pages(pz, GFP_RESERVE, 0);
	assert_false(pz_page_is_pfmemalloc(pz, easy));
	/* order 1 bypasses the per-CPU lists: fill down to the min mark */
	int n = 0;
	while (pz_alloc_pages(pz, PZ_GFP_KERNEL, 1))
		n++;
	assert_true(n > 1000);
	pz_page_t *deep = pz_alloc_pages(pz, GFP_RESERVE, 1);
	assert_non_null(deep);
	assert_true(pz_page_is_pfmemalloc(pz, deep));
	/* NOMEMALLOC overrides MEMALLOC */
	assert_null(pz_alloc_pages(pz, GFP_RESERVE | PZ__GFP_NOMEMALLOC, 1));
	tu_validate(pz);
	tu_destroy(pz);
}
/* ---------------------------------------------------------------------- */
/* Traces                                                                  */

static void test_trace_free_events(void **state)
{
	(void)state;
	struct pz_config cfg;
	tu_normal_machine(&tm, 32768);
	tu_normal_config(&cfg, &tm, 1);
	pz_t *pz = tu_create_ok(&cfg);
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 2);
	uint64_t pfn = pz_page_to_pfn(pz, p);
	tu_trace_reset();
	assert_int_equal(pz_free_pages(pz, p, 2), 0);
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_FREE], 1);
	assert_int_equal(tu_trace.last[PZ_TRACE_PAGE_FREE].pfn, (int64_t)pfn);
	assert_int_equal(tu_trace.last[PZ_TRACE_PAGE_FREE].order, 2);

	/* free_hot_cold_page_list: one mm_page_free_batched per page */
	pz_page_t *pages[5];
	for (int i = 0; i < 5; i++) {
		pages[i] = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
		assert_non_null(pages[i]);
	}
	tu_trace_reset();
	assert_int_equal(pz_free_page_list(pz, pages, 5, 1), 0);
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_FREE_BATCHED], 5);
	assert_int_equal(tu_trace.last[PZ_TRACE_PAGE_FREE_BATCHED].cold, 1);
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_FREE], 5);

	/* drain: one mm_page_pcpu_drain per page going back */
	unsigned pcp = (unsigned)tu_pcp_pages(pz);
	assert_true(pcp >= 5);
	tu_trace_reset();
	pz_drain_all_pages(pz);
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_PCPU_DRAIN], pcp);
	assert_int_equal(tu_trace.last[PZ_TRACE_PAGE_PCPU_DRAIN].order, 0);
	tu_validate(pz);
	tu_destroy(pz);
}

static void test_trace_alloc_failure_event(void **state)
{
	(void)state;
	struct pz_config cfg;
	tu_normal_machine(&tm, 4096);
	tu_normal_config(&cfg, &tm, 1);
	pz_t *pz = tu_create_ok(&cfg);
	/* take all four order-10 blocks, then ask for a fifth */
	for (int i = 0; i < 4; i++)
		assert_non_null(pz_alloc_pages(pz, GFP_RESERVE, 10));
	tu_trace_reset();
	assert_null(pz_alloc_pages(pz, PZ_GFP_ATOMIC | PZ__GFP_NOWARN, 10));
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC], 1);
	assert_int_equal(tu_trace.last[PZ_TRACE_PAGE_ALLOC].pfn, -1);
	assert_int_equal(tu_trace.last[PZ_TRACE_PAGE_ALLOC].order, 10);
	tu_validate(pz);
	tu_destroy(pz);
}

static void test_trace_format(void **state)
{
	(void)state;
	struct pz_trace_event ev;
	char buf[512];
	memset(&ev, 0, sizeof(ev));
	ev.kind = PZ_TRACE_PAGE_ALLOC;
	ev.pfn = 4096;
	ev.order = 0;
	ev.gfp_flags = PZ_GFP_KERNEL;
	ev.migratetype = PZ_MT_UNMOVABLE;
	size_t n = pz_trace_format(PZ_PROFILE_LINUX_4_1, &ev, buf, sizeof(buf));
	assert_int_equal(n, strlen(buf));
	assert_int_equal(strncmp(buf, "mm_page_alloc: page=", 20), 0);
	assert_non_null(strstr(buf, " pfn=4096 order=0 migratetype=0 gfp_flags=GFP_KERNEL"));
	/* migratetype in the profile's kernel numbering: MOVABLE is 2 in 4.1,
	 * 1 in 4.4 */
	ev.migratetype = PZ_MT_MOVABLE;
	ev.gfp_flags = PZ_GFP_HIGHUSER_MOVABLE;
	pz_trace_format(PZ_PROFILE_LINUX_4_1, &ev, buf, sizeof(buf));
	assert_non_null(strstr(buf, " migratetype=2 gfp_flags=GFP_HIGHUSER_MOVABLE"));
	pz_trace_format(PZ_PROFILE_MODERN, &ev, buf, sizeof(buf));
	assert_non_null(strstr(buf, " migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE"));
	/* snprintf-like when short */
	size_t full = pz_trace_format(PZ_PROFILE_MODERN, &ev, buf, sizeof(buf));
	char small[10];
	assert_int_equal(pz_trace_format(PZ_PROFILE_MODERN, &ev, small, sizeof(small)), full);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_int_equal(strncmp(small, buf, sizeof(small) - 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_and_strerror),
		cmocka_unit_test(test_profile_names),
		cmocka_unit_test(test_accessors),
		cmocka_unit_test(test_alloc_bad_order),
		cmocka_unit_test(test_alloc_bad_gfp),
		cmocka_unit_test(test_refcounts),
		cmocka_unit_test(test_split_page),
		cmocka_unit_test(test_direct_map_addresses),
		cmocka_unit_test(test_zeroed_pages),
		cmocka_unit_test(test_alloc_pages_exact),
		cmocka_unit_test(test_no_direct_map),
		cmocka_unit_test(test_pfmemalloc),
		cmocka_unit_test(test_trace_free_events),
		cmocka_unit_test(test_trace_alloc_failure_event),
		cmocka_unit_test(test_trace_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
