/* machine.c - disassembling a student object's code (see machine.h). */
#include "machine.h"
#include "grader.h"

#include <capstone/capstone.h>
#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The instructions of one executable section: lens[off] is the length of the
 * instruction that starts at off, 0 where none starts. */
struct code_map {
    const struct obj_section *section;
    uint8_t *lens;
};

struct scan {
    csh cs;
    const struct object *o;
    struct code_map *maps; /* by section index; lens NULL for the other sections */
    machine_report report;
    void *ctx;
    int rol_step;            /* how much of valgrind's preamble was just seen */
    unsigned long rol_start; /* where it began */
    bool saw_data;           /* bytes that are no instruction: flagged once a section */
};

/* valgrind.h's __SPECIAL_INSTRUCTION_PREAMBLE: amd64 rotates rdi, x86 edi. */
static const int64_t rol_amd64[] = {3, 13, 61, 51}, rol_x86[] = {3, 13, 29, 19};

static bool is_system_call(unsigned id)
{
    switch (id) {
    case X86_INS_SYSCALL:
    case X86_INS_SYSENTER:
    case X86_INS_SYSEXIT:
    case X86_INS_SYSRET:
    case X86_INS_INT:
    case X86_INS_INT1:
    case X86_INS_INTO:
    case X86_INS_IRET:
    case X86_INS_IRETD:
    case X86_INS_IRETQ:
        return true;
    default:
        return false;
    }
}

/* The rotate amount when insn is `rol $N, %rdi` (or %edi), else -1. */
static int64_t rol_of_rdi(const cs_insn *insn, bool *wide)
{
    if (insn->id != X86_INS_ROL || insn->detail == NULL)
        return -1;
    const cs_x86 *x = &insn->detail->x86;
    if (x->op_count != 2 || x->operands[0].type != X86_OP_REG ||
        x->operands[1].type != X86_OP_IMM)
        return -1;
    if (x->operands[0].reg != X86_REG_RDI && x->operands[0].reg != X86_REG_EDI)
        return -1;
    *wide = x->operands[0].reg == X86_REG_RDI;
    return x->operands[1].imm;
}

/* Follows valgrind's four rotations; reports the preamble once all four were seen. */
static void check_preamble(struct scan *s, size_t section, const cs_insn *insn)
{
    bool wide = false;
    int64_t n = rol_of_rdi(insn, &wide);
    const int64_t *want = wide ? rol_amd64 : rol_x86;
    if (n < 0) {
        s->rol_step = 0;
        return;
    }
    if (n != want[s->rol_step])
        s->rol_step = 0;
    if (n == want[s->rol_step]) {
        if (s->rol_step == 0)
            s->rol_start = insn->address;
        if (++s->rol_step == 4) {
            s->report(s->ctx, section, s->rol_start, true,
                      "a valgrind client request (RUNNING_ON_VALGRIND and the like): code "
                      "may not tell whether valgrind watches it, nor talk to valgrind");
            s->rol_step = 0;
        }
    }
}

static void check_instruction(struct scan *s, size_t section, const cs_insn *insn)
{
    if (insn->id == 0) {
        if (!s->saw_data)
            s->report(s->ctx, section, insn->address, false,
                      "bytes that are no instruction, in an executable section");
        s->saw_data = true;
        return;
    }
    if (is_system_call(insn->id)) {
        char *what = xasprintf("a system-call instruction (%s%s%s): code may reach the "
                               "system only through the C library's functions",
                               insn->mnemonic, insn->op_str[0] ? " " : "", insn->op_str);
        s->report(s->ctx, section, insn->address, true, what);
        free(what);
    } else if (insn->id == X86_INS_LJMP || insn->id == X86_INS_LCALL) {
        s->report(s->ctx, section, insn->address, true,
                  "a far jump or call (it changes the code segment): plain C never makes one");
    }
    check_preamble(s, section, insn);
}

/* A direct jump or call within the section must land on an instruction. */
static unsigned long *branch_target(struct scan *s, const cs_insn *insn, unsigned long *target)
{
    if (insn->detail == NULL || !cs_insn_group(s->cs, insn, CS_GRP_BRANCH_RELATIVE))
        return NULL;
    const cs_x86 *x = &insn->detail->x86;
    if (x->op_count != 1 || x->operands[0].type != X86_OP_IMM)
        return NULL;
    *target = (unsigned long)x->operands[0].imm;
    return target;
}

static void scan_section(struct scan *s, size_t index)
{
    const struct obj_section *sec = &s->o->sections[index];
    struct code_map *map = &s->maps[index];
    map->section = sec;
    map->lens = xcalloc(sec->size + 1, 1);
    const uint8_t *code = sec->bytes;
    size_t left = sec->size;
    uint64_t address = 0;
    cs_insn *insn = cs_malloc(s->cs);
    unsigned long *targets = NULL, *from = NULL;
    size_t n_targets = 0;
    s->rol_step = 0;
    s->saw_data = false;
    while (left > 0 && cs_disasm_iter(s->cs, &code, &left, &address, insn)) {
        map->lens[insn->address] = (uint8_t)insn->size;
        check_instruction(s, index, insn);
        unsigned long t;
        if (branch_target(s, insn, &t)) {
            targets = xrealloc(targets, (n_targets + 1) * sizeof *targets);
            from = xrealloc(from, (n_targets + 1) * sizeof *from);
            targets[n_targets] = t;
            from[n_targets++] = insn->address;
        }
    }
    cs_free(insn, 1);
    for (size_t i = 0; i < n_targets; i++)
        if (targets[i] < sec->size && map->lens[targets[i]] == 0)
            s->report(s->ctx, index, from[i], true,
                      "a jump into the middle of an instruction: plain C never makes one");
    free(targets);
    free(from);
}

/* The bytes of syscall (0f 05), sysenter (0f 34) and int 0x80 (cd 80) inside one
 * instruction: hidden in it (a constant, say). */
static void scan_hidden(struct scan *s, size_t index)
{
    const struct obj_section *sec = &s->o->sections[index];
    const uint8_t *b = sec->bytes;
    for (unsigned long k = 0; k + 1 < sec->size; k++) {
        bool sys = (b[k] == 0x0f && (b[k + 1] == 0x05 || b[k + 1] == 0x34)) ||
                   (b[k] == 0xcd && b[k + 1] == 0x80);
        /* both bytes inside one instruction: pairs across two are the compiler's chance */
        if (sys && s->maps[index].lens[k] == 0 && s->maps[index].lens[k + 1] == 0) {
            s->report(s->ctx, index, k, false,
                      "the bytes of a system-call instruction inside another instruction "
                      "(code that jumps there would make a system call)");
            return; /* once per section is enough to look */
        }
    }
}

/* The instruction that holds offset p of a mapped section: its end, or 0. */
static unsigned long instruction_end(const struct code_map *map, unsigned long p)
{
    for (unsigned long at = p + 1; at-- > 0 && p - at < 16;)
        if (map->lens[at] != 0)
            return at + map->lens[at] > p ? at + map->lens[at] : 0;
    return 0;
}

/* Code addresses that relocations make: each must be an instruction's start. */
static void scan_relocations(struct scan *s)
{
    const struct object *o = s->o;
    for (size_t i = 0; i < o->n_relocs; i++) {
        const struct obj_reloc *r = &o->relocs[i];
        const struct obj_symbol *sym = &o->symbols[r->symbol];
        size_t target = object_symbol_section(o, sym);
        if (target == 0 || s->maps[target].lens == NULL)
            continue;
        long t;
        switch (r->type) {
        case R_X86_64_64:
        case R_X86_64_32:
        case R_X86_64_32S:
            t = (long)sym->value + r->addend;
            break;
        case R_X86_64_PC32:
        case R_X86_64_PLT32:
        case R_X86_64_PC64: {
            /* in code, relative to the end of the instruction that holds it; in data
             * (a jump table) relative to a base this scan does not know */
            const struct code_map *at = &s->maps[r->section];
            unsigned long end = at->lens ? instruction_end(at, r->offset) : 0;
            if (end == 0)
                continue;
            t = (long)sym->value + r->addend + (long)(end - r->offset);
            break;
        }
        case R_X86_64_GOTPCREL:
        case R_X86_64_GOTPCRELX:
        case R_X86_64_REX_GOTPCRELX:
            t = (long)sym->value;
            break;
        default:
            continue;
        }
        const struct obj_section *sec = &o->sections[target];
        if (t >= 0 && (unsigned long)t < sec->size && s->maps[target].lens[t] == 0)
            s->report(s->ctx, r->section, r->offset, true,
                      "the address of the middle of an instruction: plain C never makes one");
    }
}

int machine_scan(const struct object *o, machine_report report, void *ctx)
{
    if (o->machine != EM_X86_64)
        return -1;
    struct scan s = {.o = o, .report = report, .ctx = ctx};
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &s.cs) != CS_ERR_OK)
        return -1;
    cs_option(s.cs, CS_OPT_DETAIL, CS_OPT_ON);
    cs_option(s.cs, CS_OPT_SKIPDATA, CS_OPT_ON);
    s.maps = xcalloc(o->n_sections ? o->n_sections : 1, sizeof *s.maps);
    for (size_t i = 0; i < o->n_sections; i++)
        if ((o->sections[i].flags & SHF_EXECINSTR) && o->sections[i].bytes) {
            scan_section(&s, i);
            scan_hidden(&s, i);
        }
    scan_relocations(&s);
    for (size_t i = 0; i < o->n_sections; i++)
        free(s.maps[i].lens);
    free(s.maps);
    cs_close(&s.cs);
    return 0;
}
