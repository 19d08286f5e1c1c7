/*
 * reaper.c - the OOM reaper of linux-6.1 (the kernel's oom_reaper thread,
 * 4.6+) as a queue of victims and a run that reaps them.
 *
 * A victim that was killed but has not exited yet - the OOM handler said so
 * through req->pending, or an exiting task chose itself - is queued. While
 * one is queued, later OOM steps wait for it instead of asking the handler
 * for another (oom_evaluate_task's abort). The reaper takes the oldest
 * queued victim, lets the embedder's reap callback free what can be freed
 * without the victim's help (__oom_reap_task_mm), retrying a failing
 * callback as oom_reap_task retries its trylock, and then marks the victim
 * skipped (MMF_OOM_SKIP): later steps pass it to the handler in the skip
 * list, an exiting task no longer chooses itself, and nobody waits for it.
 *
 * Who runs it (docs/DESIGN.md "The OOM reaper"): the embedder's thread
 * after the wake_oom_reaper hook; in deterministic mode or without the hook
 * the second OOM step after the queueing, before its OOM lock (as kswapd
 * runs inline at the end of a wake-up); and any step that found victims
 * queued PZ_OOM_REAPER_PATIENCE times in a row. The kernel's 2 s grace
 * before reaping (OOM_REAPER_DELAY, 5.18) is that one OOM step in between,
 * at which the victim may still exit on its own.
 *
 * The victim table is guarded by reaper.lock, a leaf: nothing is called
 * with it held. One run at a time (the `running` token), so a victim is
 * reaped by one caller only; a victim that exits while its reap runs is
 * dropped when the reap ends.
 */
#include "internal.h"

bool pz_has_oom_reaper(const struct pz *pz)
{
	return pz_kver(pz) >= PZ_KV(4, 6);
}

/* Reaped at the next OOM step rather than by the embedder's thread. */
static bool reaper_inline(const struct pz *pz)
{
	return pz->kswapd_inline || !pz->plat.wake_oom_reaper;
}

int pz_set_oom_reaper(pz_t *pz, pz_oom_reap_fn fn, void *ctx)
{
	if (!pz_instance_ok(pz))
		return -PZ_EINVAL;
	pz_lock(pz, &pz->reaper.lock);
	pz->reaper.fn = fn;
	pz->reaper.ctx = ctx;
	pz_unlock(&pz->reaper.lock);
	return 0;
}

static int find_locked(struct pz_reaper *r, uintptr_t id)
{
	for (int i = 0; i < PZ_OOM_MAX_VICTIMS; i++)
		if (r->v[i].state != PZ_VICTIM_FREE && r->v[i].id == id)
			return i;
	return -1;
}

/* A free slot, else the oldest skipped victim's (forgotten), else -1. */
static int slot_locked(struct pz_reaper *r)
{
	int best = -1;

	for (int i = 0; i < PZ_OOM_MAX_VICTIMS; i++) {
		if (r->v[i].state == PZ_VICTIM_FREE)
			return i;
		if (r->v[i].state == PZ_VICTIM_SKIP && (best < 0 || r->v[i].seq < r->v[best].seq))
			best = i;
	}
	return best;
}

enum pz_victim_state pz_oom_victim_queue(struct pz *pz, uintptr_t id, struct pz_task *task)
{
	struct pz_reaper *r = &pz->reaper;
	enum pz_victim_state st = PZ_VICTIM_QUEUED;
	int i;

	pz_lock(pz, &r->lock);
	i = find_locked(r, id);
	if (i >= 0) {
		st = (enum pz_victim_state)r->v[i].state; /* MMF_OOM_REAP_QUEUED */
	} else if ((i = slot_locked(r)) < 0) {
		st = PZ_VICTIM_FREE; /* every slot queued or being reaped */
	} else {
		r->v[i] = (struct pz_victim){id, task, ++r->seq, PZ_VICTIM_QUEUED, false};
		if (!atomic_fetch_add_explicit(&r->nr_queued, 1, memory_order_release))
			atomic_store_explicit(&r->stalled, 0, memory_order_relaxed);
		pz_count(&pz->oom_stats[PZ_OOM_REAP_QUEUED]);
	}
	pz_unlock(&r->lock);
	return st;
}

bool pz_oom_victims_queued(const struct pz *pz)
{
	return atomic_load_explicit(&pz->reaper.nr_queued, memory_order_acquire) != 0;
}

unsigned pz_oom_skip_list(struct pz *pz, uintptr_t *out)
{
	struct pz_reaper *r = &pz->reaper;
	unsigned n = 0;
	uint64_t last = 0;

	pz_lock(pz, &r->lock);
	/* oldest first: a selection sort over at most 16 slots */
	for (;;) {
		int next = -1;

		for (int i = 0; i < PZ_OOM_MAX_VICTIMS; i++)
			if (r->v[i].state == PZ_VICTIM_SKIP && r->v[i].seq > last &&
			    (next < 0 || r->v[i].seq < r->v[next].seq))
				next = i;
		if (next < 0)
			break;
		last = r->v[next].seq;
		out[n++] = r->v[next].id;
	}
	pz_unlock(&r->lock);
	return n;
}

/* The oldest queued victim, now REAPING, with the callback pair; -1: none. */
static int take_oldest(struct pz *pz, struct pz_victim *out, pz_oom_reap_fn *fn, void **ctx)
{
	struct pz_reaper *r = &pz->reaper;
	int best = -1;

	pz_lock(pz, &r->lock);
	for (int i = 0; i < PZ_OOM_MAX_VICTIMS; i++)
		if (r->v[i].state == PZ_VICTIM_QUEUED && (best < 0 || r->v[i].seq < r->v[best].seq))
			best = i;
	if (best >= 0) {
		r->v[best].state = PZ_VICTIM_REAPING;
		*out = r->v[best];
		*fn = r->fn;
		*ctx = r->ctx;
	}
	pz_unlock(&r->lock);
	return best;
}

/* MMF_OOM_SKIP, or the slot back if the victim exited meanwhile. */
static void finish(struct pz *pz, int i)
{
	struct pz_reaper *r = &pz->reaper;

	pz_lock(pz, &r->lock);
	r->v[i].state = r->v[i].exited ? PZ_VICTIM_FREE : PZ_VICTIM_SKIP;
	r->v[i].exited = false;
	atomic_fetch_sub_explicit(&r->nr_queued, 1, memory_order_release);
	pz_unlock(&r->lock);
	atomic_store_explicit(&r->stalled, 0, memory_order_relaxed);
}

/* oom_reap_task: the callback until it reaps or has failed 10 times. */
static void reap_one(struct pz *pz, const struct pz_victim *v, pz_oom_reap_fn fn, void *ctx)
{
	const struct pz_task *cur = pz_task_current(pz);
	uint64_t before = pz_pages_freed(pz), freed;
	unsigned attempts = 0, saved = pz_memalloc_save(pz, cur);
	unsigned long long id = v->id;
	long rc = 0;

	while (fn && attempts++ < PZ_OOM_REAP_RETRIES && (rc = fn(ctx, pz, v->id, v->task)) < 0)
		if (attempts < PZ_OOM_REAP_RETRIES && !pz->kswapd_inline)
			pz_wait(pz, PZ_WAIT_OOM, PZ_OOM_REAP_RETRY_US);
	pz_memalloc_restore(pz, cur, saved);
	freed = pz_pages_freed(pz) - before;
	pz_count_n(&pz->oom_stats[PZ_OOM_REAP_PAGES], freed);
	if (rc < 0) {
		pz_count(&pz->oom_stats[PZ_OOM_REAP_FAILED]);
		pz_log(pz, PZ_LOG_INFO, "oom_reaper: unable to reap victim %#llx", id);
		return;
	}
	pz_count(&pz->oom_stats[PZ_OOM_REAPED]);
	pz_log(pz, PZ_LOG_INFO, "oom_reaper: reaped victim %#llx, %llu pages freed", id,
	       (unsigned long long)freed);
}

int pz_oom_reaper_run(pz_t *pz)
{
	unsigned zero = 0;
	int n = 0;

	if (!pz_instance_ok(pz))
		return -PZ_EINVAL;
	if (!atomic_compare_exchange_strong(&pz->reaper.running, &zero, 1))
		return -PZ_EBUSY;
	while (n < PZ_OOM_MAX_VICTIMS) {
		struct pz_victim v;
		pz_oom_reap_fn fn;
		void *ctx;
		int i = take_oldest(pz, &v, &fn, &ctx);

		if (i < 0)
			break;
		reap_one(pz, &v, fn, ctx);
		finish(pz, i);
		n++;
	}
	atomic_store_explicit(&pz->reaper.running, 0, memory_order_release);
	return n;
}

int pz_oom_victim_exited(pz_t *pz, uintptr_t victim)
{
	struct pz_reaper *r;
	int i;

	if (!pz_instance_ok(pz) || !victim)
		return -PZ_EINVAL;
	r = &pz->reaper;
	pz_lock(pz, &r->lock);
	i = find_locked(r, victim);
	if (i >= 0 && r->v[i].state == PZ_VICTIM_REAPING) {
		r->v[i].exited = true; /* the reap's end frees the slot */
	} else if (i >= 0) {
		if (r->v[i].state == PZ_VICTIM_QUEUED)
			atomic_fetch_sub_explicit(&r->nr_queued, 1, memory_order_release);
		r->v[i].state = PZ_VICTIM_FREE;
	}
	pz_unlock(&r->lock);
	return i >= 0 ? 0 : -PZ_ENOENT;
}

/* At the start of a linux-6.1 OOM step, with no lock held: one more step
 * that finds victims queued; the victims' grace over (inline), or the
 * embedder's reaper late (PZ_OOM_REAPER_PATIENCE), the step reaps. */
void pz_oom_reaper_point(struct pz *pz)
{
	bool inl = reaper_inline(pz);
	unsigned seen;

	if (!pz_oom_victims_queued(pz))
		return;
	seen = atomic_fetch_add_explicit(&pz->reaper.stalled, 1, memory_order_relaxed) + 1;
	if (seen < (inl ? PZ_OOM_REAPER_GRACE : PZ_OOM_REAPER_PATIENCE))
		return;
	if (!inl)
		pz_count(&pz->oom_stats[PZ_OOM_REAP_DIRECT]);
	pz_oom_reaper_run(pz);
}

/* After the OOM lock is dropped: wake the embedder's reaper for a victim
 * this step queued; a step that waited for a victim waits a tick. */
void pz_oom_reaper_after_step(struct pz *pz, const struct pz_oom_ctl *ctl)
{
	if (reaper_inline(pz))
		return;
	if (ctl->queued)
		pz->plat.wake_oom_reaper(pz->plat.ctx);
	if (ctl->waited)
		pz_wait(pz, PZ_WAIT_OOM, PZ_WAIT_TICK_US);
}
