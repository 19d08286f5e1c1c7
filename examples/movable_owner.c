/*
 * movable_owner.c - an owner of movable pages that lets compaction move
 * them, and keeps its data.
 *
 * The machine has real memory behind its pages (a direct map), so a page
 * has an address and contents. The owner allocates movable pages, writes
 * its record number into each, then frees every other one: free memory is
 * plentiful but cut into single pages, and a 2 MiB (order-9) block cannot
 * be had. It registers a migrate callback: compaction picks an owned page,
 * hands the callback a free target of the same size, and the callback
 * copies the contents and repoints its record. After pz_compact_zone the
 * order-9 block is there and every record still reads its own number.
 *
 * Build against an installed library:
 *   cc movable_owner.c $(pkg-config --cflags --libs pagezone)
 */
#include <pagezone.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE_PFN   4096
#define ZONE_PAGES 8192 /* 32 MiB */
#define PAGE_SIZE  4096

struct owner {
	pz_page_t *page[ZONE_PAGES]; /* record i lives in page[i] (NULL: none) */
	unsigned long moves, refusals;
};

/* The migrate callback: copy, repoint, say OK. */
static enum pz_migrate_result move_page(void *ctx, pz_t *pz, pz_page_t *src, pz_page_t *dst,
					unsigned order, enum pz_migrate_mode mode)
{
	struct owner *o = ctx;
	uintptr_t rec = pz_page_owner(src);

	(void)mode;
	if (!rec || o->page[rec - 1] != src) {
		o->refusals++;
		return PZ_MIGRATE_UNKNOWN; /* not one of ours */
	}
	memcpy(pz_page_address(pz, dst), pz_page_address(pz, src), (size_t)PAGE_SIZE << order);
	pz_page_set_owner(dst, rec);
	o->page[rec - 1] = dst;
	o->moves++;
	return PZ_MIGRATE_OK;
}

static void print_buddyinfo(pz_t *pz, const char *when)
{
	char text[1024];

	pz_report_buddyinfo(pz, text, sizeof(text));
	printf("%s:\n%s", when, text);
}

/* Fills the zone with records, then drops every other one; returns how
 * many were made. */
static unsigned long fill_and_fragment(pz_t *pz, struct owner *o, pz_gfp_t movable)
{
	unsigned long n = 0;

	while (n < ZONE_PAGES && (o->page[n] = pz_alloc_pages(pz, movable, 0))) {
		pz_page_set_owner(o->page[n], n + 1);
		memcpy(pz_page_address(pz, o->page[n]), &n, sizeof(n));
		n++;
	}
	for (unsigned long i = 0; i < n; i += 2) {
		pz_free_pages(pz, o->page[i], 0);
		o->page[i] = NULL;
	}
	pz_drain_all_pages(pz);
	return n;
}

int main(void)
{
	static struct owner o;
	struct pz_zone_desc zone = {
		.type = PZ_ZONE_NORMAL, .start_pfn = BASE_PFN, .end_pfn = BASE_PFN + ZONE_PAGES};
	struct pz_node_desc node = {.zones = &zone, .nr_zones = 1};
	struct pz_machine machine = {.nr_nodes = 1, .nodes = &node, .nr_cpus = 1};
	void *memory = aligned_alloc(PAGE_SIZE, (size_t)ZONE_PAGES * PAGE_SIZE);
	struct pz_config cfg = {.machine = &machine,
				.platform = pz_host_platform(),
				.direct_map = memory,
				.direct_map_pfn = BASE_PFN};
	/* movable, and never waiting: no reclaim, no compaction behind it */
	const pz_gfp_t movable = PZ__GFP_HIGHMEM | PZ__GFP_MOVABLE | PZ__GFP_NOWARN;
	unsigned long n, bad = 0;
	size_t size;
	void *meta;
	pz_t *pz;

	if (!memory || pz_metadata_size(&cfg, &size) != 0)
		return 1;
	meta = aligned_alloc(64, (size + 63) & ~(size_t)63);
	if (!meta || pz_init(&cfg, meta, size, &pz) != 0)
		return 1;

	n = fill_and_fragment(pz, &o, movable);
	print_buddyinfo(pz, "after freeing every other record");

	pz_page_t *huge = pz_alloc_pages(pz, movable, 9);
	printf("order-9 allocation before compaction: %s\n", huge ? "got one" : "none");
	if (huge)
		pz_free_pages(pz, huge, 9);

	pz_set_migrate_handler(pz, move_page, &o);
	pz_compact_zone(pz, 0, PZ_ZONE_NORMAL);
	print_buddyinfo(pz, "after pz_compact_zone");
	huge = pz_alloc_pages(pz, movable, 9);
	printf("order-9 allocation after compaction: %s\n", huge ? "got one" : "none");

	for (unsigned long i = 1; i < n; i += 2) {
		unsigned long v;

		memcpy(&v, pz_page_address(pz, o.page[i]), sizeof(v));
		bad += v != i;
	}
	printf("%lu pages moved, %lu refused; %lu records checked, %lu damaged\n", o.moves,
	       o.refusals, n / 2, bad);

	if (huge)
		pz_free_pages(pz, huge, 9);
	for (unsigned long i = 1; i < n; i += 2)
		pz_free_pages(pz, o.page[i], 0);
	printf("validate: %d violations\n", pz_validate(pz));
	pz_destroy(pz);
	free(meta);
	free(memory);
	return huge && !bad && o.moves ? 0 : 1;
}
