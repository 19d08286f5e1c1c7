/*
 * tool_stubs.c - the command's message functions (tools/main.c, which
 * also holds main()) for the fuzz targets that compile tool sources: the
 * messages are counted and kept, printed only with FUZZ_VERBOSE=1.
 */
#include "tool.h"

#include <stdarg.h>
#include <stdlib.h>

const char *tool_cmd = "pagezone fuzz";
unsigned fuzz_tool_messages;
char fuzz_tool_last[512];

static void keep(const char *fmt, va_list ap)
{
	fuzz_tool_messages++;
	vsnprintf(fuzz_tool_last, sizeof(fuzz_tool_last), fmt, ap);
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "%s: %s\n", tool_cmd, fuzz_tool_last);
}

int tool_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	keep(fmt, ap);
	va_end(ap);
	return TOOL_EXIT_USAGE;
}

int tool_refuse(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	keep(fmt, ap);
	va_end(ap);
	return -1;
}

void tool_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	keep(fmt, ap);
	va_end(ap);
}
