/*
 * trace_gfp.c - gfp flags as tracepoints print them, back into pagezone's
 * bits. pagezone's flags mean what Linux 4.x's meant; a 6.1 trace prints
 * later names, mapped here to their 4.x meaning:
 *
 *   __GFP_RETRY_MAYFAIL (4.13)  -> __GFP_REPEAT's bit (PZ__GFP_RETRY_MAYFAIL)
 *   __GFP_ACCOUNT, GFP_KERNEL_ACCOUNT's extra bit (4.5: memcg charging),
 *   __GFP_ZEROTAGS, __GFP_SKIP_* (arm64 MTE / KASAN)
 *                               -> their own bits, accepted and ignored by
 *                                  the allocator, so the text prints back
 *                                  (pz_gfp_format_profile, linux-6.1)
 *   __GFP_NOLOCKDEP             -> nothing (6.1 does not print it by name)
 *   GFP_TRANSHUGE_LIGHT (4.10)  -> HIGHUSER_MOVABLE|COMP|NOMEMALLOC|NOWARN
 *                                  without reclaim
 *   GFP_ATOMIC (4.4+)           -> HIGH|ATOMIC|KSWAPD_RECLAIM
 *
 * A mask string is looked up in a small cache first: a trace repeats a few
 * hundred distinct strings millions of times.
 */
#include "trace.h"

#include <stdlib.h>
#include <string.h>

#define GFP_CACHE_SLOTS 1024
#define GFP_KEY_MAX	200
#define GFP_WARN_MAX	64

/* GFP_TRANSHUGE_LIGHT; GFP_TRANSHUGE adds direct reclaim (4.x's had
 * NORETRY instead; a 4.x trace prints the 4.x value, read as 6.1's here). */
#define GFP_THP_LIGHT PZ_GFP_TRANSHUGE_LIGHT

struct gfp_slot {
	char *key;
	size_t len;
	pz_gfp_t value;
};

struct tr_gfp_cache {
	struct gfp_slot slot[GFP_CACHE_SLOTS];
	char *warned[GFP_WARN_MAX];
	size_t warned_len[GFP_WARN_MAX];
	unsigned nr_warned;
};

/* A copy of the n bytes at s (which may hold a NUL: a corrupt trace), so
 * that a later memcmp of n bytes stays inside it. */
static char *gfp_memdup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

static const struct {
	const char *name;
	pz_gfp_t bits;
} gfp_names[] = {
	{"none", 0},
	{"GFP_TRANSHUGE", GFP_THP_LIGHT | PZ__GFP_DIRECT_RECLAIM},
	{"GFP_TRANSHUGE_LIGHT", GFP_THP_LIGHT},
	{"GFP_HIGHUSER_MOVABLE", PZ_GFP_HIGHUSER_MOVABLE},
	{"GFP_HIGHUSER", PZ_GFP_HIGHUSER},
	{"GFP_USER", PZ_GFP_USER},
	{"GFP_KERNEL_ACCOUNT", PZ_GFP_KERNEL_ACCOUNT},
	{"GFP_KERNEL", PZ_GFP_KERNEL},
	{"GFP_TEMPORARY", PZ_GFP_TEMPORARY},
	{"GFP_NOFS", PZ_GFP_NOFS},
	{"GFP_ATOMIC", PZ_GFP_ATOMIC},
	{"GFP_NOIO", PZ_GFP_NOIO},
	{"GFP_NOWAIT", PZ_GFP_NOWAIT},
	{"GFP_IOFS", PZ_GFP_IOFS},
	{"GFP_DMA", PZ_GFP_DMA},
	{"GFP_DMA32", PZ_GFP_DMA32},
	{"__GFP_DMA", PZ_GFP_DMA},
	{"__GFP_DMA32", PZ_GFP_DMA32},
	{"__GFP_HIGHMEM", PZ__GFP_HIGHMEM},
	{"__GFP_HIGH", PZ__GFP_HIGH},
	{"__GFP_ATOMIC", PZ__GFP_ATOMIC},
	{"__GFP_IO", PZ__GFP_IO},
	{"__GFP_FS", PZ__GFP_FS},
	{"__GFP_COLD", PZ__GFP_COLD},
	{"__GFP_NOWARN", PZ__GFP_NOWARN},
	{"__GFP_REPEAT", PZ__GFP_REPEAT},
	{"__GFP_RETRY_MAYFAIL", PZ__GFP_RETRY_MAYFAIL},
	{"__GFP_NOFAIL", PZ__GFP_NOFAIL},
	{"__GFP_NORETRY", PZ__GFP_NORETRY},
	{"__GFP_COMP", PZ__GFP_COMP},
	{"__GFP_ZERO", PZ__GFP_ZERO},
	{"__GFP_NOMEMALLOC", PZ__GFP_NOMEMALLOC},
	{"__GFP_MEMALLOC", PZ__GFP_MEMALLOC},
	{"__GFP_HARDWALL", PZ__GFP_HARDWALL},
	{"__GFP_THISNODE", PZ__GFP_THISNODE},
	{"__GFP_RECLAIMABLE", PZ__GFP_RECLAIMABLE},
	{"__GFP_MOVABLE", PZ__GFP_MOVABLE},
	{"__GFP_NOACCOUNT", PZ__GFP_NOACCOUNT},
	{"__GFP_NOTRACK", PZ__GFP_NOTRACK},
	{"__GFP_OTHER_NODE", PZ__GFP_OTHER_NODE},
	{"__GFP_WRITE", PZ__GFP_WRITE},
	{"__GFP_WAIT", PZ__GFP_WAIT},
	{"__GFP_RECLAIM", PZ__GFP_RECLAIM},
	{"__GFP_DIRECT_RECLAIM", PZ__GFP_DIRECT_RECLAIM},
	{"__GFP_KSWAPD_RECLAIM", PZ__GFP_KSWAPD_RECLAIM},
	{"__GFP_ACCOUNT", PZ__GFP_ACCOUNT},
	{"__GFP_ZEROTAGS", PZ__GFP_ZEROTAGS},
	{"__GFP_SKIP_ZERO", PZ__GFP_SKIP_ZERO},
	{"__GFP_SKIP_KASAN_POISON", PZ__GFP_SKIP_KASAN_POISON},
	{"__GFP_SKIP_KASAN_UNPOISON", PZ__GFP_SKIP_KASAN_UNPOISON},
	{"__GFP_NOLOCKDEP", 0},
};

struct tr_gfp_cache *tr_gfp_new(void)
{
	return calloc(1, sizeof(struct tr_gfp_cache));
}

void tr_gfp_free(struct tr_gfp_cache *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < GFP_CACHE_SLOTS; i++)
		free(c->slot[i].key);
	for (unsigned i = 0; i < c->nr_warned; i++)
		free(c->warned[i]);
	free(c);
}

/* Warns once per unknown name (at most GFP_WARN_MAX distinct names). */
static void gfp_warn(struct tr_gfp_cache *c, const char *s, size_t n)
{
	for (unsigned i = 0; i < c->nr_warned; i++)
		if (c->warned_len[i] == n && !memcmp(c->warned[i], s, n))
			return;
	if (c->nr_warned == GFP_WARN_MAX)
		return;
	c->warned[c->nr_warned] = gfp_memdup(s, n);
	c->warned_len[c->nr_warned] = n;
	if (c->warned[c->nr_warned])
		c->nr_warned++;
	tool_error("warning: unknown gfp flag '%.*s' in the trace, ignored", (int)n, s);
}

static pz_gfp_t gfp_name(struct tr_gfp_cache *c, const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(gfp_names) / sizeof(gfp_names[0]); i++)
		if (strlen(gfp_names[i].name) == n && !memcmp(gfp_names[i].name, s, n))
			return gfp_names[i].bits;
	gfp_warn(c, s, n);
	return 0;
}

static pz_gfp_t gfp_parse_slow(struct tr_gfp_cache *c, const char *s, size_t n)
{
	pz_gfp_t v = 0;
	const char *e = s + n;

	while (s < e) {
		const char *bar = memchr(s, '|', (size_t)(e - s));
		size_t len = (size_t)((bar ? bar : e) - s);

		v |= gfp_name(c, s, len);
		s += len + 1;
	}
	return v;
}

static uint64_t gfp_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

pz_gfp_t tr_gfp_parse(struct tr_gfp_cache *c, const char *s, size_t n)
{
	uint64_t h = gfp_hash(s, n);
	struct gfp_slot *slot;

	for (unsigned probe = 0; probe < 8; probe++) {
		slot = &c->slot[(h + probe) % GFP_CACHE_SLOTS];
		if (slot->key && slot->len == n && !memcmp(slot->key, s, n))
			return slot->value;
		if (slot->key)
			continue;
		slot->value = gfp_parse_slow(c, s, n);
		if (n <= GFP_KEY_MAX) {
			slot->key = gfp_memdup(s, n);
			slot->len = n;
		}
		return slot->value;
	}
	return gfp_parse_slow(c, s, n);
}
