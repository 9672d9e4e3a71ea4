/* test_conn_poll.c - pins every promise of conn_poll.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn_poll.h"
#include "message.h"
#include "pipe_helpers.h"
#include "wb_test.h"

static void open_pipe(struct conn *c1, struct conn *c2, bool duplex)
{
    int rc = conn_pipe(c1, c2, duplex);
    ck_assert_msg(rc == 0, "conn_pipe returned %d (errno %s)", rc, strerror(errno));
}

static int poll_of(struct conn *c, double timeout)
{
    errno = 0;
    int rc = conn_poll(c, timeout);
    ck_assert_msg(rc != -1, "conn_poll(%g) returned -1 (errno %s)", timeout, strerror(errno));
    return rc;
}

WB_TEST(poll_zero_does_not_wait_when_empty)
{
    struct conn a, b;
    open_pipe(&a, &b, true);
    int rc = poll_of(&a, 0);
    conn_close(&a);
    conn_close(&b);
    ck_assert_msg(rc == 0, "conn_poll(0) with nothing sent should return 0, got %d", rc);
}

WB_TEST(poll_times_out_after_the_timeout)
{
    struct conn reader, writer;
    open_pipe(&reader, &writer, false);
    double start = wb_now();
    int rc = poll_of(&reader, 0.05);
    double waited = wb_now() - start;
    conn_close(&reader);
    conn_close(&writer);
    ck_assert_msg(rc == 0, "conn_poll(0.05) with nothing sent should return 0, got %d", rc);
    ck_assert_msg(waited >= 0.05, "conn_poll(0.05) returned after %.3f s, before its timeout",
                  waited);
}

WB_TEST(poll_sees_a_message_without_consuming_it)
{
    struct conn reader, writer;
    open_pipe(&reader, &writer, false);
    int sent = conn_send(&writer, "x", 1);
    ck_assert_msg(sent == 0, "conn_send of a 1-byte message: expected 0, got %d (errno %s)",
                  sent, strerror(errno));
    int first = poll_of(&reader, 0), second = poll_of(&reader, 1.0);
    ck_assert_msg(first == 1 && second == 1, "a message is waiting: conn_poll should return 1 "
                  "each time until it is received, got %d then %d", first, second);
    void *msg = NULL;
    size_t len = 0;
    int rc = conn_recv(&reader, &msg, &len);
    bool got_x = rc == CONN_MESSAGE && len == 1 && ((char *)msg)[0] == 'x';
    free(msg);
    ck_assert_msg(got_x, "conn_poll consumed the message: conn_recv then got rc %d, %zu bytes",
                  rc, len);
    int after = poll_of(&reader, 0);
    conn_close(&reader);
    conn_close(&writer);
    ck_assert_msg(after == 0, "once the only message is received, conn_poll(0) should be 0");
}

struct later {
    struct conn *use, *other;
    int go_fd;
};

/* Child: waits for the parent's go byte, then sends one message. */
static int send_when_told(void *arg)
{
    struct later *l = arg;
    conn_close(l->other);
    char go;
    if (wb_read_full(l->go_fd, &go, 1) != 1)
        return 1;
    int rc = conn_send(l->use, "late", 4);
    conn_close(l->use);
    return rc == 0 ? 0 : 2;
}

/* The parent polls with timeout while a child sends once told to. */
static void poll_for_late_message(double timeout)
{
    struct conn mine, theirs;
    open_pipe(&mine, &theirs, true);
    int go[2];
    wb_pipe(go);
    pid_t pid = wb_child_run(send_when_told, &(struct later){&theirs, &mine, go[0]});
    conn_close(&theirs);
    close(go[0]);
    int before = poll_of(&mine, 0);
    ck_assert_msg(wb_write_full(go[1], "g", 1) == 0,
                  "test setup: telling the child to send failed: %s", strerror(errno));
    int rc = poll_of(&mine, timeout);
    /* Receive before closing: poll may see the header while the child still sends. */
    void *msg = NULL;
    size_t len = 0;
    int got = rc == 1 ? conn_recv(&mine, &msg, &len) : -1;
    bool late = got == CONN_MESSAGE && len == 4 && memcmp(msg, "late", 4) == 0;
    free(msg);
    close(go[1]);
    conn_close(&mine);
    int code = wb_wait_exitcode(pid, 10);
    ck_assert_msg(code == 0,
                  "the child that sends \"late\" should exit with 0, exit code %d (1: it was "
                  "not told to send, 2: its conn_send failed)",
                  code);
    ck_assert_msg(before == 0, "nothing was sent yet, but conn_poll(0) returned %d", before);
    ck_assert_msg(rc == 1, "conn_poll(%g) while the child sends: got %d, expected 1", timeout,
                  rc);
    ck_assert_msg(late, "after conn_poll returned 1, conn_recv did not get the message");
}

WB_TEST(poll_waits_for_a_message_that_comes_later)
{
    poll_for_late_message(8.0);
}

WB_TEST(poll_forever_returns_when_a_message_arrives)
{
    poll_for_late_message(-1);
}

WB_TEST(poll_reports_closed_peer_as_ready)
{
    for (int duplex = 0; duplex <= 1; duplex++) {
        struct conn reader, writer;
        open_pipe(&reader, &writer, duplex);
        conn_close(&writer);
        int rc = poll_of(&reader, 0);
        void *msg = NULL;
        size_t len = 0;
        int got = conn_recv(&reader, &msg, &len);
        free(msg);
        conn_close(&reader);
        ck_assert_msg(rc == 1, "duplex=%d: the other end is closed, so recv would not block: "
                      "conn_poll(0) should return 1, got %d", duplex, rc);
        ck_assert_msg(got == CONN_EOF, "after that poll, conn_recv should report CONN_EOF");
    }
}

WB_TEST(poll_timeout_survives_signals)
{
    struct conn reader, writer;
    open_pipe(&reader, &writer, false);
    ck_assert_msg(wb_signal_storm_start(0.001) == 0,
                  "test setup: starting the signal storm failed: %s", strerror(errno));
    double start = wb_now();
    errno = 0;
    int rc = conn_poll(&reader, 0.2);
    int saved = errno;
    double waited = wb_now() - start;
    long signals = wb_signal_storm_stop();
    conn_close(&reader);
    conn_close(&writer);
    ck_assert_msg(rc == 0, "conn_poll(0.2) while %ld signals arrived: got %d (errno %s), "
                  "expected 0; a signal must not end the wait", signals, rc, strerror(saved));
    ck_assert_msg(waited >= 0.2, "conn_poll(0.2) returned 0 after %.3f s: after a signal, "
                  "wait for the time that is left", waited);
}

WB_TEST(poll_on_write_end_or_closed_end_is_ebadf)
{
    struct conn reader, writer;
    open_pipe(&reader, &writer, false);
    errno = 0;
    int rc = conn_poll(&writer, 0);
    ck_assert_msg(rc == -1 && errno == EBADF, "conn_poll on the write end of a one-way pipe: "
                  "got %d (errno %s), expected -1 with EBADF", rc, strerror(errno));
    conn_close(&reader);
    errno = 0;
    rc = conn_poll(&reader, 0);
    ck_assert_msg(rc == -1 && errno == EBADF, "conn_poll on a closed end: got %d (errno %s), "
                  "expected -1 with EBADF", rc, strerror(errno));
    conn_close(&writer);
}
