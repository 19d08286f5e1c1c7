/*
 * picture.c - the pageblock map: one cell per pageblock of every populated
 * zone, coloured (SVG) or lettered (terminal) by the block's migratetype
 * label, and shaded or cased by how full it is. A block is "free" when
 * every page the zone manages in it lies in the buddy or per-CPU lists,
 * "full" when none does, "partly free" otherwise; a block without a
 * managed page (a hole, reserved memory) is blank. The blocks come from
 * pz_zone_pageblocks, a chunk at a time.
 */
#include "pictures.h"

#include <errno.h>
#include <string.h>

#define MAP_COLS  64  /* cells per line */
#define MAP_CHUNK 256 /* pageblocks per pz_zone_pageblocks call */
#define SVG_CELL  10  /* pixels per cell, gap included */
#define SVG_LEFT  96  /* room for the pfn of each line */

enum map_fill {
	FILL_NONE,
	FILL_FULL,
	FILL_PART,
	FILL_FREE,
	NR_FILLS
};

static enum map_fill block_fill(const struct pz_pageblock_info *b)
{
	unsigned avail = b->free + b->pcp;

	if (!b->managed)
		return FILL_NONE;
	return !avail ? FILL_FULL : avail >= b->managed ? FILL_FREE : FILL_PART;
}

/* The letter of a migratetype; 4.1's Reserve shares slot 3 with 4.4's
 * HighAtomic and would clash with Reclaimable, so it is S. */
static char mt_letter(enum pz_profile profile, unsigned mt)
{
	const char *name = pz_migratetype_name(profile, (enum pz_migratetype)mt);

	if (!name)
		return '?';
	return mt == 3 && name[0] == 'R' ? 'S' : name[0];
}

static const char *const mt_colour[PZ_MT_TYPES] = {
	"#d62728", /* Unmovable: red */
	"#2ca02c", /* Movable: green */
	"#1f77b4", /* Reclaimable: blue */
	"#9467bd", /* Reserve / HighAtomic: purple */
	"#ff7f0e", /* CMA: orange */
	"#7f7f7f", /* Isolate: grey */
};

/* A walk over the populated zones, drawing to f. */
struct map_walk {
	pz_t *pz;
	enum pz_profile profile;
	FILE *f;
	int nid;
	enum pz_zone_type type;
	int64_t nr;    /* blocks of the zone */
	unsigned line; /* lines drawn so far (SVG) */
	uint64_t count[PZ_MT_TYPES], fills[NR_FILLS];
};

/* Counts of one zone for its heading line. */
static int zone_counts(struct map_walk *w)
{
	struct pz_pageblock_info b[MAP_CHUNK];

	memset(w->count, 0, sizeof(w->count));
	memset(w->fills, 0, sizeof(w->fills));
	for (int64_t i = 0; i < w->nr; i += MAP_CHUNK) {
		int64_t n = pz_zone_pageblocks(w->pz, w->nid, w->type, (uint64_t)i, b, MAP_CHUNK);

		if (n < 0)
			return -1;
		for (int64_t k = 0; k < MAP_CHUNK && i + k < w->nr; k++) {
			w->fills[block_fill(&b[k])]++;
			if (b[k].managed && b[k].mt < PZ_MT_TYPES)
				w->count[b[k].mt]++;
		}
	}
	return 0;
}

static void text_heading(struct map_walk *w)
{
	fprintf(w->f, "Node %d, zone %8s: %lld pageblocks (", w->nid, pz_zone_type_name(w->type),
		(long long)w->nr);
	for (unsigned mt = 0, first = 1; mt < PZ_MT_TYPES; mt++)
		if (w->count[mt]) {
			fprintf(w->f, "%s%c %llu", first ? "" : ", ", mt_letter(w->profile, mt),
				(unsigned long long)w->count[mt]);
			first = 0;
		}
	fprintf(w->f, "; %llu full, %llu partly free, %llu free)\n",
		(unsigned long long)w->fills[FILL_FULL], (unsigned long long)w->fills[FILL_PART],
		(unsigned long long)w->fills[FILL_FREE]);
}

static char cell_letter(const struct map_walk *w, const struct pz_pageblock_info *b)
{
	char c = mt_letter(w->profile, b->mt);

	switch (block_fill(b)) {
	case FILL_NONE:
		return ' ';
	case FILL_FREE:
		return '.';
	case FILL_PART:
		return (char)(c - 'A' + 'a');
	default:
		return c;
	}
}

static int text_zone(struct map_walk *w)
{
	struct pz_pageblock_info b[MAP_CHUNK];
	if (zone_counts(w))
		return -1;
	text_heading(w);
	for (int64_t i = 0; i < w->nr; i += MAP_CHUNK) {
		if (pz_zone_pageblocks(w->pz, w->nid, w->type, (uint64_t)i, b, MAP_CHUNK) < 0)
			return -1;
		for (int64_t k = 0; k < MAP_CHUNK && i + k < w->nr; k++) {
			if ((i + k) % MAP_COLS == 0)
				fprintf(w->f, "%s  0x%08llx ", i + k ? "\n" : "",
					(unsigned long long)b[k].start_pfn);
			fputc(cell_letter(w, &b[k]), w->f);
		}
	}
	fputc('\n', w->f);
	return 0;
}

/* Runs zone_fn on every populated zone. */
static int map_zones(struct map_walk *w, int (*zone_fn)(struct map_walk *))
{
	for (unsigned n = 0; n < pz_nr_nodes(w->pz); n++)
		for (int t = 0; t < PZ_NR_ZONE_TYPES; t++) {
			w->nid = (int)n;
			w->type = (enum pz_zone_type)t;
			w->nr = pz_zone_pageblocks(w->pz, w->nid, w->type, 0, NULL, 0);
			if (w->nr == -PZ_ENODEV)
				continue;
			if (w->nr < 0 || zone_fn(w))
				return -1;
		}
	return 0;
}

int map_print_text(pz_t *pz, enum pz_profile profile, FILE *f)
{
	struct map_walk w = {.pz = pz, .profile = profile, .f = f};

	fprintf(f,
		"Pageblock map: one letter per pageblock (%u pages), %d per line, after its "
		"first pfn\n  migratetype:",
		1u << pz_pageblock_order(pz), MAP_COLS);
	for (unsigned mt = 0; mt < PZ_MT_TYPES; mt++)
		if (pz_migratetype_name(profile, (enum pz_migratetype)mt))
			fprintf(f, " %c %s", mt_letter(profile, mt),
				pz_migratetype_name(profile, (enum pz_migratetype)mt));
	fprintf(f, "\n  fill: UPPER no page free, lower partly free, '.' all free (buddy or\n"
		   "        per-CPU lists), ' ' no managed page (hole or reserved)\n");
	return map_zones(&w, text_zone);
}

/* ---- SVG ---------------------------------------------------------------- */

/* Opacity of a block's colour: how much of it is in use. */
static double cell_opacity(const struct pz_pageblock_info *b)
{
	double used = 1.0 - (double)(b->free + b->pcp) / (double)b->managed;

	return block_fill(b) == FILL_FREE ? 0.12 : 0.3 + 0.7 * used;
}

static void svg_cell(struct map_walk *w, int64_t i, const struct pz_pageblock_info *b)
{
	unsigned x = SVG_LEFT + (unsigned)(i % MAP_COLS) * SVG_CELL, y = w->line * SVG_CELL;

	if (i % MAP_COLS == 0) {
		w->line++;
		y += SVG_CELL;
		fprintf(w->f, "<text x=\"%d\" y=\"%u\" class=\"pfn\">0x%llx</text>\n", SVG_LEFT - 6,
			y + SVG_CELL - 2, (unsigned long long)b->start_pfn);
	}
	if (block_fill(b) == FILL_NONE)
		fprintf(w->f,
			"<rect x=\"%u\" y=\"%u\" width=\"9\" height=\"9\" fill=\"#e8e8e8\"/>\n", x,
			y);
	else
		fprintf(w->f,
			"<rect x=\"%u\" y=\"%u\" width=\"9\" height=\"9\" fill=\"%s\" "
			"fill-opacity=\"%.2f\"/>\n",
			x, y, mt_colour[b->mt < PZ_MT_TYPES ? b->mt : 0], cell_opacity(b));
}

static int svg_zone(struct map_walk *w)
{
	struct pz_pageblock_info b[MAP_CHUNK];

	if (zone_counts(w))
		return -1;
	w->line += 2;
	fprintf(w->f,
		"<text x=\"4\" y=\"%u\" class=\"zone\">Node %d, zone %s: %lld pageblocks, "
		"%llu full, %llu partly free, %llu free</text>\n",
		w->line * SVG_CELL - 2, w->nid, pz_zone_type_name(w->type), (long long)w->nr,
		(unsigned long long)w->fills[FILL_FULL], (unsigned long long)w->fills[FILL_PART],
		(unsigned long long)w->fills[FILL_FREE]);
	w->line--; /* svg_cell moves down before the first line */
	for (int64_t i = 0; i < w->nr; i += MAP_CHUNK) {
		if (pz_zone_pageblocks(w->pz, w->nid, w->type, (uint64_t)i, b, MAP_CHUNK) < 0)
			return -1;
		for (int64_t k = 0; k < MAP_CHUNK && i + k < w->nr; k++)
			svg_cell(w, i + k, &b[k]);
	}
	return 0;
}

/* Lines the picture needs: legend, then per zone a heading and its rows. */
static unsigned svg_lines(pz_t *pz)
{
	unsigned lines = 4;

	for (unsigned n = 0; n < pz_nr_nodes(pz); n++)
		for (int t = 0; t < PZ_NR_ZONE_TYPES; t++) {
			int64_t nr =
				pz_zone_pageblocks(pz, (int)n, (enum pz_zone_type)t, 0, NULL, 0);

			if (nr > 0)
				lines += 2 + (unsigned)((nr + MAP_COLS - 1) / MAP_COLS);
		}
	return lines;
}

static void svg_legend(struct map_walk *w)
{
	unsigned x = 4;

	fprintf(w->f,
		"<text x=\"4\" y=\"12\" class=\"zone\">pagezone pageblock map (%s): one cell per "
		"pageblock of %u pages; colour: migratetype; shade: pages in use</text>\n",
		pz_profile_name(w->profile), 1u << pz_pageblock_order(w->pz));
	for (unsigned mt = 0; mt < PZ_MT_TYPES; mt++) {
		const char *name = pz_migratetype_name(w->profile, (enum pz_migratetype)mt);

		if (!name)
			continue;
		fprintf(w->f,
			"<rect x=\"%u\" y=\"18\" width=\"9\" height=\"9\" fill=\"%s\"/>"
			"<text x=\"%u\" y=\"26\">%s</text>\n",
			x, mt_colour[mt], x + 12, name);
		x += 16 + 7 * (unsigned)strlen(name);
	}
	fprintf(w->f,
		"<rect x=\"%u\" y=\"18\" width=\"9\" height=\"9\" fill=\"#2ca02c\" "
		"fill-opacity=\"0.12\"/><text x=\"%u\" y=\"26\">all free</text>\n"
		"<rect x=\"%u\" y=\"18\" width=\"9\" height=\"9\" fill=\"#e8e8e8\"/>"
		"<text x=\"%u\" y=\"26\">no managed page</text>\n",
		x + 8, x + 20, x + 84, x + 96);
	w->line = 2;
}

int map_print_svg(pz_t *pz, enum pz_profile profile, FILE *f)
{
	struct map_walk w = {.pz = pz, .profile = profile, .f = f};
	unsigned width = SVG_LEFT + MAP_COLS * SVG_CELL + 8;
	int rc;

	if (width < 620)
		width = 620;
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" "
		"font-family=\"sans-serif\" font-size=\"10\">\n"
		"<style>.pfn{text-anchor:end;font-family:monospace;font-size:9px}"
		".zone{font-weight:bold}</style>\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		width, svg_lines(pz) * SVG_CELL + 8);
	svg_legend(&w);
	rc = map_zones(&w, svg_zone);
	fprintf(f, "</svg>\n");
	return rc;
}

int map_svg_open(const struct pic_opts *o, FILE **f)
{
	*f = NULL;
	if (!o->map_svg)
		return 0;
	*f = fopen(o->map_svg, "w");
	if (!*f) {
		tool_error("cannot write %s: %s", o->map_svg, strerror(errno));
		return -1;
	}
	return 0;
}

void map_svg_abort(const struct pic_opts *o, FILE *f)
{
	if (!f)
		return;
	fclose(f);
	remove(o->map_svg);
}

int map_svg_finish(pz_t *pz, enum pz_profile profile, const struct pic_opts *o, FILE *f)
{
	int rc, err;

	if (!f)
		return 0;
	rc = map_print_svg(pz, profile, f);
	err = ferror(f) ? EIO : 0;
	if (fclose(f) && !err)
		err = errno ? errno : EIO;
	if (err)
		tool_error("cannot write %s: %s", o->map_svg, strerror(err));
	else if (rc)
		tool_error("%s: the library refused the pageblock walk", o->map_svg);
	return rc || err ? -1 : 0;
}
