/* tp_test.c - tasks and recorders shared by the thread pool tests. */
#include "tp_test.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t log_cond = PTHREAD_COND_INITIALIZER;
static int ended[T_MAX], n_ended;
static int hold_target, hold_running, hold_max, hold_started;
static int chain_length;
static sem_t started;

void t_init(void)
{
    pthread_mutex_lock(&log_lock);
    n_ended = hold_running = hold_max = hold_started = 0;
    pthread_mutex_unlock(&log_lock);
    sem_init(&started, 0, 0);
}

void t_gates_init(struct t_gated *g, int n)
{
    for (int i = 0; i < n; i++) {
        sem_init(&g[i].go, 0, 0);
        g[i].id = i;
    }
}

void t_gates_destroy(struct t_gated *g, int n)
{
    for (int i = 0; i < n; i++)
        sem_destroy(&g[i].go);
}

/* An absolute CLOCK_REALTIME time seconds from now, for sem_timedwait. */
static struct timespec realtime_in(int seconds)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += seconds;
    return ts;
}

void t_wait_started(int count)
{
    for (int i = 0; i < count; i++) {
        struct timespec deadline = realtime_in(20);
        int rc;
        while ((rc = sem_timedwait(&started, &deadline)) < 0 && errno == EINTR)
            continue;
        ck_assert_msg(rc == 0, "waited 20 s for task %d of %d to start", i + 1, count);
    }
}

static void log_end(int id)
{
    pthread_mutex_lock(&log_lock);
    if (n_ended < T_MAX)
        ended[n_ended++] = id;
    pthread_mutex_unlock(&log_lock);
}

int t_ended(int *ids, int max)
{
    pthread_mutex_lock(&log_lock);
    int n = n_ended < max ? n_ended : max;
    memcpy(ids, ended, (size_t)n * sizeof *ids);
    pthread_mutex_unlock(&log_lock);
    return n;
}

/* Waits for a gate; gives up after 20 s so that a broken pool cannot hang a task. */
static void wait_gate(sem_t *go)
{
    struct timespec deadline = realtime_in(20);
    while (sem_timedwait(go, &deadline) < 0 && errno == EINTR)
        continue;
}

void *t_gated_task(void *arg)
{
    struct t_gated *g = arg;
    sem_post(&started);
    wait_gate(&g->go);
    log_end(g->id);
    return (void *)(intptr_t)(100 + g->id);
}

void t_chain_set_length(int n)
{
    chain_length = n;
}

void *t_chain_task(void *arg)
{
    struct t_gated *g = arg;
    if (g->id != chain_length - 1)
        wait_gate(&g->go);
    log_end(g->id);
    if (g->id > 0)
        sem_post(&(g - 1)->go); /* g points into the array: g - 1 is task id - 1 */
    return (void *)(intptr_t)(100 + g->id);
}

void t_hold_set_target(int target)
{
    pthread_mutex_lock(&log_lock);
    hold_target = target;
    pthread_mutex_unlock(&log_lock);
}

void *t_hold_task(void *arg)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 20;
    pthread_mutex_lock(&log_lock);
    hold_started++;
    if (++hold_running > hold_max)
        hold_max = hold_running;
    pthread_cond_broadcast(&log_cond);
    while (hold_started < hold_target &&
           pthread_cond_timedwait(&log_cond, &log_lock, &deadline) != ETIMEDOUT)
        continue;
    hold_running--;
    pthread_mutex_unlock(&log_lock);
    return arg;
}

int t_hold_max_running(void)
{
    pthread_mutex_lock(&log_lock);
    int max = hold_max;
    pthread_mutex_unlock(&log_lock);
    return max;
}

int t_hold_started(void)
{
    pthread_mutex_lock(&log_lock);
    int n = hold_started;
    pthread_mutex_unlock(&log_lock);
    return n;
}

void *t_identity(void *arg)
{
    return arg;
}

void *t_self(void *arg)
{
    (void)arg;
    return (void *)(uintptr_t)pthread_self();
}

void t_calls_init(struct t_calls *c)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
}

int t_calls_count(struct t_calls *c)
{
    pthread_mutex_lock(&c->lock);
    int n = c->count;
    pthread_mutex_unlock(&c->lock);
    return n;
}

void t_record_call(struct future *f, void *arg)
{
    struct t_tagged *t = arg;
    struct t_calls *c = t->calls;
    pthread_mutex_lock(&c->lock);
    if (c->count < 8)
        c->order[c->count] = t->tag;
    c->count++;
    c->thread = pthread_self();
    c->future = f;
    pthread_mutex_unlock(&c->lock);
}

