/*
 * test_zonelist.c - zonelists (fallback node order, node order vs zone
 * order, the THISNODE list) and where allocations land: preferred node,
 * nodemask, __GFP_THISNODE, GFP_DMA / GFP_DMA32 (spec sections 1.4, 2.2,
 * 2.3, 5.2, 5.3).
 *
 * Black-box: only <pagezone.h> and the test helpers.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#define N   PZ_ZONE_NORMAL
#define D32 PZ_ZONE_DMA32
#define D   PZ_ZONE_DMA

static struct tu_machine tm;

static pz_t *create(const struct tu_machine *m, enum pz_zonelist_order order)
{
	struct pz_config cfg;
	tu_config(&cfg, &m->m, PZ_PROFILE_LINUX_4_1, 0);
	cfg.zonelist_order = order;
	tu_cpu = 0; /* a failed test may have left another CPU current */
	return tu_create_ok(&cfg);
}

/*
 * nr_nodes nodes of 8192 pages each: node 0 has DMA [1, 4096), DMA32
 * [4096, 8192) and Normal [8192, 16384); node k > 0 has Normal
 * [8192 * (k + 1), 8192 * (k + 2)).
 */
static void machine(unsigned nr_nodes, unsigned nr_cpus, const uint8_t *dist)
{
	tu_machine_init(&tm, nr_nodes, nr_cpus);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA, 1, 4096);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, 8192);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 16384);
	for (unsigned k = 1; k < nr_nodes; k++)
		tu_add_zone(&tm, k, PZ_ZONE_NORMAL, 8192 * (k + 1), 8192 * (k + 2));
	if (dist) {
		memcpy(tm.distance, dist, nr_nodes * nr_nodes);
		tm.m.distance = tm.distance;
	}
}

/* want: (nid, type) pairs */
static void check_zonelist(pz_t *pz, int nid, int which, const int *want, int n)
{
	int out[2 * 32];
	memset(out, 0x7f, sizeof(out));
	int got = pz_zonelist(pz, nid, which, out, 32);
	if (got != n) {
		fail_msg("node %d list %d: %d entries, want %d", nid, which, got, n);
	}
	for (int i = 0; i < n; i++) {
		if (out[2 * i] != want[2 * i] || out[2 * i + 1] != want[2 * i + 1])
			fail_msg("node %d list %d entry %d: (%d, %d), want (%d, %d)", nid, which, i,
				 out[2 * i], out[2 * i + 1], want[2 * i], want[2 * i + 1]);
	}
}

/* ---------------------------------------------------------------------- */
/* Two nodes, default distances (10 local, 20 remote).                     */

static void test_zonelist_two_nodes_node_order(void **state)
{
	(void)state;
	machine(2, 2, NULL);
	pz_t *pz = create(&tm, PZ_ZONELIST_ORDER_DEFAULT);
	/* node order: local node's zones high to low, then node 1 */
	const int z0[] = {0, N, 0, D32, 0, D, 1, N};
	const int z1[] = {1, N, 0, N, 0, D32, 0, D};
	check_zonelist(pz, 0, 0, z0, 4);
	check_zonelist(pz, 1, 0, z1, 4);
	/* THISNODE lists: own populated zones, high to low */
	const int t0[] = {0, N, 0, D32, 0, D};
	const int t1[] = {1, N};
	check_zonelist(pz, 0, 1, t0, 3);
	check_zonelist(pz, 1, 1, t1, 1);
	tu_destroy(pz);

	/* explicit node order is the same */
	pz = create(&tm, PZ_ZONELIST_ORDER_NODE);
	check_zonelist(pz, 0, 0, z0, 4);
	check_zonelist(pz, 1, 0, z1, 4);
	tu_destroy(pz);
}

static void test_zonelist_two_nodes_zone_order(void **state)
{
	(void)state;
	machine(2, 2, NULL);
	pz_t *pz = create(&tm, PZ_ZONELIST_ORDER_ZONE);
	/* zone order: for each type high to low, the nodes in fallback order */
	const int z0[] = {0, N, 1, N, 0, D32, 0, D};
	const int z1[] = {1, N, 0, N, 0, D32, 0, D};
	check_zonelist(pz, 0, 0, z0, 4);
	check_zonelist(pz, 1, 0, z1, 4);
	/* the THISNODE list does not depend on the order */
	const int t0[] = {0, N, 0, D32, 0, D};
	check_zonelist(pz, 0, 1, t0, 3);
	tu_destroy(pz);
}

/* pz_zonelist returns the full count even when max is smaller, and writes
 * only max entries; bad nodes and lists are refused. */
static void test_zonelist_short_buffer_and_errors(void **state)
{
	(void)state;
	machine(2, 2, NULL);
	pz_t *pz = create(&tm, PZ_ZONELIST_ORDER_DEFAULT);
	int out[8];
	for (int i = 0; i < 8; i++)
		out[i] = -77;
	assert_int_equal(pz_zonelist(pz, 0, 0, out, 2), 4);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], N);
	assert_int_equal(out[2], 0);
	assert_int_equal(out[3], D32);
	for (int i = 4; i < 8; i++)
		assert_int_equal(out[i], -77);
	assert_true(pz_zonelist(pz, 2, 0, out, 4) < 0);
	assert_true(pz_zonelist(pz, -1, 0, out, 4) < 0);
	assert_true(pz_zonelist(pz, 0, 2, out, 4) < 0);
	tu_destroy(pz);
}

/* ---------------------------------------------------------------------- */
/* Four nodes: fallback node order (find_next_best_node).                  */

/*
 * A square: 0-1, 0-2, 1-3, 2-3 at 20; the diagonals 0-3, 1-2 at 30.
 * Every node has a CPU (4 CPUs, cpu % 4). Key = (dist + (n < local) + 1)
 * * M + node_load[n]; node_load is set to `load` (4, 3, 2, 1 down the
 * list) for the first node of each new distance, and persists from one
 * node's build to the next.
 *   node 0: 0; {1: 21, 2: 21, 3: 31} -> 1 (first of the tie), load[1] = 3;
 *           {2: 21, 3: 31} -> 2 (same distance, no load); 3, load[3] = 1.
 *           order 0 1 2 3.
 *   node 1: 1; {0: 20+1+1 = 22, 2: 31, 3: 21M + load 1} -> 3, load[3] = 3;
 *           {0: 22, 2: 31} -> 0; 2, load[2] = 1.  order 1 3 0 2.
 *   node 2: 2; {0: 22, 1: 32M + 3, 3: 21M + 3} -> 3, load[3] = 3;
 *           {0: 22, 1: 32} -> 0; 1, load[1] = 1.  order 2 3 0 1.
 *   node 3: 3; {0: 32, 1: 22M + 1, 2: 22M + 1} -> 1 (tie: lower id),
 *           load[1] = 3; {0: 32, 2: 22} -> 2; 0.  order 3 1 2 0.
 */
static const uint8_t square[16] = {
	10, 20, 20, 30, /* */
	20, 10, 30, 20, /* */
	20, 30, 10, 20, /* */
	30, 20, 20, 10,
};

static void test_zonelist_four_nodes_square_node_order(void **state)
{
	(void)state;
	machine(4, 4, square);
	pz_t *pz = create(&tm, PZ_ZONELIST_ORDER_DEFAULT);
	const int z0[] = {0, N, 0, D32, 0, D, 1, N, 2, N, 3, N};
	const int z1[] = {1, N, 3, N, 0, N, 0, D32, 0, D, 2, N};
	const int z2[] = {2, N, 3, N, 0, N, 0, D32, 0, D, 1, N};
	const int z3[] = {3, N, 1, N, 2, N, 0, N, 0, D32, 0, D};
	check_zonelist(pz, 0, 0, z0, 6);
	check_zonelist(pz, 1, 0, z1, 6);
	check_zonelist(pz, 2, 0, z2, 6);
	check_zonelist(pz, 3, 0, z3, 6);
	for (int k = 1; k < 4; k++) {
		const int t[] = {k, N};
		check_zonelist(pz, k, 1, t, 1);
	}
	tu_destroy(pz);
}

static void test_zonelist_four_nodes_square_zone_order(void **state)
{
	(void)state;
	machine(4, 4, square);
	pz_t *pz = create(&tm, PZ_ZONELIST_ORDER_ZONE);
	/* same node orders as above; Normal of every node first, then DMA32, DMA */
	const int z0[] = {0, N, 1, N, 2, N, 3, N, 0, D32, 0, D};
	const int z1[] = {1, N, 3, N, 0, N, 2, N, 0, D32, 0, D};
	const int z2[] = {2, N, 3, N, 0, N, 1, N, 0, D32, 0, D};
	const int z3[] = {3, N, 1, N, 2, N, 0, N, 0, D32, 0, D};
	check_zonelist(pz, 0, 0, z0, 6);
	check_zonelist(pz, 1, 0, z1, 6);
	check_zonelist(pz, 2, 0, z2, 6);
	check_zonelist(pz, 3, 0, z3, 6);
	tu_destroy(pz);
}

/*
 * Uniform distances (NULL: 10 local, 20 remote), 4 CPUs: the node_load
 * round robin rotates the equal-distance nodes.
 *   node 0: {1,2,3 all 21} -> 1, load[1] = 3; 2; 3.        0 1 2 3
 *   node 1: {0: 22, 2: 21M + 0, 3: 21M + 0} -> 2, load[2] = 3;
 *           {0: 22, 3: 21} -> 3; 0.                        1 2 3 0
 *   node 2: {0: 22, 1: 22M + 3, 3: 21} -> 3, load[3] = 3;
 *           {0: 22M + 0, 1: 22M + 3} -> 0; 1.              2 3 0 1
 *   node 3: {0: 22M + 0, 1: 22M + 3, 2: 22M + 3} -> 0, load[0] = 3;
 *           {1, 2: 22M + 3} -> 1; 2.                       3 0 1 2
 */
static void test_zonelist_four_nodes_round_robin(void **state)
{
	(void)state;
	machine(4, 4, NULL);
	pz_t *pz = create(&tm, PZ_ZONELIST_ORDER_DEFAULT);
	const int z0[] = {0, N, 0, D32, 0, D, 1, N, 2, N, 3, N};
	const int z1[] = {1, N, 2, N, 3, N, 0, N, 0, D32, 0, D};
	const int z2[] = {2, N, 3, N, 0, N, 0, D32, 0, D, 1, N};
	const int z3[] = {3, N, 0, N, 0, D32, 0, D, 1, N, 2, N};
	check_zonelist(pz, 0, 0, z0, 6);
	check_zonelist(pz, 1, 0, z1, 6);
	check_zonelist(pz, 2, 0, z2, 6);
	check_zonelist(pz, 3, 0, z3, 6);
	tu_destroy(pz);
}

/*
 * Uniform distances, 2 CPUs (cpu 0 on node 0, cpu 1 on node 1): nodes 2
 * and 3 have no CPU and so no +1 penalty; they are preferred.
 *   node 0: {1: 21, 2: 20, 3: 20} -> 2, load[2] = 3; {1: 21, 3: 20} -> 3; 1.
 *                                                          0 2 3 1
 *   node 1: {0: 22, 2: 20M + 3, 3: 20M + 0} -> 3, load[3] = 3;
 *           {0: 22, 2: 20} -> 2; 0.                        1 3 2 0
 *   node 2: {0: 22, 1: 22, 3: 20M + 3} -> 3, load[3] = 3; {0, 1: 22} -> 0; 1.
 *                                                          2 3 0 1
 *   node 3: {0: 22, 1: 22, 2: 21M + 3} -> 2, load[2] = 3; -> 0; 1.
 *                                                          3 2 0 1
 */
static void test_zonelist_four_nodes_headless(void **state)
{
	(void)state;
	machine(4, 2, NULL);
	pz_t *pz = create(&tm, PZ_ZONELIST_ORDER_DEFAULT);
	const int z0[] = {0, N, 0, D32, 0, D, 2, N, 3, N, 1, N};
	const int z1[] = {1, N, 3, N, 2, N, 0, N, 0, D32, 0, D};
	const int z2[] = {2, N, 3, N, 0, N, 0, D32, 0, D, 1, N};
	const int z3[] = {3, N, 2, N, 0, N, 0, D32, 0, D, 1, N};
	check_zonelist(pz, 0, 0, z0, 6);
	check_zonelist(pz, 1, 0, z1, 6);
	check_zonelist(pz, 2, 0, z2, 6);
	check_zonelist(pz, 3, 0, z3, 6);
	tu_destroy(pz);
}

/*
 * An explicit cpu_node table: CPUs on nodes 2 and 3 only, square distances.
 * (key = dist + (n < local) + (n has a CPU), then * M + node_load[n])
 *   node 0: {1: 20, 2: 20+1 = 21, 3: 30+1 = 31} -> 1, load[1] = 3;
 *           {2: 21, 3: 31} -> 2; 3, load[3] = 1.           0 1 2 3
 *   node 1: {0: 20+1 = 21M + 0, 2: 30+1 = 31, 3: 20+1 = 21M + 1} -> 0,
 *           load[0] = 3; {2: 31, 3: 21} -> 3; 2, load[2] = 1.   1 0 3 2
 *   node 2: {0: 20+1 = 21M + 3, 1: 30+1 = 31, 3: 20+1 = 21M + 1} -> 3,
 *           load[3] = 3; {0: 21, 1: 31} -> 0; 1, load[1] = 1.   2 3 0 1
 *   node 3: {0: 30+1 = 31, 1: 20+1 = 21M + 1, 2: 20+1+1 = 22} -> 1;
 *           {0: 31, 2: 22} -> 2; 0.                        3 1 2 0
 */
static void test_zonelist_cpu_node_table(void **state)
{
	(void)state;
	static const uint8_t cpu_node[2] = {2, 3};
	machine(4, 2, square);
	tm.m.cpu_node = cpu_node;
	pz_t *pz = create(&tm, PZ_ZONELIST_ORDER_DEFAULT);
	const int z0[] = {0, N, 0, D32, 0, D, 1, N, 2, N, 3, N};
	const int z1[] = {1, N, 0, N, 0, D32, 0, D, 3, N, 2, N};
	const int z2[] = {2, N, 3, N, 0, N, 0, D32, 0, D, 1, N};
	const int z3[] = {3, N, 1, N, 2, N, 0, N, 0, D32, 0, D};
	check_zonelist(pz, 0, 0, z0, 6);
	check_zonelist(pz, 1, 0, z1, 6);
	check_zonelist(pz, 2, 0, z2, 6);
	check_zonelist(pz, 3, 0, z3, 6);
	tu_destroy(pz);
}

/*
 * A memoryless node (a CPU, no zones): its fallback list holds the other
 * nodes' zones, its THISNODE list is empty, and a THISNODE request from it
 * fails at once (spec 2.2: an empty zonelist returns NULL).
 */
static void test_zonelist_memoryless_node(void **state)
{
	(void)state;
	tu_machine_init(&tm, 3, 3);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA, 1, 4096);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, 8192);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 8192, 16384);
	/* node 1: no memory */
	tu_add_zone(&tm, 2, PZ_ZONE_NORMAL, 16384, 24576);
	pz_t *pz = create(&tm, PZ_ZONELIST_ORDER_DEFAULT);
	/* node 1: candidates 0 (20 + 1 + 1 = 22) and 2 (20 + 0 + 1 = 21) -> 2, 0 */
	const int z1[] = {2, N, 0, N, 0, D32, 0, D};
	check_zonelist(pz, 1, 0, z1, 4);
	int out[8];
	assert_int_equal(pz_zonelist(pz, 1, 1, out, 4), 0);
	/* node 0 never lists node 1: 0's zones, then 2 */
	const int z0[] = {0, N, 0, D32, 0, D, 2, N};
	check_zonelist(pz, 0, 0, z0, 4);

	tu_cpu = 1;
	assert_null(pz_alloc_pages_node(pz, 1, PZ_GFP_KERNEL | PZ__GFP_THISNODE, 0));
	pz_page_t *p = pz_alloc_pages_node(pz, 1, PZ_GFP_KERNEL, 0);
	assert_non_null(p);
	assert_int_equal(pz_page_to_nid(pz, p), 2);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0); /* CPU 1's node: node 1's list */
	assert_non_null(p);
	assert_int_equal(pz_page_to_nid(pz, p), 2);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	tu_cpu = 0;
	tu_validate(pz);
	tu_destroy(pz);
}

/* ---------------------------------------------------------------------- */
/* Placement                                                               */

struct stack {
	pz_page_t **p;
	size_t n, cap;
};

static void push(struct stack *s, pz_page_t *p)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->p = realloc(s->p, s->cap * sizeof(*s->p));
		assert_non_null(s->p);
	}
	s->p[s->n++] = p;
}

static void free_stack(pz_t *pz, struct stack *s)
{
	while (s->n)
		assert_int_equal(pz_free_pages(pz, s->p[--s->n], 0), 0);
	free(s->p);
	memset(s, 0, sizeof(*s));
}

/*
 * alloc_pages_node(1) takes node 1's memory while node 1's Normal zone
 * passes the fast path's LOW watermark (free > low, pcp pages excluded),
 * and falls back to node 0 exactly when it does not (free <= low).
 * CPU 1 sits on node 1, so the node-1 pages are NUMA_HIT + NUMA_LOCAL, and
 * the fallback page is NUMA_MISS + NUMA_OTHER on node 0 and NUMA_FOREIGN on
 * the preferred zone (node 1's Normal).
 */
static void test_alloc_node_until_low_watermark(void **state)
{
	(void)state;
	machine(2, 2, NULL);
	pz_t *pz = create(&tm, PZ_ZONELIST_ORDER_DEFAULT);
	struct stack s = {0};
	tu_cpu = 1;
	uint64_t low = tu_zinfo(pz, 1, N).wmark_low;
	assert_true(low > 0);
	int64_t on_node1 = 0;
	int fell_back = 0;
	for (int i = 0; i < 20000 && !fell_back; i++) {
		int64_t f = tu_zinfo(pz, 1, N).stat[PZ_NR_FREE_PAGES];
		pz_page_t *p = pz_alloc_pages_node(pz, 1, PZ_GFP_KERNEL, 0);
		assert_non_null(p);
		push(&s, p);
		int nid = pz_page_to_nid(pz, p);
		if (f > (int64_t)low) {
			if (nid != 1)
				fail_msg("node 1 free %lld > low %llu but the page is on node %d",
					 (long long)f, (unsigned long long)low, nid);
			on_node1++;
		} else {
			if (nid != 0)
				fail_msg("node 1 free %lld <= low %llu but the page is on node %d",
					 (long long)f, (unsigned long long)low, nid);
			assert_int_equal(pz_page_zonenum(pz, p), N);
			fell_back = 1;
		}
	}
	assert_true(fell_back);
	assert_true(on_node1 > 8000);

	struct pz_zone_info n1 = tu_zinfo(pz, 1, N), n0 = tu_zinfo(pz, 0, N);
	assert_int_equal(n1.stat[PZ_PGALLOC], on_node1);
	assert_int_equal(n1.stat[PZ_NUMA_HIT], on_node1);
	assert_int_equal(n1.stat[PZ_NUMA_LOCAL], on_node1);
	assert_int_equal(n1.stat[PZ_NUMA_MISS], 0);
	assert_int_equal(n1.stat[PZ_NUMA_FOREIGN], 1);
	assert_int_equal(n0.stat[PZ_PGALLOC], 1);
	assert_int_equal(n0.stat[PZ_NUMA_MISS], 1);
	assert_int_equal(n0.stat[PZ_NUMA_OTHER], 1);
	assert_int_equal(n0.stat[PZ_NUMA_HIT], 0);
	tu_validate(pz);
	free_stack(pz, &s);
	pz_drain_all_pages(pz);
	tu_validate(pz);
	tu_cpu = 0;
	tu_destroy(pz);
}

/*
 * Two nodes of 65536 pages, CPU 0 on node 0 and CPU 1 on node 1, zones big
 * enough for refills of 15 pages (batch) so that most allocations find
 * pages on the per-CPU list. Node 0 is all Normal or, with dma32, half
 * DMA32 and half Normal; node 1 is Normal.
 */
static pz_t *two_big_nodes(enum pz_profile profile, bool dma32)
{
	struct pz_config cfg;

	tu_machine_init(&tm, 2, 2);
	if (dma32) {
		tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, 4096 + 32768);
		tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096 + 32768, 4096 + 65536);
	} else {
		tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 4096 + 65536);
	}
	tu_add_zone(&tm, 1, PZ_ZONE_NORMAL, 4096 + 65536, 4096 + 2 * 65536);
	tu_config(&cfg, &tm.m, profile, 0);
	tu_cpu = 0;
	pz_t *pz = tu_create(&cfg);
	assert_non_null(pz);
	return pz;
}

/*
 * zone_statistics on the per-CPU path: a page from the preferred zone is
 * NUMA_HIT, and NUMA_LOCAL when that zone's node is the CPU's or
 * __GFP_OTHER_NODE asks for the preferred node to count as local,
 * NUMA_OTHER otherwise. CPU 0 sits on node 0, CPU 1 on node 1. Both
 * profiles; the first allocation of each CPU refills its list (general
 * path), the others take from it (the shortcut).
 */
static void test_pcp_numa_counters(void **state)
{
	(void)state;
	for (int profile = 0; profile < 2; profile++) {
		pz_t *pz = two_big_nodes((enum pz_profile)profile, false);
		pz_page_t *p[30];
		struct pz_zone_info a = tu_zinfo(pz, 1, N), b;

		tu_cpu = 0;
		for (int i = 0; i < 10; i++)
			p[i] = pz_alloc_pages_node(pz, 1, PZ_GFP_KERNEL, 0);
		for (int i = 10; i < 20; i++)
			p[i] = pz_alloc_pages_node(pz, 1, PZ_GFP_KERNEL | PZ__GFP_OTHER_NODE, 0);
		tu_cpu = 1;
		for (int i = 20; i < 30; i++)
			p[i] = pz_alloc_pages_node(pz, 1, PZ_GFP_KERNEL, 0);
		for (int i = 0; i < 30; i++) {
			assert_non_null(p[i]);
			assert_int_equal(pz_page_to_nid(pz, p[i]), 1);
		}
		b = tu_zinfo(pz, 1, N);
		assert_int_equal(b.stat[PZ_PGALLOC] - a.stat[PZ_PGALLOC], 30);
		assert_int_equal(b.stat[PZ_NUMA_HIT] - a.stat[PZ_NUMA_HIT], 30);
		assert_int_equal(b.stat[PZ_NUMA_MISS] - a.stat[PZ_NUMA_MISS], 0);
		assert_int_equal(b.stat[PZ_NUMA_LOCAL] - a.stat[PZ_NUMA_LOCAL], 20);
		assert_int_equal(b.stat[PZ_NUMA_OTHER] - a.stat[PZ_NUMA_OTHER], 10);
		for (int i = 0; i < 30; i++)
			assert_int_equal(pz_free_pages(pz, p[i], 0), 0);
		tu_validate(pz);
		tu_cpu = 0;
		tu_destroy(pz);
	}
}

/*
 * __GFP_THISNODE without a node: the CPU's node, nothing else, through the
 * per-CPU path too (the second and later allocations of each CPU take from
 * its list). When that node's zones cannot serve, NULL, not a fallback.
 */
static void test_thisnode_without_node(void **state)
{
	(void)state;
	for (int profile = 0; profile < 2; profile++) {
		pz_t *pz = two_big_nodes((enum pz_profile)profile, true);
		pz_page_t *p[16];

		for (int cpu = 0; cpu < 2; cpu++) {
			tu_cpu = (unsigned)cpu;
			for (int i = 0; i < 16; i++) {
				p[i] = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ__GFP_THISNODE, 0);
				assert_non_null(p[i]);
				assert_int_equal(pz_page_to_nid(pz, p[i]), cpu);
			}
			for (int i = 0; i < 16; i++)
				assert_int_equal(pz_free_pages(pz, p[i], 0), 0);
		}
		/* node 1 has no DMA32 zone (node 0 has): nothing for CPU 1 */
		tu_cpu = 1;
		assert_null(
			pz_alloc_pages(pz, PZ_GFP_DMA32 | PZ__GFP_THISNODE | PZ__GFP_NOWARN, 0));
		tu_validate(pz);
		tu_cpu = 0;
		tu_destroy(pz);
	}
}

/* A nodemask restricts the zonelist walk. */
static void test_alloc_nodemask(void **state)
{
	(void)state;
	machine(2, 2, NULL);
	pz_t *pz = create(&tm, PZ_ZONELIST_ORDER_DEFAULT);
	tu_cpu = 0;
	pz_nodemask_t only1 = 1u << 1, only0 = 1u << 0;
	for (unsigned order = 0; order <= 3; order++) {
		pz_page_t *p = pz_alloc_pages_nodemask(pz, PZ_GFP_KERNEL, order, 0, &only1);
		assert_non_null(p);
		assert_int_equal(pz_page_to_nid(pz, p), 1);
		assert_int_equal(pz_free_pages(pz, p, order), 0);
		p = pz_alloc_pages_nodemask(pz, PZ_GFP_KERNEL, order, 1, &only0);
		assert_non_null(p);
		assert_int_equal(pz_page_to_nid(pz, p), 0);
		assert_int_equal(pz_free_pages(pz, p, order), 0);
	}
	/* without a mask the preferred node wins on a fresh machine */
	pz_page_t *p = pz_alloc_pages_nodemask(pz, PZ_GFP_KERNEL, 0, 1, NULL);
	assert_non_null(p);
	assert_int_equal(pz_page_to_nid(pz, p), 1);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	p = pz_alloc_pages_node(pz, 0, PZ_GFP_KERNEL, 0);
	assert_non_null(p);
	assert_int_equal(pz_page_to_nid(pz, p), 0);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	/* nid < 0: the current CPU's node (CPU 1 -> node 1) */
	tu_cpu = 1;
	p = pz_alloc_pages_node(pz, PZ_NUMA_NO_NODE, PZ_GFP_KERNEL, 0);
	assert_non_null(p);
	assert_int_equal(pz_page_to_nid(pz, p), 1);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	tu_cpu = 0;
	tu_validate(pz);
	tu_destroy(pz);
}

/*
 * __GFP_THISNODE uses the node's own zones only: with node 1 empty it fails
 * instead of falling back, while the same request without THISNODE gets a
 * node-0 page. (CPU 1 on node 1 throughout: 4.1 switches the no-watermark
 * attempt to the CPU's node zonelist.)
 */
static void test_alloc_thisnode_no_fallback(void **state)
{
	(void)state;
	machine(2, 2, NULL);
	pz_t *pz = create(&tm, PZ_ZONELIST_ORDER_DEFAULT);
	struct stack s = {0};
	tu_cpu = 1;

	/* while node 1 has memory, THISNODE gets it */
	pz_page_t *p = pz_alloc_pages_node(pz, 1, PZ_GFP_KERNEL | PZ__GFP_THISNODE, 0);
	assert_non_null(p);
	assert_int_equal(pz_page_to_nid(pz, p), 1);
	push(&s, p);

	/* empty node 1 entirely (no watermarks, nodemask {1}) */
	pz_nodemask_t only1 = 1u << 1;
	while ((p = pz_alloc_pages_nodemask(pz, PZ_GFP_KERNEL | PZ__GFP_MEMALLOC, 0, 1, &only1)) !=
	       NULL) {
		assert_int_equal(pz_page_to_nid(pz, p), 1);
		push(&s, p);
	}
	/* every one of node 1's 8192 pages was handed out */
	assert_int_equal(s.n, 8192);
	assert_int_equal(tu_zinfo(pz, 1, N).stat[PZ_NR_FREE_PAGES], 0);

	assert_null(pz_alloc_pages_node(pz, 1, PZ_GFP_NOWAIT | PZ__GFP_THISNODE, 0));
	assert_null(pz_alloc_pages_node(pz, 1, PZ_GFP_ATOMIC | PZ__GFP_THISNODE, 0));
	assert_null(pz_alloc_pages_node(pz, 1, PZ_GFP_KERNEL | PZ__GFP_THISNODE, 0));
	assert_null(
		pz_alloc_pages_node(pz, 1, PZ_GFP_KERNEL | PZ__GFP_THISNODE | PZ__GFP_MEMALLOC, 0));
	assert_null(pz_alloc_pages_node(pz, 1, PZ_GFP_KERNEL | PZ__GFP_THISNODE, 2));

	/* without THISNODE: node 0 */
	p = pz_alloc_pages_node(pz, 1, PZ_GFP_KERNEL, 0);
	assert_non_null(p);
	assert_int_equal(pz_page_to_nid(pz, p), 0);
	push(&s, p);
	p = pz_alloc_pages_node(pz, 1, PZ_GFP_NOWAIT, 0);
	assert_non_null(p);
	assert_int_equal(pz_page_to_nid(pz, p), 0);
	push(&s, p);

	tu_validate(pz);
	free_stack(pz, &s);
	pz_drain_all_pages(pz);
	assert_int_equal(tu_free_pages(pz), 4095 + 4096 + 8192 + 8192);
	tu_validate(pz);
	tu_cpu = 0;
	tu_destroy(pz);
}

/* GFP_DMA gets the DMA zone; GFP_DMA32 gets DMA32 (or DMA), from any node. */
static void test_alloc_dma_zones(void **state)
{
	(void)state;
	machine(2, 2, NULL);
	pz_t *pz = create(&tm, PZ_ZONELIST_ORDER_DEFAULT);
	tu_cpu = 0;
	for (int nid = 0; nid < 2; nid++) {
		pz_page_t *p = pz_alloc_pages_node(pz, nid, PZ_GFP_KERNEL | PZ_GFP_DMA, 0);
		assert_non_null(p);
		assert_int_equal(pz_page_to_nid(pz, p), 0);
		assert_int_equal(pz_page_zonenum(pz, p), D);
		assert_int_equal(pz_free_pages(pz, p, 0), 0);
		/* fresh: the first zone <= DMA32 in either zonelist is node 0's DMA32 */
		p = pz_alloc_pages_node(pz, nid, PZ_GFP_KERNEL | PZ_GFP_DMA32, 0);
		assert_non_null(p);
		assert_int_equal(pz_page_to_nid(pz, p), 0);
		assert_int_equal(pz_page_zonenum(pz, p), D32);
		assert_int_equal(pz_free_pages(pz, p, 0), 0);
		p = pz_alloc_pages_node(pz, nid, PZ_GFP_KERNEL | PZ_GFP_DMA32, 3);
		assert_non_null(p);
		assert_int_equal(pz_page_zonenum(pz, p), D32);
		assert_int_equal(pz_free_pages(pz, p, 3), 0);
	}
	/* GFP_KERNEL with no highmem zone, HIGHUSER(_MOVABLE): Normal */
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_HIGHUSER, 0);
	assert_non_null(p);
	assert_int_equal(pz_page_zonenum(pz, p), N);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);
	p = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE, 0);
	assert_non_null(p);
	assert_int_equal(pz_page_zonenum(pz, p), N);
	assert_int_equal(pz_free_pages(pz, p, 0), 0);

	/* drain DMA32 + DMA with GFP_DMA32 until refused: never another zone */
	struct stack s = {0};
	int got_dma32 = 0;
	while ((p = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ_GFP_DMA32, 0)) != NULL) {
		int z = pz_page_zonenum(pz, p);
		assert_true(z == D || z == D32);
		assert_int_equal(pz_page_to_nid(pz, p), 0);
		got_dma32 |= z == D32;
		push(&s, p);
	}
	assert_true(got_dma32);
	assert_true(s.n > 4096);
	/* and GFP_DMA still only DMA (or nothing) */
	while ((p = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ_GFP_DMA, 0)) != NULL) {
		assert_int_equal(pz_page_zonenum(pz, p), D);
		push(&s, p);
	}
	/* Normal memory is untouched by all of this */
	assert_int_equal(tu_zinfo(pz, 0, N).stat[PZ_PGALLOC], 2);
	tu_validate(pz);
	free_stack(pz, &s);
	tu_validate(pz);
	tu_destroy(pz);
}

/*
 * Node order vs zone order, node 0 allocating GFP_KERNEL: with zone order
 * ([0.Normal, 1.Normal, 0.DMA32, 0.DMA]) the first page that is not from
 * node 0's Normal comes from node 1's Normal; with node order ([0.Normal,
 * 0.DMA32, 0.DMA, 1.Normal]) it comes from node 0's lower zones.
 */
static void test_alloc_zone_vs_node_order(void **state)
{
	(void)state;
	machine(2, 2, NULL);
	tu_cpu = 0;
	for (int zone_order = 0; zone_order < 2; zone_order++) {
		pz_t *pz =
			create(&tm, zone_order ? PZ_ZONELIST_ORDER_ZONE : PZ_ZONELIST_ORDER_NODE);
		struct stack s = {0};
		pz_page_t *p;
		int nid = -1, z = -1;
		for (int i = 0; i < 20000; i++) {
			p = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
			assert_non_null(p);
			push(&s, p);
			nid = pz_page_to_nid(pz, p);
			z = pz_page_zonenum(pz, p);
			if (nid != 0 || z != N)
				break;
		}
		if (zone_order) {
			assert_int_equal(nid, 1);
			assert_int_equal(z, N);
		} else {
			assert_int_equal(nid, 0);
			assert_true(z == D32 || z == D);
		}
		free_stack(pz, &s);
		tu_validate(pz);
		tu_destroy(pz);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zonelist_two_nodes_node_order),
		cmocka_unit_test(test_zonelist_two_nodes_zone_order),
		cmocka_unit_test(test_zonelist_short_buffer_and_errors),
		cmocka_unit_test(test_zonelist_four_nodes_square_node_order),
		cmocka_unit_test(test_zonelist_four_nodes_square_zone_order),
		cmocka_unit_test(test_zonelist_four_nodes_round_robin),
		cmocka_unit_test(test_zonelist_four_nodes_headless),
		cmocka_unit_test(test_zonelist_cpu_node_table),
		cmocka_unit_test(test_zonelist_memoryless_node),
		cmocka_unit_test(test_alloc_node_until_low_watermark),
		cmocka_unit_test(test_pcp_numa_counters),
		cmocka_unit_test(test_thisnode_without_node),
		cmocka_unit_test(test_alloc_nodemask),
		cmocka_unit_test(test_alloc_thisnode_no_fallback),
		cmocka_unit_test(test_alloc_dma_zones),
		cmocka_unit_test(test_alloc_zone_vs_node_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
