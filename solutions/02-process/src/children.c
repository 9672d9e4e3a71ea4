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
    size_t running = 0;
    struct process *next;
    for (struct process *p = children; p != NULL; p = next) {
        next = p->next_child; /* process_is_alive may unlink p */
        if (!process_is_alive(p))
            continue;
        if (running < max)
            out[running] = p;
        running++;
    }
    return running;
}

int process_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n >= 1 ? (int)n : -1;
}
