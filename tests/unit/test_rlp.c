/*
** test_rlp.c: RLP against the Ethereum test suite (tests/vectors/eth/rlptest.json
** and invalidRLPTest.json), round trips through the decoder, and hostile input:
** truncations, trailing bytes, non-canonical integers, deep nesting.
*/
#include "mpavs/hex.h"
#include "mpavs/rlp.h"
#include "test.h"

#include <jansson.h>
#include <stdlib.h>

static json_t *load(const char *rel)
{
    json_error_t je;
    json_t *j = json_load_file(mp_test_path(rel), JSON_ALLOW_NUL, &je);
    if (j == NULL)
        printf("# cannot load %s: %s\n", rel, je.text);
    return j;
}

/* "#<decimal>" of any size -> minimal big-endian bytes. */
static size_t bigint_bytes(uint8_t *out, size_t cap, const char *dec)
{
    memset(out, 0, cap);
    for (const char *p = dec; *p; p++) {
        unsigned carry = (unsigned)(*p - '0');
        for (size_t i = cap; i-- > 0;) {
            unsigned x = out[i] * 10u + carry;
            out[i] = (uint8_t)x;
            carry = x >> 8;
        }
    }
    size_t skip = 0;
    while (skip < cap && out[skip] == 0)
        skip++;
    memmove(out, out + skip, cap - skip);
    return cap - skip;
}

/* Encodes a test "in" value the way the suite defines it. */
static void encode_in(mp_buf *b, const json_t *v)
{
    if (json_is_integer(v)) {
        mp_rlp_put_u64(b, (uint64_t)json_integer_value(v));
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (s[0] == '#') {
            uint8_t big[64];
            size_t n = bigint_bytes(big, sizeof big, s + 1);
            mp_rlp_put_bytes(b, big, n);
        } else if (s[0] == '0' && s[1] == 'x') {
            mp_buf raw = MP_BUF_INIT;
            if (mp_hex_decode_buf(&raw, s, NULL) == MP_OK)
                mp_rlp_put_bytes(b, raw.data, raw.len);
            mp_buf_free(&raw);
        } else {
            mp_rlp_put_bytes(b, s, json_string_length(v));
        }
    } else {
        size_t mark = mp_rlp_list_begin(b);
        for (size_t i = 0; i < json_array_size(v); i++)
            encode_in(b, json_array_get(v, i));
        mp_rlp_list_end(b, mark);
    }
}

/* Re-encodes a decoded item tree; must reproduce the canonical input. */
static int reencode(mp_buf *b, const mp_rlp_item *it)
{
    if (!it->is_list) {
        mp_rlp_put_bytes(b, it->payload, it->len);
        return MP_OK;
    }
    size_t mark = mp_rlp_list_begin(b);
    const uint8_t *cur = it->payload;
    size_t left = it->len;
    while (left > 0) {
        mp_rlp_item child;
        MP_TRY(mp_rlp_next(&child, &cur, &left, NULL));
        MP_TRY(reencode(b, &child));
    }
    mp_rlp_list_end(b, mark);
    return MP_OK;
}

TEST(suite_valid)
{
    json_t *cases = load("tests/vectors/eth/rlptest.json");
    CHECK(cases != NULL && json_object_size(cases) == 29);
    const char *name;
    json_t *c;
    int checked = 0;
    json_object_foreach(cases, name, c)
    {
        mp_buf want = MP_BUF_INIT, got = MP_BUF_INIT, again = MP_BUF_INIT;
        mp_err e;
        CHECK_OK(mp_hex_decode_buf(&want, json_string_value(json_object_get(c, "out")), &e), &e);
        if (!strcmp(name, "listofbinaries")) {
            /* Published inconsistent (see README): its out has 153 bytes past the list. */
            CHECK_RC(mp_rlp_validate(want.data, want.len, &e), MP_ERR_PARSE);
            CHECK(strstr(e.msg, "after the RLP item") != NULL);
        } else {
            encode_in(&got, json_object_get(c, "in"));
            mp_rlp_item top;
            bool same = got.len == want.len && !memcmp(got.data, want.data, got.len);
            if (!same)
                printf("# encoding differs for %s\n", name);
            CHECK(same);
            CHECK_OK(mp_rlp_validate(want.data, want.len, &e), &e);
            CHECK_OK(mp_rlp_decode(&top, want.data, want.len, &e), &e);
            CHECK_OK(reencode(&again, &top), NULL);
            CHECK(again.len == want.len && !memcmp(again.data, want.data, want.len));
            checked++;
        }
        mp_buf_free(&want);
        mp_buf_free(&got);
        mp_buf_free(&again);
    }
    CHECK(checked == 28);
    json_decref(cases);
}

TEST(suite_invalid)
{
    json_t *cases = load("tests/vectors/eth/invalidRLPTest.json");
    CHECK(cases != NULL && json_object_size(cases) == 17);
    const char *name;
    json_t *c;
    json_object_foreach(cases, name, c)
    {
        mp_buf in = MP_BUF_INIT;
        mp_err e;
        CHECK_OK(mp_hex_decode_buf(&in, json_string_value(json_object_get(c, "out")), &e), &e);
        int rc = mp_rlp_validate(in.data, in.len, &e);
        if (rc != MP_ERR_PARSE)
            printf("# %s was accepted\n", name);
        CHECK_RC(rc, MP_ERR_PARSE);
        mp_buf_free(&in);
    }
    json_decref(cases);
}

TEST(truncated_and_trailing)
{
    json_t *cases = load("tests/vectors/eth/rlptest.json");
    CHECK(cases != NULL);
    const char *name;
    json_t *c;
    json_object_foreach(cases, name, c)
    {
        if (!strcmp(name, "listofbinaries"))
            continue;
        mp_buf in = MP_BUF_INIT;
        CHECK_OK(mp_hex_decode_buf(&in, json_string_value(json_object_get(c, "out")), NULL), NULL);
        /* Exact-size heap copies so ASan catches any read past the end. */
        for (size_t n = 0; n < in.len; n++) {
            uint8_t *p = malloc(n ? n : 1);
            memcpy(p, in.data, n);
            CHECK_RC(mp_rlp_validate(p, n, NULL), MP_ERR_PARSE);
            free(p);
        }
        mp_buf_push(&in, 0x00);
        CHECK_RC(mp_rlp_validate(in.data, in.len, NULL), MP_ERR_PARSE);
        mp_buf_free(&in);
    }
    json_decref(cases);
}

TEST(integers)
{
    uint8_t enc[16];
    mp_rlp_item it;
    uint64_t v;
    mp_err e;
    size_t n = mp_test_unhex(enc, sizeof enc, "880102030405060708");
    CHECK_OK(mp_rlp_decode(&it, enc, n, &e), &e);
    CHECK_OK(mp_rlp_to_u64(&it, &v, &e), &e);
    CHECK(v == 0x0102030405060708ull);
    n = mp_test_unhex(enc, sizeof enc, "820001"); /* leading zero byte */
    CHECK_OK(mp_rlp_decode(&it, enc, n, &e), &e);
    CHECK_RC(mp_rlp_to_u64(&it, &v, &e), MP_ERR_PARSE);
    CHECK(strstr(e.msg, "leading zero") != NULL);
    n = mp_test_unhex(enc, sizeof enc, "89010203040506070809"); /* 9 bytes */
    CHECK_OK(mp_rlp_decode(&it, enc, n, &e), &e);
    CHECK_RC(mp_rlp_to_u64(&it, &v, &e), MP_ERR_PARSE);
    n = mp_test_unhex(enc, sizeof enc, "c0");
    CHECK_OK(mp_rlp_decode(&it, enc, n, &e), &e);
    CHECK_RC(mp_rlp_to_u64(&it, &v, &e), MP_ERR_PARSE);
    n = mp_test_unhex(enc, sizeof enc, "80");
    CHECK_OK(mp_rlp_decode(&it, enc, n, &e), &e);
    CHECK_OK(mp_rlp_to_u64(&it, &v, &e), &e);
    CHECK(v == 0);
    /* Encoder: every width round-trips. */
    for (int shift = 0; shift < 64; shift += 7) {
        mp_buf b = MP_BUF_INIT;
        uint64_t x = (1ull << shift) + (uint64_t)shift;
        mp_rlp_put_u64(&b, x);
        CHECK_OK(mp_rlp_decode(&it, b.data, b.len, &e), &e);
        CHECK_OK(mp_rlp_to_u64(&it, &v, &e), &e);
        CHECK(v == x);
        mp_buf_free(&b);
    }
}

TEST(list_items_and_depth)
{
    uint8_t enc[8];
    size_t n = mp_test_unhex(enc, sizeof enc, "c3010203");
    mp_rlp_item top, items[3];
    mp_err e;
    CHECK_OK(mp_rlp_decode(&top, enc, n, &e), &e);
    CHECK_OK(mp_rlp_list_items(&top, items, 3, "triple", &e), &e);
    CHECK(items[2].len == 1 && items[2].payload[0] == 3);
    CHECK_RC(mp_rlp_list_items(&top, items, 2, "pair", &e), MP_ERR_PARSE);
    CHECK(strstr(e.msg, "pair") != NULL);
    mp_rlp_item four[4];
    CHECK_RC(mp_rlp_list_items(&top, four, 4, "quad", &e), MP_ERR_PARSE);
    /* 100 nested lists exceed the depth limit; 60 do not. */
    mp_buf b = MP_BUF_INIT;
    for (int depth = 0; depth < 100; depth++) {
        mp_buf inner = MP_BUF_INIT;
        size_t mark = mp_rlp_list_begin(&inner);
        mp_buf_append(&inner, b.data, b.len);
        mp_rlp_list_end(&inner, mark);
        mp_buf_free(&b);
        b = inner;
        if (depth == 59)
            CHECK_OK(mp_rlp_validate(b.data, b.len, &e), &e);
    }
    CHECK_RC(mp_rlp_validate(b.data, b.len, &e), MP_ERR_PARSE);
    CHECK(strstr(e.msg, "deeper") != NULL);
    mp_buf_free(&b);
}

TEST(huge_lengths)
{
    /* Lengths near 2^64 must fail cleanly, not wrap. */
    uint8_t a[] = {0xbf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
    uint8_t b[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xf0, 0x00};
    CHECK_RC(mp_rlp_validate(a, sizeof a, NULL), MP_ERR_PARSE);
    CHECK_RC(mp_rlp_validate(b, sizeof b, NULL), MP_ERR_PARSE);
}

static const mp_test_case tests[] = {
    MP_TEST(suite_valid), MP_TEST(suite_invalid),        MP_TEST(truncated_and_trailing),
    MP_TEST(integers),    MP_TEST(list_items_and_depth), MP_TEST(huge_lengths),
};

MP_TEST_MAIN("rlp", tests)
