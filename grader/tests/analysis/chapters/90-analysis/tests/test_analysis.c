/* test_analysis.c - small workloads for the analysis fixtures: each passes with the
 * correct code and with every fixture's mistake, so that only the analyses differ. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "counter.h"
#include "handshake.h"
#include "once.h"
#include "strings.h"
#include "table.h"
#include "wb_test.h"

enum { THREADS = 4, ADDS = 25 };

static void *add_ones(void *arg)
{
    for (int i = 0; i < ADDS; i++)
        counter_add(arg, 1);
    return NULL;
}

static void *add_below(void *arg)
{
    for (int i = 0; i < ADDS; i++)
        counter_add_below(arg, 1, 1000000);
    return NULL;
}

static void run_threads(void *(*fn)(void *), void *arg)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, fn, arg), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
}

WB_TEST(counter_adds_from_threads)
{
    struct counter c;
    counter_init(&c);
    run_threads(add_ones, &c);
    ck_assert_int_eq(c.value, THREADS * ADDS);
    counter_destroy(&c);
}

WB_TEST(counter_wait_for_sees_target)
{
    struct counter c;
    counter_init(&c);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, add_ones, &c), 0);
    ck_assert(counter_wait_for(&c, ADDS, 60));
    pthread_join(t, NULL);
    ck_assert(!counter_wait_for(&c, ADDS + 1, 0.05));
    counter_destroy(&c);
}

WB_TEST(counter_add_below_respects_limit)
{
    struct counter c;
    counter_init(&c);
    run_threads(add_below, &c);
    ck_assert_int_eq(c.value, THREADS * ADDS);
    ck_assert(!counter_add_below(&c, 1, THREADS * ADDS));
    counter_destroy(&c);
}

WB_TEST(counter_reset_zeroes)
{
    struct counter c;
    counter_init(&c);
    counter_add(&c, 5);
    counter_reset(&c);
    ck_assert_int_eq(c.value, 0);
    counter_destroy(&c);
}

static struct account a = {PTHREAD_MUTEX_INITIALIZER, 100}, b = {PTHREAD_MUTEX_INITIALIZER, 100};

static void *a_to_b(void *arg)
{
    (void)arg;
    transfer(&a, &b, 5);
    return NULL;
}

static void *b_to_a(void *arg)
{
    (void)arg;
    transfer(&b, &a, 3);
    return NULL;
}

/* One after the other, so it can never deadlock: only an analysis sees the orders. */
WB_TEST(transfer_both_ways)
{
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, a_to_b, NULL), 0);
    pthread_join(t, NULL);
    ck_assert_int_eq(pthread_create(&t, NULL, b_to_a, NULL), 0);
    pthread_join(t, NULL);
    ck_assert_int_eq(a.balance, 98);
    ck_assert_int_eq(b.balance, 102);
}

static void *read_table(void *arg)
{
    long sum = 0;
    for (int round = 0; round < 10; round++)
        for (int i = 0; i < TABLE_SIZE; i++)
            sum += table_get(arg, i);
    return (void *)sum;
}

static void *write_table(void *arg)
{
    for (int i = 0; i < TABLE_SIZE; i++)
        table_set(arg, i, i);
    return NULL;
}

WB_TEST(table_readers_and_a_writer)
{
    struct table t;
    table_init(&t);
    pthread_t threads[3];
    ck_assert_int_eq(pthread_create(&threads[0], NULL, read_table, &t), 0);
    ck_assert_int_eq(pthread_create(&threads[1], NULL, write_table, &t), 0);
    ck_assert_int_eq(pthread_create(&threads[2], NULL, read_table, &t), 0);
    for (int i = 0; i < 3; i++)
        pthread_join(threads[i], NULL);
    ck_assert_int_eq(table_get(&t, TABLE_SIZE - 1), TABLE_SIZE - 1);
    table_destroy(&t);
}

WB_TEST(handshake_across_fork)
{
    int rounds = ping_pong(5);
    wb_exit_if_stray();
    ck_assert_int_eq(rounds, 5);
}

WB_TEST(name_copy_copies)
{
    char *copy = name_copy("workbook");
    ck_assert_ptr_nonnull(copy);
    ck_assert_str_eq(copy, "workbook");
    free(copy);
}

WB_TEST(describe_mentions_the_value)
{
    char *text = describe(42);
    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(text, "value=42");
    free(text);
}

/* Three threads use the table that the first of them builds. */
static void *sum_squares(void *unused)
{
    (void)unused;
    const int *t = squares();
    long sum = 0;
    for (int i = 0; i < 16; i++)
        sum += t[i];
    return (void *)sum;
}

WB_TEST(squares_from_threads)
{
    pthread_t threads[3];
    for (int i = 0; i < 3; i++)
        threads[i] = wb_thread_start(sum_squares, NULL);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq((long)wb_thread_join(threads[i]), 1240); /* 0 + 1 + ... + 225 */
}
