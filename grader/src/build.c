/* build.c - stage 2: compile a chapter's work folder into its test runner.
 *
 * Each file is compiled on its own (student files see only include/; tests also see
 * the harness), then everything is linked with Check. Commands run inside the work
 * folder so that compiler messages name files as the student knows them. */
#include "grader.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"

#ifndef CHECK_LIBS
#error "CHECK_LIBS must name Check's link flags (the Makefile passes pkg-config's)"
#endif

enum { ERROR_LINES_SHOWN = 25, BUILD_TIMEOUT_S = 120 };

static const char *const strict_flags[] = {"-std=c17", "-Wall", "-Wextra", "-Werror",
                                           "-pthread", "-g", "-Og", "-D_GNU_SOURCE", NULL};
static const char *const harness_sources[] = {"wb_runner.c", "wb_test.c", "wb_proc.c", NULL};

static void add_all(struct argv *a, const char *const *args)
{
    for (; *args; args++)
        argv_add(a, *args);
}

/* The first lines of the compiler's output: the errors that matter most. */
static char *first_lines(const char *text, int max_lines)
{
    const char *end = text;
    for (int i = 0; i < max_lines && *end; i++) {
        const char *nl = strchr(end, '\n');
        end = nl ? nl + 1 : end + strlen(end);
    }
    return xasprintf("%.*s%s", (int)(end - text), text, *end ? "[...]\n" : "");
}

/* Runs one compiler command; on failure fills r and returns -1. */
static int compile(const struct grade_config *cfg, const char *work, struct argv *b,
                   struct chapter_result *r)
{
    char *log = path_join(work, "build/compile.log");
    struct command cmd = {.argv = b->items, .cwd = work, .output_path = log,
                          .timeout_s = BUILD_TIMEOUT_S};
    struct command_outcome out;
    int rc = command_run(&cmd, &out);
    if (rc < 0) {
        r->status = CHAPTER_ERROR;
        r->message = xasprintf("cannot run the compiler '%s': %s", cfg->cc,
                               strerror(out.exec_errno));
    } else if (!command_succeeded(&out)) {
        char *text = read_text_file(log, 64 * 1024);
        r->status = CHAPTER_COMPILE_ERROR;
        r->message = out.timed_out ? xasprintf("the compiler did not finish in %d s",
                                               BUILD_TIMEOUT_S)
                                   : first_lines(text ? text : "", ERROR_LINES_SHOWN);
        free(text);
    }
    free(log);
    argv_free(b);
    return r->status == CHAPTER_GRADED ? 0 : -1;
}

/* "src/a/b.c" -> "build/src_a_b.o" */
char *build_object_path(const char *source)
{
    char *flat = xstrdup(source);
    for (char *p = flat; *p; p++)
        if (*p == '/')
            *p = '_';
    flat[strlen(flat) - 2] = '\0';
    char *obj = xasprintf("build/%s.o", flat);
    free(flat);
    return obj;
}

static int compile_one(const struct grade_config *cfg, const char *work, const char *source,
                       const char *obj, bool with_harness, struct chapter_result *r)
{
    struct argv b = {0};
    argv_add(&b, cfg->cc);
    add_all(&b, strict_flags);
    argv_add(&b, "-Iinclude");
    if (with_harness) {
        argv_addf(&b, "-I%s/grader/harness", cfg->root);
    }
    argv_add(&b, "-c");
    argv_add(&b, source);
    argv_add(&b, "-o");
    argv_add(&b, obj);
    return compile(cfg, work, &b, r);
}

/* The harness is the same for every chapter: its objects are built once per run,
 * in the work folder's .harness/. */
static char *harness_object(const struct grade_config *cfg, const char *source)
{
    char *obj = xasprintf("%s/.harness/%s", cfg->workdir, source);
    obj[strlen(obj) - 1] = 'o';
    return obj;
}

static int compile_harness(const struct grade_config *cfg, const char *work, const char *source,
                           const char *obj, struct chapter_result *r)
{
    char *src = xasprintf("%s/grader/harness/%s", cfg->root, source);
    char *dir = xasprintf("%s/.harness", cfg->workdir);
    int rc = 0;
    if (mkdir_p(dir) < 0) {
        r->status = CHAPTER_ERROR;
        r->message = xasprintf("cannot create %s: %s", dir, strerror(errno));
        rc = -1;
    } else {
        rc = compile_one(cfg, work, src, obj, true, r);
    }
    free(src);
    free(dir);
    return rc;
}

/* The .c files of work/tests, sorted, as "tests/NAME.c". */
static char **test_sources(const char *work, size_t *n)
{
    char *dir = path_join(work, "tests");
    struct dirent **entries;
    int count = scandir(dir, &entries, NULL, alphasort);
    free(dir);
    char **out = xcalloc(count > 0 ? (size_t)count + 1 : 1, sizeof *out);
    *n = 0;
    for (int i = 0; i < count; i++) {
        size_t len = strlen(entries[i]->d_name);
        if (len > 2 && strcmp(entries[i]->d_name + len - 2, ".c") == 0)
            out[(*n)++] = xasprintf("tests/%s", entries[i]->d_name);
        free(entries[i]);
    }
    if (count > 0)
        free(entries);
    return out;
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

/* Adds each word of a space-separated flag string (pkg-config output). */
static void add_words(struct argv *b, const char *words)
{
    char *copy = xstrdup(words);
    for (char *w = strtok(copy, " "); w; w = strtok(NULL, " "))
        argv_add(b, w);
    free(copy);
}

static int link_runner(const struct grade_config *cfg, const char *work, char **objects,
                       size_t n, struct chapter_result *r)
{
    struct argv b = {0};
    argv_add(&b, cfg->cc);
    argv_add(&b, "-pthread");
    argv_add(&b, "-o");
    argv_add(&b, "build/runner");
    for (size_t i = 0; i < n; i++)
        argv_add(&b, objects[i]);
    add_words(&b, CHECK_LIBS);
    return compile(cfg, work, &b, r);
}

int build_chapter(const struct grade_config *cfg, const struct chapter *ch,
                  struct chapter_result *r)
{
    char *work = path_join(cfg->workdir, ch->id);
    char *build_dir = path_join(work, "build");
    size_t n_tests = 0, n_objects = 0;
    char **tests = test_sources(work, &n_tests);
    size_t n_harness = sizeof harness_sources / sizeof *harness_sources - 1;
    char **objects = xcalloc(ch->n_student_files + n_tests + n_harness, sizeof *objects);
    int rc = mkdir_p(build_dir);
    if (rc < 0) {
        r->status = CHAPTER_ERROR;
        r->message = xasprintf("cannot create %s: %s", build_dir, strerror(errno));
    }
    for (size_t i = 0; rc == 0 && i < ch->n_student_files; i++) {
        objects[n_objects] = build_object_path(ch->student_files[i]);
        rc = compile_one(cfg, work, ch->student_files[i], objects[n_objects++], false, r);
    }
    for (size_t i = 0; rc == 0 && i < n_tests; i++) {
        objects[n_objects] = build_object_path(tests[i]);
        rc = compile_one(cfg, work, tests[i], objects[n_objects++], true, r);
    }
    for (size_t i = 0; rc == 0 && i < n_harness; i++) {
        objects[n_objects] = harness_object(cfg, harness_sources[i]);
        rc = is_file(objects[n_objects]) ? 0 : compile_harness(cfg, work, harness_sources[i],
                                                               objects[n_objects], r);
        n_objects++;
    }
    if (rc == 0)
        rc = link_runner(cfg, work, objects, n_objects, r);
    if (rc < 0)
        chapter_result_fail_all(r, TEST_ERROR, r->status == CHAPTER_COMPILE_ERROR
                                                   ? "compile error"
                                                   : "not graded: the build could not run");
    free_list(objects, n_objects);
    free_list(tests, n_tests);
    free(build_dir);
    free(work);
    return rc;
}
