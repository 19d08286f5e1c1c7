/*
 * test_edges.c - the less travelled paths of the API: conversions and
 * setters given bad arguments, state clearing, the current node, split and
 * exact-size errors, dirty limits set in bytes, zone_reclaim's own exits.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

static struct tu_machine tm;
static struct pz_platform plat;

static enum pz_zone_reclaim_result (*reclaim_hook)(void *, int, enum pz_zone_type, pz_gfp_t,
						   unsigned);

static pz_t *make_cfg(struct pz_config *cfg)
{
	plat = tu_platform(0);
	plat.zone_reclaim = reclaim_hook;
	cfg->platform = &plat;
	return tu_create(cfg);
}

/* Two nodes of 8192 pages, CPU n on node n. */
static pz_t *two_nodes(enum pz_profile profile, unsigned reclaim_mode)
{
	struct pz_config cfg;
	static const uint8_t cpu_node[2] = {0, 1};

	tu_machine_init(&tm, 2, 2);
	tm.m.cpu_node = cpu_node;
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 8192 + 8192);
	tu_add_zone(&tm, 1, PZ_ZONE_NORMAL, 65536, 65536 + 8192);
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &tm.m;
	cfg.profile = profile;
	cfg.zone_reclaim_mode = reclaim_mode;
	tu_cpu = 0;
	return make_cfg(&cfg);
}

static void test_strerror_and_bad_instance(void **state)
{
	(void)state;
	assert_string_equal(pz_strerror(0), "success");
	assert_string_equal(pz_strerror(-PZ_ENOSPC), "buffer too small");
	assert_string_equal(pz_strerror(-9999), "unknown error");
	assert_int_equal(pz_numa_node_id(NULL), -1);
	assert_int_equal(pz_page_size(NULL), 0);
	assert_int_equal(pz_drain_cpu_pages(NULL, 0), -PZ_EINVAL);
	assert_int_equal(pz_set_percpu_pagelist_fraction(NULL, 8), -PZ_EINVAL);
	assert_int_equal(pz_set_min_free_kbytes(NULL, 1024), -PZ_EINVAL);
	assert_int_equal(pz_free_page_list(NULL, NULL, 0, 0), -PZ_EINVAL);
	assert_int_equal(pz_free_pages_bulk(NULL, NULL, 0), -PZ_EINVAL);
	assert_int_equal(pz_alloc_pages_bulk(NULL, PZ_GFP_KERNEL, 0, NULL, 0, NULL), 0);
	pz_drain_all_pages(NULL);
	pz_drain_local_pages(NULL);
}

static void test_conversions_out_of_range(void **state)
{
	(void)state;
	pz_t *pz = two_nodes(PZ_PROFILE_LINUX_4_1, 0);
	int stack_word = 0;

	assert_null(pz_pfn_to_page(pz, 1));	/* below the covered range */
	assert_null(pz_pfn_to_page(pz, 30000)); /* between the nodes */
	assert_int_equal(pz_page_to_pfn(pz, (pz_page_t *)(void *)&stack_word), (uint64_t)-1);
	assert_int_equal(pz_page_to_nid(pz, (pz_page_t *)(void *)&stack_word), -1);
	assert_int_equal(pz_page_zonenum(pz, (pz_page_t *)(void *)&stack_word), -1);
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_null(pz_page_address(pz, p)); /* no direct map */
	assert_null(pz_virt_to_page(pz, &stack_word));
	assert_null(pz_get_free_pages(pz, PZ_GFP_KERNEL, 0));
	assert_null(pz_alloc_pages_exact(pz, 4096, PZ_GFP_KERNEL));
	assert_int_equal(pz_free_pages_exact(pz, &stack_word, 4096), -PZ_ERANGE);
	assert_int_equal(pz_free_pages_addr(pz, &stack_word, 0), -PZ_ERANGE);
	assert_int_equal(pz_free_pages_addr(pz, NULL, 0), 0);
	assert_int_equal(pz_drain_cpu_pages(pz, 7), -PZ_EINVAL);
	assert_int_equal(pz_zone_set_dirty(pz, 5, PZ_ZONE_NORMAL, &(struct pz_zone_dirty){0}),
			 -PZ_ENODEV);
	assert_int_equal(pz_zone_set_dirty(pz, 0, PZ_ZONE_NORMAL, NULL), -PZ_EINVAL);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	tu_destroy(pz);
}

static void test_state_bits_and_split_errors(void **state)
{
	(void)state;
	pz_t *pz = two_nodes(PZ_PROFILE_LINUX_4_1, 0);
	int stack_word = 0;
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	pz_page_t *c = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_COMP, 2);

	assert_int_equal(pz_page_clear_state(pz, (pz_page_t *)(void *)&stack_word, 1), -PZ_ERANGE);
	assert_int_equal(pz_page_clear_state(pz, p, 0x40), -PZ_EINVAL);
	assert_int_equal(pz_page_set_state(pz, p, PZ_PAGE_LOCKED | PZ_PAGE_LRU, 0), 0);
	assert_int_equal(pz_page_clear_state(pz, p, PZ_PAGE_LOCKED | PZ_PAGE_LRU), 0);
	assert_int_equal(pz_free_pages(pz, p, 0), 0); /* clean again: a normal free */
	assert_int_equal(pz_page_clear_state(pz, p, PZ_PAGE_LOCKED), -PZ_EFAULT);
	assert_int_equal(pz_split_page(pz, c, 3), -PZ_EINVAL); /* wrong order */
	assert_int_equal(pz_split_page(pz, c, 2), -PZ_EFAULT); /* compound */
	assert_int_equal(pz_split_page(pz, (pz_page_t *)(void *)&stack_word, 0), -PZ_ERANGE);
	assert_int_equal(pz_free_pages(pz, c, 2), 0);
	struct pz_errors e;
	pz_errors(pz, &e);
	assert_int_equal(e.bad_page_free, 0);
	tu_validate(pz);
	tu_destroy(pz);
}

/* numa_node_id follows the CPU the platform reports. */
static void test_numa_node_id(void **state)
{
	(void)state;
	pz_t *pz = two_nodes(PZ_PROFILE_MODERN, 0);

	tu_cpu = 0;
	assert_int_equal(pz_numa_node_id(pz), 0);
	tu_cpu = 1;
	assert_int_equal(pz_numa_node_id(pz), 1);
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_int_equal(pz_page_to_nid(pz, p), 1); /* the local node of CPU 1 */
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	tu_cpu = 0;
	tu_destroy(pz);
}

/* vm_dirty_bytes: the zone's share of the byte limit, by dirtyable memory. */
static void test_dirty_bytes(void **state)
{
	(void)state;
	struct pz_config cfg;
	struct pz_zone_dirty d;

	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, 4096 + 16384);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096 + 16384, 4096 + 32768);
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &tm.m;
	cfg.profile = PZ_PROFILE_MODERN;
	cfg.dirty_bytes = 4096 * 1000; /* 1000 pages over ~32000 dirtyable */
	pz_t *pz = make_cfg(&cfg);
	memset(&d, 0, sizeof(d));
	d.nr_dirty = 600; /* Normal's share is about 500 pages: over */
	assert_int_equal(pz_zone_set_dirty(pz, 0, PZ_ZONE_NORMAL, &d), 0);
	pz_page_t *w = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE | PZ__GFP_WRITE, 0);
	assert_int_equal(pz_page_zonenum(pz, w), PZ_ZONE_DMA32);
	d.nr_dirty = 300; /* under its share */
	assert_int_equal(pz_zone_set_dirty(pz, 0, PZ_ZONE_NORMAL, &d), 0);
	pz_page_t *w2 = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE | PZ__GFP_WRITE, 0);
	assert_int_equal(pz_page_zonenum(pz, w2), PZ_ZONE_NORMAL);
	pz_free_pages(pz, w, 0);
	pz_free_pages(pz, w2, 0);
	tu_destroy(pz);
}

/* The dirtyable memory of one zone as zone_dirtyable_memory has it (no
 * file pages here): free pages above max(protection) + high, never < 0. */
static uint64_t dirtyable_of(const struct pz_zone_info *zi, enum pz_zone_type t)
{
	uint64_t r = 0, f = (uint64_t)zi->stat[PZ_NR_FREE_PAGES];

	for (int j = t; j < PZ_NR_ZONE_TYPES; j++)
		r = zi->lowmem_reserve[j] > r ? zi->lowmem_reserve[j] : r;
	r += zi->wmark_high;
	r = r > zi->managed ? zi->managed : r;
	return f > r ? f - r : 0;
}

/* Takes every page, gives back all but HIGHMEM's and drains the per-CPU
 * lists: HIGHMEM is left with nothing free. Returns the pages kept. */
static unsigned hold_highmem(pz_t *pz, pz_page_t **held, unsigned max)
{
	const pz_gfp_t all = PZ_GFP_HIGHUSER | PZ__GFP_MEMALLOC | PZ__GFP_NORETRY | PZ__GFP_NOWARN;
	unsigned n = 0, kept = 0;
	pz_page_t *p;

	while (n < max && (p = pz_alloc_pages(pz, all, 0)) != NULL)
		held[n++] = p;
	for (unsigned i = 0; i < n; i++) {
		if (pz_page_zonenum(pz, held[i]) == PZ_ZONE_HIGHMEM)
			held[kept++] = held[i];
		else
			assert_int_equal(pz_free_pages(pz, held[i], 0), 0);
	}
	pz_drain_all_pages(pz);
	return kept;
}

/*
 * 4.1's and 4.4's global_dirtyable_memory: free pages minus the dirty
 * balance reserve summed over ALL zones, then HIGHMEM's own dirtyable
 * memory (clamped at 0 per zone) taken off. A HIGHMEM zone below its
 * reserve therefore lowers the global figure by its deficit, which
 * raises every lowmem zone's share of vm_dirty_bytes. DMA, Normal and
 * HighMem; HighMem completely taken; Normal dirty between the share the
 * kernel computes and the one without the deficit: the kernel lets the
 * __GFP_WRITE request use Normal, not DMA.
 */
static void test_dirty_bytes_highmem_deficit(void **state)
{
	(void)state;
	static pz_page_t *held[40000];
	const uint64_t pages = 100000;
	struct pz_config cfg;
	struct pz_zone_dirty d;
	unsigned kept;
	pz_page_t *p;

	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA, 0, 4096);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 4096 + 16384);
	tu_add_zone(&tm, 0, PZ_ZONE_HIGHMEM, 4096 + 16384, 4096 + 32768);
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &tm.m;
	cfg.profile = PZ_PROFILE_LINUX_4_1;
	cfg.dirty_bytes = pages * 4096;
	pz_t *pz = make_cfg(&cfg);
	assert_non_null(pz);
	kept = hold_highmem(pz, held, 40000);
	struct pz_zone_info dma = tu_zinfo(pz, 0, PZ_ZONE_DMA),
			    nor = tu_zinfo(pz, 0, PZ_ZONE_NORMAL),
			    high = tu_zinfo(pz, 0, PZ_ZONE_HIGHMEM);
	assert_int_equal(high.stat[PZ_NR_FREE_PAGES], 0);
	uint64_t dn = dirtyable_of(&nor, PZ_ZONE_NORMAL);
	uint64_t without = dirtyable_of(&dma, PZ_ZONE_DMA) + dn + 1;
	uint64_t deficit = high.wmark_high; /* HighMem: free 0, reserve = high */
	uint64_t lim_kernel = pages * dn / (without - deficit), lim_without = pages * dn / without;
	print_message("Normal's share: %llu pages (kernel), %llu without the HighMem deficit of "
		      "%llu\n",
		      (unsigned long long)lim_kernel, (unsigned long long)lim_without,
		      (unsigned long long)deficit);
	assert_true(lim_kernel > lim_without + 2);
	memset(&d, 0, sizeof(d));
	d.nr_dirty = (lim_kernel + lim_without) / 2;
	assert_int_equal(pz_zone_set_dirty(pz, 0, PZ_ZONE_NORMAL, &d), 0);
	p = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE | PZ__GFP_WRITE, 0);
	assert_non_null(p);
	assert_int_equal(pz_page_zonenum(pz, p), PZ_ZONE_NORMAL);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	/* over the kernel's share too: DMA */
	d.nr_dirty = lim_kernel + 2;
	assert_int_equal(pz_zone_set_dirty(pz, 0, PZ_ZONE_NORMAL, &d), 0);
	p = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE | PZ__GFP_WRITE, 0);
	assert_non_null(p);
	assert_int_equal(pz_page_zonenum(pz, p), PZ_ZONE_DMA);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	for (unsigned i = 0; i < kept; i++)
		assert_int_equal(pz_free_pages(pz, held[i], 0), 0);
	tu_validate(pz);
	tu_destroy(pz);
}

static unsigned reclaim_calls, reclaim_nodes;
static enum pz_zone_reclaim_result count_reclaim(void *ctx, int nid, enum pz_zone_type t,
						 pz_gfp_t gfp, unsigned order)
{
	(void)ctx;
	(void)t;
	reclaim_nodes |= 1u << nid;
	(void)gfp;
	(void)order;
	reclaim_calls++;
	return PZ_ZONE_RECLAIM_FULL;
}

/*
 * zone_reclaim never runs for another node that has CPUs of its own
 * (NOSCAN): with node 0 exhausted, a request from CPU 0 scans node 0 but
 * not node 1 (whose CPU would reclaim it). Distance 20 allows reclaim in
 * both profiles' RECLAIM_DISTANCE tests.
 */
static void test_zone_reclaim_remote_node(void **state)
{
	(void)state;
	reclaim_hook = count_reclaim;
	pz_t *pz = two_nodes(PZ_PROFILE_LINUX_4_1, 1);
	reclaim_hook = NULL;
	tu_cpu = 0;
	/* node 0 below its watermarks, then one request from node 0's list:
	 * node 0 is scanned, node 1 (which has a CPU of its own) is not */
	while (pz_alloc_pages_node(pz, 0, PZ_GFP_KERNEL | PZ__GFP_THISNODE | PZ__GFP_NOWARN, 0))
		;
	pz_drain_all_pages(pz);
	reclaim_calls = 0;
	reclaim_nodes = 0;
	pz_page_t *p = pz_alloc_pages_node(pz, 0, PZ_GFP_KERNEL, 0);
	assert_non_null(p);
	assert_int_equal(pz_page_to_nid(pz, p), 1);
	assert_true(reclaim_calls >= 1);
	assert_int_equal(reclaim_nodes, 0x1); /* node 0 only */
	/* from node 1's list: node 1 passes its watermark, nothing scanned */
	reclaim_calls = 0;
	p = pz_alloc_pages_node(pz, 1, PZ_GFP_KERNEL, 0);
	assert_int_equal(pz_page_to_nid(pz, p), 1);
	assert_int_equal(reclaim_calls, 0);
	tu_destroy(pz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strerror_and_bad_instance),
		cmocka_unit_test(test_conversions_out_of_range),
		cmocka_unit_test(test_state_bits_and_split_errors),
		cmocka_unit_test(test_numa_node_id),
		cmocka_unit_test(test_dirty_bytes),
		cmocka_unit_test(test_dirty_bytes_highmem_deficit),
		cmocka_unit_test(test_zone_reclaim_remote_node),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
