/* subprocess_test.h - what the chapter 15 tests share (subprocess_test.c): the child
 * program they run, its output pattern, counts of processes and descriptors. */
#ifndef SUBPROCESS_TEST_H
#define SUBPROCESS_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include "child.h"
#include "communicate.h"
#include "run.h"
#include "wb_test.h"

/* The path of the child program (child_program/child_program.c), to use as argv[0]:
 * "/proc/self/fd/N", a memory file holding its image, created on the first call. */
const char *child_program(void);

/* The path of a copy of the child program without execute permission. */
const char *child_program_not_executable(void);

/* Whether data[0..len) is what the child program's `write` command writes to one
 * stream: byte k is "abcdefghijklmnopqrstuvwxyz\n"[k % 27]. */
bool is_child_pattern(const char *data, size_t len);

/* n bytes of test input (not the child's pattern): the caller frees them. */
char *test_input(size_t n);

/* errno's name ("ENOENT"), or "0". */
const char *errno_name(int e);

/* How many children the test process has, zombies included. */
int count_children(void);

/* Fails the test unless *c holds three open descriptors and a pid. */
void assert_started(int rc, const struct child *c, const char *what);

/* Reads fd until end of file into a malloc'd buffer (NUL-terminated), its length in
 * *len; closes fd and sets it to -1. Fails the test on error or after 20 s. */
char *read_to_end(int *fd, size_t *len);

/* Writes all of buf to *fd, then closes it and sets it to -1. */
void write_and_close(int *fd, const void *buf, size_t n);

/* waitpid for pid (the tests' own, not child_wait); returns the raw status. Fails the
 * test if the child does not end within 20 s. */
int reap_child(pid_t pid);

#endif
