/*
 * bench_frag.c - the timed part of the fragmentation rows: on a heap or
 * zone the caller has already fragmented, time single allocations of
 * random order 0..3 and random request type one by one with the monotonic
 * clock, keeping the last FRAG_RING allocations alive (the oldest is freed,
 * untimed, before each new one). Each round gives a p99 and a max.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>

#define FRAG_RING 256
#define FRAG_SEED 0x9e3779b97f4a7c15ull

struct frag_slot {
	void *p;
	unsigned order;
};

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/*
 * The shape of the fragmented heap, by page index (the pfn offset for
 * pagezone, the allocation index for the baselines). Pageblocks of 512
 * pages: the even ones get mixed, the odd ones stay pure. First every other
 * page of the mixed blocks is freed and allocated again by other request
 * types (bench_frag_hole); then a quarter of the mixed blocks' pages
 * (single-page holes) and half of the pure blocks' pages (aligned 8-page
 * holes) are freed for the timed requests (bench_frag_freed).
 */
static int frag_mixed(long idx)
{
	return !((idx >> 9) & 1);
}

int bench_frag_hole(long idx)
{
	return frag_mixed(idx) && (idx & 1);
}

int bench_frag_freed(long idx)
{
	return frag_mixed(idx) ? !(idx & 3) : (idx & 15) < 8;
}

/* One allocation into ring slot j (the old one freed first); its ns. */
static uint64_t frag_step(const struct bench_frag_ops *ops, struct frag_slot *slot, uint64_t *rng,
			  long *failed)
{
	uint64_t r = xorshift(rng), t0, t1;
	unsigned order = (unsigned)(r & 3), kind = (unsigned)((r >> 2) % 3);

	if (slot->p)
		ops->free(ops->ctx, slot->p, slot->order);
	t0 = bench_now_ns();
	slot->p = ops->alloc(ops->ctx, order, kind);
	t1 = bench_now_ns();
	slot->order = order;
	*failed += !slot->p;
	return t1 - t0;
}

void bench_frag_rounds(const struct bench_opts *o, const struct bench_frag_ops *ops,
		       struct bench_result *p99, struct bench_result *max)
{
	struct frag_slot ring[FRAG_RING] = {{0}};
	uint64_t *ns = malloc((size_t)o->frag_samples * sizeof(*ns));
	double v99[BENCH_MAX_ROUNDS], vmax[BENCH_MAX_ROUNDS];
	uint64_t rng = FRAG_SEED, mx = 0;
	long failed = 0;

	if (!ns)
		return;
	for (long s = 0; s < 4 * FRAG_RING; s++)
		frag_step(ops, &ring[s % FRAG_RING], &rng, &failed);
	for (int r = 0; r < o->rounds; r++) {
		for (long s = 0; s < o->frag_samples; s++)
			ns[s] = frag_step(ops, &ring[s % FRAG_RING], &rng, &failed);
		v99[r] = bench_percentile(ns, (size_t)o->frag_samples, 99.0, &mx);
		vmax[r] = (double)mx;
	}
	for (int i = 0; i < FRAG_RING; i++)
		if (ring[i].p)
			ops->free(ops->ctx, ring[i].p, ring[i].order);
	free(ns);
	*p99 = bench_summarize(v99, o->rounds);
	*max = bench_summarize(vmax, o->rounds);
	if (failed)
		bench_note("frag %s: %ld of the timed allocations failed (timed all the same)",
			   ops->name, failed);
}

void bench_frag_rows(const char *allocator, const char *profile, const char *variant,
		     const struct bench_result *p99, const struct bench_result *max)
{
	struct bench_row row = {.allocator = allocator,
				.profile = profile,
				.order = "0-3",
				.threads = 1,
				.variant = variant,
				.primary = 1};

	row.operation = "frag_p99";
	row.r = *p99;
	bench_add_row(&row);
	row.operation = "frag_max";
	row.r = *max;
	bench_add_row(&row);
}
