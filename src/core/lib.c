/*
 * lib.c - the few helpers a freestanding core needs instead of libc.
 */
#include "internal.h"

void pz_memzero(void *p, size_t n)
{
	/* Built with -fno-builtin -fno-tree-loop-distribute-patterns, so
	 * these loops stay loops instead of becoming calls to memset. */
	unsigned char *c = p;
	uint64_t *w;

	while (n && ((uintptr_t)c & 7)) {
		*c++ = 0;
		n--;
	}
	w = (uint64_t *)(void *)c;
	for (; n >= 8; n -= 8)
		*w++ = 0;
	c = (unsigned char *)w;
	while (n--)
		*c++ = 0;
}

void pz_memfill(void *p, unsigned char c, size_t n)
{
	unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = c;
}

size_t pz_memcheck(const void *p, unsigned char c, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != c)
			return i;
	return n;
}

uint64_t pz_isqrt(uint64_t x)
{
	uint64_t r = 0, bit = (uint64_t)1 << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

unsigned pz_fls(uint64_t x)
{
	return x ? 64u - (unsigned)__builtin_clzll(x) : 0;
}

uint64_t pz_rounddown_pow2(uint64_t x)
{
	return x ? (uint64_t)1 << (pz_fls(x) - 1) : 0;
}

size_t pz_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

bool pz_streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}
