/*
 * workload.h - the built-in mixed workload of `pagezone run` and
 * `pagezone highalloc`: a simulated busy kernel that owns every page it
 * allocates (slab, page tables, caches behind shrinkers, user pages behind
 * a migrate callback, atomic bursts, order-9 attempts). It uses only the
 * public header.
 */
#ifndef PAGEZONE_WORKLOAD_H
#define PAGEZONE_WORKLOAD_H

#include <pagezone.h>

#include <stdint.h>

/* What a block is for; each kind has its own gfp and its own owner. */
enum wl_kind {
	WL_SLAB = 0,  /* kmalloc-like unmovable objects, orders 0-3 */
	WL_PGTABLE,   /* page tables of a process, order 0, unmovable */
	WL_DENTRY,    /* reclaimable slab (dentries, inodes) behind a shrinker */
	WL_PAGECACHE, /* file pages: movable, behind a shrinker and the migrate callback */
	WL_ANON,      /* user pages of a process: movable (migrate callback) */
	WL_ATOMIC,    /* GFP_ATOMIC bursts (network receive), freed soon after */
	WL_HUGE,      /* periodic order-9 attempts (THP faults) */
	WL_NR_KINDS,
};
#define WL_NR_ORDER_CLASSES 4 /* order 0, 1-3, 4-8, 9 and up */

/* Counters of one run; all deterministic for a given seed. */
struct wl_stats {
	uint64_t steps, allocs, frees;
	uint64_t attempts[WL_NR_KINDS][WL_NR_ORDER_CLASSES];
	uint64_t failures[WL_NR_KINDS][WL_NR_ORDER_CLASSES];
	uint64_t huge_attempts, huge_successes; /* order >= pageblock order */
	uint64_t shrinker_freed, migrated, migrate_refused, oom_kills, oom_nothing;
	uint64_t process_exits;
	/* linux-6.1 (wl_params.reaper): kills whose victim was left pending
	 * for the OOM reaper, reap callback calls and the pages they freed */
	uint64_t oom_pending, reap_calls, reap_freed;
};

struct workload;

/* Called after every step (step counts from 0; series_hook fits); a NULL
 * fn calls nothing. The pictures' time series hook in here. */
struct wl_hook {
	void (*fn)(void *arg, uint64_t step);
	void *arg;
};

struct wl_params {
	uint64_t seed;
	unsigned cpus;	     /* simulated CPUs the steps rotate over */
	int compaction;	     /* register the migrate callback */
	int fill;	     /* percent of memory held by slab + anon targets, 0..95 */
	struct wl_hook hook; /* per-step hook */
	/* The profile has an OOM reaper (linux-6.1): a kill frees what exit
	 * frees at once and leaves the victim's user pages to the reap
	 * callback. 0: a kill frees the whole victim (linux-4.1, 4.4). */
	int reaper;
	/* Steps between two timeouts of kcompactd (pz_kcompactd_tick of every
	 * node: proactive compaction, linux-6.1); 0: no timer. */
	unsigned kcompactd_tick;
};

/* The deterministic platform the workload's instance needs: CPU from the
 * workload, no waiting, kswapd inline, warnings to stderr. */
const struct pz_platform *wl_platform(void);
/* Sets up the workload on pz (shrinkers, migrate and OOM handlers). NULL
 * when out of memory. */
struct workload *wl_create(pz_t *pz, const struct wl_params *p);
/* Runs n steps of the mixed workload. Returns 0, or -1 when the tool ran
 * out of memory for its bookkeeping. */
int wl_run(struct workload *w, uint64_t n);
/* One allocation of the given kind and order through the workload's
 * accounting (highalloc's attempts). Returns 1 on success, 0 on failure,
 * -1 out of bookkeeping memory. The block is kept as a WL_HUGE block of
 * the "attempts" owner until wl_release_attempts. */
int wl_attempt(struct workload *w, pz_gfp_t gfp, unsigned order);
void wl_release_attempts(struct workload *w);
/* The load goes away (highalloc's rest phase): every process exits and the
 * atomic blocks are freed; slab and caches stay. */
void wl_quiesce(struct workload *w);
/* Frees everything, unregisters the callbacks, frees w. */
void wl_destroy(struct workload *w);

const struct wl_stats *wl_stats(const struct workload *w);
const char *wl_kind_name(enum wl_kind k);
const char *wl_order_class_name(unsigned c);
/* Blocks and pages the workload holds now. */
uint64_t wl_live_blocks(const struct workload *w);
uint64_t wl_live_pages(const struct workload *w);
/* The latency of the allocations so far at permille (500 = median), in
 * work units (workload_steps.c says what they count); values from 65536
 * up are rounded down to a power of two. 0 before any allocation. */
uint64_t wl_latency_pct(const struct workload *w, unsigned permille);

#endif /* PAGEZONE_WORKLOAD_H */
