/* test_workbook.c - the workbook's chapter.cfg files against its headers and lessons:
 *  - a chapter's exports are exactly what its headers declare for student files to
 *    define (every exported name is declared; every function and variable a header
 *    declares is exported), and none takes a name of the runner's libraries;
 *  - every C library function a lesson (README.md) or a header mentions is allowed in
 *    that chapter, or forbidden with a reason;
 *  - the Check tests of the chapters listed in chapters_with_worded_assertions have no
 *    bare assertion: each says in words what was expected and what happened.
 * Runs from the workbook's root, with gcc (its -aux-info lists the declarations). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <libconfig.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libsyms.h"
#include "unit.h"

static const char *const trees[] = {"chapters", "grader/tests/analysis/chapters",
                                    "grader/tests/sandbox/chapters",
                                    "grader/tests/metadata/chapters", NULL};

static void append(char **s, const char *fmt, const char *a, const char *b)
{
    char *piece = xasprintf(fmt, a, b);
    char *longer = xasprintf("%s%s", *s, piece);
    free(piece);
    free(*s);
    *s = longer;
}

/* The sorted .h files of dir/include. */
static char **headers_of(const char *dir, size_t *n)
{
    char *inc = path_join(dir, "include");
    struct dirent **e;
    int count = scandir(inc, &e, NULL, alphasort);
    char **out = xcalloc(count > 0 ? (size_t)count : 1, sizeof *out);
    *n = 0;
    for (int i = 0; i < count; i++) {
        size_t len = strlen(e[i]->d_name);
        if (len > 2 && strcmp(e[i]->d_name + len - 2, ".h") == 0)
            out[(*n)++] = path_join(inc, e[i]->d_name);
        free(e[i]);
    }
    if (count >= 0)
        free(e);
    free(inc);
    return out;
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

static bool is_export(const struct chapter *ch, const char *name)
{
    for (size_t i = 0; i < ch->n_exports; i++)
        if (strcmp(ch->exports[i], name) == 0)
            return true;
    return false;
}

/* The name a declaration of -aux-info's declares: the identifier before its first
 * " (" that does not open a declarator ("(*"). */
static char *declared_name(const char *decl)
{
    for (const char *p = strstr(decl, " ("); p; p = strstr(p + 1, " (")) {
        if (p[2] == '*')
            continue;
        const char *start = p;
        while (start > decl && (isalnum((unsigned char)start[-1]) || start[-1] == '_'))
            start--;
        return start < p ? xasprintf("%.*s", (int)(p - start), start) : NULL;
    }
    return NULL;
}

/* Functions the chapter's headers declare (not define: a static inline one is the
 * header's own): each must be exported. */
static void check_declared_functions(const struct chapter *ch, const char *aux, char **bad)
{
    char root[4096];
    ck_assert_ptr_nonnull(getcwd(root, sizeof root));
    char *inc = xasprintf("%s/%s/include/", root, ch->dir);
    for (const char *line = aux; *line;) {
        const char *eol = line + strcspn(line, "\n");
        char *text = xasprintf("%.*s", (int)(eol - line), line);
        char *close = strstr(text, " */ ");
        /* "/\* chapters/01-fork/include/reap.h:18:NC *\/ extern int reap_ended_children (...);"
         */
        if (strncmp(text, "/* ", 3) == 0 && strncmp(text + 3, inc, strlen(inc)) == 0 && close &&
            close[-1] == 'C' && strncmp(close + 4, "static", 6) != 0) {
            char *name = declared_name(close + 4);
            if (name && !is_export(ch, name))
                append(bad, "%s: declares '%s', which chapter.cfg does not export\n", ch->id,
                       name);
            free(name);
        }
        free(text);
        line = *eol ? eol + 1 : eol;
    }
    free(inc);
}

/* Variables a header declares `extern` (at the start of a line): each must be exported. */
static void check_declared_variables(const struct chapter *ch, char **headers, size_t n,
                                     char **bad)
{
    for (size_t i = 0; i < n; i++) {
        char *text = read_text_file(headers[i], 1 << 20);
        for (char *p = text; p && (p = strstr(p, "\nextern ")) != NULL; p++) {
            size_t len = strcspn(p, ";");
            char *decl = xasprintf("%.*s", (int)len, p);
            if (strchr(decl, '(') == NULL) {
                char *end = decl + strcspn(decl, "[=");
                while (end > decl && !(isalnum((unsigned char)end[-1]) || end[-1] == '_'))
                    end--;
                char *start = end;
                while (start > decl && (isalnum((unsigned char)start[-1]) || start[-1] == '_'))
                    start--;
                *end = '\0';
                if (!is_export(ch, start))
                    append(bad,
                           "%s: declares the variable '%s', which chapter.cfg does not "
                           "export\n",
                           ch->id, start);
            }
            free(decl);
        }
        free(text);
    }
}

/* Compiles dir/name.c (text) against the chapter's headers with gcc and extra flags;
 * returns NULL when it compiles, else the compiler's messages. */
static char *compile_probe(const struct chapter *ch, const char *dir, const char *name,
                           const char *text, const char *extra)
{
    char *file = xasprintf("%s.c", name);
    unit_write(dir, file, text);
    char root[4096];
    ck_assert_ptr_nonnull(getcwd(root, sizeof root));
    char *cmd = xasprintf("cd '%s' && gcc -std=c17 -D_GNU_SOURCE -pthread -I'%s/%s/include' "
                          "-fsyntax-only %s %s >errors.txt 2>&1",
                          dir, root, ch->dir, extra, file);
    char *errors_path = path_join(dir, "errors.txt");
    char *errors = system(cmd) == 0 ? NULL : read_text_file(errors_path, 8192);
    free(errors_path);
    free(cmd);
    free(file);
    return errors;
}

/* Lists the headers' declarations (gcc -aux-info) and compiles a file that takes the
 * address of every export: an export no header declares does not compile. Returns
 * -aux-info's output. */
static char *probe_exports(const struct chapter *ch, char **headers, size_t n, char **bad)
{
    char *dir = unit_tempdir();
    char *includes = xstrdup("");
    for (size_t i = 0; i < n; i++)
        append(&includes, "#include \"%s\"%s\n", strrchr(headers[i], '/') + 1, "");
    char *errors = compile_probe(ch, dir, "headers", includes, "-aux-info aux.txt");
    if (errors)
        append(bad, "%s: its headers do not compile:\n%s", ch->id, errors);
    free(errors);
    char *probe = xstrdup(includes);
    for (size_t i = 0; i < ch->n_exports; i++) { /* one probe per export */
        append(&probe, "static __typeof__(&%s) const export_probe_%s", ch->exports[i],
               ch->exports[i]);
        append(&probe, " = &%s;%s\n", ch->exports[i], "");
    }
    errors = compile_probe(ch, dir, "exports", probe, "");
    if (errors)
        append(bad, "%s: exports names that no header declares:\n%s", ch->id, errors);
    free(errors);
    char *aux_path = path_join(dir, "aux.txt");
    char *aux = read_text_file(aux_path, 4 << 20);
    remove_tree(dir);
    free(aux_path);
    free(probe);
    free(includes);
    free(dir);
    return aux ? aux : xstrdup("");
}

/* Runs check on every chapter of every tree of the workbook. */
static void for_each_chapter(void (*check)(const struct chapter *, struct libsyms *, char **),
                             bool students_only, char **bad)
{
    struct libsyms *libs = libsyms_new();
    ck_assert_int_ge(libsyms_add_runner_libraries(libs), 3);
    size_t total = 0;
    for (const char *const *tree = trees; *tree; tree++) {
        if (students_only && tree != trees)
            break;
        struct chapter *chs;
        size_t n;
        char err[512];
        if (!is_dir(*tree) || chapters_load_all(*tree, &chs, &n, err, sizeof err) < 0)
            continue;
        for (size_t i = 0; i < n; i++) {
            if (chs[i].load_error)
                append(bad, "%s: %s\n", chs[i].id, chs[i].load_error);
            else
                check(&chs[i], libs, bad);
            chapter_free(&chs[i]);
        }
        free(chs);
        total += n;
    }
    ck_assert_uint_ge(total, 12); /* run from the workbook's root */
    libsyms_free(libs);
}

static void check_exports(const struct chapter *ch, struct libsyms *libs, char **bad)
{
    size_t n;
    char **headers = headers_of(ch->dir, &n);
    char *aux = probe_exports(ch, headers, n, bad);
    check_declared_functions(ch, aux, bad);
    check_declared_variables(ch, headers, n, bad);
    for (size_t i = 0; i < ch->n_exports; i++) {
        const char *label;
        if (ch->exports[i][0] == '_' || libsyms_find(libs, ch->exports[i], NULL, &label))
            append(bad, "%s: exports '%s', a name the runner's libraries use\n", ch->id,
                   ch->exports[i]);
    }
    free(aux);
    free_list(headers, n);
}

/* Every declared test is defined in a tests/ file and exercises at least one student
 * file (its file's name, or test_sources, says which): --file and the folded terminal
 * report go by it. */
START_TEST(every_test_exercises_a_student_file)
{
    for (const char *const *tree = trees; *tree; tree++) {
        struct chapter *chs;
        size_t n;
        char err[1024];
        ck_assert_msg(chapters_load_all(*tree, &chs, &n, err, sizeof err) == 0, "%s", err);
        for (size_t c = 0; c < n; c++) {
            ck_assert_msg(chs[c].load_error == NULL, "%s", chs[c].load_error);
            for (size_t i = 0; i < chs[c].n_tests; i++) {
                const struct test_exercise *t = &chs[c].exercises[i];
                const char *name = chs[c].tests[i].name;
                ck_assert_msg(t->source != NULL, "%s: no tests/ file defines WB_TEST(%s)",
                              chs[c].id, name);
                ck_assert_msg(t->n_files > 0, "%s: %s defines %s, and neither its name nor "
                              "test_sources says which student files it exercises", chs[c].id,
                              t->source, name);
            }
            chapter_free(&chs[c]);
        }
        free(chs);
    }
}
END_TEST

START_TEST(exports_are_what_the_headers_declare)
{
    char *bad = xstrdup("");
    for_each_chapter(check_exports, false, &bad);
    ck_assert_msg(bad[0] == '\0', "%.3000s", bad);
    free(bad);
}
END_TEST

/* ---- lessons ---- */

/* The policy's allowed names: grader/policy.cfg's and the chapter's. */
struct allowed {
    config_t cfg;
    const struct chapter *ch;
    struct libsyms *libs;
};

static bool matches(const char *pattern, const char *name)
{
    size_t len = strlen(pattern);
    return len && pattern[len - 1] == '*' ? strncmp(pattern, name, len - 1) == 0
                                          : strcmp(pattern, name) == 0;
}

static bool is_allowed(const struct allowed *a, const char *name)
{
    config_setting_t *list = config_lookup(&a->cfg, "allowed");
    for (int i = 0; list && i < config_setting_length(list); i++)
        if (matches(config_setting_get_string_elem(list, (unsigned)i), name))
            return true;
    list = config_lookup(&a->cfg, "allowed_libraries");
    for (int i = 0; list && i < config_setting_length(list); i++)
        if (libsyms_defines_function_in(a->libs, name,
                                        config_setting_get_string_elem(list, (unsigned)i)))
            return true;
    for (size_t i = 0; i < a->ch->n_allowed_functions; i++)
        if (matches(a->ch->allowed_functions[i], name))
            return true;
    for (size_t i = 0; i < a->ch->n_forbidden; i++)
        if (matches(a->ch->forbidden[i].name, name))
            return true; /* forbidden, with a reason the student reads */
    return false;
}

static bool is_c_library_function(struct libsyms *libs, const char *name)
{
    static const char *const libraries[] = {"libc.so.6", "libm.so.6", "libpthread.so.0", NULL};
    for (const char *const *l = libraries; *l; l++)
        if (libsyms_defines_function_in(libs, name, *l))
            return true;
    return false;
}

static bool ident(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Each name in text[0..len) written as a call, "name(", not "x.name(" or "p->name(". */
static void calls_in(const char *text, size_t len, void (*found)(void *, const char *),
                     void *ctx)
{
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '(' || i == 0 || !ident(text[i - 1]))
            continue;
        size_t start = i;
        while (start > 0 && ident(text[start - 1]))
            start--;
        if (start > 0 && (text[start - 1] == '.' || text[start - 1] == '>'))
            continue;
        char *name = xasprintf("%.*s", (int)(i - start), text + start);
        found(ctx, name);
        free(name);
    }
}

/* Each `name` or `name()` code span, and each call inside a code span. */
static void spans_in(const char *line, size_t len, void (*found)(void *, const char *),
                     void *ctx)
{
    for (const char *p = memchr(line, '`', len); p;) {
        const char *close = memchr(p + 1, '`', (size_t)(line + len - p - 1));
        if (close == NULL)
            break;
        size_t n = (size_t)(close - p - 1);
        calls_in(p + 1, n, found, ctx);
        size_t k = 0;
        while (k < n && ident(p[1 + k]))
            k++;
        if (k > 0 && (k == n || (n == k + 2 && strncmp(p + 1 + k, "()", 2) == 0))) {
            char *name = xasprintf("%.*s", (int)k, p + 1);
            found(ctx, name);
            free(name);
        }
        p = memchr(close + 1, '`', (size_t)(line + len - close - 1));
    }
}

struct mention_check {
    struct allowed *a;
    const char *file;
    char **bad;
};

static void on_mention(void *ctx, const char *name)
{
    struct mention_check *m = ctx;
    if (is_c_library_function(m->a->libs, name) && !is_allowed(m->a, name)) {
        char *where = xasprintf("%s: %s", m->a->ch->id, m->file);
        append(m->bad, "%s mentions '%s', which the chapter neither allows nor forbids\n",
               where, name);
        free(where);
    }
}

/* README.md: code spans and the C code blocks (not the Python ones). */
static void check_lesson(struct mention_check *m, const char *text)
{
    bool fenced = false, python = false;
    for (const char *line = text; *line;) {
        size_t len = strcspn(line, "\n");
        if (strncmp(line, "```", 3) == 0) {
            python = !fenced && strncmp(line + 3, "py", 2) == 0;
            fenced = !fenced;
        } else if (fenced && !python) {
            calls_in(line, len, on_mention, m);
        } else if (!fenced) {
            spans_in(line, len, on_mention, m);
        }
        line += len + (line[len] != '\0');
    }
}

static void check_mentions(const struct chapter *ch, struct libsyms *libs, char **bad)
{
    struct allowed a = {.ch = ch, .libs = libs};
    config_init(&a.cfg);
    ck_assert(config_read_file(&a.cfg, "grader/policy.cfg"));
    char *readme = path_join(ch->dir, "README.md");
    char *text = read_text_file(readme, 1 << 20);
    struct mention_check m = {&a, "README.md", bad};
    if (text)
        check_lesson(&m, text);
    free(text);
    size_t n;
    char **headers = headers_of(ch->dir, &n);
    for (size_t i = 0; i < n; i++) {
        text = read_text_file(headers[i], 1 << 20);
        m.file = strrchr(headers[i], '/') + 1;
        if (text) {
            calls_in(text, strlen(text), on_mention, &m);
            for (const char *line = text; *line;) {
                size_t len = strcspn(line, "\n");
                spans_in(line, len, on_mention, &m);
                line += len + (line[len] != '\0');
            }
        }
        free(text);
    }
    free_list(headers, n);
    free(readme);
    config_destroy(&a.cfg);
}

START_TEST(lessons_mention_only_allowed_or_forbidden_functions)
{
    char *bad = xstrdup("");
    for_each_chapter(check_mentions, true, &bad);
    ck_assert_msg(bad[0] == '\0', "%.3000s", bad);
    free(bad);
}
END_TEST

/* ---- assertion messages ---- */

/* The chapters whose tests (chapters/NN-topic/tests/, their .c files and the helpers
 * they share) word every assertion: ck_assert_msg(cond, "what the call was, what was
 * expected, what happened", values...), never a bare ck_assert(cond) or
 * ck_assert_int_eq(a, b), whose report ("Assertion 'x == 0' failed: x == -1, 0 == 0")
 * a student cannot act on. Every chapter is listed: a new chapter joins the list (its
 * tests must have a .c file). */
static const char *const chapters_with_worded_assertions[] = {
    "01-fork", "02-process", "03-queue", "04-pipe", "05-shared-memory", "06-process-locks",
    "07-process-pool", "08-threads", "09-thread-sync", "10-thread-queues",
    "11-producer-consumer", "12-thread-pool", "13-choosing-a-model", "14-event-loop",
    "15-subprocess", NULL};

/* Blanks out, in place, comments, string literals and character literals (newlines
 * stay, so line numbers do): what is left is code. */
static void blank_comments_and_literals(char *text)
{
    char *p = text;
    while (*p) {
        if (p[0] == '/' && p[1] == '*') {
            p[0] = p[1] = ' ';
            for (p += 2; *p && !(p[0] == '*' && p[1] == '/'); p++)
                if (*p != '\n')
                    *p = ' ';
            if (*p) {
                p[0] = p[1] = ' ';
                p += 2;
            }
        } else if (p[0] == '/' && p[1] == '/') {
            while (*p && *p != '\n')
                *p++ = ' ';
        } else if (*p == '"' || *p == '\'') {
            char quote = *p++;
            while (*p && *p != quote && *p != '\n') {
                if (*p == '\\' && p[1] && p[1] != '\n')
                    *p++ = ' ';
                *p++ = ' ';
            }
            if (*p == quote)
                p++;
        } else {
            p++;
        }
    }
}

/* A Check macro that fails without a message: ck_assert, ck_assert_<type>_<op>
 * (ck_assert_int_eq, ck_assert_ptr_nonnull, ck_assert_str_eq, ...) and ck_abort; not
 * ck_assert_msg nor ck_abort_msg. */
static bool is_bare_assertion(const char *name, size_t len)
{
    if (len == strlen("ck_assert") && strncmp(name, "ck_assert", len) == 0)
        return true;
    if (len == strlen("ck_abort") && strncmp(name, "ck_abort", len) == 0)
        return true;
    return len > strlen("ck_assert_") && strncmp(name, "ck_assert_", 10) == 0 &&
           !(len == strlen("ck_assert_msg") && strncmp(name, "ck_assert_msg", len) == 0);
}

/* Appends "file:line: name(...)" to *bad for each bare assertion called in text. */
static void find_bare_assertions(const char *file, const char *text, char **bad)
{
    char *code = xstrdup(text);
    blank_comments_and_literals(code);
    int line = 1;
    for (const char *p = code; *p; p++) {
        if (*p == '\n')
            line++;
        if (!ident(*p) || (p > code && ident(p[-1])))
            continue;
        size_t len = 0;
        while (ident(p[len]))
            len++;
        const char *after = p + len;
        while (*after == ' ' || *after == '\t')
            after++;
        if (*after == '(' && is_bare_assertion(p, len)) {
            char *where = xasprintf("%s:%d", file, line);
            char *name = xasprintf("%.*s", (int)len, p);
            append(bad, "%s: %s(...) has no message\n", where, name);
            free(name);
            free(where);
        }
        p += len - 1;
    }
    free(code);
}

START_TEST(bare_assertions_are_found_outside_comments_and_strings)
{
    const char *text = "/* ck_assert(x) in a comment */\n"
                       "    ck_assert_int_eq(f(), 0);\n"
                       "    ck_assert_msg(x == 0, \"not ck_assert(x) but %d\", x); // ck_assert(y)\n"
                       "    ck_abort_msg(\"ck_assert_ptr_null(p)\");\n"
                       "    my_ck_assert(x); ck_assert_msgs; '(';\n"
                       "    ck_assert (done);\n"
                       "    ck_assert_ptr_nonnull(p); ck_abort();\n";
    char *bad = xstrdup("");
    find_bare_assertions("t.c", text, &bad);
    ck_assert_msg(strcmp(bad, "t.c:2: ck_assert_int_eq(...) has no message\n"
                              "t.c:6: ck_assert(...) has no message\n"
                              "t.c:7: ck_assert_ptr_nonnull(...) has no message\n"
                              "t.c:7: ck_abort(...) has no message\n") == 0,
                  "expected the bare assertions of lines 2, 6 and 7 (7 twice), found:\n%s", bad);
    free(bad);
}
END_TEST

START_TEST(listed_chapters_word_every_assertion)
{
    char *bad = xstrdup("");
    for (const char *const *ch = chapters_with_worded_assertions; *ch; ch++) {
        char *dir = xasprintf("chapters/%s/tests", *ch);
        struct dirent **e;
        int count = scandir(dir, &e, NULL, alphasort);
        ck_assert_msg(count >= 0, "cannot list %s (run from the workbook's root): %s", dir,
                      strerror(errno));
        int tests = 0;
        for (int i = 0; i < count; i++) {
            const char *name = e[i]->d_name;
            size_t len = strlen(name);
            bool source = len > 2 && name[len - 2] == '.';
            if (source && (name[len - 1] == 'c' || name[len - 1] == 'h')) {
                char *path = path_join(dir, name);
                char *text = read_text_file(path, 1 << 20);
                ck_assert_msg(text != NULL, "cannot read %s", path);
                find_bare_assertions(path, text, &bad);
                tests += name[len - 1] == 'c';
                free(text);
                free(path);
            }
            free(e[i]);
        }
        free(e);
        ck_assert_msg(tests > 0, "%s has no .c file: is chapters_with_worded_assertions out of "
                      "date?", dir);
        free(dir);
    }
    ck_assert_msg(bad[0] == '\0',
                  "assertions without a message: write ck_assert_msg(cond, \"what the call "
                  "was: expected X, got Y\", ...) instead\n%.3000s",
                  bad);
    free(bad);
}
END_TEST

Suite *workbook_suite(void)
{
    Suite *s = suite_create("workbook");
    TCase *tc = tcase_create("chapter.cfg against headers and lessons");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, every_test_exercises_a_student_file);
    tcase_add_test(tc, exports_are_what_the_headers_declare);
    tcase_add_test(tc, lessons_mention_only_allowed_or_forbidden_functions);
    tcase_add_test(tc, bare_assertions_are_found_outside_comments_and_strings);
    tcase_add_test(tc, listed_chapters_word_every_assertion);
    suite_add_tcase(s, tc);
    return s;
}
