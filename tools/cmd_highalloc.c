/*
 * cmd_highalloc.c - `pagezone highalloc`: the stress-highalloc experiment
 * (fragment the machine, then try order-9 allocations under load and at
 * rest). Not built yet: the command says so and exits 1; --help
 * describes what it will take.
 */
#include "tool.h"

#include <string.h>

int cmd_highalloc(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: pagezone highalloc [--order N] [--compare] [--json]\n"
		       "  fragments the simulated machine with the mixed workload, then\n"
		       "  attempts order-9 (or --order N) allocations under load and at rest.\n"
		       "  Not implemented yet in this version.\n");
		return 0;
	}
	tool_error("not implemented yet in this version (see issue 11)");
	return TOOL_EXIT_FAIL;
}
