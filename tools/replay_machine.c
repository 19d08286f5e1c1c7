/*
 * replay_machine.c - the trace's machine as it was, not as /proc/zoneinfo
 * summarises it. zoneinfo gives only counts, and a clone of it puts the
 * holes at the end of each zone and the reserved pages at its start; the
 * folder has what is needed to place them exactly:
 *
 *   zones.csv ("start" rows)   each zone's span [start_pfn, end_pfn_excl)
 *   snap/dmesg.txt             "Early memory node ranges": present memory
 *   snap/kpageflags.start.bin.gz  one u64 per pfn; bit 32 (PG_reserved)
 *                              marks pages never given to the allocator
 *
 * so that every zone's managed count is the kernel's (checked against
 * zones.csv) and the kernel's free blocks all fall in managed memory.
 * Only the public machine description is used (present and reserved
 * ranges). With --computed-watermarks the boot log's late pages (initrd,
 * unused kernel image: bootlog.c) are held as reserved runs while the
 * instance computes its marks and freed after (replay_exact_hold and
 * _release), as 6.1 freed them after khugepaged set its marks; the start
 * state then takes every page and frees the kernel's free set, so where
 * in the zone a run lies changes nothing.
 */
#define _POSIX_C_SOURCE 200809L
#include "replay.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define XM_MAX_RANGES 64
#define KPF_RESERVED  32

struct xm_zone {
	int nid, type;
	uint64_t start, end, managed;
};

struct exact_machine {
	struct pz_machine m; /* first: freed through this pointer */
	struct pz_node_desc nodes[PZ_MAX_NODES];
	struct pz_zone_desc zones[PZ_MAX_NODES][PZ_NR_ZONE_TYPES];
	uint64_t managed[PZ_MAX_NODES][PZ_NR_ZONE_TYPES]; /* zones.csv's */
	/* replay_exact_hold: the first pfn of each zone's held run */
	uint64_t held[PZ_MAX_NODES][PZ_NR_ZONE_TYPES];
};

/* The "start" rows of zones.csv with pages. Returns the count or -1. */
static int xm_zones(const char *path, struct xm_zone *z, int max)
{
	FILE *f = fopen(path, "r");
	char line[512], name[16];
	int n = 0;

	while (f && fgets(line, sizeof(line), f) && n < max) {
		unsigned long long s, e, spanned, present, managed;
		int nid;

		if (sscanf(line, "start,%d,%15[^,],%llu,%llu,%llu,%llu,%llu", &nid, name, &s, &e,
			   &spanned, &present, &managed) != 7 ||
		    !present)
			continue;
		for (int t = 0; t < PZ_NR_ZONE_TYPES; t++)
			if (pz_zone_type_name((enum pz_zone_type)t) &&
			    !strcmp(name, pz_zone_type_name((enum pz_zone_type)t)))
				z[n] = (struct xm_zone){nid, t, s, e, managed};
		if (z[n].end > z[n].start && nid >= 0 && nid < PZ_MAX_NODES)
			n++;
	}
	if (f)
		fclose(f);
	return f && n ? n : -1;
}

/* dmesg's "node N: [mem 0xA-0xB]" lines after "Early memory node ranges". */
static int xm_present(const char *path, struct pz_range *r, int max)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int n = 0, in = 0;

	while (f && fgets(line, sizeof(line), f) && n < max) {
		unsigned long long a, b;
		const char *p = strstr(line, "node ");
		int nid;

		if (strstr(line, "Early memory node ranges")) {
			in = 1;
			continue;
		}
		if (!in)
			continue;
		if (!p || sscanf(p, "node %d: [mem %llx-%llx]", &nid, &a, &b) != 3)
			break;
		r[n++] = (struct pz_range){a >> 12, (b + 1) >> 12};
	}
	if (f)
		fclose(f);
	return n ? n : -1;
}

/* Appends [s, e) to a growing range array. */
static int xm_push(struct pz_range **v, unsigned *n, unsigned *cap, uint64_t s, uint64_t e)
{
	if (*n && (*v)[*n - 1].end == s) {
		(*v)[*n - 1].end = e;
		return 0;
	}
	if (*n == *cap) {
		struct pz_range *b = realloc(*v, (*cap = *cap ? *cap * 2 : 64) * sizeof(**v));

		if (!b)
			return -1;
		*v = b;
	}
	(*v)[(*n)++] = (struct pz_range){s, e};
	return 0;
}

/* PG_reserved of every pfn below npfn, from the gzip'd kpageflags. */
static uint8_t *xm_reserved(const char *path, uint64_t npfn)
{
	gzFile gz = gzopen(path, "rb");
	uint8_t *resv = calloc(npfn, 1);
	uint64_t buf[8192], pfn = 0;
	int got;

	while (gz && resv && pfn < npfn && (got = gzread(gz, buf, sizeof(buf))) > 0)
		for (int i = 0; i < got / 8 && pfn < npfn; i++)
			resv[pfn++] = (uint8_t)((buf[i] >> KPF_RESERVED) & 1);
	if (gz)
		gzclose(gz);
	if (resv && pfn < npfn) {
		tool_error("%s: %llu pfns, the zones need %llu", path, (unsigned long long)pfn,
			   (unsigned long long)npfn);
		free(resv);
		return NULL;
	}
	return resv;
}

static void xm_release(void *arg)
{
	struct exact_machine *xm = arg;

	for (unsigned n = 0; n < xm->m.nr_nodes; n++)
		for (unsigned z = 0; z < xm->nodes[n].nr_zones; z++) {
			free((void *)xm->zones[n][z].present);
			free((void *)xm->zones[n][z].reserved);
		}
}

/* One zone's present and reserved ranges. Returns its managed pages. */
static int64_t xm_zone(struct pz_zone_desc *zd, const struct xm_zone *z, const struct pz_range *pr,
		       int npr, const uint8_t *resv)
{
	struct pz_range *p = NULL, *r = NULL;
	unsigned np = 0, nr = 0, cp = 0, cr = 0;
	int64_t managed = 0;

	for (int i = 0; i < npr; i++) {
		uint64_t s = pr[i].start > z->start ? pr[i].start : z->start;
		uint64_t e = pr[i].end < z->end ? pr[i].end : z->end;

		if (s < e && xm_push(&p, &np, &cp, s, e))
			return -1;
		for (uint64_t q = s; q < e; q++) {
			if (resv[q] && xm_push(&r, &nr, &cr, q, q + 1))
				return -1;
			managed += !resv[q];
		}
	}
	zd->type = (enum pz_zone_type)z->type;
	zd->start_pfn = z->start;
	zd->end_pfn = z->end;
	zd->present = p;
	zd->nr_present = np;
	zd->reserved = r;
	zd->nr_reserved = nr;
	return managed;
}

/* Lays the zones into nodes; prints zones whose managed count differs. */
static int xm_build(struct exact_machine *xm, const struct xm_zone *z, int nz,
		    const struct pz_range *pr, int npr, const uint8_t *resv)
{
	for (int i = 0; i < nz; i++) {
		struct pz_node_desc *nd = &xm->nodes[z[i].nid];
		struct pz_zone_desc *zd = &xm->zones[z[i].nid][nd->nr_zones];
		int64_t managed;

		if ((unsigned)z[i].nid + 1 > xm->m.nr_nodes)
			xm->m.nr_nodes = (unsigned)z[i].nid + 1;
		nd->zones = xm->zones[z[i].nid];
		nd->nr_zones++;
		managed = xm_zone(zd, &z[i], pr, npr, resv);
		if (managed < 0 || !zd->nr_present)
			return -1;
		if ((uint64_t)managed != z[i].managed)
			tool_error("warning: zone %s of node %d: %lld managed pages from "
				   "kpageflags, %llu in zones.csv",
				   pz_zone_type_name(zd->type), z[i].nid, (long long)managed,
				   (unsigned long long)z[i].managed);
	}
	xm->m.nodes = xm->nodes;
	return 0;
}

int replay_exact_machine(const char *dir, unsigned nr_cpus, struct tool_machine *out)
{
	char zones[4096], dmesg[4096], kpf[4096];
	struct xm_zone z[PZ_MAX_NODES];
	struct pz_range pr[XM_MAX_RANGES];
	struct exact_machine *xm;
	uint8_t *resv;
	int nz, npr, rc;

	snprintf(zones, sizeof(zones), "%s/zones.csv", dir);
	snprintf(dmesg, sizeof(dmesg), "%s/snap/dmesg.txt", dir);
	snprintf(kpf, sizeof(kpf), "%s/snap/kpageflags.start.bin.gz", dir);
	nz = xm_zones(zones, z, PZ_MAX_NODES);
	npr = xm_present(dmesg, pr, XM_MAX_RANGES);
	if (nz < 0 || npr < 0)
		return 1;
	resv = xm_reserved(kpf, z[nz - 1].end);
	xm = calloc(1, sizeof(*xm));
	rc = resv && xm ? xm_build(xm, z, nz, pr, npr, resv) : -1;
	free(resv);
	if (xm && rc)
		xm_release(xm);
	if (rc) {
		free(xm);
		return resv ? -1 : 1;
	}
	memset(out, 0, sizeof(*out));
	xm->m.nr_cpus = nr_cpus;
	out->spec = &xm->m;
	out->release = xm_release;
	out->release_arg = xm;
	snprintf(out->source, sizeof(out->source),
		 "zones.csv spans, dmesg present ranges, kpageflags.start reserved pages");
	return 0;
}

/* The first run of n managed (present, not reserved) pfns of zone zd;
 * false when none is long enough. */
static bool xm_find_run(const struct pz_zone_desc *zd, uint64_t n, uint64_t *at)
{
	for (unsigned i = 0; i < zd->nr_present; i++) {
		uint64_t c = zd->present[i].start, pe = zd->present[i].end;

		for (unsigned r = 0; r < zd->nr_reserved; r++) {
			const struct pz_range *rr = &zd->reserved[r];

			if (rr->end <= c || rr->start >= pe)
				continue;
			if (rr->start >= c + n)
				break;
			c = rr->end;
		}
		if (c + n <= pe) {
			*at = c;
			return true;
		}
	}
	return false;
}

/* zd's reserved ranges with [s, s + n) added, in order, merged. */
static int xm_add_reserved(struct pz_zone_desc *zd, uint64_t s, uint64_t n)
{
	struct pz_range *v = NULL;
	unsigned nv = 0, cap = 0, i = 0;
	bool done = false;

	while (i < zd->nr_reserved || !done) {
		struct pz_range r;

		if (!done && (i == zd->nr_reserved || zd->reserved[i].start > s)) {
			r = (struct pz_range){s, s + n};
			done = true;
		} else {
			r = zd->reserved[i++];
		}
		if (nv && v[nv - 1].end > r.start) {
			free(v);
			return -1; /* overlaps: xm_find_run chose badly */
		}
		if (xm_push(&v, &nv, &cap, r.start, r.end)) {
			free(v);
			return -1;
		}
	}
	free((void *)zd->reserved);
	zd->reserved = v;
	zd->nr_reserved = nv;
	return 0;
}

int replay_exact_hold(struct tool_machine *m)
{
	struct exact_machine *xm = m->release_arg;

	for (unsigned n = 0; m->late && n < xm->m.nr_nodes; n++)
		for (unsigned i = 0; i < xm->nodes[n].nr_zones; i++) {
			struct pz_zone_desc *zd = &xm->zones[n][i];
			uint64_t want = m->late->pages[n][zd->type], at;

			if (!want)
				continue;
			if (!xm_find_run(zd, want, &at) || xm_add_reserved(zd, at, want)) {
				tool_error(
					"the boot log's %llu late pages of node %u %s do not fit "
					"in one run of its managed memory",
					(unsigned long long)want, n, pz_zone_type_name(zd->type));
				return -1;
			}
			xm->held[n][zd->type] = at;
		}
	return 0;
}

int replay_exact_release(pz_t *pz, const struct tool_machine *m)
{
	const struct exact_machine *xm = m->release_arg;
	struct pz_vm_sysctls cur;
	int rc = 0;

	for (unsigned n = 0; m->late && !rc && n < xm->m.nr_nodes; n++)
		for (unsigned i = 0; !rc && i < xm->nodes[n].nr_zones; i++) {
			enum pz_zone_type t = xm->zones[n][i].type;
			uint64_t want = m->late->pages[n][t];

			if (want)
				rc = pz_free_reserved_pages(pz, xm->held[n][t], want);
		}
	/* the reserves from the final managed counts, as the recorded
	 * machines had them (pz_host_late_free_release does the same) */
	if (!rc && m->late && !(rc = pz_get_vm_sysctls(pz, &cur)))
		rc = pz_set_lowmem_reserve_ratio(pz, cur.lowmem_reserve_ratio,
						 PZ_NR_ZONE_TYPES - 1);
	if (rc)
		tool_error("cannot free the boot log's late pages into %s: %s", m->source,
			   pz_strerror(rc));
	return rc ? -1 : 0;
}
