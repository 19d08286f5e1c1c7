/*
 * oom.c - the OOM step of the slow path (__alloc_pages_may_oom).
 *
 * SEAM: the OOM handler, its lock and exclusions come with the slow-path
 * work; until then the step makes no progress and returns no page.
 */
#include "internal.h"

struct pz_page *pz_alloc_pages_may_oom(struct pz *pz, pz_gfp_t gfp, unsigned order,
				       struct pz_alloc_ctx *ac, unsigned long *did_some_progress)
{
	(void)pz;
	(void)gfp;
	(void)order;
	(void)ac;
	*did_some_progress = 0;
	return (struct pz_page *)0;
}
