/* test_shared_mem.c - pins every promise of shared_mem.h. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "shared_mem.h"
#include "shm_helpers.h"
#include "wb_test.h"

static void *map(size_t size)
{
    errno = 0;
    void *p = shm_map(size);
    ck_assert_msg(p != NULL, "shm_map(%zu) returned NULL (errno %s)", size, strerror(errno));
    return p;
}

struct slot {
    int *slots;
    int index;
};

static int write_slot(void *arg)
{
    struct slot *s = arg;
    s->slots[s->index] = 11 * (s->index + 1);
    return 0;
}

WB_TEST(map_is_shared_with_children)
{
    enum { N = 4 };
    int *slots = map(N * sizeof(int));
    for (int i = 0; i < N; i++) {
        int code = in_child(write_slot, &(struct slot){slots, i});
        ck_assert_msg(code == 0, "child %d writing into the shared memory should exit with 0, "
                      "exit code %d",
                      i, code);
    }
    int seen[N];
    memcpy(seen, slots, sizeof seen);
    int rc = shm_unmap(slots, N * sizeof(int));
    ck_assert_msg(rc == 0, "shm_unmap of a mapping from shm_map: expected 0, got %d (errno %s)",
                  rc, strerror(errno));
    for (int i = 0; i < N; i++)
        ck_assert_msg(seen[i] == 11 * (i + 1), "child %d wrote %d into the shared memory, the "
                      "parent sees %d: map it MAP_SHARED, not MAP_PRIVATE", i, 11 * (i + 1),
                      seen[i]);
}

WB_TEST(map_is_zero_filled_shared_and_page_aligned)
{
    size_t size = 10000;
    unsigned char *p = map(size);
    size_t nonzero = 0;
    for (size_t i = 0; i < size; i++)
        nonzero += p[i] != 0;
    bool aligned = (uintptr_t)p % (uintptr_t)sysconf(_SC_PAGESIZE) == 0;
    bool shared = is_shared_mapping(p);
    p[size - 1] = 1; /* writable to its last byte */
    int rc = shm_unmap(p, size);
    ck_assert_msg(rc == 0,
                  "shm_unmap of a 10000-byte mapping from shm_map: expected 0, got %d (errno %s)",
                  rc, strerror(errno));
    ck_assert_msg(nonzero == 0, "%zu of %zu bytes of a new mapping are not zero", nonzero,
                  size);
    ck_assert_msg(aligned, "the address %p is not on a page boundary", (void *)p);
    ck_assert_msg(shared, "/proc/self/maps does not show the mapping as shared ('s')");
}

WB_TEST(map_of_zero_bytes_is_einval)
{
    errno = 0;
    void *p = shm_map(0);
    ck_assert_msg(p == NULL && errno == EINVAL, "shm_map(0): got %p (errno %s), expected NULL "
                  "with EINVAL", p, strerror(errno));
}

WB_TEST(map_too_large_is_enomem)
{
    errno = 0;
    void *p = shm_map(SIZE_MAX - 4096);
    ck_assert_msg(p == NULL && errno == ENOMEM, "shm_map(SIZE_MAX - 4096): got %p (errno %s), "
                  "expected NULL with ENOMEM (MAP_FAILED is not NULL)", p, strerror(errno));
}

WB_TEST(unmap_removes_the_mapping)
{
    size_t size = 3 * 4096;
    char *p = map(size);
    ck_assert_msg(is_mapped(p) && is_mapped(p + size - 1), "a new mapping is not mapped");
    int rc = shm_unmap(p, size);
    ck_assert_msg(rc == 0, "shm_unmap returned %d (errno %s)", rc, strerror(errno));
    ck_assert_msg(!is_mapped(p) && !is_mapped(p + size - 1),
                  "after shm_unmap the memory is still mapped");
}

WB_TEST(unmap_bad_arguments_is_einval)
{
    char *p = map(4096);
    errno = 0;
    int rc = shm_unmap(NULL, 4096);
    ck_assert_msg(rc == -1 && errno == EINVAL, "shm_unmap(NULL, 4096): got %d (errno %s), "
                  "expected -1 with EINVAL", rc, strerror(errno));
    errno = 0;
    rc = shm_unmap(p, 0);
    ck_assert_msg(rc == -1 && errno == EINVAL, "shm_unmap(p, 0): got %d (errno %s), expected "
                  "-1 with EINVAL", rc, strerror(errno));
    ck_assert_msg(is_mapped(p), "a refused shm_unmap unmapped the memory");
    rc = shm_unmap(p, 4096);
    ck_assert_msg(rc == 0,
                  "shm_unmap(p, 4096) after the refused calls: expected 0, got %d (errno %s)",
                  rc, strerror(errno));
}

static int lock_then_report(void *arg)
{
    int rc = pthread_mutex_lock(arg);
    if (rc == 0)
        rc = pthread_mutex_unlock(arg);
    return rc == 0 ? 0 : 1;
}

WB_TEST(lock_is_shared_across_processes)
{
    pthread_mutex_t *m = map(sizeof *m);
    int rc = shm_lock_init(m);
    ck_assert_msg(rc == 0, "shm_lock_init returned %d (%s)", rc, strerror(rc));
    rc = pthread_mutex_lock(m);
    ck_assert_msg(rc == 0,
                  "pthread_mutex_lock of a lock set up by shm_lock_init: expected 0, got %d (%s)",
                  rc, strerror(rc));
    int busy = in_child(try_lock_child, m);
    rc = pthread_mutex_unlock(m);
    ck_assert_msg(rc == 0, "pthread_mutex_unlock of the lock the parent holds: expected 0, got "
                  "%d (%s)",
                  rc, strerror(rc));
    int free_again = in_child(try_lock_child, m);
    enum locked_run run = run_while_locked(m, lock_then_report, m);
    pthread_mutex_destroy(m);
    shm_unmap(m, sizeof *m);
    ck_assert_msg(busy == 1, "while the parent holds the lock, a child's trylock should "
                  "report EBUSY (child exit %d; 0 means it got the lock)", busy);
    ck_assert_msg(free_again == 0, "once the parent released it, a child's trylock should get "
                  "the lock (child exit %d)", free_again);
    ck_assert_msg(run == WAITED_FOR_LOCK, "a child's pthread_mutex_lock should sleep until the "
                  "parent releases the lock, then get it (%s)",
                  run == DID_NOT_WAIT ? "it did not wait" : "it failed after waiting");
}

WB_TEST(lock_is_recursive)
{
    pthread_mutex_t *m = map(sizeof *m);
    int rc = shm_lock_init(m);
    ck_assert_msg(rc == 0, "shm_lock_init returned %d (%s), expected 0", rc, strerror(rc));
    int first = pthread_mutex_trylock(m), second = pthread_mutex_trylock(m);
    int unlock1 = pthread_mutex_unlock(m), unlock2 = pthread_mutex_unlock(m);
    int extra = pthread_mutex_unlock(m);
    pthread_mutex_destroy(m);
    shm_unmap(m, sizeof *m);
    ck_assert_msg(first == 0 && second == 0, "the holder should be able to lock again "
                  "(PTHREAD_MUTEX_RECURSIVE): trylock gave %d then %d", first, second);
    ck_assert_msg(unlock1 == 0 && unlock2 == 0, "two unlocks after two locks should succeed");
    ck_assert_msg(extra == EPERM, "a third unlock should fail with EPERM (a recursive mutex "
                  "knows its owner), got %d", extra);
}
