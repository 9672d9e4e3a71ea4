/* test_robust_lock.c - pins every promise of robust_lock.h. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "lock_helpers.h"
#include "robust_lock.h"
#include "wb_test.h"

static struct robust_lock *new_lock(void)
{
    errno = 0;
    struct robust_lock *l = robust_lock_new();
    ck_assert_msg(l != NULL, "robust_lock_new returned NULL (errno %s)", strerror(errno));
    return l;
}

static int take(void *arg)
{
    return robust_lock_acquire(arg) == ROBUST_ACQUIRED ? 0 : 1;
}

static int give(void *arg)
{
    return robust_lock_release(arg);
}

WB_TEST(robust_lock_works_like_a_lock)
{
    struct robust_lock *l = new_lock();
    int a = robust_lock_acquire(l);
    errno = 0;
    int again = robust_lock_acquire(l);
    int again_errno = errno;
    int r = robust_lock_release(l);
    errno = 0;
    int r2 = robust_lock_release(l);
    int r2_errno = errno;
    struct holder h = holder_start(take, give, l);
    int code = holder_finish(&h);
    robust_lock_free(l);
    ck_assert_msg(a == ROBUST_ACQUIRED && r == 0, "acquire then release: got %d and %d", a, r);
    ck_assert_msg(again == -1 && again_errno == EDEADLK, "acquire by the holder: got %d (errno "
                  "%s), expected -1 with EDEADLK", again, strerror(again_errno));
    ck_assert_msg(r2 == -1 && r2_errno == EPERM, "release of an unheld lock: got %d (errno %s), "
                  "expected -1 with EPERM", r2, strerror(r2_errno));
    ck_assert_msg(code == 0, "a child could not acquire and release the lock (exit %d)", code);
}

/* The repair protocol: acquire reports the death, consistent, release, and the lock
 * works normally again. */
static void expect_recovery(struct robust_lock *l, const char *how)
{
    int rc = robust_lock_acquire(l);
    ck_assert_msg(rc == ROBUST_OWNER_DIED, "the holder %s holding the lock: the next acquire "
                  "should return ROBUST_OWNER_DIED, got %d (errno %s)", how, rc, strerror(errno));
    ck_assert_msg(robust_lock_consistent(l) == 0, "robust_lock_consistent after the owner died "
                  "failed (errno %s)", strerror(errno));
    ck_assert_msg(robust_lock_release(l) == 0, "release after consistent failed");
    rc = robust_lock_acquire(l);
    ck_assert_msg(rc == ROBUST_ACQUIRED, "once made consistent, the lock should work normally: "
                  "acquire gave %d", rc);
    rc = robust_lock_release(l);
    ck_assert_msg(rc == 0, "once made consistent, release of the lock: expected 0, got %d "
                  "(errno %s)",
                  rc, strerror(errno));
}

WB_TEST(owner_that_exits_holding_is_reported)
{
    struct robust_lock *l = new_lock();
    struct holder h = holder_start(take, NULL, l); /* give NULL: ends holding the lock */
    int code = holder_finish(&h);
    ck_assert_msg(code == 0,
                  "the child that took the lock and ended holding it should exit with 0, "
                  "exit code %d",
                  code);
    expect_recovery(l, "ended");
    robust_lock_free(l);
}

WB_TEST(owner_killed_while_holding_is_reported)
{
    struct robust_lock *l = new_lock();
    struct holder h = holder_start(take, give, l);
    kill(h.pid, SIGKILL);
    close(h.told_fd);
    close(h.holding_fd);
    wb_wait_status(h.pid, 10);
    expect_recovery(l, "was killed (SIGKILL)");
    robust_lock_free(l);
}

/* Child: waits for the lock, repairs, reports how the acquire went in its exit code. */
static int wait_then_recover(void *arg)
{
    int rc = robust_lock_acquire(arg);
    if (rc == ROBUST_OWNER_DIED && robust_lock_consistent(arg) == 0 &&
        robust_lock_release(arg) == 0)
        return 0;
    if (rc == ROBUST_ACQUIRED)
        robust_lock_release(arg);
    return rc == ROBUST_ACQUIRED ? 1 : 2;
}

WB_TEST(waiting_acquire_learns_owner_died)
{
    struct robust_lock *l = new_lock();
    struct holder h = holder_start(take, give, l);
    pid_t waiter = wb_child_run(wait_then_recover, l);
    /* Let the waiter block on the lock (it sleeps in the kernel), then kill the owner. */
    double deadline = wb_now() + 10;
    while (wb_proc_state(waiter) != 'S' && wb_proc_state(waiter) != 'Z' && wb_now() < deadline)
        wb_sleep(0.001);
    kill(h.pid, SIGKILL);
    close(h.told_fd);
    close(h.holding_fd);
    wb_wait_status(h.pid, 10);
    int code = wb_wait_exitcode(waiter, 10);
    int after = robust_lock_acquire(l);
    robust_lock_release(l);
    robust_lock_free(l);
    ck_assert_msg(code == 0, "a process waiting for the lock when its owner was killed should "
                  "get ROBUST_OWNER_DIED and recover (%s)",
                  code == 1 ? "it got ROBUST_ACQUIRED" : "acquire, consistent or release failed");
    ck_assert_msg(after == ROBUST_ACQUIRED, "after the waiter recovered, acquire gave %d", after);
}

WB_TEST(release_without_consistent_makes_lock_unrecoverable)
{
    struct robust_lock *l = new_lock();
    struct holder h = holder_start(take, NULL, l);
    int code = holder_finish(&h);
    ck_assert_msg(code == 0,
                  "the child that took the lock and ended holding it should exit with 0, "
                  "exit code %d",
                  code);
    int died = robust_lock_acquire(l);
    int released = robust_lock_release(l); /* no robust_lock_consistent: given up */
    errno = 0;
    int rc = robust_lock_acquire(l);
    int saved = errno;
    robust_lock_free(l);
    ck_assert_msg(died == ROBUST_OWNER_DIED && released == 0, "expected ROBUST_OWNER_DIED then "
                  "a successful release, got %d and %d", died, released);
    ck_assert_msg(rc == -1 && saved == ENOTRECOVERABLE, "released without consistent, the lock "
                  "is unusable: acquire should fail with ENOTRECOVERABLE, got %d (errno %s)",
                  rc, strerror(saved));
}

WB_TEST(consistent_without_owner_death_is_einval)
{
    struct robust_lock *l = new_lock();
    int acquired = robust_lock_acquire(l);
    ck_assert_msg(acquired == ROBUST_ACQUIRED,
                  "acquire of a new lock: expected ROBUST_ACQUIRED (0), got %d (errno %s)",
                  acquired, strerror(errno));
    errno = 0;
    int rc = robust_lock_consistent(l);
    int saved = errno;
    robust_lock_release(l);
    robust_lock_free(l);
    ck_assert_msg(rc == -1 && saved == EINVAL, "robust_lock_consistent of a lock whose owner "
                  "did not die: got %d (errno %s), expected -1 with EINVAL", rc,
                  strerror(saved));
}

WB_TEST(robust_lock_free_unmaps_it)
{
    int before = wb_count_shared_mappings();
    struct robust_lock *l = new_lock();
    int during = wb_count_shared_mappings();
    robust_lock_free(l);
    robust_lock_free(NULL); /* ignored */
    int after = wb_count_shared_mappings();
    ck_assert_msg(during == before + 1, "robust_lock_new made %d shared mappings, expected 1",
                  during - before);
    ck_assert_msg(after == before, "after robust_lock_free, %d shared mapping(s) of the lock "
                                   "are still mapped: free must unmap it", after - before);
}
