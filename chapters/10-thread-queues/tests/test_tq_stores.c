/* test_tq_stores.c - the three orderings, tested on their stores alone (no threads). */
#include <errno.h>
#include <string.h>

#include "tq_helpers.h"
#include "wb_test.h"

/* A priority item: ordered by prio; id says in which order it was pushed. */
struct prio_item {
    int prio;
    int id;
};

static int by_prio(const void *a, const void *b)
{
    const struct prio_item *x = a, *y = b;
    return (x->prio > y->prio) - (x->prio < y->prio);
}

static void *new_store(const struct tq_kind *kind, tq_cmp cmp)
{
    void *store = kind->create(cmp);
    ck_assert_msg(store != NULL, "%s: create failed: %s", kind->name, strerror(errno));
    return store;
}

static void push_ok(const struct tq_kind *kind, void *store, void *item)
{
    errno = 0;
    int rc = kind->push(store, item);
    ck_assert_msg(rc == 0, "%s: push returned %d (errno %s), expected 0", kind->name, rc,
                  strerror(errno));
}

/* Pops one item and checks it is ITEM(expected). */
static void pop_expect(const struct tq_kind *kind, void *store, long expected, const char *why)
{
    long got = ID(kind->pop(store));
    ck_assert_msg(got == expected, "%s: pop gave item %ld, expected %ld (%s)", kind->name, got,
                  expected, why);
}

WB_TEST(fifo_store_pops_in_push_order)
{
    void *s = new_store(&tq_fifo, NULL);
    for (long i = 0; i < 1000; i++)
        push_ok(&tq_fifo, s, ITEM(i));
    for (long i = 0; i < 1000; i++)
        pop_expect(&tq_fifo, s, i, "first in, first out");
    tq_fifo.destroy(s);
}

WB_TEST(fifo_store_keeps_order_when_push_and_pop_alternate)
{
    void *s = new_store(&tq_fifo, NULL);
    push_ok(&tq_fifo, s, ITEM(0));
    push_ok(&tq_fifo, s, ITEM(1));
    pop_expect(&tq_fifo, s, 0, "the oldest of 0, 1");
    push_ok(&tq_fifo, s, ITEM(2));
    pop_expect(&tq_fifo, s, 1, "the oldest of 1, 2");
    pop_expect(&tq_fifo, s, 2, "the only item left");
    /* Emptied, then used again: the store must not keep a stale end. */
    push_ok(&tq_fifo, s, ITEM(3));
    push_ok(&tq_fifo, s, ITEM(4));
    pop_expect(&tq_fifo, s, 3, "the store was emptied, then 3 and 4 pushed");
    pop_expect(&tq_fifo, s, 4, "the only item left");
    push_ok(&tq_fifo, s, ITEM(5)); /* left in the store: destroy must free it */
    tq_fifo.destroy(s);
}

WB_TEST(lifo_store_pops_last_pushed_first)
{
    void *s = new_store(&tq_lifo, NULL);
    for (long i = 0; i < 1000; i++)
        push_ok(&tq_lifo, s, ITEM(i));
    for (long i = 999; i >= 0; i--)
        pop_expect(&tq_lifo, s, i, "last in, first out");
    tq_lifo.destroy(s);
}

WB_TEST(lifo_store_keeps_order_when_push_and_pop_alternate)
{
    void *s = new_store(&tq_lifo, NULL);
    push_ok(&tq_lifo, s, ITEM(0));
    push_ok(&tq_lifo, s, ITEM(1));
    pop_expect(&tq_lifo, s, 1, "the newest of 0, 1");
    push_ok(&tq_lifo, s, ITEM(2));
    push_ok(&tq_lifo, s, ITEM(3));
    pop_expect(&tq_lifo, s, 3, "the newest of 0, 2, 3");
    pop_expect(&tq_lifo, s, 2, "the newest of 0, 2");
    pop_expect(&tq_lifo, s, 0, "the only item left");
    push_ok(&tq_lifo, s, ITEM(4)); /* left in the store: destroy must free it */
    tq_lifo.destroy(s);
}

WB_TEST(priority_store_pops_smallest_first)
{
    enum { N = 200 };
    struct prio_item items[N];
    void *s = new_store(&tq_priority, by_prio);
    for (int i = 0; i < N; i++) { /* 0, 7, 14, ... modulo N: every prio once, shuffled */
        items[i] = (struct prio_item){.prio = (i * 7) % N, .id = i};
        push_ok(&tq_priority, s, &items[i]);
    }
    for (int want = 0; want < N; want++) {
        struct prio_item *got = tq_priority.pop(s);
        ck_assert_msg(got != NULL && got->prio == want,
                      "PriorityQueue: pop #%d gave priority %d, expected %d (smallest first)",
                      want, got ? got->prio : -1, want);
    }
    tq_priority.destroy(s);
}

WB_TEST(priority_store_equal_priorities_come_out_in_push_order)
{
    /* (1,a) (0,b) (1,c) (0,d) (1,e) (0,f) must come out b d f a c e. */
    struct prio_item items[6];
    void *s = new_store(&tq_priority, by_prio);
    for (int i = 0; i < 6; i++) {
        items[i] = (struct prio_item){.prio = (i + 1) % 2, .id = i};
        push_ok(&tq_priority, s, &items[i]);
    }
    const int expected[6] = {1, 3, 5, 0, 2, 4};
    for (int k = 0; k < 6; k++) {
        struct prio_item *got = tq_priority.pop(s);
        ck_assert_msg(got == &items[expected[k]],
                      "PriorityQueue: pop #%d gave the item pushed #%d (priority %d), "
                      "expected the item pushed #%d: equal priorities come out first in, "
                      "first out",
                      k, got ? got->id : -1, got ? got->prio : -1, expected[k]);
    }
    tq_priority.destroy(s);
}

/* A fixed pseudo-random sequence, the same on every run. */
static unsigned next_random(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return (*state >> 16) & 0x7fff;
}

WB_TEST(priority_store_is_sorted_and_stable_while_push_and_pop_mix)
{
    enum { N = 3000 };
    static struct prio_item items[N];
    void *s = new_store(&tq_priority, by_prio);
    unsigned seed = 42;
    int pushed = 0, popped = 0;
    bool live[N] = {false};
    while (popped < N) {
        /* Push two for each pop until all are in, so the heap keeps changing shape. */
        if (pushed < N && (next_random(&seed) % 3 != 0 || pushed == popped)) {
            items[pushed] = (struct prio_item){.prio = (int)(next_random(&seed) % 10),
                                               .id = pushed};
            push_ok(&tq_priority, s, &items[pushed]);
            live[pushed++] = true;
            continue;
        }
        /* The expected item: the live one with the smallest (prio, id). */
        int best = -1;
        for (int i = 0; i < pushed; i++)
            if (live[i] && (best < 0 || items[i].prio < items[best].prio))
                best = i;
        struct prio_item *got = tq_priority.pop(s);
        ck_assert_msg(got == &items[best],
                      "PriorityQueue: pop #%d gave (priority %d, pushed #%d), expected "
                      "(priority %d, pushed #%d): smallest priority first, and equal "
                      "priorities in push order",
                      popped, got ? got->prio : -1, got ? got->id : -1, items[best].prio, best);
        live[best] = false;
        popped++;
    }
    tq_priority.destroy(s);
}
