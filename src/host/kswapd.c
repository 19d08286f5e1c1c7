/*
 * kswapd.c (host) - one kswapd thread per node for an instance made by
 * pz_host_create with the host platform.
 *
 * Each thread sleeps on its node's condition variable until the core's
 * wake_kswapd hook (platform.c, ctx = the instance header's slot) marks
 * the node pending, then runs pz_kswapd_run rounds until the core says
 * kswapd sleeps. The core's nap (PZ_WAIT_KSWAPD_NAP) lands in
 * pz_host_kswapd_nap: a timed wait on the same condition variable, so a
 * wake-up during the nap cuts it short as it does in the kernel. The
 * threads run with their own task carrying PZ_TASK_MEMALLOC (kswapd's
 * PF_MEMALLOC). Stopping sets `stop`, wakes every thread and joins them.
 *
 * Node 0's thread is the instance's OOM reaper too (linux-6.1): the
 * wake_oom_reaper hook sets its `reap` and signals it, and it runs
 * pz_oom_reaper_run - between kswapd rounds, or inside a nap, which then
 * goes on - so a victim is reaped with the same task and without a thread
 * of its own (the kernel has a separate oom_reaper thread). A victim not
 * due yet (the 2 s grace, pz_oom_reaper_due) arms the thread's reap timer
 * (`reap_at`): its waits end there and it reaps then, as the kernel's
 * oom_reaper_timer does.
 *
 * kcompactd's timer (linux-6.1, pz_host_kcompactd_start): a second thread
 * per node waits PZ_KCOMPACTD_TICK_MS on its own condition variable (so
 * that kswapd's wake-ups never land on it) and calls pz_kcompactd_tick
 * each time the wait runs out, as the kernel's kcompactd times out every
 * 500 ms, or at once when the wake_kcompactd hook sets its `kc_kick` (a
 * write of compaction_proactiveness wakes 6.1's kcompactd); the next
 * 500 ms start after that tick, as the kernel's timeout does. It runs
 * with a task of its own, without PZ_TASK_MEMALLOC.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>

#include "pagezone.h"
#include "hostfail.h"
#include "hostkswapd.h"

struct host_node {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool pending;		 /* [mu] woken since the thread last looked */
	bool reap;		 /* [mu] node 0: the OOM reaper was woken */
	bool timed;		 /* [mu] node 0: reap at reap_at (a victim not due yet) */
	struct timespec reap_at; /* [mu] CLOCK_REALTIME, as the condition variable */
	bool stop;		 /* [mu] */
	bool started;
	int nid;
	pz_t *pz;
	struct pz_task task;
	/* kcompactd's timer thread */
	pthread_t kc_thread;
	pthread_cond_t kc_cv;
	bool kc_stop; /* [mu] */
	bool kc_kick; /* [mu] tick now (pz_host_kcompactd_wake) */
	bool kc_started;
	struct pz_task kc_task;
};

struct host_kswapd {
	unsigned nr;
	struct host_node node[PZ_MAX_NODES];
};

static __thread struct host_node *host_self;

/* What a wake asks of a node's threads. */
enum host_kick {
	KICK_KSWAPD,
	KICK_REAP,
	KICK_KCOMPACTD
};

/* Sets the request on node nid (nothing for a node the host lacks) and
 * signals the thread that serves it. */
static void host_kick(struct host_kswapd **slot, int nid, enum host_kick what)
{
	struct host_kswapd *ks = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	struct host_node *n;

	if (!ks || nid < 0 || (unsigned)nid >= ks->nr)
		return;
	n = &ks->node[nid];
	pthread_mutex_lock(&n->mu);
	if (what == KICK_KSWAPD)
		n->pending = true;
	else if (what == KICK_REAP)
		n->reap = true;
	else
		n->kc_kick = true;
	pthread_cond_signal(what == KICK_KCOMPACTD ? &n->kc_cv : &n->cv);
	pthread_mutex_unlock(&n->mu);
}

void pz_host_kswapd_wake(struct host_kswapd **slot, int nid)
{
	host_kick(slot, nid, KICK_KSWAPD);
}

/* The reaper runs beside node 0's kswapd. */
void pz_host_reaper_wake(struct host_kswapd **slot)
{
	host_kick(slot, 0, KICK_REAP);
}

void pz_host_kcompactd_wake(struct host_kswapd **slot, int nid)
{
	host_kick(slot, nid, KICK_KCOMPACTD);
}

/* CLOCK_REALTIME plus ns. */
static struct timespec after_ns(uint64_t ns)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)(ns / 1000000000u);
	ts.tv_nsec += (long)(ns % 1000000000u);
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return ts;
}

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* With n->mu held: run the OOM reaper if it was woken (drops mu meanwhile);
 * a victim left for later arms the timer (a busy reaper: retry in 1 ms). */
static void reap_locked(struct host_node *n)
{
	uint64_t ns = 0;
	int rc, due;

	if (!n->reap)
		return;
	n->reap = false;
	pthread_mutex_unlock(&n->mu);
	rc = pz_oom_reaper_run(n->pz);
	due = pz_oom_reaper_due(n->pz, &ns);
	pthread_mutex_lock(&n->mu);
	if (due == 0) {
		n->timed = true;
		n->reap_at = after_ns(rc == -PZ_EBUSY && ns < 1000000 ? 1000000 : ns);
	}
}

/* With n->mu held: waits for a signal until *limit (NULL: none) or the
 * reap timer, which sets reap. True once *limit has passed. */
static bool wait_locked(struct host_node *n, const struct timespec *limit)
{
	const struct timespec *t = limit;
	struct timespec now;

	if (n->timed && (!t || ts_before(&n->reap_at, t)))
		t = &n->reap_at;
	if (t)
		pthread_cond_timedwait(&n->cv, &n->mu, t);
	else
		pthread_cond_wait(&n->cv, &n->mu);
	clock_gettime(CLOCK_REALTIME, &now);
	if (n->timed && !ts_before(&now, &n->reap_at)) {
		n->timed = false;
		n->reap = true;
	}
	return limit && !ts_before(&now, limit);
}

bool pz_host_kswapd_nap(unsigned usecs)
{
	struct host_node *n = host_self;
	struct timespec ts;

	if (!n)
		return false;
	ts = after_ns((uint64_t)usecs * 1000u);
	pthread_mutex_lock(&n->mu);
	while (!n->pending && !n->stop) {
		reap_locked(n);
		if (wait_locked(n, &ts))
			break;
	}
	reap_locked(n);
	pthread_mutex_unlock(&n->mu);
	return true;
}

static bool stopping(struct host_node *n)
{
	bool s;

	pthread_mutex_lock(&n->mu);
	s = n->stop;
	pthread_mutex_unlock(&n->mu);
	return s;
}

static void *kswapd_thread(void *arg)
{
	struct host_node *n = arg;

	host_self = n;
	pz_set_current_task(&n->task);
	pthread_mutex_lock(&n->mu);
	for (;;) {
		while (!n->pending && !n->reap && !n->stop)
			wait_locked(n, NULL);
		if (n->stop)
			break;
		reap_locked(n);
		if (!n->pending)
			continue;
		n->pending = false;
		pthread_mutex_unlock(&n->mu);
		while (pz_kswapd_run(n->pz, n->nid) == PZ_KSWAPD_AGAIN && !stopping(n))
			sched_yield();
		pthread_mutex_lock(&n->mu);
	}
	pthread_mutex_unlock(&n->mu);
	pz_set_current_task(NULL);
	return NULL;
}

static void *kcompactd_thread(void *arg)
{
	struct host_node *n = arg;

	pz_set_current_task(&n->kc_task);
	pthread_mutex_lock(&n->mu);
	while (!n->kc_stop) {
		struct timespec ts = after_ns((uint64_t)PZ_KCOMPACTD_TICK_MS * 1000000u);

		while (!n->kc_stop && !n->kc_kick &&
		       pthread_cond_timedwait(&n->kc_cv, &n->mu, &ts) != ETIMEDOUT)
			;
		if (n->kc_stop)
			break;
		n->kc_kick = false;
		pthread_mutex_unlock(&n->mu);
		pz_kcompactd_tick(n->pz, n->nid);
		pthread_mutex_lock(&n->mu);
	}
	pthread_mutex_unlock(&n->mu);
	pz_set_current_task(NULL);
	return NULL;
}

static void stop_kcompactd(struct host_kswapd *ks)
{
	for (unsigned i = 0; i < ks->nr; i++) {
		struct host_node *n = &ks->node[i];

		if (!n->kc_started)
			continue;
		pthread_mutex_lock(&n->mu);
		n->kc_stop = true;
		pthread_cond_signal(&n->kc_cv);
		pthread_mutex_unlock(&n->mu);
		pthread_join(n->kc_thread, NULL);
		n->kc_started = false;
	}
}

static void stop_threads(struct host_kswapd *ks)
{
	for (unsigned i = 0; i < ks->nr; i++) {
		struct host_node *n = &ks->node[i];

		if (!n->started)
			continue;
		pthread_mutex_lock(&n->mu);
		n->stop = true;
		pthread_cond_signal(&n->cv);
		pthread_mutex_unlock(&n->mu);
		pthread_join(n->thread, NULL);
		n->started = false;
	}
}

/* The node states live until pz_host_destroy, so that a wake-up racing
 * with pz_host_kswapd_stop finds valid (if idle) nodes. */
static struct host_kswapd *get_nodes(pz_t *pz, struct host_kswapd **slot)
{
	struct host_kswapd *ks = __atomic_load_n(slot, __ATOMIC_ACQUIRE);

	if (ks)
		return ks;
	ks = pz_host_sys_calloc(1, sizeof(*ks));
	if (!ks)
		return NULL;
	ks->nr = pz_nr_nodes(pz);
	for (unsigned i = 0; i < ks->nr; i++) {
		struct host_node *n = &ks->node[i];

		pthread_mutex_init(&n->mu, NULL);
		pthread_cond_init(&n->cv, NULL);
		pthread_cond_init(&n->kc_cv, NULL);
		pz_task_init(&n->kc_task);
		n->nid = (int)i;
		n->pz = pz;
		pz_task_init(&n->task);
		n->task.flags = PZ_TASK_MEMALLOC;
	}
	__atomic_store_n(slot, ks, __ATOMIC_RELEASE);
	return ks;
}

int pz_host_kswapd_start(pz_t *pz)
{
	struct host_kswapd **slot = pz_host_kswapd_slot(pz), *ks;

	if (!slot)
		return -PZ_EINVAL;
	ks = get_nodes(pz, slot);
	if (!ks)
		return -PZ_ENOMEM;
	for (unsigned i = 0; i < ks->nr; i++) {
		struct host_node *n = &ks->node[i];

		if (n->started)
			continue;
		n->stop = false;
		n->pending = true; /* a first round, as kswapd runs once at boot */
		if (pthread_create(&n->thread, NULL, kswapd_thread, n)) {
			stop_threads(ks);
			return -PZ_ENOMEM;
		}
		n->started = true;
	}
	return 0;
}

int pz_host_kcompactd_start(pz_t *pz)
{
	struct host_kswapd **slot = pz_host_kswapd_slot(pz), *ks;

	if (!slot)
		return -PZ_EINVAL;
	if (pz_compaction_proactiveness(pz) == -PZ_EOPNOTSUPP)
		return -PZ_EOPNOTSUPP;
	ks = get_nodes(pz, slot);
	if (!ks)
		return -PZ_ENOMEM;
	for (unsigned i = 0; i < ks->nr; i++) {
		struct host_node *n = &ks->node[i];

		if (n->kc_started)
			continue;
		n->kc_stop = false;
		if (pthread_create(&n->kc_thread, NULL, kcompactd_thread, n)) {
			stop_kcompactd(ks);
			return -PZ_ENOMEM;
		}
		n->kc_started = true;
	}
	return 0;
}

int pz_host_kcompactd_stop(pz_t *pz)
{
	struct host_kswapd **slot = pz_host_kswapd_slot(pz), *ks;

	if (!slot)
		return -PZ_EINVAL;
	ks = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	if (ks)
		stop_kcompactd(ks);
	return 0;
}

int pz_host_kswapd_stop(pz_t *pz)
{
	struct host_kswapd **slot = pz_host_kswapd_slot(pz), *ks;

	if (!slot)
		return -PZ_EINVAL;
	ks = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	if (ks)
		stop_threads(ks);
	return 0;
}

void pz_host_kswapd_free(struct host_kswapd **slot)
{
	struct host_kswapd *ks = __atomic_exchange_n(slot, NULL, __ATOMIC_ACQ_REL);

	if (!ks)
		return;
	stop_threads(ks);
	stop_kcompactd(ks);
	for (unsigned i = 0; i < ks->nr; i++) {
		pthread_mutex_destroy(&ks->node[i].mu);
		pthread_cond_destroy(&ks->node[i].cv);
		pthread_cond_destroy(&ks->node[i].kc_cv);
	}
	free(ks);
}
