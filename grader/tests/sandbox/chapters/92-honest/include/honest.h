/* honest.h - the contract of an honest chapter graded beside the hostile one
 * (grader-only, not for students): its score shows that a hostile chapter's attack
 * did not reach the other chapters of the same grading, or a concurrent grading. */
#ifndef HONEST_H
#define HONEST_H

/* The sum of the n values (0 when n is 0; values may then be NULL). */
long honest_sum(const int *values, int n);

#endif
