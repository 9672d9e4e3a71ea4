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

static void *producer_main(void *arg)
{
    struct worker *w = arg;
    void *item;
    while (w->config->produce(w->config->ctx, w->index, &item)) {
        /* BB_CLOSED only happens when pc_run is bailing out after an error. */
        if (bb_put(w->buffer, item) != BB_OK)
            break;
        w->count++;
    }
    return NULL;
}

static void *consumer_main(void *arg)
{
    struct worker *w = arg;
    void *item;
    /* BB_CLOSED here is the end of the stream: closed, and drained. */
    while (bb_get(w->buffer, &item) == BB_OK) {
        w->config->consume(w->config->ctx, w->index, item);
        w->count++;
    }
    return NULL;
}

/* Starts n workers running fn; returns how many started (n, unless pthread_create
 * failed: then *error is its error). */
static size_t start_workers(struct worker *w, size_t n, void *(*fn)(void *), int *error)
{
    for (size_t i = 0; i < n; i++) {
        int rc = pthread_create(&w[i].thread, NULL, fn, &w[i]);
        if (rc != 0) {
            *error = rc;
            return i;
        }
    }
    return n;
}

/* Joins n workers and returns the sum of their counts. */
static size_t join_workers(struct worker *w, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        pthread_join(w[i].thread, NULL);
        total += w[i].count;
    }
    return total;
}

static bool valid(const struct pc_config *c)
{
    return c->producers > 0 && c->consumers > 0 && c->capacity > 0 && c->produce != NULL &&
           c->consume != NULL;
}

int pc_run(const struct pc_config *config, struct pc_report *report)
{
    if (!valid(config)) {
        errno = EINVAL;
        return -1;
    }
    struct bbuf buffer;
    if (bb_init(&buffer, config->capacity) < 0)
        return -1;
    size_t n = config->producers + config->consumers;
    struct worker *w = calloc(n, sizeof *w);
    if (w == NULL) {
        bb_destroy(&buffer);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        w[i] = (struct worker){.config = config, .buffer = &buffer};
        w[i].index = i < config->consumers ? i : i - config->consumers;
    }
    struct worker *consumers = w, *producers = w + config->consumers;

    int error = 0;
    size_t c = start_workers(consumers, config->consumers, consumer_main, &error);
    size_t p = error ? 0 : start_workers(producers, config->producers, producer_main, &error);
    /* The order of shutdown is the point: close only once every producer is done
     * (an earlier close would refuse their items), and join the consumers only after
     * the close (before it, they would wait for ever on an empty buffer). After an
     * error, close at once: the producers' next put is refused and they stop. */
    if (error)
        bb_close(&buffer);
    size_t produced = join_workers(producers, p);
    bb_close(&buffer);
    size_t consumed = join_workers(consumers, c);

    *report = (struct pc_report){.produced = produced, .consumed = consumed,
                                 .max_held = buffer.max_held};
    free(w);
    bb_destroy(&buffer);
    if (error) {
        errno = error;
        return -1;
    }
    return 0;
}
