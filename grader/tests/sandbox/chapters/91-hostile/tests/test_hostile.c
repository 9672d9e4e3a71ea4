/* test_hostile.c - an honest test, the hostile one, and another honest test after it:
 * whatever hostile_act() does, the tests around it must still be graded. */
#include "hostile.h"
#include "wb_test.h"

WB_TEST(honest_function_works)
{
    ck_assert_int_eq(hostile_ok(), 42);
}

WB_TEST(hostile_act_is_contained)
{
    int breaches = hostile_act();
    ck_assert_msg(breaches == 0, "hostile_act() breached the sandbox %d time(s)", breaches);
}

WB_TEST(honest_after)
{
    ck_assert_int_eq(hostile_ok(), 42);
}
