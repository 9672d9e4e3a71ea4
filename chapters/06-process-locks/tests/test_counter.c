/* test_counter.c - pins every promise of counter.h.
 *
 * With the lock removed from counter_run_locked, both exactness tests failed (updates
 * were lost) in 20 runs out of 20 on 2 cores, on a busy machine and with a CPU hog on
 * each core: the increment leaves a wide gap between its read and its write. With the
 * lock, each test takes well under a second. */
#include <errno.h>
#include <string.h>

#include "counter.h"
#include "wb_test.h"

static long locked(int nprocs, long iterations)
{
    errno = 0;
    long total = counter_run_locked(nprocs, iterations);
    wb_exit_if_stray();
    ck_assert_msg(total >= 0, "counter_run_locked(%d, %ld) returned %ld (errno %s)", nprocs,
                  iterations, total, strerror(errno));
    return total;
}

WB_TEST(locked_counter_is_exact_with_two_processes)
{
    long total = locked(2, 1000000);
    ck_assert_msg(total == 2000000, "2 processes x 1000000 increments under the lock: %ld, "
                  "expected 2000000 (%ld updates lost)", total, 2000000 - total);
}

WB_TEST(locked_counter_is_exact_with_four_processes)
{
    long total = locked(4, 500000);
    ck_assert_msg(total == 2000000, "4 processes x 500000 increments under the lock: %ld, "
                  "expected 2000000 (%ld updates lost)", total, 2000000 - total);
}

WB_TEST(locked_counter_of_one_process_or_none)
{
    long one = locked(1, 1000), none = locked(3, 0);
    ck_assert_msg(one == 1000, "1 process x 1000 increments: %ld", one);
    ck_assert_msg(none == 0, "3 processes x 0 increments: %ld", none);
}

WB_TEST(locked_counter_bad_arguments_are_einval)
{
    errno = 0;
    long rc = counter_run_locked(0, 10);
    int saved = errno;
    wb_exit_if_stray();
    ck_assert_msg(rc == -1 && saved == EINVAL, "counter_run_locked(0, 10): got %ld (errno %s), "
                  "expected -1 with EINVAL", rc, strerror(saved));
    errno = 0;
    rc = counter_run_locked(2, -1);
    saved = errno;
    wb_exit_if_stray();
    ck_assert_msg(rc == -1 && saved == EINVAL, "counter_run_locked(2, -1): got %ld (errno %s), "
                  "expected -1 with EINVAL", rc, strerror(saved));
}

/* The racy counter is given code. Its result changes from run to run, so this test
 * asserts only what is certain: updates are lost, never invented. On 2 cores it loses
 * about half of them every run (see the comment at the top); the test scores nothing. */
WB_TEST(racy_counter_loses_updates_but_never_gains)
{
    long total = counter_run_racy(2, 1000000);
    wb_exit_if_stray();
    ck_assert_msg(total >= 1 && total <= 2000000, "the racy counter gave %ld: lost updates make "
                  "it smaller than 2000000, never larger", total);
}

WB_TEST(counters_release_descriptors_and_shared_memory)
{
    int fds = wb_count_fds(), shared = wb_count_shared_mappings();
    errno = EINTR; /* left over from an earlier interrupted call, and copied into each
                    * child: end-of-file on the start gate must still end its read */
    long racy = counter_run_racy(1, 1000); /* one process alone loses nothing */
    wb_exit_if_stray();
    int racy_fds = wb_count_fds(), racy_shared = wb_count_shared_mappings();
    errno = EINTR;
    long total = counter_run_locked(2, 1000);
    wb_exit_if_stray();
    int locked_fds = wb_count_fds(), locked_shared = wb_count_shared_mappings();
    ck_assert_msg(racy == 1000, "the racy counter with 1 process x 1000 increments gave %ld, "
                  "expected 1000: a process alone loses no update", racy);
    ck_assert_msg(total == 2000, "2 processes x 1000 increments under the lock: %ld, expected "
                  "2000", total);
    ck_assert_msg(racy_fds == fds && racy_shared == shared,
                  "counter_run_racy left %d descriptor(s) open and %d shared mapping(s) "
                  "mapped", racy_fds - fds, racy_shared - shared);
    ck_assert_msg(locked_fds == fds && locked_shared == shared,
                  "counter_run_locked left %d descriptor(s) open and %d shared mapping(s) "
                  "mapped: close the start gate's two ends, free the lock, unmap the counter",
                  locked_fds - fds, locked_shared - shared);
}

WB_TEST(counter_fork_failure_is_forks_errno)
{
    int fds = wb_count_fds(), shared = wb_count_shared_mappings();
    wb_fail_forks(EAGAIN); /* from here on, every fork of this process fails */
    errno = 0;
    long total = counter_run_locked(2, 1000);
    int err = errno;
    int fds_after = wb_count_fds(), shared_after = wb_count_shared_mappings();
    ck_assert_msg(total == -1 && err == EAGAIN,
                  "when fork fails: got %ld (errno %s), expected -1 with fork's errno EAGAIN",
                  total, strerror(err));
    ck_assert_msg(fds_after == fds && shared_after == shared,
                  "when fork fails, counter_run_locked left %d descriptor(s) open and %d "
                  "shared mapping(s) mapped", fds_after - fds, shared_after - shared);
}
