/*
 * series.c - the time series of `--every N`: every N operations of a run
 * (events of a replay) one CSV row with, for each populated zone, the free
 * blocks of each order (buddyinfo's numbers), the free pages of each
 * migratetype (pagetypeinfo's, in pages), the extfrag index and the
 * unusable index of each order (the debugfs files' numbers, from
 * pz_fragmentation_index), then the command's extra columns.
 *
 * Columns are named n<NODE>_<ZONE>_free_o<ORDER>,
 * n<NODE>_<ZONE>_pages_<MIGRATETYPE>, n<NODE>_<ZONE>_extfrag_o<ORDER> and
 * n<NODE>_<ZONE>_unusable_o<ORDER>; the indices are written as the kernel
 * prints them (-1.000 .. 1.000). The first row is the state before the
 * first operation (x = 0), the last the state at the end.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include "pictures.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SERIES_MAX_ZONES (PZ_MAX_NODES * PZ_NR_ZONE_TYPES)
#define SERIES_MAX_EXTRA 32

struct series_file {
	FILE *f;
	char *path;
};

struct series {
	pz_t *pz;
	enum pz_profile profile;
	uint64_t every, last; /* last: x of the last row written */
	struct series_file out[2];
	unsigned nr_out;
	const char *plot_dir, *x_name;
	struct plot_zone pzones[SERIES_MAX_ZONES];
	int nid[SERIES_MAX_ZONES];
	enum pz_zone_type type[SERIES_MAX_ZONES];
	unsigned nr_zones, max_order, nr_cols;
	struct series_cols extra;
	unsigned col_extra;
	char *buf; /* the row being built */
	size_t len, cap;
	int err; /* errno of the first failed write */
};

static void sb_add(struct series *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends to the row; an allocation failure is a write error (ENOMEM). */
static void sb_add(struct series *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(s->buf + s->len, s->cap - s->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < s->cap - s->len)
			break;
		char *nb = realloc(s->buf, s->cap * 2 + (size_t)n);

		if (!nb) {
			s->err = s->err ? s->err : ENOMEM;
			return;
		}
		s->buf = nb;
		s->cap = s->cap * 2 + (size_t)n;
	}
	s->len += (size_t)n;
}

/* A thousandths value as the kernel prints its indices: -1.000, 0.042. */
static void sb_milli(struct series *s, int v)
{
	unsigned a = v < 0 ? (unsigned)-v : (unsigned)v;

	sb_add(s, ",%s%u.%03u", v < 0 ? "-" : "", a / 1000, a % 1000);
}

static void sb_flush(struct series *s)
{
	for (unsigned i = 0; i < s->nr_out; i++)
		if (fputs(s->buf, s->out[i].f) == EOF && !s->err)
			s->err = errno ? errno : EIO;
	s->len = 0;
	s->buf[0] = 0;
}

static const char *mt_name(const struct series *s, unsigned mt)
{
	return pz_migratetype_name(s->profile, (enum pz_migratetype)mt);
}

static void series_header(struct series *s, const char *x_name)
{
	static const char *const per_order[] = {"free", "extfrag", "unusable"};

	sb_add(s, "%s", x_name);
	s->nr_cols = 1;
	for (unsigned z = 0; z < s->nr_zones; z++) {
		const char *zn = pz_zone_type_name(s->type[z]);

		for (unsigned k = 0; k < 3; k++) {
			if (k == 0)
				s->pzones[z].col_free = s->nr_cols + 1;
			if (k == 1) {
				for (unsigned mt = 0; mt < PZ_MT_TYPES; mt++)
					if (mt_name(s, mt)) {
						sb_add(s, ",n%d_%s_pages_%s", s->nid[z], zn,
						       mt_name(s, mt));
						s->nr_cols++;
					}
				s->pzones[z].col_extfrag = s->nr_cols + 1;
			}
			for (unsigned o = 0; o < s->max_order; o++)
				sb_add(s, ",n%d_%s_%s_o%u", s->nid[z], zn, per_order[k], o);
			s->nr_cols += s->max_order;
		}
	}
	if (s->extra.n)
		s->col_extra = s->nr_cols + 1;
	for (unsigned i = 0; i < s->extra.n; i++)
		sb_add(s, ",%s", s->extra.names[i]);
	s->nr_cols += s->extra.n;
	sb_add(s, "\n");
	sb_flush(s);
}

/* One zone's columns. */
static void series_zone(struct series *s, unsigned z)
{
	struct pz_zone_info zi;
	int ef[PZ_MAX_ORDER_LIMIT], un[PZ_MAX_ORDER_LIMIT];

	memset(&zi, 0, sizeof(zi));
	pz_zone_info(s->pz, s->nid[z], s->type[z], &zi);
	for (unsigned o = 0; o < s->max_order; o++)
		sb_add(s, ",%llu", (unsigned long long)zi.nr_free[o]);
	for (unsigned mt = 0; mt < PZ_MT_TYPES; mt++) {
		uint64_t pages = 0;

		if (!mt_name(s, mt))
			continue;
		for (unsigned o = 0; o < s->max_order; o++)
			pages += zi.nr_free_mt[o][mt] << o;
		sb_add(s, ",%llu", (unsigned long long)pages);
	}
	for (unsigned o = 0; o < s->max_order; o++)
		if (pz_fragmentation_index(s->pz, s->nid[z], s->type[z], o, &ef[o], &un[o]))
			ef[o] = un[o] = 0;
	for (unsigned o = 0; o < s->max_order; o++)
		sb_milli(s, ef[o]);
	for (unsigned o = 0; o < s->max_order; o++)
		sb_milli(s, un[o]);
}

static void series_row(struct series *s, uint64_t x)
{
	double vals[SERIES_MAX_EXTRA];

	sb_add(s, "%llu", (unsigned long long)x);
	for (unsigned z = 0; z < s->nr_zones; z++)
		series_zone(s, z);
	if (s->extra.n) {
		s->extra.fill(s->extra.ctx, vals);
		for (unsigned i = 0; i < s->extra.n; i++)
			sb_add(s, ",%.6g", vals[i]);
	}
	sb_add(s, "\n");
	sb_flush(s);
	s->last = x;
}

/* Opens path for writing as output i; the OS error is printed. */
static int series_open(struct series *s, const char *path)
{
	struct series_file *sf = &s->out[s->nr_out];

	sf->path = strdup(path);
	sf->f = sf->path ? fopen(path, "w") : NULL;
	if (!sf->f) {
		tool_error("cannot write %s: %s", path, strerror(sf->path ? errno : ENOMEM));
		free(sf->path);
		return -1;
	}
	s->nr_out++;
	return 0;
}

/* --plot DIR: the folder (made when missing) and its series.csv. */
static int series_open_plot_dir(struct series *s, const char *dir)
{
	struct stat st;
	char path[4096];

	if (mkdir(dir, 0777) && errno != EEXIST) {
		tool_error("--plot: cannot make the folder %s: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		tool_error("--plot: %s is not a folder", dir);
		return -1;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/series.csv", dir) >= sizeof(path)) {
		tool_error("--plot: the folder name is too long: %s", dir);
		return -1;
	}
	s->plot_dir = dir;
	return series_open(s, path);
}

static void series_zones(struct series *s)
{
	for (unsigned n = 0; n < pz_nr_nodes(s->pz); n++)
		for (int t = 0; t < PZ_NR_ZONE_TYPES; t++) {
			struct pz_zone_info zi;
			unsigned z = s->nr_zones;

			if (pz_zone_info(s->pz, (int)n, (enum pz_zone_type)t, &zi) ||
			    !zi.populated || z >= SERIES_MAX_ZONES)
				continue;
			s->nid[z] = (int)n;
			s->type[z] = (enum pz_zone_type)t;
			snprintf(s->pzones[z].label, sizeof(s->pzones[z].label), "node %u %s", n,
				 zi.name);
			s->nr_zones++;
		}
}

int series_start(pz_t *pz, enum pz_profile profile, const struct pic_opts *o, const char *x_name,
		 const struct series_cols *extra, struct series **out)
{
	struct series *s;

	*out = NULL;
	if (!o->series && !o->plot)
		return 0;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->buf = malloc(s->cap = 4096))) {
		free(s);
		tool_error("out of memory for the time series");
		return -1;
	}
	s->pz = pz;
	s->profile = profile;
	s->every = o->every;
	s->max_order = pz_max_order(pz);
	if (extra && extra->n <= SERIES_MAX_EXTRA)
		s->extra = *extra;
	if ((o->series && series_open(s, o->series)) ||
	    (o->plot && series_open_plot_dir(s, o->plot))) {
		series_abort(s);
		return -1;
	}
	s->x_name = x_name;
	series_zones(s);
	series_header(s, x_name);
	series_row(s, 0);
	*out = s;
	return 0;
}

void series_step(struct series *s, uint64_t done)
{
	if (s && done != s->last && done % s->every == 0)
		series_row(s, done);
}

void series_hook(void *arg, uint64_t step)
{
	series_step(arg, step + 1);
}

/* Frees s; its outputs are closed (and removed when remove_files). */
static void series_free(struct series *s, int remove_files)
{
	for (unsigned i = 0; i < s->nr_out; i++) {
		fclose(s->out[i].f);
		if (remove_files)
			remove(s->out[i].path);
		free(s->out[i].path);
	}
	free(s->buf);
	free(s);
}

void series_abort(struct series *s)
{
	if (s)
		series_free(s, 1);
}

/* Closes the outputs; the first error (with its file) is printed. */
static int series_close(struct series *s)
{
	int rc = 0;

	for (unsigned i = 0; i < s->nr_out; i++) {
		int err = s->err;

		if (!err && ferror(s->out[i].f))
			err = EIO;
		if (fclose(s->out[i].f) && !err)
			err = errno ? errno : EIO;
		if (err && !rc) {
			tool_error("cannot write %s: %s", s->out[i].path, strerror(err));
			rc = -1;
		}
		free(s->out[i].path);
	}
	s->nr_out = 0;
	return rc;
}

int series_finish(struct series *s, uint64_t done)
{
	struct plot_spec p;
	int rc;

	if (!s)
		return 0;
	if (done != s->last)
		series_row(s, done);
	rc = series_close(s);
	if (!rc && s->plot_dir) {
		memset(&p, 0, sizeof(p));
		p.dir = s->plot_dir;
		p.x_name = s->x_name;
		p.max_order = s->max_order;
		p.nr_zones = s->nr_zones;
		p.zones = s->pzones;
		p.extra = s->extra.n ? &s->extra : NULL;
		p.col_extra = s->col_extra;
		rc = plot_write(&p);
	}
	series_free(s, 0);
	return rc;
}
