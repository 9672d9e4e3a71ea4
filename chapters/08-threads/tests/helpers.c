/* helpers.c - what this chapter's tests share. */
#include "helpers.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wb_test.h"

int count_threads(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    ck_assert_msg(f != NULL, "cannot open /proc/self/status");
    char line[256];
    int n = -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "Threads: %d", &n) == 1)
            break;
    fclose(f);
    return n;
}

void deny_new_threads(void)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    ck_assert_msg(ctx != NULL, "seccomp_init failed");
    /* clone3 passes its flags in memory, which a filter cannot read: refused with
     * ENOSYS, the C library retries with clone, whose flags it can. */
    int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAGAIN), SCMP_SYS(clone), 1,
                              SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
    if (rc == 0)
        rc = seccomp_load(ctx);
    seccomp_release(ctx);
    ck_assert_msg(rc == 0, "cannot install the seccomp filter that refuses new threads: %s",
                  strerror(-rc));
}

