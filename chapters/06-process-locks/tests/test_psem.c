/* test_psem.c - pins every promise of psem.h. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <string.h>
#include <sys/mman.h>

#include "lock_helpers.h"
#include "psem.h"
#include "wb_test.h"

static struct psem *new_sem(unsigned value)
{
    errno = 0;
    struct psem *s = psem_new(value);
    ck_assert_msg(s != NULL, "psem_new(%u) returned NULL (errno %s)", value, strerror(errno));
    return s;
}

WB_TEST(semaphore_counts_down_and_up)
{
    struct psem *s = new_sem(2);
    int v0 = psem_get_value(s);
    int a1 = psem_acquire(s, false, 0), a2 = psem_acquire(s, true, 1.0);
    int a3 = psem_acquire(s, false, 0);
    int v1 = psem_get_value(s);
    int r = psem_release(s);
    int v2 = psem_get_value(s);
    psem_free(s);
    ck_assert_msg(v0 == 2, "Semaphore(2).get_value() is %d", v0);
    ck_assert_msg(a1 == 1 && a2 == 1, "the first two acquires of Semaphore(2) should return 1, "
                  "got %d and %d", a1, a2);
    ck_assert_msg(a3 == 0, "a third acquire(block=False) should return 0, got %d", a3);
    ck_assert_msg(v1 == 0 && r == 0 && v2 == 1, "values 0 then 1 after a release expected, got "
                  "%d, release %d, %d", v1, r, v2);
}

static int try_unit(void *arg)
{
    int rc = psem_acquire(arg, false, 0);
    if (rc == 1)
        psem_release(arg);
    return rc; /* 1 took a unit, 0 none, 255 error */
}

static int take_unit(void *arg)
{
    return psem_acquire(arg, true, -1) == 1 ? 0 : 1;
}

static int give_unit(void *arg)
{
    return psem_release(arg);
}

WB_TEST(semaphore_is_shared_across_processes)
{
    struct psem *s = new_sem(1);
    struct holder h = holder_start(take_unit, give_unit, s);
    int while_held = wb_wait_exitcode(wb_child_run(try_unit, s), 10);
    int code = holder_finish(&h);
    int after = wb_wait_exitcode(wb_child_run(try_unit, s), 10);
    psem_free(s);
    ck_assert_msg(code == 0, "the holding child failed to release (exit %d)", code);
    ck_assert_msg(while_held == 0, "while another process holds the only unit, "
                  "acquire(block=False) should return 0, got %d (pshared = 1, in shared "
                  "memory)", while_held == 255 ? -1 : while_held);
    ck_assert_msg(after == 1, "after that process released it, acquire(block=False) should "
                  "return 1, got %d", after == 255 ? -1 : after);
}

static int take_and_give(void *arg)
{
    return take_unit(arg) == 0 && give_unit(arg) == 0 ? 0 : 1;
}

WB_TEST(semaphore_acquire_waits_for_release)
{
    struct psem *s = new_sem(0);
    int verdict = sleeps_until_released(take_and_give, give_unit, s);
    psem_free(s);
    ck_assert_msg(verdict != 1, "acquire() of a semaphore at 0 returned before any release: "
                  "it must wait");
    ck_assert_msg(verdict == 0, "acquire() failed after another process released a unit");
}

WB_TEST(semaphore_acquire_times_out)
{
    struct psem *s = new_sem(0);
    double start = wb_now();
    errno = 0;
    int rc = psem_acquire(s, true, 0.05);
    double waited = wb_now() - start;
    int zero = psem_acquire(s, true, 0);
    int nonblocking = psem_acquire(s, false, 100.0);
    psem_free(s);
    ck_assert_msg(rc == 0, "acquire(timeout=0.05) at value 0: got %d (errno %s), expected 0",
                  rc, strerror(errno));
    ck_assert_msg(waited >= 0.05, "acquire(timeout=0.05) gave up after %.3f s", waited);
    ck_assert_msg(zero == 0 && nonblocking == 0, "acquire(timeout=0) and acquire(block=False) "
                  "at value 0 should return 0 at once, got %d and %d", zero, nonblocking);
}

WB_TEST(semaphore_timeout_survives_signals)
{
    struct psem *s = new_sem(0);
    ck_assert_msg(wb_signal_storm_start(0.001) == 0,
                  "test setup: starting the signal storm failed: %s", strerror(errno));
    double start = wb_now();
    errno = 0;
    int rc = psem_acquire(s, true, 0.2);
    int saved = errno;
    double waited = wb_now() - start;
    long signals = wb_signal_storm_stop();
    psem_free(s);
    ck_assert_msg(rc == 0, "acquire(timeout=0.2) while %ld signals arrived: got %d (errno %s), "
                  "expected 0: retry on EINTR", signals, rc, strerror(saved));
    ck_assert_msg(waited >= 0.2, "acquire(timeout=0.2) under signals returned 0 after %.3f s",
                  waited);
}

WB_TEST(semaphore_limits_are_errors)
{
    errno = 0;
    struct psem *too_big = psem_new((unsigned)SEM_VALUE_MAX + 1u);
    int saved = errno;
    psem_free(too_big);
    ck_assert_msg(too_big == NULL && saved == EINVAL, "psem_new(SEM_VALUE_MAX + 1): got %p "
                  "(errno %s), expected NULL with EINVAL", (void *)too_big, strerror(saved));
    struct psem *full = new_sem(SEM_VALUE_MAX);
    errno = 0;
    int rc = psem_release(full);
    saved = errno;
    psem_free(full);
    ck_assert_msg(rc == -1 && saved == EOVERFLOW, "release() at SEM_VALUE_MAX: got %d (errno "
                  "%s), expected -1 with EOVERFLOW", rc, strerror(saved));
}

/* --- the limit, reached and never exceeded ------------------------------------ */

enum { LIMIT = 3, HOLDERS = 7 };

/* Test-owned bookkeeping in shared memory, guarded by its own process-shared mutex. */
struct section {
    pthread_mutex_t mutex;
    pthread_cond_t changed;
    int inside, max_inside;
    struct psem *sem;
};

static int hold_a_unit(void *arg)
{
    struct section *sec = arg;
    if (psem_acquire(sec->sem, true, -1) != 1)
        return 1;
    pthread_mutex_lock(&sec->mutex);
    sec->inside++;
    if (sec->inside > sec->max_inside)
        sec->max_inside = sec->inside;
    pthread_cond_broadcast(&sec->changed);
    /* Stay inside until LIMIT holders have been inside at once: with a correct
     * semaphore the first LIMIT holders all get in before anyone leaves, so this
     * is reached for certain; the deadline only ends a wait that never would. */
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += 8;
    int rc = 0;
    while (sec->max_inside < LIMIT && rc == 0)
        rc = pthread_cond_timedwait(&sec->changed, &sec->mutex, &deadline);
    sec->inside--;
    pthread_mutex_unlock(&sec->mutex);
    return psem_release(sec->sem) == 0 ? 0 : 2;
}

static struct section *section_new(struct psem *sem)
{
    struct section *sec = mmap(NULL, sizeof *sec, PROT_READ | PROT_WRITE,
                               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert_msg(sec != MAP_FAILED, "the test could not map its bookkeeping");
    pthread_mutexattr_t ma;
    pthread_condattr_t ca;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&sec->mutex, &ma);
    pthread_condattr_init(&ca);
    pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&sec->changed, &ca);
    sec->sem = sem;
    return sec;
}

WB_TEST(semaphore_holders_reach_but_never_exceed_the_limit)
{
    struct section *sec = section_new(new_sem(LIMIT));
    pid_t pids[HOLDERS];
    for (int i = 0; i < HOLDERS; i++)
        pids[i] = wb_child_run(hold_a_unit, sec);
    int bad = 0;
    for (int i = 0; i < HOLDERS; i++)
        bad |= wb_wait_exitcode(pids[i], 20);
    int max_inside = sec->max_inside, value = psem_get_value(sec->sem);
    psem_free(sec->sem);
    munmap(sec, sizeof *sec);
    ck_assert_msg(bad == 0, "a holder failed to acquire or release (exit code bits %d)", bad);
    ck_assert_msg(max_inside <= LIMIT, "Semaphore(%d) let %d processes hold it at once", LIMIT,
                  max_inside);
    ck_assert_msg(max_inside == LIMIT, "Semaphore(%d) never let %d processes hold it at once "
                  "(at most %d)", LIMIT, LIMIT, max_inside);
    ck_assert_msg(value == LIMIT, "after every holder released, the value is %d, expected %d",
                  value, LIMIT);
}

WB_TEST(semaphore_free_unmaps_it)
{
    int before = wb_count_shared_mappings();
    struct psem *s = psem_new(2);
    ck_assert_msg(s != NULL, "psem_new returned NULL (errno %s)", strerror(errno));
    int during = wb_count_shared_mappings();
    psem_free(s);
    psem_free(NULL); /* ignored */
    int after = wb_count_shared_mappings();
    ck_assert_msg(during == before + 1, "psem_new made %d shared mappings, expected 1",
                  during - before);
    ck_assert_msg(after == before, "after psem_free, %d shared mapping(s) of the semaphore are "
                                   "still mapped: free must unmap it", after - before);
}
