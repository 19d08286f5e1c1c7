/*
 * testutil.h - shared helpers for the cmocka tests: machine builders,
 * instance creation on heap metadata, capturing log and trace sinks.
 * Tests include only <pagezone.h> and this header.
 */
#ifndef PZ_TESTUTIL_H
#define PZ_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pagezone.h>

/* A machine the test can edit before building: up to 8 nodes, zones by type. */
struct tu_machine {
	struct pz_machine m;
	struct pz_node_desc nodes[8];
	struct pz_zone_desc zones[8][PZ_NR_ZONE_TYPES];
	uint8_t distance[64];
	struct pz_range ranges[8][PZ_NR_ZONE_TYPES][3][8]; /* present, reserved, cma */
};

/* Starts a machine with nr_nodes nodes and nr_cpus CPUs, no zones. */
void tu_machine_init(struct tu_machine *tm, unsigned nr_nodes, unsigned nr_cpus);
/* Appends a zone [start, end) of the given type to node nid (whole span present). */
struct pz_zone_desc *tu_add_zone(struct tu_machine *tm, unsigned nid, enum pz_zone_type type,
				 uint64_t start, uint64_t end);
/* Adds a present range / reserved range / cma range to a zone added before. */
void tu_zone_present(struct tu_machine *tm, unsigned nid, struct pz_zone_desc *z, uint64_t s,
		     uint64_t e);
void tu_zone_reserved(struct tu_machine *tm, unsigned nid, struct pz_zone_desc *z, uint64_t s,
		      uint64_t e);
void tu_zone_cma(struct tu_machine *tm, unsigned nid, struct pz_zone_desc *z, uint64_t s,
		 uint64_t e);

/* One node: DMA [1, 4096) + DMA32 [4096, 4096 + dma32_pages) + Normal of normal_pages. */
void tu_machine_simple(struct tu_machine *tm, uint64_t dma32_pages, uint64_t normal_pages,
		       unsigned nr_cpus);

/* Log capture: every message is kept (up to a limit) and counted. */
struct tu_log {
	unsigned count;
	char last[512];
	char all[16384];
	size_t all_len;
};
extern struct tu_log tu_log;
void tu_log_reset(void);
int tu_log_contains(const char *needle);

/* Trace capture. */
struct tu_trace {
	unsigned count[PZ_TRACE_NR_KINDS];
	struct pz_trace_event last[PZ_TRACE_NR_KINDS];
	struct pz_trace_event *events; /* when non-NULL, kept up to cap */
	size_t n, cap;
};
extern struct tu_trace tu_trace;
void tu_trace_reset(void);

/* A platform whose cpu() returns tu_cpu, with the capturing log and (if
 * with_trace) trace sinks. */
extern unsigned tu_cpu;
struct pz_platform tu_platform(int with_trace);

/* Creates an instance on heap metadata (freed by tu_destroy); NULL when
 * pz_metadata_size or pz_init refuses cfg. */
pz_t *tu_create(const struct pz_config *cfg);
/* The platform tu_config points at (the instance keeps a copy). */
extern struct pz_platform tu_plat;
/* cfg zeroed, then machine m, the profile, and &tu_plat set to
 * tu_platform(with_trace). */
void tu_config(struct pz_config *cfg, const struct pz_machine *m, enum pz_profile profile,
	       int with_trace);
/* tu_create that must succeed and leave a valid instance (fails the test
 * otherwise). */
pz_t *tu_create_ok(const struct pz_config *cfg);
/* tu_config then tu_create_ok: machine m, the profile, defaults otherwise. */
pz_t *tu_create_default(const struct pz_machine *m, enum pz_profile profile, int with_trace);
pz_t *tu_create_machine(const struct pz_machine *m, enum pz_profile profile);
void tu_destroy(pz_t *pz);

/* The one-zone machine of the API tests: one node, one CPU, one Normal
 * zone [8192, 8192 + pages); its linux-4.1 config (tu_config) and
 * instance (tu_create_default, no trace). */
void tu_normal_machine(struct tu_machine *tm, uint64_t pages);
void tu_normal_config(struct pz_config *cfg, const struct tu_machine *tm, int with_trace);
pz_t *tu_normal_create(const struct tu_machine *tm);

/* pz_zone_info of (nid, t), which must succeed. */
struct pz_zone_info tu_zinfo(pz_t *pz, int nid, enum pz_zone_type t);
/* pz_errors, every field preset to all ones (so a field left unset shows). */
struct pz_errors tu_errors(pz_t *pz);
/* pz_validate must find nothing; fails with the count and the last log. */
void tu_validate(pz_t *pz);

/* Total free pages over all zones (from pz_zone_info), and pcp pages. */
uint64_t tu_free_pages(pz_t *pz);
uint64_t tu_pcp_pages(pz_t *pz);

/* xorshift64* random numbers for seeded tests. */
uint64_t tu_rand(uint64_t *state);
/* An unsigned environment setting (PZ_TEST_SEED, PZ_TEST_OPS...), or def
 * when unset or empty; strtoul base 0 (0x... works). */
unsigned long tu_env_ul(const char *name, unsigned long def);

/* The whole text of a file, NUL-terminated (free it); fails the test when
 * it cannot be read. */
char *tu_slurp(const char *path);

#endif
