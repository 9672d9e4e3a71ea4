/* lock_helpers.c - what the chapter 06 tests share: holders, watchers, signals. */
#include "lock_helpers.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "wb_test.h"

struct holder_job {
    int (*take)(void *), (*give)(void *);
    void *arg;
    int told_fd, holding_fd;
};

static int hold(void *arg)
{
    struct holder_job *job = arg;
    if (job->take(job->arg) != 0)
        return 10;
    if (wb_write_full(job->holding_fd, "h", 1) < 0)
        return 11;
    char byte;
    wb_read_full(job->told_fd, &byte, 1); /* a byte or end-of-file: go on */
    if (job->give == NULL)
        return 0; /* end while holding */
    return job->give(job->arg) == 0 ? 0 : 12;
}

struct holder holder_start(int (*take)(void *), int (*give)(void *), void *arg)
{
    int told[2], holding[2];
    wb_pipe(told);
    wb_pipe(holding);
    struct holder_job job = {take, give, arg, told[0], holding[1]};
    struct holder h = {wb_child_run(hold, &job), told[1], holding[0]};
    close(told[0]);
    close(holding[1]);
    char byte;
    if (wb_read_full(h.holding_fd, &byte, 1) != 1) {
        close(h.told_fd);
        int code = wb_wait_exitcode(h.pid, 10);
        ck_abort_msg("a child could not take the lock or semaphore (exit %d)", code);
    }
    return h;
}

int holder_finish(struct holder *h)
{
    ck_assert_msg(wb_write_full(h->told_fd, "g", 1) == 0,
                  "test setup: telling the child that holds to go on failed: %s",
                  strerror(errno));
    close(h->told_fd);
    close(h->holding_fd);
    return wb_wait_exitcode(h->pid, 20);
}

struct watched {
    int (*call)(void *);
    void *arg;
    int done_fd;
};

static int call_then_report(void *arg)
{
    struct watched *w = arg;
    int rc = w->call(w->arg);
    return wb_write_full(w->done_fd, "d", 1) == 0 ? rc : 3;
}

static bool has_returned(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 0) == 1;
}

int sleeps_until_released(int (*call)(void *), int (*release)(void *), void *arg)
{
    int done[2];
    wb_pipe(done);
    pid_t pid = wb_child_run(call_then_report, &(struct watched){call, arg, done[1]});
    close(done[1]);
    double deadline = wb_now() + 20;
    bool slept = false;
    while (!has_returned(done[0]) && wb_now() < deadline) {
        /* 'S': asleep in the futex wait; checked before the pipe, so a call that
         * returned just before is not taken for a sleeping one. */
        if (wb_proc_state(pid) == 'S' && !has_returned(done[0])) {
            slept = true;
            break;
        }
        wb_sleep(0.001);
    }
    ck_assert_msg(release(arg) == 0, "the test could not release what it held");
    int code = wb_wait_exitcode(pid, 20);
    close(done[0]);
    if (!slept)
        return 1;
    return code == 0 ? 0 : 2;
}

