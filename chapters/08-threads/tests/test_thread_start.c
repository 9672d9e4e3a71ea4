/* test_thread_start.c - pins the promises of thread_start.c (thread.h).
 *
 * These tests do not use thread_join (another exercise): they learn that run ended
 * from a semaphore it posts, and reclaim the thread with pthread_join on t.tid. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "thread.h"
#include "wb_test.h"

/* What a target saw; the test reads it once the thread has been reclaimed. */
struct probe {
    int runs;
    void *arg_seen;
    pid_t tid;
    struct thread *current;
    const char *current_name;
    sem_t go;        /* posted by the test: the target may finish */
    bool waited_go;  /* the target was let go by the test, not by the 5 s guard */
    bool wait_for_go;
    sem_t done;      /* posted by the target as its last action */
};

static void probe_init(struct probe *p, bool wait_for_go)
{
    *p = (struct probe){.wait_for_go = wait_for_go};
    sem_init(&p->go, 0, 0);
    sem_init(&p->done, 0, 0);
}

static void probe_target(void *arg)
{
    struct probe *p = arg;
    p->runs++;
    p->arg_seen = arg;
    p->tid = gettid();
    p->current = thread_current();
    p->current_name = thread_current_name();
    if (p->wait_for_go)
        p->waited_go = wb_sem_wait_for(&p->go, 5);
    sem_post(&p->done);
}

static void init_ok(struct thread *t, thread_target target, void *arg, const char *name)
{
    errno = 0;
    int rc = thread_init(t, target, arg, name);
    ck_assert_msg(rc == 0, "thread_init returned %d (errno: %s), expected 0", rc,
                  strerror(errno));
}

static void start_ok(struct thread *t)
{
    errno = 0;
    int rc = thread_start(t);
    ck_assert_msg(rc == 0, "thread_start returned %d (errno: %s), expected 0", rc,
                  strerror(errno));
}

/* Waits for the probe's target to end, then reclaims the thread. */
static void finish(struct thread *t, struct probe *p)
{
    ck_assert_msg(wb_sem_wait_for(&p->done, 10), "the target did not run (or did not end) "
                                              "within 10 s of thread_start");
    wb_thread_join(t->tid);
    sem_destroy(&p->go);
    sem_destroy(&p->done);
}

WB_TEST(start_runs_target_with_arg_in_new_thread)
{
    struct probe p;
    probe_init(&p, false);
    struct thread t;
    init_ok(&t, probe_target, &p, "worker");
    start_ok(&t);
    finish(&t, &p);
    ck_assert_msg(p.runs == 1, "the target ran %d times, expected once", p.runs);
    ck_assert_msg(p.arg_seen == &p, "the target got a different argument than the one given");
    ck_assert_msg(p.tid != gettid(), "the target ran in the calling thread: thread_start "
                                     "must create a new thread (pthread_create)");
}

WB_TEST(start_returns_without_waiting_for_run)
{
    struct probe p;
    probe_init(&p, true);
    struct thread t;
    init_ok(&t, probe_target, &p, "waiter");
    start_ok(&t);
    sem_post(&p.go); /* had thread_start waited for run, run would have given up by now */
    finish(&t, &p);
    ck_assert_msg(p.waited_go, "thread_start returned only after run ended: it must return "
                               "as soon as the thread exists");
}

WB_TEST(start_marks_started_then_finished)
{
    struct probe p;
    probe_init(&p, true);
    struct thread t;
    init_ok(&t, probe_target, &p, "marker");
    start_ok(&t);
    pthread_mutex_lock(&t.lock);
    bool started = t.started;
    pthread_mutex_unlock(&t.lock);
    sem_post(&p.go);
    finish(&t, &p);
    pthread_mutex_lock(&t.lock);
    bool finished = t.finished;
    pthread_mutex_unlock(&t.lock);
    ck_assert_msg(started, "t.started is false after thread_start returned 0");
    ck_assert_msg(finished, "t.finished is false once the thread has ended: the thread must "
                            "set it (under t.lock) after run returns");
}

WB_TEST(start_twice_is_einval)
{
    struct probe p;
    probe_init(&p, true);
    struct thread t;
    init_ok(&t, probe_target, &p, "once");
    start_ok(&t);
    errno = 0;
    int running = thread_start(&t);
    int running_errno = errno;
    sem_post(&p.go);
    finish(&t, &p);
    errno = 0;
    int ended = thread_start(&t);
    int ended_errno = errno;
    if (ended == 0) /* a second thread was wrongly started: reclaim it too */
        wb_thread_join(t.tid);
    ck_assert_msg(running == -1 && running_errno == EINVAL,
                  "starting a running thread again: got %d (errno %s), expected -1 with "
                  "errno EINVAL", running, strerror(running_errno));
    ck_assert_msg(ended == -1 && ended_errno == EINVAL,
                  "starting an ended thread again: got %d (errno %s), expected -1 with errno "
                  "EINVAL (a thread is started once)", ended, strerror(ended_errno));
    ck_assert_msg(p.runs == 1, "the target ran %d times, expected once", p.runs);
}

WB_TEST(init_without_name_uses_default_names)
{
    struct thread a, b;
    init_ok(&a, NULL, NULL, NULL);
    init_ok(&b, NULL, NULL, NULL);
    unsigned long na = 0, nb = 0;
    ck_assert_msg(sscanf(thread_name(&a), "Thread-%lu", &na) == 1 &&
                      sscanf(thread_name(&b), "Thread-%lu", &nb) == 1 && nb == na + 1,
                  "two threads made without a name are called \"%s\" and \"%s\": expected "
                  "\"Thread-N\" and \"Thread-N+1\" (thread_default_name)",
                  thread_name(&a), thread_name(&b));
}

WB_TEST(init_keeps_the_given_name)
{
    char longest[THREAD_NAME_MAX];
    memset(longest, 'x', sizeof longest - 1);
    longest[sizeof longest - 1] = '\0';
    struct thread a, b;
    init_ok(&a, NULL, NULL, "thread 1");
    init_ok(&b, NULL, NULL, longest);
    ck_assert_msg(strcmp(thread_name(&a), "thread 1") == 0,
                  "named \"thread 1\", the thread is called \"%s\"", thread_name(&a));
    ck_assert_msg(strcmp(thread_name(&b), longest) == 0,
                  "a name of THREAD_NAME_MAX - 1 bytes fits, but became \"%s\"",
                  thread_name(&b));
}

WB_TEST(init_name_too_long_is_einval)
{
    char name[THREAD_NAME_MAX + 1];
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    struct thread t;
    errno = 0;
    int rc = thread_init(&t, NULL, NULL, name);
    ck_assert_msg(rc == -1 && errno == EINVAL,
                  "a name of %d bytes: got %d (errno %s), expected -1 with errno EINVAL",
                  THREAD_NAME_MAX, rc, strerror(errno));
}

WB_TEST(run_sees_its_thread_as_current)
{
    struct probe p;
    probe_init(&p, false);
    struct thread t;
    init_ok(&t, probe_target, &p, "thread 1");
    start_ok(&t);
    finish(&t, &p);
    ck_assert_msg(p.current == &t, "inside run, thread_current() is not the thread object "
                                   "that was started: call thread_set_current first");
    ck_assert_msg(p.current_name != NULL && strcmp(p.current_name, "thread 1") == 0,
                  "inside run, thread_current_name() is \"%s\", expected \"thread 1\"",
                  p.current_name != NULL ? p.current_name : "(null)");
}

/* A "subclass" whose run hook replaces the default one. */
struct counting_thread {
    struct thread base;
    int runs;
    struct thread *self_seen;
    sem_t done;
};

static void counting_run(struct thread *self)
{
    struct counting_thread *c = container_of(self, struct counting_thread, base);
    c->runs++;
    c->self_seen = self;
    sem_post(&c->done);
}

WB_TEST(start_calls_the_run_hook)
{
    struct probe p;
    probe_init(&p, false);
    struct counting_thread c = {.runs = 0};
    sem_init(&c.done, 0, 0);
    init_ok(&c.base, probe_target, &p, "hooked");
    ck_assert_msg(c.base.run == thread_run_target,
                  "after thread_init, run must be thread_run_target");
    c.base.run = counting_run;
    start_ok(&c.base);
    ck_assert_msg(wb_sem_wait_for(&c.done, 10), "the overriding run hook was not called");
    wb_thread_join(c.base.tid);
    sem_destroy(&c.done);
    ck_assert_msg(c.runs == 1 && c.self_seen == &c.base,
                  "the run hook must be called once with the thread object: runs %d, self %s",
                  c.runs, c.self_seen == &c.base ? "right" : "wrong");
    ck_assert_msg(p.runs == 0, "the target ran although run was overridden: the thread must "
                               "call t->run(t), which alone decides to call the target");
}

WB_TEST(start_with_no_target_runs_nothing)
{
    struct thread t;
    init_ok(&t, NULL, NULL, "idle");
    start_ok(&t);
    wb_thread_join(t.tid);
    pthread_mutex_lock(&t.lock);
    bool finished = t.finished;
    pthread_mutex_unlock(&t.lock);
    ck_assert_msg(finished, "a thread with no target must end normally and be finished");
}
