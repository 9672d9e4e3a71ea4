/* command_batch.h - running several commands at once. */
#ifndef COMMAND_BATCH_H
#define COMMAND_BATCH_H

#include <stddef.h>

#include "command.h"

/* Runs cmds[0..n), at most `at_once` at a time, each to its end or its own deadline,
 * and fills outcomes[i]; rcs[i] is command_start's result (-1: could not start). When
 * all have ended, kills what they left behind (command_sweep with box). */
void command_run_batch(const struct command *cmds, size_t n, size_t at_once,
                       const struct sandbox *box, struct command_outcome *outcomes, int *rcs);

/* How many commands to run at once: the processors online, from 1 to 4. */
size_t command_batch_width(void);

#endif
