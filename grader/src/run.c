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

char **runner_environment(char *extra)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = xcalloc(n + 4, sizeof *env);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "CK_", 3) != 0 && strncmp(environ[i], "WB_", 3) != 0)
            env[k++] = environ[i];
    env[k++] = "CK_FORK=yes";
    env[k++] = "CK_VERBOSITY=normal";
    if (extra)
        env[k++] = extra;
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
    if (listing == NULL || listing[0] == '\0') {
        free(listing); /* a runner with no test at all cannot be linked: it died early */
        return -1;
    }
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

/* What one attempt at running the tests needs. */
struct attempt {
    const struct chapter *chapter;
    const char *work;
    char **env;
    struct completions *completions;
};

double runner_add_tests(struct argv *a, const struct chapter *ch, const bool *selected,
                        double slowdown)
{
    double total = 0;
    for (size_t i = 0; i < ch->n_tests; i++) {
        if (!selected[i])
            continue;
        double t = ch->tests[i].timeout * slowdown;
        argv_add(a, "--timeout");
        argv_addf(a, "%s=%g", ch->tests[i].name, t);
        total += t;
    }
    for (size_t i = 0; i < ch->n_tests; i++)
        if (selected[i])
            argv_add(a, ch->tests[i].name);
    return total;
}

/* runner --xml-dir build/xml --completions FD --token-fd FD --timeout NAME=S ...
 * NAME ... for the tests in `todo`. */
static struct argv runner_argv(const struct chapter *ch, const bool *todo, int completions_fd,
                               int token_fd, double *total_timeout)
{
    struct argv a = {0};
    argv_add(&a, "build/runner");
    argv_add(&a, "--xml-dir");
    argv_add(&a, "build/xml");
    argv_add(&a, "--completions");
    argv_addf(&a, "%d", completions_fd);
    argv_add(&a, "--token-fd");
    argv_addf(&a, "%d", token_fd);
    *total_timeout = RUNNER_OVERHEAD_S + runner_add_tests(&a, ch, todo, 1);
    return a;
}

/* Why the runner stopped before reporting every test. */
static char *missing_reason(const struct command_outcome *out)
{
    if (out->timed_out)
        return xasprintf("no result: the test runner did not finish within %.0f s and was "
                         "killed", out->seconds);
    if (WIFSIGNALED(out->status))
        return xasprintf("no result: the test runner was killed by signal %d (%s) while "
                         "running this test",
                         WTERMSIG(out->status), strsignal(WTERMSIG(out->status)));
    return xasprintf("no result: the test runner ended (status %d) without reporting it",
                     WEXITSTATUS(out->status));
}

static void set_message(struct test_verdict *t, char *message)
{
    free(t->message);
    t->message = message;
    t->status = TEST_ERROR;
}

/* Reads the log of each test that was to run, build/xml/NAME.xml. */
static void read_logs(const struct chapter *ch, const char *xml_dir, const bool *todo,
                      struct chapter_result *r)
{
    for (size_t i = 0; i < ch->n_tests; i++) {
        if (!todo[i])
            continue;
        char *xml = xasprintf("%s/%s.xml", xml_dir, ch->tests[i].name);
        checklog_read(xml, r);
        free(xml);
    }
}

/* Runs the runner once for the tests in todo and reads what it reported. Returns -1
 * when it could not start (r says why). */
static int run_once(const struct attempt *a, const bool *todo, struct chapter_result *r,
                    struct command_outcome *out)
{
    int token_fd = completions_token_pipe(a->completions);
    if (token_fd < 0) {
        r->message = xasprintf("cannot pass the runner its token: %s", strerror(errno));
        return -1;
    }
    double deadline;
    struct argv argv = runner_argv(a->chapter, todo, a->completions->fd, token_fd, &deadline);
    char *log = path_join(a->work, "build/run.log");
    char *xml_dir = path_join(a->work, "build/xml");
    int pass[] = {a->completions->fd, token_fd};
    struct command cmd = {.argv = argv.items, .cwd = a->work, .output_path = log, .env = a->env,
                          .timeout_s = deadline, .own_session = true, .pass_fds = pass,
                          .n_pass_fds = 2};
    int rc = remove_tree(xml_dir) == 0 && mkdir_p(xml_dir) == 0 ? command_run(&cmd, out) : -1;
    close(token_fd);
    if (rc < 0)
        r->message = xasprintf("cannot start the test runner: %s",
                               strerror(out->exec_errno ? out->exec_errno : errno));
    else
        read_logs(a->chapter, xml_dir, todo, r);
    free(log);
    free(xml_dir);
    argv_free(&argv);
    return rc;
}

static bool any(const bool *flags, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (flags[i])
            return true;
    return false;
}

/* Runs the tests in todo. The runner runs them in the order given (chapter.cfg's),
 * so when a signal kills it (a test that kill()s its parent, say), the first
 * unreported test was running: it is charged with it and the runner is started
 * again for the rest, so that one hostile test cannot cost the others. */
static int run_tests(const struct attempt *a, bool *todo, struct chapter_result *r)
{
    size_t n = a->chapter->n_tests;
    while (any(todo, n)) {
        struct command_outcome out;
        if (run_once(a, todo, r, &out) < 0)
            return -1;
        size_t first = n;
        for (size_t i = 0; i < n; i++) {
            todo[i] = todo[i] && !r->tests[i].reported;
            if (todo[i] && first == n)
                first = i;
        }
        if (out.strays > 0)
            chapter_result_add_note(r, "%lu process(es) started during the tests were "
                                    "still running after them and were killed",
                                    out.strays);
        if (first == n)
            return 0;
        bool retry = !out.timed_out && WIFSIGNALED(out.status);
        char *reason = missing_reason(&out);
        for (size_t i = first; i < n; i++)
            if (todo[i] && (i == first || !retry))
                set_message(&r->tests[i], xstrdup(reason));
        free(reason);
        todo[first] = false;
        if (!retry)
            return 0;
    }
    return 0;
}

int run_chapter(const struct grade_config *cfg, const struct chapter *ch,
                struct chapter_result *r)
{
    char *work = path_join(cfg->workdir, ch->id);
    char **env = runner_environment(NULL);
    bool *todo = xcalloc(ch->n_tests, sizeof *todo);
    char *log_path = path_join(work, "build/completions.log");
    struct completions completions = {.fd = -1};
    int rc = 0;
    int defined = check_defined(work, env, r, todo);
    if (defined == 0) {
        /* every declared test is missing from tests/: each one's message says so */
    } else if (defined < 0) {
        r->status = CHAPTER_ERROR;
        r->message = xstrdup("the test runner did not list its tests: it ended at start-up, "
                             "before any test ran");
        chapter_result_fail_all(r, TEST_ERROR, "not graded: the test runner did not start");
        rc = -1;
    } else if (completions_open(&completions, log_path) < 0) {
        r->status = CHAPTER_ERROR;
        r->message = xasprintf("cannot create %s: %s", log_path, strerror(errno));
        rc = -1;
    } else {
        struct attempt a = {ch, work, env, &completions};
        rc = run_tests(&a, todo, r);
        if (rc < 0)
            r->status = CHAPTER_ERROR;
        completions_apply(&completions, r);
    }
    completions_close(&completions);
    free(log_path);
    free(todo);
    free(env);
    free(work);
    return rc;
}
