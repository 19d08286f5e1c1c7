/*
 * cmd_run.c - `pagezone run` (and `pagezone report`): run the allocator on
 * a simulated machine under a seeded workload and show its state the way
 * the kernel shows it.
 *
 * The machine is cloned from /proc/zoneinfo (this machine's own layout)
 * unless it cannot be read (then the built-in default, with a note), or
 * comes from --machine-from FILE, --machine SPEC or --default. A machine
 * the user named either works or stops the command. The vm sysctls of
 * --sysctl FILE (or, with the live zoneinfo, /proc/sys/vm) are written into
 * the instance, which computes its watermarks, reserves and per-CPU sizes
 * from them and the managed pages. The workload mixes
 * allocations of every order and mobility with frees in random order;
 * identical options give byte-identical output.
 */
#include "pictures.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define RUN_MAX_STEPS 1000000000000ull /* 10^12: days of work, but it ends */

struct live {
	pz_page_t *page;
	unsigned order;
};

static uint64_t rnd(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static void run_usage(FILE *f, int only_report)
{
	fprintf(f,
		"usage: pagezone %s [--machine-from FILE | --machine SPEC | --default]\n"
		"                     [--sysctl FILE] [--thp always|madvise|never]\n"
		"                     [--profile NAME] [--steps N] [--seed S]\n"
		"                     [--fill PERCENT] [--cpus N] [--json]\n"
		"                     [--report "
		"all|buddyinfo|pagetypeinfo|zoneinfo|vmstat|extfrag|unusable|map]\n"
		"                     [--every N] [--series FILE] [--plot DIR] [--map]\n"
		"                     [--map-svg FILE]\n"
		"                     [--fail-page-alloc INTERVAL,PROBABILITY,SPACE,TIMES]\n"
		"  --machine-from FILE  clone a /proc/zoneinfo (alias --zoneinfo; default\n"
		"                       /proc/zoneinfo, else the built-in machine)\n"
		"  --machine SPEC       [NODESx]SIZE[:ZONE,...], e.g. 2x4G:DMA,DMA32,Normal\n"
		"  --sysctl FILE        the vm sysctls to clone ('name: value' or sysctl -a\n"
		"                       lines; default /proc/sys/vm with /proc/zoneinfo)\n"
		"  --thp MODE           transparent huge pages: always or madvise raise the\n"
		"                       default min_free_kbytes as khugepaged does (never)\n"
		"  --steps N            operations, 0..%llu (default 200000)\n"
		"  --seed S             workload seed, decimal (default 42)\n"
		"  --fill PERCENT       target share of memory held, 0..95 (default 60)\n"
		"  --cpus N             simulated CPUs, 1..%d (default 2)\n"
		"  --json               the summary as one JSON object instead of text\n"
		"  --fail-page-alloc    the kernel's fail_page_alloc= boot option (code\n"
		"                       defaults otherwise: order >= 1, no direct reclaim)\n"
		"  --report NAME        which of the kernel's reports (default all); map is\n"
		"                       the pageblock map alone\n",
		only_report ? "report" : "run   ", RUN_MAX_STEPS, PZ_MAX_CPUS);
	pic_usage(f, "operations (default: 200 rows a run)");
}

static const struct option run_longopts[] = {
	{"machine-from", required_argument, NULL, 'M'},
	{"zoneinfo", required_argument, NULL, 'M'},
	{"machine", required_argument, NULL, 'm'},
	{"default", no_argument, NULL, 'd'},
	{"sysctl", required_argument, NULL, 'S'},
	{"thp", required_argument, NULL, 'T'},
	{"profile", required_argument, NULL, 'p'},
	{"steps", required_argument, NULL, 'n'},
	{"seed", required_argument, NULL, 's'},
	{"fill", required_argument, NULL, 'f'},
	{"cpus", required_argument, NULL, 'c'},
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

/* One option; returns 0, -1 (message printed) or 1 (--help done). */
static int run_option(int c, const char *v, struct run_opts *o)
{
	switch (c) {
	case 'M':
		o->machine_from = v;
		return 0;
	case 'm':
		o->machine_spec = v;
		return 0;
	case 'd':
		o->use_default = 1;
		return 0;
	case 'S':
		o->sysctl = v;
		return 0;
	case 'T':
		if (strcmp(v, "always") && strcmp(v, "madvise") && strcmp(v, "never"))
			return tool_refuse("--thp: '%s' is none of always, madvise, never", v);
		o->thp = strcmp(v, "never") != 0;
		return 0;
	case 'p':
		return opt_profile(v, &o->profile);
	case 'n':
		return opt_u64("--steps", v, 0, RUN_MAX_STEPS, &o->steps);
	case 's':
		return opt_u64("--seed", v, 0, UINT64_MAX, &o->seed);
	case 'f':
		return opt_unsigned("--fill", v, 0, 95, &o->fill);
	case 'c':
		return opt_unsigned("--cpus", v, 1, PZ_MAX_CPUS, &o->cpus);
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

static void run_defaults(struct run_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->profile = PZ_PROFILE_LINUX_4_1;
	o->steps = 200000;
	o->seed = 42;
	o->fill = 60;
	o->cpus = 2;
	o->report = "all";
}

/* Returns 0 to go on, else the exit status (0 after --help). */
static int run_parse(int argc, char **argv, struct run_opts *o, int only_report)
{
	int c, rc;

	run_defaults(o);
	o->only_report = only_report;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", run_longopts, NULL)) != -1) {
		if (c == 'h') {
			run_usage(stdout, o->only_report);
			return -1;
		}
		if (c == '?' || c == ':')
			return tool_getopt_error(c, argv, optind, optopt);
		rc = run_option(c, optarg, o);
		if (rc)
			return TOOL_EXIT_USAGE;
	}
	if (optind < argc)
		return tool_usage_error("unexpected argument '%s'", argv[optind]);
	if (!!o->machine_from + !!o->machine_spec + o->use_default > 1)
		return tool_usage_error("--machine-from (--zoneinfo), --machine and --default "
					"each choose the machine: give one");
	if (o->json && o->only_report)
		return tool_usage_error("--json: `pagezone report` prints the kernel's text");
	if (o->json && (o->pic.map || !strcmp(o->report, "map")))
		return tool_usage_error("--map: the letters are text; with --json use --map-svg");
	return pic_check(&o->pic, o->steps / 200);
}

static int run_machine_only(const struct run_opts *o, struct tool_machine *m)
{
	if (o->machine_from)
		return machine_from_zoneinfo_file(o->machine_from, o->cpus, m);
	if (o->machine_spec)
		return machine_from_spec(o->machine_spec, o->cpus, m);
	if (!o->use_default) {
		struct pz_host_machine *host = NULL;
		int rc = pz_host_machine_from_file("/proc/zoneinfo", o->cpus, &host);

		memset(m, 0, sizeof(*m));
		if (rc == 0) {
			m->host = host;
			snprintf(m->source, sizeof(m->source), "cloned from /proc/zoneinfo");
			if (!o->sysctl)
				machine_sysctls_from_proc(m);
			return 0;
		}
		fprintf(stderr,
			"pagezone: cannot use /proc/zoneinfo (%s); using the built-in default "
			"machine\n",
			pz_strerror(rc));
	}
	return machine_default(o->cpus, m);
}

/* The machine, then the sysctls of --sysctl. Returns 0 or -1 (printed). */
static int run_machine(const struct run_opts *o, struct tool_machine *m)
{
	if (run_machine_only(o, m))
		return -1;
	if (o->sysctl && machine_sysctls_from_file(o->sysctl, m)) {
		machine_free(m);
		return -1;
	}
	return 0;
}

static const pz_gfp_t kinds[] = {
	PZ_GFP_HIGHUSER_MOVABLE, PZ_GFP_HIGHUSER_MOVABLE, PZ_GFP_HIGHUSER_MOVABLE, PZ_GFP_KERNEL,
	PZ_GFP_KERNEL,		 PZ_GFP_TEMPORARY,	  PZ_GFP_ATOMIC,
};

static unsigned pick_order(uint64_t *s)
{
	unsigned r = (unsigned)(rnd(s) % 100);

	if (r < 75)
		return 0;
	if (r < 90)
		return 1 + (unsigned)(rnd(s) % 3);
	if (r < 98)
		return 4 + (unsigned)(rnd(s) % 5);
	return 9;
}

/* Mixed workload: grow to the fill target, then churn around it. */
static int workload(pz_t *pz, const struct run_opts *o, struct run_result *r, struct series *ser)
{
	size_t cap = 1 << 20, n = 0;
	struct live *live = calloc(cap, sizeof(*live));
	uint64_t s = o->seed, held = 0, target = r->managed * o->fill / 100;

	if (!live)
		return -1;
	for (uint64_t step = 0; step < o->steps; step++) {
		int alloc = held < target ? (rnd(&s) % 100) < 70 : (rnd(&s) % 100) < 45;

		series_step(ser, step); /* the state after `step` operations */
		pz_host_set_cpu((int)(rnd(&s) % o->cpus));
		if (alloc && n < cap) {
			unsigned order = pick_order(&s);
			pz_gfp_t gfp = kinds[rnd(&s) % (sizeof(kinds) / sizeof(kinds[0]))];
			pz_page_t *p = pz_alloc_pages(
				pz, gfp | (order ? PZ__GFP_COMP : 0) | PZ__GFP_NOWARN, order);

			if (!p) {
				r->failed++;
				continue;
			}
			live[n].page = p;
			live[n++].order = order;
			held += 1ull << order;
		} else if (n) {
			size_t i = rnd(&s) % n;

			pz_free_pages(pz, live[i].page, live[i].order);
			held -= 1ull << live[i].order;
			live[i] = live[--n];
		}
	}
	r->live_blocks = n;
	r->live_pages = held;
	free(live);
	return 0;
}

static void run_print_text(pz_t *pz, const struct run_opts *o, const struct run_result *r)
{
	if (o->only_report) {
		reports_print(pz, o->report, NULL);
		if (o->pic.map || !strcmp(o->report, "map"))
			map_print_text(pz, o->profile, stdout);
		return;
	}
	printf("machine: %s\n", r->machine_source);
	printf("profile: %s, %u node(s), %u cpu(s), %" PRIu64 " managed pages\n",
	       pz_profile_name(o->profile), pz_nr_nodes(pz), pz_nr_cpus(pz), r->managed);
	printf("workload: %" PRIu64 " steps, seed %" PRIu64 ", %" PRIu64 " blocks (%" PRIu64
	       " pages) still allocated, %" PRIu64 " failed allocations\n",
	       o->steps, o->seed, r->live_blocks, r->live_pages, r->failed);
	if (o->fail)
		printf("fail_page_alloc: %" PRIu64 " failure(s) injected\n", r->fault_injected);
	printf("\n");
	reports_print(pz, o->report, stdout);
	if (o->pic.map || !strcmp(o->report, "map"))
		map_print_text(pz, o->profile, stdout);
	printf("validate: %d violation(s)\n", r->violations);
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
	if (series_start(pz, o->profile, &o->pic, "step", NULL, &p->ser))
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
	rc = series_finish(p->ser, o->steps);
	return map_svg_finish(pz, o->profile, &o->pic, p->svg) || rc ? -1 : 0;
}

/* Builds the instance, runs the workload, prints. Returns the exit status. */
static int run_on(const struct run_opts *o, const struct tool_machine *m)
{
	struct pz_config cfg;
	struct run_result r;
	struct pz_errors e;
	struct run_pics pics;
	pz_t *pz;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	memset(&r, 0, sizeof(r));
	cfg.machine = machine_get(m);
	cfg.profile = o->profile;
	cfg.platform = pz_host_platform();
	cfg.thp_enabled = o->thp;
	rc = pz_host_create(&cfg, &pz);
	if (rc) {
		tool_error("cannot build the machine (%s): %s", m->source, pz_strerror(rc));
		return TOOL_EXIT_FAIL;
	}
	if (machine_apply_sysctls(pz, m)) {
		pz_host_destroy(pz);
		return TOOL_EXIT_USAGE;
	}
	r.machine_source = m->source;
	r.managed = managed_pages(pz);
	if (o->fail) {
		struct pz_fault_attr attr = o->fail_attr;

		attr.seed = o->seed;
		pz_set_fail_page_alloc(pz, &attr);
	}
	if (run_pics_start(pz, o, &pics)) {
		pz_host_destroy(pz);
		return TOOL_EXIT_USAGE;
	}
	if (workload(pz, o, &r, pics.ser)) {
		tool_error("out of memory for the workload's bookkeeping");
		run_pics_end(pz, o, &pics, 0);
		pz_host_destroy(pz);
		return TOOL_EXIT_FAIL;
	}
	pz_errors(pz, &e);
	r.fault_injected = e.fault_injected;
	r.violations = pz_validate(pz);
	if (o->json)
		rc = json_run_summary(pz, o, &r, stdout) ? TOOL_EXIT_FAIL : 0;
	else
		run_print_text(pz, o, &r);
	if (run_pics_end(pz, o, &pics, 1))
		rc = TOOL_EXIT_FAIL;
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
	if (run_machine(&o, &m)) /* a machine (or sysctl file) the user named is unusable */
		return o.machine_from || o.machine_spec || o.sysctl ? TOOL_EXIT_USAGE
								    : TOOL_EXIT_FAIL;
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
