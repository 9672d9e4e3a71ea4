/* wb_runner.c - the main() of every chapter's test binary.
 *
 * Runs the tests that WB_TEST registered, one Check test case per test so that each
 * has its own timeout and can be run alone (CK_RUN_CASE=name also works).
 *
 *   runner [--xml FILE] [--timeout NAME=SECONDS]... [--list] [NAME...]
 *
 * --xml writes Check's XML log; --timeout sets one test's timeout (default 10 s);
 * --list prints the registered test names; NAMEs run only those tests. */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The linker gathers every WB_TEST entry into the section "wb_tests". */
extern const TTest *__start_wb_tests[];
extern const TTest *__stop_wb_tests[];

enum { DEFAULT_TIMEOUT_S = 10 };

struct options {
    const char *xml_path;
    bool list;
    char **timeouts; /* "NAME=SECONDS" strings */
    int n_timeouts;
    char **only; /* test names to run; none means all */
    int n_only;
};

static void usage_error(const char *message, const char *arg)
{
    fprintf(stderr, "runner: %s%s\n"
                    "usage: runner [--xml FILE] [--timeout NAME=SECONDS]... [--list] [NAME...]\n",
            message, arg);
    exit(2);
}

static struct options parse_options(int argc, char **argv)
{
    struct options o = {0};
    o.timeouts = calloc((size_t)argc, sizeof *o.timeouts);
    o.only = calloc((size_t)argc, sizeof *o.only);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--xml") == 0 && i + 1 < argc)
            o.xml_path = argv[++i];
        else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
            o.timeouts[o.n_timeouts++] = argv[++i];
        else if (strcmp(argv[i], "--list") == 0)
            o.list = true;
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

static bool selected(const struct options *o, const char *name)
{
    if (o->n_only == 0)
        return true;
    for (int i = 0; i < o->n_only; i++)
        if (strcmp(o->only[i], name) == 0)
            return true;
    return false;
}

static Suite *make_suite(const struct options *o)
{
    Suite *suite = suite_create("workbook");
    for (const TTest **t = __start_wb_tests; t < __stop_wb_tests; t++) {
        if (!selected(o, (*t)->name))
            continue;
        TCase *tc = tcase_create((*t)->name);
        tcase_set_timeout(tc, timeout_for(o, (*t)->name));
        tcase_add_test(tc, *t);
        suite_add_tcase(suite, tc);
    }
    return suite;
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
    SRunner *runner = srunner_create(make_suite(&o));
    if (o.xml_path != NULL)
        srunner_set_xml(runner, o.xml_path);
    srunner_run_all(runner, CK_ENV);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    free(o.timeouts);
    free(o.only);
    return failed == 0 ? 0 : 1;
}
