/* table.c - a small table read by many threads and written by few (a rwlock). */
#include "table.h"

void table_init(struct table *t)
{
    pthread_rwlock_init(&t->lock, NULL);
    for (int i = 0; i < TABLE_SIZE; i++)
        t->cells[i] = 0;
}

void table_destroy(struct table *t)
{
    pthread_rwlock_destroy(&t->lock);
}

int table_get(struct table *t, int i)
{
    pthread_rwlock_rdlock(&t->lock); /* readers share the lock */
    int value = t->cells[i];
    pthread_rwlock_unlock(&t->lock);
    return value;
}

void table_set(struct table *t, int i, int value)
{
    pthread_rwlock_wrlock(&t->lock); /* a writer has it alone */
    t->cells[i] = value;
    pthread_rwlock_unlock(&t->lock);
}
