/*
 * cmd_bench.c - `pagezone bench ARGS` runs the benchmark program, found
 * next to this binary (installed side by side) or in the build tree's
 * bench/ directory; its options are its own (`pagezone bench --help`).
 */
#define _DEFAULT_SOURCE /* readlink, PATH_MAX */
#include "tool.h"

#include <limits.h>
#include <string.h>
#include <unistd.h>

int cmd_bench(int argc, char **argv)
{
	static const char *const where[] = {"/pagezone-bench", "/bench/pagezone-bench"};
	char self[PATH_MAX], path[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	(void)argc;
	if (n <= 0) {
		perror("pagezone bench: /proc/self/exe");
		return TOOL_EXIT_FAIL;
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
			return TOOL_EXIT_FAIL;
		}
	}
	fprintf(stderr,
		"pagezone bench: pagezone-bench is not next to %s (configure with "
		"-DPAGEZONE_BENCH=ON, or run scripts/bench.sh)\n",
		self);
	return TOOL_EXIT_FAIL;
}
