/* sandbox.h - where student code runs: namespaces, a separate uid, cgroups, rlimits.
 *
 * Everything that compiles, links or runs student code runs in a sandbox (sandbox.c)
 * built from layers, each used when the machine allows it:
 *   bubblewrap     user, pid, mount, network, IPC and UTS namespaces; only /usr, the
 *                  command's own folders, a private /tmp and /dev/shm are visible
 *   separate-uid   a grader running as root runs the sandbox as an unprivileged uid
 *   cgroup-pids    a cap on processes and threads           (cgroup.c, v1 or v2)
 *   cgroup-memory  a cap on memory                          (cgroup.c, v1 or v2)
 *   cgroup-kill    every process ended at once              (v2 cgroup.kill, v1 freezer)
 *   rlimits        CPU time, file size, open files, processes, address space, core
 *   output-cap     only the first bytes of the output are kept (command.c)
 *   disk-watch     the writable folder's size is watched     (command.c)
 * The grader says which layers are active and why the others are missing. */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum sandbox_layer {
    LAYER_BUBBLEWRAP,
    LAYER_SEPARATE_UID,
    LAYER_CGROUP_PIDS,
    LAYER_CGROUP_MEMORY,
    LAYER_CGROUP_KILL,
    LAYER_RLIMITS,
    LAYER_OUTPUT_CAP,
    LAYER_DISK_WATCH,
    N_LAYERS
};

/* "bubblewrap", "separate-uid", ... as the report names them. */
const char *sandbox_layer_name(enum sandbox_layer layer);

/* ---- control groups (cgroup.c) ---- */

/* Where this machine lets the grader make control groups, found once. Each
 * controller lives in cgroup v2 (the unified hierarchy) or in its own v1 hierarchy;
 * a hybrid machine may mix them. A NULL parent means the controller is unusable. */
struct cgroup_places {
    char *pids_parent, *memory_parent, *kill_parent;
    bool pids_v2, memory_v2, kill_v2; /* kill: v2 cgroup.kill, else the v1 freezer */
    char *v2_container;               /* the v2 folder the grader made (removed at exit) */
    char *why_not[3];                 /* pids, memory, kill: why unusable */
};

/* Finds the places from /proc/self/mountinfo and /proc/self/cgroup; as root, makes a
 * v2 container with the pids and memory controllers enabled when needed. */
void cgroup_places_find(struct cgroup_places *p);
/* The same, with the cgroup file systems mounted elsewhere (for tests): v2_mount
 * and the v1 mount folders (NULL: not mounted) and the grader's own v1 paths. */
void cgroup_places_find_at(struct cgroup_places *p, const char *v2_mount, const char *v1_pids,
                           const char *v1_memory, const char *v1_freezer);
void cgroup_places_free(struct cgroup_places *p);

/* One sandbox's control groups: a folder per hierarchy used. */
struct cgroup {
    char *dirs[3]; /* pids, memory, kill (some may be the same folder, or NULL) */
    int procs_fds[3]; /* each folder's cgroup.procs, open for the child to join */
    bool v2[3];       /* the controller is cgroup v2's (kill: cgroup.kill, else freezer) */
    long pids_max;
    long long memory_max;
};

/* Makes the groups named name under each usable place, with the limits set.
 * Returns 0, or -1 (nothing left behind) with the reason in why. */
int cgroup_create(const struct cgroup_places *p, const char *name, long pids_max,
                  long long memory_max, struct cgroup *cg, char *why, size_t whylen);
/* In the child, before exec: moves the calling process into every group. Only
 * async-signal-safe calls. Returns 0 or -1. */
int cgroup_join_self(const struct cgroup *cg);
/* Kills every process in the groups and waits (bounded) until they are gone. */
void cgroup_kill_all(const struct cgroup *cg);
/* How often the process cap refused a fork; how many processes the memory cap
 * killed. */
long cgroup_pids_refused(const struct cgroup *cg);
long cgroup_oom_kills(const struct cgroup *cg);
/* The largest number of processes the group held at once, when the kernel says (-1
 * otherwise). */
long cgroup_pids_peak(const struct cgroup *cg);
/* Kills what is left, removes the folders and closes the descriptors. */
void cgroup_destroy(struct cgroup *cg);

/* ---- the sandbox (sandbox.c) ---- */

enum sandbox_mode {
    SANDBOX_AUTO,    /* every layer the machine allows; say which are missing */
    SANDBOX_REQUIRE, /* refuse to grade without bubblewrap (and, as root, the uid) */
    SANDBOX_OFF      /* none: for debugging the grader only */
};

/* What the machine allows, found once per grading (sandbox_probe). */
struct sandbox {
    enum sandbox_mode mode;
    bool active[N_LAYERS];
    char *why_missing[N_LAYERS];
    char *bwrap;        /* bubblewrap's path */
    uid_t uid;          /* the sandbox's uid when separate-uid is active */
    gid_t gid;
    struct cgroup_places cgroups;
    unsigned long serial; /* names each sandbox's control groups */
};

/* Probes the layers (runs bubblewrap once to see that it works here). */
void sandbox_probe(struct sandbox *box, enum sandbox_mode mode);
void sandbox_free(struct sandbox *box);
/* In a process forked to grade beside others (parallel.c): the sandbox uid of this
 * process's own pid, so that its final sweep (sandbox_kill_uid) and its IPC removal
 * reach its own processes only, never those of a chapter graded at the same time. */
void sandbox_take_own_uid(struct sandbox *box);

/* The limits of one sandboxed command. 0 means "no limit" for each. */
struct sandbox_limits {
    long processes;        /* processes and threads at once */
    long long memory;      /* bytes of memory (cgroup) */
    long long address_space; /* bytes of address space per process (rlimit) */
    long cpu_seconds;      /* CPU time per process */
    long long file_size;   /* bytes per file written */
    long open_files;
    long long disk;        /* bytes in the writable folders together (watched) */
    size_t output;         /* bytes of stdout and stderr kept */
};

/* One sandboxed command's view: folders bound at the same path inside, read-only or
 * writable (writable ones are made the sandbox uid's). NULL-terminated lists. */
struct sandbox_spec {
    struct sandbox *box;
    const char *const *readonly;
    const char *const *writable;
    const char *cwd;
    struct sandbox_limits limits;
};

/* A sandbox set up for one command: made in the parent before fork, entered by the
 * child, killed and removed by the parent. */
struct sandbox_run {
    const struct sandbox_spec *spec;
    char **prefix; /* bubblewrap's arguments, up to "--"; NULL without bubblewrap */
    size_t n_prefix;
    struct cgroup cgroup;
    bool has_cgroup;
};

/* In the parent: makes the control groups and bubblewrap's arguments; prepares the
 * writable folders. Returns 0, or -1 with why. */
int sandbox_prepare(const struct sandbox_spec *spec, struct sandbox_run *run, char *why,
                    size_t whylen);
/* The command line to exec: the bubblewrap prefix, then argv (malloc'd array of
 * borrowed strings). */
char **sandbox_command_line(const struct sandbox_run *run, char *const *argv);
/* The environment a sandboxed command gets: a clean one, plus extra (NULL-terminated
 * "NAME=value" strings, borrowed). Free only the array. */
char **sandbox_environment(const struct sandbox *box, char *const *extra);
/* In the child, after fork and before exec: joins the control groups, sets the
 * rlimits, drops to the sandbox uid. Only async-signal-safe calls. 0 or -1 (errno). */
int sandbox_enter(const struct sandbox_run *run);
/* Kills every process of the sandbox (all at once where a layer allows it). */
void sandbox_kill(struct sandbox_run *run);
/* Kills what is left, removes the control groups. */
void sandbox_release(struct sandbox_run *run);
/* Kills every process running as the sandbox uid (when separate-uid is active):
 * the last sweep, for processes that escaped everything else. */
void sandbox_kill_uid(const struct sandbox *box);
/* Without bubblewrap's IPC namespace but with the sandbox's own uid: removes the
 * System V objects and the /dev/shm files that uid owns. */
void sandbox_remove_ipc(const struct sandbox *box);
/* Makes the folder path and everything in it the sandbox uid's (when separate-uid is
 * active), never following links. Call it only while no sandbox process runs. */
int sandbox_give(const struct sandbox *box, const char *path);

#endif
