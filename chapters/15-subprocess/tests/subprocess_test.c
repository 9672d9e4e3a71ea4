/* subprocess_test.c - what the chapter 15 tests share. */
#include "subprocess_test.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_program.h"

/* A memory file holding the child program's image, with mode bits mode. Test
 * processes may create no file on disk, and run no dynamically linked program (the
 * loader could not map its libraries under their seccomp filter): this one is neither. */
static int program_file(mode_t mode)
{
    int fd = memfd_create("child_program", MFD_CLOEXEC);
    ck_assert_msg(fd >= 0, "the test could not create a memory file: %s", strerror(errno));
    ck_assert_msg(wb_write_full(fd, child_program_image, child_program_image_size) == 0,
                  "the test could not write the child program: %s", strerror(errno));
    ck_assert_msg(fchmod(fd, mode) == 0, "the test could not set the child program's "
                  "mode: %s", strerror(errno));
    return fd;
}

static const char *program_path(int *fd, char *path, size_t size, mode_t mode)
{
    if (*fd < 0) {
        *fd = program_file(mode);
        snprintf(path, size, "/proc/self/fd/%d", *fd);
    }
    return path;
}

const char *child_program(void)
{
    static int fd = -1;
    static char path[32];
    return program_path(&fd, path, sizeof path, 0755);
}

const char *child_program_not_executable(void)
{
    static int fd = -1;
    static char path[32];
    return program_path(&fd, path, sizeof path, 0644);
}

bool is_child_pattern(const char *data, size_t len)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz\n";
    for (size_t k = 0; k < len; k++)
        if (data[k] != alphabet[k % 27])
            return false;
    return true;
}

char *test_input(size_t n)
{
    char *buf = malloc(n + 1);
    ck_assert_msg(buf != NULL, "the test could not allocate %zu bytes", n);
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)(i * 31u + (i / 251u) * 7u + 1u); /* no period the pipes keep */
    return buf;
}

const char *errno_name(int e)
{
    const char *name = e == 0 ? "0" : strerrorname_np(e);
    return name ? name : "an unknown errno";
}

int count_children(void)
{
    return (int)wb_proc_children(getpid(), NULL, 0);
}

void assert_started(int rc, const struct child *c, const char *what)
{
    ck_assert_msg(rc == 0, "child_start(%s) returned %d (errno %s), expected 0", what, rc,
                  errno_name(rc == 0 ? 0 : errno));
    ck_assert_msg(c->pid > 0 && c->stdin_fd >= 0 && c->stdout_fd >= 0 && c->stderr_fd >= 0,
                  "child_start(%s) returned 0 but filled pid %d, stdin_fd %d, stdout_fd %d, "
                  "stderr_fd %d: expected a pid and three open descriptors", what,
                  (int)c->pid, c->stdin_fd, c->stdout_fd, c->stderr_fd);
}

char *read_to_end(int *fd, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    ck_assert_msg(buf != NULL, "the test could not allocate memory");
    double deadline = wb_now() + 20;
    for (;;) {
        struct pollfd p = {*fd, POLLIN, 0};
        int ready = poll(&p, 1, 100);
        ck_assert_msg(ready >= 0 || errno == EINTR, "poll on a pipe from the child failed: "
                      "%s", strerror(errno));
        ck_assert_msg(wb_now() < deadline, "the child's pipe (descriptor %d) did not reach "
                      "end of file within 20 s: is a copy of its write end still open?", *fd);
        if (ready <= 0)
            continue;
        if (cap - n < 1024) {
            buf = realloc(buf, cap *= 2);
            ck_assert_msg(buf != NULL, "the test could not allocate memory");
        }
        ssize_t got = read(*fd, buf + n, cap - n - 1);
        ck_assert_msg(got >= 0 || errno == EINTR, "reading a pipe from the child (descriptor "
                      "%d) failed: %s", *fd, strerror(errno));
        if (got == 0)
            break;
        if (got > 0)
            n += (size_t)got;
    }
    close(*fd);
    *fd = -1;
    buf[n] = '\0';
    *len = n;
    return buf;
}

void write_and_close(int *fd, const void *buf, size_t n)
{
    ck_assert_msg(wb_write_full(*fd, buf, n) == 0, "writing %zu bytes to the child's stdin "
                  "(descriptor %d) failed: %s", n, *fd, strerror(errno));
    close(*fd);
    *fd = -1;
}

int reap_child(pid_t pid)
{
    return wb_wait_status(pid, 20);
}
