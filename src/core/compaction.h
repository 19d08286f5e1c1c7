/*
 * compaction.h - the compact_control shared by compaction.c (the scanners,
 * migration, when to stop) and compaction_fast.c (linux-6.1's free-list
 * searches). Not part of internal.h: nothing else sees a run's state.
 *
 * A struct pz_cc lives on the stack of the thread compacting one zone;
 * none of its fields is shared, so none needs a lock. The zone lock is
 * taken only around the free lists and the zone's counters.
 */
#ifndef PZ_COMPACTION_H
#define PZ_COMPACTION_H

#include "internal.h"

enum isolate_result {
	ISOLATE_ABORT,
	ISOLATE_NONE,
	ISOLATE_SUCCESS
};

/* compact_control */
struct pz_cc {
	struct pz *pz;
	struct pz_zone *z;
	int order; /* -1: manual compaction */
	pz_gfp_t gfp;
	unsigned alloc_flags, classzone, migratetype;
	enum pz_migrate_mode mode;
	bool ignore_skip_hint, ignore_block_suitable, whole_zone, direct, kswapd, contended;
	bool proactive;		 /* 6.1 proactive_compaction (kcompactd's timer) */
	struct pz_capture *capc; /* 6.1 direct compaction: its capture_control */
	bool has_handler;	 /* a migrate callback was registered when the run began */
	uint64_t migrate_pfn, free_pfn;
	unsigned need_order; /* the block compaction_alloc looks for */
	/* isolated free blocks by order (heads hold one reference, the core's) */
	struct pz_list freepages[PZ_MAX_ORDER_LIMIT];
	uint64_t nr_freepages;
	struct pz_page *migratepages[PZ_COMPACT_CLUSTER_MAX];
	unsigned nr_blocks;
	uint64_t nr_migratepages;
	uint64_t migrate_scanned, free_scanned;
	/* 6.1's fast searches (compaction_fast.c) */
	unsigned fast_search_fail; /* searches in a row that found nothing */
	int search_order;	   /* where the free-list search starts */
	uint64_t fast_start_pfn;   /* lowest block found on the lists; 0 none, ~0 used */
};

/* The first pfn of pfn's pageblock. */
static inline uint64_t pz_cc_block_start(const struct pz *pz, uint64_t pfn)
{
	return pfn & ~(pz->pageblock_nr_pages - 1);
}

/* linux-6.1 (the kernel's since 5.1) searches the free lists first. */
static inline bool pz_cc_fast(const struct pz_cc *cc)
{
	return pz_kver(cc->pz) >= PZ_KV(5, 1);
}

/* ---- compaction.c: the pieces the fast searches share ------------------- */
bool pz_cc_need_free(const struct pz_cc *cc);
bool pz_cc_block_in_zone(struct pz_cc *cc, uint64_t start, uint64_t end);
bool pz_cc_skip_bit(struct pz *pz, uint64_t pfn);
void pz_cc_set_skip_bit(struct pz *pz, uint64_t pfn);
/* __isolate_free_page under the zone lock: the block's pages, 0 if refused */
uint64_t pz_cc_isolate_free_locked(struct pz_cc *cc, struct pz_page *p);
/* isolate_freepages_block over [*start, end); update_skip: mark the block
 * at first (and move the cached free start) when nothing was isolated */
void pz_cc_isolate_block(struct pz_cc *cc, uint64_t *start, uint64_t end, uint64_t first,
			 bool update_skip);

/* ---- compaction_fast.c -------------------------------------------------- */
/* fast_isolate_freepages: a target from the MOVABLE free lists (order > 0) */
void pz_cc_fast_isolate_freepages(struct pz_cc *cc);
/* fast_find_migrateblock: where the migrate scanner goes on (a pfn) */
uint64_t pz_cc_fast_find_migrateblock(struct pz_cc *cc);

#endif
