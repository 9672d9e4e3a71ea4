/* test_mpq_init.c - pins mpq_init and mpq_close. */
#include <errno.h>
#include <limits.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "mpq.h"
#include "wb_test.h"

WB_TEST(mpq_init_then_close_releases_descriptors)
{
    int before = wb_count_fds();
    struct mpq q;
    init_ok(&q, 4);
    int during = wb_count_fds();
    int rc = mpq_close(&q);
    int after = wb_count_fds();
    int again = mpq_close(&q);
    ck_assert_msg(during == before + 2, "a queue holds its pipe's two descriptors; %d were "
                                        "opened by mpq_init", during - before);
    ck_assert_msg(rc == 0 && after == before,
                  "mpq_close returned %d and left %d descriptor(s) open", rc, after - before);
    ck_assert_msg(again == 0, "closing a closed queue: got %d, expected 0", again);
}

WB_TEST(mpq_after_close_put_and_get_are_closed)
{
    struct mpq q;
    init_ok(&q, 4);
    put_text(&q, "left behind");
    ck_assert_int_eq(mpq_close(&q), 0);
    int put = mpq_put(&q, "x", 1, true, -1);
    void *msg = (void *)1;
    ssize_t got = mpq_get(&q, &msg, true, -1);
    ck_assert_msg(put == MPQ_CLOSED, "put after close: %s, expected MPQ_CLOSED",
                  result_name(put));
    ck_assert_msg(got == MPQ_CLOSED && msg == NULL,
                  "get after close: %s (msg %p), expected MPQ_CLOSED with msg NULL",
                  result_name(got), msg);
}

WB_TEST(mpq_init_rejects_maxsize_beyond_sem_value_max)
{
    struct mpq q;
    memset(&q, 0, sizeof q);
    int before = wb_count_fds();
    errno = 0;
    int rc = mpq_init(&q, (size_t)SEM_VALUE_MAX + 1);
    int err = errno;
    ck_assert_msg(rc == -1 && err == EINVAL,
                  "maxsize SEM_VALUE_MAX + 1: got %d (errno %s), expected -1 with EINVAL", rc,
                  strerror(err));
    ck_assert_msg(wb_count_fds() == before, "a failed mpq_init left descriptors open");
}

WB_TEST(mpq_init_zero_maxsize_has_no_message_limit)
{
    enum { N = 200 };
    struct mpq q;
    init_ok(&q, 0);
    int rc = MPQ_OK, i;
    for (i = 0; i < N && rc == MPQ_OK; i++)
        rc = mpq_put(&q, &i, sizeof i, false, 0);
    void *msg = NULL;
    ssize_t len = mpq_get(&q, &msg, false, 0);
    int first = len == sizeof(int) ? *(int *)msg : -1;
    free(msg);
    mpq_close(&q);
    ck_assert_msg(rc == MPQ_OK, "maxsize 0 is unbounded, but put number %d returned %s", i,
                  result_name(rc));
    ck_assert_msg(first == 0, "the first message got back is not the first put");
}
