/* loop.c - a single-threaded event loop over epoll: call_soon, call_later, readers and
 * writers, run and stop. */
#include "loop.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

/* A doubly linked list of handles: the ready queue or the timers. */
struct handle_list {
    struct loop_handle *head, *tail;
};

/* A scheduled callback. It is in exactly one list until it runs or is cancelled. */
struct loop_handle {
    loop_callback fn;
    void *arg;
    double deadline;          /* timers: when it is due, on loop_time's clock */
    unsigned long long seq;   /* when it was scheduled (or became ready): breaks ties */
    struct handle_list *list; /* the list it is in */
    struct loop_handle *prev, *next;
};

/* What is registered for one descriptor; NULL callbacks are not watched. */
struct watcher {
    loop_callback on_read, on_write;
    void *read_arg, *write_arg;
};

struct loop {
    int epfd;
    struct handle_list ready;    /* call_soon, and timers once due: run in this order */
    struct handle_list timers;   /* call_later: by deadline, then by seq */
    unsigned long long next_seq; /* the seq of the next handle scheduled */
    struct watcher *watchers;    /* indexed by descriptor */
    int n_watchers;              /* length of watchers */
    int n_watched;               /* descriptors with a reader or a writer */
    bool stopping;               /* loop_stop was called: end after this round */
};

/* ---- lists ---- */

/* Inserts h into list right after pos (at the front when pos is NULL). */
static void list_insert_after(struct handle_list *list, struct loop_handle *pos,
                              struct loop_handle *h)
{
    h->list = list;
    h->prev = pos;
    h->next = pos != NULL ? pos->next : list->head;
    if (h->next != NULL)
        h->next->prev = h;
    else
        list->tail = h;
    if (pos != NULL)
        pos->next = h;
    else
        list->head = h;
}

static void list_append(struct handle_list *list, struct loop_handle *h)
{
    list_insert_after(list, list->tail, h);
}

/* Takes h out of its list. */
static void list_unlink(struct loop_handle *h)
{
    struct handle_list *list = h->list;
    if (h->prev != NULL)
        h->prev->next = h->next;
    else
        list->head = h->next;
    if (h->next != NULL)
        h->next->prev = h->prev;
    else
        list->tail = h->prev;
    h->list = NULL;
    h->prev = h->next = NULL;
}

static void list_free(struct handle_list *list)
{
    while (list->head != NULL) {
        struct loop_handle *h = list->head;
        list_unlink(h);
        free(h);
    }
}

/* ---- the loop ---- */

struct loop *loop_new(void)
{
    struct loop *loop = calloc(1, sizeof *loop);
    if (loop == NULL)
        return NULL;
    loop->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (loop->epfd < 0) {
        int err = errno;
        free(loop);
        errno = err;
        return NULL;
    }
    return loop;
}

void loop_free(struct loop *loop)
{
    if (loop == NULL)
        return;
    list_free(&loop->ready);
    list_free(&loop->timers);
    free(loop->watchers);
    close(loop->epfd);
    free(loop);
}

double loop_time(const struct loop *loop)
{
    /* TODO: the time in seconds on CLOCK_MONOTONIC, which no one can set back (the
     * wall clock, CLOCK_REALTIME, can jump and would make timers run early or late). */
    (void)loop;
    return 0;
}

/* A handle for fn(arg) that is in no list yet, or NULL with errno set. */
static struct loop_handle *handle_new(struct loop *loop, loop_callback fn, void *arg)
{
    if (fn == NULL) {
        errno = EINVAL;
        return NULL;
    }
    struct loop_handle *h = calloc(1, sizeof *h);
    if (h == NULL)
        return NULL;
    h->fn = fn;
    h->arg = arg;
    h->seq = loop->next_seq++;
    return h;
}

struct loop_handle *loop_call_soon(struct loop *loop, loop_callback fn, void *arg)
{
    /* TODO: a handle (handle_new) appended to the ready queue. */
    (void)loop;
    (void)fn;
    (void)arg;
    (void)handle_new;
    (void)list_append;
    errno = ENOSYS;
    return NULL;
}

struct loop_handle *loop_call_later(struct loop *loop, double delay, loop_callback fn,
                                    void *arg)
{
    /* TODO: a handle whose deadline is loop_time + delay (a negative delay counts as 0),
     * inserted into the timers so that they stay sorted by deadline, a new timer after
     * those with the same deadline (FIFO among equals). */
    (void)loop;
    (void)delay;
    (void)fn;
    (void)arg;
    errno = ENOSYS;
    return NULL;
}

void loop_handle_cancel(struct loop_handle *handle)
{
    /* TODO: take the handle out of whichever list holds it, and free it. NULL: no-op. */
    (void)handle;
    (void)list_unlink;
}

/* ---- descriptors ---- */

/* The watcher of fd, growing the table to reach it; NULL with ENOMEM. */
static struct watcher *watcher_for(struct loop *loop, int fd)
{
    if (fd >= loop->n_watchers) {
        int n = fd + 1 > 2 * loop->n_watchers ? fd + 1 : 2 * loop->n_watchers;
        struct watcher *grown = realloc(loop->watchers, (size_t)n * sizeof *grown);
        if (grown == NULL)
            return NULL;
        for (int i = loop->n_watchers; i < n; i++)
            grown[i] = (struct watcher){0};
        loop->watchers = grown;
        loop->n_watchers = n;
    }
    return &loop->watchers[fd];
}

/* The epoll events a watcher asks for (0: not in the epoll set). */
static uint32_t interest(const struct watcher *w)
{
    return (w->on_read != NULL ? EPOLLIN : 0) | (w->on_write != NULL ? EPOLLOUT : 0);
}

int loop_add_reader(struct loop *loop, int fd, loop_callback fn, void *arg)
{
    /* TODO: EBADF for a negative fd, EINVAL for a NULL fn. Set the watcher's reader
     * (watcher_for), and tell epoll with epoll_ctl: EPOLL_CTL_ADD when fd was not
     * watched (interest 0), EPOLL_CTL_MOD when it was; if epoll refuses, change nothing
     * and return -1 with its errno. Count the descriptors watched: loop_run needs it. */
    (void)loop;
    (void)fd;
    (void)fn;
    (void)arg;
    (void)watcher_for;
    (void)interest;
    errno = ENOSYS;
    return -1;
}

int loop_add_writer(struct loop *loop, int fd, loop_callback fn, void *arg)
{
    /* TODO: the same for the writer (EPOLLOUT). */
    (void)loop;
    (void)fd;
    (void)fn;
    (void)arg;
    errno = ENOSYS;
    return -1;
}

int loop_remove_reader(struct loop *loop, int fd)
{
    /* TODO: ENOENT unless fd has a reader. Clear it; EPOLL_CTL_MOD when the writer
     * stays, else EPOLL_CTL_DEL (which fails harmlessly if fd was closed already). */
    (void)loop;
    (void)fd;
    errno = ENOSYS;
    return -1;
}

int loop_remove_writer(struct loop *loop, int fd)
{
    /* TODO: the same for the writer. */
    (void)loop;
    (void)fd;
    errno = ENOSYS;
    return -1;
}

/* ---- running ---- */

int loop_run(struct loop *loop)
{
    /* TODO: while there is work (ready callbacks, timers, watched descriptors), one
     * round: epoll_wait - 0 ms when callbacks are ready, until the first deadline
     * (rounded up) when there are timers, else -1; EINTR is no error. Then each ready
     * descriptor's reader (EPOLLIN) and writer (EPOLLOUT), both on EPOLLERR or
     * EPOLLHUP, looking the watcher up again before each call. Then move the timers
     * that are due to the end of the ready queue. Then run the callbacks ready now -
     * not those they schedule - freeing each handle before calling it. End after the
     * round in which loop_stop was called. */
    (void)loop;
    errno = ENOSYS;
    return -1;
}

void loop_stop(struct loop *loop)
{
    /* TODO: make loop_run return at the end of its current round. */
    (void)loop;
}
