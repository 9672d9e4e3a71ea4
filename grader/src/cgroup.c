/* cgroup.c - a control group per sandbox: caps on processes and memory, kill-all.
 *
 * Works with cgroup v2 (GitHub's Ubuntu runners), cgroup v1 (older machines) and the
 * hybrid of both (v1 controllers plus an empty v2 hierarchy, where v2 still gives
 * cgroup.kill). Each controller is taken from wherever the machine mounts it. */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "grader.h"

enum { PIDS, MEMORY, KILL };
enum { SETTLE_MS = 2000 }; /* how long a killed group may take to empty */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        continue;
}

/* Writes text to dir/file; 0 or -1 (errno). */
static int write_setting(const char *dir, const char *file, const char *text)
{
    char *path = path_join(dir, file);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    free(path);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    int saved = errno;
    close(fd);
    errno = saved;
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

static char *read_setting(const char *dir, const char *file)
{
    char *path = path_join(dir, file);
    char *text = read_text_file(path, 64 * 1024);
    free(path);
    return text;
}

/* The number after "key " in a flat-keyed file such as pids.events; 0 when absent. */
static long keyed_value(const char *dir, const char *file, const char *key)
{
    char *text = read_setting(dir, file);
    long value = 0;
    size_t len = strlen(key);
    for (char *line = text; line && *line;) {
        if (strncmp(line, key, len) == 0 && line[len] == ' ')
            value = strtol(line + len + 1, NULL, 10);
        char *next = strchr(line, '\n');
        line = next ? next + 1 : NULL;
    }
    free(text);
    return value;
}

/* ---- finding the places ---- */

/* The grader's own group in the v1 hierarchy that has controller ("" for v2). */
static char *own_group(const char *controller)
{
    char *text = read_text_file("/proc/self/cgroup", 64 * 1024);
    char *found = NULL;
    for (char *line = text; line && *line && !found;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        char *list = strchr(line, ':'), *path = list ? strchr(list + 1, ':') : NULL;
        if (path) {
            *path++ = '\0';
            list++;
            bool match = controller[0] == '\0' ? list[0] == '\0' && strncmp(line, "0", 2) == 0
                                               : false;
            for (char *c = strtok(list, ","); c && controller[0]; c = strtok(NULL, ","))
                match = match || strcmp(c, controller) == 0;
            if (match)
                found = xstrdup(path);
        }
        line = end ? end + 1 : NULL;
    }
    free(text);
    return found;
}

/* Where mountinfo says the v1 hierarchy with controller, or v2 (controller NULL), is
 * mounted; NULL when it is not. */
static char *mount_point(const char *controller)
{
    char *text = read_text_file("/proc/self/mountinfo", 1 << 20);
    char *found = NULL;
    for (char *line = text; line && *line && !found;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        char *dash = strstr(line, " - ");
        char fields[5][512];
        char fstype[64], source[256], options[512];
        if (dash && sscanf(line, "%511s %511s %511s %511s %511s", fields[0], fields[1],
                           fields[2], fields[3], fields[4]) == 5 &&
            sscanf(dash + 3, "%63s %255s %511s", fstype, source, options) == 3) {
            bool match = false;
            if (controller == NULL)
                match = strcmp(fstype, "cgroup2") == 0;
            else if (strcmp(fstype, "cgroup") == 0)
                for (char *o = strtok(options, ","); o; o = strtok(NULL, ","))
                    match = match || strcmp(o, controller) == 0;
            if (match && strcmp(fields[3], "/") == 0)
                found = xstrdup(fields[4]);
        }
        line = end ? end + 1 : NULL;
    }
    free(text);
    return found;
}

/* True when the word is in the space-separated list in dir/file. */
static bool listed(const char *dir, const char *file, const char *word)
{
    char *text = read_setting(dir, file);
    bool found = false;
    for (char *w = text ? strtok(text, " \n") : NULL; w && !found; w = strtok(NULL, " \n"))
        found = strcmp(w, word) == 0;
    free(text);
    return found;
}

/* The v2 container, removed when the grader exits however it exits normally. */
static char *container_to_remove;
static pid_t container_owner; /* forked children that exit() must not remove it */

static void remove_container(void)
{
    if (container_to_remove && getpid() == container_owner)
        rmdir(container_to_remove);
}

/* Makes the grader's v2 container with the controllers it needs enabled for its
 * children. NULL (and why) when the machine does not allow it. */
static char *make_v2_container(const char *mount, bool pids, bool memory, char **why)
{
    char *dir = xasprintf("%s/wb-grade.%d", mount, (int)getpid());
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        *why = xasprintf("cannot make a control group in %s: %s", mount, strerror(errno));
        free(dir);
        return NULL;
    }
    const char *const wanted[] = {pids ? "pids" : NULL, memory ? "memory" : NULL};
    for (int i = 0; i < 2; i++) {
        if (!wanted[i])
            continue;
        char *plus = xasprintf("+%s", wanted[i]);
        if (!listed(mount, "cgroup.subtree_control", wanted[i]))
            write_setting(mount, "cgroup.subtree_control", plus); /* the root may */
        write_setting(dir, "cgroup.subtree_control", plus);
        free(plus);
    }
    if (container_to_remove == NULL)
        atexit(remove_container);
    free(container_to_remove);
    container_to_remove = xstrdup(dir);
    container_owner = getpid();
    return dir;
}

static void find_v1(struct cgroup_places *p, int which, const char *controller,
                    const char *mount, bool *done)
{
    if (*done || mount == NULL)
        return;
    char *own = own_group(controller);
    char *parent = own ? xasprintf("%s%s", mount, strcmp(own, "/") == 0 ? "" : own) : NULL;
    free(own);
    if (parent && access(parent, W_OK) == 0) {
        char **slot = which == PIDS ? &p->pids_parent
                      : which == MEMORY ? &p->memory_parent : &p->kill_parent;
        *slot = parent;
        *done = true;
    } else {
        free(p->why_not[which]);
        p->why_not[which] = xasprintf("no permission to make %s control groups (run as root "
                                      "for this cap)", controller);
        free(parent);
    }
}

void cgroup_places_find_at(struct cgroup_places *p, const char *v2_mount, const char *v1_pids,
                           const char *v1_memory, const char *v1_freezer)
{
    *p = (struct cgroup_places){0};
    for (int i = 0; i < 3; i++)
        p->why_not[i] = xstrdup("this machine mounts no control groups");
    bool done[3] = {false, false, false};
    if (v2_mount) {
        bool pids = listed(v2_mount, "cgroup.controllers", "pids");
        bool memory = listed(v2_mount, "cgroup.controllers", "memory");
        char *why = NULL;
        p->v2_container = make_v2_container(v2_mount, pids, memory, &why);
        if (p->v2_container) {
            /* a child group shows cgroup.kill when the kernel has it (5.14 and later) */
            char *probe = path_join(p->v2_container, "probe");
            if (mkdir(probe, 0755) == 0) {
                char *kill_file = path_join(probe, "cgroup.kill");
                done[KILL] = access(kill_file, W_OK) == 0;
                free(kill_file);
                rmdir(probe);
            }
            free(probe);
            done[PIDS] = pids && listed(p->v2_container, "cgroup.subtree_control", "pids");
            done[MEMORY] = memory && listed(p->v2_container, "cgroup.subtree_control", "memory");
            if (done[PIDS])
                p->pids_parent = xstrdup(p->v2_container), p->pids_v2 = true;
            if (done[MEMORY])
                p->memory_parent = xstrdup(p->v2_container), p->memory_v2 = true;
            if (done[KILL])
                p->kill_parent = xstrdup(p->v2_container), p->kill_v2 = true;
        } else {
            for (int i = 0; i < 3; i++) {
                free(p->why_not[i]);
                p->why_not[i] = xstrdup(why);
            }
        }
        free(why);
    }
    find_v1(p, PIDS, "pids", v1_pids, &done[PIDS]);
    find_v1(p, MEMORY, "memory", v1_memory, &done[MEMORY]);
    find_v1(p, KILL, "freezer", v1_freezer, &done[KILL]);
    for (int i = 0; i < 3; i++)
        if (done[i]) {
            free(p->why_not[i]);
            p->why_not[i] = NULL;
        }
    if (p->v2_container && !p->pids_v2 && !p->memory_v2 && !p->kill_v2) {
        rmdir(p->v2_container); /* nothing uses it */
        free(p->v2_container);
        p->v2_container = NULL;
    }
}

void cgroup_places_find(struct cgroup_places *p)
{
    char *v2 = mount_point(NULL), *pids = mount_point("pids"), *memory = mount_point("memory");
    char *freezer = mount_point("freezer");
    cgroup_places_find_at(p, v2, pids, memory, freezer);
    free(v2);
    free(pids);
    free(memory);
    free(freezer);
}

void cgroup_places_free(struct cgroup_places *p)
{
    if (p->v2_container)
        rmdir(p->v2_container);
    free(p->v2_container);
    free(p->pids_parent);
    free(p->memory_parent);
    free(p->kill_parent);
    for (int i = 0; i < 3; i++)
        free(p->why_not[i]);
    *p = (struct cgroup_places){0};
}

/* ---- one sandbox's groups ---- */

static bool is_v2(const struct cgroup_places *p, int which)
{
    return which == PIDS ? p->pids_v2 : which == MEMORY ? p->memory_v2 : p->kill_v2;
}

static const char *parent_of(const struct cgroup_places *p, int which)
{
    return which == PIDS ? p->pids_parent : which == MEMORY ? p->memory_parent : p->kill_parent;
}

/* Sets the caps in the group that holds each controller. */
static int set_limits(struct cgroup *cg)
{
    char text[32];
    if (cg->dirs[PIDS] && cg->pids_max > 0) {
        snprintf(text, sizeof text, "%ld", cg->pids_max);
        if (write_setting(cg->dirs[PIDS], "pids.max", text) < 0)
            return -1;
    }
    if (cg->dirs[MEMORY] && cg->memory_max > 0) {
        snprintf(text, sizeof text, "%lld", cg->memory_max);
        if (cg->v2[MEMORY]) {
            if (write_setting(cg->dirs[MEMORY], "memory.max", text) < 0)
                return -1;
            write_setting(cg->dirs[MEMORY], "memory.swap.max", "0"); /* absent without swap */
        } else {
            if (write_setting(cg->dirs[MEMORY], "memory.limit_in_bytes", text) < 0)
                return -1;
            write_setting(cg->dirs[MEMORY], "memory.memsw.limit_in_bytes", text);
        }
    }
    return 0;
}

int cgroup_create(const struct cgroup_places *p, const char *name, long pids_max,
                  long long memory_max, struct cgroup *cg, char *why, size_t whylen)
{
    *cg = (struct cgroup){.procs_fds = {-1, -1, -1}, .pids_max = pids_max,
                          .memory_max = memory_max};
    for (int i = 0; i < 3; i++) {
        const char *parent = parent_of(p, i);
        if (parent == NULL)
            continue;
        cg->v2[i] = is_v2(p, i);
        char *dir = path_join(parent, name);
        for (int k = 0; k < i && dir; k++)
            if (cg->dirs[k] && strcmp(cg->dirs[k], dir) == 0) {
                cg->dirs[i] = dir; /* v2: one folder holds several controllers */
                dir = NULL;
            }
        if (dir == NULL)
            continue;
        cg->dirs[i] = dir;
        char *procs = path_join(dir, "cgroup.procs");
        if (mkdir(dir, 0755) < 0 ||
            (cg->procs_fds[i] = open(procs, O_WRONLY | O_CLOEXEC)) < 0) {
            snprintf(why, whylen, "cannot make the control group %s: %s", dir, strerror(errno));
            free(procs);
            cgroup_destroy(cg);
            return -1;
        }
        free(procs);
    }
    if (set_limits(cg) < 0) {
        snprintf(why, whylen, "cannot set the control group's limits: %s", strerror(errno));
        cgroup_destroy(cg);
        return -1;
    }
    return 0;
}

int cgroup_join_self(const struct cgroup *cg)
{
    for (int i = 0; i < 3; i++)
        if (cg->procs_fds[i] >= 0 && write(cg->procs_fds[i], "0\n", 2) != 2)
            return -1;
    return 0;
}

/* True when no process is left in the group (or it cannot be read). */
static bool group_empty(const char *dir)
{
    char *text = read_setting(dir, "cgroup.procs");
    bool empty = text == NULL || text[0] == '\0';
    free(text);
    return empty;
}

static void wait_empty(const char *dir)
{
    for (int ms = 0; ms < SETTLE_MS && !group_empty(dir); ms += 5)
        sleep_ms(5);
}

/* v1: freeze the group so that nothing forks while it is killed, then thaw it so that
 * the kills take effect. */
static void freeze_and_kill(const char *dir)
{
    write_setting(dir, "freezer.state", "FROZEN");
    for (int ms = 0; ms < 1000; ms += 2) {
        char *state = read_setting(dir, "freezer.state");
        bool frozen = state && strncmp(state, "FROZEN", 6) == 0;
        free(state);
        if (frozen)
            break;
        sleep_ms(2);
    }
    char *text = read_setting(dir, "cgroup.procs");
    for (char *p = text ? strtok(text, "\n") : NULL; p; p = strtok(NULL, "\n"))
        kill((pid_t)strtol(p, NULL, 10), SIGKILL);
    free(text);
    write_setting(dir, "freezer.state", "THAWED");
}

/* Without a kill layer: SIGKILL what the group lists until it is empty (the process
 * cap bounds how many can appear meanwhile). */
static void kill_listed(const char *dir)
{
    for (int round = 0; round < 100 && !group_empty(dir); round++) {
        char *text = read_setting(dir, "cgroup.procs");
        for (char *p = text ? strtok(text, "\n") : NULL; p; p = strtok(NULL, "\n"))
            kill((pid_t)strtol(p, NULL, 10), SIGKILL);
        free(text);
        sleep_ms(2);
    }
}

void cgroup_kill_all(const struct cgroup *cg)
{
    const char *dir = cg->dirs[KILL];
    if (dir) {
        if (cg->v2[KILL])
            write_setting(dir, "cgroup.kill", "1");
        else
            freeze_and_kill(dir);
        wait_empty(dir);
    }
    for (int i = 0; i < 2; i++)
        if (cg->dirs[i]) {
            kill_listed(cg->dirs[i]);
            wait_empty(cg->dirs[i]);
        }
}

long cgroup_pids_refused(const struct cgroup *cg)
{
    return cg->dirs[PIDS] ? keyed_value(cg->dirs[PIDS], "pids.events", "max") : 0;
}

long cgroup_oom_kills(const struct cgroup *cg)
{
    if (cg->dirs[MEMORY] == NULL)
        return 0;
    return cg->v2[MEMORY] ? keyed_value(cg->dirs[MEMORY], "memory.events", "oom_kill")
              : keyed_value(cg->dirs[MEMORY], "memory.oom_control", "oom_kill");
}

long cgroup_pids_peak(const struct cgroup *cg)
{
    if (cg->dirs[PIDS] == NULL)
        return -1;
    char *text = read_setting(cg->dirs[PIDS], "pids.peak");
    long peak = text ? strtol(text, NULL, 10) : -1;
    free(text);
    return peak;
}

void cgroup_destroy(struct cgroup *cg)
{
    cgroup_kill_all(cg);
    for (int i = 0; i < 3; i++) {
        if (cg->procs_fds[i] >= 0)
            close(cg->procs_fds[i]);
        bool shared = false;
        for (int k = i + 1; k < 3; k++)
            shared = shared || (cg->dirs[k] && cg->dirs[i] && strcmp(cg->dirs[k], cg->dirs[i]) == 0);
        /* a group whose last process just died may be busy for a moment */
        for (int tries = 0; cg->dirs[i] && !shared && rmdir(cg->dirs[i]) < 0 && errno == EBUSY &&
                            tries < 200;
             tries++)
            sleep_ms(5);
        free(cg->dirs[i]);
        cg->dirs[i] = NULL;
        cg->procs_fds[i] = -1;
    }
}
