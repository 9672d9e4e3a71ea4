/* http_server.c - the recording HTTP server of the crawler tests (http_server.h). */
#include "http_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wb_test.h"

enum { HOLD_LIMIT_S = 10, SLOW_PIECES = 4, REQUEST_MAX = 512,
       REPLY_MAX = BIG_PAGE_FILLER + 4096 };
#define SLOW_PAUSE_S 0.03

enum conn_state { READING, HELD, SENDING, STALLED, CLOSED };

/* A connection being served. */
struct conn {
    int fd;
    enum conn_state state;
    struct conn_record *record;
    const struct page *page;
    char request[REQUEST_MAX];
    size_t request_len;
    char reply[REPLY_MAX]; /* the reply, sent piece by piece when slow or large */
    size_t reply_len, reply_sent;
    double next_piece;     /* SENDING: when to send more */
};

/* The server child's state (it has only one). */
static struct {
    const struct server_config *config;
    int port;
    int listeners[SERVER_HOSTS + 1]; /* index = host */
    struct conn conns[SERVER_MAX_CONNS];
    struct server_report report;
    int open, open_per_host[SERVER_HOSTS + 1];
    bool holding;
    double hold_deadline;
} srv;

/* ---- in the test process ---- */

/* A listening socket on 127.0.0.host:port (port 0: any free one), or -1. */
static int listen_on(int host, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(0x7f000000u | (uint32_t)host);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 64) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int port_of(int fd)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    ck_assert_msg(getsockname(fd, (struct sockaddr *)&addr, &len) == 0,
                  "test server: getsockname failed: %s", strerror(errno));
    return ntohs(addr.sin_port);
}

/* Binds 127.0.0.1 on a free port, then 127.0.0.2 and .3 on the same port (trying
 * again with another port if one of those is taken). */
static void bind_hosts(struct server *s)
{
    for (int attempt = 0; attempt < 20; attempt++) {
        srv.listeners[1] = listen_on(1, 0);
        ck_assert_msg(srv.listeners[1] >= 0, "test server: cannot listen on 127.0.0.1: %s",
                      strerror(errno));
        s->port = port_of(srv.listeners[1]);
        int host = 2;
        while (host <= SERVER_HOSTS && (srv.listeners[host] = listen_on(host, s->port)) >= 0)
            host++;
        if (host > SERVER_HOSTS)
            return;
        while (--host >= 1)
            close(srv.listeners[host]);
    }
    ck_abort_msg("test server: found no port free on 127.0.0.1, .2 and .3 at once");
}

static int serve(void *arg);

void server_start(struct server *s, const struct server_config *config)
{
    memset(&srv, 0, sizeof srv);
    srv.config = config;
    bind_hosts(s);
    srv.port = s->port;
    int control[2], report[2];
    wb_pipe(control);
    wb_pipe(report);
    s->pid = wb_child_run(serve, (void *[]){(void *)(intptr_t)control[0],
                                            (void *)(intptr_t)report[1]});
    close(control[0]);
    close(report[1]);
    for (int host = 1; host <= SERVER_HOSTS; host++)
        close(srv.listeners[host]); /* the child has them: connections wait there */
    s->control_fd = control[1];
    s->report_fd = report[0];
}

const char *server_url(const struct server *s, int host, const char *path, char *buf,
                       size_t size)
{
    snprintf(buf, size, "http://127.0.0.%d:%d%s", host, s->port, path);
    return buf;
}

void server_stop(struct server *s, struct server_report *report)
{
    ck_assert_msg(wb_write_full(s->control_fd, "x", 1) == 0,
                  "test server: cannot tell it to stop: %s", strerror(errno));
    ssize_t got = wb_read_full(s->report_fd, report, sizeof *report);
    close(s->control_fd);
    close(s->report_fd);
    int code = wb_wait_exitcode(s->pid, 30);
    ck_assert_msg(got == (ssize_t)sizeof *report && code == 0,
                  "test server: ended with status %d, sent %zd bytes of its %zu-byte report",
                  code, got, sizeof *report);
}

int server_requests_for(const struct server_report *r, int host, const char *path)
{
    int n = 0;
    for (int i = 0; i < r->n_conns; i++)
        n += r->conns[i].host == host && strcmp(r->conns[i].path, path) == 0;
    return n;
}

/* ---- in the server child ---- */

static const struct page *page_for(int host, const char *path)
{
    for (int i = 0; i < srv.config->n_pages; i++)
        if (srv.config->pages[i].host == host && strcmp(srv.config->pages[i].path, path) == 0)
            return &srv.config->pages[i];
    return NULL;
}

/* The whole reply for c's page into c->reply. */
static void compose_reply(struct conn *c)
{
    const struct page *p = c->page;
    size_t size = sizeof c->reply, len;
    if (p == NULL)
        len = (size_t)snprintf(c->reply, size, "HTTP/1.0 404 Not Found\r\n\r\nno page\n");
    else if (p->kind == PAGE_GARBAGE)
        len = (size_t)snprintf(c->reply, size, "hello, this is not HTTP\r\n\r\n");
    else {
        const char *status = p->kind == PAGE_ERROR ? "500 Internal Server Error" : "200 OK";
        len = (size_t)snprintf(c->reply, size, "HTTP/1.0 %s\r\nContent-Type: text/html\r\n\r\n"
                               "<p>page %d%s</p>\n", status, p->host, p->path);
        for (int i = 0; p->kind == PAGE_BIG && i < BIG_PAGE_FILLER / 40; i++)
            len += (size_t)snprintf(c->reply + len, size - len, "%039d\n", i);
        char links[256];
        snprintf(links, sizeof links, "%s", p->links != NULL ? p->links : "");
        char *save;
        for (char *w = strtok_r(links, " ", &save); w; w = strtok_r(NULL, " ", &save))
            if (w[0] >= '1' && w[0] <= '9')
                len += (size_t)snprintf(c->reply + len, size - len,
                                        "<a href=\"http://127.0.0.%c:%d%s\">link</a>\n",
                                        w[0], srv.port, w + 1);
            else /* a link that is no URL the crawler follows, as it is */
                len += (size_t)snprintf(c->reply + len, size - len,
                                        "<a href=\"%s\">other</a>\n", w);
    }
    c->reply_len = len < size ? len : size - 1;
    c->reply_sent = 0;
}

static void close_conn(struct conn *c, bool by_server)
{
    c->record->closed = wb_now(); /* before close: the client sees the end after this */
    c->record->closed_by_server = by_server;
    close(c->fd);
    c->state = CLOSED;
    srv.open--;
    srv.open_per_host[c->record->host]--;
}

/* Sends the next piece of a reply (all of it unless the page is slow); closes the
 * connection after the last. The client may be gone already: that is its business. */
static void send_more(struct conn *c)
{
    size_t piece = c->reply_len;
    if (c->page != NULL && c->page->kind == PAGE_SLOW) {
        piece = c->reply_len / SLOW_PIECES + 1;
        c->next_piece = wb_now() + SLOW_PAUSE_S;
    }
    if (piece > c->reply_len - c->reply_sent)
        piece = c->reply_len - c->reply_sent;
    ssize_t n = send(c->fd, c->reply + c->reply_sent, piece, MSG_NOSIGNAL);
    if (n < 0 && errno == EAGAIN) {
        c->next_piece = wb_now() + 0.002; /* the socket is full: try again soon */
        return;
    }
    c->reply_sent += n >= 0 ? (size_t)n : c->reply_len; /* an error: the client is gone */
    if (c->reply_sent >= c->reply_len)
        close_conn(c, true);
}

static void reply(struct conn *c)
{
    if (c->page != NULL && c->page->kind == PAGE_STALL) {
        c->state = STALLED;
        return;
    }
    if (c->page != NULL && c->page->kind == PAGE_EMPTY) {
        close_conn(c, true);
        return;
    }
    compose_reply(c);
    c->state = SENDING;
    send_more(c);
}

/* A whole request came: note its path, then reply or hold the reply. */
static void on_request(struct conn *c)
{
    char path[SERVER_PATH_MAX] = "";
    sscanf(c->request, "GET %31s HTTP/1.", path);
    snprintf(c->record->path, sizeof c->record->path, "%s", path);
    c->page = page_for(c->record->host, path);
    if (srv.holding)
        c->state = HELD;
    else
        reply(c);
}

/* c is readable: more of its request, or the client closed. */
static void on_readable(struct conn *c)
{
    char scratch[256];
    bool reading = c->state == READING;
    char *into = reading ? c->request + c->request_len : scratch;
    size_t room = reading ? sizeof c->request - 1 - c->request_len : sizeof scratch;
    ssize_t n = recv(c->fd, into, room, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0 || room == 0) {
        close_conn(c, false);
        return;
    }
    if (!reading)
        return; /* a stalled or held client said more: ignore it */
    c->request_len += (size_t)n;
    c->request[c->request_len] = '\0';
    if (strstr(c->request, "\r\n\r\n") != NULL)
        on_request(c);
}

static void accept_all(int host)
{
    int fd;
    while ((fd = accept4(srv.listeners[host], NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
        struct server_report *r = &srv.report;
        if (r->n_conns == SERVER_MAX_CONNS) {
            close(fd);
            continue;
        }
        struct conn *c = &srv.conns[r->n_conns];
        *c = (struct conn){.fd = fd, .state = READING, .record = &r->conns[r->n_conns++]};
        c->record->host = host;
        c->record->accepted = wb_now();
        if (++srv.open > r->max_open)
            r->max_open = srv.open;
        if (++srv.open_per_host[host] > r->max_open_per_host[host])
            r->max_open_per_host[host] = srv.open_per_host[host];
    }
}

/* Ends the hold once enough connections are open (or it lasted too long). */
static void maybe_release(void)
{
    if (!srv.holding)
        return;
    bool too_long = wb_now() > srv.hold_deadline;
    if (srv.open < srv.config->hold_until_open && !too_long)
        return;
    srv.holding = false;
    srv.report.hold_timed_out = too_long;
    for (int i = 0; i < srv.report.n_conns; i++)
        if (srv.conns[i].state == HELD)
            reply(&srv.conns[i]);
}

/* How long poll may sleep: until the next slow piece, or the hold's deadline. */
static int wait_ms(void)
{
    double until = srv.holding ? srv.hold_deadline : -1;
    for (int i = 0; i < srv.report.n_conns; i++)
        if (srv.conns[i].state == SENDING && (until < 0 || srv.conns[i].next_piece < until))
            until = srv.conns[i].next_piece;
    if (until < 0)
        return -1;
    double left = until - wb_now();
    return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

static void send_due_pieces(void)
{
    double now = wb_now();
    for (int i = 0; i < srv.report.n_conns; i++)
        if (srv.conns[i].state == SENDING && srv.conns[i].next_piece <= now)
            send_more(&srv.conns[i]);
}

/* One round: existing connections first, so that a client that closed one and opened
 * another is not counted with both open; then new connections. false: stop. */
static bool serve_round(int control_fd)
{
    struct pollfd fds[1 + SERVER_HOSTS + SERVER_MAX_CONNS];
    int conn_of[1 + SERVER_HOSTS + SERVER_MAX_CONNS];
    int n = 0;
    fds[n++] = (struct pollfd){.fd = control_fd, .events = POLLIN};
    for (int host = 1; host <= SERVER_HOSTS; host++)
        fds[n++] = (struct pollfd){.fd = srv.listeners[host], .events = POLLIN};
    for (int i = 0; i < srv.report.n_conns; i++)
        if (srv.conns[i].state != CLOSED && srv.conns[i].state != SENDING) {
            conn_of[n] = i;
            fds[n++] = (struct pollfd){.fd = srv.conns[i].fd, .events = POLLIN};
        }
    if (poll(fds, (nfds_t)n, wait_ms()) < 0)
        return errno == EINTR;
    if (fds[0].revents != 0)
        return false;
    for (int k = 1 + SERVER_HOSTS; k < n; k++)
        if (fds[k].revents != 0)
            on_readable(&srv.conns[conn_of[k]]);
    for (int host = 1; host <= SERVER_HOSTS; host++)
        if (fds[host].revents != 0)
            accept_all(host);
    maybe_release();
    send_due_pieces();
    return true;
}

static int serve(void *arg)
{
    void **fds = arg;
    int control_fd = (int)(intptr_t)fds[0], report_fd = (int)(intptr_t)fds[1];
    srv.holding = srv.config->hold_until_open > 0;
    srv.hold_deadline = wb_now() + HOLD_LIMIT_S;
    while (serve_round(control_fd))
        continue;
    for (int i = 0; i < srv.report.n_conns; i++)
        if (srv.conns[i].state != CLOSED)
            close_conn(&srv.conns[i], true);
    return wb_write_full(report_fd, &srv.report, sizeof srv.report) == 0 ? 0 : 1;
}
