/*
 * test_linux.c - the optional Linux-compatible header <pagezone/linux.h>:
 * kernel-style code written only with the kernel's names, run against a
 * two-node instance with a direct map.
 *
 * The "driver" functions at the top use kernel names only (as code ported
 * from the kernel would); the tests below check what they did through the
 * pagezone API and the test helpers: addresses inside the direct map,
 * zeroed memory, compound order, pfn round trips, node ids, and at the end
 * an instance that validates with every page back on the free lists.
 */
#include "testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pagezone/linux.h>

PZ_LINUX_DEFINE_INSTANCE;

/* ====================================================================== */
/* Kernel-style code: kernel names only.                                   */

struct demo_dev {
	unsigned long ring;  /* 4 pages of descriptors */
	unsigned long table; /* one zeroed page */
	struct page *huge;   /* a compound 2 MiB page */
	void *buf;	     /* an exact-size buffer */
	size_t buf_size;
};

static int demo_probe(struct demo_dev *dev)
{
	dev->ring = __get_free_pages(GFP_KERNEL, 2);
	if (!dev->ring)
		goto err;
	memset((void *)dev->ring, 0x5a, 4 * PAGE_SIZE);

	dev->table = get_zeroed_page(GFP_KERNEL);
	if (!dev->table)
		goto err_ring;

	dev->huge = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_COMP, 9);
	if (!dev->huge)
		goto err_table;

	dev->buf_size = 5 * PAGE_SIZE + 100;
	dev->buf = alloc_pages_exact(dev->buf_size, GFP_KERNEL | __GFP_ZERO);
	if (!dev->buf)
		goto err_huge;
	return 0;

err_huge:
	__free_pages(dev->huge, compound_order(dev->huge));
err_table:
	free_page(dev->table);
err_ring:
	free_pages(dev->ring, 2);
err:
	return -ENOMEM;
}

static void demo_remove(struct demo_dev *dev)
{
	free_pages_exact(dev->buf, dev->buf_size);
	__free_pages(dev->huge, compound_order(dev->huge));
	free_page(dev->table);
	free_pages(dev->ring, 2);
}

/* Splits an order-n block into single pages, tags each one, then frees
 * them one by one. Returns the number of pages freed, or -ENOMEM. */
static int demo_split_and_free(unsigned int order)
{
	struct page *page = alloc_pages(GFP_KERNEL, order);
	unsigned long pfn, i;

	if (!page)
		return -ENOMEM;
	split_page(page, order);
	pfn = page_to_pfn(page);
	for (i = 0; i < (1UL << order); i++) {
		struct page *p = pfn_to_page(pfn + i);

		if (page_count(p) != 1)
			return -EINVAL;
		set_page_private(p, 0x1000 + i);
	}
	for (i = 0; i < (1UL << order); i++) {
		struct page *p = pfn_to_page(pfn + i);

		if (page_private(p) != 0x1000 + i)
			return -EINVAL;
		__free_page(p);
	}
	return (int)i;
}

/* page <-> pfn <-> address round trips over every page of a block. */
static int demo_roundtrip(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page);
	char *addr = page_address(page);

	for (unsigned long i = 0; i < (1UL << order); i++) {
		struct page *p = pfn_to_page(pfn + i);

		if (!pfn_valid(pfn + i) || page_to_pfn(p) != pfn + i)
			return -EINVAL;
		if (page_address(p) != addr + i * PAGE_SIZE)
			return -EINVAL;
		if (virt_to_page(addr + i * PAGE_SIZE + 7) != p)
			return -EINVAL;
	}
	return 0;
}

/* One page on every online node; returns how many were placed right. */
static int demo_per_node(struct page **pages)
{
	int nid, ok = 0;

	for_each_online_node(nid)
	{
		pages[nid] = alloc_pages_node(nid, GFP_KERNEL | __GFP_THISNODE, 0);
		if (pages[nid] && page_to_nid(pages[nid]) == nid)
			ok++;
	}
	return ok;
}

/* 4.1-style code that wants no kswapd wakeup clears the bit. */
static struct page *demo_opportunistic(unsigned int order)
{
	gfp_t gfp = (GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY) & ~__GFP_KSWAPD_RECLAIM;

	return alloc_pages(gfp, order);
}

/* A refcounted compound buffer shared through a tail page. */
static int demo_share(void)
{
	struct page *head = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
	struct page *tail;

	if (!head)
		return -ENOMEM;
	tail = pfn_to_page(page_to_pfn(head) + 3);
	if (!PageHead(head) || !PageTail(tail) || !PageCompound(tail) || PageTail(head))
		return -EINVAL;
	if (compound_head(tail) != head || compound_order(head) != 2)
		return -EINVAL;
	get_page(tail); /* takes the reference on the head */
	if (page_count(head) != 2 || page_count(tail) != 2)
		return -EINVAL;
	put_page(tail);
	if (page_count(head) != 1)
		return -EINVAL;
	put_page(head); /* the last reference frees the whole order-2 block */
	return 0;
}

/* ====================================================================== */
/* The harness (pagezone API and test helpers).                             */

#define NODE0_END 8192u	 /* node 0: DMA [1, 4096), DMA32 [4096, 8192) */
#define NODE1_END 16384u /* node 1: Normal [8192, 16384) */

static struct tu_machine tm;

struct ctx {
	pz_t *pz;
	char *mem; /* direct map of pfns [0, NODE1_END) */
	size_t mem_len;
	uint64_t free_before;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct pz_config cfg;

	if (!c)
		return -1;
	tu_machine_init(&tm, 2, 2); /* CPU 0 on node 0, CPU 1 on node 1 */
	tu_add_zone(&tm, 0, PZ_ZONE_DMA, 1, 4096);
	tu_add_zone(&tm, 0, PZ_ZONE_DMA32, 4096, NODE0_END);
	tu_add_zone(&tm, 1, PZ_ZONE_NORMAL, NODE0_END, NODE1_END);

	c->mem_len = (size_t)NODE1_END * 4096;
	c->mem = aligned_alloc(4096, c->mem_len);
	if (!c->mem)
		return -1;
	memset(c->mem, 0xa5, c->mem_len); /* so that zeroing shows */

	tu_config(&cfg, &tm.m, PZ_PROFILE_LINUX_4_1, 0);
	cfg.direct_map = c->mem;
	cfg.direct_map_pfn = 0;
	c->pz = tu_create(&cfg);
	if (!c->pz)
		return -1;
	tu_cpu = 0;
	tu_log_reset();
	pz_linux_set_instance(c->pz);
	c->free_before = tu_free_pages(c->pz);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	pz_linux_set_instance(NULL);
	tu_destroy(c->pz);
	free(c->mem);
	free(c);
	tu_cpu = 0;
	return 0;
}

/* Every page back, no misuse counted, all invariants hold. */
static void check_all_returned(struct ctx *c)
{
	struct pz_errors e;

	pz_drain_all_pages(c->pz);
	assert_int_equal(pz_validate(c->pz), 0);
	assert_int_equal(tu_pcp_pages(c->pz), 0);
	assert_int_equal(tu_free_pages(c->pz), c->free_before);
	pz_errors(c->pz, &e);
	assert_int_equal(e.double_free, 0);
	assert_int_equal(e.wrong_order, 0);
	assert_int_equal(e.tail_free, 0);
	assert_int_equal(e.bad_pfn, 0);
	assert_int_equal(e.bad_page_free, 0);
	assert_int_equal(e.leaked_pages, 0);
}

static int in_map(const struct ctx *c, const void *p, size_t len)
{
	const char *a = p;
	return a >= c->mem && a + len <= c->mem + c->mem_len;
}

static int all_bytes(const void *p, size_t len, unsigned char v)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < len; i++)
		if (b[i] != v)
			return 0;
	return 1;
}

/* ---------------------------------------------------------------------- */

static void test_instance_install(void **state)
{
	struct ctx *c = *state;

	assert_ptr_equal(pz_linux_get_instance(), c->pz);
	assert_int_equal(pz_linux_check_instance(NULL), 0);
	assert_int_equal(pz_linux_check_instance(c->pz), 0);
	assert_int_equal(PAGE_SIZE, pz_page_size(c->pz));
	assert_int_equal(MAX_ORDER, pz_max_order(c->pz));
	assert_int_equal(num_online_nodes(), 2);
	assert_true(node_online(1));
	assert_false(node_online(2));

	/* Without an instance everything fails softly. */
	pz_linux_set_instance(NULL);
	assert_null(alloc_page(GFP_KERNEL));
	assert_int_equal(__get_free_page(GFP_KERNEL), 0);
	assert_null(alloc_pages_exact(PAGE_SIZE, GFP_KERNEL));
	assert_int_equal(pz_linux_check_instance(NULL), -PZ_EINVAL);
	free_page(0);
	pz_linux_set_instance(c->pz);
	check_all_returned(c);
}

static void test_flags(void **state)
{
	struct ctx *c = *state;

	/* The 4.x relations between the names. */
	assert_int_equal(__GFP_WAIT, __GFP_RECLAIM);
	assert_int_equal(__GFP_RECLAIM, __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM);
	assert_int_equal(__GFP_NO_KSWAPD, 0);
	assert_int_equal(__GFP_NOTRACK_FALSE_POSITIVE, __GFP_NOTRACK);
	assert_int_equal(GFP_KERNEL, __GFP_RECLAIM | __GFP_IO | __GFP_FS);
	assert_int_equal(GFP_NOFS, __GFP_RECLAIM | __GFP_IO);
	assert_int_equal(GFP_NOIO, __GFP_RECLAIM);
	assert_int_equal(GFP_NOWAIT, __GFP_KSWAPD_RECLAIM);
	assert_int_equal(GFP_ATOMIC, __GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM);
	assert_int_equal(GFP_TEMPORARY, GFP_KERNEL | __GFP_RECLAIMABLE);
	assert_int_equal(GFP_USER, GFP_KERNEL | __GFP_HARDWALL);
	assert_int_equal(GFP_HIGHUSER, GFP_USER | __GFP_HIGHMEM);
	assert_int_equal(GFP_HIGHUSER_MOVABLE, GFP_HIGHUSER | __GFP_MOVABLE);
	assert_int_equal(GFP_IOFS, __GFP_IO | __GFP_FS);
	assert_int_equal(GFP_DMA, __GFP_DMA);
	assert_int_equal(GFP_DMA32, __GFP_DMA32);
	assert_int_equal(GFP_ZONEMASK, __GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE);
	assert_int_equal(GFP_TRANSHUGE & __GFP_KSWAPD_RECLAIM, 0);
	assert_int_equal(GFP_TRANSHUGE & (__GFP_COMP | __GFP_NORETRY | __GFP_NOWARN),
			 __GFP_COMP | __GFP_NORETRY | __GFP_NOWARN);
	assert_int_equal(GFP_MOVABLE_MASK, __GFP_MOVABLE | __GFP_RECLAIMABLE);

	/* Every single-bit flag is a distinct bit inside __GFP_BITS_MASK. */
	const gfp_t bits[] = {
		__GFP_DMA,
		__GFP_HIGHMEM,
		__GFP_DMA32,
		__GFP_MOVABLE,
		__GFP_RECLAIMABLE,
		__GFP_HIGH,
		__GFP_IO,
		__GFP_FS,
		__GFP_COLD,
		__GFP_NOWARN,
		__GFP_REPEAT,
		__GFP_NOFAIL,
		__GFP_NORETRY,
		__GFP_MEMALLOC,
		__GFP_COMP,
		__GFP_ZERO,
		__GFP_NOMEMALLOC,
		__GFP_HARDWALL,
		__GFP_THISNODE,
		__GFP_ATOMIC,
		__GFP_NOACCOUNT,
		__GFP_NOTRACK,
		__GFP_DIRECT_RECLAIM,
		__GFP_OTHER_NODE,
		__GFP_WRITE,
		__GFP_KSWAPD_RECLAIM,
		__GFP_ACCOUNT,
		__GFP_ZEROTAGS,
		__GFP_SKIP_ZERO,
		__GFP_SKIP_KASAN_UNPOISON,
		__GFP_SKIP_KASAN_POISON,
	};
	gfp_t seen = 0;
	for (unsigned i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		assert_int_equal(bits[i] & (bits[i] - 1), 0);
		assert_int_equal(seen & bits[i], 0);
		seen |= bits[i];
	}
	assert_int_equal(seen, __GFP_BITS_MASK);
	assert_int_equal(__GFP_BITS_MASK, (1u << __GFP_BITS_SHIFT) - 1);

	assert_true(gfpflags_allow_blocking(GFP_KERNEL));
	assert_true(gfpflags_allow_blocking(GFP_NOIO));
	assert_false(gfpflags_allow_blocking(GFP_ATOMIC));
	assert_false(gfpflags_allow_blocking(GFP_NOWAIT));
	assert_false(gfpflags_allow_blocking(GFP_TRANSHUGE & ~__GFP_DIRECT_RECLAIM));

	/* gfp_zone on this machine: no HIGHMEM zone, so HIGHMEM falls to NORMAL. */
	assert_int_equal(gfp_zone(GFP_KERNEL), ZONE_NORMAL);
	assert_int_equal(gfp_zone(GFP_DMA), ZONE_DMA);
	assert_int_equal(gfp_zone(GFP_DMA32), ZONE_DMA32);
	assert_int_equal(gfp_zone(GFP_HIGHUSER), ZONE_NORMAL);
	assert_int_equal(gfp_zone(GFP_HIGHUSER_MOVABLE), ZONE_MOVABLE);
	assert_true(gfp_zone(__GFP_DMA | __GFP_HIGHMEM) < 0);
	assert_true(gfp_zone(__GFP_DMA32 | __GFP_DMA) < 0);

	assert_int_equal(gfpflags_to_migratetype(GFP_KERNEL), MIGRATE_UNMOVABLE);
	assert_int_equal(gfpflags_to_migratetype(GFP_HIGHUSER_MOVABLE), MIGRATE_MOVABLE);
	assert_int_equal(gfpflags_to_migratetype(GFP_TEMPORARY), MIGRATE_RECLAIMABLE);

	assert_int_equal(get_order(1), 0);
	assert_int_equal(get_order(PAGE_SIZE), 0);
	assert_int_equal(get_order(PAGE_SIZE + 1), 1);
	assert_int_equal(get_order(4 * PAGE_SIZE), 2);
	assert_int_equal(get_order(2UL << 20), 9);
	assert_int_equal(PAGE_ALIGN(1UL), PAGE_SIZE);
	assert_int_equal(PAGE_ALIGN(PAGE_SIZE), PAGE_SIZE);

	nodemask_t m = NODE_MASK_NONE;
	assert_true(nodes_empty(m));
	node_set(1, m);
	node_set(5, m);
	assert_true(node_isset(1, m));
	assert_false(node_isset(0, m));
	assert_int_equal(nodes_weight(m), 2);
	node_clear(5, m);
	assert_int_equal(nodes_weight(m), 1);
	nodes_setall(m);
	assert_int_equal(nodes_weight(m), MAX_NUMNODES);
	nodes_clear(m);
	assert_true(nodes_empty(m));
	check_all_returned(c);
}

static void test_driver_probe_remove(void **state)
{
	struct ctx *c = *state;
	struct demo_dev dev;

	memset(&dev, 0, sizeof(dev));
	assert_int_equal(demo_probe(&dev), 0);

	/* ring: 4 naturally aligned pages of the direct map, Normal-capable zone */
	assert_true(in_map(c, (void *)dev.ring, 4 * PAGE_SIZE));
	assert_int_equal((dev.ring - (unsigned long)(uintptr_t)c->mem) % (4 * PAGE_SIZE), 0);
	assert_true(all_bytes((void *)dev.ring, 4 * PAGE_SIZE, 0x5a));
	struct page *rp = virt_to_page((void *)dev.ring);
	assert_non_null(rp);
	assert_int_equal(pz_page_refcount(c->pz, (pz_page_t *)rp), 1);
	assert_int_equal(compound_order(rp), 0); /* not __GFP_COMP */

	/* table: zeroed although the backing memory was 0xa5 */
	assert_true(in_map(c, (void *)dev.table, PAGE_SIZE));
	assert_true(all_bytes((void *)dev.table, PAGE_SIZE, 0));

	/* huge: compound order 9, every tail pointing at the head */
	assert_int_equal(compound_order(dev.huge), 9);
	assert_true(PageHead(dev.huge));
	assert_int_equal(page_to_pfn(dev.huge) % 512, 0);
	assert_true(in_map(c, page_address(dev.huge), 512 * PAGE_SIZE));
	assert_int_equal(demo_roundtrip(dev.huge, 9), 0);
	for (unsigned long i = 1; i < 512; i++) {
		struct page *t = pfn_to_page(page_to_pfn(dev.huge) + i);
		assert_ptr_equal(compound_head(t), dev.huge);
		assert_true(PageTail(t));
		assert_int_equal(compound_order(t), 0);
	}
	assert_int_equal(pz_compound_order(c->pz, (pz_page_t *)dev.huge), 9);
	assert_int_equal(page_zonenum(dev.huge) <= ZONE_MOVABLE, 1);
	assert_false(page_is_pfmemalloc(dev.huge));

	/* buf: 6 pages kept of an order-3 block, zeroed, the other 2 given back */
	assert_true(in_map(c, dev.buf, dev.buf_size));
	assert_true(all_bytes(dev.buf, dev.buf_size, 0));
	struct page *bp = virt_to_page(dev.buf);
	for (unsigned long i = 0; i < 6; i++)
		assert_int_equal(page_count(pfn_to_page(page_to_pfn(bp) + i)), 1);
	for (unsigned long i = 6; i < 8; i++)
		assert_int_equal(page_ref_count(pfn_to_page(page_to_pfn(bp) + i)), 0);

	uint64_t used = 4 + 1 + 512 + 6;
	pz_drain_all_pages(c->pz);
	assert_int_equal(tu_free_pages(c->pz), c->free_before - used);
	assert_int_equal(nr_free_pages(), c->free_before - used);

	demo_remove(&dev);
	check_all_returned(c);
}

static void test_split_and_free(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(demo_split_and_free(0), 1);
	assert_int_equal(demo_split_and_free(3), 8);
	assert_int_equal(demo_split_and_free(6), 64);
	check_all_returned(c);
}

static void test_pfn_roundtrip(void **state)
{
	struct ctx *c = *state;

	for (unsigned o = 0; o < 6; o++) {
		struct page *p = alloc_pages(GFP_KERNEL, o);
		assert_non_null(p);
		assert_int_equal(demo_roundtrip(p, o), 0);
		assert_int_equal(page_to_pfn(p), pz_page_to_pfn(c->pz, (pz_page_t *)p));
		assert_ptr_equal(page_address(p), c->mem + page_to_pfn(p) * PAGE_SIZE);
		__free_pages(p, o);
	}
	/* Outside every zone: pfn 0 and the end of the machine. */
	assert_null(pfn_to_page(0));
	assert_false(pfn_valid(0));
	assert_null(pfn_to_page(NODE1_END + 4096));
	assert_false(virt_addr_valid(c->mem - 4096));
	assert_true(virt_addr_valid(c->mem + PAGE_SIZE));
	check_all_returned(c);
}

static void test_nodes(void **state)
{
	struct ctx *c = *state;
	struct page *pages[MAX_NUMNODES];

	memset(pages, 0, sizeof(pages));
	assert_int_equal(demo_per_node(pages), 2);
	assert_int_equal(page_zonenum(pages[0]), ZONE_DMA32); /* node 0's richest zone */
	assert_int_equal(page_zonenum(pages[1]), ZONE_NORMAL);
	__free_page(pages[0]);
	__free_page(pages[1]);

	/* NUMA_NO_NODE: the current CPU's node. */
	tu_cpu = 1;
	struct page *p = alloc_pages_node(NUMA_NO_NODE, GFP_KERNEL, 1);
	assert_non_null(p);
	assert_int_equal(page_to_nid(p), 1);
	__free_pages(p, 1);
	p = alloc_pages(GFP_KERNEL, 0);
	assert_int_equal(page_to_nid(p), 1);
	__free_page(p);
	tu_cpu = 0;
	p = __alloc_pages_node(0, GFP_KERNEL, 2);
	assert_int_equal(page_to_nid(p), 0);
	__free_pages(p, 2);

	/* __alloc_pages_nodemask with a zonelist handle and a nodemask. */
	p = __alloc_pages_nodemask(GFP_KERNEL, 0, node_zonelist(1, GFP_KERNEL), NULL);
	assert_int_equal(page_to_nid(p), 1);
	__free_page(p);
	nodemask_t only0 = NODE_MASK_NONE;
	node_set(0, only0);
	p = __alloc_pages_nodemask(GFP_KERNEL, 0, node_zonelist(1, GFP_KERNEL), &only0);
	assert_non_null(p);
	assert_int_equal(page_to_nid(p), 0);
	__free_page(p);
	p = __alloc_pages(GFP_KERNEL, 0, node_zonelist(NUMA_NO_NODE, GFP_KERNEL));
	assert_int_equal(page_to_nid(p), 0); /* CPU 0 */
	__free_page(p);

	/* Zone modifiers. */
	p = alloc_pages(GFP_KERNEL | GFP_DMA, 0);
	assert_int_equal(page_zonenum(p), ZONE_DMA);
	assert_int_equal(page_to_nid(p), 0);
	__free_page(p);
	unsigned long a = __get_dma_pages(GFP_KERNEL, 1);
	assert_int_equal(page_zonenum(virt_to_page((void *)a)), ZONE_DMA);
	free_pages(a, 1);
	p = alloc_pages_node(1, GFP_DMA32 | GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 0);
	assert_null(p); /* node 1 has no DMA32 zone and THISNODE forbids falling back */

	/* __get_free_pages refuses highmem (no permanent address). */
	assert_int_equal(__get_free_pages(GFP_HIGHUSER, 0), 0);

	/* alloc_pages_exact_nid */
	void *x = alloc_pages_exact_nid(1, 3 * PAGE_SIZE, GFP_KERNEL);
	assert_non_null(x);
	assert_int_equal(page_to_nid(virt_to_page(x)), 1);
	assert_true(in_map(c, x, 3 * PAGE_SIZE));
	free_pages_exact(x, 3 * PAGE_SIZE);
	assert_null(alloc_pages_exact_nid(0, PAGE_SIZE, GFP_KERNEL | __GFP_COMP));
	check_all_returned(c);
}

static void test_references(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(demo_share(), 0);

	/* put_page on an order-0 page is __free_page. */
	struct page *p = alloc_page(GFP_KERNEL);
	assert_non_null(p);
	assert_int_equal(page_count(p), 1);
	get_page(p);
	assert_int_equal(page_count(p), 2);
	put_page(p);
	assert_int_equal(page_count(p), 1);
	assert_int_equal(page_private(p), 0);
	set_page_private(p, 42);
	assert_int_equal(page_private(p), 42);
	put_page(p);

	/* A compound THP-like page dropped through put_page of a tail page. */
	struct page *huge = alloc_pages(GFP_TRANSHUGE, 9);
	assert_non_null(huge);
	assert_int_equal(compound_order(huge), 9);
	put_page(pfn_to_page(page_to_pfn(huge) + 100));

	/* 4.1's "no kswapd" written as a cleared bit. */
	struct page *o = demo_opportunistic(3);
	assert_non_null(o);
	assert_int_equal(pz_page_refcount(c->pz, (pz_page_t *)o), 1);
	__free_pages(o, 3);

	/* free_hot_cold_page keeps order-0 pages on the per-CPU lists (node 1's
	 * zone is the one large enough to have a non-zero pcp high mark);
	 * drain_local_pages / drain_all_pages give them back. */
	tu_cpu = 1;
	pz_drain_all_pages(c->pz);
	struct page *h = alloc_page(GFP_KERNEL), *k = alloc_page(GFP_KERNEL);
	assert_non_null(h);
	assert_non_null(k);
	assert_int_equal(page_to_nid(h), 1);
	free_hot_cold_page(h, false);
	free_hot_cold_page(k, true);
	assert_true(tu_pcp_pages(c->pz) >= 2);
	drain_local_pages(NULL);
	assert_int_equal(tu_pcp_pages(c->pz), 0);
	struct page *l = alloc_page(GFP_KERNEL);
	__free_page(l);
	tu_cpu = 0;
	assert_true(tu_pcp_pages(c->pz) >= 1);
	drain_local_pages(NULL); /* CPU 0's lists: CPU 1's page stays */
	assert_true(tu_pcp_pages(c->pz) >= 1);
	drain_all_pages(NULL);
	assert_int_equal(tu_pcp_pages(c->pz), 0);
	check_all_returned(c);
}

/* The boot option through the kernel's name. */
static void test_fail_page_alloc_option(void **state)
{
	struct ctx *c = *state;
	char good[] = "fail_page_alloc=1,100,0,2", bad[] = "1,100,0";
	struct pz_fault_attr a;

	assert_int_equal(setup_fail_page_alloc(bad), 0);
	assert_int_equal(setup_fail_page_alloc(good), 1);
	assert_int_equal(pz_get_fail_page_alloc(c->pz, &a), 0);
	assert_int_equal(a.probability, 100);
	assert_int_equal(a.times, 2);
	assert_int_equal(a.min_order, 1);
	assert_null(alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 1));
	assert_null(alloc_pages(GFP_NOWAIT | __GFP_NOWARN, 2));
	struct page *p = alloc_pages(GFP_ATOMIC, 1); /* times used up */
	assert_non_null(p);
	__free_pages(p, 1);
	assert_int_equal(pz_set_fail_page_alloc(c->pz, NULL), 0);
	pz_linux_set_instance(NULL);
	assert_int_equal(setup_fail_page_alloc(good), 0);
	pz_linux_set_instance(c->pz);
	check_all_returned(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_instance_install, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_probe_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_and_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pfn_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nodes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_references, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_page_alloc_option, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
