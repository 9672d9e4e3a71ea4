/* table.h - a small table read by many threads and written by few (a rwlock). */
#ifndef TABLE_H
#define TABLE_H

#include <pthread.h>

enum { TABLE_SIZE = 8 };

struct table {
    pthread_rwlock_t lock;
    int cells[TABLE_SIZE];
};

void table_init(struct table *t);
void table_destroy(struct table *t);
int table_get(struct table *t, int i);
void table_set(struct table *t, int i, int value);

#endif
