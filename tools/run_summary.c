/*
 * run_summary.c - the text summary of `pagezone run`: what the workload
 * did, which allocations failed, how often the slow path ran, the
 * order-9 success rate and the latency percentiles. json_out.c prints
 * the same numbers from the same struct run_result.
 */
#include "tool.h"

#include <inttypes.h>

const char *tool_rate(uint64_t a, uint64_t b, char *buf, size_t len)
{
	if (!b)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f%%", 100.0 * (double)a / (double)b);
	return buf;
}

static void failures_table(const struct wl_stats *st, FILE *f)
{
	fprintf(f, "failed/attempted allocations by kind and order:\n  %-10s", "kind");
	for (unsigned c = 0; c < WL_NR_ORDER_CLASSES; c++)
		fprintf(f, " %17s", wl_order_class_name(c));
	fputc('\n', f);
	for (int k = 0; k < WL_NR_KINDS; k++) {
		fprintf(f, "  %-10s", wl_kind_name((enum wl_kind)k));
		for (unsigned c = 0; c < WL_NR_ORDER_CLASSES; c++) {
			char cell[48];

			if (st->attempts[k][c])
				snprintf(cell, sizeof(cell), "%" PRIu64 "/%" PRIu64,
					 st->failures[k][c], st->attempts[k][c]);
			else
				snprintf(cell, sizeof(cell), "-");
			fprintf(f, " %17s", cell);
		}
		fputc('\n', f);
	}
}

void run_summary_text(const struct run_result *r, FILE *f)
{
	const struct wl_stats *st = r->st;
	const uint64_t *ev = r->ev;
	char rate[32];

	fprintf(f,
		"operations: %" PRIu64 " allocations, %" PRIu64 " frees, %" PRIu64
		" process exits\n",
		st->allocs, st->frees, st->process_exits);
	failures_table(st, f);
	fprintf(f,
		"slow path: %" PRIu64 " kswapd wakes, %" PRIu64 " direct reclaims, %" PRIu64
		" direct compactions (%" PRIu64 " succeeded, %" PRIu64 " failed), %" PRIu64
		" OOM calls (%" PRIu64 " kills)\n",
		ev[PZ_VM_KSWAPD_WAKE], ev[PZ_VM_ALLOCSTALL], ev[PZ_VM_COMPACT_STALL],
		ev[PZ_VM_COMPACT_SUCCESS], ev[PZ_VM_COMPACT_FAIL], r->oom[PZ_OOM_CALLS],
		ev[PZ_VM_OOM_KILL]);
	if (r->reaper)
		fprintf(f,
			"oom reaper: %" PRIu64 " victims queued, %" PRIu64 " reaped (%" PRIu64
			" given up), %" PRIu64 " pages reaped\n",
			r->oom[PZ_OOM_REAP_QUEUED], r->oom[PZ_OOM_REAPED],
			r->oom[PZ_OOM_REAP_FAILED], r->oom[PZ_OOM_REAP_PAGES]);
	fprintf(f,
		"reclaim: %" PRIu64 " blocks freed by shrinkers (pgsteal kswapd %" PRIu64
		", direct %" PRIu64 "); migration: %" PRIu64 " moved, %" PRIu64 " refused\n",
		st->shrinker_freed, ev[PZ_VM_PGSTEAL_KSWAPD], ev[PZ_VM_PGSTEAL_DIRECT],
		st->migrated, st->migrate_refused);
	fprintf(f, "order-%u: %" PRIu64 " of %" PRIu64 " attempts succeeded (%s)\n", r->huge_order,
		st->huge_successes, st->huge_attempts,
		tool_rate(st->huge_successes, st->huge_attempts, rate, sizeof(rate)));
	fprintf(f, "latency (work units: 1 per call + pages its direct reclaim and compaction "
		   "scanned):");
	for (int i = 0; i < RUN_NR_PCT; i++)
		fprintf(f, "%s %s %" PRIu64, i ? "," : "", run_pct_name[i], r->lat[i]);
	fputc('\n', f);
}
