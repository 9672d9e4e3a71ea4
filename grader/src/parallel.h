/* parallel.h - chapters graded at once, each in a worker process of its own
 * (parallel.c): grade -j N. */
#ifndef PARALLEL_H
#define PARALLEL_H

#include <stddef.h>

#include "grader.h"
#include "live.h"

struct parallel_grading {
    const struct grade_config *cfg;
    const struct chapter *const *chapters; /* in chapter order */
    size_t n_chapters;
    int jobs; /* at most this many chapters at once */
    /* Grades one chapter: the whole pipeline (main.c), run in the worker. */
    void (*grade)(const struct grade_config *cfg, const struct chapter *ch,
                  struct chapter_result *r);
    struct live *live; /* prints each chapter whole as it ends, and the progress line */
    /* Called after each chapter ends, with the chapters ended so far, in chapter order
     * (e.g. to write the JSON report so far); may be NULL. */
    void (*ended)(void *arg, const struct chapter_result *rs, size_t n);
    void *arg;
};

/* Grades the chapters, at most p->jobs at once, each in a forked worker with its own
 * sandbox uid and control groups, which hands its result back through a pipe
 * (result_transfer.c). Each chapter is printed whole when it ends, in the order they
 * end. An interrupt (command_interrupted) stops the workers and starts no more; the
 * chapters they were grading are left out (a sequential grading keeps the chapter it
 * was in, as far as it got). Fills results with the chapters graded to their end, in
 * chapter order, and returns how many. */
size_t parallel_grade(const struct parallel_grading *p, struct chapter_result *results);

/* The default -j: the number of online processors. */
int parallel_default_jobs(void);

#endif
