/* config_error.c - errors in the workbook's libconfig files, by file and line. */
#include "config_error.h"

#include <stdarg.h>
#include <stdio.h>

int cfg_fail(char *err, size_t errlen, const char *file, const config_setting_t *at,
             const char *fmt, ...)
{
    int used = at ? snprintf(err, errlen, "%s:%d: ", file, config_setting_source_line(at))
                  : snprintf(err, errlen, "%s: ", file);
    if (used < 0 || (size_t)used >= errlen)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + used, errlen - (size_t)used, fmt, ap);
    va_end(ap);
    return -1;
}
