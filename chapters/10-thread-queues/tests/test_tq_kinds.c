/* test_tq_kinds.c - whole queues: tq_core.c with each of the three stores. */
#include <errno.h>
#include <string.h>

#include "tq_helpers.h"
#include "wb_test.h"

static struct tq *new_queue(const struct tq_kind *kind, size_t maxsize, tq_cmp cmp)
{
    struct tq *q = tq_new(kind, maxsize, cmp);
    ck_assert_msg(q != NULL, "tq_new(%s) failed: %s", kind->name, strerror(errno));
    return q;
}

/* Each producer puts its own ids in increasing order; the log is the order they came
 * out. A FIFO queue keeps every producer's order, however the producers interleave. */
enum { PRODUCERS = 3, PER_PRODUCER = 300 };

struct producer {
    struct tq *q;
    int index;
    int errors;
};

static void *produce_in_order(void *arg)
{
    struct producer *p = arg;
    for (long i = 0; i < PER_PRODUCER; i++)
        if (tq_put(p->q, ITEM(p->index * PER_PRODUCER + i), true, -1) != TQ_OK)
            p->errors++;
    return NULL;
}

WB_TEST(queue_keeps_each_producers_order)
{
    struct tq *q = new_queue(&tq_fifo, 8, NULL);
    struct producer p[PRODUCERS];
    pthread_t t[PRODUCERS];
    for (int i = 0; i < PRODUCERS; i++) {
        p[i] = (struct producer){.q = q, .index = i};
        t[i] = wb_thread_start(produce_in_order, &p[i]);
    }
    long next[PRODUCERS] = {0}; /* the id each producer must deliver next */
    for (int n = 0; n < PRODUCERS * PER_PRODUCER; n++) {
        void *item = NULL;
        int rc = tq_get(q, &item, true, -1);
        ck_assert_msg(rc == TQ_OK, "tq_get returned %d, expected TQ_OK", rc);
        long id = ID(item);
        int who = (int)(id / PER_PRODUCER);
        ck_assert_msg(id >= 0 && who < PRODUCERS, "got item %ld, which was never put", id);
        ck_assert_msg(id % PER_PRODUCER == next[who],
                      "got #%ld of producer %d, expected its #%ld: a FIFO queue keeps the "
                      "order in which each producer put its items",
                      id % PER_PRODUCER, who, next[who]);
        next[who]++;
    }
    for (int i = 0; i < PRODUCERS; i++) {
        wb_thread_join(t[i]);
        ck_assert_msg(p[i].errors == 0, "producer %d saw a put fail", i);
    }
    ck_assert_msg(tq_empty(q), "every item was got, yet the queue is not empty");
    tq_free(q);
}

/* Puts ITEM(0 .. n-1), then checks that gets return expected[0 .. n-1]. */
static void check_order(struct tq *q, const char *name, int n, const long *expected)
{
    for (long i = 0; i < n; i++)
        ck_assert_msg(tq_put_nowait(q, ITEM(i)) == TQ_OK, "%s: put_nowait #%ld failed", name, i);
    for (int k = 0; k < n; k++) {
        void *item = NULL;
        ck_assert_msg(tq_get_nowait(q, &item) == TQ_OK, "%s: get_nowait #%d failed", name, k);
        ck_assert_msg(ID(item) == expected[k], "%s: get #%d gave item %ld, expected %ld", name,
                      k, ID(item), expected[k]);
    }
}

WB_TEST(queue_gets_in_put_order)
{
    struct tq *q = new_queue(&tq_fifo, 5, NULL);
    check_order(q, "Queue", 5, (const long[]){0, 1, 2, 3, 4});
    tq_free(q);
}

WB_TEST(lifo_queue_gets_last_put_first)
{
    struct tq *q = new_queue(&tq_lifo, 5, NULL);
    check_order(q, "LifoQueue", 5, (const long[]){4, 3, 2, 1, 0});
    ck_assert_msg(tq_empty(q), "LifoQueue: not empty after every item was got");
    tq_free(q);
}

/* Priority items are the ids themselves; priority = id / 10, so ids 10..19 tie. */
static int by_tens(const void *a, const void *b)
{
    long x = ID(a) / 10, y = ID(b) / 10;
    return (x > y) - (x < y);
}

WB_TEST(priority_queue_gets_smallest_first_and_ties_in_put_order)
{
    /* Python: q.put((1, "work")); q.put((-1, "life")) -> "life" comes out first. */
    struct tq *q = new_queue(&tq_priority, 0, by_tens);
    const long ids[] = {25, 11, 3, 27, 12, 1, 20, 13};
    for (int i = 0; i < 8; i++)
        ck_assert_msg(tq_put_nowait(q, ITEM(ids[i])) == TQ_OK,
                      "PriorityQueue: put_nowait #%d failed", i);
    const long expected[] = {3, 1, 11, 12, 13, 25, 27, 20};
    for (int k = 0; k < 8; k++) {
        void *item = NULL;
        ck_assert_msg(tq_get_nowait(q, &item) == TQ_OK, "PriorityQueue: get_nowait #%d "
                      "failed", k);
        ck_assert_msg(ID(item) == expected[k],
                      "PriorityQueue: get #%d gave %ld, expected %ld (smallest priority first, "
                      "equal priorities in put order)", k, ID(item), expected[k]);
    }
    tq_free(q);
}

WB_TEST(priority_queue_without_cmp_is_einval)
{
    errno = 0;
    struct tq *q = tq_new(&tq_priority, 0, NULL);
    int saved = errno;
    tq_free(q);
    ck_assert_msg(q == NULL && saved == EINVAL, "tq_new(tq_priority, cmp NULL) returned %p "
                  "(errno %s), expected NULL with errno EINVAL", (void *)q, strerror(saved));
}
