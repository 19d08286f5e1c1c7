/*
 * replay_lspcp.c - lockstep's model of the kernel's per-CPU lists, from
 * which it predicts the drain each free causes (6.1's
 * free_unref_page_commit) and the size of each refill. pagezone's own
 * lists follow the kernel's refills and drains (replay_lockstep.c) and
 * never flush by themselves; what is modelled here is when and how much
 * the kernel's would have flushed.
 *
 * When a free is committed. mm_page_free is traced while a page is being
 * prepared; the page reaches its list (and may cause a drain) in the
 * commit that follows. free_unref_page commits at once, but
 * free_unref_page_list (release_pages, the batched frees) prepares the
 * whole batch first - one mm_page_free each - and only then commits page
 * by page, tracing mm_page_free_batched before each commit. So an
 * order-0 free is queued here until its CPU shows which it was: its
 * mm_page_free_batched commits it there; a drain or any other event
 * commits the queue as frees that were not batched. A commit's list count
 * is pagezone's count of that CPU's list less the queued pages after it.
 * Judging a batched free at its mm_page_free (before 2026-12-06) counted
 * the whole batch on the list before any of its drains: churn had 3,065
 * drains predicted where the kernel did none.
 *
 * How much is drained. 6.1's nr_pcp_free with the list's free_factor, as
 * a free_pcppages_bulk call: starting at the freed block's list (6.1.192's
 * pindex: orders 0-3 by migratetype, then THP non-movable and THP
 * movable, NR_PCP_THP 2), each list emptied tail first before the next,
 * a block counting all its pages (an order-9 block overshoots by up to
 * 511). free_high (a block of order 1-3 freed while free_factor is not 0)
 * drains the whole list.
 *
 * free_factor is the kernel's state, and its drains show it: after a
 * drain of k pages the factor is the one whose drain has k pages (the one
 * nearest the model's), raised as nr_pcp_free raises it; after a commit
 * with no drain, the model's raise is undone (an order 1-3 free without a
 * drain means the factor was 0).
 *
 * Which of 6.1's own trims of its lists this models: free_factor and
 * free_high above; kswapd's cap (nr_pcp_high: while balance_pgdat runs,
 * ZONE_RECLAIM_ACTIVE caps high at 4 * batch), which the trace does not
 * mark, taken from the drains (lp_reclaim_active); not vmstat's periodic
 * drain of remote nodes' lists (no trace here has a remote node) nor
 * drain_all_pages, whose drains follow no free and are counted apart.
 *
 * Boot-time sizes. Until setup_per_cpu_pageset every zone uses the CPU's
 * boot_pageset (high 0, batch 1: one-block refills, every free drained).
 * setup_zone_pageset then sizes each zone from its managed pages at that
 * time (zone_batchsize; high is batch * 4, as the watermarks are still 0)
 * - and with deferred struct page init the node's last zone has only its
 * first memory section then (defer_init). setup_per_zone_wmarks
 * (init_per_zone_wmark_min, after page_alloc_init_late) sets the sizes
 * zones.csv records. The trace does not mark those calls: the stage is
 * taken from the first refill, before its request is probed (1 block, of
 * any order: boot_pageset; an order-0 refill of the setup batch; else the
 * recorded sizes), and advanced when a refill has the
 * next stage's batch or a commit at the stage's high has no drain. The
 * watermarks are 0 until that same setup_per_zone_wmarks: with the
 * recorded ones the probe found the last zone below LOW while deferred
 * init was still filling it, and took DMA32 where the kernel took Normal.
 */
#include "replay.h"

#define LP_THP_NONMOVABLE 12u /* 6.1.192's pindex of the THP lists */
#define LP_THP_MOVABLE	  13u

static bool lp_modern(const struct replay *rp)
{
	return pz_profile(rp->pz) == PZ_PROFILE_LINUX_6_1;
}

/* The high and batch of zone zt's lists in the current stage; high as
 * nr_pcp_high gives it (at most 4 * batch while kswapd reclaims). */
static void lp_sizes(const struct rp_lockstep *ls, int zt, unsigned *high, unsigned *batch)
{
	if (ls->stage == 0) {
		*high = 0;
		*batch = 1;
	} else if (ls->stage == 1) {
		*batch = ls->sbatch[zt];
		*high = *batch << 2;
	} else {
		*high = ls->fhigh[zt];
		*batch = ls->fbatch[zt];
	}
	if (ls->reclaim_active[zt] && *batch << 2 < *high)
		*high = *batch << 2;
}

/* nr_pcp_free's amount with factor f, at most count. */
static unsigned lp_amount(unsigned high, unsigned batch, unsigned f, unsigned count)
{
	unsigned n = 1;

	if (high >= batch) {
		n = batch << f;
		n = n < batch ? batch : n;
		n = n > high - batch ? high - batch : n;
	}
	return n < count ? n : count;
}

/* Whether nr_pcp_free raises a factor of f. */
static bool lp_grows(unsigned high, unsigned batch, unsigned f)
{
	return high >= batch && (batch << f) < high - batch && f < RP_FF_MAX;
}

static unsigned lp_pindex_order(const struct replay *rp, unsigned p)
{
	return p < LP_THP_NONMOVABLE ? p / PZ_MT_PCPTYPES : pz_pageblock_order(rp->pz);
}

/* The lengths in blocks of a CPU's lists, by the kernel's pindex. */
static void lp_lengths(struct replay *rp, int nid, int zt, unsigned cpu, unsigned len[RP_NR_PINDEX])
{
	for (unsigned p = 0; p < RP_NR_PINDEX; p++)
		len[p] = 0;
	for (unsigned mt = 0; mt < PZ_MT_PCPTYPES; mt++)
		for (unsigned o = 0; o <= 4; o++) {
			unsigned order = o < 4 ? o : pz_pageblock_order(rp->pz);
			int64_t n = pz_pcp_list_pfns(rp->pz, nid, (enum pz_zone_type)zt, cpu, order,
						     (enum pz_migratetype)mt, NULL, 0);
			unsigned p = o < 4		   ? o * PZ_MT_PCPTYPES + mt
				     : mt == PZ_MT_MOVABLE ? LP_THP_MOVABLE
							   : LP_THP_NONMOVABLE;

			len[p] += n > 0 ? (unsigned)n : 0;
		}
}

/* free_pcppages_bulk of n pages from list start on. */
static unsigned lp_bulk(const struct replay *rp, const unsigned len[RP_NR_PINDEX], unsigned n,
			unsigned start)
{
	unsigned done = 0;

	for (unsigned k = 0; k < RP_NR_PINDEX && done < n; k++) {
		unsigned p = (start + k) % RP_NR_PINDEX, size = 1u << lp_pindex_order(rp, p);
		unsigned want = (n - done + size - 1) / size;

		done += (want < len[p] ? want : len[p]) * size;
	}
	return done;
}

/* The pages the kernel drains after commit p (list of type mt). */
static unsigned lp_predict(struct replay *rp, unsigned cpu, int nid, struct rp_pend *p, unsigned mt)
{
	struct rp_lockstep *ls = rp->ls;
	uint8_t *ff = &ls->free_factor[cpu][p->zt];
	unsigned high, batch, len[RP_NR_PINDEX], start, f = *ff;

	lp_sizes(ls, p->zt, &high, &batch);
	p->ff0 = *ff;
	p->sized = false;
	if (!lp_modern(rp)) /* 4.x: batch pages once the count reaches high */
		return p->count < high ? 0 : p->count < batch ? p->count : batch;
	if (*ff && p->order && p->order <= 3)
		return p->count; /* free_high */
	if (p->count < high)
		return 0;
	lp_lengths(rp, nid, p->zt, cpu, len);
	start = p->order <= 3	      ? p->order * PZ_MT_PCPTYPES + mt
		: mt == PZ_MT_MOVABLE ? LP_THP_MOVABLE
				      : LP_THP_NONMOVABLE;
	for (unsigned g = 0; g <= RP_FF_MAX; g++)
		p->size[g] = lp_bulk(rp, len, lp_amount(high, batch, g, p->count), start);
	p->sized = true;
	if (lp_grows(high, batch, f))
		(*ff)++;
	return p->size[f];
}

static void lp_set_stage(struct replay *rp, int stage);

/* free_factor (and the stage) after the kernel drained k pages for p. */
static void lp_follow(struct replay *rp, unsigned cpu, const struct rp_pend *p, unsigned k)
{
	struct rp_lockstep *ls = rp->ls;
	uint8_t *ff = &ls->free_factor[cpu][p->zt];
	bool small = p->order && p->order <= 3;
	unsigned high, batch, f = 0;

	lp_sizes(ls, p->zt, &high, &batch);
	if (!k) {
		if (p->predicted && !small && ls->stage >= 0 && ls->stage < 2)
			lp_set_stage(rp, ls->stage + 1); /* the kernel's high is larger */
		*ff = small ? 0 : p->ff0;
		return;
	}
	if (small && k >= p->count) {
		*ff = p->ff0 ? p->ff0 : 1; /* free_high: the factor was not 0 */
		return;
	}
	if (p->sized) {
		for (unsigned d = 0; d <= RP_FF_MAX; d++) {
			if (p->ff0 >= d && p->size[p->ff0 - d] == k) {
				f = p->ff0 - d;
				break;
			}
			if (p->ff0 + d <= RP_FF_MAX && p->size[p->ff0 + d] == k) {
				f = p->ff0 + d;
				break;
			}
			if (d == RP_FF_MAX)
				return; /* no factor explains k: keep the model's */
		}
	} else {
		while (f < RP_FF_MAX && (batch << (f + 1)) <= k)
			f++;
	}
	*ff = (uint8_t)(f + lp_grows(high, batch, f));
	ls->ff_resynced += *ff != (uint8_t)(p->ff0 + lp_grows(high, batch, p->ff0));
}

/*
 * ZONE_RECLAIM_ACTIVE of p's zone, from the kernel's k pages drained after
 * p. The trace shows neither balance_pgdat's start nor its end, but the
 * capped high shows: a drain at a count from 4 * batch to high - batch
 * (well below high: not a count a few pages off), of the size
 * nr_pcp_free gives from high 4 * batch (batch << f within [batch,
 * 3 * batch]), sets it; a commit at 4 * batch or more with no drain
 * clears it. Orders 1-3 are left out (free_high ignores the cap).
 */
static void lp_reclaim_active(struct replay *rp, const struct rp_pend *p, unsigned k)
{
	struct rp_lockstep *ls = rp->ls;
	bool *ra = &ls->reclaim_active[p->zt];
	unsigned high = ls->fhigh[p->zt], batch = ls->fbatch[p->zt], cap = batch << 2;
	bool sized = false;

	if (ls->stage != 2 || (p->order && p->order <= 3) || cap >= high || p->count < cap)
		return;
	if (*ra && !k) {
		*ra = false;
		ls->ra_cleared++;
		return;
	}
	for (unsigned f = 0; f <= RP_FF_MAX && !sized; f++)
		sized = k == lp_amount(cap, batch, f, p->count);
	if (!*ra && sized && !p->predicted && p->count + batch < high) {
		*ra = true;
		ls->ra_set++;
	}
}

/* The drains after cpu's last commit against the model's. */
void lp_settle(struct replay *rp, unsigned cpu)
{
	struct rp_lockstep *ls = rp->ls;
	struct rp_pend *p = &ls->pend[cpu];
	unsigned k = ls->k_drain[cpu];

	if (p->on && (k || p->predicted)) {
		ls->drain_cases++;
		ls->drain_same += k == p->predicted;
		ls->drain_here_only += k == 0;
		ls->drain_kernel_only += p->predicted == 0;
	} else if (!p->on && k) {
		ls->drain_unattached++; /* drain_all_pages, compaction's drain_local_pages */
	}
	if (p->on && lp_modern(rp)) {
		lp_reclaim_active(rp, p, k);
		lp_follow(rp, cpu, p, k);
	}
	p->on = false;
	ls->k_drain[cpu] = 0;
}

/* The zone of a block of order freed to a per-CPU list, or -1. A block
 * of a higher order that the trace never handed out is memory entering
 * the allocator (__free_pages_core): straight to the buddy lists. */
static int lp_zone(struct replay *rp, int64_t pfn, unsigned order)
{
	pz_page_t *pg = pfn >= 0 ? pz_pfn_to_page(rp->pz, (uint64_t)pfn) : NULL;
	bool pcp = lp_modern(rp) ? order <= 3 || order == pz_pageblock_order(rp->pz) : !order;

	if (order && (uint64_t)pfn < rp->npfn && rp->st[pfn] == RP_ST_NONE)
		return -1;
	return pg && pcp ? pz_page_zonenum(rp->pz, pg) : -1;
}

/* A block reaches cpu's list of zone zt leaving count pages there. */
static void lp_commit(struct replay *rp, unsigned cpu, uint64_t pfn, int zt, unsigned order,
		      unsigned count, bool batched)
{
	struct rp_pend *p = &rp->ls->pend[cpu];
	pz_page_t *pg = pz_pfn_to_page(rp->pz, pfn);
	int mt = pz_pageblock_migratetype(rp->pz, pfn);

	lp_settle(rp, cpu);
	if (!pg || mt < 0 || mt == PZ_MT_ISOLATE) /* isolated: straight to the buddy lists */
		return;
	p->on = true;
	p->zt = (int8_t)zt;
	p->order = (uint8_t)order;
	p->count = count;
	p->batched = batched;
	rp->ls->commits_batched += batched;
	p->predicted = lp_predict(rp, cpu, pz_page_to_nid(rp->pz, pg), p,
				  mt >= PZ_MT_PCPTYPES ? PZ_MT_MOVABLE : (unsigned)mt);
}

/* pagezone's count of cpu's lists of the zone (pz_pcp_count: no walk,
 * as this is asked at every free). */
static unsigned lp_count(struct replay *rp, uint64_t pfn, int zt, unsigned cpu)
{
	pz_page_t *pg = pz_pfn_to_page(rp->pz, pfn);
	int64_t n =
		pg ? pz_pcp_count(rp->pz, pz_page_to_nid(rp->pz, pg), (enum pz_zone_type)zt, cpu)
		   : 0;

	return n > 0 ? (unsigned)n : 0;
}

/* Commits queued free i of cpu: its list holds pagezone's count less the
 * pages queued after it. */
static void lp_commit_queued(struct replay *rp, unsigned cpu, unsigned i, bool batched)
{
	struct rp_lockstep *ls = rp->ls;
	const struct rp_freeq *e = &ls->fq[cpu][i];
	unsigned after = 0, count;

	for (unsigned j = i + 1; j < ls->nfq[cpu]; j++)
		after += ls->fq[cpu][j].zt == e->zt;
	count = lp_count(rp, e->pfn, e->zt, cpu);
	lp_commit(rp, cpu, e->pfn, e->zt, 0, count > after ? count - after : 0, batched);
}

/* Commits cpu's queued frees in order, as frees that were not batched. */
void lp_place(struct replay *rp, unsigned cpu)
{
	struct rp_lockstep *ls = rp->ls;

	ls->in_batch[cpu] = false;
	while (ls->qh[cpu] < ls->nfq[cpu])
		lp_commit_queued(rp, cpu, ls->qh[cpu]++, false);
	ls->qh[cpu] = ls->nfq[cpu] = 0;
}

/* An mm_page_free on cpu, before the replay frees the block. */
void lp_free(struct replay *rp, unsigned cpu, int64_t pfn, unsigned order)
{
	struct rp_lockstep *ls = rp->ls;
	int zt = lp_zone(rp, pfn, order);

	if (ls->in_batch[cpu])
		lp_place(rp, cpu); /* the batch's commit loop is over */
	lp_settle(rp, cpu);
	if (zt >= 0 && order == 0) {
		if (ls->nfq[cpu] == RP_FREEQ)
			lp_place(rp, cpu);
		ls->fq[cpu][ls->nfq[cpu]].pfn = (uint64_t)pfn;
		ls->fq[cpu][ls->nfq[cpu]++].zt = (int8_t)zt;
		return;
	}
	lp_place(rp, cpu);
	if (zt >= 0)
		lp_commit(rp, cpu, (uint64_t)pfn, zt, order,
			  lp_count(rp, (uint64_t)pfn, zt, cpu) + (1u << order), false);
}

/* mm_page_free_batched: the commit of queued free pfn; the queued frees
 * before it were not batched. */
void lp_free_batched(struct replay *rp, unsigned cpu, int64_t pfn)
{
	struct rp_lockstep *ls = rp->ls;
	unsigned i = ls->qh[cpu];

	while (i < ls->nfq[cpu] && ls->fq[cpu][i].pfn != (uint64_t)pfn)
		i++;
	if (i == ls->nfq[cpu]) {
		lp_settle(rp, cpu);
		return;
	}
	while (ls->qh[cpu] < i)
		lp_commit_queued(rp, cpu, ls->qh[cpu]++, false);
	lp_commit_queued(rp, cpu, ls->qh[cpu]++, true);
	ls->in_batch[cpu] = true;
}

/* A drain on cpu outside a batch follows the last of its queued frees. */
void lp_before_drain(struct replay *rp, unsigned cpu)
{
	if (!rp->ls->in_batch[cpu])
		lp_place(rp, cpu);
}

/* zone_batchsize: about a thousandth of the zone, at most 1 MiB, as
 * 2^n - 1 (at least 1). */
static unsigned lp_batchsize(uint64_t managed)
{
	uint64_t b = managed >> 10;
	unsigned p = 1;

	b = (b < 256 ? b : 256) / 4;
	b = b ? b : 1;
	b += b / 2;
	while ((uint64_t)p * 2 <= b)
		p *= 2;
	return p > 1 ? p - 1 : 1;
}

static void lp_set_stage(struct replay *rp, int stage)
{
	struct rp_lockstep *ls = rp->ls;
	uint64_t n = 0;

	ls->stage = stage;
	for (unsigned r = 0; r < RP_NR_ROWS; r++)
		n += ls->row[r].n;
	ls->stage_at[stage] = n;
	for (int t = 0; t < PZ_NR_ZONE_TYPES; t++) {
		unsigned high, batch;

		if (!ls->fbatch[t])
			continue;
		lp_sizes(ls, t, &high, &batch);
		for (unsigned nid = 0; nid < pz_nr_nodes(rp->pz); nid++) {
			const uint64_t *w = ls->wmark[t], zero[3] = {0, 0, 0};

			w = stage < 2 ? zero : w;
			pz_zone_set_pcp(rp->pz, (int)nid, (enum pz_zone_type)t, 1u << 30, batch);
			pz_zone_set_watermarks(rp->pz, (int)nid, (enum pz_zone_type)t, w[0], w[1],
					       w[2]);
		}
	}
}

/* The kernel refilled an order-0 list of zone zt with blocks blocks. */
void lp_refill_seen(struct replay *rp, int zt, unsigned order, unsigned blocks)
{
	struct rp_lockstep *ls = rp->ls;
	bool setup = blocks == ls->sbatch[zt] && blocks != ls->fbatch[zt];
	bool last = blocks == ls->fbatch[zt] && blocks != ls->sbatch[zt];

	if (!lp_modern(rp) || zt < 0 || ls->stage == 2 || !ls->fbatch[zt])
		return;
	if (order) { /* nr_pcp_alloc: one block of any order is boot_pageset's */
		if (ls->stage < 0 && blocks == 1 && ls->fbatch[zt] > 1)
			lp_set_stage(rp, 0);
		return;
	}
	if (ls->stage < 0)
		lp_set_stage(rp, blocks == 1 && ls->fbatch[zt] > 1 ? 0 : setup ? 1 : 2);
	else if (ls->stage == 0 && blocks > 1)
		lp_set_stage(rp, last ? 2 : 1);
	else if (ls->stage == 1 && last)
		lp_set_stage(rp, 2);
}

/* The recorded sizes, and the setup batch of each zone: the node's last
 * populated zone had one memory section then (deferred init). */
void lp_init(struct replay *rp)
{
	struct rp_lockstep *ls = rp->ls;

	ls->stage = lp_modern(rp) ? -1 : 2;
	for (unsigned n = 0; n < pz_nr_nodes(rp->pz); n++) {
		int last = -1;

		for (int t = 0; t < PZ_NR_ZONE_TYPES; t++) {
			struct pz_zone_info zi;

			if (!pz_zone_info(rp->pz, (int)n, (enum pz_zone_type)t, &zi) && zi.managed)
				last = t;
		}
		for (int t = 0; t < PZ_NR_ZONE_TYPES; t++) {
			struct pz_zone_info zi;
			uint64_t m;

			if (pz_zone_info(rp->pz, (int)n, (enum pz_zone_type)t, &zi) || !zi.managed)
				continue;
			m = t == last && zi.managed > RP_SECTION_PAGES ? RP_SECTION_PAGES
								       : zi.managed;
			ls->sbatch[t] = lp_batchsize(m);
			ls->wmark[t][0] = zi.wmark_min;
			ls->wmark[t][1] = zi.wmark_low;
			ls->wmark[t][2] = zi.wmark_high;
		}
	}
}
