/*
 * bench.h - shared pieces of pagezone-bench: options, timing, statistics,
 * CPU pinning, the result rows, and the two measurement families
 * (pagezone in bench_pz.c, the baseline allocators in bench_base.c).
 */
#ifndef PZ_BENCH_H
#define PZ_BENCH_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_MAX_ROUNDS  32
#define BENCH_MAX_THREADS 2
#define BENCH_MAX_ROWS	  128

struct bench_opts {
	int quick, csv, callgrind;
	int rounds;	   /* rounds of every timed measurement */
	int bulk_rounds;   /* rounds of bulk_alloc / bulk_free */
	int init_rounds;   /* rounds of the 64 GiB init */
	int round_ms;	   /* pair rounds of slow calls are cut to about this */
	long pair0_iters;  /* order-0 pairs per round */
	long pair9_iters;  /* order-9 pairs per round */
	long bulk_pages;   /* pages per bulk round */
	long frag_samples; /* timed allocations per frag round */
	long frag_pages;   /* pages of the fragmented heap or zone */
	int cpus[BENCH_MAX_THREADS];
	int nr_cpus; /* CPUs available for pinning (at most 2 used) */
};

/* median / min / max over rounds, in ns */
struct bench_result {
	double median, min, max;
};

/* One line of the table (and of the CSV unless table_only). */
struct bench_row {
	const char *allocator; /* pagezone, jemalloc, mimalloc, glibc, mmap */
	const char *profile;   /* linux-4.1, modern or - */
	const char *operation; /* pair, bulk_alloc, bulk_free, frag_p99, frag_max */
	const char *order;     /* "0", "9" or "0-3" */
	int threads;
	const char *variant; /* gfp mask or call used, table only */
	int primary;	     /* the pagezone row baselines are compared with */
	int table_only;	     /* a second pagezone variant of the same key */
	struct bench_result r;
};

/* A timed loop: runs iters operations. */
typedef void (*bench_loop_fn)(void *ctx, long iters);

/* bench_util.c */
uint64_t bench_now_ns(void);
void bench_clock_info(void);
struct bench_result bench_summarize(double *v, int n);
double bench_percentile(uint64_t *v, size_t n, double pct, uint64_t *max);
int bench_pin_self(int cpu);
int bench_find_cpus(int *cpus, int max);
struct bench_result bench_rounds(const struct bench_opts *o, bench_loop_fn fn, void *ctx,
				 long iters);
int bench_threads(const struct bench_opts *o, int nthreads, bench_loop_fn fn, void *ctx, long iters,
		  struct bench_result *out);
void bench_add_row(const struct bench_row *row);
void bench_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void bench_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void bench_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void bench_print(const struct bench_opts *o);

/* bench_pz.c */
void bench_pz_profile(const struct bench_opts *o, int profile);
void bench_pz_callgrind(void);

/* bench_rwin.c: order-0 pairs while another thread's reclaim window is open */
struct pz;
void bench_pz_rwin(const struct bench_opts *o, int profile, struct pz *pz);

/* bench_prim.c: per-CPU list floor, plain / spin lock / rseq */
void bench_prim(const struct bench_opts *o);

/* bench_base.c */
int bench_base_reexec_if_needed(char **argv);
void bench_base_all(const struct bench_opts *o);

/* bench_frag.c: a fragmentation run through these hooks */
struct bench_frag_ops {
	const char *name; /* for the failure note */
	void *ctx;
	/* kind 0..2 picks the request type (gfp for pagezone) */
	void *(*alloc)(void *ctx, unsigned order, unsigned kind);
	void (*free)(void *ctx, void *p, unsigned order);
};
int bench_frag_hole(long idx);
int bench_frag_freed(long idx);
void bench_frag_rounds(const struct bench_opts *o, const struct bench_frag_ops *ops,
		       struct bench_result *p99, struct bench_result *max);
void bench_frag_rows(const char *allocator, const char *profile, const char *variant,
		     const struct bench_result *p99, const struct bench_result *max);

#endif /* PZ_BENCH_H */
