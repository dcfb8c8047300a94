/*
** test_json.c: the typed JSON readers and hex writers (mpavs/json.h), with
** malformed values of every kind each reader must refuse by name.
*/
#include "mpavs/json.h"
#include "test.h"

#include <stdlib.h>

static json_t *doc(const char *text)
{
    json_t *j = NULL;
    mp_err e;
    if (mp_json_parse(&j, text, strlen(text), &e) != MP_OK)
        printf("# %s\n", e.msg);
    return j;
}

/* rc is MP_ERR_PARSE and the message contains want. */
static bool refused(int rc, const mp_err *e, const char *want)
{
    if (rc == MP_ERR_PARSE && strstr(e->msg, want) != NULL)
        return true;
    printf("# rc %d, \"%s\" lacks \"%s\"\n", rc, rc ? e->msg : "", want);
    return false;
}

TEST(parse_documents)
{
    json_t *j;
    mp_err e;
    CHECK_OK(mp_json_parse(&j, "{\"a\":1}", 7, &e), &e);
    json_decref(j);
    CHECK(refused(mp_json_parse(&j, "{\"a\":1,\"a\":2}", 13, &e), &e, "duplicate"));
    CHECK(refused(mp_json_parse(&j, "{\"a\":", 5, &e), &e, "not JSON"));
    CHECK(refused(mp_json_parse(&j, "{} x", 4, &e), &e, "line 1"));
    CHECK(refused(mp_json_parse(&j, "", 0, &e), &e, "not JSON"));
}

TEST(strings_ints_bools)
{
    json_t *o = doc("{\"s\":\"hi\",\"n\":42,\"neg\":-1,\"big\":1e3,"
                    "\"t\":true,\"z\":null,\"arr\":[1,2,3],\"obj\":{}}");
    const char *s;
    uint64_t u;
    bool b, has;
    mp_err e;
    /* jansson parses \u0000 only when asked to (the RPC client does). */
    json_object_set_new(o, "nul", json_stringn("a\0b", 3));
    CHECK_OK(mp_json_get_str(o, "s", &s, &e), &e);
    CHECK(strcmp(s, "hi") == 0);
    CHECK(refused(mp_json_get_str(o, "missing", &s, &e), &e, "missing is missing"));
    CHECK(refused(mp_json_get_str(o, "n", &s, &e), &e, "n must be a string"));
    CHECK(refused(mp_json_get_str(o, "nul", &s, &e), &e, "nul contains a NUL"));
    CHECK_OK(mp_json_get_u64(o, "n", 0, 100, &u, &e), &e);
    CHECK(u == 42);
    CHECK(refused(mp_json_get_u64(o, "n", 0, 41, &u, &e), &e, "n must be an integer in [0, 41]"));
    CHECK(refused(mp_json_get_u64(o, "n", 43, 50, &u, &e), &e, "[43, 50]"));
    CHECK(refused(mp_json_get_u64(o, "neg", 0, 100, &u, &e), &e, "neg must be an integer"));
    CHECK(refused(mp_json_get_u64(o, "big", 0, 10000, &u, &e), &e, "big must be an integer"));
    CHECK(refused(mp_json_get_u64(o, "s", 0, 10, &u, &e), &e, "s must be an integer"));
    CHECK_OK(mp_json_get_bool(o, "t", &b, &e), &e);
    CHECK(b);
    CHECK(refused(mp_json_get_bool(o, "n", &b, &e), &e, "n must be true or false"));
    /* Optional: absent and null are the same; present must be valid. */
    CHECK_OK(mp_json_opt_str(o, "z", &s, &e), &e);
    CHECK(s == NULL);
    CHECK_OK(mp_json_opt_u64(o, "nope", 0, 9, &u, &has, &e), &e);
    CHECK(!has);
    CHECK_OK(mp_json_opt_bool(o, "t", &b, &has, &e), &e);
    CHECK(has && b);
    CHECK(refused(mp_json_opt_u64(o, "n", 0, 9, &u, &has, &e), &e, "n must be"));
    CHECK(mp_json_present(o, "s") && !mp_json_present(o, "z") && !mp_json_present(o, "q"));
    /* Arrays and objects. */
    json_t *arr;
    size_t n;
    CHECK_OK(mp_json_get_array(o, "arr", 3, &arr, &n, &e), &e);
    CHECK(n == 3 && json_array_size(arr) == 3);
    CHECK(refused(mp_json_get_array(o, "arr", 2, &arr, &n, &e), &e, "3 items, more than 2"));
    CHECK(refused(mp_json_get_array(o, "obj", 2, &arr, &n, &e), &e, "obj must be an array"));
    json_t *sub;
    CHECK_OK(mp_json_get_object(o, "obj", &sub, &e), &e);
    CHECK(refused(mp_json_get_object(o, "arr", &sub, &e), &e, "arr must be an object"));
    CHECK(refused(mp_json_get(o, "gone", &sub, &e), &e, "gone is missing"));
    /* A non-object parent has no members. */
    CHECK(refused(mp_json_get_str(arr, "s", &s, &e), &e, "s is missing"));
    json_decref(o);
}

TEST(hex_dialects)
{
    json_t *o = doc("{\"eth\":\"0xA0b1\",\"bare\":\"a0B1\",\"BIG\":\"0XA0B1\",\"odd\":\"0xabc\","
                    "\"bad\":\"0x12zz\",\"empty\":\"0x\",\"num\":7}");
    uint8_t b[4];
    size_t n;
    mp_err e;
    CHECK_OK(mp_json_get_hex(o, "eth", MP_JSON_0X, b, 2, &e), &e);
    CHECK(b[0] == 0xa0 && b[1] == 0xb1);
    CHECK(refused(mp_json_get_hex(o, "bare", MP_JSON_0X, b, 2, &e), &e, "bare lacks the 0x"));
    CHECK(refused(mp_json_get_hex(o, "BIG", MP_JSON_0X, b, 2, &e), &e, "lacks the 0x"));
    CHECK_OK(mp_json_get_hex(o, "bare", MP_JSON_BARE, b, 2, &e), &e);
    CHECK(refused(mp_json_get_hex(o, "eth", MP_JSON_BARE, b, 2, &e), &e, "must not have a 0x"));
    CHECK_OK(mp_json_get_hex(o, "eth", MP_JSON_0X_OPT, b, 2, &e), &e);
    CHECK_OK(mp_json_get_hex(o, "BIG", MP_JSON_0X_OPT, b, 2, &e), &e);
    CHECK_OK(mp_json_get_hex(o, "bare", MP_JSON_0X_OPT, b, 2, &e), &e);
    CHECK(b[0] == 0xa0 && b[1] == 0xb1);
    CHECK(refused(mp_json_get_hex(o, "eth", MP_JSON_0X, b, 3, &e), &e, "eth is not 3 bytes"));
    CHECK(refused(mp_json_get_hex(o, "odd", MP_JSON_0X, b, 2, &e), &e, "odd number"));
    CHECK(refused(mp_json_get_hex(o, "bad", MP_JSON_0X, b, 3, &e), &e, "is not hex (character 4)"));
    CHECK(refused(mp_json_get_hex(o, "num", MP_JSON_0X, b, 1, &e), &e, "string of hex digits"));
    CHECK(refused(mp_json_get_hex(o, "none", MP_JSON_0X, b, 1, &e), &e, "none is missing"));
    /* Bounded lengths. */
    CHECK_OK(mp_json_get_hex_max(o, "eth", MP_JSON_0X, b, 1, 4, &n, &e), &e);
    CHECK(n == 2);
    CHECK(refused(mp_json_get_hex_max(o, "eth", MP_JSON_0X, b, 3, 4, &n, &e), &e,
                  "must hold 3 to 4 bytes, has 2"));
    CHECK(refused(mp_json_get_hex_max(o, "empty", MP_JSON_0X, b, 1, 4, &n, &e), &e, "has 0"));
    /* Into a buffer: appended, limited, left alone on failure. */
    mp_buf buf = MP_BUF_INIT;
    CHECK(mp_buf_push(&buf, 0x55) == MP_OK);
    CHECK_OK(mp_json_get_hex_buf(o, "eth", MP_JSON_0X, 2, &buf, &e), &e);
    CHECK(buf.len == 3 && buf.data[0] == 0x55 && buf.data[2] == 0xb1);
    CHECK_OK(mp_json_get_hex_buf(o, "empty", MP_JSON_0X, 2, &buf, &e), &e);
    CHECK(buf.len == 3);
    CHECK(refused(mp_json_get_hex_buf(o, "eth", MP_JSON_0X, 1, &buf, &e), &e, "longer than 1"));
    CHECK(refused(mp_json_get_hex_buf(o, "bad", MP_JSON_0X, 9, &buf, &e), &e, "not hex"));
    CHECK(buf.len == 3);
    mp_buf_free(&buf);
    json_decref(o);
}

TEST(quantities_addresses_words)
{
    json_t *o =
        doc("{\"q\":\"0x1f\",\"max\":\"0xffffffffffffffff\",\"over\":\"0x10000000000000000\","
            "\"empty\":\"0x\",\"noprefix\":\"1f\",\"lead\":\"0x0001\","
            "\"a\":\"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\","
            "\"alow\":\"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed\","
            "\"abad\":\"0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\","
            "\"ashort\":\"0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea\",\"anull\":null,"
            "\"w\":\"0x0000000000000000000000000000000000000000000000000000000000000001\"}");
    uint64_t u;
    uint8_t a[20], w[32];
    bool has;
    mp_err e;
    CHECK_OK(mp_json_get_quantity(o, "q", &u, &e), &e);
    CHECK(u == 31);
    CHECK_OK(mp_json_get_quantity(o, "max", &u, &e), &e);
    CHECK(u == UINT64_MAX);
    CHECK_OK(mp_json_get_quantity(o, "lead", &u, &e), &e);
    CHECK(u == 1);
    CHECK(refused(mp_json_get_quantity(o, "over", &u, &e), &e, "over is not a 64-bit"));
    CHECK(refused(mp_json_get_quantity(o, "empty", &u, &e), &e, "empty is not a 64-bit"));
    CHECK(refused(mp_json_get_quantity(o, "noprefix", &u, &e), &e, "lacks the 0x"));
    CHECK_OK(mp_json_opt_quantity(o, "anull", &u, &has, &e), &e);
    CHECK(!has);
    CHECK_OK(mp_json_get_address(o, "a", a, &e), &e);
    CHECK(a[0] == 0x5a && a[19] == 0xed);
    CHECK_OK(mp_json_get_address(o, "alow", a, &e), &e);
    CHECK(refused(mp_json_get_address(o, "abad", a, &e), &e, "abad has a bad EIP-55"));
    CHECK(refused(mp_json_get_address(o, "ashort", a, &e), &e, "ashort is not 20 bytes"));
    CHECK(refused(mp_json_get_address(o, "q", a, &e), &e, "q is not 20 bytes"));
    memset(a, 0xff, 20);
    CHECK_OK(mp_json_opt_address(o, "anull", a, &has, &e), &e);
    CHECK(!has && a[0] == 0 && a[19] == 0);
    CHECK_OK(mp_json_opt_address(o, "a", a, &has, &e), &e);
    CHECK(has && a[0] == 0x5a);
    CHECK_OK(mp_json_get_word(o, "w", w, &e), &e);
    CHECK(w[31] == 1 && w[0] == 0);
    CHECK(refused(mp_json_get_word(o, "a", w, &e), &e, "a is not 32 bytes"));
    /* Value readers name what the caller says (an array item here). */
    json_t *arr = json_pack("[s]", "0x1");
    CHECK(refused(mp_json_as_word(json_array_get(arr, 0), "topics[0]", w, &e), &e,
                  "topics[0] has an odd number"));
    CHECK(refused(mp_json_as_word(json_array_get(arr, 1), "topics[1]", w, &e), &e,
                  "topics[1] is missing"));
    json_decref(arr);
    json_decref(o);
}

static bool json_is(json_t *j, const char *want)
{
    char *text = j ? json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    bool ok = text != NULL && strcmp(text, want) == 0;
    if (!ok)
        printf("# got %s, want %s\n", text ? text : "(null)", want);
    free(text);
    json_decref(j);
    return ok;
}

TEST(writers)
{
    const uint8_t b[3] = {0x00, 0xab, 0x10};
    CHECK(json_is(mp_json_hex_new(b, 3, MP_JSON_0X), "\"0x00ab10\""));
    CHECK(json_is(mp_json_hex_new(b, 3, MP_JSON_BARE), "\"00ab10\""));
    CHECK(json_is(mp_json_hex_new(b, 0, MP_JSON_0X), "\"0x\""));
    CHECK(json_is(mp_json_quantity_new(0), "\"0x0\""));
    CHECK(json_is(mp_json_quantity_new(0x1f), "\"0x1f\""));
    CHECK(json_is(mp_json_quantity_new(UINT64_MAX), "\"0xffffffffffffffff\""));
    uint8_t w[32] = {0};
    CHECK(json_is(mp_json_quantity256_new(w), "\"0x0\""));
    w[30] = 0x01;
    w[31] = 0x02;
    CHECK(json_is(mp_json_quantity256_new(w), "\"0x102\""));
    memset(w, 0xff, 32);
    json_t *q = mp_json_quantity256_new(w);
    CHECK(q != NULL && json_string_length(q) == 66);
    json_decref(q);
    CHECK(json_is(mp_json_u64_new(42), "42"));
    CHECK(json_is(mp_json_u64_new(INT64_MAX), "9223372036854775807"));
    CHECK(mp_json_u64_new((uint64_t)INT64_MAX + 1) == NULL);
    /* What a writer writes, the matching reader reads back. */
    json_t *o = json_pack("{s:o, s:o}", "h", mp_json_hex_new(b, 3, MP_JSON_0X), "q",
                          mp_json_quantity_new(12345));
    uint8_t back[3];
    uint64_t u;
    mp_err e;
    CHECK_OK(mp_json_get_hex(o, "h", MP_JSON_0X, back, 3, &e), &e);
    CHECK(memcmp(back, b, 3) == 0);
    CHECK_OK(mp_json_get_quantity(o, "q", &u, &e), &e);
    CHECK(u == 12345);
    json_decref(o);
}

static const mp_test_case tests[] = {
    MP_TEST(parse_documents), MP_TEST(strings_ints_bools),
    MP_TEST(hex_dialects),    MP_TEST(quantities_addresses_words),
    MP_TEST(writers),
};
MP_TEST_MAIN("json", tests)
