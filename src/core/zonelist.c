/*
 * zonelist.c - which zones an allocation may use, in which order.
 *
 * Every node has two zonelists: the fallback list (its own zones, then
 * other nodes' zones in "best node" order) and the THISNODE list (its own
 * zones only). Within a node zones go from the highest type down, so an
 * allocation uses the richest zone it is allowed first and keeps the scarce
 * low zones (DMA, DMA32) for requests that need them. Node order puts all
 * of a node's zones before the next node's; zone order puts every node's
 * Normal zone before any DMA32 zone.
 *
 * The best next node is the nearest by distance, with small penalties for
 * lower-numbered nodes and nodes with CPUs, plus a load term that makes
 * nodes at equal distance take turns as the second choice of different
 * local nodes (find_next_best_node).
 */
#include "internal.h"

struct order_state {
	int node_load[PZ_MAX_NODES];
};

static int next_best_node(struct pz *pz, unsigned local, uint64_t *used, struct order_state *st)
{
	long best_val = -1;
	int best = -1;

	if (!(*used & ((uint64_t)1 << local))) {
		*used |= (uint64_t)1 << local;
		return (int)local;
	}
	for (unsigned n = 0; n < pz->nr_nodes; n++) {
		long val;

		if ((*used & ((uint64_t)1 << n)) || !pz->nodes[n].has_memory)
			continue;
		val = pz->distance[local][n];
		val += n < local;
		val += pz->nodes[n].has_cpus ? 1 : 0;
		val *= (long)pz->nr_nodes * PZ_MAX_NODES;
		val += st->node_load[n];
		if (best < 0 || val < best_val) {
			best_val = val;
			best = (int)n;
		}
	}
	if (best >= 0)
		*used |= (uint64_t)1 << best;
	return best;
}

static unsigned add_node_zones(struct pz *pz, uint16_t *zl, unsigned j, unsigned nid)
{
	for (int t = PZ_NR_ZONE_TYPES - 1; t >= 0; t--) {
		struct pz_zone *z = pz_zone_of(pz, (int)nid, t);

		if (z->populated)
			zl[j++] = z->id;
	}
	return j;
}

static void build_node(struct pz *pz, unsigned local, uint16_t *zl, uint16_t *thisnode,
		       struct order_state *st)
{
	unsigned order[PZ_MAX_NODES], nr = 0, j = 0;
	uint64_t used = 0;
	int load = (int)pz->nr_nodes, node, prev = (int)local;
	bool zone_order = pz->zonelist_order == PZ_ZONELIST_ORDER_ZONE;

	while ((node = next_best_node(pz, local, &used, st)) >= 0) {
		/* Rotate equal-distance nodes between the local nodes. */
		if (pz->distance[local][node] != pz->distance[local][prev])
			st->node_load[node] = load;
		prev = node;
		load--;
		if (zone_order)
			order[nr++] = (unsigned)node;
		else
			j = add_node_zones(pz, zl, j, (unsigned)node);
	}
	for (int t = PZ_NR_ZONE_TYPES - 1; zone_order && t >= 0; t--)
		for (unsigned i = 0; i < nr; i++) {
			struct pz_zone *z = pz_zone_of(pz, (int)order[i], t);

			if (z->populated)
				zl[j++] = z->id;
		}
	zl[j] = PZ_NO_ZONE;
	thisnode[add_node_zones(pz, thisnode, 0, local)] = PZ_NO_ZONE;
}

int pz_build_zonelists(struct pz *pz, uint16_t *storage, size_t per_list)
{
	struct order_state st;

	pz_memzero(&st, sizeof(st));
	for (unsigned n = 0; n < pz->nr_nodes; n++) {
		pz->nodes[n].zonelist[0] = storage + (2 * n) * per_list;
		pz->nodes[n].zonelist[1] = storage + (2 * n + 1) * per_list;
		build_node(pz, n, pz->nodes[n].zonelist[0], pz->nodes[n].zonelist[1], &st);
		for (unsigned i = 0; i < 2; i++)
			for (unsigned t = 0; t < PZ_NR_ZONE_TYPES; t++) {
				unsigned pos = 0;
				struct pz_zone *z = pz_next_zone(pz, pz->nodes[n].zonelist[i], &pos,
								 t, (const pz_nodemask_t *)0);

				pz->nodes[n].first_zone[i][t] = z ? z->id : PZ_NO_ZONE;
			}
	}
	for (unsigned c = 0; c < pz->nr_cpus; c++)
		for (unsigned t = 0; t < PZ_NR_ZONE_TYPES; t++)
			pz->cpu_zone[c][t] = pz->nodes[pz->cpu_node[c]].first_zone[0][t];
	return 0;
}

/* __cpuset_node_allowed: the rules of spec section 2.4, in their order. */
bool pz_cpuset_zone_allowed(struct pz *pz, const struct pz_task *task, struct pz_zone *z,
			    pz_gfp_t gfp)
{
	pz_nodemask_t bit = (pz_nodemask_t)1 << z->nid;
	unsigned f = task->flags;

	if (!atomic_load_explicit(&pz->cpusets_enabled, memory_order_relaxed))
		return true;
	if (f & (PZ_TASK_IN_INTERRUPT | PZ_TASK_IN_SOFTIRQ))
		return true;
	if (pz_mask_load(&task->mems_allowed) & bit)
		return true;
	if (f & PZ_TASK_OOM_VICTIM)
		return true;
	if (gfp & PZ__GFP_HARDWALL)
		return false;
	if (f & PZ_TASK_EXITING)
		return true;
	return (pz_mask_load(&task->mems_hardwall) & bit) != 0;
}

int pz_zonelist(pz_t *pz, int nid, int which, int *out, unsigned max)
{
	const uint16_t *zl;
	unsigned n = 0;

	if (!pz_instance_ok(pz) || which < 0 || which > 1 || (max && !out))
		return -PZ_EINVAL;
	if (nid < 0 || (unsigned)nid >= pz->nr_nodes)
		return -PZ_ENODEV;
	zl = pz->nodes[nid].zonelist[which];
	for (; zl[n] != PZ_NO_ZONE; n++) {
		if (n < max) {
			out[2 * n] = pz->zones[zl[n]].nid;
			out[2 * n + 1] = pz->zones[zl[n]].type;
		}
	}
	return (int)n;
}
