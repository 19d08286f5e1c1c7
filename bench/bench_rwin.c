/*
 * bench_rwin.c - frees while a reclaim window is open (pagezone only).
 *
 * While direct reclaim or kswapd runs shrinkers it keeps a reclaim window
 * open for its task, and every free of the instance takes the general
 * path that credits pages to the freeing task's window. This measures
 * what that costs the threads that are NOT reclaiming: order-0 pairs on
 * 1 and 2 threads (the default task), first with no window open (the
 * primary row, the baseline), then while another thread, with a task of
 * its own, sits inside a shrinker's scan callback of pz_direct_reclaim
 * (its window open the whole time). Both in the same run, on the same
 * instance; the ratio column of the second row is baseline / this.
 */
#define _GNU_SOURCE
#include "bench.h"

#include <pagezone.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

static const char *const rwin_profiles[] = {"linux-4.1", "modern"};

struct rwin {
	pz_t *pz;
	struct pz_shrinker s;
	atomic_int inside; /* the scan callback runs: the window is open */
	atomic_int release;
	pthread_t holder;
};

struct rwin_pair {
	pz_t *pz;
};

static void rwin_pair_loop(void *arg, long iters)
{
	struct rwin_pair *c = arg;

	for (long i = 0; i < iters; i++)
		pz_free_pages(c->pz, pz_alloc_pages(c->pz, PZ_GFP_KERNEL, 0), 0);
}

static unsigned long rwin_count(struct pz_shrinker *s, struct pz_shrink_control *sc)
{
	(void)s, (void)sc;
	return 1;
}

/* Holds the window open: sleeps (no CPU taken) until released. */
static unsigned long rwin_scan(struct pz_shrinker *s, struct pz_shrink_control *sc)
{
	struct rwin *w = s->ctx;
	struct timespec ts = {0, 1000000};

	(void)sc;
	atomic_store(&w->inside, 1);
	while (!atomic_load(&w->release))
		nanosleep(&ts, NULL);
	return PZ_SHRINK_STOP;
}

static void *rwin_holder(void *arg)
{
	struct rwin *w = arg;
	struct pz_task task;
	uint64_t progress;

	pz_task_init(&task);
	pz_set_current_task(&task);
	pz_host_set_cpu(0);
	pz_direct_reclaim(w->pz, 0, PZ_GFP_KERNEL, 0, &progress);
	pz_set_current_task(NULL);
	return NULL;
}

/* Opens the window on another thread; 0 once it is open, -1 if not. */
static int rwin_open(struct rwin *w)
{
	struct timespec ts = {0, 1000000};

	pz_shrinker_init(&w->s);
	w->s.count_objects = rwin_count;
	w->s.scan_objects = rwin_scan;
	w->s.ctx = w;
	atomic_store(&w->inside, 0);
	atomic_store(&w->release, 0);
	if (pz_register_shrinker(w->pz, &w->s))
		return -1;
	if (pthread_create(&w->holder, NULL, rwin_holder, w)) {
		pz_unregister_shrinker(w->pz, &w->s);
		return -1;
	}
	while (!atomic_load(&w->inside))
		nanosleep(&ts, NULL);
	return 0;
}

static void rwin_close(struct rwin *w)
{
	atomic_store(&w->release, 1);
	pthread_join(w->holder, NULL);
	pz_unregister_shrinker(w->pz, &w->s);
}

static void rwin_row(int profile, int threads, int primary, const struct bench_result *r)
{
	struct bench_row row = {
		.allocator = "pagezone",
		.profile = rwin_profiles[profile],
		.operation = "pair_rwin",
		.order = "0",
		.threads = threads,
		.variant = primary ? "GFP_KERNEL, no reclaim window open (baseline)"
				   : "GFP_KERNEL, another thread's reclaim window open",
		.primary = primary,
		.table_only = !primary,
		.r = *r};

	bench_add_row(&row);
}

/* One thread count: the baseline, then with the window held open. */
static void rwin_threads(const struct bench_opts *o, int profile, struct rwin *w, int threads)
{
	struct rwin_pair c = {w->pz};
	struct bench_result base, open;

	if (threads > 1 && threads > o->nr_cpus)
		return;
	if (threads == 1)
		base = bench_rounds(o, rwin_pair_loop, &c, o->pair0_iters);
	else if (bench_threads(o, threads, rwin_pair_loop, &c, o->pair0_iters, &base))
		return;
	if (rwin_open(w)) {
		bench_note("pagezone: could not hold a reclaim window open");
		return;
	}
	if (threads == 1)
		open = bench_rounds(o, rwin_pair_loop, &c, o->pair0_iters);
	else if (bench_threads(o, threads, rwin_pair_loop, &c, o->pair0_iters, &open))
		open.median = 0;
	rwin_close(w);
	if (open.median <= 0)
		return;
	rwin_row(profile, threads, 1, &base);
	rwin_row(profile, threads, 0, &open);
	bench_info("frees under another thread's reclaim window (%s, %d thread%s): %.1f M "
		   "pairs/s/thread, %.1f without (%.2fx)",
		   rwin_profiles[profile], threads, threads > 1 ? "s" : "", 1e3 / open.median,
		   1e3 / base.median, base.median / open.median);
}

void bench_pz_rwin(const struct bench_opts *o, int profile, pz_t *pz)
{
	struct rwin w = {.pz = pz};

	rwin_threads(o, profile, &w, 1);
	rwin_threads(o, profile, &w, 2);
}
