/* policy.c - stage 2b: what a student's object files and source may contain.
 *
 * Student code runs inside the test process, so before running anything the grader
 * reads each student object (object.c: libelf), disassembles its code (machine.c:
 * capstone) and scans its preprocessed source (preprocessed.c):
 *  - sections by allow-list: code, read-only data, data, bss, thread-local data, debug
 *    information, notes, unwind tables, and their relocations and symbol tables; none
 *    runs before main (.init, .init_array, .ctors, ... are refused, and so is a
 *    registration in the harness's wb_tests);
 *  - no IFUNC symbol (its resolver runs in the runner before main), no thread-local,
 *    unique or common global, no data in code;
 *  - the globals it defines are the chapter's exports (chapter.cfg), or helpers shared
 *    by student files whose names no library, Check, the harness or the tests use
 *    (libsyms.c reads their real symbol tables);
 *  - every external function or variable it uses is allowed (grader/policy.cfg, the
 *    chapter's allowed_functions, a function of an allowed library such as libm, or a
 *    student file's) and not forbidden by the chapter (its reason is shown);
 *  - no inline assembly, system-call instruction or valgrind client request, no line
 *    directive naming another file.
 * A file with a violation costs its own tests: this grading uses the chapter's skeleton
 * of it instead, and a note names each violation's line. What is suspicious but not
 * proof (the chapter's review functions, FILE internals, scans of memory, ...) becomes
 * a review flag, which changes no score. */
#include "grader.h"

#include <dirent.h>
#include <elf.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "command.h"
#include "libsyms.h"
#include "machine.h"
#include "object.h"
#include "preprocessed.h"

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

/* True when name matches pattern: exactly, or by prefix for "prefix*". */
static bool name_matches(const char *pattern, const char *name)
{
    size_t len = strlen(pattern);
    return len > 0 && pattern[len - 1] == '*' ? strncmp(name, pattern, len - 1) == 0
                                              : strcmp(name, pattern) == 0;
}

static bool names_match(const struct names *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (name_matches(l->items[i], name))
            return true;
    return false;
}

static const struct name_rule *rule_for(const struct name_rule *rules, size_t n,
                                        const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (name_matches(rules[i].name, name))
            return &rules[i];
    return NULL;
}

struct checker {
    const struct grade_config *cfg;
    const struct chapter *ch;
    struct chapter_result *r;
    const char *work;
    const struct sandbox_spec *sandbox; /* where addr2line runs */
    struct object *objects;             /* one per student file; n_sections 0: unread */
    char **object_paths;
    size_t n_objects;
    struct names allowed, allowed_libraries;
    /* the globals that files replaced by their skeletons defined, with their files */
    struct names lost_names, lost_files;
    struct libsyms *libs; /* read when first needed */
    /* the violations found so far in each student file, one per line; the last one
     * for those no file can be blamed for */
    struct file_violations {
        char *report;
        int count;
    } *found;
    size_t current; /* the object being checked */
};

/* ---- where: "src/x.c:12" ---- */

/* The line of an offset in a section of object obj, asking addr2line; the student
 * file alone when it cannot say. */
static char *source_line(const struct checker *c, size_t obj, const char *section,
                         unsigned long offset)
{
    const char *fallback = c->ch->student_files[obj];
    if (section == NULL || section[0] == '\0')
        return xstrdup(fallback);
    char *at = xasprintf("%#lx", offset);
    char *out_path = path_join(c->work, "logs/addr2line.txt");
    char *const argv[] = {"addr2line", "-e", c->object_paths[obj], "-j", (char *)section,
                          at,          NULL};
    struct command cmd = {.argv = argv,
                          .cwd = c->work,
                          .output_path = out_path,
                          .timeout_s = ADDR2LINE_TIMEOUT_S,
                          .own_session = true,
                          .sandbox = c->sandbox};
    struct command_outcome out;
    char *text = command_run(&cmd, &out) == 0 && command_succeeded(&out)
                     ? read_text_file(out_path, 512)
                     : NULL;
    /* addr2line joins the compile folder to the file: keep the part the student knows */
    size_t prefix = strlen(c->work);
    const char *shown = text && strncmp(text, c->work, prefix) == 0 && text[prefix] == '/'
                            ? text + prefix + 1
                            : text;
    char *line = shown && shown[0] != '?' ? xstrdup(shown) : xstrdup(fallback);
    line[strcspn(line, " \n")] = '\0'; /* drops " (discriminator N)" too */
    if (strncmp(line, "??", 2) == 0 || line[0] == '\0') {
        free(line);
        line = xstrdup(fallback);
    }
    free(text);
    free(out_path);
    free(at);
    return line;
}

static const char *section_name(const struct checker *c, size_t obj, size_t section)
{
    const struct object *o = &c->objects[obj];
    return section < o->n_sections ? o->sections[section].name : "";
}

/* ---- violations and flags ---- */

/* A violation in object obj (n_objects: no file in particular), shown at where. */
static void refuse_at(struct checker *c, size_t obj, const char *where, const char *what)
{
    struct file_violations *f = &c->found[obj];
    char *line = xasprintf("%s: %s\n", where, what);
    bool seen = strstr(f->report, line) != NULL;
    if (!seen && f->count++ < MAX_VIOLATIONS) {
        char *longer = xasprintf("%s%s", f->report, line);
        free(f->report);
        f->report = longer;
    }
    free(line);
}

/* A violation in object obj at section+offset (section NULL: the file alone). */
static void refuse(struct checker *c, size_t obj, const char *section, unsigned long offset,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void refuse(struct checker *c, size_t obj, const char *section, unsigned long offset,
                   const char *fmt, ...)
{
    va_list ap;
    char *what;
    va_start(ap, fmt);
    if (vasprintf(&what, fmt, ap) < 0)
        what = NULL;
    va_end(ap);
    /* beyond the ones shown, a violation only counts: no addr2line for it */
    char *where = c->found[obj].count < MAX_VIOLATIONS ? source_line(c, obj, section, offset)
                                                       : xstrdup(c->ch->student_files[obj]);
    refuse_at(c, obj, where, what ? what : "");
    free(where);
    free(what);
}

static void flag(struct checker *c, size_t obj, const char *section, unsigned long offset,
                 const char *what)
{
    if (c->r->n_flags > MAX_REVIEW_FLAGS)
        return;
    char *where = source_line(c, obj, section, offset);
    chapter_result_add_flag(c->r, where, "%s", what);
    free(where);
}

/* ---- sections ---- */

/* name is base, or base followed by ".anything". */
static bool is_family(const char *name, const char *base)
{
    size_t len = strlen(base);
    return strncmp(name, base, len) == 0 && (name[len] == '\0' || name[len] == '.');
}

static bool is_hook_section(const char *name)
{
    static const char *const hooks[] = {
        ".init_array", ".fini_array", ".preinit_array", ".ctors", ".dtors", "wb_tests", NULL};
    for (const char *const *h = hooks; *h; h++)
        if (is_family(name, *h))
            return true;
    return false;
}

enum { SHT_LLVM_ADDRSIG_ = 0x6fff4c03 };

/* Why section s may not be in a student object, or NULL when it may: sections by name,
 * each with the type and flags plain C gives it. */
static const char *section_problem(const struct obj_section *s)
{
    unsigned long f = s->flags;
    bool alloc = f & SHF_ALLOC, write = f & SHF_WRITE, exec = f & SHF_EXECINSTR,
         tls = f & SHF_TLS;
    switch (s->type) { /* tables the assembler makes, whatever their names */
    case SHT_NULL:
    case SHT_SYMTAB:
    case SHT_STRTAB:
    case SHT_SYMTAB_SHNDX:
    case SHT_RELA:
    case SHT_REL:
    case SHT_GROUP:
    case SHT_LLVM_ADDRSIG_:
        return alloc || exec ? "a table that is loaded or executed" : NULL;
    default:
        break;
    }
    const char *name = s->name;
    bool progbits = s->type == SHT_PROGBITS, nobits = s->type == SHT_NOBITS;
    if (is_family(name, ".text"))
        return progbits && alloc && exec && !write && !tls ? NULL : "code of an unusual kind";
    if (exec)
        return "code outside .text";
    if (is_family(name, ".rodata"))
        return progbits && alloc && !write && !tls ? NULL : "read-only data of an unusual kind";
    if (is_family(name, ".data"))
        return progbits && alloc && write && !tls ? NULL : "data of an unusual kind";
    if (is_family(name, ".bss"))
        return nobits && alloc && write && !tls ? NULL : "data of an unusual kind";
    if (is_family(name, ".tdata") || is_family(name, ".tbss"))
        return (progbits || nobits) && alloc && write && tls ? NULL
                                                             : "thread data of an unusual kind";
    if (strncmp(name, ".debug_", 7) == 0 || strcmp(name, ".comment") == 0)
        return progbits && !alloc && !write ? NULL : "debug information of an unusual kind";
    if (strcmp(name, ".eh_frame") == 0)
        return (progbits || s->type == SHT_X86_64_UNWIND) && alloc ? NULL
                                                                   : "an unusual unwind table";
    if (is_family(name, ".note"))
        return (progbits || s->type == SHT_NOTE) && !write ? NULL : "an unusual note";
    return "a section plain C code never makes";
}

static void check_sections(struct checker *c, size_t i)
{
    const struct object *o = &c->objects[i];
    for (size_t k = 1; k < o->n_sections; k++) {
        const struct obj_section *s = &o->sections[k];
        if (is_hook_section(s->name))
            continue; /* check_hooks names the function it registers */
        if (strcmp(s->name, ".note.GNU-stack") == 0 && (s->flags & SHF_EXECINSTR)) {
            refuse(c, i, NULL, 0,
                   "asks for an executable stack (.note.GNU-stack): code "
                   "written at run time could then run");
            continue;
        }
        const char *problem = section_problem(s);
        if (problem) /* for code, the line of its first instruction */
            refuse(c, i, (s->flags & SHF_EXECINSTR) ? s->name : NULL, 0,
                   "holds section '%s' (%s): a student object may hold only code, data, "
                   "debug information and notes; nothing that runs before main",
                   s->name, problem);
    }
}

/* Constructors, destructors and test registrations, with the function each registers. */
static void check_hooks(struct checker *c, size_t i)
{
    const struct object *o = &c->objects[i];
    bool *named = xcalloc(o->n_sections + 1, sizeof *named);
    for (size_t k = 0; k < o->n_relocs; k++) {
        const struct obj_reloc *r = &o->relocs[k];
        if (r->section >= o->n_sections || !is_hook_section(o->sections[r->section].name) ||
            named[r->section])
            continue;
        const struct obj_symbol *sym = &o->symbols[r->symbol];
        size_t def = object_symbol_section(o, sym);
        named[r->section] = true;
        refuse(c, i, def ? section_name(c, i, def) : NULL,
               sym->value + (unsigned long)r->addend,
               "code registered in %s runs inside the test runner itself: constructors and "
               "destructors are not allowed",
               o->sections[r->section].name);
    }
    for (size_t k = 1; k < o->n_sections; k++)
        if (is_hook_section(o->sections[k].name) && !named[k])
            refuse(c, i, NULL, 0,
                   "code registered in %s runs inside the test runner itself: constructors "
                   "and destructors are not allowed",
                   o->sections[k].name);
    free(named);
}

/* ---- symbols ---- */

static bool is_global(const struct obj_symbol *s)
{
    return s->bind == STB_GLOBAL || s->bind == STB_WEAK || s->bind == STB_GNU_UNIQUE;
}

static bool is_definition(const struct obj_symbol *s)
{
    return s->shndx != SHN_UNDEF && s->type != STT_SECTION && s->type != STT_FILE &&
           s->name[0] != '\0';
}

/* The first place in code that refers to symbol index sym of object o: its section
 * name in *section (NULL when none) and offset. */
static void first_use(const struct object *o, size_t sym, const char **section,
                      unsigned long *offset)
{
    *section = NULL;
    *offset = 0;
    for (size_t k = 0; k < o->n_relocs; k++) {
        const struct obj_reloc *r = &o->relocs[k];
        if (r->symbol != sym || r->section >= o->n_sections ||
            !(o->sections[r->section].flags & SHF_EXECINSTR))
            continue;
        if (*section == NULL ||
            (strcmp(*section, o->sections[r->section].name) == 0 && r->offset < *offset)) {
            *section = o->sections[r->section].name;
            *offset = r->offset;
        }
    }
}

/* Where to show symbol k of object i: its definition when it is code, else the first
 * code that uses it (addr2line knows lines of code only). */
static void symbol_place(const struct checker *c, size_t i, size_t k, const char **section,
                         unsigned long *offset)
{
    const struct object *o = &c->objects[i];
    const struct obj_symbol *s = &o->symbols[k];
    size_t sec = object_symbol_section(o, s);
    if (sec && (o->sections[sec].flags & SHF_EXECINSTR)) {
        *section = o->sections[sec].name;
        *offset = s->value;
    } else {
        first_use(o, k, section, offset);
    }
}

/* The kinds of symbol plain C never defines (or not as a global). */
static void check_symbol_kinds(struct checker *c, size_t i)
{
    const struct object *o = &c->objects[i];
    for (size_t k = 1; k < o->n_symbols; k++) {
        const struct obj_symbol *s = &o->symbols[k];
        size_t sec = object_symbol_section(o, s);
        const char *at;
        unsigned long value;
        symbol_place(c, i, k, &at, &value);
        if (s->type == STT_GNU_IFUNC)
            refuse(c, i, at, value,
                   "defines '%s' as an IFUNC: its resolver would run "
                   "inside the test runner before main",
                   s->name);
        else if (s->bind == STB_GNU_UNIQUE)
            refuse(c, i, at, value,
                   "defines '%s' as a unique global (STB_GNU_UNIQUE), "
                   "which plain C never makes",
                   s->name);
        else if (s->shndx == SHN_COMMON || s->type == STT_COMMON)
            refuse(c, i, at, value,
                   "defines '%s' as a common symbol, which the linker could "
                   "merge with another: give it an initial value or make it "
                   "static",
                   s->name);
        else if (s->type == STT_TLS && is_global(s) && is_definition(s))
            refuse(c, i, at, value, "defines '%s' as a thread-local global: make it static",
                   s->name);
        else if ((s->type == STT_OBJECT || s->type == STT_TLS) && sec &&
                 (o->sections[sec].flags & SHF_EXECINSTR))
            refuse(c, i, at, value, "puts the data '%s' among the code: plain C never does",
                   s->name);
        else if (strchr(s->name, '@') && is_global(s))
            refuse(c, i, at, value,
                   "names the versioned symbol '%s', which plain C never "
                   "does",
                   s->name);
    }
}

/* Whether a student object other than skip uses (leaves undefined) name. */
static bool used_by_another(const struct checker *c, size_t skip, const char *name)
{
    for (size_t i = 0; i < c->n_objects; i++)
        for (size_t k = 1; i != skip && k < c->objects[i].n_symbols; k++) {
            const struct obj_symbol *s = &c->objects[i].symbols[k];
            if (s->shndx == SHN_UNDEF && strcmp(s->name, name) == 0)
                return true;
        }
    return false;
}

/* Whether a student object defines name as a global. */
static bool defined_by_student(const struct checker *c, const char *name)
{
    for (size_t i = 0; i < c->n_objects; i++)
        for (size_t k = 1; k < c->objects[i].n_symbols; k++) {
            const struct obj_symbol *s = &c->objects[i].symbols[k];
            if (is_global(s) && is_definition(s) && strcmp(s->name, name) == 0)
                return true;
        }
    return false;
}

static bool is_export(const struct chapter *ch, const char *name)
{
    for (size_t i = 0; i < ch->n_exports; i++)
        if (strcmp(ch->exports[i], name) == 0)
            return true;
    return false;
}

/* Adds each object file of folder whose name starts with prefix, labelled label. */
static void add_objects(struct libsyms *libs, const char *folder, const char *prefix,
                        const char *label)
{
    struct dirent **entries;
    int n = scandir(folder, &entries, NULL, alphasort);
    for (int k = 0; k < n; k++) {
        const char *name = entries[k]->d_name;
        size_t len = strlen(name);
        if (strncmp(name, prefix, strlen(prefix)) == 0 && len > 2 &&
            strcmp(name + len - 2, ".o") == 0) {
            char *path = path_join(folder, name);
            struct stat st; /* what the compiler wrote: no link, no FIFO */
            if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
                libsyms_add_file(libs, path, label);
            free(path);
        }
        free(entries[k]);
    }
    if (n >= 0)
        free(entries);
}

/* The names a student global must not take: the runner's libraries, the harness and
 * the chapter's tests, as their symbol tables say. */
static struct libsyms *linked_names(struct checker *c)
{
    if (c->libs == NULL) {
        c->libs = libsyms_new();
        libsyms_add_runner_libraries(c->libs);
        char *harness = path_join(c->cfg->workdir, ".harness");
        add_objects(c->libs, harness, "", "the grader's test harness");
        free(harness);
        char *build = path_join(c->work, "build");
        add_objects(c->libs, build, "tests_", "the chapter's tests");
        free(build);
    }
    return c->libs;
}

/* Where a name is already taken ("libc.so.6", "the chapter's tests", ...), or NULL. */
static const char *taken_by(struct checker *c, const char *name)
{
    if (name[0] == '_')
        return "the C implementation (names that begin with '_' are reserved)";
    if (strcmp(name, "main") == 0)
        return "the test runner";
    const char *label = NULL;
    return libsyms_find(linked_names(c), name, NULL, &label) ? label : NULL;
}

/* The globals it defines: the chapter's exports, or helpers shared with another student
 * file under a name nothing else uses. */
static void check_definitions(struct checker *c, size_t i)
{
    const struct object *o = &c->objects[i];
    for (size_t k = 1; k < o->n_symbols; k++) {
        const struct obj_symbol *s = &o->symbols[k];
        /* a thread-local or versioned global is refused as such (check_symbol_kinds) */
        if (!is_global(s) || !is_definition(s) || is_export(c->ch, s->name) ||
            strchr(s->name, '@') || s->type == STT_TLS)
            continue;
        const char *at;
        unsigned long value;
        symbol_place(c, i, k, &at, &value);
        const char *taken = taken_by(c, s->name);
        if (taken)
            refuse(c, i, at, value,
                   "defines '%s', which the chapter's headers do not declare: %s uses that "
                   "name too, and would get this one instead (rename it, or make it static)",
                   s->name, taken);
        else if (!used_by_another(c, i, s->name))
            refuse(c, i, at, value,
                   "defines '%s', which the chapter's headers do not declare and no other "
                   "student file uses: make it static",
                   s->name);
    }
}

/* Whether a library that policy.cfg allows whole (libm) defines name as a function. */
static bool in_allowed_library(struct checker *c, const char *name)
{
    for (size_t i = 0; i < c->allowed_libraries.n; i++)
        if (libsyms_defines_function_in(linked_names(c), name, c->allowed_libraries.items[i]))
            return true;
    return false;
}

/* The student file, replaced by its skeleton, that defined name; NULL when none did
 * (or when the skeleton defines it too). */
static const char *lost_with(const struct checker *c, const char *name)
{
    if (defined_by_student(c, name))
        return NULL;
    for (size_t i = 0; i < c->lost_names.n; i++)
        if (strcmp(c->lost_names.items[i], name) == 0)
            return c->lost_files.items[i];
    return NULL;
}

/* The external functions and variables it uses. */
static void check_uses(struct checker *c, size_t i)
{
    const struct object *o = &c->objects[i];
    struct names seen = {0};
    for (size_t k = 1; k < o->n_symbols; k++) {
        const struct obj_symbol *s = &o->symbols[k];
        if (s->shndx != SHN_UNDEF || s->name[0] == '\0' || names_match(&seen, s->name))
            continue;
        names_add(&seen, s->name); /* an object may list a name more than once */
        const char *section;
        unsigned long offset;
        first_use(o, k, &section, &offset);
        const struct name_rule *forbidden =
            rule_for(c->ch->forbidden, c->ch->n_forbidden, s->name);
        const struct name_rule *review = rule_for(c->ch->review, c->ch->n_review, s->name);
        if (forbidden) {
            refuse(c, i, section, offset, "uses '%s', which this chapter forbids: %s", s->name,
                   forbidden->reason);
        } else if (strchr(s->name, '@') ||
                   (!names_match(&c->allowed, s->name) && !defined_by_student(c, s->name) &&
                    !in_allowed_library(c, s->name))) {
            const char *lost = lost_with(c, s->name);
            if (lost)
                refuse(c, i, section, offset,
                       "uses '%s', which %s defined: this grading uses the skeleton of that "
                       "file instead, so this file cannot use it either",
                       s->name, lost);
            else
                refuse(c, i, section, offset,
                       "uses '%s', which this chapter does not allow (the chapter's "
                       "allowed_functions and grader/policy.cfg list what is)",
                       s->name);
        } else if (review) {
            char *what = xasprintf("uses '%s': %s", s->name, review->reason);
            flag(c, i, section, offset, what);
            free(what);
        }
    }
    names_free(&seen);
}

/* ---- machine code and source ---- */

static void on_machine(void *ctx, size_t section, unsigned long offset, bool is_proof,
                       const char *what)
{
    struct checker *c = ctx;
    const char *name = section_name(c, c->current, section);
    if (is_proof)
        refuse(c, c->current, name, offset, "%s", what);
    else
        flag(c, c->current, name, offset, what);
}

/* The student file a place "src/x.c:12" is in; n_objects when none. */
static size_t file_of(const struct checker *c, const char *where)
{
    for (size_t i = 0; i < c->n_objects; i++) {
        size_t len = strlen(c->ch->student_files[i]);
        if (strncmp(where, c->ch->student_files[i], len) == 0 &&
            (where[len] == ':' || where[len] == '\0'))
            return i;
    }
    return c->n_objects;
}

static void on_source(void *ctx, const char *where, bool is_proof, const char *what)
{
    struct checker *c = ctx;
    if (is_proof)
        refuse_at(c, file_of(c, where), where, what);
    else
        chapter_result_add_flag(c->r, where, "%s", what);
}

static void check_machine_code(struct checker *c, size_t i)
{
    c->current = i;
    if (machine_scan(&c->objects[i], on_machine, c) < 0 && i == 0)
        chapter_result_add_note(c->r, "the machine-code check knows only x86-64: it did not "
                                      "look at this machine's code");
}

/* ---- the policy files ---- */

static void add_strings(config_t *cfg, const char *key, struct names *out)
{
    config_setting_t *list = config_lookup(cfg, key);
    for (int i = 0; list && i < config_setting_length(list); i++) {
        const char *name = config_setting_get_string_elem(list, (unsigned)i);
        if (name)
            names_add(out, name);
    }
}

static int load_allowed(struct checker *c)
{
    char *path = path_join(c->cfg->root, "grader/policy.cfg");
    config_t cfg;
    config_init(&cfg);
    int rc = 0;
    if (!config_read_file(&cfg, path) || config_lookup(&cfg, "allowed") == NULL) {
        c->r->message =
            xasprintf("cannot read the grader's policy %s: %s", path,
                      config_error_text(&cfg) ? config_error_text(&cfg) : "no 'allowed'");
        rc = -1;
    } else {
        add_strings(&cfg, "allowed", &c->allowed);
        add_strings(&cfg, "allowed_libraries", &c->allowed_libraries);
        for (size_t i = 0; i < c->ch->n_allowed_functions; i++)
            names_add(&c->allowed, c->ch->allowed_functions[i]);
    }
    config_destroy(&cfg);
    free(path);
    return rc;
}

/* Forgets the objects read and the violations found, to check the files again. */
static void checker_clear(struct checker *c)
{
    for (size_t i = 0; i < c->n_objects; i++) {
        object_free(&c->objects[i]);
        memset(&c->objects[i], 0, sizeof c->objects[i]);
        free(c->object_paths[i]);
        c->object_paths[i] = NULL;
    }
    for (size_t i = 0; i <= c->n_objects; i++) {
        free(c->found[i].report);
        c->found[i] = (struct file_violations){xstrdup(""), 0};
    }
}

static void checker_free(struct checker *c)
{
    checker_clear(c);
    for (size_t i = 0; i <= c->n_objects; i++)
        free(c->found[i].report);
    free(c->found);
    free(c->objects);
    free(c->object_paths);
    names_free(&c->allowed);
    names_free(&c->allowed_libraries);
    names_free(&c->lost_names);
    names_free(&c->lost_files);
    libsyms_free(c->libs);
}

/* Reads each student object and checks it, then the preprocessed source. */
static void check_files(struct checker *c)
{
    for (size_t i = 0; i < c->n_objects; i++) {
        c->object_paths[i] = build_object_path(c->ch->student_files[i]);
        char *full = path_join(c->work, c->object_paths[i]);
        char why[256];
        if (object_read(full, &c->objects[i], why, sizeof why) < 0)
            refuse(c, i, NULL, 0, "its object file cannot be read: %s", why);
        free(full);
    }
    for (size_t i = 0; i < c->n_objects; i++) {
        check_sections(c, i);
        check_hooks(c, i);
        check_symbol_kinds(c, i);
        check_definitions(c, i);
        check_uses(c, i);
        check_machine_code(c, i);
    }
    preprocessed_scan(c->cfg, c->ch, on_source, c);
}

static bool found_any(const struct checker *c)
{
    for (size_t i = 0; i <= c->n_objects; i++)
        if (c->found[i].count > 0)
            return true;
    return false;
}

/* Whether skeletons can stand in for every file with violations: each can be blamed
 * on a file that has a skeleton and was not replaced by it already. */
static bool skeletons_can_help(const struct checker *c, const bool *replaced)
{
    if (c->found[c->n_objects].count > 0)
        return false;
    for (size_t i = 0; i < c->n_objects; i++)
        if (c->found[i].count > 0 &&
            (replaced[i] || !chapter_has_skeleton(c->ch, c->ch->student_files[i])))
            return false;
    return true;
}

static const char *more_left_out(const struct file_violations *f)
{
    return f->count > MAX_VIOLATIONS ? "[...]\n" : "";
}

/* Rejects the whole chapter, with every violation found. */
static void reject_chapter(struct checker *c)
{
    char *all = xstrdup("");
    for (size_t i = 0; i <= c->n_objects; i++) {
        char *longer = xasprintf("%s%s%s", all, c->found[i].report, more_left_out(&c->found[i]));
        free(all);
        all = longer;
    }
    c->r->status = CHAPTER_ERROR;
    c->r->message = xasprintf("rejected: the student files break the chapter's rules\n%s", all);
    free(all);
    chapter_result_fail_all(c->r, TEST_ERROR,
                            "not run: the student files break the chapter's rules");
}

/* Remembers the globals object i defines, before its skeleton replaces it. */
static void remember_globals(struct checker *c, size_t i)
{
    const struct object *o = &c->objects[i];
    for (size_t k = 1; k < o->n_symbols; k++)
        if (is_global(&o->symbols[k]) && is_definition(&o->symbols[k])) {
            names_add(&c->lost_names, o->symbols[k].name);
            names_add(&c->lost_files, c->ch->student_files[i]);
        }
}

/* Puts the skeleton in place of each file with violations, with a note that names them;
 * 0 or -1 (the build failed: r says why). */
static int use_skeletons(struct checker *c, bool *replaced)
{
    bool *now = xcalloc(c->n_objects, sizeof *now);
    for (size_t i = 0; i < c->n_objects; i++) {
        const struct file_violations *f = &c->found[i];
        if (f->count == 0)
            continue;
        now[i] = replaced[i] = true;
        remember_globals(c, i);
        char *all = xasprintf("%s%s", f->report, more_left_out(f));
        char *lines = indented(all);
        chapter_result_add_note(c->r,
                                "%s breaks the chapter's rules, so this grading used the "
                                "chapter's skeleton of it: the tests that need it fail.%s",
                                c->ch->student_files[i], lines);
        free(lines);
        free(all);
    }
    int rc = build_with_skeletons(c->cfg, c->ch, now, c->r);
    free(now);
    return rc;
}

int policy_check(const struct grade_config *cfg, const struct chapter *ch,
                 struct chapter_result *r)
{
    char *work = path_join(cfg->workdir, ch->id);
    struct stage_sandbox box;
    struct checker c = {.cfg = cfg,
                        .ch = ch,
                        .r = r,
                        .work = work,
                        .n_objects = ch->n_student_files,
                        .sandbox = stage_sandbox(&box, cfg, work, STAGE_INSPECT)};
    c.objects = xcalloc(c.n_objects, sizeof *c.objects);
    c.object_paths = xcalloc(c.n_objects, sizeof *c.object_paths);
    c.found = xcalloc(c.n_objects + 1, sizeof *c.found);
    checker_clear(&c);
    bool *replaced = xcalloc(c.n_objects + 1, sizeof *replaced), any_replaced = false;
    int rc = load_allowed(&c);
    if (rc < 0) {
        r->status = CHAPTER_ERROR;
        chapter_result_fail_all(r, TEST_ERROR, "not graded: the grader's policy is unreadable");
    }
    /* each round replaces at least one more file, or ends: a file that defines a helper
     * another file uses takes the helper with it, and the other file goes next round */
    while (rc == 0) {
        check_files(&c);
        if (!found_any(&c))
            break;
        if (!skeletons_can_help(&c, replaced)) {
            reject_chapter(&c);
            rc = -1;
            break;
        }
        rc = use_skeletons(&c, replaced);
        any_replaced = true;
        checker_clear(&c);
    }
    if (rc == 0 && any_replaced)
        rc = build_relink(cfg, ch, r);
    free(replaced);
    checker_free(&c);
    stage_sandbox_free(&box);
    free(work);
    return rc;
}
