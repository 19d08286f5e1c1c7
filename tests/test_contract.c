/*
 * test_contract.c - the public header, promise by promise (issue 13):
 * every public function called with the extreme values of each parameter
 * type (NULL and dead instances, INT_MIN/INT_MAX, UINT_MAX, SIZE_MAX,
 * UINT64_MAX, garbage enums) must answer with its documented error and
 * never reach undefined behaviour (run under UBSan in the ASan build);
 * configuration values outside their enum or bit set are refused by
 * name; the refusals that used to be silent are counted and reported,
 * rate limited; the text reports print counters as the kernel does; the
 * host log sink writes one line per message with one prefix; a free of a
 * tail of a leaked compound block is a double free; the header cites no
 * document that does not ship.
 */
#include "testutil.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NR_PAGES 8192

static struct tu_machine tm;

static pz_t *make(enum pz_profile profile, void *dm)
{
	struct pz_config cfg;
	static struct pz_platform plat;

	tu_machine_init(&tm, 1, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, 4096 + NR_PAGES / 2);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096 + NR_PAGES / 2, 4096 + NR_PAGES);
	memset(&cfg, 0, sizeof(cfg));
	plat = tu_platform(0);
	cfg.machine = &tm.m;
	cfg.profile = profile;
	cfg.platform = &plat;
	cfg.direct_map = dm;
	cfg.direct_map_pfn = 4096;
	tu_log_reset();
	return tu_create(&cfg);
}

static struct pz_errors errs(pz_t *pz)
{
	struct pz_errors e;

	pz_errors(pz, &e);
	return e;
}

/* ---- item 2: hostile values ------------------------------------------------ */

static void test_strerror_extremes(void **state)
{
	(void)state;
	assert_string_equal(pz_strerror(INT_MIN), "unknown error");
	assert_string_equal(pz_strerror(INT_MAX), "unknown error");
	assert_string_equal(pz_strerror(-PZ_EINVAL), pz_strerror(PZ_EINVAL));
	assert_string_equal(pz_strerror(0), "success");
}

/* A mapcount change that would leave int32 is refused and changes nothing;
 * UBSan saw the signed overflow before. */
static void test_set_state_mapcount_extremes(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_LINUX_4_1, NULL);
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);

	assert_non_null(p);
	assert_int_equal(pz_page_set_state(pz, p, 0, INT_MIN), 0);
	assert_int_equal(pz_page_set_state(pz, p, 0, -1), -PZ_EINVAL);
	assert_int_equal(pz_page_set_state(pz, p, 0, INT_MIN), -PZ_EINVAL);
	assert_int_equal(pz_page_set_state(pz, p, 0, INT_MAX), 0); /* now -1 */
	assert_int_equal(pz_page_set_state(pz, p, 0, INT_MAX), 0); /* INT_MAX - 1 */
	assert_int_equal(pz_page_set_state(pz, p, 0, 2), -PZ_EINVAL);
	assert_int_equal(pz_page_set_state(pz, p, 0, -(INT_MAX - 1)), 0);
	assert_int_equal(pz_page_set_state(pz, p, UINT_MAX, 0), -PZ_EINVAL);
	/* the mapcount is back to 0: the free is clean */
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	assert_int_equal(errs(pz).bad_page_free, 0);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

/* Every function that takes no instance, with garbage. */
static void test_extremes_without_instance(void **state)
{
	(void)state;
	char small[4];
	struct pz_trace_event ev;
	struct pz_fault_attr fa;
	size_t size = 1;

	assert_true(pz_version() > 0);
	assert_int_equal(pz_gfp_zone(UINT32_MAX, UINT_MAX), -PZ_EINVAL);
	assert_true((unsigned)pz_gfp_migratetype(UINT32_MAX) < PZ_MT_TYPES);
	assert_int_equal(pz_migratetype_kernel_value((enum pz_profile)INT_MAX, PZ_MT_MOVABLE),
			 -PZ_EINVAL);
	assert_int_equal(pz_migratetype_kernel_value(PZ_PROFILE_MODERN, (enum pz_migratetype) - 1),
			 -PZ_EINVAL);
	assert_null(pz_migratetype_name((enum pz_profile) - 1, PZ_MT_MOVABLE));
	assert_null(pz_migratetype_name(PZ_PROFILE_MODERN, (enum pz_migratetype)INT_MAX));
	assert_null(pz_zone_type_name((enum pz_zone_type)INT_MIN));
	assert_int_equal(pz_gfp_format(UINT32_MAX, small, sizeof(small)) >= sizeof(small), 1);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_true(pz_gfp_format(UINT32_MAX, NULL, 0) > 0);
	memset(&ev, 0xff, sizeof(ev));
	ev.kind = (enum pz_trace_kind)INT_MAX;
	(void)pz_trace_format((enum pz_profile)INT_MIN, &ev, small, sizeof(small));
	assert_int_equal(pz_trace_format(PZ_PROFILE_MODERN, NULL, small, sizeof(small)), 0);
	assert_int_equal(pz_metadata_size(NULL, &size), -PZ_EINVAL);
	pz_fault_attr_default(NULL);
	pz_fault_attr_default(&fa);
	assert_int_equal(pz_fault_attr_parse("1,100,0,1x", &fa), -PZ_EINVAL);
	assert_int_equal(pz_fault_attr_parse("1,100,2147483648,1", &fa), -PZ_EINVAL);
	assert_int_equal(pz_fault_attr_parse("1,100,0,-2147483649", &fa), -PZ_EINVAL);
	assert_int_equal(pz_fault_attr_parse("18446744073709551616,1,0,1", &fa), -PZ_EINVAL);
	assert_int_equal(pz_fault_attr_parse(NULL, &fa), -PZ_EINVAL);
	pz_task_init(NULL);
}

/* Every instance function with a NULL and with a destroyed instance. */
static void dead_instance(pz_t *pz)
{
	pz_nodemask_t all = PZ_NODEMASK_ALL;
	pz_page_t *arr[2] = {NULL, NULL};
	struct pz_task task;
	struct pz_zone_info zi;
	struct pz_pcp_info pi;
	struct pz_fault_attr fa;
	struct pz_zone_dirty d = {0};
	int zl[4], ef, un;
	uint64_t zl_events[1];
	char buf[8];

	pz_task_init(&task);
	pz_fault_attr_default(&fa);
	assert_int_equal(pz_destroy(pz), -PZ_EINVAL);
	assert_int_equal(pz_page_size(pz), 0);
	assert_int_equal(pz_max_order(pz), 0);
	assert_int_equal(pz_nr_nodes(pz) + pz_nr_cpus(pz) + pz_pageblock_order(pz), 0);
	assert_int_equal(pz_min_free_kbytes(pz), 0);
	assert_int_equal(pz_task_set_mems_allowed(pz, &task, 1, 1), -PZ_EINVAL);
	assert_null(pz_alloc_pages_nodemask(pz, PZ_GFP_KERNEL, 0, 0, &all));
	assert_int_equal(pz_alloc_pages_bulk(pz, PZ_GFP_KERNEL, -1, NULL, 2, arr), 0);
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL, 0));
	assert_null(pz_alloc_pages_node(pz, 0, PZ_GFP_KERNEL, 0));
	assert_null(pz_get_free_pages(pz, PZ_GFP_KERNEL, 0));
	assert_null(pz_get_zeroed_page(pz, PZ_GFP_KERNEL));
	assert_null(pz_alloc_pages_exact(pz, 4096, PZ_GFP_KERNEL));
	assert_int_equal(pz_free_pages_exact(pz, buf, 4096), -PZ_EINVAL);
	assert_int_equal(pz_free_pages_addr(pz, buf, 0), -PZ_EINVAL);
	assert_null(pz_pfn_to_page(pz, 4096));
	assert_int_equal(pz_numa_node_id(pz), -1);
	pz_drain_local_pages(pz);
	pz_drain_all_pages(pz);
	assert_int_equal(pz_drain_cpu_pages(pz, 0), -PZ_EINVAL);
	assert_int_equal(pz_zone_set_dirty(pz, 0, PZ_ZONE_NORMAL, &d), -PZ_EINVAL);
	assert_int_equal(pz_set_min_free_kbytes(pz, 1024), -PZ_EINVAL);
	assert_int_equal(pz_set_percpu_pagelist_fraction(pz, 8), -PZ_EINVAL);
	assert_int_equal(pz_set_watermark_boost_factor(pz, 1), -PZ_EINVAL);
	assert_int_equal(pz_watermark_boost_factor(pz), 0);
	assert_int_equal(pz_set_fail_page_alloc(pz, &fa), -PZ_EINVAL);
	assert_int_equal(pz_get_fail_page_alloc(pz, &fa), -PZ_EINVAL);
	assert_true(pz_zone_info(pz, 0, PZ_ZONE_NORMAL, &zi) < 0);
	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, &pi), -PZ_EINVAL);
	assert_int_equal(pz_pcp_count(pz, 0, PZ_ZONE_NORMAL, 0), -PZ_EINVAL);
	assert_int_equal(pz_report_buddyinfo(pz, buf, sizeof(buf)), 0);
	assert_int_equal(pz_report_zoneinfo(pz, buf, sizeof(buf)), 0);
	assert_int_equal(pz_report_vmstat(pz, buf, sizeof(buf)), 0);
	assert_true(pz_fragmentation_index(pz, 0, PZ_ZONE_NORMAL, 0, &ef, &un) < 0);
	assert_true(pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 0, 0, PZ_ZONE_NORMAL) < 0);
	assert_true(pz_zonelist(pz, 0, 0, zl, 4) < 0);
	assert_int_equal(pz_validate(pz), -PZ_EINVAL);
	assert_int_equal(pz_validate_concurrent(pz), -PZ_EINVAL);
	assert_int_equal(pz_vm_events(pz, zl_events, 1), -PZ_EINVAL);
	assert_true(pz_free_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, PZ_MT_MOVABLE, NULL, 0) < 0);
	assert_true(pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, 0, PZ_MT_MOVABLE, NULL, 0) < 0);
	assert_int_equal(pz_pageblock_migratetype(pz, 4096), -PZ_EINVAL);
	assert_int_equal(pz_pfn_state(pz, 4096), PZ_PAGE_STATE_INVALID);
}

static void test_extremes_dead_instance(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_MODERN, NULL);

	dead_instance(NULL);
	assert_int_equal(pz_destroy(pz), 0);
	dead_instance(pz);
	free(pz);
}

/* Allocation and free entry points with extreme orders, nodes and sizes. */
static void extreme_allocations(pz_t *pz, unsigned char *dm)
{
	pz_nodemask_t none = 0, huge = ~(pz_nodemask_t)0;
	pz_page_t *arr[2] = {NULL, NULL};
	const unsigned orders[] = {UINT_MAX, INT_MAX, 64, 32, 11};
	const int nids[] = {INT_MIN, INT_MAX, 64, 1};

	for (unsigned i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_NOWARN, orders[i]));
		assert_null(pz_get_free_pages(pz, PZ_GFP_KERNEL | PZ__GFP_NOWARN, orders[i]));
		assert_int_equal(pz_free_pages(pz, pz_pfn_to_page(pz, 4096), orders[i]),
				 -PZ_EINVAL);
		assert_int_equal(pz_free_pages_addr(pz, dm, orders[i]), -PZ_EINVAL);
		assert_int_equal(pz_split_page(pz, pz_pfn_to_page(pz, 4096), orders[i]),
				 -PZ_EINVAL);
		assert_int_equal(pz_compound_order(pz, pz_pfn_to_page(pz, 4096)), 0);
	}
	for (unsigned i = 0; i < sizeof(nids) / sizeof(nids[0]); i++)
		if (nids[i] >= 0)
			assert_null(pz_alloc_pages_node(pz, nids[i], PZ_GFP_KERNEL, 0));
		else
			assert_non_null(arr[0] =
						pz_alloc_pages_node(pz, nids[i], PZ_GFP_KERNEL, 0)),
				assert_int_equal(pz_free_pages(pz, arr[0], 0), 0);
	assert_null(pz_alloc_pages_nodemask(pz, PZ_GFP_KERNEL, 0, INT_MAX, &none));
	arr[0] = pz_alloc_pages_nodemask(pz, PZ_GFP_KERNEL, 0, INT_MIN, &huge);
	assert_non_null(arr[0]);
	assert_int_equal(pz_free_pages(pz, arr[0], 0), 0);
	arr[0] = NULL;
	assert_int_equal(pz_alloc_pages_bulk(pz, PZ_GFP_KERNEL, INT_MAX, NULL, 2, arr), 0);
	assert_int_equal(pz_alloc_pages_bulk(pz, PZ_GFP_KERNEL, -1, NULL, SIZE_MAX, NULL), 0);
	assert_int_equal(pz_free_pages_bulk(pz, arr, 2), 0); /* NULL entries skipped */
	assert_null(pz_alloc_pages_exact(pz, SIZE_MAX, PZ_GFP_KERNEL));
	assert_null(pz_alloc_pages_exact(pz, SIZE_MAX / 2 + 1, PZ_GFP_KERNEL));
	assert_int_equal(pz_free_pages_exact(pz, dm, SIZE_MAX), -PZ_EINVAL);
	assert_int_equal(pz_free_pages_exact(pz, dm, 0), -PZ_EINVAL);
	assert_int_equal(pz_free_pages_cold(pz, NULL, 0, INT_MIN), -PZ_ERANGE);
	assert_int_equal(pz_free_page_list(pz, arr, 2, INT_MAX), -PZ_ERANGE);
	assert_null(pz_virt_to_page(pz, (void *)UINTPTR_MAX));
	assert_null(pz_virt_to_page(pz, dm + (size_t)NR_PAGES * 4096));
	assert_null(pz_pfn_to_page(pz, UINT64_MAX));
	assert_int_equal(pz_pfn_state(pz, UINT64_MAX), PZ_PAGE_STATE_INVALID);
	assert_int_equal(pz_pageblock_migratetype(pz, UINT64_MAX), -PZ_ERANGE);
}

/* Queries, setters and reports with extreme values. */
static void extreme_queries(pz_t *pz)
{
	const int nids[] = {INT_MIN, -1, 1, 64, INT_MAX};
	const unsigned types[] = {5, 6, INT_MAX, UINT_MAX};
	struct pz_zone_info zi;
	struct pz_pcp_info pi;
	struct pz_zone_dirty d;
	struct pz_fault_attr fa;
	uint64_t out[2];
	int zl[8], ef, un;
	char tiny[1];

	for (unsigned i = 0; i < sizeof(nids) / sizeof(nids[0]); i++) {
		assert_int_equal(pz_zone_info(pz, nids[i], PZ_ZONE_NORMAL, &zi), -PZ_ENODEV);
		assert_int_equal(pz_pcp_info(pz, nids[i], PZ_ZONE_NORMAL, 0, &pi), -PZ_ENODEV);
		assert_int_equal(pz_pcp_count(pz, nids[i], PZ_ZONE_NORMAL, 0), -PZ_ENODEV);
		assert_true(pz_zonelist(pz, nids[i], 0, zl, 8) < 0);
		assert_true(pz_fragmentation_index(pz, nids[i], PZ_ZONE_NORMAL, 0, &ef, &un) < 0);
	}
	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		enum pz_zone_type t = (enum pz_zone_type)types[i];

		assert_true(pz_zone_info(pz, 0, t, &zi) < 0);
		assert_true(pz_zone_watermark_ok(pz, 0, t, 0, 0, t) < 0);
		assert_int_equal(pz_pcp_count(pz, 0, t, 0), -PZ_ENODEV);
		assert_true(pz_free_list_pfns(pz, 0, t, 0, PZ_MT_MOVABLE, out, 2) < 0);
	}
	assert_int_equal(pz_zone_info(pz, 0, PZ_ZONE_NORMAL, NULL), -PZ_EINVAL);
	assert_true(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, UINT_MAX, &pi) < 0);
	assert_int_equal(pz_pcp_count(pz, 0, PZ_ZONE_NORMAL, UINT_MAX), -PZ_ENODEV);
	assert_true(pz_zonelist(pz, 0, INT_MIN, zl, 8) < 0);
	assert_true(pz_zonelist(pz, 0, INT_MAX, zl, UINT_MAX) < 0);
	assert_true(pz_zonelist(pz, 0, 0, NULL, 8) < 0);
	assert_true(pz_fragmentation_index(pz, 0, PZ_ZONE_NORMAL, UINT_MAX, &ef, &un) < 0);
	assert_true(pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, UINT_MAX, 0, PZ_ZONE_NORMAL) < 0);
	assert_int_equal(pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 0, UINT_MAX, PZ_ZONE_NORMAL),
			 -PZ_EINVAL);
	assert_int_equal(pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 0, 0x8, PZ_ZONE_NORMAL),
			 -PZ_EINVAL);
	assert_int_equal(pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 0, 0x1f1, PZ_ZONE_NORMAL), 1);
	assert_int_equal(pz_free_list_pfns(pz, 0, PZ_ZONE_NORMAL, UINT_MAX, PZ_MT_MOVABLE, out, 2),
			 -PZ_EINVAL);
	assert_int_equal(
		pz_free_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, (enum pz_migratetype) - 1, out, 2),
		-PZ_EINVAL);
	assert_int_equal(pz_free_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, PZ_MT_MOVABLE, NULL, SIZE_MAX),
			 -PZ_EINVAL);
	assert_true(pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, UINT_MAX, 0, PZ_MT_MOVABLE, out, 2) <
		    0);
	assert_true(pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, UINT_MAX, PZ_MT_MOVABLE, out, 2) <
		    0);
	assert_int_equal(pz_drain_cpu_pages(pz, UINT_MAX), -PZ_EINVAL);
	assert_int_equal(pz_vm_events(pz, out, SIZE_MAX), -PZ_EINVAL);
	assert_int_equal(pz_vm_events(pz, NULL, 0), -PZ_EINVAL);
	assert_int_equal(pz_vm_events(pz, out, 2), 0);
	memset(&d, 0xff, sizeof(d));
	assert_int_equal(pz_zone_set_dirty(pz, INT_MIN, PZ_ZONE_NORMAL, &d), -PZ_ENODEV);
	assert_int_equal(pz_zone_set_dirty(pz, 0, (enum pz_zone_type)UINT_MAX, &d), -PZ_ENODEV);
	assert_int_equal(pz_zone_set_dirty(pz, 0, PZ_ZONE_NORMAL, &d), 0);
	assert_int_equal(pz_set_percpu_pagelist_fraction(pz, UINT_MAX), 0);
	assert_int_equal(pz_set_percpu_pagelist_fraction(pz, 0), 0);
	/* watermark_boost_factor: 15000 by default, an int sysctl */
	assert_int_equal(pz_watermark_boost_factor(pz), 15000);
	assert_int_equal(pz_set_watermark_boost_factor(pz, UINT_MAX), -PZ_EINVAL);
	assert_int_equal(pz_set_watermark_boost_factor(pz, 0x7fffffffu), 0);
	assert_int_equal(pz_watermark_boost_factor(pz), 0x7fffffffu);
	assert_int_equal(pz_set_watermark_boost_factor(pz, 0), 0);
	assert_int_equal(pz_watermark_boost_factor(pz), 0);
	/* min_free_kbytes: an int sysctl from 0; UINT_MAX is the default */
	assert_int_equal(pz_set_min_free_kbytes(pz, UINT_MAX - 1), -PZ_EINVAL);
	assert_int_equal(pz_set_min_free_kbytes(pz, 0x7fffffffu), 0);
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_NOWARN, 0)); /* all reserved */
	assert_int_equal(pz_set_min_free_kbytes(pz, PZ_MIN_FREE_KBYTES_DEFAULT), 0);
	pz_fault_attr_default(&fa);
	fa.probability = ULONG_MAX;
	fa.interval = ULONG_MAX;
	fa.verbose = ULONG_MAX;
	fa.min_order = UINT_MAX;
	fa.space = INT_MIN;
	fa.times = INT_MIN; /* counts down past INT_MIN: wraps as an atomic_t */
	fa.min_order = 0;
	fa.interval = 1;
	fa.ignore_gfp_reclaim = false;
	assert_int_equal(pz_set_fail_page_alloc(pz, &fa), 0);
	tu_log_reset();
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_NOWARN, 0));
	assert_non_null(strstr(tu_log.last, "FAULT_INJECTION: forcing a failure."));
	assert_null(strchr(tu_log.last, '\n')); /* one complete message per call */
	assert_int_equal(pz_get_fail_page_alloc(pz, &fa), 0);
	assert_int_equal(fa.times, INT_MAX);
	assert_int_equal(pz_set_fail_page_alloc(pz, NULL), 0); /* defaults: off */
	assert_int_equal(pz_report_buddyinfo(pz, NULL, 0) > 0, 1);
	assert_int_equal(pz_report_pagetypeinfo(pz, tiny, 1) > 0 && tiny[0] == 0, 1);
	assert_int_equal(pz_report_zoneinfo(pz, tiny, 1) > 0 && tiny[0] == 0, 1);
	assert_int_equal(pz_report_vmstat(pz, tiny, 1) > 0 && tiny[0] == 0, 1);
	assert_int_equal(pz_report_extfrag_index(pz, tiny, 1) > 0 && tiny[0] == 0, 1);
	assert_int_equal(pz_report_unusable_index(pz, tiny, 1) > 0 && tiny[0] == 0, 1);
}

static void test_extremes_live_instance(void **state)
{
	(void)state;
	unsigned char *dm = malloc((size_t)NR_PAGES * 4096);
	pz_t *pz;
	uint64_t free0;

	assert_non_null(dm);
	pz = make(PZ_PROFILE_MODERN, dm);
	assert_non_null(pz);
	free0 = tu_free_pages(pz);
	extreme_allocations(pz, dm);
	extreme_queries(pz);
	pz_drain_all_pages(pz);
	assert_int_equal(pz_validate(pz), 0);
	assert_int_equal(tu_free_pages(pz), free0);
	tu_destroy(pz);
	free(dm);
}

/* ---- item 3: configuration values ----------------------------------------------- */

static int refused(struct pz_config *cfg, const char *needle)
{
	size_t size = 0;
	int rc;

	tu_log_reset();
	rc = pz_metadata_size(cfg, &size);
	if (!rc || !tu_log_contains(needle))
		fail_msg("rc %d, log lacks \"%s\":\n%s", rc, needle, tu_log.all);
	return rc;
}

static void base_cfg(struct pz_config *cfg, struct pz_platform *plat)
{
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 8192);
	memset(cfg, 0, sizeof(*cfg));
	*plat = tu_platform(0);
	cfg->machine = &tm.m;
	cfg->platform = plat;
}

static void test_config_refuses_unknown_values(void **state)
{
	(void)state;
	struct pz_config cfg;
	struct pz_platform plat;
	size_t size;

	base_cfg(&cfg, &plat);
	cfg.profile = (enum pz_profile)9;
	assert_int_equal(refused(&cfg, "profile 9"), -PZ_EINVAL);
	base_cfg(&cfg, &plat);
	cfg.features_set = 0xffffffffu;
	assert_int_equal(refused(&cfg, "unknown features_set bits 0xfffffe00"), -PZ_EINVAL);
	base_cfg(&cfg, &plat);
	cfg.features_clear = 0x200;
	assert_int_equal(refused(&cfg, "unknown features_clear bits 0x200"), -PZ_EINVAL);
	base_cfg(&cfg, &plat);
	cfg.zonelist_order = (enum pz_zonelist_order)42;
	assert_int_equal(refused(&cfg, "zonelist_order 42"), -PZ_EINVAL);
	base_cfg(&cfg, &plat);
	cfg.zone_reclaim_mode = 8;
	assert_int_equal(refused(&cfg, "zone_reclaim_mode bits 0x8"), -PZ_EINVAL);
	base_cfg(&cfg, &plat);
	cfg.dirty_ratio = 101;
	assert_int_equal(refused(&cfg, "dirty_ratio 101"), -PZ_EINVAL);
	base_cfg(&cfg, &plat);
	cfg.mobility_grouping_disabled = 2;
	assert_int_equal(refused(&cfg, "mobility_grouping_disabled 2"), -PZ_EINVAL);
	base_cfg(&cfg, &plat);
	tm.m.nodes = NULL;
	assert_int_equal(refused(&cfg, "machine.nodes is NULL"), -PZ_EINVAL);
	base_cfg(&cfg, &plat);
	tm.nodes[0].zones = NULL;
	assert_int_equal(refused(&cfg, "node 0: zones is NULL with nr_zones 1"), -PZ_EINVAL);
	/* every known bit and value is accepted */
	/* zone order is gone since 4.14: linux-6.1 says why it refuses it */
	base_cfg(&cfg, &plat);
	cfg.profile = PZ_PROFILE_LINUX_6_1;
	cfg.zonelist_order = PZ_ZONELIST_ORDER_ZONE;
	assert_int_equal(refused(&cfg, "zone-ordered zonelists were removed in 4.14"), -PZ_EINVAL);
	base_cfg(&cfg, &plat);
	cfg.watermark_scale_factor = 3001;
	assert_int_equal(refused(&cfg, "watermark_scale_factor 3001 is above 3000"), -PZ_EINVAL);
	base_cfg(&cfg, &plat);
	cfg.thp_enabled = 2;
	assert_int_equal(refused(&cfg, "thp_enabled 2"), -PZ_EINVAL);
	base_cfg(&cfg, &plat);
	cfg.profile = PZ_PROFILE_LINUX_4_4;
	cfg.features_set = PZ_FEAT_ALL;
	cfg.zonelist_order = PZ_ZONELIST_ORDER_ZONE;
	cfg.watermark_scale_factor = 3000;
	cfg.thp_enabled = 1;
	assert_int_equal(pz_metadata_size(&cfg, &size), 0);
	base_cfg(&cfg, &plat);
	cfg.profile = PZ_PROFILE_MODERN;
	cfg.features_set = PZ_FEAT_ALL;
	cfg.zonelist_order = PZ_ZONELIST_ORDER_NODE;
	cfg.zone_reclaim_mode = 7;
	cfg.dirty_ratio = 100;
	cfg.mobility_grouping_disabled = 1;
	assert_int_equal(pz_metadata_size(&cfg, &size), 0);
	assert_int_equal(pz_validate(NULL), -PZ_EINVAL);
	assert_int_equal(pz_validate_concurrent(NULL), -PZ_EINVAL);
}

/* ---- item 4: refusals are counted and reported ------------------------------------- */

static void test_refusals_counted_and_reported(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_LINUX_4_1, NULL);
	pz_nodemask_t absent = 0x6;
	struct pz_errors e0 = errs(pz), e1;
	unsigned lines;

	assert_null(pz_alloc_pages_node(pz, 3, PZ_GFP_KERNEL, 0));
	assert_true(tu_log_contains("allocation refused: node 3 does not exist (1 nodes)"));
	assert_null(pz_alloc_pages_nodemask(pz, PZ_GFP_KERNEL, 0, -1, &absent));
	assert_true(tu_log_contains("nodemask 0x6 names no node with memory"));
	e1 = errs(pz);
	assert_int_equal(e1.other, e0.other + 2);
	/* __GFP_ZERO without a direct map: refused on the order-0 shortcut too */
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_ZERO, 0));
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_ZERO, 3));
	assert_true(tu_log_contains("__GFP_ZERO (gfp 0x"));
	assert_int_equal(errs(pz).bad_gfp, e1.bad_gfp + 2);
	assert_int_equal(errs(pz).alloc_failed, e1.alloc_failed + 2);
	/* rate limited as the failure warning: 10, then one in 1000 */
	tu_log_reset();
	for (unsigned i = 4; i < 1001; i++)
		assert_null(pz_alloc_pages_node(pz, 3, PZ_GFP_KERNEL, 0));
	lines = tu_log.count;
	assert_int_equal(lines, 10 - 4 + 1);
	assert_int_equal(errs(pz).other, e1.other + 1001 - 4);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

/* ---- item 5: printed counters ------------------------------------------------------- */

/* The line of report text that starts with key (after spaces), or NULL. */
static const char *line_of(const char *text, const char *key)
{
	const char *p = text;

	while ((p = strstr(p, key))) {
		if (p == text || p[-1] == ' ' || p[-1] == '\n')
			return p;
		p++;
	}
	return NULL;
}

static void test_reports_clamp_negative_counters(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_LINUX_4_1, NULL);
	static char text[1 << 16];
	struct pz_zone_info zi;
	pz_page_t *held[512];
	unsigned n = 0;

	/* the fair batch runs below zero between its per-CPU folds */
	pz_zone_info(pz, 0, PZ_ZONE_NORMAL, &zi);
	while (n < 512 && zi.stat[PZ_NR_ALLOC_BATCH] >= 0) {
		held[n] = pz_alloc_pages_node(pz, 0, PZ_GFP_KERNEL | PZ__GFP_NOWARN, 0);
		assert_non_null(held[n]);
		n++;
		pz_zone_info(pz, 0, PZ_ZONE_NORMAL, &zi);
		if (zi.stat[PZ_NR_ALLOC_BATCH] >= 0)
			pz_zone_info(pz, 0, PZ_ZONE_DMA32, &zi);
	}
	assert_true(zi.stat[PZ_NR_ALLOC_BATCH] < 0); /* the case this test is about */
	assert_true(pz_report_zoneinfo(pz, text, sizeof(text)) < sizeof(text));
	assert_non_null(line_of(text, "nr_alloc_batch"));
	assert_null(strstr(text, " -"));
	assert_true(pz_report_vmstat(pz, text, sizeof(text)) < sizeof(text));
	assert_non_null(line_of(text, "nr_alloc_batch"));
	assert_null(strstr(text, " -"));
	while (n--)
		assert_int_equal(pz_free_pages(pz, held[n], 0), 0);
	tu_destroy(pz);
}

/* ---- item 7: the log sinks ----------------------------------------------------------- */

/* What the host sink writes for one message. */
static void host_sink_output(const char *msg, char *out, size_t len)
{
	const struct pz_platform *p = pz_host_platform();
	int fds[2], saved;
	ssize_t n;

	assert_int_equal(pipe(fds), 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fds[1], STDERR_FILENO) >= 0);
	p->log(p->ctx, PZ_LOG_WARN, msg);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	close(fds[1]);
	n = read(fds[0], out, len - 1);
	close(fds[0]);
	assert_true(n > 0);
	out[n] = 0;
}

static void test_host_sink_one_prefix(void **state)
{
	(void)state;
	char out[256];

	host_sink_output("pagezone: page allocation failure: order:0, mode:0x24000c0", out,
			 sizeof(out));
	assert_string_equal(out, "pagezone: page allocation failure: order:0, mode:0x24000c0\n");
	host_sink_output("free refused: double free", out, sizeof(out));
	assert_string_equal(out, "pagezone: free refused: double free\n");
}

/* One complete message per call: a bad-page report is one line. */
static void test_bad_page_report_is_one_line(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_LINUX_4_1, NULL);
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);

	assert_non_null(p);
	assert_int_equal(pz_page_set_state(pz, p, PZ_PAGE_LOCKED, 0), 0);
	tu_log_reset();
	assert_int_equal(pz_free_pages(pz, p, 0), -PZ_EFAULT);
	assert_int_equal(tu_log.count, 1);
	assert_non_null(strstr(tu_log.last, "BUG: Bad page state in process pagezone"));
	assert_non_null(strstr(tu_log.last, "page dumped because: PAGE_FLAGS_CHECK_AT_FREE"));
	assert_null(strchr(tu_log.last, '\n'));
	tu_destroy(pz);
}

/* ---- item 9: a free of a tail of a leaked compound block ----------------------------- */

/* free_tail_pages_check clears every tail's compound_head before the
 * verdict, so the leaked block's tails are tails no more: double free. */
static void leaked_tail_free(enum pz_profile profile)
{
	pz_t *pz = make(profile, NULL);
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_COMP, 2);
	struct pz_errors e0, e1;

	assert_non_null(p);
	assert_int_equal(pz_page_set_state(pz, p, PZ_PAGE_LOCKED, 0), 0);
	assert_int_equal(pz_free_pages(pz, p, 2), -PZ_EFAULT);
	e0 = errs(pz);
	assert_int_equal(e0.leaked_pages, 4);
	assert_int_equal(pz_free_pages(pz, pz_pfn_to_page(pz, pz_page_to_pfn(pz, p) + 3), 0),
			 -PZ_EFAULT);
	e1 = errs(pz);
	assert_int_equal(e1.double_free, e0.double_free + 1);
	assert_int_equal(e1.tail_free, e0.tail_free);
	assert_int_equal(pz_pfn_state(pz, pz_page_to_pfn(pz, p) + 3), PZ_PAGE_STATE_LEAKED);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

static void test_leaked_compound_tail_free(void **state)
{
	(void)state;
	leaked_tail_free(PZ_PROFILE_LINUX_4_1); /* tails written */
	leaked_tail_free(PZ_PROFILE_MODERN);	/* lazy tails */
}

/* ---- item 6: what the header promises about destroy and NULL ------------------------------ */

static void test_destroy_with_pages_held(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_MODERN, NULL);
	pz_page_t *a = pz_alloc_pages(pz, PZ_GFP_KERNEL, 3);
	pz_page_t *b = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);

	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(pz_free_pages(pz, b, 0), 0); /* on a per-CPU list: not held */
	tu_log_reset();
	assert_int_equal(pz_destroy(pz), 0);
	assert_true(tu_log_contains("destroy: 8 pages still allocated"));
	assert_int_equal(pz_destroy(pz), -PZ_EINVAL);
	free(pz);
	/* nothing held: nothing said */
	pz = make(PZ_PROFILE_LINUX_4_1, NULL);
	tu_log_reset();
	assert_int_equal(pz_destroy(pz), 0);
	assert_int_equal(tu_log.count, 0);
	free(pz);
}

/* NOFAIL as the header promises it: a request that may not block cannot
 * loop, so once nothing is left it gets NULL, with a one-time warning
 * (the looping NOFAIL of blocking requests is test_oom's). */
static void test_nofail_without_reclaim_fails(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_LINUX_4_1, NULL);
	const pz_gfp_t gfp = PZ_GFP_NOWAIT | PZ__GFP_NOFAIL | PZ__GFP_NOWARN;
	static pz_page_t *held[NR_PAGES];
	unsigned n = 0;
	pz_page_t *p;

	tu_log_reset();
	while (n < NR_PAGES && (p = pz_alloc_pages(pz, gfp, 0)))
		held[n++] = p;
	assert_true(n > NR_PAGES / 2 && n < NR_PAGES);
	assert_null(pz_alloc_pages(pz, gfp, 0));
	assert_true(tu_log_contains("NOFAIL without direct reclaim"));
	while (n--)
		assert_int_equal(pz_free_pages(pz, held[n], 0), 0);
	tu_destroy(pz);
}

/* ---- item 6: the header cites what ships ---------------------------------------------- */

static void test_header_cites_no_spec(void **state)
{
	(void)state;
	static char text[1 << 17];
	FILE *f = fopen(PZ_SOURCE_DIR "/include/pagezone.h", "r");
	size_t n;

	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = 0;
	assert_true(n > 1000);
	assert_null(strstr(text, "spec section"));
	assert_null(strstr(text, "spec sections"));
	assert_null(strstr(text, "spec \xc2\xa7"));
	assert_null(strstr(text, "(spec "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strerror_extremes),
		cmocka_unit_test(test_set_state_mapcount_extremes),
		cmocka_unit_test(test_extremes_without_instance),
		cmocka_unit_test(test_extremes_dead_instance),
		cmocka_unit_test(test_extremes_live_instance),
		cmocka_unit_test(test_config_refuses_unknown_values),
		cmocka_unit_test(test_refusals_counted_and_reported),
		cmocka_unit_test(test_reports_clamp_negative_counters),
		cmocka_unit_test(test_host_sink_one_prefix),
		cmocka_unit_test(test_bad_page_report_is_one_line),
		cmocka_unit_test(test_leaked_compound_tail_free),
		cmocka_unit_test(test_destroy_with_pages_held),
		cmocka_unit_test(test_nofail_without_reclaim_fails),
		cmocka_unit_test(test_header_cites_no_spec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
