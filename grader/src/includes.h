/* includes.h - refusing student preprocessor directives that would read other files. */
#ifndef INCLUDES_H
#define INCLUDES_H

#include "grader.h"

/* Scans each student file (ch->student_files, relative to the chapter work folder work)
 * before the compiler runs, for what would make the compiler read a file the chapter
 * does not provide and show it in its errors: #include, #include_next and #import of
 * an absolute path, a path with "..", a computed name, or (quoted, or found in
 * work/include) anything but a regular file; #embed, __has_embed, #pragma GCC
 * dependency, _Pragma("GCC dependency ...") and .incbin or .include in assembly,
 * always; #line and line markers naming a file. Returns 0 when nothing is found;
 * otherwise -1, r->status = CHAPTER_COMPILE_ERROR and r->message holds one line per
 * violation (at most 10), e.g.
 *   src/a.c:3: #include "/etc/passwd": absolute paths are not allowed
 * The tests are left to the caller (chapter_result_fail_all, as for a compile error). */
int includes_check(const char *work, const struct chapter *ch, struct chapter_result *r);

#endif
