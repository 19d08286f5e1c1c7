/*
 * bench_util.c - the machinery under every measurement of pagezone-bench:
 * the clock, median/min/max over rounds, percentiles, CPU pinning, timed
 * rounds in the calling thread or in pinned threads, and the result rows
 * printed at the end as a table or as CSV.
 */
#define _GNU_SOURCE
#include "bench.h"

#include <pagezone.h>

#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define BENCH_MAX_LINES 16
#define BENCH_LINE_LEN	256

static struct bench_row rows[BENCH_MAX_ROWS];
static int nr_rows;
static char info_lines[BENCH_MAX_LINES][BENCH_LINE_LEN];
static int nr_info;
static char note_lines[BENCH_MAX_LINES][BENCH_LINE_LEN];
static int nr_notes;

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The cost of one clock reading pair, as the frag samples pay it. */
void bench_clock_info(void)
{
	uint64_t ns[1001], mx;

	for (int i = 0; i < 1001; i++) {
		uint64_t t0 = bench_now_ns();

		ns[i] = bench_now_ns() - t0;
	}
	bench_info("frag samples: clock_gettime(CLOCK_MONOTONIC) before and after each call; an "
		   "empty pair reads %.0f ns (median), included in frag_p99/frag_max",
		   bench_percentile(ns, 1001, 50.0, &mx));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct bench_result bench_summarize(double *v, int n)
{
	struct bench_result r = {0, 0, 0};

	if (n <= 0)
		return r;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	r.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	r.min = v[0];
	r.max = v[n - 1];
	return r;
}

/* Sorts v; returns its pct-th percentile (nearest rank) and its maximum. */
double bench_percentile(uint64_t *v, size_t n, double pct, uint64_t *max)
{
	size_t rank;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	rank = (size_t)(pct / 100.0 * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	*max = v[n - 1];
	return (double)v[rank - 1];
}

int bench_pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* The first max CPUs this process may run on; returns how many. */
int bench_find_cpus(int *cpus, int max)
{
	cpu_set_t set;
	int n = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (int c = 0; c < CPU_SETSIZE && n < max; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	return n;
}

/*
 * Warm-up of iters / 10 operations; returns iters, or fewer when a round
 * of iters would take longer than o->round_ms (slow baselines).
 */
static long warm_up(const struct bench_opts *o, bench_loop_fn fn, void *ctx, long iters)
{
	long warm = iters / 10 + 1, fit;
	uint64_t t0 = bench_now_ns(), ns;

	fn(ctx, warm);
	ns = bench_now_ns() - t0;
	fit = (long)((double)o->round_ms * 1e6 * (double)warm / (double)(ns ? ns : 1));
	if (fit < iters / 100)
		fit = iters / 100;
	return fit < iters ? fit : iters;
}

/* Warm-up, then o->rounds timed rounds of iters operations; ns per op. */
struct bench_result bench_rounds(const struct bench_opts *o, bench_loop_fn fn, void *ctx,
				 long iters)
{
	double v[BENCH_MAX_ROUNDS];

	iters = warm_up(o, fn, ctx, iters);
	for (int r = 0; r < o->rounds; r++) {
		uint64_t t0 = bench_now_ns();

		fn(ctx, iters);
		v[r] = (double)(bench_now_ns() - t0) / (double)iters;
	}
	return bench_summarize(v, o->rounds);
}

struct bench_thread {
	pthread_t tid;
	int idx;
	const struct bench_opts *o;
	bench_loop_fn fn;
	void *ctx;
	long iters;
	pthread_barrier_t *barrier;
	double v[BENCH_MAX_ROUNDS];
};

static void *bench_thread_main(void *arg)
{
	struct bench_thread *t = arg;

	bench_pin_self(t->o->cpus[t->idx]);
	pz_host_set_cpu(t->idx);
	for (int r = 0; r < t->o->rounds; r++) {
		uint64_t t0;

		pthread_barrier_wait(t->barrier);
		t0 = bench_now_ns();
		t->fn(t->ctx, t->iters);
		t->v[r] = (double)(bench_now_ns() - t0) / (double)t->iters;
	}
	return NULL;
}

/*
 * nthreads threads, thread i pinned to o->cpus[i] and to pagezone CPU i,
 * each running the same rounds in lockstep (a barrier before each round),
 * after a warm-up in the calling thread.
 * *out summarizes every thread's ns per op of every round. Returns 0, or -1
 * when the threads could not be started.
 */
int bench_threads(const struct bench_opts *o, int nthreads, bench_loop_fn fn, void *ctx, long iters,
		  struct bench_result *out)
{
	struct bench_thread t[BENCH_MAX_THREADS];
	double all[BENCH_MAX_THREADS * BENCH_MAX_ROUNDS];
	pthread_barrier_t barrier;
	int started = 0, n = 0;

	if (nthreads > o->nr_cpus || pthread_barrier_init(&barrier, NULL, (unsigned)nthreads))
		return -1;
	iters = warm_up(o, fn, ctx, iters);
	for (int i = 0; i < nthreads; i++) {
		t[i] = (struct bench_thread){.idx = i,
					     .o = o,
					     .fn = fn,
					     .ctx = ctx,
					     .iters = iters,
					     .barrier = &barrier};
		if (pthread_create(&t[i].tid, NULL, bench_thread_main, &t[i]))
			break;
		started++;
	}
	if (started != nthreads) /* the started ones would wait forever */
		abort();
	for (int i = 0; i < nthreads; i++) {
		pthread_join(t[i].tid, NULL);
		for (int r = 0; r < o->rounds; r++)
			all[n++] = t[i].v[r];
	}
	pthread_barrier_destroy(&barrier);
	*out = bench_summarize(all, n);
	return 0;
}

void bench_add_row(const struct bench_row *row)
{
	if (nr_rows < BENCH_MAX_ROWS)
		rows[nr_rows++] = *row;
}

/* What runs now, with the time since start, on stderr if it is a terminal. */
void bench_progress(const char *fmt, ...)
{
	static uint64_t start;
	va_list ap;

	if (!start)
		start = bench_now_ns();
	if (!isatty(STDERR_FILENO))
		return;
	fprintf(stderr, "pagezone-bench [%5.1f s] ", (double)(bench_now_ns() - start) / 1e9);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A note (skipped rows, ...): table footer, or stderr with --csv. */
void bench_note(const char *fmt, ...)
{
	va_list ap;

	if (nr_notes == BENCH_MAX_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(note_lines[nr_notes++], BENCH_LINE_LEN, fmt, ap);
	va_end(ap);
}

/* A header line of the table (descriptor memory, init time). */
void bench_info(const char *fmt, ...)
{
	va_list ap;

	if (nr_info == BENCH_MAX_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(info_lines[nr_info++], BENCH_LINE_LEN, fmt, ap);
	va_end(ap);
}

static int same_key(const struct bench_row *a, const struct bench_row *b)
{
	return !strcmp(a->operation, b->operation) && !strcmp(a->order, b->order) &&
	       a->threads == b->threads;
}

/* The pagezone row of a profile that baselines of row's key compare with. */
static const struct bench_row *primary_row(const struct bench_row *row, const char *profile)
{
	for (int i = 0; i < nr_rows; i++)
		if (rows[i].primary && same_key(&rows[i], row) && !strcmp(rows[i].profile, profile))
			return &rows[i];
	return NULL;
}

/* "pz median / this median" for a baseline row or a second pagezone row
 * of the key (e.g. pair_rwin with the window open), "-" for the primary. */
static void ratio(char *buf, size_t len, const struct bench_row *row, const char *profile)
{
	const struct bench_row *pz = primary_row(row, profile);

	if (row->primary || !pz || row->r.median <= 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f", pz->r.median / row->r.median);
}

/* The row index of the first row with each key, in first-seen order. */
static int group_starts(int *starts)
{
	int n = 0;

	for (int i = 0; i < nr_rows; i++) {
		int seen = 0;

		for (int g = 0; g < n && !seen; g++)
			seen = same_key(&rows[starts[g]], &rows[i]);
		if (!seen)
			starts[n++] = i;
	}
	return n;
}

static void cpu_model(char *buf, size_t len)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, len, "unknown CPU");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !colon)
			continue;
		snprintf(buf, len, "%s", colon + 2);
		buf[strcspn(buf, "\n")] = 0;
		break;
	}
	if (f)
		fclose(f);
}

static void print_header(const struct bench_opts *o)
{
	char date[32], cpu[128];
	struct utsname u;
	time_t now = time(NULL);

	strftime(date, sizeof(date), "%Y-%m-%d %H:%M", localtime(&now));
	cpu_model(cpu, sizeof(cpu));
	if (uname(&u))
		memset(&u, 0, sizeof(u));
	printf("pagezone-bench %s | %s %s | %s | compiler %s | libpagezone %d\n", date, u.nodename,
	       u.machine, cpu, __VERSION__, pz_version());
	printf("mode %s: %d rounds (bulk %d), %ld order-0 pairs, %ld order-9 pairs, %ld bulk "
	       "pages, %ld frag samples per round (fewer pairs for calls too slow for %d ms "
	       "rounds); CPUs",
	       o->quick ? "quick" : "full", o->rounds, o->bulk_rounds, o->pair0_iters,
	       o->pair9_iters, o->bulk_pages, o->frag_samples, o->round_ms);
	for (int i = 0; i < o->nr_cpus; i++)
		printf(" %d", o->cpus[i]);
	printf("\n");
	for (int i = 0; i < nr_info; i++)
		printf("%s\n", info_lines[i]);
}

static void print_table_row(const struct bench_row *row)
{
	char r41[16], rmod[16];

	ratio(r41, sizeof(r41), row, "linux-4.1");
	ratio(rmod, sizeof(rmod), row, "modern");
	printf("%-9s %-9s %-10s %5s %3d %11.1f %11.1f %11.1f %7s %7s  %s\n", row->allocator,
	       row->profile, row->operation, row->order, row->threads, row->r.median, row->r.min,
	       row->r.max, r41, rmod, row->variant);
}

static void print_table(const struct bench_opts *o)
{
	int starts[BENCH_MAX_ROWS];
	int groups = group_starts(starts);

	print_header(o);
	printf("\n%-9s %-9s %-10s %5s %3s %11s %11s %11s %7s %7s  %s\n", "allocator", "profile",
	       "operation", "order", "thr", "median_ns", "min_ns", "max_ns", "4.1/x", "mod/x",
	       "call");
	for (int g = 0; g < groups; g++) {
		for (int i = starts[g]; i < nr_rows; i++)
			if (same_key(&rows[i], &rows[starts[g]]))
				print_table_row(&rows[i]);
		if (g + 1 < groups)
			printf("\n");
	}
	printf("\nns per operation (per page for bulk, per allocation for frag); median, min "
	       "and max over rounds (and threads);\n4.1/x, mod/x = pagezone median in that "
	       "profile / this row's median (below 1: pagezone is faster; for a second\n"
	       "pagezone row of the same operation, the primary row's median / its own).\n"
	       "frag_max is the slowest single call of a round: on a shared machine it is "
	       "mostly preemption.\n");
	for (int i = 0; i < nr_notes; i++)
		printf("note: %s\n", note_lines[i]);
}

static void print_csv(void)
{
	int starts[BENCH_MAX_ROWS];
	int groups = group_starts(starts);

	printf("allocator,profile,operation,order,threads,median_ns,min_ns,max_ns\n");
	for (int g = 0; g < groups; g++)
		for (int i = starts[g]; i < nr_rows; i++) {
			const struct bench_row *r = &rows[i];

			if (!same_key(r, &rows[starts[g]]) || r->table_only)
				continue;
			printf("%s,%s,%s,%s,%d,%.1f,%.1f,%.1f\n", r->allocator, r->profile,
			       r->operation, r->order, r->threads, r->r.median, r->r.min, r->r.max);
		}
	for (int i = 0; i < nr_notes; i++)
		fprintf(stderr, "pagezone-bench: note: %s\n", note_lines[i]);
}

void bench_print(const struct bench_opts *o)
{
	if (o->csv)
		print_csv();
	else
		print_table(o);
	fflush(stdout);
}
