/*
 * backing.c - real memory behind a machine's pfns for the host layer.
 *
 * One PROT_NONE, MAP_NORESERVE reservation covers every zone's span; the
 * present ranges are then made readable and writable, so a hole stays
 * address space only and touching it faults. The reservation is placed so
 * that the address of a pfn is aligned like the pfn itself up to the largest
 * buddy block (order max_order - 1, at most 1 GiB): naturally aligned
 * blocks are naturally aligned in memory, which lets transparent hugepages
 * back whole pageblocks.
 *
 * PZ_HOST_BACKING_HUGEPAGES first tries explicit hugepages (MAP_HUGETLB,
 * one fixed mapping per present range, only when every present range is
 * aligned to the default hugepage size and the pool can reserve them), then
 * falls back to madvise(MADV_HUGEPAGE). PZ_HOST_BACKING_NUMA_BIND binds the
 * present ranges of node n to the (n % k)-th of the k memory nodes this
 * process may use, with libnuma when the build found it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef PZ_HAVE_LIBNUMA
#include <numa.h>
#include <numaif.h>
#endif

#include "pagezone.h"
#include "hostfail.h"

#define BK_DEFAULT_PAGE_SHIFT 12
#define BK_DEFAULT_MAX_ORDER  11
#define BK_MAX_ALIGN_SHIFT    30 /* never over-reserve more than 1 GiB to align */
#define BK_MAX_PAGE_SHIFT     30

/* Geometry shared by the helpers. */
struct bk_map {
	const struct pz_machine *m;
	unsigned shift;	   /* page shift of the machine */
	size_t sys_page;   /* the host's page size */
	uint64_t base_pfn; /* lowest covered pfn */
	uint64_t end_pfn;  /* highest covered pfn + 1 */
	char *base;	   /* address of base_pfn */
};

static uintptr_t bk_round_down(uintptr_t x, size_t a)
{
	return x & ~(uintptr_t)(a - 1);
}

static uintptr_t bk_round_up(uintptr_t x, size_t a)
{
	return bk_round_down(x + a - 1, a);
}

/* The present ranges of a zone: its own list, or the whole span. */
static const struct pz_range *bk_present(const struct pz_zone_desc *z, struct pz_range *whole,
					 unsigned *n)
{
	if (z->present && z->nr_present) {
		*n = z->nr_present;
		return z->present;
	}
	whole->start = z->start_pfn;
	whole->end = z->end_pfn;
	*n = whole->end > whole->start;
	return whole;
}

/* The host pages of a pfn range, rounded outward to host pages. */
static void bk_span(const struct bk_map *bm, const struct pz_range *r, char **addr, size_t *len)
{
	uintptr_t s = (uintptr_t)bm->base + (uintptr_t)((r->start - bm->base_pfn) << bm->shift);
	uintptr_t e = (uintptr_t)bm->base + (uintptr_t)((r->end - bm->base_pfn) << bm->shift);

	s = bk_round_down(s, bm->sys_page);
	e = bk_round_up(e, bm->sys_page);
	*addr = (char *)s;
	*len = e - s;
}

/* Calls fn on every present range of every zone; stops at the first error. */
static int bk_for_each_present(const struct bk_map *bm,
			       int (*fn)(const struct bk_map *, unsigned nid, char *, size_t,
					 void *),
			       void *arg)
{
	unsigned nid, zi, i, n;

	for (nid = 0; nid < bm->m->nr_nodes; nid++) {
		const struct pz_node_desc *nd = &bm->m->nodes[nid];

		for (zi = 0; zi < nd->nr_zones; zi++) {
			struct pz_range whole;
			const struct pz_range *r = bk_present(&nd->zones[zi], &whole, &n);

			for (i = 0; i < n; i++) {
				char *addr;
				size_t len;
				int err;

				bk_span(bm, &r[i], &addr, &len);
				err = len ? fn(bm, nid, addr, len, arg) : 0;
				if (err)
					return err;
			}
		}
	}
	return 0;
}

/* ---- checks and geometry ------------------------------------------------ */

static int bk_check_range(const struct pz_zone_desc *z, const struct pz_range *r, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (r[i].start > r[i].end || r[i].start < z->start_pfn || r[i].end > z->end_pfn)
			return -PZ_EINVAL;
	return 0;
}

/* Finds the covered pfns; refuses spans and ranges that make no sense. */
static int bk_geometry(const struct pz_machine *m, struct bk_map *bm)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	unsigned nid, zi;

	if (!m->nodes || !m->nr_nodes || m->nr_nodes > PZ_MAX_NODES)
		return -PZ_EINVAL;
	for (nid = 0; nid < m->nr_nodes; nid++) {
		const struct pz_node_desc *nd = &m->nodes[nid];

		if (nd->nr_zones && !nd->zones)
			return -PZ_EINVAL;
		for (zi = 0; zi < nd->nr_zones; zi++) {
			const struct pz_zone_desc *z = &nd->zones[zi];

			if (z->start_pfn >= z->end_pfn || (z->nr_present && !z->present) ||
			    bk_check_range(z, z->present, z->present ? z->nr_present : 0))
				return -PZ_EINVAL;
			lo = z->start_pfn < lo ? z->start_pfn : lo;
			hi = z->end_pfn > hi ? z->end_pfn : hi;
		}
	}
	if (lo >= hi)
		return -PZ_EINVAL; /* no zone at all */
	bm->m = m;
	bm->base_pfn = lo;
	bm->end_pfn = hi;
	return 0;
}

/* Bytes of address space for nr pfns, or 0 if that does not fit. */
static size_t bk_bytes(uint64_t nr, unsigned shift)
{
	if (nr > (SIZE_MAX >> 2) >> shift)
		return 0;
	return (size_t)(nr << shift);
}

/* ---- the reservation ----------------------------------------------------- */

/* Reserves address space and picks base so that base_pfn's address is
 * aligned like base_pfn's byte offset, modulo align. */
static int bk_reserve(struct bk_map *bm, size_t length, size_t align)
{
	size_t total = length + 2 * align;
	uintptr_t raw, base, pfn_bytes, start, end;
	void *p;

	p = pz_host_sys_mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			     -1, 0);
	if (p == MAP_FAILED)
		return -PZ_ENOMEM;
	raw = (uintptr_t)p;
	pfn_bytes = (uintptr_t)(bm->base_pfn << bm->shift);
	base = raw + ((pfn_bytes - raw) & (align - 1));
	start = bk_round_down(base, bm->sys_page);
	end = bk_round_up(base + length, bm->sys_page);
	if (start > raw)
		pz_host_sys_munmap(p, start - raw);
	if (raw + total > end)
		pz_host_sys_munmap((void *)end, raw + total - end);
	bm->base = (char *)base;
	return 0;
}

static void bk_unmap(char *base, size_t length)
{
	size_t sys_page = (size_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = bk_round_down((uintptr_t)base, sys_page);
	uintptr_t end = bk_round_up((uintptr_t)base + length, sys_page);

	pz_host_sys_munmap((void *)start, end - start);
}

static int bk_protect_rw(const struct bk_map *bm, unsigned nid, char *addr, size_t len, void *arg)
{
	(void)bm;
	(void)nid;
	(void)arg;
	return pz_host_sys_mprotect(addr, len, PROT_READ | PROT_WRITE) ? -PZ_ENOMEM : 0;
}

/* ---- hugepages ------------------------------------------------------------ */

/* The default hugepage size from /proc/meminfo, 0 if unknown. */
static size_t bk_hugepage_size(void)
{
	char line[128];
	unsigned long kb = 0;
	FILE *f = pz_host_sys_fopen("/proc/meminfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Hugepagesize: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return (size_t)kb * 1024;
}

static int bk_huge_aligned(const struct bk_map *bm, unsigned nid, char *addr, size_t len, void *arg)
{
	size_t hps = *(size_t *)arg;

	(void)bm;
	(void)nid;
	return ((uintptr_t)addr % hps || len % hps) ? -1 : 0;
}

static int bk_huge_map(const struct bk_map *bm, unsigned nid, char *addr, size_t len, void *arg)
{
	void *p = pz_host_sys_mmap(addr, len, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_HUGETLB, -1, 0);

	(void)bm;
	(void)nid;
	(void)arg;
	return p == MAP_FAILED ? -1 : 0;
}

/* Puts a present range back to a plain PROT_NONE reservation. */
static int bk_huge_unmap(const struct bk_map *bm, unsigned nid, char *addr, size_t len, void *arg)
{
	void *p = pz_host_sys_mmap(addr, len, PROT_NONE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);

	(void)bm;
	(void)nid;
	(void)arg;
	return p == MAP_FAILED ? -PZ_ENOMEM : 0;
}

/*
 * Explicit hugepages for every present range, all or nothing. Without
 * MAP_NORESERVE the kernel reserves the pool pages at mmap time, so a short
 * pool fails here instead of with SIGBUS at first touch.
 */
static bool bk_try_hugetlb(const struct bk_map *bm)
{
	size_t hps = bk_hugepage_size();

	if (!hps || (hps & (hps - 1)) || bk_for_each_present(bm, bk_huge_aligned, &hps))
		return false;
	if (!bk_for_each_present(bm, bk_huge_map, NULL))
		return true;
	/* undo: a range mapped before the failure must not stay hugetlb */
	bk_for_each_present(bm, bk_huge_unmap, NULL);
	return false;
}

static int bk_advise_huge(const struct bk_map *bm, unsigned nid, char *addr, size_t len, void *arg)
{
	(void)bm;
	(void)nid;
	(void)arg;
	return pz_host_sys_madvise(addr, len, MADV_HUGEPAGE) ? -1 : 0;
}

/* ---- NUMA binding -------------------------------------------------------- */

#ifdef PZ_HAVE_LIBNUMA
struct bk_numa {
	int real[PZ_MAX_NODES]; /* real node of each machine node */
	struct bitmask *mask;
};

static int bk_bind(const struct bk_map *bm, unsigned nid, char *addr, size_t len, void *arg)
{
	struct bk_numa *bn = arg;

	(void)bm;
	numa_bitmask_clearall(bn->mask);
	numa_bitmask_setbit(bn->mask, (unsigned)bn->real[nid]);
	return pz_host_sys_mbind(addr, len, MPOL_BIND, bn->mask->maskp, bn->mask->size + 1, 0) ? -1
											       : 0;
}

/* Maps machine node n to the (n % k)-th of the k allowed memory nodes. */
static bool bk_numa_bind(const struct bk_map *bm)
{
	struct bitmask *allowed;
	int nodes[PZ_MAX_NODES], k = 0, i, max;
	struct bk_numa bn;
	unsigned nid;
	bool ok;

	if (numa_available() < 0)
		return false;
	max = numa_max_node();
	allowed = numa_get_mems_allowed();
	if (!allowed)
		return false;
	for (i = 0; i <= max && k < PZ_MAX_NODES; i++)
		if (numa_bitmask_isbitset(allowed, (unsigned)i))
			nodes[k++] = i;
	numa_bitmask_free(allowed);
	if (!k)
		return false;
	for (nid = 0; nid < bm->m->nr_nodes; nid++)
		bn.real[nid] = nodes[nid % (unsigned)k];
	bn.mask = numa_allocate_nodemask();
	if (!bn.mask)
		return false;
	ok = !bk_for_each_present(bm, bk_bind, &bn);
	numa_bitmask_free(bn.mask);
	return ok;
}
#else
static bool bk_numa_bind(const struct bk_map *bm)
{
	(void)bm;
	return false;
}
#endif

/* ---- public --------------------------------------------------------------- */

/* Alignment of the reservation: the largest buddy block, within limits. */
static size_t bk_align(const struct pz_machine *m, const struct bk_map *bm)
{
	unsigned order = m->max_order ? m->max_order - 1 : BK_DEFAULT_MAX_ORDER - 1;
	unsigned shift = bm->shift + order;

	if (shift > BK_MAX_ALIGN_SHIFT)
		shift = BK_MAX_ALIGN_SHIFT;
	if (((size_t)1 << shift) < bm->sys_page)
		return bm->sys_page;
	return (size_t)1 << shift;
}

/* Maps the present ranges with the requested flags; returns flags applied. */
static int bk_populate(const struct bk_map *bm, unsigned flags, unsigned *applied)
{
	bool huge = false;
	int err;

	*applied = 0;
	if (flags & PZ_HOST_BACKING_HUGEPAGES)
		huge = bk_try_hugetlb(bm);
	if (!huge) {
		err = bk_for_each_present(bm, bk_protect_rw, NULL);
		if (err)
			return err;
		if (flags & PZ_HOST_BACKING_HUGEPAGES)
			huge = !bk_for_each_present(bm, bk_advise_huge, NULL);
	}
	if (huge)
		*applied |= PZ_HOST_BACKING_HUGEPAGES;
	if ((flags & PZ_HOST_BACKING_NUMA_BIND) && bk_numa_bind(bm))
		*applied |= PZ_HOST_BACKING_NUMA_BIND;
	return 0;
}

int pz_host_backing_create(const struct pz_machine *m, unsigned flags, struct pz_host_backing *out)
{
	struct bk_map bm;
	size_t length;
	unsigned applied;
	int err;

	if (!out)
		return -PZ_EINVAL;
	memset(out, 0, sizeof(*out));
	if (!m || (flags & ~(PZ_HOST_BACKING_HUGEPAGES | PZ_HOST_BACKING_NUMA_BIND)))
		return -PZ_EINVAL;
	memset(&bm, 0, sizeof(bm));
	bm.shift = m->page_shift ? m->page_shift : BK_DEFAULT_PAGE_SHIFT;
	bm.sys_page = (size_t)sysconf(_SC_PAGESIZE);
	if (bm.shift > BK_MAX_PAGE_SHIFT || m->max_order > PZ_MAX_ORDER_LIMIT)
		return -PZ_EINVAL;
	err = bk_geometry(m, &bm);
	if (err)
		return err;
	length = bk_bytes(bm.end_pfn - bm.base_pfn, bm.shift);
	if (!length)
		return -PZ_ENOMEM; /* more than the address space */
	err = bk_reserve(&bm, length, bk_align(m, &bm));
	if (err)
		return err;
	err = bk_populate(&bm, flags, &applied);
	if (err) {
		bk_unmap(bm.base, length);
		return err;
	}
	out->base = bm.base;
	out->base_pfn = bm.base_pfn;
	out->nr_pages = bm.end_pfn - bm.base_pfn;
	out->length = length;
	out->flags_applied = applied;
	return 0;
}

void pz_host_backing_destroy(struct pz_host_backing *b)
{
	if (!b || !b->base)
		return;
	bk_unmap(b->base, b->length);
	memset(b, 0, sizeof(*b));
}
