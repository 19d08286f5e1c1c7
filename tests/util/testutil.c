#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tu_log tu_log;
struct tu_trace tu_trace;
unsigned tu_cpu;

void tu_machine_init(struct tu_machine *tm, unsigned nr_nodes, unsigned nr_cpus)
{
	memset(tm, 0, sizeof(*tm));
	tm->m.nr_nodes = nr_nodes;
	tm->m.nodes = tm->nodes;
	tm->m.nr_cpus = nr_cpus;
	for (unsigned i = 0; i < nr_nodes; i++)
		tm->nodes[i].zones = tm->zones[i];
}

struct pz_zone_desc *tu_add_zone(struct tu_machine *tm, unsigned nid, enum pz_zone_type type,
				 uint64_t start, uint64_t end)
{
	struct pz_node_desc *n = &tm->nodes[nid];
	struct pz_zone_desc *z = &tm->zones[nid][n->nr_zones++];
	z->type = type;
	z->start_pfn = start;
	z->end_pfn = end;
	return z;
}

static unsigned zslot(struct tu_machine *tm, unsigned nid, struct pz_zone_desc *z)
{
	return (unsigned)(z - tm->zones[nid]);
}

void tu_zone_present(struct tu_machine *tm, unsigned nid, struct pz_zone_desc *z, uint64_t s,
		     uint64_t e)
{
	struct pz_range *r = tm->ranges[nid][zslot(tm, nid, z)][0];
	r[z->nr_present].start = s;
	r[z->nr_present].end = e;
	z->present = r;
	z->nr_present++;
}

void tu_zone_reserved(struct tu_machine *tm, unsigned nid, struct pz_zone_desc *z, uint64_t s,
		      uint64_t e)
{
	struct pz_range *r = tm->ranges[nid][zslot(tm, nid, z)][1];
	r[z->nr_reserved].start = s;
	r[z->nr_reserved].end = e;
	z->reserved = r;
	z->nr_reserved++;
}

void tu_zone_cma(struct tu_machine *tm, unsigned nid, struct pz_zone_desc *z, uint64_t s,
		 uint64_t e)
{
	struct pz_range *r = tm->ranges[nid][zslot(tm, nid, z)][2];
	r[z->nr_cma].start = s;
	r[z->nr_cma].end = e;
	z->cma = r;
	z->nr_cma++;
}

void tu_machine_simple(struct tu_machine *tm, uint64_t dma32_pages, uint64_t normal_pages,
		       unsigned nr_cpus)
{
	tu_machine_init(tm, 1, nr_cpus);
	tu_add_zone(tm, 0, PZ_ZONE_DMA, 1, 4096);
	uint64_t e = 4096 + dma32_pages;
	if (dma32_pages)
		tu_add_zone(tm, 0, PZ_ZONE_DMA32, 4096, e);
	if (normal_pages)
		tu_add_zone(tm, 0, PZ_ZONE_NORMAL, e, e + normal_pages);
}

static void log_sink(void *ctx, enum pz_log_level lvl, const char *msg)
{
	(void)ctx;
	(void)lvl;
	tu_log.count++;
	snprintf(tu_log.last, sizeof(tu_log.last), "%s", msg);
	size_t l = strlen(msg);
	if (tu_log.all_len + l + 2 < sizeof(tu_log.all)) {
		memcpy(tu_log.all + tu_log.all_len, msg, l);
		tu_log.all_len += l;
		tu_log.all[tu_log.all_len++] = '\n';
		tu_log.all[tu_log.all_len] = 0;
	}
	if (getenv("PZ_TEST_VERBOSE"))
		fprintf(stderr, "log: %s\n", msg);
}

void tu_log_reset(void)
{
	memset(&tu_log, 0, sizeof(tu_log));
}

int tu_log_contains(const char *needle)
{
	return strstr(tu_log.all, needle) != NULL;
}

static void trace_sink(void *ctx, const struct pz_trace_event *ev)
{
	(void)ctx;
	tu_trace.count[ev->kind]++;
	tu_trace.last[ev->kind] = *ev;
	if (tu_trace.events && tu_trace.n < tu_trace.cap)
		tu_trace.events[tu_trace.n++] = *ev;
}

void tu_trace_reset(void)
{
	struct pz_trace_event *e = tu_trace.events;
	size_t cap = tu_trace.cap;
	memset(&tu_trace, 0, sizeof(tu_trace));
	tu_trace.events = e;
	tu_trace.cap = cap;
}

static unsigned cpu_hook(void *ctx)
{
	(void)ctx;
	return tu_cpu;
}

struct pz_platform tu_platform(int with_trace)
{
	struct pz_platform p;
	memset(&p, 0, sizeof(p));
	p.cpu = cpu_hook;
	p.log = log_sink;
	if (with_trace)
		p.trace = trace_sink;
	return p;
}

static struct pz_platform tu_default_plat;

pz_t *tu_create(const struct pz_config *cfg)
{
	size_t size = 0;
	if (pz_metadata_size(cfg, &size) != 0)
		return NULL;
	void *mem = aligned_alloc(64, (size + 63) & ~(size_t)63);
	if (!mem)
		return NULL;
	pz_t *pz = NULL;
	if (pz_init(cfg, mem, size, &pz) != 0) {
		free(mem);
		return NULL;
	}
	return pz;
}

pz_t *tu_create_machine(const struct pz_machine *m, enum pz_profile profile)
{
	struct pz_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = m;
	cfg.profile = profile;
	tu_default_plat = tu_platform(0);
	cfg.platform = &tu_default_plat;
	return tu_create(&cfg);
}

struct pz_platform tu_plat;

void tu_config(struct pz_config *cfg, const struct pz_machine *m, enum pz_profile profile,
	       int with_trace)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->machine = m;
	cfg->profile = profile;
	tu_plat = tu_platform(with_trace);
	cfg->platform = &tu_plat;
}

pz_t *tu_create_ok(const struct pz_config *cfg)
{
	pz_t *pz = tu_create(cfg);

	if (!pz)
		fail_msg("tu_create refused the configuration; last log: %s", tu_log.last);
	tu_validate(pz);
	return pz;
}

pz_t *tu_create_default(const struct pz_machine *m, enum pz_profile profile, int with_trace)
{
	struct pz_config cfg;

	tu_config(&cfg, m, profile, with_trace);
	return tu_create_ok(&cfg);
}

void tu_normal_machine(struct tu_machine *tm, uint64_t pages)
{
	tu_machine_init(tm, 1, 1);
	tu_add_zone(tm, 0, PZ_ZONE_NORMAL, 8192, 8192 + pages);
}

void tu_normal_config(struct pz_config *cfg, const struct tu_machine *tm, int with_trace)
{
	tu_config(cfg, &tm->m, PZ_PROFILE_LINUX_4_1, with_trace);
}

pz_t *tu_normal_create(const struct tu_machine *tm)
{
	return tu_create_default(&tm->m, PZ_PROFILE_LINUX_4_1, 0);
}

struct pz_zone_info tu_zinfo(pz_t *pz, int nid, enum pz_zone_type t)
{
	struct pz_zone_info z;

	memset(&z, 0, sizeof(z));
	assert_int_equal(pz_zone_info(pz, nid, t, &z), 0);
	return z;
}

struct pz_errors tu_errors(pz_t *pz)
{
	struct pz_errors e;

	memset(&e, 0xff, sizeof(e));
	pz_errors(pz, &e);
	return e;
}

void tu_validate(pz_t *pz)
{
	int v = pz_validate(pz);

	if (v != 0)
		fail_msg("pz_validate: %d violations; last log: %s", v, tu_log.last);
}

void tu_destroy(pz_t *pz)
{
	if (!pz)
		return;
	pz_destroy(pz);
	free(pz); /* the instance sits at the start of its metadata */
}

uint64_t tu_free_pages(pz_t *pz)
{
	uint64_t sum = 0;
	struct pz_zone_info zi;
	for (unsigned n = 0; n < pz_nr_nodes(pz); n++)
		for (int t = 0; t < PZ_NR_ZONE_TYPES; t++)
			if (pz_zone_info(pz, (int)n, (enum pz_zone_type)t, &zi) == 0)
				sum += (uint64_t)zi.stat[PZ_NR_FREE_PAGES];
	return sum;
}

uint64_t tu_pcp_pages(pz_t *pz)
{
	uint64_t sum = 0;
	struct pz_zone_info zi;
	for (unsigned n = 0; n < pz_nr_nodes(pz); n++)
		for (int t = 0; t < PZ_NR_ZONE_TYPES; t++)
			if (pz_zone_info(pz, (int)n, (enum pz_zone_type)t, &zi) == 0)
				sum += zi.pcp_pages;
	return sum;
}

uint64_t tu_rand(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

unsigned long tu_env_ul(const char *name, unsigned long def)
{
	const char *s = getenv(name);

	if (!s || !*s)
		return def;
	return strtoul(s, NULL, 0);
}

char *tu_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);

	assert_non_null(buf);
	if (!f)
		fail_msg("cannot open %s", path);
	for (size_t r; (r = fread(buf + n, 1, cap - 1 - n, f)) > 0;) {
		n += r;
		if (n == cap - 1) {
			buf = realloc(buf, cap *= 2);
			assert_non_null(buf);
		}
	}
	fclose(f);
	buf[n] = 0;
	return buf;
}
