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
 *   fallback type of a mm_page_alloc_extfrag (the block's label before the
 *   steal) - and labels the block so before the first event.
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

/* The first label each pageblock shows in the trace (0xff: none). */
static void rp_first_labels(struct trace_reader *rd, uint8_t *lab, uint64_t nblocks, unsigned po)
{
	struct tr_event ev;
	uint8_t after_extfrag[PZ_MAX_CPUS] = {0};

	memset(&ev, 0, sizeof(ev));
	while (tr_next(rd, &ev) == 1) {
		uint64_t b = ev.pfn >= 0 ? (uint64_t)ev.pfn >> po : nblocks;
		unsigned c = ev.cpu < PZ_MAX_CPUS ? ev.cpu : 0;

		if (ev.kind == TR_EXTFRAG) {
			after_extfrag[c] = 1;
			rp_label_steal(lab, nblocks, po, &ev);
		} else if (ev.kind == TR_ZONE_LOCKED) {
			if (!after_extfrag[c] && b < nblocks && lab[b] == 0xff &&
			    ev.migratetype >= 0 && ev.migratetype < PZ_MT_PCPTYPES)
				lab[b] = (uint8_t)ev.migratetype;
		} else if (ev.kind == TR_ALLOC) {
			after_extfrag[c] = 0;
		}
	}
}

int rp_pageblock_labels(struct replay *rp, const char *trace)
{
	struct trace_reader rd;
	unsigned po = pz_pageblock_order(rp->pz);
	uint64_t nblocks = (rp->npfn >> po) + 1;
	uint8_t *lab = malloc(nblocks);

	if (!lab || tr_open(&rd, trace)) {
		free(lab);
		return -1;
	}
	memset(lab, 0xff, nblocks);
	rp_first_labels(&rd, lab, nblocks, po);
	tr_close(&rd);
	for (uint64_t b = 0; b < nblocks; b++) {
		int now = pz_pageblock_migratetype(rp->pz, b << po);

		if (lab[b] == 0xff || now < 0 || now == lab[b])
			continue;
		if (pz_set_pageblock_migratetype(rp->pz, b << po, (enum pz_migratetype)lab[b]) == 0)
			rp->s.blocks_labelled++;
	}
	free(lab);
	return 0;
}
