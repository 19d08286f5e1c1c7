/*
 * test_reclaim_compaction.c - should_continue_reclaim: reclaim for a high
 * order repeats its pass over a zone (4.x shrink_zone) or node (6.1
 * shrink_node) until compaction could run, as the kernel's does.
 *
 * A nearly full one-zone machine; a mock cache (one object = one page)
 * whose count callback records, before each pass, what the zone's
 * compaction_suitable says and how many pages the cache has given back.
 * The rule is checked on that record: a pass is repeated only while the
 * kernel's rule says so, and the last one ended when it said stop.
 */
#include "reclaim_mock.h"
#include "../src/core/internal.h"

#define ZONE_START 0x1000u
#define ZONE_PAGES 16384u
#define ORDER	   9u
#define GAP	   (2ul << ORDER) /* pages_for_compaction, compact_gap */

struct pass_rec {
	int priority;
	unsigned long back;  /* pages the cache gave back before this pass */
	unsigned long count; /* objects it reports */
	enum pz_compact_result suitable;
};

static struct tu_machine tm;
static struct rm_cache cache, held;
static struct pass_rec recs[RM_MAX_CALLS + 1];
static unsigned nrecs;
static unsigned long filled;
static enum pz_profile prof;

static enum pz_compact_result suitable_now(pz_t *pz)
{
	struct pz_zone *z = pz_zone_of(pz, 0, PZ_ZONE_NORMAL);

	return pz_compaction_suitable(pz, z, ORDER, 0, prof == PZ_PROFILE_LINUX_4_1 ? 0 : z->type);
}

static unsigned long count_cb(struct pz_shrinker *s, struct pz_shrink_control *sc)
{
	unsigned long n = rm_count(s, sc);

	if (nrecs < RM_MAX_CALLS)
		recs[nrecs++] = (struct pass_rec){sc->priority, filled - cache.n, n,
						  suitable_now(cache.pz)};
	return n;
}

static enum pz_migrate_result refuse(void *ctx, pz_t *pz, pz_page_t *src, pz_page_t *dst,
				     unsigned order, enum pz_migrate_mode mode)
{
	(void)ctx, (void)pz, (void)src, (void)dst, (void)order, (void)mode;
	return PZ_MIGRATE_BUSY;
}

/* The zone filled to its MIN mark: half by pages nobody reclaims, the
 * rest by the cache (registered with batch 8, so that a pass frees a
 * few pages). */
static pz_t *full_machine(enum pz_profile profile, enum rm_mode mode, bool handler)
{
	const pz_gfp_t gfp = (PZ_GFP_KERNEL & ~PZ__GFP_RECLAIM) | PZ__GFP_NOWARN;
	pz_t *pz;

	prof = profile;
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, ZONE_START, ZONE_START + ZONE_PAGES);
	pz = tu_create_machine(&tm.m, profile);
	assert_non_null(pz);
	rm_init(&held, pz, RM_FREE);
	rm_init(&cache, pz, mode);
	assert_int_equal(rm_fill(&held, ZONE_PAGES / 2, gfp), ZONE_PAGES / 2);
	filled = rm_fill(&cache, ZONE_PAGES, gfp);
	assert_true(filled > 4 * GAP);
	cache.objects = filled;
	cache.s.count_objects = count_cb;
	cache.s.batch = 8;
	assert_int_equal(pz_register_shrinker(pz, &cache.s), 0);
	if (handler)
		assert_int_equal(pz_set_migrate_handler(pz, refuse, NULL), 0);
	assert_int_equal(suitable_now(pz), PZ_COMPACT_SKIPPED);
	nrecs = 0;
	return pz;
}

static void done(pz_t *pz)
{
	assert_int_equal(pz_unregister_shrinker(pz, &cache.s), 0);
	rm_drain(&cache);
	rm_drain(&held);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

static unsigned passes_at(int prio)
{
	unsigned n = 0;

	for (unsigned i = 0; i < nrecs; i++)
		n += recs[i].priority == prio;
	return n;
}

/* Would the kernel go on after the pass that started at `before` and
 * ended at `after`? The list is what the pass's count saw. 4.x: too
 * little back and a large list, or compaction SKIPPED; 6.1: compaction
 * SKIPPED and a large list. */
static bool kernel_continues(const struct pass_rec *before, const struct pass_rec *after)
{
	if (after->back == before->back)
		return false; /* a pass that freed nothing (not __GFP_REPEAT) */
	if (prof == PZ_PROFILE_LINUX_4_1 && after->back < GAP && before->count > GAP)
		return true;
	return after->suitable == PZ_COMPACT_SKIPPED &&
	       (prof == PZ_PROFILE_LINUX_4_1 || before->count > GAP);
}

/* Order 9 (costly): a priority's passes repeat exactly while the kernel's
 * rule says so (each record is both the end of one pass and the start of
 * the next), and the reclaim's last pass stopped because compaction could
 * now run. */
static void continues_until_compaction(enum pz_profile profile, pz_gfp_t gfp)
{
	pz_t *pz = full_machine(profile, RM_FREE, true);
	uint64_t progress = 0;
	unsigned again = 0;

	assert_int_equal(pz_direct_reclaim(pz, 0, gfp, ORDER, &progress), 0);
	assert_int_equal(progress, filled - cache.n);
	assert_true(nrecs >= 2 && nrecs < RM_MAX_CALLS);
	recs[nrecs] = (struct pass_rec){-1, filled - cache.n, cache.n, suitable_now(pz)};
	for (unsigned i = 1; i <= nrecs; i++) {
		bool same = recs[i].priority == recs[i - 1].priority;

		assert_int_equal(kernel_continues(&recs[i - 1], &recs[i]), same);
		again += same;
	}
	assert_true(again >= 2);
	assert_true(recs[nrecs].back > recs[nrecs - 1].back);
	assert_int_not_equal(recs[nrecs].suitable, PZ_COMPACT_SKIPPED);
	done(pz);
}

static void test_41_costly_continues_until_compaction(void **state)
{
	(void)state;
	continues_until_compaction(PZ_PROFILE_LINUX_4_1, PZ_GFP_KERNEL);
}

static void test_61_costly_continues_until_compaction(void **state)
{
	(void)state;
	continues_until_compaction(PZ_PROFILE_MODERN, PZ_GFP_KERNEL);
}

/* No reclaim/compaction: without a migrate callback (compaction cannot
 * run), at order 0, or (6.1) without __GFP_IO, one pass per priority. */
static void one_pass(enum pz_profile profile, pz_gfp_t gfp, unsigned order, bool handler)
{
	pz_t *pz = full_machine(profile, RM_FREE, handler);
	uint64_t progress = 0;

	assert_int_equal(pz_direct_reclaim(pz, 0, gfp, order, &progress), 0);
	assert_true(progress > 0);
	for (int prio = 12; prio >= 0; prio--)
		assert_true(passes_at(prio) <= 1);
	done(pz);
}

static void test_no_reclaim_compaction(void **state)
{
	(void)state;
	one_pass(PZ_PROFILE_LINUX_4_1, PZ_GFP_KERNEL, ORDER, false);
	one_pass(PZ_PROFILE_LINUX_4_1, PZ_GFP_KERNEL, 0, true);
	one_pass(PZ_PROFILE_MODERN, PZ_GFP_KERNEL, ORDER, false);
	one_pass(PZ_PROFILE_MODERN, PZ_GFP_NOIO, ORDER, true);
}

/* 4.x __GFP_REPEAT: a pass that freed nothing but scanned goes on, until
 * a pass scans nothing or the fruitless passes have scanned all the
 * objects counted; without __GFP_REPEAT the first fruitless pass ends the
 * loop. Either way the call returns. */
static void repeat_on_nothing(pz_gfp_t gfp)
{
	pz_t *pz = full_machine(PZ_PROFILE_LINUX_4_1, RM_NOTHING, true);
	uint64_t progress = 1, scanned = 0, last = 0;
	unsigned passes = 0, repeated = 0;
	int prio = 12;

	cache.s.batch = 512; /* a full turn in a few calls */
	assert_int_equal(pz_direct_reclaim(pz, 0, gfp, ORDER, &progress), 0);
	assert_int_equal(progress, 0);
	assert_true(cache.ncalls < RM_MAX_CALLS);
	cache.calls[cache.ncalls++] = (struct rm_call){'c', 0, -1, 0}; /* the end */
	for (unsigned i = 0; i < cache.ncalls; i++) {
		const struct rm_call *c = &cache.calls[i];

		if (c->kind == 's') {
			scanned += c->nr_to_scan;
			last += c->nr_to_scan;
			continue;
		}
		if (c->priority != prio) { /* the loop at prio ended after `passes` */
			if (!(gfp & PZ__GFP_REPEAT))
				assert_true(passes <= 1);
			else if (passes > 1)
				assert_true(!last || scanned >= cache.objects);
			repeated += passes > 1;
			prio = c->priority;
			passes = 0;
			scanned = 0;
		}
		passes++;
		last = 0;
	}
	assert_int_equal(repeated > 0, (gfp & PZ__GFP_REPEAT) != 0);
	done(pz);
}

static void test_41_repeat_scans_the_whole_cache(void **state)
{
	(void)state;
	repeat_on_nothing(PZ_GFP_KERNEL);
	repeat_on_nothing(PZ_GFP_KERNEL | PZ__GFP_REPEAT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_41_costly_continues_until_compaction),
		cmocka_unit_test(test_61_costly_continues_until_compaction),
		cmocka_unit_test(test_no_reclaim_compaction),
		cmocka_unit_test(test_41_repeat_scans_the_whole_cache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
