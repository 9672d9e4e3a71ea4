/* pc_helpers.c - what the chapter's tests share. */
#include "pc_helpers.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "wb_test.h"

size_t read_field(struct bbuf *b, const size_t *field)
{
    pthread_mutex_lock(&b->lock);
    size_t value = *field;
    pthread_mutex_unlock(&b->lock);
    return value;
}

void *race_get(void *arg)
{
    struct racer *r = arg;
    r->rc = bb_get(r->b, &r->item);
    pthread_mutex_lock(r->lock);
    (*r->returned)++;
    pthread_mutex_unlock(r->lock);
    return NULL;
}

void *race_put(void *arg)
{
    struct racer *r = arg;
    r->rc = bb_put(r->b, r->item);
    pthread_mutex_lock(r->lock);
    (*r->returned)++;
    pthread_mutex_unlock(r->lock);
    return NULL;
}

void wait_waiting(struct bbuf *b, const size_t *field, size_t value, const char *name,
                  pthread_mutex_t *lock, const int *returned)
{
    double deadline = wb_now() + 5;
    size_t now;
    while ((now = read_field(b, field)) != value) {
        pthread_mutex_lock(lock);
        int back = *returned;
        pthread_mutex_unlock(lock);
        ck_assert_msg(back == 0, "%d call(s) returned at once where they should wait (%s "
                      "is %zu, expected %zu)", back, name, now, value);
        ck_assert_msg(wb_now() < deadline,
                      "%s stayed %zu for 5 s, expected it to reach %zu (a thread asleep in "
                      "pthread_cond_wait must be counted there)", name, now, value);
        wb_sleep(0.001);
    }
}

void check_each_once(const long *ids, long n, long total)
{
    char *seen = calloc((size_t)total, 1);
    ck_assert_msg(seen != NULL, "out of memory");
    for (long k = 0; k < n; k++) {
        long id = ids[k];
        ck_assert_msg(id >= 0 && id < total, "item %ld was delivered, but no such item was put",
                      id);
        ck_assert_msg(!seen[id], "item %ld was delivered twice", id);
        seen[id] = 1;
    }
    ck_assert_msg(n == total, "%ld items were put, %ld delivered: %ld lost", total, n, total - n);
    free(seen);
}
