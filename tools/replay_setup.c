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

/* One "start,node,zone,..." row; returns 1 when its settings were used. */
static int rp_knob_row(pz_t *pz, char *line, uint64_t boost[][PZ_NR_ZONE_TYPES])
{
	char *f[16];
	unsigned n = 0;
	int type, nid;
	uint64_t mark[3], b;

	for (char *s = line; n < 16; n++) {
		f[n] = s;
		s = strchr(s, ',');
		if (!s) {
			n++;
			break;
		}
		*s++ = 0;
	}
	if (n < 15 || strcmp(f[0], "start") || (type = rp_zone_type(f[2])) < 0 || !*f[13] ||
	    (nid = atoi(f[1])) < 0 || nid >= PZ_MAX_NODES)
		return 0;
	b = boost[nid][type];
	for (int i = 0; i < 3; i++) {
		mark[i] = strtoull(f[9 + i], NULL, 10);
		mark[i] -= mark[i] < b ? mark[i] : b;
	}
	if (pz_zone_set_watermarks(pz, nid, (enum pz_zone_type)type, mark[0], mark[1], mark[2]) ||
	    (b && pz_zone_set_watermark_boost(pz, nid, (enum pz_zone_type)type, b)))
		return 0;
	return pz_zone_set_pcp(pz, nid, (enum pz_zone_type)type, (unsigned)strtoul(f[13], NULL, 10),
			       (unsigned)strtoul(f[14], NULL, 10)) == 0;
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
			if (b < nblocks && lab[b] == 0xff && ev.fallback_mt >= 0 &&
			    ev.fallback_mt < PZ_MT_PCPTYPES)
				lab[b] = (uint8_t)ev.fallback_mt;
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
