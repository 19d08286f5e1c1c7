/*
 * replay_pictures.c - the pictures of a replay (pictures.h): the time
 * series every N events, with the replay's own columns added to each row,
 * and the pageblock map at the end.
 *
 * The extra columns are the hook for the replay's comparisons over time:
 * cumulative counts of allocations, of allocations that failed here but
 * succeeded in the kernel and the reverse, and of fallback (extfrag)
 * events in the kernel's trace and in pagezone. Lockstep adds the
 * allocations scored since the previous row and their same-zone and
 * same-pfn rates in percent (NaN when there were none): agreement over
 * time, one window per --every N events.
 */
#include "pictures.h"
#include "replay.h"

#include <math.h>
#include <string.h>

static const char *const rp_col_names[] = {
	"allocs",
	"failed_here_ok_there",
	"ok_here_failed_there",
	"extfrag_kernel",
	"extfrag_here",
	"ls_scored",
	"ls_zone_agree_pct",
	"ls_pfn_agree_pct",
};

#define RP_NR_COLS    5 /* free-running */
#define RP_NR_LS_COLS 8 /* lockstep: the agreement of the allocations since the last row */

static void rp_cols_fill(void *ctx, double *v)
{
	struct replay *rp = ctx;
	struct rp_lockstep *ls = rp->ls;
	uint64_t n = 0, zone = 0, pfn = 0;

	v[0] = (double)rp->s.allocs;
	v[1] = (double)rp->s.failed_here_ok_there;
	v[2] = (double)rp->s.ok_here_failed_there;
	v[3] = (double)rp->s.kernel_kind[TR_EXTFRAG];
	v[4] = (double)rp->s.here_kind[PZ_TRACE_PAGE_ALLOC_EXTFRAG];
	if (!ls)
		return;
	for (unsigned r = 0; r < RP_NR_ROWS; r++) {
		n += ls->row[r].n;
		zone += ls->row[r].zone;
		pfn += ls->row[r].pfn;
	}
	/* a window without a scored allocation has no rate: NaN, which
	 * gnuplot leaves out of the line */
	v[5] = (double)(n - ls->win_n);
	v[6] = n > ls->win_n ? 100.0 * (double)(zone - ls->win_zone) / v[5] : NAN;
	v[7] = n > ls->win_n ? 100.0 * (double)(pfn - ls->win_pfn) / v[5] : NAN;
	ls->win_n = n;
	ls->win_zone = zone;
	ls->win_pfn = pfn;
}

int rp_pics_start(struct replay *rp, const struct pic_opts *o, enum pz_profile profile)
{
	struct series_cols cols = {
		.title = rp->ls ? "replay: counts so far; lockstep agreement per window"
				: "replay: counts so far (here = pagezone, kernel = the trace)",
		.n = rp->ls ? RP_NR_LS_COLS : RP_NR_COLS,
		.names = rp_col_names,
		.fill = rp_cols_fill,
		.ctx = rp,
	};

	rp->series = NULL;
	rp->map_svg = NULL;
	if (series_start(rp->pz, profile, o, "event", &cols, &rp->series))
		return -1;
	if (map_svg_open(o, &rp->map_svg)) {
		series_abort(rp->series);
		rp->series = NULL;
		return -1;
	}
	return 0;
}

int rp_pics_end(struct replay *rp, const struct pic_opts *o, enum pz_profile profile, int ok,
		FILE *text)
{
	int rc;

	if (!ok) {
		series_abort(rp->series);
		map_svg_abort(o, rp->map_svg);
		return 0;
	}
	if (text && o->map)
		map_print_text(rp->pz, profile, text);
	rc = series_finish(rp->series, rp->s.events);
	return map_svg_finish(rp->pz, profile, o, rp->map_svg) || rc ? -1 : 0;
}
