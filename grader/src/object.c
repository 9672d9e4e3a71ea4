/* object.c - reading a relocatable ELF object whole (see object.h). */
#include "object.h"
#include "grader.h"
#include "workfile.h"

#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_OBJECT_BYTES = 64 << 20 };

static int fail(char *why, size_t whylen, const char *what)
{
    snprintf(why, whylen, "%s", what);
    return -1;
}

static void read_sections(Elf *elf, size_t shstrndx, struct object *o)
{
    size_t n = 0;
    elf_getshdrnum(elf, &n);
    o->sections = xcalloc(n ? n : 1, sizeof *o->sections);
    o->n_sections = n;
    for (size_t i = 0; i < n; i++) {
        struct obj_section *s = &o->sections[i];
        Elf_Scn *scn = elf_getscn(elf, i);
        GElf_Shdr sh;
        const char *name = NULL;
        if (scn && gelf_getshdr(scn, &sh)) {
            name = elf_strptr(elf, shstrndx, sh.sh_name);
            *s = (struct obj_section){.type = sh.sh_type,
                                      .flags = sh.sh_flags,
                                      .size = sh.sh_size,
                                      .link = sh.sh_link,
                                      .info = sh.sh_info};
            Elf_Data *data = (sh.sh_flags & SHF_EXECINSTR) && sh.sh_type != SHT_NOBITS
                                 ? elf_getdata(scn, NULL)
                                 : NULL;
            if (data && data->d_buf && data->d_size == sh.sh_size) {
                s->bytes = xcalloc(sh.sh_size ? sh.sh_size : 1, 1);
                memcpy(s->bytes, data->d_buf, sh.sh_size);
            } else if (sh.sh_flags & SHF_EXECINSTR) {
                s->size = 0; /* nothing to read: nothing to scan */
            }
        }
        s->name = xstrdup(name ? name : "");
    }
}

static void read_symbols(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, struct object *o)
{
    Elf_Data *data = elf_getdata(scn, NULL);
    size_t count = data && sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
    o->symbols = xcalloc(count ? count : 1, sizeof *o->symbols);
    o->n_symbols = count;
    for (size_t i = 0; i < count; i++) {
        GElf_Sym sym;
        struct obj_symbol *s = &o->symbols[i];
        if (gelf_getsym(data, (int)i, &sym) == NULL) {
            s->name = xstrdup("");
            continue;
        }
        const char *name = elf_strptr(elf, sh->sh_link, sym.st_name);
        *s = (struct obj_symbol){.name = xstrdup(name ? name : ""),
                                 .bind = GELF_ST_BIND(sym.st_info),
                                 .type = GELF_ST_TYPE(sym.st_info),
                                 .shndx = sym.st_shndx,
                                 .value = sym.st_value,
                                 .size = sym.st_size};
    }
}

static void read_relocations(Elf_Scn *scn, const GElf_Shdr *sh, struct object *o)
{
    Elf_Data *data = elf_getdata(scn, NULL);
    size_t count = data && sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
    o->relocs = xrealloc(o->relocs, (o->n_relocs + count + 1) * sizeof *o->relocs);
    for (size_t i = 0; i < count; i++) {
        GElf_Rela r;
        GElf_Rel rel;
        if (sh->sh_type == SHT_RELA ? gelf_getrela(data, (int)i, &r) == NULL
                                    : gelf_getrel(data, (int)i, &rel) == NULL)
            continue;
        if (sh->sh_type == SHT_REL)
            r = (GElf_Rela){.r_offset = rel.r_offset, .r_info = rel.r_info, .r_addend = 0};
        o->relocs[o->n_relocs++] = (struct obj_reloc){.section = sh->sh_info,
                                                      .offset = r.r_offset,
                                                      .symbol = GELF_R_SYM(r.r_info),
                                                      .addend = (long)r.r_addend,
                                                      .type = (unsigned)GELF_R_TYPE(r.r_info)};
    }
}

int object_read(const char *path, struct object *o, char *why, size_t whylen)
{
    memset(o, 0, sizeof *o);
    int fd = workfile_open(path, MAX_OBJECT_BYTES, why, whylen);
    if (fd < 0)
        return -1;
    elf_version(EV_CURRENT);
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    GElf_Ehdr eh;
    size_t shstrndx;
    int rc = 0;
    if (elf == NULL || elf_kind(elf) != ELF_K_ELF || gelf_getehdr(elf, &eh) == NULL ||
        elf_getshdrstrndx(elf, &shstrndx) != 0)
        rc = fail(why, whylen, "not an ELF object");
    else if (eh.e_type != ET_REL)
        rc = fail(why, whylen, "not a relocatable object");
    if (rc == 0) {
        o->machine = eh.e_machine;
        read_sections(elf, shstrndx, o);
        GElf_Shdr sh;
        for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn)) != NULL;)
            if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB && o->symbols == NULL)
                read_symbols(elf, scn, &sh, o);
        for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn)) != NULL;)
            if (gelf_getshdr(scn, &sh) && (sh.sh_type == SHT_RELA || sh.sh_type == SHT_REL) &&
                sh.sh_info < o->n_sections)
                read_relocations(scn, &sh, o);
        if (o->symbols == NULL)
            o->symbols = xcalloc(1, sizeof *o->symbols);
        for (size_t i = 0; i < o->n_relocs; i++)
            if (o->relocs[i].symbol >= o->n_symbols)
                o->relocs[i].symbol = 0;
    }
    if (elf)
        elf_end(elf);
    close(fd);
    if (rc < 0)
        object_free(o);
    return rc;
}

void object_free(struct object *o)
{
    for (size_t i = 0; i < o->n_sections; i++) {
        free(o->sections[i].name);
        free(o->sections[i].bytes);
    }
    for (size_t i = 0; i < o->n_symbols; i++)
        free(o->symbols[i].name);
    free(o->sections);
    free(o->symbols);
    free(o->relocs);
    memset(o, 0, sizeof *o);
}

size_t object_symbol_section(const struct object *o, const struct obj_symbol *s)
{
    return s->shndx > 0 && s->shndx < SHN_LORESERVE && s->shndx < o->n_sections ? s->shndx : 0;
}
