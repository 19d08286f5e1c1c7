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

/* Failures by kind and order class: [{kind, order, attempts, failures}]. */
static struct json_object *json_failures(const struct wl_stats *st)
{
	struct json_object *arr = json_object_new_array();

	for (int k = 0; k < WL_NR_KINDS; k++)
		for (unsigned c = 0; c < WL_NR_ORDER_CLASSES; c++) {
			struct json_object *o;

			if (!st->attempts[k][c])
				continue;
			o = json_object_new_object();
			json_object_object_add(
				o, "kind", json_object_new_string(wl_kind_name((enum wl_kind)k)));
			json_object_object_add(o, "order",
					       json_object_new_string(wl_order_class_name(c)));
			jadd_u64(o, "attempts", st->attempts[k][c]);
			jadd_u64(o, "failures", st->failures[k][c]);
			json_object_array_add(arr, o);
		}
	return arr;
}

/* kswapd, direct reclaim, compaction, OOM and migration counts. */
static struct json_object *json_slowpath(const struct run_result *r)
{
	struct json_object *o = json_object_new_object();

	jadd_u64(o, "kswapd_wakes", r->ev[PZ_VM_KSWAPD_WAKE]);
	jadd_u64(o, "direct_reclaims", r->ev[PZ_VM_ALLOCSTALL]);
	jadd_u64(o, "direct_compactions", r->ev[PZ_VM_COMPACT_STALL]);
	jadd_u64(o, "compaction_successes", r->ev[PZ_VM_COMPACT_SUCCESS]);
	jadd_u64(o, "compaction_failures", r->ev[PZ_VM_COMPACT_FAIL]);
	jadd_u64(o, "oom_calls", r->oom[PZ_OOM_CALLS]);
	jadd_u64(o, "oom_kills", r->ev[PZ_VM_OOM_KILL]);
	if (r->reaper) { /* linux-6.1 only, so 4.x output keeps its keys */
		jadd_u64(o, "oom_reap_queued", r->oom[PZ_OOM_REAP_QUEUED]);
		jadd_u64(o, "oom_reaped", r->oom[PZ_OOM_REAPED]);
		jadd_u64(o, "oom_reap_failed", r->oom[PZ_OOM_REAP_FAILED]);
		jadd_u64(o, "oom_reap_pages", r->oom[PZ_OOM_REAP_PAGES]);
	}
	jadd_u64(o, "shrinker_freed_blocks", r->st->shrinker_freed);
	jadd_u64(o, "pgsteal_kswapd", r->ev[PZ_VM_PGSTEAL_KSWAPD]);
	jadd_u64(o, "pgsteal_direct", r->ev[PZ_VM_PGSTEAL_DIRECT]);
	jadd_u64(o, "migrated", r->st->migrated);
	jadd_u64(o, "migrate_refused", r->st->migrate_refused);
	return o;
}

/* The run's order-9 rate and latency percentiles. */
static void json_rates(struct json_object *j, const struct run_result *r)
{
	struct json_object *h = json_object_new_object(), *lat = json_object_new_object();

	jadd_u64(h, "order", r->huge_order);
	jadd_u64(h, "attempts", r->st->huge_attempts);
	jadd_u64(h, "successes", r->st->huge_successes);
	json_object_object_add(j, "high_order", h);
	json_object_object_add(lat, "unit", json_object_new_string("work units"));
	for (int i = 0; i < RUN_NR_PCT; i++)
		jadd_u64(lat, run_pct_name[i], r->lat[i]);
	json_object_object_add(j, "latency", lat);
}

int json_run_summary(pz_t *pz, const struct run_opts *o, const struct run_result *r, FILE *f)
{
	struct json_object *j = json_object_new_object();
	int rc;

	if (!j)
		return -1;
	json_object_object_add(j, "machine", json_object_new_string(r->machine_source));
	if (r->boot_log[0]) /* the text's "boot log:" line; absent without one */
		json_object_object_add(j, "boot_log", json_object_new_string(r->boot_log));
	json_object_object_add(j, "profile",
			       json_object_new_string(pz_profile_name(o->mo.profile)));
	jadd_u64(j, "nodes", pz_nr_nodes(pz));
	jadd_u64(j, "cpus", pz_nr_cpus(pz));
	jadd_u64(j, "managed_pages", r->managed);
	jadd_u64(j, "steps", o->mo.steps);
	jadd_u64(j, "seed", o->mo.seed);
	jadd_u64(j, "fill_percent", o->mo.fill);
	jadd_u64(j, "live_blocks", r->live_blocks);
	jadd_u64(j, "live_pages", r->live_pages);
	jadd_u64(j, "failed_allocations", r->failed);
	json_object_object_add(j, "grouping", json_object_new_boolean(!o->mo.no_grouping));
	json_object_object_add(j, "compaction", json_object_new_boolean(!o->mo.no_compaction));
	jadd_u64(j, "allocations", r->st->allocs);
	jadd_u64(j, "frees", r->st->frees);
	jadd_u64(j, "process_exits", r->st->process_exits);
	json_object_object_add(j, "failures", json_failures(r->st));
	json_object_object_add(j, "slow_path", json_slowpath(r));
	json_rates(j, r);
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
