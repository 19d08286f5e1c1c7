/*
 * hostfail.h - the host layer's system and library calls, each behind a
 * wrapper that a test can arm to fail the Nth call of one kind.
 *
 * Private to src/host and its tests (white-box): nothing here is part of
 * the public contract. Unarmed, a wrapper costs one relaxed load of a
 * global before the real call. The wrappers also keep a running total of
 * the bytes the host layer has mapped, so a test can prove that a failed
 * call left nothing mapped.
 */
#ifndef PZ_HOSTFAIL_H
#define PZ_HOSTFAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

enum pz_host_call {
	PZ_HOST_MMAP = 0,
	PZ_HOST_MPROTECT,
	PZ_HOST_MADVISE,
	PZ_HOST_MBIND,
	PZ_HOST_FOPEN,
	PZ_HOST_OPEN,
	PZ_HOST_READ,
	PZ_HOST_ALLOC, /* malloc, calloc, realloc */
	PZ_HOST_NR_CALLS,
};

/*
 * Arms the injector: the nth call of the given kind from now on fails
 * (1 = the next one) with the call's own failure value and errno ENOMEM
 * (EIO for read); every other call runs normally. nth 0 disarms. Only one
 * kind is armed at a time. Returns nothing. Context: tests; not thread safe
 * against a concurrent pz_host_fail_nth.
 */
void pz_host_fail_nth(enum pz_host_call call, unsigned long nth);
/* True while the armed failure has not happened yet. */
bool pz_host_fail_pending(void);
/* Bytes currently mapped by the host layer (all instances and backings). */
size_t pz_host_mapped_bytes(void);

void *pz_host_sys_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int pz_host_sys_munmap(void *addr, size_t len);
int pz_host_sys_mprotect(void *addr, size_t len, int prot);
int pz_host_sys_madvise(void *addr, size_t len, int advice);
long pz_host_sys_mbind(void *addr, unsigned long len, int mode, const unsigned long *nodemask,
		       unsigned long maxnode, unsigned flags);
FILE *pz_host_sys_fopen(const char *path, const char *mode);
int pz_host_sys_open(const char *path, int flags);
ssize_t pz_host_sys_read(int fd, void *buf, size_t len);
void *pz_host_sys_malloc(size_t size);
void *pz_host_sys_calloc(size_t n, size_t size);
void *pz_host_sys_realloc(void *p, size_t size);

#endif /* PZ_HOSTFAIL_H */
