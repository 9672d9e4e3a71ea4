/* sandbox.c - the layers around every command that compiles, links or runs student
 * code (see sandbox.h): bubblewrap's namespaces, a separate uid, control groups and
 * rlimits, each used when the machine allows it and reported when it does not. */
#include "sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "grader.h"

/* Sandbox uids: one per grader process, far above any uid a system hands out, so
 * that RLIMIT_NPROC and a final kill(-1) concern this grading's processes only. */
enum { UID_BASE = 1900000000, UID_SPAN = 4194304 /* the kernel's largest pid_max */ };
enum { PRIVATE_TMP_BYTES = 256 << 20 };

extern char **environ;

const char *sandbox_layer_name(enum sandbox_layer layer)
{
    static const char *const names[N_LAYERS] = {
        "bubblewrap", "separate-uid", "cgroup-pids", "cgroup-memory",
        "cgroup-kill", "rlimits",     "output-cap",  "disk-watch"};
    return names[layer];
}

/* bwrap's absolute path from PATH, or NULL. */
static char *find_bwrap(void)
{
    const char *path = getenv("PATH");
    char *dirs = xstrdup(path && *path ? path : "/usr/bin:/bin");
    char *found = NULL;
    for (char *d = strtok(dirs, ":"); d && !found; d = strtok(NULL, ":")) {
        char *candidate = path_join(d, "bwrap");
        if (access(candidate, X_OK) == 0)
            found = realpath(candidate, NULL);
        free(candidate);
    }
    free(dirs);
    return found;
}

static void add(char ***list, size_t *n, const char *arg)
{
    *list = xrealloc(*list, (*n + 2) * sizeof **list);
    (*list)[(*n)++] = xstrdup(arg);
    (*list)[*n] = NULL;
}

/* The system folders every sandbox sees read-only: /usr and the merged-/usr links
 * (or folders, on systems that did not merge them), and the few files of /etc that
 * the dynamic loader, the compiler's alternatives and valgrind read. */
static void add_system(char ***a, size_t *n)
{
    add(a, n, "--ro-bind");
    add(a, n, "/usr");
    add(a, n, "/usr");
    static const char *const top[] = {"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"};
    for (size_t i = 0; i < sizeof top / sizeof *top; i++) {
        struct stat st;
        char target[256];
        ssize_t len;
        if (lstat(top[i], &st) < 0)
            continue;
        if (S_ISLNK(st.st_mode) && (len = readlink(top[i], target, sizeof target - 1)) > 0) {
            target[len] = '\0';
            add(a, n, "--symlink");
            add(a, n, target);
        } else if (S_ISDIR(st.st_mode)) {
            add(a, n, "--ro-bind");
            add(a, n, top[i]);
        } else {
            continue;
        }
        add(a, n, top[i]);
    }
    static const char *const etc[] = {"/etc/alternatives", "/etc/ld.so.cache",
                                      "/etc/ld.so.conf", "/etc/ld.so.conf.d"};
    for (size_t i = 0; i < sizeof etc / sizeof *etc; i++) {
        add(a, n, "--ro-bind-try");
        add(a, n, etc[i]);
        add(a, n, etc[i]);
    }
}

/* bwrap's arguments up to "--", for the folders given. */
static char **bwrap_prefix(const struct sandbox *box, const char *const *readonly,
                           const char *const *writable, const char *cwd, size_t *n)
{
    char **a = NULL;
    char size[32];
    snprintf(size, sizeof size, "%d", PRIVATE_TMP_BYTES);
    *n = 0;
    add(&a, n, box->bwrap);
    static const char *const isolation[] = {
        "--unshare-user", "--unshare-pid",   "--unshare-ipc", "--unshare-net",
        "--unshare-uts",  "--unshare-cgroup-try", "--die-with-parent", "--new-session",
        "--hostname",     "sandbox", "--proc", "/proc", "--dev", "/dev", NULL};
    for (const char *const *o = isolation; *o; o++)
        add(&a, n, *o);
    add_system(&a, n);
    static const char *const private_dirs[] = {"/tmp", "/dev/shm", NULL};
    for (const char *const *d = private_dirs; *d; d++) {
        add(&a, n, "--size");
        add(&a, n, size);
        add(&a, n, "--tmpfs");
        add(&a, n, *d);
    }
    for (const char *const *p = readonly; p && *p; p++) {
        add(&a, n, "--ro-bind");
        add(&a, n, *p);
        add(&a, n, *p);
    }
    for (const char *const *p = writable; p && *p; p++) {
        add(&a, n, "--bind");
        add(&a, n, *p);
        add(&a, n, *p);
    }
    if (cwd) {
        add(&a, n, "--chdir");
        add(&a, n, cwd);
    }
    add(&a, n, "--");
    return a;
}

static void free_list(char **list)
{
    for (size_t i = 0; list && list[i]; i++)
        free(list[i]);
    free(list);
}

/* Drops to the sandbox uid and gid (the caller is root). */
static int drop_uid(const struct sandbox *box)
{
    if (!box->active[LAYER_SEPARATE_UID])
        return 0;
    if (setgroups(0, NULL) < 0 || setresgid(box->gid, box->gid, box->gid) < 0 ||
        setresuid(box->uid, box->uid, box->uid) < 0)
        return -1;
    return 0;
}

/* In a child: drops to the sandbox uid, sends stderr to err_fd, runs argv. */
static void exec_probe(const struct sandbox *box, char **argv, int err_fd)
{
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || dup2(err_fd, 2) < 0 ||
        drop_uid(box) < 0)
        _exit(126);
    execv(argv[0], argv);
    _exit(127);
}

/* Runs bwrap once with the standard arguments and /usr/bin/true; NULL when it
 * works, else why not (the first line it complained with). */
static char *bwrap_works(const struct sandbox *box)
{
    size_t n;
    char **argv = bwrap_prefix(box, NULL, NULL, "/", &n);
    add(&argv, &n, "true");
    int err[2];
    char text[512] = "";
    int status = -1;
    if (pipe2(err, O_CLOEXEC) == 0) {
        pid_t pid = fork();
        if (pid == 0)
            exec_probe(box, argv, err[1]);
        close(err[1]);
        /* bwrap says little: one read gets its complaint; EOF comes when it ends */
        ssize_t got = pid > 0 ? read(err[0], text, sizeof text - 1) : -1;
        text[got > 0 ? got : 0] = '\0';
        char rest[256];
        while (pid > 0 && got > 0 && (got = read(err[0], rest, sizeof rest)) > 0)
            continue;
        close(err[0]);
        if (pid > 0)
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                continue;
    }
    free_list(argv);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return NULL;
    text[strcspn(text, "\n")] = '\0';
    return xasprintf("%s does not work here: %s%s", box->bwrap, text[0] ? text : "it failed",
                     geteuid() != 0 ? " (on Ubuntu 24.04, allow unprivileged user namespaces: "
                                      "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0)"
                                    : "");
}

static void missing(struct sandbox *box, enum sandbox_layer layer, char *why)
{
    box->active[layer] = false;
    free(box->why_missing[layer]);
    box->why_missing[layer] = why;
}

static void probe_cgroups(struct sandbox *box)
{
    cgroup_places_find(&box->cgroups);
    const struct cgroup_places *p = &box->cgroups;
    const char *parents[3] = {p->pids_parent, p->memory_parent, p->kill_parent};
    enum sandbox_layer layers[3] = {LAYER_CGROUP_PIDS, LAYER_CGROUP_MEMORY, LAYER_CGROUP_KILL};
    for (int i = 0; i < 3; i++)
        if (parents[i])
            box->active[layers[i]] = true;
        else
            missing(box, layers[i], xstrdup(p->why_not[i] ? p->why_not[i] : "unavailable"));
}

void sandbox_probe(struct sandbox *box, enum sandbox_mode mode)
{
    *box = (struct sandbox){.mode = mode};
    box->active[LAYER_RLIMITS] = box->active[LAYER_OUTPUT_CAP] = true;
    box->active[LAYER_DISK_WATCH] = true;
    if (mode == SANDBOX_OFF) {
        for (int l = LAYER_BUBBLEWRAP; l <= LAYER_CGROUP_KILL; l++)
            missing(box, l, xstrdup("turned off (--sandbox off)"));
        return;
    }
    if (geteuid() == 0) {
        box->uid = (uid_t)(UID_BASE + getpid() % UID_SPAN);
        box->gid = (gid_t)box->uid;
        box->active[LAYER_SEPARATE_UID] = true;
    } else {
        missing(box, LAYER_SEPARATE_UID,
                xstrdup("the grader is not root: the sandbox runs as the grader's user"));
    }
    box->bwrap = find_bwrap();
    if (box->bwrap == NULL) {
        missing(box, LAYER_BUBBLEWRAP, xstrdup("bwrap is not installed (make deps installs "
                                               "the bubblewrap package)"));
    } else {
        char *why = bwrap_works(box);
        box->active[LAYER_BUBBLEWRAP] = why == NULL;
        if (why)
            missing(box, LAYER_BUBBLEWRAP, why);
    }
    probe_cgroups(box);
}

void sandbox_take_own_uid(struct sandbox *box)
{
    if (box->active[LAYER_SEPARATE_UID]) {
        box->uid = (uid_t)(UID_BASE + getpid() % UID_SPAN);
        box->gid = (gid_t)box->uid;
    }
}

void sandbox_free(struct sandbox *box)
{
    for (int l = 0; l < N_LAYERS; l++)
        free(box->why_missing[l]);
    free(box->bwrap);
    cgroup_places_free(&box->cgroups);
    *box = (struct sandbox){0};
}

/* ---- one command ---- */

/* Hands every entry under the folder open as dirfd to uid:gid, never following a
 * link; closes dirfd. */
static int give_tree(int dirfd, uid_t uid, gid_t gid, int depth)
{
    DIR *d = fdopendir(dirfd);
    if (d == NULL) {
        close(dirfd);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        rc = fchownat(dirfd, e->d_name, uid, gid, AT_SYMLINK_NOFOLLOW);
        int sub = rc == 0 && depth < 64 ? openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY |
                                                                       O_NOFOLLOW | O_CLOEXEC)
                                        : -1;
        if (sub >= 0)
            rc = give_tree(sub, uid, gid, depth + 1);
    }
    closedir(d);
    return rc;
}

int sandbox_give(const struct sandbox *box, const char *path)
{
    if (!box->active[LAYER_SEPARATE_UID])
        return 0;
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || fchown(fd, box->uid, box->gid) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return give_tree(fd, box->uid, box->gid, 0);
}

int sandbox_prepare(const struct sandbox_spec *spec, struct sandbox_run *run, char *why,
                    size_t whylen)
{
    struct sandbox *box = spec->box;
    *run = (struct sandbox_run){.spec = spec};
    for (const char *const *p = spec->writable; p && *p; p++)
        if (sandbox_give(box, *p) < 0) {
            snprintf(why, whylen, "cannot hand %s to the sandbox: %s", *p, strerror(errno));
            return -1;
        }
    if (box->active[LAYER_CGROUP_PIDS] || box->active[LAYER_CGROUP_MEMORY] ||
        box->active[LAYER_CGROUP_KILL]) {
        char name[64];
        snprintf(name, sizeof name, "sandbox.%d.%lu", (int)getpid(), ++box->serial);
        if (cgroup_create(&box->cgroups, name, spec->limits.processes, spec->limits.memory,
                          &run->cgroup, why, whylen) < 0)
            return -1;
        run->has_cgroup = true;
    }
    if (box->active[LAYER_BUBBLEWRAP])
        run->prefix = bwrap_prefix(box, spec->readonly, spec->writable, spec->cwd,
                                   &run->n_prefix);
    return 0;
}

char **sandbox_command_line(const struct sandbox_run *run, char *const *argv)
{
    size_t n = 0;
    while (argv[n])
        n++;
    char **line = xcalloc(run->n_prefix + n + 1, sizeof *line);
    for (size_t i = 0; i < run->n_prefix; i++)
        line[i] = run->prefix[i];
    for (size_t i = 0; i < n; i++)
        line[run->n_prefix + i] = argv[i];
    return line;
}

char **sandbox_environment(const struct sandbox *box, char *const *extra)
{
    (void)box;
    static const char *const kept[] = {"LANG=", "LC_ALL=", "LC_MESSAGES=", NULL};
    size_t n_extra = 0;
    while (extra && extra[n_extra])
        n_extra++;
    size_t n_env = 0;
    while (environ[n_env])
        n_env++;
    char **env = xcalloc(n_env + n_extra + 4, sizeof *env);
    size_t k = 0;
    env[k++] = "PATH=/usr/local/bin:/usr/bin:/bin";
    env[k++] = "HOME=/tmp";
    env[k++] = "TMPDIR=/tmp";
    for (size_t i = 0; i < n_env; i++)
        for (const char *const *p = kept; *p; p++)
            if (strncmp(environ[i], *p, strlen(*p)) == 0)
                env[k++] = environ[i];
    for (size_t i = 0; i < n_extra; i++)
        env[k++] = extra[i];
    return env;
}

static int limit(int resource, long long value)
{
    if (value <= 0)
        return 0;
    struct rlimit rl = {(rlim_t)value, (rlim_t)value};
    return setrlimit(resource, &rl);
}

int sandbox_enter(const struct sandbox_run *run)
{
    const struct sandbox_spec *spec = run->spec;
    const struct sandbox_limits *l = &spec->limits;
    if (run->has_cgroup && cgroup_join_self(&run->cgroup) < 0)
        return -1;
    struct rlimit zero = {0, 0};
    if (setrlimit(RLIMIT_CORE, &zero) < 0) /* a crash must not litter the work folder */
        return -1;
    if (limit(RLIMIT_CPU, l->cpu_seconds) < 0 || limit(RLIMIT_FSIZE, l->file_size) < 0 ||
        limit(RLIMIT_NOFILE, l->open_files) < 0 || limit(RLIMIT_AS, l->address_space) < 0)
        return -1;
    /* RLIMIT_NPROC counts every process of the real uid: only meaningful (and only
     * binding) for the sandbox's own uid. Twice the cap: two analyses share it. */
    if (spec->box->active[LAYER_SEPARATE_UID] && limit(RLIMIT_NPROC, 2 * l->processes) < 0)
        return -1;
    if (drop_uid(spec->box) < 0)
        return -1;
    /* after the uid change, which clears it: end with the grader */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    return 0;
}

void sandbox_kill(struct sandbox_run *run)
{
    if (run->has_cgroup)
        cgroup_kill_all(&run->cgroup);
}

void sandbox_release(struct sandbox_run *run)
{
    if (run->has_cgroup)
        cgroup_destroy(&run->cgroup);
    run->has_cgroup = false;
    free_list(run->prefix);
    run->prefix = NULL;
    run->n_prefix = 0;
}

/* The column of name in a /proc/sysvipc header line, or -1. */
static int column_of(char *header, const char *name)
{
    int col = 0;
    for (char *w = strtok(header, " \t\n"); w; w = strtok(NULL, " \t\n"), col++)
        if (strcmp(w, name) == 0)
            return col;
    return -1;
}

/* Removes the System V objects of one kind (/proc/sysvipc/FILE, whose id column is
 * id_name) that uid owns. */
static void remove_sysv(const char *file, const char *id_name, uid_t uid)
{
    char *path = xasprintf("/proc/sysvipc/%s", file);
    char *text = read_text_file(path, 4 << 20);
    free(path);
    char *body = text ? strchr(text, '\n') : NULL;
    if (body == NULL) {
        free(text);
        return;
    }
    *body++ = '\0';
    char *header = xstrdup(text);
    int id_col = column_of(header, id_name);
    free(header);
    header = xstrdup(text);
    int uid_col = column_of(header, "uid");
    free(header);
    for (char *line = strtok(body, "\n"); line && id_col >= 0 && uid_col >= 0;
         line = strtok(NULL, "\n")) {
        long fields[32] = {0};
        int n = 0;
        for (char *p = line; *p && n < 32; n++) {
            char *end;
            fields[n] = strtol(p, &end, 10);
            if (end == p)
                break;
            p = end;
        }
        if (n <= id_col || n <= uid_col || (uid_t)fields[uid_col] != uid)
            continue;
        int id = (int)fields[id_col];
        if (strcmp(file, "shm") == 0)
            shmctl(id, IPC_RMID, NULL);
        else if (strcmp(file, "sem") == 0)
            semctl(id, 0, IPC_RMID);
        else
            msgctl(id, IPC_RMID, NULL);
    }
    free(text);
}

/* Removes the POSIX shared memory and semaphores (files of /dev/shm) uid owns. */
static void remove_posix_ipc(uid_t uid)
{
    int dir = open("/dev/shm", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dir >= 0 ? fdopendir(dir) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        struct stat st;
        if (fstatat(dir, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_uid == uid &&
            !S_ISDIR(st.st_mode))
            unlinkat(dir, e->d_name, 0);
    }
    if (d)
        closedir(d);
    else if (dir >= 0)
        close(dir);
}

void sandbox_remove_ipc(const struct sandbox *box)
{
    /* inside bubblewrap, IPC objects live in the sandbox's own namespace and /dev/shm */
    if (box->active[LAYER_BUBBLEWRAP] || !box->active[LAYER_SEPARATE_UID])
        return;
    remove_sysv("shm", "shmid", box->uid);
    remove_sysv("sem", "semid", box->uid);
    remove_sysv("msg", "msqid", box->uid);
    remove_posix_ipc(box->uid);
}

void sandbox_kill_uid(const struct sandbox *box)
{
    if (!box->active[LAYER_SEPARATE_UID])
        return;
    pid_t pid = fork();
    if (pid == 0) {
        /* kill(-1) as the sandbox uid reaches exactly that uid's processes */
        if (drop_uid(box) < 0)
            _exit(1);
        for (int round = 0; round < 50; round++) { /* zombies answer too: bounded */
            if (kill(-1, SIGKILL) < 0 && errno == ESRCH)
                _exit(0);
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
        }
        _exit(0);
    }
    if (pid > 0)
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            continue;
}
