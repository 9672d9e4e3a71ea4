/* test_tq_core.c - the blocking logic of tq_core.c, on a test store (tq_helpers.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tq_helpers.h"
#include "wb_test.h"

static struct tq *new_queue(size_t maxsize)
{
    struct tq *q = tq_new(&test_kind, maxsize, NULL);
    ck_assert_msg(q != NULL, "tq_new failed: %s", strerror(errno));
    return q;
}

static void put_ok(struct tq *q, long id)
{
    errno = 0;
    int rc = tq_put(q, ITEM(id), true, -1);
    ck_assert_msg(rc == TQ_OK, "tq_put(item %ld) returned %d (errno %s), expected TQ_OK", id,
                  rc, strerror(errno));
}

static long get_ok(struct tq *q)
{
    void *item = NULL;
    errno = 0;
    int rc = tq_get(q, &item, true, -1);
    ck_assert_msg(rc == TQ_OK, "tq_get returned %d (errno %s), expected TQ_OK", rc,
                  strerror(errno));
    return ID(item);
}

WB_TEST(put_then_get_returns_the_items)
{
    struct tq *q = new_queue(0);
    for (long i = 0; i < 3; i++)
        put_ok(q, i);
    for (long i = 0; i < 3; i++) {
        long got = get_ok(q);
        ck_assert_msg(got == i, "get #%ld gave item %ld, expected %ld (the store's order)", i,
                      got, i);
    }
    ck_assert_msg(test_store_last->head == 3 && test_store_last->tail == 3,
                  "after 3 puts and 3 gets the store saw %zu pushes and %zu pops, expected 3 "
                  "and 3", test_store_last->tail, test_store_last->head);
    tq_free(q);
}

WB_TEST(qsize_empty_and_full_follow_the_items)
{
    struct tq *q = new_queue(2);
    ck_assert_msg(tq_qsize(q) == 0 && tq_empty(q) && !tq_full(q),
                  "a new queue (maxsize 2): qsize %zu empty %d full %d, expected 0 1 0",
                  tq_qsize(q), tq_empty(q), tq_full(q));
    put_ok(q, 0);
    ck_assert_msg(tq_qsize(q) == 1 && !tq_empty(q) && !tq_full(q),
                  "1 item of maxsize 2: qsize %zu empty %d full %d, expected 1 0 0",
                  tq_qsize(q), tq_empty(q), tq_full(q));
    put_ok(q, 1);
    ck_assert_msg(tq_qsize(q) == 2 && !tq_empty(q) && tq_full(q),
                  "2 items of maxsize 2: qsize %zu empty %d full %d, expected 2 0 1",
                  tq_qsize(q), tq_empty(q), tq_full(q));
    get_ok(q);
    get_ok(q);
    ck_assert_msg(tq_qsize(q) == 0 && tq_empty(q) && !tq_full(q),
                  "emptied again: qsize %zu empty %d full %d, expected 0 1 0", tq_qsize(q),
                  tq_empty(q), tq_full(q));
    tq_free(q);
}

WB_TEST(maxsize_zero_is_never_full)
{
    struct tq *q = new_queue(0);
    for (long i = 0; i < 1000; i++) {
        int rc = tq_put_nowait(q, ITEM(i));
        ck_assert_msg(rc == TQ_OK, "put_nowait #%ld on a queue of maxsize 0 returned %d, "
                      "expected TQ_OK: maxsize 0 means no limit", i, rc);
    }
    ck_assert_msg(!tq_full(q) && tq_qsize(q) == 1000,
                  "1000 items, maxsize 0: full %d qsize %zu, expected 0 and 1000", tq_full(q),
                  tq_qsize(q));
    tq_free(q);
}

WB_TEST(get_nowait_on_empty_returns_empty)
{
    struct tq *q = new_queue(0);
    void *item = ITEM(99);
    int rc = tq_get_nowait(q, &item);
    ck_assert_msg(rc == TQ_EMPTY, "get_nowait on an empty queue returned %d, expected "
                  "TQ_EMPTY (%d)", rc, TQ_EMPTY);
    ck_assert_msg(item == ITEM(99), "get_nowait changed *item although it returned TQ_EMPTY");
    put_ok(q, 1);
    get_ok(q);
    rc = tq_get_nowait(q, &item);
    ck_assert_msg(rc == TQ_EMPTY, "get_nowait on a queue emptied again returned %d, expected "
                  "TQ_EMPTY (%d)", rc, TQ_EMPTY);
    ck_assert_msg(test_store_last->head == 1, "pop was called %zu times for 1 item: never "
                  "pop an empty store", test_store_last->head);
    tq_free(q);
}

WB_TEST(put_nowait_on_full_returns_full)
{
    struct tq *q = new_queue(2);
    put_ok(q, 0);
    put_ok(q, 1);
    int rc = tq_put_nowait(q, ITEM(2));
    ck_assert_msg(rc == TQ_FULL, "put_nowait on a full queue returned %d, expected TQ_FULL (%d)",
                  rc, TQ_FULL);
    ck_assert_msg(tq_qsize(q) == 2 && test_store_last->tail == 2,
                  "put_nowait on a full queue stored the item anyway (qsize %zu)", tq_qsize(q));
    ck_assert_msg(tq_task_done(q) == 0 && tq_task_done(q) == 0 && tq_task_done(q) == -1,
                  "a refused put must not count as an unfinished task: 2 puts succeeded, so "
                  "the third task_done should fail");
    tq_free(q);
}

WB_TEST(block_false_ignores_the_timeout)
{
    /* Waiting 60 s here would overrun the test's timeout. */
    struct tq *q = new_queue(1);
    void *item;
    int rc = tq_get(q, &item, false, 60);
    ck_assert_msg(rc == TQ_EMPTY, "tq_get(block false, timeout 60) on an empty queue returned "
                  "%d, expected TQ_EMPTY at once", rc);
    put_ok(q, 0);
    rc = tq_put(q, ITEM(1), false, 60);
    ck_assert_msg(rc == TQ_FULL, "tq_put(block false, timeout 60) on a full queue returned %d, "
                  "expected TQ_FULL at once", rc);
    tq_free(q);
}

WB_TEST(get_timeout_returns_empty_after_the_timeout)
{
    struct tq *q = new_queue(0);
    void *item = ITEM(99);
    int rc = tq_get(q, &item, true, 0);
    ck_assert_msg(rc == TQ_EMPTY, "tq_get(block true, timeout 0) on an empty queue returned "
                  "%d, expected TQ_EMPTY", rc);
    double start = wb_now();
    rc = tq_get(q, &item, true, 0.05);
    double waited = wb_now() - start;
    ck_assert_msg(rc == TQ_EMPTY, "tq_get(timeout 0.05) on an empty queue returned %d, "
                  "expected TQ_EMPTY", rc);
    ck_assert_msg(waited >= 0.049, "tq_get(timeout 0.05) gave up after %.3f s, before its "
                  "timeout", waited);
    ck_assert_msg(item == ITEM(99), "tq_get changed *item although it returned TQ_EMPTY");
    tq_free(q);
}

WB_TEST(put_timeout_returns_full_after_the_timeout)
{
    struct tq *q = new_queue(1);
    put_ok(q, 0);
    int rc = tq_put(q, ITEM(1), true, 0);
    ck_assert_msg(rc == TQ_FULL, "tq_put(block true, timeout 0) on a full queue returned %d, "
                  "expected TQ_FULL", rc);
    double start = wb_now();
    rc = tq_put(q, ITEM(1), true, 0.05);
    double waited = wb_now() - start;
    ck_assert_msg(rc == TQ_FULL, "tq_put(timeout 0.05) on a full queue returned %d, "
                  "expected TQ_FULL", rc);
    ck_assert_msg(waited >= 0.049, "tq_put(timeout 0.05) gave up after %.3f s, before its "
                  "timeout", waited);
    ck_assert_msg(tq_qsize(q) == 1, "a put that timed out stored its item (qsize %zu)",
                  tq_qsize(q));
    tq_free(q);
}

/* A thread that makes one blocking call under watch. */
struct call {
    struct tq *q;
    struct watch w;
    bool put;       /* tq_put of item, or tq_get into item */
    void *item;
    double timeout;
    int rc;
};

static void *make_call(void *arg)
{
    struct call *c = arg;
    watch_begin(&c->w);
    if (c->put)
        c->rc = tq_put(c->q, c->item, true, c->timeout);
    else
        c->rc = tq_get(c->q, &c->item, true, c->timeout);
    watch_end(&c->w);
    return NULL;
}

WB_TEST(get_blocks_until_an_item_is_put)
{
    struct call c = {.q = new_queue(0), .put = false, .timeout = -1};
    watch_init(&c.w);
    pthread_t t = wb_thread_start(make_call, &c);
    ck_assert_msg(watch_blocks(&c.w), "tq_get(block true, timeout -1) returned %d on an empty "
                  "queue instead of blocking", c.rc);
    put_ok(c.q, 7);
    wb_thread_join(t);
    ck_assert_msg(c.rc == TQ_OK && c.item == ITEM(7),
                  "the blocked get returned %d with item %ld, expected TQ_OK and item 7", c.rc,
                  ID(c.item));
    watch_destroy(&c.w);
    tq_free(c.q);
}

WB_TEST(get_with_timeout_returns_an_item_put_while_waiting)
{
    struct call c = {.q = new_queue(0), .put = false, .timeout = 60};
    watch_init(&c.w);
    pthread_t t = wb_thread_start(make_call, &c);
    ck_assert_msg(watch_blocks(&c.w), "tq_get(block true, timeout 60) returned %d on an empty "
                  "queue instead of blocking", c.rc);
    put_ok(c.q, 7);
    wb_thread_join(t);
    ck_assert_msg(c.rc == TQ_OK && c.item == ITEM(7),
                  "the get waiting with a timeout returned %d with item %ld, expected TQ_OK "
                  "and item 7", c.rc, ID(c.item));
    watch_destroy(&c.w);
    tq_free(c.q);
}

WB_TEST(put_blocks_until_a_slot_is_free)
{
    struct call c = {.q = new_queue(1), .put = true, .item = ITEM(1), .timeout = -1};
    watch_init(&c.w);
    put_ok(c.q, 0);
    pthread_t t = wb_thread_start(make_call, &c);
    ck_assert_msg(watch_blocks(&c.w), "tq_put(block true, timeout -1) returned %d on a full "
                  "queue instead of blocking", c.rc);
    long first = get_ok(c.q);
    wb_thread_join(t);
    ck_assert_msg(c.rc == TQ_OK, "the blocked put returned %d, expected TQ_OK once a slot "
                  "was freed", c.rc);
    long second = get_ok(c.q);
    ck_assert_msg(first == 0 && second == 1, "got items %ld then %ld, expected 0 then 1",
                  first, second);
    watch_destroy(&c.w);
    tq_free(c.q);
}

WB_TEST(put_with_timeout_succeeds_when_a_slot_frees_while_waiting)
{
    struct call c = {.q = new_queue(1), .put = true, .item = ITEM(1), .timeout = 60};
    watch_init(&c.w);
    put_ok(c.q, 0);
    pthread_t t = wb_thread_start(make_call, &c);
    ck_assert_msg(watch_blocks(&c.w), "tq_put(block true, timeout 60) returned %d on a full "
                  "queue instead of blocking", c.rc);
    get_ok(c.q);
    wb_thread_join(t);
    ck_assert_msg(c.rc == TQ_OK && tq_qsize(c.q) == 1,
                  "the put waiting with a timeout returned %d (qsize %zu), expected TQ_OK and "
                  "its item in the queue", c.rc, tq_qsize(c.q));
    watch_destroy(&c.w);
    tq_free(c.q);
}

WB_TEST(failed_push_leaves_the_queue_unchanged)
{
    struct tq *q = new_queue(0);
    test_store_last->fail_pushes = true;
    errno = 0;
    int rc = tq_put(q, ITEM(0), true, -1);
    ck_assert_msg(rc == -1 && errno == ENOMEM, "tq_put when the store runs out of memory "
                  "returned %d (errno %s), expected -1 with errno ENOMEM", rc, strerror(errno));
    ck_assert_msg(tq_qsize(q) == 0, "a put that failed counts an item: qsize %zu, expected 0",
                  tq_qsize(q));
    errno = 0;
    rc = tq_task_done(q);
    ck_assert_msg(rc == -1 && errno == EINVAL, "a put that failed counted an unfinished task: "
                  "task_done returned %d, expected -1 with errno EINVAL", rc);
    tq_free(q);
}

WB_TEST(task_done_more_than_put_is_einval)
{
    struct tq *q = new_queue(0);
    errno = 0;
    int rc = tq_task_done(q);
    ck_assert_msg(rc == -1 && errno == EINVAL, "task_done on a new queue returned %d (errno "
                  "%s), expected -1 with errno EINVAL", rc, strerror(errno));
    put_ok(q, 0);
    put_ok(q, 1);
    get_ok(q);
    ck_assert_msg(tq_task_done(q) == 0 && tq_task_done(q) == 0,
                  "task_done for each of 2 items put should return 0");
    errno = 0;
    rc = tq_task_done(q);
    ck_assert_msg(rc == -1 && errno == EINVAL, "a third task_done after 2 puts returned %d "
                  "(errno %s), expected -1 with errno EINVAL", rc, strerror(errno));
    put_ok(q, 2);
    ck_assert_msg(tq_task_done(q) == 0, "after an error the count must still be right: "
                  "task_done for a new put should return 0");
    tq_free(q);
}

WB_TEST(join_returns_at_once_when_no_task_is_unfinished)
{
    struct tq *q = new_queue(0);
    ck_assert_msg(tq_join(q) == 0, "tq_join on a new queue should return 0");
    put_ok(q, 0);
    get_ok(q);
    int done = tq_task_done(q);
    ck_assert_msg(done == 0, "tq_task_done for the one item put and got: expected 0, got %d "
                  "(errno %s)", done, strerror(errno));
    ck_assert_msg(tq_join(q) == 0, "tq_join once every item is done should return 0");
    tq_free(q);
}

/* A joiner records how many task_done calls the test had announced when join returned. */
struct joiner {
    struct tq *q;
    struct watch w;
    pthread_mutex_t *lock;
    const int *announced; /* guarded by lock */
    int seen;
    int rc;
};

static void *join_and_look(void *arg)
{
    struct joiner *j = arg;
    watch_begin(&j->w);
    j->rc = tq_join(j->q);
    pthread_mutex_lock(j->lock);
    j->seen = *j->announced;
    pthread_mutex_unlock(j->lock);
    watch_end(&j->w);
    return NULL;
}

/* Starts n joiners on q, checks they all block, then marks 3 tasks done one by one. */
static void check_joiners(int n)
{
    enum { ITEMS = 3 };
    struct tq *q = new_queue(0);
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    int announced = 0;
    struct joiner j[4];
    pthread_t t[4];
    for (long i = 0; i < ITEMS; i++)
        put_ok(q, i);
    for (int k = 0; k < n; k++) {
        j[k] = (struct joiner){.q = q, .lock = &lock, .announced = &announced};
        watch_init(&j[k].w);
        t[k] = wb_thread_start(join_and_look, &j[k]);
    }
    for (int k = 0; k < n; k++)
        ck_assert_msg(watch_blocks(&j[k].w), "tq_join returned while %d items were not done",
                      ITEMS);
    for (int i = 0; i < ITEMS; i++) {
        get_ok(q);
        pthread_mutex_lock(&lock); /* announced before the call: join may return right after */
        announced++;
        pthread_mutex_unlock(&lock);
        int done = tq_task_done(q);
        ck_assert_msg(done == 0, "tq_task_done for item %d of %d, %d joiner(s) waiting: expected "
                      "0, got %d (errno %s)", i + 1, ITEMS, n, done, strerror(errno));
    }
    for (int k = 0; k < n; k++) {
        wb_thread_join(t[k]);
        ck_assert_msg(j[k].rc == 0 && j[k].seen == ITEMS,
                      "joiner %d returned %d after %d task_done calls, expected 0 after %d", k,
                      j[k].rc, j[k].seen, ITEMS);
        watch_destroy(&j[k].w);
    }
    tq_free(q);
}

WB_TEST(join_blocks_until_every_task_is_done)
{
    check_joiners(1);
}

WB_TEST(join_wakes_every_waiting_thread)
{
    check_joiners(4);
}

/* Producers put unique ids; consumers take until they get a STOP item. */
#define STOP ((void *)-1)

struct worker {
    struct tq *q;
    long first, count; /* producer: puts ids first .. first+count-1 */
    long *got;         /* consumer: the ids it got, in order */
    long n_got;
    int errors;
};

static void *produce(void *arg)
{
    struct worker *w = arg;
    for (long i = 0; i < w->count; i++)
        if (tq_put(w->q, ITEM(w->first + i), true, -1) != TQ_OK)
            w->errors++;
    return NULL;
}

static void *consume(void *arg)
{
    struct worker *w = arg;
    for (;;) {
        void *item = NULL;
        if (tq_get(w->q, &item, true, -1) != TQ_OK) {
            w->errors++;
            break;
        }
        if (item == STOP)
            break;
        w->got[w->n_got++] = ID(item);
        tq_task_done(w->q);
    }
    return NULL;
}

static void check_many_to_many(int producers, int consumers, long per_producer, size_t maxsize)
{
    long total = producers * per_producer;
    struct tq *q = new_queue(maxsize);
    struct test_store *store = test_store_last;
    struct worker w[16];
    pthread_t t[16];
    for (int i = 0; i < consumers; i++) {
        w[i] = (struct worker){.q = q, .got = calloc((size_t)total, sizeof(long))};
        t[i] = wb_thread_start(consume, &w[i]);
    }
    for (int i = consumers; i < consumers + producers; i++) {
        w[i] = (struct worker){.q = q, .first = (i - consumers) * per_producer,
                               .count = per_producer};
        t[i] = wb_thread_start(produce, &w[i]);
    }
    for (int i = consumers; i < consumers + producers; i++)
        wb_thread_join(t[i]);
    ck_assert_msg(tq_join(q) == 0, "tq_join failed");
    for (int i = 0; i < consumers; i++) {
        int put = tq_put(q, STOP, true, -1);
        ck_assert_msg(put == TQ_OK, "tq_put of the stop item for consumer %d (block true, no "
                      "timeout): expected TQ_OK (0), got %d (errno %s)", i, put, strerror(errno));
    }
    for (int i = 0; i < consumers; i++)
        wb_thread_join(t[i]);

    char *seen = calloc((size_t)total, 1);
    long n = 0;
    for (int i = 0; i < consumers + producers; i++) {
        ck_assert_msg(w[i].errors == 0, "a put or get failed in worker %d", i);
        for (long k = 0; k < w[i].n_got; k++) {
            long id = w[i].got[k];
            ck_assert_msg(id >= 0 && id < total && !seen[id], "item %ld was got twice (or is "
                          "not an item that was put)", id);
            seen[id] = 1;
            n++;
        }
        free(w[i].got);
    }
    ck_assert_msg(n == total, "%ld items were put, %ld were got: %ld lost", total, n, total - n);
    ck_assert_msg(store->max_held <= maxsize, "the store held %zu items at one time, more than "
                  "maxsize %zu", store->max_held, maxsize);
    free(seen);
    tq_free(q);
}

WB_TEST(few_producers_and_consumers_lose_nothing)
{
    check_many_to_many(2, 2, 50, 3);
}

WB_TEST(many_producers_and_consumers_lose_nothing_and_respect_maxsize)
{
    check_many_to_many(4, 4, 5000, 4);
}

/* A few threads at once, small enough for helgrind: each thread calls one function of
 * the queue and nothing else, so that the queue's lock is all that orders them. A
 * function that skips the lock is then reported as a race, whether or not this run
 * happens to lose an update. */
enum { FEW_CALLS = 30, FEW_MAXSIZE = 4 };

struct few {
    struct tq *q;
    int (*op)(struct tq *q, struct few *f, int i); /* what this thread calls FEW_CALLS times */
    long ids[FEW_CALLS]; /* the items put or got */
    int n_ids;
    long most;           /* the largest qsize seen */
    int answers;         /* how many times empty or full said true */
    int errors;          /* calls that returned what the header does not allow */
};

static void *few_calls(void *arg)
{
    struct few *f = arg;
    for (int i = 0; i < FEW_CALLS; i++)
        f->op(f->q, f, i);
    return NULL;
}

static int few_put(struct tq *q, struct few *f, int i)
{
    int rc = tq_put_nowait(q, ITEM(i));
    if (rc == TQ_OK)
        f->ids[f->n_ids++] = i;
    else if (rc != TQ_FULL)
        f->errors++;
    return rc;
}

static int few_get(struct tq *q, struct few *f, int i)
{
    (void)i;
    void *item = NULL;
    int rc = tq_get_nowait(q, &item);
    if (rc == TQ_OK)
        f->ids[f->n_ids++] = ID(item);
    else if (rc != TQ_EMPTY)
        f->errors++;
    return rc;
}

static int few_qsize(struct tq *q, struct few *f, int i)
{
    (void)i;
    long n = (long)tq_qsize(q);
    if (n > f->most)
        f->most = n;
    return 0;
}

static int few_empty(struct tq *q, struct few *f, int i)
{
    (void)i;
    f->answers += tq_empty(q);
    return 0;
}

static int few_full(struct tq *q, struct few *f, int i)
{
    (void)i;
    f->answers += tq_full(q);
    return 0;
}

WB_TEST(few_threads_put_get_and_ask_the_size_at_once)
{
    struct tq *q = new_queue(FEW_MAXSIZE);
    struct few f[5] = {{.q = q, .op = few_put}, {.q = q, .op = few_get},
                       {.q = q, .op = few_qsize}, {.q = q, .op = few_empty},
                       {.q = q, .op = few_full}};
    void *(*const fns[])(void *) = {few_calls, few_calls, few_calls, few_calls, few_calls};
    void *const args[] = {&f[0], &f[1], &f[2], &f[3], &f[4]};
    wb_run_together(5, fns, args);
    ck_assert_msg(f[0].errors == 0 && f[1].errors == 0,
                  "put_nowait and get_nowait returned something else than TQ_OK, TQ_FULL or "
                  "TQ_EMPTY %d times", f[0].errors + f[1].errors);
    ck_assert_msg(f[2].most <= FEW_MAXSIZE, "a thread saw qsize %ld in a queue of maxsize %d",
                  f[2].most, FEW_MAXSIZE);
    /* Every item put came out once, in order (the test store is first in, first out),
     * or is still in the queue. */
    long got[FEW_CALLS];
    int n = 0;
    for (int i = 0; i < f[1].n_ids; i++)
        got[n++] = f[1].ids[i];
    void *item;
    while (n < FEW_CALLS && tq_get_nowait(q, &item) == TQ_OK)
        got[n++] = ID(item);
    ck_assert_msg(n == f[0].n_ids, "%d items were put, %d came out or were left: each put "
                  "and get must be atomic (one lock)", f[0].n_ids, n);
    for (int i = 0; i < n; i++)
        ck_assert_msg(got[i] == f[0].ids[i], "item number %d out was %ld, expected %ld (the "
                      "store's order): each put and get must be atomic", i, got[i],
                      f[0].ids[i]);
    tq_free(q);
}

/* Two threads mark the tasks done while two others wait in tq_join. */
struct few_tasks {
    struct tq *q;
    int calls;  /* task_done: how many to mark */
    int failed; /* task_done calls that did not return 0; a join that did not */
};

static void *few_task_done(void *arg)
{
    struct few_tasks *t = arg;
    for (int i = 0; i < t->calls; i++)
        t->failed += tq_task_done(t->q) != 0;
    return NULL;
}

static void *few_join(void *arg)
{
    struct few_tasks *t = arg;
    t->failed += tq_join(t->q) != 0;
    return NULL;
}

WB_TEST(few_threads_mark_tasks_done_while_others_join)
{
    struct tq *q = new_queue(0);
    for (long i = 0; i < FEW_CALLS; i++)
        put_ok(q, i);
    for (long i = 0; i < FEW_CALLS; i++)
        get_ok(q);
    struct few_tasks t[4] = {{.q = q, .calls = FEW_CALLS / 2}, {.q = q, .calls = FEW_CALLS / 2},
                             {.q = q}, {.q = q}};
    void *(*const fns[])(void *) = {few_task_done, few_task_done, few_join, few_join};
    void *const args[] = {&t[0], &t[1], &t[2], &t[3]};
    wb_run_together(4, fns, args);
    ck_assert_msg(t[0].failed + t[1].failed == 0, "%d of %d task_done calls failed after %d "
                  "puts", t[0].failed + t[1].failed, FEW_CALLS, FEW_CALLS);
    ck_assert_msg(t[2].failed + t[3].failed == 0, "tq_join did not return 0");
    errno = 0;
    int rc = tq_task_done(q);
    ck_assert_msg(rc == -1 && errno == EINVAL, "task_done number %d after %d puts returned %d "
                  "(errno %s), expected -1 with EINVAL: no update of the count may be lost",
                  FEW_CALLS + 1, FEW_CALLS, rc, strerror(errno));
    tq_free(q);
}
