/* helpers.c - shared by chapter 03's tests. */
#include "helpers.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>

#include "wb_test.h"

void init_ok(struct mpq *q, size_t maxsize)
{
    memset(q, 0, sizeof *q);
    errno = 0;
    int rc = mpq_init(q, maxsize);
    ck_assert_msg(rc == 0, "mpq_init(q, %zu) returned %d (errno %s), expected 0", maxsize, rc,
                  strerror(errno));
}

void put_text(struct mpq *q, const char *text)
{
    int rc = mpq_put(q, text, strlen(text), false, 0);
    ck_assert_msg(rc == MPQ_OK, "put of \"%s\" on a queue with room: %s, expected MPQ_OK",
                  text, result_name(rc));
}

unsigned char pattern_byte(unsigned seed, size_t i)
{
    return (unsigned char)((i * 31u + seed * 7u + (i >> 12)) & 0xff);
}

void pattern_fill(void *buf, size_t n, unsigned seed)
{
    unsigned char *b = buf;
    for (size_t i = 0; i < n; i++)
        b[i] = pattern_byte(seed, i);
}

bool pattern_check(const void *buf, size_t n, unsigned seed)
{
    const unsigned char *b = buf;
    for (size_t i = 0; i < n; i++)
        if (b[i] != pattern_byte(seed, i))
            return false;
    return true;
}

const char *result_name(long result)
{
    switch (result) {
    case MPQ_OK: return "MPQ_OK";
    case MPQ_ERROR: return "MPQ_ERROR";
    case MPQ_FULL: return "MPQ_FULL";
    case MPQ_EMPTY: return "MPQ_EMPTY";
    case MPQ_TIMEOUT: return "MPQ_TIMEOUT";
    case MPQ_CLOSED: return "MPQ_CLOSED";
    default: return result > 0 ? "a length" : "an unknown result";
    }
}
