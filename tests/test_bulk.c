/*
 * test_bulk.c - alloc_pages_bulk / the bulk free: every empty slot filled
 * with a distinct allocated page, existing entries kept, graceful shortfall
 * when memory runs out, the single-allocation fallback (tracing), and every
 * page back afterwards.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

static struct tu_machine tm;

static pz_t *make(int trace)
{
	static struct pz_platform plat;
	struct pz_config cfg;

	tu_machine_init(&tm, 1, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, 4096 + 16384);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096 + 16384, 4096 + 32768);
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &tm.m;
	cfg.profile = PZ_PROFILE_MODERN;
	plat = tu_platform(trace);
	cfg.platform = &plat;
	tu_cpu = 0;
	tu_trace.events = NULL;
	tu_trace_reset();
	return tu_create(&cfg);
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
	return x < y ? -1 : x > y;
}

static void check_distinct_allocated(pz_t *pz, pz_page_t **pages, size_t n)
{
	pz_page_t **copy = malloc(n * sizeof(*copy));

	memcpy(copy, pages, n * sizeof(*copy));
	qsort(copy, n, sizeof(*copy), cmp_ptr);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(copy[i]);
		assert_int_equal(pz_pfn_state(pz, pz_page_to_pfn(pz, copy[i])),
				 PZ_PAGE_STATE_ALLOCATED);
		assert_int_equal(pz_page_refcount(pz, copy[i]), 1);
		if (i)
			assert_true(copy[i] != copy[i - 1]);
	}
	free(copy);
}

static void test_bulk_fill_and_free(void **state)
{
	(void)state;
	pz_t *pz = make(0);
	uint64_t free0 = tu_free_pages(pz);
	struct pz_zone_info before, after;
	pz_page_t *pages[3000];

	assert_int_equal(pz_zone_info(pz, 0, PZ_ZONE_NORMAL, &before), 0);
	memset(pages, 0, sizeof(pages));
	assert_int_equal(pz_alloc_pages_bulk(pz, PZ_GFP_KERNEL, PZ_NUMA_NO_NODE, NULL, 3000, pages),
			 3000);
	check_distinct_allocated(pz, pages, 3000);
	assert_int_equal(pz_validate(pz), 0);
	assert_int_equal(pz_zone_info(pz, 0, PZ_ZONE_NORMAL, &after), 0);
	/* all from the preferred zone: it passes LOW with 3000 pages taken out */
	assert_int_equal(after.stat[PZ_PGALLOC] - before.stat[PZ_PGALLOC], 3000);
	for (int i = 0; i < 3000; i++)
		assert_int_equal(pz_page_zonenum(pz, pages[i]), PZ_ZONE_NORMAL);
	assert_int_equal(pz_free_pages_bulk(pz, pages, 3000), 0);
	pz_drain_all_pages(pz);
	assert_int_equal(tu_free_pages(pz), free0);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

static void test_bulk_keeps_existing_entries(void **state)
{
	(void)state;
	pz_t *pz = make(0);
	pz_page_t *pages[64];

	memset(pages, 0, sizeof(pages));
	pz_page_t *mine = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	pages[5] = mine;
	pages[40] = mine;
	assert_int_equal(pz_alloc_pages_bulk(pz, PZ_GFP_KERNEL, 0, NULL, 64, pages), 64);
	assert_ptr_equal(pages[5], mine);
	assert_ptr_equal(pages[40], mine);
	assert_int_equal(pz_page_refcount(pz, mine), 1);
	pages[40] = NULL;
	check_distinct_allocated(pz, pages, 40);
	assert_int_equal(pz_free_pages_bulk(pz, pages, 64), 0);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

static void test_bulk_shortfall(void **state)
{
	(void)state;
	pz_t *pz = make(0);
	size_t n = 40000; /* more than the machine has */
	pz_page_t **pages = calloc(n, sizeof(*pages));
	uint64_t free0 = tu_free_pages(pz);

	size_t got = pz_alloc_pages_bulk(pz, PZ_GFP_KERNEL | PZ_GFP_NOWARN, 0, NULL, n, pages);
	assert_true(got > 30000 && got < n);
	for (size_t i = 0; i < got; i++)
		assert_non_null(pages[i]); /* filled from the front, no gaps */
	assert_null(pages[got]);
	assert_int_equal(pz_validate(pz), 0);
	assert_int_equal(pz_free_pages_bulk(pz, pages, n), 0);
	pz_drain_all_pages(pz);
	assert_int_equal(tu_free_pages(pz), free0);
	free(pages);
	tu_destroy(pz);
}

static void test_bulk_with_tracing_uses_singles(void **state)
{
	(void)state;
	pz_t *pz = make(1);
	pz_page_t *pages[100];

	memset(pages, 0, sizeof(pages));
	tu_trace_reset();
	assert_int_equal(pz_alloc_pages_bulk(pz, PZ_GFP_KERNEL, 0, NULL, 100, pages), 100);
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC], 100);
	check_distinct_allocated(pz, pages, 100);
	assert_int_equal(pz_free_pages_bulk(pz, pages, 100), 0);
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_FREE], 100);
	assert_int_equal(pz_free_pages_bulk(pz, pages, 1), -PZ_EFAULT); /* double free */
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

/* A page on the per-CPU list that went bad while free (a memory error) is
 * met by the bulk pass: reported and leaked after the lock is dropped, its
 * slot filled with another page. */
static void test_bulk_meets_bad_page(void **state)
{
	(void)state;
	pz_t *pz = make(0);
	pz_page_t *pages[16], *mine[8];
	struct pz_errors e;
	uint64_t free0 = tu_free_pages(pz);

	for (int i = 0; i < 8; i++)
		assert_non_null(mine[i] = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0));
	for (int i = 0; i < 8; i++)
		assert_int_equal(pz_free_pages(pz, mine[i], 0), 0);
	uint64_t bad_pfn = pz_page_to_pfn(pz, mine[3]);
	assert_int_equal(pz_pfn_state(pz, bad_pfn), PZ_PAGE_STATE_PCP);
	assert_int_equal(pz_page_set_state(pz, mine[3], PZ_PAGE_HWPOISON, 0), 0);
	memset(pages, 0, sizeof(pages));
	assert_int_equal(pz_alloc_pages_bulk(pz, PZ_GFP_KERNEL, 0, NULL, 16, pages), 16);
	check_distinct_allocated(pz, pages, 16);
	for (int i = 0; i < 16; i++)
		assert_ptr_not_equal(pages[i], mine[3]);
	assert_int_equal(pz_pfn_state(pz, bad_pfn), PZ_PAGE_STATE_LEAKED);
	pz_errors(pz, &e);
	assert_int_equal(e.bad_page_alloc, 1);
	assert_int_equal(e.leaked_pages, 1);
	assert_int_equal(pz_free_pages_bulk(pz, pages, 16), 0);
	pz_drain_all_pages(pz);
	assert_int_equal(pz_validate(pz), 0);
	assert_int_equal(tu_free_pages(pz), free0 - 1);
	tu_destroy(pz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bulk_fill_and_free),
		cmocka_unit_test(test_bulk_keeps_existing_entries),
		cmocka_unit_test(test_bulk_shortfall),
		cmocka_unit_test(test_bulk_with_tracing_uses_singles),
		cmocka_unit_test(test_bulk_meets_bad_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
