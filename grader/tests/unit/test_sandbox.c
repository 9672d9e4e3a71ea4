/* test_sandbox.c - the sandbox's layers, each proved by what it stops.
 *
 * Tests that need a layer this machine lacks (bubblewrap, a control group) are not
 * registered: they are listed as skipped, with the reason, and never pass. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "command.h"
#include "processes.h"
#include "unit.h"
#include "wb_test.h"

static struct sandbox box; /* probed once, before the tests are registered */

/* Runs sh -c script (in a sandbox when spec is given) from dir; output in dir's
 * sibling file out.txt, which the sandbox cannot see. */
static struct command_outcome run_script(const char *dir, const char *script,
                                         const struct sandbox_spec *spec, double timeout,
                                         char **output)
{
    char *const argv[] = {"sh", "-c", (char *)script, NULL};
    char *out = xasprintf("%s.out", dir);
    char **env = spec ? sandbox_environment(spec->box, NULL) : NULL;
    struct command cmd = {.argv = argv, .cwd = dir, .output_path = out, .timeout_s = timeout,
                          .own_session = true, .sandbox = spec, .env = env};
    struct command_outcome o;
    ck_assert_int_eq(command_run(&cmd, &o), 0);
    if (output)
        *output = read_text_file(out, 1 << 20);
    unlink(out);
    free(env);
    free(out);
    return o;
}

/* A sandbox that sees dir, writable, with the given limits. */
static struct sandbox_spec spec_for(const char **writable, struct sandbox_limits limits)
{
    return (struct sandbox_spec){.box = &box, .writable = writable, .cwd = writable[0],
                                 .limits = limits};
}

/* ---- layers that need nothing from the machine ---- */

START_TEST(output_beyond_the_cap_is_counted_not_kept)
{
    char *dir = unit_tempdir();
    char *const argv[] = {"sh", "-c", "head -c 1000000 /dev/zero", NULL};
    char *out = path_join(dir, "out.txt");
    struct command cmd = {.argv = argv, .cwd = dir, .output_path = out, .timeout_s = 30,
                          .output_cap = 4096};
    struct command_outcome o;
    ck_assert_int_eq(command_run(&cmd, &o), 0);
    struct stat st;
    ck_assert_int_eq(stat(out, &st), 0);
    ck_assert_int_eq(st.st_size, 4096);
    ck_assert_uint_eq(o.output_bytes, 1000000);
    ck_assert(o.output_cut);
    char *note = command_limits_note(&cmd, &o);
    ck_assert_ptr_nonnull(note);
    ck_assert_ptr_nonnull(strstr(note, "only the first 4 KiB were kept"));
    free(note);
    free(out);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(a_stopped_command_is_ended_at_its_deadline)
{
    char *dir = unit_tempdir();
    double start = monotonic_seconds();
    struct command_outcome o = run_script(dir, "kill -STOP $$; sleep 60", NULL, 1, NULL);
    ck_assert(o.timed_out);
    ck_assert_msg(monotonic_seconds() - start < 10, "took %.1f s",
                  monotonic_seconds() - start);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* The callback moves the deadline: "short" brings it to 0.3 s from now. */
static void on_line(void *ctx, const char *line, struct command_run *run)
{
    int *lines = ctx;
    ++*lines;
    if (strcmp(line, "short") == 0)
        run->deadline = monotonic_seconds() + 0.3;
}

START_TEST(progress_lines_move_the_deadline)
{
    char *dir = unit_tempdir();
    int fds[2];
    ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    char *script = xasprintf("echo first >&%d; echo short >&%d; sleep 60", fds[1], fds[1]);
    char *const argv[] = {"sh", "-c", script, NULL};
    char *out = path_join(dir, "out.txt");
    int lines = 0;
    struct command cmd = {.argv = argv, .cwd = dir, .output_path = out, .timeout_s = 60,
                          .own_session = true, .pass_fds = &fds[1], .n_pass_fds = 1,
                          .progress_fd = fds[0], .on_progress = on_line,
                          .progress_ctx = &lines};
    struct command_outcome o;
    ck_assert_int_eq(command_run(&cmd, &o), 0);
    ck_assert(o.timed_out);
    ck_assert_int_eq(lines, 2);
    ck_assert_msg(o.seconds < 10, "ended after %.1f s, not 0.3 s after its line", o.seconds);
    close(fds[0]);
    close(fds[1]);
    free(out);
    free(script);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(a_growing_work_folder_is_stopped)
{
    char *dir = unit_tempdir();
    const char *writable[] = {dir, NULL};
    struct sandbox_spec spec = spec_for(writable, (struct sandbox_limits){.disk = 1 << 20});
    struct command_outcome o = run_script(
        dir, "i=0; while [ $i -lt 40 ]; do head -c 1000000 /dev/zero > f$i; i=$((i+1)); "
             "sleep 0.05; done; sleep 60", &spec, 60, NULL);
    ck_assert(o.disk_exceeded);
    ck_assert(!command_succeeded(&o));
    ck_assert_msg(o.seconds < 10, "took %.1f s", o.seconds);
    char *note = command_limits_note(&(struct command){.sandbox = &spec}, &o);
    ck_assert_ptr_nonnull(strstr(note, "stopped: the work folder grew beyond 1 MiB"));
    free(note);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- the test process's own confinement (wb_confine.c) ---- */

/* In a child that confined itself: what each attempt gave, as one bit per failure. */
static int confined_attempts(void)
{
    int failures = 0;
    int fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
    failures |= (fd >= 0 || errno != EPERM) << 0; /* its own memory, for writing */
    fd = open("/tmp/wb-unit-created", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    failures |= (fd >= 0 || errno != EPERM) << 1; /* a new file */
    fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    failures |= (fd < 0) << 2; /* reading stays allowed: tests read /proc/self */
    failures |= (unlink("/tmp/wb-unit-victim") == 0 || errno != EPERM) << 3;
    failures |= (ptrace(PTRACE_ATTACH, getppid(), 0, 0) == 0 || errno != EPERM) << 4;
    void *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    failures |= (code != MAP_FAILED || errno != EPERM) << 5; /* code written at run time */
    void *data = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    failures |= (data == MAP_FAILED) << 6; /* plain memory stays allowed */
    failures |= (data != MAP_FAILED && mprotect(data, 4096, PROT_READ | PROT_EXEC) == 0) << 7;
    return failures;
}

START_TEST(a_confined_test_process_cannot_write_files_or_reach_others)
{
    int victim = open("/tmp/wb-unit-victim", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    ck_assert_int_ge(victim, 0);
    close(victim);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        _exit(wb_confine() < 0 ? 255 : confined_attempts());
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    bool victim_left = is_file("/tmp/wb-unit-victim");
    unlink("/tmp/wb-unit-victim");
    unlink("/tmp/wb-unit-created");
    ck_assert(WIFEXITED(status));
    ck_assert_msg(WEXITSTATUS(status) == 0, "attempts that should have failed or worked "
                  "did not (bits %#x)", WEXITSTATUS(status));
    ck_assert(victim_left);
}
END_TEST

/* ---- bubblewrap ---- */

START_TEST(the_sandbox_sees_only_its_own_folders)
{
    char *dir = unit_tempdir();
    const char *writable[] = {dir, NULL};
    struct sandbox_spec spec = spec_for(writable, (struct sandbox_limits){0});
    char cwd[4096];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd)); /* the workbook: make test runs here */
    int marker = open("/tmp/wb-unit-outside", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    ck_assert_int_ge(marker, 0);
    close(marker);
    char *script = xasprintf(
        "for p in /etc/passwd %s %s/solutions /tmp/wb-unit-outside /root; do "
        "  [ -e \"$p\" ] && echo \"visible: $p\"; done; "
        "[ -e /proc/%d ] && echo 'visible: the grader process'; "
        "grep -v -e '^ *lo:' -e Inter -e face /proc/net/dev | grep . && echo 'network'; "
        "echo x > %s/written || echo 'cannot write its own folder'; "
        "(echo x > /usr/wb-unit) 2>/dev/null && echo 'wrote /usr'; "
        "echo uid=$(id -u); true",
        cwd, cwd, (int)getpid(), dir);
    char *output = NULL;
    struct command_outcome o = run_script(dir, script, &spec, 30, &output);
    unlink("/tmp/wb-unit-outside");
    ck_assert_msg(command_succeeded(&o), "status %d: %s", o.status, output);
    ck_assert_msg(strstr(output, "visible") == NULL && strstr(output, "network") == NULL &&
                      strstr(output, "wrote") == NULL && strstr(output, "cannot") == NULL,
                  "the sandbox saw too much:\n%s", output);
    if (box.active[LAYER_SEPARATE_UID])
        ck_assert_msg(strstr(output, "uid=0\n") == NULL, "ran as root:\n%s", output);
    free(output);
    free(script);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(nothing_outlives_a_sandboxed_command)
{
    char *dir = unit_tempdir();
    const char *writable[] = {dir, NULL};
    struct sandbox_spec spec = spec_for(writable, (struct sandbox_limits){0});
    struct command_outcome o =
        run_script(dir, "setsid sleep 1234.5 & (trap '' TERM HUP; sleep 1234.5) & exit 0",
                   &spec, 30, NULL);
    ck_assert(command_succeeded(&o));
    ck_assert_msg(!process_mentioning("sleep 1234.5"), "a process outlived its sandbox");
    remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- control groups ---- */

START_TEST(the_process_cap_refuses_forks_and_says_so)
{
    char *dir = unit_tempdir();
    const char *writable[] = {dir, NULL};
    struct sandbox_spec spec = spec_for(writable, (struct sandbox_limits){.processes = 20});
    char *output = NULL;
    struct command_outcome o = run_script(
        dir, "i=0; while [ $i -lt 60 ]; do sleep 30.25 & i=$((i+1)); done 2>/dev/null; exit 0",
        &spec, 60, &output);
    ck_assert_msg(o.pids_refused > 0, "no fork was refused: %s", output);
    char *note = command_limits_note(&(struct command){.sandbox = &spec}, &o);
    ck_assert_ptr_nonnull(note);
    ck_assert_ptr_nonnull(strstr(note, "stopped: more than 20 processes and threads"));
    ck_assert_msg(!process_mentioning("sleep 30.25"), "the spree outlived its sandbox");
    free(note);
    free(output);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(the_memory_cap_kills_and_says_so)
{
    char *dir = unit_tempdir();
    const char *writable[] = {dir, NULL};
    struct sandbox_spec spec =
        spec_for(writable, (struct sandbox_limits){.memory = 64 << 20});
    /* a shell variable of 300 MB: the shell itself must hold it */
    struct command_outcome o = run_script(
        dir, "x=$(head -c 300000000 /dev/zero | tr '\\0' a); echo ${#x}", &spec, 120, NULL);
    ck_assert_msg(o.oom_kills > 0, "nothing was killed (status %d)", o.status);
    char *note = command_limits_note(&(struct command){.sandbox = &spec}, &o);
    ck_assert_ptr_nonnull(strstr(note, "stopped: more than 64 MiB of memory"));
    free(note);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* A child that joined the group, with a grandchild that left its session. */
static pid_t start_in_group(const struct cgroup *cg)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (cgroup_join_self(cg) < 0)
            _exit(1);
        if (fork() == 0) {
            setsid();
            execlp("sleep", "sleep", "2345.5", (char *)NULL);
            _exit(1);
        }
        execlp("sleep", "sleep", "2345.5", (char *)NULL);
        _exit(1);
    }
    return pid;
}

/* Kills through one kind of place: v2's cgroup.kill or v1's freezer. */
static void check_kill_at(const char *v2, const char *freezer)
{
    struct cgroup_places places;
    cgroup_places_find_at(&places, v2, NULL, NULL, freezer);
    ck_assert_msg(places.kill_parent != NULL, "no kill place: %s",
                  places.why_not[2] ? places.why_not[2] : "?");
    ck_assert(places.kill_v2 == (v2 != NULL));
    struct cgroup cg;
    char why[256];
    char name[64];
    snprintf(name, sizeof name, "unit.%d", (int)getpid());
    ck_assert_msg(cgroup_create(&places, name, 0, 0, &cg, why, sizeof why) == 0, "%s", why);
    pid_t pid = start_in_group(&cg);
    for (int i = 0; i < 200 && !process_mentioning("sleep 2345.5"); i++)
        usleep(10000);
    cgroup_kill_all(&cg);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    for (int i = 0; i < 100 && process_mentioning("sleep 2345.5"); i++)
        usleep(10000); /* the grandchild is init's to reap */
    ck_assert_msg(!process_mentioning("sleep 2345.5"), "the escapee survived");
    cgroup_destroy(&cg);
    char *dir = path_join(places.kill_parent, name);
    ck_assert_msg(!is_dir(dir), "%s was not removed", dir);
    free(dir);
    cgroup_places_free(&places);
}

static const char *v2_mount, *freezer_mount;

START_TEST(cgroup_v2_kill_ends_the_whole_group)
{
    check_kill_at(v2_mount, NULL);
}
END_TEST

START_TEST(cgroup_v1_freezer_ends_the_whole_group)
{
    check_kill_at(NULL, freezer_mount);
}
END_TEST

/* Where this machine mounts a v2 hierarchy with cgroup.kill and a v1 freezer. */
static void find_mounts(void)
{
    static const char *const v2[] = {"/sys/fs/cgroup/unified", "/sys/fs/cgroup", NULL};
    for (const char *const *m = v2; *m && !v2_mount; m++) {
        char *controllers = path_join(*m, "cgroup.controllers");
        char *subtree = path_join(*m, "cgroup.subtree_control");
        if (is_file(controllers) && access(subtree, W_OK) == 0 && geteuid() == 0)
            v2_mount = *m;
        free(controllers);
        free(subtree);
    }
    if (geteuid() == 0 && is_file("/sys/fs/cgroup/freezer/cgroup.procs"))
        freezer_mount = "/sys/fs/cgroup/freezer";
}

/* Adds test when the layer is active; otherwise says it is skipped, and why. */
static void add_if(TCase *tc, const TTest *test, bool can_run, const char *why)
{
    if (can_run)
        _tcase_add_test(tc, test, 0, 0, 0, 1);
    else
        fprintf(stderr, "skipped: %s (%s)\n", test->name, why);
}

static const char *why_not(enum sandbox_layer layer)
{
    return box.why_missing[layer] ? box.why_missing[layer] : "unavailable";
}

Suite *sandbox_suite(void)
{
    sandbox_probe(&box, SANDBOX_AUTO);
    find_mounts();
    Suite *s = suite_create("sandbox");
    TCase *tc = tcase_create("layers");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, output_beyond_the_cap_is_counted_not_kept);
    tcase_add_test(tc, a_stopped_command_is_ended_at_its_deadline);
    tcase_add_test(tc, progress_lines_move_the_deadline);
    tcase_add_test(tc, a_growing_work_folder_is_stopped);
    tcase_add_test(tc, a_confined_test_process_cannot_write_files_or_reach_others);
    add_if(tc, the_sandbox_sees_only_its_own_folders, box.active[LAYER_BUBBLEWRAP],
           why_not(LAYER_BUBBLEWRAP));
    add_if(tc, nothing_outlives_a_sandboxed_command,
           box.active[LAYER_BUBBLEWRAP] || box.active[LAYER_CGROUP_KILL],
           why_not(LAYER_CGROUP_KILL));
    add_if(tc, the_process_cap_refuses_forks_and_says_so, box.active[LAYER_CGROUP_PIDS],
           why_not(LAYER_CGROUP_PIDS));
    add_if(tc, the_memory_cap_kills_and_says_so, box.active[LAYER_CGROUP_MEMORY],
           why_not(LAYER_CGROUP_MEMORY));
    add_if(tc, cgroup_v2_kill_ends_the_whole_group, v2_mount != NULL,
           "no writable cgroup v2 hierarchy (needs root)");
    add_if(tc, cgroup_v1_freezer_ends_the_whole_group, freezer_mount != NULL,
           "no cgroup v1 freezer (needs root and a v1 machine)");
    suite_add_tcase(s, tc);
    return s;
}
