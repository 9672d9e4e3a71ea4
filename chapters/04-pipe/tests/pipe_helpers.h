/* pipe_helpers.h - what the chapter 04 tests share: test data and signal storms. */
#ifndef PIPE_HELPERS_H
#define PIPE_HELPERS_H

#include <stdbool.h>
#include <stddef.h>

/* A malloc'd buffer of n bytes, each a function of its position and seed, so that a
 * byte lost, repeated or moved is seen. Aborts the test when malloc fails. */
unsigned char *pattern_new(size_t n, unsigned seed);

/* True when buf holds the n bytes pattern_new(n, seed) would make. */
bool pattern_matches(const void *buf, size_t n, unsigned seed);

/* Ignores SIGPIPE, as Python does: a write with no reader left then fails with EPIPE
 * instead of killing the process. */
void ignore_sigpipe(void);

/* The lowest descriptor number not in use. */
int lowest_free_fd(void);

#endif
