/* tq_core.c - the blocking logic shared by every kind of thread queue. */
#include "tq.h"
#include "tq_kind.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

/* The same fields as Python's queue.Queue: one mutex, and three conditions that
 * share it. */
struct tq {
    const struct tq_kind *kind; /* never changes: no lock needed */
    size_t maxsize;             /* never changes; 0 means no limit */

    pthread_mutex_t lock;
    /* lock must be held when using these: */
    void *store;              /* the items, ordered by kind */
    size_t count;             /* how many items store holds */
    size_t unfinished;        /* items put and not yet marked done */
    pthread_cond_t not_empty; /* signalled when an item is put */
    pthread_cond_t not_full;  /* signalled when an item is taken */
    pthread_cond_t all_done;  /* broadcast when unfinished drops to 0 */
};

/* The conditions measure timeouts on CLOCK_MONOTONIC, which never jumps when someone
 * sets the date; deadline_after gives an absolute time on that clock (marked unused
 * only so that compilers accept it before you use it). */
static int cond_init_monotonic(pthread_cond_t *cond)
{
    pthread_condattr_t attr;
    int rc = pthread_condattr_init(&attr);
    if (rc != 0)
        return rc;
    rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (rc == 0)
        rc = pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
    return rc;
}

__attribute__((unused)) static inline struct timespec deadline_after(double seconds)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    time_t whole = (time_t)seconds;
    t.tv_sec += whole;
    t.tv_nsec += (long)((seconds - (double)whole) * 1e9);
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec += 1;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

struct tq *tq_new(const struct tq_kind *kind, size_t maxsize, tq_cmp cmp)
{
    struct tq *q = calloc(1, sizeof *q);
    if (q == NULL)
        return NULL;
    q->kind = kind;
    q->maxsize = maxsize;
    q->store = kind->create(cmp);
    if (q->store == NULL)
        goto err_store;
    int rc = pthread_mutex_init(&q->lock, NULL);
    if (rc != 0)
        goto err_lock;
    if ((rc = cond_init_monotonic(&q->not_empty)) != 0)
        goto err_not_empty;
    if ((rc = cond_init_monotonic(&q->not_full)) != 0)
        goto err_not_full;
    if ((rc = cond_init_monotonic(&q->all_done)) != 0)
        goto err_all_done;
    return q;

err_all_done:
    pthread_cond_destroy(&q->not_full);
err_not_full:
    pthread_cond_destroy(&q->not_empty);
err_not_empty:
    pthread_mutex_destroy(&q->lock);
err_lock:
    kind->destroy(q->store);
    errno = rc;
err_store:
    free(q);
    return NULL;
}

void tq_free(struct tq *q)
{
    if (q == NULL)
        return;
    pthread_cond_destroy(&q->all_done);
    pthread_cond_destroy(&q->not_full);
    pthread_cond_destroy(&q->not_empty);
    pthread_mutex_destroy(&q->lock);
    q->kind->destroy(q->store);
    free(q);
}

/* What put and get wait for; called with q->lock held. */
static bool is_full(const struct tq *q)
{
    return q->maxsize > 0 && q->count >= q->maxsize;
}

static bool is_empty(const struct tq *q)
{
    return q->count == 0;
}

/* Waits on cond while blocked(q) holds, as put and get promise: not at all when block
 * is false, at most timeout seconds when timeout >= 0, else for as long as it takes.
 * Caller must hold q->lock. Returns true once blocked(q) is false, false when giving
 * up. */
static bool wait_while(struct tq *q, pthread_cond_t *cond, bool (*blocked)(const struct tq *),
                       bool block, double timeout)
{
    struct timespec deadline = deadline_after(timeout > 0 ? timeout : 0);
    /* while, not if: a wakeup only says "look again". It may be spurious, and another
     * thread may have taken the item (or the slot) between the signal and our turn. */
    while (blocked(q)) {
        if (!block)
            return false;
        if (timeout < 0)
            pthread_cond_wait(cond, &q->lock);
        else if (pthread_cond_timedwait(cond, &q->lock, &deadline) == ETIMEDOUT)
            return !blocked(q); /* the item may have come just at the deadline */
    }
    return true;
}

int tq_put(struct tq *q, void *item, bool block, double timeout)
{
    pthread_mutex_lock(&q->lock);
    int rc = TQ_FULL;
    if (wait_while(q, &q->not_full, is_full, block, timeout)) {
        rc = q->kind->push(q->store, item);
        if (rc == 0) {
            q->count++;
            q->unfinished++;
            /* One item feeds one getter: waking more would only make them wait again. */
            pthread_cond_signal(&q->not_empty);
        }
    }
    pthread_mutex_unlock(&q->lock);
    return rc;
}

int tq_get(struct tq *q, void **item, bool block, double timeout)
{
    pthread_mutex_lock(&q->lock);
    int rc = TQ_EMPTY;
    if (wait_while(q, &q->not_empty, is_empty, block, timeout)) {
        *item = q->kind->pop(q->store);
        q->count--;
        pthread_cond_signal(&q->not_full);
        rc = TQ_OK;
    }
    pthread_mutex_unlock(&q->lock);
    return rc;
}

int tq_put_nowait(struct tq *q, void *item)
{
    return tq_put(q, item, false, 0);
}

int tq_get_nowait(struct tq *q, void **item)
{
    return tq_get(q, item, false, 0);
}

size_t tq_qsize(struct tq *q)
{
    pthread_mutex_lock(&q->lock);
    size_t n = q->count;
    pthread_mutex_unlock(&q->lock);
    return n;
}

bool tq_empty(struct tq *q)
{
    pthread_mutex_lock(&q->lock);
    bool empty = is_empty(q);
    pthread_mutex_unlock(&q->lock);
    return empty;
}

bool tq_full(struct tq *q)
{
    pthread_mutex_lock(&q->lock);
    bool full = is_full(q);
    pthread_mutex_unlock(&q->lock);
    return full;
}

int tq_task_done(struct tq *q)
{
    pthread_mutex_lock(&q->lock);
    int rc = 0;
    if (q->unfinished == 0) {
        errno = EINVAL; /* Python: ValueError('task_done() called too many times') */
        rc = -1;
    } else if (--q->unfinished == 0) {
        /* Every joiner waits for the same thing: wake them all. */
        pthread_cond_broadcast(&q->all_done);
    }
    pthread_mutex_unlock(&q->lock);
    return rc;
}

int tq_join(struct tq *q)
{
    pthread_mutex_lock(&q->lock);
    while (q->unfinished > 0)
        pthread_cond_wait(&q->all_done, &q->lock);
    pthread_mutex_unlock(&q->lock);
    return 0;
}
