/* mpq.h - a bounded queue of byte messages between processes, like
 * multiprocessing.Queue.
 *
 * Python:  q = Queue(maxsize)
 *          q.put(obj, block=True, timeout=None)    # raises queue.Full
 *          obj = q.get(block=True, timeout=None)   # raises queue.Empty
 *          q.close()
 *
 * Made like Python's own Queue: the messages travel through a pipe, and three
 * process-shared semaphores, in memory mapped MAP_SHARED, coordinate the processes:
 *
 *   slots  counts free places (maxsize - messages in the queue): put takes one,
 *          get gives one back (Python: Queue._sem). This is what bounds the queue.
 *   wlock  one writer at a time, so that two messages never interleave in the pipe
 *          (Python: Queue._wlock).
 *   rlock  one reader at a time, so that a message is read whole by one process
 *          (Python: Queue._rlock).
 *
 * In the pipe a message is a frame: its length as a size_t, then its bytes.
 *
 * Create the queue before forking: every child then holds its own copy of the
 * struct mpq, which refers to the same pipe and the same semaphores. Each process
 * may close its copy; the shared memory and the pipe disappear when the last process
 * holding them closes them or ends. The functions are made for processes: a struct
 * mpq must not be used by two threads at once.
 *
 * Big messages: a pipe holds a limited number of bytes (64 KiB by default on Linux).
 * A message larger than what the pipe has room for is written while consumers read
 * it: put returns only once all but the last pipe-full of it has been read. A
 * process that puts a big message cannot end before someone gets it: join it only
 * after getting (the "join before get" deadlock of the lesson).
 */
#ifndef MPQ_H
#define MPQ_H

#include <semaphore.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* What put and get return besides success (distinct, all negative). */
enum mpq_result {
    MPQ_OK = 0,
    MPQ_ERROR = -1,   /* a system call failed: errno says why */
    MPQ_FULL = -2,    /* put with block false: no free place (Python: queue.Full) */
    MPQ_EMPTY = -3,   /* get with block false: no message (Python: queue.Empty) */
    MPQ_TIMEOUT = -4, /* put/get with block true: the timeout passed first (Python
                       * raises Full/Empty here too; C keeps the two cases apart) */
    MPQ_CLOSED = -5,  /* this process closed the queue (Python: ValueError) */
};

/* The part every process shares, in MAP_SHARED memory. */
struct mpq_shared {
    sem_t slots; /* free places */
    sem_t wlock; /* 1 when no process is writing a message */
    sem_t rlock; /* 1 when no process is reading a message */
};

/* One process's handle on the queue (fork copies it). */
struct mpq {
    struct mpq_shared *shared; /* NULL once closed */
    int read_fd, write_fd;     /* the pipe the frames go through; -1 once closed */
    bool closed;
};

/* --- mpq_init.c -------------------------------------------------------------- */

/* Creates a queue for at most maxsize messages (Python: Queue(maxsize)). maxsize 0
 * means no limit on the number of messages (SEM_VALUE_MAX, as Python does for
 * maxsize <= 0); the pipe's capacity still makes put wait for consumers once it
 * holds 64 KiB.
 *
 * Returns 0. Returns -1 with errno EINVAL when maxsize > SEM_VALUE_MAX, or the errno
 * of mmap, sem_init or pipe; nothing is left allocated or open then. */
int mpq_init(struct mpq *q, size_t maxsize);

/* This process will not use q any more (Python: q.close()): closes its pipe
 * descriptors and unmaps its view of the shared memory. Other processes' copies are
 * not affected. put and get on q then return MPQ_CLOSED. Closing a closed queue does
 * nothing. Returns 0. */
int mpq_close(struct mpq *q);

/* --- mpq_put.c --------------------------------------------------------------- */

/* Appends the len bytes at msg (len may be 0) to the queue (Python: q.put).
 *
 * block and timeout (seconds) say how long to wait for a free place, as in
 * timed_wait.h: block false does not wait; block true waits at most timeout
 * seconds, or as long as it takes when timeout is negative. Once it has a place, put
 * waits for its turn to write (wlock) and writes the whole frame, waiting for room
 * in the pipe as long as needed: for a message bigger than the pipe holds, that is
 * until consumers have read most of it (see above). Messages of one producer are
 * got in the order it put them.
 *
 * Returns MPQ_OK; MPQ_FULL (block false, no place), MPQ_TIMEOUT (block true, no
 * place within the timeout), MPQ_CLOSED, or MPQ_ERROR with errno. Nothing is
 * queued unless MPQ_OK is returned. */
int mpq_put(struct mpq *q, const void *msg, size_t len, bool block, double timeout);

/* --- mpq_get.c --------------------------------------------------------------- */

/* Removes the oldest message (Python: q.get) and stores in *msg a malloc'd copy of
 * it (never NULL on success, even for an empty message: free it with free()).
 *
 * block and timeout say how long to wait, in total, for this process's turn to read
 * (rlock) and then for a message to arrive, as in timed_wait.h. Once a message has
 * begun to arrive, get reads all of it, however long its writer takes. Then it gives
 * the message's place back (slots), which wakes a waiting put.
 *
 * Returns the message's length (>= 0); MPQ_EMPTY (block false, no message, or
 * another process is reading one), MPQ_TIMEOUT (block true, nothing within the
 * timeout), MPQ_CLOSED, or MPQ_ERROR with errno (ENOMEM, or EIO when the pipe ends in
 * the middle of a frame). *msg is NULL whenever the result is negative. */
ssize_t mpq_get(struct mpq *q, void **msg, bool block, double timeout);

#endif
