/* processes.c - jobs in child processes: no GIL between them, and no shared memory. */
#include "workers.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static bool job_valid(const struct job *job)
{
    return job->steps >= 0 && (job->steps == 0 || job->compute != NULL);
}

struct child {
    pid_t pid;
    int fd; /* the read end of the pipe its result comes through */
};

/* In the child: runs the job, writes its result to fd, and ends. A write of a few bytes
 * to a pipe is atomic: all of it or nothing. */
static void child_main(const struct job *job, int fd)
{
    long result;
    bool sent = job_run(job, &result) == 0 &&
                write(fd, &result, sizeof result) == (ssize_t)sizeof result;
    _exit(sent ? 0 : 1); /* never return into the caller, never run its atexit handlers */
}

/* Reads the child's result: false at end of file, when the child died without writing.
 * A signal may interrupt the wait (EINTR): then read again. */
static bool read_result(int fd, long *result)
{
    ssize_t r;
    do
        r = read(fd, result, sizeof *result);
    while (r == -1 && errno == EINTR);
    return r == (ssize_t)sizeof *result;
}

int run_processes(const struct job *jobs, size_t n, long *results)
{
    for (size_t i = 0; i < n; i++)
        if (!job_valid(&jobs[i])) {
            errno = EINVAL;
            return -1;
        }
    if (n == 0)
        return 0;
    struct child *children = calloc(n, sizeof *children);
    if (children == NULL)
        return -1;
    /* Fork them all before waiting for any. */
    size_t started = 0;
    int error = 0;
    for (; started < n; started++) {
        int p[2];
        if (pipe(p) < 0) {
            error = errno;
            break;
        }
        pid_t pid = fork();
        if (pid < 0) {
            error = errno;
            close(p[0]);
            close(p[1]);
            break;
        }
        if (pid == 0) {
            /* The child keeps its write end only. What it inherited is a copy: closing
             * and freeing it here changes nothing of the parent's, and memcheck would
             * count a block left behind at _exit as leaked. */
            close(p[0]);
            for (size_t i = 0; i < started; i++)
                close(children[i].fd);
            free(children);
            child_main(&jobs[started], p[1]);
        }
        /* The parent keeps only the read end: with its write end closed, a child that
         * dies without writing gives end of file instead of a read that never ends. */
        close(p[1]);
        children[started] = (struct child){pid, p[0]};
    }
    for (size_t i = 0; i < started; i++) {
        if (!read_result(children[i].fd, &results[i]) && error == 0)
            error = ECHILD;
        close(children[i].fd);
        while (waitpid(children[i].pid, NULL, 0) == -1 && errno == EINTR)
            continue;
    }
    free(children);
    if (error != 0) {
        errno = error;
        return -1;
    }
    return 0;
}
