/*
 * workload_steps.c - what one step of the mixed workload does: a simulated
 * busy kernel, seeded, single-threaded, on CPUs taken in turn at random.
 *
 * Each step does one of (by weight): a process touches 1-32 user pages
 * (movable; every 512th page also costs a page table; a process above
 * its size unmaps pages instead) 40%, a file read brings 1-32 page-cache
 * pages (movable, reclaimable through a shrinker) 25%, 1-4 dentries or
 * inodes (reclaimable slab, another shrinker) 10%, a slab object of order
 * 0-3 is allocated or freed around the slab's target 25%. Besides: every
 * 256 steps a burst of 32 GFP_ATOMIC blocks (network receive) freed 128
 * steps later, every 512 steps a transparent-huge-page fault (order 9,
 * GFP_TRANSHUGE), and now and then a process exits (all its memory goes)
 * and a new one starts. The caches are never trimmed by the workload
 * itself: they grow until reclaim (kswapd, direct reclaim) shrinks them,
 * as the page cache of a busy machine fills its free memory.
 *
 * Latency is counted in work units, not in wall time (which would make
 * runs differ): one per allocation call, plus the objects its direct
 * reclaim asked the shrinkers to scan, plus, when the call compacted
 * directly, the pages the compaction scanners looked at and the migrate
 * callbacks made. kswapd runs inline in deterministic mode; its work is
 * not charged to the call that woke it. With wl_params.kcompactd_tick,
 * every that many steps stand for kcompactd's 500 ms timeout: each node's
 * pz_kcompactd_tick runs after the step (proactive compaction, 6.1).
 */
#include "workload_int.h"
#include "progress.h"

#include <string.h>

static uint64_t ev_sum(const uint64_t *ev, const int *which, size_t n)
{
	uint64_t s = 0;

	for (size_t i = 0; i < n; i++)
		s += ev[which[i]];
	return s;
}

/* The direct work a call did, from the counters before and after it. */
static uint64_t call_cost(const uint64_t *a, const uint64_t *b, uint64_t calls)
{
	static const int comp[] = {PZ_VM_COMPACT_MIGRATE_SCANNED, PZ_VM_COMPACT_FREE_SCANNED};
	static const int daemon[] = {PZ_VM_COMPACT_DAEMON_MIGRATE_SCANNED,
				     PZ_VM_COMPACT_DAEMON_FREE_SCANNED};
	uint64_t cost = 1 + b[PZ_VM_PGSCAN_DIRECT] - a[PZ_VM_PGSCAN_DIRECT];

	if (b[PZ_VM_COMPACT_STALL] != a[PZ_VM_COMPACT_STALL])
		cost += ev_sum(b, comp, 2) - ev_sum(a, comp, 2) - ev_sum(b, daemon, 2) +
			ev_sum(a, daemon, 2) + calls;
	return cost;
}

static void lat_add(struct workload *w, uint64_t cost)
{
	unsigned b = 0;

	w->lat_n++;
	if (cost < WL_LAT_EXACT) {
		w->lat_exact[cost]++;
		return;
	}
	while (b + 1 < WL_LAT_LOG && (cost >> (b + 17)))
		b++;
	w->lat_log[b]++;
}

uint64_t wl_latency_pct(const struct workload *w, unsigned permille)
{
	uint64_t want = (w->lat_n * permille + 999) / 1000, seen = 0;

	if (!w->lat_n)
		return 0;
	for (uint64_t v = 0; v < WL_LAT_EXACT; v++)
		if ((seen += w->lat_exact[v]) >= want)
			return v;
	for (unsigned b = 0; b < WL_LAT_LOG; b++)
		if ((seen += w->lat_log[b]) >= want)
			return (uint64_t)WL_LAT_EXACT << b;
	return UINT64_MAX;
}

static unsigned order_class(unsigned order)
{
	return order == 0 ? 0 : order <= 3 ? 1 : order <= 8 ? 2 : 3;
}

/* One allocation with its accounting; NULL when it failed. */
static pz_page_t *wl_alloc(struct workload *w, enum wl_kind kind, pz_gfp_t gfp, unsigned order)
{
	uint64_t a[PZ_NR_VM_EVENTS], b[PZ_NR_VM_EVENTS];
	struct pz_compaction_stats ca, cb;
	unsigned c = order_class(order);
	pz_page_t *p;

	pz_vm_events(w->pz, a, PZ_NR_VM_EVENTS);
	pz_compaction_stats(w->pz, &ca);
	p = pz_alloc_pages(w->pz, gfp | (order ? PZ__GFP_COMP : 0), order);
	pz_vm_events(w->pz, b, PZ_NR_VM_EVENTS);
	pz_compaction_stats(w->pz, &cb);
	lat_add(w, call_cost(a, b, cb.calls - ca.calls));
	w->stats.allocs++;
	w->stats.attempts[kind][c]++;
	w->stats.failures[kind][c] += !p;
	if (order >= pz_pageblock_order(w->pz)) {
		w->stats.huge_attempts++;
		w->stats.huge_successes += !!p;
	}
	return p;
}

/* Where a kept block goes: a pool, a ring, or the ring of its node in a
 * cache. */
struct wl_dest {
	struct wl_pool *pool;
	struct wl_ring *ring;
	struct wl_cache *cache;
};

/* Allocates and keeps n blocks; stops at the first failure. */
static int alloc_keep(struct workload *w, enum wl_kind kind, pz_gfp_t gfp, unsigned order,
		      unsigned n, struct wl_dest d)
{
	for (unsigned i = 0; i < n; i++) {
		pz_page_t *p = wl_alloc(w, kind, gfp, order);
		uint32_t e;

		if (!p)
			return 0;
		if (d.cache)
			d.ring = &d.cache->ring[pz_page_to_nid(w->pz, p)];
		if (wl_keep(w, p, order, kind, d.pool, d.ring, &e))
			return -1;
		if (kind == WL_ANON && wl_rnd(w) % 50 == 0) /* 2%: pinned for DMA */
			w->entries[e].pinned = 1;
	}
	return 0;
}

int wl_attempt(struct workload *w, pz_gfp_t gfp, unsigned order)
{
	pz_page_t *p = wl_alloc(w, WL_HUGE, gfp, order);

	if (!p)
		return 0;
	uint32_t e;

	return wl_keep(w, p, order, WL_HUGE, &w->attempts, NULL, &e) ? -1 : 1;
}

/* ---- the actions of a step ------------------------------------------- */

static uint64_t anon_total(const struct workload *w)
{
	return w->managed * (uint64_t)w->params.fill / 100 * 3 / 4;
}

static void proc_spawn(struct workload *w, struct wl_proc *pr)
{
	uint64_t avg = anon_total(w) / WL_NPROC + 1;

	pr->target = avg / 4 + wl_rnd(w) % (avg * 3 / 2 + 1);
	pr->anon = 0;
	if (pr->victim) /* a reaped victim exits; its slot is a new process */
		pz_oom_victim_exited(w->pz, pr->victim);
	pr->victim = 0;
}

/* A process touches memory, or unmaps some when at its size. */
static int step_anon(struct workload *w)
{
	struct wl_proc *pr = &w->proc[wl_rnd(w) % WL_NPROC];
	unsigned k = 1 + (unsigned)(wl_rnd(w) % 32);

	if (!pr->target)
		proc_spawn(w, pr);
	if (pr->victim) /* killed: it faults nothing until it is gone */
		return 0;
	if (pr->pool.pages >= pr->target) {
		for (; k && pr->pool.n; k--)
			wl_pool_free_at(w, &pr->pool, (uint32_t)(wl_rnd(w) % pr->pool.n));
		return 0;
	}
	pr->anon += k;
	if (pr->anon >= 512) {
		pr->anon -= 512;
		if (alloc_keep(w, WL_PGTABLE, PZ_GFP_KERNEL, 0, 1,
			       (struct wl_dest){&pr->pool, 0, 0}))
			return -1;
	}
	return alloc_keep(w, WL_ANON, PZ_GFP_HIGHUSER_MOVABLE, 0, k,
			  (struct wl_dest){&pr->pool, 0, 0});
}

static int step_slab(struct workload *w)
{
	uint64_t target = w->managed * (uint64_t)w->params.fill / 100 / 4;
	unsigned r = (unsigned)(wl_rnd(w) % 100);
	unsigned order = r < 80 ? 0 : r < 90 ? 1 : r < 95 ? 2 : 3;

	if (w->slab.n && (w->slab.pages >= target || wl_rnd(w) % 100 < 35)) {
		wl_pool_free_at(w, &w->slab, (uint32_t)(wl_rnd(w) % w->slab.n));
		return 0;
	}
	return alloc_keep(w, WL_SLAB, PZ_GFP_KERNEL, order, 1, (struct wl_dest){&w->slab, 0, 0});
}

/* Network receive: a burst now, freed 128 steps later. */
static int step_atomic(struct workload *w)
{
	uint64_t now = w->stats.steps;

	while (w->atomic.n && (uint32_t)now - w->entries[w->atomic.buf[w->atomic.head]].born >= 128)
		wl_ring_free_head(w, &w->atomic);
	if (now % 256)
		return 0;
	for (int i = 0; i < 32; i++) {
		unsigned order = wl_rnd(w) % 8 ? 0 : 1 + (unsigned)(wl_rnd(w) % 3);

		if (alloc_keep(w, WL_ATOMIC, PZ_GFP_ATOMIC | PZ__GFP_NOWARN, order, 1,
			       (struct wl_dest){0, &w->atomic, 0}))
			return -1;
	}
	return 0;
}

/* A THP fault now and then; a process exit now and then. */
static int step_rare(struct workload *w)
{
	uint64_t every_exit = anon_total(w) / 64 + 1;
	struct wl_proc *pr = &w->proc[wl_rnd(w) % WL_NPROC];

	if (wl_rnd(w) % every_exit == 0 && pr->target) {
		wl_proc_exit(w, pr);
		w->stats.process_exits++;
	}
	if (w->stats.steps % 512 != 511 || !pr->target || pr->victim)
		return 0;
	return alloc_keep(w, WL_HUGE, PZ_GFP_TRANSHUGE, pz_pageblock_order(w->pz), 1,
			  (struct wl_dest){&pr->pool, 0, 0});
}

static int step(struct workload *w)
{
	unsigned r;
	int rc;

	wl_set_cpu((unsigned)(wl_rnd(w) % w->params.cpus));
	if (step_atomic(w) || step_rare(w))
		return -1;
	r = (unsigned)(wl_rnd(w) % 100);
	if (r < 40)
		rc = step_anon(w);
	else if (r < 65)
		rc = alloc_keep(w, WL_PAGECACHE, PZ_GFP_HIGHUSER_MOVABLE, 0,
				1 + (unsigned)(wl_rnd(w) % 32),
				(struct wl_dest){0, 0, &w->pagecache});
	else if (r < 75)
		rc = alloc_keep(w, WL_DENTRY, PZ_GFP_KERNEL | PZ__GFP_RECLAIMABLE, 0,
				1 + (unsigned)(wl_rnd(w) % 4), (struct wl_dest){0, 0, &w->dentry});
	else
		rc = step_slab(w);
	return rc;
}

int wl_run(struct workload *w, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		if (step(w))
			return -1;
		if (w->params.kcompactd_tick &&
		    (w->stats.steps + 1) % w->params.kcompactd_tick == 0)
			for (unsigned nid = 0; nid < pz_nr_nodes(w->pz); nid++)
				pz_kcompactd_tick(w->pz, (int)nid);
		if (w->params.hook.fn)
			w->params.hook.fn(w->params.hook.arg, w->stats.steps);
		w->stats.steps++;
		progress_tick(1);
	}
	return 0;
}

static const char *const kind_names[WL_NR_KINDS] = {
	"slab", "pgtable", "dentry", "pagecache", "anon", "atomic", "huge",
};

const char *wl_kind_name(enum wl_kind k)
{
	return (unsigned)k < WL_NR_KINDS ? kind_names[k] : "?";
}

const char *wl_order_class_name(unsigned c)
{
	static const char *const names[WL_NR_ORDER_CLASSES] = {"0", "1-3", "4-8", "9+"};

	return c < WL_NR_ORDER_CLASSES ? names[c] : "?";
}
