/* save_watch.h - waiting for a student to save one of a list of files. */
#ifndef SAVE_WATCH_H
#define SAVE_WATCH_H

#include <stdbool.h>
#include <stddef.h>

struct save_watch; /* opaque */

/* Watches files (paths that may not exist yet: an editor may save by renaming a new
 * file over the old one). Uses inotify on their folders, or, when inotify is not
 * available or poll_only is set, compares each file's size, time and inode every
 * 0.3 s. */
struct save_watch *save_watch_start(const char *const *files, size_t n, bool poll_only);
void save_watch_free(struct save_watch *w);

/* How the watch works: "inotify" or "polling". */
const char *save_watch_method(const struct save_watch *w);

/* Blocks until a file is saved (then waits until no file has changed for 0.15 s, so
 * that an editor's several writes count once) and returns the index of the first file
 * saved; -1 when a signal interrupted the wait. */
int save_watch_next(struct save_watch *w);

#endif
