/*
 * json_out.c - the JSON forms of the tool's summaries, built with json-c
 * (objects keep their keys in insertion order, so identical runs print
 * identical bytes).
 */
#include "tool.h"

#include <json-c/json.h>

/* Adds key = unsigned 64-bit number. */
static void jadd_u64(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

/* One populated zone: counts, watermarks and the buddyinfo row. */
static struct json_object *json_zone(const struct pz_zone_info *zi, unsigned max_order)
{
	struct json_object *z = json_object_new_object(), *bi = json_object_new_array();

	json_object_object_add(z, "node", json_object_new_int(zi->nid));
	json_object_object_add(z, "zone", json_object_new_string(zi->name));
	jadd_u64(z, "start_pfn", zi->start_pfn);
	jadd_u64(z, "spanned", zi->spanned);
	jadd_u64(z, "present", zi->present);
	jadd_u64(z, "managed", zi->managed);
	jadd_u64(z, "free_pages", (uint64_t)zi->stat[PZ_NR_FREE_PAGES]);
	jadd_u64(z, "min", zi->wmark_min);
	jadd_u64(z, "low", zi->wmark_low);
	jadd_u64(z, "high", zi->wmark_high);
	for (unsigned k = 0; k < max_order; k++)
		json_object_array_add(bi, json_object_new_uint64(zi->nr_free[k]));
	json_object_object_add(z, "buddyinfo", bi);
	return z;
}

/* Every populated zone, node by node, in zone order (buddyinfo's order). */
static struct json_object *json_zones(pz_t *pz)
{
	struct json_object *arr = json_object_new_array();

	for (unsigned n = 0; n < pz_nr_nodes(pz); n++)
		for (int t = 0; t < PZ_NR_ZONE_TYPES; t++) {
			struct pz_zone_info zi;

			if (pz_zone_info(pz, (int)n, (enum pz_zone_type)t, &zi) || !zi.populated)
				continue;
			json_object_array_add(arr, json_zone(&zi, pz_max_order(pz)));
		}
	return arr;
}

int json_run_summary(pz_t *pz, const struct run_opts *o, const struct run_result *r, FILE *f)
{
	struct json_object *j = json_object_new_object();
	int rc;

	if (!j)
		return -1;
	json_object_object_add(j, "machine", json_object_new_string(r->machine_source));
	json_object_object_add(
		j, "profile",
		json_object_new_string(pz_profile_name(o->profile)));
	jadd_u64(j, "nodes", pz_nr_nodes(pz));
	jadd_u64(j, "cpus", pz_nr_cpus(pz));
	jadd_u64(j, "managed_pages", r->managed);
	jadd_u64(j, "steps", o->steps);
	jadd_u64(j, "seed", o->seed);
	jadd_u64(j, "fill_percent", o->fill);
	jadd_u64(j, "live_blocks", r->live_blocks);
	jadd_u64(j, "live_pages", r->live_pages);
	jadd_u64(j, "failed_allocations", r->failed);
	if (o->fail)
		jadd_u64(j, "fault_injected", r->fault_injected);
	json_object_object_add(j, "zones", json_zones(pz));
	json_object_object_add(j, "validate_violations", json_object_new_int(r->violations));
	rc = fprintf(f, "%s\n",
		     json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
							       JSON_C_TO_STRING_NOSLASHESCAPE)) < 0;
	json_object_put(j);
	return rc ? -1 : 0;
}
