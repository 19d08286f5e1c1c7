/*
 * stats.c - counters and the kernel's reports.
 *
 * Counters the fast path bumps (pgalloc, pgfree, numa_*) live per CPU and
 * per zone and are summed when read; the free-page counters are exact zone
 * fields kept under the zone lock. The reports reproduce the kernel's text
 * byte for byte: /proc/buddyinfo, /proc/pagetypeinfo, the allocator's
 * fields of /proc/zoneinfo and /proc/vmstat, and debugfs's extfrag_index
 * and unusable_index.
 */
#include "internal.h"

uint64_t pz_zone_event(const struct pz *pz, const struct pz_zone *z, enum pz_pcp_event ev)
{
	uint64_t sum = 0;

	if (!z->pcp)
		return 0;
	for (unsigned c = 0; c < pz->nr_cpus; c++) {
		sum += atomic_load_explicit(&z->pcp[c].ev[ev], memory_order_relaxed) +
		       atomic_load_explicit(&z->pcp[c].ev_locked[ev], memory_order_relaxed);
		/* the shortcut's local hits: PGALLOC in pages, NUMA_HIT, NUMA_LOCAL */
		for (unsigned l = 0; l < PZ_PCP_LEVELS; l++) {
			uint64_t hits = atomic_load_explicit(&z->pcp[c].local_hits[l],
							     memory_order_relaxed);

			if (ev == PCPEV_PGALLOC)
				sum += hits << pz_pcp_level_order(pz, l);
			else if (ev == PCPEV_NUMA_HIT || ev == PCPEV_NUMA_LOCAL)
				sum += hits;
		}
	}
	return sum;
}

static struct pz_zone *lookup_zone(pz_t *pz, int nid, enum pz_zone_type type)
{
	struct pz_zone *z;

	if (!pz_instance_ok(pz) || nid < 0 || (unsigned)nid >= pz->nr_nodes ||
	    (unsigned)type >= PZ_NR_ZONE_TYPES)
		return (struct pz_zone *)0;
	z = pz_zone_of(pz, nid, type);
	return z->populated ? z : (struct pz_zone *)0;
}

static unsigned pcp_pages(struct pz *pz, struct pz_zone *z)
{
	unsigned sum = 0;

	for (unsigned c = 0; c < pz->nr_cpus; c++) {
		pz_lock(pz, &z->pcp[c].lock);
		sum += (unsigned)z->pcp[c].count;
		pz_unlock(&z->pcp[c].lock);
	}
	return sum;
}

void pz_fill_zone_info_locked(struct pz *pz, struct pz_zone *z, struct pz_zone_info *info)
{
	static const int evmap[][2] = {
		{PCPEV_NUMA_HIT, PZ_NUMA_HIT},
		{PCPEV_NUMA_MISS, PZ_NUMA_MISS},
		{PCPEV_NUMA_FOREIGN, PZ_NUMA_FOREIGN},
		{PCPEV_NUMA_INTERLEAVE, PZ_NUMA_INTERLEAVE_HIT},
		{PCPEV_NUMA_LOCAL, PZ_NUMA_LOCAL},
		{PCPEV_NUMA_OTHER, PZ_NUMA_OTHER},
		{PCPEV_PGALLOC, PZ_PGALLOC},
		{PCPEV_PGFREE, PZ_PGFREE},
	};

	pz_assert_zone_locked(pz, z);
	info->nid = z->nid;
	info->type = (enum pz_zone_type)z->type;
	info->name = pz_zone_type_name(info->type);
	info->populated = z->populated;
	info->start_pfn = z->start_pfn;
	info->spanned = z->spanned;
	info->present = z->present;
	info->managed = z->managed;
	info->wmark_min = (uint64_t)pz_wmark_pages(z, PZ_WMARK_MIN);
	info->wmark_low = (uint64_t)pz_wmark_pages(z, PZ_WMARK_LOW);
	info->wmark_high = (uint64_t)pz_wmark_pages(z, PZ_WMARK_HIGH);
	info->watermark_boost = (uint64_t)zload(&z->watermark_boost);
	for (unsigned j = 0; j < PZ_NR_ZONE_TYPES; j++)
		info->lowmem_reserve[j] = (uint64_t)zload(&z->lowmem_reserve[j]);
	info->nr_reserved_blocks = (uint64_t)z->nr_migrate_reserve_block;
	info->nr_reserved_highatomic = (uint64_t)zload(&z->nr_reserved_highatomic);
	info->stat[PZ_NR_FREE_PAGES] = zload(&z->nr_free_pages);
	info->stat[PZ_NR_ALLOC_BATCH] = pz_fair_batch_snapshot(pz, z);
	info->stat[PZ_NR_FREE_CMA_PAGES] = zload(&z->nr_free_cma);
	info->stat[PZ_NR_PAGES_SCANNED] = zload(&z->pages_scanned);
	for (unsigned i = 0; i < sizeof(evmap) / sizeof(evmap[0]); i++)
		info->stat[evmap[i][1]] =
			(int64_t)pz_zone_event(pz, z, (enum pz_pcp_event)evmap[i][0]);
	for (unsigned o = 0; o < pz->max_order; o++) {
		info->nr_free[o] =
			atomic_load_explicit(&z->free_area[o].nr_free, memory_order_relaxed);
		for (unsigned mt = 0; mt < PZ_MT_TYPES; mt++)
			info->nr_free_mt[o][mt] = atomic_load_explicit(
				&z->free_area[o].nr_free_mt[mt], memory_order_relaxed);
	}
	for (uint64_t pfn = z->start_pfn; pfn < z->end_pfn; pfn += pz->pageblock_nr_pages)
		info->nr_blocks_mt[pz_pageblock_mt(pz, pfn)]++;
	info->pcp_high = (unsigned)atomic_load_explicit(&z->pcp[0].high, memory_order_relaxed);
	info->pcp_batch = (unsigned)atomic_load_explicit(&z->pcp[0].batch, memory_order_relaxed);
	info->stat_threshold = (unsigned)z->stat_threshold;
}

long pz_fair_batch_snapshot(const struct pz *pz, const struct pz_zone *z)
{
	long v = zload(&z->nr_alloc_batch);

	for (unsigned c = 0; z->pcp && c < pz->nr_cpus; c++)
		v += atomic_load_explicit(&z->pcp[c].alloc_batch_diff, memory_order_relaxed);
	return v;
}

int pz_zone_info(pz_t *pz, int nid, enum pz_zone_type type, struct pz_zone_info *info)
{
	struct pz_zone *z = lookup_zone(pz, nid, type);
	unsigned pcp;

	if (!info)
		return -PZ_EINVAL;
	if (!z)
		return -PZ_ENODEV;
	pz_memzero(info, sizeof(*info));
	pcp = pcp_pages(pz, z);
	pz_lock(pz, &z->lock);
	pz_fill_zone_info_locked(pz, z, info);
	pz_unlock(&z->lock);
	info->pcp_pages = pcp;
	return 0;
}

/* The per-CPU lists of (nid, type) on cpu, or NULL and *rc the error. */
static struct pz_pcp *lookup_pcp(pz_t *pz, int nid, enum pz_zone_type type, unsigned cpu, int *rc)
{
	struct pz_zone *z;

	*rc = -PZ_EINVAL;
	if (!pz_instance_ok(pz))
		return (struct pz_pcp *)0;
	*rc = -PZ_ENODEV;
	z = lookup_zone(pz, nid, type);
	return z && cpu < pz->nr_cpus ? &z->pcp[cpu] : (struct pz_pcp *)0;
}

int64_t pz_pcp_count(pz_t *pz, int nid, enum pz_zone_type type, unsigned cpu)
{
	int rc;
	struct pz_pcp *pcp = lookup_pcp(pz, nid, type, cpu, &rc);
	int64_t n;

	if (!pcp)
		return rc;
	/* the sum of 2^order over its blocks, kept by every push and pop */
	pz_lock(pz, &pcp->lock);
	n = pcp->count;
	pz_unlock(&pcp->lock);
	return n;
}

int pz_pcp_info(pz_t *pz, int nid, enum pz_zone_type type, unsigned cpu, struct pz_pcp_info *info)
{
	int rc;
	struct pz_pcp *pcp = lookup_pcp(pz, nid, type, cpu, &rc);

	if (!info)
		return -PZ_EINVAL;
	if (!pcp)
		return rc;
	pz_lock(pz, &pcp->lock);
	info->count = (unsigned)pcp->count;
	info->high = (unsigned)atomic_load_explicit(&pcp->high, memory_order_relaxed);
	info->batch = (unsigned)atomic_load_explicit(&pcp->batch, memory_order_relaxed);
	for (unsigned mt = 0; mt < PZ_MT_PCPTYPES; mt++)
		info->count_mt[mt] = 0;
	for (unsigned k = 0; k < PZ_PCP_NR_LISTS; k++)
		for (uint32_t i = pcp->lists[k].first; i != PZ_NIL; i = pz->pages[i].next)
			info->count_mt[k % PZ_MT_PCPTYPES] += 1u << pz->pages[i].order;
	pz_unlock(&pcp->lock);
	return 0;
}

void pz_errors(const pz_t *pz, struct pz_errors *out)
{
	const atomic_uint_least64_t *src;
	uint64_t *dst;

	if (!out)
		return;
	pz_memzero(out, sizeof(*out));
	if (!pz_instance_ok(pz))
		return;
	src = &pz->err.bad_order;
	dst = &out->bad_order;
	for (unsigned i = 0; i < sizeof(*out) / sizeof(uint64_t); i++)
		dst[i] = atomic_load_explicit(&src[i], memory_order_relaxed);
}

int pz_vm_events(const pz_t *pz, uint64_t *out, size_t n)
{
	if (!pz_instance_ok(pz) || !out || n > PZ_NR_VM_EVENTS)
		return -PZ_EINVAL;
	for (size_t i = 0; i < n; i++)
		out[i] = atomic_load_explicit(&pz->vm_events[i], memory_order_relaxed);
	return 0;
}

#define PZ_ALLOC_KNOWN                                                                             \
	(PZ_ALLOC_WMARK_LOW | PZ_ALLOC_WMARK_HIGH | PZ_ALLOC_NO_WATERMARKS | PZ_ALLOC_HARDER |     \
	 PZ_ALLOC_HIGH | PZ_ALLOC_CPUSET | PZ_ALLOC_CMA | PZ_ALLOC_FAIR)

int pz_zone_watermark_ok(pz_t *pz, int nid, enum pz_zone_type type, unsigned order,
			 unsigned alloc_flags, enum pz_zone_type classzone)
{
	struct pz_zone *z = lookup_zone(pz, nid, type);

	if (!z)
		return -PZ_ENODEV;
	if (order >= pz->max_order || (unsigned)classzone >= PZ_NR_ZONE_TYPES ||
	    (alloc_flags & PZ_ALLOC_WMARK_MASK) == PZ_ALLOC_WMARK_MASK ||
	    (alloc_flags & ~PZ_ALLOC_KNOWN))
		return -PZ_EINVAL;
	if (alloc_flags & PZ_ALLOC_NO_WATERMARKS)
		return 1;
	return pz_watermark_ok(pz, z, order, pz_wmark_pages(z, alloc_flags & PZ_ALLOC_WMARK_MASK),
			       classzone, alloc_flags);
}

/* fill_contig_page_info and the two indices (spec appendix A). */
static void frag_indices(const struct pz_zone_info *zi, unsigned order, int *extfrag, int *unusable)
{
	uint64_t total = 0, free_pages = 0, suitable = 0;

	for (unsigned o = 0; o < PZ_MAX_ORDER_LIMIT; o++) {
		total += zi->nr_free[o];
		free_pages += zi->nr_free[o] << o;
		if (o >= order)
			suitable += zi->nr_free[o] << (o - order);
	}
	if (extfrag) {
		if (!total)
			*extfrag = 0;
		else if (suitable)
			*extfrag = -1000;
		else
			*extfrag =
				(int)(1000 -
				      (1000 + free_pages * 1000 / ((uint64_t)1 << order)) / total);
	}
	if (unusable)
		*unusable = free_pages
				    ? (int)((free_pages - (suitable << order)) * 1000 / free_pages)
				    : 1000;
}

int pz_fragmentation_index(pz_t *pz, int nid, enum pz_zone_type type, unsigned order, int *extfrag,
			   int *unusable)
{
	struct pz_zone_info zi;
	int rc;

	if (pz_instance_ok(pz) && order >= pz->max_order)
		return -PZ_EINVAL;
	rc = pz_zone_info(pz, nid, type, &zi);
	if (rc)
		return rc;
	frag_indices(&zi, order, extfrag, unusable);
	return 0;
}

/* ---- text reports ---------------------------------------------------------- */

#define PT_LIST_CAP 100000ull

/* The migratetypes the kernel would list: CMA only when configured. */
static bool mt_listed(const struct pz *pz, unsigned mt)
{
	return mt != PZ_MT_CMA || pz->has_cma;
}

/* Walks populated zones in node, type order with a snapshot of each. */
typedef void (*zone_fn)(struct pz *pz, struct pz_out *o, const struct pz_zone_info *zi);

static void for_each_zone_info(struct pz *pz, struct pz_out *o, int nid, zone_fn fn)
{
	struct pz_zone_info zi;

	for (unsigned n = 0; n < pz->nr_nodes; n++) {
		if (nid >= 0 && (unsigned)nid != n)
			continue;
		for (int t = 0; t < PZ_NR_ZONE_TYPES; t++)
			if (pz_zone_info(pz, (int)n, (enum pz_zone_type)t, &zi) == 0)
				fn(pz, o, &zi);
	}
}

static void buddyinfo_zone(struct pz *pz, struct pz_out *o, const struct pz_zone_info *zi)
{
	pz_out_printf(o, "Node %d, zone %8s ", zi->nid, zi->name);
	for (unsigned ord = 0; ord < pz->max_order; ord++)
		pz_out_printf(o, "%6llu ", (unsigned long long)zi->nr_free[ord]);
	pz_out_printf(o, "\n");
}

size_t pz_report_buddyinfo(pz_t *pz, char *buf, size_t len)
{
	struct pz_out o = {buf, len, 0};

	if (pz_instance_ok(pz))
		for_each_zone_info(pz, &o, -1, buddyinfo_zone);
	return pz_out_finish(&o);
}

static void pagetype_free_zone(struct pz *pz, struct pz_out *o, const struct pz_zone_info *zi)
{
	for (unsigned k = 0; k < PZ_MT_TYPES; k++) {
		int mt = pz_kernel_mt_order(pz, k);

		if (!mt_listed(pz, (unsigned)mt))
			continue;
		pz_out_printf(o, "Node %4d, zone %8s, type %12s ", zi->nid, zi->name,
			      pz_migratetype_name(pz->profile, (enum pz_migratetype)mt));
		for (unsigned ord = 0; ord < pz->max_order; ord++) {
			unsigned long long n = zi->nr_free_mt[ord][mt];

			/* 5.x stops counting a free list at 100000 under the
			 * zone lock and prints ">100000" */
			if (pz_kver(pz) >= PZ_KV(5, 0) && n >= PT_LIST_CAP)
				pz_out_printf(o, ">%6llu ", PT_LIST_CAP);
			else
				pz_out_printf(o, "%6llu ", n);
		}
		pz_out_printf(o, "\n");
	}
}

/* 5.x's count skips a block whose first pfn has no online memory section
 * (pfn_to_online_page), where 4.x counted every block of the span. pagezone
 * has no sections: a block counts when one of its pages in the zone is
 * present, which agrees with the kernel unless a hole spans whole blocks
 * inside a section that has memory. */
static bool block_has_memory(struct pz *pz, const struct pz_zone_info *zi, uint64_t pfn)
{
	uint64_t s = pfn & ~((uint64_t)pz->pageblock_nr_pages - 1), e = s + pz->pageblock_nr_pages;

	s = s < zi->start_pfn ? zi->start_pfn : s;
	e = e > zi->start_pfn + zi->spanned ? zi->start_pfn + zi->spanned : e;
	for (; s < e; s++)
		if (!(pg_flags(pz_pfn_page(pz, s)) & PG_HOLE))
			return true;
	return false;
}

static void pagetype_blocks_zone(struct pz *pz, struct pz_out *o, const struct pz_zone_info *zi)
{
	uint64_t n[PZ_MT_TYPES] = {0};

	if (pz_kver(pz) >= PZ_KV(5, 0)) {
		for (uint64_t pfn = zi->start_pfn; pfn < zi->start_pfn + zi->spanned;
		     pfn += pz->pageblock_nr_pages)
			if (block_has_memory(pz, zi, pfn))
				n[pz_pageblock_mt(pz, pfn)]++;
	} else {
		for (unsigned mt = 0; mt < PZ_MT_TYPES; mt++)
			n[mt] = zi->nr_blocks_mt[mt];
	}
	pz_out_printf(o, "Node %d, zone %8s ", zi->nid, zi->name);
	for (unsigned k = 0; k < PZ_MT_TYPES; k++) {
		int mt = pz_kernel_mt_order(pz, k);

		if (mt_listed(pz, (unsigned)mt))
			pz_out_printf(o, "%12llu ", (unsigned long long)n[mt]);
	}
	pz_out_printf(o, "\n");
}

size_t pz_report_pagetypeinfo(pz_t *pz, char *buf, size_t len)
{
	struct pz_out o = {buf, len, 0};

	if (!pz_instance_ok(pz))
		return pz_out_finish(&o);
	for (unsigned n = 0; n < pz->nr_nodes; n++) {
		if (!pz->nodes[n].has_memory)
			continue;
		pz_out_printf(&o, "Page block order: %u\n", pz->pageblock_order);
		pz_out_printf(&o, "Pages per block:  %u\n\n", pz->pageblock_nr_pages);
		pz_out_printf(&o, "%-43s ", "Free pages count per migrate type at order");
		for (unsigned ord = 0; ord < pz->max_order; ord++)
			pz_out_printf(&o, "%6u ", ord);
		pz_out_printf(&o, "\n");
		for_each_zone_info(pz, &o, (int)n, pagetype_free_zone);
		pz_out_printf(&o, "\n%-23s", "Number of blocks type ");
		for (unsigned k = 0; k < PZ_MT_TYPES; k++) {
			int mt = pz_kernel_mt_order(pz, k);

			if (mt_listed(pz, (unsigned)mt))
				pz_out_printf(
					&o, "%12s ",
					pz_migratetype_name(pz->profile, (enum pz_migratetype)mt));
		}
		pz_out_printf(&o, "\n");
		for_each_zone_info(pz, &o, (int)n, pagetype_blocks_zone);
	}
	return pz_out_finish(&o);
}

/* The allocator's zone items, in the kernel's vmstat_text order: a
 * pz_zone_stat from the zone info, or a page-cache figure of zone->dirty. */
struct zone_item {
	const char *name;
	bool dirty; /* idx is an enum pz_dirty_item, else an enum pz_zone_stat */
	int idx;
};
static const struct zone_item zone_items[] = {
	{"nr_free_pages", false, PZ_NR_FREE_PAGES},
	{"nr_alloc_batch", false, PZ_NR_ALLOC_BATCH},
	{"nr_inactive_file", true, PZ_DIRTY_INACTIVE_FILE},
	{"nr_active_file", true, PZ_DIRTY_ACTIVE_FILE},
	{"nr_dirty", true, PZ_DIRTY_NR_DIRTY},
	{"nr_writeback", true, PZ_DIRTY_WRITEBACK},
	{"nr_unstable", true, PZ_DIRTY_UNSTABLE_NFS},
	{"nr_pages_scanned", false, PZ_NR_PAGES_SCANNED},
	{"numa_hit", false, PZ_NUMA_HIT},
	{"numa_miss", false, PZ_NUMA_MISS},
	{"numa_foreign", false, PZ_NUMA_FOREIGN},
	{"numa_interleave", false, PZ_NUMA_INTERLEAVE_HIT},
	{"numa_local", false, PZ_NUMA_LOCAL},
	{"numa_other", false, PZ_NUMA_OTHER},
	{"nr_free_cma", false, PZ_NR_FREE_CMA_PAGES},
};

/* zone_page_state / global_page_state: a counter whose per-CPU deltas
 * are not folded yet can read below zero; the kernel's readers clamp it
 * to 0 and /proc prints it unsigned. */
static unsigned long long clamp0(int64_t v)
{
	return v < 0 ? 0ull : (unsigned long long)v;
}

static int64_t zone_item_value(struct pz *pz, const struct pz_zone_info *zi,
			       const struct zone_item *item)
{
	if (!item->dirty)
		return zi->stat[item->idx];
	return (int64_t)atomic_load_explicit(&pz_zone_of(pz, zi->nid, zi->type)->dirty[item->idx],
					     memory_order_relaxed);
}

static unsigned inactive_ratio(const struct pz *pz, uint64_t managed)
{
	uint64_t gb = managed >> (30 - pz->page_shift);

	return gb ? (unsigned)pz_isqrt(10 * gb) : 1;
}

/* zoneinfo's "pagesets" block, the same in every kernel pagezone follows:
 * each CPU's count, high and batch, and the zone's vmstat threshold. */
void pz_print_pagesets(struct pz *pz, struct pz_out *o, const struct pz_zone_info *zi)
{
	pz_out_printf(o, "\n  pagesets");
	for (unsigned c = 0; c < pz->nr_cpus; c++) {
		struct pz_pcp_info pi;

		pz_pcp_info(pz, zi->nid, zi->type, c, &pi);
		pz_out_printf(o,
			      "\n    cpu: %u\n              count: %u\n              high:  %u"
			      "\n              batch: %u\n  vm stats threshold: %u",
			      c, pi.count, pi.high, pi.batch, zi->stat_threshold);
	}
}

static void zoneinfo_zone(struct pz *pz, struct pz_out *o, const struct pz_zone_info *zi)
{
	struct pz_zone *z = pz_zone_of(pz, zi->nid, zi->type);
	const char *sep = "(";

	pz_out_printf(o, "Node %d, zone %8s", zi->nid, zi->name);
	pz_out_printf(o,
		      "\n  pages free     %llu\n        min      %llu\n        low      %llu"
		      "\n        high     %llu\n        scanned  %llu\n        spanned  %llu"
		      "\n        present  %llu\n        managed  %llu",
		      clamp0(zi->stat[PZ_NR_FREE_PAGES]), (unsigned long long)zi->wmark_min,
		      (unsigned long long)zi->wmark_low, (unsigned long long)zi->wmark_high,
		      clamp0(zi->stat[PZ_NR_PAGES_SCANNED]), (unsigned long long)zi->spanned,
		      (unsigned long long)zi->present, (unsigned long long)zi->managed);
	for (unsigned i = 0; i < sizeof(zone_items) / sizeof(zone_items[0]); i++)
		pz_out_printf(o, "\n    %-12s %llu", zone_items[i].name,
			      clamp0(zone_item_value(pz, zi, &zone_items[i])));
	pz_out_printf(o, "\n        protection: ");
	for (unsigned j = 0; j < PZ_NR_ZONE_TYPES; j++) {
		if (!((pz->zone_present_types | (1u << PZ_ZONE_MOVABLE)) & (1u << j)))
			continue;
		pz_out_printf(o, "%s%llu", sep, (unsigned long long)zi->lowmem_reserve[j]);
		sep = ", ";
	}
	pz_out_printf(o, ")");
	pz_print_pagesets(pz, o, zi);
	pz_out_printf(
		o,
		"\n  all_unreclaimable: %u\n  start_pfn:         %llu\n  inactive_ratio:    %u\n",
		0u, (unsigned long long)z->start_pfn, inactive_ratio(pz, zi->managed));
}

size_t pz_report_zoneinfo(pz_t *pz, char *buf, size_t len)
{
	struct pz_out o = {buf, len, 0};

	if (pz_instance_ok(pz) && pz_kver(pz) >= PZ_KV(6, 1))
		return pz_report_zoneinfo61(pz, buf, len);
	if (pz_instance_ok(pz))
		for_each_zone_info(pz, &o, -1, zoneinfo_zone);
	return pz_out_finish(&o);
}

/* The zone types a per-zone vmstat family prints (TEXTS_FOR_ZONES). */
static bool vmstat_zone_shown(const struct pz *pz, unsigned t)
{
	return (pz->zone_present_types | (1u << PZ_ZONE_NORMAL) | (1u << PZ_ZONE_MOVABLE)) &
	       (1u << t);
}

static void zone_family(struct pz *pz, struct pz_out *o, const char *prefix, unsigned ev)
{
	static const char *const sfx[PZ_NR_ZONE_TYPES] = {"dma", "dma32", "normal", "high",
							  "movable"};

	for (unsigned t = 0; t < PZ_NR_ZONE_TYPES; t++)
		if (vmstat_zone_shown(pz, t))
			pz_out_printf(o, "%s_%s %llu\n", prefix, sfx[t],
				      (unsigned long long)atomic_load_explicit(
					      &pz->zone_ev[t][ev], memory_order_relaxed));
}

static void vm_event_line(struct pz *pz, struct pz_out *o, const char *name, enum pz_vm_event ev)
{
	pz_out_printf(
		o, "%s %llu\n", name,
		(unsigned long long)atomic_load_explicit(&pz->vm_events[ev], memory_order_relaxed));
}

/* The vm events of reclaim, compaction, migration and OOM after pgfree, in
 * 4.x's vmstat_text order (linux-6.1 prints report61.c's). */
static void vm_events_text(struct pz *pz, struct pz_out *o)
{
	static const struct {
		const char *name;
		unsigned char ev;
	} ev[] = {
		{"slabs_scanned", PZ_VM_SLABS_SCANNED},
		{"kswapd_low_wmark_hit_quickly", PZ_VM_KSWAPD_LOW_WMARK_HIT_QUICKLY},
		{"kswapd_high_wmark_hit_quickly", PZ_VM_KSWAPD_HIGH_WMARK_HIT_QUICKLY},
		{"pageoutrun", PZ_VM_PAGEOUTRUN},
		{"allocstall", PZ_VM_ALLOCSTALL},
		{"pgmigrate_success", PZ_VM_PGMIGRATE_SUCCESS},
		{"pgmigrate_fail", PZ_VM_PGMIGRATE_FAIL},
		{"compact_migrate_scanned", PZ_VM_COMPACT_MIGRATE_SCANNED},
		{"compact_free_scanned", PZ_VM_COMPACT_FREE_SCANNED},
		{"compact_isolated", PZ_VM_COMPACT_ISOLATED},
		{"compact_stall", PZ_VM_COMPACT_STALL},
		{"compact_fail", PZ_VM_COMPACT_FAIL},
		{"compact_success", PZ_VM_COMPACT_SUCCESS},
	};

	/* before 4.8's node LRU, pgsteal and pgscan are per zone */
	zone_family(pz, o, "pgsteal_kswapd", PZ_ZEV_PGSTEAL_KSWAPD);
	zone_family(pz, o, "pgsteal_direct", PZ_ZEV_PGSTEAL_DIRECT);
	zone_family(pz, o, "pgscan_kswapd", PZ_ZEV_PGSCAN_KSWAPD);
	zone_family(pz, o, "pgscan_direct", PZ_ZEV_PGSCAN_DIRECT);
	for (unsigned i = 0; i < sizeof(ev) / sizeof(ev[0]); i++)
		vm_event_line(pz, o, ev[i].name, (enum pz_vm_event)ev[i].ev);
}

size_t pz_report_vmstat(pz_t *pz, char *buf, size_t len)
{
	static const char *const pgalloc[PZ_NR_ZONE_TYPES] = {"pgalloc_dma", "pgalloc_dma32",
							      "pgalloc_normal", "pgalloc_high",
							      "pgalloc_movable"};
	struct pz_out o = {buf, len, 0};
	int64_t items[sizeof(zone_items) / sizeof(zone_items[0])] = {0};
	uint64_t alloc[PZ_NR_ZONE_TYPES] = {0}, pgfree = 0;
	struct pz_zone_info zi;

	if (!pz_instance_ok(pz))
		return pz_out_finish(&o);
	if (pz_kver(pz) >= PZ_KV(6, 1))
		return pz_report_vmstat61(pz, buf, len);
	for (unsigned n = 0; n < pz->nr_nodes; n++)
		for (int t = 0; t < PZ_NR_ZONE_TYPES; t++) {
			if (pz_zone_info(pz, (int)n, (enum pz_zone_type)t, &zi))
				continue;
			for (unsigned i = 0; i < sizeof(zone_items) / sizeof(zone_items[0]); i++)
				items[i] += zone_item_value(pz, &zi, &zone_items[i]);
			alloc[t] += (uint64_t)zi.stat[PZ_PGALLOC];
			pgfree += (uint64_t)zi.stat[PZ_PGFREE];
		}
	for (unsigned i = 0; i < sizeof(zone_items) / sizeof(zone_items[0]); i++)
		pz_out_printf(&o, "%s %llu\n", zone_items[i].name, clamp0(items[i]));
	for (unsigned t = 0; t < PZ_NR_ZONE_TYPES; t++)
		if (vmstat_zone_shown(pz, t))
			pz_out_printf(&o, "%s %llu\n", pgalloc[t], (unsigned long long)alloc[t]);
	pz_out_printf(&o, "pgfree %llu\n", (unsigned long long)pgfree);
	vm_events_text(pz, &o);
	return pz_out_finish(&o);
}

static void frag_line(struct pz *pz, struct pz_out *o, const struct pz_zone_info *zi, bool ext)
{
	pz_out_printf(o, "Node %d, zone %8s ", zi->nid, zi->name);
	for (unsigned ord = 0; ord < pz->max_order; ord++) {
		int e, u, v;

		frag_indices(zi, ord, &e, &u);
		v = ext ? e : u;
		/* as the kernel: -500 prints "0.-500", -1000 "-1.000"; 6.1's
		 * extfrag_index pads the integer part to two places */
		pz_out_printf(o, "%*d.%03d ", ext && pz_kver(pz) >= PZ_KV(6, 1) ? 2 : 0, v / 1000,
			      v % 1000);
	}
	pz_out_printf(o, "\n");
}

static void extfrag_zone(struct pz *pz, struct pz_out *o, const struct pz_zone_info *zi)
{
	frag_line(pz, o, zi, true);
}

static void unusable_zone(struct pz *pz, struct pz_out *o, const struct pz_zone_info *zi)
{
	frag_line(pz, o, zi, false);
}

size_t pz_report_extfrag_index(pz_t *pz, char *buf, size_t len)
{
	struct pz_out o = {buf, len, 0};

	if (pz_instance_ok(pz))
		for_each_zone_info(pz, &o, -1, extfrag_zone);
	return pz_out_finish(&o);
}

size_t pz_report_unusable_index(pz_t *pz, char *buf, size_t len)
{
	struct pz_out o = {buf, len, 0};

	if (pz_instance_ok(pz))
		for_each_zone_info(pz, &o, -1, unusable_zone);
	return pz_out_finish(&o);
}

/* Copies up to max pfns of the list starting at first; returns its length. */
static int64_t copy_list(const struct pz *pz, uint32_t first, uint64_t *out, size_t max)
{
	int64_t n = 0;

	for (uint32_t i = first; i != PZ_NIL; i = pz->pages[i].next, n++)
		if ((uint64_t)n < max)
			out[n] = pz->base_pfn + i;
	return n;
}

int64_t pz_free_list_pfns(pz_t *pz, int nid, enum pz_zone_type type, unsigned order,
			  enum pz_migratetype mt, uint64_t *out, size_t max)
{
	struct pz_zone *z;
	int64_t n;

	if (!pz_instance_ok(pz) || order >= pz->max_order || (unsigned)mt >= PZ_MT_TYPES ||
	    (max && !out))
		return -PZ_EINVAL;
	z = lookup_zone(pz, nid, type);
	if (!z)
		return -PZ_ENODEV;
	pz_lock(pz, &z->lock);
	n = copy_list(pz, z->free_area[order].list[mt].first, out, max);
	pz_unlock(&z->lock);
	return n;
}

int64_t pz_pcp_list_pfns(pz_t *pz, int nid, enum pz_zone_type type, unsigned cpu, unsigned order,
			 enum pz_migratetype mt, uint64_t *out, size_t max)
{
	struct pz_zone *z;
	struct pz_pcp *pcp;
	int64_t n;
	int level;

	if (!pz_instance_ok(pz) || order >= pz->max_order || (unsigned)mt >= PZ_MT_PCPTYPES ||
	    (max && !out))
		return -PZ_EINVAL;
	/* only order 0, or with PZ_FEAT_PCP_HIGH_ORDER 1-3 and the pageblock order */
	level = pz_pcp_level(pz, order);
	if (level < 0)
		return -PZ_EINVAL;
	z = lookup_zone(pz, nid, type);
	if (!z || cpu >= pz->nr_cpus)
		return -PZ_ENODEV;
	pcp = &z->pcp[cpu];
	pz_lock(pz, &pcp->lock);
	n = copy_list(pz, pz_pcp_list(pz, pcp, (unsigned)level, mt)->first, out, max);
	pz_unlock(&pcp->lock);
	return n;
}

int pz_pageblock_migratetype(pz_t *pz, uint64_t pfn)
{
	if (!pz_instance_ok(pz))
		return -PZ_EINVAL;
	if (!pz_pfn_covered(pz, pfn) || pz->pages[pfn - pz->base_pfn].zone == PZ_NO_ZONE)
		return -PZ_ERANGE;
	return (int)pz_pageblock_mt(pz, pfn);
}
