/*
 * reclaim_mock.h - a mock cache behind a shrinker for the reclaim and
 * kswapd tests: it holds real pages of the instance (one object = one
 * order-0 page), records every count and scan call, and misbehaves on
 * request (lies, double frees, allocates, stops, unregisters).
 */
#ifndef PZ_RECLAIM_MOCK_H
#define PZ_RECLAIM_MOCK_H

#include "testutil.h"

#include <string.h>

#define RM_MAX_PAGES 16384
#define RM_MAX_CALLS 4096

enum rm_mode {
	RM_FREE = 0,	/* frees one held page per object scanned, returns that */
	RM_NOTHING,	/* frees nothing, returns 0 (objects stay) */
	RM_LIE,		/* frees nothing, claims nr_to_scan */
	RM_DOUBLE,	/* frees each page twice */
	RM_ALLOC,	/* allocates a page from the same instance, frees it, then frees */
	RM_STOP,	/* SHRINK_STOP on every scan */
	RM_UNREG_SELF,	/* unregisters itself from the first scan, then frees */
	RM_UNREG_OTHER, /* unregisters `other` from the first scan, then frees */
	RM_OTHER_TASK,	/* frees as another task (pz_set_current_task) */
};

struct rm_call {
	char kind; /* 'c' count, 's' scan */
	int nid, priority;
	unsigned long nr_to_scan;
};

struct rm_cache {
	struct pz_shrinker s;
	pz_t *pz;
	enum rm_mode mode;
	unsigned long objects; /* what count reports (RM_NOTHING/RM_LIE/RM_STOP) */
	pz_page_t *pages[RM_MAX_PAGES];
	unsigned n;
	struct rm_call calls[RM_MAX_CALLS];
	unsigned ncalls;
	int unreg_rc; /* what the unregister from the callback returned */
	struct pz_shrinker *other;
	unsigned other_calls;	     /* other's calls when it was unregistered */
	unsigned task_flags_in_scan; /* PZ_TASK_* of the current task during a scan */
	int alloc_ok;
};

static inline struct rm_cache *rm_of(struct pz_shrinker *s)
{
	return (struct rm_cache *)s->ctx;
}

static inline void rm_record(struct rm_cache *c, char kind, const struct pz_shrink_control *sc)
{
	if (c->ncalls < RM_MAX_CALLS)
		c->calls[c->ncalls++] =
			(struct rm_call){kind, sc->nid, sc->priority, sc->nr_to_scan};
}

static inline unsigned long rm_count(struct pz_shrinker *s, struct pz_shrink_control *sc)
{
	struct rm_cache *c = rm_of(s);

	rm_record(c, 'c', sc);
	if (c->mode == RM_NOTHING || c->mode == RM_LIE || c->mode == RM_STOP)
		return c->objects;
	return c->n;
}

static inline unsigned long rm_free_some(struct rm_cache *c, unsigned long nr)
{
	unsigned long done = 0;

	while (done < nr && c->n) {
		pz_page_t *p = c->pages[--c->n];

		assert_int_equal(pz_free_pages(c->pz, p, 0), 0);
		if (c->mode == RM_DOUBLE)
			assert_int_equal(pz_free_pages(c->pz, p, 0), -PZ_EFAULT);
		done++;
	}
	return done;
}

static inline unsigned long rm_scan(struct pz_shrinker *s, struct pz_shrink_control *sc)
{
	struct rm_cache *c = rm_of(s);
	struct pz_task *t = pz_current_task();

	rm_record(c, 's', sc);
	c->task_flags_in_scan = t ? t->flags : 0;
	switch (c->mode) {
	case RM_NOTHING:
		return 0;
	case RM_LIE:
		return sc->nr_to_scan;
	case RM_STOP:
		return PZ_SHRINK_STOP;
	case RM_ALLOC: {
		pz_page_t *p = pz_alloc_pages(c->pz, PZ_GFP_KERNEL, 0);

		c->alloc_ok += p != NULL;
		if (p)
			pz_free_pages(c->pz, p, 0);
		break;
	}
	case RM_UNREG_SELF:
		if (c->unreg_rc == -100)
			c->unreg_rc = pz_unregister_shrinker(c->pz, s);
		break;
	case RM_UNREG_OTHER:
		if (c->unreg_rc == -100) {
			c->unreg_rc = pz_unregister_shrinker(c->pz, c->other);
			c->other_calls = rm_of(c->other)->ncalls;
		}
		break;
	case RM_OTHER_TASK: {
		static struct pz_task other;
		unsigned long n;

		pz_task_init(&other);
		pz_set_current_task(&other);
		n = rm_free_some(c, sc->nr_to_scan);
		pz_set_current_task(t);
		return n;
	}
	default:
		break;
	}
	return rm_free_some(c, sc->nr_to_scan);
}

/* Sets up c as a shrinker of pz holding nothing yet. */
static inline void rm_init(struct rm_cache *c, pz_t *pz, enum rm_mode mode)
{
	memset(c, 0, sizeof(*c));
	pz_shrinker_init(&c->s);
	c->s.count_objects = rm_count;
	c->s.scan_objects = rm_scan;
	c->s.ctx = c;
	c->pz = pz;
	c->mode = mode;
	c->unreg_rc = -100;
}

/* Fills the cache with n order-0 pages of gfp (fewer if allocation fails). */
static inline unsigned rm_fill(struct rm_cache *c, unsigned n, pz_gfp_t gfp)
{
	unsigned got = 0;

	while (got < n && c->n < RM_MAX_PAGES) {
		pz_page_t *p = pz_alloc_pages(c->pz, gfp, 0);

		if (!p)
			break;
		c->pages[c->n++] = p;
		got++;
	}
	return got;
}

static inline void rm_drain(struct rm_cache *c)
{
	while (c->n)
		assert_int_equal(pz_free_pages(c->pz, c->pages[--c->n], 0), 0);
}

static inline uint64_t rm_event(pz_t *pz, enum pz_vm_event ev)
{
	uint64_t v[PZ_NR_VM_EVENTS];

	assert_int_equal(pz_vm_events(pz, v, PZ_NR_VM_EVENTS), 0);
	return v[ev];
}

#endif
