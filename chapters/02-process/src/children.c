/* children.c - the processes this program started: active_children, cpu_count. */
#include "process.h"

#include <unistd.h>

/* Started and not yet seen end, most recent first, linked through next_child. */
static struct process *children;

void process_children_add(struct process *p)
{
    p->next_child = children;
    children = p;
}

void process_children_remove(struct process *p)
{
    for (struct process **link = &children; *link != NULL; link = &(*link)->next_child) {
        if (*link == p) {
            *link = p->next_child;
            p->next_child = NULL;
            return;
        }
    }
}

void process_children_forget(void)
{
    /* The structs are the parent's copies: they are not our children. */
    children = NULL;
}

size_t process_active_children(struct process **out, size_t max)
{
    /* TODO: walk the list from children; ask process_is_alive about each process
     * (it unlinks the ones that have ended, so read next_child first); store the
     * running ones in out while there is room, and count them all. */
    (void)out;
    (void)max;
    return 0;
}

int process_cpu_count(void)
{
    /* TODO: the number of processors online (sysconf), or -1 when unknown. */
    return 0;
}
