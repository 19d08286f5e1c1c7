/*
 * init.c - from a machine description to a running allocator.
 *
 * pz_metadata_size() and pz_init() share one checker and one layout
 * function, so that every configuration init would refuse is refused by the
 * size query too. Init then (1) lays the metadata out: the instance itself
 * at offset 0, zones, per-CPU lists, zonelists, the page descriptors and
 * the pageblock map; (2) marks every descriptor of the covered pfn range
 * (holes and reserved pages included, as memmap_init_zone does); (3) labels
 * every pageblock MOVABLE (CMA ranges CMA); (4) frees each present,
 * non-reserved range into the buddy lists in maximal aligned blocks, in
 * ascending pfn order, as the kernel's boot-memory release does; and
 * (5) builds zonelists, watermarks, reserves and per-CPU list sizes.
 */
#include "internal.h"

struct layout {
	unsigned page_shift, max_order, pageblock_order;
	uint64_t base_pfn, end_pfn;
	size_t off_zones, off_pcp, off_zl, off_pages, off_pb, total;
	size_t zl_len;
	unsigned nr_zone_slots, nr_pcp_zones;
};

#define REFUSE(cfg, ...)                                                                           \
	do {                                                                                       \
		init_log(cfg, __VA_ARGS__);                                                        \
		return -PZ_EINVAL;                                                                 \
	} while (0)

static void init_log(const struct pz_config *cfg, const char *fmt, ...) PZ_PRINTF(2, 3);
static void init_log(const struct pz_config *cfg, const char *fmt, ...)
{
	char msg[256], full[300];
	va_list ap;

	if (!cfg || !cfg->platform || !cfg->platform->log)
		return;
	va_start(ap, fmt);
	pz_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pz_snprintf(full, sizeof(full), "init refused: %s", msg);
	cfg->platform->log(cfg->platform->ctx, PZ_LOG_ERR, full);
}

static size_t align_up(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* Ranges must be sorted, non-empty, non-overlapping and inside [lo, hi). */
static int check_ranges(const struct pz_config *cfg, const char *what, unsigned nid,
			const struct pz_range *r, unsigned n, uint64_t lo, uint64_t hi)
{
	if (n && !r)
		REFUSE(cfg, "node %u: %u %s ranges but no array", nid, n, what);
	for (unsigned i = 0; i < n; i++) {
		if (r[i].start >= r[i].end)
			REFUSE(cfg, "node %u: empty %s range [%llu, %llu)", nid, what,
			       (unsigned long long)r[i].start, (unsigned long long)r[i].end);
		if (r[i].start < lo || r[i].end > hi)
			REFUSE(cfg, "node %u: %s range [%llu, %llu) outside its zone [%llu, %llu)",
			       nid, what, (unsigned long long)r[i].start,
			       (unsigned long long)r[i].end, (unsigned long long)lo,
			       (unsigned long long)hi);
		if (i && r[i].start < r[i - 1].end)
			REFUSE(cfg, "node %u: %s ranges overlap or are unordered at [%llu, %llu)",
			       nid, what, (unsigned long long)r[i].start,
			       (unsigned long long)r[i].end);
	}
	return 0;
}

/* True if [s, e) lies inside one present range of z. */
static bool inside_present(const struct pz_zone_desc *z, uint64_t s, uint64_t e)
{
	if (!z->nr_present)
		return s >= z->start_pfn && e <= z->end_pfn;
	for (unsigned i = 0; i < z->nr_present; i++)
		if (s >= z->present[i].start && e <= z->present[i].end)
			return true;
	return false;
}

static bool overlaps_any(const struct pz_range *r, unsigned n, uint64_t s, uint64_t e)
{
	for (unsigned i = 0; i < n; i++)
		if (s < r[i].end && r[i].start < e)
			return true;
	return false;
}

static int check_zone(const struct pz_config *cfg, const struct layout *lo, unsigned nid,
		      const struct pz_zone_desc *z)
{
	/* As the kernel's CMA: aligned to a max-order block, or the buddy
	 * allocator would merge CMA and non-CMA pages into one block. */
	uint64_t pb = (uint64_t)1 << (lo->max_order - 1);
	int rc;

	if ((unsigned)z->type >= PZ_NR_ZONE_TYPES)
		REFUSE(cfg, "node %u: bad zone type %d", nid, (int)z->type);
	if (z->start_pfn >= z->end_pfn)
		REFUSE(cfg, "node %u: zone %s has an empty span", nid, pz_zone_type_name(z->type));
	/* A 64-bit physical address space: keeps every pfn sum below 2^64. */
	if (z->end_pfn > (uint64_t)1 << (64 - lo->page_shift))
		REFUSE(cfg,
		       "node %u: zone %s ends at pfn %llu, beyond a 64-bit physical address space",
		       nid, pz_zone_type_name(z->type), (unsigned long long)z->end_pfn);
	rc = check_ranges(cfg, "present", nid, z->present, z->nr_present, z->start_pfn, z->end_pfn);
	if (!rc)
		rc = check_ranges(cfg, "reserved", nid, z->reserved, z->nr_reserved, z->start_pfn,
				  z->end_pfn);
	if (!rc)
		rc = check_ranges(cfg, "cma", nid, z->cma, z->nr_cma, z->start_pfn, z->end_pfn);
	if (rc)
		return rc;
	for (unsigned i = 0; i < z->nr_reserved; i++)
		if (!inside_present(z, z->reserved[i].start, z->reserved[i].end))
			REFUSE(cfg, "node %u: reserved range [%llu, %llu) is not present memory",
			       nid, (unsigned long long)z->reserved[i].start,
			       (unsigned long long)z->reserved[i].end);
	for (unsigned i = 0; i < z->nr_cma; i++) {
		const struct pz_range *c = &z->cma[i];

		if ((c->start | c->end) & (pb - 1))
			REFUSE(cfg,
			       "node %u: CMA range [%llu, %llu) is not aligned to a max-order "
			       "block",
			       nid, (unsigned long long)c->start, (unsigned long long)c->end);
		if (!inside_present(z, c->start, c->end) ||
		    overlaps_any(z->reserved, z->nr_reserved, c->start, c->end))
			REFUSE(cfg, "node %u: CMA range [%llu, %llu) is not free present memory",
			       nid, (unsigned long long)c->start, (unsigned long long)c->end);
	}
	return 0;
}

/* The switches each profile turns on (docs/DESIGN.md "Profiles" says which
 * kernel each follows); PZ_CONFIG's features_set/clear override them. */
static const unsigned profile_features[PZ_NR_PROFILES] = {
	[PZ_PROFILE_LINUX_4_1] = 0,
	[PZ_PROFILE_LINUX_4_4] = PZ_FEAT_WMARK_ORDER0_CHECK | PZ_FEAT_HIGHATOMIC,
	[PZ_PROFILE_LINUX_6_1] = PZ_FEAT_WMARK_ORDER0_CHECK | PZ_FEAT_NO_FAIR_POLICY |
				 PZ_FEAT_CHECK_HEAD_ONLY | PZ_FEAT_PCP_HIGH_ORDER |
				 PZ_FEAT_LAZY_TAILS | PZ_FEAT_HIGHATOMIC | PZ_FEAT_NOFRAGMENT |
				 PZ_FEAT_WMARK_BOOST | PZ_FEAT_CMA_BALANCE,
};

/* Enums and bit sets of the config: an unknown value is refused by name,
 * never taken for a default or silently ignored. */
static int check_choices(const struct pz_config *cfg)
{
	if ((unsigned)cfg->profile >= PZ_NR_PROFILES)
		REFUSE(cfg, "profile %u is no enum pz_profile value", (unsigned)cfg->profile);
	if (cfg->features_set & ~PZ_FEAT_ALL)
		REFUSE(cfg, "unknown features_set bits %#x", cfg->features_set & ~PZ_FEAT_ALL);
	if (cfg->features_clear & ~PZ_FEAT_ALL)
		REFUSE(cfg, "unknown features_clear bits %#x", cfg->features_clear & ~PZ_FEAT_ALL);
	if ((unsigned)cfg->zonelist_order > PZ_ZONELIST_ORDER_ZONE)
		REFUSE(cfg, "zonelist_order %u is no enum pz_zonelist_order value",
		       (unsigned)cfg->zonelist_order);
	if (cfg->zonelist_order == PZ_ZONELIST_ORDER_ZONE &&
	    pz_profile_kver(cfg->profile) >= PZ_KV(4, 14))
		REFUSE(cfg,
		       "zonelist_order ZONE: zone-ordered zonelists were removed in 4.14; "
		       "profile %s builds node-ordered ones only",
		       pz_profile_name(cfg->profile));
	if (cfg->watermark_scale_factor > 3000)
		REFUSE(cfg, "watermark_scale_factor %u is above 3000", cfg->watermark_scale_factor);
	if (cfg->thp_enabled > 1)
		REFUSE(cfg, "thp_enabled %u is neither 0 nor 1", cfg->thp_enabled);
	if (cfg->zone_reclaim_mode & ~7u)
		REFUSE(cfg, "unknown zone_reclaim_mode bits %#x", cfg->zone_reclaim_mode & ~7u);
	if (cfg->dirty_ratio > 100)
		REFUSE(cfg, "dirty_ratio %u is above 100 (percent)", cfg->dirty_ratio);
	if (cfg->mobility_grouping_disabled > 1)
		REFUSE(cfg, "mobility_grouping_disabled %u is neither 0 nor 1",
		       cfg->mobility_grouping_disabled);
	return 0;
}

static int check_geometry(const struct pz_config *cfg, struct layout *lo)
{
	const struct pz_machine *m = cfg->machine;

	lo->page_shift = m->page_shift ? m->page_shift : 12;
	lo->max_order = m->max_order ? m->max_order : 11;
	if (m->pageblock_order)
		lo->pageblock_order = m->pageblock_order;
	else
		lo->pageblock_order = lo->max_order - 1 < 9 ? lo->max_order - 1 : 9;
	if (lo->page_shift < 12 || lo->page_shift > 18)
		REFUSE(cfg, "page_shift %u outside 12..18 (4 KiB to 256 KiB pages)",
		       lo->page_shift);
	if (lo->max_order < 1 || lo->max_order > PZ_MAX_ORDER_LIMIT)
		REFUSE(cfg, "max_order %u outside 1..%u", lo->max_order, PZ_MAX_ORDER_LIMIT);
	if (lo->pageblock_order >= lo->max_order)
		REFUSE(cfg, "pageblock order %u must be below max order %u", lo->pageblock_order,
		       lo->max_order);
	if (m->nr_nodes < 1 || m->nr_nodes > PZ_MAX_NODES)
		REFUSE(cfg, "nr_nodes %u outside 1..%u", m->nr_nodes, PZ_MAX_NODES);
	if (!m->nodes)
		REFUSE(cfg, "machine.nodes is NULL (nr_nodes %u)", m->nr_nodes);
	if (m->nr_cpus < 1 || m->nr_cpus > PZ_MAX_CPUS)
		REFUSE(cfg, "nr_cpus %u outside 1..%u", m->nr_cpus, PZ_MAX_CPUS);
	if ((cfg->debug & PZ_DEBUG_POISON) && !cfg->direct_map)
		REFUSE(cfg, "PZ_DEBUG_POISON needs a direct map to write the poison");
	if (cfg->debug & ~PZ_DEBUG_POISON)
		REFUSE(cfg, "unknown debug flags %#x", cfg->debug & ~PZ_DEBUG_POISON);
	if (cfg->percpu_pagelist_fraction && cfg->percpu_pagelist_fraction < 8)
		REFUSE(cfg, "percpu_pagelist_fraction %u must be 0 or >= 8",
		       cfg->percpu_pagelist_fraction);
	return check_choices(cfg);
}

static int check_node_zones(const struct pz_config *cfg, unsigned n, const struct pz_node_desc *nd)
{
	if (nd->nr_zones > PZ_NR_ZONE_TYPES)
		REFUSE(cfg, "node %u: %u zones (at most %u, one per type)", n, nd->nr_zones,
		       PZ_NR_ZONE_TYPES);
	if (nd->nr_zones && !nd->zones)
		REFUSE(cfg, "node %u: zones is NULL with nr_zones %u", n, nd->nr_zones);
	return 0;
}

static int check_nodes(const struct pz_config *cfg, struct layout *lo)
{
	const struct pz_machine *m = cfg->machine;
	bool any = false;

	lo->base_pfn = UINT64_MAX;
	lo->end_pfn = 0;
	lo->nr_pcp_zones = 0;
	for (unsigned n = 0; n < m->nr_nodes; n++) {
		const struct pz_node_desc *nd = &m->nodes[n];
		uint64_t node_start = UINT64_MAX, node_end = 0;

		if (check_node_zones(cfg, n, nd))
			return -PZ_EINVAL;
		for (unsigned i = 0; i < nd->nr_zones; i++) {
			const struct pz_zone_desc *z = &nd->zones[i];
			int rc = check_zone(cfg, lo, n, z);

			if (rc)
				return rc;
			if (i && z->type <= nd->zones[i - 1].type)
				REFUSE(cfg, "node %u: zones out of type order (%s after %s)", n,
				       pz_zone_type_name(z->type),
				       pz_zone_type_name(nd->zones[i - 1].type));
			if (i && z->start_pfn < nd->zones[i - 1].end_pfn)
				REFUSE(cfg, "node %u: zone %s [%llu, %llu) overlaps or precedes %s",
				       n, pz_zone_type_name(z->type),
				       (unsigned long long)z->start_pfn,
				       (unsigned long long)z->end_pfn,
				       pz_zone_type_name(nd->zones[i - 1].type));
			node_start = i ? node_start : z->start_pfn;
			node_end = z->end_pfn;
			lo->nr_pcp_zones++;
			any = true;
		}
		if (!nd->nr_zones)
			continue;
		/* Nodes may interleave (real NUMA layouts do); zones may not overlap. */
		for (unsigned i = 0; i < nd->nr_zones; i++)
			for (unsigned o = 0; o < n; o++)
				for (unsigned k = 0; k < m->nodes[o].nr_zones; k++) {
					const struct pz_zone_desc *a = &nd->zones[i];
					const struct pz_zone_desc *b = &m->nodes[o].zones[k];

					if (a->start_pfn < b->end_pfn && b->start_pfn < a->end_pfn)
						REFUSE(cfg,
						       "node %u: zone %s [%llu, %llu) overlaps "
						       "node %u's %s",
						       n, pz_zone_type_name(a->type),
						       (unsigned long long)a->start_pfn,
						       (unsigned long long)a->end_pfn, o,
						       pz_zone_type_name(b->type));
				}
		lo->base_pfn = node_start < lo->base_pfn ? node_start : lo->base_pfn;
		lo->end_pfn = node_end > lo->end_pfn ? node_end : lo->end_pfn;
	}
	if (!any)
		REFUSE(cfg, "the machine has no zones");
	return 0;
}

static int check_tables(const struct pz_config *cfg)
{
	const struct pz_machine *m = cfg->machine;
	unsigned n = m->nr_nodes;

	for (unsigned i = 0; m->distance && i < n; i++)
		for (unsigned j = 0; j < n; j++) {
			uint8_t d = m->distance[i * n + j];

			if (!d || (i != j && d <= m->distance[i * n + i]))
				REFUSE(cfg,
				       "distance[%u][%u] = %u must be above the local distance", i,
				       j, d);
		}
	for (unsigned c = 0; m->cpu_node && c < m->nr_cpus; c++)
		if (m->cpu_node[c] >= n)
			REFUSE(cfg, "cpu %u is on node %u, but there are %u nodes", c,
			       m->cpu_node[c], n);
	return 0;
}

static int compute_layout(const struct pz_config *cfg, struct layout *lo)
{
	int rc;
	uint64_t align, nr_pages;

	if (!cfg)
		return -PZ_EINVAL;
	if (!cfg->machine)
		REFUSE(cfg, "no machine description");
	rc = check_geometry(cfg, lo);
	if (!rc)
		rc = check_nodes(cfg, lo);
	if (!rc)
		rc = check_tables(cfg);
	if (rc)
		return rc;
	/* Cover whole max-order blocks so that every buddy pfn has a descriptor. */
	align = (uint64_t)1 << (lo->max_order - 1);
	lo->base_pfn &= ~(align - 1);
	lo->end_pfn = (lo->end_pfn + align - 1) & ~(align - 1);
	nr_pages = lo->end_pfn - lo->base_pfn;
	if (nr_pages >= PZ_NIL)
		REFUSE(cfg, "%llu page frames: at most %u are supported",
		       (unsigned long long)nr_pages, PZ_NIL - 1);
	lo->nr_zone_slots = cfg->machine->nr_nodes * PZ_NR_ZONE_TYPES;
	lo->zl_len = lo->nr_pcp_zones + 1;
	lo->off_zones = align_up(sizeof(struct pz), PZ_CACHELINE);
	lo->off_pcp =
		align_up(lo->off_zones + lo->nr_zone_slots * sizeof(struct pz_zone), PZ_CACHELINE);
	lo->off_zl = lo->off_pcp +
		     (size_t)lo->nr_pcp_zones * cfg->machine->nr_cpus * sizeof(struct pz_pcp);
	lo->off_pages = align_up(lo->off_zl + (size_t)cfg->machine->nr_nodes * 2 * lo->zl_len *
						      sizeof(uint16_t),
				 PZ_CACHELINE);
	lo->off_pb = lo->off_pages + (size_t)nr_pages * sizeof(struct pz_page);
	lo->total =
		align_up(lo->off_pb + (size_t)(nr_pages >> lo->pageblock_order) + 1, PZ_CACHELINE);
	return 0;
}

int pz_metadata_size(const struct pz_config *cfg, size_t *size)
{
	struct layout lo;
	int rc;

	if (!size)
		return -PZ_EINVAL;
	rc = compute_layout(cfg, &lo);
	if (rc)
		return rc;
	*size = lo.total;
	return 0;
}

/* ---- building the instance ---------------------------------------------- */

/* The CPU of a platform without a cpu hook: everything runs as CPU 0. */
static unsigned cpu_zero(void *ctx)
{
	(void)ctx;
	return 0;
}

/* pz->pcp_level: which per-CPU list level holds each order (pz_pcp_level). */
static void set_pcp_levels(struct pz *pz)
{
	for (unsigned o = 0; o < PZ_MAX_ORDER_LIMIT; o++) {
		int level = -1;

		if (o == 0)
			level = 0;
		else if (o >= pz->max_order || !(pz->features & PZ_FEAT_PCP_HIGH_ORDER))
			level = -1;
		else if (o <= PZ_PCP_COSTLY_ORDER)
			level = (int)o;
		else if (o == pz->pageblock_order)
			level = PZ_PCP_LEVELS - 1;
		pz->pcp_level[o] = (int8_t)level;
	}
}

/*
 * pz->pcp_list_of. 6.1.192, the traced kernel (order_to_pindex with
 * CONFIG_TRANSPARENT_HUGEPAGE), keeps pageblock-order blocks on
 * NR_PCP_THP = 2 lists after those of orders 0-3: first the one shared by
 * UNMOVABLE and RECLAIMABLE, then the MOVABLE one; 5.14's design had one
 * per type. The shared one is our UNMOVABLE list of that level, which the
 * round robin (kernel order UNMOVABLE, MOVABLE, RECLAIMABLE) visits first;
 * a block keeps its own type for the drain (p->mt). The other profiles'
 * lists stay one per type.
 */
static void set_pcp_lists(struct pz *pz)
{
	const unsigned thp = (PZ_PCP_LEVELS - 1) * PZ_MT_PCPTYPES;

	for (unsigned k = 0; k < PZ_PCP_NR_LISTS; k++)
		pz->pcp_list_of[k] = (uint8_t)k;
	if (pz_kver(pz) >= PZ_KV(6, 1))
		pz->pcp_list_of[thp + PZ_MT_RECLAIMABLE] = (uint8_t)(thp + PZ_MT_UNMOVABLE);
}

static void copy_config(struct pz *pz, const struct pz_config *cfg, const struct layout *lo)
{
	/* lowmem_reserve_ratio: HIGHMEM's is 0 (no reserve) since 5.8 */
	static const unsigned default_ratio[2][PZ_NR_ZONE_TYPES - 1] = {{256, 256, 32, 32},
									{256, 256, 32, 0}};
	const struct pz_machine *m = cfg->machine;

	pz->magic = PZ_MAGIC;
	if (cfg->platform)
		pz->plat = *cfg->platform;
	if (!pz->plat.cpu)
		pz->plat.cpu = cpu_zero; /* so that pz_this_cpu need not test */
	pz->profile = cfg->profile;
	pz->features = profile_features[cfg->profile];
	pz->features = (pz->features | cfg->features_set) & ~cfg->features_clear;
	pz->page_shift = lo->page_shift;
	pz->max_order = lo->max_order;
	pz->pageblock_order = lo->pageblock_order;
	set_pcp_levels(pz);
	pz->pageblock_nr_pages = 1u << lo->pageblock_order;
	pz->nr_nodes = m->nr_nodes;
	pz->nr_cpus = m->nr_cpus;
	pz->base_pfn = lo->base_pfn;
	pz->nr_pages = lo->end_pfn - lo->base_pfn;
	pz->direct_map = cfg->direct_map;
	pz->gfp_slow = PZ__GFP_WRITE | (cfg->direct_map ? 0u : PZ__GFP_ZERO);
	pz->direct_map_pfn = cfg->direct_map_pfn;
	pz->meta_size = lo->total;
	atomic_store_explicit(&pz->min_free_kbytes, cfg->min_free_kbytes, memory_order_relaxed);
	pz->user_min_free_kbytes =
		cfg->min_free_kbytes ? cfg->min_free_kbytes : PZ_MIN_FREE_KBYTES_DEFAULT;
	for (unsigned i = 0; i < PZ_NR_ZONE_TYPES - 1; i++)
		pz->lowmem_reserve_ratio[i] =
			cfg->lowmem_reserve_ratio[i] ? cfg->lowmem_reserve_ratio[i]
						     : default_ratio[pz_kver(pz) >= PZ_KV(5, 8)][i];
	pz->percpu_pagelist_fraction = cfg->percpu_pagelist_fraction;
	pz->watermark_scale_factor = cfg->watermark_scale_factor ? cfg->watermark_scale_factor : 10;
	atomic_init(&pz->watermark_boost_factor, /* 0 = 5.0's default */
		    cfg->watermark_boost_factor ? cfg->watermark_boost_factor : 15000);
	pz->thp_enabled = cfg->thp_enabled != 0;
	pz->zone_reclaim_mode = cfg->zone_reclaim_mode;
	pz->zonelist_order = cfg->zonelist_order;
	pz->dirty_ratio = cfg->dirty_ratio ? cfg->dirty_ratio : 20;
	pz->dirty_bytes = cfg->dirty_bytes;
	pz->mobility_disabled = cfg->mobility_grouping_disabled != 0;
	pz->debug = cfg->debug;
	atomic_init(&pz->fast_off,
		    (pz->plat.trace ? PZ_OFF_TRACE : 0u) | (pz->debug ? PZ_OFF_DEBUG : 0u));
	for (unsigned i = 0; i < m->nr_nodes; i++)
		for (unsigned j = 0; j < m->nr_nodes; j++)
			pz->distance[i][j] =
				m->distance ? m->distance[i * m->nr_nodes + j] : (i == j ? 10 : 20);
	for (unsigned c = 0; c < m->nr_cpus; c++) {
		pz->cpu_node[c] = m->cpu_node ? m->cpu_node[c] : (uint8_t)(c % m->nr_nodes);
		pz->nodes[pz->cpu_node[c]].has_cpus = true;
	}
	pz_task_init(&pz->default_task);
	pz_lock_init(&pz->tune_lock);
	pz_fault_init(pz);
	pz->kswapd_inline = cfg->kswapd_deterministic != 0;
}

/*
 * Descriptors are written once each, range by range, with their final
 * boot state: outside every zone or in a hole PG_HOLE; reserved pages
 * PG_RESERVED with a reference (never freed); pages about to be released
 * to the buddy lists all zero. One pass over the memmap keeps init of a
 * big machine close to the cost of touching its metadata once.
 */
static void init_range(struct pz *pz, uint64_t s, uint64_t e, uint16_t zone, unsigned flags,
		       int refcount)
{
	for (uint64_t pfn = s; pfn < e; pfn++) {
		struct pz_page *p = pz_pfn_page(pz, pfn);

		p->next = PZ_NIL;
		p->prev = PZ_NIL;
		atomic_init(&p->refcount, refcount);
		atomic_init(&p->flags, (uint16_t)flags);
		p->order = 0;
		p->mt = 0;
		p->mapcount = 0;
		p->zone = zone;
		atomic_init(&p->where, 0);
		p->spare = 0;
		p->owner = 0;
	}
}

/* Present memory of [s, e) in zone: free pages, with the reserved ranges
 * (sorted; *r is the next one to consider) cut out. */
static void init_present(struct pz *pz, uint16_t zone, const struct pz_zone_desc *d, uint64_t s,
			 uint64_t e, unsigned *r)
{
	for (; *r < d->nr_reserved && d->reserved[*r].start < e; (*r)++) {
		init_range(pz, s, d->reserved[*r].start, zone, 0, 0);
		init_range(pz, d->reserved[*r].start, d->reserved[*r].end, zone, PG_RESERVED, 1);
		s = d->reserved[*r].end;
	}
	init_range(pz, s, e, zone, 0, 0);
}

static void init_zone_pages(struct pz *pz, struct pz_zone *z, const struct pz_zone_desc *d)
{
	uint64_t cursor = d->start_pfn;
	unsigned r = 0;

	if (!d->nr_present)
		init_present(pz, z->id, d, d->start_pfn, d->end_pfn, &r);
	for (unsigned i = 0; i < d->nr_present; i++) {
		init_range(pz, cursor, d->present[i].start, z->id, PG_HOLE, 0);
		init_present(pz, z->id, d, d->present[i].start, d->present[i].end, &r);
		cursor = d->present[i].end;
	}
	if (d->nr_present)
		init_range(pz, cursor, d->end_pfn, z->id, PG_HOLE, 0);
	for (unsigned i = 0; i < d->nr_cma; i++)
		for (uint64_t pfn = d->cma[i].start; pfn < d->cma[i].end;
		     pfn += pz->pageblock_nr_pages)
			pz_set_pageblock_mt(pz, pfn, PZ_MT_CMA);
}

/* Every pageblock starts MOVABLE; pfns outside all zones are holes. Nodes
 * may come in any pfn order, so the zone spans are sorted first (a node's
 * own zones are ascending already). */
static void init_outside(struct pz *pz, const struct pz_machine *m)
{
	struct pz_range span[PZ_MAX_NODES * PZ_NR_ZONE_TYPES];
	unsigned n = 0;
	uint64_t cursor = pz->base_pfn;

	for (uint64_t b = 0; b < pz->nr_pages >> pz->pageblock_order; b++)
		atomic_init(&pz->pageblock[b], PZ_MT_MOVABLE);
	for (unsigned nid = 0; nid < m->nr_nodes; nid++)
		for (unsigned i = 0; i < m->nodes[nid].nr_zones; i++) {
			struct pz_range r = {m->nodes[nid].zones[i].start_pfn,
					     m->nodes[nid].zones[i].end_pfn};
			unsigned k = n++;

			for (; k > 0 && span[k - 1].start > r.start; k--)
				span[k] = span[k - 1];
			span[k] = r;
		}
	for (unsigned i = 0; i < n; i++) {
		init_range(pz, cursor, span[i].start, PZ_NO_ZONE, PG_HOLE, 0);
		cursor = span[i].end;
	}
	init_range(pz, cursor, pz->base_pfn + pz->nr_pages, PZ_NO_ZONE, PG_HOLE, 0);
}

/* Frees [s, e) in maximal naturally aligned blocks, lowest pfn first (also
 * pz_free_reserved_pages, reserved.c: free_reserved_page's frees go through
 * the per-CPU lists, not FPI_TO_TAIL). */
uint64_t pz_release_range(struct pz *pz, struct pz_zone *z, uint64_t s, uint64_t e, bool to_tail)
{
	uint64_t freed = 0;

	pz_lock(pz, &z->lock); /* nobody else yet: for the Lock Key's check */
	while (s < e) {
		unsigned order = s ? (unsigned)__builtin_ctzll(s) : pz->max_order - 1;
		struct pz_page *p = pz_pfn_page(pz, s);

		if (order > pz->max_order - 1)
			order = pz->max_order - 1;
		while (s + ((uint64_t)1 << order) > e)
			order--;
		if (to_tail)
			pz_free_one_page_tail_locked(pz, z, p, order, pz_pageblock_mt(pz, s));
		else
			pz_free_one_page_locked(pz, z, p, order, pz_pageblock_mt(pz, s));
		/* boot memory enters through __free_pages, so pgfree counts it */
		atomic_fetch_add_explicit(&z->pcp[0].ev[PCPEV_PGFREE], (uint64_t)1 << order,
					  memory_order_relaxed);
		freed += (uint64_t)1 << order;
		s += (uint64_t)1 << order;
	}
	pz_unlock(&z->lock);
	return freed;
}

/* Releases the zone's present memory minus its reserved ranges. Since
 * 5.10 memblock_free_all and deferred init free it with __free_pages_core,
 * whose FPI_TO_TAIL puts every block at its list's tail, so the lists
 * hand out the lowest pfns first; before, the tail rule alone placed them. */
static uint64_t release_zone(struct pz *pz, struct pz_zone *z, const struct pz_zone_desc *d)
{
	struct pz_range whole = {d->start_pfn, d->end_pfn};
	const struct pz_range *pr = d->nr_present ? d->present : &whole;
	unsigned np = d->nr_present ? d->nr_present : 1;
	bool tail = pz_kver(pz) >= PZ_KV(5, 10);
	uint64_t freed = 0;

	for (unsigned i = 0; i < np; i++) {
		uint64_t s = pr[i].start;

		for (unsigned r = 0; r < d->nr_reserved; r++) {
			const struct pz_range *rv = &d->reserved[r];

			if (rv->end <= s || rv->start >= pr[i].end)
				continue;
			freed += pz_release_range(pz, z, s, rv->start > s ? rv->start : s, tail);
			s = rv->end;
		}
		if (s < pr[i].end)
			freed += pz_release_range(pz, z, s, pr[i].end, tail);
	}
	return freed;
}

static void init_zone(struct pz *pz, struct pz_zone *z, unsigned nid, unsigned type)
{
	pz_lock_init(&z->lock);
	z->id = (uint16_t)(nid * PZ_NR_ZONE_TYPES + type);
	z->nid = (uint8_t)nid;
	z->type = (uint8_t)type;
	for (unsigned o = 0; o < PZ_MAX_ORDER_LIMIT; o++)
		for (unsigned mt = 0; mt < PZ_MT_TYPES; mt++)
			z->free_area[o].list[mt].first = z->free_area[o].list[mt].last = PZ_NIL;
}

static void init_pcps(struct pz *pz, struct pz_zone *z, struct pz_pcp *pcp)
{
	z->pcp = pcp;
	for (unsigned c = 0; c < pz->nr_cpus; c++) {
		pz_lock_init(&pcp[c].lock);
		for (unsigned k = 0; k < PZ_PCP_NR_LISTS; k++)
			pcp[c].lists[k].first = pcp[c].lists[k].last = PZ_NIL;
		atomic_init(&pcp[c].high, 0);
		atomic_init(&pcp[c].batch, 1);
	}
}

static void build_zones(struct pz *pz, const struct pz_config *cfg, char *base,
			const struct layout *lo)
{
	const struct pz_machine *m = cfg->machine;
	struct pz_pcp *pcp = (struct pz_pcp *)(void *)(base + lo->off_pcp);

	for (unsigned n = 0; n < m->nr_nodes; n++)
		for (unsigned t = 0; t < PZ_NR_ZONE_TYPES; t++)
			init_zone(pz, pz_zone_of(pz, (int)n, (int)t), n, t);
	for (unsigned n = 0; n < m->nr_nodes; n++) {
		for (unsigned i = 0; i < m->nodes[n].nr_zones; i++) {
			const struct pz_zone_desc *d = &m->nodes[n].zones[i];
			struct pz_zone *z = pz_zone_of(pz, (int)n, d->type);
			uint64_t present = 0;

			z->start_pfn = d->start_pfn;
			z->end_pfn = d->end_pfn;
			z->spanned = d->end_pfn - d->start_pfn;
			for (unsigned r = 0; r < d->nr_present; r++)
				present += d->present[r].end - d->present[r].start;
			z->present = d->nr_present ? present : z->spanned;
			z->populated = z->present != 0;
			pz->nodes[n].has_memory |= z->populated;
			pz->zone_present_types |= 1u << d->type;
			pz->has_cma |= d->nr_cma != 0;
			pz->has_highmem |= d->type == PZ_ZONE_HIGHMEM;
			init_pcps(pz, z, pcp);
			pcp += pz->nr_cpus;
			init_zone_pages(pz, z, d);
		}
	}
}

static void release_memory(struct pz *pz, const struct pz_machine *m)
{
	for (unsigned n = 0; n < m->nr_nodes; n++)
		for (unsigned i = 0; i < m->nodes[n].nr_zones; i++) {
			const struct pz_zone_desc *d = &m->nodes[n].zones[i];
			struct pz_zone *z = pz_zone_of(pz, (int)n, d->type);

			z->managed = release_zone(pz, z, d);
		}
}

/* page_group_by_mobility_disabled: too little memory to group by mobility. */
static void decide_mobility(struct pz *pz)
{
	uint64_t total = 0;
	unsigned types = pz->has_cma ? PZ_MT_TYPES : PZ_MT_TYPES - 1;

	for (unsigned i = 0; i < pz->nr_nodes * PZ_NR_ZONE_TYPES; i++)
		total += pz->zones[i].managed;
	if (total < (uint64_t)pz->pageblock_nr_pages * types)
		pz->mobility_disabled = true;
}

int pz_init(const struct pz_config *cfg, void *mem, size_t size, pz_t **out)
{
	struct layout lo;
	struct pz *pz = mem;
	int rc;

	if (!out || !mem) {
		init_log(cfg, "NULL %s", out ? "metadata memory" : "output pointer");
		return -PZ_EINVAL;
	}
	rc = compute_layout(cfg, &lo);
	if (rc)
		return rc;
	if ((uintptr_t)mem & (PZ_CACHELINE - 1)) {
		init_log(cfg, "metadata memory must be aligned to %d bytes", PZ_CACHELINE);
		return -PZ_EINVAL;
	}
	if (size < lo.total) {
		init_log(cfg, "metadata buffer of %zu bytes is too small: %zu needed", size,
			 lo.total);
		return -PZ_ENOMEM;
	}
	pz_memzero(mem, lo.off_pages);
	copy_config(pz, cfg, &lo);
	pz->zones = (struct pz_zone *)(void *)((char *)mem + lo.off_zones);
	pz->pages = (struct pz_page *)(void *)((char *)mem + lo.off_pages);
	pz->pageblock = (_Atomic uint8_t *)(void *)((char *)mem + lo.off_pb);
	init_outside(pz, cfg->machine);
	build_zones(pz, cfg, (char *)mem, &lo);
	release_memory(pz, cfg->machine);
	decide_mobility(pz);
	pz_build_gfp_fast(pz);
	/* the index pz_pcp_list computes for level k / 3, kernel type k % 3 */
	for (unsigned k = 0; k < PZ_PCP_NR_LISTS; k++)
		pz->rr_list[k] = (uint8_t)(k / PZ_MT_PCPTYPES * PZ_MT_PCPTYPES +
					   (unsigned)pz_kernel_mt_order(pz, k % PZ_MT_PCPTYPES));
	set_pcp_lists(pz);
	pz_build_zonelists(pz, (uint16_t *)(void *)((char *)mem + lo.off_zl), lo.zl_len);
	for (unsigned i = 0; i < pz->nr_nodes * PZ_NR_ZONE_TYPES; i++)
		pz->zones[i].stat_threshold = (long)pz_stat_threshold(pz, &pz->zones[i]);
	pz_setup_watermarks(pz);
	for (unsigned i = 0; i < pz->nr_nodes * PZ_NR_ZONE_TYPES; i++)
		if (pz->zones[i].pcp)
			pz_pcp_setup_zone(pz, &pz->zones[i]);
	pz_reclaim_init(pz);
	*out = pz;
	return 0;
}

/* Managed pages neither free, on a per-CPU list nor leaked: still held by
 * someone. Read without locks: pz_destroy runs with no call in flight. */
static uint64_t pages_in_use(const struct pz *pz)
{
	uint64_t managed = 0, idle = 0;

	for (unsigned i = 0; i < pz->nr_nodes * PZ_NR_ZONE_TYPES; i++) {
		const struct pz_zone *z = &pz->zones[i];

		if (!z->populated)
			continue;
		managed += z->managed;
		for (unsigned o = 0; o < pz->max_order; o++)
			for (unsigned mt = 0; mt < PZ_MT_TYPES; mt++)
				idle += z->free_area[o].nr_free_mt[mt] << o;
		for (unsigned c = 0; c < pz->nr_cpus; c++)
			idle += (uint64_t)z->pcp[c].count;
	}
	idle += atomic_load_explicit(&pz->err.leaked_pages, memory_order_relaxed);
	return managed > idle ? managed - idle : 0;
}

int pz_destroy(pz_t *pz)
{
	uint64_t held;

	if (!pz_instance_ok(pz))
		return -PZ_EINVAL;
	held = pages_in_use(pz);
	pz->magic = PZ_DEAD;
	if (held)
		pz_log(pz, PZ_LOG_WARN,
		       "destroy: %llu pages still allocated (allowed; they are simply forgotten)",
		       (unsigned long long)held);
	return 0;
}
