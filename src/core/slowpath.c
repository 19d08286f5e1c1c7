/*
 * slowpath.c - __alloc_pages_slowpath: what happens when the fast path
 * found no zone above its LOW watermark.
 *
 * This is the one place that decides to relax watermarks, wake kswapd,
 * compact, reclaim, call the OOM step, retry or fail. Each profile's
 * kernel orders the steps its own way, so a request runs as a small state
 * machine: one driver (run) executes actions; each profile gives three
 * functions (struct slow_ops): start (the steps before the kernel's retry
 * label), round (one pass from that label to the retry decision) and
 * decide, which owns every retry decision of its kernel (4.1's
 * should_alloc_retry and its exits; 6.1's should_reclaim_retry,
 * should_compact_retry, the cpuset checks and the __GFP_NOFAIL tail).
 * The steps themselves (direct compaction, direct reclaim with its
 * drain-and-retry, the OOM step of oom.c, 4.1's high-priority loop, 6.1's
 * NOFAIL tail) are shared; 4.4 is 4.1's steps with its own decide.
 *
 * The order of the steps, the retry rules and where each profile waits
 * are in docs/DESIGN.md "Slow path". No allocator lock is held here: every
 * call out (kswapd wake, shrinkers, compaction's migrate callback, the
 * OOM handler, the wait hook) runs with none.
 */
#include "internal.h"

#define MAX_RECLAIM_RETRIES 16 /* 6.1: reclaim rounds without progress */
#define MAX_COMPACT_RETRIES 16 /* 6.1: compaction rounds that made progress */

/* What the driver does next. */
enum slow_act {
	ACT_GOT,	/* s->page is the request's page */
	ACT_FAIL,	/* warn (rate limited) and return NULL */
	ACT_RESTART,	/* 6.1: the cpuset changed: start over */
	ACT_RETRY,	/* the next round */
	ACT_WAIT_RETRY, /* wait (congestion), then the next round */
	ACT_OOM,	/* the OOM step, then decide again */
	ACT_COMPACT,	/* 4.1: one last direct compaction, then fail */
	ACT_NOFAIL,	/* 6.1: the __GFP_NOFAIL tail, then retry */
};

/* Where a round or step asks for a decision. */
enum slow_stage {
	AFTER_RECLAIM, /* direct reclaim and compaction gave no page */
	AFTER_OOM,     /* the OOM step gave no page */
	AT_NOPAGE,     /* a step's exit: the kernel's "goto nopage" */
};

/* One request's slow-path state (the kernel's locals). */
struct slow {
	struct pz *pz;
	const struct slow_ops *ops;
	pz_gfp_t gfp;
	unsigned order;
	struct pz_alloc_ctx *ac;
	struct pz_page *page;
	unsigned alloc_flags;
	unsigned long progress;	       /* the last reclaim or OOM step's did_some_progress */
	unsigned long reclaimed;       /* the last reclaim's progress */
	unsigned long pages_reclaimed; /* 4.1: progress summed over the request */
	unsigned cookie;	       /* 6.1: cpuset seqcount at the last (re)start */
	int no_progress_loops;	       /* 6.1 */
	int compaction_retries;	       /* 6.1 */
	enum pz_compact_priority prio; /* 6.1: priority of the next compaction */
	enum pz_compact_result compact_result;
	unsigned mode;		  /* 4.1: migration mode of the next compaction */
	bool deferred, contended; /* 4.1: what the last compaction said */
	struct pz_oom_ctl oom;
};

struct slow_ops {
	enum slow_act (*start)(struct slow *s);
	enum slow_act (*round)(struct slow *s);
	enum slow_act (*decide)(struct slow *s, enum slow_stage stage);
};

/* ---- shared steps --------------------------------------------------------- */

void pz_wait(struct pz *pz, enum pz_wait_reason why, unsigned usecs)
{
	if (pz->plat.wait)
		pz->plat.wait(pz->plat.ctx, why, usecs);
}

unsigned pz_memalloc_save(struct pz *pz, const struct pz_task *task)
{
	struct pz_task *t = (struct pz_task *)(uintptr_t)task;
	unsigned old = t->flags & PZ_TASK_MEMALLOC;

	if (task != &pz->default_task)
		t->flags |= PZ_TASK_MEMALLOC;
	return old;
}

void pz_memalloc_restore(struct pz *pz, const struct pz_task *task, unsigned old)
{
	struct pz_task *t = (struct pz_task *)(uintptr_t)task;

	if (task != &pz->default_task && !old)
		t->flags &= ~PZ_TASK_MEMALLOC;
}

/* The white-box probe (types.h): returns the step's result, possibly
 * changed by the probe. */
static long probe(struct slow *s, enum pz_slow_step step, long result)
{
	struct pz_slow_event ev = {step, s->gfp, s->order, s->mode, (unsigned)s->prio, result};

	if (pz_likely(!s->pz->slow_probe.fn))
		return result;
	s->pz->slow_probe.fn(s->pz->slow_probe.ctx, &ev);
	return ev.result;
}

static bool got(struct slow *s, struct pz_page *p)
{
	s->page = p;
	return p != 0;
}

static bool costly(const struct slow *s)
{
	return s->order > PZ_COSTLY_ORDER;
}

/* The slow path before 4.7's OOM-detection rework (4.1 and 4.4): reclaim
 * and compaction retry without ALLOC_NO_WATERMARKS, and a deferred
 * compaction counts as not run. */
static bool is_4x(const struct slow *s)
{
	return pz_kver(s->pz) < PZ_KV(4, 7);
}

static unsigned task_flags(const struct slow *s)
{
	return s->ac->task->flags;
}

/* An attempt; its events are delivered before the next step (a drain, a
 * compaction, kswapd run inline) traces its own, so that the trace keeps
 * the order in which things happened. No lock is held here. */
static struct pz_page *freelist(struct slow *s, unsigned alloc_flags)
{
	struct pz_page *p = pz_get_page_from_freelist(s->pz, s->gfp, s->order, alloc_flags, s->ac);

	pz_trace_flush(s->pz, s->ac->t);
	return p;
}

/* The watermark flags after reclaim or compaction: 4.1 and 4.4 never
 * ignore the watermarks there, 6.1 keeps its reserve flags. */
static unsigned after_reclaim_flags(const struct slow *s)
{
	return is_4x(s) ? s->alloc_flags & ~PZ_ALLOC_NO_WATERMARKS : s->alloc_flags;
}

static void wake_kswapds(struct slow *s)
{
	if (!(s->gfp & PZ__GFP_KSWAPD_RECLAIM))
		return;
	pz_wake_all_kswapds(s->pz, s->gfp, s->order, s->ac);
	probe(s, PZ_STEP_WAKE_KSWAPDS, 0);
}

/* The probe of a compaction, which reports the priority it ran with. */
static enum pz_compact_result probe_compact(struct slow *s, enum pz_compact_priority prio,
					    enum pz_compact_result r)
{
	enum pz_compact_priority next = s->prio;

	s->prio = prio;
	r = (enum pz_compact_result)probe(s, PZ_STEP_COMPACT, r);
	s->prio = next;
	return r;
}

/* 4.1, 4.4: the task's counted view of the result (DEFERRED is a skip). */
static bool compaction_ran(struct slow *s, enum pz_compact_result r)
{
	if (is_4x(s) && r == PZ_COMPACT_DEFERRED)
		s->deferred = true;
	return r != PZ_COMPACT_SKIPPED && !(is_4x(s) && r == PZ_COMPACT_DEFERRED);
}

/* __alloc_pages_direct_compact: order > 0 only; counts stall, success and
 * failure; a block compaction captured is prepared here. */
static struct pz_page *direct_compact(struct slow *s, enum pz_compact_priority prio)
{
	struct pz_compact_req req = {.gfp = s->gfp,
				     .order = s->order,
				     .alloc_flags = s->alloc_flags,
				     .ac = s->ac,
				     .mode = s->mode,
				     .prio = prio};
	struct pz_page *p;
	unsigned saved;

	if (!s->order)
		return (struct pz_page *)0;
	saved = pz_memalloc_save(s->pz, s->ac->task);
	s->compact_result = pz_try_to_compact_pages(s->pz, &req);
	pz_memalloc_restore(s->pz, s->ac->task, saved);
	s->compact_result = probe_compact(s, prio, s->compact_result);
	s->contended = req.contended;
	if (!compaction_ran(s, s->compact_result)) {
		/* only a probe turns a capture into SKIPPED: give the block back */
		if (req.page)
			pz_free_direct_internal(s->pz, req.page, s->order, false);
		return (struct pz_page *)0;
	}
	pz_count_vm_event(s->pz, PZ_VM_COMPACT_STALL, 1);
	p = req.page; /* 6.1: captured, held with the core's reference */
	if (p) {
		atomic_store_explicit(&p->refcount, 0, memory_order_relaxed);
		if (!pz_prep_new_page(s->pz, p, s->order, s->gfp, s->alloc_flags))
			p = (struct pz_page *)0; /* a bad page: prep reported and leaked it */
	}
	if (!p)
		p = freelist(s, after_reclaim_flags(s));
	if (!p) {
		pz_count_vm_event(s->pz, PZ_VM_COMPACT_FAIL, 1);
		return p;
	}
	/* a success cancels the skip-bit flush the next kswapd sleep would do */
	atomic_store_explicit(&pz_page_zone(s->pz, p)->compact_blockskip_flush, false,
			      memory_order_relaxed);
	pz_compaction_defer_reset(pz_page_zone(s->pz, p), s->order, true);
	pz_count_vm_event(s->pz, PZ_VM_COMPACT_SUCCESS, 1);
	return p;
}

/* __alloc_pages_direct_reclaim: reclaim as PF_MEMALLOC; after progress, a
 * failed attempt drains every CPU's lists (since 4.4 after unreserving a
 * HIGHATOMIC block) and tries once more. */
static struct pz_page *direct_reclaim(struct slow *s)
{
	unsigned saved = pz_memalloc_save(s->pz, s->ac->task);
	struct pz_page *p;

	s->progress = pz_try_to_free_pages(s->pz, s->gfp, s->order, s->ac);
	pz_memalloc_restore(s->pz, s->ac->task, saved);
	s->progress = (unsigned long)probe(s, PZ_STEP_RECLAIM, (long)s->progress);
	s->reclaimed = s->progress;
	if (!s->progress)
		return (struct pz_page *)0;
	p = freelist(s, after_reclaim_flags(s));
	if (p)
		return p;
	if (pz_kver(s->pz) >= PZ_KV(4, 4))
		probe(s, PZ_STEP_UNRESERVE, pz_unreserve_highatomic(s->pz, s->ac, false));
	pz_drain_all_pages(s->pz);
	probe(s, PZ_STEP_DRAIN, 0);
	return freelist(s, after_reclaim_flags(s));
}

static enum slow_act oom_step(struct slow *s)
{
	if (got(s, pz_alloc_pages_may_oom(s->pz, s->gfp, s->order, s->ac, &s->oom, &s->progress)))
		return ACT_GOT;
	probe(s, PZ_STEP_OOM, (long)s->progress);
	return s->ops->decide(s, AFTER_OOM);
}

/* 4.1, 4.4: the last compaction of a request that will not retry. */
static enum slow_act final_compact(struct slow *s)
{
	return got(s, direct_compact(s, s->prio)) ? ACT_GOT : ACT_FAIL;
}

/*
 * 6.1's __GFP_NOFAIL tail: some of the reserves that non-blocking requests
 * get (ALLOC_HARDER | ALLOC_HIGH, 6.1's ALLOC_MIN_RESERVE), with the
 * cpuset and then without, never ALLOC_NO_WATERMARKS; then wait a tick and
 * go round again.
 */
static enum slow_act nofail_tail(struct slow *s)
{
	if (task_flags(s) & PZ_TASK_MEMALLOC)
		pz_warn_once(s->pz, PZ_WARN_NOFAIL_MEMALLOC,
			     "WARNING: __GFP_NOFAIL allocation from a PF_MEMALLOC task");
	if (costly(s))
		pz_warn_once(s->pz, PZ_WARN_NOFAIL_COSTLY,
			     "WARNING: __GFP_NOFAIL allocation of costly order %u", s->order);
	if (got(s, pz_alloc_cpuset_fallback(s->pz, s->gfp, s->order,
					    PZ_ALLOC_HARDER | PZ_ALLOC_HIGH, s->ac)))
		return ACT_GOT;
	pz_wait(s->pz, PZ_WAIT_NOFAIL, PZ_WAIT_TICK_US);
	return ACT_RETRY;
}

/* The one driver: runs the profile's actions until a page or a failure. */
static struct pz_page *run(struct slow *s)
{
	enum slow_act act = s->ops->start(s);

	for (;;) {
		probe(s, PZ_STEP_DECIDE, act);
		switch (act) {
		case ACT_GOT:
			return s->page;
		case ACT_FAIL:
			pz_warn_alloc_failed(s->pz, s->gfp, s->order);
			return (struct pz_page *)0;
		case ACT_RESTART:
			act = s->ops->start(s);
			break;
		case ACT_WAIT_RETRY:
			pz_wait(s->pz, PZ_WAIT_CONGESTION, PZ_WAIT_TICK_US);
			act = s->ops->round(s);
			break;
		case ACT_RETRY:
			act = s->ops->round(s);
			break;
		case ACT_OOM:
			act = oom_step(s);
			break;
		case ACT_COMPACT:
			act = final_compact(s);
			break;
		case ACT_NOFAIL:
			act = nofail_tail(s);
			break;
		}
	}
}

/* ---- linux-4.1 ------------------------------------------------------------ */

static bool thp_41(const struct slow *s)
{
	return (s->gfp & PZ_GFP_TRANSHUGE) == PZ_GFP_TRANSHUGE &&
	       !(s->gfp & PZ__GFP_KSWAPD_RECLAIM); /* 4.1's GFP_TRANSHUGE has NO_KSWAPD */
}

/* should_alloc_retry (the suspend test has no counterpart here). */
static bool should_alloc_retry_41(const struct slow *s)
{
	if (s->gfp & PZ__GFP_NORETRY)
		return false;
	if (s->gfp & PZ__GFP_NOFAIL)
		return true;
	if (!costly(s))
		return true;
	return (s->gfp & PZ__GFP_REPEAT) && s->pages_reclaimed < (1ul << s->order);
}

/* 4.1's retry decisions: loop while should_alloc_retry says so (through
 * the OOM step when reclaim made no progress), else one last compaction. */
static enum slow_act decide_41(struct slow *s, enum slow_stage stage)
{
	switch (stage) {
	case AFTER_RECLAIM:
		if (!should_alloc_retry_41(s))
			return ACT_COMPACT;
		return s->progress ? ACT_WAIT_RETRY : ACT_OOM;
	case AFTER_OOM:
		return s->progress ? ACT_WAIT_RETRY : ACT_FAIL;
	case AT_NOPAGE:
		break;
	}
	return ACT_FAIL;
}

/* __alloc_pages_high_priority: no watermarks; __GFP_NOFAIL loops here. */
static struct pz_page *high_priority_41(struct slow *s)
{
	struct pz_page *p;

	while (!(p = freelist(s, PZ_ALLOC_NO_WATERMARKS)) && (s->gfp & PZ__GFP_NOFAIL))
		pz_wait(s->pz, PZ_WAIT_NOFAIL, PZ_WAIT_TICK_US);
	return p;
}

/* Before the retry label: a non-blocking THISNODE request fails at once. */
static enum slow_act start_41(struct slow *s)
{
	s->mode = PZ_MIGRATE_ASYNC;
	if ((s->gfp & PZ__GFP_THISNODE) && !(s->gfp & PZ__GFP_DIRECT_RECLAIM))
		return s->ops->decide(s, AT_NOPAGE);
	return ACT_RETRY;
}

/* The exits of a request that may not, or need not, reclaim. */
static bool exits_41(struct slow *s)
{
	if (!(s->gfp & PZ__GFP_DIRECT_RECLAIM)) {
		if (s->gfp & PZ__GFP_NOFAIL)
			pz_warn_once(s->pz, PZ_WARN_NOFAIL_NOWAIT,
				     "WARNING: __GFP_NOFAIL without direct reclaim");
		return true;
	}
	if (task_flags(s) & PZ_TASK_MEMALLOC)
		return true; /* no recursion into reclaim */
	return (task_flags(s) & PZ_TASK_OOM_VICTIM) && !(s->gfp & PZ__GFP_NOFAIL);
}

/* The first attempts of a round: MIN watermark, then no watermarks for
 * those allowed (4.1 on the local zonelist, 4.4 on the request's). */
static bool attempts_41(struct slow *s)
{
	struct pz_alloc_ctx *ac = s->ac;

	wake_kswapds(s);
	s->alloc_flags = pz_gfp_to_alloc_flags(s->pz, ac->task, s->gfp, ac->migratetype);
	if (!(s->alloc_flags & PZ_ALLOC_CPUSET) && !ac->nodemask)
		pz_first_zone(s->pz, ac, (const pz_nodemask_t *)0);
	if (got(s, freelist(s, s->alloc_flags & ~PZ_ALLOC_NO_WATERMARKS)))
		return true;
	if (!(s->alloc_flags & PZ_ALLOC_NO_WATERMARKS))
		return false;
	if (pz_kver(s->pz) < PZ_KV(4, 4))
		ac->zonelist = s->pz->nodes[s->pz->cpu_node[ac->cpu]]
				       .zonelist[(s->gfp & PZ__GFP_THISNODE) ? 1 : 0];
	return got(s, high_priority_41(s));
}

/* One pass from 4.1's (and 4.4's) retry label: attempts, exits, async
 * (then sync-light) compaction with the THP exits, direct reclaim; the
 * retry decision is the profile's. */
static enum slow_act round_41(struct slow *s)
{
	if (attempts_41(s))
		return ACT_GOT;
	if (exits_41(s))
		return s->ops->decide(s, AT_NOPAGE);
	if (got(s, direct_compact(s, s->prio)))
		return ACT_GOT;
	if (thp_41(s) && (s->deferred || s->contended))
		return s->ops->decide(s, AT_NOPAGE);
	if (!thp_41(s))
		s->mode = PZ_MIGRATE_SYNC_LIGHT;
	if (got(s, direct_reclaim(s)))
		return ACT_GOT;
	s->pages_reclaimed += s->progress;
	return s->ops->decide(s, AFTER_RECLAIM);
}

static const struct slow_ops ops_41 = {start_41, round_41, decide_41};

/* ---- linux-4.4 ------------------------------------------------------------ */

/*
 * 4.4's retry decisions (its __alloc_pages_slowpath has no
 * should_alloc_retry): __GFP_NORETRY goes to the last compaction; reclaim
 * progress at order <= 3, or __GFP_REPEAT while reclaim has not brought
 * back 2^order pages in all, waits and retries; everything else (costly
 * orders, NOFAIL without progress) takes the OOM step, whose progress
 * retries (at once in 4.4; here after a tick when reclaim made none) and
 * whose failure ends in the last compaction.
 */
static enum slow_act decide_44(struct slow *s, enum slow_stage stage)
{
	switch (stage) {
	case AFTER_RECLAIM:
		if (s->gfp & PZ__GFP_NORETRY)
			return ACT_COMPACT;
		if ((s->progress && !costly(s)) ||
		    ((s->gfp & PZ__GFP_REPEAT) && s->pages_reclaimed < (1ul << s->order)))
			return ACT_WAIT_RETRY;
		return ACT_OOM;
	case AFTER_OOM:
		if (!s->progress)
			return ACT_COMPACT;
		/* 4.4 retries at once; its reclaim throttles (congestion
		 * waits), which the shrinkers here do not, so a round without
		 * reclaim progress waits a tick as modern's does */
		return s->reclaimed ? ACT_RETRY : ACT_WAIT_RETRY;
	case AT_NOPAGE:
		break;
	}
	return ACT_FAIL;
}

static const struct slow_ops ops_44 = {start_41, round_41, decide_44};

/* ---- modern (6.1) ----------------------------------------------------------- */

/* gfp_compaction_allowed: compaction needs __GFP_IO. */
static bool can_compact(const struct slow *s)
{
	return (s->gfp & PZ__GFP_IO) != 0;
}

/* __gfp_pfmemalloc_flags: ALLOC_NO_WATERMARKS, or ALLOC_OOM for a victim. */
static unsigned reserve_flags_61(const struct slow *s)
{
	unsigned f = pz_gfp_to_alloc_flags(s->pz, s->ac->task, s->gfp, s->ac->migratetype);

	if (!(f & PZ_ALLOC_NO_WATERMARKS))
		return 0;
	if ((task_flags(s) & PZ_TASK_OOM_VICTIM) && !(task_flags(s) & PZ_TASK_MEMALLOC) &&
	    !(s->gfp & PZ__GFP_MEMALLOC))
		return PZ_ALLOC_NO_WATERMARKS | PZ_ALLOC_OOM;
	return PZ_ALLOC_NO_WATERMARKS;
}

/* check_retry_cpuset: a cpuset that changed since the (re)start restarts
 * the request. (6.1 also drops a nodemask the cpuset no longer meets: the
 * caller's nodemask is kept here, see DESIGN.md.) */
static bool cpuset_changed(struct slow *s)
{
	return pz_read_mems_retry(s->ac->task, s->cookie);
}

/* should_reclaim_retry: MAX_RECLAIM_RETRIES rounds without progress (a
 * costly order always counts one), while some zone would pass MIN with
 * its free pages (pagezone has no LRU: nothing counts as reclaimable);
 * before giving up, the HIGHATOMIC reserve goes back. */
static bool should_reclaim_retry_61(struct slow *s)
{
	unsigned pos = 0;
	struct pz_zone *z;

	if (s->progress && !costly(s))
		s->no_progress_loops = 0;
	else
		s->no_progress_loops++;
	while (s->no_progress_loops <= MAX_RECLAIM_RETRIES &&
	       (z = pz_next_zone(s->pz, s->ac->zonelist, &pos, s->ac->high_zoneidx,
				 s->ac->nodemask)))
		if (pz_zone_watermark_ok_locked_free(s->pz, z, s->order, pz_wmark_pages(z, 0),
						     s->ac->high_zoneidx, s->alloc_flags,
						     zload(&z->nr_free_pages)))
			return true;
	return probe(s, PZ_STEP_UNRESERVE, pz_unreserve_highatomic(s->pz, s->ac, true)) != 0;
}

/* should_compact_retry with 6.1's result classes and priorities. */
static bool should_compact_retry_61(struct slow *s)
{
	enum pz_compact_result r = s->compact_result;
	enum pz_compact_priority min =
		costly(s) ? PZ_COMPACT_PRIO_SYNC_LIGHT : PZ_COMPACT_PRIO_SYNC_FULL;

	if (!s->order)
		return false;
	if (r == PZ_COMPACT_SUCCESS)
		s->compaction_retries++;
	if (r == PZ_COMPACT_SKIPPED) /* compaction_needs_reclaim */
		return pz_compaction_zonelist_suitable(s->pz, s->ac, s->order, s->alloc_flags);
	if (r != PZ_COMPACT_COMPLETE && r != PZ_COMPACT_DEFERRED && r != PZ_COMPACT_CONTENDED &&
	    r != PZ_COMPACT_PARTIAL_SKIPPED &&
	    s->compaction_retries <= (costly(s) ? MAX_COMPACT_RETRIES / 4 : MAX_COMPACT_RETRIES))
		return true;
	/* failed, withdrawn or out of retries: a more thorough priority if any */
	if (s->prio <= min)
		return false;
	s->prio--;
	s->compaction_retries = 0;
	return true;
}

/* "nopage": a cpuset race restarts; __GFP_NOFAIL (if it may block) loops. */
static enum slow_act nopage_61(struct slow *s)
{
	if (cpuset_changed(s))
		return ACT_RESTART;
	if (!(s->gfp & PZ__GFP_NOFAIL))
		return ACT_FAIL;
	if (!(s->gfp & PZ__GFP_DIRECT_RECLAIM)) {
		pz_warn_once(s->pz, PZ_WARN_NOFAIL_NOWAIT,
			     "WARNING: __GFP_NOFAIL without direct reclaim");
		return ACT_FAIL;
	}
	return ACT_NOFAIL;
}

/* 6.1's retry decisions, in its order. A retry after a round whose
 * reclaim made no progress waits a tick (for 6.1's reclaim throttling,
 * which the shrinkers here do not have; see DESIGN.md). */
static enum slow_act decide_61(struct slow *s, enum slow_stage stage)
{
	bool victim = task_flags(s) & PZ_TASK_OOM_VICTIM;

	if (stage == AT_NOPAGE)
		return nopage_61(s);
	if (stage == AFTER_OOM) {
		if (victim && ((s->alloc_flags & PZ_ALLOC_OOM) || (s->gfp & PZ__GFP_NOMEMALLOC)))
			return nopage_61(s);
		if (!s->progress)
			return nopage_61(s);
		s->no_progress_loops = 0;
		return s->reclaimed ? ACT_RETRY : ACT_WAIT_RETRY;
	}
	if ((s->gfp & PZ__GFP_NORETRY) ||
	    (costly(s) && (!can_compact(s) || !(s->gfp & PZ_GFP_RETRY_MAYFAIL))))
		return nopage_61(s);
	if (should_reclaim_retry_61(s))
		return s->progress ? ACT_RETRY : ACT_WAIT_RETRY;
	if (s->progress && can_compact(s) && should_compact_retry_61(s))
		return ACT_RETRY;
	return cpuset_changed(s) ? ACT_RESTART : ACT_OOM;
}

/* The preferred zone again (the nodemask, or the task's cpuset). */
static bool preferred_zone_61(struct slow *s)
{
	pz_nodemask_t mems = __atomic_load_n(&s->ac->task->mems_allowed, __ATOMIC_RELAXED);

	return pz_first_zone(s->pz, s->ac, s->ac->nodemask ? s->ac->nodemask : &mems);
}

/* Costly orders (and unmovable high orders) compact before reclaiming. */
static bool initial_compaction_61(const struct slow *s)
{
	return (s->gfp & PZ__GFP_DIRECT_RECLAIM) && can_compact(s) &&
	       (costly(s) || (s->order > 0 && s->ac->migratetype != PZ_MT_MOVABLE)) &&
	       !reserve_flags_61(s);
}

/* 6.1's restart label: fresh counters and cookie, kswapd, the MIN attempt
 * and the initial async compaction with its __GFP_NORETRY exits. */
static enum slow_act start_61(struct slow *s)
{
	s->compaction_retries = s->no_progress_loops = 0;
	s->compact_result = PZ_COMPACT_SKIPPED;
	s->prio = PZ_COMPACT_PRIO_SYNC_LIGHT; /* DEF_COMPACT_PRIORITY */
	s->cookie = pz_read_mems_begin(s->pz, s->ac->task);
	s->alloc_flags = pz_gfp_to_alloc_flags(s->pz, s->ac->task, s->gfp, s->ac->migratetype) &
			 ~PZ_ALLOC_NO_WATERMARKS;
	if (!preferred_zone_61(s))
		return nopage_61(s);
	wake_kswapds(s);
	if (got(s, freelist(s, s->alloc_flags)))
		return ACT_GOT;
	if (!initial_compaction_61(s))
		return ACT_RETRY;
	if (got(s, direct_compact(s, PZ_COMPACT_PRIO_ASYNC)))
		return ACT_GOT;
	if (costly(s) && (s->gfp & PZ__GFP_NORETRY)) {
		if (s->compact_result == PZ_COMPACT_SKIPPED ||
		    s->compact_result == PZ_COMPACT_DEFERRED || (s->gfp & PZ__GFP_THISNODE))
			return nopage_61(s);
		s->prio = PZ_COMPACT_PRIO_ASYNC; /* INIT_COMPACT_PRIORITY */
	}
	return ACT_RETRY;
}

/* One pass from 6.1's retry label: cpuset check, kswapd, the reserve
 * flags (keeping ALLOC_KSWAPD, so that a fallback under them still marks
 * a boosted zone for kswapd), the attempt, the exits, direct reclaim,
 * direct compaction. */
static enum slow_act round_61(struct slow *s)
{
	unsigned reserve;

	if (cpuset_changed(s))
		return ACT_RESTART;
	wake_kswapds(s);
	reserve = reserve_flags_61(s);
	if (reserve)
		s->alloc_flags = reserve | (s->alloc_flags & (PZ_ALLOC_CMA | PZ_ALLOC_KSWAPD));
	if (!(s->alloc_flags & PZ_ALLOC_CPUSET) || reserve) /* the cpuset no longer counts */
		pz_first_zone(s->pz, s->ac, s->ac->nodemask);
	if (got(s, freelist(s, s->alloc_flags)))
		return ACT_GOT;
	if (!(s->gfp & PZ__GFP_DIRECT_RECLAIM) || (task_flags(s) & PZ_TASK_MEMALLOC))
		return nopage_61(s);
	if (got(s, direct_reclaim(s)))
		return ACT_GOT;
	if (got(s, direct_compact(s, s->prio)))
		return ACT_GOT;
	return decide_61(s, AFTER_RECLAIM);
}

static const struct slow_ops ops_61 = {start_61, round_61, decide_61};

struct pz_page *pz_alloc_slowpath(struct pz *pz, pz_gfp_t gfp, unsigned order,
				  struct pz_alloc_ctx *ac)
{
	struct slow s;

	if (pz_kver(pz) >= PZ_KV(4, 4) && (gfp & PZ__GFP_ATOMIC) &&
	    (gfp & PZ__GFP_DIRECT_RECLAIM)) {
		pz_warn_once(pz, PZ_WARN_ATOMIC_RECLAIM,
			     "WARNING: __GFP_ATOMIC together with __GFP_DIRECT_RECLAIM");
		gfp &= ~PZ__GFP_ATOMIC;
	}
	pz_trace_flush(pz, ac->t); /* the fast path's events come first */
	pz_memzero(&s, sizeof(s));
	s.pz = pz;
	/* 4.4's retry rules lasted until 4.7's should_reclaim_retry */
	s.ops = pz_kver(pz) < PZ_KV(4, 4) ? &ops_41 : pz_kver(pz) < PZ_KV(4, 7) ? &ops_44 : &ops_61;
	s.gfp = gfp;
	s.order = order;
	s.ac = ac;
	s.prio = PZ_COMPACT_PRIO_SYNC_LIGHT;
	return run(&s);
}
