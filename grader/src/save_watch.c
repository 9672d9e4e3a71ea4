/* save_watch.c - waiting for a student to save a file: inotify on the files' folders
 * (editors often save by writing a new file and renaming it over the old one, so the
 * folder is watched, not the file), or polling where inotify is not available (some
 * network and container file systems). */
#include "save_watch.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "grader.h"

enum { POLL_INTERVAL_MS = 300, SETTLE_MS = 150 };

struct file_state {
    bool exists;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
};

struct save_watch {
    char **files;
    size_t n;
    int fd; /* inotify; -1 when polling */
    int *folder_wd; /* per file: the watch descriptor of its folder */
    struct file_state *seen;
};

static struct file_state state_of(const char *path)
{
    struct stat st;
    struct file_state s = {0};
    if (stat(path, &st) == 0)
        s = (struct file_state){true, st.st_dev, st.st_ino, st.st_size, st.st_mtim};
    return s;
}

static bool same_state(const struct file_state *a, const struct file_state *b)
{
    return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino &&
           a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
           a->mtime.tv_nsec == b->mtime.tv_nsec;
}

static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? xasprintf("%.*s", (int)(slash - path), path) : xstrdup(".");
}

static int add_inotify_watches(struct save_watch *w)
{
    for (size_t i = 0; i < w->n; i++) {
        char *folder = folder_of(w->files[i]);
        w->folder_wd[i] = inotify_add_watch(w->fd, folder, IN_CLOSE_WRITE | IN_MOVED_TO |
                                                               IN_CREATE | IN_DELETE);
        free(folder);
        if (w->folder_wd[i] < 0)
            return -1;
    }
    return 0;
}

struct save_watch *save_watch_start(const char *const *files, size_t n, bool poll_only)
{
    struct save_watch *w = xcalloc(1, sizeof *w);
    w->n = n;
    w->files = xcalloc(n + 1, sizeof *w->files);
    w->folder_wd = xcalloc(n + 1, sizeof *w->folder_wd);
    w->seen = xcalloc(n + 1, sizeof *w->seen);
    for (size_t i = 0; i < n; i++) {
        w->files[i] = xstrdup(files[i]);
        w->seen[i] = state_of(files[i]);
    }
    w->fd = poll_only ? -1 : inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (w->fd >= 0 && add_inotify_watches(w) < 0) {
        close(w->fd); /* e.g. out of watches: polling still works */
        w->fd = -1;
    }
    return w;
}

void save_watch_free(struct save_watch *w)
{
    if (w == NULL)
        return;
    if (w->fd >= 0)
        close(w->fd);
    for (size_t i = 0; i < w->n; i++)
        free(w->files[i]);
    free(w->files);
    free(w->folder_wd);
    free(w->seen);
    free(w);
}

const char *save_watch_method(const struct save_watch *w)
{
    return w->fd >= 0 ? "inotify" : "polling";
}

/* The first file whose state changed since last seen, taking the new states in; -1
 * when none. */
static int first_changed(struct save_watch *w)
{
    int first = -1;
    for (size_t i = 0; i < w->n; i++) {
        struct file_state now = state_of(w->files[i]);
        if (!same_state(&now, &w->seen[i])) {
            w->seen[i] = now;
            if (first < 0 && now.exists)
                first = (int)i;
        }
    }
    return first;
}

/* Drains the inotify queue; whether anything was read. */
static bool drain(int fd)
{
    char buf[16 * (sizeof(struct inotify_event) + NAME_MAX + 1)];
    bool any = false;
    while (read(fd, buf, sizeof buf) > 0)
        any = true;
    return any;
}

/* Waits up to ms for inotify events (or just sleeps when polling); -1 on a signal. */
static int wait_events(const struct save_watch *w, int ms)
{
    if (w->fd < 0) {
        struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
        return nanosleep(&t, NULL) < 0 && errno == EINTR ? -1 : 0;
    }
    struct pollfd p = {.fd = w->fd, .events = POLLIN};
    int rc = poll(&p, 1, ms);
    if (rc < 0 && errno == EINTR)
        return -1;
    drain(w->fd);
    return rc > 0;
}

int save_watch_next(struct save_watch *w)
{
    for (;;) {
        /* inotify says something in a folder changed; the states say which file */
        if (wait_events(w, w->fd >= 0 ? -1 : POLL_INTERVAL_MS) < 0)
            return -1;
        int changed = first_changed(w);
        if (changed < 0)
            continue;
        int quiet;
        do { /* let the editor finish writing */
            quiet = wait_events(w, SETTLE_MS);
            if (quiet < 0)
                return -1;
            first_changed(w);
        } while (w->fd >= 0 && quiet > 0);
        return changed;
    }
}
