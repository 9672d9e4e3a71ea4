/* test_conn.c - pins every promise of conn.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "conn.h"
#include "conn_poll.h"
#include "message.h"
#include "pipe_helpers.h"
#include "wb_test.h"

static void open_pipe(struct conn *c1, struct conn *c2, bool duplex)
{
    int rc = conn_pipe(c1, c2, duplex);
    ck_assert_msg(rc == 0, "conn_pipe(duplex=%d) returned %d (errno %s)", duplex, rc,
                  strerror(errno));
}

/* Writes text on one descriptor and reads it back from the other, raw. */
static bool carries(int from, int to, const char *text)
{
    char got[32] = {0};
    size_t n = strlen(text);
    return wb_write_full(from, text, n) == 0 && wb_read_full(to, got, n) == (ssize_t)n &&
           memcmp(got, text, n) == 0;
}

WB_TEST(duplex_pipe_carries_bytes_both_ways)
{
    struct conn a, b;
    open_pipe(&a, &b, true);
    ck_assert_msg(a.readable && a.writable && b.readable && b.writable,
                  "both ends of a duplex pipe must be readable and writable");
    ck_assert_msg(carries(a.fd, b.fd, "ping"), "bytes written on c1 did not arrive on c2");
    ck_assert_msg(carries(b.fd, a.fd, "pong"), "bytes written on c2 did not arrive on c1");
    close(a.fd);
    close(b.fd);
}

WB_TEST(one_way_pipe_reads_on_first_end_writes_on_second)
{
    struct conn reader, writer;
    open_pipe(&reader, &writer, false);
    ck_assert_msg(reader.readable && !reader.writable,
                  "Pipe(duplex=False): the first end only receives (readable %d, writable %d)",
                  reader.readable, reader.writable);
    ck_assert_msg(!writer.readable && writer.writable,
                  "Pipe(duplex=False): the second end only sends (readable %d, writable %d)",
                  writer.readable, writer.writable);
    ck_assert_msg(carries(writer.fd, reader.fd, "one way"),
                  "bytes written on the second end did not arrive on the first");
    close(reader.fd);
    close(writer.fd);
}

WB_TEST(pipe_ends_are_close_on_exec)
{
    for (int duplex = 0; duplex <= 1; duplex++) {
        struct conn a, b;
        open_pipe(&a, &b, duplex);
        int fa = fcntl(a.fd, F_GETFD), fb = fcntl(b.fd, F_GETFD);
        close(a.fd);
        close(b.fd);
        ck_assert_msg(fa >= 0 && fb >= 0 && (fa & FD_CLOEXEC) && (fb & FD_CLOEXEC),
                      "duplex=%d: both descriptors must be close-on-exec (SOCK_CLOEXEC, "
                      "O_CLOEXEC)", duplex);
    }
}

WB_TEST(pipe_without_free_descriptor_is_emfile)
{
    for (int duplex = 0; duplex <= 1; duplex++) {
        int lowest = lowest_free_fd();
        /* Room for one more descriptor only: a pipe needs two. */
        struct rlimit lim = {(rlim_t)lowest + 1, (rlim_t)lowest + 1};
        ck_assert_msg(setrlimit(RLIMIT_NOFILE, &lim) == 0,
                      "test setup: setrlimit(RLIMIT_NOFILE) to %d failed: %s", lowest + 1,
                      strerror(errno));
        struct conn a = {.fd = 77}, b = {.fd = 88};
        errno = 0;
        int rc = conn_pipe(&a, &b, duplex);
        ck_assert_msg(rc == -1 && errno == EMFILE, "duplex=%d with one free descriptor: got %d "
                      "(errno %s), expected -1 with EMFILE", duplex, rc, strerror(errno));
        ck_assert_msg(a.fd == 77 && b.fd == 88, "a failed conn_pipe changed *c1 or *c2");
        ck_assert_msg(lowest_free_fd() == lowest, "a failed conn_pipe left a descriptor open");
    }
}

WB_TEST(close_closes_and_marks_the_end)
{
    struct conn a, b;
    open_pipe(&a, &b, true);
    int old = b.fd;
    int rc = conn_close(&b);
    ck_assert_msg(rc == 0, "conn_close of an open end: expected 0, got %d (errno %s)", rc,
                  strerror(errno));
    ck_assert_msg(b.fd == -1 && !b.readable && !b.writable,
                  "a closed end must have fd -1 and be neither readable nor writable "
                  "(fd %d, readable %d, writable %d)", b.fd, b.readable, b.writable);
    errno = 0;
    ck_assert_msg(fcntl(old, F_GETFD) == -1 && errno == EBADF,
                  "descriptor %d is still open after conn_close", old);
    char byte;
    ssize_t n = read(a.fd, &byte, 1);
    close(a.fd);
    ck_assert_msg(n == 0, "once c2 is closed, c1 should read end-of-file, read returned %zd", n);
}

WB_TEST(close_twice_is_harmless)
{
    struct conn a, b;
    open_pipe(&a, &b, false);
    int first = conn_close(&a);
    ck_assert_msg(first == 0, "conn_close of an open end: expected 0, got %d (errno %s)", first,
                  strerror(errno));
    int after_first = lowest_free_fd();
    int rc = conn_close(&a);
    ck_assert_msg(rc == 0, "closing an end twice should return 0, got %d (errno %s)", rc,
                  strerror(errno));
    ck_assert_msg(lowest_free_fd() == after_first, "the second conn_close closed something");
    int other = conn_close(&b);
    ck_assert_msg(other == 0,
                  "conn_close of the other end, still open: expected 0, got %d (errno %s)",
                  other, strerror(errno));
}

/* Sends text on from, polls and receives it on to; true when it arrived whole. */
static bool message_crosses(struct conn *from, struct conn *to, const char *text)
{
    size_t n = strlen(text), len = 0;
    void *msg = NULL;
    bool ok = conn_send(from, text, n) == 0 && conn_poll(to, 0) == 1 &&
              conn_recv(to, &msg, &len) == CONN_MESSAGE && len == n &&
              memcmp(msg, text, n) == 0;
    free(msg);
    return ok;
}

/* Closes c, which holds descriptor 0; true when 0 is closed and c marked closed. */
static bool closes_descriptor_0(struct conn *c)
{
    int rc = conn_close(c);
    errno = 0;
    bool closed = fcntl(0, F_GETFD) == -1 && errno == EBADF;
    return rc == 0 && closed && c->fd == -1;
}

WB_TEST(end_on_descriptor_0_is_an_open_end)
{
    close(0); /* the test's standard input: 0 is now the lowest free descriptor */
    struct conn r, w;
    open_pipe(&r, &w, false);
    ck_assert_msg(r.fd == 0, "the read end should have the lowest free descriptor, 0; it "
                             "has %d", r.fd);
    bool received = message_crosses(&w, &r, "zero");
    bool closed = closes_descriptor_0(&r);
    conn_close(&w);
    ck_assert_msg(received, "a message sent to a one-way read end on descriptor 0 did not "
                            "arrive: 0 is a valid descriptor, only a negative fd means closed");
    ck_assert_msg(closed, "conn_close of an end on descriptor 0 must close it and set fd to "
                          "-1: 0 is a valid descriptor, only a negative fd means closed");
    struct conn a, b;
    open_pipe(&a, &b, true);
    ck_assert_msg(a.fd == 0, "c1 of a duplex pipe should have the lowest free descriptor, 0; "
                             "it has %d", a.fd);
    bool sent = message_crosses(&a, &b, "from zero");
    bool answered = message_crosses(&b, &a, "to zero");
    conn_close(&a);
    conn_close(&b);
    ck_assert_msg(sent && answered,
                  "a duplex end on descriptor 0: a message %s from it, and %s to it; 0 is a "
                  "valid descriptor, only a negative fd means closed",
                  sent ? "went" : "did not go", answered ? "came" : "did not come");
}
