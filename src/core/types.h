/*
 * types.h - the core's constants, structures and Lock Key: what every core
 * file shares. Functions are declared in internal.h (the index, by file);
 * the hot inline bodies live in sync.h, page.h, pcp.h, wmark.h and
 * fastpath.h, which internal.h includes.
 *
 * Lock Key (see docs/DESIGN.md for the order):
 *   [Z]  zone->lock            free lists, nr_free, pageblock labels, buddy state
 *   [P]  pcp->lock             one CPU's lists of one zone and its counters
 *   [A]  atomic                lock-free, relaxed unless said
 *   [C]  const after init      written by pz_init only
 *   [O]  owner                 the thread that holds the page (allocated pages)
 *   [F]  fault->lock           fail_page_alloc attributes, count and random state
 *   [T]  pz->tune_lock         the tunables the pz_set_* setters change after init
 *   [S]  pz->shrinker_lock     the shrinker list, shrinker states and pin counts
 *   [R]  pz->reclaim_lock      this instance's reclaim windows: slot claims, open counts
 *   [K]  kswapd run token      one node's kswapd loop variables (pz_kswapd_run)
 *   [M]  compaction.lock       the migrate handler pair (a leaf, nothing called under it)
 *   [Q]  pz->oom_scan_lock     the OOM handler pair, ZONE_OOM_LOCKED bits (a leaf)
 *   [V]  pz->reaper.lock       the OOM reaper's victims and callback pair (a leaf)
 * Lock order: tune_lock first (a zone lock may be taken under it); a pcp
 * lock may be held while taking its zone's lock, never the reverse; at most
 * one zone lock at a time; fault->lock, shrinker_lock, reclaim_lock,
 * compaction.lock, oom_scan_lock and reaper.lock are leaves taken with no other lock
 * held; user callbacks run with no lock. A function that needs a lock ends
 * in _locked and asserts it in debug builds (pz_assert_*_locked, sync.h).
 */
#ifndef PZ_TYPES_H
#define PZ_TYPES_H

#include <stdatomic.h>
#include <stdarg.h>
#include "pagezone.h"

#define PZ_NIL		    0xffffffffu
#define PZ_NO_ZONE	    0xffffu
#define PZ_MAGIC	    0x707a6f6eu /* "pzon" */
#define PZ_DEAD		    0x64656164u
#define PZ_COSTLY_ORDER	    3
#define PZ_SWAP_CLUSTER_MAX 32
#define PZ_RECLAIM_DISTANCE 30
#define PZ_CACHELINE	    64

#if defined(__GNUC__)
#define pz_likely(x)	__builtin_expect(!!(x), 1)
#define pz_unlikely(x)	__builtin_expect(!!(x), 0)
#define PZ_HIDDEN	__attribute__((visibility("hidden")))
#define PZ_PRINTF(a, b) __attribute__((format(printf, a, b)))
/* off the shortcuts' path: its own frame, out of their registers */
#define PZ_NOINLINE __attribute__((noinline))
/* a shortcut's body, so that each caller gets a copy specialised for it */
#define PZ_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define pz_likely(x)   (x)
#define pz_unlikely(x) (x)
#define PZ_HIDDEN
#define PZ_PRINTF(a, b)
#define PZ_NOINLINE
#define PZ_ALWAYS_INLINE inline
#endif

/* ---- spin lock (lock.c) --------------------------------------------- */
typedef struct {
	atomic_uint v;
} pz_lock_t;

/* ---- page descriptor -------------------------------------------------- */
/*
 * Invariants (checked by pz_validate):
 *   PG_BUDDY  <=> the page heads a free block of 2^order pages on
 *                 zone->free_area[order].list[mt]; refcount == 0.
 *   PG_PCP    <=> the page heads a block of 2^order pages on exactly one
 *                 pcp list of its zone (order 0, or 1-3 and the pageblock
 *                 order with PZ_FEAT_PCP_HIGH_ORDER).
 *   allocated head: refcount >= 1, order = allocation order.
 *   tail of an allocated block: refcount == 0, no BUDDY/PCP flag.
 */
enum pz_page_flag {
	PG_BUDDY = 0x1,
	PG_PCP = 0x2,
	PG_HEAD = 0x4, /* compound head */
	PG_TAIL = 0x8, /* compound tail; next = head index */
	PG_RESERVED = 0x10,
	PG_HOLE = 0x20, /* not present, or outside every zone */
	PG_PFMEMALLOC = 0x40,
	PG_LEAKED = 0x80, /* bad page taken out of circulation */
	/* a free page filled with PZ_POISON_BYTE (PZ_DEBUG_POISON) */
	PG_POISONED = 0x100,
	/* user state bits (PZ_PAGE_*) live at << PG_USER_SHIFT */
};
#define PG_USER_SHIFT 10
#define PG_USER_MASK  (0x1fu << PG_USER_SHIFT)
#define PG_HWPOISON   (PZ_PAGE_HWPOISON << PG_USER_SHIFT)

struct pz_page {
	uint32_t next, prev;	/* [Z]/[P] list links (page index); tail: next = head */
	atomic_int refcount;	/* [A] */
	_Atomic uint16_t flags; /* [A] PG_* */
	uint8_t order;		/* [Z] buddy order; [O] allocation / compound order */
	uint8_t mt;		/* [Z]/[P] migratetype recorded on rmqueue / pcp free */
	int32_t mapcount;	/* [O] must be 0 at allocation and free */
	uint16_t zone;		/* [C] zone id (nid * PZ_NR_ZONE_TYPES + type) or PZ_NO_ZONE */
	_Atomic uint8_t where;	/* [Z]/[P] PG_BUDDY or PG_PCP: which list holds it */
	uint8_t spare;
	uintptr_t owner; /* [O] user word */
};
_Static_assert(sizeof(struct pz_page) <= 32, "page descriptor must stay within 32 bytes");

struct pz_list {
	uint32_t first, last;
};

/* ---- zones ------------------------------------------------------------ */
struct pz_free_area {
	struct pz_list list[PZ_MT_TYPES]; /* [Z] */
	/* [Z] written, [A] read (the watermark tests read them unlocked) */
	atomic_uint_least64_t nr_free;		       /* blocks, all types: == sum of nr_free_mt */
	atomic_uint_least64_t nr_free_mt[PZ_MT_TYPES]; /* blocks per type (what the lists hold) */
};

enum pz_pcp_event {
	PCPEV_PGALLOC = 0,
	PCPEV_PGFREE,
	PCPEV_NUMA_HIT,
	PCPEV_NUMA_MISS,
	PCPEV_NUMA_FOREIGN,
	PCPEV_NUMA_LOCAL,
	PCPEV_NUMA_OTHER,
	PCPEV_NUMA_INTERLEAVE,
	PCPEV_NR,
};

/* One CPU's page lists for one zone (per_cpu_pages). */
/*
 * Per-CPU lists: one per pcp migratetype for order 0 and, with
 * PZ_FEAT_PCP_HIGH_ORDER, also for orders 1..PZ_PCP_COSTLY_ORDER and for
 * the pageblock order (level PZ_PCP_LEVELS - 1).
 */
#define PZ_PCP_COSTLY_ORDER 3
#define PZ_PCP_LEVELS	    (PZ_PCP_COSTLY_ORDER + 2)
#define PZ_PCP_NR_LISTS	    (PZ_MT_PCPTYPES * PZ_PCP_LEVELS)

struct pz_pcp {
	pz_lock_t lock;	      /* [P] */
	int count;	      /* [P] pages on the lists */
	atomic_int high;      /* [A] flush when count >= high */
	atomic_int batch;     /* [A] refill / flush size */
	unsigned free_factor; /* [P] 5.14: flushes grow while frees go unanswered */
	/* 4.1's NR_ALLOC_BATCH delta of this CPU (vm_stat_diff): folded into
	 * zone->nr_alloc_batch when it passes zone->stat_threshold */
	atomic_int alloc_batch_diff;		   /* [P] written, [A] read */
	struct pz_list lists[PZ_PCP_NR_LISTS];	   /* [P] see pz_pcp_list() */
	atomic_uint_least64_t ev[PCPEV_NR];	   /* [A] events counted outside pcp->lock */
	atomic_uint_least64_t ev_locked[PCPEV_NR]; /* [P] events counted under pcp->lock */
	/* [P] the shortcut's allocations from the preferred zone on a local
	 * node, per list level: each is 2^order pages of PGALLOC, one NUMA_HIT
	 * and one NUMA_LOCAL (one counter instead of three; see pz_zone_event) */
	atomic_uint_least64_t local_hits[PZ_PCP_LEVELS];
} __attribute__((aligned(PZ_CACHELINE)));

#define ZONE_FAIR_DEPLETED     0x1u
#define ZONE_OOM_LOCKED	       0x2u /* 4.1: an OOM step holds this zone's zonelist */
#define ZONE_BOOSTED_WATERMARK 0x4u /* 5.0: boosted; the next rmqueue wakes kswapd */
/* 5.14: kswapd is balancing the zone's node (balance_pgdat): per-CPU high
 * is capped at 4 * batch (nr_pcp_high). Set only inside kswapd's reclaim
 * window, so only while PZ_OFF_RECLAIM sends every free to pz_pcp_free,
 * the one place that reads it. */
#define ZONE_RECLAIM_ACTIVE 0x8u

/* zone->wmark indices: the numbers alloc_flags carries in its low bits
 * (PZ_ALLOC_WMARK_*), selected with PZ_ALLOC_WMARK_MASK. */
enum pz_wmark {
	PZ_WMARK_MIN = PZ_ALLOC_WMARK_MIN,
	PZ_WMARK_LOW = PZ_ALLOC_WMARK_LOW,
	PZ_WMARK_HIGH = PZ_ALLOC_WMARK_HIGH,
	PZ_NR_WMARK,
};
#define PZ_ALLOC_WMARK_MASK (PZ_ALLOC_NO_WATERMARKS - 1)

/* zone->dirty: the page-cache figures pz_zone_set_dirty reports. */
enum pz_dirty_item {
	PZ_DIRTY_NR_DIRTY,
	PZ_DIRTY_UNSTABLE_NFS,
	PZ_DIRTY_WRITEBACK,
	PZ_DIRTY_INACTIVE_FILE,
	PZ_DIRTY_ACTIVE_FILE,
	PZ_NR_DIRTY_ITEMS,
};

/*
 * A zone. Equations (pz_validate):
 *   nr_free_pages == sum over o, mt != ISOLATE of nr_free_mt[o][mt] << o
 *   nr_free_cma   == sum over o of nr_free_mt[o][CMA] << o
 *   managed == allocated + free (buddy lists) + pcp + leaked
 */
struct pz_zone {
	/* read on every allocation, written rarely */
	uint16_t id;				       /* [C] */
	uint8_t nid, type;			       /* [C] */
	bool populated;				       /* [C] present_pages != 0 */
	atomic_uint flags;			       /* [A] ZONE_* */
	uint64_t start_pfn, end_pfn, spanned, present; /* [C] */
	uint64_t managed; /* [C]; pz_free_reserved_pages grows it (no call in flight) */
	atomic_long wmark[PZ_NR_WMARK];		      /* [A] by enum pz_wmark */
	atomic_long watermark_boost;		      /* [Z]/[A] 5.0: added to wmark[] */
	atomic_long lowmem_reserve[PZ_NR_ZONE_TYPES]; /* [A] */
	atomic_long dirty_balance_reserve;	      /* [A] */
	struct pz_pcp *pcp;			      /* [C] nr_cpus entries */
	long stat_threshold; /* [C] calculate_normal_threshold: per-CPU vmstat drift bound */
	/* 4.1's fair batch, zone-wide part (the CPUs' deltas are in their
	 * pcps): written once per stat_threshold allocations, on a line of its
	 * own so that it does not evict the fields above */
	_Alignas(PZ_CACHELINE) atomic_long nr_alloc_batch; /* [A] */
	/* the lock and what is written under it */
	_Alignas(PZ_CACHELINE) pz_lock_t lock; /* [Z] itself */
	atomic_long nr_free_pages;	       /* [Z] written, [A] read */
	atomic_long nr_free_cma;	       /* [Z] written, [A] read */
	atomic_long pages_scanned;	       /* [A] */
	long nr_isolate_pageblock;	       /* [Z] */
	long nr_migrate_reserve_block;	       /* [Z] 4.1 MIGRATE_RESERVE blocks */
	struct pz_capture *capture;	       /* [Z] 6.1 direct compactions capturing here */
	atomic_long nr_reserved_highatomic;    /* [Z] written, [A] read: 4.4 HIGHATOMIC pages */
	/* [A] embedder-reported page-cache figures, by enum pz_dirty_item */
	atomic_uint_least64_t dirty[PZ_NR_DIRTY_ITEMS];
	struct pz_free_area free_area[PZ_MAX_ORDER_LIMIT]; /* [Z] (counts also [A] read) */
	/* compaction (compaction.c): hints read and written without a lock,
	 * as the kernel's are; zero (out of the span) means "not set yet" */
	atomic_uint_least64_t compact_cached_free_pfn;	     /* [A] */
	atomic_uint_least64_t compact_cached_migrate_pfn[2]; /* [A] async, sync */
	atomic_uint compact_considered;			     /* [A] */
	atomic_uint compact_defer_shift;		     /* [A] */
	atomic_int compact_order_failed;		     /* [A] */
	atomic_bool compact_blockskip_flush;		     /* [A] */
	atomic_uint_least64_t compact_init_free_pfn; /* [A] 6.1: the free start its reset found */
};

struct pz_node {
	uint16_t *zonelist[2]; /* [C] zone ids, PZ_NO_ZONE-terminated: fallback, THISNODE */
	/* [C] the first zone of zonelist[i] whose type is at most t (the
	 * preferred zone of a request whose highest zone index is t), or
	 * PZ_NO_ZONE: what pz_next_zone would find from position 0 */
	uint16_t first_zone[2][PZ_NR_ZONE_TYPES];
	bool has_cpus;	 /* [C] */
	bool has_memory; /* [C] */
};

/* The error counters of pz_errors: all [A]. */
struct pz_errcount {
	atomic_uint_least64_t bad_order, bad_gfp, bad_pfn, double_free, wrong_order, tail_free,
		bad_page_alloc, bad_page_free, leaked_pages, alloc_failed, use_after_free, other,
		fault_injected;
};

/*
 * fail_page_alloc state. `armed` mirrors attr.probability != 0 so that the
 * allocation path pays one relaxed load while injection is off (a zero
 * probability makes should_fail return false before any other rule, so
 * skipping the rest is exact).
 */
struct pz_fault {
	pz_lock_t lock;		   /* [F] itself */
	atomic_int armed;	   /* [A] written under lock */
	struct pz_fault_attr attr; /* [F] */
	uint64_t count;		   /* [F] eligible calls seen while interval > 1 */
	uint64_t rnd;		   /* [F] random() state */
};

/* Why a shortcut must leave a request to the general path (pz->fast_off). */
enum {
	PZ_OFF_TRACE = 0x1,   /* a trace sink: events are the general path's */
	PZ_OFF_DEBUG = 0x2,   /* PZ_DEBUG_*: poison checks, full reports */
	PZ_OFF_FAULT = 0x4,   /* fail_page_alloc armed */
	PZ_OFF_CPUSETS = 0x8, /* some task's mems were set */
};
/* Some reclaim window is open: frees take the general path, which credits
 * them to the freeing task's windows (pz_reclaim_note_free, lock-free). */
#define PZ_OFF_RECLAIM 0x10
#define PZ_OFF_ALLOC   (PZ_OFF_TRACE | PZ_OFF_FAULT | PZ_OFF_CPUSETS)
#define PZ_OFF_FREE    (PZ_OFF_TRACE | PZ_OFF_DEBUG | PZ_OFF_RECLAIM)

/* pz->gfp_fast: indexed by a gfp's zone and mobility bits; an entry packs
 * the highest zone index (low nibble) and the migratetype (high nibble),
 * or is PZ_GFP_FAST_NONE when only the general path may handle the gfp. */
#define PZ_GFP_FAST_BITS (PZ_GFP_ZONEMASK | PZ__GFP_RECLAIMABLE)
#define PZ_GFP_FAST_NONE 0xffu

#include "pressure_types.h"

struct pz {
	uint32_t magic; /* [C] PZ_MAGIC; PZ_DEAD once destroyed */
	/* [A] PZ_OFF_* bits, one load for every shortcut's gate: TRACE and
	 * DEBUG from the config, FAULT and CPUSETS follow fault.armed and
	 * cpusets_enabled (set where those are) */
	atomic_uint fast_off;
	struct pz_platform plat;					     /* [C] */
	enum pz_profile profile;					     /* [C] */
	unsigned features;						     /* [C] PZ_FEAT_* */
	unsigned page_shift, max_order, pageblock_order, pageblock_nr_pages; /* [C] */
	unsigned nr_nodes, nr_cpus;					     /* [C] */
	uint64_t base_pfn, nr_pages;		      /* [C] descriptors cover [base, base + nr) */
	struct pz_page *pages;			      /* [C] */
	_Atomic uint8_t *pageblock;		      /* [Z] written, [A] read: mt | PB_SKIP */
	struct pz_zone *zones;			      /* [C] nr_nodes * PZ_NR_ZONE_TYPES */
	struct pz_node nodes[PZ_MAX_NODES];	      /* [C] */
	uint8_t distance[PZ_MAX_NODES][PZ_MAX_NODES]; /* [C] */
	uint8_t cpu_node[PZ_MAX_CPUS];		      /* [C] */
	/* [C] the preferred zone of a request of CPU c's node with highest
	 * zone index t and no __GFP_THISNODE: nodes[cpu_node[c]].first_zone[0][t] */
	uint16_t cpu_zone[PZ_MAX_CPUS][PZ_NR_ZONE_TYPES];
	unsigned zone_present_types; /* [C] bit t: some node has zone type t */
	/* [C] the shortcuts' view of gfp & PZ_GFP_FAST_BITS: the highest zone
	 * index and the migratetype, packed by pz_fast_pack (decoded by
	 * pz_fast_zoneidx and pz_fast_mt), or PZ_GFP_FAST_NONE when only the
	 * general path may handle it (forbidden mix, MOVABLE|RECLAIMABLE) */
	uint8_t gfp_fast[PZ_GFP_FAST_BITS + 1];
	/* [C] gfp bits the shortcuts leave to the general path: WRITE, and
	 * ZERO without a direct map (refused there) */
	pz_gfp_t gfp_slow;
	/* [C] the pcp list level of each order, -1 for none (pz_pcp_level):
	 * 0 for order 0; with PZ_FEAT_PCP_HIGH_ORDER the order itself for
	 * 1..PZ_PCP_COSTLY_ORDER and PZ_PCP_LEVELS - 1 for the pageblock order */
	int8_t pcp_level[PZ_MAX_ORDER_LIMIT];
	/* [C] free_pcppages_bulk's round robin: step k's list is
	 * pcp->lists[rr_list[k]] (level k / 3, the kernel's type order) */
	uint8_t rr_list[PZ_PCP_NR_LISTS];
	/* [C] pz_pcp_list: the list index of (level, mt) at level * 3 + mt;
	 * the identity but for 6.1's pageblock level, whose UNMOVABLE and
	 * RECLAIMABLE blocks share the UNMOVABLE list (NR_PCP_THP 2) */
	uint8_t pcp_list_of[PZ_PCP_NR_LISTS];
	bool has_cma, has_highmem; /* [C] */
	void *direct_map;	   /* [C] */
	uint64_t direct_map_pfn;   /* [C] */
	size_t meta_size;	   /* [C] */
	/* tunables the setters change (the vm sysctls: pz_set_min_free_kbytes,
	 * pz_set_percpu_pagelist_fraction, ...) serialise on tune_lock */
	pz_lock_t tune_lock;
	atomic_uint min_free_kbytes; /* [T] written, [A] read (pz_min_free_kbytes) */
	unsigned
		user_min_free_kbytes; /* [T] the setter's value, PZ_MIN_FREE_KBYTES_DEFAULT = the formula */
	unsigned boot_min_free_kbytes;	   /* [T] the formula's value at init (watermarks 0) */
	unsigned percpu_pagelist_fraction; /* [T] 5.14+: percpu_pagelist_high_fraction */
	unsigned watermark_scale_factor;   /* [T] 4.6+, in 1/10000 of the zone */
	/* [T] written, [A] read: 5.0's watermark_boost_factor (PZ_FEAT_WMARK_BOOST) */
	atomic_uint watermark_boost_factor;
	unsigned lowmem_reserve_ratio[PZ_NR_ZONE_TYPES - 1]; /* [T] by zone type */
	bool thp_enabled; /* [C] khugepaged's min_free_kbytes (pz_config.thp_enabled) */
	/* tunables fixed by the config */
	unsigned zone_reclaim_mode;	    /* [C] */
	unsigned zonelist_order;	    /* [C] */
	unsigned dirty_ratio;		    /* [C] */
	uint64_t dirty_bytes;		    /* [C] */
	bool mobility_disabled;		    /* [C] page_group_by_mobility_disabled */
	unsigned debug;			    /* [C] PZ_DEBUG_* */
	atomic_int cpusets_enabled;	    /* [A] */
	atomic_uint_least64_t nr_hwpoison;  /* [A] pages ever marked HWPOISON */
	struct pz_errcount err;		    /* [A] */
	atomic_uint_least64_t warn_stamp;   /* [A] warn_alloc_failed ratelimit (call count based) */
	atomic_uint_least64_t refuse_stamp; /* [A] pz_log_limited ratelimit, the same way */
	atomic_uint warned_once;	    /* [A] bits: one-time warnings already given */
	struct pz_task default_task;	    /* [C] all nodes, no flags */
	struct pz_fault fault;		    /* [F] with its own lock; armed is [A] */
	atomic_uint_least64_t vm_events[PZ_NR_VM_EVENTS]; /* [A] enum pz_vm_event */
	/* ---- slow path: shrinkers, kswapd (reclaim.c, shrinker.c, kswapd.c) ---- */
	pz_lock_t shrinker_lock;	   /* [S] leaf */
	struct pz_shrinker *shrinker_head; /* [S] registration order */
	struct pz_shrinker *shrinker_tail; /* [S] */
	pz_lock_t reclaim_lock;		   /* [R] leaf; never taken by a free */
	unsigned reclaim_open;		   /* [R] reclaim windows open in pz */
	bool kswapd_inline;		   /* [C] pz_config.kswapd_deterministic */
	/* [A] per zone type, summed over nodes: 4.1's pgsteal_/pgscan_<zone>
	 * and 6.1's allocstall_<zone> (enum pz_zone_vm_event) */
	atomic_uint_least64_t zone_ev[PZ_NR_ZONE_TYPES][PZ_ZEV_NR];
	struct pz_kswapd kswapd[PZ_MAX_NODES]; /* per node; [K] parts by run token */
	/* ---- slow path: compaction, migrate handler (compaction.c) ---- */
	struct pz_compaction compaction;
	/* ---- slow path: OOM handler and lock (oom.c) ---- */
	/* [Q] oom_scan_lock (4.1's zone_scan_lock): the handler pair and the
	 * zones' ZONE_OOM_LOCKED bits; a leaf, never held across a callback */
	pz_lock_t oom_scan_lock;
	pz_oom_fn oom_fn; /* [Q] */
	void *oom_ctx;	  /* [Q] */
	/* [A] modern's global oom_lock: taken by trylock only (a busy lock
	 * sends the caller to the wait hook), held across the handler call */
	atomic_uint oom_lock;
	atomic_uint_least64_t oom_stats[PZ_OOM_NR_STATS]; /* [A] enum pz_oom_stat */
	/* [V] reaper.lock: the OOM reaper's victims and its callback pair */
	struct pz_reaper reaper;
	struct pz_slow_probe slow_probe; /* [C] white-box tests only */
};

#define PB_MT_MASK 0x7u
#define PB_SKIP	   0x8u

#include "trace_types.h"

/* A writer over a caller buffer (fmt.c) that remembers the full length. */
struct pz_out {
	char *buf;
	size_t len, pos;
};

/* pz_warn_once bits (log.c) */
#define PZ_WARN_MOVABLE_RECLAIMABLE 0x1u
#define PZ_WARN_NOFAIL_ORDER	    0x2u
#define PZ_WARN_ORDER_TOO_BIG	    0x4u
#define PZ_WARN_ATOMIC_RECLAIM	    0x8u
#define PZ_WARN_NOFAIL_NOWAIT	    0x10u
#define PZ_WARN_NOFAIL_OOM	    0x20u
#define PZ_WARN_NOFAIL_COSTLY	    0x40u
#define PZ_WARN_NOFAIL_MEMALLOC	    0x80u

/* The largest pcp->batch: percpu_pagelist_fraction caps it at page_shift * 8. */
#define PZ_PCP_MAX_BATCH (8 * 18)

/* The request an allocation serves (alloc.c; struct alloc_context). */
struct pz_alloc_ctx {
	const uint16_t *zonelist;
	const pz_nodemask_t *nodemask;
	struct pz_zone *preferred;
	unsigned high_zoneidx;
	unsigned classzone_idx;
	unsigned migratetype;
	bool spread_dirty_pages;
	const struct pz_task *task;
	unsigned cpu;
	struct pz_tbuf *t;
};

/* compaction.c: 6.1's names; PZ_COMPACT_SUCCESS is 4.x's COMPACT_PARTIAL
 * ("the allocation should now succeed"). Compaction orders them per
 * profile. */
enum pz_compact_result {
	PZ_COMPACT_NOT_SUITABLE_ZONE = 0,
	PZ_COMPACT_SKIPPED,
	PZ_COMPACT_DEFERRED,
	PZ_COMPACT_NO_SUITABLE_PAGE,
	PZ_COMPACT_CONTINUE,
	PZ_COMPACT_COMPLETE,
	PZ_COMPACT_PARTIAL_SKIPPED,
	PZ_COMPACT_CONTENDED,
	PZ_COMPACT_SUCCESS,
};
/* 6.1 compaction priorities (lower is more thorough). */
enum pz_compact_priority {
	PZ_COMPACT_PRIO_SYNC_FULL = 0,
	PZ_COMPACT_PRIO_SYNC_LIGHT,
	PZ_COMPACT_PRIO_ASYNC,
};
/* One direct compaction request of the slow path (try_to_compact_pages). */
struct pz_compact_req {
	pz_gfp_t gfp;
	unsigned order;
	unsigned alloc_flags;
	const struct pz_alloc_ctx *ac;
	unsigned mode;		       /* 4.x: PZ_MIGRATE_ASYNC / _SYNC_LIGHT / _SYNC */
	enum pz_compact_priority prio; /* modern: 6.1's priority */
	bool contended;		       /* out: aborted on contention (async) */
	bool deferred;		       /* out: 4.x deferred_compaction */
	struct pz_page *page;	       /* out: captured block (6.1 capture_control) */
};

/* 5.0: no fallback may split another type's pageblock; the request may wake
 * kswapd (a boosting fallback then marks the zone ZONE_BOOSTED_WATERMARK). */
#define PZ_ALLOC_NOFRAGMENT 0x2000u
#define PZ_ALLOC_KSWAPD	    0x4000u

/* The kernel version a profile follows, as major * 100 + minor, so that a
 * rule reads "since 4.4": pz_kver(pz) >= PZ_KV(4, 4). */
#define PZ_KV(major, minor) ((major)*100u + (minor))
static inline unsigned pz_profile_kver(enum pz_profile profile)
{
	static const unsigned short kv[PZ_NR_PROFILES] = {
		[PZ_PROFILE_LINUX_4_1] = PZ_KV(4, 1),
		[PZ_PROFILE_LINUX_4_4] = PZ_KV(4, 4),
		[PZ_PROFILE_LINUX_6_1] = PZ_KV(6, 1),
	};
	return kv[profile];
}
static inline unsigned pz_kver(const struct pz *pz)
{
	return pz_profile_kver(pz->profile);
}

#endif /* PZ_TYPES_H */
