/*
 * test_api.c - black-box tests of the public API: configuration errors,
 * misuse of the allocation and free calls (each refused, counted, logged,
 * leaving the allocator valid), reference counts and split_page, the
 * direct-map helpers, bad pages, counters, traces and the report formats
 * (spec sections 3, 5.1, 5.10, 6.1, 6.2, 8.3, 9).
 *
 * Black-box: only <pagezone.h> and the test helpers.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GFP_RESERVE (PZ_GFP_KERNEL | PZ_GFP_MEMALLOC)
#define MAXO	    11
#define BIGBUF	    (32u << 20)

static struct tu_machine tm;

static void cfg_init(struct pz_config *cfg, const struct tu_machine *m, int trace)
{
	tu_config(cfg, &m->m, PZ_PROFILE_LINUX_4_1, trace);
}

static pz_t *create(const struct tu_machine *m)
{
	return tu_create_default(&m->m, PZ_PROFILE_LINUX_4_1, 0);
}

/* One Normal zone [8192, 8192 + pages). */
static void normal_machine(uint64_t pages)
{
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 8192 + pages);
}

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

	normal_machine(4096);
	tm.m.max_order = 8;
	tm.m.pageblock_order = 5;
	pz = create(&tm);
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
/* Configuration errors                                                    */

static void *bigmem;

static int setup_bigmem(void **state)
{
	(void)state;
	bigmem = aligned_alloc(64, BIGBUF);
	return bigmem ? 0 : -1;
}

static int teardown_bigmem(void **state)
{
	(void)state;
	free(bigmem);
	bigmem = NULL;
	return 0;
}

/* A refused configuration: both entry points say -PZ_EINVAL and log why. */
static void expect_refused(const struct pz_config *cfg, const char *what)
{
	size_t size = 0;
	pz_t *pz = NULL;
	tu_log_reset();
	int r = pz_metadata_size(cfg, &size);
	if (r != -PZ_EINVAL)
		fail_msg("%s: pz_metadata_size returned %d, want -PZ_EINVAL", what, r);
	if (tu_log.count == 0)
		fail_msg("%s: pz_metadata_size logged nothing", what);
	tu_log_reset();
	r = pz_init(cfg, bigmem, BIGBUF, &pz);
	if (r != -PZ_EINVAL)
		fail_msg("%s: pz_init returned %d, want -PZ_EINVAL", what, r);
	if (tu_log.count == 0)
		fail_msg("%s: pz_init logged nothing", what);
}

static void test_config_null_and_empty(void **state)
{
	(void)state;
	size_t size = 0;
	pz_t *pz = NULL;
	assert_int_equal(pz_metadata_size(NULL, &size), -PZ_EINVAL);
	assert_int_equal(pz_init(NULL, bigmem, BIGBUF, &pz), -PZ_EINVAL);

	struct pz_config cfg;
	normal_machine(4096);
	cfg_init(&cfg, &tm, 0);
	tm.m.nr_nodes = 0;
	expect_refused(&cfg, "0 nodes");

	normal_machine(4096);
	tm.m.nr_cpus = 0;
	expect_refused(&cfg, "0 cpus");
	tm.m.nr_cpus = PZ_MAX_CPUS + 1;
	expect_refused(&cfg, "too many cpus");

	normal_machine(4096);
	static const uint8_t bad_cpu_node[1] = {1};
	tm.m.cpu_node = bad_cpu_node;
	expect_refused(&cfg, "cpu on a node that does not exist");

	/* a zone that ends before it starts */
	normal_machine(4096);
	tm.zones[0][0].end_pfn = tm.zones[0][0].start_pfn - 1;
	expect_refused(&cfg, "zone end below its start");
}

/* No machine: refused, and the reason goes to the config's log sink. */
static void test_config_no_machine(void **state)
{
	(void)state;
	struct pz_config cfg;
	normal_machine(4096);
	cfg_init(&cfg, &tm, 0);
	cfg.machine = NULL;
	expect_refused(&cfg, "no machine");
}

static void test_config_zone_errors(void **state)
{
	(void)state;
	struct pz_config cfg;
	cfg_init(&cfg, &tm, 0);

	/* types out of order inside a node */
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 16384);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, 8192);
	expect_refused(&cfg, "zones out of order");

	/* the same type twice */
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 8192);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 16384);
	expect_refused(&cfg, "zone type twice");

	/* overlapping zones in a node */
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, 10000);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 16384);
	expect_refused(&cfg, "overlapping zones");

	/* overlapping zones of two nodes */
	tu_machine_init(&tm, 2, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 16384);
	tu_add_zone(&tm, 1, PZ_ZONE_NORMAL, 12288, 20480);
	expect_refused(&cfg, "overlapping nodes");

	/* pageblock_order >= max_order, max_order too large */
	normal_machine(4096);
	tm.m.max_order = 11;
	tm.m.pageblock_order = 11;
	expect_refused(&cfg, "pageblock_order == max_order");
	tm.m.pageblock_order = 12;
	expect_refused(&cfg, "pageblock_order > max_order");
	tm.m.max_order = PZ_MAX_ORDER_LIMIT + 1;
	tm.m.pageblock_order = 9;
	expect_refused(&cfg, "max_order above the limit");

	/* overlapping present ranges; present outside the span */
	normal_machine(4096);
	struct pz_zone_desc *z = &tm.zones[0][0];
	tu_zone_present(&tm, 0, z, 8192, 9000);
	tu_zone_present(&tm, 0, z, 8900, 12288);
	expect_refused(&cfg, "overlapping present ranges");
	normal_machine(4096);
	z = &tm.zones[0][0];
	tu_zone_present(&tm, 0, z, 8192, 13000);
	expect_refused(&cfg, "present range outside the span");

	/* reserved outside present memory (in a hole) */
	normal_machine(4096);
	z = &tm.zones[0][0];
	tu_zone_present(&tm, 0, z, 8192, 10000);
	tu_zone_present(&tm, 0, z, 10100, 12288);
	tu_zone_reserved(&tm, 0, z, 10000, 10050);
	expect_refused(&cfg, "reserved range in a hole");
	normal_machine(4096);
	z = &tm.zones[0][0];
	tu_zone_reserved(&tm, 0, z, 12000, 12400);
	expect_refused(&cfg, "reserved range past the zone");

	/* CMA not aligned to a max-order block (1024 pages) */
	normal_machine(4096);
	z = &tm.zones[0][0];
	tu_zone_cma(&tm, 0, z, 8200, 9224);
	expect_refused(&cfg, "unaligned CMA start");
	normal_machine(4096);
	z = &tm.zones[0][0];
	tu_zone_cma(&tm, 0, z, 9216, 9800);
	expect_refused(&cfg, "unaligned CMA end");
	normal_machine(4096);
	z = &tm.zones[0][0];
	tu_zone_cma(&tm, 0, z, 8704, 9216); /* pageblock-aligned only */
	expect_refused(&cfg, "CMA aligned to a pageblock only");
	/* CMA over reserved pages, over a hole */
	normal_machine(4096);
	z = &tm.zones[0][0];
	tu_zone_reserved(&tm, 0, z, 9300, 9301);
	tu_zone_cma(&tm, 0, z, 9216, 10240);
	expect_refused(&cfg, "CMA over a reserved page");
	normal_machine(4096);
	z = &tm.zones[0][0];
	tu_zone_present(&tm, 0, z, 8192, 9300);
	tu_zone_present(&tm, 0, z, 9400, 12288);
	tu_zone_cma(&tm, 0, z, 9216, 10240);
	expect_refused(&cfg, "CMA over a hole");
}

/*
 * A correct CMA range is accepted: its two pageblocks are labelled CMA and
 * its 1024 free pages count in NR_FREE_CMA_PAGES (spec 5.9: kept alongside
 * NR_FREE_PAGES for the pages freed into CMA blocks).
 */
static void test_config_cma_accepted(void **state)
{
	(void)state;
	struct pz_config cfg;
	cfg_init(&cfg, &tm, 0);
	normal_machine(4096);
	struct pz_zone_desc *z = &tm.zones[0][0];
	tu_zone_cma(&tm, 0, z, 9216, 10240);
	pz_t *pz = NULL;
	size_t size = 0;
	assert_int_equal(pz_metadata_size(&cfg, &size), 0);
	assert_true(size <= BIGBUF);
	assert_int_equal(pz_init(&cfg, bigmem, BIGBUF, &pz), 0);
	assert_non_null(pz);
	struct pz_zone_info zi = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(zi.nr_blocks_mt[PZ_MT_CMA], 2);
	assert_int_equal(zi.stat[PZ_NR_FREE_PAGES], 4096);
	assert_int_equal(zi.stat[PZ_NR_FREE_CMA_PAGES], 1024);
	/* the whole CMA block sits on the CMA free list */
	assert_int_equal(zi.nr_free_mt[10][PZ_MT_CMA], 1);
	tu_validate(pz);
	assert_int_equal(pz_destroy(pz), 0);
}

/* Node numbers need not follow pfn order (node 1 below node 0 is a real
 * layout); overlapping node spans are refused. */
static void test_config_nodes_any_pfn_order(void **state)
{
	(void)state;
	struct pz_config cfg;
	tu_machine_init(&tm, 2, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 65536, 65536 + 8192);
	tu_add_zone(&tm, 1, PZ_ZONE_NORMAL, 8192, 8192 + 8192);
	cfg_init(&cfg, &tm, 0);
	pz_t *pz = tu_create(&cfg);
	assert_non_null(pz);
	tu_validate(pz);
	pz_page_t *p = pz_alloc_pages_node(pz, 1, PZ_GFP_KERNEL | PZ_GFP_THISNODE, 0);
	assert_non_null(p);
	assert_int_equal(pz_page_to_nid(pz, p), 1);
	assert_true(pz_page_to_pfn(pz, p) >= 8192 && pz_page_to_pfn(pz, p) < 16384);
	/* pfns between the nodes are not pages */
	assert_null(pz_pfn_to_page(pz, 30000));
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	tu_destroy(pz);

	tm.zones[1][0].end_pfn = 65536 + 1; /* now node 1 reaches into node 0 */
	expect_refused(&cfg, "overlapping nodes");
}

static void test_config_small_buffer(void **state)
{
	(void)state;
	struct pz_config cfg;
	normal_machine(4096);
	cfg_init(&cfg, &tm, 0);
	size_t size = 0;
	assert_int_equal(pz_metadata_size(&cfg, &size), 0);
	/* at least one 32-byte descriptor per pfn of the covered range */
	assert_true(size >= 4096 * 32);
	pz_t *pz = NULL;
	tu_log_reset();
	assert_int_equal(pz_init(&cfg, bigmem, size - 1, &pz), -PZ_ENOMEM);
	assert_true(tu_log.count > 0);
	tu_log_reset();
	assert_int_equal(pz_init(&cfg, bigmem, size / 2, &pz), -PZ_ENOMEM);
	assert_true(tu_log.count > 0);
	assert_int_equal(pz_init(&cfg, bigmem, size, &pz), 0);
	tu_validate(pz);
	assert_int_equal(pz_destroy(pz), 0);
	/* a dead instance: destroy again is refused, allocation fails */
	assert_int_equal(pz_destroy(pz), -PZ_EINVAL);
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL, 0));
	assert_int_equal(pz_destroy(NULL), -PZ_EINVAL);
}

/* ---------------------------------------------------------------------- */
/* Allocation misuse                                                       */

static void test_alloc_bad_order(void **state)
{
	(void)state;
	normal_machine(8192);
	pz_t *pz = create(&tm);
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
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ_GFP_NOWARN, 11));
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
	pz_t *pz = create(&tm);
	struct pz_errors e0 = tu_errors(pz);
	tu_log_reset();
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ_GFP_DMA | PZ_GFP_HIGHMEM, 0));
	assert_true(tu_log.count > 0);
	assert_int_equal(tu_errors(pz).bad_gfp, e0.bad_gfp + 1);
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ_GFP_DMA | PZ_GFP_DMA32, 2));
	assert_null(pz_alloc_pages_node(pz, 0, PZ_GFP_HIGHMEM | PZ_GFP_DMA32, 0));
	assert_null(pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE | PZ_GFP_DMA, 0)); /* 0xb */
	assert_int_equal(tu_errors(pz).bad_gfp, e0.bad_gfp + 4);
	assert_int_equal(tu_free_pages(pz), 4095 + 4096 + 8192);
	tu_validate(pz);
	tu_destroy(pz);
}

/* ---------------------------------------------------------------------- */
/* Free misuse                                                             */

static void test_double_free(void **state)
{
	(void)state;
	normal_machine(8192);
	pz_t *pz = create(&tm);
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_non_null(p);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	struct pz_errors e0 = tu_errors(pz);
	tu_log_reset();
	assert_int_equal(pz_free_pages(pz, p, 0), -PZ_EFAULT);
	assert_true(tu_log.count > 0);
	assert_int_equal(tu_errors(pz).double_free, e0.double_free + 1);
	tu_validate(pz);
	/* the page is still on the per-CPU list, once */
	assert_int_equal(pz_pfn_state(pz, pz_page_to_pfn(pz, p)), PZ_PAGE_STATE_PCP);
	pz_drain_all_pages(pz);
	assert_int_equal(tu_free_pages(pz), 8192);

	/* order 2, freed twice */
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 2);
	assert_non_null(p);
	assert_int_equal(pz_free_pages(pz, p, 2), 0);
	assert_int_equal(pz_free_pages(pz, p, 2), -PZ_EFAULT);
	assert_int_equal(tu_errors(pz).double_free, e0.double_free + 2);
	tu_validate(pz);

	/* a page that was never allocated */
	pz_page_t *never = pz_pfn_to_page(pz, 8192 + 5000);
	assert_non_null(never);
	assert_int_equal(pz_pfn_state(pz, 8192 + 5000), PZ_PAGE_STATE_FREE);
	assert_int_equal(pz_free_pages(pz, never, 0), -PZ_EFAULT);
	assert_int_equal(tu_errors(pz).double_free, e0.double_free + 3);
	tu_validate(pz);
	pz_drain_all_pages(pz);
	assert_int_equal(tu_free_pages(pz), 8192);
	tu_destroy(pz);
}

static void test_free_wrong_order_and_tail(void **state)
{
	(void)state;
	normal_machine(8192);
	pz_t *pz = create(&tm);
	struct pz_errors e0 = tu_errors(pz);

	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 2);
	assert_non_null(p);
	uint64_t pfn = pz_page_to_pfn(pz, p);
	tu_log_reset();
	assert_int_equal(pz_free_pages(pz, p, 1), -PZ_EFAULT);
	assert_true(tu_log.count > 0);
	assert_int_equal(pz_free_pages(pz, p, 3), -PZ_EFAULT);
	assert_int_equal(tu_errors(pz).wrong_order, e0.wrong_order + 2);
	for (uint64_t i = 0; i < 4; i++)
		assert_int_equal(pz_pfn_state(pz, pfn + i), PZ_PAGE_STATE_ALLOCATED);
	assert_int_equal(pz_page_refcount(pz, p), 1);
	tu_validate(pz);
	assert_int_equal(pz_free_pages(pz, p, 2), 0);
	tu_validate(pz);

	/* compound: tail frees are refused, the head frees the whole */
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ_GFP_COMP, 2);
	assert_non_null(p);
	pfn = pz_page_to_pfn(pz, p);
	assert_int_equal(pz_compound_order(pz, p), 2);
	pz_page_t *tail = pz_pfn_to_page(pz, pfn + 3);
	assert_ptr_equal(pz_compound_head(pz, tail), p);
	assert_int_equal(pz_page_refcount(pz, tail), 0);
	tu_log_reset();
	assert_int_equal(pz_free_pages(pz, tail, 0), -PZ_EFAULT);
	assert_true(tu_log.count > 0);
	assert_int_equal(tu_errors(pz).tail_free, e0.tail_free + 1);
	assert_int_equal(pz_free_pages(pz, p, 1), -PZ_EFAULT);
	assert_int_equal(tu_errors(pz).wrong_order, e0.wrong_order + 3);
	tu_validate(pz);
	assert_int_equal(pz_free_pages(pz, p, 2), 0);
	tu_validate(pz);
	for (uint64_t i = 0; i < 4; i++)
		assert_true(pz_pfn_state(pz, pfn + i) != PZ_PAGE_STATE_ALLOCATED);
	tu_destroy(pz);
}

static void test_free_outside_map(void **state)
{
	(void)state;
	normal_machine(8192);
	pz_t *pz = create(&tm);
	struct pz_errors e0 = tu_errors(pz);
	uint64_t junk[8] = {0};
	pz_page_t *bogus = (pz_page_t *)(void *)junk;
	tu_log_reset();
	assert_int_equal(pz_free_pages(pz, bogus, 0), -PZ_ERANGE);
	assert_true(tu_log.count > 0);
	assert_int_equal(tu_errors(pz).bad_pfn, e0.bad_pfn + 1);
	assert_int_equal(pz_page_refcount(pz, bogus), -1);
	assert_int_equal(pz_free_pages_addr(pz, NULL, 0), 0);
	/* conversions out of range */
	assert_null(pz_pfn_to_page(pz, 1));
	assert_null(pz_pfn_to_page(pz, 8192 + 8192));
	assert_int_equal(pz_pfn_state(pz, 100), PZ_PAGE_STATE_INVALID);
	assert_int_equal(pz_pfn_state(pz, 1u << 30), PZ_PAGE_STATE_INVALID);
	assert_int_equal(pz_page_to_nid(pz, bogus), -1);
	assert_int_equal(pz_page_zonenum(pz, bogus), -1);
	tu_validate(pz);
	assert_int_equal(tu_free_pages(pz), 8192);
	tu_destroy(pz);
}

/* get_page on a pointer pz does not manage: -PZ_ERANGE, as for frees. */
static void test_get_outside_map(void **state)
{
	(void)state;
	normal_machine(8192);
	pz_t *pz = create(&tm);
	uint64_t junk[8] = {0};
	pz_page_t *bogus = (pz_page_t *)(void *)junk;
	assert_int_equal(pz_page_get(pz, bogus), -PZ_ERANGE);
	tu_validate(pz);
	tu_destroy(pz);
}

/* ---------------------------------------------------------------------- */
/* References and split_page                                               */

static void test_refcounts(void **state)
{
	(void)state;
	normal_machine(8192);
	pz_t *pz = create(&tm);
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
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ_GFP_COMP, 3);
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
	normal_machine(8192);
	pz_t *pz = create(&tm);
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
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ_GFP_COMP, 2);
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
	cfg_init(&cfg, &tm, 0);
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
	assert_null(pz_get_free_pages(pz, PZ_GFP_KERNEL | PZ_GFP_HIGHMEM, 0));
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
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ_GFP_ZERO, 3);
	assert_non_null(p);
	assert_true(all_bytes(pz_page_address(pz, p), 8 * 4096, 0));
	memset(pz_page_address(pz, p), 0x77, 8 * 4096);
	assert_int_equal(pz_free_pages(pz, p, 3), 0);
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ_GFP_ZERO | PZ_GFP_COMP, 3);
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
	assert_null(pz_alloc_pages_exact(pz, 4096, PZ_GFP_KERNEL | PZ_GFP_COMP));
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
	normal_machine(8192);
	pz_t *pz = create(&tm);
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

/* ---------------------------------------------------------------------- */
/* Bad pages                                                               */

static void bad_free(unsigned bits, int mapcount)
{
	normal_machine(8192);
	pz_t *pz = create(&tm);
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_non_null(p);
	uint64_t pfn = pz_page_to_pfn(pz, p);
	struct pz_errors e0 = tu_errors(pz);
	assert_int_equal(pz_page_set_state(pz, p, bits, mapcount), 0);
	tu_log_reset();
	assert_int_equal(pz_free_pages(pz, p, 0), -PZ_EFAULT);
	assert_true(tu_log_contains("Bad page state"));
	struct pz_errors e1 = tu_errors(pz);
	assert_int_equal(e1.bad_page_free, e0.bad_page_free + 1);
	assert_int_equal(e1.leaked_pages, e0.leaked_pages + 1);
	assert_int_equal(pz_pfn_state(pz, pfn), PZ_PAGE_STATE_LEAKED);
	tu_validate(pz);
	/* leaked for good: every other page comes back */
	pz_drain_all_pages(pz);
	assert_int_equal(tu_free_pages(pz), 8192 - 1);
	assert_int_equal(pz_pfn_state(pz, pfn), PZ_PAGE_STATE_LEAKED);
	tu_validate(pz);
	tu_destroy(pz);
}

static void test_bad_page_locked(void **state)
{
	(void)state;
	bad_free(PZ_PAGE_LOCKED, 0);
}

static void test_bad_page_lru_writeback(void **state)
{
	(void)state;
	bad_free(PZ_PAGE_LRU, 0);
	bad_free(PZ_PAGE_WRITEBACK, 0);
}

static void test_bad_page_mapcount(void **state)
{
	(void)state;
	bad_free(0, 1);
}

/*
 * One bad page in an order-2 block: free_pages_check runs on every page of
 * the block and any failure keeps the whole block from being freed (spec
 * 6.2). The bad page here is a hwpoisoned tail of a non-compound block.
 */
static void test_bad_page_in_block(void **state)
{
	(void)state;
	normal_machine(8192);
	pz_t *pz = create(&tm);
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 2);
	uint64_t pfn = pz_page_to_pfn(pz, p);
	assert_int_equal(pz_page_set_state(pz, pz_pfn_to_page(pz, pfn + 2), PZ_PAGE_HWPOISON, 0),
			 0);
	pz_free_pages(pz, p, 2);
	assert_int_equal(pz_pfn_state(pz, pfn + 2), PZ_PAGE_STATE_LEAKED);
	tu_validate(pz);
	pz_drain_all_pages(pz);
	/* none of the four pages came back */
	assert_int_equal(tu_free_pages(pz), 8192 - 4);
	for (uint64_t i = 0; i < 4; i++) {
		enum pz_page_state st = pz_pfn_state(pz, pfn + i);
		assert_true(st != PZ_PAGE_STATE_FREE && st != PZ_PAGE_STATE_PCP);
	}
	tu_validate(pz);
	tu_destroy(pz);
}

/* 4.1 checks hwpoison at free (errata 6): the page is leaked, and quietly:
 * bad_page() only resets a hwpoisoned page's mapcount, no report. */
static void test_hwpoison_page_leaked(void **state)
{
	(void)state;
	normal_machine(8192);
	pz_t *pz = create(&tm);
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	uint64_t pfn = pz_page_to_pfn(pz, p);
	assert_int_equal(pz_page_set_state(pz, p, PZ_PAGE_HWPOISON, 0), 0);
	tu_log_reset();
	pz_free_pages(pz, p, 0);
	assert_false(tu_log_contains("Bad page state"));
	assert_int_equal(pz_pfn_state(pz, pfn), PZ_PAGE_STATE_LEAKED);
	pz_drain_all_pages(pz);
	assert_int_equal(tu_free_pages(pz), 8192 - 1);
	tu_validate(pz);
	tu_destroy(pz);
}

/* PG_dirty is not among the flags checked at free (spec 6.2's list): a
 * dirty page is freed normally, its flags cleared. */
static void test_dirty_page_freed(void **state)
{
	(void)state;
	normal_machine(8192);
	pz_t *pz = create(&tm);
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	uint64_t pfn = pz_page_to_pfn(pz, p);
	struct pz_errors e0 = tu_errors(pz);
	assert_int_equal(pz_page_set_state(pz, p, PZ_PAGE_DIRTY, 0), 0);
	tu_log_reset();
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	assert_false(tu_log_contains("Bad page state"));
	assert_int_equal(tu_errors(pz).bad_page_free, e0.bad_page_free);
	assert_int_equal(pz_pfn_state(pz, pfn), PZ_PAGE_STATE_PCP);
	/* handed out again (hot), it is a clean page: freeing it is fine */
	pz_page_t *q = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_ptr_equal(q, p);
	assert_int_equal(pz_free_pages(pz, q, 0), 0);
	assert_int_equal(tu_errors(pz).bad_page_alloc, e0.bad_page_alloc);
	pz_drain_all_pages(pz);
	assert_int_equal(tu_free_pages(pz), 8192);
	tu_validate(pz);
	tu_destroy(pz);
}

/* ---------------------------------------------------------------------- */
/* Counters                                                                */

/*
 * Normal [8192, 40960) = 32768 pages: zone_batchsize 32 -> 8 ->
 * rounddown(12) - 1 = 7. The first order-0 allocation refills 7 pages:
 * NR_FREE_PAGES drops by 7 (pcp pages are not free pages), 6 wait on the
 * list.
 */
static void test_counters(void **state)
{
	(void)state;
	normal_machine(32768);
	pz_t *pz = create(&tm);
	struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.pcp_batch, 7);
	assert_int_equal(z.stat[PZ_NR_FREE_PAGES], 32768);
	assert_int_equal(z.stat[PZ_PGALLOC], 0);
	/* boot memory enters through the free path: pgfree counts it */
	const int64_t f0 = z.stat[PZ_PGFREE];
	assert_int_equal(f0, 32768);

	pz_page_t *a = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.stat[PZ_NR_FREE_PAGES], 32768 - 7);
	assert_int_equal(z.pcp_pages, 6);
	assert_int_equal(tu_pcp_pages(pz), 6);
	struct pz_pcp_info pcp;
	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, &pcp), 0);
	assert_int_equal(pcp.count, 6);
	assert_int_equal(pcp.count_mt[PZ_MT_UNMOVABLE], 6);
	assert_int_equal(z.stat[PZ_PGALLOC], 1);

	/* PGALLOC counts pages: +8 for order 3, +1024 for order 10 */
	pz_page_t *b = pz_alloc_pages(pz, PZ_GFP_KERNEL, 3);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_PGALLOC], 1 + 8);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_FREE_PAGES], 32768 - 7 - 8);
	pz_page_t *c = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE, 10);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_PGALLOC], 1 + 8 + 1024);

	/* PGFREE counts pages at entry: +1024, +8, +1 */
	assert_int_equal(pz_free_pages(pz, c, 10), 0);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_PGFREE], f0 + 1024);
	assert_int_equal(pz_free_pages(pz, b, 3), 0);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_PGFREE], f0 + 1024 + 8);
	assert_int_equal(pz_free_pages(pz, a, 0), 0);
	z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.stat[PZ_PGFREE], f0 + 1024 + 8 + 1);
	/* the order-0 page went to the per-CPU list, not the free count */
	assert_int_equal(z.stat[PZ_NR_FREE_PAGES], 32768 - 7);
	assert_int_equal(z.pcp_pages, 7);
	pz_drain_all_pages(pz);
	z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.stat[PZ_NR_FREE_PAGES], 32768);
	assert_int_equal(z.pcp_pages, 0);
	/* draining is not freeing */
	assert_int_equal(z.stat[PZ_PGFREE], f0 + 1024 + 8 + 1);
	tu_validate(pz);

	/* bad inputs to the info calls */
	assert_int_equal(pz_zone_info(pz, 1, PZ_ZONE_NORMAL, &z), -PZ_ENODEV);
	assert_int_equal(pz_zone_info(pz, -1, PZ_ZONE_NORMAL, &z), -PZ_ENODEV);
	assert_true(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 1, &pcp) < 0);
	assert_int_equal(pz_drain_cpu_pages(pz, 1), -PZ_EINVAL);
	tu_destroy(pz);
}

/*
 * The list snapshots: the free lists add up to the free count, a per-CPU
 * refill shows up on the pcp list in physical order, max bounds what is
 * written, and every bad argument is refused with its errno.
 */
static void test_list_snapshots(void **state)
{
	(void)state;
	struct tu_machine m;
	tu_machine_init(&m, 1, 1);
	tu_add_zone(&m, 0, PZ_ZONE_NORMAL, 4096, 4096 + 32768);
	pz_t *pz = create(&m);
	uint64_t out[64], sum = 0;
	for (unsigned o = 0; o < pz_max_order(pz); o++)
		for (int mt = 0; mt < PZ_MT_TYPES; mt++) {
			int64_t n = pz_free_list_pfns(pz, 0, PZ_ZONE_NORMAL, o,
						      (enum pz_migratetype)mt, NULL, 0);
			assert_true(n >= 0);
			sum += (uint64_t)n << o;
		}
	assert_int_equal(sum, 32768);
	/* 32 order-10 blocks: max bounds the copy, the length is still told */
	struct pz_zone_info zi;
	assert_int_equal(pz_zone_info(pz, 0, PZ_ZONE_NORMAL, &zi), 0);
	assert_true(zi.nr_free_mt[10][PZ_MT_MOVABLE] > 2);
	out[2] = 777;
	assert_int_equal(pz_free_list_pfns(pz, 0, PZ_ZONE_NORMAL, 10, PZ_MT_MOVABLE, out, 2),
			 (int64_t)zi.nr_free_mt[10][PZ_MT_MOVABLE]);
	assert_int_equal(out[2], 777);
	assert_int_equal(out[0] % 1024, 0);
	/* an order-0 allocation refills the per-CPU list with batch pages,
	 * in expand()'s physical order after the one handed out */
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_non_null(p);
	struct pz_pcp_info pcp;
	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, &pcp), 0);
	int64_t n = pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, 0, PZ_MT_UNMOVABLE, out, 64);
	assert_int_equal(n, pcp.batch - 1);
	for (int64_t i = 0; i < n; i++)
		assert_int_equal(out[i], pz_page_to_pfn(pz, p) + 1 + (uint64_t)i);
	assert_int_equal(pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, 0, PZ_MT_MOVABLE, out, 64), 0);
	assert_int_equal(pz_pageblock_migratetype(pz, pz_page_to_pfn(pz, p)), PZ_MT_UNMOVABLE);
	assert_int_equal(pz_pageblock_migratetype(pz, 4096 + 4096), PZ_MT_MOVABLE);

	/* errors */
	assert_int_equal(pz_free_list_pfns(NULL, 0, PZ_ZONE_NORMAL, 0, PZ_MT_MOVABLE, out, 64),
			 -PZ_EINVAL);
	assert_int_equal(
		pz_free_list_pfns(pz, 0, PZ_ZONE_NORMAL, pz_max_order(pz), PZ_MT_MOVABLE, out, 64),
		-PZ_EINVAL);
	assert_int_equal(pz_free_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, PZ_MT_TYPES, out, 64),
			 -PZ_EINVAL);
	assert_int_equal(pz_free_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, PZ_MT_MOVABLE, NULL, 1),
			 -PZ_EINVAL);
	assert_int_equal(pz_free_list_pfns(pz, 0, PZ_ZONE_DMA, 0, PZ_MT_MOVABLE, out, 64),
			 -PZ_ENODEV);
	assert_int_equal(pz_free_list_pfns(pz, 1, PZ_ZONE_NORMAL, 0, PZ_MT_MOVABLE, out, 64),
			 -PZ_ENODEV);
	assert_int_equal(pz_pcp_list_pfns(NULL, 0, PZ_ZONE_NORMAL, 0, 0, PZ_MT_MOVABLE, out, 64),
			 -PZ_EINVAL);
	assert_int_equal(pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, 0, PZ_MT_RESERVE, out, 64),
			 -PZ_EINVAL);
	assert_int_equal(pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, 0, PZ_MT_MOVABLE, NULL, 1),
			 -PZ_EINVAL);
	assert_int_equal(pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 1, 0, PZ_MT_MOVABLE, out, 64),
			 -PZ_ENODEV);
	assert_int_equal(pz_pcp_list_pfns(pz, 0, PZ_ZONE_DMA32, 0, 0, PZ_MT_MOVABLE, out, 64),
			 -PZ_ENODEV);
	/* linux-4.1 has per-CPU lists for order 0 only */
	for (unsigned o = 1; o <= pz_max_order(pz); o++)
		assert_int_equal(
			pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, o, PZ_MT_MOVABLE, out, 64),
			-PZ_EINVAL);
	assert_int_equal(pz_pageblock_migratetype(NULL, 4096), -PZ_EINVAL);
	assert_int_equal(pz_pageblock_migratetype(pz, 100), -PZ_ERANGE);
	assert_int_equal(pz_pageblock_migratetype(pz, 1ull << 40), -PZ_ERANGE);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	tu_destroy(pz);

	/* modern (PZ_FEAT_PCP_HIGH_ORDER): orders 1-3 and the pageblock order
	 * have lists too; an order-2 refill shows up on its own list only */
	struct pz_config cfg;
	cfg_init(&cfg, &m, 0);
	cfg.profile = PZ_PROFILE_MODERN;
	pz = tu_create_ok(&cfg);
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 2);
	assert_non_null(p);
	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, &pcp), 0);
	assert_true(pcp.count >= 4);
	n = pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, 2, PZ_MT_UNMOVABLE, out, 64);
	assert_int_equal(n << 2, pcp.count);
	for (int64_t i = 0; i < n; i++)
		assert_int_equal(out[i], pz_page_to_pfn(pz, p) + 4 * (1 + (uint64_t)i));
	for (unsigned o = 0; o < pz_max_order(pz); o++) {
		bool has = o <= 3 || o == pz_pageblock_order(pz);
		int64_t want = !has ? -PZ_EINVAL : o == 2 ? n : 0;

		assert_int_equal(
			pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, o, PZ_MT_UNMOVABLE, NULL, 0),
			want);
		assert_int_equal(
			pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, o, PZ_MT_MOVABLE, out, 64),
			has ? 0 : -PZ_EINVAL);
	}
	assert_int_equal(pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, pz_max_order(pz), PZ_MT_MOVABLE,
					  out, 64),
			 -PZ_EINVAL);
	assert_int_equal(pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, 2, PZ_MT_RESERVE, out, 64),
			 -PZ_EINVAL);
	assert_int_equal(pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 1, 2, PZ_MT_MOVABLE, out, 64),
			 -PZ_ENODEV);
	assert_int_equal(pz_free_pages(pz, p, 2), 0);
	assert_int_equal(pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, 2, PZ_MT_UNMOVABLE, out, 64),
			 n + 1);
	assert_int_equal(out[0], pz_page_to_pfn(pz, p));
	tu_destroy(pz);
}

/* Pages handed out under ALLOC_NO_WATERMARKS are marked pfmemalloc. */
static void test_pfmemalloc(void **state)
{
	(void)state;
	normal_machine(8192);
	pz_t *pz = create(&tm);
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
	assert_null(pz_alloc_pages(pz, GFP_RESERVE | PZ_GFP_NOMEMALLOC, 1));
	tu_validate(pz);
	tu_destroy(pz);
}

/* ---------------------------------------------------------------------- */
/* Traces                                                                  */

static void test_trace_free_events(void **state)
{
	(void)state;
	struct pz_config cfg;
	normal_machine(32768);
	cfg_init(&cfg, &tm, 1);
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
	normal_machine(4096);
	cfg_init(&cfg, &tm, 1);
	pz_t *pz = tu_create_ok(&cfg);
	/* take all four order-10 blocks, then ask for a fifth */
	for (int i = 0; i < 4; i++)
		assert_non_null(pz_alloc_pages(pz, GFP_RESERVE, 10));
	tu_trace_reset();
	assert_null(pz_alloc_pages(pz, PZ_GFP_ATOMIC_MASK | PZ_GFP_NOWARN, 10));
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

/* ---------------------------------------------------------------------- */
/* Reports                                                                 */

typedef size_t (*report_fn)(pz_t *, char *, size_t);

static char *report(pz_t *pz, report_fn fn)
{
	char probe[1];
	size_t n = fn(pz, probe, sizeof(probe));
	char *buf = malloc(n + 1);
	assert_non_null(buf);
	memset(buf, 'X', n + 1);
	assert_int_equal(fn(pz, buf, n + 1), n);
	assert_int_equal(strlen(buf), n);
	return buf;
}

/* Exactly the kernel's frag_show_print: "Node %d, zone %8s " then "%6lu "
 * per order, then a newline; one line per populated zone. */
static void test_report_buddyinfo(void **state)
{
	(void)state;
	tu_machine_simple(&tm, 4096, 8192, 1);
	pz_t *pz = create(&tm);
	/* make the counts less regular */
	assert_non_null(pz_alloc_pages(pz, PZ_GFP_KERNEL, 3));
	assert_non_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ_GFP_DMA, 1));
	char *text = report(pz, pz_report_buddyinfo);

	char want[4096];
	size_t off = 0;
	const enum pz_zone_type types[] = {PZ_ZONE_DMA, PZ_ZONE_DMA32, PZ_ZONE_NORMAL};
	for (int i = 0; i < 3; i++) {
		struct pz_zone_info z = tu_zinfo(pz, 0, types[i]);
		off += (size_t)snprintf(want + off, sizeof(want) - off, "Node %d, zone %8s ", 0,
					pz_zone_type_name(types[i]));
		for (int o = 0; o < MAXO; o++)
			off += (size_t)snprintf(want + off, sizeof(want) - off, "%6lu ",
						(unsigned long)z.nr_free[o]);
		off += (size_t)snprintf(want + off, sizeof(want) - off, "\n");
	}
	assert_string_equal(text, want);
	assert_int_equal(strncmp(text, "Node 0, zone      DMA", 21), 0);
	assert_non_null(strstr(text, "\nNode 0, zone    DMA32 "));
	assert_non_null(strstr(text, "\nNode 0, zone   Normal "));

	/* parse it back as a tool would */
	const char *line = strstr(text, "Node 0, zone   Normal");
	int nid = -1;
	char name[16];
	unsigned long v[MAXO];
	int got = sscanf(line, "Node %d, zone %15s %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu",
			 &nid, name, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8],
			 &v[9], &v[10]);
	assert_int_equal(got, 13);
	assert_int_equal(nid, 0);
	assert_string_equal(name, "Normal");
	struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	for (int o = 0; o < MAXO; o++)
		assert_int_equal(v[o], z.nr_free[o]);
	free(text);
	tu_destroy(pz);
}

/* Only populated zones are listed: a machine with Normal only. */
static void test_report_buddyinfo_two_nodes(void **state)
{
	(void)state;
	tu_machine_init(&tm, 2, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 16384);
	tu_add_zone(&tm, 1, PZ_ZONE_NORMAL, 16384, 24576);
	pz_t *pz = create(&tm);
	char *text = report(pz, pz_report_buddyinfo);
	/* 8192 aligned pages: eight order-10 blocks each */
	const char *want = "Node 0, zone   Normal      0      0      0      0      0      0 "
			   "     0      0      0      0      8 \n"
			   "Node 1, zone   Normal      0      0      0      0      0      0 "
			   "     0      0      0      0      8 \n";
	assert_string_equal(text, want);
	free(text);
	tu_destroy(pz);
}

static void test_report_pagetypeinfo(void **state)
{
	(void)state;
	tu_machine_simple(&tm, 4096, 8192, 1);
	pz_t *pz = create(&tm);
	char *text = report(pz, pz_report_pagetypeinfo);
	const char *hdr = "Page block order: 9\nPages per block:  512\n";
	assert_int_equal(strncmp(text, hdr, strlen(hdr)), 0);
	/* free lists by type: the 4.1 names */
	assert_non_null(strstr(text, "Node    0, zone   Normal, type      Movable "));
	assert_non_null(strstr(text, "Node    0, zone   Normal, type  Reclaimable "));
	assert_non_null(strstr(text, "Node    0, zone   Normal, type      Reserve "));
	assert_null(strstr(text, "HighAtomic"));
	free(text);
	tu_destroy(pz);

	normal_machine(4096);
	tm.m.max_order = 8;
	tm.m.pageblock_order = 5;
	pz = tu_create_machine(&tm.m, PZ_PROFILE_MODERN);
	assert_non_null(pz);
	text = report(pz, pz_report_pagetypeinfo);
	hdr = "Page block order: 5\nPages per block:  32\n";
	assert_int_equal(strncmp(text, hdr, strlen(hdr)), 0);
	assert_non_null(strstr(text, "Node    0, zone   Normal, type   HighAtomic "));
	assert_null(strstr(text, "Reserve"));
	free(text);
	tu_destroy(pz);
}

static void test_report_zoneinfo_and_vmstat(void **state)
{
	(void)state;
	tu_machine_simple(&tm, 4096, 8192, 1);
	pz_t *pz = create(&tm);
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 2);
	assert_non_null(p);
	char *text = report(pz, pz_report_zoneinfo);
	const enum pz_zone_type types[] = {PZ_ZONE_DMA, PZ_ZONE_DMA32, PZ_ZONE_NORMAL};
	for (int i = 0; i < 3; i++) {
		struct pz_zone_info z = tu_zinfo(pz, 0, types[i]);
		char want[512];
		snprintf(want, sizeof(want),
			 "Node 0, zone %8s\n  pages free     %lu\n        min      %lu\n"
			 "        low      %lu\n        high     %lu\n",
			 pz_zone_type_name(types[i]), (unsigned long)z.stat[PZ_NR_FREE_PAGES],
			 (unsigned long)z.wmark_min, (unsigned long)z.wmark_low,
			 (unsigned long)z.wmark_high);
		if (!strstr(text, want))
			fail_msg("zoneinfo lacks:\n%s", want);
		/* one entry per zone type the machine configures: DMA, DMA32,
		 * Normal and Movable (no HighMem, as on a 64-bit kernel) */
		snprintf(want, sizeof(want), "\n        protection: (%lu, %lu, %lu, %lu)\n",
			 (unsigned long)z.lowmem_reserve[0], (unsigned long)z.lowmem_reserve[1],
			 (unsigned long)z.lowmem_reserve[2], (unsigned long)z.lowmem_reserve[4]);
		if (!strstr(text, want))
			fail_msg("zoneinfo lacks: %s", want);
	}
	free(text);

	text = report(pz, pz_report_vmstat);
	char want[128];
	snprintf(want, sizeof(want), "nr_free_pages %lu\n", (unsigned long)tu_free_pages(pz));
	assert_true(strncmp(text, want, strlen(want)) == 0 || strstr(text, want) != NULL);
	snprintf(want, sizeof(want), "\npgalloc_normal %lu\n",
		 (unsigned long)tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_PGALLOC]);
	assert_non_null(strstr(text, want));
	assert_non_null(strstr(text, "\npgalloc_dma 0\n"));
	free(text);
	assert_int_equal(pz_free_pages(pz, p, 2), 0);
	tu_destroy(pz);
}

/* Every report: cut output, NUL-terminated, full length returned. */
static void test_report_short_buffers(void **state)
{
	(void)state;
	tu_machine_simple(&tm, 4096, 8192, 1);
	pz_t *pz = create(&tm);
	report_fn fns[] = {pz_report_buddyinfo, pz_report_pagetypeinfo,	 pz_report_zoneinfo,
			   pz_report_vmstat,	pz_report_extfrag_index, pz_report_unusable_index};
	for (unsigned i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		char *full = report(pz, fns[i]);
		size_t n = strlen(full);
		assert_true(n > 8);
		char small[8];
		memset(small, 'X', sizeof(small));
		assert_int_equal(fns[i](pz, small, sizeof(small)), n);
		assert_int_equal(small[7], '\0');
		assert_int_equal(strncmp(small, full, 7), 0);
		char one[2] = {'X', 'X'};
		assert_int_equal(fns[i](pz, one, 1), n);
		assert_int_equal(one[0], '\0');
		assert_int_equal(one[1], 'X');
		free(full);
	}
	tu_destroy(pz);
}

/*
 * Fragmentation index (spec 8.3). One Normal zone [4096, 12288): all 8192
 * pages allocated, every even pfn freed: 4096 free blocks of order 0,
 * free_pages 4096.
 *   order 0: a suitable block exists -> -1000; unusable (4096 - 4096) / 4096 = 0
 *   order o >= 1: no suitable block -> 1000 - (1000 + 4096 * 1000 / 2^o) / 4096
 *     o1: 1000 - (1000 + 2048000) / 4096 = 1000 - 500 = 500
 *     o2: 1000 - 1025000 / 4096 = 1000 - 250 = 750
 *     o3: 1000 - 513000 / 4096 = 1000 - 125 = 875
 *     o4: 1000 - 257000 / 4096 = 1000 - 62 = 938
 *     o5: 1000 - 129000 / 4096 = 1000 - 31 = 969
 *     o6: 1000 - 65000 / 4096 = 1000 - 15 = 985
 *     o7: 1000 - 33000 / 4096 = 1000 - 8 = 992
 *     o8: 1000 - 17000 / 4096 = 1000 - 4 = 996
 *     o9: 1000 - 9000 / 4096 = 1000 - 2 = 998
 *     o10: 1000 - 5000 / 4096 = 1000 - 1 = 999
 *     unusable: (4096 - 0) / 4096 = 1000
 */
static void test_fragmentation_index(void **state)
{
	(void)state;
	struct pz_config cfg;
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 12288);
	cfg_init(&cfg, &tm, 0);
	pz_t *pz = tu_create_ok(&cfg);
	int ext = 7, unus = 7;
	/* fresh: order-10 blocks everywhere */
	for (unsigned o = 0; o < MAXO; o++) {
		assert_int_equal(pz_fragmentation_index(pz, 0, PZ_ZONE_NORMAL, o, &ext, &unus), 0);
		assert_int_equal(ext, -1000);
		assert_int_equal(unus, 0);
	}
	assert_int_equal(pz_fragmentation_index(pz, 0, PZ_ZONE_NORMAL, 11, &ext, &unus),
			 -PZ_EINVAL);
	assert_int_equal(pz_fragmentation_index(pz, 2, PZ_ZONE_NORMAL, 0, &ext, &unus), -PZ_ENODEV);

	static pz_page_t *pages[8192];
	for (int i = 0; i < 8192; i++) {
		pz_page_t *p = pz_alloc_pages(pz, GFP_RESERVE, 0);
		assert_non_null(p);
		pages[pz_page_to_pfn(pz, p) - 4096] = p;
	}
	pz_drain_all_pages(pz);
	/* no free memory: the extfrag index is 0 */
	assert_int_equal(pz_fragmentation_index(pz, 0, PZ_ZONE_NORMAL, 3, &ext, &unus), 0);
	assert_int_equal(ext, 0);
	for (int i = 0; i < 8192; i += 2)
		assert_int_equal(pz_free_pages(pz, pages[i], 0), 0);
	pz_drain_all_pages(pz);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).nr_free[0], 4096);

	const int want_ext[MAXO] = {-1000, 500, 750, 875, 938, 969, 985, 992, 996, 998, 999};
	for (unsigned o = 0; o < MAXO; o++) {
		assert_int_equal(pz_fragmentation_index(pz, 0, PZ_ZONE_NORMAL, o, &ext, &unus), 0);
		if (ext != want_ext[o])
			fail_msg("order %u: extfrag %d, want %d", o, ext, want_ext[o]);
		assert_int_equal(unus, o == 0 ? 0 : 1000);
	}

	char *text = report(pz, pz_report_extfrag_index);
	assert_string_equal(text, "Node 0, zone   Normal -1.000 0.500 0.750 0.875 0.938 0.969 "
				  "0.985 0.992 0.996 0.998 0.999 \n");
	free(text);
	text = report(pz, pz_report_unusable_index);
	assert_string_equal(text, "Node 0, zone   Normal 0.000 1.000 1.000 1.000 1.000 1.000 "
				  "1.000 1.000 1.000 1.000 1.000 \n");
	free(text);

	for (int i = 1; i < 8192; i += 2)
		assert_int_equal(pz_free_pages(pz, pages[i], 0), 0);
	pz_drain_all_pages(pz);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).nr_free[10], 8);
	tu_validate(pz);
	tu_destroy(pz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_and_strerror),
		cmocka_unit_test(test_accessors),
		cmocka_unit_test(test_config_null_and_empty),
		cmocka_unit_test(test_config_no_machine),
		cmocka_unit_test(test_config_zone_errors),
		cmocka_unit_test(test_config_cma_accepted),
		cmocka_unit_test(test_config_nodes_any_pfn_order),
		cmocka_unit_test(test_config_small_buffer),
		cmocka_unit_test(test_alloc_bad_order),
		cmocka_unit_test(test_alloc_bad_gfp),
		cmocka_unit_test(test_double_free),
		cmocka_unit_test(test_free_wrong_order_and_tail),
		cmocka_unit_test(test_free_outside_map),
		cmocka_unit_test(test_get_outside_map),
		cmocka_unit_test(test_refcounts),
		cmocka_unit_test(test_split_page),
		cmocka_unit_test(test_direct_map_addresses),
		cmocka_unit_test(test_zeroed_pages),
		cmocka_unit_test(test_alloc_pages_exact),
		cmocka_unit_test(test_no_direct_map),
		cmocka_unit_test(test_bad_page_locked),
		cmocka_unit_test(test_bad_page_lru_writeback),
		cmocka_unit_test(test_bad_page_mapcount),
		cmocka_unit_test(test_bad_page_in_block),
		cmocka_unit_test(test_hwpoison_page_leaked),
		cmocka_unit_test(test_dirty_page_freed),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_pfmemalloc),
		cmocka_unit_test(test_trace_free_events),
		cmocka_unit_test(test_trace_alloc_failure_event),
		cmocka_unit_test(test_trace_format),
		cmocka_unit_test(test_report_buddyinfo),
		cmocka_unit_test(test_report_buddyinfo_two_nodes),
		cmocka_unit_test(test_report_pagetypeinfo),
		cmocka_unit_test(test_report_zoneinfo_and_vmstat),
		cmocka_unit_test(test_report_short_buffers),
		cmocka_unit_test(test_fragmentation_index),
		cmocka_unit_test(test_list_snapshots),
	};
	return cmocka_run_group_tests(tests, setup_bigmem, teardown_bigmem);
}
