/* handshake.c - a parent and a child take turns through process-shared semaphores. */
#include "handshake.h"

#include <semaphore.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct turns {
    sem_t parent_turn, child_turn;
};

static int child_side(struct turns *t, int rounds)
{
    int done = 0;
    for (; done < rounds; done++) {
        sem_wait(&t->child_turn);
        sem_post(&t->parent_turn);
    }
    return done;
}

int ping_pong(int rounds)
{
    struct turns *t = mmap(NULL, sizeof *t, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                           -1, 0);
    if (t == MAP_FAILED)
        return -1;
    sem_init(&t->parent_turn, 1, 0); /* 1: shared between processes */
    sem_init(&t->child_turn, 1, 0);
    pid_t pid = fork();
    if (pid == 0)
        _exit(child_side(t, rounds));
    for (int i = 0; pid > 0 && i < rounds; i++) {
        sem_post(&t->child_turn);
        sem_wait(&t->parent_turn);
    }
    int status = 0;
    if (pid > 0)
        waitpid(pid, &status, 0);
    sem_destroy(&t->parent_turn);
    sem_destroy(&t->child_turn);
    munmap(t, sizeof *t);
    return pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
