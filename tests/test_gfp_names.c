/*
 * test_gfp_names.c - gfp text as Linux 6.1 prints it: every gfp_flags
 * string of the shared 6.1 traces (tests/data/gfp-linux-6.1.txt, taken
 * from their trace.csv.gz and stats.json) reads back through the trace
 * reader's parser (tools/trace_gfp.c, compiled in here) and prints
 * identically with pz_gfp_format_profile(linux-6.1). Composites must come
 * first and in 6.1's table order for that to hold, GFP_KERNEL_ACCOUNT and
 * __GFP_ACCOUNT need their own bit, and REPEAT must print as
 * __GFP_RETRY_MAYFAIL.
 */
#include "../tools/trace_gfp.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <cmocka.h>

static unsigned nr_tool_errors;

/* The parser's warning sink (tools/tool.h): unknown names land here. */
void tool_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	nr_tool_errors++;
}

static void check_roundtrip(struct tr_gfp_cache *c, const char *text)
{
	char out[512];
	pz_gfp_t g = tr_gfp_parse(c, text, strlen(text));
	size_t n = pz_gfp_format_profile(PZ_PROFILE_LINUX_6_1, g, out, sizeof(out));

	if (n >= sizeof(out) || strcmp(out, text))
		fail_msg("\"%s\" read as 0x%x prints \"%s\"", text, g, out);
}

static void test_trace_strings_roundtrip(void **state)
{
	char path[1024], line[512];
	struct tr_gfp_cache *c = tr_gfp_new();
	unsigned nr = 0;
	FILE *f;

	(void)state;
	assert_non_null(c);
	snprintf(path, sizeof(path), "%s/tests/data/gfp-linux-6.1.txt", PZ_SOURCE_DIR);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		check_roundtrip(c, line);
		nr++;
	}
	fclose(f);
	tr_gfp_free(c);
	print_message("%u gfp strings of the 6.1 traces round-trip\n", nr);
	assert_true(nr >= 50);
	assert_int_equal(nr_tool_errors, 0);
}

/* Masks the traces do not show, written out as 6.1 prints them. */
static void test_format_61_cases(void **state)
{
	static const struct {
		pz_gfp_t g;
		const char *text;
	} cases[] = {
		{0, "none"},
		{PZ_GFP_TRANSHUGE_LIGHT | PZ__GFP_DIRECT_RECLAIM, "GFP_TRANSHUGE"},
		{PZ_GFP_KERNEL_ACCOUNT | PZ__GFP_RETRY_MAYFAIL,
		 "GFP_KERNEL_ACCOUNT|__GFP_RETRY_MAYFAIL"},
		{PZ_GFP_USER | PZ__GFP_ACCOUNT, "GFP_USER|__GFP_ACCOUNT"},
		{PZ__GFP_DIRECT_RECLAIM | PZ__GFP_WRITE, "__GFP_WRITE|__GFP_DIRECT_RECLAIM"},
		{PZ__GFP_ZEROTAGS | PZ__GFP_SKIP_KASAN_UNPOISON | PZ__GFP_SKIP_ZERO,
		 "__GFP_ZEROTAGS|__GFP_SKIP_ZERO|__GFP_SKIP_KASAN_UNPOISON"},
		{PZ_GFP_KERNEL | PZ__GFP_COLD, "GFP_KERNEL|__GFP_COLD"},
	};
	struct tr_gfp_cache *c = tr_gfp_new();
	char out[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n =
			pz_gfp_format_profile(PZ_PROFILE_LINUX_6_1, cases[i].g, out, sizeof(out));

		assert_string_equal(out, cases[i].text);
		assert_int_equal(n, strlen(cases[i].text));
		if (!(cases[i].g & PZ__GFP_COLD)) /* 6.1 text has no __GFP_COLD */
			assert_int_equal(tr_gfp_parse(c, out, n), cases[i].g);
	}
	/* the other profiles keep 4.1's text; an unknown profile writes "" */
	pz_gfp_format(PZ_GFP_KERNEL_ACCOUNT, out, sizeof(out));
	{
		char alt[256];

		pz_gfp_format_profile(PZ_PROFILE_LINUX_4_1, PZ_GFP_KERNEL_ACCOUNT, alt,
				      sizeof(alt));
		assert_string_equal(alt, out);
		assert_int_equal(
			pz_gfp_format_profile((enum pz_profile)7, PZ_GFP_KERNEL, alt, sizeof(alt)),
			0);
		assert_string_equal(alt, "");
	}
	/* truncation: snprintf's convention */
	assert_int_equal(pz_gfp_format_profile(PZ_PROFILE_LINUX_6_1, PZ_GFP_KERNEL, out, 4),
			 strlen("GFP_KERNEL"));
	assert_string_equal(out, "GFP");
	tr_gfp_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_strings_roundtrip),
		cmocka_unit_test(test_format_61_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
