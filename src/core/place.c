/*
 * place.c - placing the allocator's state by hand, for a replay that
 * follows a real kernel's choices (see docs/DESIGN.md, "Replay").
 *
 *   pz_alloc_at_pfn               take exactly [pfn, pfn + 2^order)
 *   pz_set_pageblock_migratetype  relabel a pageblock, moving its free pages
 *   pz_zone_set_watermarks        min/low/high as the caller recorded them
 *   pz_zone_set_watermark_boost   6.1's boost likewise (zoneinfo's "boost")
 *   pz_zone_boost_watermark       the boost a fragmenting fallback adds
 *   pz_zone_set_pcp               per-CPU high and batch likewise
 *   pz_alloc_probe                what the fast path would hand out (probe.c)
 *   pz_free_pages_to_buddy        a free that bypasses the per-CPU lists
 *   pz_free_pages_core            likewise, placed at the list tail
 *
 * Taking a given block: each page of the range must sit in a free block,
 * either on the buddy lists or on some CPU's per-CPU list. A per-CPU block
 * that is exactly the range is unlinked from its list (an allocation from
 * the pcp: NR_FREE_PAGES does not count it). Otherwise the per-CPU blocks
 * in the range go back to the buddy lists first (as a drain would), and
 * every buddy block overlapping the range is cut: its pieces outside the
 * range go back to its own list as the aligned blocks that cover them,
 * upper halves first, as expand leaves them. A check pass under all the
 * locks comes first, so a refusal changes nothing.
 *
 * The probe instead of "allocate and roll back": an allocation changes
 * more than the block it returns (a pcp refill moves up to a batch of
 * blocks, a fallback may relabel a whole pageblock and move its free
 * pages, expand reorders the lists, counters and tracepoints move), and
 * undoing all of it exactly would need a journal on every hot path. The
 * decision itself only reads: which zone passes its LOW watermark, whether
 * this CPU's list has a block, which list __rmqueue would take from. The
 * probe walks exactly that with the allocator's own helpers
 * (pz_watermark_ok, pz_find_suitable_fallback) under the same locks and
 * writes nothing; tests/test_place.c checks it against real allocations.
 *
 * Lock order as everywhere: every CPU's pcp lock of the zone (CPU order),
 * then the zone lock. No callback is called.
 */
#include "internal.h"

static struct pz_zone *place_zone(struct pz *pz, int nid, int type)
{
	struct pz_zone *z;

	if (nid < 0 || (unsigned)nid >= pz->nr_nodes || type < 0 || type >= PZ_NR_ZONE_TYPES)
		return (struct pz_zone *)0;
	z = pz_zone_of(pz, nid, type);
	return z->populated && z->pcp ? z : (struct pz_zone *)0;
}

static void lock_zone_all(struct pz *pz, struct pz_zone *z)
{
	for (unsigned c = 0; c < pz->nr_cpus; c++)
		pz_lock(pz, &z->pcp[c].lock);
	pz_lock(pz, &z->lock);
}

static void unlock_zone_all(struct pz *pz, struct pz_zone *z)
{
	pz_unlock(&z->lock);
	for (unsigned c = pz->nr_cpus; c-- > 0;)
		pz_unlock(&z->pcp[c].lock);
}

/* The free block (buddy or per-CPU) holding pfn, or NULL: its head, its
 * order in *order. */
static struct pz_page *free_block_of(const struct pz *pz, const struct pz_zone *z, uint64_t pfn,
				     unsigned *order)
{
	for (unsigned o = 0; o < pz->max_order; o++) {
		uint64_t h = pfn & ~(((uint64_t)1 << o) - 1);
		struct pz_page *p;

		if (h < z->start_pfn || !pz_pfn_covered(pz, h))
			break;
		p = pz_pfn_page(pz, h);
		if (p->zone != z->id)
			break;
		if ((pg_flags(p) & (PG_BUDDY | PG_PCP)) && p->order == o) {
			*order = o;
			return p;
		}
	}
	return (struct pz_page *)0;
}

static bool range_free_locked(const struct pz *pz, const struct pz_zone *z, uint64_t s, uint64_t e)
{
	for (uint64_t pfn = s; pfn < e;) {
		unsigned o;
		struct pz_page *b = free_block_of(pz, z, pfn, &o);

		if (!b)
			return false;
		pfn = pz_page_pfn(pz, b) + ((uint64_t)1 << o);
	}
	return true;
}

/* The per-CPU list holding b: walked towards both ends at once (a drain
 * takes blocks from the tail, an allocation from the head), then matched
 * with the list heads of every CPU. */
static struct pz_list *pcp_list_of(struct pz *pz, struct pz_zone *z, struct pz_page *b,
				   struct pz_pcp **pcp)
{
	uint32_t up = pz_page_idx(pz, b), down = up;

	while (pz->pages[up].prev != PZ_NIL && pz->pages[down].next != PZ_NIL) {
		up = pz->pages[up].prev;
		down = pz->pages[down].next;
	}
	for (unsigned c = 0; c < pz->nr_cpus; c++)
		for (unsigned k = 0; k < PZ_PCP_NR_LISTS; k++) {
			struct pz_list *l = &z->pcp[c].lists[k];

			if ((pz->pages[up].prev == PZ_NIL && l->first == up) ||
			    (pz->pages[down].next == PZ_NIL && l->last == down)) {
				*pcp = &z->pcp[c];
				return l;
			}
		}
	return (struct pz_list *)0;
}

/* Unlinks the per-CPU block b (order o) from whichever list holds it. */
static bool pcp_unlink_locked(struct pz *pz, struct pz_zone *z, struct pz_page *b, unsigned o)
{
	struct pz_pcp *pcp;
	struct pz_list *l = pcp_list_of(pz, z, b, &pcp);

	if (!l)
		return false;
	pz_list_del(pz, l, b);
	pg_set_where(b, 0);
	pcp->count -= 1 << o;
	return true;
}

/* Gives back the parts of the free block [pfn, pfn + 2^o) outside [s, e). */
static void put_outside_locked(struct pz *pz, struct pz_zone *z, uint64_t pfn, unsigned o,
			       uint64_t s, uint64_t e, unsigned mt)
{
	uint64_t end = pfn + ((uint64_t)1 << o);

	if (end <= s || pfn >= e) {
		pz_area_add(pz, z, pz_pfn_page(pz, pfn), o, mt, false);
		return;
	}
	if (pfn >= s && end <= e)
		return;
	put_outside_locked(pz, z, pfn + ((uint64_t)1 << (o - 1)), o - 1, s, e, mt);
	put_outside_locked(pz, z, pfn, o - 1, s, e, mt);
}

/* Takes [s, e), all free, off the lists (see the essay). */
static void carve_locked(struct pz *pz, struct pz_zone *z, uint64_t s, uint64_t e)
{
	for (uint64_t pfn = s; pfn < e;) {
		unsigned o, mt;
		struct pz_page *b = free_block_of(pz, z, pfn, &o);
		uint64_t bs = pz_page_pfn(pz, b), be = bs + ((uint64_t)1 << o);
		uint64_t lo = bs > s ? bs : s, hi = be < e ? be : e;

		if (pg_flags(b) & PG_PCP) {
			/* back to the buddy lists as a drain would put it */
			pcp_unlink_locked(pz, z, b, o);
			pz_free_one_page_locked(pz, z, b, o, pz_pageblock_mt(pz, bs));
			continue;
		}
		mt = b->mt;
		pz_area_del(pz, z, b, o);
		pz_account_free_locked(pz, z, -(long)(hi - lo), mt);
		put_outside_locked(pz, z, bs, o, s, e, mt);
		pfn = hi;
	}
}

int pz_alloc_at_pfn(pz_t *pz, uint64_t pfn, unsigned order, pz_gfp_t gfp, pz_page_t **out)
{
	struct pz_zone *z;
	struct pz_page *p;
	uint64_t n = (uint64_t)1 << (order & 63);
	unsigned o;

	if (!pz_instance_ok(pz) || !out || order >= pz->max_order || (pfn & (n - 1)))
		return -PZ_EINVAL;
	*out = (pz_page_t *)0;
	if (!pz_pfn_covered(pz, pfn) || !pz_pfn_covered(pz, pfn + n - 1) ||
	    pz_pfn_page(pz, pfn)->zone == PZ_NO_ZONE ||
	    pz_pfn_page(pz, pfn + n - 1)->zone != pz_pfn_page(pz, pfn)->zone)
		return -PZ_ERANGE;
	z = pz_page_zone(pz, pz_pfn_page(pz, pfn));
	if (!z->pcp)
		return -PZ_ERANGE;
	lock_zone_all(pz, z);
	if (!range_free_locked(pz, z, pfn, pfn + n)) {
		unlock_zone_all(pz, z);
		return -PZ_EBUSY;
	}
	p = free_block_of(pz, z, pfn, &o);
	if ((pg_flags(p) & PG_PCP) && o == order && pz_page_pfn(pz, p) == pfn)
		pcp_unlink_locked(pz, z, p, o); /* a per-CPU hit: not in NR_FREE_PAGES */
	else
		carve_locked(pz, z, pfn, pfn + n);
	p = pz_pfn_page(pz, pfn);
	p->mt = (uint8_t)pz_pageblock_mt(pz, pfn);
	unlock_zone_all(pz, z);
	pz_count_allocs(pz, z, z, pz_this_cpu(pz), order, 1, gfp, false);
	if (!pz_prep_new_page(pz, p, order, gfp & PZ__GFP_BITS_MASK, 0))
		return -PZ_EFAULT;
	*out = (pz_page_t *)p;
	return 0;
}

int pz_set_pageblock_migratetype(pz_t *pz, uint64_t pfn, enum pz_migratetype mt)
{
	struct pz_zone *z;
	struct pz_page *p;
	unsigned old;

	if (!pz_instance_ok(pz) || (unsigned)mt >= PZ_MT_PCPTYPES)
		return -PZ_EINVAL;
	if (!pz_pfn_covered(pz, pfn) || pz_pfn_page(pz, pfn)->zone == PZ_NO_ZONE)
		return -PZ_ERANGE;
	p = pz_pfn_page(pz, pfn);
	z = pz_page_zone(pz, p);
	pz_lock(pz, &z->lock);
	old = pz_pageblock_mt(pz, pfn);
	if (old >= PZ_MT_PCPTYPES && !(old == PZ_MT_RESERVE && pz_kver(pz) < PZ_KV(4, 4))) {
		pz_unlock(&z->lock);
		return -PZ_EBUSY; /* HIGHATOMIC, CMA, ISOLATE: owned by their own rules */
	}
	if (old == PZ_MT_RESERVE)
		z->nr_migrate_reserve_block--;
	pz_set_pageblock_mt(pz, pfn, mt);
	pz_move_freepages_block_locked(pz, z, p, pz_pageblock_mt(pz, pfn));
	pz_unlock(&z->lock);
	return 0;
}

int pz_zone_set_watermarks(pz_t *pz, int nid, enum pz_zone_type type, uint64_t min, uint64_t low,
			   uint64_t high)
{
	struct pz_zone *z;

	if (!pz_instance_ok(pz) || min > low || low > high || high > (uint64_t)1 << 62)
		return -PZ_EINVAL;
	z = place_zone(pz, nid, (int)type);
	if (!z)
		return -PZ_ENODEV;
	pz_lock(pz, &z->lock);
	zstore(&z->wmark[PZ_WMARK_MIN], (long)min);
	zstore(&z->wmark[PZ_WMARK_LOW], (long)low);
	zstore(&z->wmark[PZ_WMARK_HIGH], (long)high);
	zstore(&z->watermark_boost, 0); /* as setup_per_zone_wmarks leaves it */
	if (pz_kver(pz) < PZ_KV(4, 4))
		pz_setup_migrate_reserve_locked(pz, z);
	pz_unlock(&z->lock);
	return 0;
}

int pz_zone_set_watermark_boost(pz_t *pz, int nid, enum pz_zone_type type, uint64_t pages)
{
	struct pz_zone *z;

	if (!pz_instance_ok(pz) || pages > (uint64_t)1 << 62 ||
	    (pages && !pz_feature(pz, PZ_FEAT_WMARK_BOOST)))
		return -PZ_EINVAL;
	z = place_zone(pz, nid, (int)type);
	if (!z)
		return -PZ_ENODEV;
	pz_lock(pz, &z->lock);
	zstore(&z->watermark_boost, (long)pages);
	pz_unlock(&z->lock);
	return 0;
}

int pz_zone_boost_watermark(pz_t *pz, int nid, enum pz_zone_type type)
{
	struct pz_zone *z;
	bool boosted;

	if (!pz_instance_ok(pz))
		return -PZ_EINVAL;
	z = place_zone(pz, nid, (int)type);
	if (!z)
		return -PZ_ENODEV;
	if (!pz_feature(pz, PZ_FEAT_WMARK_BOOST))
		return 0;
	pz_lock(pz, &z->lock);
	boosted = pz_boost_watermark_locked(pz, z);
	pz_unlock(&z->lock);
	return boosted;
}

int pz_zone_set_pcp(pz_t *pz, int nid, enum pz_zone_type type, unsigned high, unsigned batch)
{
	struct pz_zone *z;

	if (!pz_instance_ok(pz) || batch == 0 || batch > PZ_PCP_MAX_BATCH || high > (1u << 30))
		return -PZ_EINVAL;
	z = place_zone(pz, nid, (int)type);
	if (!z)
		return -PZ_ENODEV;
	for (unsigned c = 0; c < pz->nr_cpus; c++) {
		pz_lock(pz, &z->pcp[c].lock);
		atomic_store_explicit(&z->pcp[c].high, (int)high, memory_order_release);
		atomic_store_explicit(&z->pcp[c].batch, (int)batch, memory_order_release);
		pz_unlock(&z->pcp[c].lock);
	}
	return 0;
}

static int free_to_buddy(pz_t *pz, pz_page_t *page, unsigned order, bool to_tail)
{
	struct pz_page *p;

	if (!pz_instance_ok(pz))
		return -PZ_EINVAL;
	p = pz_checked_page(pz, page);
	if (!p) {
		pz_count(&pz->err.bad_pfn);
		return -PZ_ERANGE;
	}
	return pz_free_direct_internal(pz, p, order, to_tail);
}

int pz_free_pages_to_buddy(pz_t *pz, pz_page_t *page, unsigned order)
{
	return free_to_buddy(pz, page, order, false);
}

int pz_free_pages_core(pz_t *pz, pz_page_t *page, unsigned order)
{
	return free_to_buddy(pz, page, order, true);
}
