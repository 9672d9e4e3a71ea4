/* helpers.c - what this chapter's tests share. */
#include "helpers.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "wb_test.h"

int count_threads(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    ck_assert_msg(f != NULL, "cannot open /proc/self/status");
    char line[256];
    int n = -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "Threads: %d", &n) == 1)
            break;
    fclose(f);
    return n;
}
