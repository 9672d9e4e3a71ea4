/* test_dq.c - pins every promise of dq.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dq.h"
#include "tq_helpers.h"
#include "wb_test.h"

static struct dq *new_deque(size_t maxlen)
{
    struct dq *d = dq_new(maxlen);
    ck_assert_msg(d != NULL, "dq_new(%zu) failed: %s", maxlen, strerror(errno));
    return d;
}

static void append_ok(struct dq *d, long id, bool left)
{
    int rc = left ? dq_appendleft(d, ITEM(id), NULL) : dq_append(d, ITEM(id), NULL);
    ck_assert_msg(rc == DQ_OK, "%s(item %ld) on a deque with room returned %d, expected DQ_OK",
                  left ? "dq_appendleft" : "dq_append", id, rc);
}

/* Removes one item from the given end and checks it is ITEM(expected). */
static void pop_expect(struct dq *d, bool left, long expected, const char *why)
{
    void *item = NULL;
    int rc = left ? dq_popleft(d, &item) : dq_pop(d, &item);
    ck_assert_msg(rc == DQ_OK && ID(item) == expected,
                  "%s returned %d with item %ld, expected DQ_OK and item %ld (%s)",
                  left ? "dq_popleft" : "dq_pop", rc, ID(item), expected, why);
}

WB_TEST(deque_append_then_popleft_is_first_in_first_out)
{
    struct dq *d = new_deque(8);
    for (long i = 0; i < 5; i++)
        append_ok(d, i, false);
    for (long i = 0; i < 5; i++)
        pop_expect(d, true, i, "append adds at the right, popleft takes from the left");
    dq_free(d);
}

WB_TEST(deque_append_then_pop_is_last_in_first_out)
{
    struct dq *d = new_deque(8);
    for (long i = 0; i < 5; i++)
        append_ok(d, i, false);
    for (long i = 4; i >= 0; i--)
        pop_expect(d, false, i, "append and pop both work at the right end");
    dq_free(d);
}

WB_TEST(deque_appendleft_adds_at_the_left_end)
{
    struct dq *d = new_deque(8);
    append_ok(d, 1, true); /* [1] */
    append_ok(d, 2, true); /* [2 1] */
    append_ok(d, 3, false); /* [2 1 3] */
    pop_expect(d, true, 2, "deque [2 1 3]: the left end");
    pop_expect(d, false, 3, "deque [1 3]: the right end");
    pop_expect(d, false, 1, "deque [1]");
    dq_free(d);
}

WB_TEST(deque_pop_from_empty_returns_empty)
{
    struct dq *d = new_deque(2);
    void *item = ITEM(99);
    ck_assert_msg(dq_pop(d, &item) == DQ_EMPTY && dq_popleft(d, &item) == DQ_EMPTY,
                  "dq_pop and dq_popleft on a new deque should return DQ_EMPTY");
    append_ok(d, 1, false);
    pop_expect(d, true, 1, "the only item");
    ck_assert_msg(dq_pop(d, &item) == DQ_EMPTY && dq_popleft(d, &item) == DQ_EMPTY,
                  "dq_pop and dq_popleft on an emptied deque should return DQ_EMPTY");
    ck_assert_msg(item == ITEM(99), "a pop that returned DQ_EMPTY changed *item");
    dq_free(d);
}

WB_TEST(deque_append_to_full_discards_the_leftmost)
{
    /* Python: d = deque([1, 2, 3], maxlen=3); d.append(4) -> deque([2, 3, 4]) */
    struct dq *d = new_deque(3);
    for (long i = 1; i <= 3; i++)
        append_ok(d, i, false);
    void *dropped = NULL;
    int rc = dq_append(d, ITEM(4), &dropped);
    ck_assert_msg(rc == DQ_DROPPED && dropped == ITEM(1),
                  "dq_append(4) to full [1 2 3] returned %d and dropped %ld, expected "
                  "DQ_DROPPED and 1", rc, ID(dropped));
    rc = dq_append(d, ITEM(5), NULL); /* dropped may be NULL */
    ck_assert_msg(rc == DQ_DROPPED, "dq_append(5) to full [2 3 4] returned %d, expected "
                  "DQ_DROPPED", rc);
    ck_assert_msg(dq_len(d) == 3, "a full deque of maxlen 3 has len %zu", dq_len(d));
    for (long i = 3; i <= 5; i++)
        pop_expect(d, true, i, "after appending 1..5 with maxlen 3 the deque is [3 4 5]");
    dq_free(d);
}

WB_TEST(deque_appendleft_to_full_discards_the_rightmost)
{
    /* Python: d = deque([1, 2, 3], maxlen=3); d.appendleft(0) -> deque([0, 1, 2]) */
    struct dq *d = new_deque(3);
    for (long i = 1; i <= 3; i++)
        append_ok(d, i, false);
    void *dropped = NULL;
    int rc = dq_appendleft(d, ITEM(0), &dropped);
    ck_assert_msg(rc == DQ_DROPPED && dropped == ITEM(3),
                  "dq_appendleft(0) to full [1 2 3] returned %d and dropped %ld, expected "
                  "DQ_DROPPED and 3", rc, ID(dropped));
    for (long i = 0; i <= 2; i++)
        pop_expect(d, true, i, "the deque should be [0 1 2]");
    dq_free(d);
}

WB_TEST(deque_len_and_maxlen)
{
    errno = 0;
    struct dq *bad = dq_new(0);
    ck_assert_msg(bad == NULL && errno == EINVAL, "dq_new(0) returned %p (errno %s), expected "
                  "NULL with errno EINVAL", (void *)bad, strerror(errno));
    dq_free(bad); /* NULL: does nothing */
    /* Room for 2^62 items: 2^65 bytes of pointers, which no calloc can give. */
    errno = 0;
    bad = dq_new((size_t)1 << 62);
    ck_assert_msg(bad == NULL && errno == ENOMEM, "dq_new(2^62) returned %p (errno %s), "
                  "expected NULL with errno ENOMEM, and nothing it allocated left behind",
                  (void *)bad, strerror(errno));
    struct dq *d = new_deque(4);
    ck_assert_msg(dq_len(d) == 0 && dq_maxlen(d) == 4, "a new deque(maxlen=4): len %zu maxlen "
                  "%zu, expected 0 and 4", dq_len(d), dq_maxlen(d));
    append_ok(d, 0, false);
    append_ok(d, 1, true);
    ck_assert_msg(dq_len(d) == 2, "after 2 appends len is %zu, expected 2", dq_len(d));
    for (long i = 2; i < 10; i++)
        dq_append(d, ITEM(i), NULL);
    ck_assert_msg(dq_len(d) == 4, "a deque of maxlen 4 after 10 appends: len %zu, expected 4",
                  dq_len(d));
    pop_expect(d, false, 9, "the last appended");
    ck_assert_msg(dq_len(d) == 3, "after one pop len is %zu, expected 3", dq_len(d));
    dq_free(d);
}

/* A fixed pseudo-random sequence, the same on every run. */
static unsigned next_random(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return (*state >> 16) & 0x7fff;
}

WB_TEST(deque_matches_a_model_through_many_mixed_operations)
{
    /* The model: model[lo .. hi-1], room to move far either way. */
    enum { MAXLEN = 5, OPS = 5000 };
    static long model[2 * OPS + 2];
    long lo = OPS + 1, hi = OPS + 1, next_id = 0;
    struct dq *d = new_deque(MAXLEN);
    unsigned seed = 7;
    for (int op = 0; op < OPS; op++) {
        unsigned what = next_random(&seed) % 4;
        void *got = NULL;
        int rc;
        if (what < 2) { /* append (0) or appendleft (1) */
            bool right = what == 0;
            long id = next_id++;
            rc = right ? dq_append(d, ITEM(id), &got) : dq_appendleft(d, ITEM(id), &got);
            bool full = hi - lo == MAXLEN;
            long expect_drop = -1;
            if (full)
                expect_drop = right ? model[lo++] : model[--hi];
            if (right)
                model[hi++] = id;
            else
                model[--lo] = id;
            ck_assert_msg(rc == (full ? DQ_DROPPED : DQ_OK) && (!full || ID(got) == expect_drop),
                          "op %d: %s(%ld) returned %d dropping %ld, expected %d dropping %ld",
                          op, right ? "append" : "appendleft", id, rc, ID(got),
                          full ? DQ_DROPPED : DQ_OK, expect_drop);
        } else { /* pop (2) or popleft (3) */
            rc = what == 2 ? dq_pop(d, &got) : dq_popleft(d, &got);
            bool empty = hi == lo;
            long expect = empty ? -1 : what == 2 ? model[--hi] : model[lo++];
            ck_assert_msg(rc == (empty ? DQ_EMPTY : DQ_OK) && (empty || ID(got) == expect),
                          "op %d: %s returned %d with %ld, expected %d with %ld", op,
                          what == 2 ? "pop" : "popleft", rc, ID(got),
                          empty ? DQ_EMPTY : DQ_OK, expect);
        }
        ck_assert_msg(dq_len(d) == (size_t)(hi - lo), "op %d: len %zu, expected %ld", op,
                      dq_len(d), hi - lo);
    }
    dq_free(d);
}

/* Threads append unique ids; each keeps what its appends dropped. Every id must end
 * either dropped (exactly once) or still in the deque. */
enum { APPENDERS = 4, PER_APPENDER = 2000, SMALL_MAXLEN = 16 };

struct appender {
    struct dq *d;
    int index;
    long dropped[PER_APPENDER];
    long n_dropped;
};

static void *append_many(void *arg)
{
    struct appender *a = arg;
    for (long i = 0; i < PER_APPENDER; i++) {
        void *dropped = NULL;
        bool left = i % 2 == 1;
        long id = a->index * PER_APPENDER + i;
        int rc = left ? dq_appendleft(a->d, ITEM(id), &dropped) : dq_append(a->d, ITEM(id), &dropped);
        if (rc == DQ_DROPPED)
            a->dropped[a->n_dropped++] = ID(dropped);
    }
    return NULL;
}

WB_TEST(deque_concurrent_appends_lose_and_duplicate_nothing)
{
    struct dq *d = new_deque(SMALL_MAXLEN);
    static struct appender a[APPENDERS];
    pthread_t t[APPENDERS];
    for (int i = 0; i < APPENDERS; i++) {
        a[i] = (struct appender){.d = d, .index = i};
        t[i] = wb_thread_start(append_many, &a[i]);
    }
    for (int i = 0; i < APPENDERS; i++)
        wb_thread_join(t[i]);
    enum { TOTAL = APPENDERS * PER_APPENDER };
    static char seen[TOTAL];
    memset(seen, 0, sizeof seen);
    long n = 0;
    void *item;
    while (dq_popleft(d, &item) == DQ_OK) {
        ck_assert_msg(ID(item) >= 0 && ID(item) < TOTAL && !seen[ID(item)],
                      "item %ld is in the deque twice (or was never appended)", ID(item));
        seen[ID(item)] = 1;
        n++;
    }
    ck_assert_msg(n == SMALL_MAXLEN, "after %d appends the deque held %ld items, expected "
                  "maxlen %d", TOTAL, n, SMALL_MAXLEN);
    for (int i = 0; i < APPENDERS; i++)
        for (long k = 0; k < a[i].n_dropped; k++) {
            long id = a[i].dropped[k];
            ck_assert_msg(id >= 0 && id < TOTAL && !seen[id],
                          "item %ld was dropped twice, or dropped and still in the deque", id);
            seen[id] = 1;
            n++;
        }
    ck_assert_msg(n == TOTAL, "%d items appended, %ld accounted for (kept or dropped): %ld "
                  "lost", TOTAL, n, TOTAL - n);
    dq_free(d);
}

/* Threads pop from both ends until the deque is empty: each item taken once. */
struct popper {
    struct dq *d;
    long got[4000];
    long n_got;
};

static void *pop_until_empty(void *arg)
{
    struct popper *p = arg;
    void *item;
    for (long i = 0;; i++) {
        int rc = i % 2 ? dq_pop(p->d, &item) : dq_popleft(p->d, &item);
        if (rc != DQ_OK)
            return NULL;
        p->got[p->n_got++] = ID(item);
    }
}

WB_TEST(deque_concurrent_pops_take_each_item_once)
{
    enum { N = 4000, POPPERS = 4 };
    struct dq *d = new_deque(N);
    for (long i = 0; i < N; i++)
        append_ok(d, i, false);
    static struct popper p[POPPERS];
    pthread_t t[POPPERS];
    for (int i = 0; i < POPPERS; i++) {
        p[i] = (struct popper){.d = d};
        t[i] = wb_thread_start(pop_until_empty, &p[i]);
    }
    for (int i = 0; i < POPPERS; i++)
        wb_thread_join(t[i]);
    static char seen[N];
    memset(seen, 0, sizeof seen);
    long n = 0;
    for (int i = 0; i < POPPERS; i++)
        for (long k = 0; k < p[i].n_got; k++) {
            long id = p[i].got[k];
            ck_assert_msg(id >= 0 && id < N && !seen[id], "item %ld was popped twice", id);
            seen[id] = 1;
            n++;
        }
    ck_assert_msg(n == N && dq_len(d) == 0, "%d items appended, %ld popped, len now %zu", N, n,
                  dq_len(d));
    dq_free(d);
}

/* A few threads at once, small enough for helgrind: each thread calls one function of
 * the deque and nothing else, so that the deque's lock is all that orders them. A
 * function that skips the lock is then reported as a race, whether or not this run
 * happens to lose an item. */
enum { FEW_CALLS = 30, FEW_MAXLEN = 8 };

struct few {
    struct dq *d;
    bool left;            /* appendleft / popleft rather than append / pop */
    long first;           /* an appender's ids: first .. first + FEW_CALLS - 1 */
    long got[FEW_CALLS];  /* a popper's items, an appender's dropped items */
    int n_got;
    size_t most;          /* the largest len a reader saw */
    size_t maxlen_seen;   /* what dq_maxlen said each time (the last one) */
};

static void *few_appends(void *arg)
{
    struct few *f = arg;
    for (long i = 0; i < FEW_CALLS; i++) {
        void *dropped = NULL;
        int rc = f->left ? dq_appendleft(f->d, ITEM(f->first + i), &dropped)
                         : dq_append(f->d, ITEM(f->first + i), &dropped);
        if (rc == DQ_DROPPED)
            f->got[f->n_got++] = ID(dropped);
    }
    return NULL;
}

static void *few_pops(void *arg)
{
    struct few *f = arg;
    for (int i = 0; i < FEW_CALLS; i++) {
        void *item = NULL;
        int rc = f->left ? dq_popleft(f->d, &item) : dq_pop(f->d, &item);
        if (rc == DQ_OK)
            f->got[f->n_got++] = ID(item);
    }
    return NULL;
}

static void *few_lens(void *arg)
{
    struct few *f = arg;
    for (int i = 0; i < FEW_CALLS; i++) {
        size_t n = dq_len(f->d);
        if (n > f->most)
            f->most = n;
        f->maxlen_seen = dq_maxlen(f->d);
    }
    return NULL;
}

/* One appender (at the left end or the right), one popper (at the other end) and one
 * len reader at once; then every id must be popped, dropped or still in the deque,
 * exactly once. */
static void check_few_threads(bool append_left)
{
    struct dq *d = new_deque(FEW_MAXLEN);
    for (long i = 0; i < FEW_MAXLEN / 2; i++) /* something to pop from the start */
        append_ok(d, FEW_CALLS + i, false);
    struct few appender = {.d = d, .left = append_left, .first = 0};
    struct few popper = {.d = d, .left = !append_left};
    struct few reader = {.d = d};
    void *(*const fns[])(void *) = {few_appends, few_pops, few_lens};
    void *const args[] = {&appender, &popper, &reader};
    wb_run_together(3, fns, args);
    enum { TOTAL = FEW_CALLS + FEW_MAXLEN / 2 };
    char seen[TOTAL] = {0};
    const char *how[] = {"dropped", "popped", "left in the deque"};
    long n = 0;
    for (int k = 0; k < 3; k++) {
        long items[FEW_CALLS + FEW_MAXLEN];
        int count = 0;
        if (k < 2) {
            const struct few *f = k == 0 ? &appender : &popper;
            for (int i = 0; i < f->n_got; i++)
                items[count++] = f->got[i];
        } else {
            void *item;
            while (count < FEW_CALLS + FEW_MAXLEN && dq_popleft(d, &item) == DQ_OK)
                items[count++] = ID(item);
        }
        for (int i = 0; i < count; i++) {
            long id = items[i];
            ck_assert_msg(id >= 0 && id < TOTAL && !seen[id],
                          "item %ld was %s, but it was never appended or is accounted for "
                          "twice: each operation must be atomic (one lock)", id, how[k]);
            seen[id] = 1;
            n++;
        }
    }
    ck_assert_msg(n == TOTAL, "%d items appended, %ld popped, dropped or left: %ld lost",
                  TOTAL, n, TOTAL - n);
    ck_assert_msg(reader.most <= FEW_MAXLEN && reader.maxlen_seen == FEW_MAXLEN,
                  "a thread saw len %zu and maxlen %zu of a deque of maxlen %d", reader.most,
                  reader.maxlen_seen, FEW_MAXLEN);
    dq_free(d);
}

WB_TEST(deque_few_threads_append_popleft_and_len_at_once)
{
    check_few_threads(false);
}

WB_TEST(deque_few_threads_appendleft_pop_and_len_at_once)
{
    check_few_threads(true);
}
