/* wb_runner.c - the main() of every chapter's test binary.
 *
 * Runs the tests that WB_TEST registered, in order, each in its own Check runner, so
 * that each has its own timeout and its own XML log, complete as soon as the test
 * ends: if the runner itself is killed, the results of the earlier tests are kept.
 *
 *   runner [--xml-dir DIR] [--timeout NAME=SECONDS]... [--token-fd FD] [--progress FD]
 *          [--attach-fd FD] [--confine] [--list] [NAME...]
 *
 * --xml-dir writes Check's XML log of each test to DIR/NAME.xml; --timeout sets one
 * test's timeout (default 10 s);
 * --token-fd names an inherited pipe holding a secret token (read and closed before
 * any test runs): each test process gets a pipe of its own on which its body records
 * "TOKEN NAME" when it runs to its end, and the runner counts the records after the
 * test: one naming the test is genuine; one naming another test, or a second one, is
 * forged; --progress names an inherited descriptor where the runner writes
 * "begin NAME", "end NAME GENUINE FORGED" around each test and "strays N" (processes
 * its tests left running, which it killed) at the end, so that the grader can hold
 * each test to its own deadline whatever the runner does; --attach-fd names an
 * inherited pipe: before its first test the runner writes "runner PID" on the
 * progress descriptor and waits (10 s at most) for a byte on that pipe, which the
 * grader sends once it has attached to the runner (grader/src/watch.h), then closes
 * it; --confine has each test
 * process install its seccomp filter (wb_confine.c); --list prints the registered
 * test names;
 * NAMEs run only those tests. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "wb_test.h"

/* The linker gathers every WB_TEST entry into the section "wb_tests". */
extern const TTest *__start_wb_tests[];
extern const TTest *__stop_wb_tests[];

enum { DEFAULT_TIMEOUT_S = 10 };

struct options {
    const char *xml_dir;
    int token_fd, progress_fd, attach_fd;
    bool list, confine;
    char token[65]; /* empty without --token-fd */
    char **timeouts; /* "NAME=SECONDS" strings */
    int n_timeouts;
    char **only; /* test names to run; none means all */
    int n_only;
};

static void usage_error(const char *message, const char *arg)
{
    fprintf(stderr, "runner: %s%s\n"
                    "usage: runner [--xml-dir DIR] [--timeout NAME=SECONDS]... [--list] [NAME...]\n",
            message, arg);
    exit(2);
}

static int parse_fd(const char *arg)
{
    char *end;
    long fd = strtol(arg, &end, 10);
    if (*end != '\0' || fd < 0 || fd > 65535)
        usage_error("bad descriptor ", arg);
    return (int)fd;
}

/* Reads the token the grader wrote to fd, then closes fd so that no test can. */
static void read_token(struct options *o)
{
    if (o->token_fd < 0)
        return;
    ssize_t n = read(o->token_fd, o->token, sizeof o->token - 1);
    close(o->token_fd);
    if (n <= 0)
        usage_error("no token on --token-fd", "");
    o->token[n] = '\0';
    o->token[strcspn(o->token, "\n")] = '\0';
}

static struct options parse_options(int argc, char **argv)
{
    struct options o = {.token_fd = -1, .progress_fd = -1, .attach_fd = -1};
    o.timeouts = calloc((size_t)argc, sizeof *o.timeouts);
    o.only = calloc((size_t)argc, sizeof *o.only);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--xml-dir") == 0 && i + 1 < argc)
            o.xml_dir = argv[++i];
        else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
            o.timeouts[o.n_timeouts++] = argv[++i];
        else if (strcmp(argv[i], "--token-fd") == 0 && i + 1 < argc)
            o.token_fd = parse_fd(argv[++i]);
        else if (strcmp(argv[i], "--progress") == 0 && i + 1 < argc)
            o.progress_fd = parse_fd(argv[++i]);
        else if (strcmp(argv[i], "--attach-fd") == 0 && i + 1 < argc)
            o.attach_fd = parse_fd(argv[++i]);
        else if (strcmp(argv[i], "--list") == 0)
            o.list = true;
        else if (strcmp(argv[i], "--confine") == 0)
            o.confine = true;
        else if (argv[i][0] == '-')
            usage_error("unknown or incomplete option ", argv[i]);
        else
            o.only[o.n_only++] = argv[i];
    }
    return o;
}

static const TTest *find_test(const char *name)
{
    for (const TTest **t = __start_wb_tests; t < __stop_wb_tests; t++)
        if (strcmp((*t)->name, name) == 0)
            return *t;
    return NULL;
}

/* The timeout given for name with --timeout, or the default. */
static double timeout_for(const struct options *o, const char *name)
{
    size_t len = strlen(name);
    for (int i = 0; i < o->n_timeouts; i++) {
        const char *spec = o->timeouts[i];
        if (strncmp(spec, name, len) != 0 || spec[len] != '=')
            continue;
        char *end;
        errno = 0;
        double seconds = strtod(spec + len + 1, &end);
        if (errno != 0 || *end != '\0' || seconds <= 0)
            usage_error("bad timeout ", spec);
        return seconds;
    }
    return DEFAULT_TIMEOUT_S;
}

/* Writes "WHAT NAME DETAIL\n" to the progress descriptor, if there is one. */
static void progress(const struct options *o, const char *what, const char *name,
                     const char *detail)
{
    if (o->progress_fd < 0)
        return;
    char line[512];
    int len = snprintf(line, sizeof line, "%s %s%s%s\n", what, name, detail ? " " : "",
                       detail ? detail : "");
    if (len > 0 && (size_t)len < sizeof line && write(o->progress_fd, line, (size_t)len) < 0)
        return; /* the grader is gone: it will not read anything else either */
}

/* The records the test's process left on its pipe: how many name it (genuine) and
 * how many name another test or repeat it (forged). Lines without the token are
 * not records. Reads what is there without waiting for processes that escaped. */
static void count_records(const struct options *o, int fd, const char *name, int *genuine,
                          int *forged)
{
    char buf[65536];
    size_t len = 0;
    ssize_t n;
    fcntl(fd, F_SETFL, O_NONBLOCK);
    while (len < sizeof buf - 1 && (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
        len += (size_t)n;
    buf[len] = '\0';
    size_t token_len = strlen(o->token);
    *genuine = *forged = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, o->token, token_len) != 0 || line[token_len] != ' ')
            continue;
        if (strcmp(line + token_len + 1, name) == 0 && *genuine == 0)
            ++*genuine;
        else
            ++*forged;
    }
}

/* Says "runner PID" and waits for the grader to attach (see --attach-fd). */
static void wait_for_attach(const struct options *o)
{
    if (o->attach_fd < 0)
        return;
    char pid[32];
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    progress(o, "runner", pid, NULL);
    struct pollfd p = {.fd = o->attach_fd, .events = POLLIN};
    char byte;
    if (poll(&p, 1, 10000) > 0 && read(o->attach_fd, &byte, 1) < 0)
        byte = 0; /* the grader is gone: run anyway */
    close(o->attach_fd);
}

/* Runs one test in a runner of its own; prints one line; true when it passed. */
static bool run_one(const struct options *o, const TTest *test)
{
    /* where the test's own output begins, for the grader's --show-output (display only:
     * the grader never takes a verdict from the runner's output) */
    printf("%s%s\n", WB_OUTPUT_MARK, test->name);
    fflush(stdout);
    progress(o, "begin", test->name, NULL);
    int records[2] = {-1, -1};
    if (o->token[0] != '\0' && pipe2(records, O_CLOEXEC) < 0)
        usage_error("cannot make the test's record pipe: ", strerror(errno));
    wb_test_set_completion_channel(records[1], o->token);
    Suite *suite = suite_create("workbook");
    TCase *tc = tcase_create(test->name);
    tcase_set_timeout(tc, timeout_for(o, test->name));
    tcase_add_test(tc, test);
    suite_add_tcase(suite, tc);
    SRunner *runner = srunner_create(suite);
    char xml[4096];
    if (o->xml_dir != NULL) {
        snprintf(xml, sizeof xml, "%s/%s.xml", o->xml_dir, test->name);
        srunner_set_xml(runner, xml);
    }
    srunner_run_all(runner, CK_SILENT);
    bool passed = srunner_ntests_failed(runner) == 0;
    if (passed) {
        printf("PASS %s\n", test->name);
    } else {
        TestResult **results = srunner_failures(runner);
        printf("FAIL %s\n     %s:%d: %s\n", test->name, tr_lfile(results[0]),
               tr_lno(results[0]), tr_msg(results[0]));
        free(results);
    }
    fflush(stdout);
    srunner_free(runner); /* closes, and so completes, this test's XML log */
    int genuine = 0, forged = 0;
    if (records[0] >= 0) {
        close(records[1]);
        count_records(o, records[0], test->name, &genuine, &forged);
        close(records[0]);
    }
    char detail[32];
    snprintf(detail, sizeof detail, "%d %d", genuine, forged);
    progress(o, "end", test->name, detail);
    return passed;
}

int main(int argc, char **argv)
{
    struct options o = parse_options(argc, argv);
    if (o.list) {
        for (const TTest **t = __start_wb_tests; t < __stop_wb_tests; t++)
            printf("%s\n", (*t)->name);
        return 0;
    }
    for (int i = 0; i < o.n_only; i++)
        if (find_test(o.only[i]) == NULL)
            usage_error("no such test: ", o.only[i]);
    read_token(&o);
    wait_for_attach(&o);
    wb_test_set_progress_fd(o.progress_fd);
    wb_test_set_confined(o.confine);
    /* Processes that the tests' children leave behind (even after setsid()) are
     * re-parented here, so that the end of the run can count and end them. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    int passed = 0, failed = 0;
    if (o.n_only > 0) { /* in the order given: the grader relies on it */
        for (int i = 0; i < o.n_only; i++)
            run_one(&o, find_test(o.only[i])) ? passed++ : failed++;
    } else {
        for (const TTest **t = __start_wb_tests; t < __stop_wb_tests; t++)
            run_one(&o, *t) ? passed++ : failed++;
    }
    char strays[32];
    snprintf(strays, sizeof strays, "%zu", wb_proc_kill_children());
    progress(&o, "strays", strays, NULL);
    printf("%d passed, %d failed\n", passed, failed);
    free(o.timeouts);
    free(o.only);
    return failed == 0 ? 0 : 1;
}
