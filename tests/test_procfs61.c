/*
 * test_procfs61.c - the linux-6.1 profile prints /proc/zoneinfo,
 * pagetypeinfo, vmstat and buddyinfo in 6.1's layout. A real 6.1 machine
 * (tests/data/procfs-6.1/, see its README) is cloned from its zoneinfo and
 * vm sysctls; pagezone's files must have the kernel's lines in the
 * kernel's order (numbers aside), and the kernel's numbers where pagezone
 * models them: spanned, present, managed, cma, protection, start_pfn, the
 * pageblocks per zone. pagezone's own zoneinfo must clone back to the same
 * machine. Built machines check what the recording cannot show: empty
 * zones of a second node, a HighMem machine (no Device zone), the
 * ">100000" cap on a free-list count and extfrag_index's padding.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define DATA PZ_SOURCE_DIR "/tests/data/procfs-6.1/"

static struct tu_machine tm;

static char *slurp(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), DATA "%s", name);
	return tu_slurp(path);
}

typedef size_t (*report_fn)(pz_t *, char *, size_t);

/* A report, sized then filled. */
static char *report(pz_t *pz, report_fn fn)
{
	size_t n = fn(pz, NULL, 0) + 1;
	char *s = malloc(n);

	assert_non_null(s);
	assert_int_equal(fn(pz, s, n), n - 1);
	return s;
}

/* The clone: zoneinfo text with its CPUs, linux-6.1, the folder's sysctls. */
static pz_t *clone(const char *zi, struct pz_host_machine **hm)
{
	char *sc = slurp("vm_sysctl.txt");
	struct pz_host_sysctls s;
	struct pz_config cfg;
	unsigned line = 0;
	pz_t *pz;

	if (pz_host_machine_from_zoneinfo(zi, strlen(zi), 0, hm, &line))
		fail_msg("zoneinfo refused at line %u", line);
	tu_config(&cfg, &(*hm)->machine, PZ_PROFILE_LINUX_6_1, 0);
	cfg.thp_enabled = 1;
	pz = tu_create_ok(&cfg);
	assert_int_equal(pz_host_sysctls_parse(sc, strlen(sc), &s, &line), 0);
	assert_int_equal(pz_host_sysctls_apply(pz, &s, *hm, NULL), 0);
	free(sc);
	return pz;
}

/* Line i (0-based) of text into out, without its newline; false past the end. */
static bool line_at(const char *text, unsigned i, char *out, size_t cap)
{
	const char *e;
	size_t n;

	for (; i; i--) {
		text = strchr(text, '\n');
		if (!text)
			return false;
		text++;
	}
	if (!*text)
		return false;
	e = strchr(text, '\n');
	n = e ? (size_t)(e - text) : strlen(text);
	n = n < cap - 1 ? n : cap - 1;
	memcpy(out, text, n);
	out[n] = 0;
	return true;
}

/* The line with each run of digits turned into '#'; with squeeze, each
 * run of blanks into one blank (for columns whose width follows the number). */
static void mask(const char *in, char *out, bool squeeze)
{
	for (; *in; in++) {
		if (*in >= '0' && *in <= '9') {
			while (in[1] >= '0' && in[1] <= '9')
				in++;
			*out++ = '#';
		} else if (!(squeeze && *in == ' ' && in[1] == ' ')) {
			*out++ = *in;
		}
	}
	*out = 0;
}

static unsigned count_lines(const char *text)
{
	unsigned n = 0;
	char buf[512];

	while (line_at(text, n, buf, sizeof(buf)))
		n++;
	return n;
}

static const char *first_word_is(const char *line, const char *const *words, size_t n)
{
	while (*line == ' ')
		line++;
	for (size_t i = 0; i < n; i++)
		if (!strncmp(line, words[i], strlen(words[i])))
			return words[i];
	return NULL;
}

/* Same lines, numbers aside; the listed fields also with the same numbers. */
static void same_layout(const char *what, const char *kern, const char *ours, bool squeeze,
			const char *const *exact, size_t nexact)
{
	unsigned n = count_lines(kern);
	char a[512], b[512], ma[512], mb[512];

	for (unsigned i = 0; i < n; i++) {
		if (!line_at(ours, i, b, sizeof(b)))
			fail_msg("%s: pagezone's file ends at line %u; the kernel's goes on with "
				 "'%s'",
				 what, i + 1, (line_at(kern, i, a, sizeof(a)), a));
		line_at(kern, i, a, sizeof(a));
		mask(a, ma, squeeze);
		mask(b, mb, squeeze);
		if (strcmp(ma, mb))
			fail_msg("%s line %u: kernel '%s', pagezone '%s'", what, i + 1, a, b);
		if (first_word_is(a, exact, nexact) && strcmp(a, b))
			fail_msg("%s line %u: kernel '%s', pagezone '%s'", what, i + 1, a, b);
	}
	assert_int_equal(count_lines(ours), n);
}

static void test_zoneinfo_layout(void **state)
{
	static const char *const exact[] = {
		"Node ",       "spanned ", "present ",	 "managed ",	       "cma ",
		"protection:", "cpu:",	   "start_pfn:", "node_unreclaimable:"};
	struct pz_host_machine *hm = NULL;
	char *kern = slurp("zoneinfo");
	pz_t *pz = clone(kern, &hm);
	char *ours = report(pz, pz_report_zoneinfo);

	(void)state;
	same_layout("zoneinfo", kern, ours, false, exact, sizeof(exact) / sizeof(exact[0]));
	/* the per-node block sits on the first zone only, once */
	assert_non_null(strstr(ours, "Node 0, zone      DMA\n  per-node stats\n"));
	assert_null(strstr(strstr(ours, "per-node stats") + 1, "per-node stats"));
	free(ours);
	free(kern);
	tu_destroy(pz);
	pz_host_machine_free(hm);
}

/* pagezone's own 6.1 zoneinfo clones back to the same machine and text. */
static void test_zoneinfo_round_trip(void **state)
{
	struct pz_host_machine *hm = NULL, *hm2 = NULL;
	char *kern = slurp("zoneinfo");
	pz_t *pz = clone(kern, &hm), *pz2;
	char *ours = report(pz, pz_report_zoneinfo), *again;

	(void)state;
	pz2 = clone(ours, &hm2);
	assert_int_equal(hm2->machine.nr_nodes, hm->machine.nr_nodes);
	assert_int_equal(hm2->machine.nr_cpus, hm->machine.nr_cpus);
	assert_int_equal(hm2->nr_zone_names, hm->nr_zone_names);
	assert_memory_equal(hm2->zone_names, hm->zone_names, hm->nr_zone_names);
	for (unsigned n = 0; n < hm->machine.nr_nodes; n++) {
		assert_int_equal(hm2->nodes[n].nr_zones, hm->nodes[n].nr_zones);
		for (unsigned i = 0; i < hm->nodes[n].nr_zones; i++) {
			const struct pz_zone_desc *a = &hm->zones[n][i], *b = &hm2->zones[n][i];

			assert_int_equal(a->type, b->type);
			assert_int_equal(a->start_pfn, b->start_pfn);
			assert_int_equal(a->end_pfn, b->end_pfn);
			assert_int_equal(a->nr_present, b->nr_present);
			assert_int_equal(a->nr_reserved, b->nr_reserved);
			if (a->nr_present)
				assert_memory_equal(a->present, b->present, sizeof(*a->present));
			if (a->nr_reserved)
				assert_memory_equal(a->reserved, b->reserved, sizeof(*a->reserved));
		}
	}
	again = report(pz2, pz_report_zoneinfo);
	assert_string_equal(again, ours);
	free(again);
	free(ours);
	free(kern);
	tu_destroy(pz2);
	tu_destroy(pz);
	pz_host_machine_free(hm2);
	pz_host_machine_free(hm);
}

/* The pageblocks a block-count row adds up to. */
static unsigned long long row_sum(const char *line)
{
	unsigned long long sum = 0;
	const char *p = strstr(line, "zone");

	p += 4;
	while (*p == ' ')
		p++;
	while (*p && *p != ' ')
		p++; /* the zone name */
	for (char *e; *p; p = e) {
		unsigned long long v = strtoull(p, &e, 10);

		if (e == p)
			break;
		sum += v;
	}
	return sum;
}

static void test_pagetypeinfo_layout(void **state)
{
	static const char *const exact[] = {
		"Page block order:", "Pages per block:", "Free pages count per migrate type",
		"Number of blocks type"};
	struct pz_host_machine *hm = NULL;
	char *zi = slurp("zoneinfo"), *kern = slurp("pagetypeinfo");
	pz_t *pz = clone(zi, &hm);
	char *ours = report(pz, pz_report_pagetypeinfo);
	char a[512], b[512];
	unsigned blocks = 0;

	(void)state;
	same_layout("pagetypeinfo", kern, ours, true, exact, sizeof(exact) / sizeof(exact[0]));
	/* the row names exactly (the columns' width follows the numbers) */
	for (unsigned i = 0; line_at(kern, i, a, sizeof(a)); i++) {
		line_at(ours, i, b, sizeof(b));
		if (!strncmp(a, "Node ", 5) && strstr(a, ", type "))
			assert_memory_equal(a, b,
					    strlen("Node    0, zone      DMA, type    Unmovable "));
		if (!strncmp(a, "Node ", 5) && !strstr(a, ", type ")) {
			/* the pageblocks with memory, per zone: 8, 248, 256 */
			assert_memory_equal(a, b, strlen("Node 0, zone      DMA "));
			assert_int_equal(row_sum(b), row_sum(a));
			blocks++;
		}
	}
	assert_int_equal(blocks, 3);
	assert_null(strstr(ours, "Number of mixed blocks"));
	free(ours);
	free(kern);
	free(zi);
	tu_destroy(pz);
	pz_host_machine_free(hm);
}

static void test_vmstat_and_buddyinfo_layout(void **state)
{
	struct pz_host_machine *hm = NULL;
	char *zi = slurp("zoneinfo"), *kern = slurp("vmstat"), *kb = slurp("buddyinfo");
	pz_t *pz = clone(zi, &hm);
	char *ours = report(pz, pz_report_vmstat), *ob = report(pz, pz_report_buddyinfo);
	char want[64];

	(void)state;
	same_layout("vmstat", kern, ours, false, NULL, 0);
	same_layout("buddyinfo", kb, ob, true, NULL, 0);
	snprintf(want, sizeof(want), "nr_free_pages %llu\n", (unsigned long long)tu_free_pages(pz));
	assert_int_equal(strncmp(ours, want, strlen(want)), 0);
	assert_non_null(strstr(ours, "\nnr_unstable 0\n"));
	assert_null(strstr(ours, "cma_alloc_success")); /* no CONFIG_CMA in the recording */
	free(ob);
	free(ours);
	free(kb);
	free(kern);
	free(zi);
	tu_destroy(pz);
	pz_host_machine_free(hm);
}

/* Node 1 has no DMA or DMA32: 6.1 prints them empty, and its per-node
 * stats on Normal, its first populated zone. */
static void test_empty_zones(void **state)
{
	static const char empty_dma[] =
		"Node 1, zone      DMA\n  pages free     0\n        boost    0\n"
		"        min      0\n        low      0\n        high     0\n"
		"        spanned  0\n        present  0\n        managed  0\n"
		"        cma      0\n        protection: (0, 0, 0, 0, 0)\n"
		"Node 1, zone    DMA32\n";
	pz_t *pz;
	char *text;
	const char *n1;

	(void)state;
	tu_machine_init(&tm, 2, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA, 1, 4096);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, 65536);
	tu_add_zone(&tm, 1, PZ_ZONE_NORMAL, 65536, 131072);
	pz = tu_create_machine(&tm.m, PZ_PROFILE_LINUX_6_1);
	text = report(pz, pz_report_zoneinfo);
	n1 = strstr(text, "Node 1, zone      DMA\n");
	assert_non_null(n1);
	assert_int_equal(strncmp(n1, empty_dma, strlen(empty_dma)), 0);
	assert_non_null(strstr(n1, "Node 1, zone   Normal\n  per-node stats\n"));
	assert_non_null(strstr(text, "Node 0, zone      DMA\n  per-node stats\n"));
	assert_null(strstr(text, "Node 0, zone    DMA32\n  per-node stats"));
	/* node 0's Normal is empty, Device is never memory: both stop at protection */
	assert_non_null(strstr(text, "Node 0, zone   Normal\n  pages free     0\n"));
	assert_non_null(strstr(n1, "Node 1, zone   Device\n  pages free     0\n"));
	assert_non_null(strstr(n1, "protection: (0, 0, 0, 0, 0)\n"));
	assert_int_equal(text[strlen(text) - 1], '\n');
	free(text);
	tu_destroy(pz);
}

/* A 32-bit-style machine: HighMem and no DMA32, so no Device zone either. */
static void test_highmem_zone_set(void **state)
{
	struct pz_zone_info dma;
	pz_t *pz;
	char *text, want[128];

	(void)state;
	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA, 1, 4096);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 32768);
	tu_add_zone(&tm, 0, PZ_ZONE_HIGHMEM, 32768, 65536);
	pz = tu_create_machine(&tm.m, PZ_PROFILE_LINUX_6_1);
	text = report(pz, pz_report_zoneinfo);
	assert_null(strstr(text, "Device"));
	assert_null(strstr(text, "DMA32"));
	assert_non_null(strstr(text, "Node 0, zone  HighMem\n"));
	assert_non_null(strstr(text, "Node 0, zone  Movable\n"));
	dma = tu_zinfo(pz, 0, PZ_ZONE_DMA);
	snprintf(want, sizeof(want), "        protection: (0, %llu, %llu, %llu)\n",
		 (unsigned long long)dma.lowmem_reserve[PZ_ZONE_NORMAL],
		 (unsigned long long)dma.lowmem_reserve[PZ_ZONE_HIGHMEM],
		 (unsigned long long)dma.lowmem_reserve[PZ_ZONE_MOVABLE]);
	assert_non_null(strstr(text, want));
	free(text);
	text = report(pz, pz_report_vmstat);
	assert_non_null(strstr(text, "\npgalloc_dma 0\npgalloc_normal "));
	assert_non_null(strstr(text, "\npgalloc_high 0\npgalloc_movable 0\nallocstall_dma 0\n"));
	free(text);
	tu_destroy(pz);
}

/* Frees every other page of a filled zone: ~125000 free order-0 blocks. */
static pz_t *checkerboard(enum pz_profile profile)
{
	pz_t *pz;
	pz_page_t **pages = malloc(262144 * sizeof(*pages));
	size_t n = 0;

	assert_non_null(pages);
	tu_normal_machine(&tm, 262144);
	pz = tu_create_machine(&tm.m, profile);
	while (n < 262144 && (pages[n] = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE, 0)))
		n++;
	assert_true(n > 220000);
	for (size_t i = 0; i < n; i++)
		if (pz_page_to_pfn(pz, pages[i]) % 2 == 0)
			assert_int_equal(pz_free_pages(pz, pages[i], 0), 0);
	pz_drain_all_pages(pz);
	free(pages);
	return pz;
}

static void test_free_list_cap(void **state)
{
	const char *row = "Node    0, zone   Normal, type      Movable ";
	pz_t *pz = checkerboard(PZ_PROFILE_LINUX_6_1);
	char *text = report(pz, pz_report_pagetypeinfo), want[128];
	uint64_t n0 = tu_zinfo(pz, 0, PZ_ZONE_NORMAL).nr_free[0];

	(void)state;
	assert_true(n0 >= 100000);
	snprintf(want, sizeof(want), "%s>100000 ", row);
	assert_non_null(strstr(text, want));
	free(text);
	tu_destroy(pz);
	/* 4.4 counted the whole list */
	pz = checkerboard(PZ_PROFILE_LINUX_4_4);
	n0 = tu_zinfo(pz, 0, PZ_ZONE_NORMAL).nr_free[0];
	text = report(pz, pz_report_pagetypeinfo);
	snprintf(want, sizeof(want), "%s%6llu ", row, (unsigned long long)n0);
	assert_non_null(strstr(text, want));
	assert_null(strstr(text, ">"));
	free(text);
	tu_destroy(pz);
}

/* 6.1's extfrag_index prints "%2d.%03d": a failing order's index of a
 * zone with blocks of 512 and 256 pages gets a leading blank; 4.4's does
 * not, and neither pads unusable_index. */
static void test_extfrag_width(void **state)
{
	static const enum pz_profile profiles[] = {PZ_PROFILE_LINUX_6_1, PZ_PROFILE_LINUX_4_4};

	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		pz_t *pz;
		char *ext, *unu, want[64];
		int e, u;

		tu_normal_machine(&tm, 768);
		pz = tu_create_machine(&tm.m, profiles[i]);
		assert_int_equal(pz_fragmentation_index(pz, 0, PZ_ZONE_NORMAL, 10, &e, &u), 0);
		assert_true(e > 0 && e < 1000);
		ext = report(pz, pz_report_extfrag_index);
		unu = report(pz, pz_report_unusable_index);
		snprintf(want, sizeof(want), i ? "-1.000 0.%03d \n" : "-1.000  0.%03d \n", e);
		assert_non_null(strstr(ext, want));
		snprintf(want, sizeof(want), " %d.%03d \n", u / 1000, u % 1000);
		assert_non_null(strstr(unu, want));
		assert_null(strstr(unu + strlen("Node 0, zone   Normal "), "  "));
		free(unu);
		free(ext);
		tu_destroy(pz);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zoneinfo_layout),
		cmocka_unit_test(test_zoneinfo_round_trip),
		cmocka_unit_test(test_pagetypeinfo_layout),
		cmocka_unit_test(test_vmstat_and_buddyinfo_layout),
		cmocka_unit_test(test_empty_zones),
		cmocka_unit_test(test_highmem_zone_set),
		cmocka_unit_test(test_free_list_cap),
		cmocka_unit_test(test_extfrag_width),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
