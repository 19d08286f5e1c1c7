/*
 * test_stats.c - what the allocator reports (stats.c): zone counters
 * (NR_FREE_PAGES, pgalloc, pgfree by pages, the per-order and per-type
 * free counts), the list walkers, and the report formats of buddyinfo,
 * pagetypeinfo, zoneinfo, vmstat and the fragmentation indices (spec
 * sections 8.3, 9).
 *
 * Black-box: only <pagezone.h> and the test helpers.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GFP_RESERVE (PZ_GFP_KERNEL | PZ__GFP_MEMALLOC)
#define MAXO	    11

static struct tu_machine tm;

/* ---------------------------------------------------------------------- */
/* Counters                                                                */

/*
 * Normal [8192, 40960) = 32768 pages: zone_batchsize 32 -> 8 ->
 * rounddown(12) - 1 = 7. The first order-0 allocation refills 7 pages:
 * NR_FREE_PAGES drops by 7 (pcp pages are not free pages), 6 wait on the
 * list.
 */
static void test_counters(void **state)
{
	(void)state;
	tu_normal_machine(&tm, 32768);
	pz_t *pz = tu_normal_create(&tm);
	struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.pcp_batch, 7);
	assert_int_equal(z.stat[PZ_NR_FREE_PAGES], 32768);
	assert_int_equal(z.stat[PZ_PGALLOC], 0);
	/* boot memory enters through the free path: pgfree counts it */
	const int64_t f0 = z.stat[PZ_PGFREE];
	assert_int_equal(f0, 32768);

	pz_page_t *a = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.stat[PZ_NR_FREE_PAGES], 32768 - 7);
	assert_int_equal(z.pcp_pages, 6);
	assert_int_equal(tu_pcp_pages(pz), 6);
	struct pz_pcp_info pcp;
	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, &pcp), 0);
	assert_int_equal(pcp.count, 6);
	assert_int_equal(pcp.count_mt[PZ_MT_UNMOVABLE], 6);
	assert_int_equal(z.stat[PZ_PGALLOC], 1);

	/* PGALLOC counts pages: +8 for order 3, +1024 for order 10 */
	pz_page_t *b = pz_alloc_pages(pz, PZ_GFP_KERNEL, 3);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_PGALLOC], 1 + 8);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_NR_FREE_PAGES], 32768 - 7 - 8);
	pz_page_t *c = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE, 10);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_PGALLOC], 1 + 8 + 1024);

	/* PGFREE counts pages at entry: +1024, +8, +1 */
	assert_int_equal(pz_free_pages(pz, c, 10), 0);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_PGFREE], f0 + 1024);
	assert_int_equal(pz_free_pages(pz, b, 3), 0);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_PGFREE], f0 + 1024 + 8);
	assert_int_equal(pz_free_pages(pz, a, 0), 0);
	z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.stat[PZ_PGFREE], f0 + 1024 + 8 + 1);
	/* the order-0 page went to the per-CPU list, not the free count */
	assert_int_equal(z.stat[PZ_NR_FREE_PAGES], 32768 - 7);
	assert_int_equal(z.pcp_pages, 7);
	pz_drain_all_pages(pz);
	z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.stat[PZ_NR_FREE_PAGES], 32768);
	assert_int_equal(z.pcp_pages, 0);
	/* draining is not freeing */
	assert_int_equal(z.stat[PZ_PGFREE], f0 + 1024 + 8 + 1);
	tu_validate(pz);

	/* bad inputs to the info calls */
	assert_int_equal(pz_zone_info(pz, 1, PZ_ZONE_NORMAL, &z), -PZ_ENODEV);
	assert_int_equal(pz_zone_info(pz, -1, PZ_ZONE_NORMAL, &z), -PZ_ENODEV);
	assert_true(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 1, &pcp) < 0);
	assert_int_equal(pz_drain_cpu_pages(pz, 1), -PZ_EINVAL);
	tu_destroy(pz);
}

/*
 * The list snapshots: the free lists add up to the free count, a per-CPU
 * refill shows up on the pcp list in physical order, max bounds what is
 * written, and every bad argument is refused with its errno.
 */
static void test_list_snapshots(void **state)
{
	(void)state;
	struct tu_machine m;
	tu_machine_init(&m, 1, 1);
	tu_add_zone(&m, 0, PZ_ZONE_NORMAL, 4096, 4096 + 32768);
	pz_t *pz = tu_normal_create(&m);
	uint64_t out[64], sum = 0;
	for (unsigned o = 0; o < pz_max_order(pz); o++)
		for (int mt = 0; mt < PZ_MT_TYPES; mt++) {
			int64_t n = pz_free_list_pfns(pz, 0, PZ_ZONE_NORMAL, o,
						      (enum pz_migratetype)mt, NULL, 0);
			assert_true(n >= 0);
			sum += (uint64_t)n << o;
		}
	assert_int_equal(sum, 32768);
	/* 32 order-10 blocks: max bounds the copy, the length is still told */
	struct pz_zone_info zi;
	assert_int_equal(pz_zone_info(pz, 0, PZ_ZONE_NORMAL, &zi), 0);
	assert_true(zi.nr_free_mt[10][PZ_MT_MOVABLE] > 2);
	out[2] = 777;
	assert_int_equal(pz_free_list_pfns(pz, 0, PZ_ZONE_NORMAL, 10, PZ_MT_MOVABLE, out, 2),
			 (int64_t)zi.nr_free_mt[10][PZ_MT_MOVABLE]);
	assert_int_equal(out[2], 777);
	assert_int_equal(out[0] % 1024, 0);
	/* an order-0 allocation refills the per-CPU list with batch pages,
	 * in expand()'s physical order after the one handed out */
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_non_null(p);
	struct pz_pcp_info pcp;
	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, &pcp), 0);
	int64_t n = pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, 0, PZ_MT_UNMOVABLE, out, 64);
	assert_int_equal(n, pcp.batch - 1);
	for (int64_t i = 0; i < n; i++)
		assert_int_equal(out[i], pz_page_to_pfn(pz, p) + 1 + (uint64_t)i);
	assert_int_equal(pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, 0, PZ_MT_MOVABLE, out, 64), 0);
	assert_int_equal(pz_pageblock_migratetype(pz, pz_page_to_pfn(pz, p)), PZ_MT_UNMOVABLE);
	assert_int_equal(pz_pageblock_migratetype(pz, 4096 + 4096), PZ_MT_MOVABLE);

	/* errors */
	assert_int_equal(pz_free_list_pfns(NULL, 0, PZ_ZONE_NORMAL, 0, PZ_MT_MOVABLE, out, 64),
			 -PZ_EINVAL);
	assert_int_equal(
		pz_free_list_pfns(pz, 0, PZ_ZONE_NORMAL, pz_max_order(pz), PZ_MT_MOVABLE, out, 64),
		-PZ_EINVAL);
	assert_int_equal(pz_free_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, PZ_MT_TYPES, out, 64),
			 -PZ_EINVAL);
	assert_int_equal(pz_free_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, PZ_MT_MOVABLE, NULL, 1),
			 -PZ_EINVAL);
	assert_int_equal(pz_free_list_pfns(pz, 0, PZ_ZONE_DMA, 0, PZ_MT_MOVABLE, out, 64),
			 -PZ_ENODEV);
	assert_int_equal(pz_free_list_pfns(pz, 1, PZ_ZONE_NORMAL, 0, PZ_MT_MOVABLE, out, 64),
			 -PZ_ENODEV);
	assert_int_equal(pz_pcp_list_pfns(NULL, 0, PZ_ZONE_NORMAL, 0, 0, PZ_MT_MOVABLE, out, 64),
			 -PZ_EINVAL);
	assert_int_equal(pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, 0, PZ_MT_RESERVE, out, 64),
			 -PZ_EINVAL);
	assert_int_equal(pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, 0, PZ_MT_MOVABLE, NULL, 1),
			 -PZ_EINVAL);
	assert_int_equal(pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 1, 0, PZ_MT_MOVABLE, out, 64),
			 -PZ_ENODEV);
	assert_int_equal(pz_pcp_list_pfns(pz, 0, PZ_ZONE_DMA32, 0, 0, PZ_MT_MOVABLE, out, 64),
			 -PZ_ENODEV);
	/* linux-4.1 has per-CPU lists for order 0 only */
	for (unsigned o = 1; o <= pz_max_order(pz); o++)
		assert_int_equal(
			pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, o, PZ_MT_MOVABLE, out, 64),
			-PZ_EINVAL);
	assert_int_equal(pz_pageblock_migratetype(NULL, 4096), -PZ_EINVAL);
	assert_int_equal(pz_pageblock_migratetype(pz, 100), -PZ_ERANGE);
	assert_int_equal(pz_pageblock_migratetype(pz, 1ull << 40), -PZ_ERANGE);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	tu_destroy(pz);

	/* modern (PZ_FEAT_PCP_HIGH_ORDER): orders 1-3 and the pageblock order
	 * have lists too; an order-2 refill shows up on its own list only */
	struct pz_config cfg;
	tu_normal_config(&cfg, &m, 0);
	cfg.profile = PZ_PROFILE_MODERN;
	pz = tu_create_ok(&cfg);
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 2);
	assert_non_null(p);
	assert_int_equal(pz_pcp_info(pz, 0, PZ_ZONE_NORMAL, 0, &pcp), 0);
	assert_true(pcp.count >= 4);
	n = pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, 2, PZ_MT_UNMOVABLE, out, 64);
	assert_int_equal(n << 2, pcp.count);
	for (int64_t i = 0; i < n; i++)
		assert_int_equal(out[i], pz_page_to_pfn(pz, p) + 4 * (1 + (uint64_t)i));
	for (unsigned o = 0; o < pz_max_order(pz); o++) {
		bool has = o <= 3 || o == pz_pageblock_order(pz);
		int64_t want = !has ? -PZ_EINVAL : o == 2 ? n : 0;

		assert_int_equal(
			pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, o, PZ_MT_UNMOVABLE, NULL, 0),
			want);
		assert_int_equal(
			pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, o, PZ_MT_MOVABLE, out, 64),
			has ? 0 : -PZ_EINVAL);
	}
	assert_int_equal(pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, pz_max_order(pz), PZ_MT_MOVABLE,
					  out, 64),
			 -PZ_EINVAL);
	assert_int_equal(pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, 2, PZ_MT_RESERVE, out, 64),
			 -PZ_EINVAL);
	assert_int_equal(pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 1, 2, PZ_MT_MOVABLE, out, 64),
			 -PZ_ENODEV);
	assert_int_equal(pz_free_pages(pz, p, 2), 0);
	assert_int_equal(pz_pcp_list_pfns(pz, 0, PZ_ZONE_NORMAL, 0, 2, PZ_MT_UNMOVABLE, out, 64),
			 n + 1);
	assert_int_equal(out[0], pz_page_to_pfn(pz, p));
	tu_destroy(pz);
}

/* ---------------------------------------------------------------------- */
/* Reports                                                                 */

typedef size_t (*report_fn)(pz_t *, char *, size_t);

static char *report(pz_t *pz, report_fn fn)
{
	char probe[1];
	size_t n = fn(pz, probe, sizeof(probe));
	char *buf = malloc(n + 1);
	assert_non_null(buf);
	memset(buf, 'X', n + 1);
	assert_int_equal(fn(pz, buf, n + 1), n);
	assert_int_equal(strlen(buf), n);
	return buf;
}

/* Exactly the kernel's frag_show_print: "Node %d, zone %8s " then "%6lu "
 * per order, then a newline; one line per populated zone. */
static void test_report_buddyinfo(void **state)
{
	(void)state;
	tu_machine_simple(&tm, 4096, 8192, 1);
	pz_t *pz = tu_normal_create(&tm);
	/* make the counts less regular */
	assert_non_null(pz_alloc_pages(pz, PZ_GFP_KERNEL, 3));
	assert_non_null(pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ_GFP_DMA, 1));
	char *text = report(pz, pz_report_buddyinfo);

	char want[4096];
	size_t off = 0;
	const enum pz_zone_type types[] = {PZ_ZONE_DMA, PZ_ZONE_DMA32, PZ_ZONE_NORMAL};
	for (int i = 0; i < 3; i++) {
		struct pz_zone_info z = tu_zinfo(pz, 0, types[i]);
		off += (size_t)snprintf(want + off, sizeof(want) - off, "Node %d, zone %8s ", 0,
					pz_zone_type_name(types[i]));
		for (int o = 0; o < MAXO; o++)
			off += (size_t)snprintf(want + off, sizeof(want) - off, "%6lu ",
						(unsigned long)z.nr_free[o]);
		off += (size_t)snprintf(want + off, sizeof(want) - off, "\n");
	}
	assert_string_equal(text, want);
	assert_int_equal(strncmp(text, "Node 0, zone      DMA", 21), 0);
	assert_non_null(strstr(text, "\nNode 0, zone    DMA32 "));
	assert_non_null(strstr(text, "\nNode 0, zone   Normal "));

	/* parse it back as a tool would */
	const char *line = strstr(text, "Node 0, zone   Normal");
	int nid = -1;
	char name[16];
	unsigned long v[MAXO];
	int got = sscanf(line, "Node %d, zone %15s %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu",
			 &nid, name, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8],
			 &v[9], &v[10]);
	assert_int_equal(got, 13);
	assert_int_equal(nid, 0);
	assert_string_equal(name, "Normal");
	struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	for (int o = 0; o < MAXO; o++)
		assert_int_equal(v[o], z.nr_free[o]);
	free(text);
	tu_destroy(pz);
}

/* Only populated zones are listed: a machine with Normal only. */
static void test_report_buddyinfo_two_nodes(void **state)
{
	(void)state;
	tu_machine_init(&tm, 2, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 16384);
	tu_add_zone(&tm, 1, PZ_ZONE_NORMAL, 16384, 24576);
	pz_t *pz = tu_normal_create(&tm);
	char *text = report(pz, pz_report_buddyinfo);
	/* 8192 aligned pages: eight order-10 blocks each */
	const char *want = "Node 0, zone   Normal      0      0      0      0      0      0 "
			   "     0      0      0      0      8 \n"
			   "Node 1, zone   Normal      0      0      0      0      0      0 "
			   "     0      0      0      0      8 \n";
	assert_string_equal(text, want);
	free(text);
	tu_destroy(pz);
}

static void test_report_pagetypeinfo(void **state)
{
	(void)state;
	tu_machine_simple(&tm, 4096, 8192, 1);
	pz_t *pz = tu_normal_create(&tm);
	char *text = report(pz, pz_report_pagetypeinfo);
	const char *hdr = "Page block order: 9\nPages per block:  512\n";
	assert_int_equal(strncmp(text, hdr, strlen(hdr)), 0);
	/* free lists by type: the 4.1 names */
	assert_non_null(strstr(text, "Node    0, zone   Normal, type      Movable "));
	assert_non_null(strstr(text, "Node    0, zone   Normal, type  Reclaimable "));
	assert_non_null(strstr(text, "Node    0, zone   Normal, type      Reserve "));
	assert_null(strstr(text, "HighAtomic"));
	free(text);
	tu_destroy(pz);

	tu_normal_machine(&tm, 4096);
	tm.m.max_order = 8;
	tm.m.pageblock_order = 5;
	pz = tu_create_machine(&tm.m, PZ_PROFILE_MODERN);
	assert_non_null(pz);
	text = report(pz, pz_report_pagetypeinfo);
	hdr = "Page block order: 5\nPages per block:  32\n";
	assert_int_equal(strncmp(text, hdr, strlen(hdr)), 0);
	assert_non_null(strstr(text, "Node    0, zone   Normal, type   HighAtomic "));
	assert_null(strstr(text, "Reserve"));
	free(text);
	tu_destroy(pz);
}

static void test_report_zoneinfo_and_vmstat(void **state)
{
	(void)state;
	tu_machine_simple(&tm, 4096, 8192, 1);
	pz_t *pz = tu_normal_create(&tm);
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 2);
	assert_non_null(p);
	char *text = report(pz, pz_report_zoneinfo);
	const enum pz_zone_type types[] = {PZ_ZONE_DMA, PZ_ZONE_DMA32, PZ_ZONE_NORMAL};
	for (int i = 0; i < 3; i++) {
		struct pz_zone_info z = tu_zinfo(pz, 0, types[i]);
		char want[512];
		snprintf(want, sizeof(want),
			 "Node 0, zone %8s\n  pages free     %lu\n        min      %lu\n"
			 "        low      %lu\n        high     %lu\n",
			 pz_zone_type_name(types[i]), (unsigned long)z.stat[PZ_NR_FREE_PAGES],
			 (unsigned long)z.wmark_min, (unsigned long)z.wmark_low,
			 (unsigned long)z.wmark_high);
		if (!strstr(text, want))
			fail_msg("zoneinfo lacks:\n%s", want);
		/* one entry per zone type the machine configures: DMA, DMA32,
		 * Normal and Movable (no HighMem, as on a 64-bit kernel) */
		snprintf(want, sizeof(want), "\n        protection: (%lu, %lu, %lu, %lu)\n",
			 (unsigned long)z.lowmem_reserve[0], (unsigned long)z.lowmem_reserve[1],
			 (unsigned long)z.lowmem_reserve[2], (unsigned long)z.lowmem_reserve[4]);
		if (!strstr(text, want))
			fail_msg("zoneinfo lacks: %s", want);
	}
	free(text);

	text = report(pz, pz_report_vmstat);
	char want[128];
	snprintf(want, sizeof(want), "nr_free_pages %lu\n", (unsigned long)tu_free_pages(pz));
	assert_true(strncmp(text, want, strlen(want)) == 0 || strstr(text, want) != NULL);
	snprintf(want, sizeof(want), "\npgalloc_normal %lu\n",
		 (unsigned long)tu_zinfo(pz, 0, PZ_ZONE_NORMAL).stat[PZ_PGALLOC]);
	assert_non_null(strstr(text, want));
	assert_non_null(strstr(text, "\npgalloc_dma 0\n"));
	free(text);
	assert_int_equal(pz_free_pages(pz, p, 2), 0);
	tu_destroy(pz);
}

/* Every report: cut output, NUL-terminated, full length returned. */
static void test_report_short_buffers(void **state)
{
	(void)state;
	tu_machine_simple(&tm, 4096, 8192, 1);
	pz_t *pz = tu_normal_create(&tm);
	report_fn fns[] = {pz_report_buddyinfo, pz_report_pagetypeinfo,	 pz_report_zoneinfo,
			   pz_report_vmstat,	pz_report_extfrag_index, pz_report_unusable_index};
	for (unsigned i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		char *full = report(pz, fns[i]);
		size_t n = strlen(full);
		assert_true(n > 8);
		char small[8];
		memset(small, 'X', sizeof(small));
		assert_int_equal(fns[i](pz, small, sizeof(small)), n);
		assert_int_equal(small[7], '\0');
		assert_int_equal(strncmp(small, full, 7), 0);
		char one[2] = {'X', 'X'};
		assert_int_equal(fns[i](pz, one, 1), n);
		assert_int_equal(one[0], '\0');
		assert_int_equal(one[1], 'X');
		free(full);
	}
	tu_destroy(pz);
}

/*
 * Fragmentation index (spec 8.3). One Normal zone [4096, 12288): all 8192
 * pages allocated, every even pfn freed: 4096 free blocks of order 0,
 * free_pages 4096.
 *   order 0: a suitable block exists -> -1000; unusable (4096 - 4096) / 4096 = 0
 *   order o >= 1: no suitable block -> 1000 - (1000 + 4096 * 1000 / 2^o) / 4096
 *     o1: 1000 - (1000 + 2048000) / 4096 = 1000 - 500 = 500
 *     o2: 1000 - 1025000 / 4096 = 1000 - 250 = 750
 *     o3: 1000 - 513000 / 4096 = 1000 - 125 = 875
 *     o4: 1000 - 257000 / 4096 = 1000 - 62 = 938
 *     o5: 1000 - 129000 / 4096 = 1000 - 31 = 969
 *     o6: 1000 - 65000 / 4096 = 1000 - 15 = 985
 *     o7: 1000 - 33000 / 4096 = 1000 - 8 = 992
 *     o8: 1000 - 17000 / 4096 = 1000 - 4 = 996
 *     o9: 1000 - 9000 / 4096 = 1000 - 2 = 998
 *     o10: 1000 - 5000 / 4096 = 1000 - 1 = 999
 *     unusable: (4096 - 0) / 4096 = 1000
 */
static void test_fragmentation_index(void **state)
{
	(void)state;
	struct pz_config cfg;
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 12288);
	tu_normal_config(&cfg, &tm, 0);
	pz_t *pz = tu_create_ok(&cfg);
	int ext = 7, unus = 7;
	/* fresh: order-10 blocks everywhere */
	for (unsigned o = 0; o < MAXO; o++) {
		assert_int_equal(pz_fragmentation_index(pz, 0, PZ_ZONE_NORMAL, o, &ext, &unus), 0);
		assert_int_equal(ext, -1000);
		assert_int_equal(unus, 0);
	}
	assert_int_equal(pz_fragmentation_index(pz, 0, PZ_ZONE_NORMAL, 11, &ext, &unus),
			 -PZ_EINVAL);
	assert_int_equal(pz_fragmentation_index(pz, 2, PZ_ZONE_NORMAL, 0, &ext, &unus), -PZ_ENODEV);

	static pz_page_t *pages[8192];
	for (int i = 0; i < 8192; i++) {
		pz_page_t *p = pz_alloc_pages(pz, GFP_RESERVE, 0);
		assert_non_null(p);
		pages[pz_page_to_pfn(pz, p) - 4096] = p;
	}
	pz_drain_all_pages(pz);
	/* no free memory: the extfrag index is 0 */
	assert_int_equal(pz_fragmentation_index(pz, 0, PZ_ZONE_NORMAL, 3, &ext, &unus), 0);
	assert_int_equal(ext, 0);
	for (int i = 0; i < 8192; i += 2)
		assert_int_equal(pz_free_pages(pz, pages[i], 0), 0);
	pz_drain_all_pages(pz);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).nr_free[0], 4096);

	const int want_ext[MAXO] = {-1000, 500, 750, 875, 938, 969, 985, 992, 996, 998, 999};
	for (unsigned o = 0; o < MAXO; o++) {
		assert_int_equal(pz_fragmentation_index(pz, 0, PZ_ZONE_NORMAL, o, &ext, &unus), 0);
		if (ext != want_ext[o])
			fail_msg("order %u: extfrag %d, want %d", o, ext, want_ext[o]);
		assert_int_equal(unus, o == 0 ? 0 : 1000);
	}

	char *text = report(pz, pz_report_extfrag_index);
	assert_string_equal(text, "Node 0, zone   Normal -1.000 0.500 0.750 0.875 0.938 0.969 "
				  "0.985 0.992 0.996 0.998 0.999 \n");
	free(text);
	text = report(pz, pz_report_unusable_index);
	assert_string_equal(text, "Node 0, zone   Normal 0.000 1.000 1.000 1.000 1.000 1.000 "
				  "1.000 1.000 1.000 1.000 1.000 \n");
	free(text);

	for (int i = 1; i < 8192; i += 2)
		assert_int_equal(pz_free_pages(pz, pages[i], 0), 0);
	pz_drain_all_pages(pz);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).nr_free[10], 8);
	tu_validate(pz);
	tu_destroy(pz);
}

/* ---------------------------------------------------------------------- */
/* Counters by order, and what the reports sum                            */

/* pgalloc and pgfree count pages (1 << order per call), NR_FREE_PAGES the
 * pages on the buddy lists; vmstat sums the zones' counters. */
static void test_counters_by_order(void **state)
{
	(void)state;
	tu_normal_machine(&tm, 32768);
	pz_t *pz = tu_normal_create(&tm);
	struct pz_zone_info z0 = tu_zinfo(pz, 0, PZ_ZONE_NORMAL), z;

	pz_page_t *p3 = pz_alloc_pages(pz, PZ_GFP_KERNEL, 3);
	assert_non_null(p3);
	z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.stat[PZ_PGALLOC] - z0.stat[PZ_PGALLOC], 8);
	assert_int_equal(z0.stat[PZ_NR_FREE_PAGES] - z.stat[PZ_NR_FREE_PAGES], 8);
	pz_page_t *p0 = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	assert_non_null(p0);
	z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.stat[PZ_PGALLOC] - z0.stat[PZ_PGALLOC], 9);
	/* the refill took a batch off the buddy lists; one page is out */
	assert_int_equal(z0.stat[PZ_NR_FREE_PAGES] - z.stat[PZ_NR_FREE_PAGES], 8 + z.pcp_batch);
	assert_int_equal(z.pcp_pages, z.pcp_batch - 1);
	assert_int_equal(pz_free_pages(pz, p3, 3), 0);
	assert_int_equal(pz_free_pages(pz, p0, 0), 0);
	z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	assert_int_equal(z.stat[PZ_PGFREE] - z0.stat[PZ_PGFREE], 9);
	assert_int_equal(z0.stat[PZ_NR_FREE_PAGES] - z.stat[PZ_NR_FREE_PAGES], z.pcp_batch);

	char *vm = report(pz, pz_report_vmstat), want[64];
	snprintf(want, sizeof(want), "pgalloc_normal %lld\n", (long long)z.stat[PZ_PGALLOC]);
	assert_non_null(strstr(vm, want));
	snprintf(want, sizeof(want), "pgfree %lld\n", (long long)z.stat[PZ_PGFREE]);
	assert_non_null(strstr(vm, want));
	snprintf(want, sizeof(want), "nr_free_pages %lld\n", (long long)z.stat[PZ_NR_FREE_PAGES]);
	assert_non_null(strstr(vm, want));
	free(vm);
	tu_destroy(pz);
}

/* The per-order and per-type counts agree with NR_FREE_PAGES after a mix
 * of orders, and the pageblock labels cover the zone. */
static void test_counts_agree(void **state)
{
	(void)state;
	pz_page_t *p[64];
	unsigned ord[64];
	uint64_t seed = 42;

	tu_normal_machine(&tm, 32768);
	pz_t *pz = tu_normal_create(&tm);
	for (int i = 0; i < 64; i++) {
		ord[i] = (unsigned)(tu_rand(&seed) % 6);
		p[i] = pz_alloc_pages(pz, i % 2 ? PZ_GFP_KERNEL : PZ_GFP_HIGHUSER_MOVABLE, ord[i]);
		assert_non_null(p[i]);
	}
	for (int i = 0; i < 64; i += 3)
		assert_int_equal(pz_free_pages(pz, p[i], ord[i]), 0);
	pz_drain_all_pages(pz);
	struct pz_zone_info z = tu_zinfo(pz, 0, PZ_ZONE_NORMAL);
	uint64_t by_order = 0, by_type = 0, blocks = 0;
	for (unsigned o = 0; o < MAXO; o++) {
		uint64_t n = 0;
		for (unsigned mt = 0; mt < PZ_MT_TYPES; mt++)
			n += z.nr_free_mt[o][mt];
		assert_int_equal(n, z.nr_free[o]);
		by_order += z.nr_free[o] << o;
		by_type += n << o;
	}
	for (unsigned mt = 0; mt < PZ_MT_TYPES; mt++)
		blocks += z.nr_blocks_mt[mt];
	assert_int_equal(by_order, z.stat[PZ_NR_FREE_PAGES]);
	assert_int_equal(by_type, z.stat[PZ_NR_FREE_PAGES]);
	assert_int_equal(blocks, 32768 >> 9);
	assert_true(z.stat[PZ_NR_FREE_PAGES] < 32768);
	tu_validate(pz);
	tu_destroy(pz);
}
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_list_snapshots),
		cmocka_unit_test(test_report_buddyinfo),
		cmocka_unit_test(test_report_buddyinfo_two_nodes),
		cmocka_unit_test(test_report_pagetypeinfo),
		cmocka_unit_test(test_report_zoneinfo_and_vmstat),
		cmocka_unit_test(test_report_short_buffers),
		cmocka_unit_test(test_fragmentation_index),
		cmocka_unit_test(test_counters_by_order),
		cmocka_unit_test(test_counts_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
