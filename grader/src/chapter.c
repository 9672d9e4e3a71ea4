/* chapter.c - reads a chapter's metadata file (chapter.cfg, libconfig syntax). */
#include "grader.h"

#include <ctype.h>
#include <dirent.h>
#include <libconfig.h>
#include <stdlib.h>
#include <string.h>

#include "config_error.h"
#include "extra_tests.h"

#define METADATA_FILE "chapter.cfg"

static const char *const top_keys[] = {"title",   "student_files",     "timeout", "analyses",
                                       "tests",   "allowed_functions", "exports", "forbidden",
                                       "review",  "equivalent_mutants", "test_sources",
                                       "teaches", NULL};
static const char *const test_keys[] = {"name", "points", "timeout", "valgrind", NULL};
static const char *const analysis_keys[] = {"helgrind", "memcheck", NULL};
static const char *const analysis_item_keys[] = {"points", NULL};
static const char *const rule_keys[] = {"name", "reason", NULL};
static const char *const mutant_keys[] = {"id", "reason", NULL};
static const char *const source_keys[] = {"source", "files", NULL};

enum { DEFAULT_ANALYSIS_POINTS = 2 };

static bool is_known(const char *name, const char *const *known)
{
    for (; *known; known++)
        if (strcmp(name, *known) == 0)
            return true;
    return false;
}

/* A misspelt key would silently be ignored: refuse it instead. */
static int check_keys(const config_setting_t *group, const char *const *known,
                      const char *file, char *err, size_t errlen)
{
    for (int i = 0; i < config_setting_length(group); i++) {
        config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
        if (!is_known(config_setting_name(s), known))
            return cfg_fail(err, errlen, file, s, "unknown setting '%s'",
                           config_setting_name(s));
    }
    return 0;
}

static int read_number(const config_setting_t *group, const char *key, double fallback,
                       double *out, const char *file, char *err, size_t errlen)
{
    config_setting_t *s = config_setting_get_member(group, key);
    if (s == NULL) {
        *out = fallback;
        return 0;
    }
    int type = config_setting_type(s);
    if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64 && type != CONFIG_TYPE_FLOAT)
        return cfg_fail(err, errlen, file, s, "'%s' must be a number", key);
    *out = config_setting_get_float(s);
    if (*out < 0)
        return cfg_fail(err, errlen, file, s, "'%s' must not be negative", key);
    return 0;
}

static int read_student_files(const config_setting_t *root, struct chapter *ch,
                              const char *file, char *err, size_t errlen)
{
    config_setting_t *files = config_setting_get_member(root, "student_files");
    if (files == NULL || !config_setting_is_array(files) || config_setting_length(files) == 0)
        return cfg_fail(err, errlen, file, files,
                       "'student_files' must be a non-empty list of paths like \"src/x.c\"");
    ch->n_student_files = (size_t)config_setting_length(files);
    ch->student_files = xcalloc(ch->n_student_files, sizeof *ch->student_files);
    for (size_t i = 0; i < ch->n_student_files; i++) {
        const char *path = config_setting_get_string_elem(files, (unsigned)i);
        if (path == NULL || strncmp(path, "src/", 4) != 0 || strstr(path, "..") != NULL)
            return cfg_fail(err, errlen, file, files,
                           "student file %zu must be a string path under src/", i + 1);
        ch->student_files[i] = xstrdup(path);
    }
    return 0;
}

/* A list of strings, like student_files or allowed_functions (missing: empty). */
static int read_string_list(const config_setting_t *root, const char *key, char ***out,
                            size_t *n, const char *file, char *err, size_t errlen)
{
    config_setting_t *list = config_setting_get_member(root, key);
    *n = 0;
    if (list == NULL)
        return 0;
    if (!config_setting_is_array(list))
        return cfg_fail(err, errlen, file, list, "'%s' must be a list of strings [\"a\", ...]",
                       key);
    *n = (size_t)config_setting_length(list);
    *out = xcalloc(*n, sizeof **out);
    for (size_t i = 0; i < *n; i++) {
        const char *s = config_setting_get_string_elem(list, (unsigned)i);
        if (s == NULL)
            return cfg_fail(err, errlen, file, list, "'%s': item %zu is not a string", key,
                           i + 1);
        (*out)[i] = xstrdup(s);
    }
    return 0;
}

/* A C identifier; with prefix_ok, one that ends in '*' (a family: "pthread_barrier_*"). */
static bool is_identifier(const char *s, bool prefix_ok)
{
    if (!(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return false;
    for (s++; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return prefix_ok && s[0] == '*' && s[1] == '\0';
    return true;
}

/* exports = [ "name", ... ]: the globals student files may define. */
static int read_exports(const config_setting_t *root, struct chapter *ch, const char *file,
                        char *err, size_t errlen)
{
    if (read_string_list(root, "exports", &ch->exports, &ch->n_exports, file, err, errlen) < 0)
        return -1;
    config_setting_t *list = config_setting_get_member(root, "exports");
    for (size_t i = 0; i < ch->n_exports; i++) {
        if (!is_identifier(ch->exports[i], false))
            return cfg_fail(err, errlen, file, list, "'exports': '%s' is not a C identifier",
                           ch->exports[i]);
        for (size_t j = 0; j < i; j++)
            if (strcmp(ch->exports[j], ch->exports[i]) == 0)
                return cfg_fail(err, errlen, file, list, "'exports': '%s' is listed twice",
                               ch->exports[i]);
    }
    return 0;
}

/* forbidden or review = ( { name = "f"; reason = "why"; }, ... ) (missing: empty). */
static int read_rules(const config_setting_t *root, const char *key, struct name_rule **out,
                      size_t *n, const char *file, char *err, size_t errlen)
{
    config_setting_t *list = config_setting_get_member(root, key);
    *n = 0;
    if (list == NULL)
        return 0;
    if (!config_setting_is_list(list))
        return cfg_fail(err, errlen, file, list,
                       "'%s' must be a list: ( { name = \"f\"; reason = \"why\"; } )", key);
    *out = xcalloc((size_t)config_setting_length(list) + 1, sizeof **out);
    for (int i = 0; i < config_setting_length(list); i++) {
        config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        const char *name, *reason;
        if (!config_setting_is_group(g))
            return cfg_fail(err, errlen, file, g, "'%s': each item must be a group "
                                                 "{ name = \"f\"; reason = \"why\"; }", key);
        if (check_keys(g, rule_keys, file, err, errlen) < 0)
            return -1;
        if (!config_setting_lookup_string(g, "name", &name) || !is_identifier(name, true))
            return cfg_fail(err, errlen, file, g, "'%s': 'name' must be a function name, or "
                                                 "a prefix ending in '*'", key);
        if (!config_setting_lookup_string(g, "reason", &reason) || reason[0] == '\0')
            return cfg_fail(err, errlen, file, g, "'%s': '%s' needs a 'reason' (shown with it)",
                           key, name);
        (*out)[(*n)++] = (struct name_rule){xstrdup(name), xstrdup(reason)};
    }
    return 0;
}

/* equivalent_mutants = ( { id = "src/x.c:12:drop-close"; reason = "why"; }, ... ): the
 * mutants (grader/tools/mutants.c) that no test can tell from the solution, each with
 * the reason. Missing: none. */
static int read_equivalent_mutants(const config_setting_t *root, struct chapter *ch,
                                   const char *file, char *err, size_t errlen)
{
    config_setting_t *list = config_setting_get_member(root, "equivalent_mutants");
    ch->n_equivalent_mutants = 0;
    if (list == NULL)
        return 0;
    if (!config_setting_is_list(list))
        return cfg_fail(err, errlen, file, list, "'equivalent_mutants' must be a list: "
                       "( { id = \"src/x.c:12:drop-close\"; reason = \"why\"; } )");
    ch->equivalent_mutants = xcalloc((size_t)config_setting_length(list) + 1,
                                     sizeof *ch->equivalent_mutants);
    for (int i = 0; i < config_setting_length(list); i++) {
        config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        const char *id, *reason;
        if (!config_setting_is_group(g) || check_keys(g, mutant_keys, file, err, errlen) < 0)
            return config_setting_is_group(g)
                       ? -1
                       : cfg_fail(err, errlen, file, g, "'equivalent_mutants': each item must "
                                                       "be a group { id = ...; reason = ...; }");
        if (!config_setting_lookup_string(g, "id", &id) || strchr(id, ':') == NULL)
            return cfg_fail(err, errlen, file, g, "'equivalent_mutants': 'id' must name a "
                                                 "mutant, like \"src/x.c:12:drop-close\"");
        if (!config_setting_lookup_string(g, "reason", &reason) || reason[0] == '\0')
            return cfg_fail(err, errlen, file, g, "'equivalent_mutants': '%s' needs a 'reason'",
                           id);
        ch->equivalent_mutants[ch->n_equivalent_mutants++] =
            (struct name_rule){xstrdup(id), xstrdup(reason)};
    }
    return 0;
}

/* test_sources = ( { source = "tests/test_x.c"; files = [ "src/a.c", ... ]; }, ... ):
 * the student files the tests of a tests/ file exercise when its name does not say
 * (exercises.c). Missing: none. */
static int read_test_sources(const config_setting_t *root, struct chapter *ch,
                             const char *file, char *err, size_t errlen)
{
    config_setting_t *list = config_setting_get_member(root, "test_sources");
    if (list == NULL)
        return 0;
    if (!config_setting_is_list(list))
        return cfg_fail(err, errlen, file, list, "'test_sources' must be a list: ( { source = "
                       "\"tests/test_x.c\"; files = [ \"src/a.c\" ]; } )");
    ch->test_sources = xcalloc((size_t)config_setting_length(list) + 1,
                               sizeof *ch->test_sources);
    for (int i = 0; i < config_setting_length(list); i++) {
        config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        const char *source;
        if (!config_setting_is_group(g))
            return cfg_fail(err, errlen, file, g, "'test_sources': each item must be a group "
                                                 "{ source = ...; files = [...]; }");
        if (check_keys(g, source_keys, file, err, errlen) < 0)
            return -1;
        if (!config_setting_lookup_string(g, "source", &source) ||
            strncmp(source, "tests/", 6) != 0)
            return cfg_fail(err, errlen, file, g, "'test_sources': 'source' must be a path "
                                                 "like \"tests/test_x.c\"");
        struct test_source *ts = &ch->test_sources[ch->n_test_sources++];
        ts->source = xstrdup(source);
        if (read_string_list(g, "files", &ts->files, &ts->n_files, file, err, errlen) < 0)
            return -1;
        if (ts->n_files == 0)
            return cfg_fail(err, errlen, file, g, "'test_sources': '%s' needs its 'files'",
                           source);
    }
    return 0;
}

/* The chapter's part of the object policy: exports, forbidden and review. */
static int read_policy(const config_setting_t *root, struct chapter *ch, const char *file,
                       char *err, size_t errlen)
{
    if (read_exports(root, ch, file, err, errlen) < 0 ||
        read_rules(root, "forbidden", &ch->forbidden, &ch->n_forbidden, file, err, errlen) < 0)
        return -1;
    if (read_rules(root, "review", &ch->review, &ch->n_review, file, err, errlen) < 0)
        return -1;
    return read_equivalent_mutants(root, ch, file, err, errlen);
}

static int read_test(const config_setting_t *t, double default_timeout, struct test_spec *out,
                     const char *file, char *err, size_t errlen)
{
    const char *name;
    if (!config_setting_is_group(t))
        return cfg_fail(err, errlen, file, t, "each test must be a group { name = ...; }");
    if (check_keys(t, test_keys, file, err, errlen) < 0)
        return -1;
    if (!config_setting_lookup_string(t, "name", &name) || name[0] == '\0')
        return cfg_fail(err, errlen, file, t, "a test needs a 'name' string");
    out->name = xstrdup(name);
    if (config_setting_get_member(t, "points") == NULL)
        return cfg_fail(err, errlen, file, t, "test '%s' needs 'points'", name);
    if (read_number(t, "points", 0, &out->points, file, err, errlen) < 0 ||
        read_number(t, "timeout", default_timeout, &out->timeout, file, err, errlen) < 0)
        return -1;
    if (out->timeout <= 0)
        return cfg_fail(err, errlen, file, t, "test '%s': timeout must be positive", name);
    config_setting_t *valgrind = config_setting_get_member(t, "valgrind");
    if (valgrind && config_setting_type(valgrind) != CONFIG_TYPE_BOOL)
        return cfg_fail(err, errlen, file, valgrind, "'valgrind' must be true or false");
    out->valgrind = valgrind && config_setting_get_bool(valgrind);
    return 0;
}

static int read_tests(const config_setting_t *root, struct chapter *ch, double default_timeout,
                      const char *file, char *err, size_t errlen)
{
    config_setting_t *tests = config_setting_get_member(root, "tests");
    if (tests == NULL || !config_setting_is_list(tests) || config_setting_length(tests) == 0)
        return cfg_fail(err, errlen, file, tests,
                       "'tests' must be a non-empty list: ( { name = \"...\"; points = 1; } )");
    ch->n_tests = (size_t)config_setting_length(tests);
    ch->tests = xcalloc(ch->n_tests, sizeof *ch->tests);
    for (size_t i = 0; i < ch->n_tests; i++) {
        config_setting_t *t = config_setting_get_elem(tests, (unsigned)i);
        if (read_test(t, default_timeout, &ch->tests[i], file, err, errlen) < 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(ch->tests[j].name, ch->tests[i].name) == 0)
                return cfg_fail(err, errlen, file, t, "test '%s' is declared twice",
                               ch->tests[i].name);
    }
    return 0;
}

/* `tool = true;` (on, default points), `tool = false;`, or `tool = { points = N; };` */
static int read_analysis(const config_setting_t *group, const char *tool,
                         struct analysis_spec *out, const char *file, char *err, size_t errlen)
{
    config_setting_t *s = config_setting_get_member(group, tool);
    *out = (struct analysis_spec){0};
    if (s == NULL)
        return 0;
    if (config_setting_type(s) == CONFIG_TYPE_BOOL) {
        out->on = config_setting_get_bool(s);
        out->points = out->on ? DEFAULT_ANALYSIS_POINTS : 0;
        return 0;
    }
    if (!config_setting_is_group(s))
        return cfg_fail(err, errlen, file, s, "'%s' must be true, false or { points = N; }",
                       tool);
    if (check_keys(s, analysis_item_keys, file, err, errlen) < 0 ||
        read_number(s, "points", DEFAULT_ANALYSIS_POINTS, &out->points, file, err, errlen) < 0)
        return -1;
    out->on = true;
    return 0;
}

static int read_analyses(const config_setting_t *root, struct chapter *ch, const char *file,
                         char *err, size_t errlen)
{
    config_setting_t *a = config_setting_get_member(root, "analyses");
    if (a == NULL)
        return 0;
    if (!config_setting_is_group(a))
        return cfg_fail(err, errlen, file, a, "'analyses' must be a group { memcheck = true; }");
    if (check_keys(a, analysis_keys, file, err, errlen) < 0)
        return -1;
    if (read_analysis(a, "helgrind", &ch->helgrind, file, err, errlen) < 0 ||
        read_analysis(a, "memcheck", &ch->memcheck, file, err, errlen) < 0)
        return -1;
    return 0;
}

/* An analysis runs the tests marked valgrind = true: it needs at least one. */
static int check_analysis_tests(const struct chapter *ch, const char *file, char *err,
                                size_t errlen)
{
    bool any = false;
    for (size_t i = 0; i < ch->n_tests; i++)
        any = any || ch->tests[i].valgrind;
    if ((ch->helgrind.on || ch->memcheck.on) && !any)
        return cfg_fail(err, errlen, file, NULL,
                       "analyses are on but no test is marked 'valgrind = true;'");
    return 0;
}

static int read_config(const config_t *cfg, struct chapter *ch, const char *file, char *err,
                       size_t errlen)
{
    config_setting_t *root = config_root_setting(cfg);
    const char *title;
    double default_timeout;
    if (check_keys(root, top_keys, file, err, errlen) < 0)
        return -1;
    if (!config_lookup_string(cfg, "title", &title) || title[0] == '\0')
        return cfg_fail(err, errlen, file, NULL, "missing 'title' (a string)");
    ch->title = xstrdup(title);
    const char *teaches; /* optional: the README's chapter table (grade --list --markdown) */
    if (config_lookup_string(cfg, "teaches", &teaches))
        ch->teaches = xstrdup(teaches);
    if (read_number(root, "timeout", 10, &default_timeout, file, err, errlen) < 0 ||
        read_student_files(root, ch, file, err, errlen) < 0 ||
        read_tests(root, ch, default_timeout, file, err, errlen) < 0 ||
        read_string_list(root, "allowed_functions", &ch->allowed_functions,
                         &ch->n_allowed_functions, file, err, errlen) < 0 ||
        read_analyses(root, ch, file, err, errlen) < 0 ||
        read_policy(root, ch, file, err, errlen) < 0 ||
        read_test_sources(root, ch, file, err, errlen) < 0)
        return -1;
    if (exercises_assign(ch, err, errlen) < 0) {
        char *why = xstrdup(err);
        cfg_fail(err, errlen, file, config_setting_get_member(root, "test_sources"), "%s", why);
        free(why);
        return -1;
    }
    return check_analysis_tests(ch, file, err, errlen);
}

/* The folder name of dir: its last path component. */
static const char *base_name(const char *dir)
{
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    const char *start = dir + len;
    while (start > dir && start[-1] != '/')
        start--;
    return start;
}

/* Why libconfig could not read file: not there, or a syntax error at a line. */
static int read_error(const config_t *cfg, const char *file, char *err, size_t errlen)
{
    if (config_error_type(cfg) == CONFIG_ERR_FILE_IO)
        return cfg_fail(err, errlen, file, NULL, "cannot read the file");
    snprintf(err, errlen, "%s:%d: %s", file, config_error_line(cfg), config_error_text(cfg));
    return -1;
}

int chapter_load(const char *dir, struct chapter *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    err[0] = '\0';
    out->dir = xstrdup(dir);
    out->id = xstrdup(base_name(dir));
    out->id[strcspn(out->id, "/")] = '\0';
    char *end;
    out->number = (int)strtol(out->id, &end, 10);
    char *file = path_join(dir, METADATA_FILE);
    config_t cfg;
    config_init(&cfg);
    config_set_auto_convert(&cfg, 1);
    int rc;
    if (end == out->id || *end != '-')
        rc = cfg_fail(err, errlen, file, NULL, "chapter folder must be named NN-topic");
    else if (!config_read_file(&cfg, file))
        rc = read_error(&cfg, file, err, errlen);
    else
        rc = read_config(&cfg, out, file, err, errlen);
    config_destroy(&cfg);
    free(file);
    if (rc < 0)
        chapter_free(out);
    return rc;
}

static void free_rules(struct name_rule *rules, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rules[i].name);
        free(rules[i].reason);
    }
    free(rules);
}

double chapter_max_points(const struct chapter *ch)
{
    double points = ch->helgrind.points + ch->memcheck.points; /* 0 when off */
    for (size_t i = 0; i < ch->n_tests; i++)
        points += ch->tests[i].points;
    return points;
}

bool chapter_has_skeleton(const struct chapter *ch, const char *rel)
{
    if (ch->dir == NULL)
        return false;
    char *skeleton = path_join(ch->dir, rel);
    bool found = is_file(skeleton);
    free(skeleton);
    return found;
}

void chapter_free(struct chapter *ch)
{
    for (size_t i = 0; i < ch->n_student_files; i++)
        free(ch->student_files[i]);
    for (size_t i = 0; i < ch->n_tests; i++) {
        free(ch->tests[i].name);
        if (ch->exercises == NULL)
            continue;
        free(ch->exercises[i].source);
        for (size_t f = 0; f < ch->exercises[i].n_files; f++)
            free(ch->exercises[i].files[f]);
        free(ch->exercises[i].files);
    }
    free(ch->exercises);
    for (size_t i = 0; i < ch->n_test_sources; i++) {
        free(ch->test_sources[i].source);
        for (size_t f = 0; f < ch->test_sources[i].n_files; f++)
            free(ch->test_sources[i].files[f]);
        free(ch->test_sources[i].files);
    }
    free(ch->test_sources);
    for (size_t i = 0; i < ch->n_allowed_functions; i++)
        free(ch->allowed_functions[i]);
    free(ch->allowed_functions);
    for (size_t i = 0; i < ch->n_exports; i++)
        free(ch->exports[i]);
    free(ch->exports);
    free_rules(ch->forbidden, ch->n_forbidden);
    free_rules(ch->review, ch->n_review);
    free_rules(ch->equivalent_mutants, ch->n_equivalent_mutants);
    free(ch->student_files);
    free(ch->tests);
    free(ch->id);
    free(ch->dir);
    free(ch->title);
    free(ch->teaches);
    free(ch->load_error);
    extra_tests_free(ch); /* --extra-tests */
    memset(ch, 0, sizeof *ch);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names of the NN-topic folders of dir that hold a chapter.cfg. */
static char **list_chapter_dirs(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return NULL;
    size_t cap = 16;
    char **names = xcalloc(cap, sizeof *names);
    struct dirent *e;
    *n = 0;
    while ((e = readdir(d)) != NULL) {
        char *sub = path_join(dir, e->d_name);
        char *cfg = path_join(sub, METADATA_FILE);
        bool ok = e->d_name[0] != '.' && is_file(cfg);
        free(cfg);
        if (!ok) {
            free(sub);
            continue;
        }
        if (*n == cap)
            names = xrealloc(names, (cap *= 2) * sizeof *names);
        names[(*n)++] = sub;
    }
    closedir(d);
    qsort(names, *n, sizeof *names, compare_names);
    return names;
}

int chapters_load_all(const char *chapters_dir, struct chapter **out, size_t *n, char *err,
                      size_t errlen)
{
    size_t count = 0;
    char **dirs = list_chapter_dirs(chapters_dir, &count);
    if (dirs == NULL || count == 0) {
        snprintf(err, errlen, "%s: no chapters found (folders NN-topic with %s)", chapters_dir,
                 METADATA_FILE);
        free(dirs);
        return -1;
    }
    *out = xcalloc(count, sizeof **out);
    for (size_t i = 0; i < count; i++) {
        struct chapter *ch = &(*out)[i];
        char why[1024];
        if (chapter_load(dirs[i], ch, why, sizeof why) < 0) {
            /* keep it, named, so that it is reported and the others still graded */
            ch->dir = xstrdup(dirs[i]);
            ch->id = xstrdup(base_name(dirs[i]));
            ch->number = atoi(ch->id);
            ch->title = xstrdup(ch->id);
            ch->load_error = xstrdup(why);
        }
        free(dirs[i]);
    }
    free(dirs);
    *n = count;
    return 0;
}

const struct chapter *chapter_find(const struct chapter *chs, size_t n, const char *key)
{
    char *end;
    long number = strtol(key, &end, 10);
    bool numeric = end != key && *end == '\0';
    for (size_t i = 0; i < n; i++)
        if (numeric ? chs[i].number == number : strcmp(chs[i].id, key) == 0)
            return &chs[i];
    return NULL;
}
