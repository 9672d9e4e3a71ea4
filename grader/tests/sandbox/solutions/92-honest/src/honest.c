/* honest.c - the sum of an array, nothing more. */
#include "honest.h"

long honest_sum(const int *values, int n)
{
    long sum = 0;
    for (int i = 0; i < n; i++)
        sum += values[i];
    return sum;
}
