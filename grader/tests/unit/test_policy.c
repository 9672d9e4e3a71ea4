/* test_policy.c - the object and source policy on small student files compiled here:
 * each route it closes is refused with its reason and line, correct code passes. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libsyms.h"
#include "preprocessed.h"
#include "unit.h"

/* One case: up to two student files (b may be NULL), what the chapter exports, forbids
 * and reviews, and what must come out: a phrase of the rejection (NULL: accepted) and a
 * phrase of a review flag (NULL: no flag). */
struct policy_case {
    const char *a, *b;
    const char *message, *flagged;
};

static char *exports[] = {"f", "g"};
static struct name_rule forbidden[] = {{"pthread_barrier_*", "build the barrier yourself"}};
static struct name_rule review[] = {{"pthread_exit", "no threads in this chapter"}};

static const struct policy_case cases[] = {
    /* correct code */
    {"int f(void) { return 1; }\n", NULL, NULL, NULL},
    /* ceil: libm is allowed whole (at -O0 it is a call, as clang makes it at -Og) */
    {"#include <math.h>\nstatic double x = 2.5;\nint f(void) { return (int)ceil(x); }\n", NULL,
     NULL, NULL},
    /* a helper shared by two files, under a name no library uses */
    {"int shared_helper_sum(int a) { return a + 1; }\nint f(void) { return 0; }\n",
     "int shared_helper_sum(int);\nint g(void) { return shared_helper_sum(1); }\n", NULL, NULL},
    /* a thread-local static is plain C11 */
    {"static _Thread_local int n;\nint f(void) { return ++n; }\n", NULL, NULL, NULL},
    /* a global no header declares and no other file uses */
    {"int f(void) { return 0; }\nint helper(void) { return 1; }\n", NULL,
     "src/a.c:2: defines 'helper', which the chapter's headers do not declare and no other "
     "student file uses: make it static",
     NULL},
    /* a shared helper under a C library name: it would replace the library's */
    {"#include <time.h>\nint clock_gettime(clockid_t c, struct timespec *t) { (void)c; "
     "(void)t; return 0; }\n",
     "#include <time.h>\nint g(void) { struct timespec t; return clock_gettime(0, &t); }\n",
     "defines 'clock_gettime', which the chapter's headers do not declare: libc.so.6 uses "
     "that name too",
     NULL},
    /* a local IFUNC: its resolver runs before main */
    {"static int real(void) { return 1; }\nstatic void *pick(void) { return (void *)real; }\n"
     "static int chosen(void) __attribute__((ifunc(\"pick\")));\n"
     "int f(void) { return chosen(); }\n",
     NULL, "defines 'chosen' as an IFUNC", NULL},
    /* a thread-local global */
    {"_Thread_local int f;\n", NULL, "defines 'f' as a thread-local global", NULL},
    /* code in the legacy .init section */
    {"__attribute__((section(\".init\"))) void early(void) {}\nint f(void) { return 0; }\n",
     NULL, "holds section '.init'", NULL},
    /* a constructor */
    {"__attribute__((constructor)) static void early(void) {}\nint f(void) { return 0; }\n",
     NULL, "src/a.c:1: code registered in .init_array", NULL},
    /* a function the chapter forbids, with its reason */
    {"#include <pthread.h>\npthread_barrier_t b;\n"
     "int f(void) { return pthread_barrier_wait(&b); }\n",
     NULL,
     "src/a.c:3: uses 'pthread_barrier_wait', which this chapter forbids: build the "
     "barrier yourself",
     NULL},
    /* a function the chapter reviews: flagged, not refused */
    {"#include <pthread.h>\nint f(void) {\n  pthread_exit(0);\n}\n", NULL, NULL,
     "uses 'pthread_exit': no threads in this chapter"},
    /* a function nobody allows */
    {"#include <stdlib.h>\nint f(void) { exit(0); }\n", NULL,
     "src/a.c:2: uses 'exit', which this chapter does not allow", NULL},
    /* a raw system call */
    {"int f(void) {\n  long r;\n  __asm__ volatile(\"syscall\" : \"=a\"(r) : \"a\"(39L));\n"
     "  return (int)r;\n}\n",
     NULL, "src/a.c:3: a system-call instruction (syscall)", NULL},
    {"int f(void) {\n  __asm__ volatile(\"int $0x80\");\n  return 0;\n}\n", NULL,
     "src/a.c:2: inline assembly (asm) is not allowed", NULL},
    /* valgrind's client requests, through a macro of a system header */
    {"#include <valgrind/valgrind.h>\nint f(void) {\n  return RUNNING_ON_VALGRIND;\n}\n", NULL,
     "a valgrind client request (RUNNING_ON_VALGRIND and the like)", NULL},
    /* asm hidden by token pasting is still asm once expanded */
    {"#define A(x) __as##m__(x)\nint f(void) {\n  A(\"nop\");\n  return 0;\n}\n", NULL,
     "src/a.c:3: inline assembly (asm) is not allowed", NULL},
    /* FILE internals and an address turned into an integer: flagged */
    {"#include <stdio.h>\nint f(void) {\n  return stdout->_fileno + (int)(unsigned long)&f;\n"
     "}\n",
     NULL, NULL, "reaches into a structure's internals ('->_fileno'"},
    /* si_status is a macro of members that begin with '_': the student wrote none */
    {"#include <signal.h>\nint f(void) {\n  siginfo_t i = {0};\n  return i.si_status;\n}\n",
     NULL, NULL, NULL},
    /* addresses compared to order locks, and an int passed as a pointer: honest */
    {"#include <stdint.h>\nstatic int a, b;\nstatic void *pass(int i) { return (void "
     "*)(intptr_t)i; }\n"
     "int f(void) { return (uintptr_t)&a < (uintptr_t)&b && pass(1); }\n",
     NULL, NULL, NULL},
    /* the page an address lies in, and a pointer made from a computed address */
    {"static char anchor;\nint f(void) {\n  const char *page = (const char *)((unsigned "
     "long)&anchor "
     "& ~4095UL);\n  return *page;\n}\n",
     NULL, NULL, "src/a.c:3 computes with an address turned into an integer"},
    {"#include <stdint.h>\nint f(void) {\n  const char *p = \"x\";\n"
     "  const int *q = (const int *)(uintptr_t)(p + 6);\n  return *q;\n}\n",
     NULL, NULL, "src/a.c:4 makes a pointer from an address computed as an integer"},
    /* a system-call instruction's bytes hidden in a constant: flagged */
    {"int f(int x) { return x * 0xc3050f; }\n", NULL, NULL,
     "the bytes of a system-call instruction inside another instruction"},
};

/* Compiles text as work/src/name.c into work/build/src_name.o (-O0: calls stay calls). */
static void compile(const char *work, const char *name, const char *text)
{
    char *rel = xasprintf("src/%s.c", name);
    unit_write(work, rel, text);
    char *cmd = xasprintf("cd '%s' && cc -std=c17 -pthread -g -O0 -D_GNU_SOURCE -Iinclude -c "
                          "%s -o build/src_%s.o 2>&1",
                          work, rel, name);
    FILE *p = popen(cmd, "r");
    char out[4096];
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    ck_assert_msg(pclose(p) == 0, "%s does not compile:\n%s", rel, out);
    free(cmd);
    free(rel);
}

/* phrase: "what", or "where what" */
static bool has_flag(const struct chapter_result *r, const char *phrase)
{
    for (size_t i = 0; i < r->n_flags; i++) {
        char *both = xasprintf("%s %s", r->flags[i].where, r->flags[i].what);
        bool found = strstr(both, phrase) != NULL;
        free(both);
        if (found)
            return true;
    }
    return false;
}

START_TEST(policy_refuses_what_plain_c_never_needs)
{
    const struct policy_case *pc = &cases[_i];
    char *dir = unit_tempdir();
    char *work = path_join(dir, "01-x");
    char *build = path_join(work, "build"), *logs = path_join(work, "logs"),
         *include = path_join(work, "include");
    ck_assert_int_eq(mkdir_p(build) | mkdir_p(logs) | mkdir_p(include), 0);
    char *files[] = {"src/a.c", "src/b.c"};
    compile(work, "a", pc->a);
    if (pc->b)
        compile(work, "b", pc->b);
    char root[4096];
    ck_assert_ptr_nonnull(getcwd(root, sizeof root)); /* the workbook: grader/policy.cfg */
    struct chapter ch = {.id = "01-x",
                         .student_files = files,
                         .n_student_files = pc->b ? 2 : 1,
                         .exports = exports,
                         .n_exports = 2,
                         .forbidden = forbidden,
                         .n_forbidden = 1,
                         .review = review,
                         .n_review = 1};
    struct grade_config cfg = {.root = root, .workdir = dir, .cc = "cc"};
    struct chapter_result r;
    chapter_result_init(&r, &ch);
    int rc = policy_check(&cfg, &ch, &r);
    if (pc->message) {
        ck_assert_msg(rc == -1, "case %d accepted", _i);
        ck_assert_msg(strstr(r.message, pc->message), "case %d: '%s' lacks '%s'", _i, r.message,
                      pc->message);
    } else {
        ck_assert_msg(rc == 0, "case %d refused: %s", _i, r.message);
    }
    if (pc->flagged)
        ck_assert_msg(has_flag(&r, pc->flagged), "case %d: no flag says '%s'", _i, pc->flagged);
    else
        ck_assert_msg(r.n_flags == 0, "case %d: flagged %s: %s", _i, r.flags[0].where,
                      r.flags[0].what);
    chapter_result_free(&r);
    remove_tree(dir);
    free(include);
    free(logs);
    free(build);
    free(work);
    free(dir);
}
END_TEST

static void collect(void *ctx, const char *where, bool refuse, const char *what)
{
    char **out = ctx;
    char *longer = xasprintf("%s%s %s: %s\n", *out, refuse ? "REFUSE" : "FLAG", where, what);
    free(*out);
    *out = longer;
}

START_TEST(line_markers_naming_other_files_are_refused)
{
    char *files[] = {"src/a.c"};
    char *out = xstrdup("");
    preprocessed_scan_text("# 1 \"src/a.c\"\n# 1 \"/usr/include/stdio.h\" 1 3 4\n"
                           "extern int printf(const char *, ...);\n# 2 \"src/a.c\" 2\n"
                           "int x;\n# 40 \"tests/helpers.c\"\nint racy;\n",
                           files, NULL, 1, collect, &out);
    ck_assert_str_eq(out, "REFUSE src/a.c:3: a line directive names 'tests/helpers.c', which "
                          "is neither a student file nor a header: code may not pass for "
                          "another file's\n");
    free(out);
    /* tokens of system headers are not the student's */
    out = xstrdup("");
    preprocessed_scan_text(
        "# 1 \"/usr/include/x.h\"\nstatic inline void f(void) { __asm__(\"\"); "
        "}\n# 1 \"src/a.c\"\nconst char *p = \"/proc/self/mem\";\n",
        files, NULL, 1, collect, &out);
    ck_assert_str_eq(out, "FLAG src/a.c:1: names a path under /proc: \"/proc/self/mem\"\n");
    free(out);
}
END_TEST

START_TEST(library_symbols_come_from_the_real_tables)
{
    struct libsyms *s = libsyms_new();
    ck_assert_int_ge(libsyms_add_runner_libraries(s), 3);
    int kinds = 0;
    const char *label = NULL;
    ck_assert(libsyms_find(s, "waitpid", &kinds, &label));
    ck_assert_str_eq(label, "libc.so.6");
    ck_assert(kinds & LIBSYM_FUNCTION);
    ck_assert(libsyms_find(s, "waitpid@GLIBC_2.2.5", NULL, NULL));
    ck_assert(libsyms_defines_function_in(s, "ceil", "libm.so.6"));
    ck_assert(!libsyms_defines_function_in(s, "waitpid", "libm.so.6"));
    ck_assert(libsyms_find(s, "srunner_run_all", NULL, &label)); /* Check's archive */
    ck_assert(!libsyms_find(s, "run_in_child", NULL, NULL));
    libsyms_free(s);
}
END_TEST

Suite *policy_suite(void)
{
    Suite *s = suite_create("policy");
    TCase *tc = tcase_create("objects and source");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, policy_refuses_what_plain_c_never_needs, 0,
                        (int)(sizeof cases / sizeof *cases));
    tcase_add_test(tc, line_markers_naming_other_files_are_refused);
    tcase_add_test(tc, library_symbols_come_from_the_real_tables);
    suite_add_tcase(s, tc);
    return s;
}
