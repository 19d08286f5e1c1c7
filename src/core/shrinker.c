/*
 * shrinker.c - the shrinker list, the kernel's do_shrink_slab protocol and
 * the reclaim windows that turn frees into progress.
 *
 * Shrinkers are caller-owned structs on one list per instance, guarded by
 * shrinker_lock (a leaf spin lock). A pass pins the shrinker it is about to
 * call (core.active), drops the lock, calls count and scan, then retakes
 * the lock to step to the next one: no allocator lock is ever held across a
 * callback. Unregistering marks a shrinker dying so no pass pins it again;
 * the last unpin (or the unregister itself, when none runs) unlinks it.
 *
 * How much a shrinker is asked to scan follows do_shrink_slab: in 4.1 the
 * node's share of "LRU pages scanned" (4 * scanned / seeks * freeable /
 * eligible, capped at half the objects when small and at twice them, with
 * deferred work added), in 6.1 freeable >> priority * 4 / seeks plus the
 * deferred work >> priority. Work that was asked for but not done is
 * carried to the next pass per node (nr_deferred).
 *
 * Progress is not what a shrinker returns. While direct reclaim or kswapd
 * runs shrinkers it keeps a reclaim window open for its task
 * (pz_reclaim_state, the kernel's current->reclaim_state); every free by
 * that task that reaches the free lists is credited to it
 * (pz_reclaim_note_free, called by free.c while PZ_OFF_RECLAIM is set),
 * through a counter in the task itself: frees of other threads take no
 * lock and write nothing shared.
 */
#include "internal.h"

enum {
	SHRINKER_NONE = 0,
	SHRINKER_LIVE = 0x5a1,
	SHRINKER_DYING,
	SHRINKER_GONE
};

/* Slab pressure by reclaim priority (4.16), scan counts from nr_scanned
 * and seeks 0 as 6.1 has them; 4.1 and 4.4 scale by the LRU scan. */
static bool by_priority(const struct pz *pz)
{
	return pz_kver(pz) >= PZ_KV(4, 16);
}

void pz_reclaim_init(struct pz *pz)
{
	pz_lock_init(&pz->shrinker_lock);
	pz_lock_init(&pz->reclaim_lock);
	for (unsigned n = 0; n < pz->nr_nodes; n++) {
		struct pz_kswapd *k = &pz->kswapd[n];

		atomic_init(&k->order, 0);
		atomic_init(&k->classzone,
			    pz_kver(pz) < PZ_KV(4, 8) ? PZ_NR_ZONE_TYPES - 1 : PZ_NR_ZONE_TYPES);
		atomic_init(&k->asleep, 1);
		k->resume = PZ_KSWAPD_AFTER_SLEEP;
		k->cur_classzone = PZ_NR_ZONE_TYPES - 1;
		k->balanced_classzone = PZ_NR_ZONE_TYPES - 1;
	}
}

/* ---- reclaim windows ---------------------------------------------------- */
/*
 * A task's windows in one instance share one slot of the task
 * (task->core[i], the kernel's current->reclaim_state): the first window
 * claims a free slot (owner 0 -> pz, by compare-and-swap: another instance
 * may claim another slot of the same task at the same time), the last one
 * to close frees it, both under pz->reclaim_lock, which orders this
 * instance's windows only. A free reads the owners of the freeing task's
 * slots and adds to the matching slot's counter, with atomics and no lock
 * (pz_reclaim_note_free); a window's progress is the counter's growth since
 * it opened. So every window open on a task sees every page that task
 * freed in the same instance while it was open: nested windows, and the
 * windows of all threads sharing the task (the default task's threads),
 * as before. A free racing with the first open or last close of a shared
 * task's window may land on either side of it.
 */

static struct pz_task *task_rw(const struct pz_task *t)
{
	return (struct pz_task *)(uintptr_t)t;
}

/* The slot of the current task for pz, or -1 (lock-free). */
static int slot_of(const struct pz *pz, const struct pz_task *t)
{
	for (int i = 0; i < PZ_TASK_RECLAIM_SLOTS; i++)
		if (__atomic_load_n(&t->core[i].pz, __ATOMIC_ACQUIRE) == (uintptr_t)pz)
			return i;
	return -1;
}

/* This instance's slot of t, claimed if need be; -1: none free, or too
 * deep (one window per thread sharing the task, plus one of nesting). */
static int slot_claim_locked(struct pz *pz, struct pz_task *t)
{
	int i = slot_of(pz, t);

	pz_assert_locked(pz, &pz->reclaim_lock, "pz->reclaim_lock");
	if (i >= 0)
		return __atomic_load_n(&t->core[i].open, __ATOMIC_RELAXED) > pz->nr_cpus ? -1 : i;
	for (i = 0; i < PZ_TASK_RECLAIM_SLOTS; i++) {
		uintptr_t none = 0;

		if (__atomic_compare_exchange_n(&t->core[i].pz, &none, (uintptr_t)pz, false,
						__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return i;
	}
	return -1;
}

bool pz_reclaim_open(struct pz *pz, struct pz_reclaim_state *rs)
{
	struct pz_task *t = task_rw(pz_task_current(pz));
	int i;

	rs->task = t;
	rs->running = false;
	pz_lock(pz, &pz->reclaim_lock);
	i = slot_claim_locked(pz, t);
	if (i < 0) {
		pz_unlock(&pz->reclaim_lock);
		return false;
	}
	rs->slot = (unsigned)i;
	__atomic_add_fetch(&t->core[i].open, 1, __ATOMIC_RELAXED);
	rs->start = __atomic_load_n(&t->core[i].freed, __ATOMIC_RELAXED);
	if (!pz->reclaim_open++)
		atomic_fetch_or_explicit(&pz->fast_off, PZ_OFF_RECLAIM, memory_order_relaxed);
	pz_unlock(&pz->reclaim_lock);
	/* PF_MEMALLOC: an allocation from a shrinker may use the reserves and
	 * does not reclaim again. Not on the shared default task: that would
	 * give every thread without a task the reserves. */
	rs->set_memalloc = t != &pz->default_task && !(t->flags & PZ_TASK_MEMALLOC);
	if (rs->set_memalloc)
		t->flags |= PZ_TASK_MEMALLOC;
	return true;
}

void pz_reclaim_close(struct pz *pz, struct pz_reclaim_state *rs)
{
	struct pz_task *t = rs->task;

	if (rs->set_memalloc)
		t->flags &= ~PZ_TASK_MEMALLOC;
	pz_lock(pz, &pz->reclaim_lock);
	if (!__atomic_sub_fetch(&t->core[rs->slot].open, 1, __ATOMIC_RELAXED))
		__atomic_store_n(&t->core[rs->slot].pz, 0, __ATOMIC_RELEASE);
	if (!--pz->reclaim_open)
		atomic_fetch_and_explicit(&pz->fast_off, ~(unsigned)PZ_OFF_RECLAIM,
					  memory_order_relaxed);
	pz_unlock(&pz->reclaim_lock);
}

uint64_t pz_reclaim_progress(struct pz *pz, struct pz_reclaim_state *rs)
{
	(void)pz;
	return __atomic_load_n(&rs->task->core[rs->slot].freed, __ATOMIC_RELAXED) - rs->start;
}

/* The freeing task's slot for this instance, if it has one, gets the
 * pages: one or two loads of the task's own memory, no lock. */
void pz_reclaim_note_free(struct pz *pz, uint64_t pages)
{
	struct pz_task *t = task_rw(pz_task_current(pz));
	int i = slot_of(pz, t);

	if (i >= 0)
		__atomic_add_fetch(&t->core[i].freed, pages, __ATOMIC_RELAXED);
}

static void set_running(struct pz_reclaim_state *rs, bool on)
{
	if (rs->running == on)
		return;
	rs->running = on;
	if (on)
		__atomic_add_fetch(&rs->task->core[rs->slot].running, 1, __ATOMIC_RELAXED);
	else
		__atomic_sub_fetch(&rs->task->core[rs->slot].running, 1, __ATOMIC_RELAXED);
}

/* Is the calling task inside a shrinker callback of one of its windows? */
static bool in_callback(struct pz *pz)
{
	const struct pz_task *t = pz_task_current(pz);
	int i = slot_of(pz, t);

	return i >= 0 && __atomic_load_n(&t->core[i].running, __ATOMIC_RELAXED);
}

/* ---- registration ------------------------------------------------------- */

void pz_shrinker_init(struct pz_shrinker *s)
{
	if (!s)
		return;
	pz_memzero(s, sizeof(*s));
	s->seeks = PZ_DEFAULT_SEEKS;
}

int pz_register_shrinker(pz_t *pz, struct pz_shrinker *s)
{
	unsigned st;

	if (!pz_instance_ok(pz) || !s || !s->count_objects || !s->scan_objects || s->seeks < 0 ||
	    s->batch < 0 || (s->seeks == 0 && !by_priority(pz)))
		return -PZ_EINVAL;
	pz_lock(pz, &pz->shrinker_lock);
	st = __atomic_load_n(&s->core.state, __ATOMIC_RELAXED);
	if (st == SHRINKER_LIVE || st == SHRINKER_DYING) {
		pz_unlock(&pz->shrinker_lock);
		return -PZ_EINVAL;
	}
	for (unsigned n = 0; n < PZ_MAX_NODES; n++)
		s->core.nr_deferred[n] = 0;
	s->core.owner = pz;
	s->core.active = 0;
	s->core.next = (struct pz_shrinker *)0;
	s->core.prev = pz->shrinker_tail;
	if (pz->shrinker_tail)
		pz->shrinker_tail->core.next = s;
	else
		pz->shrinker_head = s;
	pz->shrinker_tail = s;
	__atomic_store_n(&s->core.state, SHRINKER_LIVE, __ATOMIC_RELEASE);
	pz_unlock(&pz->shrinker_lock);
	return 0;
}

/* Under shrinker_lock: take a dying shrinker nobody calls off the list. */
static void unlink_if_idle_locked(struct pz *pz, struct pz_shrinker *s)
{
	pz_assert_locked(pz, &pz->shrinker_lock, "pz->shrinker_lock");
	if (__atomic_load_n(&s->core.state, __ATOMIC_RELAXED) != SHRINKER_DYING || s->core.active)
		return;
	if (s->core.prev)
		s->core.prev->core.next = s->core.next;
	else
		pz->shrinker_head = s->core.next;
	if (s->core.next)
		s->core.next->core.prev = s->core.prev;
	else
		pz->shrinker_tail = s->core.prev;
	s->core.next = s->core.prev = (struct pz_shrinker *)0;
	__atomic_store_n(&s->core.state, SHRINKER_GONE, __ATOMIC_RELEASE);
}

int pz_unregister_shrinker(pz_t *pz, struct pz_shrinker *s)
{
	unsigned st;

	if (!pz_instance_ok(pz) || !s || s->core.owner != pz)
		return -PZ_EINVAL;
	pz_lock(pz, &pz->shrinker_lock);
	st = __atomic_load_n(&s->core.state, __ATOMIC_RELAXED);
	if (st == SHRINKER_LIVE)
		__atomic_store_n(&s->core.state, SHRINKER_DYING, __ATOMIC_RELAXED);
	else if (st != SHRINKER_DYING) {
		pz_unlock(&pz->shrinker_lock);
		/* a deferred unregistration finished: hand the memory back */
		if (st != SHRINKER_GONE)
			return -PZ_EINVAL;
		__atomic_store_n(&s->core.state, SHRINKER_NONE, __ATOMIC_RELAXED);
		s->core.owner = (const void *)0;
		return 0;
	}
	unlink_if_idle_locked(pz, s);
	pz_unlock(&pz->shrinker_lock);
	if (__atomic_load_n(&s->core.state, __ATOMIC_ACQUIRE) == SHRINKER_DYING && in_callback(pz))
		return 1;
	while (__atomic_load_n(&s->core.state, __ATOMIC_ACQUIRE) == SHRINKER_DYING)
		if (pz->plat.relax)
			pz->plat.relax(pz->plat.ctx);
	__atomic_store_n(&s->core.state, SHRINKER_NONE, __ATOMIC_RELAXED);
	s->core.owner = (const void *)0;
	return 0;
}

/* ---- do_shrink_slab ----------------------------------------------------- */

/* How many objects this pass asks for, and the deferred work it took. */
struct scan_plan {
	long total; /* total_scan */
	long nr;    /* deferred work taken from nr_deferred */
	long delta; /* this pass's own share */
	long next;  /* 4.4: next_deferred, the work before the caps */
	unsigned long freeable;
};

/* 4.1: the node's share of the LRU scan, then the two caps. */
static void plan_41(const struct pz_shrinker *s, const struct pz_shrink_req *req,
		    struct scan_plan *pl)
{
	uint64_t scanned = req->nr_scanned ? req->nr_scanned : PZ_SWAP_CLUSTER_MAX;
	unsigned long long delta = 4ull * scanned / (unsigned)s->seeks;

	/* saturating, and kept clear of the long's sign: the caps below cut
	 * the total scanned to 2 * freeable, but 4.4 defers the whole of it
	 * (a scan ratio above 1 included), as its do_shrink_slab does */
	if (delta && pl->freeable > ~0ull / delta)
		delta = ~0ull;
	else
		delta *= pl->freeable;
	delta /= req->nr_eligible + 1;
	if (delta > (~0ull >> 2))
		delta = ~0ull >> 2;
	pl->delta = (long)delta;
	/* ours: the sum saturates where the kernel's long would wrap */
	pl->total =
		pl->nr > (long)(~0ull >> 1) - pl->delta ? (long)(~0ull >> 1) : pl->nr + pl->delta;
	pl->next = pl->total;
	if (pl->total < 0) { /* the kernel's "shrink_slab: negative objects" */
		pl->total = (long)pl->freeable;
		pl->next = pl->nr;
	}
	if ((unsigned long)pl->delta < pl->freeable / 4 &&
	    (unsigned long)pl->total > pl->freeable / 2)
		pl->total = (long)(pl->freeable / 2);
	if ((unsigned long)pl->total > pl->freeable * 2)
		pl->total = (long)(pl->freeable * 2);
}

/* 6.1: by priority; seeks 0 means "cheap to recreate: half of them". */
static void plan_61(const struct pz_shrinker *s, const struct pz_shrink_req *req,
		    struct scan_plan *pl)
{
	unsigned long delta;

	if (s->seeks) {
		delta = pl->freeable >> req->priority;
		delta *= 4;
		delta /= (unsigned)s->seeks;
	} else {
		delta = pl->freeable / 2;
	}
	pl->delta = (long)delta;
	pl->total = (long)((unsigned long)pl->nr >> req->priority) + pl->delta;
	if ((unsigned long)pl->total > 2 * pl->freeable)
		pl->total = (long)(2 * pl->freeable);
}

/* One scan call, counted as the kernel counts it. Returns false on STOP. */
static bool scan_batch(struct pz *pz, struct pz_shrinker *s, struct pz_shrink_control *sc,
		       unsigned long nr_to_scan, long *total, long *scanned)
{
	bool modern = by_priority(pz);
	unsigned long ret, done;

	sc->nr_to_scan = nr_to_scan;
	sc->nr_scanned = nr_to_scan;
	ret = s->scan_objects(s, sc);
	if (ret == PZ_SHRINK_STOP)
		return false;
	done = modern ? sc->nr_scanned : nr_to_scan;
	if (!done) /* 6.1 would loop for ever on a scan that scans nothing */
		return false;
	pz_count_vm_event(pz, PZ_VM_SLABS_SCANNED, done);
	*total -= (long)done;
	*scanned += (long)done;
	return true;
}

/* do_shrink_slab: returns the objects the scans claimed they freed. */
static void do_shrink_slab(struct pz *pz, struct pz_shrinker *s, struct pz_shrink_control *sc,
			   struct pz_shrink_req *req)
{
	bool modern = by_priority(pz);
	long batch = s->batch ? s->batch : PZ_SHRINK_BATCH, scanned = 0, next;
	long *deferred = &s->core.nr_deferred[sc->nid];
	struct scan_plan pl;

	pl.freeable = s->count_objects(s, sc);
	if (pl.freeable == 0 || pl.freeable == PZ_SHRINK_EMPTY)
		return;
	/* ours: an absurd count would overflow the arithmetic below (the
	 * kernel's longs wrap there); read it as the largest that fits */
	if (pl.freeable > PZ_SHRINK_MAX_OBJECTS)
		pl.freeable = PZ_SHRINK_MAX_OBJECTS;
	req->counted = req->counted > ~0ull - pl.freeable ? ~0ull : req->counted + pl.freeable;
	pl.nr = __atomic_exchange_n(deferred, 0, __ATOMIC_RELAXED);
	if (modern)
		plan_61(s, req, &pl);
	else
		plan_41(s, req, &pl);
	while (pl.total >= batch || (unsigned long)pl.total >= pl.freeable) {
		unsigned long n = (unsigned long)(pl.total < batch ? pl.total : batch);

		if (!scan_batch(pz, s, sc, n, &pl.total, &scanned))
			break;
		req->asked += n;
	}
	if (modern) {
		next = pl.nr + pl.delta - scanned;
		next = next < 0 ? 0 : next;
		next = (unsigned long)next > 2 * pl.freeable ? (long)(2 * pl.freeable) : next;
	} else if (pz_kver(pz) >= PZ_KV(4, 4)) { /* next_deferred minus what was scanned */
		next = pl.next > scanned ? pl.next - scanned : 0;
	} else { /* 4.1: what is left of total_scan */
		next = pl.total > 0 ? pl.total : 0;
	}
	if (next)
		__atomic_add_fetch(deferred, next, __ATOMIC_RELAXED);
}

/* The next live shrinker from s (s included), pinned; NULL at the end. */
static struct pz_shrinker *pin_from_locked(struct pz *pz, struct pz_shrinker *s)
{
	pz_assert_locked(pz, &pz->shrinker_lock, "pz->shrinker_lock");
	while (s && __atomic_load_n(&s->core.state, __ATOMIC_RELAXED) != SHRINKER_LIVE)
		s = s->core.next;
	if (s)
		s->core.active++;
	return s;
}

uint64_t pz_shrink_slab(struct pz *pz, struct pz_reclaim_state *rs, struct pz_shrink_req *req)
{
	uint64_t before = pz_reclaim_progress(pz, rs), asked, got;
	struct pz_shrinker *s, *next;

	req->asked = req->counted = 0;
	pz_lock(pz, &pz->shrinker_lock);
	s = pin_from_locked(pz, pz->shrinker_head);
	while (s) {
		struct pz_shrink_control sc = {req->gfp, 0, 0, 0, req->priority};

		pz_unlock(&pz->shrinker_lock);
		if (s->flags & PZ_SHRINKER_NUMA_AWARE)
			sc.nid = req->nid;
		set_running(rs, true);
		do_shrink_slab(pz, s, &sc, req);
		set_running(rs, false);
		pz_lock(pz, &pz->shrinker_lock);
		next = pin_from_locked(pz, s->core.next);
		s->core.active--;
		unlink_if_idle_locked(pz, s);
		s = next;
	}
	pz_unlock(&pz->shrinker_lock);
	got = pz_reclaim_progress(pz, rs) - before;
	asked = req->asked;
	pz_count_vm_event(pz, req->kswapd ? PZ_VM_PGSCAN_KSWAPD : PZ_VM_PGSCAN_DIRECT, asked);
	pz_count_vm_event(pz, req->kswapd ? PZ_VM_PGSTEAL_KSWAPD : PZ_VM_PGSTEAL_DIRECT, got);
	pz_count_n(&pz->zone_ev[req->zone_type]
			       [req->kswapd ? PZ_ZEV_PGSCAN_KSWAPD : PZ_ZEV_PGSCAN_DIRECT],
		   asked);
	pz_count_n(&pz->zone_ev[req->zone_type]
			       [req->kswapd ? PZ_ZEV_PGSTEAL_KSWAPD : PZ_ZEV_PGSTEAL_DIRECT],
		   got);
	return got;
}
