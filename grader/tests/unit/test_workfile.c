/* test_workfile.c - files in a work folder are read only when they are regular files of
 * sensible size: never through a link, never waiting on a FIFO. A test that would
 * block instead ends at its tcase's timeout, as an error. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "workfile.h"

/* A work folder holding a readable file, a link to it, a FIFO nobody writes to, a
 * folder and a file of 2 KiB. */
struct tree {
    char *dir, *file, *link, *fifo, *folder, *big;
};

static void make_tree(struct tree *t)
{
    t->dir = unit_tempdir();
    unit_write(t->dir, "plain.txt", "the content\n");
    t->file = path_join(t->dir, "plain.txt");
    t->link = path_join(t->dir, "link.txt");
    ck_assert_int_eq(symlink(t->file, t->link), 0);
    t->fifo = path_join(t->dir, "fifo.xml");
    ck_assert_int_eq(mkfifo(t->fifo, 0600), 0);
    t->folder = path_join(t->dir, "folder");
    ck_assert_int_eq(mkdir(t->folder, 0755), 0);
    char *text = xcalloc(2049, 1);
    memset(text, 'x', 2048);
    unit_write(t->dir, "big.txt", text);
    free(text);
    t->big = path_join(t->dir, "big.txt");
}

static void free_tree(struct tree *t)
{
    remove_tree(t->dir);
    free(t->dir);
    free(t->file);
    free(t->link);
    free(t->fifo);
    free(t->folder);
    free(t->big);
}

/* workfile_open refuses path, with a reason that contains `because`. */
static void assert_refused(const char *path, const char *because)
{
    char why[512] = "";
    ck_assert_int_eq(workfile_open(path, 1024, why, sizeof why), -1);
    ck_assert_msg(strstr(why, path) && strstr(why, because), "reason: '%s'", why);
    ck_assert_ptr_null(workfile_read(path, 1024, NULL));
}

START_TEST(regular_file_is_read)
{
    struct tree t;
    make_tree(&t);
    char why[256] = "";
    int fd = workfile_open(t.file, 1024, why, sizeof why);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0); /* blocking again */
    ck_assert_int_ne(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
    close(fd);
    size_t len = 0;
    char *text = workfile_read(t.file, 1024, &len);
    ck_assert_str_eq(text, "the content\n");
    ck_assert_uint_eq(len, 12);
    free(text);
    free_tree(&t);
}
END_TEST

START_TEST(link_is_refused)
{
    struct tree t;
    make_tree(&t);
    assert_refused(t.link, "is a symbolic link");
    ck_assert_ptr_null(read_text_file(t.link, 1024));
    free_tree(&t);
}
END_TEST

START_TEST(fifo_is_refused_without_blocking)
{
    struct tree t;
    make_tree(&t);
    assert_refused(t.fifo, "is not a regular file (a FIFO)");
    ck_assert_ptr_null(read_text_file(t.fifo, 1024));
    free_tree(&t);
}
END_TEST

START_TEST(folder_and_device_are_refused)
{
    struct tree t;
    make_tree(&t);
    assert_refused(t.folder, "is not a regular file (a folder)");
    ck_assert_ptr_null(read_text_file(t.folder, 1024));
    assert_refused("/dev/zero", "is not a regular file (a character device)");
    ck_assert_ptr_null(read_text_file("/dev/zero", 1024));
    free_tree(&t);
}
END_TEST

START_TEST(oversized_file_is_refused_or_cut)
{
    struct tree t;
    make_tree(&t);
    assert_refused(t.big, "is larger than 1 KiB");
    char why[256] = "";
    ck_assert_int_eq(workfile_open(t.big, 1000, why, sizeof why), -1);
    ck_assert_ptr_nonnull(strstr(why, "is larger than 1000 bytes"));
    char *whole = workfile_read(t.big, 2048, NULL);
    ck_assert_uint_eq(strlen(whole), 2048);
    free(whole);
    char *cut = read_text_file(t.big, 100); /* read_text_file still cuts, as before */
    ck_assert_uint_eq(strlen(cut), 100);
    free(cut);
    free_tree(&t);
}
END_TEST

START_TEST(missing_file_says_so)
{
    struct tree t;
    make_tree(&t);
    char *path = path_join(t.dir, "absent.txt");
    assert_refused(path, "cannot be opened: No such file or directory");
    ck_assert_ptr_null(read_text_file(path, 1024));
    free(path);
    free_tree(&t);
}
END_TEST

Suite *workfile_suite(void)
{
    Suite *s = suite_create("workfile");
    TCase *tc = tcase_create("refusals");
    tcase_set_timeout(tc, 3); /* a blocking open of the FIFO would wait forever */
    tcase_add_test(tc, regular_file_is_read);
    tcase_add_test(tc, link_is_refused);
    tcase_add_test(tc, fifo_is_refused_without_blocking);
    tcase_add_test(tc, folder_and_device_are_refused);
    tcase_add_test(tc, oversized_file_is_refused_or_cut);
    tcase_add_test(tc, missing_file_says_so);
    suite_add_tcase(s, tc);
    return s;
}
