/*
 * api.c - the small entry points: conversions between pages, pfns and
 * addresses, references, split_page, exact-size allocations, tasks and the
 * per-CPU drains (the sysctl setters are in tunables.c).
 */
#include "internal.h"

int pz_version(void)
{
	return PZ_VERSION;
}

const char *pz_strerror(int err)
{
	/* in unsigned arithmetic: -INT_MIN does not exist */
	switch (err < 0 ? 0u - (unsigned)err : (unsigned)err) {
	case 0:
		return "success";
	case PZ_EINVAL:
		return "invalid argument or configuration";
	case PZ_ENOMEM:
		return "not enough memory";
	case PZ_ERANGE:
		return "page frame outside every zone or in a hole";
	case PZ_EFAULT:
		return "page state does not allow the operation";
	case PZ_ENODEV:
		return "no such node or zone";
	case PZ_ENOSPC:
		return "buffer too small";
	case PZ_EBUSY:
		return "a page the call needs is not free, or the work is already running";
	case PZ_ENOENT:
		return "no such object";
	case PZ_EOPNOTSUPP:
		return "not in this profile (its kernel has no such feature)";
	default:
		return "unknown error";
	}
}

size_t pz_page_size(const pz_t *pz)
{
	return pz_instance_ok(pz) ? (size_t)1 << pz->page_shift : 0;
}

unsigned pz_max_order(const pz_t *pz)
{
	return pz_instance_ok(pz) ? pz->max_order : 0;
}

unsigned pz_pageblock_order(const pz_t *pz)
{
	return pz_instance_ok(pz) ? pz->pageblock_order : 0;
}

enum pz_profile pz_profile(const pz_t *pz)
{
	return pz_instance_ok(pz) ? pz->profile : PZ_PROFILE_LINUX_4_1;
}

static const char *const profile_names[PZ_NR_PROFILES] = {
	[PZ_PROFILE_LINUX_4_1] = "linux-4.1",
	[PZ_PROFILE_LINUX_6_1] = "linux-6.1",
	[PZ_PROFILE_LINUX_4_4] = "linux-4.4",
};

const char *pz_profile_name(enum pz_profile profile)
{
	return (unsigned)profile < PZ_NR_PROFILES ? profile_names[profile] : NULL;
}

int pz_profile_from_name(const char *name, enum pz_profile *out)
{
	if (!name || !out)
		return -PZ_EINVAL;
	if (pz_streq(name, "modern")) {
		*out = PZ_PROFILE_MODERN;
		return 0;
	}
	for (unsigned i = 0; i < PZ_NR_PROFILES; i++) {
		if (pz_streq(name, profile_names[i])) {
			*out = (enum pz_profile)i;
			return 0;
		}
	}
	return -PZ_EINVAL;
}

unsigned pz_nr_nodes(const pz_t *pz)
{
	return pz_instance_ok(pz) ? pz->nr_nodes : 0;
}

unsigned pz_nr_cpus(const pz_t *pz)
{
	return pz_instance_ok(pz) ? pz->nr_cpus : 0;
}

unsigned pz_min_free_kbytes(const pz_t *pz)
{
	return pz_instance_ok(pz) ? atomic_load_explicit(&pz->min_free_kbytes, memory_order_relaxed)
				  : 0;
}

/* ---- conversions --------------------------------------------------------- */

static const struct pz_page *valid_page(const pz_t *pz, const pz_page_t *page)
{
	if (!pz_instance_ok(pz))
		return (const struct pz_page *)0;
	return pz_checked_page((struct pz *)(uintptr_t)pz, page);
}

uint64_t pz_page_to_pfn(const pz_t *pz, const pz_page_t *page)
{
	const struct pz_page *p = valid_page(pz, page);

	return p ? pz_page_pfn(pz, p) : (uint64_t)-1;
}

pz_page_t *pz_pfn_to_page(const pz_t *pz, uint64_t pfn)
{
	struct pz_page *p;

	if (!pz_instance_ok(pz) || !pz_pfn_covered(pz, pfn))
		return (pz_page_t *)0;
	p = pz_pfn_page(pz, pfn);
	return p->zone == PZ_NO_ZONE ? (pz_page_t *)0 : p;
}

void *pz_page_address(const pz_t *pz, const pz_page_t *page)
{
	const struct pz_page *p = valid_page(pz, page);
	uint64_t pfn;

	if (!p || !pz->direct_map)
		return (void *)0;
	pfn = pz_page_pfn(pz, p);
	if (pfn < pz->direct_map_pfn)
		return (void *)0;
	return (char *)pz->direct_map + ((pfn - pz->direct_map_pfn) << pz->page_shift);
}

pz_page_t *pz_virt_to_page(const pz_t *pz, const void *addr)
{
	uintptr_t a = (uintptr_t)addr, base;

	if (!pz_instance_ok(pz) || !pz->direct_map)
		return (pz_page_t *)0;
	base = (uintptr_t)pz->direct_map;
	if (a < base)
		return (pz_page_t *)0;
	return pz_pfn_to_page(pz, pz->direct_map_pfn + ((a - base) >> pz->page_shift));
}

int pz_page_to_nid(const pz_t *pz, const pz_page_t *page)
{
	const struct pz_page *p = valid_page(pz, page);

	return p && p->zone != PZ_NO_ZONE ? pz->zones[p->zone].nid : -1;
}

int pz_page_zonenum(const pz_t *pz, const pz_page_t *page)
{
	const struct pz_page *p = valid_page(pz, page);

	return p && p->zone != PZ_NO_ZONE ? pz->zones[p->zone].type : -1;
}

unsigned pz_compound_order(const pz_t *pz, const pz_page_t *page)
{
	const struct pz_page *p = valid_page(pz, page);

	return p && (pg_flags(p) & PG_HEAD) ? p->order : 0;
}

pz_page_t *pz_compound_head(const pz_t *pz, pz_page_t *page)
{
	const struct pz_page *p = valid_page(pz, page);
	struct pz_page *h;

	if (!p)
		return (pz_page_t *)0;
	h = pz_tail_head(pz, p);
	return h ? h : page;
}

bool pz_page_is_pfmemalloc(const pz_t *pz, const pz_page_t *page)
{
	const struct pz_page *p = valid_page(pz, page);

	return p && (pg_flags(p) & PG_PFMEMALLOC);
}

uintptr_t pz_page_owner(const pz_page_t *page)
{
	return page ? page->owner : 0;
}

void pz_page_set_owner(pz_page_t *page, uintptr_t owner)
{
	if (page)
		page->owner = owner;
}

int pz_page_refcount(const pz_t *pz, const pz_page_t *page)
{
	const struct pz_page *p = valid_page(pz, page);

	return p ? atomic_load_explicit(&p->refcount, memory_order_relaxed) : -1;
}

int pz_page_get(pz_t *pz, pz_page_t *page)
{
	struct pz_page *p = (struct pz_page *)(uintptr_t)valid_page(pz, page);
	int old;

	if (!p)
		return -PZ_ERANGE;
	old = atomic_load_explicit(&p->refcount, memory_order_relaxed);
	do {
		if (old <= 0 || (pg_flags(p) & (PG_RESERVED | PG_HOLE | PG_LEAKED)))
			return -PZ_EFAULT;
	} while (!atomic_compare_exchange_weak_explicit(
		&p->refcount, &old, old + 1, memory_order_relaxed, memory_order_relaxed));
	return 0;
}

/*
 * State bits on an allocated page; HWPOISON may also be set on a free page
 * (a memory error): it is then leaked when next allocated.
 */
int pz_page_set_state(pz_t *pz, pz_page_t *page, unsigned bits, int mapcount_delta)
{
	struct pz_page *p = (struct pz_page *)(uintptr_t)valid_page(pz, page);
	unsigned user = bits & 0x1f;
	int64_t mc;

	if (!p)
		return -PZ_ERANGE;
	if (bits & ~0x1fu)
		return -PZ_EINVAL;
	/* a mapcount past the int32 range is refused, never wrapped */
	mc = (int64_t)p->mapcount + mapcount_delta;
	if (mc < INT32_MIN || mc > INT32_MAX)
		return -PZ_EINVAL;
	if (pg_flags(p) & (PG_HOLE | PG_RESERVED))
		return -PZ_ERANGE;
	if (atomic_load_explicit(&p->refcount, memory_order_relaxed) <= 0 &&
	    (user != PZ_PAGE_HWPOISON || mapcount_delta))
		return -PZ_EFAULT;
	if (user & PZ_PAGE_HWPOISON)
		pz_count(&pz->nr_hwpoison); /* before the flag: checkers see one or both */
	if (user)
		pg_set(p, user << PG_USER_SHIFT);
	/* only the owner changes the mapcount; HWPOISON alone leaves it be */
	if (mapcount_delta)
		p->mapcount = (int32_t)mc;
	return 0;
}

int pz_page_clear_state(pz_t *pz, pz_page_t *page, unsigned bits)
{
	struct pz_page *p = (struct pz_page *)(uintptr_t)valid_page(pz, page);

	if (!p)
		return -PZ_ERANGE;
	if (bits & ~0x1fu)
		return -PZ_EINVAL;
	if (atomic_load_explicit(&p->refcount, memory_order_relaxed) <= 0 ||
	    (pg_flags(p) & (PG_HOLE | PG_RESERVED | PG_LEAKED)))
		return -PZ_EFAULT;
	pg_clear(p, bits << PG_USER_SHIFT);
	return 0;
}

int pz_numa_node_id(const pz_t *pz)
{
	return pz_instance_ok(pz) ? pz->cpu_node[pz_this_cpu(pz)] : -1;
}

int pz_split_page(pz_t *pz, pz_page_t *page, unsigned order)
{
	struct pz_page *p = (struct pz_page *)(uintptr_t)valid_page(pz, page);

	if (!p)
		return -PZ_ERANGE;
	if (order >= pz->max_order || p->order != order)
		return -PZ_EINVAL;
	if ((pg_flags(p) &
	     (PG_HEAD | PG_TAIL | PG_BUDDY | PG_PCP | PG_LEAKED | PG_HOLE | PG_RESERVED)) ||
	    atomic_load_explicit(&p->refcount, memory_order_relaxed) != 1)
		return -PZ_EFAULT;
	for (uint64_t i = 1; i < ((uint64_t)1 << order); i++) {
		p[i].order = 0;
		p[i].mt = p->mt; /* each piece is as movable as the block (compaction) */
		/* release: a compaction that takes a reference sees the fields */
		atomic_store_explicit(&p[i].refcount, 1, memory_order_release);
	}
	p->order = 0;
	return 0;
}

/* ---- addresses ---------------------------------------------------------- */

void *pz_get_free_pages(pz_t *pz, pz_gfp_t gfp, unsigned order)
{
	pz_page_t *p;

	if (!pz_instance_ok(pz) || !pz->direct_map || (gfp & PZ__GFP_HIGHMEM))
		return (void *)0;
	p = pz_alloc_pages(pz, gfp, order);
	return p ? pz_page_address(pz, p) : (void *)0;
}

void *pz_get_zeroed_page(pz_t *pz, pz_gfp_t gfp)
{
	return pz_get_free_pages(pz, gfp | PZ__GFP_ZERO, 0);
}

int pz_free_pages_addr(pz_t *pz, void *addr, unsigned order)
{
	pz_page_t *p;

	if (!addr)
		return 0;
	if (!pz_instance_ok(pz))
		return -PZ_EINVAL;
	p = pz_virt_to_page(pz, addr);
	if (!p) {
		pz_count(&pz->err.bad_pfn);
		pz_log(pz, PZ_LOG_ERR, "free refused: address %p is not in the direct map", addr);
		return -PZ_ERANGE;
	}
	return pz_free_pages(pz, p, order);
}

static unsigned get_order(const pz_t *pz, size_t size)
{
	size_t pages = (size + pz_page_size(pz) - 1) >> pz->page_shift;
	unsigned order = 0;

	while (((size_t)1 << order) < pages)
		order++;
	return order;
}

void *pz_alloc_pages_exact(pz_t *pz, size_t size, pz_gfp_t gfp)
{
	pz_page_t *p;
	unsigned order;
	size_t used;

	if (!pz_instance_ok(pz) || !size || !pz->direct_map ||
	    (gfp & (PZ__GFP_COMP | PZ__GFP_HIGHMEM)))
		return (void *)0;
	if (size > ((size_t)1 << (pz->max_order - 1)) << pz->page_shift)
		return (void *)0; /* larger than any block (also keeps the rounding from wrapping) */
	order = get_order(pz, size);
	p = pz_alloc_pages(pz, gfp, order);
	if (!p)
		return (void *)0;
	pz_split_page(pz, p, order);
	used = (size + pz_page_size(pz) - 1) >> pz->page_shift;
	for (size_t i = used; i < ((size_t)1 << order); i++)
		pz_free_pages(pz, p + i, 0);
	return pz_page_address(pz, p);
}

int pz_free_pages_exact(pz_t *pz, void *addr, size_t size)
{
	pz_page_t *p;
	size_t pages;
	int first = 0;

	if (!pz_instance_ok(pz) || !addr || !size ||
	    size > ((size_t)1 << (pz->max_order - 1)) << pz->page_shift)
		return -PZ_EINVAL;
	p = pz_virt_to_page(pz, addr);
	if (!p)
		return -PZ_ERANGE;
	pages = (size + pz_page_size(pz) - 1) >> pz->page_shift;
	for (size_t i = 0; i < pages; i++) {
		int rc = pz_free_pages(pz, p + i, 0);

		first = first ? first : rc;
	}
	return first;
}

/* ---- tasks ---------------------------------------------------------------- */

void pz_task_init(struct pz_task *task)
{
	if (!task)
		return;
	task->mems_allowed = PZ_NODEMASK_ALL;
	task->mems_hardwall = PZ_NODEMASK_ALL;
	task->mems_seq = 0;
	task->flags = 0;
	task->preferred_node = PZ_NUMA_NO_NODE;
	pz_memzero(task->core, sizeof(task->core));
}

int pz_task_set_mems_allowed(pz_t *pz, struct pz_task *task, pz_nodemask_t mems,
			     pz_nodemask_t mems_hardwall)
{
	if (!pz_instance_ok(pz) || !task || !mems)
		return -PZ_EINVAL;
	atomic_store_explicit(&pz->cpusets_enabled, 1, memory_order_relaxed);
	atomic_fetch_or_explicit(&pz->fast_off, PZ_OFF_CPUSETS, memory_order_relaxed);
	pz_seq_step(&task->mems_seq, memory_order_acq_rel);
	pz_mask_store(&task->mems_allowed, mems);
	pz_mask_store(&task->mems_hardwall, mems_hardwall ? mems_hardwall : mems);
	pz_seq_step(&task->mems_seq, memory_order_release);
	return 0;
}

/* ---- embedder-reported state and tunables -------------------------------- */

int pz_zone_set_dirty(pz_t *pz, int nid, enum pz_zone_type type, const struct pz_zone_dirty *d)
{
	struct pz_zone *z;

	if (!pz_instance_ok(pz) || !d)
		return -PZ_EINVAL;
	if (nid < 0 || (unsigned)nid >= pz->nr_nodes || (unsigned)type >= PZ_NR_ZONE_TYPES)
		return -PZ_ENODEV;
	z = pz_zone_of(pz, nid, type);
	if (!z->populated)
		return -PZ_ENODEV;
	atomic_store_explicit(&z->dirty[PZ_DIRTY_NR_DIRTY], d->nr_dirty, memory_order_relaxed);
	atomic_store_explicit(&z->dirty[PZ_DIRTY_UNSTABLE_NFS], d->nr_unstable_nfs,
			      memory_order_relaxed);
	atomic_store_explicit(&z->dirty[PZ_DIRTY_WRITEBACK], d->nr_writeback, memory_order_relaxed);
	atomic_store_explicit(&z->dirty[PZ_DIRTY_INACTIVE_FILE], d->nr_inactive_file,
			      memory_order_relaxed);
	atomic_store_explicit(&z->dirty[PZ_DIRTY_ACTIVE_FILE], d->nr_active_file,
			      memory_order_relaxed);
	return 0;
}

/* ---- drains ----------------------------------------------------------------- */

static void drain_cpu(struct pz *pz, unsigned cpu)
{
	struct pz_tbuf tb, *t = (struct pz_tbuf *)0;

	if (pz->plat.trace) {
		t = &tb;
		tb.n = 0;
		tb.cpu = cpu;
	}
	for (unsigned i = 0; i < pz->nr_nodes * PZ_NR_ZONE_TYPES; i++)
		if (pz->zones[i].pcp)
			pz_drain_zone_cpu(pz, &pz->zones[i], cpu, t);
}

void pz_drain_local_pages(pz_t *pz)
{
	if (pz_instance_ok(pz))
		drain_cpu(pz, pz_this_cpu(pz));
}

void pz_drain_all_pages(pz_t *pz)
{
	if (!pz_instance_ok(pz))
		return;
	for (unsigned c = 0; c < pz->nr_cpus; c++)
		drain_cpu(pz, c);
}

int pz_drain_cpu_pages(pz_t *pz, unsigned cpu)
{
	if (!pz_instance_ok(pz) || cpu >= pz->nr_cpus)
		return -PZ_EINVAL;
	drain_cpu(pz, cpu);
	return 0;
}
