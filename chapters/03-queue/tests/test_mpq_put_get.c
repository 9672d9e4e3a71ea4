/* test_mpq_put_get.c - pins mpq_put and mpq_get: limits, timeouts, order, processes. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "mpq.h"
#include "wb_test.h"

/* The hang guard of the tests with one producer and one consumer: a correct queue
 * answers in milliseconds; a broken one fails the test after GUARD seconds, well
 * within the test's timeout even when both sides wait that long. */
#define GUARD 5.0

/* Gets one message (block, at most 10 s) and checks it is text. */
static void get_text(struct mpq *q, const char *text)
{
    void *msg = NULL;
    ssize_t len = mpq_get(q, &msg, true, GUARD);
    bool same = len == (ssize_t)strlen(text) && memcmp(msg, text, (size_t)len) == 0;
    free(msg);
    ck_assert_msg(len >= 0, "get: %s, expected the message \"%s\"", result_name(len), text);
    ck_assert_msg(same, "get returned %zd bytes, expected \"%s\" (%zu bytes)", len, text,
                  strlen(text));
}

WB_TEST(mpq_gets_messages_in_put_order)
{
    const char *texts[] = {"first", "", "third, longer than the others", "4"};
    struct mpq q;
    init_ok(&q, 8);
    for (int i = 0; i < 4; i++)
        put_text(&q, texts[i]);
    for (int i = 0; i < 4; i++)
        get_text(&q, texts[i]);
    void *msg = (void *)1;
    ssize_t more = mpq_get(&q, &msg, false, 0);
    mpq_close(&q);
    ck_assert_msg(more == MPQ_EMPTY && msg == NULL,
                  "every message was got; one more get: %s, expected MPQ_EMPTY with msg NULL",
                  result_name(more));
}

WB_TEST(mpq_put_without_block_on_full_is_full)
{
    struct mpq q;
    init_ok(&q, 2);
    put_text(&q, "a");
    put_text(&q, "b");
    int rc = mpq_put(&q, "c", 1, false, 5.0);
    get_text(&q, "a");
    get_text(&q, "b");
    void *msg = NULL;
    ssize_t more = mpq_get(&q, &msg, false, 0);
    free(msg);
    mpq_close(&q);
    ck_assert_msg(rc == MPQ_FULL, "put (block false) on a full queue: %s, expected MPQ_FULL",
                  result_name(rc));
    ck_assert_msg(more == MPQ_EMPTY, "the refused message was queued anyway");
}

WB_TEST(mpq_put_on_full_times_out_after_the_timeout)
{
    struct mpq q;
    init_ok(&q, 1);
    put_text(&q, "a");
    double t0 = wb_now();
    int rc = mpq_put(&q, "b", 1, true, 0.05);
    double took = wb_now() - t0;
    mpq_close(&q);
    ck_assert_msg(rc == MPQ_TIMEOUT, "put (block, 0.05 s) on a full queue: %s, expected "
                                     "MPQ_TIMEOUT", result_name(rc));
    ck_assert_msg(took >= 0.049, "put's 0.05 s timeout ended after %.4f s: too early", took);
}

WB_TEST(mpq_get_without_block_on_empty_is_empty)
{
    struct mpq q;
    init_ok(&q, 2);
    void *msg = (void *)1;
    ssize_t rc = mpq_get(&q, &msg, false, 5.0);
    mpq_close(&q);
    ck_assert_msg(rc == MPQ_EMPTY && msg == NULL,
                  "get (block false) on an empty queue: %s, expected MPQ_EMPTY with msg NULL",
                  result_name(rc));
}

WB_TEST(mpq_get_on_empty_times_out_after_the_timeout)
{
    struct mpq q;
    init_ok(&q, 2);
    void *msg = (void *)1;
    double t0 = wb_now();
    ssize_t rc = mpq_get(&q, &msg, true, 0.05);
    double took = wb_now() - t0;
    ssize_t rc0 = mpq_get(&q, &msg, true, 0);
    mpq_close(&q);
    ck_assert_msg(rc == MPQ_TIMEOUT && msg == NULL,
                  "get (block, 0.05 s) on an empty queue: %s, expected MPQ_TIMEOUT",
                  result_name(rc));
    ck_assert_msg(took >= 0.049, "get's 0.05 s timeout ended after %.4f s: too early", took);
    ck_assert_msg(rc0 == MPQ_TIMEOUT, "get (block, 0 s) on an empty queue: %s, expected "
                                      "MPQ_TIMEOUT", result_name(rc0));
}

WB_TEST(mpq_get_after_a_timed_out_get_gets)
{
    struct mpq q;
    init_ok(&q, 2);
    void *msg = NULL;
    ssize_t timed_out = mpq_get(&q, &msg, true, 0.02);
    ssize_t empty = mpq_get(&q, &msg, false, 0);
    put_text(&q, "after");
    ssize_t len = mpq_get(&q, &msg, true, GUARD);
    bool same = len == 5 && memcmp(msg, "after", 5) == 0;
    free(msg);
    mpq_close(&q);
    ck_assert_msg(timed_out == MPQ_TIMEOUT && empty == MPQ_EMPTY,
                  "get on an empty queue: %s (block, 0.02 s) and %s (block false), expected "
                  "MPQ_TIMEOUT and MPQ_EMPTY", result_name(timed_out), result_name(empty));
    ck_assert_msg(len == 5 && same,
                  "after a get that timed out and one that found nothing, a message was put; "
                  "the next get: %s, expected the message: a get that fails must give the "
                  "read lock (rlock) back", result_name(len));
}

WB_TEST(mpq_get_gives_the_place_back)
{
    struct mpq q;
    init_ok(&q, 1);
    put_text(&q, "a");
    get_text(&q, "a");
    int rc = mpq_put(&q, "b", 1, false, 0);
    get_text(&q, "b");
    put_text(&q, ""); /* an empty message takes a place too, and gives it back */
    get_text(&q, "");
    int rc_empty = mpq_put(&q, "c", 1, false, 0);
    mpq_close(&q);
    ck_assert_msg(rc == MPQ_OK, "maxsize 1: put, get, put again: %s, expected MPQ_OK (get "
                                "must free the place)", result_name(rc));
    ck_assert_msg(rc_empty == MPQ_OK, "maxsize 1: put and get of an empty message, then a "
                                      "put: %s, expected MPQ_OK (getting an empty message "
                                      "frees its place too)", result_name(rc_empty));
}

/* --- across processes ---------------------------------------------------------- */

struct child_arg {
    struct mpq *q;
    int report_fd;
};

/* Child: gets one message (at most 10 s) and writes it to report_fd. */
static int get_and_report(void *arg)
{
    struct child_arg *a = arg;
    void *msg = NULL;
    ssize_t len = mpq_get(a->q, &msg, true, GUARD);
    if (len < 0)
        return 2;
    int rc = wb_write_full(a->report_fd, msg, (size_t)len);
    free(msg);
    return rc == 0 ? 0 : 1;
}

WB_TEST(mpq_blocked_put_wakes_when_another_process_gets)
{
    struct mpq q;
    init_ok(&q, 1);
    int fds[2];
    wb_pipe(fds);
    put_text(&q, "A");
    struct child_arg arg = {&q, fds[1]};
    pid_t child = wb_child_run(get_and_report, &arg);
    close(fds[1]);
    int rc = mpq_put(&q, "B", 1, true, GUARD); /* full until the child gets "A" */
    int code = wb_wait_exitcode(child, 10);
    char got[2] = {0};
    wb_read_full(fds[0], got, 1);
    close(fds[0]);
    ck_assert_msg(rc == MPQ_OK, "put on a full queue while another process gets: %s, "
                                "expected MPQ_OK once a place is free", result_name(rc));
    ck_assert_msg(code == 0 && strcmp(got, "A") == 0,
                  "the child (exit %d) got \"%s\", expected \"A\"", code, got);
    get_text(&q, "B");
    mpq_close(&q);
}

static int put_hello(void *arg)
{
    return mpq_put(arg, "hello", 5, true, GUARD) == MPQ_OK ? 0 : 1;
}

WB_TEST(mpq_blocked_get_wakes_when_another_process_puts)
{
    struct mpq q;
    init_ok(&q, 1);
    pid_t child = wb_child_run(put_hello, &q);
    get_text(&q, "hello"); /* waits up to 10 s */
    int code = wb_wait_exitcode(child, 10);
    mpq_close(&q);
    ck_assert_msg(code == 0, "the child's put failed (exit %d)", code);
}

/* --- many producers, many consumers -------------------------------------------- */

enum { PRODUCERS = 3, CONSUMERS = 3, PER_PRODUCER = 200, BAD_MESSAGE = 0xffffffffu };

/* Message k of producer p: its id (p * PER_PRODUCER + k), then id % 37 pattern
 * bytes, so that messages have different lengths. */
static size_t make_message(unsigned char *buf, uint32_t id)
{
    memcpy(buf, &id, sizeof id);
    pattern_fill(buf + sizeof id, id % 37, id);
    return sizeof id + id % 37;
}

static int producer(void *arg)
{
    struct child_arg *a = arg; /* report_fd holds the producer's number */
    unsigned char buf[64];
    for (uint32_t k = 0; k < PER_PRODUCER; k++) {
        uint32_t id = (uint32_t)a->report_fd * PER_PRODUCER + k;
        if (mpq_put(a->q, buf, make_message(buf, id), true, 10.0) != MPQ_OK)
            return 2;
    }
    return 0;
}

/* Gets until an empty message (the stop sign); reports each id, or BAD_MESSAGE for
 * a message that is not one a producer made. */
static int consumer(void *arg)
{
    struct child_arg *a = arg;
    for (;;) {
        void *msg = NULL;
        ssize_t len = mpq_get(a->q, &msg, true, 10.0);
        if (len < 0)
            return 2;
        if (len == 0) {
            free(msg);
            return 0;
        }
        uint32_t id = BAD_MESSAGE;
        if ((size_t)len >= sizeof id)
            memcpy(&id, msg, sizeof id);
        unsigned char expected[64];
        if (id >= PRODUCERS * PER_PRODUCER || make_message(expected, id) != (size_t)len ||
            memcmp(expected, msg, (size_t)len) != 0)
            id = BAD_MESSAGE;
        free(msg);
        if (wb_write_full(a->report_fd, &id, sizeof id) < 0)
            return 3;
    }
}

/* Checks what consumer c reported: no bad message, each producer's ids increasing
 * (the queue is FIFO); counts each id in seen. */
static void check_report(int c, const uint32_t *ids, size_t n, int *seen)
{
    uint32_t last[PRODUCERS];
    memset(last, 0xff, sizeof last);
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(ids[i] != BAD_MESSAGE, "consumer %d got a corrupted or mixed-up message",
                      c);
        uint32_t p = ids[i] / PER_PRODUCER;
        ck_assert_msg(last[p] == 0xffffffffu || ids[i] > last[p],
                      "consumer %d got producer %u's message %u after its message %u: one "
                      "producer's messages must come out in the order they were put",
                      c, p, ids[i] % PER_PRODUCER, last[p] % PER_PRODUCER);
        last[p] = ids[i];
        seen[ids[i]]++;
    }
}

WB_TEST(mpq_many_producers_and_consumers_lose_and_duplicate_nothing)
{
    struct mpq q;
    init_ok(&q, 4); /* small: producers often wait for a place */
    int fds[CONSUMERS][2];
    pid_t consumers[CONSUMERS], producers[PRODUCERS];
    struct child_arg arg;
    for (int c = 0; c < CONSUMERS; c++) {
        wb_pipe(fds[c]);
        arg = (struct child_arg){&q, fds[c][1]};
        consumers[c] = wb_child_run(consumer, &arg);
        close(fds[c][1]);
    }
    for (int p = 0; p < PRODUCERS; p++) {
        arg = (struct child_arg){&q, p};
        producers[p] = wb_child_run(producer, &arg);
    }
    for (int p = 0; p < PRODUCERS; p++)
        ck_assert_msg(wb_wait_exitcode(producers[p], 20) == 0, "producer %d: a put failed", p);
    for (int c = 0; c < CONSUMERS; c++) { /* one stop sign per consumer, after all else */
        int put = mpq_put(&q, "", 0, true, 10.0);
        ck_assert_msg(put == MPQ_OK,
                      "put of stop sign %d (an empty message, block true, timeout 10): %s, "
                      "expected MPQ_OK",
                      c, result_name(put));
    }
    int seen[PRODUCERS * PER_PRODUCER] = {0};
    static uint32_t ids[PRODUCERS * PER_PRODUCER + 1];
    for (int c = 0; c < CONSUMERS; c++) {
        int code = wb_wait_exitcode(consumers[c], 20);
        ck_assert_msg(code == 0, "consumer %d: a get failed (exit %d)", c, code);
        ssize_t n = wb_read_full(fds[c][0], ids, sizeof ids);
        close(fds[c][0]);
        check_report(c, ids, (size_t)n / sizeof *ids, seen);
    }
    mpq_close(&q);
    for (int id = 0; id < PRODUCERS * PER_PRODUCER; id++)
        ck_assert_msg(seen[id] == 1, "producer %d's message %d was got %d times, expected once",
                      id / PER_PRODUCER, id % PER_PRODUCER, seen[id]);
}

/* --- a message bigger than the pipe ------------------------------------------- */

enum { BIG = 1024 * 1024 };

/* The seeds' f(q): q.put('X' * 1000000), then the process ends. */
static int put_big(void *arg)
{
    void *buf = malloc(BIG);
    if (buf == NULL)
        return 3;
    pattern_fill(buf, BIG, 1);
    int rc = mpq_put(arg, buf, BIG, true, GUARD);
    free(buf);
    return rc == MPQ_OK ? 0 : 1;
}

/* Gets the 1 MiB message of put_big. On failure, kills the child first: it may be
 * stuck for ever in its write, since nobody else reads the pipe. */
static void get_big(struct mpq *q, pid_t child)
{
    void *msg = NULL;
    ssize_t len = mpq_get(q, &msg, true, GUARD); /* the hang guard, not forever */
    bool same = len == BIG && pattern_check(msg, BIG, 1);
    free(msg);
    if (!same) {
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
    }
    ck_assert_msg(len == BIG, "get of a 1 MiB message: %s (%zd), expected %d bytes",
                  result_name(len), len, BIG);
    ck_assert_msg(same, "the 1 MiB message came back with different bytes");
}

WB_TEST(mpq_big_message_get_then_join)
{
    struct mpq q;
    init_ok(&q, 2);
    pid_t child = wb_child_run(put_big, &q);
    get_big(&q, child);                       /* first get ... */
    int code = wb_wait_exitcode(child, 10);   /* ... then join: the right order */
    mpq_close(&q);
    ck_assert_msg(code == 0, "the child's put of 1 MiB failed (exit %d)", code);
}

WB_TEST(mpq_big_put_keeps_the_producer_until_got)
{
    struct mpq q;
    init_ok(&q, 2);
    pid_t child = wb_child_run(put_big, &q);
    /* The seeds' p.join() before queue.get(), with a timeout instead of forever:
     * the child cannot end while its message sits unread. */
    double deadline = wb_now() + 0.3;
    pid_t ended = 0;
    while (ended == 0 && wb_now() < deadline) {
        ended = waitpid(child, NULL, WNOHANG);
        wb_sleep(0.005);
    }
    if (ended == 0)
        get_big(&q, child); /* the fix: get first, and the child can end */
    int code = ended == 0 ? wb_wait_exitcode(child, 10) : -1;
    mpq_close(&q);
    ck_assert_msg(ended == 0, "the child that put 1 MiB ended before anyone got it: put must "
                              "write the message into the pipe itself (waiting for room), "
                              "not return early");
    ck_assert_msg(code == 0, "after the get, the child's put failed (exit %d)", code);
}

WB_TEST(mpq_get_of_a_truncated_frame_is_eio)
{
    struct mpq q;
    init_ok(&q, 2);
    /* Half a length, then no writer left: the frame can never be completed. */
    ck_assert_msg(wb_write_full(q.write_fd, "abc", 3) == 0,
                  "test setup: writing half a length into the queue's pipe failed: %s",
                  strerror(errno));
    close(q.write_fd);
    q.write_fd = -1;
    void *msg = (void *)1;
    errno = 0;
    ssize_t rc = mpq_get(&q, &msg, true, GUARD);
    int err = errno;
    mpq_close(&q);
    ck_assert_msg(rc == MPQ_ERROR && err == EIO && msg == NULL,
                  "get of a frame cut short by end-of-file: %s (errno %s), expected "
                  "MPQ_ERROR with errno EIO and msg NULL", result_name(rc), strerror(err));
}

WB_TEST(mpq_get_of_a_frame_cut_in_its_data_is_eio)
{
    struct mpq q;
    init_ok(&q, 2);
    /* A whole length (10 bytes to come), then 3 of them, then no writer left. */
    size_t len = 10;
    ck_assert_msg(wb_write_full(q.write_fd, &len, sizeof len) == 0,
                  "test setup: writing a length into the queue's pipe failed: %s",
                  strerror(errno));
    ck_assert_msg(wb_write_full(q.write_fd, "abc", 3) == 0,
                  "test setup: writing 3 data bytes into the queue's pipe failed: %s",
                  strerror(errno));
    close(q.write_fd);
    q.write_fd = -1;
    void *msg = (void *)1;
    errno = EINTR; /* left over from an earlier interrupted call: end-of-file must still
                    * end the read, only a read that failed with EINTR is retried */
    ssize_t rc = mpq_get(&q, &msg, true, GUARD);
    int err = errno;
    mpq_close(&q);
    ck_assert_msg(rc == MPQ_ERROR && err == EIO && msg == NULL,
                  "get of a frame whose data is cut short by end-of-file: %s (errno %s), "
                  "expected MPQ_ERROR with errno EIO and msg NULL (and the buffer freed)",
                  result_name(rc), strerror(err));
}
