/* preprocessed.c - scanning the student's preprocessed source (see preprocessed.h). */
#include "preprocessed.h"
#include "workfile.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"

enum { MAX_PREPROCESSED_BYTES = 64 << 20, PREPROCESS_TIMEOUT_S = 60 };

/* The build's language flags (build.c): the same macros, so the same expansions (not -g,
 * which adds a line marker naming the compile folder). */
static const char *const preprocess_flags[] = {"-std=c17",  "-pthread", "-Og", "-D_GNU_SOURCE",
                                               "-Iinclude", "-E",       NULL};

/* ---- tokens of the student's lines ---- */

enum kind { T_IDENT, T_NUMBER, T_STRING, T_PUNCT };

struct token {
    enum kind kind;
    const char *s;
    size_t len;
    const char *file; /* the student file it comes from */
    long line;
};

struct tokens {
    struct token *items;
    size_t n, cap;
};

static void push(struct tokens *t, struct token tok)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 1024;
        t->items = xrealloc(t->items, t->cap * sizeof *t->items);
    }
    t->items[t->n++] = tok;
}

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

/* The end of a string or character literal whose quote is at q (its line's end when
 * it is not closed there). */
static const char *literal_end(const char *q, const char *eol)
{
    const char *p = q + 1;
    while (p < eol && *p != *q)
        p += *p == '\\' && p + 1 < eol ? 2 : 1;
    return p < eol ? p + 1 : eol;
}

static const char *const long_puncts[] = {
    "->", "++", "--", "<<=", ">>=", "<<", ">>", "<=", ">=", "==",  "!=", "&&",
    "||", "*=", "/=", "%=",  "+=",  "-=", "&=", "^=", "|=", "...", "##", NULL};

static size_t punct_length(const char *p, const char *eol)
{
    size_t best = 1;
    for (const char *const *q = long_puncts; *q; q++) {
        size_t len = strlen(*q);
        if (len > best && (size_t)(eol - p) >= len && strncmp(p, *q, len) == 0)
            best = len;
    }
    return best;
}

/* Splits one line of a student file into tokens. */
static void tokenize_line(const char *p, const char *eol, const char *file, long line,
                          struct tokens *out)
{
    while (p < eol) {
        if (isspace((unsigned char)*p)) {
            p++;
            continue;
        }
        struct token t = {T_PUNCT, p, 1, file, line};
        const char *q = p;
        while (q < eol && ident_char(*q) && !(q == p && isdigit((unsigned char)*q)))
            q++;
        if (q > p && q < eol && (*q == '"' || *q == '\'') &&
            (q - p <= 2 && strchr("LuU8", p[q - p - 1]))) {
            t.kind = T_STRING; /* L"..", u8"..", U'..' */
            q = literal_end(q, eol);
        } else if (q > p) {
            t.kind = T_IDENT;
        } else if (isdigit((unsigned char)*p) ||
                   (*p == '.' && p + 1 < eol && isdigit((unsigned char)p[1]))) {
            t.kind = T_NUMBER;
            for (q = p + 1; q < eol && (ident_char(*q) || *q == '.' ||
                                        (strchr("+-", *q) && strchr("eEpP", q[-1])));)
                q++;
        } else if (*p == '"' || *p == '\'') {
            t.kind = T_STRING;
            q = literal_end(p, eol);
        } else {
            q = p + punct_length(p, eol);
        }
        t.len = (size_t)(q - p);
        push(out, t);
        p = q;
    }
}

/* ---- line markers: # N "file" flags ---- */

static bool is_student_file(const char *name, char *const *files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, files[i]) == 0)
            return true;
    return false;
}

/* Files whose lines may appear: the student's, the chapter's headers, the system's and
 * the compiler's own. */
static bool is_known_file(const char *name, char *const *files, size_t n)
{
    return is_student_file(name, files, n) || strncmp(name, "include/", 8) == 0 ||
           strncmp(name, "/usr/", 5) == 0 || strcmp(name, "<built-in>") == 0 ||
           strcmp(name, "<command-line>") == 0 || strcmp(name, "<command line>") == 0;
}

/* Reads a marker's line number and file name (escapes decoded); false when the line
 * is another directive (#pragma, #ident). */
static bool read_marker(const char *p, const char *eol, long *number, char **file)
{
    p++; /* '#' */
    while (p < eol && (*p == ' ' || *p == '\t'))
        p++;
    if (strncmp(p, "line", 4) == 0 && !ident_char(p[4]))
        p += 4;
    char *end;
    long n = strtol(p, &end, 10);
    if (end == p)
        return false;
    p = end;
    while (p < eol && *p == ' ')
        p++;
    *number = n;
    if (p >= eol || *p != '"') {
        *file = NULL;
        return true;
    }
    const char *close = literal_end(p, eol);
    char *name = xcalloc((size_t)(close - p) + 1, 1);
    size_t len = 0;
    for (const char *s = p + 1; s < close - 1; s++)
        name[len++] = *s == '\\' && s + 1 < close - 1 ? *++s : *s;
    *file = name;
    return true;
}

/* ---- the checks ---- */

struct scan {
    char *const *files;
    const char *const *sources; /* the files as the student wrote them (NULL: unknown) */
    size_t n_files;
    source_report report;
    void *ctx;
};

/* Whether the student wrote name (len bytes) as an identifier in file, rather than a
 * system header's macro putting it there (si_status is info._sifields._sigchld...). */
static bool written_in(const struct scan *s, const char *file, const char *name, size_t len)
{
    for (size_t i = 0; i < s->n_files; i++) {
        if (strcmp(s->files[i], file) != 0)
            continue;
        const char *text = s->sources ? s->sources[i] : NULL;
        if (text == NULL)
            return true;
        for (const char *p = strstr(text, "_"); p; p = strstr(p + 1, "_")) {
            if (strncmp(p, name, len) == 0 && (p == text || !ident_char(p[-1])) &&
                !ident_char(p[len]))
                return true;
        }
        return false;
    }
    return true;
}

static void found(const struct scan *s, const char *file, long line, bool refuse,
                  const char *what)
{
    char *where = xasprintf("%s:%ld", file, line);
    s->report(s->ctx, where, refuse, what);
    free(where);
}

static bool is(const struct token *t, const char *text)
{
    return t->len == strlen(text) && strncmp(t->s, text, t->len) == 0;
}

static bool is_any(const struct token *t, const char *const *words)
{
    for (; *words; words++)
        if (is(t, *words))
            return true;
    return false;
}

static const char *const asm_qualifiers[] = {"(",    "volatile", "__volatile__", "__volatile",
                                             "goto", "inline",   "__inline",     NULL};

/* Names that give away where the program lies in memory, or reach into the frame. */
static const char *const layout_names[] = {"_GLOBAL_OFFSET_TABLE_",
                                           "_DYNAMIC",
                                           "__ehdr_start",
                                           "__executable_start",
                                           "_end",
                                           "_edata",
                                           "__bss_start",
                                           "__data_start",
                                           "data_start",
                                           "__dso_handle",
                                           "environ",
                                           "__environ",
                                           "_environ",
                                           "__libc_stack_end",
                                           "program_invocation_name",
                                           "program_invocation_short_name",
                                           "_IO_2_1_stdin_",
                                           "_IO_2_1_stdout_",
                                           "_IO_2_1_stderr_",
                                           "__builtin_frame_address",
                                           "__builtin_return_address",
                                           "__builtin_extract_return_addr",
                                           "__builtin_dwarf_cfa",
                                           "__builtin_stack_address",
                                           "__builtin_setjmp",
                                           "__builtin_longjmp",
                                           "__builtin_apply",
                                           "__builtin_apply_args",
                                           NULL};

/* Integer types an address fits in, as casts name them. */
static const char *const integer_words[] = {
    "unsigned",  "signed",   "long",    "int",        "short",     "char",
    "uintptr_t", "intptr_t", "size_t",  "ssize_t",    "ptrdiff_t", "uint64_t",
    "int64_t",   "uint32_t", "int32_t", "__uint64_t", "__int64_t", "__intptr_t",
    "uintmax_t", "intmax_t", "const",   "volatile",   NULL};
/* Pointer-sized integer types (never char or int): reading through them reads words. */
static const char *const word_words[] = {"unsigned", "long",     "uintptr_t",  "intptr_t",
                                         "uint64_t", "int64_t",  "__uint64_t", "__int64_t",
                                         "const",    "volatile", NULL};

/* If a cast's type starts at index i ("(" at i-1): the index of its ")" when every word
 * before it is one of words (with `stars` '*' allowed at the end), else 0. */
static size_t cast_end(const struct tokens *t, size_t i, const char *const *words, int stars,
                       bool *has_long_or_ptr)
{
    size_t k = i;
    *has_long_or_ptr = false;
    while (k < t->n && t->items[k].kind == T_IDENT && is_any(&t->items[k], words)) {
        *has_long_or_ptr = *has_long_or_ptr || is(&t->items[k], "long") ||
                           t->items[k].len > 4; /* uintptr_t, uint64_t, ... */
        k++;
    }
    if (k == i)
        return 0;
    for (int s = 0; s < stars; s++, k++)
        if (k >= t->n || !is(&t->items[k], "*"))
            return 0;
    return k < t->n && is(&t->items[k], ")") ? k : 0;
}

/* A '(' that opens a cast, not a call or sizeof's operand. */
static bool opens_cast(const struct tokens *t, size_t i)
{
    if (!is(&t->items[i], "("))
        return false;
    if (i == 0)
        return true;
    const struct token *before = &t->items[i - 1];
    return before->kind != T_IDENT || is(before, "return") || is(before, "case");
}

static const char *const arithmetic[] = {"+", "-", "&",  "|",  "^",  "<<", ">>", "*",
                                         "/", "%", "+=", "-=", "&=", "|=", "^=", NULL};

/* The index just past the operand that starts at i: &name, name (with . -> [] and
 * calls after it) or a parenthesized group. */
static size_t operand_end(const struct tokens *t, size_t i)
{
    if (i < t->n && (is(&t->items[i], "&") || is(&t->items[i], "*")))
        i++;
    if (i < t->n && is(&t->items[i], "(")) {
        for (int depth = 0; i < t->n; i++) {
            depth += is(&t->items[i], "(") - is(&t->items[i], ")");
            if (depth == 0)
                return i + 1;
        }
        return i;
    }
    if (i >= t->n || t->items[i].kind != T_IDENT)
        return i;
    for (i++; i + 1 < t->n && (is(&t->items[i], ".") || is(&t->items[i], "->")); i += 2)
        ;
    return i;
}

/* Whether the parenthesized group at i holds + or -: an address computed. */
static bool group_computes(const struct tokens *t, size_t i, size_t end)
{
    for (; i < end; i++)
        if (is(&t->items[i], "+") || is(&t->items[i], "-"))
            return true;
    return false;
}

static void check_casts(const struct scan *s, const struct tokens *t, size_t i)
{
    if (!opens_cast(t, i))
        return;
    const struct token *at = &t->items[i];
    bool wide;
    size_t close = cast_end(t, i + 1, integer_words, 0, &wide);
    if (close && wide) {
        /* an address as an integer with arithmetic around it: (uintptr_t)&x & ~4095 */
        size_t end = operand_end(t, close + 1);
        bool after = end < t->n && is_any(&t->items[end], arithmetic);
        bool before = i > 0 && is_any(&t->items[i - 1], arithmetic) &&
                      !is(&t->items[i - 1], "*") && !is(&t->items[i - 1], "&");
        /* an address: &x, or anything cast to the integer types meant for addresses */
        bool address = is(&t->items[close + 1], "&") || is(&t->items[close - 1], "uintptr_t") ||
                       is(&t->items[close - 1], "intptr_t");
        if (end > close + 1 && address && (after || before))
            found(s, at->file, at->line, false,
                  "computes with an address turned into an integer (arithmetic on addresses "
                  "can scan memory)");
    }
    close = cast_end(t, i + 1, word_words, 1, &wide);
    if (close && wide)
        found(s, at->file, at->line, false,
              "reads memory through a cast to a pointer to a word-sized integer (a scan of "
              "memory?)");
    /* a pointer made from a computed integer: (T *)(uintptr_t)(p + 6 + disp) */
    size_t k = i + 1;
    while (k < t->n && !is(&t->items[k], ")") && !is(&t->items[k], "("))
        k++;
    if (k < t->n && k > i + 1 && is(&t->items[k - 1], "*") && is(&t->items[k], ")") &&
        k + 1 < t->n && opens_cast(t, k + 1)) {
        size_t inner = cast_end(t, k + 2, integer_words, 0, &wide);
        size_t end = inner ? operand_end(t, inner + 1) : 0;
        if (inner && wide && end > inner + 1 && is(&t->items[inner + 1], "(") &&
            group_computes(t, inner + 1, end))
            found(s, at->file, at->line, false,
                  "makes a pointer from an address computed as an integer (a scan of "
                  "memory?)");
    }
}

static void check_token(const struct scan *s, const struct tokens *t, size_t i)
{
    const struct token *at = &t->items[i];
    const struct token *next = i + 1 < t->n ? &t->items[i + 1] : NULL;
    if (at->kind == T_IDENT) {
        if (is(at, "__asm__") || is(at, "__asm") ||
            (is(at, "asm") && next && is_any(next, asm_qualifiers)))
            found(s, at->file, at->line, true,
                  "inline assembly (asm) is not allowed: code may reach the system only "
                  "through the C library's functions");
        else if (is_any(at, layout_names)) {
            char *what = xasprintf("uses '%.*s', which gives away where the program lies in "
                                   "memory",
                                   (int)at->len, at->s);
            found(s, at->file, at->line, false, what);
            free(what);
        }
    } else if ((is(at, "->") || is(at, ".")) && next && next->kind == T_IDENT &&
               next->s[0] == '_' && written_in(s, at->file, next->s, next->len)) {
        char *what = xasprintf("reaches into a structure's internals ('%.*s%.*s': FILE and "
                               "pthread types belong to the C library)",
                               (int)at->len, at->s, (int)next->len, next->s);
        found(s, at->file, at->line, false, what);
        free(what);
    } else if (at->kind == T_STRING) {
        static const char *const paths[] = {"/proc", "/dev/", "/sys/", NULL};
        for (const char *const *p = paths; *p; p++)
            if (memmem(at->s, at->len, *p, strlen(*p))) {
                char *what = xasprintf("names a path under %s: %.*s", *p,
                                       at->len > 60 ? 60 : (int)at->len, at->s);
                found(s, at->file, at->line, false, what);
                free(what);
                break;
            }
    } else {
        check_casts(s, t, i);
    }
}

void preprocessed_scan_text(const char *text, char *const *student_files,
                            const char *const *sources, size_t n_files, source_report report,
                            void *ctx)
{
    struct scan s = {student_files, sources, n_files, report, ctx};
    struct tokens t = {0};
    char **names = NULL; /* marker file names, kept for the tokens that point to them */
    size_t n_names = 0;
    const char *file = NULL; /* the student file being read; NULL: another file */
    const char *last_file = n_files ? student_files[0] : "";
    long line = 1, last_line = 0;
    for (const char *p = text; *p;) {
        const char *eol = p + strcspn(p, "\n");
        const char *q = p + strspn(p, " \t");
        long number;
        char *name;
        if (*q == '#' && read_marker(q, eol, &number, &name)) {
            if (name) {
                bool reported = false; /* a foreign file is named once per scan */
                for (size_t k = 0; k < n_names; k++)
                    reported = reported || strcmp(names[k], name) == 0;
                if (!reported && !is_known_file(name, student_files, n_files)) {
                    char *what = xasprintf("a line directive names '%.60s', which is neither "
                                           "a student file nor a header: code may not pass "
                                           "for another file's",
                                           name);
                    /* in a student file, the directive stands where the marker is */
                    found(&s, file ? file : last_file, file ? line : last_line, true, what);
                    free(what);
                }
                names = xrealloc(names, (n_names + 1) * sizeof *names);
                names[n_names++] = name;
                file = is_student_file(name, student_files, n_files) ? name : NULL;
            }
            line = number;
        } else if (*q == '#') {
            line++; /* #pragma and the like */
        } else {
            if (file) {
                tokenize_line(p, eol, file, line, &t);
                last_file = file;
                last_line = line;
            }
            line++;
        }
        p = *eol ? eol + 1 : eol;
    }
    for (size_t i = 0; i < t.n; i++)
        check_token(&s, &t, i);
    free(t.items);
    for (size_t i = 0; i < n_names; i++)
        free(names[i]);
    free(names);
}

/* ---- running the preprocessor ---- */

/* Preprocesses one student file into build/; returns the text, or NULL with *why. */
static char *preprocess(const struct grade_config *cfg, const char *work,
                        const struct sandbox_spec *box, const char *rel, char **why)
{
    char *obj = build_object_path(rel);
    obj[strlen(obj) - 1] = 'i'; /* build/src_a.i */
    struct argv a = {0};
    argv_add(&a, cfg->cc);
    for (const char *const *f = preprocess_flags; *f; f++)
        argv_add(&a, *f);
    argv_add(&a, rel);
    argv_add(&a, "-o");
    argv_add(&a, obj);
    char *log = path_join(work, "logs/preprocess.log");
    char **env = box ? sandbox_environment(box->box, NULL) : NULL;
    struct command cmd = {.argv = a.items,
                          .cwd = work,
                          .output_path = log,
                          .env = env,
                          .timeout_s = PREPROCESS_TIMEOUT_S,
                          .own_session = true,
                          .sandbox = box};
    struct command_outcome out;
    char *text = NULL;
    if (command_run(&cmd, &out) == 0 && command_succeeded(&out)) {
        char *path = path_join(work, obj);
        text = workfile_read(path, MAX_PREPROCESSED_BYTES, NULL);
        free(path);
        if (text == NULL)
            *why = xasprintf("its preprocessed text is missing or larger than %d MiB",
                             MAX_PREPROCESSED_BYTES >> 20);
    } else {
        *why = out.timed_out ? xasprintf("the preprocessor did not finish within %d s",
                                         PREPROCESS_TIMEOUT_S)
                             : xstrdup("the preprocessor failed on it");
    }
    free(env);
    free(log);
    argv_free(&a);
    free(obj);
    return text;
}

void preprocessed_scan(const struct grade_config *cfg, const struct chapter *ch,
                       source_report report, void *ctx)
{
    char *work = path_join(cfg->workdir, ch->id);
    struct stage_sandbox box;
    const struct sandbox_spec *spec = stage_sandbox(&box, cfg, work, STAGE_BUILD);
    char **sources = xcalloc(ch->n_student_files, sizeof *sources);
    for (size_t i = 0; i < ch->n_student_files; i++) {
        char *path = path_join(work, ch->student_files[i]);
        sources[i] = workfile_read(path, MAX_PREPROCESSED_BYTES, NULL);
        free(path);
    }
    for (size_t i = 0; i < ch->n_student_files; i++) {
        char *why = NULL;
        char *text = preprocess(cfg, work, spec, ch->student_files[i], &why);
        if (text) {
            preprocessed_scan_text(text, ch->student_files, (const char *const *)sources,
                                   ch->n_student_files, report, ctx);
        } else {
            char *what = xasprintf("cannot be checked: %s", why);
            report(ctx, ch->student_files[i], true, what);
            free(what);
        }
        free(text);
        free(why);
    }
    for (size_t i = 0; i < ch->n_student_files; i++)
        free(sources[i]);
    free(sources);
    stage_sandbox_free(&box);
    free(work);
}
