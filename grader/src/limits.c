/* limits.c - what each stage's sandbox sees and may use.
 *
 * Every stage that touches student code runs it in a sandbox that sees the system's
 * /usr, the chapter's work folder read-only (headers, tests, student files), and one
 * writable folder, the chapter's build/. The grader's own logs live in logs/, which
 * no sandbox can write. */
#include "grader.h"

#include <stdlib.h>
#include <string.h>

#include "sandbox.h"

enum { MiB = 1 << 20 };
#define GiB (1024LL * MiB)

static const struct sandbox_limits stage_limits[] = {
    /* the compiler and the linker: a 1 GiB array must not become a 1 GiB object */
    [STAGE_BUILD] = {.processes = 64, .memory = 2 * GiB, .cpu_seconds = 120,
                     .file_size = 64 * MiB, .open_files = 1024, .disk = 256 * MiB,
                     .output = 64 * 1024},
    /* the tests: one test at a time, each in its own process tree */
    [STAGE_RUN] = {.processes = 256, .memory = 1 * GiB, .address_space = 16 * GiB,
                   .cpu_seconds = 120, .file_size = 64 * MiB, .open_files = 1024,
                   .disk = 256 * MiB, .output = 64 * 1024},
    /* valgrind: slower, bigger, and it reserves address space of its own */
    [STAGE_ANALYSE] = {.processes = 256, .memory = 3 * GiB, .cpu_seconds = 1200,
                       .file_size = 256 * MiB, .open_files = 1024, .disk = 512 * MiB,
                       .output = 64 * 1024},
    /* addr2line over the student's objects */
    [STAGE_INSPECT] = {.processes = 16, .memory = 1 * GiB, .cpu_seconds = 30,
                       .file_size = 1 * MiB, .open_files = 256, .disk = 256 * MiB,
                       .output = 64 * 1024},
};

const struct sandbox_spec *stage_sandbox(struct stage_sandbox *s, const struct grade_config *cfg,
                                         const char *work, enum stage_kind kind)
{
    *s = (struct stage_sandbox){0};
    if (cfg->sandbox == NULL)
        return NULL;
    s->paths[0] = xstrdup(work);
    s->paths[1] = path_join(cfg->workdir, ".harness");
    s->paths[2] = path_join(work, "build");
    s->readonly[0] = s->paths[0];
    s->readonly[1] = kind == STAGE_BUILD ? s->paths[1] : NULL;
    s->writable[0] = s->paths[2];
    s->spec = (struct sandbox_spec){.box = cfg->sandbox, .readonly = s->readonly,
                                    .writable = s->writable, .cwd = s->paths[0],
                                    .limits = stage_limits[kind]};
    return &s->spec;
}

const struct sandbox_spec *harness_sandbox(struct stage_sandbox *s, const struct grade_config *cfg)
{
    *s = (struct stage_sandbox){0};
    if (cfg->sandbox == NULL)
        return NULL;
    s->paths[0] = path_join(cfg->workdir, ".harness");
    s->writable[0] = s->paths[0];
    s->spec = (struct sandbox_spec){.box = cfg->sandbox, .writable = s->writable,
                                    .cwd = s->paths[0], .limits = stage_limits[STAGE_BUILD]};
    return &s->spec;
}

void stage_sandbox_free(struct stage_sandbox *s)
{
    for (size_t i = 0; i < sizeof s->paths / sizeof *s->paths; i++)
        free(s->paths[i]);
    *s = (struct stage_sandbox){0};
}
