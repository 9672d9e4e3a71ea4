/* http_server.h - the HTTP server the crawler tests fetch from.
 *
 * A forked child serves a small site on 127.0.0.1, 127.0.0.2 and 127.0.0.3 - three
 * hosts on one port - and records every connection: its host, its path, when it was
 * accepted and when it was closed. It is a process of its own, not a thread, so that
 * it never asserts (a test asserts on the report it sends back) and so that the
 * crawler, in the test process, stays single-threaded. */
#ifndef HTTP_SERVER_H
#define HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum { SERVER_HOSTS = 3, SERVER_MAX_CONNS = 96, SERVER_PATH_MAX = 32, BIG_PAGE_FILLER = 12000 };

/* What the server does with a request for a page. */
enum page_kind {
    PAGE_OK,      /* 200 with the page's body and links, then closes */
    PAGE_SLOW,    /* the same 200 reply in 4 pieces 30 ms apart, cut mid-line */
    PAGE_BIG,     /* 200 with BIG_PAGE_FILLER bytes of text before the links */
    PAGE_ERROR,   /* 500 with a body that has links too (not to be followed) */
    PAGE_STALL,   /* never replies; closes once the client has closed */
    PAGE_GARBAGE, /* a reply that is not HTTP, then closes */
    PAGE_EMPTY    /* closes without a reply */
};

/* A page of the site. Its body names it ("page H/path") and links, for each word "H/p"
 * of links, to href="http://127.0.0.H:PORT/p" (H from 1 to 9: 4 to 9 are served by
 * nobody, so connecting there is refused); a word that does not start with a digit is
 * the link itself (href="/relative"). A path that no page has gets a 404. */
struct page {
    int host; /* 1 to SERVER_HOSTS */
    const char *path;
    enum page_kind kind;
    const char *links;
};

struct server_config {
    const struct page *pages;
    int n_pages;
    /* When > 0: hold every reply until this many connections are open at once (or 10 s
     * pass), so that a crawler allowed that many reaches it whatever the timing. */
    int hold_until_open;
};

/* One connection, as the server saw it (times on CLOCK_MONOTONIC, in seconds). */
struct conn_record {
    int host;                   /* 1 to SERVER_HOSTS */
    char path[SERVER_PATH_MAX]; /* "" when no whole request came */
    double accepted, closed;
    bool closed_by_server;      /* after its reply; else the client closed first */
};

struct server_report {
    int n_conns; /* in conns, in the order accepted */
    struct conn_record conns[SERVER_MAX_CONNS];
    int max_open;                          /* most connections open at once */
    int max_open_per_host[SERVER_HOSTS + 1]; /* the same per host (index 1 to 3) */
    bool hold_timed_out;                   /* the hold ended after 10 s, not by count */
};

struct server {
    pid_t pid;
    int port;
    int control_fd; /* the test writes a byte to stop the server */
    int report_fd;  /* the server writes its report here when it stops */
};

/* Binds the three hosts on a free port and forks the server. Fails the test on error. */
void server_start(struct server *s, const struct server_config *config);

/* "http://127.0.0.H:PORT/path" in buf. */
const char *server_url(const struct server *s, int host, const char *path, char *buf,
                       size_t size);

/* Stops the server and fills report. Fails the test unless the server ended well. */
void server_stop(struct server *s, struct server_report *report);

/* How many connections asked for path on host. */
int server_requests_for(const struct server_report *r, int host, const char *path);

#endif
