/* helpers.h - targets and checks shared by chapter 02's tests. */
#ifndef HELPERS_H
#define HELPERS_H

#include "process.h"

/* A gate: children started with gate_target block until the test calls
 * gate_release (or ends: the children then see end-of-file and end too). */
struct gate {
    int fds[2];
};

void gate_open(struct gate *g);

/* Target: closes its copy of the gate's write end, then waits until the gate is
 * released. Returns 0, or 3 when nothing happened for 10 s (so that a child never
 * outlives a broken test for long). arg is a struct gate *. */
int gate_target(void *arg);

/* Releases every child waiting on g: closes the test's write end. */
void gate_release(struct gate *g);

/* Targets: return *(int *)arg; kill themselves with signal *(int *)arg. */
int exit_with(void *arg);
int die_by(void *arg);

/* process_start, stopping a stray child, asserting success. */
void start_ok(struct process *p);

/* process_join(p, -1) with a hang guard: fails the test (after killing the child)
 * when p has not ended within 10 s. */
void join_ok(struct process *p);


#endif
