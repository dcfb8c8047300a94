/*
** test_file.c: whole-file I/O: bounded reads that leave no copy of a secret in
** freed memory, and atomic writes that never follow or reuse a planted file.
**
** "No copy in freed memory" is observed with the sanitizer allocator's free
** hook (unit tests are built with ASan): while armed, every chunk being freed
** is scanned for a marker before the allocator takes it back.
*/
#include "mpavs/file.h"
#include "mpavs/mem.h"
#include "test.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#if !defined(__SANITIZE_ADDRESS__) && defined(__has_feature)
#if __has_feature(address_sanitizer)
#define __SANITIZE_ADDRESS__ 1
#endif
#endif
#ifndef __SANITIZE_ADDRESS__
#error "test_file needs the ASan allocator's free hook: build it with -fsanitize=address"
#endif

int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void *, size_t),
                                              void (*free_hook)(const volatile void *));
size_t __sanitizer_get_allocated_size(const volatile void *p);

static const char MARK[] = "pw-marker-5b1e0c9d"; /* stands for a secret */

/* Test-only process state: the free hook has no user pointer. */
static volatile int hook_armed;
static volatile int hook_hits;

static bool holds_mark(const volatile uint8_t *p, size_t n)
{
    size_t m = sizeof MARK - 1;
    for (size_t i = 0; i + m <= n; i++) {
        size_t j = 0;
        while (j < m && p[i + j] == (uint8_t)MARK[j])
            j++;
        if (j == m)
            return true;
    }
    return false;
}

static void on_malloc(const volatile void *p, size_t n)
{
    (void)p;
    (void)n;
}

static void on_free(const volatile void *p)
{
    if (hook_armed && p != NULL && holds_mark(p, __sanitizer_get_allocated_size(p)))
        hook_hits++;
}

/* A file's worth of bytes, the marker at the start: large enough that a reader
 * growing from a small buffer copies it several times. */
static uint8_t secret_file[40000];

static void make_secret(void)
{
    memset(secret_file, 'x', sizeof secret_file);
    memcpy(secret_file, MARK, sizeof MARK - 1);
}

static void mkdir_tmp(char *dir)
{
    if (mkdtemp(dir) == NULL)
        abort();
}

static void join(char *out, size_t cap, const char *dir, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char p[512];
    while (d && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
            join(p, sizeof p, dir, de->d_name);
            unlink(p);
        }
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;
    while (d && (de = readdir(d)) != NULL)
        n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

/* Reads path with the hook armed; returns how many freed chunks held the marker. */
static int hits_reading(mp_test_ctx *mp_t, const char *path)
{
    uint8_t *data = NULL;
    size_t len = 0;
    mp_err e;
    hook_hits = 0;
    hook_armed = 1;
    int rc = mp_file_read(path, 1 << 20, &data, &len, &e);
    hook_armed = 0;
    CHECK_OK(rc, &e);
    CHECK(rc != MP_OK || (len == sizeof secret_file && !memcmp(data, secret_file, len)));
    if (data != NULL)
        mp_memzero(data, len);
    free(data);
    return hook_hits;
}

static void *fifo_writer(void *path)
{
    int fd = open(path, O_WRONLY);
    if (fd >= 0) {
        size_t off = 0;
        while (off < sizeof secret_file) {
            ssize_t w = write(fd, secret_file + off, sizeof secret_file - off);
            if (w <= 0 && errno != EINTR)
                break;
            off += w > 0 ? (size_t)w : 0;
        }
        close(fd);
    }
    return NULL;
}

TEST(read_leaves_no_copy_in_freed_memory)
{
    CHECK(__sanitizer_install_malloc_and_free_hooks(on_malloc, on_free) != 0);
    make_secret();
    char dir[] = "/tmp/mpavs-file-XXXXXX", path[128], fifo[128];
    mkdir_tmp(dir);
    join(path, sizeof path, dir, "password.txt");
    mp_err e;
    CHECK_OK(mp_file_write_atomic(path, secret_file, sizeof secret_file, 0600, &e), &e);
    /* A regular file. */
    CHECK(hits_reading(mp_t, path) == 0);
    /* A FIFO (a password handed over by another process): its size is unknown, so
     * the buffer grows while reading. */
    join(fifo, sizeof fifo, dir, "password.fifo");
    CHECK(mkfifo(fifo, 0600) == 0);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, fifo_writer, fifo) == 0);
    CHECK(hits_reading(mp_t, fifo) == 0);
    pthread_join(th, NULL);
    /* The hook does see a freed copy (the test can fail): free one unwiped. */
    uint8_t *volatile copy = malloc(sizeof secret_file);
    memcpy(copy, secret_file, sizeof secret_file);
    hook_hits = 0;
    hook_armed = 1;
    free(copy);
    hook_armed = 0;
    CHECK(hook_hits == 1);
    rm_tree(dir);
}

TEST(read_bounds_and_errors)
{
    char dir[] = "/tmp/mpavs-file-XXXXXX", path[128];
    mkdir_tmp(dir);
    join(path, sizeof path, dir, "f.bin");
    mp_err e;
    uint8_t *data = NULL;
    size_t len = 0;
    CHECK_OK(mp_file_write_atomic(path, "hello", 5, 0600, &e), &e);
    CHECK_OK(mp_file_read(path, 100, &data, &len, &e), &e);
    CHECK(len == 5 && memcmp(data, "hello", 5) == 0 && data[5] == 0);
    free(data);
    CHECK_OK(mp_file_read(path, 5, &data, &len, &e), &e);
    free(data);
    CHECK_RC(mp_file_read(path, 4, &data, &len, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "larger than 4 bytes") != NULL);
    /* Empty file; a character device with no end is cut at the bound. */
    CHECK_OK(mp_file_write_atomic(path, "", 0, 0600, &e), &e);
    CHECK_OK(mp_file_read(path, 100, &data, &len, &e), &e);
    CHECK(len == 0 && data[0] == 0);
    free(data);
    CHECK_RC(mp_file_read("/dev/zero", 100000, &data, &len, &e), MP_ERR_INVALID);
    unlink(path);
    CHECK_RC(mp_file_read(path, 100, &data, &len, &e), MP_ERR_IO);
    CHECK(strstr(e.msg, "f.bin") != NULL);
    rm_tree(dir);
}

static void write_text(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        abort();
    fchmod(fd, mode);
    close(fd);
}

static bool file_is(const char *path, const char *text)
{
    uint8_t *data = NULL;
    size_t len = 0;
    if (mp_file_read(path, 1000, &data, &len, NULL) != MP_OK)
        return false;
    bool same = len == strlen(text) && memcmp(data, text, len) == 0;
    free(data);
    return same;
}

TEST(write_never_follows_or_reuses_planted_files)
{
    char dir[] = "/tmp/mpavs-file-XXXXXX", path[128], victim[128], planted[160];
    mkdir_tmp(dir);
    join(path, sizeof path, dir, "key.json");
    join(victim, sizeof victim, dir, "victim");
    write_text(victim, "precious", 0644);
    mp_err e;
    /* A symlink planted where a predictable temp name would be. */
    snprintf(planted, sizeof planted, "%s.tmp%ld", path, (long)getpid());
    CHECK(symlink(victim, planted) == 0);
    CHECK_OK(mp_file_write_atomic(path, "secret", 6, 0600, &e), &e);
    CHECK(file_is(victim, "precious"));
    CHECK(file_is(path, "secret"));
    struct stat st;
    CHECK(lstat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0600);
    unlink(planted);
    unlink(path);
    /* A world-writable file planted there: not reused, the key is 0600. */
    write_text(planted, "", 0666);
    CHECK_OK(mp_file_write_atomic(path, "secret", 6, 0600, &e), &e);
    CHECK(lstat(path, &st) == 0 && (st.st_mode & 07777) == 0600);
    CHECK(file_is(planted, ""));
    unlink(planted);
    /* A symlink at the final name is replaced, its target untouched. */
    unlink(path);
    CHECK(symlink(victim, path) == 0);
    CHECK_OK(mp_file_write_atomic(path, "secret", 6, 0600, &e), &e);
    CHECK(lstat(path, &st) == 0 && S_ISREG(st.st_mode));
    CHECK(file_is(victim, "precious") && file_is(path, "secret"));
    /* Nothing left over: key.json and victim only. */
    CHECK(count_entries(dir) == 2);
    rm_tree(dir);
}

TEST(write_mode_and_failures)
{
    char dir[] = "/tmp/mpavs-file-XXXXXX", path[128];
    mkdir_tmp(dir);
    join(path, sizeof path, dir, "cert.pem");
    mp_err e;
    struct stat st;
    /* The mode is exact whatever the umask. */
    mode_t old = umask(077);
    CHECK_OK(mp_file_write_atomic(path, "pem", 3, 0644, &e), &e);
    umask(old);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0644);
    /* Replacing keeps the new bytes only. */
    CHECK_OK(mp_file_write_atomic(path, "x", 1, 0600, &e), &e);
    CHECK(file_is(path, "x") && stat(path, &st) == 0 && (st.st_mode & 07777) == 0600);
    /* A missing directory, and a directory at the target: errors, no leftovers. */
    char bad[160];
    snprintf(bad, sizeof bad, "%s/missing/k.json", dir);
    CHECK_RC(mp_file_write_atomic(bad, "x", 1, 0600, &e), MP_ERR_IO);
    CHECK(strstr(e.msg, "k.json") != NULL);
    join(bad, sizeof bad, dir, "sub");
    CHECK(mkdir(bad, 0700) == 0);
    CHECK_RC(mp_file_write_atomic(bad, "x", 1, 0600, &e), MP_ERR_IO);
    rmdir(bad);
    CHECK(count_entries(dir) == 1);
    rm_tree(dir);
}

static const mp_test_case tests[] = {
    MP_TEST(read_leaves_no_copy_in_freed_memory),
    MP_TEST(read_bounds_and_errors),
    MP_TEST(write_never_follows_or_reuses_planted_files),
    MP_TEST(write_mode_and_failures),
};

MP_TEST_MAIN("file", tests)
