/* test_bbuf.c - pins every promise of bbuf.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pc_helpers.h"
#include "wb_test.h"

static void init_ok(struct bbuf *b, size_t capacity)
{
    ck_assert_msg(bb_init(b, capacity) == 0, "bb_init(%zu) failed: %s", capacity,
                  strerror(errno));
}

static void put_ok(struct bbuf *b, long id)
{
    int rc = bb_put(b, ITEM(id));
    ck_assert_msg(rc == BB_OK, "bb_put(item %ld) returned %d, expected BB_OK", id, rc);
}

static long get_ok(struct bbuf *b)
{
    void *item = NULL;
    int rc = bb_get(b, &item);
    ck_assert_msg(rc == BB_OK, "bb_get returned %d, expected BB_OK", rc);
    return ID(item);
}

WB_TEST(items_come_out_in_put_order)
{
    struct bbuf b;
    errno = 0;
    ck_assert_msg(bb_init(&b, 0) == -1 && errno == EINVAL,
                  "bb_init with capacity 0 should fail with EINVAL");
    init_ok(&b, 3);
    long next_put = 0, next_get = 0;
    for (int round = 0; round < 10; round++) { /* 2 in, 2 out: the ring wraps around */
        put_ok(&b, next_put++);
        put_ok(&b, next_put++);
        for (int k = 0; k < 2; k++) {
            long got = get_ok(&b);
            ck_assert_msg(got == next_get, "got item %ld, expected %ld (first in, first out)",
                          got, next_get);
            next_get++;
        }
    }
    ck_assert_msg(b.count == 0 && b.max_held == 2, "after 10 rounds of 2 puts and 2 gets: "
                  "count %zu max_held %zu, expected 0 and 2", b.count, b.max_held);
    bb_destroy(&b);
}

WB_TEST(get_waits_while_empty_and_takes_the_item_put)
{
    struct bbuf b;
    init_ok(&b, 2);
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    int returned = 0;
    struct racer c = {.b = &b, .lock = &lock, .returned = &returned};
    pthread_t t = wb_thread_start(race_get, &c);
    wait_waiting(&b, &b.waiting_getters, 1, "waiting_getters (a consumer on an empty buffer)",
                 &lock, &returned);
    put_ok(&b, 5);
    wb_thread_join(t);
    ck_assert_msg(c.rc == BB_OK && c.item == ITEM(5),
                  "the waiting consumer got %d with item %ld, expected BB_OK and item 5", c.rc,
                  ID(c.item));
    ck_assert_msg(b.waiting_getters == 0, "waiting_getters is %zu once the consumer returned, "
                  "expected 0", b.waiting_getters);
    bb_destroy(&b);
}

WB_TEST(put_waits_while_full_until_an_item_is_taken)
{
    struct bbuf b;
    init_ok(&b, 1);
    put_ok(&b, 0);
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    int returned = 0;
    struct racer c = {.b = &b, .lock = &lock, .returned = &returned, .item = ITEM(1)};
    pthread_t t = wb_thread_start(race_put, &c);
    wait_waiting(&b, &b.waiting_putters, 1, "waiting_putters (a producer on a full buffer)",
                 &lock, &returned);
    long first = get_ok(&b);
    wb_thread_join(t);
    ck_assert_msg(c.rc == BB_OK, "the waiting producer got %d, expected BB_OK", c.rc);
    long second = get_ok(&b);
    ck_assert_msg(first == 0 && second == 1, "got %ld then %ld, expected 0 then 1", first,
                  second);
    ck_assert_msg(b.max_held == 1, "a buffer of capacity 1 held %zu items at once", b.max_held);
    bb_destroy(&b);
}

/* The heart of the chapter. K threads wait on the same condition. The test makes
 * room for ONE of them to proceed, then wakes ALL of them with a broadcast - exactly
 * what a spurious wakeup, or a notify_all, does. Each woken thread must check again
 * (while, not if): one proceeds, the others wait again.
 *
 * The verdict does not depend on timing. Before the close, at most one thread may
 * return. The test closes only once every woken thread has made its choice: the
 * buffer has counted at least K wakeups and K-1 threads are waiting again. With `if`,
 * the woken threads return instead (with a phantom item, or a BB_CLOSED although the
 * buffer is open), so that state is never reached and more than one returns. */
enum { K = 3 };

/* Polls until one racer has returned and the other K-1 wait again after K wakeups
 * since wakeups_before; fails as soon as more than one racer has returned. */
static void wait_for_one_winner(struct bbuf *b, const size_t *waiting, size_t wakeups_before,
                                pthread_mutex_t *lock, const int *returned, const char *who)
{
    double deadline = wb_now() + 5;
    for (;;) {
        pthread_mutex_lock(lock);
        int back = *returned;
        pthread_mutex_unlock(lock);
        pthread_mutex_lock(&b->lock);
        size_t now_waiting = *waiting, wakeups = b->wakeups - wakeups_before;
        pthread_mutex_unlock(&b->lock);
        ck_assert_msg(back <= 1,
                      "%d %s woken together, with room for ONE of them, and the buffer still "
                      "open: %d returned. A woken thread must check the condition again and "
                      "wait again when it does not hold: while, not if, around "
                      "pthread_cond_wait", K, who, back);
        if (back == 1 && now_waiting == K - 1 && wakeups >= K)
            return;
        ck_assert_msg(wb_now() < deadline,
                      "5 s after waking %d %s with room for one: %d returned, %zu waiting "
                      "again, %zu wakeups counted; expected 1 returned, %d waiting, %d "
                      "wakeups", K, who, back, now_waiting, wakeups, K - 1, K);
        wb_sleep(0.001);
    }
}

WB_TEST(woken_consumers_check_again_while_not_if)
{
    struct bbuf b;
    init_ok(&b, 4);
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    int returned = 0;
    struct racer r[K];
    pthread_t t[K];
    for (int i = 0; i < K; i++) {
        r[i] = (struct racer){.b = &b, .lock = &lock, .returned = &returned};
        t[i] = wb_thread_start(race_get, &r[i]);
    }
    wait_waiting(&b, &b.waiting_getters, K, "waiting_getters (consumers on an empty buffer)",
                 &lock, &returned);
    size_t before = read_field(&b, &b.wakeups);
    put_ok(&b, 7);
    pthread_mutex_lock(&b.lock); /* one item, and every consumer woken */
    pthread_cond_broadcast(&b.not_empty);
    pthread_mutex_unlock(&b.lock);
    wait_for_one_winner(&b, &b.waiting_getters, before, &lock, &returned, "consumers");
    bb_close(&b);
    int with_item = 0;
    for (int i = 0; i < K; i++) {
        wb_thread_join(t[i]);
        if (r[i].rc == BB_OK) {
            with_item++;
            ck_assert_msg(r[i].item == ITEM(7), "the consumer that returned an item got %ld, "
                          "expected 7", ID(r[i].item));
        } else {
            ck_assert_msg(r[i].rc == BB_CLOSED, "a consumer woken by close returned %d, "
                          "expected BB_CLOSED", r[i].rc);
        }
    }
    ck_assert_msg(with_item == 1, "%d consumers returned an item, expected 1", with_item);
    bb_destroy(&b);
}

WB_TEST(woken_producers_check_again_while_not_if)
{
    struct bbuf b;
    init_ok(&b, 1);
    put_ok(&b, 0);
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    int returned = 0;
    struct racer r[K];
    pthread_t t[K];
    for (int i = 0; i < K; i++) {
        r[i] = (struct racer){.b = &b, .lock = &lock, .returned = &returned,
                              .item = ITEM(10 + i)};
        t[i] = wb_thread_start(race_put, &r[i]);
    }
    wait_waiting(&b, &b.waiting_putters, K, "waiting_putters (producers on a full buffer)",
                 &lock, &returned);
    size_t before = read_field(&b, &b.wakeups);
    get_ok(&b);
    pthread_mutex_lock(&b.lock); /* one free slot, and every producer woken */
    pthread_cond_broadcast(&b.not_full);
    pthread_mutex_unlock(&b.lock);
    wait_for_one_winner(&b, &b.waiting_putters, before, &lock, &returned, "producers");
    bb_close(&b);
    int stored = 0;
    for (int i = 0; i < K; i++) {
        wb_thread_join(t[i]);
        stored += r[i].rc == BB_OK;
    }
    ck_assert_msg(stored == 1 && b.count == 1 && b.max_held == 1,
                  "one free slot in a buffer of capacity 1: %d producers stored their item "
                  "(count %zu, max_held %zu), expected 1 (count 1, max_held 1)",
                  stored, b.count, b.max_held);
    bb_destroy(&b);
}

WB_TEST(put_after_close_is_refused)
{
    struct bbuf b;
    init_ok(&b, 2);
    put_ok(&b, 0);
    bb_close(&b);
    int rc = bb_put(&b, ITEM(1));
    ck_assert_msg(rc == BB_CLOSED, "bb_put on a closed buffer returned %d, expected BB_CLOSED",
                  rc);
    ck_assert_msg(b.count == 1, "bb_put on a closed buffer stored its item (count %zu)",
                  b.count);
    bb_destroy(&b);
}

WB_TEST(get_drains_the_items_left_after_close_then_reports_the_end)
{
    struct bbuf b;
    init_ok(&b, 4);
    put_ok(&b, 0);
    put_ok(&b, 1);
    bb_close(&b);
    for (long i = 0; i < 2; i++) {
        long got = get_ok(&b);
        ck_assert_msg(got == i, "draining a closed buffer: got %ld, expected %ld", got, i);
    }
    for (int k = 0; k < 2; k++) {
        void *item = ITEM(99);
        int rc = bb_get(&b, &item);
        ck_assert_msg(rc == BB_CLOSED && item == ITEM(99),
                      "bb_get on a closed, empty buffer returned %d (item changed: %d), "
                      "expected BB_CLOSED at once and *item left alone", rc, item != ITEM(99));
    }
    bb_destroy(&b);
}

WB_TEST(close_wakes_every_waiting_consumer)
{
    struct bbuf b;
    init_ok(&b, 2);
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    int returned = 0;
    struct racer c[K];
    pthread_t t[K];
    for (int i = 0; i < K; i++) {
        c[i] = (struct racer){.b = &b, .lock = &lock, .returned = &returned};
        t[i] = wb_thread_start(race_get, &c[i]);
    }
    wait_waiting(&b, &b.waiting_getters, K, "waiting_getters (consumers on an empty buffer)",
                 &lock, &returned);
    bb_close(&b); /* a close that wakes only one consumer leaves the others: a hang */
    for (int i = 0; i < K; i++) {
        wb_thread_join(t[i]);
        ck_assert_msg(c[i].rc == BB_CLOSED, "a consumer waiting when the buffer was closed "
                      "returned %d, expected BB_CLOSED", c[i].rc);
    }
    bb_destroy(&b);
}

WB_TEST(close_wakes_every_waiting_producer)
{
    struct bbuf b;
    init_ok(&b, 1);
    put_ok(&b, 0);
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    int returned = 0;
    struct racer c[K];
    pthread_t t[K];
    for (int i = 0; i < K; i++) {
        c[i] = (struct racer){.b = &b, .lock = &lock, .returned = &returned,
                              .item = ITEM(10 + i)};
        t[i] = wb_thread_start(race_put, &c[i]);
    }
    wait_waiting(&b, &b.waiting_putters, K, "waiting_putters (producers on a full buffer)",
                 &lock, &returned);
    bb_close(&b);
    for (int i = 0; i < K; i++) {
        wb_thread_join(t[i]);
        ck_assert_msg(c[i].rc == BB_CLOSED, "a producer waiting when the buffer was closed "
                      "returned %d, expected BB_CLOSED", c[i].rc);
    }
    ck_assert_msg(b.count == 1, "producers refused by close stored items (count %zu)", b.count);
    bb_destroy(&b);
}

WB_TEST(close_twice_is_harmless)
{
    struct bbuf b;
    init_ok(&b, 2);
    put_ok(&b, 0);
    bb_close(&b);
    bb_close(&b);
    ck_assert_msg(get_ok(&b) == 0, "the item put before two closes should still come out");
    void *item;
    ck_assert_msg(bb_get(&b, &item) == BB_CLOSED, "after two closes and a drain, bb_get should "
                  "return BB_CLOSED");
    bb_destroy(&b);
}

/* Producers put unique ids; consumers get until BB_CLOSED, logging what they got. */
struct worker {
    struct bbuf *b;
    long first, count; /* producer: ids first .. first+count-1 */
    long *got;         /* consumer: what it got */
    long n_got;
    int refused;
};

static void *produce(void *arg)
{
    struct worker *w = arg;
    for (long i = 0; i < w->count; i++)
        if (bb_put(w->b, ITEM(w->first + i)) != BB_OK)
            w->refused++;
    return NULL;
}

static void *consume(void *arg)
{
    struct worker *w = arg;
    void *item;
    while (bb_get(w->b, &item) == BB_OK)
        w->got[w->n_got++] = ID(item);
    return NULL;
}

static void check_many_to_many(int producers, int consumers, long per_producer,
                               size_t capacity)
{
    long total = producers * per_producer;
    struct bbuf b;
    init_ok(&b, capacity);
    struct worker w[16];
    pthread_t t[16];
    for (int i = 0; i < consumers; i++) {
        w[i] = (struct worker){.b = &b, .got = calloc((size_t)total, sizeof(long))};
        t[i] = wb_thread_start(consume, &w[i]);
    }
    for (int i = consumers; i < consumers + producers; i++) {
        w[i] = (struct worker){.b = &b, .first = (i - consumers) * per_producer,
                               .count = per_producer};
        t[i] = wb_thread_start(produce, &w[i]);
    }
    for (int i = consumers; i < consumers + producers; i++) {
        wb_thread_join(t[i]);
        ck_assert_msg(w[i].refused == 0, "an open buffer refused %d items", w[i].refused);
    }
    bb_close(&b);
    long *all = calloc((size_t)total + 1, sizeof(long));
    long n = 0;
    for (int i = 0; i < consumers; i++) {
        wb_thread_join(t[i]);
        for (long k = 0; k < w[i].n_got && n <= total; k++)
            all[n++] = w[i].got[k];
        free(w[i].got);
    }
    check_each_once(all, n, total);
    ck_assert_msg(b.max_held <= capacity, "the buffer held %zu items at once, more than its "
                  "capacity %zu", b.max_held, capacity);
    free(all);
    bb_destroy(&b);
}

WB_TEST(few_producers_and_consumers_lose_and_duplicate_nothing)
{
    check_many_to_many(2, 2, 40, 2);
}

WB_TEST(many_producers_and_consumers_lose_nothing_and_respect_capacity)
{
    check_many_to_many(4, 4, 5000, 3);
}

/* A few threads at once, small enough for helgrind: a producer that never blocks (the
 * buffer has room for all its items), a consumer, and a third thread that closes the
 * buffer in the middle of it all. Each calls one function and nothing else, so only
 * the buffer's lock orders them: a function that skips it is a race, whatever this
 * run's interleaving. */
enum { FEW_ITEMS = 30 };

struct few {
    struct bbuf *b;
    long ids[FEW_ITEMS]; /* the items put (producer) or got (consumer), in order */
    int n_ids;
    int refused;         /* puts refused (BB_CLOSED) */
    int other;           /* puts that returned neither BB_OK nor BB_CLOSED */
    int last;            /* what the consumer's last get returned */
};

static void *few_puts(void *arg)
{
    struct few *f = arg;
    for (long i = 0; i < FEW_ITEMS; i++) {
        int rc = bb_put(f->b, ITEM(i));
        if (rc == BB_OK)
            f->ids[f->n_ids++] = i;
        f->refused += rc == BB_CLOSED;
        f->other += rc != BB_OK && rc != BB_CLOSED;
    }
    return NULL;
}

static void *few_gets(void *arg)
{
    struct few *f = arg;
    void *item;
    while ((f->last = bb_get(f->b, &item)) == BB_OK && f->n_ids < FEW_ITEMS)
        f->ids[f->n_ids++] = ID(item);
    return NULL;
}

static void *few_closes(void *arg)
{
    struct few *f = arg;
    bb_close(f->b);
    bb_close(f->b);
    return NULL;
}

WB_TEST(close_while_others_put_and_get)
{
    struct bbuf b;
    init_ok(&b, FEW_ITEMS);
    struct few producer = {.b = &b}, consumer = {.b = &b}, closer = {.b = &b};
    void *(*const fns[])(void *) = {few_puts, few_gets, few_closes};
    void *const args[] = {&producer, &consumer, &closer};
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        t[i] = wb_thread_start(fns[i], args[i]);
    for (int i = 0; i < 3; i++)
        wb_thread_join(t[i]);
    ck_assert_msg(producer.other == 0, "%d puts returned neither BB_OK nor BB_CLOSED",
                  producer.other);
    ck_assert_msg(consumer.last == BB_CLOSED, "the consumer's last get returned %d, expected "
                  "BB_CLOSED once the buffer was closed and drained", consumer.last);
    for (int i = 1; i < producer.n_ids; i++)
        ck_assert_msg(producer.ids[i] == producer.ids[i - 1] + 1,
                      "a put was refused (the buffer was closed), and a later one accepted: "
                      "once closed, a buffer stays closed");
    ck_assert_msg(consumer.n_ids == producer.n_ids,
                  "%d items were put before the close, %d were got before BB_CLOSED: every "
                  "item put is delivered, also after the close", producer.n_ids,
                  consumer.n_ids);
    for (int i = 0; i < consumer.n_ids; i++)
        ck_assert_msg(consumer.ids[i] == i, "item number %d got was %ld, expected %d (first "
                      "in, first out)", i, consumer.ids[i], i);
    bb_destroy(&b);
}
