/*
 * fuzz_ops.c - libFuzzer target: a small machine decoded from the input,
 * then a stream of allocator operations checked against a reference model.
 *
 * Input layout: a machine header (nodes, zones with spans, holes, reserved
 * and CMA ranges, CPUs, geometry, profile and tunables), then operations,
 * one opcode byte followed by its arguments, until the input runs out.
 * Missing bytes read as zero, so every input is valid.
 *
 * The model keeps one byte per pfn of the machine's span (held by us,
 * leaked, or not held) and the list of blocks we hold. After every
 * operation pz_validate() must find nothing, every block handed out must be
 * naturally aligned, inside one zone allowed by its gfp, made of managed
 * pages nobody else holds and seen as ALLOCATED by pz_pfn_state(); every
 * misuse must return its documented error and change nothing. At the end
 * everything is freed and every zone must have all its managed pages free
 * again (minus the pages the input deliberately leaked with page state
 * bits, which the model tracks). A broken invariant aborts with a message:
 * that is how libFuzzer reports it.
 *
 * Only <pagezone.h>; no cmocka. Set FUZZ_VERBOSE=1 to see the library log.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE */
#endif
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fuzz_input.h"
#include "pagezone.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#define FZ_POISON(p, n)	  ASAN_POISON_MEMORY_REGION(p, n)
#define FZ_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#endif
#endif
#ifndef FZ_POISON
#define FZ_POISON(p, n)	  ((void)(p), (void)(n))
#define FZ_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define F_NODES	   3
#define F_ZONES	   3 /* per node */
#define F_CPUS	   4
#define F_NZ	   (F_NODES * F_ZONES)
#define F_MAX_OPS  400
#define F_MAX_HELD 4096
#define F_MAX_META (32u << 20)
#define F_DM_BYTES ((size_t)32 << 20) /* direct map window, reused by every run */
#define BIG_LEN	   (1u << 20)

/* ---- failure reporting ---------------------------------------------------- */

#define LOG_KEEP 8
static char log_ring[LOG_KEEP][512];
static unsigned log_count;
static int verbose = -1;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *fmt, ...)
{
	va_list ap;
	unsigned first = log_count > LOG_KEEP ? log_count - LOG_KEEP : 0;

	fprintf(stderr, "fuzz_ops: last library messages:\n");
	for (unsigned i = first; i < log_count; i++)
		fprintf(stderr, "  | %s\n", log_ring[i % LOG_KEEP]);
	fprintf(stderr, "fuzz_ops: INVARIANT BROKEN: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fail(__VA_ARGS__);                                                         \
	} while (0)

/* ---- the run's state -------------------------------------------------------- */

enum {
	C_OUTSIDE = 0,
	C_HOLE = 1,
	C_RESERVED = 2,
	C_MANAGED = 3
};
#define CLS(b)	((b)&3u)
#define ZIDX(b) (((b) >> 2) & 0xfu)
#define IS_CMA	0x40u

enum {
	M_FREE = 0,
	M_HELD = 1,
	M_LEAKED = 2
};

struct fzone {
	int nid;
	enum pz_zone_type type;
	uint64_t start, end;
	uint64_t present, managed, leaked;
};

enum {
	B_PAGES = 0,
	B_EXACT = 1
};

struct blk {
	pz_page_t *page;
	uint64_t pfn;
	unsigned order; /* allocation order (B_EXACT: order of the block it came from) */
	unsigned kind;
	int refs;
	bool comp, poison;
	void *addr;    /* B_EXACT */
	size_t size;   /* B_EXACT */
	uint64_t used; /* B_EXACT: pages kept */
};

struct ctx {
	unsigned cpu;
	unsigned reclaim_bits, reclaim_seq;
	enum pz_profile profile;
};

struct fz {
	struct pz_machine m;
	struct pz_node_desc nodes[F_NODES];
	struct pz_zone_desc zd[F_NODES][F_ZONES];
	struct pz_range ranges[F_NODES][F_ZONES][4]; /* present x2, reserved, cma */
	uint8_t distance[F_NODES * F_NODES];
	uint8_t cpu_node[F_CPUS];
	struct pz_config cfg;
	struct pz_platform plat;
	struct ctx ctx;
	unsigned max_order, page_shift;
	unsigned present_types;
	unsigned nz;
	struct fzone z[F_NZ];
	uint64_t lo, hi; /* model span */
	uint8_t *cls;	 /* per pfn of [lo, hi) */
	uint8_t *model;	 /* per pfn of [lo, hi) */
	uint8_t *poison; /* per pfn: PZ_PAGE_HWPOISON set on it */
	pz_t *pz;
	void *mem;
	bool dm;
	struct pz_task task;
	bool task_current;
	unsigned nheld, nreports;
	uint64_t leaked_total;
	unsigned op;
};

static struct fz F;
static struct blk held[F_MAX_HELD];
static char big[BIG_LEN];
static char *dm_window;
/* Metadata comes from one mapping reused by every run (no page faults, no
 * allocator): the bytes past the instance's size, and a guard page before
 * it, are poisoned for ASan as a heap block's redzones would be, and every
 * run starts from garbage as fresh heap memory would. */
static char *meta_arena;
#define F_GUARD 4096

/* ---- platform hooks --------------------------------------------------------- */

static unsigned hook_cpu(void *c)
{
	return ((struct ctx *)c)->cpu;
}

static void hook_relax(void *c)
{
	(void)c;
}

static void hook_log(void *c, enum pz_log_level level, const char *msg)
{
	(void)c;
	CHECK(msg != NULL, "log sink called with NULL");
	snprintf(log_ring[log_count % LOG_KEEP], sizeof(log_ring[0]), "<%d> %s", (int)level, msg);
	log_count++;
	if (verbose)
		fprintf(stderr, "pagezone<%d>: %s\n", (int)level, msg);
}

static void hook_trace(void *c, const struct pz_trace_event *ev)
{
	char buf[96];
	size_t n = pz_trace_format(((struct ctx *)c)->profile, ev, buf, sizeof(buf));

	CHECK(strlen(buf) == (n < sizeof(buf) ? n : sizeof(buf) - 1),
	      "pz_trace_format returned %zu for \"%s\"", n, buf);
	CHECK((unsigned)ev->kind < PZ_TRACE_NR_KINDS, "trace event of kind %d", (int)ev->kind);
}

static enum pz_zone_reclaim_result hook_reclaim(void *c, int nid, enum pz_zone_type zone,
						pz_gfp_t gfp, unsigned order)
{
	static const enum pz_zone_reclaim_result res[4] = {
		PZ_ZONE_RECLAIM_NOSCAN, PZ_ZONE_RECLAIM_FULL, PZ_ZONE_RECLAIM_SOME,
		PZ_ZONE_RECLAIM_SUCCESS};
	struct ctx *x = c;

	CHECK(nid >= 0 && (unsigned)nid < F.m.nr_nodes, "zone_reclaim for node %d", nid);
	CHECK((unsigned)zone < PZ_NR_ZONE_TYPES, "zone_reclaim for zone %d", (int)zone);
	(void)gfp;
	(void)order;
	return res[(x->reclaim_bits >> (2 * (x->reclaim_seq++ % 4))) & 3];
}

/* ---- machine decoding --------------------------------------------------------- */

static uint64_t frac(uint64_t span, unsigned b)
{
	return span * b / 256;
}

/* Builds one zone at *cursor; returns false when no zone was added. */
static void decode_zone(struct rd *r, unsigned nid, unsigned slot, enum pz_zone_type type,
			uint64_t *cursor)
{
	struct pz_zone_desc *z = &F.zd[nid][slot];
	struct pz_range *rg = F.ranges[nid][slot];
	unsigned g = u8(r), sb = u8(r), ss = u8(r), pm = u8(r);
	uint64_t gap = g < 128 ? g : (uint64_t)(g - 128) * 64;
	uint64_t span = (uint64_t)(1 + sb) << (ss % 6);
	uint64_t ps, pe; /* the present range that may hold reserved / CMA */

	if (span > 8192)
		span = 8192;
	*cursor += gap;
	z->type = type;
	z->start_pfn = *cursor;
	z->end_pfn = *cursor + span;
	*cursor = z->end_pfn;
	ps = z->start_pfn;
	pe = z->end_pfn;
	switch (pm % 5) {
	case 2: { /* one present range inside the span */
		uint64_t a = frac(span, u8(r)), b = frac(span, u8(r));

		if (z->start_pfn + a < z->end_pfn - b) {
			rg[0] = (struct pz_range){z->start_pfn + a, z->end_pfn - b};
			z->present = rg;
			z->nr_present = 1;
			ps = rg[0].start;
			pe = rg[0].end;
		}
		break;
	}
	case 3: { /* a hole in the middle */
		uint64_t a = frac(span, u8(r)), b = frac(span, u8(r));

		if (a > b) {
			uint64_t t = a;
			a = b;
			b = t;
		}
		if (a > 0 && a < b && b < span) {
			rg[0] = (struct pz_range){z->start_pfn, z->start_pfn + a};
			rg[1] = (struct pz_range){z->start_pfn + b, z->end_pfn};
			z->present = rg;
			z->nr_present = 2;
			ps = rg[1].start;
			pe = rg[1].end;
		}
		break;
	}
	case 4: /* the whole span, spelled out */
		rg[0] = (struct pz_range){z->start_pfn, z->end_pfn};
		z->present = rg;
		z->nr_present = 1;
		break;
	default:
		break;
	}
	if (pm & 0x10) { /* a reserved range inside [ps, pe) */
		uint64_t s = ps + frac(pe - ps, u8(r));
		uint64_t len = 1 + frac(pe - s, u8(r));

		if (s < pe) {
			if (s + len > pe)
				len = pe - s;
			rg[2] = (struct pz_range){s, s + len};
			z->reserved = &rg[2];
			z->nr_reserved = 1;
		}
	}
	if (pm & 0x20) { /* CMA: max-order aligned, present, not reserved */
		uint64_t blk = (uint64_t)1 << (F.max_order - 1);
		uint64_t s = (ps + blk - 1) & ~(blk - 1);
		uint64_t e = s + blk * (1 + u8(r) % 2);

		if (e > pe)
			e = s + blk;
		if (z->nr_reserved && s < rg[2].end && rg[2].start < e) {
			/* try after the reserved range */
			s = (rg[2].end + blk - 1) & ~(blk - 1);
			e = s + blk;
		}
		if (s < e && e <= pe && !(z->nr_reserved && s < rg[2].end && rg[2].start < e)) {
			rg[3] = (struct pz_range){s, e};
			z->cma = &rg[3];
			z->nr_cma = 1;
		}
	}
}

static bool decode_machine(struct rd *r)
{
	unsigned h = u8(r), geo = u8(r), tun = u8(r);
	uint64_t cursor;

	memset(&F, 0, sizeof(F));
	F.m.nr_nodes = 1 + h % F_NODES;
	F.m.nr_cpus = 1 + (h >> 2) % F_CPUS;
	F.ctx.profile = (h & 0x10)   ? PZ_PROFILE_LINUX_6_1
			: (h & 0x20) ? PZ_PROFILE_LINUX_4_4
				     : PZ_PROFILE_LINUX_4_1;
	F.m.nodes = F.nodes;
	if (geo & 1) {
		F.m.max_order = 1 + u8(r) % 13;
		F.m.pageblock_order = u8(r) % F.m.max_order;
	}
	if (geo & 2)
		F.m.page_shift = 12 + u8(r) % 3;
	F.max_order = F.m.max_order ? F.m.max_order : 11;
	F.page_shift = F.m.page_shift ? F.m.page_shift : 12;
	if (geo & 4) {
		unsigned local = 5 + u8(r) % 10;

		for (unsigned i = 0; i < F.m.nr_nodes; i++)
			for (unsigned j = 0; j < F.m.nr_nodes; j++)
				F.distance[i * F.m.nr_nodes + j] =
					(uint8_t)(i == j ? local : local + 1 + u8(r) % 40);
		F.m.distance = F.distance;
	}
	if (geo & 8) {
		for (unsigned c = 0; c < F.m.nr_cpus; c++)
			F.cpu_node[c] = (uint8_t)(u8(r) % F.m.nr_nodes);
		F.m.cpu_node = F.cpu_node;
	}
	cursor = u16(r) % 4096;
	for (unsigned n = 0; n < F.m.nr_nodes; n++) {
		unsigned b = u8(r), nz = b % 8 == 7 ? 0 : 1 + b % F_ZONES;
		int t = (int)(u8(r) % PZ_NR_ZONE_TYPES);
		unsigned slot = 0;

		F.nodes[n].zones = F.zd[n];
		for (; slot < nz && t < PZ_NR_ZONE_TYPES; slot++) {
			decode_zone(r, n, slot, (enum pz_zone_type)t, &cursor);
			t += 1 + (int)(u8(r) % 2);
		}
		F.nodes[n].nr_zones = slot;
	}
	/* configuration */
	F.cfg.machine = &F.m;
	F.cfg.profile = F.ctx.profile;
	if (tun & 1)
		F.cfg.min_free_kbytes = u16(r) % 4096;
	if (tun & 2)
		F.cfg.percpu_pagelist_fraction = 8 + u8(r);
	if (tun & 4) {
		unsigned b = u8(r);

		F.cfg.zone_reclaim_mode = 1 + b % 7;
		F.ctx.reclaim_bits = u8(r);
		if (b < 224) /* else no hook: zone_reclaim then fails */
			F.plat.zone_reclaim = hook_reclaim;
	}
	if (tun & 8) /* zone order is refused by linux-6.1 (gone since 4.14) */
		F.cfg.zonelist_order = (enum pz_zonelist_order)(
			u8(r) % (F.cfg.profile == PZ_PROFILE_LINUX_6_1 ? 2 : 3));
	if (tun & 0x10) {
		unsigned b = u8(r);

		F.cfg.features_set = b & 3;
		F.cfg.features_clear = (b >> 2) & 3;
		F.cfg.mobility_grouping_disabled = (b >> 4) & 1;
		F.cfg.dirty_ratio = (b >> 5) ? 1 + u8(r) % 100 : 0;
		if (b & 0x80)
			F.cfg.dirty_bytes = (uint64_t)u16(r) << 12;
		for (unsigned i = 0; i < PZ_NR_ZONE_TYPES - 1; i++)
			F.cfg.lowmem_reserve_ratio[i] = u8(r);
	}
	F.ctx.cpu = u8(r);
	F.plat.ctx = &F.ctx;
	F.plat.cpu = hook_cpu;
	F.plat.log = hook_log;
	if (tun & 0x20)
		F.plat.relax = hook_relax;
	if (tun & 0x40)
		F.plat.trace = hook_trace;
	F.cfg.platform = &F.plat;
	F.dm = (tun & 0x80) != 0;
	return true;
}

/* Fills the per-pfn classes and the expected zone figures. */
static bool build_model(void)
{
	F.lo = UINT64_MAX;
	F.hi = 0;
	for (unsigned n = 0; n < F.m.nr_nodes; n++)
		for (unsigned i = 0; i < F.nodes[n].nr_zones; i++) {
			const struct pz_zone_desc *z = &F.zd[n][i];

			F.lo = z->start_pfn < F.lo ? z->start_pfn : F.lo;
			F.hi = z->end_pfn > F.hi ? z->end_pfn : F.hi;
		}
	if (F.hi <= F.lo)
		return false;
	F.cls = calloc(F.hi - F.lo, 1);
	F.model = calloc(F.hi - F.lo, 1);
	F.poison = calloc(F.hi - F.lo, 1);
	if (!F.cls || !F.model || !F.poison)
		return false;
	for (unsigned n = 0; n < F.m.nr_nodes; n++)
		for (unsigned i = 0; i < F.nodes[n].nr_zones; i++) {
			const struct pz_zone_desc *z = &F.zd[n][i];
			struct fzone *fz = &F.z[F.nz];
			uint8_t zb = (uint8_t)(F.nz << 2);

			fz->nid = (int)n;
			fz->type = z->type;
			fz->start = z->start_pfn;
			fz->end = z->end_pfn;
			F.present_types |= 1u << z->type;
			for (uint64_t p = z->start_pfn; p < z->end_pfn; p++)
				F.cls[p - F.lo] = zb | (z->nr_present ? C_HOLE : C_MANAGED);
			for (unsigned k = 0; k < z->nr_present; k++)
				for (uint64_t p = z->present[k].start; p < z->present[k].end; p++)
					F.cls[p - F.lo] = zb | C_MANAGED;
			for (unsigned k = 0; k < z->nr_reserved; k++)
				for (uint64_t p = z->reserved[k].start; p < z->reserved[k].end; p++)
					F.cls[p - F.lo] = zb | C_RESERVED;
			for (unsigned k = 0; k < z->nr_cma; k++)
				for (uint64_t p = z->cma[k].start; p < z->cma[k].end; p++)
					F.cls[p - F.lo] |= IS_CMA;
			for (uint64_t p = z->start_pfn; p < z->end_pfn; p++) {
				unsigned c = CLS(F.cls[p - F.lo]);

				fz->present += c == C_MANAGED || c == C_RESERVED;
				fz->managed += c == C_MANAGED;
			}
			F.nz++;
		}
	return true;
}

/* ---- model helpers ------------------------------------------------------------- */

static bool in_model(uint64_t pfn)
{
	return pfn >= F.lo && pfn < F.hi;
}

static unsigned cls_of(uint64_t pfn)
{
	return in_model(pfn) ? F.cls[pfn - F.lo] : C_OUTSIDE;
}

static unsigned model_of(uint64_t pfn)
{
	return in_model(pfn) ? F.model[pfn - F.lo] : M_FREE;
}

static void model_set(uint64_t pfn, uint64_t n, uint8_t v)
{
	for (uint64_t i = 0; i < n; i++)
		F.model[pfn + i - F.lo] = v;
}

static const char *state_name(enum pz_page_state s)
{
	static const char *const names[] = {"INVALID", "RESERVED",  "FREE",
					    "PCP",     "ALLOCATED", "LEAKED"};
	return (unsigned)s < 6 ? names[s] : "?";
}

/* pz_pfn_state of one pfn against the model. */
static void check_pfn(uint64_t pfn)
{
	enum pz_page_state s = pz_pfn_state(F.pz, pfn);
	unsigned c = cls_of(pfn), m = model_of(pfn);
	bool ok;

	switch (CLS(c)) {
	case C_OUTSIDE:
	case C_HOLE:
		ok = s == PZ_PAGE_STATE_INVALID;
		break;
	case C_RESERVED:
		ok = s == PZ_PAGE_STATE_RESERVED;
		break;
	default:
		ok = m == M_HELD     ? s == PZ_PAGE_STATE_ALLOCATED
		     : m >= M_LEAKED ? s == PZ_PAGE_STATE_LEAKED
				     : (s == PZ_PAGE_STATE_FREE || s == PZ_PAGE_STATE_PCP);
		break;
	}
	CHECK(ok, "op %u: pfn %llu (class %u, model %u) has state %s", F.op,
	      (unsigned long long)pfn, CLS(c), m, state_name(s));
}

static void check_all_pfns(void)
{
	uint64_t a = F.lo >= 64 ? F.lo - 64 : 0;

	for (uint64_t p = a; p < F.hi + 64; p++)
		check_pfn(p);
}

static void validate(const char *what)
{
	int v = pz_validate(F.pz);

	CHECK(v == 0, "op %u (%s): pz_validate found %d violation(s)", F.op, what, v);
}

/* Zone-wide free and pcp page counts plus error counters, to prove that a
 * refused call changed nothing. */
struct snap {
	int64_t free[F_NZ];
	uint64_t pcp[F_NZ];
	struct pz_errors e;
};

static void take_snap(struct snap *s)
{
	for (unsigned i = 0; i < F.nz; i++) {
		struct pz_zone_info zi;
		int rc = pz_zone_info(F.pz, F.z[i].nid, F.z[i].type, &zi);

		CHECK(rc == 0, "pz_zone_info(%d, %d) = %d", F.z[i].nid, (int)F.z[i].type, rc);
		s->free[i] = zi.stat[PZ_NR_FREE_PAGES];
		s->pcp[i] = zi.pcp_pages;
	}
	pz_errors(F.pz, &s->e);
}

#define ERR_FIELD(f) offsetof(struct pz_errors, f)

/* Nothing moved; the counter at err_off (if any) went up by exactly one. */
static void check_unchanged(const struct snap *a, const char *what, size_t err_off)
{
	struct snap b;
	const uint64_t *ea = (const uint64_t *)(const void *)&a->e;
	const uint64_t *eb = (const uint64_t *)(const void *)&b.e;

	take_snap(&b);
	for (unsigned i = 0; i < F.nz; i++)
		CHECK(a->free[i] == b.free[i] && a->pcp[i] == b.pcp[i],
		      "op %u: refused %s changed zone %u: free %lld -> %lld, pcp %llu -> %llu",
		      F.op, what, i, (long long)a->free[i], (long long)b.free[i],
		      (unsigned long long)a->pcp[i], (unsigned long long)b.pcp[i]);
	for (size_t off = 0; off < sizeof(struct pz_errors); off += sizeof(uint64_t)) {
		uint64_t want = ea[off / 8] + (off == err_off ? 1 : 0);

		if (off == ERR_FIELD(alloc_failed))
			continue; /* (size_t)-1: no counter moves */
		CHECK(eb[off / 8] == want,
		      "op %u: refused %s: error counter at offset %zu is %llu, expected %llu", F.op,
		      what, off, (unsigned long long)eb[off / 8], (unsigned long long)want);
	}
}

static unsigned cpu_node_of(unsigned cpu)
{
	cpu %= F.m.nr_cpus;
	return F.m.cpu_node ? F.m.cpu_node[cpu] : cpu % F.m.nr_nodes;
}

static uint8_t *dm_addr(uint64_t pfn)
{
	return (uint8_t *)dm_window + ((pfn - F.lo) << F.page_shift);
}

/* Marks every page of a fresh block so that a later PZ__GFP_ZERO can be checked. */
static void scribble(uint64_t pfn, uint64_t n)
{
	size_t psz = (size_t)1 << F.page_shift;

	if (!F.dm)
		return;
	for (uint64_t i = 0; i < n; i++) {
		memset(dm_addr(pfn + i), 0xa5, 16);
		memset(dm_addr(pfn + i) + psz - 16, 0x5a, 16);
	}
}

static void check_zeroed(uint64_t pfn, uint64_t n)
{
	size_t psz = (size_t)1 << F.page_shift;

	for (uint64_t i = 0; i < n; i++) {
		const uint8_t *a = dm_addr(pfn + i);
		size_t len = i == 0 ? psz : 16;

		for (size_t k = 0; k < len; k++)
			CHECK(a[k] == 0 && a[psz - 1 - k] == 0,
			      "op %u: page %llu of a __GFP_ZERO block is not zeroed", F.op,
			      (unsigned long long)(pfn + i));
	}
}

/* A block just handed out: the invariants of a fresh allocation. */
static void check_new_block(pz_page_t *page, unsigned order, pz_gfp_t gfp, int req_nid,
			    const pz_nodemask_t *mask)
{
	uint64_t pfn = pz_page_to_pfn(F.pz, page), n = (uint64_t)1 << order;
	unsigned c0;
	int high = pz_gfp_zone(gfp, F.present_types);
	int zt = pz_page_zonenum(F.pz, page), nid = pz_page_to_nid(F.pz, page);

	CHECK(pfn != (uint64_t)-1 && in_model(pfn) && in_model(pfn + n - 1),
	      "op %u: block pfn %llu order %u outside the machine", F.op, (unsigned long long)pfn,
	      order);
	CHECK((pfn & (n - 1)) == 0, "op %u: block pfn %llu not aligned to order %u", F.op,
	      (unsigned long long)pfn, order);
	CHECK(pz_pfn_to_page(F.pz, pfn) == page, "op %u: pfn_to_page(page_to_pfn) differs", F.op);
	c0 = cls_of(pfn);
	CHECK(high >= 0 && zt >= 0 && zt <= high,
	      "op %u: gfp %#x (highest zone %d) got a page of zone %d", F.op, gfp, high, zt);
	CHECK(zt == (int)F.z[ZIDX(c0)].type && nid == F.z[ZIDX(c0)].nid,
	      "op %u: pfn %llu reported in node %d zone %d, machine says %d/%d", F.op,
	      (unsigned long long)pfn, nid, zt, F.z[ZIDX(c0)].nid, (int)F.z[ZIDX(c0)].type);
	if (mask)
		CHECK((*mask >> nid) & 1, "op %u: node %d outside the nodemask %#llx", F.op, nid,
		      (unsigned long long)*mask);
	if (gfp & PZ__GFP_THISNODE)
		CHECK(nid == req_nid || (F.ctx.profile == PZ_PROFILE_LINUX_4_1 &&
					 nid == (int)cpu_node_of(F.ctx.cpu)),
		      "op %u: __GFP_THISNODE for node %d got node %d", F.op, req_nid, nid);
	for (uint64_t i = 0; i < n; i++) {
		unsigned c = cls_of(pfn + i);

		CHECK(CLS(c) == C_MANAGED && ZIDX(c) == ZIDX(c0),
		      "op %u: block %llu/%u covers pfn %llu of class %u zone %u", F.op,
		      (unsigned long long)pfn, order, (unsigned long long)(pfn + i), CLS(c),
		      ZIDX(c));
		CHECK(model_of(pfn + i) == M_FREE,
		      "op %u: block %llu/%u overlaps pfn %llu that is %s", F.op,
		      (unsigned long long)pfn, order, (unsigned long long)(pfn + i),
		      model_of(pfn + i) == M_HELD ? "already held" : "leaked");
		CHECK(!F.poison[pfn + i - F.lo], "op %u: block %llu/%u holds hwpoisoned pfn %llu",
		      F.op, (unsigned long long)pfn, order, (unsigned long long)(pfn + i));
		CHECK(!(c & IS_CMA) || pz_gfp_migratetype(gfp) == PZ_MT_MOVABLE,
		      "op %u: gfp %#x (not movable) got CMA pfn %llu", F.op, gfp,
		      (unsigned long long)(pfn + i));
	}
	CHECK(pz_page_refcount(F.pz, page) == 1, "op %u: fresh block refcount %d", F.op,
	      pz_page_refcount(F.pz, page));
	CHECK(pz_compound_order(F.pz, page) == ((gfp & PZ__GFP_COMP) && order ? order : 0),
	      "op %u: compound order %u for order %u gfp %#x", F.op, pz_compound_order(F.pz, page),
	      order, gfp);
	CHECK(pz_page_owner(page) == 0, "op %u: fresh page has an owner", F.op);
	model_set(pfn, n, M_HELD);
	for (uint64_t i = 0; i < n; i++)
		check_pfn(pfn + i);
	if (F.dm && (gfp & PZ__GFP_ZERO))
		check_zeroed(pfn, n);
	scribble(pfn, n);
}

static struct blk *add_held(void)
{
	struct blk *b;

	CHECK(F.nheld < F_MAX_HELD, "held table overflow");
	b = &held[F.nheld++];
	memset(b, 0, sizeof(*b));
	return b;
}

static void drop_held(unsigned i)
{
	held[i] = held[--F.nheld];
}

/* The last reference of a block went: its pages are free (or leaked). */
/* A held block that the free check will refuse: state bits, a mapcount or
 * a hwpoisoned page anywhere in it. */
static bool blk_bad(const struct blk *b)
{
	uint64_t n = (uint64_t)1 << b->order;

	if (b->poison)
		return true;
	for (uint64_t i = 0; i < n; i++)
		if (F.poison[b->pfn + i - F.lo])
			return true;
	return false;
}

static void block_released(const struct blk *b, int rc)
{
	uint64_t n = (uint64_t)1 << b->order;

	if (blk_bad(b)) {
		CHECK(rc == -PZ_EFAULT, "op %u: free of a bad page returned %d", F.op, rc);
		model_set(b->pfn, n, M_LEAKED);
		F.z[ZIDX(cls_of(b->pfn))].leaked += n;
		F.leaked_total += n;
	} else {
		CHECK(rc == 0, "op %u: free of pfn %llu order %u returned %d", F.op,
		      (unsigned long long)b->pfn, b->order, rc);
		model_set(b->pfn, n, M_FREE);
	}
	for (uint64_t i = 0; i < n; i++)
		check_pfn(b->pfn + i);
}

/* ---- operations ------------------------------------------------------------------ */

static const pz_gfp_t gfp_table[] = {
	PZ_GFP_KERNEL,
	PZ_GFP_ATOMIC,
	PZ_GFP_NOWAIT,
	PZ_GFP_NOIO,
	PZ_GFP_NOFS,
	PZ_GFP_USER,
	PZ_GFP_HIGHUSER,
	PZ_GFP_HIGHUSER_MOVABLE,
	PZ_GFP_TEMPORARY,
	PZ_GFP_TRANSHUGE,
	PZ_GFP_KERNEL | PZ_GFP_DMA,
	PZ_GFP_KERNEL | PZ_GFP_DMA32,
	PZ_GFP_ATOMIC | PZ_GFP_DMA,
	PZ_GFP_KERNEL | PZ__GFP_MOVABLE,
	0,
	PZ_GFP_DMA | PZ__GFP_HIGHMEM,	/* forbidden */
	PZ_GFP_DMA | PZ_GFP_DMA32,	/* forbidden */
	PZ__GFP_HIGHMEM | PZ_GFP_DMA32, /* forbidden */
	PZ_GFP_KERNEL | PZ_GFP_DMA32 | PZ__GFP_MOVABLE,
	PZ_GFP_KERNEL | PZ__GFP_MOVABLE | PZ__GFP_RECLAIMABLE,
};

static const pz_gfp_t gfp_mods[16] = {
	PZ__GFP_COMP,	  PZ__GFP_ZERO,	      PZ__GFP_THISNODE, PZ__GFP_COLD,
	PZ__GFP_WRITE,	  PZ__GFP_ATOMIC,     PZ__GFP_HIGH,	PZ__GFP_NOWARN,
	PZ__GFP_MEMALLOC, PZ__GFP_NOMEMALLOC, PZ__GFP_HARDWALL, PZ__GFP_OTHER_NODE,
	PZ__GFP_NOFAIL,	  PZ__GFP_NORETRY,    PZ__GFP_MOVABLE,	PZ__GFP_RECLAIMABLE,
};

/*
 * Requests that loop until memory comes back would never return in this
 * single-threaded target, which has nothing to reclaim and no OOM handler:
 * __GFP_NOFAIL, and blocking requests without __GFP_FS, or from a task
 * with PZ_TASK_MEMALLOC_NOIO (the OOM step's fake progress), and in
 * linux-4.4 blocking __GFP_REPEAT requests (they retry until reclaim gave
 * back 2^order pages, progress or not). NOFAIL is dropped; the others get
 * __GFP_NORETRY.
 */
static pz_gfp_t bounded(pz_gfp_t g)
{
	/* the task's MEMALLOC_NOIO strips __GFP_FS inside the allocator */
	bool nofs = !(g & PZ__GFP_FS) || (F.task.flags & PZ_TASK_MEMALLOC_NOIO);
	bool repeat44 = (g & PZ__GFP_REPEAT) && F.ctx.profile == PZ_PROFILE_LINUX_4_4;

	g &= ~PZ__GFP_NOFAIL;
	if ((g & PZ__GFP_DIRECT_RECLAIM) && (nofs || repeat44))
		g |= PZ__GFP_NORETRY;
	return g;
}

static pz_gfp_t decode_gfp(struct rd *r)
{
	unsigned t = u8(r);
	pz_gfp_t g;

	if (t == 255)
		return bounded(u32(r)); /* anything, unknown bits included */
	g = gfp_table[t % (sizeof(gfp_table) / sizeof(gfp_table[0]))];
	if (t & 0x80) {
		unsigned m = u16(r);

		for (unsigned i = 0; i < 16; i++)
			if (m & (1u << i))
				g |= gfp_mods[i];
	}
	return bounded(g);
}

static void op_alloc(struct rd *r)
{
	unsigned order = u8(r) % (F.max_order + 2);
	pz_gfp_t gfp = decode_gfp(r);
	unsigned v = u8(r) % 8, nb = u8(r);
	int nid = (int)(nb % (F.m.nr_nodes + 2)) - 1;
	pz_nodemask_t mask = u8(r) & 7, *mp = NULL;
	struct pz_errors e0, e1;
	pz_page_t *page = NULL;
	bool expect_null = false, counted = true;
	int req_nid, high = pz_gfp_zone(gfp, F.present_types);
	unsigned cpu_node = cpu_node_of(F.ctx.cpu);

	pz_errors(F.pz, &e0);
	switch (v) {
	case 0:
	case 1:
	case 2:
		req_nid = F.task_current ? F.task.preferred_node : -1;
		page = pz_alloc_pages(F.pz, gfp, order);
		break;
	case 3:
	case 4:
		req_nid = nid;
		page = pz_alloc_pages_node(F.pz, nid, gfp, order);
		break;
	case 5:
	case 6:
		req_nid = nid;
		mp = &mask;
		page = pz_alloc_pages_nodemask(F.pz, gfp, order, nid, mp);
		expect_null = mask == 0;
		break;
	default: {
		void *a = (nb & 1) ? pz_get_zeroed_page(F.pz, gfp)
				   : pz_get_free_pages(F.pz, gfp, order);

		if (nb & 1)
			order = 0;
		req_nid = F.task_current ? F.task.preferred_node : -1;
		counted = false;
		expect_null = !F.dm || (gfp & PZ__GFP_HIGHMEM);
		if (a) {
			CHECK(!expect_null, "op %u: get_free_pages gave an address", F.op);
			page = pz_virt_to_page(F.pz, a);
			CHECK(page && pz_page_address(F.pz, page) == a,
			      "op %u: get_free_pages address %p has no page", F.op, a);
			if (nb & 1)
				gfp |= PZ__GFP_ZERO;
		}
		break;
	}
	}
	if (req_nid < 0)
		req_nid = (int)cpu_node;
	if (order >= F.max_order || high < 0 || req_nid >= (int)F.m.nr_nodes)
		expect_null = true;
	pz_errors(F.pz, &e1);
	if (counted && order >= F.max_order)
		CHECK(e1.bad_order == e0.bad_order + 1, "op %u: bad order %u not counted", F.op,
		      order);
	else if (counted && high < 0)
		CHECK(e1.bad_gfp == e0.bad_gfp + 1, "op %u: bad gfp %#x not counted", F.op, gfp);
	else if (counted && !F.dm && (gfp & PZ__GFP_ZERO)) {
		/* no page is handed out unzeroed */
		expect_null = true;
		CHECK(!page && e1.bad_gfp == e0.bad_gfp + 1,
		      "op %u: __GFP_ZERO without a direct map not refused and counted", F.op);
	}
	if (!page) {
		CHECK(!counted || e1.alloc_failed == e0.alloc_failed + 1,
		      "op %u: failed allocation not counted", F.op);
		return;
	}
	CHECK(!expect_null, "op %u: allocation of order %u gfp %#x node %d should have failed",
	      F.op, order, gfp, req_nid);
	if (verbose)
		fprintf(stderr, "  order %u gfp %#x -> pfn %llu\n", order, gfp,
			(unsigned long long)pz_page_to_pfn(F.pz, page));
	check_new_block(page, order, gfp, req_nid, mp);
	if (F.nheld >= F_MAX_HELD) {
		int rc = pz_free_pages(F.pz, page, order);

		CHECK(rc == 0, "op %u: immediate free returned %d", F.op, rc);
		model_set(pz_page_to_pfn(F.pz, page), (uint64_t)1 << order, M_FREE);
		return;
	}
	{
		struct blk *b = add_held();

		b->page = page;
		b->pfn = pz_page_to_pfn(F.pz, page);
		b->order = order;
		b->kind = B_PAGES;
		b->refs = 1;
		b->comp = (gfp & PZ__GFP_COMP) && order;
	}
}

static void op_exact(struct rd *r)
{
	size_t psz = (size_t)1 << F.page_shift;
	size_t size = (size_t)u32(r) % (psz * ((size_t)1 << (F.max_order - 1)) + 2 * psz);
	pz_gfp_t gfp = decode_gfp(r);
	void *a = pz_alloc_pages_exact(F.pz, size, gfp);
	size_t used = (size + psz - 1) / psz;
	unsigned order = 0;
	pz_page_t *page;
	uint64_t pfn, n;
	struct blk *b;

	if (!a) {
		return;
	}
	CHECK(F.dm && size && !(gfp & (PZ__GFP_COMP | PZ__GFP_HIGHMEM)) &&
		      size <= psz << (F.max_order - 1),
	      "op %u: alloc_pages_exact(%zu, %#x) should have failed", F.op, size, gfp);
	while (((size_t)1 << order) < used)
		order++;
	page = pz_virt_to_page(F.pz, a);
	CHECK(page != NULL, "op %u: exact address %p has no page", F.op, a);
	pfn = pz_page_to_pfn(F.pz, page);
	n = (uint64_t)1 << order;
	CHECK((pfn & (n - 1)) == 0, "op %u: exact block %llu not aligned to order %u", F.op,
	      (unsigned long long)pfn, order);
	for (uint64_t i = 0; i < used; i++) {
		unsigned c = cls_of(pfn + i);

		CHECK(CLS(c) == C_MANAGED && model_of(pfn + i) == M_FREE,
		      "op %u: exact block overlaps pfn %llu (class %u model %u)", F.op,
		      (unsigned long long)(pfn + i), CLS(c), model_of(pfn + i));
		CHECK(pz_page_refcount(F.pz, pz_pfn_to_page(F.pz, pfn + i)) == 1,
		      "op %u: exact page %llu refcount %d", F.op, (unsigned long long)(pfn + i),
		      pz_page_refcount(F.pz, pz_pfn_to_page(F.pz, pfn + i)));
	}
	model_set(pfn, used, M_HELD);
	for (uint64_t i = 0; i < n; i++)
		check_pfn(pfn + i);
	if (gfp & PZ__GFP_ZERO)
		check_zeroed(pfn, used);
	scribble(pfn, used);
	if (F.nheld >= F_MAX_HELD) {
		CHECK(pz_free_pages_exact(F.pz, a, size) == 0, "op %u: free_pages_exact", F.op);
		model_set(pfn, used, M_FREE);
		return;
	}
	b = add_held();
	b->page = page;
	b->pfn = pfn;
	b->order = order;
	b->kind = B_EXACT;
	b->refs = 1;
	b->addr = a;
	b->size = size;
	b->used = used;
}

static void free_exact(unsigned i)
{
	struct blk b = held[i];
	int rc = pz_free_pages_exact(F.pz, b.addr, b.size);

	CHECK(rc == 0, "op %u: free_pages_exact returned %d", F.op, rc);
	model_set(b.pfn, b.used, M_FREE);
	for (uint64_t k = 0; k < b.used; k++)
		check_pfn(b.pfn + k);
	drop_held(i);
}

/* A correct free of held[i] through one of the entry points. */
static void free_one(unsigned i, unsigned how)
{
	struct blk *b = &held[i];
	int rc;

	if (b->kind == B_EXACT) {
		free_exact(i);
		return;
	}
	switch (how % 4) {
	case 0:
		rc = pz_free_pages(F.pz, b->page, b->order);
		break;
	case 1:
		rc = pz_free_pages_cold(F.pz, b->page, b->order, 1);
		break;
	case 2:
		if (F.dm)
			rc = pz_free_pages_addr(F.pz, pz_page_address(F.pz, b->page), b->order);
		else
			rc = pz_free_pages_cold(F.pz, b->page, b->order, 0);
		break;
	default:
		rc = pz_free_pages_cold(F.pz, b->page, b->order, 0);
		break;
	}
	if (--b->refs > 0) {
		CHECK(rc == 0, "op %u: dropping a reference returned %d", F.op, rc);
		CHECK(pz_page_refcount(F.pz, b->page) == b->refs, "op %u: refcount %d, expected %d",
		      F.op, pz_page_refcount(F.pz, b->page), b->refs);
		return;
	}
	block_released(b, rc);
	drop_held(i);
}

static void op_free(struct rd *r)
{
	unsigned i, v = u8(r) % 11;
	struct blk *b;
	struct snap s;
	int rc;

	if (!F.nheld && v < 5)
		v = 5;
	i = F.nheld ? u16(r) % F.nheld : 0;
	b = &held[i];
	switch (v) {
	case 0:
	case 1:
	case 2:
		free_one(i, u8(r));
		return;
	case 3: { /* wrong order */
		unsigned o = u8(r) % (F.max_order + 2);

		if (b->kind != B_PAGES)
			return;
		if (o == b->order)
			o++;
		take_snap(&s);
		rc = pz_free_pages(F.pz, b->page, o);
		CHECK(rc == (o >= F.max_order ? -PZ_EINVAL : -PZ_EFAULT),
		      "op %u: free with order %u of a block of order %u returned %d", F.op, o,
		      b->order, rc);
		check_unchanged(&s, "wrong-order free",
				o >= F.max_order ? ERR_FIELD(bad_order) : ERR_FIELD(wrong_order));
		return;
	}
	case 4: { /* a page inside the block that is not its head */
		uint64_t k;
		unsigned o = u8(r) % 3 ? b->order : u8(r);
		pz_page_t *p;

		if (b->kind != B_PAGES || !b->order)
			return;
		k = 1 + u16(r) % (((uint64_t)1 << b->order) - 1);
		p = pz_pfn_to_page(F.pz, b->pfn + k);
		CHECK(p != NULL, "op %u: pfn_to_page of a held pfn", F.op);
		if (b->comp)
			CHECK(pz_compound_head(F.pz, p) == b->page,
			      "op %u: compound_head of a tail is not the head", F.op);
		take_snap(&s);
		rc = pz_free_pages(F.pz, p, o);
		CHECK(rc == (o >= F.max_order ? -PZ_EINVAL : -PZ_EFAULT),
		      "op %u: free of page %llu inside block %llu/%u (order %u) returned %d", F.op,
		      (unsigned long long)k, (unsigned long long)b->pfn, b->order, o, rc);
		check_unchanged(&s, "free of a tail",
				o >= F.max_order ? ERR_FIELD(bad_order)
				: b->comp	 ? ERR_FIELD(tail_free)
						 : ERR_FIELD(double_free));
		return;
	}
	case 5:
	case 6: { /* a pfn we do not hold: double free, hole, reserved, outside */
		uint64_t span = F.hi - F.lo + 128;
		uint64_t pfn = (F.lo >= 64 ? F.lo - 64 : 0) + u32(r) % span;
		unsigned o = u8(r) % 4 ? 0 : u8(r) % (F.max_order + 1);
		pz_page_t *p = pz_pfn_to_page(F.pz, pfn);
		unsigned c = CLS(cls_of(pfn)), m = model_of(pfn);
		int want;
		size_t field;

		if (m == M_HELD)
			return;
		if (c == C_OUTSIDE) {
			CHECK(p == NULL, "op %u: pfn %llu outside every zone has a page", F.op,
			      (unsigned long long)pfn);
			want = -PZ_ERANGE;
			field = ERR_FIELD(bad_pfn);
		} else if (o >= F.max_order) {
			want = -PZ_EINVAL;
			field = ERR_FIELD(bad_order);
		} else if (c == C_HOLE || c == C_RESERVED) {
			want = -PZ_ERANGE;
			field = ERR_FIELD(bad_pfn);
		} else {
			want = -PZ_EFAULT;
			/* a leaked block's tails are no tails (free_tail_pages_check
			 * clears compound_head before the verdict): double free */
			field = ERR_FIELD(double_free);
		}
		take_snap(&s);
		rc = pz_free_pages(F.pz, p, o);
		CHECK(rc == want,
		      "op %u: free of pfn %llu (class %u, model %u) returned %d, not %d", F.op,
		      (unsigned long long)pfn, c, m, rc, want);
		check_unchanged(&s, "free of a page not held", field);
		check_pfn(pfn);
		return;
	}
	case 7: { /* bogus pointers */
		static pz_page_t *const nil;
		int local;
		pz_page_t *p;

		take_snap(&s);
		switch (u8(r) % 4) {
		case 0:
			p = (pz_page_t *)(void *)&local;
			break;
		case 1:
			p = nil;
			break;
		default:
			if (!F.nheld)
				return;
			p = (pz_page_t *)(void *)((char *)b->page + 1 + u8(r) % 31);
			break;
		}
		rc = pz_free_pages(F.pz, p, 0);
		CHECK(rc == -PZ_ERANGE, "op %u: free of a bogus pointer returned %d", F.op, rc);
		check_unchanged(&s, "free of a bogus pointer", ERR_FIELD(bad_pfn));
		take_snap(&s);
		rc = pz_free_pages_addr(F.pz, &local, 0);
		CHECK(rc == -PZ_ERANGE, "op %u: free_pages_addr of a stack address returned %d",
		      F.op, rc);
		check_unchanged(&s, "free_pages_addr of a bogus address", ERR_FIELD(bad_pfn));
		CHECK(pz_free_pages_addr(F.pz, NULL, 0) == 0, "free_pages_addr(NULL)");
		CHECK(pz_page_get(F.pz, p) == -PZ_ERANGE, "page_get of a bogus pointer");
		CHECK(pz_page_refcount(F.pz, p) == -1, "refcount of a bogus pointer");
		CHECK(pz_free_pages_exact(F.pz, &local, 0) == -PZ_EINVAL,
		      "free_pages_exact size 0");
		return;
	}
	default: { /* a batch of order-0 pages */
		pz_page_t *list[8];
		unsigned idx[8], n = 0, want = 1 + u8(r) % 8;
		int cold = u8(r) & 1;

		for (unsigned k = 0; k < F.nheld && n < want; k++) {
			struct blk *c = &held[(i + k) % F.nheld];

			if (c->kind == B_PAGES && c->order == 0 && c->refs == 1 && !blk_bad(c)) {
				idx[n] = (i + k) % F.nheld;
				list[n++] = c->page;
			}
		}
		rc = pz_free_page_list(F.pz, list, n, cold);
		CHECK(rc == 0, "op %u: free_page_list of %u pages returned %d", F.op, n, rc);
		/* drop from the highest index so that the swaps keep the others valid */
		for (unsigned a = 0; a < n; a++)
			for (unsigned c = a + 1; c < n; c++)
				if (idx[c] > idx[a]) {
					unsigned t = idx[a];
					idx[a] = idx[c];
					idx[c] = t;
				}
		for (unsigned k = 0; k < n; k++) {
			held[idx[k]].refs = 0;
			block_released(&held[idx[k]], 0);
			drop_held(idx[k]);
		}
		return;
	}
	}
}

static void op_get(struct rd *r)
{
	unsigned v = u8(r) % 3;
	int rc;

	if (!F.nheld || v == 2) { /* a page we do not hold */
		uint64_t pfn = F.lo + u32(r) % (F.hi - F.lo);
		pz_page_t *p = pz_pfn_to_page(F.pz, pfn);
		unsigned c = CLS(cls_of(pfn));

		if (model_of(pfn) == M_HELD)
			return;
		rc = pz_page_get(F.pz, p);
		CHECK(rc == (c == C_OUTSIDE ? -PZ_ERANGE : -PZ_EFAULT),
		      "op %u: page_get of pfn %llu (class %u) returned %d", F.op,
		      (unsigned long long)pfn, c, rc);
		return;
	}
	{
		unsigned i = u16(r) % F.nheld;
		struct blk *b = &held[i];

		if (b->kind != B_PAGES)
			return;
		if (v == 1 && b->order) { /* a tail: refcount 0 */
			uint64_t k = 1 + u16(r) % (((uint64_t)1 << b->order) - 1);

			rc = pz_page_get(F.pz, pz_pfn_to_page(F.pz, b->pfn + k));
			CHECK(rc == -PZ_EFAULT, "op %u: page_get of a tail returned %d", F.op, rc);
			return;
		}
		if (b->refs >= 4)
			return;
		rc = pz_page_get(F.pz, b->page);
		CHECK(rc == 0, "op %u: page_get of a held page returned %d", F.op, rc);
		b->refs++;
		CHECK(pz_page_refcount(F.pz, b->page) == b->refs, "op %u: refcount %d after get",
		      F.op, pz_page_refcount(F.pz, b->page));
	}
}

static void op_split(struct rd *r)
{
	unsigned i, o;
	struct blk b;
	int rc, want;

	if (!F.nheld)
		return;
	i = u16(r) % F.nheld;
	b = held[i];
	o = u8(r) % 4 ? b.order : u8(r) % (F.max_order + 1);
	if (b.kind != B_PAGES)
		return;
	if (o >= F.max_order || o != b.order)
		want = -PZ_EINVAL;
	else if (b.comp || b.refs != 1)
		want = -PZ_EFAULT;
	else
		want = 0;
	if (!want && F.nheld - 1 + ((size_t)1 << b.order) > F_MAX_HELD)
		return;
	rc = pz_split_page(F.pz, b.page, o);
	CHECK(rc == want, "op %u: split_page(order %u) of block %llu/%u (comp %d refs %d) = %d",
	      F.op, o, (unsigned long long)b.pfn, b.order, b.comp, b.refs, rc);
	if (rc)
		return;
	drop_held(i);
	for (uint64_t k = 0; k < ((uint64_t)1 << b.order); k++) {
		struct blk *n = add_held();

		n->page = pz_pfn_to_page(F.pz, b.pfn + k);
		n->pfn = b.pfn + k;
		n->order = 0;
		n->kind = B_PAGES;
		n->refs = 1;
		n->poison = k == 0 && b.poison;
		CHECK(pz_page_refcount(F.pz, n->page) == 1, "op %u: split page refcount %d", F.op,
		      pz_page_refcount(F.pz, n->page));
	}
}

/* A random pfn the model does not hold. */
static uint64_t pick_unheld(struct rd *r, bool *ok)
{
	uint64_t pfn = (F.lo >= 64 ? F.lo - 64 : 0) + u32(r) % (F.hi - F.lo + 128);

	*ok = model_of(pfn) != M_HELD;
	return pfn;
}

/* Memory error on a page we do not hold: free pages are then leaked when
 * the allocator next hands them out (reconcile_leaks follows that). */
static void poison_free_pfn(struct rd *r)
{
	bool ok;
	uint64_t pfn = pick_unheld(r, &ok);
	unsigned c = CLS(cls_of(pfn));
	int rc, want;

	if (!ok)
		return;
	want = c == C_MANAGED ? 0 : -PZ_ERANGE;
	rc = pz_page_set_state(F.pz, pz_pfn_to_page(F.pz, pfn), PZ_PAGE_HWPOISON, 0);
	CHECK(rc == want, "op %u: hwpoison of free pfn %llu (class %u) returned %d, not %d", F.op,
	      (unsigned long long)pfn, c, rc, want);
	if (!rc)
		F.poison[pfn - F.lo] = 1;
	check_pfn(pfn);
}

/* Page state calls on pages that are not ours. */
static void state_misuse(struct rd *r)
{
	bool ok;
	uint64_t pfn = pick_unheld(r, &ok);
	unsigned c = CLS(cls_of(pfn));
	pz_page_t *p = pz_pfn_to_page(F.pz, pfn);
	struct snap s;
	int rc;

	if (!ok)
		return;
	take_snap(&s);
	rc = pz_page_set_state(F.pz, p, PZ_PAGE_LOCKED, 0);
	CHECK(rc == (c == C_MANAGED ? -PZ_EFAULT : -PZ_ERANGE),
	      "op %u: set_state on pfn %llu (class %u) not held returned %d", F.op,
	      (unsigned long long)pfn, c, rc);
	rc = pz_page_set_state(F.pz, p, 0, 1);
	CHECK(rc == (c == C_MANAGED ? -PZ_EFAULT : -PZ_ERANGE),
	      "op %u: mapcount on pfn %llu (class %u) not held returned %d", F.op,
	      (unsigned long long)pfn, c, rc);
	rc = pz_page_clear_state(F.pz, p, PZ_PAGE_LOCKED);
	CHECK(rc == (c == C_OUTSIDE ? -PZ_ERANGE : -PZ_EFAULT),
	      "op %u: clear_state on pfn %llu (class %u) not held returned %d", F.op,
	      (unsigned long long)pfn, c, rc);
	check_unchanged(&s, "page state of a page not held", (size_t)-1);
	check_pfn(pfn);
}

/*
 * Pages leaked behind our back: a free block holding a hwpoisoned page is
 * taken out when the allocator next picks it. Every newly leaked page must
 * have been free in the model, the count must match the library's, and the
 * newly leaked pages must include a poisoned one.
 */
static void reconcile_leaks(void)
{
	struct pz_errors e;
	uint64_t found = 0;
	bool poisoned = false;

	pz_errors(F.pz, &e);
	if (e.leaked_pages == F.leaked_total)
		return;
	CHECK(e.leaked_pages > F.leaked_total, "op %u: leaked_pages went down", F.op);
	for (uint64_t pfn = F.lo; pfn < F.hi; pfn++) {
		if (CLS(F.cls[pfn - F.lo]) != C_MANAGED || F.model[pfn - F.lo] != M_FREE)
			continue;
		if (pz_pfn_state(F.pz, pfn) != PZ_PAGE_STATE_LEAKED)
			continue;
		F.model[pfn - F.lo] = M_LEAKED;
		F.z[ZIDX(F.cls[pfn - F.lo])].leaked++;
		poisoned |= F.poison[pfn - F.lo] != 0;
		found++;
	}
	CHECK(found == e.leaked_pages - F.leaked_total,
	      "op %u: %llu pages leaked, %llu found leaked", F.op,
	      (unsigned long long)(e.leaked_pages - F.leaked_total), (unsigned long long)found);
	CHECK(poisoned, "op %u: %llu pages leaked without a hwpoisoned one", F.op,
	      (unsigned long long)found);
	F.leaked_total = e.leaked_pages;
}

static void op_state(struct rd *r)
{
	unsigned i, v = u8(r) % 11;
	struct blk *b;
	int rc;

	if (v == 9) {
		state_misuse(r);
		return;
	}
	if (!F.nheld && v == 8) {
		poison_free_pfn(r);
		return;
	}
	if (!F.nheld)
		return;
	i = u16(r) % F.nheld;
	b = &held[i];
	if (b->kind != B_PAGES)
		return;
	switch (v) {
	case 0: /* dirty: allowed at free, just cleared */
		rc = pz_page_set_state(F.pz, b->page, PZ_PAGE_DIRTY, 0);
		CHECK(rc == 0, "op %u: set dirty returned %d", F.op, rc);
		break;
	case 1: /* set then clear: harmless */
	case 2: {
		unsigned bits = 1 + u8(r) % 15;

		if (b->poison)
			return;

		rc = pz_page_set_state(F.pz, b->page, bits, 1);
		CHECK(rc == 0, "op %u: set_state(%#x) returned %d", F.op, bits, rc);
		rc = pz_page_clear_state(F.pz, b->page, bits);
		CHECK(rc == 0, "op %u: clear_state(%#x) returned %d", F.op, bits, rc);
		rc = pz_page_set_state(F.pz, b->page, 0, -1);
		CHECK(rc == 0, "op %u: mapcount -1 returned %d", F.op, rc);
		break;
	}
	case 3: { /* a bad page at free: leaked, tracked */
		bool locked = u8(r) & 1;

		rc = pz_page_set_state(F.pz, b->page, locked ? PZ_PAGE_LOCKED : 0, locked ? 0 : 1);
		CHECK(rc == 0, "op %u: set_state returned %d", F.op, rc);
		b->poison = true;
		break;
	}
	case 4:
		rc = pz_page_set_state(F.pz, b->page, 0x20u << (u8(r) % 8), 0);
		CHECK(rc == -PZ_EINVAL, "op %u: set_state with unknown bits returned %d", F.op, rc);
		rc = pz_page_clear_state(F.pz, b->page, 0x40);
		CHECK(rc == -PZ_EINVAL, "op %u: clear_state with unknown bits returned %d", F.op,
		      rc);
		break;
	case 8: { /* hwpoison: a page we do not hold, a tail or the head of a block */
		unsigned w = u8(r) % 3;
		uint64_t k = 0;

		if (w == 0) {
			poison_free_pfn(r);
			break;
		}
		if (w == 1 && b->order)
			k = 1 + u16(r) % (((uint64_t)1 << b->order) - 1);
		rc = pz_page_set_state(F.pz, pz_pfn_to_page(F.pz, b->pfn + k), PZ_PAGE_HWPOISON, 0);
		CHECK(rc == 0, "op %u: hwpoison of held pfn %llu returned %d", F.op,
		      (unsigned long long)(b->pfn + k), rc);
		F.poison[b->pfn + k - F.lo] = 1;
		break;
	}
	case 10: { /* extreme mapcount deltas: refused past int32, never wrapped */
		struct snap s;

		if (b->poison)
			return;
		take_snap(&s);
		CHECK(pz_page_set_state(F.pz, b->page, 0, INT_MAX) == 0 &&
			      pz_page_set_state(F.pz, b->page, 0, 1) == -PZ_EINVAL &&
			      pz_page_set_state(F.pz, b->page, 0, INT_MIN) == 0 &&
			      pz_page_set_state(F.pz, b->page, 0, INT_MIN) == -PZ_EINVAL &&
			      pz_page_set_state(F.pz, b->page, 0, 1) == 0,
		      "op %u: extreme mapcount deltas", F.op);
		check_unchanged(&s, "extreme mapcount deltas", (size_t)-1);
		break;
	}
	case 5: { /* owner word */
		uintptr_t w = (uintptr_t)u32(r);

		pz_page_set_owner(b->page, w);
		CHECK(pz_page_owner(b->page) == w, "op %u: owner word lost", F.op);
		break;
	}
	default: { /* conversions */
		void *a = pz_page_address(F.pz, b->page);

		CHECK(pz_page_to_pfn(F.pz, b->page) == b->pfn, "op %u: page_to_pfn", F.op);
		CHECK(pz_pfn_to_page(F.pz, b->pfn) == b->page, "op %u: pfn_to_page", F.op);
		CHECK(pz_page_refcount(F.pz, b->page) == b->refs, "op %u: refcount %d, model %d",
		      F.op, pz_page_refcount(F.pz, b->page), b->refs);
		CHECK(pz_compound_order(F.pz, b->page) == (b->comp ? b->order : 0),
		      "op %u: compound order", F.op);
		CHECK(pz_compound_head(F.pz, b->page) == b->page, "op %u: compound head", F.op);
		if (F.dm) {
			CHECK(a == dm_addr(b->pfn), "op %u: page_address %p", F.op, a);
			CHECK(pz_virt_to_page(F.pz, (char *)a + 7) == b->page,
			      "op %u: virt_to_page", F.op);
		} else {
			CHECK(a == NULL, "op %u: page_address without a direct map", F.op);
		}
		(void)pz_page_is_pfmemalloc(F.pz, b->page);
		break;
	}
	}
}

static void op_drain(struct rd *r)
{
	unsigned v = u8(r) % 3;

	if (v == 0) {
		pz_drain_local_pages(F.pz);
	} else if (v == 1) {
		pz_drain_all_pages(F.pz);
	} else {
		unsigned c = u8(r) % (F.m.nr_cpus + 2);
		int rc = pz_drain_cpu_pages(F.pz, c);

		CHECK(rc == (c < F.m.nr_cpus ? 0 : -PZ_EINVAL), "op %u: drain_cpu(%u) returned %d",
		      F.op, c, rc);
	}
}

static void op_task(struct rd *r)
{
	unsigned v = u8(r) % 5;
	unsigned all = (1u << F.m.nr_nodes) - 1;

	switch (v) {
	case 0:
		F.task_current = !F.task_current;
		pz_set_current_task(F.task_current ? &F.task : NULL);
		CHECK(pz_current_task() == (F.task_current ? &F.task : NULL),
		      "op %u: pz_current_task", F.op);
		break;
	case 1:
	case 2: {
		pz_nodemask_t mems = u8(r) & all, hw = u8(r) & (all | 8);
		int rc;

		if (u8(r) & 1)
			mems |= (pz_nodemask_t)1 << 40;
		rc = pz_task_set_mems_allowed(F.pz, &F.task, mems, hw);
		CHECK(rc == (mems ? 0 : -PZ_EINVAL), "op %u: set_mems_allowed(%#llx) = %d", F.op,
		      (unsigned long long)mems, rc);
		break;
	}
	case 3:
		F.task.flags = u16(r) & 0x1ff;
		break;
	default:
		F.task.preferred_node = (int)(u8(r) % (F.m.nr_nodes + 2)) - 1;
		break;
	}
}

/* fail_page_alloc with attributes from the input: later operations must
 * cope with injected failures exactly as with real ones. */
static void tune_fail_page_alloc(struct rd *r)
{
	struct pz_fault_attr a, b;
	unsigned f = u8(r);
	int rc;

	pz_fault_attr_default(&a);
	a.probability = u8(r) % 128;
	a.interval = u8(r) % 8;
	a.times = (int)(int8_t)u8(r);
	a.space = (int)(u8(r) % 64) - 8;
	a.min_order = u8(r) % 4;
	a.task_filter = f & 1;
	a.ignore_gfp_reclaim = f & 2;
	a.ignore_gfp_highmem = f & 4;
	a.verbose = f & 8;
	a.seed = u32(r);
	rc = pz_set_fail_page_alloc(F.pz, &a);
	CHECK(rc == 0, "op %u: set_fail_page_alloc = %d", F.op, rc);
	rc = pz_get_fail_page_alloc(F.pz, &b);
	CHECK(rc == 0 && a.probability == b.probability && a.interval == b.interval &&
		      a.times == b.times && a.space == b.space && a.min_order == b.min_order &&
		      a.task_filter == b.task_filter && a.seed == b.seed,
	      "op %u: get_fail_page_alloc differs", F.op);
}

static void op_tune(struct rd *r)
{
	unsigned v = u8(r) % 5;
	int rc;

	switch (v) {
	case 0: {
		unsigned b = u8(r), kb = b < 64	   ? PZ_MIN_FREE_KBYTES_DEFAULT
					 : b < 192 ? u16(r)
						   : u32(r) % (1u << 22);

		rc = pz_set_min_free_kbytes(F.pz, kb);
		CHECK(rc == 0, "op %u: set_min_free_kbytes(%u) = %d", F.op, kb, rc);
		CHECK(kb == PZ_MIN_FREE_KBYTES_DEFAULT || pz_min_free_kbytes(F.pz) == kb,
		      "op %u: min_free_kbytes %u, set %u", F.op, pz_min_free_kbytes(F.pz), kb);
		break;
	}
	case 1: {
		unsigned b = u8(r), f = b < 32 ? b % 12 : b < 250 ? b : u32(r);

		rc = pz_set_percpu_pagelist_fraction(F.pz, f);
		CHECK(rc == (f && f < 8 ? -PZ_EINVAL : 0),
		      "op %u: set_percpu_pagelist_fraction(%u) = %d", F.op, f, rc);
		break;
	}
	case 2: {
		struct pz_zone_dirty d;
		int nid = (int)(u8(r) % (F.m.nr_nodes + 1));
		unsigned t = u8(r) % 6;
		bool exists = false;

		for (unsigned i = 0; i < F.nz; i++)
			exists |= F.z[i].nid == nid && (unsigned)F.z[i].type == t;
		d.nr_dirty = u16(r);
		d.nr_unstable_nfs = u8(r);
		d.nr_writeback = u8(r);
		d.nr_inactive_file = u16(r);
		d.nr_active_file = u16(r);
		rc = pz_zone_set_dirty(F.pz, nid, (enum pz_zone_type)t, &d);
		CHECK(rc == (exists ? 0 : -PZ_ENODEV), "op %u: zone_set_dirty(%d, %u) = %d", F.op,
		      nid, t, rc);
		rc = pz_zone_set_dirty(F.pz, nid, (enum pz_zone_type)t, NULL);
		CHECK(rc == -PZ_EINVAL, "op %u: zone_set_dirty(NULL) = %d", F.op, rc);
		break;
	}
	case 3:
		tune_fail_page_alloc(r);
		break;
	default:
		F.ctx.cpu = u8(r) < 200 ? u8(r) : u32(r);
		break;
	}
}

typedef size_t (*report_fn)(pz_t *, char *, size_t);

static void op_report(struct rd *r)
{
	static const report_fn fns[6] = {
		pz_report_buddyinfo, pz_report_pagetypeinfo,  pz_report_zoneinfo,
		pz_report_vmstat,    pz_report_extfrag_index, pz_report_unusable_index,
	};
	unsigned v = u8(r) % 6;
	char small[80];

	/* the text of a report does not change what the next one covers, and a
	 * big machine's reports are long: a few per run are enough */
	if (++F.nreports > 6)
		return;
	{
		size_t len = u8(r) % sizeof(small);
		size_t a, b;

		memset(small, 'x', sizeof(small));
		a = fns[v](F.pz, small, len);
		b = fns[v](F.pz, big, BIG_LEN);
		CHECK(a == b, "op %u: report %u needs %zu bytes, then %zu", F.op, v, a, b);
		CHECK(b < BIG_LEN && strlen(big) == b, "op %u: report %u length %zu, strlen %zu",
		      F.op, v, b, strlen(big));
		if (len) {
			size_t k = a < len ? a : len - 1;

			CHECK(small[k] == 0 && memcmp(small, big, k) == 0,
			      "op %u: report %u cut at %zu is not a prefix", F.op, v, len);
		}
		CHECK(len == sizeof(small) || small[len] == 'x', "op %u: report wrote past %zu",
		      F.op, len);
	}
}

/* Queries with any arguments, formatting, and pfn states against the model. */
/* List snapshots into tiny buffers, pageblock labels, kernel values and
 * fault-attribute strings, all with any arguments. */
static void query_lists(struct rd *r)
{
	uint64_t out[4] = {7, 7, 7, 7};
	int nid = (int)(u8(r) % (F.m.nr_nodes + 2)) - 1;
	unsigned t = u8(r) % 6, o = u8(r) % (F.max_order + 2), mt = u8(r) % 9;
	size_t max = u8(r) % 4;
	uint64_t pfn = u8(r) == 0xff ? UINT64_MAX - u8(r) : F.lo + u32(r) % (F.hi - F.lo + 64);
	int64_t n;
	char str[24];
	struct pz_fault_attr fa, fb;

	n = pz_free_list_pfns(F.pz, nid, (enum pz_zone_type)t, o, (enum pz_migratetype)mt,
			      max ? out : NULL, max);
	CHECK(n >= 0 || n == -PZ_EINVAL || n == -PZ_ENODEV, "op %u: free_list_pfns returned %lld",
	      F.op, (long long)n);
	for (size_t i = (n > 0 && (size_t)n < max) ? (size_t)n : max; i < 4; i++)
		CHECK(out[i] == 7, "op %u: free_list_pfns wrote past %zu", F.op, max);
	n = pz_pcp_list_pfns(F.pz, nid, (enum pz_zone_type)t, u8(r) % (F.m.nr_cpus + 1), o,
			     (enum pz_migratetype)mt, max ? out : NULL, max);
	CHECK(n >= 0 || n == -PZ_EINVAL || n == -PZ_ENODEV, "op %u: pcp_list_pfns returned %lld",
	      F.op, (long long)n);
	n = pz_pageblock_migratetype(F.pz, pfn);
	CHECK(n == -PZ_ERANGE || (n >= 0 && n < PZ_MT_TYPES),
	      "op %u: pageblock_migratetype(%llu) = %lld", F.op, (unsigned long long)pfn,
	      (long long)n);
	(void)pz_migratetype_kernel_value((enum pz_profile)(u8(r) % 3), (enum pz_migratetype)mt);
	for (size_t i = 0; i + 1 < sizeof(str); i++)
		str[i] = (char)(u8(r) % 4 ? "0123456789,-+ \n"[u8(r) % 16] : u8(r));
	str[sizeof(str) - 1] = 0;
	pz_fault_attr_default(&fa);
	pz_fault_attr_default(&fb);
	if (pz_fault_attr_parse(str, &fa) != 0)
		CHECK(memcmp(&fa, &fb, sizeof(fa)) == 0,
		      "op %u: refused fault_attr_parse changed it", F.op);
}

static void op_query(struct rd *r)
{
	unsigned v = u8(r) % 5;
	char small[80];

	switch (v) {
	case 0: { /* zone queries with any arguments */
		int nid = (int)(u8(r) % (F.m.nr_nodes + 2)) - 1;
		unsigned t = u8(r) % 6, o = u8(r) % (F.max_order + 1), fl = u16(r) & 0x1ff;
		struct pz_zone_info zi;
		struct pz_pcp_info pi;
		int ef, un, rc;

		rc = pz_zone_info(F.pz, nid, (enum pz_zone_type)t, &zi);
		if (!rc)
			CHECK(zi.managed <= zi.present && zi.present <= zi.spanned,
			      "op %u: zone info managed %llu present %llu spanned %llu", F.op,
			      (unsigned long long)zi.managed, (unsigned long long)zi.present,
			      (unsigned long long)zi.spanned);
		unsigned c = u8(r) % (F.m.nr_cpus + 1);
		int64_t n;

		rc = pz_pcp_info(F.pz, nid, (enum pz_zone_type)t, c, &pi);
		n = pz_pcp_count(F.pz, nid, (enum pz_zone_type)t, c);
		CHECK(rc ? n == rc : n == (int64_t)pi.count,
		      "op %u: pcp count %lld, pcp info %d count %u", F.op, (long long)n, rc,
		      rc ? 0 : pi.count);
		rc = pz_fragmentation_index(F.pz, nid, (enum pz_zone_type)t, o, &ef, &un);
		if (!rc)
			CHECK(ef >= -1000 && ef <= 1000 && un >= 0 && un <= 1000,
			      "op %u: fragmentation indices %d %d", F.op, ef, un);
		(void)pz_zone_watermark_ok(F.pz, nid, (enum pz_zone_type)t, o, fl,
					   (enum pz_zone_type)(u8(r) % 6));
		CHECK(pz_numa_node_id(F.pz) == (int)cpu_node_of(F.ctx.cpu), "op %u: numa_node_id",
		      F.op);
		CHECK(pz_version() == PZ_VERSION, "pz_version");
		break;
	}
	case 1: { /* zonelists */
		int out[2 * 16];
		int nid = (int)(u8(r) % (F.m.nr_nodes + 2)) - 1, which = (int)(u8(r) % 3);
		unsigned max = u8(r) % 17;
		int n = pz_zonelist(F.pz, nid, which, out, max);

		if (nid >= 0 && nid < (int)F.m.nr_nodes && which < 2)
			CHECK(n >= 0 && n <= (int)F.nz, "op %u: zonelist of %d entries", F.op, n);
		break;
	}
	case 2: { /* gfp and trace formatting */
		pz_gfp_t g = u32(r);
		struct pz_trace_event ev;
		size_t len = u8(r) % sizeof(small), n;

		n = pz_gfp_format(g, small, len);
		if (len)
			CHECK(strlen(small) == (n < len ? n : len - 1), "op %u: gfp_format", F.op);
		memset(&ev, 0, sizeof(ev));
		ev.kind = (enum pz_trace_kind)(u8(r) % 8);
		ev.cpu = u8(r);
		ev.pfn = (int64_t)u32(r) - 1;
		ev.order = u8(r);
		ev.gfp_flags = g;
		ev.migratetype = (enum pz_migratetype)(u8(r) % 8);
		ev.alloc_migratetype = (enum pz_migratetype)(u8(r) % 8);
		ev.fallback_migratetype = (enum pz_migratetype)(u8(r) % 8);
		n = pz_trace_format(F.ctx.profile, &ev, small, len);
		if (len)
			CHECK(strlen(small) == (n < len ? n : len - 1), "op %u: trace_format",
			      F.op);
		(void)pz_migratetype_name(F.ctx.profile, (enum pz_migratetype)(u8(r) % 8));
		(void)pz_zone_type_name((enum pz_zone_type)(u8(r) % 7));
		(void)pz_strerror(-(int)u8(r));
		break;
	}
	case 4:
		query_lists(r);
		break;
	default: { /* pfn states against the model */
		uint64_t pfn = (F.lo >= 64 ? F.lo - 64 : 0) + u32(r) % (F.hi - F.lo + 128);

		check_pfn(pfn);
		if (u8(r) == 0xff)
			check_all_pfns();
		break;
	}
	}
}

/* ---- the run ------------------------------------------------------------------------- */

static void describe_machine(void)
{
	fprintf(stderr,
		"machine: %u nodes, %u cpus, max_order %u, pageblock_order %u, "
		"page_shift %u, profile %d, direct map %d, trace %d\n",
		F.m.nr_nodes, F.m.nr_cpus, F.max_order, pz_pageblock_order(F.pz), F.page_shift,
		(int)F.ctx.profile, F.dm, F.plat.trace != NULL);
	for (unsigned n = 0; n < F.m.nr_nodes; n++)
		for (unsigned i = 0; i < F.nodes[n].nr_zones; i++) {
			const struct pz_zone_desc *z = &F.zd[n][i];

			fprintf(stderr, "  node %u %-7s [%llu, %llu)", n,
				pz_zone_type_name(z->type), (unsigned long long)z->start_pfn,
				(unsigned long long)z->end_pfn);
			for (unsigned k = 0; k < z->nr_present; k++)
				fprintf(stderr, " present [%llu, %llu)",
					(unsigned long long)z->present[k].start,
					(unsigned long long)z->present[k].end);
			for (unsigned k = 0; k < z->nr_reserved; k++)
				fprintf(stderr, " reserved [%llu, %llu)",
					(unsigned long long)z->reserved[k].start,
					(unsigned long long)z->reserved[k].end);
			for (unsigned k = 0; k < z->nr_cma; k++)
				fprintf(stderr, " cma [%llu, %llu)",
					(unsigned long long)z->cma[k].start,
					(unsigned long long)z->cma[k].end);
			fputc('\n', stderr);
		}
}

/* ---- memory pressure: shrinkers, reclaim, compaction, kswapd, OOM ------------
 *
 * Two shrinker slots, a migrate handler and an OOM handler whose behaviour
 * the input chooses call by call, some of it misuse: counts that are zero,
 * "empty" or absurd, scans that lie about what they freed, stop, or claim
 * to have scanned nothing; migrate answers outside the enum and targets
 * freed by the callback; OOM kills that free nothing. The callbacks give
 * pages back (shrinkers, OOM) or move them (migration) only during the
 * pressure operations themselves (P.in_op), so that no other operation
 * sees its held blocks change under it; elsewhere they only count, lie
 * and refuse. pz_validate runs inside the migrate callback too.
 */
#define P_SLOTS 2

static struct {
	struct pz_shrinker sh[P_SLOTS];
	bool reg[P_SLOTS];
	unsigned mode[P_SLOTS];
	uint32_t mig_bits, oom_bits;
	unsigned mig_seq, oom_seq, reap_seq;
	bool in_op;
} P;

static void pressure_reset(void)
{
	memset(&P, 0, sizeof(P));
}

/* A held block the callbacks may free or move: plain pages, one
 * reference, nothing the free check would refuse. */
static int pick_victim(unsigned from)
{
	for (unsigned k = 0; k < F.nheld; k++) {
		unsigned i = (from + k) % F.nheld;

		if (held[i].kind == B_PAGES && held[i].refs == 1 && !blk_bad(&held[i]))
			return (int)i;
	}
	return -1;
}

static unsigned long free_victims(unsigned long n)
{
	unsigned long done = 0;
	int i;

	while (P.in_op && done < n && (i = pick_victim(F.op + (unsigned)done)) >= 0) {
		free_one((unsigned)i, done);
		done++;
	}
	return done;
}

static unsigned slot_of(const struct pz_shrinker *s)
{
	CHECK(s >= P.sh && s < P.sh + P_SLOTS, "op %u: shrinker callback for a stranger", F.op);
	return (unsigned)(s - P.sh);
}

static unsigned long p_count(struct pz_shrinker *s, struct pz_shrink_control *sc)
{
	unsigned m = P.mode[slot_of(s)] & 3;

	CHECK(sc->nid >= 0 && (unsigned)sc->nid < F.m.nr_nodes, "op %u: shrink node %d", F.op,
	      sc->nid);
	if (m == 0)
		return F.nheld;
	/* a count far above what it holds (256 while it frees nothing): the
	 * kernel's protocol believes it and may ask up to 2 * count / batch
	 * scans a pass, so a truly absurd figure would only time out */
	return m == 1 ? 0 : m == 2 ? PZ_SHRINK_EMPTY : 256;
}

static unsigned long p_scan(struct pz_shrinker *s, struct pz_shrink_control *sc)
{
	unsigned m = (P.mode[slot_of(s)] >> 2) & 3;

	CHECK(sc->nr_to_scan > 0, "op %u: scan of 0 objects", F.op);
	switch (m) {
	case 0:
		return free_victims(sc->nr_to_scan);
	case 1:
		return sc->nr_to_scan; /* lies: frees nothing */
	case 2:
		return PZ_SHRINK_STOP;
	default:
		free_victims(1);
		sc->nr_scanned = 0; /* frees one, claims it scanned nothing */
		return 0;
	}
}

static void op_shrinker(struct rd *r)
{
	unsigned v = u8(r), k = v % P_SLOTS;
	struct pz_shrinker *s = &P.sh[k];
	int rc;

	if (P.reg[k]) {
		rc = pz_unregister_shrinker(F.pz, s);
		CHECK(rc == 0, "op %u: unregister_shrinker = %d", F.op, rc);
		P.reg[k] = false;
		return;
	}
	pz_shrinker_init(s);
	s->count_objects = p_count;
	s->scan_objects = p_scan;
	s->seeks = (int)((v >> 1) & 3);
	s->batch = (long)u8(r) - 8;
	s->flags = (v & 0x80) ? PZ_SHRINKER_NUMA_AWARE : 0;
	P.mode[k] = u8(r);
	rc = pz_register_shrinker(F.pz, s);
	if (s->batch < 0 || (s->seeks == 0 && F.ctx.profile != PZ_PROFILE_LINUX_6_1)) {
		CHECK(rc == -PZ_EINVAL, "op %u: register_shrinker(seeks %d batch %ld) = %d", F.op,
		      s->seeks, s->batch, rc);
		return;
	}
	CHECK(rc == 0, "op %u: register_shrinker = %d", F.op, rc);
	CHECK(pz_register_shrinker(F.pz, s) == -PZ_EINVAL, "op %u: double register", F.op);
	P.reg[k] = true;
}

/* Moves a held block when the input says so; every answer, garbage
 * included, has a defined result in the core. */
static enum pz_migrate_result p_migrate(void *c, pz_t *pz, pz_page_t *src, pz_page_t *dst,
					unsigned order, enum pz_migrate_mode mode)
{
	uint64_t s = pz_page_to_pfn(pz, src), d = pz_page_to_pfn(pz, dst);
	unsigned a = (P.mig_bits >> (3 * (P.mig_seq++ % 10))) & 7;
	int i;

	(void)c;
	CHECK((unsigned)mode <= PZ_MIGRATE_SYNC, "op %u: migrate mode %d", F.op, (int)mode);
	CHECK(pz_validate(pz) == 0, "op %u: pz_validate inside the migrate callback", F.op);
	for (i = 0; i < (int)F.nheld && held[i].pfn != s; i++)
		;
	if (i == (int)F.nheld || held[i].kind != B_PAGES)
		return PZ_MIGRATE_UNKNOWN;
	CHECK(held[i].order == order && model_of(d) == M_FREE,
	      "op %u: migrate %llu order %u (held order %u) to pfn %llu", F.op,
	      (unsigned long long)s, order, held[i].order, (unsigned long long)d);
	if (!P.in_op || held[i].refs != 1 || blk_bad(&held[i]) || a == 4)
		return PZ_MIGRATE_BUSY;
	if (a == 5)
		return PZ_MIGRATE_PINNED;
	if (a == 6)
		return (enum pz_migrate_result)77; /* outside the enum */
	if (a == 7) {
		CHECK(pz_free_pages(pz, dst, order) == 0, "op %u: freeing the target", F.op);
		return PZ_MIGRATE_OK; /* misuse: the target is gone */
	}
	if (F.dm)
		memcpy(dm_addr(d), dm_addr(s), (size_t)1 << (order + F.page_shift));
	pz_page_set_owner(dst, pz_page_owner(src));
	model_set(s, (uint64_t)1 << order, M_FREE);
	model_set(d, (uint64_t)1 << order, M_HELD);
	held[i].page = dst;
	held[i].pfn = d;
	return PZ_MIGRATE_OK;
}

static bool p_oom(void *c, pz_t *pz, const struct pz_oom_request *req)
{
	unsigned a = (P.oom_bits >> (2 * (P.oom_seq++ % 16))) & 3;

	(void)c;
	CHECK(pz == F.pz && req->order <= F.max_order && req->nr_calls >= 1,
	      "op %u: OOM request order %u calls %u", F.op, req->order, req->nr_calls);
	/* odd calls of the kills below report victim 1..4 pending (linux-6.1
	 * queues it for the reaper; a skipped one named again is misuse) */
	if (a <= 1 && (P.oom_seq & 1))
		*req->pending = 1 + ((P.oom_seq >> 1) & 3);
	if (a == 0)
		return free_victims(4) > 0;
	if (a == 1)
		return true; /* lies: kills nobody */
	if (a == 2)
		return false;
	free_victims(1);
	return false; /* frees one, says it found no victim */
}

/* The reap callback, its answers taken from the OOM bits turned around:
 * frees two held blocks, fails, frees nothing, or claims 100 and frees
 * nothing. */
static long p_reap(void *c, pz_t *pz, uintptr_t victim, struct pz_task *task)
{
	uint32_t bits = P.oom_bits >> 16 | P.oom_bits << 16;
	unsigned a = (bits >> (2 * (P.reap_seq++ % 16))) & 3;

	(void)c;
	CHECK(pz == F.pz && ((task == NULL && victim >= 1 && victim <= 4) ||
			     (task == &F.task && victim == (uintptr_t)&F.task)),
	      "op %u: reap victim %#lx task %p", F.op, (unsigned long)victim, (void *)task);
	if (a == 0)
		return (long)free_victims(2);
	return a == 1 ? -1 : a == 2 ? 0 : 100;
}

/* Direct reclaim with any gfp, order and node (some bad). */
static void op_reclaim(struct rd *r)
{
	unsigned order = u8(r) % (F.max_order + 1);
	int nid = (int)(u8(r) % (F.m.nr_nodes + 1));
	pz_gfp_t gfp = decode_gfp(r);
	uint64_t progress = 0;
	int rc;

	P.in_op = true;
	rc = pz_direct_reclaim(F.pz, nid, gfp, order, &progress);
	P.in_op = false;
	if ((unsigned)nid >= F.m.nr_nodes)
		CHECK(rc == -PZ_ENODEV || rc == -PZ_EINVAL, "op %u: reclaim node %d = %d", F.op,
		      nid, rc);
	else
		CHECK(rc == 0 || (rc == -PZ_EINVAL &&
				  (order >= F.max_order || pz_gfp_zone(gfp, F.present_types) < 0)),
		      "op %u: direct_reclaim = %d", F.op, rc);
}

static void op_compact(struct rd *r)
{
	unsigned v = u8(r);
	int nid = (int)(u8(r) % (F.m.nr_nodes + 1)), rc;
	enum pz_zone_type t = (enum pz_zone_type)(u8(r) % (PZ_NR_ZONE_TYPES + 1));

	P.mig_bits = u32(r);
	if (v & 0x10)
		CHECK(pz_set_migrate_handler(F.pz, (v & 0x20) ? NULL : p_migrate, NULL) == 0,
		      "op %u: set_migrate_handler", F.op);
	P.in_op = true;
	if (v % 3 == 0)
		rc = pz_compact_zone(F.pz, nid, t);
	else if (v % 3 == 1)
		rc = pz_compact_node(F.pz, nid);
	else
		rc = pz_compact_memory(F.pz);
	P.in_op = false;
	CHECK(rc == 0 || rc == -PZ_ENODEV || rc == -PZ_EINVAL, "op %u: compact = %d", F.op, rc);
	if (verbose) {
		struct pz_compaction_stats cs;

		uint64_t vm[PZ_NR_VM_EVENTS];

		pz_vm_events(F.pz, vm, PZ_NR_VM_EVENTS);
		fprintf(stderr, "  v %u nid %d rc %d: scanned %llu/%llu isolated %llu\n", v, nid,
			rc, (unsigned long long)vm[PZ_VM_COMPACT_MIGRATE_SCANNED],
			(unsigned long long)vm[PZ_VM_COMPACT_FREE_SCANNED],
			(unsigned long long)vm[PZ_VM_COMPACT_ISOLATED]);
		pz_compaction_stats(F.pz, &cs);
		fprintf(stderr, "  compaction: %llu migrate calls, %llu moved, %llu bad answers\n",
			(unsigned long long)cs.calls, (unsigned long long)cs.results[PZ_MIGRATE_OK],
			(unsigned long long)cs.bad_result);
	}
	if ((unsigned)nid < F.m.nr_nodes && v % 3 == 1)
		CHECK(rc == 0, "op %u: compact_node(%d) = %d", F.op, nid, rc);
}

/* kswapd woken or run (inline in deterministic mode), or an allocation
 * that may reach reclaim, compaction and the OOM handler. */
static void op_kswapd_oom(struct rd *r)
{
	unsigned v = u8(r), order = u8(r) % (F.max_order + 1);
	int nid = (int)(u8(r) % F.m.nr_nodes), rc;
	pz_gfp_t gfp = decode_gfp(r);

	P.oom_bits = u32(r);
	if (v & 0x10)
		CHECK(pz_set_oom_handler(F.pz, (v & 0x20) ? NULL : p_oom, NULL) == 0,
		      "op %u: set_oom_handler", F.op);
	if (v & 0x40)
		CHECK(pz_set_oom_reaper(F.pz, (v & 0x20) ? NULL : p_reap, NULL) == 0,
		      "op %u: set_oom_reaper", F.op);
	P.in_op = true;
	if (v & 0x80) {
		/* the embedder's reaper thread, and a victim exiting by itself */
		rc = pz_oom_reaper_run(F.pz);
		CHECK(rc >= 0 && rc <= 16, "op %u: oom_reaper_run = %d", F.op, rc);
		rc = pz_oom_victim_exited(F.pz, 1 + (v & 3));
		CHECK(rc == 0 || rc == -PZ_ENOENT, "op %u: oom_victim_exited = %d", F.op, rc);
	}
	if (v % 3 == 0) {
		enum pz_zone_type t = (enum pz_zone_type)(u8(r) % PZ_NR_ZONE_TYPES);

		rc = pz_wakeup_kswapd(F.pz, nid, t, order, t, gfp);
		CHECK(rc >= 0 || rc == -PZ_EINVAL, "op %u: wakeup_kswapd = %d", F.op, rc);
	} else if (v % 3 == 1) {
		rc = pz_kswapd_run(F.pz, nid);
		CHECK(rc >= PZ_KSWAPD_SLEEP && rc <= PZ_KSWAPD_BUSY, "op %u: kswapd_run = %d", F.op,
		      rc);
	} else {
		pz_page_t *p = pz_alloc_pages(F.pz, gfp, order % 4);

		if (p) {
			int req = F.task_current ? F.task.preferred_node : -1;
			struct blk *b = add_held();

			b->page = p;
			b->order = order % 4;
			b->kind = B_PAGES;
			b->refs = 1;
			b->comp = (gfp & PZ__GFP_COMP) && b->order;
			b->pfn = pz_page_to_pfn(F.pz, p);
			check_new_block(p, b->order, gfp,
					req < 0 ? (int)cpu_node_of(F.ctx.cpu) : req, NULL);
		}
	}
	P.in_op = false;
}

/* Ops 16-19, and what runs before the final give-back. */
static void op_pressure(unsigned op, struct rd *r)
{
	if (op == 16)
		op_shrinker(r);
	else if (op == 17)
		op_reclaim(r);
	else if (op == 18)
		op_compact(r);
	else
		op_kswapd_oom(r);
}

static void pressure_teardown(void)
{
	for (unsigned k = 0; k < P_SLOTS; k++)
		if (P.reg[k])
			CHECK(pz_unregister_shrinker(F.pz, &P.sh[k]) == 0, "final unregister");
	pz_set_migrate_handler(F.pz, NULL, NULL);
	pz_set_oom_handler(F.pz, NULL, NULL);
	pz_set_oom_reaper(F.pz, NULL, NULL);
	pressure_reset();
}

static const char *const op_names[20] = {
	"alloc",  "alloc", "alloc",    "alloc",	  "free",    "free",	   "free",
	"get",	  "split", "state",    "drain",	  "task",    "tune",	   "exact",
	"report", "query", "shrinker", "reclaim", "compact", "kswapd/oom",
};

static void check_zone_infos(bool final)
{
	struct pz_errors e;

	for (unsigned i = 0; i < F.nz; i++) {
		const struct fzone *z = &F.z[i];
		struct pz_zone_info zi;
		int rc = pz_zone_info(F.pz, z->nid, z->type, &zi);

		CHECK(rc == 0, "zone %d/%d: pz_zone_info = %d", z->nid, (int)z->type, rc);
		CHECK(zi.start_pfn == z->start && zi.spanned == z->end - z->start &&
			      zi.present == z->present && zi.managed == z->managed,
		      "zone %d/%d: start %llu spanned %llu present %llu managed %llu, machine "
		      "says %llu %llu %llu %llu",
		      z->nid, (int)z->type, (unsigned long long)zi.start_pfn,
		      (unsigned long long)zi.spanned, (unsigned long long)zi.present,
		      (unsigned long long)zi.managed, (unsigned long long)z->start,
		      (unsigned long long)(z->end - z->start), (unsigned long long)z->present,
		      (unsigned long long)z->managed);
		if (!final)
			continue;
		CHECK(zi.pcp_pages == 0, "zone %d/%d: %llu pcp pages after drain_all", z->nid,
		      (int)z->type, (unsigned long long)zi.pcp_pages);
		CHECK(zi.stat[PZ_NR_FREE_PAGES] == (int64_t)(z->managed - z->leaked),
		      "zone %d/%d: %lld free pages at the end, managed %llu, leaked %llu", z->nid,
		      (int)z->type, (long long)zi.stat[PZ_NR_FREE_PAGES],
		      (unsigned long long)z->managed, (unsigned long long)z->leaked);
	}
	pz_errors(F.pz, &e);
	CHECK(e.leaked_pages == F.leaked_total, "leaked_pages %llu, model %llu",
	      (unsigned long long)e.leaked_pages, (unsigned long long)F.leaked_total);
}

static void teardown(void)
{
	pz_set_current_task(NULL);
	if (F.mem)
		FZ_POISON(F.mem, F_MAX_META);
	free(F.cls);
	free(F.model);
	free(F.poison);
	F.mem = NULL;
	F.cls = F.model = F.poison = NULL;
}

static int pressure_ops = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd r = {data, size};
	size_t meta;
	unsigned misuse;
	int rc;

	if (verbose < 0)
		verbose = getenv("FUZZ_VERBOSE") != NULL;
	/* The pressure operations (16-19) run unless FUZZ_PRESSURE=0 (to fuzz
	 * the allocator alone). */
	if (pressure_ops < 0) {
		const char *e = getenv("FUZZ_PRESSURE");

		pressure_ops = !(e && e[0] == '0' && !e[1]);
	}
	if (!dm_window) {
		dm_window = mmap(NULL, F_DM_BYTES, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		CHECK(dm_window != MAP_FAILED, "cannot map the direct-map window");
	}
	log_count = 0;
	pressure_reset();
	decode_machine(&r);
	misuse = u8(&r);
	F.cfg.kswapd_deterministic = (misuse >> 2) & 1;
	if (!build_model()) {
		teardown();
		return 0;
	}
	if (F.dm && ((F.hi - F.lo) << F.page_shift) <= F_DM_BYTES) {
		F.cfg.direct_map = dm_window;
		F.cfg.direct_map_pfn = F.lo;
	} else {
		F.dm = false;
	}
	rc = pz_metadata_size(&F.cfg, &meta);
	if (rc) {
		/* every machine built above is valid: a refusal is a library bug */
		fail("pz_metadata_size refused a valid machine: %d", rc);
	}
	if (meta > F_MAX_META) {
		teardown();
		return 0;
	}
	meta = (meta + 63) & ~(size_t)63;
	if (!meta_arena) {
		meta_arena = mmap(NULL, F_GUARD + F_MAX_META, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		CHECK(meta_arena != MAP_FAILED, "cannot map the metadata arena");
		FZ_POISON(meta_arena, F_GUARD + F_MAX_META);
	}
	F.mem = meta_arena + F_GUARD;
	FZ_UNPOISON(F.mem, meta);
	memset(F.mem, 0xbe, meta);
	if (misuse & 1) {
		CHECK(pz_init(&F.cfg, F.mem, meta - 64, &F.pz) == -PZ_ENOMEM,
		      "pz_init with a small buffer");
		CHECK(pz_init(&F.cfg, (char *)F.mem + 8, meta - 64, &F.pz) == -PZ_EINVAL,
		      "pz_init with a misaligned buffer");
		CHECK(pz_init(&F.cfg, NULL, meta, &F.pz) == -PZ_EINVAL, "pz_init(NULL)");
	}
	rc = pz_init(&F.cfg, F.mem, meta, &F.pz);
	if (rc)
		fail("pz_init refused a valid machine: %d", rc);
	pz_task_init(&F.task);
	F.op = 0;
	if (verbose)
		describe_machine();
	validate("init");
	check_zone_infos(false);
	CHECK(pz_nr_nodes(F.pz) == F.m.nr_nodes && pz_nr_cpus(F.pz) == F.m.nr_cpus &&
		      pz_max_order(F.pz) == F.max_order &&
		      pz_page_size(F.pz) == (size_t)1 << F.page_shift &&
		      pz_profile(F.pz) == F.ctx.profile,
	      "instance geometry differs from the machine");
	if (misuse & 2)
		check_all_pfns();

	while (r.n && F.op < F_MAX_OPS) {
		unsigned op = u8(&r) % (pressure_ops ? 20u : 16u);

		F.op++;
		if (verbose)
			fprintf(stderr, "op %u: %s (held %u)\n", F.op, op_names[op], F.nheld);
		switch (op) {
		case 0:
		case 1:
		case 2:
		case 3:
			op_alloc(&r);
			break;
		case 4:
		case 5:
		case 6:
			op_free(&r);
			break;
		case 7:
			op_get(&r);
			break;
		case 8:
			op_split(&r);
			break;
		case 9:
			op_state(&r);
			break;
		case 10:
			op_drain(&r);
			break;
		case 11:
			op_task(&r);
			break;
		case 12:
			op_tune(&r);
			break;
		case 13:
			op_exact(&r);
			break;
		case 14:
			op_report(&r);
			break;
		case 15:
			op_query(&r);
			break;
		default:
			op_pressure(op, &r);
			break;
		}
		validate("operation");
		reconcile_leaks();
	}

	/* give everything back */
	pressure_teardown();
	F.op++;
	while (F.nheld) {
		unsigned i = F.nheld - 1;

		if (held[i].kind == B_EXACT)
			free_exact(i);
		else
			free_one(i, 0);
	}
	pz_drain_all_pages(F.pz);
	validate("final");
	check_zone_infos(true);
	check_all_pfns();
	CHECK(pz_destroy(F.pz) == 0, "pz_destroy");
	CHECK(pz_alloc_pages(F.pz, PZ_GFP_KERNEL, 0) == NULL, "allocation from a dead instance");
	CHECK(pz_validate(F.pz) != 0, "validate of a dead instance");
	CHECK(pz_destroy(F.pz) == -PZ_EINVAL, "second pz_destroy");
	teardown();
	return 0;
}
