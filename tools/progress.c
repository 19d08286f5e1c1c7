/*
 * progress.c - the progress line (progress.h). The clock is read once
 * every 4096 units, so a tick costs an increment and a test.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct {
	char label[64];
	uint64_t total, done, next_check;
	double start, last_draw;
	int tty, drawn;
} pg;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_begin(const char *label, uint64_t total)
{
	snprintf(pg.label, sizeof(pg.label), "%s", label);
	pg.total = total;
	pg.done = 0;
	pg.next_check = 4096;
	pg.tty = isatty(2);
	pg.start = pg.tty ? now_s() : 0;
	pg.last_draw = 0;
}

static void draw(double t)
{
	double pct = pg.total ? 100.0 * (double)pg.done / (double)pg.total : 0;

	fprintf(stderr, "\r%s: %llu/%llu (%.0f%%) %.0f s  \033[K", pg.label,
		(unsigned long long)pg.done, (unsigned long long)pg.total, pct, t - pg.start);
	fflush(stderr);
	pg.drawn = 1;
	pg.last_draw = t;
}

void progress_tick(uint64_t n)
{
	double t;

	pg.done += n;
	if (!pg.tty || pg.done < pg.next_check)
		return;
	pg.next_check = pg.done + 4096;
	t = now_s();
	if (t - pg.start >= 1.0 && t - pg.last_draw >= 0.1)
		draw(t);
}

void progress_end(void)
{
	if (pg.drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	pg.drawn = 0;
	pg.tty = 0;
}
