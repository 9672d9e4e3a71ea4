/* batch.h - grade --batch: a whole class, each submission in a grader process of its
 * own, several at once, resumable, ending with a CSV gradebook and a class summary. */
#ifndef BATCH_H
#define BATCH_H

#include <stdbool.h>

/* Whether the command line asks for --batch. */
bool batch_requested(int argc, char **argv);
/* grade --batch DIR|LIST [-j N] [--csv FILE] [--json-dir DIR] [--force] [--chapter N]...
 * [--root DIR] [--sandbox MODE] [--color|--no-color]; returns the exit status. */
int batch_main(int argc, char **argv);

#endif
