/*
 * pagezone-bench - first benchmark: the order-0 and order-9 alloc+free
 * pair, against glibc's aligned_alloc/free of the same size measured in the
 * same run. Prints a table of median / min / max ns per pair over repeated
 * rounds, and the ratio pagezone / baseline.
 *
 *   pagezone-bench [--quick] [--csv]
 */
#define _GNU_SOURCE
#include <pagezone.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUNDS 15

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct result {
	double median, min, max;
};

static struct result summarize(double *v, int n)
{
	struct result r;

	qsort(v, (size_t)n, sizeof(*v), cmp);
	r.median = v[n / 2];
	r.min = v[0];
	r.max = v[n - 1];
	return r;
}

static struct result bench_pz(pz_t *pz, unsigned order, long iters)
{
	double v[ROUNDS];
	pz_gfp_t gfp = order ? PZ_GFP_KERNEL | PZ_GFP_COMP : PZ_GFP_KERNEL;

	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now_ns();
		for (long i = 0; i < iters; i++) {
			pz_page_t *p = pz_alloc_pages(pz, gfp, order);
			pz_free_pages(pz, p, order);
		}
		v[r] = (now_ns() - t0) / (double)iters;
	}
	return summarize(v, ROUNDS);
}

static struct result bench_glibc(size_t size, long iters)
{
	double v[ROUNDS];

	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now_ns();
		for (long i = 0; i < iters; i++) {
			void *p = aligned_alloc(size, size);
			__asm__ volatile("" : : "r"(p) : "memory");
			free(p);
		}
		v[r] = (now_ns() - t0) / (double)iters;
	}
	return summarize(v, ROUNDS);
}

int main(int argc, char **argv)
{
	int quick = 0, csv = 0;
	long iters;
	struct pz_host_machine *m;
	struct pz_config cfg;
	pz_t *pz;
	size_t meta;

	for (int i = 1; i < argc; i++) {
		quick |= !strcmp(argv[i], "--quick");
		csv |= !strcmp(argv[i], "--csv");
	}
	iters = quick ? 20000 : 200000;
	if (pz_host_machine_default(1, &m))
		return 1;
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &m->machine;
	pz_host_set_cpu(0);
	if (pz_metadata_size(&cfg, &meta) || pz_host_create(&cfg, &pz))
		return 1;

	struct {
		const char *alloc;
		unsigned order;
		struct result r;
	} rows[4];
	rows[0].alloc = "pagezone";
	rows[0].order = 0;
	rows[0].r = bench_pz(pz, 0, iters);
	rows[1].alloc = "glibc";
	rows[1].order = 0;
	rows[1].r = bench_glibc(4096, iters);
	rows[2].alloc = "pagezone";
	rows[2].order = 9;
	rows[2].r = bench_pz(pz, 9, iters);
	rows[3].alloc = "glibc";
	rows[3].order = 9;
	rows[3].r = bench_glibc(4096u << 9, iters / 10);

	if (csv) {
		printf("allocator,profile,operation,order,threads,median_ns,min_ns,max_ns\n");
		for (int i = 0; i < 4; i++)
			printf("%s,%s,pair,%u,1,%.1f,%.1f,%.1f\n", rows[i].alloc,
			       i % 2 ? "-" : "linux-4.1", rows[i].order, rows[i].r.median,
			       rows[i].r.min, rows[i].r.max);
	} else {
		printf("descriptor memory: %zu bytes of metadata for %llu page frames\n", meta,
		       (unsigned long long)(m->machine.nodes[0]
						    .zones[m->machine.nodes[0].nr_zones - 1]
						    .end_pfn));
		printf("%-10s %-10s %5s %10s %10s %10s %8s\n", "allocator", "operation", "order",
		       "median_ns", "min_ns", "max_ns", "ratio");
		for (int i = 0; i < 4; i++)
			printf("%-10s %-10s %5u %10.1f %10.1f %10.1f %8.2f\n", rows[i].alloc,
			       "pair", rows[i].order, rows[i].r.median, rows[i].r.min,
			       rows[i].r.max, rows[i].r.median / rows[i & ~1].r.median);
		printf("(ratio = median / pagezone median of the same order; %d rounds of %ld "
		       "pairs)\n",
		       ROUNDS, iters);
	}
	pz_host_destroy(pz);
	pz_host_machine_free(m);
	return 0;
}
