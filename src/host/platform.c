/*
 * platform.c - the POSIX platform of the host layer: a struct pz_platform
 * for pthreads (cpu from glibc's rseq area, sched_getcpu or a per-thread
 * pin, relax with
 * sched_yield, log to stderr), the thread-local current task behind
 * pz_current_task_hook, and pz_host_create/pz_host_destroy, which put an
 * instance's metadata in an anonymous mapping.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <stdint.h>
#include <time.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>
#include <errno.h>
#if defined(__has_include)
#if __has_include(<sys/rseq.h>) && (defined(__x86_64__) || defined(__aarch64__))
#include <sys/rseq.h>
#define PZ_HAVE_RSEQ 1
#endif
#endif

#include "pagezone.h"
#include "hostfail.h"
#include "hostkswapd.h"

/* ---- platform hooks ---------------------------------------------------- */

/* The CPU pinned with pz_host_set_cpu, or -1 for "ask sched_getcpu". */
static __thread int host_pinned_cpu = -1;

/*
 * The running CPU: glibc (2.35+) registers an rseq area per thread in which
 * the kernel keeps cpu_id current, so reading it is one load (~0.3 ns here)
 * where sched_getcpu costs a vDSO call (~3.5 ns on this machine's VM).
 * cpu_id is negative while the area is not registered; then sched_getcpu.
 */
static int host_running_cpu(void)
{
#ifdef PZ_HAVE_RSEQ
	if (__rseq_size) {
		const struct rseq *r =
			(const struct rseq *)(const void *)((const char *)
								    __builtin_thread_pointer() +
							    __rseq_offset);
		int cpu = (int)__atomic_load_n(&r->cpu_id, __ATOMIC_RELAXED);

		if (cpu >= 0)
			return cpu;
	}
#endif
	return sched_getcpu();
}

static unsigned host_cpu(void *ctx)
{
	int cpu = host_pinned_cpu;

	(void)ctx;
	if (cpu >= 0)
		return (unsigned)cpu;
	cpu = host_running_cpu();
	return cpu >= 0 ? (unsigned)cpu : 0;
}

static void host_relax(void *ctx)
{
	(void)ctx;
	sched_yield();
}

/* One writev, so concurrent messages do not interleave inside a line. A
 * message that already names pagezone first (the allocation-failure
 * warning, whose "comm: " is "pagezone: ") gets no second prefix. */
static void host_log(void *ctx, enum pz_log_level level, const char *msg)
{
	static const char prefix[] = "pagezone: ";
	struct iovec iov[3];
	ssize_t r;

	(void)ctx;
	(void)level;
	if (!msg)
		return;
	iov[0].iov_base = (void *)prefix;
	iov[0].iov_len = strncmp(msg, prefix, sizeof(prefix) - 1) ? sizeof(prefix) - 1 : 0;
	iov[1].iov_base = (void *)msg;
	iov[1].iov_len = strlen(msg);
	iov[2].iov_base = (void *)"\n";
	iov[2].iov_len = 1;
	do {
		r = writev(STDERR_FILENO, iov, 3);
	} while (r < 0 && errno == EINTR);
}

/* Waiting under memory pressure: kswapd's nap is cut short by a wake-up
 * of its node; everything else sleeps (a zero wait yields). */
static void host_wait(void *ctx, enum pz_wait_reason why, unsigned usecs)
{
	struct timespec ts = {(time_t)(usecs / 1000000), (long)(usecs % 1000000) * 1000};

	(void)ctx;
	if (why == PZ_WAIT_KSWAPD_NAP && pz_host_kswapd_nap(usecs))
		return;
	if (!usecs) {
		sched_yield();
		return;
	}
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ctx: the kswapd slot of the instance's header (pz_host_create sets it);
 * NULL for instances made otherwise, whose wake-ups go nowhere. */
static void host_wake_kswapd(void *ctx, int nid)
{
	if (ctx)
		pz_host_kswapd_wake((struct host_kswapd **)ctx, nid);
}

/* The same slot: node 0's kswapd thread is the OOM reaper. */
static void host_wake_oom_reaper(void *ctx)
{
	if (ctx)
		pz_host_reaper_wake((struct host_kswapd **)ctx);
}

/* The same slot: node nid's kcompactd timer thread ticks now. */
static void host_wake_kcompactd(void *ctx, int nid)
{
	if (ctx)
		pz_host_kcompactd_wake((struct host_kswapd **)ctx, nid);
}

/* The clock of the OOM reaper's grace: CLOCK_MONOTONIC in nanoseconds. */
static uint64_t host_now_ns(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const struct pz_platform host_platform = {
	.ctx = NULL,
	.cpu = host_cpu,
	.relax = host_relax,
	.log = host_log,
	.trace = NULL,
	.zone_reclaim = NULL,
	.wait = host_wait,
	.wake_kswapd = host_wake_kswapd,
	.wake_oom_reaper = host_wake_oom_reaper,
	.now_ns = host_now_ns,
	.wake_kcompactd = host_wake_kcompactd,
};

const struct pz_platform *pz_host_platform(void)
{
	return &host_platform;
}

void pz_host_set_cpu(int cpu)
{
	host_pinned_cpu = cpu >= 0 ? cpu : -1;
}

/* ---- current task ------------------------------------------------------- */

static __thread struct pz_task *host_current_task;

static struct pz_task *host_get_current_task(void)
{
	return host_current_task;
}

/*
 * Installs the thread-local getter as pz_current_task_hook unless it is
 * already there. The store is atomic; it happens once in practice (at load
 * time, see below), so later calls only read the hook.
 */
static void host_install_task_hook(void)
{
	if (__atomic_load_n(&pz_current_task_hook, __ATOMIC_ACQUIRE) != host_get_current_task)
		__atomic_store_n(&pz_current_task_hook, host_get_current_task, __ATOMIC_RELEASE);
}

/*
 * At load time, before any thread can race with it, make the hook point at
 * the thread-local getter if nobody set one. The getter returns NULL until
 * a thread calls pz_set_current_task, which the core treats exactly like a
 * missing hook (the default task).
 */
__attribute__((constructor)) static void host_task_hook_init(void)
{
	if (!__atomic_load_n(&pz_current_task_hook, __ATOMIC_ACQUIRE))
		host_install_task_hook();
}

void pz_set_current_task(struct pz_task *task)
{
	host_current_task = task;
	host_install_task_hook();
}

/* ---- instances on mapped metadata -------------------------------------- */

#define HOST_HDR_SIZE  64
#define HOST_HDR_MAGIC 0x707a686f73746d64ull /* "pzhostmd" */

/* Lives in the 64 bytes before the instance (keeps it 64-byte aligned). */
struct host_hdr {
	uint64_t magic;
	size_t map_len;
	struct host_kswapd *kswapd; /* the kswapd threads, or NULL */
	bool host_platform;	    /* made with pz_host_platform(): wake hook's ctx is &kswapd */
};

_Static_assert(sizeof(struct host_hdr) <= HOST_HDR_SIZE, "host header too large");

static struct host_hdr *host_hdr_of(pz_t *pz)
{
	struct host_hdr *hdr = (struct host_hdr *)(void *)((char *)pz - HOST_HDR_SIZE);

	return hdr->magic == HOST_HDR_MAGIC ? hdr : NULL;
}

struct host_kswapd **pz_host_kswapd_slot(pz_t *pz)
{
	struct host_hdr *hdr = pz ? host_hdr_of(pz) : NULL;

	return hdr && hdr->host_platform ? &hdr->kswapd : NULL;
}

int pz_host_create(const struct pz_config *cfg, pz_t **out)
{
	struct host_hdr *hdr;
	struct pz_config c;
	struct pz_platform plat;
	size_t size, len;
	void *map;
	pz_t *pz = NULL;
	int err;

	if (!out)
		return -PZ_EINVAL;
	*out = NULL;
	err = pz_metadata_size(cfg, &size);
	if (err)
		return err;
	if (size > SIZE_MAX - HOST_HDR_SIZE)
		return -PZ_ENOMEM;
	len = size + HOST_HDR_SIZE;
	map = pz_host_sys_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			       0);
	if (map == MAP_FAILED)
		return -PZ_ENOMEM;
	hdr = map;
	hdr->magic = HOST_HDR_MAGIC;
	hdr->map_len = len;
	c = *cfg;
	if (cfg->platform == &host_platform) {
		/* this instance's own copy: the wake hook finds its threads */
		plat = host_platform;
		plat.ctx = &hdr->kswapd;
		c.platform = &plat;
		hdr->host_platform = true;
	} else if (cfg->platform && (cfg->platform->wake_kswapd == host_wake_kswapd ||
				     cfg->platform->wake_oom_reaper == host_wake_oom_reaper ||
				     cfg->platform->wake_kcompactd == host_wake_kcompactd)) {
		/* a copy of the host platform with the caller's own ctx: the wake
		 * hooks would read that ctx as their kswapd slot, so they are dropped */
		plat = *cfg->platform;
		if (plat.wake_kswapd == host_wake_kswapd)
			plat.wake_kswapd = NULL;
		if (plat.wake_oom_reaper == host_wake_oom_reaper)
			plat.wake_oom_reaper = NULL;
		if (plat.wake_kcompactd == host_wake_kcompactd)
			plat.wake_kcompactd = NULL;
		c.platform = &plat;
	}
	err = pz_init(&c, (char *)map + HOST_HDR_SIZE, size, &pz);
	if (!err && (void *)pz != (char *)map + HOST_HDR_SIZE) {
		/* pz_host_destroy finds the header from pz: refuse anything else. */
		pz_destroy(pz);
		err = -PZ_EINVAL;
	}
	if (err) {
		pz_host_sys_munmap(map, len);
		return err;
	}
	*out = pz;
	return 0;
}

void pz_host_destroy(pz_t *pz)
{
	struct host_hdr *hdr;
	size_t len;

	if (!pz)
		return;
	hdr = (struct host_hdr *)(void *)((char *)pz - HOST_HDR_SIZE);
	if (hdr->magic != HOST_HDR_MAGIC)
		return; /* not made by pz_host_create (a second call reads unmapped memory) */
	if (hdr->host_platform)
		pz_host_kswapd_free(&hdr->kswapd);
	pz_destroy(pz);
	len = hdr->map_len;
	hdr->magic = 0;
	pz_host_sys_munmap(hdr, len);
}
