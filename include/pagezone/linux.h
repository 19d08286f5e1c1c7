/*
 * pagezone/linux.h - the Linux kernel's own page allocator names over one
 * pagezone instance, so that kernel-style C code (alloc_pages, GFP_KERNEL,
 * __free_pages, page_address, ...) compiles unchanged against pagezone.
 *
 * Optional and header-only: everything below is a macro or a static inline
 * function over the public API of <pagezone.h>; it adds no library symbol.
 * This is the only pagezone header that uses kernel names; include it only
 * in the translation units that want them (the names are not prefixed and
 * may clash with other code).
 *
 * Installing the instance
 * -----------------------
 * The kernel has one allocator; these functions use one installed pagezone
 * instance, kept in the variable pz_linux_instance. Exactly one .c file of
 * the program must define that variable, at file scope:
 *
 *	#include <pagezone/linux.h>
 *	PZ_LINUX_DEFINE_INSTANCE;
 *
 * and the embedder installs the instance once it is built, before any other
 * call below (and uninstalls it with NULL before pz_destroy):
 *
 *	pz_linux_set_instance(pz);
 *
 * Installation is a plain store: do it before other threads start using
 * these names. Until an instance is installed every allocation fails (NULL /
 * 0) and frees are ignored. pz_linux_check_instance() tells whether the
 * compile-time PAGE_SIZE and MAX_ORDER below match the instance.
 *
 * What differs from the kernel
 * ----------------------------
 *   - gfp bit values are pagezone's own (PZ_GFP_*), not the kernel's; every
 *     flag keeps its Linux 4.x meaning. Code that hard-codes bit values or
 *     uses the kernel's ___GFP_* raw bits does not work.
 *   - __GFP_WAIT (4.1) is 4.4's __GFP_RECLAIM, i.e. two bits: DIRECT_RECLAIM
 *     and KSWAPD_RECLAIM. "gfp & __GFP_WAIT" is therefore also true for
 *     GFP_ATOMIC and GFP_NOWAIT (which carry KSWAPD_RECLAIM); test
 *     gfpflags_allow_blocking(gfp) instead, as 4.4 does.
 *   - GFP_NOWAIT has 4.4's meaning (__GFP_KSWAPD_RECLAIM), not 4.1's 0.
 *   - __GFP_NO_KSWAPD (4.1) is defined as 0: in pagezone the absence of
 *     __GFP_KSWAPD_RECLAIM is 4.1's __GFP_NO_KSWAPD. Code that ORs
 *     __GFP_NO_KSWAPD into a mask must instead clear the bit
 *     ("gfp & ~__GFP_KSWAPD_RECLAIM"), and "gfp & __GFP_NO_KSWAPD" is always
 *     false. GFP_TRANSHUGE already has the bit cleared, as in 4.4.
 *   - struct page is opaque: there is no page->flags, page->lru,
 *     page->private or page->_count to touch; use the accessors
 *     (page_count, page_private, set_page_private, PageCompound, ...).
 *     A struct page * is a pagezone pz_page_t * (the casts are free), and
 *     is only meaningful for the installed instance.
 *   - MAX_ORDER, PAGE_SHIFT and PAGE_SIZE are compile-time defaults (11, 12,
 *     4096) that a pagezone machine may configure otherwise; define them
 *     before including this header to change them. The allocator itself
 *     always uses the instance's values (pz_max_order(), pz_page_size()).
 *   - gfp_zone() returns int: a forbidden zone combination (for example
 *     __GFP_DMA | __GFP_HIGHMEM) gives a negative value (-PZ_EINVAL) instead
 *     of the kernel's BUG.
 *   - MIGRATE_* and ZONE_* have pagezone's values: zone types in the
 *     kernel's order; migratetypes in 4.4's order (UNMOVABLE, MOVABLE,
 *     RECLAIMABLE), with MIGRATE_RESERVE (4.1) and MIGRATE_HIGHATOMIC (4.4)
 *     sharing slot 3.
 *   - struct zonelist is an opaque handle: node_zonelist() encodes only the
 *     node, so pass __GFP_THISNODE in the gfp mask of the allocation itself
 *     (as kernel callers do anyway) to get the node-local list.
 *   - struct zone is opaque and unused: drain_local_pages(zone) and
 *     drain_all_pages(zone) drain every zone whatever the argument.
 *   - numa_node_id() is the node of the CPU the instance's platform hook
 *     reports (0 before an instance is installed).
 *   - __get_free_pages() and friends return the direct-map address as an
 *     unsigned long, as the kernel does; this assumes unsigned long holds a
 *     pointer (true on the LP64 and ILP32 POSIX targets). They need a
 *     direct map (struct pz_config.direct_map) and refuse HIGHMEM.
 *   - Errors never BUG(): a bad free is reported through the instance's log
 *     sink, counted in pz_errors() and otherwise ignored.
 */
#ifndef PAGEZONE_LINUX_H
#define PAGEZONE_LINUX_H

#include <pagezone.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------- */
/* The installed instance.                                                 */

/* Defined by PZ_LINUX_DEFINE_INSTANCE in exactly one .c file. */
extern pz_t *pz_linux_instance;

/* Put this at file scope in exactly one .c file of the program, followed by
 * a semicolon. */
#define PZ_LINUX_DEFINE_INSTANCE pz_t *pz_linux_instance = (pz_t *)0

/* Installs inst (NULL uninstalls) as the allocator behind every name below.
 * Context: before other threads use these names. */
static inline void pz_linux_set_instance(pz_t *inst)
{
	pz_linux_instance = inst;
}

/* The installed instance, or NULL. */
static inline pz_t *pz_linux_get_instance(void)
{
	return pz_linux_instance;
}

/* ---------------------------------------------------------------------- */
/* Basic constants and types.                                              */

#ifndef PAGE_SHIFT
#define PAGE_SHIFT 12 /* must equal the machine's page_shift; see pz_page_size() */
#endif
#ifndef PAGE_SIZE
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#endif
#ifndef PAGE_MASK
#define PAGE_MASK (~(PAGE_SIZE - 1))
#endif
#ifndef PAGE_ALIGN
#define PAGE_ALIGN(addr) (((addr) + PAGE_SIZE - 1) & PAGE_MASK)
#endif

/* The kernel's default. A pagezone machine may configure another max_order
 * (struct pz_machine.max_order); pz_max_order() tells the instance's. */
#ifndef MAX_ORDER
#define MAX_ORDER 11
#endif
#define MAX_ORDER_NR_PAGES	(1UL << (MAX_ORDER - 1))
#define PAGE_ALLOC_COSTLY_ORDER 3

/* 0 when PAGE_SIZE and MAX_ORDER above match the instance (NULL: the
 * installed one), -PZ_EINVAL when they do not or there is no instance. */
static inline int pz_linux_check_instance(const pz_t *inst)
{
	if (!inst)
		inst = pz_linux_instance;
	if (!inst || pz_page_size(inst) != (size_t)PAGE_SIZE || pz_max_order(inst) != MAX_ORDER)
		return -PZ_EINVAL;
	return 0;
}

typedef pz_gfp_t gfp_t;

/* Opaque: a struct page * is a pz_page_t * of the installed instance. */
struct page;
/* Opaque handles: see node_zonelist() and drain_local_pages(). */
struct zonelist;
struct zone;

#define NUMA_NO_NODE  PZ_NUMA_NO_NODE
#define MAX_NUMNODES  PZ_MAX_NODES
#define NODES_SHIFT   6 /* PZ_MAX_NODES == 1 << NODES_SHIFT */
#define MAX_NR_ZONES  PZ_NR_ZONE_TYPES
#define MIGRATE_TYPES PZ_MT_TYPES

enum zone_type {
	ZONE_DMA = PZ_ZONE_DMA,
	ZONE_DMA32 = PZ_ZONE_DMA32,
	ZONE_NORMAL = PZ_ZONE_NORMAL,
	ZONE_HIGHMEM = PZ_ZONE_HIGHMEM,
	ZONE_MOVABLE = PZ_ZONE_MOVABLE,
	__MAX_NR_ZONES = PZ_NR_ZONE_TYPES
};

/* pagezone's migratetype values (4.4's order); see the top comment. */
#define MIGRATE_UNMOVABLE   PZ_MT_UNMOVABLE
#define MIGRATE_MOVABLE	    PZ_MT_MOVABLE
#define MIGRATE_RECLAIMABLE PZ_MT_RECLAIMABLE
#define MIGRATE_PCPTYPES    PZ_MT_PCPTYPES
#define MIGRATE_RESERVE	    PZ_MT_RESERVE
#define MIGRATE_HIGHATOMIC  PZ_MT_HIGHATOMIC
#define MIGRATE_CMA	    PZ_MT_CMA
#define MIGRATE_ISOLATE	    PZ_MT_ISOLATE

/* ---------------------------------------------------------------------- */
/* Node masks.                                                             */

typedef struct {
	pz_nodemask_t bits;
} nodemask_t;

#define NODE_MASK_ALL                                                                              \
	{                                                                                          \
		PZ_NODEMASK_ALL                                                                    \
	}
#define NODE_MASK_NONE                                                                             \
	{                                                                                          \
		0                                                                                  \
	}

static inline void __node_set(int node, nodemask_t *dstp)
{
	dstp->bits |= (pz_nodemask_t)1 << node;
}
static inline void __node_clear(int node, nodemask_t *dstp)
{
	dstp->bits &= ~((pz_nodemask_t)1 << node);
}
static inline int __node_isset(int node, const nodemask_t *srcp)
{
	return (int)((srcp->bits >> node) & 1);
}
static inline void __nodes_setall(nodemask_t *dstp)
{
	dstp->bits = PZ_NODEMASK_ALL;
}
static inline void __nodes_clear(nodemask_t *dstp)
{
	dstp->bits = 0;
}
static inline int __nodes_empty(const nodemask_t *srcp)
{
	return srcp->bits == 0;
}
static inline int __nodes_weight(const nodemask_t *srcp)
{
	pz_nodemask_t b = srcp->bits;
	int n = 0;

	for (; b; b &= b - 1)
		n++;
	return n;
}

/* As in the kernel, these take the mask itself (not a pointer). */
#define node_set(node, dst)   __node_set((node), &(dst))
#define node_clear(node, dst) __node_clear((node), &(dst))
#define node_isset(node, src) __node_isset((node), &(src))
#define nodes_setall(dst)     __nodes_setall(&(dst))
#define nodes_clear(dst)      __nodes_clear(&(dst))
#define nodes_empty(src)      __nodes_empty(&(src))
#define nodes_weight(src)     __nodes_weight(&(src))

/* Every node of the instance is online (nodes without memory included). */
static inline int num_online_nodes(void)
{
	return (int)pz_nr_nodes(pz_linux_instance);
}
static inline int node_online(int nid)
{
	return nid >= 0 && nid < num_online_nodes();
}
#define for_each_online_node(node) for ((node) = 0; (node) < num_online_nodes(); (node)++)

/* ---------------------------------------------------------------------- */
/* gfp flags (Linux 4.x names; pagezone bit values).                       */

#define __GFP_DMA	     PZ_GFP_DMA
#define __GFP_HIGHMEM	     PZ__GFP_HIGHMEM
#define __GFP_DMA32	     PZ__GFP_DMA32
#define __GFP_MOVABLE	     PZ__GFP_MOVABLE
#define __GFP_RECLAIMABLE    PZ__GFP_RECLAIMABLE
#define __GFP_HIGH	     PZ__GFP_HIGH
#define __GFP_IO	     PZ__GFP_IO
#define __GFP_FS	     PZ__GFP_FS
#define __GFP_COLD	     PZ__GFP_COLD
#define __GFP_NOWARN	     PZ__GFP_NOWARN
#define __GFP_REPEAT	     PZ__GFP_REPEAT
#define __GFP_NOFAIL	     PZ__GFP_NOFAIL
#define __GFP_NORETRY	     PZ__GFP_NORETRY
#define __GFP_MEMALLOC	     PZ__GFP_MEMALLOC
#define __GFP_COMP	     PZ__GFP_COMP
#define __GFP_ZERO	     PZ__GFP_ZERO
#define __GFP_NOMEMALLOC     PZ__GFP_NOMEMALLOC
#define __GFP_HARDWALL	     PZ__GFP_HARDWALL
#define __GFP_THISNODE	     PZ__GFP_THISNODE
#define __GFP_ATOMIC	     PZ__GFP_ATOMIC
#define __GFP_NOACCOUNT	     PZ__GFP_NOACCOUNT /* accepted, ignored */
#define __GFP_NOTRACK	     PZ__GFP_NOTRACK   /* accepted, ignored */
#define __GFP_DIRECT_RECLAIM PZ__GFP_DIRECT_RECLAIM
#define __GFP_OTHER_NODE     PZ__GFP_OTHER_NODE
#define __GFP_WRITE	     PZ__GFP_WRITE
#define __GFP_KSWAPD_RECLAIM PZ__GFP_KSWAPD_RECLAIM
#define __GFP_RECLAIM	     PZ__GFP_RECLAIM
/* Later kernels' bits (accepted and ignored) and names. */
#define __GFP_ACCOUNT		  PZ__GFP_ACCOUNT
#define __GFP_ZEROTAGS		  PZ__GFP_ZEROTAGS
#define __GFP_SKIP_ZERO		  PZ__GFP_SKIP_ZERO
#define __GFP_SKIP_KASAN_UNPOISON PZ__GFP_SKIP_KASAN_UNPOISON
#define __GFP_SKIP_KASAN_POISON	  PZ__GFP_SKIP_KASAN_POISON
#define __GFP_RETRY_MAYFAIL	  PZ__GFP_RETRY_MAYFAIL

#define __GFP_NOTRACK_FALSE_POSITIVE (__GFP_NOTRACK)

/* 4.1's name of __GFP_RECLAIM (both reclaim bits). Do not test
 * "gfp & __GFP_WAIT" for "may block": use gfpflags_allow_blocking(). */
#define __GFP_WAIT PZ__GFP_WAIT

/* 4.1's __GFP_NO_KSWAPD is the absence of __GFP_KSWAPD_RECLAIM here: it is
 * 0, so ORing it does nothing. Write "gfp & ~__GFP_KSWAPD_RECLAIM". */
#define __GFP_NO_KSWAPD ((gfp_t)0)

#define __GFP_BITS_SHIFT 31
#define __GFP_BITS_MASK	 PZ__GFP_BITS_MASK

/* Composites, with 4.x meaning. */
#define GFP_ATOMIC	     PZ_GFP_ATOMIC
#define GFP_NOWAIT	     PZ_GFP_NOWAIT
#define GFP_NOIO	     PZ_GFP_NOIO
#define GFP_NOFS	     PZ_GFP_NOFS
#define GFP_KERNEL	     PZ_GFP_KERNEL
#define GFP_KERNEL_ACCOUNT   PZ_GFP_KERNEL_ACCOUNT
#define GFP_TRANSHUGE_LIGHT  PZ_GFP_TRANSHUGE_LIGHT
#define GFP_TEMPORARY	     PZ_GFP_TEMPORARY
#define GFP_USER	     PZ_GFP_USER
#define GFP_HIGHUSER	     PZ_GFP_HIGHUSER
#define GFP_HIGHUSER_MOVABLE PZ_GFP_HIGHUSER_MOVABLE
#define GFP_DMA		     PZ_GFP_DMA
#define GFP_DMA32	     PZ_GFP_DMA32
#define GFP_IOFS	     PZ_GFP_IOFS
#define GFP_TRANSHUGE	     PZ_GFP_TRANSHUGE
#define GFP_ZONEMASK	     PZ_GFP_ZONEMASK
#define GFP_MOVABLE_MASK     (__GFP_RECLAIMABLE | __GFP_MOVABLE)
#define GFP_CONSTRAINT_MASK  (__GFP_HARDWALL | __GFP_THISNODE)
#define GFP_BOOT_MASK	     (__GFP_BITS_MASK & ~(__GFP_RECLAIM | __GFP_IO | __GFP_FS))
#define GFP_SLAB_BUG_MASK    (__GFP_DMA32 | __GFP_HIGHMEM | ~__GFP_BITS_MASK)

/* 4.4: may the caller sleep (direct reclaim allowed)? */
static inline bool gfpflags_allow_blocking(const gfp_t gfp_flags)
{
	return (gfp_flags & __GFP_DIRECT_RECLAIM) != 0;
}

/*
 * The highest zone type the mask allows on the installed instance's
 * machine (a zone type no node has falls back to ZONE_NORMAL, as for an
 * unconfigured zone in the kernel), or a negative value (-PZ_EINVAL) for a
 * forbidden zone combination. Presence is read from the instance's THISNODE
 * zonelists, so it counts populated zones; without an instance every zone
 * type counts as present.
 */
/* The node of the CPU the caller runs on, as the instance sees it. */
static inline int numa_node_id(void)
{
	return pz_linux_instance ? pz_numa_node_id(pz_linux_instance) : 0;
}

static inline int gfp_zone(gfp_t flags)
{
	pz_t *inst = pz_linux_instance;
	unsigned present = 0;

	if (!inst)
		return pz_gfp_zone(flags, 0x1fu);
	for (unsigned n = 0; n < pz_nr_nodes(inst); n++) {
		int zl[2 * PZ_NR_ZONE_TYPES];
		int nr = pz_zonelist(inst, (int)n, 1, zl, PZ_NR_ZONE_TYPES);

		for (int i = 0; i < nr && i < PZ_NR_ZONE_TYPES; i++)
			present |= 1u << zl[2 * i + 1];
	}
	return pz_gfp_zone(flags, present);
}

/* MIGRATE_UNMOVABLE, MIGRATE_MOVABLE or MIGRATE_RECLAIMABLE (pagezone's
 * values); MOVABLE|RECLAIMABLE together give slot 3 as in the kernel. */
static inline int gfpflags_to_migratetype(const gfp_t gfp_flags)
{
	enum pz_migratetype mt = pz_gfp_migratetype(gfp_flags);

	return (int)mt;
}

/* ---------------------------------------------------------------------- */
/* Conversions between struct page and pagezone (internal helpers).        */

static inline pz_page_t *pz_linux_pz_page(struct page *page)
{
	return (pz_page_t *)page;
}
static inline const pz_page_t *pz_linux_pz_cpage(const struct page *page)
{
	return (const pz_page_t *)page;
}
static inline struct page *pz_linux_page(pz_page_t *page)
{
	return (struct page *)page;
}

/* ---------------------------------------------------------------------- */
/* Zonelists.                                                              */

/*
 * The zonelist handle of node nid: an encoded node number, never
 * dereferenced (NULL for NUMA_NO_NODE, meaning the local node). The flags
 * are not recorded: the allocation's own gfp mask decides whether the
 * THISNODE list is used.
 */
static inline struct zonelist *node_zonelist(int nid, gfp_t flags)
{
	(void)flags;
	if (nid < 0)
		return (struct zonelist *)0;
	return (struct zonelist *)(uintptr_t)((unsigned)nid + 1u);
}

/* The node a node_zonelist() handle stands for (NUMA_NO_NODE for NULL). */
static inline int pz_linux_zonelist_nid(const struct zonelist *zonelist)
{
	if (!zonelist)
		return NUMA_NO_NODE;
	return (int)((uintptr_t)zonelist - 1u);
}

/* ---------------------------------------------------------------------- */
/* Allocation.                                                             */

/* __alloc_pages_nodemask: the preferred node is the zonelist's node;
 * nodemask NULL means the current task's cpuset. */
static inline struct page *__alloc_pages_nodemask(gfp_t gfp_mask, unsigned int order,
						  struct zonelist *zonelist, nodemask_t *nodemask)
{
	return pz_linux_page(pz_alloc_pages_nodemask(
		pz_linux_instance, gfp_mask, order, pz_linux_zonelist_nid(zonelist),
		nodemask ? &nodemask->bits : (const pz_nodemask_t *)0));
}

static inline struct page *__alloc_pages(gfp_t gfp_mask, unsigned int order,
					 struct zonelist *zonelist)
{
	return __alloc_pages_nodemask(gfp_mask, order, zonelist, (nodemask_t *)0);
}

/* alloc_pages: the current task's mempolicy (preferred node) or local node. */
static inline struct page *alloc_pages(gfp_t gfp_mask, unsigned int order)
{
	return pz_linux_page(pz_alloc_pages(pz_linux_instance, gfp_mask, order));
}

static inline struct page *alloc_page(gfp_t gfp_mask)
{
	return alloc_pages(gfp_mask, 0);
}

/* nid NUMA_NO_NODE (or any negative value): the local node. */
static inline struct page *alloc_pages_node(int nid, gfp_t gfp_mask, unsigned int order)
{
	return pz_linux_page(pz_alloc_pages_node(pz_linux_instance, nid, gfp_mask, order));
}

/* The kernel requires a valid nid here; pagezone treats a negative one as
 * the local node, like alloc_pages_node(). */
static inline struct page *__alloc_pages_node(int nid, gfp_t gfp_mask, unsigned int order)
{
	return alloc_pages_node(nid, gfp_mask, order);
}

/* Direct-map address of 2^order pages, or 0 (also for __GFP_HIGHMEM). */
static inline unsigned long __get_free_pages(gfp_t gfp_mask, unsigned int order)
{
	void *addr = pz_get_free_pages(pz_linux_instance, gfp_mask, order);

	return (unsigned long)(uintptr_t)addr;
}

static inline unsigned long __get_free_page(gfp_t gfp_mask)
{
	return __get_free_pages(gfp_mask, 0);
}

static inline unsigned long get_zeroed_page(gfp_t gfp_mask)
{
	void *addr = pz_get_zeroed_page(pz_linux_instance, gfp_mask);

	return (unsigned long)(uintptr_t)addr;
}

static inline unsigned long __get_dma_pages(gfp_t gfp_mask, unsigned int order)
{
	return __get_free_pages(gfp_mask | GFP_DMA, order);
}

/* PAGE_ALIGN(size) bytes of contiguous pages (the remainder of the
 * power-of-two block is given back). NULL for __GFP_COMP or __GFP_HIGHMEM. */
static inline void *alloc_pages_exact(size_t size, gfp_t gfp_mask)
{
	return pz_alloc_pages_exact(pz_linux_instance, size, gfp_mask);
}

static inline void free_pages_exact(void *virt, size_t size)
{
	(void)pz_free_pages_exact(pz_linux_instance, virt, size);
}

/* ---------------------------------------------------------------------- */
/* Freeing and references.                                                 */

static inline void __free_pages(struct page *page, unsigned int order)
{
	(void)pz_free_pages(pz_linux_instance, pz_linux_pz_page(page), order);
}

static inline void __free_page(struct page *page)
{
	__free_pages(page, 0);
}

/* addr 0 is ignored, as in the kernel. */
static inline void free_pages(unsigned long addr, unsigned int order)
{
	(void)pz_free_pages_addr(pz_linux_instance, (void *)(uintptr_t)addr, order);
}

static inline void free_page(unsigned long addr)
{
	free_pages(addr, 0);
}

/* Frees one order-0 page, to the cold end of the per-CPU list if cold. */
static inline void free_hot_cold_page(struct page *page, bool cold)
{
	(void)pz_free_pages_cold(pz_linux_instance, pz_linux_pz_page(page), 0, cold ? 1 : 0);
}

static inline unsigned int compound_order(struct page *page)
{
	return pz_compound_order(pz_linux_instance, pz_linux_pz_page(page));
}

static inline struct page *compound_head(struct page *page)
{
	return pz_linux_page(pz_compound_head(pz_linux_instance, pz_linux_pz_page(page)));
}

static inline int PageTail(struct page *page)
{
	return compound_head(page) != page;
}

static inline int PageHead(struct page *page)
{
	return compound_order(page) != 0;
}

static inline int PageCompound(struct page *page)
{
	return PageHead(page) || PageTail(page);
}

/* Takes a reference on the page (on its head for a compound page). */
static inline void get_page(struct page *page)
{
	(void)pz_page_get(pz_linux_instance, pz_linux_pz_page(compound_head(page)));
}

/* Drops a reference; the last one frees the page, a compound page at its
 * compound order, any other page at order 0. */
static inline void put_page(struct page *page)
{
	struct page *head = compound_head(page);

	if (!head) /* not a page of the instance: let the free report it */
		head = page;
	__free_pages(head, compound_order(head));
}

/* The reference count (of the head for a compound page). */
static inline int page_count(struct page *page)
{
	return pz_page_refcount(pz_linux_instance, pz_linux_pz_page(compound_head(page)));
}

/* The page's own reference count (4.6+). */
static inline int page_ref_count(struct page *page)
{
	return pz_page_refcount(pz_linux_instance, pz_linux_pz_page(page));
}

/* Turns a non-compound order-n allocation into 2^n order-0 pages. */
static inline void split_page(struct page *page, unsigned int order)
{
	(void)pz_split_page(pz_linux_instance, pz_linux_pz_page(page), order);
}

/* page_private: pagezone's owner word, cleared at allocation. */
static inline unsigned long page_private(const struct page *page)
{
	return (unsigned long)pz_page_owner(pz_linux_pz_cpage(page));
}

static inline void set_page_private(struct page *page, unsigned long private_)
{
	pz_page_set_owner(pz_linux_pz_page(page), (uintptr_t)private_);
}

static inline bool page_is_pfmemalloc(struct page *page)
{
	return pz_page_is_pfmemalloc(pz_linux_instance, pz_linux_pz_page(page));
}

/* ---------------------------------------------------------------------- */
/* Conversions.                                                            */

/* (unsigned long)-1 for a page not managed by the instance. */
static inline unsigned long page_to_pfn(const struct page *page)
{
	return (unsigned long)pz_page_to_pfn(pz_linux_instance, pz_linux_pz_cpage(page));
}

/* NULL for a pfn outside every zone (the kernel does not check). */
static inline struct page *pfn_to_page(unsigned long pfn)
{
	return pz_linux_page(pz_pfn_to_page(pz_linux_instance, (uint64_t)pfn));
}

static inline int pfn_valid(unsigned long pfn)
{
	return pfn_to_page(pfn) != (struct page *)0;
}

/* The direct-map address, or NULL without a direct map. */
static inline void *page_address(const struct page *page)
{
	return pz_page_address(pz_linux_instance, pz_linux_pz_cpage(page));
}

/* NULL for an address outside the direct map (the kernel does not check). */
static inline struct page *virt_to_page(const void *kaddr)
{
	return pz_linux_page(pz_virt_to_page(pz_linux_instance, kaddr));
}

static inline bool virt_addr_valid(const void *kaddr)
{
	return virt_to_page(kaddr) != (struct page *)0;
}

/* Undefined (out of the enum's range) for a page not managed by the
 * instance, as the kernel does not check either. */
static inline enum zone_type page_zonenum(const struct page *page)
{
	int zone = pz_page_zonenum(pz_linux_instance, pz_linux_pz_cpage(page));

	return (enum zone_type)zone;
}

/* NUMA_NO_NODE for a page not managed by the instance. */
static inline int page_to_nid(const struct page *page)
{
	return pz_page_to_nid(pz_linux_instance, pz_linux_pz_cpage(page));
}

/* The kernel's asm-generic get_order: the smallest order whose block holds
 * size bytes of PAGE_SIZE pages (size 0 is undefined, as in the kernel). */
static inline int get_order(unsigned long size)
{
	int order = -1;

	size--;
	size >>= (PAGE_SHIFT - 1);
	do {
		size >>= 1;
		order++;
	} while (size);
	return order;
}

/* alloc_pages_exact on node nid (NUMA_NO_NODE: the local node). */
static inline void *alloc_pages_exact_nid(int nid, size_t size, gfp_t gfp_mask)
{
	pz_t *inst = pz_linux_instance;
	size_t psize, used, nr;
	unsigned int order = 0;
	struct page *page;

	if (!inst || !size || (gfp_mask & (__GFP_COMP | __GFP_HIGHMEM)))
		return (void *)0;
	psize = pz_page_size(inst);
	used = (size + psize - 1) / psize;
	while (((size_t)1 << order) < used)
		order++;
	if (order >= pz_max_order(inst))
		return (void *)0;
	page = alloc_pages_node(nid, gfp_mask, order);
	if (!page)
		return (void *)0;
	if (!page_address(page)) { /* no direct map */
		__free_pages(page, order);
		return (void *)0;
	}
	split_page(page, order);
	nr = (size_t)1 << order;
	for (size_t i = used; i < nr; i++)
		__free_page(pfn_to_page(page_to_pfn(page) + (unsigned long)i));
	return page_address(page);
}

/* ---------------------------------------------------------------------- */
/* Per-CPU lists and counters.                                             */

/* Drains this CPU's per-CPU lists of every zone (zone is ignored). */
static inline void drain_local_pages(struct zone *zone)
{
	(void)zone;
	pz_drain_local_pages(pz_linux_instance);
}

/* Drains every CPU's per-CPU lists of every zone (zone is ignored). */
static inline void drain_all_pages(struct zone *zone)
{
	(void)zone;
	pz_drain_all_pages(pz_linux_instance);
}

/* Free pages of every zone (NR_FREE_PAGES: per-CPU lists not included).
 * Takes each zone's lock in turn. */
static inline unsigned long nr_free_pages(void)
{
	pz_t *inst = pz_linux_instance;
	struct pz_zone_info zi;
	unsigned long sum = 0;

	for (unsigned n = 0; inst && n < pz_nr_nodes(inst); n++)
		for (int t = 0; t < PZ_NR_ZONE_TYPES; t++)
			if (pz_zone_info(inst, (int)n, (enum pz_zone_type)t, &zi) == 0)
				sum += (unsigned long)zi.stat[PZ_NR_FREE_PAGES];
	return sum;
}

/*
 * The fail_page_alloc= boot option (setup_fail_page_alloc): parses
 * "<interval>,<probability>,<space>,<times>" into the installed instance's
 * fail_page_alloc attributes, keeping its other attributes. Returns 1 when
 * taken, 0 for text that does not parse or no installed instance (what a
 * __setup handler returns). The debugfs knobs are the fields of struct
 * pz_fault_attr (pz_get_fail_page_alloc / pz_set_fail_page_alloc).
 * Context: as pz_set_fail_page_alloc (any thread, may spin).
 */
static inline int setup_fail_page_alloc(char *str)
{
	struct pz_fault_attr attr;

	if (pz_get_fail_page_alloc(pz_linux_instance, &attr) || pz_fault_attr_parse(str, &attr))
		return 0;
	return pz_set_fail_page_alloc(pz_linux_instance, &attr) == 0;
}

#ifdef __cplusplus
}
#endif

#endif /* PAGEZONE_LINUX_H */
