/* main.c - the grade command: options, then the pipeline for each chapter.
 *
 *   grade [--submission DIR] [--chapter N]... [--test NAME]... [--file PATH]...
 *         [--json FILE] [--keep] [--root DIR] [--verbose] [--show-output]
 *         [--sandbox auto|require|off] [--sandbox-info] [--summary FILE]
 *         [--annotations FILE|-] [--classroom FILE] [--fail-under PERCENT]
 *         [--progress FILE] [-j N] [--extra-tests DIR] [--instructor | --after-due-date]
 *         [--gradescope FILE] [--junit FILE] [--autolab FILE|-]
 *   grade --batch DIR|LIST [-j N] [--csv FILE] [--json-dir DIR] [--force] (batch.c)
 *   grade --watch [--chapter N]... [--progress FILE]
 *   grade --list [--progress FILE] [--markdown]
 *   grade --hint N [EXERCISE] [--progress FILE]
 *
 * Exit status: 0 whenever grading ran (whatever the score), 1 when the score is below
 * --fail-under, 2 when grading could not run. */
#include "grader.h"

#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "command.h"
#include "progress.h"
#include "provenance.h"
#include "student_commands.h"
#include "save_watch.h"
#include "live.h"
#include "extra_tests.h"
#include "redact.h"
#include "exports.h"
#include "parallel.h"

enum { EXIT_BELOW_PASS_MARK = 1, EXIT_CANNOT_GRADE = 2, MAX_CHANGES_SHOWN = 20 };

struct options {
    char *root, *submission, *json_path, *workdir, *chapters_dir;
    char *summary_path, *annotations_path, *classroom_path;
    char *progress_path; /* the student's progress file: recorded when given */
    char *hint_chapter, *hint_exercise;
    double fail_under; /* a percentage; negative when not given */
    int jobs;          /* -j: chapters graded at once; 0 when not given */
    char **chapters;
    size_t n_chapters;
    struct selection selection; /* --test and --file */
    bool keep, list, sandbox_info, verbose, show_output, watch, watch_poll;
    enum sandbox_mode sandbox;
    /* instructors: --extra-tests, who reads the reports, the exports */
    char *extra_tests, *gradescope_path, *junit_path, *autolab_path;
    enum audience audience;
    bool markdown;
    int colour; /* 1 on, 0 off, -1 when stdout is a terminal and NO_COLOR is unset */
};

static const char usage_text[] =
    "usage: grade [options]\n"
    "Builds and tests a submission's chapters and reports the score.\n\n"
    "  --submission DIR  a folder shaped like chapters/, or a repository root holding\n"
    "                    chapters/ (default: the workbook's own chapters/)\n"
    "  --chapter N       grade only chapter N: 1, 01 or 01-fork (repeatable)\n"
    "  --test NAME       grade only the tests whose name begins with NAME (repeatable);\n"
    "                    a partial grading, its score not comparable to a full one\n"
    "  --file PATH       grade only the tests of a student file: src/lock.c, lock.c or\n"
    "                    chapters/09-thread-sync/src/lock.c (repeatable; partial)\n"
    "  --verbose         every test on its own line, every name of a long list\n"
    "  --show-output     under a failing test, what the code printed while it ran\n"
    "                    (its first 4 KiB)\n"
    "  --json FILE       also write the report as JSON\n"
    "  --list            list the chapters, with each one's last score from the\n"
    "                    progress file, and exit\n"
    "  --hint N [EXERCISE]\n"
    "                    show the next hint of an exercise of chapter N (its number\n"
    "                    or file: 1, lock.c, lock), one more each time; without\n"
    "                    EXERCISE, list the exercises that have hints\n"
    "  --watch           grade a chapter again each time one of its student files is\n"
    "                    saved (with --chapter: only those chapters); Ctrl-C stops\n"
    "  --watch-poll      like --watch, noticing saves by polling instead of inotify\n"
    "  --progress FILE   the student's progress file: each grading of a whole chapter\n"
    "                    records its score there, and --hint its hints shown (default\n"
    "                    for --list and --hint: .workbook-progress.json here; make\n"
    "                    grade passes it)\n"
    "  --keep            keep the work folder (builds, logs) and print where it is\n"
    "  --workdir DIR     build and run in DIR instead of a fresh temporary folder\n"
    "  --root DIR        the workbook (default: the folder above this program's bin/)\n"
    "  --chapters DIR    the chapters (metadata, headers, tests) to grade against\n"
    "                    (default: ROOT/chapters)\n"
    "  --sandbox MODE    auto: every isolation layer this machine allows (default);\n"
    "                    require: refuse to grade without bubblewrap; off: none\n"
    "                    (for debugging the grader, never for untrusted code)\n"
    "  --sandbox-info    say which sandbox layers this machine allows, and exit\n"
    "  --summary FILE    append the report as Markdown to FILE (GitHub's job summary:\n"
    "                    --summary \"$GITHUB_STEP_SUMMARY\")\n"
    "  --annotations FILE\n"
    "                    write GitHub annotations (::error file=...,line=...::) for\n"
    "                    the problems at the student's lines to FILE, - for stdout\n"
    "  --classroom FILE  write the result payload GitHub Classroom's grading reporter\n"
    "                    reads, as JSON (the workflow base64-encodes it)\n"
    "  --fail-under PERCENT\n"
    "                    exit with status 1 when the score is below PERCENT of the\n"
    "                    points (0 to 100); also the Classroom payload's pass mark\n"
    "  --extra-tests DIR an instructor's private tests, in the chapters' NN-topic/\n"
    "                    layout (extra.cfg and tests/): graded with the chapter's\n"
    "  --instructor      show hidden tests in full everywhere (else a student's\n"
    "                    reports show each as \"hidden test N: passed/failed\")\n"
    "  --after-due-date  show after_due_date tests in full; hidden ones stay hidden\n"
    "  --gradescope FILE write Gradescope's results.json (every test by name, each\n"
    "                    with its visibility)\n"
    "  --junit FILE      write JUnit XML (GitLab, Jenkins): one testsuite per chapter\n"
    "  --autolab FILE    write Autolab's scores line {\"scores\": {...}} (- : stdout,\n"
    "                    after everything else)\n"
    "  --markdown        with --list: the README's table of chapters\n"
    "  -j, --jobs N      grade up to N chapters at once, each shown whole when it\n"
    "                    ends (default: the number of processors; -j 1: one after\n"
    "                    another, each verdict as it comes)\n"
    "  --color, --no-color\n"
    "  --batch DIR|LIST  grade a whole class, each submission in a grader of its own\n"
    "                    (grade --batch DIR --help shows its options)\n"
    "  -h, --help\n\n"
    "Exit status: 0 when grading ran, whatever the score (unless --fail-under); 1 when\n"
    "the score is below --fail-under; 2 when grading could not run.\n";

static void cannot_grade(const char *fmt, const char *arg)
{
    fputs("grade: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n", stderr);
    exit(EXIT_CANNOT_GRADE);
}

/* The workbook root: the folder above the one holding this executable. */
static char *default_root(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n < 0)
        cannot_grade("cannot find the workbook: %s", "use --root DIR");
    exe[n] = '\0';
    return xstrdup(dirname(dirname(exe)));
}

static enum sandbox_mode parse_sandbox_mode(const char *arg)
{
    if (strcmp(arg, "auto") == 0)
        return SANDBOX_AUTO;
    if (strcmp(arg, "require") == 0)
        return SANDBOX_REQUIRE;
    if (strcmp(arg, "off") == 0)
        return SANDBOX_OFF;
    cannot_grade("--sandbox takes auto, require or off, not '%s'", arg);
    return SANDBOX_AUTO;
}

static double parse_percent(const char *arg)
{
    char *end;
    double p = strtod(arg, &end);
    if (end == arg || *end != '\0' || !(p >= 0 && p <= 100))
        cannot_grade("--fail-under takes a percentage from 0 to 100, not '%s'", arg);
    return p;
}

static int parse_jobs(const char *arg)
{
    char *end;
    long n = strtol(arg, &end, 10);
    if (end == arg || *end != '\0' || n < 1 || n > 1024)
        cannot_grade("-j takes a number of chapters from 1 to 1024, not '%s'", arg);
    return (int)n;
}

static struct options parse_options(int argc, char **argv)
{
    static const struct option longs[] = {
        {"submission", required_argument, 0, 's'}, {"chapter", required_argument, 0, 'c'},
        {"json", required_argument, 0, 'J'},       {"root", required_argument, 0, 'r'},
        {"workdir", required_argument, 0, 'w'},    {"keep", no_argument, 0, 'k'},
        {"list", no_argument, 0, 'l'},             {"color", no_argument, 0, 'C'},
        {"no-color", no_argument, 0, 'N'},         {"help", no_argument, 0, 'h'},
        {"chapters", required_argument, 0, 'D'},   {"sandbox", required_argument, 0, 'S'},
        {"sandbox-info", no_argument, 0, 'I'},     {"summary", required_argument, 0, 'M'},
        {"annotations", required_argument, 0, 'A'}, {"classroom", required_argument, 0, 'G'},
        {"fail-under", required_argument, 0, 'F'}, {"hint", required_argument, 0, 'H'},
        {"progress", required_argument, 0, 'P'}, {"watch", no_argument, 0, 'W'},
        {"watch-poll", no_argument, 0, 'Q'},
        {"fail-under", required_argument, 0, 'F'}, {"test", required_argument, 0, 'T'},
        {"file", required_argument, 0, 'f'},       {"verbose", no_argument, 0, 'v'},
        {"show-output", no_argument, 0, 'O'},      {"jobs", required_argument, 0, 'j'},
        {"extra-tests", required_argument, 0, 'X'}, {"instructor", no_argument, 0, 'Y'},
        {"after-due-date", no_argument, 0, 'Z'},  {"gradescope", required_argument, 0, 'g'},
        {"junit", required_argument, 0, 'U'},      {"markdown", no_argument, 0, 'm'},
        {"autolab", required_argument, 0, 'L'},
        {0, 0, 0, 0}};
    struct options o = {.colour = -1, .fail_under = -1};
    o.chapters = xcalloc((size_t)argc, sizeof *o.chapters);
    o.selection.tests = xcalloc((size_t)argc, sizeof *o.selection.tests);
    o.selection.files = xcalloc((size_t)argc, sizeof *o.selection.files);
    int c;
    while ((c = getopt_long(argc, argv, "hj:", longs, NULL)) != -1) {
        switch (c) {
        case 's': o.submission = optarg; break;
        case 'c': o.chapters[o.n_chapters++] = optarg; break;
        case 'J': o.json_path = optarg; break;
        case 'j': o.jobs = parse_jobs(optarg); break;
        case 'r': o.root = optarg; break;
        case 'w': o.workdir = optarg; break;
        case 'D': o.chapters_dir = optarg; break;
        case 'k': o.keep = true; break;
        case 'l': o.list = true; break;
        case 'C': o.colour = 1; break;
        case 'N': o.colour = 0; break;
        case 'S': o.sandbox = parse_sandbox_mode(optarg); break;
        case 'I': o.sandbox_info = true; break;
        case 'M': o.summary_path = optarg; break;
        case 'A': o.annotations_path = optarg; break;
        case 'G': o.classroom_path = optarg; break;
        case 'F': o.fail_under = parse_percent(optarg); break;
        case 'H': o.hint_chapter = optarg; break;
        case 'P': o.progress_path = optarg; break;
        case 'W': o.watch = true; break;
        case 'Q': o.watch = o.watch_poll = true; break;
        case 'T': o.selection.tests[o.selection.n_tests++] = optarg; break;
        case 'f': o.selection.files[o.selection.n_files++] = optarg; break;
        case 'v': o.verbose = true; break;
        case 'O': o.show_output = true; break;
        case 'X': o.extra_tests = optarg; break;
        case 'Y': o.audience = AUDIENCE_INSTRUCTOR; break;
        case 'Z': o.audience = o.audience ? o.audience : AUDIENCE_AFTER_DUE_DATE; break;
        case 'g': o.gradescope_path = optarg; break;
        case 'U': o.junit_path = optarg; break;
        case 'm': o.markdown = true; break;
        case 'L': o.autolab_path = optarg; break;
        case 'h': fputs(usage_text, stdout); exit(0);
        default: fputs(usage_text, stderr); exit(EXIT_CANNOT_GRADE);
        }
    }
    if (o.hint_chapter && optind < argc)
        o.hint_exercise = argv[optind++];
    if (optind < argc)
        cannot_grade("unexpected argument '%s' (see grade --help)", argv[optind]);
    return o;
}

/* DIR itself when it is shaped like chapters/, DIR/chapters when that exists (then
 * *prefix is "chapters/": the student's paths start there). */
static char *resolve_submission(const char *dir, const struct chapter *chs, size_t n,
                                const char **prefix)
{
    if (!is_dir(dir))
        cannot_grade("the submission folder '%s' does not exist", dir);
    char *inner = path_join(dir, "chapters");
    *prefix = is_dir(inner) ? "chapters/" : "";
    char *sub = is_dir(inner) ? inner : (free(inner), xstrdup(dir));
    for (size_t i = 0; i < n; i++) {
        char *ch = path_join(sub, chs[i].id);
        bool found = is_dir(ch);
        free(ch);
        if (found)
            return sub;
    }
    cannot_grade("'%s' holds no chapter folder (like 01-fork): is it a submission?", dir);
    return NULL;
}

/* The chapters to grade, in order: all, or those named with --chapter. */
static const struct chapter **select_chapters(const struct options *o,
                                              const struct chapter *chs, size_t n,
                                              size_t *n_selected)
{
    const struct chapter **sel = xcalloc(n, sizeof *sel);
    *n_selected = 0;
    for (size_t i = 0; i < n; i++) {
        bool wanted = o->n_chapters == 0;
        for (size_t k = 0; k < o->n_chapters && !wanted; k++)
            wanted = chapter_find(chs, n, o->chapters[k]) == &chs[i];
        if (wanted)
            sel[(*n_selected)++] = &chs[i];
    }
    for (size_t k = 0; k < o->n_chapters; k++)
        if (chapter_find(chs, n, o->chapters[k]) == NULL)
            cannot_grade("no chapter '%s' (grade --list shows them)", o->chapters[k]);
    return sel;
}

/* With --test or --file: each chapter narrowed to the selected tests (select.c), the
 * chapters without any left out (a broken chapter is kept: it is reported). *sel then
 * points into *narrowed, which the caller frees with chapter_narrow_free. */
static void narrow_chapters(const struct options *o, const struct chapter *chs, size_t n_chs,
                            const struct chapter **sel, size_t *n_sel,
                            struct chapter **narrowed)
{
    *narrowed = NULL;
    if (selection_empty(&o->selection))
        return;
    for (size_t k = 0; k < o->selection.n_files; k++)
        if (!selection_names_file(chs, n_chs, o->selection.files[k]))
            cannot_grade("--file %s: no chapter has this student file (chapter.cfg's "
                         "student_files lists them)", o->selection.files[k]);
    *narrowed = xcalloc(*n_sel + 1, sizeof **narrowed);
    size_t kept = 0, tests = 0;
    for (size_t i = 0; i < *n_sel; i++) {
        struct chapter *c = &(*narrowed)[kept];
        chapter_narrow(sel[i], &o->selection, c);
        tests += c->n_tests;
        if (c->n_tests > 0 || sel[i]->load_error)
            sel[kept++] = c;
        else
            chapter_narrow_free(c);
    }
    *n_sel = kept;
    if (tests == 0)
        cannot_grade("%s", "no test matches --test or --file in the chapters graded "
                           "(build/runner --list in a kept work folder, or chapter.cfg, "
                           "names them)");
}

/* Seconds since *mark, and moves the mark to now. */
static double lap(double *mark)
{
    double now = monotonic_seconds(), seconds = now - *mark;
    *mark = now;
    return seconds;
}

static void grade_chapter(const struct grade_config *cfg, const struct chapter *ch,
                          struct chapter_result *r)
{
    double start = monotonic_seconds(), mark = start;
    chapter_result_init(r, ch);
    if (ch->load_error) {
        r->status = CHAPTER_ERROR;
        r->metadata_broken = true;
        r->message = xasprintf("not graded: its metadata is broken: %s", ch->load_error);
        return;
    }
    bool ok = collect_chapter(cfg, ch, r) == 0;
    r->stage_seconds.collect = lap(&mark);
    ok = ok && build_chapter(cfg, ch, r) == 0;
    r->stage_seconds.build = lap(&mark);
    ok = ok && policy_check(cfg, ch, r) == 0;
    r->stage_seconds.check = lap(&mark);
    live_stage(cfg->live, "running the tests");
    ok = ok && run_chapter(cfg, ch, r) == 0;
    r->stage_seconds.run = lap(&mark);
    live_stage(cfg->live, "analysing (valgrind)");
    if (ok && !command_interrupted())
        analyse_chapter(cfg, ch, r);
    r->stage_seconds.analyse = lap(&mark);
    score_chapter(r);
    r->seconds = monotonic_seconds() - start;
}

static char *make_workdir(const struct options *o)
{
    if (o->workdir) {
        if (mkdir_p(o->workdir) < 0)
            cannot_grade("cannot create the work folder '%s'", o->workdir);
        char *dir = realpath(o->workdir, NULL);
        /* the harness's and tests' objects are built once per run: never reuse an
         * older run's */
        const char *const per_run[] = {".harness", ".tests", ".students"};
        for (size_t i = 0; i < sizeof per_run / sizeof *per_run; i++) {
            char *objects = path_join(dir, per_run[i]);
            remove_tree(objects);
            free(objects);
        }
        return dir;
    }
    const char *tmp = getenv("TMPDIR");
    char *templ = xasprintf("%s/grade.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(templ) == NULL)
        cannot_grade("cannot create a work folder in '%s'", tmp && *tmp ? tmp : "/tmp");
    return templ;
}

/* The sandbox uid must pass through the work folder to reach what is bound for it;
 * it may not list or write it. */
static void open_workdir_to_sandbox(const struct sandbox *box, const char *workdir)
{
    if (box->active[LAYER_SEPARATE_UID])
        chmod(workdir, 0711);
}

/* Probes the sandbox; refuses to go on when the mode requires what is missing. */
static void setup_sandbox(struct sandbox *box, enum sandbox_mode mode)
{
    sandbox_probe(box, mode);
    if (mode != SANDBOX_REQUIRE)
        return;
    if (!box->active[LAYER_BUBBLEWRAP])
        cannot_grade("--sandbox require: no bubblewrap: %s", box->why_missing[LAYER_BUBBLEWRAP]);
}

/* The workbook files the submission changed, unless it is the workbook's own chapters. */
static void find_changes(const char *root, const char *chapters_dir, const char *submission,
                         const struct chapter **sel, size_t n_sel, struct report_context *ctx)
{
    char *ours = realpath(chapters_dir, NULL), *theirs = realpath(submission, NULL);
    if (ours && theirs && strcmp(ours, theirs) != 0)
        ctx->n_changed = workbook_changes(root, submission, ctx->prefix,
                                          (const struct chapter *const *)sel, n_sel,
                                          &ctx->changed);
    free(ours);
    free(theirs);
}

static void print_changes(FILE *out, const struct report_context *ctx)
{
    if (ctx->n_changed == 0)
        return;
    fputs("warning: workbook files you changed are ignored: ", out);
    for (size_t i = 0; i < ctx->n_changed && i < MAX_CHANGES_SHOWN; i++)
        fprintf(out, "%s%s", i ? ", " : "", ctx->changed[i]);
    if (ctx->n_changed > MAX_CHANGES_SHOWN)
        fprintf(out, " and %zu more", ctx->n_changed - MAX_CHANGES_SHOWN);
    fputs("\n  (only the student files that chapter.cfg names are graded: tests, headers,\n"
          "  metadata and the grader come from the workbook)\n", out);
}

/* Writes the reports the options ask for; returns the exit status the score gives. */
static int write_reports(const struct options *o, const struct chapter_result *all, size_t n,
                         const struct sandbox *box, const struct report_context *ctx,
                         double seconds)
{
    char err[1024];
    /* the exports are the instructor's: every test in full */
    if (o->gradescope_path &&
        report_gradescope_write(o->gradescope_path, all, n, seconds, err, sizeof err) < 0)
        cannot_grade("%s", err);
    if (o->junit_path && report_junit_write(o->junit_path, all, n, err, sizeof err) < 0)
        cannot_grade("%s", err);
    struct redacted redacted; /* the others are a student's, unless --instructor */
    const struct chapter_result *rs = redact_results(all, n, o->audience, &redacted);
    const struct report_state done = {.complete = true, .selection = &o->selection};
    if (o->json_path &&
        report_json_write_state(o->json_path, rs, n, box, &done, err, sizeof err) < 0)
        cannot_grade("%s", err);
    if (o->summary_path && report_markdown_write(o->summary_path, rs, n, ctx, err,
                                                 sizeof err) < 0)
        cannot_grade("%s", err);
    if (o->classroom_path && report_classroom_write(o->classroom_path, rs, n, ctx, err,
                                                    sizeof err) < 0)
        cannot_grade("%s", err);
    if (o->json_path)
        printf("JSON report: %s\n", o->json_path);
    if (o->annotations_path && report_annotations_write(o->annotations_path, rs, n, ctx, err,
                                                        sizeof err) < 0)
        cannot_grade("%s", err);
    redacted_free(&redacted);
    fflush(stdout); /* Autolab reads the last line of the output: this one */
    if (o->autolab_path && report_autolab_write(o->autolab_path, all, n, err, sizeof err) < 0)
        cannot_grade("%s", err);
    double score, max;
    score_total(all, n, &score, &max);
    if (o->fail_under < 0 || report_passes(score, max, o->fail_under))
        return 0;
    printf("Below the pass mark: %g/%g is less than %g%% of the points (exit status 1)\n",
           score, max, o->fail_under);
    return EXIT_BELOW_PASS_MARK;
}

/* True when a chapter was not graded because its metadata is broken (then grade exits
 * with 2, as for any other reason grading could not run), saying which on stderr. */
static bool metadata_broken(const struct chapter_result *rs, size_t n)
{
    bool any = false;
    for (size_t i = 0; i < n; i++)
        if (rs[i].metadata_broken) {
            fprintf(stderr, "grade: %s was not graded: its metadata is broken (exit status 2)\n",
                    rs[i].chapter->id);
            any = true;
        }
    return any;
}

/* The JSON report of the grading so far (with --json), marked incomplete. */
static void write_report_so_far(const struct options *o, const struct chapter_result *all, size_t n,
                           const struct sandbox *box)
{
    char err[1024];
    const struct report_state so_far = {.complete = false, .selection = &o->selection};
    struct redacted redacted;
    const struct chapter_result *rs = redact_results(all, n, o->audience, &redacted);
    if (o->json_path &&
        report_json_write_state(o->json_path, rs, n, box, &so_far, err, sizeof err) < 0)
        cannot_grade("%s", err);
    redacted_free(&redacted);
}

enum { PROGRESS_ALWAYS, PROGRESS_WHEN_GIVEN };

/* Opens the progress file: --progress, or (when) the default one here. */
static bool open_progress(const struct options *o, int when, struct progress *p)
{
    const char *path = o->progress_path;
    if (path == NULL && when == PROGRESS_ALWAYS)
        path = ".workbook-progress.json";
    if (path == NULL)
        return false;
    char err[1024];
    if (progress_load(path, p, err, sizeof err) < 0)
        cannot_grade("%s", err);
    return true;
}

/* Records each chapter graded in the progress file, when there is one. */
static void record_progress(const struct options *o, const struct chapter_result *rs, size_t n)
{
    struct progress p;
    if (n == 0 || !open_progress(o, PROGRESS_WHEN_GIVEN, &p))
        return;
    for (size_t i = 0; i < n; i++)
        progress_record(&p, &rs[i]);
    char err[1024];
    if (progress_save(&p, err, sizeof err) < 0)
        fprintf(stderr, "grade: %s\n", err);
    progress_free(&p);
}

static void print_watching(const struct save_watch *w, size_t n_chapters)
{
    printf("\nWatching the student files of %zu chapter(s) (%s): save one to grade its chapter "
           "again; Ctrl-C stops.\n",
           n_chapters, save_watch_method(w));
    fflush(stdout);
}

/* Grades a chapter with its verdicts shown as they come. */
static void grade_live(const struct grade_config *cfg, const struct chapter *ch,
                       struct live *live, struct chapter_result *r)
{
    char *work = path_join(cfg->workdir, ch->id);
    live_chapter_begin(live, ch, work);
    grade_chapter(cfg, ch, r);
    live_chapter_end(live, r);
    free(work);
}

/* -j N: the chapters graded at once (parallel.c), the JSON report written after each. */
struct report_so_far {
    const struct options *o;
    const struct sandbox *box;
};

static void chapters_ended(void *arg, const struct chapter_result *rs, size_t n)
{
    const struct report_so_far *so_far = arg;
    write_report_so_far(so_far->o, rs, n, so_far->box);
}

static size_t grade_in_parallel(const struct options *o, const struct grade_config *cfg,
                                const struct chapter **sel, size_t n_sel, int jobs,
                                struct chapter_result *results)
{
    struct report_so_far so_far = {o, cfg->sandbox};
    if ((size_t)jobs > n_sel)
        jobs = (int)n_sel;
    printf("%zu chapters, %d at once (-j): each is shown when it ends\n", n_sel, jobs);
    const struct parallel_grading p = {.cfg = cfg, .chapters = sel, .n_chapters = n_sel,
                                       .jobs = jobs, .grade = grade_chapter, .live = cfg->live,
                                       .ended = chapters_ended, .arg = &so_far};
    return parallel_grade(&p, results);
}

/* The build stages alone (collect, build): what a watch does before the first save. */
static void build_only(const struct grade_config *cfg, const struct chapter *ch,
                       struct chapter_result *r)
{
    chapter_result_init(r, ch);
    if (ch->load_error == NULL && collect_chapter(cfg, ch, r) == 0)
        build_chapter(cfg, ch, r);
}

/* Builds each watched chapter once before the first save, a few at once: the harness,
 * the tests and the student files as they are now are then compiled and kept (build.c),
 * so that the first save, like every later one, compiles only the file saved. */
static void build_before_watching(const struct options *o, const struct grade_config *cfg,
                                  const struct chapter **sel, size_t n_sel)
{
    double start = monotonic_seconds();
    int jobs = o->jobs ? o->jobs : parallel_default_jobs();
    printf("Building %zu chapter(s) once, so that a save compiles only the file saved...\n",
           n_sel);
    fflush(stdout);
    struct chapter_result *built = xcalloc(n_sel, sizeof *built);
    const struct parallel_grading p = {.cfg = cfg, .chapters = sel, .n_chapters = n_sel,
                                       .jobs = jobs < 1 ? 1 : jobs, .grade = build_only};
    size_t n = parallel_grade(&p, built);
    for (size_t i = 0; i < n; i++)
        chapter_result_free(&built[i]);
    free(built);
    if (!command_interrupted())
        printf("Built in %.1f s.\n", monotonic_seconds() - start);
}

/* grade --watch: grades the chapter of each student file saved, until interrupted. */
static void watch_and_grade(const struct options *o, const struct grade_config *cfg,
                            const struct chapter **sel, size_t n_sel, struct live *live)
{
    size_t n = 0;
    for (size_t c = 0; c < n_sel; c++)
        n += sel[c]->n_student_files;
    char **files = xcalloc(n + 1, sizeof *files);
    size_t *chapter_of = xcalloc(n + 1, sizeof *chapter_of);
    n = 0;
    for (size_t c = 0; c < n_sel; c++)
        for (size_t f = 0; f < sel[c]->n_student_files; f++) {
            files[n] = xasprintf("%s/%s/%s", cfg->submission, sel[c]->id,
                                 sel[c]->student_files[f]);
            chapter_of[n++] = c;
        }
    struct save_watch *w = save_watch_start((const char *const *)files, n, o->watch_poll);
    build_before_watching(o, cfg, sel, n_sel); /* a save meanwhile is graded after it */
    if (!command_interrupted())
        print_watching(w, n_sel);
    int saved;
    while (!command_interrupted() && (saved = save_watch_next(w)) >= 0 &&
           !command_interrupted()) {
        const struct chapter *ch = sel[chapter_of[saved]];
        if (isatty(STDOUT_FILENO)) /* a clear screen (and scrollback) for each grading */
            fputs("\033[H\033[2J\033[3J", stdout);
        printf("%s saved: grading %s\n", files[saved], ch->id);
        fflush(stdout);
        struct chapter_result r;
        grade_live(cfg, ch, live, &r);
        if (!command_interrupted()) {
            if (o->selection.n_tests == 0 && o->selection.n_files == 0)
                record_progress(o, &r, 1);
            print_watching(w, n_sel);
        }
        chapter_result_free(&r);
    }
    save_watch_free(w);
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
    free(chapter_of);
}

/* grade --hint N [EXERCISE]; returns the exit status. */
static int show_hint(const struct options *o, const struct chapter *chs, size_t n)
{
    const struct chapter *ch = chapter_find(chs, n, o->hint_chapter);
    if (ch == NULL)
        cannot_grade("no chapter '%s' (grade --list shows them)", o->hint_chapter);
    struct progress p;
    open_progress(o, PROGRESS_ALWAYS, &p);
    char err[1024];
    int rc = student_hint(stdout, ch, o->hint_exercise, &p, err, sizeof err);
    progress_free(&p);
    if (rc < 0)
        cannot_grade("%s", err);
    return 0;
}

int main(int argc, char **argv)
{
    if (batch_requested(argc, argv)) /* grade --batch: its own options (batch.c) */
        return batch_main(argc, argv);
    struct options o = parse_options(argc, argv);
    char *root = o.root ? realpath(o.root, NULL) : default_root();
    if (root == NULL)
        cannot_grade("the workbook folder '%s' does not exist", o.root);
    char *chapters_dir = o.chapters_dir ? realpath(o.chapters_dir, NULL)
                                        : path_join(root, "chapters");
    if (chapters_dir == NULL)
        cannot_grade("the chapters folder '%s' does not exist", o.chapters_dir);
    struct chapter *chs;
    size_t n_chs;
    char err[1024];
    if (chapters_load_all(chapters_dir, &chs, &n_chs, err, sizeof err) < 0)
        cannot_grade("%s", err);
    if (o.extra_tests && extra_tests_merge(o.extra_tests, chs, n_chs, err, sizeof err) < 0)
        cannot_grade("%s", err);
    if (o.list && o.markdown) {
        chapter_table_markdown(stdout, chs, n_chs);
        return 0;
    }
    if (o.list) {
        struct progress p;
        bool have = open_progress(&o, PROGRESS_ALWAYS, &p);
        student_list(stdout, chs, n_chs, have ? &p : NULL);
        if (have)
            progress_free(&p);
        return 0;
    }
    if (o.hint_chapter)
        return show_hint(&o, chs, n_chs);
    /* Nothing in a sandbox may ptrace the grader or write its memory through /proc. */
    prctl(PR_SET_DUMPABLE, 0);
    struct sandbox box;
    setup_sandbox(&box, o.sandbox);
    bool colour = o.colour >= 0 ? o.colour : isatty(1) && getenv("NO_COLOR") == NULL;
    if (o.sandbox_info) {
        report_sandbox_terminal(stdout, &box, colour);
        if (o.json_path && report_json_write(o.json_path, NULL, 0, &box, err, sizeof err) < 0)
            cannot_grade("%s", err);
        sandbox_free(&box);
        return 0;
    }
    size_t n_sel;
    const struct chapter **sel = select_chapters(&o, chs, n_chs, &n_sel);
    struct chapter *narrowed;
    narrow_chapters(&o, chs, n_chs, sel, &n_sel, &narrowed);
    struct report_context ctx = {.pass_percent = o.fail_under >= 0 ? o.fail_under : 100};
    char *submission = resolve_submission(o.submission ? o.submission : chapters_dir, chs, n_chs,
                                          &ctx.prefix);
    find_changes(root, chapters_dir, submission, sel, n_sel, &ctx);
    /* Orphans of the tests re-parent to us, so that nothing escapes the final sweep. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    command_handle_interrupts();
    struct provenance prov;
    provenance_read(&prov, root, o.submission ? o.submission : root);
    report_json_set_provenance(&prov);
    const char *cc = getenv("CC");
    struct grade_config cfg = {.root = root, .submission = submission,
                               .workdir = make_workdir(&o), .cc = cc && *cc ? cc : "cc",
                               .sandbox = &box};
    open_workdir_to_sandbox(&box, cfg.workdir);
    printf("Grading %s\n", submission);
    print_changes(stdout, &ctx);
    report_sandbox_terminal(stdout, &box, colour);
    struct chapter_result *results = xcalloc(n_sel + 1, sizeof *results);
    size_t done = 0;
    char *shown_submission = realpath(submission, NULL);
    struct terminal_options term = {.colour = colour, .verbose = o.verbose,
                                    .show_output = o.show_output, .audience = o.audience,
                                    .paths = {root, shown_submission ? shown_submission
                                                                     : submission}};
    const char *term_name = getenv("TERM");
    struct live live;
    live_init(&live, stdout, isatty(1) && !(term_name && strcmp(term_name, "dumb") == 0), &term);
    cfg.live = &live;
    int status = 0;
    double started = monotonic_seconds();
    if (o.watch) {
        watch_and_grade(&o, &cfg, sel, n_sel, &live); /* until Ctrl-C: status 0 */
    } else {
        write_report_so_far(&o, results, 0, &box);
        int jobs = o.jobs ? o.jobs : parallel_default_jobs();
        if (jobs > 1 && n_sel > 1) {
            done = grade_in_parallel(&o, &cfg, sel, n_sel, jobs, results);
        } else {
            for (; done < n_sel && !command_interrupted(); done++) {
                grade_live(&cfg, sel[done], &live, &results[done]);
                write_report_so_far(&o, results, done + 1, &box);
            }
        }
        bool whole = o.selection.n_tests == 0 && o.selection.n_files == 0;
        if (whole && !command_interrupted()) /* else a chapter was graded in part */
            record_progress(&o, results, done);
        if (command_interrupted()) {
            fprintf(stderr, "grade: interrupted%s\n",
                    o.json_path ? "; the JSON report holds what was graded (complete: false)"
                                : "");
            status = 128 + command_interrupted();
        } else {
            report_total_terminal(stdout, results, done, colour);
            status = write_reports(&o, results, done, &box, &ctx,
                                   monotonic_seconds() - started);
            if (metadata_broken(results, done))
                status = EXIT_CANNOT_GRADE;
        }
    }
    free(shown_submission);
    if (o.keep)
        printf("Work folder kept: %s\n", cfg.workdir);
    else if (!o.workdir)
        remove_tree(cfg.workdir);
    for (size_t i = 0; i < done; i++)
        chapter_result_free(&results[i]);
    for (size_t i = 0; narrowed && i < n_sel; i++)
        chapter_narrow_free((struct chapter *)sel[i]);
    free(narrowed);
    for (size_t i = 0; i < n_chs; i++)
        chapter_free(&chs[i]);
    free(results);
    free(sel);
    free(chs);
    free(submission);
    workbook_changes_free(ctx.changed, ctx.n_changed);
    free(chapters_dir);
    free((char *)cfg.workdir);
    free(root);
    free(o.chapters);
    free(o.selection.tests);
    free(o.selection.files);
    sandbox_free(&box);
    provenance_free(&prov);
    return status;
}
