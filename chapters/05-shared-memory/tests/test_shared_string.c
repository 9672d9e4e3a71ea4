/* test_shared_string.c - pins every promise of shared_string.h. */
#include <errno.h>
#include <string.h>

#include "shared_string.h"
#include "shm_helpers.h"
#include "wb_test.h"

static struct shm_string *string(size_t capacity, const char *init)
{
    errno = 0;
    struct shm_string *s = shm_string_new(capacity, init);
    ck_assert_msg(s != NULL, "shm_string_new(%zu, \"%s\") returned NULL (errno %s)", capacity,
                  init ? init : "(null)", strerror(errno));
    return s;
}

/* The stored text, read with a buffer of 128 bytes. */
static const char *text_of(struct shm_string *s, char buf[128])
{
    ssize_t len = shm_string_get(s, buf, 128);
    ck_assert_msg(len >= 0, "shm_string_get failed (errno %s)", strerror(errno));
    return buf;
}

WB_TEST(string_holds_its_initial_text)
{
    struct shm_string *s = string(32, "Hello World"), *empty = string(8, NULL);
    char buf[128], buf2[128];
    ssize_t len = shm_string_get(s, buf, sizeof buf);
    ssize_t len_empty = shm_string_get(empty, buf2, sizeof buf2);
    shm_string_free(s);
    shm_string_free(empty);
    ck_assert_msg(len == 11 && strcmp(buf, "Hello World") == 0,
                  "Value(c_char_p, b\"Hello World\") read back as \"%s\" (length %zd)",
                  len >= 0 ? buf : "", len);
    ck_assert_msg(len_empty == 0 && buf2[0] == '\0', "with init NULL the text should be \"\"");
}

static int set_from_child(void *arg)
{
    return shm_string_set(arg, "set by the child") == 16 ? 0 : 1;
}

WB_TEST(string_set_by_child_is_seen_by_parent)
{
    struct shm_string *s = string(64, "Hello World");
    int code = in_child(set_from_child, s);
    char buf[128];
    const char *seen = text_of(s, buf);
    bool same = strcmp(seen, "set by the child") == 0;
    shm_string_free(s);
    ck_assert_msg(code == 0, "shm_string_set in the child failed or did not return 16");
    ck_assert_msg(same, "the child set \"set by the child\", the parent sees \"%s\": store the "
                        "bytes in shared memory, not a pointer to them", buf);
}

WB_TEST(string_set_truncates_long_text)
{
    struct shm_string *s = string(8, NULL);
    ssize_t ret = shm_string_set(s, "Hello World");
    char buf[128];
    bool cut = strcmp(text_of(s, buf), "Hello W") == 0;
    ssize_t fits = shm_string_set(s, "Hello!!");
    char buf2[128];
    bool whole = strcmp(text_of(s, buf2), "Hello!!") == 0;
    shm_string_free(s);
    ck_assert_msg(ret == 11, "shm_string_set returns strlen(text) even when it is cut: got %zd,"
                             " expected 11", ret);
    ck_assert_msg(cut, "capacity 8 holds 7 bytes and the zero byte: \"Hello World\" should be "
                       "stored as \"Hello W\", got \"%s\"", buf);
    ck_assert_msg(fits == 7 && whole, "7 bytes fit exactly in capacity 8: got %zd, \"%s\"",
                  fits, buf2);
}

WB_TEST(string_init_truncates_too)
{
    struct shm_string *s = string(6, "Hello World");
    char buf[128];
    bool cut = strcmp(text_of(s, buf), "Hello") == 0;
    shm_string_free(s);
    ck_assert_msg(cut, "shm_string_new(6, \"Hello World\") should hold \"Hello\", got \"%s\"",
                  buf);
}

WB_TEST(string_get_truncates_to_the_buffer)
{
    struct shm_string *s = string(32, "Hello World");
    char small[4] = "xyz";
    ssize_t len = shm_string_get(s, small, sizeof small);
    char untouched[2] = "q";
    ssize_t len0 = shm_string_get(s, untouched, 0);
    shm_string_free(s);
    ck_assert_msg(len == 11 && strcmp(small, "Hel") == 0, "get into 4 bytes should give "
                  "\"Hel\" and return 11, got \"%.4s\" and %zd", small, len);
    ck_assert_msg(len0 == 11 && untouched[0] == 'q', "get with size 0 should write nothing and "
                  "return 11, got %zd", len0);
}

WB_TEST(string_of_capacity_zero_is_einval)
{
    errno = 0;
    struct shm_string *s = shm_string_new(0, "x");
    int saved = errno;
    shm_string_free(s);
    ck_assert_msg(s == NULL && saved == EINVAL, "capacity 0: got %p (errno %s), expected NULL "
                  "with EINVAL", (void *)s, strerror(saved));
}

static int set_text(void *arg)
{
    return shm_string_set(arg, "after the wait") == 14 ? 0 : 1;
}

static int get_text(void *arg)
{
    char buf[64];
    return shm_string_get(arg, buf, sizeof buf) >= 0 ? 0 : 1;
}

WB_TEST(string_waits_for_its_lock)
{
    struct shm_string *s = string(32, "before");
    pthread_mutex_t *lock = shm_string_get_lock(s);
    ck_assert_msg(lock == &s->lock, "shm_string_get_lock should return the string's own lock");
    enum locked_run set = run_while_locked(lock, set_text, s);
    enum locked_run get = run_while_locked(lock, get_text, s);
    char buf[128];
    bool changed = strcmp(text_of(s, buf), "after the wait") == 0;
    shm_string_free(s);
    ck_assert_msg(set == WAITED_FOR_LOCK, "while another process holds the lock, "
                  "shm_string_set must wait for it (%s)",
                  set == DID_NOT_WAIT ? "it did not wait" : "it failed after waiting");
    ck_assert_msg(get == WAITED_FOR_LOCK, "while another process holds the lock, "
                  "shm_string_get must wait for it (%s)",
                  get == DID_NOT_WAIT ? "it did not wait" : "it failed after waiting");
    ck_assert_msg(changed, "after the wait the text is \"%s\"", buf);
}

WB_TEST(string_free_unmaps_it)
{
    struct shm_string *s = string(10000, "long");
    char *last = s->text + 9999;
    shm_string_free(s);
    shm_string_free(NULL);
    ck_assert_msg(!is_mapped(s) && !is_mapped(last),
                  "after shm_string_free the string (header or text) is still mapped");
}
