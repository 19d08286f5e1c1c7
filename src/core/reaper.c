/*
 * reaper.c - the OOM reaper of linux-6.1 (the kernel's oom_reaper thread,
 * 4.6+) as a queue of victims and a run that reaps them.
 *
 * A victim that was killed but has not exited yet - the OOM handler said so
 * through req->pending, or an exiting task chose itself - is queued. While
 * one is queued, later OOM steps wait for it instead of asking the handler
 * for another (oom_evaluate_task's abort). The reaper takes the newest
 * due victim first - the kernel's list is a stack: wake_oom_reaper pushes
 * a victim when its grace ends, oom_reaper pops the head - and lets the
 * embedder's reap callback free what can be freed without the victim's
 * help (__oom_reap_task_mm), retrying a failing callback as oom_reap_task
 * retries its trylock, and then marks the victim skipped (MMF_OOM_SKIP):
 * later steps pass it to the handler in the skip list, an exiting task no
 * longer chooses itself, and nobody waits for it.
 *
 * Who runs it (docs/DESIGN.md "The OOM reaper"): the embedder's thread
 * after the wake_oom_reaper hook; in deterministic mode or without the hook
 * an OOM step, before its OOM lock (as kswapd runs inline at the end of a
 * wake-up); and, guarding against a hook that never delivers, a step that
 * finds the embedder's reaper late. The kernel's grace before reaping (a
 * 2 s timer, OOM_REAPER_DELAY, 5.18), in which the victim may still exit
 * on its own, is real time when the platform has a clock (now_ns) and a
 * wait hook and the instance is not deterministic: a victim is due 2 s
 * after its queueing, pz_oom_reaper_run reaps only due ones, and
 * pz_oom_reaper_due says when the next one is. Without a clock or a wait
 * hook, or in deterministic mode, it is one OOM step: the second step
 * after the queueing reaps (PZ_OOM_REAPER_GRACE), and the embedder is
 * late after PZ_OOM_REAPER_PATIENCE steps.
 *
 * The table is bounded (PZ_OOM_MAX_VICTIMS, docs/DESIGN.md says why): the
 * handler is never asked while a victim is queued, so it has at most one
 * there; the others are exiting tasks choosing themselves, one per thread
 * in an OOM step. One more than fits is not queued (PZ_OOM_REAP_OVERFLOW)
 * and falls back to 4.x's per-request bound; skipped victims beyond the
 * table's room are forgotten oldest first.
 *
 * The victim table is guarded by reaper.lock, a leaf: nothing is called
 * with it held (the clock is read before it is taken). One run at a time
 * (the `running` token), so a victim is reaped by one caller only; a
 * victim that exits while its reap runs is dropped when the reap ends.
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

/* Real time for the grace: a clock, a wait hook, and not deterministic.
 * Without the wait hook a request waiting for the victim could only spin
 * through the 2 s (the hook's absence promises a run that never stalls),
 * so the grace is then counted in OOM steps, as without a clock. */
static bool reaper_timed(const struct pz *pz)
{
	return !pz->kswapd_inline && pz->plat.now_ns && pz->plat.wait;
}

/* The clock, or "always": every queued victim is due without one. */
static uint64_t reaper_now(const struct pz *pz)
{
	return reaper_timed(pz) ? pz->plat.now_ns(pz->plat.ctx) : ~0ull;
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
	uint64_t due = reaper_timed(pz) ? reaper_now(pz) + PZ_OOM_REAPER_DELAY_NS : 0;
	int i;

	pz_lock(pz, &r->lock);
	i = find_locked(r, id);
	if (i >= 0) {
		st = (enum pz_victim_state)r->v[i].state; /* MMF_OOM_REAP_QUEUED */
	} else if ((i = slot_locked(r)) < 0) {
		st = PZ_VICTIM_FREE; /* every slot queued or being reaped */
	} else {
		r->v[i] = (struct pz_victim){id, task, ++r->seq, due, PZ_VICTIM_QUEUED, false};
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

/* The newest queued victim due at now, or -1: the head of the kernel's
 * oom_reaper_list, whose victims are pushed in the order their grace ends,
 * which is the order they were queued (the delay is the same for all). */
static int newest_due_locked(struct pz *pz, uint64_t now)
{
	struct pz_reaper *r = &pz->reaper;
	int best = -1;

	pz_assert_locked(pz, &r->lock, "pz->reaper.lock");
	for (int i = 0; i < PZ_OOM_MAX_VICTIMS; i++)
		if (r->v[i].state == PZ_VICTIM_QUEUED && r->v[i].due <= now &&
		    (best < 0 || r->v[i].seq > r->v[best].seq))
			best = i;
	return best;
}

/* The newest victim due at `at` (~0: every one; else the clock's now),
 * now REAPING, with the callback pair; -1: none. */
static int take_newest(struct pz *pz, uint64_t at, struct pz_victim *out, pz_oom_reap_fn *fn,
		       void **ctx)
{
	struct pz_reaper *r = &pz->reaper;
	uint64_t now = at == ~0ull ? at : reaper_now(pz);
	int best;

	pz_lock(pz, &r->lock);
	best = newest_due_locked(pz, now);
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

/* The reaper's run: victims due at `at` (~0: all queued), newest first. */
static int reaper_run_at(struct pz *pz, uint64_t at)
{
	unsigned zero = 0;
	int n = 0;

	if (!atomic_compare_exchange_strong(&pz->reaper.running, &zero, 1))
		return -PZ_EBUSY;
	while (n < PZ_OOM_MAX_VICTIMS) {
		struct pz_victim v;
		pz_oom_reap_fn fn;
		void *ctx;
		int i = take_newest(pz, at, &v, &fn, &ctx);

		if (i < 0)
			break;
		reap_one(pz, &v, fn, ctx);
		finish(pz, i);
		n++;
	}
	atomic_store_explicit(&pz->reaper.running, 0, memory_order_release);
	return n;
}

int pz_oom_reaper_run(pz_t *pz)
{
	return pz_instance_ok(pz) ? reaper_run_at(pz, 0) : -PZ_EINVAL;
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

int pz_oom_reaper_due(pz_t *pz, uint64_t *ns)
{
	uint64_t now, first = ~0ull;
	int found = 0;

	if (!pz_instance_ok(pz) || !ns)
		return -PZ_EINVAL;
	now = reaper_timed(pz) ? reaper_now(pz) : 0;
	pz_lock(pz, &pz->reaper.lock);
	for (int i = 0; i < PZ_OOM_MAX_VICTIMS; i++)
		if (pz->reaper.v[i].state == PZ_VICTIM_QUEUED) {
			found = 1;
			first = pz->reaper.v[i].due < first ? pz->reaper.v[i].due : first;
		}
	pz_unlock(&pz->reaper.lock);
	*ns = found && first > now ? first - now : 0;
	return found ? 0 : -PZ_ENOENT;
}

/* A clock that did not move forward since the last step, for
 * PZ_OOM_REAPER_PATIENCE steps in a row: a stuck or backward clock would
 * otherwise keep a victim from ever being due. */
static bool clock_stuck(struct pz *pz, uint64_t now)
{
	uint64_t last = atomic_exchange_explicit(&pz->reaper.last_now, now, memory_order_relaxed);

	if (now > last) {
		atomic_store_explicit(&pz->reaper.stalled, 0, memory_order_relaxed);
		return false;
	}
	return atomic_fetch_add_explicit(&pz->reaper.stalled, 1, memory_order_relaxed) + 1 >=
	       PZ_OOM_REAPER_PATIENCE;
}

/* With a clock: a victim due (inline), or due PZ_OOM_REAPER_SLACK_NS ago
 * and still queued (the embedder's reaper late), and the step reaps; a
 * clock that stopped moving is not waited for. */
static void reaper_point_timed(struct pz *pz, bool inl)
{
	uint64_t now = reaper_now(pz), slack = inl ? 0 : PZ_OOM_REAPER_SLACK_NS;
	bool stuck = clock_stuck(pz, now);
	int due;

	pz_lock(pz, &pz->reaper.lock);
	due = newest_due_locked(pz, stuck ? ~0ull : now >= slack ? now - slack : 0);
	pz_unlock(&pz->reaper.lock);
	if (due < 0)
		return;
	if (!inl)
		pz_count(&pz->oom_stats[PZ_OOM_REAP_DIRECT]);
	reaper_run_at(pz, stuck ? ~0ull : 0);
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
	if (reaper_timed(pz)) {
		reaper_point_timed(pz, inl);
		return;
	}
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
