/* report_autolab.c - the line Autolab reads: the last line of the autograder's output,
 *
 *   {"scores": {"01-fork": 45, "02-process": 59}}
 *
 * one key per chapter graded, named by its folder: the assessment's problems must be
 * named so (README: Autolab). A chapter's score includes its hidden tests'. */
#include "exports.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

int report_autolab_write(const char *path, const struct chapter_result *rs, size_t n,
                         char *err, size_t errlen)
{
    json_t *scores = json_object();
    for (size_t c = 0; c < n; c++)
        json_object_set_new(scores, rs[c].chapter->id, json_real(rs[c].score));
    json_t *root = json_pack("{s:o}", "scores", scores);
    char *line = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(root);
    FILE *out = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    int rc = line && out && fprintf(out, "%s\n", line) > 0 ? 0 : -1;
    if (out && out != stdout && fclose(out) != 0)
        rc = -1;
    free(line);
    if (rc < 0)
        snprintf(err, errlen, "cannot write Autolab's scores %s", path);
    return rc;
}
