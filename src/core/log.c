/*
 * log.c - messages to the log sink: bad-page reports, one-time warnings and
 * the allocation-failure warning, each rate limited as the kernel does.
 *
 * The core has no clock, so the kernel's time-based limits become
 * count-based: bad_page() reports the first 60 pages in full and then only
 * counts; warn_alloc_failed() reports 10 failures and then one in 1000.
 */
#include "internal.h"

#define BAD_PAGE_BURST	 60
#define WARN_ALLOC_BURST 10
#define WARN_ALLOC_EVERY 1000

void pz_log(const struct pz *pz, enum pz_log_level lvl, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!pz || !pz->plat.log)
		return;
	va_start(ap, fmt);
	pz_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pz->plat.log(pz->plat.ctx, lvl, msg);
}

void pz_warn_once(struct pz *pz, unsigned bit, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (atomic_fetch_or_explicit(&pz->warned_once, bit, memory_order_relaxed) & bit)
		return;
	if (!pz->plat.log)
		return;
	va_start(ap, fmt);
	pz_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pz->plat.log(pz->plat.ctx, PZ_LOG_WARN, msg);
}

static const char *const flag_names[] = {
	"buddy",    "pcp", "head",   "tail", "reserved", "hole",      "pfmemalloc", "leaked",
	"poisoned", "",	   "locked", "lru",  "dirty",	 "writeback", "hwpoison",
};

static void describe_flags(unsigned flags, char *buf, size_t len)
{
	struct pz_out o = {buf, len, 0};
	const char *delim = "";

	for (unsigned i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
		if (!(flags & (1u << i)) || !flag_names[i][0])
			continue;
		pz_out_printf(&o, "%s%s", delim, flag_names[i]);
		delim = "|";
	}
	pz_out_finish(&o);
}

/*
 * The kernel's bad_page(): a page whose descriptor is not in the state the
 * allocator expects is reported and taken out of circulation for good.
 */
void pz_bad_page(struct pz *pz, struct pz_page *p, const char *reason, bool at_free)
{
	char names[160];

	pz_count(at_free ? &pz->err.bad_page_free : &pz->err.bad_page_alloc);
	if (atomic_load_explicit(&pz->err.bad_page_free, memory_order_relaxed) +
		    atomic_load_explicit(&pz->err.bad_page_alloc, memory_order_relaxed) >
	    BAD_PAGE_BURST)
		return;
	describe_flags(pg_flags(p), names, sizeof(names));
	/* the kernel's four lines as one message: the sink gets one complete
	 * line per call */
	pz_log(pz, PZ_LOG_ERR,
	       "BUG: Bad page state in process %s  pfn:%05llx; "
	       "page:%p count:%d mapcount:%d mapping:%p index:0x0; "
	       "flags: %#x(%s); "
	       "page dumped because: %s",
	       "pagezone", (unsigned long long)pz_page_pfn(pz, p), (void *)p,
	       atomic_load_explicit(&p->refcount, memory_order_relaxed), p->mapcount,
	       (void *)p->owner, pg_flags(p), names, reason);
}

void pz_log_limited(struct pz *pz, const char *fmt, ...)
{
	char msg[512];
	uint64_t n;
	va_list ap;

	if (!pz->plat.log)
		return;
	n = atomic_fetch_add_explicit(&pz->refuse_stamp, 1, memory_order_relaxed);
	if (n >= WARN_ALLOC_BURST && n % WARN_ALLOC_EVERY)
		return;
	va_start(ap, fmt);
	pz_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pz->plat.log(pz->plat.ctx, PZ_LOG_WARN, msg);
}

void pz_warn_alloc_failed(struct pz *pz, pz_gfp_t gfp, unsigned order)
{
	uint64_t n;

	if (gfp & PZ__GFP_NOWARN)
		return;
	n = atomic_fetch_add_explicit(&pz->warn_stamp, 1, memory_order_relaxed);
	if (n >= WARN_ALLOC_BURST && n % WARN_ALLOC_EVERY)
		return;
	pz_log(pz, PZ_LOG_WARN, "%s: page allocation failure: order:%u, mode:0x%x", "pagezone",
	       order, gfp);
}
