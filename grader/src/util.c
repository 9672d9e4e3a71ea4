/* util.c - small helpers: strings, paths, files and folders, the clock. */
#include "grader.h"
#include "workfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Out of memory is the one error the grader does not try to survive. */
static void out_of_memory(void)
{
    fputs("grade: out of memory\n", stderr);
    exit(2);
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        out_of_memory();
    return p;
}

void *xrealloc(void *p, size_t size)
{
    void *bigger = realloc(p, size ? size : 1);
    if (bigger == NULL)
        out_of_memory();
    return bigger;
}

char *xstrdup(const char *s)
{
    char *copy = strdup(s);
    if (copy == NULL)
        out_of_memory();
    return copy;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    int rc = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (rc < 0)
        out_of_memory();
    return s;
}

char *path_join(const char *a, const char *b)
{
    size_t len = strlen(a);
    return xasprintf("%s%s%s", a, len > 0 && a[len - 1] == '/' ? "" : "/", b);
}

bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int mkdir_p(const char *path)
{
    char *p = xstrdup(path);
    for (char *slash = strchr(p + 1, '/');; slash = strchr(slash + 1, '/')) {
        if (slash)
            *slash = '\0';
        if (mkdir(p, 0755) < 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        if (!slash)
            break;
        *slash = '/';
    }
    free(p);
    return 0;
}

int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -1;
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        close(in);
        return -1;
    }
    char buf[65536];
    ssize_t n;
    int rc = 0;
    while ((n = read(in, buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || write(out, buf, (size_t)n) != n) {
            rc = -1;
            break;
        }
    }
    close(in);
    if (close(out) < 0)
        rc = -1;
    return rc;
}

/* Calls visit(from/name, to/name) for each entry of from except . and .. */
static int each_entry(const char *from, const char *to,
                      int (*visit)(const char *from, const char *to))
{
    DIR *d = opendir(from);
    if (d == NULL)
        return -1;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *src = path_join(from, e->d_name);
        char *dst = to ? path_join(to, e->d_name) : NULL;
        rc = visit(src, dst);
        free(src);
        free(dst);
    }
    closedir(d);
    return rc;
}

int copy_tree(const char *from, const char *to)
{
    struct stat st;
    if (lstat(from, &st) < 0)
        return -1;
    if (S_ISREG(st.st_mode))
        return copy_file(from, to);
    if (!S_ISDIR(st.st_mode))
        return 0; /* links, devices and sockets are never copied */
    if (mkdir_p(to) < 0)
        return -1;
    return each_entry(from, to, copy_tree);
}

static int remove_entry(const char *path, const char *unused)
{
    (void)unused;
    return remove_tree(path);
}

int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : -1;
    if (S_ISDIR(st.st_mode)) {
        chmod(path, 0700); /* a submission may have left a folder unwritable */
        if (each_entry(path, NULL, remove_entry) < 0)
            return -1;
        return rmdir(path);
    }
    return unlink(path);
}

/* What kind of file a mode is, for a refusal. */
static const char *file_kind(mode_t mode)
{
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISDIR(mode))
        return "a folder";
    return "of an unknown kind";
}

/* Whether a file with status st must not be read as a work file; if so, why. */
static bool refused(const char *path, const struct stat *st, size_t max_bytes, char *why,
                    size_t whylen)
{
    if (S_ISLNK(st->st_mode))
        snprintf(why, whylen, "%s is a symbolic link", path);
    else if (!S_ISREG(st->st_mode))
        snprintf(why, whylen, "%s is not a regular file (%s)", path, file_kind(st->st_mode));
    else if ((uintmax_t)st->st_size > max_bytes && max_bytes % 1024 == 0)
        snprintf(why, whylen, "%s is larger than %zu KiB", path, max_bytes / 1024);
    else if ((uintmax_t)st->st_size > max_bytes)
        snprintf(why, whylen, "%s is larger than %zu bytes", path, max_bytes);
    else
        return false;
    return true;
}

int workfile_open(const char *path, size_t max_bytes, char *why, size_t whylen)
{
    struct stat st;
    /* Look before opening: opening a device can act on it (a tape rewinds). */
    if (lstat(path, &st) < 0) {
        snprintf(why, whylen, "%s cannot be opened: %s", path, strerror(errno));
        return -1;
    }
    if (refused(path, &st, max_bytes, why, whylen))
        return -1;
    /* The file may be swapped since the look: open without following a link or
     * waiting for a FIFO's writer, then judge what was actually opened. */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int err = errno;
        if (err == ELOOP && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
            snprintf(why, whylen, "%s is a symbolic link", path);
        else
            snprintf(why, whylen, "%s cannot be opened: %s", path, strerror(err));
        return -1;
    }
    int flags = fstat(fd, &st) < 0 ? -1 : fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
        snprintf(why, whylen, "%s cannot be opened: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (refused(path, &st, max_bytes, why, whylen)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Reads fd to its end but at most max_bytes, NUL-terminated; *more says whether the
 * file held more. size (what fstat said) is where to start; the file may grow. NULL
 * on a read error. */
static char *read_bounded(int fd, size_t max_bytes, size_t size, size_t *len, bool *more)
{
    size_t cap = (size < max_bytes ? size : max_bytes) + 1, n = 0;
    char *text = xcalloc(cap, 1);
    while (n < max_bytes) {
        if (n == cap - 1) {
            size_t step = n > 4096 ? n : 4096;
            cap = (step < max_bytes - n ? n + step : max_bytes) + 1;
            text = xrealloc(text, cap);
        }
        ssize_t got = read(fd, text + n, cap - 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            free(text);
            return NULL;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    char extra;
    ssize_t got;
    do
        got = n == max_bytes ? read(fd, &extra, 1) : 0;
    while (got < 0 && errno == EINTR);
    *more = got > 0;
    text[n] = '\0';
    *len = n;
    return text;
}

/* Opens path with workfile_open (refusing it above open_limit bytes) and reads at most
 * max_bytes of it; *more is set when it was cut there. */
static char *read_workfile(const char *path, size_t open_limit, size_t max_bytes,
                           size_t *len, bool *more)
{
    int fd = workfile_open(path, open_limit, NULL, 0);
    if (fd < 0)
        return NULL;
    struct stat st;
    size_t size = fstat(fd, &st) == 0 ? (size_t)st.st_size : 0;
    char *text = read_bounded(fd, max_bytes, size, len, more);
    close(fd);
    return text;
}

char *workfile_read(const char *path, size_t max_bytes, size_t *len)
{
    size_t n;
    bool more;
    char *text = read_workfile(path, max_bytes, max_bytes, &n, &more);
    if (text && more) { /* it grew past the bound after being opened */
        free(text);
        return NULL;
    }
    if (text && len)
        *len = n;
    return text;
}

int write_file_atomically(const char *path, const char *text)
{
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "we");
    int rc = f ? 0 : -1;
    if (f) {
        bool bad = fputs(text, f) < 0;
        if (fclose(f) != 0 || bad)
            rc = -1;
    }
    if (rc == 0 && rename(tmp, path) < 0)
        rc = -1;
    if (rc < 0) {
        int e = errno;
        unlink(tmp);
        errno = e;
    }
    free(tmp);
    return rc;
}

/* Work-folder files (logs, listings, student sources) are read the way workfile_open
 * allows: never through a link, never waiting on a FIFO; a large file is cut. */
char *read_text_file(const char *path, size_t max_bytes)
{
    size_t len;
    bool more;
    return read_workfile(path, SIZE_MAX, max_bytes, &len, &more);
}

double monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *test_status_name(enum test_status s)
{
    static const char *const names[] = {"passed", "failed", "error", "timeout"};
    return names[s];
}

const char *chapter_status_name(enum chapter_status s)
{
    static const char *const names[] = {"graded", "compile_error", "error"};
    return names[s];
}

/* Indents every line of text by four spaces, for a note. */
char *indented(const char *text)
{
    char *out = xstrdup("");
    while (*text) {
        size_t len = strcspn(text, "\n");
        char *longer = xasprintf("%s\n    %.*s", out, (int)len, text);
        free(out);
        out = longer;
        text += len + (text[len] == '\n');
    }
    return out;
}
