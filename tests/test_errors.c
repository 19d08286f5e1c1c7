/*
 * test_errors.c - the error paths of init, allocation and free, one by
 * one: every configuration pz_metadata_size / pz_init refuse, with the
 * message naming the problem; every bad argument of the page, free and
 * report functions, with the documented return and counter; the one-time
 * allocation warnings; a request for a node that does not exist; the
 * PF_MEMALLOC_NOIO mask of the slow path. Each leaves the instance valid
 * with every page accounted for.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

static struct tu_machine tm;

/* ---- pages, frees and reports -------------------------------------------------- */

#define DM_PFN	 8192
#define DM_PAGES 1024

struct inst {
	pz_t *pz;
	char *dm;
	struct pz_platform plat;
	uint64_t free0;
};

/* DMA [1, 4096) without a direct map below it, Normal [8192, 9216) mapped,
 * its first 8 pages reserved. */
static void make(struct inst *in)
{
	struct pz_config cfg;

	tu_machine_init(&tm, 1, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA, 1, 4096);
	struct pz_zone_desc *n = tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, DM_PFN, DM_PFN + DM_PAGES);
	tu_zone_reserved(&tm, 0, n, DM_PFN, DM_PFN + 8);
	in->dm = aligned_alloc(4096, (size_t)DM_PAGES << 12);
	assert_non_null(in->dm);
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &tm.m;
	in->plat = tu_platform(0);
	cfg.platform = &in->plat;
	cfg.direct_map = in->dm;
	cfg.direct_map_pfn = DM_PFN;
	tu_cpu = 0;
	in->pz = tu_create(&cfg);
	assert_non_null(in->pz);
	in->free0 = tu_free_pages(in->pz);
	tu_log_reset();
}

static void done(struct inst *in)
{
	pz_drain_all_pages(in->pz);
	assert_int_equal(pz_validate(in->pz), 0);
	assert_int_equal(tu_free_pages(in->pz), in->free0);
	tu_destroy(in->pz);
	free(in->dm);
}

static void test_page_arguments(void **state)
{
	(void)state;
	struct inst in;
	uint64_t junk[4] = {0};
	pz_page_t *bogus = (pz_page_t *)(void *)junk;

	make(&in);
	pz_t *pz = in.pz;
	pz_page_t *dma = pz_alloc_pages(pz, PZ_GFP_DMA, 0);
	pz_page_t *reserved = pz_pfn_to_page(pz, DM_PFN);

	assert_non_null(dma);
	assert_non_null(reserved);
	assert_int_equal(pz_page_to_pfn(NULL, dma), (uint64_t)-1);
	assert_null(pz_compound_head(pz, bogus));
	/* a page below the direct map has no address */
	assert_null(pz_page_address(pz, dma));
	/* state bits: foreign page, unknown bits, reserved page, free page */
	assert_int_equal(pz_page_set_state(pz, bogus, PZ_PAGE_LOCKED, 0), -PZ_ERANGE);
	assert_int_equal(pz_page_set_state(pz, dma, 0x20, 0), -PZ_EINVAL);
	assert_int_equal(pz_page_set_state(pz, reserved, PZ_PAGE_LOCKED, 0), -PZ_ERANGE);
	pz_page_t *freepg = pz_pfn_to_page(pz, DM_PFN + DM_PAGES - 1);
	assert_int_equal(pz_page_refcount(pz, freepg), 0);
	assert_int_equal(pz_page_set_state(pz, freepg, PZ_PAGE_LOCKED, 0), -PZ_EFAULT);
	assert_int_equal(pz_page_set_state(pz, freepg, PZ_PAGE_HWPOISON, 1), -PZ_EFAULT);
	pz_task_init(NULL); /* ignored */
	assert_int_equal(pz_free_pages(pz, dma, 0), 0);
	done(&in);
}

static void test_free_errors(void **state)
{
	(void)state;
	struct inst in;
	struct pz_errors e;

	make(&in);
	pz_t *pz = in.pz;
	pz_page_t *a = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	pz_page_t *b = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	pz_page_t *reserved = pz_pfn_to_page(pz, DM_PFN + 3);

	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(pz_free_pages(NULL, a, 0), -PZ_EINVAL);
	assert_int_equal(pz_free_pages(pz, a, 11), -PZ_EINVAL); /* order past max */
	assert_int_equal(pz_free_pages(pz, reserved, 0), -PZ_ERANGE);
	assert_true(tu_log_contains("page is not managed"));
	assert_int_equal(pz_free_pages_addr(NULL, pz_page_address(pz, a), 0), -PZ_EINVAL);
	pz_errors(pz, &e);
	assert_int_equal(e.bad_order, 1);
	assert_int_equal(e.bad_pfn, 1);
	/* a list with a bad entry: the first error, every other page freed */
	pz_page_t *list[3] = {a, reserved, b};
	assert_int_equal(pz_free_page_list(pz, list, 3, 0), -PZ_ERANGE);
	assert_int_equal(pz_page_refcount(pz, a), 0);
	assert_int_equal(pz_page_refcount(pz, b), 0);
	assert_int_equal(pz_free_page_list(NULL, list, 3, 0), -PZ_EINVAL);
	assert_int_equal(pz_free_page_list(pz, NULL, 3, 0), -PZ_EINVAL);
	/* exact-size frees with bad arguments */
	assert_int_equal(pz_free_pages_exact(pz, NULL, 4096), -PZ_EINVAL);
	assert_int_equal(pz_free_pages_exact(pz, in.dm, 0), -PZ_EINVAL);
	assert_int_equal(pz_free_pages_exact(pz, in.dm, (size_t)1 << 40), -PZ_EINVAL);
	pz_errors(NULL, &e);
	assert_int_equal(e.bad_pfn + e.bad_order + e.alloc_failed, 0);
	pz_errors(pz, NULL); /* ignored */
	done(&in);
}

static void test_exact_failures(void **state)
{
	(void)state;
	struct inst in;
	struct pz_fault_attr a;

	make(&in);
	assert_null(pz_alloc_pages_exact(in.pz, (size_t)1 << 40, PZ_GFP_KERNEL));
	/* the allocation under it fails: nothing split, nothing freed twice */
	pz_fault_attr_default(&a);
	a.probability = 100;
	a.verbose = 0;
	a.ignore_gfp_reclaim = false;
	assert_int_equal(pz_set_fail_page_alloc(in.pz, &a), 0);
	assert_null(pz_alloc_pages_exact(in.pz, 3 * 4096, PZ_GFP_KERNEL));
	void *x = pz_alloc_pages_exact(in.pz, 3 * 4096, PZ_GFP_KERNEL); /* times used up */
	assert_non_null(x);
	assert_int_equal(pz_free_pages_exact(in.pz, x, 3 * 4096), 0);
	done(&in);
}

static void test_query_arguments(void **state)
{
	(void)state;
	struct inst in;
	struct pz_pcp_info pi;
	char buf[16] = "untouched";

	make(&in);
	pz_t *pz = in.pz;
	assert_int_equal(pz_zone_info(pz, 0, PZ_ZONE_NORMAL, NULL), -PZ_EINVAL);
	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, NULL), -PZ_EINVAL);
	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 2, &pi), -PZ_ENODEV);
	assert_int_equal(pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 0, PZ_ALLOC_NO_WATERMARKS,
					      PZ_ZONE_NORMAL),
			 1);
	assert_int_equal(pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 0, 3, PZ_ZONE_NORMAL),
			 -PZ_EINVAL);
	assert_int_equal(pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 11, 0, PZ_ZONE_NORMAL),
			 -PZ_EINVAL);
	assert_int_equal(pz_report_pagetypeinfo(NULL, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	strcpy(buf, "untouched");
	assert_int_equal(pz_report_vmstat(NULL, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	done(&in);
}

/* ---- allocation ------------------------------------------------------------------ */

static void test_allocation_warnings(void **state)
{
	(void)state;
	struct inst in;
	struct pz_errors e;

	make(&in);
	pz_t *pz = in.pz;
	/* __GFP_NOFAIL above order 1: warned once */
	for (int i = 0; i < 2; i++) {
		pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_NOFAIL, 2);
		assert_non_null(p);
		assert_int_equal(pz_free_pages(pz, p, 2), 0);
	}
	assert_true(tu_log_contains("WARNING: __GFP_NOFAIL with order 2 > 1"));
	assert_int_equal(tu_log.count, 1);
	/* MOVABLE and RECLAIMABLE together: warned once, slot 3 */
	tu_log_reset();
	for (int i = 0; i < 2; i++) {
		pz_page_t *p = pz_alloc_pages(
			pz, PZ_GFP_KERNEL | PZ__GFP_MOVABLE | PZ__GFP_RECLAIMABLE, 0);
		assert_non_null(p);
		assert_int_equal(pz_free_pages(pz, p, 0), 0);
	}
	assert_true(tu_log_contains("asks for both MOVABLE and RECLAIMABLE"));
	assert_int_equal(tu_log.count, 1);
	/* a node that does not exist: no page, counted */
	assert_null(pz_alloc_pages_node(pz, 3, PZ_GFP_KERNEL, 0));
	pz_errors(pz, &e);
	assert_int_equal(e.other, 1);
	assert_int_equal(e.alloc_failed, 1);
	done(&in);
}

/* PF_MEMALLOC_NOIO: the slow path asks without IO and FS (trace shows it). */
static void test_memalloc_noio_mask(void **state)
{
	(void)state;
	struct pz_config cfg;
	struct pz_zone_info zi;
	struct pz_task task;
	pz_page_t *held[1024];
	unsigned n = 0;

	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 4096 + 1024);
	tu_config(&cfg, &tm.m, PZ_PROFILE_LINUX_4_1, 1);
	pz_t *pz = tu_create(&cfg);
	assert_non_null(pz);
	/* down to between the MIN and LOW marks: the fast path fails, the
	 * slow path's MIN attempt succeeds */
	for (;;) {
		assert_int_equal(pz_zone_info(pz, 0, PZ_ZONE_NORMAL, &zi), 0);
		if (zi.stat[PZ_NR_FREE_PAGES] <= (int64_t)zi.wmark_low)
			break;
		held[n] = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
		assert_non_null(held[n++]);
	}
	assert_true(zi.stat[PZ_NR_FREE_PAGES] > (int64_t)zi.wmark_min + 4);
	pz_task_init(&task);
	for (int noio = 0; noio < 2; noio++) {
		task.flags = noio ? PZ_TASK_MEMALLOC_NOIO : 0;
		pz_set_current_task(&task);
		tu_trace_reset();
		held[n] = pz_alloc_pages(pz, PZ_GFP_KERNEL, 1);
		pz_set_current_task(NULL);
		assert_non_null(held[n]);
		assert_int_equal(pz_free_pages(pz, held[n], 1), 0);
		assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC], 1);
		assert_int_equal(tu_trace.last[PZ_TRACE_PAGE_ALLOC].gfp_flags,
				 noio ? PZ_GFP_NOIO : PZ_GFP_KERNEL);
	}
	while (n)
		assert_int_equal(pz_free_pages(pz, held[--n], 0), 0);
	tu_validate(pz);
	tu_destroy(pz);
}

/* The slow path's early exits and their warnings, with memory gone. */
static void test_slowpath_exits(void **state)
{
	(void)state;
	static pz_page_t *held[2048];
	struct pz_task task;
	struct pz_errors e;
	unsigned n = 0;

	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 4096 + 1024);
	pz_t *pz = tu_create_machine(&tm.m, PZ_PROFILE_MODERN);
	assert_non_null(pz);
	uint64_t free0 = tu_free_pages(pz);
	/* below the LOW mark: a modern __GFP_ATOMIC request that may also
	 * reclaim is warned about once, then served without ATOMIC */
	for (;;) {
		struct pz_zone_info zi;

		assert_int_equal(pz_zone_info(pz, 0, PZ_ZONE_NORMAL, &zi), 0);
		if (zi.stat[PZ_NR_FREE_PAGES] <= (int64_t)zi.wmark_low)
			break;
		assert_non_null(held[n++] = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0));
	}
	tu_log_reset();
	assert_non_null(held[n++] = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_ATOMIC, 0));
	assert_non_null(held[n++] = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_ATOMIC, 0));
	assert_true(tu_log_contains("WARNING: __GFP_ATOMIC together with __GFP_DIRECT_RECLAIM"));
	assert_int_equal(tu_log.count, 1);
	/* everything, reserves included */
	while ((held[n] = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_MEMALLOC | PZ__GFP_NOWARN, 0)))
		n++;
	assert_int_equal(tu_free_pages(pz) + tu_pcp_pages(pz), 0);
	/* NOFAIL without direct reclaim cannot be honoured: warned, fails */
	tu_log_reset();
	assert_null(pz_alloc_pages(pz, PZ_GFP_NOWAIT | PZ__GFP_NOFAIL, 0));
	assert_true(tu_log_contains("WARNING: __GFP_NOFAIL without direct reclaim"));
	assert_true(tu_log_contains("page allocation failure: order:0"));
	/* an OOM victim and a task already in reclaim get nothing either */
	pz_task_init(&task);
	pz_set_current_task(&task);
	task.flags = PZ_TASK_OOM_VICTIM;
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_NOWARN, 1));
	task.flags = PZ_TASK_MEMALLOC;
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_NOWARN, 0));
	pz_set_current_task(NULL);
	pz_errors(pz, &e);
	assert_int_equal(e.alloc_failed, 4); /* the exhausting one, NOFAIL, victim, memalloc */
	while (n)
		assert_int_equal(pz_free_pages(pz, held[--n], 0), 0);
	pz_drain_all_pages(pz);
	tu_validate(pz);
	assert_int_equal(tu_free_pages(pz), free0);
	tu_destroy(pz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_arguments),
		cmocka_unit_test(test_free_errors),
		cmocka_unit_test(test_exact_failures),
		cmocka_unit_test(test_query_arguments),
		cmocka_unit_test(test_allocation_warnings),
		cmocka_unit_test(test_memalloc_noio_mask),
		cmocka_unit_test(test_slowpath_exits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
