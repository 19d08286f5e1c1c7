/*
 * zoneinfo.c - machine descriptions for the host layer: a parser for the
 * text of Linux's /proc/zoneinfo (the 4.x format and the 4.14+ format that
 * also prints unpopulated zones and per-node stats, which is also what
 * pagezone's linux-6.1 profile prints), a file reader around
 * it, and the built-in default machine.
 *
 * What is read from each "Node N, zone NAME" section: spanned, present,
 * managed and start_pfn (plus the "cpu:" lines of the first pageset when
 * the CPU count is asked for). Everything else is skipped. Each populated
 * zone becomes span [start_pfn, start_pfn + spanned), present memory
 * [start_pfn, start_pfn + present) (zoneinfo does not say where the holes
 * are, so they are put at the end of the span) and, when managed < present,
 * a reserved range of present - managed pages at the start of the present
 * range. Nodes are numbered densely in the order they appear ("Node 0",
 * "Node 2" become nodes 0 and 1); a node whose zones are all unpopulated
 * (a memoryless node) is kept with no zones.
 *
 * Refused with -PZ_EINVAL, *err_line naming
 *   the line itself: text before the first "Node" header, a malformed
 *     header, node numbers going down, more than PZ_MAX_NODES nodes, a
 *     spanned/present/managed/start_pfn/cpu value that is not a decimal
 *     number;
 *   the zone's header line: a section without spanned or present, a
 *     populated one without start_pfn (truncated text), present > spanned,
 *     managed > present, an unknown zone name with present pages, zones of a
 *     node out of type or pfn order, zones of two nodes overlapping;
 *   the line after the last: no populated zone at all (empty text included).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pagezone.h"
#include "hostfail.h"

#define ZI_TYPE_SKIP	(-1) /* "Device": never memory for the allocator */
#define ZI_TYPE_UNKNOWN (-2) /* a name pagezone does not know */

#define ZI_HAVE_SPANNED 0x1u
#define ZI_HAVE_PRESENT 0x2u
#define ZI_HAVE_MANAGED 0x4u
#define ZI_HAVE_START	0x8u

#define ZI_MAX_FILE (256u << 20) /* larger "zoneinfo" files are refused */

/* The section being read. */
struct zi_section {
	unsigned line; /* line of the "Node N, zone NAME" header */
	int type;      /* enum pz_zone_type or ZI_TYPE_* */
	unsigned have; /* ZI_HAVE_* */
	uint64_t start_pfn, spanned, present, managed;
	unsigned cpus; /* "cpu:" lines seen in this section */
};

/* Parser state; the zones go straight into the machine being built. */
struct zi_parser {
	struct pz_host_machine *m;
	unsigned nr_nodes;
	uint64_t last_node_id; /* N of the last "Node N" header */
	bool in_section;
	struct zi_section sec;
	unsigned nr_cpus; /* "cpu:" count of the first section that had any */
	/* per committed zone (same index as m->zones): counts and header line */
	uint64_t present[PZ_MAX_NODES][PZ_NR_ZONE_TYPES];
	uint64_t managed[PZ_MAX_NODES][PZ_NR_ZONE_TYPES];
	unsigned zline[PZ_MAX_NODES][PZ_NR_ZONE_TYPES];
	unsigned line;	   /* current line, 1-based */
	unsigned err_line; /* where the first error was found */
};

/* ---- small text helpers (text is not NUL-terminated) -------------------- */

static bool zi_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static const char *zi_skip_space(const char *p, const char *end)
{
	while (p < end && zi_space(*p))
		p++;
	return p;
}

/* Consumes word if the text at *p starts with it. */
static bool zi_eat(const char **p, const char *end, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(end - *p) < n || memcmp(*p, word, n) != 0)
		return false;
	*p += n;
	return true;
}

/* Parses a decimal number; at least one digit, no overflow. */
static bool zi_number(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;

	if (s >= end || *s < '0' || *s > '9')
		return false;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (x > (UINT64_MAX - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*p = s;
	*v = x;
	return true;
}

/* A number that must be the rest of the line (trailing blanks allowed). */
static bool zi_value(const char *p, const char *end, uint64_t *v)
{
	p = zi_skip_space(p, end);
	if (!zi_number(&p, end, v))
		return false;
	return zi_skip_space(p, end) == end;
}

/* The token at p: [p, returned end) up to a blank. */
static const char *zi_token_end(const char *p, const char *end)
{
	while (p < end && !zi_space(*p))
		p++;
	return p;
}

static bool zi_token_is(const char *s, const char *e, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(e - s) == n && memcmp(s, word, n) == 0;
}

static int zi_zone_type(const char *s, const char *e)
{
	static const char *const names[PZ_NR_ZONE_TYPES] = {
		"DMA", "DMA32", "Normal", "HighMem", "Movable",
	};
	int t;

	for (t = 0; t < PZ_NR_ZONE_TYPES; t++)
		if (zi_token_is(s, e, names[t]))
			return t;
	if (zi_token_is(s, e, "Device"))
		return ZI_TYPE_SKIP;
	return ZI_TYPE_UNKNOWN;
}

/* ---- parser ------------------------------------------------------------- */

static int zi_fail(struct zi_parser *ps, unsigned line)
{
	if (!ps->err_line)
		ps->err_line = line;
	return -PZ_EINVAL;
}

/* Checks a populated zone against the zones of its node committed before. */
static int zi_check_order(struct zi_parser *ps, unsigned nid, const struct zi_section *sec)
{
	const struct pz_node_desc *nd = &ps->m->nodes[nid];
	const struct pz_zone_desc *prev;

	if (!nd->nr_zones)
		return 0;
	prev = &ps->m->zones[nid][nd->nr_zones - 1];
	if ((int)prev->type >= sec->type || prev->end_pfn > sec->start_pfn)
		return zi_fail(ps, sec->line);
	return 0;
}

/* Validates the finished section and, if populated, adds its zone. */
static int zi_commit(struct zi_parser *ps)
{
	struct zi_section *sec = &ps->sec;
	unsigned nid = ps->nr_nodes - 1;
	struct pz_zone_desc *z;
	unsigned i;

	ps->in_section = false;
	if (sec->cpus && !ps->nr_cpus)
		ps->nr_cpus = sec->cpus;
	if (sec->type == ZI_TYPE_SKIP)
		return 0;
	if (!(sec->have & ZI_HAVE_SPANNED) || !(sec->have & ZI_HAVE_PRESENT))
		return zi_fail(ps, sec->line);
	if (!sec->present)
		return 0; /* unpopulated */
	if (!(sec->have & ZI_HAVE_MANAGED))
		sec->managed = sec->present; /* kernels before 3.8 */
	if (sec->type == ZI_TYPE_UNKNOWN || !(sec->have & ZI_HAVE_START) ||
	    sec->present > sec->spanned || sec->managed > sec->present ||
	    sec->start_pfn > UINT64_MAX - sec->spanned ||
	    sec->start_pfn + sec->spanned > (uint64_t)1 << 52)
		return zi_fail(ps, sec->line); /* 4 KiB pages of a 64-bit physical space */
	if (zi_check_order(ps, nid, sec))
		return -PZ_EINVAL;
	i = ps->m->nodes[nid].nr_zones++;
	z = &ps->m->zones[nid][i];
	z->type = (enum pz_zone_type)sec->type;
	z->start_pfn = sec->start_pfn;
	z->end_pfn = sec->start_pfn + sec->spanned;
	ps->present[nid][i] = sec->present;
	ps->managed[nid][i] = sec->managed;
	ps->zline[nid][i] = sec->line;
	return 0;
}

/* "Node N, zone NAME": ends the previous section and starts a new one. */
static int zi_header(struct zi_parser *ps, const char *p, const char *end)
{
	const char *name;
	uint64_t id;

	if (!zi_eat(&p, end, "Node") || (p = zi_skip_space(p, end), !zi_number(&p, end, &id)) ||
	    !zi_eat(&p, end, ","))
		return zi_fail(ps, ps->line);
	p = zi_skip_space(p, end);
	if (!zi_eat(&p, end, "zone"))
		return zi_fail(ps, ps->line);
	name = zi_skip_space(p, end);
	p = zi_token_end(name, end);
	if (p == name || zi_skip_space(p, end) != end)
		return zi_fail(ps, ps->line);
	if (!ps->nr_nodes || id != ps->last_node_id) {
		if ((ps->nr_nodes && id < ps->last_node_id) || ps->nr_nodes == PZ_MAX_NODES)
			return zi_fail(ps, ps->line);
		ps->nr_nodes++;
		ps->last_node_id = id;
	}
	memset(&ps->sec, 0, sizeof(ps->sec));
	ps->sec.line = ps->line;
	ps->sec.type = zi_zone_type(name, p);
	ps->in_section = true;
	/* the first node's zone order: lowmem_reserve_ratio's column order */
	if (ps->nr_nodes == 1 && ps->m->nr_zone_names < PZ_HOST_MAX_ZONE_NAMES)
		ps->m->zone_names[ps->m->nr_zone_names++] = (int8_t)ps->sec.type;
	return 0;
}

/* A "key value" line inside a section; unknown keys are skipped. */
static int zi_field(struct zi_parser *ps, const char *p, const char *end)
{
	static const struct {
		const char *key;
		unsigned have;
	} keys[] = {
		{"spanned", ZI_HAVE_SPANNED},
		{"present", ZI_HAVE_PRESENT},
		{"managed", ZI_HAVE_MANAGED},
		{"start_pfn:", ZI_HAVE_START},
	};
	struct zi_section *sec = &ps->sec;
	const char *key = p, *kend = zi_token_end(p, end);
	uint64_t v, *dst[] = {&sec->spanned, &sec->present, &sec->managed, &sec->start_pfn};
	unsigned i;

	if (zi_token_is(key, kend, "cpu:")) {
		if (!zi_value(kend, end, &v))
			return zi_fail(ps, ps->line);
		sec->cpus++;
		return 0;
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!zi_token_is(key, kend, keys[i].key))
			continue;
		if (!zi_value(kend, end, &v))
			return zi_fail(ps, ps->line);
		*dst[i] = v;
		sec->have |= keys[i].have;
		return 0;
	}
	return 0;
}

static int zi_line(struct zi_parser *ps, const char *s, const char *e)
{
	const char *p = zi_skip_space(s, e);

	if (p == e)
		return 0; /* blank line */
	if (p == s && e - s >= 4 && memcmp(s, "Node", 4) == 0) {
		if (ps->in_section && zi_commit(ps))
			return -PZ_EINVAL;
		return zi_header(ps, s, e);
	}
	if (!ps->in_section)
		return zi_fail(ps, ps->line);
	return zi_field(ps, p, e);
}

/* ---- building the machine --------------------------------------------- */

/* Fills the node table, distances and CPU count of a machine whose zones
 * are in place. */
static void zi_finish_machine(struct pz_host_machine *m, unsigned nr_nodes, unsigned nr_cpus)
{
	unsigned a, b;

	for (a = 0; a < nr_nodes; a++) {
		m->nodes[a].zones = m->zones[a];
		for (b = 0; b < nr_nodes; b++)
			m->distance[a * nr_nodes + b] = a == b ? 10 : 20;
	}
	m->machine.nr_nodes = nr_nodes;
	m->machine.nodes = m->nodes;
	m->machine.distance = m->distance;
	m->machine.nr_cpus = nr_cpus;
	m->machine.cpu_node = NULL;
	m->machine.page_shift = 0;
	m->machine.max_order = 0;
	m->machine.pageblock_order = 0;
}

static bool zi_overlap(const struct pz_zone_desc *a, const struct pz_zone_desc *b)
{
	return a->start_pfn < b->end_pfn && b->start_pfn < a->end_pfn;
}

/* No two populated zones of different nodes may share a pfn (zones of one
 * node were checked for order as they were added). */
static int zi_check_overlap(struct zi_parser *ps)
{
	const struct pz_host_machine *m = ps->m;
	unsigned na, nb, a, b;

	for (nb = 1; nb < ps->nr_nodes; nb++)
		for (b = 0; b < m->nodes[nb].nr_zones; b++)
			for (na = 0; na < nb; na++)
				for (a = 0; a < m->nodes[na].nr_zones; a++)
					if (zi_overlap(&m->zones[na][a], &m->zones[nb][b]))
						return zi_fail(ps, ps->zline[nb][b]);
	return 0;
}

/* Turns the page counts of every zone into present and reserved ranges. */
static int zi_build_ranges(struct zi_parser *ps)
{
	struct pz_host_machine *m = ps->m;
	struct pz_range *r;
	size_t n = 0;
	unsigned nid, i;

	for (nid = 0; nid < ps->nr_nodes; nid++)
		n += 2 * (size_t)m->nodes[nid].nr_zones;
	m->ranges = pz_host_sys_calloc(n ? n : 1, sizeof(*m->ranges));
	if (!m->ranges)
		return -PZ_ENOMEM;
	r = m->ranges;
	for (nid = 0; nid < ps->nr_nodes; nid++) {
		for (i = 0; i < m->nodes[nid].nr_zones; i++) {
			struct pz_zone_desc *z = &m->zones[nid][i];
			uint64_t present = ps->present[nid][i];
			uint64_t reserved = present - ps->managed[nid][i];

			if (present < z->end_pfn - z->start_pfn) {
				*r = (struct pz_range){z->start_pfn, z->start_pfn + present};
				z->present = r++;
				z->nr_present = 1;
			}
			if (reserved) {
				*r = (struct pz_range){z->start_pfn, z->start_pfn + reserved};
				z->reserved = r++;
				z->nr_reserved = 1;
			}
		}
	}
	m->nr_ranges = (size_t)(r - m->ranges);
	return 0;
}

/* Runs the parser over every line, then the checks that need all zones. */
static int zi_parse(struct zi_parser *ps, const char *text, size_t len)
{
	const char *s = text, *end = text + len;
	unsigned nid, nr_zones = 0;

	while (s < end) {
		const char *e = memchr(s, '\n', (size_t)(end - s));

		if (!e)
			e = end;
		ps->line++;
		if (zi_line(ps, s, e))
			return -PZ_EINVAL;
		s = e + 1;
	}
	if (ps->in_section && zi_commit(ps))
		return -PZ_EINVAL;
	for (nid = 0; nid < ps->nr_nodes; nid++)
		nr_zones += ps->m->nodes[nid].nr_zones;
	if (!nr_zones)
		return zi_fail(ps, ps->line + 1); /* "at the end of the text" */
	return zi_check_overlap(ps);
}

static struct pz_host_machine *zi_alloc_machine(const char *source)
{
	struct pz_host_machine *m = pz_host_sys_calloc(1, sizeof(*m));

	if (m)
		snprintf(m->source, sizeof(m->source), "%s", source);
	return m;
}

void pz_host_machine_free(struct pz_host_machine *m)
{
	if (!m)
		return;
	free(m->ranges);
	free(m);
}

int pz_host_machine_from_zoneinfo(const char *text, size_t len, unsigned nr_cpus,
				  struct pz_host_machine **out, unsigned *err_line)
{
	struct zi_parser *ps;
	int err;

	if (err_line)
		*err_line = 0;
	if (!out)
		return -PZ_EINVAL;
	*out = NULL;
	if ((!text && len) || nr_cpus > PZ_MAX_CPUS)
		return -PZ_EINVAL;
	ps = pz_host_sys_calloc(1, sizeof(*ps));
	if (!ps)
		return -PZ_ENOMEM;
	ps->m = zi_alloc_machine("zoneinfo");
	err = ps->m ? zi_parse(ps, text ? text : "", len) : -PZ_ENOMEM;
	if (!err)
		err = zi_build_ranges(ps);
	if (err) {
		if (err_line)
			*err_line = ps->err_line;
		pz_host_machine_free(ps->m);
		free(ps);
		return err;
	}
	if (!nr_cpus)
		nr_cpus = ps->nr_cpus ? ps->nr_cpus : 1;
	if (nr_cpus > PZ_MAX_CPUS)
		nr_cpus = PZ_MAX_CPUS;
	zi_finish_machine(ps->m, ps->nr_nodes, nr_cpus);
	*out = ps->m;
	free(ps);
	return 0;
}

/* ---- reading a file ------------------------------------------------------ */

/* Reads a whole file (proc files report size 0: read until EOF). */
static int zi_read_file(const char *path, char **buf, size_t *len)
{
	size_t cap = 16384, n = 0;
	char *b = NULL, *nb;
	ssize_t r;
	int fd, err = 0;

	fd = pz_host_sys_open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -PZ_ENODEV;
	for (;;) {
		if (!b || n == cap) {
			if (b)
				cap *= 2;
			nb = cap > ZI_MAX_FILE ? NULL : pz_host_sys_realloc(b, cap);
			if (!nb) {
				err = cap > ZI_MAX_FILE ? -PZ_EINVAL : -PZ_ENOMEM;
				break;
			}
			b = nb;
		}
		r = pz_host_sys_read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = r < 0 ? -PZ_ENODEV : 0;
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	if (err) {
		free(b);
		return err;
	}
	*buf = b;
	*len = n;
	return 0;
}

int pz_host_machine_from_file(const char *path, unsigned nr_cpus, struct pz_host_machine **out)
{
	char *text;
	size_t len;
	int err;

	if (!out)
		return -PZ_EINVAL;
	*out = NULL;
	if (!path)
		path = "/proc/zoneinfo";
	err = zi_read_file(path, &text, &len);
	if (err)
		return err;
	err = pz_host_machine_from_zoneinfo(text, len, nr_cpus, out, NULL);
	free(text);
	if (!err) {
		/* keep the end of a long path: the file name says the most */
		size_t n = strlen(path), keep = sizeof((*out)->source) - 1;

		snprintf((*out)->source, sizeof((*out)->source), "%s",
			 n > keep ? path + n - keep : path);
	}
	return err;
}

/* ---- the default machine ------------------------------------------------ */

/*
 * One node of 4 GiB + 64 MiB of span, laid out like a small PC:
 *   DMA     [0x1, 0x1000)         present [0x1, 0xa0) and [0x100, 0x1000):
 *                                 the legacy VGA/BIOS hole below 1 MiB
 *   DMA32   [0x1000, 0x100000)    present [0x1000, 0xbffe0): the PCI hole
 *                                 from just below 3 GiB to 4 GiB
 *   Normal  [0x100000, 0x104000)  all present (64 MiB)
 * About 3 GiB + 64 MiB present, nothing reserved.
 */
static const struct pz_range zi_default_ranges[] = {
	{0x1, 0xa0},
	{0x100, 0x1000},
	{0x1000, 0xbffe0},
};

static unsigned zi_online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > PZ_MAX_CPUS ? PZ_MAX_CPUS : (unsigned)n;
}

int pz_host_machine_default(unsigned nr_cpus, struct pz_host_machine **out)
{
	struct pz_host_machine *m;
	struct pz_zone_desc *z;

	if (!out)
		return -PZ_EINVAL;
	*out = NULL;
	if (nr_cpus > PZ_MAX_CPUS)
		return -PZ_EINVAL;
	m = zi_alloc_machine("default");
	if (!m)
		return -PZ_ENOMEM;
	m->nr_ranges = sizeof(zi_default_ranges) / sizeof(zi_default_ranges[0]);
	m->ranges = pz_host_sys_malloc(sizeof(zi_default_ranges));
	if (!m->ranges) {
		free(m);
		return -PZ_ENOMEM;
	}
	memcpy(m->ranges, zi_default_ranges, sizeof(zi_default_ranges));
	z = m->zones[0];
	z[0] = (struct pz_zone_desc){.type = PZ_ZONE_DMA,
				     .start_pfn = 0x1,
				     .end_pfn = 0x1000,
				     .present = &m->ranges[0],
				     .nr_present = 2};
	z[1] = (struct pz_zone_desc){.type = PZ_ZONE_DMA32,
				     .start_pfn = 0x1000,
				     .end_pfn = 0x100000,
				     .present = &m->ranges[2],
				     .nr_present = 1};
	z[2] = (struct pz_zone_desc){
		.type = PZ_ZONE_NORMAL, .start_pfn = 0x100000, .end_pfn = 0x104000};
	m->nodes[0].nr_zones = 3;
	zi_finish_machine(m, 1, nr_cpus ? nr_cpus : zi_online_cpus());
	*out = m;
	return 0;
}
