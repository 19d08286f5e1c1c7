/*
 * fuzz_spec.c - libFuzzer target for the compact machine spec of
 * `pagezone run --machine SPEC` (machine_from_spec in tools/machine.c,
 * with the number and size readers of tools/opts.c).
 *
 * The input is the spec text (up to its first NUL); a first byte below
 * 0x09 picks the CPU count 1..9 instead. A spec is refused with a message,
 * or gives a machine that the library accepts: 1..PZ_MAX_NODES nodes
 * laid end to end, zones in type order, non-empty, inside their node and
 * not overlapping, and pz_metadata_size accepting it; when its metadata is
 * small the instance is built, validated and its zones compared.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_META ((size_t)2 << 20)

extern unsigned fuzz_tool_messages;
extern char fuzz_tool_last[512];

static void fail(const char *what, long a, long b) __attribute__((noreturn));
static void fail(const char *what, long a, long b)
{
	fprintf(stderr, "fuzz_spec: INVARIANT BROKEN: %s (%ld, %ld); last message: %s\n", what, a,
		b, fuzz_tool_last);
	abort();
}

static void check_layout(const struct pz_machine *m)
{
	uint64_t next = 0;

	if (m->nr_nodes < 1 || m->nr_nodes > PZ_MAX_NODES)
		fail("bad node count", (long)m->nr_nodes, 0);
	for (unsigned n = 0; n < m->nr_nodes; n++) {
		const struct pz_node_desc *nd = &m->nodes[n];

		if (nd->nr_zones < 1 || nd->nr_zones > PZ_NR_ZONE_TYPES)
			fail("bad zone count", (long)n, (long)nd->nr_zones);
		for (unsigned i = 0; i < nd->nr_zones; i++) {
			const struct pz_zone_desc *z = &nd->zones[i];

			if (z->start_pfn != next || z->end_pfn <= z->start_pfn)
				fail("zones not end to end", (long)n, (long)i);
			if (i && z->type <= nd->zones[i - 1].type)
				fail("zones out of type order", (long)n, (long)i);
			if (z->start_pfn % 1024 || z->end_pfn % 1024)
				fail("zone not on a 4 MiB boundary", (long)n, (long)i);
			next = z->end_pfn;
		}
	}
}

static void build(const struct pz_machine *m, unsigned nr_cpus)
{
	struct pz_config cfg;
	size_t meta;
	void *mem;
	pz_t *pz;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = m;
	cfg.profile = nr_cpus & 1 ? PZ_PROFILE_MODERN : PZ_PROFILE_LINUX_4_1;
	rc = pz_metadata_size(&cfg, &meta);
	if (rc) {
		/* the one refusal the spec cannot foresee: more page frames than
		 * the descriptors can index */
		uint64_t top = m->nodes[m->nr_nodes - 1]
				       .zones[m->nodes[m->nr_nodes - 1].nr_zones - 1]
				       .end_pfn;

		if (rc != -PZ_EINVAL || top < 0xfffff000ull)
			fail("pz_metadata_size refused a parsed spec", rc, (long)(top >> 20));
		return;
	}
	if (meta > MAX_META)
		return;
	meta = (meta + 63) & ~(size_t)63;
	mem = aligned_alloc(64, meta);
	rc = mem ? pz_init(&cfg, mem, meta, &pz) : -PZ_ENOMEM;
	if (rc)
		fail("pz_init refused a parsed spec (or out of memory)", rc, (long)meta);
	if (pz_validate(pz))
		fail("pz_validate after init", 0, 0);
	for (unsigned n = 0; n < m->nr_nodes; n++)
		for (unsigned i = 0; i < m->nodes[n].nr_zones; i++) {
			const struct pz_zone_desc *z = &m->nodes[n].zones[i];
			struct pz_zone_info zi;

			if (pz_zone_info(pz, (int)n, z->type, &zi) ||
			    zi.start_pfn != z->start_pfn || zi.spanned != z->end_pfn - z->start_pfn)
				fail("zone info differs from the spec", (long)n, (long)i);
		}
	pz_destroy(pz);
	free(mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tool_machine tm;
	unsigned nr_cpus = 2, before = fuzz_tool_messages;
	char text[512];
	size_t n;

	if (size && data[0] < 0x09) {
		nr_cpus = 1u + data[0];
		data++;
		size--;
	}
	n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
	memcpy(text, data, n);
	text[n] = 0;
	if (machine_from_spec(text, nr_cpus, &tm)) {
		if (fuzz_tool_messages == before)
			fail("spec refused without a message", 0, 0);
		if (tm.spec || tm.host)
			fail("machine returned on failure", 0, 0);
		return 0;
	}
	if (!tm.spec || tm.spec->nr_cpus != nr_cpus)
		fail("accepted without a machine or with other CPUs", 0, 0);
	check_layout(tm.spec);
	build(tm.spec, nr_cpus);
	machine_free(&tm);
	return 0;
}
