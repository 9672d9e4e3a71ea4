/* test_thread_naming.c - pins the promises of thread_naming.c (thread.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "thread.h"
#include "wb_test.h"

/* The N of a default name; fails the test unless the name is "Thread-N". */
static unsigned long default_number(void)
{
    char buf[THREAD_NAME_MAX] = "";
    errno = 0;
    int rc = thread_default_name(buf, sizeof buf);
    ck_assert_msg(rc == 0, "thread_default_name returned %d (errno: %s), expected 0", rc,
                  strerror(errno));
    unsigned long n = 0;
    char extra;
    ck_assert_msg(sscanf(buf, "Thread-%lu%c", &n, &extra) == 1 && n >= 1,
                  "a default name must be \"Thread-N\" with N >= 1, got \"%s\"", buf);
    return n;
}

WB_TEST(default_names_count_up)
{
    unsigned long first = default_number();
    for (unsigned long i = 1; i <= 3; i++) {
        unsigned long n = default_number();
        ck_assert_msg(n == first + i, "default name %lu after Thread-%lu: got Thread-%lu, "
                                      "expected Thread-%lu", i, first, n, first + i);
    }
}

WB_TEST(default_name_that_does_not_fit_is_erange)
{
    unsigned long before = default_number();
    char buf[6] = "";
    errno = 0;
    int rc = thread_default_name(buf, sizeof buf);
    ck_assert_msg(rc == -1 && errno == ERANGE,
                  "\"Thread-N\" in 6 bytes: got %d (errno %s), expected -1 with errno ERANGE",
                  rc, strerror(errno));
    unsigned long after = default_number();
    ck_assert_msg(after == before + 2, "the number of a name that did not fit is used up: "
                                       "after Thread-%lu expected Thread-%lu, got Thread-%lu",
                  before, before + 2, after);
}

/* A thread that waits at the gate, then takes count default names. */
struct batch {
    sem_t *gate;
    int count;
    int failures; /* calls that did not return 0 */
};

static void *take_names(void *arg)
{
    struct batch *b = arg;
    char buf[THREAD_NAME_MAX];
    wb_sem_wait_for(b->gate, 10);
    for (int i = 0; i < b->count; i++)
        b->failures += thread_default_name(buf, sizeof buf) != 0;
    return NULL;
}

/* threads threads take per_thread default names each, all at once (they start
 * together from a gate). Each call must use up exactly one number: the name taken
 * afterwards tells how many were used up. A counter incremented without its lock
 * loses increments, and two calls then hand out the same name. */
static void check_no_number_lost(int threads, int per_thread)
{
    sem_t gate;
    sem_init(&gate, 0, 0);
    struct batch batches[8];
    pthread_t tids[8];
    unsigned long before = default_number();
    for (int t = 0; t < threads; t++) {
        batches[t] = (struct batch){&gate, per_thread, 0};
        tids[t] = wb_thread_start(take_names, &batches[t]);
    }
    for (int t = 0; t < threads; t++)
        sem_post(&gate);
    int failures = 0;
    for (int t = 0; t < threads; t++) {
        wb_thread_join(tids[t]);
        failures += batches[t].failures;
    }
    sem_destroy(&gate);
    unsigned long after = default_number();
    unsigned long total = (unsigned long)threads * (unsigned long)per_thread;
    ck_assert_msg(failures == 0, "%d calls of thread_default_name failed", failures);
    ck_assert_msg(after == before + total + 1,
                  "%d threads took %d default names each at the same time, between "
                  "Thread-%lu and Thread-%lu: %lu numbers were lost, so as many names were "
                  "handed out twice; read and increment the counter under a lock",
                  threads, per_thread, before, after, before + total + 1 - after);
}

WB_TEST(default_names_unique_across_threads)
{
    check_no_number_lost(4, 1000000);
}

WB_TEST(default_names_unique_across_few_threads)
{
    check_no_number_lost(3, 20);
}

WB_TEST(current_name_of_main_thread_is_mainthread)
{
    const char *name = thread_current_name();
    ck_assert_msg(thread_current() == NULL,
                  "thread_current() in the main thread: expected NULL (it was not started "
                  "by thread_start)");
    ck_assert_msg(name != NULL && strcmp(name, "MainThread") == 0,
                  "thread_current_name() in the main thread: got \"%s\", expected "
                  "\"MainThread\"", name != NULL ? name : "(null)");
}

/* Two plain threads each set their own current thread object, then, once both have set
 * theirs, look again: each must still see its own. */
struct current_check {
    struct thread *self;
    sem_t *mine_set, *other_set;
    struct thread *seen;
    const char *seen_name;
};

static void *set_and_look(void *arg)
{
    struct current_check *c = arg;
    thread_set_current(c->self);
    sem_post(c->mine_set);
    wb_sem_wait_for(c->other_set, 5);
    c->seen = thread_current();
    c->seen_name = thread_current_name();
    return NULL;
}

WB_TEST(current_thread_is_per_thread)
{
    struct thread a = {.name = "alpha"}, b = {.name = "beta"};
    sem_t a_set, b_set;
    sem_init(&a_set, 0, 0);
    sem_init(&b_set, 0, 0);
    struct current_check ca = {&a, &a_set, &b_set, NULL, NULL};
    struct current_check cb = {&b, &b_set, &a_set, NULL, NULL};
    pthread_t ta = wb_thread_start(set_and_look, &ca);
    pthread_t tb = wb_thread_start(set_and_look, &cb);
    wb_thread_join(ta);
    wb_thread_join(tb);
    sem_destroy(&a_set);
    sem_destroy(&b_set);
    ck_assert_msg(ca.seen == &a && cb.seen == &b,
                  "two threads set their current thread object to a and b; then they saw "
                  "%s and %s: each thread must have its own (_Thread_local)",
                  ca.seen == &a ? "a" : ca.seen == &b ? "b" : "neither",
                  cb.seen == &b ? "b" : cb.seen == &a ? "a" : "neither");
    ck_assert_msg(ca.seen_name && strcmp(ca.seen_name, "alpha") == 0 && cb.seen_name &&
                      strcmp(cb.seen_name, "beta") == 0,
                  "thread_current_name() must be the current thread object's name: got "
                  "\"%s\" and \"%s\", expected \"alpha\" and \"beta\"",
                  ca.seen_name ? ca.seen_name : "(null)", cb.seen_name ? cb.seen_name : "(null)");
    ck_assert_msg(thread_current() == NULL,
                  "other threads set theirs, yet the main thread's thread_current() changed");
}
