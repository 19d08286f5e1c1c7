/*
 * model_pressure.h - the reference model (model.h) extended to memory
 * pressure: direct reclaim through shrinkers and compaction through a
 * migrate callback, in a deterministic single-CPU run of one node.
 *
 * Written from the kernels' behaviour (mm/vmscan.c do_shrink_slab and
 * shrink_zones, mm/compaction.c of 4.1, 4.4 and 6.1), not from src/core:
 * linux-4.4 follows 4.1 (zone-based reclaim and kswapd, 4.x compaction,
 * the same slow-path order for these requests) but for do_shrink_slab's
 * deferred work (the total before its caps, less what was scanned) and
 * the HIGHATOMIC block direct reclaim gives back (as 6.1: not a zone's
 * last one) before its drain-and-retry. The
 * model predicts every shrinker call (nr_to_scan), the deferred work each
 * shrinker carries, the progress reclaim reports, kswapd's rounds in
 * deterministic mode at any order (balance_pgdat of 4.1 - zone_balanced
 * with compaction_suitable, the quarter-of-the-node rule, testorder,
 * compact_pgdat, 4.1's loop picking up new work - and of 6.1, the order
 * dropped once twice its size came back, and ZONE_RECLAIM_ACTIVE from
 * its start to its end: model.c's flushes at min(4 * batch, high) for the
 * frees its shrinker calls cause), the sleep
 * decision with reset_isolation_suitable, kswapd_failures), 6.1's
 * watermark boost (boosted marks in every check that reads wmark_pages,
 * kswapd's boosted pass, its restart as plain reclaim and the boosts
 * taken off at its end, rmqueue's wake-up of a boosted zone,
 * watermark_boost_factor), kcompactd woken by kswapd and run inline
 * (wakeup_kcompactd on the recorded order and zone, kcompactd_do_work,
 * its deferral and drains), 6.1's capture_control (the block a direct
 * compaction captures, through model.c's capture hook) and proactive
 * compaction (the fragmentation score, kcompactd's timeout and its
 * backoff), requests that wake kswapd without
 * reclaiming (wake_all_kswapds, 6.1's second wake and MIN attempt), the
 * pseudo-LRU
 * pages_scanned figure, every migrate callback call (source, target,
 * answer) in order, the free lists, pcp lists and labels afterwards
 * (model_compare), each zone's cached scanner positions, skip bits and
 * deferral state, and the reclaim and compaction vm events.
 *
 * The workload is shared by the test and the model: the test cache
 * (struct mp_cache: FIFO objects given back oldest first), a lying
 * shrinker (claims what it did not free, stops every third call) and the
 * owner's answer to a migrate call (mp_answer, a function of the source
 * pfn and how often it was asked) - what the owner would do is input,
 * what the allocator does with it is predicted.
 *
 * Requests that retry and reach the OOM step, the OOM handler and 6.1's
 * OOM reaper are model_oom.h's, on top of this model.
 *
 * Use after model_load (model.h):
 *	mp_reset(seed);			(compaction state of every zone)
 *	mp_cache_add(&mp.cache, pfn, order)	mirror of what the test's cache holds
 *	mp_register(MP_CACHE) / mp_unregister(i)
 *	uint64_t got = mp_direct_reclaim(gfp, order);
 *	mp_compact_manual(zi);
 *	int w = mp_wakeup_kswapd(type, order);
 *	ok = mp_alloc_nowait(gfp, order, &pfn);
 *	int r = mp_try_to_compact(gfp, order, alloc_flags, mode, prio);
 *	mp_compare(pz, shrinkers, n);	(state beyond model_compare's)
 */
#ifndef PZ_TEST_MODEL_PRESSURE_H
#define PZ_TEST_MODEL_PRESSURE_H

#include "model.h"

/* The results of compaction, named as 6.1 names them (4.1's PARTIAL is
 * SUCCESS), in 6.1's order. */
enum mp_result {
	MP_NOT_SUITABLE_ZONE = 0,
	MP_SKIPPED,
	MP_DEFERRED,
	MP_NO_SUITABLE_PAGE,
	MP_CONTINUE,
	MP_COMPLETE,
	MP_PARTIAL_SKIPPED,
	MP_CONTENDED,
	MP_SUCCESS,
};

enum mp_prio {
	MP_PRIO_SYNC_FULL = 0,
	MP_PRIO_SYNC_LIGHT,
	MP_PRIO_ASYNC
};

/* ---- the workload ------------------------------------------------------ */

#define MP_CACHE_MAX 16384

/* A cache of page-sized objects, freed oldest first by its shrinker. */
struct mp_cache {
	uint64_t pfn[MP_CACHE_MAX];
	uint8_t order[MP_CACHE_MAX];
	size_t head, n;
};

enum mp_kind {
	MP_CACHE,
	MP_LIAR
};

#define MP_LIAR_COUNT 4096 /* what the lying shrinker says it holds (at times 1/16) */

/* What a shrinker's scan does, given its kind: frees (through free_fn)
 * and returns what it claims. Shared by the test's callback and the model;
 * *nr_scanned is the 6.1 sc->nr_scanned. mp_count's calls: the shrinker's
 * scan calls so far. */
unsigned long mp_scan(enum mp_kind kind, struct mp_cache *c, unsigned long *calls, unsigned long nr,
		      unsigned long *nr_scanned,
		      void (*free_fn)(void *ctx, uint64_t pfn, unsigned order), void *ctx);
unsigned long mp_count(enum mp_kind kind, const struct mp_cache *c, unsigned long calls);
void mp_cache_add(struct mp_cache *c, uint64_t pfn, unsigned order);

/* The owner's answer (enum pz_migrate_result) when asked to move the
 * block at src for the attempt-th time in this compaction call; seed 0:
 * always PZ_MIGRATE_OK. */
int mp_answer(uint64_t seed, uint64_t src, unsigned attempt);

/* ---- the model's state --------------------------------------------------- */

struct mp_shrinker {
	enum mp_kind kind;
	long seeks, batch;
	long deferred;
	unsigned long calls;
};

struct mp_call {
	uint64_t src, dst;
	unsigned order;
	int answer;
};

#define MP_MAXSH 4
#define MP_MAXCALLS                                                                                \
	65536 /* a step's migrate calls: a whole-zone compaction at 100,000 steps passed 8,192 */

struct mp_zone {
	uint64_t cached_migrate[2], cached_free;
	uint64_t init_free; /* 6.1 compact_init_free_pfn */
	bool blockskip_flush;
	unsigned considered, defer_shift;
	int order_failed;
};

/* kswapd of node 0 as pz_kswapd_info shows it, and the loop's variables. */
struct mp_kswapd {
	unsigned order;
	int classzone;
	bool asleep, new_work;
	unsigned failures;
	int cur_classzone;
	/* 4.1's loop: the order and zone being balanced, the next ones, and
	 * what balance_pgdat ended at */
	unsigned cur_order, new_order, bal_order;
	int new_classzone, bal_classzone;
};

struct mp {
	uint64_t seed; /* of mp_answer */
	struct mp_zone z[MODEL_MAXZ];
	uint8_t skip[MODEL_NPFN >> MODEL_PBO];
	uint8_t attempts[MODEL_NPFN];
	struct mp_cache cache; /* the model's copy of the test cache */
	struct mp_shrinker sh[MP_MAXSH];
	unsigned nsh;
	struct mp_call calls[MP_MAXCALLS]; /* this step's migrate calls */
	size_t ncalls;
	uint64_t vm[PZ_NR_VM_EVENTS]; /* predicted counts since mp_reset */
	bool handler;		      /* a migrate handler is registered */
	struct mp_kswapd k;
	int kc_order, kc_high; /* kcompactd_max_order, kcompactd_highest_zoneidx */
	/* what the runs exercised */
	unsigned long shrink_calls, stops, deferred_carried, scanners_met, skip_set, free_skip_set,
		deferrals, direct_success, migrated, refused, retried, drains, reclaim_rounds,
		kswapd_runs, kswapd_sleeps, kswapd_wakes, slow_compact_pages, slow_calls, slow_fast,
		slow_reclaims;
	/* 5.x and high orders: boosted kswapd runs (and restarts as plain
	 * reclaim), rmqueue's wake-ups of boosted zones, high-order wake-ups
	 * and runs, runs whose order dropped to 0, skip-bit resets before
	 * sleeping, kcompactd wake-ups, passes and successes, requests that
	 * wake kswapd without reclaiming (and those refused) */
	unsigned long boost_runs, boost_restarts, boosted_wakes, highorder_wakes, highorder_runs,
		order_drops, skip_resets, kcompactd_wakes, kcompactd_runs, kcompactd_success,
		nowait_calls, nowait_failed;
	/* 4.4: passes whose deferred work differs from 4.1's rule */
	unsigned long deferred_44;
	/* 4.1/4.4 kswapd's compact_pgdat passes */
	unsigned long kswapd_compactions;
	/* HIGHATOMIC blocks direct reclaim gave back before its drain */
	unsigned long unreserved;
	/* 6.1 capture_control: the block the last mp_try_to_compact captured
	 * (captured, capture_pfn, capture_order) and how many were */
	bool captured;
	uint64_t capture_pfn;
	unsigned capture_order;
	unsigned long captures;
	/* 6.1 proactive compaction: compaction_proactiveness, the ticks still
	 * to wait, the sysctl write's trigger; ticks that compacted, ticks
	 * that waited */
	unsigned proactiveness, proactive_wait;
	bool proactive_trigger;
	unsigned long proactive_runs, proactive_waits;
	/* should_continue_reclaim: passes it asked for again (direct,
	 * kswapd), __GFP_REPEAT passes it continued after nothing came back,
	 * loops it stopped because compaction would run */
	unsigned long cont_direct, cont_kswapd, cont_repeat_idle, cont_compaction_stops;
	/* 6.1's selective skip-bit resets run (flag set) */
	unsigned long skip_resets61;
	/* 6.1's free-list searches: blocks the free scanner took from the
	 * lists, first searches that found none, blocks the migrate
	 * scanner was sent to, and restarts from fast_start_pfn */
	unsigned long fast_free_found, fast_free_start, fast_migrate_found, fast_reinit;
};

extern struct mp mp;

/* Clears the pressure state; zones' scanners at their ends. */
void mp_reset(uint64_t seed);
/* register_shrinker / unregister_shrinker (index into mp.sh). */
void mp_register(enum mp_kind kind, long seeks, long batch);
void mp_unregister(unsigned i);
/* pz_direct_reclaim on node 0: the progress it returns. */
uint64_t mp_direct_reclaim(pz_gfp_t gfp, unsigned order);
/* pz_wakeup_kswapd(node 0, the zone of type t, order, class zone t,
 * GFP_KERNEL) in deterministic mode: the wake result, kswapd's rounds run
 * inline until it sleeps (at most 8), kcompactd's passes inline (6.1). */
int mp_wakeup_kswapd(unsigned t, unsigned order);
/* __alloc_pages_nodemask of a request that may wake kswapd but not
 * reclaim (__GFP_KSWAPD_RECLAIM without __GFP_DIRECT_RECLAIM): the fast
 * path (whose boosting fallback wakes kswapd from rmqueue in 6.1), then
 * wake_all_kswapds and the MIN attempt (twice in 6.1). 1 and *pfn, or 0. */
int mp_alloc_nowait(pz_gfp_t gfp, unsigned order, uint64_t *pfn);
/* The highest zone type a request may use (gfp_zone). */
unsigned mp_gfp_high(pz_gfp_t gfp);
/* pz_compact_zone of model zone zi. */
void mp_compact_manual(int zi);
/* try_to_compact_pages (the slow path's direct compaction) for a request
 * of gfp and order on node 0: mode is 4.1's, prio 6.1's. */
enum mp_result mp_try_to_compact(pz_gfp_t gfp, unsigned order, unsigned alloc_flags, unsigned mode,
				 enum mp_prio prio);
/* __alloc_pages_nodemask of a costly __GFP_NORETRY request that never
 * wakes kswapd: the fast path, the MIN attempt, then the slow path's
 * direct compaction and direct reclaim in the profile's order. 1 and *pfn
 * the page, or 0. */
int mp_alloc_slow(pz_gfp_t gfp, unsigned order, uint64_t *pfn);
/* __alloc_pages_direct_compact (mode 4.x's, prio 6.1's; *r the result)
 * and __alloc_pages_direct_reclaim (*progress what reclaim returned) for
 * the retry model (model_oom.h): 1 and *pfn the page, or 0. */
int mp_slow_compact(pz_gfp_t gfp, unsigned order, unsigned mode, enum mp_prio prio,
		    enum mp_result *r, uint64_t *pfn);
int mp_slow_reclaim(pz_gfp_t gfp, unsigned order, uint64_t *progress, uint64_t *pfn);
/* Compares the state model_compare does not see: cached positions, skip
 * bits, deferral, pages_scanned, the vm events, each shrinker's deferred
 * work (deferred[i] read from the instance's shrinkers). */
void mp_compare(pz_t *pz, const long *deferred, unsigned n, const uint64_t *vm0);
/* pz_kcompactd_tick(node 0) (6.1): 1 when it compacted, else 0. */
int mp_kcompactd_tick(void);
/* pz_set_compaction_proactiveness (6.1). */
void mp_set_proactiveness(unsigned v);
/* pz_fragmentation_score of node 0. */
unsigned mp_fragmentation_score(void);
/* pz_kswapd_info of node 0 against mp.k. */
void mp_compare_kswapd(pz_t *pz);

#endif
