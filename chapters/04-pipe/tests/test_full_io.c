/* test_full_io.c - pins every promise of full_io.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "full_io.h"
#include "pipe_helpers.h"
#include "wb_test.h"

enum { MIB = 1024 * 1024 };

/* What a writing child is told: where, how much, and whether to run a signal storm. */
struct writer {
    int fd, unused_fd;
    size_t size;
    unsigned seed;
    bool storm;
};

/* Child: io_write_all one pattern buffer. Exit 0 on success, else the errno (or 1). */
static int write_child(void *arg)
{
    struct writer *w = arg;
    close(w->unused_fd);
    ignore_sigpipe(); /* a reader that gives up early is then reported, not a signal */
    unsigned char *data = pattern_new(w->size, w->seed);
    if (w->storm && wb_signal_storm_start(0.0002) < 0)
        return 1;
    int rc = io_write_all(w->fd, data, w->size);
    int saved = errno;
    wb_signal_storm_stop();
    free(data);
    return rc == 0 ? 0 : (saved > 0 && saved < 256 ? saved : 1);
}

/* Child: writes the pattern with the harness in chunks of 1000 bytes, then ends. */
static int chunked_write_child(void *arg)
{
    struct writer *w = arg;
    close(w->unused_fd);
    unsigned char *data = pattern_new(w->size, w->seed);
    int rc = 0;
    for (size_t at = 0; at < w->size && rc == 0; at += 1000)
        rc = wb_write_full(w->fd, data + at, w->size - at < 1000 ? w->size - at : 1000);
    free(data);
    return rc == 0 ? 0 : 1;
}

/* Starts child fn writing size bytes into a new pipe; returns the read end. */
static int start_writer(int (*fn)(void *), size_t size, bool storm, pid_t *pid)
{
    int fds[2];
    wb_pipe(fds);
    struct writer w = {.fd = fds[1], .unused_fd = fds[0], .size = size, .seed = 7,
                       .storm = storm};
    *pid = wb_child_run(fn, &w);
    close(fds[1]);
    return fds[0];
}

static void expect_child_wrote(pid_t pid)
{
    int code = wb_wait_exitcode(pid, 30);
    ck_assert_msg(code == 0, "io_write_all in the child failed: %s (errno %d)",
                  code == 1 ? "see the test" : strerror(code), code);
}

WB_TEST(write_all_sends_4_mib_through_a_pipe)
{
    pid_t pid;
    int fd = start_writer(write_child, 4 * MIB, false, &pid);
    unsigned char *got = malloc(4 * MIB + 1);
    ck_assert_msg(got != NULL, "test setup: malloc of 4 MiB failed");
    ssize_t n = wb_read_full(fd, got, 4 * MIB + 1);
    bool same = n == 4 * MIB && pattern_matches(got, 4 * MIB, 7);
    free(got);
    close(fd);
    expect_child_wrote(pid);
    ck_assert_msg(n == 4 * MIB, "io_write_all of 4 MiB (64 times the pipe's capacity): the "
                                "reader got %zd bytes", n);
    ck_assert_msg(same, "the 4 MiB arrived with wrong bytes");
}

WB_TEST(write_all_survives_signals)
{
    /* Under a storm of signals a blocked write returns early: with what it had moved
     * so far (a short write), or -1 with EINTR when it had moved nothing. */
    pid_t pid;
    int fd = start_writer(write_child, 16 * MIB, true, &pid);
    unsigned char *got = malloc(16 * MIB + 1);
    ck_assert_msg(got != NULL, "test setup: malloc of 16 MiB failed");
    ssize_t n = wb_read_full(fd, got, 16 * MIB + 1);
    bool same = n == 16 * MIB && pattern_matches(got, 16 * MIB, 7);
    free(got);
    close(fd);
    expect_child_wrote(pid);
    ck_assert_msg(n == 16 * MIB, "16 MiB written while signals arrived every 0.2 ms: the "
                                 "reader got %zd bytes (continue after a short write)", n);
    ck_assert_msg(same, "the 16 MiB arrived with wrong bytes (continue a short write from "
                        "where it stopped)");
}

WB_TEST(read_all_collects_small_chunks)
{
    pid_t pid;
    int fd = start_writer(chunked_write_child, 100000, false, &pid);
    unsigned char *got = malloc(100000);
    ck_assert_msg(got != NULL, "test setup: malloc of 100000 bytes failed");
    ssize_t n = io_read_all(fd, got, 100000);
    bool same = n == 100000 && pattern_matches(got, 100000, 7);
    free(got);
    close(fd);
    int code = wb_wait_exitcode(pid, 30);
    ck_assert_msg(code == 0,
                  "the child that writes 100000 bytes in chunks should exit with 0, exit "
                  "code %d (1: one of its writes failed)",
                  code);
    ck_assert_msg(n == 100000, "100000 bytes written in chunks of 1000: io_read_all returned "
                               "%zd (errno %s); a read returns what has arrived so far, "
                               "keep reading", n, n < 0 ? strerror(errno) : "-");
    ck_assert_msg(same, "io_read_all returned the right count but wrong bytes");
}

WB_TEST(read_all_survives_signals)
{
    pid_t pid;
    int fd = start_writer(write_child, 16 * MIB, false, &pid);
    unsigned char *got = malloc(16 * MIB);
    ck_assert_msg(got != NULL, "test setup: malloc of 16 MiB failed");
    ck_assert_msg(wb_signal_storm_start(0.0002) == 0,
                  "test setup: starting the signal storm failed: %s", strerror(errno));
    ssize_t n = io_read_all(fd, got, 16 * MIB);
    int saved = errno;
    long signals = wb_signal_storm_stop();
    bool same = n == 16 * MIB && pattern_matches(got, 16 * MIB, 7);
    free(got);
    close(fd);
    wb_wait_status(pid, 30); /* the writer fails with EPIPE when we stopped early */
    ck_assert_msg(n == 16 * MIB, "16 MiB read while %ld signals arrived: io_read_all returned "
                                 "%zd (errno %s); retry on EINTR",
                  signals, n, n < 0 ? strerror(saved) : "-");
    ck_assert_msg(same, "the 16 MiB were read with wrong bytes");
}

WB_TEST(read_all_stops_at_end_of_file)
{
    pid_t pid;
    int fd = start_writer(write_child, 10, false, &pid);
    char got[100];
    errno = EINTR; /* left over from an earlier interrupted call: end-of-file must still
                    * end the read, only a read that failed with EINTR is retried */
    ssize_t n = io_read_all(fd, got, sizeof got);
    errno = EINTR;
    ssize_t again = io_read_all(fd, got, sizeof got);
    close(fd);
    expect_child_wrote(pid);
    ck_assert_msg(n == 10, "the writer sent 10 bytes and ended; io_read_all(100) returned "
                           "%zd, expected 10", n);
    ck_assert_msg(again == 0, "at end-of-file io_read_all should return 0, got %zd", again);
}

WB_TEST(zero_bytes_move_nothing)
{
    int fds[2];
    wb_pipe(fds);
    char byte;
    ck_assert_msg(io_write_all(fds[1], "x", 0) == 0, "io_write_all of 0 bytes should return 0");
    ck_assert_msg(io_read_all(fds[0], &byte, 0) == 0, "io_read_all of 0 bytes should return 0 "
                                                      "without waiting");
    close(fds[1]);
    ssize_t n = read(fds[0], &byte, 1);
    close(fds[0]);
    ck_assert_msg(n == 0, "io_write_all of 0 bytes wrote something");
}

WB_TEST(full_io_errors_keep_errno)
{
    int fds[2];
    wb_pipe(fds);
    char buf[4] = "abc";
    errno = 0;
    int rc = io_write_all(fds[0], buf, 3);
    ck_assert_msg(rc == -1 && errno == EBADF, "io_write_all on a read end: got %d (errno %s), "
                  "expected -1 with EBADF", rc, strerror(errno));
    errno = 0;
    ssize_t n = io_read_all(fds[1], buf, 3);
    ck_assert_msg(n == -1 && errno == EBADF, "io_read_all on a write end: got %zd (errno %s), "
                  "expected -1 with EBADF", n, strerror(errno));
    ignore_sigpipe();
    close(fds[0]);
    errno = 0;
    rc = io_write_all(fds[1], buf, 3);
    close(fds[1]);
    ck_assert_msg(rc == -1 && errno == EPIPE, "io_write_all with no reader left: got %d "
                  "(errno %s), expected -1 with EPIPE", rc, strerror(errno));
}
