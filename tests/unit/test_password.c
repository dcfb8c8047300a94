/*
** test_password.c: secrets from files and environment variables: newline
** stripping, mode checks, limits, and that messages never carry the secret.
*/
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mpavs/file.h"
#include "mpavs/password.h"
#include "test.h"

static char tmpdir[128];

static const char *put(const char *name, const void *data, size_t len, unsigned mode)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
        if (write(fd, data, len) != (ssize_t)len)
            fprintf(stderr, "# short write\n");
        fchmod(fd, mode);
        close(fd);
    }
    return path;
}

TEST(file_strips_one_newline)
{
    struct {
        const char *content, *want;
    } cases[] = {
        {"hunter2\n", "hunter2"}, {"hunter2", "hunter2"},     {"crlf\r\n", "crlf"},
        {"two\n\n", "two\n"},     {" spaced \n", " spaced "}, {"a\nb\n", "a\nb"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mp_buf b = MP_BUF_INIT;
        mp_err e;
        const char *p = put("pw", cases[i].content, strlen(cases[i].content), 0600);
        CHECK_OK(mp_password_from_file(p, MP_PASSWORD_STRICT_MODE, NULL, &b, &e), &e);
        CHECK(b.len == strlen(cases[i].want) && !memcmp(b.data, cases[i].want, b.len));
        CHECK(b.data && b.data[b.len] == 0);
        mp_buf_clear(&b);
        CHECK(b.data == NULL && b.len == 0);
    }
}

TEST(file_mode_warns_or_refuses)
{
    const char *p = put("open-pw", "topsecret\n", 10, 0644);
    char logpath[256];
    snprintf(logpath, sizeof logpath, "%s/log", tmpdir);
    int fd = open(logpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
    mp_log lg = mp_log_default("test");
    lg.fd = fd;
    mp_buf b = MP_BUF_INIT;
    mp_err e;
    CHECK_OK(mp_password_from_file(p, 0, &lg, &b, &e), &e);
    CHECK(b.len == 9);
    mp_buf_clear(&b);
    close(fd);
    uint8_t *log = NULL;
    size_t len = 0;
    CHECK_OK(mp_file_read(logpath, 1 << 16, &log, &len, &e), &e);
    CHECK(log && strstr((char *)log, "chmod 600") && strstr((char *)log, "open-pw"));
    CHECK(log && !strstr((char *)log, "topsecret"));
    free(log);

    CHECK_RC(mp_password_from_file(p, MP_PASSWORD_STRICT_MODE, NULL, &b, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "group or others") && !strstr(e.msg, "topsecret"));
    CHECK(b.len == 0);
}

TEST(file_failures)
{
    mp_buf b = MP_BUF_INIT;
    mp_err e;
    CHECK_RC(mp_password_from_file(put("empty", "\n", 1, 0600), 0, NULL, &b, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "empty") != NULL);
    CHECK_RC(mp_password_from_file(put("nothing", "", 0, 0600), 0, NULL, &b, &e), MP_ERR_INVALID);
    char big[MP_PASSWORD_MAX + 2];
    memset(big, 'x', sizeof big);
    CHECK_RC(mp_password_from_file(put("big", big, sizeof big, 0600), 0, NULL, &b, &e),
             MP_ERR_INVALID);
    CHECK(strstr(e.msg, "longer") != NULL && b.len == 0 && b.data == NULL);
    /* exactly the limit is fine */
    CHECK_OK(mp_password_from_file(put("max", big, MP_PASSWORD_MAX, 0600), 0, NULL, &b, &e), &e);
    CHECK(b.len == MP_PASSWORD_MAX);
    mp_buf_clear(&b);
    CHECK_RC(mp_password_from_file("/nonexistent/pw", 0, NULL, &b, &e), MP_ERR_IO);
    CHECK(strstr(e.msg, "/nonexistent/pw") != NULL);
    CHECK_RC(mp_password_from_file(tmpdir, 0, NULL, &b, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "regular file") != NULL);
    /* a non-empty buffer is a caller bug */
    mp_buf_puts(&b, "x");
    CHECK_RC(mp_password_from_file(put("ok", "pw", 2, 0600), 0, NULL, &b, &e), MP_ERR_MISUSE);
    mp_buf_clear(&b);
}

TEST(env_and_load)
{
    mp_buf b = MP_BUF_INIT;
    mp_err e;
    setenv("MPAVS_TEST_PW", "env-secret\n", 1);
    CHECK_OK(mp_password_from_env("MPAVS_TEST_PW", 0, &b, &e), &e);
    CHECK(b.len == 11 && !memcmp(b.data, "env-secret\n", 11)); /* kept as set */
    mp_buf_clear(&b);
    CHECK_OK(mp_password_from_env("MPAVS_TEST_PW", MP_PASSWORD_UNSETENV, &b, &e), &e);
    CHECK(b.len == 11);
    CHECK(getenv("MPAVS_TEST_PW") == NULL);
    mp_buf_clear(&b);
    CHECK_RC(mp_password_from_env("MPAVS_TEST_PW", 0, &b, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "MPAVS_TEST_PW is not set") != NULL);
    setenv("MPAVS_TEST_PW", "", 1);
    CHECK_RC(mp_password_from_env("MPAVS_TEST_PW", 0, &b, &e), MP_ERR_INVALID);
    unsetenv("MPAVS_TEST_PW");

    const char *p = put("load", "from-file\n", 10, 0600);
    setenv("MPAVS_TEST_PW2", "from-env", 1);
    CHECK_OK(mp_password_load(p, NULL, 0, NULL, &b, &e), &e);
    CHECK(b.len == 9 && !memcmp(b.data, "from-file", 9));
    mp_buf_clear(&b);
    CHECK_OK(mp_password_load(NULL, "MPAVS_TEST_PW2", 0, NULL, &b, &e), &e);
    CHECK(b.len == 8 && !memcmp(b.data, "from-env", 8));
    mp_buf_clear(&b);
    CHECK_RC(mp_password_load(p, "MPAVS_TEST_PW2", 0, NULL, &b, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "not both") != NULL);
    CHECK_RC(mp_password_load(NULL, "", 0, NULL, &b, &e), MP_ERR_INVALID);
    unsetenv("MPAVS_TEST_PW2");
}

static const mp_test_case tests[] = {
    MP_TEST(file_strips_one_newline),
    MP_TEST(file_mode_warns_or_refuses),
    MP_TEST(file_failures),
    MP_TEST(env_and_load),
};

int main(int argc, char **argv)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/mpavs-test-pw-XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return 1;
    int rc = mp_test_main("password", tests, sizeof tests / sizeof tests[0], argc, argv);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "# could not remove %s\n", tmpdir);
    return rc;
}
