/* test_pipeline.c - pins every promise of pipeline.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pc_helpers.h"
#include "pipeline.h"
#include "wb_test.h"

/* The test's side of a run: producer p gives ids p*per .. p*per+per-1 in order; the
 * consumers log every id they get, with who got it, under one mutex. */
struct run {
    size_t per_producer;
    pthread_mutex_t lock;
    /* lock guards these: */
    size_t *next;     /* per producer: how many it has given */
    long *log;        /* ids in the order consumers got them */
    size_t *consumer; /* who got each */
    long n_log;
    long capacity_log;
};

static bool give(void *ctx, size_t producer, void **item)
{
    struct run *r = ctx;
    pthread_mutex_lock(&r->lock);
    bool more = r->next[producer] < r->per_producer;
    long id = (long)(producer * r->per_producer + r->next[producer]);
    if (more)
        r->next[producer]++;
    pthread_mutex_unlock(&r->lock);
    if (more)
        *item = ITEM(id);
    return more;
}

static void take(void *ctx, size_t consumer, void *item)
{
    struct run *r = ctx;
    pthread_mutex_lock(&r->lock);
    if (r->n_log < r->capacity_log) {
        r->consumer[r->n_log] = consumer;
        r->log[r->n_log] = ID(item);
    }
    r->n_log++;
    pthread_mutex_unlock(&r->lock);
}

static struct run *new_run(size_t producers, size_t per_producer)
{
    struct run *r = calloc(1, sizeof *r);
    r->per_producer = per_producer;
    pthread_mutex_init(&r->lock, NULL);
    r->next = calloc(producers, sizeof *r->next);
    r->capacity_log = (long)(producers * per_producer) + 16; /* room for a few too many */
    r->log = calloc((size_t)r->capacity_log, sizeof *r->log);
    r->consumer = calloc((size_t)r->capacity_log, sizeof *r->consumer);
    return r;
}

static void free_run(struct run *r)
{
    pthread_mutex_destroy(&r->lock);
    free(r->next);
    free(r->log);
    free(r->consumer);
    free(r);
}

/* Runs the pipeline and checks every id came out exactly once, the report, and the
 * capacity. Returns the run for further checks (free_run it). */
static struct run *run_checked(size_t producers, size_t consumers, size_t capacity,
                               size_t per_producer)
{
    struct run *r = new_run(producers, per_producer);
    struct pc_config config = {.producers = producers, .consumers = consumers,
                               .capacity = capacity, .produce = give, .consume = take,
                               .ctx = r};
    struct pc_report report;
    memset(&report, 0xff, sizeof report);
    errno = 0;
    int rc = pc_run(&config, &report);
    ck_assert_msg(rc == 0, "pc_run returned %d (errno %s), expected 0", rc, strerror(errno));
    long total = (long)(producers * per_producer);
    pthread_mutex_lock(&r->lock); /* the threads are gone; the lock only keeps helgrind sure */
    long n = r->n_log;
    pthread_mutex_unlock(&r->lock);
    ck_assert_msg(n <= r->capacity_log, "%ld items consumed, but only %ld were produced", n,
                  total);
    check_each_once(r->log, n, total);
    ck_assert_msg(report.produced == (size_t)total && report.consumed == (size_t)total,
                  "report: produced %zu consumed %zu, expected %ld and %ld", report.produced,
                  report.consumed, total, total);
    ck_assert_msg(report.max_held >= 1 && report.max_held <= capacity,
                  "report: max_held %zu, expected between 1 and the capacity %zu",
                  report.max_held, capacity);
    for (long k = 0; k < n; k++)
        ck_assert_msg(r->consumer[k] < consumers, "consume was called with consumer number "
                      "%zu, expected 0 .. %zu", r->consumer[k], consumers - 1);
    return r;
}

WB_TEST(pipeline_delivers_every_item_exactly_once)
{
    free_run(run_checked(3, 2, 4, 100));
}

WB_TEST(pipeline_many_to_many_under_contention)
{
    free_run(run_checked(4, 4, 2, 3000));
}

WB_TEST(pipeline_single_consumer_sees_each_producers_order)
{
    struct run *r = run_checked(3, 1, 3, 200);
    size_t expect[3] = {0, 0, 0}; /* per producer: the next index it must deliver */
    for (long k = 0; k < r->n_log; k++) {
        size_t producer = (size_t)r->log[k] / r->per_producer;
        size_t index = (size_t)r->log[k] % r->per_producer;
        ck_assert_msg(index == expect[producer], "the one consumer got #%zu of producer %zu, "
                      "expected #%zu: the buffer is first in, first out",
                      index, producer, expect[producer]);
        expect[producer]++;
    }
    free_run(r);
}

/* The consumers may not take anything before the producer has given its last item, so
 * when the producer is done the buffer is full: a pipeline that stops its consumers at
 * the close, instead of letting them drain the buffer, loses those items. */
struct gate {
    pthread_mutex_t lock;
    pthread_cond_t opened;
    /* lock guards these: */
    bool open;   /* the producer has given everything */
    long given;
    long taken;
};

enum { GATED_ITEMS = 20 };

static bool give_then_open(void *ctx, size_t producer, void **item)
{
    struct gate *g = ctx;
    (void)producer;
    pthread_mutex_lock(&g->lock);
    bool more = g->given < GATED_ITEMS;
    if (more)
        *item = ITEM(g->given++);
    else
        g->open = true;
    pthread_cond_broadcast(&g->opened);
    pthread_mutex_unlock(&g->lock);
    return more;
}

static void take_after_open(void *ctx, size_t consumer, void *item)
{
    struct gate *g = ctx;
    (void)consumer;
    (void)item;
    pthread_mutex_lock(&g->lock);
    while (!g->open)
        pthread_cond_wait(&g->opened, &g->lock);
    g->taken++;
    pthread_mutex_unlock(&g->lock);
}

WB_TEST(pipeline_drains_the_items_left_when_producers_finish)
{
    struct gate g = {.lock = PTHREAD_MUTEX_INITIALIZER, .opened = PTHREAD_COND_INITIALIZER};
    struct pc_config config = {.producers = 1, .consumers = 2, .capacity = GATED_ITEMS,
                               .produce = give_then_open, .consume = take_after_open,
                               .ctx = &g};
    struct pc_report report = {0};
    int rc = pc_run(&config, &report);
    pthread_mutex_lock(&g.lock);
    long taken = g.taken;
    pthread_mutex_unlock(&g.lock);
    ck_assert_msg(rc == 0 && taken == GATED_ITEMS && report.consumed == GATED_ITEMS,
                  "%d items were still in the buffer when the producer finished: consume was "
                  "called %ld times (report: %zu), expected %d. After the close, consumers "
                  "take what is left until bb_get says BB_CLOSED",
                  GATED_ITEMS, taken, report.consumed, GATED_ITEMS);
    pthread_cond_destroy(&g.opened);
    pthread_mutex_destroy(&g.lock);
}

WB_TEST(pipeline_with_nothing_to_produce_ends)
{
    struct run *r = new_run(2, 0);
    struct pc_config config = {.producers = 2, .consumers = 3, .capacity = 2,
                               .produce = give, .consume = take, .ctx = r};
    struct pc_report report = {0};
    int rc = pc_run(&config, &report);
    ck_assert_msg(rc == 0 && report.produced == 0 && report.consumed == 0 && r->n_log == 0,
                  "a pipeline whose producers give nothing: rc %d, produced %zu, consumed %zu; "
                  "expected 0, 0, 0 (the consumers must learn the stream has ended)",
                  rc, report.produced, report.consumed);
    free_run(r);
}

WB_TEST(pipeline_rejects_a_bad_config)
{
    struct run *r = new_run(1, 1);
    const struct pc_config good = {.producers = 1, .consumers = 1, .capacity = 1,
                                   .produce = give, .consume = take, .ctx = r};
    struct pc_config bad[5] = {good, good, good, good, good};
    bad[0].producers = 0;
    bad[1].consumers = 0;
    bad[2].capacity = 0;
    bad[3].produce = NULL;
    bad[4].consume = NULL;
    const char *what[5] = {"0 producers", "0 consumers", "capacity 0", "produce NULL",
                           "consume NULL"};
    for (int i = 0; i < 5; i++) {
        struct pc_report report;
        errno = 0;
        int rc = pc_run(&bad[i], &report);
        ck_assert_msg(rc == -1 && errno == EINVAL, "pc_run with %s returned %d (errno %s), "
                      "expected -1 with errno EINVAL", what[i], rc, strerror(errno));
    }
    ck_assert_msg(r->next[0] == 0, "pc_run called produce although the config was bad");
    free_run(r);
}
