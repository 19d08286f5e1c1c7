/*
 * replay_setup.c - the kernel's own settings and labels for a replay:
 *
 *   zones.csv (its "start" rows): each zone's min/low/high watermarks and
 *   per-CPU high/batch, set with pz_zone_set_watermarks / pz_zone_set_pcp
 *   so that a replay compares allocation policy, not the formulas
 *   (--computed-watermarks keeps the profile's own); the marks are 6.1's
 *   printed ones, boost included, so the start zoneinfo's boost is taken
 *   off and set apart (pz_zone_set_watermark_boost; 0 in every shared
 *   trace);
 *
 *   pageblock labels: a first pass over the trace takes, for every
 *   pageblock, the first label the trace shows - the free list of a
 *   mm_page_alloc_zone_locked that no fallback preceded on its CPU, or the
 *   fallback type of a mm_page_alloc_extfrag (the label before the steal,
 *   of every pageblock of the block fallen back to: 6.1's
 *   change_pageblock_range claims them all) - and labels the block so
 *   before the first event.
 */
#include "replay.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static int rp_zone_type(const char *name)
{
	for (int t = 0; t < PZ_NR_ZONE_TYPES; t++)
		if (!strcmp(pz_zone_type_name((enum pz_zone_type)t), name))
			return t;
	return -1;
}

/*
 * The boost of each zone in the zoneinfo the machine was cloned from
 * (6.1's "boost" line; 0 where there is none). 6.1 prints min/low/high
 * with the boost added (its *_wmark_pages), and zones.csv copies them, so
 * the base marks are the recorded ones minus the boost.
 */
static void rp_zoneinfo_boosts(const char *zoneinfo, uint64_t boost[][PZ_NR_ZONE_TYPES])
{
	FILE *f = zoneinfo ? fopen(zoneinfo, "r") : NULL;
	char line[256], name[32];
	int nid = -1, type = -1;
	unsigned long long b;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d, zone %31s", &nid, name) == 2)
			type = rp_zone_type(name);
		else if (sscanf(line, " boost %llu", &b) == 1 && nid >= 0 && nid < PZ_MAX_NODES &&
			 type >= 0)
			boost[nid][type] = b;
	}
	fclose(f);
}

/* One "start,node,zone,..." row of zones.csv (cut in place): its node,
 * zone type and min, low, high, pcp high, pcp batch. Returns 1 for a start
 * row of a zone with per-CPU sizes, else 0. */
static int rp_start_row(char *line, int *nid, int *type, uint64_t v[5])
{
	static const int col[5] = {9, 10, 11, 13, 14};
	char *f[16];
	unsigned n = 0;

	for (char *s = line; n < 16; n++) {
		f[n] = s;
		s = strchr(s, ',');
		if (!s) {
			n++;
			break;
		}
		*s++ = 0;
	}
	if (n < 15 || strcmp(f[0], "start") || (*type = rp_zone_type(f[2])) < 0 || !*f[13] ||
	    (*nid = atoi(f[1])) < 0 || *nid >= PZ_MAX_NODES)
		return 0;
	for (int i = 0; i < 5; i++)
		v[i] = strtoull(f[col[i]], NULL, 10);
	return 1;
}

/* One zones.csv row; returns 1 when its settings were used. */
static int rp_knob_row(pz_t *pz, char *line, uint64_t boost[][PZ_NR_ZONE_TYPES])
{
	int type, nid;
	uint64_t v[5], b;

	if (!rp_start_row(line, &nid, &type, v))
		return 0;
	b = boost[nid][type];
	for (int i = 0; i < 3; i++)
		v[i] -= v[i] < b ? v[i] : b;
	if (pz_zone_set_watermarks(pz, nid, (enum pz_zone_type)type, v[0], v[1], v[2]) ||
	    (b && pz_zone_set_watermark_boost(pz, nid, (enum pz_zone_type)type, b)))
		return 0;
	return pz_zone_set_pcp(pz, nid, (enum pz_zone_type)type, (unsigned)v[3], (unsigned)v[4]) ==
	       0;
}

void rp_wmark_compare(struct replay *rp, const char *zones_csv)
{
	FILE *f = zones_csv && zones_csv[0] ? fopen(zones_csv, "r") : NULL;
	char line[512];

	rp->nr_wm = 0;
	while (f && fgets(line, sizeof(line), f) && rp->nr_wm < RP_MAX_WM_ZONES) {
		struct rp_wmark_row *w = &rp->wm[rp->nr_wm];
		struct pz_zone_info zi;

		line[strcspn(line, "\r\n")] = 0;
		if (!rp_start_row(line, &w->nid, &w->type, w->kernel) ||
		    pz_zone_info(rp->pz, w->nid, (enum pz_zone_type)w->type, &zi) || !zi.managed)
			continue;
		/* 6.1 prints min/low/high with the boost added, as zones.csv has them */
		w->here[0] = zi.wmark_min;
		w->here[1] = zi.wmark_low;
		w->here[2] = zi.wmark_high;
		w->here[3] = zi.pcp_high;
		w->here[4] = zi.pcp_batch;
		rp->nr_wm++;
	}
	if (f)
		fclose(f);
}

static int rp_wm_equal(const struct rp_wmark_row *w)
{
	return !memcmp(w->here, w->kernel, sizeof(w->here));
}

void rp_text_wmarks(const struct replay *rp, FILE *out)
{
	int eq = 0;

	if (!rp->nr_wm)
		return;
	for (int i = 0; i < rp->nr_wm; i++)
		eq += rp_wm_equal(&rp->wm[i]);
	fprintf(out,
		"computed watermarks: %d of %d zone(s) equal to zones.csv (min/low/high pcp "
		"high/batch)\n",
		eq, rp->nr_wm);
	for (int i = 0; i < rp->nr_wm; i++) {
		const struct rp_wmark_row *w = &rp->wm[i];
		const uint64_t *a = w->here, *b = w->kernel;

		fprintf(out,
			"  node %d %-8s pagezone %llu/%llu/%llu %llu/%llu, kernel "
			"%llu/%llu/%llu %llu/%llu%s\n",
			w->nid, pz_zone_type_name((enum pz_zone_type)w->type),
			(unsigned long long)a[0], (unsigned long long)a[1],
			(unsigned long long)a[2], (unsigned long long)a[3],
			(unsigned long long)a[4], (unsigned long long)b[0],
			(unsigned long long)b[1], (unsigned long long)b[2],
			(unsigned long long)b[3], (unsigned long long)b[4],
			rp_wm_equal(w) ? "" : "  DIFFERENT");
	}
}

struct json_object *rp_json_wmarks(const struct replay *rp)
{
	static const char *const key[5] = {"min", "low", "high", "pcp_high", "pcp_batch"};
	struct json_object *a;

	if (!rp->nr_wm)
		return NULL;
	a = json_object_new_array();
	for (int i = 0; i < rp->nr_wm; i++) {
		const struct rp_wmark_row *w = &rp->wm[i];
		struct json_object *o = json_object_new_object(), *h = json_object_new_object();
		struct json_object *k = json_object_new_object();

		json_object_object_add(o, "node", json_object_new_int(w->nid));
		json_object_object_add(
			o, "zone",
			json_object_new_string(pz_zone_type_name((enum pz_zone_type)w->type)));
		for (int j = 0; j < 5; j++) {
			json_object_object_add(h, key[j], json_object_new_uint64(w->here[j]));
			json_object_object_add(k, key[j], json_object_new_uint64(w->kernel[j]));
		}
		json_object_object_add(o, "pagezone", h);
		json_object_object_add(o, "kernel", k);
		json_object_object_add(o, "equal", json_object_new_boolean(rp_wm_equal(w)));
		json_object_array_add(a, o);
	}
	return a;
}

int rp_kernel_knobs(pz_t *pz, const char *zones_csv, const char *zoneinfo)
{
	static uint64_t boost[PZ_MAX_NODES][PZ_NR_ZONE_TYPES];
	FILE *f = fopen(zones_csv, "r");
	char line[512];
	int used = 0;

	memset(boost, 0, sizeof(boost));
	rp_zoneinfo_boosts(zoneinfo, boost);

	if (!f) {
		tool_error("cannot open %s: %s", zones_csv, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		used += rp_knob_row(pz, line, boost);
	}
	fclose(f);
	return used;
}

/* Per pageblock, what the label pass saw (rp_first_labels). */
#define RP_BLK_TOUCHED 1u /* an allocation took a page of it */
#define RP_BLK_ENTERED 2u /* a whole-block free of its first pfn came before that */
/* Per pfn: an event named it; the first was a take from the buddy lists. */
#define RP_PG_SEEN  1u
#define RP_PG_BUDDY 2u

/* What the pass over the trace collects before the first event. */
struct rp_scan {
	uint8_t *lab;  /* per pageblock: the first label shown (0xff: none) */
	uint8_t *blk;  /* per pageblock: RP_BLK_* */
	uint8_t *page; /* per pfn: RP_PG_* */
	uint64_t nblocks, npfn;
	unsigned po;
	uint8_t after_extfrag[PZ_MAX_CPUS];
};

/* Marks the blocks of [pfn, pfn + 2^order): taken by an allocation, or
 * (entering) freed whole before any allocation had touched them. */
static void rp_mark_blocks(struct rp_scan *sc, int64_t pfn, unsigned order, bool entering)
{
	uint64_t b, n;

	if (pfn < 0)
		return;
	b = (uint64_t)pfn >> sc->po;
	n = order > sc->po ? 1ull << (order - sc->po) : 1;
	for (uint64_t i = b; i < b + n && i < sc->nblocks; i++)
		if (!entering)
			sc->blk[i] |= RP_BLK_TOUCHED;
		else if (!(sc->blk[i] & RP_BLK_TOUCHED))
			sc->blk[i] |= RP_BLK_ENTERED;
}

/* The pages of [pfn, pfn + 2^order) are named by an event; buddy: one
 * that takes them from the buddy lists (a refill, compaction's free
 * scanner). */
static void rp_mark_pages(struct rp_scan *sc, int64_t pfn, unsigned order, bool buddy)
{
	for (uint64_t q = (uint64_t)pfn;
	     pfn >= 0 && q < (uint64_t)pfn + (1ull << order) && q < sc->npfn; q++)
		if (!(sc->page[q] & RP_PG_SEEN))
			sc->page[q] = (uint8_t)(RP_PG_SEEN | (buddy ? RP_PG_BUDDY : 0));
}

/* An extfrag shows the label of every pageblock of the block it fell back
 * to before the steal: a block above pageblock order is relabelled whole
 * (steal_suitable_fallback's change_pageblock_range), so the pageblocks
 * after its first had that label too. Before 2026-12-06 only the first
 * was labelled, and the others took the stealer's type from the trace's
 * later events: boot's order-10 steals left their second pageblock's
 * free blocks on the unmovable lists from the start (orders 4-8 51%). */
static void rp_label_steal(uint8_t *lab, uint64_t nblocks, unsigned po, const struct tr_event *ev)
{
	unsigned fo = ev->fallback_order > po && ev->fallback_order < 32 ? ev->fallback_order : po;
	uint64_t first, n = 1ull << (fo - po);

	if (ev->pfn < 0 || ev->fallback_mt < 0 || ev->fallback_mt >= PZ_MT_PCPTYPES)
		return;
	first = ((uint64_t)ev->pfn >> po) & ~(n - 1);
	for (uint64_t b = first; b < first + n && b < nblocks; b++)
		if (lab[b] == 0xff)
			lab[b] = (uint8_t)ev->fallback_mt;
}

static void rp_scan_labels(struct rp_scan *sc, const struct tr_event *ev)
{
	uint64_t b = ev->pfn >= 0 ? (uint64_t)ev->pfn >> sc->po : sc->nblocks;
	unsigned c = ev->cpu < PZ_MAX_CPUS ? ev->cpu : 0;

	if (ev->kind == TR_EXTFRAG) {
		sc->after_extfrag[c] = 1;
		rp_label_steal(sc->lab, sc->nblocks, sc->po, ev);
	} else if (ev->kind == TR_ZONE_LOCKED) {
		if (!sc->after_extfrag[c] && b < sc->nblocks && sc->lab[b] == 0xff &&
		    ev->migratetype >= 0 && ev->migratetype < PZ_MT_PCPTYPES)
			sc->lab[b] = (uint8_t)ev->migratetype;
	} else if (ev->kind == TR_ALLOC) {
		sc->after_extfrag[c] = 0;
	}
}

/* The first label each pageblock shows in the trace, which blocks memory
 * entered whole, and which pages an event first took from the buddy. */
static void rp_scan_trace(struct trace_reader *rd, struct rp_scan *sc)
{
	struct tr_event ev;
	bool take, pfn_free;

	memset(&ev, 0, sizeof(ev));
	while (tr_next(rd, &ev) == 1) {
		rp_scan_labels(sc, &ev);
		take = ev.kind == TR_ZONE_LOCKED || ev.kind == TR_ISOLATE;
		if (take || ev.kind == TR_ALLOC)
			rp_mark_blocks(sc, ev.pfn, ev.order, false);
		pfn_free = ev.pfn >= 0 && !((uint64_t)ev.pfn & ((1ull << sc->po) - 1));
		if (ev.kind == TR_FREE && ev.order >= sc->po && pfn_free)
			rp_mark_blocks(sc, ev.pfn, ev.order, true);
		if (ev.kind == TR_VMAP)
			for (unsigned i = 0; i < ev.nr_pfns; i++)
				rp_mark_pages(sc, (int64_t)ev.pfns[i], 0, false);
		else if (ev.kind != TR_MARKER && ev.kind != TR_EXTFRAG)
			rp_mark_pages(sc, ev.pfn, ev.order, take);
	}
}

/* The first pfn of zone zi that deferred struct page init left for later
 * (6.1's defer_init: the node's last zone keeps its first section, counted
 * in present pages, and stops at the next section boundary), or its end. */
static uint64_t rp_first_deferred(struct replay *rp, const struct pz_zone_info *zi)
{
	uint64_t n = 0, end = zi->start_pfn + zi->spanned;

	for (uint64_t p = zi->start_pfn; p < end && p < rp->npfn; p++) {
		n += pz_pfn_state(rp->pz, p) != PZ_PAGE_STATE_INVALID;
		if (n > RP_SECTION_PAGES && !(p & (RP_SECTION_PAGES - 1)))
			return p;
	}
	return end;
}

/*
 * Pageblock labels live in a bitmap that starts zeroed: MIGRATE_UNMOVABLE.
 * memmap_init labels every early block MOVABLE, but with deferred struct
 * page init the node's last zone past its first section is labelled only
 * by deferred_free_range, which marks MOVABLE each block whose first pfn
 * it frees - and it frees only what memblock had free. A block whose first
 * page was reserved then (the trace ring buffer, early allocations, the
 * initrd) keeps UNMOVABLE, and the pages later freed in it go to the
 * UNMOVABLE lists. The trace shows deferred init's work as whole-block
 * frees of pages never allocated: every other block of that range with no
 * label of its own in the trace is UNMOVABLE. (Without this, boot's early
 * unmovable allocations took free pages that pagezone had put on the
 * MOVABLE lists: 580 of its 1,011 order-0 pfn misses.) A block that
 * deferred init frees only in part from its first pfn (order-0 frees) is
 * not recognised: one in boot.
 */
static void rp_deferred_labels(struct replay *rp, struct rp_scan *sc)
{
	for (unsigned nid = 0; nid < pz_nr_nodes(rp->pz); nid++) {
		struct pz_zone_info zi, last = {0};

		for (int t = 0; t < PZ_NR_ZONE_TYPES; t++)
			if (!pz_zone_info(rp->pz, (int)nid, (enum pz_zone_type)t, &zi) &&
			    zi.present)
				last = zi;
		if (!last.present)
			continue;
		for (uint64_t b = (rp_first_deferred(rp, &last) + (1ull << sc->po) - 1) >> sc->po;
		     b < sc->nblocks && (b << sc->po) < last.start_pfn + last.spanned; b++)
			if (sc->lab[b] == 0xff && !(sc->blk[b] & RP_BLK_ENTERED)) {
				sc->lab[b] = PZ_MT_UNMOVABLE;
				rp->s.blocks_uninit++;
			}
	}
}

/*
 * initial_free_blocks.csv is the end snapshot with the events undone, and
 * a page that a refill (or compaction's free scanner) took from the buddy
 * lists with no mm_page_alloc after it - the bulk allocator's, one taken
 * by vmalloc beyond the 32 pages vmap_pages records - and that stayed in
 * use is missing from it. The first event naming such a page is that
 * take: the page was free at the start, and is freed here (as
 * memblock_free_all freed it). boot had 1,110 refill blocks that were not
 * free here, and a pageblock pair that the kernel stole whole at order 10
 * while pagezone still held 38 of its pages. Called once the start's free
 * set is free (rp_pageblock_labels' pass found the pages before it).
 */
void rp_free_taken(struct replay *rp)
{
	for (uint64_t q = 0; rp->first_take && q < rp->npfn; q++)
		if ((rp->first_take[q] & RP_PG_BUDDY) && rp->pre[q] == RP_PRE_TRACE) {
			pz_free_pages_core(rp->pz, pz_pfn_to_page(rp->pz, q), 0);
			rp->pre[q] = 0;
			rp->s.start_free_taken++;
		}
	free(rp->first_take);
	rp->first_take = NULL;
}

int rp_pageblock_labels(struct replay *rp, const char *trace)
{
	struct trace_reader rd;
	struct rp_scan sc = {.po = pz_pageblock_order(rp->pz), .npfn = rp->npfn};
	int rc = -1;

	sc.nblocks = (rp->npfn >> sc.po) + 1;
	sc.lab = malloc(sc.nblocks);
	sc.blk = calloc(sc.nblocks, 1);
	sc.page = calloc(rp->npfn + 1, 1);
	if (sc.lab && sc.blk && sc.page && !tr_open(&rd, trace)) {
		memset(sc.lab, 0xff, sc.nblocks);
		rp_scan_trace(&rd, &sc);
		tr_close(&rd);
		rp_deferred_labels(rp, &sc);
		for (uint64_t b = 0; b < sc.nblocks; b++) {
			int now = pz_pageblock_migratetype(rp->pz, b << sc.po);

			if (sc.lab[b] == 0xff || now < 0 || now == sc.lab[b])
				continue;
			if (!pz_set_pageblock_migratetype(rp->pz, b << sc.po,
							  (enum pz_migratetype)sc.lab[b]))
				rp->s.blocks_labelled++;
		}
		rc = 0;
	}
	free(sc.lab);
	free(sc.blk);
	free(rp->first_take);
	rp->first_take = rc ? NULL : sc.page; /* for rp_free_taken, after the start's frees */
	if (rc)
		free(sc.page);
	return rc;
}
