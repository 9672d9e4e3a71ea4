/* grader.h - the grader's data model and the API of each pipeline stage.
 *
 * collect -> build -> run -> score -> report, one source file per stage; chapter.c
 * reads the metadata every stage works from. */
#ifndef GRADER_H
#define GRADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sandbox.h"

/* ---- chapter metadata (chapter.c) ---- */

struct test_spec {
    char *name;     /* the WB_TEST name in the chapter's tests */
    double points;  /* earned when the test passes */
    double timeout; /* seconds, wall clock, before the test is killed */
    bool valgrind;  /* small enough to run under the chapter's valgrind analyses */
};

/* extra_tests.c: who may see a test an instructor merged with --extra-tests */
enum test_visibility { VISIBLE = 0, AFTER_DUE_DATE, HIDDEN };

/* exercises.c: the tests/ file that defines a test ("tests/test_lock.c", NULL when none
 * does) and the student files it exercises ("src/lock.c"), from that file's name or
 * chapter.cfg's test_sources. */
struct test_exercise {
    char *source;
    char **files;
    size_t n_files;
};

struct chapter {
    char *id;    /* folder name, e.g. "01-fork" */
    int number;  /* leading number of the id */
    char *dir;   /* the chapter's folder in the grader's tree */
    char *title;
    char *teaches; /* what it teaches, for the README's table; NULL when not said */
    char **student_files; /* paths relative to the chapter folder */
    size_t n_student_files;
    struct test_spec *tests;
    size_t n_tests;
    struct test_exercise *exercises; /* one per test; NULL: not known */
    struct analysis_spec {
        bool on;
        double points; /* earned when the analysis finds nothing in the student's code */
    } helgrind, memcheck;
    char **allowed_functions; /* beyond grader/policy.cfg's list */
    size_t n_allowed_functions;
    char **exports; /* the globals student files may define: the headers' functions */
    size_t n_exports;
    /* forbidden: functions whose use refuses the files, even when policy.cfg allows
     * them (a "prefix*" name for a family); review: functions whose uses are listed
     * for an instructor, without changing the score. Each says why. */
    struct name_rule {
        char *name;
        char *reason;
    } *forbidden, *review;
    size_t n_forbidden, n_review;
    /* mutants of the solution that no test can tell from it (grader/tools/mutants.c):
     * name is the mutant's id, "src/x.c:12:drop-close" */
    struct name_rule *equivalent_mutants;
    size_t n_equivalent_mutants;
    /* test_sources = ( { source = "tests/t.c"; files = [ "src/a.c", ... ]; } ): the
     * student files exercised by the tests of a tests/ file whose name does not say */
    struct test_source {
        char *source;
        char **files;
        size_t n_files;
    } *test_sources;
    size_t n_test_sources;
    /* extra_tests.c: the instructor's folder of this chapter's extra tests (NULL: none)
     * and their sources in it ("tests/test_hidden.c"), compiled with the chapter's */
    char *extra_dir;
    char **extra_sources;
    size_t n_extra_sources;
    /* its tests that are not visible, by name (redact.h): the N-th is "hidden test N" */
    struct hidden_test {
        const char *name; /* the test's own name (not a copy) */
        enum test_visibility visibility;
        int number;
    } *hidden;
    size_t n_hidden;
    const struct chapter *whole; /* a narrowed chapter (select.c): the chapter it was
                                    narrowed from; NULL otherwise */
    char *load_error; /* set when chapter.cfg could not be read: then only id, number,
                         dir and title (the id) are set, and the chapter is not graded */
};

/* Reads dir/chapter.cfg. On error returns -1 and writes a message naming the file and
 * line into err. */
int chapter_load(const char *dir, struct chapter *out, char *err, size_t errlen);
void chapter_free(struct chapter *ch);
/* The points a grading of the chapter can earn: its tests' and its analyses'. */
double chapter_max_points(const struct chapter *ch);
/* Whether the chapter ships a skeleton of student file rel (which stands in for a
 * student file refused or not compiling). */
bool chapter_has_skeleton(const struct chapter *ch, const char *rel);

/* Loads every chapters_dir/NN-topic/chapter.cfg, sorted by folder name. A chapter
 * whose metadata is broken is still listed, with load_error set; -1 only when there
 * is no chapter at all. */
int chapters_load_all(const char *chapters_dir, struct chapter **out, size_t *n, char *err,
                      size_t errlen);

/* exercises.c: gives each test of ch its source and files, from the chapter's tests/
 * and test_sources (chapter_load calls it). -1 with a message in err when test_sources
 * names a file that is not a student file. */
int exercises_assign(struct chapter *ch, char *err, size_t errlen);
/* Assigns the tests not assigned yet from the tests/ files of dir (extra_tests.c: an
 * instructor's folder); tests from n_before on are new, with no exercise yet. */
void exercises_assign_dir(struct chapter *ch, const char *dir, size_t n_before);
/* Whether test i of ch exercises the student file ("src/lock.c"). */
bool test_exercises(const struct chapter *ch, size_t i, const char *student_file);
/* "lock.c", "mpq_put.c, mpq_get.c": the files test i exercises, by name (to free). */
char *exercise_label(const struct chapter *ch, size_t i);
/* Whether tests i and j of ch exercise the same files. */
bool same_exercise(const struct chapter *ch, size_t i, size_t j);

/* select.c: narrow runs. The tests named by a prefix of their name (--test) or by a
 * student file they exercise (--file: "src/lock.c", "lock.c" or a path ending in
 * "09-thread-sync/src/lock.c"). */
struct selection {
    char **tests;
    size_t n_tests;
    char **files;
    size_t n_files;
};
bool selection_empty(const struct selection *s);
/* A copy of ch that lists only the tests s selects (out->n_tests may be 0), with no
 * analysis when no selected test is analysed. It shares ch's strings and must not
 * outlive it; release it with chapter_narrow_free, never chapter_free. */
void chapter_narrow(const struct chapter *ch, const struct selection *s, struct chapter *out);
void chapter_narrow_free(struct chapter *narrowed);
/* Whether file names a student file of one of the chapters. */
bool selection_names_file(const struct chapter *chs, size_t n, const char *file);

/* Finds a chapter by "1", "01" or its folder name; NULL when none matches. */
const struct chapter *chapter_find(const struct chapter *chs, size_t n, const char *key);

/* ---- results ---- */

enum test_status { TEST_PASSED, TEST_FAILED, TEST_ERROR, TEST_TIMEOUT };
enum chapter_status { CHAPTER_GRADED, CHAPTER_COMPILE_ERROR, CHAPTER_ERROR };

struct test_verdict {
    const struct test_spec *spec;
    enum test_status status;
    char *message;  /* why it did not pass; NULL when it passed */
    char *location; /* file:line of the failing check, when known */
    double score;
    bool reported; /* the test log held a record for it */
    char *output;  /* what its code printed (test_output.c), NULL when nothing */
};

/* One distinct problem valgrind found in the student's code. */
struct finding {
    char *kind;     /* valgrind's: Race, LockOrder, Leak_DefinitelyLost, InvalidWrite, ... */
    char *message;  /* what a student reads: the lines, their source, the hint */
    char **where;   /* "src/x.c:12", the student's lines involved, sorted */
    size_t n_where;
    char *variable; /* the variable or block involved, when valgrind says */
    char *test;     /* the first test that showed it */
};

struct analysis_result {
    const char *tool;   /* "helgrind" or "memcheck" */
    bool ran;
    char *message;      /* why it did not run, or why its points were not earned */
    int errors;         /* distinct findings charged to the student */
    int ignored;        /* errors outside the student's code, or known false alarms */
    struct finding *findings;
    size_t n_findings;
    double score, max_score;
    double seconds;
};

/* Something suspicious but not proof, for an instructor to look at: never scored. */
struct review_flag {
    char *where; /* "src/x.c:12", or the file alone when the line is unknown */
    char *what;
};

struct chapter_result {
    const struct chapter *chapter;
    enum chapter_status status;
    bool metadata_broken; /* not graded because its metadata is: grade exits with 2 */
    char *message; /* compiler errors or why the chapter could not be graded */
    char **notes;  /* things the student should know beyond the test lines */
    size_t n_notes;
    struct review_flag *flags; /* flagged for review, in the order found */
    size_t n_flags;
    struct test_verdict *tests; /* one per chapter->tests, same order */
    struct analysis_result helgrind, memcheck;
    double score, max_score;
    double seconds;
    struct {
        double collect, build, check, run, analyse;
    } stage_seconds;
    size_t files_reused; /* student files unchanged since an earlier grading of this run */
};

void chapter_result_init(struct chapter_result *r, const struct chapter *ch);
void chapter_result_fail_all(struct chapter_result *r, enum test_status status,
                             const char *message);
void chapter_result_add_note(struct chapter_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Adds a review flag; the same where and what only once, and at most MAX_REVIEW_FLAGS
 * (then one last flag says that more were left out). */
enum { MAX_REVIEW_FLAGS = 50 };
void chapter_result_add_flag(struct chapter_result *r, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void chapter_result_free(struct chapter_result *r);

/* ---- the pipeline ---- */

struct grade_config {
    const char *root;            /* the grader's tree: chapters/, grader/harness/ */
    const char *submission;      /* a folder shaped like chapters/ */
    const char *workdir;         /* where chapters are built and run */
    const char *cc;              /* the C compiler */
    struct sandbox *sandbox;     /* the layers around student code; NULL: none */
    bool verbose;
    struct live *live;           /* live.h: the terminal while tests run; NULL: none */
};

/* limits.c: the sandbox of each stage. Work folder layout: include/, tests/, src/
 * (read-only in every sandbox), build/ (the one writable folder), logs/ (the
 * grader's: never writable inside). */
enum stage_kind { STAGE_BUILD, STAGE_RUN, STAGE_ANALYSE, STAGE_INSPECT };
struct stage_sandbox {
    struct sandbox_spec spec;
    const char *readonly[3], *writable[2]; /* NULL-terminated */
    char *paths[3];
};
/* The sandbox for a stage of the chapter in work; NULL when grading unsandboxed. */
const struct sandbox_spec *stage_sandbox(struct stage_sandbox *s, const struct grade_config *cfg,
                                         const char *work, enum stage_kind kind);
/* The sandbox that compiles the harness, once per grading, in WORKDIR/.harness. */
const struct sandbox_spec *harness_sandbox(struct stage_sandbox *s,
                                           const struct grade_config *cfg);
void stage_sandbox_free(struct stage_sandbox *s);

/* collect.c: copies the chapter's headers and tests from the grader's tree and the
 * student files from the submission into workdir/ID. Returns 0, or -1 with a reason
 * in r->message (then the chapter scores 0). */
int collect_chapter(const struct grade_config *cfg, const struct chapter *ch,
                    struct chapter_result *r);

/* build.c: compiles workdir/ID into workdir/ID/build/runner. Returns 0, or -1 with the
 * compiler's first errors in r->message and r->status set. */
int build_chapter(const struct grade_config *cfg, const struct chapter *ch,
                  struct chapter_result *r);

/* build.c: replaces the student files marked in use_skeleton (one flag per student
 * file) by the chapter's skeletons of them and compiles those; build_relink then links
 * the runner again. Each returns 0, or -1 like build_chapter. */
int build_with_skeletons(const struct grade_config *cfg, const struct chapter *ch,
                         const bool *use_skeleton, struct chapter_result *r);
int build_relink(const struct grade_config *cfg, const struct chapter *ch,
                 struct chapter_result *r);

/* Where build.c puts the object of a source: "src/a.c" -> "build/src_a.o". */
char *build_object_path(const char *source);

/* policy.c: checks the student objects and their preprocessed source (only plain
 * code and data sections, no constructors, no IFUNC, TLS, unique or common globals, only
 * exported globals and shared helpers defined, only allowed functions used, no inline
 * assembly, system-call instructions or valgrind client requests) and adds what is
 * suspicious but not proof to r->flags. A file that breaks these rules costs only its
 * own tests: it is replaced by the chapter's skeleton of it (build_with_skeletons) and
 * a note names it with its violations. Returns 0, or -1 with the violations in
 * r->message and the chapter scored 0 when even that does not give a runner that
 * keeps the rules (a violation no file can be blamed for, a skeleton refused). */
int policy_check(const struct grade_config *cfg, const struct chapter *ch,
                 struct chapter_result *r);

/* run.c: the environment test runners get: a clean one in a sandbox (else the
 * grader's without CK_* and WB_* settings: a student's CK_FORK=no must not change
 * grading), with fork mode, and extra ("NAME=value", may be NULL). The strings are
 * not copied: free only the array. */
char **runner_environment(const struct grade_config *cfg, char *extra);

/* run.c: the runner's progress (--progress FD): which test is running, so that each
 * test is held to its own deadline (its timeout times slowdown, plus a grace), and
 * how many processes the tests left behind. */
struct argv;
struct command;
struct command_run;
struct test_progress {
    const struct chapter *chapter;
    const bool *selected; /* the tests this run runs */
    double slowdown, latest; /* latest: no deadline goes beyond it */
    double cap_s;            /* > 0: no test is given longer than this (+ a grace) */
    int running, last_begun; /* test indexes, -1: none */
    long strays;
    struct completions *completions; /* where records go; NULL: not counted */
    struct live *live; /* shown each test's verdict as it ends; NULL: none */
    int pipe[2];
    struct test_watch *watch; /* NULL: no watch (see watch.h) */
};
int test_progress_open(struct test_progress *p, const struct chapter *ch, const bool *selected,
                       double slowdown);
/* Adds "--progress FD" to the runner's arguments and has cmd report to p; total_s
 * bounds every deadline from now. */
void test_progress_attach(struct test_progress *p, struct command *cmd, struct argv *runner_args,
                          double total_s);
void test_progress_close(struct test_progress *p);
/* The seconds test i is given in p's run (its timeout times the slowdown, capped). */
double test_limit(const struct test_progress *p, int i);

/* run.c: adds the runner's "--timeout NAME=S" for each selected test (its timeout
 * times slowdown, plus margin_s), then the selected names in chapter order; returns
 * the sum of those timeouts. */
double runner_add_tests(struct argv *a, const struct chapter *ch, const bool *selected,
                        double slowdown, double margin_s);

/* run.c: runs the tests and fills r->tests from Check's XML log. */
int run_chapter(const struct grade_config *cfg, const struct chapter *ch,
                struct chapter_result *r);

/* analyse.c: runs the tests marked valgrind = true under helgrind and memcheck, as
 * the chapter's metadata asks, and records their findings in r->helgrind and
 * r->memcheck. */
void analyse_chapter(const struct grade_config *cfg, const struct chapter *ch,
                     struct chapter_result *r);

/* valgrindlog.c: reads valgrind XML files (one per process) into findings. */
struct valgrind_scope {
    const char *work;           /* student frames are work/<student file> */
    const struct chapter *chapter;
    const char *pid_log;        /* "PID TEST" lines written by the harness */
    const bool *covered;        /* the tests that ran under the tool (NULL: not checked) */
};
/* Adds the findings; returns NULL when the logs prove that every covered test ran
 * under the tool to its end, else why not (to free). */
char *valgrind_read(const struct valgrind_scope *scope, const char *xml_dir, const char *tool,
                    struct analysis_result *a);
void analysis_result_free(struct analysis_result *a);

/* locksheld.c: reads helgrind's text logs (xml_dir/locks.PID.txt) and adds to each race
 * finding the locks both accesses held. */
void locks_held_read(const char *dir, struct analysis_result *a);

/* checklog.c: reads one Check XML log into r->tests (setting `reported`); records
 * that are unknown, cut off or duplicated (also across logs) never count as passes.
 * A missing or unreadable log adds nothing. */
void checklog_read(const char *xml_path, struct chapter_result *r);

/* test_output.c: what each test's code printed, from the runner's output (run_log),
 * kept in r->tests[].output, at most TEST_OUTPUT_CAP bytes each. For display only. */
enum { TEST_OUTPUT_CAP = 4096 };
void test_output_read(const char *run_log, struct chapter_result *r);

/* completions.c: the proof that each test ran to its end, in its own process. */
struct completions {
    char token[33]; /* a secret made per run */
    size_t n_tests;
    int *genuine;   /* per test: records naming it, from its own process */
    int forged;     /* records naming another test, or repeated */
};
int completions_init(struct completions *c, size_t n_tests);
int completions_token_pipe(const struct completions *c); /* read end holding the token */
/* What the runner counted for one test ("end NAME GENUINE FORGED"). */
void completions_record(struct completions *c, size_t test, int genuine, int forged);
/* A passed test without exactly one genuine record is an error; any forged record
 * voids every test of the chapter. */
void completions_apply(const struct completions *c, struct chapter_result *r);
void completions_free(struct completions *c);

/* score.c */
void score_chapter(struct chapter_result *r);
void score_total(const struct chapter_result *rs, size_t n, double *score, double *max);

/* display_paths.c: the paths the terminal shows, from the workbook's root: tests and
 * headers in the workbook, student files in the submission. */
struct display_paths {
    const char *root;       /* the workbook; NULL: paths stay as they are */
    const char *submission; /* the submission's folder of chapter folders */
};
/* "test_lock.c:44" -> "chapters/09-thread-sync/tests/test_lock.c:44" (to free). */
char *display_location(const struct display_paths *d, const struct chapter *ch,
                       const char *location);
/* text with each "src/x.c:N", "tests/t.c:N" and "include/h.h:N" of the chapter shown
 * from the root, as display_location does (to free). */
char *display_text(const struct display_paths *d, const struct chapter *ch, const char *text);

/* report_terminal.c: quiet by default (the passed tests of each exercise on one line,
 * failures expanded, long lists cut), everything with verbose. */
struct terminal_options {
    bool colour, verbose, show_output;
    struct display_paths paths;
    const int *shown; /* per test: the status already printed (live.c), -1 when not;
                         NULL: none printed */
    int audience; /* redact.h: who reads it; a concealed test shows as "hidden test N:
                     failed" (0, the default: a student) */
};
void report_chapter_header_terminal(FILE *out, const struct chapter *ch,
                                    const struct terminal_options *o);
/* The rest of the chapter's report: what was not shown yet, analyses, notes, score. */
void report_chapter_terminal(FILE *out, const struct chapter_result *r,
                             const struct terminal_options *o);
/* One test's line and reason (verbose), or the tests [first, end) of one exercise. */
void report_test_terminal(FILE *out, const struct chapter_result *r, size_t i,
                          const struct terminal_options *o);
void report_exercise_terminal(FILE *out, const struct chapter_result *r, size_t first,
                              size_t end, const struct terminal_options *o);
/* Where the exercise of test i ends: the first test after it that exercises other files. */
size_t exercise_end(const struct chapter *ch, size_t i);
void report_total_terminal(FILE *out, const struct chapter_result *rs, size_t n, bool colour);
/* Which sandbox layers are active, and why the others are missing. */
void report_sandbox_terminal(FILE *out, const struct sandbox *box, bool colour);
int report_json_write(const char *path, const struct chapter_result *rs, size_t n,
                      const struct sandbox *box, char *err, size_t errlen);
/* The JSON report of a grading under way (complete false: interrupted, killed, or not
 * finished yet) or narrowed to a selection (partial: not comparable to a full grade).
 * Written to a temporary file renamed over path, so that path always holds a whole
 * report. report_json_write writes a complete, full one. */
struct report_state {
    bool complete;
    const struct selection *selection; /* NULL or empty: every test */
};
int report_json_write_state(const char *path, const struct chapter_result *rs, size_t n,
                            const struct sandbox *box, const struct report_state *state,
                            char *err, size_t errlen);
/* Every JSON report written after this carries p as its "provenance" (provenance.h;
 * null until set). p must outlive those writes. */
struct provenance;
void report_json_set_provenance(const struct provenance *p);
/* The provenance set last, or NULL: the exports carry it too (Gradescope's extra_data,
 * JUnit's properties). */
const struct provenance *report_json_provenance(void);

/* ---- reports for CI and GitHub Classroom (report_markdown.c, report_annotations.c,
 * report_classroom.c, report_location.c) and the workbook files a submission changed
 * (changes.c) ---- */

struct report_context {
    const char *prefix; /* from the submission's folder to its chapters: "chapters/" when
                           it is a repository root, else "" (the paths students see) */
    char **changed;     /* workbook files the submission changed, which grading ignores */
    size_t n_changed;
    double pass_percent; /* the pass mark, 0 to 100: --fail-under, else 100 */
};

/* Every file of the submission's chapter folders (sub_chapters/ID) but the student files
 * that differs from the workbook's or that the workbook lacks and, when the submission is
 * a repository root (prefix "chapters/"), its Makefile and grader/ files that differ
 * from root's. Sorted paths from the submission's folder; returns how many. */
size_t workbook_changes(const char *root, const char *sub_chapters, const char *prefix,
                        const struct chapter *const *chs, size_t n, char ***out);
void workbook_changes_free(char **changed, size_t n);

/* A reported location ("test_reap.c:59", "src/reap.c:12") as a path from the
 * submission's folder ("chapters/01-fork/tests/test_reap.c") and its line; NULL when it
 * names no file of the chapter. */
char *report_location(const struct chapter *ch, const char *prefix, const char *location,
                      long *line);
/* Whether score/max reaches pass_percent (0/0 reaches only 0). */
bool report_passes(double score, double max, double pass_percent);

/* Markdown for GitHub's job summary; appended to path, as $GITHUB_STEP_SUMMARY expects. */
int report_markdown_write(const char *path, const struct chapter_result *rs, size_t n,
                          const struct report_context *ctx, char *err, size_t errlen);
/* GitHub workflow commands (::error file=...,line=...::) to path, "-" for stdout. */
int report_annotations_write(const char *path, const struct chapter_result *rs, size_t n,
                             const struct report_context *ctx, char *err, size_t errlen);
/* The result payload GitHub Classroom's autograding-grading-reporter reads (as JSON:
 * the workflow base64-encodes it into the step's `result` output). */
int report_classroom_write(const char *path, const struct chapter_result *rs, size_t n,
                           const struct report_context *ctx, char *err, size_t errlen);

/* ---- helpers (util.c) ---- */

const char *test_status_name(enum test_status s);
const char *chapter_status_name(enum chapter_status s);
char *xstrdup(const char *s);
/* text with a line break and four spaces before each of its lines, for a note. */
char *indented(const char *text);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *path_join(const char *a, const char *b);
bool is_dir(const char *path);
bool is_file(const char *path);
int mkdir_p(const char *path);
int copy_file(const char *from, const char *to);
int copy_tree(const char *from, const char *to); /* regular files and folders */
int remove_tree(const char *path);
char *read_text_file(const char *path, size_t max_bytes);
/* Writes text to path through a temporary file beside it and a rename, so that a reader
 * sees the old file or the new one, never half of one; 0, or -1 with errno. */
int write_file_atomically(const char *path, const char *text);
double monotonic_seconds(void);

#endif
