/* test_twice.c - one declared test, and one chapter.cfg forgot. */
#include "twice.h"
#include "wb_test.h"

WB_TEST(twice_doubles)
{
    ck_assert_int_eq(twice(21), 42);
}

WB_TEST(twice_of_zero_is_zero) /* not in chapter.cfg */
{
    ck_assert_int_eq(twice(0), 0);
}
