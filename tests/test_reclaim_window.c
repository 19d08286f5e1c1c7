/*
 * test_reclaim_window.c - reclaim windows (the kernel's
 * current->reclaim_state), white-box: which frees a window counts, and
 * that a free never takes an allocator-wide lock for it.
 *
 * A window counts the pages its task frees in its instance while it is
 * open: nested windows of one task all count them; every window open on
 * the shared default task counts every default-task thread's frees; frees
 * of other tasks and of other instances do not count. A task holds windows
 * in at most PZ_TASK_RECLAIM_SLOTS instances at once, and at most
 * nr_cpus + 1 in one instance; a window past either is refused.
 */
#include "testutil.h"
#include "../src/core/internal.h"

#include <pthread.h>
#include <string.h>

#define ZONE_START 0x1000u
#define ZONE_PAGES 4096u

static struct tu_machine tm;
static unsigned relaxed;
static struct pz *locked_pz;

/* Spinning on a lock: count it, and let the spinner go (the old free path
 * took reclaim_lock, which the test holds). */
static void relax_hook(void *ctx)
{
	(void)ctx;
	relaxed++;
	if (locked_pz && pz_lock_held(&locked_pz->reclaim_lock))
		pz_unlock(&locked_pz->reclaim_lock);
}

static pz_t *make(unsigned cpus)
{
	struct pz_config cfg;

	tu_machine_init(&tm, 1, cpus);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, ZONE_START, ZONE_START + ZONE_PAGES);
	tu_config(&cfg, &tm.m, PZ_PROFILE_MODERN, 0);
	tu_plat.relax = relax_hook;
	return tu_create_ok(&cfg);
}

/* Allocates n order-0 pages and frees them (as the current task). */
static void churn(pz_t *pz, unsigned n)
{
	pz_page_t *p[64];

	assert_true(n <= 64);
	for (unsigned i = 0; i < n; i++)
		assert_non_null(p[i] = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0));
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(pz_free_pages(pz, p[i], 0), 0);
}

static uint64_t progress(pz_t *pz, struct pz_reclaim_state *rs)
{
	return pz_reclaim_progress(pz, rs);
}

/* While a window is open, frees of its task and of others take no lock
 * of the instance for it (before: reclaim_lock on every free). */
static void test_free_takes_no_lock(void **state)
{
	struct pz_task a, b;
	struct pz_reclaim_state w;
	pz_t *pz = make(2);

	(void)state;
	pz_task_init(&a);
	pz_task_init(&b);
	pz_set_current_task(&a);
	assert_true(pz_reclaim_open(pz, &w));
	relaxed = 0;
	locked_pz = pz;
	pz_lock(pz, &pz->reclaim_lock);
	churn(pz, 5);
	pz_set_current_task(&b);
	churn(pz, 7);
	pz_set_current_task(NULL);
	churn(pz, 3);
	assert_int_equal(relaxed, 0);
	pz_unlock(&pz->reclaim_lock);
	locked_pz = NULL;
	pz_set_current_task(&a);
	assert_int_equal(progress(pz, &w), 5);
	pz_reclaim_close(pz, &w);
	pz_set_current_task(NULL);
	assert_int_equal(a.core[0].pz, 0);
	assert_int_equal(a.core[0].open, 0);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

/* Nested windows of one task all count its frees. */
static void test_nested_windows(void **state)
{
	struct pz_task a;
	struct pz_reclaim_state w1, w2;
	pz_t *pz = make(1);

	(void)state;
	pz_task_init(&a);
	pz_set_current_task(&a);
	assert_true(pz_reclaim_open(pz, &w1));
	assert_true(a.flags & PZ_TASK_MEMALLOC);
	churn(pz, 1);
	assert_true(pz_reclaim_open(pz, &w2));
	/* nr_cpus (1) + 1 windows of one task: the next is refused */
	{
		struct pz_reclaim_state w3;

		assert_false(pz_reclaim_open(pz, &w3));
	}
	churn(pz, 2);
	assert_int_equal(progress(pz, &w1), 3);
	assert_int_equal(progress(pz, &w2), 2);
	pz_reclaim_close(pz, &w2);
	assert_true(a.flags & PZ_TASK_MEMALLOC); /* the outer window set it */
	churn(pz, 4);
	assert_int_equal(progress(pz, &w1), 7);
	pz_reclaim_close(pz, &w1);
	assert_false(a.flags & PZ_TASK_MEMALLOC);
	assert_int_equal(a.core[0].pz, 0);
	assert_int_equal(atomic_load(&pz->fast_off) & PZ_OFF_RECLAIM, 0);
	pz_set_current_task(NULL);
	tu_destroy(pz);
}

static struct {
	pz_t *pz;
	unsigned n;
} other;

static void *free_on_default(void *arg)
{
	(void)arg;
	churn(other.pz, other.n);
	return NULL;
}

static void *free_on_own_task(void *arg)
{
	struct pz_task t;

	(void)arg;
	pz_task_init(&t);
	pz_set_current_task(&t);
	churn(other.pz, other.n);
	pz_set_current_task(NULL);
	return NULL;
}

/* The default task is shared: its windows count every default-task
 * thread's frees (and get no PZ_TASK_MEMALLOC); other tasks' do not. */
static void test_default_task_shared(void **state)
{
	struct pz_reclaim_state w;
	pthread_t th;
	pz_t *pz = make(2);

	(void)state;
	pz_set_current_task(NULL);
	assert_true(pz_reclaim_open(pz, &w));
	assert_false(pz->default_task.flags & PZ_TASK_MEMALLOC);
	other.pz = pz;
	other.n = 6;
	assert_int_equal(pthread_create(&th, NULL, free_on_default, NULL), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(progress(pz, &w), 6);
	other.n = 9;
	assert_int_equal(pthread_create(&th, NULL, free_on_own_task, NULL), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(progress(pz, &w), 6);
	churn(pz, 2);
	assert_int_equal(progress(pz, &w), 8);
	pz_reclaim_close(pz, &w);
	assert_int_equal(pz->default_task.core[0].pz, 0);
	tu_destroy(pz);
}

/* Windows of one task in two instances count each instance's frees only;
 * a third instance finds no slot, until one is given back. */
static void test_instances(void **state)
{
	struct pz_task a;
	struct pz_reclaim_state wp, wq, wr;
	pz_t *p = make(1), *q = make(1), *r = make(1);

	(void)state;
	pz_task_init(&a);
	pz_set_current_task(&a);
	assert_true(pz_reclaim_open(p, &wp));
	assert_true(pz_reclaim_open(q, &wq));
	assert_false(pz_reclaim_open(r, &wr));
	churn(q, 3);
	churn(p, 5);
	churn(r, 2);
	assert_int_equal(progress(p, &wp), 5);
	assert_int_equal(progress(q, &wq), 3);
	pz_reclaim_close(p, &wp);
	assert_true(pz_reclaim_open(r, &wr));
	churn(r, 4);
	churn(q, 1);
	assert_int_equal(progress(r, &wr), 4);
	assert_int_equal(progress(q, &wq), 4);
	pz_reclaim_close(r, &wr);
	pz_reclaim_close(q, &wq);
	for (int i = 0; i < PZ_TASK_RECLAIM_SLOTS; i++)
		assert_int_equal(a.core[i].pz, 0);
	pz_set_current_task(NULL);
	tu_destroy(p);
	tu_destroy(q);
	tu_destroy(r);
}

/* pz_task_init leaves no window behind, whatever the memory held. */
static void test_task_init_clears(void **state)
{
	struct pz_task t;

	(void)state;
	memset(&t, 0xa5, sizeof(t));
	pz_task_init(&t);
	for (int i = 0; i < PZ_TASK_RECLAIM_SLOTS; i++) {
		assert_int_equal(t.core[i].pz, 0);
		assert_int_equal(t.core[i].open + t.core[i].running, 0);
		assert_int_equal(t.core[i].freed, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_takes_no_lock),  cmocka_unit_test(test_nested_windows),
		cmocka_unit_test(test_default_task_shared), cmocka_unit_test(test_instances),
		cmocka_unit_test(test_task_init_clears),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
