/*
 * buddy.c - the free lists of a zone and the buddy algorithm.
 *
 * A free block of order k is 2^k pages starting at a pfn aligned to 2^k;
 * its head descriptor carries PG_BUDDY, the order and the migratetype of
 * the list it sits on. Its buddy is the block at pfn ^ 2^k. Freeing merges
 * a block with its buddy for as long as the buddy is a free block of the
 * same order in the same zone (holes and zone edges stop merging because
 * their descriptors are never PG_BUDDY or belong to another zone).
 * Allocation takes the smallest sufficient block and splits it, keeping
 * the lowest part and putting each upper half back on the list head
 * (expand), so that pages handed out in a row are physically contiguous.
 *
 * Lists are doubly linked through 32-bit page indices instead of pointers
 * (half the size), with first/last kept in the list head.
 *
 * Everything here runs with zone->lock held.
 */
#include "internal.h"

/* A free-block count: written under zone->lock, read unlocked. */
static void rd_inc(atomic_uint_least64_t *v, long d)
{
	pz_count_owned(v, (uint64_t)d);
}

/* set_pageblock_migratetype: without mobility grouping every block of a
 * per-CPU type is labelled UNMOVABLE. */
void pz_set_pageblock_mt(struct pz *pz, uint64_t pfn, unsigned mt)
{
	uint64_t b = (pfn - pz->base_pfn) >> pz->pageblock_order;
	uint8_t old = atomic_load_explicit(&pz->pageblock[b], memory_order_relaxed);

	if (pz->mobility_disabled && mt < PZ_MT_PCPTYPES)
		mt = PZ_MT_UNMOVABLE;
	atomic_store_explicit(&pz->pageblock[b], (uint8_t)((old & ~PB_MT_MASK) | mt),
			      memory_order_relaxed);
}

/* Puts a free block on a list (head, or tail when it is likely to merge). */
void pz_area_add(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned order, unsigned mt,
		 bool tail)
{
	struct pz_free_area *a = &z->free_area[order];

	p->order = (uint8_t)order;
	p->mt = (uint8_t)mt;
	pg_set_where(p, PG_BUDDY);
	if (tail)
		pz_list_add_tail(pz, &a->list[mt], p);
	else
		pz_list_add_head(pz, &a->list[mt], p);
	rd_inc(&a->nr_free, 1);
	rd_inc(&a->nr_free_mt[mt], 1);
}

void pz_area_del(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned order)
{
	struct pz_free_area *a = &z->free_area[order];

	pz_list_del(pz, &a->list[p->mt], p);
	pg_set_where(p, 0);
	rd_inc(&a->nr_free, -1);
	rd_inc(&a->nr_free_mt[p->mt], -1);
}

/* move_to_free_list: a free block changes to mt's list of its order. */
void pz_area_move(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned order, unsigned mt)
{
	struct pz_free_area *a = &z->free_area[order];

	pz_list_del(pz, &a->list[p->mt], p);
	rd_inc(&a->nr_free_mt[p->mt], -1);
	rd_inc(&a->nr_free_mt[mt], 1);
	p->mt = (uint8_t)mt;
	pz_list_add_head(pz, &a->list[mt], p);
}

/* __mod_zone_freepage_state: isolated pages are never counted as free. */
void pz_account_free_locked(const struct pz *pz, struct pz_zone *z, long pages, unsigned mt)
{
	pz_assert_zone_locked(pz, z);
	if (mt == PZ_MT_ISOLATE)
		return;
	zadd(&z->nr_free_pages, pages);
	if (mt == PZ_MT_CMA)
		zadd(&z->nr_free_cma, pages);
}

void pz_expand_locked(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned low,
		      unsigned high, unsigned mt)
{
	uint64_t size = (uint64_t)1 << high;

	pz_assert_zone_locked(pz, z);
	while (high > low) {
		high--;
		size >>= 1;
		pz_area_add(pz, z, p + size, high, mt, false);
	}
}

struct pz_page *pz_rmqueue_smallest_locked(struct pz *pz, struct pz_zone *z, unsigned order,
					   unsigned mt)
{
	pz_assert_zone_locked(pz, z);
	for (unsigned o = order; o < pz->max_order; o++) {
		struct pz_list *l = &z->free_area[o].list[mt];
		struct pz_page *p;

		if (pz_list_empty(l))
			continue;
		p = &pz->pages[l->first];
		pz_area_del(pz, z, p, o);
		pz_expand_locked(pz, z, p, order, o, mt);
		p->mt = (uint8_t)mt;
		return p;
	}
	return (struct pz_page *)0;
}

/* page_is_buddy: a free block of exactly this order, in the same zone. */
static bool is_buddy(const struct pz *pz, const struct pz_page *p, uint64_t buddy_pfn,
		     unsigned order)
{
	const struct pz_page *b;

	if (!pz_pfn_covered(pz, buddy_pfn))
		return false;
	b = pz_pfn_page(pz, buddy_pfn);
	return (pg_flags(b) & PG_BUDDY) && b->order == order && b->zone == p->zone;
}

/*
 * Whether two free blocks of a pageblock or more, of types mt and the
 * buddy's pageblock label, may merge: until 5.18 always (isolated blocks
 * are capped by the caller), since then only when the types match or both
 * are per-CPU types (migratetype_is_mergeable): HIGHATOMIC, CMA and
 * ISOLATE blocks keep to themselves.
 */
static bool may_merge(const struct pz *pz, uint64_t buddy_pfn, unsigned order, unsigned mt)
{
	unsigned bmt;

	if (order < pz->pageblock_order || pz_kver(pz) < PZ_KV(5, 18))
		return true;
	bmt = pz_pageblock_mt(pz, buddy_pfn);
	return mt == bmt || (mt < PZ_MT_PCPTYPES && bmt < PZ_MT_PCPTYPES);
}

/*
 * task_capc: the capture control of the freeing task's direct compaction
 * in z that has taken nothing yet (the innermost, when a migrate callback
 * compacts again), or NULL. Called only when z has one (z->capture).
 */
static struct pz_capture *task_capc(struct pz *pz, struct pz_zone *z)
{
	const struct pz_task *task = pz_task_current(pz);

	for (struct pz_capture *c = z->capture; c; c = c->next)
		if (c->task == task && !c->page)
			return c;
	return (struct pz_capture *)0;
}

/*
 * compaction_capture: a block of the capture's order, of a type it may
 * take, becomes the compactor's (refcount 1 and its order and type
 * written, as compaction's own free blocks are, so that pz_validate sees
 * an allocated block) instead of going to a list; the free pages it was
 * counted into are taken back.
 */
static bool capture_block(struct pz *pz, struct pz_zone *z, struct pz_capture *c, uint64_t pfn,
			  unsigned order, unsigned mt)
{
	struct pz_page *p;

	if (order != c->order || mt == PZ_MT_CMA || mt == PZ_MT_ISOLATE ||
	    (order < pz->pageblock_order && mt == PZ_MT_MOVABLE))
		return false;
	pz_account_free_locked(pz, z, -((long)1 << order), mt);
	p = pz_pfn_page(pz, pfn);
	p->order = (uint8_t)order;
	p->mt = (uint8_t)mt;
	atomic_store_explicit(&p->refcount, 1, memory_order_relaxed);
	c->page = p;
	atomic_store_explicit(&c->taken, true, memory_order_release);
	return true;
}

/*
 * __free_one_page: merge upward, then place. A block whose order+1 buddy is
 * free goes to the list tail, so that it stays free (and can merge) longer;
 * so does every block freed with to_tail (5.10's FPI_TO_TAIL, which
 * __free_pages_core gives memory entering the allocator). Blocks in
 * isolated pageblocks merge no further than a pageblock (until 5.18; then
 * may_merge decides). A direct compaction of the freeing task in this zone
 * may capture the block at its order on the way up (6.1).
 */
static void free_one_page(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned order,
			  unsigned mt, bool to_tail)
{
	uint64_t pfn = pz_page_pfn(pz, p);
	unsigned max_order = pz->max_order;
	bool tail = to_tail;

	/* 6.1's capture_control: only while a direct compaction runs here */
	struct pz_capture *capc = pz_unlikely(z->capture != 0) ? task_capc(pz, z) : 0;

	pz_assert_zone_locked(pz, z);
	if (mt != PZ_MT_ISOLATE)
		pz_account_free_locked(pz, z, (long)1 << order, mt);
	else if (pz_kver(pz) < PZ_KV(5, 18))
		max_order =
			pz->pageblock_order + 1 < max_order ? pz->pageblock_order + 1 : max_order;
	while (order < max_order - 1) {
		uint64_t buddy_pfn = pfn ^ ((uint64_t)1 << order);

		if (pz_unlikely(capc != 0) && capture_block(pz, z, capc, pfn, order, mt))
			return;

		if (!is_buddy(pz, p, buddy_pfn, order) || !may_merge(pz, buddy_pfn, order, mt))
			break;
		pz_area_del(pz, z, pz_pfn_page(pz, buddy_pfn), order);
		pfn &= buddy_pfn;
		order++;
	}
	p = pz_pfn_page(pz, pfn);
	if (!tail && order + 2 < pz->max_order) {
		uint64_t combined = pfn & ~((uint64_t)1 << order);
		uint64_t higher_buddy = combined ^ ((uint64_t)1 << (order + 1));

		/* as the kernel's page_is_buddy(higher_page, higher_buddy): the
		 * zone test is made with the combined block's first page, which
		 * is this block's buddy when that one lies below it */
		tail = is_buddy(pz, pz_pfn_page(pz, combined), higher_buddy, order + 1);
	}
	pz_area_add(pz, z, p, order, mt, tail);
}

void pz_free_one_page_locked(struct pz *pz, struct pz_zone *z, struct pz_page *p, unsigned order,
			     unsigned mt)
{
	free_one_page(pz, z, p, order, mt, false);
}

void pz_free_one_page_tail_locked(struct pz *pz, struct pz_zone *z, struct pz_page *p,
				  unsigned order, unsigned mt)
{
	free_one_page(pz, z, p, order, mt, true);
}
