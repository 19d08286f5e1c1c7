/*
 * model.c - the reference model of model.h: each list a plain array of
 * pfns with explicit head and tail insertion, a byte per pfn for "heads a
 * free block of order k", a byte per pageblock. It predicts the boot state
 * too (ascending frees in maximal blocks, then 4.1's
 * setup_zone_migrate_reserve) when the zone edges are max-order aligned;
 * otherwise model_load reads the boot free lists and labels from the
 * library once. Every later change it predicts itself.
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#define MAXO	   MODEL_MAXO
#define PBO	   MODEL_PBO
#define PBN	   MODEL_PBN
#define NPFN	   MODEL_NPFN
#define MAXZ	   MODEL_MAXZ
#define NMT	   MODEL_NMT
#define NPCP	   MODEL_NPCP
#define NLEV	   MODEL_NLEV
#define MAXEV	   MODEL_MAXEV
#define ALLOC_FAIR MODEL_ALLOC_FAIR
#define BUFN	   MODEL_BUFN

struct model model;
unsigned model_kswapd_inline;
struct model_where model_where;
uint64_t *model_buf;
static struct pz_trace_event *evbuf;
static struct tu_machine tm;
static struct pz_platform plat;

/* One Normal zone of 16384 pages with a hole and a reserved range. */
const struct model_machine model_one_zone = {
	"one zone",
	1,
	{{PZ_ZONE_NORMAL, 16384, 32768, 20000, 20010, 30000, 30005, 0, 0}},
};
/* The same zone with a CMA area of two max-order blocks. */
const struct model_machine model_cma_zone = {
	"CMA zone",
	1,
	{{PZ_ZONE_NORMAL, 16384, 32768, 20000, 20010, 30000, 30005, 26624, 28672}},
};
/* DMA32 + Normal whose boundary is not pageblock aligned (10496 = 20.5
 * blocks), so merging and the tail rule meet a zone edge inside a block. */
const struct model_machine model_two_zones = {
	"two zones",
	2,
	{{PZ_ZONE_DMA32, 4096, 10496, 0, 0, 0, 0, 0, 0},
	 {PZ_ZONE_NORMAL, 10496, 20736, 12000, 12003, 0, 0, 0, 0}},
};

static long fls_u64(uint64_t x)
{
	long n = 0;

	for (; x; x >>= 1)
		n++;
	return n;
}

/* __mod_zone_page_state of NR_ALLOC_BATCH on the one CPU: the delta
 * accumulates until it passes the threshold, then goes to the zone. */
static void m_batch_mod(struct model_zone *z, long delta)
{
	long x = z->batch_diff + delta;

	if (x > z->batch_thresh || x < -z->batch_thresh) {
		z->alloc_batch += x;
		x = 0;
	}
	z->batch_diff = x;
}

static void l_insert(struct model_list *l, size_t at, uint64_t pfn)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = realloc(l->v, l->cap * sizeof(uint64_t));
		assert_non_null(l->v);
	}
	memmove(l->v + at + 1, l->v + at, (l->n - at) * sizeof(uint64_t));
	l->v[at] = pfn;
	l->n++;
}

static void l_push_head(struct model_list *l, uint64_t pfn)
{
	l_insert(l, 0, pfn);
}

static void l_push_tail(struct model_list *l, uint64_t pfn)
{
	l_insert(l, l->n, pfn);
}

static size_t l_find(const struct model_list *l, uint64_t pfn)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == pfn)
			return i;
	fail_msg("model: pfn %" PRIu64 " not on the list it should be on", pfn);
	return 0;
}

static void l_remove_at(struct model_list *l, size_t i)
{
	memmove(l->v + i, l->v + i + 1, (l->n - i - 1) * sizeof(uint64_t));
	l->n--;
}

static void l_remove(struct model_list *l, uint64_t pfn)
{
	l_remove_at(l, l_find(l, pfn));
}

static void m_event(enum pz_trace_kind kind, uint64_t pfn, unsigned order, unsigned mt)
{
	assert_true(model.nev < MAXEV);
	memset(&model.ev[model.nev], 0, sizeof(model.ev[0]));
	model.ev[model.nev].kind = kind;
	model.ev[model.nev].pfn = pfn;
	model.ev[model.nev].order = order;
	model.ev[model.nev].mt = mt;
	model.nev++;
}

static unsigned nr_free(const struct model_zone *z, unsigned o)
{
	unsigned n = 0;

	for (unsigned mt = 0; mt < NMT; mt++)
		n += (unsigned)z->fl[o][mt].n;
	return n;
}

/* A free block on a buddy list: head byte, list, nothing else. */
static void m_add_free(struct model_zone *z, uint64_t pfn, unsigned order, unsigned mt, int tail)
{
	model.head[pfn] = (uint8_t)(order + 1);
	model.head_mt[pfn] = (uint8_t)mt;
	if (tail)
		l_push_tail(&z->fl[order][mt], pfn);
	else
		l_push_head(&z->fl[order][mt], pfn);
}

static void m_del_free(struct model_zone *z, uint64_t pfn)
{
	unsigned order = model.head[pfn] - 1u;

	l_remove(&z->fl[order][model.head_mt[pfn]], pfn);
	model.head[pfn] = 0;
}

/* expand(): keep the low part, put each upper half on the head of mt's list. */
static void m_expand(struct model_zone *z, uint64_t pfn, unsigned low, unsigned high, unsigned mt)
{
	while (high > low) {
		high--;
		m_add_free(z, pfn + (1ull << high), high, mt, 0);
	}
}

static int m_rmqueue_smallest(struct model_zone *z, unsigned order, unsigned mt, uint64_t *out)
{
	for (unsigned o = order; o < MAXO; o++) {
		struct model_list *l = &z->fl[o][mt];
		uint64_t pfn;

		if (!l->n)
			continue;
		pfn = l->v[0];
		m_del_free(z, pfn);
		m_expand(z, pfn, order, o, mt);
		*out = pfn;
		return 1;
	}
	return 0;
}

/* move_freepages_block: every free block of the pageblock to mt's list heads. */
static unsigned long m_move_freepages_block(struct model_zone *z, uint64_t pfn, unsigned mt)
{
	uint64_t start = pfn & ~(uint64_t)(PBN - 1), end = start + PBN - 1;
	unsigned long moved = 0;

	if (start < z->start)
		start = pfn;
	if (end >= z->end)
		return 0;
	for (uint64_t p = start; p <= end;) {
		unsigned order;

		if (!model.head[p]) {
			p++;
			continue;
		}
		order = model.head[p] - 1u;
		m_del_free(z, p);
		m_add_free(z, p, order, mt, 0);
		p += 1ull << order;
		moved += 1ul << order;
	}
	return moved;
}

static const unsigned fallbacks[NPCP][2] = {
	[PZ_MT_UNMOVABLE] = {PZ_MT_RECLAIMABLE, PZ_MT_MOVABLE},
	[PZ_MT_MOVABLE] = {PZ_MT_RECLAIMABLE, PZ_MT_UNMOVABLE},
	[PZ_MT_RECLAIMABLE] = {PZ_MT_UNMOVABLE, PZ_MT_MOVABLE},
};

/* boost_watermark with watermark_boost_factor (default 15000): a
 * pageblock more, up to factor / 10000 of the high watermark (at least a
 * pageblock), in zones of four pageblocks or more; none with factor 0.
 * The zone is noted in boosted_zones (its ZONE_BOOSTED_WATERMARK when the
 * request may wake kswapd). */
static void m_boost(struct model_zone *z)
{
	long f = (long)model.boost_factor;
	long max = z->wmark[2] / 10000 * f + z->wmark[2] % 10000 * f / 10000;

	if (!model.boost || !f || 4 * (uint64_t)PBN > z->managed || !max)
		return;
	max = max > (long)PBN ? max : (long)PBN;
	z->boost = z->boost + (long)PBN < max ? z->boost + (long)PBN : max;
	model.boosts++;
	model.boosted_zones |= 1u << (z - model.z);
}

/* The fallback type of order o for mt, or -1; *steal says whether the
 * order of the block found lets it claim its pageblock. */
static int m_fallback_type(const struct model_zone *z, int o, unsigned mt, int *steal)
{
	if (!nr_free(z, (unsigned)o))
		return -1;
	*steal = o >= PBO / 2 || mt == PZ_MT_RECLAIMABLE || mt == PZ_MT_UNMOVABLE;
	for (unsigned i = 0; i < 2; i++)
		if (z->fl[o][fallbacks[mt][i]].n)
			return (int)fallbacks[mt][i];
	return -1;
}

/* 6.1's steal_suitable_fallback: the block alone to mt's list (head: the
 * library keeps 4.x's list_move, see m_move_freepages_block) (HIGHATOMIC block, whole pageblocks, relabelled, or no steal), else with
 * its pageblock, claimed when free + alike pages make half of it. No page
 * of a model run is on the LRU, so alike is 0 for a movable request and
 * every page not free for the others in a MOVABLE block. */
static void m_steal61(struct model_zone *z, uint64_t pfn, int o, unsigned mt, int steal)
{
	unsigned old = model.pb[pfn >> PBO];
	unsigned long free;
	long alike;

	if (old == PZ_MT_HIGHATOMIC)
		goto single;
	if (o >= PBO) {
		for (uint64_t b = 0; b < (1ull << (o - PBO)); b++)
			model.pb[(pfn >> PBO) + b] = (uint8_t)mt;
		goto single;
	}
	m_boost(z);
	if (!steal)
		goto single;
	free = m_move_freepages_block(z, pfn, mt);
	alike = mt != PZ_MT_MOVABLE && old == PZ_MT_MOVABLE ? (long)PBN - (long)free : 0;
	if (!free)
		goto single;
	if ((long)free + alike >= PBN / 2 || model.nomob) {
		model.pb[pfn >> PBO] = (uint8_t)mt;
		model.claims++;
	}
	return;
single:
	m_del_free(z, pfn);
	m_add_free(z, pfn, (unsigned)o, mt, 0);
}

static void m_extfrag(uint64_t pfn, unsigned order, int o, unsigned mt, int fmt)
{
	model.fallbacks++;
	m_event(PZ_TRACE_PAGE_ALLOC_EXTFRAG, pfn, order, mt);
	model.ev[model.nev - 1].fallback_order = (unsigned)o;
	model.ev[model.nev - 1].fallback_mt = (unsigned)fmt;
	model.ev[model.nev - 1].change = model.pb[pfn >> PBO] == mt;
}

/* __rmqueue_fallback; under ALLOC_NOFRAGMENT only blocks of a pageblock
 * or more qualify. 6.1 (4.13): a movable request that may not steal takes
 * the smallest fallback block instead of the largest, and the block goes
 * to mt's lists, from which __rmqueue_smallest then takes. */
static int m_rmqueue_fallback(struct model_zone *z, unsigned order, unsigned mt, unsigned flags,
			      uint64_t *out)
{
	int min = (flags & MODEL_ALLOC_NOFRAGMENT) && order < PBO ? PBO : (int)order;
	int v61 = model.prof == PZ_PROFILE_LINUX_6_1, o, fmt = -1, can_steal = 0;
	uint64_t pfn;

	for (o = MAXO - 1; o >= min; o--)
		if ((fmt = m_fallback_type(z, o, mt, &can_steal)) >= 0)
			break;
	if (fmt < 0)
		return 0;
	if (v61 && !can_steal && mt == PZ_MT_MOVABLE && o > (int)order)
		for (o = (int)order; (fmt = m_fallback_type(z, o, mt, &can_steal)) < 0; o++)
			;
	pfn = z->fl[o][fmt].v[0];
	if (v61) {
		m_steal61(z, pfn, o, mt, can_steal);
		m_extfrag(pfn, order, o, mt, fmt);
		return m_rmqueue_smallest(z, order, mt, out);
	}
	if (o < PBO)
		m_boost(z);
	if (can_steal && o >= PBO) {
		for (uint64_t b = 0; b < (1ull << (o - PBO)); b++)
			model.pb[(pfn >> PBO) + b] = (uint8_t)mt;
	} else if (can_steal) {
		/* claim the block when half of it was free, or always
		 * without grouping by mobility */
		if (m_move_freepages_block(z, pfn, mt) >= PBN / 2 || model.nomob) {
			model.pb[pfn >> PBO] = (uint8_t)mt;
			model.claims++;
		}
	}
	m_del_free(z, pfn);
	m_expand(z, pfn, order, (unsigned)o, mt);
	m_extfrag(pfn, order, o, mt, fmt);
	*out = pfn;
	return 1;
}

/* __rmqueue; *rec_mt is the type the page returns to from a pcp list. */
static int m_rmqueue(struct model_zone *z, unsigned order, unsigned mt, unsigned flags,
		     uint64_t *out, unsigned *rec_mt)
{
	int ok = 0;

	*rec_mt = mt;
	/* 5.8: CMA first while it is over half of the free pages (the free
	 * count is the one before a refill started; CMA's goes down as it
	 * goes) */
	if (model.cmabal && mt == PZ_MT_MOVABLE && (flags & PZ_ALLOC_CMA) &&
	    z->nr_free_cma > z->nr_free_pages / 2) {
		ok = m_rmqueue_smallest(z, order, PZ_MT_CMA, out);
		*rec_mt = ok ? PZ_MT_CMA : mt;
		model.cma_first += (unsigned long)ok;
	}
	if (!ok)
		ok = m_rmqueue_smallest(z, order, mt, out);
	if (!ok && mt < NPCP) {
		/* MOVABLE takes CMA pages before stealing (__rmqueue_cma_fallback);
		 * the event still names the requested type */
		if (mt == PZ_MT_MOVABLE && model.has_cma) {
			ok = m_rmqueue_smallest(z, order, PZ_MT_CMA, out);
			*rec_mt = ok ? PZ_MT_CMA : mt;
			model.cma_uses += (unsigned long)ok;
		}
		if (!ok)
			ok = m_rmqueue_fallback(z, order, mt, flags, out);
		if (!ok && model.prof == PZ_PROFILE_LINUX_4_1) {
			mt = PZ_MT_RESERVE;
			ok = m_rmqueue_smallest(z, order, mt, out);
			*rec_mt = mt;
			model.reserve_uses += (unsigned long)ok;
		}
	}
	/* emitted by every call, a failed one with no page (pfn -1) and, in
	 * 4.1, the RESERVE type it tried last */
	m_event(PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED, ok ? *out : (uint64_t)-1, order, mt);
	return ok;
}

int model_zone_index(uint64_t pfn)
{
	return pfn < NPFN ? model.zone_of[pfn] : -1;
}

/* __free_one_page: merge while the buddy heads a free block of the same
 * order in the same zone; then the tail rule of spec 6.4: the page goes to
 * the tail when the buddy of the combined block is free at order + 1 (the
 * kernel's page_is_buddy(higher_page, higher_buddy), whose zone test is
 * made with higher_page, the combined block's first page). */
static void m_free_one_at(struct model_zone *z, uint64_t pfn, unsigned order, unsigned mt,
			  bool to_tail)
{
	int zi = model_zone_index(pfn), tail = to_tail;

	model.ha_frees += model.ha && mt == PZ_MT_HIGHATOMIC;
	z->nr_free_pages += 1l << order;
	if (mt == PZ_MT_CMA)
		z->nr_free_cma += 1l << order;
	while (order < MAXO - 1) {
		uint64_t buddy = pfn ^ (1ull << order);

		/* 6.1 capture_control (the pressure model's): taken, not listed */
		if (model.capture && model.capture(zi, pfn, order, mt)) {
			z->nr_free_pages -= 1l << order;
			return;
		}
		if (model_zone_index(buddy) != zi || model.head[buddy] != order + 1)
			break;
		/* 6.1 (5.18): HIGHATOMIC and CMA blocks merge at a pageblock
		 * or more only with blocks of their own label */
		if (model.prof == PZ_PROFILE_LINUX_6_1 && order >= PBO &&
		    model.pb[buddy >> PBO] != mt && (mt >= NPCP || model.pb[buddy >> PBO] >= NPCP))
			break;
		m_del_free(z, buddy);
		pfn &= buddy;
		order++;
	}
	if (order < MAXO - 2) {
		uint64_t combined = pfn & ~(1ull << order);
		uint64_t higher_buddy = combined ^ (2ull << order);

		tail |= model_zone_index(combined) >= 0 &&
			model_zone_index(higher_buddy) == model_zone_index(combined) &&
			model.head[higher_buddy] == order + 2;
	}
	model.tail_adds += (unsigned long)tail;
	m_add_free(z, pfn, order, mt, tail);
}

static void m_free_one(struct model_zone *z, uint64_t pfn, unsigned order, unsigned mt)
{
	m_free_one_at(z, pfn, order, mt, false);
}

/* The pcp level of an order, or -1 when blocks of that order bypass the
 * per-CPU lists (4.x: every order but 0; 5.14: orders above 3 other than
 * the pageblock order). */
int model_pcp_level(unsigned order)
{
	if (order == 0)
		return 0;
	if (!model.hi)
		return -1;
	if (order <= 3)
		return (int)order;
	return order == PBO ? NLEV - 1 : -1;
}

static unsigned m_level_order(unsigned level)
{
	return level < NLEV - 1 ? level : PBO;
}

/* The list that holds (level, mt)'s blocks: 6.1.192's order_to_pindex
 * puts pageblock-order UNMOVABLE and RECLAIMABLE blocks on one list (the
 * first of its NR_PCP_THP two, the other MOVABLE); written here from the
 * kernel source, not from pagezone's table. */
static unsigned m_pcp_mt(int level, unsigned mt)
{
	return model.thp2 && level == NLEV - 1 && mt == PZ_MT_RECLAIMABLE ? PZ_MT_UNMOVABLE : mt;
}

static struct model_list *m_pcp(struct model_zone *z, int level, unsigned mt)
{
	return &z->pcp[level][m_pcp_mt(level, mt)];
}

/* The round-robin index of a pcp list in 6.1 (the kernel's pindex):
 * level * 3 + the type's place in 4.4's enum, which is pagezone's. */
static unsigned m_list_index(int level, unsigned mt)
{
	return (unsigned)level * NPCP + m_pcp_mt(level, mt);
}

/*
 * free_pcppages_bulk(count pages): round robin over the lists in the
 * kernel's order - index level * 3 + the type's place in the profile's
 * enum, 3 lists in 4.x and 15 with high-order lists - starting after index
 * 0, coldest (tail) block first. batch_free grows by one per list visited
 * and is kept across lists; when it reaches the number of lists only one
 * list is non-empty and it is emptied. A block counts 2^order pages, so
 * the last one may overshoot count. Returns the pages freed.
 */
static int m_free_pcppages_bulk(struct model_zone *z, int count, bool at_high, unsigned start)
{
	static const unsigned enum41[NPCP] = {PZ_MT_UNMOVABLE, PZ_MT_RECLAIMABLE, PZ_MT_MOVABLE};
	static const unsigned enum44[NPCP] = {PZ_MT_UNMOVABLE, PZ_MT_MOVABLE, PZ_MT_RECLAIMABLE};
	const unsigned *order = model.prof == PZ_PROFILE_LINUX_4_1 ? enum41 : enum44;
	const unsigned nlists = model.hi ? NLEV * NPCP : NPCP;
	/* 6.1 (5.18): from the list `start` (0 for a drain), each list
	 * emptied before the next */
	const bool whole = model.prof == PZ_PROFILE_LINUX_6_1;
	unsigned idx = whole ? (start + nlists - 1) % nlists : 0;

	z->pages_scanned = 0;
	int batch_free = 0, to_free = count, freed = 0;
	bool high_order = false, pb_last = false;

	assert_true(count <= z->pcp_count);
	model.drains_bulk++;
	while (to_free > 0) {
		struct model_list *l;
		unsigned o;

		do {
			batch_free++;
			if (++idx == nlists)
				idx = 0;
			l = &z->pcp[idx / NPCP][order[idx % NPCP]];
		} while (!l->n);
		if ((unsigned)batch_free == nlists || whole)
			batch_free = to_free;
		o = m_level_order(idx / NPCP);
		do {
			uint64_t pfn = l->v[l->n - 1];

			l_remove_at(l, l->n - 1);
			m_free_one(z, pfn, o, model.pcp_mt[pfn]);
			m_event(PZ_TRACE_PAGE_PCPU_DRAIN, pfn, o, model.pcp_mt[pfn]);
			to_free -= 1 << o;
			freed += 1 << o;
			high_order |= o > 0;
			pb_last = o == PBO;
		} while (to_free > 0 && --batch_free && l->n);
	}
	if (at_high) {
		model.hi_flushes += high_order;
		model.pb_overshoots += pb_last && to_free < 0;
	} else {
		model.hi_drains += high_order;
	}
	return freed;
}

/* rmqueue_bulk of `count` blocks into an empty list: hot keeps the order
 * they were pulled in from the head, cold puts each before the previous
 * one (so the tail hands them out in pull order). */
static int m_refill(struct model_zone *z, unsigned order, unsigned mt, unsigned flags, int cold,
		    int count)
{
	struct model_list *l = m_pcp(z, model_pcp_level(order), mt);
	size_t prev = 0;
	int i;

	for (i = 0; i < count; i++) {
		uint64_t pfn;
		unsigned rec;

		if (!m_rmqueue(z, order, mt, flags, &pfn, &rec))
			break;
		model.pcp_mt[pfn] = (uint8_t)rec;
		model.pcp_freed[pfn] = 0;
		if (rec == PZ_MT_CMA)
			z->nr_free_cma -= 1l << order;
		if (!cold) {
			size_t at = i ? prev + 1 : 0;

			l_insert(l, at, pfn);
			prev = at;
		} else {
			size_t at = i ? prev : l->n;

			l_insert(l, at, pfn);
			prev = at;
		}
	}
	z->nr_free_pages -= (long)i << order;
	model.hi_refills += order > 0 && i > 0;
	return i;
}

static int m_buffered_rmqueue(struct model_zone *z, unsigned order, unsigned mt, unsigned flags,
			      int cold, uint64_t *out)
{
	unsigned rec;
	int lvl = model_pcp_level(order), from_pcp = lvl >= 0;

	if (lvl >= 0) {
		struct model_list *l = m_pcp(z, lvl, mt);

		z->free_factor >>= 1; /* rmqueue_pcplist: an allocation shrinks the flushes */

		if (!l->n) {
			/* 5.14: batch blocks for order 0; above, batch >> order
			 * but at least 2 - unless batch is 1 (a pcp that must
			 * not hold pages), which stays 1 */
			int count = z->pcp_batch;

			if (order && count > 1)
				count = count >> order > 2 ? count >> order : 2;
			z->pcp_count += m_refill(z, order, mt, flags, cold, count) << order;
			/* an empty refill falls back to the buddy lists for an
			 * atomic high-order request (the reserve first), as
			 * kernels after 5.14 do */
			if (!l->n && !(order && (flags & PZ_ALLOC_HARDER) && model.ha))
				return 0;
			from_pcp = l->n > 0;
		}
	}
	if (lvl >= 0 && from_pcp) {
		struct model_list *l = m_pcp(z, lvl, mt);

		*out = cold ? l->v[l->n - 1] : l->v[0];
		l_remove_at(l, cold ? l->n - 1 : 0);
		rec = model.pcp_mt[*out];
		z->pcp_count -= 1 << order;
		model.hi_reuses += order > 0 && model.pcp_freed[*out];
		model.ha_pcp_reuses += model.ha && model.pcp_mt[*out] == PZ_MT_HIGHATOMIC;
	} else {
		/* 4.4: ALLOC_HARDER tries the HIGHATOMIC lists first (traced
		 * zone_locked, with the request's type, only when it finds a
		 * block); an order with a per-CPU list gets here only when
		 * its refill found nothing and the request is atomic */
		int ok = 0;

		if (model.ha && (flags & PZ_ALLOC_HARDER)) {
			ok = m_rmqueue_smallest(z, order, PZ_MT_HIGHATOMIC, out);
			if (ok) {
				rec = PZ_MT_HIGHATOMIC;
				model.ha_uses++;
				m_event(PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED, *out, order, mt);
			}
		}
		if (!ok && !m_rmqueue(z, order, mt, flags, out, &rec))
			return 0;
		z->nr_free_pages -= 1l << order;
		if (rec == PZ_MT_CMA)
			z->nr_free_cma -= 1l << order;
	}
	if (model.prof != PZ_PROFILE_MODERN) { /* the fair policy (until 4.8) */
		m_batch_mod(z, -(1l << order));
		if (z->alloc_batch <= 0)
			z->depleted = 1;
	}
	z->pgalloc += 1ull << order;
	model.alloc[*out] = (uint8_t)(order + 1);
	model.alloc_mt[*out] = (uint8_t)rec;
	return 1;
}

bool model_watermark_ok(const struct model_zone *z, unsigned order, long mark, unsigned classzone,
			unsigned flags)
{
	long min = mark, free = z->nr_free_pages - ((1l << order) - 1);
	long free_cma = flags & PZ_ALLOC_CMA ? 0 : z->nr_free_cma;

	if (flags & PZ_ALLOC_HIGH)
		min -= min / 2;
	if (flags & PZ_ALLOC_HARDER)
		min -= min / 4;
	else if (model.ha)
		free -= z->nr_reserved_ha; /* 4.4 step 3: only HARDER may use them */
	if (free - free_cma <= min + z->lowmem_reserve[classzone])
		return false;
	if (model.prof == PZ_PROFILE_LINUX_4_1) {
		/* (CMA pages are not discounted again below) */
		/* 4.1: each lower order's pages leave, the requirement halves */
		for (unsigned o = 0; o < order; o++) {
			free -= (long)nr_free(z, o) << o;
			min >>= 1;
			if (free <= min)
				return false;
		}
		return true;
	}
	/* 4.4: one free block of at least this order on a usable list */
	if (!order)
		return true;
	for (unsigned o = order; o < MAXO; o++) {
		if (!nr_free(z, o))
			continue;
		for (unsigned mt = 0; mt < NPCP; mt++)
			if (z->fl[o][mt].n)
				return true;
		if ((flags & PZ_ALLOC_CMA) && z->fl[o][PZ_MT_CMA].n)
			return true;
		if ((flags & PZ_ALLOC_HARDER) && z->fl[o][PZ_MT_HIGHATOMIC].n)
			return true;
	}
	return false;
}

unsigned model_gfp_mt(pz_gfp_t g)
{
	if (model.nomob)
		return PZ_MT_UNMOVABLE;
	if (g & PZ__GFP_MOVABLE)
		return PZ_MT_MOVABLE;
	return (g & PZ__GFP_RECLAIMABLE) ? PZ_MT_RECLAIMABLE : PZ_MT_UNMOVABLE;
}

static bool m_has_type(enum pz_zone_type t)
{
	for (unsigned i = 0; i < model.nz; i++)
		if (model.z[i].type == t)
			return true;
	return false;
}

/* gfp_zone for the masks this test uses. */
static unsigned m_gfp_zone(pz_gfp_t g)
{
	unsigned bits = g & PZ_GFP_ZONEMASK;

	if (bits == (PZ__GFP_MOVABLE | PZ__GFP_HIGHMEM))
		return PZ_ZONE_MOVABLE;
	if (bits & PZ_GFP_DMA32)
		return m_has_type(PZ_ZONE_DMA32) ? PZ_ZONE_DMA32 : PZ_ZONE_NORMAL;
	return PZ_ZONE_NORMAL;
}

bool model_atomic(pz_gfp_t g)
{
	if (model.prof == PZ_PROFILE_LINUX_4_1) /* !(__GFP_WAIT | __GFP_NO_KSWAPD) */
		return !(g & PZ__GFP_DIRECT_RECLAIM) && (g & PZ__GFP_KSWAPD_RECLAIM);
	return (g & PZ__GFP_ATOMIC) != 0;
}

/* reserve_highatomic_pageblock (spec 5.7) after a successful ALLOC_HARDER
 * allocation of order > 0 at pfn: below 1% of the zone plus one block,
 * label pfn's pageblock HIGHATOMIC unless it is HIGHATOMIC, ISOLATE or CMA
 * already, and move its free blocks to the HIGHATOMIC lists. */
static void m_reserve_highatomic(struct model_zone *z, uint64_t pfn)
{
	long max = (long)(z->managed / 100) + (long)PBN;
	unsigned mt = model.pb[pfn >> PBO];

	model.ha_full += z->nr_reserved_ha >= max;
	if (z->nr_reserved_ha >= max)
		return;
	model.ha_already += mt == PZ_MT_HIGHATOMIC;
	model.ha_cma += mt == PZ_MT_CMA;
	if (mt == PZ_MT_HIGHATOMIC || mt == PZ_MT_ISOLATE || mt == PZ_MT_CMA)
		return;
	z->nr_reserved_ha += (long)PBN;
	model.pb[pfn >> PBO] = PZ_MT_HIGHATOMIC;
	m_move_freepages_block(z, pfn, PZ_MT_HIGHATOMIC);
	model.ha_reserves++;
}

/* zone_watermark_fast: the boosted mark; an order-0 __GFP_ATOMIC request
 * at MIN checks the unboosted MIN mark when the boosted one fails (5.0). */
static bool m_zone_ok(const struct model_zone *z, unsigned order, unsigned classzone,
		      unsigned flags)
{
	if (model_watermark_ok(z, order, z->wmark[flags & 3] + z->boost, classzone, flags))
		return true;
	return !order && (model.gfp & PZ__GFP_ATOMIC) && z->boost && (flags & 3) == 0 &&
	       model_watermark_ok(z, 0, z->wmark[0], classzone, flags);
}

/* get_page_from_freelist over the one node's zonelist (high types first). */
static int m_get_page(unsigned order, unsigned mt, unsigned high, unsigned classzone,
		      unsigned flags, int cold, uint64_t *out, int *zone_out)
{
	for (;;) {
		unsigned skipped = 0;

		for (unsigned i = 0; i < model.nz; i++) {
			struct model_zone *z = &model.z[i];

			if (z->type > high)
				continue;
			if ((flags & ALLOC_FAIR) && z->depleted) {
				skipped++;
				continue;
			}
			if (!(flags & PZ_ALLOC_NO_WATERMARKS) &&
			    !m_zone_ok(z, order, classzone, flags))
				continue;
			if (m_buffered_rmqueue(z, order, mt, flags, cold, out)) {
				if (model.ha && order && (flags & PZ_ALLOC_HARDER))
					m_reserve_highatomic(z, *out);
				*zone_out = (int)i;
				return 1;
			}
		}
		if (flags & MODEL_ALLOC_NOFRAGMENT) {
			/* 5.0: every zone failed without fragmenting: again */
			flags &= ~MODEL_ALLOC_NOFRAGMENT;
			model.nofrag_retries++;
			continue;
		}
		if (!(flags & ALLOC_FAIR))
			return 0;
		flags &= ~ALLOC_FAIR;
		if (!skipped)
			return 0;
		/* reset_alloc_batches: zones of the node up to the preferred one */
		for (unsigned i = 0; i < model.nz; i++)
			if (model.z[i].type <= classzone) {
				m_batch_mod(&model.z[i], model.z[i].wmark[2] - model.z[i].wmark[1] -
								 model.z[i].alloc_batch);
				model.z[i].depleted = 0;
			}
	}
}

/* unreserve_highatomic_pageblock: in zonelist order, the first zone's
 * lowest-order free HIGHATOMIC block goes back to mt, its whole pageblock
 * moved; unless forced, zones with one reserved block or less keep it. */
static bool m_unreserve_highatomic(unsigned mt, unsigned high, bool force)
{
	for (unsigned i = 0; i < model.nz; i++) {
		struct model_zone *z = &model.z[i];

		if (!force && z->nr_reserved_ha <= (long)MODEL_PBN)
			continue;
		for (unsigned o = 0; o < MODEL_MAXO && z->type <= high; o++) {
			uint64_t pfn;

			if (!z->fl[o][PZ_MT_HIGHATOMIC].n)
				continue;
			pfn = z->fl[o][PZ_MT_HIGHATOMIC].v[0];
			if (model.pb[pfn >> MODEL_PBO] == PZ_MT_HIGHATOMIC)
				z->nr_reserved_ha -= z->nr_reserved_ha < MODEL_PBN
							     ? z->nr_reserved_ha
							     : MODEL_PBN;
			model.pb[pfn >> MODEL_PBO] = (uint8_t)mt;
			if (m_move_freepages_block(z, pfn, mt))
				return true;
			break;
		}
	}
	return false;
}

int model_unreserve_highatomic(pz_gfp_t gfp, int force)
{
	unsigned mt = model_gfp_mt(gfp);

	return model.ha &&
	       m_unreserve_highatomic(mt < NPCP ? mt : PZ_MT_MOVABLE, m_gfp_zone(gfp), force != 0);
}

/* modern: a request that may reclaim and retry (no NORETRY; a costly order
 * only with RETRY_MAYFAIL and IO) reaches should_reclaim_retry, which
 * gives the HIGHATOMIC reserve back, one block per round, before it fails
 * (no shrinkers, no OOM handler in this machine). */
static bool m_may_unreserve(pz_gfp_t gfp, unsigned order)
{
	/* 4.4 unreserves only after reclaim progress, which never comes here */
	if (model.prof != PZ_PROFILE_MODERN || !model.ha || !(gfp & PZ__GFP_DIRECT_RECLAIM) ||
	    (gfp & PZ__GFP_NORETRY))
		return false;
	return order <= 3 || ((gfp & PZ__GFP_REPEAT) && (gfp & PZ__GFP_IO));
}

/* compaction_ready (shrink_zones, costly orders) in a machine with no
 * migrate handler: compaction_suitable's CONTINUE is SKIPPED there, so only
 * a zone that already passes its order check counts - at LOW with the
 * balance gap on top in 4.x, at MIN (boosted) against the request's
 * highest zone in 6.1. Deferral never starts: no compaction runs. */
static bool m_ready_nomove(const struct model_zone *z, unsigned order, unsigned high)
{
	long low = z->wmark[1], gap = (long)((z->managed + 99) / 100);

	if (model.prof == PZ_PROFILE_LINUX_6_1)
		return model_watermark_ok(z, order, z->wmark[0] + z->boost, high, 0);
	return model_watermark_ok(z, order, low, 0, 0) &&
	       model_watermark_ok(z, 0, z->wmark[2] + (gap < low ? gap : low) + (2l << order), 0,
				  0);
}

/* __alloc_pages_direct_reclaim of a costly order with no shrinker: nothing
 * is freed, but a zone ready for compaction counts as progress, and a
 * failed attempt after it drains every CPU's lists (4.4 and 6.1 give a
 * HIGHATOMIC block back first) and tries again. The attempts use the slow
 * path's flags: 4.x without ALLOC_NO_WATERMARKS, 6.1 with its reserve. */
static int m_direct_reclaim(pz_gfp_t gfp, unsigned order, unsigned flags, uint64_t *out)
{
	unsigned mt = model_gfp_mt(gfp), high = m_gfp_zone(gfp), classzone = high;
	int cold = (gfp & PZ__GFP_COLD) != 0, zi;
	bool ready = false;

	if (order <= 3 || !(gfp & PZ__GFP_DIRECT_RECLAIM))
		return 0;
	for (unsigned i = 0; i < model.nz; i++)
		ready = ready ||
			(model.z[i].type <= high && m_ready_nomove(&model.z[i], order, high));
	if (!ready)
		return 0;
	for (unsigned i = 0; i < model.nz; i++)
		if (model.z[i].type <= high) {
			classzone = model.z[i].type; /* the preferred zone, as m_alloc's */
			break;
		}
	if (model.prof == PZ_PROFILE_LINUX_6_1 && (gfp & PZ__GFP_MEMALLOC) &&
	    !(gfp & PZ__GFP_NOMEMALLOC))
		flags = PZ_ALLOC_NO_WATERMARKS | (flags & PZ_ALLOC_CMA);
	model.reclaim_ready++;
	if (m_get_page(order, mt, high, classzone, flags, cold, out, &zi))
		return 1;
	if (model.prof != PZ_PROFILE_LINUX_4_1)
		model_unreserve_highatomic(gfp, 0);
	model_drain_all();
	return m_get_page(order, mt, high, classzone, flags, cold, out, &zi);
}

/* __alloc_pages_nodemask: fast path (LOW, fair), then the slow path's MIN
 * attempt with gfp_to_alloc_flags; nothing blocks in this machine. With
 * reclaim, also the one direct reclaim a machine without shrinkers and
 * migrate handler runs (m_direct_reclaim). */
static int m_alloc(pz_gfp_t gfp, unsigned order, uint64_t *out, bool reclaim)
{
	unsigned mt = model_gfp_mt(gfp), high = m_gfp_zone(gfp), classzone = 0, flags, cma;
	int cold = (gfp & PZ__GFP_COLD) != 0, zi, pref = -1;

	for (unsigned i = 0; i < model.nz && pref < 0; i++)
		if (model.z[i].type <= high)
			pref = (int)i;
	assert_true(pref >= 0);
	classzone = model.z[pref].type;
	cma = model.has_cma && mt == PZ_MT_MOVABLE ? PZ_ALLOC_CMA : 0;
	flags = PZ_ALLOC_WMARK_LOW | cma | (model.prof != PZ_PROFILE_MODERN ? ALLOC_FAIR : 0);
	/* alloc_flags_nofragment: a Normal preferred zone with DMA32 below */
	if (model.nofrag && classzone == PZ_ZONE_NORMAL && m_has_type(PZ_ZONE_DMA32))
		flags |= MODEL_ALLOC_NOFRAGMENT;
	model.gfp = gfp;
	if (m_get_page(order, mt, high, classzone, flags, cold, out, &zi))
		return 1;
	flags = PZ_ALLOC_WMARK_MIN | cma | (gfp & PZ__GFP_HIGH ? PZ_ALLOC_HIGH : 0);
	if (model_atomic(gfp) && !(gfp & PZ__GFP_NOMEMALLOC))
		flags |= PZ_ALLOC_HARDER;
	model.ha_atomic_slow += model.ha && order && (flags & PZ_ALLOC_HARDER);
	if (m_get_page(order, mt, high, classzone, flags, cold, out, &zi))
		return 1;
	/* __GFP_MEMALLOC: __alloc_pages_high_priority, no watermark at all */
	if ((gfp & PZ__GFP_MEMALLOC) && !(gfp & PZ__GFP_NOMEMALLOC) &&
	    m_get_page(order, mt, high, classzone, PZ_ALLOC_NO_WATERMARKS, cold, out, &zi))
		return 1;
	if (reclaim && m_direct_reclaim(gfp, order, flags, out))
		return 1;
	while (m_may_unreserve(gfp, order) && m_unreserve_highatomic(mt, high, true)) {
		model.ha_unreserves++;
		if (m_get_page(order, mt, high, classzone, flags, cold, out, &zi))
			return 1;
	}
	/* __alloc_pages_may_oom's last attempt at HIGH: it can pass only when
	 * an unreserve that moved nothing (a pageblock past the zone's end)
	 * still gave the reserve's count back */
	if (m_may_unreserve(gfp, order) &&
	    m_get_page(order, mt, high, classzone, PZ_ALLOC_WMARK_HIGH, cold, out, &zi))
		return 1;
	model.refusals++;
	return 0;
}

int model_alloc(pz_gfp_t gfp, unsigned order, uint64_t *out)
{
	return m_alloc(gfp, order, out, false);
}

int model_alloc_reclaim(pz_gfp_t gfp, unsigned order, uint64_t *out)
{
	return m_alloc(gfp, order, out, true);
}

/* How many pages a per-CPU free flushes (0: none). 4.x: batch at high.
 * 6.1: everything when an order 1..3 block comes while free_factor is set
 * (free_high); else at high batch << free_factor, kept in [batch,
 * high - batch], the factor growing (to at most 5) while below that;
 * while kswapd balances the node high is at most 4 * batch (nr_pcp_high
 * with ZONE_RECLAIM_ACTIVE), and the flush works from that high. */
static int m_flush_count(struct model_zone *z, unsigned order)
{
	int n, high = z->pcp_high;

	if (model.prof == PZ_PROFILE_LINUX_6_1 && z->free_factor && order && order <= 3)
		return z->pcp_count;
	if (z->reclaim_active && z->pcp_batch * 4 < high)
		high = z->pcp_batch * 4;
	if (z->pcp_count < high)
		return 0;
	if (model.prof != PZ_PROFILE_LINUX_6_1)
		n = z->pcp_batch;
	else if (high < z->pcp_batch)
		n = 1;
	else {
		int max = high - z->pcp_batch;

		n = z->pcp_batch << z->free_factor;
		if (n < max && z->free_factor < 5)
			z->free_factor++;
		n = n < z->pcp_batch ? z->pcp_batch : n;
		n = n > max ? max : n;
	}
	return n < z->pcp_count ? n : z->pcp_count;
}

/* __free_pages: orders with a pcp list through it (4.x: order 0), other
 * blocks to the buddy lists, then the flush of m_flush_count. */
void model_free(uint64_t pfn, unsigned order, int cold)
{
	struct model_zone *z = &model.z[model_zone_index(pfn)];
	unsigned mt = model.pb[pfn >> PBO];
	int level = model_pcp_level(order);

	z->pgfree += 1ull << order;
	model.alloc[pfn] = 0;
	if (level < 0) {
		z->pages_scanned = 0;
		m_free_one(z, pfn, order, mt);
		return;
	}
	model.pcp_mt[pfn] = (uint8_t)mt;
	model.pcp_freed[pfn] = 1;
	model.ha_pcp_frees += model.ha && mt == PZ_MT_HIGHATOMIC;
	/* RESERVE, HIGHATOMIC and CMA pages wait on the MOVABLE list, keeping
	 * their type for the flush or drain (spec 5.7, 6.2) */
	if (mt >= NPCP)
		mt = PZ_MT_MOVABLE;
	if (cold)
		l_push_tail(m_pcp(z, level, mt), pfn);
	else
		l_push_head(m_pcp(z, level, mt), pfn);
	z->pcp_count += 1 << order;
	int n = m_flush_count(z, order);

	if (n)
		z->pcp_count -= m_free_pcppages_bulk(z, n, true, m_list_index(level, mt));
}

/* drain_pages: for_each_populated_zone, lowest zone first (model.z is in
 * zonelist order, highest first). */
void model_drain_all(void)
{
	for (unsigned i = model.nz; i-- > 0;)
		if (model.z[i].pcp_count) {
			assert_int_equal(
				m_free_pcppages_bulk(&model.z[i], model.z[i].pcp_count, false, 0),
				model.z[i].pcp_count);
			model.z[i].pcp_count = 0;
		}
}

int model_get_page(pz_gfp_t gfp, unsigned order, unsigned flags, uint64_t *pfn)
{
	unsigned mt = model_gfp_mt(gfp), high = m_gfp_zone(gfp);
	int pref = -1, zi;

	for (unsigned i = 0; i < model.nz && pref < 0; i++)
		if (model.z[i].type <= high)
			pref = (int)i;
	return m_get_page(order, mt, high, model.z[pref].type, flags, (gfp & PZ__GFP_COLD) != 0,
			  pfn, &zi);
}

void model_buddy_free(uint64_t pfn, unsigned order, unsigned mt)
{
	m_free_one(&model.z[model_zone_index(pfn)], pfn, order, mt);
}

void model_buddy_take(uint64_t pfn)
{
	struct model_zone *z = &model.z[model_zone_index(pfn)];
	unsigned order = model.head[pfn] - 1u;

	z->nr_free_pages -= 1l << order;
	if (model.head_mt[pfn] == PZ_MT_CMA)
		z->nr_free_cma -= 1l << order;
	m_del_free(z, pfn);
}

void model_drain_zone(int zi)
{
	struct model_zone *z = &model.z[zi];

	if (!z->pcp_count)
		return;
	assert_int_equal(m_free_pcppages_bulk(z, z->pcp_count, false, 0), z->pcp_count);
	z->pcp_count = 0;
}

void model_reset(void)
{
	for (unsigned i = 0; i < MAXZ; i++) {
		for (unsigned o = 0; o < MAXO; o++)
			for (unsigned mt = 0; mt < NMT; mt++)
				free(model.z[i].fl[o][mt].v);
		for (unsigned l = 0; l < NLEV; l++)
			for (unsigned mt = 0; mt < NPCP; mt++)
				free(model.z[i].pcp[l][mt].v);
	}
	memset(&model, 0, sizeof(model));
	memset(model.zone_of, -1, sizeof(model.zone_of));
}

static uint64_t isqrt_u64(uint64_t x)
{
	uint64_t r = 0;

	while ((r + 1) * (r + 1) <= x)
		r++;
	return r;
}

static uint64_t rounddown_pow2(uint64_t x)
{
	uint64_t r = 1;

	while (r * 2 <= x)
		r *= 2;
	return r;
}

/* zone_batchsize (spec 5.4): a quarter of a thousandth of the zone,
 * rounded to 2^n - 1 (0 for a small zone). */
static int m_zone_batchsize(const struct model_zone *z)
{
	uint64_t batch = z->managed / 1024;
	uint64_t cap = model.prof == PZ_PROFILE_LINUX_6_1 ? 256 : 128; /* 1 MiB since 5.14 */

	batch = batch > cap ? cap : batch;
	batch /= 4;
	batch = batch < 1 ? 1 : batch;
	return (int)(rounddown_pow2(batch + batch / 2) - 1);
}

/* pcp->batch and pcp->high of every zone for the fraction in force. */
void model_pcp_sizes(void)
{
	for (unsigned i = 0; i < model.nz; i++) {
		struct model_zone *z = &model.z[i];
		int batch = m_zone_batchsize(z);

		if (model.hi) {
			/* 5.14: zone_batchsize (at least 1) whatever the fraction;
			 * high = the low watermark - or managed / fraction - over
			 * the node's CPUs (one here), at least 4 * batch */
			uint64_t total = model.fraction ? z->managed / model.fraction
							: (uint64_t)z->wmark[1];

			z->pcp_batch = batch < 1 ? 1 : batch;
			z->pcp_high = (int)total > 4 * z->pcp_batch ? (int)total : 4 * z->pcp_batch;
		} else if (model.fraction) {
			/* 4.x: high = managed / fraction, batch a quarter of it, at
			 * most PAGE_SHIFT * 8 */
			z->pcp_high = (int)(z->managed / model.fraction);
			batch = z->pcp_high / 4 > 96 ? 96 : z->pcp_high / 4;
			z->pcp_batch = batch < 1 ? 1 : batch;
		} else {
			z->pcp_high = 6 * batch;
			z->pcp_batch = batch < 1 ? 1 : batch;
		}
	}
}

/* __setup_per_zone_wmarks for min_free_kbytes kb (spec 4.2): the lowmem
 * zones share kb / 4 pages by size; LOW and HIGH a quarter and a half of
 * the share above MIN; in 6.1 (4.6+) each step is the larger of a quarter
 * of the share and 10/10000 of the zone (watermark_scale_factor 10).
 * 5.14's pcp->high follows LOW. */
void model_set_min_free_kbytes(uint64_t kb)
{
	uint64_t lowmem = 0, pages_min = kb >> 2;

	model.min_free_kbytes = kb;
	for (unsigned i = 0; i < model.nz; i++)
		lowmem += model.z[i].managed;
	for (unsigned i = 0; i < model.nz; i++) {
		struct model_zone *z = &model.z[i];
		uint64_t tmp = pages_min * z->managed / lowmem;

		uint64_t step = z->managed * 10 / 10000;

		step = step > tmp / 4 ? step : tmp / 4;
		z->wmark[0] = (long)tmp;
		z->wmark[1] = (long)(tmp + tmp / 4);
		z->wmark[2] = (long)(tmp + tmp / 2);
		if (model.prof == PZ_PROFILE_LINUX_6_1) {
			z->wmark[1] = (long)(tmp + step);
			z->wmark[2] = (long)(tmp + 2 * step);
		}
		z->boost = 0;
		z->alloc_batch = z->wmark[2] - z->wmark[1];
	}
	if (model.hi)
		model_pcp_sizes();
}

/* Spec 4.1-4.3 and 5.4, from the managed page counts. */
static void m_setup_zones(const struct model_machine *mc, unsigned fraction)
{
	uint64_t lowmem = 0, kb;
	/* 6.1: HIGHMEM's ratio is 0, and 0 means no reserve */
	unsigned ratio[] = {256, 256, 32, model.prof == PZ_PROFILE_LINUX_6_1 ? 0 : 32};

	model.nz = mc->nz;
	for (unsigned i = 0; i < mc->nz; i++) {
		const struct model_zspec *s = &mc->z[i];
		struct model_zone *z = &model.z[mc->nz - 1 - i]; /* zonelist order: high first */

		z->type = s->type;
		z->start = s->start;
		z->end = s->end;
		z->managed =
			(s->end - s->start) - (s->hole_e - s->hole_s) - (s->resv_e - s->resv_s);
		/* calculate_normal_threshold: 2 * fls(CPUs = 1) * (1 + fls(the
		 * managed size in 128 MiB units)), at most 125 */
		z->batch_thresh = 2 * (1 + fls_u64(z->managed >> 15));
		if (z->batch_thresh > 125)
			z->batch_thresh = 125;
		lowmem += z->managed;
		model.has_cma |= s->cma_e != 0;
		for (uint64_t p = s->start; p < s->end; p++)
			model.zone_of[p] = (int8_t)(mc->nz - 1 - i);
	}
	kb = lowmem * 4; /* 4 KiB pages; watermarks are 0 at the first computation */
	kb = isqrt_u64(kb * 16);
	kb = kb < 128	  ? 128
	     : kb > 65536 ? 65536
			  : kb; /* the model's zones stay far below 256 MiB */
	model.fraction = fraction;
	model.min_free_kbytes0 = kb;
	model_set_min_free_kbytes(kb);
	model_pcp_sizes();
	/* lowmem_reserve[j] of a lower zone: the managed pages of the zones
	 * from it (exclusive) up to j over its ratio, for j up to MOVABLE */
	for (unsigned i = 0; i < model.nz; i++) {
		struct model_zone *z = &model.z[i];

		for (unsigned j = z->type + 1; j < PZ_NR_ZONE_TYPES; j++) {
			uint64_t sum = 0;

			for (unsigned k = 0; k < model.nz; k++)
				if (model.z[k].type > z->type && model.z[k].type <= j)
					sum += model.z[k].managed;
			z->lowmem_reserve[j] = ratio[z->type] ? (long)(sum / ratio[z->type]) : 0;
		}
	}
}
pz_t *model_create(const struct model_run *r)
{
	const struct model_machine *mc = r->mc;
	struct pz_config cfg;

	tu_machine_init(&tm, 1, 1);
	for (unsigned i = 0; i < mc->nz; i++) {
		const struct model_zspec *s = &mc->z[i];
		struct pz_zone_desc *z = tu_add_zone(&tm, 0, s->type, s->start, s->end);

		if (s->hole_e) {
			tu_zone_present(&tm, 0, z, s->start, s->hole_s);
			tu_zone_present(&tm, 0, z, s->hole_e, s->end);
		}
		if (s->resv_e)
			tu_zone_reserved(&tm, 0, z, s->resv_s, s->resv_e);
		if (s->cma_e)
			tu_zone_cma(&tm, 0, z, s->cma_s, s->cma_e);
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &tm.m;
	cfg.profile = r->prof;
	cfg.features_set = r->feat_set;
	cfg.features_clear = r->feat_clear;
	cfg.percpu_pagelist_fraction = r->fraction;
	cfg.mobility_grouping_disabled = (unsigned)r->nomob;
	cfg.kswapd_deterministic = model_kswapd_inline;
	plat = tu_platform(r->trace);
	cfg.platform = &plat;
	tu_cpu = 0;
	pz_t *pz = tu_create(&cfg);
	assert_non_null(pz);
	return pz;
}

/* The model for run r: profile, switches, the zones' sizes. The modern
 * profile has high-order pcp lists by default. */
void model_begin(const struct model_run *r)
{
	model.prof = r->prof;
	model.mc = r->mc;
	model.nomob = r->nomob != 0;
	model.hi = r->prof == PZ_PROFILE_MODERN || (r->feat_set & PZ_FEAT_PCP_HIGH_ORDER);
	model.thp2 = r->prof == PZ_PROFILE_LINUX_6_1;
	model.ha = r->prof != PZ_PROFILE_LINUX_4_1; /* HIGHATOMIC since 4.4 */
	model.nofrag = r->prof == PZ_PROFILE_LINUX_6_1 && !(r->feat_clear & PZ_FEAT_NOFRAGMENT);
	model.boost = r->prof == PZ_PROFILE_LINUX_6_1 && !(r->feat_clear & PZ_FEAT_WMARK_BOOST);
	model.cmabal = r->prof == PZ_PROFILE_LINUX_6_1 && !(r->feat_clear & PZ_FEAT_CMA_BALANCE);
	model.boost_factor = 15000;
	m_setup_zones(r->mc, r->fraction);
}

const char *model_mtname(unsigned mt)
{
	return pz_migratetype_name(model_where.run->prof, (enum pz_migratetype)mt);
}

static void compare_list(const char *what, const struct model_zone *z, unsigned order, unsigned mt,
			 const struct model_list *want, int64_t got_n)
{
	size_t n = (size_t)got_n < want->n ? (size_t)got_n : want->n;

	MODEL_CHECK(got_n >= 0 && got_n <= BUFN, "%s list read failed: %" PRId64, what, got_n);
	for (size_t i = 0; i < n; i++)
		MODEL_CHECK(model_buf[i] == want->v[i],
			    "%s list of zone %s order %u type %s differs at position %zu (of %zu "
			    "expected, %" PRId64 " found): expected pfn %" PRIu64
			    ", got pfn %" PRIu64,
			    what, pz_zone_type_name(z->type), order, model_mtname(mt), i, want->n,
			    got_n, want->v[i], model_buf[i]);
	MODEL_CHECK((size_t)got_n == want->n,
		    "%s list of zone %s order %u type %s: %zu entries expected, %" PRId64
		    " found; first extra: %s pfn %" PRIu64,
		    what, pz_zone_type_name(z->type), order, model_mtname(mt), want->n, got_n,
		    (size_t)got_n > want->n ? "got" : "expected",
		    (size_t)got_n > want->n ? model_buf[n] : want->v[n]);
}

static void compare_events(void)
{
	size_t k = 0;

	if (!model_where.run->trace)
		return;
	for (size_t i = 0; i < tu_trace.n; i++) {
		const struct pz_trace_event *e = &evbuf[i];
		const struct model_event *w;

		if (e->kind != PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED &&
		    e->kind != PZ_TRACE_PAGE_PCPU_DRAIN && e->kind != PZ_TRACE_PAGE_ALLOC_EXTFRAG)
			continue;
		MODEL_CHECK(k < model.nev,
			    "unexpected trace event %d pfn %" PRId64 " (only %zu expected)",
			    (int)e->kind, e->pfn, model.nev);
		w = &model.ev[k++];
		MODEL_CHECK(e->kind == w->kind && (uint64_t)e->pfn == w->pfn &&
				    e->order == w->order,
			    "trace event %zu: expected kind %d pfn %" PRIu64
			    " order %u, got kind %d pfn "
			    "%" PRId64 " order %u",
			    k - 1, (int)w->kind, w->pfn, w->order, (int)e->kind, e->pfn, e->order);
		if (e->kind == PZ_TRACE_PAGE_ALLOC_EXTFRAG)
			MODEL_CHECK(
				e->alloc_migratetype == w->mt &&
					e->fallback_order == w->fallback_order &&
					e->fallback_migratetype == w->fallback_mt &&
					e->change_ownership == (int)w->change &&
					e->fragmenting == (w->fallback_order < PBO),
				"extfrag event at pfn %" PRIu64 ": expected %s from %s order %u "
				"change %u, got %s from %s order %u change %d",
				w->pfn, model_mtname(w->mt), model_mtname(w->fallback_mt),
				w->fallback_order, w->change, model_mtname(e->alloc_migratetype),
				model_mtname(e->fallback_migratetype), e->fallback_order,
				e->change_ownership);
		else
			MODEL_CHECK(e->migratetype == w->mt,
				    "event at pfn %" PRIu64 ": type %s, got %s", w->pfn,
				    model_mtname(w->mt), model_mtname(e->migratetype));
	}
	MODEL_CHECK(k == model.nev, "%zu trace events expected, %zu seen", model.nev, k);
}

void model_compare(pz_t *pz)
{
	const uint64_t(*pg0)[2] = model.pg0;

	for (unsigned i = 0; i < model.nz; i++) {
		const struct model_zone *z = &model.z[i];
		struct pz_zone_info zi;

		for (unsigned o = 0; o < MAXO; o++)
			for (unsigned mt = 0; mt < NMT; mt++)
				compare_list("free", z, o, mt, &z->fl[o][mt],
					     pz_free_list_pfns(pz, 0, z->type, o,
							       (enum pz_migratetype)mt, model_buf,
							       BUFN));
		for (unsigned l = 0; l < (model.hi ? NLEV : 1u); l++)
			for (unsigned mt = 0; mt < NPCP; mt++)
				compare_list("pcp", z, m_level_order(l), mt,
					     &z->pcp[l][m_pcp_mt((int)l, mt)],
					     pz_pcp_list_pfns(pz, 0, z->type, 0, m_level_order(l),
							      (enum pz_migratetype)mt, model_buf,
							      BUFN));
		for (uint64_t b = z->start >> PBO; b << PBO < z->end; b++) {
			int got = pz_pageblock_migratetype(pz, b << PBO);

			MODEL_CHECK(got == model.pb[b],
				    "pageblock at pfn %" PRIu64 ": expected %s, got %s", b << PBO,
				    model_mtname(model.pb[b]),
				    got < 0 ? "error" : model_mtname((unsigned)got));
		}
		assert_int_equal(pz_zone_info(pz, 0, z->type, &zi), 0);
		MODEL_CHECK(zi.wmark_min == (uint64_t)(z->wmark[0] + z->boost) &&
				    zi.wmark_low == (uint64_t)(z->wmark[1] + z->boost) &&
				    zi.wmark_high == (uint64_t)(z->wmark[2] + z->boost) &&
				    zi.watermark_boost == (uint64_t)z->boost &&
				    zi.pcp_high == (unsigned)z->pcp_high &&
				    zi.pcp_batch == (unsigned)z->pcp_batch,
			    "zone %s watermarks %" PRIu64 "/%" PRIu64 "/%" PRIu64
			    ", pcp high %u batch %u; "
			    "expected %ld/%ld/%ld, %d, %d",
			    pz_zone_type_name(z->type), zi.wmark_min, zi.wmark_low, zi.wmark_high,
			    zi.pcp_high, zi.pcp_batch, z->wmark[0] + z->boost,
			    z->wmark[1] + z->boost, z->wmark[2] + z->boost, z->pcp_high,
			    z->pcp_batch);
		MODEL_CHECK(zi.stat[PZ_NR_FREE_PAGES] == z->nr_free_pages,
			    "zone %s NR_FREE_PAGES: expected %ld, got %" PRId64,
			    pz_zone_type_name(z->type), z->nr_free_pages,
			    zi.stat[PZ_NR_FREE_PAGES]);
		MODEL_CHECK(zi.stat[PZ_NR_FREE_CMA_PAGES] == z->nr_free_cma,
			    "zone %s NR_FREE_CMA_PAGES: expected %ld, got %" PRId64,
			    pz_zone_type_name(z->type), z->nr_free_cma,
			    zi.stat[PZ_NR_FREE_CMA_PAGES]);
		MODEL_CHECK(zi.nr_reserved_highatomic == (uint64_t)z->nr_reserved_ha,
			    "zone %s nr_reserved_highatomic: expected %ld, got %" PRIu64,
			    pz_zone_type_name(z->type), z->nr_reserved_ha,
			    zi.nr_reserved_highatomic);
		MODEL_CHECK(zi.pcp_pages == (uint64_t)z->pcp_count,
			    "zone %s pcp count %d, got %" PRIu64, pz_zone_type_name(z->type),
			    z->pcp_count, zi.pcp_pages);
		if (model.prof != PZ_PROFILE_MODERN)
			MODEL_CHECK(zi.stat[PZ_NR_ALLOC_BATCH] == z->alloc_batch + z->batch_diff,
				    "zone %s NR_ALLOC_BATCH (zone-wide + CPU delta): expected %ld, "
				    "got %" PRId64,
				    pz_zone_type_name(z->type), z->alloc_batch + z->batch_diff,
				    zi.stat[PZ_NR_ALLOC_BATCH]);
		MODEL_CHECK((uint64_t)zi.stat[PZ_PGALLOC] - pg0[i][0] == z->pgalloc &&
				    (uint64_t)zi.stat[PZ_PGFREE] - pg0[i][1] == z->pgfree,
			    "zone %s pgalloc/pgfree: expected %" PRIu64 "/%" PRIu64 ", got %" PRIu64
			    "/%" PRIu64,
			    pz_zone_type_name(z->type), z->pgalloc, z->pgfree,
			    (uint64_t)zi.stat[PZ_PGALLOC] - pg0[i][0],
			    (uint64_t)zi.stat[PZ_PGFREE] - pg0[i][1]);
	}
	compare_events();
}

/* A pfn of the zone that is present and not reserved. */
static bool managed_pfn(const struct model_zspec *s, uint64_t pfn)
{
	return pfn >= s->start && pfn < s->end && !(pfn >= s->hole_s && pfn < s->hole_e) &&
	       !(pfn >= s->resv_s && pfn < s->resv_e);
}

/*
 * Boot, for zones whose edges are max-order aligned: every pageblock
 * MOVABLE (CMA areas CMA), then the managed memory freed in ascending
 * order in maximal aligned blocks as free_all_bootmem does (each merging
 * and placed by the tail rule; in 6.1 memblock_free_all's
 * __free_pages_core puts each at the tail, FPI_TO_TAIL), then, in 4.1, setup_zone_migrate_reserve
 * (spec 2.1, 4.2, 5.8): from the first whole pageblock, skip blocks with
 * reserved pages or holes, convert MOVABLE blocks to RESERVE (moving their
 * free pages) until min(2, MIN watermark in blocks) are reserved.
 */
static void m_boot(const struct model_machine *mc)
{
	for (unsigned i = 0; i < mc->nz; i++) {
		const struct model_zspec *s = &mc->z[i];
		struct model_zone *z = &model.z[model_zone_index(s->start)];
		uint64_t pfn;
		long reserve;

		for (pfn = s->start; pfn < s->end; pfn += PBN)
			model.pb[pfn >> PBO] =
				pfn >= s->cma_s && pfn < s->cma_e ? PZ_MT_CMA : PZ_MT_MOVABLE;
		for (pfn = s->start; pfn < s->end;) {
			uint64_t end = pfn;
			unsigned order;

			if (!managed_pfn(s, pfn)) {
				pfn++;
				continue;
			}
			while (end < s->end && managed_pfn(s, end))
				end++;
			while (pfn < end) {
				order = pfn ? (unsigned)__builtin_ctzll(pfn) : MAXO - 1;
				order = order > MAXO - 1 ? MAXO - 1 : order;
				while (pfn + (1ull << order) > end)
					order--;
				m_free_one_at(z, pfn, order, model.pb[pfn >> PBO],
					      model.prof == PZ_PROFILE_LINUX_6_1);
				pfn += 1ull << order;
			}
		}
		if (model.prof != PZ_PROFILE_LINUX_4_1)
			continue;
		reserve = (z->wmark[0] + PBN - 1) / PBN;
		reserve = reserve < 2 ? reserve : 2;
		for (pfn = (s->start + PBN - 1) & ~(uint64_t)(PBN - 1); pfn < s->end && reserve;
		     pfn += PBN) {
			uint64_t bend = pfn + PBN < s->end ? pfn + PBN : s->end;
			bool has_reserved = false;

			for (uint64_t q = pfn; q < bend; q++)
				has_reserved |= !managed_pfn(s, q);
			if (has_reserved)
				continue;
			if (model.pb[pfn >> PBO] == PZ_MT_MOVABLE) {
				model.pb[pfn >> PBO] = PZ_MT_RESERVE;
				m_move_freepages_block(z, pfn, PZ_MT_RESERVE);
				reserve--;
			}
		}
	}
	for (unsigned i = 0; i < model.nz; i++)
		model.z[i].nr_free_cma = 0;
	for (unsigned i = 0; i < model.nz; i++)
		for (unsigned o = 0; o < MAXO; o++)
			model.z[i].nr_free_cma += (long)model.z[i].fl[o][PZ_MT_CMA].n << o;
}

static bool aligned_zones(const struct model_machine *mc)
{
	for (unsigned i = 0; i < mc->nz; i++)
		if ((mc->z[i].start | mc->z[i].end) & ((1u << (MAXO - 1)) - 1))
			return false;
	return true;
}

/*
 * The model's inputs (watermarks, reserves, pcp sizes) checked against the
 * library, then its boot state: predicted by m_boot when the zone edges
 * are max-order aligned (compared right after), else read from the library
 * (the boot free lists and pageblock labels).
 */
void model_load(pz_t *pz)
{
	const struct model_machine *mc = model.mc;
	uint64_t(*pg0)[2] = model.pg0;

	unsigned reserve_blocks = 0;
	bool predict = aligned_zones(mc);

	for (uint64_t b = 0; b < NPFN >> PBO; b++) {
		int mt = pz_pageblock_migratetype(pz, b << PBO);

		model.pb[b] = mt < 0 || predict ? 0 : (uint8_t)mt;
	}
	if (predict)
		m_boot(mc);
	for (unsigned i = 0; i < model.nz; i++) {
		struct model_zone *z = &model.z[i];
		struct pz_zone_info zi;
		struct pz_pcp_info pi;
		uint64_t want_reserve;

		assert_int_equal(pz_zone_info(pz, 0, z->type, &zi), 0);
		assert_int_equal(zi.managed, z->managed);
		assert_int_equal(zi.wmark_min, z->wmark[0]);
		assert_int_equal(zi.wmark_low, z->wmark[1]);
		assert_int_equal(zi.wmark_high, z->wmark[2]);
		for (unsigned j = 0; j < PZ_NR_ZONE_TYPES; j++)
			assert_int_equal(zi.lowmem_reserve[j], z->lowmem_reserve[j]);
		assert_int_equal(pz_pcp_info(pz, 0, z->type, 0, &pi), 0);
		assert_int_equal(pi.high, z->pcp_high);
		assert_int_equal(pi.batch, z->pcp_batch);
		assert_int_equal(pi.count, 0);
		/* the orders with a per-CPU list, and only those, can be read */
		for (unsigned o = 0; o < MAXO; o++)
			assert_int_equal(
				pz_pcp_list_pfns(pz, 0, z->type, 0, o, PZ_MT_MOVABLE, model_buf, 1),
				model_pcp_level(o) < 0 ? -PZ_EINVAL : 0);
		pg0[i][0] = (uint64_t)zi.stat[PZ_PGALLOC];
		pg0[i][1] = (uint64_t)zi.stat[PZ_PGFREE];
		for (unsigned o = 0; o < MAXO && !predict; o++)
			for (unsigned mt = 0; mt < NMT; mt++) {
				int64_t n =
					pz_free_list_pfns(pz, 0, z->type, o,
							  (enum pz_migratetype)mt, model_buf, BUFN);

				assert_true(n >= 0 && n <= BUFN);
				for (int64_t k = 0; k < n; k++) {
					assert_int_equal(model_buf[k] % (1ull << o), 0);
					assert_int_equal(model_zone_index(model_buf[k]), (int)i);
					m_add_free(z, model_buf[k], o, mt, 1);
					z->nr_free_pages += 1l << o;
					if (mt == PZ_MT_CMA)
						z->nr_free_cma += 1l << o;
				}
			}
		assert_int_equal(zi.stat[PZ_NR_FREE_PAGES], z->managed);
		assert_int_equal(z->nr_free_pages, z->managed);
		/* spec 5.8: min(2, MIN watermark rounded up to whole blocks) */
		want_reserve = (((uint64_t)z->wmark[0] + PBN - 1) / PBN);
		want_reserve = want_reserve < 2 ? want_reserve : 2;
		reserve_blocks = 0;
		for (uint64_t b = z->start >> PBO; b << PBO < z->end; b++)
			reserve_blocks += model.pb[b] == PZ_MT_RESERVE;
		if (model.prof == PZ_PROFILE_LINUX_4_1)
			assert_int_equal(reserve_blocks, want_reserve);
		else
			assert_int_equal(reserve_blocks, 0);
	}
}
/* No zone passes its order-0 LOW check for an ordinary request: the fast
 * path is failing and the slow path's attempts decide. */
bool model_below_low(void)
{
	for (unsigned i = 0; i < model.nz; i++)
		if (model_watermark_ok(&model.z[i], 0, model.z[i].wmark[1] + model.z[i].boost,
				       model.z[0].type, 0))
			return false;
	return true;
}

void model_begin_op(void)
{
	model.nev = 0;
	tu_trace_reset();
}
void model_setup_bufs(void)
{
	if (!model_buf)
		model_buf = malloc(BUFN * sizeof(uint64_t));
	if (!evbuf)
		evbuf = malloc(MAXEV * sizeof(*evbuf));
	assert_non_null(model_buf);
	assert_non_null(evbuf);
	tu_trace.events = evbuf;
	tu_trace.cap = MAXEV;
}

void model_free_bufs(void)
{
	free(model_buf);
	free(evbuf);
	model_buf = NULL;
	evbuf = NULL;
	tu_trace.events = NULL;
	tu_trace.cap = 0;
}
