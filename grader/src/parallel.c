/* parallel.c - grade -j N: chapters graded at once, each in a worker process.
 *
 * Why processes, not threads: the sandbox's last sweep kills everything its uid owns
 * and removes that uid's IPC objects, and a uid is derived from the grader's pid
 * (sandbox.c). A worker takes the uid of its own pid (sandbox_take_own_uid), names its
 * control groups with its pid, and works in its chapter's own folder, so chapters graded
 * at once cannot reach each other's processes. The harness, built once per grading, is
 * built under a lock (build.c).
 *
 * Chapters start costliest first (most test runs, valgrind's counted once per
 * analysis), so that a long chapter does not end the grading alone. A worker grades
 * its chapter with no terminal output, then writes its result as JSON
 * (result_transfer.c) to a pipe and exits; the grader reads every pipe with poll(),
 * prints each chapter whole when its pipe closes (in the order chapters end), calls
 * `ended` with the chapters so far in chapter order, and redraws the progress line
 * listing the chapters running. Workers die with the grader (PR_SET_PDEATHSIG: SIGTERM,
 * which they handle as an interrupt, so that their sandboxes are cleaned up). */
#include "parallel.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "command.h"
#include "result_transfer.h"

enum { REDRAW_EVERY_MS = 200, READ_CHUNK = 64 * 1024 };

struct worker {
    pid_t pid;
    int fd;          /* the read end of its result pipe */
    size_t chapter;  /* index in p->chapters */
    char *text;      /* what it wrote so far */
    size_t len;
    double start;
};

/* What grading a chapter costs, roughly: each test runs once, and once more under each
 * analysis that covers it (valgrind runs are what take long). */
static size_t cost(const struct chapter *ch)
{
    size_t analyses = (size_t)ch->helgrind.on + (size_t)ch->memcheck.on, n = ch->n_tests;
    for (size_t i = 0; i < ch->n_tests; i++)
        n += ch->tests[i].valgrind ? analyses : 0;
    return n;
}

static const struct parallel_grading *sorting; /* for by_cost: qsort takes no argument */

/* The costliest chapters first, so that the last to end is a short one; then in order. */
static int by_cost(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, k = *(const size_t *)b;
    size_t ci = cost(sorting->chapters[i]), ck = cost(sorting->chapters[k]);
    if (ci != ck)
        return ci > ck ? -1 : 1;
    return i < k ? -1 : i > k;
}

int parallel_default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static int write_all(int fd, const char *text, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, text, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        text += n;
        len -= (size_t)n;
    }
    return 0;
}

/* In the worker: grades the chapter and writes its result to fd; never returns. */
static void work(const struct parallel_grading *p, const struct chapter *ch, int fd,
                 pid_t grader)
{
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != grader) /* the grader died before the line above */
        _exit(1);
    /* orphans of its tests re-parent to it, as they would to a sequential grader */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    if (p->cfg->sandbox)
        sandbox_take_own_uid(p->cfg->sandbox);
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null >= 0) /* the grader prints each chapter: nothing of the worker's shows */
        dup2(null, STDOUT_FILENO);
    struct grade_config cfg = *p->cfg;
    cfg.live = NULL;
    struct chapter_result r;
    p->grade(&cfg, ch, &r);
    if (command_interrupted()) /* stopped part way: no result to report */
        _exit(1);
    char *text = result_transfer_encode(&r);
    int rc = text ? write_all(fd, text, strlen(text)) : -1;
    _exit(rc == 0 ? 0 : 1);
}

static int start(const struct parallel_grading *p, size_t chapter, struct worker *w)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -1;
    pid_t grader = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        work(p, p->chapters[chapter], fds[1], grader);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return -1;
    }
    *w = (struct worker){.pid = pid, .fd = fds[0], .chapter = chapter,
                         .start = monotonic_seconds()};
    return 0;
}

/* Why a worker gave no result, from its wait status (to free). */
static char *worker_failure(int status, const char *why)
{
    if (WIFSIGNALED(status))
        return xasprintf("not graded: the grader's process for this chapter was killed by "
                         "signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    return xasprintf("not graded: the grader's process for this chapter ended (status %d) "
                     "without a result: %s", WIFEXITED(status) ? WEXITSTATUS(status) : -1, why);
}

/* The worker's pipe closed: its result, read back. Returns false when there is none to
 * keep (an interrupt stopped the worker before it wrote one: the chapter was not graded
 * to its end, and is left out). */
static bool finish(const struct parallel_grading *p, struct worker *w, struct chapter_result *r)
{
    close(w->fd);
    int status = 0;
    while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
        continue;
    const struct chapter *ch = p->chapters[w->chapter];
    char why[256] = "it wrote nothing";
    int rc = w->text ? result_transfer_decode(w->text, w->len, ch, r, why, sizeof why)
                     : (chapter_result_init(r, ch), -1);
    free(w->text);
    w->text = NULL;
    if (rc == 0)
        return true;
    chapter_result_free(r);
    if (command_interrupted())
        return false;
    chapter_result_init(r, ch);
    r->status = CHAPTER_ERROR;
    r->message = worker_failure(status, why);
    chapter_result_fail_all(r, TEST_ERROR, "not graded: the grader failed");
    score_chapter(r);
    return true;
}

/* Reads what is there; returns false at the end of the pipe. */
static bool read_some(struct worker *w)
{
    char chunk[READ_CHUNK];
    ssize_t n = read(w->fd, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0)
        return false;
    w->text = xrealloc(w->text, w->len + (size_t)n + 1);
    memcpy(w->text + w->len, chunk, (size_t)n);
    w->len += (size_t)n;
    w->text[w->len] = '\0';
    return true;
}

/* "[3/12] grading 07-process-pool 12 s, 08-threads 3 s" */
static void show_progress(const struct parallel_grading *p, const struct worker *ws,
                          size_t running, size_t ended)
{
    if (p->live == NULL || !p->live->tty)
        return;
    char line[512];
    double now = monotonic_seconds();
    int len = snprintf(line, sizeof line, "[%zu/%zu] grading", ended, p->n_chapters);
    for (size_t i = 0; i < running && len > 0 && (size_t)len < sizeof line; i++)
        len += snprintf(line + len, sizeof line - (size_t)len, "%s %s %.0f s", i ? "," : "",
                        p->chapters[ws[i].chapter]->id, now - ws[i].start);
    live_jobs_progress(p->live, line);
}

/* Calls p->ended with the chapters ended so far, in chapter order. */
static void report_ended(const struct parallel_grading *p, const struct chapter_result *slots,
                         const bool *ended)
{
    if (p->ended == NULL)
        return;
    struct chapter_result *so_far = xcalloc(p->n_chapters + 1, sizeof *so_far);
    size_t n = 0;
    for (size_t i = 0; i < p->n_chapters; i++)
        if (ended[i])
            so_far[n++] = slots[i]; /* borrowed: only read */
    p->ended(p->arg, so_far, n);
    free(so_far);
}

/* Chapter ch has its result in slots[ch]: printed, and reported with those before. */
static void chapter_ended(const struct parallel_grading *p, struct chapter_result *slots,
                          bool *ended, size_t ch, size_t *n_ended)
{
    ended[ch] = true;
    (*n_ended)++;
    if (p->live)
        live_chapter_whole(p->live, &slots[ch]);
    report_ended(p, slots, ended);
}

size_t parallel_grade(const struct parallel_grading *p, struct chapter_result *results)
{
    size_t max = p->jobs > 0 ? (size_t)p->jobs : 1;
    struct worker *ws = xcalloc(max, sizeof *ws);
    struct pollfd *fds = xcalloc(max, sizeof *fds);
    struct chapter_result *slots = xcalloc(p->n_chapters + 1, sizeof *slots);
    bool *ended = xcalloc(p->n_chapters + 1, sizeof *ended);
    size_t *order = xcalloc(p->n_chapters + 1, sizeof *order);
    for (size_t i = 0; i < p->n_chapters; i++)
        order[i] = i;
    sorting = p;
    qsort(order, p->n_chapters, sizeof *order, by_cost);
    size_t next = 0, running = 0, n_ended = 0;
    bool stopping = false;
    for (;;) {
        if (command_interrupted() && !stopping) {
            stopping = true; /* Ctrl-C reached them too; SIGTERM did not */
            for (size_t i = 0; i < running; i++)
                kill(ws[i].pid, SIGTERM);
        }
        while (!stopping && running < max && next < p->n_chapters) {
            size_t ch = order[next++];
            if (start(p, ch, &ws[running]) == 0) {
                running++;
                continue;
            }
            struct grade_config cfg = *p->cfg; /* no process to be had: grade it here */
            cfg.live = NULL;
            p->grade(&cfg, p->chapters[ch], &slots[ch]);
            chapter_ended(p, slots, ended, ch, &n_ended);
        }
        if (running == 0)
            break;
        show_progress(p, ws, running, n_ended);
        for (size_t i = 0; i < running; i++)
            fds[i] = (struct pollfd){.fd = ws[i].fd, .events = POLLIN};
        if (poll(fds, (nfds_t)running, REDRAW_EVERY_MS) <= 0)
            continue; /* a redraw, or a signal */
        for (size_t i = running; i-- > 0;) {
            if (fds[i].revents == 0 || read_some(&ws[i]))
                continue;
            size_t ch = ws[i].chapter;
            if (finish(p, &ws[i], &slots[ch]))
                chapter_ended(p, slots, ended, ch, &n_ended);
            ws[i] = ws[--running];
        }
    }
    if (p->live)
        live_jobs_progress(p->live, "");
    size_t n = 0;
    for (size_t i = 0; i < p->n_chapters; i++)
        if (ended[i])
            results[n++] = slots[i];
    free(order);
    free(ended);
    free(slots);
    free(fds);
    free(ws);
    return n;
}
