/* wb_test.h - what every chapter's Check tests include.
 *
 * WB_TEST(name) { ... } defines a Check test and registers it with the chapter's
 * runner (wb_runner.c): no suite or list to keep by hand. The name must match a test
 * in the chapter's chapter.cfg, which gives its points and timeout.
 *
 * Tests never assert inside a process they forked: in Check's fork mode such an
 * assertion is lost. A child reports through its exit status or a pipe, and the
 * test process asserts on what it received (wb_child_run, wb_wait_exitcode). */
#ifndef WB_TEST_H
#define WB_TEST_H

#include <check.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "wb_proc.h"

/* Called by WB_TEST around every test body; not for direct use. */
void wb_test_begin(const char *name);
void wb_test_end(void);
void wb_test_completed(const char *name);

/* Called by the runner before each test: where that test records that its body ran
 * to its end (a pipe only that test's process gets), and the secret that makes a
 * record genuine (see grader/src/completions.c). */
void wb_test_set_completion_channel(int fd, const char *token);

/* The line the runner prints before each test ("@@wb-test NAME"): what the test
 * prints follows it, until the runner's PASS/FAIL line for it (grader/src/test_output.c
 * shows it under a failing test with --show-output). */
#define WB_OUTPUT_MARK "@@wb-test "

/* Called by the runner: its progress descriptor, which each test process closes
 * first thing, so that code under test cannot write progress of its own. */
void wb_test_set_progress_fd(int fd);

/* Called by the runner: whether each test process confines itself (wb_confine.c)
 * before its body runs. Not under valgrind, which opens files for the processes the
 * tests fork. */
void wb_test_set_confined(bool confined);

/* wb_confine.c: installs the test process's seccomp filter; 0 or -1. */
int wb_confine(void);

#define WB_TEST(name)                                                          \
    static void name##_body(void);                                             \
    static void name##_fn(int _i CK_ATTRIBUTE_UNUSED)                          \
    {                                                                          \
        tcase_fn_start(#name, __FILE__, __LINE__);                             \
        wb_test_begin(#name);                                                  \
        name##_body();                                                         \
        wb_test_end();                                                         \
        wb_test_completed(#name);                                              \
    }                                                                          \
    static const TTest name##_ttest = {#name, name##_fn, __FILE__, __LINE__};  \
    static const TTest *name##_entry                                           \
        __attribute__((used, section("wb_tests"))) = &name##_ttest;            \
    static void name##_body(void)

/* Ends the calling process at once when it is not the test process itself: call it
 * right after student code that forks, so that a child that wrongly returned into
 * the test stops there instead of running the rest of the test. */
void wb_exit_if_stray(void);

/* Forks a child that runs fn(arg) and exits with its return value (0..255); returns
 * the child's pid. The child never returns into the test. Aborts the test on error. */
pid_t wb_child_run(int (*fn)(void *), void *arg);

/* Waits for child pid, at most timeout_s seconds (then kills it and fails the test),
 * and returns its raw wait status. */
int wb_wait_status(pid_t pid, double timeout_s);

/* Like wb_wait_status, but fails the test unless the child exited normally, and
 * returns its exit code. */
int wb_wait_exitcode(pid_t pid, double timeout_s);

/* Polls until pid is a zombie (ended, not yet reaped); fails the test after
 * timeout_s seconds. The timeout only catches hangs: a correct program gets there
 * in milliseconds. */
void wb_wait_until_zombie(pid_t pid, double timeout_s);

/* Reads exactly n bytes unless end-of-file comes first; retries on EINTR and short
 * reads. Returns the number of bytes read, or -1 on error. */
ssize_t wb_read_full(int fd, void *buf, size_t n);

/* Writes all n bytes; retries on EINTR and short writes. Returns 0 or -1. */
int wb_write_full(int fd, const void *buf, size_t n);

/* A temporary file, open for reading and writing, that lives in memory: test
 * processes may not create files on disk (wb_confine.c). Aborts the test on error. */
FILE *wb_memory_file(void);

/* pipe() with O_CLOEXEC; aborts the test on error. */
void wb_pipe(int fds[2]);

/* How many file descriptors the process has open (to catch leaks). */
int wb_count_fds(void);

/* How many MAP_SHARED mappings the process has ('s' in /proc/self/maps): shared
 * memory that code maps and never unmaps shows as one more. (malloc and the C
 * library map private memory only, so they do not change it.) */
int wb_count_shared_mappings(void);

/* From now on, every fork of the calling process fails with errno err (EAGAIN is
 * what fork gives when the process limit is reached): to test what code does when
 * fork fails. A seccomp filter on clone, clone3, fork and vfork, which cannot be
 * undone and also stops threads from starting: call it once the test has started
 * what it needs itself (each test runs in a process of its own; not with CK_FORK=no,
 * nor under valgrind). Aborts the test when the filter cannot be installed. */
void wb_fail_forks(int err);

/* Starts a SIGALRM every interval_s seconds, with a handler installed without
 * SA_RESTART, so that blocking calls keep failing with EINTR; 0 or -1. */
int wb_signal_storm_start(double interval_s);

/* Stops the storm (the handler stays); returns how many signals arrived. A forked
 * child does not inherit the timer: it starts its own. */
long wb_signal_storm_stop(void);

/* pthread_create and pthread_join that fail the test on error; join returns what
 * the thread returned. */
pthread_t wb_thread_start(void *(*fn)(void *), void *arg);
void *wb_thread_join(pthread_t tid);

/* sem_wait for at most timeout_s seconds (monotonic clock, EINTR retried); true when
 * the semaphore was taken. */
bool wb_sem_wait_for(sem_t *sem, double timeout_s);

/* A monotonic clock in seconds, for hang guards (never for verdicts on speed). */
double wb_now(void);

/* Sleeps for seconds (fractions allowed), resuming after signals. */
void wb_sleep(double seconds);

/* Runs fns[i](args[i]) for i < n (at most 8), each in a thread of its own, all at once
 * (they wait at a gate that opens once every thread exists), and joins them. The
 * threads share nothing else: each records what it saw in its own arg, read after the
 * join. When each thread calls one function of the code under test, only that code
 * orders the threads, and a function that skips its mutex is a race helgrind reports,
 * whatever the run's interleaving. */
void wb_run_together(int n, void *(*const *fns)(void *), void *const *args);

/* The state letter of one of the process's threads ('R', 'S', ... as in
 * /proc/self/task/TID/stat), or 0 once it is gone. */
char wb_thread_state(pid_t tid);

/* Waits until every other thread of the process is asleep (state S in /proc), for at
 * most timeout_s seconds; false when they were not by then. */
bool wb_wait_others_asleep(double timeout_s);

#endif
