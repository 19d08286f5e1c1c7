/*
 * replay.h - the free-running replay of a kernel trace (replay.c) and its
 * report (replay_report.c). pagezone makes its own choices; each kernel
 * pfn the trace allocates is mapped to the block pagezone handed out, so
 * the kernel's later free of that pfn frees the right block here.
 */
#ifndef PAGEZONE_TOOL_REPLAY_H
#define PAGEZONE_TOOL_REPLAY_H

#include "trace.h"

struct json_object;

#define RP_MAX_PHASES	 64
#define RP_PHASE_NAMELEN 48

/* Per kernel pfn (st[]): who holds it in the replay. */
#define RP_ST_NONE   0x00u /* not allocated in the trace */
#define RP_ST_HEAD   0x40u /* head of a block; low 5 bits: its order */
#define RP_ST_TAIL   0x80u /* inside a block whose head is below */
#define RP_ST_FAILED 0x20u /* with HEAD/TAIL: the allocation failed here */
#define RP_ST_COMP   0x10u /* with HEAD: a compound block (cannot be split) */
#define RP_ORDER(s)  ((s)&0x0fu)

/* pre[] (pagezone pfn): held since before the trace, or (lockstep) taken
 * by the kernel's bulk allocator with no event (replay_lockstep.c). */
#define RP_PRE_TRACE 1u
#define RP_PRE_BULK  2u

/* vmalloc's gfp (vmap_page events): GFP_KERNEL | __GFP_HIGHMEM */
#define RP_VMAP_GFP (PZ_GFP_KERNEL | PZ__GFP_HIGHMEM | PZ__GFP_NOWARN)

struct rp_phase {
	char name[RP_PHASE_NAMELEN];
	uint64_t allocs, high_tried, high_ok_kernel, high_ok_here;
};

/* What the replay counts. */
struct rp_stats {
	uint64_t events, allocs, frees;
	uint64_t failed_here_ok_there, ok_here_failed_there, failed_both;
	uint64_t kernel_kind[TR_NR_KINDS];	     /* events of each kind in the trace */
	uint64_t here_kind[PZ_TRACE_NR_KINDS];	     /* pagezone's own tracepoints */
	uint64_t gfp_mt_mismatch, gfp_mt_first_line; /* parsed gfp vs printed migratetype */
	uint64_t pages_entering;		     /* frees of pre-trace pages (rule 6) */
	uint64_t migrated; /* free-running: pages pagezone's own compaction moved */
	uint64_t start_kernel_free, start_not_managed, start_free_here;
	uint64_t start_free_taken;   /* ... and pages the trace first takes from the buddy */
	uint64_t blocks_labelled;    /* pageblocks labelled from the trace before the start */
	uint64_t blocks_uninit;	     /* ... of them UNMOVABLE as deferred init left them */
	int kernel_knobs;	     /* zones whose watermarks and pcp sizes are the kernel's */
	int validate;		     /* pz_validate at the end: problems found */
	double seconds, cpu_seconds; /* wall clock and process CPU time of the loop */
};

/* Lockstep agreement over n scored allocations (replay_lockstep.c). */
struct rp_agree {
	uint64_t n, zone, mt, pfn;
	uint64_t refill_cases, refill_same; /* either side refilled; same block count */
};

#define RP_MAX_CPUS	   64
#define RP_NR_ROWS	   5 /* order 0, 1-3, 4-8, >= 9, vmap */
#define RP_NR_SRC	   8 /* enum pz_probe_source, then: */
#define RP_SRC_SLOW	   6 /* pz_alloc_probe_slowpath's choice */
#define RP_SRC_INTERLEAVED 7 /* other CPUs' events between a refill and its alloc */
#define RP_NR_WHERE	   4 /* where the kernel's block was here: used, buddy, pcp, unmanaged */
#define RP_LABELQ	   256
#define RP_STALE_MAX	   8192
#define RP_FREEQ	   512 /* order-0 frees whose commit is not placed yet */
#define RP_NR_PINDEX	   14  /* 6.1.192's per-CPU lists: 12 of orders 0-3, 2 THP */
#define RP_FF_MAX	   5   /* CONFIG_PCP_BATCH_SCALE_MAX */

/* x86-64: a 128 MiB memory section of 4 KiB pages */
#define RP_SECTION_PAGES 32768u

/* Why a per-CPU prediction missed (replay_lscause.c). */
enum rp_cause {
	RP_CAUSE_BEHIND = 0,
	RP_CAUSE_OTHER_TYPE,
	RP_CAUSE_OTHER_CPU,
	RP_CAUSE_KERNEL_REFILLED,
	RP_CAUSE_BUDDY_NO_REFILL,
	RP_CAUSE_REFILL_LIST_ORDER,
	RP_CAUSE_REFILL_OTHER_BLOCK,
	RP_CAUSE_REFILL_ON_PCP,
	RP_CAUSE_IN_USE,
	RP_CAUSE_ZONE,
	RP_NR_CAUSES
};

struct rp_block {
	uint64_t pfn;
	int8_t mt, order;
};

/* An order-0 free prepared (mm_page_free) but not yet committed to its
 * list: free_unref_page_list traces a whole batch before committing any. */
struct rp_freeq {
	uint64_t pfn;
	int8_t zt;
};

/* The prediction of the last commit of a CPU (replay_lspcp.c). */
struct rp_pend {
	bool on;	    /* a commit awaits its drains */
	bool sized;	    /* size[] holds the drain for each free_factor */
	bool batched;	    /* committed at its mm_page_free_batched */
	int8_t zt;	    /* its zone */
	uint8_t order;	    /* its order */
	uint8_t ff0;	    /* free_factor before the commit */
	unsigned count;	    /* the list count after it, as modelled */
	unsigned predicted; /* pages the model drains */
	uint32_t size[RP_FF_MAX + 1];
};

struct rp_lockstep {
	struct rp_agree row[RP_NR_ROWS];
	struct rp_agree phase[RP_MAX_PHASES];
	uint64_t cat[RP_NR_SRC][RP_NR_WHERE];	  /* pfn disagreements: probe source x where */
	uint64_t cause[RP_NR_CAUSES][RP_NR_ROWS]; /* per-CPU ones by cause and event kind */
	uint64_t forced_busy, relabelled, refill_moved, refill_missing, drain_moved, drain_missing;
	uint64_t kernel_failed, kernel_failed_probe_ok, stale_dropped, stale_held, stale_released;
	uint64_t boost_fallbacks, boosted; /* kernel fallbacks below a pageblock; boosts raised */
	uint64_t win_n, win_zone, win_pfn; /* totals at the last series row */
	uint64_t stale[RP_STALE_MAX];
	uint64_t drain_cases, drain_same, drain_here_only, drain_kernel_only, drain_unattached;
	uint32_t k_refill[RP_MAX_CPUS], k_drain[RP_MAX_CPUS];
	uint8_t free_factor[RP_MAX_CPUS][PZ_NR_ZONE_TYPES]; /* 6.1's, for the prediction */
	bool after_extfrag[RP_MAX_CPUS];
	uint64_t own[RP_MAX_CPUS];	/* events of each CPU so far */
	uint64_t open_seq[RP_MAX_CPUS]; /* events when its allocation's first refill came */
	uint64_t open_own[RP_MAX_CPUS]; /* its own events then */
	/* replay_lspcp.c: commits placed as the kernel makes them, the factor
	 * followed from the kernel's drains, the boot-time per-CPU sizes */
	struct rp_pend pend[RP_MAX_CPUS];
	struct rp_freeq fq[RP_MAX_CPUS][RP_FREEQ];
	unsigned nfq[RP_MAX_CPUS];
	unsigned qh[RP_MAX_CPUS];    /* fq[cpu][qh..nfq) are still queued */
	bool in_batch[RP_MAX_CPUS];  /* the CPU is in a batch's commit loop */
	bool drain_run[RP_MAX_CPUS]; /* its last event was a pcpu_drain */
	unsigned fhigh[PZ_NR_ZONE_TYPES], fbatch[PZ_NR_ZONE_TYPES]; /* recorded */
	unsigned sbatch[PZ_NR_ZONE_TYPES];   /* setup_per_cpu_pageset's batch */
	uint64_t wmark[PZ_NR_ZONE_TYPES][3]; /* recorded min, low, high (node 0's) */
	int stage;	      /* -1 unknown, 0 boot_pageset, 1 setup, 2 the recorded sizes */
	uint64_t stage_at[3]; /* allocations scored when each stage began */
	uint64_t commits_batched, ff_resynced, tail_stale, head_stale;
	/* 6.1's ZONE_RECLAIM_ACTIVE (kswapd balancing) as the drains show it */
	bool reclaim_active[PZ_NR_ZONE_TYPES];
	uint64_t ra_set, ra_cleared;
	uint64_t vmap_unrecorded; /* list heads held as a vmalloc's pages past the 32 recorded */
	uint64_t vmap_returned;	  /* ... given back: the list ran out first (ls_vmap_overrun) */
	uint64_t vmap_back[RP_LABELQ];
	bool refill_open[RP_MAX_CPUS]; /* a refill longer than rq[] is being applied */
	unsigned nq[RP_MAX_CPUS], nrq[RP_MAX_CPUS];
	struct rp_block q[RP_MAX_CPUS][RP_LABELQ];  /* labels to apply after the probe */
	struct rp_block rq[RP_MAX_CPUS][RP_LABELQ]; /* refill blocks likewise */
};

/* --computed-watermarks: one zone's min, low, high, pcp high and batch,
 * pagezone's and zones.csv's start row (replay_setup.c). */
#define RP_MAX_WM_ZONES 16
struct rp_wmark_row {
	int nid, type;
	uint64_t here[5], kernel[5];
};

struct replay {
	pz_t *pz;
	struct trace_reader *rd;
	uint64_t npfn;	     /* pfns [0, npfn) are tracked */
	uint32_t *map;	     /* kernel pfn -> pagezone pfn + 1 (0: none) */
	uint32_t *rmap;	     /* free-running: pagezone pfn -> kernel pfn + 1 (0: none) */
	uint8_t *st;	     /* kernel pfn -> RP_ST_* */
	uint8_t *pre;	     /* pagezone pfn -> held since before the trace */
	uint8_t *first_take; /* pfn -> the label pass's marks, until rp_free_taken */
	unsigned nr_cpus;
	struct rp_stats s;
	struct rp_phase phases[RP_MAX_PHASES];
	unsigned nr_phases;
	unsigned phase;		/* the current one */
	struct series *series;	/* --every / --series / --plot (replay_pictures.c) */
	FILE *map_svg;		/* --map-svg */
	struct rp_lockstep *ls; /* NULL: free-running */
	struct rp_wmark_row wm[RP_MAX_WM_ZONES];
	int nr_wm; /* rows of wm[]; 0 unless --computed-watermarks with zones.csv */
};

/* ---- replay.c ---- */
/* Sets up the tracking for instance pz; returns 0 or -1 (out of memory). */
int rp_init(struct replay *rp, pz_t *pz, struct trace_reader *rd);
void rp_fini(struct replay *rp);
/* Free-running: pagezone's own compaction may move the blocks it mapped
 * (rp_migrate follows them in the map). Returns 0 or -1 (out of memory). */
int rp_compaction_on(struct replay *rp);
/* Brings pagezone to the kernel's free set at the first event: takes every
 * page, labels the pageblocks from labels_trace (NULL: not), then frees
 * those in initial_free_blocks.csv (NULL: all). Returns 0 or -1 (printed). */
int rp_start_state(struct replay *rp, const char *initial_free_csv, const char *labels_trace);
/* Counts an event the replay cannot follow under cause (not "unparsed"). */
void rp_skip_cause(struct replay *rp, const char *cause, uint64_t line);
/* Replays one event (replay_events.c). */
void rp_event(struct replay *rp, const struct tr_event *ev);
/* The trace sink that counts pagezone's own tracepoints (ctx: replay). */
void rp_trace_sink(void *ctx, const struct pz_trace_event *ev);

/* ---- replay_machine.c ---- */
/* The machine of trace folder dir placed exactly (zones.csv, dmesg,
 * kpageflags.start). Returns 0, 1 when the folder lacks those files, or
 * -1 (printed). */
int replay_exact_machine(const char *dir, unsigned nr_cpus, struct tool_machine *out);
/* The boot log's late pages (m->late, parsed against the zoneinfo clone)
 * held back in exact machine m: each zone's count made reserved in one run
 * of its managed pages, so that the instance computes its marks from the
 * managed counts the kernel had then. Returns 0 or -1 (printed). */
int replay_exact_hold(struct tool_machine *m);
/* After creation: frees the held runs into pz (pz_free_reserved_pages) and
 * recomputes the reserves, as pz_host_late_free_release does for a clone.
 * Returns 0 or -1 (printed). */
int replay_exact_release(pz_t *pz, const struct tool_machine *m);

/* ---- replay_pictures.c (pictures.h has the options) ---- */
struct pic_opts;
/* Opens the series (with the replay's columns) and the SVG file; call it
 * after the start state. Returns 0 or -1 (printed). */
int rp_pics_start(struct replay *rp, const struct pic_opts *o, enum pz_profile profile);
/* The last row, the plot, the map (letters to text when --map and text is
 * not NULL); after a failure (ok 0) removes the files. Returns 0 or -1. */
int rp_pics_end(struct replay *rp, const struct pic_opts *o, enum pz_profile profile, int ok,
		FILE *text);

/* ---- replay_setup.c ---- */
/* The kernel's watermarks and pcp sizes from zones.csv, the boost from
 * zoneinfo (NULL: none); returns the zones set, or -1 (printed). */
int rp_kernel_knobs(pz_t *pz, const char *zones_csv, const char *zoneinfo);
/* Labels pageblocks with the first type the trace shows; 0 or -1. */
int rp_pageblock_labels(struct replay *rp, const char *trace);
/* Frees the pages whose first event takes them from the buddy lists and
 * that the start state holds (after the start's free set is freed). */
void rp_free_taken(struct replay *rp);
/* --computed-watermarks: pagezone's marks and pcp sizes beside zones.csv's
 * start rows into rp->wm (nothing when the file is missing). */
void rp_wmark_compare(struct replay *rp, const char *zones_csv);
/* Its text lines and JSON array (NULL when there are no rows). */
void rp_text_wmarks(const struct replay *rp, FILE *out);
struct json_object *rp_json_wmarks(const struct replay *rp);

/* ---- replay_lockstep.c ---- */
pz_page_t *ls_alloc(struct replay *rp, unsigned cpu, pz_gfp_t gfp, unsigned order, int64_t k,
		    bool vmap);
pz_page_t *ls_isolate(struct replay *rp, unsigned cpu, uint64_t k, unsigned order);
/* After a vmap event whose recorded pages all came from the bulk
 * allocator: rest more were mapped; last is the last recorded pfn. */
void ls_vmap_end(struct replay *rp, unsigned cpu, uint64_t last, uint64_t rest);
void ls_kernel_event(struct replay *rp, const struct tr_event *ev);
int ls_init(struct replay *rp);
void ls_free_begin(struct replay *rp, unsigned cpu, int64_t pfn, unsigned order);
void ls_finish(struct replay *rp);
/* ---- replay_lspcp.c (the per-CPU count model of lockstep) ---- */
void lp_free(struct replay *rp, unsigned cpu, int64_t pfn, unsigned order);
void lp_free_done(struct replay *rp, unsigned cpu, int64_t pfn, unsigned order);
void lp_free_batched(struct replay *rp, unsigned cpu, int64_t pfn);
void lp_before_drain(struct replay *rp, unsigned cpu);
void lp_place(struct replay *rp, unsigned cpu);
void lp_settle(struct replay *rp, unsigned cpu);
void lp_refill_seen(struct replay *rp, int zt, unsigned order, unsigned blocks);
void lp_init(struct replay *rp);
const char *rp_src_name(unsigned i);
/* ---- replay_lscause.c ---- */
/* The cause of a miss whose probe c went to cpu's per-CPU list, for the
 * kernel's block k (where: as rp_where; krefill: the kernel refilled). */
unsigned ls_cause(struct replay *rp, unsigned cpu, const struct pz_alloc_choice *c, uint64_t k,
		  unsigned order, unsigned where, bool krefill);
const char *rp_cause_name(unsigned i);
const char *rp_where_name(unsigned i);
const char *rp_row_name(unsigned i);

/* ---- replay_report.c ---- */
struct rp_files {
	const char *trace, *zoneinfo, *initial_free, *zones_csv, *buddyinfo_end;
	const char *pagetypeinfo_end;
	const char *machine;  /* where the machine came from */
	const char *boot_log; /* the "boot log:" line ("" when none is used) */
};
/* ---- replay_lsreport.c ---- */
void rp_text_lockstep(const struct replay *rp, FILE *out);
struct json_object *rp_json_lockstep(const struct replay *rp);

void rp_report_text(struct replay *rp, const struct rp_files *f, FILE *out);
int rp_report_json(struct replay *rp, const struct rp_files *f, FILE *out);

#endif /* PAGEZONE_TOOL_REPLAY_H */
