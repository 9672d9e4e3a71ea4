/* test_shared_value.c - pins every promise of shared_value.h. */
#include <errno.h>
#include <string.h>

#include "shared_value.h"
#include "shm_helpers.h"
#include "wb_test.h"

static struct shm_value *value(char typecode, const void *init, bool lock)
{
    errno = 0;
    struct shm_value *v = shm_value_new(typecode, init, lock);
    ck_assert_msg(v != NULL, "shm_value_new('%c', lock=%d) returned NULL (errno %s)", typecode,
                  lock, strerror(errno));
    return v;
}

static double get_double(struct shm_value *v)
{
    double d = -1;
    ck_assert_msg(shm_value_get(v, &d) == 0, "shm_value_get failed (errno %s)",
                  strerror(errno));
    return d;
}

static long get_long(struct shm_value *v)
{
    long l = -1;
    ck_assert_msg(shm_value_get(v, &l) == 0, "shm_value_get failed (errno %s)",
                  strerror(errno));
    return l;
}

WB_TEST(value_starts_with_init_or_zero)
{
    double zero = 0.0;
    int seven = 7;
    char x = 'x';
    struct shm_value *d = value('d', &zero, true), *i = value('i', &seven, true);
    struct shm_value *l = value('l', NULL, false), *c = value('c', &x, false);
    double gd = get_double(d);
    long gl = get_long(l);
    int gi = -1;
    char gc = 0;
    shm_value_get(i, &gi);
    shm_value_get(c, &gc);
    bool types = d->typecode == 'd' && d->itemsize == sizeof(double) && i->itemsize == sizeof(int)
                 && l->itemsize == sizeof(long) && c->itemsize == 1;
    bool sync = d->synchronized && i->synchronized && !l->synchronized && !c->synchronized;
    shm_value_free(d);
    shm_value_free(i);
    shm_value_free(l);
    shm_value_free(c);
    ck_assert_msg(gd == 0.0 && gi == 7 && gc == 'x', "Value('d', 0.0), Value('i', 7), "
                  "RawValue('c', 'x') read back as %g, %d, '%c'", gd, gi, gc);
    ck_assert_msg(gl == 0, "a value made with init NULL should be 0, got %ld", gl);
    ck_assert_msg(types, "typecode and itemsize must be filled from shm_itemsize(typecode)");
    ck_assert_msg(sync, "synchronized must be true for lock=true and false for lock=false");
}

static int set_pi(void *arg)
{
    double pi = 3.1415927;
    return shm_value_set(arg, &pi) == 0 ? 0 : 1;
}

WB_TEST(value_set_by_child_is_seen_by_parent)
{
    for (int lock = 0; lock <= 1; lock++) {
        struct shm_value *v = value('d', NULL, lock);
        int code = in_child(set_pi, v);
        double seen = get_double(v);
        shm_value_free(v);
        ck_assert_msg(code == 0, "shm_value_set failed in the child (lock=%d)", lock);
        ck_assert_msg(seen == 3.1415927, "lock=%d: the child set 3.1415927, the parent sees %g "
                      "after join", lock, seen);
    }
}

WB_TEST(value_of_unknown_typecode_is_einval)
{
    const char bad[] = {'f', 'z', '\0'};
    for (int k = 0; k < 3; k++) {
        errno = 0;
        struct shm_value *v = shm_value_new(bad[k], NULL, true);
        int saved = errno;
        shm_value_free(v);
        ck_assert_msg(v == NULL && saved == EINVAL, "typecode '%c' (%d): got %p (errno %s), "
                      "expected NULL with EINVAL", bad[k] ? bad[k] : '0', bad[k], (void *)v,
                      strerror(saved));
    }
}

WB_TEST(synchronized_value_has_a_process_shared_lock)
{
    struct shm_value *v = value('i', NULL, true);
    pthread_mutex_t *lock = shm_value_get_lock(v);
    ck_assert_msg(lock != NULL, "shm_value_get_lock of a synchronized value returned NULL");
    int rc = pthread_mutex_lock(lock);
    ck_assert_msg(rc == 0,
                  "pthread_mutex_lock of the lock from shm_value_get_lock: expected 0, got %d "
                  "(%s)",
                  rc, strerror(rc));
    int busy = in_child(try_lock_child, lock);
    pthread_mutex_unlock(lock);
    shm_value_free(v);
    ck_assert_msg(busy == 1, "while the parent holds get_lock(), a child's trylock should be "
                  "EBUSY (child exit %d): the lock must be process-shared, in shared memory",
                  busy);
}

static int set_42(void *arg)
{
    long v = 42;
    return shm_value_set(arg, &v) == 0 ? 0 : 1;
}

static int get_any(void *arg)
{
    long v;
    return shm_value_get(arg, &v) == 0 ? 0 : 1;
}

WB_TEST(synchronized_set_and_get_wait_for_the_lock)
{
    struct shm_value *v = value('l', NULL, true);
    enum locked_run set = run_while_locked(&v->lock, set_42, v);
    long after = get_long(v);
    enum locked_run get = run_while_locked(&v->lock, get_any, v);
    shm_value_free(v);
    ck_assert_msg(set == WAITED_FOR_LOCK, "while another process holds the lock, "
                  "shm_value_set must wait for it (%s)",
                  set == DID_NOT_WAIT ? "it did not wait" : "it failed after waiting");
    ck_assert_msg(after == 42, "the value set after the wait is %ld, expected 42", after);
    ck_assert_msg(get == WAITED_FOR_LOCK, "while another process holds the lock, "
                  "shm_value_get must wait for it (%s)",
                  get == DID_NOT_WAIT ? "it did not wait" : "it failed after waiting");
}

WB_TEST(value_lock_allows_get_and_set_inside)
{
    struct shm_value *v = value('l', NULL, true);
    pthread_mutex_t *lock = shm_value_get_lock(v);
    ck_assert_msg(lock != NULL, "shm_value_get_lock of a synchronized value returned NULL");
    int locked = pthread_mutex_lock(lock);
    ck_assert_msg(locked == 0,
                  "pthread_mutex_lock of the lock from shm_value_get_lock: expected 0, got %d "
                  "(%s)",
                  locked, strerror(locked));
    long x = 5;
    /* with v.get_lock(): v.value += 5 -- get and set take the lock again. */
    int rc = shm_value_get(v, &x) | shm_value_set(v, &(long){x + 5});
    pthread_mutex_unlock(lock);
    long after = get_long(v);
    shm_value_free(v);
    ck_assert_msg(rc == 0 && after == 5, "get and set while holding get_lock() failed or gave "
                  "%ld (the lock must be recursive, as Python's RLock)", after);
}

enum { PROCS = 4, ROUNDS = 5000 };

static int add_rounds(void *arg)
{
    struct shm_value *v = arg;
    pthread_mutex_t *lock = shm_value_get_lock(v);
    if (lock == NULL)
        return 1;
    for (int k = 0; k < ROUNDS; k++) {
        long x;
        if (pthread_mutex_lock(lock) != 0)
            return 2;
        int rc = shm_value_get(v, &x);
        x++;
        rc |= shm_value_set(v, &x);
        pthread_mutex_unlock(lock);
        if (rc != 0)
            return 3;
    }
    return 0;
}

WB_TEST(increment_under_get_lock_is_exact)
{
    struct shm_value *v = value('l', NULL, true);
    pid_t pids[PROCS];
    for (int p = 0; p < PROCS; p++)
        pids[p] = wb_child_run(add_rounds, v);
    int bad = 0;
    for (int p = 0; p < PROCS; p++)
        bad |= wb_wait_exitcode(pids[p], 30);
    long total = get_long(v);
    shm_value_free(v);
    ck_assert_msg(bad == 0, "a child failed to lock, get or set (exit code bits %d)", bad);
    ck_assert_msg(total == PROCS * ROUNDS, "%d processes added 1 %d times each under "
                  "get_lock(): total %ld, expected %d", PROCS, ROUNDS, total, PROCS * ROUNDS);
}

WB_TEST(raw_value_has_no_lock)
{
    struct shm_value *v = value('i', NULL, false);
    errno = 0;
    pthread_mutex_t *lock = shm_value_get_lock(v);
    int saved = errno;
    shm_value_free(v);
    ck_assert_msg(lock == NULL && saved == EINVAL, "shm_value_get_lock of a raw value: got %p "
                  "(errno %s), expected NULL with EINVAL", (void *)lock, strerror(saved));
}

WB_TEST(value_free_unmaps_it)
{
    struct shm_value *sync = value('d', NULL, true), *raw = value('i', NULL, false);
    shm_value_free(sync);
    shm_value_free(raw);
    shm_value_free(NULL);
    ck_assert_msg(!is_mapped(sync) && !is_mapped(raw),
                  "after shm_value_free the value's memory is still mapped");
}
