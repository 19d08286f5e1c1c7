/*
 * test_reserved.c - pz_free_reserved_pages (reserved.c), the kernel's
 * free_reserved_area: reserved pages join the zone after creation,
 * merge with their free neighbours, grow managed and leave the
 * watermarks, reserves and per-CPU sizes as they were until a sysctl
 * write recomputes them; every refusal changes nothing.
 *
 * Black-box: only <pagezone.h> and the test helpers.
 */
#include "testutil.h"

#include <string.h>

#define DMA32_START 4096u
#define DMA32_PAGES 16384u
#define RES_START   (DMA32_START + 1000u) /* not aligned: the merge must work */
#define RES_PAGES   3000u

static struct tu_machine tm;

/* DMA [1, 4096) with a reserved [100, 200) + DMA32 with [RES_START, +RES_PAGES)
 * reserved (none when !reserved), two CPUs, linux-6.1. */
static pz_t *make(int reserved)
{
	struct pz_config cfg;
	struct pz_zone_desc *dma, *dma32;

	tu_machine_init(&tm, 1, 2);
	dma = tu_add_zone(&tm, 0, PZ_ZONE_DMA, 1, DMA32_START);
	dma32 = tu_add_zone(&tm, 0, PZ_ZONE_DMA32, DMA32_START, DMA32_START + DMA32_PAGES);
	tu_zone_reserved(&tm, 0, dma, 100, 200);
	tu_zone_reserved(&tm, 0, dma, DMA32_START - 10, DMA32_START);
	tu_zone_reserved(&tm, 0, dma32, DMA32_START, DMA32_START + 10);
	if (reserved)
		tu_zone_reserved(&tm, 0, dma32, RES_START, RES_START + RES_PAGES);
	tu_config(&cfg, &tm.m, PZ_PROFILE_LINUX_6_1, 0);
	tu_cpu = 0;
	return tu_create_ok(&cfg);
}

static void same_lists(const struct pz_zone_info *a, const struct pz_zone_info *b)
{
	for (unsigned o = 0; o < PZ_MAX_ORDER_LIMIT; o++)
		for (unsigned mt = 0; mt < PZ_MT_TYPES; mt++)
			assert_int_equal(a->nr_free_mt[o][mt], b->nr_free_mt[o][mt]);
	assert_int_equal(a->stat[PZ_NR_FREE_PAGES], b->stat[PZ_NR_FREE_PAGES]);
}

static void same_sizes(const struct pz_zone_info *a, const struct pz_zone_info *b)
{
	assert_int_equal(a->wmark_min, b->wmark_min);
	assert_int_equal(a->wmark_low, b->wmark_low);
	assert_int_equal(a->wmark_high, b->wmark_high);
	assert_int_equal(a->pcp_high, b->pcp_high);
	assert_int_equal(a->pcp_batch, b->pcp_batch);
	for (unsigned t = 0; t < PZ_NR_ZONE_TYPES; t++)
		assert_int_equal(a->lowmem_reserve[t], b->lowmem_reserve[t]);
}

/* Freed in two runs: managed and free grow, nothing computed moves; once
 * all are free the lists are those of a zone that never had them. */
static void test_free_grows_managed_only(void **state)
{
	pz_t *pz = make(1), *ref = make(0);
	struct pz_zone_info before = tu_zinfo(pz, 0, PZ_ZONE_DMA32), mid, after;
	struct pz_zone_info dma = tu_zinfo(pz, 0, PZ_ZONE_DMA);

	(void)state;
	assert_int_equal(pz_pfn_state(pz, RES_START + 5), PZ_PAGE_STATE_RESERVED);
	assert_int_equal(pz_free_reserved_pages(pz, RES_START, 700), 0);
	mid = tu_zinfo(pz, 0, PZ_ZONE_DMA32);
	assert_int_equal(mid.managed, before.managed + 700);
	assert_int_equal(mid.stat[PZ_NR_FREE_PAGES], before.stat[PZ_NR_FREE_PAGES] + 700);
	assert_int_equal(pz_pfn_state(pz, RES_START + 5), PZ_PAGE_STATE_FREE);
	assert_int_equal(pz_pfn_state(pz, RES_START + 700), PZ_PAGE_STATE_RESERVED);
	same_sizes(&mid, &before);
	tu_validate(pz);
	assert_int_equal(pz_free_reserved_pages(pz, RES_START + 700, RES_PAGES - 700), 0);
	after = tu_zinfo(pz, 0, PZ_ZONE_DMA32);
	assert_int_equal(after.managed, before.managed + RES_PAGES);
	same_sizes(&after, &before);
	{
		struct pz_zone_info d = tu_zinfo(pz, 0, PZ_ZONE_DMA);

		same_sizes(&d, &dma);
	}
	/* merged as if they had always been free */
	assert_int_equal(after.managed, tu_zinfo(ref, 0, PZ_ZONE_DMA32).managed);
	{
		struct pz_zone_info r = tu_zinfo(ref, 0, PZ_ZONE_DMA32);

		same_lists(&after, &r);
	}
	tu_validate(pz);
	tu_destroy(pz);
	tu_destroy(ref);
}

/* The sysctl writes after the frees: lowmem_reserve_ratio recomputes the
 * reserves from the new managed counts and nothing else (the kernel's
 * handler); min_free_kbytes then gives the marks of a zone that always had
 * the pages. */
static void test_sysctls_after_free(void **state)
{
	pz_t *pz = make(1), *ref = make(0);
	struct pz_zone_info boot = tu_zinfo(pz, 0, PZ_ZONE_DMA32), now, r;
	unsigned ratio[PZ_NR_ZONE_TYPES] = {256, 256, 32, 0, 0};
	struct pz_vm_sysctls sc;

	(void)state;
	assert_int_equal(pz_free_reserved_pages(pz, RES_START, RES_PAGES), 0);
	assert_int_equal(pz_set_lowmem_reserve_ratio(pz, ratio, PZ_NR_ZONE_TYPES), 0);
	assert_int_equal(pz_set_lowmem_reserve_ratio(ref, ratio, PZ_NR_ZONE_TYPES), 0);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_DMA).lowmem_reserve[PZ_ZONE_DMA32],
			 tu_zinfo(ref, 0, PZ_ZONE_DMA).lowmem_reserve[PZ_ZONE_DMA32]);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_DMA).lowmem_reserve[PZ_ZONE_DMA32],
			 (boot.managed + RES_PAGES) / 256);
	now = tu_zinfo(pz, 0, PZ_ZONE_DMA32);
	r = tu_zinfo(ref, 0, PZ_ZONE_DMA32);
	assert_int_equal(now.wmark_min, boot.wmark_min);
	assert_int_equal(now.wmark_high, boot.wmark_high);
	assert_int_equal(now.pcp_high, boot.pcp_high);
	assert_true(r.wmark_high > boot.wmark_high); /* so the line above could fail */
	assert_int_equal(pz_get_vm_sysctls(pz, &sc), 0);
	assert_int_equal(pz_set_min_free_kbytes(pz, sc.min_free_kbytes), 0);
	assert_int_equal(pz_set_min_free_kbytes(ref, sc.min_free_kbytes), 0);
	now = tu_zinfo(pz, 0, PZ_ZONE_DMA32);
	r = tu_zinfo(ref, 0, PZ_ZONE_DMA32);
	same_sizes(&now, &r);
	tu_validate(pz);
	tu_destroy(pz);
	tu_destroy(ref);
}

/* A refusal: the given error, a warning, and the zone exactly as before. */
static void refused(pz_t *pz, uint64_t pfn, uint64_t nr, int err)
{
	struct pz_zone_info a = tu_zinfo(pz, 0, PZ_ZONE_DMA32), b;
	struct pz_zone_info da = tu_zinfo(pz, 0, PZ_ZONE_DMA), db;

	tu_log_reset();
	assert_int_equal(pz_free_reserved_pages(pz, pfn, nr), err);
	b = tu_zinfo(pz, 0, PZ_ZONE_DMA32);
	db = tu_zinfo(pz, 0, PZ_ZONE_DMA);
	assert_int_equal(a.managed, b.managed);
	assert_int_equal(da.managed, db.managed);
	same_lists(&a, &b);
	same_lists(&da, &db);
	assert_int_equal(pz_pfn_state(pz, RES_START), PZ_PAGE_STATE_RESERVED);
	assert_int_equal(pz_pfn_state(pz, RES_START + RES_PAGES - 1), PZ_PAGE_STATE_RESERVED);
	if (err != -PZ_EINVAL)
		assert_true(tu_log_contains("free_reserved_pages"));
	tu_validate(pz);
}

static void test_refusals_change_nothing(void **state)
{
	pz_t *pz = make(1);
	pz_page_t *p;

	(void)state;
	refused(pz, RES_START, 0, -PZ_EINVAL);
	refused(pz, UINT64_MAX - 1, 4, -PZ_EINVAL);
	assert_int_equal(pz_free_reserved_pages(NULL, RES_START, 1), -PZ_EINVAL);
	/* outside every zone, or across the DMA/DMA32 boundary (both sides
	 * reserved) */
	refused(pz, DMA32_START + DMA32_PAGES, 1, -PZ_ERANGE);
	refused(pz, DMA32_START + DMA32_PAGES - 1, 2, -PZ_ERANGE);
	refused(pz, DMA32_START - 10, 20, -PZ_ERANGE);
	/* a free page after the reserved ones, or before them */
	refused(pz, RES_START, RES_PAGES + 1, -PZ_EFAULT);
	refused(pz, RES_START - 1, 2, -PZ_EFAULT);
	/* an allocated page is not reserved either */
	assert_int_equal(pz_alloc_at_pfn(pz, RES_START + RES_PAGES, 0, PZ_GFP_KERNEL, &p), 0);
	refused(pz, RES_START + RES_PAGES - 1, 2, -PZ_EFAULT);
	pz_free_pages(pz, p, 0);
	/* freed once: a second free of the same page is refused */
	assert_int_equal(pz_free_reserved_pages(pz, RES_START + 10, 1), 0);
	assert_int_equal(pz_free_reserved_pages(pz, RES_START + 10, 1), -PZ_EFAULT);
	assert_int_equal(pz_free_reserved_pages(pz, RES_START + 9, 3), -PZ_EFAULT);
	assert_int_equal(pz_pfn_state(pz, RES_START + 9), PZ_PAGE_STATE_RESERVED);
	assert_int_equal(pz_pfn_state(pz, RES_START + 11), PZ_PAGE_STATE_RESERVED);
	tu_validate(pz);
	tu_destroy(pz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_grows_managed_only),
		cmocka_unit_test(test_sysctls_after_free),
		cmocka_unit_test(test_refusals_change_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
