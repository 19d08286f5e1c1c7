/*
 * test_kernel_clone.c - cloning a real Linux 6.1 machine: its zoneinfo
 * (with every computed line deleted: min, low, high, protection and the
 * pagesets) plus its vm sysctls, with the linux-6.1 profile, must give
 * the kernel's own watermarks, protection and per-CPU high and batch of
 * zones.csv. The inputs are copies of three recorded QEMU boots
 * (tests/data/traces-6.1/, see its README).
 *
 * The kernel sets the watermarks when khugepaged starts (a subsys
 * initcall), before it frees its init sections and the initrd, and does
 * not recompute them when those pages join the zone. So the `start` rows'
 * watermarks (and pcp->high, which follows the low watermark) are those
 * of the zones as they were then: the start zoneinfo with the pages freed
 * later (late_free.txt: dmesg's "Freeing ..." lines after start_kernel,
 * placed by iomem's "Kernel code" and dmesg's RAMDISK range) taken out of
 * managed. The reserves were recomputed after boot (a lowmem_reserve_ratio
 * write), so protection comes from the managed counts shown, as the clone
 * computes it when it writes the sysctls. frag's `end` rows were all
 * recomputed after boot: the end zoneinfo as it is reproduces them all.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define DATA PZ_SOURCE_DIR "/tests/data/traces-6.1/"

static char *slurp(const char *dir, const char *name)
{
	char path[512];
	FILE *f;
	char *buf = malloc(1 << 16);
	size_t n;

	snprintf(path, sizeof(path), DATA "%s/%s", dir, name);
	f = fopen(path, "r");
	assert_non_null(buf);
	if (!f)
		fail_msg("cannot open %s", path);
	n = fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	buf[n] = 0;
	return buf;
}

static const char *first_word(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

static bool computed_line(const char *w)
{
	static const char *const drop[] = {"min ", "low ",   "high ", "protection:", "pagesets",
					   "cpu:", "count:", "high:", "batch:",	     "vm stats"};

	for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		if (!strncmp(w, drop[i], strlen(drop[i])))
			return true;
	return false;
}

/*
 * The zoneinfo without its computed lines; `late` pages (by zone type)
 * taken out of each zone's managed count. *cpus: the "cpu:" entries of the
 * first pageset (the machine's CPU count, read before they go).
 */
static char *strip(const char *text, const uint64_t late[PZ_NR_ZONE_TYPES], unsigned *cpus)
{
	static const char *const names[] = {"DMA", "DMA32", "Normal", "HighMem", "Movable"};
	char *out = calloc(1, strlen(text) + 1), *o = out;
	int type = -1, sections = 0;

	*cpus = 0;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n'), *w = first_word(p);
		size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);

		if (!strncmp(p, "Node ", 5)) {
			const char *name = p + n - (nl ? 1 : 0);

			while (name > p && name[-1] != ' ')
				name--;
			sections++;
			type = -1;
			for (int t = 0; t < PZ_NR_ZONE_TYPES; t++)
				if (!strncmp(name, names[t], strlen(names[t])) &&
				    name + strlen(names[t]) == p + n - (nl ? 1 : 0))
					type = t;
			assert_true(type >= 0 || !strncmp(name, "Device", 6));
		}
		*cpus += sections == 1 && !strncmp(w, "cpu:", 4);
		if (!strncmp(w, "managed", 7) && type >= 0)
			o += sprintf(o, "        managed  %llu\n",
				     strtoull(w + 7, NULL, 10) - (unsigned long long)late[type]);
		else if (!computed_line(w))
			o += sprintf(o, "%.*s", (int)n, p);
		p += n;
	}
	return out;
}

static int zone_of_addr(unsigned long long a)
{
	a >>= 12;
	return a < 4096 ? PZ_ZONE_DMA : a < 1048576 ? PZ_ZONE_DMA32 : PZ_ZONE_NORMAL;
}

/* Pages the kernel freed after its watermarks were set, by zone type. */
static void late_frees(const char *dir, uint64_t late[PZ_NR_ZONE_TYPES])
{
	char *text = slurp(dir, "late_free.txt");
	const char *p;
	unsigned long long a = 0, b = 0, kb;
	int kernel_zone, initrd_zone;

	memset(late, 0, sizeof(uint64_t) * PZ_NR_ZONE_TYPES);
	p = strstr(text, "RAMDISK: [mem ");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "RAMDISK: [mem %llx-%llx]", &a, &b), 2);
	initrd_zone = zone_of_addr(a);
	assert_int_equal(zone_of_addr(b), initrd_zone);
	p = strstr(text, " : Kernel code");
	assert_non_null(p);
	while (p > text && p[-1] != '\n')
		p--;
	assert_int_equal(sscanf(p, " %llx-%llx", &a, &b), 2);
	kernel_zone = zone_of_addr(a);
	assert_int_equal(zone_of_addr(b), kernel_zone);
	for (p = strstr(text, "Freeing "); p; p = strstr(p + 1, "Freeing ")) {
		const char *colon = strstr(p, "memory: ");

		assert_non_null(colon);
		kb = strtoull(colon + 8, NULL, 10);
		if (!strncmp(p, "Freeing initrd", 14))
			late[initrd_zone] += kb / 4;
		else if (!strncmp(p, "Freeing unused", 14))
			late[kernel_zone] += kb / 4;
		/* "Freeing SMP alternatives" is start_kernel's, before initcalls */
	}
	free(text);
}

struct row {
	char zone[16];
	uint64_t managed, min, low, high;
	unsigned long long prot[5];
	unsigned pcp_high, pcp_batch;
};

/* The zones.csv rows of one snapshot ("start" or "end") with memory. */
static unsigned rows(const char *dir, const char *snap, struct row *r)
{
	char *text = slurp(dir, "zones.csv"), *save = NULL;
	unsigned n = 0;

	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char s[16];
		unsigned long long f[8];

		if (sscanf(l,
			   "%15[^,],%*d,%15[^,],%*u,%*u,%*u,%*u,%llu,%*u,%llu,%llu,%llu,%llu %llu "
			   "%llu %llu %llu,%u,%u",
			   s, r[n].zone, &f[0], &f[1], &f[2], &f[3], &r[n].prot[0], &r[n].prot[1],
			   &r[n].prot[2], &r[n].prot[3], &r[n].prot[4], &r[n].pcp_high,
			   &r[n].pcp_batch) != 13 ||
		    strcmp(s, snap))
			continue;
		r[n].managed = f[0], r[n].min = f[1], r[n].low = f[2], r[n].high = f[3];
		n++;
	}
	free(text);
	assert_true(n >= 3);
	return n;
}

static enum pz_zone_type type_of(const char *name)
{
	for (int t = 0; t < PZ_NR_ZONE_TYPES; t++)
		if (!strcmp(pz_zone_type_name((enum pz_zone_type)t), name))
			return (enum pz_zone_type)t;
	fail_msg("zone %s", name);
	return PZ_ZONE_DMA;
}

/* The clone: zoneinfo text, CPUs, then the folder's vm sysctls written. */
static pz_t *clone(const char *dir, const char *zi, unsigned cpus, struct pz_host_machine **hm)
{
	char *sc = slurp(dir, "vm_sysctl.txt");
	struct pz_host_sysctls s;
	struct pz_config cfg;
	unsigned line = 0;
	pz_t *pz;

	assert_int_equal(cpus, 2);
	assert_int_equal(pz_host_machine_from_zoneinfo(zi, strlen(zi), cpus, hm, &line), 0);
	tu_config(&cfg, &(*hm)->machine, PZ_PROFILE_LINUX_6_1, 0);
	cfg.thp_enabled = 1; /* snap/thp_enabled.txt: [always] */
	pz = tu_create_ok(&cfg);
	assert_int_equal(pz_host_sysctls_parse(sc, strlen(sc), &s, &line), 0);
	assert_int_equal(pz_host_sysctls_apply(pz, &s, *hm, NULL), 0);
	free(sc);
	return pz;
}

enum {
	WMARKS = 1,
	PROTECTION = 2
};

static void compare(const char *what, pz_t *pz, const struct row *r, unsigned n, unsigned which)
{
	for (unsigned i = 0; i < n; i++) {
		if (!r[i].managed)
			continue;
		struct pz_zone_info zi = tu_zinfo(pz, 0, type_of(r[i].zone));
		/* csv columns: DMA DMA32 Normal Movable Device */
		static const int col[] = {PZ_ZONE_DMA, PZ_ZONE_DMA32, PZ_ZONE_NORMAL,
					  PZ_ZONE_MOVABLE};

		print_message("%-14s %-6s kernel %llu/%llu/%llu pcp %u/%u prot %llu %llu %llu | "
			      "pagezone %llu/%llu/%llu pcp %u/%u prot %llu %llu %llu\n",
			      what, r[i].zone, (unsigned long long)r[i].min,
			      (unsigned long long)r[i].low, (unsigned long long)r[i].high,
			      r[i].pcp_high, r[i].pcp_batch, (unsigned long long)r[i].prot[1],
			      (unsigned long long)r[i].prot[2], (unsigned long long)r[i].prot[3],
			      (unsigned long long)zi.wmark_min, (unsigned long long)zi.wmark_low,
			      (unsigned long long)zi.wmark_high, zi.pcp_high, zi.pcp_batch,
			      (unsigned long long)zi.lowmem_reserve[PZ_ZONE_DMA32],
			      (unsigned long long)zi.lowmem_reserve[PZ_ZONE_NORMAL],
			      (unsigned long long)zi.lowmem_reserve[PZ_ZONE_MOVABLE]);
		assert_int_equal(zi.managed, r[i].managed);
		assert_int_equal(zi.pcp_batch, r[i].pcp_batch);
		if (which & WMARKS) {
			assert_int_equal(zi.wmark_min, r[i].min);
			assert_int_equal(zi.wmark_low, r[i].low);
			assert_int_equal(zi.wmark_high, r[i].high);
			assert_int_equal(zi.pcp_high, r[i].pcp_high);
		}
		for (unsigned c = 0; c < 4 && (which & PROTECTION); c++)
			assert_int_equal(zi.lowmem_reserve[col[c]], r[i].prot[c]);
	}
}

static void start_rows(const char *dir)
{
	static const uint64_t none[PZ_NR_ZONE_TYPES];
	uint64_t late[PZ_NR_ZONE_TYPES];
	struct pz_host_machine *hm = NULL;
	char *zi = slurp(dir, "zoneinfo.start"), *text;
	struct row r[8];
	unsigned n = rows(dir, "start", r), cpus;
	char what[32];
	pz_t *pz;

	/* as the zones were when khugepaged set the watermarks */
	late_frees(dir, late);
	assert_true(late[PZ_ZONE_DMA32] + late[PZ_ZONE_NORMAL] > 0);
	text = strip(zi, late, &cpus);
	pz = clone(dir, text, cpus, &hm);
	/* managed is the boot-time count here: compare the marks only */
	for (unsigned i = 0; i < n; i++)
		r[i].managed -= r[i].managed ? late[type_of(r[i].zone)] : 0;
	snprintf(what, sizeof(what), "%s boot-time", dir);
	compare(what, pz, r, n, WMARKS);
	tu_destroy(pz);
	pz_host_machine_free(hm);
	free(text);
	/* as they are in the snapshot */
	n = rows(dir, "start", r);
	text = strip(zi, none, &cpus);
	pz = clone(dir, text, cpus, &hm);
	snprintf(what, sizeof(what), "%s start", dir);
	compare(what, pz, r, n, PROTECTION);
	tu_destroy(pz);
	pz_host_machine_free(hm);
	free(text);
	free(zi);
}

static void test_boot(void **state)
{
	(void)state;
	start_rows("boot");
}

static void test_churn(void **state)
{
	(void)state;
	start_rows("churn");
}

static void test_frag(void **state)
{
	(void)state;
	start_rows("frag");
}

/* frag's end: recomputed after boot from the managed pages shown. */
static void test_frag_end(void **state)
{
	static const uint64_t none[PZ_NR_ZONE_TYPES];
	struct pz_host_machine *hm = NULL;
	char *zi = slurp("frag", "zoneinfo.end"), *text;
	struct row r[8];
	unsigned n = rows("frag", "end", r), cpus;
	pz_t *pz;

	(void)state;
	text = strip(zi, none, &cpus);
	assert_null(strstr(text, "protection"));
	assert_null(strstr(text, "        min"));
	pz = clone("frag", text, cpus, &hm);
	compare("frag end", pz, r, n, WMARKS | PROTECTION);
	tu_destroy(pz);
	pz_host_machine_free(hm);
	free(text);
	free(zi);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot),
		cmocka_unit_test(test_churn),
		cmocka_unit_test(test_frag),
		cmocka_unit_test(test_frag_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
