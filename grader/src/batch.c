/* batch.c - grade --batch: grades every submission of a class against the pinned
 * workbook (this grader's --root), N at a time.
 *
 * Each submission is graded by a grader process of its own: this program again
 * (/proc/self/exe) with --submission, --json into the JSON folder, --no-color, and a
 * TMPDIR of its own. The sandbox is per grader process (its uid is a base plus the
 * grader's pid, its control groups are its own), so a submission that hangs, crashes
 * or attacks reaches no other's grading; each child is also bounded in wall-clock time
 * and ends with the batch (PR_SET_PDEATHSIG).
 *
 * Resuming: beside each report ID.json the batch keeps ID.manifest (manifest.h): the
 * workbook's commit and chapter files, the grader's binary, the options and each student
 * file's size and SHA-256. It is written only once the child has ended by itself with
 * its report, and removed before a grading starts: a submission whose manifest is the
 * same as now and whose report is complete is not graded again (--force regrades).
 *
 * At the end every report is read back (gradebook.c): the CSV gradebook (--csv FILE,
 * with FILE.provenance.json beside it) and the class summary (on stdout and in
 * JSONDIR/summary.txt). */
#include "batch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "gradebook.h"
#include "grader.h"
#include "manifest.h"
#include "provenance.h"

enum { EXIT_CANNOT = 2, CHILD_LIMIT_S = 3600, CHILD_GRACE_S = 30, LIST_MAX = 16 << 20 };

struct batch_options {
    const char *source, *csv, *json_dir, *root, *sandbox;
    char *extra_tests;   /* absolute: each grading runs in a folder of its own */
    const char *view;    /* --instructor or --after-due-date, passed on; else NULL */
    const char **chapters;
    size_t n_chapters;
    long jobs;
    bool force;
    int colour;
};

struct submission {
    char *id, *path;     /* the folder name; the folder as given */
    char *sub_chapters;  /* its folder of chapter folders; NULL when it has none */
    char *json, *manifest, *log;
    char *current;       /* its manifest now */
    char *failure;       /* why its grading failed, when it did */
    bool to_grade;
    pid_t pid;           /* while graded */
    char *tmpdir;
    double started;
};

static const char usage_text[] =
    "usage: grade --batch DIR|LIST [options]\n"
    "Grades every submission of a class against this workbook, each in a grader\n"
    "process of its own, and writes a gradebook and a class summary.\n\n"
    "  --batch DIR       each folder in DIR is a submission (its name is its id)\n"
    "  --batch LIST      or a file with one submission folder (or cloned repository)\n"
    "                    per line; blank lines and lines starting with # are skipped\n"
    "  -j, --jobs N      grade N submissions at a time (default: the processors)\n"
    "  --json-dir DIR    where each submission's report ID.json, its log ID.log, its\n"
    "                    manifest and the summary go (default: grades)\n"
    "  --csv FILE        write the gradebook as CSV (and FILE.provenance.json)\n"
    "  --force           grade every submission, even those unchanged since their\n"
    "                    last complete grading\n"
    "  --chapter N       grade only chapter N (repeatable)\n"
    "  --root DIR        the workbook (default: the folder above this program's bin/)\n"
    "  --sandbox MODE    passed to each grading: auto, require or off\n"
    "  --extra-tests DIR passed to each grading: the instructor's hidden tests\n"
    "  --instructor      passed on: reports show hidden tests in full\n"
    "  --after-due-date  passed on: reports show after_due_date tests in full\n"
    "  --color, --no-color\n";

static void batch_fail(const char *fmt, const char *arg)
{
    fputs("grade --batch: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n", stderr);
    exit(EXIT_CANNOT);
}

bool batch_requested(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return false;
        if (strcmp(argv[i], "--batch") == 0 || strncmp(argv[i], "--batch=", 8) == 0)
            return true;
    }
    return false;
}

static struct batch_options parse_batch_options(int argc, char **argv)
{
    static const struct option longs[] = {
        {"batch", required_argument, 0, 'b'},   {"jobs", required_argument, 0, 'j'},
        {"csv", required_argument, 0, 'v'},     {"json-dir", required_argument, 0, 'J'},
        {"force", no_argument, 0, 'f'},         {"chapter", required_argument, 0, 'c'},
        {"root", required_argument, 0, 'r'},    {"sandbox", required_argument, 0, 'S'},
        {"color", no_argument, 0, 'C'},         {"no-color", no_argument, 0, 'N'},
        {"extra-tests", required_argument, 0, 'E'},
        {"instructor", no_argument, 0, 'I'},    {"after-due-date", no_argument, 0, 'A'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    struct batch_options o = {.json_dir = "grades", .colour = -1};
    o.chapters = xcalloc((size_t)argc, sizeof *o.chapters);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = cpus > 0 ? cpus : 1;
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "hj:", longs, NULL)) != -1) {
        switch (c) {
        case 'b': o.source = optarg; break;
        case 'j':
            o.jobs = strtol(optarg, &end, 10);
            if (end == optarg || *end || o.jobs < 1 || o.jobs > 256)
                batch_fail("-j takes a number of gradings from 1 to 256, not '%s'", optarg);
            break;
        case 'v': o.csv = optarg; break;
        case 'J': o.json_dir = optarg; break;
        case 'f': o.force = true; break;
        case 'c': o.chapters[o.n_chapters++] = optarg; break;
        case 'r': o.root = optarg; break;
        case 'S':
            if (strcmp(optarg, "auto") && strcmp(optarg, "require") && strcmp(optarg, "off"))
                batch_fail("--sandbox takes auto, require or off, not '%s'", optarg);
            o.sandbox = optarg;
            break;
        case 'E':
            free(o.extra_tests);
            o.extra_tests = realpath(optarg, NULL);
            if (o.extra_tests == NULL)
                batch_fail("the extra tests folder '%s' does not exist", optarg);
            break;
        case 'I':
        case 'A':
            if (o.view && strcmp(o.view, c == 'I' ? "--instructor" : "--after-due-date"))
                batch_fail("%s", "--instructor and --after-due-date exclude each other");
            o.view = c == 'I' ? "--instructor" : "--after-due-date";
            break;
        case 'C': o.colour = 1; break;
        case 'N': o.colour = 0; break;
        case 'h': fputs(usage_text, stdout); exit(0);
        default:
            fputs("(with --batch only the options below apply)\n", stderr);
            fputs(usage_text, stderr);
            exit(EXIT_CANNOT);
        }
    }
    if (optind < argc)
        batch_fail("unexpected argument '%s' (see grade --batch DIR --help)", argv[optind]);
    return o;
}

static char *workbook_root(const char *given)
{
    if (given) {
        char *root = realpath(given, NULL);
        if (root == NULL)
            batch_fail("the workbook folder '%s' does not exist", given);
        return root;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n < 0)
        batch_fail("%s", "cannot find the workbook: use --root DIR");
    exe[n] = '\0';
    return xstrdup(dirname(dirname(exe)));
}

/* ---- the submissions ---- */

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct submission *)a)->id, ((const struct submission *)b)->id);
}

static void add_submission(struct submission **subs, size_t *n, const char *path)
{
    char *copy = xstrdup(path);
    size_t len = strlen(copy);
    while (len > 1 && copy[len - 1] == '/')
        copy[--len] = '\0';
    const char *slash = strrchr(copy, '/');
    const char *id = slash ? slash + 1 : copy;
    if (*id == '\0' || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
        batch_fail("'%s' does not end in a folder name to use as its id", path);
    *subs = xrealloc(*subs, (*n + 1) * sizeof **subs);
    (*subs)[(*n)++] = (struct submission){.id = xstrdup(id), .path = copy, .pid = -1};
}

/* Every folder in dir (not hidden, not the JSON folder), sorted by name. */
static struct submission *submissions_in(const char *dir, const char *json_dir, size_t *n)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        batch_fail("cannot read the folder '%s'", dir);
    char *json_real = realpath(json_dir, NULL);
    struct submission *subs = NULL;
    *n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *path = path_join(dir, e->d_name);
        char *real = realpath(path, NULL);
        if (is_dir(path) && !(json_real && real && strcmp(real, json_real) == 0))
            add_submission(&subs, n, path);
        free(real);
        free(path);
    }
    closedir(d);
    free(json_real);
    return subs;
}

/* One submission per line of the list file. */
static struct submission *submissions_listed(const char *list, size_t *n)
{
    char *text = read_text_file(list, LIST_MAX);
    if (text == NULL)
        batch_fail("cannot read the list '%s'", list);
    struct submission *subs = NULL;
    *n = 0;
    for (char *line = strtok(text, "\r\n"); line; line = strtok(NULL, "\r\n")) {
        while (*line == ' ' || *line == '\t')
            line++;
        size_t len = strlen(line);
        while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
            line[--len] = '\0';
        if (len > 0 && line[0] != '#')
            add_submission(&subs, n, line);
    }
    free(text);
    return subs;
}

/* Paths of each submission's files in the JSON folder; its folder of chapters. */
static void place_submission(struct submission *s, const char *json_dir,
                             const struct chapter *chs, size_t n_chs)
{
    s->json = xasprintf("%s/%s.json", json_dir, s->id);
    s->manifest = xasprintf("%s/%s.manifest", json_dir, s->id);
    s->log = xasprintf("%s/%s.log", json_dir, s->id);
    if (!is_dir(s->path)) {
        s->failure = xasprintf("the submission folder '%s' does not exist", s->path);
        return;
    }
    char *inner = path_join(s->path, "chapters");
    char *sub = is_dir(inner) ? inner : (free(inner), xstrdup(s->path));
    for (size_t i = 0; i < n_chs && !s->sub_chapters; i++) {
        char *ch = path_join(sub, chs[i].id);
        if (is_dir(ch))
            s->sub_chapters = xstrdup(sub);
        free(ch);
    }
    free(sub);
    if (s->sub_chapters == NULL)
        s->failure = xasprintf("'%s' holds no chapter folder (like 01-fork)", s->path);
}

/* ---- what every grading of this batch depends on ---- */

static char *batch_context(const char *root, const struct provenance *prov,
                           const struct chapter *const *sel, size_t n_sel,
                           const struct batch_options *o)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[len < 0 ? 0 : len] = '\0';
    char *grader = manifest_file_hash(exe); /* a rebuilt grader grades again */
    const char *cc = getenv("CC");
    char *text = xasprintf("workbook %s\ngrader %s %s\nsandbox %s\ncc %s\n",
                           prov->workbook_commit ? prov->workbook_commit : "none",
                           prov->grader_version, grader ? grader : "unreadable",
                           o->sandbox ? o->sandbox : "auto", cc && *cc ? cc : "cc");
    free(grader);
    if (o->extra_tests) { /* changed hidden tests grade everyone again */
        char *hash = manifest_tree_hash(o->extra_tests);
        char *more = xasprintf("%sextra-tests %s\nview %s\n", text, hash,
                               o->view ? o->view : "student");
        free(text);
        text = more;
        free(hash);
    }
    for (size_t i = 0; i < n_sel; i++) {
        char *dir = path_join(root, "chapters");
        char *chdir_ = path_join(dir, sel[i]->id);
        char *hash = manifest_tree_hash(chdir_);
        char *more = xasprintf("%schapter %s %s\n", text, sel[i]->id, hash);
        free(text);
        text = more;
        free(hash);
        free(chdir_);
        free(dir);
    }
    return text;
}

/* ---- running the gradings ---- */

struct batch_run {
    struct submission *subs;
    size_t n, to_grade, finished, running;
    size_t kept; /* gradings that ended by themselves: their manifests are kept */
    long jobs;
    bool tty;
    double start, busy_seconds; /* busy: the summed durations of finished gradings */
    const char *root, *tmp_base;
    const struct batch_options *o;
};

static char **child_argv(const struct batch_run *b, const struct submission *s)
{
    const struct batch_options *o = b->o;
    char **argv = xcalloc(18 + 2 * o->n_chapters, sizeof *argv);
    size_t k = 0;
    argv[k++] = "grade";
    argv[k++] = "--root";
    argv[k++] = (char *)b->root;
    argv[k++] = "--submission";
    argv[k++] = s->path;
    argv[k++] = "--json";
    argv[k++] = s->json;
    argv[k++] = "--no-color";
    argv[k++] = "-j"; /* the batch's -j runs submissions side by side: their chapters */
    argv[k++] = "1";  /* go one after another, or the cores would be shared -j x -j ways */
    for (size_t i = 0; i < o->n_chapters; i++) {
        argv[k++] = "--chapter";
        argv[k++] = (char *)o->chapters[i];
    }
    if (o->sandbox) {
        argv[k++] = "--sandbox";
        argv[k++] = (char *)o->sandbox;
    }
    if (o->extra_tests) {
        argv[k++] = "--extra-tests";
        argv[k++] = o->extra_tests;
    }
    if (o->view)
        argv[k++] = (char *)o->view;
    return argv;
}

/* Starts s's grading: a fresh TMPDIR, its log, and this program again. */
static void start_grading(struct batch_run *b, struct submission *s, size_t index)
{
    unlink(s->json); /* never read an older grading's report as this one's */
    unlink(s->manifest);
    s->tmpdir = xasprintf("%s/%zu", b->tmp_base, index);
    remove_tree(s->tmpdir);
    if (mkdir(s->tmpdir, 0711) < 0) {
        s->failure = xasprintf("cannot create its work folder %s", s->tmpdir);
        return;
    }
    chmod(s->tmpdir, 0711); /* the sandbox uid passes through, as grade's own folder */
    int log = open(s->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log < 0) {
        s->failure = xasprintf("cannot write its log %s", s->log);
        return;
    }
    char **argv = child_argv(b, s);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM); /* the batch killed: its gradings stop */
        if (getppid() != parent)
            _exit(EXIT_CANNOT);
        setpgid(0, 0); /* the terminal's Ctrl-C reaches the batch, which stops them */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0)
            _exit(EXIT_CANNOT);
        setenv("TMPDIR", s->tmpdir, 1);
        execv("/proc/self/exe", argv);
        dprintf(2, "grade --batch: cannot run the grader: %s\n", strerror(errno));
        _exit(EXIT_CANNOT);
    }
    close(log);
    free(argv);
    if (pid < 0) {
        s->failure = xasprintf("cannot start its grading: %s", strerror(errno));
        return;
    }
    s->pid = pid;
    s->started = monotonic_seconds();
    b->running++;
}

static void fmt_duration(char *buf, size_t len, double s)
{
    if (s < 90)
        snprintf(buf, len, "%.0f s", s);
    else if (s < 5400)
        snprintf(buf, len, "%.0f min", s / 60);
    else
        snprintf(buf, len, "%.1f h", s / 3600);
}

/* The progress line (on a terminal): done/total, who is running, the time left. */
static void draw_progress(const struct batch_run *b)
{
    if (!b->tty)
        return;
    char left[32] = "?";
    if (b->finished > 0) {
        double per = b->busy_seconds / (double)b->finished;
        double now = monotonic_seconds(), remaining = 0;
        for (size_t i = 0; i < b->n; i++) {
            const struct submission *s = &b->subs[i];
            if (s->pid > 0) /* what the running ones still need */
                remaining += per > now - s->started ? per - (now - s->started) : 0;
        }
        remaining += per * (double)(b->to_grade - b->finished - b->running);
        fmt_duration(left, sizeof left, remaining / (double)b->jobs);
    }
    char running[160] = "";
    size_t used = 0;
    for (size_t i = 0; i < b->n && used < sizeof running - 1; i++)
        if (b->subs[i].pid > 0)
            used += (size_t)snprintf(running + used, sizeof running - used, "%s%s",
                                     used ? ", " : "", b->subs[i].id);
    printf("\r\033[K[%zu/%zu graded] running: %s; about %s left", b->finished, b->to_grade,
           used ? running : "-", left);
    fflush(stdout);
}

static void say(const struct batch_run *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say(const struct batch_run *b, const char *fmt, ...)
{
    va_list ap;
    if (b->tty)
        fputs("\r\033[K", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    draw_progress(b);
    fflush(stdout);
}

/* s's grading ended with status: keep its manifest when it ended by itself. */
static void grading_ended(struct batch_run *b, struct submission *s, int status,
                          const struct rusage *ru)
{
    double seconds = monotonic_seconds() - s->started;
    s->pid = -1;
    b->running--;
    b->finished++;
    b->busy_seconds += seconds;
    remove_tree(s->tmpdir);
    bool by_itself = WIFEXITED(status) && WEXITSTATUS(status) <= 2;
    if (command_interrupted() && !by_itself) {
        say(b, "stopped %s: the batch was interrupted; it is graded when the batch runs "
               "again\n", s->id);
        return;
    }
    if (by_itself) {
        b->kept++;
        if (manifest_save(s->manifest, s->current) < 0)
            say(b, "warning: cannot write %s: %s will be graded again\n", s->manifest, s->id);
    } else if (s->failure) { /* stopped at its limit: already said */
    } else if (WIFSIGNALED(status))
        s->failure = xasprintf("its grading was killed by signal %d (see %s)", WTERMSIG(status),
                               s->log);
    else
        s->failure = xasprintf("its grading was stopped (exit status %d; see %s)",
                               WEXITSTATUS(status), s->log);
    if (by_itself && WEXITSTATUS(status) == 2 && !s->failure)
        s->failure = xasprintf("the grader could not grade it (see %s)", s->log);
    struct graded_submission g;
    gradebook_load(&g, s->id, s->json, s->failure);
    /* wait4's ru_maxrss: the largest process of the grading (the grader, a compiler,
     * valgrind), in KiB */
    say(b, "graded %s: %g/%g (%s) in %.1f s, peak memory %.0f MiB\n", s->id, g.score,
        g.max_score, g.status, seconds, (double)ru->ru_maxrss / 1024);
    graded_submission_free(&g);
}

/* Stops what runs past its limit, then (after a grace) kills it. */
static void enforce_limits(struct batch_run *b)
{
    double now = monotonic_seconds();
    for (size_t i = 0; i < b->n; i++) {
        struct submission *s = &b->subs[i];
        if (s->pid <= 0)
            continue;
        double age = now - s->started;
        if (age > CHILD_LIMIT_S + CHILD_GRACE_S)
            kill(s->pid, SIGKILL);
        else if (age > CHILD_LIMIT_S && !s->failure) {
            s->failure = xasprintf("its grading took more than %d s", CHILD_LIMIT_S);
            kill(s->pid, SIGTERM);
        }
    }
}

static void reap_ended(struct batch_run *b, bool block)
{
    int status;
    pid_t pid;
    struct rusage ru;
    while ((pid = wait4(-1, &status, block ? 0 : WNOHANG, &ru)) > 0) {
        for (size_t i = 0; i < b->n; i++)
            if (b->subs[i].pid == pid) {
                grading_ended(b, &b->subs[i], status, &ru);
                break;
            }
        if (block)
            return;
    }
}

static void run_gradings(struct batch_run *b)
{
    size_t next = 0;
    while (b->finished < b->to_grade) {
        while (!command_interrupted() && b->running < (size_t)b->jobs && next < b->n) {
            struct submission *s = &b->subs[next];
            if (s->to_grade) {
                start_grading(b, s, next);
                if (s->pid <= 0) { /* could not start: counted as graded, failed */
                    b->finished++;
                    say(b, "not graded %s: %s\n", s->id, s->failure);
                }
                draw_progress(b);
            }
            next++;
        }
        if (command_interrupted()) {
            for (size_t i = 0; i < b->n; i++)
                if (b->subs[i].pid > 0)
                    kill(b->subs[i].pid, SIGTERM);
            while (b->running > 0)
                reap_ended(b, true);
            return;
        }
        struct timespec tick = {0, 250 * 1000 * 1000};
        nanosleep(&tick, NULL);
        reap_ended(b, false);
        enforce_limits(b);
        draw_progress(b);
    }
}

/* ---- the reports at the end ---- */

static char *provenance_line(const struct provenance *prov)
{
    return xasprintf("workbook %s, grader %s, at %s",
                     prov->workbook_commit ? prov->workbook_commit : "(not a git checkout)",
                     prov->grader_version, prov->graded_at);
}

static int write_csv(const char *path, const struct graded_submission *gs, size_t n,
                     const char *const *ids, size_t n_ids, const struct provenance *prov)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    int rc = gradebook_csv_write(f, gs, n, ids, n_ids);
    if (fclose(f) != 0)
        rc = -1;
    json_t *subs = json_object();
    for (size_t i = 0; i < n; i++)
        json_object_set_new(subs, gs[i].id,
                            json_pack("{s:o, s:o}", "commit",
                                      gs[i].commit ? json_string(gs[i].commit) : json_null(),
                                      "graded_at",
                                      gs[i].graded_at ? json_string(gs[i].graded_at)
                                                      : json_null()));
    json_t *side = json_pack("{s:o, s:s, s:s, s:o}", "workbook_commit",
                             prov->workbook_commit ? json_string(prov->workbook_commit)
                                                   : json_null(),
                             "grader_version", prov->grader_version, "written_at",
                             prov->graded_at, "submissions", subs);
    char *side_path = xasprintf("%s.provenance.json", path);
    if (json_dump_file(side, side_path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
        rc = -1;
    free(side_path);
    json_decref(side);
    return rc;
}

static void write_summary(const struct batch_run *b, const struct provenance *prov,
                          const char *const *ids, size_t n_ids)
{
    struct graded_submission *gs = xcalloc(b->n + 1, sizeof *gs);
    for (size_t i = 0; i < b->n; i++)
        gradebook_load(&gs[i], b->subs[i].id, b->subs[i].sub_chapters ? b->subs[i].json : NULL,
                       b->subs[i].failure);
    char *header = provenance_line(prov);
    if (b->tty)
        fputs("\r\033[K", stdout);
    fputc('\n', stdout);
    class_summary_print(stdout, header, gs, b->n, ids, n_ids);
    char *path = xasprintf("%s/summary.txt", b->o->json_dir);
    FILE *f = fopen(path, "w");
    if (f) {
        class_summary_print(f, header, gs, b->n, ids, n_ids);
        fclose(f);
        printf("\nSummary: %s\n", path);
    }
    free(path);
    if (b->o->csv) {
        if (write_csv(b->o->csv, gs, b->n, ids, n_ids, prov) < 0)
            fprintf(stderr, "grade --batch: cannot write the gradebook %s\n", b->o->csv);
        else
            printf("Gradebook: %s (provenance: %s.provenance.json)\n", b->o->csv, b->o->csv);
    }
    for (size_t i = 0; i < b->n; i++)
        graded_submission_free(&gs[i]);
    free(gs);
    free(header);
}

/* ---- the batch ---- */

static const struct chapter **select_batch_chapters(const struct batch_options *o,
                                                    const struct chapter *chs, size_t n,
                                                    size_t *n_sel)
{
    const struct chapter **sel = xcalloc(n + 1, sizeof *sel);
    *n_sel = 0;
    for (size_t k = 0; k < o->n_chapters; k++)
        if (chapter_find(chs, n, o->chapters[k]) == NULL)
            batch_fail("no chapter '%s' (grade --list shows them)", o->chapters[k]);
    for (size_t i = 0; i < n; i++) {
        bool wanted = o->n_chapters == 0;
        for (size_t k = 0; k < o->n_chapters && !wanted; k++)
            wanted = chapter_find(chs, n, o->chapters[k]) == &chs[i];
        if (wanted)
            sel[(*n_sel)++] = &chs[i];
    }
    return sel;
}

/* Removes the work folders of batches that were killed (SIGKILL leaves no time to clean
 * up: their gradings, stopped by PR_SET_PDEATHSIG, remove their own): grade-batch-PID.*
 * whose PID is no longer running. */
static void remove_stale_tmp(const char *tmp)
{
    DIR *d = opendir(tmp);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        char *end;
        if (strncmp(e->d_name, "grade-batch-", 12) != 0)
            continue;
        long pid = strtol(e->d_name + 12, &end, 10);
        if (pid <= 0 || *end != '.' || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
            continue;
        char *path = path_join(tmp, e->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid())
            remove_tree(path);
        free(path);
    }
    if (d)
        closedir(d);
}

static char *make_tmp_base(void)
{
    const char *tmp = getenv("TMPDIR");
    remove_stale_tmp(tmp && *tmp ? tmp : "/tmp");
    char *base = xasprintf("%s/grade-batch-%ld.XXXXXX", tmp && *tmp ? tmp : "/tmp",
                           (long)getpid());
    if (mkdtemp(base) == NULL)
        batch_fail("cannot create a work folder in '%s'", tmp && *tmp ? tmp : "/tmp");
    chmod(base, 0711);
    return base;
}

/* Decides, for each submission, whether it is graded now; says so for the others. */
static size_t decide(struct batch_run *b, const char *context,
                     const struct chapter *const *sel, size_t n_sel)
{
    size_t to_grade = 0;
    for (size_t i = 0; i < b->n; i++) {
        struct submission *s = &b->subs[i];
        if (s->failure) {
            printf("not graded %s: %s\n", s->id, s->failure);
            unlink(s->json);
            unlink(s->manifest);
            continue;
        }
        s->current = manifest_build(context, s->sub_chapters, sel, n_sel);
        enum manifest_decision d = manifest_decide(s->manifest, s->current, s->json,
                                                   b->o->force);
        s->to_grade = d != MANIFEST_SKIP;
        if (s->to_grade)
            to_grade++;
        else
            printf("skipped %s: %s (--force grades it again)\n", s->id,
                   manifest_decision_reason(d));
    }
    return to_grade;
}

int batch_main(int argc, char **argv)
{
    struct batch_options o = parse_batch_options(argc, argv);
    if (o.source == NULL)
        batch_fail("%s", "--batch needs a folder of submissions or a list of them");
    char *root = workbook_root(o.root);
    char *chapters_dir = path_join(root, "chapters");
    struct chapter *chs;
    size_t n_chs, n_sel;
    char err[1024];
    if (chapters_load_all(chapters_dir, &chs, &n_chs, err, sizeof err) < 0)
        batch_fail("%s", err);
    const struct chapter **sel = select_batch_chapters(&o, chs, n_chs, &n_sel);
    if (mkdir_p(o.json_dir) < 0)
        batch_fail("cannot create the folder '%s'", o.json_dir);
    size_t n;
    struct submission *subs = is_dir(o.source) ? submissions_in(o.source, o.json_dir, &n)
                                               : submissions_listed(o.source, &n);
    if (n == 0)
        batch_fail("no submission in '%s'", o.source);
    qsort(subs, n, sizeof *subs, by_id);
    for (size_t i = 0; i + 1 < n; i++)
        if (strcmp(subs[i].id, subs[i + 1].id) == 0)
            batch_fail("two submissions have the id '%s': ids are folder names, and must "
                       "differ", subs[i].id);
    for (size_t i = 0; i < n; i++)
        place_submission(&subs[i], o.json_dir, chs, n_chs);
    struct provenance prov;
    provenance_read(&prov, root, NULL);
    char *context = batch_context(root, &prov, sel, n_sel, &o);
    command_handle_interrupts();
    char *tmp_base = make_tmp_base();
    struct batch_run b = {.subs = subs, .n = n, .jobs = o.jobs, .root = root,
                          .tmp_base = tmp_base, .o = &o, .start = monotonic_seconds(),
                          .tty = o.colour != 0 && isatty(STDOUT_FILENO)};
    printf("Batch: %zu submission(s) in %s, %ld at a time, against %s\n", n, o.source, o.jobs,
           root);
    b.to_grade = decide(&b, context, sel, n_sel);
    run_gradings(&b);
    int status = 0;
    if (command_interrupted()) {
        if (b.tty)
            fputs("\r\033[K", stdout);
        printf("\nInterrupted: %zu of %zu graded. Run the same command again to resume "
               "(finished gradings are kept).\n", b.kept, b.to_grade);
        status = 128 + command_interrupted();
    } else {
        const char **ids = xcalloc(n_sel + 1, sizeof *ids);
        for (size_t i = 0; i < n_sel; i++)
            ids[i] = sel[i]->id;
        write_summary(&b, &prov, ids, n_sel);
        printf("Batch done in %.0f s: %zu graded, %zu unchanged since their last grading.\n",
               monotonic_seconds() - b.start, b.to_grade, n - b.to_grade);
        free(ids);
    }
    remove_tree(tmp_base);
    for (size_t i = 0; i < n; i++) {
        struct submission *s = &subs[i];
        free(s->id), free(s->path), free(s->sub_chapters), free(s->json), free(s->manifest);
        free(s->log), free(s->current), free(s->failure), free(s->tmpdir);
    }
    free(subs);
    free(tmp_base);
    free(context);
    provenance_free(&prov);
    for (size_t i = 0; i < n_chs; i++)
        chapter_free(&chs[i]);
    free(chs);
    free(sel);
    free(chapters_dir);
    free(root);
    free(o.chapters);
    free(o.extra_tests);
    return status;
}
