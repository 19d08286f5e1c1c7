/*
 * cmd_run.c - `pagezone run` (and `pagezone report`): run the allocator on
 * a simulated machine under the built-in mixed workload (workload.h) and
 * show what happened the way the kernel shows it.
 *
 * The machine is the built-in default (two nodes with DMA, DMA32, Normal
 * and Movable zones) unless --machine-from FILE clones a /proc/zoneinfo or
 * --machine SPEC describes one; a machine the user named either works or
 * stops the command. kswapd runs inline (deterministic mode) and nothing
 * reads the wall clock for the results, so identical options give
 * byte-identical output; in linux-6.1 every RUN_KCOMPACTD_TICK_STEPS steps
 * stand for kcompactd's 500 ms timeout (proactive compaction).
 * The vm sysctls of --sysctl FILE (or, with --machine-from /proc/zoneinfo,
 * /proc/sys/vm) are written into the instance, which computes its
 * watermarks, reserves and per-CPU sizes from them and the managed pages;
 * --boot-log DMESG [--iomem IOMEM] (found in a trace's snap/ folder next to
 * the zoneinfo) holds back the pages the machine freed after it set its
 * watermarks, so that they are the kernel's (bootlog.c).
 */
#include "pictures.h"
#include "progress.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define RUN_DEFAULT_STEPS 400000ull
#define RUN_DEFAULT_FILL  60
/* Workload steps that stand for kcompactd's 500 ms timeout (linux-6.1's
 * proactive compaction): every other THP fault of the workload. */
#define RUN_KCOMPACTD_TICK_STEPS 1024u

static void run_usage(FILE *f, int only_report)
{
	struct machine_opts d;

	fprintf(f,
		"usage: pagezone %s [--machine-from FILE | --machine SPEC | --default]\n"
		"                     [--sysctl FILE] [--thp always|madvise|never]\n"
		"                     [--profile NAME] [--steps N] [--seed S]\n"
		"                     [--fill PERCENT] [--cpus N] [--json]\n"
		"                     [--no-grouping] [--no-compaction]\n"
		"                     [--report "
		"all|buddyinfo|pagetypeinfo|zoneinfo|vmstat|extfrag|unusable|map]\n"
		"                     [--every N] [--series FILE] [--plot DIR] [--map]\n"
		"                     [--map-svg FILE]\n"
		"                     [--fail-page-alloc INTERVAL,PROBABILITY,SPACE,TIMES]\n",
		only_report ? "report" : "run   ");
	mopt_defaults(&d, RUN_DEFAULT_STEPS, RUN_DEFAULT_FILL, NULL);
	mopt_usage(f, &d, "workload steps");
	fprintf(f, "  --report NAME        reports after the summary (default buddyinfo; all for\n"
		   "                       `pagezone report`); map is the pageblock map alone\n"
		   "  --json               the summary as one JSON object instead of text\n"
		   "  --fail-page-alloc    the kernel's fail_page_alloc= boot option (code\n"
		   "                       defaults otherwise: order >= 1, no direct reclaim)\n");
	pic_usage(f, "workload steps (default: 200 rows a run)");
}

static const struct option run_longopts[] = {
	MOPT_LONGOPTS,
	{"report", required_argument, NULL, 'r'},
	{"json", no_argument, NULL, 'j'},
	{"fail-page-alloc", required_argument, NULL, 'F'},
	{"help", no_argument, NULL, 'h'},
	PIC_LONGOPTS,
	{NULL, 0, NULL, 0},
};

static int run_fail_attr(const char *v, struct run_opts *o)
{
	pz_fault_attr_default(&o->fail_attr);
	o->fail_attr.verbose = 0; /* counted in the summary instead */
	if (pz_fault_attr_parse(v, &o->fail_attr))
		return tool_refuse("--fail-page-alloc: '%s' is not "
				   "INTERVAL,PROBABILITY,SPACE,TIMES (decimal numbers)",
				   v);
	o->fail = 1;
	return 0;
}

/* One option; returns 0 or -1 (message printed). */
static int run_option(int c, const char *v, void *arg)
{
	struct run_opts *o = arg;
	int rc = mopt_option(c, v, &o->mo);

	if (rc <= 0)
		return rc;
	switch (c) {
	case 'r':
		o->report = v;
		if (report_lookup(v) >= 0)
			return 0;
		return tool_refuse("--report: unknown report '%s' (choose all, buddyinfo, "
				   "pagetypeinfo, zoneinfo, vmstat, extfrag, unusable, map)",
				   v);
	case 'j':
		o->json = 1;
		return 0;
	case 'F':
		return run_fail_attr(v, o);
	}
	return pic_option(c, v, &o->pic) ? -1 : 0;
}

static void run_help(void *arg)
{
	run_usage(stdout, ((struct run_opts *)arg)->only_report);
}

/* Returns 0 to go on, else the exit status (-1 after --help). */
static int run_parse(int argc, char **argv, struct run_opts *o, int only_report)
{
	int rc;

	memset(o, 0, sizeof(*o));
	mopt_defaults(&o->mo, RUN_DEFAULT_STEPS, RUN_DEFAULT_FILL, NULL);
	o->report = only_report ? "all" : "buddyinfo";
	o->only_report = only_report;
	rc = tool_getopt_only(argc, argv, run_longopts, run_option, run_help, o);
	if (rc || (rc = mopt_check(&o->mo)))
		return rc;
	if (o->json && o->only_report)
		return tool_usage_error("--json: `pagezone report` prints the kernel's text");
	if (o->json && (o->pic.map || !strcmp(o->report, "map")))
		return tool_usage_error("--map: the letters are text; with --json use --map-svg");
	return pic_check(&o->pic, o->mo.steps / 200);
}

static void run_print_text(pz_t *pz, const struct run_opts *o, const struct run_result *r)
{
	if (o->only_report) {
		reports_print(pz, o->report, NULL);
		if (o->pic.map || !strcmp(o->report, "map"))
			map_print_text(pz, o->mo.profile, stdout);
		return;
	}
	printf("machine: %s\n", r->machine_source);
	if (r->boot_log[0])
		printf("boot log: %s\n", r->boot_log);
	printf("profile: %s, %u node(s), %u cpu(s), %" PRIu64 " managed pages, grouping by "
	       "mobility %s, compaction %s\n",
	       pz_profile_name(o->mo.profile), pz_nr_nodes(pz), pz_nr_cpus(pz), r->managed,
	       o->mo.no_grouping ? "off" : "on",
	       o->mo.no_compaction ? "off (no migrate callback)" : "on");
	printf("workload: %" PRIu64 " steps, seed %" PRIu64 ", %" PRIu64 " blocks (%" PRIu64
	       " pages) still allocated, %" PRIu64 " failed allocations\n",
	       o->mo.steps, o->mo.seed, r->live_blocks, r->live_pages, r->failed);
	if (o->fail)
		printf("fail_page_alloc: %" PRIu64 " failure(s) injected\n", r->fault_injected);
	run_summary_text(r, stdout);
	printf("\n");
	reports_print(pz, o->report, stdout);
	if (o->pic.map || !strcmp(o->report, "map"))
		map_print_text(pz, o->mo.profile, stdout);
	printf("validate: %d violation(s)\n", r->violations);
}

const unsigned run_pct_permille[RUN_NR_PCT] = {500, 900, 990, 999, 1000};
const char *const run_pct_name[RUN_NR_PCT] = {"p50", "p90", "p99", "p99.9", "max"};

/* What the summary shows, read once so that text and JSON agree. */
static void run_collect(pz_t *pz, const struct workload *w, struct run_result *r)
{
	struct pz_errors e;

	r->st = wl_stats(w);
	r->huge_order = pz_pageblock_order(pz);
	r->live_blocks = wl_live_blocks(w);
	r->live_pages = wl_live_pages(w);
	r->failed = 0;
	for (int k = 0; k < WL_NR_KINDS; k++)
		for (int c = 0; c < WL_NR_ORDER_CLASSES; c++)
			r->failed += r->st->failures[k][c];
	pz_vm_events(pz, r->ev, PZ_NR_VM_EVENTS);
	pz_oom_stats(pz, r->oom, PZ_OOM_NR_STATS);
	for (int i = 0; i < RUN_NR_PCT; i++)
		r->lat[i] = wl_latency_pct(w, run_pct_permille[i]);
	pz_errors(pz, &e);
	r->fault_injected = e.fault_injected;
	r->violations = pz_validate(pz);
}

/* The instance of a run: deterministic kswapd, the workload's platform. */
int tool_create_instance(const struct pz_machine *m, enum pz_profile profile, int no_grouping,
			 int thp, pz_t **out)
{
	struct pz_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = m;
	cfg.profile = profile;
	cfg.platform = wl_platform();
	cfg.kswapd_deterministic = 1;
	cfg.mobility_grouping_disabled = no_grouping ? 1 : 0;
	cfg.thp_enabled = thp ? 1 : 0;
	return pz_host_create(&cfg, out);
}

/* The time series and the SVG map the options ask for: their files are
 * opened before the work, so a bad path stops the command first. */
struct run_pics {
	struct series *ser;
	FILE *svg;
};

static int run_pics_start(pz_t *pz, const struct run_opts *o, struct run_pics *p)
{
	p->ser = NULL;
	p->svg = NULL;
	if (series_start(pz, o->mo.profile, &o->pic, "step", NULL, &p->ser))
		return -1;
	if (map_svg_open(&o->pic, &p->svg)) {
		series_abort(p->ser);
		return -1;
	}
	return 0;
}

/* The last row, the plot and the map; or, after a failure, nothing. */
static int run_pics_end(pz_t *pz, const struct run_opts *o, struct run_pics *p, int ok)
{
	int rc;

	if (!ok) {
		series_abort(p->ser);
		map_svg_abort(&o->pic, p->svg);
		return 0;
	}
	rc = series_finish(p->ser, o->mo.steps);
	return map_svg_finish(pz, o->mo.profile, &o->pic, p->svg) || rc ? -1 : 0;
}

/* Runs the workload with the series sampled after every step. Returns 0
 * or -1 (printed). */
static int run_work(pz_t *pz, const struct run_opts *o, struct run_pics *pics,
		    struct workload **out)
{
	struct wl_params wp = {o->mo.seed,
			       o->mo.cpus,
			       !o->mo.no_compaction,
			       (int)o->mo.fill,
			       {NULL, NULL},
			       o->mo.profile == PZ_PROFILE_LINUX_6_1,
			       o->mo.profile == PZ_PROFILE_LINUX_6_1 ? RUN_KCOMPACTD_TICK_STEPS
								     : 0};
	int rc;

	if (pics->ser) {
		wp.hook.fn = series_hook;
		wp.hook.arg = pics->ser;
	}
	*out = wl_create(pz, &wp);
	progress_begin(tool_cmd, o->mo.steps);
	rc = *out ? wl_run(*out, o->mo.steps) : -1;
	progress_end();
	if (rc)
		tool_error("out of memory for the workload's bookkeeping");
	return rc;
}

/* Builds the instance, runs the workload, prints. Returns the exit status. */
static int run_on(const struct run_opts *o, const struct tool_machine *m)
{
	struct run_result r;
	struct run_pics pics;
	struct workload *w;
	pz_t *pz;
	int rc = mopt_instance(&o->mo, m, o->mo.profile, o->mo.no_grouping, &pz);

	if (rc)
		return rc;
	memset(&r, 0, sizeof(r));
	r.machine_source = m->source;
	r.boot_log = m->boot_log;
	r.reaper = o->mo.profile == PZ_PROFILE_LINUX_6_1;
	r.managed = managed_pages(pz);
	if (o->fail) {
		struct pz_fault_attr attr = o->fail_attr;

		attr.seed = o->mo.seed;
		pz_set_fail_page_alloc(pz, &attr);
	}
	if (run_pics_start(pz, o, &pics)) {
		pz_host_destroy(pz);
		return TOOL_EXIT_USAGE;
	}
	if (run_work(pz, o, &pics, &w)) {
		run_pics_end(pz, o, &pics, 0);
		wl_destroy(w);
		pz_host_destroy(pz);
		return TOOL_EXIT_FAIL;
	}
	run_collect(pz, w, &r);
	if (o->json)
		rc = json_run_summary(pz, o, &r, stdout) ? TOOL_EXIT_FAIL : 0;
	else
		run_print_text(pz, o, &r);
	if (run_pics_end(pz, o, &pics, 1))
		rc = TOOL_EXIT_FAIL;
	wl_destroy(w);
	pz_host_destroy(pz);
	return r.violations ? TOOL_EXIT_FAIL : rc;
}

static int run_main(int argc, char **argv, int only_report)
{
	struct run_opts o;
	struct tool_machine m;
	int rc;

	rc = run_parse(argc, argv, &o, only_report);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (mopt_machine(&o.mo, &m)) /* a machine (or sysctl file) the user named is unusable */
		return TOOL_EXIT_USAGE;
	rc = run_on(&o, &m);
	machine_free(&m);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	return run_main(argc, argv, 0);
}

int cmd_report(int argc, char **argv)
{
	return run_main(argc, argv, 1);
}
