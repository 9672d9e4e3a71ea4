/* crawler.c - a crawler over non-blocking sockets on the event loop, within a global
 * limit, a per-host limit, a per-host delay and a timeout per request. */
#include "crawler.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loop.h"

/* A host (an IPv4 address) and what limits the requests to it. */
struct host {
    struct crawler *crawler;
    struct in_addr addr;
    int active;                 /* its requests in flight */
    double not_before;          /* loop time before which no request to it may start */
    struct loop_handle *wakeup; /* a timer that runs pump at not_before, or NULL */
    struct host *next;
};

/* One URL to fetch: queued, then in flight until its result is reported. */
struct fetch {
    struct crawler *crawler;
    const char *url;         /* owned by the crawler's seen list */
    struct sockaddr_in addr; /* where to connect */
    struct host *host;
    char *request;           /* "GET path HTTP/1.0 ..." */
    size_t request_len, sent;
    char *reply;             /* what came back so far, with room for a '\0' */
    size_t reply_len, reply_cap;
    int fd;                  /* -1 until started */
    bool connected;          /* connect has succeeded */
    int error;               /* a failure to report from the timer callback */
    struct loop_handle *timer; /* the timeout, or the report of an early failure */
    struct fetch *prev, *next; /* in the queue or in the in-flight list */
};

/* A list of fetches: the queue (FIFO) or those in flight. */
struct fetch_list {
    struct fetch *head, *tail;
};

struct crawler {
    struct loop *loop;
    struct crawl_limits limits;
    crawl_callback on_result;
    void *arg;
    struct fetch_list queue;     /* not started yet, oldest first */
    struct fetch_list in_flight; /* started, not yet reported */
    int n_in_flight;
    struct host *hosts;
    char **seen;                 /* every URL queued so far: none is queued twice */
    size_t n_seen, seen_cap;
    int error;                   /* the first error that stopped the crawl, or 0 */
};

static void pump(struct crawler *c);

/* ---- URLs, requests, replies (given) ---- */

/* Parses url as http://A.B.C.D:PORT/path (the path may be empty): 0 with addr and
 * *path_at (where the path starts), or -1. */
static int parse_url(const char *url, struct sockaddr_in *addr, size_t *path_at)
{
    char host[INET_ADDRSTRLEN];
    unsigned port;
    int end = 0;
    if (sscanf(url, "http://%15[0-9.]:%5u%n", host, &port, &end) != 2 || port == 0 ||
        port > 65535 || (url[end] != '\0' && url[end] != '/'))
        return -1;
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, host, &addr->sin_addr) != 1)
        return -1;
    *path_at = (size_t)end;
    return 0;
}

/* The request for url: its path ("/" when empty), HTTP/1.0, so that the server closes
 * the connection after the response. NULL when out of memory. */
static char *request_for(const char *url, size_t path_at, size_t *len)
{
    const char *path = url[path_at] != '\0' ? url + path_at : "/";
    int n = snprintf(NULL, 0, "GET %s HTTP/1.0\r\n\r\n", path);
    char *request = malloc((size_t)n + 1);
    if (request != NULL)
        snprintf(request, (size_t)n + 1, "GET %s HTTP/1.0\r\n\r\n", path);
    *len = (size_t)n;
    return request;
}

/* Fills result's status and body from a whole reply: 0, or -1 when the reply is not an
 * HTTP response ("HTTP/1.x NNN ...", headers, a blank line). */
static int parse_reply(char *reply, size_t len, struct crawl_result *result)
{
    reply[len] = '\0';
    char *end_of_headers = strstr(reply, "\r\n\r\n");
    /* reply ends with '\0': each test below stops there on a short reply. */
    if (strncmp(reply, "HTTP/1.", 7) != 0 || reply[8] != ' ' || end_of_headers == NULL)
        return -1;
    int status = 0;
    for (int i = 9; i < 12; i++) {
        if (reply[i] < '0' || reply[i] > '9')
            return -1;
        status = status * 10 + (reply[i] - '0');
    }
    result->status = status;
    result->body = end_of_headers + 4;
    result->body_len = len - (size_t)(result->body - reply);
    return 0;
}

/* ---- the crawler's lists (given) ---- */

static void fetch_list_append(struct fetch_list *list, struct fetch *f)
{
    f->prev = list->tail;
    f->next = NULL;
    if (list->tail != NULL)
        list->tail->next = f;
    else
        list->head = f;
    list->tail = f;
}

static void fetch_list_unlink(struct fetch_list *list, struct fetch *f)
{
    if (f->prev != NULL)
        f->prev->next = f->next;
    else
        list->head = f->next;
    if (f->next != NULL)
        f->next->prev = f->prev;
    else
        list->tail = f->prev;
    f->prev = f->next = NULL;
}

static void fetch_free(struct fetch *f)
{
    free(f->request);
    free(f->reply);
    free(f);
}

/* Stops the crawl with err: crawl returns -1 with it once the loop stops. */
static void fail(struct crawler *c, int err)
{
    if (c->error == 0)
        c->error = err;
    loop_stop(c->loop);
}

/* The host of addr, added on first use; NULL when out of memory. */
static struct host *host_for(struct crawler *c, struct in_addr addr)
{
    for (struct host *h = c->hosts; h != NULL; h = h->next)
        if (h->addr.s_addr == addr.s_addr)
            return h;
    struct host *h = calloc(1, sizeof *h);
    if (h == NULL)
        return NULL;
    h->crawler = c;
    h->addr = addr;
    h->next = c->hosts;
    c->hosts = h;
    return h;
}

static bool seen(const struct crawler *c, const char *url, size_t len)
{
    for (size_t i = 0; i < c->n_seen; i++)
        if (strncmp(c->seen[i], url, len) == 0 && c->seen[i][len] == '\0')
            return true;
    return false;
}

/* Remembers url[0..len) and queues a fetch for it, unless it was seen already or is
 * not a URL of the form http://A.B.C.D:PORT/path. 0, or -1 when out of memory. */
static int enqueue_url(struct crawler *c, const char *url, size_t len)
{
    if (seen(c, url, len))
        return 0;
    char *copy = strndup(url, len);
    struct sockaddr_in addr;
    size_t path_at;
    if (copy == NULL)
        return -1;
    if (parse_url(copy, &addr, &path_at) < 0) {
        free(copy);
        return 0;
    }
    if (c->n_seen == c->seen_cap) {
        size_t cap = c->seen_cap ? 2 * c->seen_cap : 16;
        char **grown = realloc(c->seen, cap * sizeof *grown);
        if (grown == NULL) {
            free(copy);
            return -1;
        }
        c->seen = grown;
        c->seen_cap = cap;
    }
    c->seen[c->n_seen++] = copy; /* freed with the crawler from now on */
    struct fetch *f = calloc(1, sizeof *f);
    struct host *h = host_for(c, addr.sin_addr);
    if (f == NULL || h == NULL ||
        (f->request = request_for(copy, path_at, &f->request_len)) == NULL) {
        free(f);
        return -1;
    }
    f->crawler = c;
    f->url = copy;
    f->addr = addr;
    f->host = h;
    f->fd = -1;
    fetch_list_append(&c->queue, f);
    return 0;
}

/* Queues every href="URL" of a page's body. */
static void follow_links(struct crawler *c, const char *body)
{
    static const char marker[] = "href=\"";
    for (const char *p = strstr(body, marker); p != NULL; p = strstr(p, marker)) {
        p += strlen(marker);
        const char *end = strchr(p, '"');
        if (end == NULL)
            return;
        if (enqueue_url(c, p, (size_t)(end - p)) < 0) {
            fail(c, ENOMEM);
            return;
        }
        p = end + 1;
    }
}

/* ---- one request ---- */

/* Makes room for more of the reply, keeping a byte for the '\0'; false when out of
 * memory. */
static bool reply_room(struct fetch *f)
{
    if (f->reply_cap - f->reply_len > 1)
        return true;
    size_t cap = f->reply_cap ? 2 * f->reply_cap : 4096;
    char *grown = realloc(f->reply, cap);
    if (grown == NULL)
        return false;
    f->reply = grown;
    f->reply_cap = cap;
    return true;
}

/* Ends f: stops watching and closes its socket, reports its result, queues its links,
 * frees its slot in the limits and starts what may start now. err 0: the reply is
 * complete. */
static void finish(struct fetch *f, int err)
{
    struct crawler *c = f->crawler;
    loop_remove_reader(c->loop, f->fd); /* ENOENT when not watched: nothing to undo */
    loop_remove_writer(c->loop, f->fd);
    close(f->fd);
    loop_handle_cancel(f->timer); /* NULL when the timer is what called us */
    struct crawl_result result = {.url = f->url, .error = err};
    if (err == 0 && parse_reply(f->reply, f->reply_len, &result) < 0)
        result.error = EPROTO;
    if (result.error != 0)
        result = (struct crawl_result){.url = f->url, .error = result.error};
    c->on_result(&result, c->arg);
    if (result.error == 0 && result.status == 200)
        follow_links(c, result.body);
    /* The delay counts from the end of this request, the moment we saw it end. */
    double free_at = loop_time(c->loop) + c->limits.delay_ms / 1000.0;
    if (free_at > f->host->not_before)
        f->host->not_before = free_at;
    f->host->active--;
    c->n_in_flight--;
    fetch_list_unlink(&c->in_flight, f);
    fetch_free(f);
    pump(c);
}

/* The timeout, or an early failure that start could not report itself. */
static void on_timer(void *arg)
{
    struct fetch *f = arg;
    f->timer = NULL; /* it is running: the loop frees it */
    finish(f, f->error != 0 ? f->error : ETIMEDOUT);
}

/* The socket is readable: more of the reply, or its end (the server closed). */
static void on_readable(void *arg)
{
    struct fetch *f = arg;
    if (!reply_room(f)) {
        fail(f->crawler, ENOMEM);
        return;
    }
    ssize_t n = recv(f->fd, f->reply + f->reply_len, f->reply_cap - f->reply_len - 1, 0);
    if (n > 0)
        f->reply_len += (size_t)n;
    else if (n == 0)
        finish(f, 0);
    else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        finish(f, errno); /* EAGAIN: a wakeup with nothing to read, wait for the next */
}

/* The socket is writable: first the outcome of connect, then the request, as much as
 * the socket takes each time. */
static void on_writable(void *arg)
{
    struct fetch *f = arg;
    struct crawler *c = f->crawler;
    if (!f->connected) {
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(f->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
            err = errno;
        if (err != 0) {
            finish(f, err); /* ECONNREFUSED comes here */
            return;
        }
        f->connected = true;
    }
    ssize_t n = send(f->fd, f->request + f->sent, f->request_len - f->sent, MSG_NOSIGNAL);
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            finish(f, errno);
        return;
    }
    f->sent += (size_t)n;
    if (f->sent < f->request_len)
        return;
    loop_remove_writer(c->loop, f->fd);
    if (loop_add_reader(c->loop, f->fd, on_readable, f) < 0)
        finish(f, errno);
}

/* Reports err for f from a callback soon: start runs inside pump, and finishing there
 * would start pump again while it walks the queue. */
static void fail_soon(struct fetch *f, int err)
{
    loop_handle_cancel(f->timer);
    f->error = err;
    f->timer = loop_call_soon(f->crawler->loop, on_timer, f);
    if (f->timer == NULL)
        fail(f->crawler, errno);
}

/* Starts f: its slot in the limits, its timeout, a non-blocking connect. */
static void start(struct crawler *c, struct fetch *f)
{
    f->host->active++;
    c->n_in_flight++;
    fetch_list_append(&c->in_flight, f);
    f->timer = loop_call_later(c->loop, c->limits.timeout_ms / 1000.0, on_timer, f);
    if (f->timer == NULL) {
        fail(c, errno);
        return;
    }
    f->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (f->fd < 0) {
        fail_soon(f, errno);
        return;
    }
    /* Non-blocking: connect returns at once, EINPROGRESS, and the socket becomes
     * writable when the connection is made or has failed. */
    if (connect(f->fd, (const struct sockaddr *)&f->addr, sizeof f->addr) < 0 &&
        errno != EINPROGRESS) {
        fail_soon(f, errno);
        return;
    }
    if (loop_add_writer(c->loop, f->fd, on_writable, f) < 0)
        fail_soon(f, errno);
}

/* ---- the limits ---- */

static void on_host_ready(void *arg)
{
    struct host *h = arg;
    h->wakeup = NULL; /* it is running: the loop frees it */
    pump(h->crawler);
}

/* Whether a request to h may start now. When only its delay stops it, a timer will run
 * pump once the delay is over. */
static bool host_may_start(struct crawler *c, struct host *h, double now)
{
    if (h->active >= c->limits.per_host)
        return false; /* one of its requests ending runs pump */
    if (now >= h->not_before)
        return true;
    if (h->wakeup == NULL) {
        h->wakeup = loop_call_later(c->loop, h->not_before - now, on_host_ready, h);
        if (h->wakeup == NULL)
            fail(c, errno);
    }
    return false;
}

/* Starts, oldest first, every queued fetch the limits allow now. */
static void pump(struct crawler *c)
{
    double now = loop_time(c->loop);
    struct fetch *f = c->queue.head;
    while (f != NULL && c->n_in_flight < c->limits.global && c->error == 0) {
        struct fetch *next = f->next;
        if (host_may_start(c, f->host, now)) {
            fetch_list_unlink(&c->queue, f);
            start(c, f);
        }
        f = next;
    }
}

/* ---- the crawl (given) ---- */

static bool limits_valid(const struct crawl_limits *l)
{
    return l != NULL && l->global >= 1 && l->per_host >= 1 && l->delay_ms >= 0 &&
           l->timeout_ms > 0;
}

/* Closes and frees what a stopped crawl left: fetches, hosts, URLs. The loop frees
 * the timers still scheduled. */
static void crawler_clear(struct crawler *c)
{
    struct fetch_list *lists[] = {&c->queue, &c->in_flight};
    for (int i = 0; i < 2; i++)
        while (lists[i]->head != NULL) {
            struct fetch *f = lists[i]->head;
            fetch_list_unlink(lists[i], f);
            if (f->fd >= 0)
                close(f->fd);
            fetch_free(f);
        }
    while (c->hosts != NULL) {
        struct host *next = c->hosts->next;
        free(c->hosts);
        c->hosts = next;
    }
    for (size_t i = 0; i < c->n_seen; i++)
        free(c->seen[i]);
    free(c->seen);
    loop_free(c->loop);
}

int crawl(const char *const *start_urls, size_t n, const struct crawl_limits *limits,
          crawl_callback on_result, void *arg)
{
    struct sockaddr_in addr;
    size_t path_at;
    bool valid = limits_valid(limits) && on_result != NULL && (start_urls != NULL || n == 0);
    for (size_t i = 0; valid && i < n; i++)
        valid = start_urls[i] != NULL && parse_url(start_urls[i], &addr, &path_at) == 0;
    if (!valid) {
        errno = EINVAL;
        return -1;
    }
    struct crawler c = {.limits = *limits, .on_result = on_result, .arg = arg};
    c.loop = loop_new();
    if (c.loop == NULL)
        return -1;
    for (size_t i = 0; i < n && c.error == 0; i++)
        if (enqueue_url(&c, start_urls[i], strlen(start_urls[i])) < 0)
            c.error = ENOMEM;
    if (c.error == 0)
        pump(&c);
    if (c.error == 0 && loop_run(c.loop) < 0)
        c.error = errno;
    int err = c.error;
    crawler_clear(&c);
    if (err != 0) {
        errno = err;
        return -1;
    }
    return 0;
}
