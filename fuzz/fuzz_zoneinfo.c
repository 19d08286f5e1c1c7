/*
 * fuzz_zoneinfo.c - libFuzzer target for the /proc/zoneinfo reader of the
 * host layer (pz_host_machine_from_zoneinfo).
 *
 * The input is the text itself. The first byte also picks the nr_cpus
 * argument (0 = count the "cpu:" lines) when it is not printable, so the
 * text seeds stay plain text files. A parsed machine must describe what
 * the text said in a form pz_init accepts: when its metadata is small
 * enough the instance is built, validated and its zones compared with the
 * machine; a refusal by pz_metadata_size or pz_init of a machine the parser
 * accepted is reported as a bug (the parser promises to refuse what the
 * allocator would refuse). With the linux-6.1 profile, which prints every
 * zone of every node (memoryless nodes included), the instance's own
 * zoneinfo must parse back to the same machine.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pagezone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_META ((size_t)2 << 20) /* ~64k page frames: keeps the run fast */

static char last_msg[512];

static void fail(const char *what, long a, long b) __attribute__((noreturn));
static void fail(const char *what, long a, long b)
{
	if (last_msg[0])
		fprintf(stderr, "fuzz_zoneinfo: last library message: %s\n", last_msg);
	fprintf(stderr, "fuzz_zoneinfo: INVARIANT BROKEN: %s (%ld, %ld)\n", what, a, b);
	abort();
}

static void sink(void *ctx, enum pz_log_level level, const char *msg)
{
	(void)ctx;
	(void)level;
	snprintf(last_msg, sizeof(last_msg), "%s", msg);
}

static void check_machine(const struct pz_host_machine *hm)
{
	const struct pz_machine *m = &hm->machine;

	if (m->nr_nodes < 1 || m->nr_nodes > PZ_MAX_NODES || m->nodes != hm->nodes)
		fail("bad node count", (long)m->nr_nodes, 0);
	if (m->nr_cpus < 1 || m->nr_cpus > PZ_MAX_CPUS)
		fail("bad cpu count", (long)m->nr_cpus, 0);
	for (unsigned n = 0; n < m->nr_nodes; n++) {
		const struct pz_node_desc *nd = &m->nodes[n];

		if (nd->nr_zones > PZ_NR_ZONE_TYPES)
			fail("too many zones", (long)n, (long)nd->nr_zones);
		for (unsigned i = 0; i < nd->nr_zones; i++) {
			const struct pz_zone_desc *z = &nd->zones[i];

			if (z->start_pfn >= z->end_pfn)
				fail("empty zone span", (long)n, (long)i);
			for (unsigned k = 0; k < z->nr_present; k++)
				if (z->present[k].start < z->start_pfn ||
				    z->present[k].end > z->end_pfn ||
				    z->present[k].start >= z->present[k].end)
					fail("present range outside the zone", (long)n, (long)i);
		}
	}
}

static bool same_range(const struct pz_range *a, unsigned na, const struct pz_range *b, unsigned nb)
{
	return na == nb && (!na || memcmp(a, b, na * sizeof(*a)) == 0);
}

/* pz_report_zoneinfo of a linux-6.1 instance, parsed back: same nodes, zones,
 * spans, present and reserved ranges. */
static void round_trip(pz_t *pz, const struct pz_host_machine *hm)
{
	size_t len = pz_report_zoneinfo(pz, NULL, 0) + 1;
	char *text = malloc(len);
	struct pz_host_machine *back = NULL;
	unsigned line = 0;

	if (!text)
		fail("out of memory", (long)len, 0);
	pz_report_zoneinfo(pz, text, len);
	if (pz_host_machine_from_zoneinfo(text, len - 1, hm->machine.nr_cpus, &back, &line))
		fail("pagezone's own zoneinfo refused at line", (long)line, 0);
	if (back->machine.nr_nodes != hm->machine.nr_nodes)
		fail("round trip: node count", (long)hm->machine.nr_nodes,
		     (long)back->machine.nr_nodes);
	for (unsigned n = 0; n < hm->machine.nr_nodes; n++) {
		if (back->nodes[n].nr_zones != hm->nodes[n].nr_zones)
			fail("round trip: zone count", (long)n, (long)back->nodes[n].nr_zones);
		for (unsigned i = 0; i < hm->nodes[n].nr_zones; i++) {
			const struct pz_zone_desc *a = &hm->zones[n][i], *b = &back->zones[n][i];

			if (a->type != b->type || a->start_pfn != b->start_pfn ||
			    a->end_pfn != b->end_pfn ||
			    !same_range(a->present, a->nr_present, b->present, b->nr_present) ||
			    !same_range(a->reserved, a->nr_reserved, b->reserved, b->nr_reserved))
				fail("round trip: zone differs", (long)n, (long)i);
		}
	}
	pz_host_machine_free(back);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pz_host_machine *hm = NULL;
	unsigned err_line = 0, nr_cpus = 0;
	struct pz_config cfg;
	struct pz_platform plat;
	size_t meta;
	pz_t *pz;
	void *mem;
	int rc;

	if (size && data[0] < 0x09) /* a control byte: nr_cpus 1..9 */
		nr_cpus = 1u + data[0];
	if (size == 1) { /* the argument checks, once in a while */
		if (pz_host_machine_from_zoneinfo((const char *)data, size, 0, NULL, NULL) !=
			    -PZ_EINVAL ||
		    pz_host_machine_from_zoneinfo(NULL, 1, 0, &hm, NULL) != -PZ_EINVAL || hm ||
		    pz_host_machine_from_zoneinfo((const char *)data, size, PZ_MAX_CPUS + 1, &hm,
						  NULL) != -PZ_EINVAL)
			fail("bad arguments accepted", 0, 0);
	}
	rc = pz_host_machine_from_zoneinfo((const char *)data, size, nr_cpus, &hm, &err_line);
	if (rc) {
		if (hm)
			fail("machine returned on failure", rc, 0);
		if (rc != -PZ_EINVAL && rc != -PZ_ENOMEM)
			fail("unexpected error", rc, 0);
		/* the error line is inside the text or the line just after it */
		if (rc == -PZ_EINVAL && err_line == 0)
			fail("no error line", rc, 0);
		return 0;
	}
	if (!hm)
		fail("success without a machine", 0, 0);
	check_machine(hm);
	if (nr_cpus && hm->machine.nr_cpus != nr_cpus)
		fail("nr_cpus not honoured", (long)nr_cpus, (long)hm->machine.nr_cpus);

	memset(&cfg, 0, sizeof(cfg));
	memset(&plat, 0, sizeof(plat));
	plat.log = sink;
	last_msg[0] = 0;
	cfg.platform = &plat;
	cfg.machine = &hm->machine;
	cfg.profile = size & 1 ? PZ_PROFILE_MODERN : PZ_PROFILE_LINUX_4_1;
	rc = pz_metadata_size(&cfg, &meta);
	if (rc == -PZ_EINVAL) {
		/* The one refusal the parser cannot foresee: more page frames than
		 * the descriptors can index. Anything else is a parser bug. */
		uint64_t lo = UINT64_MAX, hi = 0;

		for (unsigned n = 0; n < hm->machine.nr_nodes; n++)
			for (unsigned i = 0; i < hm->nodes[n].nr_zones; i++) {
				const struct pz_zone_desc *z = &hm->nodes[n].zones[i];

				lo = z->start_pfn < lo ? z->start_pfn : lo;
				hi = z->end_pfn > hi ? z->end_pfn : hi;
			}
		if (hi - lo < 0xfffff000ull)
			fail("pz_metadata_size refused a parsed machine", rc, (long)(hi - lo));
		pz_host_machine_free(hm);
		return 0;
	}
	if (rc)
		fail("pz_metadata_size failed", rc, 0);
	if (meta <= MAX_META) {
		meta = (meta + 63) & ~(size_t)63;
		mem = aligned_alloc(64, meta);
		if (!mem)
			fail("out of memory", (long)meta, 0);
		rc = pz_init(&cfg, mem, meta, &pz);
		if (rc)
			fail("pz_init refused a parsed machine", rc, 0);
		rc = pz_validate(pz);
		if (rc)
			fail("pz_validate after init", rc, 0);
		for (unsigned n = 0; n < hm->machine.nr_nodes; n++)
			for (unsigned i = 0; i < hm->nodes[n].nr_zones; i++) {
				const struct pz_zone_desc *z = &hm->nodes[n].zones[i];
				struct pz_zone_info zi;

				rc = pz_zone_info(pz, (int)n, z->type, &zi);
				if (rc)
					fail("pz_zone_info of a parsed zone", rc, (long)n);
				if (zi.start_pfn != z->start_pfn ||
				    zi.spanned != z->end_pfn - z->start_pfn ||
				    zi.managed > zi.present || zi.present > zi.spanned ||
				    zi.stat[PZ_NR_FREE_PAGES] != (int64_t)zi.managed)
					fail("zone info differs from the machine", (long)n,
					     (long)i);
			}
		if (cfg.profile == PZ_PROFILE_MODERN)
			round_trip(pz, hm);
		if (pz_destroy(pz))
			fail("pz_destroy", 0, 0);
		free(mem);
	}
	pz_host_machine_free(hm);
	return 0;
}
