/*
 * sysctl.c - a machine's vm sysctls, for cloning its tunables along with
 * its zones: a parser for "name: value" and "vm.name = value" text, a
 * reader of /proc/sys/vm, and the step that writes them into an instance
 * through the public setters (which recompute, as the kernel's handlers
 * do, everything that depends on them).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pagezone.h"

static const char *const sc_names[] = {
	[PZ_HOST_MIN_FREE_KBYTES] = "min_free_kbytes",
	[PZ_HOST_WATERMARK_SCALE_FACTOR] = "watermark_scale_factor",
	[PZ_HOST_WATERMARK_BOOST_FACTOR] = "watermark_boost_factor",
	[PZ_HOST_PERCPU_PAGELIST_FRACTION] = "percpu_pagelist_high_fraction",
	[PZ_HOST_LOWMEM_RESERVE_RATIO] = "lowmem_reserve_ratio",
	[PZ_HOST_COMPACTION_PROACTIVENESS] = "compaction_proactiveness",
};

static bool sc_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The sysctl a name [s, e) stands for, or -1. */
static int sc_lookup(const char *s, const char *e)
{
	size_t n = (size_t)(e - s);

	if (n > 3 && !memcmp(s, "vm.", 3))
		s += 3, n -= 3;
	if (n == strlen("percpu_pagelist_fraction") && !memcmp(s, "percpu_pagelist_fraction", n))
		return PZ_HOST_PERCPU_PAGELIST_FRACTION;
	for (int i = 0; i < PZ_HOST_NR_SYSCTLS; i++)
		if (n == strlen(sc_names[i]) && !memcmp(s, sc_names[i], n))
			return i;
	return -1;
}

/* Whitespace-separated decimal numbers below 2^31 in [p, e): up to max of
 * them, at least one. Returns the count, or -1. */
static int sc_numbers(const char *p, const char *e, unsigned *v, unsigned max)
{
	unsigned n = 0;

	for (;;) {
		uint64_t x = 0;
		const char *d;

		while (p < e && sc_space(*p))
			p++;
		if (p == e)
			return n ? (int)n : -1;
		for (d = p; p < e && *p >= '0' && *p <= '9'; p++)
			if ((x = x * 10 + (unsigned)(*p - '0')) > 0x7fffffffu)
				return -1;
		if (p == d || n == max || (p < e && !sc_space(*p)))
			return -1;
		v[n++] = (unsigned)x;
	}
}

/* One line [s, e). Returns 0 or -1 (a known name with a bad value). */
static int sc_line(const char *s, const char *e, unsigned line, struct pz_host_sysctls *out)
{
	const char *sep, *name_end;
	int id, n;

	while (s < e && sc_space(*s))
		s++;
	if (s == e || *s == '#')
		return 0;
	for (sep = s; sep < e && *sep != ':' && *sep != '='; sep++)
		;
	if (sep == e)
		return 0; /* neither form: not a sysctl line */
	for (name_end = sep; name_end > s && sc_space(name_end[-1]); name_end--)
		;
	id = sc_lookup(s, name_end);
	if (id < 0)
		return 0;
	if (id == PZ_HOST_LOWMEM_RESERVE_RATIO) {
		n = sc_numbers(sep + 1, e, out->ratio, PZ_HOST_MAX_ZONE_NAMES);
		out->nr_ratio = n > 0 ? (unsigned)n : 0;
	} else {
		n = sc_numbers(sep + 1, e, &out->value[id], 1);
	}
	if (n < 0)
		return -1;
	out->line[id] = line;
	return 0;
}

int pz_host_sysctls_parse(const char *text, size_t len, struct pz_host_sysctls *out,
			  unsigned *err_line)
{
	const char *p = text, *end = text + len;
	unsigned line = 0;

	if (err_line)
		*err_line = 0;
	if (!out || (!text && len))
		return -PZ_EINVAL;
	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;

		line++;
		if (memchr(p, '\0', (size_t)(e - p)) || sc_line(p, e, line, out)) {
			if (err_line)
				*err_line = line;
			return -PZ_EINVAL;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* One /proc/sys/vm file as a "name: value" line appended to buf. */
static void sc_read_one(const char *dir, const char *name, char *buf, size_t cap)
{
	char path[512], val[256];
	size_t used = strlen(buf), n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return;
	n = fread(val, 1, sizeof(val) - 1, f);
	fclose(f);
	val[n] = '\0';
	val[strcspn(val, "\n")] = '\0';
	if (n && used < cap)
		snprintf(buf + used, cap - used, "%s: %s\n", name, val);
}

int pz_host_sysctls_read_dir(const char *dir, struct pz_host_sysctls *out)
{
	char buf[2048] = "";
	int rc;

	if (!out)
		return -PZ_EINVAL;
	dir = dir ? dir : "/proc/sys/vm";
	for (int i = 0; i < PZ_HOST_NR_SYSCTLS; i++)
		sc_read_one(dir, sc_names[i], buf, sizeof(buf));
	if (!strstr(buf, "percpu_pagelist_high_fraction"))
		sc_read_one(dir, "percpu_pagelist_fraction", buf, sizeof(buf));
	rc = pz_host_sysctls_parse(buf, strlen(buf), out, NULL);
	if (rc)
		return rc;
	for (int i = 0; i < PZ_HOST_NR_SYSCTLS; i++)
		if (out->line[i])
			return 0;
	return -PZ_ENODEV;
}

/* lowmem_reserve_ratio's columns by zone type, through m's zone order. */
static int sc_apply_ratio(pz_t *pz, const struct pz_host_sysctls *s,
			  const struct pz_host_machine *m)
{
	unsigned ratio[PZ_NR_ZONE_TYPES];
	struct pz_vm_sysctls cur;

	if (!m || m->nr_zone_names != s->nr_ratio || pz_get_vm_sysctls(pz, &cur))
		return -PZ_EINVAL;
	for (unsigned t = 0; t < PZ_NR_ZONE_TYPES; t++)
		ratio[t] = t < PZ_NR_ZONE_TYPES - 1 ? cur.lowmem_reserve_ratio[t] : 0;
	for (unsigned i = 0; i < s->nr_ratio; i++) {
		int t = m->zone_names[i];

		if (t == -2)
			return -PZ_EINVAL;
		if (t >= 0)
			ratio[t] = s->ratio[i];
	}
	return pz_set_lowmem_reserve_ratio(pz, ratio, PZ_NR_ZONE_TYPES);
}

static int sc_apply_one(pz_t *pz, const struct pz_host_sysctls *s, const struct pz_host_machine *m,
			int id)
{
	switch (id) {
	case PZ_HOST_MIN_FREE_KBYTES:
		return pz_set_min_free_kbytes(pz, s->value[id]);
	case PZ_HOST_WATERMARK_SCALE_FACTOR:
		return pz_set_watermark_scale_factor(pz, s->value[id]);
	case PZ_HOST_WATERMARK_BOOST_FACTOR:
		return pz_set_watermark_boost_factor(pz, s->value[id]);
	case PZ_HOST_PERCPU_PAGELIST_FRACTION:
		return pz_set_percpu_pagelist_fraction(pz, s->value[id]);
	case PZ_HOST_COMPACTION_PROACTIVENESS:
		return pz_set_compaction_proactiveness(pz, s->value[id]);
	default:
		return sc_apply_ratio(pz, s, m);
	}
}

int pz_host_sysctls_apply(pz_t *pz, const struct pz_host_sysctls *s,
			  const struct pz_host_machine *m, enum pz_host_sysctl *bad)
{
	/* min_free_kbytes last: a user value, as a write after boot is */
	static const int order[] = {
		PZ_HOST_LOWMEM_RESERVE_RATIO,	PZ_HOST_WATERMARK_SCALE_FACTOR,
		PZ_HOST_WATERMARK_BOOST_FACTOR, PZ_HOST_PERCPU_PAGELIST_FRACTION,
		PZ_HOST_MIN_FREE_KBYTES,	PZ_HOST_COMPACTION_PROACTIVENESS,
	};

	if (!pz || !s)
		return -PZ_EINVAL;
	for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int rc = s->line[order[i]] ? sc_apply_one(pz, s, m, order[i]) : 0;

		if (rc) {
			if (bad)
				*bad = (enum pz_host_sysctl)order[i];
			return rc;
		}
	}
	return 0;
}
