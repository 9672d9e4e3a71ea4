/* extra_tests.c - an instructor's private tests (--extra-tests DIR), merged into the
 * chapters they test.
 *
 *   DIR/09-thread-sync/extra.cfg
 *     timeout = 10.0;                       # default seconds per test
 *     test_sources = ( { source = "tests/hidden_misc.c"; files = [ "src/lock.c" ]; } );
 *     tests = ( { name = "lock_many_threads"; points = 3; visibility = "hidden"; },
 *               { name = "barrier_reuse"; points = 2; timeout = 20.0;
 *                 visibility = "after_due_date"; } );
 *   DIR/09-thread-sync/tests/test_lock_hidden.c ...   (WB_TEST definitions)
 *
 * Visibility: "visible" (the default: a test like the others), "after_due_date" and
 * "hidden" (student-facing reports show it as "hidden test N" and whether it passed,
 * never its name, code, location, message or output: redact.c). A test that is not
 * visible cannot be analysed (valgrind = true): findings name their test. */
#include "extra_tests.h"

#include <dirent.h>
#include <errno.h>
#include <libconfig.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_error.h"

static const char *const top_keys[] = {"timeout", "tests", "test_sources", NULL};
static const char *const test_keys[] = {"name", "points", "timeout", "valgrind", "visibility",
                                        NULL};
static const char *const source_keys[] = {"source", "files", NULL};
static const char *const visibility_names[] = {"visible", "after_due_date", "hidden"};

const char *test_visibility_name(enum test_visibility v)
{
    return visibility_names[v];
}

static int check_keys(const config_setting_t *group, const char *const *known,
                      const char *file, char *err, size_t errlen)
{
    for (int i = 0; i < config_setting_length(group); i++) {
        config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
        const char *name = config_setting_name(s);
        bool ok = false;
        for (const char *const *k = known; *k && !ok; k++)
            ok = strcmp(*k, name) == 0;
        if (!ok)
            return cfg_fail(err, errlen, file, s, "unknown setting '%s'", name);
    }
    return 0;
}

static int number(const config_setting_t *g, const char *key, double fallback, double *out,
                  const char *file, char *err, size_t errlen)
{
    config_setting_t *s = config_setting_get_member(g, key);
    *out = fallback;
    if (s == NULL)
        return 0;
    int type = config_setting_type(s);
    if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64 && type != CONFIG_TYPE_FLOAT)
        return cfg_fail(err, errlen, file, s, "'%s' must be a number", key);
    *out = config_setting_get_float(s);
    if (*out < 0 || (strcmp(key, "timeout") == 0 && *out == 0))
        return cfg_fail(err, errlen, file, s, "'%s' must be %s", key,
                    strcmp(key, "timeout") == 0 ? "positive" : "a number from 0 up");
    return 0;
}

static bool has_test(const struct chapter *ch, const char *name)
{
    for (size_t i = 0; i < ch->n_tests; i++)
        if (strcmp(ch->tests[i].name, name) == 0)
            return true;
    return false;
}

static int read_test(const config_setting_t *t, double timeout, struct chapter *ch,
                     const char *file, char *err, size_t errlen)
{
    const char *name, *vis = "visible";
    if (!config_setting_is_group(t))
        return cfg_fail(err, errlen, file, t, "each test must be a group { name = ...; }");
    if (check_keys(t, test_keys, file, err, errlen) < 0)
        return -1;
    if (!config_setting_lookup_string(t, "name", &name) || name[0] == '\0')
        return cfg_fail(err, errlen, file, t, "a test needs a 'name' string");
    if (has_test(ch, name))
        return cfg_fail(err, errlen, file, t, "test '%s' is declared twice (here, or here and "
                    "in chapter.cfg)", name);
    if (config_setting_get_member(t, "points") == NULL)
        return cfg_fail(err, errlen, file, t, "test '%s' needs 'points'", name);
    struct test_spec spec = {0};
    enum test_visibility visibility = VISIBLE;
    if (number(t, "points", 0, &spec.points, file, err, errlen) < 0 ||
        number(t, "timeout", timeout, &spec.timeout, file, err, errlen) < 0)
        return -1;
    config_setting_t *v = config_setting_get_member(t, "valgrind");
    if (v && config_setting_type(v) != CONFIG_TYPE_BOOL)
        return cfg_fail(err, errlen, file, v, "'valgrind' must be true or false");
    spec.valgrind = v && config_setting_get_bool(v);
    config_setting_lookup_string(t, "visibility", &vis);
    bool known = false;
    for (int k = VISIBLE; k <= HIDDEN && !known; k++)
        if (strcmp(vis, visibility_names[k]) == 0) {
            visibility = (enum test_visibility)k;
            known = true;
        }
    if (!known)
        return cfg_fail(err, errlen, file, config_setting_get_member(t, "visibility"),
                    "test '%s': visibility must be \"visible\", \"after_due_date\" or "
                    "\"hidden\", not \"%s\"", name, vis);
    if (spec.valgrind && visibility != VISIBLE)
        return cfg_fail(err, errlen, file, v, "test '%s': a test that is not visible cannot be "
                    "analysed (valgrind = true): the analyses' findings name their test",
                    name);
    if (spec.valgrind && !ch->helgrind.on && !ch->memcheck.on)
        return cfg_fail(err, errlen, file, v, "test '%s': valgrind = true, but the chapter has "
                    "no analysis", name);
    spec.name = xstrdup(name);
    ch->tests = xrealloc(ch->tests, (ch->n_tests + 1) * sizeof *ch->tests);
    ch->tests[ch->n_tests++] = spec;
    if (visibility != VISIBLE) { /* the N-th of the chapter: "hidden test N" */
        ch->hidden = xrealloc(ch->hidden, (ch->n_hidden + 1) * sizeof *ch->hidden);
        ch->hidden[ch->n_hidden] = (struct hidden_test){spec.name, visibility,
                                                        (int)ch->n_hidden + 1};
        ch->n_hidden++;
    }
    return 0;
}

static bool is_student_file(const struct chapter *ch, const char *path)
{
    for (size_t i = 0; i < ch->n_student_files; i++)
        if (strcmp(ch->student_files[i], path) == 0)
            return true;
    return false;
}

/* test_sources, as chapter.cfg's: appended to the chapter's. */
static int read_sources(const config_setting_t *root, struct chapter *ch, const char *file,
                        char *err, size_t errlen)
{
    config_setting_t *list = config_setting_get_member(root, "test_sources");
    if (list == NULL)
        return 0;
    if (!config_setting_is_list(list))
        return cfg_fail(err, errlen, file, list, "'test_sources' must be a list: ( { source = "
                    "\"tests/x.c\"; files = [ \"src/a.c\" ]; } )");
    for (int i = 0; i < config_setting_length(list); i++) {
        config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        const char *source;
        config_setting_t *files = config_setting_get_member(g, "files");
        if (!config_setting_is_group(g) || check_keys(g, source_keys, file, err, errlen) < 0 ||
            !config_setting_lookup_string(g, "source", &source) ||
            strncmp(source, "tests/", 6) != 0 || files == NULL ||
            !config_setting_is_array(files) || config_setting_length(files) == 0)
            return err[0] ? -1 : cfg_fail(err, errlen, file, g, "'test_sources': each item is "
                                      "{ source = \"tests/x.c\"; files = [ \"src/a.c\" ]; }");
        ch->test_sources = xrealloc(ch->test_sources,
                                    (ch->n_test_sources + 1) * sizeof *ch->test_sources);
        struct test_source *ts = &ch->test_sources[ch->n_test_sources++];
        *ts = (struct test_source){.source = xstrdup(source)};
        ts->files = xcalloc((size_t)config_setting_length(files) + 1, sizeof *ts->files);
        for (int f = 0; f < config_setting_length(files); f++) {
            const char *path = config_setting_get_string_elem(files, (unsigned)f);
            if (path == NULL || !is_student_file(ch, path))
                return cfg_fail(err, errlen, file, files, "'test_sources': '%s' is not one of "
                            "the chapter's student_files", path ? path : "(not a string)");
            ts->files[ts->n_files++] = xstrdup(path);
        }
    }
    return 0;
}

/* The .c files of dir/tests, as "tests/NAME.c"; a name the chapter's tests/ also has
 * is refused (one would hide the other in the work folder). */
static int read_source_files(struct chapter *ch, const char *dir, const char *file,
                             char *err, size_t errlen)
{
    char *tests = path_join(dir, "tests");
    struct dirent **e;
    int n = scandir(tests, &e, NULL, alphasort);
    int rc = 0;
    if (n < 0)
        rc = cfg_fail(err, errlen, file, NULL, "no folder %s with the tests' sources", tests);
    for (int k = 0; k < n; k++) {
        const char *name = e[k]->d_name;
        size_t len = strlen(name);
        if (rc == 0 && len > 2 && strcmp(name + len - 2, ".c") == 0) {
            char *rel = path_join("tests", name), *ours = path_join(ch->dir, rel);
            if (is_file(ours))
                rc = cfg_fail(err, errlen, file, NULL, "%s: the chapter's tests already have a "
                          "file of that name", rel);
            ch->extra_sources = xrealloc(ch->extra_sources,
                                         (ch->n_extra_sources + 1) * sizeof *ch->extra_sources);
            ch->extra_sources[ch->n_extra_sources++] = rel;
            free(ours);
        }
        free(e[k]);
    }
    if (n >= 0)
        free(e);
    free(tests);
    if (rc == 0 && ch->n_extra_sources == 0)
        rc = cfg_fail(err, errlen, file, NULL, "%s/tests holds no .c file", dir);
    return rc;
}

/* Every declared test must be defined by one of the extra sources. */
static int check_defined(const struct chapter *ch, size_t first, const char *file, char *err,
                         size_t errlen)
{
    for (size_t i = first; i < ch->n_tests; i++)
        if (ch->exercises[i].source == NULL)
            return cfg_fail(err, errlen, file, NULL, "test '%s' is declared but no file in "
                        "%s/tests defines it (WB_TEST(%s))", ch->tests[i].name, ch->extra_dir,
                        ch->tests[i].name);
    return 0;
}

static int merge_chapter(struct chapter *ch, const char *dir, char *err, size_t errlen)
{
    char *file = path_join(dir, EXTRA_METADATA_FILE);
    config_t cfg;
    config_init(&cfg);
    config_set_auto_convert(&cfg, 1);
    size_t first = ch->n_tests;
    ch->extra_dir = xstrdup(dir);
    int rc = 0;
    double timeout;
    if (!config_read_file(&cfg, file)) {
        rc = config_error_type(&cfg) == CONFIG_ERR_FILE_IO
                 ? cfg_fail(err, errlen, file, NULL, "cannot read the file")
                 : (snprintf(err, errlen, "%s:%d: %s", file, config_error_line(&cfg),
                             config_error_text(&cfg)), -1);
    } else {
        config_setting_t *root = config_root_setting(&cfg);
        config_setting_t *tests = config_setting_get_member(root, "tests");
        rc = check_keys(root, top_keys, file, err, errlen);
        if (rc == 0)
            rc = number(root, "timeout", 10, &timeout, file, err, errlen);
        if (rc == 0 && (tests == NULL || !config_setting_is_list(tests) ||
                        config_setting_length(tests) == 0))
            rc = cfg_fail(err, errlen, file, tests, "'tests' must be a non-empty list: "
                      "( { name = \"...\"; points = 1; visibility = \"hidden\"; } )");
        for (int i = 0; rc == 0 && i < config_setting_length(tests); i++)
            rc = read_test(config_setting_get_elem(tests, (unsigned)i), timeout, ch, file, err,
                           errlen);
        if (rc == 0)
            rc = read_sources(root, ch, file, err, errlen);
        if (rc == 0)
            rc = read_source_files(ch, dir, file, err, errlen);
    }
    if (rc == 0) {
        exercises_assign_dir(ch, dir, first);
        rc = check_defined(ch, first, file, err, errlen);
    }
    config_destroy(&cfg);
    free(file);
    return rc;
}

int extra_tests_merge(const char *dir, struct chapter *chs, size_t n, char *err,
                      size_t errlen)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        snprintf(err, errlen, "--extra-tests %s: %s", dir, strerror(errno));
        return -1;
    }
    int rc = 0, found = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *sub = path_join(dir, e->d_name);
        struct chapter *ch = NULL;
        for (size_t i = 0; i < n && ch == NULL; i++)
            if (strcmp(chs[i].id, e->d_name) == 0)
                ch = &chs[i];
        if (!is_dir(sub)) {
            /* a README or such beside the chapters */
        } else if (ch == NULL) {
            snprintf(err, errlen, "--extra-tests: %s matches no chapter of the workbook", sub);
            rc = -1;
        } else if (ch->load_error == NULL) {
            rc = merge_chapter(ch, sub, err, errlen);
            found++;
        }
        free(sub);
    }
    closedir(d);
    if (rc == 0 && found == 0) {
        snprintf(err, errlen, "--extra-tests %s: no chapter folder (NN-topic/%s) in it", dir,
                 EXTRA_METADATA_FILE);
        rc = -1;
    }
    return rc;
}

void extra_tests_free(struct chapter *ch)
{
    for (size_t i = 0; i < ch->n_extra_sources; i++)
        free(ch->extra_sources[i]);
    free(ch->extra_sources);
    free(ch->extra_dir);
    free(ch->hidden); /* its names are the tests' */
    ch->hidden = NULL;
    ch->n_hidden = 0;
    ch->extra_sources = NULL;
    ch->extra_dir = NULL;
    ch->n_extra_sources = 0;
}

int extra_tests_collect(const struct chapter *ch, const char *work, struct chapter_result *r)
{
    for (size_t i = 0; i < ch->n_extra_sources; i++) {
        char *from = path_join(ch->extra_dir, ch->extra_sources[i]);
        char *to = path_join(work, ch->extra_sources[i]);
        int rc = copy_file(from, to);
        if (rc < 0)
            r->message = xasprintf("cannot copy the extra test %s: %s", from, strerror(errno));
        free(from);
        free(to);
        if (rc < 0)
            return -1;
    }
    return 0;
}

void extra_tests_remove_sources(const struct chapter *ch, const char *work)
{
    for (size_t i = 0; i < ch->n_extra_sources; i++) {
        char *path = path_join(work, ch->extra_sources[i]);
        unlink(path);
        free(path);
    }
}
