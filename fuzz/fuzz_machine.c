/*
 * fuzz_machine.c - libFuzzer target for the machine description, the
 * "parser" of which is pz_metadata_size() / pz_init() reading a struct
 * pz_machine.
 *
 * The input decodes into an arbitrary, most likely invalid, description:
 * any node and CPU counts, zones of any type in any order, spans and ranges
 * that are empty, unordered, overlapping, outside their zone or near the
 * top of the pfn space, misaligned CMA, distance tables with zeros, CPUs on
 * missing nodes, any geometry. Every array handed to the library has
 * exactly the length its count says (a NULL array with a non-zero count is
 * a deliberate case). The library must never crash, pz_init must refuse
 * whatever pz_metadata_size refused, and an instance it builds must pass
 * pz_validate, show consistent zones (managed <= present <= spanned, all
 * managed pages free) and survive a few allocations and frees.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "pagezone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_META   ((size_t)16 << 20)
#define MAX_ARRAY  600 /* more nodes / CPUs than any limit: refused before use */
#define MAX_RANGES 5

static void fail(const char *what, long long a, long long b) __attribute__((noreturn));
static void fail(const char *what, long long a, long long b)
{
	fprintf(stderr, "fuzz_machine: INVARIANT BROKEN: %s (%lld, %lld)\n", what, a, b);
	abort();
}

static void sink(void *ctx, enum pz_log_level level, const char *msg)
{
	(void)level;
	if (!msg || strlen(msg) > 4096)
		fail("log message missing or unterminated", 0, 0);
	++*(unsigned *)ctx;
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "pagezone: %s\n", msg);
}

/* All the memory of one decoded machine, freed after the run. */
struct owned {
	void *p[4096];
	unsigned n;
};

static void *own(struct owned *o, size_t n)
{
	void *p;

	if (o->n == sizeof(o->p) / sizeof(o->p[0]))
		return NULL;
	p = calloc(n ? n : 1, 1);
	if (!p)
		fail("out of memory", (long long)n, 0);
	o->p[o->n++] = p;
	return p;
}

/* A pfn: mostly just after the cursor (plausible machines), sometimes wild. */
static uint64_t pick_pfn(struct rd *r, uint64_t cursor)
{
	unsigned m = u8(r);

	switch (m % 16) {
	case 0:
		return u16(r);
	case 1:
		return u64(r);
	case 2:
		return 0xfffffffeull + (uint64_t)(int)(u8(r) % 16) - 8; /* around PZ_NIL */
	case 3:
		return UINT64_MAX - u16(r); /* the top of the pfn space */
	case 4:
		return (uint64_t)u16(r) << (u8(r) % 40);
	case 5:
		return cursor;
	case 6:
		return cursor > 0 ? cursor - 1 - u8(r) % 4 : 0;
	default:
		return cursor + (m & 0x80 ? (uint64_t)u16(r) : u8(r) % 16);
	}
}

static const struct pz_range *pick_ranges(struct rd *r, struct owned *o, unsigned *nr, uint64_t zs,
					  uint64_t ze)
{
	unsigned b = u8(r), n = b % (MAX_RANGES + 1);
	struct pz_range *rg;
	uint64_t cur = zs, span = ze > zs ? ze - zs : 1;

	*nr = 0;
	if (b < 96) /* mostly no ranges */
		return NULL;
	*nr = n;
	if (n && (b & 0x40) && u8(r) == 0)
		return NULL; /* count without an array */
	rg = own(o, n * sizeof(*rg));
	if (!rg) {
		*nr = 0;
		return NULL;
	}
	for (unsigned i = 0; i < n; i++) {
		unsigned m = u8(r);

		if (m < 200) { /* ascending inside the span */
			rg[i].start = cur + u16(r) % span;
			rg[i].end = rg[i].start + 1 + u16(r) % span;
			if (m & 1)
				rg[i].end = rg[i].end > ze ? ze : rg[i].end;
			if (m & 2) { /* aligned to a power of two */
				unsigned sh = u8(r) % 12;

				rg[i].start &= ~(((uint64_t)1 << sh) - 1);
				rg[i].end = (rg[i].end + ((uint64_t)1 << sh) - 1) &
					    ~(((uint64_t)1 << sh) - 1);
			}
			cur = rg[i].end;
		} else {
			rg[i].start = pick_pfn(r, cur);
			rg[i].end = pick_pfn(r, rg[i].start);
		}
	}
	return rg;
}

static void decode(struct rd *r, struct owned *o, struct pz_machine *m, struct pz_config *cfg)
{
	unsigned b = u8(r);
	uint64_t cursor;
	struct pz_node_desc *nodes;
	unsigned n_alloc;

	if (b < 220)
		m->nr_nodes = 1 + b % 4;
	else if (b < 250)
		m->nr_nodes = (unsigned[]){0, 63, 64, 65, 66, 600}[b % 6];
	else
		m->nr_nodes = (unsigned)u64(r);
	b = u8(r);
	if (b < 200)
		m->nr_cpus = 1 + b % 6;
	else if (b < 250)
		m->nr_cpus = (unsigned[]){0, 255, 256, 257, 512}[b % 5];
	else
		m->nr_cpus = (unsigned)u64(r);
	b = u8(r);
	m->page_shift = b & 1 ? u8(r) % 20 : 0;
	m->max_order = b & 2 ? u8(r) % 23 : 0;
	m->pageblock_order = b & 4 ? u8(r) % 23 : 0;

	n_alloc = m->nr_nodes <= MAX_ARRAY ? m->nr_nodes : 0;
	nodes = (b & 8) && !u8(r) ? NULL : own(o, n_alloc * sizeof(*nodes));
	m->nodes = nodes;
	cursor = u8(r) & 1 ? u16(r) : pick_pfn(r, 0);
	for (unsigned n = 0; nodes && n < n_alloc && n < 8; n++) {
		unsigned nb = u8(r), nz = nb < 200 ? 1 + nb % 3 : nb % 8;
		struct pz_zone_desc *zones;

		nodes[n].nr_zones = nz;
		zones = (nb & 0x40) && u8(r) == 0 ? NULL : own(o, nz * sizeof(*zones));
		nodes[n].zones = zones;
		for (unsigned i = 0; zones && i < nz; i++) {
			struct pz_zone_desc *z = &zones[i];
			unsigned t = u8(r);

			z->type =
				(enum pz_zone_type)(t < 240 ? (int)(i + t % 3) % 5 : (int)t - 245);
			z->start_pfn = pick_pfn(r, cursor);
			z->end_pfn = u8(r) < 230 ? z->start_pfn + 1 + u16(r) % 4096
						 : pick_pfn(r, z->start_pfn);
			if (z->end_pfn > cursor)
				cursor = z->end_pfn;
			z->present = pick_ranges(r, o, &z->nr_present, z->start_pfn, z->end_pfn);
			z->reserved = pick_ranges(r, o, &z->nr_reserved, z->start_pfn, z->end_pfn);
			z->cma = pick_ranges(r, o, &z->nr_cma, z->start_pfn, z->end_pfn);
		}
	}
	b = u8(r);
	if ((b & 1) && n_alloc && n_alloc <= 64) {
		uint8_t *d = own(o, (size_t)n_alloc * n_alloc);

		for (unsigned i = 0; d && i < n_alloc; i++)
			for (unsigned j = 0; j < n_alloc; j++) {
				unsigned v = u8(r);

				d[i * n_alloc + j] =
					(uint8_t)(v < 200 ? (i == j ? 10 : 20 + v % 20) : v - 200);
			}
		m->distance = d;
	}
	if ((b & 2) && m->nr_cpus <= MAX_ARRAY) {
		uint8_t *c = own(o, m->nr_cpus);

		for (unsigned i = 0; c && i < m->nr_cpus; i++) {
			unsigned v = u8(r);

			c[i] = (uint8_t)(v < 240 ? v % (m->nr_nodes ? m->nr_nodes : 1) : v);
		}
		m->cpu_node = c;
	}
	cfg->machine = m;
	cfg->profile = b & 4 ? PZ_PROFILE_MODERN : PZ_PROFILE_LINUX_4_1;
	if (b & 8) {
		cfg->percpu_pagelist_fraction = u8(r) % 12;
		cfg->min_free_kbytes = u16(r);
		cfg->zonelist_order = (enum pz_zonelist_order)(u8(r) % 4);
		cfg->mobility_grouping_disabled = u8(r) & 1;
		cfg->features_set = u8(r) & 3;
		for (unsigned i = 0; i < PZ_NR_ZONE_TYPES - 1; i++)
			cfg->lowmem_reserve_ratio[i] = u8(r) % 4 ? 0 : u8(r);
	}
}

/* FUZZ_VERBOSE=1: what the input decoded to. */
static void describe(const struct pz_machine *m, const struct pz_config *cfg)
{
	fprintf(stderr,
		"machine: %u nodes (%s), %u cpus, page_shift %u, max_order %u, "
		"pageblock_order %u, distance %s, cpu_node %s, profile %d\n",
		m->nr_nodes, m->nodes ? "array" : "NULL", m->nr_cpus, m->page_shift, m->max_order,
		m->pageblock_order, m->distance ? "table" : "NULL", m->cpu_node ? "table" : "NULL",
		(int)cfg->profile);
	for (unsigned n = 0; m->nodes && n < m->nr_nodes && n < 8; n++) {
		const struct pz_node_desc *nd = &m->nodes[n];

		fprintf(stderr, "  node %u: %u zones%s\n", n, nd->nr_zones,
			nd->zones ? "" : " (NULL array)");
		for (unsigned i = 0; nd->zones && i < nd->nr_zones; i++) {
			const struct pz_zone_desc *z = &nd->zones[i];
			const struct pz_range *rs[3] = {z->present, z->reserved, z->cma};
			const unsigned ns[3] = {z->nr_present, z->nr_reserved, z->nr_cma};
			static const char *const what[3] = {"present", "reserved", "cma"};

			fprintf(stderr, "    type %d [%llu, %llu)", (int)z->type,
				(unsigned long long)z->start_pfn, (unsigned long long)z->end_pfn);
			for (unsigned k = 0; k < 3; k++)
				for (unsigned j = 0; j < ns[k]; j++)
					if (rs[k])
						fprintf(stderr, " %s [%llu, %llu)", what[k],
							(unsigned long long)rs[k][j].start,
							(unsigned long long)rs[k][j].end);
					else
						fprintf(stderr, " %s NULL", what[k]);
			fputc('\n', stderr);
		}
	}
}

static void check_instance(pz_t *pz, const struct pz_machine *m)
{
	pz_page_t *pages[8];
	unsigned orders[8], n = 0;
	int rc = pz_validate(pz);

	if (rc)
		fail("pz_validate after init", rc, 0);
	if (pz_nr_nodes(pz) != m->nr_nodes || pz_nr_cpus(pz) != m->nr_cpus)
		fail("instance geometry", pz_nr_nodes(pz), pz_nr_cpus(pz));
	for (unsigned nid = 0; nid < m->nr_nodes; nid++)
		for (unsigned t = 0; t < PZ_NR_ZONE_TYPES; t++) {
			struct pz_zone_info zi;

			rc = pz_zone_info(pz, (int)nid, (enum pz_zone_type)t, &zi);
			if (rc == -PZ_ENODEV)
				continue;
			if (rc)
				fail("pz_zone_info", rc, nid);
			if (zi.managed > zi.present || zi.present > zi.spanned || !zi.present)
				fail("managed <= present <= spanned", (long long)zi.managed,
				     (long long)zi.present);
			if (zi.stat[PZ_NR_FREE_PAGES] != (int64_t)zi.managed || zi.pcp_pages)
				fail("free pages after init", (long long)zi.stat[PZ_NR_FREE_PAGES],
				     (long long)zi.managed);
		}
	/* a few allocations of every kind the zones allow */
	for (unsigned i = 0; i < 8; i++) {
		static const pz_gfp_t g[4] = {PZ_GFP_KERNEL, PZ_GFP_HIGHUSER_MOVABLE,
					      PZ_GFP_ATOMIC | PZ_GFP_DMA,
					      PZ_GFP_KERNEL | PZ__GFP_COMP | PZ_GFP_DMA32};
		unsigned o = pz_max_order(pz) ? (i * 3) % pz_max_order(pz) : 0;
		pz_page_t *p = pz_alloc_pages(pz, g[i % 4], o);

		if (p) {
			uint64_t pfn = pz_page_to_pfn(pz, p);

			if (pfn & (((uint64_t)1 << o) - 1))
				fail("misaligned block", (long long)pfn, o);
			if (pz_pfn_state(pz, pfn) != PZ_PAGE_STATE_ALLOCATED)
				fail("fresh block not allocated", (long long)pfn, o);
			pages[n] = p;
			orders[n++] = o;
		}
	}
	rc = pz_validate(pz);
	if (rc)
		fail("pz_validate after allocations", rc, 0);
	for (unsigned i = 0; i < n; i++) {
		rc = pz_free_pages(pz, pages[i], orders[i]);
		if (rc)
			fail("free of a fresh block", rc, orders[i]);
	}
	pz_drain_all_pages(pz);
	rc = pz_validate(pz);
	if (rc)
		fail("pz_validate after frees", rc, 0);
	for (unsigned nid = 0; nid < m->nr_nodes; nid++)
		for (unsigned t = 0; t < PZ_NR_ZONE_TYPES; t++) {
			struct pz_zone_info zi;

			if (pz_zone_info(pz, (int)nid, (enum pz_zone_type)t, &zi))
				continue;
			if (zi.stat[PZ_NR_FREE_PAGES] != (int64_t)zi.managed)
				fail("free pages after frees", (long long)zi.stat[PZ_NR_FREE_PAGES],
				     (long long)zi.managed);
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct owned o;
	static _Alignas(64) char small[4096];
	struct rd r = {data, size};
	struct pz_machine m;
	struct pz_config cfg;
	struct pz_platform plat;
	unsigned logged = 0;
	size_t meta = 0;
	pz_t *pz = NULL;
	int rc, rc2;

	memset(&m, 0, sizeof(m));
	memset(&cfg, 0, sizeof(cfg));
	memset(&plat, 0, sizeof(plat));
	o.n = 0;
	decode(&r, &o, &m, &cfg);
	if (getenv("FUZZ_VERBOSE"))
		describe(&m, &cfg);
	if (u8(&r) & 1) {
		plat.ctx = &logged;
		plat.log = sink;
		cfg.platform = &plat;
	}

	rc = pz_metadata_size(&cfg, &meta);
	if (rc && rc != -PZ_EINVAL)
		fail("pz_metadata_size error", rc, 0);
	if (rc) {
		/* init shares the checker: it must refuse too, before writing */
		rc2 = pz_init(&cfg, small, sizeof(small), &pz);
		if (rc2 != -PZ_EINVAL)
			fail("pz_init accepted what pz_metadata_size refused", rc2, 0);
		if (cfg.platform && !logged)
			fail("refusal without a message", rc, 0);
	} else if (meta <= MAX_META) {
		size_t len = (meta + 63) & ~(size_t)63;
		void *mem = aligned_alloc(64, len ? len : 64);

		if (!mem)
			fail("out of memory", (long long)len, 0);
		rc = pz_init(&cfg, mem, len, &pz);
		if (rc)
			fail("pz_init refused what pz_metadata_size accepted", rc, 0);
		check_instance(pz, &m);
		if (pz_destroy(pz))
			fail("pz_destroy", 0, 0);
		free(mem);
	}
	if (pz_metadata_size(NULL, &meta) != -PZ_EINVAL ||
	    pz_metadata_size(&cfg, NULL) != -PZ_EINVAL)
		fail("NULL arguments accepted", 0, 0);
	for (unsigned i = 0; i < o.n; i++)
		free(o.p[i]);
	return 0;
}
