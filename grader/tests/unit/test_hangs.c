/* test_hangs.c - the pure parts of the hang and crash reports: which system calls
 * are waits without a timeout, the hang budget, and how a stack is told. */
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "deadlock.h"
#include "stacks.h"
#include "unit.h"
#include "watch.h"

START_TEST(untimed_waits_are_told_from_timed_ones)
{
    unsigned long none[6] = {0}, timed[6] = {0, 0, 0, 0x7ffd1000, 0, 0};
    unsigned long wait[6] = {0x55d0, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0, 0, 0, ~0ul};
    ck_assert(deadlock_untimed_wait(SYS_futex, wait));
    wait[3] = 0x7ffd1000; /* pthread_cond_timedwait: a timeout */
    ck_assert(!deadlock_untimed_wait(SYS_futex, wait));
    unsigned long wake[6] = {0x55d0, FUTEX_WAKE, 1, 0, 0, 0};
    ck_assert(!deadlock_untimed_wait(SYS_futex, wake));
    ck_assert(deadlock_untimed_wait(SYS_read, none));
    ck_assert(deadlock_untimed_wait(SYS_wait4, none));
    ck_assert(!deadlock_untimed_wait(SYS_nanosleep, none));
    ck_assert(!deadlock_untimed_wait(SYS_clock_nanosleep, none));
    unsigned long poll_forever[6] = {0x1000, 1, (unsigned long)-1, 0, 0, 0};
    unsigned long poll_100ms[6] = {0x1000, 1, 100, 0, 0, 0};
    ck_assert(deadlock_untimed_wait(SYS_poll, poll_forever));
    ck_assert(!deadlock_untimed_wait(SYS_poll, poll_100ms));
    ck_assert(deadlock_untimed_wait(SYS_rt_sigtimedwait, none));
    ck_assert(!deadlock_untimed_wait(SYS_rt_sigtimedwait, (unsigned long[6]){0, 0, 0x10}));
    ck_assert(!deadlock_untimed_wait(SYS_semtimedop, timed));
    ck_assert(!deadlock_untimed_wait(SYS_getpid, none)); /* not known: never a deadlock */
}
END_TEST

START_TEST(syscall_files_are_parsed)
{
    long nr;
    unsigned long a[6];
    ck_assert(deadlock_parse_syscall("202 0x55d0c0 0x189 0x0 0x0 0x0 0xffffffff 0x7ffc "
                                     "0x7f01\n", &nr, a));
    ck_assert_int_eq(nr, 202);
    ck_assert_uint_eq(a[0], 0x55d0c0);
    ck_assert_uint_eq(a[1], 0x189);
    ck_assert_uint_eq(a[5], 0xffffffff);
    ck_assert(!deadlock_parse_syscall("running\n", &nr, a));
    ck_assert(!deadlock_parse_syscall("-1 0x7ffc 0x7f01\n", &nr, a));
}
END_TEST

START_TEST(the_hang_budget_caps_later_tests)
{
    bool capped;
    ck_assert(watch_limit(10, 0, &capped) == 10 && !capped);
    ck_assert(watch_limit(5, 4, &capped) == 5 && !capped);
    ck_assert(watch_limit(10, 4, &capped) == 6 && capped);
    ck_assert(watch_limit(10, 30, &capped) == 0.5 && capped);
    ck_assert(watch_limit(0.2, 30, &capped) == 0.2 && !capped);
}
END_TEST

static const struct stack_paths paths = {.work = "/tmp/grade.x/09-thread-sync",
                                         .shown = "chapters/09-thread-sync/"};

START_TEST(a_waiting_thread_is_told_at_the_student_line)
{
    struct stack_frame f[] = {
        {"__futex_abstimed_wait_common", "./nptl/futex-internal.c", 57},
        {"pthread_cond_wait@@GLIBC_2.3.2", "./nptl/pthread_cond_wait.c", 618},
        {"lock_acquire", "/tmp/grade.x/09-thread-sync/src/lock.c", 31},
        {"holder", "/tmp/grade.x/09-thread-sync/tests/test_lock.c", 50},
        {"start_thread", NULL, 0},
    };
    char *s = stacks_describe_thread(f, 5, &paths);
    ck_assert_str_eq(s, "waits in pthread_cond_wait at chapters/09-thread-sync/src/lock.c:31 "
                        "(lock_acquire), called from chapters/09-thread-sync/tests/"
                        "test_lock.c:50 (holder)");
    free(s);
    s = stacks_describe_thread(f + 2, 3, &paths);
    ck_assert_str_eq(s, "is at chapters/09-thread-sync/src/lock.c:31 (lock_acquire), called "
                        "from chapters/09-thread-sync/tests/test_lock.c:50 (holder)");
    free(s);
    s = stacks_describe_thread(f, 2, &paths);
    ck_assert_str_eq(s, "is in __futex_abstimed_wait_common (no frame in the chapter's files)");
    free(s);
    struct stack_frame lock[] = {{"___pthread_mutex_lock", NULL, 0},
                                 {"f", "/tmp/grade.x/09-thread-sync/src/lock.c", 9}};
    s = stacks_describe_thread(lock, 2, &paths);
    ck_assert_str_eq(s, "waits in pthread_mutex_lock at chapters/09-thread-sync/src/lock.c:9 (f)");
    free(s);
}
END_TEST

START_TEST(a_crash_shows_the_chapter_frames_first)
{
    struct stack_frame f[] = {
        {"__strlen_avx2", NULL, 0},
        {"reap_ended_children", "/tmp/grade.x/09-thread-sync/src/reap.c", 12},
        {"reap", "/tmp/grade.x/09-thread-sync/tests/test_reap.c", 41},
        {"srunner_run_tagged", NULL, 0},
        {"main", "/tmp/grade.x/.harness/wb_runner.c", 258},
    };
    char *s = stacks_describe_crash(f, 5, &paths);
    ck_assert_str_eq(s, "in __strlen_avx2, called from chapters/09-thread-sync/src/reap.c:12 "
                        "(reap_ended_children) < chapters/09-thread-sync/tests/test_reap.c:41 "
                        "(reap); 3 other frames folded");
    free(s);
    s = stacks_describe_crash(f + 1, 2, &paths);
    ck_assert_str_eq(s, "at chapters/09-thread-sync/src/reap.c:12 (reap_ended_children) < "
                        "chapters/09-thread-sync/tests/test_reap.c:41 (reap)");
    free(s);
}
END_TEST

Suite *hangs_suite(void)
{
    Suite *s = suite_create("hangs");
    TCase *tc = tcase_create("hangs");
    tcase_add_test(tc, untimed_waits_are_told_from_timed_ones);
    tcase_add_test(tc, syscall_files_are_parsed);
    tcase_add_test(tc, the_hang_budget_caps_later_tests);
    tcase_add_test(tc, a_waiting_thread_is_told_at_the_student_line);
    tcase_add_test(tc, a_crash_shows_the_chapter_frames_first);
    suite_add_tcase(s, tc);
    return s;
}
