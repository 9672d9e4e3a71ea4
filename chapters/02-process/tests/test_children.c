/* test_children.c - pins process_active_children and process_cpu_count. */
#include <errno.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "helpers.h"
#include "process.h"
#include "wb_test.h"

static bool contains(struct process **list, size_t n, const struct process *p)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == p)
            return true;
    return false;
}

WB_TEST(active_children_lists_running_processes)
{
    struct gate g;
    gate_open(&g);
    struct process a = {0}, b = {0}, ended = {0};
    int zero = 0;
    process_init(&a, gate_target, &g, NULL);
    process_init(&b, gate_target, &g, NULL);
    process_init(&ended, exit_with, &zero, NULL);
    start_ok(&a);
    start_ok(&b);
    start_ok(&ended);
    wb_wait_until_zombie(ended.pid, 10);

    struct process *list[8] = {0};
    size_t n = process_active_children(list, 8);
    char ended_state = wb_proc_state(ended.pid);
    gate_release(&g);
    join_ok(&a);
    join_ok(&b);
    join_ok(&ended);
    struct process *after[8];
    size_t n_after = process_active_children(after, 8);
    close(g.fds[0]);

    ck_assert_msg(n == 2 && contains(list, n, &a) && contains(list, n, &b),
                  "two running processes and an ended one: active_children returned %zu "
                  "(expected 2: the two running ones)", n);
    ck_assert_msg(ended_state == 0, "active_children left the ended child %d a zombie: it "
                                    "must reap it, as Python does", (int)ended.pid);
    ck_assert_msg(n_after == 0, "after every process was joined, active_children returned %zu,"
                                " expected 0", n_after);
}

WB_TEST(active_children_counts_beyond_max)
{
    struct gate g;
    gate_open(&g);
    struct process p[3] = {{0}};
    for (int i = 0; i < 3; i++) {
        process_init(&p[i], gate_target, &g, NULL);
        start_ok(&p[i]);
    }
    struct process *list[3] = {NULL, NULL, NULL}; /* room for 1: the rest must stay NULL */
    size_t n = process_active_children(list, 1);
    gate_release(&g);
    for (int i = 0; i < 3; i++)
        join_ok(&p[i]);
    close(g.fds[0]);
    ck_assert_msg(n == 3, "3 running processes, room for 1: returned %zu, expected 3", n);
    ck_assert_msg(list[1] == NULL && list[2] == NULL,
                  "with max 1, active_children wrote past out[0]: it may store at most max "
                  "pointers");
    ck_assert_msg(list[0] == &p[0] || list[0] == &p[1] || list[0] == &p[2],
                  "list[0] is not one of the running processes");
}

/* In the child: how many active children does it see? (It has none of its own.) */
static int count_my_children(void *arg)
{
    (void)arg;
    struct process *list[8];
    return (int)process_active_children(list, 8);
}

WB_TEST(active_children_empty_in_a_new_child)
{
    struct gate g;
    gate_open(&g);
    struct process sibling = {0}, p = {0};
    process_init(&sibling, gate_target, &g, NULL);
    process_init(&p, count_my_children, NULL, NULL);
    start_ok(&sibling);
    start_ok(&p);
    join_ok(&p);
    gate_release(&g);
    join_ok(&sibling);
    close(g.fds[0]);
    int code = process_exitcode(&p);
    ck_assert_msg(code == 0, "a new child sees %d active children, expected 0: the child must "
                             "forget its parent's children (process_children_forget)", code);
}

WB_TEST(cpu_count_is_processors_online)
{
    int n = process_cpu_count();
    ck_assert_msg(n == get_nprocs() && n >= 1,
                  "cpu_count returned %d, expected the %d processors online", n, get_nprocs());
}
