/*
 * pagezone.h - the whole public contract of libpagezone.
 *
 * pagezone is Linux's zoned buddy page allocator (the machinery behind the
 * kernel's __alloc_pages_nodemask) as an embeddable C library: nodes, zones,
 * zonelists, gfp flags, migratetypes, watermarks, per-CPU page lists,
 * fallback stealing, and the kernel's reports.
 *
 * Conventions used by every function below:
 *   - Functions that can fail return 0 on success or a negative errno value
 *     (PZ_EINVAL, PZ_ENOMEM, ...). Allocation functions return NULL (or 0 for
 *     addresses) instead; the reason is counted and reported through the log
 *     sink.
 *   - "Context:" says where a function may be called from. No function
 *     sleeps by itself: an allocation that may block (PZ__GFP_DIRECT_RECLAIM)
 *     may call the platform's wait hook, which may sleep. "May spin" means it
 *     may wait for a per-CPU or zone lock held by another thread. No function
 *     may be called from inside a pagezone callback (log, trace,
 *     zone_reclaim, shrinker, migrate, OOM, wake_kswapd, wait) unless its
 *     Context says so. Callbacks are called with no allocator lock held.
 *   - The library never aborts and never calls malloc: all state lives in the
 *     metadata memory the caller hands to pz_init().
 *
 * The core is freestanding C11; the POSIX platform (threads, backing memory,
 * /proc/zoneinfo reader) is declared at the end under "Host layer".
 */
#ifndef PAGEZONE_H
#define PAGEZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PZ_VERSION_MAJOR  0
#define PZ_VERSION_MINOR  1
#define PZ_VERSION_PATCH  0
#define PZ_VERSION_STRING "0.1.0"
/* Single number for comparisons: major * 10000 + minor * 100 + patch. */
#define PZ_VERSION (PZ_VERSION_MAJOR * 10000 + PZ_VERSION_MINOR * 100 + PZ_VERSION_PATCH)

#if defined(PZ_BUILDING_LIBRARY) && defined(__GNUC__)
#define PZ_API __attribute__((visibility("default")))
#else
#define PZ_API
#endif

/* Returns PZ_VERSION of the library actually linked. Context: any. */
PZ_API int pz_version(void);

/* ---------------------------------------------------------------------- */
/* Error codes (negative return values).                                  */

#define PZ_EINVAL 22 /* bad argument, bad configuration, bad flags */
#define PZ_ENOMEM 12 /* metadata buffer too small / no memory */
#define PZ_ERANGE 34 /* pfn outside every zone or inside a hole */
#define PZ_EFAULT 14 /* page state does not allow the operation (double free, ...) */
#define PZ_ENODEV 19 /* no such node or zone */
#define PZ_ENOSPC 28 /* report buffer too small (the needed size is returned too) */
#define PZ_EBUSY                                                                                   \
	16	    /* a page the call needs is not free (pz_alloc_at_pfn, ...), or
		       * another thread runs what was asked (pz_oom_reaper_run) */
#define PZ_ENOENT 2 /* no such object (an OOM victim the reaper does not know) */
#define PZ_EOPNOTSUPP                                                                              \
	95 /* the profile's kernel has no such feature (compaction_proactiveness in
	      linux-4.x, ...) */

/* Returns a static English description of a PZ_E* value (positive or
 * negative). Context: any. */
PZ_API const char *pz_strerror(int err);

/* ---------------------------------------------------------------------- */
/* Limits and basic types.                                                 */

#define PZ_MAX_NODES	   64  /* nodes are bits of a pz_nodemask_t */
#define PZ_MAX_CPUS	   256 /* per-CPU page lists per zone */
#define PZ_MAX_ORDER_LIMIT 20  /* the largest max_order a machine may ask for */

typedef uint64_t pz_nodemask_t; /* bit n set = node n allowed */
#define PZ_NODEMASK_ALL (~(pz_nodemask_t)0)
#define PZ_NUMA_NO_NODE (-1)

/* Zone types, in the kernel's index order. */
enum pz_zone_type {
	PZ_ZONE_DMA = 0,
	PZ_ZONE_DMA32 = 1,
	PZ_ZONE_NORMAL = 2,
	PZ_ZONE_HIGHMEM = 3,
	PZ_ZONE_MOVABLE = 4,
	PZ_NR_ZONE_TYPES = 5,
};

/*
 * Migratetypes. pagezone numbers them one way for every profile; the
 * reports print them in the profile's kernel enum order and names
 * (linux-4.1: Unmovable, Reclaimable, Movable, Reserve, CMA, Isolate;
 * modern: Unmovable, Movable, Reclaimable, HighAtomic, CMA, Isolate).
 * Slot 3 is MIGRATE_RESERVE in the linux-4.1 profile and MIGRATE_HIGHATOMIC
 * in the modern one.
 */
enum pz_migratetype {
	PZ_MT_UNMOVABLE = 0,
	PZ_MT_MOVABLE = 1,
	PZ_MT_RECLAIMABLE = 2,
	PZ_MT_PCPTYPES = 3, /* number of types with per-CPU lists */
	PZ_MT_RESERVE = 3,
	PZ_MT_HIGHATOMIC = 3,
	PZ_MT_CMA = 4,
	PZ_MT_ISOLATE = 5,
	PZ_MT_TYPES = 6,
};

/* ---------------------------------------------------------------------- */
/* gfp flags. Bit values are pagezone's own; the meaning of every flag is   */
/* Linux 4.x's (include/linux/gfp.h). The spelling mirrors the kernel's: */
/* PZ__GFP_X is the single bit __GFP_X, PZ_GFP_X the composite GFP_X       */
/* (PZ_GFP_ATOMIC is GFP_ATOMIC, with its reserves; PZ__GFP_ATOMIC only   */
/* the ALLOC_HARDER bit).                                                  */

typedef uint32_t pz_gfp_t;

/* Zone modifiers (the low four bits index the gfp zone table). */
#define PZ__GFP_DMA	((pz_gfp_t)0x1u)
#define PZ__GFP_HIGHMEM ((pz_gfp_t)0x2u)
#define PZ__GFP_DMA32	((pz_gfp_t)0x4u)
#define PZ__GFP_MOVABLE ((pz_gfp_t)0x8u) /* zone modifier and mobility */
#define PZ_GFP_ZONEMASK ((pz_gfp_t)0x0fu)
/* Mobility */
#define PZ__GFP_RECLAIMABLE ((pz_gfp_t)0x10u)
/* Watermark modifiers */
#define PZ__GFP_HIGH ((pz_gfp_t)0x20u)
/* Reclaim modifiers */
#define PZ__GFP_IO ((pz_gfp_t)0x40u)
#define PZ__GFP_FS ((pz_gfp_t)0x80u)
/* Actions */
#define PZ__GFP_COLD	       ((pz_gfp_t)0x100u)
#define PZ__GFP_NOWARN	       ((pz_gfp_t)0x200u)
#define PZ__GFP_REPEAT	       ((pz_gfp_t)0x400u)
#define PZ__GFP_NOFAIL	       ((pz_gfp_t)0x800u)
#define PZ__GFP_NORETRY	       ((pz_gfp_t)0x1000u)
#define PZ__GFP_MEMALLOC       ((pz_gfp_t)0x2000u)
#define PZ__GFP_COMP	       ((pz_gfp_t)0x4000u)
#define PZ__GFP_ZERO	       ((pz_gfp_t)0x8000u) /* needs a direct map, else refused */
#define PZ__GFP_NOMEMALLOC     ((pz_gfp_t)0x10000u)
#define PZ__GFP_HARDWALL       ((pz_gfp_t)0x20000u)
#define PZ__GFP_THISNODE       ((pz_gfp_t)0x40000u)
#define PZ__GFP_ATOMIC	       ((pz_gfp_t)0x80000u)  /* 4.4's __GFP_ATOMIC: ALLOC_HARDER */
#define PZ__GFP_NOACCOUNT      ((pz_gfp_t)0x100000u) /* accepted, ignored (kmemcg only) */
#define PZ__GFP_NOTRACK	       ((pz_gfp_t)0x200000u) /* accepted, ignored (kmemcheck only) */
#define PZ__GFP_DIRECT_RECLAIM ((pz_gfp_t)0x400000u)
#define PZ__GFP_OTHER_NODE     ((pz_gfp_t)0x800000u)
#define PZ__GFP_WRITE	       ((pz_gfp_t)0x1000000u)
#define PZ__GFP_KSWAPD_RECLAIM ((pz_gfp_t)0x2000000u)
/* Later kernels' bits, accepted and ignored (no page-allocator meaning
 * here), so that 6.1's gfp text reads back and prints identically: 4.5's
 * memcg charging, and 6.1's arm64 MTE / hardware-tag KASAN hints. */
#define PZ__GFP_ACCOUNT		    ((pz_gfp_t)0x4000000u)
#define PZ__GFP_ZEROTAGS	    ((pz_gfp_t)0x8000000u)
#define PZ__GFP_SKIP_ZERO	    ((pz_gfp_t)0x10000000u)
#define PZ__GFP_SKIP_KASAN_UNPOISON ((pz_gfp_t)0x20000000u)
#define PZ__GFP_SKIP_KASAN_POISON   ((pz_gfp_t)0x40000000u)
#define PZ__GFP_BITS_MASK	    ((pz_gfp_t)0x7fffffffu)
/* 4.13 renamed __GFP_REPEAT __GFP_RETRY_MAYFAIL; the linux-6.1 profile's
 * slow path gives the bit the later meaning (retry costly orders too, fail
 * rather than OOM-kill), and 6.1's text names it so. */
#define PZ__GFP_RETRY_MAYFAIL PZ__GFP_REPEAT

/* 4.1's __GFP_WAIT is the union of the two reclaim bits (4.4's __GFP_RECLAIM). */
#define PZ__GFP_RECLAIM (PZ__GFP_DIRECT_RECLAIM | PZ__GFP_KSWAPD_RECLAIM)
#define PZ__GFP_WAIT	PZ__GFP_RECLAIM

/* Composite masks, with 4.x meaning. */
#define PZ_GFP_ATOMIC		(PZ__GFP_HIGH | PZ__GFP_ATOMIC | PZ__GFP_KSWAPD_RECLAIM)
#define PZ_GFP_NOWAIT		(PZ__GFP_KSWAPD_RECLAIM)
#define PZ_GFP_NOIO		(PZ__GFP_RECLAIM)
#define PZ_GFP_NOFS		(PZ__GFP_RECLAIM | PZ__GFP_IO)
#define PZ_GFP_KERNEL		(PZ__GFP_RECLAIM | PZ__GFP_IO | PZ__GFP_FS)
#define PZ_GFP_TEMPORARY	(PZ_GFP_KERNEL | PZ__GFP_RECLAIMABLE)
#define PZ_GFP_USER		(PZ_GFP_KERNEL | PZ__GFP_HARDWALL)
#define PZ_GFP_HIGHUSER		(PZ_GFP_USER | PZ__GFP_HIGHMEM)
#define PZ_GFP_HIGHUSER_MOVABLE (PZ_GFP_HIGHUSER | PZ__GFP_MOVABLE)
#define PZ_GFP_DMA		PZ__GFP_DMA
#define PZ_GFP_DMA32		PZ__GFP_DMA32
#define PZ_GFP_IOFS		(PZ__GFP_IO | PZ__GFP_FS)
/* 4.5 and 4.8 (6.1's meanings): memcg-charged kernel memory, and a THP
 * allocation that neither reclaims nor compacts. */
#define PZ_GFP_KERNEL_ACCOUNT (PZ_GFP_KERNEL | PZ__GFP_ACCOUNT)
#define PZ_GFP_TRANSHUGE_LIGHT                                                                     \
	((PZ_GFP_HIGHUSER_MOVABLE | PZ__GFP_COMP | PZ__GFP_NOMEMALLOC | PZ__GFP_NOWARN) &          \
	 ~PZ__GFP_RECLAIM)
#define PZ_GFP_TRANSHUGE                                                                           \
	((PZ_GFP_HIGHUSER_MOVABLE | PZ__GFP_COMP | PZ__GFP_NOMEMALLOC | PZ__GFP_NORETRY |          \
	  PZ__GFP_NOWARN) &                                                                        \
	 ~PZ__GFP_KSWAPD_RECLAIM)

/*
 * Deprecated spellings, kept for one release (removed in the next): the
 * single bits under their old PZ_GFP_X names, PZ_GFP_HIGHMEM_ and
 * PZ_GFP_DMA32_ with a trailing underscore, PZ_GFP_HIGHMEM (the bit),
 * PZ_GFP_ATOMIC_MASK (now PZ_GFP_ATOMIC). C has no deprecation attribute
 * for macros, so the compiler does not warn: this comment and the README
 * are the notice. (PZ_GFP_ATOMIC itself could not stay: it now names the
 * composite.)
 */
/* pz-deprecated-gfp-begin */
#define PZ_GFP_HIGHMEM	      PZ__GFP_HIGHMEM
#define PZ_GFP_MOVABLE	      PZ__GFP_MOVABLE
#define PZ_GFP_RECLAIMABLE    PZ__GFP_RECLAIMABLE
#define PZ_GFP_HIGH	      PZ__GFP_HIGH
#define PZ_GFP_IO	      PZ__GFP_IO
#define PZ_GFP_FS	      PZ__GFP_FS
#define PZ_GFP_COLD	      PZ__GFP_COLD
#define PZ_GFP_NOWARN	      PZ__GFP_NOWARN
#define PZ_GFP_REPEAT	      PZ__GFP_REPEAT
#define PZ_GFP_NOFAIL	      PZ__GFP_NOFAIL
#define PZ_GFP_NORETRY	      PZ__GFP_NORETRY
#define PZ_GFP_MEMALLOC	      PZ__GFP_MEMALLOC
#define PZ_GFP_COMP	      PZ__GFP_COMP
#define PZ_GFP_ZERO	      PZ__GFP_ZERO
#define PZ_GFP_NOMEMALLOC     PZ__GFP_NOMEMALLOC
#define PZ_GFP_HARDWALL	      PZ__GFP_HARDWALL
#define PZ_GFP_THISNODE	      PZ__GFP_THISNODE
#define PZ_GFP_ATOMIC_MASK    PZ_GFP_ATOMIC
#define PZ_GFP_NOACCOUNT      PZ__GFP_NOACCOUNT
#define PZ_GFP_NOTRACK	      PZ__GFP_NOTRACK
#define PZ_GFP_DIRECT_RECLAIM PZ__GFP_DIRECT_RECLAIM
#define PZ_GFP_OTHER_NODE     PZ__GFP_OTHER_NODE
#define PZ_GFP_WRITE	      PZ__GFP_WRITE
#define PZ_GFP_KSWAPD_RECLAIM PZ__GFP_KSWAPD_RECLAIM
#define PZ_GFP_HIGHMEM_	      PZ__GFP_HIGHMEM
#define PZ_GFP_DMA32_	      PZ__GFP_DMA32
#define PZ_GFP_BITS_MASK      PZ__GFP_BITS_MASK
#define PZ_GFP_RECLAIM	      PZ__GFP_RECLAIM
#define PZ_GFP_WAIT	      PZ__GFP_WAIT
/* pz-deprecated-gfp-end */

/*
 * The highest zone type a gfp mask allows (the kernel's gfp_zone()), from a
 * 16-entry table indexed by the four zone bits. Forbidden combinations
 * (DMA|HIGHMEM, DMA|DMA32, HIGHMEM|DMA32, ...) are refused: the function
 * returns -PZ_EINVAL instead of silently picking a zone.
 * zone_present: bit t set if zone type t is configured on the machine (a
 * missing DMA, DMA32 or HIGHMEM type falls back to NORMAL as in the kernel);
 * pass 0x1f for "all configured".
 * Context: any.
 */
PZ_API int pz_gfp_zone(pz_gfp_t gfp, unsigned zone_present);

/*
 * Profiles name the kernel whose behaviour is followed (docs/DESIGN.md
 * "Profiles" lists, per profile, which switch follows which kernel and what
 * is not modelled). PZ_PROFILE_MODERN is kept as another name of linux-6.1.
 */
enum pz_profile {
	PZ_PROFILE_LINUX_4_1 = 0, /* default: Linux 4.1 (4.1-4.3) */
	PZ_PROFILE_LINUX_6_1 = 1, /* Linux 6.1 */
	PZ_PROFILE_LINUX_4_4 = 2, /* Linux 4.4 */
	PZ_PROFILE_MODERN = PZ_PROFILE_LINUX_6_1,
};
#define PZ_NR_PROFILES 3

/*
 * The profile's name as the command spells it ("linux-4.1", "linux-4.4",
 * "linux-6.1"); NULL for a value that is no enum pz_profile member.
 * Context: any.
 */
PZ_API const char *pz_profile_name(enum pz_profile profile);

/*
 * The profile a name stands for: the names of pz_profile_name and the alias
 * "modern" (linux-6.1). Returns 0 and stores *out, or -PZ_EINVAL for NULL
 * arguments or an unknown name (*out is then untouched). Context: any.
 */
PZ_API int pz_profile_from_name(const char *name, enum pz_profile *out);

/*
 * The migratetype a gfp mask asks for (gfpflags_to_migratetype): MOVABLE,
 * RECLAIMABLE or UNMOVABLE. MOVABLE|RECLAIMABLE together yields slot 3
 * (RESERVE / HIGHATOMIC) and is warned about by the allocator, as 4.1 does.
 * Context: any.
 */
PZ_API enum pz_migratetype pz_gfp_migratetype(pz_gfp_t gfp);

/*
 * The kernel's enum value of a pagezone migratetype in the given profile
 * (4.1: UNMOVABLE=0 RECLAIMABLE=1 MOVABLE=2 RESERVE=3; 4.4+: UNMOVABLE=0
 * MOVABLE=1 RECLAIMABLE=2 HIGHATOMIC=3; CMA=4, ISOLATE=5 in both), and its
 * /proc/pagetypeinfo name. -PZ_EINVAL / NULL for a profile or migratetype
 * that is no member of its enum. Context: any.
 */
PZ_API int pz_migratetype_kernel_value(enum pz_profile profile, enum pz_migratetype mt);
PZ_API const char *pz_migratetype_name(enum pz_profile profile, enum pz_migratetype mt);

/* The /proc name of a zone type ("DMA", "DMA32", "Normal", "HighMem",
 * "Movable"), or NULL for a bad value. Context: any. */
PZ_API const char *pz_zone_type_name(enum pz_zone_type type);

/*
 * Writes the gfp mask as Linux 4.1's tracepoints print it (show_gfp_flags):
 * composite names first, each consuming its bits, e.g. "GFP_KERNEL|GFP_COMP";
 * 4.1's empty mask GFP_NOWAIT is PZ_GFP_NOWAIT here and prints "GFP_NOWAIT";
 * a mask without KSWAPD_RECLAIM shows 4.1's "GFP_NO_KSWAPD". Always
 * NUL-terminates when len > 0. Returns the length the full string needs,
 * excluding the NUL (like snprintf). Context: any.
 */
PZ_API size_t pz_gfp_format(pz_gfp_t gfp, char *buf, size_t len);

/*
 * Writes the gfp mask as the profile's kernel prints it. linux-6.1: 6.1's
 * show_gfp_flags (include/trace/events/mmflags.h), composites first in its
 * table's order (GFP_TRANSHUGE, GFP_TRANSHUGE_LIGHT, GFP_HIGHUSER_MOVABLE,
 * ..., GFP_KERNEL_ACCOUNT, GFP_KERNEL, ...), each consuming its bits, then
 * the single bits in its order; "none" for 0; REPEAT prints as
 * __GFP_RETRY_MAYFAIL; the hardware-tag KASAN bits print after
 * __GFP_ZEROTAGS, as a kernel with CONFIG_KASAN_HW_TAGS lists them; bits
 * 6.1 no longer has (COLD, NOACCOUNT, NOTRACK, OTHER_NODE) print last
 * under their 4.x names. linux-4.1 and linux-4.4: as pz_gfp_format. An
 * unknown profile writes "". Same return convention as pz_gfp_format.
 * Context: any.
 */
PZ_API size_t pz_gfp_format_profile(enum pz_profile profile, pz_gfp_t gfp, char *buf, size_t len);

/* ---------------------------------------------------------------------- */
/* Machine description: the kernel's pg_data_t and zone spans.             */

/* A half-open pfn range [start, end). */
struct pz_range {
	uint64_t start;
	uint64_t end;
};

struct pz_zone_desc {
	enum pz_zone_type type;
	uint64_t start_pfn; /* the zone's span: [start_pfn, end_pfn), end <= 2^(64 - page_shift) */
	uint64_t end_pfn;
	/* Present ranges inside the span, sorted, not overlapping. NULL with
	 * nr_present 0 means "the whole span is present". */
	const struct pz_range *present;
	unsigned nr_present;
	/* Reserved ranges (firmware, kernel image): present but never given to
	 * the allocator. Sorted, not overlapping, inside present memory. */
	const struct pz_range *reserved;
	unsigned nr_reserved;
	/* CMA ranges: aligned to a max-order block (2^(max_order-1) pages, as
	 * the kernel requires), present, not reserved. Only MOVABLE requests
	 * may use their pages. */
	const struct pz_range *cma;
	unsigned nr_cma;
};

struct pz_node_desc {
	const struct pz_zone_desc *zones; /* in zone type order, pfn-ascending */
	unsigned nr_zones;
};

struct pz_machine {
	unsigned nr_nodes; /* 1..PZ_MAX_NODES */
	const struct pz_node_desc *nodes;
	/* nr_nodes * nr_nodes distances (row = from). NULL: 10 local, 20 remote. */
	const uint8_t *distance;
	unsigned nr_cpus; /* 1..PZ_MAX_CPUS; each gets per-CPU page lists */
	/* Node of each CPU (nr_cpus entries). NULL: CPUs spread over the nodes
	 * round-robin (cpu % nr_nodes). */
	const uint8_t *cpu_node;
	unsigned page_shift;	  /* 0 = 12 (4 KiB pages); 12..18 */
	unsigned max_order;	  /* 0 = 11 (orders 0..10); at most PZ_MAX_ORDER_LIMIT */
	unsigned pageblock_order; /* 0 = 9; at most max_order - 1 */
};

/* ---------------------------------------------------------------------- */
/* Platform contract and sinks.                                            */

enum pz_log_level {
	PZ_LOG_ERR = 3,
	PZ_LOG_WARN = 4,
	PZ_LOG_NOTICE = 5, /* KERN_NOTICE: fault-injection reports */
	PZ_LOG_INFO = 6,
	PZ_LOG_DEBUG = 7,
};

/* Tracepoints (include/trace/events/kmem.h), with the kernel's fields. */
enum pz_trace_kind {
	PZ_TRACE_PAGE_ALLOC = 0,	     /* mm_page_alloc */
	PZ_TRACE_PAGE_FREE = 1,		     /* mm_page_free */
	PZ_TRACE_PAGE_FREE_BATCHED = 2,	     /* mm_page_free_batched */
	PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED = 3, /* mm_page_alloc_zone_locked */
	PZ_TRACE_PAGE_PCPU_DRAIN = 4,	     /* mm_page_pcpu_drain */
	PZ_TRACE_PAGE_ALLOC_EXTFRAG = 5,     /* mm_page_alloc_extfrag */
	PZ_TRACE_NR_KINDS = 6,
};

struct pz_trace_event {
	enum pz_trace_kind kind;
	unsigned cpu;
	int64_t pfn; /* -1 for a failed mm_page_alloc */
	unsigned order;
	pz_gfp_t gfp_flags;			  /* mm_page_alloc */
	enum pz_migratetype migratetype;	  /* alloc, zone_locked, pcpu_drain */
	int percpu_refill;			  /* zone_locked: order == 0 */
	int cold;				  /* free_batched */
	unsigned fallback_order;		  /* extfrag */
	enum pz_migratetype alloc_migratetype;	  /* extfrag */
	enum pz_migratetype fallback_migratetype; /* extfrag */
	int change_ownership;			  /* extfrag: block now has alloc_migratetype */
	int fragmenting;			  /* extfrag: fallback_order < pageblock_order */
	unsigned pageblock_order;		  /* extfrag */
};

/*
 * Writes one event as the kernel's trace text prints it after the
 * "task-pid [cpu] timestamp: " prefix, e.g.
 * "mm_page_alloc: page=ffffea0000040000 pfn=4096 order=0 migratetype=0 gfp_flags=GFP_KERNEL"
 * (page= is the pfn's struct page in x86-64's vmemmap, printed as the
 * kernel's %p: 16 hex digits without "0x"; gfp_flags= as
 * pz_gfp_format_profile prints them for the profile). An unknown kind
 * gives "". Same return convention as pz_gfp_format. Context: any.
 */
PZ_API size_t pz_trace_format(enum pz_profile profile, const struct pz_trace_event *ev, char *buf,
			      size_t len);

/* zone_reclaim results (the node-local reclaim hook of the fast path). */
enum pz_zone_reclaim_result {
	PZ_ZONE_RECLAIM_NOSCAN = -2,
	PZ_ZONE_RECLAIM_FULL = -1,
	PZ_ZONE_RECLAIM_SOME = 0,
	PZ_ZONE_RECLAIM_SUCCESS = 1,
};

/* Why the core asks the platform to wait (struct pz_platform.wait). */
enum pz_wait_reason {
	PZ_WAIT_CONGESTION = 0, /* wait_iff_congested / congestion_wait before a retry */
	PZ_WAIT_OOM,		/* the OOM lock was busy: schedule_timeout_uninterruptible(1);
				 * 6.1: a victim queued for the OOM reaper, and the
				 * reaper's 100 ms between failed reap attempts */
	PZ_WAIT_KSWAPD_NAP,	/* kswapd's short nap before it sleeps */
	PZ_WAIT_NOFAIL,		/* a __GFP_NOFAIL request loops */
};

/*
 * Everything the core needs from the world. All fields are optional
 * (NULL); the core then runs single-threaded-safe defaults: CPU 0, spinning
 * without relax, no logging, no tracing. pz_host_platform() fills one for
 * POSIX threads.
 */
struct pz_platform {
	void *ctx; /* passed back to every hook */
	/* The CPU the caller runs on, 0..nr_cpus-1 (values are taken modulo
	 * nr_cpus). Called on every allocation and free. */
	unsigned (*cpu)(void *ctx);
	/* Called while spinning on a contended lock (pause, sched_yield). */
	void (*relax)(void *ctx);
	/* Log sink: one complete message, NUL-terminated, no trailing
	 * newline. Never called with an allocator lock held. */
	void (*log)(void *ctx, enum pz_log_level level, const char *msg);
	/* Trace sink: never called with an allocator lock held; events of one
	 * operation arrive in the order the kernel would emit them. */
	void (*trace)(void *ctx, const struct pz_trace_event *ev);
	/* Node-local reclaim (zone_reclaim), called from the fast path when
	 * zone_reclaim_mode is set and a zone fails its watermark. Must free
	 * pages through pz_free_* if it frees anything. Called with no lock
	 * held; may allocate from the same instance. */
	enum pz_zone_reclaim_result (*zone_reclaim)(void *ctx, int nid, enum pz_zone_type zone,
						    pz_gfp_t gfp, unsigned order);
	/* Waiting under memory pressure (congestion_wait, wait_iff_congested,
	 * the OOM back-off, kswapd's nap): block or yield for about usecs
	 * microseconds. NULL: return at once (a simulation never stalls).
	 * Called with no allocator lock held. */
	void (*wait)(void *ctx, enum pz_wait_reason why, unsigned usecs);
	/* Background reclaim is wanted on node nid (wakeup_kswapd found a zone
	 * of it below its high watermark): the embedder's kswapd should run
	 * pz_kswapd_run(pz, nid) soon. NULL: nothing is told (docs/DESIGN.md
	 * "Reclaim and kswapd").
	 * Called with no allocator lock held; must not block. */
	void (*wake_kswapd)(void *ctx, int nid);
	/* linux-6.1: an OOM victim was queued for the OOM reaper (the kernel's
	 * wake_oom_reaper): the embedder's reaper thread should call
	 * pz_oom_reaper_run(pz) soon. NULL, or deterministic mode: the OOM
	 * steps run the reaper themselves (docs/DESIGN.md "The OOM reaper").
	 * Called with no allocator lock held; must not block. */
	void (*wake_oom_reaper)(void *ctx);
	/* Optional clock: monotonic nanoseconds (any epoch; never going
	 * back). With it and the wait hook, outside deterministic mode, the
	 * OOM reaper waits 2 s of this clock before reaping a victim (the
	 * kernel's OOM_REAPER_DELAY) instead of counting OOM steps. NULL, no
	 * wait hook (a request would have to spin through the 2 s), or
	 * deterministic mode: never called, and OOM steps are counted as
	 * before, so seeded runs repeat exactly. A clock that stands still
	 * (or goes back) over 10 OOM steps in a row is not waited for. Called
	 * with no allocator lock held, from any thread; must not block. */
	uint64_t (*now_ns)(void *ctx);
	/* linux-6.1: a nonzero write of compaction_proactiveness asks node
	 * nid's kcompactd for a proactive check now (the kernel's sysctl
	 * handler sets proactive_compact_trigger and wakes kcompactd): the
	 * embedder's kcompactd should call pz_kcompactd_tick(pz, nid) soon.
	 * NULL: the check waits for the next tick. Not called in
	 * deterministic mode, where the writer runs the tick itself. Called
	 * with no allocator lock held; must not block. */
	void (*wake_kcompactd)(void *ctx, int nid);
};

/* ---------------------------------------------------------------------- */
/* Configuration and init.                                                 */

#define PZ_DEBUG_POISON 0x1u
#define PZ_POISON_BYTE	0xaa

/* Behaviour switches. A profile sets a default set; PZ_CONFIG overrides. */
#define PZ_FEAT_WMARK_ORDER0_CHECK 0x1u /* 4.4 high-order check: order-0 mark + one block */
#define PZ_FEAT_NO_FAIR_POLICY	   0x2u /* 4.8: fair zone allocation policy removed */
/* Later kernels check only a block's head at allocation and free unless
 * debugging; here the other pages are checked again once some page was
 * marked HWPOISON. 4.1 checks every page (catching corrupted descriptors). */
#define PZ_FEAT_CHECK_HEAD_ONLY 0x4u
/* 5.14: per-CPU lists also for orders 1-3 and the pageblock order (one
 * list per pcp migratetype and order), and pcp->high sized from the
 * zone's low watermark shared by the node's CPUs (at least 4 * batch). */
#define PZ_FEAT_PCP_HIGH_ORDER 0x8u
/* Ours, not the kernel's: the tail pages of a compound allocation are not
 * written at allocation nor cleared at free (pz_compound_head finds the
 * head by looking at the naturally aligned candidates); an order-9 pair
 * then touches one descriptor instead of 512. Owner words of pages other
 * than a block's head are not cleared at allocation in this mode. */
#define PZ_FEAT_LAZY_TAILS 0x10u
/* 4.4: MIGRATE_HIGHATOMIC - a pageblock reserved on demand after an
 * ALLOC_HARDER high-order allocation (at most 1% of the zone + 1 block),
 * used only by ALLOC_HARDER high-order requests, hidden from everyone
 * else's watermark (reserve_highatomic_pageblock). */
#define PZ_FEAT_HIGHATOMIC 0x20u
/* 5.0: ALLOC_NOFRAGMENT - a request whose preferred zone is a Normal zone
 * with a DMA32 zone below it first walks its zonelist without fragmenting
 * fallbacks (a fallback must take a whole pageblock or more); only when
 * every local zone fails, or the walk reaches another node, does it walk
 * again allowing them (alloc_flags_nofragment; docs/DESIGN.md "5.x fallback rules"). */
#define PZ_FEAT_NOFRAGMENT 0x40u
/* 5.0: watermark boosting - each fallback that splits a foreign pageblock
 * raises the zone's watermarks by a pageblock (up to
 * watermark_boost_factor / 10000 of the high watermark) and wakes kswapd,
 * whose boosted reclaim (no writeback, no swap) then clears the boost
 * and wakes kcompactd (boost_watermark, balance_pgdat). */
#define PZ_FEAT_WMARK_BOOST 0x80u
/* 5.8: a movable request takes CMA pages first while more than half of the
 * zone's free pages are CMA ones, so that CMA areas are not left as the
 * last free memory (__rmqueue). */
#define PZ_FEAT_CMA_BALANCE 0x100u
#define PZ_FEAT_ALL	    0x1ffu /* every known bit; any other is refused at init */

enum pz_zonelist_order {
	PZ_ZONELIST_ORDER_DEFAULT = 0, /* node order (64-bit default) */
	PZ_ZONELIST_ORDER_NODE = 1,
	PZ_ZONELIST_ORDER_ZONE = 2, /* removed in 4.14: linux-6.1 refuses it */
};

struct pz_config {
	const struct pz_machine *machine; /* required; only read during init */
	enum pz_profile profile;
	unsigned features_set;		    /* PZ_FEAT_* forced on */
	unsigned features_clear;	    /* PZ_FEAT_* forced off */
	const struct pz_platform *platform; /* copied at init; NULL = defaults */
	/* Optional direct map: the address of pfn p is
	 * direct_map + (p - direct_map_pfn) << page_shift, for every managed
	 * pfn. Needed for PZ__GFP_ZERO, page <-> address and poisoning. */
	void *direct_map;
	uint64_t direct_map_pfn;
	/* The vm sysctls at start (each also has a setter, below). */
	/* 0 (or PZ_MIN_FREE_KBYTES_DEFAULT) = the kernel's formula (and
	 * thp_enabled); a 0 of the kernel's is pz_set_min_free_kbytes(pz, 0) */
	unsigned min_free_kbytes;
	/* by enum pz_zone_type; 0 = the profile's default: 256, 256, 32, 32
	 * (linux-4.x) or 256, 256, 32, 0 (linux-6.1; 0 = no reserve) */
	unsigned lowmem_reserve_ratio[PZ_NR_ZONE_TYPES - 1];
	/* 0 = default sizes; else >= 8: percpu_pagelist_fraction (linux-4.x,
	 * pcp->high = managed / it) or percpu_pagelist_high_fraction
	 * (linux-6.1, managed / it shared by the node's CPUs) */
	unsigned percpu_pagelist_fraction;
	unsigned watermark_scale_factor; /* linux-6.1 (4.6+): 1..3000; 0 = 10 */
	unsigned watermark_boost_factor; /* linux-6.1 (5.0+): 0 = 15000 */
	/* 1: transparent huge pages are on ("always" or "madvise"), so the
	 * default min_free_kbytes is at least khugepaged's recommendation
	 * (set_recommended_min_free_kbytes); 0: off */
	unsigned thp_enabled;
	unsigned zone_reclaim_mode; /* bits: 1 zone, 2 write, 4 unmap */
	enum pz_zonelist_order zonelist_order;
	unsigned dirty_ratio;		     /* vm_dirty_ratio; 0 = 20 */
	uint64_t dirty_bytes;		     /* vm_dirty_bytes; 0 = use dirty_ratio */
	unsigned mobility_grouping_disabled; /* force page_group_by_mobility_disabled */
	/* PZ_DEBUG_POISON (needs direct_map): freed pages are filled with
	 * PZ_POISON_BYTE and checked when next allocated; a write in between
	 * is reported as a use-after-free and counted (the page is still
	 * handed out, as the kernel's page poisoning does). Costs a write and
	 * a read of every freed page. */
	unsigned debug;
	/* Nonzero: kswapd is run inline by the caller that wakes it, after
	 * its locks are dropped, until it sleeps; the wake_kswapd and wait
	 * hooks are not called for it. The OOM reaper (linux-6.1) runs at
	 * the OOM steps too, not after wake_oom_reaper, without waits between
	 * failed reap attempts. A seeded single-threaded simulation then
	 * repeats exactly (docs/DESIGN.md "Reclaim and kswapd", "The OOM
	 * reaper"). */
	unsigned kswapd_deterministic;
};

typedef struct pz pz_t;

/*
 * Metadata size for a configuration: one 32-byte descriptor per pfn of the
 * covered range, the pageblock map, zones, per-CPU lists and zonelists.
 * The descriptor array is flat over the whole span, from the lowest to the
 * highest pfn of any zone (rounded to max-order blocks): two small nodes
 * far apart cost descriptors for the gap between them. One instance spans
 * at most 2^32 - 2 page frames (list links are 32-bit pfn indices).
 * Returns 0 and sets *size, or -PZ_EINVAL when the configuration is refused
 * (the reason, naming the field, goes to the config's log sink): among
 * others a value that is no member of its enum (profile, zonelist_order),
 * an unknown bit (features_set, features_clear, zone_reclaim_mode, debug),
 * dirty_ratio above 100, mobility_grouping_disabled other than 0 or 1,
 * machine.nodes or a node's zones NULL, a span above 2^32 - 2 frames.
 * Context: any; does not touch managed memory.
 */
PZ_API int pz_metadata_size(const struct pz_config *cfg, size_t *size);

/*
 * Builds an allocator in caller-provided metadata memory (aligned to 64
 * bytes; at least pz_metadata_size() bytes), frees every present,
 * non-reserved page into the buddy lists and computes watermarks.
 * Returns 0 and sets *out, or -PZ_EINVAL (refused configuration: overlapping
 * or unordered ranges, zones outside their node or out of order, pageblock
 * order above max order, misaligned CMA...), -PZ_ENOMEM (buffer too small)
 * with a message naming the problem through the log sink.
 * Context: single-threaded; nothing else may use the memory meanwhile.
 */
PZ_API int pz_init(const struct pz_config *cfg, void *mem, size_t size, pz_t **out);

/*
 * Ends an instance: marks it dead so later calls fail cleanly (as long as
 * the metadata memory stays readable). The caller then owns the metadata
 * memory again. Pages still allocated are allowed: they are forgotten, and
 * one line through the log sink says how many ("destroy: N pages still
 * allocated"), the kernel having no equivalent. Returns 0, or -PZ_EINVAL
 * for NULL or an instance that was not initialised or already destroyed.
 * Context: no other call in flight; calls the log sink.
 */
PZ_API int pz_destroy(pz_t *pz);

/* Page size in bytes, max order, pageblock order, profile. Context: any. */
PZ_API size_t pz_page_size(const pz_t *pz);
PZ_API unsigned pz_max_order(const pz_t *pz);
PZ_API unsigned pz_pageblock_order(const pz_t *pz);
PZ_API enum pz_profile pz_profile(const pz_t *pz);
PZ_API unsigned pz_nr_nodes(const pz_t *pz);
PZ_API unsigned pz_nr_cpus(const pz_t *pz);

/* ---------------------------------------------------------------------- */
/* Tasks: cpuset, memalloc flags, OOM victim (what task_struct tells).    */

#define PZ_TASK_MEMALLOC      0x1u   /* PF_MEMALLOC: in reclaim, may use reserves */
#define PZ_TASK_MEMALLOC_NOIO 0x2u   /* PF_MEMALLOC_NOIO: IO and FS stripped in the slow path */
#define PZ_TASK_OOM_VICTIM    0x4u   /* TIF_MEMDIE */
#define PZ_TASK_RT	      0x8u   /* real-time task: ALLOC_HARDER */
#define PZ_TASK_EXITING	      0x10u  /* PF_EXITING */
#define PZ_TASK_IN_INTERRUPT  0x20u  /* calls made from "interrupt" context */
#define PZ_TASK_IN_SOFTIRQ    0x40u  /* serving a softirq (with MEMALLOC: no watermarks) */
#define PZ_TASK_DUMPCORE      0x80u  /* PF_DUMPCORE */
#define PZ_TASK_LESS_THROTTLE 0x100u /* PF_LESS_THROTTLE: +25% dirty limit */
/* make-it-fail (/proc/<pid>/make-it-fail): fail_page_alloc with task_filter
 * set injects failures only into tasks carrying this flag (and never while
 * PZ_TASK_IN_INTERRUPT or PZ_TASK_IN_SOFTIRQ is set, as in_interrupt()). */
#define PZ_TASK_MAKE_IT_FAIL 0x200u
/* MMF_OOM_SKIP (linux-6.1): the OOM reaper is done with this exiting task,
 * which therefore no longer chooses itself as the OOM victim. Set by the
 * core, on the task's own thread, at its next OOM step after the reap. */
#define PZ_TASK_OOM_SKIP 0x400u

/* Instances in which one task may have reclaim windows open at once. */
#define PZ_TASK_RECLAIM_SLOTS 2

/*
 * A task context: what the kernel keeps in task_struct for the allocator.
 * The caller owns the memory; initialise it with pz_task_init(). A thread
 * makes it current with pz_set_current_task(); without one the library uses
 * its instance's default task (all nodes, no flags), shared by every thread
 * without a task of its own. Several threads may share any task.
 */
struct pz_task {
	pz_nodemask_t mems_allowed;  /* cpuset mems (guarded by mems_seq) */
	pz_nodemask_t mems_hardwall; /* mems of the nearest hardwalled ancestor */
	uint32_t mems_seq;	     /* seqcount: odd while an update runs */
	unsigned flags;		     /* PZ_TASK_* */
	int preferred_node;	     /* mempolicy "preferred"; PZ_NUMA_NO_NODE = local */
	/* Private to the library (the kernel's current->reclaim_state): the
	 * reclaim windows open on this task, one slot per instance. Zeroed by
	 * pz_task_init; callers never write it, and never copy or re-init a
	 * task while a call using it runs. Read with atomics. */
	struct {
		uintptr_t pz;	  /* the instance whose windows these are; 0: free */
		uint64_t freed;	  /* pages the task freed there while one was open */
		unsigned open;	  /* windows open (nested, or threads sharing the task) */
		unsigned running; /* of them, inside a shrinker callback now */
	} core[PZ_TASK_RECLAIM_SLOTS];
};

/* Sets *task to all nodes allowed, no flags, local policy, no reclaim
 * window. Context: any, on a task no call is using. */
PZ_API void pz_task_init(struct pz_task *task);

/*
 * Changes a task's cpuset mems under its seqcount, as cpuset_change_task
 * does; an allocation of that task failing meanwhile retries (retry_cpuset).
 * mems_hardwall 0 means "same as mems". Returns 0, -PZ_EINVAL for NULL or an
 * empty mask. Also switches cpuset checking on for pz (the kernel's
 * cpusets_enabled static key). Context: any thread; one updater per task.
 */
PZ_API int pz_task_set_mems_allowed(pz_t *pz, struct pz_task *task, pz_nodemask_t mems,
				    pz_nodemask_t mems_hardwall);

/*
 * Makes task the calling thread's current task for every instance (NULL =
 * the default task). Provided by the platform layer (thread-local storage),
 * which installs its own pz_current_task_hook; freestanding embedders set
 * pz_current_task_hook instead (pz_set_current_task replaces it).
 * Context: any.
 */
PZ_API void pz_set_current_task(struct pz_task *task);
PZ_API struct pz_task *pz_current_task(void);
/* Freestanding override: when set, the core asks it for the current task. */
PZ_API extern struct pz_task *(*pz_current_task_hook)(void);

/* ---------------------------------------------------------------------- */
/* Pages.                                                                  */

typedef struct pz_page pz_page_t; /* opaque 32-byte descriptor */

/*
 * The heart of the allocator (__alloc_pages_nodemask): 2^order contiguous,
 * naturally aligned pages, taken from the zonelist of preferred_nid
 * (PZ_NUMA_NO_NODE: the current CPU's node) filtered by nodemask (NULL:
 * the current task's cpuset; a nodemask is never dropped), through the
 * fast path and, when that fails, the slow path of the profile's kernel
 * (docs/DESIGN.md "Slow path"): kswapd woken, the MIN and no-watermark
 * attempts, direct compaction and reclaim (which drains every CPU's lists
 * before its second attempt), the OOM step, the retry rules.
 * A request with PZ__GFP_NOFAIL that may block never returns NULL: it
 * loops (reclaim, OOM step, wait hook) until memory comes back, holding
 * no allocator lock meanwhile; without direct reclaim it fails with a
 * one-time warning, as the kernel's does. Small orders (<= 3) that may
 * block and retry fail only when the OOM step finds nothing to kill;
 * costly orders are retried only with PZ__GFP_REPEAT (RETRY_MAYFAIL).
 * Returns the first page, or NULL when no page can be had. Refusals, each
 * counted in pz_errors and reported through the log sink: order >=
 * max_order (bad_order, warned once), a forbidden zone combination in gfp
 * (bad_gfp), PZ__GFP_ZERO on an instance without a direct map (bad_gfp: no
 * page is handed out unzeroed), preferred_nid >= nr_nodes or a nodemask
 * naming no node with memory (other). Every NULL also counts in
 * alloc_failed.
 * Reports are rate limited by count (the core has no clock): the
 * allocation-failure warning ("pagezone: page allocation failure: order:N,
 * mode:0x..", not for PZ__GFP_NOWARN) prints the first 10 failures and then
 * one in 1000, and so do the refusals above but the order one (one count
 * for all of them); bad-page reports stop after 60.
 * Context: any thread; may spin on locks. Without PZ__GFP_DIRECT_RECLAIM it
 * calls only the log and trace sinks and wake_kswapd (with
 * PZ__GFP_KSWAPD_RECLAIM); with it, it may also call the zone_reclaim hook
 * (zone_reclaim_mode set), the shrinkers, the migrate and OOM handlers and
 * the wait hook, and so may block. No allocator lock is held across any
 * of them. From inside a callback: see each one.
 */
PZ_API pz_page_t *pz_alloc_pages_nodemask(pz_t *pz, pz_gfp_t gfp, unsigned order, int preferred_nid,
					  const pz_nodemask_t *nodemask);
/*
 * alloc_pages_bulk (Linux 5.13+): fills the NULL entries of array[0..n) with
 * order-0 pages, taking them from one zone's per-CPU list under a single
 * lock hold when that zone passes its watermark with room for all of them,
 * and falling back to single allocations otherwise; after a single
 * allocation (4.1's fair policy ends a pass wherever a zone's batch runs
 * out) the per-CPU passes go on. The pages are those one call per page
 * would have returned, in that order, except that a pass (as 5.13's) wants
 * its zone to pass LOW with room for all the pages still wanted, so a
 * preferred zone just above LOW is passed over for the next zone sooner.
 * Entries already non-NULL are left alone. Returns the number of non-NULL entries
 * afterwards (n when everything was filled; fewer when memory ran out).
 * Free with pz_free_pages_bulk or one by one. Context: as
 * pz_alloc_pages_nodemask.
 */
PZ_API size_t pz_alloc_pages_bulk(pz_t *pz, pz_gfp_t gfp, int preferred_nid,
				  const pz_nodemask_t *nodemask, size_t n, pz_page_t **array);
/*
 * Frees n order-0 pages (each dropping one reference), batching the work
 * on the per-CPU lists. NULL entries are skipped. Returns 0 or the first
 * error; every entry is attempted (errors as pz_free_pages).
 */
PZ_API int pz_free_pages_bulk(pz_t *pz, pz_page_t *const *pages, size_t n);

/* alloc_pages: the current task's policy and node. Same returns/context. */
PZ_API pz_page_t *pz_alloc_pages(pz_t *pz, pz_gfp_t gfp, unsigned order);
/* alloc_pages_node: nid < 0 means the current CPU's node. Same returns. */
PZ_API pz_page_t *pz_alloc_pages_node(pz_t *pz, int nid, pz_gfp_t gfp, unsigned order);

/*
 * __get_free_pages: like pz_alloc_pages but returns the direct-map address.
 * Returns NULL on failure, without a direct map, or for HIGHMEM requests
 * (refused: a highmem page has no permanent address).
 */
PZ_API void *pz_get_free_pages(pz_t *pz, pz_gfp_t gfp, unsigned order);
/* get_zeroed_page: one zeroed page's address, or NULL. */
PZ_API void *pz_get_zeroed_page(pz_t *pz, pz_gfp_t gfp);
/*
 * alloc_pages_exact: PAGE_ALIGN(size) bytes of contiguous pages; the pages
 * past the size are freed back one at a time. Returns the address or NULL
 * (also for size 0, no direct map, PZ__GFP_COMP or HIGHMEM in gfp).
 * Free with pz_free_pages_exact.
 */
PZ_API void *pz_alloc_pages_exact(pz_t *pz, size_t size, pz_gfp_t gfp);
/* Frees what pz_alloc_pages_exact returned. Returns 0 or a negative errno. */
PZ_API int pz_free_pages_exact(pz_t *pz, void *addr, size_t size);

/*
 * __free_pages: drops one reference; at zero the block goes back (order 0 to
 * the per-CPU list, larger orders straight to the buddy lists). Compound
 * pages must be freed by their head with their order.
 * Returns 0 when the reference was dropped (freed or still referenced), or
 * -PZ_ERANGE (page not managed by pz), -PZ_EFAULT (double free / refcount
 * underflow, free of a tail page, wrong order, bad page state: the page is
 * left as it was or leaked as the kernel does, reported once and counted).
 * Context: any thread; may spin.
 */
PZ_API int pz_free_pages(pz_t *pz, pz_page_t *page, unsigned order);
/* __free_pages with cold = 1 puts an order-0 page at the cold end. */
PZ_API int pz_free_pages_cold(pz_t *pz, pz_page_t *page, unsigned order, int cold);
/* free_pages: by address; addr NULL is ignored (returns 0). */
PZ_API int pz_free_pages_addr(pz_t *pz, void *addr, unsigned order);
/* free_hot_cold_page_list: frees n order-0 pages (traces mm_page_free_batched).
 * Returns 0 or the first error (a NULL entry is -PZ_ERANGE, as for
 * pz_free_pages); every page is attempted. -PZ_EINVAL for a bad instance
 * or pages NULL with n > 0. Context: any thread; may spin. */
PZ_API int pz_free_page_list(pz_t *pz, pz_page_t *const *pages, size_t n, int cold);

/* get_page: takes one more reference. Returns 0, -PZ_ERANGE for a pointer
 * that is not a page of pz, -PZ_EFAULT if the page is free, reserved or
 * leaked (refcount 0). Context: any. */
PZ_API int pz_page_get(pz_t *pz, pz_page_t *page);
/* Current reference count (0 for free pages, -1 for a bad pointer). */
PZ_API int pz_page_refcount(const pz_t *pz, const pz_page_t *page);

/*
 * split_page: turns a non-compound order-n allocation into 2^n independent
 * order-0 pages, each with refcount 1. Returns 0, -PZ_EFAULT for a compound,
 * free or multiply-referenced page, -PZ_EINVAL if order does not match.
 */
PZ_API int pz_split_page(pz_t *pz, pz_page_t *page, unsigned order);

/* Conversions. NULL / -1 / 0 when out of range. Context: any. */
PZ_API uint64_t pz_page_to_pfn(const pz_t *pz, const pz_page_t *page);
PZ_API pz_page_t *pz_pfn_to_page(const pz_t *pz, uint64_t pfn);	     /* NULL outside every zone */
PZ_API void *pz_page_address(const pz_t *pz, const pz_page_t *page); /* NULL without direct map */
PZ_API pz_page_t *pz_virt_to_page(const pz_t *pz, const void *addr);
PZ_API int pz_page_to_nid(const pz_t *pz, const pz_page_t *page);
PZ_API int pz_page_zonenum(const pz_t *pz, const pz_page_t *page); /* enum pz_zone_type or -1 */
/* Compound: order of a compound head (0 otherwise), head of a tail page. */
PZ_API unsigned pz_compound_order(const pz_t *pz, const pz_page_t *page);
PZ_API pz_page_t *pz_compound_head(const pz_t *pz, pz_page_t *page);
/* True if the page was handed out from reserves (ALLOC_NO_WATERMARKS). */
PZ_API bool pz_page_is_pfmemalloc(const pz_t *pz, const pz_page_t *page);

/* The owner word: free for the user while the page is allocated; cleared at
 * allocation. Context: the page's owner. */
PZ_API uintptr_t pz_page_owner(const pz_page_t *page);
PZ_API void pz_page_set_owner(pz_page_t *page, uintptr_t owner);

/*
 * Page state bits a user may set on an allocated page (the kernel's
 * PG_locked, PG_lru, ...). A page freed with LOCKED, LRU, WRITEBACK or
 * HWPOISON set, or with a non-zero mapcount, is a bad page: reported and
 * leaked, as the kernel does (PG_dirty is not checked at free, only
 * cleared). HWPOISON may also be set on a free page (a memory error): the
 * block holding it is leaked when next allocated. Other bits need an
 * allocated page with a reference (a head, or a split page).
 */
#define PZ_PAGE_LOCKED	  0x1u
#define PZ_PAGE_LRU	  0x2u
#define PZ_PAGE_DIRTY	  0x4u
#define PZ_PAGE_WRITEBACK 0x8u
#define PZ_PAGE_HWPOISON  0x10u /* memory error: the page is never reused */
PZ_API int pz_page_set_state(pz_t *pz, pz_page_t *page, unsigned bits, int mapcount_delta);
/* Clears state bits of an allocated page (ClearPageLocked & co). Returns 0,
 * -PZ_ERANGE for a foreign page, -PZ_EINVAL for unknown bits, -PZ_EFAULT
 * for a page that is not allocated. Context: the page's owner. */
PZ_API int pz_page_clear_state(pz_t *pz, pz_page_t *page, unsigned bits);

/* numa_node_id(): the node of the CPU the caller runs on (platform cpu
 * hook), or -1 for a bad instance. Context: any. */
PZ_API int pz_numa_node_id(const pz_t *pz);

/* ---------------------------------------------------------------------- */
/* Per-CPU lists.                                                          */

/* drain_local_pages: returns this CPU's per-CPU pages of every zone to the
 * buddy lists. Context: any thread; may spin. */
PZ_API void pz_drain_local_pages(pz_t *pz);
/* drain_all_pages: every CPU's lists, from any thread (remote drain). */
PZ_API void pz_drain_all_pages(pz_t *pz);
/* Drains one CPU's lists (CPU hotplug's CPU_DEAD). -PZ_EINVAL for a bad cpu. */
PZ_API int pz_drain_cpu_pages(pz_t *pz, unsigned cpu);

/* ---------------------------------------------------------------------- */
/* Embedder-reported state.                                                */

/* Page-cache figures of a zone, for the __GFP_WRITE dirty-limit spreading
 * (zone_dirty_ok). Returns 0, -PZ_ENODEV for a missing zone. Context: any. */
struct pz_zone_dirty {
	uint64_t nr_dirty, nr_unstable_nfs, nr_writeback;
	uint64_t nr_inactive_file, nr_active_file;
};
PZ_API int pz_zone_set_dirty(pz_t *pz, int nid, enum pz_zone_type type,
			     const struct pz_zone_dirty *dirty);

/*
 * The vm sysctls. Each setter recomputes what the kernel's sysctl handler
 * recomputes, from the zones' managed pages and the tunables in force
 * (docs/DESIGN.md "Watermarks and tunables"): min_free_kbytes and
 * watermark_scale_factor the watermarks of every zone (and, in linux-6.1,
 * the per-CPU high that follows the low watermark), lowmem_reserve_ratio the
 * reserves, the pagelist fraction the per-CPU high and batch.
 * All return 0, or -PZ_EINVAL for a NULL or destroyed instance or a value
 * out of the kernel's range (nothing changed). Context: any thread, no
 * allocator lock held; takes the tuning lock and each zone's lock in turn;
 * calls no callback; does not block otherwise.
 */
/* min_free_kbytes: 0..INT_MAX kB, 0 included (every kernel's handler
 * accepts 0, which leaves no MIN watermark); PZ_MIN_FREE_KBYTES_DEFAULT
 * goes back to the default (the formula, raised to khugepaged's minimum
 * with thp_enabled). Any other value above INT_MAX: -PZ_EINVAL. */
#define PZ_MIN_FREE_KBYTES_DEFAULT 0xffffffffu
PZ_API int pz_set_min_free_kbytes(pz_t *pz, unsigned kbytes);
/* percpu_pagelist_fraction (linux-4.x) / percpu_pagelist_high_fraction
 * (linux-6.1, the same value): 0 or >= 8. */
PZ_API int pz_set_percpu_pagelist_fraction(pz_t *pz, unsigned fraction);
#define pz_set_percpu_pagelist_high_fraction pz_set_percpu_pagelist_fraction
/* watermark_scale_factor: 1..3000 (10000ths of the zone). Accepted in
 * every profile, used by linux-6.1 only (it appeared in 4.6). */
PZ_API int pz_set_watermark_scale_factor(pz_t *pz, unsigned factor);
/* watermark_boost_factor (5.0; default 15000, in 1/10000ths of the high
 * watermark): how far fallbacks may boost a zone's watermarks with
 * PZ_FEAT_WMARK_BOOST; 0 turns boosting off (boosts already made stay until
 * kswapd clears them). Stored in every profile, read only by that switch;
 * up to INT_MAX (the sysctl is an int). */
PZ_API int pz_set_watermark_boost_factor(pz_t *pz, unsigned factor);
/* The current factor, or 0 for a bad instance. Context: any. */
PZ_API unsigned pz_watermark_boost_factor(const pz_t *pz);
/* lowmem_reserve_ratio: ratio[t] for zone types t < n (n at most
 * PZ_NR_ZONE_TYPES; the MOVABLE entry, like the kernel's, protects nothing
 * and is ignored), the others unchanged. As the kernel's handler: a value
 * below 1 means no reserve in linux-6.1 and 1 in linux-4.x, and only the
 * reserves (and the dirty balance reserve) are recomputed, from the managed
 * counts of now; the watermarks and per-CPU sizes stay as they were. */
PZ_API int pz_set_lowmem_reserve_ratio(pz_t *pz, const unsigned *ratio, unsigned n);
/* The vm sysctls in force (what /proc/sys/vm would show). */
struct pz_vm_sysctls {
	unsigned min_free_kbytes, watermark_scale_factor, watermark_boost_factor;
	unsigned percpu_pagelist_fraction;
	unsigned lowmem_reserve_ratio[PZ_NR_ZONE_TYPES - 1];
	unsigned compaction_proactiveness; /* linux-6.1 only (0 in linux-4.x, which lack it) */
};
/* Fills *out. Returns 0, -PZ_EINVAL for NULL arguments. Context: any; takes
 * the tuning lock. */
PZ_API int pz_get_vm_sysctls(pz_t *pz, struct pz_vm_sysctls *out);

/* ---------------------------------------------------------------------- */
/* Fault injection: fail_page_alloc (docs/DESIGN.md "Fault injection").   */

/*
 * The kernel's fail_page_alloc attributes (debugfs fail_page_alloc/ and the
 * fail_page_alloc= boot option). When armed, pz_alloc_pages_nodemask and
 * every allocation built on it (alloc_pages, get_free_pages, exact, bulk)
 * asks should_fail_alloc_page(gfp, order) right after masking the gfp bits
 * and before looking at any zone; a request it picks returns NULL at once
 * (no page, no mm_page_alloc event, no allocation-failure warning),
 * counted in pz_errors.alloc_failed and pz_errors.fault_injected.
 *
 * A request is never failed when order < min_order, when it carries
 * PZ__GFP_NOFAIL, when ignore_gfp_highmem is set and it has PZ__GFP_HIGHMEM,
 * or when ignore_gfp_reclaim is set and it has PZ__GFP_DIRECT_RECLAIM (4.1's
 * __GFP_WAIT). Otherwise should_fail applies the kernel's rules in order:
 * probability 0 -> no; task_filter set and the current task lacks
 * PZ_TASK_MAKE_IT_FAIL or runs in (soft)interrupt -> no; times 0 -> no;
 * space > 2^order -> space -= 2^order, no; interval > 1 and the eligible-call
 * count (incremented here) not a multiple of interval -> no;
 * probability <= random() % 100 -> no; otherwise fail, and decrement times
 * unless it is -1.
 *
 * Not available in a userspace library: the stack-trace filter
 * (stacktrace-depth, require-start/end, reject-start/end: there is no
 * kernel text to match addresses against) and the verbose rate limit (the
 * kernel's is off by default; here every injected failure is reported when
 * verbose >= 1). verbose >= 2 would dump the stack in the kernel; here it
 * reports the same single message as verbose 1.
 */
struct pz_fault_attr {
	unsigned long probability; /* percent, 0 = never; 100 or more = every eligible call */
	unsigned long interval;	   /* fail only every interval-th eligible call (0, 1 = each) */
	int times;		   /* failures left: -1 = unlimited; consumed by each failure */
	int space;		   /* pages (2^order per call) to let through first; consumed */
	unsigned long verbose;	   /* >= 1: "FAULT_INJECTION: forcing a failure." per failure */
	bool task_filter;	   /* only tasks with PZ_TASK_MAKE_IT_FAIL */
	bool ignore_gfp_reclaim;   /* debugfs ignore-gfp-wait: spare DIRECT_RECLAIM requests */
	bool ignore_gfp_highmem;   /* spare PZ__GFP_HIGHMEM requests */
	unsigned min_order;	   /* spare orders below this */
	uint64_t seed;		   /* seed of random(); setting the attributes restarts it */
};

/*
 * Fills *attr with the kernel's code defaults: probability 0 (off),
 * interval 1, times 1, space 0, verbose 2, task_filter off,
 * ignore_gfp_reclaim and ignore_gfp_highmem on, min_order 1, and a fixed
 * seed. So, once a probability is set, only requests that cannot reclaim
 * directly, are not HIGHMEM and have order >= 1 are failed by default.
 * Does nothing for NULL. Context: any.
 */
PZ_API void pz_fault_attr_default(struct pz_fault_attr *attr);

/*
 * Parses the boot option value "<interval>,<probability>,<space>,<times>"
 * (optionally prefixed by "fail_page_alloc=", and with an optional trailing
 * newline) into the four fields of *attr, leaving the other fields as they
 * are (setup_fault_attr). interval and probability are unsigned decimal,
 * space and times signed decimal that fit an int. Returns 0, or -PZ_EINVAL
 * for NULL, a missing or empty field, a non-digit, a value out of range or
 * text after the fourth field (the kernel's sscanf ignores such text;
 * pagezone refuses it); *attr is unchanged on error. Context: any.
 */
PZ_API int pz_fault_attr_parse(const char *str, struct pz_fault_attr *attr);

/*
 * Installs fail_page_alloc attributes (NULL = the defaults, i.e. off),
 * resetting the interval count and restarting random() from attr->seed,
 * so a given seed and request sequence always fail the same requests.
 * A times below -1 counts down as the kernel's atomic_t does, wrapping
 * from INT_MIN to INT_MAX. Returns 0, or -PZ_EINVAL for a bad instance.
 * Context: any thread; may
 * spin (takes the fault-injection lock); not from inside a callback.
 */
PZ_API int pz_set_fail_page_alloc(pz_t *pz, const struct pz_fault_attr *attr);

/*
 * The attributes in force, with times and space as consumed so far and
 * the seed last set. Returns 0, or -PZ_EINVAL for a bad instance or NULL
 * attr. Context: any thread; may spin; not from inside a callback.
 */
PZ_API int pz_get_fail_page_alloc(pz_t *pz, struct pz_fault_attr *attr);

/* ---------------------------------------------------------------------- */
/* Statistics and reports (mm/vmstat.c's /proc files).                    */

/* Zone counters (the kernel's zone vmstat items the allocator owns). */
enum pz_zone_stat {
	PZ_NR_FREE_PAGES = 0,
	/* 4.1's fair batch: the zone-wide value plus every CPU's pending
	 * delta (zone_page_state_snapshot); the fair policy itself reads the
	 * zone-wide part, to which each CPU folds its delta once it passes
	 * stat_threshold, as the kernel's vmstat does */
	PZ_NR_ALLOC_BATCH,
	PZ_NR_FREE_CMA_PAGES,
	PZ_NR_PAGES_SCANNED,
	PZ_NUMA_HIT,
	PZ_NUMA_MISS,
	PZ_NUMA_FOREIGN,
	PZ_NUMA_INTERLEAVE_HIT,
	PZ_NUMA_LOCAL,
	PZ_NUMA_OTHER,
	PZ_PGALLOC, /* pages allocated from this zone (vmstat pgalloc_<zone>) */
	PZ_PGFREE,  /* pages freed into this zone (summed: vmstat pgfree) */
	PZ_NR_ZONE_STATS,
};

struct pz_zone_info {
	int nid;
	enum pz_zone_type type;
	const char *name;
	bool populated;
	uint64_t start_pfn, spanned, present, managed;
	uint64_t wmark_min, wmark_low, wmark_high;
	uint64_t lowmem_reserve[PZ_NR_ZONE_TYPES]; /* "protection" */
	uint64_t nr_reserved_blocks;		   /* MIGRATE_RESERVE blocks (4.1) */
	uint64_t nr_reserved_highatomic;	   /* pages in HIGHATOMIC blocks (4.4) */
	int64_t stat[PZ_NR_ZONE_STATS];
	uint64_t nr_free[PZ_MAX_ORDER_LIMIT];		      /* blocks per order (buddyinfo) */
	uint64_t nr_free_mt[PZ_MAX_ORDER_LIMIT][PZ_MT_TYPES]; /* blocks per order and type */
	uint64_t nr_blocks_mt[PZ_MT_TYPES];		      /* pageblocks by label */
	uint64_t pcp_pages;				      /* pages on all CPUs' lists */
	/* stat_threshold: calculate_normal_threshold, the per-CPU vmstat drift
	 * bound (used for NR_ALLOC_BATCH) */
	unsigned pcp_high, pcp_batch, stat_threshold;
	/* 5.0's watermark_boost (zoneinfo's "boost"), already included in
	 * wmark_min/low/high as 6.1 prints them; 0 without PZ_FEAT_WMARK_BOOST */
	uint64_t watermark_boost;
};

/* Fills *info for zone type of node nid (a snapshot taken under the zone's
 * lock). Returns 0 or -PZ_ENODEV. Context: any thread; may spin. */
PZ_API int pz_zone_info(pz_t *pz, int nid, enum pz_zone_type type, struct pz_zone_info *info);

/*
 * Per-CPU lists of one zone on one CPU. pz_pcp_info fills count, high and
 * batch in pages, and count_mt, the pages on each migratetype's lists (all
 * orders; linux-6.1's shared pageblock-order list of UNMOVABLE and
 * RECLAIMABLE counts as UNMOVABLE), which it finds by walking every block
 * on the CPU's lists: its time grows with what they hold. pz_pcp_count
 * returns count alone, the total the lists keep up to date as blocks come
 * and go, with no walk: cheap enough to ask at every free (lockstep replay
 * does). high is pcp->high as zoneinfo prints it; while linux-6.1's kswapd
 * reclaims, a list flushes below it (docs/DESIGN.md "High-order per-CPU
 * lists and lazy tails").
 * pz_pcp_info returns 0, -PZ_EINVAL (bad instance, info NULL) or
 * -PZ_ENODEV (no such populated zone, cpu >= nr_cpus); pz_pcp_count
 * returns the count (>= 0) or those two errors.
 * Context: any thread; may spin: each holds that CPU's list lock while it
 * reads (one consistent snapshot; the CPU's own frees and allocations in
 * that zone wait meanwhile); calls no callback.
 */
struct pz_pcp_info {
	unsigned count, high, batch;
	unsigned count_mt[PZ_MT_PCPTYPES];
};
PZ_API int pz_pcp_info(pz_t *pz, int nid, enum pz_zone_type type, unsigned cpu,
		       struct pz_pcp_info *info);
PZ_API int64_t pz_pcp_count(pz_t *pz, int nid, enum pz_zone_type type, unsigned cpu);

/* Misuse and bad-input counters: every refused call counts once. */
struct pz_errors {
	uint64_t bad_order;	 /* order >= max_order */
	uint64_t bad_gfp;	 /* forbidden zone combination */
	uint64_t bad_pfn;	 /* free/lookup outside every zone or in a hole */
	uint64_t double_free;	 /* free of a free page (refcount underflow) */
	uint64_t wrong_order;	 /* free with an order other than allocated */
	uint64_t tail_free;	 /* free of a compound tail page */
	uint64_t bad_page_alloc; /* bad descriptor state found at allocation (leaked) */
	uint64_t bad_page_free;	 /* bad descriptor state found at free (leaked) */
	uint64_t leaked_pages;	 /* pages leaked by the two above */
	uint64_t alloc_failed;	 /* allocations that returned NULL */
	uint64_t use_after_free; /* poisoned free pages found written (PZ_DEBUG_POISON) */
	uint64_t other;
	uint64_t fault_injected; /* allocations failed by fail_page_alloc (also in alloc_failed) */
};
PZ_API void pz_errors(const pz_t *pz, struct pz_errors *out);

/*
 * Reports in the kernel's exact text formats, written into buf (always
 * NUL-terminated when len > 0). Each returns the length the full text needs
 * excluding the NUL; a return >= len means the text was cut. Context: any
 * thread; may spin (takes each zone's lock in turn).
 *   buddyinfo      /proc/buddyinfo
 *   pagetypeinfo   /proc/pagetypeinfo (free lists by type, block counts)
 *   zoneinfo       /proc/zoneinfo, the allocator's fields
 *   vmstat         /proc/vmstat, the allocator's counters
 *   extfrag_index  debugfs extfrag/extfrag_index
 *   unusable_index debugfs extfrag/unusable_index
 */
PZ_API size_t pz_report_buddyinfo(pz_t *pz, char *buf, size_t len);
PZ_API size_t pz_report_pagetypeinfo(pz_t *pz, char *buf, size_t len);
PZ_API size_t pz_report_zoneinfo(pz_t *pz, char *buf, size_t len);
PZ_API size_t pz_report_vmstat(pz_t *pz, char *buf, size_t len);
PZ_API size_t pz_report_extfrag_index(pz_t *pz, char *buf, size_t len);
PZ_API size_t pz_report_unusable_index(pz_t *pz, char *buf, size_t len);

/*
 * Fragmentation figures of one zone and order, in thousandths: the
 * extfrag index (-1000 when a block of that order is free, 0 with no free
 * memory, toward 1000 for fragmentation) and the unusable index (0..1000).
 * Returns 0 or -PZ_ENODEV / -PZ_EINVAL. Context: any thread; may spin.
 */
PZ_API int pz_fragmentation_index(pz_t *pz, int nid, enum pz_zone_type type, unsigned order,
				  int *extfrag, int *unusable);

/* Watermark check for one zone as the allocator does it (exposed for tools
 * and tests): alloc_flags use the PZ_ALLOC_* values. Returns 1 ok, 0 not ok,
 * -PZ_ENODEV for a missing zone, -PZ_EINVAL for order >= max order, a bad
 * classzone, an unknown alloc_flags bit or WMARK_LOW and WMARK_HIGH
 * together. Context: any thread. */
#define PZ_ALLOC_WMARK_MIN     0x0u
#define PZ_ALLOC_WMARK_LOW     0x1u
#define PZ_ALLOC_WMARK_HIGH    0x2u
#define PZ_ALLOC_NO_WATERMARKS 0x4u
#define PZ_ALLOC_HARDER	       0x10u
#define PZ_ALLOC_HIGH	       0x20u
#define PZ_ALLOC_CPUSET	       0x40u
#define PZ_ALLOC_CMA	       0x80u
#define PZ_ALLOC_FAIR	       0x100u
PZ_API int pz_zone_watermark_ok(pz_t *pz, int nid, enum pz_zone_type type, unsigned order,
				unsigned alloc_flags, enum pz_zone_type classzone);

/* The zonelist of a node (0: fallback list, 1: THISNODE list) as
 * (nid, zone type) pairs into out (2 * max entries). Returns the number of
 * entries (may exceed max) or a negative errno. Context: any. */
PZ_API int pz_zonelist(pz_t *pz, int nid, int which, int *out, unsigned max);

/* The min_free_kbytes in force. Context: any. */
PZ_API unsigned pz_min_free_kbytes(const pz_t *pz);

/*
 * Walks every page, list and counter and checks the invariants written in
 * docs/DESIGN.md ("Invariants"). Returns 0 when all hold, else the number
 * of violations (each reported through the log sink, at most 20 messages),
 * or -PZ_EINVAL for a bad or destroyed instance. It takes every per-CPU
 * and zone lock, one zone at a time, so each zone's lists and counters are
 * one consistent snapshot.
 * Requires a quiescent instance: no allocation, free, page-state call,
 * split or drain may run on it from another thread during the call. A
 * page between a list and its owner is in neither, outside every lock,
 * and the walk would report it as lost (and race with its owner's
 * writes). Use pz_validate_concurrent while others allocate.
 * Context: any thread, with the instance quiescent; may spin; calls the
 * log callback (no lock held); must not run inside a callback.
 */
PZ_API int pz_validate(pz_t *pz);
/*
 * pz_validate for an instance in use: the same list and counter checks
 * under the same locks, and of the page walk only what those locks make
 * stable (every page flagged free or per-CPU lies in a block on a list,
 * and those pages add up to the lists' counts). Allocated pages and pages
 * in flight are not looked at: it cannot tell a lost page from one on its
 * way, so it reports no lost pages and no managed-pages equation. No
 * false violations and no data race with concurrent callers; it adds
 * nothing to the allocation and free paths. Returns as pz_validate.
 * Context: any thread, concurrently with any other call on the instance
 * but pz_destroy; may spin (it holds a zone's locks for that zone's walk,
 * stalling its allocators); calls the log callback (no lock held); must
 * not run inside a callback.
 */
PZ_API int pz_validate_concurrent(pz_t *pz);

/*
 * Snapshots of the allocator's lists, for reference models, debuggers and
 * pictures. pz_free_list_pfns copies the head pfns of the free blocks on
 * the buddy list (order, mt) of a zone, from the list head (the block
 * __rmqueue_smallest takes next) to the tail. pz_pcp_list_pfns copies the
 * head pfns of the blocks on one CPU's per-CPU list of (order, mt)
 * (mt < PZ_MT_PCPTYPES), head (hot end) first; the orders with a per-CPU
 * list are 0 and, when the instance has PZ_FEAT_PCP_HIGH_ORDER, 1-3 and
 * the pageblock order (linux-6.1 keeps one pageblock-order list for
 * UNMOVABLE and RECLAIMABLE, as 6.1.192 does: both types give it). At
 * most max pfns are written to out; out may be NULL when max is 0, to ask
 * for the length only.
 * Returns the list's length in blocks (which may exceed max), or
 * -PZ_EINVAL (bad instance, order >= max order, bad migratetype, out NULL
 * with max > 0; pcp: an order without a per-CPU list in this instance),
 * -PZ_ENODEV (no such populated zone, cpu >= nr_cpus).
 * Context: any thread; may spin: the copy is made under the zone's lock
 * (pcp: that CPU's list lock), so it is one consistent list.
 */
PZ_API int64_t pz_free_list_pfns(pz_t *pz, int nid, enum pz_zone_type type, unsigned order,
				 enum pz_migratetype mt, uint64_t *out, size_t max);
PZ_API int64_t pz_pcp_list_pfns(pz_t *pz, int nid, enum pz_zone_type type, unsigned cpu,
				unsigned order, enum pz_migratetype mt, uint64_t *out, size_t max);
/*
 * The migratetype label of the pageblock holding pfn (the kernel's
 * get_pageblock_migratetype), or -PZ_ERANGE for a pfn outside every zone,
 * -PZ_EINVAL for a bad instance. Context: any; a lock-free read, exact
 * when no allocation or free runs concurrently.
 */
PZ_API int pz_pageblock_migratetype(pz_t *pz, uint64_t pfn);

/*
 * One pageblock of a zone, as pictures show it: where it starts, its
 * migratetype label, and how many of its pages the zone manages (not holes,
 * not reserved, not outside the zone), lie in free buddy blocks, or lie in
 * blocks on per-CPU lists. The rest of the managed pages are allocated
 * (or leaked). free + pcp <= managed <= pageblock_nr_pages.
 */
struct pz_pageblock_info {
	uint64_t start_pfn;	/* first pfn of the pageblock (may precede the zone) */
	enum pz_migratetype mt; /* its label, as pz_pageblock_migratetype */
	unsigned managed, free, pcp;
};
/*
 * Pageblocks of a zone in pfn order, for pictures: the pageblocks that
 * overlap [start_pfn, start_pfn + spanned) of the zone are numbered from 0;
 * blocks first .. first + max - 1 are written to out. out may be NULL when
 * max is 0, to ask for the count only.
 * Returns the zone's number of pageblocks (which may exceed first + max),
 * or -PZ_EINVAL (bad instance, out NULL with max > 0), -PZ_ENODEV (no such
 * populated zone).
 * Context: any thread; may spin. Each call holds the zone's per-CPU locks
 * and then its zone lock (the order pz_validate uses) while it walks the
 * page descriptors of the blocks it copies, so one call is one consistent
 * snapshot of those blocks; successive calls are not. It calls no
 * callback. Cost: one read per free or per-CPU block and per allocated
 * page, so keep max modest when others allocate (it stalls the zone).
 */
PZ_API int64_t pz_zone_pageblocks(pz_t *pz, int nid, enum pz_zone_type type, uint64_t first,
				  struct pz_pageblock_info *out, size_t max);

/* Per-page state for walkers and reference models. */
enum pz_page_state {
	PZ_PAGE_STATE_INVALID = 0, /* not a managed page (hole, outside zones) */
	PZ_PAGE_STATE_RESERVED,	   /* present but never managed */
	PZ_PAGE_STATE_FREE,	   /* inside a free buddy block */
	PZ_PAGE_STATE_PCP,	   /* on a per-CPU list */
	PZ_PAGE_STATE_ALLOCATED,   /* handed out (head, tail or part of a block) */
	PZ_PAGE_STATE_LEAKED,	   /* taken out by a bad-page report */
};
/* State of the page at pfn. Racy against concurrent use; exact when quiescent. */
PZ_API enum pz_page_state pz_pfn_state(pz_t *pz, uint64_t pfn);

/* ---------------------------------------------------------------------- */
/* Placing state by hand: what a replay of a kernel trace needs to start   */
/* from the kernel's state and to follow its choices (docs/DESIGN.md       */
/* "Replay"; pagezone replay --lockstep).                                  */

/*
 * alloc-at-pfn: allocates exactly the block [pfn, pfn + 2^order), which
 * must be free: on the buddy lists (a larger free block around it is split,
 * its other pieces staying on their list as expand would leave them) or on
 * any CPU's per-CPU list (a per-CPU block that is exactly the range is
 * unlinked, as a per-CPU hit; per-CPU blocks only partly in the range go
 * back to the buddy lists first). Accounting is a normal allocation's:
 * NR_FREE_PAGES (not for a per-CPU hit), PGALLOC and the NUMA counters on
 * the calling CPU, the page checks and prep (refcount 1; gfp's __GFP_COMP
 * makes a compound block, __GFP_ZERO zeroes it; other gfp bits are
 * ignored). No watermark is checked and no tracepoint is emitted.
 * Stores the page in *out (NULL on error) and returns 0, or
 * -PZ_EINVAL (bad instance, out NULL, order >= max order, pfn not aligned
 * to 2^order), -PZ_ERANGE (the range is not inside one zone),
 * -PZ_EBUSY (some page of the range is not free; nothing changed),
 * -PZ_EFAULT (the allocation's page check found a bad page: the block is
 * taken out and counted as leaked, as pz_alloc_pages would).
 * Context: any thread; never blocks or calls callbacks; may spin (takes
 * every CPU's per-CPU lock of the zone, then its zone lock).
 */
PZ_API int pz_alloc_at_pfn(pz_t *pz, uint64_t pfn, unsigned order, pz_gfp_t gfp, pz_page_t **out);

/*
 * Frees a block as pz_free_pages does (same checks, counters and
 * tracepoint), but straight to the buddy lists even for an order with a
 * per-CPU list, placed as __free_one_page places a block: at the list head
 * unless its buddy one order up is free (as a per-CPU drain or
 * __free_pages_ok puts it back). pz_free_pages_core puts it at the list
 * tail instead, as __free_pages_core (FPI_TO_TAIL, 5.10) releases memory
 * entering the allocator: memblock, deferred struct-page init, hotplug.
 * Both return 0 or pz_free_pages' errors (-PZ_EINVAL, -PZ_ERANGE not a page
 * of this instance, -PZ_EFAULT double free, wrong order, tail page).
 * Context: any thread; may spin (zone lock); no callbacks but the trace
 * sink.
 */
PZ_API int pz_free_pages_to_buddy(pz_t *pz, pz_page_t *page, unsigned order);
PZ_API int pz_free_pages_core(pz_t *pz, pz_page_t *page, unsigned order);

/*
 * Hands the reserved pages [start_pfn, start_pfn + nr) of one zone to the
 * allocator after creation, as the kernel's free_reserved_area does when it
 * frees its init sections or the initrd: each page stops being reserved,
 * the run goes to the buddy lists in maximal aligned blocks (merging with
 * free neighbours) and the zone's managed count grows by nr. Like the
 * kernel, nothing computed from managed is recomputed (watermarks,
 * lowmem_reserve, per-CPU high and batch): a later pz_set_* call does
 * that. The memory itself is not touched. Returns 0, -PZ_EINVAL (bad
 * instance, nr 0, the range wraps), -PZ_ERANGE (the range is not inside
 * one zone), -PZ_EFAULT (a page of it is not reserved: free, allocated, a
 * hole or poisoned); on error nothing changed and a warning names the
 * range. Context: not concurrently with any other call on pz (managed is
 * read without locks); may spin (zone lock); calls the log sink only.
 */
PZ_API int pz_free_reserved_pages(pz_t *pz, uint64_t start_pfn, uint64_t nr);

/*
 * Labels the pageblock holding pfn with mt (a per-CPU type) and moves its
 * free buddy blocks to mt's lists (move_freepages_block; per-CPU pages
 * stay where they are). Without mobility grouping every label is
 * UNMOVABLE, as set_pageblock_migratetype makes it.
 * Returns 0, -PZ_EINVAL (bad instance, mt >= PZ_MT_PCPTYPES), -PZ_ERANGE
 * (pfn outside every zone), -PZ_EBUSY (the block is HIGHATOMIC, CMA or
 * ISOLATE, which their own rules own; 4.1's RESERVE may be relabelled).
 * Context: any thread; may spin (zone lock); no callbacks.
 */
PZ_API int pz_set_pageblock_migratetype(pz_t *pz, uint64_t pfn, enum pz_migratetype mt);

/*
 * Sets a zone's min, low and high watermarks in pages (for a replay: the
 * values the kernel recorded) instead of the profile's computation from
 * min_free_kbytes; 4.1's MIGRATE_RESERVE blocks are resized from the new
 * min. These are the base marks: the zone's watermark boost is reset to 0,
 * as the kernel's setup_per_zone_wmarks does (6.1's zoneinfo prints
 * min/low/high with the boost added and the boost on its own line: pass
 * the printed values minus the boost, then
 * pz_zone_set_watermark_boost). A later pz_set_min_free_kbytes
 * recomputes them.
 * Returns 0, -PZ_EINVAL (bad instance, not min <= low <= high, or high
 * above 2^62), -PZ_ENODEV (no such populated zone). Context: any thread;
 * may spin (zone lock); no callbacks.
 */
PZ_API int pz_zone_set_watermarks(pz_t *pz, int nid, enum pz_zone_type type, uint64_t min,
				  uint64_t low, uint64_t high);
/*
 * Sets a zone's watermark boost (5.0's watermark_boost, which every
 * watermark test adds to the base marks) to pages, as a recorded
 * zoneinfo's "boost" line gives it. Returns 0, -PZ_EINVAL (bad instance,
 * pages above 2^62, or non-zero in a profile without the boost: 4.1,
 * 4.4), -PZ_ENODEV (no such populated zone). Context: any thread; may
 * spin (zone lock); no callbacks.
 */
PZ_API int pz_zone_set_watermark_boost(pz_t *pz, int nid, enum pz_zone_type type, uint64_t pages);
/*
 * Raises a zone's boost as a fallback that splits a foreign pageblock does
 * (boost_watermark: one pageblock more, up to watermark_boost_factor /
 * 10000 of the base high mark but at least a pageblock; nothing when the
 * factor is 0, the zone is smaller than four pageblocks or its high mark
 * is 0), for a replay that forces the kernel's fallbacks instead of making
 * them. kswapd is not woken (the kernel's wake comes from the allocation).
 * Returns 1 when boosted, 0 when not (also in 4.1 and 4.4), -PZ_EINVAL
 * (bad instance), -PZ_ENODEV (no such populated zone). Context: any
 * thread; may spin (zone lock); no callbacks.
 */
PZ_API int pz_zone_boost_watermark(pz_t *pz, int nid, enum pz_zone_type type);
/*
 * Sets the per-CPU lists' high and batch of a zone on every CPU (the
 * kernel's pcp->high and pcp->batch; a list flushes when its count reaches
 * high). Pages already on the lists stay until the next flush. A later
 * pz_set_min_free_kbytes or pz_set_percpu_pagelist_fraction recomputes
 * them. Returns 0, -PZ_EINVAL (bad instance, batch 0 or above 144, high
 * above 2^30), -PZ_ENODEV (no such populated zone). Context: any thread;
 * may spin (each CPU's list lock in turn); no callbacks.
 */
PZ_API int pz_zone_set_pcp(pz_t *pz, int nid, enum pz_zone_type type, unsigned high,
			   unsigned batch);

/* Where pz_alloc_probe's block would come from. */
enum pz_probe_source {
	PZ_PROBE_NONE = 0,   /* no zone passes its mark with a block: (the rest of) the slow path */
	PZ_PROBE_PCP,	     /* the head of this CPU's per-CPU list (tail if cold) */
	PZ_PROBE_PCP_REFILL, /* that list is empty: the first block its refill pulls */
	PZ_PROBE_BUDDY,	     /* the smallest free block of the request's type */
	PZ_PROBE_FALLBACK,   /* another type's block: an extfrag fallback */
	PZ_PROBE_RESERVE,    /* CMA for a movable request, or 4.1's MIGRATE_RESERVE */
};
/* pz_alloc_probe's answer. */
struct pz_alloc_choice {
	enum pz_probe_source source;
	int nid;
	enum pz_zone_type zone;	     /* the zone it would come from */
	enum pz_zone_type classzone; /* the request's preferred zone type */
	int64_t pfn;		     /* the block's first pfn; -1 with PZ_PROBE_NONE */
	int block_mt;		     /* pfn's pageblock label now; -1 with none */
	int list_mt;		     /* the free list it would come from */
	unsigned refill_blocks;	     /* PCP_REFILL: blocks the refill asks for */
	unsigned fallback_order;     /* FALLBACK: order of the block fallen back to */
};
/*
 * What an allocation of (gfp, order) on the calling CPU would hand out
 * first, changing nothing: get_page_from_freelist's first attempt (the
 * LOW watermark with the zone's boost, 4.1's fair pass and its rescan,
 * 6.1's ALLOC_NOFRAGMENT and its retry without it, cpusets) and
 * buffered_rmqueue's choice in the first zone that passes and has a block
 * (6.1's CMA-first balancing included). A refill or fallback would change
 * more state than the one block (see source); the slow path is not probed
 * (PZ_PROBE_NONE). Not followed: the dirty limits of __GFP_WRITE,
 * zone_reclaim_mode, fault injection. Fills *out and returns 0, or
 * -PZ_EINVAL (bad instance, out NULL, order >= max order, a forbidden
 * zone combination). Context: any thread; never blocks or calls
 * callbacks; may spin (this CPU's per-CPU lock and the zone lock of each
 * zone it looks into).
 */
PZ_API int pz_alloc_probe(pz_t *pz, pz_gfp_t gfp, unsigned order, struct pz_alloc_choice *out);
/*
 * What the slow path's first attempt would hand out, changing nothing:
 * the walk of pz_alloc_probe with the flags __alloc_pages_slowpath
 * retries with right after waking kswapd (gfp_to_alloc_flags: the MIN
 * watermark with the zone's boost, ALLOC_HIGH for __GFP_HIGH,
 * ALLOC_HARDER for atomic requests and real-time tasks, which may take
 * the HIGHATOMIC reserve; no fair pass, no ALLOC_NOFRAGMENT, never
 * ALLOC_NO_WATERMARKS). Meant for when pz_alloc_probe answers
 * PZ_PROBE_NONE: an allocation whose fast path fails takes this block
 * unless kswapd, run inline, changes the lists first. PZ_PROBE_NONE again
 * means reclaim or compaction would have to run. Returns and Context as
 * pz_alloc_probe.
 */
PZ_API int pz_alloc_probe_slowpath(pz_t *pz, pz_gfp_t gfp, unsigned order,
				   struct pz_alloc_choice *out);

/* ---------------------------------------------------------------------- */
/* Memory pressure: what the slow path runs once the free lists are not    */
/* enough (docs/DESIGN.md "Slow path").                                    */

/*
 * The kernel's vm_event counters of reclaim, kswapd, compaction, migration
 * and OOM, summed over the instance (printed by pz_report_vmstat).
 */
enum pz_vm_event {
	PZ_VM_PGSTEAL_KSWAPD = 0, /* pages that came back during kswapd's shrinker calls */
	PZ_VM_PGSTEAL_DIRECT,	  /* ... during direct reclaim */
	PZ_VM_PGSCAN_KSWAPD,	  /* objects kswapd asked the shrinkers to scan */
	PZ_VM_PGSCAN_DIRECT,	  /* ... direct reclaim asked to scan */
	PZ_VM_SLABS_SCANNED,	  /* objects scanned by all shrinker calls */
	PZ_VM_KSWAPD_LOW_WMARK_HIT_QUICKLY,
	PZ_VM_KSWAPD_HIGH_WMARK_HIT_QUICKLY,
	PZ_VM_PAGEOUTRUN, /* kswapd balancing passes */
	PZ_VM_ALLOCSTALL, /* direct reclaim entries (try_to_free_pages) */
	PZ_VM_PGMIGRATE_SUCCESS,
	PZ_VM_PGMIGRATE_FAIL,
	PZ_VM_COMPACT_MIGRATE_SCANNED,
	PZ_VM_COMPACT_FREE_SCANNED,
	PZ_VM_COMPACT_ISOLATED,
	PZ_VM_COMPACT_STALL,
	PZ_VM_COMPACT_FAIL,
	PZ_VM_COMPACT_SUCCESS,
	PZ_VM_COMPACT_DAEMON_WAKE, /* kcompactd wake-ups (modern) */
	PZ_VM_COMPACT_DAEMON_MIGRATE_SCANNED,
	PZ_VM_COMPACT_DAEMON_FREE_SCANNED,
	PZ_VM_OOM_KILL,	   /* OOM handler calls that reported a kill */
	PZ_VM_KSWAPD_WAKE, /* ours: wake-ups delivered (the kernel traces them) */
	PZ_NR_VM_EVENTS,
};

/*
 * Copies the first n counters (n <= PZ_NR_VM_EVENTS) into out. Returns 0,
 * or -PZ_EINVAL for a bad instance, NULL out or n too large. Context: any
 * thread; lock-free.
 */
PZ_API int pz_vm_events(const pz_t *pz, uint64_t *out, size_t n);

/* ---- Shrinkers, direct reclaim and kswapd (reclaim.c, kswapd.c) ------- */
/*
 * pagezone has no page LRU: page caches, anonymous memory and object caches
 * are the embedder's, reached through shrinkers (docs/DESIGN.md "Reclaim and
 * kswapd"). A shrinker frees pages through the ordinary pz_free_* calls;
 * reclaim counts as progress only the pages the reclaiming task (the
 * current pz_task) freed while its shrinkers ran.
 */

/* What a scan callback returns to stop this pass (SHRINK_STOP), and what a
 * count callback may return for "nothing here at all" (6.1's SHRINK_EMPTY;
 * the linux-4.1 profile reads it as 0). */
#define PZ_SHRINK_STOP	       (~0UL)
#define PZ_SHRINK_EMPTY	       (~0UL - 1)
#define PZ_DEFAULT_SEEKS       2	   /* DEFAULT_SEEKS */
#define PZ_SHRINK_BATCH	       128	   /* SHRINK_BATCH: objects per scan call when batch is 0 */
#define PZ_SHRINK_MAX_OBJECTS  (~0UL >> 8) /* the largest count do_shrink_slab believes */
#define PZ_SHRINKER_NUMA_AWARE 0x1u	   /* count/scan per node; else node 0 only */

/* One call's request (struct shrink_control). */
struct pz_shrink_control {
	pz_gfp_t gfp_mask;
	int nid;		  /* the node to shrink; 0 for shrinkers not NUMA-aware */
	unsigned long nr_to_scan; /* scan: objects to scan (at most batch) */
	/* scan, modern profile: preset to nr_to_scan; the callback may store
	 * how many it really scanned (6.1). Ignored by linux-4.1. */
	unsigned long nr_scanned;
	int priority; /* ours: the reclaim priority, 12 (gentle) down to 0 */
};

/*
 * A shrinker: caller-owned memory, initialised by pz_shrinker_init (or
 * zeroed), callbacks and tunables set, then registered. The core never
 * allocates; its per-node deferred work and list links live in `core`,
 * which callers must not touch while registered.
 */
struct pz_shrinker {
	/* Objects that could be freed now on sc->nid (0: skip this shrinker;
	 * more than PZ_SHRINK_MAX_OBJECTS reads as that many). */
	unsigned long (*count_objects)(struct pz_shrinker *s, struct pz_shrink_control *sc);
	/* Try to free sc->nr_to_scan objects; return the number freed or
	 * PZ_SHRINK_STOP. Pages go back with pz_free_*. Both callbacks run
	 * with no allocator lock held, possibly on several threads at once
	 * (direct reclaimers, kswapds); they may free and allocate pages of
	 * the same instance (the reclaiming task has PZ_TASK_MEMALLOC unless
	 * it is the default task) and register or unregister shrinkers. */
	unsigned long (*scan_objects)(struct pz_shrinker *s, struct pz_shrink_control *sc);
	void *ctx;	/* the caller's */
	int seeks;	/* cost to recreate an object; 0 only in modern (scan half) */
	long batch;	/* objects per scan call; 0 = PZ_SHRINK_BATCH */
	unsigned flags; /* PZ_SHRINKER_* */
	struct {
		struct pz_shrinker *next, *prev;
		const void *owner;		/* the instance it is registered with */
		unsigned state;			/* registered / dying / gone */
		unsigned active;		/* calls running now */
		long nr_deferred[PZ_MAX_NODES]; /* scan work carried over, per node */
	} core;
};

/* Zeroes s and sets seeks = PZ_DEFAULT_SEEKS, batch = 0. Context: any. */
PZ_API void pz_shrinker_init(struct pz_shrinker *s);

/*
 * Adds s to the end of pz's shrinker list (register_shrinker); its deferred
 * work starts at 0. Returns 0; -PZ_EINVAL for a bad instance, NULL s or
 * callback, negative seeks or batch, seeks 0 in linux-4.1 and linux-4.4
 * (both divide by it), or s already registered (with any instance).
 * Context: any thread, also from a shrinker callback; may spin on the
 * shrinker list lock.
 */
PZ_API int pz_register_shrinker(pz_t *pz, struct pz_shrinker *s);

/*
 * Removes s (unregister_shrinker): no call of s starts after it returns.
 * Returns 0 when s is off the list and none of its calls runs: its memory
 * is the caller's again. When a call of s is still running and the caller
 * is itself inside a shrinker callback of the same task (s unregistering
 * itself, or another shrinker, from its callback), it does not wait (that
 * could deadlock): s is marked dead (no new calls) and 1 is returned; s
 * leaves the list when its running calls return, and calling
 * pz_unregister_shrinker again returns 1 until then, 0 after. Outside a
 * callback it waits (spinning with the relax hook) for running calls.
 * -PZ_EINVAL for a bad instance, NULL s, or s not registered with pz.
 * Context: any thread; called with no pagezone lock held. Threads that
 * share a pz_task (e.g. the default task) count as one for "inside a
 * callback".
 */
PZ_API int pz_unregister_shrinker(pz_t *pz, struct pz_shrinker *s);

/*
 * Direct reclaim as an allocation from node nid with gfp would run it
 * (try_to_free_pages): the shrinkers of the zonelist's nodes, priority 12
 * down to 0, stopping once SWAP_CLUSTER_MAX (32) pages came back. For a
 * high order with a migrate callback registered, a zone's (linux-4.1,
 * 4.4) or node's (linux-6.1) pass is repeated while the kernel's
 * should_continue_reclaim says so, until compaction could run (see
 * docs/DESIGN.md "Reclaim and kswapd"). Sets *progress to the pages the
 * calling task freed in pz meanwhile (0 when its shrinkers freed nothing,
 * whatever they returned; threads sharing the task count for each other,
 * the default task's included). The count lives in the task
 * (pz_task.core), so frees elsewhere take no lock for it. A task already
 * reclaiming in PZ_TASK_RECLAIM_SLOTS other instances, or nr_cpus + 1
 * times in pz (nested), does not reclaim: 0. Counts allocstall,
 * pgscan_direct, pgsteal_direct and slabs_scanned. Returns 0, -PZ_EINVAL
 * (bad instance, NULL progress, forbidden gfp zone mix), -PZ_ENODEV (nid).
 * Context: may call shrinkers (no allocator lock held), from any thread;
 * the calling task runs with PZ_TASK_MEMALLOC meanwhile (unless it is the
 * default task), as the kernel's direct reclaim runs with PF_MEMALLOC.
 */
PZ_API int pz_direct_reclaim(pz_t *pz, int nid, pz_gfp_t gfp, unsigned order, uint64_t *progress);

/* Why pz_wakeup_kswapd did or did not wake a node's kswapd (wakeup_kswapd's
 * exits in the kernel's order). */
enum pz_kswapd_wake {
	PZ_KSWAPD_WOKEN = 0,
	PZ_KSWAPD_UNPOPULATED, /* the zone has no pages (4.1) / none managed (6.1) */
	PZ_KSWAPD_CPUSET,      /* the task's cpuset does not allow the node */
	PZ_KSWAPD_NOT_ASLEEP,  /* kswapd is awake: the order and zone were recorded */
	PZ_KSWAPD_HOPELESS,    /* modern: 16 balancing runs reclaimed nothing */
	PZ_KSWAPD_BALANCED,    /* already balanced for the order */
};

/*
 * wakeup_kswapd(zone type of node nid, order, class zone): records order
 * and class zone for the node's kswapd, then wakes it through the
 * platform's wake_kswapd hook - or, in deterministic mode
 * (pz_config.kswapd_deterministic), runs it inline until it sleeps before
 * returning. Returns the pz_kswapd_wake reason (>= 0), -PZ_EINVAL (bad
 * instance, type, order or classzone), -PZ_ENODEV (nid). Context: any
 * thread, no allocator lock held; calls the wake hook, and in
 * deterministic mode shrinkers and compaction.
 */
PZ_API int pz_wakeup_kswapd(pz_t *pz, int nid, enum pz_zone_type type, unsigned order,
			    enum pz_zone_type classzone, pz_gfp_t gfp);

/* What pz_kswapd_run did. */
enum pz_kswapd_run_result {
	PZ_KSWAPD_SLEEP = 0, /* balanced: sleeps until the next wake-up */
	PZ_KSWAPD_AGAIN = 1, /* not balanced or woken meanwhile: run again */
	PZ_KSWAPD_BUSY = 2,  /* another call runs this node's kswapd: nothing done */
};

/*
 * One round of node nid's kswapd: take the recorded order and class zone,
 * balance the node (balance_pgdat: shrinkers from priority 12 down until
 * the zones are above their high watermark, compaction for high orders),
 * then decide to sleep: nap through the platform's wait hook
 * (PZ_WAIT_KSWAPD_NAP, 100 ms; skipped in deterministic mode) and sleep if
 * still balanced. Calling it while kswapd sleeps counts as a wake-up.
 * Returns a pz_kswapd_run_result, -PZ_EINVAL (bad instance), -PZ_ENODEV
 * (nid). Context: the node's kswapd thread (any thread; one at a time per
 * node, others get PZ_KSWAPD_BUSY); calls shrinkers, compaction and the
 * wait hook with no allocator lock held.
 */
PZ_API int pz_kswapd_run(pz_t *pz, int nid);

/* A node's kswapd state (kswapd_max_order and classzone_idx in 4.1,
 * kswapd_order and kswapd_highest_zoneidx in 6.1). */
struct pz_kswapd_info {
	unsigned order;	   /* the recorded order of the next round */
	int classzone;	   /* the recorded zone index; PZ_NR_ZONE_TYPES: none (6.1) */
	int asleep;	   /* on its wait queue (wakeups go through) */
	unsigned failures; /* modern: kswapd_failures */
	uint64_t wakeups;  /* wake-ups delivered to this node */
	uint64_t runs;	   /* balancing rounds (pageoutrun of this node) */
};

/* Copies node nid's kswapd state. Returns 0, -PZ_EINVAL, -PZ_ENODEV.
 * Context: any; lock-free, racy while kswapd runs. */
PZ_API int pz_kswapd_info(pz_t *pz, int nid, struct pz_kswapd_info *out);

/* ---- Compaction and page migration (compaction.c) --------------------- */

/* How hard a migration may try (enum migrate_mode): ASYNC never blocks,
 * SYNC_LIGHT may block but not on writeback, SYNC may wait for anything. */
enum pz_migrate_mode {
	PZ_MIGRATE_ASYNC = 0,
	PZ_MIGRATE_SYNC_LIGHT,
	PZ_MIGRATE_SYNC,
};

/*
 * What a migrate callback answers. PZ_MIGRATE_OK: the block's contents and
 * every reference the owner keeps now live in dst (see the protocol at
 * pz_set_migrate_handler). Anything else refuses; BUSY is retried (up to
 * ten passes, as migrate_pages retries -EAGAIN), the others are final for
 * this compaction run. Any other value is a misuse: it counts as a refusal.
 */
enum pz_migrate_result {
	PZ_MIGRATE_OK = 0,
	PZ_MIGRATE_BUSY,    /* in use right now (locked, under I/O): try again later */
	PZ_MIGRATE_PINNED,  /* pinned (DMA, a long-term reference): cannot move */
	PZ_MIGRATE_UNKNOWN, /* not a block this owner knows */
	PZ_MIGRATE_NOMEM,   /* the owner lacks what copying needs */
	PZ_NR_MIGRATE_RESULTS,
};

/*
 * The owner's migrate callback: move the contents of the allocated block
 * src (2^order pages) into dst (a block of the same order and compound
 * shape, owner word 0) and repoint every reference the owner keeps (the
 * owner word and page state it wants on dst included), or refuse. mode
 * says how long it may wait.
 */
typedef enum pz_migrate_result (*pz_migrate_fn)(void *ctx, pz_t *pz, pz_page_t *src, pz_page_t *dst,
						unsigned order, enum pz_migrate_mode mode);

/*
 * Registers the instance's migrate callback (NULL fn: none; compaction
 * then moves nothing and only scans). Candidates are
 * allocated blocks of movable requests (a gfp mask with __GFP_MOVABLE
 * while grouping by mobility is on), smaller than a pageblock, without
 * HWPOISON; compaction calls fn for them.
 *
 * The protocol (docs/DESIGN.md "Compaction"):
 *  - before the call the core holds its own reference on src (taken only
 *    while src had one, so a src freed concurrently is never reused under
 *    the call) and the only reference on dst (allocated for this call;
 *    the core never reads the owner word, which the owner may write at
 *    any time);
 *  - OK: dst's reference passes to the owner; the core clears src's mapcount
 *    and state bits but HWPOISON (the free clears the owner word) and
 *    drops two
 *    references on src, the owner's and its own, which frees it. A src the
 *    owner freed already (during the call, even from inside it) is freed
 *    once, by the core's reference. Extra references left on src are
 *    their holders' to drop (counted as src_kept);
 *  - a refusal: the core takes dst back (unused) and drops its own src
 *    reference (freeing src if the owner freed it meanwhile);
 *  - the callback must not free dst: a freed dst on OK is counted
 *    (dst_freed) and the migration fails with src left to the owner; a dst
 *    with extra references on a refusal is left to them (dst_kept);
 *  - it may allocate and free from the same instance, and call
 *    pz_validate; compaction of the zone may run in other threads;
 *  - a block may be offered before the allocation that made it has
 *    returned to its owner (compaction in another thread, or in
 *    deterministic mode the kswapd/kcompactd run inline at the end of that
 *    allocation, after a boosting fallback): an owner that does not know
 *    the block yet answers PZ_MIGRATE_UNKNOWN. The kernel has no such
 *    window (a page is a candidate only once it is on an LRU list).
 * Calls already started may still run after the handler is replaced.
 * Returns 0, or -PZ_EINVAL for a bad instance. Context: any thread; takes
 * a spin lock briefly; calls nothing.
 */
PZ_API int pz_set_migrate_handler(pz_t *pz, pz_migrate_fn fn, void *ctx);

/* Migrate callback calls, their answers and the misuses of the protocol
 * (each misuse is also logged once at PZ_LOG_WARN). */
struct pz_compaction_stats {
	uint64_t calls;				 /* migrate callback calls */
	uint64_t results[PZ_NR_MIGRATE_RESULTS]; /* calls per answer */
	uint64_t bad_result;			 /* answers outside the enum */
	uint64_t src_kept;			 /* OK, but src still referenced */
	uint64_t dst_freed;			 /* dst freed by the callback */
	uint64_t dst_kept;			 /* refused, but dst referenced */
	uint64_t kcompactd_runs;		 /* kcompactd passes (modern) */
	uint64_t proactive_runs;		 /* proactive_compact_node passes (modern) */
};
/* Copies the counters. Returns 0 or -PZ_EINVAL. Context: any; lock-free. */
PZ_API int pz_compaction_stats(const pz_t *pz, struct pz_compaction_stats *out);

/* One zone's compaction state (struct zone's compact_* fields). */
struct pz_compaction_zone_info {
	uint64_t cached_migrate_pfn[2]; /* where async / sync migrate scanners resume */
	uint64_t cached_free_pfn;	/* where the free scanner resumes */
	unsigned considered;		/* compact_considered */
	unsigned defer_shift;		/* compact_defer_shift (at most 6) */
	int order_failed;		/* compact_order_failed */
	int blockskip_flush;		/* skip bits to be cleared when kswapd sleeps */
	uint64_t skip_blocks;		/* pageblocks with the skip bit set */
};
/* Fills out for zone (nid, type). Returns 0, -PZ_EINVAL or -PZ_ENODEV (no
 * such populated zone). Context: any thread; lock-free, racy against
 * running compaction (exact when quiescent). */
PZ_API int pz_compaction_zone_info(pz_t *pz, int nid, enum pz_zone_type type,
				   struct pz_compaction_zone_info *out);

/*
 * Manual compaction (/proc/sys/vm/compact_memory, the per-node "compact"
 * file: order -1, SYNC, skip bits ignored and cleared, until the scanners
 * meet): one zone, one node (its zones in order) or every node. Returns 0,
 * -PZ_EINVAL or -PZ_ENODEV. Context: may block as long as the callbacks
 * do; calls the migrate callback with no allocator lock held.
 */
PZ_API int pz_compact_zone(pz_t *pz, int nid, enum pz_zone_type type);
PZ_API int pz_compact_node(pz_t *pz, int nid);
PZ_API int pz_compact_memory(pz_t *pz);

/* vm.extfrag_threshold (0..1000, default 500): compaction_suitable skips a
 * zone whose fragmentation index is at most this. The setter returns 0 or
 * -PZ_EINVAL (bad instance, out of range); the getter the value or
 * -PZ_EINVAL. Context: any thread; lock-free. */
PZ_API int pz_set_extfrag_threshold(pz_t *pz, int threshold);
PZ_API int pz_extfrag_threshold(const pz_t *pz);

/*
 * kcompactd (modern). A wake-up (kswapd going to sleep after a high-order
 * request) records the order and highest zone of node nid; with
 * PZ_KCOMPACTD_INLINE (the default, deterministic) the waking thread runs
 * the pass at once, with PZ_KCOMPACTD_DEFERRED the embedder's thread runs
 * pz_kcompactd_run(pz, nid) when it likes. pz_kcompactd_run does one
 * kcompactd_do_work pass if work is recorded and returns 1, or 0 with
 * nothing to do, -PZ_EINVAL / -PZ_ENODEV. pz_set_kcompactd_mode returns 0
 * or -PZ_EINVAL (bad instance or mode). Context: pz_kcompactd_run may
 * block as the migrate callback does and calls it with no allocator lock
 * held; the mode setter is lock-free. Any thread.
 */
enum pz_kcompactd_mode {
	PZ_KCOMPACTD_INLINE = 0,
	PZ_KCOMPACTD_DEFERRED,
};
PZ_API int pz_set_kcompactd_mode(pz_t *pz, enum pz_kcompactd_mode mode);
PZ_API int pz_kcompactd_run(pz_t *pz, int nid);

/*
 * Proactive compaction (linux-6.1; Linux 5.9, docs/DESIGN.md
 * "Compaction"). The kernel's kcompactd wakes every 500 ms when nothing
 * woke it: pz_kcompactd_tick(pz, nid) is one such timeout of node nid's
 * kcompactd. The host layer's kcompactd threads (pz_host_kcompactd_start)
 * call it every 500 ms; in deterministic mode there is no clock, so the
 * embedder calls it where its simulated time says 500 ms went by
 * (`pagezone run` does every PZ_RUN_KCOMPACTD_TICK_STEPS steps). A tick
 * checks the node's fragmentation score (below) against the high mark
 * 110 - compaction_proactiveness (at most 100; the low mark is
 * 100 - proactiveness, at least 5) unless kswapd is awake, and above it
 * compacts every populated zone of the node (whole, SYNC_LIGHT, skip bits
 * ignored) until each zone's score is at the low mark or kswapd wakes. A
 * pass that did not lower the node's score makes the next 63 ticks do
 * nothing (6.1's 64-fold timeout); a kcompactd pass for a wake-up, or a
 * write of the sysctl, ends that wait. Returns 1 when it compacted, 0
 * when not (proactiveness 0, waiting, kswapd awake, score at or below the
 * high mark), -PZ_EINVAL (bad instance), -PZ_ENODEV (nid),
 * -PZ_EOPNOTSUPP (linux-4.1/4.4: no proactive compaction). Context: any
 * thread, no allocator lock held; may block as the migrate callback does
 * and calls it with no allocator lock held; one caller per node at a time
 * is the kernel's shape (more are safe).
 */
PZ_API int pz_kcompactd_tick(pz_t *pz, int nid);
#define PZ_KCOMPACTD_TICK_MS 500 /* HPAGE_FRAG_CHECK_INTERVAL_MSEC */
/* fragmentation_score_node: each zone's share of free pages in blocks
 * below the pageblock (THP) order, in percent, weighted by the zone's
 * share of the node's present pages; 0..100. Any profile. Returns the
 * score, -PZ_EINVAL or -PZ_ENODEV. Context: any; lock-free, racy. */
PZ_API int pz_fragmentation_score(pz_t *pz, int nid);
/* vm.compaction_proactiveness: 0 (off) .. 100, default 20. A nonzero
 * write wakes every node's kcompactd for a proactive check, as 6.1's
 * sysctl handler does: the platform's wake_kcompactd hook is called for
 * each node, and the next tick checks even while waiting; in
 * deterministic mode the setter runs that tick (pz_kcompactd_tick) for
 * each node itself; with neither, the check waits for the next tick.
 * The setter returns 0, -PZ_EINVAL (bad instance, value > 100),
 * -PZ_EOPNOTSUPP in linux-4.1/4.4 (nothing changed; a warning naming the
 * profile goes to the log sink); the getter the value, -PZ_EINVAL or
 * -PZ_EOPNOTSUPP. Also in struct pz_vm_sysctls. Context: any thread, no
 * allocator lock held; the setter calls the log sink and wake_kcompactd,
 * and in deterministic mode may block as the migrate callback does and
 * calls it with no allocator lock held. */
PZ_API int pz_set_compaction_proactiveness(pz_t *pz, unsigned value);
PZ_API int pz_compaction_proactiveness(const pz_t *pz);

/* ---- The OOM step (oom.c) --------------------------------------------- */

/* modern's name for PZ__GFP_REPEAT: __GFP_RETRY_MAYFAIL (4.13 renamed the
 * bit): a costly request keeps reclaiming and compacting, a small one
 * skips the OOM step; either may fail. linux-4.1 reads it as __GFP_REPEAT. */
#define PZ_GFP_RETRY_MAYFAIL PZ__GFP_REPEAT

/* constrained_alloc: why the request may not use every node with memory. */
enum pz_oom_constraint {
	PZ_OOM_CONSTRAINT_NONE = 0,
	PZ_OOM_CONSTRAINT_CPUSET,	 /* the task's cpuset mems leave nodes out */
	PZ_OOM_CONSTRAINT_MEMORY_POLICY, /* the request's nodemask leaves nodes out */
};

/* What the OOM step tells the handler (the kernel's oom_control). */
struct pz_oom_request {
	pz_gfp_t gfp;		/* the request's mask as the slow path sees it */
	unsigned order;		/* the request's order (at most 3 unless NOFAIL) */
	int preferred_nid;	/* node of the request's preferred zone */
	pz_nodemask_t nodemask; /* nodes the request may use (nodemask & cpuset) */
	enum pz_oom_constraint constraint;
	struct pz_task *task; /* the allocating task (the default task if none) */
	unsigned nr_calls;    /* handler calls of this request, this one included */
	/* linux-6.1: the victims the OOM reaper is done with (MMF_OOM_SKIP),
	 * nr_skip ids, oldest first: the handler must not choose them again
	 * (oom_evaluate_task skips them). NULL and 0 in linux-4.1/4.4. */
	const uintptr_t *skip;
	unsigned nr_skip;
	/* Out, optional: a handler that killed a victim which has not exited
	 * yet (it still holds pages it will free when it exits) stores the
	 * victim's id here (non-zero, the embedder's own name for it) and
	 * returns true. The core sets *pending to 0 before every call, so a
	 * handler that never writes it keeps the meaning above. */
	uintptr_t *pending;
};

/*
 * The OOM handler (out_of_memory's victim selection and kill). It "kills"
 * a victim by freeing that victim's pages with the ordinary free calls,
 * or marks a task PZ_TASK_OOM_VICTIM (that task's next allocations may use
 * the reserves; a victim's own requests give up instead of looping), and
 * returns true; it returns false when it found nothing to kill.
 * What the slow path makes of it:
 *   - true: progress; the request retries. A true with no page freed
 *     during the call and no victim marked is counted as unbacked; after
 *     PZ_OOM_MAX_UNBACKED (16) of those in a row one request treats the
 *     handler as having done nothing. In linux-6.1 this bound only guards
 *     against a handler that lies (names no pending victim either): a
 *     pending victim is ended by the OOM reaper instead.
 *   - true with *req->pending set (killed, not exited): linux-6.1 queues
 *     the victim for the OOM reaper (pz_set_oom_reaper), and until the
 *     reaper is done with it later OOM steps wait for it without calling
 *     the handler (the kernel's "a victim exists" abort); afterwards its
 *     id is in req->skip. A pending id the reaper already skipped is a
 *     kill that freed nothing (unbacked). linux-4.1 and 4.4 have no
 *     reaper: there a pending kill is a plain true.
 *   - false, or no handler: no progress; the request fails (the kernel
 *     panics here), except __GFP_NOFAIL, which waits and loops.
 * It runs holding the OOM lock (other requests reaching the OOM step wait
 * through the wait hook and retry) and no allocator lock. With a task of
 * its own (pz_set_current_task) it runs as PF_MEMALLOC: its own allocations
 * from pz may use the reserves and never recurse into reclaim or OOM. A
 * thread on the default task cannot be told apart from others: a nested
 * allocation of it that reaches the OOM step would wait for the lock its
 * own thread holds, so such a handler must allocate with __GFP_NORETRY or
 * without __GFP_DIRECT_RECLAIM. It may call every Context-any function and
 * pz_free_pages*.
 */
typedef bool (*pz_oom_fn)(void *ctx, pz_t *pz, const struct pz_oom_request *req);

/* Installs the OOM handler (NULL: none, every OOM step finds nothing to
 * kill). Returns 0, or -PZ_EINVAL for a bad instance. Context: any thread;
 * a step already running keeps the handler it read. */
PZ_API int pz_set_oom_handler(pz_t *pz, pz_oom_fn fn, void *ctx);

/*
 * The OOM reaper (linux-6.1; the kernel's oom_reaper thread, 4.6+): frees
 * the pages a killed victim can lose without its help, so that a victim
 * which does not exit cannot hold every later OOM step up. A victim is
 * queued when the handler reports it pending, or when an exiting task
 * chooses itself (task_will_free_mem(current); id = the task's address).
 * The reaper takes the oldest queued victim, calls the reap callback
 * (optional), then marks the victim skipped (MMF_OOM_SKIP): it appears in
 * later requests' skip lists, and an exiting task gets PZ_TASK_OOM_SKIP.
 *
 * The reap callback frees the victim's reapable pages through the ordinary
 * free calls and returns how many it freed (the core counts what really
 * came back), or a negative value when it cannot reap now (the kernel's
 * mmap_lock trylock failure): it is then called again, up to 10 attempts
 * with the wait hook's PZ_WAIT_OOM (100 ms) between them outside
 * deterministic mode, after which the reaper gives up ("oom_reaper: unable
 * to reap"), counts a failure and skips the victim anyway, as the kernel
 * does. A double free inside it fails as pz_free_pages does (-PZ_EFAULT,
 * counted in pz_errors) and costs nothing else. It runs with no allocator
 * lock and not under the OOM lock, with the calling thread's task (if it
 * has one) PF_MEMALLOC; it may free, allocate (reserves, no recursion into reclaim or OOM) and
 * call every Context-any function; a nested pz_oom_reaper_run gets
 * -PZ_EBUSY. Without a callback a victim is only marked skipped.
 *
 * The grace (the kernel's OOM_REAPER_DELAY timer, 2 s): a victim may exit
 * on its own before it is reaped. With the platform's clock (now_ns) and
 * wait hook, outside deterministic mode, it is 2 s of that clock: a
 * victim is "due" 2 s after its queueing, and only due victims are
 * reaped; a request that waits for the victim waits a tick per OOM step.
 * Without a clock or without a wait hook (which promises a run that
 * never stalls: the request would spin for the 2 s), or in deterministic
 * mode (seeded runs repeat exactly), it is one OOM step, and every
 * queued victim is due.
 *
 * Who runs the reaper: pz_oom_reaper_run, called by the embedder's reaper
 * thread after the platform's wake_oom_reaper hook (called at queueing)
 * and again when pz_oom_reaper_due says a victim is due (the host runs it
 * on node 0's kswapd thread, with a timed wait); in deterministic mode, or
 * without that hook, an OOM step (of any request) runs it before taking
 * the OOM lock: the first step at which a victim is due (clock), or the
 * second step after the queueing (no clock). A step that finds a victim
 * still queued 1 s after it was due (clock), or victims still queued
 * PZ_OOM_REAPER_PATIENCE (10) times in a row (no clock), runs it too, so
 * a hook that never delivers cannot livelock a request. linux-4.1 and 4.4
 * never queue: their callbacks are never called.
 *
 * At most PZ_OOM_MAX_VICTIMS (16) victims are queued or being reaped at
 * once. The handler is not asked while one is queued, so it has at most
 * one there; the rest are exiting tasks choosing themselves, one per
 * thread in an OOM step. A victim that does not fit is not queued
 * (counted in PZ_OOM_REAP_OVERFLOW): an exiting task then becomes a victim
 * bounded per request as in linux-4.1 (PZ_OOM_MAX_UNBACKED). Skipped
 * victims are kept while there is room, the oldest forgotten first (a
 * forgotten one leaves the skip list; pz_oom_victim_exited says -ENOENT).
 *
 * pz_set_oom_reaper returns 0 or -PZ_EINVAL (bad instance); a reap already
 * running keeps the callback it read. pz_oom_reaper_run reaps every victim
 * queued and due (at most 16 per call), the newest first as the kernel's
 * oom_reaper pops its list, and returns how many it finished (0: none
 * due), -PZ_EBUSY when another call is reaping, or -PZ_EINVAL.
 * pz_oom_reaper_due sets *ns to the nanoseconds until the next queued
 * victim is due (0: one is due now) and returns 0, -PZ_ENOENT when none
 * is queued, -PZ_EINVAL (bad instance, NULL ns); it calls only the clock.
 * pz_oom_victim_exited tells the core that victim id exited
 * (exit_oom_victim; its pages are back): a queued victim is dropped
 * without a reap, a skipped one is forgotten; returns 0, -PZ_ENOENT (not
 * known, e.g. never queued or already evicted), -PZ_EINVAL (bad instance
 * or id 0). Context: any thread, no allocator lock held; pz_oom_reaper_run
 * calls the reap callback, the log sink and the wait hook, and may block
 * as the callback does.
 */
typedef long (*pz_oom_reap_fn)(void *ctx, pz_t *pz, uintptr_t victim, struct pz_task *task);
PZ_API int pz_set_oom_reaper(pz_t *pz, pz_oom_reap_fn fn, void *ctx);
PZ_API int pz_oom_reaper_run(pz_t *pz);
PZ_API int pz_oom_reaper_due(pz_t *pz, uint64_t *ns);
PZ_API int pz_oom_victim_exited(pz_t *pz, uintptr_t victim);

/* Counters of the OOM step and the reaper (PZ_VM_OOM_KILL counts the
 * kills too). */
enum pz_oom_stat {
	PZ_OOM_STEPS = 0,     /* __alloc_pages_may_oom calls */
	PZ_OOM_LOCK_BUSY,     /* ... that found the OOM lock taken and waited */
	PZ_OOM_LAST_CHANCE,   /* ... served by the HIGH-watermark attempt */
	PZ_OOM_EXCLUDED,      /* ... stopped by an exclusion (order, zone, THISNODE, ...) */
	PZ_OOM_FAKE,	      /* ... that reported progress for !__GFP_FS (no handler) */
	PZ_OOM_CALLS,	      /* handler calls */
	PZ_OOM_NO_VICTIM,     /* ... that returned false (or no handler) */
	PZ_OOM_UNBACKED,      /* ... that returned true but freed nothing, marked no victim */
	PZ_OOM_REAP_QUEUED,   /* victims queued for the reaper (linux-6.1) */
	PZ_OOM_VICTIM_WAIT,   /* OOM steps that waited for a queued victim, no handler call */
	PZ_OOM_REAPED,	      /* victims the reaper finished (its callback returned >= 0) */
	PZ_OOM_REAP_FAILED,   /* victims it gave up on after 10 failed attempts */
	PZ_OOM_REAP_PAGES,    /* pages that came back during reap callbacks */
	PZ_OOM_REAP_DIRECT,   /* reaper runs by an OOM step that lost patience with the hook */
	PZ_OOM_REAP_OVERFLOW, /* victims not queued: 16 were queued or being reaped */
	PZ_OOM_NR_STATS,
};

/* Copies the first n (<= PZ_OOM_NR_STATS) counters. Returns 0 or
 * -PZ_EINVAL. Context: any; lock-free. */
PZ_API int pz_oom_stats(const pz_t *pz, uint64_t *out, size_t n);

/* ---------------------------------------------------------------------- */
/* Host layer (POSIX). Part of libpagezone but not of the freestanding     */
/* core: it uses pthreads, mmap, malloc and (when present) libnuma.        */

/*
 * A platform for POSIX threads: cpu = sched_getcpu() (or a per-thread
 * number given by pz_host_set_cpu), relax = sched_yield after spinning, log
 * to stderr with a "pagezone: " prefix, no trace sink, wait = nanosleep,
 * wake_kswapd = wake the instance's kswapd thread, wake_oom_reaper = wake
 * node 0's kswapd thread to reap, wake_kcompactd = make the node's
 * kcompactd timer thread tick now, now_ns = CLOCK_MONOTONIC. The returned
 * struct is static; copy it and change fields freely, with one rule: its
 * three wake hooks read ctx as the slot pz_host_create gives it, so a copy
 * whose ctx is changed loses those hooks (pz_host_create drops them; with
 * pz_init set them to NULL or your own). Context: any.
 */
PZ_API const struct pz_platform *pz_host_platform(void);
/* Pins the calling thread's idea of its CPU (cpu >= 0), or back to
 * sched_getcpu() (cpu < 0). Context: any. */
PZ_API void pz_host_set_cpu(int cpu);

#define PZ_HOST_MAX_ZONE_NAMES 8
/*
 * A machine description that owns its arrays (heap memory).
 * pz_host_machine_free releases it. Context: any.
 */
struct pz_host_machine {
	struct pz_machine machine;
	struct pz_node_desc nodes[PZ_MAX_NODES];
	struct pz_zone_desc zones[PZ_MAX_NODES][PZ_NR_ZONE_TYPES];
	uint8_t distance[PZ_MAX_NODES * PZ_MAX_NODES];
	struct pz_range *ranges; /* every present/reserved range, owned */
	size_t nr_ranges;
	char source[64]; /* "zoneinfo", "default", ... */
	/* a zoneinfo clone: the zones of its first node in the order printed
	 * (enum pz_zone_type; -1 Device, -2 a name pagezone does not know), the
	 * order of the kernel's lowmem_reserve_ratio columns */
	int8_t zone_names[PZ_HOST_MAX_ZONE_NAMES];
	unsigned nr_zone_names;
};

/*
 * Builds a machine from the text of a Linux /proc/zoneinfo: one node per
 * "Node N" seen, each populated zone with start_pfn, spanned, present and
 * managed pages (spanned - present becomes a hole at the end of the span,
 * present - managed a reserved range at its start). nr_cpus 0 = count the
 * "cpu:" entries of the first pageset. Returns 0, -PZ_EINVAL for text it
 * cannot parse (with the line number through *err_line when not NULL),
 * -PZ_ENOMEM when memory runs out (*err_line 0); *out is NULL and nothing
 * is left allocated on error. Context: any.
 */
PZ_API int pz_host_machine_from_zoneinfo(const char *text, size_t len, unsigned nr_cpus,
					 struct pz_host_machine **out, unsigned *err_line);
/* Reads /proc/zoneinfo (or path) and parses it. Returns 0, -PZ_ENODEV if
 * the file cannot be opened or read, -PZ_ENOMEM when memory runs out,
 * -PZ_EINVAL for text it cannot parse or a file over 256 MiB; *out is NULL
 * and nothing is left allocated on error. Context: any. */
PZ_API int pz_host_machine_from_file(const char *path, unsigned nr_cpus,
				     struct pz_host_machine **out);
/* The built-in default machine: one node spanning 4 GiB + 64 MiB, about
 * 3 GiB + 64 MiB present: DMA [1, 4096) with the hole [0xa0, 0x100), DMA32
 * [4096, 1048576) present up to 0xbffe0 (the PCI hole), Normal
 * [1048576, 1064960). nr_cpus 0 = the online CPUs. Returns 0, -PZ_EINVAL for
 * nr_cpus > PZ_MAX_CPUS or NULL out, -PZ_ENOMEM (then *out is NULL). */
PZ_API int pz_host_machine_default(unsigned nr_cpus, struct pz_host_machine **out);
/* Frees a machine from the functions above; NULL is ignored. Context: any. */
PZ_API void pz_host_machine_free(struct pz_host_machine *m);

/*
 * A machine's vm sysctls, to clone its tunables with its zones: the
 * watermarks, reserves and per-CPU sizes are then computed from the
 * clone's managed pages and these values, as the kernel computes them
 * (never copied from a zoneinfo's min/low/high lines).
 */
enum pz_host_sysctl {
	PZ_HOST_MIN_FREE_KBYTES,
	PZ_HOST_WATERMARK_SCALE_FACTOR,
	PZ_HOST_WATERMARK_BOOST_FACTOR,
	PZ_HOST_PERCPU_PAGELIST_FRACTION, /* either name: _high_fraction (5.14+) or _fraction */
	PZ_HOST_LOWMEM_RESERVE_RATIO,
	PZ_HOST_COMPACTION_PROACTIVENESS, /* linux-6.1 only (5.9) */
	PZ_HOST_NR_SYSCTLS,
};
struct pz_host_sysctls {
	unsigned line[PZ_HOST_NR_SYSCTLS];	/* 1-based line it was read from; 0 = absent */
	unsigned value[PZ_HOST_NR_SYSCTLS];	/* the scalar ones */
	unsigned ratio[PZ_HOST_MAX_ZONE_NAMES]; /* lowmem_reserve_ratio, as printed */
	unsigned nr_ratio;
};
/*
 * Parses sysctl text: "name: value" lines (as `grep . /proc/sys/vm/...`
 * or a snapshot prints them) and "vm.name = value" lines (sysctl -a),
 * mixed freely. Names other than the six above (and other prefixes than
 * "vm.") are ignored, as are blank lines and lines starting with '#'. A
 * known name whose value is not decimal numbers (one, or up to
 * PZ_HOST_MAX_ZONE_NAMES for lowmem_reserve_ratio) below 2^31 is refused.
 * Returns 0, or -PZ_EINVAL with the line through *err_line (when not NULL).
 * Context: any.
 */
PZ_API int pz_host_sysctls_parse(const char *text, size_t len, struct pz_host_sysctls *out,
				 unsigned *err_line);
/* Reads the six from dir (NULL = "/proc/sys/vm"), one file each; a file
 * that is missing is left absent. Returns 0, -PZ_ENODEV when none could be
 * read, -PZ_EINVAL for a value that does not parse. Context: any. */
PZ_API int pz_host_sysctls_read_dir(const char *dir, struct pz_host_sysctls *out);
/*
 * Writes the sysctls given in s into pz with the pz_set_* setters (so each
 * recomputes what the kernel's handler does). lowmem_reserve_ratio's
 * columns are mapped to zone types by m->zone_names (the zoneinfo clone
 * the instance was built from). Returns 0, or -PZ_EINVAL with *bad set to
 * the enum pz_host_sysctl the instance refused (a value out of the
 * kernel's range, or ratio columns that do not match m's zones), or
 * -PZ_EOPNOTSUPP with *bad = PZ_HOST_COMPACTION_PROACTIVENESS when s has
 * that sysctl and the profile is linux-4.1/4.4 (applied last, so the
 * others are in force).
 * Context: as the setters.
 */
PZ_API int pz_host_sysctls_apply(pz_t *pz, const struct pz_host_sysctls *s,
				 const struct pz_host_machine *m, enum pz_host_sysctl *bad);

/*
 * Memory a machine freed after it set its watermarks (6.1: khugepaged's
 * start, a subsys initcall), which its zoneinfo counts in managed while
 * its watermarks and per-CPU sizes do not: the initrd ("Freeing initrd
 * memory: NK", placed by dmesg's RAMDISK line) and the unused kernel image
 * ("Freeing unused ... memory: NK", placed by iomem's "Kernel code" line).
 * "Freeing SMP alternatives memory" (start_kernel's) is not counted. Pages
 * are 4 KiB.
 */
struct pz_host_late_free {
	uint64_t pages[PZ_MAX_NODES][PZ_NR_ZONE_TYPES]; /* late pages by node and zone */
	uint64_t initrd_pages, kernel_pages;		/* the two totals */
	unsigned nr_lines;				/* "Freeing" lines counted */
	/* on -PZ_EINVAL: "dmesg", "iomem" or "arguments", the 1-based line
	 * (0: the text as a whole) and what is wrong */
	const char *err_text;
	unsigned err_line;
	char err_msg[128];
};
/*
 * Parses a dmesg text and an iomem text (NULL when not at hand) into the
 * late-freed pages of each zone of m (the zone whose span holds the
 * range). Lines that are neither RAMDISK nor "Freeing initrd/unused" lines
 * are ignored. Returns 0, or -PZ_EINVAL with out->err_* set: a malformed
 * RAMDISK, "Freeing" or "Kernel code" line, a size not a multiple of 4K,
 * iomem addresses all zero (read without root), an initrd free without a
 * RAMDISK line, an image free without iomem's "Kernel code" line, a range
 * not inside one zone of m. Context: any.
 */
PZ_API int pz_host_late_free_parse(const char *dmesg, size_t dmesg_len, const char *iomem,
				   size_t iomem_len, const struct pz_host_machine *m,
				   struct pz_host_late_free *out);
/*
 * Before the instance is created: takes lf's pages out of m's managed
 * memory, at the end of each zone's reserved range (a zoneinfo clone puts
 * it at the start of the zone's present memory). Returns 0, -PZ_EINVAL (a
 * zone has no room: its present memory is smaller, it has several reserved
 * ranges or CMA in the way; m is unchanged), -PZ_ENOMEM. Context: any.
 */
PZ_API int pz_host_late_free_hold(struct pz_host_machine *m, const struct pz_host_late_free *lf);
/*
 * After pz was created from m (held) and the sysctls were written with
 * pz_host_sysctls_apply: frees the held pages with pz_free_reserved_pages
 * (managed grows; watermarks and per-CPU sizes stay, as in the kernel),
 * then writes lowmem_reserve_ratio again
 * with its current values, so the reserves come from the final managed
 * counts (as a ratio write after boot leaves them). Together the three
 * calls reproduce a 6.1 machine's zoneinfo exactly (docs/DESIGN.md,
 * "Watermarks and tunables"). m stays held: each instance built from it is
 * released in turn. Returns 0, -PZ_EINVAL (NULL arguments, m was not held
 * with lf), or pz_free_reserved_pages' error (-PZ_EFAULT: pz was released
 * already). Context: not concurrently with any other call on pz.
 */
PZ_API int pz_host_late_free_release(pz_t *pz, const struct pz_host_machine *m,
				     const struct pz_host_late_free *lf);

/*
 * Real backing memory for a machine: one anonymous mapping covering every
 * zone's span (holes are reserved address space only, never committed),
 * optionally with transparent or explicit hugepages and each node's range
 * bound to a real NUMA node with libnuma when present.
 */
#define PZ_HOST_BACKING_HUGEPAGES 0x1u /* MAP_HUGETLB, falling back to THP advice */
#define PZ_HOST_BACKING_NUMA_BIND 0x2u /* bind node n to real node n % real nodes */
struct pz_host_backing {
	void *base;	   /* address of base_pfn */
	uint64_t base_pfn; /* lowest covered pfn */
	uint64_t nr_pages;
	size_t length;
	unsigned flags_applied; /* which of the requested flags took effect */
};
/*
 * Returns 0, -PZ_EINVAL for a machine it cannot map (no zones, bad spans or
 * ranges, unknown flags), -PZ_ENOMEM when reserving the address space or
 * making present memory accessible fails (mmap, mprotect); then nothing
 * stays mapped and *out is zeroed. The hugepage and NUMA steps are
 * optional: when they fail (no hugepage pool, madvise or mbind refused)
 * the call still succeeds without the flag in flags_applied.
 * pz_host_backing_destroy unmaps everything (NULL or zeroed: no-op).
 * Context: any.
 */
PZ_API int pz_host_backing_create(const struct pz_machine *m, unsigned flags,
				  struct pz_host_backing *out);
PZ_API void pz_host_backing_destroy(struct pz_host_backing *b);

/*
 * Convenience: metadata from mmap, then pz_init. pz_host_destroy runs
 * pz_destroy (with its leak line) and unmaps the metadata, so the handle
 * is dangling afterwards: any later call with it, a second
 * pz_host_destroy included, reads unmapped memory (typically SIGSEGV), not
 * -PZ_EINVAL as after pz_destroy alone. Drop the pointer. pz_host_destroy
 * ignores NULL and handles not made by pz_host_create.
 * Returns 0, -PZ_ENOMEM when the metadata cannot be mapped, or what
 * pz_metadata_size / pz_init return; on error *out is NULL and nothing
 * stays mapped. Context: single-threaded.
 */
PZ_API int pz_host_create(const struct pz_config *cfg, pz_t **out);
PZ_API void pz_host_destroy(pz_t *pz);

/*
 * Background reclaim on threads: one kswapd thread per node for an
 * instance made by pz_host_create with pz_host_platform() (whose
 * wake_kswapd hook then reaches these threads and whose wait hook sleeps,
 * kswapd's nap being cut short by a wake-up of its node). Each thread runs
 * with its own task (PZ_TASK_MEMALLOC), does one round at start, then
 * sleeps until woken and runs pz_kswapd_run until kswapd sleeps. Node 0's
 * thread is also the OOM reaper (linux-6.1): the platform's
 * wake_oom_reaper hook makes it run pz_oom_reaper_run, between rounds or
 * during a nap; without started threads the OOM steps reap themselves
 * after PZ_OOM_REAPER_PATIENCE steps (see pz_oom_reaper_run). Start
 * returns 0 (also when running), -PZ_EINVAL for another kind of instance,
 * -PZ_ENOMEM when memory or a thread cannot be had. Stop joins the threads
 * (pz_host_destroy stops them too) and returns 0 or -PZ_EINVAL; they may
 * be started again. Context: not from a pagezone callback; not
 * concurrently with each other or pz_host_destroy. Unused in
 * deterministic mode (nothing wakes them).
 */
PZ_API int pz_host_kswapd_start(pz_t *pz);
PZ_API int pz_host_kswapd_stop(pz_t *pz);

/*
 * kcompactd's timer on threads (linux-6.1): one thread per node for an
 * instance made by pz_host_create with pz_host_platform(), with its own
 * task, that calls pz_kcompactd_tick every PZ_KCOMPACTD_TICK_MS as the
 * kernel's kcompactd wakes when its wait times out (proactive
 * compaction), and at once after a nonzero write of
 * compaction_proactiveness (the wake_kcompactd hook; the next
 * PZ_KCOMPACTD_TICK_MS count from that tick). kcompactd's passes for wake-ups stay as
 * pz_set_kcompactd_mode says. Start returns 0 (also when running),
 * -PZ_EINVAL for another kind of instance, -PZ_EOPNOTSUPP in linux-4.1/4.4
 * (no proactive compaction), -PZ_ENOMEM. Stop joins the threads
 * (pz_host_destroy does too) and returns 0 or -PZ_EINVAL. Context: not
 * from a pagezone callback; not concurrently with each other, the kswapd
 * pair or pz_host_destroy.
 */
PZ_API int pz_host_kcompactd_start(pz_t *pz);
PZ_API int pz_host_kcompactd_stop(pz_t *pz);

#ifdef __cplusplus
}
#endif

#endif /* PAGEZONE_H */
