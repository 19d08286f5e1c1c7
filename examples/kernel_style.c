/*
 * kernel_style.c - kernel-style code running on pagezone through
 * <pagezone/linux.h>: after one install call, only the kernel's names.
 *
 * main() builds a small machine with real backing memory (the direct map)
 * with the pagezone API, installs it with pz_linux_set_instance(), and from
 * then on the "driver" below uses alloc_pages, __get_free_pages,
 * GFP_KERNEL, page_address, ... exactly as it would inside the kernel.
 *
 * Build against an installed library:
 *   cc kernel_style.c $(pkg-config --cflags --libs pagezone)
 */
#include <pagezone/linux.h>
#include <stdio.h>
#include <string.h>

PZ_LINUX_DEFINE_INSTANCE; /* exactly one .c file of the program */

/* ---- kernel-style code: kernel names only ------------------------------ */

struct ring {
	unsigned long desc; /* 4 pages of descriptors */
	struct page *bounce;
	void *log;
	size_t log_size;
};

static int ring_init(struct ring *r)
{
	r->desc = __get_free_pages(GFP_KERNEL | __GFP_ZERO, 2);
	r->bounce = alloc_pages(GFP_KERNEL | GFP_DMA, 0);
	r->log_size = 3 * PAGE_SIZE;
	r->log = alloc_pages_exact(r->log_size, GFP_KERNEL);
	if (!r->desc || !r->bounce || !r->log)
		return -1;
	memcpy(page_address(r->bounce), "hello from ZONE_DMA", 20);
	return 0;
}

static void ring_exit(struct ring *r)
{
	if (r->log)
		free_pages_exact(r->log, r->log_size);
	if (r->bounce)
		__free_page(r->bounce);
	free_pages(r->desc, 2);
}

static int kernel_style_main(void)
{
	struct ring r = {0};
	struct page *thp;

	if (ring_init(&r)) {
		ring_exit(&r);
		return -1;
	}
	printf("desc ring at pfn %lu (node %d), bounce page at pfn %lu in zone %d: \"%s\"\n",
	       page_to_pfn(virt_to_page((void *)r.desc)), page_to_nid(virt_to_page((void *)r.desc)),
	       page_to_pfn(r.bounce), (int)page_zonenum(r.bounce), (char *)page_address(r.bounce));

	thp = alloc_pages(GFP_TRANSHUGE, 9);
	if (thp) {
		printf("huge page: pfn %lu, compound order %u, count %d\n", page_to_pfn(thp),
		       compound_order(thp), page_count(thp));
		put_page(thp);
	}
	printf("free pages with everything allocated: %lu\n", nr_free_pages());
	ring_exit(&r);
	drain_all_pages(NULL);
	printf("free pages after freeing: %lu\n", nr_free_pages());
	return 0;
}

/* ---- setup: the pagezone API, then the one install call ---------------- */

int main(void)
{
	/* One node: DMA [1, 4096) and 64 MiB of Normal memory. */
	struct pz_zone_desc zones[] = {
		{.type = PZ_ZONE_DMA, .start_pfn = 1, .end_pfn = 4096},
		{.type = PZ_ZONE_NORMAL, .start_pfn = 4096, .end_pfn = 4096 + 16384},
	};
	struct pz_node_desc node = {.zones = zones, .nr_zones = 2};
	struct pz_machine machine = {.nr_nodes = 1, .nodes = &node, .nr_cpus = 1};
	struct pz_host_backing backing;
	struct pz_config cfg = {.machine = &machine, .platform = pz_host_platform()};
	pz_t *pz;
	int rc;

	if (pz_host_backing_create(&machine, 0, &backing) != 0)
		return 1;
	cfg.direct_map = backing.base;
	cfg.direct_map_pfn = backing.base_pfn;
	if (pz_host_create(&cfg, &pz) != 0) {
		pz_host_backing_destroy(&backing);
		return 1;
	}
	pz_linux_set_instance(pz);
	if (pz_linux_check_instance(pz) != 0)
		fprintf(stderr, "PAGE_SIZE or MAX_ORDER differ from the instance's\n");

	rc = kernel_style_main();

	printf("validate: %d violations\n", pz_validate(pz));
	pz_linux_set_instance(NULL);
	pz_host_destroy(pz);
	pz_host_backing_destroy(&backing);
	return rc ? 1 : 0;
}
