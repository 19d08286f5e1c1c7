/*
 * main.c - the pagezone command: picks the subcommand and reports bad
 * usage the same way everywhere (a message naming the subcommand, exit
 * status 2).
 *
 *   pagezone [run] [OPTIONS]       simulate a machine under a workload
 *   pagezone replay PATH [OPTIONS] replay a real kernel trace
 *   pagezone report [OPTIONS]      one report of a run, nothing else
 *   pagezone highalloc [OPTIONS]   the high-order allocation experiment
 *   pagezone bench [OPTIONS]       the benchmark program
 *
 * With no subcommand, or when the first argument is an option, the
 * command is `run` (the README's main job, scripts/run.sh).
 */
#include "tool.h"

#include <getopt.h>
#include <stdarg.h>
#include <string.h>

const char *tool_cmd = "pagezone";

static void tool_vprint(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", tool_cmd);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* The message and the pointer to --help. */
static void tool_vusage(const char *fmt, va_list ap)
{
	tool_vprint(fmt, ap);
	fprintf(stderr, "Try '%s --help'.\n", tool_cmd);
}

int tool_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tool_vusage(fmt, ap);
	va_end(ap);
	return TOOL_EXIT_USAGE;
}

int tool_refuse(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tool_vusage(fmt, ap);
	va_end(ap);
	return -1;
}

void tool_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tool_vprint(fmt, ap);
	va_end(ap);
}

/*
 * getopt_long runs with opterr = 0 and a leading ':' in its option
 * string, so that '?' means an unknown option and ':' a missing value;
 * optind has already moved past the offending word.
 */
int tool_getopt_error(int c, char **argv, int optind_now, int optopt_now)
{
	const char *word = argv[optind_now - 1];

	if (c == ':')
		return tool_usage_error("option '%s' needs a value", word);
	if (optopt_now && strncmp(word, "--", 2) != 0)
		return tool_usage_error("unknown option '-%c'", optopt_now);
	return tool_usage_error("unknown option '%s'", word);
}

/* The one option loop of every subcommand, so that an unknown option, a
 * missing value, --help and a stray operand are handled the same way
 * everywhere. */
int tool_getopt(int argc, char **argv, const struct option *longopts, tool_option_fn option,
		void (*help)(void *arg), void *arg, int *operand)
{
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'h') {
			help(arg);
			return -1;
		}
		if (c == '?' || c == ':')
			return tool_getopt_error(c, argv, optind, optopt);
		if (option(c, optarg, arg))
			return TOOL_EXIT_USAGE;
	}
	*operand = optind;
	return 0;
}

int tool_getopt_only(int argc, char **argv, const struct option *longopts, tool_option_fn option,
		     void (*help)(void *arg), void *arg)
{
	int first, rc = tool_getopt(argc, argv, longopts, option, help, arg, &first);

	if (rc)
		return rc;
	if (first < argc)
		return tool_usage_error("unexpected argument '%s'", argv[first]);
	return 0;
}

static void main_usage(FILE *f)
{
	fprintf(f, "usage: pagezone [run] [OPTIONS]        simulate a machine under a workload\n"
		   "       pagezone replay PATH [OPTIONS] replay a kernel page-allocator trace\n"
		   "       pagezone report [OPTIONS]      print one report after a run\n"
		   "       pagezone highalloc [OPTIONS]   high-order allocation experiment\n"
		   "       pagezone bench [OPTIONS]       run the benchmarks (pagezone-bench)\n"
		   "`pagezone COMMAND --help` describes each command; man pagezone has them all.\n"
		   "Exit status: 0 success, 1 failure, 2 bad usage.\n");
}

static const struct {
	const char *name;
	int (*fn)(int, char **);
} commands[] = {
	{"run", cmd_run},	{"replay", cmd_replay},
	{"report", cmd_report}, {"highalloc", cmd_highalloc},
	{"bench", cmd_bench},
};

int main(int argc, char **argv)
{
	static char name[32];
	const char *first = argc > 1 ? argv[1] : NULL;

	if (first && (!strcmp(first, "-h") || !strcmp(first, "--help"))) {
		main_usage(stdout);
		return 0;
	}
	if (!first || first[0] == '-') {
		tool_cmd = "pagezone run";
		return cmd_run(argc, argv);
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(first, commands[i].name))
			continue;
		snprintf(name, sizeof(name), "pagezone %s", first);
		tool_cmd = name;
		return commands[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "pagezone: unknown command '%s'\n", first);
	main_usage(stderr);
	return TOOL_EXIT_USAGE;
}
