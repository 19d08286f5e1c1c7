#include "pressure.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define TP_MAX_HELD 32768

atomic_uint tp_waits[4];
void (*tp_on_wait)(enum pz_wait_reason why);

static struct tu_machine tp_machine;
static struct pz_platform tp_plat;
static pz_page_t *held[TP_MAX_HELD];
static size_t nheld, first; /* held[first..nheld): released oldest first */
static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;

static void wait_hook(void *ctx, enum pz_wait_reason why, unsigned usecs)
{
	(void)ctx;
	(void)usecs;
	if ((unsigned)why < 4)
		atomic_fetch_add(&tp_waits[why], 1);
	if (tp_on_wait)
		tp_on_wait(why);
}

void tp_reset_counts(void)
{
	for (unsigned i = 0; i < 4; i++)
		atomic_store(&tp_waits[i], 0);
	tu_log_reset();
}

pz_t *tp_create(enum pz_profile profile, unsigned nr_cpus)
{
	struct pz_config cfg;

	tu_machine_simple(&tp_machine, 4096, 8192, nr_cpus);
	tp_plat = tu_platform(0);
	tp_plat.wait = wait_hook;
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = &tp_machine.m;
	cfg.profile = profile;
	cfg.platform = &tp_plat;
	tp_on_wait = NULL;
	tp_reset_counts();
	pz_set_current_task(NULL);
	nheld = first = 0;
	return tu_create(&cfg);
}

static size_t take_all(pz_t *pz)
{
	const pz_gfp_t gfp = PZ_GFP_ATOMIC | PZ__GFP_MEMALLOC | PZ__GFP_NOWARN;
	size_t n = 0;
	pz_page_t *p;

	while (nheld < TP_MAX_HELD && (p = pz_alloc_pages(pz, gfp, 0))) {
		held[nheld++] = p;
		n++;
	}
	return n;
}

size_t tp_exhaust(pz_t *pz)
{
	size_t n = take_all(pz);

	pz_drain_all_pages(pz);
	n += take_all(pz);
	assert_int_equal(tu_free_pages(pz), 0);
	assert_int_equal(tu_pcp_pages(pz), 0);
	return n;
}

size_t tp_release(pz_t *pz, size_t n)
{
	size_t done = 0;

	pthread_mutex_lock(&held_lock);
	while (first < nheld && (n == 0 || done < n)) {
		assert_int_equal(pz_free_pages(pz, held[first++], 0), 0);
		done++;
	}
	if (first == nheld)
		first = nheld = 0;
	pthread_mutex_unlock(&held_lock);
	return done;
}

size_t tp_held(void)
{
	return nheld - first;
}

void tp_destroy(pz_t *pz)
{
	tp_release(pz, 0);
	assert_int_equal(pz_validate(pz), 0);
	tu_destroy(pz);
}

pz_t *tp_setup(enum pz_profile profile, unsigned nr_cpus, pz_oom_fn fn, void *ctx)
{
	pz_t *pz = tp_create(profile, nr_cpus);

	assert_non_null(pz);
	tp_exhaust(pz);
	assert_int_equal(pz_set_oom_handler(pz, fn, ctx), 0);
	tp_reset_counts();
	return pz;
}
