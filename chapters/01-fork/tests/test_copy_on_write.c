/* test_copy_on_write.c - pins every promise of copy_on_write.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
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
    ck_assert_ptr_nonnull(value);
    *value = -7;
    struct cow_report r = modify(value, -5);
    int after = *value;
    free(value);
    ck_assert_int_eq(r.seen_by_child, -12);
    ck_assert_int_eq(r.seen_by_parent, -7);
    ck_assert_int_eq(after, -7);
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
    int before = dup(0);
    close(before);
    for (int i = 0; i < 5; i++)
        modify(&num, 1);
    int after = dup(0);
    close(after);
    ck_assert_msg(after == before,
                  "file descriptors leak: the lowest free one was %d, now %d (close both pipe "
                  "ends in the parent)",
                  before, after);
}
