/* machine.h - the machine code of a student object, disassembled (capstone): what C
 * compiled by a C compiler never holds.
 *
 * Refused: system-call instructions (syscall, sysenter, int 0x80 and the other int
 * forms), far jumps and calls, valgrind's client-request preamble (the rol sequence
 * RUNNING_ON_VALGRIND and every other client request start with), and jumps or code
 * addresses into the middle of an instruction. Flagged (suspicious, not proof): the
 * bytes of a system-call instruction hidden inside another instruction (code that
 * jumps there through a computed address would make the call) and bytes that are no
 * instruction at all. */
#ifndef MACHINE_H
#define MACHINE_H

#include <stdbool.h>
#include <stddef.h>

#include "object.h"

/* One thing found at an offset of an executable section; refuse: proof, else a flag. */
typedef void (*machine_report)(void *ctx, size_t section, unsigned long offset, bool refuse,
                               const char *what);

/* Scans every executable section of o, reporting each finding. Returns 0, or -1 when
 * o is for a machine the scan does not know (only x86-64 is), without reporting. */
int machine_scan(const struct object *o, machine_report report, void *ctx);

#endif
