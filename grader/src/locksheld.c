/* locksheld.c - which locks each racing access held.
 *
 * Helgrind's XML leaves this out; its text log says it ("Locks held: none", "Locks
 * held: 1, at address 0x4A8F040", and where each lock was first observed, with its
 * variable's name). analyse.c runs helgrind once more in text mode over the tests
 * that showed races; this file reads those logs and adds the locks to the findings:
 * "locks held: src/counter.c:22: none; src/counter.c:25: m". */
#include "grader.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MAX_LOCKS = 64 };

struct lock_names {
    char *address[MAX_LOCKS], *name[MAX_LOCKS];
    size_t n;
};

/* The text after valgrind's "==PID== " prefix. */
static const char *body(const char *line)
{
    if (line[0] == '=' && line[1] == '=') {
        const char *end = strstr(line + 2, "== ");
        return end ? end + 3 : line;
    }
    return line;
}

/* Records "Lock at 0xA was first observed" ... "inside data symbol "m"". */
static void read_lock_names(char **lines, size_t n, struct lock_names *names)
{
    for (size_t i = 0; i < n && names->n < MAX_LOCKS; i++) {
        const char *l = body(lines[i]);
        while (*l == ' ')
            l++;
        if (strncmp(l, "Lock at ", 8) != 0)
            continue;
        char address[32];
        if (sscanf(l + 8, "%31s", address) != 1)
            continue;
        for (size_t k = i + 1; k < n && body(lines[k])[0] != '\0'; k++) {
            const char *q = strchr(body(lines[k]), '"');
            const char *end = q ? strchr(q + 1, '"') : NULL;
            if (end) {
                names->address[names->n] = xstrdup(address);
                names->name[names->n++] = xasprintf("%.*s", (int)(end - q - 1), q + 1);
                break;
            }
        }
    }
}

/* "none", or the lock names (or addresses) of "1, at address 0xA" / "2, at addresses
 * 0xA 0xB". */
static char *describe_held(const char *held, const struct lock_names *names)
{
    if (strncmp(held, "none", 4) == 0)
        return xstrdup("none");
    const char *list = strstr(held, "address");
    list = list ? strchr(list, ' ') : NULL;
    char *out = xstrdup("");
    char *copy = xstrdup(list ? list : "");
    for (char *a = strtok(copy, " "); a; a = strtok(NULL, " ")) {
        char *name = xasprintf("the lock at %s", a); /* one without a variable's name */
        for (size_t i = 0; i < names->n; i++)
            if (strcasecmp(names->address[i], a) == 0) {
                free(name);
                name = xstrdup(names->name[i]);
            }
        char *longer = xasprintf("%s%s%s", out, out[0] ? ", " : "", name);
        free(name);
        free(out);
        out = longer;
    }
    free(copy);
    return out;
}

/* "file.c:22" of a frame line "   at 0x1091B1: fn (file.c:22)", or NULL. */
static char *frame_place(const char *line)
{
    const char *l = body(line);
    while (*l == ' ')
        l++;
    if (strncmp(l, "at ", 3) != 0 && strncmp(l, "by ", 3) != 0)
        return NULL;
    const char *open = strrchr(l, '('), *close = strrchr(l, ')');
    if (!open || !close || close < open || !memchr(open, ':', (size_t)(close - open)))
        return NULL;
    return xasprintf("%.*s", (int)(close - open - 1), open + 1);
}

/* The finding's student line whose file name and line match place, or NULL. */
static const char *matching_where(const struct finding *f, const char *place)
{
    for (size_t i = 0; i < f->n_where; i++) {
        const char *slash = strrchr(f->where[i], '/');
        if (strcmp(slash ? slash + 1 : f->where[i], place) == 0)
            return f->where[i];
    }
    return NULL;
}

struct access {
    char *held;        /* described */
    const char *where; /* the student's line, once a frame matched */
};

static void annotate(struct analysis_result *a, struct access acc[2])
{
    for (size_t i = 0; i < a->n_findings; i++) {
        struct finding *f = &a->findings[i];
        if (strcmp(f->kind, "Race") != 0 || strstr(f->message, "locks held:"))
            continue;
        bool mine = false;
        for (int k = 0; k < 2; k++)
            for (size_t w = 0; acc[k].where && w < f->n_where; w++)
                mine = mine || acc[k].where == f->where[w];
        if (!mine)
            continue;
        /* before the hint, which stays the last line */
        char *hint = strstr(f->message, "\n  hint: ");
        int before = hint ? (int)(hint - f->message) : (int)strlen(f->message);
        char *extra = xasprintf("%.*s\n    locks held: %s: %s; %s: %s%s", before, f->message,
                                acc[0].where ? acc[0].where : "this access",
                                acc[0].held ? acc[0].held : "unknown",
                                acc[1].where ? acc[1].where : "the other access",
                                acc[1].held ? acc[1].held : "unknown",
                                f->message + before);
        free(f->message);
        f->message = extra;
    }
}

/* Reads the race blocks of one log: each access's locks and first matching line. */
static void read_races(char **lines, size_t n, const struct lock_names *names,
                       struct analysis_result *a)
{
    for (size_t i = 0; i < n; i++) {
        if (strncmp(body(lines[i]), "Possible data race", 18) != 0)
            continue;
        struct access acc[2] = {{0}};
        int which = 0;
        size_t k = i + 1;
        for (; k < n && strncmp(body(lines[k]), "Possible data race", 18) != 0 &&
               strncmp(body(lines[k]), "----", 4) != 0;
             k++) {
            const char *l = body(lines[k]);
            if (strncmp(l, "This conflicts with", 19) == 0)
                which = 1;
            else if (strncmp(l, "Locks held: ", 12) == 0 && !acc[which].held)
                acc[which].held = describe_held(l + 12, names);
            char *place = acc[which].where ? NULL : frame_place(lines[k]);
            for (size_t f = 0; place && f < a->n_findings && !acc[which].where; f++)
                acc[which].where = matching_where(&a->findings[f], place);
            free(place);
        }
        annotate(a, acc);
        free(acc[0].held);
        free(acc[1].held);
        i = k - 1;
    }
}

static void read_log(const char *path, struct analysis_result *a)
{
    /* read_text_file neither follows a link nor waits on a FIFO the tests left here */
    char *text = read_text_file(path, 4 << 20);
    if (text == NULL)
        return;
    size_t n = 0, cap = 256;
    char **lines = xcalloc(cap, sizeof *lines);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (n == cap)
            lines = xrealloc(lines, (cap *= 2) * sizeof *lines);
        lines[n++] = line;
    }
    struct lock_names names = {0};
    read_lock_names(lines, n, &names);
    read_races(lines, n, &names, a);
    for (size_t i = 0; i < names.n; i++) {
        free(names.address[i]);
        free(names.name[i]);
    }
    free(lines);
    free(text);
}

/* Whether name is one of helgrind's text logs, locks.PID.txt: not the runner's own
 * output (locks.log), which the code under test writes what it likes to. */
static bool is_text_log(const char *name)
{
    size_t digits = strncmp(name, "locks.", 6) == 0 ? strspn(name + 6, "0123456789") : 0;
    return digits > 0 && strcmp(name + 6 + digits, ".txt") == 0;
}

void locks_held_read(const char *dir, struct analysis_result *a)
{
    struct dirent **entries;
    int n = scandir(dir, &entries, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        if (is_text_log(entries[i]->d_name)) {
            char *path = path_join(dir, entries[i]->d_name);
            read_log(path, a);
            free(path);
        }
        free(entries[i]);
    }
    if (n >= 0)
        free(entries);
}
