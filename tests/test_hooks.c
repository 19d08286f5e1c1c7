/*
 * test_hooks.c - the platform hooks misbehaving on their Nth call.
 *
 * A harness platform wraps cpu, relax, log, trace and zone_reclaim. One
 * hook at a time misbehaves on its Nth call, for N = 1.. across a seeded
 * sequence of init, allocations (single, bulk), frees (single, list, cold)
 * and drains on a machine small enough that zone_reclaim runs: cpu returns
 * values far outside 0..nr_cpus-1, zone_reclaim returns each result code
 * (truthfully or not), frees the test's pages or allocates from the same
 * instance (both allowed by the header), the log and trace sinks call the
 * functions whose Context allows it. Every log message and trace event is
 * checked against the sink contract on the way. After each run the
 * validation walk is clean and every page is back.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

enum hook {
	H_CPU,
	H_RELAX,
	H_LOG,
	H_TRACE,
	H_RECLAIM,
	H_NR,
	H_NONE = H_NR
};

#define NCPUS	 4
#define MAXHELD	 4096
#define STEPS	 1500
#define NTH_LOW	 24 /* every N up to this, then spread over the rest */
#define NTH_HIGH 8

struct held {
	pz_page_t *page;
	unsigned order;
};

static struct {
	unsigned long calls[H_NR];
	enum hook bad;	   /* the hook that misbehaves */
	unsigned long nth; /* on this call */
	unsigned mode;	   /* how */
	bool fired;
	pz_t *pz;
	struct held held[MAXHELD];
	unsigned n;
	int depth; /* zone_reclaim re-entry */
	struct pz_task *task;
} H;

static bool misbehave(enum hook h)
{
	if (H.bad != h || H.calls[h] != H.nth)
		return false;
	H.fired = true;
	return true;
}

static void hold(pz_page_t *p, unsigned order)
{
	assert_true(H.n < MAXHELD);
	H.held[H.n].page = p;
	H.held[H.n++].order = order;
}

static void release(unsigned i)
{
	assert_int_equal(pz_free_pages(H.pz, H.held[i].page, H.held[i].order), 0);
	H.held[i] = H.held[--H.n];
}

/* ---- the hooks ------------------------------------------------------------ */

static unsigned h_cpu(void *ctx)
{
	static const unsigned bad[] = {~0u, NCPUS, 0x80000000u + 3, 1u << 31};

	assert_ptr_equal(ctx, &H);
	H.calls[H_CPU]++;
	if (misbehave(H_CPU))
		return bad[H.mode % 4];
	return (unsigned)(H.calls[H_CPU] % (NCPUS - 1));
}

/* relax: used by the cpuset wait test; ends the "update" on the Nth call */
static void h_relax(void *ctx)
{
	assert_ptr_equal(ctx, &H);
	H.calls[H_RELAX]++;
	if (misbehave(H_RELAX) && H.task)
		__atomic_fetch_add(&H.task->mems_seq, 1, __ATOMIC_RELEASE);
}

static void h_log(void *ctx, enum pz_log_level level, const char *msg)
{
	assert_ptr_equal(ctx, &H);
	H.calls[H_LOG]++;
	/* the contract: one complete message, no trailing newline */
	assert_non_null(msg);
	assert_true(msg[0] != 0);
	assert_true(msg[strlen(msg) - 1] != '\n');
	assert_true(level >= PZ_LOG_ERR && level <= PZ_LOG_DEBUG);
	if (misbehave(H_LOG)) {
		char buf[8];
		size_t need = pz_gfp_format(PZ_GFP_KERNEL, buf, sizeof(buf)); /* Context: any */

		assert_int_equal(need, strlen("GFP_KERNEL"));
		assert_string_equal(buf, "GFP_KER");
	}
}

static void h_trace(void *ctx, const struct pz_trace_event *ev)
{
	static const char *const names[PZ_TRACE_NR_KINDS] = {
		"mm_page_alloc:",	 "mm_page_free:",
		"mm_page_free_batched:", "mm_page_alloc_zone_locked:",
		"mm_page_pcpu_drain:",	 "mm_page_alloc_extfrag:",
	};
	char buf[256], tiny[6];

	assert_ptr_equal(ctx, &H);
	H.calls[H_TRACE]++;
	assert_true((unsigned)ev->kind < PZ_TRACE_NR_KINDS);
	assert_true(ev->cpu < NCPUS);
	size_t need = pz_trace_format(PZ_PROFILE_LINUX_4_1, ev, buf, sizeof(buf));
	assert_true(need < sizeof(buf));
	assert_memory_equal(buf, names[ev->kind], strlen(names[ev->kind]));
	if (misbehave(H_TRACE)) {
		/* a cut format: same length reported, NUL-terminated prefix */
		assert_int_equal(pz_trace_format(PZ_PROFILE_LINUX_4_1, ev, tiny, sizeof(tiny)),
				 need);
		assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
		assert_memory_equal(tiny, buf, sizeof(tiny) - 1);
	}
}

enum reclaim_mode {
	RM_NOSCAN,
	RM_FULL,
	RM_SOME,
	RM_SUCCESS_LIE, /* claims success, frees nothing */
	RM_REENTER,	/* allocates from the same instance (allowed) */
	RM_FREE_ALL,	/* frees every page the test holds */
	RM_NR,
};

/* Normal behaviour: free up to 4 held blocks, SUCCESS if any. */
static enum pz_zone_reclaim_result h_reclaim(void *ctx, int nid, enum pz_zone_type zone,
					     pz_gfp_t gfp, unsigned order)
{
	enum pz_zone_reclaim_result rc = PZ_ZONE_RECLAIM_FULL;

	assert_ptr_equal(ctx, &H);
	assert_int_equal(nid, 0);
	assert_int_equal(zone, PZ_ZONE_NORMAL);
	assert_true(gfp & PZ__GFP_DIRECT_RECLAIM);
	assert_true(order < 11);
	H.calls[H_RECLAIM]++;
	if (H.depth)
		return PZ_ZONE_RECLAIM_FULL; /* nested: no further re-entry */
	if (misbehave(H_RECLAIM)) {
		switch ((enum reclaim_mode)H.mode) {
		case RM_NOSCAN:
			return PZ_ZONE_RECLAIM_NOSCAN;
		case RM_FULL:
			return PZ_ZONE_RECLAIM_FULL;
		case RM_SOME:
			return PZ_ZONE_RECLAIM_SOME;
		case RM_SUCCESS_LIE:
			return PZ_ZONE_RECLAIM_SUCCESS;
		case RM_REENTER: {
			H.depth++;
			pz_page_t *p = pz_alloc_pages(H.pz, PZ_GFP_KERNEL | PZ__GFP_NOWARN, 0);
			pz_page_t *q = pz_alloc_pages(H.pz, PZ_GFP_ATOMIC | PZ__GFP_NOWARN, 1);
			H.depth--;
			if (p)
				hold(p, 0);
			if (q)
				assert_int_equal(pz_free_pages(H.pz, q, 1), 0);
			return PZ_ZONE_RECLAIM_SOME;
		}
		default:
			while (H.n)
				release(H.n - 1);
			return PZ_ZONE_RECLAIM_SUCCESS;
		}
	}
	for (int i = 0; i < 4 && H.n; i++, rc = PZ_ZONE_RECLAIM_SUCCESS)
		release(H.n - 1);
	return rc;
}

static struct pz_platform harness_platform(void)
{
	struct pz_platform p;

	memset(&p, 0, sizeof(p));
	p.ctx = &H;
	p.cpu = h_cpu;
	p.relax = h_relax;
	p.log = h_log;
	p.trace = h_trace;
	p.zone_reclaim = h_reclaim;
	return p;
}

/* ---- the sequence ------------------------------------------------------------ */

static struct tu_machine tm;
static struct pz_platform plat;

static void reset(enum hook bad, unsigned long nth, unsigned mode)
{
	memset(&H, 0, sizeof(H));
	H.bad = bad;
	H.nth = nth;
	H.mode = mode;
}

static void sequence(enum pz_profile profile, uint64_t seed)
{
	struct pz_config cfg;
	pz_page_t *list[8];

	/* init: a refused configuration first (it logs), then a good one */
	tu_machine_init(&tm, 1, NCPUS);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 4096);
	plat = harness_platform();
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &tm.m;
	cfg.platform = &plat;
	cfg.profile = profile;
	cfg.zone_reclaim_mode = 1;
	size_t size;
	assert_int_equal(pz_metadata_size(&cfg, &size), -PZ_EINVAL);
	tu_machine_init(&tm, 1, NCPUS);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 4096 + 1024);
	H.pz = tu_create(&cfg);
	assert_non_null(H.pz);
	uint64_t free0 = tu_free_pages(H.pz) + tu_pcp_pages(H.pz);

	for (unsigned step = 0; step < STEPS; step++) {
		uint64_t r = tu_rand(&seed);
		unsigned what = (unsigned)(r % 100);

		if (what < 60) {
			unsigned order = (unsigned)((r >> 8) % 3);
			pz_gfp_t gfp = ((r >> 16) % 10 ? PZ__GFP_NOWARN : 0) |
				       ((r >> 20) & 1 ? PZ_GFP_KERNEL : PZ_GFP_HIGHUSER_MOVABLE);
			pz_page_t *p = pz_alloc_pages(H.pz, gfp, order);

			if (p)
				hold(p, order);
		} else if (what < 85 && H.n) {
			unsigned i = (unsigned)((r >> 8) % H.n);

			if ((r >> 16) & 1 && H.held[i].order == 0) {
				assert_int_equal(pz_free_pages_cold(H.pz, H.held[i].page, 0, 1), 0);
				H.held[i] = H.held[--H.n];
			} else {
				release(i);
			}
		} else if (what < 90) {
			memset(list, 0, sizeof(list));
			size_t got = pz_alloc_pages_bulk(H.pz, PZ_GFP_KERNEL | PZ__GFP_NOWARN, -1,
							 NULL, 8, list);
			assert_int_equal(pz_free_page_list(H.pz, list, got, (int)(r >> 8) & 1), 0);
		} else if (what < 93) {
			pz_drain_all_pages(H.pz);
		} else if (what < 95) {
			assert_null(
				pz_alloc_pages(H.pz, PZ_GFP_KERNEL, 11)); /* refused, logged once */
		} else {
			pz_drain_local_pages(H.pz);
		}
	}
	while (H.n)
		release(H.n - 1);
	pz_drain_all_pages(H.pz);
	assert_int_equal(pz_validate(H.pz), 0);
	assert_int_equal(tu_pcp_pages(H.pz), 0);
	assert_int_equal(tu_free_pages(H.pz), free0);
	struct pz_errors e;
	pz_errors(H.pz, &e);
	assert_int_equal(e.double_free + e.bad_pfn + e.leaked_pages + e.bad_page_free, 0);
	tu_destroy(H.pz);
	H.pz = NULL;
}

/* A clean run's call counts, to pick which Nth calls to misbehave on. */
static unsigned long clean_calls[H_NR];

static void for_each_nth(enum hook h, unsigned modes, enum pz_profile profile)
{
	unsigned long total = clean_calls[h], nths[NTH_LOW + NTH_HIGH];
	unsigned k = 0;

	assert_true(total > 0);
	for (unsigned long n = 1; n <= NTH_LOW && n <= total; n++)
		nths[k++] = n;
	for (unsigned i = 1; total > NTH_LOW && i <= NTH_HIGH; i++)
		nths[k++] = NTH_LOW + (total - NTH_LOW) * i / NTH_HIGH;
	for (unsigned mode = 0; mode < modes; mode++)
		for (unsigned i = 0; i < k; i++) {
			reset(h, nths[i], mode);
			sequence(profile, 0x600d5eed);
			/* the clean run's seed: the calls before the Nth are the
			 * same, so the Nth comes (zone_reclaim aside: a truthful
			 * clean hook frees pages, which may end reclaim earlier) */
			if (!H.fired && h != H_RECLAIM)
				fail_msg("hook %d: call %lu of %lu never came", h, nths[i], total);
		}
}

static void clean_run(enum pz_profile profile)
{
	reset(H_NONE, 0, 0);
	sequence(profile, 0x600d5eed);
	memcpy(clean_calls, H.calls, sizeof(clean_calls));
	print_message("clean run (%s): cpu %lu, log %lu, trace %lu, zone_reclaim %lu calls\n",
		      profile == PZ_PROFILE_MODERN ? "modern" : "linux-4.1", H.calls[H_CPU],
		      H.calls[H_LOG], H.calls[H_TRACE], H.calls[H_RECLAIM]);
}

static void test_cpu_out_of_range(void **state)
{
	(void)state;
	clean_run(PZ_PROFILE_LINUX_4_1);
	for_each_nth(H_CPU, 4, PZ_PROFILE_LINUX_4_1);
	clean_run(PZ_PROFILE_MODERN);
	for_each_nth(H_CPU, 4, PZ_PROFILE_MODERN);
}

static void test_zone_reclaim_results(void **state)
{
	(void)state;
	for (int p = 0; p < PZ_NR_PROFILES; p++) {
		clean_run((enum pz_profile)p);
		assert_true(clean_calls[H_RECLAIM] > 2);
		for_each_nth(H_RECLAIM, RM_NR, (enum pz_profile)p);
	}
}

static void test_log_and_trace_sinks(void **state)
{
	(void)state;
	clean_run(PZ_PROFILE_LINUX_4_1);
	for_each_nth(H_LOG, 1, PZ_PROFILE_LINUX_4_1);
	for_each_nth(H_TRACE, 1, PZ_PROFILE_LINUX_4_1);
}

/*
 * relax is the wait of read_mems_allowed_begin while a cpuset update is in
 * flight (odd seqcount): the allocation must wait, relaxing, and go on as
 * soon as the update ends - here on the Nth relax call.
 */
static void test_relax_waits_for_cpuset_update(void **state)
{
	(void)state;
	struct pz_config cfg;
	struct pz_task task;

	for (unsigned long n = 1; n <= 6; n++) {
		reset(H_RELAX, n, 0);
		tu_machine_init(&tm, 1, NCPUS);
		tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 4096 + 2048);
		plat = harness_platform();
		memset(&cfg, 0, sizeof(cfg));
		cfg.machine = &tm.m;
		cfg.platform = &plat;
		H.pz = tu_create(&cfg);
		assert_non_null(H.pz);
		pz_task_init(&task);
		task.mems_seq = 1; /* an update is running */
		H.task = &task;
		pz_set_current_task(&task);
		pz_page_t *p = pz_alloc_pages(H.pz, PZ_GFP_KERNEL, 1);
		pz_set_current_task(NULL);
		assert_non_null(p);
		assert_int_equal(H.calls[H_RELAX], n);
		assert_int_equal(task.mems_seq, 2);
		assert_int_equal(pz_free_pages(H.pz, p, 1), 0);
		assert_int_equal(pz_validate(H.pz), 0);
		tu_destroy(H.pz);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_out_of_range),
		cmocka_unit_test(test_zone_reclaim_results),
		cmocka_unit_test(test_log_and_trace_sinks),
		cmocka_unit_test(test_relax_waits_for_cpuset_update),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
