/*
 * replay_lockstep.c - `pagezone replay --lockstep`: before each allocation
 * pagezone says what it would hand out (pz_alloc_probe: zone, pageblock
 * label, pfn, whether its per-CPU list would refill and by how much), then
 * the state is forced to the kernel's, so that one disagreement does not
 * cause the next.
 *
 * Forcing follows the kernel's buddy-level events, not pagezone's rules:
 *   mm_page_alloc / vmap / isolate   the kernel's block is taken with
 *                                    pz_alloc_at_pfn wherever it is here
 *   zone_locked, percpu_refill=1     the block moves from the buddy lists
 *                                    to the tail of that CPU's list
 *   mm_page_pcpu_drain               the block moves from whichever
 *                                    per-CPU list holds it to the buddy lists
 *   zone_locked / extfrag            pageblock labels (the list a block came
 *                                    from; a steal's new owner)
 * The events of one allocation come before its mm_page_alloc, so refills
 * and labels are queued per CPU and applied after that CPU's next
 * allocation has been probed. pagezone's per-CPU lists never flush by
 * themselves here (their high is set out of reach); a free's drain is
 * predicted with pagezone's flush rule - a count reaching high flushes
 * batch pages - from the sizes the replay runs with, and compared with the
 * kernel's pcpu_drain events that follow the free on its CPU.
 *
 * The map of replay.c stays the identity (kernel pfn K is pagezone pfn K).
 */
#include "replay.h"

#include <stdlib.h>
#include <string.h>

static const char *const rp_src_names[RP_NR_SRC] = {
	"reclaim/compaction (no zone above MIN)",
	"per-CPU list head",
	"per-CPU refill",
	"buddy, own type",
	"fallback",
	"CMA/reserve",
	"slow path's MIN attempt",
	"refilled before other CPUs' events",
};
static const char *const rp_where_names[RP_NR_WHERE] = {
	"in use here",
	"in the buddy lists",
	"on a per-CPU list",
	"not managed here",
};
static const char *const rp_row_names[RP_NR_ROWS] = {
	"mm_page_alloc order 0",    "mm_page_alloc order 1-3",	"mm_page_alloc order 4-8",
	"mm_page_alloc order >= 9", "vmap_page (bulk order 0)",
};

const char *rp_src_name(unsigned i)
{
	return i < RP_NR_SRC ? rp_src_names[i] : "?";
}
const char *rp_where_name(unsigned i)
{
	return i < RP_NR_WHERE ? rp_where_names[i] : "?";
}
const char *rp_row_name(unsigned i)
{
	return i < RP_NR_ROWS ? rp_row_names[i] : "?";
}

static unsigned rp_row_of(unsigned order, bool vmap)
{
	if (vmap)
		return 4;
	return order == 0 ? 0 : order <= 3 ? 1 : order < 9 ? 2 : 3;
}

static unsigned rp_where(struct replay *rp, uint64_t k)
{
	switch (pz_pfn_state(rp->pz, k)) {
	case PZ_PAGE_STATE_FREE:
		return 1;
	case PZ_PAGE_STATE_PCP:
		return 2;
	case PZ_PAGE_STATE_INVALID:
	case PZ_PAGE_STATE_RESERVED:
		return 3;
	default:
		return 0;
	}
}

/* Applies the labels queued on cpu (see the essay). */
static void ls_apply_labels(struct replay *rp, unsigned cpu)
{
	struct rp_lockstep *ls = rp->ls;

	for (unsigned i = 0; i < ls->nq[cpu]; i++) {
		uint64_t pfn = ls->q[cpu][i].pfn;
		int mt = ls->q[cpu][i].mt;

		if (pz_pageblock_migratetype(rp->pz, pfn) != mt &&
		    pz_set_pageblock_migratetype(rp->pz, pfn, (enum pz_migratetype)mt) == 0)
			ls->relabelled++;
	}
	ls->nq[cpu] = 0;
}

static void ls_queue_label(struct replay *rp, unsigned cpu, int64_t pfn, int mt)
{
	struct rp_lockstep *ls = rp->ls;

	if (pfn < 0 || mt < 0 || mt >= PZ_MT_PCPTYPES)
		return;
	if (ls->nq[cpu] == RP_LABELQ)
		ls_apply_labels(rp, cpu);
	ls->q[cpu][ls->nq[cpu]].pfn = (uint64_t)pfn;
	ls->q[cpu][ls->nq[cpu]++].mt = (int8_t)mt;
}

/* Pages of [pfn, pfn + 2^order) held as bulk-allocated (ls_drop_stale)
 * that the kernel now refills or hands out with an event: the guess was
 * wrong, they were free there; freed here first. */
static void ls_release_held(struct replay *rp, uint64_t pfn, unsigned order)
{
	for (uint64_t p = pfn; p < pfn + (1ull << order) && p < rp->npfn; p++)
		if (rp->pre[p] == RP_PRE_BULK) {
			pz_free_pages_to_buddy(rp->pz, pz_pfn_to_page(rp->pz, p), 0);
			rp->pre[p] = 0;
			rp->ls->stale_released++;
		}
}

/* Moves the free block [pfn, pfn + 2^order) to cpu's per-CPU list (tail)
 * or, cpu < 0, to the buddy lists. Returns false when it is not free. */
static bool ls_move(struct replay *rp, uint64_t pfn, unsigned order, int cpu)
{
	pz_page_t *p;

	ls_release_held(rp, pfn, order);
	if (pz_alloc_at_pfn(rp->pz, pfn, order, 0, &p))
		return false;
	if (cpu < 0) {
		pz_free_pages_to_buddy(rp->pz, p, order);
	} else {
		pz_host_set_cpu(cpu);
		pz_free_pages_cold(rp->pz, p, order, 1);
	}
	return true;
}

/*
 * The kernel refills a list only when it is empty: blocks this CPU's list
 * still holds here are stale. No event took them, so an order-0 block was
 * handed out by the bulk allocator (__alloc_pages_bulk takes from the
 * per-CPU lists and traces no mm_page_alloc; vmap_page records only the
 * first 32 pages of a vmalloc): it is held here as a page allocated
 * before the trace, which a later free or vmap_page of it releases. A
 * stale block of a higher order goes back to the buddy lists, where
 * pz_alloc_at_pfn finds it if needed. Dropping the order-0 ones to the
 * buddy lists too (before 2026-12-06) left up to 1,440 pages free here
 * that the kernel had handed out, which merged into the buddy blocks that
 * orders 4-8 take and kept frag's Normal zone above its LOW mark.
 */
static void ls_hold_stale(struct replay *rp, int64_t from, int64_t n, unsigned order)
{
	for (int64_t i = from; i < n && i < RP_STALE_MAX; i++) {
		uint64_t pfn = rp->ls->stale[i];
		pz_page_t *p;

		if (order == 0 && pfn < rp->npfn && !pz_alloc_at_pfn(rp->pz, pfn, 0, 0, &p)) {
			rp->pre[pfn] = RP_PRE_BULK; /* taken by the kernel with no event */
			rp->ls->stale_held++;
			continue;
		}
		rp->ls->stale_dropped += ls_move(rp, pfn, order, -1);
	}
}

/* Copies the list of cpu that block b would be on (head first) into
 * ls->stale; returns its length, or -1. */
static int64_t ls_list_of(struct replay *rp, unsigned cpu, const struct rp_block *b)
{
	pz_page_t *pg = pz_pfn_to_page(rp->pz, b->pfn);
	int zt = pg ? pz_page_zonenum(rp->pz, pg) : -1;

	if (zt < 0 || b->mt < 0 || b->mt >= PZ_MT_PCPTYPES)
		return -1;
	return pz_pcp_list_pfns(rp->pz, pz_page_to_nid(rp->pz, pg), (enum pz_zone_type)zt, cpu,
				(unsigned)b->order, (enum pz_migratetype)b->mt, rp->ls->stale,
				RP_STALE_MAX);
}

static void ls_drop_stale(struct replay *rp, unsigned cpu, const struct rp_block *b)
{
	int64_t n = ls_list_of(rp, cpu, b);

	if (n > 0)
		ls_hold_stale(rp, 0, n, (unsigned)b->order);
}

/*
 * The kernel drains a list from its tail (free_pcppages_bulk): the first
 * block of a drain run is the tail of the kernel's list, so the blocks
 * behind it on the list here had left the kernel's with no event (the
 * bulk allocator takes from the head, but a list it emptied and the
 * kernel refilled keeps its order): held as ls_drop_stale holds them.
 * Without this churn's list counts stayed up to 24 pages above the
 * kernel's until that list's next refill, and lockstep predicted 240
 * drains the kernel did later.
 */
static void ls_drain_tail(struct replay *rp, unsigned cpu, const struct tr_event *ev)
{
	struct rp_block b = {(uint64_t)ev->pfn, (int8_t)ev->migratetype, (int8_t)ev->order};
	int64_t n = ls_list_of(rp, cpu, &b), i = 0;

	if (n <= 0 || n > RP_STALE_MAX)
		return;
	while (i < n && rp->ls->stale[i] != b.pfn)
		i++;
	if (i + 1 < n) {
		rp->ls->tail_stale += (uint64_t)(n - i - 1);
		ls_hold_stale(rp, i + 1, n, ev->order);
	}
}

/*
 * The kernel hands out a list's head (__rmqueue_pcplist), and its bulk
 * allocator takes heads with no event: when the kernel's block k lies
 * behind other blocks on the list of cpu it was taken from here, those
 * had left the kernel's list unseen and are held as taken. (boot's
 * userspace_start, where vmalloc's bulk allocations are frequent: 87.7 ->
 * 93.0% of order-0 pfns; churn's order 0 99.83 -> 99.98%.) A vmap_page
 * is such a head too (with ls_vmap_end: boot's vmap pfns 78.1 -> 99.7%,
 * churn's 96.2 -> 100.0%, frag's 88.5 -> 99.9%).
 */
static void ls_head_stale(struct replay *rp, unsigned cpu, uint64_t k, unsigned order, int mt)
{
	struct rp_block b = {k, (int8_t)mt, (int8_t)order};
	int64_t n, i = 0;

	if (rp_where(rp, k) != 2 || (n = ls_list_of(rp, cpu, &b)) <= 0)
		return;
	while (i < n && i < RP_STALE_MAX && rp->ls->stale[i] != k)
		i++;
	if (i == n || i == RP_STALE_MAX)
		return;
	rp->ls->head_stale += (uint64_t)i;
	ls_hold_stale(rp, 0, i, order);
}

/* Whether block k (order 0) is on cpu's list of type mt here. */
static bool ls_on_list(struct replay *rp, unsigned cpu, uint64_t k, int mt)
{
	struct rp_block b = {k, (int8_t)mt, 0};
	int64_t n;

	if (rp_where(rp, k) != 2 || (n = ls_list_of(rp, cpu, &b)) <= 0)
		return false;
	for (int64_t i = 0; i < n && i < RP_STALE_MAX; i++)
		if (rp->ls->stale[i] == k)
			return true;
	return false;
}

/* The queued refill blocks of cpu go to its list. A refill longer than
 * the queue is applied in parts (more: another part follows); only its
 * first part finds stale blocks, the later ones find the earlier parts. */
static void ls_apply_refills(struct replay *rp, unsigned cpu, bool more)
{
	struct rp_lockstep *ls = rp->ls;

	if (ls->nrq[cpu] && !ls->refill_open[cpu])
		ls_drop_stale(rp, cpu, &ls->rq[cpu][0]);
	ls->refill_open[cpu] = more;

	for (unsigned i = 0; i < ls->nrq[cpu]; i++) {
		if (ls_move(rp, ls->rq[cpu][i].pfn, (unsigned)ls->rq[cpu][i].order, (int)cpu))
			ls->refill_moved++;
		else
			ls->refill_missing++;
	}
	ls->nrq[cpu] = 0;
	pz_host_set_cpu((int)cpu);
}

/* A kernel fallback from a block smaller than a pageblock boosted its
 * zone's watermarks (6.1's boost_watermark); the forced allocation does
 * not fall back here, so the boost is raised by hand. Nothing lowers it
 * again: the replay runs no kswapd, whose pass would. */
static void ls_boost(struct replay *rp, const struct tr_event *ev)
{
	pz_page_t *pg = ev->pfn >= 0 ? pz_pfn_to_page(rp->pz, (uint64_t)ev->pfn) : NULL;
	int zt = pg ? pz_page_zonenum(rp->pz, pg) : -1;

	if (zt < 0 || ev->fallback_order >= pz_pageblock_order(rp->pz))
		return;
	rp->ls->boost_fallbacks++;
	rp->ls->boosted += pz_zone_boost_watermark(rp->pz, pz_page_to_nid(rp->pz, pg),
						   (enum pz_zone_type)zt) == 1;
}

/* A steal's new owner labels every pageblock of the block fallen back to
 * (a block above pageblock order is relabelled whole). */
static void ls_label_steal(struct replay *rp, unsigned cpu, const struct tr_event *ev)
{
	unsigned po = pz_pageblock_order(rp->pz);
	unsigned fo = ev->fallback_order > po && ev->fallback_order < 32 ? ev->fallback_order : po;
	uint64_t n = 1ull << (fo - po), first;

	if (ev->pfn < 0)
		return;
	first = ((uint64_t)ev->pfn >> po) & ~(n - 1);
	for (uint64_t b = first; b < first + n; b++)
		ls_queue_label(rp, cpu, (int64_t)(b << po), ev->alloc_mt);
}

/* Buddy-level and fallback events: counted per CPU, labels queued. */
void ls_kernel_event(struct replay *rp, const struct tr_event *ev)
{
	struct rp_lockstep *ls = rp->ls;
	unsigned c = ev->cpu;

	if (ev->kind == TR_FREE_BATCHED) {
		lp_free_batched(rp, c, ev->pfn);
		return;
	}
	if (ev->kind == TR_PCPU_DRAIN)
		lp_before_drain(rp, c);
	else
		lp_place(rp, c);
	if (ev->kind == TR_PCPU_DRAIN) {
		if (!ls->drain_run[c] && ev->pfn >= 0)
			ls_drain_tail(rp, c, ev);
		ls->drain_run[c] = true;
		ls->k_drain[c] += 1u << ev->order;
		ls_queue_label(rp, c, ev->pfn, ev->migratetype); /* the label at its free */
		ls_apply_labels(rp, c);
		if (ev->pfn >= 0)
			ls_release_held(rp, (uint64_t)ev->pfn, ev->order); /* to the buddy lists */
		if (ev->pfn >= 0 && (uint64_t)ev->pfn < rp->npfn &&
		    pz_pfn_state(rp->pz, (uint64_t)ev->pfn) == PZ_PAGE_STATE_PCP &&
		    ls_move(rp, (uint64_t)ev->pfn, ev->order, -1))
			ls->drain_moved++;
		else
			ls->drain_missing++;
		pz_host_set_cpu((int)c);
	} else if (ev->kind == TR_ZONE_LOCKED) {
		if (ev->percpu_refill > 0 && ev->pfn >= 0) {
			if (!ls->k_refill[c]++) { /* the kernel chose here */
				ls->open_seq[c] = rp->s.events;
				ls->open_own[c] = ls->own[c];
			}
			if (ls->nrq[c] == RP_LABELQ) { /* labels first, as ls_alloc */
				ls_apply_labels(rp, c);
				ls_apply_refills(rp, c, true);
			}
			ls->rq[c][ls->nrq[c]].pfn = (uint64_t)ev->pfn;
			ls->rq[c][ls->nrq[c]].mt = (int8_t)ev->migratetype;
			ls->rq[c][ls->nrq[c]++].order = (int8_t)ev->order;
		}
		if (!ls->after_extfrag[c])
			ls_queue_label(rp, c, ev->pfn, ev->migratetype);
	} else if (ev->kind == TR_EXTFRAG) {
		ls->after_extfrag[c] = true;
		ls_boost(rp, ev);
		if (ev->change_ownership > 0)
			ls_label_steal(rp, c, ev);
	}
}

static void ls_score(struct rp_agree *a, const struct pz_alloc_choice *c, uint64_t k, int kzone,
		     int kmt, unsigned krefill)
{
	bool refill_here = c->source == PZ_PROBE_PCP_REFILL;

	a->n++;
	a->zone += c->source != PZ_PROBE_NONE && (int)c->zone == kzone;
	a->mt += c->block_mt == kmt;
	a->pfn += c->pfn == (int64_t)k;
	if (refill_here || krefill) {
		a->refill_cases++;
		a->refill_same += refill_here && c->refill_blocks == krefill;
	}
}

/* A pfn disagreement, counted by its category (ls_category) and where k
 * is here, and for a per-CPU category by cause. */
static void ls_miss(struct replay *rp, unsigned cpu, const struct pz_alloc_choice *c, uint64_t k,
		    unsigned order, unsigned row, unsigned cat)
{
	unsigned where = rp_where(rp, k);

	rp->ls->cat[cat][where]++;
	/* a per-CPU row only: a refill interleaved with other CPUs' events and
	 * the slow path's MIN attempt have rows of their own */
	if (cat == PZ_PROBE_PCP || cat == PZ_PROBE_PCP_REFILL)
		rp->ls->cause[ls_cause(rp, cpu, c, k, order, where, rp->ls->k_refill[cpu] > 0)]
			     [row]++;
}

/* The orders with a per-CPU list (6.1: 0-3 and the pageblock order). */
static bool ls_pcp_order(const struct replay *rp, unsigned order)
{
	if (pz_profile(rp->pz) != PZ_PROFILE_LINUX_6_1)
		return order == 0;
	return order <= 3 || order == pz_pageblock_order(rp->pz);
}

/*
 * The row of a miss. The kernel chose a refill's blocks at its first
 * zone_locked event, but its mm_page_alloc is traced later, after the
 * page is prepared; events of other CPUs recorded in between (kcompactd
 * freeing and draining next to a huge-page request) change the lists
 * before pagezone is asked, so such a miss is put apart (orders above 0).
 */
static unsigned ls_category(const struct replay *rp, unsigned cpu, unsigned order, unsigned src)
{
	const struct rp_lockstep *ls = rp->ls;

	if (order && ls->k_refill[cpu] &&
	    rp->s.events - ls->open_seq[cpu] > ls->own[cpu] - ls->open_own[cpu])
		return RP_SRC_INTERLEAVED;
	return src < RP_NR_SRC ? src : 0;
}

/* One allocation of the kernel's block k (or a failed one, k < 0). */
pz_page_t *ls_alloc(struct replay *rp, unsigned cpu, pz_gfp_t gfp, unsigned order, int64_t k,
		    bool vmap)
{
	struct rp_lockstep *ls = rp->ls;
	unsigned row = rp_row_of(order, vmap);
	struct pz_alloc_choice c;
	pz_page_t *p = NULL;
	bool slow = false;
	int kzone, kmt;

	lp_place(rp, cpu);
	lp_settle(rp, cpu);
	/* the stage a refill shows was the kernel's when it chose: churn's and
	 * frag's first refills (lines 13 and 15, start_kernel's boot_pageset)
	 * were made with watermarks 0, the probe saw the recorded ones */
	if (!vmap && k >= 0 && ls->k_refill[cpu])
		lp_refill_seen(rp, pz_page_zonenum(rp->pz, pz_pfn_to_page(rp->pz, (uint64_t)k)),
			       order, ls->k_refill[cpu]);
	if (pz_alloc_probe(rp->pz, gfp, order, &c))
		c.source = PZ_PROBE_NONE;
	/* no zone above LOW: the slow path's first attempt, at MIN (frag's
	 * huge pages after DMA32's last free block: 10 of 15 misses) */
	if (c.source == PZ_PROBE_NONE && !pz_alloc_probe_slowpath(rp->pz, gfp, order, &c) &&
	    c.source != PZ_PROBE_NONE)
		slow = true;
	if (k < 0) {
		ls->kernel_failed++;
		ls->kernel_failed_probe_ok += c.source != PZ_PROBE_NONE;
		ls->k_refill[cpu] = 0;
		ls->after_extfrag[cpu] = false;
		ls_apply_labels(rp, cpu);
		ls_apply_refills(rp, cpu, false);
		return NULL;
	}
	kzone = pz_page_zonenum(rp->pz, pz_pfn_to_page(rp->pz, (uint64_t)k));
	if (!vmap && kzone >= 0 && cpu < RP_MAX_CPUS && ls_pcp_order(rp, order))
		ls->free_factor[cpu][kzone] >>= 1; /* rmqueue_pcplist */
	kmt = pz_pageblock_migratetype(rp->pz, (uint64_t)k);
	ls_score(&ls->row[row], &c, (uint64_t)k, kzone, kmt, ls->k_refill[cpu]);
	ls_score(&ls->phase[rp->phase], &c, (uint64_t)k, kzone, kmt, ls->k_refill[cpu]);
	if (c.pfn != k)
		ls_miss(rp, cpu, &c, (uint64_t)k, order, row,
			ls_category(rp, cpu, order, slow ? RP_SRC_SLOW : c.source));
	ls->k_refill[cpu] = 0;
	ls->after_extfrag[cpu] = false;
	ls_apply_labels(rp, cpu);
	if (!vmap || !ls_on_list(rp, cpu, (uint64_t)k, (int)pz_gfp_migratetype(gfp)))
		ls_apply_refills(rp, cpu, false);
	if (c.pfn != k)
		ls_head_stale(rp, cpu, (uint64_t)k, order, (int)pz_gfp_migratetype(gfp));
	ls_release_held(rp, (uint64_t)k, order);
	if (pz_alloc_at_pfn(rp->pz, (uint64_t)k, order, gfp, &p)) {
		ls->forced_busy++;
		return NULL;
	}
	return p;
}

/*
 * The list and its refills ran out before the vmalloc's pages did: the
 * kernel's list had held more than this one (blocks held here as taken
 * that it still had), so its last refill was not all taken - how much is
 * left is unknown, and the whole last refill goes back to the list:
 * ls_head_stale finds the kernel's next head on it, which it cannot once
 * the block is held. (boot's 512-page vmalloc at line 14,201 left 29.)
 */
static void ls_vmap_overrun(struct replay *rp, unsigned cpu, int64_t back)
{
	for (int64_t i = 0; i < back; i++)
		rp->ls->vmap_returned += ls_move(rp, rp->ls->vmap_back[i], 0, (int)cpu);
	pz_host_set_cpu((int)cpu);
}

/*
 * The end of a vmalloc's pages on cpu (vmap_pages fires once they are all
 * allocated): rest more pages were mapped than the kprobe records, and
 * the bulk allocator took them as it took the recorded ones - heads of
 * the same list, refilled when it ran empty (__alloc_pages_bulk's
 * __rmqueue_pcplist). They are held as taken, the list emptied into its
 * queued refills (the refill events come before vmap_pages) as the kernel
 * refilled it. A recorded page is not on the list before the refills only
 * if the kernel's list ran empty first: ls_alloc applies a vmap page's
 * refills only then. Refills still queued at the end were the kernel's
 * last, with its remaining blocks: they go to the list now.
 */
void ls_vmap_end(struct replay *rp, unsigned cpu, uint64_t last, uint64_t rest)
{
	struct rp_lockstep *ls = rp->ls;
	struct rp_block b = {last, (int8_t)pz_gfp_migratetype(RP_VMAP_GFP), 0};
	int64_t back = -1; /* blocks taken from the last refill applied here */

	while (rest) {
		int64_t n = ls_list_of(rp, cpu, &b), m;

		if (n <= 0 && !ls->nrq[cpu])
			break;
		if (n <= 0) {
			ls_apply_labels(rp, cpu);
			ls_apply_refills(rp, cpu, false);
			back = 0;
			continue;
		}
		m = n < (int64_t)rest ? n : (int64_t)rest;
		m = m < RP_STALE_MAX ? m : RP_STALE_MAX;
		for (int64_t i = 0; back >= 0 && i < m && back < RP_LABELQ; i++)
			ls->vmap_back[back++] = ls->stale[i];
		ls_hold_stale(rp, 0, m, 0);
		ls->vmap_unrecorded += (uint64_t)m;
		rest -= (uint64_t)m;
	}
	ls_vmap_overrun(rp, cpu, rest ? back : 0);
	ls_apply_labels(rp, cpu);
	if (ls->nrq[cpu])
		ls_apply_refills(rp, cpu, false);
}

/* A free on this CPU (before the replay frees it): replay_lspcp.c
 * places its commit and predicts its drain. */
void ls_free_begin(struct replay *rp, unsigned cpu, int64_t pfn, unsigned order)
{
	lp_free(rp, cpu, pfn, order);
}

/* The per-CPU sizes of each zone (CPU 0's) are kept for the prediction
 * (replay_lspcp.c), and the lists' own high is put out of reach.
 * Returns 0 or -1. */
int ls_init(struct replay *rp)
{
	for (int t = 0; t < PZ_NR_ZONE_TYPES; t++) {
		struct pz_pcp_info pi;

		for (unsigned n = 0; n < pz_nr_nodes(rp->pz); n++) {
			if (pz_pcp_info(rp->pz, (int)n, (enum pz_zone_type)t, 0, &pi))
				continue;
			rp->ls->fhigh[t] = pi.high;
			rp->ls->fbatch[t] = pi.batch;
			if (pz_zone_set_pcp(rp->pz, (int)n, (enum pz_zone_type)t, 1u << 30,
					    pi.batch))
				return -1;
		}
	}
	lp_init(rp);
	return 0;
}

/* Compaction's free scanner took the kernel's block: forced, not scored. */
pz_page_t *ls_isolate(struct replay *rp, unsigned cpu, uint64_t k, unsigned order)
{
	pz_page_t *p = NULL;

	lp_place(rp, cpu);
	ls_release_held(rp, k, order);
	if (pz_alloc_at_pfn(rp->pz, k, order, 0, &p))
		rp->ls->forced_busy++;
	return p;
}

void ls_finish(struct replay *rp)
{
	for (unsigned c = 0; c < rp->nr_cpus && c < RP_MAX_CPUS; c++) {
		lp_place(rp, c);
		lp_settle(rp, c);
	}
}
