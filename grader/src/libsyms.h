/* libsyms.h - the names the libraries a test runner links with define or use, read from
 * their real symbol tables (libelf), never from a list kept by hand.
 *
 * A student global that shares its name with one of them would replace the library's
 * for the tests too (or be what the library calls): the policy refuses it. */
#ifndef LIBSYMS_H
#define LIBSYMS_H

#include <stdbool.h>
#include <stddef.h>

struct libsyms;

enum libsym_kind {
    LIBSYM_USED = 1,     /* referenced (undefined) by the file */
    LIBSYM_DEFINED = 2,  /* defined by the file, of any type */
    LIBSYM_FUNCTION = 4, /* defined as a function (FUNC or IFUNC) */
};

/* An empty set; add files to it. */
struct libsyms *libsyms_new(void);
void libsyms_free(struct libsyms *s);

/* Adds the global and weak symbols of an ELF file: a shared library's dynamic symbol
 * table, each member of an archive (.a), or an object's symbol table. label names the
 * file in libsyms_find's answers (NULL: its base name). Returns 0, or -1 when path is
 * not a readable ELF file or archive (a linker script, say). */
int libsyms_add_file(struct libsyms *s, const char *path, const char *label);

/* Adds the libraries every test runner is linked with: the C library, libm, libpthread,
 * librt, the dynamic loader (found beside the grader's own C library) and each "-lNAME"
 * of the runner's link flags (RUNNER_LIBS: Check and what it needs), as the linker
 * would find them. Returns how many files were read. */
int libsyms_add_runner_libraries(struct libsyms *s);

/* Whether name is known, with its kinds (enum libsym_kind, or-ed over all files) in
 * *kinds and the label of the first file that has it in *label (either may be NULL).
 * A versioned name ("waitpid@GLIBC_2.2.5") is looked up without its version. */
bool libsyms_find(const struct libsyms *s, const char *name, int *kinds, const char **label);

/* The label (for messages) of a library whose defined functions match name, e.g.
 * "libm.so.6" holds "ceil": true when a file labelled label defines name as a
 * function. */
bool libsyms_defines_function_in(const struct libsyms *s, const char *name, const char *label);

#endif
