/*
 * bench_pz.c - the pagezone rows of pagezone-bench, through the public
 * header only. Every measurement runs on simulated machines without
 * backing memory (the allocator only touches its descriptors):
 *   - an 8 GiB node (DMA, DMA32, 4 GiB Normal) for the pairs, the bulk
 *     calls and the two-thread pairs;
 *   - a single Normal zone of o->frag_pages pages, fragmented, for frag_*;
 *   - a 64 GiB node whose init is timed (table only).
 */
#define _GNU_SOURCE
#include "bench.h"

#include <pagezone.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define FRAG_BASE_PFN 4096u
#define CG_PAIRS0     10000
#define CG_PAIRS9     1000
#define CG_BULK	      200000

/* 8 GiB: DMA [1, 4096), DMA32 [4096, 1 Mi), Normal [1 Mi, 2 Mi) pfns */
static const struct pz_zone_desc zones_8g[] = {
	{.type = PZ_ZONE_DMA, .start_pfn = 1, .end_pfn = 4096},
	{.type = PZ_ZONE_DMA32, .start_pfn = 4096, .end_pfn = 1u << 20},
	{.type = PZ_ZONE_NORMAL, .start_pfn = 1u << 20, .end_pfn = 2u << 20},
};

/* 64 GiB: the same low zones and a 60 GiB Normal zone */
static const struct pz_zone_desc zones_64g[] = {
	{.type = PZ_ZONE_DMA, .start_pfn = 1, .end_pfn = 4096},
	{.type = PZ_ZONE_DMA32, .start_pfn = 4096, .end_pfn = 1u << 20},
	{.type = PZ_ZONE_NORMAL, .start_pfn = 1u << 20, .end_pfn = 16u << 20},
};

static const char *const profile_names[] = {"linux-4.1", "modern"};

struct pzb {
	pz_t *pz;
	void *mem;
	size_t size;
};

struct pz_pair {
	pz_t *pz;
	pz_gfp_t gfp;
	unsigned order;
};

static struct pz_machine machine_of(const struct pz_node_desc *node, unsigned nr_cpus)
{
	return (struct pz_machine){.nr_nodes = 1, .nodes = node, .nr_cpus = nr_cpus};
}

static struct pz_config config_of(const struct pz_machine *m, int profile)
{
	return (struct pz_config){
		.machine = m, .profile = (enum pz_profile)profile, .platform = pz_host_platform()};
}

static void *map_meta(size_t size)
{
	void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return mem == MAP_FAILED ? NULL : mem;
}

/* An instance in fresh mmap'd metadata; 0 or -1 (with a note). */
static int pzb_create(const struct pz_machine *m, int profile, struct pzb *b)
{
	struct pz_config cfg = config_of(m, profile);
	int err = pz_metadata_size(&cfg, &b->size);

	b->mem = err ? NULL : map_meta(b->size);
	if (!err && !b->mem)
		err = -PZ_ENOMEM;
	if (!err)
		err = pz_init(&cfg, b->mem, b->size, &b->pz);
	if (err) {
		bench_note("pagezone %s: init failed: %s", profile_names[profile],
			   pz_strerror(err));
		if (b->mem)
			munmap(b->mem, b->size);
		return -1;
	}
	return 0;
}

static void pzb_destroy(struct pzb *b)
{
	pz_destroy(b->pz);
	munmap(b->mem, b->size);
}

static void pz_pair_loop(void *arg, long iters)
{
	struct pz_pair *c = arg;

	for (long i = 0; i < iters; i++) {
		pz_page_t *p = pz_alloc_pages(c->pz, c->gfp, c->order);

		pz_free_pages(c->pz, p, c->order);
	}
}

static void add_pz_row(int profile, const char *op, const char *order, int threads,
		       const char *variant, int primary, const struct bench_result *r)
{
	struct bench_row row = {.allocator = "pagezone",
				.profile = profile_names[profile],
				.operation = op,
				.order = order,
				.threads = threads,
				.variant = variant,
				.primary = primary,
				.table_only = !primary,
				.r = *r};

	bench_add_row(&row);
}

static void pz_pairs(const struct bench_opts *o, int profile, pz_t *pz)
{
	struct pz_pair c0 = {pz, PZ_GFP_KERNEL, 0};
	struct pz_pair c9 = {pz, PZ_GFP_KERNEL | PZ__GFP_COMP, 9};
	struct pz_pair c9m = {pz, PZ_GFP_HIGHUSER_MOVABLE | PZ__GFP_COMP, 9};
	struct bench_result r;

	r = bench_rounds(o, pz_pair_loop, &c0, o->pair0_iters);
	add_pz_row(profile, "pair", "0", 1, "GFP_KERNEL", 1, &r);
	if (!bench_threads(o, 2, pz_pair_loop, &c0, o->pair0_iters, &r))
		add_pz_row(profile, "pair", "0", 2, "GFP_KERNEL, CPUs 0 and 1", 1, &r);
	r = bench_rounds(o, pz_pair_loop, &c9, o->pair9_iters);
	add_pz_row(profile, "pair", "9", 1, "GFP_KERNEL|COMP", 1, &r);
	r = bench_rounds(o, pz_pair_loop, &c9m, o->pair9_iters);
	add_pz_row(profile, "pair", "9", 1, "GFP_HIGHUSER_MOVABLE|COMP", 0, &r);
}

/* Fills array[0..n) with pz_alloc_pages_bulk; returns the pages got. */
static size_t pz_bulk_fill(pz_t *pz, pz_page_t **array, size_t n)
{
	size_t done = 0;

	while (done < n) {
		size_t got = pz_alloc_pages_bulk(pz, PZ_GFP_KERNEL, PZ_NUMA_NO_NODE, NULL, n - done,
						 array + done);

		if (!got)
			break;
		while (done < n && array[done])
			done++;
	}
	return done;
}

/* One bulk round: ns per page to allocate and to free; 0 when short. */
static int pz_bulk_round(pz_t *pz, pz_page_t **array, size_t n, double *ns_alloc, double *ns_free)
{
	uint64_t t0, t1, t2;
	size_t got;

	memset(array, 0, n * sizeof(*array));
	t0 = bench_now_ns();
	got = pz_bulk_fill(pz, array, n);
	t1 = bench_now_ns();
	pz_free_pages_bulk(pz, array, got);
	t2 = bench_now_ns();
	*ns_alloc = (double)(t1 - t0) / (double)n;
	*ns_free = (double)(t2 - t1) / (double)n;
	return got == n ? 0 : -1;
}

static void pz_bulk(const struct bench_opts *o, int profile, pz_t *pz)
{
	size_t n = (size_t)o->bulk_pages;
	pz_page_t **array = malloc(n * sizeof(*array));
	double va[BENCH_MAX_ROUNDS], vf[BENCH_MAX_ROUNDS];
	struct bench_result r;
	int short_rounds = 0;

	if (!array)
		return;
	pz_bulk_round(pz, array, n / 10 + 1, &va[0], &vf[0]);
	for (int i = 0; i < o->bulk_rounds; i++)
		short_rounds -= pz_bulk_round(pz, array, n, &va[i], &vf[i]);
	free(array);
	if (short_rounds)
		bench_note("pagezone %s: bulk allocation came up short in %d rounds",
			   profile_names[profile], short_rounds);
	r = bench_summarize(va, o->bulk_rounds);
	add_pz_row(profile, "bulk_alloc", "0", 1, "pz_alloc_pages_bulk", 1, &r);
	r = bench_summarize(vf, o->bulk_rounds);
	add_pz_row(profile, "bulk_free", "0", 1, "pz_free_pages_bulk", 1, &r);
}

/* ---- fragmentation ------------------------------------------------------ */

/* kinds of frag requests; the build uses the same table */
static const pz_gfp_t frag_gfp[3] = {PZ_GFP_KERNEL, PZ_GFP_HIGHUSER_MOVABLE, PZ_GFP_TEMPORARY};

struct pz_frag {
	pz_t *pz;
	long npages;
	pz_page_t **slot; /* by pfn - FRAG_BASE_PFN */
	uint8_t *kind;	  /* 1 + frag_gfp index of the allocation, 0 free */
};

static void *pz_frag_alloc(void *ctx, unsigned order, unsigned kind)
{
	struct pz_frag *f = ctx;

	return pz_alloc_pages(f->pz, frag_gfp[kind] | PZ__GFP_NOWARN, order);
}

static void pz_frag_free(void *ctx, void *p, unsigned order)
{
	struct pz_frag *f = ctx;

	pz_free_pages(f->pz, p, order);
}

/* Allocates up to max order-0 pages of a kind; returns how many. */
static long frag_fill(struct pz_frag *f, unsigned kind, long max)
{
	long n = 0;

	for (; n < max; n++) {
		pz_page_t *p = pz_alloc_pages(f->pz, frag_gfp[kind] | PZ__GFP_NOWARN, 0);
		uint64_t idx;

		if (!p)
			break;
		idx = pz_page_to_pfn(f->pz, p) - FRAG_BASE_PFN;
		f->slot[idx] = p;
		f->kind[idx] = (uint8_t)(1 + kind);
	}
	return n;
}

/* Frees the pages whose index pick() selects; returns how many. */
static long frag_free_where(struct pz_frag *f, int (*pick)(long idx))
{
	long n = 0;

	for (long i = 0; i < f->npages; i++) {
		if (!f->slot[i] || !pick(i))
			continue;
		pz_free_pages(f->pz, f->slot[i], 0);
		f->slot[i] = NULL;
		f->kind[i] = 0;
		n++;
	}
	pz_drain_all_pages(f->pz);
	return n;
}

/* Pageblocks holding both movable and unmovable/reclaimable pages. */
static long frag_count_mixed(const struct pz_frag *f)
{
	long mixed = 0;

	for (long b = 0; b < f->npages; b += 512) {
		unsigned seen = 0;

		for (long i = b; i < b + 512 && i < f->npages; i++)
			seen |= 1u << f->kind[i];
		mixed += (seen & 0x4) && (seen & 0xa); /* movable and the others */
	}
	return mixed;
}

/*
 * Everything MOVABLE, then every other page of the even pageblocks freed
 * and taken again by UNMOVABLE and RECLAIMABLE requests (mixed blocks);
 * then a quarter of the mixed blocks' pages (single-page holes) and half of
 * the pure blocks' pages (order-3 holes) freed for the timed requests.
 */
static void frag_build(struct pz_frag *f, int profile)
{
	long holes, mixed, freed;
	struct pz_zone_info zi;

	frag_fill(f, 1, f->npages);
	holes = frag_free_where(f, bench_frag_hole);
	for (long i = 0; i < holes; i++)
		if (!frag_fill(f, (i & 1) ? 2 : 0, 1))
			break;
	pz_drain_all_pages(f->pz);
	mixed = frag_count_mixed(f);
	freed = frag_free_where(f, bench_frag_freed);
	if (pz_zone_info(f->pz, 0, PZ_ZONE_NORMAL, &zi))
		return;
	bench_info("frag zone (%s): %ld MiB, %ld of %ld pageblocks mixed, %ld pages freed, "
		   "%llu free; blocks Unmovable/Movable/Reclaimable %llu/%llu/%llu",
		   profile_names[profile], f->npages >> 8, mixed, f->npages >> 9, freed,
		   (unsigned long long)zi.stat[PZ_NR_FREE_PAGES],
		   (unsigned long long)zi.nr_blocks_mt[PZ_MT_UNMOVABLE],
		   (unsigned long long)zi.nr_blocks_mt[PZ_MT_MOVABLE],
		   (unsigned long long)zi.nr_blocks_mt[PZ_MT_RECLAIMABLE]);
}

static void pz_frag(const struct bench_opts *o, int profile)
{
	struct pz_zone_desc zone = {.type = PZ_ZONE_NORMAL,
				    .start_pfn = FRAG_BASE_PFN,
				    .end_pfn = FRAG_BASE_PFN + (uint64_t)o->frag_pages};
	struct pz_node_desc node = {.zones = &zone, .nr_zones = 1};
	struct pz_machine m = machine_of(&node, 2);
	struct pz_frag f = {.npages = o->frag_pages};
	struct bench_frag_ops ops = {"pagezone", &f, pz_frag_alloc, pz_frag_free};
	struct bench_result p99, max;
	struct pzb b;

	if (pzb_create(&m, profile, &b))
		return;
	f.pz = b.pz;
	f.slot = calloc((size_t)f.npages, sizeof(*f.slot));
	f.kind = calloc((size_t)f.npages, 1);
	if (f.slot && f.kind) {
		frag_build(&f, profile);
		bench_frag_rounds(o, &ops, &p99, &max);
		bench_frag_rows("pagezone", profile_names[profile],
				"GFP_KERNEL/HIGHUSER_MOVABLE/"
				"TEMPORARY",
				&p99, &max);
	}
	free(f.slot);
	free(f.kind);
	pzb_destroy(&b);
}

/* ---- compaction ------------------------------------------------------------ */

/* The owner of every movable page: a no-op migration (nothing to copy,
 * nothing to repoint), so the rows measure compaction itself. */
static enum pz_migrate_result noop_migrate(void *ctx, pz_t *pz, pz_page_t *src, pz_page_t *dst,
					   unsigned order, enum pz_migrate_mode mode)
{
	(void)ctx, (void)pz, (void)src, (void)dst, (void)order, (void)mode;
	return PZ_MIGRATE_OK;
}

/* Free pages in whole free pageblocks (order >= 9 blocks), in thousandths
 * of all free pages. */
static long free_in_blocks(pz_t *pz)
{
	struct pz_zone_info zi;
	uint64_t in_blocks = 0;

	if (pz_zone_info(pz, 0, PZ_ZONE_NORMAL, &zi) || !zi.stat[PZ_NR_FREE_PAGES])
		return 0;
	for (unsigned o = 9; o < PZ_MAX_ORDER_LIMIT; o++)
		in_blocks += zi.nr_free[o] << o;
	return (long)(in_blocks * 1000 / zi.stat[PZ_NR_FREE_PAGES]);
}

static uint64_t migrated(pz_t *pz)
{
	uint64_t ev[PZ_NR_VM_EVENTS];

	return pz_vm_events(pz, ev, PZ_NR_VM_EVENTS) ? 0 : ev[PZ_VM_PGMIGRATE_SUCCESS];
}

/* What one compaction round measured. */
struct compact_run {
	double ns_page; /* per page migrated */
	double ns_goal; /* until free pageblocks hold >= 90% of free memory, or all runs */
	int runs;	/* pz_compact_zone calls made */
	long before, after;
};

/* pz_compact_zone until the goal is met (at most 4 runs). */
static void compact_to_goal(pz_t *pz, struct compact_run *c)
{
	uint64_t t0 = bench_now_ns(), n;

	c->before = free_in_blocks(pz);
	for (c->runs = 0; c->runs < 4 && free_in_blocks(pz) < 900; c->runs++)
		pz_compact_zone(pz, 0, PZ_ZONE_NORMAL);
	c->ns_goal = (double)(bench_now_ns() - t0);
	n = migrated(pz);
	c->ns_page = n ? c->ns_goal / (double)n : 0;
	c->after = free_in_blocks(pz);
}

/* One round on an 8 GiB zone fragmented by the frag pattern: with its
 * mixed blocks, or (movable_only) with every page movable. -1 when the
 * zone could not be built. */
static int compact_round(int profile, int movable_only, struct compact_run *c)
{
	struct pz_zone_desc zone = {.type = PZ_ZONE_NORMAL,
				    .start_pfn = FRAG_BASE_PFN,
				    .end_pfn = FRAG_BASE_PFN + (8ull << 18)};
	struct pz_node_desc node = {.zones = &zone, .nr_zones = 1};
	struct pz_machine m = machine_of(&node, 2);
	struct pz_frag f = {.npages = 8l << 18};
	struct pzb b;
	int err = -1;

	if (pzb_create(&m, profile, &b))
		return -1;
	f.pz = b.pz;
	f.slot = calloc((size_t)f.npages, sizeof(*f.slot));
	f.kind = calloc((size_t)f.npages, 1);
	if (f.slot && f.kind) {
		if (movable_only) {
			frag_fill(&f, 1, f.npages);
			frag_free_where(&f, bench_frag_freed);
		} else {
			frag_build(&f, profile);
		}
		pz_set_migrate_handler(b.pz, noop_migrate, NULL);
		compact_to_goal(b.pz, c);
		err = 0;
	}
	free(f.slot);
	free(f.kind);
	pzb_destroy(&b);
	return err;
}

/*
 * compact_page: ns per page migrated through a no-op callback on a
 * fragmented 8 GiB zone (the frag pattern, every page movable);
 * compact_90: the time until free pageblocks hold >= 90% of the free
 * memory, on that zone and on the frag pattern with its mixed blocks
 * (which cannot get there: a third of the free pages sit in blocks with
 * unmovable pages; the share reached is reported).
 */
static void pz_compact(const struct bench_opts *o, int profile)
{
	double page[BENCH_MAX_ROUNDS], goal[2][BENCH_MAX_ROUNDS];
	int rounds = o->quick ? 1 : 3, n[2] = {0, 0};
	struct compact_run c[2];
	struct bench_result r;

	for (int i = 0; i < rounds; i++)
		for (int mixed = 0; mixed < 2; mixed++)
			if (!compact_round(profile, !mixed, &c[mixed])) {
				if (!mixed)
					page[n[0]] = c[0].ns_page;
				goal[mixed][n[mixed]++] = c[mixed].ns_goal;
			}
	if (!n[0] || !n[1])
		return;
	r = bench_summarize(page, n[0]);
	add_pz_row(profile, "compact_page", "0", 1, "no-op migrate callback, movable frag zone", 1,
		   &r);
	for (int mixed = 0; mixed < 2; mixed++) {
		r = bench_summarize(goal[mixed], n[mixed]);
		add_pz_row(profile, "compact_90", "9", 1,
			   mixed ? "8 GiB frag pattern (mixed blocks)"
				 : "8 GiB movable frag pattern",
			   !mixed, &r);
		bench_info("compaction (%s, %s): %.2f M pages migrated/s; free memory in free "
			   "pageblocks %ld.%ld%% before, %ld.%ld%% after %d pz_compact_zone "
			   "(%.0f ms)",
			   profile_names[profile], mixed ? "mixed blocks" : "movable",
			   c[mixed].ns_page > 0 ? 1e3 / c[mixed].ns_page : 0.0,
			   c[mixed].before / 10, c[mixed].before % 10, c[mixed].after / 10,
			   c[mixed].after % 10, c[mixed].runs, r.median / 1e6);
	}
}

/* ---- init of 64 GiB and descriptor memory -------------------------------- */

/* One init round: ms for size + pz_init on fresh memory, then on warm. */
static int init_round(const struct pz_config *cfg, double *cold_ms, double *warm_ms)
{
	uint64_t t0, t1, t2, t3;
	size_t size;
	void *mem;
	pz_t *pz;
	int err;

	t0 = bench_now_ns();
	err = pz_metadata_size(cfg, &size);
	t1 = bench_now_ns();
	mem = err ? NULL : map_meta(size);
	if (!mem)
		return -1;
	t2 = bench_now_ns();
	err = pz_init(cfg, mem, size, &pz);
	t3 = bench_now_ns();
	*cold_ms = (double)(t1 - t0 + t3 - t2) / 1e6;
	if (!err) {
		pz_destroy(pz);
		t0 = bench_now_ns();
		err = pz_init(cfg, mem, size, &pz);
		*warm_ms = (double)(bench_now_ns() - t0) / 1e6;
		pz_destroy(pz);
	}
	munmap(mem, size);
	return err ? -1 : 0;
}

static void pz_init64(const struct bench_opts *o, int profile)
{
	struct pz_node_desc node = {.zones = zones_64g, .nr_zones = 3};
	struct pz_machine m = machine_of(&node, 2);
	struct pz_config cfg = config_of(&m, profile);
	double cold[BENCH_MAX_ROUNDS], warm[BENCH_MAX_ROUNDS];
	struct bench_result rc, rw;
	size_t size = 0;

	for (int r = 0; r < o->init_rounds; r++)
		if (init_round(&cfg, &cold[r], &warm[r])) {
			bench_note("pagezone %s: 64 GiB init failed", profile_names[profile]);
			return;
		}
	pz_metadata_size(&cfg, &size);
	rc = bench_summarize(cold, o->init_rounds);
	rw = bench_summarize(warm, o->init_rounds);
	bench_info("init 64 GiB (%s): %.1f ms median (min %.1f, max %.1f) for pz_metadata_size "
		   "+ pz_init on fresh mmap'd metadata (%zu MiB, page faults included); %.1f ms "
		   "on already-touched metadata",
		   profile_names[profile], rc.median, rc.min, rc.max, size >> 20, rw.median);
}

static void pz_descriptor_info(const struct pzb *b)
{
	uint64_t frames = zones_8g[2].end_pfn - zones_8g[0].start_pfn;

	bench_info("descriptor memory: %.2f bytes per 4 KiB page (%zu bytes of metadata for "
		   "%llu page frames, 8 GiB machine)",
		   (double)b->size / (double)frames, b->size, (unsigned long long)frames);
}

/* Every pagezone row of one profile. */
void bench_pz_profile(const struct bench_opts *o, int profile)
{
	struct pz_node_desc node = {.zones = zones_8g, .nr_zones = 3};
	struct pz_machine m = machine_of(&node, 2);
	struct pzb b;

	bench_progress("pagezone %s: pairs, bulk", profile_names[profile]);
	if (pzb_create(&m, profile, &b))
		return;
	if (profile == PZ_PROFILE_LINUX_4_1)
		pz_descriptor_info(&b);
	pz_pairs(o, profile, b.pz);
	pz_bulk(o, profile, b.pz);
	pzb_destroy(&b);
	/* a fresh instance: on the one pz_pairs and pz_bulk used, modern's
	 * order-0 pairs measured ~100x slower (not explained yet) */
	bench_progress("pagezone %s: pairs under a reclaim window", profile_names[profile]);
	if (!pzb_create(&m, profile, &b)) {
		bench_pz_rwin(o, profile, b.pz);
		pzb_destroy(&b);
	}
	bench_progress("pagezone %s: frag", profile_names[profile]);
	pz_frag(o, profile);
	bench_progress("pagezone %s: compaction", profile_names[profile]);
	pz_compact(o, profile);
	bench_progress("pagezone %s: init 64 GiB", profile_names[profile]);
	pz_init64(o, profile);
}

/* ---- callgrind ------------------------------------------------------------ */

/* Named, uninlined and uncloned, for --toggle-collect. */
#if defined(__clang__)
#define CG_KEEP __attribute__((noinline))
#else
#define CG_KEEP __attribute__((noinline, noclone))
#endif

/* One function per profile and order, so that callgrind_annotate
 * --inclusive=yes gives each cost on its own line. */
#define CG_PAIRS_FN(name, gfp, order)                                                              \
	CG_KEEP static void name(pz_t *pz, long n)                                                 \
	{                                                                                          \
		struct pz_pair c = {pz, gfp, order};                                               \
		pz_pair_loop(&c, n);                                                               \
	}
CG_PAIRS_FN(cg_pairs_order0_linux41, PZ_GFP_KERNEL, 0)
CG_PAIRS_FN(cg_pairs_order9_linux41, PZ_GFP_KERNEL | PZ__GFP_COMP, 9)
CG_PAIRS_FN(cg_pairs_order0_modern, PZ_GFP_KERNEL, 0)
CG_PAIRS_FN(cg_pairs_order9_modern, PZ_GFP_KERNEL | PZ__GFP_COMP, 9)

/* Bulk allocation and free of CG_BULK pages, one function each per
 * profile; callgrind's inclusive cost / CG_BULK is the cost per page. */
#define CG_BULK_FN(alloc_name, free_name)                                                          \
	CG_KEEP static size_t alloc_name(pz_t *pz, pz_page_t **array, size_t n)                    \
	{                                                                                          \
		return pz_bulk_fill(pz, array, n);                                                 \
	}                                                                                          \
	CG_KEEP static void free_name(pz_t *pz, pz_page_t **array, size_t n)                       \
	{                                                                                          \
		pz_free_pages_bulk(pz, array, n);                                                  \
	}
CG_BULK_FN(cg_bulk_alloc_linux41, cg_bulk_free_linux41)
CG_BULK_FN(cg_bulk_alloc_modern, cg_bulk_free_modern)

static void cg_bulk(pz_t *pz, int profile)
{
	pz_page_t **array = calloc(CG_BULK, sizeof(*array));
	size_t got;

	if (!array)
		return;
	got = (profile ? cg_bulk_alloc_modern : cg_bulk_alloc_linux41)(pz, array, CG_BULK);
	(profile ? cg_bulk_free_modern : cg_bulk_free_linux41)(pz, array, got);
	free(array);
}

/* Fixed work for instruction counts, both profiles, on the same 8 GiB
 * two-CPU machine as the timed pair and bulk rows. */
void bench_pz_callgrind(void)
{
	struct pz_node_desc node = {.zones = zones_8g, .nr_zones = 3};
	struct pz_machine m = machine_of(&node, 2);

	for (int profile = 0; profile < 2; profile++) {
		struct pzb b;

		if (pzb_create(&m, profile, &b))
			continue;
		/* one warm-up pair each: the first refills the per-CPU lists */
		(profile ? cg_pairs_order0_modern : cg_pairs_order0_linux41)(b.pz, 1);
		(profile ? cg_pairs_order9_modern : cg_pairs_order9_linux41)(b.pz, 1);
		(profile ? cg_pairs_order0_modern : cg_pairs_order0_linux41)(b.pz, CG_PAIRS0);
		(profile ? cg_pairs_order9_modern : cg_pairs_order9_linux41)(b.pz, CG_PAIRS9);
		cg_bulk(b.pz, profile);
		printf("callgrind %s: %d order-0 pairs (GFP_KERNEL), %d order-9 pairs "
		       "(GFP_KERNEL|COMP) in cg_pairs_order{0,9}_%s, after one warm-up pair "
		       "each; %d pages in cg_bulk_{alloc,free}_%s\n",
		       profile_names[profile], CG_PAIRS0, CG_PAIRS9, profile ? "modern" : "linux41",
		       CG_BULK, profile ? "modern" : "linux41");
		pzb_destroy(&b);
	}
}
