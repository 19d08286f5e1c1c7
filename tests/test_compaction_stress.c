/*
 * test_compaction_stress.c - compaction racing with the owner of the
 * movable pages (not a benchmark): two owner threads allocate and free
 * movable blocks of orders 0-2 while a third compacts the zone by hand and
 * directly (async, so that the zone lock's trylock meets contention, and
 * sync-light) for as long as they run. The owner may free a block while the callback for it runs:
 * the core's reference keeps it from being reused, and whichever side
 * drops the last reference frees it once. Bounded by operation count.
 * After joining, every block is freed, the validation walk must pass and
 * all pages be back. Run under ThreadSanitizer by scripts/test.sh.
 */
#include "testutil.h"
#include "../src/core/internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#define SLOTS	8192
#define OPS	200000
#define ROUNDS	40
#define ZSTART	16384
#define ZPAGES	16384
#define GFP_MOV (PZ_GFP_HIGHUSER_MOVABLE & ~PZ__GFP_DIRECT_RECLAIM)

/* The owner: slot i holds page[i] of order[i]; one lock for the table. */
static struct {
	pthread_mutex_t lock;
	pz_page_t *page[SLOTS];
	unsigned order[SLOTS];
} own = {.lock = PTHREAD_MUTEX_INITIALIZER};

static pz_t *pz;
static atomic_ulong moved, unknown, owner_frees;
static atomic_int owners_running;

static enum pz_migrate_result migrate_cb(void *ctx, pz_t *p, pz_page_t *src, pz_page_t *dst,
					 unsigned order, enum pz_migrate_mode mode)
{
	uintptr_t slot;
	enum pz_migrate_result r = PZ_MIGRATE_UNKNOWN;

	(void)ctx, (void)p, (void)mode;
	pthread_mutex_lock(&own.lock); /* owner words are written under it */
	slot = pz_page_owner(src);
	if (slot && slot <= SLOTS && own.page[slot - 1] == src && own.order[slot - 1] == order) {
		own.page[slot - 1] = dst;
		pz_page_set_owner(dst, slot);
		r = PZ_MIGRATE_OK;
	}
	pthread_mutex_unlock(&own.lock);
	atomic_fetch_add(r == PZ_MIGRATE_OK ? &moved : &unknown, 1);
	return r;
}

static void owner_free(unsigned slot)
{
	pz_page_t *p;
	unsigned order;

	pthread_mutex_lock(&own.lock);
	p = own.page[slot];
	order = own.order[slot];
	own.page[slot] = NULL;
	pthread_mutex_unlock(&own.lock);
	if (p) {
		assert_int_equal(pz_free_pages(pz, p, order), 0);
		atomic_fetch_add(&owner_frees, 1);
	}
}

static void owner_alloc(unsigned slot, unsigned order)
{
	pz_page_t *p = pz_alloc_pages(pz, GFP_MOV | PZ__GFP_NOWARN, order);

	if (!p)
		return;
	pthread_mutex_lock(&own.lock);
	pz_page_set_owner(p, slot + 1);
	own.page[slot] = p;
	own.order[slot] = order;
	pthread_mutex_unlock(&own.lock);
}

static void *owner_thread(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	uint64_t rng = 0x9e3779b97f4a7c15ull * (id + 1);

	pz_host_set_cpu((int)id);
	for (int i = 0; i < OPS; i++) {
		uint64_t r = tu_rand(&rng);
		/* each thread owns half of the slots: no two threads fill one */
		unsigned slot = (unsigned)(r % (SLOTS / 2)) * 2 + id;
		pz_page_t *cur;

		pthread_mutex_lock(&own.lock);
		cur = own.page[slot];
		pthread_mutex_unlock(&own.lock);
		if (cur)
			owner_free(slot);
		else
			owner_alloc(slot, (unsigned)((r >> 32) % 3));
	}
	atomic_fetch_sub(&owners_running, 1);
	return NULL;
}

static void direct(enum pz_migrate_mode mode)
{
	struct pz_alloc_ctx ac;
	struct pz_compact_req req;

	memset(&ac, 0, sizeof(ac));
	ac.zonelist = pz->nodes[0].zonelist[0];
	ac.high_zoneidx = PZ_ZONE_MOVABLE;
	assert_true(pz_first_zone(pz, &ac, NULL));
	memset(&req, 0, sizeof(req));
	req.gfp = PZ_GFP_HIGHUSER_MOVABLE;
	req.order = 9;
	req.ac = &ac;
	req.mode = mode;
	req.prio = mode == PZ_MIGRATE_ASYNC ? PZ_COMPACT_PRIO_ASYNC : PZ_COMPACT_PRIO_SYNC_LIGHT;
	pz_try_to_compact_pages(pz, &req);
}

static void *compactor(void *arg)
{
	(void)arg;
	pz_host_set_cpu(1);
	/* while the owners run, and at least ROUNDS times */
	for (int i = 0; i < ROUNDS || atomic_load(&owners_running); i++) {
		if (i % 3 == 0)
			assert_int_equal(pz_compact_zone(pz, 0, PZ_ZONE_NORMAL), 0);
		else
			direct(i % 3 == 1 ? PZ_MIGRATE_ASYNC : PZ_MIGRATE_SYNC_LIGHT);
	}
	return NULL;
}

static void run(enum pz_profile profile)
{
	struct tu_machine tm;
	struct pz_config cfg;
	struct pz_platform plat = *pz_host_platform();
	pthread_t th[3];
	uint64_t free0;

	tu_machine_init(&tm, 1, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, ZSTART, ZSTART + ZPAGES);
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &tm.m;
	cfg.profile = profile;
	cfg.platform = &plat;
	pz = tu_create(&cfg);
	assert_non_null(pz);
	free0 = tu_free_pages(pz) + tu_pcp_pages(pz);
	assert_int_equal(pz_set_migrate_handler(pz, migrate_cb, NULL), 0);
	atomic_store(&moved, 0);
	atomic_store(&unknown, 0);
	atomic_store(&owner_frees, 0);
	atomic_store(&owners_running, 2);
	for (uintptr_t i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, owner_thread, (void *)i), 0);
	assert_int_equal(pthread_create(&th[2], NULL, compactor, NULL), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	assert_int_equal(pz_validate(pz), 0);
	for (unsigned s = 0; s < SLOTS; s++)
		owner_free(s);
	pz_drain_all_pages(pz);
	assert_int_equal(pz_validate(pz), 0);
	assert_int_equal(tu_free_pages(pz) + tu_pcp_pages(pz), free0);
	assert_true(atomic_load(&moved) > 0);
	print_message("moved %lu, refused as unknown %lu, owner frees %lu\n", atomic_load(&moved),
		      atomic_load(&unknown), atomic_load(&owner_frees));
	tu_destroy(pz);
}

static void test_compaction_stress_41(void **state)
{
	(void)state;
	run(PZ_PROFILE_LINUX_4_1);
}

static void test_compaction_stress_modern(void **state)
{
	(void)state;
	run(PZ_PROFILE_MODERN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compaction_stress_41),
		cmocka_unit_test(test_compaction_stress_modern),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
