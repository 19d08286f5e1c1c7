/*
 * trace.h - the kernel trace reader of `pagezone replay`: events of the
 * raw ftrace text (/sys/kernel/tracing/trace, trace-cmd report) and of the
 * CSV form described in the traces' README, plain or gzip, streamed a
 * buffer at a time. Lines it does not replay are counted by cause with
 * their first line numbers; lines it cannot read are "unparsed".
 */
#ifndef PAGEZONE_TOOL_TRACE_H
#define PAGEZONE_TOOL_TRACE_H

#include "tool.h"

#include <stdbool.h>
#include <stddef.h>

enum tr_kind {
	TR_ALLOC = 0,	 /* mm_page_alloc */
	TR_FREE,	 /* mm_page_free */
	TR_FREE_BATCHED, /* mm_page_free_batched */
	TR_ZONE_LOCKED,	 /* mm_page_alloc_zone_locked */
	TR_PCPU_DRAIN,	 /* mm_page_pcpu_drain */
	TR_EXTFRAG,	 /* mm_page_alloc_extfrag */
	TR_ISOLATE,	 /* kprobe isolate_free_page (compaction's free scanner) */
	TR_VMAP,	 /* kprobe vmap_pages: pages mapped by vmalloc */
	TR_MARKER,	 /* trace_marker text ("PHASE name") */
	TR_NR_KINDS,
};

#define TR_VMAP_MAX 32 /* the kprobe records at most 32 page pointers */

struct tr_event {
	enum tr_kind kind;
	unsigned cpu;
	int64_t pfn; /* -1: a failed allocation */
	unsigned order;
	pz_gfp_t gfp; /* mm_page_alloc, in pagezone's bits */
	int migratetype;
	int percpu_refill;
	unsigned fallback_order;
	int alloc_mt, fallback_mt, change_ownership;
	unsigned nr_pfns;    /* vmap: pfns[0..nr_pfns) */
	uint64_t vmap_total; /* vmap: pages mapped (may exceed TR_VMAP_MAX) */
	uint64_t pfns[TR_VMAP_MAX];
	const char *marker; /* marker text, valid until the next call */
	size_t marker_len;
	uint64_t line; /* 1-based line of the trace file */
};

#define TR_MAX_CAUSES	 48
#define TR_CAUSE_LINES	 5
#define TR_CAUSE_NAMELEN 80

/* A reason lines were not replayed, with the first few line numbers. */
struct tr_cause {
	char name[TR_CAUSE_NAMELEN];
	bool unparsed; /* the reader could not read the line (vs chose not to) */
	uint64_t count;
	uint64_t lines[TR_CAUSE_LINES];
};

struct tr_gfp_cache; /* trace_gfp.c */

struct trace_reader {
	const char *path;
	void *gz; /* gzFile */
	bool csv;
	char *buf;
	size_t cap, pos, end;
	bool eof;
	bool discard; /* inside a line too long for the buffer */
	uint64_t line;
	uint64_t bytes; /* uncompressed bytes read */
	struct tr_cause causes[TR_MAX_CAUSES];
	unsigned nr_causes;
	struct tr_gfp_cache *gfp;
	uint64_t nr_events[TR_NR_KINDS];
};

/* ---- trace_read.c ---- */
/* Opens a trace (plain or gzip). Prints the OS error; returns 0 or -1. */
int tr_open(struct trace_reader *r, const char *path);
/* The next event: 1, 0 at the end, -1 on a read error (printed: a
 * truncated or corrupt gzip stream names the file and line). */
int tr_next(struct trace_reader *r, struct tr_event *ev);
void tr_close(struct trace_reader *r);
/* Counts a line under a cause (replay uses it for events it skips). */
void tr_skip(struct trace_reader *r, const char *cause, bool unparsed, uint64_t line);
uint64_t tr_unparsed(const struct trace_reader *r);
const char *tr_kind_name(enum tr_kind k);

/* ---- trace_text.c, trace_csv.c: one line into an event ---- */
/* Returns 1 for an event, 0 for a line that is not one (counted), -1 never. */
int tr_parse_text(struct trace_reader *r, char *s, char *e, struct tr_event *ev);
int tr_parse_csv(struct trace_reader *r, char *s, char *e, struct tr_event *ev);
/* Shared by both: the kind of an event name, or -1. */
int tr_kind_of(const char *s, size_t n);

/* ---- trace_gfp.c ---- */
/* gfp flags as the kernel prints them ("GFP_KERNEL|__GFP_COMP", "none"),
 * 4.x and 6.x names, into pagezone bits; each unknown name is warned
 * about once (stderr) and contributes nothing. */
struct tr_gfp_cache *tr_gfp_new(void);
void tr_gfp_free(struct tr_gfp_cache *c);
pz_gfp_t tr_gfp_parse(struct tr_gfp_cache *c, const char *s, size_t n);

#endif /* PAGEZONE_TOOL_TRACE_H */
