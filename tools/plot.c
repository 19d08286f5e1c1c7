/*
 * plot.c - the gnuplot script of `--plot DIR`, written next to its
 * series.csv, and its rendering when gnuplot is installed.
 *
 * plot.gp draws, one panel per zone, the free blocks of each order over
 * time (log scale: order 0 counts thousands where order 10 counts a few)
 * into free_blocks.svg, the extfrag index of each order from 1 up into
 * extfrag.svg, and the command's extra columns (a replay's disagreements)
 * into extra.svg; PNG copies too when this gnuplot has a png terminal.
 * The script reads columns by number, so it stays valid for that CSV
 * only. gnuplot runs in DIR; the environment variable PAGEZONE_GNUPLOT
 * names another program, or, when empty, leaves the script unrun.
 */
#define _POSIX_C_SOURCE 200809L /* fileno */
#include "pictures.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void gp_prologue(const struct plot_spec *p, FILE *f)
{
	unsigned panels = p->nr_zones ? p->nr_zones : 1;

	if (p->extra && p->extra->n > panels)
		panels = p->extra->n;
	fprintf(f,
		"# plot.gp - written by pagezone next to series.csv; run it in this\n"
		"# folder with `gnuplot plot.gp`. Columns are read by number.\n"
		"set datafile separator \",\"\n"
		"set key outside right top\n"
		"set grid\n"
		"colours = \"#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b #e377c2 #7f7f7f "
		"#bcbd22 #17becf #000000\"\n"
		"set xlabel \"%s\"\n"
		"exts = \"svg\"\n"
		"if (strstrt(GPVAL_TERMINALS, \" png \") > 0) exts = \"svg png\"\n"
		"height = %u\n"
		"do for [ext in exts] {\n"
		"  if (ext eq \"svg\") { set terminal svg size 900,height dynamic font "
		"\"sans,10\" } else { set terminal png size 900,height font \"sans,9\" }\n"
		"  set termoption noenhanced\n",
		p->x_name, 60 + 240 * panels);
}

/* One multiplot: a panel per zone, a line per order [o0, max_order). */
static void gp_per_zone(const struct plot_spec *p, FILE *f, const char *name, const char *title,
			int extfrag)
{
	fprintf(f,
		"  set output \"%s.\".ext\n"
		"  set multiplot layout %u,1 title \"%s\"\n",
		name, p->nr_zones, title);
	if (extfrag)
		fprintf(f, "  unset logscale y\n  set yrange [-1.05:1.05]\n"
			   "  set ylabel \"extfrag index\"\n");
	else
		fprintf(f, "  set logscale y\n  set yrange [0.8:*]\n"
			   "  set ylabel \"free blocks\"\n");
	for (unsigned z = 0; z < p->nr_zones; z++) {
		unsigned c = extfrag ? p->zones[z].col_extfrag : p->zones[z].col_free;

		fprintf(f, "  set title \"%s\"\n  plot for [o=%d:%u] \"series.csv\" using 1:",
			p->zones[z].label, extfrag ? 1 : 0, p->max_order - 1);
		if (extfrag)
			fprintf(f, "(column(%u+o))", c);
		else /* log scale: no zeros */
			fprintf(f, "(column(%u+o) > 0 ? column(%u+o) : NaN)", c, c);
		fprintf(f, " with lines lc rgb word(colours, o %% 11 + 1) title sprintf(\"order "
			   "%%d\", o)\n");
	}
	fprintf(f, "  unset multiplot\n");
}

/* The command's own columns, a panel each (their scales differ). */
static void gp_extra(const struct plot_spec *p, FILE *f)
{
	const struct series_cols *x = p->extra;

	fprintf(f,
		"  set output \"extra.\".ext\n"
		"  set multiplot layout %u,1 title \"%s\"\n"
		"  unset logscale y\n  set yrange [*:*]\n  set ylabel \"\"\n",
		x->n, x->title);
	for (unsigned i = 0; i < x->n; i++)
		fprintf(f,
			"  set title \"%s\"\n"
			"  plot \"series.csv\" using 1:%u with lines notitle\n",
			x->names[i], p->col_extra + i);
	fprintf(f, "  unset multiplot\n");
}

/* Runs prog plot.gp in dir. Returns 0, or -1 (printed). */
static int gp_run(const char *prog, const char *dir)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		tool_error("--plot: cannot start %s: %s", prog, strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (chdir(dir) == 0)
			execlp(prog, prog, "plot.gp", (char *)NULL);
		fprintf(stderr, "%s: cannot run %s in %s: %s\n", tool_cmd, prog, dir,
			strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		tool_error("--plot: %s plot.gp failed in %s", prog, dir);
		return -1;
	}
	return 0;
}

/* Whether prog is found on PATH (or is a path that exists). */
static int gp_found(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	while (path && *path) {
		size_t n = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, prog);
		if (access(buf, X_OK) == 0)
			return 1;
		path += n + (path[n] == ':');
	}
	return 0;
}

int plot_write(const struct plot_spec *p)
{
	char path[4096];
	const char *prog = getenv("PAGEZONE_GNUPLOT");
	FILE *f;
	int err;

	snprintf(path, sizeof(path), "%s/plot.gp", p->dir);
	f = fopen(path, "w");
	if (!f) {
		tool_error("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	gp_prologue(p, f);
	gp_per_zone(p, f, "free_blocks", "free blocks per order", 0);
	gp_per_zone(p, f, "extfrag", "extfrag index per order", 1);
	if (p->extra)
		gp_extra(p, f);
	fprintf(f, "}\n");
	err = ferror(f) ? EIO : 0;
	if (fclose(f) && !err)
		err = errno;
	if (err) {
		tool_error("cannot write %s: %s", path, strerror(err));
		return -1;
	}
	if (!prog)
		prog = "gnuplot";
	if (!*prog)
		return 0;
	if (!gp_found(prog)) {
		fprintf(stderr,
			"%s: %s is not installed: %s/series.csv and plot.gp are written; "
			"install gnuplot-nox (scripts/deps.sh plot) and run `gnuplot plot.gp` "
			"there\n",
			tool_cmd, prog, p->dir);
		return 0;
	}
	return gp_run(prog, p->dir);
}
