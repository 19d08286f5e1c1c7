/*
 * test_hostfail.c - white-box: every system and library call of the host
 * layer (mmap, mprotect, madvise, mbind, fopen, open, read, the heap)
 * failed at its 1st, 2nd, ... Nth use inside pz_host_create, the zoneinfo
 * readers, the default machine and pz_host_backing_create. Each run must
 * return the error include/pagezone.h documents for that call (or succeed
 * when the failing step is optional), leave nothing mapped (the host
 * layer's mapped-bytes total is back where it was) and leak nothing (the
 * ASan build's leak checker runs at exit).
 */
#include "testutil.h"
#include "../src/host/hostfail.h"

#include <string.h>

#define MAX_NTH 64

static const char *const call_names[PZ_HOST_NR_CALLS] = {
	"mmap", "mprotect", "madvise", "mbind", "fopen", "open", "read", "alloc",
};

/* One operation under test: returns its result code, and on success has
 * checked its output and released everything again. */
typedef int (*op_fn)(enum pz_host_call failing);

/*
 * Runs op with the Nth call of each kind failing, N = 1, 2, ... until a run
 * makes fewer than N calls of that kind (the failure never happens; the run
 * must then succeed). ok(kind, rc) says whether rc is a documented result.
 * Returns the kinds that were failed at least once (bit = 1 << kind).
 */
static unsigned fail_each_call(const char *name, op_fn op, bool (*ok)(enum pz_host_call, int))
{
	unsigned seen = 0;

	for (int k = 0; k < PZ_HOST_NR_CALLS; k++) {
		unsigned long n;

		for (n = 1; n <= MAX_NTH; n++) {
			size_t mapped = pz_host_mapped_bytes();
			int rc;
			bool fired;

			pz_host_fail_nth((enum pz_host_call)k, n);
			rc = op((enum pz_host_call)k);
			fired = !pz_host_fail_pending();
			pz_host_fail_nth((enum pz_host_call)k, 0);
			if (pz_host_mapped_bytes() != mapped)
				fail_msg("%s, %s #%lu failing: %zu bytes still mapped", name,
					 call_names[k], n, pz_host_mapped_bytes() - mapped);
			if (!fired) {
				if (rc != 0)
					fail_msg("%s with no failure returned %d", name, rc);
				break;
			}
			seen |= 1u << k;
			if (!ok((enum pz_host_call)k, rc))
				fail_msg("%s, %s #%lu failing: returned %d (%s)", name,
					 call_names[k], n, rc, pz_strerror(rc));
		}
		assert_true(n <= MAX_NTH);
	}
	return seen;
}

#define BIT(k) (1u << (k))

/* ---- pz_host_create ------------------------------------------------------- */

static int op_create(enum pz_host_call failing)
{
	struct tu_machine tm;
	struct pz_config cfg;
	struct pz_platform plat = tu_platform(0);
	pz_t *pz = (pz_t *)1;
	int rc;

	(void)failing;
	tu_machine_simple(&tm, 8192, 8192, 2);
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &tm.m;
	cfg.platform = &plat;
	rc = pz_host_create(&cfg, &pz);
	if (rc) {
		assert_null(pz);
		return rc;
	}
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 3);
	assert_non_null(p);
	assert_int_equal(pz_free_pages(pz, p, 3), 0);
	tu_validate(pz);
	pz_host_destroy(pz);
	return 0;
}

static bool create_ok(enum pz_host_call k, int rc)
{
	return k == PZ_HOST_MMAP && rc == -PZ_ENOMEM;
}

static void test_host_create(void **state)
{
	(void)state;
	assert_int_equal(fail_each_call("pz_host_create", op_create, create_ok), BIT(PZ_HOST_MMAP));
}

/* ---- machines: default, zoneinfo text, zoneinfo file ---------------------- */

static int op_default(enum pz_host_call failing)
{
	struct pz_host_machine *m = (struct pz_host_machine *)1;
	int rc;

	(void)failing;
	rc = pz_host_machine_default(2, &m);
	if (rc) {
		assert_null(m);
		return rc;
	}
	assert_int_equal(m->machine.nr_nodes, 1);
	assert_int_equal(m->machine.nodes[0].nr_zones, 3);
	pz_host_machine_free(m);
	return 0;
}

static bool alloc_enomem(enum pz_host_call k, int rc)
{
	return k == PZ_HOST_ALLOC && rc == -PZ_ENOMEM;
}

static const char *zoneinfo_path(void)
{
	return PZ_SOURCE_DIR "/fuzz/corpus/fuzz_zoneinfo/zoneinfo-linux-4.1-two-nodes.txt";
}

/* The machine the corpus file describes: two nodes. */
static void check_two_nodes(const struct pz_host_machine *m)
{
	assert_int_equal(m->machine.nr_nodes, 2);
	assert_true(m->machine.nodes[0].nr_zones >= 1);
	assert_true(m->machine.nodes[1].nr_zones >= 1);
}

static int op_text(enum pz_host_call failing)
{
	static const char text[] = "Node 0, zone   Normal\n"
				   "  pages free     1000\n"
				   "        spanned  4096\n"
				   "        present  4000\n"
				   "        managed  3900\n"
				   "  start_pfn:         4096\n";
	struct pz_host_machine *m = (struct pz_host_machine *)1;
	unsigned line = 99;
	int rc;

	(void)failing;
	rc = pz_host_machine_from_zoneinfo(text, sizeof(text) - 1, 1, &m, &line);
	if (rc) {
		assert_null(m);
		assert_int_equal(line, 0); /* not a parse error */
		return rc;
	}
	assert_int_equal(m->machine.nodes[0].zones[0].start_pfn, 4096);
	assert_int_equal(m->machine.nodes[0].zones[0].nr_reserved, 1);
	pz_host_machine_free(m);
	return 0;
}

static int op_file(enum pz_host_call failing)
{
	struct pz_host_machine *m = (struct pz_host_machine *)1;
	int rc;

	(void)failing;
	rc = pz_host_machine_from_file(zoneinfo_path(), 2, &m);
	if (rc) {
		assert_null(m);
		return rc;
	}
	check_two_nodes(m);
	pz_host_machine_free(m);
	return 0;
}

static bool file_ok(enum pz_host_call k, int rc)
{
	if (k == PZ_HOST_OPEN || k == PZ_HOST_READ)
		return rc == -PZ_ENODEV;
	return alloc_enomem(k, rc);
}

static void test_machines(void **state)
{
	(void)state;
	assert_int_equal(fail_each_call("pz_host_machine_default", op_default, alloc_enomem),
			 BIT(PZ_HOST_ALLOC));
	assert_int_equal(fail_each_call("pz_host_machine_from_zoneinfo", op_text, alloc_enomem),
			 BIT(PZ_HOST_ALLOC));
	assert_int_equal(fail_each_call("pz_host_machine_from_file", op_file, file_ok),
			 BIT(PZ_HOST_OPEN) | BIT(PZ_HOST_READ) | BIT(PZ_HOST_ALLOC));
}

/* ---- backing --------------------------------------------------------------- */

static unsigned backing_applied;

static int op_backing(enum pz_host_call failing)
{
	struct tu_machine tm;
	struct pz_host_backing b;
	int rc;

	(void)failing;
	backing_applied = 0;
	tu_machine_init(&tm, 1, 1);
	struct pz_zone_desc *dma = tu_add_zone(&tm, 0, PZ_ZONE_DMA, 1, 4096);
	tu_zone_present(&tm, 0, dma, 1, 0xa0);
	tu_zone_present(&tm, 0, dma, 0x100, 4096);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 4096 + 16384);
	memset(&b, 0x5a, sizeof(b));
	rc = pz_host_backing_create(&tm.m, PZ_HOST_BACKING_HUGEPAGES | PZ_HOST_BACKING_NUMA_BIND,
				    &b);
	if (rc) {
		assert_null(b.base);
		return rc;
	}
	backing_applied = b.flags_applied;
	/* present memory is usable */
	char *last = (char *)b.base + ((4096 + 16384 - 1 - b.base_pfn) << 12);
	last[0] = 1;
	((char *)b.base)[0] = 2;
	pz_host_backing_destroy(&b);
	assert_null(b.base);
	return 0;
}

/* Reserving and enabling present memory are required (-PZ_ENOMEM); the
 * hugepage and NUMA steps are optional: the call succeeds without them. */
static bool backing_ok(enum pz_host_call k, int rc)
{
	switch (k) {
	case PZ_HOST_MMAP:
		return rc == -PZ_ENOMEM ||
		       (rc == 0 && !(backing_applied & PZ_HOST_BACKING_HUGEPAGES));
	case PZ_HOST_MPROTECT:
		return rc == -PZ_ENOMEM;
	case PZ_HOST_MADVISE: /* no THP advice, and no hugetlb (else no advice) */
		return rc == 0 && !(backing_applied & PZ_HOST_BACKING_HUGEPAGES);
	case PZ_HOST_FOPEN: /* hugepage size unknown: THP advice only */
		return rc == 0;
	case PZ_HOST_MBIND:
		return rc == 0 && !(backing_applied & PZ_HOST_BACKING_NUMA_BIND);
	default:
		return false;
	}
}

static void test_backing(void **state)
{
	(void)state;
	unsigned seen = fail_each_call("pz_host_backing_create", op_backing, backing_ok);
	unsigned must = BIT(PZ_HOST_MMAP) | BIT(PZ_HOST_MPROTECT) | BIT(PZ_HOST_FOPEN);

	/* madvise runs when hugetlb is not there, mbind when libnuma is */
	assert_int_equal(seen & must, must);
	assert_int_equal(seen & ~(must | BIT(PZ_HOST_MADVISE) | BIT(PZ_HOST_MBIND)), 0);
	print_message("backing: failed calls 0x%x, flags applied without failures 0x%x\n", seen,
		      backing_applied);
	/* the first mmap is the reservation: failing it is the documented error */
	pz_host_fail_nth(PZ_HOST_MMAP, 1);
	assert_int_equal(op_backing(PZ_HOST_MMAP), -PZ_ENOMEM);
	pz_host_fail_nth(PZ_HOST_MMAP, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_create),
		cmocka_unit_test(test_machines),
		cmocka_unit_test(test_backing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
