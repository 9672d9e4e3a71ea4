/* test_crawler.c - pins crawler.h against the recording server (http_server.h): every
 * page once, links followed, the global and per-host limits never exceeded (and
 * reached), the delay after each request to a host, and the failures: refused
 * connections, error statuses, stalled, slow and broken replies. */
#include <errno.h>
#include <string.h>

#include "crawler.h"
#include "http_server.h"
#include "wb_test.h"

enum { RESULTS_MAX = 64, URL_MAX = 96, BODY_MAX = 512 };

/* What on_result reported, in order. */
static struct {
    int n;
    struct {
        char url[URL_MAX];
        int error, status;
        bool has_body;
        char body[BODY_MAX]; /* its beginning */
        size_t body_len;
        char tail[64];       /* its end */
    } r[RESULTS_MAX];
} got;

static void record_result(const struct crawl_result *result, void *arg)
{
    (void)arg;
    if (got.n == RESULTS_MAX)
        return;
    snprintf(got.r[got.n].url, URL_MAX, "%s", result->url);
    got.r[got.n].error = result->error;
    got.r[got.n].status = result->status;
    got.r[got.n].has_body = result->body != NULL;
    if (result->body != NULL) {
        size_t len = result->body_len, tail = len < 63 ? len : 63;
        snprintf(got.r[got.n].body, BODY_MAX, "%.*s", (int)len, result->body);
        snprintf(got.r[got.n].tail, 64, "%.*s", (int)tail, result->body + len - tail);
        got.r[got.n].body_len = len;
    }
    got.n++;
}

static struct server server;
static struct server_report report;
static char urls[16][URL_MAX];

/* The URL of path on host, in a buffer of its own (16 at most per test). */
static const char *url(int host, const char *path)
{
    static int next;
    char *buf = urls[next++ % 16];
    return server_url(&server, host, path, buf, URL_MAX);
}

static void start_server(const struct page *pages, int n_pages, int hold_until_open)
{
    memset(&got, 0, sizeof got);
    static struct server_config config;
    config = (struct server_config){pages, n_pages, hold_until_open};
    server_start(&server, &config);
}

/* Crawls and stops the server; fails the test unless crawl returned 0. */
static void crawl_ok(const char *const *start, size_t n, struct crawl_limits limits)
{
    errno = 0;
    int rc = crawl(start, n, &limits, record_result, NULL);
    int err = errno;
    server_stop(&server, &report);
    ck_assert_msg(rc == 0, "crawl from %s (limits: global %d, per host %d, delay %d ms, "
                  "timeout %d ms): expected 0, got %d (errno %s)", start[0], limits.global,
                  limits.per_host, limits.delay_ms, limits.timeout_ms, rc, strerror(err));
}

/* How many results were reported for u; i is the last one's index. */
static int results_for(const char *u, int *i)
{
    int count = 0;
    for (int k = 0; k < got.n; k++)
        if (strcmp(got.r[k].url, u) == 0) {
            count++;
            *i = k;
        }
    return count;
}

/* path on host was fetched once, with one result of the given status (or error). */
static void expect_result(int host, const char *path, int error, int status)
{
    const char *u = url(host, path);
    int i = -1, count = results_for(u, &i);
    ck_assert_msg(count == 1, "on_result for %s: expected once, reported %d times", u, count);
    ck_assert_msg(got.r[i].error == error && got.r[i].status == status,
                  "the result for %s: expected error %d (%s) and status %d, got error %d (%s) "
                  "and status %d", u, error, strerror(error), status, got.r[i].error,
                  strerror(got.r[i].error), got.r[i].status);
    if (error != 0)
        ck_assert_msg(!got.r[i].has_body, "the result for %s is an error (%s) yet has a body",
                      u, strerror(error));
}

/* A page served with 200: fetched once, reported once with its body. */
static void expect_page(int host, const char *path)
{
    expect_result(host, path, 0, 200);
    int requests = server_requests_for(&report, host, path);
    ck_assert_msg(requests == 1, "the server got %d requests for %s, expected exactly one",
                  requests, url(host, path));
    int i = -1;
    results_for(url(host, path), &i);
    char name[64];
    snprintf(name, sizeof name, "<p>page %d%s</p>", host, path);
    ck_assert_msg(strstr(got.r[i].body, name) != NULL, "the body reported for %s should hold "
                  "\"%s\"; it is: %.200s", url(host, path), name, got.r[i].body);
}

static void expect_results(int n)
{
    ck_assert_msg(got.n == n, "on_result was called %d times, expected %d (one per URL)",
                  got.n, n);
}

static const struct crawl_limits roomy = {.global = 4, .per_host = 4, .timeout_ms = 20000};

/* ---- fetching and following links ---- */

WB_TEST(crawl_fetches_the_start_urls)
{
    static const struct page site[] = {{1, "/a", PAGE_OK, NULL},
                                       {1, "/b", PAGE_OK, NULL},
                                       {2, "/c", PAGE_OK, NULL}};
    start_server(site, 3, 0);
    int fds_before = wb_count_fds();
    crawl_ok((const char *[]){url(1, "/a"), url(1, "/b"), url(2, "/c")}, 3, roomy);
    expect_results(3);
    expect_page(1, "/a");
    expect_page(1, "/b");
    expect_page(2, "/c");
    ck_assert_msg(wb_count_fds() == fds_before - 2, "crawl must close every socket it opens: "
                  "%d descriptors open before (with the server's 2 pipe ends), %d after",
                  fds_before, wb_count_fds() + 2);
}

WB_TEST(crawl_follows_links_and_fetches_each_page_once)
{
    static const struct page site[] = {{1, "/", PAGE_OK, "1/a /relative 2/ 3/x"},
                                       {1, "/a", PAGE_OK, "1/ 1/b 2/"},
                                       {1, "/b", PAGE_OK, "1/a 3/x"},
                                       {2, "/", PAGE_OK, "2/c 1/ 3/x"},
                                       {2, "/c", PAGE_OK, "2/ 2/c"},
                                       {3, "/x", PAGE_OK, "1/b https://127.0.0.1:1/ "
                                                           "http://127.0.0.1:0/ http://a:1/"}};
    start_server(site, 6, 0);
    struct crawl_limits limits = {.global = 3, .per_host = 2, .timeout_ms = 20000};
    crawl_ok((const char *[]){url(1, "/"), url(1, "/"), url(2, "/")}, 3, limits);
    for (int i = 0; i < 6; i++)
        expect_page(site[i].host, site[i].path);
    expect_results(6);
    ck_assert_msg(report.n_conns == 6, "the server got %d connections for 6 pages linked to "
                  "each other: each page must be fetched once (and links that are not "
                  "http://A.B.C.D:PORT/path skipped)", report.n_conns);
}

/* ---- the limits ---- */

/* 4 pages on each of the 3 hosts: /p1 to /p4. */
static const struct page twelve_pages[] = {
    {1, "/p1", PAGE_OK, NULL}, {1, "/p2", PAGE_OK, NULL}, {1, "/p3", PAGE_OK, NULL},
    {1, "/p4", PAGE_OK, NULL}, {2, "/p1", PAGE_OK, NULL}, {2, "/p2", PAGE_OK, NULL},
    {2, "/p3", PAGE_OK, NULL}, {2, "/p4", PAGE_OK, NULL}, {3, "/p1", PAGE_OK, NULL},
    {3, "/p2", PAGE_OK, NULL}, {3, "/p3", PAGE_OK, NULL}, {3, "/p4", PAGE_OK, NULL}};

static void crawl_twelve_pages(struct crawl_limits limits, int hold_until_open)
{
    start_server(twelve_pages, 12, hold_until_open);
    const char *start[12];
    for (int i = 0; i < 12; i++)
        start[i] = url(twelve_pages[i].host, twelve_pages[i].path);
    crawl_ok(start, 12, limits);
    for (int i = 0; i < 12; i++)
        expect_page(twelve_pages[i].host, twelve_pages[i].path);
    expect_results(12);
}

WB_TEST(crawl_never_exceeds_the_global_limit)
{
    struct crawl_limits limits = {.global = 3, .per_host = 8, .timeout_ms = 20000};
    crawl_twelve_pages(limits, 3); /* the server holds its replies until 3 are open */
    ck_assert_msg(report.max_open <= 3, "with a global limit of 3, the server saw %d "
                  "connections open at once", report.max_open);
    ck_assert_msg(report.max_open == 3 && !report.hold_timed_out, "with a global limit of 3 "
                  "and 12 pages to fetch, 3 requests should be in flight at once (the server "
                  "held its replies until then): at most %d were", report.max_open);
}

WB_TEST(crawl_never_exceeds_the_per_host_limit)
{
    struct crawl_limits limits = {.global = 12, .per_host = 2, .timeout_ms = 20000};
    crawl_twelve_pages(limits, 6); /* held until 2 are open on each of the 3 hosts */
    for (int host = 1; host <= SERVER_HOSTS; host++)
        ck_assert_msg(report.max_open_per_host[host] <= 2, "with a limit of 2 per host, "
                      "127.0.0.%d saw %d connections open at once", host,
                      report.max_open_per_host[host]);
    ck_assert_msg(report.max_open == 6 && !report.hold_timed_out, "with 2 per host, 3 hosts "
                  "and a global limit of 12, 6 requests should be in flight at once (the "
                  "server held its replies until then): at most %d were", report.max_open);
}

WB_TEST(crawl_waits_the_delay_after_each_request_to_a_host)
{
    static const struct page site[] = {
        {1, "/d1", PAGE_OK, "1/d2"}, {1, "/d2", PAGE_OK, "1/d3"}, {1, "/d3", PAGE_OK, NULL},
        {2, "/e1", PAGE_OK, NULL},   {2, "/e2", PAGE_OK, NULL},   {2, "/e3", PAGE_OK, NULL}};
    start_server(site, 6, 2); /* held until both hosts have a request in flight */
    struct crawl_limits limits = {.global = 4, .per_host = 1, .delay_ms = 100,
                                  .timeout_ms = 20000};
    crawl_ok((const char *[]){url(1, "/d1"), url(2, "/e1"), url(2, "/e2"), url(2, "/e3")}, 4,
             limits);
    for (int i = 0; i < 6; i++)
        expect_page(site[i].host, site[i].path);
    ck_assert_msg(report.max_open == 2 && !report.hold_timed_out, "the delay is per host: "
                  "the first requests to 127.0.0.1 and 127.0.0.2 should be in flight at once, "
                  "the server saw at most %d", report.max_open);
    for (int j = 0; j < report.n_conns; j++)
        for (int i = 0; i < j; i++) {
            const struct conn_record *a = &report.conns[i], *b = &report.conns[j];
            if (a->host != b->host)
                continue;
            ck_assert_msg(b->accepted - a->closed >= 0.1, "with a delay of 100 ms, %s on "
                          "127.0.0.%d was requested %.1f ms after the server ended %s",
                          b->path, b->host, (b->accepted - a->closed) * 1000, a->path);
        }
}

/* ---- failures ---- */

WB_TEST(crawl_reports_refused_connections)
{
    static const struct page site[] = {{1, "/a", PAGE_OK, "4/x 1/b"},
                                       {1, "/b", PAGE_OK, NULL}};
    start_server(site, 2, 0);
    const char *no_path = "http://127.0.0.6:65535"; /* the largest port, an empty path */
    crawl_ok((const char *[]){url(1, "/a"), url(5, "/y"), no_path}, 3, roomy);
    expect_page(1, "/a");
    expect_page(1, "/b");
    expect_result(4, "/x", ECONNREFUSED, 0); /* nobody listens on 127.0.0.4, .5 or .6 */
    expect_result(5, "/y", ECONNREFUSED, 0);
    int i = -1, count = results_for(no_path, &i);
    ck_assert_msg(count == 1 && got.r[i].error == ECONNREFUSED, "%s is a valid URL nobody "
                  "listens to: expected one result with ECONNREFUSED, got %d (the last with "
                  "error %s)", no_path, count, count ? strerror(got.r[i].error) : "none");
    expect_results(5);
}

WB_TEST(crawl_reports_statuses_and_follows_links_of_200_only)
{
    static const struct page site[] = {{1, "/", PAGE_OK, "1/error 1/missing"},
                                       {1, "/error", PAGE_ERROR, "1/secret"},
                                       {1, "/secret", PAGE_OK, NULL}};
    start_server(site, 3, 0);
    crawl_ok((const char *[]){url(1, "/")}, 1, roomy);
    expect_page(1, "/");
    expect_result(1, "/error", 0, 500);
    expect_result(1, "/missing", 0, 404);
    int secret = server_requests_for(&report, 1, "/secret");
    ck_assert_msg(secret == 0, "/secret is linked only from a page served with status 500, "
                  "whose links must not be followed: it was requested %d times", secret);
    expect_results(3);
}

WB_TEST(crawl_times_out_a_stalled_response)
{
    static const struct page site[] = {{1, "/stall", PAGE_STALL, NULL},
                                       {1, "/a", PAGE_OK, NULL},
                                       {1, "/b", PAGE_OK, NULL},
                                       {2, "/c", PAGE_OK, NULL}};
    start_server(site, 4, 0);
    struct crawl_limits limits = {.global = 2, .per_host = 2, .timeout_ms = 1000};
    int fds_before = wb_count_fds();
    double start = wb_now();
    crawl_ok((const char *[]){url(1, "/stall"), url(1, "/a"), url(1, "/b"), url(2, "/c")}, 4,
             limits);
    double took = wb_now() - start;
    expect_result(1, "/stall", ETIMEDOUT, 0);
    expect_page(1, "/a");
    expect_page(1, "/b");
    expect_page(2, "/c");
    expect_results(4);
    ck_assert_msg(took >= 1.0, "a request stalled with a timeout of 1000 ms, yet crawl "
                  "returned after %.0f ms", took * 1000);
    ck_assert_msg(wb_count_fds() == fds_before - 2, "crawl must close every socket it opens, "
                  "the timed out one too: %d descriptors open before (with the server's 2 "
                  "pipe ends), %d after", fds_before, wb_count_fds() + 2);
}

WB_TEST(crawl_reads_slow_and_large_responses)
{
    static const struct page site[] = {{1, "/slow", PAGE_SLOW, "1/a 2/b 1/big"},
                                       {1, "/a", PAGE_OK, NULL},
                                       {2, "/b", PAGE_SLOW, NULL},
                                       {1, "/big", PAGE_BIG, "2/c"},
                                       {2, "/c", PAGE_OK, NULL}};
    start_server(site, 5, 0);
    crawl_ok((const char *[]){url(1, "/slow")}, 1, roomy);
    for (int i = 0; i < 5; i++)
        expect_page(site[i].host, site[i].path);
    expect_results(5);
    int i = -1;
    results_for(url(1, "/big"), &i);
    ck_assert_msg(got.r[i].body_len > BIG_PAGE_FILLER && strstr(got.r[i].tail, "/c\">link</a>"),
                  "the body of a %d-byte page: reported %zu bytes ending in \"%s\"; expected "
                  "all of it, up to its last link (to /c)", BIG_PAGE_FILLER, got.r[i].body_len,
                  got.r[i].tail);
}

WB_TEST(crawl_reports_replies_that_are_not_http)
{
    static const struct page site[] = {{1, "/garbage", PAGE_GARBAGE, NULL},
                                       {1, "/empty", PAGE_EMPTY, NULL},
                                       {2, "/ok", PAGE_OK, NULL}};
    start_server(site, 3, 0);
    crawl_ok((const char *[]){url(1, "/garbage"), url(1, "/empty"), url(2, "/ok")}, 3, roomy);
    expect_result(1, "/garbage", EPROTO, 0);
    expect_result(1, "/empty", EPROTO, 0);
    expect_page(2, "/ok");
    expect_results(3);
}

/* ---- arguments ---- */

static void expect_einval(const char *const *start, size_t n, struct crawl_limits limits,
                          crawl_callback on_result, const char *what)
{
    errno = 0;
    int rc = crawl(start, n, &limits, on_result, NULL);
    ck_assert_msg(rc == -1 && errno == EINVAL, "crawl with %s: expected -1 with EINVAL, got "
                  "%d (errno %s)", what, rc, strerror(errno));
}

WB_TEST(crawl_checks_its_arguments)
{
    memset(&got, 0, sizeof got);
    const char *good[] = {"http://127.0.0.1:9/"};
    struct crawl_limits l = roomy;
    l.global = 0;
    expect_einval(good, 1, l, record_result, "a global limit of 0");
    l = roomy;
    l.per_host = 0;
    expect_einval(good, 1, l, record_result, "a per-host limit of 0");
    l = roomy;
    l.delay_ms = -1;
    expect_einval(good, 1, l, record_result, "a delay of -1 ms");
    l = roomy;
    l.timeout_ms = 0;
    expect_einval(good, 1, l, record_result, "a timeout of 0 ms");
    expect_einval(good, 1, roomy, NULL, "a NULL on_result");
    static const char *const bad[] = {"ftp://127.0.0.1:9/", "http://localhost:9/",
                                      "http://127.0.0.1/", "http://127.0.0.1:99999/",
                                      "http://127.0.0.1:9x"};
    for (int i = 0; i < 5; i++) {
        char what[64];
        snprintf(what, sizeof what, "the start URL \"%s\"", bad[i]);
        expect_einval((const char *[]){good[0], bad[i]}, 2, roomy, record_result, what);
    }
    ck_assert_msg(got.n == 0, "crawl with bad arguments must fetch nothing, yet reported %d "
                  "results", got.n);
    errno = 0;
    int rc = crawl(NULL, 0, &roomy, record_result, NULL);
    ck_assert_msg(rc == 0 && got.n == 0, "crawl of no URL: expected 0 and no result, got %d "
                  "(errno %s) and %d results", rc, strerror(errno), got.n);
}
