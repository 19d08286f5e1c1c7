/*
 * cmd_highalloc.c - `pagezone highalloc`: the stress-highalloc experiment
 * of mmtests on the simulated machine.
 *
 * The kernel's experiment builds kernels in parallel until memory is
 * fragmented, then a module allocates huge pages one after another (as
 * hugetlbfs does: GFP_HIGHUSER_MOVABLE | __GFP_REPEAT) with a delay
 * between attempts, while the build still runs, and again after it has
 * been stopped; the success rate of each pass measures how well the
 * allocator avoids and repairs fragmentation. Here:
 *   1. fragment: the mixed workload (workload.h) runs --steps steps;
 *   2. load: --attempts allocations of order --order, --gap workload steps
 *      before each; the blocks are kept until the phase ends, then freed;
 *   3. rest: the processes exit and the atomic blocks go (slab and caches
 *      stay, as after a build), then --attempts allocations in a row.
 * --compare runs each profile as is, with grouping by mobility off
 * (page_group_by_mobility_disabled) and with compaction off (no migrate
 * callback), each on a fresh machine with the same seed.
 */
#include "tool.h"
#include "progress.h"

#include <getopt.h>
#include <json-c/json.h>
#include <inttypes.h>
#include <string.h>

#define HA_GFP (PZ_GFP_HIGHUSER_MOVABLE | PZ__GFP_REPEAT | PZ__GFP_NOWARN)
/* linux-4.4 retries a costly __GFP_REPEAT request until reclaim has given
 * back 2^order pages, with no other way out: with nothing reclaimable (the
 * workload's anonymous pages have no swap) it loops for ever, as 4.4 would.
 * Its attempts therefore go without __GFP_REPEAT: one round of direct
 * compaction and reclaim, then the failure (the table says so). */
#define HA_GFP_44 (PZ_GFP_HIGHUSER_MOVABLE | PZ__GFP_NOWARN)

static pz_gfp_t ha_gfp(enum pz_profile profile)
{
	return profile == PZ_PROFILE_LINUX_4_4 ? HA_GFP_44 : HA_GFP;
}
#define HA_DEFAULT_MACHINE "2x1G"

struct ha_opts {
	const char *machine_from, *machine_spec;
	enum pz_profile profile;
	uint64_t steps, seed, attempts, gap;
	unsigned order, cpus, fill;
	int order_set, compare, json, no_grouping, no_compaction;
};

/* One configuration and what its two phases gave. */
struct ha_config {
	enum pz_profile profile;
	int grouping, compaction;
	unsigned order;
	uint64_t attempts[2], successes[2]; /* [0] load, [1] rest */
	int violations;
};

static const char *const phase_names[2] = {"load", "rest"};

static void ha_usage(FILE *f)
{
	fprintf(f,
		"usage: pagezone highalloc [--machine-from FILE | --machine SPEC | --default]\n"
		"                          [--profile NAME] [--order N] [--attempts N] [--gap N]\n"
		"                          [--steps N] [--seed S] [--fill PERCENT] [--cpus N]\n"
		"                          [--no-grouping] [--no-compaction] [--compare] [--json]\n"
		"  fragments the simulated machine with the mixed workload of `pagezone run`,\n"
		"  then attempts high-order allocations (GFP_HIGHUSER_MOVABLE|__GFP_REPEAT, as\n"
		"  mmtests' stress-highalloc) under load and at rest, and prints success rates.\n"
		"  --order N        order of the attempts (default: the pageblock order, 9)\n"
		"  --attempts N     attempts per phase (default: half of memory in such blocks)\n"
		"  --gap N          workload steps before each attempt under load (default 20)\n"
		"  --steps N        fragmenting workload steps first (default 50000)\n"
		"  --fill PERCENT   memory the slab and user pages aim at (default 30)\n"
		"  --seed, --cpus, --profile, --machine-from, --machine: as `pagezone run`;\n"
		"                   the machine defaults to " HA_DEFAULT_MACHINE
		" (two nodes of 1 GiB:\n"
		"                   compaction scans whole zones, so cost grows with the square\n"
		"                   of memory); --default takes run's " TOOL_DEFAULT_MACHINE "\n"
		"  --no-grouping    grouping by mobility off (page_group_by_mobility_disabled)\n"
		"  --no-compaction  no migrate callback, so compaction moves nothing\n"
		"  --compare        linux-4.1, linux-4.4 and linux-6.1, each as is, with grouping\n"
		"                   off and with compaction off, side by side\n"
		"  --json           an array: one object per configuration and phase\n");
}

static const struct option ha_longopts[] = {
	{"machine-from", required_argument, NULL, 'M'},
	{"zoneinfo", required_argument, NULL, 'M'},
	{"machine", required_argument, NULL, 'm'},
	{"default", no_argument, NULL, 'd'},
	{"profile", required_argument, NULL, 'p'},
	{"order", required_argument, NULL, 'o'},
	{"attempts", required_argument, NULL, 'a'},
	{"gap", required_argument, NULL, 'g'},
	{"steps", required_argument, NULL, 'n'},
	{"seed", required_argument, NULL, 's'},
	{"fill", required_argument, NULL, 'f'},
	{"cpus", required_argument, NULL, 'c'},
	{"no-grouping", no_argument, NULL, 'G'},
	{"no-compaction", no_argument, NULL, 'C'},
	{"compare", no_argument, NULL, 'x'},
	{"json", no_argument, NULL, 'j'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Options with a number. Returns 0 or -1 (message printed). */
static int ha_number(int c, const char *v, struct ha_opts *o)
{
	switch (c) {
	case 'o':
		o->order_set = 1;
		return opt_unsigned("--order", v, 1, PZ_MAX_ORDER_LIMIT - 1, &o->order);
	case 'a':
		return opt_u64("--attempts", v, 1, 100000000, &o->attempts);
	case 'g':
		return opt_u64("--gap", v, 0, 1000000, &o->gap);
	case 'n':
		return opt_u64("--steps", v, 0, 1000000000000ull, &o->steps);
	case 's':
		return opt_u64("--seed", v, 0, UINT64_MAX, &o->seed);
	case 'f':
		return opt_unsigned("--fill", v, 0, 95, &o->fill);
	case 'c':
		return opt_unsigned("--cpus", v, 1, PZ_MAX_CPUS, &o->cpus);
	}
	return -1;
}

static int ha_option(int c, const char *v, struct ha_opts *o)
{
	switch (c) {
	case 'M':
		o->machine_from = v;
		return 0;
	case 'm':
		o->machine_spec = v;
		return 0;
	case 'd':
		o->machine_spec = TOOL_DEFAULT_MACHINE; /* run's built-in machine */
		return 0;
	case 'p':
		return opt_profile(v, &o->profile);
	case 'G':
		o->no_grouping = 1;
		return 0;
	case 'C':
		o->no_compaction = 1;
		return 0;
	case 'x':
		o->compare = 1;
		return 0;
	case 'j':
		o->json = 1;
		return 0;
	}
	return ha_number(c, v, o);
}

/* Returns 0 to go on, -1 after --help, else the exit status. */
static int ha_parse(int argc, char **argv, struct ha_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->profile = PZ_PROFILE_LINUX_4_1;
	o->steps = 50000;
	o->seed = 42;
	o->gap = 20;
	o->cpus = 2;
	o->fill = 30;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", ha_longopts, NULL)) != -1) {
		if (c == 'h') {
			ha_usage(stdout);
			return -1;
		}
		if (c == '?' || c == ':')
			return tool_getopt_error(c, argv, optind, optopt);
		if (ha_option(c, optarg, o))
			return TOOL_EXIT_USAGE;
	}
	if (optind < argc)
		return tool_usage_error("unexpected argument '%s'", argv[optind]);
	if (o->machine_from && o->machine_spec)
		return tool_usage_error("--machine-from (--zoneinfo) and --machine each choose the "
					"machine: give one");
	if (o->compare && (o->no_grouping || o->no_compaction))
		return tool_usage_error("--compare runs every configuration itself; drop "
					"--no-grouping and --no-compaction");
	return 0;
}

/* One phase: `attempts` allocations, `gap` workload steps before each. */
static int ha_phase(struct workload *w, pz_gfp_t gfp, unsigned order, uint64_t gap,
		    uint64_t attempts, uint64_t *successes)
{
	*successes = 0;
	for (uint64_t i = 0; i < attempts; i++) {
		int rc = wl_run(w, gap);

		if (!rc)
			rc = wl_attempt(w, gfp, order);
		if (rc < 0)
			return -1;
		*successes += (uint64_t)rc;
		progress_tick(1);
	}
	wl_release_attempts(w);
	return 0;
}

static uint64_t ha_attempts(const struct ha_opts *o, uint64_t managed, unsigned order)
{
	uint64_t n = o->attempts ? o->attempts : (managed / 2) >> order;

	return n ? n : 1;
}

/* Fragment, then the load and rest phases, on a fresh instance. */
static int ha_run(const struct ha_opts *o, const struct pz_machine *m, struct ha_config *cf)
{
	struct wl_params wp = {o->seed, o->cpus, cf->compaction, (int)o->fill, {NULL, NULL}};
	struct workload *w = NULL;
	unsigned order;
	pz_t *pz;
	int rc = tool_create_instance(m, cf->profile, !cf->grouping, 0, &pz);

	if (rc) {
		tool_error("cannot build the machine: %s", pz_strerror(rc));
		return -1;
	}
	order = cf->order = o->order_set ? o->order : pz_pageblock_order(pz);
	if (order >= pz_max_order(pz)) {
		tool_error("--order %u: this machine's largest order is %u", order,
			   pz_max_order(pz) - 1);
		pz_host_destroy(pz);
		return -1;
	}
	cf->attempts[0] = cf->attempts[1] = ha_attempts(o, managed_pages(pz), order);
	w = wl_create(pz, &wp);
	rc = !w || wl_run(w, o->steps) ||
	     ha_phase(w, ha_gfp(cf->profile), order, o->gap, cf->attempts[0], &cf->successes[0]);
	if (!rc) {
		wl_quiesce(w);
		rc = ha_phase(w, ha_gfp(cf->profile), order, 0, cf->attempts[1], &cf->successes[1]);
	}
	cf->violations = pz_validate(pz);
	wl_destroy(w);
	pz_host_destroy(pz);
	if (rc)
		tool_error("out of memory for the workload's bookkeeping");
	return rc ? -1 : 0;
}

/* The configurations to run: one, or the --compare set. */
static size_t ha_configs(const struct ha_opts *o, struct ha_config *cf)
{
	static const enum pz_profile profiles[] = {PZ_PROFILE_LINUX_4_1, PZ_PROFILE_LINUX_4_4,
						   PZ_PROFILE_LINUX_6_1};
	size_t n = 0;

	memset(cf, 0, 9 * sizeof(*cf));
	if (!o->compare) {
		cf[0].profile = o->profile;
		cf[0].grouping = !o->no_grouping;
		cf[0].compaction = !o->no_compaction;
		return 1;
	}
	for (size_t p = 0; p < 3; p++)
		for (int v = 0; v < 3; v++, n++) {
			cf[n].profile = profiles[p];
			cf[n].grouping = v != 1;
			cf[n].compaction = v != 2;
		}
	return n;
}

static void ha_print_text(const struct ha_opts *o, const char *source, const struct ha_config *cf,
			  size_t n)
{
	printf("machine: %s\n", source);
	printf("workload: %" PRIu64 " fragmenting steps, seed %" PRIu64 ", fill %u%%; then "
	       "order-%u attempts (GFP_HIGHUSER_MOVABLE|__GFP_REPEAT; linux-4.4 without "
	       "__GFP_REPEAT), %" PRIu64 " workload steps before each under load, none at rest\n\n",
	       o->steps, o->seed, o->fill, cf[0].order, o->gap);
	printf("%-10s %-8s %-10s %17s %7s %17s %7s\n", "profile", "grouping", "compaction",
	       "load ok/tried", "rate", "rest ok/tried", "rate");
	for (size_t i = 0; i < n; i++) {
		char cell[2][48], rate[2][32];

		for (int ph = 0; ph < 2; ph++) {
			snprintf(cell[ph], sizeof(cell[ph]), "%" PRIu64 "/%" PRIu64,
				 cf[i].successes[ph], cf[i].attempts[ph]);
			tool_rate(cf[i].successes[ph], cf[i].attempts[ph], rate[ph],
				  sizeof(rate[ph]));
		}
		printf("%-10s %-8s %-10s %17s %7s %17s %7s\n", pz_profile_name(cf[i].profile),
		       cf[i].grouping ? "on" : "off", cf[i].compaction ? "on" : "off", cell[0],
		       rate[0], cell[1], rate[1]);
	}
}

/* The JSON form: one object per configuration and phase. */
static int ha_print_json(const struct ha_opts *o, const char *source, const struct ha_config *cf,
			 size_t n)
{
	struct json_object *arr = json_object_new_array();
	int rc;

	for (size_t i = 0; i < n; i++)
		for (int ph = 0; ph < 2; ph++) {
			struct json_object *j = json_object_new_object();

			json_object_object_add(
				j, "profile",
				json_object_new_string(pz_profile_name(cf[i].profile)));
			json_object_object_add(j, "grouping",
					       json_object_new_boolean(cf[i].grouping));
			json_object_object_add(j, "compaction",
					       json_object_new_boolean(cf[i].compaction));
			json_object_object_add(j, "phase", json_object_new_string(phase_names[ph]));
			json_object_object_add(j, "order", json_object_new_int((int)cf[i].order));
			json_object_object_add(j, "attempts",
					       json_object_new_uint64(cf[i].attempts[ph]));
			json_object_object_add(j, "successes",
					       json_object_new_uint64(cf[i].successes[ph]));
			json_object_object_add(j, "machine", json_object_new_string(source));
			json_object_object_add(j, "steps", json_object_new_uint64(o->steps));
			json_object_object_add(j, "seed", json_object_new_uint64(o->seed));
			json_object_object_add(j, "gap", json_object_new_uint64(ph ? 0 : o->gap));
			json_object_array_add(arr, j);
		}
	rc = printf("%s\n",
		    json_object_to_json_string_ext(
			    arr, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE)) < 0;
	json_object_put(arr);
	return rc ? TOOL_EXIT_FAIL : 0;
}

/* Progress units: workload steps and attempts, estimated from the spans. */
static uint64_t ha_total(const struct ha_opts *o, const struct pz_machine *m, size_t n)
{
	uint64_t pages = 0, attempts;

	for (unsigned i = 0; i < m->nr_nodes; i++)
		for (unsigned z = 0; z < m->nodes[i].nr_zones; z++)
			pages += m->nodes[i].zones[z].end_pfn - m->nodes[i].zones[z].start_pfn;
	attempts = o->attempts ? o->attempts : (pages / 2) >> (o->order_set ? o->order : 9);
	return n * (o->steps + attempts * (o->gap + 2));
}

int cmd_highalloc(int argc, char **argv)
{
	struct ha_opts o;
	struct ha_config cf[9];
	struct tool_machine m;
	size_t n;
	int rc = ha_parse(argc, argv, &o), bad = 0;

	if (rc)
		return rc < 0 ? 0 : rc;
	if (machine_choose(o.machine_from, o.machine_spec ? o.machine_spec : HA_DEFAULT_MACHINE,
			   o.cpus, &m))
		return TOOL_EXIT_USAGE;
	n = ha_configs(&o, cf);
	progress_begin(tool_cmd, ha_total(&o, machine_get(&m), n));
	for (size_t i = 0; i < n && !rc; i++) {
		rc = ha_run(&o, machine_get(&m), &cf[i]);
		bad |= cf[i].violations != 0;
	}
	progress_end();
	if (!rc && o.json)
		rc = ha_print_json(&o, m.source, cf, n);
	else if (!rc)
		ha_print_text(&o, m.source, cf, n);
	machine_free(&m);
	if (bad)
		tool_error("pz_validate found violations");
	return rc || bad ? TOOL_EXIT_FAIL : 0;
}
