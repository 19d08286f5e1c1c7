/*
 * internal.h - the index of functions shared between core files, grouped
 * by the file that defines them (declarations only). Types, constants and
 * the Lock Key are in types.h; the hot inline bodies in the headers
 * included at the end.
 */
#ifndef PZ_INTERNAL_H
#define PZ_INTERNAL_H

#include "types.h"

/* ---- lock.c ----------------------------------------------------------- */
void pz_lock_init(pz_lock_t *l);
void pz_lock_slow(const struct pz *pz, pz_lock_t *l);
bool pz_lock_held(const pz_lock_t *l);
_Noreturn void pz_lock_assert_fail(const struct pz *pz, const char *func, const char *lock);

/* ---- lib.c: freestanding helpers -------------------------------------- */
void pz_memzero(void *p, size_t n);
void pz_memfill(void *p, unsigned char c, size_t n);
/* Offset of the first byte of [p, p + n) that is not c, or n. */
size_t pz_memcheck(const void *p, unsigned char c, size_t n);
uint64_t pz_isqrt(uint64_t x);
unsigned pz_fls(uint64_t x); /* 1-based index of the highest set bit, 0 for 0 */
uint64_t pz_rounddown_pow2(uint64_t x);
size_t pz_strlen(const char *s);
bool pz_streq(const char *a, const char *b);

/* ---- fmt.c: snprintf subset (%d %u %ld %lu %lld %llu %lx %llx %s %c %p %%,
 * flags '-' '0', width, '*') --------------------------------------------- */
size_t pz_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap);
size_t pz_snprintf(char *buf, size_t len, const char *fmt, ...) PZ_PRINTF(3, 4);
void pz_out_printf(struct pz_out *o, const char *fmt, ...) PZ_PRINTF(2, 3);
size_t pz_out_finish(struct pz_out *o);

/* ---- log.c ------------------------------------------------------------ */
void pz_log(const struct pz *pz, enum pz_log_level lvl, const char *fmt, ...) PZ_PRINTF(3, 4);
void pz_bad_page(struct pz *pz, struct pz_page *p, const char *reason, bool at_free);
void pz_warn_once(struct pz *pz, unsigned bit, const char *fmt, ...) PZ_PRINTF(3, 4);
void pz_warn_alloc_failed(struct pz *pz, pz_gfp_t gfp, unsigned order);
/* A refusal report, rate limited as warn_alloc_failed (10, then 1 in 1000). */
void pz_log_limited(struct pz *pz, const char *fmt, ...) PZ_PRINTF(2, 3);

/* ---- trace.c ---------------------------------------------------------- */
void pz_trace_rec_slow(struct pz_tbuf *t, enum pz_trace_kind kind, uint64_t pfn, unsigned order,
		       unsigned mt, unsigned flag);
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

/* ---- zonelist.c ------------------------------------------------------- */
int pz_build_zonelists(struct pz *pz, uint16_t *storage, size_t per_list);
bool pz_cpuset_zone_allowed(struct pz *pz, const struct pz_task *task, struct pz_zone *z,
			    pz_gfp_t gfp);

/* ---- watermark.c ------------------------------------------------------ */
void pz_setup_watermarks(struct pz *pz);
void pz_setup_watermarks_locked(struct pz *pz);
void pz_setup_lowmem_reserve_locked(struct pz *pz);
unsigned pz_default_min_free_kbytes(struct pz *pz);
bool pz_zone_watermark_ok_locked_free(const struct pz *pz, struct pz_zone *z, unsigned order,
				      long mark, unsigned classzone, unsigned alloc_flags,
				      long free_pages);
bool pz_watermark_ok(const struct pz *pz, struct pz_zone *z, unsigned order, long mark,
		     unsigned classzone, unsigned alloc_flags);
unsigned pz_stat_threshold(const struct pz *pz, const struct pz_zone *z);
void pz_pcp_setup_zone(struct pz *pz, struct pz_zone *z);

/* ---- buddy.c ---------------------------------------------------------- */
/* Index-linked lists of descriptors and pageblock types: page.h. */
void pz_set_pageblock_mt(struct pz *pz, uint64_t pfn, unsigned mt);
void pz_area_add(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned order, unsigned mt,
		 bool tail);
void pz_area_del(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned order);
void pz_area_move(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned order, unsigned mt);
void pz_account_free_locked(const struct pz *pz, struct pz_zone *z, long pages, unsigned mt);
struct pz_page *pz_rmqueue_smallest_locked(struct pz *pz, struct pz_zone *z, unsigned order,
					   unsigned mt);
void pz_expand_locked(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned low,
		      unsigned high, unsigned mt);
void pz_free_one_page_locked(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned order,
			     unsigned mt);
/* The same, placed at the list tail whatever the buddies (FPI_TO_TAIL). */
void pz_free_one_page_tail_locked(struct pz *pz, struct pz_zone *z, struct pz_page *p,
				  unsigned order, unsigned mt);

/* ---- fallback.c ------------------------------------------------------- */
struct pz_page *pz_rmqueue_locked(struct pz *pz, struct pz_zone *z, unsigned order, unsigned mt,
				  unsigned alloc_flags, struct pz_tbuf *t);
bool pz_cma_first(const struct pz *pz, struct pz_zone *z, unsigned mt, unsigned alloc_flags);
long pz_move_freepages_block_locked(struct pz *pz, struct pz_zone *z, struct pz_page *p,
				    unsigned mt);
void pz_reserve_highatomic(struct pz *pz, struct pz_zone *z, struct pz_page *p);
void pz_setup_migrate_reserve_locked(struct pz *pz, struct pz_zone *z);
int pz_find_suitable_fallback(const struct pz *pz, const struct pz_free_area *area, unsigned order,
			      unsigned mt, bool only_stealable, bool *can_steal);
const struct pz_page *pz_fallback_pick_locked(const struct pz *pz, struct pz_zone *z,
					      unsigned order, unsigned start_mt,
					      unsigned alloc_flags, int *fmt, int *found_order);
/* boost_watermark (5.0): one pageblock more boost, capped; false when the
 * zone cannot be boosted. Caller holds z->lock (pz_zone_boost_watermark). */
bool pz_boost_watermark_locked(struct pz *pz, struct pz_zone *z);

/* ---- pcp.c ------------------------------------------------------------ */
struct pz_page *pz_pcp_take_locked(struct pz *pz, struct pz_zone *z, struct pz_pcp *pcp,
				   unsigned order, unsigned mt, unsigned alloc_flags, bool cold,
				   struct pz_tbuf *t);
void pz_pcp_park_locked(struct pz *pz, struct pz_pcp *pcp, struct pz_list *list, unsigned order,
			bool cold, struct pz_page *const *pages, int n);
int pz_pcp_pull_batch_locked(struct pz *pz, struct pz_zone *z, struct pz_pcp *pcp, unsigned mt,
			     unsigned alloc_flags, struct pz_page **out);
struct pz_page *pz_pcp_alloc(struct pz *pz, struct pz_zone *z, unsigned order, pz_gfp_t gfp,
			     unsigned alloc_flags, const struct pz_alloc_ctx *ac);
/* pages one chunk of a traced flush or drain frees between deliveries */
#define PZ_PCP_TRACE_CHUNK 128
int pz_pcp_flush_locked(struct pz *pz, struct pz_zone *z, struct pz_pcp *pcp, unsigned order,
			unsigned mt, struct pz_tbuf *t);
void pz_pcp_flush_chunked_locked(struct pz *pz, struct pz_zone *z, struct pz_pcp *pcp, int n,
				 unsigned order, unsigned mt, struct pz_tbuf *t);
void pz_pcp_free(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned order, unsigned cpu,
		 bool cold, struct pz_tbuf *t);
void pz_drain_zone_cpu(struct pz *pz, struct pz_zone *z, unsigned cpu, struct pz_tbuf *t);

/* ---- alloc.c ---------------------------------------------------------- */
struct pz_page *pz_get_page_from_freelist(struct pz *pz, pz_gfp_t gfp, unsigned order,
					  unsigned alloc_flags, struct pz_alloc_ctx *ac);
bool pz_first_zone(struct pz *pz, struct pz_alloc_ctx *ac, const pz_nodemask_t *mask);
/* alloc_flags_nofragment: ALLOC_KSWAPD and ALLOC_NOFRAGMENT for a request
 * whose preferred zone is pref (pz_alloc_probe starts from the same). */
unsigned pz_alloc_flags_nofragment(const struct pz *pz, const struct pz_zone *pref, pz_gfp_t gfp);
/* read_mems_allowed_begin / _retry: the task's cpuset seqcount. */
unsigned pz_read_mems_begin(struct pz *pz, const struct pz_task *task);
bool pz_read_mems_retry(const struct pz_task *task, unsigned seq);
void pz_build_gfp_fast(struct pz *pz);
const char *pz_new_page_problem(const struct pz_page *p);
bool pz_prep_new_page(struct pz *pz, struct pz_page *p, unsigned order, pz_gfp_t gfp,
		      unsigned alloc_flags);

/* ---- fault.c ---------------------------------------------------------- */
void pz_fault_init(struct pz *pz);
bool pz_should_fail_alloc_page_slow(struct pz *pz, const struct pz_task *task, pz_gfp_t gfp,
				    unsigned order);

/* ---- slowpath.c ------------------------------------------------------- */
struct pz_page *pz_alloc_slowpath(struct pz *pz, pz_gfp_t gfp, unsigned order,
				  struct pz_alloc_ctx *ac);
/* The platform's wait hook, if any (no allocator lock may be held). */
void pz_wait(struct pz *pz, enum pz_wait_reason why, unsigned usecs);
/*
 * memalloc_noreclaim_save/restore: direct reclaim, direct compaction and
 * the OOM handler run with the calling task PF_MEMALLOC, so that their own
 * allocations use the reserves and never recurse. Only a task of the
 * thread's own is marked: the default task is shared by every thread
 * without one, and is left alone.
 */
unsigned pz_memalloc_save(struct pz *pz, const struct pz_task *task);
void pz_memalloc_restore(struct pz *pz, const struct pz_task *task, unsigned old);

/* ---- shrinker.c: the shrinker list, do_shrink_slab, reclaim windows ---- */
void pz_reclaim_init(struct pz *pz);
/* Opens a reclaim window for the current task; false when the task has too
 * many open already (nested reclaim from shrinker callbacks). */
bool pz_reclaim_open(struct pz *pz, struct pz_reclaim_state *rs);
void pz_reclaim_close(struct pz *pz, struct pz_reclaim_state *rs);
uint64_t pz_reclaim_progress(struct pz *pz, struct pz_reclaim_state *rs);
/* A free of pages by the current task reached the free lists. */
void pz_reclaim_note_free(struct pz *pz, uint64_t pages);
/* shrink_slab on one node. 4.1 scales by nr_scanned / nr_eligible, 6.1 by
 * priority. Returns the pages the window's task freed during the calls
 * and counts them and the objects scanned as kswapd's or direct; sets
 * req's asked and counted (what should_continue_reclaim reads). */
struct pz_shrink_req {
	pz_gfp_t gfp;
	int nid;
	int priority;
	uint64_t nr_scanned, nr_eligible; /* 4.1: the pseudo-LRU figures */
	unsigned zone_type;		  /* 4.1: the zone the per-zone counters name */
	bool kswapd;
	uint64_t asked;	  /* out: objects the scan calls were asked to scan */
	uint64_t counted; /* out: objects the count calls returned */
};
uint64_t pz_shrink_slab(struct pz *pz, struct pz_reclaim_state *rs, struct pz_shrink_req *req);

/* ---- reclaim.c: direct reclaim and the zone tests kswapd shares -------- */
#define PZ_DEF_PRIORITY 12
/* Pages of z in use: what the kernel's LRU would hold (managed - free). */
uint64_t pz_zone_in_use(const struct pz_zone *z);
/* 4.1 zone_reclaimable: fewer pseudo-LRU pages scanned since the last free
 * than six times the pages in use. */
bool pz_zone_reclaimable(const struct pz_zone *z);
/* The pseudo-LRU scan of z at priority (get_scan_count: in use >> priority),
 * added to z's pages_scanned. */
uint64_t pz_zone_scan(struct pz_zone *z, int priority);
bool pz_zone_wmark_safe(struct pz *pz, struct pz_zone *z, unsigned order, long mark,
			unsigned classzone);
/*
 * What should_continue_reclaim reads of a reclaim at a priority: the
 * request, the last pass (pages back, objects asked to scan, objects
 * counted: the kernel's nr_reclaimed, nr_scanned and inactive LRU pages)
 * and all that came back since the caller's count began (sc->nr_reclaimed).
 * See docs/DESIGN.md "Reclaim and kswapd".
 */
struct pz_reclaim_pass {
	pz_gfp_t gfp;
	unsigned order;
	int priority;
	bool kswapd;
	uint64_t total;			  /* in, then kept up to date */
	uint64_t freed, scanned, counted; /* the last pass */
	uint64_t idle;			  /* __GFP_REPEAT: scanned by fruitless passes */
	uint64_t loop_freed, cap;	  /* ours: a loop frees at most cap */
};
/* 4.x shrink_zone: passes over z (the pseudo-LRU scan; the node's shrinkers
 * when classzone) while should_continue_reclaim says so. Adds the
 * pseudo-LRU pages scanned to *lru; returns the pages that came back. */
uint64_t pz_shrink_zone_41(struct pz *pz, struct pz_reclaim_state *rs, struct pz_zone *z,
			   struct pz_reclaim_pass *p, bool classzone, uint64_t *lru);
/* 6.1 shrink_node on nid (zones up to reclaim_idx), again while
 * should_continue_reclaim says so: adds the pseudo-LRU scan to *scanned,
 * returns the pages that came back. */
uint64_t pz_shrink_node_61(struct pz *pz, struct pz_reclaim_state *rs, int nid,
			   struct pz_reclaim_pass *p, unsigned reclaim_idx, uint64_t *scanned);
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
/* rmqueue's wake-up of a zone marked ZONE_BOOSTED_WATERMARK (5.0). */
void pz_wake_boosted(struct pz *pz, struct pz_zone *z);

/* ---- compaction.c ------------------------------------------------------ */
/* (enum pz_compact_result, pz_compact_priority, struct pz_compact_req:
 * types.h) */
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
/* reset_isolation_suitable: kswapd going to sleep clears the skip bits of
 * the node's zones whose last direct compaction ran its scanners to the
 * end (compact_blockskip_flush). */
void pz_reset_isolation_suitable(struct pz *pz, int nid);
/* compaction_restarting (4.1 and 6.1 alike). */
bool pz_compaction_restarting(struct pz_zone *z, unsigned order);

/* ---- migrate.c: one block through the owner's callback ----------------- */
/* A candidate's reference: taken only while src has one and is (still) an
 * allocated movable block of zone z smaller than max_order; false (no
 * reference held) otherwise. */
bool pz_migrate_isolate(struct pz *pz, struct pz_zone *z, struct pz_page *src, unsigned max_order);
/* Whether a migrate callback is registered (read under its lock). */
bool pz_migrate_handler_set(struct pz *pz);
/* Grouping by mobility off: records a block allocated with __GFP_MOVABLE
 * (and not __GFP_RECLAIMABLE) as MOVABLE in p->mt, so that compaction may
 * move it although its pageblock and lists are UNMOVABLE. */
void pz_mark_movable_request(struct pz_page *p, pz_gfp_t gfp);
/* Drops the reference pz_migrate_isolate took (putback_lru_page). */
void pz_migrate_putback(struct pz *pz, struct pz_page *src);
/* One call of the callback for src (isolated) into dst (a block of src's
 * order holding one reference, the core's); enum pz_migrate_outcome is in
 * types.h. */
enum pz_migrate_outcome pz_migrate_one(struct pz *pz, struct pz_page *src, struct pz_page *dst,
				       enum pz_migrate_mode mode);

/* ---- oom.c ------------------------------------------------------------- */
/*
 * __alloc_pages_may_oom of the profile: the OOM lock (4.1's zonelist bits,
 * modern's global lock), the last-chance HIGH attempt, the exclusions in
 * the kernel's order, out_of_memory (the handler). Sets *did_some_progress
 * as the kernel does. Called with no allocator lock held.
 */
struct pz_page *pz_alloc_pages_may_oom(struct pz *pz, pz_gfp_t gfp, unsigned order,
				       struct pz_alloc_ctx *ac, struct pz_oom_ctl *ctl,
				       unsigned long *did_some_progress);
/* 6.1's __alloc_pages_cpuset_fallback: with the cpuset, then without. */
struct pz_page *pz_alloc_cpuset_fallback(struct pz *pz, pz_gfp_t gfp, unsigned order,
					 unsigned alloc_flags, struct pz_alloc_ctx *ac);
/* Every page freed in pz so far (PGFREE of all zones): what a kill or a
 * reap gave back is the difference around the call. */
uint64_t pz_pages_freed(const struct pz *pz);

/* ---- reaper.c: the OOM reaper (linux-6.1) ------------------------------- */
/* The profile has the kernel's OOM reaper (4.6+). */
bool pz_has_oom_reaper(const struct pz *pz);
/* Queues victim id (task: an exiting task that chose itself) unless known:
 * returns its state afterwards, PZ_VICTIM_FREE when the table is full. */
enum pz_victim_state pz_oom_victim_queue(struct pz *pz, uintptr_t id, struct pz_task *task);
/* Some victim is queued or being reaped (lock-free). */
bool pz_oom_victims_queued(const struct pz *pz);
/* The skipped victims' ids, oldest first, into out[PZ_OOM_MAX_VICTIMS]. */
unsigned pz_oom_skip_list(struct pz *pz, uintptr_t *out);
/* The OOM step's reaper points: before its lock, and after (wake, wait). */
void pz_oom_reaper_point(struct pz *pz);
void pz_oom_reaper_after_step(struct pz *pz, const struct pz_oom_ctl *ctl);

/* ---- unreserve.c ------------------------------------------------------- */
/* unreserve_highatomic_pageblock (modern): gives one HIGHATOMIC pageblock
 * of ac's zonelist back to ac's migratetype; force: even a zone's last
 * one. Returns whether free pages moved. Takes each zone lock in turn. */
bool pz_unreserve_highatomic(struct pz *pz, const struct pz_alloc_ctx *ac, bool force);

/* ---- free.c ----------------------------------------------------------- */
struct pz_page *pz_tail_head(const struct pz *pz, const struct pz_page *p);
int pz_free_pages_internal(struct pz *pz, struct pz_page *p, unsigned order, bool cold,
			   bool batched);
/* A free straight to the buddy lists (pz_free_pages_to_buddy, place.c). */
int pz_free_direct_internal(struct pz *pz, struct pz_page *p, unsigned order, bool to_tail);
void pz_free_pages_ok(struct pz *pz, struct pz_page *p, unsigned order, unsigned cpu, bool to_tail);
void pz_poison_block(struct pz *pz, struct pz_page *p, uint64_t n);

/* ---- init.c ----------------------------------------------------------- */
/* Frees [s, e) of z to the buddy lists in maximal aligned blocks (boot:
 * to_tail as FPI_TO_TAIL, else the tail rule). */
uint64_t pz_release_range(struct pz *pz, struct pz_zone *z, uint64_t s, uint64_t e, bool to_tail);

/* ---- stats.c ---------------------------------------------------------- */
uint64_t pz_zone_event(const struct pz *pz, const struct pz_zone *z, enum pz_pcp_event ev);
void pz_fill_zone_info_locked(struct pz *pz, struct pz_zone *z, struct pz_zone_info *info);

/* zoneinfo's pagesets block (stats.c; both zoneinfo layouts print it) */
void pz_print_pagesets(struct pz *pz, struct pz_out *o, const struct pz_zone_info *zi);

/* ---- report61.c: zoneinfo and vmstat in linux-6.1's layout ------------ */
size_t pz_report_zoneinfo61(struct pz *pz, char *buf, size_t len);
size_t pz_report_vmstat61(struct pz *pz, char *buf, size_t len);

#include "sync.h"
#include "page.h"
#include "pcp.h"
#include "wmark.h"
#include "fastpath.h"

#endif /* PZ_INTERNAL_H */
