/*
 * compaction.c - memory compaction through the owner's migrate callback.
 *
 * SEAM: the scanners, deferral and the migrate callback come with the
 * slow-path work; until then every zone reports that compaction cannot
 * help (COMPACT_SKIPPED) and nothing is ever deferred.
 */
#include "internal.h"

enum pz_compact_result pz_try_to_compact_pages(struct pz *pz, struct pz_compact_req *req)
{
	(void)pz;
	req->contended = false;
	req->deferred = false;
	req->page = (struct pz_page *)0;
	return PZ_COMPACT_SKIPPED;
}

enum pz_compact_result pz_compaction_suitable(struct pz *pz, struct pz_zone *z, unsigned order,
					      unsigned alloc_flags, unsigned classzone)
{
	(void)pz;
	(void)z;
	(void)order;
	(void)alloc_flags;
	(void)classzone;
	return PZ_COMPACT_SKIPPED;
}

bool pz_compaction_zonelist_suitable(struct pz *pz, const struct pz_alloc_ctx *ac, unsigned order,
				     unsigned alloc_flags)
{
	(void)pz;
	(void)ac;
	(void)order;
	(void)alloc_flags;
	return false;
}

bool pz_compaction_deferred(struct pz_zone *z, unsigned order)
{
	(void)z;
	(void)order;
	return false;
}

void pz_defer_compaction(struct pz_zone *z, unsigned order)
{
	(void)z;
	(void)order;
}

void pz_compaction_defer_reset(struct pz_zone *z, unsigned order, bool alloc_success)
{
	(void)z;
	(void)order;
	(void)alloc_success;
}

void pz_compact_pgdat(struct pz *pz, int nid, unsigned order)
{
	(void)pz;
	(void)nid;
	(void)order;
}

void pz_wakeup_kcompactd(struct pz *pz, int nid, unsigned order, unsigned classzone)
{
	(void)pz;
	(void)nid;
	(void)order;
	(void)classzone;
}
