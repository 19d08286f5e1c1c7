/*
 * test_probe.c - pz_alloc_probe predicts the allocation that follows it.
 *
 * Random states per profile on machines where the zone choice is more than
 * "the first zone above LOW": two nodes with a DMA32 and a Normal zone each
 * (6.1's ALLOC_NOFRAGMENT skips a Normal zone whose only blocks would
 * fragment a foreign pageblock, and restarts at a remote node), and one
 * node with a CMA area (6.1 takes CMA first while it is most of a zone's
 * free memory). Pageblocks are relabelled at random so that fallbacks of
 * every size happen, and 6.1's fallbacks boost the watermarks. Before each
 * allocation the probe names zone, pfn, the list and (for a fallback) the
 * fallback order; the real allocation on the same, untouched state must
 * hand out exactly that block, and a fallback must trace the extfrag
 * event the probe predicted. Where no zone passes LOW, the slow path's
 * first attempt (pz_alloc_probe_slowpath, at MIN) must be the block the
 * allocation hands out. test_place checks that the probe changes nothing.
 *
 * Black-box: only <pagezone.h> and the test helpers.
 */
#include "testutil.h"

#include <stdlib.h>

static struct tu_machine tm;
static const uint8_t two_cpu_nodes[2] = {0, 1};

enum {
	DMA32_START = 4096,
	DMA32_PAGES = 8192,
	NORMAL_PAGES = 12288
};

/* Two nodes of DMA32 + Normal (cma 0), or one node with a CMA area. */
static pz_t *make(enum pz_profile profile, int cma)
{
	struct pz_config cfg;
	uint64_t n1 = 1u << 20;

	if (cma) {
		struct pz_zone_desc *z;

		tu_machine_init(&tm, 1, 2);
		tu_add_zone(&tm, 0, PZ_ZONE_DMA32, DMA32_START, DMA32_START + DMA32_PAGES);
		z = tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, n1, n1 + NORMAL_PAGES);
		tu_zone_cma(&tm, 0, z, n1 + NORMAL_PAGES / 2, n1 + NORMAL_PAGES);
	} else {
		tu_machine_init(&tm, 2, 2);
		tm.m.cpu_node = two_cpu_nodes;
		tu_add_zone(&tm, 0, PZ_ZONE_DMA32, DMA32_START, DMA32_START + DMA32_PAGES);
		tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, n1, n1 + NORMAL_PAGES);
		tu_add_zone(&tm, 1, PZ_ZONE_NORMAL, 2 * n1, 2 * n1 + NORMAL_PAGES);
	}
	tu_config(&cfg, &tm.m, profile, 1);
	tu_cpu = 0;
	return tu_create_ok(&cfg);
}

static const pz_gfp_t gfps[] = {
	PZ_GFP_KERNEL,
	PZ_GFP_HIGHUSER_MOVABLE,
	PZ_GFP_HIGHUSER_MOVABLE,
	PZ_GFP_KERNEL | PZ__GFP_RECLAIMABLE,
	PZ_GFP_NOWAIT | PZ__GFP_COLD,
	PZ_GFP_KERNEL | PZ__GFP_COMP,
	PZ_GFP_KERNEL | PZ__GFP_DMA32,
	PZ_GFP_HIGHUSER_MOVABLE | PZ__GFP_THISNODE,
	PZ_GFP_ATOMIC,
};
#define NR_GFPS (sizeof(gfps) / sizeof(gfps[0]))

struct held {
	pz_page_t *p[4096];
	unsigned order[4096], n;
};

/* What one run saw (coverage: each kind must have happened). */
struct seen {
	unsigned checked, none, slow, fallback, big_fallback, lower_zone, remote, cma, boosted;
};

static unsigned pick_order(uint64_t *seed)
{
	unsigned r = (unsigned)(tu_rand(seed) % 16);

	return r < 10 ? 0 : r < 14 ? r - 9 : (unsigned)(tu_rand(seed) % 11);
}

/* A random non-allocation step: a free, a relabel, a CPU switch. */
static void shuffle_state(pz_t *pz, struct held *h, uint64_t *seed)
{
	unsigned r = (unsigned)(tu_rand(seed) % 8);

	tu_cpu = (unsigned)(tu_rand(seed) & 1);
	if (r < 5 && h->n) {
		unsigned k = (unsigned)(tu_rand(seed) % h->n);

		assert_int_equal(pz_free_pages(pz, h->p[k], h->order[k]), 0);
		h->p[k] = h->p[--h->n];
		h->order[k] = h->order[h->n];
	} else if (r == 5) {
		uint64_t base = (tu_rand(seed) & 1) ? DMA32_START : 1u << 20;
		uint64_t pfn = base + tu_rand(seed) % DMA32_PAGES;

		/* HIGHATOMIC, CMA and ISOLATE blocks refuse: that is fine */
		pz_set_pageblock_migratetype(pz, pfn,
					     (enum pz_migratetype)(tu_rand(seed) % PZ_MT_PCPTYPES));
	}
}

/* The real allocation agrees with the probe c (trace and block). */
static void check_alloc(pz_t *pz, const struct pz_alloc_choice *c, pz_page_t *p, unsigned extfrag0,
			struct seen *s)
{
	unsigned extfrag = tu_trace.count[PZ_TRACE_PAGE_ALLOC_EXTFRAG];
	const struct pz_trace_event *e = &tu_trace.last[PZ_TRACE_PAGE_ALLOC_EXTFRAG];

	assert_non_null(p);
	assert_int_equal(pz_page_to_pfn(pz, p), c->pfn);
	assert_int_equal(pz_page_zonenum(pz, p), c->zone);
	assert_int_equal(pz_page_to_nid(pz, p), c->nid);
	if (c->source == PZ_PROBE_FALLBACK) {
		assert_int_equal(extfrag, extfrag0 + 1);
		assert_int_equal(e->fallback_order, c->fallback_order);
		assert_int_equal(e->fallback_migratetype, c->list_mt);
		s->fallback++;
		s->big_fallback += c->fallback_order >= pz_pageblock_order(pz);
	} else if (c->source != PZ_PROBE_PCP_REFILL) {
		/* a refill may fall back for a later block of its batch */
		assert_int_equal(extfrag, extfrag0);
	}
	s->checked++;
	s->lower_zone += c->zone < c->classzone;
	s->remote += c->nid != (int)tu_cpu;
	s->cma += c->list_mt == PZ_MT_CMA;
}

static void probe_run(enum pz_profile profile, int cma, uint64_t seed, struct seen *s)
{
	pz_t *pz = make(profile, cma);
	struct held *h = calloc(1, sizeof(*h));

	assert_non_null(h);
	for (unsigned i = 0; i < 6000; i++) {
		pz_gfp_t g = gfps[tu_rand(&seed) % NR_GFPS] | PZ__GFP_NOWARN;
		unsigned o = pick_order(&seed), extfrag0;
		struct pz_alloc_choice c, cs;
		struct pz_zone_info zi;
		pz_page_t *p;

		if (tu_rand(&seed) % 3 == 0 || h->n == 4096) {
			shuffle_state(pz, h, &seed);
			continue;
		}
		assert_int_equal(pz_alloc_probe(pz, g, o, &c), 0);
		/* below LOW everywhere: the slow path's first attempt, at MIN */
		assert_int_equal(pz_alloc_probe_slowpath(pz, g, o, &cs), 0);
		if (c.source != PZ_PROBE_NONE) {
			zi = tu_zinfo(pz, c.nid, c.zone);
			s->boosted += zi.watermark_boost != 0;
		}
		extfrag0 = tu_trace.count[PZ_TRACE_PAGE_ALLOC_EXTFRAG];
		p = pz_alloc_pages(pz, g, o);
		if (c.source == PZ_PROBE_NONE && cs.source == PZ_PROBE_NONE)
			s->none++;
		else if (c.source == PZ_PROBE_NONE)
			check_alloc(pz, &cs, p, extfrag0, s), s->slow++;
		else
			check_alloc(pz, &c, p, extfrag0, s);
		if (p)
			h->p[h->n] = p, h->order[h->n++] = o;
	}
	tu_validate(pz);
	free(h);
	tu_destroy(pz);
}

static void run_profile(enum pz_profile profile)
{
	uint64_t seed = tu_env_ul("PZ_TEST_SEED", 4242) + (uint64_t)profile * 1000;
	struct seen s = {0}, sc = {0};

	for (unsigned r = 0; r < 4; r++)
		probe_run(profile, 0, seed + r, &s);
	for (unsigned r = 0; r < 2; r++)
		probe_run(profile, 1, seed + 100 + r, &sc);
	/* the runs reached the cases the probe must get right */
	assert_true(s.checked > 4 * 2000);
	assert_true(s.none > 0);
	assert_true(s.slow > 0);
	assert_true(s.fallback > 0);
	assert_true(s.lower_zone > 0);
	assert_true(s.remote > 0);
	assert_true(sc.cma > 0);
	if (profile == PZ_PROFILE_LINUX_6_1) {
		assert_true(s.big_fallback > 0);
		assert_true(s.boosted > 0);
	}
	print_message("%s: %u + %u allocations as probed (%u fallbacks, %u from a lower zone, "
		      "%u remote, %u CMA, %u boosted zones, %u at MIN, %u slow path)\n",
		      pz_profile_name(profile), s.checked, sc.checked, s.fallback + sc.fallback,
		      s.lower_zone + sc.lower_zone, s.remote, sc.cma, s.boosted + sc.boosted,
		      s.slow + sc.slow, s.none + sc.none);
}

static void test_probe_41(void **state)
{
	(void)state;
	run_profile(PZ_PROFILE_LINUX_4_1);
}

static void test_probe_44(void **state)
{
	(void)state;
	run_profile(PZ_PROFILE_LINUX_4_4);
}

static void test_probe_61(void **state)
{
	(void)state;
	run_profile(PZ_PROFILE_LINUX_6_1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_41),
		cmocka_unit_test(test_probe_44),
		cmocka_unit_test(test_probe_61),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
