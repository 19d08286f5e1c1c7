/*
 * trace_text.c - one line of ftrace text into an event:
 *
 *   TASK-PID [CPU] FLAGS TIMESTAMP: EVENT: key=value key=value ...
 *
 * (trace-cmd report omits FLAGS). The CPU is the first "[digits]" on the
 * line; the event name follows the first "seconds.micros:" after it. The
 * task name may hold spaces, so nothing is assumed about column widths.
 * pfn values are hex with 0x (6.x) or decimal (4.x); a failed
 * mm_page_alloc prints a NULL page ("0000000000000000" or "(null)"). The
 * kprobes print struct page addresses: pfn = (page - vmemmap_base) / 64.
 */
#include "trace.h"

#include <string.h>

#define PAGE_STRUCT_SIZE 64 /* sizeof(struct page) on x86-64 */

enum tx_key {
	K_PAGE,
	K_PFN,
	K_ORDER,
	K_MT,
	K_GFP,
	K_REFILL,
	K_FB_ORDER,
	K_ALLOC_MT,
	K_FB_MT,
	K_OWNER,
	K_ADDR,
	K_END,
	K_PAGES,
	K_VMEMMAP,
	K_NR,
};

static const char *const key_names[K_NR] = {
	"page",
	"pfn",
	"order",
	"migratetype",
	"gfp_flags",
	"percpu_refill",
	"fallback_order",
	"alloc_migratetype",
	"fallback_migratetype",
	"change_ownership",
	"addr",
	"end",
	"pages",
	"vmemmap_base",
};

struct tx_fields {
	const char *v[K_NR];
	size_t n[K_NR];
};

/* Splits "key=value" words into f; unknown keys are ignored. */
static void tx_fields(char *s, char *e, struct tx_fields *f)
{
	memset(f, 0, sizeof(*f));
	while (s < e) {
		char *w, *eq;

		while (s < e && *s == ' ')
			s++;
		w = s;
		while (s < e && *s != ' ')
			s++;
		eq = memchr(w, '=', (size_t)(s - w));
		if (!eq)
			continue;
		for (int k = 0; k < K_NR; k++)
			if ((size_t)(eq - w) == strlen(key_names[k]) &&
			    !memcmp(w, key_names[k], (size_t)(eq - w))) {
				f->v[k] = eq + 1;
				f->n[k] = (size_t)(s - eq - 1);
				break;
			}
	}
}

/* A number: 0x-hex or decimal, possibly negative. Values up to 2^64 - 1
 * are kept as their 64-bit pattern (struct page addresses are above
 * 2^63), negative ones down to -2^63; anything wider is refused (a
 * wrapped value would be a wrong pfn). Returns 0 or -1. */
static int tx_num(const char *s, size_t n, int64_t *out)
{
	uint64_t v = 0;
	int neg = n && *s == '-', hex;
	size_t i = (size_t)neg;

	hex = n > i + 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X');
	i += hex ? 2 : 0;
	if (i >= n)
		return -1;
	for (; i < n; i++) {
		unsigned c = (unsigned char)s[i], d, base = hex ? 16 : 10;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return -1;
		if (v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	if (neg && v > (uint64_t)INT64_MAX + 1)
		return -1;
	*out = (int64_t)(neg ? 0 - v : v); /* negated in unsigned: -2^63 stays defined */
	return 0;
}

static int tx_get(const struct tx_fields *f, enum tx_key k, int64_t *out)
{
	return f->v[k] ? tx_num(f->v[k], f->n[k], out) : -1;
}

/* The pfn of a struct page address printed by a kprobe. */
static int tx_page_pfn(const char *s, size_t n, int64_t base, int64_t *pfn)
{
	int64_t page;

	if (tx_num(s, n, &page) || (uint64_t)page < (uint64_t)base)
		return -1;
	*pfn = (int64_t)(((uint64_t)page - (uint64_t)base) / PAGE_STRUCT_SIZE);
	return 0;
}

/* vmap_pages: (end - addr) / 4 KiB pages, at most TR_VMAP_MAX recorded. */
static int tx_vmap(const struct tx_fields *f, struct tr_event *ev)
{
	int64_t addr, end, base, pfn;
	const char *p = f->v[K_PAGES], *e;
	uint64_t want;

	if (tx_get(f, K_ADDR, &addr) || tx_get(f, K_END, &end) || tx_get(f, K_VMEMMAP, &base) ||
	    !p || f->n[K_PAGES] < 2 || *p != '{' || end < addr)
		return -1;
	want = ((uint64_t)end - (uint64_t)addr) >> 12;
	ev->vmap_total = want;
	e = p + f->n[K_PAGES] - 1;
	p++;
	ev->nr_pfns = 0;
	while (ev->nr_pfns < want && ev->nr_pfns < TR_VMAP_MAX && p < e) {
		size_t len = strcspn(p, ",}");

		if (tx_page_pfn(p, len, base, &pfn))
			return -1;
		ev->pfns[ev->nr_pfns++] = (uint64_t)pfn;
		p += len + 1;
	}
	return ev->nr_pfns == want || ev->nr_pfns == TR_VMAP_MAX ? 0 : -1;
}

static bool tx_null_page(const struct tx_fields *f)
{
	const char *p = f->v[K_PAGE];

	if (!p)
		return false;
	if (f->n[K_PAGE] == 6 && !memcmp(p, "(null)", 6))
		return true;
	for (size_t i = 0; i < f->n[K_PAGE]; i++)
		if (p[i] != '0')
			return false;
	return true;
}

/* The fields of each kind into *ev. Returns 0 or -1 (a field missing). */
static int tx_event(struct trace_reader *r, const struct tx_fields *f, struct tr_event *ev)
{
	int64_t v[4] = {0, 0, 0, 0};

	switch (ev->kind) {
	case TR_ALLOC:
		if (tx_get(f, K_PFN, &ev->pfn) || tx_get(f, K_ORDER, &v[0]) ||
		    tx_get(f, K_MT, &v[1]) || !f->v[K_GFP])
			return -1;
		if (tx_null_page(f))
			ev->pfn = -1;
		ev->gfp = tr_gfp_parse(r->gfp, f->v[K_GFP], f->n[K_GFP]);
		break;
	case TR_ZONE_LOCKED:
		if (tx_get(f, K_REFILL, &v[2]))
			return -1;
		__attribute__((fallthrough));
	case TR_PCPU_DRAIN:
		if (tx_get(f, K_MT, &v[1]))
			return -1;
		__attribute__((fallthrough));
	case TR_FREE:
	case TR_FREE_BATCHED:
		if (tx_get(f, K_PFN, &ev->pfn) || tx_get(f, K_ORDER, &v[0]))
			return -1;
		break;
	case TR_EXTFRAG:
		if (tx_get(f, K_PFN, &ev->pfn) || tx_get(f, K_FB_ORDER, &v[0]) ||
		    tx_get(f, K_ALLOC_MT, &v[1]) || tx_get(f, K_FB_MT, &v[2]) ||
		    tx_get(f, K_OWNER, &v[3]))
			return -1;
		ev->fallback_order = (unsigned)v[0];
		ev->alloc_mt = (int)v[1];
		ev->fallback_mt = (int)v[2];
		ev->change_ownership = (int)v[3];
		return 0;
	case TR_ISOLATE:
		if (tx_get(f, K_ORDER, &v[0]) || tx_get(f, K_VMEMMAP, &v[3]) || !f->v[K_PAGE] ||
		    tx_page_pfn(f->v[K_PAGE], f->n[K_PAGE], v[3], &ev->pfn))
			return -1;
		break;
	case TR_VMAP:
		return tx_vmap(f, ev);
	default:
		return -1;
	}
	if (v[0] < 0 || v[0] >= PZ_MAX_ORDER_LIMIT)
		return -1;
	ev->order = (unsigned)v[0];
	ev->migratetype = (int)v[1];
	ev->percpu_refill = (int)v[2];
	return 0;
}

/* Finds "[cpu]" and the "secs.usecs:" after it; returns the text after. */
static char *tx_header(char *s, char *e, unsigned *cpu)
{
	char *p = s;

	while ((p = memchr(p, '[', (size_t)(e - p))) != NULL) {
		char *q = ++p;
		unsigned v = 0;

		while (q < e && *q >= '0' && *q <= '9')
			v = v * 10 + (unsigned)(*q++ - '0');
		if (q > p && q < e && *q == ']') {
			*cpu = v;
			p = q + 1;
			break;
		}
	}
	for (int word = 0; p && word < 3 && p < e; word++) {
		char *w, *dot;

		while (p < e && *p == ' ')
			p++;
		w = p;
		while (p < e && *p != ' ')
			p++;
		dot = memchr(w, '.', (size_t)(p - w));
		if (dot && p[-1] == ':' && dot > w && w[0] >= '0' && w[0] <= '9')
			return p;
	}
	return NULL;
}

int tr_parse_text(struct trace_reader *r, char *s, char *e, struct tr_event *ev)
{
	struct tx_fields f;
	char *name, *colon;
	int kind;

	while (s < e && *s == ' ')
		s++;
	if (s == e || *s == '#')
		return 0;
	name = tx_header(s, e, &ev->cpu);
	while (name && name < e && *name == ' ')
		name++;
	colon = name ? memchr(name, ':', (size_t)(e - name)) : NULL;
	if (!colon) {
		tr_skip(r, "malformed line (no '[cpu] seconds: event:')", true, r->line + 0);
		return 0;
	}
	kind = tr_kind_of(name, (size_t)(colon - name));
	if (kind < 0) {
		char cause[TR_CAUSE_NAMELEN];

		snprintf(cause, sizeof(cause), "not replayed: %.*s", (int)(colon - name), name);
		tr_skip(r, cause, false, r->line);
		return 0;
	}
	ev->kind = (enum tr_kind)kind;
	if (kind == TR_MARKER) {
		ev->marker = colon + 1 + (colon + 1 < e && colon[1] == ' ');
		ev->marker_len = (size_t)(e - ev->marker);
		return 1;
	}
	tx_fields(colon + 1, e, &f);
	if (tx_event(r, &f, ev) == 0)
		return 1;
	char cause[TR_CAUSE_NAMELEN];
	snprintf(cause, sizeof(cause), "malformed %s line", tr_kind_name(ev->kind));
	tr_skip(r, cause, true, r->line);
	return 0;
}
