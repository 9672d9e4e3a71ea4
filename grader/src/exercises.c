/* exercises.c - which student files each test exercises.
 *
 * A test belongs to the tests/ file that defines it (WB_TEST(name)), and that file to
 * the student files its name says: tests/test_lock.c exercises src/lock.c. A tests/
 * file whose name says no student file is named in chapter.cfg's test_sources, with
 * the files its tests exercise. `--file` narrows a grading by it, and the terminal
 * folds the passed tests of each file into one line. */
#include "grader.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_TEST_SOURCE_BYTES = 4 << 20 };

/* The names WB_TEST defines in text, in order, each followed by '\n'. */
static char *defined_names(const char *text)
{
    char *names = xstrdup("");
    for (const char *p = strstr(text, "WB_TEST("); p; p = strstr(p + 1, "WB_TEST(")) {
        if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
            continue; /* another macro's name ending in WB_TEST */
        const char *s = p + strlen("WB_TEST(");
        while (*s == ' ' || *s == '\t')
            s++;
        size_t len = 0;
        while (isalnum((unsigned char)s[len]) || s[len] == '_')
            len++;
        const char *e = s + len;
        while (*e == ' ' || *e == '\t')
            e++;
        if (len == 0 || *e != ')')
            continue; /* the macro's own definition or a mention in prose */
        char *longer = xasprintf("%s%.*s\n", names, (int)len, s);
        free(names);
        names = longer;
    }
    return names;
}

static bool defines(const char *names, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = strstr(names, name); p; p = strstr(p + 1, name))
        if ((p == names || p[-1] == '\n') && p[len] == '\n')
            return true;
    return false;
}

static bool is_student_file(const struct chapter *ch, const char *path)
{
    for (size_t i = 0; i < ch->n_student_files; i++)
        if (strcmp(ch->student_files[i], path) == 0)
            return true;
    return false;
}

/* The files the tests of tests/<source> exercise: test_sources' entry, else src/X.c
 * for test_X.c when it is a student file; *n is 0 when neither says. */
static char **files_of_source(const struct chapter *ch, const char *source, size_t *n)
{
    char *rel = path_join("tests", source);
    for (size_t i = 0; i < ch->n_test_sources; i++)
        if (strcmp(ch->test_sources[i].source, rel) == 0) {
            free(rel);
            *n = ch->test_sources[i].n_files;
            return ch->test_sources[i].files;
        }
    free(rel);
    *n = 0;
    if (strncmp(source, "test_", 5) != 0)
        return NULL;
    char *student = path_join("src", source + 5);
    for (size_t i = 0; i < ch->n_student_files; i++)
        if (strcmp(ch->student_files[i], student) == 0) {
            free(student);
            *n = 1;
            return &ch->student_files[i];
        }
    free(student);
    return NULL;
}

/* Gives each test the files of the tests/ file that defines it (sources in name order,
 * so that the first definition wins); a test no file defines exercises none. */
static void assign_from(struct chapter *ch, const char *tests_dir, struct dirent **e, int n)
{
    for (int k = 0; k < n; k++) {
        const char *name = e[k]->d_name;
        size_t len = strlen(name);
        if (len < 3 || strcmp(name + len - 2, ".c") != 0)
            continue;
        char *path = path_join(tests_dir, name);
        char *text = read_text_file(path, MAX_TEST_SOURCE_BYTES);
        free(path);
        char *names = text ? defined_names(text) : NULL;
        size_t n_files;
        char **files = files_of_source(ch, name, &n_files);
        for (size_t i = 0; names && i < ch->n_tests; i++) {
            struct test_exercise *t = &ch->exercises[i];
            if (t->source != NULL || !defines(names, ch->tests[i].name))
                continue;
            t->source = path_join("tests", name);
            t->n_files = n_files;
            t->files = xcalloc(n_files + 1, sizeof *t->files);
            for (size_t f = 0; f < n_files; f++)
                t->files[f] = xstrdup(files[f]);
        }
        free(names);
        free(text);
    }
}

int exercises_assign(struct chapter *ch, char *err, size_t errlen)
{
    for (size_t i = 0; i < ch->n_test_sources; i++)
        for (size_t f = 0; f < ch->test_sources[i].n_files; f++)
            if (!is_student_file(ch, ch->test_sources[i].files[f])) {
                snprintf(err, errlen, "test_sources: '%s' is not one of the student_files",
                         ch->test_sources[i].files[f]);
                return -1;
            }
    ch->exercises = xcalloc(ch->n_tests + 1, sizeof *ch->exercises);
    exercises_assign_dir(ch, ch->dir, 0);
    return 0;
}

void exercises_assign_dir(struct chapter *ch, const char *dir, size_t n_before)
{
    if (n_before < ch->n_tests) { /* tests added since: no exercise yet */
        ch->exercises = xrealloc(ch->exercises, (ch->n_tests + 1) * sizeof *ch->exercises);
        memset(&ch->exercises[n_before], 0,
               (ch->n_tests + 1 - n_before) * sizeof *ch->exercises);
    }
    char *tests_dir = path_join(dir, "tests");
    struct dirent **e;
    int n = scandir(tests_dir, &e, NULL, alphasort);
    if (n > 0)
        assign_from(ch, tests_dir, e, n);
    for (int k = 0; k < n; k++)
        free(e[k]);
    if (n >= 0)
        free(e);
    free(tests_dir);
}

static const struct test_exercise none;

static const struct test_exercise *exercise(const struct chapter *ch, size_t i)
{
    return ch->exercises ? &ch->exercises[i] : &none;
}

bool test_exercises(const struct chapter *ch, size_t i, const char *student_file)
{
    const struct test_exercise *t = exercise(ch, i);
    for (size_t f = 0; f < t->n_files; f++)
        if (strcmp(t->files[f], student_file) == 0)
            return true;
    return false;
}

char *exercise_label(const struct chapter *ch, size_t i)
{
    const struct test_exercise *t = exercise(ch, i);
    if (t->n_files == 0)
        return xstrdup("other tests");
    char *label = xstrdup("");
    for (size_t f = 0; f < t->n_files; f++) {
        const char *slash = strrchr(t->files[f], '/');
        char *longer = xasprintf("%s%s%s", label, f ? ", " : "", slash ? slash + 1 : t->files[f]);
        free(label);
        label = longer;
    }
    return label;
}

bool same_exercise(const struct chapter *ch, size_t i, size_t j)
{
    const struct test_exercise *a = exercise(ch, i), *b = exercise(ch, j);
    if (a->n_files != b->n_files)
        return false;
    for (size_t f = 0; f < a->n_files; f++)
        if (strcmp(a->files[f], b->files[f]) != 0)
            return false;
    return true;
}
