/*
 * trace_read.c - streams a trace file a buffer at a time through zlib
 * (gzread reads plain files as they are), splits it into lines and hands
 * each to the text or CSV line parser. The whole file is never in memory:
 * the buffer holds at most TR_BUF bytes, and a line longer than that is
 * counted as unparsed and skipped.
 *
 * The format is decided by the first line: the CSV form starts with its
 * header "seq,cpu,timestamp_us,event,..."; anything else is ftrace text.
 */
#include "trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define TR_BUF (4u << 20)

static const char *const kind_names[TR_NR_KINDS] = {
	"mm_page_alloc",
	"mm_page_free",
	"mm_page_free_batched",
	"mm_page_alloc_zone_locked",
	"mm_page_pcpu_drain",
	"mm_page_alloc_extfrag",
	"isolate_free_page",
	"vmap_pages",
	"marker",
};

const char *tr_kind_name(enum tr_kind k)
{
	return k < TR_NR_KINDS ? kind_names[k] : "?";
}

int tr_kind_of(const char *s, size_t n)
{
	for (int k = 0; k < TR_NR_KINDS; k++)
		if (strlen(kind_names[k]) == n && !memcmp(kind_names[k], s, n))
			return k;
	if (n == 9 && !memcmp(s, "vmap_page", 9)) /* the CSV's one-row-per-page name */
		return TR_VMAP;
	if (n == 18 && !memcmp(s, "tracing_mark_write", 18))
		return TR_MARKER;
	return -1;
}

void tr_skip(struct trace_reader *r, const char *cause, bool unparsed, uint64_t line)
{
	struct tr_cause *c = NULL;

	for (unsigned i = 0; i < r->nr_causes; i++)
		if (!strcmp(r->causes[i].name, cause)) {
			c = &r->causes[i];
			break;
		}
	if (!c) {
		c = &r->causes[r->nr_causes < TR_MAX_CAUSES ? r->nr_causes++ : TR_MAX_CAUSES - 1];
		if (!c->count)
			snprintf(c->name, sizeof(c->name), "%s", cause);
		c->unparsed = unparsed;
	}
	if (c->count < TR_CAUSE_LINES)
		c->lines[c->count] = line;
	c->count++;
}

uint64_t tr_unparsed(const struct trace_reader *r)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < r->nr_causes; i++)
		if (r->causes[i].unparsed)
			n += r->causes[i].count;
	return n;
}

int tr_open(struct trace_reader *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	r->path = path;
	r->gz = gzopen(path, "rb");
	r->buf = malloc(TR_BUF);
	r->gfp = tr_gfp_new();
	if (!r->gz || !r->buf || !r->gfp) {
		tool_error("cannot open %s: %s", path, errno ? strerror(errno) : "out of memory");
		tr_close(r);
		return -1;
	}
	r->cap = TR_BUF;
	gzbuffer(r->gz, 1u << 18);
	return 0;
}

void tr_close(struct trace_reader *r)
{
	if (r->gz)
		gzclose(r->gz);
	free(r->buf);
	tr_gfp_free(r->gfp);
	r->gz = NULL;
	r->buf = NULL;
	r->gfp = NULL;
}

/* Refills the buffer after moving the unread tail to its start. */
static int tr_fill(struct trace_reader *r)
{
	int got, err;
	const char *msg;

	memmove(r->buf, r->buf + r->pos, r->end - r->pos);
	r->end -= r->pos;
	r->pos = 0;
	got = gzread(r->gz, r->buf + r->end, (unsigned)(r->cap - r->end));
	if (got > 0) {
		r->end += (size_t)got;
		r->bytes += (uint64_t)got;
		return 0;
	}
	msg = gzerror(r->gz, &err);
	if (got < 0 || (err != Z_OK && err != Z_BUF_ERROR)) {
		tool_error("%s: read error after line %llu: %s", r->path,
			   (unsigned long long)r->line, err == Z_ERRNO ? strerror(errno) : msg);
		return -1;
	}
	if (err == Z_BUF_ERROR) {
		tool_error("%s: truncated gzip stream after line %llu: %s", r->path,
			   (unsigned long long)r->line, msg);
		return -1;
	}
	r->eof = true;
	return 0;
}

/* The next line as [*s, *e) (newline excluded): 1, 0 at the end, -1. A
 * line that fills the whole buffer is counted and dropped up to its end. */
static int tr_line(struct trace_reader *r, char **s, char **e)
{
	for (;;) {
		char *nl = memchr(r->buf + r->pos, '\n', r->end - r->pos);

		if (nl && r->discard) {
			r->pos = (size_t)(nl - r->buf) + 1;
			r->discard = false;
			continue;
		}
		if (nl || (r->eof && r->pos < r->end && !r->discard)) {
			*s = r->buf + r->pos;
			*e = nl ? nl : r->buf + r->end;
			r->pos = (size_t)(*e - r->buf) + (nl != NULL);
			r->line++;
			if (*e > *s && (*e)[-1] == '\r') /* CRLF line ends (the CSV form) */
				(*e)--;
			return 1;
		}
		if (r->eof)
			return 0;
		if (r->pos == 0 && r->end == r->cap) {
			tr_skip(r, "line longer than 4 MiB", true, ++r->line);
			r->pos = r->end;
			r->discard = true;
		}
		if (tr_fill(r))
			return -1;
	}
}

int tr_next(struct trace_reader *r, struct tr_event *ev)
{
	char *s, *e;
	int rc;

	while ((rc = tr_line(r, &s, &e)) == 1) {
		if (r->line == 1 && e - s >= 8 && !memcmp(s, "seq,cpu,", 8)) {
			r->csv = true;
			continue;
		}
		*e = 0;
		rc = r->csv ? tr_parse_csv(r, s, e, ev) : tr_parse_text(r, s, e, ev);
		if (rc == 1) {
			ev->line = r->line;
			r->nr_events[ev->kind]++;
			return 1;
		}
	}
	return rc;
}
