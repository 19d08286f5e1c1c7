/*
 * pressure_types.h - the instance state of the slow path's machinery:
 * reclaim windows and kswapd (reclaim.c, kswapd.c), compaction and the
 * migrate handler (compaction.c, migrate.c), the slow-path probe
 * (slowpath.c). Part of types.h (included from it, before struct pz, whose
 * fields these are); the Lock Key there applies.
 */
#ifndef PZ_PRESSURE_TYPES_H
#define PZ_PRESSURE_TYPES_H
#ifndef PZ_TYPES_H
#error "include types.h, not pressure_types.h"
#endif

/*
 * An open reclaim window of one task (the kernel's reclaim_state): the
 * pages that task frees in this instance while it is open are its
 * reclaim progress, counted in the task's slot (pz_task.core[slot]; see
 * shrinker.c). Lives on the reclaimer's stack; only its thread uses it.
 */
struct pz_reclaim_state {
	struct pz_task *task; /* the task the window is open on */
	unsigned slot;	      /* its slot of task->core for this instance */
	uint64_t start;	      /* the slot's freed count when the window opened */
	bool running;	      /* inside a shrinker callback (counted in the slot) */
	bool set_memalloc;    /* this window set PZ_TASK_MEMALLOC */
};

/*
 * A direct compaction's capture_control (6.1, since 5.1): while it runs
 * for `order` in zone z, the first block of exactly that order that its
 * task frees there (merged or not; not CMA or ISOLATE, and not a MOVABLE
 * block smaller than a pageblock) is taken off the free path for it.
 * Lives on the compactor's stack, linked on z->capture under the zone
 * lock.
 */
struct pz_capture {
	struct pz_capture *next;    /* [Z] the zone's list */
	const struct pz_task *task; /* [C] */
	unsigned order;		    /* [C] */
	struct pz_page *page;	    /* [Z] the block taken (refcount 1), or NULL */
	atomic_bool taken;	    /* [A] page is set (read without the zone lock) */
};

/* Per-zone-type reclaim counters (pz->zone_ev). */
enum pz_zone_vm_event {
	PZ_ZEV_PGSTEAL_KSWAPD = 0,
	PZ_ZEV_PGSTEAL_DIRECT,
	PZ_ZEV_PGSCAN_KSWAPD,
	PZ_ZEV_PGSCAN_DIRECT,
	PZ_ZEV_ALLOCSTALL,
	PZ_ZEV_NR,
};

/* Where the next pz_kswapd_run resumes the kernel's kswapd() loop. */
enum pz_kswapd_resume {
	PZ_KSWAPD_AFTER_SLEEP = 0, /* pick up the recorded order and zone, balance */
	PZ_KSWAPD_NEW_WORK,	   /* 4.1: balance the order/zone taken at the loop top */
};

/*
 * One node's kswapd (the pgdat fields and kswapd()'s loop variables).
 * [K] is the node's run token (`running`): only the pz_kswapd_run that
 * holds it touches those fields.
 */
struct pz_kswapd {
	atomic_int order;		     /* [A] kswapd_max_order (4.1) / kswapd_order (6.1) */
	atomic_int classzone;		     /* [A] classzone_idx / kswapd_highest_zoneidx */
	atomic_uint asleep;		     /* [A] on the wait queue: wake-ups go through */
	atomic_uint running;		     /* [A] the run token */
	atomic_uint wake_seq;		     /* [A] wake-ups delivered (the nap's "remaining") */
	atomic_uint failures;		     /* [A] 6.1 kswapd_failures */
	atomic_uint_least64_t wakeups, runs; /* [A] */
	unsigned resume;		     /* [K] enum pz_kswapd_resume */
	int cur_order, cur_classzone;	     /* [K] the round's order and zone */
	int new_order, new_classzone;	     /* [K] 4.1: work taken at the loop top */
	int balanced_order, balanced_classzone; /* [K] 4.1: what balance_pgdat returned */
};

/*
 * Compaction's instance state (compaction.c, migrate.c). The handler pair
 * is read and written under its lock (a leaf: nothing is taken under it,
 * nothing is called with it held).
 */
enum pz_compact_misuse {
	PZ_MISUSE_BAD_RESULT = 0,
	PZ_MISUSE_SRC_KEPT,
	PZ_MISUSE_DST_FREED,
	PZ_MISUSE_DST_KEPT,
	PZ_NR_MISUSE,
};
struct pz_compaction {
	pz_lock_t lock;		   /* [M] itself: guards fn and ctx */
	pz_migrate_fn fn;	   /* [M] */
	void *ctx;		   /* [M] */
	atomic_int extfrag;	   /* [A] extfrag_threshold - 500 (zeroed = the default) */
	atomic_int kcompactd_mode; /* [A] enum pz_kcompactd_mode */
	atomic_int kcompactd_max_order[PZ_MAX_NODES];	    /* [A] 0: no work */
	atomic_int kcompactd_highest_zoneidx[PZ_MAX_NODES]; /* [A] stored + 1; 0: none */
	atomic_uint warned;				    /* [A] misuse reported once */
	atomic_uint_least64_t calls, kcompactd_runs;	    /* [A] */
	/* 6.1 proactive compaction (5.9): compaction_proactiveness - 20
	 * (zeroed = the default), per node the timer ticks still to wait (the
	 * deferred timeout) and the sysctl write's trigger */
	atomic_int proactiveness;
	atomic_uint proactive_wait[PZ_MAX_NODES];
	atomic_bool proactive_trigger[PZ_MAX_NODES];
	atomic_uint_least64_t proactive_runs; /* [A] proactive_compact_node passes */
	atomic_uint_least64_t results[PZ_NR_MIGRATE_RESULTS]; /* [A] */
	atomic_uint_least64_t misuse[PZ_NR_MISUSE];	      /* [A] */
};
/* migrate.c: what one call of the migrate callback came to. */
enum pz_migrate_outcome {
	PZ_MIG_DONE = 0,      /* moved; src dropped; dst the owner's */
	PZ_MIG_RETRY,	      /* refused BUSY: src still isolated, dst back to the caller */
	PZ_MIG_FAIL,	      /* refused for good: src put back, dst back to the caller */
	PZ_MIG_FAIL_DST_GONE, /* failed and dst is no longer the caller's */
};
#define PZ_COMPACT_MAX_DEFER_SHIFT 6
#define PZ_COMPACT_CLUSTER_MAX	   32

/*
 * White-box probe of the slow path (slowpath.c; the kernel's tracepoints
 * of these steps would sit here): fn, when set, is called with no lock
 * held after each step and may change its result (a reclaim's progress, a
 * compaction's result), so that tests can script what the reclaim and
 * compaction seams report. Set by tests before use; NULL otherwise.
 */
enum pz_slow_step {
	PZ_STEP_WAKE_KSWAPDS = 0,
	PZ_STEP_COMPACT,   /* mode (4.1), prio (modern); result: enum pz_compact_result */
	PZ_STEP_RECLAIM,   /* result: did_some_progress */
	PZ_STEP_DRAIN,	   /* drain_all_pages after reclaim */
	PZ_STEP_UNRESERVE, /* result: a HIGHATOMIC block went back */
	PZ_STEP_OOM,	   /* result: did_some_progress of the OOM step */
	PZ_STEP_DECIDE,	   /* result: the driver's next action (slowpath.c) */
};
struct pz_slow_event {
	enum pz_slow_step step;
	pz_gfp_t gfp;
	unsigned order, mode, prio;
	long result;
};
struct pz_slow_probe {
	void (*fn)(void *ctx, struct pz_slow_event *ev);
	void *ctx;
};

/* ---- the OOM step (oom.c) and the slow path (slowpath.c) ---- */
/* One request's OOM bookkeeping, kept by the slow path across retries. */
struct pz_oom_ctl {
	unsigned nr_calls; /* OOM steps that reached the handler */
	unsigned unbacked; /* consecutive claimed kills with nothing freed */
	bool queued;	   /* this step queued a victim for the reaper */
	bool waited;	   /* this step waited on a queued victim */
};
/* How many claimed kills in a row that free nothing and mark no victim one
 * request believes before it treats the handler as having done nothing. */
#define PZ_OOM_MAX_UNBACKED 16
/* ---- the OOM reaper (reaper.c; linux-6.1, the kernel's since 4.6) ---- */
/* Victims the reaper keeps track of: queued, being reaped, or skipped
 * (MMF_OOM_SKIP); a full table evicts the oldest skipped one. */
#define PZ_OOM_MAX_VICTIMS 16
/* oom_reap_task's MAX_OOM_REAP_RETRIES, and its HZ/10 between attempts. */
#define PZ_OOM_REAP_RETRIES  10
#define PZ_OOM_REAP_RETRY_US 100000u
/* OOM steps that may find victims queued (the reaper woken through the
 * hook and not done yet) before a step reaps them itself: a guard against
 * a hook that never runs the reaper, which would bring the livelock back. */
#define PZ_OOM_REAPER_PATIENCE 10
/* Inline (deterministic mode, or no wake_oom_reaper hook) without a clock:
 * the OOM step that finds victims queued for the second time reaps them;
 * the one before is the victim's grace (the kernel's OOM_REAPER_DELAY). */
#define PZ_OOM_REAPER_GRACE 2
/* With the platform's clock (now_ns) outside deterministic mode: a victim
 * is due for the reaper OOM_REAPER_DELAY (2 s, 5.18's queue_oom_reaper
 * timer) after it was queued; an OOM step reaps a due victim itself when
 * there is no wake hook, or when the embedder's reaper is this late
 * (the clock's PZ_OOM_REAPER_PATIENCE). */
#define PZ_OOM_REAPER_DELAY_NS 2000000000ull
#define PZ_OOM_REAPER_SLACK_NS 1000000000ull
enum pz_victim_state {
	PZ_VICTIM_FREE = 0, /* an empty slot */
	PZ_VICTIM_QUEUED,   /* killed, not exited, waiting for the reaper */
	PZ_VICTIM_REAPING,  /* the reaper's callback runs for it */
	PZ_VICTIM_SKIP,	    /* reaped (or given up): later OOM steps skip it */
};
struct pz_victim {
	uintptr_t id;	      /* the embedder's name; an exiting task's address */
	struct pz_task *task; /* the exiting task that chose itself, else NULL */
	uint64_t seq;	      /* queue order: the reaper takes the oldest first */
	uint64_t due;	      /* clock: now_ns when it may be reaped; 0 without one */
	uint8_t state;	      /* enum pz_victim_state */
	bool exited;	      /* pz_oom_victim_exited while REAPING */
};
struct pz_reaper {
	pz_lock_t lock; /* [V] a leaf; never held across a callback */
	pz_oom_reap_fn fn;
	void *ctx;
	struct pz_victim v[PZ_OOM_MAX_VICTIMS]; /* [V] */
	uint64_t seq;				/* [V] */
	atomic_uint nr_queued;			/* [V] written, [A] read: QUEUED + REAPING slots */
	atomic_uint running;			/* [A] one pz_oom_reaper_run at a time */
	atomic_uint stalled;		/* [A] steps that found victims queued, since the last reap;
			      * with a clock: steps in a row at which it did not move */
	atomic_uint_least64_t last_now; /* [A] the clock at the last OOM step that read it */
};
/* About one jiffy: the kernel's schedule_timeout(1) and the short waits of
 * the slow path (docs/DESIGN.md "Slow path"). */
#define PZ_WAIT_TICK_US 1000u
/* 6.1's ALLOC_OOM: an OOM victim's access to the reserves (here all of
 * them, as 6.1 without an MMU); also marks the request for the victim
 * exit after the OOM step. */
#define PZ_ALLOC_OOM 0x1000u

#endif /* PZ_PRESSURE_TYPES_H */
