/*
 * test_model_pressure.c - reclaim and compaction checked exactly against
 * the reference model (tests/util/model_pressure.h) in deterministic
 * single-CPU runs of linux-4.1, linux-4.4 and linux-6.1 (with its 5.x
 * switches: watermark boosting, NOFRAGMENT on two zones, CMA balancing
 * with a CMA area).
 *
 * A seeded random sequence of steps - allocations that never block
 * (movable ones owned by the test, unmovable ones, objects of a test
 * cache, atomic ones below LOW that reserve HIGHATOMIC blocks in 4.4 and
 * 6.1), frees, drains, direct reclaim (pz_direct_reclaim) through the
 * cache's shrinker and a shrinker that lies and stops, kswapd woken (for
 * order 0, or up to the pageblock order in 6.1) and run inline
 * (deterministic mode) with kcompactd, requests that wake kswapd without
 * reclaiming (whose boosting fallbacks wake it from rmqueue in 6.1),
 * watermark_boost_factor changes, manual compaction
 * (pz_compact_zone) and direct compaction as the slow path calls it
 * (pz_try_to_compact_pages, white-box) through a migrate callback that
 * moves, refuses, or is busy - is run on the library and on the model.
 * After every step the model's free and per-CPU lists, labels and
 * counters (model_compare), each shrinker's deferred work, pages_scanned,
 * kswapd's recorded order and zone, sleep state and failures, the wake
 * result,
 * the cached scanner positions, skip bits and deferral state, the reclaim
 * and compaction vm events, the progress reclaim returned, the result of
 * direct compaction and every migrate call (source, target, order and
 * answer, in order) must equal the library's. The counts of what the runs
 * exercised are printed and some required non-zero.
 *
 * Then an OOM phase (a sixth as many steps, on its own random stream)
 * adds requests that retry and reach the OOM step, an OOM handler and a
 * reap callback (tests/util/model_oom.h): victims fill the zone to MIN,
 * small GFP_KERNEL, GFP_NOFS and RETRY_MAYFAIL requests and costly
 * REPEAT ones loop through reclaim, compaction and the OOM step; killed
 * victims allocate from the reserves and exit. Every handler and reap
 * call, pz_oom_stats and oom_kill must equal the model's as well.
 * PZ_TEST_SEED and PZ_TEST_OPS override the seed and the step count.
 */
#include "model_oom.h"
#include "../src/core/internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEF_SEED 0x5eedc0ffee17ull /* one whose run exercises every rule report() requires */
#define DEF_OPS	 4000ul

struct rec {
	pz_page_t *page;
	uint64_t pfn;
	unsigned order;
};

/* The test's side: its allocations, its cache, its shrinkers, what its
 * migrate callback was asked. */
static struct {
	pz_t *pz;
	struct rec *recs;
	size_t nrec;
	struct mp_cache cache;
	struct pz_shrinker sh[MP_MAXSH];
	enum mp_kind kind[MP_MAXSH];
	unsigned long calls[MP_MAXSH];
	unsigned nsh;
	uint8_t attempts[MODEL_NPFN];
	struct mp_call log[MP_MAXCALLS];
	size_t nlog;
	uint64_t rng;
	uint64_t rng_oom; /* the OOM steps' own stream */
	/* the OOM side: the victims, what the handler and the reap callback
	 * were asked this request, the counters at the start */
	struct mo_pool pool;
	struct mo_call oom_log[MO_MAXLOG];
	size_t noom;
	struct mo_reap_call reap_log[MO_MAXLOG];
	size_t nreap;
	uint64_t oom0[PZ_OOM_NR_STATS], kill0;
	const uint64_t *vm0;
} t;

static uint64_t rnd(uint64_t n)
{
	return tu_rand(&t.rng) % n;
}

static uint64_t rnd_oom(uint64_t n)
{
	return tu_rand(&t.rng_oom) % n;
}

/* ---- the shrinkers ------------------------------------------------------ */

static unsigned sh_index(const struct pz_shrinker *s)
{
	return (unsigned)(s - t.sh);
}

static unsigned long count_cb(struct pz_shrinker *s, struct pz_shrink_control *sc)
{
	(void)sc;
	return mp_count(t.kind[sh_index(s)], &t.cache, t.calls[sh_index(s)]);
}

static void real_free(void *ctx, uint64_t pfn, unsigned order)
{
	(void)ctx;
	assert_int_equal(pz_free_pages(t.pz, pz_pfn_to_page(t.pz, pfn), order), 0);
}

static unsigned long scan_cb(struct pz_shrinker *s, struct pz_shrink_control *sc)
{
	unsigned i = sh_index(s);

	return mp_scan(t.kind[i], &t.cache, &t.calls[i], sc->nr_to_scan, &sc->nr_scanned, real_free,
		       NULL);
}

static void add_shrinker(enum mp_kind kind, long seeks, long batch)
{
	struct pz_shrinker *s = &t.sh[t.nsh];

	pz_shrinker_init(s);
	s->count_objects = count_cb;
	s->scan_objects = scan_cb;
	s->seeks = seeks;
	s->batch = batch;
	t.kind[t.nsh] = kind;
	t.calls[t.nsh] = 0;
	assert_int_equal(pz_register_shrinker(t.pz, s), 0);
	mp_register(kind, seeks, batch);
	t.nsh++;
}

/* Unregisters the last shrinker (the array stays packed). */
static void drop_shrinker(void)
{
	t.nsh--;
	assert_int_equal(pz_unregister_shrinker(t.pz, &t.sh[t.nsh]), 0);
	mp_unregister(t.nsh);
}

/* ---- the migrate callback ------------------------------------------------ */

static enum pz_migrate_result migrate_cb(void *ctx, pz_t *pz, pz_page_t *src, pz_page_t *dst,
					 unsigned order, enum pz_migrate_mode mode)
{
	uint64_t s = pz_page_to_pfn(pz, src), d = pz_page_to_pfn(pz, dst);
	uintptr_t owner = pz_page_owner(src);
	int a = mp_answer(model_where.seed, s, t.attempts[s]++);

	(void)ctx;
	(void)mode;
	assert_true(t.nlog < MP_MAXCALLS);
	t.log[t.nlog++] = (struct mp_call){s, d, order, a};
	if (a != PZ_MIGRATE_OK)
		return (enum pz_migrate_result)a;
	assert_true(owner >= 1 && owner <= t.nrec && t.recs[owner - 1].pfn == s);
	t.recs[owner - 1].page = dst;
	t.recs[owner - 1].pfn = d;
	pz_page_set_owner(dst, owner);
	return PZ_MIGRATE_OK;
}

/* ---- the OOM handler and the reap callback ------------------------------ */

static bool oom_cb(void *ctx, pz_t *pz, const struct pz_oom_request *req)
{
	struct mo_call *c = &t.oom_log[t.noom];

	(void)ctx;
	(void)pz;
	assert_true(t.noom < MO_MAXLOG && req->nr_skip <= MO_TABLE);
	t.noom++;
	memset(c, 0, sizeof(*c));
	c->gfp = req->gfp;
	c->order = req->order;
	c->nr_calls = req->nr_calls;
	c->nr_skip = req->nr_skip;
	c->constraint = (int)req->constraint;
	c->nid = req->preferred_nid;
	if (req->nr_skip)
		memcpy(c->skip, req->skip, req->nr_skip * sizeof(*req->skip));
	c->ret = mo_oom_decide(&t.pool, model_where.seed, req->skip, req->nr_skip, real_free, NULL,
			       req->pending);
	c->pending = req->pending ? *req->pending : 0;
	return c->ret;
}

static long reap_cb(void *ctx, pz_t *pz, uintptr_t victim, struct pz_task *task)
{
	long r;

	(void)ctx;
	(void)pz;
	(void)task;
	assert_true(t.nreap < MO_MAXLOG);
	r = mo_reap(&t.pool, model_where.seed, victim, real_free, NULL);
	t.reap_log[t.nreap++] = (struct mo_reap_call){victim, r};
	return r;
}

/* ---- steps --------------------------------------------------------------- */

static void begin(const char *fmt, unsigned a, unsigned b)
{
	snprintf(model_where.desc, sizeof(model_where.desc), fmt, a, b);
	model_begin_op();
	memset(t.attempts, 0, sizeof(t.attempts));
	memset(mp.attempts, 0, sizeof(mp.attempts));
	t.nlog = 0;
	mp.ncalls = 0;
	t.noom = t.nreap = 0;
	mo_begin_step();
}

/* Never blocks, never wakes kswapd: the model's model_alloc. */
static pz_gfp_t quiet(pz_gfp_t g)
{
	return (g & ~(PZ__GFP_DIRECT_RECLAIM | PZ__GFP_KSWAPD_RECLAIM)) | PZ__GFP_NOWARN;
}

/* The library gave the block the model predicts (or refused with it). */
static bool same_page(int ok, pz_page_t *p, uint64_t want)
{
	MODEL_CHECK(ok == (p != NULL), "model %d, library %p", ok, (void *)p);
	if (ok)
		MODEL_CHECK(pz_page_to_pfn(t.pz, p) == want,
			    "expected pfn %" PRIu64 ", got %" PRIu64, want,
			    pz_page_to_pfn(t.pz, p));
	return ok;
}

/* A block the test owns: its record number is the owner word. */
static void add_rec(pz_page_t *p, uint64_t pfn, unsigned order)
{
	t.recs[t.nrec] = (struct rec){p, pfn, order};
	t.nrec++;
	pz_page_set_owner(p, t.nrec);
}

/* Both sides agree on the page (or on failing): the caches or the
 * test's own records take it. */
static void keep(int ok, pz_page_t *p, uint64_t want, unsigned order, bool cache)
{
	if (!same_page(ok, p, want))
		return;
	if (cache) {
		mp_cache_add(&t.cache, want, order);
		mp_cache_add(&mp.cache, want, order);
		return;
	}
	add_rec(p, want, order);
}

static void do_alloc(pz_gfp_t gfp, unsigned order, bool cache)
{
	uint64_t want = 0;
	int ok;
	pz_page_t *p;

	begin("alloc order %u gfp 0x%x", order, gfp);
	ok = model_alloc(gfp, order, &want);
	p = pz_alloc_pages(t.pz, gfp, order);
	keep(ok, p, want, order, cache);
}

static void do_free(void)
{
	size_t i = rnd(t.nrec);
	int cold = model_pcp_level(t.recs[i].order) >= 0 && rnd(5) == 0;

	begin("free order %u cold %u", t.recs[i].order, (unsigned)cold);
	model_free(t.recs[i].pfn, t.recs[i].order, cold);
	assert_int_equal(pz_free_pages_cold(t.pz, t.recs[i].page, t.recs[i].order, cold), 0);
	t.recs[i] = t.recs[--t.nrec];
	if (i < t.nrec)
		pz_page_set_owner(t.recs[i].page, i + 1);
}

/* Direct reclaim: mostly small orders, at times a costly one (where
 * should_continue_reclaim runs from the first priority); 4.x's
 * __GFP_REPEAT at times, and in 6.1 GFP_NOIO at times (no compaction). */
static void do_reclaim(unsigned order)
{
	uint64_t got = 0, want;
	pz_gfp_t gfp = PZ_GFP_KERNEL;
	if (rnd(6) == 0)
		order = 4 + (unsigned)rnd(MODEL_PBO - 3);
	if (rnd(3) == 0)
		gfp = model.prof == PZ_PROFILE_LINUX_6_1 ? PZ_GFP_NOIO
							 : PZ_GFP_KERNEL | PZ__GFP_REPEAT;
	begin("direct reclaim order %u gfp 0x%x", order, gfp);
	want = mp_direct_reclaim(gfp, order);
	assert_int_equal(pz_direct_reclaim(t.pz, 0, gfp, order, &got), 0);
	MODEL_CHECK(got == want, "progress: expected %" PRIu64 ", got %" PRIu64, want, got);
}

static int to_real(enum mp_result r)
{
	return (int)r; /* the two enums share 6.1's order; checked in main */
}

/* 6.1's capture_control: the block both sides captured is prepared as
 * the slow path prepares it and kept by the test. */
static void keep_captured(struct pz_compact_req *req)
{
	struct pz_page *p = req->page;

	MODEL_CHECK(mp.captured == (p != NULL), "captured: model %d, library %d", (int)mp.captured,
		    p != NULL);
	if (!p || !mp.captured)
		return;
	MODEL_CHECK(pz_page_to_pfn(t.pz, p) == mp.capture_pfn && req->order == mp.capture_order,
		    "captured pfn %" PRIu64 ", the model %" PRIu64, pz_page_to_pfn(t.pz, p),
		    mp.capture_pfn);
	atomic_store_explicit(&p->refcount, 0, memory_order_relaxed);
	assert_true(pz_prep_new_page(t.pz, p, req->order, req->gfp, req->alloc_flags));
	add_rec(p, mp.capture_pfn, req->order);
}

static void direct_compaction(unsigned order, bool movable, unsigned mode, enum mp_prio prio)
{
	static struct pz_alloc_ctx ac;
	const pz_gfp_t gfp = movable ? PZ_GFP_HIGHUSER_MOVABLE : PZ_GFP_KERNEL;
	const unsigned flags = PZ_ALLOC_WMARK_MIN | PZ_ALLOC_CPUSET | (movable ? PZ_ALLOC_CMA : 0);
	struct pz_compact_req req;
	enum mp_result want;
	int got;

	begin("direct compaction order %u movable %u", order, movable);
	memset(&ac, 0, sizeof(ac));
	ac.zonelist = t.pz->nodes[0].zonelist[0];
	ac.high_zoneidx = mp_gfp_high(gfp);
	assert_true(pz_first_zone(t.pz, &ac, NULL));
	ac.migratetype = model_gfp_mt(gfp);
	memset(&req, 0, sizeof(req));
	req.gfp = gfp;
	req.order = order;
	req.alloc_flags = flags;
	req.ac = &ac;
	req.mode = (int)mode;
	req.prio = (enum pz_compact_priority)prio;
	want = mp_try_to_compact(gfp, order, flags, mode, prio);
	got = (int)pz_try_to_compact_pages(t.pz, &req);
	MODEL_CHECK(got == to_real(want), "result: expected %d, got %d", (int)want, got);
	keep_captured(&req);
}

static void do_direct_compaction(unsigned order, bool movable)
{
	unsigned mode = rnd(2) ? PZ_MIGRATE_ASYNC : PZ_MIGRATE_SYNC_LIGHT;

	direct_compaction(order, movable, mode, (enum mp_prio)rnd(3));
}

static unsigned small_order(void)
{
	unsigned r = (unsigned)rnd(100);

	return r < 70 ? 0 : r < 85 ? 1 : r < 95 ? 2 : 3;
}

/* An order for kswapd: often 0, sometimes up to the pageblock order. */
static unsigned kswapd_order(void)
{
	if (rnd(3))
		return 0;
	return 1 + (unsigned)rnd(MODEL_PBO);
}

static void do_kswapd(void)
{
	unsigned order = kswapd_order();
	int want, got;

	/* below HIGH first, so that there is work for it */
	for (unsigned i = 0; i < 400 && model.z[0].nr_free_pages >= model.z[0].wmark[2]; i++)
		do_alloc(quiet(i % 3 ? PZ_GFP_HIGHUSER_MOVABLE : PZ_GFP_TEMPORARY), small_order(),
			 i % 3 == 0);
	begin("wake kswapd (order %u)%.0u", order, 0);
	want = mp_wakeup_kswapd(model.z[0].type, order);
	got = pz_wakeup_kswapd(t.pz, 0, model.z[0].type, order, model.z[0].type, PZ_GFP_KERNEL);
	MODEL_CHECK(got == want, "wake: expected %d, got %d", want, got);
}

/* A costly __GFP_NORETRY request through the whole slow path. */
static void do_alloc_slow(unsigned order, bool movable)
{
	const pz_gfp_t gfp =
		((movable ? PZ_GFP_HIGHUSER_MOVABLE : PZ_GFP_KERNEL) & ~PZ__GFP_KSWAPD_RECLAIM) |
		PZ__GFP_NORETRY | PZ__GFP_NOWARN;
	uint64_t want = 0;
	pz_page_t *p;
	int ok;

	begin("slow-path allocation order %u movable %u", order, movable);
	ok = mp_alloc_slow(gfp, order, &want);
	p = pz_alloc_pages(t.pz, gfp, order);
	if (!same_page(ok, p, want))
		return;
	add_rec(p, want, order);
}

static void compare_step(const uint64_t *vm0);

/* A block for victim v, both sides; false when the request failed. */
static bool victim_alloc(pz_gfp_t gfp, unsigned order, unsigned v, bool retry)
{
	uint64_t want = 0;
	pz_page_t *p;
	int ok;

	if (retry) {
		begin("retrying allocation order %u gfp 0x%x", order, gfp);
	} else {
		/* never compacts: the migrate logs need no clearing */
		snprintf(model_where.desc, sizeof(model_where.desc),
			 "victim allocation order %u gfp 0x%x", order, gfp);
		model_begin_op();
	}
	ok = retry ? mo_alloc_retry(gfp, order, &want) : model_alloc(gfp, order, &want);
	if (ok < 0)
		return false; /* it would loop past the model's cap: not run */
	p = pz_alloc_pages(t.pz, gfp, order);
	if (!same_page(ok, p, want))
		return false;
	mo_pool_add(&t.pool, v, want, order);
	mo_pool_add(&moom.pool, v, want, order);
	return true;
}

static unsigned small_order_oom(void)
{
	unsigned r = (unsigned)rnd_oom(100);

	return r < 70 ? 0 : r < 85 ? 1 : r < 95 ? 2 : 3;
}

/* The victims take what is left down to MIN, then requests that may
 * retry and reach the OOM step: small GFP_KERNEL and GFP_NOFS ones
 * (NOFS loops on fake progress while reclaim helps) and costly
 * REPEAT / RETRY_MAYFAIL ones. */
static void do_oom_burst(void)
{
	const pz_gfp_t base = (PZ_GFP_KERNEL & ~PZ__GFP_KSWAPD_RECLAIM) | PZ__GFP_NOWARN;
	unsigned n = 1 + (unsigned)rnd_oom(4);

	if (t.pool.n > MO_MAXB / 2) {
		/* the biggest victim ends on its own (no OOM involved) */
		unsigned v = 1;

		for (unsigned u = 2; u <= MO_NV; u++)
			if (mo_pool_pages(&t.pool, u) > mo_pool_pages(&t.pool, v))
				v = u;
		begin("victim %u leaves%.0u", v, 0);
		mo_pool_free(&t.pool, v, false, real_free, NULL);
		mo_leave(v);
	}
	/* half the time the cache is dried first, so that reclaim makes no
	 * progress and 4.x reaches the OOM step */
	for (unsigned i = 0; rnd_oom(2) && i < 8 && t.cache.n; i++)
		do_reclaim(0);
	/* order-3 blocks while they come, then single pages */
	for (unsigned o = 3; o < 4; o = o ? 0 : 4)
		for (unsigned i = 0; i < 4000 && t.pool.n < MO_MAXB - 64; i++)
			if (!victim_alloc(quiet(PZ_GFP_KERNEL), o, 1 + (unsigned)rnd_oom(MO_NV),
					  false))
				break;
	for (unsigned i = 0; i < n && t.pool.n < MO_MAXB - 64; i++) {
		unsigned x = (unsigned)rnd_oom(10), order = small_order_oom();
		pz_gfp_t gfp = base;

		/* NOFS loops on fake progress: it ends only when memory comes
		 * back, which the reaper's queue promises in 6.1 */
		if (x == 0 || (x < 5 && mo_victims_queued()))
			gfp &= ~PZ__GFP_FS;
		else if (x == 1) {
			gfp |= PZ__GFP_REPEAT;
			order = 4 + (unsigned)rnd_oom(2);
		} else if (x == 2) {
			gfp |= PZ__GFP_REPEAT; /* 6.1: RETRY_MAYFAIL skips the OOM step */
		}
		victim_alloc(gfp, order, 1 + (unsigned)rnd_oom(MO_NV), true);
		mo_compare(t.pz, t.oom0, t.kill0, t.oom_log, t.noom, t.reap_log, t.nreap);
		compare_step(t.vm0);
	}
}

/* A killed victim, not exited yet, allocates: PZ_TASK_OOM_VICTIM gives it
 * the reserves. */
static void do_victim_request(void)
{
	const pz_gfp_t gfp = (PZ_GFP_KERNEL & ~PZ__GFP_KSWAPD_RECLAIM) | PZ__GFP_NOWARN;
	unsigned v = 1, order = small_order_oom();
	struct pz_task task;
	uint64_t want = 0;
	pz_page_t *p;
	int ok;

	while (v <= MO_NV && !t.pool.killed[v])
		v++;
	if (v > MO_NV || t.pool.n >= MO_MAXB - 64)
		return;
	begin("victim %u allocates order %u", v, order);
	ok = mo_alloc_victim(gfp, order, &want);
	if (ok < 0)
		return;
	pz_task_init(&task);
	task.flags = PZ_TASK_OOM_VICTIM;
	pz_set_current_task(&task);
	p = pz_alloc_pages(t.pz, gfp, order);
	pz_set_current_task(NULL);
	if (!same_page(ok, p, want))
		return;
	mo_pool_add(&t.pool, v, want, order);
	mo_pool_add(&moom.pool, v, want, order);
}

/* A killed victim exits on its own: its blocks come back and the core
 * is told (pz_oom_victim_exited). */
static void do_victim_exit(void)
{
	unsigned v = 1;
	int want, got;

	while (v <= MO_NV && !t.pool.killed[v])
		v++;
	if (v > MO_NV)
		return;
	begin("victim %u exits%.0u", v, 0);
	mo_pool_free(&t.pool, v, false, real_free, NULL);
	t.pool.killed[v] = false;
	want = mo_victim_exited(v);
	got = pz_oom_victim_exited(t.pz, v);
	MODEL_CHECK(got == want, "pz_oom_victim_exited: expected %d, got %d", want, got);
}

/* A request that wakes kswapd but never reclaims: unmovable (a page the
 * migrate callback does not own yet must not be a candidate while kswapd
 * and kcompactd run inline inside the allocation) or a cache object. */
static void do_alloc_nowait(bool cache)
{
	const pz_gfp_t gfp =
		((cache ? PZ_GFP_TEMPORARY : PZ_GFP_KERNEL) & ~PZ__GFP_DIRECT_RECLAIM) |
		PZ__GFP_NOWARN;
	unsigned order = cache ? 0 : kswapd_order();
	uint64_t want = 0;
	pz_page_t *p;
	int ok;

	begin("nowait allocation order %u cache %u", order, cache);
	ok = mp_alloc_nowait(gfp, order, &want);
	p = pz_alloc_pages(t.pz, gfp, order);
	keep(ok, p, want, order, cache);
}

/* watermark_boost_factor: 0 (no boosting), 5000, the default or 30000. */
static void do_boost_factor(void)
{
	static const unsigned f[] = {0, 5000, 15000, 15000, 30000};
	unsigned v = f[rnd(5)];

	begin("watermark_boost_factor %u%.0u", v, 0);
	model.boost_factor = v;
	assert_int_equal(pz_set_watermark_boost_factor(t.pz, v), 0);
}

static void do_manual(void)
{
	begin("manual compaction of zone %u%.0u", 0, 0);
	mp_compact_manual(0);
	assert_int_equal(pz_compact_zone(t.pz, 0, model.z[0].type), 0);
}

/* kcompactd's 500 ms timeout (6.1), every 50 steps; now and then a
 * compaction_proactiveness write (0 off, 20 the default, 60 and 90 with
 * lower marks), which in deterministic mode runs a check of its own at
 * once. Consumes no random numbers: 4.x runs are unchanged. */
static void do_kcompactd_tick(void)
{
	static const unsigned v[] = {60, 90, 0, 20};
	int want, got;

	if (model.prof != PZ_PROFILE_LINUX_6_1 || model_where.op % 50)
		return;
	if (model_where.op % 1000 == 500) {
		unsigned p = v[(model_where.op / 1000) % 4];

		begin("compaction_proactiveness %u%.0u", p, 0);
		mp_set_proactiveness(p);
		assert_int_equal(pz_set_compaction_proactiveness(t.pz, p), 0);
	}
	begin("kcompactd tick (score %u)%.0u", mp_fragmentation_score(), 0);
	MODEL_CHECK(pz_fragmentation_score(t.pz, 0) == (int)mp_fragmentation_score(),
		    "score %d, the model %u", pz_fragmentation_score(t.pz, 0),
		    mp_fragmentation_score());
	want = mp_kcompactd_tick();
	got = pz_kcompactd_tick(t.pz, 0);
	MODEL_CHECK(got == want, "tick: expected %d, got %d", want, got);
}

static void compare_step(const uint64_t *vm0)
{
	long deferred[MP_MAXSH];

	model_compare(t.pz);
	for (unsigned i = 0; i < t.nsh; i++)
		deferred[i] = t.sh[i].core.nr_deferred[0];
	mp_compare(t.pz, deferred, t.nsh, vm0);
	mp_compare_kswapd(t.pz);
	MODEL_CHECK(t.nlog == mp.ncalls, "%zu migrate calls, the model predicts %zu", t.nlog,
		    mp.ncalls);
	for (size_t i = 0; i < t.nlog; i++)
		MODEL_CHECK(t.log[i].src == mp.calls[i].src && t.log[i].dst == mp.calls[i].dst &&
				    t.log[i].order == mp.calls[i].order &&
				    t.log[i].answer == mp.calls[i].answer,
			    "migrate call %zu: %" PRIu64 " -> %" PRIu64 " order %u answer %d, "
			    "expected %" PRIu64 " -> %" PRIu64 " order %u answer %d",
			    i, t.log[i].src, t.log[i].dst, t.log[i].order, t.log[i].answer,
			    mp.calls[i].src, mp.calls[i].dst, mp.calls[i].order,
			    mp.calls[i].answer);
	mo_compare(t.pz, t.oom0, t.kill0, t.oom_log, t.noom, t.reap_log, t.nreap);
	MODEL_CHECK(t.pool.n == moom.pool.n, "victims hold %zu blocks, the model %zu", t.pool.n,
		    moom.pool.n);
	MODEL_CHECK(t.cache.n == mp.cache.n && t.cache.head == mp.cache.head,
		    "cache holds %zu objects from %zu, the model %zu from %zu", t.cache.n,
		    t.cache.head, mp.cache.n, mp.cache.head);
}

/* One random step. While `filling`, allocations come in bursts until the
 * zone nears its watermarks; then frees in bursts leave it fragmented
 * until half of it is free again. */
static void step(bool filling)
{
	unsigned x = (unsigned)rnd(1000), burst = 1 + (unsigned)rnd(48);

	if (x < (filling ? 600u : 150u) || !t.nrec) {
		for (unsigned i = 0; i < burst; i++) {
			bool mov = rnd(4) != 0;

			do_alloc(quiet(mov ? PZ_GFP_HIGHUSER_MOVABLE : PZ_GFP_KERNEL),
				 small_order(), false);
		}
	} else if (x < (filling ? 700u : 200u)) {
		for (unsigned i = 0; i < burst; i++)
			do_alloc(quiet(PZ_GFP_TEMPORARY), rnd(4) ? 0 : 1, true);
	} else if (x < (filling ? 710u : 210u) && model.ha) {
		/* atomic requests below LOW, where the slow path's ALLOC_HARDER
		 * attempt serves them: high-order ones reserve HIGHATOMIC blocks */
		for (unsigned i = 0; i < 400 && !model_below_low(); i++)
			do_alloc(quiet(PZ_GFP_TEMPORARY), 0, true);
		for (unsigned i = 0; i < burst / 4 + 1; i++)
			do_alloc(quiet(PZ_GFP_ATOMIC), 1 + (unsigned)rnd(3), false);
	} else if (x < 700) {
		for (unsigned i = 0; i < burst && t.nrec; i++)
			do_free();
	} else if (x < 740) {
		do_reclaim(small_order());
	} else if (x < 755) {
		do_kswapd();
	} else if (x < 770) {
		unsigned n = 1 + (unsigned)rnd(8);

		for (unsigned i = 0; i < n; i++)
			do_alloc_nowait(rnd(3) == 0);
	} else if (x < 800) {
		do_direct_compaction(2 + (unsigned)rnd(8), rnd(4) != 0);
	} else if (x < 880) {
		do_alloc_slow(4 + (unsigned)rnd(rnd(4) ? 2 : 6), rnd(4) != 0);
	} else if (x < 900) {
		do_manual();
	} else if (x < 960) {
		begin("drain all%.0u%.0u", 0, 0);
		model_drain_all();
		pz_drain_all_pages(t.pz);
	} else if (x < 965 && model.boost) {
		do_boost_factor();
	} else if (x < 980 && t.nsh > 1) {
		begin("unregister%.0u%.0u", 0, 0);
		drop_shrinker();
	} else if (t.nsh < 3) {
		begin("register%.0u%.0u", 0, 0);
		add_shrinker(MP_LIAR, 1 + (long)rnd(4), (long)rnd(3) * 32);
	}
}

/* What the OOM phase exercised: printed, and required of the default
 * seed's full run. */
static void print_oom(const char *name)
{
	print_message("[%s] retrying requests: %lu run (%lu served, %lu failed, %lu not run past "
		      "the cap), %lu rounds, %lu compaction retries, %lu priority raises, %lu "
		      "unreserved, %lu victims' requests (%lu from the reserves, %lu failed); OOM: "
		      "%" PRIu64 " steps, %" PRIu64 " last chance, %" PRIu64 " excluded, %" PRIu64
		      " fake, %" PRIu64 " calls (%" PRIu64 " no victim, %" PRIu64
		      " unbacked, %lu requests ended by the bound), %lu pages; reaper: %" PRIu64
		      " queued, %" PRIu64 " waits, %" PRIu64 " reaped, %" PRIu64 " failed, %" PRIu64
		      " pages\n",
		      name, moom.requests, moom.served, moom.failed, moom.skipped, moom.rounds,
		      moom.compact_retries, moom.prio_raised, moom.unreserved, moom.victim_calls,
		      moom.victim_reserves, moom.victim_failed, moom.stats[PZ_OOM_STEPS],
		      moom.stats[PZ_OOM_LAST_CHANCE], moom.stats[PZ_OOM_EXCLUDED],
		      moom.stats[PZ_OOM_FAKE], moom.stats[PZ_OOM_CALLS],
		      moom.stats[PZ_OOM_NO_VICTIM], moom.stats[PZ_OOM_UNBACKED], moom.unbacked_ends,
		      moom.oom_pages, moom.stats[PZ_OOM_REAP_QUEUED],
		      moom.stats[PZ_OOM_VICTIM_WAIT], moom.stats[PZ_OOM_REAPED],
		      moom.stats[PZ_OOM_REAP_FAILED], moom.stats[PZ_OOM_REAP_PAGES]);
}

static uint64_t last_chance_61; /* summed over the 6.1 runs (report_oom) */

static void report_oom(void)
{
	assert_true(moom.failed && moom.served && moom.stats[PZ_OOM_CALLS] &&
		    moom.stats[PZ_OOM_NO_VICTIM] && moom.stats[PZ_OOM_UNBACKED] &&
		    moom.stats[PZ_OOM_EXCLUDED] && moom.oom_pages && moom.victim_reserves);
	if (model.prof != PZ_PROFILE_LINUX_6_1)
		return;
	assert_true(moom.stats[PZ_OOM_REAPED] && moom.stats[PZ_OOM_REAP_FAILED] &&
		    moom.stats[PZ_OOM_VICTIM_WAIT] && moom.stats[PZ_OOM_REAP_PAGES]);
	/* The last-chance attempt must be reached by the 6.1 machines
	 * together, checked at the CMA machine's run, the last of the three
	 * (one zone, two zones, CMA). Which of them reaches it moves with
	 * every 6.1 rule: the fast compaction searches took the CMA run's to
	 * 0 of 854 OOM steps, the per-CPU cap while kswapd runs with them the
	 * two-zone run's (2 / 0 / 1 when this was written). Every step of
	 * every run is still checked against the model. */
	last_chance_61 += moom.stats[PZ_OOM_LAST_CHANCE];
	if (model_where.run->mc == &model_cma_zone)
		assert_true(last_chance_61 > 0);
}

/* What the run exercised: printed, and required of a full-length run of
 * the default seed (other seeds are for agreement; some never get kswapd
 * below its watermark, for one); on the two-zone and CMA machines, the
 * 5.x rule each is there for. */
static void report(const char *name, unsigned long nops)
{
	print_message("[%s] %lu steps: %lu shrinker scans (%lu STOP, %lu carried deferred work), "
		      "%lu reclaim rounds; %lu migrated, %lu refused, %lu busy retries, %lu "
		      "scanner meetings, %lu skip bits set (%lu by the free scanner), %lu "
		      "deferrals, %lu direct successes, "
		      "%lu drains; %lu costly NORETRY requests (%lu served at once, %lu reclaim "
		      "passes with progress, %lu served after compaction); kswapd: %lu wake-ups, "
		      "%lu rounds, %lu sleeps; %lu high-order wake-ups (%lu runs, %lu dropped to "
		      "order 0), %lu boosted runs (%lu restarted), %lu rmqueue wake-ups, %lu skip "
		      "resets; kcompactd %lu wake-ups, %lu passes, %lu successes; %lu nowait "
		      "requests (%lu refused)\n",
		      name, nops, mp.shrink_calls, mp.stops, mp.deferred_carried, mp.reclaim_rounds,
		      mp.migrated, mp.refused, mp.retried, mp.scanners_met, mp.skip_set,
		      mp.free_skip_set, mp.deferrals, mp.direct_success, mp.drains, mp.slow_calls,
		      mp.slow_fast, mp.slow_reclaims, mp.slow_compact_pages, mp.kswapd_wakes,
		      mp.kswapd_runs, mp.kswapd_sleeps, mp.highorder_wakes, mp.highorder_runs,
		      mp.order_drops, mp.boost_runs, mp.boost_restarts, mp.boosted_wakes,
		      mp.skip_resets, mp.kcompactd_wakes, mp.kcompactd_runs, mp.kcompactd_success,
		      mp.nowait_calls, mp.nowait_failed);
	print_message("[%s] 5.x: %lu boosts, %lu walks retried without NOFRAGMENT, %lu CMA-first "
		      "allocations; 4.4: %lu shrinker passes deferring by its own rule, %lu "
		      "HIGHATOMIC blocks reserved, %lu unreserved by direct reclaim; 4.x kswapd "
		      "compact_pgdat: %lu\n",
		      name, model.boosts, model.nofrag_retries, model.cma_first, mp.deferred_44,
		      model.ha_reserves, mp.unreserved, mp.kswapd_compactions);
	print_message("[%s] 6.1: %lu blocks captured by direct compaction, %lu proactive "
		      "passes, %lu timeouts waited out\n",
		      name, mp.captures, mp.proactive_runs, mp.proactive_waits);
	print_message("[%s] should_continue_reclaim: %lu direct and %lu kswapd passes again (%lu "
		      "of them __GFP_REPEAT after nothing came back), %lu loops ended by "
		      "compaction_suitable; 6.1's selective skip resets: %lu\n",
		      name, mp.cont_direct, mp.cont_kswapd, mp.cont_repeat_idle,
		      mp.cont_compaction_stops, mp.skip_resets61);
	print_message("[%s] 6.1's free-list searches: %lu targets taken from the lists, %lu "
		      "first searches without one, %lu migrate blocks found, %lu restarts from "
		      "fast_start_pfn\n",
		      name, mp.fast_free_found, mp.fast_free_start, mp.fast_migrate_found,
		      mp.fast_reinit);
	print_oom(name);
	if (nops < DEF_OPS || model_where.seed != DEF_SEED)
		return;
	report_oom();
	if (model_where.run->mc == &model_two_zones)
		assert_true(model.nofrag_retries && model.boosts);
	if (model_where.run->mc == &model_cma_zone)
		assert_true(model.cma_first && model.boosts);
	if (model_where.run->mc == &model_one_zone) {
		assert_true(mp.shrink_calls && mp.stops && mp.deferred_carried);
		assert_true(mp.migrated && mp.refused && mp.retried && mp.scanners_met);
		assert_true(mp.slow_calls > mp.slow_fast && mp.slow_reclaims);
		assert_true(mp.kswapd_wakes && mp.kswapd_runs >= mp.kswapd_wakes &&
			    mp.kswapd_sleeps);
		if (model.prof != PZ_PROFILE_LINUX_4_1)
			assert_true(model.ha_reserves && mp.unreserved);
		if (model.prof == PZ_PROFILE_LINUX_6_1)
			assert_true(mp.boost_runs && mp.boost_restarts && mp.boosted_wakes &&
				    mp.highorder_runs && mp.order_drops && mp.skip_resets &&
				    mp.kcompactd_runs && mp.nowait_failed && mp.proactive_runs &&
				    mp.proactive_waits);
		assert_true(mp.skip_set && mp.free_skip_set && mp.deferrals && mp.direct_success &&
			    mp.drains);
		assert_true(mp.cont_direct && mp.cont_kswapd && mp.cont_compaction_stops);
		if (model.prof != PZ_PROFILE_LINUX_6_1)
			assert_true(mp.cont_repeat_idle);
		else
			assert_true(mp.skip_resets61 && mp.fast_free_found && mp.fast_free_start &&
				    mp.fast_migrate_found);
	}
}

/* The OOM phase: the same steps mixed with requests that retry and reach
 * the OOM step, victims' own requests and victims exiting. */
static void oom_phase(unsigned long n, const uint64_t *vm0)
{
	for (unsigned long i = 0; i < n; i++, model_where.op++) {
		unsigned x = (unsigned)rnd_oom(10);

		if (x < 4)
			do_oom_burst();
		else if (x < 5)
			do_victim_exit();
		else if (x < 6)
			do_victim_request();
		else
			step(rnd_oom(2) != 0);
		compare_step(vm0);
	}
}

/* The OOM handler, the reaper's callback and the counters at the start. */
static void setup_oom(const uint64_t *vm0)
{
	mo_reset(model_where.seed);
	assert_int_equal(pz_set_oom_handler(t.pz, oom_cb, NULL), 0);
	assert_int_equal(pz_set_oom_reaper(t.pz, reap_cb, NULL), 0);
	assert_int_equal(pz_oom_stats(t.pz, t.oom0, PZ_OOM_NR_STATS), 0);
	t.kill0 = vm0[PZ_VM_OOM_KILL];
	t.vm0 = vm0;
}

/* The library and the model on machine mc, the callbacks registered. */
static void setup(struct model_run *r, uint64_t *vm0)
{
	memset(&t, 0, sizeof(t));
	model_where.run = r;
	model_where.seed = tu_env_ul("PZ_TEST_SEED", 0) ? tu_env_ul("PZ_TEST_SEED", 0) : DEF_SEED;
	t.rng = model_where.seed ^ ((uint64_t)r->prof << 40);
	t.rng_oom = ~t.rng;
	model_where.op = 0;
	snprintf(model_where.desc, sizeof(model_where.desc), "init");
	model_reset();
	model_begin(r);
	model_kswapd_inline = 1;
	t.pz = model_create(r);
	model_kswapd_inline = 0;
	model_load(t.pz);
	mp_reset(model_where.seed);
	t.recs = calloc(model.z[0].managed + 1, sizeof(*t.recs));
	assert_non_null(t.recs);
	assert_int_equal(pz_vm_events(t.pz, vm0, PZ_NR_VM_EVENTS), 0);
	assert_int_equal(pz_set_migrate_handler(t.pz, migrate_cb, NULL), 0);
	mp.handler = true;
	setup_oom(vm0);
	add_shrinker(MP_CACHE, PZ_DEFAULT_SEEKS, 16);
	add_shrinker(MP_LIAR, PZ_DEFAULT_SEEKS, 16);
}

static void teardown(void)
{
	while (t.nsh)
		drop_shrinker();
	tu_destroy(t.pz);
	free(t.recs);
	model_reset();
}

static void run_on(enum pz_profile prof, const char *name, const struct model_machine *mc)
{
	struct model_run r = {name, prof, mc, 0, 0, 0, 0, 0, 0};
	uint64_t vm0[PZ_NR_VM_EVENTS];
	unsigned long nops = tu_env_ul("PZ_TEST_OPS", DEF_OPS);
	bool filling = true;

	setup(&r, vm0);
	for (model_where.op = 1; model_where.op <= nops; model_where.op++) {
		const struct model_zone *z = &model.z[0];

		if (filling && z->nr_free_pages < z->wmark[2])
			filling = false;
		else if (!filling && (uint64_t)z->nr_free_pages > z->managed / 2)
			filling = true;
		step(filling);
		compare_step(vm0);
		do_kcompactd_tick();
		compare_step(vm0);
		if (model_where.op % 256 == 0)
			assert_int_equal(pz_validate(t.pz), 0);
	}
	oom_phase(nops / 6, vm0);
	report(name, nops);
	teardown();
}

/* Frees the test's blocks whose pfn is not a multiple of `every`. */
static void free_all_but(uint64_t every, const uint64_t *vm0)
{
	for (size_t i = 0; i < t.nrec;) {
		if (!(t.recs[i].pfn % every)) {
			i++;
			continue;
		}
		begin("free order %u%.0u", t.recs[i].order, 0);
		model_free(t.recs[i].pfn, t.recs[i].order, 0);
		assert_int_equal(pz_free_pages(t.pz, t.recs[i].page, t.recs[i].order), 0);
		t.recs[i] = t.recs[--t.nrec];
		if (i < t.nrec)
			pz_page_set_owner(t.recs[i].page, i + 1);
		compare_step(vm0);
	}
}

/*
 * 6.1's capture_control step by step: the zone filled with movable pages
 * and three in four freed, then direct compaction for the pageblock order
 * (whose migrations free a whole pageblock, captured), then costly
 * NORETRY requests through the slow path, which hand out what they
 * capture. The model predicts every capture and the state after it.
 */
static void test_linux61_capture(void **state)
{
	struct model_run r = {
		"linux-6.1 capture", PZ_PROFILE_LINUX_6_1, &model_one_zone, 0, 0, 0, 0, 0, 0};
	uint64_t vm0[PZ_NR_VM_EVENTS];
	size_t n;

	(void)state;
	setup(&r, vm0);
	model_where.seed = mp.seed = 0; /* the owner moves every page */
	for (unsigned round = 0; round < 3; round++) {
		do {
			n = t.nrec;
			model_where.op++;
			do_alloc(quiet(PZ_GFP_HIGHUSER_MOVABLE), 0, false);
			compare_step(vm0);
		} while (t.nrec > n);
		free_all_but(4, vm0);
		begin("drain all%.0u%.0u", 0, 0);
		model_drain_all();
		pz_drain_all_pages(t.pz);
		direct_compaction(MODEL_PBO, true, PZ_MIGRATE_SYNC_LIGHT, MP_PRIO_SYNC_LIGHT);
		compare_step(vm0);
		for (unsigned i = 0; i < 4; i++) {
			do_alloc_slow(MODEL_PBO - (unsigned)(round == 2), true);
			compare_step(vm0);
		}
	}
	print_message("[%s] %lu blocks captured, %lu pages migrated\n", r.name, mp.captures,
		      mp.migrated);
	assert_true(mp.captures >= 2);
	assert_int_equal(pz_validate(t.pz), 0);
	teardown();
}

static void run(enum pz_profile prof, const char *name)
{
	run_on(prof, name, &model_one_zone);
}

static void test_linux41(void **state)
{
	(void)state;
	run(PZ_PROFILE_LINUX_4_1, "linux-4.1");
}

static void test_linux44(void **state)
{
	(void)state;
	run(PZ_PROFILE_LINUX_4_4, "linux-4.4");
}

static void test_linux61(void **state)
{
	(void)state;
	run(PZ_PROFILE_LINUX_6_1, "linux-6.1");
}

/* NOFRAGMENT needs a Normal zone with DMA32 below it */
static void test_linux61_two_zones(void **state)
{
	(void)state;
	run_on(PZ_PROFILE_LINUX_6_1, "linux-6.1 two zones", &model_two_zones);
}

/* CMA balancing needs a CMA area */
static void test_linux61_cma(void **state)
{
	(void)state;
	run_on(PZ_PROFILE_LINUX_6_1, "linux-6.1 CMA", &model_cma_zone);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux41),	    cmocka_unit_test(test_linux44),
		cmocka_unit_test(test_linux61),	    cmocka_unit_test(test_linux61_two_zones),
		cmocka_unit_test(test_linux61_cma), cmocka_unit_test(test_linux61_capture),
	};

	_Static_assert((int)MP_SUCCESS == (int)PZ_COMPACT_SUCCESS &&
			       (int)MP_PARTIAL_SKIPPED == (int)PZ_COMPACT_PARTIAL_SKIPPED &&
			       (int)MP_DEFERRED == (int)PZ_COMPACT_DEFERRED,
		       "result enums");
	model_setup_bufs();
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	model_free_bufs();
	return rc;
}
