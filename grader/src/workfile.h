/* workfile.h - opening and reading files in a work folder, where student code has run.
 *
 * Student code runs with the grader's rights in the work folder, so any file there may
 * have been replaced by a symbolic link (to a file the student wants read), a FIFO (a
 * read that never ends), a device or a file too large to hold. These helpers open such
 * a file without following a link in its last component and without blocking, and
 * refuse anything but a regular file of sensible size. */
#ifndef WORKFILE_H
#define WORKFILE_H

#include <stddef.h>

/* Opens path for reading, refusing a symbolic link, anything not a regular file
 * (FIFO, device, socket, folder) and a file larger than max_bytes. Returns a
 * descriptor (blocking, close-on-exec), or -1 with why set to a sentence naming path,
 * e.g. "build/xml/t.xml is a symbolic link", "... is not a regular file (a FIFO)",
 * "... is larger than 1024 KiB", "... cannot be opened: No such file or directory".
 * why may be NULL when whylen is 0. Never blocks on a FIFO or a device. */
int workfile_open(const char *path, size_t max_bytes, char *why, size_t whylen);

/* Reads the whole of path through workfile_open. Returns its content NUL-terminated
 * (the caller frees it) and its length in *len (when len is not NULL); NULL when the
 * file is missing, refused, or grew past max_bytes while being read. */
char *workfile_read(const char *path, size_t max_bytes, size_t *len);

#endif
