/*
 * watermark.c - how much memory each zone keeps back, and the check that
 * enforces it.
 *
 * min_free_kbytes (about 4 * sqrt(lowmem kB), or khugepaged's recommended
 * minimum when transparent huge pages are on) is spread over the zones in
 * proportion to their size to give each zone its MIN watermark. Up to 4.5
 * LOW and HIGH sit a quarter and a half of that share above it; since 4.6
 * each step is the larger of a quarter of the share and
 * watermark_scale_factor / 10000 of the zone. lowmem_reserve protects low
 * zones from allocations that could have used a higher zone.
 * The check itself comes in two generations: 4.1's per-order loop, which
 * asks that enough memory sit in blocks of at least each order, and 4.4's
 * "order-0 watermark plus one suitable block" (PZ_FEAT_WMARK_ORDER0_CHECK).
 *
 * Per-CPU list sizes (zone_batchsize) live here too: they are derived from
 * the same zone sizes and recomputed by the same sysctls.
 */
#include "internal.h"

static bool zone_is_highmem(const struct pz *pz, const struct pz_zone *z)
{
	return z->type == PZ_ZONE_HIGHMEM || (z->type == PZ_ZONE_MOVABLE && pz->has_highmem);
}

static unsigned local_node(const struct pz *pz)
{
	return pz->cpu_node[0];
}

/* nr_free_buffer_pages: managed - high over the local zonelist up to NORMAL. */
static uint64_t nr_free_buffer_pages(struct pz *pz)
{
	const uint16_t *zl = pz->nodes[local_node(pz)].zonelist[0];
	uint64_t sum = 0;

	for (unsigned i = 0; zl[i] != PZ_NO_ZONE; i++) {
		struct pz_zone *z = &pz->zones[zl[i]];
		uint64_t high = (uint64_t)zload(&z->wmark[PZ_WMARK_HIGH]);

		if (z->type <= PZ_ZONE_NORMAL && z->managed > high)
			sum += z->managed - high;
	}
	return sum;
}

unsigned pz_default_min_free_kbytes(struct pz *pz)
{
	uint64_t lowmem_kb = nr_free_buffer_pages(pz) << (pz->page_shift - 10);
	uint64_t v = pz_isqrt(lowmem_kb * 16);

	if (v < 128)
		v = 128;
	/* the upper bound is 256 MiB since 5.7, 64 MiB before */
	if (v > (pz_kver(pz) >= PZ_KV(5, 7) ? 262144u : 65536u))
		v = pz_kver(pz) >= PZ_KV(5, 7) ? 262144u : 65536u;
	return (unsigned)v;
}

/*
 * khugepaged's set_recommended_min_free_kbytes: room for two free
 * pageblocks per zone plus, for each pair of pcp migratetypes, one more
 * (2 + 3 * 3 blocks), but never more than 5% of nr_free_buffer_pages (so
 * the watermarks already in place count). 4.4 counts every populated zone;
 * by 6.1 only those a GFP_USER request may use (not HIGHMEM or MOVABLE).
 */
static unsigned thp_min_free_kbytes(struct pz *pz)
{
	unsigned nz = pz->nr_nodes * PZ_NR_ZONE_TYPES, nr_zones = 0;
	uint64_t rec, cap = nr_free_buffer_pages(pz) / 20;

	for (unsigned i = 0; i < nz; i++)
		if (pz->zones[i].populated &&
		    (pz_kver(pz) < PZ_KV(6, 1) || pz->zones[i].type <= PZ_ZONE_NORMAL))
			nr_zones++;
	rec = (uint64_t)pz->pageblock_nr_pages * nr_zones * (2 + PZ_MT_PCPTYPES * PZ_MT_PCPTYPES);
	rec = rec < cap ? rec : cap;
	return (unsigned)(rec << (pz->page_shift - 10));
}

static void setup_zone_wmarks(struct pz *pz, struct pz_zone *z, uint64_t pages_min,
			      uint64_t lowmem_pages)
{
	uint64_t tmp = lowmem_pages ? pages_min * z->managed / lowmem_pages : 0;
	uint64_t min, low, high;

	if (zone_is_highmem(pz, z)) {
		min = z->managed / 1024;
		min = min < PZ_SWAP_CLUSTER_MAX ? PZ_SWAP_CLUSTER_MAX : min > 128 ? 128 : min;
	} else {
		min = tmp;
	}
	if (pz_kver(pz) >= PZ_KV(4, 6)) {
		/* watermark_scale_factor: both steps the same size */
		uint64_t step = z->managed * pz->watermark_scale_factor / 10000;

		step = step > tmp / 4 ? step : tmp / 4;
		low = min + step;
		high = low + step;
	} else {
		low = min + tmp / 4;
		high = min + tmp / 2;
	}
	zstore(&z->wmark[PZ_WMARK_MIN], (long)min);
	zstore(&z->wmark[PZ_WMARK_LOW], (long)low);
	zstore(&z->wmark[PZ_WMARK_HIGH], (long)high);
	zstore(&z->watermark_boost, 0); /* 5.0: new watermarks start unboosted */
	/* The fair policy's batch is the gap kswapd works in. */
	atomic_store_explicit(&z->nr_alloc_batch, (long)(high - low), memory_order_relaxed);
}

/*
 * lower->lowmem_reserve[j]: the managed pages of the node's zones above
 * lower up to j, divided by lower's ratio. Up to 5.8 a ratio below 1 counts
 * as 1; since 5.9 a ratio of 0 or an empty lower zone reserves nothing.
 */
static long lowmem_reserve(const struct pz *pz, const struct pz_zone *lower, uint64_t above)
{
	unsigned ratio = pz->lowmem_reserve_ratio[lower->type];

	if (pz_kver(pz) >= PZ_KV(5, 9))
		return ratio && lower->managed ? (long)(above / ratio) : 0;
	return (long)(above / (ratio < 1 ? 1 : ratio));
}

static void setup_lowmem_reserve(struct pz *pz)
{
	for (unsigned n = 0; n < pz->nr_nodes; n++) {
		for (int j = 0; j < PZ_NR_ZONE_TYPES; j++) {
			struct pz_zone *z = pz_zone_of(pz, (int)n, j);
			uint64_t managed = z->managed;

			zstore(&z->lowmem_reserve[j], 0);
			for (int idx = j - 1; idx >= 0; idx--) {
				struct pz_zone *lower = pz_zone_of(pz, (int)n, idx);

				zstore(&lower->lowmem_reserve[j],
				       lowmem_reserve(pz, lower, managed));
				managed += lower->managed;
			}
		}
	}
}

/* calculate_totalreserve_pages: what the dirty-limit computation sets aside. */
static void setup_totalreserve(struct pz *pz)
{
	for (unsigned i = 0; i < pz->nr_nodes * PZ_NR_ZONE_TYPES; i++) {
		struct pz_zone *z = &pz->zones[i];
		long max = 0;

		for (unsigned j = z->type; j < PZ_NR_ZONE_TYPES; j++)
			if (zload(&z->lowmem_reserve[j]) > max)
				max = zload(&z->lowmem_reserve[j]);
		max += zload(&z->wmark[PZ_WMARK_HIGH]);
		if ((uint64_t)max > z->managed)
			max = (long)z->managed;
		zstore(&z->dirty_balance_reserve, max);
	}
}

/* setup_per_zone_wmarks for one min_free_kbytes. */
static void setup_wmarks(struct pz *pz, unsigned kbytes)
{
	uint64_t lowmem_pages = 0, pages_min = (uint64_t)kbytes >> (pz->page_shift - 10);
	unsigned nz = pz->nr_nodes * PZ_NR_ZONE_TYPES;

	atomic_store_explicit(&pz->min_free_kbytes, kbytes, memory_order_relaxed);
	for (unsigned i = 0; i < nz; i++)
		if (!zone_is_highmem(pz, &pz->zones[i]))
			lowmem_pages += pz->zones[i].managed;
	for (unsigned i = 0; i < nz; i++) {
		struct pz_zone *z = &pz->zones[i];

		pz_lock(pz, &z->lock);
		setup_zone_wmarks(pz, z, pages_min, lowmem_pages);
		if (pz_kver(pz) < PZ_KV(4, 4) && z->populated)
			pz_setup_migrate_reserve_locked(pz, z);
		pz_unlock(&z->lock);
	}
}

/*
 * setup_per_zone_wmarks + lowmem reserve + totalreserve, the order
 * init_per_zone_wmark_min runs them in. Each zone's part runs under its
 * lock, as the kernel does, because 4.1 also moves MIGRATE_RESERVE blocks.
 * The first call (init, watermarks still 0) fixes the default
 * min_free_kbytes: the formula's, raised to khugepaged's recommendation
 * (computed with the formula's watermarks in place, as khugepaged starts
 * after them) when transparent huge pages are on. A user value (config or
 * pz_set_min_free_kbytes) is used as it is, as after a sysctl write.
 * With tune_lock held: pz_setup_watermarks takes it.
 */
void pz_setup_watermarks_locked(struct pz *pz)
{
	unsigned nz = pz->nr_nodes * PZ_NR_ZONE_TYPES;

	pz_assert_tune_locked(pz);
	if (!pz->boot_min_free_kbytes) {
		pz->boot_min_free_kbytes = pz_default_min_free_kbytes(pz);
		if (pz->thp_enabled) {
			unsigned rec;

			setup_wmarks(pz, pz->boot_min_free_kbytes);
			rec = thp_min_free_kbytes(pz);
			if (rec > pz->boot_min_free_kbytes)
				pz->boot_min_free_kbytes = rec;
		}
	}
	setup_wmarks(pz, pz->user_min_free_kbytes != PZ_MIN_FREE_KBYTES_DEFAULT
				 ? pz->user_min_free_kbytes
				 : pz->boot_min_free_kbytes);
	setup_lowmem_reserve(pz);
	setup_totalreserve(pz);
	/* 5.14's pcp->high follows the low watermark */
	for (unsigned i = 0; i < nz && pz_feature(pz, PZ_FEAT_PCP_HIGH_ORDER); i++)
		if (pz->zones[i].pcp)
			pz_pcp_setup_zone(pz, &pz->zones[i]);
}

/* lowmem_reserve_ratio_sysctl_handler's part: setup_per_zone_lowmem_reserve,
 * which ends in calculate_totalreserve_pages; the watermarks stay. */
void pz_setup_lowmem_reserve_locked(struct pz *pz)
{
	pz_assert_tune_locked(pz);
	setup_lowmem_reserve(pz);
	setup_totalreserve(pz);
}

void pz_setup_watermarks(struct pz *pz)
{
	pz_lock(pz, &pz->tune_lock);
	pz_setup_watermarks_locked(pz);
	pz_unlock(&pz->tune_lock);
}

bool pz_zone_watermark_ok_locked_free(const struct pz *pz, struct pz_zone *z, unsigned order,
				      long mark, unsigned classzone, unsigned alloc_flags,
				      long free_pages)
{
	return pz_wmark_ok_inline(pz, z, order, mark, classzone, alloc_flags, free_pages);
}

bool pz_watermark_ok(const struct pz *pz, struct pz_zone *z, unsigned order, long mark,
		     unsigned classzone, unsigned alloc_flags)
{
	return pz_zone_watermark_ok_locked_free(pz, z, order, mark, classzone, alloc_flags,
						zload(&z->nr_free_pages));
}

unsigned pz_stat_threshold(const struct pz *pz, const struct pz_zone *z)
{
	uint64_t mem = z->managed >> (27 - pz->page_shift);
	unsigned t = 2 * pz_fls(pz->nr_cpus) * (1 + pz_fls(mem));

	return t < 125 ? t : 125;
}

/* zone_batchsize: about a quarter of a thousandth of the zone, 2^n - 1;
 * the zone part is capped at 512 KiB, at 1 MiB since 5.14. */
static unsigned zone_batchsize(const struct pz *pz, const struct pz_zone *z)
{
	uint64_t batch = z->managed / 1024;
	uint64_t cap = ((pz_kver(pz) >= PZ_KV(5, 14) ? 1024u : 512u) * 1024) >> pz->page_shift;

	if (batch > cap)
		batch = cap;
	batch /= 4;
	if (batch < 1)
		batch = 1;
	return (unsigned)(pz_rounddown_pow2(batch + batch / 2) - 1);
}

/*
 * zone_highsize (5.14): the zone's low watermark - or managed / fraction
 * when percpu_pagelist_fraction is set - shared by the CPUs of its node
 * (all CPUs for a node without any), at least 4 * batch, so that full
 * per-CPU lists do not wake background reclaim early.
 */
static unsigned zone_highsize(const struct pz *pz, const struct pz_zone *z, unsigned batch)
{
	uint64_t total = pz->percpu_pagelist_fraction ? z->managed / pz->percpu_pagelist_fraction
						      : (uint64_t)zload(&z->wmark[PZ_WMARK_LOW]);
	unsigned cpus = 0, high;

	for (unsigned c = 0; c < pz->nr_cpus; c++)
		cpus += pz->cpu_node[c] == z->nid;
	high = (unsigned)(total / (cpus ? cpus : pz->nr_cpus));
	return high > batch * 4 ? high : batch * 4;
}

/* pcp->high and pcp->batch of every CPU of z. Reads the [T] tunables: the
 * caller holds tune_lock, or is pz_init. */
void pz_pcp_setup_zone(struct pz *pz, struct pz_zone *z)
{
	unsigned high, batch;

	if (pz_feature(pz, PZ_FEAT_PCP_HIGH_ORDER)) {
		batch = zone_batchsize(pz, z);
		batch = batch < 1 ? 1 : batch;
		high = zone_highsize(pz, z, batch);
	} else if (pz->percpu_pagelist_fraction) {
		high = (unsigned)(z->managed / pz->percpu_pagelist_fraction);
		batch = high / 4 > pz->page_shift * 8 ? pz->page_shift * 8 : high / 4;
		batch = batch < 1 ? 1 : batch;
	} else {
		batch = zone_batchsize(pz, z);
		high = 6 * batch;
		batch = batch < 1 ? 1 : batch;
	}
	for (unsigned c = 0; c < pz->nr_cpus; c++) {
		struct pz_pcp *pcp = &z->pcp[c];

		/* batch 1 first, then high, then batch: batch <= high throughout */
		atomic_store_explicit(&pcp->batch, 1, memory_order_release);
		atomic_store_explicit(&pcp->high, (int)high, memory_order_release);
		atomic_store_explicit(&pcp->batch, (int)batch, memory_order_release);
	}
}
