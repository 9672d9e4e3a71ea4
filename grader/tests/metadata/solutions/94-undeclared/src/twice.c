/* twice.c - a number doubled. */
#include "twice.h"

int twice(int n)
{
    return 2 * n;
}
