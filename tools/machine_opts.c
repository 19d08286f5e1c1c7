/*
 * machine_opts.c - the options that say which machine to simulate and how
 * to load it (machine, vm sysctls, boot log, THP, profile, workload steps, seed,
 * fill, CPUs, grouping by mobility, compaction), shared by `pagezone run`,
 * `pagezone report` and `pagezone highalloc`.
 *
 * One table (MOPT_LONGOPTS), one parser (mopt_option), one check of the
 * whole set (mopt_check), one --help text (mopt_usage) and one way to
 * build the machine (mopt_machine), so that each option is spelled, means
 * and fails the same way in every subcommand; a subcommand only chooses
 * the defaults (run: 400000 steps, 60% fill, the built-in machine;
 * highalloc: 50000 steps, 30% fill, 2x1G).
 */
#include "tool.h"

#include <string.h>

#define MOPT_MAX_STEPS 1000000000000ull /* 10^12: days of work, but it ends */

void mopt_defaults(struct machine_opts *o, uint64_t steps, unsigned fill, const char *default_spec)
{
	memset(o, 0, sizeof(*o));
	o->profile = PZ_PROFILE_LINUX_4_1;
	o->steps = steps;
	o->seed = 42;
	o->fill = fill;
	o->cpus = 2;
	o->default_spec = default_spec;
}

static int mopt_thp(const char *v, struct machine_opts *o)
{
	if (strcmp(v, "always") && strcmp(v, "madvise") && strcmp(v, "never"))
		return tool_refuse("--thp: '%s' is none of always, madvise, never", v);
	o->thp = strcmp(v, "never") != 0;
	return 0;
}

/* The options with a value to check. */
static int mopt_value(int c, const char *v, struct machine_opts *o)
{
	switch (c) {
	case MOPT_THP:
		return mopt_thp(v, o);
	case MOPT_PROFILE:
		return opt_profile(v, &o->profile);
	case MOPT_STEPS:
		return opt_u64("--steps", v, 0, MOPT_MAX_STEPS, &o->steps);
	case MOPT_SEED:
		return opt_u64("--seed", v, 0, UINT64_MAX, &o->seed);
	case MOPT_FILL:
		return opt_unsigned("--fill", v, 0, 95, &o->fill);
	case MOPT_CPUS:
		return opt_unsigned("--cpus", v, 1, PZ_MAX_CPUS, &o->cpus);
	}
	return 1;
}

int mopt_option(int c, const char *v, struct machine_opts *o)
{
	switch (c) {
	case MOPT_MACHINE_FROM:
		o->machine_from = v;
		return 0;
	case MOPT_MACHINE:
		o->machine_spec = v;
		return 0;
	case MOPT_DEFAULT:
		o->use_default = 1;
		return 0;
	case MOPT_SYSCTL:
		o->sysctl = v;
		return 0;
	case MOPT_BOOT_LOG:
		o->boot_log = v;
		return 0;
	case MOPT_IOMEM:
		o->iomem = v;
		return 0;
	case MOPT_NO_GROUPING:
		o->no_grouping = 1;
		return 0;
	case MOPT_NO_COMPACTION:
		o->no_compaction = 1;
		return 0;
	}
	return mopt_value(c, v, o);
}

int mopt_check(const struct machine_opts *o)
{
	if (!!o->machine_from + !!o->machine_spec + o->use_default > 1)
		return tool_usage_error("--machine-from (--zoneinfo), --machine and --default "
					"each choose the machine: give one");
	return 0;
}

void mopt_usage(FILE *f, const struct machine_opts *d, const char *steps)
{
	fprintf(f,
		"  --machine-from FILE  clone a /proc/zoneinfo (alias --zoneinfo)\n"
		"  --machine SPEC       [NODESx]SIZE[:ZONE,...], e.g. 2x4G:DMA,DMA32,Normal\n"
		"  --default            the built-in machine " TOOL_DEFAULT_MACHINE "%s\n"
		"  --sysctl FILE        the vm sysctls to clone ('name: value' or sysctl -a\n"
		"                       lines; /proc/sys/vm with --machine-from /proc/zoneinfo)\n"
		"  --boot-log DMESG     the machine's dmesg: its initrd and unused-image frees\n"
		"                       came after its watermarks (snap/dmesg.txt next to a\n"
		"                       trace's zoneinfo by default; none: not used)\n"
		"  --iomem FILE         its /proc/iomem, whose Kernel code line places the\n"
		"                       image (snap/iomem.txt by default)\n"
		"  --thp MODE           transparent huge pages: always or madvise raise the\n"
		"                       default min_free_kbytes as khugepaged does (never)\n"
		"  --profile NAME       linux-4.1 (default), linux-4.4, linux-6.1 (modern)\n"
		"  --steps N            %s, 0..%llu (default %llu)\n"
		"  --seed S             workload seed, decimal (default %llu)\n"
		"  --fill PERCENT       memory the slab and user pages aim at, 0..95 (default\n"
		"                       %u); the caches grow into the rest until reclaimed\n"
		"  --cpus N             simulated CPUs, 1..%d (default %u)\n"
		"  --no-grouping        grouping by mobility off "
		"(page_group_by_mobility_disabled)\n"
		"  --no-compaction      no migrate callback: compaction cannot move pages\n",
		d->default_spec ? "" : " (the default)", steps, MOPT_MAX_STEPS,
		(unsigned long long)d->steps, (unsigned long long)d->seed, d->fill, PZ_MAX_CPUS,
		d->cpus);
}

/* The machine alone: the one the options name, else the default. */
static int mopt_choose(const struct machine_opts *o, struct tool_machine *m)
{
	if (o->machine_from)
		return machine_from_zoneinfo_file(o->machine_from, o->cpus, m);
	if (o->machine_spec)
		return machine_from_spec(o->machine_spec, o->cpus, m);
	if (o->default_spec && !o->use_default)
		return machine_from_spec(o->default_spec, o->cpus, m);
	return machine_default(o->cpus, m);
}

int mopt_machine(const struct machine_opts *o, struct tool_machine *m)
{
	if (mopt_choose(o, m))
		return -1;
	if (machine_boot_log(m, o->machine_from, o->boot_log, o->iomem)) {
		machine_free(m);
		return -1;
	}
	if (o->sysctl) {
		if (machine_sysctls_from_file(o->sysctl, m)) {
			machine_free(m);
			return -1;
		}
	} else if (o->machine_from && !strcmp(o->machine_from, "/proc/zoneinfo")) {
		machine_sysctls_from_proc(m);
	}
	return 0;
}

int mopt_instance(const struct machine_opts *o, const struct tool_machine *m,
		  enum pz_profile profile, int no_grouping, pz_t **out)
{
	int rc = tool_create_instance(machine_get(m), profile, no_grouping, o->thp, out);

	if (rc) {
		tool_error("cannot build the machine (%s): %s", m->source, pz_strerror(rc));
		return TOOL_EXIT_FAIL;
	}
	if (machine_apply_sysctls(*out, m)) {
		pz_host_destroy(*out);
		return TOOL_EXIT_USAGE;
	}
	return 0;
}
