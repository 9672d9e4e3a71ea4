/* processes.h - what the grader's end-to-end tests (verdicts, batch) ask of the
 * machine's processes (processes.c). */
#ifndef TESTS_PROCESSES_H
#define TESTS_PROCESSES_H

#include <sys/types.h>

/* A process other than this one whose command line mentions text, or 0 when none does
 * (e.g. a grading that should have ended with its batch). */
pid_t process_mentioning(const char *text);

#endif
