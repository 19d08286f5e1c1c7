/*
 * latefree.c - the memory a Linux machine frees after it has set its
 * watermarks, read from its boot log, so that a clone of its zoneinfo
 * gets the kernel's numbers and not those of a later recomputation.
 *
 * 6.1 computes the watermarks and per-CPU sizes when khugepaged starts (a
 * subsys initcall) and then, without recomputing them, frees the initrd
 * (rootfs initcall: "Freeing initrd memory: NK") and the unused parts of
 * its image (after the initcalls: "Freeing unused ... memory: NK").
 * "Freeing SMP alternatives memory" comes from start_kernel, before any
 * watermark: it is not counted. dmesg's "RAMDISK: [mem A-B]" line (or the
 * target of "Move RAMDISK from ... to [mem A-B]") places the initrd and
 * iomem's "Kernel code" line places the image; each is put in the zone of
 * the cloned machine whose span holds it.
 *
 * The clone then runs the boot in the kernel's order:
 *   pz_host_late_free_hold     the late pages stay reserved in the machine
 *                              (managed as at khugepaged's start)
 *   pz_host_create + pz_host_sysctls_apply
 *                              watermarks, per-CPU sizes and reserves from
 *                              those managed counts and the sysctls
 *   pz_host_late_free_release  pz_free_reserved_pages gives the pages to
 *                              the zones (nothing recomputed, as in the
 *                              kernel); then lowmem_reserve_ratio is
 *                              written again with its current values, so
 *                              the reserves come from the final managed
 *                              counts, as the recorded machines show
 *                              (their reserves were recomputed after boot
 *                              by a lowmem_reserve_ratio write)
 * The machine stays held (it describes the boot): every instance built
 * from it is released in turn (highalloc builds one per configuration).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pagezone.h"
#include "hostfail.h"

/* What the dmesg pass found. */
struct lf_scan {
	uint64_t initrd_kb, kernel_kb;
	uint64_t ramdisk[2]; /* bytes, inclusive end */
	unsigned ramdisk_line, first_initrd_line, first_unused_line;
};

static int lf_fail(struct pz_host_late_free *out, const char *text, unsigned line, const char *why)
{
	out->err_text = text;
	out->err_line = line;
	snprintf(out->err_msg, sizeof(out->err_msg), "%s", why);
	return -PZ_EINVAL;
}

/* [s, e) contains word. */
static const char *lf_find(const char *s, const char *e, const char *word)
{
	size_t n = strlen(word);

	for (; s + n <= e; s++)
		if (!memcmp(s, word, n))
			return s;
	return NULL;
}

/* A hex number at *p (optional 0x); false when there is none. */
static bool lf_hex(const char **p, const char *e, uint64_t *v)
{
	const char *s = *p;

	if (e - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	*v = 0;
	for (*p = s; *p < e; (*p)++) {
		char c = **p;
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
			     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
						    : 16u;

		if (d == 16)
			break;
		if (*v >> 60)
			return false;
		*v = *v << 4 | d;
	}
	return *p > s;
}

/* "A-B" at p: a range of bytes, B inclusive. */
static bool lf_range(const char *p, const char *e, uint64_t r[2])
{
	return lf_hex(&p, e, &r[0]) && p < e && *p++ == '-' && lf_hex(&p, e, &r[1]) && r[0] <= r[1];
}

/* A RAMDISK line: the last "[mem A-B]" on it. */
static int lf_ramdisk(const char *s, const char *e, unsigned line, struct lf_scan *sc,
		      struct pz_host_late_free *out)
{
	const char *m = NULL, *p;

	for (p = s; (p = lf_find(p, e, "[mem ")) != NULL; p++)
		m = p;
	if (!m)
		return 0; /* e.g. "RAMDISK: incomplete write": no range */
	if (!lf_range(m + 5, e, sc->ramdisk))
		return lf_fail(out, "dmesg", line, "RAMDISK line: [mem START-END] expected");
	sc->ramdisk_line = line;
	return 0;
}

/* "Freeing WHAT memory: NK". */
static int lf_freeing(const char *s, const char *e, unsigned line, struct lf_scan *sc,
		      struct pz_host_late_free *out)
{
	const char *w = lf_find(s, e, "Freeing ") + 8, *m = lf_find(w, e, " memory: ");
	bool initrd = (size_t)(e - w) >= 7 && !memcmp(w, "initrd ", 7);
	bool unused = (size_t)(e - w) >= 7 && !memcmp(w, "unused ", 7);
	uint64_t kb = 0;
	const char *p;

	if (!initrd && !unused)
		return 0; /* SMP alternatives and the like: before the watermarks */
	if (!m)
		return lf_fail(out, "dmesg", line, "\"Freeing ... memory: NK\" expected");
	for (p = m + 9; p < e && *p >= '0' && *p <= '9' && kb < (1ull << 50); p++)
		kb = kb * 10 + (uint64_t)(*p - '0');
	if (p == m + 9 || p == e || *p != 'K' || kb % 4)
		return lf_fail(out, "dmesg", line,
			       "\"Freeing ... memory: NK\" with N a multiple of 4 expected");
	if (initrd) {
		sc->initrd_kb += kb;
		sc->first_initrd_line = sc->first_initrd_line ? sc->first_initrd_line : line;
	} else {
		sc->kernel_kb += kb;
		sc->first_unused_line = sc->first_unused_line ? sc->first_unused_line : line;
	}
	out->nr_lines++;
	return 0;
}

static int lf_scan_dmesg(const char *text, size_t len, struct lf_scan *sc,
			 struct pz_host_late_free *out)
{
	const char *p = text, *end = text + len;
	unsigned line = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
		int rc = 0;

		line++;
		if (memchr(p, '\0', (size_t)(e - p)))
			return lf_fail(out, "dmesg", line, "a NUL byte: not text");
		if (lf_find(p, e, "RAMDISK"))
			rc = lf_ramdisk(p, e, line, sc, out);
		else if (lf_find(p, e, "Freeing "))
			rc = lf_freeing(p, e, line, sc, out);
		if (rc)
			return rc;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* iomem's "Kernel code" range; *line 0 when there is none. */
static int lf_scan_iomem(const char *text, size_t len, uint64_t r[2], unsigned *at,
			 struct pz_host_late_free *out)
{
	const char *p = text, *end = text + len;
	unsigned line = 0;

	*at = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
		const char *k = lf_find(p, e, " : Kernel code");

		line++;
		if (k) {
			while (p < k && (*p == ' ' || *p == '\t'))
				p++;
			if (!lf_range(p, k, r))
				return lf_fail(out, "iomem", line,
					       "START-END : Kernel code expected");
			if (!r[0] && !r[1])
				return lf_fail(out, "iomem", line,
					       "Kernel code at 0-0: iomem was read without root");
			*at = line;
			return 0;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* The zone of m whose span holds byte range r (both ends), as node and
 * type; false when none does. */
static bool lf_zone(const struct pz_host_machine *m, const uint64_t r[2], unsigned *nid, int *type)
{
	unsigned shift = m->machine.page_shift ? m->machine.page_shift : 12;
	uint64_t a = r[0] >> shift, b = r[1] >> shift;

	for (unsigned n = 0; n < m->machine.nr_nodes; n++)
		for (unsigned i = 0; i < m->nodes[n].nr_zones; i++) {
			const struct pz_zone_desc *z = &m->nodes[n].zones[i];

			if (a >= z->start_pfn && b < z->end_pfn) {
				*nid = n;
				*type = (int)z->type;
				return true;
			}
		}
	return false;
}

/* Adds kb to the zone holding r. */
static int lf_place(const struct pz_host_machine *m, const uint64_t r[2], uint64_t kb,
		    const char *text, unsigned line, struct pz_host_late_free *out)
{
	unsigned shift = m->machine.page_shift ? m->machine.page_shift : 12, nid;
	int type;

	if (!lf_zone(m, r, &nid, &type))
		return lf_fail(out, text, line,
			       "this range is not inside one zone of the cloned machine");
	out->pages[nid][type] += kb >> (shift - 10);
	return 0;
}

int pz_host_late_free_parse(const char *dmesg, size_t dmesg_len, const char *iomem,
			    size_t iomem_len, const struct pz_host_machine *m,
			    struct pz_host_late_free *out)
{
	struct lf_scan sc;
	uint64_t code[2] = {0, 0};
	unsigned code_line = 0;
	int rc;

	if (!out)
		return -PZ_EINVAL;
	memset(out, 0, sizeof(*out));
	memset(&sc, 0, sizeof(sc));
	if (!m || (!dmesg && dmesg_len) || (!iomem && iomem_len))
		return lf_fail(out, "arguments", 0, "no machine, or a NULL text with a length");
	rc = lf_scan_dmesg(dmesg ? dmesg : "", dmesg_len, &sc, out);
	if (!rc && iomem)
		rc = lf_scan_iomem(iomem, iomem_len, code, &code_line, out);
	if (rc)
		return rc;
	if (sc.initrd_kb && !sc.ramdisk_line)
		return lf_fail(out, "dmesg", sc.first_initrd_line,
			       "\"Freeing initrd memory\" but no RAMDISK line placing it");
	if (sc.kernel_kb && !code_line)
		return lf_fail(out, iomem ? "iomem" : "dmesg", iomem ? 0 : sc.first_unused_line,
			       "\"Freeing unused ...\" needs iomem's \"Kernel code\" line to "
			       "place the kernel image");
	out->initrd_pages = sc.initrd_kb / 4;
	out->kernel_pages = sc.kernel_kb / 4;
	if (sc.initrd_kb)
		rc = lf_place(m, sc.ramdisk, sc.initrd_kb, "dmesg", sc.ramdisk_line, out);
	if (!rc && sc.kernel_kb)
		rc = lf_place(m, code, sc.kernel_kb, "iomem", code_line, out);
	return rc;
}

/* ---- holding the pages back, then freeing them --------------------------- */

/* The present range a zoneinfo clone puts the reserved pages at the start
 * of: the zone's first present range (or its span). */
static struct pz_range lf_first_present(const struct pz_zone_desc *z)
{
	return z->nr_present ? z->present[0] : (struct pz_range){z->start_pfn, z->end_pfn};
}

/* Index of z's reserved range in m->ranges, or -1 when it has none there. */
static long lf_reserved_index(const struct pz_host_machine *m, const struct pz_zone_desc *z)
{
	if (z->nr_reserved != 1 || !m->ranges || z->reserved < m->ranges ||
	    z->reserved >= m->ranges + m->nr_ranges)
		return -1;
	return (long)(z->reserved - m->ranges);
}

/* Whether n more pages fit after z's reserved range (or at the start of
 * its present memory when it has none), inside present memory and before
 * any CMA range. */
static bool lf_room(const struct pz_host_machine *m, const struct pz_zone_desc *z, uint64_t n)
{
	struct pz_range pr = lf_first_present(z);
	uint64_t end;

	if (z->nr_reserved > 1 || (z->nr_reserved && lf_reserved_index(m, z) < 0) ||
	    (z->nr_reserved && z->reserved[0].start != pr.start))
		return false;
	end = (z->nr_reserved ? z->reserved[0].end : pr.start) + n;
	if (end > pr.end)
		return false;
	for (unsigned i = 0; i < z->nr_cma; i++)
		if (z->cma[i].start < end)
			return false;
	return true;
}

/* Moves m's ranges to an array with `more` free slots at the end. */
static int lf_grow_ranges(struct pz_host_machine *m, size_t more)
{
	struct pz_range *old = m->ranges, *nr;

	nr = pz_host_sys_calloc(m->nr_ranges + more, sizeof(*nr));
	if (!nr)
		return -PZ_ENOMEM;
	if (m->nr_ranges)
		memcpy(nr, old, m->nr_ranges * sizeof(*nr));
	for (unsigned n = 0; n < m->machine.nr_nodes; n++)
		for (unsigned i = 0; i < m->nodes[n].nr_zones; i++) {
			struct pz_zone_desc *z = &m->zones[n][i];

			if (z->present && z->present >= old && z->present < old + m->nr_ranges)
				z->present = nr + (z->present - old);
			if (z->reserved && z->reserved >= old && z->reserved < old + m->nr_ranges)
				z->reserved = nr + (z->reserved - old);
			if (z->cma && z->cma >= old && z->cma < old + m->nr_ranges)
				z->cma = nr + (z->cma - old);
		}
	m->ranges = nr;
	free(old);
	return 0;
}

int pz_host_late_free_hold(struct pz_host_machine *m, const struct pz_host_late_free *lf)
{
	size_t more = 0;

	if (!m || !lf || m->machine.nodes != m->nodes)
		return -PZ_EINVAL;
	for (unsigned n = 0; n < m->machine.nr_nodes; n++)
		for (unsigned i = 0; i < m->nodes[n].nr_zones; i++) {
			const struct pz_zone_desc *z = &m->zones[n][i];
			uint64_t want = lf->pages[n][z->type];

			if (want && !lf_room(m, z, want))
				return -PZ_EINVAL;
			more += want && !z->nr_reserved;
		}
	if (more && lf_grow_ranges(m, more))
		return -PZ_ENOMEM;
	for (unsigned n = 0; n < m->machine.nr_nodes; n++)
		for (unsigned i = 0; i < m->nodes[n].nr_zones; i++) {
			struct pz_zone_desc *z = &m->zones[n][i];
			uint64_t want = lf->pages[n][z->type];

			if (!want)
				continue;
			if (!z->nr_reserved) {
				uint64_t s = lf_first_present(z).start;

				m->ranges[m->nr_ranges] = (struct pz_range){s, s};
				z->reserved = &m->ranges[m->nr_ranges++];
				z->nr_reserved = 1;
			}
			m->ranges[lf_reserved_index(m, z)].end += want;
		}
	return 0;
}

int pz_host_late_free_release(pz_t *pz, const struct pz_host_machine *m,
			      const struct pz_host_late_free *lf)
{
	struct pz_vm_sysctls cur;
	int rc;

	if (!pz || !m || !lf || m->machine.nodes != m->nodes)
		return -PZ_EINVAL;
	for (unsigned n = 0; n < m->machine.nr_nodes; n++)
		for (unsigned i = 0; i < m->nodes[n].nr_zones; i++) {
			const struct pz_zone_desc *z = &m->zones[n][i];
			uint64_t want = lf->pages[n][z->type];
			long r = want ? lf_reserved_index(m, z) : -1;

			if (!want)
				continue;
			if (r < 0 || m->ranges[r].end - m->ranges[r].start < want)
				return -PZ_EINVAL;
			rc = pz_free_reserved_pages(pz, m->ranges[r].end - want, want);
			if (rc)
				return rc;
		}
	/* the reserves as a lowmem_reserve_ratio write after boot leaves them */
	rc = pz_get_vm_sysctls(pz, &cur);
	return rc ? rc
		  : pz_set_lowmem_reserve_ratio(pz, cur.lowmem_reserve_ratio, PZ_NR_ZONE_TYPES - 1);
}
