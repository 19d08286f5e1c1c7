/*
 * pagezone-bench - speed of pagezone (both profiles) against what a user
 * would pick instead (jemalloc, mimalloc, glibc aligned_alloc, mmap), all
 * measured in the same run (issue "Speed"):
 *   pair        alloc+free of one block in a loop: order 0 (4 KiB) with one
 *               thread and with two threads pinned one per CPU, order 9
 *               (2 MiB)
 *   bulk_alloc  1,000,000 order-0 pages allocated, then freed (bulk_free);
 *   bulk_free   ns per page
 *   frag_p99    p99 and max of single allocations of random order 0..3 on a
 *   frag_max    fragmented zone (or heap), timed one by one
 *   compact_page  pagezone only: ns per page migrated by pz_compact_zone
 *               through a no-op migrate callback on a fragmented 8 GiB zone
 *   compact_90  pagezone only: ns until free pageblocks hold 90% of the
 *               free memory (movable frag pattern; and with mixed blocks)
 * plus, in the table header only, descriptor bytes per 4 KiB page and the
 * init time of a 64 GiB simulated machine.
 *
 *   pagezone-bench [--quick] [--csv] [--callgrind]
 *
 * --quick: fewer iterations and rounds (well under 20 s on 2 cores).
 * --csv: allocator,profile,operation,order,threads,median_ns,min_ns,max_ns.
 * --callgrind: a fixed number of pagezone order-0 and order-9 pairs and a
 * bulk allocation and free of 200,000 pages, no timing, for
 * `valgrind --tool=callgrind pagezone-bench --callgrind`.
 * Benchmarks are not tests: the exit status is 0 unless the options are bad.
 */
#define _GNU_SOURCE
#include "bench.h"

#include <pagezone.h>

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: pagezone-bench [--quick] [--csv] [--callgrind]\n");
}

static int parse_args(int argc, char **argv, struct bench_opts *o)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			o->quick = 1;
		} else if (!strcmp(argv[i], "--csv")) {
			o->csv = 1;
		} else if (!strcmp(argv[i], "--callgrind")) {
			o->callgrind = 1;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 1;
		} else {
			usage(stderr);
			return 2;
		}
	}
	return 0;
}

static void set_sizes(struct bench_opts *o)
{
	o->rounds = o->quick ? 3 : 11;
	o->bulk_rounds = o->quick ? 3 : 5;
	o->init_rounds = o->quick ? 1 : 5;
	o->round_ms = o->quick ? 20 : 200;
	o->pair0_iters = o->quick ? 20000 : 200000;
	o->pair9_iters = o->quick ? 2000 : 20000;
	o->bulk_pages = o->quick ? 50000 : 1000000;
	o->frag_samples = 100000;
	o->frag_pages = o->quick ? 65536 : 131072;
}

int main(int argc, char **argv)
{
	struct bench_opts o = {0};
	int err = parse_args(argc, argv, &o);

	if (err)
		return err == 1 ? 0 : err;
	set_sizes(&o);
	if (!o.callgrind)
		bench_base_reexec_if_needed(argv); /* before pinning: exec keeps it */
	o.nr_cpus = bench_find_cpus(o.cpus, BENCH_MAX_THREADS);
	if (o.nr_cpus)
		bench_pin_self(o.cpus[0]);
	pz_host_set_cpu(0);
	if (o.callgrind) {
		bench_pz_callgrind();
		return 0;
	}
	bench_clock_info();
	if (o.nr_cpus < 2)
		bench_note("one CPU available: no threads=2 rows");
	bench_pz_profile(&o, PZ_PROFILE_LINUX_4_1);
	bench_pz_profile(&o, PZ_PROFILE_MODERN);
	bench_base_all(&o);
	bench_prim(&o);
	bench_print(&o);
	return 0;
}
