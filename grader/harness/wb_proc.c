/* wb_proc.c - finding and ending the processes below a parent, by reading /proc. */
#include "wb_proc.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Reads the state letter and parent pid from /proc/PID/stat. The command name in
 * parentheses may itself contain spaces or ')', so parse from the last ')'. */
static int read_stat(pid_t pid, char *state, pid_t *parent)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *end = strrchr(buf, ')');
    int ppid;
    if (end == NULL || sscanf(end + 1, " %c %d", state, &ppid) != 2)
        return -1;
    *parent = ppid;
    return 0;
}

char wb_proc_state(pid_t pid)
{
    char state;
    pid_t parent;
    return read_stat(pid, &state, &parent) == 0 ? state : 0;
}

pid_t wb_proc_parent(pid_t pid)
{
    char state;
    pid_t parent;
    return read_stat(pid, &state, &parent) == 0 ? parent : -1;
}

size_t wb_proc_children(pid_t parent, pid_t *out, size_t max)
{
    DIR *proc = opendir("/proc");
    if (proc == NULL)
        return 0;
    size_t count = 0;
    struct dirent *entry;
    while ((entry = readdir(proc)) != NULL) {
        char *end;
        long pid = strtol(entry->d_name, &end, 10);
        if (*end != '\0' || pid <= 0 || wb_proc_parent((pid_t)pid) != parent)
            continue;
        if (count < max)
            out[count] = (pid_t)pid;
        count++;
    }
    closedir(proc);
    return count;
}

/* Reaps every child that has already ended, without blocking. */
static void reap_ended_children(void)
{
    while (waitpid(-1, NULL, WNOHANG) > 0)
        continue;
}

size_t wb_proc_kill_children(void)
{
    enum { BATCH = 256, MAX_ROUNDS = 1000 };
    pid_t pids[BATCH];
    size_t were_running = 0;
    /* Each round kills what is there now; the children of a killed process are
     * re-parented (to a subreaper, if we are one), so the next round sees them. */
    for (int round = 0; round < MAX_ROUNDS; round++) {
        reap_ended_children();
        size_t found = wb_proc_children(getpid(), pids, BATCH);
        if (found == 0)
            break;
        for (size_t i = 0; i < found && i < BATCH; i++) {
            char state = wb_proc_state(pids[i]);
            if (state != 0 && state != 'Z' && state != 'X')
                were_running++;
            kill(pids[i], SIGKILL);
        }
        for (size_t i = 0; i < found && i < BATCH; i++)
            while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
                continue;
    }
    return were_running;
}
