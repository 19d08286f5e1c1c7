/*
 * reserved.c - handing reserved pages to the allocator after it was
 * created, as the kernel's free_reserved_area / free_reserved_page do
 * when it frees its init sections, the initrd or firmware memory after
 * boot (pz_free_reserved_pages).
 *
 * A reserved page is present memory the zone never managed: PG_RESERVED
 * with one reference, on no list. Freeing a run of them clears the flag,
 * drops the reference and frees the run to the buddy lists in maximal
 * aligned blocks, merging with free neighbours as any free does; the
 * zone's managed count grows by the run. As in the kernel, nothing that
 * was computed from managed is recomputed: not the watermarks, not the
 * reserves (lowmem_reserve, totalreserve), not the per-CPU high and
 * batch, not the vmstat threshold. A later sysctl write recomputes them
 * from the new count, exactly as on the kernel.
 *
 * The kernel frees the pages one by one through __free_page, so on 6.1
 * they may wait on the freeing CPU's per-CPU list until it drains; here
 * they go straight to the buddy lists (the state after that drain).
 *
 * A check pass first: the whole run must lie in one zone and every page
 * of it must be reserved (not free, allocated, a hole or poisoned), so a
 * refusal changes nothing. managed is otherwise constant after init and
 * read without locks, so the call must not run concurrently with any
 * other call on the instance. Frees take the zone lock; no callback runs.
 */
#include "internal.h"

/* The zone that holds every page of [pfn, pfn + nr) as reserved pages, or
 * NULL; *err says why not. */
static struct pz_zone *reserved_run_zone(struct pz *pz, uint64_t pfn, uint64_t nr, int *err)
{
	struct pz_zone *z;
	uint16_t id;

	*err = -PZ_ERANGE;
	if (!pz_pfn_covered(pz, pfn) || !pz_pfn_covered(pz, pfn + nr - 1))
		return (struct pz_zone *)0;
	id = pz_pfn_page(pz, pfn)->zone;
	if (id == PZ_NO_ZONE)
		return (struct pz_zone *)0;
	z = &pz->zones[id];
	if (pfn < z->start_pfn || pfn + nr > z->end_pfn)
		return (struct pz_zone *)0;
	*err = -PZ_EFAULT;
	for (uint64_t i = 0; i < nr; i++) {
		struct pz_page *p = pz_pfn_page(pz, pfn + i);

		if (p->zone != id || pg_flags(p) != PG_RESERVED ||
		    atomic_load_explicit(&p->refcount, memory_order_relaxed) != 1)
			return (struct pz_zone *)0;
	}
	*err = 0;
	return z;
}

int pz_free_reserved_pages(pz_t *pz, uint64_t start_pfn, uint64_t nr)
{
	struct pz_zone *z;
	uint64_t freed;
	int err;

	if (!pz_instance_ok(pz) || !nr || start_pfn + nr < start_pfn)
		return -PZ_EINVAL;
	z = reserved_run_zone(pz, start_pfn, nr, &err);
	if (!z) {
		pz_log(pz, PZ_LOG_WARN, "free_reserved_pages: [%llu, %llu) is %s; nothing freed",
		       (unsigned long long)start_pfn, (unsigned long long)(start_pfn + nr),
		       err == -PZ_ERANGE ? "not inside one zone" : "not all reserved pages");
		return err;
	}
	for (uint64_t i = 0; i < nr; i++) {
		struct pz_page *p = pz_pfn_page(pz, start_pfn + i);

		atomic_store_explicit(&p->flags, 0, memory_order_relaxed);
		atomic_store_explicit(&p->refcount, 0, memory_order_relaxed);
	}
	freed = pz_release_range(pz, z, start_pfn, start_pfn + nr, false);
	z->managed += freed; /* adjust_managed_page_count */
	return 0;
}
