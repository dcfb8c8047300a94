/*
** test_avserr.c: the custom error table against the contracts' sources, and
** revert data described by name with decoded arguments.
*/
#define _XOPEN_SOURCE 700
#include "mpavs/abi.h"
#include "mpavs/avserr.h"
#include "test.h"

#include <ftw.h>
#include <stdlib.h>
#include <string.h>

static size_t n_found, n_missing;

/* Checks every "error Name(...);" line of one .sol file against the table. */
static void scan_file(const char *path)
{
    size_t len;
    char *text = (char *)mp_test_slurp(path, &len);
    for (char *p = text; (p = strstr(p, "error ")) != NULL; p++) {
        char *line = p;
        while (line > text && (line[-1] == ' ' || line[-1] == '\t'))
            line--;
        char *end = strchr(p, ';');
        if ((line != text && line[-1] != '\n') || end == NULL || !strchr(p, '(') ||
            strchr(p, '(') > end)
            continue;
        char decl[256], norm[256] = "";
        snprintf(decl, sizeof decl, "%.*s", (int)(end - p - 6), p + 6);
        /* enum TcbStatus is a uint8 in the ABI */
        for (char *q = decl, *t; *q; q = t + 10) {
            if ((t = strstr(q, "TcbStatus ")) == NULL) {
                strncat(norm, q, sizeof norm - strlen(norm) - 1);
                break;
            }
            strncat(norm, q, (size_t)(t - q));
            strncat(norm, "uint8 ", sizeof norm - strlen(norm) - 1);
        }
        uint8_t sel[4];
        if (mp_abi_selector(sel, norm, NULL) == MP_OK && mp_avs_error_find(sel, 4) != NULL)
            n_found++;
        else {
            n_missing++;
            fprintf(stderr, "# not in the table: %s (%s)\n", norm, path);
        }
    }
    free(text);
}

static int visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    size_t n = strlen(path);
    if (flag == FTW_F && n > 4 && !strcmp(path + n - 4, ".sol"))
        scan_file(path);
    return 0;
}

TEST(table_covers_every_contract_error)
{
    n_found = n_missing = 0;
    CHECK(nftw(mp_test_path("contracts/src"), visit, 16, FTW_PHYS) == 0);
    CHECK(n_found >= mp_avs_error_count());
    CHECK(n_missing == 0);
    for (size_t i = 0; i < mp_avs_error_count(); i++) {
        uint8_t sel[4];
        CHECK(mp_abi_selector(sel, mp_avs_error_at(i), NULL) == MP_OK);
    }
}

TEST(describes_known_errors_with_arguments)
{
    uint8_t data[4 + 32 * 5] = {0};
    char out[300];
    CHECK(mp_abi_selector(data, "QuoteAlreadyUsed(bytes32)", NULL) == MP_OK);
    memset(data + 4, 0xab, 32);
    mp_avs_revert_describe(out, sizeof out, data, 36);
    CHECK_STR(
        out,
        "QuoteAlreadyUsed(\"0xabababababababababababababababababababababababababababababababab\")");
    /* QuoteRejected(uint8 check, string name, TcbStatus status) */
    memset(data, 0, sizeof data);
    CHECK(mp_abi_selector(data, "QuoteRejected(uint8,string,uint8)", NULL) == MP_OK);
    data[4 + 31] = 21;
    data[4 + 63] = 96;
    data[4 + 95] = 7;
    data[4 + 127] = 12;
    memcpy(data + 4 + 128, "pck.root_key", 12);
    mp_avs_revert_describe(out, sizeof out, data, sizeof data);
    CHECK_STR(out, "QuoteRejected(\"21\",\"pck.root_key\",\"7\")");
    /* a known name with arguments that do not decode */
    mp_avs_revert_describe(out, sizeof out, data, 20);
    CHECK(strncmp(out, "QuoteRejected with malformed arguments", 38) == 0);
    /* unknown selectors and Error(string) fall back to the generic description */
    uint8_t unk[4] = {1, 2, 3, 4};
    mp_avs_revert_describe(out, sizeof out, unk, 4);
    CHECK(strstr(out, "custom error 0x01020304") != NULL);
    CHECK(mp_avs_error_find(unk, 4) == NULL);
    CHECK(mp_avs_error_find(unk, 3) == NULL);
    char tiny[8];
    mp_avs_revert_describe(tiny, sizeof tiny, data, sizeof data);
    CHECK(strlen(tiny) == 7);
}

static const mp_test_case tests[] = {
    MP_TEST(table_covers_every_contract_error),
    MP_TEST(describes_known_errors_with_arguments),
};
MP_TEST_MAIN("avserr", tests)
