/*
 * replay_pictures.c - the pictures of a replay (pictures.h): the time
 * series every N events, with the replay's own columns added to each row,
 * and the pageblock map at the end.
 *
 * The extra columns are the hook for the replay's comparisons over time:
 * cumulative counts of allocations, of allocations that failed here but
 * succeeded in the kernel and the reverse, and of fallback (extfrag)
 * events in the kernel's trace and in pagezone. A mode that measures
 * more (lockstep's agreement rates) adds its names and values here.
 */
#include "pictures.h"
#include "replay.h"

#include <string.h>

static const char *const rp_col_names[] = {
	"allocs", "failed_here_ok_there", "ok_here_failed_there", "extfrag_kernel", "extfrag_here",
};

#define RP_NR_COLS (sizeof(rp_col_names) / sizeof(rp_col_names[0]))

static void rp_cols_fill(void *ctx, double *v)
{
	const struct replay *rp = ctx;

	v[0] = (double)rp->s.allocs;
	v[1] = (double)rp->s.failed_here_ok_there;
	v[2] = (double)rp->s.ok_here_failed_there;
	v[3] = (double)rp->s.kernel_kind[TR_EXTFRAG];
	v[4] = (double)rp->s.here_kind[PZ_TRACE_PAGE_ALLOC_EXTFRAG];
}

int rp_pics_start(struct replay *rp, const struct pic_opts *o, enum pz_profile profile)
{
	struct series_cols cols = {
		.title = "replay: counts so far (here = pagezone, kernel = the trace)",
		.n = RP_NR_COLS,
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
