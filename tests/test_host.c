/*
 * test_host.c - the POSIX host layer: the /proc/zoneinfo parser (a recorded
 * Linux 6.1 snapshot, generated 4.x-format text, this machine's own file and
 * malformed text), the default machine, backing memory (present pages
 * usable, holes PROT_NONE), the platform hooks, the thread-local current
 * task and instances on mapped metadata, kcompactd's timer threads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

/* Copy of /work/shared/traces/boot/snap/zoneinfo.start (Debian 6.1 kernel
 * in QEMU, 2 vCPUs, 1 GiB). */
#define FIXTURE_61	      PZ_SOURCE_DIR "/tests/data/zoneinfo-linux-6.1-qemu.txt"
#define FIXTURE_61_DMA32_LINE 86  /* line of "Node 0, zone    DMA32" */
#define FIXTURE_61_DMA32_CPU1 120 /* line of its second "cpu:" */

/* ---- helpers ------------------------------------------------------------- */

static char *read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = 0;
	fclose(f);
	return buf;
}

/* Offset of the start of line number 'line' (1-based). */
static size_t line_offset(const char *text, unsigned line)
{
	const char *p = text;

	while (--line) {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	return (size_t)(p - text);
}

/* Appends one zone section as a Linux 4.1 kernel prints it. */
static void zone41(char *buf, size_t cap, unsigned node, const char *name, uint64_t start,
		   uint64_t spanned, uint64_t present, uint64_t managed, unsigned cpus)
{
	size_t n = strlen(buf);
	unsigned c;

	n += (size_t)snprintf(buf + n, cap - n,
			      "Node %u, zone %8s\n"
			      "  pages free     %llu\n"
			      "        min      5\n"
			      "        low      6\n"
			      "        high     7\n"
			      "        scanned  0\n"
			      "        spanned  %llu\n"
			      "        present  %llu\n"
			      "        managed  %llu\n"
			      "    nr_free_pages %llu\n"
			      "    nr_alloc_batch 1\n"
			      "    numa_hit     42\n"
			      "        protection: (0, 1952, 1952, 1952)\n"
			      "  pagesets\n",
			      node, name, (unsigned long long)managed, (unsigned long long)spanned,
			      (unsigned long long)present, (unsigned long long)managed,
			      (unsigned long long)managed);
	for (c = 0; c < cpus; c++)
		n += (size_t)snprintf(buf + n, cap - n,
				      "    cpu: %u\n"
				      "              count: 0\n"
				      "              high:  186\n"
				      "              batch: 31\n"
				      "  vm stats threshold: 6\n",
				      c);
	snprintf(buf + n, cap - n,
		 "  all_unreclaimable: 0\n"
		 "  start_pfn:         %llu\n"
		 "  inactive_ratio:    1\n",
		 (unsigned long long)start);
}

/* The number of the line that text appended now would start on. */
static unsigned next_line(const char *text)
{
	unsigned n = 1;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

static const struct pz_zone_desc *zone_of(const struct pz_host_machine *m, unsigned nid, unsigned i)
{
	assert_true(nid < m->machine.nr_nodes);
	assert_true(i < m->machine.nodes[nid].nr_zones);
	return &m->machine.nodes[nid].zones[i];
}

static void check_zone(const struct pz_zone_desc *z, enum pz_zone_type type, uint64_t start,
		       uint64_t spanned, uint64_t present, uint64_t managed)
{
	assert_int_equal(z->type, type);
	assert_int_equal(z->start_pfn, start);
	assert_int_equal(z->end_pfn, start + spanned);
	if (present == spanned) {
		assert_int_equal(z->nr_present, 0);
	} else {
		assert_int_equal(z->nr_present, 1);
		assert_int_equal(z->present[0].start, start);
		assert_int_equal(z->present[0].end, start + present);
	}
	if (managed == present) {
		assert_int_equal(z->nr_reserved, 0);
	} else {
		assert_int_equal(z->nr_reserved, 1);
		assert_int_equal(z->reserved[0].start, start);
		assert_int_equal(z->reserved[0].end, start + present - managed);
	}
	assert_int_equal(z->nr_cma, 0);
}

static int parse(const char *text, unsigned nr_cpus, struct pz_host_machine **m, unsigned *line)
{
	return pz_host_machine_from_zoneinfo(text, strlen(text), nr_cpus, m, line);
}

static void expect_einval(const char *text, unsigned want_line)
{
	struct pz_host_machine *m = (void *)1;
	unsigned line = 12345;

	assert_int_equal(parse(text, 0, &m, &line), -PZ_EINVAL);
	assert_null(m);
	assert_int_equal(line, want_line);
}

/* ---- zoneinfo parser ----------------------------------------------------- */

static void test_zoneinfo_linux61_fixture(void **state)
{
	struct pz_host_machine *m;
	(void)state;

	assert_int_equal(pz_host_machine_from_file(FIXTURE_61, 0, &m), 0);
	if (strlen(FIXTURE_61) < sizeof(m->source))
		assert_string_equal(m->source, FIXTURE_61);
	else
		assert_string_equal(m->source, &FIXTURE_61[strlen(FIXTURE_61) - 63]);
	assert_int_equal(m->machine.nr_nodes, 1);
	assert_int_equal(m->machine.nr_cpus, 2);
	assert_int_equal(m->machine.page_shift, 0);
	assert_int_equal(m->machine.max_order, 0);
	assert_int_equal(m->machine.pageblock_order, 0);
	assert_null(m->machine.cpu_node);
	assert_int_equal(m->machine.distance[0], 10);
	assert_int_equal(m->machine.nodes[0].nr_zones, 3); /* Movable, Device unpopulated */
	check_zone(zone_of(m, 0, 0), PZ_ZONE_DMA, 1, 4095, 3998, 3840);
	check_zone(zone_of(m, 0, 1), PZ_ZONE_DMA32, 4096, 1044480, 126937, 110553);
	check_zone(zone_of(m, 0, 2), PZ_ZONE_NORMAL, 1048576, 131072, 131072, 114393);
	assert_int_equal(m->nr_ranges, 5);
	pz_host_machine_free(m);

	/* an explicit CPU count wins */
	assert_int_equal(pz_host_machine_from_file(FIXTURE_61, 7, &m), 0);
	assert_int_equal(m->machine.nr_cpus, 7);
	pz_host_machine_free(m);
}

/* The other recorded snapshots, when the shared traces are next to the repo. */
static void test_zoneinfo_recorded_traces(void **state)
{
	static const char *const runs[] = {"boot", "churn", "frag"};
	char path[512];
	unsigned r, found = 0;
	(void)state;

	for (r = 0; r < 3; r++) {
		struct pz_host_machine *m;

		snprintf(path, sizeof(path), PZ_SOURCE_DIR "/../shared/traces/%s/snap/zoneinfo.end",
			 runs[r]);
		if (access(path, R_OK))
			continue;
		found++;
		assert_int_equal(pz_host_machine_from_file(path, 0, &m), 0);
		assert_int_equal(m->machine.nodes[0].nr_zones, 3);
		assert_int_equal(zone_of(m, 0, 2)->start_pfn, 1048576);
		assert_int_equal(zone_of(m, 0, 2)->end_pfn, 1179648);
		pz_host_machine_free(m);
	}
	if (!found)
		skip();
}

static void test_zoneinfo_linux41_two_nodes(void **state)
{
	static char text[16384];
	struct pz_host_machine *m;
	unsigned line = 99;
	(void)state;

	text[0] = 0;
	zone41(text, sizeof(text), 0, "DMA", 1, 4095, 3998, 3977, 4);
	zone41(text, sizeof(text), 0, "DMA32", 4096, 1044480, 782300, 770000, 4);
	zone41(text, sizeof(text), 0, "Normal", 1048576, 262144, 262144, 258000, 4);
	zone41(text, sizeof(text), 1, "Normal", 1310720, 262144, 262144, 262144, 4);
	assert_int_equal(parse(text, 0, &m, &line), 0);
	assert_int_equal(line, 0);
	assert_string_equal(m->source, "zoneinfo");
	assert_int_equal(m->machine.nr_nodes, 2);
	assert_int_equal(m->machine.nr_cpus, 4);
	assert_int_equal(m->machine.nodes[0].nr_zones, 3);
	assert_int_equal(m->machine.nodes[1].nr_zones, 1);
	check_zone(zone_of(m, 0, 0), PZ_ZONE_DMA, 1, 4095, 3998, 3977);
	check_zone(zone_of(m, 0, 1), PZ_ZONE_DMA32, 4096, 1044480, 782300, 770000);
	check_zone(zone_of(m, 0, 2), PZ_ZONE_NORMAL, 1048576, 262144, 262144, 258000);
	check_zone(zone_of(m, 1, 0), PZ_ZONE_NORMAL, 1310720, 262144, 262144, 262144);
	assert_non_null(m->machine.distance);
	assert_int_equal(m->machine.distance[0 * 2 + 0], 10);
	assert_int_equal(m->machine.distance[0 * 2 + 1], 20);
	assert_int_equal(m->machine.distance[1 * 2 + 0], 20);
	assert_int_equal(m->machine.distance[1 * 2 + 1], 10);
	pz_host_machine_free(m);

	/* sparse node ids are numbered densely; HighMem and Movable map */
	text[0] = 0;
	zone41(text, sizeof(text), 0, "Normal", 0x100, 0x1000, 0x1000, 0x1000, 1);
	zone41(text, sizeof(text), 0, "HighMem", 0x1100, 0x100, 0x100, 0x100, 1);
	zone41(text, sizeof(text), 2, "Normal", 0x2000, 0x1000, 0x800, 0x800, 1);
	zone41(text, sizeof(text), 2, "Movable", 0x3000, 0x1000, 0x1000, 0x1000, 1);
	assert_int_equal(parse(text, 0, &m, NULL), 0);
	assert_int_equal(m->machine.nr_nodes, 2);
	assert_int_equal(m->machine.nr_cpus, 1);
	check_zone(zone_of(m, 0, 1), PZ_ZONE_HIGHMEM, 0x1100, 0x100, 0x100, 0x100);
	check_zone(zone_of(m, 1, 0), PZ_ZONE_NORMAL, 0x2000, 0x1000, 0x800, 0x800);
	check_zone(zone_of(m, 1, 1), PZ_ZONE_MOVABLE, 0x3000, 0x1000, 0x1000, 0x1000);
	pz_host_machine_free(m);
}

static void test_zoneinfo_this_machine(void **state)
{
	struct pz_host_machine *m;
	unsigned nid, i, zones = 0;
	(void)state;

	if (access("/proc/zoneinfo", R_OK))
		skip();
	assert_int_equal(pz_host_machine_from_file(NULL, 0, &m), 0);
	assert_string_equal(m->source, "/proc/zoneinfo");
	assert_true(m->machine.nr_nodes >= 1);
	assert_true(m->machine.nr_cpus >= 1 && m->machine.nr_cpus <= PZ_MAX_CPUS);
	for (nid = 0; nid < m->machine.nr_nodes; nid++) {
		for (i = 0; i < m->machine.nodes[nid].nr_zones; i++) {
			const struct pz_zone_desc *z = zone_of(m, nid, i);

			assert_true(z->start_pfn < z->end_pfn);
			if (i)
				assert_true(zone_of(m, nid, i - 1)->end_pfn <= z->start_pfn);
			zones++;
		}
	}
	assert_true(zones >= 1);
	pz_host_machine_free(m);
}

static void test_zoneinfo_unpopulated_and_crlf(void **state)
{
	struct pz_host_machine *m;
	(void)state;

	/* 4.14+ prints unpopulated zones with no pagesets and no start_pfn;
	 * a memoryless node is kept with no zones. */
	assert_int_equal(parse("Node 0, zone   Normal\r\n"
			       "  pages free 10\r\n"
			       "        spanned  4096\r\n"
			       "        present  4096\r\n"
			       "        managed  4000\r\n"
			       "  start_pfn:           4096\r\n"
			       "Node 0, zone  Movable\n"
			       "        spanned  0\n"
			       "        present  0\n"
			       "        managed  0\n"
			       "Node 0, zone   Device\n"
			       "        spanned  0\n"
			       "        present  0\n"
			       "\n"
			       "Node 1, zone   Normal\n"
			       "        spanned  0\n"
			       "        present  0\n"
			       "        managed  0\n",
			       0, &m, NULL),
			 0);
	assert_int_equal(m->machine.nr_nodes, 2);
	assert_int_equal(m->machine.nr_cpus, 1); /* no pageset at all */
	assert_int_equal(m->machine.nodes[0].nr_zones, 1);
	assert_int_equal(m->machine.nodes[1].nr_zones, 0);
	check_zone(zone_of(m, 0, 0), PZ_ZONE_NORMAL, 4096, 4096, 4096, 4000);
	pz_host_machine_free(m);

	/* no "managed" line (before 3.8): managed = present */
	assert_int_equal(parse("Node 0, zone Normal\n spanned 100\n present 90\n start_pfn: 10\n",
			       0, &m, NULL),
			 0);
	check_zone(zone_of(m, 0, 0), PZ_ZONE_NORMAL, 10, 100, 90, 90);
	pz_host_machine_free(m);
}

static void test_zoneinfo_errors(void **state)
{
	static char text[16384];
	struct pz_host_machine *m = (void *)1;
	char *fix;
	size_t len;
	unsigned line;
	(void)state;

	expect_einval("", 1);
	expect_einval("\n\n", 3);
	expect_einval("hello world\n", 1);
	expect_einval("\177ELF\002\001\001", 1);
	expect_einval("Node x, zone DMA\n", 1);
	expect_einval("Node 0 zone DMA\n", 1);
	expect_einval("Node 0, zone\n", 1);
	expect_einval("Node 0, zone DMA extra\n", 1);
	/* a field that is not a number */
	expect_einval("Node 0, zone DMA\n spanned 12x\n", 2);
	expect_einval("Node 0, zone DMA\n spanned 99999999999999999999999\n", 2);
	expect_einval("Node 0, zone DMA\n    cpu: zero\n", 2);
	/* inconsistent counts, missing fields: reported at the zone header */
	expect_einval("Node 0, zone DMA\n spanned 10\n present 11\n start_pfn: 1\n", 1);
	expect_einval("Node 0, zone DMA\n spanned 10\n present 10\n managed 11\n start_pfn: 1\n",
		      1);
	expect_einval("Node 0, zone DMA\n spanned 10\n present 10\n", 1);
	expect_einval("Node 0, zone DMA\n present 10\n start_pfn: 1\n", 1);
	expect_einval("Node 0, zone Weird\n spanned 10\n present 10\n start_pfn: 1\n", 1);
	expect_einval("Node 0, zone DMA\n spanned 10\n present 10\n"
		      " start_pfn: 18446744073709551615\n",
		      1);
	/* only unpopulated zones: nothing to allocate from */
	expect_einval("Node 0, zone Movable\n spanned 0\n present 0\n managed 0\n", 5);

	/* nodes out of order */
	text[0] = 0;
	zone41(text, sizeof(text), 1, "Normal", 0x2000, 0x1000, 0x1000, 0x1000, 1);
	line = next_line(text);
	zone41(text, sizeof(text), 0, "DMA", 1, 0xfff, 0xfff, 0xfff, 1);
	expect_einval(text, line);

	/* zones of a node out of type order, and overlapping in one node */
	text[0] = 0;
	zone41(text, sizeof(text), 0, "Normal", 0x2000, 0x1000, 0x1000, 0x1000, 1);
	line = next_line(text);
	zone41(text, sizeof(text), 0, "DMA", 1, 0xfff, 0xfff, 0xfff, 1);
	expect_einval(text, line);
	text[0] = 0;
	zone41(text, sizeof(text), 0, "DMA", 1, 0x1000, 0x1000, 0x1000, 1);
	line = next_line(text);
	zone41(text, sizeof(text), 0, "DMA32", 0xfff, 0x1000, 0x1000, 0x1000, 1);
	expect_einval(text, line);

	/* zones of two nodes overlapping */
	text[0] = 0;
	zone41(text, sizeof(text), 0, "Normal", 0x1000, 0x1000, 0x1000, 0x1000, 1);
	line = next_line(text);
	zone41(text, sizeof(text), 1, "Normal", 0x1800, 0x1000, 0x1000, 0x1000, 1);
	expect_einval(text, line);

	/* the recorded snapshot cut inside DMA32's pagesets: no start_pfn */
	fix = read_text(FIXTURE_61, &len);
	assert_non_null(fix);
	fix[line_offset(fix, FIXTURE_61_DMA32_CPU1)] = 0;
	expect_einval(fix, FIXTURE_61_DMA32_LINE);
	free(fix);

	/* bad arguments */
	assert_int_equal(parse("", 0, NULL, NULL), -PZ_EINVAL);
	assert_int_equal(pz_host_machine_from_zoneinfo(NULL, 5, 0, &m, NULL), -PZ_EINVAL);
	assert_int_equal(
		pz_host_machine_from_zoneinfo(text, strlen(text), PZ_MAX_CPUS + 1, &m, &line),
		-PZ_EINVAL);
	assert_int_equal(line, 0);
	assert_int_equal(pz_host_machine_from_file("/nonexistent/zoneinfo", 0, &m), -PZ_ENODEV);
	assert_null(m);
	assert_int_equal(pz_host_machine_from_file(PZ_SOURCE_DIR "/tests", 0, &m), -PZ_ENODEV);
	pz_host_machine_free(NULL);
}

/* ---- default machine ---------------------------------------------------- */

static void test_machine_default(void **state)
{
	struct pz_host_machine *m;
	const struct pz_zone_desc *z;
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	(void)state;

	assert_int_equal(pz_host_machine_default(0, &m), 0);
	assert_string_equal(m->source, "default");
	assert_int_equal(m->machine.nr_nodes, 1);
	assert_int_equal(m->machine.nr_cpus,
			 online > PZ_MAX_CPUS ? PZ_MAX_CPUS : (online < 1 ? 1 : online));
	assert_int_equal(m->machine.nodes[0].nr_zones, 3);
	z = zone_of(m, 0, 0);
	assert_int_equal(z->type, PZ_ZONE_DMA);
	assert_int_equal(z->start_pfn, 1);
	assert_int_equal(z->end_pfn, 4096);
	assert_int_equal(z->nr_present, 2);
	assert_int_equal(z->present[0].start, 1);
	assert_int_equal(z->present[0].end, 0xa0);
	assert_int_equal(z->present[1].start, 0x100);
	assert_int_equal(z->present[1].end, 0x1000);
	z = zone_of(m, 0, 1);
	assert_int_equal(z->type, PZ_ZONE_DMA32);
	assert_int_equal(z->start_pfn, 4096);
	assert_int_equal(z->end_pfn, 1048576);
	assert_int_equal(z->nr_present, 1);
	assert_int_equal(z->present[0].end, 0xbffe0);
	z = zone_of(m, 0, 2);
	assert_int_equal(z->type, PZ_ZONE_NORMAL);
	assert_int_equal(z->start_pfn, 1048576);
	assert_int_equal(z->end_pfn, 1064960); /* 64 MiB */
	assert_int_equal(z->nr_present, 0);
	pz_host_machine_free(m);

	assert_int_equal(pz_host_machine_default(3, &m), 0);
	assert_int_equal(m->machine.nr_cpus, 3);
	pz_host_machine_free(m);
	assert_int_equal(pz_host_machine_default(PZ_MAX_CPUS + 1, &m), -PZ_EINVAL);
	assert_int_equal(pz_host_machine_default(0, NULL), -PZ_EINVAL);
}

/* ---- backing memory ----------------------------------------------------- */

/* The permissions ("rw-p", "---p") of the mapping holding addr. */
static int maps_perms(const void *addr, char perms[5])
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) == 3 && (uintptr_t)addr >= lo &&
		    (uintptr_t)addr < hi)
			found = 1;
	}
	fclose(f);
	return found;
}

static char *pfn_addr(const struct pz_host_backing *b, uint64_t pfn)
{
	assert_true(pfn >= b->base_pfn && pfn < b->base_pfn + b->nr_pages);
	return (char *)b->base + ((pfn - b->base_pfn) << 12);
}

static void expect_hole(const struct pz_host_backing *b, uint64_t pfn)
{
	char perms[5];

	assert_true(maps_perms(pfn_addr(b, pfn), perms));
	assert_string_equal(perms, "---p");
}

/* Writes and reads back the first and last page of every present range. */
static void touch_present(const struct pz_machine *mach, const struct pz_host_backing *b)
{
	unsigned nid, i, r;

	for (nid = 0; nid < mach->nr_nodes; nid++) {
		for (i = 0; i < mach->nodes[nid].nr_zones; i++) {
			const struct pz_zone_desc *z = &mach->nodes[nid].zones[i];
			struct pz_range whole = {z->start_pfn, z->end_pfn};
			const struct pz_range *pr = z->nr_present ? z->present : &whole;
			unsigned n = z->nr_present ? z->nr_present : 1;

			for (r = 0; r < n; r++) {
				volatile char *first = pfn_addr(b, pr[r].start);
				volatile char *last = pfn_addr(b, pr[r].end - 1) + 4095;
				char perms[5];

				first[0] = (char)(0x40 + r);
				last[0] = (char)(0x50 + r);
				assert_int_equal(first[0], 0x40 + r);
				assert_int_equal(last[0], 0x50 + r);
				assert_true(maps_perms((const void *)first, perms));
				assert_string_equal(perms, "rw-p");
			}
		}
	}
}

static void test_backing_default_machine(void **state)
{
	struct pz_host_machine *m;
	struct pz_host_backing b;
	(void)state;

	assert_int_equal(pz_host_machine_default(2, &m), 0);
	assert_int_equal(pz_host_backing_create(&m->machine, 0, &b), 0);
	assert_non_null(b.base);
	assert_int_equal(b.base_pfn, 1);
	assert_int_equal(b.nr_pages, 1064960 - 1);
	assert_int_equal(b.length, (size_t)(1064960 - 1) << 12);
	assert_int_equal(b.flags_applied, 0);
	/* pfn addresses aligned like the pfns, up to an order-10 block */
	assert_int_equal((uintptr_t)pfn_addr(&b, 1024) % (4u << 20), 0);
	touch_present(&m->machine, &b);
	expect_hole(&b, 0xa0);
	expect_hole(&b, 0xff);
	expect_hole(&b, 0xbffe0);
	expect_hole(&b, 0xfffff);
	pz_host_backing_destroy(&b);
	assert_null(b.base);
	pz_host_backing_destroy(&b); /* twice is harmless */

	/* the optional flags never make creation fail */
	assert_int_equal(
		pz_host_backing_create(&m->machine,
				       PZ_HOST_BACKING_HUGEPAGES | PZ_HOST_BACKING_NUMA_BIND, &b),
		0);
	assert_int_equal(b.flags_applied & ~(PZ_HOST_BACKING_HUGEPAGES | PZ_HOST_BACKING_NUMA_BIND),
			 0);
	touch_present(&m->machine, &b);
	expect_hole(&b, 0xa0);
	pz_host_backing_destroy(&b);
	pz_host_machine_free(m);
}

static void test_backing_two_nodes_hugepages(void **state)
{
	struct tu_machine tm;
	struct pz_host_backing b;
	(void)state;

	/* hugepage-aligned ranges: explicit hugepages may be used */
	tu_machine_init(&tm, 2, 2);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 0x200, 0x1200);
	tu_add_zone(&tm, 1, PZ_ZONE_NORMAL, 0x1400, 0x2400);
	assert_int_equal(pz_host_backing_create(
				 &tm.m, PZ_HOST_BACKING_HUGEPAGES | PZ_HOST_BACKING_NUMA_BIND, &b),
			 0);
	assert_int_equal(b.base_pfn, 0x200);
	assert_int_equal(b.nr_pages, 0x2200);
	print_message("flags applied: %#x\n", b.flags_applied);
	touch_present(&tm.m, &b);
	expect_hole(&b, 0x1200);
	expect_hole(&b, 0x13ff);
	pz_host_backing_destroy(&b);
}

static void test_backing_errors(void **state)
{
	struct tu_machine tm;
	struct pz_host_backing b;
	struct pz_zone_desc *z;
	(void)state;

	tu_machine_simple(&tm, 4096, 0, 1);
	assert_int_equal(pz_host_backing_create(NULL, 0, &b), -PZ_EINVAL);
	assert_null(b.base);
	assert_int_equal(pz_host_backing_create(&tm.m, 0, NULL), -PZ_EINVAL);
	assert_int_equal(pz_host_backing_create(&tm.m, 0x80, &b), -PZ_EINVAL);
	tm.m.page_shift = 31;
	assert_int_equal(pz_host_backing_create(&tm.m, 0, &b), -PZ_EINVAL);

	tu_machine_init(&tm, 1, 1);
	assert_int_equal(pz_host_backing_create(&tm.m, 0, &b), -PZ_EINVAL); /* no zone */
	z = tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 0x100, 0x100);
	assert_int_equal(pz_host_backing_create(&tm.m, 0, &b), -PZ_EINVAL); /* empty span */
	z->end_pfn = 0x200;
	tu_zone_present(&tm, 0, z, 0x180, 0x280); /* present outside the span */
	assert_int_equal(pz_host_backing_create(&tm.m, 0, &b), -PZ_EINVAL);
	/* more than the address space */
	z->nr_present = 0;
	z->present = NULL;
	z->end_pfn = (uint64_t)1 << 52;
	assert_int_equal(pz_host_backing_create(&tm.m, 0, &b), -PZ_ENOMEM);
	pz_host_backing_destroy(NULL);
}

/* ---- platform ------------------------------------------------------------ */

static void *other_thread_cpu(void *arg)
{
	const struct pz_platform *p = pz_host_platform();
	unsigned *out = arg;

	out[0] = p->cpu(p->ctx); /* not pinned here */
	pz_host_set_cpu(7);
	out[1] = p->cpu(p->ctx);
	return NULL;
}

static void test_platform_cpu(void **state)
{
	const struct pz_platform *p = pz_host_platform();
	unsigned seen[2];
	pthread_t t;
	(void)state;

	assert_non_null(p);
	assert_ptr_equal(p, pz_host_platform());
	assert_non_null(p->cpu);
	assert_non_null(p->relax);
	assert_non_null(p->log);
	assert_null(p->trace);
	assert_null(p->zone_reclaim);
	assert_true(p->cpu(p->ctx) < CPU_SETSIZE);
	pz_host_set_cpu(5);
	assert_int_equal(p->cpu(p->ctx), 5);
	assert_int_equal(pthread_create(&t, NULL, other_thread_cpu, seen), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_true(seen[0] < CPU_SETSIZE);
	assert_int_equal(seen[1], 7);
	assert_int_equal(p->cpu(p->ctx), 5); /* the pin is per thread */
	pz_host_set_cpu(-1);
	assert_true(p->cpu(p->ctx) < CPU_SETSIZE);
	/* unpinned, the hook reports the CPU the thread runs on: bind the
	 * thread to each allowed CPU in turn and compare */
	{
		cpu_set_t saved_set, one;

		assert_int_equal(sched_getaffinity(0, sizeof(saved_set), &saved_set), 0);
		for (int c = 0; c < CPU_SETSIZE && c < 64; c++) {
			if (!CPU_ISSET(c, &saved_set))
				continue;
			CPU_ZERO(&one);
			CPU_SET(c, &one);
			assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
			assert_int_equal(p->cpu(p->ctx), (unsigned)c);
		}
		assert_int_equal(sched_setaffinity(0, sizeof(saved_set), &saved_set), 0);
	}
	p->relax(p->ctx);
}

static void test_platform_log(void **state)
{
	const struct pz_platform *p = pz_host_platform();
	char buf[128];
	int fds[2], saved;
	ssize_t n;
	(void)state;

	assert_int_equal(pipe(fds), 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fds[1], STDERR_FILENO) >= 0);
	p->log(p->ctx, PZ_LOG_WARN, "page allocation failure: order:3");
	p->log(p->ctx, PZ_LOG_ERR, NULL); /* ignored */
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	assert_true(n > 0);
	buf[n] = 0;
	assert_string_equal(buf, "pagezone: page allocation failure: order:3\n");
}

/* ---- current task --------------------------------------------------------- */

static void *other_thread_task(void *arg)
{
	struct pz_task **out = arg;
	struct pz_task mine;

	out[0] = pz_current_task(); /* the main thread's task is not ours */
	pz_task_init(&mine);
	pz_set_current_task(&mine);
	out[1] = pz_current_task() == &mine ? &mine : NULL;
	pz_set_current_task(NULL);
	return NULL;
}

static void test_current_task(void **state)
{
	struct pz_task task, *seen[2] = {NULL, NULL};
	pthread_t t;
	(void)state;

	pz_task_init(&task);
	assert_null(pz_current_task());
	pz_set_current_task(&task);
	assert_non_null(pz_current_task_hook);
	assert_ptr_equal(pz_current_task(), &task);
	assert_int_equal(pthread_create(&t, NULL, other_thread_task, seen), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_null(seen[0]);
	assert_non_null(seen[1]);
	assert_ptr_equal(pz_current_task(), &task);
	pz_set_current_task(NULL);
	assert_null(pz_current_task());
}

/* ---- instances on mapped metadata ---------------------------------------- */

static void test_host_create_default(void **state)
{
	struct pz_host_machine *m;
	struct pz_host_backing b;
	struct pz_config cfg;
	pz_t *pz = (void *)1;
	void *page;
	(void)state;

	assert_int_equal(pz_host_machine_default(2, &m), 0);
	assert_int_equal(pz_host_backing_create(&m->machine, 0, &b), 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &m->machine;
	cfg.direct_map = b.base;
	cfg.direct_map_pfn = b.base_pfn;
	assert_int_equal(pz_host_create(&cfg, &pz), 0);
	assert_non_null(pz);
	assert_int_equal((uintptr_t)pz % 64, 0);
	assert_int_equal(pz_nr_nodes(pz), 1);
	assert_int_equal(pz_nr_cpus(pz), 2);
	/* a page from the allocator is real memory in the backing */
	page = pz_get_zeroed_page(pz, PZ_GFP_KERNEL);
	assert_non_null(page);
	assert_true((char *)page >= (char *)b.base && (char *)page < (char *)b.base + b.length);
	assert_int_equal(((volatile char *)page)[4095], 0);
	memset(page, 0x5a, 4096);
	assert_int_equal(pz_free_pages_addr(pz, page, 0), 0);
	tu_validate(pz);
	pz_host_destroy(pz);
	pz_host_destroy(NULL);
	pz_host_backing_destroy(&b);
	pz_host_machine_free(m);
}

/* The zones an instance builds from the recorded snapshot match its text. */
static void test_host_create_from_fixture(void **state)
{
	static const struct {
		enum pz_zone_type type;
		uint64_t start, spanned, present, managed;
	} want[] = {
		{PZ_ZONE_DMA, 1, 4095, 3998, 3840},
		{PZ_ZONE_DMA32, 4096, 1044480, 126937, 110553},
		{PZ_ZONE_NORMAL, 1048576, 131072, 131072, 114393},
	};
	struct pz_host_machine *m;
	struct pz_zone_info *info;
	struct pz_config cfg;
	pz_t *pz;
	unsigned i;
	(void)state;

	assert_int_equal(pz_host_machine_from_file(FIXTURE_61, 0, &m), 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &m->machine;
	cfg.profile = PZ_PROFILE_MODERN;
	assert_int_equal(pz_host_create(&cfg, &pz), 0);
	info = malloc(sizeof(*info));
	assert_non_null(info);
	for (i = 0; i < 3; i++) {
		assert_int_equal(pz_zone_info(pz, 0, want[i].type, info), 0);
		assert_true(info->populated);
		assert_int_equal(info->start_pfn, want[i].start);
		assert_int_equal(info->spanned, want[i].spanned);
		assert_int_equal(info->present, want[i].present);
		assert_int_equal(info->managed, want[i].managed);
	}
	free(info);
	pz_host_destroy(pz);
	pz_host_machine_free(m);
}

static void test_host_create_errors(void **state)
{
	struct tu_machine tm;
	struct pz_config cfg;
	pz_t *pz = (void *)1;
	struct pz_platform quiet = {0};
	(void)state;

	assert_int_equal(pz_host_create(NULL, NULL), -PZ_EINVAL);
	tu_machine_simple(&tm, 4096, 0, 1);
	tm.m.max_order = PZ_MAX_ORDER_LIMIT + 1; /* refused by the core */
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &tm.m;
	cfg.platform = &quiet;
	assert_true(pz_host_create(&cfg, &pz) < 0);
	assert_null(pz);
}

/* ---- kcompactd's timer threads (linux-6.1) ------------------------------- */

#define KC_PAGES 16384
static pz_page_t *kc_held[KC_PAGES]; /* slot i + 1 in the owner word */

static enum pz_migrate_result kc_migrate(void *ctx, pz_t *pz, pz_page_t *src, pz_page_t *dst,
					 unsigned order, enum pz_migrate_mode mode)
{
	uintptr_t slot = pz_page_owner(src);

	(void)ctx;
	(void)pz;
	(void)mode;
	if (!slot || slot > KC_PAGES || kc_held[slot - 1] != src || order)
		return PZ_MIGRATE_UNKNOWN;
	kc_held[slot - 1] = dst;
	pz_page_set_owner(dst, slot);
	return PZ_MIGRATE_OK;
}

/* Nothing moves until the first 500 ms timeout; then the thread's tick
 * compacts the fragmented node. linux-4.1 has no such thread. */
static void test_host_kcompactd_timer(void **state)
{
	const pz_gfp_t gfp = PZ_GFP_HIGHUSER_MOVABLE & ~PZ__GFP_RECLAIM; /* kswapd stays asleep */
	struct pz_compaction_stats st = {0};
	struct tu_machine tm;
	struct pz_config cfg;
	struct timespec t0, t1;
	unsigned n = 0;
	pz_t *pz;
	(void)state;

	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, KC_PAGES, 2 * KC_PAGES);
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &tm.m;
	cfg.platform = pz_host_platform();
	cfg.profile = PZ_PROFILE_LINUX_4_1;
	assert_int_equal(pz_host_create(&cfg, &pz), 0);
	assert_int_equal(pz_host_kcompactd_start(pz), -PZ_EOPNOTSUPP);
	pz_host_destroy(pz);
	cfg.profile = PZ_PROFILE_LINUX_6_1;
	assert_int_equal(pz_host_create(&cfg, &pz), 0);
	assert_int_equal(pz_set_migrate_handler(pz, kc_migrate, NULL), 0);
	while (n < KC_PAGES && (kc_held[n] = pz_alloc_pages(pz, gfp | PZ__GFP_NOWARN, 0)))
		pz_page_set_owner(kc_held[n], n + 1), n++;
	for (unsigned i = 0; i < n; i++)
		if (pz_page_to_pfn(pz, kc_held[i]) % 4) {
			assert_int_equal(pz_free_pages(pz, kc_held[i], 0), 0);
			kc_held[i] = NULL;
		}
	pz_drain_all_pages(pz);
	assert_true(pz_fragmentation_score(pz, 0) > 90);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(pz_host_kcompactd_start(pz), 0);
	assert_int_equal(pz_host_kcompactd_start(pz), 0); /* running: nothing more */
	for (int i = 0; i < 100 && !st.proactive_runs; i++) {
		usleep(20000);
		assert_int_equal(pz_compaction_stats(pz, &st), 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(pz_host_kcompactd_stop(pz), 0);
	assert_int_equal(st.proactive_runs, 1);
	assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >=
		    PZ_KCOMPACTD_TICK_MS);
	assert_true(pz_fragmentation_score(pz, 0) <= 80);
	tu_validate(pz);
	for (unsigned i = 0; i < n; i++)
		if (kc_held[i])
			assert_int_equal(pz_free_pages(pz, kc_held[i], 0), 0);
	assert_int_equal(pz_host_kcompactd_start(pz), 0); /* destroy stops it */
	pz_host_destroy(pz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zoneinfo_linux61_fixture),
		cmocka_unit_test(test_zoneinfo_recorded_traces),
		cmocka_unit_test(test_zoneinfo_linux41_two_nodes),
		cmocka_unit_test(test_zoneinfo_this_machine),
		cmocka_unit_test(test_zoneinfo_unpopulated_and_crlf),
		cmocka_unit_test(test_zoneinfo_errors),
		cmocka_unit_test(test_machine_default),
		cmocka_unit_test(test_backing_default_machine),
		cmocka_unit_test(test_backing_two_nodes_hugepages),
		cmocka_unit_test(test_backing_errors),
		cmocka_unit_test(test_platform_cpu),
		cmocka_unit_test(test_platform_log),
		cmocka_unit_test(test_current_task),
		cmocka_unit_test(test_host_create_default),
		cmocka_unit_test(test_host_create_from_fixture),
		cmocka_unit_test(test_host_create_errors),
		cmocka_unit_test(test_host_kcompactd_timer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
