/*
 * bench_prim.c - what a per-CPU list costs at its floor, three ways, so that
 * the choice of the pcp protection in docs/DESIGN.md rests on numbers from
 * the same run: a pop and a push on a small per-CPU array of page indices
 *
 *   plain  - no protection at all (the floor; what a per-thread cache pays),
 *   lock   - each operation under an xchg spin lock, as pagezone's pcp lists,
 *   rseq   - each operation a restartable sequence (x86-64): the CPU number
 *            is read inside the sequence from glibc's registered rseq area
 *            and the single committing store is the last instruction, so a
 *            preemption or migration restarts it instead of corrupting the
 *            array (TCMalloc's per-CPU caches work this way).
 *
 * Only a measurement: nothing here is used by the library.
 */
#define _GNU_SOURCE
#include "bench.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__has_include)
#if __has_include(<sys/rseq.h>)
#include <sys/rseq.h>
#define PRIM_RSEQ 1
#endif
#endif

#define PRIM_CPUS  256
#define PRIM_SLOTS 14

/* One cache line per CPU: the top index and 14 slots. */
struct prim_slab {
	int64_t top;
	uint32_t slot[PRIM_SLOTS];
} __attribute__((aligned(64)));

static struct prim_slab slabs[PRIM_CPUS];
static atomic_int locks[PRIM_CPUS * 16]; /* one per cache line */

static void fill(void)
{
	memset(slabs, 0, sizeof(slabs));
	for (int c = 0; c < PRIM_CPUS; c++) {
		slabs[c].top = PRIM_SLOTS / 2;
		for (int i = 0; i < PRIM_SLOTS; i++)
			slabs[c].slot[i] = (uint32_t)(c * 100 + i);
	}
}

static int this_cpu(void)
{
	int c = sched_getcpu();

	return c >= 0 && c < PRIM_CPUS ? c : 0;
}

/* plain: the cpu is read once per loop, as a pinned per-thread cache would */
static void loop_plain(void *ctx, long n)
{
	struct prim_slab *s = &slabs[this_cpu()];

	(void)ctx;
	for (long i = 0; i < n; i++) {
		uint32_t v = s->slot[--s->top];

		__asm__ __volatile__("" ::: "memory");
		s->slot[s->top++] = v;
		__asm__ __volatile__("" ::: "memory");
	}
}

static inline void spin_lock(atomic_int *l)
{
	while (atomic_exchange_explicit(l, 1, memory_order_acquire))
		while (atomic_load_explicit(l, memory_order_relaxed))
			;
}

static inline void spin_unlock(atomic_int *l)
{
	atomic_store_explicit(l, 0, memory_order_release);
}

static void loop_lock(void *ctx, long n)
{
	int c = this_cpu();
	struct prim_slab *s = &slabs[c];
	atomic_int *l = &locks[c * 16];

	(void)ctx;
	for (long i = 0; i < n; i++) {
		uint32_t v;

		spin_lock(l);
		v = s->slot[--s->top];
		spin_unlock(l);
		spin_lock(l);
		s->slot[s->top++] = v;
		spin_unlock(l);
	}
}

#ifdef PRIM_RSEQ
static inline struct rseq *rseq_area(void)
{
	return (struct rseq *)(void *)((char *)__builtin_thread_pointer() + __rseq_offset);
}

/* The rseq_cs descriptor, the signature before the abort target and the
 * critical section: cpu_id read, array update, one committing store. */
#define RSEQ_CS(start, post, abort)                                                                \
	".pushsection __rseq_cs, \"aw\"\n\t"                                                       \
	".balign 32\n\t"                                                                           \
	"77:\n\t"                                                                                  \
	".long 0, 0\n\t"                                                                           \
	".quad " #start "f, (" #post "f - " #start "f), " #abort "f\n\t"                           \
	".popsection\n\t"
#define RSEQ_ABORT(abort, label)                                                                   \
	".pushsection __rseq_failure, \"ax\"\n\t"                                                  \
	".byte 0x0f, 0xb9, 0x3d\n\t"                                                               \
	".long 0x53053053\n\t" #abort ":\n\t"                                                      \
	"jmp %l[" #label "]\n\t"                                                                   \
	".popsection\n\t"

/* Pops the top slot of this CPU's slab: >= 0, -1 when empty, -2 aborted. */
static inline int64_t rseq_pop(struct rseq *rs)
{
	int64_t v;

	__asm__ __volatile__ goto(RSEQ_CS(1, 2, 4) "leaq 77b(%%rip), %%rax\n\t"
						   "movq %%rax, 8(%[rs])\n\t"
						   "1:\n\t"
						   "movl 4(%[rs]), %%eax\n\t"
						   "shlq $6, %%rax\n\t"
						   "addq %[slabs], %%rax\n\t"
						   "movq (%%rax), %%rcx\n\t"
						   "testq %%rcx, %%rcx\n\t"
						   "jz %l[empty]\n\t"
						   "decq %%rcx\n\t"
						   "movl 8(%%rax,%%rcx,4), %%edx\n\t"
						   "movq %%rdx, %[v]\n\t"
						   "movq %%rcx, (%%rax)\n\t"
						   "2:\n\t" RSEQ_ABORT(4, aborted)
				  : [v] "=&m"(v)
				  : [rs] "r"(rs), [slabs] "r"(slabs)
				  : "rax", "rcx", "rdx", "memory", "cc"
				  : empty, aborted);
	return v;
empty:
	return -1;
aborted:
	return -2;
}

/* Pushes v on this CPU's slab: 0, -1 when full, -2 aborted. */
static inline int rseq_push(struct rseq *rs, uint32_t v)
{
	__asm__ __volatile__ goto(
		RSEQ_CS(1, 2, 4) "leaq 77b(%%rip), %%rax\n\t"
				 "movq %%rax, 8(%[rs])\n\t"
				 "1:\n\t"
				 "movl 4(%[rs]), %%eax\n\t"
				 "shlq $6, %%rax\n\t"
				 "addq %[slabs], %%rax\n\t"
				 "movq (%%rax), %%rcx\n\t"
				 "cmpq %[max], %%rcx\n\t"
				 "jae %l[full]\n\t"
				 "movl %[v], 8(%%rax,%%rcx,4)\n\t"
				 "incq %%rcx\n\t"
				 "movq %%rcx, (%%rax)\n\t"
				 "2:\n\t" RSEQ_ABORT(4, aborted)
		:
		: [rs] "r"(rs), [slabs] "r"(slabs), [v] "r"(v), [max] "i"(PRIM_SLOTS)
		: "rax", "rcx", "memory", "cc"
		: full, aborted);
	return 0;
full:
	return -1;
aborted:
	return -2;
}

static long rseq_aborts;

static void loop_rseq(void *ctx, long n)
{
	struct rseq *rs = rseq_area();

	(void)ctx;
	for (long i = 0; i < n; i++) {
		int64_t v;

		while ((v = rseq_pop(rs)) == -2)
			rseq_aborts++;
		if (v < 0)
			v = 0; /* cannot happen: the slabs start half full */
		while (rseq_push(rs, (uint32_t)v) == -2)
			rseq_aborts++;
	}
}
#endif

/* Every loop pops and pushes the same value: the slabs must be as filled. */
static int intact(void)
{
	for (int c = 0; c < PRIM_CPUS; c++) {
		if (slabs[c].top != PRIM_SLOTS / 2)
			return 0;
		for (int i = 0; i < PRIM_SLOTS / 2; i++)
			if (slabs[c].slot[i] != (uint32_t)(c * 100 + i))
				return 0;
	}
	return 1;
}

void bench_prim(const struct bench_opts *o)
{
	long iters = o->quick ? 2000000 : 20000000;
	struct bench_result plain, lock;

	fill();
	plain = bench_rounds(o, loop_plain, NULL, iters);
	lock = bench_rounds(o, loop_lock, NULL, iters);
#ifdef PRIM_RSEQ
	if (__rseq_size && (int)rseq_area()->cpu_id >= 0) {
		struct bench_result rs = bench_rounds(o, loop_rseq, NULL, iters);

		bench_info("per-CPU list floor, one pop + one push (median ns): plain %.2f, "
			   "xchg spin lock %.2f, rseq %.2f (%ld restarts%s)",
			   plain.median, lock.median, rs.median, rseq_aborts,
			   intact() ? "" : ", SLABS CORRUPTED");
		return;
	}
#endif
	bench_info("per-CPU list floor, one pop + one push (median ns): plain %.2f, xchg spin "
		   "lock %.2f, rseq not available here",
		   plain.median, lock.median);
}
