/*
 * unreserve.c - unreserve_highatomic_pageblock (modern): before a request
 * that could reclaim gives up, the HIGHATOMIC reserve (fallback.c builds
 * it after successful high-order atomic allocations) goes back.
 *
 * Walks the zones of the request's zonelist; in the first zone with a
 * reserved block (more than one unless forced: the last block is kept
 * while pressure is moderate) it finds a free block on a HIGHATOMIC list,
 * relabels its pageblock with the request's migratetype (no stealing
 * heuristics: the caller needs these pages now) and moves the block's free
 * pages over. Takes each zone's lock in turn, one at a time, and calls
 * nothing outside the allocator.
 */
#include "internal.h"

/* The first free block on a HIGHATOMIC list of z, or NULL. With z->lock. */
static struct pz_page *highatomic_block_locked(struct pz *pz, struct pz_zone *z)
{
	pz_assert_zone_locked(pz, z);
	for (unsigned o = 0; o < pz->max_order; o++) {
		const struct pz_list *l = &z->free_area[o].list[PZ_MT_HIGHATOMIC];

		if (!pz_list_empty(l))
			return &pz->pages[l->first];
	}
	return (struct pz_page *)0;
}

/* One zone: true when free pages moved out of the reserve. */
static bool unreserve_zone(struct pz *pz, struct pz_zone *z, unsigned mt)
{
	long moved = 0;
	struct pz_page *p;

	pz_lock(pz, &z->lock);
	p = highatomic_block_locked(pz, z);
	if (p) {
		uint64_t pfn = pz_page_pfn(pz, p);

		/* the count drops once per block, and never below zero */
		if (pz_pageblock_mt(pz, pfn) == PZ_MT_HIGHATOMIC) {
			long r = zload(&z->nr_reserved_highatomic);
			long d =
				r < (long)pz->pageblock_nr_pages ? r : (long)pz->pageblock_nr_pages;

			zadd(&z->nr_reserved_highatomic, -d);
		}
		pz_set_pageblock_mt(pz, pfn, mt);
		moved = pz_move_freepages_block_locked(pz, z, p, mt);
	}
	pz_unlock(&z->lock);
	return moved != 0;
}

bool pz_unreserve_highatomic(struct pz *pz, const struct pz_alloc_ctx *ac, bool force)
{
	unsigned pos = 0, mt = ac->migratetype < PZ_MT_PCPTYPES ? ac->migratetype : PZ_MT_MOVABLE;
	struct pz_zone *z;

	if (!pz_feature(pz, PZ_FEAT_HIGHATOMIC))
		return false;
	while ((z = pz_next_zone(pz, ac->zonelist, &pos, ac->high_zoneidx, ac->nodemask))) {
		if (!force && zload(&z->nr_reserved_highatomic) <= (long)pz->pageblock_nr_pages)
			continue;
		if (unreserve_zone(pz, z, mt))
			return true;
	}
	return false;
}
