/*
 * test_validate.c - white-box: pz_validate must catch each kind of broken
 * state. The test reaches into the private structures (src/core/internal.h)
 * to break one invariant at a time, checks the walk reports it with the
 * right message, then repairs it and checks the walk is clean again.
 */
#include "testutil.h"
#include "../src/core/internal.h"

#include <stdlib.h>
#include <string.h>

static struct tu_machine tm;

static pz_t *make(void)
{
	tu_machine_init(&tm, 1, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 8192 + 8192);
	pz_t *pz = tu_create_machine(&tm.m, PZ_PROFILE_LINUX_4_1);
	assert_non_null(pz);
	assert_int_equal(pz_validate(pz), 0);
	return pz;
}

static void expect_violation(pz_t *pz, const char *needle)
{
	tu_log_reset();
	int n = pz_validate(pz);
	if (n <= 0 || !tu_log_contains(needle))
		fail_msg("wanted a violation mentioning \"%s\"; got %d, log:\n%s", needle, n,
			 tu_log.all);
}

static struct pz_zone *normal(pz_t *pz)
{
	return pz_zone_of(pz, 0, PZ_ZONE_NORMAL);
}

/* The head of some free block of the given order (the test fails if none). */
static struct pz_page *free_head(pz_t *pz, unsigned order, unsigned *mt)
{
	struct pz_zone *z = normal(pz);

	for (unsigned m = 0; m < PZ_MT_TYPES; m++)
		if (z->free_area[order].list[m].first != PZ_NIL) {
			*mt = m;
			return &pz->pages[z->free_area[order].list[m].first];
		}
	fail_msg("no free block of order %u", order);
	abort();
}

static void test_free_counter_drift(void **state)
{
	(void)state;
	pz_t *pz = make();
	struct pz_zone *z = normal(pz);

	zadd(&z->nr_free_pages, 1);
	expect_violation(pz, "NR_FREE_PAGES");
	zadd(&z->nr_free_pages, -1);
	z->free_area[3].nr_free++;
	expect_violation(pz, "nr_free");
	z->free_area[3].nr_free--;
	z->free_area[10].nr_free_mt[PZ_MT_MOVABLE]++;
	expect_violation(pz, "holds");
	z->free_area[10].nr_free_mt[PZ_MT_MOVABLE]--;
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

static void test_lost_and_double_owned_pages(void **state)
{
	(void)state;
	pz_t *pz = make();
	pz_page_t *pg = pz_alloc_pages(pz, PZ_GFP_KERNEL, 2);
	struct pz_page *p = pg;

	/* an allocated block whose reference vanished is lost */
	atomic_store(&p->refcount, 0);
	expect_violation(pz, "lost");
	atomic_store(&p->refcount, 1);
	/* a body page with a reference overlaps another allocation */
	atomic_store(&p[1].refcount, 1);
	expect_violation(pz, "refcount");
	atomic_store(&p[1].refcount, 0);
	assert_int_equal(pz_validate(pz), 0);
	assert_int_equal(pz_free_pages(pz, pg, 2), 0);
	tu_destroy(pz);
}

static void test_list_corruption(void **state)
{
	(void)state;
	pz_t *pz = make();
	unsigned mt = 0;
	struct pz_page *p = free_head(pz, 10, &mt);

	assert_non_null(p);
	/* a list entry that is not marked free */
	pg_set_where(p, 0);
	expect_violation(pz, "buddy=0");
	pg_set_where(p, PG_BUDDY);
	/* a list entry recorded with the wrong order */
	p->order = 9;
	expect_violation(pz, "order");
	p->order = 10;
	/* a broken back link */
	uint32_t prev = p->prev;
	p->prev = 12345;
	expect_violation(pz, "broken links");
	p->prev = prev;
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

/* Two free buddies of the same order that did not merge. */
static void test_unmerged_buddies(void **state)
{
	(void)state;
	pz_t *pz = make();
	struct pz_zone *z = normal(pz);
	unsigned mt = 0;
	struct pz_page *p = free_head(pz, 10, &mt);

	pz_area_del(pz, z, p, 10);
	pz_area_add(pz, z, p, 9, mt, false);
	pz_area_add(pz, z, p + 512, 9, mt, false);
	expect_violation(pz, "not merged");
	pz_area_del(pz, z, p + 512, 9);
	pz_area_del(pz, z, p, 9);
	pz_area_add(pz, z, p, 10, mt, false);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

static void test_pcp_corruption(void **state)
{
	(void)state;
	pz_t *pz = make();
	struct pz_zone *z = normal(pz);
	pz_page_t *pg;

	tu_cpu = 0;
	pg = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	pz_page_t *extra = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_int_equal(pz_free_pages(pz, extra, 0), 0); /* now on cpu 0's list */
	assert_true(z->pcp[0].count > 0);
	z->pcp[0].count++;
	expect_violation(pz, "pcp count");
	z->pcp[0].count--;
	struct pz_page *q = &pz->pages[z->pcp[0].lists[PZ_MT_UNMOVABLE].first];
	pg_set_where(q, 0);
	expect_violation(pz, "not a pcp page");
	pg_set_where(q, PG_PCP);
	q->mt = PZ_MT_RECLAIMABLE;
	expect_violation(pz, "holds a page of type");
	q->mt = PZ_MT_UNMOVABLE;
	assert_int_equal(pz_validate(pz), 0);
	assert_int_equal(pz_free_pages(pz, pg, 0), 0);
	tu_destroy(pz);
}

static void test_misplaced_block(void **state)
{
	(void)state;
	pz_t *pz = make();
	struct pz_zone *z = normal(pz);
	unsigned mt = 0;
	struct pz_page *p = free_head(pz, 10, &mt);

	/* move the block's head record one page up: misaligned */
	pz_area_del(pz, z, p, 10);
	pz_area_add(pz, z, p + 1, 10, mt, false);
	expect_violation(pz, "not aligned");
	pz_area_del(pz, z, p + 1, 10);
	pz_area_add(pz, z, p, 10, mt, false);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

/* A free page found in a bad state at allocation is reported (the kernel's
 * bad_page), leaked with its whole block, and the allocation retries the
 * zone and still succeeds; a HWPOISONed free page is leaked silently. */
static void test_bad_page_at_allocation(void **state)
{
	(void)state;
	pz_t *pz = make();
	struct pz_errors e;
	unsigned mt;
	struct pz_page *p = free_head(pz, 10, &mt);

	p[5].mapcount = 3; /* corrupt a page inside a free order-10 block */
	tu_log_reset();
	unsigned got = 0;
	while (pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_MEMALLOC | PZ__GFP_NOWARN, 10))
		got++;
	assert_true(tu_log_contains("Bad page state"));
	assert_true(tu_log_contains("nonzero mapcount"));
	pz_errors(pz, &e);
	assert_int_equal(e.bad_page_alloc, 1);
	assert_int_equal(e.leaked_pages, 1024);
	assert_int_equal(got, 8192 / 1024 - 1);
	assert_int_equal(pz_pfn_state(pz, pz_page_to_pfn(pz, p)), PZ_PAGE_STATE_LEAKED);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);

	pz = make();
	p = free_head(pz, 10, &mt);
	assert_int_equal(pz_page_set_state(pz, p + 7, PZ_PAGE_HWPOISON, 0), 0);
	tu_log_reset();
	got = 0;
	while (pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_MEMALLOC | PZ__GFP_NOWARN, 10))
		got++;
	assert_int_equal(got, 8192 / 1024 - 1);
	assert_false(tu_log_contains("Bad page state")); /* hwpoison is silent */
	pz_errors(pz, &e);
	assert_int_equal(e.leaked_pages, 1024);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_counter_drift),
		cmocka_unit_test(test_lost_and_double_owned_pages),
		cmocka_unit_test(test_list_corruption),
		cmocka_unit_test(test_unmerged_buddies),
		cmocka_unit_test(test_pcp_corruption),
		cmocka_unit_test(test_misplaced_block),
		cmocka_unit_test(test_bad_page_at_allocation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
