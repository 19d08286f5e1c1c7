/*
 * report61.c - /proc/zoneinfo and /proc/vmstat as linux-6.1 prints them.
 *
 * 4.8 moved the LRU and most page-cache counters from the zone to the
 * node, so 6.1's zoneinfo opens each node's first populated zone with a
 * "per-node stats" block, prints boost and cma beside the watermarks,
 * prints every zone type the kernel was built with (an empty zone stops
 * after its protection line), and ends a zone with node_unreclaimable and
 * start_pfn. vmstat lists the zone items, the NUMA events, the node items,
 * the two dirty thresholds and the vm events, in vmstat_text's order.
 *
 * The lines are those of an x86-64 distribution kernel (the configuration
 * of the recordings in docs/DESIGN.md "Reports"): zsmalloc, NUMA, swap,
 * NUMA balancing, migration, compaction, hugetlb, THP with PUD splits,
 * balloon compaction, KSM, zswap; CMA only when the machine has CMA
 * ranges (its two events appear then, as the CMA migratetype does in
 * pagetypeinfo). Every line the kernel prints is printed, in its place; a
 * counter pagezone has no source for prints 0, so that a diff against a
 * real file lines up and shows only the numbers.
 *
 * The kernel's zone types: DMA, DMA32 and HighMem when the machine has
 * such a zone, Normal and Movable always, and Device (ZONE_DEVICE, never
 * memory for the allocator) unless the machine has HighMem, as a 64-bit
 * kernel has it and a 32-bit one cannot. Device prints as an empty zone;
 * its protection column repeats Movable's, the kernel's sum of the managed
 * pages above a zone being the same with an empty zone added on top.
 */
#include "internal.h"

#define DEVICE_TYPE   PZ_NR_ZONE_TYPES /* index of ZONE_DEVICE in the kernel's order */
#define KERNEL_TYPES  (PZ_NR_ZONE_TYPES + 1)
#define RECLAIM_FAILS 16u /* MAX_RECLAIM_RETRIES: kswapd gives a node up */

/* Where a line's number comes from. */
enum src {
	SRC_ZERO = 0, /* pagezone has no such counter: printed as 0 */
	SRC_STAT,     /* idx: an enum pz_zone_stat */
	SRC_DIRTY,    /* idx: a mask of enum pz_dirty_item, summed */
	SRC_EVENT,    /* idx: an enum pz_vm_event */
	SRC_CMA_EVENT /* a CONFIG_CMA event: listed only with CMA, always 0 */
};

struct item {
	const char *name;
	unsigned char src, idx;
};

#define DIRTY(i) (1u << (i))
/* 5.8 counts NFS's unstable pages as writeback */
#define WRITEBACK_MASK (DIRTY(PZ_DIRTY_WRITEBACK) | DIRTY(PZ_DIRTY_UNSTABLE_NFS))

/* enum zone_stat_item, then enum numa_stat_item */
static const struct item zone_items[] = {
	{"nr_free_pages", SRC_STAT, PZ_NR_FREE_PAGES},
	{"nr_zone_inactive_anon", SRC_ZERO, 0},
	{"nr_zone_active_anon", SRC_ZERO, 0},
	{"nr_zone_inactive_file", SRC_DIRTY, DIRTY(PZ_DIRTY_INACTIVE_FILE)},
	{"nr_zone_active_file", SRC_DIRTY, DIRTY(PZ_DIRTY_ACTIVE_FILE)},
	{"nr_zone_unevictable", SRC_ZERO, 0},
	{"nr_zone_write_pending", SRC_DIRTY, DIRTY(PZ_DIRTY_NR_DIRTY) | WRITEBACK_MASK},
	{"nr_mlock", SRC_ZERO, 0},
	{"nr_bounce", SRC_ZERO, 0},
	{"nr_zspages", SRC_ZERO, 0},
	{"nr_free_cma", SRC_STAT, PZ_NR_FREE_CMA_PAGES},
	{"numa_hit", SRC_STAT, PZ_NUMA_HIT},
	{"numa_miss", SRC_STAT, PZ_NUMA_MISS},
	{"numa_foreign", SRC_STAT, PZ_NUMA_FOREIGN},
	{"numa_interleave", SRC_STAT, PZ_NUMA_INTERLEAVE_HIT},
	{"numa_local", SRC_STAT, PZ_NUMA_LOCAL},
	{"numa_other", SRC_STAT, PZ_NUMA_OTHER},
};

/* enum node_stat_item: only the file LRU and dirty figures have a source */
static const struct item node_items[] = {
	{"nr_inactive_anon", SRC_ZERO, 0},
	{"nr_active_anon", SRC_ZERO, 0},
	{"nr_inactive_file", SRC_DIRTY, DIRTY(PZ_DIRTY_INACTIVE_FILE)},
	{"nr_active_file", SRC_DIRTY, DIRTY(PZ_DIRTY_ACTIVE_FILE)},
	{"nr_unevictable", SRC_ZERO, 0},
	{"nr_slab_reclaimable", SRC_ZERO, 0},
	{"nr_slab_unreclaimable", SRC_ZERO, 0},
	{"nr_isolated_anon", SRC_ZERO, 0},
	{"nr_isolated_file", SRC_ZERO, 0},
	{"workingset_nodes", SRC_ZERO, 0},
	{"workingset_refault_anon", SRC_ZERO, 0},
	{"workingset_refault_file", SRC_ZERO, 0},
	{"workingset_activate_anon", SRC_ZERO, 0},
	{"workingset_activate_file", SRC_ZERO, 0},
	{"workingset_restore_anon", SRC_ZERO, 0},
	{"workingset_restore_file", SRC_ZERO, 0},
	{"workingset_nodereclaim", SRC_ZERO, 0},
	{"nr_anon_pages", SRC_ZERO, 0},
	{"nr_mapped", SRC_ZERO, 0},
	{"nr_file_pages", SRC_ZERO, 0},
	{"nr_dirty", SRC_DIRTY, DIRTY(PZ_DIRTY_NR_DIRTY)},
	{"nr_writeback", SRC_DIRTY, WRITEBACK_MASK},
	{"nr_writeback_temp", SRC_ZERO, 0},
	{"nr_shmem", SRC_ZERO, 0},
	{"nr_shmem_hugepages", SRC_ZERO, 0},
	{"nr_shmem_pmdmapped", SRC_ZERO, 0},
	{"nr_file_hugepages", SRC_ZERO, 0},
	{"nr_file_pmdmapped", SRC_ZERO, 0},
	{"nr_anon_transparent_hugepages", SRC_ZERO, 0},
	{"nr_vmscan_write", SRC_ZERO, 0},
	{"nr_vmscan_immediate_reclaim", SRC_ZERO, 0},
	{"nr_dirtied", SRC_ZERO, 0},
	{"nr_written", SRC_ZERO, 0},
	{"nr_throttled_written", SRC_ZERO, 0},
	{"nr_kernel_misc_reclaimable", SRC_ZERO, 0},
	{"nr_foll_pin_acquired", SRC_ZERO, 0},
	{"nr_foll_pin_released", SRC_ZERO, 0},
	{"nr_kernel_stack", SRC_ZERO, 0},
	{"nr_page_table_pages", SRC_ZERO, 0},
	{"nr_sec_page_table_pages", SRC_ZERO, 0},
	{"nr_swapcached", SRC_ZERO, 0},
	{"pgpromote_success", SRC_ZERO, 0},
	{"pgpromote_candidate", SRC_ZERO, 0},
};

/* enum vm_event_item after pgfree (the per-zone families come before it) */
static const struct item event_items[] = {
	{"pgactivate", SRC_ZERO, 0},
	{"pgdeactivate", SRC_ZERO, 0},
	{"pglazyfree", SRC_ZERO, 0},
	{"pgfault", SRC_ZERO, 0},
	{"pgmajfault", SRC_ZERO, 0},
	{"pglazyfreed", SRC_ZERO, 0},
	{"pgrefill", SRC_ZERO, 0},
	{"pgreuse", SRC_ZERO, 0},
	{"pgsteal_kswapd", SRC_EVENT, PZ_VM_PGSTEAL_KSWAPD},
	{"pgsteal_direct", SRC_EVENT, PZ_VM_PGSTEAL_DIRECT},
	{"pgdemote_kswapd", SRC_ZERO, 0},
	{"pgdemote_direct", SRC_ZERO, 0},
	{"pgscan_kswapd", SRC_EVENT, PZ_VM_PGSCAN_KSWAPD},
	{"pgscan_direct", SRC_EVENT, PZ_VM_PGSCAN_DIRECT},
	{"pgscan_direct_throttle", SRC_ZERO, 0},
	{"pgscan_anon", SRC_ZERO, 0},
	{"pgscan_file", SRC_ZERO, 0},
	{"pgsteal_anon", SRC_ZERO, 0},
	{"pgsteal_file", SRC_ZERO, 0},
	{"zone_reclaim_failed", SRC_ZERO, 0},
	{"pginodesteal", SRC_ZERO, 0},
	{"slabs_scanned", SRC_EVENT, PZ_VM_SLABS_SCANNED},
	{"kswapd_inodesteal", SRC_ZERO, 0},
	{"kswapd_low_wmark_hit_quickly", SRC_EVENT, PZ_VM_KSWAPD_LOW_WMARK_HIT_QUICKLY},
	{"kswapd_high_wmark_hit_quickly", SRC_EVENT, PZ_VM_KSWAPD_HIGH_WMARK_HIT_QUICKLY},
	{"pageoutrun", SRC_EVENT, PZ_VM_PAGEOUTRUN},
	{"pgrotated", SRC_ZERO, 0},
	{"drop_pagecache", SRC_ZERO, 0},
	{"drop_slab", SRC_ZERO, 0},
	{"oom_kill", SRC_EVENT, PZ_VM_OOM_KILL},
	{"numa_pte_updates", SRC_ZERO, 0},
	{"numa_huge_pte_updates", SRC_ZERO, 0},
	{"numa_hint_faults", SRC_ZERO, 0},
	{"numa_hint_faults_local", SRC_ZERO, 0},
	{"numa_pages_migrated", SRC_ZERO, 0},
	{"pgmigrate_success", SRC_EVENT, PZ_VM_PGMIGRATE_SUCCESS},
	{"pgmigrate_fail", SRC_EVENT, PZ_VM_PGMIGRATE_FAIL},
	{"thp_migration_success", SRC_ZERO, 0},
	{"thp_migration_fail", SRC_ZERO, 0},
	{"thp_migration_split", SRC_ZERO, 0},
	{"compact_migrate_scanned", SRC_EVENT, PZ_VM_COMPACT_MIGRATE_SCANNED},
	{"compact_free_scanned", SRC_EVENT, PZ_VM_COMPACT_FREE_SCANNED},
	{"compact_isolated", SRC_EVENT, PZ_VM_COMPACT_ISOLATED},
	{"compact_stall", SRC_EVENT, PZ_VM_COMPACT_STALL},
	{"compact_fail", SRC_EVENT, PZ_VM_COMPACT_FAIL},
	{"compact_success", SRC_EVENT, PZ_VM_COMPACT_SUCCESS},
	{"compact_daemon_wake", SRC_EVENT, PZ_VM_COMPACT_DAEMON_WAKE},
	{"compact_daemon_migrate_scanned", SRC_EVENT, PZ_VM_COMPACT_DAEMON_MIGRATE_SCANNED},
	{"compact_daemon_free_scanned", SRC_EVENT, PZ_VM_COMPACT_DAEMON_FREE_SCANNED},
	{"htlb_buddy_alloc_success", SRC_ZERO, 0},
	{"htlb_buddy_alloc_fail", SRC_ZERO, 0},
	{"cma_alloc_success", SRC_CMA_EVENT, 0},
	{"cma_alloc_fail", SRC_CMA_EVENT, 0},
	{"unevictable_pgs_culled", SRC_ZERO, 0},
	{"unevictable_pgs_scanned", SRC_ZERO, 0},
	{"unevictable_pgs_rescued", SRC_ZERO, 0},
	{"unevictable_pgs_mlocked", SRC_ZERO, 0},
	{"unevictable_pgs_munlocked", SRC_ZERO, 0},
	{"unevictable_pgs_cleared", SRC_ZERO, 0},
	{"unevictable_pgs_stranded", SRC_ZERO, 0},
	{"thp_fault_alloc", SRC_ZERO, 0},
	{"thp_fault_fallback", SRC_ZERO, 0},
	{"thp_fault_fallback_charge", SRC_ZERO, 0},
	{"thp_collapse_alloc", SRC_ZERO, 0},
	{"thp_collapse_alloc_failed", SRC_ZERO, 0},
	{"thp_file_alloc", SRC_ZERO, 0},
	{"thp_file_fallback", SRC_ZERO, 0},
	{"thp_file_fallback_charge", SRC_ZERO, 0},
	{"thp_file_mapped", SRC_ZERO, 0},
	{"thp_split_page", SRC_ZERO, 0},
	{"thp_split_page_failed", SRC_ZERO, 0},
	{"thp_deferred_split_page", SRC_ZERO, 0},
	{"thp_split_pmd", SRC_ZERO, 0},
	{"thp_scan_exceed_none_pte", SRC_ZERO, 0},
	{"thp_scan_exceed_swap_pte", SRC_ZERO, 0},
	{"thp_scan_exceed_share_pte", SRC_ZERO, 0},
	{"thp_split_pud", SRC_ZERO, 0},
	{"thp_zero_page_alloc", SRC_ZERO, 0},
	{"thp_zero_page_alloc_failed", SRC_ZERO, 0},
	{"thp_swpout", SRC_ZERO, 0},
	{"thp_swpout_fallback", SRC_ZERO, 0},
	{"balloon_inflate", SRC_ZERO, 0},
	{"balloon_deflate", SRC_ZERO, 0},
	{"balloon_migrate", SRC_ZERO, 0},
	{"swap_ra", SRC_ZERO, 0},
	{"swap_ra_hit", SRC_ZERO, 0},
	{"ksm_swpin_copy", SRC_ZERO, 0},
	{"cow_ksm", SRC_ZERO, 0},
	{"zswpin", SRC_ZERO, 0},
	{"zswpout", SRC_ZERO, 0},
	{"direct_map_level2_splits", SRC_ZERO, 0},
	{"direct_map_level3_splits", SRC_ZERO, 0},
};

#define NR_ZONE_ITEMS  (sizeof(zone_items) / sizeof(zone_items[0]))
#define NR_NODE_ITEMS  (sizeof(node_items) / sizeof(node_items[0]))
#define NR_EVENT_ITEMS (sizeof(event_items) / sizeof(event_items[0]))

static const char *const kernel_zone_names[KERNEL_TYPES] = {"DMA",     "DMA32",	  "Normal",
							    "HighMem", "Movable", "Device"};

/* The zone types the kernel has: a mask over enum pz_zone_type plus bit
 * DEVICE_TYPE. */
static unsigned kernel_zone_types(const struct pz *pz)
{
	unsigned set = pz->zone_present_types | (1u << PZ_ZONE_NORMAL) | (1u << PZ_ZONE_MOVABLE);

	if (!(set & (1u << PZ_ZONE_HIGHMEM)))
		set |= 1u << DEVICE_TYPE;
	return set;
}

/* zone_page_state: per-CPU deltas not folded yet may read below zero;
 * the reader clamps to 0 and /proc prints it unsigned */
static unsigned long long clamp0(int64_t v)
{
	return v < 0 ? 0ull : (unsigned long long)v;
}

static int64_t dirty_sum(const struct pz_zone *z, unsigned mask)
{
	int64_t sum = 0;

	for (unsigned i = 0; i < PZ_NR_DIRTY_ITEMS; i++)
		if (mask & (1u << i))
			sum += (int64_t)atomic_load_explicit(&z->dirty[i], memory_order_relaxed);
	return sum;
}

/* One zone's value of a zone or node item (its share of a node item). */
static int64_t item_value(const struct pz *pz, const struct pz_zone_info *zi, const struct item *it)
{
	if (it->src == SRC_STAT)
		return zi->stat[it->idx];
	if (it->src == SRC_DIRTY)
		return dirty_sum(pz_zone_of(pz, zi->nid, zi->type), it->idx);
	return 0;
}

/* The node items: the sums over the node's populated zones. */
static void node_values(pz_t *pz, unsigned nid, int64_t out[NR_NODE_ITEMS])
{
	struct pz_zone_info zi;

	for (unsigned i = 0; i < NR_NODE_ITEMS; i++)
		out[i] = 0;
	for (int t = 0; t < PZ_NR_ZONE_TYPES; t++) {
		if (pz_zone_info(pz, (int)nid, (enum pz_zone_type)t, &zi))
			continue;
		for (unsigned i = 0; i < NR_NODE_ITEMS; i++)
			out[i] += item_value(pz, &zi, &node_items[i]);
	}
}

/* ---- zoneinfo -------------------------------------------------------------- */

static void per_node_stats(struct pz *pz, struct pz_out *o, unsigned nid)
{
	int64_t v[NR_NODE_ITEMS];

	node_values(pz, nid, v);
	pz_out_printf(o, "\n  per-node stats");
	for (unsigned i = 0; i < NR_NODE_ITEMS; i++)
		pz_out_printf(o, "\n      %-12s %llu", node_items[i].name, clamp0(v[i]));
}

/* The lines every zone has, populated or not, up to its protection. */
static void zone_head(struct pz *pz, struct pz_out *o, unsigned t, const struct pz_zone_info *zi)
{
	unsigned set = kernel_zone_types(pz);
	const char *sep = "(";

	pz_out_printf(o,
		      "\n  pages free     %llu\n        boost    %llu\n        min      %llu"
		      "\n        low      %llu\n        high     %llu\n        spanned  %llu"
		      "\n        present  %llu\n        managed  %llu\n        cma      %llu",
		      clamp0(zi->stat[PZ_NR_FREE_PAGES]), (unsigned long long)zi->watermark_boost,
		      (unsigned long long)zi->wmark_min, (unsigned long long)zi->wmark_low,
		      (unsigned long long)zi->wmark_high, (unsigned long long)zi->spanned,
		      (unsigned long long)zi->present, (unsigned long long)zi->managed,
		      (unsigned long long)(zi->nr_blocks_mt[PZ_MT_CMA] << pz->pageblock_order));
	pz_out_printf(o, "\n        protection: ");
	for (unsigned j = 0; j < KERNEL_TYPES; j++) {
		unsigned col = j == DEVICE_TYPE ? PZ_ZONE_MOVABLE : j;

		if (!(set & (1u << j)))
			continue;
		pz_out_printf(o, "%s%llu", sep,
			      t == DEVICE_TYPE ? 0ull
					       : (unsigned long long)zi->lowmem_reserve[col]);
		sep = ", ";
	}
	pz_out_printf(o, ")");
}

static void zone_body(struct pz *pz, struct pz_out *o, const struct pz_zone_info *zi)
{
	for (unsigned i = 0; i < NR_ZONE_ITEMS; i++)
		pz_out_printf(o, "\n      %-12s %llu", zone_items[i].name,
			      clamp0(item_value(pz, zi, &zone_items[i])));
	pz_print_pagesets(pz, o, zi);
	pz_out_printf(o, "\n  node_unreclaimable:  %u\n  start_pfn:           %llu",
		      atomic_load_explicit(&pz->kswapd[zi->nid].failures, memory_order_relaxed) >=
			      RECLAIM_FAILS,
		      (unsigned long long)zi->start_pfn);
}

/* An unpopulated zone: its span and counts as they are, no page in it. */
static void empty_zone_info(struct pz *pz, unsigned nid, unsigned t, struct pz_zone_info *zi)
{
	const struct pz_zone *z;

	pz_memzero(zi, sizeof(*zi));
	zi->nid = (int)nid;
	if (t >= PZ_NR_ZONE_TYPES)
		return;
	z = pz_zone_of(pz, (int)nid, (int)t);
	zi->spanned = z->spanned;
	zi->present = z->present;
	zi->managed = z->managed;
	zi->wmark_min = (uint64_t)pz_wmark_pages(z, PZ_WMARK_MIN);
	zi->wmark_low = (uint64_t)pz_wmark_pages(z, PZ_WMARK_LOW);
	zi->wmark_high = (uint64_t)pz_wmark_pages(z, PZ_WMARK_HIGH);
	for (unsigned j = 0; j < PZ_NR_ZONE_TYPES; j++)
		zi->lowmem_reserve[j] = (uint64_t)zload(&z->lowmem_reserve[j]);
}

static void zoneinfo_node(struct pz *pz, struct pz_out *o, unsigned nid)
{
	unsigned set = kernel_zone_types(pz);
	bool first = true;
	struct pz_zone_info zi;

	for (unsigned t = 0; t < KERNEL_TYPES; t++) {
		bool populated;

		if (!(set & (1u << t)))
			continue;
		populated = t < PZ_NR_ZONE_TYPES &&
			    pz_zone_info(pz, (int)nid, (enum pz_zone_type)t, &zi) == 0;
		if (!populated)
			empty_zone_info(pz, nid, t, &zi);
		pz_out_printf(o, "Node %u, zone %8s", nid, kernel_zone_names[t]);
		if (populated && first)
			per_node_stats(pz, o, nid);
		first &= !populated;
		zone_head(pz, o, t, &zi);
		if (populated)
			zone_body(pz, o, &zi);
		pz_out_printf(o, "\n");
	}
}

size_t pz_report_zoneinfo61(struct pz *pz, char *buf, size_t len)
{
	struct pz_out o = {buf, len, 0};

	for (unsigned n = 0; n < pz->nr_nodes; n++)
		zoneinfo_node(pz, &o, n);
	return pz_out_finish(&o);
}

/* ---- vmstat ---------------------------------------------------------------- */

/* A per-zone-type family (TEXTS_FOR_ZONES): pgalloc, allocstall, pgskip. */
static void zone_family(struct pz *pz, struct pz_out *o, const char *prefix,
			const uint64_t v[KERNEL_TYPES])
{
	static const char *const sfx[KERNEL_TYPES] = {"dma",  "dma32",	 "normal",
						      "high", "movable", "device"};
	unsigned set = kernel_zone_types(pz);

	for (unsigned t = 0; t < KERNEL_TYPES; t++)
		if (set & (1u << t))
			pz_out_printf(o, "%s_%s %llu\n", prefix, sfx[t],
				      (unsigned long long)(v ? v[t] : 0));
}

static void print_items(struct pz_out *o, const struct item *it, size_t n, const int64_t *v)
{
	for (size_t i = 0; i < n; i++)
		pz_out_printf(o, "%s %llu\n", it[i].name, clamp0(v[i]));
}

/* Zone items, NUMA events and the pgalloc family over every zone. */
static void zone_totals(struct pz *pz, int64_t zv[NR_ZONE_ITEMS], int64_t nv[NR_NODE_ITEMS],
			uint64_t alloc[KERNEL_TYPES], uint64_t *pgfree)
{
	struct pz_zone_info zi;

	for (unsigned n = 0; n < pz->nr_nodes; n++) {
		int64_t node[NR_NODE_ITEMS];

		node_values(pz, n, node);
		for (unsigned i = 0; i < NR_NODE_ITEMS; i++)
			nv[i] += node[i];
		for (int t = 0; t < PZ_NR_ZONE_TYPES; t++) {
			if (pz_zone_info(pz, (int)n, (enum pz_zone_type)t, &zi))
				continue;
			for (unsigned i = 0; i < NR_ZONE_ITEMS; i++)
				zv[i] += item_value(pz, &zi, &zone_items[i]);
			alloc[t] += (uint64_t)zi.stat[PZ_PGALLOC];
			*pgfree += (uint64_t)zi.stat[PZ_PGFREE];
		}
	}
}

static void vm_events61(struct pz *pz, struct pz_out *o)
{
	for (unsigned i = 0; i < NR_EVENT_ITEMS; i++) {
		const struct item *it = &event_items[i];
		uint64_t v = 0;

		if (it->src == SRC_CMA_EVENT && !pz->has_cma)
			continue;
		if (it->src == SRC_EVENT)
			v = atomic_load_explicit(&pz->vm_events[it->idx], memory_order_relaxed);
		pz_out_printf(o, "%s %llu\n", it->name, (unsigned long long)v);
	}
}

size_t pz_report_vmstat61(struct pz *pz, char *buf, size_t len)
{
	struct pz_out o = {buf, len, 0};
	int64_t zv[NR_ZONE_ITEMS] = {0}, nv[NR_NODE_ITEMS] = {0};
	uint64_t alloc[KERNEL_TYPES] = {0}, stall[KERNEL_TYPES] = {0}, pgfree = 0;

	zone_totals(pz, zv, nv, alloc, &pgfree);
	for (unsigned t = 0; t < PZ_NR_ZONE_TYPES; t++)
		stall[t] = atomic_load_explicit(&pz->zone_ev[t][PZ_ZEV_ALLOCSTALL],
						memory_order_relaxed);
	print_items(&o, zone_items, NR_ZONE_ITEMS, zv);
	print_items(&o, node_items, NR_NODE_ITEMS, nv);
	/* global_dirty_limits: pagezone keeps no dirty thresholds */
	pz_out_printf(&o, "nr_dirty_threshold 0\nnr_dirty_background_threshold 0\n");
	pz_out_printf(&o, "pgpgin 0\npgpgout 0\npswpin 0\npswpout 0\n");
	zone_family(pz, &o, "pgalloc", alloc);
	zone_family(pz, &o, "allocstall", stall);
	zone_family(pz, &o, "pgskip", (const uint64_t *)0);
	pz_out_printf(&o, "pgfree %llu\n", (unsigned long long)pgfree);
	vm_events61(pz, &o);
	/* vmstat_show's deprecated line, kept for old readers */
	pz_out_printf(&o, "nr_unstable 0\n");
	return pz_out_finish(&o);
}
