/*
 * pressure.h - a machine out of memory for the slow-path tests: one node
 * (DMA, DMA32, Normal; about 16,000 pages), every free page taken and
 * held, released on demand; a wait hook that counts each reason and can
 * run a test's function.
 */
#ifndef PZ_TEST_PRESSURE_H
#define PZ_TEST_PRESSURE_H

#include "testutil.h"

#include <stdatomic.h>

/* Waits seen per enum pz_wait_reason (any thread). */
extern atomic_uint tp_waits[4];
/* Called by the wait hook after counting, when set (no lock is held). */
extern void (*tp_on_wait)(enum pz_wait_reason why);

/* The instance, nr_cpus CPUs, the capturing log sink and the wait hook. */
pz_t *tp_create(enum pz_profile profile, unsigned nr_cpus);
void tp_destroy(pz_t *pz);
/* Takes every free page (order 0, reserves included, per-CPU lists
 * drained) into the held set. Returns how many. */
size_t tp_exhaust(pz_t *pz);
/* Frees up to n held pages (all for n == 0), the first taken first (the
 * Normal zone's). Returns how many. */
size_t tp_release(pz_t *pz, size_t n);
size_t tp_held(void);
/* tp_create, tp_exhaust, the OOM handler fn (NULL: none) and the wait
 * counts reset: the starting point of the slow-path and OOM tests. */
pz_t *tp_setup(enum pz_profile profile, unsigned nr_cpus, pz_oom_fn fn, void *ctx);
void tp_reset_counts(void);

#endif
