/* test_shared_array.c - pins every promise of shared_array.h. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "shared_array.h"
#include "shm_helpers.h"
#include "wb_test.h"

static struct shm_array *array(char typecode, size_t length, const void *init, bool lock)
{
    errno = 0;
    struct shm_array *a = shm_array_new(typecode, length, init, lock);
    ck_assert_msg(a != NULL, "shm_array_new('%c', %zu, lock=%d) returned NULL (errno %s)",
                  typecode, length, lock, strerror(errno));
    return a;
}

static const int range10[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};

WB_TEST(array_starts_with_init_or_zeros)
{
    struct shm_array *a = array('i', 10, range10, true);
    struct shm_array *r = array('d', 5, NULL, false);
    int ints[10] = {0};
    double doubles[5] = {1, 1, 1, 1, 1};
    int rc = shm_array_read(a, ints) | shm_array_read(r, doubles);
    size_t len_a = shm_array_len(a), len_r = shm_array_len(r);
    bool sync = a->synchronized && !r->synchronized;
    shm_array_free(a);
    shm_array_free(r);
    ck_assert_msg(rc == 0, "shm_array_read failed");
    ck_assert_msg(len_a == 10 && len_r == 5, "len(Array('i', range(10))) is %zu, "
                  "len(RawArray('d', 5)) is %zu; expected 10 and 5", len_a, len_r);
    ck_assert_msg(memcmp(ints, range10, sizeof ints) == 0,
                  "Array('i', range(10))[:] is not 0..9 (ints[9] = %d)", ints[9]);
    for (int k = 0; k < 5; k++)
        ck_assert_msg(doubles[k] == 0.0, "RawArray('d', 5)[%d] is %g, expected 0", k,
                      doubles[k]);
    ck_assert_msg(sync, "synchronized must be true for lock=true and false for lock=false");
}

WB_TEST(array_get_and_set_by_index)
{
    long init[3] = {10, 20, 30};
    struct shm_array *a = array('l', 3, init, true);
    long got = 0, all[3];
    int rc = shm_array_set(a, 1, &(long){-20}) | shm_array_get(a, 2, &got) |
             shm_array_read(a, all);
    shm_array_free(a);
    ck_assert_msg(rc == 0, "get/set/read of valid indexes failed (errno %s)", strerror(errno));
    ck_assert_msg(got == 30, "arr[2] is %ld, expected 30", got);
    ck_assert_msg(all[0] == 10 && all[1] == -20 && all[2] == 30,
                  "after arr[1] = -20, arr[:] is [%ld, %ld, %ld]", all[0], all[1], all[2]);
}

WB_TEST(array_index_past_end_is_erange)
{
    struct shm_array *a = array('i', 10, range10, true);
    int out = 12345;
    errno = 0;
    int rc = shm_array_get(a, 10, &out);
    int get_errno = errno;
    errno = 0;
    int rc_set = shm_array_set(a, 10, &(int){-1});
    int set_errno = errno;
    errno = 0;
    int rc_far = shm_array_get(a, SIZE_MAX, &out);
    int far_errno = errno;
    int all[10];
    shm_array_read(a, all);
    shm_array_free(a);
    ck_assert_msg(rc == -1 && get_errno == ERANGE, "arr[10] of 10 items: got %d (errno %s), "
                  "expected -1 with ERANGE (IndexError)", rc, strerror(get_errno));
    ck_assert_msg(out == 12345, "a refused get must leave *out untouched");
    ck_assert_msg(rc_set == -1 && set_errno == ERANGE, "arr[10] = -1 of 10 items: got %d "
                  "(errno %s), expected -1 with ERANGE", rc_set, strerror(set_errno));
    ck_assert_msg(rc_far == -1 && far_errno == ERANGE, "arr[SIZE_MAX]: got %d (errno %s), "
                  "expected -1 with ERANGE", rc_far, strerror(far_errno));
    ck_assert_msg(memcmp(all, range10, sizeof all) == 0, "a refused set changed the array");
}

WB_TEST(array_of_length_zero_is_empty)
{
    struct shm_array *a = array('d', 0, NULL, true);
    double out;
    errno = 0;
    int rc = shm_array_get(a, 0, &out);
    int saved = errno;
    int read = shm_array_read(a, &out);
    size_t len = shm_array_len(a);
    shm_array_free(a);
    ck_assert_msg(len == 0, "len of an empty array is %zu", len);
    ck_assert_msg(rc == -1 && saved == ERANGE, "arr[0] of an empty array: got %d (errno %s), "
                  "expected -1 with ERANGE", rc, strerror(saved));
    ck_assert_msg(read == 0, "arr[:] of an empty array should succeed and copy nothing");
}

WB_TEST(array_bad_typecode_or_size_is_refused)
{
    errno = 0;
    struct shm_array *a = shm_array_new('x', 4, NULL, true);
    int saved = errno;
    shm_array_free(a);
    ck_assert_msg(a == NULL && saved == EINVAL, "typecode 'x': got %p (errno %s), expected "
                  "NULL with EINVAL", (void *)a, strerror(saved));
    /* SIZE_MAX / 2 doubles: the byte count wraps around to a small number. */
    errno = 0;
    a = shm_array_new('d', SIZE_MAX / 2, NULL, true);
    saved = errno;
    ck_assert_msg(a == NULL && saved == ENOMEM, "SIZE_MAX / 2 doubles: got %p (errno %s), "
                  "expected NULL with ENOMEM (length * itemsize overflows a size_t)",
                  (void *)a, strerror(saved));
}

static int negate_all(void *arg)
{
    struct shm_array *a = arg;
    for (size_t k = 0; k < shm_array_len(a); k++) {
        int x;
        if (shm_array_get(a, k, &x) != 0 || shm_array_set(a, k, &(int){-x}) != 0)
            return 1;
    }
    return 0;
}

WB_TEST(array_changed_by_child_is_seen_by_parent)
{
    for (int lock = 0; lock <= 1; lock++) {
        struct shm_array *a = array('i', 10, range10, lock);
        int code = in_child(negate_all, a);
        int all[10];
        int rc = shm_array_read(a, all);
        shm_array_free(a);
        ck_assert_msg(code == 0 && rc == 0, "lock=%d: get/set failed in the child or read in "
                      "the parent", lock);
        for (int k = 0; k < 10; k++)
            ck_assert_msg(all[k] == -k, "lock=%d: the child negated every item; the parent "
                          "sees arr[%d] = %d, expected %d", lock, k, all[k], -k);
    }
}

static int read_all(void *arg)
{
    int all[10];
    return shm_array_read(arg, all) == 0 ? 0 : 1;
}

static int set_item(void *arg)
{
    return shm_array_set(arg, 3, &(int){33}) == 0 ? 0 : 1;
}

WB_TEST(synchronized_array_waits_for_its_lock)
{
    struct shm_array *a = array('i', 10, range10, true);
    pthread_mutex_t *lock = shm_array_get_lock(a);
    ck_assert_msg(lock == &a->lock, "shm_array_get_lock should return the array's own lock");
    enum locked_run read = run_while_locked(lock, read_all, a);
    enum locked_run set = run_while_locked(lock, set_item, a);
    int item = 0;
    shm_array_get(a, 3, &item);
    shm_array_free(a);
    ck_assert_msg(read == WAITED_FOR_LOCK, "while another process holds the lock, "
                  "shm_array_read must wait for it (%s)",
                  read == DID_NOT_WAIT ? "it did not wait" : "it failed after waiting");
    ck_assert_msg(set == WAITED_FOR_LOCK, "while another process holds the lock, "
                  "shm_array_set must wait for it (%s)",
                  set == DID_NOT_WAIT ? "it did not wait" : "it failed after waiting");
    ck_assert_msg(item == 33, "arr[3] is %d after the child's set, expected 33", item);
}

WB_TEST(raw_array_has_no_lock)
{
    struct shm_array *a = array('i', 3, NULL, false);
    errno = 0;
    pthread_mutex_t *lock = shm_array_get_lock(a);
    int saved = errno;
    shm_array_free(a);
    ck_assert_msg(lock == NULL && saved == EINVAL, "shm_array_get_lock of a raw array: got %p "
                  "(errno %s), expected NULL with EINVAL", (void *)lock, strerror(saved));
}

WB_TEST(array_free_unmaps_it)
{
    /* 3000 doubles: the items reach beyond the first page. */
    struct shm_array *a = array('d', 3000, NULL, true);
    char *last = (char *)a->items + 3000 * sizeof(double) - 1;
    shm_array_free(a);
    shm_array_free(NULL);
    ck_assert_msg(!is_mapped(a), "after shm_array_free the array's header is still mapped");
    ck_assert_msg(!is_mapped(last), "after shm_array_free its last items are still mapped: "
                                    "unmap the header AND the items");
}
