/* test_command.c - running commands: output, deadlines, and nothing left behind. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "command.h"
#include "unit.h"
#include "wb_proc.h"

static struct command_outcome run_sh(const char *dir, const char *script, double timeout,
                                     bool own_session)
{
    char *const argv[] = {"sh", "-c", (char *)script, NULL};
    char *out = path_join(dir, "out.txt");
    struct command cmd = {.argv = argv, .cwd = dir, .output_path = out,
                          .timeout_s = timeout, .own_session = own_session};
    struct command_outcome outcome;
    ck_assert_int_eq(command_run(&cmd, &outcome), 0);
    free(out);
    return outcome;
}

START_TEST(output_and_status_are_captured)
{
    char *dir = unit_tempdir();
    struct command_outcome o = run_sh(dir, "echo hello; echo oops >&2; exit 3", 30, false);
    ck_assert(!o.timed_out && WIFEXITED(o.status) && WEXITSTATUS(o.status) == 3);
    ck_assert(!command_succeeded(&o));
    char *out = path_join(dir, "out.txt");
    char *text = read_text_file(out, 100);
    ck_assert_str_eq(text, "hello\noops\n");
    free(text);
    free(out);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(deadline_kills_the_command)
{
    char *dir = unit_tempdir();
    struct command_outcome o = run_sh(dir, "sleep 60", 0.3, false);
    ck_assert(o.timed_out);
    ck_assert(WIFSIGNALED(o.status) && WTERMSIG(o.status) == SIGKILL);
    ck_assert(o.seconds < 30);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* A grandchild that leaves the session with setsid() escapes a process-group kill;
 * as a subreaper we adopt it, and the sweep must end it. */
START_TEST(own_session_ends_escaped_descendants)
{
    ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    char *dir = unit_tempdir();
    struct command_outcome o = run_sh(
        dir, "(setsid sh -c 'echo $$ > escapee.pid; exec sleep 300' &); "
             "while [ ! -s escapee.pid ]; do sleep 0.01; done",
        30, true);
    ck_assert(!o.timed_out);
    char *pidfile = path_join(dir, "escapee.pid");
    char *text = read_text_file(pidfile, 32);
    ck_assert_ptr_nonnull(text);
    pid_t escapee = (pid_t)atoi(text);
    ck_assert_int_gt(escapee, 0);
    ck_assert_msg(o.strays >= 1, "the escaped process was not counted as a stray");
    ck_assert_msg(wb_proc_state(escapee) == 0, "the escaped process %d is still there",
                  (int)escapee);
    free(text);
    free(pidfile);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(missing_program_is_reported)
{
    char *dir = unit_tempdir();
    char *const argv[] = {"/nonexistent/program", NULL};
    char *out = path_join(dir, "out.txt");
    struct command cmd = {.argv = argv, .output_path = out, .timeout_s = 5};
    struct command_outcome o;
    ck_assert_int_eq(command_run(&cmd, &o), -1);
    ck_assert_int_eq(o.exec_errno, ENOENT);
    free(out);
    remove_tree(dir);
    free(dir);
}
END_TEST

Suite *command_suite(void)
{
    Suite *s = suite_create("command");
    TCase *tc = tcase_create("run");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, output_and_status_are_captured);
    tcase_add_test(tc, deadline_kills_the_command);
    tcase_add_test(tc, own_session_ends_escaped_descendants);
    tcase_add_test(tc, missing_program_is_reported);
    suite_add_tcase(s, tc);
    return s;
}
