/* shared_string.h - a fixed-size text in shared memory.
 *
 * Python:  from ctypes import c_char_p
 *          str_val = Value(c_char_p, b"Hello World")   # what the course notes show
 *
 * A c_char_p is a POINTER: Value(c_char_p, ...) shares the address of the bytes, not
 * the bytes. The address means nothing in another process, so a string set by a
 * child is not seen (or is garbage) in the parent. What works is to put the bytes
 * themselves in shared memory, in a buffer of fixed capacity, as Array('c', 64) does.
 *
 * Truncation rule (the one snprintf follows): a text longer than capacity - 1 bytes
 * is cut to its first capacity - 1 bytes; the stored text always ends with a zero
 * byte; the functions return the FULL length of the text, so a result >= capacity
 * says it was cut. The cut is on a byte, not on a character: it may split a UTF-8
 * character in two.
 */
#ifndef SHARED_STRING_H
#define SHARED_STRING_H

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>

/* Read the fields, never change them: the functions do. */
struct shm_string {
    pthread_mutex_t lock; /* process-shared and recursive */
    size_t capacity;      /* bytes in text, the final zero byte included */
    char text[];          /* capacity bytes follow the header */
};

/* Makes a new shared string of capacity bytes (the zero byte included, so it holds
 * up to capacity - 1 bytes of text), holding init (truncated by the rule above) or
 * the empty string when init is NULL. Always synchronized.
 *
 * Returns the string; free it with shm_string_free. Returns NULL with errno set:
 * EINVAL when capacity is 0; ENOMEM (or another errno from mmap) when it cannot be
 * mapped. */
struct shm_string *shm_string_new(size_t capacity, const char *init);

/* Replaces the text by text, truncated by the rule above, under the lock.
 * Returns strlen(text) (>= capacity when it was cut), or -1 with errno set when the
 * lock cannot be taken. */
ssize_t shm_string_set(struct shm_string *s, const char *text);

/* Copies the text into buf, under the lock: at most size - 1 bytes, always followed
 * by a zero byte when size > 0 (the same truncation rule; size 0 writes nothing).
 * Returns the length of the stored text (>= size when the copy was cut), or -1 with
 * errno set when the lock cannot be taken. */
ssize_t shm_string_get(struct shm_string *s, char *buf, size_t size);

/* The string's lock (recursive and process-shared), to make several calls one step. */
pthread_mutex_t *shm_string_get_lock(struct shm_string *s);

/* Destroys the lock and unmaps the string in the calling process. NULL is ignored. */
void shm_string_free(struct shm_string *s);

#endif
