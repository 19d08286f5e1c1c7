/*
 * replay_report.c - what a replay found, as text or as one JSON object:
 * throughput, disagreements, tracepoint counts here and in the kernel,
 * high-order successes per phase, skipped lines by cause, and the final
 * buddyinfo beside the kernel's end snapshot.
 */
#include "replay.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

/* Kernel trace kinds with a pagezone tracepoint of the same name. */
static const struct {
	enum tr_kind kernel;
	enum pz_trace_kind here;
} rp_pairs[] = {
	{TR_ALLOC, PZ_TRACE_PAGE_ALLOC},
	{TR_FREE, PZ_TRACE_PAGE_FREE},
	{TR_FREE_BATCHED, PZ_TRACE_PAGE_FREE_BATCHED},
	{TR_ZONE_LOCKED, PZ_TRACE_PAGE_ALLOC_ZONE_LOCKED},
	{TR_PCPU_DRAIN, PZ_TRACE_PAGE_PCPU_DRAIN},
	{TR_EXTFRAG, PZ_TRACE_PAGE_ALLOC_EXTFRAG},
};
#define RP_NR_PAIRS (sizeof(rp_pairs) / sizeof(rp_pairs[0]))

/* Reads a small text file whole (NULL if it cannot be read). */
static char *rp_slurp(const char *path)
{
	FILE *f = path ? fopen(path, "r") : NULL;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int c;

	if (!f)
		return NULL;
	while ((c = fgetc(f)) != EOF) {
		if (n + 2 > cap) {
			char *b = realloc(buf, cap = cap ? cap * 2 : 4096);
			if (!b)
				break;
			buf = b;
		}
		buf[n++] = (char)c;
	}
	if (buf)
		buf[n] = 0;
	fclose(f);
	return buf;
}

static double rp_rate(uint64_t n, double seconds)
{
	return seconds > 0 ? (double)n / seconds : 0.0;
}

static void rp_text_counts(const struct replay *rp, FILE *out)
{
	fprintf(out, "  %-28s %12s %12s\n", "tracepoint", "kernel", "pagezone");
	for (size_t i = 0; i < RP_NR_PAIRS; i++)
		fprintf(out, "  %-28s %12llu %12llu\n", tr_kind_name(rp_pairs[i].kernel),
			(unsigned long long)rp->s.kernel_kind[rp_pairs[i].kernel],
			(unsigned long long)rp->s.here_kind[rp_pairs[i].here]);
	for (int k = TR_ISOLATE; k < TR_NR_KINDS; k++)
		fprintf(out, "  %-28s %12llu %12s\n", tr_kind_name((enum tr_kind)k),
			(unsigned long long)rp->s.kernel_kind[k], "-");
}

static void rp_text_phases(const struct replay *rp, FILE *out)
{
	fprintf(out, "\nallocations of order >= %u by phase:\n  %-40s %9s %6s %9s %9s\n",
		pz_pageblock_order(rp->pz), "phase", "allocs", "tried", "kernel_ok", "here_ok");
	for (unsigned i = 0; i < rp->nr_phases; i++) {
		const struct rp_phase *ph = &rp->phases[i];

		if (!ph->allocs)
			continue;
		fprintf(out, "  %-40s %9llu %6llu %9llu %9llu\n", ph->name,
			(unsigned long long)ph->allocs, (unsigned long long)ph->high_tried,
			(unsigned long long)ph->high_ok_kernel,
			(unsigned long long)ph->high_ok_here);
	}
}

static void rp_text_skips(const struct replay *rp, FILE *out)
{
	const struct trace_reader *rd = rp->rd;

	fprintf(out, "\nlines not replayed, by cause (%llu unparsed):\n",
		(unsigned long long)tr_unparsed(rd));
	for (unsigned i = 0; i < rd->nr_causes; i++) {
		const struct tr_cause *c = &rd->causes[i];

		fprintf(out, "  %-64s %9llu  line", c->name, (unsigned long long)c->count);
		for (unsigned j = 0; j < c->count && j < TR_CAUSE_LINES; j++)
			fprintf(out, " %llu", (unsigned long long)c->lines[j]);
		fprintf(out, "%s%s\n", c->count > TR_CAUSE_LINES ? " ..." : "",
			c->unparsed ? "  (unparsed)" : "");
	}
}

/* A report of pagezone's and the kernel's end snapshot, line by line. */
static void rp_text_side(struct replay *rp, size_t (*fn)(pz_t *, char *, size_t), const char *what,
			 const char *end_path, FILE *out)
{
	char *here = report_text(rp->pz, fn), *there = rp_slurp(end_path);
	char *a = here, *b = there;

	fprintf(out, "\nfinal %s: pagezone, then the kernel (%s)\n", what,
		there ? end_path : "no end snapshot");
	while ((a && *a) || (b && *b)) {
		size_t na = a ? strcspn(a, "\n") : 0, nb = b ? strcspn(b, "\n") : 0;

		if (na)
			fprintf(out, "  pagezone %.*s\n", (int)na, a);
		if (nb)
			fprintf(out, "  kernel   %.*s\n", (int)nb, b);
		a = a && a[na] ? a + na + 1 : NULL;
		b = b && b[nb] ? b + nb + 1 : NULL;
	}
	free(here);
	free(there);
}

void rp_report_text(struct replay *rp, const struct rp_files *f, FILE *out)
{
	const struct rp_stats *s = &rp->s;

	fprintf(out, "replay: %s (%s), %s\n", f->trace, rp->rd->csv ? "CSV" : "ftrace text",
		rp->ls ? "lockstep" : "free-running");
	fprintf(out, "machine: %s (CPUs from %s), %u cpu(s), %llu pfns tracked\n", f->machine,
		f->zoneinfo, rp->nr_cpus, (unsigned long long)rp->npfn);
	if (f->boot_log && f->boot_log[0]) /* as `pagezone run` prints it */
		fprintf(out, "boot log: %s\n", f->boot_log);
	fprintf(out,
		"start: %llu pages free in the kernel at the first event, %llu of them free "
		"here, %llu in ranges pagezone does not manage; %llu more free here that the "
		"trace first takes from the buddy lists\n",
		(unsigned long long)s->start_kernel_free, (unsigned long long)s->start_free_here,
		(unsigned long long)s->start_not_managed, (unsigned long long)s->start_free_taken);
	fprintf(out,
		"events: %llu in %.3f s (%.0f events/s; %.3f s of CPU, %.0f events/s), "
		"%llu allocations, %llu frees\n",
		(unsigned long long)s->events, s->seconds, rp_rate(s->events, s->seconds),
		s->cpu_seconds, rp_rate(s->events, s->cpu_seconds), (unsigned long long)s->allocs,
		(unsigned long long)s->frees);
	fprintf(out,
		"disagreements: %llu failed here but succeeded in the kernel, %llu succeeded "
		"here but failed in the kernel (%llu failed in both)\n",
		(unsigned long long)s->failed_here_ok_there,
		(unsigned long long)s->ok_here_failed_there, (unsigned long long)s->failed_both);
	fprintf(out,
		"settings: %d zone(s) with the kernel's watermarks and per-CPU sizes, %llu "
		"pageblock(s) labelled from the trace before the first event (%llu of them "
		"UNMOVABLE as deferred struct page init leaves them); pz_validate at the end: "
		"%d problem(s)\n",
		s->kernel_knobs, (unsigned long long)s->blocks_labelled,
		(unsigned long long)s->blocks_uninit, s->validate);
	rp_text_wmarks(rp, out);
	fprintf(out, "pages entering the allocator (frees of pages held before the trace): %llu\n",
		(unsigned long long)s->pages_entering);
	if (!rp->ls)
		fprintf(out,
			"compaction: pagezone's own moved %llu pages (the kernel's free scanner "
			"took %llu blocks)\n",
			(unsigned long long)s->migrated,
			(unsigned long long)s->kernel_kind[TR_ISOLATE]);
	fprintf(out,
		"gfp check: %llu mm_page_alloc whose parsed gfp asks for another migratetype "
		"than the kernel printed (first at line %llu)\n\n",
		(unsigned long long)s->gfp_mt_mismatch, (unsigned long long)s->gfp_mt_first_line);
	rp_text_counts(rp, out);
	rp_text_phases(rp, out);
	rp_text_skips(rp, out);
	if (rp->ls)
		rp_text_lockstep(rp, out);
	rp_text_side(rp, pz_report_buddyinfo, "buddyinfo", f->buddyinfo_end, out);
	if (!rp->ls)
		rp_text_side(rp, pz_report_pagetypeinfo, "pagetypeinfo", f->pagetypeinfo_end, out);
}

static void jset_u64(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

static struct json_object *rp_json_counts(const struct replay *rp)
{
	struct json_object *o = json_object_new_object();

	for (size_t i = 0; i < RP_NR_PAIRS; i++) {
		struct json_object *c = json_object_new_object();

		jset_u64(c, "kernel", rp->s.kernel_kind[rp_pairs[i].kernel]);
		jset_u64(c, "pagezone", rp->s.here_kind[rp_pairs[i].here]);
		json_object_object_add(o, tr_kind_name(rp_pairs[i].kernel), c);
	}
	for (int k = TR_ISOLATE; k < TR_NR_KINDS; k++) {
		struct json_object *c = json_object_new_object();

		jset_u64(c, "kernel", rp->s.kernel_kind[k]);
		json_object_object_add(o, tr_kind_name((enum tr_kind)k), c);
	}
	return o;
}

static struct json_object *rp_json_phases(const struct replay *rp)
{
	struct json_object *a = json_object_new_array();

	for (unsigned i = 0; i < rp->nr_phases; i++) {
		const struct rp_phase *ph = &rp->phases[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "phase", json_object_new_string(ph->name));
		jset_u64(o, "allocs", ph->allocs);
		jset_u64(o, "high_order_tried", ph->high_tried);
		jset_u64(o, "high_order_ok_kernel", ph->high_ok_kernel);
		jset_u64(o, "high_order_ok_here", ph->high_ok_here);
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *rp_json_skips(const struct trace_reader *rd)
{
	struct json_object *a = json_object_new_array();

	for (unsigned i = 0; i < rd->nr_causes; i++) {
		const struct tr_cause *c = &rd->causes[i];
		struct json_object *o = json_object_new_object(), *l = json_object_new_array();

		json_object_object_add(o, "cause", json_object_new_string(c->name));
		json_object_object_add(o, "unparsed", json_object_new_boolean(c->unparsed));
		jset_u64(o, "count", c->count);
		for (unsigned j = 0; j < c->count && j < TR_CAUSE_LINES; j++)
			json_object_array_add(l, json_object_new_uint64(c->lines[j]));
		json_object_object_add(o, "first_lines", l);
		json_object_array_add(a, o);
	}
	return a;
}

static void rp_json_totals(struct json_object *j, const struct replay *rp)
{
	const struct rp_stats *s = &rp->s;

	jset_u64(j, "events", s->events);
	json_object_object_add(j, "seconds", json_object_new_double(s->seconds));
	json_object_object_add(j, "cpu_seconds", json_object_new_double(s->cpu_seconds));
	json_object_object_add(j, "events_per_second",
			       json_object_new_double(rp_rate(s->events, s->seconds)));
	jset_u64(j, "allocations", s->allocs);
	jset_u64(j, "frees", s->frees);
	jset_u64(j, "failed_here_ok_in_kernel", s->failed_here_ok_there);
	jset_u64(j, "ok_here_failed_in_kernel", s->ok_here_failed_there);
	jset_u64(j, "failed_in_both", s->failed_both);
	jset_u64(j, "pages_entering", s->pages_entering);
	if (!rp->ls)
		jset_u64(j, "pages_migrated_here", s->migrated);
	jset_u64(j, "gfp_migratetype_mismatches", s->gfp_mt_mismatch);
	jset_u64(j, "start_kernel_free_pages", s->start_kernel_free);
	jset_u64(j, "start_free_here", s->start_free_here);
	jset_u64(j, "start_not_managed_here", s->start_not_managed);
	jset_u64(j, "start_free_first_taken_from_buddy", s->start_free_taken);
	jset_u64(j, "pageblocks_labelled_from_trace", s->blocks_labelled);
	jset_u64(j, "pageblocks_left_unmovable_by_deferred_init", s->blocks_uninit);
	json_object_object_add(j, "kernel_watermark_zones", json_object_new_int(s->kernel_knobs));
	json_object_object_add(j, "validate_problems", json_object_new_int(s->validate));
	jset_u64(j, "unparsed_lines", tr_unparsed(rp->rd));
}

int rp_report_json(struct replay *rp, const struct rp_files *f, FILE *out)
{
	struct json_object *j = json_object_new_object();
	char *here = report_text(rp->pz, pz_report_buddyinfo), *there = rp_slurp(f->buddyinfo_end);
	char *pt_here = report_text(rp->pz, pz_report_pagetypeinfo);
	char *pt_there = rp_slurp(f->pagetypeinfo_end);
	int rc;

	json_object_object_add(j, "trace", json_object_new_string(f->trace));
	json_object_object_add(j, "format", json_object_new_string(rp->rd->csv ? "csv" : "text"));
	json_object_object_add(j, "mode",
			       json_object_new_string(rp->ls ? "lockstep" : "free-running"));
	json_object_object_add(j, "zoneinfo", json_object_new_string(f->zoneinfo));
	json_object_object_add(j, "machine", json_object_new_string(f->machine));
	if (f->boot_log && f->boot_log[0]) /* the text's "boot log:" line */
		json_object_object_add(j, "boot_log", json_object_new_string(f->boot_log));
	if (rp->nr_wm)
		json_object_object_add(j, "computed_watermarks", rp_json_wmarks(rp));
	rp_json_totals(j, rp);
	json_object_object_add(j, "tracepoints", rp_json_counts(rp));
	json_object_object_add(j, "phases", rp_json_phases(rp));
	json_object_object_add(j, "skipped", rp_json_skips(rp->rd));
	json_object_object_add(j, "buddyinfo_pagezone", json_object_new_string(here ? here : ""));
	json_object_object_add(j, "buddyinfo_kernel", there ? json_object_new_string(there) : NULL);
	json_object_object_add(j, "pagetypeinfo_pagezone",
			       json_object_new_string(pt_here ? pt_here : ""));
	json_object_object_add(j, "pagetypeinfo_kernel",
			       pt_there ? json_object_new_string(pt_there) : NULL);
	if (rp->ls)
		json_object_object_add(j, "lockstep", rp_json_lockstep(rp));
	rc = fprintf(out, "%s\n",
		     json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
							       JSON_C_TO_STRING_NOSLASHESCAPE)) < 0;
	json_object_put(j);
	free(here);
	free(there);
	free(pt_here);
	free(pt_there);
	return rc ? -1 : 0;
}
