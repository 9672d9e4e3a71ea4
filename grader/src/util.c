/* util.c - small helpers: strings, paths, files and folders, the clock. */
#include "grader.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
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

char *read_text_file(const char *path, size_t max_bytes)
{
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return NULL;
    char *text = xcalloc(max_bytes + 1, 1);
    size_t n = fread(text, 1, max_bytes, f);
    text[n] = '\0';
    fclose(f);
    return text;
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
