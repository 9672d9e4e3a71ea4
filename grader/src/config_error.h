/* config_error.h - errors in the workbook's libconfig files (chapter.cfg, extra.cfg),
 * named by file and line. */
#ifndef CONFIG_ERROR_H
#define CONFIG_ERROR_H

#include <libconfig.h>
#include <stddef.h>

/* Writes "FILE:LINE: message" (or "FILE: message" when at is NULL) into err and
 * returns -1. */
int cfg_fail(char *err, size_t errlen, const char *file, const config_setting_t *at,
             const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
