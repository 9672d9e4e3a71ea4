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
#include <unistd.h>

#include "command.h"
#include "command_batch.h"
#include "extra_tests.h"
#include "includes.h"
#include "manifest.h"
#include "sha256.h"

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

/* A compiler command of the build, in its sandbox, writing to log. */
static struct command compiler_command(const struct build *bd, struct argv *b, const char *log,
                                       char **env)
{
    return (struct command){.argv = b->items, .cwd = bd->work, .output_path = log, .env = env,
                            .timeout_s = bd->deadline - monotonic_seconds(),
                            .own_session = true, .sandbox = bd->sandbox};
}

/* How a compiler command went: 0, or -1 with r filled. */
static int judge(const struct build *bd, const struct command *cmd, int rc,
                 const struct command_outcome *out, struct chapter_result *r)
{
    if (out->interrupted) {
        r->status = CHAPTER_ERROR;
        r->message = xstrdup("the grading was interrupted during the build");
    } else if (cmd->timeout_s <= 0 || out->timed_out) {
        r->status = CHAPTER_COMPILE_ERROR;
        r->message = xasprintf("the build did not finish within %d s (all its steps together)",
                               BUILD_TIMEOUT_S);
    } else if (rc < 0) {
        r->status = CHAPTER_ERROR;
        r->message = xasprintf("cannot run the compiler '%s': %s", bd->cfg->cc,
                               strerror(out->exec_errno));
    } else if (!command_succeeded(out)) {
        r->status = CHAPTER_COMPILE_ERROR;
        r->message = failure_message(cmd, out, cmd->output_path);
    }
    return r->status == CHAPTER_GRADED ? 0 : -1;
}

/* Runs one compiler command in the build's sandbox; on failure fills r and returns -1. */
static int compile(const struct build *bd, struct argv *b, struct chapter_result *r)
{
    char **env = bd->sandbox ? sandbox_environment(bd->sandbox->box, NULL) : NULL;
    struct command cmd = compiler_command(bd, b, bd->log, env);
    struct command_outcome out = {0};
    int rc = cmd.timeout_s > 0 ? command_run(&cmd, &out) : 0;
    rc = judge(bd, &cmd, rc, &out, r);
    free(env);
    argv_free(b);
    return rc;
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

/* Whether cc names clang ("clang", "clang-14", "/usr/bin/clang"): gcc refuses the flag
 * clang needs to make the address table that the stacks of hangs and crashes are read
 * with (stacks.c). */
static bool compiler_is_clang(const char *cc)
{
    const char *base = strrchr(cc, '/');
    return strncmp(base ? base + 1 : cc, "clang", 5) == 0;
}

/* The compiler's arguments for one source. */
static struct argv compile_args(const struct build *bd, const char *source, const char *obj,
                                bool with_harness)
{
    struct argv b = {0};
    argv_add(&b, bd->cfg->cc);
    add_all(&b, strict_flags);
    if (compiler_is_clang(bd->cfg->cc))
        argv_add(&b, "-gdwarf-aranges"); /* without it, libdw finds no line in clang's code */
    argv_add(&b, "-Iinclude");
    if (with_harness)
        argv_addf(&b, "-I%s/.harness", bd->cfg->workdir);
    argv_add(&b, "-c");
    argv_add(&b, source);
    argv_add(&b, "-o");
    argv_add(&b, obj);
    return b;
}

static int compile_one(const struct build *bd, const char *source, const char *obj,
                       bool with_harness, struct chapter_result *r)
{
    struct argv b = compile_args(bd, source, obj, with_harness);
    return compile(bd, &b, r);
}

/* Puts the chapter's skeleton of student file rel in place of the student's and
 * compiles it; 0, or -1 with r filled. */
static int compile_skeleton(const struct build *bd, const struct chapter *ch, const char *rel,
                            const char *obj, struct chapter_result *r)
{
    char *skeleton = ch->dir ? path_join(ch->dir, rel) : NULL;
    char *copy = path_join(bd->work, rel);
    int rc = -1;
    if (!chapter_has_skeleton(ch, rel)) { /* the caller shows the student's errors instead */
        r->status = CHAPTER_COMPILE_ERROR;
        r->message = xasprintf("the chapter has no skeleton of %s", rel);
    } else if (remove_tree(copy) < 0 || copy_file(skeleton, copy) < 0) {
        r->status = CHAPTER_ERROR;
        r->message = xasprintf("cannot put the skeleton of %s in place: %s", rel,
                               strerror(errno));
    } else {
        rc = 0;
    }
    free(skeleton);
    free(copy);
    return rc == 0 ? compile_one(bd, rel, obj, false, r) : -1;
}

/* After a student file did not compile (r holds the compiler's errors): it costs only
 * its own tests, for it is replaced by the chapter's skeleton of it for this grading
 * (skeletons build and fail their tests cleanly), and a note names it with the
 * compiler's messages. Only when the skeleton does not build either is the chapter a
 * compile error. */
static int use_skeleton_instead(const struct build *bd, const struct chapter *ch,
                                const char *rel, const char *obj, struct chapter_result *r)
{
    char *why = r->message;
    r->message = NULL;
    r->status = CHAPTER_GRADED;
    int rc = compile_skeleton(bd, ch, rel, obj, r);
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
    return rc;
}

/* The tests' objects are the same for every grading of a chapter in one run of the
 * grader (grade --watch grades a chapter again and again): they are compiled once, kept
 * in WORKDIR/.tests/ID, where no sandbox can write, and copied into build/ before each
 * link, over anything a test run left there. */
static char *tests_cache(const struct build *bd, const struct chapter *ch)
{
    return xasprintf("%s/.tests/%s", bd->cfg->workdir, ch->id);
}

/* Copies each test object between build/ and the cache (to_cache: into the cache);
 * true when every one was copied. */
static bool copy_test_objects(const struct build *bd, const struct chapter *ch, char **tests,
                              size_t n_tests, bool to_cache)
{
    char *cache = tests_cache(bd, ch);
    bool ok = mkdir_p(cache) == 0;
    for (size_t i = 0; ok && i < n_tests; i++) {
        char *obj = build_object_path(tests[i]); /* "build/tests_x.o" */
        char *built = path_join(bd->work, obj), *kept = path_join(cache, obj + 6);
        if (to_cache)
            ok = copy_file(built, kept) == 0;
        else /* never through whatever stands at that name */
            ok = is_file(kept) && (unlink(built) == 0 || errno == ENOENT) &&
                 copy_file(kept, built) == 0;
        free(built);
        free(kept);
        free(obj);
    }
    free(cache);
    return ok;
}

/* The student objects of one run of the grader, kept by the SHA-256 of their source
 * (WORKDIR/.students/ID/HASH.o, where no sandbox can write): grade --watch compiles
 * again only the files saved since, so the first verdict comes sooner. A file's object
 * depends on nothing else that can change during a run: student files may include
 * only system and chapter headers, and the compiler and its flags are the run's. NULL
 * when the source cannot be hashed (it is compiled). */
static char *student_object_cache(const struct build *bd, const struct chapter *ch,
                                  const char *rel)
{
    char *source = path_join(bd->work, rel);
    char *hash = manifest_file_hash(source);
    char *key = hash ? xasprintf("%s\n%s\n%s", bd->cfg->cc, rel, hash) : NULL;
    char key_hex[65];
    if (key)
        sha256_hex(key, strlen(key), key_hex); /* --workdir may be reused with another cc */
    char *kept = key ? xasprintf("%s/.students/%s/%s.o", bd->cfg->workdir, ch->id, key_hex)
                     : NULL;
    free(key);
    free(hash);
    free(source);
    return kept;
}

/* Puts the kept object in place of obj; true when it did. */
static bool reuse_object(const struct build *bd, const char *kept, const char *obj)
{
    char *built = path_join(bd->work, obj);
    bool ok = kept && is_file(kept) && (unlink(built) == 0 || errno == ENOENT) &&
              copy_file(kept, built) == 0;
    free(built);
    return ok;
}

/* Keeps a student object that compiled (a cache: may fail). */
static void keep_object(const struct build *bd, const char *kept, const char *obj)
{
    char *built = path_join(bd->work, obj), *dir = xstrdup(kept);
    *strrchr(dir, '/') = '\0';
    if (mkdir_p(dir) == 0)
        copy_file(built, kept);
    free(dir);
    free(built);
}

/* One source file to compile, among others at the same time. */
struct compile_job {
    const char *source;
    bool student;
    char *obj, *log;
    char *kept; /* a student object's place in the cache; NULL: none */
    struct argv argv;
};

/* Compiles the student files not refused and the tests, several at a time, each with its
 * own log. A student file that does not compile is replaced by its skeleton
 * (use_skeleton_instead); a test that does not compile is the chapter's compile error.
 * 0, or -1 with r filled. */
static int compile_sources(const struct build *bd, const struct chapter *ch,
                           const bool *refused, char **tests, size_t n_tests,
                           struct chapter_result *r)
{
    bool tests_kept = copy_test_objects(bd, ch, tests, n_tests, false);
    size_t n = 0, total = ch->n_student_files + (tests_kept ? 0 : n_tests);
    struct compile_job *jobs = xcalloc(total + 1, sizeof *jobs);
    struct command *cmds = xcalloc(total + 1, sizeof *cmds);
    char **env = bd->sandbox ? sandbox_environment(bd->sandbox->box, NULL) : NULL;
    for (size_t i = 0; i < total; i++) {
        bool student = i < ch->n_student_files;
        if (student && refused[i])
            continue;
        struct compile_job *j = &jobs[n];
        j->source = student ? ch->student_files[i] : tests[i - ch->n_student_files];
        j->student = student;
        j->obj = build_object_path(j->source);
        j->kept = student ? student_object_cache(bd, ch, j->source) : NULL;
        if (student && reuse_object(bd, j->kept, j->obj)) {
            r->files_reused++;
            free(j->kept);
            free(j->obj);
            *j = (struct compile_job){0};
            continue;
        }
        /* "build/src_x.o" -> "WORK/logs/compile-src_x.log" */
        j->log = xasprintf("%s/logs/compile-%.*s.log", bd->work,
                           (int)strlen(j->obj + 6) - 2, j->obj + 6);
        j->argv = compile_args(bd, j->source, j->obj, !student);
        cmds[n++] = compiler_command(bd, &j->argv, j->log, env);
    }
    struct command_outcome *outs = xcalloc(n + 1, sizeof *outs);
    int *rcs = xcalloc(n + 1, sizeof *rcs);
    command_run_batch(cmds, n, command_batch_width(), bd->sandbox ? bd->sandbox->box : NULL,
                      outs, rcs);
    int rc = 0;
    for (size_t k = 0; k < n; k++) {
        bool compiled = rc == 0 && judge(bd, &cmds[k], rcs[k], &outs[k], r) == 0;
        if (compiled && jobs[k].kept)
            keep_object(bd, jobs[k].kept, jobs[k].obj);
        else if (rc == 0 && !compiled)
            rc = jobs[k].student && r->status == CHAPTER_COMPILE_ERROR && !outs[k].timed_out
                     ? use_skeleton_instead(bd, ch, jobs[k].source, jobs[k].obj, r)
                     : -1;
        argv_free(&jobs[k].argv);
        free(jobs[k].obj);
        free(jobs[k].log);
        free(jobs[k].kept);
    }
    if (rc == 0 && !tests_kept)
        copy_test_objects(bd, ch, tests, n_tests, true); /* a cache: may fail */
    free(rcs);
    free(outs);
    free(env);
    free(cmds);
    free(jobs);
    return rc;
}

/* Replaces each student file whose directives would make the compiler read a file the
 * chapter does not provide (includes.c) by the chapter's skeleton of it, compiled, with
 * a note, and marks it in refused. All files are checked before any is compiled: a
 * file may include another. 0, or -1 with r filled. */
static int replace_refused_includes(const struct build *bd, const struct chapter *ch,
                                    bool *refused, struct chapter_result *r)
{
    char **why = xcalloc(ch->n_student_files + 1, sizeof *why);
    for (size_t i = 0; i < ch->n_student_files; i++)
        why[i] = includes_problems(bd->work, ch->student_files[i]);
    int rc = 0;
    for (size_t i = 0; i < ch->n_student_files; i++) {
        if (why[i] == NULL)
            continue;
        refused[i] = true;
        char *obj = build_object_path(ch->student_files[i]);
        if (rc == 0)
            rc = compile_skeleton(bd, ch, ch->student_files[i], obj, r);
        if (rc == 0) {
            char *lines = indented(why[i]);
            chapter_result_add_note(r, "%s reads files a student file may not, so this grading "
                                    "used the chapter's skeleton of it: the tests that need "
                                    "it fail.%s", ch->student_files[i], lines);
            free(lines);
        } else if (r->status == CHAPTER_COMPILE_ERROR) {
            free(r->message); /* the student's directives are the ones to show */
            r->message = xstrdup(why[i]);
        }
        free(obj);
        free(why[i]);
    }
    free(why);
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

/* The .c files of work/tests, sorted, as "tests/NAME.c", and the chapter's extra tests
 * (whose sources are removed once compiled). */
static char **test_sources(const struct chapter *ch, const char *work, size_t *n)
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
    for (size_t k = 0; k < ch->n_extra_sources; k++) { /* --extra-tests */
        bool listed = false;
        for (size_t i = 0; i < *n && !listed; i++)
            listed = strcmp(out[i], ch->extra_sources[k]) == 0;
        if (!listed) {
            out = xrealloc(out, (*n + 2) * sizeof *out);
            out[(*n)++] = xstrdup(ch->extra_sources[k]);
            out[*n] = NULL;
        }
    }
    return out;
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

/* Adds arg, which was allocated for the purpose, and frees it. */
static void add_owned(struct argv *b, char *arg)
{
    argv_add(b, arg);
    free(arg);
}

/* Adds each word of a space-separated flag string (pkg-config output). */
static void add_words(struct argv *b, const char *words)
{
    char *copy = xstrdup(words);
    for (char *w = strtok(copy, " "); w; w = strtok(NULL, " "))
        argv_add(b, w);
    free(copy);
}

/* Links the runner from every object: the student files', the tests' and the
 * harness's. */
static int link_runner(const struct build *bd, const struct chapter *ch,
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
    for (size_t i = 0; i < ch->n_student_files; i++)
        add_owned(&b, build_object_path(ch->student_files[i]));
    size_t n_tests = 0;
    char **tests = test_sources(ch, bd->work, &n_tests);
    for (size_t i = 0; i < n_tests; i++)
        add_owned(&b, build_object_path(tests[i]));
    free_list(tests, n_tests);
    for (const char *const *src = harness_sources; *src; src++)
        add_owned(&b, harness_object(bd->cfg, *src));
    add_words(&b, RUNNER_LIBS);
    return compile(bd, &b, r);
}

/* Starts a build of chapter ch in its work folder: its sandbox and its deadline. */
static struct build start_build(const struct grade_config *cfg, char *work, char *log,
                                struct stage_sandbox *box)
{
    return (struct build){cfg, work, stage_sandbox(box, cfg, work, STAGE_BUILD),
                          monotonic_seconds() + BUILD_TIMEOUT_S, log};
}

static void fail_build(struct chapter_result *r)
{
    chapter_result_fail_all(r, TEST_ERROR, r->status == CHAPTER_COMPILE_ERROR
                                               ? "compile error"
                                               : "not graded: the build could not run");
}

int build_chapter(const struct grade_config *cfg, const struct chapter *ch,
                  struct chapter_result *r)
{
    char *work = path_join(cfg->workdir, ch->id);
    char *build_dir = path_join(work, "build");
    char *logs_dir = path_join(work, "logs");
    char *log = path_join(work, "logs/compile.log");
    char *harness_runner = path_join(cfg->workdir, ".harness/wb_runner.o");
    size_t n_tests = 0;
    char **tests = test_sources(ch, work, &n_tests);
    struct stage_sandbox box;
    struct build bd = start_build(cfg, work, log, &box);
    int rc = mkdir_p(build_dir) == 0 && mkdir_p(logs_dir) == 0 ? 0 : -1;
    if (rc < 0) {
        r->status = CHAPTER_ERROR;
        r->message = xasprintf("cannot create %s: %s", build_dir, strerror(errno));
    }
    if (rc == 0)
        rc = build_harness_once(&bd, harness_runner, r);
    bool *refused = xcalloc(ch->n_student_files + 1, sizeof *refused);
    if (rc == 0) /* before the compiler reads any student file */
        rc = replace_refused_includes(&bd, ch, refused, r);
    if (rc == 0)
        rc = compile_sources(&bd, ch, refused, tests, n_tests, r);
    extra_tests_remove_sources(ch, work); /* nothing a test runs may read them */
    free(refused);
    if (rc == 0)
        rc = link_runner(&bd, ch, r);
    if (rc < 0)
        fail_build(r);
    stage_sandbox_free(&box);
    free_list(tests, n_tests);
    free(harness_runner);
    free(log);
    free(logs_dir);
    free(build_dir);
    free(work);
    return rc;
}

/* A build of one chapter after build_chapter: its folder, log, sandbox and deadline. */
struct later_build {
    char *work, *log;
    struct stage_sandbox box;
    struct build bd;
};

static void later_build_open(struct later_build *l, const struct grade_config *cfg,
                             const struct chapter *ch)
{
    l->work = path_join(cfg->workdir, ch->id);
    l->log = path_join(l->work, "logs/compile.log");
    l->bd = start_build(cfg, l->work, l->log, &l->box);
}

/* Ends it; rc < 0 fails every test with the build's reason. Returns rc. */
static int later_build_close(struct later_build *l, int rc, struct chapter_result *r)
{
    if (rc < 0)
        fail_build(r);
    stage_sandbox_free(&l->box);
    free(l->log);
    free(l->work);
    return rc;
}

int build_with_skeletons(const struct grade_config *cfg, const struct chapter *ch,
                         const bool *use_skeleton, struct chapter_result *r)
{
    struct later_build l;
    later_build_open(&l, cfg, ch);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < ch->n_student_files; i++) {
        if (!use_skeleton[i])
            continue;
        char *obj = build_object_path(ch->student_files[i]);
        rc = compile_skeleton(&l.bd, ch, ch->student_files[i], obj, r);
        free(obj);
    }
    return later_build_close(&l, rc, r);
}

int build_relink(const struct grade_config *cfg, const struct chapter *ch,
                 struct chapter_result *r)
{
    struct later_build l;
    later_build_open(&l, cfg, ch);
    return later_build_close(&l, link_runner(&l.bd, ch, r), r);
}
