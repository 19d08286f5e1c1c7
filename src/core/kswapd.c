/*
 * kswapd.c - background reclaim, one kswapd per node.
 *
 * SEAM: waking and balancing come with the slow-path work; until then a
 * wake-up does nothing.
 */
#include "internal.h"

void pz_wake_all_kswapds(struct pz *pz, pz_gfp_t gfp, unsigned order, const struct pz_alloc_ctx *ac)
{
	(void)pz;
	(void)gfp;
	(void)order;
	(void)ac;
}
