/*
 * model_oom.c - the retry model of model_oom.h: __alloc_pages_slowpath's
 * retry decisions of 4.1, 4.4 and 6.1, __alloc_pages_may_oom with its
 * exclusions in each kernel's order, out_of_memory's early exits and
 * 6.1's OOM reaper, onto the pressure model's reclaim and compaction.
 *
 * Where pagezone differs from the kernel by design (docs/DESIGN.md "Slow
 * path": no LRU, so should_reclaim_retry sees free pages only; a handler
 * believed PZ_OOM_MAX_UNBACKED times in a row when it frees nothing; the
 * reaper's 2 s grace is one OOM step), the model follows the documented
 * design and says so.
 */
#include "model_oom.h"

#include <string.h>
#include <stdlib.h>

struct mo moom;

static bool p41(void)
{
	return model.prof == PZ_PROFILE_LINUX_4_1;
}

static bool p44(void)
{
	return model.prof == PZ_PROFILE_LINUX_4_4;
}

static bool p61(void)
{
	return !p41() && !p44();
}

/* ---- the workload ------------------------------------------------------ */

void mo_pool_add(struct mo_pool *p, unsigned v, uint64_t pfn, unsigned order)
{
	assert_true(p->n < MO_MAXB && v >= 1 && v <= MO_NV);
	p->pfn[p->n] = pfn;
	p->order[p->n] = (uint8_t)order;
	p->owner[p->n] = (uint8_t)v;
	p->n++;
}

unsigned long mo_pool_pages(const struct mo_pool *p, unsigned v)
{
	unsigned long n = 0;

	for (size_t i = 0; i < p->n; i++)
		if (p->owner[i] == v)
			n += 1ul << p->order[i];
	return n;
}

unsigned long mo_pool_free(struct mo_pool *p, unsigned v, bool half, mo_free_fn fn, void *ctx)
{
	size_t nb = 0, done = 0, j = 0;
	unsigned long pages = 0;

	for (size_t i = 0; i < p->n; i++)
		nb += p->owner[i] == v;
	if (half)
		nb = (nb + 1) / 2;
	for (size_t i = 0; i < p->n; i++) {
		if (p->owner[i] == v && done < nb) {
			done++;
			pages += 1ul << p->order[i];
			fn(ctx, p->pfn[i], p->order[i]);
			continue;
		}
		p->pfn[j] = p->pfn[i];
		p->order[j] = p->order[i];
		p->owner[j] = p->owner[i];
		j++;
	}
	p->n = j;
	return pages;
}

static unsigned hash5(uint64_t seed, uint64_t a, uint64_t b)
{
	uint64_t h = (seed ^ (a * 0x9e3779b97f4a7c15ull) ^ (b << 32)) * 0xbf58476d1ce4e5b9ull;

	return (unsigned)((h ^ (h >> 31)) * 0x94d049bb133111ebull >> 59); /* 0..31 */
}

/* The biggest victim not killed and not skipped (lowest number on a tie),
 * as select_bad_process picks by badness; 0 if none holds pages. */
static unsigned biggest(const struct mo_pool *p, const uintptr_t *skip, unsigned nskip)
{
	unsigned best = 0;
	unsigned long most = 0;

	for (unsigned v = 1; v <= MO_NV; v++) {
		unsigned long n = mo_pool_pages(p, v);
		bool skipped = false;

		for (unsigned i = 0; i < nskip; i++)
			skipped |= skip[i] == v;
		if (!p->killed[v] && !skipped && n > most) {
			most = n;
			best = v;
		}
	}
	return best;
}

bool mo_oom_decide(struct mo_pool *p, uint64_t seed, const uintptr_t *skip, unsigned nskip,
		   mo_free_fn fn, void *ctx, uintptr_t *pending)
{
	unsigned k = hash5(seed, ++p->calls, 1), v;

	if (hash5(seed, p->calls >> 5, 3) < 2)
		return true; /* a lying spell: 32 calls in a row */
	if (k < 3)
		return false; /* nothing it would kill */
	if (k < 5)
		return true; /* a lie: nothing freed, no victim named */
	v = biggest(p, skip, nskip);
	if (!v)
		return false;
	if (k < 14 && pending) {
		/* killed, not exited: its blocks stay until the reaper or its
		 * exit frees them */
		p->killed[v] = true;
		p->gen[v]++;
		p->tries[v] = 0;
		*pending = v;
		return true;
	}
	mo_pool_free(p, v, false, fn, ctx);
	return true;
}

long mo_reap(struct mo_pool *p, uint64_t seed, uintptr_t v, mo_free_fn fn, void *ctx)
{
	unsigned k, t;

	assert_true(v >= 1 && v <= MO_NV);
	k = hash5(seed, v, p->gen[v] + 7);
	t = p->tries[v]++;
	if (k < 4)
		return -1; /* never reapable: the reaper gives up */
	if (k < 10 && t < 2)
		return -1; /* busy twice */
	if (k < 13)
		return 0; /* nothing reapable */
	return (long)mo_pool_free(p, (unsigned)v, true, fn, ctx);
}

/* ---- the model's side ---------------------------------------------------- */

void mo_reset(uint64_t seed)
{
	memset(&moom, 0, sizeof(moom));
	moom.seed = seed;
}

void mo_begin_step(void)
{
	moom.ncalls = 0;
	moom.nreaps = 0;
}

static void model_free_cb(void *ctx, uint64_t pfn, unsigned order)
{
	unsigned long *freed = ctx;

	*freed += 1ul << order;
	model_free(pfn, order, 0);
}

static int tab_find(uintptr_t id)
{
	for (unsigned i = 0; i < moom.ntab; i++)
		if (moom.tab[i].id == id)
			return (int)i;
	return -1;
}

static void tab_drop(unsigned i)
{
	memmove(&moom.tab[i], &moom.tab[i + 1], (moom.ntab - i - 1) * sizeof(moom.tab[0]));
	moom.ntab--;
}

static bool any_queued(void)
{
	for (unsigned i = 0; i < moom.ntab; i++)
		if (moom.tab[i].state == MO_QUEUED)
			return true;
	return false;
}

/* oom_reap_task for one victim: up to 10 calls of the reap callback. */
static void reap_one(unsigned i)
{
	uintptr_t v = moom.tab[i].id;

	for (unsigned a = 0; a < MO_REAP_TRIES; a++) {
		unsigned long freed = 0;
		long r = mo_reap(&moom.pool, moom.seed, v, model_free_cb, &freed);

		assert_true(moom.nreaps < MO_MAXLOG);
		moom.reaps[moom.nreaps++] = (struct mo_reap_call){v, r};
		moom.stats[PZ_OOM_REAP_PAGES] += freed;
		if (r >= 0) {
			moom.stats[PZ_OOM_REAPED]++;
			moom.tab[i].state = MO_SKIP;
			return;
		}
	}
	moom.stats[PZ_OOM_REAP_FAILED]++;
	moom.tab[i].state = MO_SKIP;
}

/* Deterministic mode: the second OOM step that finds victims queued
 * reaps every one of them before its OOM lock, the newest first (the
 * kernel's oom_reaper_list is a stack; the table is in queueing order). */
static void reaper_grace(void)
{
	if (!any_queued())
		return;
	if (++moom.seen < 2)
		return;
	moom.seen = 0;
	for (unsigned i = moom.ntab; i-- > 0;)
		if (moom.tab[i].state == MO_QUEUED)
			reap_one(i);
}

/* queue_oom_reaper: false when the victim could not be queued (known as
 * skipped, or the table full of queued victims). */
static bool queue_victim(uintptr_t id)
{
	int at = tab_find(id);

	if (at >= 0)
		return moom.tab[at].state == MO_QUEUED;
	if (moom.ntab == MO_TABLE) {
		for (unsigned i = 0; i < moom.ntab && at < 0; i++)
			if (moom.tab[i].state == MO_SKIP)
				at = (int)i;
		if (at < 0) {
			moom.stats[PZ_OOM_REAP_OVERFLOW]++;
			return false;
		}
		tab_drop((unsigned)at);
	}
	/* the first victim in an empty queue starts a new grace (a victim
	 * that exited before its reap left the count where it was) */
	if (!any_queued())
		moom.seen = 0;
	moom.tab[moom.ntab].id = id;
	moom.tab[moom.ntab].state = MO_QUEUED;
	moom.ntab++;
	moom.stats[PZ_OOM_REAP_QUEUED]++;
	return true;
}

struct req {
	pz_gfp_t gfp;
	unsigned order;
	unsigned calls, unbacked, rounds;
	uint64_t reclaimed; /* 4.x pages_reclaimed */
};

/* The handler's call: 1 for progress, 0 for none. */
static int call_handler(struct req *r)
{
	struct mo_call *c;
	unsigned long freed = 0;
	uintptr_t pending = 0;
	bool ok, backed;

	assert_true(moom.ncalls < MO_MAXLOG);
	c = &moom.calls[moom.ncalls++];
	memset(c, 0, sizeof(*c));
	c->gfp = r->gfp;
	c->order = r->order;
	c->nr_calls = ++r->calls;
	for (unsigned i = 0; p61() && i < moom.ntab; i++)
		if (moom.tab[i].state == MO_SKIP)
			c->skip[c->nr_skip++] = moom.tab[i].id;
	moom.stats[PZ_OOM_CALLS]++;
	ok = mo_oom_decide(&moom.pool, moom.seed, c->skip, c->nr_skip, model_free_cb, &freed,
			   &pending);
	c->ret = ok;
	c->pending = pending;
	if (!ok) {
		moom.stats[PZ_OOM_NO_VICTIM]++;
		return 0;
	}
	moom.kills++;
	moom.oom_pages += freed;
	backed = freed > 0 || (p61() && pending && queue_victim(pending));
	if (backed) {
		r->unbacked = 0;
		return 1;
	}
	/* a kill that gave nothing back: believed PZ_OOM_MAX_UNBACKED times
	 * in a row (pagezone's bound, docs/DESIGN.md "The OOM step") */
	moom.stats[PZ_OOM_UNBACKED]++;
	if (++r->unbacked <= MO_MAX_UNBACK)
		return 1;
	moom.unbacked_ends++;
	return 0;
}

/* __alloc_pages_may_oom: 1 and *pfn a page; else *progress. */
static int oom_step(struct req *r, int *progress, uint64_t *pfn)
{
	const pz_gfp_t g = r->gfp;

	*progress = 0;
	moom.stats[PZ_OOM_STEPS]++;
	if (p61())
		reaper_grace();
	/* the OOM lock is free: one thread */
	if (model_get_page(g, r->order, PZ_ALLOC_WMARK_HIGH, pfn)) {
		moom.stats[PZ_OOM_LAST_CHANCE]++;
		return 1;
	}
	/* the exclusions, in each kernel's order (no core dump, no THISNODE,
	 * no NOFAIL here; every request reaches ZONE_NORMAL) */
	if (r->order > 3 || (p61() && (g & PZ_GFP_RETRY_MAYFAIL))) {
		moom.stats[PZ_OOM_EXCLUDED]++;
		return 0;
	}
	if (!(g & PZ__GFP_FS)) {
		/* 4.x: __alloc_pages_may_oom's own fake progress; 6.1:
		 * out_of_memory's */
		moom.stats[PZ_OOM_FAKE]++;
		*progress = 1;
		return 0;
	}
	if (p61() && any_queued()) {
		/* oom_evaluate_task aborts on a victim not yet skipped */
		moom.stats[PZ_OOM_VICTIM_WAIT]++;
		*progress = 1;
		return 0;
	}
	*progress = call_handler(r);
	return 0;
}

/* ---- the retry loops ------------------------------------------------------ */

/* 4.1 and 4.4 from their retry label: 1, 0, or -1 past the round cap. */
static int retry_4x(struct req *r, uint64_t *pfn)
{
	const pz_gfp_t g = r->gfp;
	unsigned mode = PZ_MIGRATE_ASYNC;
	enum mp_result cr;
	uint64_t progress;
	int op;

	for (bool first = true;; first = false) {
		if (++r->rounds > MO_MAX_ROUNDS)
			return -1;
		if (!first && model_get_page(g, r->order, PZ_ALLOC_WMARK_MIN, pfn))
			return 1;
		if (mp_slow_compact(g, r->order, mode, MP_PRIO_ASYNC, &cr, pfn))
			return 1;
		mode = PZ_MIGRATE_SYNC_LIGHT;
		if (mp_slow_reclaim(g, r->order, &progress, pfn))
			return 1;
		r->reclaimed += progress;
		if (p41()) {
			/* should_alloc_retry */
			bool again = r->order <= 3 ||
				     ((g & PZ__GFP_REPEAT) && r->reclaimed < (1ull << r->order));

			if (again && progress)
				continue;
			if (!again)
				break;
		} else if ((progress && r->order <= 3) ||
			   ((g & PZ__GFP_REPEAT) && r->reclaimed < (1ull << r->order))) {
			continue;
		}
		if (oom_step(r, &op, pfn))
			return 1;
		if (op)
			continue;
		if (p41())
			return 0; /* 4.1: straight to nopage */
		break;
	}
	/* the last compaction */
	return mp_slow_compact(g, r->order, mode, MP_PRIO_ASYNC, &cr, pfn);
}

/* 6.1's should_reclaim_retry: without an LRU only free pages count. */
static bool reclaim_retry(const struct req *r, bool progress, unsigned *loops)
{
	unsigned high = mp_gfp_high(r->gfp);

	if (progress && r->order <= 3)
		*loops = 0;
	else
		++*loops;
	if (*loops <= 16)
		for (unsigned i = 0; i < model.nz; i++) {
			const struct model_zone *z = &model.z[i];

			if (z->type <= high &&
			    model_watermark_ok(z, r->order, z->wmark[0] + z->boost, high,
					       PZ_ALLOC_WMARK_MIN))
				return true;
		}
	if (model_unreserve_highatomic(r->gfp, 1)) {
		moom.unreserved++;
		return true;
	}
	return false;
}

/* compaction_zonelist_suitable: __compaction_suitable CONTINUE somewhere */
static bool zonelist_suitable(const struct req *r)
{
	unsigned high = mp_gfp_high(r->gfp), o = r->order;

	for (unsigned i = 0; i < model.nz; i++) {
		const struct model_zone *z = &model.z[i];
		long mark = (o > 3 ? z->wmark[1] : z->wmark[0]) + z->boost + (2l << o);

		if (z->type > high)
			continue;
		if (model_watermark_ok(z, o, z->wmark[0] + z->boost, high, PZ_ALLOC_WMARK_MIN))
			continue; /* SUCCESS */
		if (model_watermark_ok(z, 0, mark, high, PZ_ALLOC_CMA))
			return true;
	}
	return false;
}

/* 6.1's should_compact_retry. */
static bool compact_retry(const struct req *r, enum mp_result cr, enum mp_prio *prio,
			  unsigned *retries)
{
	const bool costly = r->order > 3;
	const enum mp_prio min = costly ? MP_PRIO_SYNC_LIGHT : MP_PRIO_SYNC_FULL;

	if (!r->order)
		return false;
	if (cr == MP_SUCCESS)
		++*retries;
	if (cr == MP_SKIPPED)
		return zonelist_suitable(r);
	if (cr != MP_COMPLETE && cr != MP_DEFERRED && cr != MP_CONTENDED &&
	    cr != MP_PARTIAL_SKIPPED && *retries <= (costly ? 4u : 16u)) {
		moom.compact_retries++;
		return true;
	}
	if (*prio > min) {
		--*prio;
		*retries = 0;
		moom.prio_raised++;
		return true;
	}
	return false;
}

/* 6.1 from its restart label (after the MIN attempt). */
static int retry_61(struct req *r, uint64_t *pfn)
{
	const pz_gfp_t g = r->gfp;
	enum mp_prio prio = MP_PRIO_SYNC_LIGHT;
	enum mp_result cr = MP_SKIPPED;
	unsigned loops = 0, retries = 0;
	uint64_t progress;
	int op;

	if (r->order && (r->order > 3 || model_gfp_mt(g) != PZ_MT_MOVABLE) &&
	    mp_slow_compact(g, r->order, PZ_MIGRATE_ASYNC, MP_PRIO_ASYNC, &cr, pfn))
		return 1;
	for (;;) {
		if (++r->rounds > MO_MAX_ROUNDS)
			return -1;
		if (model_get_page(g, r->order, PZ_ALLOC_WMARK_MIN, pfn))
			return 1;
		if (mp_slow_reclaim(g, r->order, &progress, pfn))
			return 1;
		if (r->order && mp_slow_compact(g, r->order, PZ_MIGRATE_ASYNC, prio, &cr, pfn))
			return 1;
		if (r->order > 3 && !(g & PZ_GFP_RETRY_MAYFAIL))
			return 0;
		if (reclaim_retry(r, progress != 0, &loops))
			continue;
		if (progress && compact_retry(r, cr, &prio, &retries))
			continue;
		if (oom_step(r, &op, pfn))
			return 1;
		if (!op)
			return 0;
		loops = 0;
	}
}

/* The state one request may change, kept to undo a request that would
 * loop past the cap; the model's lists are vectors of their own. */
static struct model snap_model;
static struct mp snap_mp;
static struct mo snap_mo;

#define NLISTS (MODEL_MAXO * MODEL_NMT + MODEL_NLEV * MODEL_NPCP)

static struct model_list snap_lists[MODEL_MAXZ][NLISTS];

static struct model_list *list_at(struct model *m, unsigned z, unsigned i)
{
	if (i < MODEL_MAXO * MODEL_NMT)
		return &m->z[z].fl[i / MODEL_NMT][i % MODEL_NMT];
	i -= MODEL_MAXO * MODEL_NMT;
	return &m->z[z].pcp[i / MODEL_NPCP][i % MODEL_NPCP];
}

/* dst's contents become src's (dst keeps its own vector) */
static void list_copy(struct model_list *dst, const struct model_list *src)
{
	if (dst->cap < src->n) {
		dst->cap = src->n;
		dst->v = realloc(dst->v, dst->cap * sizeof(uint64_t));
		assert_non_null(dst->v);
	}
	if (src->n)
		memcpy(dst->v, src->v, src->n * sizeof(uint64_t));
	dst->n = src->n;
}

static void snapshot(void)
{
	snap_model = model;
	snap_mp = mp;
	snap_mo = moom;
	for (unsigned z = 0; z < MODEL_MAXZ; z++)
		for (unsigned i = 0; i < NLISTS; i++)
			list_copy(&snap_lists[z][i], list_at(&model, z, i));
}

static void restore(void)
{
	for (unsigned z = 0; z < MODEL_MAXZ; z++)
		for (unsigned i = 0; i < NLISTS; i++) {
			struct model_list *l = list_at(&model, z, i);

			/* keep the live vector, the snapshot's pointer may be stale */
			*list_at(&snap_model, z, i) = *l;
		}
	model = snap_model;
	mp = snap_mp;
	moom = snap_mo;
	for (unsigned z = 0; z < MODEL_MAXZ; z++)
		for (unsigned i = 0; i < NLISTS; i++)
			list_copy(list_at(&model, z, i), &snap_lists[z][i]);
}

int mo_alloc_retry(pz_gfp_t gfp, unsigned order, uint64_t *pfn)
{
	struct req r = {gfp, order, 0, 0, 0, 0};
	int ret;

	snapshot();
	/* the fast path and the first MIN attempt (nothing blocks there) */
	if (model_alloc(gfp & ~PZ__GFP_DIRECT_RECLAIM, order, pfn))
		ret = 1;
	else
		ret = p61() ? retry_61(&r, pfn) : retry_4x(&r, pfn);
	model.gfp = gfp;
	if (ret < 0) {
		restore();
		moom.skipped++;
		return -1;
	}
	moom.requests++;
	moom.served += ret == 1;
	moom.failed += ret == 0;
	moom.rounds += r.rounds;
	moom.retried_rounds += r.rounds > 1 ? r.rounds - 1 : 0;
	return ret;
}

bool mo_victims_queued(void)
{
	return p61() && any_queued();
}

int mo_alloc_victim(pz_gfp_t gfp, unsigned order, uint64_t *pfn)
{
	snapshot();
	moom.victim_calls++;
	/* the fast path and the MIN attempt (no reserves there) */
	if (model_alloc(gfp & ~PZ__GFP_DIRECT_RECLAIM, order, pfn))
		return 1;
	/* 4.x: TIF_MEMDIE's ALLOC_NO_WATERMARKS attempt; 6.1 skips its first
	 * compaction (gfp_pfmemalloc_allowed) and tries with ALLOC_OOM, the
	 * whole reserve in pagezone (docs/DESIGN.md "The OOM step") */
	if (model_get_page(gfp, order, PZ_ALLOC_NO_WATERMARKS, pfn)) {
		moom.victim_reserves++;
		return 1;
	}
	if (!p61()) {
		moom.victim_failed++;
		return 0; /* a victim without NOFAIL gives up before reclaim */
	}
	/* 6.1 would go on to reclaim with the reserve flags: not modelled */
	restore();
	moom.skipped++;
	return -1;
}

void mo_leave(unsigned v)
{
	unsigned long freed = 0;

	mo_pool_free(&moom.pool, v, false, model_free_cb, &freed);
}

int mo_victim_exited(unsigned v)
{
	int at = tab_find(v);
	unsigned long freed = 0;

	mo_pool_free(&moom.pool, v, false, model_free_cb, &freed);
	moom.pool.killed[v] = false;
	if (at < 0)
		return -PZ_ENOENT;
	tab_drop((unsigned)at);
	return 0;
}

/* ---- comparing ---------------------------------------------------------------- */

static void compare_calls(const struct mo_call *calls, size_t n)
{
	MODEL_CHECK(n == moom.ncalls, "%zu OOM handler calls, the model predicts %zu", n,
		    moom.ncalls);
	for (size_t i = 0; i < n; i++) {
		const struct mo_call *a = &calls[i], *b = &moom.calls[i];

		MODEL_CHECK(
			a->gfp == b->gfp && a->order == b->order && a->nr_calls == b->nr_calls &&
				a->nr_skip == b->nr_skip && a->constraint == 0 && a->nid == 0 &&
				!memcmp(a->skip, b->skip, sizeof(a->skip)) && a->ret == b->ret &&
				a->pending == b->pending,
			"OOM call %zu: gfp 0x%x order %u call %u skip %u (first %lu) -> %d "
			"pending %lu; expected gfp 0x%x order %u call %u skip %u (first %lu) "
			"-> %d pending %lu",
			i, a->gfp, a->order, a->nr_calls, a->nr_skip, (unsigned long)a->skip[0],
			a->ret, (unsigned long)a->pending, b->gfp, b->order, b->nr_calls,
			b->nr_skip, (unsigned long)b->skip[0], b->ret, (unsigned long)b->pending);
	}
}

void mo_compare(pz_t *pz, const uint64_t *oom0, uint64_t kill0, const struct mo_call *calls,
		size_t ncalls, const struct mo_reap_call *reaps, size_t nreaps)
{
	uint64_t st[PZ_OOM_NR_STATS], vm[PZ_NR_VM_EVENTS];

	compare_calls(calls, ncalls);
	MODEL_CHECK(nreaps == moom.nreaps, "%zu reap calls, the model predicts %zu", nreaps,
		    moom.nreaps);
	for (size_t i = 0; i < nreaps; i++)
		MODEL_CHECK(reaps[i].victim == moom.reaps[i].victim &&
				    reaps[i].ret == moom.reaps[i].ret,
			    "reap call %zu: victim %lu -> %ld, expected %lu -> %ld", i,
			    (unsigned long)reaps[i].victim, reaps[i].ret,
			    (unsigned long)moom.reaps[i].victim, moom.reaps[i].ret);
	assert_int_equal(pz_oom_stats(pz, st, PZ_OOM_NR_STATS), 0);
	for (unsigned i = 0; i < PZ_OOM_NR_STATS; i++)
		MODEL_CHECK(st[i] - oom0[i] == moom.stats[i],
			    "oom stat %u: expected %" PRIu64 ", got %" PRIu64, i, moom.stats[i],
			    st[i] - oom0[i]);
	assert_int_equal(pz_vm_events(pz, vm, PZ_NR_VM_EVENTS), 0);
	MODEL_CHECK(vm[PZ_VM_OOM_KILL] - kill0 == moom.kills,
		    "oom_kill: expected %" PRIu64 ", got %" PRIu64, moom.kills,
		    vm[PZ_VM_OOM_KILL] - kill0);
}
