/* command_batch.c - running several commands at once: compilers are the usual case,
 * one per source file, on a machine with more than one processor. Each command keeps
 * its own deadline, output file and sandbox; command_finish serves every command still
 * running while it waits for one, so waiting for them in order loses nothing. */
#include "command_batch.h"

#include <stdlib.h>
#include <unistd.h>

#include "grader.h"

size_t command_batch_width(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 4 ? 4 : (size_t)n;
}

void command_run_batch(const struct command *cmds, size_t n, size_t at_once,
                       const struct sandbox *box, struct command_outcome *outcomes, int *rcs)
{
    struct command_run *runs = xcalloc(n + 1, sizeof *runs);
    size_t started = 0, finished = 0;
    if (at_once == 0)
        at_once = 1;
    while (finished < n) {
        while (started < n && started - finished < at_once) {
            rcs[started] = command_start(&cmds[started], &runs[started], &outcomes[started]);
            started++;
        }
        if (rcs[finished] == 0)
            command_finish(&runs[finished], &outcomes[finished]);
        finished++;
    }
    command_sweep(box); /* compilers leave nothing; anything else goes */
    free(runs);
}
