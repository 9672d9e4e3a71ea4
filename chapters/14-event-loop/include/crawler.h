/* crawler.h - a crawler on the event loop (loop.h): many HTTP requests at once over
 * non-blocking sockets in one thread, within Scrapy's limits (CONCURRENT_REQUESTS,
 * CONCURRENT_REQUESTS_PER_IP, DOWNLOAD_DELAY, DOWNLOAD_TIMEOUT), following the links
 * of the pages it fetches. */
#ifndef CRAWLER_H
#define CRAWLER_H

#include <stddef.h>

/* The limits of a crawl. A host is the IPv4 address of a URL, whatever its port:
 * http://127.0.0.1:8000/ and http://127.0.0.1:9000/ are one host, 127.0.0.2 another. */
struct crawl_limits {
    int global;     /* requests in flight at once, at most (>= 1): CONCURRENT_REQUESTS */
    int per_host;   /* requests in flight to one host at once, at most (>= 1):
                     * CONCURRENT_REQUESTS_PER_IP */
    int delay_ms;   /* a request to a host starts at least this long after the end of
                     * every earlier request to that host (>= 0): DOWNLOAD_DELAY */
    int timeout_ms; /* a request that has not ended this long after its start ends with
                     * ETIMEDOUT (> 0): DOWNLOAD_TIMEOUT */
};

/* What became of one URL. A request starts when its connect is issued and ends when
 * its result is known: the response read to its end, or the error. */
struct crawl_result {
    const char *url;  /* as given or as found in a page */
    int error;        /* 0 when a response came; else ECONNREFUSED, ETIMEDOUT, EPROTO
                       * (the reply is not an HTTP response) or the socket's errno */
    int status;       /* the response's status code (200, 404, 500, ...); 0 on error */
    const char *body; /* the body (after the blank line that ends the headers), with a
                       * '\0' after it; NULL on error */
    size_t body_len;
};

/* Called once per URL, in the crawl's thread; result and its strings are valid only
 * during the call. */
typedef void (*crawl_callback)(const struct crawl_result *result, void *arg);

/* Fetches start_urls[0..n) and every URL linked from a page fetched with status 200,
 * each distinct URL once (URLs are the same when their strings are), with requests
 * "GET path HTTP/1.0" whose response ends when the server closes the connection.
 * A URL is http://A.B.C.D:PORT/path (an IPv4 address, a port, a path that may be
 * empty); a link is href="URL" in a page, and links that are not such URLs are
 * skipped. Calls on_result(result, arg) once for each URL fetched, successful or not,
 * and returns when every one has been reported: 0; or -1 with errno EINVAL (limits out
 * of range, on_result NULL, a start URL of another form; nothing fetched), ENOMEM, or
 * an error of the loop (the crawl stops). Runs its own loop (loop_new) and closes
 * every socket it opened before returning. */
int crawl(const char *const *start_urls, size_t n, const struct crawl_limits *limits,
          crawl_callback on_result, void *arg);

#endif
