/* test_exit_status_extra.c - an instructor's extra tests of exit_status.h (the verdict
 * tests' hidden-test fixtures): their names and messages must never reach a student. */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exit_status.h"
#include "wb_test.h"

/* The wait status of a child that ends by signal signo (or exits with -signo). */
static int status_of(int signo)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (signo > 0)
            raise(signo);
        _exit(-signo);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

WB_TEST(secret_decodes_sigterm)
{
    int got = exitcode_from_status(status_of(SIGTERM));
    ck_assert_msg(got == -SIGTERM, "SECRET-MESSAGE-7731: SIGTERM gave %d, expected %d", got,
                  -SIGTERM);
}

WB_TEST(later_decodes_sigint)
{
    int got = exitcode_from_status(status_of(SIGINT));
    ck_assert_msg(got == -SIGINT, "LATER-MESSAGE-4242: SIGINT gave %d, expected %d", got,
                  -SIGINT);
}

WB_TEST(extra_normal_exit_seven)
{
    int got = exitcode_from_status(status_of(-7));
    ck_assert_msg(got == 7, "a child that exits with 7: exitcode %d, expected 7", got);
}

/* Tests run in the chapter's work folder: once compiled, the extra tests' sources are
 * removed from it, so that no code under test can read them. */
WB_TEST(extra_source_is_not_readable)
{
    int rc = access("tests/test_exit_status_extra.c", F_OK);
    ck_assert_msg(rc != 0 && errno == ENOENT,
                  "tests/test_exit_status_extra.c is still in the work folder (access: %d)", rc);
    ck_assert_msg(access("tests/test_exit_status.c", F_OK) == 0,
                  "the chapter's own tests/test_exit_status.c is not where this test runs");
}
