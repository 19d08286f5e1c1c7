/*
 * migrate.c - moving one allocated block through its owner's callback
 * (the part of the kernel's migrate_pages that compaction uses).
 *
 * pagezone keeps no page contents and no mappings, so the owner moves its
 * own data: the core picks a candidate, holds a reference on it so that it
 * cannot be freed and reused under the call, hands the callback a target
 * block of the same order and shape, and afterwards frees whichever block
 * the owner no longer uses. The callback runs with no allocator lock held
 * and may misbehave; every answer it can give has a defined result here
 * (pz_set_migrate_handler in include/pagezone.h states the protocol,
 * docs/DESIGN.md "Compaction" the reasons).
 *
 * Candidates are allocated blocks whose descriptor records a movable
 * migratetype (MOVABLE, or CMA, which only movable requests get): the
 * allocator writes p->mt anyway when it takes a block from a list, so the
 * fast path pays nothing for the marking. With grouping by mobility off
 * every request takes UNMOVABLE lists, so the general path marks the
 * blocks of __GFP_MOVABLE requests afterwards (pz_mark_movable_request):
 * they stand for the kernel's LRU pages, which it migrates whatever the
 * pageblock's type (docs/DESIGN.md "Compaction").
 */
#include "internal.h"

int pz_set_migrate_handler(pz_t *pz, pz_migrate_fn fn, void *ctx)
{
	if (!pz_instance_ok(pz))
		return -PZ_EINVAL;
	pz_lock(pz, &pz->compaction.lock);
	pz->compaction.fn = fn;
	pz->compaction.ctx = fn ? ctx : (void *)0;
	pz_unlock(&pz->compaction.lock);
	return 0;
}

void pz_mark_movable_request(struct pz_page *p, pz_gfp_t gfp)
{
	if (pz_gfp_migratetype(gfp) == PZ_MT_MOVABLE)
		p->mt = PZ_MT_MOVABLE;
}

bool pz_migrate_handler_set(struct pz *pz)
{
	bool set;

	pz_lock(pz, &pz->compaction.lock);
	set = pz->compaction.fn != 0;
	pz_unlock(&pz->compaction.lock);
	return set;
}

/* An allocated block compaction may move (isolate_migratepages_block's
 * tests, on a block whose reference the caller holds). */
static bool movable_block(const struct pz *pz, const struct pz_zone *z, const struct pz_page *p,
			  unsigned max_order)
{
	const unsigned bad =
		PG_BUDDY | PG_PCP | PG_TAIL | PG_HOLE | PG_RESERVED | PG_LEAKED | PG_HWPOISON;
	uint64_t pfn = pz_page_pfn(pz, p);
	unsigned o = p->order;

	if ((pg_flags(p) & bad) || p->zone != z->id)
		return false;
	if (p->mt != PZ_MT_MOVABLE && p->mt != PZ_MT_CMA)
		return false;
	return o < max_order && !(pfn & (((uint64_t)1 << o) - 1)) &&
	       pfn + ((uint64_t)1 << o) <= z->end_pfn;
}

bool pz_migrate_isolate(struct pz *pz, struct pz_zone *z, struct pz_page *src, unsigned max_order)
{
	int old = atomic_load_explicit(&src->refcount, memory_order_relaxed);

	do {
		if (old <= 0)
			return false;
	} while (!atomic_compare_exchange_weak_explicit(
		&src->refcount, &old, old + 1, memory_order_acquire, memory_order_relaxed));
	if (movable_block(pz, z, src, max_order))
		return true;
	pz_migrate_putback(pz, src);
	return false;
}

/* A reference that is not the last is dropped with one CAS; the last one
 * (the owner freed the block meanwhile) goes through the free path. */
void pz_migrate_putback(struct pz *pz, struct pz_page *src)
{
	int old = atomic_load_explicit(&src->refcount, memory_order_relaxed);

	while (old > 1)
		if (atomic_compare_exchange_weak_explicit(&src->refcount, &old, old - 1,
							  memory_order_release,
							  memory_order_relaxed))
			return;
	pz_free_pages_internal(pz, src, src->order, false, false);
}

/* Gives dst src's shape: order, compound head and tails. The owner word
 * is the owner's to copy: the core never reads it (the owner may write it
 * at any time). */
static void shape_target(struct pz *pz, const struct pz_page *src, struct pz_page *dst)
{
	uint64_t n = (uint64_t)1 << src->order;

	dst->order = src->order;
	dst->mt = src->mt;
	if (!(pg_flags(src) & PG_HEAD))
		return;
	pg_set_where(dst, PG_HEAD);
	if (pz_feature(pz, PZ_FEAT_LAZY_TAILS))
		return;
	for (uint64_t i = 1; i < n; i++) {
		dst[i].next = pz_page_idx(pz, dst);
		pg_set_where(dst + i, PG_TAIL);
	}
}

/* Undoes shape_target (and whatever owner state the callback left). */
static void unshape_target(struct pz *pz, struct pz_page *dst)
{
	uint64_t n = (uint64_t)1 << dst->order;

	if (pg_flags(dst) & PG_HEAD)
		for (uint64_t i = 1; i < n && !pz_feature(pz, PZ_FEAT_LAZY_TAILS); i++) {
			pg_set_where(dst + i, 0);
			dst[i].next = PZ_NIL;
		}
	pg_set_where(dst, 0);
	pg_clear(dst, PG_USER_MASK & ~(unsigned)PG_HWPOISON);
	dst->mapcount = 0;
	dst->owner = 0;
}

static void misuse(struct pz *pz, enum pz_compact_misuse what, const struct pz_page *p)
{
	static const char *const why[PZ_NR_MISUSE] = {
		"answer outside enum pz_migrate_result",
		"OK but the source is still referenced",
		"the callback freed the target",
		"refused but the target is still referenced",
	};
	unsigned bit = 1u << what;

	pz_count(&pz->compaction.misuse[what]);
	if (atomic_fetch_or_explicit(&pz->compaction.warned, bit, memory_order_relaxed) & bit)
		return;
	pz_log(pz, PZ_LOG_WARN, "migrate callback misuse: %s (pfn %llu); reported once", why[what],
	       (unsigned long long)pz_page_pfn(pz, p));
}

/* After OK: the owner's reference and the core's are dropped, the second
 * through the ordinary free path (which frees src). */
static void finish_source(struct pz *pz, struct pz_page *src)
{
	int old = atomic_load_explicit(&src->refcount, memory_order_relaxed);

	src->mapcount = 0; /* the free clears the owner word */
	pg_clear(src, PG_USER_MASK & ~(unsigned)PG_HWPOISON);
	/* the owner's reference, unless the owner already dropped it */
	while (old > 1 &&
	       !atomic_compare_exchange_weak_explicit(&src->refcount, &old, old - 1,
						      memory_order_acq_rel, memory_order_relaxed))
		;
	if (old > 2)
		misuse(pz, PZ_MISUSE_SRC_KEPT, src);
	pz_migrate_putback(pz, src);
}

/* The handler pair, read together under its lock. */
static pz_migrate_fn handler(struct pz *pz, void **ctx)
{
	pz_migrate_fn fn;

	pz_lock(pz, &pz->compaction.lock);
	fn = pz->compaction.fn;
	*ctx = pz->compaction.ctx;
	pz_unlock(&pz->compaction.lock);
	return fn;
}

/* dst after a refusal: back to the caller when only the core holds it. */
static bool reclaim_target(struct pz *pz, struct pz_page *dst)
{
	int ref = atomic_load_explicit(&dst->refcount, memory_order_acquire);

	if (ref == 1) {
		unshape_target(pz, dst);
		return true;
	}
	if (ref <= 0) {
		misuse(pz, PZ_MISUSE_DST_FREED, dst);
		return false;
	}
	misuse(pz, PZ_MISUSE_DST_KEPT, dst);
	pz_free_pages_internal(pz, dst, dst->order, false, false); /* the core's reference */
	return false;
}

enum pz_migrate_outcome pz_migrate_one(struct pz *pz, struct pz_page *src, struct pz_page *dst,
				       enum pz_migrate_mode mode)
{
	void *ctx;
	pz_migrate_fn fn = handler(pz, &ctx);
	int r;

	if (!fn) {
		pz_migrate_putback(pz, src);
		return PZ_MIG_FAIL;
	}
	shape_target(pz, src, dst);
	pz_count(&pz->compaction.calls);
	r = (int)fn(ctx, pz, src, dst, src->order, mode);
	if (r < 0 || r >= PZ_NR_MIGRATE_RESULTS) {
		misuse(pz, PZ_MISUSE_BAD_RESULT, src);
		r = PZ_MIGRATE_PINNED;
	} else {
		pz_count(&pz->compaction.results[r]);
	}
	if (r == PZ_MIGRATE_OK) {
		if (atomic_load_explicit(&dst->refcount, memory_order_acquire) <= 0) {
			misuse(pz, PZ_MISUSE_DST_FREED, dst);
			pz_migrate_putback(pz, src);
			return PZ_MIG_FAIL_DST_GONE;
		}
		finish_source(pz, src);
		return PZ_MIG_DONE;
	}
	if (!reclaim_target(pz, dst)) {
		pz_migrate_putback(pz, src);
		return PZ_MIG_FAIL_DST_GONE;
	}
	if (r == PZ_MIGRATE_BUSY)
		return PZ_MIG_RETRY; /* the caller puts it back after its last pass */
	pz_migrate_putback(pz, src);
	return PZ_MIG_FAIL;
}
