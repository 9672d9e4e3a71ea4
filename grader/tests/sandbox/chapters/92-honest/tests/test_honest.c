/* test_honest.c - two plain tests of honest_sum. */
#include "honest.h"
#include "wb_test.h"

WB_TEST(honest_sum_adds)
{
    int values[] = {1, 2, 3, 40};
    ck_assert_int_eq(honest_sum(values, 4), 46);
}

WB_TEST(honest_sum_of_nothing_is_zero)
{
    ck_assert_int_eq(honest_sum(NULL, 0), 0);
}
