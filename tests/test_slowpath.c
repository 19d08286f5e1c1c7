/*
 * test_slowpath.c - the slow path's steps and retry rules, per profile.
 *
 * White-box: the slow path's probe (src/core/types.h) records every
 * step (kswapd wake, compaction with its mode or priority, reclaim, the
 * drain after reclaim, the HIGHATOMIC unreserve, the OOM step, each
 * decision) and scripts what the reclaim and compaction seams report. On
 * a machine whose every page is held (tests/util/pressure.h), each row of
 * the retry table runs one request and checks which steps ran how often
 * and whether it got a page. A request that loops is recognised by the
 * probe releasing the held pages at its 30th reclaim: it then succeeds
 * with exactly 30 reclaims. The OOM handler of these tests finds nothing
 * to kill (test_oom.c covers handlers that do).
 */
#include "pressure.h"
#include "../src/core/internal.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>

#define LOOP_AT 30 /* the reclaim at which a looping request gets memory */

struct rec {
	unsigned n[PZ_STEP_DECIDE + 1];
	unsigned modes[64], prios[64], ncompact;
	unsigned release_at;   /* reclaim number that frees the held pages (0: never) */
	long reclaim_progress; /* what every other reclaim reports */
	long compact_result;   /* what compaction reports (-1: leave it) */
	unsigned oom_calls;
	pz_t *pz;
};
static struct rec R;

static void probe_fn(void *ctx, struct pz_slow_event *ev)
{
	(void)ctx;
	R.n[ev->step]++;
	if (ev->step == PZ_STEP_COMPACT) {
		if (R.ncompact < 64) {
			R.modes[R.ncompact] = ev->mode;
			R.prios[R.ncompact] = ev->prio;
		}
		R.ncompact++;
		if (R.compact_result >= 0)
			ev->result = R.compact_result;
	}
	if (ev->step == PZ_STEP_RECLAIM) {
		ev->result = R.reclaim_progress;
		if (R.release_at && R.n[PZ_STEP_RECLAIM] == R.release_at)
			ev->result = (long)tp_release(R.pz, 0);
	}
}

static bool no_victim(void *ctx, pz_t *pz, const struct pz_oom_request *req)
{
	(void)ctx;
	(void)pz;
	(void)req;
	R.oom_calls++;
	return false;
}

static pz_t *setup(enum pz_profile profile)
{
	pz_t *pz;

	memset(&R, 0, sizeof(R));
	R.compact_result = -1;
	pz = tp_setup(profile, 1, no_victim, NULL);
	R.pz = pz;
	((struct pz *)pz)->slow_probe.fn = probe_fn;
	return pz;
}

static void teardown(pz_t *pz, pz_page_t *p, unsigned order)
{
	if (p)
		assert_int_equal(pz_free_pages(pz, p, order), 0);
	((struct pz *)pz)->slow_probe.fn = NULL;
	tp_destroy(pz);
}

/* One row: a request, the steps it must take, and whether it gets a page. */
struct row {
	const char *name;
	pz_gfp_t gfp;
	unsigned order;
	unsigned task_flags;
	unsigned reclaims, compactions, oom_calls;
	bool page;
};

#define K  PZ_GFP_KERNEL
#define NW PZ__GFP_NOWARN

static void run_row(enum pz_profile profile, const struct row *r)
{
	struct pz_task task;
	pz_t *pz = setup(profile);
	pz_page_t *p;

	pz_task_init(&task);
	task.flags = r->task_flags;
	pz_set_current_task(&task);
	R.release_at = LOOP_AT;
	p = pz_alloc_pages(pz, r->gfp | NW, r->order);
	pz_set_current_task(NULL);
	print_message("%-8s %-34s reclaim %2u compact %2u oom %2u %s\n", pz_profile_name(profile),
		      r->name, R.n[PZ_STEP_RECLAIM], R.ncompact, R.oom_calls, p ? "page" : "NULL");
	assert_int_equal(p != NULL, r->page);
	assert_int_equal(R.n[PZ_STEP_RECLAIM], r->reclaims);
	assert_int_equal(R.ncompact, r->compactions);
	assert_int_equal(R.oom_calls, r->oom_calls);
	teardown(pz, p, r->order);
}

/* One request with the probe scripted by the caller (R set after setup). */
static pz_page_t *request(pz_t *pz, pz_gfp_t gfp, unsigned order)
{
	return pz_alloc_pages(pz, gfp | NW, order);
}

/* 4.1: small orders loop (through the OOM step unless NORETRY, a victim
 * or PF_MEMALLOC stops them); the handler finding nothing fails them;
 * costly orders fail after one reclaim and two compactions; NOFS and NOIO
 * loop without calling the handler. */
static const struct row rows_41[] = {
	{"GFP_KERNEL order 0", K, 0, 0, 1, 0, 1, false},
	{"GFP_NOFS order 0", PZ_GFP_NOFS, 0, 0, LOOP_AT, 0, 0, true},
	{"GFP_NOIO order 0", PZ_GFP_NOIO, 0, 0, LOOP_AT, 0, 0, true},
	{"GFP_KERNEL|NORETRY order 0", K | PZ__GFP_NORETRY, 0, 0, 1, 0, 0, false},
	{"GFP_KERNEL|NOFAIL order 0", K | PZ__GFP_NOFAIL, 0, 0, LOOP_AT, 0, LOOP_AT - 1, true},
	{"GFP_KERNEL order 3", K, 3, 0, 1, 1, 1, false},
	{"GFP_NOFS order 3", PZ_GFP_NOFS, 3, 0, LOOP_AT, LOOP_AT, 0, true},
	{"GFP_KERNEL order 4", K, 4, 0, 1, 2, 0, false},
	{"GFP_KERNEL|REPEAT order 4", K | PZ__GFP_REPEAT, 4, 0, 1, 1, 0, false},
	{"GFP_NOFS order 9", PZ_GFP_NOFS, 9, 0, 1, 2, 0, false},
	{"GFP_ATOMIC order 0", PZ_GFP_ATOMIC, 0, 0, 0, 0, 0, false},
	{"GFP_NOWAIT order 0", PZ_GFP_NOWAIT, 0, 0, 0, 0, 0, false},
	{"GFP_KERNEL, OOM victim", K, 0, PZ_TASK_OOM_VICTIM, 0, 0, 0, false},
	{"GFP_KERNEL, PF_MEMALLOC", K, 0, PZ_TASK_MEMALLOC, 0, 0, 0, false},
	{"GFP_KERNEL|DMA (lowmem: no OOM)", K | PZ_GFP_DMA, 0, 0, 1, 0, 0, false},
	{"GFP_KERNEL|THISNODE", K | PZ__GFP_THISNODE, 0, 0, 1, 0, 0, false},
	{"GFP_TRANSHUGE order 9", PZ_GFP_TRANSHUGE, 9, 0, 1, 2, 0, false},
	{"GFP_KERNEL order 0, PF_DUMPCORE", K, 0, PZ_TASK_DUMPCORE, 1, 0, 0, false},
};

/* modern (6.1): the same gfp masks; costly and unmovable high orders
 * compact before reclaiming; a victim reclaims and calls the OOM step
 * before it gives up; RETRY_MAYFAIL and THISNODE skip the handler. */
static const struct row rows_61[] = {
	{"GFP_KERNEL order 0", K, 0, 0, 1, 0, 1, false},
	{"GFP_NOFS order 0", PZ_GFP_NOFS, 0, 0, LOOP_AT, 0, 0, true},
	{"GFP_NOIO order 0", PZ_GFP_NOIO, 0, 0, LOOP_AT, 0, 0, true},
	{"GFP_KERNEL|NORETRY order 0", K | PZ__GFP_NORETRY, 0, 0, 1, 0, 0, false},
	{"GFP_KERNEL|RETRY_MAYFAIL order 0", K | PZ_GFP_RETRY_MAYFAIL, 0, 0, 1, 0, 0, false},
	{"GFP_KERNEL|NOFAIL order 0", K | PZ__GFP_NOFAIL, 0, 0, LOOP_AT, 0, LOOP_AT - 1, true},
	{"GFP_KERNEL order 3", K, 3, 0, 1, 2, 1, false},
	{"GFP_HIGHUSER_MOVABLE order 3", PZ_GFP_HIGHUSER_MOVABLE, 3, 0, 1, 1, 1, false},
	{"GFP_NOIO order 3", PZ_GFP_NOIO, 3, 0, LOOP_AT, LOOP_AT - 1, 0, true},
	{"GFP_KERNEL order 4", K, 4, 0, 1, 2, 0, false},
	{"GFP_KERNEL|RETRY_MAYFAIL order 4", K | PZ_GFP_RETRY_MAYFAIL, 4, 0, 1, 2, 0, false},
	{"GFP_ATOMIC order 0", PZ_GFP_ATOMIC, 0, 0, 0, 0, 0, false},
	{"GFP_NOWAIT order 0", PZ_GFP_NOWAIT, 0, 0, 0, 0, 0, false},
	{"GFP_KERNEL, OOM victim", K, 0, PZ_TASK_OOM_VICTIM, 1, 0, 1, false},
	{"GFP_KERNEL, PF_MEMALLOC", K, 0, PZ_TASK_MEMALLOC, 0, 0, 0, false},
	{"GFP_KERNEL|DMA (lowmem: no OOM)", K | PZ_GFP_DMA, 0, 0, 1, 0, 0, false},
	{"GFP_KERNEL|THISNODE", K | PZ__GFP_THISNODE, 0, 0, 1, 0, 0, false},
	{"THP: costly NORETRY, compaction skipped", PZ_GFP_TRANSHUGE, 9, 0, 0, 1, 0, false},
	{"GFP_KERNEL order 0, PF_DUMPCORE", K, 0, PZ_TASK_DUMPCORE, 1, 0, 0, false},
};

/* linux-4.4: 4.1's steps; no should_alloc_retry: reclaim without progress
 * goes to the OOM step at every order (costly orders are excluded there),
 * a failed OOM step and __GFP_NORETRY end in the last compaction, and
 * __GFP_REPEAT loops while fewer than 2^order pages came back, progress
 * or not (4.7 ended that). */
static const struct row rows_44[] = {
	{"GFP_KERNEL order 0", K, 0, 0, 1, 0, 1, false},
	{"GFP_NOFS order 0", PZ_GFP_NOFS, 0, 0, LOOP_AT, 0, 0, true},
	{"GFP_NOIO order 0", PZ_GFP_NOIO, 0, 0, LOOP_AT, 0, 0, true},
	{"GFP_KERNEL|NORETRY order 0", K | PZ__GFP_NORETRY, 0, 0, 1, 0, 0, false},
	{"GFP_KERNEL|NOFAIL order 0", K | PZ__GFP_NOFAIL, 0, 0, LOOP_AT, 0, LOOP_AT - 1, true},
	{"GFP_KERNEL order 3", K, 3, 0, 1, 2, 1, false},
	{"GFP_KERNEL|NORETRY order 3", K | PZ__GFP_NORETRY, 3, 0, 1, 2, 0, false},
	{"GFP_NOFS order 3", PZ_GFP_NOFS, 3, 0, LOOP_AT, LOOP_AT, 0, true},
	{"GFP_KERNEL order 4", K, 4, 0, 1, 2, 0, false},
	{"GFP_KERNEL|REPEAT order 4", K | PZ__GFP_REPEAT, 4, 0, LOOP_AT, LOOP_AT, 0, true},
	{"GFP_KERNEL|NOFAIL order 4", K | PZ__GFP_NOFAIL, 4, 0, LOOP_AT, LOOP_AT, LOOP_AT - 1,
	 true},
	{"GFP_NOFS order 9", PZ_GFP_NOFS, 9, 0, 1, 2, 0, false},
	{"GFP_ATOMIC order 0", PZ_GFP_ATOMIC, 0, 0, 0, 0, 0, false},
	{"GFP_NOWAIT order 0", PZ_GFP_NOWAIT, 0, 0, 0, 0, 0, false},
	{"GFP_KERNEL, OOM victim", K, 0, PZ_TASK_OOM_VICTIM, 0, 0, 0, false},
	{"GFP_KERNEL, PF_MEMALLOC", K, 0, PZ_TASK_MEMALLOC, 0, 0, 0, false},
	{"GFP_KERNEL|DMA (lowmem: no OOM)", K | PZ_GFP_DMA, 0, 0, 1, 0, 0, false},
	{"GFP_KERNEL|THISNODE", K | PZ__GFP_THISNODE, 0, 0, 1, 0, 0, false},
	{"GFP_TRANSHUGE order 9", PZ_GFP_TRANSHUGE, 9, 0, 1, 2, 0, false},
	{"GFP_KERNEL order 0, PF_DUMPCORE", K, 0, PZ_TASK_DUMPCORE, 1, 0, 0, false},
};

/* Every row of a profile's retry table. */
#define RUN_TABLE(prof, rows)                                                                      \
	for (size_t i = 0; i < sizeof(rows) / sizeof((rows)[0]); i++)                              \
	run_row(prof, &(rows)[i])

static void test_retry_table_41(void **state)
{
	(void)state;
	RUN_TABLE(PZ_PROFILE_LINUX_4_1, rows_41);
}

static void test_retry_table_44(void **state)
{
	(void)state;
	RUN_TABLE(PZ_PROFILE_LINUX_4_4, rows_44);
}

/* 4.4's waits and drains: reclaim progress at order <= 3 waits
 * (wait_iff_congested) and retries; an OOM step's progress (NOFS's fake
 * one) retries - after a tick when reclaim made none (for 4.4's reclaim
 * throttling, as modern's); the drain after reclaim unreserves a
 * HIGHATOMIC block first; the no-watermark attempt keeps the request's
 * zonelist. */
static void test_waits_and_drain_44(void **state)
{
	(void)state;
	pz_t *pz = setup(PZ_PROFILE_LINUX_4_4);
	R.release_at = LOOP_AT;
	pz_page_t *p = request(pz, PZ_GFP_NOFS, 0);
	assert_non_null(p);
	assert_int_equal(R.n[PZ_STEP_OOM], LOOP_AT - 1);
	assert_int_equal(tp_waits[PZ_WAIT_CONGESTION], LOOP_AT - 1);
	teardown(pz, p, 0);

	pz = setup(PZ_PROFILE_LINUX_4_4);
	R.reclaim_progress = 1;
	R.release_at = LOOP_AT;
	p = request(pz, K, 2);
	assert_non_null(p);
	assert_int_equal(R.n[PZ_STEP_OOM], 0);
	assert_int_equal(tp_waits[PZ_WAIT_CONGESTION], LOOP_AT - 1);
	assert_int_equal(R.n[PZ_STEP_UNRESERVE], LOOP_AT - 1);
	assert_int_equal(R.n[PZ_STEP_DRAIN], LOOP_AT - 1);
	teardown(pz, p, 2);

	/* with progress a costly order still goes to the OOM step (excluded
	 * there), then the last compaction */
	pz = setup(PZ_PROFILE_LINUX_4_4);
	R.reclaim_progress = 1;
	assert_null(request(pz, K, 4));
	assert_int_equal(R.n[PZ_STEP_RECLAIM], 1);
	assert_int_equal(R.n[PZ_STEP_OOM], 1);
	assert_int_equal(R.ncompact, 2);
	assert_int_equal(R.modes[1], PZ_MIGRATE_SYNC_LIGHT);
	teardown(pz, NULL, 0);
}

static void test_retry_table_modern(void **state)
{
	(void)state;
	RUN_TABLE(PZ_PROFILE_MODERN, rows_61);
}

/* kswapd is woken at every retry (4.1) and at the start and every retry
 * (6.1), never for a mask without __GFP_KSWAPD_RECLAIM. */
static void test_kswapd_wakes(void **state)
{
	(void)state;
	pz_t *pz = setup(PZ_PROFILE_LINUX_4_1);
	R.release_at = LOOP_AT;
	pz_page_t *p = request(pz, PZ_GFP_NOFS, 0);
	assert_non_null(p);
	assert_int_equal(R.n[PZ_STEP_WAKE_KSWAPDS], LOOP_AT);
	teardown(pz, p, 0);

	pz = setup(PZ_PROFILE_MODERN);
	R.release_at = LOOP_AT;
	p = request(pz, PZ_GFP_NOFS, 0);
	assert_non_null(p);
	assert_int_equal(R.n[PZ_STEP_WAKE_KSWAPDS], 1 + LOOP_AT);
	teardown(pz, p, 0);

	pz = setup(PZ_PROFILE_LINUX_4_1);
	assert_null(request(pz, PZ_GFP_TRANSHUGE, 9));
	assert_int_equal(R.n[PZ_STEP_WAKE_KSWAPDS], 0);
	assert_int_equal(R.n[PZ_STEP_RECLAIM], 1);
	teardown(pz, NULL, 0);
}

/* 4.1: async compaction first, sync-light after reclaim, THP stays async;
 * a THP request whose compaction was deferred fails before reclaim. */
static void test_compaction_modes_41(void **state)
{
	(void)state;
	pz_t *pz = setup(PZ_PROFILE_LINUX_4_1);
	assert_null(request(pz, K, 4));
	assert_int_equal(R.ncompact, 2);
	assert_int_equal(R.modes[0], PZ_MIGRATE_ASYNC);
	assert_int_equal(R.modes[1], PZ_MIGRATE_SYNC_LIGHT);
	teardown(pz, NULL, 0);

	pz = setup(PZ_PROFILE_LINUX_4_1);
	assert_null(request(pz, PZ_GFP_TRANSHUGE, 9));
	assert_int_equal(R.ncompact, 2);
	assert_int_equal(R.modes[0], PZ_MIGRATE_ASYNC);
	assert_int_equal(R.modes[1], PZ_MIGRATE_ASYNC);
	teardown(pz, NULL, 0);

	pz = setup(PZ_PROFILE_LINUX_4_1);
	R.compact_result = PZ_COMPACT_DEFERRED;
	assert_null(request(pz, PZ_GFP_TRANSHUGE, 9));
	assert_int_equal(R.ncompact, 1);
	assert_int_equal(R.n[PZ_STEP_RECLAIM], 0);
	teardown(pz, NULL, 0);

	/* a compaction that ran (not skipped) counts a stall and a failure */
	pz = setup(PZ_PROFILE_LINUX_4_1);
	uint64_t ev[PZ_NR_VM_EVENTS];
	R.compact_result = PZ_COMPACT_COMPLETE;
	assert_null(request(pz, K, 4));
	assert_int_equal(pz_vm_events(pz, ev, PZ_NR_VM_EVENTS), 0);
	assert_int_equal(ev[PZ_VM_COMPACT_STALL], 2);
	assert_int_equal(ev[PZ_VM_COMPACT_FAIL], 2);
	assert_int_equal(ev[PZ_VM_COMPACT_SUCCESS], 0);
	teardown(pz, NULL, 0);
}

/* 4.1's __GFP_REPEAT: a costly order retries until reclaim brought back
 * 2^order pages in all, then compacts once more and fails; every retry
 * waits (wait_iff_congested); each reclaim with progress drains. */
static void test_repeat_41(void **state)
{
	(void)state;
	pz_t *pz = setup(PZ_PROFILE_LINUX_4_1);
	R.reclaim_progress = 1;
	assert_null(request(pz, K | PZ__GFP_REPEAT, 4));
	assert_int_equal(R.n[PZ_STEP_RECLAIM], 16);
	assert_int_equal(R.ncompact, 17);
	assert_int_equal(R.n[PZ_STEP_DRAIN], 16);
	assert_int_equal(tp_waits[PZ_WAIT_CONGESTION], 15);
	assert_int_equal(R.oom_calls, 0);
	teardown(pz, NULL, 0);

	/* no progress: no drain, and the OOM step excludes the costly order */
	pz = setup(PZ_PROFILE_LINUX_4_1);
	assert_null(request(pz, K | PZ__GFP_REPEAT, 4));
	assert_int_equal(R.n[PZ_STEP_DRAIN], 0);
	assert_int_equal(R.n[PZ_STEP_OOM], 1);
	teardown(pz, NULL, 0);
}

/* 6.1's should_compact_retry: a failed compaction raises the priority
 * (async, sync-light, sync-full) before the OOM step; progress retries
 * up to MAX_COMPACT_RETRIES per priority (a quarter for costly orders,
 * which stop at sync-light). */
static void test_compact_priorities_modern(void **state)
{
	(void)state;
	pz_t *pz = setup(PZ_PROFILE_MODERN);
	R.reclaim_progress = 1;
	R.compact_result = PZ_COMPACT_COMPLETE;
	assert_null(request(pz, K, 2));
	assert_int_equal(R.ncompact, 3);
	assert_int_equal(R.prios[0], PZ_COMPACT_PRIO_ASYNC);
	assert_int_equal(R.prios[1], PZ_COMPACT_PRIO_SYNC_LIGHT);
	assert_int_equal(R.prios[2], PZ_COMPACT_PRIO_SYNC_FULL);
	assert_int_equal(R.oom_calls, 1);
	teardown(pz, NULL, 0);

	pz = setup(PZ_PROFILE_MODERN);
	R.reclaim_progress = 1;
	R.compact_result = PZ_COMPACT_SUCCESS;
	assert_null(request(pz, K, 2));
	assert_int_equal(R.n[PZ_STEP_RECLAIM], 34);
	assert_int_equal(R.ncompact, 35);
	assert_int_equal(R.prios[17], PZ_COMPACT_PRIO_SYNC_LIGHT);
	assert_int_equal(R.prios[18], PZ_COMPACT_PRIO_SYNC_FULL);
	teardown(pz, NULL, 0);

	pz = setup(PZ_PROFILE_MODERN);
	R.reclaim_progress = 1;
	R.compact_result = PZ_COMPACT_SUCCESS;
	assert_null(request(pz, K | PZ_GFP_RETRY_MAYFAIL, 4));
	assert_int_equal(R.n[PZ_STEP_RECLAIM], 5);
	assert_int_equal(R.ncompact, 6);
	assert_int_equal(R.oom_calls, 0);
	teardown(pz, NULL, 0);
}

/* Reclaim with progress drains every CPU's lists (6.1 also tries the
 * HIGHATOMIC unreserve first) before its second attempt. */
static void test_drain_after_reclaim_modern(void **state)
{
	(void)state;
	pz_t *pz = setup(PZ_PROFILE_MODERN);
	R.reclaim_progress = 1;
	assert_null(request(pz, K | PZ__GFP_NORETRY, 0));
	assert_int_equal(R.n[PZ_STEP_RECLAIM], 1);
	assert_int_equal(R.n[PZ_STEP_DRAIN], 1);
	assert_int_equal(R.n[PZ_STEP_UNRESERVE], 1);
	teardown(pz, NULL, 0);
}

static unsigned release_after_waits;
static void release_on_wait(enum pz_wait_reason why)
{
	(void)why;
	if (atomic_load(&tp_waits[PZ_WAIT_NOFAIL]) == release_after_waits)
		tp_release(R.pz, 0);
}

/* 4.1: an OOM victim's __GFP_NOFAIL request loops in the no-watermark
 * attempt (__alloc_pages_high_priority), waiting, never reclaiming. */
static void test_nofail_high_priority_41(void **state)
{
	(void)state;
	struct pz_task task;
	pz_t *pz = setup(PZ_PROFILE_LINUX_4_1);

	pz_task_init(&task);
	task.flags = PZ_TASK_OOM_VICTIM;
	pz_set_current_task(&task);
	release_after_waits = 5;
	tp_on_wait = release_on_wait;
	pz_page_t *p = request(pz, K | PZ__GFP_NOFAIL, 0);
	tp_on_wait = NULL;
	pz_set_current_task(NULL);
	assert_non_null(p);
	assert_true(pz_page_is_pfmemalloc(pz, p));
	assert_int_equal(tp_waits[PZ_WAIT_NOFAIL], 5);
	assert_int_equal(R.n[PZ_STEP_RECLAIM], 0);
	teardown(pz, p, 0);
}

/* ---- reclaim progress through a shrinker ------------------------------------ */

static unsigned long held_count(struct pz_shrinker *s, struct pz_shrink_control *sc)
{
	(void)s;
	(void)sc;
	return tp_held();
}

static unsigned long held_scan(struct pz_shrinker *s, struct pz_shrink_control *sc)
{
	return tp_release((pz_t *)s->ctx, sc->nr_to_scan);
}

/* With a shrinker that gives pages back, reclaim makes progress and the
 * request gets its page without ever reaching the OOM step. */
static void test_shrinker_progress(void **state)
{
	(void)state;
	for (int i = 0; i < PZ_NR_PROFILES; i++) {
		enum pz_profile prof = (enum pz_profile)i;
		struct pz_shrinker sh;
		uint64_t ev[PZ_NR_VM_EVENTS];
		pz_t *pz = setup(prof);

		((struct pz *)pz)->slow_probe.fn = NULL; /* nothing scripted */
		pz_shrinker_init(&sh);
		sh.count_objects = held_count;
		sh.scan_objects = held_scan;
		sh.ctx = pz;
		assert_int_equal(pz_register_shrinker(pz, &sh), 0);
		pz_page_t *p = request(pz, K, 0);
		assert_non_null(p);
		assert_int_equal(R.oom_calls, 0);
		assert_int_equal(pz_vm_events(pz, ev, PZ_NR_VM_EVENTS), 0);
		/* each reclaim brings back about 32 pages: it takes a few rounds
		 * to lift a zone above MIN */
		print_message("%s: %llu reclaims, %llu pages back\n", pz_profile_name(prof),
			      (unsigned long long)ev[PZ_VM_ALLOCSTALL],
			      (unsigned long long)ev[PZ_VM_PGSTEAL_DIRECT]);
		assert_true(ev[PZ_VM_ALLOCSTALL] >= 1);
		assert_true(ev[PZ_VM_PGSTEAL_DIRECT] >= 32 * ev[PZ_VM_ALLOCSTALL]);
		assert_int_equal(ev[PZ_VM_OOM_KILL], 0);
		assert_int_equal(pz_unregister_shrinker(pz, &sh), 0);
		teardown(pz, p, 0);
	}
}

/* ---- the cpuset race ------------------------------------------------------ */

/*
 * Two nodes; the task may use node 0 only, and node 0 is full. While its
 * GFP_KERNEL request is in the slow path, another thread moves the task's
 * cpuset to node 1. The request must notice (the cpuset seqcount) and get
 * a page of node 1 instead of failing. "when" picks the moment: during
 * the OOM handler (both profiles retry after the failed OOM step: 4.1 in
 * __alloc_pages_nodemask's retry_cpuset, 6.1 at "nopage") or during
 * reclaim (6.1 restarts before the OOM step; 4.1 only after it).
 */
static struct {
	pz_t *pz;
	struct pz_task task;
	atomic_int asked, done;
	enum pz_slow_step when;
	unsigned oom_calls;
} race;

static void *mover(void *arg)
{
	(void)arg;
	while (!atomic_load(&race.asked))
		sched_yield();
	assert_int_equal(pz_task_set_mems_allowed(race.pz, &race.task, 0x2, 0x2), 0);
	atomic_store(&race.done, 1);
	return NULL;
}

static void ask_and_wait(void)
{
	if (atomic_exchange(&race.asked, 1))
		return;
	while (!atomic_load(&race.done))
		sched_yield();
}

static void race_probe(void *ctx, struct pz_slow_event *ev)
{
	(void)ctx;
	if (ev->step == race.when)
		ask_and_wait();
}

static bool race_oom(void *ctx, pz_t *pz, const struct pz_oom_request *req)
{
	(void)ctx;
	(void)pz;
	assert_int_equal(req->nodemask, 0x1);
	assert_int_equal(req->constraint, PZ_OOM_CONSTRAINT_CPUSET);
	race.oom_calls++;
	if (race.when == PZ_STEP_OOM)
		ask_and_wait();
	return false;
}

static void run_race(enum pz_profile profile, enum pz_slow_step when, unsigned oom_calls,
		     unsigned oom_steps)
{
	uint64_t st[PZ_OOM_NR_STATS];
	static struct tu_machine tm;
	const pz_gfp_t take = PZ_GFP_ATOMIC | PZ__GFP_MEMALLOC | NW;
	const pz_nodemask_t node0 = 0x1;
	pz_page_t **held = calloc(16384, sizeof(*held)), *p;
	size_t n = 0;
	pthread_t th;

	tu_machine_init(&tm, 2, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 4096 + 4096);
	tu_add_zone(&tm, 1, PZ_ZONE_NORMAL, 8192, 8192 + 4096);
	memset(&race, 0, sizeof(race));
	race.pz = tu_create_machine(&tm.m, profile);
	assert_non_null(race.pz);
	for (int pass = 0; pass < 2; pass++) {
		while ((p = pz_alloc_pages_nodemask(race.pz, take, 0, 0, &node0)))
			held[n++] = p;
		pz_drain_all_pages(race.pz);
	}
	pz_task_init(&race.task);
	assert_int_equal(pz_task_set_mems_allowed(race.pz, &race.task, 0x1, 0x1), 0);
	race.when = when;
	((struct pz *)race.pz)->slow_probe.fn = race_probe;
	assert_int_equal(pz_set_oom_handler(race.pz, race_oom, NULL), 0);
	assert_int_equal(pthread_create(&th, NULL, mover, NULL), 0);
	pz_set_current_task(&race.task);
	p = pz_alloc_pages_node(race.pz, 0, PZ_GFP_KERNEL | NW, 0);
	pz_set_current_task(NULL);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_non_null(p);
	assert_int_equal(pz_page_to_nid(race.pz, p), 1);
	assert_int_equal(race.oom_calls, oom_calls);
	assert_int_equal(pz_oom_stats(race.pz, st, PZ_OOM_NR_STATS), 0);
	assert_int_equal(st[PZ_OOM_STEPS], oom_steps);
	assert_int_equal(pz_free_pages(race.pz, p, 0), 0);
	while (n)
		assert_int_equal(pz_free_pages(race.pz, held[--n], 0), 0);
	assert_int_equal(pz_validate(race.pz), 0);
	tu_destroy(race.pz);
	free(held);
}

static void test_cpuset_race(void **state)
{
	(void)state;
	run_race(PZ_PROFILE_LINUX_4_1, PZ_STEP_OOM, 1, 1);
	run_race(PZ_PROFILE_MODERN, PZ_STEP_OOM, 1, 1);
	/* during reclaim: 6.1 restarts before the OOM step; 4.1 goes on to
	 * it, whose HIGH attempt already sees the new cpuset */
	run_race(PZ_PROFILE_MODERN, PZ_STEP_RECLAIM, 0, 0);
	run_race(PZ_PROFILE_LINUX_4_1, PZ_STEP_RECLAIM, 0, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retry_table_41),
		cmocka_unit_test(test_retry_table_44),
		cmocka_unit_test(test_waits_and_drain_44),
		cmocka_unit_test(test_retry_table_modern),
		cmocka_unit_test(test_kswapd_wakes),
		cmocka_unit_test(test_compaction_modes_41),
		cmocka_unit_test(test_repeat_41),
		cmocka_unit_test(test_compact_priorities_modern),
		cmocka_unit_test(test_drain_after_reclaim_modern),
		cmocka_unit_test(test_nofail_high_priority_41),
		cmocka_unit_test(test_cpuset_race),
		cmocka_unit_test(test_shrinker_progress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
