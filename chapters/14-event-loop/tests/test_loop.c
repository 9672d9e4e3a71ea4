/* test_loop.c - pins loop.h: call_soon order, timers by deadline, cancellation,
 * readers and writers on pipes and sockets, stop, and what the loop frees. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loop.h"
#include "wb_test.h"

/* ---- what the callbacks record ---- */

enum { LOG_MAX = 64 };

/* The order callbacks ran in: each logs its tag. */
static struct {
    int tags[LOG_MAX];
    int n;
} ran;

static void log_tag(void *arg)
{
    if (ran.n < LOG_MAX)
        ran.tags[ran.n++] = (int)(intptr_t)arg;
}

#define TAG(n) ((void *)(intptr_t)(n))

/* "3 1 2": the log in words, for messages. */
static const char *ran_in_words(void)
{
    static char words[LOG_MAX * 4];
    size_t len = 0;
    words[0] = '\0';
    for (int i = 0; i < ran.n && len < sizeof words - 8; i++)
        len += (size_t)snprintf(words + len, sizeof words - len, "%s%d", i ? " " : "",
                                ran.tags[i]);
    return ran.n ? words : "nothing";
}

static void expect_ran(const int *tags, int n, const char *what)
{
    bool same = ran.n == n;
    for (int i = 0; same && i < n; i++)
        same = ran.tags[i] == tags[i];
    char expected[LOG_MAX * 4] = "";
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(expected + len, sizeof expected - len, "%s%d", i ? " " : "",
                                tags[i]);
    ck_assert_msg(same, "%s: expected the callbacks %s to run in that order, ran: %s", what,
                  expected, ran_in_words());
}

/* ---- helpers that fail the test on error ---- */

static struct loop *new_loop(void)
{
    memset(&ran, 0, sizeof ran);
    errno = 0;
    struct loop *loop = loop_new();
    ck_assert_msg(loop != NULL, "loop_new() returned NULL (errno %s)", strerror(errno));
    return loop;
}

static struct loop_handle *soon(struct loop *loop, loop_callback fn, void *arg)
{
    errno = 0;
    struct loop_handle *h = loop_call_soon(loop, fn, arg);
    ck_assert_msg(h != NULL, "loop_call_soon returned NULL (errno %s)", strerror(errno));
    return h;
}

static struct loop_handle *later(struct loop *loop, double delay, loop_callback fn, void *arg)
{
    errno = 0;
    struct loop_handle *h = loop_call_later(loop, delay, fn, arg);
    ck_assert_msg(h != NULL, "loop_call_later(%g) returned NULL (errno %s)", delay,
                  strerror(errno));
    return h;
}

static void run(struct loop *loop, const char *what)
{
    errno = 0;
    int rc = loop_run(loop);
    ck_assert_msg(rc == 0, "loop_run %s: expected 0, got %d (errno %s)", what, rc,
                  strerror(errno));
}

static void add_reader(struct loop *loop, int fd, loop_callback fn, void *arg)
{
    errno = 0;
    int rc = loop_add_reader(loop, fd, fn, arg);
    ck_assert_msg(rc == 0, "loop_add_reader(fd %d): expected 0, got %d (errno %s)", fd, rc,
                  strerror(errno));
}

static void add_writer(struct loop *loop, int fd, loop_callback fn, void *arg)
{
    errno = 0;
    int rc = loop_add_writer(loop, fd, fn, arg);
    ck_assert_msg(rc == 0, "loop_add_writer(fd %d): expected 0, got %d (errno %s)", fd, rc,
                  strerror(errno));
}

/* ---- call_soon ---- */

WB_TEST(call_soon_runs_callbacks_in_fifo_order)
{
    struct loop *loop = new_loop();
    for (int i = 1; i <= 5; i++)
        soon(loop, log_tag, TAG(i));
    ck_assert_msg(ran.n == 0, "loop_call_soon ran a callback at once; it must wait for "
                  "loop_run (ran: %s)", ran_in_words());
    run(loop, "with 5 callbacks scheduled");
    expect_ran((int[]){1, 2, 3, 4, 5}, 5, "call_soon 1 to 5, then loop_run");
    loop_free(loop);
}

static struct loop *the_loop; /* for callbacks that schedule more */

static void log_and_schedule_99(void *arg)
{
    log_tag(arg);
    soon(the_loop, log_tag, TAG(99));
}

WB_TEST(callback_scheduled_by_a_callback_runs_after_those_queued)
{
    struct loop *loop = the_loop = new_loop();
    soon(loop, log_and_schedule_99, TAG(1));
    soon(loop, log_tag, TAG(2));
    soon(loop, log_tag, TAG(3));
    run(loop, "after callback 1 schedules callback 99");
    expect_ran((int[]){1, 2, 3, 99}, 4, "1 (which schedules 99), 2, 3");
    loop_free(loop);
}

/* A callback that writes to a pipe watched by a reader, and schedules another. */
static struct {
    struct loop *loop;
    int pipe[2];
} next_round;

static void drain_and_log(void *arg)
{
    char c;
    ck_assert_msg(read(next_round.pipe[0], &c, 1) == 1, "the reader of a readable pipe could "
                  "not read its byte");
    loop_remove_reader(next_round.loop, next_round.pipe[0]);
    log_tag(arg);
}

static void write_and_schedule_3(void *arg)
{
    log_tag(arg);
    ck_assert_msg(write(next_round.pipe[1], "x", 1) == 1, "write to a pipe failed");
    soon(next_round.loop, log_tag, TAG(3));
}

WB_TEST(callback_scheduled_by_a_callback_runs_after_the_next_poll)
{
    struct loop *loop = next_round.loop = new_loop();
    wb_pipe(next_round.pipe);
    add_reader(loop, next_round.pipe[0], drain_and_log, TAG(2));
    soon(loop, write_and_schedule_3, TAG(1));
    run(loop, "where callback 1 makes a pipe readable and schedules callback 3");
    expect_ran((int[]){1, 2, 3}, 3, "1 (which writes to the pipe of reader 2 and schedules 3): "
               "3 waits for the next round, whose epoll_wait finds reader 2 first");
    loop_free(loop);
    close(next_round.pipe[0]);
    close(next_round.pipe[1]);
}

/* A callback that schedules itself again and again, until the reader stops it. */
static struct {
    int pipe[2];
    long spins;
    bool reader_ran;
} starve;

static void spin(void *arg)
{
    struct loop *loop = arg;
    if (starve.reader_ran || starve.spins >= 1000)
        return; /* 1000: a loop that starves its reader fails the test, not hangs */
    if (++starve.spins == 3) /* the data comes while the callback keeps spinning */
        ck_assert_msg(write(starve.pipe[1], "x", 1) == 1, "write to a pipe failed");
    soon(loop, spin, loop);
}

static void stop_spinning(void *arg)
{
    struct loop *loop = arg;
    char c;
    ck_assert_msg(read(starve.pipe[0], &c, 1) == 1, "the reader of a readable pipe could not "
                  "read its byte");
    starve.reader_ran = true;
    loop_remove_reader(loop, starve.pipe[0]);
}

WB_TEST(rescheduling_callback_does_not_starve_readers)
{
    struct loop *loop = new_loop();
    memset(&starve, 0, sizeof starve);
    wb_pipe(starve.pipe);
    add_reader(loop, starve.pipe[0], stop_spinning, loop);
    soon(loop, spin, loop);
    run(loop, "with a callback that reschedules itself and a reader");
    ck_assert_msg(starve.reader_ran && starve.spins < 100,
                  "a callback rescheduling itself with call_soon must let the loop look at "
                  "its descriptors in between: the reader ran: %s, after %ld spins",
                  starve.reader_ran ? "yes" : "no", starve.spins);
    loop_free(loop);
    close(starve.pipe[0]);
    close(starve.pipe[1]);
}

/* ---- call_later ---- */

WB_TEST(call_later_runs_timers_by_deadline)
{
    struct loop *loop = new_loop();
    later(loop, 0.06, log_tag, TAG(60));
    later(loop, 0.02, log_tag, TAG(20));
    later(loop, 0.04, log_tag, TAG(40));
    soon(loop, log_tag, TAG(0));
    run(loop, "with timers of 60, 20 and 40 ms and one call_soon");
    expect_ran((int[]){0, 20, 40, 60}, 4, "call_later 60 ms, 20 ms, 40 ms, then call_soon");
    loop_free(loop);
}

WB_TEST(call_later_with_equal_delays_keeps_fifo_order)
{
    struct loop *loop = new_loop();
    for (int i = 1; i <= 6; i++)
        later(loop, 0.0, log_tag, TAG(i));
    later(loop, -1.0, log_tag, TAG(7)); /* a negative delay counts as 0 */
    run(loop, "with 7 timers of delay 0 (the last -1)");
    expect_ran((int[]){1, 2, 3, 4, 5, 6, 7}, 7, "call_later(0) 1 to 6, call_later(-1) 7");
    loop_free(loop);
}

static double fired_at;

static void note_time(void *arg)
{
    fired_at = loop_time(arg);
}

WB_TEST(call_later_waits_at_least_its_delay)
{
    struct loop *loop = new_loop();
    fired_at = 0;
    double start = loop_time(loop);
    later(loop, 0.05, note_time, loop);
    run(loop, "with one timer of 50 ms");
    ck_assert_msg(fired_at - start >= 0.05, "a call_later(0.05) callback ran %.4f s after it "
                  "was scheduled: never earlier than its delay", fired_at - start);
    loop_free(loop);
}

WB_TEST(loop_time_is_the_monotonic_clock)
{
    struct loop *loop = new_loop();
    double before = wb_now(), t = loop_time(loop), after = wb_now();
    ck_assert_msg(before <= t && t <= after, "loop_time() gave %.6f, outside [%.6f, %.6f] read "
                  "on CLOCK_MONOTONIC around it", t, before, after);
    loop_free(loop);
}

/* ---- cancellation ---- */

WB_TEST(cancel_before_run_never_calls)
{
    struct loop *loop = new_loop();
    soon(loop, log_tag, TAG(1));
    struct loop_handle *soon_2 = soon(loop, log_tag, TAG(2));
    later(loop, 0.01, log_tag, TAG(3));
    struct loop_handle *later_4 = later(loop, 0.02, log_tag, TAG(4));
    struct loop_handle *later_5 = later(loop, 30, log_tag, TAG(5));
    loop_handle_cancel(soon_2);
    loop_handle_cancel(later_4);
    loop_handle_cancel(later_5);
    loop_handle_cancel(NULL);
    double start = wb_now();
    run(loop, "after cancelling 2 (call_soon), 4 (20 ms) and 5 (30 s)");
    expect_ran((int[]){1, 3}, 2, "1, 2 cancelled, 3 at 10 ms, 4 and 5 cancelled");
    ck_assert_msg(wb_now() - start < 20, "loop_run waited for the cancelled 30 s timer: a "
                  "cancelled timer is no work");
    loop_free(loop);
}

static struct loop_handle *to_cancel;

static void cancel_the_other(void *arg)
{
    log_tag(arg);
    loop_handle_cancel(to_cancel);
}

WB_TEST(callback_cancels_a_later_one)
{
    struct loop *loop = new_loop();
    soon(loop, cancel_the_other, TAG(1));
    to_cancel = soon(loop, log_tag, TAG(2));
    soon(loop, log_tag, TAG(3));
    run(loop, "where callback 1 cancels callback 2, both ready");
    expect_ran((int[]){1, 3}, 2, "1 cancels 2 (scheduled right after it), then 3");
    memset(&ran, 0, sizeof ran);
    later(loop, 0.01, cancel_the_other, TAG(4));
    to_cancel = later(loop, 0.03, log_tag, TAG(5));
    run(loop, "where a 10 ms timer cancels a 30 ms one");
    expect_ran((int[]){4}, 1, "timer 4 cancels timer 5");
    loop_free(loop);
}

/* ---- running and stopping ---- */

WB_TEST(run_returns_at_once_without_work)
{
    struct loop *loop = new_loop();
    double start = wb_now();
    run(loop, "on a new loop");
    run(loop, "a second time on a new loop");
    ck_assert_msg(wb_now() - start < 5, "loop_run on a loop with nothing to do took %.1f s: it "
                  "must return at once", wb_now() - start);
    loop_free(loop);
}

static void stop_loop(void *arg)
{
    log_tag(TAG(1));
    loop_stop(arg);
}

WB_TEST(stop_ends_run_and_run_resumes)
{
    struct loop *loop = new_loop();
    soon(loop, stop_loop, loop);
    later(loop, 0.05, log_tag, TAG(2));
    run(loop, "where callback 1 calls loop_stop");
    expect_ran((int[]){1}, 1, "1 stops the loop, timer 2 is due 50 ms later");
    run(loop, "again after loop_stop");
    expect_ran((int[]){1, 2}, 2, "the second loop_run runs timer 2, left scheduled by stop");
    loop_free(loop);
}

/* ---- readers and writers ---- */

/* A pipe and what its callbacks saw. */
static struct {
    struct loop *loop;
    int fds[2];
    int reads, writes;
    char got[16];
    ssize_t last_read;
} io;

static void io_setup(void)
{
    memset(&io, 0, sizeof io);
    io.loop = new_loop();
    wb_pipe(io.fds);
}

static void io_teardown(void)
{
    loop_free(io.loop);
    close(io.fds[0]);
    if (io.fds[1] >= 0)
        close(io.fds[1]);
}

/* Reads what is there; removes itself at end of file. */
static void read_pipe(void *arg)
{
    (void)arg;
    io.reads++;
    size_t len = strlen(io.got);
    io.last_read = read(io.fds[0], io.got + len, sizeof io.got - 1 - len);
    if (io.last_read <= 0)
        loop_remove_reader(io.loop, io.fds[0]);
}

static void write_hello(void *arg)
{
    (void)arg;
    ck_assert_msg(write(io.fds[1], "hello", 5) == 5, "write to a pipe failed");
}

static void close_write_end(void *arg)
{
    (void)arg;
    close(io.fds[1]);
    io.fds[1] = -1;
}

WB_TEST(reader_runs_when_a_pipe_has_data)
{
    io_setup();
    add_reader(io.loop, io.fds[0], read_pipe, NULL);
    later(io.loop, 0.02, write_hello, NULL);
    later(io.loop, 0.04, close_write_end, NULL);
    run(io.loop, "with a reader on a pipe written at 20 ms and closed at 40 ms");
    ck_assert_msg(strcmp(io.got, "hello") == 0, "the reader read \"%s\", expected \"hello\"",
                  io.got);
    ck_assert_msg(io.reads == 2 && io.last_read == 0, "expected the reader to run twice (the "
                  "data, then end of file, where it removes itself): it ran %d times, and its "
                  "last read returned %zd", io.reads, io.last_read);
    io_teardown();
}

static void write_and_remove(void *arg)
{
    (void)arg;
    io.writes++;
    write_hello(NULL);
    loop_remove_writer(io.loop, io.fds[1]);
}

WB_TEST(writer_runs_when_a_pipe_has_room)
{
    io_setup();
    add_writer(io.loop, io.fds[1], write_and_remove, NULL);
    run(io.loop, "with a writer on an empty pipe");
    char buf[8] = "";
    ssize_t n = read(io.fds[0], buf, sizeof buf - 1);
    ck_assert_msg(io.writes == 1 && n == 5, "the writer of an empty pipe should run once and "
                  "write 5 bytes: it ran %d times, the pipe held %zd bytes", io.writes, n);
    io_teardown();
}

static void count_read(void *arg)
{
    (void)arg;
    io.reads++;
    loop_remove_reader(io.loop, io.fds[0]);
}

WB_TEST(remove_reader_stops_its_callbacks)
{
    io_setup();
    ck_assert_msg(wb_write_full(io.fds[1], "x", 1) == 0, "write to a pipe failed");
    add_reader(io.loop, io.fds[0], count_read, NULL); /* stays readable: x is never read */
    run(io.loop, "with a reader that removes itself");
    ck_assert_msg(io.reads == 1, "a reader that removes itself ran %d times, expected once",
                  io.reads);
    errno = 0;
    int rc = loop_remove_reader(io.loop, io.fds[0]);
    ck_assert_msg(rc == -1 && errno == ENOENT, "loop_remove_reader of a descriptor with no "
                  "reader: expected -1 with ENOENT, got %d (errno %s)", rc, strerror(errno));
    errno = 0;
    rc = loop_remove_writer(io.loop, io.fds[0]);
    ck_assert_msg(rc == -1 && errno == ENOENT, "loop_remove_writer of a descriptor with no "
                  "writer: expected -1 with ENOENT, got %d (errno %s)", rc, strerror(errno));
    io_teardown();
}

WB_TEST(add_reader_again_replaces_the_callback)
{
    io_setup();
    ck_assert_msg(wb_write_full(io.fds[1], "x", 1) == 0, "write to a pipe failed");
    add_reader(io.loop, io.fds[0], log_tag, TAG(1));
    add_reader(io.loop, io.fds[0], count_read, NULL);
    run(io.loop, "after registering a second reader for the same pipe");
    ck_assert_msg(io.reads == 1 && ran.n == 0, "the second loop_add_reader for a descriptor "
                  "replaces the first: the new reader ran %d times (expected 1), the old one "
                  "%d (expected 0)", io.reads, ran.n);
    io_teardown();
}

/* A socket pair: the reader and the writer of one descriptor. */
static struct {
    struct loop *loop;
    int fd;
    int reads, writes;
} both;

static void both_write(void *arg)
{
    (void)arg;
    both.writes++;
    send(both.fd, "ping", 4, MSG_NOSIGNAL);
    loop_remove_writer(both.loop, both.fd);
}

static void both_read(void *arg)
{
    (void)arg;
    char buf[8];
    both.reads++;
    recv(both.fd, buf, sizeof buf, 0);
    loop_remove_reader(both.loop, both.fd);
}

static void echo_back(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char buf[8];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n > 0)
        send(fd, buf, (size_t)n, MSG_NOSIGNAL);
    loop_remove_reader(both.loop, fd);
}

WB_TEST(reader_and_writer_on_one_socket)
{
    int sv[2];
    ck_assert_msg(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0,
                  "socketpair failed: %s", strerror(errno));
    memset(&both, 0, sizeof both);
    both.loop = new_loop();
    both.fd = sv[0];
    add_reader(both.loop, sv[0], both_read, NULL);
    add_writer(both.loop, sv[0], both_write, NULL);
    add_reader(both.loop, sv[1], echo_back, (void *)(intptr_t)sv[1]);
    run(both.loop, "with a reader and a writer on one socket, and an echo on the other end");
    ck_assert_msg(both.writes == 1 && both.reads == 1, "the writer should send once and the "
                  "reader get the echo once: writer ran %d times, reader %d times",
                  both.writes, both.reads);
    loop_free(both.loop);
    close(sv[0]);
    close(sv[1]);
}

WB_TEST(add_reader_checks_its_arguments)
{
    io_setup();
    errno = 0;
    int rc = loop_add_reader(io.loop, -1, log_tag, NULL);
    ck_assert_msg(rc == -1 && errno == EBADF, "loop_add_reader(fd -1): expected -1 with "
                  "EBADF, got %d (errno %s)", rc, strerror(errno));
    int closed = dup(io.fds[0]);
    close(closed);
    errno = 0;
    rc = loop_add_writer(io.loop, closed, log_tag, NULL);
    ck_assert_msg(rc == -1 && errno == EBADF, "loop_add_writer of a closed descriptor: "
                  "expected -1 with EBADF, got %d (errno %s)", rc, strerror(errno));
    errno = 0;
    rc = loop_add_reader(io.loop, io.fds[0], NULL, NULL);
    ck_assert_msg(rc == -1 && errno == EINVAL, "loop_add_reader with a NULL callback: "
                  "expected -1 with EINVAL, got %d (errno %s)", rc, strerror(errno));
    errno = 0;
    ck_assert_msg(loop_call_soon(io.loop, NULL, NULL) == NULL && errno == EINVAL,
                  "loop_call_soon with a NULL callback: expected NULL with EINVAL (errno %s)",
                  strerror(errno));
    run(io.loop, "after registrations that all failed"); /* nothing is watched */
    io_teardown();
}

WB_TEST(descriptor_0_is_a_descriptor_like_any_other)
{
    close(0); /* the test's standard input: 0 is now the lowest free descriptor */
    struct loop *loop = new_loop();
    ck_assert_msg(fcntl(0, F_GETFD) != -1, "with descriptor 0 free, loop_new's epoll "
                  "descriptor should be 0: 0 is a valid descriptor, only -1 means failure");
    loop_free(loop);
    memset(&io, 0, sizeof io);
    wb_pipe(io.fds); /* before the loop, so that the pipe gets 0 */
    io.loop = new_loop();
    ck_assert_msg(io.fds[0] == 0, "the pipe's read end should be the lowest free descriptor, "
                  "0; it is %d", io.fds[0]);
    add_reader(io.loop, io.fds[0], read_pipe, NULL);
    later(io.loop, 0.01, write_hello, NULL);
    later(io.loop, 0.02, close_write_end, NULL);
    run(io.loop, "with a reader on descriptor 0");
    ck_assert_msg(strcmp(io.got, "hello") == 0, "a reader on descriptor 0 read \"%s\", "
                  "expected \"hello\": 0 is a valid descriptor", io.got);
    io_teardown();
}

WB_TEST(loop_new_without_a_free_descriptor_is_emfile)
{
    int fds[2];
    wb_pipe(fds); /* the two lowest free descriptors */
    int lowest = fds[0] < fds[1] ? fds[0] : fds[1];
    close(fds[0]);
    close(fds[1]);
    struct rlimit old, low;
    ck_assert_msg(getrlimit(RLIMIT_NOFILE, &old) == 0, "getrlimit failed: %s", strerror(errno));
    low = (struct rlimit){(rlim_t)lowest, old.rlim_max}; /* every allowed number is taken */
    ck_assert_msg(setrlimit(RLIMIT_NOFILE, &low) == 0, "setrlimit failed: %s", strerror(errno));
    errno = 0;
    struct loop *loop = loop_new();
    int err = errno;
    setrlimit(RLIMIT_NOFILE, &old);
    if (loop != NULL)
        loop_free(loop);
    ck_assert_msg(loop == NULL && err == EMFILE, "loop_new with no descriptor free: expected "
                  "NULL with EMFILE (from epoll_create1), got %s (errno %s)",
                  loop ? "a loop" : "NULL", strerror(err));
    loop = new_loop(); /* with descriptors free again, a loop works */
    soon(loop, log_tag, TAG(1));
    run(loop, "of a loop made after a loop_new that failed");
    expect_ran((int[]){1}, 1, "call_soon 1 on a loop made once descriptors were free");
    loop_free(loop);
}

WB_TEST(free_releases_the_descriptor_and_what_is_scheduled)
{
    int before = wb_count_fds();
    struct loop *loop = new_loop();
    ck_assert_msg(wb_count_fds() == before + 1, "loop_new should open one descriptor (its "
                  "epoll): %d were open before, %d after", before, wb_count_fds());
    int fds[2];
    wb_pipe(fds);
    soon(loop, log_tag, TAG(1));
    later(loop, 10, log_tag, TAG(2));
    add_reader(loop, fds[0], log_tag, TAG(3));
    loop_free(loop);
    ck_assert_msg(wb_count_fds() == before + 2, "loop_free should close its epoll descriptor "
                  "and leave the watched pipe open: %d open before the loop and the pipe, %d "
                  "after loop_free (expected %d)", before, wb_count_fds(), before + 2);
    ck_assert_msg(ran.n == 0, "loop_free ran callbacks (%s): it must only free them",
                  ran_in_words());
    close(fds[0]);
    close(fds[1]);
}
