/* test_shared_memory.c - pins every promise of shared_memory.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "shared_memory.h"
#include "wb_test.h"

static int num = 100; /* the seeds' global: `num = 100` */

static struct share_report modify(int *value, int delta)
{
    struct share_report report = {0};
    errno = 0;
    int rc = share_modify(value, delta, &report);
    ck_assert_msg(rc == 0, "share_modify returned %d (errno: %s), expected 0", rc,
                  strerror(errno));
    return report;
}

WB_TEST(share_global_change_seen_by_main)
{
    struct share_report r = modify(&num, 1);
    ck_assert_msg(r.seen_by_thread == 101, "the thread should see 101 after num += 1, saw %d",
                  r.seen_by_thread);
    ck_assert_msg(num == 101 && r.seen_by_main == 101,
                  "after the thread ended, the caller sees num == %d (reported %d), expected "
                  "101: a thread changes the process's only copy (in chapter 01 a child "
                  "changed its own copy)",
                  num, r.seen_by_main);
}

WB_TEST(share_heap_change_seen_by_main)
{
    int *value = malloc(sizeof *value);
    ck_assert_msg(value != NULL, "test setup: malloc of an int failed: %s", strerror(errno));
    *value = 7;
    struct share_report r = modify(value, -10);
    int seen = *value;
    free(value);
    ck_assert_msg(r.seen_by_thread == -3 && seen == -3 && r.seen_by_main == -3,
                  "7 - 10 in the thread: the thread saw %d, the caller sees %d (reported "
                  "%d), expected -3 for all",
                  r.seen_by_thread, seen, r.seen_by_main);
}

WB_TEST(share_thread_runs_in_the_same_process)
{
    int value = 0;
    struct share_report r = modify(&value, 1);
    ck_assert_msg(r.pid_in_thread == getpid(),
                  "getpid() in the thread is %d, the caller's is %d: a thread is part of "
                  "its process", (int)r.pid_in_thread, (int)getpid());
    ck_assert_msg(r.tid_in_thread > 0 && r.tid_in_thread != gettid(),
                  "gettid() in the thread is %d, the caller's is %d: the function must "
                  "run in a new thread", (int)r.tid_in_thread, (int)gettid());
}

WB_TEST(share_modify_waits_for_the_thread)
{
    /* Repeat: a function that did not wait would often report before the thread ran. */
    int value = 0;
    for (int i = 1; i <= 200; i++) {
        struct share_report r = modify(&value, 1);
        ck_assert_msg(r.seen_by_main == i && value == i,
                      "round %d: the caller sees %d (reported %d) after the thread added 1 "
                      "to %d: wait for the thread (pthread_join) before reading",
                      i, value, r.seen_by_main, i - 1);
    }
}

WB_TEST(share_modify_reports_create_failure)
{
    /* The system refuses every new thread, whatever its stack size. */
    int value = 5;
    struct share_report r = {.seen_by_main = -1};
    deny_new_threads();
    errno = 0;
    int rc = share_modify(&value, 1, &r);
    int err = errno;
    ck_assert_msg(rc == -1 && err == EAGAIN,
                  "when no thread can be created: got %d (errno %s), expected -1 with errno "
                  "EAGAIN (pthread_create returns the error: copy it to errno)",
                  rc, strerror(err));
    ck_assert_msg(value == 5 && r.seen_by_main == -1,
                  "after a failure, *value (%d) and *out must be left unchanged", value);
}

WB_TEST(share_fill_slots_each_thread_writes_its_own)
{
    enum { N = 8 };
    pid_t tids[N] = {0};
    errno = 0;
    int rc = share_fill_slots(tids, N);
    ck_assert_msg(rc == 0, "share_fill_slots returned %d (errno: %s), expected 0", rc,
                  strerror(errno));
    for (int i = 0; i < N; i++) {
        ck_assert_msg(tids[i] > 0 && tids[i] != gettid(),
                      "tids[%d] is %d: each slot must hold the gettid() of a new thread", i,
                      (int)tids[i]);
        for (int j = 0; j < i; j++)
            ck_assert_msg(tids[i] != tids[j],
                          "tids[%d] and tids[%d] are both %d: start one thread per slot", j,
                          i, (int)tids[i]);
    }
}

WB_TEST(share_fill_slots_of_none_returns_zero)
{
    int rc = share_fill_slots(NULL, 0);
    ck_assert_msg(rc == 0, "filling no slots: got %d, expected 0", rc);
}

WB_TEST(share_fill_slots_reports_create_failure)
{
    pid_t tids[4] = {0};
    deny_new_threads();
    errno = 0;
    int rc = share_fill_slots(tids, 4);
    int err = errno;
    ck_assert_msg(rc == -1 && err == EAGAIN,
                  "when no thread can be created: got %d (errno %s), expected -1 with errno "
                  "EAGAIN (pthread_create returns the error: copy it to errno)",
                  rc, strerror(err));
    ck_assert_msg(count_threads() == 1,
                  "%d threads run after share_fill_slots failed: join the ones started",
                  count_threads());
}
