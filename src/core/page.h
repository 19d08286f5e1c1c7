/*
 * page.h - page descriptors, their lists and pageblocks, zones,
 * the instance check.
 * Included by internal.h after the declarations: include that, not this.
 */
#ifndef PZ_PAGE_H
#define PZ_PAGE_H

#ifndef PZ_INTERNAL_H
#error "include internal.h, not page.h"
#endif

static inline uint32_t pz_page_idx(const struct pz *pz, const struct pz_page *p)
{
	return (uint32_t)(p - pz->pages);
}
static inline uint64_t pz_page_pfn(const struct pz *pz, const struct pz_page *p)
{
	return pz->base_pfn + (uint64_t)(p - pz->pages);
}
static inline struct pz_page *pz_pfn_page(const struct pz *pz, uint64_t pfn)
{
	return &pz->pages[pfn - pz->base_pfn];
}
static inline bool pz_pfn_covered(const struct pz *pz, uint64_t pfn)
{
	return pfn >= pz->base_pfn && pfn - pz->base_pfn < pz->nr_pages;
}
/*
 * PG_BUDDY and PG_PCP live in p->where, written only under the lock that
 * owns the list (zone or pcp) with plain relaxed stores. PG_HEAD and PG_TAIL
 * live there too: only the block's owner writes them (the allocation sets
 * them, the free that won the last reference drops them before the block
 * joins a list), so a compound free needs no atomic read-modify-write per
 * page. Every other flag is in p->flags. pg_flags() shows both, so readers
 * need not care.
 */
static inline unsigned pg_flags(const struct pz_page *p)
{
	return atomic_load_explicit(&p->flags, memory_order_relaxed) |
	       atomic_load_explicit(&p->where, memory_order_relaxed);
}
static inline void pg_set_where(struct pz_page *p, unsigned where)
{
	atomic_store_explicit(&p->where, (uint8_t)where, memory_order_relaxed);
}
static inline void pg_set(struct pz_page *p, unsigned f)
{
	atomic_fetch_or_explicit(&p->flags, (uint16_t)f, memory_order_relaxed);
}
static inline void pg_clear(struct pz_page *p, unsigned f)
{
	atomic_fetch_and_explicit(&p->flags, (uint16_t)~f, memory_order_relaxed);
}
/*
 * What a free clears: every flag but HWPOISON, which pz_page_set_state may
 * set from another thread at any time (the page must then never be reused:
 * the next allocation's check leaks it). No write at all when nothing is
 * set, the common case; otherwise one atomic AND, so a concurrent
 * HWPOISON is never wiped.
 */
static inline void pg_clear_for_free(struct pz_page *p)
{
	if (atomic_load_explicit(&p->flags, memory_order_relaxed) & ~(unsigned)PG_HWPOISON)
		atomic_fetch_and_explicit(&p->flags, (uint16_t)PG_HWPOISON, memory_order_relaxed);
}
static inline struct pz_zone *pz_page_zone(const struct pz *pz, const struct pz_page *p)
{
	return &pz->zones[p->zone];
}
static inline struct pz_zone *pz_zone_of(const struct pz *pz, int nid, int type)
{
	return &pz->zones[nid * PZ_NR_ZONE_TYPES + type];
}
/*
 * How many pages of a block the allocation and free checks look at: all of
 * them (4.1), or - with PZ_FEAT_CHECK_HEAD_ONLY, as later kernels without
 * debugging - the head alone while no page was ever marked HWPOISON (the
 * one state change the API allows on a page without a reference).
 */
static inline uint64_t pz_pages_to_check(const struct pz *pz, unsigned order)
{
	if ((pz->features & PZ_FEAT_CHECK_HEAD_ONLY) &&
	    !atomic_load_explicit(&pz->nr_hwpoison, memory_order_relaxed))
		return 1;
	return (uint64_t)1 << order;
}
static inline bool pz_feature(const struct pz *pz, unsigned f)
{
	return (pz->features & f) != 0;
}
/* Index-linked lists of descriptors (first/last, PZ_NIL-terminated). */
static inline void pz_list_add_head(struct pz *pz, struct pz_list *l, struct pz_page *p)
{
	uint32_t idx = pz_page_idx(pz, p);

	p->prev = PZ_NIL;
	p->next = l->first;
	if (l->first != PZ_NIL)
		pz->pages[l->first].prev = idx;
	else
		l->last = idx;
	l->first = idx;
}

static inline void pz_list_add_tail(struct pz *pz, struct pz_list *l, struct pz_page *p)
{
	uint32_t idx = pz_page_idx(pz, p);

	p->next = PZ_NIL;
	p->prev = l->last;
	if (l->last != PZ_NIL)
		pz->pages[l->last].next = idx;
	else
		l->first = idx;
	l->last = idx;
}

static inline void pz_list_del(struct pz *pz, struct pz_list *l, struct pz_page *p)
{
	if (p->prev != PZ_NIL)
		pz->pages[p->prev].next = p->next;
	else
		l->first = p->next;
	if (p->next != PZ_NIL)
		pz->pages[p->next].prev = p->prev;
	else
		l->last = p->prev;
	p->next = p->prev = PZ_NIL;
}

static inline bool pz_list_empty(const struct pz_list *l)
{
	return l->first == PZ_NIL;
}
static inline unsigned pz_pageblock_mt(const struct pz *pz, uint64_t pfn)
{
	uint64_t b = (pfn - pz->base_pfn) >> pz->pageblock_order;

	return atomic_load_explicit(&pz->pageblock[b], memory_order_relaxed) & PB_MT_MASK;
}
/* The descriptor behind a caller's page pointer, or NULL when it is not one
 * of this instance's (outside the array or not on a descriptor boundary). */
static inline struct pz_page *pz_checked_page(struct pz *pz, const pz_page_t *page)
{
	uintptr_t a = (uintptr_t)page, lo = (uintptr_t)pz->pages;

	if (a < lo || a >= lo + pz->nr_pages * sizeof(struct pz_page) ||
	    (a - lo) % sizeof(struct pz_page))
		return (struct pz_page *)0;
	return (struct pz_page *)(uintptr_t)page;
}
static inline bool pz_instance_ok(const struct pz *pz)
{
	return pz && pz->magic == PZ_MAGIC;
}
/* next_zones_zonelist: the next zone at or after *pos whose type is at most
 * highidx and whose node is in mask (NULL: any); NULL at the end. */
static inline struct pz_zone *pz_next_zone(struct pz *pz, const uint16_t *zl, unsigned *pos,
					   unsigned highidx, const pz_nodemask_t *mask)
{
	for (; zl[*pos] != PZ_NO_ZONE; (*pos)++) {
		struct pz_zone *z = &pz->zones[zl[*pos]];

		if (z->type > highidx)
			continue;
		if (mask && !(*mask & ((pz_nodemask_t)1 << z->nid)))
			continue;
		(*pos)++;
		return z;
	}
	return (struct pz_zone *)0;
}

#endif /* PZ_PAGE_H */
