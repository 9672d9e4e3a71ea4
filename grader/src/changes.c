/* changes.c - the workbook files a submission changed: grading ignores them, so the
 * student is told, rather than left to believe that an edited test or metadata counts.
 * Files a submission lacks are not named: many hold only their student files. */
#include "grader.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { COMPARE_CHUNK = 65536 };

struct change_list {
    char **paths;
    size_t n;
};

/* What a walk compares: files under `from` against the same paths under `against`,
 * each named shown + its relative path; the student files of `ch` are skipped. */
struct walk {
    const char *from, *against, *shown;
    const struct chapter *ch; /* NULL outside chapter folders */
    struct change_list *list;
};

static void add_change(struct change_list *l, char *path)
{
    l->paths = xrealloc(l->paths, (l->n + 1) * sizeof *l->paths);
    l->paths[l->n++] = path;
}

/* Both regular files with the same bytes. */
static bool same_content(const char *a, const char *b)
{
    struct stat sa, sb;
    if (lstat(a, &sa) < 0 || lstat(b, &sb) < 0 || !S_ISREG(sa.st_mode) ||
        !S_ISREG(sb.st_mode) || sa.st_size != sb.st_size)
        return false;
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    bool same = fa && fb;
    char *ba = xcalloc(2, COMPARE_CHUNK), *bb = ba + COMPARE_CHUNK;
    while (same) {
        size_t na = fread(ba, 1, COMPARE_CHUNK, fa), nb = fread(bb, 1, COMPARE_CHUNK, fb);
        same = na == nb && memcmp(ba, bb, na) == 0;
        if (na < COMPARE_CHUNK)
            break;
    }
    free(ba);
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

static bool is_student_file(const struct chapter *ch, const char *rel)
{
    for (size_t i = 0; ch && i < ch->n_student_files; i++)
        if (strcmp(ch->student_files[i], rel) == 0)
            return true;
    return false;
}

/* A submission file that the workbook lacks or holds with other bytes. */
static void visit_changed(const struct walk *w, const char *rel)
{
    char *mine = path_join(w->from, rel), *theirs = path_join(w->against, rel);
    if (!same_content(mine, theirs))
        add_change(w->list, xasprintf("%s%s", w->shown, rel));
    free(mine);
    free(theirs);
}

/* Visits every entry under w->from/rel that is not a folder (links and devices
 * included: they are changes too), without following links to folders. */
static void walk_tree(const struct walk *w, const char *rel)
{
    char *dir = rel ? path_join(w->from, rel) : xstrdup(w->from);
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *child = rel ? path_join(rel, e->d_name) : xstrdup(e->d_name);
        char *full = path_join(w->from, child);
        struct stat st;
        if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode))
            walk_tree(w, child);
        else if (!is_student_file(w->ch, child))
            visit_changed(w, child);
        free(full);
        free(child);
    }
    if (d)
        closedir(d);
    free(dir);
}

/* A real folder: a linked one is never followed (collect refuses it, and following it
 * would list files from outside the submission). */
static bool real_folder(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void compare_chapter(const struct chapter *ch, const char *sub_chapters,
                            const char *prefix, struct change_list *l)
{
    char *sub = path_join(sub_chapters, ch->id);
    char *shown = xasprintf("%s%s/", prefix, ch->id);
    struct walk changed = {sub, ch->dir, shown, ch, l};
    if (real_folder(sub)) /* a missing or linked one is collect's to report */
        walk_tree(&changed, NULL);
    free(shown);
    free(sub);
}

/* The repository root's Makefile and grader/: only what the submission holds counts,
 * since a student's copy need not carry all of the workbook's (its own tests). */
static void compare_root(const char *root, const char *sub_root, struct change_list *l)
{
    char *sub_grader = path_join(sub_root, "grader"), *grader = path_join(root, "grader");
    struct walk changed = {sub_grader, grader, "grader/", NULL, l};
    if (real_folder(sub_grader))
        walk_tree(&changed, NULL);
    struct walk makefile = {sub_root, root, "", NULL, l};
    char *sub_makefile = path_join(sub_root, "Makefile");
    struct stat st;
    if (lstat(sub_makefile, &st) == 0)
        visit_changed(&makefile, "Makefile");
    free(sub_makefile);
    free(grader);
    free(sub_grader);
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t workbook_changes(const char *root, const char *sub_chapters, const char *prefix,
                        const struct chapter *const *chs, size_t n, char ***out)
{
    struct change_list l = {0};
    for (size_t i = 0; i < n; i++)
        compare_chapter(chs[i], sub_chapters, prefix, &l);
    size_t len = strlen(sub_chapters), folder = strlen("/chapters");
    if (prefix[0] != '\0' && len > folder) { /* a repository root: ROOT/chapters */
        char *sub_root = xstrdup(sub_chapters);
        sub_root[len - folder] = '\0';
        compare_root(root, sub_root, &l);
        free(sub_root);
    }
    if (l.n > 1)
        qsort(l.paths, l.n, sizeof *l.paths, compare_paths);
    *out = l.paths;
    return l.n;
}

void workbook_changes_free(char **changed, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(changed[i]);
    free(changed);
}
