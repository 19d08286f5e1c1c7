/*
 * wmark.h - the watermark tests, inline so that the shortcuts
 * get them specialised for their constant alloc_flags.
 * Included by internal.h after the declarations: include that, not this.
 */
#ifndef PZ_WMARK_H
#define PZ_WMARK_H

#ifndef PZ_INTERNAL_H
#error "include internal.h, not wmark.h"
#endif

/* wmark_pages (5.0): a watermark with the zone's boost on top; the boost
 * stays 0 without PZ_FEAT_WMARK_BOOST. */
static inline long pz_wmark_pages(const struct pz_zone *z, unsigned i)
{
	return zload(&z->wmark[i]) + zload(&z->watermark_boost);
}

/*
 * 4.1-4.3: the order-0 test (CMA discounted when the request may not use
 * it), then each lower order's free pages are discounted in turn while the
 * requirement halves; CMA is not discounted again inside the loop.
 */
static inline bool pz_wmark_ok_41(const struct pz *pz, struct pz_zone *z, unsigned order, long min,
				  unsigned classzone, long free, long free_cma)
{
	(void)pz;
	if (free - free_cma <= min + zload(&z->lowmem_reserve[classzone]))
		return false;
	for (unsigned o = 0; o < order; o++) {
		free -= (long)(atomic_load_explicit(&z->free_area[o].nr_free, memory_order_relaxed)
			       << o);
		min >>= 1;
		if (free <= min)
			return false;
	}
	return true;
}

/* 4.4+: the order-0 watermark, then one free block of the order on a list
 * this request may use: a PCP type's, CMA with ALLOC_CMA, HIGHATOMIC with
 * ALLOC_HARDER (4.4.155 and 6.1, after the fix of the false positive that
 * let ALLOC_HARDER take any free block, CMA and isolated ones too). */
static inline bool pz_wmark_ok_44(const struct pz *pz, struct pz_zone *z, unsigned order, long min,
				  unsigned classzone, unsigned alloc_flags, long free)
{
	if (free <= min + zload(&z->lowmem_reserve[classzone]))
		return false;
	if (!order)
		return true;
	for (unsigned o = order; o < pz->max_order; o++) {
		const struct pz_free_area *a = &z->free_area[o];

		if (!atomic_load_explicit(&a->nr_free, memory_order_relaxed))
			continue;
		for (unsigned mt = 0; mt < PZ_MT_PCPTYPES; mt++)
			if (atomic_load_explicit(&a->nr_free_mt[mt], memory_order_relaxed))
				return true;
		if ((alloc_flags & PZ_ALLOC_CMA) &&
		    atomic_load_explicit(&a->nr_free_mt[PZ_MT_CMA], memory_order_relaxed))
			return true;
		if ((alloc_flags & PZ_ALLOC_HARDER) &&
		    atomic_load_explicit(&a->nr_free_mt[PZ_MT_HIGHATOMIC], memory_order_relaxed))
			return true;
	}
	return false;
}

/* __zone_watermark_ok with the zone's free pages given; inline so that the
 * shortcuts get it specialised for their constant alloc_flags. */
static inline bool pz_wmark_ok_inline(const struct pz *pz, struct pz_zone *z, unsigned order,
				      long mark, unsigned classzone, unsigned alloc_flags,
				      long free_pages)
{
	long min = mark;
	long free = free_pages - (((long)1 << order) - 1);
	long free_cma = 0;

	if (alloc_flags & PZ_ALLOC_HIGH)
		min -= min / 2;
	if (alloc_flags & PZ_ALLOC_HARDER)
		min -= min / 4;
	else if (pz_feature(pz, PZ_FEAT_HIGHATOMIC))
		free -= zload(&z->nr_reserved_highatomic); /* only HARDER may use them */
	if (!(alloc_flags & PZ_ALLOC_CMA))
		free_cma = zload(&z->nr_free_cma);
	if (pz_feature(pz, PZ_FEAT_WMARK_ORDER0_CHECK))
		return pz_wmark_ok_44(pz, z, order, min, classzone, alloc_flags, free - free_cma);
	return pz_wmark_ok_41(pz, z, order, min, classzone, free, free_cma);
}

#endif /* PZ_WMARK_H */
