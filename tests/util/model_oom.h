/*
 * model_oom.h - the pressure model (model_pressure.h) extended to
 * slow-path requests that retry and reach the OOM step, and to
 * linux-6.1's OOM reaper, in a deterministic single-CPU run of one node.
 *
 * Written from the kernels' __alloc_pages_slowpath (4.1 with
 * should_alloc_retry, 4.4's own retry conditions, 6.1 with
 * should_reclaim_retry, should_compact_retry and compaction priorities),
 * __alloc_pages_may_oom and out_of_memory, and from 6.1's oom_reaper as
 * pagezone's public contract times it in deterministic mode (the second
 * OOM step after a queueing reaps, docs/DESIGN.md "The OOM reaper") - not
 * from src/core. Requests never wake kswapd (no __GFP_KSWAPD_RECLAIM) and
 * come from the default task.
 *
 * The workload shared by the test and the model: victims (struct
 * mo_pool: tasks holding unmovable blocks, never migration candidates),
 * the OOM handler's answer (mo_oom_decide: nothing to kill, a lie (and
 * spells of 32 lies in a row), a kill
 * that frees the biggest victim's blocks, or a kill left pending for the
 * reaper) and the reap callback's (mo_reap: fails, reaps nothing, or
 * frees half of what the victim holds). Each is a function of the seed,
 * the call count and the pool, run on the test's pool by the callbacks
 * and on the model's copy by the model.
 *
 *	mo_reset(seed);
 *	mo_pool_add(&moom.pool, v, pfn, order)	mirror of the test's pool
 *	int r = mo_alloc_retry(gfp, order, &pfn);	1 page, 0 none, -1 the
 *		request would loop past MO_MAX_ROUNDS (state restored: skip it)
 *	int rc = mo_victim_exited(v);	(after freeing its blocks in both)
 *	mo_compare(pz, oom0, kill0, calls, ncalls, reaps, nreaps);
 */
#ifndef PZ_TEST_MODEL_OOM_H
#define PZ_TEST_MODEL_OOM_H

#include "model_pressure.h"

#define MO_NV	      6	   /* victims 1..MO_NV */
#define MO_MAXB	      8192 /* blocks all victims hold */
#define MO_TABLE      16   /* the reaper's victim table */
#define MO_MAXLOG     512  /* handler and reap calls of one step */
#define MO_MAX_ROUNDS 48   /* rounds of one request the test lets run */
#define MO_MAX_UNBACK 16   /* PZ_OOM_MAX_UNBACKED */
#define MO_REAP_TRIES 10   /* MAX_OOM_REAP_RETRIES */

/* The victims' blocks, in the order they were allocated. */
struct mo_pool {
	uint64_t pfn[MO_MAXB];
	uint8_t order[MO_MAXB];
	uint8_t owner[MO_MAXB];
	size_t n;
	bool killed[MO_NV + 1];	   /* killed, not exited (pending) */
	unsigned gen[MO_NV + 1];   /* kills so far: the reap answers' seed */
	unsigned tries[MO_NV + 1]; /* reap callback calls since the kill */
	unsigned long calls;	   /* OOM handler calls so far */
};

typedef void (*mo_free_fn)(void *ctx, uint64_t pfn, unsigned order);

void mo_pool_add(struct mo_pool *p, unsigned v, uint64_t pfn, unsigned order);
/* Pages victim v holds. */
unsigned long mo_pool_pages(const struct mo_pool *p, unsigned v);
/* Frees victim v's blocks (the first half of them, oldest first, when
 * half): the pages freed. */
unsigned long mo_pool_free(struct mo_pool *p, unsigned v, bool half, mo_free_fn fn, void *ctx);
/* The OOM handler: true for a kill (the victim's blocks freed, or, when
 * *pending is set, left for the reaper), false for nothing to kill. */
bool mo_oom_decide(struct mo_pool *p, uint64_t seed, const uintptr_t *skip, unsigned nskip,
		   mo_free_fn fn, void *ctx, uintptr_t *pending);
/* The reap callback for victim v: pages freed, or -1 (cannot reap now). */
long mo_reap(struct mo_pool *p, uint64_t seed, uintptr_t v, mo_free_fn fn, void *ctx);

/* One OOM handler call as the handler saw it, and one reap call. */
struct mo_call {
	pz_gfp_t gfp;
	unsigned order, nr_calls, nr_skip;
	int constraint, nid;
	uintptr_t skip[MO_TABLE];
	bool ret;
	uintptr_t pending;
};

struct mo_reap_call {
	uintptr_t victim;
	long ret;
};

enum mo_state {
	MO_QUEUED = 1,
	MO_SKIP
};

struct mo {
	uint64_t seed;
	struct mo_pool pool; /* the model's copy of the test's victims */
	struct {
		uintptr_t id;
		enum mo_state state;
	} tab[MO_TABLE];
	unsigned ntab, seen;
	uint64_t stats[PZ_OOM_NR_STATS];
	uint64_t kills; /* PZ_VM_OOM_KILL */
	struct mo_call calls[MO_MAXLOG];
	size_t ncalls;
	struct mo_reap_call reaps[MO_MAXLOG];
	size_t nreaps;
	/* what the runs exercised */
	unsigned long requests, served, failed, skipped, rounds, retried_rounds, oom_pages,
		compact_retries, prio_raised, unreserved, victim_calls, victim_reserves,
		victim_failed, unbacked_ends;
};

extern struct mo moom;

void mo_reset(uint64_t seed);
/* __alloc_pages_nodemask of a request that may reclaim and retry (no
 * __GFP_KSWAPD_RECLAIM, no NORETRY): 1 and *pfn, 0, or -1 (restored). */
int mo_alloc_retry(pz_gfp_t gfp, unsigned order, uint64_t *pfn);
/* Victim v exits: its blocks freed in the model's pool, then what
 * pz_oom_victim_exited(v) returns. */
int mo_victim_exited(unsigned v);
/* linux-6.1: a victim waits in the reaper's queue. */
bool mo_victims_queued(void);
/* The same request from a task marked PZ_TASK_OOM_VICTIM: the reserves,
 * else 4.x fails before reclaim; 6.1's reclaim with ALLOC_OOM after a
 * failed reserve attempt is not modelled (-1, restored). */
int mo_alloc_victim(pz_gfp_t gfp, unsigned order, uint64_t *pfn);
/* Victim v ends on its own, never killed: its blocks freed in the
 * model's pool. */
void mo_leave(unsigned v);
/* Clears this step's call logs. */
void mo_begin_step(void);
/* pz_oom_stats and oom_kill since oom0/kill0, and the step's calls. */
void mo_compare(pz_t *pz, const uint64_t *oom0, uint64_t kill0, const struct mo_call *calls,
		size_t ncalls, const struct mo_reap_call *reaps, size_t nreaps);

#endif
