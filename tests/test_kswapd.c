/*
 * test_kswapd.c - background reclaim per node, in both profiles.
 *
 * Deterministic mode: a wake-up runs kswapd inline; it balances the node
 * back to the high watermark through a mock cache's shrinker and stops
 * there (the cache keeps pages, kswapd sleeps), counting pageoutrun and
 * pgsteal_kswapd. The wake-up exits in the kernel's order (no pages,
 * cpuset, not asleep, hopeless, balanced) each come back as their reason.
 * With hooks: the wake hook gets the node once, the nap goes through the
 * wait hook, and a wake-up during the nap counts
 * kswapd_low_wmark_hit_quickly. A shrinker that never frees leaves kswapd
 * asleep or hopeless after a bounded number of rounds, never spinning.
 * A seeded simulation in deterministic mode repeats exactly. linux-6.1's
 * watermark boost: a fallback boosts and wakes kswapd on a balanced node,
 * whose boosted run clears the boost. 4.1 and 4.4 balance at order 0 for
 * an order-9 wake-up once compaction is suitable (a migrate handler
 * registered), and for order 9 without one.
 */
#include "reclaim_mock.h"

#define ZONE_START 0x1000u
#define ZONE_PAGES 8192u

static struct tu_machine tm;
static struct pz_platform plat;
static struct {
	unsigned wakes, waits, last_why, last_usecs;
	int last_nid;
	struct rm_cache *refill; /* the wait hook allocates into it and wakes */
	pz_t *pz;
} H;

static void on_wake(void *ctx, int nid)
{
	(void)ctx;
	H.wakes++;
	H.last_nid = nid;
}

static uint64_t zone_free(pz_t *pz, int nid)
{
	struct pz_zone_info zi;

	assert_int_equal(pz_zone_info(pz, nid, PZ_ZONE_NORMAL, &zi), 0);
	return (uint64_t)zi.stat[PZ_NR_FREE_PAGES];
}

static uint64_t wmark(pz_t *pz, int nid, int which)
{
	struct pz_zone_info zi;

	assert_int_equal(pz_zone_info(pz, nid, PZ_ZONE_NORMAL, &zi), 0);
	return which == 0 ? zi.wmark_min : which == 1 ? zi.wmark_low : zi.wmark_high;
}

/* Fills c until node nid's Normal zone is below its low watermark. */
static void deplete(struct rm_cache *c, int nid)
{
	uint64_t low = wmark(c->pz, nid, 1);

	/* without __GFP_KSWAPD_RECLAIM: the slow path's MIN attempt must not
	 * wake (and in deterministic mode run) kswapd while filling */
	while (zone_free(c->pz, nid) >= low)
		assert_int_equal(
			rm_fill(c, 64, (PZ_GFP_KERNEL & ~PZ__GFP_KSWAPD_RECLAIM) | PZ__GFP_HIGH),
			64);
}

static void on_wait(void *ctx, enum pz_wait_reason why, unsigned usecs)
{
	(void)ctx;
	H.waits++;
	H.last_why = why;
	H.last_usecs = usecs;
	if (H.refill && why == PZ_WAIT_KSWAPD_NAP) {
		struct rm_cache *c = H.refill;

		H.refill = NULL; /* once */
		deplete(c, 0);
		assert_int_equal(
			pz_wakeup_kswapd(H.pz, 0, PZ_ZONE_NORMAL, 0, PZ_ZONE_NORMAL, PZ_GFP_KERNEL),
			PZ_KSWAPD_WOKEN);
	}
}

static pz_t *make(enum pz_profile profile, unsigned nodes, int deterministic)
{
	struct pz_config cfg;
	pz_t *pz;

	tu_machine_init(&tm, nodes, 1);
	for (unsigned n = 0; n < nodes; n++)
		tu_add_zone(&tm, n, PZ_ZONE_NORMAL, ZONE_START + n * ZONE_PAGES,
			    ZONE_START + (n + 1) * ZONE_PAGES);
	memset(&cfg, 0, sizeof(cfg));
	memset(&H, 0, sizeof(H));
	H.last_nid = -1;
	plat = tu_platform(0);
	plat.wake_kswapd = on_wake;
	plat.wait = on_wait;
	cfg.machine = &tm.m;
	cfg.profile = profile;
	cfg.platform = &plat;
	cfg.kswapd_deterministic = (unsigned)deterministic;
	pz = tu_create(&cfg);
	assert_non_null(pz);
	H.pz = pz;
	return pz;
}

static void finish(pz_t *pz, struct rm_cache *c)
{
	if (c->s.core.state)
		assert_int_equal(pz_unregister_shrinker(pz, &c->s), 0);
	rm_drain(c);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

static void balance(enum pz_profile profile)
{
	pz_t *pz = make(profile, 1, 1);
	static struct rm_cache c;
	struct pz_kswapd_info ki;
	unsigned filled;

	rm_init(&c, pz, RM_FREE);
	assert_int_equal(pz_register_shrinker(pz, &c.s), 0);
	deplete(&c, 0);
	filled = c.n;
	assert_int_equal(pz_wakeup_kswapd(pz, 0, PZ_ZONE_NORMAL, 0, PZ_ZONE_NORMAL, PZ_GFP_KERNEL),
			 PZ_KSWAPD_WOKEN);
	/* ran inline: balanced to high, and stopped there */
	assert_true(zone_free(pz, 0) >= wmark(pz, 0, 2));
	assert_true(c.n > 0 && c.n < filled);
	assert_int_equal(pz_kswapd_info(pz, 0, &ki), 0);
	assert_int_equal(ki.asleep, 1);
	assert_true(ki.runs >= 1);
	assert_int_equal(rm_event(pz, PZ_VM_PGSTEAL_KSWAPD), filled - c.n);
	assert_int_equal(rm_event(pz, PZ_VM_PGSTEAL_DIRECT), 0);
	assert_true(rm_event(pz, PZ_VM_PAGEOUTRUN) >= 1);
	assert_int_equal(rm_event(pz, PZ_VM_KSWAPD_WAKE), 1);
	assert_int_equal(H.wakes, 0); /* deterministic: no hook */
	assert_int_equal(H.waits, 0); /* and no nap */
	/* balanced now: the next wake-up leaves at the last exit */
	assert_int_equal(pz_wakeup_kswapd(pz, 0, PZ_ZONE_NORMAL, 0, PZ_ZONE_NORMAL, PZ_GFP_KERNEL),
			 PZ_KSWAPD_BALANCED);
	finish(pz, &c);
}

static void test_balance_41(void **state)
{
	(void)state;
	balance(PZ_PROFILE_LINUX_4_1);
	balance(PZ_PROFILE_LINUX_4_4);
}

static void test_balance_61(void **state)
{
	(void)state;
	balance(PZ_PROFILE_MODERN);
}

static void exits(enum pz_profile profile)
{
	pz_t *pz = make(profile, 2, 0);
	static struct rm_cache c;
	struct pz_task task;
	struct pz_kswapd_info ki;

	rm_init(&c, pz, RM_FREE);
	assert_int_equal(pz_wakeup_kswapd(pz, 0, PZ_ZONE_DMA, 0, PZ_ZONE_NORMAL, PZ_GFP_KERNEL),
			 PZ_KSWAPD_UNPOPULATED);
	pz_task_init(&task);
	assert_int_equal(pz_task_set_mems_allowed(pz, &task, 1, 0), 0);
	pz_set_current_task(&task);
	assert_int_equal(pz_wakeup_kswapd(pz, 1, PZ_ZONE_NORMAL, 0, PZ_ZONE_NORMAL, PZ_GFP_KERNEL),
			 PZ_KSWAPD_CPUSET);
	pz_set_current_task(NULL);
	assert_int_equal(pz_wakeup_kswapd(pz, 0, PZ_ZONE_NORMAL, 0, PZ_ZONE_NORMAL, PZ_GFP_KERNEL),
			 PZ_KSWAPD_BALANCED);
	assert_int_equal(H.wakes, 0);
	deplete(&c, 0);
	assert_int_equal(pz_wakeup_kswapd(pz, 0, PZ_ZONE_NORMAL, 0, PZ_ZONE_NORMAL, PZ_GFP_KERNEL),
			 PZ_KSWAPD_WOKEN);
	assert_int_equal(H.wakes, 1);
	assert_int_equal(H.last_nid, 0);
	/* awake now: a second wake-up only records its order */
	assert_int_equal(pz_wakeup_kswapd(pz, 0, PZ_ZONE_NORMAL, 3, PZ_ZONE_NORMAL, PZ_GFP_KERNEL),
			 PZ_KSWAPD_NOT_ASLEEP);
	assert_int_equal(H.wakes, 1);
	assert_int_equal(pz_kswapd_info(pz, 0, &ki), 0);
	assert_int_equal(ki.order, 3);
	assert_int_equal(ki.asleep, 0);
	assert_int_equal(pz_wakeup_kswapd(pz, 2, PZ_ZONE_NORMAL, 0, PZ_ZONE_NORMAL, 0), -PZ_ENODEV);
	assert_int_equal(pz_wakeup_kswapd(pz, 0, PZ_NR_ZONE_TYPES, 0, PZ_ZONE_NORMAL, 0),
			 -PZ_EINVAL);
	assert_int_equal(pz_kswapd_run(pz, 5), -PZ_ENODEV);
	finish(pz, &c);
}

static void test_wake_exits(void **state)
{
	(void)state;
	exits(PZ_PROFILE_LINUX_4_1);
	exits(PZ_PROFILE_MODERN);
	exits(PZ_PROFILE_LINUX_4_4);
}

/* Runs node 0's kswapd until it sleeps; returns the rounds it took. */
static unsigned run_to_sleep(pz_t *pz, unsigned max)
{
	for (unsigned i = 1; i <= max; i++) {
		int r = pz_kswapd_run(pz, 0);

		assert_true(r == PZ_KSWAPD_SLEEP || r == PZ_KSWAPD_AGAIN);
		if (r == PZ_KSWAPD_SLEEP)
			return i;
	}
	return 0;
}

static void nap(enum pz_profile profile)
{
	pz_t *pz = make(profile, 1, 0);
	static struct rm_cache c;

	rm_init(&c, pz, RM_FREE);
	assert_int_equal(pz_register_shrinker(pz, &c.s), 0);
	deplete(&c, 0);
	assert_int_equal(pz_wakeup_kswapd(pz, 0, PZ_ZONE_NORMAL, 0, PZ_ZONE_NORMAL, PZ_GFP_KERNEL),
			 PZ_KSWAPD_WOKEN);
	/* the nap of the first round is cut short by a wake-up from the hook */
	H.refill = &c;
	assert_true(run_to_sleep(pz, 50) >= 2);
	assert_null(H.refill);
	assert_int_equal(H.last_why, PZ_WAIT_KSWAPD_NAP);
	assert_int_equal(H.last_usecs, 100000);
	assert_int_equal(rm_event(pz, PZ_VM_KSWAPD_LOW_WMARK_HIT_QUICKLY), 1);
	assert_int_equal(H.wakes, 2);
	assert_true(zone_free(pz, 0) >= wmark(pz, 0, 2));
	finish(pz, &c);
}

static void test_nap_cut_short(void **state)
{
	(void)state;
	nap(PZ_PROFILE_LINUX_4_1);
	nap(PZ_PROFILE_MODERN);
	nap(PZ_PROFILE_LINUX_4_4);
}

/*
 * A cache whose shrinker never frees: kswapd gives up, bounded. 6.1 counts
 * kswapd_failures and, after 16 rounds without a page, the node is
 * hopeless; 4.1's zone stops being reclaimable once six times its pages
 * in use were scanned without a free, and each later wake-up costs one
 * round that finds the node "balanced" and sleeps again.
 */
static void never(enum pz_profile profile)
{
	pz_t *pz = make(profile, 1, 1);
	static struct rm_cache c, held;
	struct pz_kswapd_info ki;
	uint64_t runs = 0;
	unsigned i;
	int r = -1;

	rm_init(&held, pz, RM_FREE);
	rm_init(&c, pz, RM_NOTHING);
	c.objects = 100000;
	assert_int_equal(pz_register_shrinker(pz, &c.s), 0);
	deplete(&held, 0);
	for (i = 0; i < 12 && r != PZ_KSWAPD_HOPELESS; i++) {
		r = pz_wakeup_kswapd(pz, 0, PZ_ZONE_NORMAL, 0, PZ_ZONE_NORMAL, PZ_GFP_KERNEL);
		assert_int_equal(pz_kswapd_info(pz, 0, &ki), 0);
		/* never more rounds per wake-up than the inline bound */
		assert_true(ki.runs - runs <= 8);
		if (profile != PZ_PROFILE_MODERN && i > 0) { /* 4.x kswapd */
			assert_int_equal(ki.runs - runs, 1);
			assert_int_equal(ki.asleep, 1);
		}
		runs = ki.runs;
	}
	assert_true(rm_event(pz, PZ_VM_KSWAPD_HIGH_WMARK_HIT_QUICKLY) > 0);
	assert_int_equal(rm_event(pz, PZ_VM_PGSTEAL_KSWAPD), 0);
	if (profile == PZ_PROFILE_MODERN) {
		assert_int_equal(r, PZ_KSWAPD_HOPELESS);
		assert_true(ki.failures >= 16 && ki.asleep);
	}
	assert_int_equal(pz_unregister_shrinker(pz, &c.s), 0);
	rm_drain(&held);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

static void test_never_frees(void **state)
{
	(void)state;
	never(PZ_PROFILE_LINUX_4_1);
	never(PZ_PROFILE_MODERN);
	never(PZ_PROFILE_LINUX_4_4);
}

/*
 * A seeded simulation in deterministic mode: allocations into two caches,
 * random frees, wake-ups whenever the zone is below low. Two runs with the
 * same seed end with the same counters, free pages and cache contents.
 */
struct digest {
	uint64_t ev[PZ_NR_VM_EVENTS], free[2];
	unsigned n[2];
	struct pz_kswapd_info ki[2];
};

static void simulate(enum pz_profile profile, uint64_t seed, struct digest *d)
{
	pz_t *pz = make(profile, 2, 1);
	static struct rm_cache c[2];

	for (int i = 0; i < 2; i++) {
		rm_init(&c[i], pz, RM_FREE);
		c[i].s.flags = i ? PZ_SHRINKER_NUMA_AWARE : 0;
		c[i].s.batch = 16 + 48 * i;
		assert_int_equal(pz_register_shrinker(pz, &c[i].s), 0);
	}
	for (unsigned op = 0; op < 20000; op++) {
		uint64_t r = tu_rand(&seed);
		int nid = (int)(r & 1);
		struct rm_cache *k = &c[(r >> 1) & 1];

		bool failed = false;

		if ((r >> 2) % 5 == 0 && k->n) {
			unsigned at = (unsigned)((r >> 8) % k->n);

			assert_int_equal(pz_free_pages(pz, k->pages[at], 0), 0);
			k->pages[at] = k->pages[--k->n];
		} else {
			failed = !rm_fill(k, 1, PZ_GFP_KERNEL | PZ__GFP_NOWARN);
		}
		/* what the slow path does when the LOW check fails */
		if (failed || zone_free(pz, nid) <= wmark(pz, nid, 1))
			assert_true(pz_wakeup_kswapd(pz, nid, PZ_ZONE_NORMAL,
						     (unsigned)(r >> 20) % 2, PZ_ZONE_NORMAL,
						     PZ_GFP_KERNEL) >= 0);
	}
	assert_int_equal(pz_vm_events(pz, d->ev, PZ_NR_VM_EVENTS), 0);
	for (int i = 0; i < 2; i++) {
		d->free[i] = zone_free(pz, i);
		d->n[i] = c[i].n;
		assert_int_equal(pz_kswapd_info(pz, i, &d->ki[i]), 0);
		assert_int_equal(pz_unregister_shrinker(pz, &c[i].s), 0);
		rm_drain(&c[i]);
	}
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

static void repeat(enum pz_profile profile)
{
	static struct digest a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	simulate(profile, 42, &a);
	simulate(profile, 42, &b);
	assert_true(a.ev[PZ_VM_PAGEOUTRUN] > 0 && a.ev[PZ_VM_PGSTEAL_KSWAPD] > 0);
	assert_memory_equal(&a, &b, sizeof(a));
}

static void test_deterministic_repeats(void **state)
{
	(void)state;
	repeat(PZ_PROFILE_LINUX_4_1);
	repeat(PZ_PROFILE_MODERN);
	repeat(PZ_PROFILE_LINUX_4_4);
}

/*
 * Watermark boosting (5.0, linux-6.1): every page of the zone allocated
 * movable, then every even pfn freed, so that the free memory (half the
 * zone, well above high) is order-0 movable blocks only. A GFP_KERNEL
 * page then falls back from an order-0 block: the zone's boost rises by a
 * pageblock (the cap, 1.5 * high, is below one here), the reported
 * watermarks with it, and the allocation wakes kswapd although the node is
 * balanced. In deterministic mode kswapd's boosted reclaim runs inline and
 * clears the boost; with the hook the boost stays until kswapd runs.
 * Without the switch, or with watermark_boost_factor 0, nothing happens.
 */
static pz_page_t *boost_pages[ZONE_PAGES];

static uint64_t zone_boost(pz_t *pz)
{
	struct pz_zone_info zi;

	assert_int_equal(pz_zone_info(pz, 0, PZ_ZONE_NORMAL, &zi), 0);
	return zi.watermark_boost;
}

static pz_t *boost_setup(int deterministic, unsigned clear, unsigned factor)
{
	const pz_gfp_t mov = (PZ_GFP_HIGHUSER_MOVABLE & ~PZ__GFP_RECLAIM) | PZ__GFP_NOWARN;
	pz_t *pz;
	size_t n = 0;

	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, ZONE_START, ZONE_START + ZONE_PAGES);
	memset(&H, 0, sizeof(H));
	plat = tu_platform(0);
	plat.wake_kswapd = on_wake;
	{
		struct pz_config cfg;

		memset(&cfg, 0, sizeof(cfg));
		cfg.machine = &tm.m;
		cfg.profile = PZ_PROFILE_LINUX_6_1;
		cfg.platform = &plat;
		cfg.kswapd_deterministic = (unsigned)deterministic;
		cfg.features_clear = clear;
		pz = tu_create(&cfg);
	}
	assert_non_null(pz);
	assert_int_equal(pz_set_watermark_boost_factor(pz, factor), 0);
	while (n < ZONE_PAGES && (boost_pages[n] = pz_alloc_pages(pz, mov, 0)))
		n++;
	assert_true(n > ZONE_PAGES / 2);
	for (size_t i = 0; i < n; i++)
		if (!(pz_page_to_pfn(pz, boost_pages[i]) & 1)) {
			pz_free_pages(pz, boost_pages[i], 0);
			boost_pages[i] = NULL;
		}
	pz_drain_all_pages(pz);
	for (size_t i = n; i < ZONE_PAGES; i++)
		boost_pages[i] = NULL;
	assert_int_equal(zone_boost(pz), 0);
	return pz;
}

static void boost_finish(pz_t *pz, pz_page_t *p)
{
	pz_free_pages(pz, p, 0);
	for (size_t i = 0; i < ZONE_PAGES; i++)
		if (boost_pages[i])
			pz_free_pages(pz, boost_pages[i], 0);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

static void test_boost_wakes_kswapd(void **state)
{
	pz_t *pz = boost_setup(0, 0, 15000);
	uint64_t min = wmark(pz, 0, 0), high = wmark(pz, 0, 2);
	pz_page_t *p;

	(void)state;
	assert_true(zone_free(pz, 0) > high && high * 3 / 2 < 512);
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_non_null(p);
	assert_int_equal(zone_boost(pz), 512); /* one pageblock */
	assert_int_equal(wmark(pz, 0, 0), min + 512);
	assert_int_equal(wmark(pz, 0, 2), high + 512);
	assert_int_equal(H.wakes, 1); /* the boosted zone woke its kswapd */
	assert_int_equal(rm_event(pz, PZ_VM_KSWAPD_WAKE), 1);
	boost_finish(pz, p);
}

static void test_boost_cleared_by_kswapd(void **state)
{
	pz_t *pz = boost_setup(1, 0, 15000);
	struct pz_kswapd_info ki;
	pz_page_t *p;

	(void)state;
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_non_null(p);
	/* kswapd ran inline on the balanced but boosted node, found nothing
	 * to reclaim (no shrinker), stopped, and took the boost off */
	assert_int_equal(pz_kswapd_info(pz, 0, &ki), 0);
	assert_int_equal(ki.runs, 1);
	assert_int_equal(rm_event(pz, PZ_VM_PAGEOUTRUN), 1);
	assert_int_equal(zone_boost(pz), 0);
	assert_int_equal(H.wakes, 0);
	boost_finish(pz, p);
}

static void test_boost_off(void **state)
{
	pz_t *pz;
	pz_page_t *p;

	(void)state;
	for (int k = 0; k < 2; k++) {
		/* the switch cleared, or the sysctl at 0 */
		pz = boost_setup(0, k ? 0 : PZ_FEAT_WMARK_BOOST, k ? 0 : 15000);
		p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
		assert_non_null(p);
		assert_int_equal(zone_boost(pz), 0);
		assert_int_equal(H.wakes, 0);
		boost_finish(pz, p);
	}
}

static enum pz_migrate_result refuse_all(void *ctx, pz_t *pz, pz_page_t *src, pz_page_t *dst,
					 unsigned order, enum pz_migrate_mode mode)
{
	(void)ctx, (void)pz, (void)src, (void)dst, (void)order, (void)mode;
	return PZ_MIGRATE_PINNED;
}

/* Pages reclaimed by one order-9 wake-up of kswapd on a zone whose free
 * memory is plenty at order 0 but all single pages (every other page of a
 * full cache freed): compaction would be suitable there. */
static uint64_t order9_kswapd(enum pz_profile profile, int handler)
{
	pz_t *pz = make(profile, 1, 1);
	static struct rm_cache c;
	unsigned kept = 0;
	uint64_t got;

	rm_init(&c, pz, RM_FREE);
	if (handler)
		assert_int_equal(pz_set_migrate_handler(pz, refuse_all, NULL), 0);
	rm_fill(&c, RM_MAX_PAGES,
		PZ_GFP_KERNEL & ~(PZ__GFP_DIRECT_RECLAIM | PZ__GFP_KSWAPD_RECLAIM));
	for (unsigned i = 0; i < c.n; i++)
		if (i % 2)
			assert_int_equal(pz_free_pages(pz, c.pages[i], 0), 0);
		else
			c.pages[kept++] = c.pages[i];
	c.n = kept;
	assert_true(zone_free(pz, 0) > wmark(pz, 0, 1) + 1024);
	assert_int_equal(pz_register_shrinker(pz, &c.s), 0);
	assert_int_equal(pz_wakeup_kswapd(pz, 0, PZ_ZONE_NORMAL, 9, PZ_ZONE_NORMAL, PZ_GFP_KERNEL),
			 PZ_KSWAPD_WOKEN);
	got = rm_event(pz, PZ_VM_PGSTEAL_KSWAPD);
	finish(pz, &c);
	return got;
}

/* 4.1 and 4.4's kswapd_shrink_zone balances at order 0 when compaction is
 * suitable (compaction enabled: here, a migrate handler registered), so
 * an order-9 wake-up on a zone above its order-0 watermarks reclaims
 * nothing; without compaction it reclaims for order 9. 6.1 reclaims for
 * the order either way (until compact_gap). This is why compaction does
 * not raise 4.x's order-9 success under load in `pagezone highalloc`. */
static void test_order0_with_compaction_4x(void **state)
{
	(void)state;
	assert_int_equal(order9_kswapd(PZ_PROFILE_LINUX_4_1, 1), 0);
	assert_true(order9_kswapd(PZ_PROFILE_LINUX_4_1, 0) > 0);
	assert_int_equal(order9_kswapd(PZ_PROFILE_LINUX_4_4, 1), 0);
	assert_true(order9_kswapd(PZ_PROFILE_LINUX_4_4, 0) > 0);
	assert_true(order9_kswapd(PZ_PROFILE_MODERN, 1) > 0);
}

/* The count of cpu 0's lists of node 0's Normal zone. */
static unsigned pcp_count(pz_t *pz, unsigned *high, unsigned *batch)
{
	struct pz_pcp_info pi;

	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, &pi), 0);
	if (high)
		*high = pi.high;
	if (batch)
		*batch = pi.batch;
	return pi.count;
}

/* What the per-CPU lists did during a series of single frees. */
static struct {
	unsigned max, flushes, frees;
} P;

static void free_watched(struct rm_cache *c, unsigned long n)
{
	for (unsigned long i = 0; i < n && c->n; i++) {
		unsigned before = pcp_count(c->pz, NULL, NULL), after;

		assert_int_equal(pz_free_pages(c->pz, c->pages[--c->n], 0), 0);
		after = pcp_count(c->pz, NULL, NULL);
		P.max = after > P.max ? after : P.max;
		P.flushes += after <= before;
		P.frees++;
	}
}

/* A shrinker that frees page by page, watching the lists. */
static unsigned long watched_scan(struct pz_shrinker *s, struct pz_shrink_control *sc)
{
	unsigned before = P.frees;

	free_watched(rm_of(s), sc->nr_to_scan);
	return P.frees - before;
}

/*
 * The frees kswapd's reclaim causes (its shrinker calls), watched: P
 * holds the largest list count after one of them. Returns the lists'
 * high; *cap is 4 * batch.
 */
static unsigned kswapd_frees(enum pz_profile profile, unsigned *cap)
{
	pz_t *pz = make(profile, 1, 1);
	static struct rm_cache c;
	unsigned high, batch;

	rm_init(&c, pz, RM_FREE);
	c.s.scan_objects = watched_scan;
	assert_int_equal(pz_register_shrinker(pz, &c.s), 0);
	deplete(&c, 0);
	memset(&P, 0, sizeof(P));
	assert_true(pcp_count(pz, &high, &batch) < 4 * batch);
	assert_int_equal(pz_wakeup_kswapd(pz, 0, PZ_ZONE_NORMAL, 0, PZ_ZONE_NORMAL, PZ_GFP_KERNEL),
			 PZ_KSWAPD_WOKEN);
	*cap = 4 * batch;
	assert_true(P.frees >= *cap); /* enough to pass the cap without it */
	if (profile == PZ_PROFILE_MODERN) {
		/* kswapd is done: the flag went with it, high is back */
		unsigned during = P.max;

		P.max = 0;
		free_watched(&c, high);
		assert_true(P.max >= *cap);
		P.max = during;
	}
	finish(pz, &c);
	return high;
}

/* 5.14's nr_pcp_high: while kswapd balances a node (ZONE_RECLAIM_ACTIVE)
 * its zones' per-CPU lists keep fewer than 4 * batch pages, whatever
 * their high; 4.x has no such cap and fills to high. */
static void test_pcp_high_capped_while_kswapd_runs(void **state)
{
	unsigned cap, high;

	(void)state;
	high = kswapd_frees(PZ_PROFILE_MODERN, &cap);
	assert_true(high > cap); /* the cap is lower than the list's own high */
	assert_true(P.max < cap);
	assert_true(P.flushes > 0);
	high = kswapd_frees(PZ_PROFILE_LINUX_4_4, &cap);
	assert_true(high > cap);
	assert_int_equal(P.max, high - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_balance_41),
		cmocka_unit_test(test_balance_61),
		cmocka_unit_test(test_wake_exits),
		cmocka_unit_test(test_nap_cut_short),
		cmocka_unit_test(test_never_frees),
		cmocka_unit_test(test_deterministic_repeats),
		cmocka_unit_test(test_boost_wakes_kswapd),
		cmocka_unit_test(test_boost_cleared_by_kswapd),
		cmocka_unit_test(test_boost_off),
		cmocka_unit_test(test_order0_with_compaction_4x),
		cmocka_unit_test(test_pcp_high_capped_while_kswapd_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
