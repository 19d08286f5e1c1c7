/*
 * kswapd.c - background reclaim: one kswapd per node.
 *
 * The kernel's kswapd is a thread looping for ever: pick up the order and
 * zone that wake-ups recorded, balance the node (balance_pgdat), then try
 * to sleep - a short nap first, and sleep for real only if the node is
 * still balanced. Here that loop is cut into rounds: pz_kswapd_run runs
 * one (pick up, balance, sleep decision) and returns whether kswapd sleeps
 * or must run again, keeping the loop's variables in struct pz_kswapd.
 * The host layer runs rounds on a thread per node; an embedder may run
 * them itself; in deterministic mode the caller that wakes a node runs its
 * rounds inline at the end of the wake-up, after its locks are dropped.
 *
 * Waking (wakeup_kswapd) records order and zone, then leaves at the
 * kernel's exits: zone without pages, cpuset, kswapd not asleep, (6.1)
 * hopeless node, already balanced. Only a sleeping kswapd is woken, by
 * whoever turns `asleep` from 1 to 0; a wake-up bumps wake_seq, which is
 * how a nap learns that it was cut short (the kernel's "remaining").
 *
 * Balancing follows 4.1 (zones up to the class zone at high + balance gap,
 * the 25% rule for high orders, compact_pgdat) or 6.1 (any eligible zone at
 * high, kswapd_failures, kcompactd woken before the nap). Reclaim is the
 * shrinkers' (reclaim.c's pseudo-LRU figures); no allocator lock is held.
 */
#include "internal.h"

#define KSWAPD_NAP_USECS     100000 /* HZ / 10 */
#define MAX_RECLAIM_RETRIES  16
#define KSWAPD_INLINE_ROUNDS 8

/* Node-based kswapd (4.8's node LRU): 4.1 and 4.4 balance zone by zone,
 * with the balance gap. */
static bool modern(const struct pz *pz)
{
	return pz_kver(pz) >= PZ_KV(4, 8);
}

static int rd(atomic_int *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

static void wr(atomic_int *v, int x)
{
	atomic_store_explicit(v, x, memory_order_relaxed);
}

static long wmark(struct pz_zone *z, int i)
{
	return pz_wmark_pages(z, i);
}

/* pgdat->nr_zones: one past the node's highest populated zone. */
static int nr_zones(struct pz *pz, int nid)
{
	for (int t = PZ_NR_ZONE_TYPES - 1; t >= 0; t--)
		if (pz_zone_of(pz, nid, t)->populated)
			return t + 1;
	return 1;
}

/* 4.1 zone_balanced: high + gap at order, and compaction possible. */
static bool zone_balanced_41(struct pz *pz, struct pz_zone *z, unsigned order, long gap,
			     unsigned classzone)
{
	if (!pz_zone_wmark_safe(pz, z, order, wmark(z, 2) + gap, classzone))
		return false;
	if (order && pz_compaction_suitable(pz, z, order, 0, classzone) == PZ_COMPACT_SKIPPED)
		return false;
	return true;
}

/* 4.1 pgdat_balanced: every zone up to classzone (order 0), or a quarter
 * of their pages (high orders); unreclaimable zones count as balanced. */
static bool pgdat_balanced_41(struct pz *pz, int nid, unsigned order, int classzone)
{
	uint64_t managed = 0, balanced = 0;

	for (int i = 0; i <= classzone && i < PZ_NR_ZONE_TYPES; i++) {
		struct pz_zone *z = pz_zone_of(pz, nid, i);

		if (!z->populated)
			continue;
		managed += z->managed;
		if (!pz_zone_reclaimable(z) || zone_balanced_41(pz, z, order, 0, (unsigned)i))
			balanced += z->managed;
		else if (!order)
			return false;
	}
	return order ? balanced >= (managed >> 2) : true;
}

/* 6.1 pgdat_balanced: some managed zone up to highest is at high. */
static bool pgdat_balanced_61(struct pz *pz, int nid, unsigned order, int highest)
{
	bool any = false;

	for (int i = 0; i <= highest && i < PZ_NR_ZONE_TYPES; i++) {
		struct pz_zone *z = pz_zone_of(pz, nid, i);

		if (!z->managed)
			continue;
		any = true;
		if (pz_zone_wmark_safe(pz, z, order, wmark(z, 2), (unsigned)highest))
			return true;
	}
	return !any;
}

/* pgdat_watermark_boosted (5.0): some managed zone up to highest has a
 * boost, so kswapd has boosted reclaim to do even on a balanced node. */
static bool pgdat_boosted(struct pz *pz, int nid, int highest)
{
	for (int i = highest < PZ_NR_ZONE_TYPES ? highest : PZ_NR_ZONE_TYPES - 1; i >= 0; i--) {
		struct pz_zone *z = pz_zone_of(pz, nid, i);

		if (z->managed && zload(&z->watermark_boost))
			return true;
	}
	return false;
}

/* ---- waking ------------------------------------------------------------- */

static void record_wake(struct pz *pz, struct pz_kswapd *k, unsigned order, unsigned classzone)
{
	int cur = rd(&k->classzone);

	if (!modern(pz)) {
		if (rd(&k->order) < (int)order) {
			wr(&k->order, (int)order);
			wr(&k->classzone, cur < (int)classzone ? cur : (int)classzone);
		}
		return;
	}
	if (cur == PZ_NR_ZONE_TYPES || cur < (int)classzone)
		wr(&k->classzone, (int)classzone);
	if (rd(&k->order) < (int)order)
		wr(&k->order, (int)order);
}

/* wakeup_kswapd's exits after the recorded work: is kswapd to be woken? */
static enum pz_kswapd_wake wake_exits(struct pz *pz, struct pz_zone *z, unsigned order,
				      unsigned classzone, pz_gfp_t gfp)
{
	struct pz_kswapd *k = &pz->kswapd[z->nid];

	if (!atomic_load_explicit(&k->asleep, memory_order_acquire))
		return PZ_KSWAPD_NOT_ASLEEP;
	if (!modern(pz))
		return zone_balanced_41(pz, z, order, 0, 0) ? PZ_KSWAPD_BALANCED : PZ_KSWAPD_WOKEN;
	if (atomic_load_explicit(&k->failures, memory_order_relaxed) >= MAX_RECLAIM_RETRIES ||
	    (pgdat_balanced_61(pz, z->nid, order, (int)classzone) &&
	     !pgdat_boosted(pz, z->nid, (int)classzone))) {
		if (!(gfp & PZ__GFP_DIRECT_RECLAIM))
			pz_wakeup_kcompactd(pz, z->nid, order, classzone);
		return atomic_load_explicit(&k->failures, memory_order_relaxed) >=
				       MAX_RECLAIM_RETRIES
			       ? PZ_KSWAPD_HOPELESS
			       : PZ_KSWAPD_BALANCED;
	}
	return PZ_KSWAPD_WOKEN;
}

static enum pz_kswapd_wake wakeup_kswapd(struct pz *pz, struct pz_zone *z, unsigned order,
					 unsigned classzone, pz_gfp_t gfp,
					 const struct pz_task *task)
{
	struct pz_kswapd *k = &pz->kswapd[z->nid];
	unsigned one = 1;
	enum pz_kswapd_wake r;

	if (modern(pz) ? !z->managed : !z->populated)
		return PZ_KSWAPD_UNPOPULATED;
	if (!pz_cpuset_zone_allowed(pz, task, z,
				    modern(pz) ? gfp : PZ_GFP_KERNEL | PZ__GFP_HARDWALL))
		return PZ_KSWAPD_CPUSET;
	record_wake(pz, k, order, classzone);
	r = wake_exits(pz, z, order, classzone, gfp);
	if (r != PZ_KSWAPD_WOKEN)
		return r;
	if (!atomic_compare_exchange_strong(&k->asleep, &one, 0))
		return PZ_KSWAPD_NOT_ASLEEP; /* someone else woke it meanwhile */
	atomic_fetch_add_explicit(&k->wake_seq, 1, memory_order_release);
	pz_count(&k->wakeups);
	pz_count_vm_event(pz, PZ_VM_KSWAPD_WAKE, 1);
	return PZ_KSWAPD_WOKEN;
}

/* Does this wake-up hand node nid to its kswapd? In deterministic mode an
 * awake kswapd that nobody runs (its last inline rounds ran out) is run
 * again too: there is no thread to pick it up. */
static bool to_deliver(struct pz *pz, int nid, enum pz_kswapd_wake r)
{
	return r == PZ_KSWAPD_WOKEN ||
	       (pz->kswapd_inline && r == PZ_KSWAPD_NOT_ASLEEP &&
		!atomic_load_explicit(&pz->kswapd[nid].running, memory_order_relaxed));
}

/* After the wake-ups of one call: the hook, or the rounds themselves. */
static void deliver(struct pz *pz, uint64_t nodes)
{
	for (unsigned n = 0; n < pz->nr_nodes; n++) {
		if (!(nodes & ((uint64_t)1 << n)))
			continue;
		if (!pz->kswapd_inline) {
			if (pz->plat.wake_kswapd)
				pz->plat.wake_kswapd(pz->plat.ctx, (int)n);
			continue;
		}
		for (unsigned i = 0; i < KSWAPD_INLINE_ROUNDS; i++)
			if (pz_kswapd_run(pz, (int)n) != PZ_KSWAPD_AGAIN)
				break;
	}
}

void pz_wake_all_kswapds(struct pz *pz, pz_gfp_t gfp, unsigned order, const struct pz_alloc_ctx *ac)
{
	uint64_t woken = 0;
	unsigned pos = 0;
	int last = -1;
	struct pz_zone *z;

	while ((z = pz_next_zone(pz, ac->zonelist, &pos, ac->high_zoneidx, ac->nodemask))) {
		unsigned cz = ac->classzone_idx;

		if (modern(pz)) {
			if (!z->managed || z->nid == last)
				continue;
			last = z->nid;
			cz = ac->high_zoneidx;
		}
		if (to_deliver(pz, z->nid, wakeup_kswapd(pz, z, order, cz, gfp, ac->task)))
			woken |= (uint64_t)1 << z->nid;
	}
	deliver(pz, woken);
}

/* rmqueue's wake-up of a zone a boosting fallback marked (5.0): order 0,
 * the zone's own index, no gfp. Called with no lock held. */
void pz_wake_boosted(struct pz *pz, struct pz_zone *z)
{
	if (to_deliver(pz, z->nid, wakeup_kswapd(pz, z, 0, z->type, 0, pz_task_current(pz))))
		deliver(pz, (uint64_t)1 << z->nid);
}

int pz_wakeup_kswapd(pz_t *pz, int nid, enum pz_zone_type type, unsigned order,
		     enum pz_zone_type classzone, pz_gfp_t gfp)
{
	enum pz_kswapd_wake r;

	if (!pz_instance_ok(pz) || (unsigned)type >= PZ_NR_ZONE_TYPES ||
	    (unsigned)classzone >= PZ_NR_ZONE_TYPES || order >= pz->max_order)
		return -PZ_EINVAL;
	if (nid < 0 || (unsigned)nid >= pz->nr_nodes)
		return -PZ_ENODEV;
	r = wakeup_kswapd(pz, pz_zone_of(pz, nid, (int)type), order, (unsigned)classzone, gfp,
			  pz_task_current(pz));
	if (to_deliver(pz, nid, r))
		deliver(pz, (uint64_t)1 << nid);
	return (int)r;
}

/* ---- balance_pgdat, 4.1 ------------------------------------------------- */

struct bal41 {
	struct pz_reclaim_state *rs;
	int nid, priority, end_zone;
	unsigned order;
	uint64_t reclaimed, attempted;
};

/* kswapd_shrink_zone: true when it scanned enough not to raise priority
 * (the pseudo-LRU pages of all the zone's passes). */
static bool kswapd_shrink_zone(struct pz *pz, struct bal41 *b, struct pz_zone *z)
{
	long low = wmark(z, 1), high = wmark(z, 2);
	long gap = (long)((z->managed + 99) / 100);
	uint64_t to_reclaim = high > PZ_SWAP_CLUSTER_MAX ? (uint64_t)high : PZ_SWAP_CLUSTER_MAX;
	uint64_t lru = 0;
	unsigned testorder = b->order;
	struct pz_reclaim_pass p = {
		PZ_GFP_KERNEL, b->order, b->priority, true, b->reclaimed, 0, 0, 0, 0, 0, 0};

	if (b->order &&
	    pz_compaction_suitable(pz, z, b->order, 0, (unsigned)b->end_zone) != PZ_COMPACT_SKIPPED)
		testorder = 0;
	if (zone_balanced_41(pz, z, testorder, gap < low ? gap : low, (unsigned)b->end_zone))
		return true;
	b->reclaimed += pz_shrink_zone_41(pz, b->rs, z, &p, z->type == b->end_zone, &lru);
	b->attempted += to_reclaim;
	return lru >= to_reclaim;
}

/* The highest zone that needs balancing (end_zone), or -1: balanced. */
static int find_end_zone_41(struct pz *pz, struct bal41 *b)
{
	for (int i = nr_zones(pz, b->nid) - 1; i >= 0; i--) {
		struct pz_zone *z = pz_zone_of(pz, b->nid, i);

		if (!z->populated || (b->priority != PZ_DEF_PRIORITY && !pz_zone_reclaimable(z)))
			continue;
		if (!zone_balanced_41(pz, z, b->order, 0, 0))
			return i;
	}
	return -1;
}

/* One priority step of 4.1's balance_pgdat; false: node balanced. */
static bool balance_step_41(struct pz *pz, struct bal41 *b, int classzone)
{
	bool raise = true, needs_compaction = b->order > 0;
	int end = find_end_zone_41(pz, b);

	if (end < 0)
		return false;
	b->end_zone = end;
	b->reclaimed = b->attempted = 0;
	for (int i = 0; i <= end; i++) {
		struct pz_zone *z = pz_zone_of(pz, b->nid, i);

		if (z->populated && needs_compaction &&
		    pz_zone_wmark_safe(pz, z, b->order, wmark(z, 1), (unsigned)classzone))
			needs_compaction = false;
	}
	for (int i = 0; i <= end; i++) {
		struct pz_zone *z = pz_zone_of(pz, b->nid, i);

		if (!z->populated || (b->priority != PZ_DEF_PRIORITY && !pz_zone_reclaimable(z)))
			continue;
		if (kswapd_shrink_zone(pz, b, z))
			raise = false;
	}
	if (b->order && b->reclaimed >= (2ull << b->order))
		b->order = 0;
	if (needs_compaction && b->reclaimed > b->attempted)
		pz_compact_pgdat(pz, b->nid, b->order);
	if (raise || !b->reclaimed)
		b->priority--;
	return true;
}

static unsigned balance_pgdat_41(struct pz *pz, int nid, unsigned order, int *classzone)
{
	struct pz_reclaim_state rs;
	struct bal41 b = {&rs, nid, PZ_DEF_PRIORITY, 0, order, 0, 0};

	pz_count_vm_event(pz, PZ_VM_PAGEOUTRUN, 1);
	pz_count(&pz->kswapd[nid].runs);
	if (!pz_reclaim_open(pz, &rs))
		return order;
	while (balance_step_41(pz, &b, *classzone) && b.priority >= 1 &&
	       !pgdat_balanced_41(pz, nid, b.order, *classzone))
		;
	pz_reclaim_close(pz, &rs);
	*classzone = b.end_zone;
	return b.order;
}

/* ---- balance_pgdat, 6.1 ------------------------------------------------- */

/* balance_pgdat's boost bookkeeping (5.0): the boosts found at the start
 * are the reclaim target, and only they are taken off at the end. */
struct boost61 {
	uint64_t nr_boost_reclaim;
	long zone_boosts[PZ_NR_ZONE_TYPES];
	bool boosted;
};

static void boost_start(struct pz *pz, int nid, int highest, struct boost61 *b)
{
	b->nr_boost_reclaim = 0;
	for (int i = 0; i < PZ_NR_ZONE_TYPES; i++) {
		struct pz_zone *z = pz_zone_of(pz, nid, i);

		b->zone_boosts[i] = i <= highest && z->managed ? zload(&z->watermark_boost) : 0;
		b->nr_boost_reclaim += (uint64_t)b->zone_boosts[i];
	}
	b->boosted = b->nr_boost_reclaim != 0;
}

/* The end of a boosted run: each zone's boost loses what it had at the
 * start (under the zone lock, as boosting adds to it), then kcompactd is
 * woken for the pageblock order: there is now room to defragment. */
static void boost_done(struct pz *pz, int nid, int highest, const struct boost61 *b)
{
	if (!b->boosted)
		return;
	for (int i = 0; i <= highest && i < PZ_NR_ZONE_TYPES; i++) {
		struct pz_zone *z = pz_zone_of(pz, nid, i);
		long cur;

		if (!b->zone_boosts[i])
			continue;
		pz_lock(pz, &z->lock);
		cur = zload(&z->watermark_boost);
		zstore(&z->watermark_boost,
		       cur - (cur < b->zone_boosts[i] ? cur : b->zone_boosts[i]));
		pz_unlock(&z->lock);
	}
	pz_wakeup_kcompactd(pz, nid, pz->pageblock_order, (unsigned)highest);
}

/* kswapd_shrink_node's target: the high watermarks (with their boosts). */
static uint64_t reclaim_target(struct pz *pz, int nid, int highest)
{
	uint64_t to_reclaim = 0;

	for (int i = 0; i <= highest && i < PZ_NR_ZONE_TYPES; i++) {
		struct pz_zone *z = pz_zone_of(pz, nid, i);
		long high = wmark(z, 2);

		if (z->managed)
			to_reclaim +=
				high > PZ_SWAP_CLUSTER_MAX ? (uint64_t)high : PZ_SWAP_CLUSTER_MAX;
	}
	return to_reclaim;
}

/*
 * update_reclaim_active (5.14): from the start of balance_pgdat (and each
 * restart) to its end, every managed zone up to highest has
 * ZONE_RECLAIM_ACTIVE, which caps its per-CPU lists' high (pcp.c,
 * nr_pcp_high). Called inside the reclaim window only (types.h).
 */
static void reclaim_active(struct pz *pz, int nid, int highest, bool on)
{
	if (pz_kver(pz) < PZ_KV(5, 14))
		return;
	for (int i = 0; i <= highest && i < PZ_NR_ZONE_TYPES; i++) {
		struct pz_zone *z = pz_zone_of(pz, nid, i);

		if (!z->managed)
			continue;
		if (on)
			atomic_fetch_or_explicit(&z->flags, ZONE_RECLAIM_ACTIVE,
						 memory_order_relaxed);
		else
			atomic_fetch_and_explicit(&z->flags, ~ZONE_RECLAIM_ACTIVE,
						  memory_order_relaxed);
	}
}

/*
 * 6.1's balance_pgdat. A boosted node (5.0) is reclaimed even when
 * balanced, until the boosts' worth came back; boosted reclaim never goes
 * below priority DEF_PRIORITY - 2 by scanning too little and stops when a
 * pass frees nothing. An unbalanced node drops the boost target and
 * starts over as plain reclaim. (The kernel's boosted reclaim neither
 * writes back nor swaps; the shrinkers, which stand for the LRU here, see
 * no difference, as the kernel's own shrinkers do not.)
 */
static unsigned balance_pgdat_61(struct pz *pz, int nid, unsigned order, int highest)
{
	struct pz_reclaim_state rs;
	struct boost61 b;
	uint64_t total = 0, to_reclaim = reclaim_target(pz, nid, highest);
	int prio;

	pz_count_vm_event(pz, PZ_VM_PAGEOUTRUN, 1);
	pz_count(&pz->kswapd[nid].runs);
	boost_start(pz, nid, highest, &b);
	if (!pz_reclaim_open(pz, &rs))
		return order;
restart:
	reclaim_active(pz, nid, highest, true);
	prio = PZ_DEF_PRIORITY;
	do {
		uint64_t scanned = 0, got;
		bool balanced = pgdat_balanced_61(pz, nid, order, highest), raise;
		struct pz_reclaim_pass p = {
			PZ_GFP_KERNEL, order, prio, true, total, 0, 0, 0, 0, 0, 0};

		if (!balanced && b.nr_boost_reclaim) {
			b.nr_boost_reclaim = 0;
			goto restart;
		}
		if (!b.nr_boost_reclaim && balanced)
			goto out;
		got = pz_shrink_node_61(pz, &rs, nid, &p, (unsigned)highest, &scanned);
		total += got;
		if (order && total >= (2ull << order))
			order = 0;
		raise = scanned < to_reclaim &&
			!(b.nr_boost_reclaim && prio == PZ_DEF_PRIORITY - 2);
		b.nr_boost_reclaim -= b.nr_boost_reclaim < got ? b.nr_boost_reclaim : got;
		if (b.nr_boost_reclaim && !got)
			break;
		if (raise || !got)
			prio--;
	} while (prio >= 1);
	if (!total)
		atomic_fetch_add_explicit(&pz->kswapd[nid].failures, 1, memory_order_relaxed);
out:
	reclaim_active(pz, nid, highest, false);
	pz_reclaim_close(pz, &rs);
	boost_done(pz, nid, highest, &b);
	return order;
}

/* ---- the sleep decision ------------------------------------------------- */

static bool prepare_sleep(struct pz *pz, int nid, unsigned order, int classzone)
{
	if (!modern(pz))
		return pgdat_balanced_41(pz, nid, order, classzone);
	if (atomic_load_explicit(&pz->kswapd[nid].failures, memory_order_relaxed) >=
	    MAX_RECLAIM_RETRIES)
		return true;
	return pgdat_balanced_61(pz, nid, order, classzone);
}

/* 6.1 kswapd_highest_zoneidx: the recorded zone, or prev when none. */
static int highest_zoneidx(struct pz_kswapd *k, int prev)
{
	int cur = rd(&k->classzone);

	return cur == PZ_NR_ZONE_TYPES ? prev : cur;
}

/* The nap: true when a wake-up cut it short ("remaining"). */
static bool nap(struct pz *pz, struct pz_kswapd *k)
{
	unsigned seq = atomic_load_explicit(&k->wake_seq, memory_order_acquire);

	if (!pz->kswapd_inline && pz->plat.wait)
		pz->plat.wait(pz->plat.ctx, PZ_WAIT_KSWAPD_NAP, KSWAPD_NAP_USECS);
	return atomic_load_explicit(&k->wake_seq, memory_order_acquire) != seq;
}

/* kswapd_try_to_sleep: true when kswapd now sleeps (asleep stays set).
 * The skip bits that direct compaction asked to flush are cleared
 * (reset_isolation_suitable): 6.1 before the nap, 4.x as it sleeps. */
static bool try_to_sleep(struct pz *pz, int nid, unsigned alloc_order, unsigned reclaim_order,
			 int classzone)
{
	struct pz_kswapd *k = &pz->kswapd[nid];
	bool remaining = false;
	unsigned one = 1;

	atomic_store_explicit(&k->asleep, 1, memory_order_release);
	if (prepare_sleep(pz, nid, reclaim_order, classzone)) {
		if (modern(pz)) {
			pz_reset_isolation_suitable(pz, nid);
			pz_wakeup_kcompactd(pz, nid, alloc_order, (unsigned)classzone);
		}
		remaining = nap(pz, k);
		if (remaining && modern(pz)) {
			wr(&k->classzone, highest_zoneidx(k, classzone));
			if (rd(&k->order) < (int)reclaim_order)
				wr(&k->order, (int)reclaim_order);
		}
	}
	if (!remaining && prepare_sleep(pz, nid, reclaim_order, classzone)) {
		if (!modern(pz))
			pz_reset_isolation_suitable(pz, nid);
		return true;
	}
	atomic_compare_exchange_strong(&k->asleep, &one, 0);
	pz_count_vm_event(pz,
			  remaining ? PZ_VM_KSWAPD_LOW_WMARK_HIT_QUICKLY
				    : PZ_VM_KSWAPD_HIGH_WMARK_HIT_QUICKLY,
			  1);
	return false;
}

/* ---- rounds ------------------------------------------------------------- */

/* 4.1's kswapd() from the pick-up after a sleep to the next sleep attempt. */
static int round_41(struct pz *pz, int nid, struct pz_kswapd *k)
{
	if (k->resume == PZ_KSWAPD_AFTER_SLEEP) {
		k->cur_order = k->new_order = atomic_exchange(&k->order, 0);
		k->cur_classzone = k->new_classzone =
			atomic_exchange(&k->classzone, nr_zones(pz, nid) - 1);
	}
	k->balanced_classzone = k->cur_classzone;
	k->balanced_order =
		(int)balance_pgdat_41(pz, nid, (unsigned)k->cur_order, &k->balanced_classzone);
	if (k->balanced_classzone >= k->new_classzone && k->balanced_order == k->new_order) {
		k->new_order = atomic_exchange(&k->order, 0);
		k->new_classzone = atomic_exchange(&k->classzone, nr_zones(pz, nid) - 1);
	}
	if (k->cur_order < k->new_order || k->cur_classzone > k->new_classzone) {
		k->cur_order = k->new_order;
		k->cur_classzone = k->new_classzone;
		k->resume = PZ_KSWAPD_NEW_WORK;
		return PZ_KSWAPD_AGAIN;
	}
	k->resume = PZ_KSWAPD_AFTER_SLEEP;
	return try_to_sleep(pz, nid, (unsigned)k->balanced_order, (unsigned)k->balanced_order,
			    k->balanced_classzone)
		       ? PZ_KSWAPD_SLEEP
		       : PZ_KSWAPD_AGAIN;
}

/* 6.1's kswapd(): pick up, balance, then kswapd_try_to_sleep. */
static int round_61(struct pz *pz, int nid, struct pz_kswapd *k)
{
	unsigned alloc_order = (unsigned)atomic_exchange(&k->order, 0), reclaim_order;
	int highest = highest_zoneidx(k, k->cur_classzone);

	wr(&k->classzone, PZ_NR_ZONE_TYPES);
	k->cur_classzone = highest;
	reclaim_order = balance_pgdat_61(pz, nid, alloc_order, highest);
	if (reclaim_order >= alloc_order) {
		/* back at the loop top: the orders wake-ups recorded meanwhile */
		alloc_order = reclaim_order = (unsigned)rd(&k->order);
		highest = highest_zoneidx(k, highest);
		k->cur_classzone = highest;
	}
	return try_to_sleep(pz, nid, alloc_order, reclaim_order, highest) ? PZ_KSWAPD_SLEEP
									  : PZ_KSWAPD_AGAIN;
}

int pz_kswapd_run(pz_t *pz, int nid)
{
	struct pz_kswapd *k;
	unsigned zero = 0;
	int r;

	if (!pz_instance_ok(pz))
		return -PZ_EINVAL;
	if (nid < 0 || (unsigned)nid >= pz->nr_nodes)
		return -PZ_ENODEV;
	k = &pz->kswapd[nid];
	if (!atomic_compare_exchange_strong(&k->running, &zero, 1))
		return PZ_KSWAPD_BUSY;
	atomic_store_explicit(&k->asleep, 0, memory_order_release);
	r = modern(pz) ? round_61(pz, nid, k) : round_41(pz, nid, k);
	atomic_store_explicit(&k->running, 0, memory_order_release);
	return r;
}

int pz_kswapd_info(pz_t *pz, int nid, struct pz_kswapd_info *out)
{
	struct pz_kswapd *k;

	if (!pz_instance_ok(pz) || !out)
		return -PZ_EINVAL;
	if (nid < 0 || (unsigned)nid >= pz->nr_nodes)
		return -PZ_ENODEV;
	k = &pz->kswapd[nid];
	out->order = (unsigned)rd(&k->order);
	out->classzone = rd(&k->classzone);
	out->asleep = (int)atomic_load_explicit(&k->asleep, memory_order_relaxed);
	out->failures = atomic_load_explicit(&k->failures, memory_order_relaxed);
	out->wakeups = atomic_load_explicit(&k->wakeups, memory_order_relaxed);
	out->runs = atomic_load_explicit(&k->runs, memory_order_relaxed);
	return 0;
}
