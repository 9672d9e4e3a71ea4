/* event.h - threading.Event: a flag that threads wait for.
 *
 * Python:  event = threading.Event()
 *          event.wait(timeout=1.0)     # True once the flag is set, False on timeout
 *          event.set(); event.clear(); event.is_set()
 *
 * Return values as in lock.h. */
#ifndef EVENT_H
#define EVENT_H

#include <pthread.h>
#include <stdbool.h>

struct event {
    pthread_mutex_t mutex; /* guards the fields below; held only for a moment */
    pthread_cond_t changed; /* broadcast by event_set */
    bool flag;
    unsigned long sets;    /* how many times event_set was called: a waiter that sees it
                              change was woken by a set, even if the flag has been
                              cleared again since */
    int waiters;           /* threads inside event_wait now (tests read it) */
};

/* Makes an event whose flag is false. Returns 0, or -1 with errno set. */
int event_init(struct event *e);

/* Sets the flag and wakes every thread waiting for it. */
void event_set(struct event *e);

/* Makes the flag false; later waits block until the next event_set. */
void event_clear(struct event *e);

/* The flag. */
bool event_is_set(struct event *e);

/* Returns 1 at once when the flag is set; otherwise waits until event_set is called,
 * at most timeout seconds (timeout < 0: no limit). Returns 1 when the flag was set
 * before or during the wait, even if it was cleared again before this thread ran
 * (Python: "returns True if and only if the internal flag has been set to true, either
 * before the wait call or after the wait starts"); 0 when the timeout passed first.
 * Counts itself in e->waiters while it waits. */
int event_wait(struct event *e, double timeout);

/* Releases the resources of an event that no thread waits for. */
void event_destroy(struct event *e);

#endif
