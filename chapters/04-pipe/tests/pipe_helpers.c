/* pipe_helpers.c - what the chapter 04 tests share: test data and signal storms. */
#include "pipe_helpers.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "wb_test.h"

static unsigned char pattern_byte(size_t i, unsigned seed)
{
    /* Mixes in i / 251 too, so that a block shifted by a multiple of 256 differs. */
    return (unsigned char)(i * 31u + (i / 251u) * 7u + seed);
}

unsigned char *pattern_new(size_t n, unsigned seed)
{
    unsigned char *buf = malloc(n > 0 ? n : 1);
    ck_assert_msg(buf != NULL, "the test could not allocate %zu bytes", n);
    for (size_t i = 0; i < n; i++)
        buf[i] = pattern_byte(i, seed);
    return buf;
}

bool pattern_matches(const void *buf, size_t n, unsigned seed)
{
    const unsigned char *p = buf;
    for (size_t i = 0; i < n; i++)
        if (p[i] != pattern_byte(i, seed))
            return false;
    return true;
}

void ignore_sigpipe(void)
{
    signal(SIGPIPE, SIG_IGN);
}

int lowest_free_fd(void)
{
    int fd = dup(0);
    if (fd >= 0)
        close(fd);
    return fd;
}
