/* wb_proc.h - finding and ending the processes below a parent, by reading /proc.
 *
 * Shared by the test harness (a test must not leave processes behind) and by the
 * grader (nothing a submission started may outlive its chapter). */
#ifndef WB_PROC_H
#define WB_PROC_H

#include <stddef.h>
#include <sys/types.h>

/* The single-letter state of pid from /proc/PID/stat ('R', 'S', 'Z', ...), or 0 when
 * there is no such process. */
char wb_proc_state(pid_t pid);

/* The parent pid of pid, or -1 when there is no such process. */
pid_t wb_proc_parent(pid_t pid);

/* Stores up to max pids whose parent is parent into out; returns how many exist
 * (which may be more than max). Zombies are included. */
size_t wb_proc_children(pid_t parent, pid_t *out, size_t max);

/* Kills (SIGKILL) and reaps every child of the calling process, repeating until none
 * is left, so that descendants re-parented to a subreaper caller are ended as well.
 * Returns how many of them were still running (not zombies) when found. */
size_t wb_proc_kill_children(void);

#endif
