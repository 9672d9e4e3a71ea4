/* libsyms.c - the names the runner's libraries define or use (see libsyms.h). */
#include "libsyms.h"
#include "grader.h"

#include <ar.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef RUNNER_LIBS
#error "RUNNER_LIBS must name the runner's link flags (the Makefile passes pkg-config's)"
#endif

enum { N_BUCKETS = 8192 };

/* One name as one file has it; a name in several files has several nodes. */
struct node {
    char *name;
    size_t label; /* index into labels */
    int kinds;
    struct node *next;
};

struct libsyms {
    struct node *buckets[N_BUCKETS];
    char **labels;
    size_t n_labels;
};

static size_t hash(const char *s, size_t len)
{
    size_t h = 5381;
    for (size_t i = 0; i < len; i++)
        h = h * 33 + (unsigned char)s[i];
    return h % N_BUCKETS;
}

/* The length of name without a version ("f@V" or "f@@V"). */
static size_t base_length(const char *name)
{
    return strcspn(name, "@");
}

struct libsyms *libsyms_new(void)
{
    return xcalloc(1, sizeof(struct libsyms));
}

void libsyms_free(struct libsyms *s)
{
    if (s == NULL)
        return;
    for (size_t b = 0; b < N_BUCKETS; b++)
        for (struct node *n = s->buckets[b], *next; n; n = next) {
            next = n->next;
            free(n->name);
            free(n);
        }
    for (size_t i = 0; i < s->n_labels; i++)
        free(s->labels[i]);
    free(s->labels);
    free(s);
}

static void add_name(struct libsyms *s, const char *name, size_t label, int kinds)
{
    size_t len = base_length(name);
    if (len == 0)
        return;
    size_t b = hash(name, len);
    for (struct node *n = s->buckets[b]; n; n = n->next)
        if (n->label == label && strlen(n->name) == len && strncmp(n->name, name, len) == 0) {
            n->kinds |= kinds;
            return;
        }
    struct node *n = xcalloc(1, sizeof *n);
    n->name = xasprintf("%.*s", (int)len, name);
    n->label = label;
    n->kinds = kinds;
    n->next = s->buckets[b];
    s->buckets[b] = n;
}

/* The globals of one ELF object or shared library (its dynamic table when it has one). */
static void add_elf(struct libsyms *s, Elf *elf, size_t label)
{
    Elf_Scn *table = NULL;
    GElf_Shdr sh, table_sh = {0};
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn)) != NULL;) {
        if (gelf_getshdr(scn, &sh) == NULL)
            continue;
        if (sh.sh_type == SHT_DYNSYM || (sh.sh_type == SHT_SYMTAB && table == NULL)) {
            table = scn;
            table_sh = sh;
        }
    }
    Elf_Data *data = table ? elf_getdata(table, NULL) : NULL;
    size_t count = data && table_sh.sh_entsize ? table_sh.sh_size / table_sh.sh_entsize : 0;
    for (size_t i = 1; i < count; i++) {
        GElf_Sym sym;
        if (gelf_getsym(data, (int)i, &sym) == NULL)
            continue;
        int bind = GELF_ST_BIND(sym.st_info), type = GELF_ST_TYPE(sym.st_info);
        if (bind == STB_LOCAL || type == STT_SECTION || type == STT_FILE)
            continue;
        const char *name = elf_strptr(elf, table_sh.sh_link, sym.st_name);
        if (name == NULL || name[0] == '\0')
            continue;
        int kinds = sym.st_shndx == SHN_UNDEF ? LIBSYM_USED : LIBSYM_DEFINED;
        if (sym.st_shndx != SHN_UNDEF && (type == STT_FUNC || type == STT_GNU_IFUNC))
            kinds |= LIBSYM_FUNCTION;
        add_name(s, name, label, kinds);
    }
}

static const char *base_name_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int libsyms_add_file(struct libsyms *s, const char *path, const char *label)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return -1;
    elf_version(EV_CURRENT);
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    int rc = -1;
    if (elf && (elf_kind(elf) == ELF_K_ELF || elf_kind(elf) == ELF_K_AR)) {
        s->labels = xrealloc(s->labels, (s->n_labels + 1) * sizeof *s->labels);
        s->labels[s->n_labels] = xstrdup(label ? label : base_name_of(path));
        size_t index = s->n_labels++;
        if (elf_kind(elf) == ELF_K_ELF) {
            add_elf(s, elf, index);
        } else {
            Elf *member;
            while ((member = elf_begin(fd, ELF_C_READ, elf)) != NULL) {
                if (elf_kind(member) == ELF_K_ELF)
                    add_elf(s, member, index);
                elf_next(member);
                elf_end(member);
            }
        }
        rc = 0;
    }
    if (elf)
        elf_end(elf);
    close(fd);
    return rc;
}

bool libsyms_find(const struct libsyms *s, const char *name, int *kinds, const char **label)
{
    size_t len = base_length(name);
    int found = 0;
    const char *first = NULL;
    for (struct node *n = s->buckets[hash(name, len)]; n; n = n->next)
        if (strlen(n->name) == len && strncmp(n->name, name, len) == 0) {
            found |= n->kinds;
            /* nodes are pushed in front: the last one met is the first file added */
            first = s->labels[n->label];
        }
    if (kinds)
        *kinds = found;
    if (label)
        *label = first;
    return found != 0;
}

bool libsyms_defines_function_in(const struct libsyms *s, const char *name, const char *label)
{
    size_t len = base_length(name);
    for (struct node *n = s->buckets[hash(name, len)]; n; n = n->next)
        if (strlen(n->name) == len && strncmp(n->name, name, len) == 0 &&
            (n->kinds & LIBSYM_FUNCTION) && strcmp(s->labels[n->label], label) == 0)
            return true;
    return false;
}

/* ---- finding the libraries ---- */

/* dl_iterate_phdr callback: the folder of the loaded C library, and the loader's path. */
struct loaded {
    char *libc_dir, *loader;
};

static int note_loaded(struct dl_phdr_info *info, size_t size, void *ctx)
{
    (void)size;
    struct loaded *l = ctx;
    const char *name = info->dlpi_name;
    if (name == NULL || name[0] != '/')
        return 0;
    const char *base = base_name_of(name);
    if (strncmp(base, "libc.so", 7) == 0 && l->libc_dir == NULL)
        l->libc_dir = xasprintf("%.*s", (int)(base - name - 1), name);
    else if (strncmp(base, "ld-linux", 8) == 0 && l->loader == NULL)
        l->loader = xstrdup(name);
    return 0;
}

/* Adds the first of folders/name that is an ELF file or archive; 1 when one was. */
static int add_first(struct libsyms *s, char *const *folders, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        char *path = path_join(folders[i], name);
        int rc = libsyms_add_file(s, path, name);
        free(path);
        if (rc == 0)
            return 1;
    }
    return 0;
}

int libsyms_add_runner_libraries(struct libsyms *s)
{
    struct loaded l = {0};
    dl_iterate_phdr(note_loaded, &l);
    char *folders[3];
    size_t n = 0;
    if (l.libc_dir) {
        folders[n++] = xstrdup(l.libc_dir);
        /* /lib/x86_64-linux-gnu has a twin in /usr where -dev packages put archives */
        if (strncmp(l.libc_dir, "/lib", 4) == 0)
            folders[n++] = xasprintf("/usr%s", l.libc_dir);
        else if (strncmp(l.libc_dir, "/usr/lib", 8) == 0)
            folders[n++] = xstrdup(l.libc_dir + 4);
    }
    folders[n++] = xstrdup("/usr/lib");
    static const char *const runtime[] = {"libc.so.6",  "libm.so.6",  "libpthread.so.0",
                                          "librt.so.1", "libdl.so.2", NULL};
    int added = 0;
    for (const char *const *lib = runtime; *lib; lib++)
        added += add_first(s, folders, n, *lib);
    if (l.loader && libsyms_add_file(s, l.loader, NULL) == 0)
        added++;
    /* each -lNAME as the linker looks for it: libNAME.so (when not a linker script),
     * else libNAME.a */
    char *words = xstrdup(RUNNER_LIBS);
    for (char *w = strtok(words, " \t"); w; w = strtok(NULL, " \t")) {
        if (strncmp(w, "-l", 2) != 0 || w[2] == '\0')
            continue;
        char *so = xasprintf("lib%s.so", w + 2), *ar = xasprintf("lib%s.a", w + 2);
        if (!add_first(s, folders, n, so))
            added += add_first(s, folders, n, ar);
        else
            added++;
        free(so);
        free(ar);
    }
    free(words);
    for (size_t i = 0; i < n; i++)
        free(folders[i]);
    free(l.libc_dir);
    free(l.loader);
    return added;
}
