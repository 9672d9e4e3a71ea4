/* test_includes.c - no student directive may make the compiler read another file, and
 * none can be hidden from the check; honest code passes. */
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "includes.h"
#include "unit.h"

/* A work folder as collect leaves it: the chapter's include/queue.h, the student's
 * src/a.c (written by check_source). */
static char *make_work(void)
{
    char *work = unit_tempdir();
    unit_write(work, "include/queue.h", "struct queue;\n");
    unit_write(work, "src/placeholder.h", "\n");
    return work;
}

/* Writes len bytes of text as work/src/a.c (NUL bytes too) and checks it; returns 0
 * when it is clean, else -1 with the problems in *message (the caller frees it). */
static int check_in(const char *work, const char *text, size_t len, char **message)
{
    char *path = path_join(work, "src/a.c");
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
    close(fd);
    *message = includes_problems(work, "src/a.c");
    free(path);
    return *message ? -1 : 0;
}

/* Checks text in a fresh work folder and returns the message (NULL when clean). */
static char *check_source(const char *text)
{
    char *work = make_work(), *message;
    check_in(work, text, strlen(text), &message);
    remove_tree(work);
    free(work);
    return message;
}

static void assert_refused(const char *text, const char *expected)
{
    char *message = check_source(text);
    ck_assert_msg(message != NULL, "not refused: %s", text);
    ck_assert_msg(strcmp(message, expected) == 0, "for %s\n got: %s\nwant: %s", text, message,
                  expected);
    free(message);
}

static void assert_clean(const char *text)
{
    char *message = check_source(text);
    ck_assert_msg(message == NULL, "refused: %s\n%s", text, message);
}

START_TEST(bad_include_names_are_refused)
{
    assert_refused("#include \"/etc/passwd\"\n",
                   "src/a.c:1: #include \"/etc/passwd\": absolute paths are not allowed");
    assert_refused("int x;\n#include </etc/passwd>\n",
                   "src/a.c:2: #include </etc/passwd>: absolute paths are not allowed");
    assert_refused("#include <../../etc/passwd>\n",
                   "src/a.c:1: #include <../../etc/passwd>: paths with .. are not allowed");
    assert_refused("#include \"../tests/test_a.c\"\n",
                   "src/a.c:1: #include \"../tests/test_a.c\": paths with .. are not allowed");
    assert_refused("#include_next </etc/passwd>\n",
                   "src/a.c:1: #include_next </etc/passwd>: absolute paths are not allowed");
    assert_refused("#import \"/etc/passwd\"\n",
                   "src/a.c:1: #import \"/etc/passwd\": absolute paths are not allowed");
    assert_refused("#include \"\"\n", "src/a.c:1: #include \"\": empty names are not allowed");
}
END_TEST

START_TEST(computed_names_are_refused)
{
    assert_refused("#define FOO \"/etc/passwd\"\n#include FOO\n",
                   "src/a.c:2: computed #include is not allowed");
    assert_refused("#define H __has_include\n#if H(\"/etc/passwd\")\n#endif\n",
                   "src/a.c:1: computed __has_include is not allowed");
    assert_refused("#define H(n) __has_include(n)\n",
                   "src/a.c:1: computed __has_include is not allowed");
    assert_refused("#define L 1 \"/etc/passwd\"\n#line L\n",
                   "src/a.c:2: computed #line is not allowed");
    assert_refused("#define P(x) _Pragma(#x)\nP(GCC dependency \"a.c\")\n",
                   "src/a.c:1: computed _Pragma is not allowed");
}
END_TEST

START_TEST(file_reading_directives_are_refused)
{
    assert_refused("const char d[] = {\n#embed \"data.bin\"\n};\n",
                   "src/a.c:2: #embed is not allowed");
    assert_refused("#if __has_embed(\"x\")\n#endif\n", "src/a.c:1: __has_embed is not allowed");
    assert_refused("#pragma GCC dependency \"/etc/passwd\"\n",
                   "src/a.c:1: #pragma GCC dependency is not allowed");
    assert_refused("_Pragma(\"GCC dependency \\\"a.c\\\"\")\n",
                   "src/a.c:1: _Pragma(\"GCC dependency\") is not allowed");
    assert_refused("#if __has_include(\"/etc/passwd\")\n#endif\n",
                   "src/a.c:1: __has_include(\"/etc/passwd\"): absolute paths are not allowed");
    assert_refused("#if __has_include_next(<../x.h>)\n#endif\n",
                   "src/a.c:1: __has_include_next(<../x.h>): paths with .. are not allowed");
    assert_refused("#line 1 \"/etc/passwd\"\nint x = y;\n",
                   "src/a.c:1: #line with a file name is not allowed");
    assert_refused("# 1 \"/etc/passwd\"\n",
                   "src/a.c:1: line markers with a file name are not allowed");
}
END_TEST

START_TEST(assembler_includes_are_refused)
{
    assert_refused("__asm__(\".incbin \\\"/etc/passwd\\\"\");\n",
                   "src/a.c:1: .incbin is not allowed");
    assert_refused("__asm__(\".section .data\\n\\t.INCBIN \\\"/etc/passwd\\\"\");\n",
                   "src/a.c:1: .incbin is not allowed");
    assert_refused("__asm__(\".inc\"\n        \"bin \\\"/etc/passwd\\\"\");\n",
                   "src/a.c:1: .incbin is not allowed");
    assert_refused("__asm__(\"\\x2einc\\142in \\\"/etc/passwd\\\"\");\n",
                   "src/a.c:1: .incbin is not allowed");
    assert_refused("#define S(x) #x\n__asm__(S(.incbin \"/etc/passwd\"));\n",
                   "src/a.c:2: .incbin is not allowed");
    assert_refused("__asm__(\".include \\\"/etc/passwd\\\"\");\n",
                   "src/a.c:1: .include in assembly is not allowed");
}
END_TEST

/* The compiler joins and drops these before it sees a directive: so must the check. */
START_TEST(hidden_directives_are_found)
{
    const char *expected = "src/a.c:1: #include \"/etc/passwd\": absolute paths are not allowed";
    assert_refused("#inc\\\nlude \"/etc/passwd\"\n", expected);
    assert_refused("#include \\\n\"/etc/passwd\"\n", expected);
    assert_refused("#  inc\\  \r\nlude \"/etc/pa\\\nsswd\"\n", expected);
    assert_refused("/* x */ #include \"/etc/passwd\"\n", expected);
    assert_refused("# /* x */ include /* y */ \"/etc/passwd\" // z\n", expected);
    assert_refused("?\?=include \"/etc/passwd\"\n", expected);
    assert_refused("#inc?\?/\nlude \"/etc/passwd\"\n", expected);
    assert_refused("%:include \"/etc/passwd\"\n", expected);
    assert_refused("\t \f#\tinclude\t\"/etc/passwd\"\n", expected);
    assert_refused("/* a\n */ #include \"/etc/passwd\"\n",
                   "src/a.c:2: #include \"/etc/passwd\": absolute paths are not allowed");
    assert_refused("int a;\r#include \"/etc/passwd\"\n", /* a lone CR ends a line for GCC */
                   "src/a.c:2: #include \"/etc/passwd\": absolute paths are not allowed");
    assert_refused("// note\r#include \"/etc/passwd\"\n",
                   "src/a.c:2: #include \"/etc/passwd\": absolute paths are not allowed");
    assert_clean("// note \\\n#include \"/etc/passwd\"\n"); /* in the comment, for GCC too */
}
END_TEST

START_TEST(comment_markers_in_header_names_hide_nothing)
{
    /* <a/ then *> is one header name, not a comment start that would hide line 3 */
    assert_refused("#if __has_include(<a/*>)\n#endif\n#include \"/etc/passwd\"\n// */\n",
                   "src/a.c:3: #include \"/etc/passwd\": absolute paths are not allowed");
    /* a string literal ends at its line's end: an odd quote hides nothing after it */
    assert_refused("#error don't\n#include \"/etc/passwd\"\n",
                   "src/a.c:2: #include \"/etc/passwd\": absolute paths are not allowed");
}
END_TEST

START_TEST(nul_byte_hides_nothing)
{
    static const char text[] = "int a;\0/* */\n#include \"/etc/passwd\"\n";
    char *work = make_work(), *message;
    ck_assert_int_eq(check_in(work, text, sizeof text - 1, &message), -1);
    ck_assert_str_eq(message, "src/a.c:2: #include \"/etc/passwd\": absolute paths are not allowed");
    free(message);
    remove_tree(work);
    free(work);
}
END_TEST

START_TEST(text_that_only_mentions_a_directive_passes)
{
    assert_clean("#include <stdio.h>\n#include \"queue.h\"\n#include <sys/wait.h>\n"
                 "#include \"placeholder.h\"\n");
    assert_clean("const char *s = \"#include \\\"/etc/passwd\\\"\";\n");
    assert_clean("// #include \"/etc/passwd\"\n/* #include </etc/passwd>\n */\n");
    assert_clean("char c = '#'; const char *t = \"\\\" #include </etc/passwd>\";\n");
    assert_clean("#if defined(__has_include) && __has_include(<stdio.h>)\n#endif\n"
                 "#ifdef __has_include\n#endif\n#if defined __has_include\n#endif\n");
    assert_clean("#line 12\n");
    assert_clean("struct s { int include; } v;\nvoid f(void) { v.include = 1; }\n");
    assert_clean("#pragma once\n#define STR(x) #x\n");
}
END_TEST

/* The included file is a FIFO, a link, a folder: refused by looking at it (lstat), not by
 * opening it; its content is never shown. */
START_TEST(included_file_must_be_regular)
{
    char *work = make_work(), *message;
    char *fifo = path_join(work, "src/data.h");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    unit_write(work, "secret.txt", "SECRET\n");
    char *secret = path_join(work, "secret.txt"), *link = path_join(work, "src/link.h");
    ck_assert_int_eq(symlink(secret, link), 0);
    char *folder = path_join(work, "src/folder.h"), *through = path_join(work, "src/sub");
    ck_assert_int_eq(mkdir(folder, 0755), 0);
    ck_assert_int_eq(symlink(work, through), 0);
    char *fifo_in_include = path_join(work, "include/pipe.h");
    ck_assert_int_eq(mkfifo(fifo_in_include, 0600), 0);
    const char *text = "#include \"data.h\"\n#include \"link.h\"\n#include \"folder.h\"\n"
                       "#include \"sub/secret.txt\"\n#include <pipe.h>\n";
    ck_assert_int_eq(check_in(work, text, strlen(text), &message), -1);
    ck_assert_str_eq(message,
                     "src/a.c:1: #include \"data.h\": not a regular file (a FIFO)\n"
                     "src/a.c:2: #include \"link.h\": not a regular file (a symbolic link)\n"
                     "src/a.c:3: #include \"folder.h\": not a regular file (a folder)\n"
                     "src/a.c:4: #include \"sub/secret.txt\": not a regular file (a symbolic "
                     "link)\n"
                     "src/a.c:5: #include <pipe.h>: not a regular file (a FIFO)");
    ck_assert_ptr_null(strstr(message, "SECRET"));
    free(message);
    remove_tree(work);
    free(work);
    free(fifo);
    free(secret);
    free(link);
    free(folder);
    free(through);
    free(fifo_in_include);
}
END_TEST

START_TEST(at_most_ten_violations_are_listed)
{
    char *text = xstrdup("");
    for (int i = 0; i < 12; i++) {
        char *longer = xasprintf("%s#include \"/etc/f%d\"\n", text, i);
        free(text);
        text = longer;
    }
    char *message = check_source(text);
    ck_assert_ptr_nonnull(message);
    size_t lines = 1;
    for (const char *p = message; (p = strchr(p, '\n')) != NULL; p++)
        lines++;
    ck_assert_uint_eq(lines, 10);
    free(message);
    free(text);
}
END_TEST

/* Each file is judged on its own, and a file that is not regular is refused unread. */
START_TEST(each_file_is_judged_alone)
{
    char *work = make_work();
    unit_write(work, "src/a.c", "#include <stdio.h>\n");
    unit_write(work, "src/b.c", "int b;\n#include \"/etc/passwd\"\n");
    char *fifo = path_join(work, "src/c.c");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    char *problems[3] = {includes_problems(work, "src/a.c"), includes_problems(work, "src/b.c"),
                         includes_problems(work, "src/c.c")};
    ck_assert_ptr_null(problems[0]);
    ck_assert_str_eq(problems[1],
                     "src/b.c:2: #include \"/etc/passwd\": absolute paths are not allowed");
    ck_assert_str_eq(problems[2],
                     "src/c.c: cannot be checked: not a regular file of at most 1024 KiB");
    for (int i = 0; i < 3; i++)
        free(problems[i]);
    remove_tree(work);
    free(work);
    free(fifo);
}
END_TEST

/* Checks one file of the workbook in place; adds the lines of any violation to *bad. */
static void check_workbook_file(const char *path, char **bad)
{
    /* "solutions/01-fork/src/x.c": the work folder is "solutions/01-fork" */
    char *work = xstrdup(path);
    char *src = strstr(work, "/src/");
    *src = '\0';
    char *problems = includes_problems(work, src + 1);
    if (problems) {
        char *longer = xasprintf("%s%s: %s\n", *bad, path, problems);
        free(*bad);
        *bad = longer;
    }
    free(problems);
    free(work);
}

START_TEST(workbook_sources_pass)
{
    glob_t g;
    ck_assert_int_eq(glob("solutions/*/src/*.c", 0, NULL, &g), 0);
    ck_assert_int_eq(glob("chapters/*/src/*.c", GLOB_APPEND, NULL, &g), 0);
    ck_assert_uint_ge(g.gl_pathc, 24); /* run from the workbook's root */
    char *bad = xstrdup("");
    for (size_t i = 0; i < g.gl_pathc; i++)
        check_workbook_file(g.gl_pathv[i], &bad);
    ck_assert_msg(bad[0] == '\0', "refused:\n%s", bad);
    free(bad);
    globfree(&g);
}
END_TEST

Suite *includes_suite(void)
{
    Suite *s = suite_create("includes");
    TCase *tc = tcase_create("directives");
    tcase_set_timeout(tc, 5); /* reading an included FIFO would never return */
    tcase_add_test(tc, bad_include_names_are_refused);
    tcase_add_test(tc, computed_names_are_refused);
    tcase_add_test(tc, file_reading_directives_are_refused);
    tcase_add_test(tc, assembler_includes_are_refused);
    tcase_add_test(tc, hidden_directives_are_found);
    tcase_add_test(tc, comment_markers_in_header_names_hide_nothing);
    tcase_add_test(tc, nul_byte_hides_nothing);
    tcase_add_test(tc, text_that_only_mentions_a_directive_passes);
    tcase_add_test(tc, included_file_must_be_regular);
    tcase_add_test(tc, at_most_ten_violations_are_listed);
    tcase_add_test(tc, each_file_is_judged_alone);
    tcase_add_test(tc, workbook_sources_pass);
    suite_add_tcase(s, tc);
    return s;
}
