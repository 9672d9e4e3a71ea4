/* as_completed.h - futures in the order they complete.
 *
 * Python:  futures = [pool.submit(craw, url) for url in urls]
 *          for future in as_completed(futures):
 *              print(future.result())
 */
#ifndef AS_COMPLETED_H
#define AS_COMPLETED_H

#include <stddef.h>

#include "future.h"

struct as_completed;

/* as_completed(futures): an iterator over the n distinct futures in fs, yielding each
 * once as it becomes done (finished or cancelled): those already done first, then in
 * the order they complete. fs is copied: the array may be reused after this returns.
 *
 * Returns the iterator. Returns NULL with errno ENOMEM. */
struct as_completed *as_completed(struct future *const *fs, size_t n);

/* next(timeout): waits until one more of the futures is done, at most timeout seconds
 * (0: do not wait; negative: as long as it takes), and stores it in *done.
 *
 * Returns 0 with *done set. Returns -1 with errno set:
 *   ETIMEDOUT  none more within timeout (not before timeout seconds have passed);
 *   ENODATA    all n have been yielded (Python's StopIteration). */
int as_completed_next(struct as_completed *it, double timeout, struct future **done);

/* Frees the iterator; the caller no longer uses it. Safe while some of its futures
 * are still pending: they will not touch it afterwards. it may be NULL. */
void as_completed_free(struct as_completed *it);

#endif
