/*
 * test_stress_validate.c - pz_validate_concurrent against allocating
 * threads: workers allocate, free (order 0 through the shortcuts and the
 * per-CPU lists, higher orders and compound pages through the buddy
 * lists), set page state and drain, while a monitor validates without
 * pause. Every concurrent validation must find no violation and log
 * nothing; under ThreadSanitizer (scripts/test.sh runs every test named
 * *stress*) it must also race with no one. After the workers stop, the
 * full pz_validate must pass with every page back.
 */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define WORKERS 4
#define OPS	8000

struct shared {
	pz_t *pz;
	atomic_int running;
	atomic_ulong validations, violations;
};

static atomic_ulong log_lines;

static void count_log(void *ctx, enum pz_log_level level, const char *msg)
{
	(void)ctx;
	(void)level;
	(void)msg;
	atomic_fetch_add(&log_lines, 1);
}

struct worker {
	struct shared *sh;
	uint64_t seed;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	pz_t *pz = w->sh->pz;
	pz_page_t *held[16];
	unsigned orders[16], n = 0;

	for (unsigned i = 0; i < OPS; i++) {
		uint64_t r = tu_rand(&w->seed);

		pz_host_set_cpu((int)(r % 2));
		if (r % 100 < 50 && n < 16) {
			unsigned order = (r >> 8) % 6 == 0 ? (unsigned)((r >> 12) % 5) : 0;
			pz_gfp_t gfp = ((r >> 20) & 1 ? PZ_GFP_KERNEL | PZ__GFP_COMP
						      : PZ_GFP_HIGHUSER_MOVABLE) |
				       PZ__GFP_NOWARN;
			pz_page_t *p = pz_alloc_pages(pz, gfp, order);

			if (!p)
				continue;
			/* the owner's unlocked writes validate must not read */
			assert_int_equal(pz_page_set_state(pz, p, PZ_PAGE_DIRTY, 1), 0);
			assert_int_equal(pz_page_set_state(pz, p, 0, -1), 0);
			held[n] = p;
			orders[n++] = order;
		} else if (r % 100 < 95 && n) {
			unsigned k = (unsigned)((r >> 8) % n);

			assert_int_equal(pz_free_pages(pz, held[k], orders[k]), 0);
			held[k] = held[--n];
			orders[k] = orders[n];
		} else {
			assert_int_equal(pz_drain_cpu_pages(pz, (unsigned)((r >> 8) % 2)), 0);
		}
	}
	while (n--)
		assert_int_equal(pz_free_pages(pz, held[n], orders[n]), 0);
	atomic_fetch_sub(&w->sh->running, 1);
	return NULL;
}

static void *monitor(void *arg)
{
	struct shared *sh = arg;

	/* at least a few walks even if the workers finish first */
	for (unsigned i = 0; atomic_load(&sh->running) > 0 || i < 5; i++) {
		int rc = pz_validate_concurrent(sh->pz);

		if (rc)
			atomic_fetch_add(&sh->violations, (unsigned long)(rc > 0 ? rc : 1));
		atomic_fetch_add(&sh->validations, 1);
	}
	return NULL;
}

static void run(enum pz_profile profile)
{
	struct tu_machine tm;
	struct pz_config cfg;
	struct pz_platform plat = *pz_host_platform();
	struct shared sh;
	struct worker w[WORKERS];
	pthread_t th[WORKERS], mon;
	uint64_t free_before;

	tu_machine_init(&tm, 2, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, 4096 + 4096);
	tu_add_zone(&tm, 1, PZ_ZONE_NORMAL, 65536, 65536 + 4096);
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &tm.m;
	cfg.profile = profile;
	plat.log = count_log;
	cfg.platform = &plat;
	memset(&sh, 0, sizeof(sh));
	sh.pz = tu_create(&cfg);
	assert_non_null(sh.pz);
	free_before = tu_free_pages(sh.pz);
	atomic_store(&log_lines, 0);
	atomic_store(&sh.running, WORKERS);
	for (unsigned i = 0; i < WORKERS; i++) {
		w[i].sh = &sh;
		w[i].seed = 0x7a11da7e + i * 0x9e3779b97f4a7c15ULL;
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	assert_int_equal(pthread_create(&mon, NULL, monitor, &sh), 0);
	for (unsigned i = 0; i < WORKERS; i++)
		pthread_join(th[i], NULL);
	pthread_join(mon, NULL);
	printf("validate under load (%s): %lu concurrent walks, %lu violations\n",
	       profile == PZ_PROFILE_MODERN ? "modern" : "linux-4.1", atomic_load(&sh.validations),
	       atomic_load(&sh.violations));
	assert_int_equal(atomic_load(&sh.violations), 0);
	assert_int_equal(atomic_load(&log_lines), 0);
	assert_true(atomic_load(&sh.validations) >= 5);
	pz_drain_all_pages(sh.pz);
	assert_int_equal(pz_validate(sh.pz), 0);
	assert_int_equal(pz_validate_concurrent(sh.pz), 0);
	assert_int_equal(tu_free_pages(sh.pz), free_before);
	tu_destroy(sh.pz);
}

static void test_stress_validate_41(void **state)
{
	(void)state;
	run(PZ_PROFILE_LINUX_4_1);
}

static void test_stress_validate_modern(void **state)
{
	(void)state;
	run(PZ_PROFILE_MODERN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stress_validate_41),
		cmocka_unit_test(test_stress_validate_modern),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
