/*
 * gfp.c - what a gfp mask means: the highest zone it allows (the 16-entry
 * zone table), the migratetype it asks for, the alloc_flags of the slow
 * path, and the kernel's printed form.
 *
 * pagezone's bit values follow 4.4's layout, with both reclaim bits: 4.1's
 * __GFP_WAIT is DIRECT_RECLAIM|KSWAPD_RECLAIM and its __GFP_NO_KSWAPD is the
 * absence of KSWAPD_RECLAIM. The linux-4.1 profile derives "atomic" from
 * those bits as 4.1 did; the modern profile reads PZ__GFP_ATOMIC.
 */
#include "internal.h"

#define BAD		   (-1)
#define OPT(type, present) (((present) >> (type)) & 1 ? (type) : PZ_ZONE_NORMAL)

/*
 * The table indexed by the zone bits (MOVABLE, DMA32, HIGHMEM, DMA). Entries
 * name the zone type before the "not configured -> NORMAL" fallback.
 */
static const signed char gfp_zone_table[16] = {
	[0x0] = PZ_ZONE_NORMAL,
	[0x1] = PZ_ZONE_DMA,
	[0x2] = PZ_ZONE_HIGHMEM,
	[0x3] = BAD,
	[0x4] = PZ_ZONE_DMA32,
	[0x5] = BAD,
	[0x6] = BAD,
	[0x7] = BAD,
	[0x8] = PZ_ZONE_NORMAL,
	[0x9] = PZ_ZONE_DMA,
	[0xa] = PZ_ZONE_MOVABLE,
	[0xb] = BAD,
	[0xc] = PZ_ZONE_DMA32,
	[0xd] = BAD,
	[0xe] = BAD,
	[0xf] = BAD,
};

int pz_gfp_zone_internal(pz_gfp_t gfp, unsigned zone_present)
{
	int z = gfp_zone_table[gfp & PZ_GFP_ZONEMASK];

	if (z == BAD)
		return -PZ_EINVAL;
	if (z == PZ_ZONE_DMA || z == PZ_ZONE_DMA32 || z == PZ_ZONE_HIGHMEM)
		return OPT(z, zone_present);
	return z;
}

int pz_gfp_zone(pz_gfp_t gfp, unsigned zone_present)
{
	return pz_gfp_zone_internal(gfp, zone_present);
}

enum pz_migratetype pz_gfp_migratetype(pz_gfp_t gfp)
{
	bool mov = gfp & PZ__GFP_MOVABLE, rec = gfp & PZ__GFP_RECLAIMABLE;

	if (mov && rec)
		return PZ_MT_RESERVE; /* slot 3, as both kernels compute it */
	if (mov)
		return PZ_MT_MOVABLE;
	return rec ? PZ_MT_RECLAIMABLE : PZ_MT_UNMOVABLE;
}

unsigned pz_gfp_to_mt(const struct pz *pz, pz_gfp_t gfp)
{
	if (pz->mobility_disabled)
		return PZ_MT_UNMOVABLE;
	return pz_gfp_migratetype(gfp);
}

/* The table behind the order-0 shortcuts (pz->gfp_fast); after init has
 * settled the present zone types and mobility grouping. */
void pz_build_gfp_fast(struct pz *pz)
{
	for (unsigned i = 0; i <= PZ_GFP_FAST_BITS; i++) {
		int high = pz_gfp_zone_internal((pz_gfp_t)i, pz->zone_present_types);
		unsigned mt = pz_gfp_to_mt(pz, (pz_gfp_t)i);
		bool mixed = (i & PZ__GFP_MOVABLE) && (i & PZ__GFP_RECLAIMABLE);
		/* without grouping, a movable request's block is marked movable
		 * after the general path (alloc.c), so it takes that path */
		bool mark = pz->mobility_disabled && (i & PZ__GFP_MOVABLE);

		pz->gfp_fast[i] = high < 0 || mixed || mark || mt >= PZ_MT_PCPTYPES
					  ? PZ_GFP_FAST_NONE
					  : pz_fast_pack((unsigned)high, mt);
	}
}

/* 4.1: "atomic" = !(WAIT | NO_KSWAPD); 4.4+: the __GFP_ATOMIC bit. */
bool pz_gfp_is_atomic(const struct pz *pz, pz_gfp_t gfp)
{
	if (pz_kver(pz) < PZ_KV(4, 4))
		return !(gfp & PZ__GFP_DIRECT_RECLAIM) && (gfp & PZ__GFP_KSWAPD_RECLAIM);
	return (gfp & PZ__GFP_ATOMIC) != 0;
}

/* gfp_to_alloc_flags (spec section 3), for the slow path. */
unsigned pz_gfp_to_alloc_flags(const struct pz *pz, const struct pz_task *task, pz_gfp_t gfp,
			       unsigned mt)
{
	unsigned flags = PZ_ALLOC_WMARK_MIN | PZ_ALLOC_CPUSET;
	unsigned tf = task->flags;
	bool in_irq = tf & (PZ_TASK_IN_INTERRUPT | PZ_TASK_IN_SOFTIRQ); /* in_interrupt() */

	flags |= gfp & PZ__GFP_HIGH; /* PZ_ALLOC_HIGH has the same value */
	if (pz_gfp_is_atomic(pz, gfp)) {
		if (!(gfp & PZ__GFP_NOMEMALLOC))
			flags |= PZ_ALLOC_HARDER;
		flags &= ~PZ_ALLOC_CPUSET;
	} else if ((tf & PZ_TASK_RT) && !in_irq) {
		flags |= PZ_ALLOC_HARDER;
	}
	if (!(gfp & PZ__GFP_NOMEMALLOC)) {
		if (gfp & PZ__GFP_MEMALLOC)
			flags |= PZ_ALLOC_NO_WATERMARKS;
		else if ((tf & PZ_TASK_IN_SOFTIRQ) && (tf & PZ_TASK_MEMALLOC))
			flags |= PZ_ALLOC_NO_WATERMARKS;
		else if (!in_irq && (tf & (PZ_TASK_MEMALLOC | PZ_TASK_OOM_VICTIM)))
			flags |= PZ_ALLOC_NO_WATERMARKS;
	}
	if (pz->has_cma && mt == PZ_MT_MOVABLE)
		flags |= PZ_ALLOC_CMA;
	if (gfp & PZ__GFP_KSWAPD_RECLAIM)
		flags |= PZ_ALLOC_KSWAPD; /* 5.0's ALLOC_KSWAPD: only boosting reads it */
	return flags;
}

/*
 * 4.1's show_gfp_flags table, in its order: composites first, each match
 * consumes its bits. Masks are expressed in 4.1's own bit world (see
 * to_41_bits), so that e.g. GFP_ATOMIC (4.1: __GFP_HIGH) prints as 4.1 did.
 */
enum {
	B41_WAIT = 0x10,
	B41_HIGH = 0x20,
	B41_IO = 0x40,
	B41_FS = 0x80,
	B41_COLD = 0x100,
	B41_NOWARN = 0x200,
	B41_REPEAT = 0x400,
	B41_NOFAIL = 0x800,
	B41_NORETRY = 0x1000,
	B41_MEMALLOC = 0x2000,
	B41_COMP = 0x4000,
	B41_ZERO = 0x8000,
	B41_NOMEMALLOC = 0x10000,
	B41_HARDWALL = 0x20000,
	B41_THISNODE = 0x40000,
	B41_RECLAIMABLE = 0x80000,
	B41_NOTRACK = 0x200000,
	B41_NO_KSWAPD = 0x400000,
	B41_OTHER_NODE = 0x800000,
	B41_WRITE = 0x1000000,
	B41_KERNEL = B41_WAIT | B41_IO | B41_FS,
	B41_USER = B41_KERNEL | B41_HARDWALL,
	B41_HIGHUSER = B41_USER | 0x2,
	B41_HIGHUSER_MOVABLE = B41_HIGHUSER | 0x8,
	B41_TRANSHUGE = B41_HIGHUSER_MOVABLE | B41_COMP | B41_NOMEMALLOC | B41_NORETRY |
			B41_NOWARN | B41_NO_KSWAPD,
};

static const struct {
	uint32_t mask;
	const char *name;
} gfp41_names[] = {
	{B41_TRANSHUGE, "GFP_TRANSHUGE"},
	{B41_HIGHUSER_MOVABLE, "GFP_HIGHUSER_MOVABLE"},
	{B41_HIGHUSER, "GFP_HIGHUSER"},
	{B41_USER, "GFP_USER"},
	{B41_KERNEL | B41_RECLAIMABLE, "GFP_TEMPORARY"},
	{B41_KERNEL, "GFP_KERNEL"},
	{B41_WAIT | B41_IO, "GFP_NOFS"},
	{B41_HIGH, "GFP_ATOMIC"},
	{B41_WAIT, "GFP_NOIO"},
	{B41_HIGH, "GFP_HIGH"},
	{B41_WAIT, "GFP_WAIT"},
	{B41_IO, "GFP_IO"},
	{B41_COLD, "GFP_COLD"},
	{B41_NOWARN, "GFP_NOWARN"},
	{B41_REPEAT, "GFP_REPEAT"},
	{B41_NOFAIL, "GFP_NOFAIL"},
	{B41_NORETRY, "GFP_NORETRY"},
	{B41_COMP, "GFP_COMP"},
	{B41_ZERO, "GFP_ZERO"},
	{B41_NOMEMALLOC, "GFP_NOMEMALLOC"},
	{B41_MEMALLOC, "GFP_MEMALLOC"},
	{B41_HARDWALL, "GFP_HARDWALL"},
	{B41_THISNODE, "GFP_THISNODE"},
	{B41_RECLAIMABLE, "GFP_RECLAIMABLE"},
	{0x8, "GFP_MOVABLE"},
	{B41_NOTRACK, "GFP_NOTRACK"},
	{B41_NO_KSWAPD, "GFP_NO_KSWAPD"},
	{B41_OTHER_NODE, "GFP_OTHER_NODE"},
};

/* Re-expresses a pagezone mask in 4.1's bit layout. */
static uint32_t to_41_bits(pz_gfp_t g)
{
	static const struct {
		pz_gfp_t ours;
		uint32_t theirs;
	} map[] = {
		{PZ__GFP_HIGH, B41_HIGH},
		{PZ__GFP_IO, B41_IO},
		{PZ__GFP_FS, B41_FS},
		{PZ__GFP_COLD, B41_COLD},
		{PZ__GFP_NOWARN, B41_NOWARN},
		{PZ__GFP_REPEAT, B41_REPEAT},
		{PZ__GFP_NOFAIL, B41_NOFAIL},
		{PZ__GFP_NORETRY, B41_NORETRY},
		{PZ__GFP_MEMALLOC, B41_MEMALLOC},
		{PZ__GFP_COMP, B41_COMP},
		{PZ__GFP_ZERO, B41_ZERO},
		{PZ__GFP_NOMEMALLOC, B41_NOMEMALLOC},
		{PZ__GFP_HARDWALL, B41_HARDWALL},
		{PZ__GFP_THISNODE, B41_THISNODE},
		{PZ__GFP_RECLAIMABLE, B41_RECLAIMABLE},
		{PZ__GFP_NOTRACK, B41_NOTRACK},
		{PZ__GFP_OTHER_NODE, B41_OTHER_NODE},
		{PZ__GFP_WRITE, B41_WRITE},
		{PZ__GFP_DIRECT_RECLAIM, B41_WAIT},
	};
	uint32_t out = g & PZ_GFP_ZONEMASK;

	for (unsigned i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (g & map[i].ours)
			out |= map[i].theirs;
	if (!(g & PZ__GFP_KSWAPD_RECLAIM))
		out |= B41_NO_KSWAPD;
	return out;
}

size_t pz_gfp_format(pz_gfp_t gfp, char *buf, size_t len)
{
	struct pz_out o = {buf, len, 0};
	uint32_t left = to_41_bits(gfp);
	const char *delim = "";

	if (!left) {
		pz_out_printf(&o, "GFP_NOWAIT");
		return pz_out_finish(&o);
	}
	for (unsigned i = 0; i < sizeof(gfp41_names) / sizeof(gfp41_names[0]) && left; i++) {
		uint32_t m = gfp41_names[i].mask;

		if ((left & m) != m)
			continue;
		pz_out_printf(&o, "%s%s", delim, gfp41_names[i].name);
		delim = "|";
		left &= ~m;
	}
	if (left)
		pz_out_printf(&o, "%s%#x", delim, left);
	return pz_out_finish(&o);
}

/*
 * 6.1's show_gfp_flags table, in its order (composites first, each match
 * consuming its bits), in pagezone's bits, which mean what 6.1's mean for
 * every name here; the KASAN hint bits follow __GFP_ZEROTAGS as with
 * CONFIG_KASAN_HW_TAGS; last the 4.x bits 6.1 no longer has.
 */
static const struct {
	pz_gfp_t mask;
	const char *name;
} gfp61_names[] = {
	{PZ_GFP_TRANSHUGE_LIGHT | PZ__GFP_DIRECT_RECLAIM, "GFP_TRANSHUGE"},
	{PZ_GFP_TRANSHUGE_LIGHT, "GFP_TRANSHUGE_LIGHT"},
	{PZ_GFP_HIGHUSER_MOVABLE, "GFP_HIGHUSER_MOVABLE"},
	{PZ_GFP_HIGHUSER, "GFP_HIGHUSER"},
	{PZ_GFP_USER, "GFP_USER"},
	{PZ_GFP_KERNEL_ACCOUNT, "GFP_KERNEL_ACCOUNT"},
	{PZ_GFP_KERNEL, "GFP_KERNEL"},
	{PZ_GFP_NOFS, "GFP_NOFS"},
	{PZ_GFP_ATOMIC, "GFP_ATOMIC"},
	{PZ_GFP_NOIO, "GFP_NOIO"},
	{PZ_GFP_NOWAIT, "GFP_NOWAIT"},
	{PZ_GFP_DMA, "GFP_DMA"},
	{PZ__GFP_HIGHMEM, "__GFP_HIGHMEM"},
	{PZ_GFP_DMA32, "GFP_DMA32"},
	{PZ__GFP_HIGH, "__GFP_HIGH"},
	{PZ__GFP_ATOMIC, "__GFP_ATOMIC"},
	{PZ__GFP_IO, "__GFP_IO"},
	{PZ__GFP_FS, "__GFP_FS"},
	{PZ__GFP_NOWARN, "__GFP_NOWARN"},
	{PZ__GFP_RETRY_MAYFAIL, "__GFP_RETRY_MAYFAIL"},
	{PZ__GFP_NOFAIL, "__GFP_NOFAIL"},
	{PZ__GFP_NORETRY, "__GFP_NORETRY"},
	{PZ__GFP_COMP, "__GFP_COMP"},
	{PZ__GFP_ZERO, "__GFP_ZERO"},
	{PZ__GFP_NOMEMALLOC, "__GFP_NOMEMALLOC"},
	{PZ__GFP_MEMALLOC, "__GFP_MEMALLOC"},
	{PZ__GFP_HARDWALL, "__GFP_HARDWALL"},
	{PZ__GFP_THISNODE, "__GFP_THISNODE"},
	{PZ__GFP_RECLAIMABLE, "__GFP_RECLAIMABLE"},
	{PZ__GFP_MOVABLE, "__GFP_MOVABLE"},
	{PZ__GFP_ACCOUNT, "__GFP_ACCOUNT"},
	{PZ__GFP_WRITE, "__GFP_WRITE"},
	{PZ__GFP_RECLAIM, "__GFP_RECLAIM"},
	{PZ__GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM"},
	{PZ__GFP_KSWAPD_RECLAIM, "__GFP_KSWAPD_RECLAIM"},
	{PZ__GFP_ZEROTAGS, "__GFP_ZEROTAGS"},
	{PZ__GFP_SKIP_ZERO, "__GFP_SKIP_ZERO"},
	{PZ__GFP_SKIP_KASAN_POISON, "__GFP_SKIP_KASAN_POISON"},
	{PZ__GFP_SKIP_KASAN_UNPOISON, "__GFP_SKIP_KASAN_UNPOISON"},
	{PZ__GFP_COLD, "__GFP_COLD"},
	{PZ__GFP_NOACCOUNT, "__GFP_NOACCOUNT"},
	{PZ__GFP_NOTRACK, "__GFP_NOTRACK"},
	{PZ__GFP_OTHER_NODE, "__GFP_OTHER_NODE"},
};

static size_t gfp_format_61(pz_gfp_t gfp, char *buf, size_t len)
{
	struct pz_out o = {buf, len, 0};
	pz_gfp_t left = gfp;
	const char *delim = "";

	if (!gfp) {
		pz_out_printf(&o, "none");
		return pz_out_finish(&o);
	}
	for (unsigned i = 0; i < sizeof(gfp61_names) / sizeof(gfp61_names[0]) && left; i++) {
		pz_gfp_t m = gfp61_names[i].mask;

		if ((left & m) != m)
			continue;
		pz_out_printf(&o, "%s%s", delim, gfp61_names[i].name);
		delim = "|";
		left &= ~m;
	}
	if (left)
		pz_out_printf(&o, "%s%#x", delim, left);
	return pz_out_finish(&o);
}

size_t pz_gfp_format_profile(enum pz_profile profile, pz_gfp_t gfp, char *buf, size_t len)
{
	if (profile == PZ_PROFILE_LINUX_6_1)
		return gfp_format_61(gfp, buf, len);
	if (profile == PZ_PROFILE_LINUX_4_1 || profile == PZ_PROFILE_LINUX_4_4)
		return pz_gfp_format(gfp, buf, len);
	if (buf && len)
		buf[0] = 0;
	return 0;
}

static const char *const mt_names_41[PZ_MT_TYPES] = {"Unmovable", "Reclaimable", "Movable",
						     "Reserve",	  "CMA",	 "Isolate"};
static const char *const mt_names_44[PZ_MT_TYPES] = {"Unmovable",  "Movable", "Reclaimable",
						     "HighAtomic", "CMA",     "Isolate"};

/* The migratetype at position idx of the kernel's enum in this profile:
 * pagezone numbers types in 4.4's order; 4.1 has RECLAIMABLE before
 * MOVABLE. Reports print in this order and the pcp drain walks its lists
 * in it. */
int pz_kernel_mt_order(const struct pz *pz, unsigned idx)
{
	static const uint8_t order41[PZ_MT_TYPES] = {PZ_MT_UNMOVABLE, PZ_MT_RECLAIMABLE,
						     PZ_MT_MOVABLE,   PZ_MT_RESERVE,
						     PZ_MT_CMA,	      PZ_MT_ISOLATE};

	return pz_kver(pz) < PZ_KV(4, 4) ? order41[idx] : (int)idx;
}

int pz_migratetype_kernel_value(enum pz_profile profile, enum pz_migratetype mt)
{
	if ((unsigned)mt >= PZ_MT_TYPES || (unsigned)profile >= PZ_NR_PROFILES)
		return -PZ_EINVAL;
	if (profile == PZ_PROFILE_LINUX_4_1 && (mt == PZ_MT_MOVABLE || mt == PZ_MT_RECLAIMABLE))
		return mt == PZ_MT_MOVABLE ? 2 : 1;
	return (int)mt;
}

const char *pz_migratetype_name(enum pz_profile profile, enum pz_migratetype mt)
{
	int k = pz_migratetype_kernel_value(profile, mt);

	if (k < 0)
		return (const char *)0;
	return profile == PZ_PROFILE_LINUX_4_1 ? mt_names_41[k] : mt_names_44[k];
}

const char *pz_zone_type_name(enum pz_zone_type type)
{
	static const char *const names[PZ_NR_ZONE_TYPES] = {"DMA", "DMA32", "Normal", "HighMem",
							    "Movable"};
	return (unsigned)type < PZ_NR_ZONE_TYPES ? names[type] : (const char *)0;
}
