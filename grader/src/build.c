/* build.c - stage 2: compile a chapter's work folder into its test runner.
 *
 * Each file is compiled on its own (student files see only include/; tests also see
 * the harness), then everything is linked with Check. Commands run inside the work
 * folder so that compiler messages name files as the student knows them, each in the
 * build stage's sandbox, and one deadline covers the whole build. */
#include "grader.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

#include "command.h"
#include "includes.h"

#ifndef RUNNER_LIBS
#error "RUNNER_LIBS must name Check's and libseccomp's link flags (the Makefile passes pkg-config's)"
#endif

enum { ERROR_LINES_SHOWN = 25, BUILD_TIMEOUT_S = 120 };

/* One build: where it runs, its sandbox and the deadline all its commands share. */
struct build {
    const struct grade_config *cfg;
    const char *work; /* the folder commands run in */
    const struct sandbox_spec *sandbox;
    double deadline;
    const char *log; /* where the compiler's output goes: outside every sandbox */
};

/* -gdwarf-4: the debug information valgrind 3.19 reads (clang 14 defaults to DWARF 5,
 * which it cannot); -pipe: no temporary files, so that a file size limit hit shows in
 * build/ */
static const char *const strict_flags[] = {"-std=c17", "-Wall", "-Wextra", "-Werror",
                                           "-pthread", "-g", "-gdwarf-4", "-Og",
                                           "-D_GNU_SOURCE", "-pipe", NULL};
static const char *const harness_sources[] = {"wb_runner.c", "wb_test.c", "wb_proc.c",
                                              "wb_confine.c", NULL};
static const char *const harness_headers[] = {"wb_test.h", "wb_proc.h", NULL};

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

/* Why a compiler command that ran did not succeed. */
static char *failure_message(const struct command *cmd, const struct command_outcome *out,
                             const char *log)
{
    if (out->timed_out)
        return xasprintf("the build did not finish within %d s (all its steps together)",
                         BUILD_TIMEOUT_S);
    char *text = read_text_file(log, 64 * 1024);
    /* A compiler whose assembler or linker died of the file size limit says so in
     * its own words ("... File size limit exceeded signal terminated program as"). */
    struct command_outcome seen = *out;
    seen.file_size_reached = seen.file_size_reached ||
                             (text && strstr(text, strsignal(SIGXFSZ)) != NULL);
    char *limits = command_limits_note(cmd, &seen);
    char *lines = first_lines(text ? text : "", ERROR_LINES_SHOWN);
    char *message = limits ? xasprintf("%s\n%s", limits, lines) : xstrdup(lines);
    free(limits);
    free(text);
    free(lines);
    return message;
}

/* Runs one compiler command in the build's sandbox; on failure fills r and returns -1. */
static int compile(const struct build *bd, struct argv *b, struct chapter_result *r)
{
    const char *log = bd->log;
    char **env = bd->sandbox ? sandbox_environment(bd->sandbox->box, NULL) : NULL;
    struct command cmd = {.argv = b->items, .cwd = bd->work, .output_path = log, .env = env,
                          .timeout_s = bd->deadline - monotonic_seconds(),
                          .own_session = true, .sandbox = bd->sandbox};
    struct command_outcome out;
    int rc = cmd.timeout_s > 0 ? command_run(&cmd, &out) : 0;
    if (cmd.timeout_s <= 0) {
        r->status = CHAPTER_COMPILE_ERROR;
        r->message = xasprintf("the build did not finish within %d s (all its steps together)",
                               BUILD_TIMEOUT_S);
    } else if (rc < 0) {
        r->status = CHAPTER_ERROR;
        r->message = xasprintf("cannot run the compiler '%s': %s", bd->cfg->cc,
                               strerror(out.exec_errno));
    } else if (!command_succeeded(&out)) {
        r->status = CHAPTER_COMPILE_ERROR;
        r->message = failure_message(&cmd, &out, log);
    }
    free(env);
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

static int compile_one(const struct build *bd, const char *source, const char *obj,
                       bool with_harness, struct chapter_result *r)
{
    struct argv b = {0};
    argv_add(&b, bd->cfg->cc);
    add_all(&b, strict_flags);
    argv_add(&b, "-Iinclude");
    if (with_harness)
        argv_addf(&b, "-I%s/.harness", bd->cfg->workdir);
    argv_add(&b, "-c");
    argv_add(&b, source);
    argv_add(&b, "-o");
    argv_add(&b, obj);
    return compile(bd, &b, r);
}

/* Indents every line of text by four spaces, for a note. */
static char *indented(const char *text)
{
    char *out = xstrdup("");
    while (*text) {
        size_t len = strcspn(text, "\n");
        char *longer = xasprintf("%s\n    %.*s", out, (int)len, text);
        free(out);
        out = longer;
        text += len + (text[len] == '\n');
    }
    return out;
}

/* Compiles a student file. One that does not compile costs only its own tests: it is
 * replaced by the chapter's skeleton of it for this grading (skeletons build and fail
 * their tests cleanly), and a note names it with the compiler's messages. Only when
 * the skeleton does not build either is the chapter a compile error. */
static int compile_student_file(const struct build *bd, const struct chapter *ch,
                                const char *rel, const char *obj, struct chapter_result *r)
{
    if (compile_one(bd, rel, obj, false, r) == 0 || r->status != CHAPTER_COMPILE_ERROR)
        return r->status == CHAPTER_GRADED ? 0 : -1;
    char *skeleton = path_join(ch->dir, rel), *copy = path_join(bd->work, rel);
    char *why = r->message;
    r->message = NULL;
    r->status = CHAPTER_GRADED;
    int rc = -1;
    if (remove_tree(copy) == 0 && copy_file(skeleton, copy) == 0)
        rc = compile_one(bd, rel, obj, false, r);
    if (rc == 0) {
        char *lines = indented(why);
        chapter_result_add_note(r, "%s does not compile, so this grading used the chapter's "
                                "skeleton of it: the tests that need it fail. The compiler "
                                "said:%s", rel, lines);
        free(lines);
        free(why);
    } else {
        free(r->message); /* the student's errors are the ones to show */
        r->message = why;
        r->status = CHAPTER_COMPILE_ERROR;
    }
    free(skeleton);
    free(copy);
    return rc;
}

/* The harness is the same for every chapter: its sources are copied and its objects
 * built once per grading, in the work folder's .harness/, which chapters' builds see
 * read-only. */
static char *harness_object(const struct grade_config *cfg, const char *source)
{
    char *obj = xasprintf("%s/.harness/%s", cfg->workdir, source);
    obj[strlen(obj) - 1] = 'o';
    return obj;
}

/* Copies the harness's sources and headers into .harness/; 0 or -1 (errno). */
static int copy_harness(const struct grade_config *cfg, const char *dir)
{
    const char *const *lists[] = {harness_sources, harness_headers};
    for (size_t l = 0; l < 2; l++)
        for (const char *const *f = lists[l]; *f; f++) {
            char *from = xasprintf("%s/grader/harness/%s", cfg->root, *f);
            char *to = path_join(dir, *f);
            int rc = copy_file(from, to);
            free(from);
            free(to);
            if (rc < 0)
                return -1;
        }
    return 0;
}

static int build_harness(const struct build *chapter_build, struct chapter_result *r)
{
    const struct grade_config *cfg = chapter_build->cfg;
    char *dir = path_join(cfg->workdir, ".harness");
    int rc = 0;
    if (mkdir_p(dir) < 0 || copy_harness(cfg, dir) < 0) {
        r->status = CHAPTER_ERROR;
        r->message = xasprintf("cannot prepare %s: %s", dir, strerror(errno));
        rc = -1;
    }
    struct stage_sandbox box;
    char *log = path_join(cfg->workdir, "harness-compile.log");
    struct build bd = {cfg, dir, harness_sandbox(&box, cfg), chapter_build->deadline, log};
    for (const char *const *src = harness_sources; rc == 0 && *src; src++) {
        char *obj = harness_object(cfg, *src);
        rc = compile_one(&bd, *src, obj, true, r);
        free(obj);
    }
    stage_sandbox_free(&box);
    free(log);
    free(dir);
    return rc;
}

/* Builds the harness unless it is built; chapters graded at the same time (parallel.c)
 * take turns through a lock in the work folder, so that only one builds it and none
 * reads it half built. */
static int build_harness_once(const struct build *chapter_build, const char *harness_runner,
                              struct chapter_result *r)
{
    char *lock_path = path_join(chapter_build->cfg->workdir, ".harness.lock");
    int lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    free(lock_path);
    while (lock >= 0 && flock(lock, LOCK_EX) < 0 && errno == EINTR)
        continue;
    int rc = is_file(harness_runner) ? 0 : build_harness(chapter_build, r);
    if (lock >= 0)
        close(lock); /* and with it the lock */
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

static int link_runner(const struct build *bd, char **objects, size_t n,
                       struct chapter_result *r)
{
    struct argv b = {0};
    argv_add(&b, bd->cfg->cc);
    argv_add(&b, "-pthread");
    /* the global offset table read-only before main: no student code can redirect a
     * library call by writing its slot; and never an executable stack */
    argv_add(&b, "-Wl,-z,relro,-z,now,-z,noexecstack");
    argv_add(&b, "-o");
    argv_add(&b, "build/runner");
    for (size_t i = 0; i < n; i++)
        argv_add(&b, objects[i]);
    add_words(&b, RUNNER_LIBS);
    return compile(bd, &b, r);
}

int build_chapter(const struct grade_config *cfg, const struct chapter *ch,
                  struct chapter_result *r)
{
    char *work = path_join(cfg->workdir, ch->id);
    char *build_dir = path_join(work, "build");
    char *log = path_join(work, "logs/compile.log");
    char *harness_runner = path_join(cfg->workdir, ".harness/wb_runner.o");
    size_t n_tests = 0, n_objects = 0;
    char **tests = test_sources(work, &n_tests);
    size_t n_harness = sizeof harness_sources / sizeof *harness_sources - 1;
    char **objects = xcalloc(ch->n_student_files + n_tests + n_harness, sizeof *objects);
    struct stage_sandbox box;
    struct build bd = {cfg, work, stage_sandbox(&box, cfg, work, STAGE_BUILD),
                       monotonic_seconds() + BUILD_TIMEOUT_S, log};
    char *logs_dir = path_join(work, "logs");
    int rc = mkdir_p(build_dir) == 0 && mkdir_p(logs_dir) == 0 ? 0 : -1;
    if (rc < 0) {
        r->status = CHAPTER_ERROR;
        r->message = xasprintf("cannot create %s: %s", build_dir, strerror(errno));
    }
    free(logs_dir);
    if (rc == 0)
        rc = includes_check(work, ch, r); /* before the compiler reads anything */
    if (rc == 0)
        rc = build_harness_once(&bd, harness_runner, r);
    for (size_t i = 0; rc == 0 && i < ch->n_student_files; i++) {
        objects[n_objects] = build_object_path(ch->student_files[i]);
        rc = compile_student_file(&bd, ch, ch->student_files[i], objects[n_objects++], r);
    }
    for (size_t i = 0; rc == 0 && i < n_tests; i++) {
        objects[n_objects] = build_object_path(tests[i]);
        rc = compile_one(&bd, tests[i], objects[n_objects++], true, r);
    }
    for (size_t i = 0; rc == 0 && i < n_harness; i++)
        objects[n_objects++] = harness_object(cfg, harness_sources[i]);
    if (rc == 0)
        rc = link_runner(&bd, objects, n_objects, r);
    if (rc < 0)
        chapter_result_fail_all(r, TEST_ERROR, r->status == CHAPTER_COMPILE_ERROR
                                                   ? "compile error"
                                                   : "not graded: the build could not run");
    stage_sandbox_free(&box);
    free_list(objects, n_objects);
    free_list(tests, n_tests);
    free(harness_runner);
    free(log);
    free(build_dir);
    free(work);
    return rc;
}
