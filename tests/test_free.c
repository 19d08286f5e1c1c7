/*
 * test_free.c - freeing (free.c): misuse refused, counted and logged with
 * the allocator left valid (double free, wrong order, a tail page, pfns
 * outside the map), bad page state found at free (the page leaked for
 * good, every other page back), HWPOISON and dirty pages, the hot and
 * cold ends of the per-CPU lists, and list frees (spec sections 6.1-6.4).
 *
 * Black-box: only <pagezone.h> and the test helpers.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tu_machine tm;

/* ---------------------------------------------------------------------- */
/* Free misuse                                                             */

static void test_double_free(void **state)
{
	(void)state;
	tu_normal_machine(&tm, 8192);
	pz_t *pz = tu_normal_create(&tm);
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
	tu_normal_machine(&tm, 8192);
	pz_t *pz = tu_normal_create(&tm);
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
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_COMP, 2);
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
	tu_normal_machine(&tm, 8192);
	pz_t *pz = tu_normal_create(&tm);
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
	tu_normal_machine(&tm, 8192);
	pz_t *pz = tu_normal_create(&tm);
	uint64_t junk[8] = {0};
	pz_page_t *bogus = (pz_page_t *)(void *)junk;
	assert_int_equal(pz_page_get(pz, bogus), -PZ_ERANGE);
	tu_validate(pz);
	tu_destroy(pz);
}

/* ---------------------------------------------------------------------- */
/* Bad pages                                                               */

static void bad_free(unsigned bits, int mapcount)
{
	tu_normal_machine(&tm, 8192);
	pz_t *pz = tu_normal_create(&tm);
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
	tu_normal_machine(&tm, 8192);
	pz_t *pz = tu_normal_create(&tm);
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
	tu_normal_machine(&tm, 8192);
	pz_t *pz = tu_normal_create(&tm);
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
	tu_normal_machine(&tm, 8192);
	pz_t *pz = tu_normal_create(&tm);
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
/* Where freed pages go                                                    */

/* A hot free goes to the head of its per-CPU list, a cold one to the tail
 * (free_hot_cold_page); the list is read head first. */
static void test_free_hot_cold_ends(void **state)
{
	uint64_t got[64], pfn[3];
	pz_page_t *p[3];
	int mt;

	(void)state;
	tu_normal_machine(&tm, 8192);
	pz_t *pz = tu_normal_create(&tm);
	for (int i = 0; i < 3; i++) {
		assert_non_null(p[i] = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0));
		pfn[i] = pz_page_to_pfn(pz, p[i]);
	}
	mt = pz_pageblock_migratetype(pz, pfn[0]);
	assert_true(mt >= 0 && mt < PZ_MT_PCPTYPES);
	assert_int_equal(pz_pageblock_migratetype(pz, pfn[1]), mt);
	assert_int_equal(pz_pageblock_migratetype(pz, pfn[2]), mt);
	pz_drain_all_pages(pz);
	assert_int_equal(pz_free_pages_cold(pz, p[0], 0, 0), 0);
	assert_int_equal(pz_free_pages_cold(pz, p[1], 0, 1), 0);
	assert_int_equal(pz_free_pages_cold(pz, p[2], 0, 0), 0);
	assert_int_equal(
		pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, 0, (enum pz_migratetype)mt, got, 64), 3);
	assert_int_equal(got[0], pfn[2]);
	assert_int_equal(got[1], pfn[0]);
	assert_int_equal(got[2], pfn[1]);
	tu_validate(pz);
	tu_destroy(pz);
}

/* A list free returns every page once, counted in pgfree, and the zone is
 * whole again after the drain; a page freed twice in one list is refused
 * once and counted. */
static void test_free_page_list(void **state)
{
	enum {
		N = 100
	};
	pz_page_t *p[N + 1];

	(void)state;
	tu_normal_machine(&tm, 8192);
	pz_t *pz = tu_normal_create(&tm);
	for (int i = 0; i < N; i++)
		assert_non_null(p[i] = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0));
	int64_t pgfree0 = tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_PGFREE];
	struct pz_errors e0 = tu_errors(pz);
	p[N] = p[7];
	tu_log_reset();
	assert_int_equal(pz_free_page_list(pz, p, N + 1, 0), -PZ_EFAULT);
	assert_int_equal(tu_errors(pz).double_free, e0.double_free + 1);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_PGFREE] - pgfree0, N);
	pz_drain_all_pages(pz);
	assert_int_equal(tu_free_pages(pz), 8192);
	tu_validate(pz);
	tu_destroy(pz);
}
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_double_free),
		cmocka_unit_test(test_free_wrong_order_and_tail),
		cmocka_unit_test(test_free_outside_map),
		cmocka_unit_test(test_get_outside_map),
		cmocka_unit_test(test_bad_page_locked),
		cmocka_unit_test(test_bad_page_lru_writeback),
		cmocka_unit_test(test_bad_page_mapcount),
		cmocka_unit_test(test_bad_page_in_block),
		cmocka_unit_test(test_hwpoison_page_leaked),
		cmocka_unit_test(test_dirty_page_freed),
		cmocka_unit_test(test_free_hot_cold_ends),
		cmocka_unit_test(test_free_page_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
