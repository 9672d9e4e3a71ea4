/* shm_helpers.c - what the chapter 05 tests share. */
#include "shm_helpers.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wb_test.h"

bool is_mapped(const void *addr)
{
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    void *start = (void *)((uintptr_t)addr & ~(page - 1));
    /* msync fails with ENOMEM exactly when part of the range is not mapped. */
    return msync(start, page, MS_ASYNC) == 0 || errno != ENOMEM;
}

bool is_shared_mapping(const void *addr)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    if (maps == NULL)
        return false;
    char line[512], perms[8];
    unsigned long start, end;
    bool shared = false;
    while (fgets(line, sizeof line, maps) != NULL)
        if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) == 3 &&
            (uintptr_t)addr >= start && (uintptr_t)addr < end)
            shared = perms[3] == 's';
    fclose(maps);
    return shared;
}

struct watched {
    int (*fn)(void *);
    void *arg;
    int done_fd;
};

/* Child: the call, then one byte to say it returned. */
static int call_then_report(void *arg)
{
    struct watched *w = arg;
    int rc = w->fn(w->arg);
    return wb_write_full(w->done_fd, "d", 1) == 0 ? rc : 3;
}

static bool has_returned(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 0) == 1;
}

enum locked_run run_while_locked(pthread_mutex_t *lock, int (*fn)(void *), void *arg)
{
    int done[2];
    wb_pipe(done);
    int rc = pthread_mutex_lock(lock);
    ck_assert_msg(rc == 0,
                  "locking the lock in the test process, before the child starts: "
                  "pthread_mutex_lock returned %d (%s), expected 0",
                  rc, strerror(rc));
    pid_t pid = wb_child_run(call_then_report, &(struct watched){fn, arg, done[1]});
    close(done[1]);
    double deadline = wb_now() + 20;
    bool blocked = false;
    while (!has_returned(done[0]) && wb_now() < deadline) {
        /* 'S': asleep, here in the futex wait of the lock. Check the pipe after
         * seeing it, so that a call that returned just before is not missed. */
        if (wb_proc_state(pid) == 'S' && !has_returned(done[0])) {
            blocked = true;
            break;
        }
        wb_sleep(0.001);
    }
    rc = pthread_mutex_unlock(lock);
    ck_assert_msg(rc == 0,
                  "releasing the lock the test process holds: pthread_mutex_unlock returned "
                  "%d (%s), expected 0",
                  rc, strerror(rc));
    int code = wb_wait_exitcode(pid, 20);
    close(done[0]);
    if (!blocked)
        return DID_NOT_WAIT;
    return code == 0 ? WAITED_FOR_LOCK : FAILED_AFTER;
}

int in_child(int (*fn)(void *), void *arg)
{
    return wb_wait_exitcode(wb_child_run(fn, arg), 20);
}

int try_lock_child(void *arg)
{
    int rc = pthread_mutex_trylock(arg);
    if (rc == 0) {
        pthread_mutex_unlock(arg);
        return 0;
    }
    return rc == EBUSY ? 1 : 2;
}
