/* hints.c - reading the hints of a chapter: its hints.cfg, or its lesson's "## Hints".
 *
 * A hint is for a student who is stuck: each one says a little more than the one before,
 * so hints.cfg lists them in that order and grade --hint shows the next one only
 * (progress.c remembers how many were shown). */
#include "hints.h"

#include <ctype.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_LESSON_BYTES = 1 << 20 };

static void fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static bool is_student_file(const struct chapter *ch, const char *file)
{
    for (size_t i = 0; i < ch->n_student_files; i++)
        if (strcmp(ch->student_files[i], file) == 0)
            return true;
    return false;
}

/* Reads one { file = "..."; hints = [ ... ]; } entry; 0 or -1 (err says why). */
static int read_exercise(const config_setting_t *e, const struct chapter *ch, const char *path,
                         struct exercise_hints *out, char *err, size_t errlen)
{
    const char *file = NULL;
    config_setting_t *list = config_setting_get_member(e, "hints");
    int line = config_setting_source_line(e);
    if (!config_setting_lookup_string(e, "file", &file) || !is_student_file(ch, file)) {
        fail(err, errlen, "%s:%d: each entry needs file = one of the chapter's student_files",
             path, line);
        return -1;
    }
    if (list == NULL || !config_setting_is_array(list) || config_setting_length(list) == 0) {
        fail(err, errlen, "%s:%d: %s needs hints = [ \"...\", ... ] (at least one)", path, line,
             file);
        return -1;
    }
    out->file = xstrdup(file);
    out->n_hints = (size_t)config_setting_length(list);
    out->hints = xcalloc(out->n_hints, sizeof *out->hints);
    for (size_t i = 0; i < out->n_hints; i++) {
        const char *text = config_setting_get_string_elem(list, (unsigned)i);
        if (text == NULL || text[0] == '\0') {
            fail(err, errlen, "%s:%d: the hints of %s must be non-empty strings", path, line,
                 file);
            return -1;
        }
        out->hints[i] = xstrdup(text);
    }
    return 0;
}

/* Puts the exercises in the order of the chapter's student files. */
static void sort_by_student_files(const struct chapter *ch, struct hint_set *set)
{
    struct exercise_hints *sorted = xcalloc(set->n_exercises + 1, sizeof *sorted);
    size_t n = 0;
    for (size_t f = 0; f < ch->n_student_files; f++)
        for (size_t i = 0; i < set->n_exercises; i++)
            if (strcmp(set->exercises[i].file, ch->student_files[f]) == 0)
                sorted[n++] = set->exercises[i];
    free(set->exercises);
    set->exercises = sorted;
}

static int load_config(const struct chapter *ch, const char *path, struct hint_set *out,
                       char *err, size_t errlen)
{
    config_t cfg;
    config_init(&cfg);
    int rc = -1;
    config_setting_t *list = NULL;
    if (!config_read_file(&cfg, path))
        fail(err, errlen, "%s:%d: %s", path, config_error_line(&cfg), config_error_text(&cfg));
    else if ((list = config_lookup(&cfg, "hints")) == NULL || !config_setting_is_list(list))
        fail(err, errlen, "%s: needs hints = ( { file = \"src/x.c\"; hints = [ ... ]; }, ... )",
             path);
    else
        rc = 0;
    size_t n = rc == 0 ? (size_t)config_setting_length(list) : 0;
    out->exercises = xcalloc(n + 1, sizeof *out->exercises);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
        rc = read_exercise(e, ch, path, &out->exercises[i], err, errlen);
        out->n_exercises = i + 1;
        for (size_t k = 0; rc == 0 && k < i; k++)
            if (strcmp(out->exercises[k].file, out->exercises[i].file) == 0) {
                fail(err, errlen, "%s:%d: %s has two entries", path,
                     config_setting_source_line(e), out->exercises[i].file);
                rc = -1;
            }
    }
    if (rc == 0)
        sort_by_student_files(ch, out);
    config_destroy(&cfg);
    return rc;
}

/* The bullets ("- ...", with their continuation lines) of the lesson's "## Hints"
 * section, as one exercise with no file. */
static int load_lesson(const char *path, struct hint_set *out, char *err, size_t errlen)
{
    char *text = read_text_file(path, MAX_LESSON_BYTES);
    const char *section = text ? strstr(text, "\n## Hints\n") : NULL;
    if (section == NULL) {
        fail(err, errlen, "%s: no hints.cfg beside it, and no \"## Hints\" section in it", path);
        free(text);
        return -1;
    }
    struct exercise_hints *e = xcalloc(1, sizeof *e);
    out->exercises = e;
    out->n_exercises = 1;
    const char *p = section + strlen("\n## Hints\n");
    while (*p && strncmp(p, "## ", 3) != 0) {
        size_t len = strcspn(p, "\n");
        if (strncmp(p, "- ", 2) == 0) {
            e->hints = xrealloc(e->hints, (e->n_hints + 1) * sizeof *e->hints);
            e->hints[e->n_hints++] = xasprintf("%.*s", (int)(len - 2), p + 2);
        } else if (len > 0 && isspace((unsigned char)p[0]) && e->n_hints > 0) {
            const char *words = p + strspn(p, " \t");
            char *longer = xasprintf("%s %.*s", e->hints[e->n_hints - 1],
                                     (int)(len - (size_t)(words - p)), words);
            free(e->hints[e->n_hints - 1]);
            e->hints[e->n_hints - 1] = longer;
        }
        p += len + (p[len] == '\n');
    }
    free(text);
    if (e->n_hints == 0) {
        fail(err, errlen, "%s: its \"## Hints\" section has no \"- \" bullet", path);
        return -1;
    }
    return 0;
}

int hints_load(const struct chapter *ch, struct hint_set *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    char *config = path_join(ch->dir, "hints.cfg");
    char *lesson = path_join(ch->dir, "README.md");
    int rc;
    if (is_file(config)) {
        out->source = xstrdup(config);
        rc = load_config(ch, config, out, err, errlen);
    } else {
        out->source = xstrdup(lesson);
        rc = load_lesson(lesson, out, err, errlen);
    }
    free(config);
    free(lesson);
    if (rc < 0)
        hints_free(out);
    return rc;
}

void hints_free(struct hint_set *set)
{
    for (size_t i = 0; i < set->n_exercises; i++) {
        for (size_t k = 0; k < set->exercises[i].n_hints; k++)
            free(set->exercises[i].hints[k]);
        free(set->exercises[i].hints);
        free(set->exercises[i].file);
    }
    free(set->exercises);
    free(set->source);
    memset(set, 0, sizeof *set);
}

/* Whether key names file: "src/lock.c", "lock.c" or "lock". */
static bool names_file(const char *key, const char *file)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t stem = strlen(base) > 2 ? strlen(base) - 2 : strlen(base);
    return strcmp(key, file) == 0 || strcmp(key, base) == 0 ||
           (strlen(key) == stem && strncmp(key, base, stem) == 0);
}

const struct exercise_hints *hints_find(const struct hint_set *set, const struct chapter *ch,
                                        const char *key)
{
    if (set->n_exercises == 1 && set->exercises[0].file == NULL)
        return &set->exercises[0];
    char *end;
    long number = strtol(key, &end, 10);
    if (*key && *end == '\0') { /* the exercise's number in the lesson */
        if (number < 1 || (size_t)number > ch->n_student_files)
            return NULL;
        key = ch->student_files[number - 1];
    }
    for (size_t i = 0; i < set->n_exercises; i++)
        if (names_file(key, set->exercises[i].file))
            return &set->exercises[i];
    return NULL;
}
