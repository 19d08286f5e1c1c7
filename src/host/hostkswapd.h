/*
 * hostkswapd.h - between platform.c (the instance header, the platform
 * hooks) and kswapd.c (the host's kswapd threads). Private to src/host.
 */
#ifndef PZ_HOSTKSWAPD_H
#define PZ_HOSTKSWAPD_H

#include <stdbool.h>
#include "pagezone.h"

struct host_kswapd;

/* The kswapd slot in the header of an instance made by pz_host_create
 * with the host platform (the wake hook's ctx), or NULL. */
struct host_kswapd **pz_host_kswapd_slot(pz_t *pz);
/* The wake_kswapd hook: wakes node nid's thread, if threads run. */
void pz_host_kswapd_wake(struct host_kswapd **slot, int nid);
/* The wake_oom_reaper hook: node 0's thread runs the OOM reaper. */
void pz_host_reaper_wake(struct host_kswapd **slot);
/* The wake_kcompactd hook: node nid's kcompactd timer thread, if it
 * runs, ticks now (a write of compaction_proactiveness). */
void pz_host_kcompactd_wake(struct host_kswapd **slot, int nid);
/* kswapd's nap when the caller is a host kswapd thread: waits up to usecs
 * or until the node is woken. False: not a kswapd thread. */
bool pz_host_kswapd_nap(unsigned usecs);
/* pz_host_destroy: stops the threads and frees the node states. */
void pz_host_kswapd_free(struct host_kswapd **slot);

#endif /* PZ_HOSTKSWAPD_H */
