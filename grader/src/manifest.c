/* manifest.c - sizes and SHA-256 hashes of what a grading depended on, and the resume
 * decision. A hash, not a time stamp: a clone or a checkout rewrites every file's time,
 * and a student's file can be changed back to the same size. */
#include "manifest.h"

#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sha256.h"
#include "workfile.h"

enum { HASHED_MAX = 64 << 20, MANIFEST_MAX = 16 << 20, REPORT_MAX = 64 << 20 };

/* Hashes what fd holds into h; -1 on a read error. */
static int hash_fd(int fd, struct sha256 *h)
{
    char buf[65536];
    ssize_t got;
    while ((got = read(fd, buf, sizeof buf)) > 0)
        sha256_update(h, buf, (size_t)got);
    return got < 0 ? -1 : 0;
}

char *manifest_file_hash(const char *path)
{
    int fd = workfile_open(path, HASHED_MAX, NULL, 0);
    if (fd < 0)
        return NULL;
    struct sha256 h;
    sha256_init(&h);
    int rc = hash_fd(fd, &h);
    close(fd);
    if (rc < 0)
        return NULL;
    char *hex = xcalloc(65, 1);
    sha256_final_hex(&h, hex);
    return hex;
}

/* One file's line of the manifest (to free). */
static char *file_line(const char *label, const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return xasprintf("file %s missing\n", label);
    if (S_ISLNK(st.st_mode))
        return xasprintf("file %s link\n", label);
    if (!S_ISREG(st.st_mode))
        return xasprintf("file %s not-regular\n", label);
    char *hex = manifest_file_hash(path);
    char *line = hex ? xasprintf("file %s %lld %s\n", label, (long long)st.st_size, hex)
                     : xasprintf("file %s unreadable %lld\n", label, (long long)st.st_size);
    free(hex);
    return line;
}

static void append_owned(char **text, char *more)
{
    char *longer = xasprintf("%s%s", *text, more);
    free(*text);
    free(more);
    *text = longer;
}

char *manifest_build(const char *context, const char *sub_chapters,
                     const struct chapter *const *chs, size_t n)
{
    char *text = xasprintf("wb-manifest 1\n%s", context);
    for (size_t c = 0; c < n; c++)
        for (size_t f = 0; f < chs[c]->n_student_files; f++) {
            char *label = xasprintf("%s/%s", chs[c]->id, chs[c]->student_files[f]);
            char *path = path_join(sub_chapters, label);
            append_owned(&text, file_line(label, path));
            free(path);
            free(label);
        }
    return text;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds dir's entries (sorted), their paths from the tree's top as prefix/NAME. */
static void hash_tree(struct sha256 *h, const char *dir, const char *prefix, int depth)
{
    DIR *d = opendir(dir);
    if (d == NULL || depth > 16) {
        if (d)
            closedir(d);
        return;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        names = xrealloc(names, (n + 1) * sizeof *names);
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_string);
    for (size_t i = 0; i < n; i++) {
        char *path = path_join(dir, names[i]);
        char *label = xasprintf("%s%s", prefix, names[i]);
        struct stat st;
        char *line = NULL;
        if (lstat(path, &st) < 0)
            line = xasprintf("gone %s\n", label);
        else if (S_ISDIR(st.st_mode)) {
            line = xasprintf("dir %s\n", label);
            sha256_update(h, line, strlen(line));
            free(line);
            line = NULL;
            char *sub = xasprintf("%s/", label);
            hash_tree(h, path, sub, depth + 1);
            free(sub);
        } else if (S_ISREG(st.st_mode)) {
            char *hex = manifest_file_hash(path);
            line = xasprintf("file %s %lld %s\n", label, (long long)st.st_size,
                             hex ? hex : "unreadable");
            free(hex);
        } else
            line = xasprintf("other %s %o\n", label, (unsigned)st.st_mode);
        if (line) {
            sha256_update(h, line, strlen(line));
            free(line);
        }
        free(label);
        free(path);
        free(names[i]);
    }
    free(names);
}

char *manifest_tree_hash(const char *dir)
{
    if (!is_dir(dir))
        return xstrdup("missing");
    struct sha256 h;
    sha256_init(&h);
    hash_tree(&h, dir, "", 0);
    char *hex = xcalloc(65, 1);
    sha256_final_hex(&h, hex);
    return hex;
}

/* Whether the report at path is one whole, complete grading. */
static bool report_complete(const char *path)
{
    char *text = workfile_read(path, REPORT_MAX, NULL);
    if (text == NULL)
        return false;
    json_t *root = json_loads(text, 0, NULL);
    free(text);
    bool complete = root && json_is_true(json_object_get(root, "complete"));
    json_decref(root);
    return complete;
}

enum manifest_decision manifest_decide(const char *stored_path, const char *current,
                                       const char *json_path, bool force)
{
    if (force)
        return MANIFEST_GRADE_FORCED;
    char *stored = workfile_read(stored_path, MANIFEST_MAX, NULL);
    if (stored == NULL)
        return MANIFEST_GRADE_NEW;
    bool same = strcmp(stored, current) == 0;
    free(stored);
    if (!same)
        return MANIFEST_GRADE_CHANGED;
    if (!report_complete(json_path))
        return MANIFEST_GRADE_INCOMPLETE;
    return MANIFEST_SKIP;
}

const char *manifest_decision_reason(enum manifest_decision d)
{
    static const char *const reasons[] = {
        [MANIFEST_GRADE_NEW] = "not graded yet",
        [MANIFEST_GRADE_CHANGED] = "its student files or the workbook changed",
        [MANIFEST_GRADE_INCOMPLETE] = "its report is missing or incomplete",
        [MANIFEST_GRADE_FORCED] = "--force",
        [MANIFEST_SKIP] = "unchanged since its last grading",
    };
    return reasons[d];
}

int manifest_save(const char *path, const char *text)
{
    return write_file_atomically(path, text);
}
