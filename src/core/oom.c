/*
 * oom.c - the OOM step of the slow path (__alloc_pages_may_oom and
 * out_of_memory), with the embedder's OOM handler as the killer.
 *
 * The step runs when reclaim made no progress and the retry rules still
 * want the request to go on. Each profile takes its kernel's lock: 4.1
 * marks every zone of the request's zonelist ZONE_OOM_LOCKED (under
 * oom_scan_lock, its zone_scan_lock) so that requests sharing no zone may
 * run OOM steps side by side; 4.4 and 6.1 have one global oom_lock (4.2).
 * A busy lock
 * means someone else is killing for us: report progress, wait a tick,
 * retry. With the lock held the step tries the HIGH watermark once more
 * (catching a parallel kill), then runs its exclusions in the kernel's
 * order (4.1 and 4.4 against 6.1: 4.x skips them all for __GFP_NOFAIL and
 * fakes progress for !__GFP_FS here; 6.1 has __GFP_RETRY_MAYFAIL here and
 * fakes the !__GFP_FS progress inside out_of_memory), and only then asks
 * the handler.
 *
 * The handler may free pages, mark a victim, lie or allocate: what each
 * does to the request is written in pagezone.h (pz_oom_fn). The step
 * measures what came back by the instance's PGFREE count around the call,
 * so that a handler claiming kills that free nothing cannot keep one
 * request looping for ever. No allocator lock is held here; the OOM lock
 * is not one (nobody spins on it) and is held across the handler call.
 *
 * In 6.1 a victim killed but not yet exited goes to the OOM reaper
 * (reaper.c), which ends the waits on it; 4.1 and 4.4 have no reaper and
 * bound such kills per request instead (exiting_self_bounded, kill_worth).
 */
#include "internal.h"

int pz_set_oom_handler(pz_t *pz, pz_oom_fn fn, void *ctx)
{
	if (!pz_instance_ok(pz))
		return -PZ_EINVAL;
	pz_lock(pz, &pz->oom_scan_lock);
	pz->oom_fn = fn;
	pz->oom_ctx = ctx;
	pz_unlock(&pz->oom_scan_lock);
	return 0;
}

int pz_oom_stats(const pz_t *pz, uint64_t *out, size_t n)
{
	if (!pz_instance_ok(pz) || !out || n > PZ_OOM_NR_STATS)
		return -PZ_EINVAL;
	for (size_t i = 0; i < n; i++)
		out[i] = atomic_load_explicit(&pz->oom_stats[i], memory_order_relaxed);
	return 0;
}

static void oom_count(struct pz *pz, enum pz_oom_stat s)
{
	pz_count(&pz->oom_stats[s]);
}

/* ---- the locks ---------------------------------------------------------- */

/* 4.1 oom_zonelist_trylock: every zone of the zonelist up to the request's
 * highest zone, all or none, under zone_scan_lock. */
static bool zonelist_trylock(struct pz *pz, const struct pz_alloc_ctx *ac)
{
	unsigned pos = 0;
	struct pz_zone *z;
	bool ok = true;

	pz_lock(pz, &pz->oom_scan_lock);
	while (ok && (z = pz_next_zone(pz, ac->zonelist, &pos, ac->high_zoneidx, 0)))
		ok = !(atomic_load_explicit(&z->flags, memory_order_relaxed) & ZONE_OOM_LOCKED);
	pos = 0;
	while (ok && (z = pz_next_zone(pz, ac->zonelist, &pos, ac->high_zoneidx, 0)))
		atomic_fetch_or_explicit(&z->flags, ZONE_OOM_LOCKED, memory_order_relaxed);
	pz_unlock(&pz->oom_scan_lock);
	return ok;
}

static void zonelist_unlock(struct pz *pz, const struct pz_alloc_ctx *ac)
{
	unsigned pos = 0;
	struct pz_zone *z;

	pz_lock(pz, &pz->oom_scan_lock);
	while ((z = pz_next_zone(pz, ac->zonelist, &pos, ac->high_zoneidx, 0)))
		atomic_fetch_and_explicit(&z->flags, ~ZONE_OOM_LOCKED, memory_order_relaxed);
	pz_unlock(&pz->oom_scan_lock);
}

/* The global oom_lock mutex since 4.2; 4.1 locks the zonelist's zones. */
static bool oom_trylock(struct pz *pz, const struct pz_alloc_ctx *ac)
{
	if (pz_kver(pz) < PZ_KV(4, 2))
		return zonelist_trylock(pz, ac);
	return atomic_exchange_explicit(&pz->oom_lock, 1, memory_order_acquire) == 0;
}

static void oom_unlock(struct pz *pz, const struct pz_alloc_ctx *ac)
{
	if (pz_kver(pz) < PZ_KV(4, 2))
		zonelist_unlock(pz, ac);
	else
		atomic_store_explicit(&pz->oom_lock, 0, memory_order_release);
}

/* ---- the exclusions ------------------------------------------------------ */

enum oom_verdict {
	OOM_GO,	  /* call out_of_memory */
	OOM_STOP, /* no OOM kill will help: no progress */
	OOM_FAKE, /* 4.1's !__GFP_FS: progress without a kill */
};

/* 4.1: none for __GFP_NOFAIL; DUMPCORE, costly order, lowmem, !FS, THISNODE. */
static enum oom_verdict exclusions_41(const struct pz_alloc_ctx *ac, pz_gfp_t gfp, unsigned order)
{
	if (gfp & PZ__GFP_NOFAIL)
		return OOM_GO;
	if ((ac->task->flags & PZ_TASK_DUMPCORE) || order > PZ_COSTLY_ORDER ||
	    ac->high_zoneidx < PZ_ZONE_NORMAL)
		return OOM_STOP;
	if (!(gfp & PZ__GFP_FS))
		return OOM_FAKE;
	return (gfp & PZ__GFP_THISNODE) ? OOM_STOP : OOM_GO;
}

/* 6.1: DUMPCORE, costly order, RETRY_MAYFAIL or THISNODE, lowmem; for all. */
static enum oom_verdict exclusions_61(const struct pz_alloc_ctx *ac, pz_gfp_t gfp, unsigned order)
{
	if ((ac->task->flags & PZ_TASK_DUMPCORE) || order > PZ_COSTLY_ORDER)
		return OOM_STOP;
	if (gfp & (PZ_GFP_RETRY_MAYFAIL | PZ__GFP_THISNODE))
		return OOM_STOP;
	return ac->high_zoneidx < PZ_ZONE_NORMAL ? OOM_STOP : OOM_GO;
}

/* ---- out_of_memory --------------------------------------------------------- */

uint64_t pz_pages_freed(const struct pz *pz)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < pz->nr_nodes * PZ_NR_ZONE_TYPES; i++)
		if (pz->zones[i].pcp)
			n += pz_zone_event(pz, &pz->zones[i], PCPEV_PGFREE);
	return n;
}

/* constrained_alloc: the nodes the request may use, and why they are fewer
 * than the nodes with memory. */
static enum pz_oom_constraint constraint(struct pz *pz, const struct pz_alloc_ctx *ac,
					 pz_nodemask_t *nodes)
{
	pz_nodemask_t mem = 0, mems = __atomic_load_n(&ac->task->mems_allowed, __ATOMIC_RELAXED);

	for (unsigned n = 0; n < pz->nr_nodes; n++)
		if (pz->nodes[n].has_memory)
			mem |= (pz_nodemask_t)1 << n;
	*nodes = mem & (ac->nodemask ? *ac->nodemask : mem);
	if (*nodes != mem)
		return PZ_OOM_CONSTRAINT_MEMORY_POLICY;
	if (atomic_load_explicit(&pz->cpusets_enabled, memory_order_relaxed) &&
	    (mems & mem) != mem) {
		*nodes &= mems;
		return PZ_OOM_CONSTRAINT_CPUSET;
	}
	return PZ_OOM_CONSTRAINT_NONE;
}

/*
 * What a claimed kill was worth. 6.1 queues a pending victim for the
 * reaper, which ends it; otherwise (4.x, no reaper; a full victim table;
 * a victim the reaper already skipped) a kill that freed nothing and
 * marked no victim is unbacked, and PZ_OOM_MAX_UNBACKED of those in a row
 * count as nothing - in 6.1 only a lying handler gets there.
 */
static bool kill_worth(struct pz *pz, struct pz_oom_ctl *ctl, bool backed, uintptr_t pending)
{
	if (pending && pz_has_oom_reaper(pz)) {
		enum pz_victim_state st = pz_oom_victim_queue(pz, pending, (struct pz_task *)0);

		if (st == PZ_VICTIM_QUEUED || st == PZ_VICTIM_REAPING) {
			ctl->queued = true;
			ctl->unbacked = 0;
			return true;
		}
		if (st == PZ_VICTIM_FREE)
			oom_count(pz, PZ_OOM_REAP_OVERFLOW);
	}
	if (backed) {
		ctl->unbacked = 0;
		return true;
	}
	oom_count(pz, PZ_OOM_UNBACKED);
	return ++ctl->unbacked <= PZ_OOM_MAX_UNBACKED;
}

/* The handler call with the kernel's report around it; true for a kill. */
static bool call_handler(struct pz *pz, pz_gfp_t gfp, unsigned order, struct pz_alloc_ctx *ac,
			 struct pz_oom_ctl *ctl)
{
	struct pz_task *task = (struct pz_task *)(uintptr_t)ac->task;
	uintptr_t skip[PZ_OOM_MAX_VICTIMS], pending = 0;
	struct pz_oom_request req = {
		gfp, order, ac->preferred->nid, 0, 0, task, ++ctl->nr_calls, skip, 0, &pending};
	unsigned was_victim = task->flags & PZ_TASK_OOM_VICTIM, saved;
	uint64_t before = pz_pages_freed(pz), freed;
	char name[160];
	pz_oom_fn fn;
	void *ctx;
	bool kill;

	req.constraint = constraint(pz, ac, &req.nodemask);
	if (pz_has_oom_reaper(pz))
		req.nr_skip = pz_oom_skip_list(pz, skip);
	else
		req.skip = (const uintptr_t *)0;
	pz_lock(pz, &pz->oom_scan_lock);
	fn = pz->oom_fn;
	ctx = pz->oom_ctx;
	pz_unlock(&pz->oom_scan_lock);
	pz_gfp_format_profile(pz->profile, gfp, name, sizeof(name));
	pz_log(pz, PZ_LOG_WARN,
	       "pagezone invoked oom-killer: gfp_mask=%#x(%s), order=%u, oom_score_adj=0", gfp,
	       name, order);
	oom_count(pz, PZ_OOM_CALLS);
	saved = pz_memalloc_save(pz, task);
	kill = fn && fn(ctx, pz, &req);
	pz_memalloc_restore(pz, task, saved);
	freed = pz_pages_freed(pz) - before;
	if (!kill) {
		oom_count(pz, PZ_OOM_NO_VICTIM);
		pz_log(pz, PZ_LOG_ERR, "Out of memory and no killable processes...");
		return false;
	}
	pz_count_vm_event(pz, PZ_VM_OOM_KILL, 1);
	pz_log(pz, PZ_LOG_ERR, "Out of memory: the OOM handler killed a victim (%llu pages freed)",
	       (unsigned long long)freed);
	return kill_worth(pz, ctl, freed || (!was_victim && (task->flags & PZ_TASK_OOM_VICTIM)),
			  pending);
}

/*
 * task_will_free_mem(current) in 4.1 and 4.4, which have no OOM reaper: an
 * exiting task becomes the victim itself (it will free its memory soon).
 * Choosing itself again while already a victim frees nothing, so it counts
 * as an unbacked kill, and after PZ_OOM_MAX_UNBACKED of those the request
 * stops choosing it. That bound stands in for the reaper these kernels do
 * not have: without it a victim whose requests cannot use the reserves
 * (in interrupt context) would retry forever - the kernel would, too, or
 * hang in its OOM scan's abort on TIF_MEMDIE.
 */
static bool exiting_self_bounded(struct pz *pz, struct pz_task *task, struct pz_oom_ctl *ctl)
{
	if (!(task->flags & PZ_TASK_OOM_VICTIM)) {
		task->flags |= PZ_TASK_OOM_VICTIM;
		ctl->unbacked = 0;
		return true;
	}
	if (ctl->unbacked >= PZ_OOM_MAX_UNBACKED)
		return false; /* reaped: MMF_OOM_SKIP */
	oom_count(pz, PZ_OOM_UNBACKED);
	ctl->unbacked++;
	return true;
}

/*
 * task_will_free_mem(current), mark_oom_victim and queue_oom_reaper (4.6+):
 * the exiting task becomes the victim and is queued for the reaper (again
 * and again while queued, as MMF_OOM_REAP_QUEUED makes the kernel's
 * queueing a no-op). Once the reaper is done with it (MMF_OOM_SKIP) it is
 * no longer chosen. A full victim table falls back to the bound.
 */
static bool exiting_self(struct pz *pz, struct pz_task *task, struct pz_oom_ctl *ctl)
{
	enum pz_victim_state st;

	if (!(task->flags & PZ_TASK_EXITING) || task == &pz->default_task)
		return false;
	if (!pz_has_oom_reaper(pz))
		return exiting_self_bounded(pz, task, ctl);
	if (task->flags & PZ_TASK_OOM_SKIP)
		return false;
	st = pz_oom_victim_queue(pz, (uintptr_t)task, task);
	if (st == PZ_VICTIM_SKIP) {
		task->flags |= PZ_TASK_OOM_SKIP;
		return false;
	}
	if (st == PZ_VICTIM_FREE) {
		oom_count(pz, PZ_OOM_REAP_OVERFLOW);
		return exiting_self_bounded(pz, task, ctl);
	}
	task->flags |= PZ_TASK_OOM_VICTIM;
	ctl->queued = true;
	ctl->unbacked = 0;
	return true;
}

/*
 * out_of_memory: an exiting task first (exiting_self); since 4.9
 * !__GFP_FS is progress without a kill here (before,
 * __alloc_pages_may_oom's exclusions said so); with a victim queued for
 * the reaper, progress without a kill (select_bad_process aborts on a
 * victim not yet skipped: wait for it); otherwise the handler decides.
 * Until 4.19 a killed task gets a tick to exit (under the OOM lock).
 */
static bool out_of_memory(struct pz *pz, pz_gfp_t gfp, unsigned order, struct pz_alloc_ctx *ac,
			  struct pz_oom_ctl *ctl)
{
	struct pz_task *task = (struct pz_task *)(uintptr_t)ac->task;
	bool kill;

	if (exiting_self(pz, task, ctl))
		return true;
	if (pz_kver(pz) >= PZ_KV(4, 9) && !(gfp & PZ__GFP_FS)) {
		oom_count(pz, PZ_OOM_FAKE);
		return true;
	}
	if (pz_has_oom_reaper(pz) && pz_oom_victims_queued(pz)) {
		oom_count(pz, PZ_OOM_VICTIM_WAIT);
		ctl->waited = true;
		return true;
	}
	kill = call_handler(pz, gfp, order, ac, ctl);
	if (kill && pz_kver(pz) < PZ_KV(4, 19))
		pz_wait(pz, PZ_WAIT_OOM, PZ_WAIT_TICK_US);
	return kill;
}

/* WARN_ON_ONCE(gfp & __GFP_NOFAIL) after an OOM step that killed nothing:
 * a NOFAIL request goes on as if it had. */
static bool nofail_goes_on(struct pz *pz, pz_gfp_t gfp)
{
	if (!(gfp & PZ__GFP_NOFAIL))
		return false;
	pz_warn_once(pz, PZ_WARN_NOFAIL_OOM,
		     "WARNING: __GFP_NOFAIL allocation: the OOM step found nothing to kill");
	return true;
}

struct pz_page *pz_alloc_cpuset_fallback(struct pz *pz, pz_gfp_t gfp, unsigned order,
					 unsigned alloc_flags, struct pz_alloc_ctx *ac)
{
	struct pz_page *p =
		pz_get_page_from_freelist(pz, gfp, order, alloc_flags | PZ_ALLOC_CPUSET, ac);

	return p ? p : pz_get_page_from_freelist(pz, gfp, order, alloc_flags, ac);
}

/* The step with the lock held: last chance, exclusions, the kill. */
static struct pz_page *may_oom_locked(struct pz *pz, pz_gfp_t gfp, unsigned order,
				      struct pz_alloc_ctx *ac, struct pz_oom_ctl *ctl,
				      unsigned long *progress)
{
	/* 4.1 and 4.4: the exclusions skipped for NOFAIL, !__GFP_FS among
	 * them; 4.10 applies them to NOFAIL too and lets NOFAIL at the
	 * reserves instead; 5.1's last chance never reclaims */
	bool k41 = pz_kver(pz) < PZ_KV(4, 10);
	pz_gfp_t last = (gfp | PZ__GFP_HARDWALL) &
			~(pz_kver(pz) < PZ_KV(5, 1) ? 0 : PZ__GFP_DIRECT_RECLAIM);
	struct pz_page *p;
	enum oom_verdict v;

	p = pz_get_page_from_freelist(pz, last, order, PZ_ALLOC_WMARK_HIGH | PZ_ALLOC_CPUSET, ac);
	if (p) {
		oom_count(pz, PZ_OOM_LAST_CHANCE);
		return p;
	}
	v = k41 ? exclusions_41(ac, gfp, order) : exclusions_61(ac, gfp, order);
	if (v != OOM_GO) {
		oom_count(pz, v == OOM_FAKE ? PZ_OOM_FAKE : PZ_OOM_EXCLUDED);
		*progress = v == OOM_FAKE;
		return p;
	}
	if (out_of_memory(pz, gfp, order, ac, ctl) || nofail_goes_on(pz, gfp)) {
		*progress = 1;
		/* 6.1 lets a NOFAIL request at the reserves */
		if (!k41 && (gfp & PZ__GFP_NOFAIL))
			p = pz_alloc_cpuset_fallback(pz, gfp, order, PZ_ALLOC_NO_WATERMARKS, ac);
	}
	return p;
}

struct pz_page *pz_alloc_pages_may_oom(struct pz *pz, pz_gfp_t gfp, unsigned order,
				       struct pz_alloc_ctx *ac, struct pz_oom_ctl *ctl,
				       unsigned long *did_some_progress)
{
	/* the zones locked, as they were at the trylock: the attempts below
	 * may move ac to another zonelist (4.1's high-priority switch), and
	 * the unlock must clear exactly the bits the trylock set */
	const struct pz_alloc_ctx locked = *ac;
	struct pz_page *p;

	*did_some_progress = 0;
	oom_count(pz, PZ_OOM_STEPS);
	ctl->queued = ctl->waited = false;
	if (pz_has_oom_reaper(pz))
		pz_oom_reaper_point(pz);
	if (!oom_trylock(pz, &locked)) {
		/* somebody else is killing for us */
		oom_count(pz, PZ_OOM_LOCK_BUSY);
		*did_some_progress = 1;
		pz_wait(pz, PZ_WAIT_OOM, PZ_WAIT_TICK_US);
		return (struct pz_page *)0;
	}
	p = may_oom_locked(pz, gfp, order, ac, ctl, did_some_progress);
	oom_unlock(pz, &locked);
	pz_oom_reaper_after_step(pz, ctl);
	return p;
}
