/*
 * replay_events.c - one kernel event at a time (see replay.c for the
 * rules and the pfn map). Every event the replay cannot follow is counted
 * under a cause with its line number; nothing here stops the replay.
 */
#include "replay.h"

#include <string.h>

#define RP_ISOLATE_GFP ((PZ_GFP_HIGHUSER_MOVABLE & ~PZ__GFP_RECLAIM) | PZ__GFP_NOWARN)

static bool rp_in_range(const struct replay *rp, int64_t pfn, uint64_t n)
{
	return pfn >= 0 && (uint64_t)pfn + n <= rp->npfn;
}

static void rp_map(struct replay *rp, uint64_t k, unsigned order, uint64_t q, uint8_t flags)
{
	uint64_t n = 1ull << order;

	rp->st[k] = (uint8_t)(RP_ST_HEAD | order | flags);
	rp->map[k] = (uint32_t)(q + 1);
	for (uint64_t i = 1; i < n; i++) {
		rp->st[k + i] = (uint8_t)(RP_ST_TAIL | (flags & RP_ST_FAILED));
		rp->map[k + i] = (uint32_t)(q + i + 1);
	}
	for (uint64_t i = 0; rp->rmap && !(flags & RP_ST_FAILED) && i < n; i++)
		rp->rmap[q + i] = (uint32_t)(k + i + 1);
}

static void rp_unmap(struct replay *rp, uint64_t k, uint64_t n)
{
	for (uint64_t i = 0; rp->rmap && i < n; i++)
		if (rp->map[k + i] && rp->rmap[rp->map[k + i] - 1] == k + i + 1)
			rp->rmap[rp->map[k + i] - 1] = 0;
	memset(rp->st + k, 0, n);
	memset(rp->map + k, 0, n * sizeof(*rp->map));
}

/* Splits the non-compound block headed at h into order-0 heads. */
static int rp_split(struct replay *rp, uint64_t h)
{
	uint8_t s = rp->st[h];
	unsigned order = RP_ORDER(s);

	if (s & RP_ST_COMP)
		return -1;
	if (!(s & RP_ST_FAILED) &&
	    pz_split_page(rp->pz, pz_pfn_to_page(rp->pz, rp->map[h] - 1), order))
		return -1;
	for (uint64_t i = 0; i < (1ull << order); i++)
		rp->st[h + i] = (uint8_t)(RP_ST_HEAD | (s & RP_ST_FAILED));
	return 0;
}

/* Frees the block headed at k here (or forgets a failed one). */
static void rp_free_block(struct replay *rp, uint64_t k, uint64_t line)
{
	uint8_t s = rp->st[k];
	unsigned order = RP_ORDER(s);

	if (s & RP_ST_FAILED)
		rp_skip_cause(rp, "free of an allocation that failed here", line);
	else
		pz_free_pages(rp->pz, pz_pfn_to_page(rp->pz, rp->map[k] - 1), order);
	rp_unmap(rp, k, 1ull << order);
}

/*
 * A page of a kernel free that no trace allocation holds. Memory entering
 * the allocator comes in whole pageblocks or larger (deferred struct-page
 * init, memblock_free_all: __free_pages_core, straight to the buddy
 * lists); an order-0 free of such a page is free_reserved_area (the
 * initrd, init memory) or the free of a page allocated before the trace,
 * both through free_unref_page, so it goes to the per-CPU list as any
 * order-0 free does (the kernel's later pcpu_drain of it is then found).
 */
static void rp_free_untracked(struct replay *rp, uint64_t p, unsigned order, uint64_t line)
{
	if (rp->pre[p]) {
		pz_page_t *pg = pz_pfn_to_page(rp->pz, p);

		if (order == 0)
			pz_free_pages(rp->pz, pg, 0);
		else
			pz_free_pages_core(rp->pz, pg, 0);
		rp->pre[p] = 0;
		rp->s.pages_entering++;
	} else if (pz_pfn_state(rp->pz, p) == PZ_PAGE_STATE_INVALID) {
		rp_skip_cause(rp, "free of a page pagezone does not manage (hole/reserved here)",
			      line);
	} else {
		rp_skip_cause(rp, "free of a page that is free here and never allocated", line);
	}
}

/* Frees [k, k + n) page by page: whole blocks inside the range at once,
 * blocks reaching outside it split first (split_page, alloc_pages_exact). */
static void rp_free_range(struct replay *rp, uint64_t k, uint64_t n, unsigned order, uint64_t line)
{
	for (uint64_t p = k; p < k + n;) {
		uint8_t s = rp->st[p];
		uint64_t h = p;

		if (s == RP_ST_NONE) {
			rp_free_untracked(rp, p++, order, line);
			continue;
		}
		while (h > 0 && (rp->st[h] & RP_ST_TAIL))
			h--;
		if (h == p && p + (1ull << RP_ORDER(s)) <= k + n) {
			p += 1ull << RP_ORDER(s);
			rp_free_block(rp, h, line);
			continue;
		}
		if (rp_split(rp, h)) {
			rp_skip_cause(rp, "free of part of a compound allocation", line);
			return;
		}
	}
}

static void rp_free(struct replay *rp, const struct tr_event *ev)
{
	uint64_t n = 1ull << ev->order;

	if (!rp_in_range(rp, ev->pfn, n)) {
		rp_skip_cause(rp, "pfn outside the cloned machine", ev->line);
		return;
	}
	rp->s.frees++;
	rp_free_range(rp, (uint64_t)ev->pfn, n, ev->order, ev->line);
}

/* Before the kernel hands out [k, k + n): pages it held already are
 * implicitly freed, pages held since before the trace were on a per-CPU
 * list at the start (free for the kernel) and are freed here. */
static void rp_prepare(struct replay *rp, uint64_t k, uint64_t n, uint64_t line)
{
	for (uint64_t p = k; p < k + n; p++)
		if (rp->st[p] != RP_ST_NONE) {
			rp_skip_cause(rp, "allocation of a pfn the trace holds (freed first)",
				      line);
			rp_free_range(rp, k, n, 1, line);
			break;
		}
	for (uint64_t p = k; p < k + n; p++)
		if (rp->pre[p]) {
			pz_free_pages(rp->pz, pz_pfn_to_page(rp->pz, p), 0);
			rp->pre[p] = 0;
		}
}

static void rp_phase_alloc(struct replay *rp, const struct tr_event *ev, bool here)
{
	struct rp_phase *ph = &rp->phases[rp->phase];

	ph->allocs++;
	if (ev->order < pz_pageblock_order(rp->pz))
		return;
	ph->high_tried++;
	ph->high_ok_kernel += ev->pfn >= 0;
	ph->high_ok_here += here;
}

static void rp_alloc(struct replay *rp, const struct tr_event *ev)
{
	/* the simulated machine has no memory behind its pages to zero */
	pz_gfp_t gfp = ev->gfp & ~(pz_gfp_t)PZ__GFP_ZERO;
	uint64_t n = 1ull << ev->order;
	pz_page_t *p;

	if (ev->pfn >= 0 && !rp_in_range(rp, ev->pfn, n)) {
		rp_skip_cause(rp, "pfn outside the cloned machine", ev->line);
		return;
	}
	rp->s.allocs++;
	if ((int)pz_gfp_migratetype(ev->gfp) != ev->migratetype && !rp->s.gfp_mt_mismatch++)
		rp->s.gfp_mt_first_line = ev->line;
	if (ev->pfn >= 0)
		rp_prepare(rp, (uint64_t)ev->pfn, n, ev->line);
	if (rp->ls)
		p = ls_alloc(rp, ev->cpu, gfp, ev->order, ev->pfn, false);
	else
		p = pz_alloc_pages(rp->pz, gfp | PZ__GFP_NOWARN, ev->order);
	rp_phase_alloc(rp, ev, p != NULL);
	if (ev->pfn < 0) {
		if (p)
			pz_free_pages(rp->pz, p, ev->order);
		rp->s.ok_here_failed_there += p != NULL;
		rp->s.failed_both += p == NULL;
		return;
	}
	if (!p) {
		rp->s.failed_here_ok_there++;
		rp_map(rp, (uint64_t)ev->pfn, ev->order, 0, RP_ST_FAILED);
		return;
	}
	rp_map(rp, (uint64_t)ev->pfn, ev->order, pz_page_to_pfn(rp->pz, p),
	       (gfp & PZ__GFP_COMP) && ev->order ? RP_ST_COMP : 0);
}

/* Compaction's free scanner took a free block; its pages return one by
 * one, so the block is split here at once. */
static void rp_isolate(struct replay *rp, const struct tr_event *ev)
{
	uint64_t n = 1ull << ev->order, k = (uint64_t)ev->pfn, q;
	pz_page_t *p;

	if (!rp_in_range(rp, ev->pfn, n)) {
		rp_skip_cause(rp, "pfn outside the cloned machine", ev->line);
		return;
	}
	rp_prepare(rp, k, n, ev->line);
	p = rp->ls ? ls_isolate(rp, ev->cpu, k, ev->order)
		   : pz_alloc_pages(rp->pz, RP_ISOLATE_GFP, ev->order);
	if (!p) {
		rp->s.failed_here_ok_there++;
		rp_map(rp, k, ev->order, 0, RP_ST_FAILED);
		rp_split(rp, k);
		return;
	}
	q = pz_page_to_pfn(rp->pz, p);
	rp_map(rp, k, ev->order, q, 0);
	if (ev->order)
		rp_split(rp, k);
}

/* vmalloc's pages: those not yet allocated came from the bulk allocator
 * (lockstep: so did the pages past the 32 recorded, when every recorded
 * one did). */
static void rp_vmap(struct replay *rp, const struct tr_event *ev)
{
	unsigned bulk = 0;

	for (unsigned i = 0; i < ev->nr_pfns; i++) {
		uint64_t k = ev->pfns[i];
		pz_page_t *p;

		if (k >= rp->npfn) {
			rp_skip_cause(rp, "pfn outside the cloned machine", ev->line);
			continue;
		}
		bulk += rp->st[k] == RP_ST_NONE;
		if (rp->st[k] != RP_ST_NONE || rp->pre[k])
			continue;
		p = rp->ls ? ls_alloc(rp, ev->cpu, RP_VMAP_GFP, 0, (int64_t)k, true)
			   : pz_alloc_pages(rp->pz, RP_VMAP_GFP, 0);
		rp->s.allocs++;
		if (!p)
			rp->s.failed_here_ok_there++;
		rp_map(rp, k, 0, p ? pz_page_to_pfn(rp->pz, p) : 0, p ? 0 : RP_ST_FAILED);
	}
	if (rp->ls && ev->nr_pfns && bulk == ev->nr_pfns)
		ls_vmap_end(rp, ev->cpu, ev->pfns[ev->nr_pfns - 1],
			    ev->vmap_total > ev->nr_pfns ? ev->vmap_total - ev->nr_pfns : 0);
	if (ev->vmap_total > ev->nr_pfns)
		rp_skip_cause(rp, "vmap_pages beyond the 32 pages the kprobe records", ev->line);
}

/* A "PHASE name" marker: later events count for that phase. Names that
 * differ only in their numbers (churn_round_3_fork) share one row. */
static void rp_marker(struct replay *rp, const struct tr_event *ev)
{
	char name[RP_PHASE_NAMELEN];
	size_t n = 0;

	if (ev->marker_len < 6 || memcmp(ev->marker, "PHASE ", 6))
		return;
	for (size_t i = 6; i < ev->marker_len && n + 2 < sizeof(name); i++) {
		bool digit = ev->marker[i] >= '0' && ev->marker[i] <= '9';

		if (!digit)
			name[n++] = ev->marker[i];
		else if (!n || name[n - 1] != 'N')
			name[n++] = 'N';
	}
	name[n] = 0;
	for (unsigned i = 0; i < rp->nr_phases; i++)
		if (!strcmp(rp->phases[i].name, name)) {
			rp->phase = i;
			return;
		}
	if (rp->nr_phases == RP_MAX_PHASES) {
		rp_skip_cause(rp, "phase markers beyond the 64 reported", ev->line);
		return;
	}
	rp->phase = rp->nr_phases++;
	snprintf(rp->phases[rp->phase].name, RP_PHASE_NAMELEN, "%s", name);
}

void rp_event(struct replay *rp, const struct tr_event *ev)
{
	rp->s.events++;
	rp->s.kernel_kind[ev->kind]++;
	if (ev->kind != TR_MARKER && ev->cpu >= rp->nr_cpus) {
		rp_skip_cause(rp, "cpu beyond the cloned machine's CPUs", ev->line);
		return;
	}
	pz_host_set_cpu((int)ev->cpu);
	switch (ev->kind) {
	case TR_ALLOC:
		rp_alloc(rp, ev);
		break;
	case TR_FREE:
		if (rp->ls)
			ls_free_begin(rp, ev->cpu, ev->pfn, ev->order);
		rp_free(rp, ev);
		break;
	case TR_ISOLATE:
		rp_isolate(rp, ev);
		break;
	case TR_VMAP:
		rp_vmap(rp, ev);
		break;
	case TR_MARKER:
		rp_marker(rp, ev);
		break;
	default: /* buddy level, fallbacks, batched frees: compared by count */
		if (rp->ls)
			ls_kernel_event(rp, ev);
		break;
	}
	if (rp->ls && ev->kind != TR_PCPU_DRAIN && ev->kind != TR_MARKER)
		rp->ls->drain_run[ev->cpu] = false; /* the next drain starts a run */
	if (rp->ls && ev->cpu < RP_MAX_CPUS)
		rp->ls->own[ev->cpu]++;
}
