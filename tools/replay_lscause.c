/*
 * replay_lscause.c - why lockstep's per-CPU prediction missed: each pfn
 * disagreement whose probe went to a per-CPU list (its head, or the first
 * block of its refill) is put under one cause, judged after the kernel's
 * block is known and before the state is forced to it. The causes are
 * those docs/DESIGN.md "Lockstep: what still disagrees, and why" names.
 */
#include "replay.h"

static const char *const rp_cause_names[RP_NR_CAUSES] = {
	"head: behind blocks that left the kernel's list with no event",
	"head: on this CPU's list of another type (label at its free)",
	"head: on another CPU's list (CPU attribution)",
	"head: the kernel refilled, its list was empty (blocks held here it lacked)",
	"head: taken from the buddy lists with no refill event",
	"refill: the same buddy list, farther from its head (list order)",
	"refill: a free block of another order or type here",
	"refill: the list is empty here, the kernel's block on another list",
	"in use here (a free the trace does not show)",
	"another zone, or not managed here",
};

const char *rp_cause_name(unsigned i)
{
	return i < RP_NR_CAUSES ? rp_cause_names[i] : "?";
}

/* Position of k on the list (cpu, zone of k, order, mt), or -1. */
static int64_t lc_pos(struct replay *rp, unsigned cpu, uint64_t k, unsigned order, int mt)
{
	pz_page_t *pg = pz_pfn_to_page(rp->pz, k);
	int64_t n;

	if (!pg)
		return -1;
	n = pz_pcp_list_pfns(rp->pz, pz_page_to_nid(rp->pz, pg),
			     (enum pz_zone_type)pz_page_zonenum(rp->pz, pg), cpu, order,
			     (enum pz_migratetype)mt, rp->ls->stale, RP_STALE_MAX);
	for (int64_t i = 0; i < n && i < RP_STALE_MAX; i++)
		if (rp->ls->stale[i] == k)
			return i;
	return -1;
}

/* The kernel's block k is on a per-CPU list here; the probe said head. */
static unsigned lc_on_pcp(struct replay *rp, unsigned cpu, uint64_t k, unsigned order,
			  const struct pz_alloc_choice *c)
{
	if (lc_pos(rp, cpu, k, order, c->list_mt) > 0)
		return RP_CAUSE_BEHIND;
	for (int mt = 0; mt < PZ_MT_PCPTYPES; mt++)
		if (mt != c->list_mt && lc_pos(rp, cpu, k, order, mt) >= 0)
			return RP_CAUSE_OTHER_TYPE;
	return RP_CAUSE_OTHER_CPU;
}

/* Whether head is on the buddy list (order, mt) of k's zone. */
static bool lc_on_free_list(struct replay *rp, pz_page_t *pg, uint64_t head, unsigned order, int mt)
{
	int64_t n = pz_free_list_pfns(rp->pz, pz_page_to_nid(rp->pz, pg),
				      (enum pz_zone_type)pz_page_zonenum(rp->pz, pg), order,
				      (enum pz_migratetype)mt, rp->ls->stale, RP_STALE_MAX);

	for (int64_t i = 0; i < n && i < RP_STALE_MAX; i++)
		if (rp->ls->stale[i] == head)
			return true;
	return false;
}

/* The kernel's block k lies in a free buddy block here and the probe's
 * refill would pull another: is k's block on the same list as the one
 * __rmqueue_smallest takes here (the smallest order of the probe's type
 * with a block), only farther from its head? */
static unsigned lc_in_buddy(struct replay *rp, uint64_t k, const struct pz_alloc_choice *c)
{
	pz_page_t *pg = pz_pfn_to_page(rp->pz, k);
	unsigned smallest = PZ_MAX_ORDER_LIMIT;

	if (!pg || c->list_mt < 0 || c->list_mt >= PZ_MT_PCPTYPES)
		return RP_CAUSE_REFILL_OTHER_BLOCK;
	for (unsigned o = 0; o < pz_max_order(rp->pz) && smallest == PZ_MAX_ORDER_LIMIT; o++)
		if (pz_free_list_pfns(rp->pz, pz_page_to_nid(rp->pz, pg),
				      (enum pz_zone_type)pz_page_zonenum(rp->pz, pg), o,
				      (enum pz_migratetype)c->list_mt, NULL, 0) > 0)
			smallest = o;
	if (smallest < PZ_MAX_ORDER_LIMIT &&
	    lc_on_free_list(rp, pg, k & ~((1ull << smallest) - 1), smallest, c->list_mt))
		return RP_CAUSE_REFILL_LIST_ORDER;
	return RP_CAUSE_REFILL_OTHER_BLOCK;
}

unsigned ls_cause(struct replay *rp, unsigned cpu, const struct pz_alloc_choice *c, uint64_t k,
		  unsigned order, unsigned where, bool krefill)
{
	pz_page_t *pg = pz_pfn_to_page(rp->pz, k);

	if (where == 0)
		return RP_CAUSE_IN_USE;
	if (where == 3 || !pg || pz_page_zonenum(rp->pz, pg) != (int)c->zone)
		return RP_CAUSE_ZONE;
	if (c->source == PZ_PROBE_PCP)
		return where == 2 ? lc_on_pcp(rp, cpu, k, order, c)
		       : krefill  ? RP_CAUSE_KERNEL_REFILLED
				  : RP_CAUSE_BUDDY_NO_REFILL;
	return where == 2 ? RP_CAUSE_REFILL_ON_PCP : lc_in_buddy(rp, k, c);
}
