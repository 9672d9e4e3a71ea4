/* includes.c - before compiling: no student directive may make the compiler read a file.
 *
 * A compiler error quotes the lines it is about, so `#include "/etc/shadow"`, or
 * `#line 1 "/home/other/secret.c"` before an error, would show the student a file the
 * chapter does not provide; an include of a FIFO would hang the compiler. The scan
 * follows the compiler's first translation phases closely enough that a directive
 * cannot be hidden from it: trigraphs, backslash-newlines (also before CR, CR LF and
 * after trailing blanks; a lone CR ends a line, as for GCC), NUL bytes (blanks),
 * comments, string and character literals, header names (in `#include <a//b.h>` the
 * slashes start no comment). Where it cannot follow the compiler (a name a macro
 * computes) it refuses. */
#include "includes.h"
#include "workfile.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

enum { MAX_SOURCE_BYTES = 1 << 20, MAX_SHOWN = 10, MAX_NAME_SHOWN = 80 };

/* ---- translation phases 1 and 2 ---- */

/* The text as the compiler's tokenizer sees it, with each character's physical line. */
struct source {
    char *s; /* NUL-terminated, without NUL bytes */
    int *line;
    size_t n;
};

static char trigraph(char c)
{
    static const char from[] = "=(/)'<!>-", to[] = "#[\\]^{|}~";
    const char *p = c ? strchr(from, c) : NULL;
    return p ? to[p - from] : 0;
}

/* The character at text[*i] after phase 1 (trigraphs; CR LF and CR are newlines; a
 * NUL is a blank to the compiler); *i moves past it. */
static char phase1(const char *text, size_t len, size_t *i)
{
    char c = text[(*i)++];
    if (c == '?' && *i + 1 < len && text[*i] == '?' && trigraph(text[*i + 1])) {
        c = trigraph(text[*i + 1]);
        *i += 2;
    } else if (c == '\r') {
        *i += *i < len && text[*i] == '\n';
        c = '\n';
    }
    return c == '\0' ? ' ' : c;
}

/* Whether the backslash just read ends its physical line (blanks may come between:
 * the compiler joins them too); if so, *i moves past the line's end. */
static bool splices(const char *text, size_t len, size_t *i)
{
    for (size_t j = *i; j < len;) {
        char c = phase1(text, len, &j);
        if (c == '\n') {
            *i = j;
            return true;
        }
        if (c != ' ' && c != '\t' && c != '\f' && c != '\v')
            return false;
    }
    return false;
}

static void clean(const char *text, size_t len, struct source *out)
{
    out->s = xcalloc(len + 1, 1);
    out->line = xcalloc(len + 1, sizeof *out->line);
    out->n = 0;
    int line = 1;
    for (size_t i = 0; i < len;) {
        char c = phase1(text, len, &i);
        if (c == '\\' && splices(text, len, &i)) {
            line++;
            continue;
        }
        out->s[out->n] = c;
        out->line[out->n++] = line;
        line += c == '\n';
    }
}

/* ---- tokens (phase 3) ---- */

enum kind { T_END, T_NEWLINE, T_IDENT, T_NUMBER, T_STRING, T_CHAR, T_HEADER, T_HASH, T_PUNCT };

struct token {
    enum kind kind;
    size_t start, len;
    int line;
};

struct lexer {
    const struct source *src;
    size_t pos;
    struct token pending; /* given back by a check that read one token too many */
    bool has_pending;
};

/* Skips blanks and comments; a comment is a blank, even one across lines (then a
 * directive goes on after it, as in the compiler). */
static void skip_blanks(struct lexer *lx)
{
    const char *s = lx->src->s;
    while (lx->pos < lx->src->n) {
        const char *p = s + lx->pos;
        if (*p == ' ' || *p == '\t' || *p == '\f' || *p == '\v') {
            lx->pos++;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            lx->pos = end ? (size_t)(end + 2 - s) : lx->src->n;
        } else if (p[0] == '/' && p[1] == '/') {
            lx->pos += strcspn(p, "\n");
        } else {
            break;
        }
    }
}

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

/* Where a string or character literal starting at its quote q ends: after the closing
 * quote, or at the end of the line when there is none. */
static size_t literal_end(const char *s, size_t q)
{
    size_t i = q + 1;
    while (s[i] && s[i] != '\n' && s[i] != s[q])
        i += s[i] == '\\' && s[i + 1] && s[i + 1] != '\n' ? 2 : 1;
    return s[i] == s[q] ? i + 1 : i;
}

/* Where a header name opened at p ends (after close), or 0 when the line has none. */
static size_t header_end(const char *s, size_t p, char close)
{
    size_t i = p + 1 + strcspn(s + p + 1, close == '>' ? ">\n" : "\"\n");
    return s[i] == close ? i + 1 : 0;
}

static size_t number_end(const char *s, size_t p)
{
    size_t i = p + 1;
    for (;; i++) {
        if (s[i] && strchr("+-", s[i]) && strchr("eEpP", s[i - 1]))
            continue;
        if (!ident_char(s[i]) && s[i] != '.')
            return i;
    }
}

/* The token at lx->pos. In a header context (after #include, __has_include's '(')
 * `<...>` and `"..."` are header names, where neither comments nor escapes exist. */
static struct token next_token(struct lexer *lx, bool header)
{
    if (lx->has_pending) {
        lx->has_pending = false;
        return lx->pending;
    }
    skip_blanks(lx);
    const char *s = lx->src->s;
    size_t p = lx->pos, end = p + 1;
    struct token t = {T_PUNCT, p, 0, lx->src->n ? lx->src->line[p < lx->src->n ? p : p - 1] : 1};
    char c = s[p];
    if (p >= lx->src->n) {
        t.kind = T_END;
        end = p;
    } else if (c == '\n') {
        t.kind = T_NEWLINE;
    } else if (header && (c == '<' || c == '"') && header_end(s, p, c == '<' ? '>' : '"')) {
        t.kind = T_HEADER;
        end = header_end(s, p, c == '<' ? '>' : '"');
    } else if (ident_char(c) && !isdigit((unsigned char)c)) {
        for (end = p; ident_char(s[end]); end++)
            ;
        size_t n = end - p;
        bool prefix = (n == 1 && strchr("LuU", c)) || (n == 2 && strncmp(s + p, "u8", 2) == 0);
        t.kind = prefix && (s[end] == '"' || s[end] == '\'') ? (s[end] == '"' ? T_STRING : T_CHAR)
                                                             : T_IDENT;
        if (t.kind != T_IDENT)
            end = literal_end(s, end);
    } else if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)s[p + 1]))) {
        t.kind = T_NUMBER;
        end = number_end(s, p);
    } else if (c == '"' || c == '\'') {
        t.kind = c == '"' ? T_STRING : T_CHAR;
        end = literal_end(s, p);
    } else if (c == '#' || (c == '%' && s[p + 1] == ':')) {
        end = p + (c == '%' ? 2 : 1);
        bool twice = s[end] == '#' || (s[end] == '%' && s[end + 1] == ':');
        t.kind = twice ? T_PUNCT : T_HASH; /* ## pastes, # starts a directive */
        end += twice ? (s[end] == '%' ? 2 : 1) : 0;
    }
    t.len = end - p;
    lx->pos = end;
    return t;
}

static void give_back(struct lexer *lx, struct token t)
{
    lx->pending = t;
    lx->has_pending = true;
}

static const char *text_at(const struct lexer *lx, struct token t)
{
    return lx->src->s + t.start;
}

static bool is_word(const struct lexer *lx, struct token t, const char *word)
{
    return t.kind == T_IDENT && t.len == strlen(word) && strncmp(text_at(lx, t), word, t.len) == 0;
}

static bool is_punct(const struct lexer *lx, struct token t, char c)
{
    return t.kind == T_PUNCT && t.len == 1 && *text_at(lx, t) == c;
}

/* The value of at most max digits of base at *s; *s moves past them. */
static char escaped_value(const char **s, const char *end, int base, int max)
{
    unsigned long value = 0;
    for (int k = 0; k < max && *s < end; k++, (*s)++) {
        int c = tolower((unsigned char)**s);
        int digit = isdigit(c) ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : base;
        if (digit >= base)
            break;
        value = value * (unsigned long)base + (unsigned long)digit;
    }
    return (char)value;
}

/* Decoded text, grown by doubling: a long run of adjacent literals stays linear. */
struct text {
    char *s;
    size_t len, cap;
};

/* Appends the characters string literal t stands for, lower-cased (escapes decoded,
 * so "\x2eincbin" is seen as ".incbin"). */
static void append_literal(const struct lexer *lx, struct token t, struct text *out)
{
    const char *s = text_at(lx, t), *end = s + t.len;
    s = strchr(s, '"') + 1;
    end -= end > s && end[-1] == '"';
    if (out->len + t.len + 1 > out->cap) {
        out->cap = 2 * (out->len + t.len + 1);
        out->s = xrealloc(out->s, out->cap);
    }
    while (s < end) {
        char c = *s++;
        if (c == '\\' && s < end) {
            c = *s++;
            if (c == 'x')
                c = escaped_value(&s, end, 16, 64);
            else if (c == 'u' || c == 'U')
                c = escaped_value(&s, end, 16, c == 'u' ? 4 : 8);
            else if (c >= '0' && c <= '7')
                s--, c = escaped_value(&s, end, 8, 3);
        }
        out->s[out->len++] = c ? (char)tolower((unsigned char)c) : ' '; /* "\0" ends nothing */
    }
    out->s[out->len] = '\0';
}

/* ---- the checks ---- */

struct checker {
    const char *work, *rel; /* the work folder, the student file being read */
    char *dir;              /* that file's folder: quoted names are found there first */
    char *shown[MAX_SHOWN];
    size_t n_shown;
};

static void violation(struct checker *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void violation(struct checker *c, int line, const char *fmt, ...)
{
    if (c->n_shown == MAX_SHOWN)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *what;
    if (vasprintf(&what, fmt, ap) < 0)
        what = NULL;
    va_end(ap);
    c->shown[c->n_shown++] = xasprintf("%s:%d: %s", c->rel, line, what ? what : "");
    free(what);
}

static const char *kind_of(mode_t mode)
{
    return S_ISLNK(mode)    ? "not a regular file (a symbolic link)"
           : S_ISFIFO(mode) ? "not a regular file (a FIFO)"
           : S_ISDIR(mode)  ? "not a regular file (a folder)"
           : S_ISCHR(mode)  ? "not a regular file (a character device)"
           : S_ISBLK(mode)  ? "not a regular file (a block device)"
           : S_ISSOCK(mode) ? "not a regular file (a socket)"
                            : "not a regular file";
}

/* What makes base/name unfit to include, when it is there: NULL for a regular file,
 * and for nothing there (the compiler then looks in the next folder). Every folder on
 * the way is looked at too, for a link would lead out of the work folder. */
static const char *unfit(const char *base, const char *name)
{
    char *path = path_join(base, name);
    char *part = path + strlen(path) - strlen(name);
    const char *why = NULL;
    for (;;) {
        char *slash = strchr(part, '/');
        if (slash)
            *slash = '\0';
        struct stat st;
        if (lstat(path, &st) < 0 || (slash && S_ISDIR(st.st_mode) == 0 && !S_ISLNK(st.st_mode)))
            break; /* not there: the compiler will not read it from here */
        if (S_ISLNK(st.st_mode) || (!slash && !S_ISREG(st.st_mode))) {
            why = kind_of(st.st_mode);
            break;
        }
        if (!slash)
            break;
        *slash = '/';
        part = slash + 1;
    }
    free(path);
    return why;
}

static bool has_dot_dot(const char *name)
{
    for (const char *p = name; (p = strstr(p, "..")) != NULL; p += 2)
        if ((p == name || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
            return true;
    return false;
}

/* Why the name of an include must be refused, or NULL. */
static const char *name_problem(const struct checker *c, const char *name, bool quoted)
{
    if (name[0] == '\0')
        return "empty names are not allowed";
    if (name[0] == '/')
        return "absolute paths are not allowed";
    if (has_dot_dot(name))
        return "paths with .. are not allowed";
    const char *why = quoted ? unfit(c->dir, name) : NULL;
    if (why == NULL) {
        char *include = path_join(c->work, "include");
        why = unfit(include, name);
        free(include);
    }
    return why;
}

/* The name as a message shows it: printable, and not too long. */
static char *shown_name(const char *name)
{
    size_t len = strlen(name);
    char *out = xasprintf("%.*s%s", MAX_NAME_SHOWN, name, len > MAX_NAME_SHOWN ? "..." : "");
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return out;
}

/* Checks the header name h of `what` ("#include", "__has_include(", ...). */
static void check_name(struct checker *c, const struct lexer *lx, const char *what,
                       struct token h, int line)
{
    const char *s = text_at(lx, h);
    bool quoted = s[0] == '"', call = what[strlen(what) - 1] == '(';
    char *name = xasprintf("%.*s", (int)h.len - 2, s + 1);
    const char *problem = name_problem(c, name, quoted);
    if (problem) {
        char *shown = shown_name(name);
        violation(c, line, "%s%s%s%s%s%s: %s", what, call ? "" : " ", quoted ? "\"" : "<", shown,
                  quoted ? "\"" : ">", call ? ")" : "", problem);
        free(shown);
    }
    free(name);
}

/* #include, #include_next or #import (keyword k): only a written name. */
static void check_include(struct checker *c, struct lexer *lx, struct token k, int line)
{
    char *what = xasprintf("#%.*s", (int)k.len, text_at(lx, k));
    struct token h = next_token(lx, true);
    if (h.kind == T_HEADER) {
        check_name(c, lx, what, h, line);
    } else {
        /* a macro's name could be anything: the compiler would read it before we could */
        violation(c, line, "computed %s is not allowed", what);
        give_back(lx, h);
    }
    free(what);
}

/* #pragma GCC dependency "file" reads the file's date, and shows it in a warning. */
static void check_pragma(struct checker *c, struct lexer *lx, int line)
{
    struct token t;
    while ((t = next_token(lx, false)).kind != T_NEWLINE && t.kind != T_END)
        if (is_word(lx, t, "dependency"))
            violation(c, line, "#pragma GCC dependency is not allowed");
    give_back(lx, t);
}

/* #line N "file" (and GCC's line marker # N "file") make the compiler's errors quote
 * the named file's lines instead of the student's. */
static void check_line(struct checker *c, struct lexer *lx, struct token first, int line)
{
    bool marker = first.kind == T_NUMBER;
    struct token number = marker ? first : next_token(lx, false);
    struct token after = number.kind == T_NUMBER ? next_token(lx, false) : number;
    if (number.kind != T_NUMBER)
        violation(c, line, "computed #line is not allowed");
    else if (after.kind != T_NEWLINE && after.kind != T_END)
        violation(c, line, marker ? "line markers with a file name are not allowed"
                                  : "#line with a file name is not allowed");
    give_back(lx, after);
}

/* After a '#' (or '%:'): the directives that read a file. The keyword of any other is
 * given back to the scan. A '#' inside a macro (stringizing) is read the same way:
 * refusing there too is the safe side. */
static void check_directive(struct checker *c, struct lexer *lx, struct token hash)
{
    struct token k = next_token(lx, false);
    if (is_word(lx, k, "include") || is_word(lx, k, "include_next") || is_word(lx, k, "import"))
        check_include(c, lx, k, hash.line);
    else if (is_word(lx, k, "embed"))
        violation(c, hash.line, "#embed is not allowed");
    else if (is_word(lx, k, "pragma"))
        check_pragma(c, lx, hash.line);
    else if (is_word(lx, k, "line") || k.kind == T_NUMBER)
        check_line(c, lx, k, hash.line);
    else
        give_back(lx, k);
}

/* __has_include(NAME) opens NAME: the same rules as #include. Without its '(' it is
 * only allowed as what `defined` or #ifdef test; a macro could else supply the rest. */
static void check_has_include(struct checker *c, struct lexer *lx, struct token t,
                              struct token prev, struct token prev2)
{
    if (is_word(lx, prev, "defined") || is_word(lx, prev, "ifdef") ||
        is_word(lx, prev, "ifndef") || (is_punct(lx, prev, '(') && is_word(lx, prev2, "defined")))
        return;
    char *what = xasprintf("%.*s(", (int)t.len, text_at(lx, t));
    struct token open = next_token(lx, false);
    struct token h = is_punct(lx, open, '(') ? next_token(lx, true) : open;
    if (h.kind == T_HEADER) {
        check_name(c, lx, what, h, t.line);
    } else {
        violation(c, t.line, "computed %.*s is not allowed", (int)t.len, text_at(lx, t));
        give_back(lx, h);
    }
    free(what);
}

/* _Pragma("GCC dependency \"file\"") is #pragma GCC dependency; a computed one could be. */
static void check_pragma_operator(struct checker *c, struct lexer *lx, struct token t)
{
    struct token open = next_token(lx, false);
    struct token str = is_punct(lx, open, '(') ? next_token(lx, false) : open;
    if (str.kind != T_STRING) {
        violation(c, t.line, "computed _Pragma is not allowed");
        give_back(lx, str);
        return;
    }
    struct text text = {0};
    append_literal(lx, str, &text);
    if (strstr(text.s, "dependency"))
        violation(c, t.line, "_Pragma(\"GCC dependency\") is not allowed");
    free(text.s);
}

static bool same_word_nocase(const struct lexer *lx, struct token t, const char *word)
{
    return t.kind == T_IDENT && t.len == strlen(word) &&
           strncasecmp(text_at(lx, t), word, t.len) == 0;
}

/* Identifiers: the operators that open files, and the assembler's .incbin and .include
 * written as tokens for a macro to turn into an asm string (#x). */
static void check_ident(struct checker *c, struct lexer *lx, struct token t, struct token prev,
                        struct token prev2)
{
    const char *s = text_at(lx, t);
    if (t.len >= 13 && strncmp(s, "__has_include", 13) == 0)
        check_has_include(c, lx, t, prev, prev2);
    else if (t.len >= 11 && strncmp(s, "__has_embed", 11) == 0)
        violation(c, t.line, "__has_embed is not allowed");
    else if (is_word(lx, t, "_Pragma"))
        check_pragma_operator(c, lx, t);
    else if (same_word_nocase(lx, t, "incbin"))
        violation(c, t.line, ".incbin is not allowed");
    else if (same_word_nocase(lx, t, "include") && is_punct(lx, prev, '.') &&
             prev2.kind != T_IDENT && !is_punct(lx, prev2, ')') && !is_punct(lx, prev2, ']'))
        violation(c, t.line, ".include in assembly is not allowed"); /* not s.include */
}

/* Adjacent string literals are one string ("."  "incbin" is ".incbin"): the assembler
 * would read a file for .incbin or .include in an asm statement. */
static void check_strings(struct checker *c, struct lexer *lx, struct token first)
{
    struct text all = {0};
    append_literal(lx, first, &all);
    struct token t;
    while ((t = next_token(lx, false)).kind == T_STRING || t.kind == T_NEWLINE)
        if (t.kind == T_STRING)
            append_literal(lx, t, &all);
    give_back(lx, t);
    if (strstr(all.s, "incbin"))
        violation(c, first.line, ".incbin is not allowed");
    if (strstr(all.s, ".include"))
        violation(c, first.line, ".include in assembly is not allowed");
    free(all.s);
}

static void scan(struct checker *c, struct lexer *lx)
{
    struct token prev = {0}, prev2 = {0}, t;
    while ((t = next_token(lx, false)).kind != T_END) {
        if (t.kind == T_HASH)
            check_directive(c, lx, t);
        else if (t.kind == T_IDENT)
            check_ident(c, lx, t, prev, prev2);
        else if (t.kind == T_STRING)
            check_strings(c, lx, t);
        if (t.kind != T_NEWLINE) {
            prev2 = prev;
            prev = t;
        }
    }
}

static void check_file(struct checker *c, const char *rel)
{
    char *path = path_join(c->work, rel);
    size_t len;
    char *text = workfile_read(path, MAX_SOURCE_BYTES, &len);
    c->rel = rel;
    c->dir = xstrdup(path);
    *strrchr(c->dir, '/') = '\0';
    if (text == NULL) {
        if (c->n_shown < MAX_SHOWN)
            c->shown[c->n_shown++] = xasprintf(
                "%s: cannot be checked: not a regular file of at most %d KiB", rel,
                MAX_SOURCE_BYTES >> 10);
    } else {
        struct source src;
        clean(text, len, &src);
        struct lexer lx = {.src = &src};
        scan(c, &lx);
        free(src.s);
        free(src.line);
    }
    free(text);
    free(c->dir);
    free(path);
}

char *includes_problems(const char *work, const char *rel)
{
    struct checker c = {.work = work};
    check_file(&c, rel);
    if (c.n_shown == 0)
        return NULL;
    char *lines = xstrdup("");
    for (size_t i = 0; i < c.n_shown; i++) {
        char *longer = xasprintf("%s%s%s", lines, lines[0] ? "\n" : "", c.shown[i]);
        free(lines);
        free(c.shown[i]);
        lines = longer;
    }
    return lines;
}
