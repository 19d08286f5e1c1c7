/*
 * test_init.c - building an instance (init.c): every configuration
 * pz_metadata_size and pz_init refuse, with -PZ_EINVAL and a log line
 * naming the problem, the buffer and pointer checks of pz_init, what is
 * accepted (CMA areas, nodes in any pfn order, the smallest buffer), and
 * the layout an accepted machine gets: zone spans, present and managed
 * pages, node and zone of a pfn, page size, max and pageblock orders
 * (spec sections 1, 2.1, 4.1).
 *
 * Black-box: only <pagezone.h> and the test helpers.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIGBUF (32u << 20)

static struct tu_machine tm;

static void cfg_init(struct pz_config *cfg, const struct tu_machine *m, int trace)
{
	tu_config(cfg, &m->m, PZ_PROFILE_LINUX_4_1, trace);
}

/* One Normal zone [8192, 8192 + pages). */
static void normal_machine(uint64_t pages)
{
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 8192 + pages);
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
	pz_page_t *p = pz_alloc_pages_node(pz, 1, PZ_GFP_KERNEL | PZ__GFP_THISNODE, 0);
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

/* ---- init ------------------------------------------------------------------ */

static int refused_msg(const struct pz_config *cfg, const char *needle)
{
	size_t size = 0;
	int rc;

	tu_log_reset();
	rc = pz_metadata_size(cfg, &size);
	if (rc && !tu_log_contains(needle))
		fail_msg("refused with %d, but the log lacks \"%s\":\n%s", rc, needle, tu_log.all);
	return rc;
}

static void base(struct pz_config *cfg, struct pz_platform *plat)
{
	tu_machine_init(&tm, 1, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 8192);
	memset(cfg, 0, sizeof(*cfg));
	*plat = tu_platform(0);
	cfg->machine = &tm.m;
	cfg->platform = plat;
}

static void test_init_refusals(void **state)
{
	(void)state;
	struct pz_config cfg;
	struct pz_platform plat;
	struct pz_range empty = {5000, 5000};
	uint8_t dist[4] = {10, 10, 20, 10}, cpu_node[2] = {0, 5};
	struct pz_zone_desc six[6];

	base(&cfg, &plat);
	tm.zones[0][0].nr_present = 1; /* no array */
	assert_int_equal(refused_msg(&cfg, "init refused: node 0: 1 present ranges but no array"),
			 -PZ_EINVAL);
	base(&cfg, &plat);
	tm.zones[0][0].present = &empty;
	tm.zones[0][0].nr_present = 1;
	assert_int_equal(refused_msg(&cfg, "empty present range [5000, 5000)"), -PZ_EINVAL);
	base(&cfg, &plat);
	tm.zones[0][0].type = (enum pz_zone_type)7;
	assert_int_equal(refused_msg(&cfg, "node 0: bad zone type 7"), -PZ_EINVAL);
	base(&cfg, &plat);
	tm.zones[0][0].start_pfn = (1ull << 52) - 4096;
	tm.zones[0][0].end_pfn = (1ull << 52) + 1;
	assert_int_equal(refused_msg(&cfg, "beyond a 64-bit physical address space"), -PZ_EINVAL);
	base(&cfg, &plat);
	tm.m.page_shift = 11;
	assert_int_equal(refused_msg(&cfg, "page_shift 11 outside 12..18"), -PZ_EINVAL);
	base(&cfg, &plat);
	memset(six, 0, sizeof(six));
	tm.nodes[0].zones = six;
	tm.nodes[0].nr_zones = 6;
	assert_int_equal(refused_msg(&cfg, "node 0: 6 zones (at most 5, one per type)"),
			 -PZ_EINVAL);
	base(&cfg, &plat);
	tm.nodes[0].zones = NULL;
	assert_int_equal(refused_msg(&cfg, "node 0: zones is NULL with nr_zones 1"), -PZ_EINVAL);
	base(&cfg, &plat);
	tm.nodes[0].nr_zones = 0;
	assert_int_equal(refused_msg(&cfg, "the machine has no zones"), -PZ_EINVAL);
	/* two nodes: a remote distance not above the local one, a CPU on no node */
	base(&cfg, &plat);
	tu_machine_init(&tm, 2, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 8192);
	tu_add_zone(&tm, 1, PZ_ZONE_NORMAL, 8192, 12288);
	tm.m.distance = dist;
	assert_int_equal(refused_msg(&cfg, "distance[0][1] = 10 must be above the local distance"),
			 -PZ_EINVAL);
	tm.m.distance = NULL;
	tm.m.cpu_node = cpu_node;
	assert_int_equal(refused_msg(&cfg, "cpu 1 is on node 5, but there are 2 nodes"),
			 -PZ_EINVAL);
	/* more page frames than 32-bit descriptor links reach */
	base(&cfg, &plat);
	tm.zones[0][0].start_pfn = 0;
	tm.zones[0][0].end_pfn = 1ull << 32;
	assert_int_equal(refused_msg(&cfg, "page frames: at most 4294967294 are supported"),
			 -PZ_EINVAL);

	/* pz_metadata_size and pz_init's own argument checks */
	base(&cfg, &plat);
	size_t size;
	assert_int_equal(pz_metadata_size(&cfg, NULL), -PZ_EINVAL);
	assert_int_equal(pz_metadata_size(&cfg, &size), 0);
	char *mem = aligned_alloc(64, size + 64);
	pz_t *pz = NULL;
	tu_log_reset();
	assert_int_equal(pz_init(&cfg, NULL, size, &pz), -PZ_EINVAL);
	assert_true(tu_log_contains("init refused: NULL metadata memory"));
	assert_int_equal(pz_init(&cfg, mem, size, NULL), -PZ_EINVAL);
	assert_true(tu_log_contains("init refused: NULL output pointer"));
	assert_int_equal(pz_init(&cfg, mem + 8, size, &pz), -PZ_EINVAL);
	assert_true(tu_log_contains("metadata memory must be aligned to 64 bytes"));
	assert_int_equal(pz_init(&cfg, mem, size - 1, &pz), -PZ_ENOMEM);
	assert_true(tu_log_contains("is too small"));
	assert_null(pz);
	/* the same memory then builds a valid instance */
	assert_int_equal(pz_init(&cfg, mem, size, &pz), 0);
	tu_validate(pz);
	assert_int_equal(pz_destroy(pz), 0);
	free(mem);
}

/* ---------------------------------------------------------------------- */
/* More refusals: switches outside the machine                             */

/* A refusal whose log names the problem. */
static void expect_refused_msg(const struct pz_config *cfg, const char *what, const char *msg)
{
	expect_refused(cfg, what);
	if (!tu_log_contains(msg))
		fail_msg("%s: the log lacks \"%s\":\n%s", what, msg, tu_log.all);
}

static void test_config_switch_refusals(void **state)
{
	(void)state;
	struct pz_config cfg;

	normal_machine(8192);
	cfg_init(&cfg, &tm, 0);
	cfg.debug = 0x80;
	expect_refused_msg(&cfg, "unknown debug flag", "unknown debug flags 0x80");
	cfg.debug = PZ_DEBUG_POISON;
	expect_refused_msg(&cfg, "poison without a direct map",
			   "PZ_DEBUG_POISON needs a direct map");
	cfg.debug = 0;
	cfg.percpu_pagelist_fraction = 7;
	expect_refused_msg(&cfg, "fraction 7", "percpu_pagelist_fraction 7 must be 0 or >= 8");
	cfg.percpu_pagelist_fraction = 8;
	pz_t *pz = tu_create_ok(&cfg);
	tu_destroy(pz);
	tm.m.nodes = NULL;
	expect_refused_msg(&cfg, "no node array", "machine.nodes is NULL");
	normal_machine(8192);
	tm.zones[0][0].end_pfn = tm.zones[0][0].start_pfn;
	expect_refused_msg(&cfg, "empty zone", "zone Normal has an empty span");
	normal_machine(8192);
	tm.m.page_shift = 19;
	expect_refused_msg(&cfg, "page_shift 19", "page_shift 19 outside 12..18");
}

/* ---------------------------------------------------------------------- */
/* Layout                                                                  */

/*
 * Two nodes, two CPUs: node 0 DMA [1, 4096) and Normal [4096, 12288) with
 * a hole [6000, 6100) and pfns [7000, 7010) reserved; node 1 Normal
 * [16384, 24576). Spanned counts the span, present leaves out the hole,
 * managed the reserved pages too; pfns outside every zone have no page.
 */
static void test_layout(void **state)
{
	(void)state;
	tu_machine_init(&tm, 2, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA, 1, 4096);
	struct pz_zone_desc *n0 = tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 12288);
	tu_zone_present(&tm, 0, n0, 4096, 6000);
	tu_zone_present(&tm, 0, n0, 6100, 12288);
	tu_zone_reserved(&tm, 0, n0, 7000, 7010);
	tu_add_zone(&tm, 1, PZ_ZONE_NORMAL, 16384, 24576);
	pz_t *pz = tu_create_default(&tm.m, PZ_PROFILE_LINUX_4_1, 0);
	struct pz_zone_info dma = tu_zinfo(pz, 0, PZ_ZONE_DMA);
	struct pz_zone_info nn0 = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	struct pz_zone_info nn1 = tu_zinfo(pz, 1, PZ_ZONE_NORMAL);
	struct pz_zone_info zi;

	assert_int_equal(pz_nr_nodes(pz), 2);
	assert_int_equal(pz_nr_cpus(pz), 2);
	assert_int_equal(pz_page_size(pz), 4096);
	assert_int_equal(pz_max_order(pz), 11);
	assert_int_equal(pz_pageblock_order(pz), 9);
	assert_true(dma.populated && nn0.populated && nn1.populated);
	assert_int_equal(dma.start_pfn, 1);
	assert_int_equal(dma.spanned, 4095);
	assert_int_equal(dma.managed, 4095);
	assert_int_equal(nn0.start_pfn, 4096);
	assert_int_equal(nn0.spanned, 8192);
	assert_int_equal(nn0.present, 8192 - 100);
	assert_int_equal(nn0.managed, 8192 - 100 - 10);
	assert_int_equal(nn0.stat[PZ_NR_FREE_PAGES], 8192 - 110);
	assert_int_equal(nn1.nid, 1);
	assert_int_equal(nn1.start_pfn, 16384);
	assert_int_equal(nn1.managed, 8192);
	assert_int_equal(pz_zone_info(pz, 2, PZ_ZONE_NORMAL, &zi), -PZ_ENODEV);
	assert_null(pz_pfn_to_page(pz, 0));
	assert_null(pz_pfn_to_page(pz, 12288));
	assert_null(pz_pfn_to_page(pz, 24576));
	assert_int_equal(pz_page_to_nid(pz, pz_pfn_to_page(pz, 16384)), 1);
	assert_int_equal(pz_page_zonenum(pz, pz_pfn_to_page(pz, 4095)), PZ_ZONE_DMA);
	assert_int_equal(pz_page_zonenum(pz, pz_pfn_to_page(pz, 4096)), PZ_ZONE_NORMAL);
	assert_int_equal(pz_pfn_state(pz, 7005), PZ_PAGE_STATE_RESERVED);
	assert_int_equal(tu_free_pages(pz), 4095 + 8082 + 8192);
	tu_destroy(pz);
}

/* max_order and page_shift from the machine: the pageblock order follows
 * max_order (max_order - 1 below 10), a 64 KiB page size is reported. */
static void test_layout_orders(void **state)
{
	(void)state;
	normal_machine(8192);
	tm.m.max_order = 8;
	tm.m.page_shift = 16;
	pz_t *pz = tu_create_default(&tm.m, PZ_PROFILE_LINUX_4_1, 0);

	assert_int_equal(pz_max_order(pz), 8);
	assert_int_equal(pz_pageblock_order(pz), 7);
	assert_int_equal(pz_page_size(pz), 65536);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).nr_free[7], 8192 >> 7);
	tu_destroy(pz);
}
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_null_and_empty),
		cmocka_unit_test(test_config_no_machine),
		cmocka_unit_test(test_config_zone_errors),
		cmocka_unit_test(test_config_cma_accepted),
		cmocka_unit_test(test_config_nodes_any_pfn_order),
		cmocka_unit_test(test_config_small_buffer),
		cmocka_unit_test(test_init_refusals),
		cmocka_unit_test(test_config_switch_refusals),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_layout_orders),
	};
	return cmocka_run_group_tests(tests, setup_bigmem, teardown_bigmem);
}
