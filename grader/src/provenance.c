/* provenance.c - the commits, version and time every report carries.
 *
 * A submission's repository is untrusted: running git in it could run what its
 * configuration asks (core.fsmonitor, hooks of other commands), and git refuses a
 * repository another user owns unless safe.directory says otherwise. So git is not
 * run: HEAD and the refs are read as files, each through workfile_open (no link
 * followed, no FIFO waited on, small regular files only), and only a commit's hex name
 * leaves this file. */
#include "provenance.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "grader.h"
#include "workfile.h"

enum { GIT_FILE_MAX = 4096, PACKED_REFS_MAX = 16 << 20, MAX_SYMREF_DEPTH = 5 };

/* The hex name at the start of s when it is one (40 or 64 digits, then the end of the
 * line or a space), else NULL (to free). */
static char *hex_name(const char *s)
{
    size_t n = 0;
    while (isxdigit((unsigned char)s[n]) && !isupper((unsigned char)s[n]))
        n++;
    if ((n != 40 && n != 64) || (s[n] != '\0' && s[n] != '\n' && s[n] != ' '))
        return NULL;
    char *name = xcalloc(n + 1, 1);
    memcpy(name, s, n);
    return name;
}

static char *read_small(const char *dir, const char *name, size_t max)
{
    char *path = path_join(dir, name);
    char *text = workfile_read(path, max, NULL);
    free(path);
    return text;
}

/* refs/heads/main and the like: under refs/, no "..", no odd characters. */
static bool safe_ref_name(const char *ref)
{
    if (strncmp(ref, "refs/", 5) != 0 || strstr(ref, "..") || strstr(ref, "//"))
        return false;
    for (const char *c = ref; *c; c++)
        if (!isalnum((unsigned char)*c) && !strchr("/-_.+@", *c))
            return false;
    return ref[strlen(ref) - 1] != '/';
}

/* The folder of the repository's git data: dir/.git, or where a .git file points. */
static char *git_dir_of(const char *dir)
{
    char *dotgit = path_join(dir, ".git");
    struct stat st;
    bool found = lstat(dotgit, &st) == 0;
    if (found && S_ISDIR(st.st_mode))
        return dotgit;
    char *text = found && S_ISREG(st.st_mode) ? workfile_read(dotgit, GIT_FILE_MAX, NULL) : NULL;
    free(dotgit);
    if (text == NULL || strncmp(text, "gitdir: ", 8) != 0) {
        free(text);
        return NULL;
    }
    char *target = text + 8;
    target[strcspn(target, "\n")] = '\0';
    char *gitdir = target[0] == '/' ? xstrdup(target) : path_join(dir, target);
    free(text);
    return gitdir;
}

/* Where the refs are: a worktree's git folder names its repository's in "commondir". */
static char *common_dir_of(const char *gitdir)
{
    char *text = read_small(gitdir, "commondir", GIT_FILE_MAX);
    if (text == NULL)
        return xstrdup(gitdir);
    text[strcspn(text, "\n")] = '\0';
    char *common = text[0] == '/' ? xstrdup(text) : path_join(gitdir, text);
    free(text);
    return common;
}

/* The line "HEX REF" of packed-refs, when there is one. */
static char *packed_ref(const char *common, const char *ref)
{
    char *packed = read_small(common, "packed-refs", PACKED_REFS_MAX);
    char *found = NULL;
    size_t ref_len = strlen(ref);
    for (char *line = packed; line && *line && !found;) {
        char *end = line + strcspn(line, "\n");
        char *space = strchr(line, ' ');
        if (space && space < end && (size_t)(end - space - 1) == ref_len &&
            strncmp(space + 1, ref, ref_len) == 0)
            found = hex_name(line);
        line = *end ? end + 1 : end;
    }
    free(packed);
    return found;
}

char *git_head_commit(const char *dir)
{
    char *gitdir = git_dir_of(dir);
    if (gitdir == NULL)
        return NULL;
    char *common = common_dir_of(gitdir);
    char *text = read_small(gitdir, "HEAD", GIT_FILE_MAX);
    char *commit = NULL;
    for (int depth = 0; text && !commit && depth < MAX_SYMREF_DEPTH; depth++) {
        commit = hex_name(text);
        if (commit || strncmp(text, "ref: ", 5) != 0)
            break;
        char *ref = xstrdup(text + 5);
        ref[strcspn(ref, "\n")] = '\0';
        free(text);
        text = NULL;
        if (!safe_ref_name(ref)) {
            free(ref);
            break;
        }
        text = read_small(gitdir, ref, GIT_FILE_MAX);
        if (text == NULL)
            text = read_small(common, ref, GIT_FILE_MAX);
        if (text == NULL)
            commit = packed_ref(common, ref);
        free(ref);
    }
    free(text);
    free(common);
    free(gitdir);
    return commit;
}

char *provenance_now(void)
{
    time_t now = time(NULL);
    struct tm tm;
    char buf[32];
    gmtime_r(&now, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return xstrdup(buf);
}

void provenance_read(struct provenance *p, const char *root, const char *submission)
{
    p->submission_commit = submission ? git_head_commit(submission) : NULL;
    p->workbook_commit = git_head_commit(root);
    p->grader_version = GRADER_VERSION;
    p->graded_at = provenance_now();
}

void provenance_free(struct provenance *p)
{
    free(p->submission_commit);
    free(p->workbook_commit);
    free(p->graded_at);
}
