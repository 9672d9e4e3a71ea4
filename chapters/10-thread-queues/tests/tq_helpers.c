/* tq_helpers.c - a test store, and watching a thread block. */
#include "tq_helpers.h"

#include <check.h>
#include <semaphore.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wb_test.h"

struct test_store *test_store_last;

static void *test_create(tq_cmp cmp)
{
    (void)cmp;
    struct test_store *s = calloc(1, sizeof *s);
    test_store_last = s;
    return s;
}

static void test_destroy(void *store)
{
    struct test_store *s = store;
    free(s->items);
    free(s);
}

static int test_push(void *store, void *item)
{
    struct test_store *s = store;
    if (s->fail_pushes) {
        errno = ENOMEM;
        return -1;
    }
    if (s->tail == s->capacity) {
        size_t capacity = s->capacity ? 2 * s->capacity : 64;
        void **items = realloc(s->items, capacity * sizeof *items);
        if (items == NULL)
            return -1;
        s->items = items;
        s->capacity = capacity;
    }
    s->items[s->tail++] = item;
    if (s->tail - s->head > s->max_held)
        s->max_held = s->tail - s->head;
    return 0;
}

static void *test_pop(void *store)
{
    struct test_store *s = store;
    if (s->head == s->tail)
        return NULL; /* the core called pop on an empty store: tests see NULL */
    return s->items[s->head++];
}

const struct tq_kind test_kind = {"TestQueue", test_create, test_destroy, test_push, test_pop};

void watch_init(struct watch *w)
{
    memset(w, 0, sizeof *w);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->changed, NULL);
}

void watch_destroy(struct watch *w)
{
    pthread_cond_destroy(&w->changed);
    pthread_mutex_destroy(&w->lock);
}

void watch_begin(struct watch *w)
{
    pthread_mutex_lock(&w->lock);
    w->tid = gettid();
    w->begun = true;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
}

void watch_end(struct watch *w)
{
    pthread_mutex_lock(&w->lock);
    w->ended = true;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
}

bool watch_ended(struct watch *w)
{
    pthread_mutex_lock(&w->lock);
    bool ended = w->ended;
    pthread_mutex_unlock(&w->lock);
    return ended;
}

bool watch_blocks(struct watch *w)
{
    double deadline = wb_now() + 5;
    pthread_mutex_lock(&w->lock);
    while (!w->begun)
        pthread_cond_wait(&w->changed, &w->lock);
    pid_t tid = w->tid;
    pthread_mutex_unlock(&w->lock);
    for (;;) {
        if (watch_ended(w))
            return false;
        if (wb_thread_state(tid) == 'S')
            return true;
        ck_assert_msg(wb_now() < deadline,
                      "a thread neither blocked (asleep) nor returned within 5 s: "
                      "is it spinning instead of waiting on a condition variable?");
        wb_sleep(0.001);
    }
}


