/* includes.h - refusing student preprocessor directives that would read other files. */
#ifndef INCLUDES_H
#define INCLUDES_H

#include "grader.h"

/* Scans student file rel (relative to the chapter work folder work) before the
 * compiler reads it, for what would make the compiler read a file the chapter does not
 * provide and show it in its errors: #include, #include_next and #import of an
 * absolute path, a path with "..", a computed name, or (quoted, or found in
 * work/include) anything but a regular file; #embed, __has_embed, #pragma GCC
 * dependency, _Pragma("GCC dependency ...") and .incbin or .include in assembly,
 * always; #line and line markers naming a file. Returns NULL when nothing is found,
 * else one line per violation (at most 10; free it), e.g.
 *   src/a.c:3: #include "/etc/passwd": absolute paths are not allowed */
char *includes_problems(const char *work, const char *rel);

#endif
