/* child_program.c - the program the chapter 15 tests run as a child.
 *
 * Test processes run under a seccomp filter that refuses executable memory, so the
 * dynamic loader cannot map libc and no dynamically linked program (/bin/sh, cat)
 * can start in them. This program needs no loader: it is static, uses no C library
 * and makes its system calls itself. The tests carry its image
 * (../child_program_image.c, made by `make` in this folder) and execute it from a
 * memory file. x86-64 Linux only.
 *
 * child_program COMMAND... runs its commands in turn, then exits with status 0:
 *   cat               copies stdin to stdout until end of file
 *   write FD N        writes N bytes of the pattern to descriptor FD (byte k of what
 *                     goes to one descriptor is "abcdefghijklmnopqrstuvwxyz\n"[k % 27])
 *   exit N            exits with status N (without reading stdin)
 *   signal N          sends itself signal N
 *   fds               writes the numbers of its open descriptors to stdout ("0 1 2\n"),
 *                     leaving out the one it lists them with
 *   sleep             sleeps 1000 s
 *   nap               sleeps 0.5 s
 *   close FD          closes descriptor FD
 *   grandchild        forks; the grandchild writes its pid and "\n" to stdout and
 *                     sleeps 1000 s; the child goes on with the next command
 *   args ARG...       writes each remaining ARG followed by "\n" to stdout
 * An unknown command, or one without its arguments, exits with status 100. */

typedef unsigned long u64;

enum { SYS_READ = 0, SYS_WRITE = 1, SYS_CLOSE = 3, SYS_NANOSLEEP = 35, SYS_GETPID = 39,
       SYS_FORK = 57, SYS_EXIT = 60, SYS_KILL = 62, SYS_GETDENTS64 = 217,
       SYS_OPENAT = 257 };

static long sys3(long n, long a, long b, long c)
{
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return ret;
}

static void leave(int code)
{
    for (;;)
        sys3(SYS_EXIT, code, 0, 0);
}

static int same(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static long number(const char *s)
{
    long n = 0;
    while (*s >= '0' && *s <= '9')
        n = n * 10 + (*s++ - '0');
    return n;
}

static u64 length(const char *s)
{
    u64 n = 0;
    while (s[n])
        n++;
    return n;
}

/* Writes all n bytes; exits with status 101 when the reader is gone. */
static void put(int fd, const char *buf, u64 n)
{
    while (n > 0) {
        long w = sys3(SYS_WRITE, fd, (long)buf, (long)n);
        if (w == -4) /* EINTR */
            continue;
        if (w <= 0)
            leave(101);
        buf += w;
        n -= (u64)w;
    }
}

static void put_number(int fd, long n, char after)
{
    char digits[24];
    int i = (int)sizeof digits;
    digits[--i] = after;
    do
        digits[--i] = (char)('0' + n % 10);
    while ((n /= 10) > 0);
    put(fd, digits + i, sizeof digits - (u64)i);
}

static void copy_stdin(void)
{
    static char buf[65536];
    for (;;) {
        long r = sys3(SYS_READ, 0, (long)buf, sizeof buf);
        if (r == -4)
            continue;
        if (r < 0)
            leave(102);
        if (r == 0)
            return;
        put(1, buf, (u64)r);
    }
}

static void write_pattern(int fd, u64 n)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz\n";
    static char block[27 * 2048];
    static u64 done[3]; /* bytes written so far to descriptors 0, 1, 2 */
    for (u64 i = 0; i < sizeof block; i++)
        block[i] = alphabet[i % 27];
    while (n > 0) {
        u64 at = done[fd % 3] % 27, chunk = sizeof block - 27;
        chunk = chunk < n ? chunk : n;
        put(fd, block + at, chunk);
        done[fd % 3] += chunk;
        n -= chunk;
    }
}

static void list_fds(void)
{
    static char buf[4096];
    int dir = (int)sys3(SYS_OPENAT, -100, (long)"/proc/self/fd", 0200000 /* O_DIRECTORY */);
    if (dir < 0)
        leave(103);
    const char *sep = "";
    long got;
    while ((got = sys3(SYS_GETDENTS64, dir, (long)buf, sizeof buf)) > 0) {
        for (long at = 0; at < got;) {
            /* struct linux_dirent64: ino (8), off (8), reclen (2), type (1), name */
            unsigned short reclen = *(unsigned short *)(buf + at + 16);
            const char *name = buf + at + 19;
            if (name[0] >= '0' && name[0] <= '9' && number(name) != dir) {
                put(1, sep, length(sep));
                put(1, name, length(name));
                sep = " ";
            }
            at += reclen;
        }
    }
    put(1, "\n", 1);
    sys3(SYS_CLOSE, dir, 0, 0);
}

static void sleep_for(long seconds, long nanoseconds)
{
    long ts[2] = {seconds, nanoseconds};
    sys3(SYS_NANOSLEEP, (long)ts, 0, 0);
}

static void sleep_long(void)
{
    sleep_for(1000, 0);
}

/* Runs the command at argv[0]; returns how many words it used, or 0 when unknown. */
static int command(char **argv)
{
    const char *cmd = argv[0];
    if (same(cmd, "cat"))
        copy_stdin();
    else if (same(cmd, "write") && argv[1] && argv[2])
        write_pattern((int)number(argv[1]), (u64)number(argv[2]));
    else if (same(cmd, "exit") && argv[1])
        leave((int)number(argv[1]));
    else if (same(cmd, "signal") && argv[1])
        sys3(SYS_KILL, sys3(SYS_GETPID, 0, 0, 0), number(argv[1]), 0);
    else if (same(cmd, "fds"))
        list_fds();
    else if (same(cmd, "sleep"))
        sleep_long();
    else if (same(cmd, "nap"))
        sleep_for(0, 500000000);
    else if (same(cmd, "close") && argv[1])
        sys3(SYS_CLOSE, number(argv[1]), 0, 0);
    else if (same(cmd, "grandchild")) {
        if (sys3(SYS_FORK, 0, 0, 0) == 0) {
            put_number(1, sys3(SYS_GETPID, 0, 0, 0), '\n');
            sleep_long();
            leave(0);
        }
    } else if (same(cmd, "args")) {
        int i = 1;
        for (; argv[i]; i++) {
            put(1, argv[i], length(argv[i]));
            put(1, "\n", 1);
        }
        return i;
    } else
        return 0;
    return same(cmd, "write") ? 3 : same(cmd, "signal") || same(cmd, "close") ? 2 : 1;
}

static int run(char **argv)
{
    for (int used; *argv; argv += used)
        if ((used = command(argv)) == 0)
            return 100;
    return 0;
}

/* The kernel starts the program here with the stack holding argc, then argv. */
void start_c(long *stack)
{
    leave(run((char **)(stack + 2))); /* stack[1] is argv[0] */
}

__asm__(".globl _start\n"
        "_start:\n"
        "    mov %rsp, %rdi\n"
        "    and $-16, %rsp\n"
        "    call start_c\n");
