/*
 * trace_types.h - the trace buffer of one operation (trace.c): events are
 * collected while allocator locks are held and delivered to the sink once
 * they are dropped. Part of types.h (included from it, before the
 * allocation context that points at a buffer).
 */
#ifndef PZ_TRACE_TYPES_H
#define PZ_TRACE_TYPES_H

#ifndef PZ_TYPES_H
#error "include types.h, not trace_types.h"
#endif

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

#endif /* PZ_TRACE_TYPES_H */
