/*
 * opts.c - option values: decimal numbers, sizes and names, each refused
 * with a message that says what was wrong with the text the user typed.
 *
 * Numbers are plain decimal digits: no sign, no spaces, no base prefix
 * ("010" is ten, not eight), no trailing characters, and within the range
 * the option allows. strtoul would accept all of these silently.
 */
#include "tool.h"

#include <string.h>

/* Digits only, into *out; returns the number of digits read, or -1 when
 * the value does not fit in 64 bits. */
static int dec_digits(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	int n = 0;

	for (; s[n] >= '0' && s[n] <= '9'; n++) {
		unsigned d = (unsigned)(s[n] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return n;
}

int opt_u64(const char *name, const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;
	int n;

	if (!*text) {
		tool_usage_error("%s: empty value; give a decimal number", name);
		return -1;
	}
	if (text[0] == '-' && text[1] >= '0' && text[1] <= '9') {
		tool_usage_error("%s: '%s' is negative; give a number from %llu to %llu", name,
				 text, (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	n = dec_digits(text, &v);
	if (n == 0) {
		tool_usage_error("%s: '%s' is not a decimal number", name, text);
		return -1;
	}
	if (n > 0 && text[n]) {
		tool_usage_error("%s: '%s' has '%s' after the number %.*s", name, text, text + n, n,
				 text);
		return -1;
	}
	if (n < 0 || v < min || v > max) {
		tool_usage_error("%s: %s is out of range (%llu to %llu)", name, text,
				 (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

int opt_unsigned(const char *name, const char *text, unsigned min, unsigned max, unsigned *out)
{
	uint64_t v;

	if (opt_u64(name, text, min, max, &v))
		return -1;
	*out = (unsigned)v;
	return 0;
}

int opt_profile(const char *text, enum pz_profile *out)
{
	if (pz_profile_from_name(text, out) == 0)
		return 0;
	tool_usage_error("--profile: unknown profile '%s' (choose linux-4.1, linux-4.4, "
			 "linux-6.1 or its alias modern)",
			 text);
	return -1;
}

/* The shift of the size unit at s: "" 0, K/M/G/T (any case, optionally
 * followed by "B" or "iB") 10/20/30/40; -1 for anything else. */
static int size_shift(const char *s)
{
	static const char units[] = "KMGT";
	const char *u;

	if (!*s)
		return 0;
	u = strchr(units, s[0] & ~0x20);
	if (!u || !*u) /* ' ' & ~0x20 is NUL, which strchr finds */
		return -1;
	s++;
	if (*s == 'i' || *s == 'I')
		s++;
	if (*s == 'B' || *s == 'b')
		s++;
	return *s ? -1 : 10 * (int)(u - units + 1);
}

int opt_size(const char *name, const char *text, uint64_t *bytes)
{
	uint64_t v;
	int n = dec_digits(text, &v), shift;

	if (n <= 0) {
		tool_usage_error("%s: '%s' does not start with a decimal size", name, text);
		return -1;
	}
	shift = size_shift(text + n);
	if (shift < 0) {
		tool_usage_error("%s: unknown size unit '%s' in '%s' (use K, M, G or T)", name,
				 text + n, text);
		return -1;
	}
	if (v == 0 || v > (UINT64_MAX >> 24) >> shift) {
		tool_usage_error("%s: size '%s' is out of range", name, text);
		return -1;
	}
	*bytes = v << shift;
	return 0;
}
