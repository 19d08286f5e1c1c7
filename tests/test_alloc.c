/*
 * test_alloc.c - the fast path's policies and the non-blocking slow path:
 * fair zone allocation, __GFP_WRITE dirty spreading, cpusets (HARDWALL,
 * the hardwall-ancestor escape, atomic requests), retry_cpuset,
 * zone_reclaim, and the watermark relaxations of ATOMIC and MEMALLOC.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

static struct tu_machine tm;
static struct pz_platform plat;

static pz_t *create(const struct pz_machine *m, enum pz_profile profile, unsigned reclaim_mode)
{
	struct pz_config cfg;

	tu_config(&cfg, m, profile, 0);
	cfg.zone_reclaim_mode = reclaim_mode;
	cfg.platform = &plat;
	return tu_create(&cfg);
}

/* One node: DMA32 and Normal of 16384 pages each. */
static void two_zone_machine(void)
{
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, 4096 + 16384);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096 + 16384, 4096 + 32768);
	plat = tu_platform(0);
	tu_cpu = 0;
}

/* Two nodes with a Normal zone each; the only CPU is on node 0. */
static void two_node_machine(void)
{
	tu_machine_init(&tm, 2, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 0x10000, 0x10000 + 8192);
	tu_add_zone(&tm, 1, PZ_ZONE_NORMAL, 0x20000, 0x20000 + 8192);
	plat = tu_platform(0);
	tu_cpu = 0;
}

/*
 * Fair zone policy (4.1): local zones are used in proportion to their
 * high - low gap: once Normal's batch is spent, DMA32 serves, so both zones
 * are used long before either nears its watermark. Without the policy
 * (modern profile) every page comes from Normal while it is above LOW.
 */
static unsigned dma32_pages_in_first(enum pz_profile profile, unsigned n)
{
	pz_t *pz;
	unsigned in_dma32 = 0;

	two_zone_machine();
	pz = create(&tm.m, profile, 0);
	assert_non_null(pz);
	for (unsigned i = 0; i < n; i++) {
		pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);

		assert_non_null(p);
		in_dma32 += pz_page_zonenum(pz, p) == PZ_ZONE_DMA32;
	}
	tu_validate(pz);
	tu_destroy(pz);
	return in_dma32;
}

static void test_fair_policy(void **state)
{
	(void)state;
	/* Both zones are equal, so fairness gives DMA32 about half. */
	unsigned fair = dma32_pages_in_first(PZ_PROFILE_LINUX_4_1, 4000);
	unsigned unfair = dma32_pages_in_first(PZ_PROFILE_MODERN, 4000);

	assert_true(fair > 1000 && fair < 3000);
	assert_int_equal(unfair, 0);
}

static void test_fair_batch_accounting(void **state)
{
	(void)state;
	two_zone_machine();
	pz_t *pz = create(&tm.m, PZ_PROFILE_LINUX_4_1, 0);
	struct pz_zone_info zi = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	int64_t batch = zi.stat[PZ_NR_ALLOC_BATCH];

	assert_int_equal(batch, (int64_t)(zi.wmark_high - zi.wmark_low));
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_COMP, 3);
	assert_non_null(p);
	assert_int_equal(pz_page_zonenum(pz, p), PZ_ZONE_NORMAL);
	/* NR_ALLOC_BATCH drops by 1 << order per allocation */
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_ALLOC_BATCH], batch - 8);
	pz_free_pages(pz, p, 3);
	tu_destroy(pz);
}

/* __GFP_WRITE skips a zone over its dirty limit, in the fast path only. */
static void test_dirty_spreading(void **state)
{
	(void)state;
	two_zone_machine();
	pz_t *pz = create(&tm.m, PZ_PROFILE_MODERN, 0); /* no fair policy: Normal first */
	struct pz_zone_dirty d;

	memset(&d, 0, sizeof(d));
	d.nr_dirty = 16384; /* far above 20% of Normal's dirtyable pages */
	assert_int_equal(pz_zone_set_dirty(pz, 0, PZ_ZONE_NORMAL, &d), 0);
	pz_page_t *w = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE | PZ__GFP_WRITE, 0);
	pz_page_t *r = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE, 0);
	assert_int_equal(pz_page_zonenum(pz, w), PZ_ZONE_DMA32);
	assert_int_equal(pz_page_zonenum(pz, r), PZ_ZONE_NORMAL);
	/* under the limit the writer stays in Normal */
	d.nr_dirty = 10;
	assert_int_equal(pz_zone_set_dirty(pz, 0, PZ_ZONE_NORMAL, &d), 0);
	pz_page_t *w2 = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE | PZ__GFP_WRITE, 0);
	assert_int_equal(pz_page_zonenum(pz, w2), PZ_ZONE_NORMAL);
	assert_int_equal(pz_zone_set_dirty(pz, 0, PZ_ZONE_HIGHMEM, &d), -PZ_ENODEV);
	pz_free_pages(pz, w, 0);
	pz_free_pages(pz, r, 0);
	pz_free_pages(pz, w2, 0);
	tu_destroy(pz);
}

/* Allocates order-0 pages with gfp until NULL; returns how many. */
static unsigned exhaust(pz_t *pz, pz_gfp_t gfp, int nid)
{
	unsigned n = 0;

	while (pz_alloc_pages_node(pz, nid, gfp | PZ__GFP_NOWARN, 0))
		n++;
	return n;
}

/*
 * cpusets: GFP_USER (hardwall) stays inside mems_allowed; GFP_KERNEL may,
 * in the slow path, use the nearest hardwalled ancestor's nodes; atomic
 * requests ignore the cpuset.
 */
static void test_cpuset_hardwall(void **state)
{
	(void)state;
	struct pz_task task;

	two_node_machine();
	pz_t *pz = create(&tm.m, PZ_PROFILE_LINUX_4_1, 0);
	pz_task_init(&task);
	pz_set_current_task(&task);
	assert_int_equal(pz_task_set_mems_allowed(pz, &task, 0x2, 0x3), 0);

	pz_page_t *p = pz_alloc_pages_node(pz, 0, PZ_GFP_USER, 0);
	assert_int_equal(pz_page_to_nid(pz, p), 1); /* node 0 is outside the cpuset */
	unsigned n = exhaust(pz, PZ_GFP_USER, 0);
	assert_true(n > 7000);
	assert_null(pz_alloc_pages_node(pz, 0, PZ_GFP_USER | PZ__GFP_NOWARN, 0));
	/* GFP_KERNEL escapes to the hardwall ancestor's node 0 in the slow path */
	p = pz_alloc_pages_node(pz, 0, PZ_GFP_KERNEL, 0);
	assert_non_null(p);
	assert_int_equal(pz_page_to_nid(pz, p), 0);
	/* an atomic request ignores the cpuset */
	p = pz_alloc_pages_node(pz, 0, PZ_GFP_ATOMIC, 0);
	assert_non_null(p);
	/* a hardwall equal to the cpuset leaves GFP_KERNEL nowhere to go */
	assert_int_equal(pz_task_set_mems_allowed(pz, &task, 0x2, 0x2), 0);
	assert_null(pz_alloc_pages_node(pz, 1, PZ_GFP_KERNEL | PZ__GFP_NOWARN, 0));
	assert_int_equal(pz_task_set_mems_allowed(pz, &task, 0x3, 0), 0);
	assert_int_equal(pz_task_set_mems_allowed(pz, &task, 0, 0), -PZ_EINVAL);
	pz_set_current_task(NULL);
	tu_validate(pz);
	tu_destroy(pz);
}

/* zone_reclaim hook that moves the current task's cpuset on its Nth call. */
static struct {
	unsigned calls, change_at;
	struct pz_task *task;
	pz_t *pz;
	enum pz_zone_reclaim_result result;
} zr;

static enum pz_zone_reclaim_result zone_reclaim_hook(void *ctx, int nid, enum pz_zone_type zone,
						     pz_gfp_t gfp, unsigned order)
{
	(void)ctx;
	(void)nid;
	(void)zone;
	(void)gfp;
	(void)order;
	if (++zr.calls == zr.change_at)
		pz_task_set_mems_allowed(zr.pz, zr.task, 0x2, 0x2);
	return zr.result;
}

/*
 * retry_cpuset: node 0 is exhausted; the task's cpuset moves to node 1
 * while the allocation runs (from the zone_reclaim hook of the slow
 * path's attempt, the third call: fast path, its rescan, slow path). The
 * failed attempt notices the seqcount change and starts over on node 1.
 */
static void test_retry_cpuset(void **state)
{
	(void)state;
	struct pz_task task;

	two_node_machine();
	plat.zone_reclaim = zone_reclaim_hook;
	pz_t *pz = create(&tm.m, PZ_PROFILE_LINUX_4_1, 1);
	pz_task_init(&task);
	pz_set_current_task(&task);
	assert_int_equal(pz_task_set_mems_allowed(pz, &task, 0x1, 0x1), 0);
	memset(&zr, 0, sizeof(zr));
	zr.result = PZ_ZONE_RECLAIM_FULL;
	zr.pz = pz;
	zr.task = &task;
	exhaust(pz, PZ_GFP_USER, 0);
	assert_true(zr.calls > 0); /* the hook ran as node 0 fell below LOW */

	zr.calls = 0;
	zr.change_at = 3;
	pz_page_t *p = pz_alloc_pages_node(pz, 1, PZ_GFP_USER, 0);
	assert_non_null(p);
	assert_int_equal(pz_page_to_nid(pz, p), 1);
	assert_int_equal(zr.calls, 3);

	/* a hook that reports success gets the watermark rechecked: still
	 * low, so the zone is skipped and the request fails (no OOM handler);
	 * the OOM step's HIGH attempt is the fourth call */
	assert_int_equal(pz_task_set_mems_allowed(pz, &task, 0x1, 0x1), 0);
	zr.calls = 0;
	zr.change_at = 0;
	zr.result = PZ_ZONE_RECLAIM_SUCCESS;
	assert_null(pz_alloc_pages_node(pz, 0, PZ_GFP_USER | PZ__GFP_NOWARN, 0));
	assert_int_equal(zr.calls, 4);
	/* requests that may not block never call it (NOSCAN); no reclaim bit
	 * at all is 4.1's __GFP_NO_KSWAPD without __GFP_WAIT: not atomic, so
	 * it fails at MIN (GFP_NOWAIT would be atomic in 4.1 and dip lower) */
	zr.calls = 0;
	assert_null(pz_alloc_pages_node(pz, 0, PZ__GFP_HARDWALL | PZ__GFP_NOWARN, 0));
	assert_int_equal(zr.calls, 0);
	pz_set_current_task(NULL);
	tu_validate(pz);
	tu_destroy(pz);
}

/*
 * Below the MIN watermark: GFP_KERNEL fails (no reclaim yet), GFP_ATOMIC
 * (ALLOC_HIGH | ALLOC_HARDER: 3/8 of MIN) still succeeds, and a MEMALLOC
 * task ignores watermarks, its pages marked pfmemalloc.
 */
static void test_reserves(void **state)
{
	(void)state;
	struct pz_task task;

	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 8192 + 16384);
	plat = tu_platform(0);
	pz_t *pz = create(&tm.m, PZ_PROFILE_LINUX_4_1, 0);
	struct pz_zone_info zi = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	uint64_t min = zi.wmark_min;

	exhaust(pz, PZ_GFP_KERNEL, 0);
	pz_drain_all_pages(pz);
	exhaust(pz, PZ_GFP_KERNEL, 0);
	zi = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	/* GFP_KERNEL stops at MIN: free <= min + reserve means failure */
	assert_true((uint64_t)zi.stat[PZ_NR_FREE_PAGES] <= min + 32);
	unsigned atomic = exhaust(pz, PZ_GFP_ATOMIC, 0);
	assert_true(atomic > 0);
	zi = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	/* ATOMIC may go down to min - min/2 - (min - min/2)/4 */
	uint64_t floor = min - min / 2;
	floor -= floor / 4;
	assert_true((uint64_t)zi.stat[PZ_NR_FREE_PAGES] <= floor + 32);
	assert_true((uint64_t)zi.stat[PZ_NR_FREE_PAGES] + 32 >= floor / 2);

	pz_task_init(&task);
	task.flags = PZ_TASK_MEMALLOC;
	pz_set_current_task(&task);
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_non_null(p);
	assert_true(pz_page_is_pfmemalloc(pz, p));
	/* NOMEMALLOC overrides the task flag */
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_NOMEMALLOC | PZ__GFP_NOWARN, 0));
	pz_set_current_task(NULL);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	tu_validate(pz);
	tu_destroy(pz);
}

static int reset_task(void **state)
{
	(void)state;
	pz_set_current_task(NULL);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_fair_policy, reset_task),
		cmocka_unit_test_teardown(test_fair_batch_accounting, reset_task),
		cmocka_unit_test_teardown(test_dirty_spreading, reset_task),
		cmocka_unit_test_teardown(test_cpuset_hardwall, reset_task),
		cmocka_unit_test_teardown(test_retry_cpuset, reset_task),
		cmocka_unit_test_teardown(test_reserves, reset_task),
	};
	return cmocka_run_group_tests(tests, NULL, reset_task);
}
