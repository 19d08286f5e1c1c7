/*
 * fuzz_trace.c - libFuzzer target for the kernel trace parsers of
 * `pagezone replay`: the ftrace text line parser (tr_parse_text), the CSV
 * row parser (tr_parse_csv) and the gfp-name parser (tr_gfp_parse).
 *
 * The input is the text of a trace. As the reader does, a first line
 * starting "seq,cpu," makes it the CSV form; each line, without its
 * newline (and a CR before it), is copied to a buffer of its own size plus
 * the NUL the reader writes, so that ASan sees any read past it, and is
 * parsed. Every line is also given whole to the gfp parser. Checks:
 *   - a parser returns 0 or 1 and never crashes;
 *   - an event has a known kind, an order below PZ_MAX_ORDER_LIMIT, at most
 *     TR_VMAP_MAX pfns, a marker inside its line, gfp bits pagezone knows;
 *   - every line that is not an event, a blank line or a '#' comment is
 *     counted once under a cause (an event never), in at most
 *     TR_MAX_CAUSES causes;
 *   - a gfp text gives the same bits on a cache hit and, at the end of the
 *     input (last line first), from a fresh cache.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, long a, long b) __attribute__((noreturn));
static void fail(const char *what, long a, long b)
{
	fprintf(stderr, "fuzz_trace: INVARIANT BROKEN: %s (%ld, %ld)\n", what, a, b);
	abort();
}

static uint64_t counted(const struct trace_reader *r)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < r->nr_causes; i++)
		n += r->causes[i].count;
	return n;
}

static void check_event(const struct tr_event *ev, const char *s, const char *e)
{
	if ((unsigned)ev->kind >= TR_NR_KINDS)
		fail("unknown kind", (long)ev->kind, 0);
	if (ev->kind == TR_MARKER) {
		if (ev->marker < s || ev->marker > e || ev->marker + ev->marker_len > e)
			fail("marker outside its line", (long)(ev->marker - s),
			     (long)ev->marker_len);
		return;
	}
	if (ev->kind != TR_EXTFRAG && ev->order >= PZ_MAX_ORDER_LIMIT)
		fail("order out of range", (long)ev->order, 0);
	if (ev->nr_pfns > TR_VMAP_MAX)
		fail("too many vmap pfns", (long)ev->nr_pfns, 0);
	if (ev->kind == TR_ALLOC && (ev->gfp & ~PZ__GFP_BITS_MASK))
		fail("unknown gfp bits", (long)ev->gfp, 0);
}

#define MAX_GFP_LINES 256

/* Each line's text as a gfp mask: its bits through the reader's warm
 * cache (after the line was parsed), kept to compare with a fresh cache. */
struct gfp_seen {
	size_t off, len;
	pz_gfp_t bits;
};
static struct gfp_seen seen[MAX_GFP_LINES];
static unsigned nr_seen;

static void gfp_line(struct tr_gfp_cache *warm, const char *s, size_t n, size_t off)
{
	pz_gfp_t a = tr_gfp_parse(warm, s, n);

	if (a != tr_gfp_parse(warm, s, n))
		fail("gfp parse differs on a cache hit", (long)a, 0);
	if (a & ~PZ__GFP_BITS_MASK)
		fail("unknown gfp bits", (long)a, 0);
	if (nr_seen < MAX_GFP_LINES)
		seen[nr_seen++] = (struct gfp_seen){off, n, a};
}

/* The same texts, last first, through a fresh cache: the same bits. */
static void gfp_recheck(const uint8_t *data)
{
	struct tr_gfp_cache *fresh = tr_gfp_new();

	if (!fresh)
		fail("out of memory", 0, 0);
	for (unsigned i = nr_seen; i-- > 0;) {
		char *buf = malloc(seen[i].len + 1);

		if (!buf)
			fail("out of memory", 0, 0);
		memcpy(buf, data + seen[i].off, seen[i].len);
		if (tr_gfp_parse(fresh, buf, seen[i].len) != seen[i].bits)
			fail("gfp parse depends on the cache", (long)i, (long)seen[i].bits);
		free(buf);
	}
	tr_gfp_free(fresh);
}

/* Lines the parsers pass over without counting them. */
static bool uncounted(const struct trace_reader *r, const char *s, size_t n)
{
	size_t i = 0;

	if (r->csv)
		return n == 0;
	while (i < n && s[i] == ' ')
		i++;
	return i == n || s[i] == '#';
}

/* One line [s, s + n) through the parser of the form; returns 1 for an
 * event. */
static int one_line(struct trace_reader *r, const uint8_t *s, size_t n, size_t off)
{
	struct tr_event ev;
	char *buf = malloc(n + 1);
	uint64_t before = counted(r);
	int rc;

	if (!buf)
		fail("out of memory", (long)n, 0);
	memcpy(buf, s, n);
	buf[n] = 0;
	memset(&ev, 0, sizeof(ev));
	rc = r->csv ? tr_parse_csv(r, buf, buf + n, &ev) : tr_parse_text(r, buf, buf + n, &ev);
	if (rc != 0 && rc != 1)
		fail("parser returned", rc, (long)r->line);
	if (rc == 1) {
		check_event(&ev, buf, buf + n);
		if (counted(r) != before)
			fail("an event was also counted as skipped", (long)r->line, 0);
	} else if (counted(r) != before + !uncounted(r, buf, n)) {
		fail("a skipped line not counted once", (long)r->line, (long)(counted(r) - before));
	}
	if (r->nr_causes > TR_MAX_CAUSES)
		fail("too many causes", (long)r->nr_causes, 0);
	gfp_line(r->gfp, buf, n, off);
	free(buf);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_reader r;
	const uint8_t *p = data, *end = data + size;

	memset(&r, 0, sizeof(r));
	nr_seen = 0;
	r.path = "fuzz";
	r.gfp = tr_gfp_new();
	if (!r.gfp)
		fail("out of memory", 0, 0);
	while (p < end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		const uint8_t *e = nl ? nl : end;
		size_t n = (size_t)(e - p);

		r.line++;
		if (n && e[-1] == '\r')
			n--;
		if (r.line == 1 && n >= 8 && !memcmp(p, "seq,cpu,", 8))
			r.csv = true;
		else
			one_line(&r, p, n, (size_t)(p - data));
		p = nl ? nl + 1 : end;
	}
	gfp_recheck(data);
	tr_gfp_free(r.gfp);
	return 0;
}
