/* hostile.h - the contract of the sandbox fixtures' chapter (grader-only, not for students).
 *
 * Each fixture in grader/tests/fixtures/ that names this chapter supplies its own
 * src/hostile.c, whose hostile_act() attacks the grader, the machine or other gradings
 * in one way. Every attack is capped by its own code (processes, bytes, seconds), so
 * that it stays harmless even on a grader without a sandbox. */
#ifndef HOSTILE_H
#define HOSTILE_H

/* Attacks; returns how many attacks succeeded ("breaches"): 0 when the defences held. */
int hostile_act(void);

/* An honest function: returns 42. */
int hostile_ok(void);

#endif
