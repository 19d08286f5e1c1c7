/*
 * progress.h - one updating line on stderr for work that takes more than
 * a second, only when stderr is a terminal. It reads the wall clock, but
 * never touches stdout, so results stay byte-identical.
 */
#ifndef PAGEZONE_PROGRESS_H
#define PAGEZONE_PROGRESS_H

#include <stdint.h>

/* Starts counting toward total units under label (copied). */
void progress_begin(const char *label, uint64_t total);
/* Adds n units done; redraws at most ten times a second. */
void progress_tick(uint64_t n);
/* Erases the line (if one was drawn). */
void progress_end(void);

#endif /* PAGEZONE_PROGRESS_H */
