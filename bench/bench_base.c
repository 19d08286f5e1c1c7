/*
 * bench_base.c - the baseline rows of pagezone-bench: what a user would
 * pick instead of pagezone for page-sized, size-aligned memory.
 *   glibc     aligned_alloc / free of the process
 *   jemalloc  aligned_alloc / free of libjemalloc.so.2 (Debian's build is
 *             unprefixed), dlopen'ed RTLD_LOCAL so the process malloc stays
 *             glibc's
 *   mimalloc  mi_aligned_alloc / mi_free of libmimalloc.so.2, the same way
 *   mmap      mmap / munmap of the same size
 * A missing library gets a note and no rows.
 */
#define _GNU_SOURCE
#include "bench.h"

#include <dlfcn.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BASE_PAGE   4096u
#define BASE_HUGE   (2u << 20)
#define BASE_MAX    4
#define STATIC_TLS  "glibc.rtld.optional_static_tls=16384"
#define REEXEC_FLAG "PZ_BENCH_REEXEC"

struct base {
	const char *name;
	const char *variant;
	void *(*aligned_alloc)(size_t align, size_t size); /* NULL: mmap */
	void (*free)(void *p);
	void (*trim)(const struct base *b); /* return cached memory, untimed */
	int (*mallctl)(const char *name, void *old, size_t *oldlen, void *new, size_t newlen);
	void (*mi_collect)(bool force);
};

struct base_pair {
	const struct base *b;
	size_t size;
};

static void *base_alloc(const struct base *b, size_t size)
{
	void *p;

	if (b->aligned_alloc)
		return b->aligned_alloc(size, size);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void base_free(const struct base *b, void *p, size_t size)
{
	if (b->aligned_alloc)
		b->free(p);
	else if (p)
		munmap(p, size);
}

static void trim_glibc(const struct base *b)
{
	malloc_trim(0);
}

static void trim_jemalloc(const struct base *b)
{
	b->mallctl("arena.4096.purge", NULL, NULL, NULL, 0); /* MALLCTL_ARENAS_ALL */
}

static void trim_mimalloc(const struct base *b)
{
	b->mi_collect(true);
}

/*
 * Debian's jemalloc uses initial-exec TLS, which dlopen can only place
 * when glibc reserved enough static TLS at startup: if dlopen fails for
 * that reason, run the program again with the glibc tunable that reserves
 * more. Returns only when no re-exec happened.
 */
int bench_base_reexec_if_needed(char **argv)
{
	const char *old = getenv("GLIBC_TUNABLES");
	char tunables[512];
	void *h;

	if (getenv(REEXEC_FLAG))
		return 0;
	h = dlopen("libjemalloc.so.2", RTLD_NOW | RTLD_LOCAL);
	if (h || !strstr(dlerror(), "static TLS"))
		return 0;
	snprintf(tunables, sizeof(tunables), "%s%s%s", old ? old : "", old ? ":" : "", STATIC_TLS);
	setenv("GLIBC_TUNABLES", tunables, 1);
	setenv(REEXEC_FLAG, "1", 1);
	execv("/proc/self/exe", argv);
	return -1;
}

/* dlsym that insists the symbol comes from the library itself. */
static void *own_sym(void *h, const char *lib, const char *sym)
{
	void *p = dlsym(h, sym);
	Dl_info info;

	if (!p || !dladdr(p, &info) || !info.dli_fname || !strstr(info.dli_fname, lib))
		return NULL;
	return p;
}

/* Loads a library's entry points into *b; 0, or -1 with a note. */
static int load_lib(struct base *b, const char *lib, const char *so, const char *aa, const char *fr,
		    const char *ctl)
{
	void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		bench_note("%s skipped: %s", b->name, dlerror());
		return -1;
	}
	*(void **)&b->aligned_alloc = own_sym(h, lib, aa);
	*(void **)&b->free = own_sym(h, lib, fr);
	if (!strcmp(lib, "jemalloc"))
		*(void **)&b->mallctl = own_sym(h, lib, ctl);
	else
		*(void **)&b->mi_collect = own_sym(h, lib, ctl);
	if (!b->aligned_alloc || !b->free || (!b->mallctl && !b->mi_collect)) {
		bench_note("%s skipped: %s does not export %s/%s/%s", b->name, so, aa, fr, ctl);
		return -1;
	}
	return 0;
}

static int load_all(struct base *bases)
{
	int n = 0;

	bases[n] = (struct base){
		.name = "jemalloc", .variant = "aligned_alloc/free", .trim = trim_jemalloc};
	n += !load_lib(&bases[n], "jemalloc", "libjemalloc.so.2", "aligned_alloc", "free",
		       "mallctl");
	bases[n] = (struct base){
		.name = "mimalloc", .variant = "mi_aligned_alloc/mi_free", .trim = trim_mimalloc};
	n += !load_lib(&bases[n], "mimalloc", "libmimalloc.so.2", "mi_aligned_alloc", "mi_free",
		       "mi_collect");
	bases[n++] = (struct base){.name = "glibc",
				   .variant = "aligned_alloc/free",
				   .aligned_alloc = aligned_alloc,
				   .free = free,
				   .trim = trim_glibc};
	bases[n++] = (struct base){.name = "mmap", .variant = "mmap/munmap"};
	return n;
}

static void add_base_row(const struct base *b, const char *op, const char *order, int threads,
			 const struct bench_result *r)
{
	struct bench_row row = {.allocator = b->name,
				.profile = "-",
				.operation = op,
				.order = order,
				.threads = threads,
				.variant = b->variant,
				.r = *r};

	bench_add_row(&row);
}

static void base_pair_loop(void *arg, long iters)
{
	struct base_pair *c = arg;

	for (long i = 0; i < iters; i++)
		base_free(c->b, base_alloc(c->b, c->size), c->size);
}

static void base_pairs(const struct bench_opts *o, const struct base *b)
{
	struct base_pair c0 = {b, BASE_PAGE}, c9 = {b, BASE_HUGE};
	struct bench_result r;

	r = bench_rounds(o, base_pair_loop, &c0, o->pair0_iters);
	add_base_row(b, "pair", "0", 1, &r);
	if (!bench_threads(o, 2, base_pair_loop, &c0, o->pair0_iters, &r))
		add_base_row(b, "pair", "0", 2, &r);
	r = bench_rounds(o, base_pair_loop, &c9, o->pair9_iters);
	add_base_row(b, "pair", "9", 1, &r);
}

/* One bulk round of n pages; ns per page each way; 0 or -1 when short. */
static int base_bulk_round(const struct base *b, void **array, long n, double *ns_alloc,
			   double *ns_free)
{
	uint64_t t0, t1, t2;
	long got = 0;

	t0 = bench_now_ns();
	while (got < n && (array[got] = base_alloc(b, BASE_PAGE)))
		got++;
	t1 = bench_now_ns();
	for (long i = 0; i < got; i++)
		base_free(b, array[i], BASE_PAGE);
	t2 = bench_now_ns();
	*ns_alloc = (double)(t1 - t0) / (double)n;
	*ns_free = (double)(t2 - t1) / (double)n;
	return got == n ? 0 : -1;
}

static void base_bulk(const struct bench_opts *o, const struct base *b)
{
	void **array = malloc((size_t)o->bulk_pages * sizeof(*array));
	double va[BENCH_MAX_ROUNDS], vf[BENCH_MAX_ROUNDS];
	struct bench_result r;
	int short_rounds = 0;

	if (!array)
		return;
	for (int i = 0; i < o->bulk_rounds; i++)
		short_rounds -= base_bulk_round(b, array, o->bulk_pages, &va[i], &vf[i]);
	free(array);
	if (b->trim)
		b->trim(b);
	if (short_rounds)
		bench_note("%s: bulk allocation came up short in %d rounds", b->name, short_rounds);
	r = bench_summarize(va, o->bulk_rounds);
	add_base_row(b, "bulk_alloc", "0", 1, &r);
	r = bench_summarize(vf, o->bulk_rounds);
	add_base_row(b, "bulk_free", "0", 1, &r);
}

/* ---- fragmentation: the pagezone pattern by allocation index ------------ */

static void *base_frag_alloc(void *ctx, unsigned order, unsigned kind)
{
	return base_alloc(ctx, (size_t)BASE_PAGE << order);
}

static void base_frag_free(void *ctx, void *p, unsigned order)
{
	base_free(ctx, p, (size_t)BASE_PAGE << order);
}

/* Frees the slots pick() selects; with refill, allocates them again. */
static void base_frag_pass(const struct base *b, void **slot, long n, int (*pick)(long idx),
			   int refill)
{
	for (long i = 0; i < n; i++) {
		if (!slot[i] || !pick(i))
			continue;
		base_free(b, slot[i], BASE_PAGE);
		slot[i] = NULL;
	}
	for (long i = 0; refill && i < n; i++)
		if (!slot[i] && pick(i))
			slot[i] = base_alloc(b, BASE_PAGE);
}

static void base_frag(const struct bench_opts *o, const struct base *b)
{
	long n = o->frag_pages;
	void **slot = calloc((size_t)n, sizeof(*slot));
	struct bench_frag_ops ops = {.name = b->name,
				     .ctx = (void *)b,
				     .alloc = base_frag_alloc,
				     .free = base_frag_free};
	struct bench_result p99, max;

	if (!slot)
		return;
	for (long i = 0; i < n; i++)
		slot[i] = base_alloc(b, BASE_PAGE);
	base_frag_pass(b, slot, n, bench_frag_hole, 1);
	base_frag_pass(b, slot, n, bench_frag_freed, 0);
	bench_frag_rounds(o, &ops, &p99, &max);
	for (long i = 0; i < n; i++)
		base_free(b, slot[i], BASE_PAGE);
	free(slot);
	if (b->trim)
		b->trim(b);
	bench_frag_rows(b->name, "-", b->variant, &p99, &max);
}

/* Every baseline row of every baseline that could be loaded. */
void bench_base_all(const struct bench_opts *o)
{
	struct base bases[BASE_MAX];
	int n = load_all(bases);

	for (int i = 0; i < n; i++) {
		bench_progress("%s: pairs", bases[i].name);
		base_pairs(o, &bases[i]);
		bench_progress("%s: bulk", bases[i].name);
		base_bulk(o, &bases[i]);
		bench_progress("%s: frag", bases[i].name);
		base_frag(o, &bases[i]);
	}
}
