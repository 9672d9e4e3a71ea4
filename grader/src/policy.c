/* policy.c - stage 2b: what a student's object files may contain.
 *
 * Student code runs inside the test process, so the grader reads each student
 * object's ELF sections and symbols (libelf) before running anything:
 *  - no constructors or destructors (.init_array, .fini_array, .ctors, .dtors), which
 *    would run inside the test runner itself, and no test registrations (wb_tests);
 *  - every global it defines is declared in the chapter's headers (a student file
 *    that defines, say, Check's _ck_assert_failed would replace it);
 *  - every external function or variable it uses is allowed: by grader/policy.cfg,
 *    by the chapter's allowed_functions, or defined by another of its student files.
 * A violation scores the chapter 0, naming the symbol and the line that uses it. */
#include "grader.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <gelf.h>
#include <libconfig.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command.h"

enum { MAX_VIOLATIONS = 5, ADDR2LINE_TIMEOUT_S = 30 };

struct names {
    char **items;
    size_t n;
};

static void names_add(struct names *l, const char *name)
{
    l->items = xrealloc(l->items, (l->n + 1) * sizeof *l->items);
    l->items[l->n++] = xstrdup(name);
}

static void names_free(struct names *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
}

/* True when name matches an entry: exactly, or by prefix for "prefix*". */
static bool names_match(const struct names *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++) {
        size_t len = strlen(l->items[i]);
        if (len > 0 && l->items[i][len - 1] == '*' ? strncmp(name, l->items[i], len - 1) == 0
                                                   : strcmp(name, l->items[i]) == 0)
            return true;
    }
    return false;
}

/* A symbol an object uses or defines, with where (section and offset) to find its
 * first use or definition for addr2line. */
struct symbol_use {
    char *name;
    char *section;
    unsigned long offset;
};

struct object_info {
    const char *source; /* the student file, for messages */
    struct symbol_use *used, *defined, *hooks; /* hooks: constructors and the like */
    size_t n_used, n_defined, n_hooks;
};

static void add_use(struct symbol_use **list, size_t *n, const char *name, const char *section,
                    unsigned long offset)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i].name, name) == 0)
            return; /* keep the first use */
    *list = xrealloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = (struct symbol_use){xstrdup(name), xstrdup(section ? section : ""),
                                          offset};
}

static void free_uses(struct symbol_use *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(list[i].name);
        free(list[i].section);
    }
    free(list);
}

static bool is_hook_section(const char *name)
{
    static const char *const prefixes[] = {".init_array", ".fini_array", ".preinit_array",
                                           ".ctors", ".dtors", "wb_tests", NULL};
    for (const char *const *p = prefixes; *p; p++)
        if (strncmp(name, *p, strlen(*p)) == 0)
            return true;
    return false;
}

/* Reads the symbol table: globals defined, and globals left undefined (used). */
static void read_symbols(Elf *elf, Elf_Scn *symtab, GElf_Shdr *sh, struct object_info *o)
{
    Elf_Data *data = elf_getdata(symtab, NULL);
    size_t count = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
    size_t shstrndx;
    elf_getshdrstrndx(elf, &shstrndx);
    for (size_t i = 1; data && i < count; i++) {
        GElf_Sym sym;
        if (gelf_getsym(data, (int)i, &sym) == NULL)
            continue;
        int bind = GELF_ST_BIND(sym.st_info), type = GELF_ST_TYPE(sym.st_info);
        const char *name = elf_strptr(elf, sh->sh_link, sym.st_name);
        if (name == NULL || name[0] == '\0' || (bind != STB_GLOBAL && bind != STB_WEAK))
            continue;
        if (sym.st_shndx == SHN_UNDEF) {
            add_use(&o->used, &o->n_used, name, NULL, 0);
        } else if (type == STT_FUNC || type == STT_OBJECT || type == STT_NOTYPE ||
                   type == STT_COMMON) {
            GElf_Shdr target;
            Elf_Scn *scn = elf_getscn(elf, sym.st_shndx);
            const char *sec = scn && gelf_getshdr(scn, &target)
                                  ? elf_strptr(elf, shstrndx, target.sh_name)
                                  : NULL;
            add_use(&o->defined, &o->n_defined, name, sec, sym.st_value);
        }
    }
}

/* Reads one relocation section: where each undefined symbol is first used, and, for
 * a hook section, which function it registers. */
static void read_relocations(Elf *elf, Elf_Scn *scn, GElf_Shdr *sh, struct object_info *o)
{
    size_t shstrndx;
    elf_getshdrstrndx(elf, &shstrndx);
    GElf_Shdr target_sh, symtab_sh;
    Elf_Scn *target = elf_getscn(elf, sh->sh_info), *symtab = elf_getscn(elf, sh->sh_link);
    if (!target || !symtab || !gelf_getshdr(target, &target_sh) ||
        !gelf_getshdr(symtab, &symtab_sh))
        return;
    const char *target_name = elf_strptr(elf, shstrndx, target_sh.sh_name);
    Elf_Data *rel = elf_getdata(scn, NULL), *syms = elf_getdata(symtab, NULL);
    size_t count = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
    for (size_t i = 0; rel && syms && target_name && i < count; i++) {
        GElf_Rela r;
        GElf_Sym sym;
        if (gelf_getrela(rel, (int)i, &r) == NULL ||
            gelf_getsym(syms, (int)GELF_R_SYM(r.r_info), &sym) == NULL)
            continue;
        const char *name = elf_strptr(elf, symtab_sh.sh_link, sym.st_name);
        GElf_Shdr def_sh;
        Elf_Scn *def = elf_getscn(elf, sym.st_shndx);
        const char *def_sec = def && gelf_getshdr(def, &def_sh)
                                  ? elf_strptr(elf, shstrndx, def_sh.sh_name)
                                  : NULL;
        if (is_hook_section(target_name)) {
            /* the function registered: a local symbol, or its section plus addend */
            unsigned long at = sym.st_value + (unsigned long)r.r_addend;
            add_use(&o->hooks, &o->n_hooks, target_name, def_sec, at);
        } else if (sym.st_shndx == SHN_UNDEF && name && name[0] &&
                   (target_sh.sh_flags & SHF_EXECINSTR)) {
            for (size_t k = 0; k < o->n_used; k++)
                if (strcmp(o->used[k].name, name) == 0 && o->used[k].section[0] == '\0') {
                    free(o->used[k].section);
                    o->used[k].section = xstrdup(target_name);
                    o->used[k].offset = r.r_offset;
                }
        }
    }
}

static int read_object(const char *path, struct object_info *o)
{
    /* the build folder is the sandbox's: never follow a link or block on a FIFO */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return -1;
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    size_t shstrndx;
    if (elf == NULL || elf_kind(elf) != ELF_K_ELF || elf_getshdrstrndx(elf, &shstrndx) != 0) {
        if (elf)
            elf_end(elf);
        close(fd);
        return -1;
    }
    GElf_Shdr sh;
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn)) != NULL;)
        if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
            read_symbols(elf, scn, &sh, o);
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn)) != NULL;)
        if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_RELA)
            read_relocations(elf, scn, &sh, o);
    /* a hook section whose relocations did not say which function it holds */
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn)) != NULL;) {
        const char *name = gelf_getshdr(scn, &sh) ? elf_strptr(elf, shstrndx, sh.sh_name) : 0;
        if (name && is_hook_section(name) && sh.sh_size > 0)
            add_use(&o->hooks, &o->n_hooks, name, NULL, 0);
    }
    elf_end(elf);
    close(fd);
    return 0;
}

/* "src/x.c:12" for an offset in a section of an object, by asking addr2line. */
static char *source_line(const char *work, const struct sandbox_spec *inspect_sandbox,
                         const char *object, const struct symbol_use *u, const char *fallback)
{
    if (u->section[0] == '\0')
        return xstrdup(fallback);
    char *offset = xasprintf("%#lx", u->offset);
    char *out_path = path_join(work, "logs/addr2line.txt");
    char *const argv[] = {"addr2line", "-e", (char *)object, "-j", u->section, offset, NULL};
    struct command cmd = {.argv = argv, .cwd = work, .output_path = out_path,
                          .timeout_s = ADDR2LINE_TIMEOUT_S, .own_session = true,
                          .sandbox = inspect_sandbox};
    struct command_outcome out;
    char *text = command_run(&cmd, &out) == 0 && command_succeeded(&out)
                     ? read_text_file(out_path, 512)
                     : NULL;
    /* addr2line joins the compile folder to the file: keep the part the student knows */
    size_t prefix = strlen(work);
    const char *at = text && strncmp(text, work, prefix) == 0 && text[prefix] == '/'
                         ? text + prefix + 1
                         : text;
    char *line = at && at[0] != '?' ? xstrdup(at) : xstrdup(fallback);
    line[strcspn(line, " \n")] = '\0'; /* drops " (discriminator N)" too */
    free(text);
    free(out_path);
    free(offset);
    return line;
}

static bool is_identifier_char(char c)
{
    return c == '_' || isalnum((unsigned char)c);
}

/* True when word appears in text as a whole identifier. */
static bool has_identifier(const char *text, const char *word)
{
    size_t len = strlen(word);
    for (const char *p = strstr(text, word); p; p = strstr(p + 1, word))
        if ((p == text || !is_identifier_char(p[-1])) && !is_identifier_char(p[len]))
            return true;
    return false;
}

/* Blanks out C comments in place: a header that mentions waitpid in a comment does
 * not declare it. */
static void blank_comments(char *text)
{
    for (char *p = text; *p; p++) {
        if (p[0] == '/' && p[1] == '*') {
            char *end = strstr(p + 2, "*/");
            char *stop = end ? end + 2 : p + strlen(p);
            memset(p, ' ', (size_t)(stop - p));
            p = stop - 1;
        } else if (p[0] == '/' && p[1] == '/') {
            size_t len = strcspn(p, "\n");
            memset(p, ' ', len);
            p += len - 1;
        }
    }
}

/* All the chapter's headers, as one text, comments blanked out. */
static char *read_headers(const char *work)
{
    char *dir = path_join(work, "include");
    struct dirent **entries;
    int n = scandir(dir, &entries, NULL, alphasort);
    char *all = xstrdup("");
    for (int i = 0; i < n; i++) {
        char *path = path_join(dir, entries[i]->d_name);
        char *text = is_file(path) ? read_text_file(path, 1 << 20) : NULL;
        if (text) {
            char *joined = xasprintf("%s\n%s", all, text);
            free(all);
            all = joined;
        }
        free(text);
        free(path);
        free(entries[i]);
    }
    if (n >= 0)
        free(entries);
    free(dir);
    blank_comments(all);
    return all;
}

static int load_allowed(const struct grade_config *cfg, const struct chapter *ch,
                        struct names *allowed, struct chapter_result *r)
{
    char *path = path_join(cfg->root, "grader/policy.cfg");
    config_t c;
    config_init(&c);
    int rc = 0;
    config_setting_t *list;
    if (!config_read_file(&c, path) || (list = config_lookup(&c, "allowed")) == NULL) {
        r->message = xasprintf("cannot read the grader's policy %s: %s", path,
                               config_error_text(&c) ? config_error_text(&c) : "no 'allowed'");
        rc = -1;
    } else {
        for (int i = 0; i < config_setting_length(list); i++) {
            const char *name = config_setting_get_string_elem(list, (unsigned)i);
            if (name)
                names_add(allowed, name);
        }
        for (size_t i = 0; i < ch->n_allowed_functions; i++)
            names_add(allowed, ch->allowed_functions[i]);
    }
    config_destroy(&c);
    free(path);
    return rc;
}

struct checker {
    const char *work;
    const struct sandbox_spec *sandbox; /* where addr2line runs */
    struct object_info *objects;
    size_t n_objects;
    char **object_paths;
    const char *headers;
    struct names *allowed;
    char *report; /* violations found so far, one per line */
    int violations;
};

static void violation(struct checker *c, size_t obj, const struct symbol_use *u,
                      const char *what)
{
    if (c->violations++ >= MAX_VIOLATIONS)
        return;
    char *where = source_line(c->work, c->sandbox, c->object_paths[obj], u,
                              c->objects[obj].source);
    char *longer = xasprintf("%s%s: %s\n", c->report, where, what);
    free(c->report);
    c->report = longer;
    free(where);
}

static bool defined_by_student(const struct checker *c, const char *name)
{
    for (size_t i = 0; i < c->n_objects; i++)
        for (size_t k = 0; k < c->objects[i].n_defined; k++)
            if (strcmp(c->objects[i].defined[k].name, name) == 0)
                return true;
    return false;
}

static void check_object(struct checker *c, size_t i)
{
    struct object_info *o = &c->objects[i];
    for (size_t k = 0; k < o->n_hooks; k++) {
        char *what = xasprintf("code registered in %s runs inside the test runner itself: "
                               "constructors and destructors are not allowed",
                               o->hooks[k].name);
        struct symbol_use at = o->hooks[k];
        at.section = at.section ? at.section : "";
        violation(c, i, &at, what);
        free(what);
    }
    for (size_t k = 0; k < o->n_defined; k++)
        if (!has_identifier(c->headers, o->defined[k].name)) {
            char *what = xasprintf("defines '%s', which the chapter's headers do not declare: "
                                   "make it static",
                                   o->defined[k].name);
            violation(c, i, &o->defined[k], what);
            free(what);
        }
    for (size_t k = 0; k < o->n_used; k++)
        if (!names_match(c->allowed, o->used[k].name) &&
            !defined_by_student(c, o->used[k].name)) {
            char *what = xasprintf("uses '%s', which this chapter does not allow (the chapter's "
                                   "allowed_functions and grader/policy.cfg list what is)",
                                   o->used[k].name);
            violation(c, i, &o->used[k], what);
            free(what);
        }
}

int policy_check(const struct grade_config *cfg, const struct chapter *ch,
                 struct chapter_result *r)
{
    elf_version(EV_CURRENT);
    struct names allowed = {0};
    if (load_allowed(cfg, ch, &allowed, r) < 0) {
        names_free(&allowed);
        r->status = CHAPTER_ERROR;
        chapter_result_fail_all(r, TEST_ERROR, "not graded: the grader's policy is unreadable");
        return -1;
    }
    char *work = path_join(cfg->workdir, ch->id);
    struct stage_sandbox box;
    struct checker c = {.work = work, .n_objects = ch->n_student_files, .allowed = &allowed,
                        .report = xstrdup(""),
                        .sandbox = stage_sandbox(&box, cfg, work, STAGE_INSPECT)};
    c.objects = xcalloc(ch->n_student_files, sizeof *c.objects);
    c.object_paths = xcalloc(ch->n_student_files, sizeof *c.object_paths);
    c.headers = read_headers(work);
    for (size_t i = 0; i < c.n_objects; i++) {
        c.objects[i].source = ch->student_files[i];
        c.object_paths[i] = build_object_path(ch->student_files[i]);
        char *full = path_join(work, c.object_paths[i]);
        if (read_object(full, &c.objects[i]) < 0) {
            struct symbol_use none = {.section = ""};
            violation(&c, i, &none, "its object file cannot be read");
        }
        free(full);
    }
    for (size_t i = 0; i < c.n_objects; i++)
        check_object(&c, i);
    int rc = 0;
    if (c.violations > 0) {
        r->status = CHAPTER_ERROR;
        r->message = xasprintf("rejected: the student files break the chapter's rules\n%s%s",
                               c.report, c.violations > MAX_VIOLATIONS ? "[...]\n" : "");
        chapter_result_fail_all(r, TEST_ERROR, "not run: the student files break the "
                                               "chapter's rules");
        rc = -1;
    }
    for (size_t i = 0; i < c.n_objects; i++) {
        free_uses(c.objects[i].used, c.objects[i].n_used);
        free_uses(c.objects[i].defined, c.objects[i].n_defined);
        free_uses(c.objects[i].hooks, c.objects[i].n_hooks);
        free(c.object_paths[i]);
    }
    free(c.objects);
    free(c.object_paths);
    free((char *)c.headers);
    free(c.report);
    stage_sandbox_free(&box);
    free(work);
    names_free(&allowed);
    return rc;
}
