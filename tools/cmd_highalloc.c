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

#define HA_DEFAULT_STEPS 50000
#define HA_DEFAULT_FILL	 30

struct ha_opts {
	struct machine_opts mo; /* the machine and the workload */
	uint64_t attempts, gap;
	unsigned order;
	int order_set, compare, json;
};

/* One configuration and what its two phases gave. */
struct ha_config {
	enum pz_profile profile;
	int grouping, compaction;
	unsigned order;
	uint64_t attempts[2], successes[2]; /* [0] load, [1] rest */
	int violations;
	/* the instance's tunables as created (--thp, --sysctl change them):
	 * min_free_kbytes, watermark_scale_factor, and min/low/high summed
	 * over the populated zones */
	unsigned mfk, wsf;
	uint64_t marks[3];
};

static const char *const phase_names[2] = {"load", "rest"};

static void ha_usage(FILE *f)
{
	struct machine_opts d;

	fprintf(f,
		"usage: pagezone highalloc [--machine-from FILE | --machine SPEC | --default]\n"
		"                          [--sysctl FILE] [--thp always|madvise|never]\n"
		"                          [--profile NAME] [--order N] [--attempts N] [--gap N]\n"
		"                          [--steps N] [--seed S] [--fill PERCENT] [--cpus N]\n"
		"                          [--no-grouping] [--no-compaction] [--compare] [--json]\n"
		"  fragments the simulated machine with the mixed workload of `pagezone run`,\n"
		"  then attempts high-order allocations (GFP_HIGHUSER_MOVABLE|__GFP_REPEAT, as\n"
		"  mmtests' stress-highalloc) under load and at rest, and prints success rates.\n"
		"  The machine defaults to " HA_DEFAULT_MACHINE
		" (two nodes of 1 GiB: compaction scans whole\n"
		"  zones, so its cost grows with the square of memory); the fragmenting\n"
		"  steps run first.\n");
	mopt_defaults(&d, HA_DEFAULT_STEPS, HA_DEFAULT_FILL, HA_DEFAULT_MACHINE);
	mopt_usage(f, &d, "fragmenting steps");
	fprintf(f,
		"  --order N            order of the attempts (default: the pageblock order, 9)\n"
		"  --attempts N         attempts per phase (default: half of memory in such\n"
		"                       blocks)\n"
		"  --gap N              workload steps before each attempt under load (default\n"
		"                       20)\n"
		"  --compare            linux-4.1, linux-4.4 and linux-6.1, each as is, with\n"
		"                       grouping off and with compaction off, side by side\n"
		"  --json               an array: one object per configuration and phase\n");
}

static const struct option ha_longopts[] = {
	MOPT_LONGOPTS,
	{"order", required_argument, NULL, 'o'},
	{"attempts", required_argument, NULL, 'a'},
	{"gap", required_argument, NULL, 'g'},
	{"compare", no_argument, NULL, 'x'},
	{"json", no_argument, NULL, 'j'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* One option; returns 0 or -1 (message printed). */
static int ha_option(int c, const char *v, void *arg)
{
	struct ha_opts *o = arg;
	int rc = mopt_option(c, v, &o->mo);

	if (rc <= 0)
		return rc;
	switch (c) {
	case 'o':
		o->order_set = 1;
		return opt_unsigned("--order", v, 1, PZ_MAX_ORDER_LIMIT - 1, &o->order);
	case 'a':
		return opt_u64("--attempts", v, 1, 100000000, &o->attempts);
	case 'g':
		return opt_u64("--gap", v, 0, 1000000, &o->gap);
	case 'x':
		o->compare = 1;
		return 0;
	case 'j':
		o->json = 1;
		return 0;
	}
	return -1;
}

static void ha_help(void *arg)
{
	(void)arg;
	ha_usage(stdout);
}

/* Returns 0 to go on, -1 after --help, else the exit status. */
static int ha_parse(int argc, char **argv, struct ha_opts *o)
{
	int rc;

	memset(o, 0, sizeof(*o));
	mopt_defaults(&o->mo, HA_DEFAULT_STEPS, HA_DEFAULT_FILL, HA_DEFAULT_MACHINE);
	o->gap = 20;
	rc = tool_getopt_only(argc, argv, ha_longopts, ha_option, ha_help, o);
	if (rc || (rc = mopt_check(&o->mo)))
		return rc;
	if (o->compare && (o->mo.no_grouping || o->mo.no_compaction))
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

/* What --thp and --sysctl decided: cf's tunables of pz. */
static void ha_tunables(pz_t *pz, struct ha_config *cf)
{
	struct pz_vm_sysctls vs;

	if (!pz_get_vm_sysctls(pz, &vs)) {
		cf->mfk = vs.min_free_kbytes;
		cf->wsf = vs.watermark_scale_factor;
	}
	for (unsigned n = 0; n < pz_nr_nodes(pz); n++)
		for (int t = 0; t < PZ_NR_ZONE_TYPES; t++) {
			struct pz_zone_info zi;

			if (pz_zone_info(pz, (int)n, (enum pz_zone_type)t, &zi) || !zi.managed)
				continue;
			cf->marks[0] += zi.wmark_min;
			cf->marks[1] += zi.wmark_low;
			cf->marks[2] += zi.wmark_high;
		}
}

/* Fragment, then the load and rest phases, on a fresh instance. Returns
 * 0 or the exit status (printed). */
static int ha_run(const struct ha_opts *o, const struct tool_machine *m, struct ha_config *cf)
{
	/* no kcompactd timer: highalloc's phases have no simulated time */
	struct wl_params wp = {o->mo.seed,
			       o->mo.cpus,
			       cf->compaction,
			       (int)o->mo.fill,
			       {NULL, NULL},
			       cf->profile == PZ_PROFILE_LINUX_6_1,
			       0};
	struct workload *w = NULL;
	unsigned order;
	pz_t *pz;
	int rc = mopt_instance(&o->mo, m, cf->profile, !cf->grouping, &pz);

	if (rc)
		return rc;
	ha_tunables(pz, cf);
	order = cf->order = o->order_set ? o->order : pz_pageblock_order(pz);
	if (order >= pz_max_order(pz)) {
		tool_error("--order %u: this machine's largest order is %u", order,
			   pz_max_order(pz) - 1);
		pz_host_destroy(pz);
		return TOOL_EXIT_FAIL;
	}
	cf->attempts[0] = cf->attempts[1] = ha_attempts(o, managed_pages(pz), order);
	w = wl_create(pz, &wp);
	rc = !w || wl_run(w, o->mo.steps) ||
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
	return rc ? TOOL_EXIT_FAIL : 0;
}

/* The configurations to run: one, or the --compare set. */
static size_t ha_configs(const struct ha_opts *o, struct ha_config *cf)
{
	static const enum pz_profile profiles[] = {PZ_PROFILE_LINUX_4_1, PZ_PROFILE_LINUX_4_4,
						   PZ_PROFILE_LINUX_6_1};
	size_t n = 0;

	memset(cf, 0, 9 * sizeof(*cf));
	if (!o->compare) {
		cf[0].profile = o->mo.profile;
		cf[0].grouping = !o->mo.no_grouping;
		cf[0].compaction = !o->mo.no_compaction;
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

static void ha_print_text(const struct ha_opts *o, const struct tool_machine *m,
			  const struct ha_config *cf, size_t n)
{
	printf("machine: %s\n", m->source);
	if (m->boot_log[0]) /* as `pagezone run` prints it */
		printf("boot log: %s\n", m->boot_log);
	printf("workload: %" PRIu64 " fragmenting steps, seed %" PRIu64 ", fill %u%%; then "
	       "order-%u attempts (GFP_HIGHUSER_MOVABLE|__GFP_REPEAT; linux-4.4 without "
	       "__GFP_REPEAT), %" PRIu64 " workload steps before each under load, none at rest\n\n",
	       o->mo.steps, o->mo.seed, o->mo.fill, cf[0].order, o->gap);
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
	for (size_t i = 0; i < n; i++) /* once per profile: grouping changes none */
		if (!i || cf[i].profile != cf[i - 1].profile)
			printf("%stunables: %s min_free_kbytes %u, watermark_scale_factor %u, "
			       "watermarks min/low/high %" PRIu64 "/%" PRIu64 "/%" PRIu64
			       " pages over all zones\n",
			       i ? "" : "\n", pz_profile_name(cf[i].profile), cf[i].mfk, cf[i].wsf,
			       cf[i].marks[0], cf[i].marks[1], cf[i].marks[2]);
}

/* {"min": .., "low": .., "high": ..}: summed over the populated zones. */
static struct json_object *ha_json_marks(const uint64_t marks[3])
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "min", json_object_new_uint64(marks[0]));
	json_object_object_add(o, "low", json_object_new_uint64(marks[1]));
	json_object_object_add(o, "high", json_object_new_uint64(marks[2]));
	return o;
}

/* The JSON form: one object per configuration and phase. */
static int ha_print_json(const struct ha_opts *o, const struct tool_machine *m,
			 const struct ha_config *cf, size_t n)
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
			json_object_object_add(j, "machine", json_object_new_string(m->source));
			if (m->boot_log[0])
				json_object_object_add(j, "boot_log",
						       json_object_new_string(m->boot_log));
			json_object_object_add(j, "steps", json_object_new_uint64(o->mo.steps));
			json_object_object_add(j, "seed", json_object_new_uint64(o->mo.seed));
			json_object_object_add(j, "gap", json_object_new_uint64(ph ? 0 : o->gap));
			json_object_object_add(j, "min_free_kbytes",
					       json_object_new_int64(cf[i].mfk));
			json_object_object_add(j, "watermark_scale_factor",
					       json_object_new_int64(cf[i].wsf));
			json_object_object_add(j, "watermarks_pages", ha_json_marks(cf[i].marks));
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
	return n * (o->mo.steps + attempts * (o->gap + 2));
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
	if (mopt_machine(&o.mo, &m)) /* a machine (or sysctl file) the user named is unusable */
		return TOOL_EXIT_USAGE;
	n = ha_configs(&o, cf);
	progress_begin(tool_cmd, ha_total(&o, machine_get(&m), n));
	for (size_t i = 0; i < n && !rc; i++) {
		rc = ha_run(&o, &m, &cf[i]);
		bad |= cf[i].violations != 0;
	}
	progress_end();
	if (!rc && o.json)
		rc = ha_print_json(&o, &m, cf, n);
	else if (!rc)
		ha_print_text(&o, &m, cf, n);
	machine_free(&m);
	if (bad)
		tool_error("pz_validate found violations");
	return rc ? rc : bad ? TOOL_EXIT_FAIL : 0;
}
