/*
 * tunables.c - the vm sysctls: min_free_kbytes, watermark_scale_factor,
 * watermark_boost_factor, lowmem_reserve_ratio and the per-CPU pagelist
 * fraction.
 *
 * Each setter does what the kernel's sysctl handler does after storing the
 * value: min_free_kbytes and watermark_scale_factor recompute every zone's
 * watermarks (setup_per_zone_wmarks, which in 5.14+ also resizes the
 * per-CPU lists that follow the low watermark); lowmem_reserve_ratio
 * recomputes the reserves (setup_per_zone_lowmem_reserve); the fraction
 * resizes the per-CPU lists. Nothing is copied from elsewhere: every
 * number derives from the zones' managed pages and the tunables in force
 * (watermark.c). The setters serialise on tune_lock, which is taken before
 * any zone lock and never held across a callback.
 */
#include "internal.h"

/* A tunable the watermarks are computed from: store it and recompute every
 * zone's marks, as the sysctl handlers do. */
static int set_wmark_tunable(pz_t *pz, unsigned *field, unsigned value)
{
	pz_lock(pz, &pz->tune_lock);
	*field = value;
	pz_setup_watermarks_locked(pz);
	pz_unlock(&pz->tune_lock);
	return 0;
}

/* min_free_kbytes_sysctl_handler: any int from 0 (extra1 = zero in 4.1,
 * 4.4 and 6.1): 0 is a user value like any other. */
int pz_set_min_free_kbytes(pz_t *pz, unsigned kbytes)
{
	if (!pz_instance_ok(pz) || (kbytes > 0x7fffffffu && kbytes != PZ_MIN_FREE_KBYTES_DEFAULT))
		return -PZ_EINVAL;
	return set_wmark_tunable(pz, &pz->user_min_free_kbytes, kbytes);
}

int pz_set_percpu_pagelist_fraction(pz_t *pz, unsigned fraction)
{
	if (!pz_instance_ok(pz))
		return -PZ_EINVAL;
	if (fraction && fraction < 8)
		return -PZ_EINVAL;
	pz_lock(pz, &pz->tune_lock);
	pz->percpu_pagelist_fraction = fraction;
	for (unsigned i = 0; i < pz->nr_nodes * PZ_NR_ZONE_TYPES; i++)
		if (pz->zones[i].pcp)
			pz_pcp_setup_zone(pz, &pz->zones[i]);
	pz_unlock(&pz->tune_lock);
	return 0;
}

int pz_set_watermark_scale_factor(pz_t *pz, unsigned factor)
{
	if (!pz_instance_ok(pz) || factor < 1 || factor > 3000)
		return -PZ_EINVAL;
	return set_wmark_tunable(pz, &pz->watermark_scale_factor, factor);
}

int pz_set_watermark_boost_factor(pz_t *pz, unsigned factor)
{
	if (!pz_instance_ok(pz) || factor > 0x7fffffffu)
		return -PZ_EINVAL;
	pz_lock(pz, &pz->tune_lock);
	atomic_store_explicit(&pz->watermark_boost_factor, factor, memory_order_relaxed);
	pz_unlock(&pz->tune_lock);
	return 0;
}

unsigned pz_watermark_boost_factor(const pz_t *pz)
{
	return pz_instance_ok(pz) ? atomic_load_explicit(&((pz_t *)pz)->watermark_boost_factor,
							 memory_order_relaxed)
				  : 0;
}

/* The whole recompute, as setup_per_zone_wmarks' caller would do it: the
 * reserves do not depend on the watermarks, but recomputing both keeps
 * one path (and totalreserve follows both). */
int pz_set_lowmem_reserve_ratio(pz_t *pz, const unsigned *ratio, unsigned n)
{
	if (!pz_instance_ok(pz) || (!ratio && n) || n > PZ_NR_ZONE_TYPES)
		return -PZ_EINVAL;
	for (unsigned i = 0; i < n; i++)
		if (ratio[i] > 0x7fffffffu)
			return -PZ_EINVAL;
	pz_lock(pz, &pz->tune_lock);
	for (unsigned i = 0; i < n && i < PZ_NR_ZONE_TYPES - 1; i++)
		pz->lowmem_reserve_ratio[i] =
			ratio[i] || pz_kver(pz) >= PZ_KV(5, 9) ? ratio[i] : 1u;
	/* the kernel's handler recomputes the reserves only: watermarks and
	 * per-CPU sizes keep the managed counts they were computed from */
	pz_setup_lowmem_reserve_locked(pz);
	pz_unlock(&pz->tune_lock);
	return 0;
}

int pz_get_vm_sysctls(pz_t *pz, struct pz_vm_sysctls *out)
{
	int proactiveness;

	if (!pz_instance_ok(pz) || !out)
		return -PZ_EINVAL;
	pz_lock(pz, &pz->tune_lock);
	out->min_free_kbytes = atomic_load_explicit(&pz->min_free_kbytes, memory_order_relaxed);
	out->watermark_scale_factor = pz->watermark_scale_factor;
	out->watermark_boost_factor =
		atomic_load_explicit(&pz->watermark_boost_factor, memory_order_relaxed);
	out->percpu_pagelist_fraction = pz->percpu_pagelist_fraction;
	for (unsigned i = 0; i < PZ_NR_ZONE_TYPES - 1; i++)
		out->lowmem_reserve_ratio[i] = pz->lowmem_reserve_ratio[i];
	proactiveness = pz_compaction_proactiveness(pz);
	out->compaction_proactiveness = proactiveness > 0 ? (unsigned)proactiveness : 0;
	pz_unlock(&pz->tune_lock);
	return 0;
}
