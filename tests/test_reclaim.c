/*
 * test_reclaim.c - shrinkers and direct reclaim (try_to_free_pages).
 *
 * Mock shrinkers record every call. The scan-count arithmetic and the
 * deferred work are checked call by call against a model of
 * do_shrink_slab written from the kernel's rules (4.1: the pseudo-LRU
 * scan in_use >> priority over in_use; 6.1: by priority), per profile.
 * Progress is what the reclaiming task really freed: a lying shrinker
 * gives none, a double free is refused and counted once, an allocating
 * shrinker runs with PZ_TASK_MEMALLOC, a shrinker unregistering itself or
 * another from its callback gets the documented result. pz_validate is
 * clean after each.
 */
#include "reclaim_mock.h"

#include <stdio.h>
#include <stdlib.h>

#define ZONE_START 0x1000u
#define ZONE_PAGES 32768u

static struct tu_machine tm;

static pz_t *one_node(enum pz_profile profile)
{
	pz_t *pz;

	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, ZONE_START, ZONE_START + ZONE_PAGES);
	pz = tu_create_machine(&tm.m, profile);
	assert_non_null(pz);
	return pz;
}

static uint64_t in_use(pz_t *pz)
{
	struct pz_zone_info zi;

	assert_int_equal(pz_zone_info(pz, 0, PZ_ZONE_NORMAL, &zi), 0);
	return zi.managed - (uint64_t)zi.stat[PZ_NR_FREE_PAGES];
}

/* ---- the model of do_shrink_slab ---------------------------------------- */

struct model {
	long deferred;
	unsigned long scans[RM_MAX_CALLS];
	unsigned nscans;
};

static void model_loop(struct model *m, long total, unsigned long freeable, long batch,
		       long *scanned)
{
	while (total >= batch || (unsigned long)total >= freeable) {
		long n = total < batch ? total : batch;

		assert_true(m->nscans < RM_MAX_CALLS);
		m->scans[m->nscans++] = (unsigned long)n;
		total -= n;
		*scanned += n;
	}
	m->deferred = total; /* the caller fixes it per profile */
}

static void model_61(struct model *m, unsigned long f, int seeks, long batch, int prio)
{
	long nr = m->deferred, scanned = 0;
	long delta = seeks ? (long)((f >> prio) * 4 / (unsigned long)seeks) : (long)(f / 2);
	long total = (long)((unsigned long)nr >> prio) + delta, next;

	if ((unsigned long)total > 2 * f)
		total = (long)(2 * f);
	model_loop(m, total, f, batch, &scanned);
	next = nr + delta - scanned;
	next = next < 0 ? 0 : next;
	m->deferred = (unsigned long)next > 2 * f ? (long)(2 * f) : next;
}

static void model_41(struct model *m, unsigned long f, int seeks, long batch, uint64_t used,
		     int prio)
{
	uint64_t ns = used >> prio ? used >> prio : 32;
	unsigned long long delta = 4ull * ns / (unsigned)seeks * f / (used + 1);
	long total = m->deferred + (long)delta, scanned = 0;

	if (delta < f / 4 && (unsigned long)total > f / 2)
		total = (long)(f / 2);
	if ((unsigned long)total > 2 * f)
		total = (long)(2 * f);
	model_loop(m, total, f, batch, &scanned);
	if (m->deferred < 0)
		m->deferred = 0;
}

/* The calls of one reclaim pass must be: per priority a count, then the
 * model's scans with nr_to_scan and the priority. */
static void check_calls(struct rm_cache *c, enum pz_profile profile, uint64_t used, long start)
{
	struct model m = {start, {0}, 0};
	unsigned k = 0;
	long batch = c->s.batch ? c->s.batch : PZ_SHRINK_BATCH;

	for (int prio = 12; prio >= 0; prio--) {
		unsigned first = m.nscans;

		if (profile == PZ_PROFILE_LINUX_4_1)
			model_41(&m, c->objects, c->s.seeks, batch, used, prio);
		else
			model_61(&m, c->objects, c->s.seeks, batch, prio);
		assert_true(k < c->ncalls);
		assert_int_equal(c->calls[k].kind, 'c');
		assert_int_equal(c->calls[k].priority, prio);
		k++;
		for (unsigned i = first; i < m.nscans; i++, k++) {
			assert_true(k < c->ncalls);
			assert_int_equal(c->calls[k].kind, 's');
			assert_int_equal(c->calls[k].priority, prio);
			assert_int_equal(c->calls[k].nr_to_scan, m.scans[i]);
		}
	}
	assert_int_equal(k, c->ncalls);
	assert_int_equal(c->s.core.nr_deferred[0], m.deferred);
}

static uint64_t sum_scans(const struct rm_cache *c)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < c->ncalls; i++)
		if (c->calls[i].kind == 's')
			n += c->calls[i].nr_to_scan;
	return n;
}

static uint64_t scans_at(const struct rm_cache *c, int prio)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < c->ncalls; i++)
		if (c->calls[i].kind == 's' && c->calls[i].priority == prio)
			n += c->calls[i].nr_to_scan;
	return n;
}

static void arithmetic(enum pz_profile profile, unsigned long objects, int seeks, long batch)
{
	pz_t *pz = one_node(profile);
	static struct rm_cache held, c;
	uint64_t progress = 99, used;

	rm_init(&held, pz, RM_FREE);
	assert_int_equal(rm_fill(&held, 6000, PZ_GFP_KERNEL), 6000);
	rm_init(&c, pz, RM_NOTHING);
	c.objects = objects;
	c.s.seeks = seeks;
	c.s.batch = batch;
	assert_int_equal(pz_register_shrinker(pz, &c.s), 0);
	used = in_use(pz);
	/* twice: the second pass starts from the first one's deferred work */
	for (int pass = 0; pass < 2; pass++) {
		long start = c.s.core.nr_deferred[0];

		c.ncalls = 0;
		assert_int_equal(pz_direct_reclaim(pz, 0, PZ_GFP_KERNEL, 0, &progress), 0);
		assert_int_equal(progress, 0);
		check_calls(&c, profile, used, start);
	}
	assert_int_equal(rm_event(pz, PZ_VM_ALLOCSTALL), 2);
	assert_int_equal(rm_event(pz, PZ_VM_PGSTEAL_DIRECT), 0);
	assert_true(rm_event(pz, PZ_VM_SLABS_SCANNED) >= sum_scans(&c));
	assert_int_equal(pz_unregister_shrinker(pz, &c.s), 0);
	rm_drain(&held);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

static void test_arithmetic_41(void **state)
{
	(void)state;
	arithmetic(PZ_PROFILE_LINUX_4_1, 5000, PZ_DEFAULT_SEEKS, 0);
	arithmetic(PZ_PROFILE_LINUX_4_1, 20000, 1, 500);
	arithmetic(PZ_PROFILE_LINUX_4_1, 40, 4, 0);
}

static void test_arithmetic_61(void **state)
{
	(void)state;
	arithmetic(PZ_PROFILE_MODERN, 5000, PZ_DEFAULT_SEEKS, 0);
	arithmetic(PZ_PROFILE_MODERN, 20000, 1, 500);
	arithmetic(PZ_PROFILE_MODERN, 3000, 0, 0); /* seeks 0: half the objects */
}

/* 6.1 shrinks each node of the zonelist once per priority: a NUMA-aware
 * shrinker is asked per node and defers per node, another only for node 0. */
static void test_numa_aware(void **state)
{
	static struct rm_cache a, b;
	uint64_t progress;
	pz_t *pz;
	unsigned seen[2] = {0, 0};

	(void)state;
	tu_machine_init(&tm, 2, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, ZONE_START, ZONE_START + ZONE_PAGES);
	tu_add_zone(&tm, 1, PZ_ZONE_NORMAL, ZONE_START + ZONE_PAGES, ZONE_START + 2 * ZONE_PAGES);
	pz = tu_create_machine(&tm.m, PZ_PROFILE_MODERN);
	assert_non_null(pz);
	rm_init(&a, pz, RM_NOTHING);
	rm_init(&b, pz, RM_NOTHING);
	a.objects = b.objects = 20000;
	a.s.flags = PZ_SHRINKER_NUMA_AWARE;
	assert_int_equal(pz_register_shrinker(pz, &a.s), 0);
	assert_int_equal(pz_register_shrinker(pz, &b.s), 0);
	assert_int_equal(pz_direct_reclaim(pz, 1, PZ_GFP_KERNEL, 0, &progress), 0);
	/* node 1's zonelist: node 1 first, then node 0, each priority */
	for (unsigned i = 0, k = 0; i < a.ncalls; i++) {
		if (a.calls[i].kind != 'c')
			continue;
		assert_int_equal(a.calls[i].nid, (k++ & 1) ? 0 : 1);
		seen[a.calls[i].nid]++;
	}
	assert_int_equal(seen[0], 13);
	assert_int_equal(seen[1], 13);
	for (unsigned i = 0; i < b.ncalls; i++)
		assert_int_equal(b.calls[i].nid, 0);
	assert_true(a.s.core.nr_deferred[0] > 0 && a.s.core.nr_deferred[1] > 0);
	assert_true(b.s.core.nr_deferred[0] > 0);
	assert_int_equal(b.s.core.nr_deferred[1], 0);
	assert_int_equal(pz_unregister_shrinker(pz, &a.s), 0);
	assert_int_equal(pz_unregister_shrinker(pz, &b.s), 0);
	tu_destroy(pz);
}

/* ---- progress is pages back ---------------------------------------------- */

static uint64_t reclaim_once(pz_t *pz)
{
	uint64_t progress = 0;

	assert_int_equal(pz_direct_reclaim(pz, 0, PZ_GFP_KERNEL, 0, &progress), 0);
	return progress;
}

static void honest(enum pz_profile profile)
{
	pz_t *pz = one_node(profile);
	static struct rm_cache c;
	uint64_t got, left;

	rm_init(&c, pz, RM_FREE);
	c.s.batch = 8; /* small batches: several priorities free some pages */
	assert_int_equal(rm_fill(&c, 8000, PZ_GFP_KERNEL), 8000);
	assert_int_equal(pz_register_shrinker(pz, &c.s), 0);
	got = reclaim_once(pz);
	left = c.n;
	/* stops at the first priority that brought back 32 pages or more:
	 * the priorities before the last one freed fewer */
	assert_true(got >= 32);
	assert_true(got - scans_at(&c, c.calls[c.ncalls - 1].priority) < 32);
	assert_int_equal(got, 8000 - left);
	assert_true(left > 0);
	assert_int_equal(rm_event(pz, PZ_VM_PGSTEAL_DIRECT), got);
	assert_int_equal(rm_event(pz, PZ_VM_PGSCAN_DIRECT), sum_scans(&c));
	assert_int_equal(pz_unregister_shrinker(pz, &c.s), 0);
	rm_drain(&c);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

static void test_progress_is_pages_back(void **state)
{
	(void)state;
	honest(PZ_PROFILE_LINUX_4_1);
	honest(PZ_PROFILE_MODERN);
}

static void test_liar_gives_no_progress(void **state)
{
	pz_t *pz = one_node(PZ_PROFILE_MODERN);
	static struct rm_cache c;

	(void)state;
	rm_init(&c, pz, RM_LIE);
	c.objects = 100000;
	assert_int_equal(pz_register_shrinker(pz, &c.s), 0);
	assert_int_equal(reclaim_once(pz), 0);
	assert_true(sum_scans(&c) > 0);
	assert_int_equal(rm_event(pz, PZ_VM_PGSTEAL_DIRECT), 0);
	assert_int_equal(pz_unregister_shrinker(pz, &c.s), 0);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

/* Pages freed by another task during the pass are not this task's. */
static void test_other_task_frees_do_not_count(void **state)
{
	pz_t *pz = one_node(PZ_PROFILE_LINUX_4_1);
	static struct rm_cache c;

	(void)state;
	rm_init(&c, pz, RM_OTHER_TASK);
	assert_int_equal(rm_fill(&c, 3000, PZ_GFP_KERNEL), 3000);
	assert_int_equal(pz_register_shrinker(pz, &c.s), 0);
	assert_int_equal(reclaim_once(pz), 0);
	assert_true(c.n < 3000); /* they were freed, by someone else */
	assert_int_equal(rm_event(pz, PZ_VM_PGSTEAL_DIRECT), 0);
	assert_int_equal(pz_unregister_shrinker(pz, &c.s), 0);
	rm_drain(&c);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

static void test_double_free_counts_once(void **state)
{
	pz_t *pz = one_node(PZ_PROFILE_LINUX_4_1);
	static struct rm_cache c;
	struct pz_errors e0, e1;
	uint64_t got;

	(void)state;
	rm_init(&c, pz, RM_DOUBLE);
	assert_int_equal(rm_fill(&c, 4000, PZ_GFP_KERNEL), 4000);
	assert_int_equal(pz_register_shrinker(pz, &c.s), 0);
	pz_errors(pz, &e0);
	got = reclaim_once(pz);
	pz_errors(pz, &e1);
	assert_int_equal(got, 4000 - c.n);
	assert_int_equal(e1.double_free - e0.double_free, got);
	assert_int_equal(pz_unregister_shrinker(pz, &c.s), 0);
	rm_drain(&c);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

static void test_allocating_shrinker(void **state)
{
	pz_t *pz = one_node(PZ_PROFILE_MODERN);
	static struct rm_cache c;
	struct pz_task task;
	uint64_t got;

	(void)state;
	pz_task_init(&task);
	pz_set_current_task(&task);
	rm_init(&c, pz, RM_ALLOC);
	assert_int_equal(rm_fill(&c, 2000, PZ_GFP_KERNEL), 2000);
	assert_int_equal(pz_register_shrinker(pz, &c.s), 0);
	got = reclaim_once(pz);
	/* the nested allocation ran as PF_MEMALLOC; its free counts too */
	assert_true(c.task_flags_in_scan & PZ_TASK_MEMALLOC);
	assert_int_equal(task.flags & PZ_TASK_MEMALLOC, 0);
	assert_true(c.alloc_ok > 0);
	assert_int_equal(got, 2000 - c.n + (uint64_t)c.alloc_ok);
	assert_int_equal(pz_unregister_shrinker(pz, &c.s), 0);
	rm_drain(&c);
	pz_set_current_task(NULL);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

static void test_stop_defers_the_rest(void **state)
{
	pz_t *pz = one_node(PZ_PROFILE_MODERN);
	static struct rm_cache c;

	(void)state;
	rm_init(&c, pz, RM_STOP);
	c.objects = 1u << 20;
	assert_int_equal(pz_register_shrinker(pz, &c.s), 0);
	assert_int_equal(reclaim_once(pz), 0);
	/* every priority asked once and stopped at its first batch */
	for (unsigned i = 0; i < c.ncalls; i++)
		if (c.calls[i].kind == 's')
			assert_true(i > 0 && c.calls[i - 1].kind == 'c');
	assert_int_equal(rm_event(pz, PZ_VM_SLABS_SCANNED), 0);
	assert_true(c.s.core.nr_deferred[0] > 0);
	assert_int_equal(pz_unregister_shrinker(pz, &c.s), 0);
	tu_destroy(pz);
}

static void test_unregister_self(void **state)
{
	pz_t *pz = one_node(PZ_PROFILE_MODERN);
	static struct rm_cache c;
	unsigned calls;

	(void)state;
	rm_init(&c, pz, RM_UNREG_SELF);
	assert_int_equal(rm_fill(&c, 100, PZ_GFP_KERNEL), 100);
	assert_int_equal(pz_register_shrinker(pz, &c.s), 0);
	reclaim_once(pz);
	assert_int_equal(c.unreg_rc, 1); /* deferred: its own call was running */
	calls = c.ncalls;
	assert_int_equal(pz_unregister_shrinker(pz, &c.s), 0); /* now off the list */
	assert_int_equal(pz_unregister_shrinker(pz, &c.s), -PZ_EINVAL);
	reclaim_once(pz);
	assert_int_equal(c.ncalls, calls);
	/* registered again, it is called again */
	assert_int_equal(pz_register_shrinker(pz, &c.s), 0);
	c.mode = RM_FREE;
	reclaim_once(pz);
	assert_true(c.ncalls > calls);
	assert_int_equal(pz_unregister_shrinker(pz, &c.s), 0);
	rm_drain(&c);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

static void test_unregister_other(void **state)
{
	pz_t *pz = one_node(PZ_PROFILE_LINUX_4_1);
	static struct rm_cache a, b;

	(void)state;
	rm_init(&a, pz, RM_UNREG_OTHER);
	rm_init(&b, pz, RM_FREE);
	a.other = &b.s;
	assert_int_equal(rm_fill(&a, 5000, PZ_GFP_KERNEL), 5000);
	assert_int_equal(rm_fill(&b, 5000, PZ_GFP_KERNEL), 5000);
	assert_int_equal(pz_register_shrinker(pz, &a.s), 0);
	assert_int_equal(pz_register_shrinker(pz, &b.s), 0);
	reclaim_once(pz);
	/* b was not running: unlinked at once, and never called after */
	assert_int_equal(a.unreg_rc, 0);
	assert_int_equal(b.ncalls, a.other_calls);
	assert_int_equal(pz_unregister_shrinker(pz, &b.s), -PZ_EINVAL);
	assert_int_equal(pz_unregister_shrinker(pz, &a.s), 0);
	rm_drain(&a);
	rm_drain(&b);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

static void test_register_errors(void **state)
{
	pz_t *pz = one_node(PZ_PROFILE_LINUX_4_1);
	static struct rm_cache c;
	uint64_t p;

	(void)state;
	rm_init(&c, pz, RM_FREE);
	assert_int_equal(pz_register_shrinker(NULL, &c.s), -PZ_EINVAL);
	assert_int_equal(pz_register_shrinker(pz, NULL), -PZ_EINVAL);
	c.s.seeks = 0; /* 4.1 divides by seeks */
	assert_int_equal(pz_register_shrinker(pz, &c.s), -PZ_EINVAL);
	c.s.seeks = 2;
	c.s.batch = -1;
	assert_int_equal(pz_register_shrinker(pz, &c.s), -PZ_EINVAL);
	c.s.batch = 0;
	c.s.scan_objects = NULL;
	assert_int_equal(pz_register_shrinker(pz, &c.s), -PZ_EINVAL);
	c.s.scan_objects = rm_scan;
	assert_int_equal(pz_unregister_shrinker(pz, &c.s), -PZ_EINVAL);
	assert_int_equal(pz_register_shrinker(pz, &c.s), 0);
	assert_int_equal(pz_register_shrinker(pz, &c.s), -PZ_EINVAL);
	assert_int_equal(pz_direct_reclaim(pz, 1, PZ_GFP_KERNEL, 0, &p), -PZ_ENODEV);
	assert_int_equal(pz_direct_reclaim(pz, 0, PZ_GFP_KERNEL, 0, NULL), -PZ_EINVAL);
	assert_int_equal(pz_direct_reclaim(pz, 0, PZ_GFP_DMA | PZ__GFP_HIGHMEM, 0, &p), -PZ_EINVAL);
	assert_int_equal(pz_unregister_shrinker(pz, &c.s), 0);
	tu_destroy(pz);
}

/* ---- vmstat ----------------------------------------------------------------- */

static uint64_t vmstat_value(const char *text, const char *name)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "\n%s ", name);
	p = strstr(text, key);
	assert_non_null(p);
	return strtoull(p + strlen(key), NULL, 10);
}

static void vmstat(enum pz_profile profile)
{
	pz_t *pz = one_node(profile);
	static struct rm_cache c;
	static char buf[16384];
	uint64_t got;
	bool v41 = profile == PZ_PROFILE_LINUX_4_1;

	rm_init(&c, pz, RM_FREE);
	assert_int_equal(rm_fill(&c, 3000, PZ_GFP_KERNEL), 3000);
	assert_int_equal(pz_register_shrinker(pz, &c.s), 0);
	got = reclaim_once(pz);
	assert_true(pz_report_vmstat(pz, buf, sizeof(buf)) < sizeof(buf));
	assert_int_equal(vmstat_value(buf, v41 ? "pgsteal_direct_normal" : "pgsteal_direct"), got);
	assert_int_equal(vmstat_value(buf, v41 ? "pgscan_direct_normal" : "pgscan_direct"),
			 sum_scans(&c));
	assert_int_equal(vmstat_value(buf, v41 ? "allocstall" : "allocstall_normal"), 1);
	assert_int_equal(vmstat_value(buf, "slabs_scanned"), rm_event(pz, PZ_VM_SLABS_SCANNED));
	assert_non_null(strstr(buf, "\ncompact_stall 0\n"));
	/* the kernel's order: pgfree, reclaim, pageoutrun, migration, compaction */
	assert_true(strstr(buf, "pgfree") < strstr(buf, "slabs_scanned"));
	assert_true(strstr(buf, "pageoutrun") < strstr(buf, "pgmigrate_success"));
	assert_true(strstr(buf, "pgmigrate_fail") < strstr(buf, "compact_migrate_scanned"));
	assert_true((strstr(buf, "oom_kill") != NULL) == !v41);
	assert_true((strstr(buf, "compact_daemon_wake") != NULL) == !v41);
	if (!v41)
		assert_true(strstr(buf, "allocstall_normal") < strstr(buf, "pgfree"));
	assert_int_equal(pz_unregister_shrinker(pz, &c.s), 0);
	rm_drain(&c);
	tu_destroy(pz);
}

static void test_vmstat(void **state)
{
	(void)state;
	vmstat(PZ_PROFILE_LINUX_4_1);
	vmstat(PZ_PROFILE_MODERN);
}

/*
 * 4.4's do_shrink_slab defers the whole total before its caps (less what
 * was scanned), however large the scan ratio made it: with ten pages in
 * use, delta is more than four times the objects, and every priority's
 * pass carries all of it on.
 */
static void test_deferred_44_uncapped(void **state)
{
	pz_t *pz = one_node(PZ_PROFILE_LINUX_4_4);
	static struct rm_cache held, c;
	uint64_t progress = 0, used;
	long nr = 0;

	(void)state;
	rm_init(&held, pz, RM_FREE);
	assert_int_equal(rm_fill(&held, 10, PZ_GFP_KERNEL), 10);
	rm_init(&c, pz, RM_NOTHING);
	c.objects = 1000;
	c.s.seeks = 2;
	assert_int_equal(pz_register_shrinker(pz, &c.s), 0);
	used = in_use(pz);
	assert_int_equal(pz_direct_reclaim(pz, 0, PZ_GFP_KERNEL, 0, &progress), 0);
	for (int prio = 12; prio >= 0; prio--) {
		uint64_t ns = used >> prio ? used >> prio : 32;
		long delta = (long)(4 * ns / 2 * 1000 / (used + 1)), total = nr + delta;
		long next = total, scanned = 0;

		if (delta < 250 && total > 500)
			total = 500;
		total = total > 2000 ? 2000 : total;
		while (total >= PZ_SHRINK_BATCH || total >= 1000) {
			long n = total < PZ_SHRINK_BATCH ? total : PZ_SHRINK_BATCH;

			total -= n;
			scanned += n;
		}
		assert_true(prio != 12 || delta > 4000);
		nr = next > scanned ? next - scanned : 0;
	}
	assert_int_equal(c.s.core.nr_deferred[0], nr);
	assert_int_equal(pz_unregister_shrinker(pz, &c.s), 0);
	rm_drain(&held);
	tu_destroy(pz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arithmetic_41),
		cmocka_unit_test(test_arithmetic_61),
		cmocka_unit_test(test_deferred_44_uncapped),
		cmocka_unit_test(test_numa_aware),
		cmocka_unit_test(test_progress_is_pages_back),
		cmocka_unit_test(test_liar_gives_no_progress),
		cmocka_unit_test(test_other_task_frees_do_not_count),
		cmocka_unit_test(test_double_free_counts_once),
		cmocka_unit_test(test_allocating_shrinker),
		cmocka_unit_test(test_stop_defers_the_rest),
		cmocka_unit_test(test_unregister_self),
		cmocka_unit_test(test_unregister_other),
		cmocka_unit_test(test_register_errors),
		cmocka_unit_test(test_vmstat),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
