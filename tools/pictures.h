/*
 * pictures.h - what `pagezone run` and `pagezone replay` show besides the
 * kernel's reports: a time series of the free lists and the fragmentation
 * indices (series.c), the gnuplot script that plots it (plot.c), and the
 * pageblock map as terminal letters and as SVG (picture.c).
 *
 * The commands hook in at three places: pic_option() in their option
 * loop, series_step() after every operation or event, and pic_finish() at
 * the end. Everything here reads the instance through the public API.
 */
#ifndef PAGEZONE_TOOL_PICTURES_H
#define PAGEZONE_TOOL_PICTURES_H

#include "tool.h"

#include <getopt.h>

/* getopt_long values of the picture options (above every letter). */
enum {
	PIC_OPT_EVERY = 0x200,
	PIC_OPT_SERIES,
	PIC_OPT_PLOT,
	PIC_OPT_MAP,
	PIC_OPT_MAP_SVG,
};

/* The options, for a command's struct option table. */
// clang-format off
#define PIC_LONGOPTS \
	{"every", required_argument, NULL, PIC_OPT_EVERY}, \
	{"series", required_argument, NULL, PIC_OPT_SERIES}, \
	{"plot", required_argument, NULL, PIC_OPT_PLOT}, \
	{"map", no_argument, NULL, PIC_OPT_MAP}, \
	{"map-svg", required_argument, NULL, PIC_OPT_MAP_SVG}
// clang-format on

/* Their --help lines; unit is "operations" or "events". */
void pic_usage(FILE *f, const char *unit);

/* One option: 0 taken, -1 bad value (message printed), 1 not a picture
 * option. */
int pic_option(int c, const char *v, struct pic_opts *o);
/* After the option loop: --every needs --series or --plot; without
 * --every they sample every default_every. Returns 0 or TOOL_EXIT_USAGE. */
int pic_check(struct pic_opts *o, uint64_t default_every);

/* ---- series.c: the time series ---------------------------------------- */
/*
 * Extra columns a command adds to every row (the replay's disagreements;
 * lockstep's agreement rates later): n names, and fill() writes n values
 * for the sample being taken. title names the plot drawn from them.
 */
struct series_cols {
	const char *title;
	unsigned n;
	const char *const *names;
	void (*fill)(void *ctx, double *vals);
	void *ctx;
};

struct series;
/*
 * Opens the files the options name (--series FILE, --plot DIR with its
 * series.csv) and writes the header and the first sample (x = 0). x_name
 * is the first column ("step" or "event"); extra may be NULL. *out stays
 * NULL when no series was asked for. Returns 0, or -1 with the file and
 * the OS error printed.
 */
int series_start(pz_t *pz, enum pz_profile profile, const struct pic_opts *o, const char *x_name,
		 const struct series_cols *extra, struct series **out);
/* After operation or event number done (from 1): a row when done is a
 * multiple of --every. NULL s: nothing. */
void series_step(struct series *s, uint64_t done);
/* The same, with the signature of a workload's per-step hook (arg is the
 * series, step counts from 0). */
void series_hook(void *arg, uint64_t step);
/* The last row (when done was not sampled), closes the files, writes and
 * renders the plot (--plot). Returns 0, or -1 (printed: a write error or
 * gnuplot failing). s NULL: 0. */
int series_finish(struct series *s, uint64_t done);
/* Closes and removes the files of s and frees it (the run failed, so
 * nothing half-written stays). s NULL: nothing. */
void series_abort(struct series *s);

/* ---- plot.c: the gnuplot script --------------------------------------- */
/* The zones of a series, as plot.c needs them: columns are 1-based. */
struct plot_zone {
	char label[48];	   /* "node 0 Normal" */
	unsigned col_free; /* first free_o column */
	unsigned col_extfrag;
};
struct plot_spec {
	const char *dir, *x_name;
	unsigned max_order, nr_zones;
	const struct plot_zone *zones;
	const struct series_cols *extra;
	unsigned col_extra; /* first extra column (0: none) */
};
/* Writes DIR/plot.gp and, when gnuplot is installed, runs it in DIR
 * (free_blocks.svg, extfrag.svg and, with extra columns, extra.svg).
 * Returns 0, or -1 (printed). */
int plot_write(const struct plot_spec *p);

/* ---- picture.c: the pageblock map ------------------------------------- */
/* The map as letters, with its legend, to f. Returns 0 or -1. */
int map_print_text(pz_t *pz, enum pz_profile profile, FILE *f);
/* The map as an SVG document to f. Returns 0 or -1. */
int map_print_svg(pz_t *pz, enum pz_profile profile, FILE *f);
/* Opens --map-svg FILE early (so a bad path stops the command before the
 * work); *f stays NULL without the option. Returns 0 or -1 (printed). */
int map_svg_open(const struct pic_opts *o, FILE **f);
/* Writes the SVG to the file map_svg_open opened and closes it. Returns 0
 * or -1 (printed). */
int map_svg_finish(pz_t *pz, enum pz_profile profile, const struct pic_opts *o, FILE *f);
/* Closes and removes the file (the command failed). f NULL: nothing. */
void map_svg_abort(const struct pic_opts *o, FILE *f);

#endif /* PAGEZONE_TOOL_PICTURES_H */
