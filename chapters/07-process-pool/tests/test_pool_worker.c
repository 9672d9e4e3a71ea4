/* test_pool_worker.c - pins the worker's side (pool_internal.h, pool_worker.c). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pool_test.h"

/* A worker run by hand: the test plays the parent. */
struct loop_pipes {
    int task[2], result[2];
};

static int run_loop(void *arg)
{
    struct loop_pipes *p = arg;
    close(p->task[1]); /* keep only the worker's two ends */
    close(p->result[0]);
    return pool_worker_loop(p->task[0], p->result[1]) == 0 ? 0 : 1;
}

static pid_t start_loop(struct loop_pipes *p)
{
    wb_pipe(p->task);
    wb_pipe(p->result);
    pid_t pid = wb_child_run(run_loop, p);
    close(p->task[0]);
    close(p->result[1]);
    return pid;
}

static void send_task(const struct loop_pipes *p, pool_fn fn, long arg)
{
    /* A worker that ended already makes the write fail with EPIPE, rather than kill the
     * test process with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    struct pool_task_msg msg = {fn, arg};
    ck_assert_msg(wb_write_full(p->task[1], &msg, sizeof msg) == 0,
                  "cannot send a task to the worker (%s): pool_worker_loop ended before "
                  "reading it", strerror(errno));
}

static long read_result(const struct loop_pipes *p)
{
    struct pool_result_msg msg;
    ck_assert_msg(wb_read_full(p->result[0], &msg, sizeof msg) == (ssize_t)sizeof msg,
                  "pool_worker_loop did not write a struct pool_result_msg for a task");
    return msg.value;
}

WB_TEST(worker_loop_replies_to_each_task_in_order)
{
    struct loop_pipes p;
    pid_t pid = start_loop(&p);
    send_task(&p, t_square, 7);
    send_task(&p, t_square, -3);
    send_task(&p, t_getpid, 0);
    long got[3] = {read_result(&p), read_result(&p), read_result(&p)};
    ck_assert_msg(got[0] == 49 && got[1] == 9,
                  "tasks square(7), square(-3): results %ld, %ld, expected 49, 9", got[0],
                  got[1]);
    ck_assert_msg(got[2] == pid, "the task ran in process %ld, expected the worker %d",
                  got[2], (int)pid);
    close(p.task[1]);
    int code = wb_wait_exitcode(pid, 10);
    ck_assert_msg(code == 0, "the worker running pool_worker_loop, its task pipe closed, should "
                  "exit with 0: exit code %d (1: pool_worker_loop did not return 0)", code);
    close(p.result[0]);
}

WB_TEST(worker_loop_ends_on_stop_message)
{
    struct loop_pipes p;
    pid_t pid = start_loop(&p);
    send_task(&p, t_square, 5);
    long result = read_result(&p);
    ck_assert_msg(result == 25, "pool_worker_loop's result for t_square(5): %ld, expected 25",
                  result);
    send_task(&p, NULL, 0);
    /* The test still holds the task pipe's write end: no end-of-file can come, only the
     * message with fn == NULL ends the loop. */
    int status = wb_wait_status(pid, 5);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "after a message with fn == NULL the worker should end with 0 (status %#x)",
                  status);
    close(p.task[1]);
    close(p.result[0]);
}

WB_TEST(worker_loop_ends_at_end_of_file)
{
    struct loop_pipes p;
    pid_t pid = start_loop(&p);
    send_task(&p, t_square, 4);
    long result = read_result(&p);
    ck_assert_msg(result == 16, "pool_worker_loop's result for t_square(4): %ld, expected 16",
                  result);
    close(p.task[1]); /* the parent is gone */
    int status = wb_wait_status(pid, 5);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "at end-of-file on the task pipe the worker should end with 0 (status %#x)",
                  status);
    close(p.result[0]);
}

WB_TEST(spawn_fills_the_slot_with_a_child)
{
    struct pool *pool = t_create(2);
    for (size_t i = 0; i < 2; i++) {
        struct pool_worker *w = &pool->workers[i];
        ck_assert_msg(w->pid > 0 && wb_proc_parent(w->pid) == getpid(),
                      "slot %zu: pid %d is not a child of the caller", i, (int)w->pid);
        ck_assert_msg(w->task_fd >= 0 && w->result_fd >= 0 && w->running == NULL,
                      "slot %zu: task_fd %d, result_fd %d, running %p: expected two open "
                      "descriptors and no task",
                      i, w->task_fd, w->result_fd, (void *)w->running);
    }
    ck_assert_msg(pool->workers[0].pid != pool->workers[1].pid,
                  "two slots hold the same pid");
    pool_destroy(pool);
}

WB_TEST(workers_hold_only_their_own_pipe_ends)
{
    t_open_pipes();
    struct pool *pool = t_create(3);
    t_check_pool_fds(pool);
    pool_destroy(pool);
}
