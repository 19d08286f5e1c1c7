/*
 * test_fault.c - fail_page_alloc (spec section 10): the code defaults, each
 * rule of should_fail_alloc_page and should_fail in the kernel's order
 * (shown by which counters a rejected request consumed), the task filter,
 * the report, that an injected failure loses nothing, reproducibility with
 * a seed, the bulk allocator, and the boot-option parser.
 */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

static struct tu_machine tm;

static pz_t *make(int trace)
{
	struct pz_config cfg;

	tu_machine_simple(&tm, 16384, 16384, 2);
	tu_config(&cfg, &tm.m, PZ_PROFILE_LINUX_4_1, trace);
	tu_cpu = 0;
	tu_trace.events = NULL;
	tu_trace_reset();
	tu_log_reset();
	pz_t *pz = tu_create(&cfg);
	assert_non_null(pz);
	return pz;
}

/* The defaults with a probability and times, silent. */
static struct pz_fault_attr attr_on(unsigned long probability, int times)
{
	struct pz_fault_attr a;

	pz_fault_attr_default(&a);
	a.probability = probability;
	a.times = times;
	a.verbose = 0;
	return a;
}

/* Only requests eligible by the defaults fail. */
static void arm(pz_t *pz, unsigned long probability, int times)
{
	struct pz_fault_attr a = attr_on(probability, times);

	assert_int_equal(pz_set_fail_page_alloc(pz, &a), 0);
}

static struct pz_fault_attr get(pz_t *pz)
{
	struct pz_fault_attr a;

	assert_int_equal(pz_get_fail_page_alloc(pz, &a), 0);
	return a;
}

static void assert_attr_equal(const struct pz_fault_attr *a, const struct pz_fault_attr *b)
{
	assert_int_equal(a->probability, b->probability);
	assert_int_equal(a->interval, b->interval);
	assert_int_equal(a->times, b->times);
	assert_int_equal(a->space, b->space);
	assert_int_equal(a->verbose, b->verbose);
	assert_int_equal(a->task_filter, b->task_filter);
	assert_int_equal(a->ignore_gfp_reclaim, b->ignore_gfp_reclaim);
	assert_int_equal(a->ignore_gfp_highmem, b->ignore_gfp_highmem);
	assert_int_equal(a->min_order, b->min_order);
	assert_int_equal(a->seed, b->seed);
}

static uint64_t injected(pz_t *pz)
{
	struct pz_errors e;

	pz_errors(pz, &e);
	return e.fault_injected;
}

/* Allocates and frees at once; true if the allocation succeeded. */
static bool try_alloc(pz_t *pz, pz_gfp_t gfp, unsigned order)
{
	pz_page_t *p = pz_alloc_pages(pz, gfp | PZ__GFP_NOWARN, order);

	if (!p)
		return false;
	assert_int_equal(pz_free_pages(pz, p, order), 0);
	return true;
}

static void test_defaults(void **state)
{
	(void)state;
	struct pz_fault_attr a, d;

	memset(&a, 0x5a, sizeof(a));
	pz_fault_attr_default(&a);
	assert_int_equal(a.probability, 0);
	assert_int_equal(a.interval, 1);
	assert_int_equal(a.times, 1);
	assert_int_equal(a.space, 0);
	assert_int_equal(a.verbose, 2);
	assert_false(a.task_filter);
	assert_true(a.ignore_gfp_reclaim);
	assert_true(a.ignore_gfp_highmem);
	assert_int_equal(a.min_order, 1);
	pz_fault_attr_default(NULL); /* ignored */

	pz_t *pz = make(0);
	d = get(pz);
	assert_attr_equal(&a, &d);
	assert_int_equal(pz_set_fail_page_alloc(NULL, &a), -PZ_EINVAL);
	assert_int_equal(pz_get_fail_page_alloc(NULL, &a), -PZ_EINVAL);
	assert_int_equal(pz_get_fail_page_alloc(pz, NULL), -PZ_EINVAL);
	/* rule 1: probability 0 never fails, whatever else is set */
	a.times = -1;
	a.min_order = 0;
	a.ignore_gfp_reclaim = false;
	assert_int_equal(pz_set_fail_page_alloc(pz, &a), 0);
	for (unsigned o = 0; o < 4; o++) {
		assert_true(try_alloc(pz, PZ_GFP_ATOMIC, o));
		assert_true(try_alloc(pz, PZ_GFP_KERNEL, o));
	}
	assert_int_equal(injected(pz), 0);
	/* NULL puts the defaults back */
	a.probability = 100;
	assert_int_equal(pz_set_fail_page_alloc(pz, &a), 0);
	assert_int_equal(pz_set_fail_page_alloc(pz, NULL), 0);
	d = get(pz);
	assert_int_equal(d.probability, 0);
	assert_int_equal(d.times, 1);
	tu_destroy(pz);
}

/* The page filters: min_order, NOFAIL, highmem, direct reclaim. */
static void test_page_filters(void **state)
{
	(void)state;
	pz_t *pz = make(0);
	struct pz_errors e;

	arm(pz, 100, -1);
	/* default filters: order 0, reclaiming, highmem and NOFAIL requests pass */
	assert_true(try_alloc(pz, PZ_GFP_ATOMIC, 0));
	assert_true(try_alloc(pz, PZ_GFP_KERNEL, 1));
	assert_true(try_alloc(pz, PZ_GFP_ATOMIC | PZ__GFP_HIGHMEM, 1));
	assert_true(try_alloc(pz, PZ_GFP_ATOMIC | PZ__GFP_NOFAIL, 1));
	/* a NOWAIT/ATOMIC request of order >= 1 fails; KSWAPD_RECLAIM alone is
	 * not direct reclaim */
	assert_false(try_alloc(pz, PZ_GFP_ATOMIC, 1));
	assert_false(try_alloc(pz, PZ_GFP_NOWAIT, 3));
	assert_int_equal(injected(pz), 2);
	pz_errors(pz, &e);
	assert_int_equal(e.alloc_failed, 2);

	struct pz_fault_attr a = get(pz);
	a.ignore_gfp_reclaim = false;
	a.ignore_gfp_highmem = false;
	a.min_order = 0;
	assert_int_equal(pz_set_fail_page_alloc(pz, &a), 0);
	assert_false(try_alloc(pz, PZ_GFP_ATOMIC, 0)); /* through the order-0 path */
	assert_false(try_alloc(pz, PZ_GFP_KERNEL, 0));
	assert_false(try_alloc(pz, PZ_GFP_KERNEL, 1));
	assert_false(try_alloc(pz, PZ_GFP_HIGHUSER_MOVABLE, 2));
	assert_true(try_alloc(pz, PZ_GFP_KERNEL | PZ__GFP_NOFAIL, 0)); /* never */
	assert_int_equal(injected(pz), 6);
	/* min_order above the request */
	a.min_order = 4;
	assert_int_equal(pz_set_fail_page_alloc(pz, &a), 0);
	assert_true(try_alloc(pz, PZ_GFP_KERNEL, 3));
	assert_false(try_alloc(pz, PZ_GFP_KERNEL, 4));
	/* invalid requests are refused as such, not injected */
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL, 40));
	assert_int_equal(injected(pz), 7);
	tu_validate(pz);
	tu_destroy(pz);
}

/* times: each failure takes one; 0 stops; -1 never runs out. */
static void test_times(void **state)
{
	(void)state;
	pz_t *pz = make(0);

	arm(pz, 100, 2);
	assert_false(try_alloc(pz, PZ_GFP_ATOMIC, 1));
	assert_int_equal(get(pz).times, 1);
	assert_false(try_alloc(pz, PZ_GFP_ATOMIC, 1));
	assert_int_equal(get(pz).times, 0);
	for (int i = 0; i < 10; i++)
		assert_true(try_alloc(pz, PZ_GFP_ATOMIC, 1));
	assert_int_equal(injected(pz), 2);

	arm(pz, 100, -1);
	for (int i = 0; i < 50; i++)
		assert_false(try_alloc(pz, PZ_GFP_ATOMIC, 2));
	assert_int_equal(get(pz).times, -1);
	/* another negative count keeps failing and keeps counting down */
	arm(pz, 100, -3);
	assert_false(try_alloc(pz, PZ_GFP_ATOMIC, 1));
	assert_int_equal(get(pz).times, -4);
	tu_destroy(pz);
}

/* space is in pages (2^order per request) and is consumed before the
 * interval counts; a request whose size reaches it is the first to fail. */
static void test_space_then_interval(void **state)
{
	(void)state;
	pz_t *pz = make(0);
	struct pz_fault_attr a;

	a = attr_on(100, -1);
	a.space = 5;
	assert_int_equal(pz_set_fail_page_alloc(pz, &a), 0);
	assert_true(try_alloc(pz, PZ_GFP_ATOMIC, 1)); /* 5 > 2 */
	assert_int_equal(get(pz).space, 3);
	assert_true(try_alloc(pz, PZ_GFP_ATOMIC, 1)); /* 3 > 2 */
	assert_int_equal(get(pz).space, 1);
	assert_false(try_alloc(pz, PZ_GFP_ATOMIC, 1)); /* 1 > 2 is false */
	assert_int_equal(get(pz).space, 1);
	/* an order-3 request is 8 pages */
	a.space = 8;
	assert_int_equal(pz_set_fail_page_alloc(pz, &a), 0);
	assert_false(try_alloc(pz, PZ_GFP_ATOMIC, 3));
	a.space = 9;
	assert_int_equal(pz_set_fail_page_alloc(pz, &a), 0);
	assert_true(try_alloc(pz, PZ_GFP_ATOMIC, 3));
	assert_int_equal(get(pz).space, 1);

	/* space first: while it lasts the interval count does not move */
	a.space = 4;
	a.interval = 2;
	assert_int_equal(pz_set_fail_page_alloc(pz, &a), 0);
	assert_true(try_alloc(pz, PZ_GFP_ATOMIC, 1));  /* space 4 -> 2 */
	assert_true(try_alloc(pz, PZ_GFP_ATOMIC, 1));  /* count 1 */
	assert_false(try_alloc(pz, PZ_GFP_ATOMIC, 1)); /* count 2 */
	assert_true(try_alloc(pz, PZ_GFP_ATOMIC, 1));  /* count 3 */
	assert_false(try_alloc(pz, PZ_GFP_ATOMIC, 1)); /* count 4 */
	/* times 0 is checked before space: nothing is consumed */
	a.space = 10;
	a.times = 0;
	assert_int_equal(pz_set_fail_page_alloc(pz, &a), 0);
	assert_true(try_alloc(pz, PZ_GFP_ATOMIC, 1));
	assert_int_equal(get(pz).space, 10);
	tu_validate(pz);
	tu_destroy(pz);
}

/* interval: only every interval-th eligible request may fail; requests the
 * page filters spare do not count. */
static void test_interval(void **state)
{
	(void)state;
	pz_t *pz = make(0);
	struct pz_fault_attr a;

	a = attr_on(100, -1);
	a.interval = 3;
	assert_int_equal(pz_set_fail_page_alloc(pz, &a), 0);
	for (int i = 1; i <= 12; i++) {
		assert_true(try_alloc(pz, PZ_GFP_KERNEL, 1)); /* filtered: not counted */
		assert_true(try_alloc(pz, PZ_GFP_ATOMIC, 0)); /* below min_order */
		assert_int_equal(try_alloc(pz, PZ_GFP_ATOMIC, 1), i % 3 != 0);
	}
	assert_int_equal(injected(pz), 4);
	/* setting the attributes restarts the count */
	assert_int_equal(pz_set_fail_page_alloc(pz, &a), 0);
	assert_true(try_alloc(pz, PZ_GFP_ATOMIC, 1));
	assert_true(try_alloc(pz, PZ_GFP_ATOMIC, 1));
	assert_false(try_alloc(pz, PZ_GFP_ATOMIC, 1));
	tu_destroy(pz);
}

/* task filter: only make-it-fail tasks, never in interrupt; checked
 * before times, so a spared task leaves times alone. */
static void test_task_filter(void **state)
{
	(void)state;
	pz_t *pz = make(0);
	struct pz_fault_attr a;
	struct pz_task task;

	a = attr_on(100, 1);
	a.task_filter = true;
	assert_int_equal(pz_set_fail_page_alloc(pz, &a), 0);
	assert_true(try_alloc(pz, PZ_GFP_ATOMIC, 1)); /* default task: not marked */
	pz_task_init(&task);
	pz_set_current_task(&task);
	assert_true(try_alloc(pz, PZ_GFP_ATOMIC, 1));
	assert_int_equal(get(pz).times, 1);
	task.flags = PZ_TASK_MAKE_IT_FAIL | PZ_TASK_IN_INTERRUPT;
	assert_true(try_alloc(pz, PZ_GFP_ATOMIC, 1));
	task.flags = PZ_TASK_MAKE_IT_FAIL | PZ_TASK_IN_SOFTIRQ;
	assert_true(try_alloc(pz, PZ_GFP_ATOMIC, 1));
	assert_int_equal(get(pz).times, 1);
	task.flags = PZ_TASK_MAKE_IT_FAIL;
	assert_false(try_alloc(pz, PZ_GFP_ATOMIC, 1));
	assert_int_equal(get(pz).times, 0);
	/* without the filter the mark does not matter */
	a.task_filter = false;
	assert_int_equal(pz_set_fail_page_alloc(pz, &a), 0);
	task.flags = 0;
	assert_false(try_alloc(pz, PZ_GFP_ATOMIC, 1));
	pz_set_current_task(NULL);
	tu_destroy(pz);
}

/* The report: the kernel's text, times as before the failure, no trace
 * event and no allocation-failure warning for an injected failure. */
static void test_verbose_report(void **state)
{
	(void)state;
	pz_t *pz = make(1);
	struct pz_fault_attr a;

	pz_fault_attr_default(&a);
	a.probability = 100;
	a.interval = 1;
	a.times = 2;
	a.space = 0;
	assert_int_equal(pz_set_fail_page_alloc(pz, &a), 0);
	tu_log_reset();
	tu_trace_reset();
	assert_null(pz_alloc_pages(pz, PZ_GFP_ATOMIC, 2));
	assert_int_equal(tu_log.count, 1);
	assert_string_equal(tu_log.last, "FAULT_INJECTION: forcing a failure.; "
					 "name fail_page_alloc, interval 1, probability 100, "
					 "space 0, times 2");
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC], 0);
	assert_false(tu_log_contains("page allocation failure"));
	/* verbose 0: silent */
	a.verbose = 0;
	assert_int_equal(pz_set_fail_page_alloc(pz, &a), 0);
	tu_log_reset();
	assert_null(pz_alloc_pages(pz, PZ_GFP_ATOMIC, 2));
	assert_int_equal(tu_log.count, 0);
	/* a request that is not failed is traced as usual */
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 2);
	assert_non_null(p);
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC], 1);
	assert_int_equal(pz_free_pages(pz, p, 2), 0);
	tu_destroy(pz);
}

/* An injected failure changes nothing but the counters. */
static void test_failure_loses_nothing(void **state)
{
	(void)state;
	pz_t *pz = make(0);
	uint64_t seed = 7;
	pz_page_t *held[64];
	unsigned order[64];
	int n = 0;

	arm(pz, 50, -1);
	uint64_t free0 = tu_free_pages(pz) + tu_pcp_pages(pz);
	for (int i = 0; i < 2000; i++) {
		if (n < 64 && tu_rand(&seed) % 3) {
			unsigned o = (unsigned)(tu_rand(&seed) % 5);
			pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_ATOMIC | PZ__GFP_NOWARN, o);
			if (p) {
				held[n] = p;
				order[n++] = o;
			}
		} else if (n) {
			n--;
			assert_int_equal(pz_free_pages(pz, held[n], order[n]), 0);
		}
		if (i % 100 == 0)
			tu_validate(pz);
	}
	while (n--)
		assert_int_equal(pz_free_pages(pz, held[n], order[n]), 0);
	assert_true(injected(pz) > 100);
	tu_validate(pz);
	assert_int_equal(tu_free_pages(pz) + tu_pcp_pages(pz), free0);
	tu_destroy(pz);
}

/* The same seed fails the same requests; another seed others. */
static void pattern(pz_t *pz, uint64_t seed, char *out, int n)
{
	struct pz_fault_attr a;

	a = attr_on(50, -1);
	a.seed = seed;
	assert_int_equal(pz_set_fail_page_alloc(pz, &a), 0);
	for (int i = 0; i < n; i++)
		out[i] = try_alloc(pz, PZ_GFP_ATOMIC, 1) ? '.' : 'x';
	out[n] = 0;
}

static void test_seed_determinism(void **state)
{
	(void)state;
	enum {
		N = 400
	};
	char a[N + 1], b[N + 1], c[N + 1];
	pz_t *pz = make(0);

	pattern(pz, 1234, a, N);
	pattern(pz, 1234, b, N);
	pattern(pz, 99, c, N);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	int fails = 0;
	for (int i = 0; i < N; i++)
		fails += a[i] == 'x';
	/* 50% of 400: far outside [140, 260] only with a broken generator */
	assert_in_range(fails, 140, 260);
	/* a second instance with the same seed agrees */
	pz_t *pz2 = make(0);
	pattern(pz2, 1234, c, N);
	assert_string_equal(a, c);
	tu_destroy(pz2);
	tu_destroy(pz);
}

/* Bulk: one question per call needing more than one page. */
static void test_bulk(void **state)
{
	(void)state;
	pz_t *pz = make(0);
	struct pz_fault_attr a;
	pz_page_t *pages[16];

	a = attr_on(100, 1);
	a.min_order = 0;
	a.ignore_gfp_reclaim = false;
	assert_int_equal(pz_set_fail_page_alloc(pz, &a), 0);
	memset(pages, 0, sizeof(pages));
	assert_int_equal(pz_alloc_pages_bulk(pz, PZ_GFP_KERNEL, -1, NULL, 16, pages), 0);
	assert_int_equal(injected(pz), 1);
	for (int i = 0; i < 16; i++)
		assert_null(pages[i]);
	assert_int_equal(pz_alloc_pages_bulk(pz, PZ_GFP_KERNEL, -1, NULL, 16, pages), 16);
	assert_int_equal(pz_free_pages_bulk(pz, pages, 16), 0);
	/* with failures left, the single allocations after the bulk question
	 * ask again: times 3 means the question and two singles fail */
	a.times = 3;
	assert_int_equal(pz_set_fail_page_alloc(pz, &a), 0);
	memset(pages, 0, sizeof(pages));
	assert_int_equal(pz_alloc_pages_bulk(pz, PZ_GFP_KERNEL, -1, NULL, 16, pages), 0);
	assert_int_equal(get(pz).times, 2);
	pages[0] = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_NOFAIL, 0);
	assert_non_null(pages[0]);
	assert_int_equal(pz_alloc_pages_bulk(pz, PZ_GFP_KERNEL, -1, NULL, 2, pages), 1);
	assert_int_equal(get(pz).times, 1); /* one empty slot: no bulk question */
	assert_int_equal(pz_free_pages_bulk(pz, pages, 2), 0);
	tu_validate(pz);
	tu_destroy(pz);
}

static void test_parse(void **state)
{
	(void)state;
	struct pz_fault_attr a, before;

	pz_fault_attr_default(&a);
	assert_int_equal(pz_fault_attr_parse("10,50,4096,-1", &a), 0);
	assert_int_equal(a.interval, 10);
	assert_int_equal(a.probability, 50);
	assert_int_equal(a.space, 4096);
	assert_int_equal(a.times, -1);
	assert_int_equal(a.min_order, 1); /* untouched */
	assert_true(a.ignore_gfp_reclaim);
	assert_int_equal(pz_fault_attr_parse("fail_page_alloc=1,100,0,5\n", &a), 0);
	assert_int_equal(a.interval, 1);
	assert_int_equal(a.probability, 100);
	assert_int_equal(a.space, 0);
	assert_int_equal(a.times, 5);
	assert_int_equal(pz_fault_attr_parse("0,0,-2147483648,2147483647", &a), 0);
	assert_int_equal(a.space, -2147483647 - 1);
	assert_int_equal(a.times, 2147483647);
	char big[64];
	snprintf(big, sizeof(big), "%lu,1,0,1", (unsigned long)-1);
	assert_int_equal(pz_fault_attr_parse(big, &a), 0);
	assert_true(a.interval == (unsigned long)-1);

	static const char *const bad[] = {
		"",
		"1",
		"1,2,3",
		"1,2,3,",
		"1,2,3,4,5",
		"1,2,3,4x",
		"a,1,1,1",
		"1,,1,1",
		"-1,1,1,1",
		"1,-1,1,1",
		" 1,1,1,1",
		"1 ,1,1,1",
		"1,1,2147483648,1",
		"1,1,1,-2147483649",
		"1,1,1,--1",
		"18446744073709551616,1,1,1",
		"99999999999999999999999,1,1,1",
		"fail_page_alloc=",
		"fail_page_alloc 1,1,1,1",
		"1,1,1,1\n\n",
	};
	pz_fault_attr_default(&a);
	a.interval = 77;
	before = a;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (pz_fault_attr_parse(bad[i], &a) != -PZ_EINVAL)
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_attr_equal(&a, &before);
	}
	assert_int_equal(pz_fault_attr_parse(NULL, &a), -PZ_EINVAL);
	assert_int_equal(pz_fault_attr_parse("1,1,1,1", NULL), -PZ_EINVAL);

	/* a parsed option in force */
	pz_t *pz = make(0);
	pz_fault_attr_default(&a);
	a.verbose = 0;
	assert_int_equal(pz_fault_attr_parse("fail_page_alloc=2,100,0,1", &a), 0);
	assert_int_equal(pz_set_fail_page_alloc(pz, &a), 0);
	assert_true(try_alloc(pz, PZ_GFP_ATOMIC, 1));
	assert_false(try_alloc(pz, PZ_GFP_ATOMIC, 1));
	assert_true(try_alloc(pz, PZ_GFP_ATOMIC, 1));
	assert_true(try_alloc(pz, PZ_GFP_ATOMIC, 1)); /* times used up */
	tu_destroy(pz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_page_filters),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_space_then_interval),
		cmocka_unit_test(test_interval),
		cmocka_unit_test(test_task_filter),
		cmocka_unit_test(test_verbose_report),
		cmocka_unit_test(test_failure_loses_nothing),
		cmocka_unit_test(test_seed_determinism),
		cmocka_unit_test(test_bulk),
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
