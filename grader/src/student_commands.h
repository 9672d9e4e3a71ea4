/* student_commands.h - grade --list and grade --hint. */
#ifndef STUDENT_COMMANDS_H
#define STUDENT_COMMANDS_H

#include <stdio.h>

#include "grader.h"
#include "progress.h"

/* Lists the chapters (points, tests), and with a progress file p (may be NULL) each
 * one's last score, whether it is done, and a bar over the workbook. */
void student_list(FILE *out, const struct chapter *chs, size_t n, const struct progress *p);

/* Shows the next hint of an exercise of ch (exercise: a number or a file; NULL lists
 * the exercises that have hints) and counts it as shown in p. After the last hint,
 * says so and shows the last one again. 0, or -1 with err. */
int student_hint(FILE *out, const struct chapter *ch, const char *exercise, struct progress *p,
                 char *err, size_t errlen);

#endif
