/*
 * replay_lsreport.c - the lockstep part of a replay's report: agreement
 * rates per event kind and per phase, per-CPU drain sizes, and every pfn
 * disagreement by category (what pagezone would have done x where the
 * kernel's block was here), as text and as JSON.
 */
#include "replay.h"

#include <json-c/json.h>

static double rp_pct(uint64_t a, uint64_t n)
{
	return n ? 100.0 * (double)a / (double)n : 0.0;
}

static void rp_text_agree(const char *name, const struct rp_agree *a, FILE *out)
{
	fprintf(out, "  %-40s %9llu %7.2f %7.2f %7.2f %9llu/%-9llu\n", name,
		(unsigned long long)a->n, rp_pct(a->zone, a->n), rp_pct(a->mt, a->n),
		rp_pct(a->pfn, a->n), (unsigned long long)a->refill_same,
		(unsigned long long)a->refill_cases);
}

static void rp_text_cats(const struct rp_lockstep *ls, FILE *out)
{
	fprintf(out, "\npfn disagreements by category (pagezone would take / the kernel's block "
		     "was, here):\n");
	for (unsigned s = 0; s < RP_NR_SRC; s++)
		for (unsigned w = 0; w < RP_NR_WHERE; w++)
			if (ls->cat[s][w])
				fprintf(out, "  %-34s / %-22s %9llu\n", rp_src_name(s),
					rp_where_name(w), (unsigned long long)ls->cat[s][w]);
}

static void rp_text_causes(const struct rp_lockstep *ls, FILE *out)
{
	fprintf(out, "per-CPU disagreements by cause (order 0 / orders 1-3 / vmap_page):\n");
	for (unsigned i = 0; i < RP_NR_CAUSES; i++) {
		const uint64_t *n = ls->cause[i];

		if (n[0] || n[1] || n[4])
			fprintf(out, "  %-74s %6llu %6llu %6llu\n", rp_cause_name(i),
				(unsigned long long)n[0], (unsigned long long)n[1],
				(unsigned long long)n[4]);
	}
}

void rp_text_lockstep(const struct replay *rp, FILE *out)
{
	const struct rp_lockstep *ls = rp->ls;

	fprintf(out,
		"\nlockstep agreement (%% of allocations; refill: same size / either side "
		"refilled):\n  %-40s %9s %7s %7s %7s %19s\n",
		"event kind", "scored", "zone", "blockmt", "pfn", "pcp refill");
	for (unsigned r = 0; r < RP_NR_ROWS; r++)
		if (ls->row[r].n)
			rp_text_agree(rp_row_name(r), &ls->row[r], out);
	fprintf(out, "by phase:\n");
	for (unsigned i = 0; i < rp->nr_phases; i++)
		if (ls->phase[i].n)
			rp_text_agree(rp->phases[i].name, &ls->phase[i], out);
	fprintf(out,
		"per-CPU drains after a free: %llu with a drain on either side, %llu of the same "
		"size (%llu only here, %llu only in the kernel); %llu kernel drains with no free "
		"before them on their CPU (vmstat's remote drain, drain_all_pages)\n",
		(unsigned long long)ls->drain_cases, (unsigned long long)ls->drain_same,
		(unsigned long long)ls->drain_here_only, (unsigned long long)ls->drain_kernel_only,
		(unsigned long long)ls->drain_unattached);
	fprintf(out,
		"per-CPU model: %llu commits at their mm_page_free_batched, free_factor taken "
		"from %llu kernel drains; blocks held as taken: %llu behind a drain's first block, "
		"%llu before the kernel's block at a list head, %llu as vmalloc pages past the 32 "
		"vmap_pages records (%llu given back: the list ran out first);",
		(unsigned long long)ls->commits_batched, (unsigned long long)ls->ff_resynced,
		(unsigned long long)ls->tail_stale, (unsigned long long)ls->head_stale,
		(unsigned long long)ls->vmap_unrecorded, (unsigned long long)ls->vmap_returned);
	fprintf(out,
		" sizes: boot_pageset from allocation %llu, setup_per_cpu_pageset's from %llu,",
		(unsigned long long)ls->stage_at[0], (unsigned long long)ls->stage_at[1]);
	fprintf(out, " the recorded ones from %llu (stage %d);",
		(unsigned long long)ls->stage_at[2], ls->stage);
	fprintf(out,
		" kswapd's cap on high (ZONE_RECLAIM_ACTIVE) seen in the drains %llu times, "
		"gone %llu times\n",
		(unsigned long long)ls->ra_set, (unsigned long long)ls->ra_cleared);
	fprintf(out,
		"forcing: %llu kernel blocks not free here; per-CPU refills followed %llu (%llu "
		"blocks not free here), drains followed %llu (%llu blocks on no per-CPU list "
		"here), stale blocks on lists the kernel refilled: %llu held as bulk-allocated "
		"(%llu of them freed again by a later kernel event), %llu dropped to the buddy "
		"lists; %llu pageblocks "
		"relabelled from the trace; %llu kernel failures (pagezone would have succeeded "
		"in %llu); %llu kernel fallbacks from below a pageblock (%llu watermark boosts "
		"raised)\n",
		(unsigned long long)ls->forced_busy, (unsigned long long)ls->refill_moved,
		(unsigned long long)ls->refill_missing, (unsigned long long)ls->drain_moved,
		(unsigned long long)ls->drain_missing, (unsigned long long)ls->stale_held,
		(unsigned long long)ls->stale_released, (unsigned long long)ls->stale_dropped,
		(unsigned long long)ls->relabelled, (unsigned long long)ls->kernel_failed,
		(unsigned long long)ls->kernel_failed_probe_ok,
		(unsigned long long)ls->boost_fallbacks, (unsigned long long)ls->boosted);
	rp_text_cats(ls, out);
	rp_text_causes(ls, out);
}

static void jset(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

static struct json_object *rp_json_agree(const char *key, const char *name,
					 const struct rp_agree *a)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, key, json_object_new_string(name));
	jset(o, "scored", a->n);
	jset(o, "same_zone", a->zone);
	jset(o, "same_block_migratetype", a->mt);
	jset(o, "same_pfn", a->pfn);
	jset(o, "refill_cases", a->refill_cases);
	jset(o, "refill_same_size", a->refill_same);
	json_object_object_add(o, "pfn_agreement", json_object_new_double(rp_pct(a->pfn, a->n)));
	return o;
}

static struct json_object *rp_json_cats(const struct rp_lockstep *ls)
{
	struct json_object *a = json_object_new_array();

	for (unsigned s = 0; s < RP_NR_SRC; s++)
		for (unsigned w = 0; w < RP_NR_WHERE; w++) {
			struct json_object *o;

			if (!ls->cat[s][w])
				continue;
			o = json_object_new_object();
			json_object_object_add(o, "pagezone",
					       json_object_new_string(rp_src_name(s)));
			json_object_object_add(o, "kernel_block_here",
					       json_object_new_string(rp_where_name(w)));
			jset(o, "count", ls->cat[s][w]);
			json_object_array_add(a, o);
		}
	return a;
}

static struct json_object *rp_json_causes(const struct rp_lockstep *ls)
{
	struct json_object *a = json_object_new_array();

	for (unsigned i = 0; i < RP_NR_CAUSES; i++)
		for (unsigned r = 0; r < RP_NR_ROWS; r++) {
			struct json_object *o;

			if (!ls->cause[i][r])
				continue;
			o = json_object_new_object();
			json_object_object_add(o, "cause",
					       json_object_new_string(rp_cause_name(i)));
			json_object_object_add(o, "kind", json_object_new_string(rp_row_name(r)));
			jset(o, "count", ls->cause[i][r]);
			json_object_array_add(a, o);
		}
	return a;
}

struct json_object *rp_json_lockstep(const struct replay *rp)
{
	const struct rp_lockstep *ls = rp->ls;
	struct json_object *j = json_object_new_object(), *k = json_object_new_array();
	struct json_object *p = json_object_new_array();

	for (unsigned r = 0; r < RP_NR_ROWS; r++)
		json_object_array_add(k, rp_json_agree("kind", rp_row_name(r), &ls->row[r]));
	for (unsigned i = 0; i < rp->nr_phases; i++)
		json_object_array_add(p, rp_json_agree("phase", rp->phases[i].name, &ls->phase[i]));
	json_object_object_add(j, "kinds", k);
	json_object_object_add(j, "phases", p);
	jset(j, "drain_cases", ls->drain_cases);
	jset(j, "drain_same_size", ls->drain_same);
	jset(j, "drain_only_here", ls->drain_here_only);
	jset(j, "drain_only_kernel", ls->drain_kernel_only);
	jset(j, "kernel_drains_without_free", ls->drain_unattached);
	jset(j, "kernel_block_not_free_here", ls->forced_busy);
	jset(j, "refill_blocks_followed", ls->refill_moved);
	jset(j, "refill_blocks_not_free_here", ls->refill_missing);
	jset(j, "drain_blocks_followed", ls->drain_moved);
	jset(j, "drain_blocks_not_on_a_pcp_here", ls->drain_missing);
	jset(j, "stale_pcp_blocks_dropped", ls->stale_dropped);
	jset(j, "stale_pcp_blocks_held", ls->stale_held);
	jset(j, "stale_pcp_blocks_released", ls->stale_released);
	jset(j, "kernel_boosting_fallbacks", ls->boost_fallbacks);
	jset(j, "watermark_boosts_raised", ls->boosted);
	jset(j, "pageblocks_relabelled", ls->relabelled);
	jset(j, "commits_at_free_batched", ls->commits_batched);
	jset(j, "free_factor_followed", ls->ff_resynced);
	jset(j, "blocks_behind_drain_tail", ls->tail_stale);
	jset(j, "blocks_before_kernel_head", ls->head_stale);
	jset(j, "reclaim_active_seen", ls->ra_set);
	jset(j, "reclaim_active_gone", ls->ra_cleared);
	jset(j, "vmalloc_pages_unrecorded_held", ls->vmap_unrecorded);
	jset(j, "vmalloc_pages_given_back", ls->vmap_returned);
	json_object_object_add(j, "pcp_stage", json_object_new_int(ls->stage));
	jset(j, "pcp_stage_boot_from", ls->stage_at[0]);
	jset(j, "pcp_stage_setup_from", ls->stage_at[1]);
	jset(j, "pcp_stage_recorded_from", ls->stage_at[2]);
	jset(j, "kernel_failed", ls->kernel_failed);
	jset(j, "kernel_failed_pagezone_would_succeed", ls->kernel_failed_probe_ok);
	json_object_object_add(j, "disagreements", rp_json_cats(ls));
	json_object_object_add(j, "pcp_disagreement_causes", rp_json_causes(ls));
	return j;
}
