/* test_seeds_example.c - the course's Value / Array example, in C.
 *
 *     def f(n, a):
 *         n.value = 3.1415927
 *         for i in a:
 *             a[i] = -a[i]
 *
 *     num = Value('d', 0.0)
 *     arr = Array('i', range(10))
 *     p = Process(target=f, args=(num, arr)); p.start(); p.join()
 *     print(num.value)   # 3.1415927
 *     print(arr[:])      # [0, -1, -2, -3, -4, -5, -6, -7, -8, -9]
 */
#include <errno.h>
#include <string.h>

#include "shared_array.h"
#include "shared_value.h"
#include "wb_test.h"

struct f_args {
    struct shm_value *n;
    struct shm_array *a;
};

static int f(void *arg)
{
    struct f_args *args = arg;
    if (shm_value_set(args->n, &(double){3.1415927}) != 0)
        return 1;
    for (size_t i = 0; i < shm_array_len(args->a); i++) {
        int x;
        if (shm_array_get(args->a, i, &x) != 0 || shm_array_set(args->a, i, &(int){-x}) != 0)
            return 2;
    }
    return 0;
}

WB_TEST(seeds_example_child_sets_pi_and_negates_array)
{
    int range10[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    struct shm_value *num = shm_value_new('d', &(double){0.0}, true);
    struct shm_array *arr = shm_array_new('i', 10, range10, true);
    ck_assert_msg(num != NULL && arr != NULL, "Value('d', 0.0) or Array('i', range(10)) "
                  "failed (errno %s)", strerror(errno));
    pid_t p = wb_child_run(f, &(struct f_args){num, arr});
    int code = wb_wait_exitcode(p, 10);
    double value = 0;
    int items[10] = {0};
    int rc = shm_value_get(num, &value) | shm_array_read(arr, items);
    shm_value_free(num);
    shm_array_free(arr);
    ck_assert_msg(code == 0, "f failed in the child (exit %d)", code);
    ck_assert_msg(rc == 0, "reading num or arr in the parent failed");
    ck_assert_msg(value == 3.1415927, "print(num.value) should show 3.1415927, got %g", value);
    for (int i = 0; i < 10; i++)
        ck_assert_msg(items[i] == -i, "print(arr[:]) should show [0, -1, ..., -9]; arr[%d] is %d",
                      i, items[i]);
}
