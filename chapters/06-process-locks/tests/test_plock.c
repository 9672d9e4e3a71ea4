/* test_plock.c - pins every promise of plock.h. */
#include <errno.h>
#include <string.h>

#include "lock_helpers.h"
#include "plock.h"
#include "wb_test.h"

static struct plock *new_lock(void)
{
    errno = 0;
    struct plock *l = plock_new();
    ck_assert_msg(l != NULL, "plock_new returned NULL (errno %s)", strerror(errno));
    return l;
}

static int take(void *arg)
{
    return plock_acquire(arg, true, -1) == 1 ? 0 : 1;
}

static int give(void *arg)
{
    return plock_release(arg);
}

static int try_once(void *arg)
{
    return plock_acquire(arg, false, 0); /* exit code: 1 acquired, 0 not, 255 error */
}

WB_TEST(lock_acquire_and_release)
{
    struct plock *l = new_lock();
    int a1 = plock_acquire(l, true, -1);
    int r1 = plock_release(l);
    int a2 = plock_acquire(l, true, 5.0);
    int r2 = plock_release(l);
    int a3 = plock_acquire(l, false, 0);
    int r3 = plock_release(l);
    plock_free(l);
    ck_assert_msg(a1 == 1 && r1 == 0, "acquire() then release(): got %d and %d, expected 1 and "
                  "0", a1, r1);
    ck_assert_msg(a2 == 1 && r2 == 0, "acquire(timeout=5) of a free lock then release(): got %d "
                  "and %d", a2, r2);
    ck_assert_msg(a3 == 1 && r3 == 0, "acquire(block=False) of a free lock then release(): got "
                  "%d and %d", a3, r3);
}

WB_TEST(lock_excludes_other_processes)
{
    struct plock *l = new_lock();
    int acquired = plock_acquire(l, true, -1);
    ck_assert_msg(acquired == 1, "acquire() of a new lock: expected 1, got %d (errno %s)",
                  acquired, strerror(errno));
    int while_held = wb_wait_exitcode(wb_child_run(try_once, l), 10);
    int released = plock_release(l);
    ck_assert_msg(released == 0,
                  "release() of the lock the parent holds: expected 0, got %d (errno %s)",
                  released, strerror(errno));
    int after = wb_wait_exitcode(wb_child_run(try_once, l), 10);
    plock_free(l);
    ck_assert_msg(while_held == 0, "while the parent holds the lock, a child's "
                  "acquire(block=False) should return 0, got %d (the lock must be in shared "
                  "memory and PTHREAD_PROCESS_SHARED)", while_held == 255 ? -1 : while_held);
    ck_assert_msg(after == 1, "once released, a child's acquire(block=False) should return 1, "
                  "got %d", after == 255 ? -1 : after);
}

static int take_and_give(void *arg)
{
    if (plock_acquire(arg, true, -1) != 1)
        return 1;
    return plock_release(arg) == 0 ? 0 : 1;
}

WB_TEST(lock_acquire_waits_until_released)
{
    struct plock *l = new_lock();
    int acquired = plock_acquire(l, true, -1);
    ck_assert_msg(acquired == 1, "acquire() of a new lock: expected 1, got %d (errno %s)",
                  acquired, strerror(errno));
    int verdict = sleeps_until_released(take_and_give, give, l);
    plock_free(l);
    ck_assert_msg(verdict != 1, "a child's acquire() returned while the parent held the lock: "
                  "it must wait");
    ck_assert_msg(verdict == 0, "a child's acquire() failed after the parent released the lock");
}

WB_TEST(lock_acquire_times_out)
{
    struct plock *l = new_lock();
    struct holder h = holder_start(take, give, l);
    double start = wb_now();
    errno = 0;
    int rc = plock_acquire(l, true, 0.05);
    double waited = wb_now() - start;
    int zero = plock_acquire(l, true, 0);
    int nonblocking = plock_acquire(l, false, 100.0);
    int code = holder_finish(&h);
    int after = plock_acquire(l, true, 10.0);
    plock_release(l);
    plock_free(l);
    ck_assert_msg(rc == 0, "acquire(timeout=0.05) of a lock held by another process: got %d "
                  "(errno %s), expected 0", rc, strerror(errno));
    ck_assert_msg(waited >= 0.05, "acquire(timeout=0.05) gave up after %.3f s, before its "
                  "timeout", waited);
    ck_assert_msg(zero == 0, "acquire(timeout=0) of a held lock: got %d, expected 0", zero);
    ck_assert_msg(nonblocking == 0, "acquire(block=False, timeout=100) must not wait: got %d",
                  nonblocking);
    ck_assert_msg(code == 0, "the child holding the lock failed to release it (exit %d)", code);
    ck_assert_msg(after == 1, "acquire(timeout=10) once the child released: got %d", after);
}

static int release_in_child(void *arg)
{
    errno = 0;
    int rc = plock_release(arg);
    return rc == -1 && errno == EPERM ? 0 : 1;
}

WB_TEST(release_of_unheld_lock_is_eperm)
{
    struct plock *l = new_lock();
    errno = 0;
    int rc = plock_release(l);
    int saved = errno;
    int acquired = plock_acquire(l, true, -1);
    ck_assert_msg(acquired == 1,
                  "acquire() of a lock nobody holds, after a refused release(): expected 1, "
                  "got %d (errno %s)",
                  acquired, strerror(errno));
    int child = wb_wait_exitcode(wb_child_run(release_in_child, l), 10);
    int mine = plock_release(l);
    plock_free(l);
    ck_assert_msg(rc == -1 && saved == EPERM, "release() of a lock nobody holds: got %d (errno "
                  "%s), expected -1 with EPERM", rc, strerror(saved));
    ck_assert_msg(child == 0, "a child's release() of the parent's lock must fail with EPERM "
                  "(PTHREAD_MUTEX_ERRORCHECK)");
    ck_assert_msg(mine == 0, "after the child's refused release, the parent still holds the "
                  "lock and releases it: got %d", mine);
}

WB_TEST(acquire_by_the_holder_is_edeadlk)
{
    struct plock *l = new_lock();
    int acquired = plock_acquire(l, true, -1);
    ck_assert_msg(acquired == 1, "acquire() of a new lock: expected 1, got %d (errno %s)",
                  acquired, strerror(errno));
    errno = 0;
    int again = plock_acquire(l, true, -1);
    int again_errno = errno;
    errno = 0;
    int timed = plock_acquire(l, true, 0.05);
    int timed_errno = errno;
    int nonblocking = plock_acquire(l, false, 0);
    plock_release(l);
    plock_free(l);
    ck_assert_msg(again == -1 && again_errno == EDEADLK, "acquire() by the holder: got %d "
                  "(errno %s), expected -1 with EDEADLK", again, strerror(again_errno));
    ck_assert_msg(timed == -1 && timed_errno == EDEADLK, "acquire(timeout=0.05) by the "
                  "holder: got %d (errno %s), expected -1 with EDEADLK", timed,
                  strerror(timed_errno));
    ck_assert_msg(nonblocking == 0, "acquire(block=False) by the holder: got %d, expected 0 "
                  "(as in Python)", nonblocking);
}

WB_TEST(lock_free_unmaps_it)
{
    int before = wb_count_shared_mappings();
    struct plock *l = plock_new();
    ck_assert_msg(l != NULL, "plock_new returned NULL (errno %s)", strerror(errno));
    int during = wb_count_shared_mappings();
    plock_free(l);
    plock_free(NULL); /* ignored */
    int after = wb_count_shared_mappings();
    ck_assert_msg(during == before + 1, "plock_new made %d shared mappings, expected 1",
                  during - before);
    ck_assert_msg(after == before, "after plock_free, %d shared mapping(s) of the lock are "
                                   "still mapped: free must unmap it", after - before);
}
