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

/* Parses url[0..len) as http://A.B.C.D:PORT/path: 0 with addr and *path_at (where the
 * path starts, len when it is empty), or -1. */
static int parse_url(const char *url, size_t len, struct sockaddr_in *addr, size_t *path_at)
{
    static const char scheme[] = "http://";
    size_t at = strlen(scheme);
    if (len <= at || strncmp(url, scheme, at) != 0)
        return -1;
    char host[INET_ADDRSTRLEN];
    size_t host_len = 0;
    while (at + host_len < len && url[at + host_len] != ':' && host_len < sizeof host - 1)
        host_len++;
    memcpy(host, url + at, host_len);
    host[host_len] = '\0';
    at += host_len;
    if (at >= len || url[at] != ':')
        return -1;
    long port = 0;
    size_t digits = 0;
    for (at++; at < len && url[at] >= '0' && url[at] <= '9' && digits < 6; at++, digits++)
        port = port * 10 + (url[at] - '0');
    if (digits == 0 || port < 1 || port > 65535 || (at < len && url[at] != '/'))
        return -1;
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, host, &addr->sin_addr) != 1)
        return -1;
    *path_at = at;
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
    if (len < 12 || strncmp(reply, "HTTP/1.", 7) != 0 || reply[8] != ' ' ||
        end_of_headers == NULL)
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
    struct sockaddr_in addr;
    size_t path_at;
    if (seen(c, url, len) || parse_url(url, len, &addr, &path_at) < 0)
        return 0;
    if (c->n_seen == c->seen_cap) {
        size_t cap = c->seen_cap ? 2 * c->seen_cap : 16;
        char **grown = realloc(c->seen, cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        c->seen = grown;
        c->seen_cap = cap;
    }
    struct fetch *f = calloc(1, sizeof *f);
    char *copy = strndup(url, len);
    struct host *h = host_for(c, addr.sin_addr);
    if (f == NULL || copy == NULL || h == NULL ||
        (f->request = request_for(copy, path_at, &f->request_len)) == NULL) {
        free(f);
        free(copy);
        return -1;
    }
    c->seen[c->n_seen++] = copy;
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
    /* TODO: remove f's reader and writer and close its socket; cancel its timer (unless
     * the timer is what called finish). Report the result: err, or EPROTO when
     * parse_reply refuses the reply; an error result has no status and no body. Follow
     * the links of a 200 page. Then the limits: the host may not start another request
     * before now + delay (keep the later of that and not_before), one fewer in flight
     * for the host and for the crawl; unlink and free f; pump. */
    (void)f;
    (void)err;
    (void)parse_reply;
    (void)follow_links;
    (void)fetch_free;
}

/* The socket is readable: more of the reply, or its end (the server closed). */
static void on_readable(void *arg)
{
    /* TODO: recv into the reply (reply_room first; ENOMEM stops the crawl); 0 bytes is
     * the end of the reply; EAGAIN is a wakeup with nothing to read. */
    (void)arg;
    (void)reply_room;
}

/* The socket is writable: first the outcome of connect, then the request, as much as
 * the socket takes each time. */
static void on_writable(void *arg)
{
    /* TODO: the first time, the outcome of the connect (getsockopt SO_ERROR: an error,
     * such as ECONNREFUSED, ends the request). Then send what is left of the request
     * (MSG_NOSIGNAL); once all is sent, stop watching for writing and watch for
     * reading (on_readable). */
    (void)arg;
    (void)on_readable;
}

/* Starts f: its slot in the limits, its timeout, a non-blocking connect. */
static void start(struct crawler *c, struct fetch *f)
{
    /* TODO: count f in flight (host and crawl) and append it to c->in_flight; schedule
     * its timeout (ETIMEDOUT after timeout_ms); a non-blocking socket (SOCK_NONBLOCK),
     * connect (EINPROGRESS is the normal answer), and watch it for writing
     * (on_writable). An error here must not call finish at once - start runs inside
     * pump, which finish calls: report it from a loop_call_soon callback instead. */
    (void)c;
    (void)f;
    (void)on_writable;
}

/* ---- the limits ---- */

/* Starts, oldest first, every queued fetch the limits allow now. */
static void pump(struct crawler *c)
{
    /* TODO: walk the queue from its oldest fetch while fewer than limits.global are in
     * flight: start each fetch whose host has fewer than per_host in flight and whose
     * not_before has passed (taking it out of the queue); the others wait, keeping
     * their order. A host stopped only by its delay gets one timer (host->wakeup) that
     * runs pump again at its not_before. */
    (void)start;
    (void)finish;
    fail(c, ENOSYS);
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
        valid = start_urls[i] != NULL &&
                parse_url(start_urls[i], strlen(start_urls[i]), &addr, &path_at) == 0;
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
