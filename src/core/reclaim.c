/*
 * reclaim.c - direct reclaim through the embedder's shrinkers.
 *
 * SEAM: shrinkers and try_to_free_pages come with the slow-path work; until
 * then direct reclaim finds nothing to reclaim and reports no progress.
 */
#include "internal.h"

unsigned long pz_try_to_free_pages(struct pz *pz, pz_gfp_t gfp, unsigned order,
				   const struct pz_alloc_ctx *ac)
{
	(void)pz;
	(void)gfp;
	(void)order;
	(void)ac;
	return 0;
}
