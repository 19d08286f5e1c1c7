/*
 * test_trace.c - tracepoints: which events fire, in which order, with
 * which fields, and their text form (spec section 9.5).
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

static struct pz_trace_event evbuf[4096];

static pz_t *make(enum pz_profile profile)
{
	static struct tu_machine tm;
	struct pz_config cfg;

	tu_machine_simple(&tm, 0, 65536, 1); /* DMA + 256 MiB Normal */
	tu_config(&cfg, &tm.m, profile, 1);
	tu_trace.events = evbuf;
	tu_trace.cap = sizeof(evbuf) / sizeof(evbuf[0]);
	tu_trace_reset();
	return tu_create(&cfg);
}

/* First order-0 UNMOVABLE allocation on a fresh zone: a pcp refill of
 * `batch` pages (each a zone_locked event with percpu_refill=1, the first
 * preceded by the extfrag event of the steal), then mm_page_alloc. */
static void test_trace_refill_sequence(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_LINUX_4_1);
	struct pz_zone_info zi;
	assert_non_null(pz);
	assert_int_equal(pz_zone_info(pz, 0, PZ_ZONE_NORMAL, &zi), 0);
	unsigned batch = zi.pcp_batch; /* 65536/1024 = 64, /4 = 16, 16+8 = 24 -> 16 - 1 = 15 */
	assert_int_equal(batch, 15);

	tu_trace_reset();
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_non_null(p);
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC], 1);
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED], batch);
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC_EXTFRAG], 1);
	assert_int_equal(tu_trace.n, batch + 2);
	/* order: extfrag, then zone_locked for that page, ..., alloc last */
	assert_int_equal(evbuf[0].kind, PZ_TRACE_PAGE_ALLOC_EXTFRAG);
	assert_int_equal(evbuf[0].fallback_order, 10);
	assert_int_equal(evbuf[0].alloc_migratetype, PZ_MT_UNMOVABLE);
	assert_int_equal(evbuf[0].fallback_migratetype, PZ_MT_MOVABLE);
	assert_int_equal(evbuf[0].change_ownership, 1);
	assert_int_equal(evbuf[0].fragmenting, 0); /* 10 >= pageblock order 9 */
	assert_int_equal(evbuf[1].kind, PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED);
	assert_int_equal(evbuf[1].percpu_refill, 1);
	assert_int_equal(evbuf[1].pfn, evbuf[0].pfn);
	/* the refill hands out physically consecutive pages */
	for (unsigned i = 2; i <= batch; i++)
		assert_int_equal(evbuf[i].pfn, evbuf[i - 1].pfn + 1);
	struct pz_trace_event *a = &evbuf[batch + 1];
	assert_int_equal(a->kind, PZ_TRACE_PAGE_ALLOC);
	assert_int_equal(a->pfn, (int64_t)pz_page_to_pfn(pz, p));
	assert_int_equal(a->pfn, evbuf[1].pfn); /* hot: the lowest pfn first */

	char line[256];
	pz_trace_format(PZ_PROFILE_LINUX_4_1, a, line, sizeof(line));
	/* the fast path traces gfp|__GFP_HARDWALL, which 4.1 prints as GFP_USER */
	assert_non_null(strstr(line, "mm_page_alloc: page="));
	assert_non_null(strstr(line, " order=0 migratetype=0 gfp_flags=GFP_USER"));
	pz_trace_format(PZ_PROFILE_LINUX_4_1, &evbuf[0], line, sizeof(line));
	assert_non_null(strstr(line, "alloc_order=0 fallback_order=10 pageblock_order=9 "
				     "alloc_migratetype=0 fallback_migratetype=2 fragmenting=0 "
				     "change_ownership=1"));

	tu_trace_reset();
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	assert_int_equal(tu_trace.n, 1);
	assert_int_equal(evbuf[0].kind, PZ_TRACE_PAGE_FREE);
	assert_int_equal(evbuf[0].pfn, (int64_t)pz_page_to_pfn(pz, p));
	tu_destroy(pz);
}

/* Freeing past pcp->high flushes `batch` pages, each a pcpu_drain event;
 * a list free traces free_batched before each mm_page_free (4.1 order). */
static void test_trace_flush_and_batched(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_LINUX_4_1);
	pz_page_t *pages[200];
	struct pz_pcp_info pi;

	assert_non_null(pz);
	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, &pi), 0);
	assert_int_equal(pi.high, 90); /* 6 * 15 */
	for (int i = 0; i < 200; i++)
		assert_non_null(pages[i] = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE, 0));
	pz_drain_local_pages(pz);
	tu_trace_reset();
	for (int i = 0; i < 90; i++)
		assert_int_equal(pz_free_pages(pz, pages[i], 0), 0);
	/* the 90th free reached high = 90: one flush of batch = 15 pages */
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_FREE], 90);
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_PCPU_DRAIN], 15);
	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, &pi), 0);
	assert_int_equal(pi.count, 75);
	/* coldest first: the drained pages are the first ones freed (list tail) */
	for (unsigned i = 0; i < tu_trace.n; i++)
		if (evbuf[i].kind == PZ_TRACE_PAGE_PCPU_DRAIN) {
			assert_int_equal(evbuf[i].pfn, (int64_t)pz_page_to_pfn(pz, pages[0]));
			break;
		}

	tu_trace_reset();
	assert_int_equal(pz_free_page_list(pz, pages + 90, 110, 1), 0);
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_FREE_BATCHED], 110);
	assert_int_equal(evbuf[0].kind, PZ_TRACE_PAGE_FREE_BATCHED);
	assert_int_equal(evbuf[0].cold, 1);
	assert_int_equal(evbuf[1].kind, PZ_TRACE_PAGE_FREE);
	assert_int_equal(evbuf[1].pfn, evbuf[0].pfn);
	pz_drain_all_pages(pz);
	tu_validate(pz);
	tu_destroy(pz);
}

/* A failed allocation still traces mm_page_alloc, with pfn -1. */
static void test_trace_failure(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_LINUX_4_1);
	char line[256];

	assert_non_null(pz);
	tu_trace_reset();
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_NOWARN, 11));
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC], 1);
	assert_int_equal(tu_trace.last[PZ_TRACE_PAGE_ALLOC].pfn, -1);
	pz_trace_format(PZ_PROFILE_LINUX_4_1, &tu_trace.last[PZ_TRACE_PAGE_ALLOC], line,
			sizeof(line));
	assert_non_null(strstr(line, "page=(null) pfn=0 order=11"));
	tu_destroy(pz);
}

/*
 * __rmqueue traces mm_page_alloc_zone_locked on every call, a failed one
 * too: with no page (pfn -1, printed page=(null) pfn=0) and the type it
 * tried last, MIGRATE_RESERVE in 4.1 (spec 5.5, 9.5). A 1024-page zone
 * gives its one order-10 block to a first __GFP_MEMALLOC request; the
 * second passes no watermark check and finds nothing.
 */
static void rmqueue_failure(enum pz_profile profile, enum pz_migratetype tried, const char *text)
{
	static struct tu_machine tm;
	struct pz_config cfg;
	const pz_gfp_t g = PZ_GFP_KERNEL | PZ__GFP_MEMALLOC | PZ__GFP_NOWARN;
	char line[256];

	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 5120);
	tu_config(&cfg, &tm.m, profile, 1);
	tu_trace.events = evbuf;
	tu_trace.cap = sizeof(evbuf) / sizeof(evbuf[0]);
	pz_t *pz = tu_create(&cfg);
	assert_non_null(pz);
	pz_page_t *p = pz_alloc_pages(pz, g, 10);
	assert_non_null(p);
	tu_trace_reset();
	assert_null(pz_alloc_pages(pz, g, 10));
	assert_int_equal(tu_trace.count[PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED], 1);
	const struct pz_trace_event *e = &tu_trace.last[PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED];
	assert_int_equal(e->pfn, -1);
	assert_int_equal(e->order, 10);
	assert_int_equal(e->migratetype, tried);
	assert_int_equal(e->percpu_refill, 0);
	pz_trace_format(profile, e, line, sizeof(line));
	assert_string_equal(line, text);
	assert_int_equal(pz_free_pages(pz, p, 10), 0);
	tu_destroy(pz);
}

static void test_trace_rmqueue_failure(void **state)
{
	(void)state;
	rmqueue_failure(PZ_PROFILE_LINUX_4_1, PZ_MT_RESERVE,
			"mm_page_alloc_zone_locked: page=(null) pfn=0 order=10 migratetype=3 "
			"percpu_refill=0");
	rmqueue_failure(PZ_PROFILE_MODERN, PZ_MT_UNMOVABLE,
			"mm_page_alloc_zone_locked: page=(null) pfn=0 order=10 migratetype=0 "
			"percpu_refill=0");
}

/*
 * Every event kind against the text 4.1's include/trace/events/kmem.h
 * prints. The first line is copied from real 4.x trace output
 * (page= is the struct page in x86-64's vmemmap, %p without "0x").
 */
static void test_trace_format_every_kind(void **state)
{
	(void)state;
	struct pz_trace_event ev;
	char line[512];
	static const struct {
		enum pz_profile profile;
		struct pz_trace_event ev;
		const char *text;
	} cases[] = {
		{PZ_PROFILE_LINUX_4_1,
		 {.kind = PZ_TRACE_PAGE_ALLOC,
		  .pfn = 1066702,
		  .gfp_flags = PZ_GFP_KERNEL,
		  .migratetype = PZ_MT_UNMOVABLE},
		 "mm_page_alloc: page=ffffea000411b380 pfn=1066702 order=0 migratetype=0 "
		 "gfp_flags=GFP_KERNEL"},
		{PZ_PROFILE_LINUX_4_1,
		 {.kind = PZ_TRACE_PAGE_FREE, .pfn = 1155800},
		 "mm_page_free: page=ffffea000468b600 pfn=1155800 order=0"},
		{PZ_PROFILE_LINUX_4_1,
		 {.kind = PZ_TRACE_PAGE_ALLOC,
		  .pfn = -1,
		  .order = 3,
		  .gfp_flags = PZ_GFP_HIGHUSER_MOVABLE,
		  .migratetype = PZ_MT_MOVABLE},
		 "mm_page_alloc: page=(null) pfn=0 order=3 migratetype=2 "
		 "gfp_flags=GFP_HIGHUSER_MOVABLE"},
		{PZ_PROFILE_MODERN,
		 {.kind = PZ_TRACE_PAGE_ALLOC,
		  .pfn = 4096,
		  .order = 9,
		  .gfp_flags = PZ_GFP_HIGHUSER_MOVABLE,
		  .migratetype = PZ_MT_MOVABLE},
		 "mm_page_alloc: page=ffffea0000040000 pfn=4096 order=9 migratetype=1 "
		 "gfp_flags=GFP_HIGHUSER_MOVABLE"},
		{PZ_PROFILE_LINUX_4_1,
		 {.kind = PZ_TRACE_PAGE_FREE, .pfn = 8192, .order = 10},
		 "mm_page_free: page=ffffea0000080000 pfn=8192 order=10"},
		{PZ_PROFILE_LINUX_4_1,
		 {.kind = PZ_TRACE_PAGE_FREE_BATCHED, .pfn = 1, .cold = 1},
		 "mm_page_free_batched: page=ffffea0000000040 pfn=1 order=0 cold=1"},
		{PZ_PROFILE_LINUX_4_1,
		 {.kind = PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED,
		  .pfn = 4097,
		  .migratetype = PZ_MT_MOVABLE,
		  .percpu_refill = 1},
		 "mm_page_alloc_zone_locked: page=ffffea0000040040 pfn=4097 order=0 migratetype=2 "
		 "percpu_refill=1"},
		{PZ_PROFILE_MODERN,
		 {.kind = PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED,
		  .pfn = 4608,
		  .order = 9,
		  .migratetype = PZ_MT_RECLAIMABLE},
		 "mm_page_alloc_zone_locked: page=ffffea0000048000 pfn=4608 order=9 migratetype=2 "
		 "percpu_refill=0"},
		{PZ_PROFILE_LINUX_4_1,
		 {.kind = PZ_TRACE_PAGE_PCPU_DRAIN, .pfn = 12345, .migratetype = PZ_MT_RECLAIMABLE},
		 "mm_page_pcpu_drain: page=ffffea00000c0e40 pfn=12345 order=0 migratetype=1"},
		{PZ_PROFILE_LINUX_4_1,
		 {.kind = PZ_TRACE_PAGE_ALLOC_EXTFRAG,
		  .pfn = 5120,
		  .order = 0,
		  .fallback_order = 10,
		  .alloc_migratetype = PZ_MT_MOVABLE,
		  .fallback_migratetype = PZ_MT_UNMOVABLE,
		  .change_ownership = 1,
		  .fragmenting = 0,
		  .pageblock_order = 9},
		 "mm_page_alloc_extfrag: page=ffffea0000050000 pfn=5120 alloc_order=0 "
		 "fallback_order=10 pageblock_order=9 alloc_migratetype=2 fallback_migratetype=0 "
		 "fragmenting=0 change_ownership=1"},
		{PZ_PROFILE_MODERN,
		 {.kind = PZ_TRACE_PAGE_ALLOC_EXTFRAG,
		  .pfn = 6144,
		  .order = 2,
		  .fallback_order = 3,
		  .alloc_migratetype = PZ_MT_RECLAIMABLE,
		  .fallback_migratetype = PZ_MT_MOVABLE,
		  .fragmenting = 1,
		  .pageblock_order = 9},
		 "mm_page_alloc_extfrag: page=ffffea0000060000 pfn=6144 alloc_order=2 "
		 "fallback_order=3 pageblock_order=9 alloc_migratetype=2 fallback_migratetype=1 "
		 "fragmenting=1 change_ownership=0"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = pz_trace_format(cases[i].profile, &cases[i].ev, line, sizeof(line));

		assert_string_equal(line, cases[i].text);
		assert_int_equal(n, strlen(cases[i].text));
		/* cut: the full length is still returned, the prefix terminated */
		assert_int_equal(pz_trace_format(cases[i].profile, &cases[i].ev, line, 20), n);
		assert_int_equal(strlen(line), 19);
		assert_int_equal(pz_trace_format(cases[i].profile, &cases[i].ev, NULL, 0), n);
	}
	/* an unknown kind or no event: the empty string */
	memset(&ev, 0, sizeof(ev));
	ev.kind = PZ_TRACE_NR_KINDS;
	assert_int_equal(pz_trace_format(PZ_PROFILE_LINUX_4_1, &ev, line, sizeof(line)), 0);
	assert_string_equal(line, "");
	assert_int_equal(pz_trace_format(PZ_PROFILE_LINUX_4_1, NULL, line, sizeof(line)), 0);
}

/*
 * The slow path delivers each attempt's events before its next step traces
 * its own. 4.1, no shrinker, no migrate handler: a costly GFP_KERNEL
 * request fails while the zone's free CMA block passes compaction_suitable
 * (compaction_ready in shrink_zones), so direct reclaim reports progress,
 * a failed attempt drains the per-CPU lists, and the attempt is made
 * again. The trace must show the three failed attempts (LOW, MIN, after
 * reclaim), then the drain, then the attempt after it - as the kernel's
 * tracepoints fire - and the per-CPU lists must be empty afterwards.
 */
static void test_trace_slowpath_order(void **state)
{
	static struct tu_machine tm;
	static pz_page_t *held[16384];
	struct pz_config cfg;
	struct pz_zone_desc *z;
	struct pz_pcp_info pi;
	size_t n = 0, first_drain = 0, ndrain = 0, k;
	pz_page_t *p;

	(void)state;
	tu_machine_init(&tm, 1, 1);
	z = tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 4096 + 16384);
	tu_zone_cma(&tm, 0, z, 4096 + 8192, 4096 + 8192 + 2048);
	tu_config(&cfg, &tm.m, PZ_PROFILE_LINUX_4_1, 1);
	tu_trace.events = evbuf;
	tu_trace.cap = sizeof(evbuf) / sizeof(evbuf[0]);
	pz_t *pz = tu_create(&cfg);
	assert_non_null(pz);
	while (n < 16384 && (p = pz_alloc_pages(pz, PZ_GFP_NOWAIT | PZ__GFP_NOWARN, 0)))
		held[n++] = p;
	for (size_t i = 0; i < n; i += 2) /* every other page: no order-1 buddy forms */
		assert_int_equal(pz_free_pages(pz, held[i], 0), 0);
	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, &pi), 0);
	assert_true(pi.count > 0);
	tu_trace_reset();
	assert_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_NOWARN, 10));
	for (k = 0; k < tu_trace.n; k++)
		if (evbuf[k].kind == PZ_TRACE_PAGE_PCPU_DRAIN) {
			first_drain = ndrain++ ? first_drain : k;
		}
	assert_int_equal(ndrain, pi.count);
	assert_int_equal(first_drain, 3);
	for (k = 0; k < 3; k++) {
		assert_int_equal(evbuf[k].kind, PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED);
		assert_int_equal(evbuf[k].pfn, -1);
	}
	assert_int_equal(evbuf[first_drain + ndrain].kind, PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED);
	assert_int_equal(evbuf[tu_trace.n - 1].kind, PZ_TRACE_PAGE_ALLOC);
	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, &pi), 0);
	assert_int_equal(pi.count, 0);
	for (size_t i = 1; i < n; i += 2)
		assert_int_equal(pz_free_pages(pz, held[i], 0), 0);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_refill_sequence),
		cmocka_unit_test(test_trace_flush_and_batched),
		cmocka_unit_test(test_trace_failure),
		cmocka_unit_test(test_trace_rmqueue_failure),
		cmocka_unit_test(test_trace_slowpath_order),
		cmocka_unit_test(test_trace_format_every_kind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
