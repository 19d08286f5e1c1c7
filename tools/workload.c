/*
 * workload.c - the bookkeeping of the built-in mixed workload: who owns
 * each block, and the three callbacks through which the allocator reaches
 * the owners (shrinkers, the migrate callback, the OOM handler and, in
 * linux-6.1, the OOM reaper's callback).
 *
 * Every block the workload holds has an entry; the page's owner word is
 * the entry's index + 1, so the migrate callback finds the reference to
 * fix in O(1). An entry sits in one container:
 *   - a pool (random removal): one per process (its user pages, page
 *     tables and huge pages), the slab, and highalloc's attempts;
 *   - a ring (first in, first out): the page cache and the dentry cache,
 *     one per node (the shrinkers free the oldest first, as an LRU), and
 *     the atomic blocks waiting to be freed.
 * The callbacks run inside pz calls made by the step loop
 * (workload_steps.c), never while it is halfway through changing a
 * container: containers and the entry table grow only between pz calls,
 * the callbacks only shrink them.
 */
#include "workload_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned wl_cur_cpu;

void wl_set_cpu(unsigned cpu)
{
	wl_cur_cpu = cpu;
}

static unsigned wl_plat_cpu(void *ctx)
{
	(void)ctx;
	return wl_cur_cpu;
}

/* Errors go to stderr (the first few); the rest is counted only. */
static void wl_plat_log(void *ctx, enum pz_log_level level, const char *msg)
{
	static unsigned printed;

	(void)ctx;
	if (level > PZ_LOG_ERR || printed >= 5)
		return;
	printed++;
	fprintf(stderr, "pagezone: kernel log: %s%s\n", msg,
		printed == 5 ? " (further messages not shown)" : "");
}

const struct pz_platform *wl_platform(void)
{
	static const struct pz_platform plat = {
		.cpu = wl_plat_cpu,
		.log = wl_plat_log,
	};
	return &plat;
}

uint64_t wl_rnd(struct workload *w)
{
	uint64_t x = w->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	w->rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* ---- entries --------------------------------------------------------- */

/* Makes room for one more entry (between pz calls only). */
static int entries_reserve(struct workload *w)
{
	uint32_t cap;
	struct wl_entry *e;
	uint32_t *slots;

	if (w->nr_free_slots || w->nr_entries < w->cap_entries)
		return 0;
	cap = w->cap_entries ? w->cap_entries * 2 : 4096;
	e = realloc(w->entries, (size_t)cap * sizeof(*e));
	if (!e)
		return -1;
	w->entries = e;
	slots = realloc(w->free_slots, (size_t)cap * sizeof(*slots));
	if (!slots)
		return -1;
	w->free_slots = slots;
	w->cap_entries = cap;
	return 0;
}

/* A new entry for page (the caller has reserved room). */
uint32_t wl_entry_new(struct workload *w, pz_page_t *page, unsigned order, enum wl_kind kind)
{
	uint32_t i = w->nr_free_slots ? w->free_slots[--w->nr_free_slots] : w->nr_entries++;
	struct wl_entry *e = &w->entries[i];

	memset(e, 0, sizeof(*e));
	e->page = page;
	e->order = (uint8_t)order;
	e->kind = (uint8_t)kind;
	e->born = (uint32_t)w->stats.steps;
	pz_page_set_owner(page, (uintptr_t)i + 1);
	w->live_blocks++;
	w->live_pages += 1ull << order;
	return i;
}

/* Frees the entry's block and its slot (callbacks included). */
void wl_entry_free(struct workload *w, uint32_t i)
{
	struct wl_entry *e = &w->entries[i];

	pz_free_pages(w->pz, e->page, e->order);
	w->stats.frees++;
	w->live_blocks--;
	w->live_pages -= 1ull << e->order;
	e->page = NULL;
	w->free_slots[w->nr_free_slots++] = i;
}

/* ---- pools and rings ------------------------------------------------- */

int wl_pool_push(struct workload *w, struct wl_pool *p, uint32_t i)
{
	if (p->n == p->cap) {
		uint32_t cap = p->cap ? p->cap * 2 : 256;
		uint32_t *idx = realloc(p->idx, (size_t)cap * sizeof(*idx));

		if (!idx)
			return -1;
		p->idx = idx;
		p->cap = cap;
	}
	w->entries[i].pos = p->n;
	p->idx[p->n++] = i;
	p->pages += 1ull << w->entries[i].order;
	return 0;
}

/* Takes the entry at position pos out of p and frees it. */
void wl_pool_free_at(struct workload *w, struct wl_pool *p, uint32_t pos)
{
	uint32_t i = p->idx[pos], last = p->idx[--p->n];

	p->idx[pos] = last;
	w->entries[last].pos = pos;
	p->pages -= 1ull << w->entries[i].order;
	wl_entry_free(w, i);
}

void wl_pool_free_all(struct workload *w, struct wl_pool *p)
{
	while (p->n)
		wl_pool_free_at(w, p, p->n - 1);
}

int wl_ring_push(struct workload *w, struct wl_ring *r, uint32_t i)
{
	if (r->n == r->cap) {
		uint32_t cap = r->cap ? r->cap * 2 : 1024;
		uint32_t *buf = malloc((size_t)cap * sizeof(*buf));

		if (!buf)
			return -1;
		for (uint32_t k = 0; k < r->n; k++)
			buf[k] = r->buf[(r->head + k) % r->cap];
		free(r->buf);
		r->buf = buf;
		r->head = 0;
		r->cap = cap;
	}
	r->buf[(r->head + r->n++) % r->cap] = i;
	r->pages += 1ull << w->entries[i].order;
	return 0;
}

/* Frees the oldest entry of r. */
void wl_ring_free_head(struct workload *w, struct wl_ring *r)
{
	uint32_t i = r->buf[r->head];

	r->head = (r->head + 1) % r->cap;
	r->n--;
	r->pages -= 1ull << w->entries[i].order;
	wl_entry_free(w, i);
}

/* Registers a new block in container c (a pool or a ring). Returns 0, or
 * -1 with the block freed again (out of bookkeeping memory). */
int wl_keep(struct workload *w, pz_page_t *page, unsigned order, enum wl_kind kind,
	    struct wl_pool *pool, struct wl_ring *ring, uint32_t *out)
{
	uint32_t i;

	if (entries_reserve(w)) {
		pz_free_pages(w->pz, page, order);
		return -1;
	}
	i = wl_entry_new(w, page, order, kind);
	if (pool ? wl_pool_push(w, pool, i) : wl_ring_push(w, ring, i)) {
		wl_entry_free(w, i);
		return -1;
	}
	*out = i;
	return 0;
}

/* ---- the callbacks --------------------------------------------------- */

static unsigned long cache_count(struct pz_shrinker *s, struct pz_shrink_control *sc)
{
	struct wl_cache *c = s->ctx;

	return sc->nid >= 0 && (unsigned)sc->nid < c->w->nr_nodes ? c->ring[sc->nid].n : 0;
}

/* Frees the oldest objects of the node's cache (its LRU tail). */
static unsigned long cache_scan(struct pz_shrinker *s, struct pz_shrink_control *sc)
{
	struct wl_cache *c = s->ctx;
	struct wl_ring *r;
	unsigned long freed = 0;

	if (sc->nid < 0 || (unsigned)sc->nid >= c->w->nr_nodes)
		return 0;
	r = &c->ring[sc->nid];
	while (freed < sc->nr_to_scan && r->n) {
		wl_ring_free_head(c->w, r);
		freed++;
	}
	c->w->stats.shrinker_freed += freed;
	return freed;
}

/* The owner of src moves its reference to dst; pinned blocks refuse. */
static enum pz_migrate_result wl_migrate(void *ctx, pz_t *pz, pz_page_t *src, pz_page_t *dst,
					 unsigned order, enum pz_migrate_mode mode)
{
	struct workload *w = ctx;
	uintptr_t own = pz_page_owner(src);
	struct wl_entry *e;

	(void)pz;
	(void)mode;
	if (!own || own > w->nr_entries || w->entries[own - 1].page != src ||
	    w->entries[own - 1].order != order)
		return PZ_MIGRATE_UNKNOWN;
	e = &w->entries[own - 1];
	if (e->pinned) {
		w->stats.migrate_refused++;
		return PZ_MIGRATE_PINNED;
	}
	e->page = dst;
	pz_page_set_owner(dst, own);
	w->stats.migrated++;
	return PZ_MIGRATE_OK;
}

/* Whether the OOM killer may choose process i: it holds pages, it is not
 * a victim already (pending for the reaper or reaped), and the reaper has
 * not skipped it (req->skip, linux-6.1; oom_evaluate_task's MMF_OOM_SKIP). */
static bool oom_eligible(const struct workload *w, int i, const struct pz_oom_request *req)
{
	const struct wl_proc *pr = &w->proc[i];

	if (!pr->pool.n)
		return false;
	for (unsigned k = 0; pr->victim && k < req->nr_skip; k++)
		if (req->skip[k] == pr->victim)
			return false;
	return !pr->victim;
}

/* A killed process's exit gets as far as its page tables and huge pages
 * at once; its user pages (what the kernel's reaper unmaps) stay until
 * the reap callback or its own exit. */
static void oom_kill_pending(struct workload *w, struct wl_proc *pr, uintptr_t *pending)
{
	for (uint32_t pos = pr->pool.n; pos--;)
		if (w->entries[pr->pool.idx[pos]].kind != WL_ANON)
			wl_pool_free_at(w, &pr->pool, pos);
	pr->victim = ++w->next_victim;
	*pending = pr->victim;
	w->stats.oom_pending++;
}

/* The OOM killer: the process holding the most pages is killed. Without
 * a reaper (linux-4.1, 4.4) it exits at once; with one it is pending. */
static bool wl_oom(void *ctx, pz_t *pz, const struct pz_oom_request *req)
{
	struct workload *w = ctx;
	int victim = -1;

	(void)pz;
	for (int i = 0; i < WL_NPROC; i++)
		if (oom_eligible(w, i, req) &&
		    (victim < 0 || w->proc[i].pool.pages > w->proc[victim].pool.pages))
			victim = i;
	if (victim < 0) {
		w->stats.oom_nothing++;
		return false;
	}
	w->stats.oom_kills++;
	if (w->params.reaper && req->pending) {
		oom_kill_pending(w, &w->proc[victim], req->pending);
		return true;
	}
	wl_pool_free_all(w, &w->proc[victim].pool);
	w->proc[victim].target = 0; /* respawned by the step loop */
	return true;
}

/* The OOM reaper's callback: the victim's remaining pages go; its slot is
 * respawned by the step loop. A victim that exited meanwhile: 0. */
static long wl_reap(void *ctx, pz_t *pz, uintptr_t victim, struct pz_task *task)
{
	struct workload *w = ctx;
	uint64_t before = w->live_pages;

	(void)pz;
	(void)task;
	w->stats.reap_calls++;
	for (int i = 0; i < WL_NPROC; i++) {
		struct wl_proc *pr = &w->proc[i];

		if (pr->victim != victim || !pr->target)
			continue;
		wl_pool_free_all(w, &pr->pool);
		pr->target = 0;
	}
	w->stats.reap_freed += before - w->live_pages;
	return (long)(before - w->live_pages);
}

/* A process exits (step loop, quiesce): a pending victim tells the core. */
void wl_proc_exit(struct workload *w, struct wl_proc *pr)
{
	wl_pool_free_all(w, &pr->pool);
	pr->target = 0;
	if (pr->victim) {
		pz_oom_victim_exited(w->pz, pr->victim);
		pr->victim = 0;
	}
}

/* ---- life cycle ------------------------------------------------------ */

static void cache_setup(struct workload *w, struct wl_cache *c)
{
	pz_shrinker_init(&c->shrinker);
	c->w = w;
	c->shrinker.count_objects = cache_count;
	c->shrinker.scan_objects = cache_scan;
	c->shrinker.ctx = c;
	c->shrinker.flags = PZ_SHRINKER_NUMA_AWARE;
	pz_register_shrinker(w->pz, &c->shrinker);
}

static uint64_t splitmix(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

struct workload *wl_create(pz_t *pz, const struct wl_params *p)
{
	struct workload *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->pz = pz;
	w->params = *p;
	w->rng = splitmix(p->seed) | 1;
	w->nr_nodes = pz_nr_nodes(pz);
	w->managed = managed_pages(pz);
	cache_setup(w, &w->pagecache);
	cache_setup(w, &w->dentry);
	if (p->compaction)
		pz_set_migrate_handler(pz, wl_migrate, w);
	pz_set_oom_handler(pz, wl_oom, w);
	if (p->reaper)
		pz_set_oom_reaper(pz, wl_reap, w);
	return w;
}

void wl_release_attempts(struct workload *w)
{
	wl_pool_free_all(w, &w->attempts);
}

void wl_quiesce(struct workload *w)
{
	for (int i = 0; i < WL_NPROC; i++)
		wl_proc_exit(w, &w->proc[i]);
	while (w->atomic.n)
		wl_ring_free_head(w, &w->atomic);
}

static void cache_teardown(struct workload *w, struct wl_cache *c)
{
	pz_unregister_shrinker(w->pz, &c->shrinker);
	for (unsigned n = 0; n < w->nr_nodes; n++) {
		while (c->ring[n].n)
			wl_ring_free_head(w, &c->ring[n]);
		free(c->ring[n].buf);
	}
}

void wl_destroy(struct workload *w)
{
	if (!w)
		return;
	pz_set_migrate_handler(w->pz, NULL, NULL);
	pz_set_oom_handler(w->pz, NULL, NULL);
	if (w->params.reaper)
		pz_set_oom_reaper(w->pz, NULL, NULL);
	wl_quiesce(w);
	wl_release_attempts(w);
	wl_pool_free_all(w, &w->slab);
	cache_teardown(w, &w->pagecache);
	cache_teardown(w, &w->dentry);
	for (int i = 0; i < WL_NPROC; i++)
		free(w->proc[i].pool.idx);
	free(w->slab.idx);
	free(w->attempts.idx);
	free(w->atomic.buf);
	free(w->entries);
	free(w->free_slots);
	free(w);
}

const struct wl_stats *wl_stats(const struct workload *w)
{
	return &w->stats;
}

uint64_t wl_live_blocks(const struct workload *w)
{
	return w->live_blocks;
}

uint64_t wl_live_pages(const struct workload *w)
{
	return w->live_pages;
}
