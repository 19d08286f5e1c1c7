/*
 * fault.c - fail_page_alloc: the kernel's page-allocation fault injection
 * (CONFIG_FAIL_PAGE_ALLOC, spec section 10).
 *
 * An embedder (or a test) arms it with a probability and the kernel's other
 * attributes; from then on the allocation entry asks, before it looks at
 * any zone, whether this request is one to fail. The answer follows the
 * kernel's rules in the kernel's order, so a scenario written against
 * debugfs fail_page_alloc/ behaves the same here: first the page-allocator
 * filters (min_order, __GFP_NOFAIL, highmem, direct reclaim), then the
 * generic ones (probability, task filter, times, space, interval, the
 * random draw).
 *
 * Everything the decision reads or writes lives under one small leaf lock,
 * taken with no other allocator lock held, so that concurrent callers see a
 * single sequence of decisions (the kernel lets its interval count race; a
 * library that promises reproducible runs should not). The report of an
 * injected failure goes to the log sink after that lock is dropped. While
 * the probability is 0 the allocation path pays one relaxed load.
 *
 * random() is a generator private to the instance (splitmix64), restarted
 * from the attributes' seed whenever they are set.
 */
#include <limits.h>

#include "internal.h"

#define FAULT_DEFAULT_SEED 0x70616765u /* "page" */

void pz_fault_attr_default(struct pz_fault_attr *attr)
{
	if (!attr)
		return;
	pz_memzero(attr, sizeof(*attr));
	attr->interval = 1;
	attr->times = 1;
	attr->verbose = 2;
	attr->ignore_gfp_reclaim = true;
	attr->ignore_gfp_highmem = true;
	attr->min_order = 1;
	attr->seed = FAULT_DEFAULT_SEED;
}

/* splitmix64: one 64-bit step; the top 32 bits play prandom_u32(). */
static uint32_t fault_random(struct pz_fault *f)
{
	uint64_t z = (f->rnd += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)((z ^ (z >> 31)) >> 32);
}

static void fault_install_locked(struct pz *pz, const struct pz_fault_attr *attr)
{
	struct pz_fault *f = &pz->fault;

	pz_assert_fault_locked(pz);
	f->attr = *attr;
	f->count = 0;
	f->rnd = attr->seed;
	atomic_store_explicit(&f->armed, attr->probability != 0, memory_order_relaxed);
	if (attr->probability)
		atomic_fetch_or_explicit(&pz->fast_off, PZ_OFF_FAULT, memory_order_relaxed);
	else
		atomic_fetch_and_explicit(&pz->fast_off, ~(unsigned)PZ_OFF_FAULT,
					  memory_order_relaxed);
}

void pz_fault_init(struct pz *pz)
{
	struct pz_fault_attr def;

	pz_lock_init(&pz->fault.lock);
	pz_fault_attr_default(&def);
	pz_lock(pz, &pz->fault.lock);
	fault_install_locked(pz, &def);
	pz_unlock(&pz->fault.lock);
}

int pz_set_fail_page_alloc(pz_t *pz, const struct pz_fault_attr *attr)
{
	struct pz_fault_attr def;

	if (!pz_instance_ok(pz))
		return -PZ_EINVAL;
	if (!attr) {
		pz_fault_attr_default(&def);
		attr = &def;
	}
	pz_lock(pz, &pz->fault.lock);
	fault_install_locked(pz, attr);
	pz_unlock(&pz->fault.lock);
	return 0;
}

int pz_get_fail_page_alloc(pz_t *pz, struct pz_fault_attr *attr)
{
	if (!pz_instance_ok(pz) || !attr)
		return -PZ_EINVAL;
	pz_lock(pz, &pz->fault.lock);
	*attr = pz->fault.attr;
	pz_unlock(&pz->fault.lock);
	return 0;
}

/* fail_task: the task opted in and is not serving an interrupt. */
static bool fail_task(const struct pz_task *task)
{
	return !(task->flags & (PZ_TASK_IN_INTERRUPT | PZ_TASK_IN_SOFTIRQ)) &&
	       (task->flags & PZ_TASK_MAKE_IT_FAIL);
}

/* should_fail(attr, size) after the page filters; f->lock held. */
static bool should_fail_locked(struct pz *pz, struct pz_fault *f, const struct pz_task *task,
			       long size)
{
	struct pz_fault_attr *a = &f->attr;

	pz_assert_fault_locked(pz);
	if (a->probability == 0)
		return false;
	if (a->task_filter && !fail_task(task))
		return false;
	if (a->times == 0)
		return false;
	if (a->space > size) {
		a->space -= (int)size;
		return false;
	}
	if (a->interval > 1 && ++f->count % a->interval)
		return false;
	if (a->probability <= fault_random(f) % 100)
		return false;
	/* the stack-trace filter has nothing to match in userspace: it passes */
	return true;
}

/* should_fail_alloc_page's own filters; f->lock held. */
static bool page_filters_pass(const struct pz_fault_attr *a, pz_gfp_t gfp, unsigned order)
{
	if (order < a->min_order)
		return false;
	if (gfp & PZ__GFP_NOFAIL)
		return false;
	if (a->ignore_gfp_highmem && (gfp & PZ__GFP_HIGHMEM))
		return false;
	if (a->ignore_gfp_reclaim && (gfp & PZ__GFP_DIRECT_RECLAIM))
		return false;
	return true;
}

bool pz_should_fail_alloc_page_slow(struct pz *pz, const struct pz_task *task, pz_gfp_t gfp,
				    unsigned order)
{
	struct pz_fault *f = &pz->fault;
	struct pz_fault_attr dump;
	bool fail;

	pz_lock(pz, &f->lock);
	fail = page_filters_pass(&f->attr, gfp, order) &&
	       should_fail_locked(pz, f, task, (long)1 << order);
	if (fail) {
		dump = f->attr; /* the report shows times before this failure took one */
		/* atomic_dec of an atomic_t: INT_MIN wraps to INT_MAX, in
		 * unsigned arithmetic (a signed int must not overflow) */
		if (f->attr.times != -1)
			f->attr.times = (int)((unsigned)f->attr.times - 1u);
	}
	pz_unlock(&f->lock);
	if (!fail)
		return false;
	pz_count(&pz->err.fault_injected);
	if (dump.verbose > 0)
		pz_log(pz, PZ_LOG_NOTICE,
		       "FAULT_INJECTION: forcing a failure.; " /* one line: one message */
		       "name fail_page_alloc, interval %lu, probability %lu, space %d, times %d",
		       dump.interval, dump.probability, dump.space, dump.times);
	return true;
}

/* ---- the boot option ------------------------------------------------------ */

/* A decimal number up to max (an optional '-' when neg_ok); *s moves past it. */
static bool parse_num(const char **s, bool neg_ok, uint64_t max, uint64_t *mag, bool *neg)
{
	const char *p = *s;
	uint64_t v = 0;

	*neg = false;
	if (neg_ok && *p == '-') {
		*neg = true;
		p++;
	}
	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*mag = v;
	*s = p;
	return true;
}

/* A signed field that must fit an int (INT_MIN included). */
static bool parse_int(const char **s, int *out)
{
	uint64_t mag;
	bool neg;

	if (!parse_num(s, true, (uint64_t)INT_MAX + 1, &mag, &neg))
		return false;
	if (!neg && mag > (uint64_t)INT_MAX)
		return false;
	*out = neg ? (int)(-(int64_t)mag) : (int)mag;
	return true;
}

static bool parse_ulong(const char **s, unsigned long *out)
{
	uint64_t mag;
	bool neg;

	if (!parse_num(s, false, ULONG_MAX, &mag, &neg))
		return false;
	*out = (unsigned long)mag;
	return true;
}

static bool eat(const char **s, char c)
{
	if (**s != c)
		return false;
	(*s)++;
	return true;
}

int pz_fault_attr_parse(const char *str, struct pz_fault_attr *attr)
{
	static const char prefix[] = "fail_page_alloc=";
	unsigned long interval, probability;
	int space, times;
	size_t n = sizeof(prefix) - 1, i;

	if (!str || !attr)
		return -PZ_EINVAL;
	for (i = 0; i < n && str[i] == prefix[i]; i++)
		;
	if (i == n)
		str += n;
	if (!parse_ulong(&str, &interval) || !eat(&str, ',') || !parse_ulong(&str, &probability) ||
	    !eat(&str, ',') || !parse_int(&str, &space) || !eat(&str, ',') ||
	    !parse_int(&str, &times))
		return -PZ_EINVAL;
	eat(&str, '\n');
	if (*str)
		return -PZ_EINVAL;
	attr->interval = interval;
	attr->probability = probability;
	attr->space = space;
	attr->times = times;
	return 0;
}
