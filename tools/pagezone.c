/*
 * pagezone - run the allocator on a simulated machine and show its state
 * the way the kernel shows it.
 *
 *   pagezone [run] [--zoneinfo PATH | --default] [--profile linux-4.1|modern]
 *                  [--steps N] [--seed S] [--fill PERCENT] [--cpus N]
 *                  [--report all|buddyinfo|pagetypeinfo|zoneinfo|vmstat|extfrag|unusable]
 *                  [--fail-page-alloc INTERVAL,PROBABILITY,SPACE,TIMES]
 *   pagezone bench [--quick] [--csv] [--callgrind]
 *
 * The machine is cloned from /proc/zoneinfo (this machine's own layout)
 * unless it cannot be read or --default is given. A seeded workload mixes
 * allocations of every order and mobility with frees in random order, then
 * the reports are printed in the kernel's formats.
 *
 * Only the public header is used: the tool is also an example of the API.
 */
#define _DEFAULT_SOURCE /* readlink, PATH_MAX */
#include <pagezone.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct opts {
	const char *zoneinfo;
	int use_default;
	enum pz_profile profile;
	unsigned long steps;
	uint64_t seed;
	unsigned fill;
	unsigned cpus;
	const char *report;
	int fail;			/* --fail-page-alloc given */
	struct pz_fault_attr fail_attr; /* its attributes */
};

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

static void usage(FILE *f)
{
	fprintf(f,
		"usage: pagezone [run] [--zoneinfo PATH | --default] [--profile linux-4.1|modern]\n"
		"                [--steps N] [--seed S] [--fill PERCENT] [--cpus N]\n"
		"                [--report "
		"all|buddyinfo|pagetypeinfo|zoneinfo|vmstat|extfrag|unusable]\n"
		"                [--fail-page-alloc INTERVAL,PROBABILITY,SPACE,TIMES]\n"
		"       pagezone bench [--quick] [--csv] [--callgrind]   (runs pagezone-bench)\n"
		"  --fail-page-alloc: the kernel's fail_page_alloc= boot option (code\n"
		"  defaults otherwise: order >= 1, no direct reclaim, no highmem)\n");
}

/*
 * `pagezone bench ARGS`: runs the benchmark program, found next to this
 * binary (installed side by side) or in the build tree's bench/ directory.
 * Returns only on failure.
 */
static int run_bench(char **argv)
{
	static const char *const where[] = {"/pagezone-bench", "/bench/pagezone-bench"};
	char self[PATH_MAX], path[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0) {
		perror("pagezone bench: /proc/self/exe");
		return 1;
	}
	self[n] = 0;
	slash = strrchr(self, '/');
	if (slash)
		*slash = 0;
	argv[0] = (char *)"pagezone-bench";
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", self, where[i]);
		if (access(path, X_OK) == 0) {
			execv(path, argv);
			perror(path);
			return 1;
		}
	}
	fprintf(stderr,
		"pagezone bench: pagezone-bench is not next to %s (configure with "
		"-DPAGEZONE_BENCH=ON, or run scripts/bench.sh)\n",
		self);
	return 1;
}

static int parse(int argc, char **argv, struct opts *o)
{
	o->zoneinfo = "/proc/zoneinfo";
	o->profile = PZ_PROFILE_LINUX_4_1;
	o->steps = 200000;
	o->seed = 42;
	o->fill = 60;
	o->cpus = 2;
	o->report = "all";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "run"))
			continue;
		if (!strcmp(a, "--default")) {
			o->use_default = 1;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		}
		if (!v) {
			fprintf(stderr, "pagezone: %s needs a value\n", a);
			return -1;
		}
		i++;
		if (!strcmp(a, "--zoneinfo"))
			o->zoneinfo = v;
		else if (!strcmp(a, "--profile") && !strcmp(v, "modern"))
			o->profile = PZ_PROFILE_MODERN;
		else if (!strcmp(a, "--profile") && !strcmp(v, "linux-4.1"))
			o->profile = PZ_PROFILE_LINUX_4_1;
		else if (!strcmp(a, "--steps"))
			o->steps = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--seed"))
			o->seed = strtoull(v, NULL, 0) | 1;
		else if (!strcmp(a, "--fill"))
			o->fill = (unsigned)strtoul(v, NULL, 0);
		else if (!strcmp(a, "--cpus"))
			o->cpus = (unsigned)strtoul(v, NULL, 0);
		else if (!strcmp(a, "--report"))
			o->report = v;
		else if (!strcmp(a, "--fail-page-alloc")) {
			pz_fault_attr_default(&o->fail_attr);
			o->fail_attr.verbose = 0; /* counted in the summary instead */
			if (pz_fault_attr_parse(v, &o->fail_attr)) {
				fprintf(stderr,
					"pagezone: --fail-page-alloc wants "
					"INTERVAL,PROBABILITY,SPACE,TIMES, not %s\n",
					v);
				return -1;
			}
			o->fail = 1;
		} else {
			fprintf(stderr, "pagezone: unknown option %s %s\n", a, v);
			return -1;
		}
	}
	if (o->fill > 95 || o->cpus < 1 || o->cpus > PZ_MAX_CPUS) {
		fprintf(stderr, "pagezone: --fill must be <= 95 and --cpus 1..%d\n", PZ_MAX_CPUS);
		return -1;
	}
	return 0;
}

static struct pz_host_machine *load_machine(const struct opts *o)
{
	struct pz_host_machine *m = NULL;
	int rc;

	if (!o->use_default) {
		rc = pz_host_machine_from_file(o->zoneinfo, o->cpus, &m);
		if (rc == 0) {
			printf("machine: cloned from %s\n", o->zoneinfo);
			return m;
		}
		fprintf(stderr,
			"pagezone: cannot use %s (%s); using the built-in default machine\n",
			o->zoneinfo, pz_strerror(rc));
	}
	rc = pz_host_machine_default(o->cpus, &m);
	if (rc) {
		fprintf(stderr, "pagezone: default machine: %s\n", pz_strerror(rc));
		return NULL;
	}
	printf("machine: built-in default\n");
	return m;
}

static const pz_gfp_t kinds[] = {
	PZ_GFP_HIGHUSER_MOVABLE, PZ_GFP_HIGHUSER_MOVABLE, PZ_GFP_HIGHUSER_MOVABLE, PZ_GFP_KERNEL,
	PZ_GFP_KERNEL,		 PZ_GFP_TEMPORARY,	  PZ_GFP_ATOMIC_MASK,
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
static void workload(pz_t *pz, const struct opts *o, uint64_t managed)
{
	size_t cap = 1 << 20, n = 0;
	struct live *live = calloc(cap, sizeof(*live));
	uint64_t s = o->seed, held = 0, target = managed * o->fill / 100;
	unsigned long fails = 0;

	if (!live)
		return;
	for (unsigned long step = 0; step < o->steps; step++) {
		int alloc = held < target ? (rnd(&s) % 100) < 70 : (rnd(&s) % 100) < 45;

		pz_host_set_cpu((int)(rnd(&s) % o->cpus));
		if (alloc && n < cap) {
			unsigned order = pick_order(&s);
			pz_gfp_t gfp = kinds[rnd(&s) % (sizeof(kinds) / sizeof(kinds[0]))];
			pz_page_t *p = pz_alloc_pages(
				pz, gfp | (order ? PZ_GFP_COMP : 0) | PZ_GFP_NOWARN, order);

			if (!p) {
				fails++;
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
	printf("workload: %lu steps, seed %" PRIu64 ", %zu blocks (%" PRIu64
	       " pages) still allocated, %lu failed allocations\n",
	       o->steps, o->seed, n, held, fails);
	if (o->fail) {
		struct pz_errors e;

		pz_errors(pz, &e);
		printf("fail_page_alloc: %" PRIu64 " failure(s) injected\n", e.fault_injected);
	}
	printf("\n");
	free(live);
}

static void print_report(pz_t *pz, const char *title, size_t (*fn)(pz_t *, char *, size_t))
{
	size_t need = fn(pz, NULL, 0) + 1;
	char *buf = malloc(need);

	if (!buf)
		return;
	fn(pz, buf, need);
	printf("== %s ==\n%s\n", title, buf);
	free(buf);
}

static void reports(pz_t *pz, const char *which)
{
	static const struct {
		const char *name, *title;
		size_t (*fn)(pz_t *, char *, size_t);
	} all[] = {
		{"buddyinfo", "/proc/buddyinfo", pz_report_buddyinfo},
		{"pagetypeinfo", "/proc/pagetypeinfo", pz_report_pagetypeinfo},
		{"zoneinfo", "/proc/zoneinfo (allocator fields)", pz_report_zoneinfo},
		{"vmstat", "/proc/vmstat (allocator counters)", pz_report_vmstat},
		{"extfrag", "extfrag/extfrag_index", pz_report_extfrag_index},
		{"unusable", "extfrag/unusable_index", pz_report_unusable_index},
	};
	int any = !strcmp(which, "all");

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (any || !strcmp(which, all[i].name))
			print_report(pz, all[i].title, all[i].fn);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct pz_host_machine *m;
	struct pz_config cfg;
	pz_t *pz;
	uint64_t managed = 0;
	int rc;

	if (argc > 1 && !strcmp(argv[1], "bench"))
		return run_bench(argv + 1);
	memset(&o, 0, sizeof(o));
	if (parse(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	m = load_machine(&o);
	if (!m)
		return 1;
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &m->machine;
	cfg.profile = o.profile;
	cfg.platform = pz_host_platform();
	rc = pz_host_create(&cfg, &pz);
	if (rc) {
		fprintf(stderr, "pagezone: init failed: %s\n", pz_strerror(rc));
		pz_host_machine_free(m);
		return 1;
	}
	for (unsigned n = 0; n < pz_nr_nodes(pz); n++)
		for (int t = 0; t < PZ_NR_ZONE_TYPES; t++) {
			struct pz_zone_info zi;

			if (pz_zone_info(pz, (int)n, (enum pz_zone_type)t, &zi) == 0)
				managed += zi.managed;
		}
	printf("profile: %s, %u node(s), %u cpu(s), %" PRIu64 " managed pages\n",
	       o.profile == PZ_PROFILE_MODERN ? "modern" : "linux-4.1", pz_nr_nodes(pz),
	       pz_nr_cpus(pz), managed);
	if (o.fail) {
		o.fail_attr.seed = o.seed;
		pz_set_fail_page_alloc(pz, &o.fail_attr);
	}
	workload(pz, &o, managed);
	reports(pz, o.report);
	rc = pz_validate(pz);
	printf("validate: %d violation(s)\n", rc);
	pz_host_destroy(pz);
	pz_host_machine_free(m);
	return rc ? 1 : 0;
}
