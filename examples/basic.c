/*
 * basic.c - the smallest useful pagezone program: describe a machine,
 * give the library its metadata memory, allocate and free pages through
 * the public header, and print /proc/buddyinfo as the kernel would.
 *
 * Build against an installed library:  cc basic.c $(pkg-config --cflags --libs pagezone)
 */
#include <pagezone.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	/* One node: 16 MiB DMA (pfn 1..4095) and 256 MiB Normal, no backing memory. */
	struct pz_zone_desc zones[] = {
		{.type = PZ_ZONE_DMA, .start_pfn = 1, .end_pfn = 4096},
		{.type = PZ_ZONE_NORMAL, .start_pfn = 4096, .end_pfn = 4096 + 65536},
	};
	struct pz_node_desc node = {.zones = zones, .nr_zones = 2};
	struct pz_machine machine = {.nr_nodes = 1, .nodes = &node, .nr_cpus = 1};
	struct pz_config cfg = {.machine = &machine, .platform = pz_host_platform()};
	size_t size;
	pz_t *pz;
	char text[4096];

	if (pz_metadata_size(&cfg, &size) != 0)
		return 1;
	void *meta = aligned_alloc(64, (size + 63) & ~(size_t)63);
	if (!meta || pz_init(&cfg, meta, size, &pz) != 0)
		return 1;
	printf("metadata: %zu bytes for %zu pages\n", size, (size_t)65536 + 4095);

	pz_page_t *one = pz_alloc_pages(pz, PZ_GFP_KERNEL, 0);
	pz_page_t *huge = pz_alloc_pages(pz, PZ_GFP_HIGHUSER_MOVABLE | PZ__GFP_COMP, 9);
	pz_page_t *dma = pz_alloc_pages(pz, PZ_GFP_KERNEL | PZ_GFP_DMA, 2);
	if (!one || !huge || !dma)
		return 1;
	printf("order-0 page at pfn %llu, order-9 at pfn %llu, DMA order-2 at pfn %llu (zone %s)\n",
	       (unsigned long long)pz_page_to_pfn(pz, one),
	       (unsigned long long)pz_page_to_pfn(pz, huge),
	       (unsigned long long)pz_page_to_pfn(pz, dma),
	       pz_zone_type_name((enum pz_zone_type)pz_page_zonenum(pz, dma)));
	pz_report_buddyinfo(pz, text, sizeof(text));
	fputs(text, stdout);

	pz_free_pages(pz, one, 0);
	pz_free_pages(pz, huge, 9);
	pz_free_pages(pz, dma, 2);
	pz_drain_all_pages(pz);
	pz_report_buddyinfo(pz, text, sizeof(text));
	fputs(text, stdout);
	printf("validate: %d violations\n", pz_validate(pz));
	pz_destroy(pz);
	free(meta);
	return 0;
}
