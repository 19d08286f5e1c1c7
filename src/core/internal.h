/*
 * internal.h - the core's private structures and the index of functions
 * shared between core files, grouped by the file that defines them.
 *
 * Lock Key (see docs/DESIGN.md for the order):
 *   [Z]  zone->lock            free lists, nr_free, pageblock labels, buddy state
 *   [P]  pcp->lock             one CPU's lists of one zone and its counters
 *   [A]  atomic                lock-free, relaxed unless said
 *   [C]  const after init      written by pz_init only
 *   [O]  owner                 the thread that holds the page (allocated pages)
 *   [F]  fault->lock           fail_page_alloc attributes, count and random state
 * Lock order: a pcp lock may be held while taking its zone's lock, never the
 * reverse; at most one zone lock at a time; fault->lock is a leaf taken with
 * no other lock held; user callbacks run with no lock.
 */
#ifndef PZ_INTERNAL_H
#define PZ_INTERNAL_H

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
	uint64_t nr_free;		  /* [Z] blocks, all types: == sum of nr_free_mt */
	uint64_t nr_free_mt[PZ_MT_TYPES]; /* [Z] blocks per type (what the lists hold) */
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
	pz_lock_t lock;	  /* [P] */
	int count;	  /* [P] pages on the lists */
	atomic_int high;  /* [A] flush when count >= high */
	atomic_int batch; /* [A] refill / flush size */
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

#define ZONE_FAIR_DEPLETED 0x1u

/*
 * A zone. Equations (pz_validate):
 *   nr_free_pages == sum over o, mt != ISOLATE of nr_free_mt[o][mt] << o
 *   nr_free_cma   == sum over o of nr_free_mt[o][CMA] << o
 *   managed == allocated + free (buddy lists) + pcp + leaked
 */
struct pz_zone {
	/* read on every allocation, written rarely */
	uint16_t id;						/* [C] */
	uint8_t nid, type;					/* [C] */
	bool populated;						/* [C] present_pages != 0 */
	atomic_uint flags;					/* [A] ZONE_FAIR_DEPLETED */
	uint64_t start_pfn, end_pfn, spanned, present, managed; /* [C] */
	atomic_long wmark[3];					/* [A] MIN, LOW, HIGH */
	atomic_long lowmem_reserve[PZ_NR_ZONE_TYPES];		/* [A] */
	atomic_long dirty_balance_reserve;			/* [A] */
	struct pz_pcp *pcp;					/* [C] nr_cpus entries */
	long stat_threshold; /* [C] calculate_normal_threshold: per-CPU vmstat drift bound */
	/* 4.1's fair batch, zone-wide part (the CPUs' deltas are in their
	 * pcps): written once per stat_threshold allocations, on a line of its
	 * own so that it does not evict the fields above */
	_Alignas(PZ_CACHELINE) atomic_long nr_alloc_batch; /* [A] */
	/* the lock and what is written under it */
	_Alignas(PZ_CACHELINE) pz_lock_t lock;
	atomic_long nr_free_pages;	    /* [Z] written, [A] read */
	atomic_long nr_free_cma;	    /* [Z] written, [A] read */
	atomic_long pages_scanned;	    /* [A] */
	long nr_isolate_pageblock;	    /* [Z] */
	long nr_migrate_reserve_block;	    /* [Z] 4.1 MIGRATE_RESERVE blocks */
	atomic_long nr_reserved_highatomic; /* [Z] written, [A] read: 4.4 HIGHATOMIC pages */
	atomic_uint_least64_t dirty[5];	    /* [A] embedder-reported page-cache figures */
	struct pz_free_area free_area[PZ_MAX_ORDER_LIMIT];
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
	pz_lock_t lock;
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
#define PZ_OFF_ALLOC (PZ_OFF_TRACE | PZ_OFF_FAULT | PZ_OFF_CPUSETS)
#define PZ_OFF_FREE  (PZ_OFF_TRACE | PZ_OFF_DEBUG)

struct pz {
	uint32_t magic;
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
	/* [C] the order-0 shortcuts' view of gfp & 0x1f: the highest zone
	 * index | migratetype << 4, or PZ_GFP_FAST_NONE when only the general
	 * path may handle it (forbidden mix, MOVABLE|RECLAIMABLE) */
	uint8_t gfp_fast[32];
	/* [C] the pcp list level of each order, -1 for none (pz_pcp_level):
	 * 0 for order 0; with PZ_FEAT_PCP_HIGH_ORDER the order itself for
	 * 1..PZ_PCP_COSTLY_ORDER and PZ_PCP_LEVELS - 1 for the pageblock order */
	int8_t pcp_level[PZ_MAX_ORDER_LIMIT];
	/* [C] free_pcppages_bulk's round robin: step k's list is
	 * pcp->lists[rr_list[k]] (level k / 3, the kernel's type order) */
	uint8_t rr_list[PZ_PCP_NR_LISTS];
	bool has_cma, has_highmem; /* [C] */
	void *direct_map;	   /* [C] */
	uint64_t direct_map_pfn;   /* [C] */
	size_t meta_size;	   /* [C] */
	/* tunables: written under every zone lock by the setters */
	unsigned min_free_kbytes, user_min_free_kbytes;
	unsigned boot_min_free_kbytes; /* the formula's value at init (watermarks 0) */
	unsigned lowmem_reserve_ratio[PZ_NR_ZONE_TYPES - 1];
	unsigned percpu_pagelist_fraction;
	unsigned zone_reclaim_mode;
	unsigned zonelist_order;
	unsigned dirty_ratio;
	uint64_t dirty_bytes;
	bool mobility_disabled; /* page_group_by_mobility_disabled */
	unsigned debug;		/* [C] PZ_DEBUG_* */
	atomic_int cpusets_enabled;
	atomic_uint_least64_t nr_hwpoison; /* pages ever marked HWPOISON */
	atomic_int tracing;
	struct pz_errcount err;
	atomic_uint_least64_t warn_stamp; /* warn_alloc_failed ratelimit (call count based) */
	atomic_uint warned_once;	  /* bits: one-time warnings already given */
	struct pz_task default_task;
	struct pz_fault fault;
	atomic_uint_least64_t vm_events[PZ_NR_VM_EVENTS]; /* [A] enum pz_vm_event */
	/* ---- slow path: shrinkers, kswapd (reclaim.c, kswapd.c) ---- */
	/* ---- slow path: compaction, migrate handler (compaction.c) ---- */
	/* ---- slow path: OOM handler and lock (oom.c) ---- */
};

#define PB_MT_MASK 0x7u
#define PB_SKIP	   0x8u

/* ---- trace buffering: events are collected under locks and delivered to
 * the sink after the locks are dropped. */
struct pz_trec {
	uint64_t pfn;
	uint32_t gfp;		       /* mm_page_alloc */
	uint8_t kind, order, mt, flag; /* flag: percpu_refill / cold / change_ownership */
	uint8_t fallback_order, alloc_mt, fallback_mt, pad;
};
/* Enough for the largest refill (batch <= page_shift * 8 <= 144 pages, two
 * events each, and one for a failed last __rmqueue) plus the allocation's
 * own events; get_page_from_freelist delivers what it holds between zones
 * as soon as one more refill might not fit (every zone whose __rmqueue
 * fails adds one event). */
#define PZ_TBUF_MAX    320
#define PZ_TBUF_REFILL (2 * 144 + 2)
struct pz_tbuf {
	unsigned n;
	unsigned cpu;
	pz_gfp_t gfp; /* for mm_page_alloc */
	struct pz_trec r[PZ_TBUF_MAX];
};

/* ---- small inline helpers -------------------------------------------- */
static inline struct pz_page *pz_idx_page(const struct pz *pz, uint32_t idx)
{
	return &pz->pages[idx];
}
static inline uint32_t pz_page_idx(const struct pz *pz, const struct pz_page *p)
{
	return (uint32_t)(p - pz->pages);
}
static inline uint64_t pz_page_pfn(const struct pz *pz, const struct pz_page *p)
{
	return pz->base_pfn + (uint64_t)(p - pz->pages);
}
static inline struct pz_page *pz_pfn_page(const struct pz *pz, uint64_t pfn)
{
	return &pz->pages[pfn - pz->base_pfn];
}
static inline bool pz_pfn_covered(const struct pz *pz, uint64_t pfn)
{
	return pfn >= pz->base_pfn && pfn - pz->base_pfn < pz->nr_pages;
}
/*
 * PG_BUDDY and PG_PCP live in p->where, written only under the lock that
 * owns the list (zone or pcp) with plain relaxed stores. PG_HEAD and PG_TAIL
 * live there too: only the block's owner writes them (the allocation sets
 * them, the free that won the last reference drops them before the block
 * joins a list), so a compound free needs no atomic read-modify-write per
 * page. Every other flag is in p->flags. pg_flags() shows both, so readers
 * need not care.
 */
static inline unsigned pg_flags(const struct pz_page *p)
{
	return atomic_load_explicit(&p->flags, memory_order_relaxed) |
	       atomic_load_explicit(&p->where, memory_order_relaxed);
}
static inline void pg_set_where(struct pz_page *p, unsigned where)
{
	atomic_store_explicit(&p->where, (uint8_t)where, memory_order_relaxed);
}
static inline void pg_set(struct pz_page *p, unsigned f)
{
	atomic_fetch_or_explicit(&p->flags, (uint16_t)f, memory_order_relaxed);
}
static inline void pg_clear(struct pz_page *p, unsigned f)
{
	atomic_fetch_and_explicit(&p->flags, (uint16_t)~f, memory_order_relaxed);
}
static inline void pg_store(struct pz_page *p, unsigned f)
{
	atomic_store_explicit(&p->flags, (uint16_t)f, memory_order_relaxed);
}
/*
 * What a free clears: every flag but HWPOISON, which pz_page_set_state may
 * set from another thread at any time (the page must then never be reused:
 * the next allocation's check leaks it). No write at all when nothing is
 * set, the common case; otherwise one atomic AND, so a concurrent
 * HWPOISON is never wiped.
 */
static inline void pg_clear_for_free(struct pz_page *p)
{
	if (atomic_load_explicit(&p->flags, memory_order_relaxed) & ~(unsigned)PG_HWPOISON)
		atomic_fetch_and_explicit(&p->flags, (uint16_t)PG_HWPOISON, memory_order_relaxed);
}
static inline struct pz_zone *pz_page_zone(const struct pz *pz, const struct pz_page *p)
{
	return &pz->zones[p->zone];
}
static inline struct pz_zone *pz_zone_of(const struct pz *pz, int nid, int type)
{
	return &pz->zones[nid * PZ_NR_ZONE_TYPES + type];
}
static inline long zload(const atomic_long *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}
static inline void zstore(atomic_long *v, long x)
{
	atomic_store_explicit(v, x, memory_order_relaxed);
}
/* Update under zone->lock: a plain read-modify-write is enough. */
static inline void zadd(atomic_long *v, long d)
{
	zstore(v, zload(v) + d);
}
/*
 * How many pages of a block the allocation and free checks look at: all of
 * them (4.1), or - with PZ_FEAT_CHECK_HEAD_ONLY, as later kernels without
 * debugging - the head alone while no page was ever marked HWPOISON (the
 * one state change the API allows on a page without a reference).
 */
static inline uint64_t pz_pages_to_check(const struct pz *pz, unsigned order)
{
	if ((pz->features & PZ_FEAT_CHECK_HEAD_ONLY) &&
	    !atomic_load_explicit(&pz->nr_hwpoison, memory_order_relaxed))
		return 1;
	return (uint64_t)1 << order;
}
static inline bool pz_feature(const struct pz *pz, unsigned f)
{
	return (pz->features & f) != 0;
}
/*
 * pcp_allowed_order: the level of the per-CPU list that holds blocks of
 * this order, or -1 when they bypass the per-CPU lists (4.x: all but
 * order 0).
 */
static inline int pz_pcp_level(const struct pz *pz, unsigned order)
{
	if (order == 0)
		return 0;
	return order < PZ_MAX_ORDER_LIMIT ? pz->pcp_level[order] : -1;
}
/* The block order a list level holds. */
static inline unsigned pz_pcp_level_order(const struct pz *pz, unsigned level)
{
	return level < PZ_PCP_LEVELS - 1 ? level : pz->pageblock_order;
}
/* Number of pcp lists in use: the order-0 ones or all levels. */
static inline unsigned pz_pcp_nr_lists(const struct pz *pz)
{
	return (pz->features & PZ_FEAT_PCP_HIGH_ORDER) ? PZ_PCP_NR_LISTS : PZ_MT_PCPTYPES;
}
/* The hook's CPU; a number out of range is folded into range (no division
 * in the common case: it costs more than the rest of a pcp hit). */
static inline unsigned pz_this_cpu(const struct pz *pz)
{
	unsigned c = pz->plat.cpu(pz->plat.ctx); /* never NULL after pz_init */

	return pz_likely(c < pz->nr_cpus) ? c : c % pz->nr_cpus;
}
static inline void pz_count_n(atomic_uint_least64_t *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}
static inline void pz_count(atomic_uint_least64_t *c)
{
	pz_count_n(c, 1);
}
/* Adds to a counter only ever written under one lock: a plain add (no lock
 * prefix), still an atomic store so that lock-free readers see whole values. */
static inline void pz_count_locked(atomic_uint_least64_t *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
			      memory_order_relaxed);
}

/* ---- lock.c ----------------------------------------------------------- */
void pz_lock_init(pz_lock_t *l);
void pz_lock_slow(const struct pz *pz, pz_lock_t *l);
bool pz_lock_held(pz_lock_t *l);
static inline bool pz_trylock(pz_lock_t *l)
{
	return atomic_load_explicit(&l->v, memory_order_relaxed) == 0 &&
	       atomic_exchange_explicit(&l->v, 1, memory_order_acquire) == 0;
}
static inline void pz_lock(const struct pz *pz, pz_lock_t *l)
{
	if (pz_likely(atomic_exchange_explicit(&l->v, 1, memory_order_acquire) == 0))
		return;
	pz_lock_slow(pz, l);
}
static inline void pz_unlock(pz_lock_t *l)
{
	atomic_store_explicit(&l->v, 0, memory_order_release);
}

/* ---- lib.c: freestanding helpers -------------------------------------- */
void pz_memzero(void *p, size_t n);
void pz_memfill(void *p, unsigned char c, size_t n);
/* Offset of the first byte of [p, p + n) that is not c, or n. */
size_t pz_memcheck(const void *p, unsigned char c, size_t n);
uint64_t pz_isqrt(uint64_t x);
unsigned pz_fls(uint64_t x); /* 1-based index of the highest set bit, 0 for 0 */
uint64_t pz_rounddown_pow2(uint64_t x);
size_t pz_strlen(const char *s);

/* ---- fmt.c: snprintf subset (%d %u %ld %lu %lld %llu %lx %llx %s %c %p %%,
 * flags '-' '0', width, '*') --------------------------------------------- */
size_t pz_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap);
size_t pz_snprintf(char *buf, size_t len, const char *fmt, ...) PZ_PRINTF(3, 4);
/* An appending writer over a caller buffer that remembers the full length. */
struct pz_out {
	char *buf;
	size_t len, pos;
};
void pz_out_printf(struct pz_out *o, const char *fmt, ...) PZ_PRINTF(2, 3);
size_t pz_out_finish(struct pz_out *o);

/* ---- log.c ------------------------------------------------------------ */
void pz_log(const struct pz *pz, enum pz_log_level lvl, const char *fmt, ...) PZ_PRINTF(3, 4);
void pz_bad_page(struct pz *pz, struct pz_page *p, const char *reason, bool at_free);
void pz_warn_once(struct pz *pz, unsigned bit, const char *fmt, ...) PZ_PRINTF(3, 4);
#define PZ_WARN_MOVABLE_RECLAIMABLE 0x1u
#define PZ_WARN_NOFAIL_ORDER	    0x2u
#define PZ_WARN_ORDER_TOO_BIG	    0x4u
#define PZ_WARN_ATOMIC_RECLAIM	    0x8u
#define PZ_WARN_NOFAIL_NOWAIT	    0x10u
void pz_warn_alloc_failed(struct pz *pz, pz_gfp_t gfp, unsigned order);

/* ---- trace.c ---------------------------------------------------------- */
void pz_trace_rec_slow(struct pz_tbuf *t, enum pz_trace_kind kind, uint64_t pfn, unsigned order,
		       unsigned mt, unsigned flag);
/* Records an event when tracing (t != NULL); one branch otherwise. */
static inline void pz_trace_rec(struct pz_tbuf *t, enum pz_trace_kind kind, uint64_t pfn,
				unsigned order, unsigned mt, unsigned flag)
{
	if (pz_unlikely(t != 0))
		pz_trace_rec_slow(t, kind, pfn, order, mt, flag);
}
void pz_trace_extfrag(struct pz *pz, struct pz_tbuf *t, uint64_t pfn, unsigned order,
		      unsigned fallback_order, unsigned start_mt, unsigned fallback_mt);
void pz_trace_flush(struct pz *pz, struct pz_tbuf *t);

/* ---- gfp.c ------------------------------------------------------------ */
int pz_gfp_zone_internal(pz_gfp_t gfp, unsigned zone_present);
unsigned pz_gfp_to_mt(const struct pz *pz, pz_gfp_t gfp);
unsigned pz_gfp_to_alloc_flags(const struct pz *pz, const struct pz_task *task, pz_gfp_t gfp,
			       unsigned mt);
bool pz_gfp_is_atomic(const struct pz *pz, pz_gfp_t gfp);
int pz_kernel_mt_order(const struct pz *pz, unsigned idx);

/* ---- init.c ----------------------------------------------------------- */
static inline bool pz_instance_ok(const struct pz *pz)
{
	return pz && pz->magic == PZ_MAGIC;
}

/* ---- zonelist.c ------------------------------------------------------- */
int pz_build_zonelists(struct pz *pz, uint16_t *storage, size_t per_list);
size_t pz_zonelist_len(const struct pz *pz);
/* next_zones_zonelist: the next zone at or after *pos whose type is at most
 * highidx and whose node is in mask (NULL: any); NULL at the end. */
static inline struct pz_zone *pz_next_zone(struct pz *pz, const uint16_t *zl, unsigned *pos,
					   unsigned highidx, const pz_nodemask_t *mask)
{
	for (; zl[*pos] != PZ_NO_ZONE; (*pos)++) {
		struct pz_zone *z = &pz->zones[zl[*pos]];

		if (z->type > highidx)
			continue;
		if (mask && !(*mask & ((pz_nodemask_t)1 << z->nid)))
			continue;
		(*pos)++;
		return z;
	}
	return (struct pz_zone *)0;
}
bool pz_cpuset_zone_allowed(struct pz *pz, const struct pz_task *task, struct pz_zone *z,
			    pz_gfp_t gfp);

/* ---- watermark.c ------------------------------------------------------ */
void pz_setup_watermarks(struct pz *pz);
unsigned pz_default_min_free_kbytes(struct pz *pz);
bool pz_zone_watermark_ok_locked_free(const struct pz *pz, struct pz_zone *z, unsigned order,
				      long mark, unsigned classzone, unsigned alloc_flags,
				      long free_pages);
bool pz_watermark_ok(const struct pz *pz, struct pz_zone *z, unsigned order, long mark,
		     unsigned classzone, unsigned alloc_flags);
/*
 * 4.1-4.3: the order-0 test (CMA discounted when the request may not use
 * it), then each lower order's free pages are discounted in turn while the
 * requirement halves; CMA is not discounted again inside the loop.
 */
static inline bool pz_wmark_ok_41(const struct pz *pz, struct pz_zone *z, unsigned order, long min,
				  unsigned classzone, long free, long free_cma)
{
	(void)pz;
	if (free - free_cma <= min + zload(&z->lowmem_reserve[classzone]))
		return false;
	for (unsigned o = 0; o < order; o++) {
		free -= (long)(__atomic_load_n(&z->free_area[o].nr_free, __ATOMIC_RELAXED) << o);
		min >>= 1;
		if (free <= min)
			return false;
	}
	return true;
}

/* 4.4+: the order-0 watermark, then one free block of the order on a list
 * this request may use. */
static inline bool pz_wmark_ok_44(const struct pz *pz, struct pz_zone *z, unsigned order, long min,
				  unsigned classzone, unsigned alloc_flags, long free)
{
	if (free <= min + zload(&z->lowmem_reserve[classzone]))
		return false;
	if (!order)
		return true;
	for (unsigned o = order; o < pz->max_order; o++) {
		const struct pz_free_area *a = &z->free_area[o];

		if (!__atomic_load_n(&a->nr_free, __ATOMIC_RELAXED))
			continue;
		if (alloc_flags & PZ_ALLOC_HARDER)
			return true; /* 4.4: any free block will do for ALLOC_HARDER */
		for (unsigned mt = 0; mt < PZ_MT_PCPTYPES; mt++)
			if (__atomic_load_n(&a->nr_free_mt[mt], __ATOMIC_RELAXED))
				return true;
		if ((alloc_flags & PZ_ALLOC_CMA) &&
		    __atomic_load_n(&a->nr_free_mt[PZ_MT_CMA], __ATOMIC_RELAXED))
			return true;
	}
	return false;
}

/* __zone_watermark_ok with the zone's free pages given; inline so that the
 * shortcuts get it specialised for their constant alloc_flags. */
static inline bool pz_wmark_ok_inline(const struct pz *pz, struct pz_zone *z, unsigned order,
				      long mark, unsigned classzone, unsigned alloc_flags,
				      long free_pages)
{
	long min = mark;
	long free = free_pages - (((long)1 << order) - 1);
	long free_cma = 0;

	if (alloc_flags & PZ_ALLOC_HIGH)
		min -= min / 2;
	if (alloc_flags & PZ_ALLOC_HARDER)
		min -= min / 4;
	else if (pz_feature(pz, PZ_FEAT_HIGHATOMIC))
		free -= zload(&z->nr_reserved_highatomic); /* only HARDER may use them */
	if (!(alloc_flags & PZ_ALLOC_CMA))
		free_cma = zload(&z->nr_free_cma);
	if (pz_feature(pz, PZ_FEAT_WMARK_ORDER0_CHECK))
		return pz_wmark_ok_44(pz, z, order, min, classzone, alloc_flags, free - free_cma);
	return pz_wmark_ok_41(pz, z, order, min, classzone, free, free_cma);
}
unsigned pz_stat_threshold(const struct pz *pz, const struct pz_zone *z);
void pz_pcp_setup_zone(struct pz *pz, struct pz_zone *z);

/* ---- buddy.c ---------------------------------------------------------- */
/* Index-linked lists of descriptors (first/last, PZ_NIL-terminated). */
static inline void pz_list_add_head(struct pz *pz, struct pz_list *l, struct pz_page *p)
{
	uint32_t idx = pz_page_idx(pz, p);

	p->prev = PZ_NIL;
	p->next = l->first;
	if (l->first != PZ_NIL)
		pz->pages[l->first].prev = idx;
	else
		l->last = idx;
	l->first = idx;
}

static inline void pz_list_add_tail(struct pz *pz, struct pz_list *l, struct pz_page *p)
{
	uint32_t idx = pz_page_idx(pz, p);

	p->next = PZ_NIL;
	p->prev = l->last;
	if (l->last != PZ_NIL)
		pz->pages[l->last].next = idx;
	else
		l->first = idx;
	l->last = idx;
}

static inline void pz_list_add_after(struct pz *pz, struct pz_list *l, struct pz_page *prev,
				     struct pz_page *p)
{
	uint32_t idx = pz_page_idx(pz, p);

	p->prev = pz_page_idx(pz, prev);
	p->next = prev->next;
	if (prev->next != PZ_NIL)
		pz->pages[prev->next].prev = idx;
	else
		l->last = idx;
	prev->next = idx;
}

static inline void pz_list_add_before(struct pz *pz, struct pz_list *l, struct pz_page *next,
				      struct pz_page *p)
{
	uint32_t idx = pz_page_idx(pz, p);

	p->next = pz_page_idx(pz, next);
	p->prev = next->prev;
	if (next->prev != PZ_NIL)
		pz->pages[next->prev].next = idx;
	else
		l->first = idx;
	next->prev = idx;
}

static inline void pz_list_del(struct pz *pz, struct pz_list *l, struct pz_page *p)
{
	if (p->prev != PZ_NIL)
		pz->pages[p->prev].next = p->next;
	else
		l->first = p->next;
	if (p->next != PZ_NIL)
		pz->pages[p->next].prev = p->prev;
	else
		l->last = p->prev;
	p->next = p->prev = PZ_NIL;
}

static inline bool pz_list_empty(const struct pz_list *l)
{
	return l->first == PZ_NIL;
}
static inline unsigned pz_pageblock_mt(const struct pz *pz, uint64_t pfn)
{
	uint64_t b = (pfn - pz->base_pfn) >> pz->pageblock_order;

	return atomic_load_explicit(&pz->pageblock[b], memory_order_relaxed) & PB_MT_MASK;
}

void pz_set_pageblock_mt(struct pz *pz, uint64_t pfn, unsigned mt);
void pz_area_add(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned order, unsigned mt,
		 bool tail);
void pz_area_del(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned order);
void pz_account_free_locked(struct pz_zone *z, long pages, unsigned mt);
struct pz_page *pz_rmqueue_smallest_locked(struct pz *pz, struct pz_zone *z, unsigned order,
					   unsigned mt);
void pz_expand_locked(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned low,
		      unsigned high, unsigned mt);
void pz_free_one_page_locked(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned order,
			     unsigned mt);

/* ---- fallback.c ------------------------------------------------------- */
struct pz_page *pz_rmqueue_locked(struct pz *pz, struct pz_zone *z, unsigned order, unsigned mt,
				  struct pz_tbuf *t);
long pz_move_freepages_block_locked(struct pz *pz, struct pz_zone *z, struct pz_page *p,
				    unsigned mt);
void pz_reserve_highatomic(struct pz *pz, struct pz_zone *z, struct pz_page *p);
void pz_setup_migrate_reserve_locked(struct pz *pz, struct pz_zone *z);
int pz_find_suitable_fallback(const struct pz *pz, const struct pz_free_area *area, unsigned order,
			      unsigned mt, bool only_stealable, bool *can_steal);

/* ---- pcp.c ------------------------------------------------------------ */
struct pz_alloc_ctx;
struct pz_page *pz_pcp_take_locked(struct pz *pz, struct pz_zone *z, struct pz_pcp *pcp,
				   unsigned order, unsigned mt, bool cold, struct pz_tbuf *t);
/* The largest pcp->batch: percpu_pagelist_fraction caps it at page_shift * 8. */
#define PZ_PCP_MAX_BATCH (8 * 18)
void pz_pcp_park_locked(struct pz *pz, struct pz_list *list, unsigned order, bool cold,
			struct pz_page *const *pages, int n);
int pz_pcp_pull_batch_locked(struct pz *pz, struct pz_zone *z, struct pz_pcp *pcp, unsigned mt,
			     struct pz_page **out);
static inline struct pz_list *pz_pcp_list(struct pz_pcp *pcp, unsigned level, unsigned mt)
{
	return &pcp->lists[level * PZ_MT_PCPTYPES + mt];
}
struct pz_page *pz_pcp_alloc(struct pz *pz, struct pz_zone *z, unsigned order, pz_gfp_t gfp,
			     const struct pz_alloc_ctx *ac);
void pz_pcp_flush_locked(struct pz *pz, struct pz_zone *z, struct pz_pcp *pcp, struct pz_tbuf *t);
/* The locked half of a per-CPU free: mt is a pcp type (RESERVE,
 * HIGHATOMIC and CMA pages already mapped to MOVABLE). */
static inline void pz_pcp_free_locked(struct pz *pz, struct pz_zone *z, struct pz_pcp *pcp,
				      struct pz_page *p, unsigned order, unsigned mt, bool cold,
				      struct pz_tbuf *t)
{
	struct pz_list *list = pz_pcp_list(pcp, (unsigned)pz_pcp_level(pz, order), mt);

	if (p->order != order)
		p->order = (uint8_t)order; /* normally equal: checked at free */
	if (cold)
		pz_list_add_tail(pz, list, p);
	else
		pz_list_add_head(pz, list, p);
	pg_set_where(p, PG_PCP);
	pcp->count += 1 << order;
	pz_count_locked(&pcp->ev_locked[PCPEV_PGFREE], (uint64_t)1 << order);
	if (pz_unlikely(pcp->count >= atomic_load_explicit(&pcp->high, memory_order_acquire)))
		pz_pcp_flush_locked(pz, z, pcp, t);
}
void pz_pcp_free(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned order, unsigned cpu,
		 bool cold, struct pz_tbuf *t);
void pz_drain_zone_cpu(struct pz *pz, struct pz_zone *z, unsigned cpu, struct pz_tbuf *t);

/* ---- alloc.c ---------------------------------------------------------- */
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
struct pz_page *pz_get_page_from_freelist(struct pz *pz, pz_gfp_t gfp, unsigned order,
					  unsigned alloc_flags, struct pz_alloc_ctx *ac);
bool pz_first_zone(struct pz *pz, struct pz_alloc_ctx *ac, const pz_nodemask_t *mask);
#define PZ_GFP_FAST_NONE 0xffu
void pz_build_gfp_fast(struct pz *pz);
/* The calling task, or the instance's default task (no cpuset, no policy). */
static inline const struct pz_task *pz_task_current(struct pz *pz)
{
	struct pz_task *(*hook)(void) = pz_current_task_hook;
	struct pz_task *t = hook ? hook() : (struct pz_task *)0;

	return t ? t : &pz->default_task;
}

/*
 * The alloc context of a per-CPU shortcut (alloc_pcp_fast, the bulk
 * allocator): false when the request needs something only the general path
 * does (a report, WRITE spreading, a restricted cpuset, slot-3 types).
 * Callers have checked: no nodemask, no tracing, cpusets off.
 */
static inline bool pz_fast_ctx(struct pz *pz, pz_gfp_t gfp, int nid, const struct pz_task *task,
			       struct pz_alloc_ctx *ac)
{
	unsigned fast = pz->gfp_fast[gfp & 0x1f], zid;

	/* forbidden zone mixes and MOVABLE|RECLAIMABLE are reported by the
	 * general path */
	if (pz_unlikely(fast == PZ_GFP_FAST_NONE))
		return false;
	ac->migratetype = fast >> 4;
	ac->cpu = pz_this_cpu(pz);
	ac->task = task ? task : pz_task_current(pz);
	if ((gfp & PZ_GFP_WRITE) ||
	    __atomic_load_n(&ac->task->mems_allowed, __ATOMIC_RELAXED) != PZ_NODEMASK_ALL)
		return false;
	if (nid < 0)
		nid = pz->cpu_node[ac->cpu];
	else if ((unsigned)nid >= pz->nr_nodes)
		return false;
	ac->zonelist = pz->nodes[nid].zonelist[(gfp & PZ_GFP_THISNODE) ? 1 : 0];
	ac->high_zoneidx = fast & 0xf;
	ac->nodemask = (const pz_nodemask_t *)0;
	ac->spread_dirty_pages = false;
	ac->t = (struct pz_tbuf *)0;
	zid = pz->nodes[nid].first_zone[(gfp & PZ_GFP_THISNODE) ? 1 : 0][fast & 0xf];
	if (zid == PZ_NO_ZONE)
		return false;
	ac->preferred = &pz->zones[zid];
	ac->classzone_idx = ac->preferred->type;
	return true;
}
const char *pz_new_page_problem(const struct pz_page *p);
bool pz_prep_new_page(struct pz *pz, struct pz_page *p, unsigned order, pz_gfp_t gfp,
		      unsigned alloc_flags);
/*
 * prep_new_page done inline for a clean block whose head is all there is to
 * check and write (order 0, or head-only checks with lazy tails), for a
 * call that asks no zeroing while no debugging is on (the caller's part,
 * see pz_prep_fast). Returns false, having changed nothing, when the
 * general pz_prep_new_page must run (which reports a bad page).
 */
static inline bool pz_prep_head(struct pz *pz, struct pz_page *p, unsigned order, pz_gfp_t gfp)
{
	if (pg_flags(p) | (unsigned)p->mapcount |
	    (unsigned)atomic_load_explicit(&p->refcount, memory_order_relaxed))
		return false;
	if (order && (pz_pages_to_check(pz, order) != 1 || !pz_feature(pz, PZ_FEAT_LAZY_TAILS)))
		return false;
	p->order = (uint8_t)order;
	p->owner = 0;
	if (order && (gfp & PZ_GFP_COMP))
		pg_set_where(p, PG_HEAD);
	atomic_store_explicit(&p->refcount, 1, memory_order_release);
	return true;
}
/* pz_prep_head with the call's part checked too. */
static inline bool pz_prep_fast(struct pz *pz, struct pz_page *p, unsigned order, pz_gfp_t gfp)
{
	return !(gfp & PZ_GFP_ZERO) && !pz->debug && pz_prep_head(pz, p, order, gfp);
}
/*
 * 4.1's NR_ALLOC_BATCH is a vmstat item: an allocation changes this CPU's
 * delta (__mod_zone_page_state), which is folded into the zone-wide value
 * only when it passes stat_threshold; the fair policy reads the zone-wide
 * value (so the CPUs drift, as the kernel's do). Both with z's pcp lock of
 * this CPU held.
 */
static inline void pz_fair_batch_mod_locked(struct pz_zone *z, struct pz_pcp *pcp, long delta)
{
	long x = atomic_load_explicit(&pcp->alloc_batch_diff, memory_order_relaxed) + delta;

	if (x > z->stat_threshold || x < -z->stat_threshold) {
		atomic_fetch_add_explicit(&z->nr_alloc_batch, x, memory_order_relaxed);
		x = 0;
	}
	atomic_store_explicit(&pcp->alloc_batch_diff, (int)x, memory_order_relaxed);
}
/* nr allocations of 2^order pages, each as buffered_rmqueue accounts it:
 * the delta, its folds, then ZONE_FAIR_DEPLETED once the zone-wide value
 * is spent (it only falls, so testing the end value is the same). */
static inline void pz_fair_batch_sub_locked(struct pz_zone *z, struct pz_pcp *pcp, uint64_t nr,
					    unsigned order)
{
	long s = 1l << order, t = z->stat_threshold;
	long d = atomic_load_explicit(&pcp->alloc_batch_diff, memory_order_relaxed);
	long first = (d + t) / s + 1; /* steps until the first fold (|d| <= t) */
	long fold = 0;

	if ((long)nr < first) {
		d -= (long)nr * s;
	} else {
		long period = t / s + 1, rest = (long)nr - first;

		fold = d - first * s - (rest / period) * period * s;
		d = -(rest % period) * s;
	}
	atomic_store_explicit(&pcp->alloc_batch_diff, (int)d, memory_order_relaxed);
	if (fold)
		atomic_fetch_add_explicit(&z->nr_alloc_batch, fold, memory_order_relaxed);
	if (zload(&z->nr_alloc_batch) <= 0 &&
	    !(atomic_load_explicit(&z->flags, memory_order_relaxed) & ZONE_FAIR_DEPLETED))
		atomic_fetch_or_explicit(&z->flags, ZONE_FAIR_DEPLETED, memory_order_relaxed);
}
/* How many more order-0 allocations z serves on this CPU before its fair
 * batch is spent (the one that spends it included): where a bulk pass must
 * stop to hand out what single calls would. */
static inline uint64_t pz_fair_batch_left_locked(struct pz_zone *z, struct pz_pcp *pcp)
{
	long t = z->stat_threshold, g = zload(&z->nr_alloc_batch);
	long d = atomic_load_explicit(&pcp->alloc_batch_diff, memory_order_relaxed);
	long first = d + t + 1;

	if (g <= 0)
		return 1;
	g += d - first;
	if (g <= 0)
		return (uint64_t)first;
	return (uint64_t)(first + (g + t) / (t + 1) * (t + 1));
}
/* The zone-wide NR_ALLOC_BATCH with every CPU's delta (what the zone has
 * left: zone_page_state_snapshot). */
long pz_fair_batch_snapshot(const struct pz *pz, const struct pz_zone *z);
/*
 * The per-allocation accounting of buffered_rmqueue for nr allocations of
 * one order from z on this CPU (preferred zone pref): the fair batch (4.1), PGALLOC in pages, and zone_statistics'
 * NUMA counters (per call). With z's pcp lock held (locked) this CPU's
 * counters are bumped without atomic read-modify-writes; NUMA_FOREIGN
 * belongs to another zone and stays atomic. Without it (locked false) no
 * zone lock may be held: the fair batch takes the pcp lock.
 */
static inline void pz_count_allocs(struct pz *pz, struct pz_zone *z, struct pz_zone *pref,
				   unsigned cpu, unsigned order, uint64_t nr, pz_gfp_t gfp,
				   bool locked)
{
	struct pz_pcp *pcp = &z->pcp[cpu];
	atomic_uint_least64_t *ev = locked ? pcp->ev_locked : pcp->ev;
	unsigned local = (gfp & PZ_GFP_OTHER_NODE) ? pref->nid : pz->cpu_node[cpu];
	unsigned which = z->nid == local ? PCPEV_NUMA_LOCAL : PCPEV_NUMA_OTHER;
	unsigned hit = z->nid == pref->nid ? PCPEV_NUMA_HIT : PCPEV_NUMA_MISS;
	long pages = (long)(nr << order);

	if (!pz_feature(pz, PZ_FEAT_NO_FAIR_POLICY)) {
		if (!locked)
			pz_lock(pz, &pcp->lock);
		pz_fair_batch_sub_locked(z, pcp, nr, order);
		if (!locked)
			pz_unlock(&pcp->lock);
	}
	if (z->nid != pref->nid)
		pz_count_n(&pref->pcp[cpu].ev[PCPEV_NUMA_FOREIGN], nr);
	if (locked) {
		pz_count_locked(&ev[PCPEV_PGALLOC], (uint64_t)pages);
		pz_count_locked(&ev[hit], nr);
		pz_count_locked(&ev[which], nr);
	} else {
		pz_count_n(&ev[PCPEV_PGALLOC], (uint64_t)pages);
		pz_count_n(&ev[hit], nr);
		pz_count_n(&ev[which], nr);
	}
}
/* pz_count_allocs for one allocation of the request ac describes. */
static inline void pz_count_alloc(struct pz *pz, struct pz_zone *z, unsigned order, pz_gfp_t gfp,
				  const struct pz_alloc_ctx *ac, bool locked)
{
	pz_count_allocs(pz, z, ac->preferred, ac->cpu, order, 1, gfp, locked);
}

/* ---- fault.c ---------------------------------------------------------- */
void pz_fault_init(struct pz *pz);
bool pz_should_fail_alloc_page_slow(struct pz *pz, const struct pz_task *task, pz_gfp_t gfp,
				    unsigned order);
static inline bool pz_fault_armed(const struct pz *pz)
{
	return atomic_load_explicit(&pz->fault.armed, memory_order_relaxed) != 0;
}
/* should_fail_alloc_page: true when this request is to fail (spec §10).
 * Called with no allocator lock held. */
static inline bool pz_should_fail_alloc_page(struct pz *pz, const struct pz_task *task,
					     pz_gfp_t gfp, unsigned order)
{
	return pz_unlikely(pz_fault_armed(pz)) &&
	       pz_should_fail_alloc_page_slow(pz, task, gfp, order);
}

/* ---- slowpath.c ------------------------------------------------------- */
struct pz_page *pz_alloc_slowpath(struct pz *pz, pz_gfp_t gfp, unsigned order,
				  struct pz_alloc_ctx *ac);

/* ---- reclaim.c: shrinkers and direct reclaim --------------------------- */
/*
 * try_to_free_pages for a slow-path request: runs the shrinkers of the
 * nodes of ac's zonelist (priority 12 down, do_shrink_slab's arithmetic)
 * with no allocator lock held, counting ALLOCSTALL and pgscan/pgsteal.
 * Returns the pages that actually came back to the free lists (progress),
 * 0 when none did.
 */
unsigned long pz_try_to_free_pages(struct pz *pz, pz_gfp_t gfp, unsigned order,
				   const struct pz_alloc_ctx *ac);

/* ---- kswapd.c: background reclaim -------------------------------------- */
/* wake_all_kswapds: wakeup_kswapd(zone, order, classzone of ac) for every
 * zone of ac's zonelist up to its highest zone index (and nodemask). */
void pz_wake_all_kswapds(struct pz *pz, pz_gfp_t gfp, unsigned order,
			 const struct pz_alloc_ctx *ac);

/* ---- compaction.c ------------------------------------------------------ */
/* 6.1's names; PZ_COMPACT_SUCCESS is 4.x's COMPACT_PARTIAL ("the
 * allocation should now succeed"). Compaction orders them per profile. */
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
enum pz_compact_result pz_try_to_compact_pages(struct pz *pz, struct pz_compact_req *req);
enum pz_compact_result pz_compaction_suitable(struct pz *pz, struct pz_zone *z, unsigned order,
					      unsigned alloc_flags, unsigned classzone);
bool pz_compaction_zonelist_suitable(struct pz *pz, const struct pz_alloc_ctx *ac, unsigned order,
				     unsigned alloc_flags);
bool pz_compaction_deferred(struct pz_zone *z, unsigned order);
void pz_defer_compaction(struct pz_zone *z, unsigned order);
void pz_compaction_defer_reset(struct pz_zone *z, unsigned order, bool alloc_success);
/* kswapd's compaction of a node after balancing for order (4.x
 * compact_pgdat), and modern's kcompactd wake-up. */
void pz_compact_pgdat(struct pz *pz, int nid, unsigned order);
void pz_wakeup_kcompactd(struct pz *pz, int nid, unsigned order, unsigned classzone);

/* ---- oom.c ------------------------------------------------------------- */
/* __alloc_pages_may_oom; *did_some_progress as the kernel sets it. */
struct pz_page *pz_alloc_pages_may_oom(struct pz *pz, pz_gfp_t gfp, unsigned order,
				       struct pz_alloc_ctx *ac, unsigned long *did_some_progress);

static inline void pz_count_vm_event(struct pz *pz, enum pz_vm_event ev, uint64_t n)
{
	atomic_fetch_add_explicit(&pz->vm_events[ev], n, memory_order_relaxed);
}

/* ---- free.c ----------------------------------------------------------- */
struct pz_page *pz_tail_head(const struct pz *pz, const struct pz_page *p);
/*
 * The common free of a block with a per-CPU list, first half: a block this
 * instance handed out at this order, last reference, no state the free
 * check would object to, and (order > 0) nothing but its head to check or
 * clear (head-only checks and lazy tails). It drops the reference, clears
 * what free_pages_prepare clears and records the pageblock type, returning
 * true; for anything else it returns false having changed nothing (the
 * general path then reports or handles it).
 */
static inline bool pz_claim_pcp_block(struct pz *pz, struct pz_page *p, unsigned order)
{
	const unsigned ok =
		PG_PFMEMALLOC | (PZ_PAGE_DIRTY << PG_USER_SHIFT) | (order ? PG_HEAD : 0);
	int one = 1;

	if ((pg_flags(p) & ~ok) || p->order != order || p->mapcount != 0)
		return false;
	if (order && (!pz_feature(pz, PZ_FEAT_LAZY_TAILS) || pz_pages_to_check(pz, order) != 1))
		return false;
	if (!atomic_compare_exchange_strong_explicit(&p->refcount, &one, 0, memory_order_acq_rel,
						     memory_order_relaxed))
		return false;
	pg_clear_for_free(p);
	if (order)
		pg_set_where(p, 0); /* PG_HEAD */
	p->owner = 0;
	p->mt = (uint8_t)pz_pageblock_mt(pz, pz_page_pfn(pz, p));
	return true;
}

int pz_free_pages_internal(struct pz *pz, struct pz_page *p, unsigned order, bool cold,
			   bool batched);
void pz_free_pages_ok(struct pz *pz, struct pz_page *p, unsigned order, unsigned cpu);
/* The descriptor behind a caller's page pointer, or NULL when it is not one
 * of this instance's (outside the array or not on a descriptor boundary). */
static inline struct pz_page *pz_checked_page(struct pz *pz, const pz_page_t *page)
{
	uintptr_t a = (uintptr_t)page, lo = (uintptr_t)pz->pages;

	if (a < lo || a >= lo + pz->nr_pages * sizeof(struct pz_page) ||
	    (a - lo) % sizeof(struct pz_page))
		return (struct pz_page *)0;
	return (struct pz_page *)(uintptr_t)page;
}
void pz_poison_block(struct pz *pz, struct pz_page *p, uint64_t n);

/* ---- stats.c ---------------------------------------------------------- */
uint64_t pz_zone_event(const struct pz *pz, const struct pz_zone *z, enum pz_pcp_event ev);
void pz_fill_zone_info_locked(struct pz *pz, struct pz_zone *z, struct pz_zone_info *info);

#endif /* PZ_INTERNAL_H */
