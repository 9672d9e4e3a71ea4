/* test_message.c - pins every promise of message.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "message.h"
#include "pipe_helpers.h"
#include "wb_test.h"

enum { MIB = 1024 * 1024 };

static void open_pipe(struct conn *c1, struct conn *c2, bool duplex)
{
    int rc = conn_pipe(c1, c2, duplex);
    ck_assert_msg(rc == 0, "conn_pipe returned %d (errno %s)", rc, strerror(errno));
}

/* Receives one message and checks it is text. */
static void expect_text(struct conn *c, const char *text)
{
    void *msg;
    size_t len;
    int rc = conn_recv(c, &msg, &len);
    ck_assert_msg(rc == CONN_MESSAGE, "conn_recv returned %d (errno %s), expected the "
                  "message \"%s\"", rc, strerror(errno), text);
    bool same = len == strlen(text) && memcmp(msg, text, len) == 0;
    free(msg);
    ck_assert_msg(same, "received a message of %zu bytes, expected \"%s\" (%zu bytes)", len,
                  text, strlen(text));
}

static void expect_eof(struct conn *c)
{
    void *msg = (void *)1;
    size_t len = 1;
    int rc = conn_recv(c, &msg, &len);
    ck_assert_msg(rc == CONN_EOF, "the other end is closed and every message received: "
                  "conn_recv returned %d (errno %s), expected CONN_EOF", rc, strerror(errno));
    ck_assert_msg(msg == NULL && len == 0, "at CONN_EOF, *msg must be NULL and *len 0");
}

static void expect_error(int rc, void *msg, int expected, const char *what)
{
    int got = errno;
    free(msg);
    ck_assert_msg(rc == -1 && got == expected, "%s: got %d (errno %s), expected -1 with %s",
                  what, rc, strerror(got), strerror(expected));
}

/* --- the seeds' example ------------------------------------------------------- */

struct ends {
    struct conn *use, *other;
};

/* def f(conn): conn.send([42, None, 'hello']); conn.close() */
static int seeds_child(void *arg)
{
    struct ends *e = arg;
    conn_close(e->other);
    const char *text = "[42, None, 'hello']";
    int rc = conn_send(e->use, text, strlen(text));
    conn_close(e->use);
    return rc == 0 ? 0 : 1;
}

WB_TEST(seeds_example_child_sends_a_message)
{
    struct conn parent_conn, child_conn;
    open_pipe(&parent_conn, &child_conn, true);
    pid_t pid = wb_child_run(seeds_child, &(struct ends){&child_conn, &parent_conn});
    conn_close(&child_conn); /* our copy: else end-of-file never comes */
    expect_text(&parent_conn, "[42, None, 'hello']");
    expect_eof(&parent_conn);
    conn_close(&parent_conn);
    ck_assert_msg(wb_wait_exitcode(pid, 10) == 0, "conn_send failed in the child");
}

/* --- framing ------------------------------------------------------------------ */

WB_TEST(messages_keep_their_boundaries)
{
    struct conn a, b;
    open_pipe(&a, &b, false);
    const char *texts[] = {"a", "", "bcd", "0123456789"};
    for (int i = 0; i < 4; i++) {
        int sent = conn_send(&b, texts[i], strlen(texts[i]));
        ck_assert_msg(sent == 0, "conn_send of \"%s\": expected 0, got %d (errno %s)", texts[i],
                      sent, strerror(errno));
    }
    for (int i = 0; i < 4; i++)
        expect_text(&a, texts[i]);
    conn_close(&a);
    conn_close(&b);
}

WB_TEST(received_message_ends_with_zero_byte)
{
    struct conn a, b;
    open_pipe(&a, &b, true);
    int sent = conn_send(&a, "hello world", 5);
    ck_assert_msg(sent == 0,
                  "conn_send of the first 5 bytes of \"hello world\": expected 0, got %d "
                  "(errno %s)",
                  sent, strerror(errno));
    sent = conn_send(&a, "", 0);
    ck_assert_msg(sent == 0, "conn_send of an empty message: expected 0, got %d (errno %s)",
                  sent, strerror(errno));
    void *msg, *empty;
    size_t len, empty_len;
    int got = conn_recv(&b, &msg, &len);
    ck_assert_msg(got == CONN_MESSAGE,
                  "conn_recv of the message \"hello\": expected CONN_MESSAGE (1), got %d "
                  "(errno %s)",
                  got, strerror(errno));
    got = conn_recv(&b, &empty, &empty_len);
    ck_assert_msg(got == CONN_MESSAGE,
                  "conn_recv of an empty message: expected CONN_MESSAGE (1), got %d (errno %s)",
                  got, strerror(errno));
    bool text = len == 5 && strcmp(msg, "hello") == 0;
    bool empty_text = empty != NULL && empty_len == 0 && ((char *)empty)[0] == '\0';
    free(msg);
    free(empty);
    ck_assert_msg(text, "the message \"hello\" must be followed by a zero byte");
    ck_assert_msg(empty_text, "an empty message is a buffer holding just the zero byte, with "
                              "*len 0 (not NULL: NULL is for EOF and errors)");
    conn_close(&a);
    conn_close(&b);
}

WB_TEST(frame_is_big_endian_length_then_data)
{
    struct conn a, b;
    open_pipe(&a, &b, false);
    int sent = conn_send(&b, "hello", 5);
    ck_assert_msg(sent == 0, "conn_send of \"hello\": expected 0, got %d (errno %s)", sent,
                  strerror(errno));
    conn_close(&b);
    unsigned char raw[16];
    ssize_t n = wb_read_full(a.fd, raw, sizeof raw);
    conn_close(&a);
    const unsigned char expected[] = {0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o'};
    ck_assert_msg(n == 9, "conn_send(\"hello\") wrote %zd bytes, expected 9 (4 for the "
                          "length, 5 of data)", n);
    ck_assert_msg(memcmp(raw, expected, 9) == 0,
                  "the frame is %02x %02x %02x %02x + data; expected 00 00 00 05 + "
                  "\"hello\" (length in big-endian: htonl)", raw[0], raw[1], raw[2], raw[3]);
}

WB_TEST(recv_reads_a_frame_written_by_hand)
{
    struct conn a, b;
    open_pipe(&a, &b, true);
    unsigned char *data = pattern_new(258, 3);
    uint32_t header = htonl(258);
    ck_assert_msg(wb_write_full(b.fd, &header, 4) == 0,
                  "test setup: writing a frame's header by hand failed: %s", strerror(errno));
    ck_assert_msg(wb_write_full(b.fd, data, 258) == 0,
                  "test setup: writing a frame's 258 data bytes by hand failed: %s",
                  strerror(errno));
    free(data);
    void *msg;
    size_t len;
    int rc = conn_recv(&a, &msg, &len);
    bool same = rc == CONN_MESSAGE && len == 258 && pattern_matches(msg, 258, 3);
    free(msg);
    conn_close(&a);
    conn_close(&b);
    ck_assert_msg(same, "a frame 00 00 01 02 + 258 bytes should be received as one message of "
                        "258 bytes (got rc %d, len %zu)", rc, len);
}

/* --- large messages between processes ----------------------------------------- */

static const size_t big_sizes[] = {1 * MIB, 4 * MIB + 3, 65537, 4097};
enum { N_BIG = 4 };

struct sender {
    struct conn *use, *other;
    bool storm;
};

/* Child: sends the big_sizes messages, each a pattern seeded with its index. */
static int big_sender(void *arg)
{
    struct sender *s = arg;
    conn_close(s->other);
    ignore_sigpipe(); /* a receiver that gives up early is reported, not a signal */
    if (s->storm && wb_signal_storm_start(0.0002) < 0)
        return 2;
    int rc = 0;
    for (int i = 0; i < N_BIG && rc == 0; i++) {
        unsigned char *data = pattern_new(big_sizes[i], (unsigned)i);
        rc = conn_send(s->use, data, big_sizes[i]);
        free(data);
    }
    wb_signal_storm_stop();
    conn_close(s->use);
    return rc == 0 ? 0 : 1;
}

static void receive_big(bool duplex, bool storm)
{
    struct conn reader, writer;
    open_pipe(&reader, &writer, duplex);
    pid_t pid = wb_child_run(big_sender, &(struct sender){&writer, &reader, storm});
    conn_close(&writer);
    if (storm)
        ck_assert_msg(wb_signal_storm_start(0.0002) == 0,
                      "test setup: starting the signal storm failed: %s", strerror(errno));
    int bad = -1, rc = 0;
    size_t len = 0;
    for (int i = 0; i < N_BIG && bad < 0; i++) {
        void *msg = NULL;
        rc = conn_recv(&reader, &msg, &len);
        if (rc != CONN_MESSAGE || len != big_sizes[i] || !pattern_matches(msg, len, i))
            bad = i;
        free(msg);
    }
    wb_signal_storm_stop();
    conn_close(&reader);
    int code = wb_wait_exitcode(pid, 30);
    ck_assert_msg(bad < 0, "duplex=%d%s: message %d (%zu bytes) came as rc %d (errno %s), "
                  "%zu bytes", duplex, storm ? ", signals every 0.2 ms" : "", bad,
                  bad >= 0 ? big_sizes[bad] : 0, rc, strerror(errno), len);
    ck_assert_msg(code == 0, "conn_send failed in the child (exit %d)", code);
}

WB_TEST(large_messages_cross_a_duplex_pipe)
{
    receive_big(true, false);
}

WB_TEST(large_messages_cross_a_one_way_pipe)
{
    receive_big(false, false);
}

WB_TEST(large_messages_survive_signals)
{
    receive_big(false, true);
    receive_big(true, true);
}

/* Child: receives one message and sends it back (duplex). */
static int echo_child(void *arg)
{
    struct ends *e = arg;
    conn_close(e->other);
    void *msg;
    size_t len;
    if (conn_recv(e->use, &msg, &len) != CONN_MESSAGE)
        return 1;
    int rc = conn_send(e->use, msg, len);
    free(msg);
    conn_close(e->use);
    return rc == 0 ? 0 : 2;
}

WB_TEST(duplex_pipe_echoes_a_large_message)
{
    struct conn mine, theirs;
    open_pipe(&mine, &theirs, true);
    pid_t pid = wb_child_run(echo_child, &(struct ends){&theirs, &mine});
    conn_close(&theirs);
    unsigned char *data = pattern_new(3 * MIB, 9);
    int sent = conn_send(&mine, data, 3 * MIB);
    free(data);
    void *msg = NULL;
    size_t len = 0;
    int rc = sent == 0 ? conn_recv(&mine, &msg, &len) : -1;
    bool same = rc == CONN_MESSAGE && len == 3 * MIB && pattern_matches(msg, len, 9);
    free(msg);
    conn_close(&mine);
    int code = wb_wait_exitcode(pid, 30);
    ck_assert_msg(sent == 0, "conn_send of 3 MiB to the child failed (errno %s)",
                  strerror(errno));
    ck_assert_msg(same, "the child's echo of 3 MiB came back as rc %d, %zu bytes", rc, len);
    ck_assert_msg(code == 0, "the child failed to %s (exit %d)",
                  code == 1 ? "receive" : "send back", code);
}

/* --- end of file and errors --------------------------------------------------- */

/* Child: sends three messages and ends (its ends close when it exits). */
static int three_messages(void *arg)
{
    struct ends *e = arg;
    conn_close(e->other);
    int rc = conn_send(e->use, "one", 3) | conn_send(e->use, "two", 3) |
             conn_send(e->use, "three", 5);
    return rc == 0 ? 0 : 1;
}

WB_TEST(recv_reports_eof_after_all_messages)
{
    for (int duplex = 0; duplex <= 1; duplex++) {
        struct conn reader, writer;
        open_pipe(&reader, &writer, duplex);
        pid_t pid = wb_child_run(three_messages, &(struct ends){&writer, &reader});
        conn_close(&writer);
        int code = wb_wait_exitcode(pid, 10);
        ck_assert_msg(code == 0,
                      "duplex=%d: the child that sends three messages should exit with 0, "
                      "exit code %d (1: a conn_send failed)",
                      duplex, code);
        expect_text(&reader, "one");
        expect_text(&reader, "two");
        expect_text(&reader, "three");
        expect_eof(&reader);
        expect_eof(&reader); /* and again: end-of-file stays */
        conn_close(&reader);
    }
}

WB_TEST(recv_of_truncated_frame_is_eio)
{
    struct conn a, b;
    /* A header promising 100 bytes, then only 10 of them. */
    open_pipe(&a, &b, false);
    uint32_t header = htonl(100);
    ck_assert_msg(wb_write_full(b.fd, &header, 4) == 0,
                  "test setup: writing a frame's header by hand failed: %s", strerror(errno));
    ck_assert_msg(wb_write_full(b.fd, "0123456789", 10) == 0,
                  "test setup: writing 10 data bytes by hand failed: %s", strerror(errno));
    conn_close(&b);
    void *msg = (void *)1;
    size_t len = 1;
    int rc = conn_recv(&a, &msg, &len);
    ck_assert_msg(msg == NULL && len == 0, "on error *msg must be NULL and *len 0");
    expect_error(rc, msg, EIO, "end-of-file after 10 of 100 announced bytes");
    conn_close(&a);
    /* Only half of a header. */
    open_pipe(&a, &b, false);
    ck_assert_msg(wb_write_full(b.fd, "\0\0", 2) == 0,
                  "test setup: writing half a header by hand failed: %s", strerror(errno));
    conn_close(&b);
    rc = conn_recv(&a, &msg, &len);
    expect_error(rc, msg, EIO, "end-of-file after 2 of the 4 header bytes");
    conn_close(&a);
}

WB_TEST(wrong_direction_is_ebadf)
{
    struct conn reader, writer;
    open_pipe(&reader, &writer, false);
    errno = 0;
    expect_error(conn_send(&reader, "x", 1), NULL, EBADF,
                 "conn_send on the read end of a one-way pipe");
    void *msg = NULL;
    size_t len;
    errno = 0;
    int rc = conn_recv(&writer, &msg, &len);
    expect_error(rc, msg, EBADF, "conn_recv on the write end of a one-way pipe");
    conn_close(&reader);
    conn_close(&writer);
}

WB_TEST(closed_end_is_ebadf)
{
    struct conn a, b;
    open_pipe(&a, &b, true);
    conn_close(&a);
    errno = 0;
    expect_error(conn_send(&a, "x", 1), NULL, EBADF, "conn_send on a closed end");
    void *msg = NULL;
    size_t len;
    errno = 0;
    int rc = conn_recv(&a, &msg, &len);
    expect_error(rc, msg, EBADF, "conn_recv on a closed end");
    conn_close(&b);
}

WB_TEST(too_large_message_is_emsgsize)
{
    struct conn a, b;
    open_pipe(&a, &b, true);
    char small[8] = {0};
    errno = 0;
    /* The size is checked before any byte is read from the buffer or written. */
    expect_error(conn_send(&b, small, CONN_MAX_MESSAGE + 1), NULL, EMSGSIZE,
                 "conn_send of CONN_MAX_MESSAGE + 1 bytes");
    struct pollfd p = {.fd = a.fd, .events = POLLIN};
    int ready = poll(&p, 1, 0);
    conn_close(&a);
    conn_close(&b);
    ck_assert_msg(ready == 0, "a refused message must not write anything (not even its "
                              "header)");
}

/* The process's address space in bytes (VmSize), or 0 when it cannot be read. */
static unsigned long long address_space(void)
{
    FILE *status = fopen("/proc/self/status", "re");
    unsigned long long kib = 0;
    char line[256];
    while (status != NULL && fgets(line, sizeof line, status) != NULL)
        if (sscanf(line, "VmSize: %llu kB", &kib) == 1)
            break;
    if (status != NULL)
        fclose(status);
    return kib * 1024;
}

WB_TEST(largest_message_is_not_too_large)
{
    ignore_sigpipe();
    struct conn r, w;
    open_pipe(&r, &w, false);
    conn_close(&r); /* no reader: the send fails once it writes, whatever its size */
    /* CONN_MAX_MESSAGE readable bytes that use no memory (every page is the zero page),
     * and room for little more in the address space, so that a copy of the message
     * fails (ENOMEM) instead of filling memory. */
    void *buf = mmap(NULL, CONN_MAX_MESSAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
                     MAP_NORESERVE, -1, 0);
    ck_assert_msg(buf != MAP_FAILED, "mmap of %zu bytes failed: %s", CONN_MAX_MESSAGE,
                  strerror(errno));
    unsigned long long used = address_space();
    ck_assert_msg(used > 0, "cannot read VmSize in /proc/self/status");
    struct rlimit old, low;
    ck_assert_msg(getrlimit(RLIMIT_AS, &old) == 0, "test setup: getrlimit(RLIMIT_AS) failed: %s",
                  strerror(errno));
    low = (struct rlimit){(rlim_t)(used + 1024ULL * MIB), old.rlim_max};
    if (old.rlim_cur != RLIM_INFINITY && old.rlim_cur < low.rlim_cur)
        low.rlim_cur = old.rlim_cur;
    ck_assert_msg(setrlimit(RLIMIT_AS, &low) == 0, "test setup: setrlimit(RLIMIT_AS) failed: %s",
                  strerror(errno));
    errno = 0;
    int rc = conn_send(&w, buf, CONN_MAX_MESSAGE);
    int err = errno;
    setrlimit(RLIMIT_AS, &old);
    munmap(buf, CONN_MAX_MESSAGE);
    conn_close(&w);
    ck_assert_msg(rc == -1 && err != EMSGSIZE,
                  "conn_send of exactly CONN_MAX_MESSAGE bytes with no reader: got %d (errno "
                  "%s), expected -1 with EPIPE: the largest message is allowed, only a longer "
                  "one is EMSGSIZE", rc, strerror(err));
}

WB_TEST(send_to_closed_peer_is_epipe)
{
    ignore_sigpipe();
    for (int duplex = 0; duplex <= 1; duplex++) {
        struct conn a, b;
        open_pipe(&a, &b, duplex);
        conn_close(&a);
        errno = 0;
        int rc = conn_send(&b, "hello", 5);
        conn_close(&b);
        expect_error(rc, NULL, EPIPE, duplex ? "conn_send when the other end is closed "
                                               "(duplex)"
                                             : "conn_send when the read end is closed");
    }
}
