/*
 * test_poison.c - PZ_DEBUG_POISON: freed pages carry the poison pattern
 * and a write to a free page is reported as a use-after-free when the
 * page is next allocated; clean cycles report nothing; the option needs a
 * direct map. And HWPOISON: a page marked by another thread while it is
 * being freed is never handed out again.
 */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
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

	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_COMP, 9);
	unsigned char *a = pz_page_address(pz, p);
	assert_int_equal(pz_free_pages(pz, p, 9), 0);
	assert_int_equal(a[511 * 4096 + 7], PZ_POISON_BYTE);
	a[511 * 4096 + 7] = 1;
	pz_page_t *q = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_COMP | PZ__GFP_ZERO, 9);
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

/* One Normal zone of 65536 pages, the modern profile. */
static pz_t *make_big(void)
{
	struct pz_config cfg;

	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 4096 + 65536);
	tu_config(&cfg, &tm.m, PZ_PROFILE_MODERN, 0);
	tu_cpu = 0;
	return tu_create(&cfg);
}

/* HWPOISON set concurrently with a free must survive it */
static pz_t *hp_pz;
static pz_page_t *_Atomic hp_target;
static atomic_int hp_phase; /* 0 idle, 1 go, 2 poisoned, 3 quit */
static void *poisoner(void *arg)
{
	uint64_t rnd = 12345;
	(void)arg;
	for (;;) {
		int ph;
		while ((ph = atomic_load(&hp_phase)) != 1 && ph != 3)
			;
		if (ph == 3)
			return NULL;
		for (volatile unsigned k = 0, n = (unsigned)(tu_rand(&rnd) % 400); k < n; k = k + 1)
			;
		assert_int_equal(
			pz_page_set_state(hp_pz, atomic_load(&hp_target), PZ_PAGE_HWPOISON, 0), 0);
		atomic_store(&hp_phase, 2);
	}
}

static void test_hwpoison_race(void **state)
{
	(void)state;
	pthread_t th;
	pz_t *pz = make_big();
	unsigned bugs = 0, trials = 0;
	pz_page_t *p;

	hp_pz = pz;
	pthread_create(&th, NULL, poisoner, NULL);
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	for (trials = 0; trials < 5000 && p; trials++) {
		pz_page_t *victim = p;
		atomic_store(&hp_target, victim);
		atomic_store(&hp_phase, 1);
		for (;;) {
			int poisoned_before = atomic_load(&hp_phase) == 2;
			if (trials & 1) /* the general free path, then the shortcut */
				pz_free_page_list(pz, &p, 1, 0);
			else
				pz_free_pages(pz, p, 0);
			p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
			if (!p)
				break;
			if (poisoned_before) {
				if (p == victim)
					bugs++;
				break;
			}
		}
		atomic_store(&hp_phase, 0);
		if (p == victim) /* reused: free it, move on with a fresh page */
			p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	}
	atomic_store(&hp_phase, 3);
	pthread_join(th, NULL);
	printf("hwpoison race: %u trials, %u times a page marked HWPOISON (set_state returned 0) "
	       "was handed out again\n",
	       trials, bugs);
	assert_int_equal(bugs, 0);
	tu_validate(pz);
	tu_destroy(pz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_poison_needs_direct_map),
		cmocka_unit_test(test_use_after_free_reported),
		cmocka_unit_test(test_poison_high_order),
		cmocka_unit_test(test_hwpoison_race),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
