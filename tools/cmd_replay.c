/*
 * cmd_replay.c - `pagezone replay PATH`: replays a kernel page-allocator
 * trace on a machine cloned from the trace's own start zoneinfo.
 *
 * PATH is a trace folder laid out like those of the shared traces
 * (trace.txt.gz or trace.csv.gz, snap/zoneinfo.start, zones.csv,
 * initial_free_blocks.csv, snap/buddyinfo.end, snap/vm_sysctl.txt) or a
 * lone trace file (then --machine-from names the zoneinfo). Two modes:
 * free-running (replay.c) and --lockstep (replay_lockstep.c). The zones
 * get the kernel's recorded watermarks and per-CPU sizes (zones.csv)
 * unless --computed-watermarks, and pageblocks the first label the trace
 * shows (replay_setup.c). --computed-watermarks uses the folder's boot log
 * (snap/dmesg.txt and snap/iomem.txt next to the zoneinfo, or --boot-log
 * and --iomem) as run does (bootlog.c): 6.1 set its marks before freeing
 * the initrd and its unused image, so they come from the managed counts
 * without those pages.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, strndup */
#include "pictures.h"
#include "replay.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define RP_PATH_MAX 4096

struct rp_opts {
	const char *path, *format, *machine_from, *initial_free, *boot_log, *iomem;
	enum pz_profile profile;
	int json, plain_clone, is_dir, lockstep, computed;
	char trace[RP_PATH_MAX], zoneinfo[RP_PATH_MAX], initial[RP_PATH_MAX];
	char zones[RP_PATH_MAX], bend[RP_PATH_MAX], sysctl[RP_PATH_MAX], ptend[RP_PATH_MAX];
	struct pic_opts pic; /* --every, --series, --plot, --map, --map-svg */
};

static void replay_usage(FILE *f)
{
	fprintf(f,
		"usage: pagezone replay PATH [--format text|csv] [--machine-from FILE]\n"
		"                      [--initial-free FILE] [--profile NAME] "
		"[--json]\n"
		"                      [--lockstep] [--computed-watermarks]\n"
		"                      [--boot-log DMESG|none] [--iomem FILE]\n"
		"  PATH                 a trace folder (trace.txt.gz, snap/zoneinfo.start,\n"
		"                       initial_free_blocks.csv, snap/buddyinfo.end) or a trace "
		"file\n"
		"  --format text|csv    which trace of a folder: trace.txt.gz (default) or\n"
		"                       trace.csv.gz\n"
		"  --machine-from FILE  the /proc/zoneinfo to clone (alias --zoneinfo; a\n"
		"                       folder's own by default, needed for a lone trace file)\n"
		"  --initial-free FILE  the free blocks at the first event (pfn,order,zone)\n"
		"  --profile NAME       linux-6.1 (default: the traces are from Linux 6.1),\n"
		"                       linux-4.4, linux-4.1; modern is linux-6.1\n"
		"  --json               the report as one JSON object\n"
		"  --lockstep           before each allocation say what pagezone would hand out,\n"
		"                       then force the kernel's choice; report agreement rates\n"
		"  --computed-watermarks  the profile's own watermarks and per-CPU sizes instead\n"
		"                       of the kernel's recorded ones (zones.csv), computed\n"
		"                       before the boot log's late frees as the kernel did\n"
		"  --boot-log DMESG|none  with --computed-watermarks: the dmesg whose initrd and\n"
		"                       unused kernel image were freed after the watermarks\n"
		"                       were set (default: snap/dmesg.txt next to the zoneinfo;\n"
		"                       none: not used)\n"
		"  --iomem FILE         the iomem placing the kernel image (default:\n"
		"                       snap/iomem.txt next to the zoneinfo)\n");
	pic_usage(f, "events (default 10000)");
}

static const struct option replay_longopts[] = {
	{"format", required_argument, NULL, 'f'},
	{"machine-from", required_argument, NULL, 'M'},
	{"zoneinfo", required_argument, NULL, 'M'},
	{"initial-free", required_argument, NULL, 'i'},
	{"profile", required_argument, NULL, 'p'},
	{"json", no_argument, NULL, 'j'},
	{"lockstep", no_argument, NULL, 'L'},
	{"plain-clone", no_argument, NULL, 'P'},
	{"computed-watermarks", no_argument, NULL, 'W'},
	{"boot-log", required_argument, NULL, 'B'},
	{"iomem", required_argument, NULL, 'I'},
	{"help", no_argument, NULL, 'h'},
	PIC_LONGOPTS,
	{NULL, 0, NULL, 0},
};

static int rp_option(int c, const char *v, void *arg)
{
	struct rp_opts *o = arg;

	switch (c) {
	case 'f':
		o->format = v;
		if (!strcmp(v, "text") || !strcmp(v, "csv"))
			return 0;
		return tool_refuse("--format: unknown format '%s' (choose text or csv)", v);
	case 'M':
		o->machine_from = v;
		return 0;
	case 'i':
		o->initial_free = v;
		return 0;
	case 'p':
		return opt_profile(v, &o->profile);
	case 'j':
		o->json = 1;
		return 0;
	case 'P':
		o->plain_clone = 1;
		return 0;
	case 'L':
		o->lockstep = 1;
		return 0;
	case 'W':
		o->computed = 1;
		return 0;
	case 'B':
		o->boot_log = v;
		return 0;
	case 'I':
		o->iomem = v;
		return 0;
	}
	return pic_option(c, v, &o->pic) ? -1 : 0;
}

static void rp_help(void *arg)
{
	(void)arg;
	replay_usage(stdout);
}

static int rp_parse(int argc, char **argv, struct rp_opts *o)
{
	int first, rc;

	memset(o, 0, sizeof(*o));
	o->profile = PZ_PROFILE_MODERN;
	o->format = "text";
	rc = tool_getopt(argc, argv, replay_longopts, rp_option, rp_help, o, &first);
	if (rc)
		return rc;
	if (first == argc)
		return tool_usage_error("which trace? give a trace folder or file");
	if (first + 1 < argc)
		return tool_usage_error("unexpected argument '%s' (one trace at a time)",
					argv[first + 1]);
	o->path = argv[first];
	if (o->json && o->pic.map)
		return tool_usage_error("--map: the letters are text; with --json use --map-svg");
	if ((o->boot_log || o->iomem) && !o->computed)
		return tool_usage_error(
			"%s: only with --computed-watermarks (the kernel's recorded "
			"watermarks need no boot log)",
			o->boot_log ? "--boot-log" : "--iomem");
	return pic_check(&o->pic, 10000);
}

static bool rp_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* path/name into out if that file exists ("" otherwise). */
static void rp_find(char *out, const char *dir, const char *name)
{
	snprintf(out, RP_PATH_MAX, "%s/%s", dir, name);
	if (!rp_exists(out))
		out[0] = 0;
}

/* Finds the folder's files; a lone file is the trace itself. */
static int rp_discover(struct rp_opts *o)
{
	struct stat st;
	const char *t = !strcmp(o->format, "csv") ? "trace.csv" : "trace.txt";
	char name[32];

	if (stat(o->path, &st))
		return tool_usage_error("cannot open %s: %s", o->path, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		snprintf(o->trace, RP_PATH_MAX, "%s", o->path);
	} else {
		o->is_dir = 1;
		snprintf(name, sizeof(name), "%s.gz", t);
		rp_find(o->trace, o->path, name);
		if (!o->trace[0])
			rp_find(o->trace, o->path, t);
		if (!o->trace[0])
			return tool_usage_error("%s: no %s.gz or %s in this folder", o->path, t, t);
		rp_find(o->zoneinfo, o->path, "snap/zoneinfo.start");
		rp_find(o->initial, o->path, "initial_free_blocks.csv");
		rp_find(o->zones, o->path, "zones.csv");
		rp_find(o->bend, o->path, "snap/buddyinfo.end");
		rp_find(o->sysctl, o->path, "snap/vm_sysctl.txt");
		rp_find(o->ptend, o->path, "snap/pagetypeinfo.end");
	}
	if (o->machine_from)
		snprintf(o->zoneinfo, RP_PATH_MAX, "%s", o->machine_from);
	if (o->initial_free)
		snprintf(o->initial, RP_PATH_MAX, "%s", o->initial_free);
	if (!o->zoneinfo[0])
		return tool_usage_error(
			"%s: %s; name the machine with --machine-from FILE", o->path,
			S_ISDIR(st.st_mode) ? "no snap/zoneinfo.start in this folder"
					    : "a lone trace file has no zoneinfo");
	return 0;
}

/* min_free_kbytes from the folder's vm sysctls (0: pagezone's formula). */
static unsigned rp_min_free_kbytes(const char *sysctl)
{
	FILE *f = sysctl[0] ? fopen(sysctl, "r") : NULL;
	char line[256];
	unsigned v = 0;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "min_free_kbytes: %u", &v) == 1 ||
		    sscanf(line, "vm.min_free_kbytes = %u", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

static double rp_now(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Reads and replays every event. Returns 0, or -1 on a read error. */
static int rp_run(struct replay *rp, struct trace_reader *rd)
{
	struct tr_event ev;
	double t0 = rp_now(CLOCK_MONOTONIC), c0 = rp_now(CLOCK_PROCESS_CPUTIME_ID);
	int rc;

	memset(&ev, 0, sizeof(ev));
	while ((rc = tr_next(rd, &ev)) == 1) {
		rp_event(rp, &ev);
		series_step(rp->series, rp->s.events);
	}
	if (rp->ls)
		ls_finish(rp);
	rp->s.validate = pz_validate(rp->pz); /* the forced state is a valid one */
	rp->s.seconds = rp_now(CLOCK_MONOTONIC) - t0;
	rp->s.cpu_seconds = rp_now(CLOCK_PROCESS_CPUTIME_ID) - c0;
	if (rc == 0 && rp->s.events == 0) {
		tool_error("%s: no page-allocator events in this file (%llu lines)", rd->path,
			   (unsigned long long)rd->line);
		return -1;
	}
	return rc;
}

/* The kernel's knobs, the tracking, the start state, the labels, and the
 * lockstep state. Returns 0 or -1 (printed). */
static int rp_setup(const struct rp_opts *o, pz_t *pz, struct replay *rp, struct trace_reader *rd)
{
	int knobs = 0;

	if (!o->computed && o->zones[0] && (knobs = rp_kernel_knobs(pz, o->zones, o->zoneinfo)) < 0)
		return -1;
	if (rp_init(rp, pz, rd))
		return tool_error("out of memory tracking %s", o->trace), -1;
	rp->s.kernel_knobs = knobs;
	if (o->computed)
		rp_wmark_compare(rp, o->zones);
	if (rp_start_state(rp, o->initial[0] ? o->initial : NULL, o->is_dir ? o->trace : NULL))
		return -1;
	if (!o->lockstep)
		return rp_compaction_on(rp) ? tool_error("out of memory"), -1 : 0;
	if (rp->nr_cpus > RP_MAX_CPUS)
		return tool_error("--lockstep follows at most %d CPUs", RP_MAX_CPUS), -1;
	rp->ls = calloc(1, sizeof(*rp->ls));
	if (!rp->ls)
		return tool_error("out of memory"), -1;
	return ls_init(rp) ? tool_error("cannot set the per-CPU sizes"), -1 : 0;
}

/* The instance, its start state, the replay and the report. */
static int rp_on(const struct rp_opts *o, const struct tool_machine *m, struct trace_reader *rd)
{
	struct pz_platform plat = *pz_host_platform();
	struct pz_config cfg;
	struct replay rp;
	struct rp_files files = {o->trace, o->zoneinfo, o->initial, o->zones,
				 o->bend,  o->ptend,	m->source,  m->boot_log};
	pz_t *pz;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	memset(&rp, 0, sizeof(rp));
	plat.ctx = &rp;
	plat.trace = rp_trace_sink;
	plat.wake_kswapd = NULL;     /* ctx is the replay's: no host kswapd threads */
	plat.wake_oom_reaper = NULL; /* nor their reaper (pz_host_create drops it too) */
	plat.wake_kcompactd = NULL;  /* nor kcompactd's */
	plat.wait = NULL;	     /* a replay never sleeps */
	plat.now_ns = NULL;	     /* nor reads the time (the OOM reaper's grace) */
	cfg.machine = machine_get(m);
	cfg.profile = o->profile;
	cfg.platform = &plat;
	cfg.min_free_kbytes = rp_min_free_kbytes(o->sysctl);
	rc = pz_host_create(&cfg, &pz);
	if (rc) {
		tool_error("cannot build the machine (%s): %s", m->source, pz_strerror(rc));
		return TOOL_EXIT_FAIL;
	}
	/* the boot log's late frees, after the marks were computed */
	rc = m->host ? machine_release_late(pz, m) : replay_exact_release(pz, m);
	if (!rc)
		rc = rp_setup(o, pz, &rp, rd);
	if (!rc && rp_pics_start(&rp, &o->pic, o->profile))
		rc = TOOL_EXIT_USAGE; /* a file named by the user cannot be written */
	else if (!rc)
		rc = rp_run(&rp, rd);
	if (!rc && o->json)
		rc = rp_report_json(&rp, &files, stdout);
	else if (!rc)
		rp_report_text(&rp, &files, stdout);
	if (rc != TOOL_EXIT_USAGE && rp_pics_end(&rp, &o->pic, o->profile, !rc, stdout))
		rc = -1;
	free(rp.ls);
	rp_fini(&rp);
	pz_host_destroy(pz);
	return rc == TOOL_EXIT_USAGE ? rc : rc ? TOOL_EXIT_FAIL : 0;
}

/* The folder's exact machine when it has the files (and --machine-from
 * did not name a zoneinfo), else the zoneinfo clone. */
static int rp_machine(const struct rp_opts *o, struct tool_machine *m)
{
	struct tool_machine exact;
	int rc;

	if (machine_from_zoneinfo_file(o->zoneinfo, 0, m))
		return -1;
	if (o->computed && machine_boot_log(m, o->zoneinfo, o->boot_log, o->iomem)) {
		machine_free(m);
		return -1;
	}
	if (o->machine_from || o->plain_clone || !o->is_dir)
		return 0;
	rc = replay_exact_machine(o->path, machine_get(m)->nr_cpus, &exact);
	if (rc < 0) {
		machine_free(m);
		return -1;
	}
	if (rc == 0) {
		/* the boot log moves to the exact machine, held there instead */
		exact.late = m->late;
		m->late = NULL;
		memcpy(exact.boot_log, m->boot_log, sizeof(exact.boot_log));
		machine_free(m);
		*m = exact;
		if (replay_exact_hold(m)) {
			machine_free(m);
			return -1;
		}
	}
	return 0;
}

int cmd_replay(int argc, char **argv)
{
	struct rp_opts o;
	struct tool_machine m;
	struct trace_reader rd;
	int rc = rp_parse(argc, argv, &o);

	if (rc)
		return rc < 0 ? 0 : rc;
	rc = rp_discover(&o);
	if (rc)
		return rc;
	if (rp_machine(&o, &m))
		return TOOL_EXIT_USAGE;
	if (tr_open(&rd, o.trace)) {
		machine_free(&m);
		return TOOL_EXIT_USAGE;
	}
	rc = rp_on(&o, &m, &rd);
	tr_close(&rd);
	machine_free(&m);
	return rc;
}
