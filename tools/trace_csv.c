/*
 * trace_csv.c - one row of the traces' CSV form into an event. Columns:
 *
 *   seq,cpu,timestamp_us,event,pfn,order,gfp_flags,migratetype,gfp_value,
 *   percpu_refill,fallback_order,alloc_migratetype,fallback_migratetype,
 *   fragmenting,change_ownership,pid,comm,extra
 *
 * pfn is decimal, -1 for a failed allocation; vmap_page has one row per
 * page; a marker's text is in extra ("PHASE name"). A field may be quoted
 * ("..." with "" for a quote), as comm and extra can hold commas.
 */
#include "trace.h"

#include <string.h>

enum {
	C_SEQ,
	C_CPU,
	C_TS,
	C_EVENT,
	C_PFN,
	C_ORDER,
	C_GFP,
	C_MT,
	C_GFPVAL,
	C_REFILL,
	C_FB_ORDER,
	C_ALLOC_MT,
	C_FB_MT,
	C_FRAG,
	C_OWNER,
	C_PID,
	C_COMM,
	C_EXTRA,
	C_NR,
};

struct cv_row {
	const char *v[C_NR];
	size_t n[C_NR];
};

/* Splits the row; returns the number of fields found. Quoted fields are
 * returned with their quotes stripped (inner "" left as is). */
static int cv_split(char *s, char *e, struct cv_row *row)
{
	int n = 0;

	while (n < C_NR) {
		char *f = s, *end;

		if (s < e && *s == '"') {
			f = ++s;
			while (s < e && !(*s == '"' && (s + 1 == e || s[1] != '"')))
				s += (*s == '"') ? 2 : 1;
			end = s;
			s += s < e;
		} else {
			while (s < e && *s != ',')
				s++;
			end = s;
		}
		row->v[n] = f;
		row->n[n++] = (size_t)(end - f);
		if (s >= e || *s != ',')
			break;
		s++;
	}
	return n;
}

/* A decimal field, possibly negative; an empty field is an error. */
static int cv_num(const struct cv_row *row, int col, int64_t *out)
{
	const char *s = row->v[col];
	size_t n = row->n[col], i = 0;
	int64_t v = 0;
	int neg = n && s[0] == '-';

	i = (size_t)neg;
	if (i >= n || n - i > 18) /* 18 digits always fit in int64_t */
		return -1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = neg ? -v : v;
	return 0;
}

static int cv_extfrag(const struct cv_row *row, struct tr_event *ev)
{
	int64_t v[4];

	if (cv_num(row, C_FB_ORDER, &v[0]) || cv_num(row, C_ALLOC_MT, &v[1]) ||
	    cv_num(row, C_FB_MT, &v[2]) || cv_num(row, C_OWNER, &v[3]))
		return -1;
	ev->fallback_order = (unsigned)v[0];
	ev->alloc_mt = (int)v[1];
	ev->fallback_mt = (int)v[2];
	ev->change_ownership = (int)v[3];
	return 0;
}

/* The fields of each kind. Returns 0 or -1. */
static int cv_event(struct trace_reader *r, const struct cv_row *row, struct tr_event *ev)
{
	int64_t order = 0, mt = 0, refill = 0;

	if (ev->kind == TR_MARKER) {
		ev->marker = row->v[C_EXTRA];
		ev->marker_len = row->n[C_EXTRA];
		return 0;
	}
	if (cv_num(row, C_PFN, &ev->pfn))
		return -1;
	if (ev->kind == TR_EXTFRAG)
		return cv_extfrag(row, ev);
	if (cv_num(row, C_ORDER, &order) || order < 0 || order >= PZ_MAX_ORDER_LIMIT)
		return -1;
	if ((ev->kind == TR_ALLOC || ev->kind == TR_ZONE_LOCKED || ev->kind == TR_PCPU_DRAIN) &&
	    cv_num(row, C_MT, &mt))
		return -1;
	if (ev->kind == TR_ZONE_LOCKED && cv_num(row, C_REFILL, &refill))
		return -1;
	if (ev->kind == TR_ALLOC)
		ev->gfp = tr_gfp_parse(r->gfp, row->v[C_GFP], row->n[C_GFP]);
	if (ev->kind == TR_VMAP) {
		ev->nr_pfns = 1;
		ev->vmap_total = 1;
		ev->pfns[0] = (uint64_t)ev->pfn;
	}
	ev->order = (unsigned)order;
	ev->migratetype = (int)mt;
	ev->percpu_refill = (int)refill;
	return 0;
}

int tr_parse_csv(struct trace_reader *r, char *s, char *e, struct tr_event *ev)
{
	struct cv_row row;
	int64_t cpu;
	int kind;

	if (s == e)
		return 0;
	if (cv_split(s, e, &row) != C_NR || cv_num(&row, C_CPU, &cpu) || cpu < 0) {
		tr_skip(r, "malformed CSV row (not 18 fields with a cpu)", true, r->line);
		return 0;
	}
	kind = tr_kind_of(row.v[C_EVENT], row.n[C_EVENT]);
	if (kind < 0) {
		char cause[TR_CAUSE_NAMELEN];

		snprintf(cause, sizeof(cause), "not replayed: %.*s", (int)row.n[C_EVENT],
			 row.v[C_EVENT]);
		tr_skip(r, cause, false, r->line);
		return 0;
	}
	ev->kind = (enum tr_kind)kind;
	ev->cpu = (unsigned)cpu;
	if (cv_event(r, &row, ev) == 0)
		return 1;
	char cause[TR_CAUSE_NAMELEN];
	snprintf(cause, sizeof(cause), "malformed %s row", tr_kind_name(ev->kind));
	tr_skip(r, cause, true, r->line);
	return 0;
}
