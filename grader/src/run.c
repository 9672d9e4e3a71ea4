/* run.c - stage 3: run a chapter's tests and read their results.
 *
 * The runner gets its own session and a clean Check environment (fork mode, one
 * timeout per test). When it ends or its overall deadline passes, everything it
 * started is killed (see command.c), and the results come from Check's XML log. */
#include "grader.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "command.h"

extern char **environ;

enum { LIST_TIMEOUT_S = 30, RUNNER_OVERHEAD_S = 30 };

/* The grader's environment without Check's settings, plus the ones it needs: a
 * student's CK_FORK=no or CK_RUN_CASE must not change how grading runs. */
static char **runner_environment(void)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = xcalloc(n + 3, sizeof *env);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "CK_", 3) != 0)
            env[k++] = environ[i];
    env[k++] = "CK_FORK=yes";
    env[k++] = "CK_VERBOSITY=normal";
    return env;
}

/* Asks the runner which tests it defines; marks declared tests it lacks. Returns the
 * number of declared tests present, or -1 when the runner could not list them. */
static int check_defined(const char *work, char **env, struct chapter_result *r, bool *present)
{
    char *const argv[] = {"build/runner", "--list", NULL};
    char *out_path = path_join(work, "build/list.txt");
    struct command cmd = {.argv = argv, .cwd = work, .output_path = out_path, .env = env,
                          .timeout_s = LIST_TIMEOUT_S, .own_session = true};
    struct command_outcome out;
    char *listing = NULL;
    if (command_run(&cmd, &out) == 0 && command_succeeded(&out))
        listing = read_text_file(out_path, 256 * 1024);
    free(out_path);
    if (listing == NULL)
        return -1;
    int count = 0;
    for (size_t i = 0; i < r->chapter->n_tests; i++) {
        const char *name = r->tests[i].spec->name;
        size_t len = strlen(name);
        present[i] = false;
        for (const char *p = strstr(listing, name); p && !present[i]; p = strstr(p + 1, name))
            present[i] = (p == listing || p[-1] == '\n') && p[len] == '\n';
        if (present[i]) {
            count++;
        } else {
            free(r->tests[i].message);
            r->tests[i].message = xasprintf("test '%s' is declared in chapter.cfg but not "
                                            "defined in tests/ (renamed or deleted?)", name);
        }
    }
    free(listing);
    return count;
}

/* runner --xml build/check.xml --timeout NAME=S ... NAME ... for the present tests. */
static char **runner_argv(const struct chapter *ch, const bool *present, double *total_timeout)
{
    char **argv = xcalloc(4 + 3 * ch->n_tests, sizeof *argv);
    size_t k = 0;
    argv[k++] = xstrdup("build/runner");
    argv[k++] = xstrdup("--xml");
    argv[k++] = xstrdup("build/check.xml");
    *total_timeout = RUNNER_OVERHEAD_S;
    for (size_t i = 0; i < ch->n_tests; i++) {
        if (!present[i])
            continue;
        argv[k++] = xstrdup("--timeout");
        argv[k++] = xasprintf("%s=%g", ch->tests[i].name, ch->tests[i].timeout);
        *total_timeout += ch->tests[i].timeout;
    }
    for (size_t i = 0; i < ch->n_tests; i++)
        if (present[i])
            argv[k++] = xstrdup(ch->tests[i].name);
    return argv;
}

/* Why tests that should have run have no result. */
static char *missing_reason(const struct command_outcome *out)
{
    if (out->timed_out)
        return xasprintf("no result: the test runner did not finish within %.0f s and was "
                         "killed", out->seconds);
    if (WIFSIGNALED(out->status))
        return xasprintf("no result: the test runner was killed by signal %d (%s)",
                         WTERMSIG(out->status), strsignal(WTERMSIG(out->status)));
    return xasprintf("no result: the test runner ended (status %d) without reporting it",
                     WEXITSTATUS(out->status));
}

static void mark_missing(struct chapter_result *r, const bool *present,
                         const struct command_outcome *out)
{
    char *reason = missing_reason(out);
    for (size_t i = 0; i < r->chapter->n_tests; i++) {
        if (present[i] && !r->tests[i].reported) {
            free(r->tests[i].message);
            r->tests[i].message = xstrdup(reason);
        }
    }
    free(reason);
}

static void free_argv(char **argv)
{
    for (char **a = argv; *a; a++)
        free(*a);
    free(argv);
}

int run_chapter(const struct grade_config *cfg, const struct chapter *ch,
                struct chapter_result *r)
{
    char *work = path_join(cfg->workdir, ch->id);
    char **env = runner_environment();
    bool *present = xcalloc(ch->n_tests, sizeof *present);
    int rc = 0;
    if (check_defined(work, env, r, present) < 0) {
        r->status = CHAPTER_ERROR;
        r->message = xstrdup("the test runner could not list its tests (did it crash at "
                             "start-up?)");
        chapter_result_fail_all(r, TEST_ERROR, "not graded: the test runner did not start");
        rc = -1;
    } else {
        double deadline;
        char **argv = runner_argv(ch, present, &deadline);
        char *log = path_join(work, "build/run.log");
        char *xml = path_join(work, "build/check.xml");
        struct command cmd = {.argv = argv, .cwd = work, .output_path = log, .env = env,
                              .timeout_s = deadline, .own_session = true};
        struct command_outcome out;
        unlink(xml);
        if (command_run(&cmd, &out) < 0) {
            r->status = CHAPTER_ERROR;
            r->message = xasprintf("cannot start the test runner: %s", strerror(out.exec_errno));
            rc = -1;
        } else {
            if (checklog_read(xml, r) < ch->n_tests)
                mark_missing(r, present, &out);
            if (out.strays > 0)
                chapter_result_add_note(r, "%lu process(es) started during the tests were "
                                        "still running after them and were killed",
                                        out.strays);
        }
        free(log);
        free(xml);
        free_argv(argv);
    }
    free(present);
    free(env);
    free(work);
    return rc;
}
