/* hostile.c - the honest solution of the sandbox fixtures' chapter: attacks nothing. */
#include "hostile.h"

int hostile_act(void)
{
    return 0;
}

int hostile_ok(void)
{
    return 42;
}
