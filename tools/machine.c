/*
 * machine.c - where the simulated machine comes from: a /proc/zoneinfo
 * file (read here, so that the OS error or the parser's line can be
 * shown), the compact spec of --machine, or the built-in default; and its
 * vm sysctls (--sysctl FILE, or /proc/sys/vm with the live zoneinfo),
 * written into the instance through the library's setters.
 *
 * The compact spec (also in docs/pagezone.1):
 *
 *   SPEC  = [NODES "x"] SIZE [":" ZONE {"," ZONE}]
 *   NODES = 1..64 (default 1)       SIZE = per node: digits + K|M|G|T
 *   ZONE  = DMA | DMA32 | Normal | Movable, ascending, no repeats
 *           (default DMA,DMA32,Normal)
 *
 * Node n spans pfns [n * P, (n + 1) * P) with P = SIZE / 4 KiB (SIZE a
 * multiple of 4 MiB, the largest buddy block). Each node's memory is cut
 * where the kernel's x86-64 zones end: DMA below 16 MiB, DMA32 below
 * 4 GiB, Normal above. A piece whose zone is not listed goes to the next
 * listed zone above it (the kernel does the same when a zone is configured
 * out); a piece with no listed zone at or above it is an error. Movable,
 * when listed, takes the upper half (whole 4 MiB blocks) of each node's
 * Normal memory, as movablecore= carves it from the highest zone; a node
 * without Normal memory has no Movable zone.
 */
#include "tool.h"

#include <strings.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ZI_MAX_BYTES (64u << 20) /* a zoneinfo is a few KiB; refuse absurd files */
#define SPEC_BLOCK   1024u	 /* pages in the largest buddy block (4 MiB) */

struct spec_machine {
	struct pz_machine m; /* first: the pointer freed is this one */
	struct pz_node_desc nodes[PZ_MAX_NODES];
	struct pz_zone_desc zones[PZ_MAX_NODES][PZ_NR_ZONE_TYPES];
};

const struct pz_machine *machine_get(const struct tool_machine *m)
{
	return m->host ? &m->host->machine : m->spec;
}

void machine_free(struct tool_machine *m)
{
	pz_host_machine_free(m->host);
	if (m->release)
		m->release(m->release_arg);
	free(m->spec);
	free(m->late);
	m->late = NULL;
	m->host = NULL;
	m->spec = NULL;
}

/* Reads a whole (small) file; prints the OS error. Returns 0 or -1. */
int read_small_file(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0, got;
	char *buf = malloc(cap);

	if (!f || !buf) {
		tool_error("cannot open %s: %s", path, strerror(errno));
		free(buf);
		if (f)
			fclose(f);
		return -1;
	}
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n < cap)
			continue;
		if (cap >= ZI_MAX_BYTES) {
			tool_error("%s: larger than %u MiB, not a zoneinfo", path,
				   ZI_MAX_BYTES >> 20);
			goto fail;
		}
		char *bigger = realloc(buf, cap *= 2);
		if (!bigger) {
			tool_error("%s: out of memory", path);
			goto fail;
		}
		buf = bigger;
	}
	if (ferror(f)) {
		tool_error("cannot read %s: %s", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	*text = buf;
	*len = n;
	return 0;
fail:
	fclose(f);
	free(buf);
	return -1;
}

int machine_from_zoneinfo_file(const char *path, unsigned nr_cpus, struct tool_machine *out)
{
	char *text;
	const char *nul;
	size_t len;
	unsigned line = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (read_small_file(path, &text, &len))
		return -1;
	nul = memchr(text, 0, len);
	if (!len)
		tool_error("%s: empty file, not a /proc/zoneinfo", path);
	else if (nul)
		tool_error("%s: binary data (a NUL byte at offset %zu), not a /proc/zoneinfo", path,
			   (size_t)(nul - text));
	rc = (!len || nul) ? -PZ_EINVAL
			   : pz_host_machine_from_zoneinfo(text, len, nr_cpus, &out->host, &line);
	free(text);
	if (rc && len && !nul)
		tool_error("%s:%u: cannot use this zoneinfo (%s): a malformed line, a zone "
			   "section missing spanned/present/start_pfn (a truncated file) or zones "
			   "out of order",
			   path, line, pz_strerror(rc));
	if (rc)
		return -1;
	snprintf(out->source, sizeof(out->source), "cloned from %s", path);
	return 0;
}

int machine_sysctls_from_file(const char *path, struct tool_machine *m)
{
	char *text;
	size_t len;
	unsigned line = 0;
	int rc;

	if (read_small_file(path, &text, &len))
		return -1;
	rc = pz_host_sysctls_parse(text, len, &m->sysctls, &line);
	free(text);
	if (rc) {
		tool_error("%s:%u: a vm sysctl with a malformed value (decimal numbers below 2^31 "
			   "expected)",
			   path, line);
		return -1;
	}
	snprintf(m->sysctl_origin, sizeof(m->sysctl_origin), "%s", path);
	m->have_sysctls = 1;
	return 0;
}

void machine_sysctls_from_proc(struct tool_machine *m)
{
	if (pz_host_sysctls_read_dir(NULL, &m->sysctls) == 0) {
		snprintf(m->sysctl_origin, sizeof(m->sysctl_origin), "/proc/sys/vm");
		m->have_sysctls = 1;
	}
}

int machine_apply_sysctls(pz_t *pz, const struct tool_machine *m)
{
	static const char *const names[PZ_HOST_NR_SYSCTLS] = {
		"min_free_kbytes",	  "watermark_scale_factor",
		"watermark_boost_factor", "percpu_pagelist_high_fraction",
		"lowmem_reserve_ratio",	  "compaction_proactiveness"};
	enum pz_host_sysctl bad = PZ_HOST_MIN_FREE_KBYTES;
	struct pz_host_sysctls s = m->sysctls;
	int rc;

	if (!m->have_sysctls)
		return machine_release_late(pz, m);
	/* a live 5.9+ kernel's /proc/sys/vm has it; a 4.x profile has not:
	 * the clone of the running machine leaves it out */
	if (!strcmp(m->sysctl_origin, "/proc/sys/vm") &&
	    pz_compaction_proactiveness(pz) == -PZ_EOPNOTSUPP)
		s.line[PZ_HOST_COMPACTION_PROACTIVENESS] = 0;
	rc = pz_host_sysctls_apply(pz, &s, m->host, &bad);
	if (!rc)
		return machine_release_late(pz, m);
	if (rc == -PZ_EOPNOTSUPP)
		tool_error("%s:%u: compaction_proactiveness: profile %s has no proactive "
			   "compaction (Linux 5.9; use --profile linux-6.1 or drop the line)",
			   m->sysctl_origin, s.line[bad], pz_profile_name(pz_profile(pz)));
	else if (bad == PZ_HOST_LOWMEM_RESERVE_RATIO)
		tool_error("%s:%u: lowmem_reserve_ratio: %u value(s), but the machine's zoneinfo "
			   "lists %u zone(s) per node (or is no zoneinfo clone), or a value is "
			   "refused",
			   m->sysctl_origin, m->sysctls.line[bad], m->sysctls.nr_ratio,
			   m->host ? m->host->nr_zone_names : 0);
	else
		tool_error("%s:%u: %s %u is outside the kernel's range", m->sysctl_origin,
			   m->sysctls.line[bad], names[bad], m->sysctls.value[bad]);
	return -1;
}

int machine_default(unsigned nr_cpus, struct tool_machine *out)
{
	if (machine_from_spec(TOOL_DEFAULT_MACHINE, nr_cpus, out))
		return -1;
	snprintf(out->source, sizeof(out->source), "built-in default (%s)", TOOL_DEFAULT_MACHINE);
	return 0;
}

/* ---- the compact spec ------------------------------------------------ */

/* Zone names of the spec, by enum pz_zone_type (HighMem is 32-bit only). */
static int spec_zone_type(const char *s, size_t n)
{
	static const char *const names[PZ_NR_ZONE_TYPES] = {"DMA", "DMA32", "Normal", NULL,
							    "Movable"};

	for (int t = 0; t < PZ_NR_ZONE_TYPES; t++)
		if (names[t] && strlen(names[t]) == n && !strncasecmp(s, names[t], n))
			return t;
	return -1;
}

/* Parses the zone list into a bit mask of zone types. */
static int spec_zones(const char *s, unsigned *mask)
{
	int last = -1;

	*mask = 0;
	while (*s) {
		size_t n = strcspn(s, ",");
		int t = spec_zone_type(s, n);

		if (t < 0)
			return tool_refuse("--machine: unknown zone '%.*s' (zones are DMA, "
					   "DMA32, Normal, Movable)",
					   (int)n, s);
		if (t <= last)
			return tool_refuse("--machine: zone '%.*s' repeated or out of order "
					   "(list zones as DMA,DMA32,Normal,Movable)",
					   (int)n, s);
		last = t;
		*mask |= 1u << t;
		s += n + (s[n] == ',');
		if (s[-1] == ',' && !*s)
			return tool_refuse("--machine: empty zone name after ','");
	}
	if (!*mask)
		return tool_refuse("--machine: no zone listed after ':'");
	if (!(*mask & ~(1u << PZ_ZONE_MOVABLE)))
		return tool_refuse("--machine: Movable needs another zone below it");
	return 0;
}

/* The zone that holds pfns of natural type t: t itself if listed, else the
 * next listed one above it (Movable excluded); -1 if none. */
static int spec_owner(unsigned mask, int t)
{
	for (; t <= PZ_ZONE_NORMAL; t++)
		if (mask & (1u << t))
			return t;
	return -1;
}

/* Lays out node n's zones: [lo, hi) cut at 16 MiB and 4 GiB. */
static int spec_node(struct spec_machine *sm, unsigned n, uint64_t lo, uint64_t hi, unsigned mask)
{
	static const uint64_t ends[] = {4096, 1ull << 20, UINT64_MAX};
	struct pz_zone_desc *z = sm->zones[n];
	unsigned nz = 0;

	for (int t = PZ_ZONE_DMA; t <= PZ_ZONE_NORMAL && lo < hi; t++) {
		uint64_t end = ends[t] < hi ? ends[t] : hi;
		int owner = spec_owner(mask, t);

		if (lo >= end)
			continue;
		if (owner < 0)
			return tool_refuse("--machine: node %u has memory at pfns %#llx-%#llx "
					   "but no listed zone can hold it (list DMA32 or Normal)",
					   n, (unsigned long long)lo, (unsigned long long)end);
		if (nz && z[nz - 1].type == (enum pz_zone_type)owner) {
			z[nz - 1].end_pfn = end;
		} else {
			z[nz].type = (enum pz_zone_type)owner;
			z[nz].start_pfn = lo;
			z[nz++].end_pfn = end;
		}
		lo = end;
	}
	if (mask & (1u << PZ_ZONE_MOVABLE)) {
		struct pz_zone_desc *top = &z[nz - 1];
		uint64_t half = (top->end_pfn - top->start_pfn) / 2 / SPEC_BLOCK * SPEC_BLOCK;

		if (half && top->type == PZ_ZONE_NORMAL) {
			z[nz].type = PZ_ZONE_MOVABLE;
			z[nz].end_pfn = top->end_pfn;
			top->end_pfn -= half;
			z[nz++].start_pfn = top->end_pfn;
		}
	}
	sm->nodes[n].zones = z;
	sm->nodes[n].nr_zones = nz;
	return 0;
}

/* Splits "NxSIZE:ZONES" into its parts. */
static int spec_split(const char *text, unsigned *nodes, uint64_t *bytes, unsigned *mask)
{
	char buf[256], *colon, *x, *size = buf;

	if (strlen(text) >= sizeof(buf))
		return tool_refuse("--machine: spec too long");
	strcpy(buf, text);
	colon = strchr(buf, ':');
	if (colon)
		*colon = 0;
	x = strchr(buf, 'x');
	*nodes = 1;
	if (x) {
		*x = 0;
		size = x + 1;
		if (opt_unsigned("--machine (nodes before 'x')", buf, 1, PZ_MAX_NODES, nodes))
			return -1;
	}
	if (opt_size("--machine (size per node)", size, bytes))
		return -1;
	if (*bytes % ((uint64_t)SPEC_BLOCK << 12))
		return tool_refuse("--machine: size per node '%s' is not a multiple of 4M "
				   "(the largest buddy block)",
				   size);
	return spec_zones(colon ? colon + 1 : "DMA,DMA32,Normal", mask);
}

int machine_from_spec(const char *text, unsigned nr_cpus, struct tool_machine *out)
{
	struct spec_machine *sm;
	unsigned nodes, mask;
	uint64_t bytes, pages;

	memset(out, 0, sizeof(*out));
	if (spec_split(text, &nodes, &bytes, &mask))
		return -1;
	pages = bytes >> 12;
	if (pages > (1ull << 40) / nodes)
		return tool_refuse("--machine: '%s' is too large", text);
	sm = calloc(1, sizeof(*sm));
	if (!sm) {
		tool_error("--machine: out of memory");
		return -1;
	}
	for (unsigned n = 0; n < nodes; n++)
		if (spec_node(sm, n, n * pages, (n + 1) * pages, mask)) {
			free(sm);
			return -1;
		}
	sm->m.nr_nodes = nodes;
	sm->m.nodes = sm->nodes;
	sm->m.nr_cpus = nr_cpus;
	out->spec = &sm->m;
	snprintf(out->source, sizeof(out->source), "spec %s", text);
	return 0;
}
