/* preprocessed.h - the student's code as the compiler reads it (cc -E), every macro
 * expanded: what the object code cannot show, with its line.
 *
 * Refused: inline assembly (asm, __asm__: it would also carry system calls, valgrind
 * client requests, .incbin and symbol names of its own), and line markers naming a
 * file that is neither a student file, a chapter header nor a system header (a #line
 * that moves code out of the student's files, and out of the analyses' sight).
 * Flagged for review: member names beginning with '_' (FILE's _fileno, pthread's
 * internals), names that reveal the program's memory layout (_GLOBAL_OFFSET_TABLE_,
 * environ, __builtin_frame_address, ...), addresses turned into integers, reads of
 * memory a word at a time through a cast, and paths under /proc, /dev and /sys. */
#ifndef PREPROCESSED_H
#define PREPROCESSED_H

#include <stdbool.h>
#include <stddef.h>

#include "grader.h"

/* One finding at "src/x.c:12"; refuse: proof, else a flag for review. */
typedef void (*source_report)(void *ctx, const char *where, bool refuse, const char *what);

/* Preprocesses each of the chapter's student files in the build sandbox (with the
 * build's language flags, into build/) and scans it. A file the preprocessor cannot
 * process is reported as refused. */
void preprocessed_scan(const struct grade_config *cfg, const struct chapter *ch,
                       source_report report, void *ctx);

/* Scans preprocessed text: the lines of the student files (paths as the compiler was
 * given them, e.g. "src/a.c") count, the system's and chapter's headers do not.
 * sources, when not NULL, holds each file as written: a member name that begins with
 * '_' is flagged only when the student wrote it, not when a system macro did. */
void preprocessed_scan_text(const char *text, char *const *student_files,
                            const char *const *sources, size_t n_files, source_report report,
                            void *ctx);

#endif
