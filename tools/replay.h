/*
 * replay.h - the free-running replay of a kernel trace (replay.c) and its
 * report (replay_report.c). pagezone makes its own choices; each kernel
 * pfn the trace allocates is mapped to the block pagezone handed out, so
 * the kernel's later free of that pfn frees the right block here.
 */
#ifndef PAGEZONE_TOOL_REPLAY_H
#define PAGEZONE_TOOL_REPLAY_H

#include "trace.h"

#define RP_MAX_PHASES	 64
#define RP_PHASE_NAMELEN 48

/* Per kernel pfn (st[]): who holds it in the replay. */
#define RP_ST_NONE   0x00u /* not allocated in the trace */
#define RP_ST_HEAD   0x40u /* head of a block; low 5 bits: its order */
#define RP_ST_TAIL   0x80u /* inside a block whose head is below */
#define RP_ST_FAILED 0x20u /* with HEAD/TAIL: the allocation failed here */
#define RP_ST_COMP   0x10u /* with HEAD: a compound block (cannot be split) */
#define RP_ORDER(s)  ((s)&0x0fu)

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
	uint64_t start_kernel_free, start_not_managed, start_free_here;
	double seconds, cpu_seconds; /* wall clock and process CPU time of the loop */
};

struct replay {
	pz_t *pz;
	struct trace_reader *rd;
	uint64_t npfn; /* pfns [0, npfn) are tracked */
	uint32_t *map; /* kernel pfn -> pagezone pfn + 1 (0: none) */
	uint8_t *st;   /* kernel pfn -> RP_ST_* */
	uint8_t *pre;  /* pagezone pfn -> held since before the trace */
	unsigned nr_cpus;
	struct rp_stats s;
	struct rp_phase phases[RP_MAX_PHASES];
	unsigned nr_phases;
	unsigned phase;	       /* the current one */
	struct series *series; /* --every / --series / --plot (replay_pictures.c) */
	FILE *map_svg;	       /* --map-svg */
};

/* ---- replay.c ---- */
/* Sets up the tracking for instance pz; returns 0 or -1 (out of memory). */
int rp_init(struct replay *rp, pz_t *pz, struct trace_reader *rd);
void rp_fini(struct replay *rp);
/* Brings pagezone to the kernel's free set at the first event: takes every
 * page, then frees those in initial_free_blocks.csv (NULL: all). Returns 0
 * or -1 (printed). */
int rp_start_state(struct replay *rp, const char *initial_free_csv);
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

/* ---- replay_pictures.c (pictures.h has the options) ---- */
struct pic_opts;
/* Opens the series (with the replay's columns) and the SVG file; call it
 * after the start state. Returns 0 or -1 (printed). */
int rp_pics_start(struct replay *rp, const struct pic_opts *o, enum pz_profile profile);
/* The last row, the plot, the map (letters to text when --map and text is
 * not NULL); after a failure (ok 0) removes the files. Returns 0 or -1. */
int rp_pics_end(struct replay *rp, const struct pic_opts *o, enum pz_profile profile, int ok,
		FILE *text);

/* ---- replay_report.c ---- */
struct rp_files {
	const char *trace, *zoneinfo, *initial_free, *zones_csv, *buddyinfo_end;
	const char *machine; /* where the machine came from */
};
void rp_report_text(struct replay *rp, const struct rp_files *f, FILE *out);
int rp_report_json(struct replay *rp, const struct rp_files *f, FILE *out);

#endif /* PAGEZONE_TOOL_REPLAY_H */
