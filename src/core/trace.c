/*
 * trace.c - tracepoints.
 *
 * Several of the kernel's events fire with the zone lock held
 * (mm_page_alloc_zone_locked, mm_page_pcpu_drain, mm_page_alloc_extfrag).
 * User callbacks must never run under an allocator lock, so events are
 * recorded into a buffer on the caller's stack and delivered, in order,
 * once the operation has dropped its locks. When no trace sink is set the
 * buffer pointer is NULL and recording costs one branch.
 */
#include "internal.h"

void pz_trace_rec_slow(struct pz_tbuf *t, enum pz_trace_kind kind, uint64_t pfn, unsigned order,
		       unsigned mt, unsigned flag)
{
	struct pz_trec *r;

	if (!t || t->n >= PZ_TBUF_MAX)
		return;
	r = &t->r[t->n++];
	r->pfn = pfn;
	r->kind = (uint8_t)kind;
	r->order = (uint8_t)order;
	r->mt = (uint8_t)mt;
	r->flag = (uint8_t)flag;
	r->gfp = t->gfp;
	r->fallback_order = 0;
	r->alloc_mt = 0;
	r->fallback_mt = 0;
	r->pad = 0;
}

void pz_trace_extfrag(struct pz *pz, struct pz_tbuf *t, uint64_t pfn, unsigned order,
		      unsigned fallback_order, unsigned start_mt, unsigned fallback_mt)
{
	struct pz_trec *r;
	unsigned now;

	if (!t || t->n >= PZ_TBUF_MAX)
		return;
	now = pz_pageblock_mt(pz, pfn);
	pz_trace_rec(t, PZ_TRACE_PAGE_ALLOC_EXTFRAG, pfn, order, start_mt, now == start_mt);
	r = &t->r[t->n - 1];
	r->fallback_order = (uint8_t)fallback_order;
	r->alloc_mt = (uint8_t)start_mt;
	r->fallback_mt = (uint8_t)fallback_mt;
}

void pz_trace_flush(struct pz *pz, struct pz_tbuf *t)
{
	struct pz_trace_event ev;

	if (!t || !pz->plat.trace)
		return;
	for (unsigned i = 0; i < t->n; i++) {
		const struct pz_trec *r = &t->r[i];

		pz_memzero(&ev, sizeof(ev));
		ev.kind = (enum pz_trace_kind)r->kind;
		ev.cpu = t->cpu;
		ev.pfn = r->pfn == (uint64_t)-1 ? -1 : (int64_t)r->pfn;
		ev.order = r->order;
		ev.migratetype = (enum pz_migratetype)r->mt;
		ev.gfp_flags = ev.kind == PZ_TRACE_PAGE_ALLOC ? r->gfp : 0;
		if (ev.kind == PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED)
			ev.percpu_refill = r->order == 0;
		if (ev.kind == PZ_TRACE_PAGE_FREE_BATCHED)
			ev.cold = r->flag;
		if (ev.kind == PZ_TRACE_PAGE_ALLOC_EXTFRAG) {
			ev.fallback_order = r->fallback_order;
			ev.alloc_migratetype = (enum pz_migratetype)r->alloc_mt;
			ev.fallback_migratetype = (enum pz_migratetype)r->fallback_mt;
			ev.change_ownership = r->flag;
			ev.fragmenting = r->fallback_order < pz->pageblock_order;
			ev.pageblock_order = pz->pageblock_order;
		}
		pz->plat.trace(pz->plat.ctx, &ev);
	}
	t->n = 0;
}

static const char *const kind_names[PZ_TRACE_NR_KINDS] = {
	"mm_page_alloc",	"mm_page_free",
	"mm_page_free_batched", "mm_page_alloc_zone_locked",
	"mm_page_pcpu_drain",	"mm_page_alloc_extfrag",
};

size_t pz_trace_format(enum pz_profile profile, const struct pz_trace_event *ev, char *buf,
		       size_t len)
{
	struct pz_out o = {buf, len, 0};
	char gfp[256];
	unsigned long long pfn;

	if (!ev || (unsigned)ev->kind >= PZ_TRACE_NR_KINDS)
		return pz_snprintf(buf, len, "%s", "");
	/* "page=" is where x86-64's vmemmap puts the struct page of the pfn
	 * (0xffffea0000000000 + 64 * pfn), printed as the kernel's %p does:
	 * 16 hex digits, no "0x"; a failed mm_page_alloc prints page=(null)
	 * pfn=0 as 4.1 does. */
	pfn = ev->pfn < 0 ? 0 : (unsigned long long)ev->pfn;
	if (ev->pfn < 0)
		pz_out_printf(&o, "%s: page=(null) pfn=0 ", kind_names[ev->kind]);
	else
		pz_out_printf(&o, "%s: page=%016llx pfn=%llu ", kind_names[ev->kind],
			      0xffffea0000000000ull + 64 * pfn, pfn);
	switch (ev->kind) {
	case PZ_TRACE_PAGE_ALLOC:
		pz_gfp_format_profile(profile, ev->gfp_flags, gfp, sizeof(gfp));
		pz_out_printf(&o, "order=%u migratetype=%d gfp_flags=%s", ev->order,
			      pz_migratetype_kernel_value(profile, ev->migratetype), gfp);
		break;
	case PZ_TRACE_PAGE_FREE:
		pz_out_printf(&o, "order=%u", ev->order);
		break;
	case PZ_TRACE_PAGE_FREE_BATCHED:
		pz_out_printf(&o, "order=0 cold=%d", ev->cold);
		break;
	case PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED:
		pz_out_printf(&o, "order=%u migratetype=%d percpu_refill=%d", ev->order,
			      pz_migratetype_kernel_value(profile, ev->migratetype),
			      ev->percpu_refill);
		break;
	case PZ_TRACE_PAGE_PCPU_DRAIN:
		pz_out_printf(&o, "order=%u migratetype=%d", ev->order,
			      pz_migratetype_kernel_value(profile, ev->migratetype));
		break;
	default:
		pz_out_printf(&o,
			      "alloc_order=%u fallback_order=%u pageblock_order=%d "
			      "alloc_migratetype=%d fallback_migratetype=%d fragmenting=%d "
			      "change_ownership=%d",
			      ev->order, ev->fallback_order, ev->pageblock_order,
			      pz_migratetype_kernel_value(profile, ev->alloc_migratetype),
			      pz_migratetype_kernel_value(profile, ev->fallback_migratetype),
			      ev->fragmenting, ev->change_ownership);
		break;
	}
	return pz_out_finish(&o);
}
