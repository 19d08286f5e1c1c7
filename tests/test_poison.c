/*
 * test_poison.c - PZ_DEBUG_POISON: freed pages carry the poison pattern
 * and a write to a free page is reported as a use-after-free when the
 * page is next allocated; clean cycles report nothing; the option needs a
 * direct map.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#define SPAN 8192
#define BASE 8192

static struct tu_machine tm;
static unsigned char *mem;

static pz_t *make(unsigned debug, int with_map)
{
	struct pz_config cfg;

	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, BASE, BASE + SPAN);
	tu_config(&cfg, &tm.m, PZ_PROFILE_LINUX_4_1, 0);
	cfg.debug = debug;
	tu_cpu = 0;
	if (with_map) {
		mem = aligned_alloc(4096, (size_t)SPAN * 4096);
		memset(mem, 0x11, (size_t)SPAN * 4096);
		cfg.direct_map = mem;
		cfg.direct_map_pfn = BASE;
	}
	return tu_create(&cfg);
}

static void test_poison_needs_direct_map(void **state)
{
	(void)state;
	tu_log_reset();
	assert_null(make(PZ_DEBUG_POISON, 0));
	assert_true(tu_log_contains("direct map"));
	assert_null(make(0x80, 1)); /* unknown debug flag */
	free(mem);
}

static void test_use_after_free_reported(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_DEBUG_POISON, 1);
	struct pz_errors e;

	assert_non_null(pz);
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	unsigned char *a = pz_page_address(pz, p);
	memset(a, 0x5a, 4096);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	/* the freed page now holds the poison */
	for (int i = 0; i < 4096; i++)
		assert_int_equal(a[i], PZ_POISON_BYTE);
	/* a clean reallocation reports nothing */
	tu_log_reset();
	pz_page_t *q = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_ptr_equal(q, p); /* hot: the page just freed comes back first */
	pz_errors(pz, &e);
	assert_int_equal(e.use_after_free, 0);
	assert_int_equal(pz_free_pages(pz, q, 0), 0);
	/* write after free, then reallocate: reported with pfn and offset */
	a[100] = 0;
	tu_log_reset();
	q = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_ptr_equal(q, p);
	pz_errors(pz, &e);
	assert_int_equal(e.use_after_free, 1);
	assert_true(tu_log_contains("use after free"));
	assert_true(tu_log_contains("offset 100"));
	assert_int_equal(pz_free_pages(pz, q, 0), 0);
	tu_validate(pz);
	tu_destroy(pz);
	free(mem);
}

/* Order-9 blocks: every page is poisoned; a write into the last page of a
 * freed block is found when the block is allocated again; __GFP_ZERO still
 * hands out zeroes. */
static void test_poison_high_order(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_DEBUG_POISON, 1);
	struct pz_errors e;

	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ_GFP_COMP, 9);
	unsigned char *a = pz_page_address(pz, p);
	assert_int_equal(pz_free_pages(pz, p, 9), 0);
	assert_int_equal(a[511 * 4096 + 7], PZ_POISON_BYTE);
	a[511 * 4096 + 7] = 1;
	pz_page_t *q = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ_GFP_COMP | PZ_GFP_ZERO, 9);
	assert_ptr_equal(q, p);
	pz_errors(pz, &e);
	assert_int_equal(e.use_after_free, 1);
	assert_int_equal(a[511 * 4096 + 7], 0);
	assert_int_equal(pz_free_pages(pz, q, 9), 0);
	pz_drain_all_pages(pz);
	tu_validate(pz);
	tu_destroy(pz);
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_poison_needs_direct_map),
		cmocka_unit_test(test_use_after_free_reported),
		cmocka_unit_test(test_poison_high_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
