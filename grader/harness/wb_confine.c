/* wb_confine.c - what code under test may not do from inside a test process.
 *
 * Each test process installs a seccomp filter (libseccomp) once the harness has set
 * it up and before the test body runs: no file may be opened for writing or created,
 * nothing renamed, linked or removed, no io_uring, no executable memory mapped, and no
 * other process's memory reached (ptrace, process_vm_*, pidfd_getfd). Reading files stays allowed: tests read /proc/self.
 * Everything else is the sandbox's job; this closes the routes inside the process
 * (writing /proc/self/mem, rewriting logs) that no outer layer can see. */
#include "wb_test.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

/* Calls that change the file system by path, or reach into another process. */
static const int denied[] = {
    SCMP_SYS(creat),      SCMP_SYS(openat2),   SCMP_SYS(open_by_handle_at),
    SCMP_SYS(unlink),     SCMP_SYS(unlinkat),  SCMP_SYS(rename),
    SCMP_SYS(renameat),   SCMP_SYS(renameat2), SCMP_SYS(link),
    SCMP_SYS(linkat),     SCMP_SYS(symlink),   SCMP_SYS(symlinkat),
    SCMP_SYS(mkdir),      SCMP_SYS(mkdirat),   SCMP_SYS(rmdir),
    SCMP_SYS(mknod),      SCMP_SYS(mknodat),   SCMP_SYS(chmod),
    SCMP_SYS(fchmodat),   SCMP_SYS(chown),     SCMP_SYS(lchown),
    SCMP_SYS(fchownat),   SCMP_SYS(truncate),  SCMP_SYS(ptrace),
    SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev), SCMP_SYS(pidfd_getfd),
    /* io_uring opens and writes files without the calls above */
    SCMP_SYS(io_uring_setup), SCMP_SYS(io_uring_enter), SCMP_SYS(io_uring_register),
};

/* open(path, flags) and openat(dir, path, flags): only O_RDONLY without O_CREAT. */
static int deny_writing_opens(scmp_filter_ctx ctx, int syscall, unsigned flags_arg)
{
    const scmp_datum_t bad[][2] = {{O_ACCMODE, O_WRONLY}, {O_ACCMODE, O_RDWR},
                                   {O_CREAT, O_CREAT},    {O_TRUNC, O_TRUNC}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct scmp_arg_cmp cmp = {flags_arg, SCMP_CMP_MASKED_EQ, bad[i][0], bad[i][1]};
        if (seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(EPERM), syscall, 1, &cmp) < 0)
            return -1;
    }
    return 0;
}

/* mmap and mprotect: no executable memory, where code could be written at run time
 * that no scan of the student's objects saw. */
static int deny_executable_memory(scmp_filter_ctx ctx)
{
    struct scmp_arg_cmp exec = {2, SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC};
    if (seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mmap), 1, &exec) < 0 ||
        seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mprotect), 1, &exec) < 0 ||
        seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(pkey_mprotect), 1,
                               &exec) < 0)
        return -1;
    return 0;
}

int wb_confine(void)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == NULL)
        return -1;
    int rc = deny_writing_opens(ctx, SCMP_SYS(open), 1);
    if (rc == 0)
        rc = deny_writing_opens(ctx, SCMP_SYS(openat), 2);
    if (rc == 0)
        rc = deny_executable_memory(ctx);
    for (size_t i = 0; rc == 0 && i < sizeof denied / sizeof *denied; i++)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), denied[i], 0);
    if (rc == 0)
        rc = seccomp_load(ctx);
    seccomp_release(ctx);
    return rc < 0 ? -1 : 0;
}
