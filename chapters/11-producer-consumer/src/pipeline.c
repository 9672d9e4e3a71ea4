/* pipeline.c - N producers and M consumers joined by one bounded buffer. */
#include "pipeline.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "bbuf.h"

/* What one thread needs: the shared run, its number, and its own count. Each thread
 * writes only its own count; pc_run reads it after pthread_join, which orders the two. */
struct worker {
    const struct pc_config *config;
    struct bbuf *buffer;
    size_t index;
    size_t count; /* items this thread put (producer) or took (consumer) */
    pthread_t thread;
};

int pc_run(const struct pc_config *config, struct pc_report *report)
{
    /* TODO: check the config (EINVAL), make the buffer (bb_init) and one struct worker
     * per thread. Start the consumers, each looping bb_get -> consume until BB_CLOSED,
     * and the producers, each looping produce -> bb_put until produce returns false.
     * Then shut down in this order: join every producer, close the buffer, join every
     * consumer. Fill *report (sum the workers' counts; max_held from the buffer), free
     * everything. If pthread_create fails: close the buffer, join the threads already
     * started, free everything, return -1 with errno = pthread_create's error. */
    (void)config;
    (void)report;
    errno = ENOSYS;
    return -1;
}
