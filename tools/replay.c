/*
 * replay.c - the free-running replay: each kernel event is replayed by
 * pagezone on the CPU that recorded it, following the traces' replay
 * rules:
 *
 *   mm_page_alloc, mm_page_free    the API level: replayed
 *   mm_page_free_batched           repeats an mm_page_free: not replayed
 *   isolate_free_page              compaction's free scanner: an allocation
 *                                  (its pages come back one by one)
 *   vmap_pages                     a page not yet allocated: an order-0
 *                                  allocation (vmalloc's bulk allocator)
 *   zone_locked, pcpu_drain,       the buddy level and fallbacks: counted,
 *   alloc_extfrag                  compared with pagezone's own tracepoints
 *
 * pagezone chooses its own blocks; the kernel pfn K of each allocation is
 * mapped to the pagezone pfn Q it got (map[K..K+n) = Q..Q+n, st[] says
 * head, tail, failed, compound), so a later free of K, whole or in parts,
 * frees the right pages here. Pages pagezone manages that the kernel did
 * not have free at the first event are held by the "pre-trace world"
 * (pre[], order-0 pages): a kernel free of one of them is memory entering
 * the allocator (rule 6) and frees that page here.
 */
#include "replay.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int rp_init(struct replay *rp, pz_t *pz, struct trace_reader *rd)
{
	memset(rp, 0, sizeof(*rp));
	rp->pz = pz;
	rp->rd = rd;
	rp->nr_cpus = pz_nr_cpus(pz);
	for (unsigned n = 0; n < pz_nr_nodes(pz); n++)
		for (int t = 0; t < PZ_NR_ZONE_TYPES; t++) {
			struct pz_zone_info zi;

			if (pz_zone_info(pz, (int)n, (enum pz_zone_type)t, &zi) == 0 &&
			    zi.start_pfn + zi.spanned > rp->npfn)
				rp->npfn = zi.start_pfn + zi.spanned;
		}
	rp->map = calloc(rp->npfn, sizeof(*rp->map));
	rp->st = calloc(rp->npfn, 1);
	rp->pre = calloc(rp->npfn, 1);
	snprintf(rp->phases[0].name, RP_PHASE_NAMELEN, "(before the first marker)");
	rp->nr_phases = 1;
	return rp->map && rp->st && rp->pre && rp->npfn < UINT32_MAX ? 0 : -1;
}

void rp_fini(struct replay *rp)
{
	free(rp->map);
	free(rp->st);
	free(rp->pre);
	free(rp->first_take);
	free(rp->rmap);
}

/*
 * pagezone's own compaction moved the block at pagezone pfn src to dst:
 * the kernel pfns mapped to it follow. Pages held since before the trace
 * (the kernel's own: text, page tables, slab) are not movable. A block
 * the map does not know (an allocation still returning) is refused.
 */
static enum pz_migrate_result rp_migrate(void *ctx, pz_t *pz, pz_page_t *src, pz_page_t *dst,
					 unsigned order, enum pz_migrate_mode mode)
{
	struct replay *rp = ctx;
	uint64_t q = pz_page_to_pfn(pz, src), d = pz_page_to_pfn(pz, dst), n = 1ull << order, k;

	(void)mode;
	if (q + n > rp->npfn || d + n > rp->npfn || !rp->rmap[q])
		return rp->pre[q] ? PZ_MIGRATE_PINNED : PZ_MIGRATE_UNKNOWN;
	k = rp->rmap[q] - 1;
	if (!(rp->st[k] & RP_ST_HEAD) || RP_ORDER(rp->st[k]) != order || rp->map[k] != q + 1)
		return PZ_MIGRATE_UNKNOWN;
	for (uint64_t i = 0; i < n; i++) {
		rp->map[k + i] = (uint32_t)(d + i + 1);
		rp->rmap[d + i] = (uint32_t)(k + i + 1);
		rp->rmap[q + i] = 0;
	}
	rp->s.migrated += n;
	return PZ_MIGRATE_OK;
}

int rp_compaction_on(struct replay *rp)
{
	rp->rmap = calloc(rp->npfn, sizeof(*rp->rmap));
	if (!rp->rmap)
		return -1;
	return pz_set_migrate_handler(rp->pz, rp_migrate, rp) ? -1 : 0;
}

void rp_trace_sink(void *ctx, const struct pz_trace_event *ev)
{
	struct replay *rp = ctx;

	if (ev->kind < PZ_TRACE_NR_KINDS)
		rp->s.here_kind[ev->kind]++;
}

static pz_page_t *rp_page(const struct replay *rp, uint64_t pzpfn)
{
	return pz_pfn_to_page(rp->pz, pzpfn);
}

void rp_skip_cause(struct replay *rp, const char *cause, uint64_t line)
{
	tr_skip(rp->rd, cause, false, line);
}

/* Takes every free block of one order (split into order-0 pages, held by
 * the pre-trace world). Returns the number of blocks taken. */
static uint64_t rp_take_order(struct replay *rp, unsigned order)
{
	uint64_t n = 0;
	pz_page_t *p;

	while ((p = pz_alloc_pages(rp->pz, PZ_GFP_HIGHUSER_MOVABLE | PZ__GFP_NOWARN, order))) {
		uint64_t pfn = pz_page_to_pfn(rp->pz, p);

		if (order)
			pz_split_page(rp->pz, p, order);
		if (pfn + (1ull << order) <= rp->npfn)
			memset(rp->pre + pfn, RP_PRE_TRACE, 1ull << order);
		n++;
	}
	return n;
}

/* Every managed page into the pre-trace world: no watermarks (a
 * PF_MEMALLOC task), every order from the largest down, per-CPU lists
 * drained until nothing more comes out. */
static void rp_take_all(struct replay *rp)
{
	struct pz_task task;

	pz_task_init(&task);
	task.flags |= PZ_TASK_MEMALLOC;
	pz_set_current_task(&task);
	pz_host_set_cpu(0);
	for (unsigned o = pz_max_order(rp->pz); o-- > 0;)
		rp_take_order(rp, o);
	do
		pz_drain_all_pages(rp->pz);
	while (rp_take_order(rp, 0));
	pz_set_current_task(NULL);
}

/* Frees the pre-trace pages of [pfn, pfn + n): now free in the kernel. */
static uint64_t rp_release_pre(struct replay *rp, uint64_t pfn, uint64_t n)
{
	uint64_t freed = 0;

	for (uint64_t p = pfn; p < pfn + n && p < rp->npfn; p++) {
		if (!rp->pre[p])
			continue;
		/* memblock_free_all made them free: __free_pages_core */
		pz_free_pages_core(rp->pz, rp_page(rp, p), 0);
		rp->pre[p] = 0;
		freed++;
	}
	return freed;
}

/* One "pfn,order,zone" row of initial_free_blocks.csv. */
static int rp_initial_row(struct replay *rp, const char *line)
{
	unsigned long long pfn;
	unsigned order;
	uint64_t n, got;

	if (sscanf(line, "%llu,%u,", &pfn, &order) != 2 || order >= PZ_MAX_ORDER_LIMIT)
		return -1;
	n = 1ull << order;
	got = rp_release_pre(rp, pfn, n);
	rp->s.start_kernel_free += n;
	rp->s.start_free_here += got;
	rp->s.start_not_managed += n - got;
	return 0;
}

int rp_start_state(struct replay *rp, const char *initial_free_csv, const char *labels_trace)
{
	char line[256];
	unsigned lineno = 0;
	FILE *f = NULL;

	rp_take_all(rp);
	/* labelled while nothing is free: each block is then freed to its
	 * type's list in pfn order (relabelling free blocks moves them to the
	 * list head, one pageblock after another) */
	if (labels_trace && rp_pageblock_labels(rp, labels_trace))
		return -1;
	if (!initial_free_csv) {
		rp->s.start_free_here = rp_release_pre(rp, 0, rp->npfn);
		rp_free_taken(rp);
		pz_drain_all_pages(rp->pz);
		return 0;
	}
	f = fopen(initial_free_csv, "r");
	if (!f) {
		tool_error("cannot open %s: %s", initial_free_csv, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (++lineno == 1 && !strncmp(line, "pfn,", 4))
			continue;
		if (rp_initial_row(rp, line)) {
			tool_error("%s:%u: not a 'pfn,order,zone' row", initial_free_csv, lineno);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	rp_free_taken(rp);
	pz_drain_all_pages(rp->pz);
	memset(rp->s.here_kind, 0, sizeof(rp->s.here_kind));
	return 0;
}
