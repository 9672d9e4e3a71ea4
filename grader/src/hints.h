/* hints.h - the hints of each exercise, shown one at a time by grade --hint. */
#ifndef HINTS_H
#define HINTS_H

#include "grader.h"

/* The hints of one exercise (one student file), each closer to the answer than the
 * one before. */
struct exercise_hints {
    char *file; /* "src/lock.c"; NULL for the chapter's hints that name no exercise */
    char **hints;
    size_t n_hints;
};

struct hint_set {
    struct exercise_hints *exercises; /* in the order of ch->student_files */
    size_t n_exercises;
    char *source; /* where they come from: "chapters/09-thread-sync/hints.cfg" or the lesson */
};

/* Reads the hints of chapter ch: ch->dir/hints.cfg, a list of { file; hints } (libconfig),
 * whose files must be the chapter's student files; else, when the chapter has no
 * hints.cfg, the bullets of its lesson's "## Hints" section (ch->dir/README.md), as the
 * chapter's hints. Returns 0, or -1 with a message naming the file (and line) in err. */
int hints_load(const struct chapter *ch, struct hint_set *out, char *err, size_t errlen);
void hints_free(struct hint_set *set);

/* The hints of the exercise that key names: its number in the lesson ("1": the first of
 * ch->student_files), its file ("src/lock.c", "lock.c") or the file's name without ".c"
 * ("lock"); NULL when none. The chapter's hints that name no exercise answer to any key. */
const struct exercise_hints *hints_find(const struct hint_set *set, const struct chapter *ch,
                                        const char *key);

#endif
