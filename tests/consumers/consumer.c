/*
 * consumer.c - what a project that embeds pagezone does first: describe a
 * small machine, allocate one page and free it. Exit status 0 only when the
 * allocation succeeded, the free gave the page back (the free page count
 * returns to where it started) and pz_validate finds no violation.
 *
 * Built by the consumer projects beside it (add_subdirectory, FetchContent,
 * find_package) and by scripts/consumers.sh with pkg-config.
 */
#include <pagezone.h>
#include <stdio.h>
#include <stdlib.h>

/* NR_FREE_PAGES of the one zone, or -1 when it cannot be read. */
static long long free_pages(pz_t *pz)
{
	struct pz_zone_info info;

	if (pz_zone_info(pz, 0, PZ_ZONE_NORMAL, &info) != 0)
		return -1;
	return info.stat[PZ_NR_FREE_PAGES];
}

int main(void)
{
	struct pz_zone_desc zones[] = {
		{.type = PZ_ZONE_NORMAL, .start_pfn = 4096, .end_pfn = 4096 + 8192},
	};
	struct pz_node_desc node = {.zones = zones, .nr_zones = 1};
	struct pz_machine machine = {.nr_nodes = 1, .nodes = &node, .nr_cpus = 1};
	struct pz_config cfg = {.machine = &machine, .platform = pz_host_platform()};
	size_t size;
	pz_t *pz;

	if (pz_metadata_size(&cfg, &size) != 0)
		return 1;
	void *meta = aligned_alloc(64, (size + 63) & ~(size_t)63);
	if (!meta || pz_init(&cfg, meta, size, &pz) != 0)
		return 1;
	long long before = free_pages(pz);
	pz_page_t *page = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	if (!page) {
		fprintf(stderr, "consumer: allocation failed\n");
		return 1;
	}
	unsigned long long pfn = (unsigned long long)pz_page_to_pfn(pz, page);
	long long held = free_pages(pz);
	pz_free_pages(pz, page, 0);
	pz_drain_all_pages(pz);
	long long after = free_pages(pz);
	int bad = pz_validate(pz);
	pz_destroy(pz);
	free(meta);
	if (pfn < 4096 || pfn >= 4096 + 8192 || before <= 0 || held >= before || after != before ||
	    bad != 0) {
		fprintf(stderr,
			"consumer: pfn %llu, free pages %lld -> %lld -> %lld, validate %d\n", pfn,
			before, held, after, bad);
		return 1;
	}
	printf("consumer: allocated and freed pfn %llu (%lld free pages)\n", pfn, after);
	return 0;
}
