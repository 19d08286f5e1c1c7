/*
 * test_kernel_clone.c - cloning a real Linux 6.1 machine: its zoneinfo
 * (with every computed line deleted: min, low, high, protection and the
 * pagesets) plus its vm sysctls plus its boot log, with the linux-6.1
 * profile, must give the kernel's own watermarks, protection and per-CPU
 * high and batch of zones.csv. The inputs are copies of three recorded
 * QEMU boots (tests/data/traces-6.1/, see its README).
 *
 * The kernel sets the watermarks when khugepaged starts (a subsys
 * initcall), before it frees its init sections and the initrd, and does
 * not recompute them when those pages join the zone; its reserves were
 * recomputed after boot (a lowmem_reserve_ratio write). The host layer's
 * late-free calls replay that (src/host/latefree.c): the pages named by
 * dmesg's "Freeing ..." lines, placed by its RAMDISK line and iomem's
 * "Kernel code" line, are held back while the marks are computed, then
 * freed, then the ratio is written again. frag's `end` rows were all
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

/* The zoneinfo without its computed lines (the clone must not need them). */
static char *strip(const char *text)
{
	char *out = calloc(1, strlen(text) + 1), *o = out;

	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);

		if (!computed_line(first_word(p)))
			o += sprintf(o, "%.*s", (int)n, p);
		p += n;
	}
	return out;
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

/* The late frees of a folder's boot log, for machine m. */
static void late_frees(const char *dir, const struct pz_host_machine *m,
		       struct pz_host_late_free *lf)
{
	char *dm = slurp(dir, "dmesg.txt"), *io = slurp(dir, "iomem.txt");
	uint64_t sum = 0;
	int rc = pz_host_late_free_parse(dm, strlen(dm), io, strlen(io), m, lf);

	if (rc)
		fail_msg("%s: %s line %u: %s", dir, lf->err_text, lf->err_line, lf->err_msg);
	/* initrd + four "unused" lines; SMP alternatives is start_kernel's */
	assert_int_equal(lf->nr_lines, 5);
	assert_true(lf->initrd_pages > 0 && lf->kernel_pages > 0);
	for (unsigned n = 0; n < PZ_MAX_NODES; n++)
		for (unsigned t = 0; t < PZ_NR_ZONE_TYPES; t++)
			sum += lf->pages[n][t];
	assert_int_equal(sum, lf->initrd_pages + lf->kernel_pages);
	free(dm);
	free(io);
}

/*
 * The clone of a folder's zoneinfo text: the CPUs counted in the text as
 * recorded, the machine from the stripped text, then (with late) the late
 * frees held, the instance, the folder's vm sysctls, the late frees
 * released - the order the host layer documents.
 */
static pz_t *clone(const char *dir, const char *zi, bool late, struct pz_host_machine **hm)
{
	char *sc = slurp(dir, "vm_sysctl.txt"), *text = strip(zi);
	struct pz_host_late_free lf;
	struct pz_host_sysctls s;
	struct pz_config cfg;
	unsigned line = 0, cpus;
	pz_t *pz;

	assert_null(strstr(text, "protection"));
	assert_null(strstr(text, "        min"));
	assert_int_equal(pz_host_machine_from_zoneinfo(zi, strlen(zi), 0, hm, &line), 0);
	cpus = (*hm)->machine.nr_cpus;
	assert_int_equal(cpus, 2);
	pz_host_machine_free(*hm);
	assert_int_equal(pz_host_machine_from_zoneinfo(text, strlen(text), cpus, hm, &line), 0);
	if (late) {
		late_frees(dir, *hm, &lf);
		assert_int_equal(pz_host_late_free_hold(*hm, &lf), 0);
	}
	tu_config(&cfg, &(*hm)->machine, PZ_PROFILE_LINUX_6_1, 0);
	cfg.thp_enabled = 1; /* snap/thp_enabled.txt: [always] */
	pz = tu_create_ok(&cfg);
	assert_int_equal(pz_host_sysctls_parse(sc, strlen(sc), &s, &line), 0);
	assert_int_equal(pz_host_sysctls_apply(pz, &s, *hm, NULL), 0);
	if (late)
		assert_int_equal(pz_host_late_free_release(pz, *hm, &lf), 0);
	tu_validate(pz);
	free(sc);
	free(text);
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

/* The start rows, every number; and without the boot log, the marks of
 * the zone the kernel image went to are not the kernel's. */
static void start_rows(const char *dir)
{
	struct pz_host_machine *hm = NULL;
	char *zi = slurp(dir, "zoneinfo.start");
	struct row r[8];
	unsigned n = rows(dir, "start", r), differ = 0;
	char what[32];
	pz_t *pz;

	snprintf(what, sizeof(what), "%s start", dir);
	pz = clone(dir, zi, true, &hm);
	compare(what, pz, r, n, WMARKS | PROTECTION);
	tu_destroy(pz);
	pz_host_machine_free(hm);
	pz = clone(dir, zi, false, &hm);
	for (unsigned i = 0; i < n; i++)
		if (r[i].managed)
			differ += tu_zinfo(pz, 0, type_of(r[i].zone)).wmark_min != r[i].min;
	assert_true(differ > 0);
	tu_destroy(pz);
	pz_host_machine_free(hm);
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
	struct pz_host_machine *hm = NULL;
	char *zi = slurp("frag", "zoneinfo.end");
	struct row r[8];
	unsigned n = rows("frag", "end", r);
	pz_t *pz;

	(void)state;
	pz = clone("frag", zi, false, &hm);
	compare("frag end", pz, r, n, WMARKS | PROTECTION);
	tu_destroy(pz);
	pz_host_machine_free(hm);
	free(zi);
}

/* A boot log the parser must refuse: rc, the text and the line it names. */
static void refuse(const struct pz_host_machine *m, const char *dm, const char *io,
		   const char *text, unsigned line)
{
	struct pz_host_late_free lf;

	assert_int_equal(pz_host_late_free_parse(dm, strlen(dm), io, io ? strlen(io) : 0, m, &lf),
			 -PZ_EINVAL);
	assert_string_equal(lf.err_text, text);
	assert_int_equal(lf.err_line, line);
	assert_true(lf.err_msg[0] != 0);
}

static int dmesg_only(const struct pz_host_machine *m, const char *dm, struct pz_host_late_free *lf)
{
	return pz_host_late_free_parse(dm, strlen(dm), NULL, 0, m, lf);
}

static void test_boot_log_refusals(void **state)
{
	struct pz_host_machine *hm = NULL;
	char *zi = slurp("churn", "zoneinfo.start");
	const char *code = "00100000-1ffd8fff : System RAM\n  0d600000-0e401d31 : Kernel code\n";
	struct pz_host_late_free lf;
	unsigned line = 0;

	(void)state;
	assert_int_equal(pz_host_machine_from_zoneinfo(zi, strlen(zi), 2, &hm, &line), 0);
	refuse(hm, "a\nRAMDISK: [mem 0x1feae000-zz]\n", code, "dmesg", 2);
	refuse(hm, "RAMDISK: [mem 0x1000-0x1fff]\nFreeing initrd memory: 11x0K\n", code, "dmesg",
	       2);
	refuse(hm, "RAMDISK: [mem 0x1000-0x1fff]\nFreeing initrd memory: 6K\n", code, "dmesg", 2);
	refuse(hm, "x\ny\nFreeing initrd memory: 8K\n", code, "dmesg", 3);
	refuse(hm, "Freeing unused kernel memory: 8K\n", NULL, "dmesg", 1);
	refuse(hm, "Freeing unused kernel memory: 8K\n", "a\nb\n", "iomem", 0);
	refuse(hm, "Freeing unused kernel memory: 8K\n", "x\n00000000-00000000 : Kernel code\n",
	       "iomem", 2);
	/* the RAMDISK in no zone of the clone (past its last pfn) */
	refuse(hm, "RAMDISK: [mem 0x7fff000000-0x7fff001fff]\nFreeing initrd memory: 8K\n", code,
	       "dmesg", 1);
	/* SMP alternatives and other frees are not late frees */
	assert_int_equal(dmesg_only(hm, "Freeing SMP alternatives memory: 36K\n", &lf), 0);
	assert_int_equal(lf.nr_lines, 0);
	/* more pages held than the zone has: refused, the machine as it was */
	assert_int_equal(
		dmesg_only(hm, "RAMDISK: [mem 0x1000-0x1fff]\nFreeing initrd memory: 8K\n", &lf),
		0);
	assert_int_equal(lf.pages[0][PZ_ZONE_DMA], 2);
	lf.pages[0][PZ_ZONE_DMA] = 4096;
	line = hm->zones[0][0].nr_reserved ? (unsigned)hm->zones[0][0].reserved[0].end : 0;
	assert_int_equal(pz_host_late_free_hold(hm, &lf), -PZ_EINVAL);
	assert_int_equal(hm->zones[0][0].reserved[0].end, line);
	pz_host_machine_free(hm);
	free(zi);
}

/* A zone with no reserved pages gets a reserved range to hold them in; the
 * machine stays held, so each instance built from it is released. */
static void test_hold_without_reserved(void **state)
{
	static const char text[] = "Node 0, zone   Normal\n  pages free     65536\n"
				   "        spanned  65536\n        present  65536\n"
				   "        managed  65536\n  start_pfn:           1048576\n";
	struct pz_host_machine *hm = NULL;
	struct pz_host_late_free lf;
	struct pz_config cfg;
	unsigned line = 0;
	pz_t *pz;

	(void)state;
	assert_int_equal(pz_host_machine_from_zoneinfo(text, strlen(text), 1, &hm, &line), 0);
	assert_int_equal(hm->zones[0][0].nr_reserved, 0);
	memset(&lf, 0, sizeof(lf));
	lf.pages[0][PZ_ZONE_NORMAL] = 100;
	assert_int_equal(pz_host_late_free_hold(hm, &lf), 0);
	assert_int_equal(hm->zones[0][0].nr_reserved, 1);
	assert_int_equal(hm->zones[0][0].reserved[0].start, 1048576);
	assert_int_equal(hm->zones[0][0].reserved[0].end, 1048676);
	tu_config(&cfg, &hm->machine, PZ_PROFILE_LINUX_6_1, 0);
	pz = tu_create_ok(&cfg);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).managed, 65436);
	assert_int_equal(pz_host_late_free_release(pz, hm, &lf), 0);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).managed, 65536);
	tu_validate(pz);
	/* released twice: those pages are not reserved any more */
	assert_int_equal(pz_host_late_free_release(pz, hm, &lf), -PZ_EFAULT);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).managed, 65536);
	tu_destroy(pz);
	/* the machine stays held: a second instance from it is released too */
	pz = tu_create_ok(&cfg);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).managed, 65436);
	assert_int_equal(pz_host_late_free_release(pz, hm, &lf), 0);
	assert_int_equal(tu_zinfo(pz, 0, PZ_ZONE_NORMAL).managed, 65536);
	tu_validate(pz);
	tu_destroy(pz);
	pz_host_machine_free(hm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot),
		cmocka_unit_test(test_churn),
		cmocka_unit_test(test_frag),
		cmocka_unit_test(test_frag_end),
		cmocka_unit_test(test_boot_log_refusals),
		cmocka_unit_test(test_hold_without_reserved),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
