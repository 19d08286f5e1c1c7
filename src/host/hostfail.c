/*
 * hostfail.c - the wrappers of hostfail.h: fail-the-Nth-call injection for
 * the host layer's system and library calls, and the mapped-bytes total.
 *
 * The state is process-wide and meant for single-threaded tests: arming
 * sets which call kind fails and after how many calls. A disarmed wrapper
 * reads one relaxed atomic and calls through.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef PZ_HAVE_LIBNUMA
#include <numaif.h>
#endif

#include "hostfail.h"

static atomic_int fail_armed;	   /* 1 while a failure is pending */
static atomic_int fail_call;	   /* the kind that fails */
static atomic_ulong fail_left;	   /* calls of that kind until it fails */
static atomic_size_t mapped_bytes; /* mmap'ed minus munmap'ed, page rounded */

void pz_host_fail_nth(enum pz_host_call call, unsigned long nth)
{
	atomic_store(&fail_armed, 0);
	if (!nth || (unsigned)call >= PZ_HOST_NR_CALLS)
		return;
	atomic_store(&fail_call, (int)call);
	atomic_store(&fail_left, nth);
	atomic_store(&fail_armed, 1);
}

bool pz_host_fail_pending(void)
{
	return atomic_load(&fail_armed) != 0;
}

size_t pz_host_mapped_bytes(void)
{
	return atomic_load(&mapped_bytes);
}

/* True when this call is the one to fail; sets errno for it. */
static bool should_fail(enum pz_host_call call, int err)
{
	if (__builtin_expect(!atomic_load_explicit(&fail_armed, memory_order_relaxed), 1))
		return false;
	if (atomic_load(&fail_call) != (int)call || atomic_fetch_sub(&fail_left, 1) != 1)
		return false;
	atomic_store(&fail_armed, 0);
	errno = err;
	return true;
}

static size_t page_round(size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (len + page - 1) & ~(page - 1);
}

void *pz_host_sys_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p;

	if (should_fail(PZ_HOST_MMAP, ENOMEM))
		return MAP_FAILED;
	p = mmap(addr, len, prot, flags, fd, off);
	/* a fixed mapping replaces pages the host layer had mapped already */
	if (p != MAP_FAILED && !(flags & MAP_FIXED))
		atomic_fetch_add(&mapped_bytes, page_round(len));
	return p;
}

int pz_host_sys_munmap(void *addr, size_t len)
{
	int rc = munmap(addr, len);

	if (!rc)
		atomic_fetch_sub(&mapped_bytes, page_round(len));
	return rc;
}

int pz_host_sys_mprotect(void *addr, size_t len, int prot)
{
	return should_fail(PZ_HOST_MPROTECT, ENOMEM) ? -1 : mprotect(addr, len, prot);
}

int pz_host_sys_madvise(void *addr, size_t len, int advice)
{
	return should_fail(PZ_HOST_MADVISE, ENOMEM) ? -1 : madvise(addr, len, advice);
}

long pz_host_sys_mbind(void *addr, unsigned long len, int mode, const unsigned long *nodemask,
		       unsigned long maxnode, unsigned flags)
{
	if (should_fail(PZ_HOST_MBIND, ENOMEM))
		return -1;
#ifdef PZ_HAVE_LIBNUMA
	return mbind(addr, len, mode, nodemask, maxnode, flags);
#else
	(void)addr;
	(void)len;
	(void)mode;
	(void)nodemask;
	(void)maxnode;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

FILE *pz_host_sys_fopen(const char *path, const char *mode)
{
	return should_fail(PZ_HOST_FOPEN, ENOMEM) ? NULL : fopen(path, mode);
}

int pz_host_sys_open(const char *path, int flags)
{
	return should_fail(PZ_HOST_OPEN, ENOMEM) ? -1 : open(path, flags);
}

ssize_t pz_host_sys_read(int fd, void *buf, size_t len)
{
	return should_fail(PZ_HOST_READ, EIO) ? -1 : read(fd, buf, len);
}

void *pz_host_sys_malloc(size_t size)
{
	return should_fail(PZ_HOST_ALLOC, ENOMEM) ? NULL : malloc(size);
}

void *pz_host_sys_calloc(size_t n, size_t size)
{
	return should_fail(PZ_HOST_ALLOC, ENOMEM) ? NULL : calloc(n, size);
}

void *pz_host_sys_realloc(void *p, size_t size)
{
	return should_fail(PZ_HOST_ALLOC, ENOMEM) ? NULL : realloc(p, size);
}
