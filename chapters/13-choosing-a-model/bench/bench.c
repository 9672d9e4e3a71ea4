/* bench.c - `make bench`: the course's timing scripts, on your models (src/).
 *
 * Two CPU-bound jobs (each step asks whether 112272535095293 is prime by trial
 * division, as the course's is_prime does) and two I/O-bound jobs (each waits, sleeping
 * like a download that takes a while), run serially, in two threads under the GIL, in
 * two threads without a GIL and in two processes. Prints the wall time and the CPU time
 * of each run. An illustration of the lesson: the grade never looks at time.
 *
 *   bench [STEPS [INTERVAL [WAIT_SECONDS]]]     defaults: 40 1 0.5 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "workers.h"

static const long long prime = 112272535095293LL; /* the course's PRIMES[0] */
static double wait_seconds = 0.5;

static long is_prime_step(void *arg, long step)
{
    (void)arg;
    (void)step;
    long long n = prime;
    if (n % 2 == 0)
        return n == 2;
    long long limit = (long long)sqrt((double)n);
    for (long long d = 3; d <= limit; d += 2)
        if (n % d == 0)
            return 0;
    return 1;
}

static long download(void *arg)
{
    (void)arg;
    struct timespec t = {(time_t)wait_seconds,
                         (long)((wait_seconds - (double)(time_t)wait_seconds) * 1e9)};
    while (nanosleep(&t, &t) != 0)
        continue;
    return 1;
}

static double seconds(const struct timespec *t)
{
    return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

static double cpu_seconds(void)
{
    struct rusage self, children;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    return (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec + children.ru_utime.tv_sec +
                    children.ru_stime.tv_sec) +
           (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec + children.ru_utime.tv_usec +
                    children.ru_stime.tv_usec) / 1e6;
}

enum model { SERIAL, GIL_THREADS, FREE_THREADS, PROCESSES, MODELS };
static const char *const model_names[MODELS] = {"serial", "threads, GIL", "threads, no GIL",
                                                "processes"};

/* Runs two copies of job the model's way; prints wall and CPU seconds. */
static void run(enum model m, const struct job *job, long interval, long *switches)
{
    struct job jobs[2] = {*job, *job};
    long results[2];
    struct gil gil;
    if (m == GIL_THREADS && gil_init(&gil, interval) < 0) {
        perror("gil_init");
        exit(1);
    }
    struct timespec start, end;
    double cpu = cpu_seconds();
    clock_gettime(CLOCK_MONOTONIC, &start);
    int rc = m == SERIAL        ? run_serial(jobs, 2, results)
             : m == GIL_THREADS ? run_threads(&gil, jobs, 2, results)
             : m == FREE_THREADS ? run_threads(NULL, jobs, 2, results)
                                 : run_processes(jobs, 2, results);
    clock_gettime(CLOCK_MONOTONIC, &end);
    cpu = cpu_seconds() - cpu;
    if (rc < 0) {
        perror(model_names[m]);
        exit(1);
    }
    if (m == GIL_THREADS) {
        *switches = gil_switches(&gil);
        gil_destroy(&gil);
    }
    printf("  %-16s %6.2f s wall %6.2f s CPU\n", model_names[m], seconds(&end) - seconds(&start),
           cpu);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    long steps = argc > 1 ? atol(argv[1]) : 40;
    long interval = argc > 2 ? atol(argv[2]) : 1;
    if (argc > 3)
        wait_seconds = atof(argv[3]);
    struct job cpu_job = {.compute = is_prime_step, .steps = steps};
    struct job io_job = {.wait = download};
    long switches = 0;

    printf("two CPU-bound jobs (%ld steps of is_prime(%lld) each), GIL interval %ld:\n",
           steps, prime, interval);
    for (enum model m = SERIAL; m < MODELS; m++)
        run(m, &cpu_job, interval, &switches);
    printf("  (the GIL changed hands %ld times)\n", switches);
    printf("two I/O-bound jobs (a %.2f s wait each):\n", wait_seconds);
    for (enum model m = SERIAL; m < MODELS; m++)
        run(m, &io_job, interval, &switches);
    return 0;
}
