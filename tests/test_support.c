/*
 * test_support.c - white-box: the core's own snprintf (src/core/fmt.c), which
 * formats every report, log message and trace line, against the C
 * library's snprintf for each conversion, flag, width and length modifier
 * it supports, including cut buffers; and the core's spin lock under
 * contention (a waiter relaxes through the platform hook and gets the lock
 * once it is released); and fail_page_alloc's armed flag read stale.
 */
#include "testutil.h"
#include "../src/core/internal.h"

#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

/* pz_vsnprintf without the printf attribute, for formats the compiler
 * would (rightly) refuse to check */
static size_t unchecked(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = pz_vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}

/* A cut buffer's size the compiler cannot see (no truncation warnings). */
static volatile size_t cut_len = 4;

/* Formats with both and compares text and returned length, whole and cut. */
#define SAME(...)                                                                                  \
	do {                                                                                       \
		char ours[128], libc[128];                                                         \
		int want = snprintf(libc, sizeof(libc), __VA_ARGS__);                              \
		size_t got = pz_snprintf(ours, sizeof(ours), __VA_ARGS__);                         \
		assert_int_equal(got, (size_t)want);                                               \
		assert_string_equal(ours, libc);                                                   \
		want = snprintf(libc, cut_len, __VA_ARGS__);                                       \
		got = pz_snprintf(ours, cut_len, __VA_ARGS__);                                     \
		assert_int_equal(got, (size_t)want);                                               \
		assert_string_equal(ours, libc);                                                   \
	} while (0)

static void test_conversions_match_libc(void **state)
{
	(void)state;
	const char *volatile null_str = NULL;
	char buf[64];

	SAME("%d %i %d", 0, -42, INT_MIN);
	SAME("%u %x %#x", UINT_MAX, 0xbeefu, 0x1fu);
	SAME("%ld %lu", LONG_MIN, ULONG_MAX);
	SAME("%lld %llu %llx", LLONG_MIN, ULLONG_MAX, 0xffffea0000000040ull);
	SAME("%zu %zd", (size_t)12345, (ssize_t)-7);
	SAME("[%5d] [%-5d] [%05d]", 42, 42, -42);
	SAME("[%*d] [%*u]", 6, -3, 2, 12345u);
	SAME("[%016llx] [%6llu] [%03d]", 0x40ull, 99ull, 5);
	SAME("[%c] [%3c] [%-3c]", 'a', 'b', 'c');
	SAME("[%s] [%8s] [%-8s] [%2s]", "x", "right", "left", "wide");
	SAME("100%% %s", "done");
	SAME("%p", (void *)0x1234);
	SAME("no conversions at all");
	/* %#x of 0 is "0x0" as the kernel prints it (glibc: "0") */
	assert_int_equal(pz_snprintf(buf, sizeof(buf), "%#x", 0u), 3);
	assert_string_equal(buf, "0x0");
	/* NULL string: "(null)", as glibc prints it */
	assert_int_equal(pz_snprintf(buf, sizeof(buf), "[%s]", null_str), 8);
	assert_string_equal(buf, "[(null)]");
	/* an unknown conversion is copied as text; a lone % at the end too */
	assert_int_equal(unchecked(buf, sizeof(buf), "a%qb"), 4);
	assert_string_equal(buf, "a%qb");
	assert_int_equal(unchecked(buf, sizeof(buf), "end%"), 4);
	assert_string_equal(buf, "end%");
	/* len 0 writes nothing and still counts */
	buf[0] = 'z';
	assert_int_equal(pz_snprintf(buf, 0, "%d", 12345), 5);
	assert_int_equal(buf[0], 'z');
}

/* The appending writer: remembers the full length past a cut. */
static void test_out_writer(void **state)
{
	(void)state;
	char buf[8];
	struct pz_out o = {buf, sizeof(buf), 0};

	pz_out_printf(&o, "%s", "abcde");
	pz_out_printf(&o, "%d", 12345);
	pz_out_printf(&o, "%s", "more");
	assert_int_equal(pz_out_finish(&o), 14);
	assert_string_equal(buf, "abcde12");
}

/* ---- the spin lock under contention ---------------------------------------- */

static atomic_int relaxed;

static void count_relax(void *ctx)
{
	(void)ctx;
	atomic_fetch_add(&relaxed, 1);
}

struct contender {
	pz_t *pz;
	pz_page_t *page;
};

static void *alloc_behind_lock(void *arg)
{
	struct contender *c = arg;

	c->page = pz_alloc_pages(c->pz, PZ_GFP_KERNEL, 3); /* takes the zone lock */
	return NULL;
}

static void test_contended_lock_relaxes(void **state)
{
	(void)state;
	struct tu_machine tm;
	struct pz_config cfg;
	struct pz_platform plat = tu_platform(0);
	struct contender c;
	pthread_t t;

	tu_machine_init(&tm, 1, 1);
	tu_add_zone(&tm, 0, PZ_ZONE_NORMAL, 4096, 4096 + 4096);
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &tm.m;
	plat.relax = count_relax;
	cfg.platform = &plat;
	c.pz = tu_create(&cfg);
	c.page = NULL;
	assert_non_null(c.pz);
	struct pz_zone *z = pz_zone_of(c.pz, 0, PZ_ZONE_NORMAL);

	atomic_store(&relaxed, 0);
	pz_lock(c.pz, &z->lock);
	assert_true(pz_lock_held(&z->lock));
	assert_int_equal(pthread_create(&t, NULL, alloc_behind_lock, &c), 0);
	/* the allocation cannot finish while we hold the lock: it spins and
	 * relaxes; release once it has relaxed a few times */
	while (atomic_load(&relaxed) < 3)
		sched_yield();
	assert_null(c.page);
	pz_unlock(&z->lock);
	pthread_join(t, NULL);
	assert_non_null(c.page);
	assert_false(pz_lock_held(&z->lock));
	assert_int_equal(pz_free_pages(c.pz, c.page, 3), 0);
	assert_int_equal(pz_validate(c.pz), 0);
	tu_destroy(c.pz);
}

/*
 * The armed flag is read without the fault lock; a caller that saw it set
 * just before the probability went to 0 must still get rule 1's "no".
 */
static void test_stale_armed_flag(void **state)
{
	(void)state;
	struct tu_machine tm;
	struct pz_errors e;

	tu_machine_simple(&tm, 4096, 0, 1);
	pz_t *pz = tu_create_machine(&tm.m, PZ_PROFILE_LINUX_4_1);
	assert_non_null(pz);
	atomic_store(&pz->fault.armed, 1); /* probability is still 0 */
	pz_page_t *p = pz_alloc_pages(pz, PZ_GFP_ATOMIC, 1);
	assert_non_null(p);
	pz_errors(pz, &e);
	assert_int_equal(e.fault_injected, 0);
	assert_int_equal(pz_free_pages(pz, p, 1), 0);
	tu_destroy(pz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conversions_match_libc),
		cmocka_unit_test(test_out_writer),
		cmocka_unit_test(test_contended_lock_relaxes),
		cmocka_unit_test(test_stale_armed_flag),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
