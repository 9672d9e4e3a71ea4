/* stacks.c - reading the stacks of stopped threads with libdwfl, and telling them in
 * the chapter's files and lines. The caller (tracer.c) has the threads stopped with
 * ptrace; this file only reads them. */
#include "stacks.h"

#include <dirent.h>
#include <elfutils/libdwfl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "grader.h"

enum { CRASH_CHAPTER_FRAMES = 3 };

/* The path of file inside the chapter ("src/lock.c"), when it is one of the chapter's
 * sources (src/, tests/ or include/ of the work folder), else NULL. */
static const char *chapter_relative(const char *file, const struct stack_paths *paths)
{
    size_t len = strlen(paths->work);
    if (file == NULL || strncmp(file, paths->work, len) != 0 || file[len] != '/')
        return NULL;
    const char *rel = file + len + 1;
    static const char *const dirs[] = {"src/", "tests/", "include/"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
        if (strncmp(rel, dirs[i], strlen(dirs[i])) == 0)
            return rel;
    return NULL;
}

/* A library function's name as its users know it: "pthread_cond_wait" for
 * "pthread_cond_wait@@GLIBC_2.3.2". */
static char *plain_name(const char *function)
{
    if (function == NULL)
        return xstrdup("a library function");
    const char *plain = function + strspn(function, "_");
    if (strncmp(plain, "pthread_", 8) != 0 && strncmp(plain, "sem_", 4) != 0)
        plain = function; /* "__pthread_mutex_lock" is pthread_mutex_lock, not others */
    return strndup(plain, strcspn(plain, "@"));
}

/* "chapters/09-thread-sync/src/lock.c:31 (lock_acquire)" */
static char *where_of(const struct stack_frame *f, const struct stack_paths *paths)
{
    const char *rel = chapter_relative(f->file, paths);
    char *name = plain_name(f->function);
    char *s = xasprintf("%s%s:%d (%s)", paths->shown, rel ? rel : "?", f->line, name);
    free(name);
    return s;
}

static size_t first_chapter_frame(const struct stack_frame *frames, size_t n, size_t from,
                                  const struct stack_paths *paths)
{
    for (size_t i = from; i < n; i++)
        if (chapter_relative(frames[i].file, paths))
            return i;
    return n;
}

char *stacks_describe_thread(const struct stack_frame *frames, size_t n,
                             const struct stack_paths *paths)
{
    size_t k = first_chapter_frame(frames, n, 0, paths);
    if (k == n) {
        char *name = plain_name(n > 0 ? frames[0].function : NULL);
        char *s = xasprintf("is in %s (no frame in the chapter's files)", name);
        free(name);
        return s;
    }
    char *at = where_of(&frames[k], paths), *s;
    if (k == 0) {
        s = xasprintf("is at %s", at);
    } else {
        char *called = plain_name(frames[k - 1].function);
        s = xasprintf("waits in %s at %s", called, at);
        free(called);
    }
    free(at);
    size_t caller = first_chapter_frame(frames, n, k + 1, paths);
    if (caller < n) {
        char *from = where_of(&frames[caller], paths);
        char *longer = xasprintf("%s, called from %s", s, from);
        free(from);
        free(s);
        s = longer;
    }
    return s;
}

char *stacks_describe_crash(const struct stack_frame *frames, size_t n,
                            const struct stack_paths *paths)
{
    size_t k = first_chapter_frame(frames, n, 0, paths);
    if (k == n)
        return xstrdup("(no frame in the chapter's files)");
    char *s;
    if (k == 0) {
        s = xstrdup("at ");
    } else {
        char *called = plain_name(frames[0].function);
        s = xasprintf("in %s, called from ", called);
        free(called);
    }
    size_t shown = 0, folded = 0;
    for (size_t i = 0; i < n; i++) {
        if (!chapter_relative(frames[i].file, paths) || shown == CRASH_CHAPTER_FRAMES) {
            folded++;
            continue;
        }
        char *at = where_of(&frames[i], paths);
        char *longer = xasprintf("%s%s%s", s, shown++ ? " < " : "", at);
        free(at);
        free(s);
        s = longer;
    }
    if (folded > 0) {
        char *longer = xasprintf("%s; %zu other frame%s folded", s, folded,
                                 folded == 1 ? "" : "s");
        free(s);
        s = longer;
    }
    return s;
}

/* ---- reading a stack with libdwfl ---- */

static char *no_debuginfo_path = NULL;
static const Dwfl_Callbacks callbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .debuginfo_path = &no_debuginfo_path,
};

struct walk {
    Dwfl *dwfl;
    struct stack_frame *frames;
    int n;
};

static int on_frame(Dwfl_Frame *state, void *arg)
{
    struct walk *w = arg;
    Dwarf_Addr pc;
    bool activation;
    if (!dwfl_frame_pc(state, &pc, &activation))
        return DWARF_CB_ABORT;
    /* a return address is after its call: look up the call itself */
    Dwarf_Addr at = activation ? pc : pc - 1;
    Dwfl_Module *mod = dwfl_addrmodule(w->dwfl, at);
    const char *function = mod ? dwfl_module_addrname(mod, at) : NULL;
    Dwfl_Line *line = mod ? dwfl_module_getsrc(mod, at) : NULL;
    int lineno = 0;
    const char *file = line ? dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL) : NULL;
    const char *dir = line && file && file[0] != '/' ? dwfl_line_comp_dir(line) : NULL;
    w->frames[w->n++] = (struct stack_frame){
        .function = function ? xstrdup(function) : NULL,
        .file = dir ? path_join(dir, file) : file ? xstrdup(file) : NULL,
        .line = lineno};
    return w->n < STACK_MAX_FRAMES ? DWARF_CB_OK : DWARF_CB_ABORT;
}

int stacks_read(pid_t pid, pid_t tid, struct stack_frame *frames)
{
    Dwfl *dwfl = dwfl_begin(&callbacks);
    if (dwfl == NULL)
        return -1;
    struct walk w = {.dwfl = dwfl, .frames = frames};
    dwfl_report_begin(dwfl);
    bool ok = dwfl_linux_proc_report(dwfl, pid) == 0 &&
              dwfl_report_end(dwfl, NULL, NULL) == 0 &&
              dwfl_linux_proc_attach(dwfl, pid, true) == 0;
    if (ok)
        dwfl_getthread_frames(dwfl, tid, on_frame, &w); /* a broken stack ends early */
    dwfl_end(dwfl);
    return ok ? w.n : -1;
}

void stacks_free(struct stack_frame *frames, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(frames[i].function);
        free(frames[i].file);
    }
}

static int by_tid(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
    return (x > y) - (x < y);
}

size_t stacks_threads(pid_t pid, pid_t *tids, size_t max)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (d == NULL)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < max) {
        long tid = strtol(e->d_name, NULL, 10);
        if (tid > 0)
            tids[n++] = (pid_t)tid;
    }
    closedir(d);
    qsort(tids, n, sizeof *tids, by_tid);
    return n;
}
