/*
 * model_pressure.c - the pressure model of model_pressure.h: reclaim as
 * do_shrink_slab computes it and compaction's two scanners, each written
 * from the kernels (4.1 and 6.1) onto the free-list model of model.c.
 *
 * Where pagezone differs from the kernel by design (docs/DESIGN.md
 * "Compaction": blocks move whole, a free block is held at its order and
 * cut when used, no LRU behind reclaim), the model follows the documented
 * design and says so.
 */
#include "model_pressure.h"

#include <string.h>

#define PBO	    MODEL_PBO
#define PBN	    MODEL_PBN
#define MAXO	    MODEL_MAXO
#define CLUSTER_MAX 32
#define MAX_DEFER   6
#define HELD_MAX    2048

struct mp mp;

/* 4.1 and 4.4 share zone-based reclaim and kswapd and 4.x compaction;
 * is44() marks where 4.4 differs. */
static bool is41(void)
{
	return model.prof == PZ_PROFILE_LINUX_4_1 || model.prof == PZ_PROFILE_LINUX_4_4;
}

static bool is44(void)
{
	return model.prof == PZ_PROFILE_LINUX_4_4;
}

/* ---- the workload ------------------------------------------------------ */

void mp_cache_add(struct mp_cache *c, uint64_t pfn, unsigned order)
{
	size_t at = (c->head + c->n) % MP_CACHE_MAX;

	assert_true(c->n < MP_CACHE_MAX);
	c->pfn[at] = pfn;
	c->order[at] = (uint8_t)order;
	c->n++;
}

unsigned long mp_count(enum mp_kind kind, const struct mp_cache *c, unsigned long calls)
{
	if (kind == MP_CACHE)
		return (unsigned long)c->n;
	/* after every fourth scan call the pool looks small for a while, so
	 * that deferred work outgrows what it holds */
	return calls % 8 >= 4 ? MP_LIAR_COUNT / 16 : MP_LIAR_COUNT;
}

unsigned long mp_scan(enum mp_kind kind, struct mp_cache *c, unsigned long *calls, unsigned long nr,
		      unsigned long *nr_scanned,
		      void (*free_fn)(void *ctx, uint64_t pfn, unsigned order), void *ctx)
{
	unsigned long done = 0;

	++*calls;
	if (kind == MP_LIAR) {
		/* claims it freed all it was asked, frees nothing, reports half
		 * of it scanned (6.1) and stops every third call */
		*nr_scanned = (nr + 1) / 2;
		return *calls % 3 == 0 ? PZ_SHRINK_STOP : nr;
	}
	for (; done < nr && c->n; done++) {
		uint64_t pfn = c->pfn[c->head];
		unsigned order = c->order[c->head];

		c->head = (c->head + 1) % MP_CACHE_MAX;
		c->n--;
		free_fn(ctx, pfn, order);
	}
	return done;
}

int mp_answer(uint64_t seed, uint64_t src, unsigned attempt)
{
	uint64_t h = (src + seed) * 0x9e3779b97f4a7c15ull;
	unsigned k = (unsigned)(h >> 59); /* 0..31 */

	if (!seed)
		return PZ_MIGRATE_OK; /* an owner that always agrees */
	if (k < 3)
		return PZ_MIGRATE_PINNED;
	if (k < 5)
		return attempt < 2 ? PZ_MIGRATE_BUSY : PZ_MIGRATE_OK; /* busy twice */
	if (k == 5)
		return PZ_MIGRATE_BUSY; /* busy every time: fails on the last pass */
	if (k == 6)
		return PZ_MIGRATE_NOMEM;
	return PZ_MIGRATE_OK;
}

/* ---- reset ----------------------------------------------------------------- */

static uint64_t last_block(const struct model_zone *z)
{
	return (z->end - 1) & ~(uint64_t)(PBN - 1);
}

static void reset_cached(int zi)
{
	mp.z[zi].cached_migrate[0] = mp.z[zi].cached_migrate[1] = model.z[zi].start;
	mp.z[zi].cached_free = last_block(&model.z[zi]);
}

static void reset_skip(int zi)
{
	const struct model_zone *z = &model.z[zi];

	reset_cached(zi);
	mp.z[zi].blockskip_flush = false;
	for (uint64_t b = z->start >> PBO; b << PBO < z->end; b++)
		mp.skip[b] = 0;
}

/*
 * 6.1's __reset_isolation_suitable (5.1's selective reset), run only when
 * a direct compaction asked for it. Two ends walk toward each other one
 * block at a time; __reset_isolation_pfn samples every eighth page of a
 * block: a page the migrate scanner could take (an allocated movable
 * head: PageLRU) for the lower end, a buddy head for the upper end, which
 * looks only at movable blocks until it has found one. The first finds
 * clear their block's bit and become the cached starts; with none, the
 * starts are where the walk met. The test allocates no compound pages, so
 * no block keeps its bit for being inside a huge page.
 */
static bool reset_pfn61(int zi, uint64_t pfn, bool src, bool dst)
{
	const struct model_zone *z = &model.z[zi];
	uint64_t b = pfn >> PBO, lo = b << PBO, hi = lo + PBN - 1;

	if (src && dst && !mp.skip[b])
		return true;
	if (!src && dst && model.pb[b] != PZ_MT_MOVABLE)
		return false;
	lo = lo < z->start ? z->start : lo;
	hi = hi > z->end - 1 ? z->end - 1 : hi;
	for (uint64_t q = lo; q <= hi; q += 8) {
		unsigned mt = model.alloc_mt[q];
		bool lru = model.alloc[q] && (mt == PZ_MT_MOVABLE || mt == PZ_MT_CMA);

		if ((src && lru) || (dst && model.head[q])) {
			mp.skip[b] = 0;
			return true;
		}
	}
	return false;
}

static void reset_skip61(int zi)
{
	struct mp_zone *mz = &mp.z[zi];
	uint64_t lo = model.z[zi].start, hi = model.z[zi].end - 1, low_at = hi, high_at = lo;
	bool lo_found = false, hi_found = false;

	if (!mz->blockskip_flush)
		return;
	mz->blockskip_flush = false;
	mp.skip_resets61++;
	for (; lo < hi && hi >= PBN; lo += PBN, hi -= PBN) {
		if (reset_pfn61(zi, lo, true, lo_found) && lo < low_at) {
			lo_found = true;
			low_at = mz->cached_migrate[0] = mz->cached_migrate[1] = lo;
		}
		if (reset_pfn61(zi, hi, hi_found, true) && hi > high_at) {
			hi_found = true;
			high_at = mz->cached_free = mz->init_free = hi;
		}
	}
	if (low_at >= high_at) {
		mz->cached_migrate[0] = mz->cached_migrate[1] = lo;
		mz->cached_free = hi;
	}
}

/* __reset_isolation_suitable of the profile's kernel. */
static void reset_zone(int zi)
{
	if (is41())
		reset_skip(zi);
	else
		reset_skip61(zi);
}

void mp_reset(uint64_t seed)
{
	memset(&mp, 0, sizeof(mp));
	mp.seed = seed; /* cached positions 0: the zone was zeroed, as the kernel's */
	mp.k.asleep = true;
	mp.k.classzone = is41() ? PZ_NR_ZONE_TYPES - 1 : PZ_NR_ZONE_TYPES;
	mp.k.cur_classzone = PZ_NR_ZONE_TYPES - 1;
	mp.kc_high = (int)model.z[0].type; /* kcompactd starts at nr_zones - 1 */
	mp.proactiveness = 20;
}

void mp_register(enum mp_kind kind, long seeks, long batch)
{
	assert_true(mp.nsh < MP_MAXSH);
	mp.sh[mp.nsh] = (struct mp_shrinker){kind, seeks, batch, 0, 0};
	mp.nsh++;
}

void mp_unregister(unsigned i)
{
	memmove(&mp.sh[i], &mp.sh[i + 1], (mp.nsh - i - 1) * sizeof(mp.sh[0]));
	mp.nsh--;
}

/* ---- do_shrink_slab --------------------------------------------------------- */

struct shrink {
	bool kswapd, compaction_ready;
	unsigned order;
	int priority;
	uint64_t nr_scanned, eligible; /* 4.1's LRU figures */
	uint64_t freed;		       /* pages back while the window is open */
	uint64_t asked;
	pz_gfp_t gfp;	  /* the request's (GFP_KERNEL for kswapd) */
	uint64_t counted; /* objects the count calls returned */
};

static void model_free_cb(void *ctx, uint64_t pfn, unsigned order)
{
	struct shrink *s = ctx;

	s->freed += 1ull << order;
	model_free(pfn, order, 0);
}

/* How many objects this pass wants: 4.1 from the LRU scan ratio, 6.1 from
 * the priority; *delta is the pass's own share. */
static long scan_target(const struct mp_shrinker *sh, const struct shrink *s, long nr,
			unsigned long freeable, long *delta, long *unclamped)
{
	long total;

	if (is41()) {
		unsigned long long d =
			4ull * (s->nr_scanned ? s->nr_scanned : 32) / (unsigned)sh->seeks;

		d = d * freeable / (s->eligible + 1);
		*delta = (long)d;
		total = nr + *delta;
		*unclamped = total;
		if (total < 0) {
			total = (long)freeable;
			*unclamped = nr;
		}
		if ((unsigned long)*delta < freeable / 4 && (unsigned long)total > freeable / 2)
			total = (long)(freeable / 2);
	} else {
		*delta = sh->seeks
				 ? (long)((freeable >> s->priority) * 4 / (unsigned long)sh->seeks)
				 : (long)(freeable / 2);
		total = (long)((unsigned long)nr >> s->priority) + *delta;
	}
	if ((unsigned long)total > 2 * freeable)
		total = (long)(2 * freeable);
	return total;
}

static void do_shrink(struct mp_shrinker *sh, struct shrink *s)
{
	unsigned long freeable = mp_count(sh->kind, &mp.cache, sh->calls);
	long batch = sh->batch ? sh->batch : PZ_SHRINK_BATCH, nr, delta, total, scanned = 0, next;
	long unclamped = 0;

	if (!freeable)
		return;
	s->counted += freeable;
	nr = sh->deferred;
	sh->deferred = 0;
	mp.deferred_carried += nr > 0;
	total = scan_target(sh, s, nr, freeable, &delta, &unclamped);
	while (total >= batch || (unsigned long)total >= freeable) {
		unsigned long n = (unsigned long)(total < batch ? total : batch), done = n;

		mp.shrink_calls++;
		if (mp_scan(sh->kind, &mp.cache, &sh->calls, n, &done, model_free_cb, s) ==
		    PZ_SHRINK_STOP) {
			mp.stops++;
			break;
		}
		if (is41())
			done = n;
		if (!done)
			break;
		mp.vm[PZ_VM_SLABS_SCANNED] += done;
		total -= (long)done;
		scanned += (long)done;
		s->asked += n;
	}
	if (is44()) {
		/* 4.4: the total before its caps, less what was scanned */
		next = unclamped > scanned ? unclamped - scanned : 0;
		mp.deferred_44 += next != (total > 0 ? total : 0);
	} else if (is41()) {
		next = total > 0 ? total : 0;
	} else {
		next = nr + delta - scanned;
		next = next < 0 ? 0 : next;
		if ((unsigned long)next > 2 * freeable)
			next = (long)(2 * freeable);
	}
	sh->deferred += next;
}

/* shrink_slab: the pages that came back meanwhile. */
static uint64_t shrink_slab(struct shrink *s)
{
	uint64_t freed = s->freed, asked = s->asked;

	for (unsigned i = 0; i < mp.nsh; i++)
		do_shrink(&mp.sh[i], s);
	mp.vm[s->kswapd ? PZ_VM_PGSCAN_KSWAPD : PZ_VM_PGSCAN_DIRECT] += s->asked - asked;
	mp.vm[s->kswapd ? PZ_VM_PGSTEAL_KSWAPD : PZ_VM_PGSTEAL_DIRECT] += s->freed - freed;
	return s->freed - freed;
}

/* ---- direct reclaim (try_to_free_pages) ---------------------------------- */

static long in_use(const struct model_zone *z)
{
	return z->nr_free_pages >= 0 && (uint64_t)z->nr_free_pages < z->managed
		       ? (long)z->managed - z->nr_free_pages
		       : 0;
}

static long scan_zone(struct model_zone *z, int priority)
{
	long n = in_use(z) >> priority;

	z->pages_scanned += n;
	return n;
}

/* The highest zone type of the node at or below the request's. */
static unsigned class_type(unsigned high)
{
	for (unsigned i = 0; i < model.nz; i++)
		if (model.z[i].type <= high)
			return model.z[i].type;
	return 0;
}

static bool compaction_ready(int zi, unsigned order, unsigned high);
static enum mp_result zone_suitable(int zi, unsigned order, unsigned classzone);

/* ---- should_continue_reclaim ------------------------------------------------ */

/*
 * The kernel repeats a zone's (4.x shrink_zone) or node's (6.1 shrink_node)
 * LRU-and-slab pass for a high order while should_continue_reclaim says
 * so. With shrinkers for the LRU (docs/DESIGN.md "Reclaim and kswapd"):
 * nr_reclaimed is what the pass brought back, nr_scanned what its scan
 * calls were asked for, the inactive LRU the objects its count calls
 * returned; compaction is compiled in when a migrate handler exists.
 */
struct cont {
	uint64_t back, scanned, counted; /* the last pass */
	uint64_t nr_reclaimed;		 /* sc->nr_reclaimed after it */
	uint64_t idle;			 /* REPEAT: scanned by fruitless passes */
};

static bool reclaim_compaction(const struct shrink *s)
{
	bool allowed = mp.handler && (is41() || (s->gfp & PZ__GFP_IO));

	return allowed && s->order && (s->order > 3 || s->priority < 12 - 2);
}

/* Would zone zi's compaction go ahead (or its allocation succeed)? */
static bool compaction_goes(int zi, unsigned order, unsigned classzone)
{
	enum mp_result r = zone_suitable(zi, order, classzone);

	if (r == MP_SUCCESS || r == MP_CONTINUE) {
		mp.cont_compaction_stops++;
		return true;
	}
	return false;
}

static bool cont41(const struct shrink *s, int zi, struct cont *c)
{
	unsigned long gap = 2ul << s->order;
	bool repeat = (s->gfp & PZ__GFP_REPEAT) != 0;

	if (c->back) {
		c->idle = 0;
	} else {
		c->idle += c->scanned;
		/* REPEAT waits for a pass that scans nothing; the shrinkers'
		 * whole list scanned fruitlessly counts as one (ours) */
		if (!repeat || !c->scanned || c->idle >= c->counted)
			return false;
		mp.cont_repeat_idle++;
	}
	if (c->nr_reclaimed < gap && c->counted > gap)
		return true;
	return !compaction_goes(zi, s->order, 0);
}

static bool cont61(const struct shrink *s, unsigned high, const struct cont *c)
{
	if (!c->back)
		return false;
	for (unsigned i = model.nz; i-- > 0;) /* lowest zone first */
		if (model.z[i].type <= high && model.z[i].managed &&
		    compaction_goes((int)i, s->order, high))
			return false;
	return c->counted > (2ul << s->order);
}

/* One pass's figures into c; false when the loop ends (ours: after it
 * brought back as many pages as were in use at its start). */
static bool again(const struct shrink *s, int zi, unsigned high, struct cont *c,
		  uint64_t *loop_back, uint64_t cap)
{
	*loop_back += c->back;
	c->nr_reclaimed += c->back;
	if (!reclaim_compaction(s) || *loop_back >= cap)
		return false;
	if (!(zi >= 0 ? cont41(s, zi, c) : cont61(s, high, c)))
		return false;
	if (s->kswapd)
		mp.cont_kswapd++;
	else
		mp.cont_direct++;
	return true;
}

/* 4.x shrink_zone of zone zi: its passes (the pseudo-LRU scan, shrink_slab
 * when classzone); *lru gets the LRU pages scanned. Returns what came back. */
static uint64_t zone_passes41(struct shrink *s, int zi, bool classzone, uint64_t nr_reclaimed,
			      uint64_t *lru)
{
	struct model_zone *z = &model.z[zi];
	struct cont c = {0, 0, 0, nr_reclaimed, 0};
	uint64_t total = 0, loop_back = 0, cap = (uint64_t)in_use(z);

	do {
		uint64_t asked = s->asked;

		s->eligible = (uint64_t)in_use(z);
		s->nr_scanned = (uint64_t)scan_zone(z, s->priority);
		*lru += s->nr_scanned;
		s->counted = 0;
		c.back = classzone ? shrink_slab(s) : 0;
		c.scanned = s->asked - asked;
		c.counted = s->counted;
		total += c.back;
	} while (again(s, zi, 0, &c, &loop_back, cap));
	return total;
}

/* 6.1 shrink_node (zones up to high): its passes; *scanned gets the LRU
 * pages scanned. Returns what came back; any of it revives kswapd. */
static uint64_t node_passes61(struct shrink *s, unsigned high, uint64_t *scanned)
{
	struct cont c = {0, 0, 0, 0, 0};
	uint64_t total = 0, loop_back = 0, cap = 0;

	for (unsigned j = 0; j < model.nz; j++)
		if (model.z[j].type <= high)
			cap += (uint64_t)in_use(&model.z[j]);
	do {
		for (unsigned j = 0; j < model.nz; j++)
			if (model.z[j].type <= high)
				*scanned += (uint64_t)scan_zone(&model.z[j], s->priority);
		s->counted = 0;
		c.back = shrink_slab(s);
		c.counted = s->counted;
		total += c.back;
	} while (again(s, -1, high, &c, &loop_back, cap));
	if (total)
		mp.k.failures = 0; /* shrink_node: progress revives kswapd */
	return total;
}

static void shrink_zones(struct shrink *s, unsigned high)
{
	bool node_done = false;

	for (unsigned i = 0; i < model.nz; i++) {
		struct model_zone *z = &model.z[i];

		if (z->type > high)
			continue;
		if (is41() && s->priority != 12 && z->pages_scanned >= in_use(z) * 6)
			continue; /* !zone_reclaimable */
		if (s->order > 3 && compaction_ready((int)i, s->order, high)) {
			s->compaction_ready = true;
			continue;
		}
		if (is41()) {
			uint64_t lru = 0;

			zone_passes41(s, (int)i, z->type == class_type(high), s->freed, &lru);
		} else if (!node_done) {
			uint64_t scanned = 0;

			node_done = true;
			node_passes61(s, high, &scanned);
		}
	}
}

unsigned mp_gfp_high(pz_gfp_t gfp)
{
	if (gfp & PZ__GFP_DMA32)
		return PZ_ZONE_DMA32;
	return (gfp & PZ__GFP_MOVABLE) && (gfp & PZ__GFP_HIGHMEM) ? PZ_ZONE_MOVABLE
								  : PZ_ZONE_NORMAL;
}

uint64_t mp_direct_reclaim(pz_gfp_t gfp, unsigned order)
{
	struct shrink s = {false, false, order, 12, 0, 0, 0, 0, gfp, 0};
	unsigned high = mp_gfp_high(gfp);

	mp.vm[PZ_VM_ALLOCSTALL]++;
	for (; s.priority >= 0; s.priority--) {
		mp.reclaim_rounds++;
		shrink_zones(&s, high);
		if (s.freed >= 32 || s.compaction_ready)
			break;
	}
	return s.freed ? s.freed : s.compaction_ready;
}

/* ---- kswapd (deterministic mode) ----------------------------------------- */

/* high_wmark_pages: with 5.0's boost on top (0 in 4.x). */
static long high_mark(const struct model_zone *z)
{
	return z->wmark[2] + z->boost;
}

static bool reclaimable(const struct model_zone *z)
{
	return z->pages_scanned < in_use(z) * 6;
}

static void compact_pgdat(unsigned order);

/* 4.1 zone_balanced: HIGH plus a gap at order, and (high orders) a zone
 * compaction could work on. */
static bool zone_balanced41(int zi, unsigned order, long gap, unsigned classzone)
{
	if (!model_watermark_ok(&model.z[zi], order, high_mark(&model.z[zi]) + gap, classzone, 0))
		return false;
	return !order || zone_suitable(zi, order, classzone) != MP_SKIPPED;
}

/* 4.1 pgdat_balanced: every (reclaimable) zone up to classzone at order
 * 0; a quarter of their pages at high orders. */
static bool pgdat_balanced41(unsigned order, int classzone)
{
	uint64_t managed = 0, balanced = 0;

	for (unsigned i = 0; i < model.nz; i++) {
		const struct model_zone *z = &model.z[i];

		if ((int)z->type > classzone)
			continue;
		managed += z->managed;
		if (!reclaimable(z) || zone_balanced41((int)i, order, 0, z->type))
			balanced += z->managed;
		else if (!order)
			return false;
	}
	return order ? balanced >= managed >> 2 : true;
}

/* 6.1 pgdat_balanced: one zone up to highest at HIGH for order (or no
 * zone at all). */
static bool pgdat_balanced61(unsigned order, int highest)
{
	bool any = false;

	for (unsigned i = 0; i < model.nz; i++) {
		if ((int)model.z[i].type > highest)
			continue;
		any = true;
		if (model_watermark_ok(&model.z[i], order, high_mark(&model.z[i]),
				       (unsigned)highest, 0))
			return true;
	}
	return !any;
}

/* pgdat_watermark_boosted: some zone up to highest carries a boost. */
static bool pgdat_boosted(int highest)
{
	for (unsigned i = 0; i < model.nz; i++)
		if ((int)model.z[i].type <= highest && model.z[i].boost)
			return true;
	return false;
}

static bool node_balanced(unsigned order, int classzone)
{
	if (is41())
		return pgdat_balanced41(order, classzone);
	return mp.k.failures >= 16 || pgdat_balanced61(order, classzone);
}

/* kswapd_shrink_zone (4.1): true when enough was scanned. A zone that
 * compaction could work on is balanced at order 0. */
static bool kswapd_shrink41(struct shrink *s, int zi, int end, uint64_t *got, uint64_t *attempted)
{
	struct model_zone *z = &model.z[zi];
	long low = z->wmark[1], gap = (long)((z->managed + 99) / 100);
	uint64_t to_reclaim = high_mark(z) > 32 ? (uint64_t)high_mark(z) : 32;
	unsigned testorder = s->order;

	if (s->order && zone_suitable(zi, s->order, (unsigned)end) != MP_SKIPPED)
		testorder = 0;
	uint64_t lru = 0;

	if (zone_balanced41(zi, testorder, gap < low ? gap : low, (unsigned)end))
		return true;
	*got += zone_passes41(s, zi, (int)z->type == end, *got, &lru);
	*attempted += to_reclaim;
	return lru >= to_reclaim; /* sc.nr_scanned counts every pass */
}

/* The highest zone needing balance (end_zone), or -1. */
static int find_end41(const struct shrink *s)
{
	for (unsigned i = 0; i < model.nz; i++) /* highest zone first */
		if ((s->priority == 12 || reclaimable(&model.z[i])) &&
		    !zone_balanced41((int)i, s->order, 0, 0))
			return (int)model.z[i].type;
	return -1;
}

/* balance_pgdat (4.1): the order it ends at; *classzone becomes the end
 * zone. A high order drops to 0 once twice its size came back in a pass;
 * until then, a pass that freed more than it attempted compacts the node
 * (compact_pgdat) unless some zone is at LOW for the order already. */
static unsigned balance41(unsigned order, int *classzone)
{
	struct shrink s = {true, false, order, 12, 0, 0, 0, 0, PZ_GFP_KERNEL, 0};
	int end_zone = 0, end;

	mp.vm[PZ_VM_PAGEOUTRUN]++;
	do {
		uint64_t got = 0, attempted = 0;
		bool raise = true, needs_compaction = s.order > 0;

		end = find_end41(&s);
		if (end < 0)
			break;
		end_zone = end;
		for (unsigned i = 0; i < model.nz; i++)
			if ((int)model.z[i].type <= end && needs_compaction &&
			    model_watermark_ok(&model.z[i], s.order, model.z[i].wmark[1],
					       (unsigned)*classzone, 0))
				needs_compaction = false;
		for (unsigned i = model.nz; i-- > 0;) {
			struct model_zone *z = &model.z[i];

			if ((int)z->type <= end && (s.priority == 12 || reclaimable(z)) &&
			    kswapd_shrink41(&s, (int)i, end, &got, &attempted))
				raise = false;
		}
		if (s.order && got >= 2ull << s.order) {
			s.order = 0;
			mp.order_drops++;
		}
		if (needs_compaction && got > attempted)
			compact_pgdat(s.order);
		if (raise || !got)
			s.priority--;
	} while (s.priority >= 1 && !pgdat_balanced41(s.order, *classzone));
	*classzone = end_zone;
	return s.order;
}

static void wakeup_kcompactd(unsigned order, int highest);

/* kswapd_shrink_node's target: every eligible zone's (boosted) HIGH. */
static uint64_t reclaim_target(int highest)
{
	uint64_t to_reclaim = 0;

	for (unsigned i = 0; i < model.nz; i++)
		if ((int)model.z[i].type <= highest)
			to_reclaim +=
				high_mark(&model.z[i]) > 32 ? (uint64_t)high_mark(&model.z[i]) : 32;
	return to_reclaim;
}

/* The boosts a 6.1 balance_pgdat starts with (its reclaim target), and at
 * its end each zone's boost loses what it had then; kcompactd is woken
 * for the pageblock order. */
static uint64_t boost_start(int highest, long *boosts)
{
	uint64_t nr = 0;

	for (unsigned i = 0; i < model.nz; i++) {
		boosts[i] = (int)model.z[i].type <= highest ? model.z[i].boost : 0;
		nr += (uint64_t)boosts[i];
	}
	return nr;
}

static void boost_done(int highest, const long *boosts)
{
	for (unsigned i = 0; i < model.nz; i++) {
		long *b = &model.z[i].boost;

		*b -= *b < boosts[i] ? *b : boosts[i];
	}
	mp.boost_runs++;
	wakeup_kcompactd(PBO, highest);
}

/* set_reclaim_active / clear_reclaim_active (5.14): the zones up to
 * highest while balance_pgdat runs (m_flush_count reads it). */
static void reclaim_active(int highest, bool on)
{
	for (unsigned i = 0; i < model.nz; i++)
		if ((int)model.z[i].type <= highest && model.z[i].managed)
			model.z[i].reclaim_active = on;
}

/* balance_pgdat (6.1): the order it ends at (0 once twice the request's
 * size came back). A boosted node is reclaimed even when balanced, at no
 * lower than priority 10 by scanning too little, until the boosts' worth
 * came back or a pass frees nothing; an unbalanced one forgets the boost
 * and starts over. */
static unsigned balance61(unsigned order, int highest)
{
	struct shrink s = {true, false, order, 12, 0, 0, 0, 0, PZ_GFP_KERNEL, 0};
	long boosts[MODEL_MAXZ];
	uint64_t total = 0, to_reclaim = reclaim_target(highest), nr_boost;
	bool boosted;

	mp.vm[PZ_VM_PAGEOUTRUN]++;
	nr_boost = boost_start(highest, boosts);
	boosted = nr_boost != 0;
restart:
	reclaim_active(highest, true);
	s.priority = 12;
	do {
		uint64_t scanned = 0, got;
		bool balanced = pgdat_balanced61(s.order, highest), raise;

		if (!balanced && nr_boost) {
			nr_boost = 0;
			mp.boost_restarts++;
			goto restart;
		}
		if (!nr_boost && balanced)
			goto out;
		raise = !(nr_boost && s.priority == 10);
		got = node_passes61(&s, (unsigned)highest, &scanned);
		total += got;
		if (s.order && total >= 2ull << s.order) {
			s.order = 0;
			mp.order_drops++;
		}
		if (scanned >= to_reclaim)
			raise = false;
		nr_boost -= nr_boost < got ? nr_boost : got;
		if (nr_boost && !got)
			break;
		if (raise || !got)
			s.priority--;
	} while (s.priority >= 1);
	if (!total)
		mp.k.failures++;
out:
	reclaim_active(highest, false);
	if (boosted)
		boost_done(highest, boosts);
	return s.order;
}

/* reset_isolation_suitable: zones a direct compaction ran through lose
 * their skip bits and cached positions. */
static void reset_isolation_suitable(void)
{
	for (unsigned i = 0; i < model.nz; i++)
		if (mp.z[i].blockskip_flush) {
			reset_zone((int)i);
			mp.skip_resets++;
		}
}

/* kswapd_try_to_sleep: true when it sleeps (no wake-up can cut the nap
 * short in a single-threaded run). 6.1 resets the skip bits and wakes
 * kcompactd before the nap; 4.1 resets them as it goes to sleep. */
static bool try_sleep(unsigned alloc_order, unsigned reclaim_order, int classzone)
{
	mp.k.asleep = true;
	if (!is41() && node_balanced(reclaim_order, classzone)) {
		reset_isolation_suitable();
		wakeup_kcompactd(alloc_order, classzone);
	}
	if (node_balanced(reclaim_order, classzone)) {
		if (is41())
			reset_isolation_suitable();
		mp.kswapd_sleeps++;
		return true;
	}
	mp.k.asleep = false;
	mp.vm[PZ_VM_KSWAPD_HIGH_WMARK_HIT_QUICKLY]++;
	return false;
}

static unsigned nr_zones(void)
{
	return model.z[0].type + 1u; /* model.z[0] is the highest */
}

/* 6.1 kswapd_highest_zoneidx: the recorded zone, or prev when none. */
static int highest_zoneidx(int prev)
{
	return mp.k.classzone == PZ_NR_ZONE_TYPES ? prev : mp.k.classzone;
}

/* One pass of 6.1's kswapd loop: pick up, balance, (back at the top when
 * the order held) sleep attempt. */
static bool kswapd_round61(void)
{
	struct mp_kswapd *k = &mp.k;
	unsigned alloc_order = k->order, reclaim_order;
	int highest = highest_zoneidx(k->cur_classzone);

	k->order = 0;
	k->classzone = PZ_NR_ZONE_TYPES;
	k->cur_classzone = highest;
	mp.highorder_runs += alloc_order > 0;
	reclaim_order = balance61(alloc_order, highest);
	if (reclaim_order >= alloc_order) {
		alloc_order = reclaim_order = k->order;
		highest = highest_zoneidx(highest);
		k->cur_classzone = highest;
	}
	return try_sleep(alloc_order, reclaim_order, highest);
}

/* 4.1's kswapd loop from the pick-up after a sleep (or new work found at
 * the end of a balance) to the next sleep attempt; the recorded order and
 * zone are taken when the balance ended where the last pick-up asked. */
static bool kswapd_round41(void)
{
	struct mp_kswapd *k = &mp.k;

	if (!k->new_work) {
		k->cur_order = k->new_order = k->order;
		k->cur_classzone = k->new_classzone = k->classzone;
		k->order = 0;
		k->classzone = (int)nr_zones() - 1;
	}
	k->new_work = false;
	mp.highorder_runs += k->cur_order > 0;
	k->bal_classzone = k->cur_classzone;
	k->bal_order = balance41(k->cur_order, &k->bal_classzone);
	if (k->bal_classzone >= k->new_classzone && k->bal_order == k->new_order) {
		k->new_order = k->order;
		k->new_classzone = k->classzone;
		k->order = 0;
		k->classzone = (int)nr_zones() - 1;
	}
	if (k->cur_order < k->new_order || k->cur_classzone > k->new_classzone) {
		k->cur_order = k->new_order;
		k->cur_classzone = k->new_classzone;
		k->new_work = true;
		return false;
	}
	return try_sleep(k->bal_order, k->bal_order, k->bal_classzone);
}

/* One pz_kswapd_run; true when kswapd went to sleep. */
static bool kswapd_round(void)
{
	mp.kswapd_runs++;
	mp.k.asleep = false;
	return is41() ? kswapd_round41() : kswapd_round61();
}

/* wakeup_kswapd's record and exits: whether kswapd is to run. */
static int wake(unsigned t, unsigned order, int classzone, pz_gfp_t gfp)
{
	struct mp_kswapd *k = &mp.k;
	int zi = 0, r;

	for (unsigned i = 0; i < model.nz; i++)
		if (model.z[i].type == t)
			zi = (int)i;
	if (is41() && k->order < order) {
		k->order = order;
		k->classzone = k->classzone < classzone ? k->classzone : classzone;
	} else if (!is41()) {
		if (k->classzone == PZ_NR_ZONE_TYPES || k->classzone < classzone)
			k->classzone = classzone;
		if (k->order < order)
			k->order = order;
	}
	if (!k->asleep)
		return PZ_KSWAPD_NOT_ASLEEP;
	if (is41())
		return zone_balanced41(zi, order, 0, 0) ? PZ_KSWAPD_BALANCED : PZ_KSWAPD_WOKEN;
	if (k->failures >= 16 ||
	    (pgdat_balanced61(order, classzone) && !pgdat_boosted(classzone))) {
		if (!(gfp & PZ__GFP_DIRECT_RECLAIM))
			wakeup_kcompactd(order, classzone);
		r = k->failures >= 16 ? PZ_KSWAPD_HOPELESS : PZ_KSWAPD_BALANCED;
		return r;
	}
	return PZ_KSWAPD_WOKEN;
}

/* The wake-up's delivery in deterministic mode: rounds until kswapd
 * sleeps, at most 8. */
static void deliver(int r)
{
	if (r == PZ_KSWAPD_WOKEN) {
		mp.k.asleep = false;
		mp.vm[PZ_VM_KSWAPD_WAKE]++;
		mp.kswapd_wakes++;
		mp.highorder_wakes += mp.k.order > 0;
	}
	if (r == PZ_KSWAPD_WOKEN || r == PZ_KSWAPD_NOT_ASLEEP)
		for (int i = 0; i < 8 && !kswapd_round(); i++)
			;
}

int mp_wakeup_kswapd(unsigned t, unsigned order)
{
	int r = wake(t, order, (int)t, PZ_GFP_KERNEL);

	deliver(r);
	return r;
}

void mp_compare_kswapd(pz_t *pz)
{
	struct pz_kswapd_info ki;

	assert_int_equal(pz_kswapd_info(pz, 0, &ki), 0);
	MODEL_CHECK(ki.order == mp.k.order && ki.classzone == mp.k.classzone &&
			    (bool)ki.asleep == mp.k.asleep && ki.failures == mp.k.failures,
		    "kswapd order %u classzone %d asleep %d failures %u, expected %u %d %d %u",
		    ki.order, ki.classzone, ki.asleep, ki.failures, mp.k.order, mp.k.classzone,
		    (int)mp.k.asleep, mp.k.failures);
}

/* ---- compaction: one run over a zone (compact_control) ---------------------- */

struct held {
	uint64_t v[HELD_MAX];
	size_t n;
};

struct mcc {
	int zi;
	struct model_zone *z;
	int order;
	unsigned mode; /* PZ_MIGRATE_* */
	unsigned alloc_flags, classzone, mt;
	bool ignore_skip, ignore_suitable, whole, direct, kswapd;
	bool capc;	/* 6.1 direct compaction: a capture_control is open */
	bool proactive; /* 6.1 proactive compaction */
	uint64_t mig, free;
	struct held held[MAXO]; /* free blocks compaction holds, by order */
	uint64_t nr_held;
	unsigned need;
	uint64_t batch[CLUSTER_MAX];
	unsigned nb;
	uint64_t nr_batch;
	/* 6.1's fast searches */
	unsigned fast_fail;
	int search_order;
	uint64_t fast_start;
};

/* A compact_control for zone zi and order, everything else zero. */
static void mcc_init(struct mcc *cc, int zi, int order)
{
	memset(cc, 0, sizeof(*cc));
	cc->zi = zi;
	cc->z = &model.z[zi];
	cc->order = order;
	cc->search_order = order;
}

static void held_add(struct mcc *cc, uint64_t pfn, unsigned order)
{
	struct held *h = &cc->held[order];

	assert_true(h->n < HELD_MAX);
	h->v[h->n++] = pfn;
	cc->nr_held += 1ull << order;
}

static uint64_t held_take_first(struct held *h)
{
	uint64_t pfn = h->v[0];

	memmove(h->v, h->v + 1, (h->n - 1) * sizeof(h->v[0]));
	h->n--;
	return pfn;
}

static bool has_held(const struct mcc *cc, unsigned order)
{
	for (unsigned o = order; o < MAXO; o++)
		if (cc->held[o].n)
			return true;
	return false;
}

/* The block's first and last pfn in the zone (pageblock_pfn_to_page). */
static bool in_zone(const struct mcc *cc, uint64_t first, uint64_t end)
{
	if (first < cc->z->start)
		first = cc->z->start;
	if (first >= end || end > cc->z->end)
		return false;
	return model_zone_index(first) == cc->zi && model_zone_index(end - 1) == cc->zi;
}

static bool skip_ok(const struct mcc *cc, uint64_t pfn)
{
	return cc->ignore_skip || !mp.skip[pfn >> PBO];
}

static void mark_skip(struct mcc *cc, uint64_t pfn, uint64_t isolated, bool migrate)
{
	struct mp_zone *mz = &mp.z[cc->zi];

	if (cc->ignore_skip || isolated)
		return;
	mp.skip_set += !mp.skip[pfn >> PBO];
	mp.skip[pfn >> PBO] = 1;
	if (!migrate) {
		mp.free_skip_set++;
		if (pfn < mz->cached_free)
			mz->cached_free = pfn;
		return;
	}
	for (int s = 0; s < (cc->mode == PZ_MIGRATE_ASYNC ? 1 : 2); s++)
		if (pfn > mz->cached_migrate[s])
			mz->cached_migrate[s] = pfn;
}

/* ---- the free scanner ---------------------------------------------------- */

static bool need_free(const struct mcc *cc)
{
	return cc->nr_batch > cc->nr_held || !has_held(cc, cc->need);
}

/* __isolate_free_page: the zone keeps its watermark (4.1 LOW, 6.1 MIN)
 * plus the block; a pageblock-sized block or larger is left alone. */
static uint64_t take_free(struct mcc *cc, uint64_t pfn)
{
	unsigned o = model.head[pfn] - 1u, mt = model.head_mt[pfn];
	long mark = cc->z->wmark[is41() ? 1 : 0] + (1l << o);

	if (o >= PBO || !model_watermark_ok(cc->z, 0, mark, 0, is41() ? 0 : PZ_ALLOC_CMA))
		return 0;
	model_buddy_take(pfn);
	if (o + 1 >= PBO && mt != PZ_MT_ISOLATE && mt != PZ_MT_CMA &&
	    (is41() || mt != PZ_MT_HIGHATOMIC))
		model.pb[pfn >> PBO] = PZ_MT_MOVABLE;
	held_add(cc, pfn, o);
	return 1ull << o;
}

static uint64_t free_block_scan(struct mcc *cc, uint64_t start, uint64_t end, uint64_t first,
				bool mark)
{
	uint64_t pfn = start, isolated = 0, scanned = 0;

	for (; pfn < end; pfn++) {
		uint64_t n;

		scanned++;
		if (!model.head[pfn])
			continue;
		n = take_free(cc, pfn);
		if (!n)
			break;
		isolated += n;
		pfn += n - 1;
		if (!need_free(cc)) {
			pfn++;
			break;
		}
	}
	if (pfn >= end && mark)
		mark_skip(cc, first, isolated, false);
	mp.vm[PZ_VM_COMPACT_FREE_SCANNED] += scanned;
	mp.vm[PZ_VM_COMPACT_ISOLATED] += isolated;
	return pfn;
}

static bool target_ok(const struct mcc *cc, uint64_t pfn)
{
	unsigned mt = model.pb[pfn >> PBO];

	return cc->ignore_suitable || mt == PZ_MT_MOVABLE || mt == PZ_MT_CMA;
}

static void fast_free(struct mcc *cc);

/* 6.1 searches the free lists first and walks only when that gave no
 * held block the pending target fits in. */
static void free_scanner(struct mcc *cc)
{
	int64_t block, low;
	uint64_t start;

	if (!is41()) {
		fast_free(cc);
		if (has_held(cc, cc->need))
			return;
	}
	block = (int64_t)(cc->free & ~(uint64_t)(PBN - 1));
	low = (int64_t)((cc->mig + PBN) & ~(uint64_t)(PBN - 1));
	start = cc->free;
	for (; block >= low && need_free(cc); block -= PBN, start = (uint64_t)block) {
		uint64_t first = (uint64_t)block < cc->z->start ? cc->z->start : (uint64_t)block;
		uint64_t end =
			(uint64_t)block + PBN < cc->z->end ? (uint64_t)block + PBN : cc->z->end;

		if (start < first)
			start = first;
		if (!in_zone(cc, first, end) || !target_ok(cc, first) || !skip_ok(cc, first))
			continue;
		start = free_block_scan(cc, start, end, first, true);
		cc->free = start < end ? start : (uint64_t)(block - PBN);
	}
	if (block < low)
		cc->free = cc->mig;
}

/* ---- 6.1's free-list searches (5.1: fast_isolate_freepages) ------------- */

static uint64_t pb_start(uint64_t pfn)
{
	return pfn & ~(uint64_t)(PBN - 1);
}

/* freelist_scan_limit */
static unsigned scan_limit(const struct mcc *cc)
{
	unsigned shift = cc->fast_fail < 63 ? cc->fast_fail : 63;

	return (unsigned)(32ull >> shift) + 1;
}

/* The list rotated so that entry i comes first (move_freelist_head; with
 * i + 1, move_freelist_tail of entry i). */
static void l_reverse(uint64_t *v, size_t n)
{
	for (size_t a = 0; a < n / 2; a++) {
		uint64_t t = v[a];

		v[a] = v[n - 1 - a];
		v[n - 1 - a] = t;
	}
}

static void l_rotate(struct model_list *l, size_t i)
{
	if (i == 0 || i >= l->n)
		return;
	l_reverse(l->v, i);
	l_reverse(l->v + i, l->n - i);
	l_reverse(l->v, l->n);
}

static size_t l_index(const struct model_list *l, uint64_t pfn)
{
	size_t i = 0;

	while (l->v[i] != pfn)
		i++;
	return i;
}

static unsigned blocks_free(const struct model_zone *z, int o)
{
	unsigned n = 0;

	for (unsigned mt = 0; mt < MODEL_NMT; mt++)
		n += (unsigned)z->fl[o][mt].n;
	return n;
}

struct fsearch {
	uint64_t low, min, highest, scanned, pfn;
	unsigned limit;
	bool found;
};

/* One order's movable list from the tail (the kernel's loop body). */
static void fast_free_order(struct mcc *cc, struct fsearch *s, int *order)
{
	struct model_list *l = &cc->z->fl[*order][PZ_MT_MOVABLE];
	unsigned scanned = 0;
	uint64_t high = 0, n;
	size_t i = l->n, stop = l->n;

	while (i-- > 0) {
		uint64_t pfn = l->v[i];

		scanned++;
		s->scanned++;
		if (pfn >= s->highest)
			s->highest = pb_start(pfn) > cc->z->start ? pb_start(pfn) : cc->z->start;
		if (pfn >= s->low) {
			cc->fast_fail = 0;
			cc->search_order = *order;
			s->found = true;
			s->pfn = pfn;
			break;
		}
		if (pfn >= s->min && pfn > high) {
			high = pfn;
			s->limit >>= 1;
		}
		if (scanned >= s->limit) {
			stop = i;
			break;
		}
	}
	if (!s->found && high) {
		s->found = true;
		s->pfn = high;
	}
	l_rotate(l, s->found ? l_index(l, s->pfn) : stop);
	if (s->found) {
		n = take_free(cc, s->pfn);
		if (n) {
			s->scanned += n - 1;
			mp.vm[PZ_VM_COMPACT_ISOLATED] += n;
			mp.fast_free_found++;
		} else {
			*order = cc->search_order + 1;
			s->found = false;
		}
	}
	if (scanned >= s->limit)
		s->limit = s->limit > 1 ? s->limit >> 1 : 1;
}

static int next_order(struct mcc *cc, int order)
{
	if (--order < 0)
		order = cc->order - 1;
	if (order != cc->search_order)
		return order;
	if (--cc->search_order < 0)
		cc->search_order = cc->order - 1;
	return -1;
}

/* fast_isolate_around */
static void fast_around(struct mcc *cc, uint64_t pfn)
{
	uint64_t start = pb_start(pfn), end = start + PBN;

	if (!need_free(cc) || (cc->direct && cc->mode == PZ_MIGRATE_ASYNC))
		return;
	start = start > cc->z->start ? start : cc->z->start;
	end = end < cc->z->end ? end : cc->z->end;
	if (!in_zone(cc, start, end))
		return;
	free_block_scan(cc, start, end, start, false);
	if (need_free(cc))
		mp.skip[start >> PBO] = 1;
}

/* A first search that found nothing starts the free scanner at the
 * highest block it saw in the top half, or (direct) at the half mark. */
static bool fast_start_at(struct mcc *cc, struct fsearch *s)
{
	uint64_t m = s->min, end = pb_start(m) + PBN;

	mp.fast_free_start++;
	if (s->highest >= m) {
		cc->free = s->pfn = s->highest;
		return true;
	}
	if (!cc->direct || m >= MODEL_NPFN)
		return false;
	cc->free = s->pfn = m;
	return m >= cc->z->start && in_zone(cc, m, end < cc->z->end ? end : cc->z->end);
}

static void fast_free(struct mcc *cc)
{
	struct mp_zone *mz = &mp.z[cc->zi];
	uint64_t distance = cc->free - cc->mig;
	bool scan_start = cc->free >= mz->init_free;
	struct fsearch s = {0};

	s.limit = scan_limit(cc) >> 1 ? scan_limit(cc) >> 1 : 1;
	if (cc->order <= 0)
		return;
	if (scan_start)
		s.limit = PBN >> 1;
	s.low = pb_start(cc->free - (distance >> 2));
	s.min = pb_start(cc->free - (distance >> 1));
	if (s.min > s.low)
		s.low = s.min;
	if (cc->search_order > cc->order - 1)
		cc->search_order = cc->order - 1;
	for (int o = cc->search_order; !s.found && o >= 0; o = next_order(cc, o))
		if (blocks_free(cc->z, o))
			fast_free_order(cc, &s, &o);
	if (!s.found) {
		cc->fast_fail++;
		if (scan_start)
			s.found = fast_start_at(cc, &s);
	}
	if (s.highest && s.highest >= mz->cached_free)
		mz->cached_free = s.highest - PBN;
	mp.vm[PZ_VM_COMPACT_FREE_SCANNED] += s.scanned;
	if (s.found)
		fast_around(cc, s.pfn);
}

/* compaction_alloc: the first held block of the smallest order that fits,
 * its upper halves held again (pagezone's, where the kernel splits every
 * free page to order 0 when it isolates it). */
static bool target_alloc(struct mcc *cc, unsigned order, uint64_t *out)
{
	unsigned o = order;

	cc->need = order;
	if (!has_held(cc, order))
		free_scanner(cc);
	while (o < MAXO && !cc->held[o].n)
		o++;
	if (o >= MAXO)
		return false;
	*out = held_take_first(&cc->held[o]);
	cc->nr_held -= 1ull << o;
	while (o > order) {
		o--;
		held_add(cc, *out + (1ull << o), o);
	}
	return true;
}

static uint64_t release_held(struct mcc *cc)
{
	uint64_t high = 0;

	for (unsigned o = 0; o < MAXO; o++)
		for (size_t i = 0; i < cc->held[o].n; i++) {
			uint64_t pfn = cc->held[o].v[i];

			model_buddy_free(pfn, o, model.pb[pfn >> PBO]);
			high = pfn > high ? pfn : high;
		}
	return high;
}

/* ---- the migrate scanner --------------------------------------------------- */

/* A block the scanner may move: an allocated head recording a movable
 * type, aligned, inside the zone, below max (the pageblock order, and the
 * request's order for direct compaction). */
static bool candidate(const struct mcc *cc, uint64_t pfn, unsigned max)
{
	unsigned a = model.alloc[pfn], o, mt = model.alloc_mt[pfn];

	if (!a || !mp.handler || (mt != PZ_MT_MOVABLE && mt != PZ_MT_CMA))
		return false;
	o = a - 1u;
	return o < max && !(pfn & ((1ull << o) - 1)) && pfn + (1ull << o) <= cc->z->end;
}

static uint64_t migrate_block_scan(struct mcc *cc, uint64_t low, uint64_t end)
{
	unsigned max = cc->order > 0 && cc->order < PBO ? (unsigned)cc->order : PBO;
	uint64_t pfn = low, isolated = 0, scanned = 0;

	while (pfn < end) {
		scanned++;
		if (!candidate(cc, pfn, max)) {
			pfn++;
			continue;
		}
		cc->batch[cc->nb++] = pfn;
		cc->nr_batch += 1ull << (model.alloc[pfn] - 1);
		isolated += 1ull << (model.alloc[pfn] - 1);
		pfn += 1ull << (model.alloc[pfn] - 1);
		if (cc->nr_batch >= CLUSTER_MAX || cc->nb == CLUSTER_MAX)
			break;
	}
	if (pfn >= end)
		mark_skip(cc, low & ~(uint64_t)(PBN - 1), isolated, true);
	mp.vm[PZ_VM_COMPACT_MIGRATE_SCANNED] += scanned;
	mp.vm[PZ_VM_COMPACT_ISOLATED] += isolated;
	return pfn < end ? pfn : end;
}

static bool source_ok(const struct mcc *cc, uint64_t pfn)
{
	unsigned mt = model.pb[pfn >> PBO];
	bool movable = mt == PZ_MT_MOVABLE || mt == PZ_MT_CMA;

	if (cc->mode != PZ_MIGRATE_ASYNC)
		return true;
	if (is41() || !cc->direct || cc->mt == PZ_MT_MOVABLE)
		return movable;
	return mt == cc->mt;
}

/* 6.1 (fast_find_migrateblock): one order's movable list from its head,
 * for a free block below high in a block without a skip bit. */
static bool fast_migrate_order(struct mcc *cc, int o, uint64_t high, unsigned limit,
			       unsigned *scanned, uint64_t *pfn)
{
	struct model_list *l = &cc->z->fl[o][PZ_MT_MOVABLE];

	for (size_t i = 0; i < l->n; i++) {
		uint64_t fp = l->v[i];

		if ((*scanned)++ >= limit) {
			l_rotate(l, i + 1);
			return false;
		}
		if (fp >= high || mp.skip[fp >> PBO])
			continue;
		l_rotate(l, i + 1);
		if (cc->fast_start != UINT64_MAX && (!cc->fast_start || fp < cc->fast_start))
			cc->fast_start = fp;
		*pfn = pb_start(fp) > cc->z->start ? pb_start(fp) : cc->z->start;
		cc->fast_fail = 0;
		mp.skip[fp >> PBO] = 1;
		mp.fast_migrate_found++;
		return true;
	}
	return false;
}

/* Where the migrate scanner goes on: a block found on the lists (costly
 * orders, movable requests or kcompactd, at a block boundary), or after a
 * failed search once the lowest block found before. */
static uint64_t fast_migrate(struct mcc *cc)
{
	unsigned limit = scan_limit(cc), scanned = 0;
	uint64_t pfn = cc->mig, distance, high;
	bool found = false;

	if (cc->ignore_skip || (pfn != cc->z->start && pfn != pb_start(pfn)) || cc->order <= 3 ||
	    (cc->direct && cc->mt != PZ_MT_MOVABLE))
		return pfn;
	distance = (cc->free - cc->mig) >> 1;
	if (cc->mig != cc->z->start)
		distance >>= 2;
	high = pb_start(cc->mig + distance);
	for (int o = cc->order - 1; o >= 3 && !found && scanned < limit; o--)
		if (blocks_free(cc->z, o))
			found = fast_migrate_order(cc, o, high, limit, &scanned, &pfn);
	mp.vm[PZ_VM_COMPACT_MIGRATE_SCANNED] += scanned;
	if (found)
		return pfn;
	cc->fast_fail++;
	if (cc->fast_start && cc->fast_start != UINT64_MAX) {
		cc->mig = cc->fast_start;
		cc->fast_start = UINT64_MAX;
		mp.fast_reinit++;
	}
	return cc->mig;
}

/* 4.x tests every block's skip bit; 6.1 only at a block boundary, and
 * not for the block its search just marked. */
static bool source_skip_ok(const struct mcc *cc, uint64_t low, uint64_t first, bool fast_block)
{
	if (is41())
		return skip_ok(cc, first);
	return (low & (PBN - 1)) || fast_block || skip_ok(cc, first);
}

static bool migrate_scanner(struct mcc *cc)
{
	uint64_t low = is41() ? cc->mig : fast_migrate(cc);
	uint64_t end = (low + PBN) & ~(uint64_t)(PBN - 1);
	bool fast_block = low != cc->mig && !cc->fast_fail;

	for (; end <= cc->free; low = end, end += PBN, fast_block = false) {
		uint64_t first = end - PBN < cc->z->start ? cc->z->start : end - PBN;
		uint64_t stop = end < cc->z->end ? end : cc->z->end;

		if (!in_zone(cc, first, stop) || !source_skip_ok(cc, low, first, fast_block) ||
		    !source_ok(cc, first))
			continue;
		low = migrate_block_scan(cc, low < first ? first : low, stop);
		break;
	}
	cc->mig = end <= cc->free ? low : cc->free;
	return cc->nb > 0;
}

/* ---- migrate_pages ---------------------------------------------------------- */

static void log_call(uint64_t src, uint64_t dst, unsigned order, int answer)
{
	assert_true(mp.ncalls < MP_MAXCALLS);
	mp.calls[mp.ncalls++] = (struct mp_call){src, dst, order, answer};
}

/* A batch's pages: moved, failed for good, BUSY in this pass, and the
 * block left without a target. */
struct mtally {
	uint64_t ok, failed, retry, stuck;
};

/* One pass; false when no target was left (-ENOMEM). */
static bool migrate_pass(struct mcc *cc, struct mtally *t)
{
	for (unsigned i = 0; i < cc->nb; i++) {
		uint64_t src = cc->batch[i], dst, n;
		unsigned o;
		int a;

		if (src == UINT64_MAX)
			continue;
		o = model.alloc[src] - 1u;
		n = 1ull << o;
		if (!target_alloc(cc, o, &dst)) {
			t->stuck = n;
			return false;
		}
		a = mp_answer(mp.seed, src, mp.attempts[src]++);
		log_call(src, dst, o, a);
		if (a == PZ_MIGRATE_OK) {
			model.alloc[dst] = (uint8_t)(o + 1);
			model.alloc_mt[dst] = model.alloc_mt[src];
			model_free(src, o, 0);
			t->ok += n;
			mp.migrated++;
		} else {
			held_add(cc, dst, o);
			if (a == PZ_MIGRATE_BUSY) {
				mp.retried++;
				t->retry += n;
				continue;
			}
			t->failed += n;
			mp.refused++;
		}
		cc->batch[i] = UINT64_MAX;
		cc->nr_batch -= n;
	}
	return true;
}

/* PGMIGRATE_FAIL for what is left when migrate_pages ends: 4.1 nothing;
 * 4.4 the pages still BUSY after ten passes (not at -ENOMEM); 6.1 those,
 * or at -ENOMEM the stuck block and that pass's BUSY pages before it. */
static bool migrate_batch(struct mcc *cc)
{
	struct mtally t = {0, 0, 0, 0};
	bool found = true;

	for (int pass = 0; pass < 10 && cc->nr_batch && found; pass++) {
		t.retry = 0;
		found = migrate_pass(cc, &t);
	}
	if (!is41() || (is44() && found))
		t.failed += t.retry + (found ? 0 : t.stuck);
	cc->nb = 0;
	cc->nr_batch = 0;
	mp.vm[PZ_VM_PGMIGRATE_SUCCESS] += t.ok;
	mp.vm[PZ_VM_PGMIGRATE_FAIL] += t.failed;
	return found;
}

/* ---- when a run stops, whether it starts ------------------------------------ */

static bool steals(unsigned order, unsigned mt)
{
	return order >= PBO || order >= PBO / 2 || mt == PZ_MT_RECLAIMABLE ||
	       mt == PZ_MT_UNMOVABLE || model.nomob;
}

static bool free_block_fits(const struct mcc *cc)
{
	static const unsigned fb[3][2] = {
		[PZ_MT_UNMOVABLE] = {PZ_MT_RECLAIMABLE, PZ_MT_MOVABLE},
		[PZ_MT_MOVABLE] = {PZ_MT_RECLAIMABLE, PZ_MT_UNMOVABLE},
		[PZ_MT_RECLAIMABLE] = {PZ_MT_UNMOVABLE, PZ_MT_MOVABLE},
	};
	const struct model_zone *z = cc->z;

	for (unsigned o = (unsigned)cc->order; o < MAXO; o++) {
		unsigned any = 0;

		if (z->fl[o][cc->mt].n || (cc->mt == PZ_MT_MOVABLE && z->fl[o][PZ_MT_CMA].n))
			return true;
		for (unsigned mt = 0; mt < MODEL_NMT; mt++)
			any += (unsigned)z->fl[o][mt].n;
		for (unsigned i = 0; i < 2 && any && cc->mt < 3; i++)
			if (z->fl[o][fb[cc->mt][i]].n && steals(o, cc->mt))
				return true;
	}
	return false;
}

static enum mp_result proactive_finished(const struct mcc *cc);

static enum mp_result finished(struct mcc *cc)
{
	if (cc->free <= cc->mig) {
		reset_cached(cc->zi);
		if (cc->direct)
			mp.z[cc->zi].blockskip_flush = true;
		mp.scanners_met++;
		return is41() || cc->whole ? MP_COMPLETE : MP_PARTIAL_SKIPPED;
	}
	if (cc->proactive)
		return proactive_finished(cc);
	if (cc->order < 0)
		return MP_CONTINUE;
	if (is41()) {
		if (!model_watermark_ok(cc->z, (unsigned)cc->order, cc->z->wmark[1], cc->classzone,
					cc->alloc_flags))
			return MP_CONTINUE;
	} else if (cc->mig & (PBN - 1)) {
		return MP_CONTINUE;
	}
	return free_block_fits(cc) ? MP_SUCCESS : MP_CONTINUE;
}

/* fragmentation_index in thousandths */
static int frag_index(const struct model_zone *z, unsigned order)
{
	uint64_t total = 0, free = 0, suitable = 0;

	for (unsigned o = 0; o < MAXO; o++) {
		uint64_t b = 0;

		for (unsigned mt = 0; mt < MODEL_NMT; mt++)
			b += z->fl[o][mt].n;
		total += b;
		free += b << o;
		suitable += o >= order ? b << (o - order) : 0;
	}
	if (!total)
		return 0;
	if (suitable)
		return -1000;
	return (int)(1000 - (int64_t)((1000 + free * 1000 / (1ull << order)) / total));
}

static enum mp_result suitable(const struct mcc *cc)
{
	const struct model_zone *z = cc->z;
	long low = z->wmark[1], mark;
	unsigned o = (unsigned)cc->order;
	int fi;

	if (cc->order < 0)
		return MP_CONTINUE;
	/* 6.1's marks are wmark_pages: boosted (4.1 has no boost) */
	mark = (is41() ? low : z->wmark[cc->alloc_flags & 3]) + z->boost;
	if (model_watermark_ok(z, o, mark, cc->classzone, cc->alloc_flags))
		return MP_SUCCESS;
	if (is41())
		mark = low + (2l << o);
	else
		mark = (o > 3 ? low : z->wmark[0]) + z->boost + (2l << o);
	if (!model_watermark_ok(z, 0, mark, cc->classzone, is41() ? cc->alloc_flags : PZ_ALLOC_CMA))
		return MP_SKIPPED;
	if (!is41() && o <= 3)
		return MP_CONTINUE;
	fi = frag_index(z, o);
	return fi >= 0 && fi <= 500 ? MP_SKIPPED : MP_CONTINUE;
}

static void setup_scanners(struct mcc *cc)
{
	struct mp_zone *mz = &mp.z[cc->zi];

	cc->mig = mz->cached_migrate[cc->mode != PZ_MIGRATE_ASYNC];
	cc->free = mz->cached_free;
	if (cc->whole) {
		cc->mig = cc->z->start;
		cc->free = last_block(cc->z);
		return;
	}
	if (cc->free <= cc->z->start || cc->free > cc->z->end)
		cc->free = mz->cached_free = last_block(cc->z);
	if (cc->mig < cc->z->start || cc->mig > cc->z->end)
		cc->mig = mz->cached_migrate[0] = mz->cached_migrate[1] = cc->z->start;
	if (!is41() && cc->mig <= cc->z->start)
		cc->whole = true;
}

static bool restarting(const struct mp_zone *mz, unsigned order)
{
	return (int)order >= mz->order_failed && mz->defer_shift == MAX_DEFER &&
	       mz->considered >= 1u << MAX_DEFER;
}

static enum mp_result compact_zone(struct mcc *cc)
{
	enum mp_result r = suitable(cc);
	uint64_t last_migrated = 0, high;

	if (r == MP_SUCCESS || r == MP_SKIPPED)
		return r;
	/* 4.1's kswapd leaves the reset to its sleep */
	if (cc->order >= 0 && !cc->kswapd && restarting(&mp.z[cc->zi], (unsigned)cc->order))
		reset_zone(cc->zi);
	setup_scanners(cc);
	while ((r = finished(cc)) == MP_CONTINUE) {
		uint64_t start = cc->mig;

		if (migrate_scanner(cc)) {
			if (!migrate_batch(cc) && cc->free > cc->mig) {
				r = is41() ? MP_SUCCESS : MP_CONTENDED;
				break;
			}
			if (!last_migrated)
				last_migrated = start;
		}
		if (cc->order > 0 && last_migrated &&
		    last_migrated < (cc->mig & ~((1ull << cc->order) - 1))) {
			model_drain_zone(cc->zi);
			mp.drains++;
			last_migrated = 0;
		}
		if (cc->capc && mp.captured) {
			r = MP_SUCCESS;
			break;
		}
	}
	high = release_held(cc) & ~(uint64_t)(PBN - 1);
	if (high > mp.z[cc->zi].cached_free)
		mp.z[cc->zi].cached_free = high;
	return r;
}

void mp_compact_manual(int zi)
{
	struct mcc cc;

	memset(&cc, 0, sizeof(cc));
	cc.zi = zi;
	cc.z = &model.z[zi];
	cc.order = -1;
	cc.mode = PZ_MIGRATE_SYNC;
	cc.mt = PZ_MT_UNMOVABLE;
	cc.ignore_skip = true;
	cc.whole = !is41();
	if (is41()) /* 4.x's compact_pgdat clears the zone; 6.1's compact_node does not */
		reset_skip(zi);
	compact_zone(&cc);
	model_drain_zone(zi);
}

/* ---- direct compaction (try_to_compact_pages) ------------------------------- */

static bool deferred(struct mp_zone *mz, unsigned order)
{
	unsigned limit = 1u << mz->defer_shift;

	if ((int)order < mz->order_failed)
		return false;
	if (++mz->considered > limit)
		mz->considered = limit;
	return mz->considered < limit;
}

static void defer(struct mp_zone *mz, unsigned order)
{
	mz->considered = 0;
	if (++mz->defer_shift > MAX_DEFER)
		mz->defer_shift = MAX_DEFER;
	if ((int)order < mz->order_failed)
		mz->order_failed = (int)order;
	mp.deferrals++;
}

static void defer_reset(struct mp_zone *mz, unsigned order)
{
	if ((int)order >= mz->order_failed)
		mz->order_failed = (int)order + 1;
}

/* rc = max(rc, status) in the kernel's own order of results */
static enum mp_result max_result(enum mp_result a, enum mp_result b)
{
	/* 4.1: DEFERRED < SKIPPED < CONTINUE < PARTIAL < COMPLETE */
	static const int r41[] = {1, 1, 0, 2, 2, 4, 4, 3, 3};

	if (is41())
		return r41[a] >= r41[b] ? a : b;
	return a >= b ? a : b;
}

/* ---- capture_control (6.1, since 5.1) ---------------------------------- */

/* The compaction that may capture: its zone and order (one at a time). */
static struct mcc *capturing;

/* compaction_capture, asked by model.c's buddy free at every level of a
 * merge: a block of exactly the order, in the compaction's zone, not CMA
 * or ISOLATE, and not MOVABLE below a pageblock, becomes the compactor's
 * (the single-threaded test frees only as the compacting task). */
static int capture_hook(int zi, uint64_t pfn, unsigned order, unsigned mt)
{
	if (!capturing || mp.captured || zi != capturing->zi || order != (unsigned)capturing->order)
		return 0;
	if (mt == PZ_MT_CMA || mt == PZ_MT_ISOLATE || (order < PBO && mt == PZ_MT_MOVABLE))
		return 0;
	mp.captured = true;
	mp.capture_pfn = pfn;
	mp.capture_order = order;
	mp.captures++;
	model.alloc[pfn] = (uint8_t)(order + 1);
	model.alloc_mt[pfn] = (uint8_t)mt;
	return 1;
}

/* compact_zone_order's capture window around compact_zone (6.1): a block
 * captured makes the result SUCCESS. */
static enum mp_result capture_compact_zone(struct mcc *cc)
{
	enum mp_result st;

	if (is41())
		return compact_zone(cc);
	cc->capc = true;
	capturing = cc;
	model.capture = capture_hook;
	st = compact_zone(cc);
	model.capture = NULL;
	capturing = NULL;
	return mp.captured ? MP_SUCCESS : st;
}

static enum mp_result compact_one(int zi, pz_gfp_t gfp, unsigned order, unsigned flags,
				  unsigned mode, enum mp_prio prio, bool *stop)
{
	unsigned high = mp_gfp_high(gfp);
	struct mcc cc;
	enum mp_result st;

	mcc_init(&cc, zi, (int)order);
	cc.mode = mode;
	cc.alloc_flags = flags;
	cc.classzone = is41() ? model.z[0].type : high;
	for (unsigned i = 0; i < model.nz && is41(); i++)
		if (model.z[i].type <= high) {
			cc.classzone = model.z[i].type;
			break;
		}
	cc.mt = model_gfp_mt(gfp);
	cc.direct = true;
	cc.whole = cc.ignore_skip = cc.ignore_suitable = !is41() && prio == MP_PRIO_SYNC_FULL;
	st = capture_compact_zone(&cc);
	*stop = is41() ? model_watermark_ok(cc.z, order, cc.z->wmark[1], cc.classzone, flags)
		       : st == MP_SUCCESS;
	if (*stop)
		defer_reset(&mp.z[zi], order);
	else if (mode != PZ_MIGRATE_ASYNC &&
		 (st == MP_COMPLETE || (!is41() && st == MP_PARTIAL_SKIPPED)))
		defer(&mp.z[zi], order);
	return st;
}

enum mp_result mp_try_to_compact(pz_gfp_t gfp, unsigned order, unsigned alloc_flags, unsigned mode,
				 enum mp_prio prio)
{
	enum mp_result rc = is41() ? MP_DEFERRED : MP_SKIPPED;
	unsigned high = mp_gfp_high(gfp);
	bool stop = false;

	mp.captured = false;
	if (!(gfp & PZ__GFP_IO) || (is41() && (!order || !(gfp & PZ__GFP_FS))) || !mp.handler)
		return MP_SKIPPED;
	if (!is41())
		mode = prio == MP_PRIO_ASYNC ? PZ_MIGRATE_ASYNC : PZ_MIGRATE_SYNC_LIGHT;
	for (unsigned i = 0; i < model.nz && !stop; i++) {
		if (model.z[i].type > high)
			continue;
		if ((is41() || prio > MP_PRIO_SYNC_FULL) && deferred(&mp.z[i], order)) {
			if (!is41())
				rc = max_result(MP_DEFERRED, rc);
			continue;
		}
		rc = max_result(compact_one((int)i, gfp, order, alloc_flags, mode, prio, &stop),
				rc);
		mp.direct_success += stop;
	}
	return rc;
}

/* ---- kcompactd (6.1; inline, as deterministic mode runs it) -------------- */

/* kcompactd_do_work: every zone up to the recorded one, lowest first,
 * not deferred and suitable for the order at its own index, compacted
 * SYNC_LIGHT for an unmovable GFP_KERNEL request of the recorded order. */
static void kcompactd_do_work(void)
{
	int order = mp.kc_order, high = mp.kc_high;

	mp.vm[PZ_VM_COMPACT_DAEMON_WAKE]++;
	mp.kcompactd_runs++;
	mp.proactive_wait = 0; /* woken for work: the default timeout again */
	for (unsigned i = model.nz; i-- > 0;) {
		uint64_t ms = mp.vm[PZ_VM_COMPACT_MIGRATE_SCANNED];
		uint64_t fs = mp.vm[PZ_VM_COMPACT_FREE_SCANNED];
		struct mcc cc;
		enum mp_result st;

		if ((int)model.z[i].type > high || deferred(&mp.z[i], (unsigned)order))
			continue;
		mcc_init(&cc, (int)i, order);
		cc.mode = PZ_MIGRATE_SYNC_LIGHT;
		cc.classzone = model.z[i].type;
		cc.mt = PZ_MT_UNMOVABLE;
		if (suitable(&cc) != MP_CONTINUE)
			continue;
		cc.classzone = (unsigned)high;
		st = compact_zone(&cc);
		if (st == MP_SUCCESS) {
			defer_reset(&mp.z[i], (unsigned)order);
		} else if (st == MP_PARTIAL_SKIPPED || st == MP_COMPLETE) {
			model_drain_zone((int)i);
			defer(&mp.z[i], (unsigned)order);
		}
		mp.kcompactd_success += st == MP_SUCCESS;
		mp.vm[PZ_VM_COMPACT_DAEMON_MIGRATE_SCANNED] +=
			mp.vm[PZ_VM_COMPACT_MIGRATE_SCANNED] - ms;
		mp.vm[PZ_VM_COMPACT_DAEMON_FREE_SCANNED] += mp.vm[PZ_VM_COMPACT_FREE_SCANNED] - fs;
	}
	if (mp.kc_order <= order)
		mp.kc_order = 0;
	if (mp.kc_high >= high)
		mp.kc_high = (int)nr_zones() - 1;
}

/* compaction_suitable of zone zi (alloc_flags 0) as kswapd asks it; a
 * zone whose pages nobody can move is SKIPPED. */
static enum mp_result zone_suitable(int zi, unsigned order, unsigned classzone)
{
	struct mcc cc;
	enum mp_result r;

	mcc_init(&cc, zi, (int)order);
	cc.classzone = classzone;
	r = suitable(&cc);
	return r == MP_CONTINUE && !mp.handler ? MP_SKIPPED : r;
}

/* compact_pgdat (4.1 kswapd): every zone, lowest first, async for an
 * unmovable request of the order at class zone 0, deferral respected;
 * a zone at LOW for the order afterwards has its deferral order reset. */
static void compact_pgdat(unsigned order)
{
	if (!order)
		return;
	mp.kswapd_compactions++;
	for (unsigned i = model.nz; i-- > 0;) {
		struct mcc cc;

		mcc_init(&cc, (int)i, (int)order);
		cc.mode = PZ_MIGRATE_ASYNC;
		cc.mt = PZ_MT_UNMOVABLE;
		cc.kswapd = true;
		if (!deferred(&mp.z[i], order))
			compact_zone(&cc);
		if (model_watermark_ok(cc.z, order, cc.z->wmark[1], 0, 0))
			defer_reset(&mp.z[i], order);
	}
}

/* kcompactd_node_suitable, for the recorded order and zone. */
static bool kcompactd_node_suitable(void)
{
	for (unsigned i = 0; i < model.nz; i++) {
		struct mcc cc;

		if ((int)model.z[i].type > mp.kc_high)
			continue;
		mcc_init(&cc, (int)i, mp.kc_order);
		cc.classzone = (unsigned)mp.kc_high;
		if (suitable(&cc) == MP_CONTINUE)
			return true;
	}
	return false;
}

/* wakeup_kcompactd: records the largest order and lowest zone, and runs
 * the pass when some zone would compact. */
static void wakeup_kcompactd(unsigned order, int highest)
{
	if (is41() || !order)
		return;
	mp.kcompactd_wakes++;
	if (mp.kc_order < (int)order)
		mp.kc_order = (int)order;
	if (mp.kc_high > highest)
		mp.kc_high = highest;
	if (kcompactd_node_suitable())
		kcompactd_do_work();
}

/* ---- proactive compaction (6.1, since 5.9) ------------------------------ */

/* extfrag_for_order at the pageblock (THP) order: the percentage of the
 * zone's free pages in smaller blocks. */
static unsigned zone_score(const struct model_zone *z)
{
	uint64_t free = 0, suitable = 0;

	for (unsigned o = 0; o < MAXO; o++) {
		uint64_t b = 0;

		for (unsigned mt = 0; mt < MODEL_NMT; mt++)
			b += z->fl[o][mt].n;
		free += b << o;
		suitable += o >= PBO ? b << (o - PBO) : 0;
	}
	return free ? (unsigned)((free - (suitable << PBO)) * 100 / free) : 0;
}

/* The zone's present pages: its span less its hole (from the machine). */
static uint64_t zone_present(unsigned zi)
{
	for (unsigned i = 0; i < model.mc->nz; i++) {
		const struct model_zspec *s = &model.mc->z[i];

		if (s->type == model.z[zi].type)
			return s->end - s->start - (s->hole_e - s->hole_s);
	}
	return 0;
}

unsigned mp_fragmentation_score(void)
{
	uint64_t present = 0, score = 0;

	for (unsigned i = 0; i < model.nz; i++)
		present += zone_present(i);
	for (unsigned i = 0; i < model.nz; i++)
		score += zone_present(i) * zone_score(&model.z[i]) / (present + 1);
	return (unsigned)score;
}

/* fragmentation_score_wmark */
static unsigned score_mark(bool low)
{
	unsigned wlow = 100 - mp.proactiveness < 5 ? 5 : 100 - mp.proactiveness;

	return low ? wlow : (wlow + 10 > 100 ? 100 : wlow + 10);
}

static enum mp_result proactive_finished(const struct mcc *cc)
{
	if (!mp.k.asleep) /* kswapd_is_running */
		return MP_PARTIAL_SKIPPED;
	return zone_score(cc->z) > score_mark(true) ? MP_CONTINUE : MP_SUCCESS;
}

/* proactive_compact_node: every zone, lowest first, whole, SYNC_LIGHT,
 * skip bits ignored (and left as they are). */
static void proactive_compact_node(void)
{
	mp.proactive_runs++;
	for (unsigned i = model.nz; i-- > 0;) {
		struct mcc cc;

		mcc_init(&cc, (int)i, -1);
		cc.mode = PZ_MIGRATE_SYNC_LIGHT;
		cc.mt = PZ_MT_UNMOVABLE;
		cc.ignore_skip = cc.whole = cc.proactive = true;
		compact_zone(&cc);
	}
}

/* compaction_proactiveness_sysctl_handler: a nonzero write sets the
 * trigger and wakes kcompactd, which in deterministic mode runs its
 * check inline at once. */
void mp_set_proactiveness(unsigned v)
{
	mp.proactiveness = v;
	if (!v)
		return;
	mp.proactive_trigger = true;
	mp_kcompactd_tick();
}

/* kcompactd's timeout: the trigger, the wait of a pass that did not
 * lower the score (64 timeouts), should_proactive_compact_node. */
int mp_kcompactd_tick(void)
{
	bool trigger = mp.proactive_trigger;
	unsigned wait = mp.proactive_wait, prev;

	mp.proactive_trigger = false;
	if (is41() || !mp.proactiveness)
		return 0;
	mp.proactive_wait = trigger || !wait ? 0 : wait - 1;
	if (wait && !trigger) {
		mp.proactive_waits++;
		return 0;
	}
	if (!mp.k.asleep || mp_fragmentation_score() <= score_mark(false))
		return 0;
	prev = mp_fragmentation_score();
	proactive_compact_node();
	if (mp_fragmentation_score() >= prev)
		mp.proactive_wait = 63;
	return 1;
}

/* compaction_ready (direct reclaim of a costly order): compaction could
 * serve the zone without more reclaim. */
static bool compaction_ready(int zi, unsigned order, unsigned high)
{
	struct model_zone *z = &model.z[zi];
	struct mcc cc;
	enum mp_result r;

	memset(&cc, 0, sizeof(cc));
	cc.zi = zi;
	cc.z = z;
	cc.order = (int)order;
	cc.classzone = is41() ? 0 : high;
	if (is41()) {
		long gap = (long)((z->managed + 99) / 100), low = z->wmark[1];
		bool ok = model_watermark_ok(
			z, 0, z->wmark[2] + (gap < low ? gap : low) + (2l << order), 0, 0);

		if (deferred(&mp.z[zi], order))
			return ok;
		return suitable(&cc) == MP_SKIPPED || !mp.handler ? false : ok;
	}
	r = suitable(&cc);
	if (r == MP_CONTINUE && !mp.handler)
		r = MP_SKIPPED;
	if (r == MP_SUCCESS || r == MP_SKIPPED)
		return r == MP_SUCCESS;
	return model_watermark_ok(z, 0, high_mark(z) + (2l << order), high, 0);
}

/* __alloc_pages_direct_compact: a page after compaction, or 0. */
static int slow_compact(pz_gfp_t gfp, unsigned order, unsigned mode, enum mp_prio prio,
			enum mp_result *r, uint64_t *pfn)
{
	const unsigned flags = PZ_ALLOC_WMARK_MIN;

	*r = mp_try_to_compact(gfp, order, flags, mode, prio);
	if (*r == MP_SKIPPED || (is41() && *r == MP_DEFERRED))
		return 0;
	mp.vm[PZ_VM_COMPACT_STALL]++;
	if (mp.captured) /* 6.1: the captured block, prepared as it is */
		*pfn = mp.capture_pfn;
	else if (!model_get_page(gfp, order, flags, pfn)) {
		mp.vm[PZ_VM_COMPACT_FAIL]++;
		return 0;
	}
	mp.z[model_zone_index(*pfn)].considered = 0;
	mp.z[model_zone_index(*pfn)].defer_shift = 0;
	mp.z[model_zone_index(*pfn)].blockskip_flush = false; /* every kernel clears it */
	defer_reset(&mp.z[model_zone_index(*pfn)], order);
	mp.vm[PZ_VM_COMPACT_SUCCESS]++;
	mp.slow_compact_pages++;
	return 1;
}

/* __alloc_pages_direct_reclaim: the page after reclaim (drain, retry);
 * *progress (when not NULL) what reclaim returned. */
static int slow_reclaim(pz_gfp_t gfp, unsigned order, uint64_t *pfn, uint64_t *progress)
{
	uint64_t got = mp_direct_reclaim(gfp, order);

	if (progress)
		*progress = got;
	if (!got)
		return 0;
	mp.slow_reclaims++;
	if (model_get_page(gfp, order, PZ_ALLOC_WMARK_MIN, pfn))
		return 1;
	/* 4.4 and 6.1 give a HIGHATOMIC block back first (not the last one) */
	if (model.prof != PZ_PROFILE_LINUX_4_1)
		mp.unreserved += (unsigned long)model_unreserve_highatomic(gfp, 0);
	model_drain_all();
	return model_get_page(gfp, order, PZ_ALLOC_WMARK_MIN, pfn);
}

int mp_alloc_slow(pz_gfp_t gfp, unsigned order, uint64_t *pfn)
{
	enum mp_result r;

	mp.slow_calls++;
	if (model_alloc(gfp, order, pfn)) {
		mp.slow_fast++;
		return 1; /* the fast path or the MIN attempt */
	}
	if (is41()) {
		if (slow_compact(gfp, order, PZ_MIGRATE_ASYNC, MP_PRIO_ASYNC, &r, pfn) ||
		    slow_reclaim(gfp, order, pfn, NULL))
			return 1;
		/* NORETRY: no retry, one last (sync-light) compaction */
		return slow_compact(gfp, order, PZ_MIGRATE_SYNC_LIGHT, MP_PRIO_ASYNC, &r, pfn);
	}
	if (slow_compact(gfp, order, PZ_MIGRATE_ASYNC, MP_PRIO_ASYNC, &r, pfn))
		return 1;
	if (r == MP_SKIPPED || r == MP_DEFERRED)
		return 0; /* costly and NORETRY */
	if (model_get_page(gfp, order, PZ_ALLOC_WMARK_MIN, pfn) ||
	    slow_reclaim(gfp, order, pfn, NULL))
		return 1;
	return slow_compact(gfp, order, PZ_MIGRATE_ASYNC, MP_PRIO_ASYNC, &r, pfn);
}

/* The slow path's two steps for the retry model (model_oom.c). */
int mp_slow_compact(pz_gfp_t gfp, unsigned order, unsigned mode, enum mp_prio prio,
		    enum mp_result *r, uint64_t *pfn)
{
	return slow_compact(gfp, order, mode, prio, r, pfn);
}

int mp_slow_reclaim(pz_gfp_t gfp, unsigned order, uint64_t *progress, uint64_t *pfn)
{
	return slow_reclaim(gfp, order, pfn, progress);
}

/* ---- a request that wakes kswapd but does not reclaim --------------------- */

/* get_page_from_freelist; rmqueue wakes kswapd (order 0, the zone's own
 * index, no gfp) for a zone the allocation boosted (ALLOC_KSWAPD). */
static int nowait_get(pz_gfp_t gfp, unsigned order, unsigned flags, uint64_t *pfn)
{
	int ok;

	model.gfp = gfp;
	model.boosted_zones = 0;
	ok = model_get_page(gfp, order, flags, pfn);
	for (unsigned i = 0; i < model.nz; i++)
		if (model.boosted_zones & (1u << i)) {
			mp.boosted_wakes++;
			deliver(wake(model.z[i].type, 0, (int)model.z[i].type, 0));
		}
	return ok;
}

static bool has_type(unsigned t)
{
	for (unsigned i = 0; i < model.nz; i++)
		if (model.z[i].type == t)
			return true;
	return false;
}

int mp_alloc_nowait(pz_gfp_t gfp, unsigned order, uint64_t *pfn)
{
	unsigned high = mp_gfp_high(gfp), cz = class_type(high), first = 0;
	unsigned cma = model.has_cma && model_gfp_mt(gfp) == PZ_MT_MOVABLE ? PZ_ALLOC_CMA : 0;
	unsigned fast = PZ_ALLOC_WMARK_LOW | cma, slow = PZ_ALLOC_WMARK_MIN | cma;

	mp.nowait_calls++;
	if (is41())
		fast |= MODEL_ALLOC_FAIR;
	else if (model.nofrag && cz == PZ_ZONE_NORMAL && has_type(PZ_ZONE_DMA32))
		fast |= MODEL_ALLOC_NOFRAGMENT;
	if (gfp & PZ__GFP_HIGH)
		slow |= PZ_ALLOC_HIGH;
	if (model_atomic(gfp) && !(gfp & PZ__GFP_NOMEMALLOC))
		slow |= PZ_ALLOC_HARDER;
	if (nowait_get(gfp, order, fast, pfn))
		return 1;
	while (model.z[first].type > high)
		first++;
	/* the slow path: wake_all_kswapds, the MIN attempt; 6.1 wakes and
	 * tries once more at its retry label, then gives up (no reclaim) */
	for (int pass = 0; pass < (is41() ? 1 : 2); pass++) {
		deliver(wake(model.z[first].type, order, (int)(is41() ? cz : high), gfp));
		if (nowait_get(gfp, order, slow, pfn))
			return 1;
	}
	mp.nowait_failed++;
	return 0;
}

/* ---- comparing ---------------------------------------------------------------- */

static void compare_zone(pz_t *pz, unsigned i)
{
	const struct model_zone *z = &model.z[i];
	const struct mp_zone *mz = &mp.z[i];
	struct pz_compaction_zone_info ci;
	struct pz_zone_info zi;
	unsigned skips = 0;

	assert_int_equal(pz_zone_info(pz, 0, z->type, &zi), 0);
	MODEL_CHECK(zi.stat[PZ_NR_PAGES_SCANNED] == z->pages_scanned,
		    "zone %u pages_scanned: expected %ld, got %" PRId64, i, z->pages_scanned,
		    zi.stat[PZ_NR_PAGES_SCANNED]);
	assert_int_equal(pz_compaction_zone_info(pz, 0, z->type, &ci), 0);
	for (uint64_t b = z->start >> PBO; b << PBO < z->end; b++)
		skips += mp.skip[b];
	MODEL_CHECK(ci.cached_migrate_pfn[0] == mz->cached_migrate[0] &&
			    ci.cached_migrate_pfn[1] == mz->cached_migrate[1] &&
			    ci.cached_free_pfn == mz->cached_free,
		    "zone %u cached migrate %" PRIu64 "/%" PRIu64 " free %" PRIu64
		    ", expected %" PRIu64 "/%" PRIu64 " free %" PRIu64,
		    i, ci.cached_migrate_pfn[0], ci.cached_migrate_pfn[1], ci.cached_free_pfn,
		    mz->cached_migrate[0], mz->cached_migrate[1], mz->cached_free);
	MODEL_CHECK(ci.skip_blocks == skips && (bool)ci.blockskip_flush == mz->blockskip_flush,
		    "zone %u skip blocks %u flush %d, expected %u %d", i, (unsigned)ci.skip_blocks,
		    (int)ci.blockskip_flush, skips, (int)mz->blockskip_flush);
	MODEL_CHECK(ci.considered == mz->considered && ci.defer_shift == mz->defer_shift &&
			    ci.order_failed == mz->order_failed,
		    "zone %u considered %u shift %u order_failed %d, expected %u %u %d", i,
		    (unsigned)ci.considered, (unsigned)ci.defer_shift, (int)ci.order_failed,
		    mz->considered, mz->defer_shift, mz->order_failed);
}

void mp_compare(pz_t *pz, const long *deferred_now, unsigned n, const uint64_t *vm0)
{
	uint64_t vm[PZ_NR_VM_EVENTS];
	static const int ev[] = {
		PZ_VM_ALLOCSTALL,
		PZ_VM_SLABS_SCANNED,
		PZ_VM_PGSCAN_DIRECT,
		PZ_VM_PGSTEAL_DIRECT,
		PZ_VM_PGMIGRATE_SUCCESS,
		PZ_VM_PGMIGRATE_FAIL,
		PZ_VM_PGSCAN_KSWAPD,
		PZ_VM_PGSTEAL_KSWAPD,
		PZ_VM_PAGEOUTRUN,
		PZ_VM_KSWAPD_WAKE,
		PZ_VM_KSWAPD_HIGH_WMARK_HIT_QUICKLY,
		PZ_VM_KSWAPD_LOW_WMARK_HIT_QUICKLY,
		PZ_VM_COMPACT_STALL,
		PZ_VM_COMPACT_FAIL,
		PZ_VM_COMPACT_SUCCESS,
		PZ_VM_COMPACT_MIGRATE_SCANNED,
		PZ_VM_COMPACT_FREE_SCANNED,
		PZ_VM_COMPACT_ISOLATED,
		PZ_VM_COMPACT_DAEMON_WAKE,
		PZ_VM_COMPACT_DAEMON_MIGRATE_SCANNED,
		PZ_VM_COMPACT_DAEMON_FREE_SCANNED,
	};

	assert_int_equal(pz_vm_events(pz, vm, PZ_NR_VM_EVENTS), 0);
	for (size_t i = 0; i < sizeof(ev) / sizeof(ev[0]); i++)
		MODEL_CHECK(vm[ev[i]] - vm0[ev[i]] == mp.vm[ev[i]],
			    "vm event %d: expected %" PRIu64 ", got %" PRIu64, ev[i], mp.vm[ev[i]],
			    vm[ev[i]] - vm0[ev[i]]);
	MODEL_CHECK(n == mp.nsh, "%u shrinkers registered, the model has %u", n, mp.nsh);
	for (unsigned i = 0; i < n; i++)
		MODEL_CHECK(deferred_now[i] == mp.sh[i].deferred,
			    "shrinker %u nr_deferred: expected %ld, got %ld", i, mp.sh[i].deferred,
			    deferred_now[i]);
	for (unsigned i = 0; i < model.nz; i++)
		compare_zone(pz, i);
}
