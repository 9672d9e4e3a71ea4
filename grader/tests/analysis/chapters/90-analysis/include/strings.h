/* strings.h - small strings on the heap. */
#ifndef WB_STRINGS_H
#define WB_STRINGS_H

/* A heap copy of s; the caller frees it. */
char *name_copy(const char *s);
/* "value=N" on the heap; the caller frees it. */
char *describe(long value);

#endif
