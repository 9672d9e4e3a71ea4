/* test_timed_wait.c - pins timed_wait.h. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "timed_wait.h"
#include "wb_test.h"

/* A process-shared semaphore with value v, in memory a child shares. */
static sem_t *shared_sem(unsigned v)
{
    sem_t *sem = mmap(NULL, sizeof *sem, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                      -1, 0);
    ck_assert_msg(sem != MAP_FAILED, "mmap failed: %s", strerror(errno));
    ck_assert_msg(sem_init(sem, 1, v) == 0,
                  "test setup: sem_init of a process-shared semaphore failed: %s",
                  strerror(errno));
    return sem;
}

static void free_sem(sem_t *sem)
{
    sem_destroy(sem);
    munmap(sem, sizeof *sem);
}

static int sem_value(sem_t *sem)
{
    int v = -1;
    sem_getvalue(sem, &v);
    return v;
}

WB_TEST(timed_sem_wait_takes_an_available_token)
{
    sem_t *sem = shared_sem(3);
    int a = timed_sem_wait(sem, false, 0);
    int b = timed_sem_wait(sem, true, 0.5);
    int c = timed_sem_wait(sem, true, -1);
    int left = sem_value(sem);
    free_sem(sem);
    ck_assert_msg(a == 0 && b == 0 && c == 0,
                  "a semaphore with tokens: got %d (block false), %d (block true, 0.5 s), "
                  "%d (block true, forever); expected 0 each time", a, b, c);
    ck_assert_msg(left == 0, "after taking 3 tokens of 3 the value is %d, expected 0", left);
}

WB_TEST(timed_sem_wait_without_block_is_eagain_at_once)
{
    sem_t *sem = shared_sem(0);
    double t0 = wb_now();
    errno = 0;
    int rc = timed_sem_wait(sem, false, 5.0); /* the timeout is ignored */
    int err = errno;
    double took = wb_now() - t0;
    free_sem(sem);
    ck_assert_msg(rc == -1 && err == EAGAIN,
                  "block false, no token: got %d (errno %s), expected -1 with EAGAIN", rc,
                  strerror(err));
    ck_assert_msg(took < 4.0, "block false must not wait (timeout 5 s ignored); it took "
                              "%.2f s", took);
}

WB_TEST(timed_sem_wait_times_out_after_the_timeout)
{
    sem_t *sem = shared_sem(0);
    double t0 = wb_now();
    errno = 0;
    int rc = timed_sem_wait(sem, true, 0.05);
    int err = errno;
    double took = wb_now() - t0;
    errno = 0;
    int rc0 = timed_sem_wait(sem, true, 0);
    int err0 = errno;
    free_sem(sem);
    ck_assert_msg(rc == -1 && err == ETIMEDOUT,
                  "block true, timeout 0.05, no token: got %d (errno %s), expected -1 with "
                  "ETIMEDOUT", rc, strerror(err));
    ck_assert_msg(took >= 0.049, "the 0.05 s timeout ended after %.4f s: too early", took);
    ck_assert_msg(rc0 == -1 && err0 == ETIMEDOUT,
                  "block true, timeout 0, no token: got %d (errno %s), expected ETIMEDOUT",
                  rc0, strerror(err0));
}

static int post_it(void *arg)
{
    return sem_post(arg) == 0 ? 0 : 1;
}

WB_TEST(timed_sem_wait_forever_wakes_on_post_from_another_process)
{
    sem_t *sem = shared_sem(0);
    pid_t child = wb_child_run(post_it, sem);
    errno = 0;
    int rc = timed_sem_wait(sem, true, -1); /* a broken wait hangs: the test times out */
    int err = errno;
    int code = wb_wait_exitcode(child, 10);
    free_sem(sem);
    ck_assert_msg(code == 0,
                  "the child that posts the semaphore should exit with 0, exit code %d "
                  "(1: its sem_post failed)",
                  code);
    ck_assert_msg(rc == 0, "block true, timeout -1, a child posts: got %d (errno %s), "
                           "expected 0", rc, strerror(err));
}

WB_TEST(timed_poll_in_sees_data_and_end_of_file)
{
    int fds[2];
    wb_pipe(fds);
    ck_assert_msg(wb_write_full(fds[1], "x", 1) == 0,
                  "test setup: writing a byte into the pipe failed: %s", strerror(errno));
    int data = timed_poll_in(fds[0], false, 0);
    char byte;
    ssize_t got = read(fds[0], &byte, 1);
    ck_assert_msg(got == 1,
                  "reading back the byte timed_poll_in saw: read returned %zd, expected 1 "
                  "(errno %s): timed_poll_in must read nothing",
                  got, strerror(errno));
    close(fds[1]);
    int eof = timed_poll_in(fds[0], true, 1.0);
    close(fds[0]);
    ck_assert_msg(data == 0, "a pipe with a byte in it: got %d, expected 0 (readable)", data);
    ck_assert_msg(eof == 0, "a pipe whose writers have all closed: got %d, expected 0 "
                            "(end-of-file counts as readable)", eof);
}

WB_TEST(timed_poll_in_without_block_is_eagain)
{
    int fds[2];
    wb_pipe(fds);
    errno = 0;
    int rc = timed_poll_in(fds[0], false, 5.0);
    int err = errno;
    close(fds[0]);
    close(fds[1]);
    ck_assert_msg(rc == -1 && err == EAGAIN,
                  "block false, empty pipe: got %d (errno %s), expected -1 with EAGAIN", rc,
                  strerror(err));
}

WB_TEST(timed_poll_in_times_out_after_the_timeout)
{
    int fds[2];
    wb_pipe(fds);
    double t0 = wb_now();
    errno = 0;
    int rc = timed_poll_in(fds[0], true, 0.05);
    int err = errno;
    double took = wb_now() - t0;
    close(fds[0]);
    close(fds[1]);
    ck_assert_msg(rc == -1 && err == ETIMEDOUT,
                  "block true, timeout 0.05, empty pipe: got %d (errno %s), expected -1 with "
                  "ETIMEDOUT", rc, strerror(err));
    ck_assert_msg(took >= 0.049, "the 0.05 s timeout ended after %.4f s: too early", took);
}

static int write_byte(void *arg)
{
    return wb_write_full(*(int *)arg, "y", 1) == 0 ? 0 : 1;
}

WB_TEST(timed_poll_in_forever_wakes_on_data_from_another_process)
{
    int fds[2];
    wb_pipe(fds);
    pid_t child = wb_child_run(write_byte, &fds[1]);
    errno = 0;
    int rc = timed_poll_in(fds[0], true, -1);
    int err = errno;
    int code = wb_wait_exitcode(child, 10);
    close(fds[0]);
    close(fds[1]);
    ck_assert_msg(code == 0,
                  "the child that writes a byte into the pipe should exit with 0, exit code "
                  "%d (1: its write failed)",
                  code);
    ck_assert_msg(rc == 0, "block true, timeout -1, a child writes: got %d (errno %s), "
                           "expected 0", rc, strerror(err));
}
