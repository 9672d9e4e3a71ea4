/* test_barrier.c - pins every promise of barrier.h. */
#include <errno.h>
#include <string.h>

#include "barrier.h"
#include "helpers.h"
#include "wb_test.h"

enum { MAX_PARTIES = 8, MAX_ROUNDS = 2000 };

static void init_ok(struct barrier *b, int parties)
{
    errno = 0;
    int rc = barrier_init(b, parties);
    ck_assert_msg(rc == 0, "barrier_init(%d) returned %d (errno: %s), expected 0", parties,
                  rc, strerror(errno));
}

/* The test's own record of the rounds, under its own mutex. */
struct rounds {
    struct barrier b;
    int parties, rounds;
    pthread_mutex_t mutex;
    int arrived[MAX_ROUNDS];     /* threads that had called wait in round r */
    unsigned seen[MAX_ROUNDS];   /* bit i: index i was returned in round r */
    int repeated[MAX_ROUNDS];    /* an index returned twice in round r */
    int early;                   /* returns before every party of the round arrived */
    int bad_index;               /* indexes outside 0..parties-1 */
};

static void *run_rounds(void *arg)
{
    struct rounds *r = arg;
    for (int round = 0; round < r->rounds; round++) {
        pthread_mutex_lock(&r->mutex);
        r->arrived[round]++;
        pthread_mutex_unlock(&r->mutex);
        int index = barrier_wait(&r->b);
        pthread_mutex_lock(&r->mutex);
        if (r->arrived[round] != r->parties)
            r->early++;
        if (index < 0 || index >= r->parties)
            r->bad_index++;
        else if (r->seen[round] & (1u << index))
            r->repeated[round]++;
        else
            r->seen[round] |= 1u << index;
        pthread_mutex_unlock(&r->mutex);
    }
    return NULL;
}

static void check_rounds(int parties, int rounds)
{
    static struct rounds r; /* large: not on the stack */
    memset(&r, 0, sizeof r);
    r.parties = parties;
    r.rounds = rounds;
    pthread_mutex_init(&r.mutex, NULL);
    init_ok(&r.b, parties);
    pthread_t tids[MAX_PARTIES];
    for (int i = 0; i < parties; i++)
        tids[i] = wb_thread_start(run_rounds, &r);
    for (int i = 0; i < parties; i++)
        wb_thread_join(tids[i]);
    ck_assert_msg(r.early == 0, "%d time(s) a thread left barrier_wait before all %d parties "
                                "of its round had arrived", r.early, parties);
    ck_assert_msg(r.bad_index == 0, "%d index(es) outside 0..%d were returned", r.bad_index,
                  parties - 1);
    unsigned all = (1u << parties) - 1;
    for (int round = 0; round < rounds; round++)
        ck_assert_msg(r.seen[round] == all && r.repeated[round] == 0,
                      "round %d of %d: the indexes returned were not each of 0..%d exactly "
                      "once (mask 0x%x, %d repeated): the round must be told apart from the "
                      "next one", round, rounds, parties - 1, r.seen[round],
                      r.repeated[round]);
    barrier_destroy(&r.b);
    pthread_mutex_destroy(&r.mutex);
}

WB_TEST(barrier_one_round_gives_distinct_indexes)
{
    check_rounds(4, 1);
}

WB_TEST(barrier_is_reusable_across_rounds)
{
    check_rounds(4, 2000);
}

WB_TEST(barrier_few_rounds)
{
    check_rounds(3, 10);
}

WB_TEST(barrier_of_one_party_never_blocks)
{
    struct barrier b;
    init_ok(&b, 1);
    for (int i = 0; i < 3; i++) {
        int index = barrier_wait(&b);
        ck_assert_msg(index == 0, "Barrier(1), wait number %d: got %d, expected 0", i + 1,
                      index);
    }
    barrier_destroy(&b);
}

WB_TEST(barrier_of_no_parties_is_einval)
{
    struct barrier b;
    errno = 0;
    int rc = barrier_init(&b, 0);
    ck_assert_msg(rc == -1 && errno == EINVAL, "Barrier(0): got %d (errno %s), expected -1 "
                                               "with errno EINVAL", rc, strerror(errno));
    errno = 0;
    rc = barrier_init(&b, -3);
    ck_assert_msg(rc == -1 && errno == EINVAL, "Barrier(-3): got %d (errno %s), expected -1 "
                                               "with errno EINVAL", rc, strerror(errno));
}

/* A wakeup that does not end the waiter's round - a spurious one, which
 * pthread_cond_wait allows - must not let it leave: it checks again (while, not if).
 * The test plays such wakeups by broadcasting the barrier's condition itself while two
 * of three parties wait. */
struct leaver {
    struct barrier *b;
    pthread_mutex_t *lock;
    int *left; /* guarded by lock */
    int index;
};

static void *wait_and_leave(void *arg)
{
    struct leaver *l = arg;
    l->index = barrier_wait(l->b);
    pthread_mutex_lock(l->lock);
    (*l->left)++;
    pthread_mutex_unlock(l->lock);
    return NULL;
}

static int read_locked(pthread_mutex_t *lock, const int *value)
{
    pthread_mutex_lock(lock);
    int v = *value;
    pthread_mutex_unlock(lock);
    return v;
}

WB_TEST(barrier_waiters_ignore_wakeups_that_do_not_end_their_round)
{
    struct barrier b;
    init_ok(&b, 3);
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    int left = 0;
    struct leaver l[2] = {{&b, &lock, &left, -1}, {&b, &lock, &left, -1}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        t[i] = wb_thread_start(wait_and_leave, &l[i]);
    int arrived = wait_until_at_least(&b.mutex, &b.arrived, 2, 10);
    ck_assert_msg(arrived == 2, "two threads called barrier_wait, yet b->arrived is %d",
                  arrived);
    /* Both are inside pthread_cond_wait now: they arrived under b.mutex, which they
     * release only by waiting. Wake them over and over for 0.2 s. */
    double end = wb_now() + 0.2;
    while (wb_now() < end && read_locked(&lock, &left) == 0) {
        pthread_mutex_lock(&b.mutex);
        pthread_cond_broadcast(&b.round_over);
        pthread_mutex_unlock(&b.mutex);
        wb_sleep(0.001);
    }
    int early = read_locked(&lock, &left);
    int index = barrier_wait(&b); /* the third party: the round is over */
    for (int i = 0; i < 2; i++)
        wb_thread_join(t[i]);
    ck_assert_msg(early == 0,
                  "%d of 2 waiters left barrier_wait on a wakeup that did not end their "
                  "round (only 2 of 3 parties had arrived): check again after every "
                  "wakeup, while and not if around pthread_cond_wait", early);
    ck_assert_msg(left == 2 && index == 2, "the third party got index %d (expected 2) and %d "
                  "waiters left (expected 2)", index, left);
    barrier_destroy(&b);
}
