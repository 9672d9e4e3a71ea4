/* mutants.c - how well a chapter's tests catch the bugs its lessons warn about.
 *
 *   mutants [--chapter N]... [--mutant ID]... [--root DIR] [--check-declared]
 *
 * Applies concurrency-bug mutation operators to each reference solution's student
 * files, one change at a time (a dropped lock/unlock pair, `while` around a wait made
 * `if`, broadcast made signal, a dropped signal/post/close/free/wait/join/unlock, two
 * locks taken in the other order, an off-by-one comparison), grades each mutant with
 * bin/grade, and lists the mutants that still score full marks: the survivors. A
 * survivor the chapter declares equivalent (chapter.cfg's equivalent_mutants, with a
 * reason) is listed apart. Exit status: 0 when every chapter kills at least 90% of its
 * non-equivalent mutants, 1 otherwise, 2 when it cannot run. --check-declared grades
 * nothing: it checks that every mutant chapter.cfg declares equivalent still exists
 * (a declaration left behind by a changed solution would hide nothing, or the wrong
 * thing), for make test. --mutant ID (repeatable; an ID or its beginning, e.g.
 * src/event.c:21 or src/event.c) grades only those mutants: the quick way to see
 * whether a new test kills a survivor; the percentage then covers only them. */
#include <ctype.h>
#include <getopt.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "command.h"
#include "grader.h"

enum { MAX_LINES = 4096, GRADE_TIMEOUT_S = 1800, GOAL_PERCENT = 90 };

/* A source file as lines (each without its '\n'). */
struct lines {
    char *items[MAX_LINES];
    size_t n;
};

static void lines_read(struct lines *l, const char *text)
{
    l->n = 0;
    for (const char *p = text; *p && l->n < MAX_LINES;) {
        size_t len = strcspn(p, "\n");
        l->items[l->n++] = strndup(p, len);
        p += len + (p[len] == '\n');
    }
}

static void lines_free(struct lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    l->n = 0;
}

/* One mutant: its id ("src/x.c:12:drop-lock") and the mutated file's text. */
struct mutant {
    char *id, *text;
};

struct mutants {
    struct mutant *items;
    size_t n;
};

/* The file's text with line `drop` (and `drop2`, if >= 0) removed and line `edit`
 * (if >= 0) replaced by `replacement`. */
static char *rebuild(const struct lines *l, long drop, long drop2, long edit,
                     const char *replacement)
{
    char *out = xstrdup("");
    for (size_t i = 0; i < l->n; i++) {
        if ((long)i == drop || (long)i == drop2)
            continue;
        const char *line = (long)i == edit ? replacement : l->items[i];
        char *longer = xasprintf("%s%s\n", out, line);
        free(out);
        out = longer;
    }
    return out;
}

static void add_mutant(struct mutants *m, const char *file, size_t line, const char *op,
                       char *text)
{
    m->items = xrealloc(m->items, (m->n + 1) * sizeof *m->items);
    m->items[m->n++] = (struct mutant){xasprintf("%s:%zu:%s", file, line + 1, op), text};
}

/* The code of a line, without a // comment; lines inside comments are skipped by
 * the callers through is_code. */
static bool is_code(const char *line)
{
    const char *p = line;
    while (isspace((unsigned char)*p))
        p++;
    return *p && strncmp(p, "//", 2) != 0 && strncmp(p, "/*", 2) != 0 && *p != '*';
}

/* The argument text of the first call to fn on the line ("&q->lock"), or NULL. */
static char *call_argument(const char *line, const char *fn)
{
    char *pattern = xasprintf("%s(", fn);
    const char *at = strstr(line, pattern);
    free(pattern);
    if (at == NULL)
        return NULL;
    const char *open = at + strlen(fn) + 1, *close = strchr(open, ')');
    return close ? strndup(open, (size_t)(close - open)) : NULL;
}

/* A line that is only a call statement to fn: "    free(p);". */
static bool is_call_statement(const char *line, const char *fn)
{
    const char *p = line;
    while (isspace((unsigned char)*p))
        p++;
    size_t len = strlen(fn);
    if (strncmp(p, fn, len) != 0 || p[len] != '(')
        return false;
    const char *end = line + strlen(line);
    while (end > p && isspace((unsigned char)end[-1]))
        end--;
    return end > p && end[-1] == ';';
}

/* drop-lock: a lock and the next unlock of the same mutex removed together. */
static void drop_lock_pairs(struct mutants *m, const char *file, const struct lines *l)
{
    for (size_t i = 0; i < l->n; i++) {
        char *arg = is_call_statement(l->items[i], "pthread_mutex_lock")
                        ? call_argument(l->items[i], "pthread_mutex_lock")
                        : NULL;
        for (size_t k = i + 1; arg && k < l->n && k < i + 60; k++) {
            char *other = call_argument(l->items[k], "pthread_mutex_unlock");
            bool match = other && strcmp(other, arg) == 0 &&
                         is_call_statement(l->items[k], "pthread_mutex_unlock");
            free(other);
            if (match) {
                add_mutant(m, file, i, "drop-lock", rebuild(l, (long)i, (long)k, -1, NULL));
                break;
            }
        }
        free(arg);
    }
}

/* drop-call: one call statement of a function whose omission is a classic bug. */
static void drop_calls(struct mutants *m, const char *file, const struct lines *l)
{
    static const char *const fns[] = {
        "pthread_mutex_unlock", "pthread_cond_signal", "pthread_cond_broadcast", "sem_post",
        "sem_wait", "close", "free", "waitpid", "wait", "pthread_join", "munmap", NULL};
    for (size_t i = 0; i < l->n; i++)
        for (const char *const *fn = fns; *fn; fn++)
            if (is_code(l->items[i]) && is_call_statement(l->items[i], *fn)) {
                char *op = xasprintf("drop-%s", *fn);
                add_mutant(m, file, i, op, rebuild(l, (long)i, -1, -1, NULL));
                free(op);
            }
}

/* The line with the first `from` replaced by `to`. */
static char *replaced(const char *line, const char *at, size_t from_len, const char *to)
{
    return xasprintf("%.*s%s%s", (int)(at - line), line, to, at + from_len);
}

/* while-to-if (a wait's loop), broadcast-to-signal. */
static void weaken_waits(struct mutants *m, const char *file, const struct lines *l)
{
    for (size_t i = 0; i < l->n; i++) {
        const char *w = strstr(l->items[i], "while (");
        bool waits = false;
        for (size_t k = i; w && k < l->n && k <= i + 2; k++)
            waits = waits || strstr(l->items[k], "pthread_cond_wait") ||
                    strstr(l->items[k], "pthread_cond_timedwait") ||
                    strstr(l->items[k], "pthread_cond_clockwait");
        if (waits && is_code(l->items[i])) {
            char *line = replaced(l->items[i], w, strlen("while"), "if");
            add_mutant(m, file, i, "while-to-if", rebuild(l, -1, -1, (long)i, line));
            free(line);
        }
        const char *b = strstr(l->items[i], "pthread_cond_broadcast(");
        if (b && is_code(l->items[i])) {
            char *line = replaced(l->items[i], b, strlen("pthread_cond_broadcast"),
                                  "pthread_cond_signal");
            add_mutant(m, file, i, "broadcast-to-signal", rebuild(l, -1, -1, (long)i, line));
            free(line);
        }
    }
}

/* swap-lock-order: two locks taken one after the other, taken the other way. */
static void swap_lock_order(struct mutants *m, const char *file, const struct lines *l)
{
    for (size_t i = 0; i + 1 < l->n; i++)
        if (is_call_statement(l->items[i], "pthread_mutex_lock") &&
            is_call_statement(l->items[i + 1], "pthread_mutex_lock")) {
            struct lines swapped = *l;
            swapped.items[i] = l->items[i + 1];
            swapped.items[i + 1] = l->items[i];
            add_mutant(m, file, i, "swap-lock-order", rebuild(&swapped, -1, -1, -1, NULL));
        }
}

/* off-by-one: the first comparison of an if/while/for line, < <-> <= and > <-> >=. */
static void off_by_one(struct mutants *m, const char *file, const struct lines *l)
{
    for (size_t i = 0; i < l->n; i++) {
        const char *line = l->items[i];
        if (!is_code(line) || !(strstr(line, "if (") || strstr(line, "while (") ||
                                strstr(line, "for (")))
            continue;
        for (const char *p = line; *p; p++) {
            if ((*p != '<' && *p != '>') || p[1] == *p || (p > line && p[-1] == *p) ||
                (p > line && p[-1] == '-'))
                continue; /* not a shift, not -> */
            bool or_equal = p[1] == '=';
            char to[3] = {*p, or_equal ? '\0' : '=', '\0'};
            char *edited = replaced(line, p, or_equal ? 2 : 1, to);
            add_mutant(m, file, i, or_equal ? "off-by-one-strict" : "off-by-one-or-equal",
                       rebuild(l, -1, -1, (long)i, edited));
            free(edited);
            break;
        }
    }
}

static void mutate_file(struct mutants *m, const char *rel, const char *text)
{
    struct lines l;
    lines_read(&l, text);
    drop_lock_pairs(m, rel, &l);
    drop_calls(m, rel, &l);
    weaken_waits(m, rel, &l);
    swap_lock_order(m, rel, &l);
    off_by_one(m, rel, &l);
    lines_free(&l);
}

/* ---- grading the mutants ---- */

/* Grades the submission folder's chapter; its score and max through *score, *max.
 * Returns 0, or -1 when grade did not run. */
static int grade(const char *root, const char *sub, const struct chapter *ch, double *score,
                 double *max)
{
    char *json = path_join(sub, "report.json"), *log = path_join(sub, "grade.log");
    char *grade_bin = path_join(root, "bin/grade");
    char *const argv[] = {grade_bin, "--root", (char *)root, "--submission", (char *)sub,
                          "--chapter", ch->id, "--json", json, "--no-color", NULL};
    struct command cmd = {.argv = argv, .output_path = log, .timeout_s = GRADE_TIMEOUT_S,
                          .output_cap = 1 << 20};
    struct command_outcome out;
    int rc = command_run(&cmd, &out) == 0 && command_succeeded(&out) ? 0 : -1;
    json_t *report = rc == 0 ? json_load_file(json, 0, NULL) : NULL;
    json_t *chapter = json_array_get(json_object_get(report, "chapters"), 0);
    *score = json_number_value(json_object_get(chapter, "score"));
    *max = json_number_value(json_object_get(chapter, "max_score"));
    if (chapter == NULL)
        rc = -1;
    json_decref(report);
    free(grade_bin);
    free(json);
    free(log);
    return rc;
}

/* A copy of the solution's chapter folder, in a folder of its own, with one file
 * replaced by text (none when rel is NULL). */
static char *mutant_submission(const char *solution_dir, const struct chapter *ch,
                               const char *rel, const char *text)
{
    char *dir = xstrdup("/tmp/grade-mutant.XXXXXX");
    if (mkdtemp(dir) == NULL) {
        free(dir);
        return NULL;
    }
    char *to = path_join(dir, ch->id);
    char *file = rel ? xasprintf("%s/%s/%s", dir, ch->id, rel) : NULL;
    bool copied = copy_tree(solution_dir, to) == 0;
    FILE *f = copied && file ? fopen(file, "we") : NULL;
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    free(to);
    free(file);
    return dir;
}

/* The reason chapter.cfg gives for declaring id equivalent, or NULL. */
static const char *equivalent_reason(const struct chapter *ch, const char *id)
{
    for (size_t i = 0; i < ch->n_equivalent_mutants; i++)
        if (strcmp(ch->equivalent_mutants[i].name, id) == 0)
            return ch->equivalent_mutants[i].reason;
    return NULL;
}

struct tally {
    int killed, survived, equivalent, errors;
};

/* The mutant ids (or their beginnings) --mutant asked for; none: every mutant. */
static const char **only_ids;
static size_t n_only_ids;

static bool wanted_mutant(const char *id)
{
    for (size_t i = 0; i < n_only_ids; i++)
        if (strncmp(id, only_ids[i], strlen(only_ids[i])) == 0)
            return true;
    return n_only_ids == 0;
}

static void grade_mutant(const char *root, const char *solution_dir, const struct chapter *ch,
                         const struct mutant *mu, const char *rel, double full,
                         struct tally *t)
{
    if (!wanted_mutant(mu->id))
        return;
    char *sub = mutant_submission(solution_dir, ch, rel, mu->text);
    double score = 0, max = 0;
    if (sub == NULL || grade(root, sub, ch, &score, &max) < 0) {
        t->errors++;
        printf("  ERROR    %s (could not grade it)\n", mu->id);
    } else if (score < full) {
        t->killed++;
        printf("  killed   %s (%g/%g)\n", mu->id, score, max);
    } else if (equivalent_reason(ch, mu->id)) {
        t->equivalent++;
        printf("  equal    %s: %s\n", mu->id, equivalent_reason(ch, mu->id));
    } else {
        t->survived++;
        printf("  SURVIVED %s\n", mu->id);
    }
    fflush(stdout);
    if (sub)
        remove_tree(sub);
    free(sub);
}

/* Mutates and grades one chapter; true when it kills at least GOAL_PERCENT. */
static bool run_chapter_mutants(const char *root, const struct chapter *ch)
{
    char *solution_dir = xasprintf("%s/solutions/%s", root, ch->id);
    printf("== %s ==\n", ch->id);
    double full = 0, max = 0;
    char *reference = mutant_submission(solution_dir, ch, NULL, NULL);
    int rc = reference ? grade(root, reference, ch, &full, &max) : -1;
    if (reference)
        remove_tree(reference);
    free(reference);
    if (rc < 0 || full < max) {
        printf("  the reference solution does not score full marks: no mutants\n");
        free(solution_dir);
        return false;
    }
    struct tally t = {0};
    for (size_t f = 0; f < ch->n_student_files; f++) {
        char *path = path_join(solution_dir, ch->student_files[f]);
        char *text = read_text_file(path, 1 << 20);
        struct mutants m = {0};
        if (text)
            mutate_file(&m, ch->student_files[f], text);
        for (size_t i = 0; i < m.n; i++) {
            grade_mutant(root, solution_dir, ch, &m.items[i], ch->student_files[f], full, &t);
            free(m.items[i].id);
            free(m.items[i].text);
        }
        free(m.items);
        free(text);
        free(path);
    }
    int judged = t.killed + t.survived;
    int percent = judged ? 100 * t.killed / judged : 100;
    printf("  %s: %d killed, %d survived, %d declared equivalent, %d not graded: %d%% killed\n",
           ch->id, t.killed, t.survived, t.equivalent, t.errors, percent);
    free(solution_dir);
    return percent >= GOAL_PERCENT && t.errors == 0;
}

/* True when every mutant the chapter declares equivalent is among its mutants. */
static bool declared_mutants_exist(const char *root, const struct chapter *ch)
{
    struct mutants m = {0};
    for (size_t f = 0; f < ch->n_student_files; f++) {
        char *path = xasprintf("%s/solutions/%s/%s", root, ch->id, ch->student_files[f]);
        char *text = read_text_file(path, 1 << 20);
        if (text)
            mutate_file(&m, ch->student_files[f], text);
        free(text);
        free(path);
    }
    bool all = true;
    for (size_t d = 0; d < ch->n_equivalent_mutants; d++) {
        bool found = false;
        for (size_t i = 0; i < m.n && !found; i++)
            found = strcmp(m.items[i].id, ch->equivalent_mutants[d].name) == 0;
        if (!found)
            printf("%s: equivalent_mutants names %s, which is not a mutant of the solution\n",
                   ch->id, ch->equivalent_mutants[d].name);
        all = all && found;
    }
    for (size_t i = 0; i < m.n; i++) {
        free(m.items[i].id);
        free(m.items[i].text);
    }
    free(m.items);
    return all;
}

int main(int argc, char **argv)
{
    static const struct option longs[] = {{"chapter", required_argument, 0, 'c'},
                                          {"root", required_argument, 0, 'r'},
                                          {"check-declared", no_argument, 0, 'd'},
                                          {"mutant", required_argument, 0, 'm'},
                                          {0, 0, 0, 0}};
    bool check_only = false;
    char **wanted = xcalloc((size_t)argc, sizeof *wanted);
    only_ids = xcalloc((size_t)argc, sizeof *only_ids);
    size_t n_wanted = 0;
    const char *root_arg = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        if (c == 'c')
            wanted[n_wanted++] = optarg;
        else if (c == 'r')
            root_arg = optarg;
        else if (c == 'd')
            check_only = true;
        else if (c == 'm')
            only_ids[n_only_ids++] = optarg;
        else
            return fputs("usage: mutants [--chapter N]... [--mutant ID]... [--root DIR] "
                         "[--check-declared]\n",
                         stderr),
                   2;
    }
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (!root_arg && len < 0)
        return fputs("mutants: cannot find the workbook: use --root\n", stderr), 2;
    if (len >= 0)
        exe[len] = '\0';
    char *root = realpath(root_arg ? root_arg : dirname(dirname(exe)), NULL);
    char *chapters_dir = root ? path_join(root, "chapters") : NULL;
    struct chapter *chs;
    size_t n;
    char err[1024];
    if (!chapters_dir || chapters_load_all(chapters_dir, &chs, &n, err, sizeof err) < 0)
        return fprintf(stderr, "mutants: %s\n", chapters_dir ? err : "no workbook"), 2;
    bool all_good = true;
    for (size_t i = 0; i < n; i++) {
        bool selected = n_wanted == 0;
        for (size_t k = 0; k < n_wanted; k++)
            selected = selected || chapter_find(chs, n, wanted[k]) == &chs[i];
        if (selected && chs[i].load_error) {
            printf("%s: not checked: %s\n", chs[i].id, chs[i].load_error);
            all_good = false;
        } else if (selected)
            all_good = (check_only ? declared_mutants_exist(root, &chs[i])
                                   : run_chapter_mutants(root, &chs[i])) &&
                       all_good;
        chapter_free(&chs[i]);
    }
    free(chs);
    free(chapters_dir);
    free(root);
    free(wanted);
    free(only_ids);
    return all_good ? 0 : 1;
}
