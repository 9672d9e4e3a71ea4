/* helpers.h - shared by chapter 03's tests. */
#ifndef HELPERS_H
#define HELPERS_H

#include <stdbool.h>
#include <stddef.h>

#include "mpq.h"

/* mpq_init with an assertion. */
void init_ok(struct mpq *q, size_t maxsize);

/* mpq_put of a NUL-terminated text (without its NUL), asserting MPQ_OK. */
void put_text(struct mpq *q, const char *text);


/* The byte at offset i of the test pattern seeded with seed. */
unsigned char pattern_byte(unsigned seed, size_t i);

/* Fills buf[0..n-1] with the pattern; tells whether buf holds it. */
void pattern_fill(void *buf, size_t n, unsigned seed);
bool pattern_check(const void *buf, size_t n, unsigned seed);

/* A text name for an mpq result ("MPQ_FULL", ...), for messages. */
const char *result_name(long result);

#endif
