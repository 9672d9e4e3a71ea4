/* test_copy_on_write.c - pins every promise of copy_on_write.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "copy_on_write.h"
#include "wb_test.h"

static int num = 100; /* the seeds' global: `num = 100` */

static struct cow_report modify(int *value, int delta)
{
    struct cow_report report = {0};
    errno = 0;
    int rc = fork_and_modify(value, delta, &report);
    wb_exit_if_stray();
    ck_assert_msg(rc == 0, "fork_and_modify returned %d (errno: %s)", rc, strerror(errno));
    return report;
}

WB_TEST(global_change_stays_in_child)
{
    struct cow_report r = modify(&num, 1);
    ck_assert_msg(r.seen_by_child == 101, "the child should see 101 after num += 1, saw %d",
                  r.seen_by_child);
    ck_assert_msg(r.seen_by_parent == 100 && num == 100,
                  "the parent's num changed to %d: the change must happen in the child only",
                  num);
}

WB_TEST(heap_change_stays_in_child)
{
    int *value = malloc(sizeof *value);
    ck_assert_msg(value != NULL, "test setup: malloc of an int failed");
    *value = -7;
    struct cow_report r = modify(value, -5);
    int after = *value;
    free(value);
    ck_assert_msg(r.seen_by_child == -12,
                  "a heap int of -7 changed by -5 in the child: the child should report "
                  "seen_by_child -12, got %d",
                  r.seen_by_child);
    ck_assert_msg(r.seen_by_parent == -7,
                  "a heap int of -7 changed in the child only: the parent should report "
                  "seen_by_parent -7, got %d",
                  r.seen_by_parent);
    ck_assert_msg(after == -7,
                  "a heap int of -7 changed in the child only: the parent's copy should "
                  "still be -7, got %d",
                  after);
}

WB_TEST(child_is_a_real_reaped_process)
{
    struct cow_report r = modify(&num, 3);
    ck_assert_msg(r.child > 0 && r.child != getpid(),
                  "report.child is %d: it must be the pid of the child fork made", (int)r.child);
    errno = 0;
    ck_assert_msg(waitpid(r.child, NULL, WNOHANG) < 0 && errno == ECHILD,
                  "child %d was not waited for before fork_and_modify returned", (int)r.child);
}

WB_TEST(no_descriptor_leaked)
{
    int before = wb_count_fds();
    for (int i = 0; i < 5; i++)
        modify(&num, 1);
    int after = wb_count_fds();
    ck_assert_msg(after == before,
                  "file descriptors leak: %d open before 5 calls, %d after (the parent must "
                  "close both ends of its pipe)",
                  before, after);
}

WB_TEST(fork_failure_returns_error_and_leaks_nothing)
{
    int before = wb_count_fds();
    wb_fail_forks(EAGAIN); /* from here on, every fork of this process fails */
    int value = 5;
    struct cow_report r = {.child = -7};
    errno = 0;
    int rc = fork_and_modify(&value, 1, &r);
    int err = errno;
    int after = wb_count_fds();
    ck_assert_msg(rc == -1 && err == EAGAIN,
                  "when fork fails: got %d (errno %s), expected -1 with fork's errno EAGAIN",
                  rc, strerror(err));
    ck_assert_msg(after == before,
                  "when fork fails: %d descriptors open before, %d after (close the pipe "
                  "before returning)",
                  before, after);
    ck_assert_msg(value == 5, "when fork fails, *value changed to %d", value);
}

WB_TEST(child_that_dies_before_reporting_is_an_error)
{
    /* A read-only value: the child's *value += delta kills it with SIGSEGV before it
     * can report (no core file: the limit is inherited). */
    struct rlimit no_core = {0, 0};
    ck_assert_msg(setrlimit(RLIMIT_CORE, &no_core) == 0,
                  "test setup: setrlimit(RLIMIT_CORE) failed: %s", strerror(errno));
    int *value = mmap(NULL, sizeof *value, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_msg(value != MAP_FAILED, "mmap failed: %s", strerror(errno));
    int before = wb_count_fds();
    struct cow_report r = {0};
    errno = EINTR; /* left over from an earlier interrupted call: end-of-file must still
                    * end the read, only a read that failed with EINTR is retried */
    int rc = fork_and_modify(value, 1, &r);
    wb_exit_if_stray();
    int err = errno;
    int after = wb_count_fds();
    munmap(value, sizeof *value);
    ck_assert_msg(rc == -1 && (err == EIO || err == ECHILD),
                  "a child killed before it reported: got %d (errno %s), expected -1 with "
                  "errno EIO (no report) or ECHILD (did not exit with 0)",
                  rc, strerror(err));
    ck_assert_msg(after == before, "%d descriptors open before, %d after", before, after);
    errno = 0;
    ck_assert_msg(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD,
                  "the dead child was not waited for before fork_and_modify returned");
}
