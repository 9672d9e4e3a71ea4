/* object.h - a relocatable ELF object (a student's .o) read whole: its sections, symbols
 * and relocations, for the policy's checks (libelf). */
#ifndef OBJECT_H
#define OBJECT_H

#include <stdbool.h>
#include <stddef.h>

struct obj_section {
    char *name;
    unsigned type;       /* SHT_* */
    unsigned long flags; /* SHF_* */
    unsigned long size;
    size_t link, info;    /* sh_link, sh_info */
    unsigned char *bytes; /* the content of executable sections; NULL for the others */
};

struct obj_symbol {
    char *name;     /* "" for none */
    int bind, type; /* STB_*, STT_* */
    size_t shndx;   /* section index, or SHN_UNDEF, SHN_ABS, SHN_COMMON */
    unsigned long value, size;
};

struct obj_reloc {
    size_t section; /* the section the relocation patches */
    unsigned long offset;
    size_t symbol; /* index into symbols */
    long addend;
    unsigned type; /* R_X86_64_* */
};

struct object {
    unsigned machine;             /* EM_* */
    struct obj_section *sections; /* by ELF index; [0] is the null section */
    size_t n_sections;
    struct obj_symbol *symbols; /* by ELF index; [0] is the null symbol */
    size_t n_symbols;
    struct obj_reloc *relocs;
    size_t n_relocs;
};

/* Reads the relocatable object at path (never following a link, never blocking: the
 * build folder is the sandbox's). Returns 0, or -1 with a reason in why. */
int object_read(const char *path, struct object *o, char *why, size_t whylen);
void object_free(struct object *o);

/* The section index of the symbol, or 0 when it is not in a real section. */
size_t object_symbol_section(const struct object *o, const struct obj_symbol *s);

#endif
