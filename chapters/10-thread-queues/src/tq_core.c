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

int tq_put(struct tq *q, void *item, bool block, double timeout)
{
    /* TODO: with q->lock held, wait on not_full while the queue is full (maxsize > 0
     * and count >= maxsize): not at all when block is false, until the deadline
     * (deadline_after, pthread_cond_timedwait) when timeout >= 0, else as long as it
     * takes. A while loop, not an if, around the wait. Giving up returns TQ_FULL.
     * Then push the item into the store (kind->push; on failure return -1 and leave
     * the counts alone), count it in count and unfinished, and wake one getter. */
    (void)q;
    (void)item;
    (void)block;
    (void)timeout;
    errno = ENOSYS;
    return -1;
}

int tq_get(struct tq *q, void **item, bool block, double timeout)
{
    /* TODO: the mirror image of tq_put: wait on not_empty while the queue is empty,
     * as block and timeout say (giving up returns TQ_EMPTY and leaves *item alone),
     * then pop the next item into *item, count it out and wake one putter. */
    (void)q;
    (void)item;
    (void)block;
    (void)timeout;
    errno = ENOSYS;
    return -1;
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
    /* TODO: read count with the lock held. */
    (void)q;
    return 0;
}

bool tq_empty(struct tq *q)
{
    /* TODO: whether count is 0, read with the lock held. */
    (void)q;
    return false;
}

bool tq_full(struct tq *q)
{
    /* TODO: whether the queue has a maxsize and holds that many, read with the lock
     * held. */
    (void)q;
    return false;
}

int tq_task_done(struct tq *q)
{
    /* TODO: with the lock held, fail with EINVAL when no task is unfinished; else
     * count one task out, and when none is left wake every thread in tq_join. */
    (void)q;
    errno = ENOSYS;
    return -1;
}

int tq_join(struct tq *q)
{
    /* TODO: with the lock held, wait on all_done while any task is unfinished. */
    (void)q;
    errno = ENOSYS;
    return -1;
}
