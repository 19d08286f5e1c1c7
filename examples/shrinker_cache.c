/*
 * shrinker_cache.c - a cache that gives its pages back under pressure.
 *
 * The cache keeps whole pages (think of a page cache or a slab). It fills
 * most of a 64 MiB zone while memory is plentiful, with a shrinker
 * registered: when an allocation finds the zone short, background reclaim
 * (kswapd, run inline here: kswapd_deterministic) and, if that is not
 * enough, direct reclaim ask the shrinker how many objects it has (count)
 * and to free some (scan), and count what really came back as progress.
 * The program prints what the cache was asked and what the allocator saw.
 *
 * Build against an installed library:
 *   cc shrinker_cache.c $(pkg-config --cflags --libs pagezone)
 */
#include <pagezone.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#define ZONE_PAGES 16384 /* 64 MiB of 4 KiB pages */

struct cache {
	struct pz_shrinker shrinker; /* first: the callbacks get its address */
	pz_t *pz;
	pz_page_t *pages[ZONE_PAGES];
	unsigned long n, scans, freed;
};

/* How many pages could go now. */
static unsigned long cache_count(struct pz_shrinker *s, struct pz_shrink_control *sc)
{
	(void)sc;
	return ((struct cache *)s)->n;
}

/* Gives back up to nr_to_scan pages, newest first; returns how many. */
static unsigned long cache_scan(struct pz_shrinker *s, struct pz_shrink_control *sc)
{
	struct cache *c = (struct cache *)s;
	unsigned long done = 0;

	c->scans++;
	for (; done < sc->nr_to_scan && c->n; done++)
		pz_free_pages(c->pz, c->pages[--c->n], 0);
	c->freed += done;
	return done;
}

static long long free_pages(pz_t *pz)
{
	struct pz_zone_info zi;

	return pz_zone_info(pz, 0, PZ_ZONE_NORMAL, &zi) == 0 ? (long long)zi.stat[PZ_NR_FREE_PAGES]
							     : -1;
}

static pz_t *make_instance(void **meta)
{
	static struct pz_zone_desc zone = {
		.type = PZ_ZONE_NORMAL, .start_pfn = 4096, .end_pfn = 4096 + ZONE_PAGES};
	static struct pz_node_desc node = {.zones = &zone, .nr_zones = 1};
	static struct pz_machine machine = {.nr_nodes = 1, .nodes = &node, .nr_cpus = 1};
	struct pz_config cfg = {
		.machine = &machine, .platform = pz_host_platform(), .kswapd_deterministic = 1};
	size_t size;
	pz_t *pz;

	if (pz_metadata_size(&cfg, &size) != 0)
		return NULL;
	*meta = aligned_alloc(64, (size + 63) & ~(size_t)63);
	if (!*meta || pz_init(&cfg, *meta, size, &pz) != 0)
		return NULL;
	return pz;
}

int main(void)
{
	static struct cache c;
	static pz_page_t *user[4096];
	uint64_t ev[PZ_NR_VM_EVENTS];
	unsigned long got = 0;
	bool ok;
	void *meta;

	c.pz = make_instance(&meta);
	if (!c.pz)
		return 1;
	pz_shrinker_init(&c.shrinker);
	c.shrinker.count_objects = cache_count;
	c.shrinker.scan_objects = cache_scan;
	if (pz_register_shrinker(c.pz, &c.shrinker) != 0)
		return 1;
	/* fill the cache while memory is plentiful: no reclaim bits, so these
	 * requests neither wait nor wake kswapd, they just stop at the LOW
	 * watermark */
	while (c.n < ZONE_PAGES && (c.pages[c.n] = pz_alloc_pages(c.pz, PZ__GFP_NOWARN, 0)))
		c.n++;
	printf("cache filled with %lu pages; %lld pages free\n", c.n, free_pages(c.pz));

	/* another user needs 16 MiB: the allocator reclaims from the cache */
	while (got < 4096 && (user[got] = pz_alloc_pages(c.pz, PZ_GFP_KERNEL, 0)))
		got++;
	pz_vm_events(c.pz, ev, PZ_NR_VM_EVENTS);
	printf("user got %lu of 4096 pages\n", got);
	ok = got == 4096 && c.freed > 0;
	printf("cache: %lu scan calls gave back %lu pages, %lu left\n", c.scans, c.freed, c.n);
	printf("allocator: %llu direct reclaims, %llu pages reclaimed directly, %llu by kswapd\n",
	       (unsigned long long)ev[PZ_VM_ALLOCSTALL],
	       (unsigned long long)ev[PZ_VM_PGSTEAL_DIRECT],
	       (unsigned long long)ev[PZ_VM_PGSTEAL_KSWAPD]);

	pz_unregister_shrinker(c.pz, &c.shrinker);
	while (got)
		pz_free_pages(c.pz, user[--got], 0);
	while (c.n)
		pz_free_pages(c.pz, c.pages[--c.n], 0);
	printf("validate: %d violations\n", pz_validate(c.pz));
	pz_destroy(c.pz);
	free(meta);
	return ok ? 0 : 1;
}
