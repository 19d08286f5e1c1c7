/*
 * pic_opts.c - the options of the pictures (pictures.h), shared by
 * `pagezone run`, `pagezone report` and `pagezone replay`.
 */
#include "pictures.h"

#include <string.h>

#define PIC_MAX_EVERY 1000000000000ull

void pic_usage(FILE *f, const char *unit)
{
	fprintf(f,
		"  --every N            a time-series row every N %s (1..%llu; with\n"
		"                       --series or --plot)\n"
		"  --series FILE        the time series as CSV: per zone, free blocks per\n"
		"                       order, free pages per migratetype, extfrag and\n"
		"                       unusable index per order\n"
		"  --plot DIR           DIR/series.csv and DIR/plot.gp (gnuplot), rendered to\n"
		"                       SVG/PNG when gnuplot is installed\n"
		"  --map                the pageblock map as letters, after the reports\n"
		"  --map-svg FILE       the pageblock map at the end as an SVG picture\n",
		unit, PIC_MAX_EVERY);
}

int pic_option(int c, const char *v, struct pic_opts *o)
{
	switch (c) {
	case PIC_OPT_EVERY:
		return opt_u64("--every", v, 1, PIC_MAX_EVERY, &o->every);
	case PIC_OPT_SERIES:
		if (!*v)
			return tool_refuse("--series: empty file name");
		o->series = v;
		return 0;
	case PIC_OPT_PLOT:
		if (!*v)
			return tool_refuse("--plot: empty folder name");
		o->plot = v;
		return 0;
	case PIC_OPT_MAP:
		o->map = 1;
		return 0;
	case PIC_OPT_MAP_SVG:
		if (!*v)
			return tool_refuse("--map-svg: empty file name");
		o->map_svg = v;
		return 0;
	}
	return 1;
}

int pic_check(struct pic_opts *o, uint64_t default_every)
{
	if (o->every && !o->series && !o->plot)
		return tool_usage_error("--every: where to? give --series FILE or --plot DIR");
	if (o->series && o->map_svg && !strcmp(o->series, o->map_svg))
		return tool_usage_error("--series and --map-svg name the same file '%s'",
					o->series);
	if (!o->every)
		o->every = default_every ? default_every : 1;
	return 0;
}
