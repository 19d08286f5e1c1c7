/*
 * pageblocks.c - pz_zone_pageblocks: a read-only walk of a zone's
 * pageblocks for pictures (the pageblock map of `pagezone run --map`).
 *
 * For each pageblock it reports the migratetype label and how its pages
 * are used: managed by the zone, free in the buddy lists, or on per-CPU
 * lists. The walk reads the page descriptors under the zone's per-CPU
 * locks and its zone lock (taken in pz_validate's order), the locks that
 * own PG_BUDDY and PG_PCP, so the counts of one call form a consistent
 * snapshot. A free block larger than a pageblock has its head in an
 * earlier pageblock: each block first looks for such a head above it.
 * Nothing is written.
 */
#include "internal.h"

/* A free buddy block of an order above the pageblock order, headed before
 * s, that covers the pageblock at s. */
static bool covered_by_larger(const struct pz *pz, const struct pz_zone *z, uint64_t s)
{
	for (unsigned o = pz->pageblock_order + 1; o < pz->max_order; o++) {
		uint64_t head = s & ~(((uint64_t)1 << o) - 1);
		const struct pz_page *h;

		if (head == s || head < z->start_pfn || !pz_pfn_covered(pz, head))
			continue;
		h = pz_pfn_page(pz, head);
		if (h->zone == z->id && (pg_flags(h) & PG_BUDDY) && h->order >= o)
			return true;
	}
	return false;
}

/* Counts one pageblock at s; the zone's locks are held. */
static void walk_block_locked(const struct pz *pz, const struct pz_zone *z, uint64_t s,
			      struct pz_pageblock_info *pb)
{
	uint64_t lo = s < z->start_pfn ? z->start_pfn : s;
	uint64_t hi = s + pz->pageblock_nr_pages, end = z->start_pfn + z->spanned;

	if (hi > end)
		hi = end;
	pb->start_pfn = s;
	pb->mt = (enum pz_migratetype)pz_pageblock_mt(pz, s);
	pb->managed = pb->free = pb->pcp = 0;
	if (covered_by_larger(pz, z, s)) {
		pb->managed = pb->free = (unsigned)(hi - lo);
		return;
	}
	for (uint64_t pfn = lo; pfn < hi;) {
		const struct pz_page *p = pz_pfn_page(pz, pfn);
		unsigned f = pg_flags(p);
		uint64_t n = 1;

		if (p->zone != z->id || (f & (PG_HOLE | PG_RESERVED))) {
			pfn++;
			continue;
		}
		if (f & (PG_BUDDY | PG_PCP)) {
			n = (uint64_t)1 << p->order;
			if (n > hi - pfn)
				n = hi - pfn;
			if (f & PG_BUDDY)
				pb->free += (unsigned)n;
			else
				pb->pcp += (unsigned)n;
		}
		pb->managed += (unsigned)n;
		pfn += n;
	}
}

int64_t pz_zone_pageblocks(pz_t *pz, int nid, enum pz_zone_type type, uint64_t first,
			   struct pz_pageblock_info *out, size_t max)
{
	struct pz_zone *z;
	uint64_t nr, lo, count;

	if (!pz_instance_ok(pz) || (!out && max))
		return -PZ_EINVAL;
	if (nid < 0 || (unsigned)nid >= pz->nr_nodes || (unsigned)type >= PZ_NR_ZONE_TYPES)
		return -PZ_ENODEV;
	z = pz_zone_of(pz, nid, (int)type);
	if (!z->populated)
		return -PZ_ENODEV;
	nr = pz->pageblock_nr_pages;
	lo = z->start_pfn & ~(nr - 1);
	count = ((z->start_pfn + z->spanned - 1) & ~(nr - 1)) / nr - lo / nr + 1;
	if (first >= count || !max)
		return (int64_t)count;
	if (max > count - first)
		max = (size_t)(count - first);
	for (unsigned c = 0; c < pz->nr_cpus; c++)
		pz_lock(pz, &z->pcp[c].lock);
	pz_lock(pz, &z->lock);
	for (size_t i = 0; i < max; i++)
		walk_block_locked(pz, z, lo + (first + i) * nr, &out[i]);
	pz_unlock(&z->lock);
	for (unsigned c = pz->nr_cpus; c-- > 0;)
		pz_unlock(&z->pcp[c].lock);
	return (int64_t)count;
}
