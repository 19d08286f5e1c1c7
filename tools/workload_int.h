/*
 * workload_int.h - the workload's own insides, shared by workload.c (the
 * owners and their callbacks) and workload_steps.c (what a step does).
 */
#ifndef PAGEZONE_WORKLOAD_INT_H
#define PAGEZONE_WORKLOAD_INT_H

#include "tool.h"
#include "workload.h"

#define WL_NPROC     32	   /* process slots */
#define WL_LAT_EXACT 65536 /* latencies below this are counted exactly */
#define WL_LAT_LOG   48	   /* above: one bucket per power of two */

struct wl_entry {
	pz_page_t *page;
	uint32_t pos;  /* index in its pool (pools only) */
	uint32_t born; /* step of the allocation (low 32 bits) */
	uint8_t order, kind, pinned;
};

struct wl_pool { /* random removal */
	uint32_t *idx;
	uint32_t n, cap;
	uint64_t pages;
};

struct wl_ring { /* first in, first out */
	uint32_t *buf;
	uint32_t head, n, cap;
	uint64_t pages;
};

struct wl_cache {
	struct pz_shrinker shrinker;
	struct workload *w;
	struct wl_ring ring[PZ_MAX_NODES];
};

struct wl_proc {
	struct wl_pool pool;
	uint64_t target;  /* pages it wants; 0: not running */
	uint64_t anon;	  /* user pages faulted since its last page table */
	uintptr_t victim; /* killed, waiting for the OOM reaper: its id; else 0 */
};

struct workload {
	pz_t *pz;
	struct wl_params params;
	uint64_t rng, managed;
	unsigned nr_nodes;
	struct wl_entry *entries;
	uint32_t *free_slots;
	uint32_t nr_entries, cap_entries, nr_free_slots;
	uint64_t live_blocks, live_pages;
	struct wl_pool slab, attempts;
	struct wl_proc proc[WL_NPROC];
	struct wl_cache pagecache, dentry;
	struct wl_ring atomic;
	struct wl_stats stats;
	uint64_t lat_exact[WL_LAT_EXACT], lat_log[WL_LAT_LOG];
	uint64_t lat_n;
	uintptr_t next_victim; /* the last victim id handed out */
};

/* workload.c */
void wl_set_cpu(unsigned cpu);
uint64_t wl_rnd(struct workload *w);
uint32_t wl_entry_new(struct workload *w, pz_page_t *page, unsigned order, enum wl_kind kind);
void wl_entry_free(struct workload *w, uint32_t i);
int wl_pool_push(struct workload *w, struct wl_pool *p, uint32_t i);
void wl_pool_free_at(struct workload *w, struct wl_pool *p, uint32_t pos);
void wl_pool_free_all(struct workload *w, struct wl_pool *p);
void wl_proc_exit(struct workload *w, struct wl_proc *pr);
int wl_ring_push(struct workload *w, struct wl_ring *r, uint32_t i);
void wl_ring_free_head(struct workload *w, struct wl_ring *r);
int wl_keep(struct workload *w, pz_page_t *page, unsigned order, enum wl_kind kind,
	    struct wl_pool *pool, struct wl_ring *ring, uint32_t *out);

#endif /* PAGEZONE_WORKLOAD_INT_H */
