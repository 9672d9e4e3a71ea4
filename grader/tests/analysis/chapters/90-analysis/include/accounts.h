/* accounts.h - moving money between two accounts, each with its own lock. */
#ifndef ACCOUNTS_H
#define ACCOUNTS_H

#include <pthread.h>

struct account {
    pthread_mutex_t lock;
    long balance;
};

/* Moves amount from one account to the other, holding both locks. */
void transfer(struct account *from, struct account *to, long amount);

#endif
