/*
 * test_oom.c - the OOM step: the handler protocol (what it is told, what
 * a kill, a marked victim, a lie, nothing, or an allocation from inside
 * it does to the request), the OOM lock of each profile, the last-chance
 * HIGH attempt, the exclusions, the report, the counters, and
 * __GFP_NOFAIL looping until another thread frees memory; the OOM reaper
 * of linux-6.1 (pending victims, the reap callback and its misbehaviours,
 * the skip list, replay of a seeded run) against 4.x's per-request bound.
 * Every test runs on a machine whose pages are all held
 * (tests/util/pressure.h), in all three profiles.
 */
#define _POSIX_C_SOURCE 200809L
#include "pressure.h"
#include "../src/core/internal.h"

#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#define NW PZ__GFP_NOWARN

static const enum pz_profile profiles[] = {PZ_PROFILE_LINUX_4_1, PZ_PROFILE_LINUX_4_4,
					   PZ_PROFILE_LINUX_6_1};
#define NPROF (sizeof(profiles) / sizeof(profiles[0]))

/* What the handler does, and what it saw. */
static struct {
	pz_t *pz;
	atomic_uint calls;
	size_t free_per_call;	    /* held pages it frees per call */
	bool claim;		    /* its return value */
	bool mark_victim;	    /* marks req->task PZ_TASK_OOM_VICTIM */
	pz_gfp_t nested_gfp;	    /* allocates this from pz when non-zero */
	pz_page_t *nested;	    /* what the nested allocation got */
	unsigned flags_inside;	    /* req->task->flags during the call */
	struct pz_oom_request last; /* the last request */
	atomic_int block;	    /* first call waits until this drops to 0 */
	uintptr_t pending_id;	    /* reported as *req->pending when non-zero */
	unsigned nr_skip;	    /* req->nr_skip of the last call */
	uintptr_t skip0;	    /* req->skip[0] of the last call, if any */
} H;

/* What the reap callback does, and what it saw. */
static struct {
	unsigned calls;
	long rc;	   /* its return value */
	size_t free_n;	   /* held pages it frees per call */
	pz_page_t *own;	   /* a page it frees twice, when set */
	int nested_rc;	   /* a nested pz_oom_reaper_run's result */
	int free_again_rc; /* the second free's result */
	uintptr_t last_id; /* the victim it was given */
	struct pz_task *last_task;
} R;

static long reaper(void *ctx, pz_t *pz, uintptr_t victim, struct pz_task *task)
{
	(void)ctx;
	R.calls++;
	R.last_id = victim;
	R.last_task = task;
	R.nested_rc = pz_oom_reaper_run(pz);
	if (R.free_n)
		tp_release(pz, R.free_n);
	if (R.own) {
		assert_int_equal(pz_free_pages(pz, R.own, 0), 0);
		R.free_again_rc = pz_free_pages(pz, R.own, 0);
		R.own = NULL;
	}
	return R.rc;
}

static bool handler(void *ctx, pz_t *pz, const struct pz_oom_request *req)
{
	(void)ctx;
	if (atomic_fetch_add(&H.calls, 1) == 0)
		while (atomic_load(&H.block))
			sched_yield();
	H.last = *req;
	H.flags_inside = req->task->flags;
	if (H.nested_gfp)
		H.nested = pz_alloc_pages(pz, H.nested_gfp, 0);
	if (H.mark_victim)
		req->task->flags |= PZ_TASK_OOM_VICTIM;
	H.nr_skip = req->nr_skip;
	H.skip0 = req->nr_skip ? req->skip[0] : 0;
	if (H.pending_id)
		*req->pending = H.pending_id;
	if (H.free_per_call)
		tp_release(pz, H.free_per_call);
	return H.claim;
}

static pz_t *setup(enum pz_profile profile)
{
	pz_t *pz;

	memset(&H, 0, sizeof(H));
	memset(&R, 0, sizeof(R));
	pz = tp_setup(profile, 2, handler, NULL);
	assert_int_equal(pz_set_oom_reaper(pz, reaper, NULL), 0);
	H.pz = pz;
	return pz;
}

static uint64_t stat(pz_t *pz, enum pz_oom_stat s)
{
	uint64_t st[PZ_OOM_NR_STATS];

	assert_int_equal(pz_oom_stats(pz, st, PZ_OOM_NR_STATS), 0);
	return st[s];
}

static void done(pz_t *pz, pz_page_t *p)
{
	if (p)
		assert_int_equal(pz_free_pages(pz, p, 0), 0);
	if (H.nested)
		assert_int_equal(pz_free_pages(pz, H.nested, 0), 0);
	tp_destroy(pz);
}

/* A kill that frees pages: the request gets one; the handler was told the
 * request; it ran as PF_MEMALLOC on the task; the report and counters. */
static void test_kill_frees_pages(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NPROF; i++) {
		struct pz_task task;
		uint64_t ev[PZ_NR_VM_EVENTS];
		pz_t *pz = setup(profiles[i]);

		pz_task_init(&task);
		pz_set_current_task(&task);
		H.claim = true;
		H.free_per_call = 1024;
		pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
		pz_set_current_task(NULL);
		assert_non_null(p);
		assert_int_equal(H.calls, 1);
		assert_int_equal(H.last.gfp, PZ_GFP_KERNEL);
		assert_int_equal(H.last.order, 0);
		assert_int_equal(H.last.nodemask, 0x1);
		assert_int_equal(H.last.constraint, PZ_OOM_CONSTRAINT_NONE);
		assert_ptr_equal(H.last.task, &task);
		assert_int_equal(H.last.nr_calls, 1);
		assert_true(H.flags_inside & PZ_TASK_MEMALLOC);
		assert_int_equal(task.flags, 0);
		assert_int_equal(pz_vm_events(pz, ev, PZ_NR_VM_EVENTS), 0);
		assert_int_equal(ev[PZ_VM_OOM_KILL], 1);
		assert_true(tu_log_contains("invoked oom-killer: gfp_mask="));
		assert_true(tu_log_contains(
			"Out of memory: the OOM handler killed a victim (1024 pages"));
		assert_int_equal(stat(pz, PZ_OOM_CALLS), 1);
		assert_int_equal(stat(pz, PZ_OOM_UNBACKED), 0);
		done(pz, p);
	}
}

/* Nothing to kill (or no handler): the request fails with the kernel's
 * words; no kill is counted. */
static void test_nothing_to_kill(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NPROF; i++) {
		pz_t *pz = setup(profiles[i]);

		assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | NW, 0));
		assert_int_equal(H.calls, 1);
		assert_true(tu_log_contains("Out of memory and no killable processes..."));
		assert_int_equal(stat(pz, PZ_OOM_NO_VICTIM), 1);
		assert_int_equal(pz_set_oom_handler(pz, NULL, NULL), 0);
		assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | NW, 0));
		assert_int_equal(stat(pz, PZ_OOM_CALLS), 2);
		assert_int_equal(H.calls, 1);
		done(pz, NULL);
	}
}

/* A handler that claims kills and frees nothing is believed 16 times in a
 * row; the 17th claim counts as nothing and the request fails. */
static void test_unbacked_claims(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NPROF; i++) {
		pz_t *pz = setup(profiles[i]);

		H.claim = true;
		assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | NW, 0));
		assert_int_equal(H.calls, PZ_OOM_MAX_UNBACKED + 1);
		assert_int_equal(H.last.nr_calls, PZ_OOM_MAX_UNBACKED + 1);
		assert_int_equal(stat(pz, PZ_OOM_UNBACKED), PZ_OOM_MAX_UNBACKED + 1);
		done(pz, NULL);
	}
}

/* A victim reaches the reserves below MIN; once they are gone too, its
 * requests give up instead of looping (4.1 before reclaim, 6.1 after its
 * OOM step). */
static void test_victim_reaches_reserves(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NPROF; i++) {
		struct pz_task task;
		pz_t *pz = setup(profiles[i]);

		tp_release(pz, 0);
		pz_drain_all_pages(pz);
		/* down to MIN: requests that may not use the reserves */
		while (pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_NORETRY | NW, 0))
			;
		pz_task_init(&task);
		pz_set_current_task(&task);
		H.claim = true;
		H.mark_victim = true;
		pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
		assert_non_null(p);
		assert_true(pz_page_is_pfmemalloc(pz, p));
		assert_true(task.flags & PZ_TASK_OOM_VICTIM);
		assert_int_equal(H.calls, 1);
		pz_set_current_task(NULL);
		done(pz, p);
	}
}

/* An exiting task becomes the victim itself: no handler call. */
static void test_exiting_task(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NPROF; i++) {
		struct pz_task task;
		pz_t *pz = setup(profiles[i]);

		pz_task_init(&task);
		task.flags = PZ_TASK_EXITING;
		pz_set_current_task(&task);
		assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | NW, 0));
		pz_set_current_task(NULL);
		assert_true(task.flags & PZ_TASK_OOM_VICTIM);
		assert_int_equal(H.calls, 0);
		done(pz, NULL);
	}
}

/* The task of test_exiting_in_interrupt, and how many slow-path waits it
 * saw; past 1000 the wait hook lets it out (clears EXITING and
 * IN_INTERRUPT) so that a request that would loop forever ends. */
static struct pz_task *looping_task;
static atomic_uint looped_waits;

static void break_loop(enum pz_wait_reason why)
{
	(void)why;
	if (atomic_fetch_add(&looped_waits, 1) == 1000)
		looping_task->flags &= ~(unsigned)(PZ_TASK_EXITING | PZ_TASK_IN_INTERRUPT);
}

/* An exiting victim "in interrupt" (no ALLOC_OOM, so 6.1's exit for a
 * victim's own request never fires) chooses itself at every OOM step. 4.x
 * has no OOM reaper: choosing itself again frees nothing, and after
 * PZ_OOM_MAX_UNBACKED of those the handler decides. 6.1 queues the task
 * for the reaper, which reaps it at the second step after (the reap
 * callback is told the task) and marks it PZ_TASK_OOM_SKIP; the handler,
 * told to skip it, decides. Either way the request fails instead of
 * retrying forever. */
static void test_exiting_in_interrupt(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NPROF; i++) {
		uint64_t ev[PZ_NR_VM_EVENTS];
		struct pz_task task;
		pz_t *pz = setup(profiles[i]);
		bool reaper61 = profiles[i] == PZ_PROFILE_LINUX_6_1;

		pz_task_init(&task);
		task.flags = PZ_TASK_EXITING | PZ_TASK_IN_INTERRUPT;
		looping_task = &task;
		atomic_store(&looped_waits, 0);
		tp_on_wait = break_loop;
		pz_set_current_task(&task);
		assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | NW, 0));
		pz_set_current_task(NULL);
		tp_on_wait = NULL;
		print_message("%s: the exiting task in interrupt ended after %u waits, %u reaps\n",
			      pz_profile_name(profiles[i]), atomic_load(&looped_waits), R.calls);
		assert_true(task.flags & PZ_TASK_EXITING);
		assert_true(task.flags & PZ_TASK_OOM_VICTIM);
		if (!reaper61) {
			/* 4.1 fails a victim before reclaim; 4.4 reaches the bound */
			assert_true(atomic_load(&looped_waits) <= PZ_OOM_MAX_UNBACKED + 2);
			assert_true(stat(pz, PZ_OOM_UNBACKED) <= PZ_OOM_MAX_UNBACKED);
			assert_int_equal(stat(pz, PZ_OOM_REAP_QUEUED), 0);
			assert_int_equal(R.calls, 0);
			assert_false(task.flags & PZ_TASK_OOM_SKIP);
			done(pz, NULL);
			continue;
		}
		assert_int_equal(H.calls, 1);
		assert_true(atomic_load(&looped_waits) <= PZ_OOM_REAPER_GRACE + 1);
		assert_int_equal(stat(pz, PZ_OOM_UNBACKED), 0);
		assert_int_equal(stat(pz, PZ_OOM_REAP_QUEUED), 1);
		assert_int_equal(stat(pz, PZ_OOM_REAPED), 1);
		assert_int_equal(R.calls, 1);
		assert_ptr_equal(R.last_task, &task);
		assert_int_equal(R.last_id, (uintptr_t)&task);
		assert_int_equal(R.nested_rc, -PZ_EBUSY);
		assert_true(task.flags & PZ_TASK_OOM_SKIP);
		assert_int_equal(H.nr_skip, 1);
		assert_int_equal(H.skip0, (uintptr_t)&task);
		assert_int_equal(pz_vm_events(pz, ev, PZ_NR_VM_EVENTS), 0);
		assert_int_equal(ev[PZ_VM_OOM_KILL], 0); /* choosing itself is no kill */
		assert_true(tu_log_contains("oom_reaper: reaped victim"));
		done(pz, NULL);
	}
}

/* A handler allocating from the same instance: on its own task it runs as
 * PF_MEMALLOC (reserves, no recursion); on the default task a NORETRY
 * request fails without waiting for the lock its thread holds. */
static void test_nested_allocation(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NPROF; i++) {
		struct pz_task task;
		pz_t *pz = setup(profiles[i]);

		pz_task_init(&task);
		pz_set_current_task(&task);
		H.claim = true;
		H.free_per_call = 1024;
		H.nested_gfp = PZ_GFP_KERNEL | NW;
		pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
		pz_set_current_task(NULL);
		assert_non_null(p);
		assert_null(H.nested); /* reserves empty, and no recursion */
		assert_int_equal(H.calls, 1);
		assert_int_equal(stat(pz, PZ_OOM_STEPS), 1);
		assert_int_equal(pz_free_pages(pz, p, 0), 0);

		atomic_store(&H.calls, 0);
		H.nested_gfp = PZ_GFP_KERNEL | PZ__GFP_NORETRY | NW;
		tp_exhaust(pz);
		p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
		assert_non_null(p);
		assert_int_equal(H.calls, 1);
		assert_int_equal(stat(pz, PZ_OOM_LOCK_BUSY), 0);
		done(pz, p);
	}
}

/* The exclusions: costly orders, lowmem, core dumps, THISNODE never reach
 * the handler; 4.1 lets __GFP_NOFAIL past them all, 6.1 does not. */
static void test_exclusions(void **state)
{
	(void)state;
	static const struct {
		pz_gfp_t gfp;
		unsigned order, task_flags;
	} cases[] = {
		{PZ_GFP_KERNEL | PZ__GFP_REPEAT, 4, 0},
		{PZ_GFP_KERNEL | PZ_GFP_DMA, 0, 0},
		{PZ_GFP_KERNEL, 0, PZ_TASK_DUMPCORE},
		{PZ_GFP_KERNEL | PZ__GFP_THISNODE, 0, 0},
	};
	for (unsigned i = 0; i < NPROF; i++)
		for (unsigned c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
			struct pz_task task;
			pz_t *pz = setup(profiles[i]);

			pz_task_init(&task);
			task.flags = cases[c].task_flags;
			pz_set_current_task(&task);
			/* REPEAT takes a costly order to 6.1's OOM step; 4.4 would
			 * loop on it, and reaches the step without it */
			pz_gfp_t gfp = cases[c].gfp;
			if (profiles[i] == PZ_PROFILE_LINUX_4_4)
				gfp &= ~PZ__GFP_REPEAT;
			assert_null(pz_alloc_pages(pz, gfp | NW, cases[c].order));
			pz_set_current_task(NULL);
			assert_int_equal(H.calls, 0);
			assert_true(stat(pz, PZ_OOM_EXCLUDED) >= 1);
			done(pz, NULL);
		}
}

static unsigned nofail_release_at;
static void release_on_oom_wait(enum pz_wait_reason why)
{
	(void)why;
	if (atomic_load(&tp_waits[PZ_WAIT_CONGESTION]) + atomic_load(&tp_waits[PZ_WAIT_NOFAIL]) ==
	    nofail_release_at)
		tp_release(H.pz, 1024);
}

/* 4.1 calls the handler for a core-dumping NOFAIL request; 6.1 excludes
 * it and loops through its NOFAIL tail. */
static void test_nofail_past_exclusions(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NPROF; i++) {
		struct pz_task task;
		pz_t *pz = setup(profiles[i]);

		pz_task_init(&task);
		task.flags = PZ_TASK_DUMPCORE;
		pz_set_current_task(&task);
		nofail_release_at = 3;
		tp_on_wait = release_on_oom_wait;
		pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_NOFAIL, 0);
		tp_on_wait = NULL;
		pz_set_current_task(NULL);
		assert_non_null(p);
		if (profiles[i] != PZ_PROFILE_LINUX_6_1) {
			assert_true(H.calls >= 1); /* 4.x: NOFAIL skips them */
		} else {
			assert_int_equal(H.calls, 0);
			assert_true(tp_waits[PZ_WAIT_NOFAIL] >= 1);
		}
		done(pz, p);
	}
}

static void last_chance_probe(void *ctx, struct pz_slow_event *ev)
{
	(void)ctx;
	if (ev->step == PZ_STEP_RECLAIM && tp_held() > 8000) {
		tp_release(H.pz, 8000);
		ev->result = 0; /* freed by someone else: no progress of ours */
	}
}

/* Memory that came back meanwhile (freed by someone else during reclaim)
 * is caught by 4.1's and 4.4's HIGH attempt under the OOM lock: no kill. 6.1 finds
 * it earlier: should_reclaim_retry sees a zone above MIN and retries. */
static void test_last_chance(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NPROF; i++) {
		pz_t *pz = setup(profiles[i]);
		bool k41 = profiles[i] != PZ_PROFILE_LINUX_6_1; /* 4.1 and 4.4 */

		((struct pz *)pz)->slow_probe.fn = last_chance_probe;
		pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
		((struct pz *)pz)->slow_probe.fn = NULL;
		assert_non_null(p);
		assert_int_equal(stat(pz, PZ_OOM_LAST_CHANCE), k41 ? 1 : 0);
		assert_int_equal(stat(pz, PZ_OOM_STEPS), k41 ? 1 : 0);
		assert_int_equal(H.calls, 0);
		done(pz, p);
	}
}

/* ---- two threads -------------------------------------------------------- */

static void *second_request(void *arg)
{
	pz_page_t **out = arg;

	*out = pz_alloc_pages(H.pz, PZ_GFP_KERNEL, 0);
	return NULL;
}

/* While one request's handler runs, another request reaching the OOM step
 * finds the lock taken (4.1: its zones are ZONE_OOM_LOCKED; 4.4, 6.1: the
 * global lock), waits a tick and retries, and gets a page once the kill
 * frees some. */
static void test_oom_lock_busy(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NPROF; i++) {
		pz_t *pz = setup(profiles[i]);
		pz_page_t *mine = NULL, *other = NULL;
		pthread_t first, second;

		H.claim = true;
		H.free_per_call = 1024;
		atomic_store(&H.block, 1);
		assert_int_equal(pthread_create(&first, NULL, second_request, &mine), 0);
		while (!atomic_load(&H.calls))
			sched_yield();
		assert_int_equal(pthread_create(&second, NULL, second_request, &other), 0);
		while (!stat(pz, PZ_OOM_LOCK_BUSY))
			sched_yield();
		atomic_store(&H.block, 0);
		assert_int_equal(pthread_join(first, NULL), 0);
		assert_int_equal(pthread_join(second, NULL), 0);
		assert_non_null(mine);
		assert_non_null(other);
		assert_true(tp_waits[PZ_WAIT_OOM] >= 1);
		assert_int_equal(pz_free_pages(pz, mine, 0), 0);
		done(pz, other);
	}
}

static void *free_later(void *arg)
{
	struct timespec ts = {0, 30 * 1000 * 1000};

	(void)arg;
	nanosleep(&ts, NULL);
	tp_release(H.pz, 1024);
	return NULL;
}

static pthread_t freer;
static atomic_int freer_started;
static bool start_freer(void *ctx, pz_t *pz, const struct pz_oom_request *req)
{
	(void)ctx;
	(void)pz;
	(void)req;
	atomic_fetch_add(&H.calls, 1);
	if (!atomic_exchange(&freer_started, 1))
		assert_int_equal(pthread_create(&freer, NULL, free_later, NULL), 0);
	return false; /* nothing now: the memory comes later */
}

/* The wait hook runs with no allocator lock held: a drain of every CPU
 * takes every per-CPU and zone lock (and would spin for ever otherwise). */
static void drain_on_wait(enum pz_wait_reason why)
{
	(void)why;
	pz_drain_all_pages(H.pz);
}

/* __GFP_NOFAIL with nothing reclaimable: the handler only starts a thread
 * that frees pages 30 ms later; the request loops (reclaim, OOM, wait)
 * until then and gets a page. */
static void test_nofail_delayed_free(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NPROF; i++) {
		pz_t *pz = setup(profiles[i]);

		atomic_store(&freer_started, 0);
		assert_int_equal(pz_set_oom_handler(pz, start_freer, NULL), 0);
		tp_on_wait = drain_on_wait;
		pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_NOFAIL, 0);
		tp_on_wait = NULL;
		assert_int_equal(pthread_join(freer, NULL), 0);
		assert_non_null(p);
		assert_true(H.calls >= 1);
		assert_true(tp_waits[PZ_WAIT_CONGESTION] + tp_waits[PZ_WAIT_NOFAIL] >= 1);
		assert_true(tu_log_contains("__GFP_NOFAIL"));
		print_message("%s: NOFAIL looped through %u OOM steps, %u waits\n",
			      pz_profile_name(profiles[i]), atomic_load(&H.calls),
			      tp_waits[PZ_WAIT_CONGESTION] + tp_waits[PZ_WAIT_NOFAIL]);
		done(pz, p);
	}
}

/* ---- the OOM reaper (linux-6.1) ------------------------------------------ */

#define VICTIM ((uintptr_t)0x7e57)

/* A kill reported pending (killed, not exited, nothing freed yet). 6.1:
 * queued; the next step waits for it without a handler call; the step
 * after reaps it (the callback frees the victim's pages) and the request
 * gets a page. 4.x has no reaper: a pending kill is a plain claim, and
 * unbacked claims end at the bound. */
static void test_pending_victim(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NPROF; i++) {
		uint64_t ev[PZ_NR_VM_EVENTS];
		pz_t *pz = setup(profiles[i]);
		bool reaper61 = profiles[i] == PZ_PROFILE_LINUX_6_1;

		H.claim = true;
		H.pending_id = VICTIM;
		R.free_n = 1024;
		pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL | NW, 0);
		if (!reaper61) {
			assert_null(p);
			assert_int_equal(H.calls, PZ_OOM_MAX_UNBACKED + 1);
			assert_int_equal(R.calls, 0);
			assert_int_equal(stat(pz, PZ_OOM_REAP_QUEUED), 0);
			assert_null(H.last.skip);
			done(pz, p);
			continue;
		}
		assert_non_null(p);
		assert_int_equal(H.calls, 1);
		assert_int_equal(H.nr_skip, 0);
		assert_int_equal(pz_vm_events(pz, ev, PZ_NR_VM_EVENTS), 0);
		assert_int_equal(ev[PZ_VM_OOM_KILL], 1); /* the pending kill; no more */
		assert_int_equal(stat(pz, PZ_OOM_REAP_QUEUED), 1);
		assert_int_equal(stat(pz, PZ_OOM_VICTIM_WAIT), PZ_OOM_REAPER_GRACE - 1);
		assert_int_equal(stat(pz, PZ_OOM_REAPED), 1);
		assert_int_equal(stat(pz, PZ_OOM_REAP_PAGES), 1024);
		assert_int_equal(stat(pz, PZ_OOM_UNBACKED), 0);
		assert_int_equal(R.calls, 1);
		assert_int_equal(R.last_id, VICTIM);
		assert_null(R.last_task);
		assert_int_equal(pz_free_pages(pz, p, 0), 0);

		/* the next OOM step tells the handler to skip the victim; naming
		 * it again is a kill that freed nothing: the bound ends it */
		tp_exhaust(pz);
		atomic_store(&H.calls, 0);
		R.free_n = 0;
		assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | NW, 0));
		assert_int_equal(H.nr_skip, 1);
		assert_int_equal(H.skip0, VICTIM);
		assert_int_equal(H.calls, PZ_OOM_MAX_UNBACKED + 1);
		assert_int_equal(R.calls, 1);
		assert_int_equal(stat(pz, PZ_OOM_REAP_QUEUED), 1);
		done(pz, NULL);
	}
}

/* The victim of test_victim_exits_first exits at the first wait after
 * its kill: its pages come back and the embedder says so. */
static int exited_rc = 1;
static void victim_exits(enum pz_wait_reason why)
{
	(void)why;
	if (exited_rc == 1 && atomic_load(&H.calls) == 1) {
		tp_release(H.pz, 1024);
		exited_rc = pz_oom_victim_exited(H.pz, VICTIM);
	}
}

/* The victim exits on its own before the reaper comes: it is dropped
 * without a reap (exit_mmap's MMF_OOM_SKIP before wake_oom_reaper), the
 * request gets one of its pages, and later exits of it, of id 0 or of an
 * unknown id are refused. */
static void test_victim_exits_first(void **state)
{
	(void)state;
	pz_t *pz = setup(PZ_PROFILE_LINUX_6_1);

	assert_int_equal(pz_oom_victim_exited(pz, VICTIM), -PZ_ENOENT);
	assert_int_equal(pz_oom_victim_exited(pz, 0), -PZ_EINVAL);
	assert_int_equal(pz_oom_victim_exited(NULL, VICTIM), -PZ_EINVAL);
	H.claim = true;
	H.pending_id = VICTIM;
	exited_rc = 1;
	tp_on_wait = victim_exits;
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL | NW, 0);
	tp_on_wait = NULL;
	assert_non_null(p);
	assert_int_equal(exited_rc, 0);
	assert_int_equal(H.calls, 1);
	assert_int_equal(R.calls, 0);
	assert_int_equal(stat(pz, PZ_OOM_REAP_QUEUED), 1);
	assert_int_equal(stat(pz, PZ_OOM_REAPED), 0);
	assert_int_equal(pz_oom_reaper_run(pz), 0);
	assert_int_equal(pz_oom_victim_exited(pz, VICTIM), -PZ_ENOENT);
	done(pz, p);
}

/* Reap callbacks that misbehave, each on the pending victim of a request
 * whose handler never frees anything: one that always fails (10 attempts,
 * then the victim is skipped anyway, "unable to reap"), one that frees
 * nothing, one that claims 500 pages and frees none, one that frees a page
 * twice (the second free is refused and counted); each also calls the
 * reaper from inside (busy). Every time the victim ends up skipped, the
 * handler is told so, and the request ends at the bound instead of
 * waiting for ever. No page is lost: pz_validate passes and every held
 * page comes back (done). */
static void test_reap_misbehaves(void **state)
{
	(void)state;
	static const struct {
		long rc;
		bool double_free;
		unsigned calls;
	} cases[] = {
		{-1, false, PZ_OOM_REAP_RETRIES}, {0, false, 1}, {500, false, 1}, {0, true, 1}};
	for (unsigned c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		pz_t *pz = setup(PZ_PROFILE_LINUX_6_1);
		struct pz_errors e;

		H.claim = true;
		H.pending_id = VICTIM;
		R.rc = cases[c].rc;
		if (cases[c].double_free) {
			assert_int_equal(tp_release(pz, 1), 1);
			R.own = pz_alloc_pages(pz, PZ_GFP_ATOMIC | PZ__GFP_MEMALLOC | NW, 0);
			assert_non_null(R.own);
		}
		assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | NW, 0));
		/* the handler was asked again once the victim was skipped, and
		 * (freeing nothing, naming a skipped victim) ended at the bound */
		assert_int_equal(R.calls, cases[c].calls);
		assert_int_equal(R.nested_rc, -PZ_EBUSY);
		assert_int_equal(H.nr_skip, 1);
		assert_int_equal(H.skip0, VICTIM);
		assert_int_equal(stat(pz, PZ_OOM_REAP_PAGES), cases[c].double_free ? 1 : 0);
		assert_int_equal(stat(pz, cases[c].rc < 0 ? PZ_OOM_REAP_FAILED : PZ_OOM_REAPED), 1);
		assert_int_equal(stat(pz, cases[c].rc < 0 ? PZ_OOM_REAPED : PZ_OOM_REAP_FAILED), 0);
		if (cases[c].rc < 0)
			assert_true(tu_log_contains("oom_reaper: unable to reap victim 0x7e57"));
		pz_errors(pz, &e);
		assert_int_equal(e.double_free, cases[c].double_free ? 1 : 0);
		if (cases[c].double_free)
			assert_int_equal(R.free_again_rc, -PZ_EFAULT);
		assert_int_equal(pz_validate(pz), 0);
		done(pz, NULL);
	}
}

/* ---- the reaper's clock and its table ------------------------------------ */

static uint64_t fake_ns, reaped_at;
static unsigned clock_calls;

static uint64_t fake_step_ns; /* the clock moves this much per read */

static uint64_t fake_now(void *ctx)
{
	(void)ctx;
	clock_calls++;
	fake_ns += fake_step_ns;
	return fake_ns;
}

static void tick(enum pz_wait_reason why)
{
	(void)why;
	fake_ns += 1000000; /* every wait: a millisecond */
}

static long clock_reap(void *ctx, pz_t *pz, uintptr_t victim, struct pz_task *task)
{
	reaped_at = fake_ns;
	return reaper(ctx, pz, victim, task);
}

/* setup() with the fake clock as the platform's now_ns (and, if asked,
 * deterministic mode); waits advance it by 1 ms. */
static pz_t *setup_clock(bool deterministic)
{
	pz_t *pz = setup(PZ_PROFILE_LINUX_6_1);

	((struct pz *)pz)->plat.now_ns = fake_now;
	((struct pz *)pz)->kswapd_inline = deterministic;
	assert_int_equal(pz_set_oom_reaper(pz, clock_reap, NULL), 0);
	fake_ns = 5000000000ull;
	fake_step_ns = reaped_at = clock_calls = 0;
	tp_on_wait = tick;
	return pz;
}

/* The request whose handler kills a pending victim the reap frees. */
static pz_page_t *pending_kill(pz_t *pz)
{
	pz_page_t *p;

	H.claim = true;
	H.pending_id = VICTIM;
	R.free_n = 1024;
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL | NW, 0);
	tp_on_wait = NULL;
	assert_non_null(p);
	assert_int_equal(R.calls, 1);
	return p;
}

/* With a clock (no wake hook: the OOM steps reap), a pending victim is
 * reaped once 2 s of that clock have passed since its queueing (the
 * kernel's OOM_REAPER_DELAY), by the first step after that; the request
 * waits meanwhile. Before the clock: the second OOM step reaped. */
static void test_reaper_clock(void **state)
{
	pz_t *pz = setup_clock(false);
	pz_page_t *p = pending_kill(pz);

	(void)state;
	assert_int_equal(H.calls, 1);
	assert_true(clock_calls > 0);
	print_message("reaped at +%llu ms after %llu waits for the victim\n",
		      (unsigned long long)((reaped_at - 5000000000ull) / 1000000),
		      (unsigned long long)stat(pz, PZ_OOM_VICTIM_WAIT));
	assert_true(reaped_at >= 5000000000ull + PZ_OOM_REAPER_DELAY_NS);
	assert_true(reaped_at < 5000000000ull + PZ_OOM_REAPER_DELAY_NS + 100000000ull);
	assert_true(stat(pz, PZ_OOM_VICTIM_WAIT) > PZ_OOM_REAPER_GRACE);
	assert_int_equal(stat(pz, PZ_OOM_REAPED), 1);
	assert_int_equal(stat(pz, PZ_OOM_REAP_DIRECT), 0);
	done(pz, p);
}

/* Deterministic mode never reads the clock: the steps are counted exactly
 * as without one (test_pending_victim's numbers). */
static void test_reaper_clock_deterministic(void **state)
{
	pz_t *pz = setup_clock(true);
	pz_page_t *p = pending_kill(pz);

	(void)state;
	assert_int_equal(clock_calls, 0);
	assert_int_equal(stat(pz, PZ_OOM_VICTIM_WAIT), PZ_OOM_REAPER_GRACE - 1);
	assert_int_equal(pz_oom_reaper_due(pz, &fake_ns), -PZ_ENOENT);
	done(pz, p);
}

/* A clock without a wait hook: the request could only spin through the
 * 2 s grace (here a clock that moves 1 ms per read: 2,000 OOM steps),
 * and a platform without wait promises a run that never stalls. The grace
 * is then one OOM step, as without a clock, and the clock is not read. */
static void test_reaper_clock_no_wait(void **state)
{
	pz_t *pz = setup_clock(false);
	pz_page_t *p;

	(void)state;
	((struct pz *)pz)->plat.wait = NULL;
	fake_step_ns = 1000000;
	p = pending_kill(pz);
	assert_int_equal(clock_calls, 0);
	assert_int_equal(stat(pz, PZ_OOM_VICTIM_WAIT), PZ_OOM_REAPER_GRACE - 1);
	assert_int_equal(stat(pz, PZ_OOM_REAPED), 1);
	done(pz, p);
}

/* A clock that never moves (a misbehaving hook) cannot hold the victim
 * for ever: after PZ_OOM_REAPER_PATIENCE steps at which it stood still
 * the step reaps. */
static void test_reaper_clock_stuck(void **state)
{
	pz_t *pz = setup_clock(false);
	pz_page_t *p;

	(void)state;
	tp_on_wait = NULL; /* the clock stays at 5 s */
	p = pending_kill(pz);
	assert_int_equal(reaped_at, 5000000000ull);
	assert_true(stat(pz, PZ_OOM_VICTIM_WAIT) >= PZ_OOM_REAPER_PATIENCE - 1);
	assert_true(stat(pz, PZ_OOM_VICTIM_WAIT) <= PZ_OOM_REAPER_PATIENCE + 1);
	done(pz, p);
}

/* pz_oom_reaper_due and pz_oom_reaper_run against the clock: a victim is
 * left alone until it is due; without a clock every queued one is due. */
static void test_reaper_due(void **state)
{
	pz_t *pz = setup_clock(false);
	uint64_t ns = 1;

	(void)state;
	tp_on_wait = NULL;
	assert_int_equal(pz_oom_reaper_due(pz, NULL), -PZ_EINVAL);
	assert_int_equal(pz_oom_reaper_due(NULL, &ns), -PZ_EINVAL);
	assert_int_equal(pz_oom_reaper_due(pz, &ns), -PZ_ENOENT);
	assert_int_equal(pz_oom_victim_queue(pz, VICTIM, NULL), PZ_VICTIM_QUEUED);
	assert_int_equal(pz_oom_reaper_due(pz, &ns), 0);
	assert_int_equal(ns, PZ_OOM_REAPER_DELAY_NS);
	fake_ns += 500000000;
	assert_int_equal(pz_oom_reaper_run(pz), 0);
	assert_int_equal(pz_oom_reaper_due(pz, &ns), 0);
	assert_int_equal(ns, PZ_OOM_REAPER_DELAY_NS - 500000000);
	fake_ns += ns;
	assert_int_equal(pz_oom_reaper_due(pz, &ns), 0);
	assert_int_equal(ns, 0);
	assert_int_equal(pz_oom_reaper_run(pz), 1);
	assert_int_equal(reaped_at, 5000000000ull + PZ_OOM_REAPER_DELAY_NS);
	assert_int_equal(pz_oom_reaper_due(pz, &ns), -PZ_ENOENT);
	/* no clock: due at once */
	((struct pz *)pz)->plat.now_ns = NULL;
	assert_int_equal(pz_oom_victim_queue(pz, VICTIM + 1, NULL), PZ_VICTIM_QUEUED);
	assert_int_equal(pz_oom_reaper_due(pz, &ns), 0);
	assert_int_equal(ns, 0);
	assert_int_equal(pz_oom_reaper_run(pz), 1);
	done(pz, NULL);
}

static uintptr_t reap_order[8];
static unsigned nr_reap_order;

static long order_reap(void *ctx, pz_t *pz, uintptr_t victim, struct pz_task *task)
{
	if (nr_reap_order < 8)
		reap_order[nr_reap_order++] = victim;
	if (victim == 2)
		fake_ns += PZ_OOM_REAPER_DELAY_NS; /* victim 4 becomes due */
	return clock_reap(ctx, pz, victim, task);
}

/* The reaper takes the newest due victim first: the kernel's
 * oom_reaper_list is a stack (wake_oom_reaper pushes a victim when its
 * grace ends, oom_reaper pops the head). Victims 1-3 queued 1 ms apart are
 * reaped 3, 2, 1; victim 4, queued before the run and due while victim 2
 * is being reaped, is pushed on top of 1 and taken before it. */
static void test_reaper_stack_order(void **state)
{
	pz_t *pz = setup_clock(false);
	const uintptr_t want[] = {3, 2, 4, 1};

	(void)state;
	tp_on_wait = NULL;
	nr_reap_order = 0;
	assert_int_equal(pz_set_oom_reaper(pz, order_reap, NULL), 0);
	for (uintptr_t id = 1; id <= 3; id++) {
		assert_int_equal(pz_oom_victim_queue(pz, id, NULL), PZ_VICTIM_QUEUED);
		fake_ns += 1000000;
	}
	fake_ns += PZ_OOM_REAPER_DELAY_NS;
	assert_int_equal(pz_oom_victim_queue(pz, 4, NULL), PZ_VICTIM_QUEUED);
	assert_int_equal(pz_oom_reaper_run(pz), 4);
	assert_int_equal(nr_reap_order, 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(reap_order[i], want[i]);
	done(pz, NULL);
}

/* The table's boundary: 16 victims queued, the 17th is not (overflow);
 * one that exits makes room; once reaped they are skipped, and a new
 * victim then evicts the oldest skipped one from the table and the skip
 * list. */
static void test_victim_table_full(void **state)
{
	pz_t *pz = setup(PZ_PROFILE_LINUX_6_1);
	uintptr_t skip[PZ_OOM_MAX_VICTIMS];

	(void)state;
	for (uintptr_t id = 1; id <= PZ_OOM_MAX_VICTIMS; id++)
		assert_int_equal(pz_oom_victim_queue(pz, id, NULL), PZ_VICTIM_QUEUED);
	assert_int_equal(pz_oom_victim_queue(pz, 100, NULL), PZ_VICTIM_FREE);
	assert_int_equal(pz_oom_victim_queue(pz, 3, NULL), PZ_VICTIM_QUEUED); /* known */
	assert_int_equal(pz_oom_victim_exited(pz, 5), 0);
	assert_int_equal(pz_oom_victim_queue(pz, 100, NULL), PZ_VICTIM_QUEUED);
	assert_int_equal(pz_oom_reaper_run(pz), PZ_OOM_MAX_VICTIMS);
	assert_int_equal(R.calls, PZ_OOM_MAX_VICTIMS);
	assert_int_equal(pz_oom_skip_list(pz, skip), PZ_OOM_MAX_VICTIMS);
	assert_int_equal(skip[0], 1);
	assert_int_equal(pz_oom_victim_queue(pz, 200, NULL), PZ_VICTIM_QUEUED);
	assert_int_equal(pz_oom_victim_exited(pz, 1), -PZ_ENOENT); /* evicted */
	assert_int_equal(pz_oom_skip_list(pz, skip), PZ_OOM_MAX_VICTIMS - 1);
	assert_int_equal(skip[0], 2);
	assert_int_equal(pz_oom_reaper_run(pz), 1);
	done(pz, NULL);
}

/* ---- the reaper on a host thread ---------------------------------------- */

static pthread_t reaped_on;
static long host_reap(void *ctx, pz_t *pz, uintptr_t victim, struct pz_task *task)
{
	(void)ctx;
	(void)task;
	reaped_on = pthread_self();
	R.calls++;
	R.last_id = victim;
	tp_release(pz, 1024);
	return 1024;
}

/* With the host platform and its threads started, the pending victim is
 * reaped by node 0's kswapd thread after the wake_oom_reaper hook (unless
 * the OOM steps lost patience first, which is then counted), and the
 * request gets one of the reaped pages. */
static void test_reaper_host_thread(void **state)
{
	struct tu_machine tm;
	struct pz_config cfg;
	struct pz_task task;
	pz_t *pz = NULL;

	(void)state;
	memset(&H, 0, sizeof(H));
	memset(&R, 0, sizeof(R));
	tu_machine_simple(&tm, 4096, 8192, 2);
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &tm.m;
	cfg.profile = PZ_PROFILE_LINUX_6_1;
	cfg.platform = pz_host_platform();
	assert_int_equal(pz_host_create(&cfg, &pz), 0);
	H.pz = pz;
	tp_exhaust(pz);
	assert_int_equal(pz_host_kswapd_start(pz), 0);
	assert_int_equal(pz_set_oom_handler(pz, handler, NULL), 0);
	assert_int_equal(pz_set_oom_reaper(pz, host_reap, NULL), 0);
	H.claim = true;
	H.pending_id = VICTIM;
	pz_task_init(&task);
	pz_set_current_task(&task);
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL | NW, 0);
	pz_set_current_task(NULL);
	assert_non_null(p);
	/* joined first: the host thread counts its reap after the callback
	 * returns, and the callback's frees may already have served p */
	assert_int_equal(pz_host_kswapd_stop(pz), 0);
	assert_int_equal(H.calls, 1);
	assert_int_equal(R.calls, 1);
	assert_int_equal(R.last_id, VICTIM);
	assert_int_equal(stat(pz, PZ_OOM_REAPED), 1);
	print_message("reaped by %s after %llu waits for the victim\n",
		      pthread_equal(reaped_on, pthread_self()) ? "the OOM step" : "the host thread",
		      (unsigned long long)stat(pz, PZ_OOM_VICTIM_WAIT));
	assert_int_equal(pthread_equal(reaped_on, pthread_self()) != 0,
			 stat(pz, PZ_OOM_REAP_DIRECT) == 1);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	tp_release(pz, 0);
	assert_int_equal(pz_validate(pz), 0);
	pz_host_destroy(pz);
}

/* ---- a seeded run, replayed ---------------------------------------------- */

#define SIM_PROCS 8
#define SIM_PAGES 4096

/* Processes holding pages; the OOM handler kills the largest one not on
 * the skip list, freeing a part now and reporting the rest pending; the
 * reap callback frees what is left (or, as the seed says, fails or frees
 * nothing); dying processes also exit on their own now and then. */
static struct {
	pz_t *pz;
	uint64_t rng, hash;
	pz_page_t *pages[SIM_PROCS][SIM_PAGES];
	unsigned n[SIM_PROCS];
	bool dying[SIM_PROCS];
} S;

static unsigned sim_rand(unsigned bound)
{
	S.rng = S.rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)(S.rng >> 33) % bound;
}

static void sim_note(uint64_t v)
{
	S.hash = (S.hash ^ v) * 1099511628211ull;
}

/* Frees the last k pages of process i (all for k >= n). */
static void sim_free(unsigned i, unsigned k)
{
	while (k-- && S.n[i])
		assert_int_equal(pz_free_pages(S.pz, S.pages[i][--S.n[i]], 0), 0);
}

static bool sim_oom(void *ctx, pz_t *pz, const struct pz_oom_request *req)
{
	unsigned best = SIM_PROCS;

	(void)ctx;
	(void)pz;
	for (unsigned i = 0; i < SIM_PROCS; i++) {
		bool skip = S.dying[i];

		for (unsigned k = 0; k < req->nr_skip; k++)
			skip |= req->skip[k] == i + 1;
		if (!skip && S.n[i] && (best == SIM_PROCS || S.n[i] > S.n[best]))
			best = i;
	}
	sim_note(0x100 + best * 16 + req->nr_skip);
	if (best == SIM_PROCS)
		return false;
	S.dying[best] = true;
	sim_free(best, sim_rand(4) ? S.n[best] / 4 : S.n[best]);
	if (S.n[best])
		*req->pending = best + 1;
	return true;
}

static long sim_reap(void *ctx, pz_t *pz, uintptr_t victim, struct pz_task *task)
{
	unsigned i = (unsigned)victim - 1, how = sim_rand(8);

	(void)ctx;
	(void)pz;
	assert_true(i < SIM_PROCS && task == NULL);
	sim_note(0x200 + i * 16 + how);
	if (how == 0)
		return -1; /* cannot reap now */
	if (how == 1)
		return 0; /* reaps nothing */
	sim_free(i, S.n[i]);
	return 1;
}

/* One run: returns the event hash with the OOM counters folded in. */
static uint64_t sim_run(uint64_t seed, uint64_t *reaped)
{
	uint64_t st[PZ_OOM_NR_STATS];

	memset(&S, 0, sizeof(S));
	S.rng = seed;
	S.hash = 1469598103934665603ull;
	S.pz = tp_create(PZ_PROFILE_LINUX_6_1, 2);
	assert_non_null(S.pz);
	assert_int_equal(pz_set_oom_handler(S.pz, sim_oom, NULL), 0);
	assert_int_equal(pz_set_oom_reaper(S.pz, sim_reap, NULL), 0);
	for (unsigned step = 0; step < 6000; step++) {
		unsigned i = sim_rand(SIM_PROCS);

		if (S.dying[i] && sim_rand(16) == 0) { /* exits on its own */
			sim_free(i, S.n[i]);
			sim_note(0x300 + i * 16 + (pz_oom_victim_exited(S.pz, i + 1) == 0));
			S.dying[i] = false;
		} else if (!S.dying[i]) {
			for (unsigned k = sim_rand(32); k-- && S.n[i] < SIM_PAGES;) {
				pz_page_t *p = pz_alloc_pages(S.pz, PZ_GFP_KERNEL | NW, 0);

				sim_note(p ? 1 : 2);
				if (p)
					S.pages[i][S.n[i]++] = p;
			}
		}
	}
	assert_int_equal(pz_oom_stats(S.pz, st, PZ_OOM_NR_STATS), 0);
	for (unsigned k = 0; k < PZ_OOM_NR_STATS; k++)
		sim_note(st[k]);
	*reaped = st[PZ_OOM_REAPED] + st[PZ_OOM_REAP_FAILED];
	for (unsigned i = 0; i < SIM_PROCS; i++)
		sim_free(i, S.n[i]);
	assert_int_equal(pz_validate(S.pz), 0);
	tp_destroy(S.pz);
	return S.hash;
}

/* The same seed gives the same run - every handler choice, reap, exit and
 * allocation result and every OOM counter - because the reaper runs at
 * defined OOM steps, not on a thread; the runs do reach the reaper. */
static void test_reaper_replay(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 3; seed++) {
		uint64_t r1, r2, h1 = sim_run(seed, &r1), h2 = sim_run(seed, &r2);

		print_message("seed %llu: hash %016llx, %llu victims reaped\n",
			      (unsigned long long)seed, (unsigned long long)h1,
			      (unsigned long long)r1);
		assert_int_equal(h1, h2);
		assert_int_equal(r1, r2);
		assert_true(r1 > 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_frees_pages),
		cmocka_unit_test(test_nothing_to_kill),
		cmocka_unit_test(test_unbacked_claims),
		cmocka_unit_test(test_victim_reaches_reserves),
		cmocka_unit_test(test_exiting_task),
		cmocka_unit_test(test_exiting_in_interrupt),
		cmocka_unit_test(test_nested_allocation),
		cmocka_unit_test(test_exclusions),
		cmocka_unit_test(test_nofail_past_exclusions),
		cmocka_unit_test(test_last_chance),
		cmocka_unit_test(test_oom_lock_busy),
		cmocka_unit_test(test_nofail_delayed_free),
		cmocka_unit_test(test_pending_victim),
		cmocka_unit_test(test_victim_exits_first),
		cmocka_unit_test(test_reap_misbehaves),
		cmocka_unit_test(test_reaper_replay),
		cmocka_unit_test(test_reaper_clock),
		cmocka_unit_test(test_reaper_clock_deterministic),
		cmocka_unit_test(test_reaper_clock_stuck),
		cmocka_unit_test(test_reaper_clock_no_wait),
		cmocka_unit_test(test_reaper_due),
		cmocka_unit_test(test_reaper_stack_order),
		cmocka_unit_test(test_victim_table_full),
		cmocka_unit_test(test_reaper_host_thread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
