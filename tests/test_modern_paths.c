/*
 * test_modern_paths.c - the modern profile's fast-path switches.
 * High-order per-CPU lists (PZ_FEAT_PCP_HIGH_ORDER): which orders use them,
 * refill sizes, pages on them not counted free, hot reuse, the high limit
 * and its flush, drains, the trace of a drain, pcp->high from the low
 * watermark, and the seed-era behaviour (only order 0) in linux-4.1 and
 * with the switch cleared. Lazy compound tails (PZ_FEAT_LAZY_TAILS): every
 * observable answer the same as with written tails. MIGRATE_HIGHATOMIC
 * (PZ_FEAT_HIGHATOMIC): reserving, reuse, growth limit, frees back, and
 * the reserve hidden from other callers' watermarks, the per-CPU
 * shortcut's inline order-0 check included.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

static struct tu_machine tm;

/* One node, 2 CPUs, DMA32 of 16384 pages and Normal of 65536. */
static pz_t *make(enum pz_profile profile, unsigned set, unsigned clear, int trace)
{
	struct pz_config cfg;

	tu_machine_init(&tm, 1, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, 4096 + 16384);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096 + 16384, 4096 + 16384 + 65536);
	tu_config(&cfg, &tm.m, profile, trace);
	cfg.features_set = set;
	cfg.features_clear = clear;
	tu_cpu = 0;
	tu_trace.events = NULL;
	tu_trace_reset();
	return tu_create(&cfg);
}

static struct pz_pcp_info pcp(pz_t *pz, unsigned cpu)
{
	struct pz_pcp_info pi;

	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, cpu, &pi), 0);
	return pi;
}

static struct pz_zone_info normal(pz_t *pz)
{
	struct pz_zone_info zi;

	assert_int_equal(pz_zone_info(pz, 0, PZ_ZONE_NORMAL, &zi), 0);
	return zi;
}

/* Orders 1-3 and the pageblock order come from and go back to the per-CPU
 * list; the first allocation refills max(batch >> order, 2) blocks, all
 * taken out of NR_FREE_PAGES; a freed block is hot and comes back first. */
static void test_high_orders_use_pcp(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_MODERN, 0, 0, 0);
	const unsigned pb = pz_pageblock_order(pz);
	const unsigned orders[] = {1, 2, 3, pb};

	for (unsigned i = 0; i < 4; i++) {
		unsigned o = orders[i];
		struct pz_zone_info before = normal(pz);
		struct pz_pcp_info p0 = pcp(pz, 0);
		unsigned blocks = (p0.batch >> o) < 2 ? 2 : p0.batch >> o;
		pz_page_t *a = pz_alloc_pages(pz, PZ_GFP_KERNEL, o);
		uint64_t pfn;

		assert_non_null(a);
		pfn = pz_page_to_pfn(pz, a);
		assert_int_equal(pfn & ((1u << o) - 1), 0);
		/* the refill took `blocks` blocks from the buddy lists, one is handed out */
		assert_int_equal(pcp(pz, 0).count, p0.count + ((blocks - 1) << o));
		assert_int_equal(before.stat[PZ_NR_FREE_PAGES] - normal(pz).stat[PZ_NR_FREE_PAGES],
				 (int64_t)blocks << o);
		assert_int_equal(pz_free_pages(pz, a, o), 0);
		if (pcp(pz, 0).count == 0)
			continue; /* the free crossed pcp->high and flushed */
		assert_int_equal(pz_pfn_state(pz, pfn), PZ_PAGE_STATE_PCP);
		assert_int_equal(pz_pfn_state(pz, pfn + (1u << o) - 1), PZ_PAGE_STATE_PCP);
		/* hot: the same block comes back */
		a = pz_alloc_pages(pz, PZ_GFP_KERNEL, o);
		assert_int_equal(pz_page_to_pfn(pz, a), pfn);
		assert_int_equal(pz_free_pages(pz, a, o), 0);
		tu_validate(pz);
	}
	/* per-type page counts cover every order */
	{
		struct pz_pcp_info pi = pcp(pz, 0);
		assert_int_equal(pi.count_mt[PZ_MT_UNMOVABLE] + pi.count_mt[PZ_MT_MOVABLE] +
					 pi.count_mt[PZ_MT_RECLAIMABLE],
				 pi.count);
		assert_true(pi.count_mt[PZ_MT_UNMOVABLE] > 0);
	}
	pz_drain_all_pages(pz);
	assert_int_equal(tu_pcp_pages(pz), 0);
	tu_validate(pz);
	tu_destroy(pz);
}

/*
 * A zone whose batch is 1 (6144 pages: 6144 / 1024 / 4 rounds to 1, then
 * to 2^0 - 1 = 0, raised to 1) refills ONE block of every order, as 5.14's
 * __rmqueue_pcplist does ("if (batch > 1) batch = max(batch >> order, 2)"):
 * such a pcp should not hold more than it needs. Taking two blocks would
 * park a second one on the list, a pageblock-order one taking 512 pages
 * more out of a zone of 6144.
 */
static void test_batch_one_refills_one_block(void **state)
{
	(void)state;
	struct pz_config cfg;

	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 4096 + 6144);
	tu_config(&cfg, &tm.m, PZ_PROFILE_MODERN, 0);
	tu_cpu = 0;
	pz_t *pz = tu_create(&cfg);
	const unsigned orders[] = {0, 1, 2, 3, pz_pageblock_order(pz)};

	assert_non_null(pz);
	assert_int_equal(pcp(pz, 0).batch, 1);
	for (unsigned i = 0; i < 5; i++) {
		unsigned o = orders[i];
		int64_t free0 = normal(pz).stat[PZ_NR_FREE_PAGES];
		pz_page_t *a = pz_alloc_pages(pz, PZ_GFP_KERNEL, o);
		uint64_t pfn;

		assert_non_null(a);
		pfn = pz_page_to_pfn(pz, a);
		/* one block pulled and handed out: nothing left on the list */
		assert_int_equal(pcp(pz, 0).count, 0);
		assert_int_equal(free0 - normal(pz).stat[PZ_NR_FREE_PAGES], (int64_t)1 << o);
		assert_int_equal(
			pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, o, PZ_MT_UNMOVABLE, NULL, 0), 0);
		/* freed, it waits on the list (high is far above one block
		 * except for the pageblock order's, which flushes at once) */
		assert_int_equal(pz_free_pages(pz, a, o), 0);
		if (((unsigned)1 << o) < pcp(pz, 0).high) {
			assert_int_equal(pcp(pz, 0).count, 1u << o);
			assert_int_equal(pz_pfn_state(pz, pfn), PZ_PAGE_STATE_PCP);
		} else {
			assert_int_equal(pcp(pz, 0).count, 0);
			assert_int_equal(pz_pfn_state(pz, pfn), PZ_PAGE_STATE_FREE);
		}
		pz_drain_all_pages(pz);
		assert_int_equal(normal(pz).stat[PZ_NR_FREE_PAGES], free0);
	}
	tu_validate(pz);
	tu_destroy(pz);
}

/* Orders between 3 and the pageblock order bypass the per-CPU lists. */
/* Orders lo..hi-1 bypass the per-CPU lists: a freed block is straight back
 * in the buddy lists. */
static void assert_orders_bypass(pz_t *pz, unsigned lo, unsigned hi)
{
	for (unsigned o = lo; o < hi; o++) {
		pz_page_t *a = pz_alloc_pages(pz, PZ_GFP_KERNEL, o);
		uint64_t pfn = pz_page_to_pfn(pz, a);

		assert_int_equal(tu_pcp_pages(pz), 0);
		assert_int_equal(pz_free_pages(pz, a, o), 0);
		assert_int_equal(pz_pfn_state(pz, pfn), PZ_PAGE_STATE_FREE);
	}
	tu_validate(pz);
}

static void test_other_orders_bypass(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_MODERN, 0, 0, 0);

	assert_orders_bypass(pz, 4, pz_pageblock_order(pz));
	tu_destroy(pz);
}

/* linux-4.1, linux-4.4, and modern with the switch cleared: only order 0
 * is cached. */
static void test_seed_era_only_order0(void **state)
{
	(void)state;
	for (int v = 0; v < 3; v++) {
		pz_t *pz = v == 2   ? make(PZ_PROFILE_LINUX_4_4, 0, 0, 0)
			   : v == 1 ? make(PZ_PROFILE_MODERN, 0, PZ_FEAT_PCP_HIGH_ORDER, 0)
				    : make(PZ_PROFILE_LINUX_4_1, 0, 0, 0);
		struct pz_pcp_info pi = pcp(pz, 0);

		assert_int_equal(pi.high, 6 * pi.batch);
		assert_orders_bypass(pz, 1, 4);
		tu_destroy(pz);
	}
}

/* pcp->high: the low watermark shared by the node's CPUs, at least
 * 4 * batch; it follows a min_free_kbytes change. The 4.1 switch set on
 * the seed-era profile gives the same. */
static void test_high_from_low_watermark(void **state)
{
	(void)state;
	for (int v = 0; v < 2; v++) {
		pz_t *pz = v ? make(PZ_PROFILE_LINUX_4_1, PZ_FEAT_PCP_HIGH_ORDER, 0, 0)
			     : make(PZ_PROFILE_MODERN, 0, 0, 0);
		struct pz_zone_info zi = normal(pz);
		struct pz_pcp_info pi = pcp(pz, 1);
		uint64_t want = zi.wmark_low / 2;

		assert_int_equal(pi.high, want > 4u * pi.batch ? want : 4u * pi.batch);
		assert_int_equal(pz_set_min_free_kbytes(pz, 16384), 0);
		zi = normal(pz);
		pi = pcp(pz, 1);
		want = zi.wmark_low / 2;
		assert_true(want > 4u * pi.batch);
		assert_int_equal(pi.high, want);
		/* with a fraction: managed / fraction, shared the same way */
		assert_int_equal(pz_set_percpu_pagelist_fraction(pz, 8), 0);
		assert_int_equal(pcp(pz, 0).high, zi.managed / 8 / 2);
		tu_destroy(pz);
	}
}

/* Freeing past pcp->high flushes `batch` pages' worth, coldest first, a
 * whole block at a time; the drain is traced with each block's order. */
static void test_flush_at_high(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_MODERN, 0, 0, 1);
	const unsigned o = 3;
	pz_page_t *pages[400];
	unsigned n = 0, high = pcp(pz, 0).high, batch = pcp(pz, 0).batch;
	uint64_t free0 = tu_free_pages(pz) + tu_pcp_pages(pz);

	while (n < 400 && (n << o) <= high + 8) {
		pages[n] = pz_alloc_pages(pz, PZ_GFP_KERNEL, o);
		assert_non_null(pages[n]);
		n++;
	}
	pz_drain_all_pages(pz);
	tu_trace_reset();
	for (unsigned i = 0; i < n; i++) {
		unsigned before = pcp(pz, 0).count;

		assert_int_equal(pz_free_pages(pz, pages[i], o), 0);
		if (before + 8 >= high) {
			/* this free crossed high: at least batch pages went back */
			unsigned after = pcp(pz, 0).count;
			assert_true(after < before + 8);
			assert_true(before + 8 - after >= batch);
			assert_true(before + 8 - after < batch + 8);
			assert_true(tu_trace.count[PZ_TRACE_PAGE_PCPU_DRAIN] > 0);
			assert_int_equal(tu_trace.last[PZ_TRACE_PAGE_PCPU_DRAIN].order, o);
			/* the coldest block (the first freed) left first */
			assert_int_equal(pz_pfn_state(pz, pz_page_to_pfn(pz, pages[0])),
					 PZ_PAGE_STATE_FREE);
			break;
		}
		assert_int_equal(pcp(pz, 0).count, before + 8);
	}
	assert_true(tu_trace.count[PZ_TRACE_PAGE_PCPU_DRAIN] > 0);
	for (unsigned i = 0; i < n; i++)
		if (pz_page_refcount(pz, pages[i]) > 0)
			assert_int_equal(pz_free_pages(pz, pages[i], o), 0);
	pz_drain_all_pages(pz);
	assert_int_equal(tu_free_pages(pz), free0);
	tu_validate(pz);
	tu_destroy(pz);
}

/* A block freed on CPU 1 sits on CPU 1's list; draining that CPU from
 * here returns it, and the buddy merge restores the zone. */
static void test_remote_drain_high_order(void **state)
{
	(void)state;
	pz_t *pz = make(PZ_PROFILE_MODERN, 0, 0, 0);
	uint64_t free0 = tu_free_pages(pz);
	pz_page_t *a = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE, 2);

	assert_non_null(a);
	tu_cpu = 1;
	assert_int_equal(pz_free_pages(pz, a, 2), 0);
	assert_int_equal(pcp(pz, 1).count_mt[PZ_MT_MOVABLE], 4);
	tu_cpu = 0;
	assert_int_equal(pz_drain_cpu_pages(pz, 1), 0);
	assert_int_equal(pcp(pz, 1).count, 0);
	pz_drain_all_pages(pz);
	assert_int_equal(tu_free_pages(pz), free0);
	tu_validate(pz);
	tu_destroy(pz);
}

/* The same compound answers with lazy tails (modern), written tails
 * (linux-4.1) and modern with the switch cleared. */
static void test_lazy_tails_observably_equal(void **state)
{
	(void)state;
	for (int v = 0; v < 3; v++) {
		pz_t *pz = v == 0   ? make(PZ_PROFILE_LINUX_4_1, 0, 0, 0)
			   : v == 1 ? make(PZ_PROFILE_MODERN, 0, 0, 0)
				    : make(PZ_PROFILE_MODERN, 0, PZ_FEAT_LAZY_TAILS, 0);
		uint64_t free0 = tu_free_pages(pz) + tu_pcp_pages(pz);
		const unsigned orders[] = {1, 3, 5, pz_pageblock_order(pz)};
		struct pz_errors e0, e1;

		pz_errors(pz, &e0);
		for (unsigned k = 0; k < 4; k++) {
			unsigned o = orders[k];
			pz_page_t *h = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_COMP, o);
			pz_page_t *plain = pz_alloc_pages(pz, PZ_GFP_KERNEL, o);
			pz_page_t *single = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
			uint64_t pfn = pz_page_to_pfn(pz, h), ppfn = pz_page_to_pfn(pz, plain);

			assert_non_null(h);
			assert_int_equal(pz_compound_order(pz, h), o);
			assert_ptr_equal(pz_compound_head(pz, h), h);
			for (uint64_t i = 1; i < (1u << o); i++) {
				pz_page_t *t = pz_pfn_to_page(pz, pfn + i);
				pz_page_t *pt = pz_pfn_to_page(pz, ppfn + i);

				assert_ptr_equal(pz_compound_head(pz, t), h);
				assert_int_equal(pz_compound_order(pz, t), 0);
				assert_int_equal(pz_page_refcount(pz, t), 0);
				assert_int_equal(pz_pfn_state(pz, pfn + i),
						 PZ_PAGE_STATE_ALLOCATED);
				/* a non-compound block has no head to find */
				assert_ptr_equal(pz_compound_head(pz, pt), pt);
			}
			/* tails are refused as tails; a plain block's inner page and a
			 * free page next to the compound one as double frees */
			assert_int_equal(pz_free_pages(pz, pz_pfn_to_page(pz, pfn + 1), 0),
					 -PZ_EFAULT);
			assert_int_equal(
				pz_free_pages(pz, pz_pfn_to_page(pz, pfn + (1u << o) - 1), 0),
				-PZ_EFAULT);
			assert_int_equal(pz_free_pages(pz, pz_pfn_to_page(pz, ppfn + 1), 0),
					 -PZ_EFAULT);
			pz_errors(pz, &e1);
			assert_int_equal(e1.tail_free, e0.tail_free + 2);
			assert_int_equal(e1.double_free, e0.double_free + 1);
			e0 = e1;
			/* the user may write owner words of tails; the head's is
			 * cleared at the next allocation */
			pz_page_set_owner(pz_pfn_to_page(pz, pfn + 1), 77);
			tu_validate(pz);
			assert_int_equal(pz_free_pages(pz, h, o), 0);
			assert_int_equal(pz_free_pages(pz, plain, o), 0);
			assert_int_equal(pz_free_pages(pz, single, 0), 0);
			/* once free, nothing is a tail any more */
			assert_ptr_equal(pz_compound_head(pz, pz_pfn_to_page(pz, pfn + 1)),
					 pz_pfn_to_page(pz, pfn + 1));
			tu_validate(pz);
		}
		pz_drain_all_pages(pz);
		assert_int_equal(tu_free_pages(pz), free0);
		/* reuse of every page as order 0 finds clean descriptors */
		tu_validate(pz);
		tu_destroy(pz);
	}
}

/* ---- MIGRATE_HIGHATOMIC (PZ_FEAT_HIGHATOMIC, spec 5.7) -------------------- */

/* One Normal zone of `pages` pages, one CPU, min_free_kbytes 32 MiB so
 * that LOW is far above the zone's edge. */
static pz_t *make_atomic_sized(enum pz_profile profile, uint64_t pages)
{
	struct pz_config cfg;

	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 4096 + pages);
	tu_config(&cfg, &tm.m, profile, 0);
	cfg.min_free_kbytes = 32768;
	tu_cpu = 0;
	return tu_create(&cfg);
}

static pz_t *make_atomic(enum pz_profile profile)
{
	return make_atomic_sized(profile, 65536);
}

static int block_type(pz_t *pz, pz_page_t *p)
{
	return pz_pageblock_migratetype(pz, pz_page_to_pfn(pz, p));
}

/* Below LOW a GFP_ATOMIC order-3 request succeeds in the slow path with
 * ALLOC_HARDER and reserves its pageblock; later atomic high-order
 * requests are served from the reserve, nobody else's are, the reserve is
 * hidden from other callers' watermarks and stops at 1% of the zone plus
 * one block. linux-4.1 reserves nothing. */
static void test_highatomic_reserve(void **state)
{
	(void)state;
	for (int v = 0; v < 3; v++) {
		pz_t *pz = make_atomic(v == 2	? PZ_PROFILE_LINUX_4_4
				       : v == 1 ? PZ_PROFILE_LINUX_4_1
						: PZ_PROFILE_MODERN);
		struct pz_zone_info zi = normal(pz);
		const uint64_t max = zi.managed / 100 + 512;
		pz_page_t **fill = calloc(70000, sizeof(*fill)), *atomic[160];
		size_t nfill = 0;
		unsigned natomic = 0;

		/* take the zone below LOW with movable order-0 pages */
		while ((uint64_t)normal(pz).stat[PZ_NR_FREE_PAGES] > zi.wmark_low)
			assert_non_null(fill[nfill++] =
						pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE, 0));
		assert_int_equal(pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 3, PZ_ALLOC_WMARK_LOW,
						      PZ_ZONE_NORMAL),
				 0);
		atomic[natomic] = pz_alloc_pages(pz, PZ_GFP_ATOMIC, 3);
		assert_non_null(atomic[natomic]);
		zi = normal(pz);
		if (v == 1) {
			/* linux-4.1: slot 3 is MIGRATE_RESERVE, nothing is reserved */
			assert_int_equal(zi.nr_reserved_highatomic, 0);
			assert_true(block_type(pz, atomic[0]) != PZ_MT_HIGHATOMIC ||
				    zi.nr_reserved_blocks > 0);
		} else {
			assert_int_equal(zi.nr_reserved_highatomic, 512);
			assert_int_equal(zi.nr_blocks_mt[PZ_MT_HIGHATOMIC], 1);
			assert_int_equal(block_type(pz, atomic[0]), PZ_MT_HIGHATOMIC);
			/* the block's free pages moved to the HIGHATOMIC lists */
			uint64_t on_ha = 0;
			for (unsigned o = 0; o < 11; o++)
				on_ha += zi.nr_free_mt[o][PZ_MT_HIGHATOMIC] << o;
			assert_true(on_ha > 0);
			/* the next atomic order-3 requests use the reserve */
			atomic[++natomic] = pz_alloc_pages(pz, PZ_GFP_ATOMIC, 3);
			assert_non_null(atomic[natomic]);
			assert_int_equal(block_type(pz, atomic[natomic]), PZ_MT_HIGHATOMIC);
			/* ordinary order-3 requests never do */
			for (int i = 0; i < 8; i++) {
				pz_page_t *k =
					pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_NOWARN, 3);

				if (!k)
					break;
				assert_true(block_type(pz, k) != PZ_MT_HIGHATOMIC);
				assert_int_equal(pz_free_pages(pz, k, 3), 0);
			}
			/* more atomic requests (in 4.4, whose orders 1-3 have no
			 * per-CPU lists, after the first block's 64 order-3
			 * blocks): the reserve grows one block at a time up to 1%
			 * of the zone plus one block */
			while (natomic + 1 < 160 &&
			       (atomic[natomic + 1] = pz_alloc_pages(pz, PZ_GFP_ATOMIC, 3)))
				natomic++;
			zi = normal(pz);
			assert_true(zi.nr_reserved_highatomic > 512);
			assert_true(zi.nr_reserved_highatomic <= max + 511);
			assert_int_equal(zi.nr_reserved_highatomic % 512, 0);
			assert_int_equal(zi.nr_blocks_mt[PZ_MT_HIGHATOMIC] * 512,
					 zi.nr_reserved_highatomic);
		}
		tu_validate(pz);
		/* a freed atomic block goes back to the reserve's lists */
		for (unsigned i = 0; i <= natomic; i++)
			if (atomic[i])
				assert_int_equal(pz_free_pages(pz, atomic[i], 3), 0);
		pz_drain_all_pages(pz);
		zi = normal(pz);
		if (!v) {
			uint64_t on_ha = 0;
			for (unsigned o = 0; o < 11; o++)
				on_ha += zi.nr_free_mt[o][PZ_MT_HIGHATOMIC] << o;
			assert_true(on_ha >= 8);
		}
		for (size_t i = 0; i < nfill; i++)
			assert_int_equal(pz_free_pages(pz, fill[i], 0), 0);
		pz_drain_all_pages(pz);
		tu_validate(pz);
		free(fill);
		tu_destroy(pz);
	}
}

/* Watermarks of callers without ALLOC_HARDER do not count the reserved
 * pages: with free pages above MIN but not above MIN + the reserve, an
 * ordinary MIN check fails. */
static void test_highatomic_hidden_from_watermark(void **state)
{
	(void)state;
	pz_t *pz = make_atomic(PZ_PROFILE_MODERN);
	struct pz_zone_info zi = normal(pz);
	pz_page_t **fill = calloc(70000, sizeof(*fill)), *a;
	size_t nfill = 0;

	while ((uint64_t)normal(pz).stat[PZ_NR_FREE_PAGES] > zi.wmark_low)
		assert_non_null(fill[nfill++] = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE, 0));
	a = pz_alloc_pages(pz, PZ_GFP_ATOMIC, 3);
	assert_non_null(a);
	assert_int_equal(normal(pz).nr_reserved_highatomic, 512);
	/* atomic order-0 pages (they may go below MIN) until free is within
	 * the reserve of MIN */
	while ((uint64_t)normal(pz).stat[PZ_NR_FREE_PAGES] > zi.wmark_min + 256)
		assert_non_null(fill[nfill++] = pz_alloc_pages(pz, PZ_GFP_ATOMIC, 0));
	zi = normal(pz);
	assert_true((uint64_t)zi.stat[PZ_NR_FREE_PAGES] > zi.wmark_min);
	assert_true((uint64_t)zi.stat[PZ_NR_FREE_PAGES] <= zi.wmark_min + 512);
	assert_int_equal(
		pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 0, PZ_ALLOC_WMARK_MIN, PZ_ZONE_NORMAL),
		0);
	assert_int_equal(pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 0,
					      PZ_ALLOC_WMARK_MIN | PZ_ALLOC_HARDER, PZ_ZONE_NORMAL),
			 1);
	assert_int_equal(pz_free_pages(pz, a, 3), 0);
	for (size_t i = 0; i < nfill; i++)
		assert_int_equal(pz_free_pages(pz, fill[i], 0), 0);
	tu_validate(pz);
	free(fill);
	tu_destroy(pz);
}

/* The growth limit is exclusive (spec 5.7 step 1): in a zone of 51200
 * pages the maximum is 512 + 512 = 1024 pages, reached by the second
 * block; no third block is reserved however many atomic requests follow. */
static void test_highatomic_limit_exact(void **state)
{
	(void)state;
	pz_t *pz = make_atomic_sized(PZ_PROFILE_MODERN, 51200);
	struct pz_zone_info zi = normal(pz);
	pz_page_t **fill = calloc(60000, sizeof(*fill)), *atomic[64];
	size_t nfill = 0, natomic = 0;

	assert_int_equal(zi.managed / 100 + 512, 1024);
	while ((uint64_t)normal(pz).stat[PZ_NR_FREE_PAGES] > zi.wmark_low)
		assert_non_null(fill[nfill++] = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE, 0));
	while (natomic < 64 &&
	       (atomic[natomic] = pz_alloc_pages(pz, PZ_GFP_ATOMIC | PZ__GFP_NOWARN, 3)))
		natomic++;
	assert_true(natomic > 8);
	zi = normal(pz);
	assert_int_equal(zi.nr_reserved_highatomic, 1024);
	assert_int_equal(zi.nr_blocks_mt[PZ_MT_HIGHATOMIC], 2);
	for (size_t i = 0; i < natomic; i++)
		assert_int_equal(pz_free_pages(pz, atomic[i], 3), 0);
	for (size_t i = 0; i < nfill; i++)
		assert_int_equal(pz_free_pages(pz, fill[i], 0), 0);
	tu_validate(pz);
	free(fill);
	tu_destroy(pz);
}

/* The per-CPU shortcut's inline order-0 LOW check must hide the reserve
 * as the general path's does (spec 4.4 step 3): with free pages above LOW
 * but not above MIN + the reserve, an ordinary order-0 request is refused
 * even though its per-CPU list holds a page; an atomic one gets that page. */
static void test_highatomic_hidden_from_pcp_shortcut(void **state)
{
	(void)state;
	pz_t *pz = make_atomic(PZ_PROFILE_MODERN);
	struct pz_zone_info zi = normal(pz);
	pz_page_t **fill = calloc(70000, sizeof(*fill)), *a, *p;
	size_t nfill = 0;
	uint64_t hot;

	while ((uint64_t)normal(pz).stat[PZ_NR_FREE_PAGES] > zi.wmark_low)
		assert_non_null(fill[nfill++] = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE, 0));
	a = pz_alloc_pages(pz, PZ_GFP_ATOMIC, 3);
	assert_non_null(a);
	assert_int_equal(normal(pz).nr_reserved_highatomic, 512);
	/* MIN 1024, LOW 1280: LOW - MIN is smaller than the reserve */
	assert_int_equal(pz_set_min_free_kbytes(pz, 4096), 0);
	zi = normal(pz);
	assert_int_equal(zi.wmark_min, 1024);
	assert_int_equal(zi.wmark_low, 1280);
	/* atomic (UNMOVABLE) order-0 pages down to MIN + the reserve */
	while ((uint64_t)normal(pz).stat[PZ_NR_FREE_PAGES] > zi.wmark_min + 512)
		assert_non_null(fill[nfill++] = pz_alloc_pages(pz, PZ_GFP_ATOMIC, 0));
	zi = normal(pz);
	assert_true((uint64_t)zi.stat[PZ_NR_FREE_PAGES] > zi.wmark_low);
	assert_true((uint64_t)zi.stat[PZ_NR_FREE_PAGES] <= zi.wmark_min + 512);
	/* a movable page freed hot heads the MOVABLE per-CPU list */
	hot = pz_page_to_pfn(pz, fill[0]);
	assert_int_equal(pz_free_pages(pz, fill[0], 0), 0);
	fill[0] = fill[--nfill];
	assert_int_equal(
		pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 0, PZ_ALLOC_WMARK_LOW, PZ_ZONE_NORMAL),
		0);
	assert_int_equal(
		pz_zone_watermark_ok(pz, 0, PZ_ZONE_NORMAL, 0, PZ_ALLOC_WMARK_MIN, PZ_ZONE_NORMAL),
		0);
	/* (a request that may reclaim would unreserve the block before failing) */
	p = pz_alloc_pages(pz, (PZ_GFP_HIGHUSER_MOVABLE & ~PZ__GFP_DIRECT_RECLAIM) | PZ__GFP_NOWARN,
			   0);
	assert_null(p);
	p = pz_alloc_pages(pz, PZ_GFP_ATOMIC | PZ__GFP_MOVABLE, 0);
	assert_non_null(p);
	assert_int_equal(pz_page_to_pfn(pz, p), hot);
	fill[nfill++] = p;
	assert_int_equal(pz_free_pages(pz, a, 3), 0);
	for (size_t i = 0; i < nfill; i++)
		assert_int_equal(pz_free_pages(pz, fill[i], 0), 0);
	tu_validate(pz);
	free(fill);
	tu_destroy(pz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_high_orders_use_pcp),
		cmocka_unit_test(test_batch_one_refills_one_block),
		cmocka_unit_test(test_other_orders_bypass),
		cmocka_unit_test(test_seed_era_only_order0),
		cmocka_unit_test(test_high_from_low_watermark),
		cmocka_unit_test(test_flush_at_high),
		cmocka_unit_test(test_remote_drain_high_order),
		cmocka_unit_test(test_lazy_tails_observably_equal),
		cmocka_unit_test(test_highatomic_reserve),
		cmocka_unit_test(test_highatomic_hidden_from_watermark),
		cmocka_unit_test(test_highatomic_hidden_from_pcp_shortcut),
		cmocka_unit_test(test_highatomic_limit_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
