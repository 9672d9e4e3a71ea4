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
    (void)loop;
    /* CLOCK_MONOTONIC: the wall clock (CLOCK_REALTIME) can jump, and timers with it. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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
    struct loop_handle *h = handle_new(loop, fn, arg);
    if (h != NULL)
        list_append(&loop->ready, h);
    return h;
}

struct loop_handle *loop_call_later(struct loop *loop, double delay, loop_callback fn,
                                    void *arg)
{
    struct loop_handle *h = handle_new(loop, fn, arg);
    if (h == NULL)
        return NULL;
    h->deadline = loop_time(loop) + (delay > 0 ? delay : 0);
    /* Walk back from the latest timer: a new timer is usually the latest. Stopping at
     * the first deadline <= ours keeps equal deadlines in the order scheduled. */
    struct loop_handle *pos = loop->timers.tail;
    while (pos != NULL && pos->deadline > h->deadline)
        pos = pos->prev;
    list_insert_after(&loop->timers, pos, h);
    return h;
}

void loop_handle_cancel(struct loop_handle *handle)
{
    if (handle == NULL)
        return;
    list_unlink(handle);
    free(handle);
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

/* Tells epoll that fd's interest changes from before to after. */
static int update_epoll(struct loop *loop, int fd, uint32_t before, uint32_t after)
{
    struct epoll_event ev = {.events = after, .data.fd = fd};
    int op = before == 0 ? EPOLL_CTL_ADD : after == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
    return epoll_ctl(loop->epfd, op, fd, &ev);
}

static int add_watch(struct loop *loop, int fd, bool write, loop_callback fn, void *arg)
{
    if (fd < 0) {
        errno = EBADF;
        return -1;
    }
    if (fn == NULL) {
        errno = EINVAL;
        return -1;
    }
    struct watcher *w = watcher_for(loop, fd);
    if (w == NULL)
        return -1;
    struct watcher next = *w;
    if (write) {
        next.on_write = fn;
        next.write_arg = arg;
    } else {
        next.on_read = fn;
        next.read_arg = arg;
    }
    /* Ask epoll first: a descriptor it refuses (closed, a regular file) stays out. */
    if (update_epoll(loop, fd, interest(w), interest(&next)) < 0)
        return -1;
    if (interest(w) == 0)
        loop->n_watched++;
    *w = next;
    return 0;
}

static int remove_watch(struct loop *loop, int fd, bool write)
{
    struct watcher *w = fd >= 0 && fd < loop->n_watchers ? &loop->watchers[fd] : NULL;
    if (w == NULL || (write ? w->on_write : w->on_read) == NULL) {
        errno = ENOENT;
        return -1;
    }
    struct watcher next = *w;
    if (write)
        next.on_write = NULL;
    else
        next.on_read = NULL;
    /* If fd was closed before being removed, epoll has already dropped it and says so
     * (EBADF or ENOENT): forgetting it here is all that is left to do. */
    update_epoll(loop, fd, interest(w), interest(&next));
    if (interest(&next) == 0)
        loop->n_watched--;
    *w = next;
    return 0;
}

int loop_add_reader(struct loop *loop, int fd, loop_callback fn, void *arg)
{
    return add_watch(loop, fd, false, fn, arg);
}

int loop_add_writer(struct loop *loop, int fd, loop_callback fn, void *arg)
{
    return add_watch(loop, fd, true, fn, arg);
}

int loop_remove_reader(struct loop *loop, int fd)
{
    return remove_watch(loop, fd, false);
}

int loop_remove_writer(struct loop *loop, int fd)
{
    return remove_watch(loop, fd, true);
}

/* ---- running ---- */

static bool has_work(const struct loop *loop)
{
    return loop->ready.head != NULL || loop->timers.head != NULL || loop->n_watched > 0;
}

/* How long epoll_wait may sleep: not at all when callbacks are ready, until the first
 * deadline when there are timers, else until a descriptor is ready (-1). */
static int wait_ms(const struct loop *loop)
{
    if (loop->ready.head != NULL)
        return 0;
    if (loop->timers.head == NULL)
        return -1;
    double left = loop->timers.head->deadline - loop_time(loop);
    if (left <= 0)
        return 0;
    /* Round up: rounding down would wake before the deadline and spin with 0 ms waits
     * through its last millisecond. */
    double ms = ceil(left * 1000);
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* Runs the callbacks of one ready descriptor. The reader may remove the writer, or
 * register a descriptor and so move the table: look the watcher up again each time. */
static void dispatch(struct loop *loop, const struct epoll_event *ev)
{
    int fd = ev->data.fd;
    bool failed = (ev->events & (EPOLLERR | EPOLLHUP)) != 0; /* both must hear of it */
    if ((ev->events & EPOLLIN || failed) && fd < loop->n_watchers &&
        loop->watchers[fd].on_read != NULL)
        loop->watchers[fd].on_read(loop->watchers[fd].read_arg);
    if ((ev->events & EPOLLOUT || failed) && fd < loop->n_watchers &&
        loop->watchers[fd].on_write != NULL)
        loop->watchers[fd].on_write(loop->watchers[fd].write_arg);
}

/* Moves the timers that are due, in deadline order, to the end of the ready queue. */
static void move_due_timers(struct loop *loop)
{
    double now = loop_time(loop);
    while (loop->timers.head != NULL && loop->timers.head->deadline <= now) {
        struct loop_handle *h = loop->timers.head;
        list_unlink(h);
        h->seq = loop->next_seq++; /* keep the ready queue in seq order */
        list_append(&loop->ready, h);
    }
}

/* Runs the callbacks ready now, not those they schedule: those wait for the next
 * round, so that the loop looks at its descriptors again in between. */
static void run_ready(struct loop *loop)
{
    unsigned long long end = loop->next_seq;
    while (loop->ready.head != NULL && loop->ready.head->seq < end) {
        struct loop_handle *h = loop->ready.head;
        loop_callback fn = h->fn;
        void *arg = h->arg;
        list_unlink(h);
        free(h); /* the handle is gone once its callback starts: it may not cancel it */
        fn(arg);
    }
}

int loop_run(struct loop *loop)
{
    enum { MAX_EVENTS = 64 };
    struct epoll_event events[MAX_EVENTS];
    int rc = 0;
    while (has_work(loop)) {
        int n = epoll_wait(loop->epfd, events, MAX_EVENTS, wait_ms(loop));
        if (n < 0 && errno != EINTR) {
            rc = -1;
            break;
        }
        for (int i = 0; i < n; i++)
            dispatch(loop, &events[i]);
        move_due_timers(loop);
        run_ready(loop);
        if (loop->stopping)
            break;
    }
    loop->stopping = false;
    return rc;
}

void loop_stop(struct loop *loop)
{
    loop->stopping = true;
}
