/* valgrindlog.c - reads valgrind's XML (libxml2) into findings a student can act on.
 *
 * One XML file per process (valgrind's %p). An error counts against the student only
 * when one of its stacks has a frame in a student file; the others, and known false
 * alarms of correct code, are counted as ignored. The same problem hit by several
 * tests is one finding: (kind, student lines, variable) identifies it. A file cut
 * off by a timeout is read as far as its errors are complete. */
#include "grader.h"
#include "workfile.h"

#include <dirent.h>
#include <limits.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_WHERE = 8, MAX_PIDS = 4096 };

struct pid_map {
    int pid[MAX_PIDS], parent[MAX_PIDS];
    char *test[MAX_PIDS];
    size_t n;
};

struct frame {
    char *path; /* dir/file as valgrind gives it */
    int line;
};

static char *text_of(xmlNode *node, const char *name)
{
    for (xmlNode *c = node ? node->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return (char *)xmlNodeGetContent(c);
    return NULL;
}

static xmlNode *child(xmlNode *node, const char *name)
{
    for (xmlNode *c = node ? node->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

/* The student file a frame is in ("src/x.c"), or NULL. */
static const char *student_file(const struct valgrind_scope *s, const char *dir,
                                 const char *file)
{
    size_t len = strlen(s->work);
    if (dir == NULL || file == NULL || strncmp(dir, s->work, len) != 0 || dir[len] != '/')
        return NULL;
    for (size_t i = 0; i < s->chapter->n_student_files; i++) {
        const char *rel = s->chapter->student_files[i];
        const char *slash = strrchr(rel, '/');
        size_t dir_len = (size_t)(slash - rel);
        if (strcmp(file, slash + 1) == 0 && strlen(dir + len + 1) == dir_len &&
            strncmp(dir + len + 1, rel, dir_len) == 0)
            return rel;
    }
    return NULL;
}

/* The text of line `line` of the student's file, trimmed. */
static char *source_text(const char *work, const char *rel, int line)
{
    char *path = path_join(work, rel);
    char *text = read_text_file(path, 1 << 20);
    free(path);
    if (text == NULL)
        return xstrdup("");
    const char *p = text;
    for (int i = 1; i < line && p; i++) {
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    char *out = xstrdup("");
    if (p) {
        p += strspn(p, " \t");
        free(out);
        out = xasprintf("%.*s", (int)strcspn(p, "\n"), p);
    }
    free(text);
    return out;
}

/* What valgrind says the address is: the variable's name in quotes, or the block. */
static char *variable_of(const char *aux)
{
    const char *q = aux ? strchr(aux, '"') : NULL;
    const char *end = q ? strchr(q + 1, '"') : NULL;
    if (end)
        return xasprintf("%.*s", (int)(end - q - 1), q + 1);
    if (aux && strstr(aux, "alloc'd"))
        return xstrdup("a heap block");
    return NULL;
}

static const char *hint_for(const char *kind)
{
    if (strcmp(kind, "Race") == 0)
        return "protect both accesses with the same lock";
    if (strcmp(kind, "LockOrder") == 0)
        return "two threads take the same locks in opposite orders, which can deadlock: "
               "always take them in one order";
    if (strncmp(kind, "Unlock", 6) == 0)
        return "unlock only a mutex that this thread has locked";
    if (strncmp(kind, "Leak_", 5) == 0)
        return "free the block when it is no longer needed";
    if (strncmp(kind, "Invalid", 7) == 0)
        return "stay inside the block you allocated (mind the size and the final '\\0')";
    if (strcmp(kind, "UninitCondition") == 0 || strcmp(kind, "UninitValue") == 0)
        return "give the variable a value before using it";
    return "see the valgrind manual for this kind of error";
}

/* True when a stack of the error runs through pthread_once (helgrind 3.19 does not
 * intercept it, so it cannot see that pthread_once orders the initialisation before
 * every later use). */
static bool through_pthread_once(xmlNode *error)
{
    for (xmlNode *st = error->children; st; st = st->next) {
        if (st->type != XML_ELEMENT_NODE || strcmp((const char *)st->name, "stack") != 0)
            continue;
        for (xmlNode *f = st->children; f; f = f->next) {
            char *fn = f->type == XML_ELEMENT_NODE ? text_of(f, "fn") : NULL;
            bool once = fn && (strncmp(fn, "__pthread_once", 14) == 0 ||
                               strncmp(fn, "pthread_once", 12) == 0);
            xmlFree(fn);
            if (once)
                return true;
        }
    }
    return false;
}

/* Correct code that helgrind complains about; see the README. Each filter matches
 * helgrind's own words, narrowly:
 *  - signalling or broadcasting without holding the mutex is correct POSIX; helgrind
 *    calls it "dubious" when no thread holds the mutex, and says "associated lock is
 *    not held by calling thread" when another thread does;
 *  - "Bug in libpthread" comes with process-shared semaphores;
 *  - a race through pthread_once's initialisation (see through_pthread_once). */
static bool known_false_alarm(xmlNode *error, const char *kind, const char *what)
{
    if (strcmp(kind, "Misc") == 0)
        return strstr(what, "pthread_cond_{signal,broadcast}: dubious: associated lock is not "
                            "held by any thread") ||
               strstr(what, "pthread_cond_{signal,broadcast}: associated lock is not held by "
                            "calling thread") ||
               strstr(what, "Bug in libpthread");
    return strcmp(kind, "Race") == 0 && through_pthread_once(error);
}

struct error_info {
    char *kind, *what;
    char *aux;             /* every auxwhat text, joined */
    char *where[MAX_WHERE]; /* student lines, "src/x.c:12" */
    char *lines_text;      /* those lines with their source */
    size_t n_where;
};

static void add_where(struct error_info *e, const struct valgrind_scope *s, const char *rel,
                      int line)
{
    char *where = xasprintf("%s:%d", rel, line);
    for (size_t i = 0; i < e->n_where; i++)
        if (strcmp(e->where[i], where) == 0) {
            free(where);
            return;
        }
    if (e->n_where == MAX_WHERE) {
        free(where);
        return;
    }
    char *src = source_text(s->work, rel, line);
    char *joined = xasprintf("%s\n    %s: %s", e->lines_text, where, src);
    free(e->lines_text);
    e->lines_text = joined;
    free(src);
    e->where[e->n_where++] = where;
}

/* The first student frame of each stack of the error: the line the student wrote. */
static void read_stacks(xmlNode *error, const struct valgrind_scope *s, struct error_info *e)
{
    for (xmlNode *st = error->children; st; st = st->next) {
        if (st->type != XML_ELEMENT_NODE || strcmp((const char *)st->name, "stack") != 0)
            continue;
        for (xmlNode *f = st->children; f; f = f->next) {
            if (f->type != XML_ELEMENT_NODE || strcmp((const char *)f->name, "frame") != 0)
                continue;
            char *dir = text_of(f, "dir"), *file = text_of(f, "file"), *line = text_of(f, "line");
            const char *rel = student_file(s, dir, file);
            if (rel && line)
                add_where(e, s, rel, atoi(line));
            xmlFree(dir);
            xmlFree(file);
            xmlFree(line);
            if (rel)
                break;
        }
    }
}

static void read_aux(xmlNode *error, struct error_info *e)
{
    e->aux = xstrdup("");
    for (xmlNode *c = error->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        char *t = strcmp((const char *)c->name, "auxwhat") == 0 ? (char *)xmlNodeGetContent(c)
                  : strcmp((const char *)c->name, "xauxwhat") == 0 ? text_of(c, "text")
                                                                     : NULL;
        if (t) {
            char *joined = xasprintf("%s%s%s", e->aux, e->aux[0] ? "\n    " : "", t);
            free(e->aux);
            e->aux = joined;
            xmlFree(t);
        }
    }
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct finding *find_same(struct analysis_result *a, const struct error_info *e,
                                 const char *variable)
{
    for (size_t i = 0; i < a->n_findings; i++) {
        struct finding *f = &a->findings[i];
        bool same = strcmp(f->kind, e->kind) == 0 && f->n_where == e->n_where &&
                    strcmp(f->variable ? f->variable : "", variable ? variable : "") == 0;
        for (size_t k = 0; same && k < e->n_where; k++)
            same = strcmp(f->where[k], e->where[k]) == 0;
        if (same)
            return f;
    }
    return NULL;
}

static void add_finding(struct analysis_result *a, struct error_info *e, const char *test)
{
    qsort(e->where, e->n_where, sizeof *e->where, by_string);
    char *variable = variable_of(e->aux);
    if (find_same(a, e, variable)) {
        free(variable);
        return;
    }
    a->findings = xrealloc(a->findings, (a->n_findings + 1) * sizeof *a->findings);
    struct finding *f = &a->findings[a->n_findings++];
    *f = (struct finding){.kind = xstrdup(e->kind), .variable = variable,
                          .test = xstrdup(test ? test : "(unknown test)")};
    f->where = xcalloc(e->n_where, sizeof *f->where);
    for (size_t i = 0; i < e->n_where; i++)
        f->where[f->n_where++] = xstrdup(e->where[i]);
    f->message = xasprintf("%s%s%s%s\n  hint: %s", e->what, e->lines_text,
                           e->aux[0] ? "\n    " : "", e->aux, hint_for(e->kind));
    a->errors++;
}

static void read_error(xmlNode *error, const struct valgrind_scope *s, const char *test,
                       struct analysis_result *a)
{
    struct error_info e = {.kind = text_of(error, "kind"), .lines_text = xstrdup("")};
    e.what = text_of(error, "what");
    if (e.what == NULL)
        e.what = text_of(child(error, "xwhat"), "text");
    if (e.kind == NULL || e.what == NULL || child(error, "stack") == NULL) {
        /* cut off by a timeout: not a whole error */
    } else if (known_false_alarm(error, e.kind, e.what) ||
               (strncmp(e.kind, "Leak_", 5) == 0 && strcmp(e.kind, "Leak_DefinitelyLost") != 0)) {
        a->ignored++;
    } else {
        read_stacks(error, s, &e);
        read_aux(error, &e);
        if (e.n_where == 0)
            a->ignored++; /* not the student's: the tests', Check's or the C library's */
        else
            add_finding(a, &e, test);
    }
    xmlFree(e.kind);
    xmlFree(e.what);
    free(e.aux);
    free(e.lines_text);
    for (size_t i = 0; i < e.n_where; i++)
        free(e.where[i]);
}

static void read_pid_log(const char *path, struct pid_map *m)
{
    char *text = read_text_file(path, 1 << 20);
    for (char *line = text ? strtok(text, "\n") : NULL; line && m->n < MAX_PIDS;
         line = strtok(NULL, "\n")) {
        char *space = strchr(line, ' ');
        if (space == NULL)
            continue;
        m->pid[m->n] = atoi(line);
        m->parent[m->n] = 0;
        m->test[m->n++] = xstrdup(space + 1);
    }
    free(text);
}

/* The test a process belongs to: its own entry, or an ancestor's. */
static const char *test_of(const struct pid_map *m, const int *pids, const int *parents,
                           size_t n_files, int pid)
{
    for (int depth = 0; depth < 32 && pid > 0; depth++) {
        for (size_t i = 0; i < m->n; i++)
            if (m->pid[i] == pid)
                return m->test[i];
        int parent = 0;
        for (size_t i = 0; i < n_files; i++)
            if (pids[i] == pid)
                parent = parents[i];
        pid = parent;
    }
    return NULL;
}

/* valgrind writes far less for the small workloads analysed; more is not its doing. */
enum { MAX_XML_BYTES = 64 << 20 };

/* The pid of valgrind's XML file for tool called name ("helgrind.1234.xml"), or 0. */
static int xml_file_pid(const char *name, const char *tool)
{
    size_t prefix = strlen(tool);
    if (strncmp(name, tool, prefix) != 0 || name[prefix] != '.')
        return 0;
    char *end;
    long pid = strtol(name + prefix + 1, &end, 10);
    return pid > 0 && pid <= INT_MAX && strcmp(end, ".xml") == 0 ? (int)pid : 0;
}

/* Parses one XML file; NULL with why set when the file was refused (a link, a FIFO,
 * too large: the code under test replaced it) and with why empty when it is empty. */
static xmlDoc *read_xml_file(const char *path, char *why, size_t whylen)
{
    size_t len;
    why[0] = '\0';
    char *text = workfile_read(path, MAX_XML_BYTES, &len);
    if (text == NULL) {
        int fd = workfile_open(path, MAX_XML_BYTES, why, whylen); /* for the reason */
        if (fd >= 0) {
            close(fd);
            snprintf(why, whylen, "%s changed while it was read", path);
        }
        return NULL;
    }
    xmlDoc *doc = xmlReadMemory(text, (int)len, path, NULL,
                                XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR |
                                    XML_PARSE_NOWARNING);
    free(text);
    if (doc && xmlDocGetRootElement(doc) == NULL) {
        xmlFreeDoc(doc); /* an empty file: the process was killed at once */
        doc = NULL;
    }
    return doc;
}

/* A log the grader could not read may have hidden errors: it is charged as one. */
static void add_unreadable(struct analysis_result *a, const char *why, const char *test)
{
    a->findings = xrealloc(a->findings, (a->n_findings + 1) * sizeof *a->findings);
    a->findings[a->n_findings++] = (struct finding){
        .kind = xstrdup("UnreadableLog"),
        .message = xasprintf("valgrind's log could not be read: %s\n  hint: the code under "
                             "test must not touch the files of the build folder",
                             why),
        .where = xcalloc(1, sizeof(char *)),
        .test = xstrdup(test ? test : "(unknown test)"),
    };
    a->errors++;
}

/* valgrind's XML files for tool in xml_dir, parsed, with each process's pid and
 * parent; refused files are charged to the student. */
struct xml_docs {
    xmlDoc **doc;
    int *pid, *parent;
    size_t n;
};

static void read_xml_files(const struct valgrind_scope *s, const char *xml_dir,
                           const char *tool, const struct pid_map *m, struct xml_docs *d,
                           struct analysis_result *a)
{
    size_t work_len = strlen(s->work);
    struct dirent **entries;
    int n = scandir(xml_dir, &entries, NULL, alphasort);
    size_t slots = n > 0 ? (size_t)n : 1;
    *d = (struct xml_docs){xcalloc(slots, sizeof *d->doc), xcalloc(slots, sizeof *d->pid),
                           xcalloc(slots, sizeof *d->parent), 0};
    int *refused_pid = xcalloc(slots, sizeof *refused_pid);
    char **refused_why = xcalloc(slots, sizeof *refused_why);
    size_t n_refused = 0;
    for (int i = 0; i < n; i++) {
        int file_pid = xml_file_pid(entries[i]->d_name, tool);
        char *path = file_pid ? path_join(xml_dir, entries[i]->d_name) : NULL;
        char why[512];
        xmlDoc *doc = path ? read_xml_file(path, why, sizeof why) : NULL;
        if (doc) {
            xmlNode *root = xmlDocGetRootElement(doc);
            char *pid = text_of(root, "pid"), *ppid = text_of(root, "ppid");
            d->pid[d->n] = pid ? atoi(pid) : 0;
            d->parent[d->n] = ppid ? atoi(ppid) : 0;
            d->doc[d->n++] = doc;
            xmlFree(pid);
            xmlFree(ppid);
        } else if (path && why[0]) {
            /* named as the student knows it: build/vg/helgrind.123.xml */
            bool in_work = strncmp(why, s->work, work_len) == 0 && why[work_len] == '/';
            refused_pid[n_refused] = file_pid;
            refused_why[n_refused++] = xstrdup(in_work ? why + work_len + 1 : why);
        }
        free(path);
        free(entries[i]);
    }
    if (n >= 0)
        free(entries);
    /* charged once every file is read: the test is found through the parents */
    for (size_t i = 0; i < n_refused; i++) {
        add_unreadable(a, refused_why[i], test_of(m, d->pid, d->parent, d->n, refused_pid[i]));
        free(refused_why[i]);
    }
    free(refused_pid);
    free(refused_why);
}

/* True when valgrind's log ends its process's run: a last <status> of FINISHED. */
static bool finished(xmlDoc *doc)
{
    char *state = NULL;
    for (xmlNode *c = xmlDocGetRootElement(doc)->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "status") == 0) {
            xmlFree(state);
            state = text_of(c, "state");
        }
    bool done = state && strcmp(state, "FINISHED") == 0;
    xmlFree(state);
    return done;
}

/* Why the logs do not prove that every covered test ran to its end, or NULL. */
static char *incomplete(const struct valgrind_scope *s, const struct pid_map *m,
                        const struct xml_docs *d)
{
    const struct chapter *ch = s->chapter;
    for (size_t t = 0; s->covered && t < ch->n_tests; t++) {
        if (!s->covered[t])
            continue;
        const char *name = ch->tests[t].name;
        bool logged = false, done = false;
        for (size_t i = 0; i < m->n; i++) {
            if (strcmp(m->test[i], name) != 0)
                continue;
            logged = true;
            for (size_t k = 0; k < d->n; k++)
                done = done || (d->pid[k] == m->pid[i] && finished(d->doc[k]));
        }
        if (!logged)
            return xasprintf("test %s did not run under the tool", name);
        if (!done)
            return xasprintf("the log of test %s is incomplete (its process did not run "
                             "to its end under the tool)", name);
    }
    return NULL;
}

char *valgrind_read(const struct valgrind_scope *s, const char *xml_dir, const char *tool,
                    struct analysis_result *a)
{
    struct pid_map *m = xcalloc(1, sizeof *m);
    read_pid_log(s->pid_log, m);
    struct xml_docs d;
    read_xml_files(s, xml_dir, tool, m, &d, a);
    char *why = incomplete(s, m, &d);
    for (size_t i = 0; i < d.n; i++) {
        const char *test = test_of(m, d.pid, d.parent, d.n, d.pid[i]);
        for (xmlNode *c = xmlDocGetRootElement(d.doc[i])->children; c; c = c->next)
            if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "error") == 0)
                read_error(c, s, test, a);
        xmlFreeDoc(d.doc[i]);
    }
    for (size_t i = 0; i < m->n; i++)
        free(m->test[i]);
    free(m);
    free(d.doc);
    free(d.pid);
    free(d.parent);
    return why;
}

void analysis_result_free(struct analysis_result *a)
{
    for (size_t i = 0; i < a->n_findings; i++) {
        struct finding *f = &a->findings[i];
        for (size_t k = 0; k < f->n_where; k++)
            free(f->where[k]);
        free(f->where);
        free(f->kind);
        free(f->message);
        free(f->variable);
        free(f->test);
    }
    free(a->findings);
    free(a->message);
}
