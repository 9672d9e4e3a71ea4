/* strings.c - small strings on the heap. */
#include "strings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *name_copy(const char *s)
{
    char *copy = malloc(strlen(s) + 1); /* + 1 for the final '\0' */
    if (copy)
        strcpy(copy, s);
    return copy;
}

char *describe(long value)
{
    char *text = malloc(32);
    if (text)
        snprintf(text, 32, "value=%ld", value);
    return text;
}
