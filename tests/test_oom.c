/*
 * test_oom.c - the OOM step: the handler protocol (what it is told, what
 * a kill, a marked victim, a lie, nothing, or an allocation from inside
 * it does to the request), the OOM lock of each profile, the last-chance
 * HIGH attempt, the exclusions, the report, the counters, and
 * __GFP_NOFAIL looping until another thread frees memory. Every test runs
 * on a machine whose pages are all held (tests/util/pressure.h), in all three
 * profiles.
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
} H;

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
	if (H.free_per_call)
		tp_release(pz, H.free_per_call);
	return H.claim;
}

static pz_t *setup(enum pz_profile profile)
{
	pz_t *pz;

	memset(&H, 0, sizeof(H));
	pz = tp_setup(profile, 2, handler, NULL);
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
 * victim's own request never fires): choosing itself again frees nothing,
 * and after PZ_OOM_MAX_UNBACKED of those (the reaper's MMF_OOM_SKIP) the
 * handler decides; the request fails instead of retrying forever. */
static void test_exiting_in_interrupt(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NPROF; i++) {
		struct pz_task task;
		pz_t *pz = setup(profiles[i]);

		pz_task_init(&task);
		task.flags = PZ_TASK_EXITING | PZ_TASK_IN_INTERRUPT;
		looping_task = &task;
		atomic_store(&looped_waits, 0);
		tp_on_wait = break_loop;
		pz_set_current_task(&task);
		assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | NW, 0));
		pz_set_current_task(NULL);
		tp_on_wait = NULL;
		assert_true(atomic_load(&looped_waits) <= PZ_OOM_MAX_UNBACKED + 2);
		assert_true(task.flags & PZ_TASK_EXITING);
		assert_true(task.flags & PZ_TASK_OOM_VICTIM);
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
