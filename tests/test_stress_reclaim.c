/*
 * test_stress_reclaim.c - seeded multi-thread stress of reclaim (not a
 * benchmark): the host layer's kswapd threads on two nodes, caches whose
 * shrinkers free their pages from the callbacks (called by kswapd and by
 * direct reclaim at once), allocating threads that fill the caches until
 * allocation fails and then wake kswapd and reclaim directly as the slow
 * path does, and a thread registering and unregistering a shrinker that
 * may be running. Bounded by operation count. Afterwards every page is
 * back and the validation walk passes.
 *
 * Run under ThreadSanitizer by scripts/test.sh (build/test-tsan).
 */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define THREADS	   3
#define OPS	   6000
#define CACHES	   3
#define CACHE_MAX  8192
#define NODE_PAGES 4096u

struct cache {
	struct pz_shrinker s;
	pthread_mutex_t mu;
	pz_t *pz;
	pz_page_t *page[CACHE_MAX];
	unsigned n;
	atomic_ulong freed;
};

static struct cache caches[CACHES];
static struct cache spare; /* registered and unregistered over and over */
static atomic_int done;
static atomic_ulong alloc_fails, reclaimed;

static unsigned long cache_count(struct pz_shrinker *s, struct pz_shrink_control *sc)
{
	struct cache *c = s->ctx;
	unsigned long n;

	(void)sc;
	pthread_mutex_lock(&c->mu);
	n = c->n;
	pthread_mutex_unlock(&c->mu);
	return n;
}

/* Frees up to nr_to_scan pages from the callback (never allocating while
 * holding the cache lock: an allocation may reclaim into this cache). */
static unsigned long cache_scan(struct pz_shrinker *s, struct pz_shrink_control *sc)
{
	struct cache *c = s->ctx;
	unsigned long k = 0;

	pthread_mutex_lock(&c->mu);
	while (k < sc->nr_to_scan && c->n) {
		assert_int_equal(pz_free_pages(c->pz, c->page[--c->n], 0), 0);
		k++;
	}
	pthread_mutex_unlock(&c->mu);
	atomic_fetch_add(&c->freed, k);
	return k;
}

static void cache_init(struct cache *c, pz_t *pz)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->mu, NULL);
	pz_shrinker_init(&c->s);
	c->s.count_objects = cache_count;
	c->s.scan_objects = cache_scan;
	c->s.ctx = c;
	c->s.batch = 32;
	c->pz = pz;
}

static bool cache_put(struct cache *c, pz_page_t *p)
{
	bool ok;

	pthread_mutex_lock(&c->mu);
	ok = c->n < CACHE_MAX;
	if (ok)
		c->page[c->n++] = p;
	pthread_mutex_unlock(&c->mu);
	return ok;
}

/* What the slow path will do: wake kswapd, then reclaim directly. */
static void pressure(pz_t *pz, int nid)
{
	uint64_t progress = 0;

	pz_wakeup_kswapd(pz, nid, PZ_ZONE_NORMAL, 0, PZ_ZONE_NORMAL, PZ_GFP_KERNEL);
	assert_int_equal(pz_direct_reclaim(pz, nid, PZ_GFP_KERNEL, 0, &progress), 0);
	atomic_fetch_add(&reclaimed, progress);
}

static void *allocator(void *arg)
{
	pz_t *pz = arg;
	struct pz_task task;
	uint64_t seed = tu_env_ul("PZ_TEST_SEED", 7) ^ (uint64_t)(uintptr_t)&task;

	pz_task_init(&task);
	pz_set_current_task(&task);
	for (unsigned i = 0; i < OPS; i++) {
		uint64_t r = tu_rand(&seed);
		int nid = (int)(r & 1);
		pz_page_t *p = pz_alloc_pages_node(pz, nid, PZ_GFP_KERNEL | PZ__GFP_NOWARN, 0);

		if (!p) {
			atomic_fetch_add(&alloc_fails, 1);
			pressure(pz, nid);
			continue;
		}
		if (!cache_put(&caches[(r >> 8) % CACHES], p))
			pz_free_pages(pz, p, 0);
	}
	pz_set_current_task(NULL);
	return NULL;
}

static void *churner(void *arg)
{
	pz_t *pz = arg;

	while (!atomic_load(&done)) {
		assert_int_equal(pz_register_shrinker(pz, &spare.s), 0);
		sched_yield();
		assert_int_equal(pz_unregister_shrinker(pz, &spare.s), 0);
	}
	return NULL;
}

static uint64_t managed(pz_t *pz)
{
	struct pz_zone_info zi;
	uint64_t sum = 0;

	for (int n = 0; n < 2; n++) {
		assert_int_equal(pz_zone_info(pz, n, PZ_ZONE_NORMAL, &zi), 0);
		sum += zi.managed;
	}
	return sum;
}

static void run(enum pz_profile profile)
{
	struct tu_machine tm;
	struct pz_config cfg;
	pthread_t th[THREADS], ch;
	uint64_t ev[PZ_NR_VM_EVENTS];
	pz_t *pz = NULL;

	atomic_store(&done, 0);
	tu_machine_init(&tm, 2, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 0x1000, 0x1000 + NODE_PAGES);
	tu_add_zone(&tm, 1, PZ_ZONE_NORMAL, 0x1000 + NODE_PAGES, 0x1000 + 2 * NODE_PAGES);
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &tm.m;
	cfg.profile = profile;
	cfg.platform = pz_host_platform();
	assert_int_equal(pz_host_create(&cfg, &pz), 0);
	for (unsigned i = 0; i < CACHES; i++) {
		cache_init(&caches[i], pz);
		caches[i].s.flags = i ? PZ_SHRINKER_NUMA_AWARE : 0;
		assert_int_equal(pz_register_shrinker(pz, &caches[i].s), 0);
	}
	cache_init(&spare, pz);
	assert_int_equal(pz_host_kswapd_start(pz), 0);
	assert_int_equal(pthread_create(&ch, NULL, churner, pz), 0);
	for (unsigned i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, allocator, pz), 0);
	for (unsigned i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	atomic_store(&done, 1);
	pthread_join(ch, NULL);
	assert_int_equal(pz_host_kswapd_stop(pz), 0);
	assert_int_equal(pz_vm_events(pz, ev, PZ_NR_VM_EVENTS), 0);
	/* memory ran out (the slow path's own direct reclaim, allocstall, or
	 * a failure), and reclaim - direct and kswapd's - brought pages back */
	assert_true(atomic_load(&alloc_fails) + ev[PZ_VM_ALLOCSTALL] > 0);
	assert_true(ev[PZ_VM_PGSTEAL_DIRECT] + ev[PZ_VM_PGSTEAL_KSWAPD] > 0);
	assert_true(ev[PZ_VM_PAGEOUTRUN] > 0);
	for (unsigned i = 0; i < CACHES; i++) {
		assert_int_equal(pz_unregister_shrinker(pz, &caches[i].s), 0);
		while (caches[i].n)
			assert_int_equal(pz_free_pages(pz, caches[i].page[--caches[i].n], 0), 0);
	}
	assert_int_equal(pz_validate(pz), 0);
	assert_int_equal(tu_free_pages(pz) + tu_pcp_pages(pz), managed(pz));
	pz_host_destroy(pz);
}

static void test_stress_reclaim(void **state)
{
	(void)state;
	run(PZ_PROFILE_LINUX_4_1);
	run(PZ_PROFILE_MODERN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stress_reclaim),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
