/* model_test.c - the workers of the tests and the log they keep (see model_test.h). */
#include "model_test.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

long m_private_steps;

struct m_log *m_log_new(int n, bool shared)
{
    ck_assert_msg(n >= 1 && n <= M_WORKERS, "test setup: a log for %d workers", n);
    struct m_log *log;
    if (shared) {
        log = mmap(NULL, sizeof *log, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                   -1, 0);
        ck_assert_msg(log != MAP_FAILED, "test setup: mmap of the log failed: %s",
                      strerror(errno));
        memset(log, 0, sizeof *log);
    } else {
        log = calloc(1, sizeof *log);
        ck_assert_msg(log != NULL, "test setup: out of memory");
    }
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    if (shared)
        pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    int rc = pthread_mutex_init(&log->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    ck_assert_msg(rc == 0, "test setup: pthread_mutex_init: %s", strerror(rc));
    log->shared = shared;
    log->n_workers = n;
    pthread_mutex_lock(&log->lock);
    m_private_steps = 0;
    pthread_mutex_unlock(&log->lock);
    return log;
}

void m_log_free(struct m_log *log)
{
    pthread_mutex_destroy(&log->lock);
    if (log->shared)
        munmap(log, sizeof *log);
    else
        free(log);
}

long m_step_value(int i, long step)
{
    return (i + 1) * 1000L + step;
}

long m_wait_value(int i)
{
    return (i + 1) * 1000000L;
}

long m_expected(int i, long steps, bool waits)
{
    long sum = waits ? m_wait_value(i) : 0;
    for (long s = 0; s < steps; s++)
        sum += m_step_value(i, s);
    return sum;
}

void m_job(struct job *job, struct m_worker *w, struct m_log *log, int i, long steps,
           bool waits, unsigned flags, struct gil *gil, int peer)
{
    ck_assert_msg(i >= 0 && i < log->n_workers, "test setup: worker %d of %d", i,
                  log->n_workers);
    *w = (struct m_worker){.log = log, .id = i, .gil = gil, .flags = flags, .peer = peer};
    *job = (struct job){.wait = waits ? m_wait : NULL, .compute = m_compute, .steps = steps,
                        .arg = w};
    pthread_mutex_lock(&log->lock);
    log->steps_total[i] = steps;
    pthread_mutex_unlock(&log->lock);
}

/* With log->lock held: the new event, or NULL when the log is full. */
static struct m_event *record(struct m_log *log, int worker, enum m_what what, long step,
                              int held)
{
    if (log->n_events == M_EVENTS) {
        log->overflow = true;
        return NULL;
    }
    struct m_event *e = &log->events[log->n_events++];
    *e = (struct m_event){.worker = worker, .what = what, .step = step, .pid = getpid(),
                          .tid = gettid(), .gil_held = held};
    return e;
}

/* With log->lock held: notes the first reason a hold gave up, and skips every later
 * hold of the run. */
static void give_up(struct m_log *log, const char *fmt, ...)
{
    if (!log->gave_up) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(log->problem, sizeof log->problem, fmt, ap);
        va_end(ap);
    }
    log->gave_up = true;
}

/* When a hold is over: with log->lock held, given how many threads wait for the GIL. */
typedef bool (*ready_fn)(struct m_log *log, const struct m_worker *w, int gil_waiting);

static bool two_computed_at_once(struct m_log *log, const struct m_worker *w, int gw)
{
    (void)w;
    (void)gw;
    return log->max_computing >= 2;
}

static bool others_done(struct m_log *log, const struct m_worker *w)
{
    for (int j = 0; j < log->n_workers; j++)
        if (j != w->id && log->steps_done[j] < log->steps_total[j])
            return false;
    return true;
}

static bool my_turn_may_go_on(struct m_log *log, const struct m_worker *w, int gw)
{
    return gw >= 1 || log->computing >= 2 || others_done(log, w);
}

static bool peer_waits_or_needs_the_gil(struct m_log *log, const struct m_worker *w, int gw)
{
    return log->is_waiting[w->peer] || gw >= 1;
}

static bool all_waited_at_once(struct m_log *log, const struct m_worker *w, int gw)
{
    (void)w;
    (void)gw;
    return log->max_waiting >= log->n_workers;
}

static bool peer_done(struct m_log *log, const struct m_worker *w, int gw)
{
    (void)gw;
    return log->steps_done[w->peer] >= log->steps_total[w->peer];
}

/* Polls ready every millisecond, for at most M_PATIENCE seconds; then gives up with
 * why (a format taking the worker's id and its peer's). */
static void hold(struct m_worker *w, ready_fn ready, const char *why)
{
    struct m_log *log = w->log;
    double deadline = wb_now() + M_PATIENCE;
    for (;;) {
        int gw = w->gil != NULL ? gil_waiting(w->gil) : 0; /* never under log->lock */
        pthread_mutex_lock(&log->lock);
        bool over = log->gave_up || ready(log, w, gw);
        if (!over && wb_now() > deadline) {
            give_up(log, why, w->id, w->peer);
            over = true;
        }
        pthread_mutex_unlock(&log->lock);
        if (over)
            return;
        wb_sleep(0.001);
    }
}

/* M_SPIN: loops, counting its own iterations in the log and watching the peer's count.
 * On one CPU the peer's count can only change while this worker is not running, so at
 * most once per time slice (many thousand iterations): once or never in a block of
 * 10000. When it changes on 100 iterations of a block, the two ran at the same instant,
 * on two CPUs (measured on two: 500 to 600 changes a block while both ran, 1 at most
 * pinned to one CPU). Each goes on until both have seen it. Atomics: this runs in child
 * processes only, which helgrind never looks at. */
static void spin(struct m_worker *w)
{
    enum { BLOCK = 10000, NEEDED = BLOCK / 100 };
    struct m_log *log = w->log;
    int me = w->id, other = w->peer;
    double deadline = wb_now() + 2 * M_PATIENCE;
    long mine = 0, last = __atomic_load_n(&log->spins[other], __ATOMIC_RELAXED);
    for (;;) {
        int changes = 0;
        for (int i = 0; i < BLOCK; i++) {
            __atomic_store_n(&log->spins[me], ++mine, __ATOMIC_RELAXED);
            long seen = __atomic_load_n(&log->spins[other], __ATOMIC_RELAXED);
            changes += seen != last;
            last = seen;
        }
        if (changes >= NEEDED)
            __atomic_store_n(&log->spin_ok[me], 1, __ATOMIC_RELAXED);
        if (__atomic_load_n(&log->spin_ok[me], __ATOMIC_RELAXED) &&
            __atomic_load_n(&log->spin_ok[other], __ATOMIC_RELAXED))
            return;
        if (wb_now() > deadline) {
            pthread_mutex_lock(&log->lock);
            give_up(log, "worker %d spun for %.0f s and never saw worker %d run at the same "
                    "instant", me, 2 * M_PATIENCE, other);
            pthread_mutex_unlock(&log->lock);
            return;
        }
        pthread_mutex_lock(&log->lock);
        bool gave_up = log->gave_up;
        pthread_mutex_unlock(&log->lock);
        if (gave_up)
            return;
    }
}

long m_compute(void *arg, long step)
{
    struct m_worker *w = arg;
    struct m_log *log = w->log;
    /* Before the step begins (in the log): a step that begins only once the peer waits
     * shows in the log after the peer's wait began. */
    if (w->flags & M_AFTER_PEER_WAITS)
        hold(w, peer_waits_or_needs_the_gil,
             "worker %d waited 5 s for worker %d to begin its wait (are the threads all "
             "started before any is joined?)");
    int held = w->gil != NULL ? gil_held(w->gil) : -1;
    int fds = w->flags & M_COUNT_FDS ? wb_count_fds() : 0;
    int std_open = w->flags & M_COUNT_FDS ? m_std_open() : 0;
    pthread_mutex_lock(&log->lock);
    struct m_event *e = record(log, w->id, M_STEP_BEGIN, step, held);
    if (e != NULL) {
        e->fds = fds;
        e->std_open = std_open;
    }
    if (++log->computing > log->max_computing)
        log->max_computing = log->computing;
    m_private_steps++;
    pthread_mutex_unlock(&log->lock);

    if (step == 0 && (w->flags & M_CRASH)) {
        signal(SIGSEGV, SIG_DFL);
        raise(SIGSEGV);
    }
    if (step == 0 && (w->flags & M_MEET))
        hold(w, two_computed_at_once,
             "worker %d computed for 5 s and no other worker computed at the same time "
             "(are the workers all started before any is waited for?)");
    if (w->flags & M_TAKE_TURNS)
        hold(w, my_turn_may_go_on,
             "worker %d computed with the GIL for 5 s and no other thread asked for the GIL, "
             "while another worker still had steps to do (are the threads all started "
             "before any is joined?)");
    if (step == 0 && (w->flags & M_SPIN))
        spin(w);

    pthread_mutex_lock(&log->lock);
    if (w->flags & M_READ_WRITE) {
        if (step % 2 == 0)
            w->read_value = log->counter;
        else
            log->counter = w->read_value + 1;
    }
    record(log, w->id, M_STEP_END, step, held);
    log->computing--;
    log->steps_done[w->id]++;
    pthread_mutex_unlock(&log->lock);
    return m_step_value(w->id, step);
}

long m_wait(void *arg)
{
    struct m_worker *w = arg;
    struct m_log *log = w->log;
    int held = w->gil != NULL ? gil_held(w->gil) : -1;
    pthread_mutex_lock(&log->lock);
    record(log, w->id, M_WAIT_BEGIN, 0, held);
    if (++log->waiting > log->max_waiting)
        log->max_waiting = log->waiting;
    log->is_waiting[w->id] = true;
    pthread_mutex_unlock(&log->lock);

    if (w->flags & M_SLOW_WAIT)
        wb_sleep(0.05);
    if (w->flags & M_WAIT_ALL)
        hold(w, all_waited_at_once,
             "worker %d waited 5 s and the workers never all waited at the same time (is "
             "the GIL released around the wait? are the workers all started before any "
             "is waited for?)");
    if (w->flags & M_WAIT_PEER_DONE)
        hold(w, peer_done,
             "worker %d waited 5 s for worker %d to do its steps (is the GIL released "
             "around the wait? are the workers all started before any is waited for?)");

    pthread_mutex_lock(&log->lock);
    record(log, w->id, M_WAIT_END, 0, held);
    log->waiting--;
    log->is_waiting[w->id] = false;
    pthread_mutex_unlock(&log->lock);
    return m_wait_value(w->id);
}

size_t m_events(struct m_log *log, struct m_event *out, size_t max)
{
    pthread_mutex_lock(&log->lock);
    ck_assert_msg(!log->overflow, "test setup: more than %d events in the log", M_EVENTS);
    size_t n = log->n_events < max ? log->n_events : max;
    memcpy(out, log->events, n * sizeof *out);
    pthread_mutex_unlock(&log->lock);
    return n;
}

int m_max_computing(struct m_log *log)
{
    pthread_mutex_lock(&log->lock);
    int max = log->max_computing;
    pthread_mutex_unlock(&log->lock);
    return max;
}

int m_max_waiting(struct m_log *log)
{
    pthread_mutex_lock(&log->lock);
    int max = log->max_waiting;
    pthread_mutex_unlock(&log->lock);
    return max;
}

void m_expect_no_problem(struct m_log *log, const char *what)
{
    char problem[sizeof log->problem];
    pthread_mutex_lock(&log->lock);
    memcpy(problem, log->problem, sizeof problem);
    pthread_mutex_unlock(&log->lock);
    ck_assert_msg(problem[0] == '\0', "%s: %s", what, problem);
}

void m_describe(const struct m_event *events, size_t n, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    size_t shown = 0;
    for (size_t i = 0; i < n && used + 16 < size; i++) {
        const struct m_event *e = &events[i];
        int len = 0;
        if (shown == 40) {
            len = snprintf(buf + used, size - used, "...");
            used += (size_t)len;
            break;
        }
        switch (e->what) {
        case M_STEP_BEGIN:
            len = snprintf(buf + used, size - used, "%s%d:s%ld", shown ? " " : "", e->worker,
                           e->step);
            break;
        case M_WAIT_BEGIN:
            len = snprintf(buf + used, size - used, "%s%d:W", shown ? " " : "", e->worker);
            break;
        case M_WAIT_END:
            len = snprintf(buf + used, size - used, "%s%d:/W", shown ? " " : "", e->worker);
            break;
        case M_TURN:
            len = snprintf(buf + used, size - used, "%sT", shown ? " " : "");
            break;
        case M_STEP_END:
            continue;
        }
        if (len < 0 || (size_t)len >= size - used)
            break;
        used += (size_t)len;
        shown++;
    }
}

void m_expect_turns(struct m_log *log, long interval, long steps, const char *what)
{
    struct m_event events[M_EVENTS];
    size_t n = m_events(log, events, M_EVENTS);
    char order[1024];
    m_describe(events, n, order, sizeof order);
    int worker[2 * M_EVENTS];
    long length[2 * M_EVENTS];
    size_t runs = 0;
    for (size_t i = 0; i < n; i++) {
        if (events[i].what != M_STEP_BEGIN)
            continue;
        if (runs > 0 && worker[runs - 1] == events[i].worker) {
            length[runs - 1]++;
        } else {
            worker[runs] = events[i].worker;
            length[runs++] = 1;
        }
    }
    size_t expected = (size_t)(2 * steps / interval);
    bool ok = runs == expected;
    for (size_t r = 0; ok && r < runs; r++)
        ok = length[r] == interval && (r == 0 || worker[r] != worker[r - 1]);
    ck_assert_msg(ok,
                  "%s: the steps began in the order %s (worker:step); expected turns of "
                  "exactly %ld steps, the two workers alternating (%zu turns)",
                  what, order, interval, expected);
}

struct bystander {
    struct m_log *log;
    struct gil *gil;
    int id;
};

static void *bystander_main(void *arg)
{
    struct bystander *b = arg;
    for (;;) {
        if (gil_acquire(b->gil) < 0)
            break;
        struct m_log *log = b->log;
        pthread_mutex_lock(&log->lock);
        struct m_event *last = log->n_events > 0 ? &log->events[log->n_events - 1] : NULL;
        if (last != NULL && last->what == M_TURN && last->worker == b->id)
            last->step++; /* turns in a row: one event, counted */
        else
            record(log, b->id, M_TURN, 1, 1);
        bool stop = log->stop;
        pthread_mutex_unlock(&log->lock);
        gil_release(b->gil);
        if (stop)
            break;
    }
    free(b);
    return NULL;
}

pthread_t m_bystander_start(struct m_log *log, struct gil *gil, int id)
{
    ck_assert_msg(id >= 0 && id < log->n_workers, "test setup: bystander %d of %d", id,
                  log->n_workers);
    struct bystander *b = malloc(sizeof *b);
    ck_assert_msg(b != NULL, "test setup: out of memory");
    *b = (struct bystander){log, gil, id};
    pthread_mutex_lock(&log->lock);
    log->steps_total[id] = LONG_MAX; /* never done: workers taking turns wait for it */
    pthread_mutex_unlock(&log->lock);
    return wb_thread_start(bystander_main, b);
}

void m_bystander_stop(struct m_log *log, pthread_t tid)
{
    pthread_mutex_lock(&log->lock);
    log->stop = true;
    pthread_mutex_unlock(&log->lock);
    wb_thread_join(tid);
}

bool m_wait_for_waiters(struct gil *gil, int n)
{
    double deadline = wb_now() + M_PATIENCE;
    while (gil_waiting(gil) < n) {
        if (wb_now() > deadline)
            return false;
        wb_sleep(0.001);
    }
    return true;
}

int m_std_open(void)
{
    int mask = 0;
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) != -1)
            mask |= 1 << fd;
    return mask;
}

int m_usable_cpus(void)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    cpu_set_t set;
    CPU_ZERO(&set);
    int allowed = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : (int)online;
    return (int)(online < allowed ? online : allowed);
}

bool m_no_children_left(void)
{
    errno = 0;
    return waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD;
}
