/* test_mpq_init.c - pins mpq_init and mpq_close. */
#include <errno.h>
#include <limits.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

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
    int closed = mpq_close(&q);
    ck_assert_msg(closed == 0,
                  "mpq_close of an open queue with a message in it: expected 0, got %d",
                  closed);
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

WB_TEST(mpq_init_accepts_maxsize_sem_value_max)
{
    struct mpq q;
    memset(&q, 0, sizeof q);
    errno = 0;
    int rc = mpq_init(&q, SEM_VALUE_MAX);
    int err = errno;
    if (rc == 0)
        mpq_close(&q);
    ck_assert_msg(rc == 0, "maxsize SEM_VALUE_MAX, the largest allowed: got %d (errno %s), "
                           "expected 0", rc, strerror(err));
}

WB_TEST(mpq_close_unmaps_the_shared_memory)
{
    int before = wb_count_shared_mappings();
    struct mpq q;
    init_ok(&q, 4);
    int during = wb_count_shared_mappings();
    mpq_close(&q);
    int after = wb_count_shared_mappings();
    ck_assert_msg(during > before, "mpq_init mapped no shared memory (%d shared mappings "
                                   "before, %d after): the semaphores must be in MAP_SHARED "
                                   "memory", before, during);
    ck_assert_msg(after == before, "%d shared mappings before mpq_init, %d after mpq_close: "
                                   "close must unmap this process's view", before, after);
}

WB_TEST(mpq_init_failure_leaks_nothing)
{
    int shared_before = wb_count_shared_mappings();
    int fds_before = wb_count_fds();
    /* The lowest free descriptor becomes the limit: no new descriptor can be opened,
     * so making the pipe fails with EMFILE. */
    int lowest = dup(0);
    ck_assert_msg(lowest >= 0, "test setup: dup(0) failed: %s", strerror(errno));
    close(lowest);
    struct rlimit old, low;
    ck_assert_msg(getrlimit(RLIMIT_NOFILE, &old) == 0,
                  "test setup: getrlimit(RLIMIT_NOFILE) failed: %s", strerror(errno));
    low = (struct rlimit){(rlim_t)lowest, old.rlim_max};
    ck_assert_msg(setrlimit(RLIMIT_NOFILE, &low) == 0,
                  "test setup: setrlimit(RLIMIT_NOFILE) to %d failed: %s", lowest,
                  strerror(errno));
    struct mpq q;
    memset(&q, 0, sizeof q);
    errno = 0;
    int rc = mpq_init(&q, 4);
    int err = errno;
    ck_assert_msg(setrlimit(RLIMIT_NOFILE, &old) == 0,
                  "test setup: restoring RLIMIT_NOFILE failed: %s", strerror(errno));
    ck_assert_msg(rc == -1 && err == EMFILE,
                  "with no descriptor left to open: got %d (errno %s), expected -1 with "
                  "pipe's errno EMFILE", rc, strerror(err));
    int fds_after = wb_count_fds(), shared_after = wb_count_shared_mappings();
    ck_assert_msg(fds_after == fds_before, "a failed mpq_init left %d descriptor(s) open",
                  fds_after - fds_before);
    ck_assert_msg(shared_after == shared_before,
                  "a failed mpq_init left %d shared mapping(s) behind: unmap what was mapped "
                  "before the failure", shared_after - shared_before);
}
