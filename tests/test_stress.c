/*
 * test_stress.c - seeded multi-thread stress of the allocator (not a
 * benchmark): more threads than CPUs, each allocating and freeing mixed
 * orders, handing blocks to other threads to free (cross-CPU frees),
 * draining other CPUs' lists, and changing its cpuset mems while others
 * allocate. Bounded by operation count, not time. After joining, every
 * block is freed and the validation walk must pass with all pages back.
 *
 * Run under ThreadSanitizer by scripts/test.sh (build/test-tsan).
 */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 6
#define OPS	40000
#define HANDOFF 64

struct handoff {
	pthread_mutex_t lock;
	pz_page_t *page[HANDOFF];
	unsigned order[HANDOFF];
	unsigned n;
};

struct shared {
	pz_t *pz;
	int cpusets; /* 0: no cpuset changes, so the order-0 shortcuts stay on */
	struct handoff box;
	atomic_ulong allocs, frees, fails, drains, cpuset_changes;
};

struct worker {
	struct shared *sh;
	unsigned id;
	uint64_t seed;
};

static const pz_gfp_t kinds[] = {PZ_GFP_KERNEL, PZ_GFP_HIGHUSER_MOVABLE, PZ_GFP_TEMPORARY,
				 PZ_GFP_ATOMIC, PZ_GFP_KERNEL | PZ__GFP_COMP};

static void give_away(struct shared *sh, pz_page_t *p, unsigned order)
{
	pthread_mutex_lock(&sh->box.lock);
	if (sh->box.n < HANDOFF) {
		sh->box.page[sh->box.n] = p;
		sh->box.order[sh->box.n++] = order;
		p = NULL;
	}
	pthread_mutex_unlock(&sh->box.lock);
	if (p) {
		assert_int_equal(pz_free_pages(sh->pz, p, order), 0);
		atomic_fetch_add(&sh->frees, 1);
	}
}

static void take_one(struct shared *sh)
{
	pz_page_t *p = NULL;
	unsigned order = 0;

	pthread_mutex_lock(&sh->box.lock);
	if (sh->box.n) {
		sh->box.n--;
		p = sh->box.page[sh->box.n];
		order = sh->box.order[sh->box.n];
	}
	pthread_mutex_unlock(&sh->box.lock);
	if (p) {
		assert_int_equal(pz_free_pages(sh->pz, p, order), 0);
		atomic_fetch_add(&sh->frees, 1);
	}
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	struct pz_task task;
	pz_page_t *held[32];
	unsigned orders[32], n = 0;

	pz_task_init(&task);
	pz_set_current_task(&task);
	for (unsigned i = 0; i < OPS; i++) {
		uint64_t r = tu_rand(&w->seed);

		pz_host_set_cpu((int)(r % 2));
		if (r % 100 < 45 && n < 32) {
			unsigned order = (r >> 8) % 8 == 0 ? (unsigned)((r >> 12) % 10) : 0;
			pz_gfp_t gfp = kinds[(r >> 20) % 5] | PZ__GFP_NOWARN;
			pz_page_t *p = pz_alloc_pages(sh->pz, gfp, order);

			if (!p) {
				atomic_fetch_add(&sh->fails, 1);
				continue;
			}
			held[n] = p;
			orders[n++] = order;
			atomic_fetch_add(&sh->allocs, 1);
		} else if (r % 100 < 85 && n) {
			unsigned k = (unsigned)((r >> 8) % n);

			if ((r >> 16) & 1)
				give_away(sh, held[k], orders[k]);
			else {
				assert_int_equal(pz_free_pages(sh->pz, held[k], orders[k]), 0);
				atomic_fetch_add(&sh->frees, 1);
			}
			held[k] = held[--n];
			orders[k] = orders[n];
		} else if (r % 100 < 90) {
			take_one(sh);
		} else if (r % 100 < 92) {
			pz_page_t *bulk[16] = {0};
			size_t got = pz_alloc_pages_bulk(sh->pz, PZ_GFP_KERNEL | PZ__GFP_NOWARN, -1,
							 NULL, 16, bulk);

			atomic_fetch_add(&sh->allocs, got);
			assert_int_equal(pz_free_pages_bulk(sh->pz, bulk, 16), 0);
			atomic_fetch_add(&sh->frees, got);
		} else if (r % 100 < 96) {
			assert_int_equal(pz_drain_cpu_pages(sh->pz, (unsigned)((r >> 8) % 2)), 0);
			atomic_fetch_add(&sh->drains, 1);
		} else if (sh->cpusets) {
			pz_nodemask_t m = ((r >> 8) & 3) ? (pz_nodemask_t)((r >> 8) & 3) : 1;

			assert_int_equal(pz_task_set_mems_allowed(sh->pz, &task, m, 3), 0);
			atomic_fetch_add(&sh->cpuset_changes, 1);
		}
	}
	while (n--) {
		assert_int_equal(pz_free_pages(sh->pz, held[n], orders[n]), 0);
		atomic_fetch_add(&sh->frees, 1);
	}
	pz_set_current_task(NULL);
	return NULL;
}

/*
 * fault: fail_page_alloc armed for every request with a budget of
 * FAULT_TIMES failures; concurrent decisions must spend it exactly.
 */
#define FAULT_TIMES 500

static void run_stress(enum pz_profile profile, int cpusets, int fault)
{
	struct tu_machine tm;
	struct shared sh;
	struct worker w[THREADS];
	pthread_t th[THREADS];
	struct pz_config cfg;
	struct pz_platform plat = *pz_host_platform();
	uint64_t free_before, seed = 0x5eed1234;
	const char *env = getenv("PZ_TEST_SEED");

	if (env)
		seed = strtoull(env, NULL, 0) | 1;
	tu_machine_init(&tm, 2, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, 4096 + 16384);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096 + 16384, 4096 + 32768);
	tu_add_zone(&tm, 1, PZ_ZONE_NORMAL, 65536, 65536 + 32768);
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &tm.m;
	cfg.profile = profile;
	plat.log = NULL;
	cfg.platform = &plat;
	memset(&sh, 0, sizeof(sh));
	pthread_mutex_init(&sh.box.lock, NULL);
	sh.cpusets = cpusets;
	sh.pz = tu_create(&cfg);
	assert_non_null(sh.pz);
	free_before = tu_free_pages(sh.pz);
	if (fault) {
		struct pz_fault_attr a;

		pz_fault_attr_default(&a);
		a.probability = 30;
		a.interval = 2;
		a.times = FAULT_TIMES;
		a.min_order = 0;
		a.ignore_gfp_reclaim = false;
		a.ignore_gfp_highmem = false;
		a.verbose = 0;
		assert_int_equal(pz_set_fail_page_alloc(sh.pz, &a), 0);
	}
	for (unsigned i = 0; i < THREADS; i++) {
		w[i].sh = &sh;
		w[i].id = i;
		w[i].seed = seed + i * 0x9e3779b97f4a7c15ULL;
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	for (unsigned i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	while (sh.box.n)
		take_one(&sh);
	pz_drain_all_pages(sh.pz);
	printf("stress (%s, seed %#llx): %d threads x %d ops: %lu allocs, %lu frees, %lu failed, "
	       "%lu drains, %lu cpuset changes\n",
	       profile == PZ_PROFILE_MODERN ? "modern" : "linux-4.1", (unsigned long long)seed,
	       THREADS, OPS, atomic_load(&sh.allocs), atomic_load(&sh.frees),
	       atomic_load(&sh.fails), atomic_load(&sh.drains), atomic_load(&sh.cpuset_changes));
	assert_int_equal(atomic_load(&sh.allocs), atomic_load(&sh.frees));
	assert_int_equal(pz_validate(sh.pz), 0);
	assert_int_equal(tu_free_pages(sh.pz), free_before);
	if (fault) {
		struct pz_fault_attr a;
		struct pz_errors e;

		pz_errors(sh.pz, &e);
		assert_int_equal(e.fault_injected, FAULT_TIMES);
		assert_true(e.alloc_failed >= FAULT_TIMES);
		assert_int_equal(pz_get_fail_page_alloc(sh.pz, &a), 0);
		assert_int_equal(a.times, 0);
	}
	tu_destroy(sh.pz);
	pthread_mutex_destroy(&sh.box.lock);
}

static void test_stress_41(void **state)
{
	(void)state;
	run_stress(PZ_PROFILE_LINUX_4_1, 1, 0);
}

static void test_stress_modern(void **state)
{
	(void)state;
	run_stress(PZ_PROFILE_MODERN, 1, 0);
}

/* Without cpuset changes every order-0 operation can take the shortcuts. */
static void test_stress_shortcuts(void **state)
{
	(void)state;
	run_stress(PZ_PROFILE_LINUX_4_1, 0, 0);
	run_stress(PZ_PROFILE_MODERN, 0, 0);
}

/* fail_page_alloc under concurrency: the times budget is spent exactly
 * and nothing is lost. */
static void test_stress_fault_injection(void **state)
{
	(void)state;
	run_stress(PZ_PROFILE_MODERN, 0, 1);
}

/* Two threads free the same page at once: exactly one free succeeds, the
 * other is refused as a double free, and nothing is lost or corrupted. */
struct race {
	pz_t *pz;
	pz_page_t *page;
	atomic_int go;
	int rc[2];
};

static void *race_free(void *arg)
{
	struct race *r = arg;
	int me = atomic_fetch_add(&r->go, 1);

	pz_host_set_cpu(me);
	while (atomic_load(&r->go) < 2)
		;
	r->rc[me] = pz_free_pages(r->pz, r->page, 0);
	return NULL;
}

static void test_concurrent_double_free(void **state)
{
	(void)state;
	struct tu_machine tm;
	struct pz_config cfg;
	struct pz_platform plat = *pz_host_platform();
	struct pz_errors e;
	unsigned rounds = 300;

	tu_machine_init(&tm, 1, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 8192 + 16384);
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &tm.m;
	plat.log = NULL;
	cfg.platform = &plat;
	pz_t *pz = tu_create(&cfg);
	uint64_t free0 = tu_free_pages(pz);
	for (unsigned i = 0; i < rounds; i++) {
		struct race r = {.pz = pz};
		pthread_t t[2];

		pz_host_set_cpu((int)(i & 1));
		r.page = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
		assert_non_null(r.page);
		atomic_init(&r.go, 0);
		pthread_create(&t[0], NULL, race_free, &r);
		pthread_create(&t[1], NULL, race_free, &r);
		pthread_join(t[0], NULL);
		pthread_join(t[1], NULL);
		assert_true((r.rc[0] == 0) != (r.rc[1] == 0));
		assert_int_equal(r.rc[0] + r.rc[1], -PZ_EFAULT);
	}
	pz_errors(pz, &e);
	assert_int_equal(e.double_free, rounds);
	pz_drain_all_pages(pz);
	tu_validate(pz);
	assert_int_equal(tu_free_pages(pz), free0);
	tu_destroy(pz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stress_41),
		cmocka_unit_test(test_stress_modern),
		cmocka_unit_test(test_stress_shortcuts),
		cmocka_unit_test(test_stress_fault_injection),
		cmocka_unit_test(test_concurrent_double_free),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
