/*
 * tool.h - the pagezone command's own index: functions shared between its
 * files, grouped by the file that defines them. The command uses only the
 * public header <pagezone.h>; anything it needs from the library's
 * insides is a gap in the public API.
 */
#ifndef PAGEZONE_TOOL_H
#define PAGEZONE_TOOL_H

#include <pagezone.h>

#include "workload.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses: 0 success, 1 the work failed, 2 bad usage. */
#define TOOL_EXIT_FAIL	1
#define TOOL_EXIT_USAGE 2

/* ---- main.c ---------------------------------------------------------- */
extern const char *tool_cmd; /* "pagezone run", for messages */

/* Prints "pagezone CMD: MESSAGE" to stderr. Returns TOOL_EXIT_USAGE. */
int tool_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same message for a function that reports failure as -1. */
int tool_refuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "pagezone CMD: MESSAGE" to stderr (a failure, not bad usage). */
void tool_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reports a bad option found by getopt_long (unknown, missing value).
 * Returns TOOL_EXIT_USAGE. */
int tool_getopt_error(int c, char **argv, int optind_now, int optopt_now);
/* One option of a subcommand: 0 taken, non-zero bad (message printed). */
typedef int (*tool_option_fn)(int c, const char *value, void *arg);
/* The option loop of every subcommand: getopt_long over argv with
 * longopts (plus --help, which calls help(arg) and returns -1), option()
 * for each option; an unknown option or a missing value is reported by
 * tool_getopt_error. Returns 0 with *operand the index of the first
 * operand, -1 after --help, or TOOL_EXIT_USAGE (message printed). */
int tool_getopt(int argc, char **argv, const struct option *longopts, tool_option_fn option,
		void (*help)(void *arg), void *arg, int *operand);
/* That loop for a subcommand that takes no operand. */
int tool_getopt_only(int argc, char **argv, const struct option *longopts, tool_option_fn option,
		     void (*help)(void *arg), void *arg);

/* ---- opts.c: numbers and names of options ---------------------------- */
/* Parses a decimal number (digits only; leading zeros do not mean octal)
 * within [min, max] for option `name`. Returns 0, or prints a precise
 * message and returns -1. */
int opt_u64(const char *name, const char *text, uint64_t min, uint64_t max, uint64_t *out);
int opt_unsigned(const char *name, const char *text, unsigned min, unsigned max, unsigned *out);
/* --profile NAME. Returns 0 or -1 (message printed). */
int opt_profile(const char *text, enum pz_profile *out);
/* A size with an optional K, M, G or T suffix (binary), in bytes. */
int opt_size(const char *name, const char *text, uint64_t *bytes);

/* ---- machine_opts.c: the machine and workload options ------------------ */
/* getopt_long values of the options run, report and highalloc share
 * (above every letter, below the pictures' PIC_OPT_*). */
enum {
	MOPT_MACHINE_FROM = 0x100,
	MOPT_MACHINE,
	MOPT_DEFAULT,
	MOPT_SYSCTL,
	MOPT_THP,
	MOPT_PROFILE,
	MOPT_STEPS,
	MOPT_SEED,
	MOPT_FILL,
	MOPT_CPUS,
	MOPT_NO_GROUPING,
	MOPT_NO_COMPACTION,
	MOPT_BOOT_LOG,
	MOPT_IOMEM,
};

/* The options, for a subcommand's struct option table. */
// clang-format off
#define MOPT_LONGOPTS \
	{"machine-from", required_argument, NULL, MOPT_MACHINE_FROM}, \
	{"zoneinfo", required_argument, NULL, MOPT_MACHINE_FROM}, \
	{"machine", required_argument, NULL, MOPT_MACHINE}, \
	{"default", no_argument, NULL, MOPT_DEFAULT}, \
	{"sysctl", required_argument, NULL, MOPT_SYSCTL}, \
	{"thp", required_argument, NULL, MOPT_THP}, \
	{"profile", required_argument, NULL, MOPT_PROFILE}, \
	{"steps", required_argument, NULL, MOPT_STEPS}, \
	{"seed", required_argument, NULL, MOPT_SEED}, \
	{"fill", required_argument, NULL, MOPT_FILL}, \
	{"cpus", required_argument, NULL, MOPT_CPUS}, \
	{"no-grouping", no_argument, NULL, MOPT_NO_GROUPING}, \
	{"no-compaction", no_argument, NULL, MOPT_NO_COMPACTION}, \
	{"boot-log", required_argument, NULL, MOPT_BOOT_LOG}, \
	{"iomem", required_argument, NULL, MOPT_IOMEM}
// clang-format on

struct tool_machine;
struct machine_opts {
	const char *machine_from; /* --machine-from / --zoneinfo */
	const char *machine_spec; /* --machine */
	int use_default;	  /* --default */
	const char *default_spec; /* the machine without a machine option
				     (NULL: the built-in TOOL_DEFAULT_MACHINE) */
	const char *sysctl;	  /* --sysctl FILE */
	const char *boot_log;	  /* --boot-log DMESG|none (bootlog.c) */
	const char *iomem;	  /* --iomem FILE */
	unsigned thp;		  /* --thp: 1 always/madvise, 0 never */
	enum pz_profile profile;  /* --profile */
	uint64_t steps, seed;	  /* --steps, --seed */
	unsigned fill, cpus;	  /* --fill, --cpus */
	int no_grouping;	  /* --no-grouping: page_group_by_mobility_disabled */
	int no_compaction;	  /* --no-compaction: no migrate callback */
};
/* The defaults: linux-4.1, seed 42, 2 CPUs, and the subcommand's own. */
void mopt_defaults(struct machine_opts *o, uint64_t steps, unsigned fill, const char *default_spec);
/* One option: 0 taken, -1 bad value (message printed), 1 not one of these. */
int mopt_option(int c, const char *v, struct machine_opts *o);
/* After the loop: more than one machine named. Returns 0 or
 * TOOL_EXIT_USAGE (message printed). */
int mopt_check(const struct machine_opts *o);
/* Their --help lines, with the defaults in d; steps says what a step is
 * for ("workload steps"). */
void mopt_usage(FILE *f, const struct machine_opts *d, const char *steps);
/* The machine the options name (--machine-from FILE, --machine SPEC,
 * --default, else the default), then its vm sysctls: --sysctl FILE, or
 * /proc/sys/vm when /proc/zoneinfo is cloned, and its boot log's late
 * frees (machine_boot_log). Returns 0 or -1 (printed:
 * a machine or file the user named is unusable). */
int mopt_machine(const struct machine_opts *o, struct tool_machine *m);
/* A deterministic instance of m (tool_create_instance with --thp) with
 * m's sysctls written in. Returns 0, TOOL_EXIT_FAIL (the library refused
 * the machine) or TOOL_EXIT_USAGE (a sysctl refused); printed. */
int mopt_instance(const struct machine_opts *o, const struct tool_machine *m,
		  enum pz_profile profile, int no_grouping, pz_t **out);

/* ---- machine.c: where the simulated machine comes from --------------- */
/* A machine the tool owns (zoneinfo clone, compact spec or built-in). */
struct tool_machine {
	struct pz_host_machine *host; /* from the library's host layer */
	struct pz_machine *spec;      /* or built from --machine */
	char source[160];	      /* what to print after "machine: " */
	void (*release)(void *arg);   /* frees what spec points to, before spec */
	void *release_arg;
	struct pz_host_sysctls sysctls; /* the vm sysctls to clone, when have_sysctls */
	int have_sysctls;
	char sysctl_origin[160]; /* the file they came from */
	/* bootlog.c: pages the machine freed after its watermarks were set,
	 * held back in host until machine_apply_sysctls releases them */
	struct pz_host_late_free *late;
	char boot_log[320]; /* the header line saying where they came from */
};
/* Reads and parses a /proc/zoneinfo file the user named: every failure
 * (open, read, empty, binary, parse with its line) is printed. Returns 0
 * or -1. */
int machine_from_zoneinfo_file(const char *path, unsigned nr_cpus, struct tool_machine *out);
/* Parses the compact spec NxSIZE[:ZONE,...]. Returns 0 or -1 (printed). */
int machine_from_spec(const char *text, unsigned nr_cpus, struct tool_machine *out);
/* The built-in default machine: two nodes of 4 GiB, node 0 with DMA and
 * DMA32, node 1 with Normal and Movable (the spec TOOL_DEFAULT_MACHINE).
 * Returns 0 or -1. */
#define TOOL_DEFAULT_MACHINE "2x4G:DMA,DMA32,Normal,Movable"
int machine_default(unsigned nr_cpus, struct tool_machine *out);
/* --sysctl FILE: parses it into m (printing FILE:LINE of a malformed
 * value). Returns 0 or -1. */
int machine_sysctls_from_file(const char *path, struct tool_machine *m);
/* The live machine's /proc/sys/vm into m, when readable (else nothing). */
void machine_sysctls_from_proc(struct tool_machine *m);
/* Writes m's sysctls (if any) into pz; prints FILE:LINE of a refused one.
 * Returns 0 or -1. */
int machine_apply_sysctls(pz_t *pz, const struct tool_machine *m);
const struct pz_machine *machine_get(const struct tool_machine *m);
/* Reads a whole (small) file; prints the OS error. Returns 0 or -1. */
int read_small_file(const char *path, char **text, size_t *len);

/* ---- bootlog.c: --boot-log DMESG, --iomem IOMEM ---------------------- */
/* The late frees of the boot log (dmesg, iomem; found as dmesg.txt and
 * iomem.txt next to a zoneinfo in a trace's snap/ folder when not given;
 * dmesg "none": not used), held back in m's zoneinfo clone. Returns 0 or
 * -1 (printed). */
int machine_boot_log(struct tool_machine *m, const char *zoneinfo, const char *dmesg,
		     const char *iomem);
/* After the sysctls: frees the held pages and recomputes the reserves
 * (nothing held: nothing done). Returns 0 or -1 (printed). */
int machine_release_late(pz_t *pz, const struct tool_machine *m);
void machine_free(struct tool_machine *m);

/* ---- reports.c: the kernel's report formats -------------------------- */
/* Report names accepted by --report ("map" too: the pageblock map);
 * returns the index or -1. */
int report_lookup(const char *name);
/* Prints report(s) `which` ("all" or a name) with their "== title ==" to
 * f, or, with f NULL, the bare text to stdout (`pagezone report`). */
void reports_print(pz_t *pz, const char *which, FILE *f);
/* Returns a malloc'd copy of one report's text (NULL on failure). */
char *report_text(pz_t *pz, size_t (*fn)(pz_t *, char *, size_t));
/* Managed pages of every zone of every node. */
uint64_t managed_pages(pz_t *pz);

/* ---- pic_opts.c: what the pictures' options asked for (pictures.h) ---- */
struct pic_opts {
	uint64_t every;	     /* --every N (0: not given) */
	const char *series;  /* --series FILE (CSV) */
	const char *plot;    /* --plot DIR */
	const char *map_svg; /* --map-svg FILE */
	int map;	     /* --map: the letters after the reports */
};

/* ---- cmd_run.c and json_out.c: the run and its summary --------------- */
struct run_opts {
	struct machine_opts mo; /* the machine and the workload */
	const char *report;
	int json;			/* --json */
	int only_report;		/* `pagezone report`: the report text alone */
	int fail;			/* --fail-page-alloc given */
	struct pz_fault_attr fail_attr; /* its attributes */
	struct pic_opts pic;		/* --every, --series, --plot, --map, --map-svg */
};
/* Latency percentiles of a run, in work units (workload_steps.c). */
#define RUN_NR_PCT 5
extern const unsigned run_pct_permille[RUN_NR_PCT]; /* 500 900 990 999 1000 */
extern const char *const run_pct_name[RUN_NR_PCT];  /* "p50" ... "max" */
struct run_result {
	const char *machine_source;
	const char *boot_log; /* the machine's boot-log line, "" without one */
	uint64_t managed, live_blocks, live_pages, failed, fault_injected;
	int violations;
	const struct wl_stats *st;
	uint64_t ev[PZ_NR_VM_EVENTS];
	uint64_t oom[PZ_OOM_NR_STATS];
	uint64_t lat[RUN_NR_PCT];
	unsigned huge_order; /* the pageblock order: THP attempts */
	int reaper;	     /* the profile has an OOM reaper (linux-6.1) */
};
/* Prints the run summary as one JSON object. Returns 0 or -1. */
int json_run_summary(pz_t *pz, const struct run_opts *o, const struct run_result *r, FILE *f);
/* Prints the run's operations, failures, slow-path events, order-9 rate
 * and latency percentiles (run_summary.c). */
void run_summary_text(const struct run_result *r, FILE *f);
/* A deterministic instance for the workload (kswapd inline, the
 * workload's platform). Returns 0 or a negative PZ_E* code. */
int tool_create_instance(const struct pz_machine *m, enum pz_profile profile, int no_grouping,
			 int thp, pz_t **out);
/* The percentage a/b with one decimal, as text ("-" when b is 0). */
const char *tool_rate(uint64_t a, uint64_t b, char *buf, size_t len);

/* ---- cmd_*.c: the subcommands ---------------------------------------- */
int cmd_run(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_highalloc(int argc, char **argv);
int cmd_bench(int argc, char **argv);

#endif /* PAGEZONE_TOOL_H */
