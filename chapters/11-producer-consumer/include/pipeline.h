/* pipeline.h - N producers and M consumers joined by one bounded buffer.
 *
 * Python (the course's example, with an end):
 *          q = queue.Queue(10)
 *          producers = [Producer(q, con, 'P1'), Producer(q, con, 'P2')]
 *          consumers = [Consumer(q, con, 'C1')]
 *          start them all; join the producers; tell the consumers the stream has
 *          ended; join the consumers.
 */
#ifndef PIPELINE_H
#define PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

struct pc_config {
    size_t producers; /* producer threads, at least 1 */
    size_t consumers; /* consumer threads, at least 1 */
    size_t capacity;  /* slots of the buffer between them, at least 1 */

    /* Called over and over by producer thread number producer (0 .. producers-1):
     * stores the next item in *item and returns true, or returns false when that
     * producer has nothing more to give. */
    bool (*produce)(void *ctx, size_t producer, void **item);

    /* Called by consumer thread number consumer (0 .. consumers-1) once for each item
     * it takes. */
    void (*consume)(void *ctx, size_t consumer, void *item);

    void *ctx; /* passed to both; they run in several threads at once */
};

struct pc_report {
    size_t produced; /* items the producers put into the buffer */
    size_t consumed; /* items the consumers took out (and passed to consume) */
    size_t max_held; /* the most items the buffer held at one time */
};

/* Runs the pipeline to its end: starts the consumer and producer threads, waits until
 * every producer has returned false from produce, then closes the buffer so that the
 * consumers drain what is left and stop, and waits for every consumer. Each item
 * produced is consumed exactly once; none is lost.
 *
 * Returns 0 once every thread it started has ended, with *report filled. Returns -1
 * with errno set: EINVAL when producers, consumers or capacity is 0 or produce or
 * consume is NULL (nothing is started); ENOMEM when memory runs out; pthread_create's
 * error when a thread cannot be started (the threads already started are stopped and
 * waited for first). */
int pc_run(const struct pc_config *config, struct pc_report *report);

#endif
