/* accounts.c - moving money between two accounts, each with its own lock. */
#include "accounts.h"

#include <stdint.h>

void transfer(struct account *from, struct account *to, long amount)
{
    /* Always lock the lower address first: two opposite transfers cannot deadlock. */
    struct account *first = (uintptr_t)from < (uintptr_t)to ? from : to;
    struct account *second = first == from ? to : from;
    pthread_mutex_lock(&first->lock);
    pthread_mutex_lock(&second->lock);
    from->balance -= amount;
    to->balance += amount;
    pthread_mutex_unlock(&second->lock);
    pthread_mutex_unlock(&first->lock);
}
