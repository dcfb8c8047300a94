/*
** test_abi.c: the ABI: type and signature parsing, encoding against the
** examples of the Solidity ABI specification (ethereum/solidity
** docs/abi-spec.rst), encodePacked, decoding with every kind of malformed
** input, event logs, the direct word helpers, JSON output, and random
** type/value round trips.
*/
#include "mpavs/abi.h"
#include "mpavs/address.h"
#include "mpavs/hex.h"
#include "mpavs/keccak.h"
#include "test.h"

#include <stdlib.h>

/* Encodes args for sig (with selector) and compares with hex. */
static void check_call(mp_test_ctx *mp_t, const char *sig_text, int argc, char *const *argv,
                       const char *want_hex)
{
    mp_abi_sig sig;
    mp_abi_value args, back;
    mp_buf out = MP_BUF_INIT, want = MP_BUF_INIT, again = MP_BUF_INIT;
    mp_err e;
    CHECK_OK(mp_abi_sig_parse(&sig, sig_text, &e), &e);
    CHECK_OK(mp_abi_value_parse_args(&args, sig.params, argc, argv, &e), &e);
    CHECK_OK(mp_abi_put_selector(&out, sig_text, &e), &e);
    CHECK_OK(mp_abi_encode(&out, &args, &e), &e);
    CHECK_OK(mp_hex_decode_buf(&want, want_hex, &e), &e);
    bool same = out.len == want.len && !memcmp(out.data, want.data, out.len);
    if (!same)
        printf("# %s: encoding differs\n", sig_text);
    CHECK(same);
    /* Decoding gives the same values back (compared through a re-encoding). */
    CHECK_OK(mp_abi_decode(&back, sig.params, out.data + 4, out.len - 4, &e), &e);
    CHECK_OK(mp_abi_encode(&again, &back, &e), &e);
    CHECK(again.len + 4 == out.len && !memcmp(again.data, out.data + 4, again.len));
    mp_abi_value_free(&back);
    mp_abi_value_free(&args);
    mp_abi_sig_free(&sig);
    mp_buf_free(&out);
    mp_buf_free(&want);
    mp_buf_free(&again);
}

TEST(spec_examples)
{
    char *baz[] = {"69", "true"};
    static const char baz_hex[] =
        "cdcd77c0"
        "0000000000000000000000000000000000000000000000000000000000000045"
        "0000000000000000000000000000000000000000000000000000000000000001";
    check_call(mp_t, "baz(uint32,bool)", 2, baz, baz_hex);
    char *bar[] = {"[0x616263,0x646566]"};
    static const char bar_hex[] =
        "fce353f6"
        "6162630000000000000000000000000000000000000000000000000000000000"
        "6465660000000000000000000000000000000000000000000000000000000000";
    check_call(mp_t, "bar(bytes3[2])", 1, bar, bar_hex);
    char *sam[] = {"0x64617665", "true", "[1,2,3]"};
    static const char sam_hex[] =
        "a5643bf2"
        "0000000000000000000000000000000000000000000000000000000000000060"
        "0000000000000000000000000000000000000000000000000000000000000001"
        "00000000000000000000000000000000000000000000000000000000000000a0"
        "0000000000000000000000000000000000000000000000000000000000000004"
        "6461766500000000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000003"
        "0000000000000000000000000000000000000000000000000000000000000001"
        "0000000000000000000000000000000000000000000000000000000000000002"
        "0000000000000000000000000000000000000000000000000000000000000003";
    check_call(mp_t, "sam(bytes,bool,uint256[])", 3, sam, sam_hex);
    char *f[] = {"0x123", "[0x456,0x789]", "0x31323334353637383930",
                 "0x48656c6c6f2c20776f726c6421"};
    static const char f_hex[] = "8be65246"
                                "0000000000000000000000000000000000000000000000000000000000000123"
                                "0000000000000000000000000000000000000000000000000000000000000080"
                                "3132333435363738393000000000000000000000000000000000000000000000"
                                "00000000000000000000000000000000000000000000000000000000000000e0"
                                "0000000000000000000000000000000000000000000000000000000000000002"
                                "0000000000000000000000000000000000000000000000000000000000000456"
                                "0000000000000000000000000000000000000000000000000000000000000789"
                                "000000000000000000000000000000000000000000000000000000000000000d"
                                "48656c6c6f2c20776f726c642100000000000000000000000000000000000000";
    check_call(mp_t, "f(uint256,uint32[],bytes10,bytes)", 4, f, f_hex);
    char *g[] = {"[[1,2],[3]]", "[one,two,three]"};
    static const char g_hex[] = "2289b18c"
                                "0000000000000000000000000000000000000000000000000000000000000040"
                                "0000000000000000000000000000000000000000000000000000000000000140"
                                "0000000000000000000000000000000000000000000000000000000000000002"
                                "0000000000000000000000000000000000000000000000000000000000000040"
                                "00000000000000000000000000000000000000000000000000000000000000a0"
                                "0000000000000000000000000000000000000000000000000000000000000002"
                                "0000000000000000000000000000000000000000000000000000000000000001"
                                "0000000000000000000000000000000000000000000000000000000000000002"
                                "0000000000000000000000000000000000000000000000000000000000000001"
                                "0000000000000000000000000000000000000000000000000000000000000003"
                                "0000000000000000000000000000000000000000000000000000000000000003"
                                "0000000000000000000000000000000000000000000000000000000000000060"
                                "00000000000000000000000000000000000000000000000000000000000000a0"
                                "00000000000000000000000000000000000000000000000000000000000000e0"
                                "0000000000000000000000000000000000000000000000000000000000000003"
                                "6f6e650000000000000000000000000000000000000000000000000000000000"
                                "0000000000000000000000000000000000000000000000000000000000000003"
                                "74776f0000000000000000000000000000000000000000000000000000000000"
                                "0000000000000000000000000000000000000000000000000000000000000005"
                                "7468726565000000000000000000000000000000000000000000000000000000";
    check_call(mp_t, "g(uint[][],string[])", 2, g, g_hex);
}

TEST(packed_spec_example)
{
    /* abi.encodePacked(int16(-1), bytes1(0x42), uint16(0x03), string("Hello, world!")) */
    mp_abi_type *params;
    mp_abi_value v;
    mp_buf out = MP_BUF_INIT;
    mp_err e;
    char *args[] = {"-1", "0x42", "0x03", "Hello, world!"};
    CHECK_OK(mp_abi_params_parse(&params, "int16,bytes1,uint16,string", &e), &e);
    CHECK_OK(mp_abi_value_parse_args(&v, params, 4, args, &e), &e);
    CHECK_OK(mp_abi_encode_packed(&out, &v, &e), &e);
    char *h = mp_hex_dup0x(out.data, out.len);
    CHECK_STR(h, "0xffff42000348656c6c6f2c20776f726c6421");
    free(h);
    mp_abi_value_free(&v);
    mp_abi_type_free(params);
    /* Nested tuples are refused, as Solidity refuses them. */
    CHECK_OK(mp_abi_params_parse(&params, "((uint8,bool))", &e), &e);
    char *targ[] = {"(1,true)"};
    CHECK_OK(mp_abi_value_parse_args(&v, params, 1, targ, &e), &e);
    mp_buf_free(&out);
    CHECK_RC(mp_abi_encode_packed(&out, &v, &e), MP_ERR_INVALID);
    mp_abi_value_free(&v);
    mp_abi_type_free(params);
    mp_buf_free(&out);
}

TEST(type_canonical)
{
    static const char *const cases[][2] = {
        {"uint", "uint256"},
        {"int", "int256"},
        {"byte", "bytes1"},
        {" uint8 [ ] [3]", "uint8[][3]"},
        {"(uint, (bool,bytes)[2] memory x, address payable to)[]",
         "(uint256,(bool,bytes)[2],address)[]"},
        {"tuple(string,int24)", "(string,int24)"},
        {"bytes32[1000000]", "bytes32[1000000]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mp_abi_type *t;
        mp_buf b = MP_BUF_INIT;
        mp_err e;
        CHECK_OK(mp_abi_type_parse(&t, cases[i][0], &e), &e);
        CHECK_OK(mp_abi_type_canonical(t, &b, &e), &e);
        CHECK_STR((char *)b.data, cases[i][1]);
        mp_abi_type_free(t);
        mp_buf_free(&b);
    }
    mp_abi_sig s;
    mp_buf b = MP_BUF_INIT;
    mp_err e;
    CHECK_OK(
        mp_abi_sig_parse(&s, "Transfer(address indexed from, address indexed to, uint value)", &e),
        &e);
    CHECK_OK(mp_abi_sig_canonical(&s, &b, &e), &e);
    CHECK_STR((char *)b.data, "Transfer(address,address,uint256)");
    CHECK(s.params->nfields == 3 && s.params->fields[0]->indexed && !s.params->fields[2]->indexed);
    CHECK_STR(s.params->fields[1]->name, "to");
    mp_abi_sig_free(&s);
    mp_buf_free(&b);
    uint8_t sel[4], topic[32], want[32];
    CHECK_OK(mp_abi_selector(sel, "transfer(address to, uint256 amount)", &e), &e);
    CHECK(sel[0] == 0xa9 && sel[1] == 0x05 && sel[2] == 0x9c && sel[3] == 0xbb);
    CHECK_OK(mp_abi_event_topic(topic, "Transfer(address,address,uint256)", &e), &e);
    mp_keccak256(want, "Transfer(address,address,uint256)", 33);
    CHECK_MEM(topic, want, 32);
    /* Parameter lists: bare, parenthesised, empty, and a tuple array first. */
    mp_abi_type *p;
    CHECK_OK(mp_abi_params_parse(&p, "", &e), &e);
    CHECK(p->kind == MP_ABI_TUPLE && p->nfields == 0);
    mp_abi_type_free(p);
    CHECK_OK(mp_abi_params_parse(&p, "(uint8,bool)[],bytes", &e), &e);
    CHECK(p->nfields == 2 && p->fields[0]->kind == MP_ABI_ARRAY);
    mp_abi_type_free(p);
    CHECK_OK(mp_abi_params_parse(&p, "(uint8,bool)", &e), &e);
    CHECK(p->nfields == 2);
    mp_abi_type_free(p);
}

TEST(type_rejects)
{
    static const char *const cases[][2] = {
        {"uint7", "integer width"},
        {"uint264", "integer width"},
        {"uint08", "integer width"},
        {"bytes0", "bytesN"},
        {"bytes33", "bytesN"},
        {"fixed128x18", "unsupported"},
        {"function", "unsupported"},
        {"foo", "unknown"},
        {"()", "empty tuple"},
        {"(uint8", "expected ',' or ')'"},
        {"uint8[", "expected ']'"},
        {"uint8[0]", "array length"},
        {"uint8[1000001]", "above 1000000"},
        {"uint8 x", "unexpected text"},
        {"(uint8 indexed x)", "indexed"},
        {"", "expected a type"},
        {"bytes32[1000000][1000000]", "larger than"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mp_abi_type *t = NULL;
        mp_err e;
        CHECK_RC(mp_abi_type_parse(&t, cases[i][0], &e), MP_ERR_INVALID);
        if (!strstr(e.msg, cases[i][1]))
            printf("# \"%s\": message \"%s\"\n", cases[i][0], e.msg);
        CHECK(strstr(e.msg, cases[i][1]) != NULL);
    }
    /* Depth: 32 levels are fine, 33 are not. */
    char deep[200] = "uint8";
    for (int i = 1; i < 32; i++)
        strcat(deep, "[]");
    mp_abi_type *t;
    mp_err e;
    CHECK_OK(mp_abi_type_parse(&t, deep, &e), &e);
    mp_abi_type_free(t);
    strcat(deep, "[]");
    CHECK_RC(mp_abi_type_parse(&t, deep, &e), MP_ERR_INVALID);
    char parens[200] = "";
    for (int i = 0; i < 40; i++)
        strcat(parens, "(");
    strcat(parens, "uint8");
    for (int i = 0; i < 40; i++)
        strcat(parens, ")");
    CHECK_RC(mp_abi_type_parse(&t, parens, &e), MP_ERR_INVALID);
    mp_abi_sig s;
    CHECK_RC(mp_abi_sig_parse(&s, "(uint8)", &e), MP_ERR_INVALID);
    CHECK_RC(mp_abi_sig_parse(&s, "f(uint8) x", &e), MP_ERR_INVALID);
    char *big = malloc(MP_ABI_MAX_TEXT + 2);
    memset(big, ' ', MP_ABI_MAX_TEXT + 1);
    big[MP_ABI_MAX_TEXT + 1] = 0;
    CHECK_RC(mp_abi_type_parse(&t, big, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "longer than") != NULL);
    free(big);
}

/* Decodes d as types; expects failure with msg in the error. Frees d. */
static void check_bad(mp_test_ctx *mp_t, const char *types, mp_buf *d, const char *msg)
{
    mp_abi_type *p;
    mp_abi_value v;
    mp_err e;
    CHECK_OK(mp_abi_params_parse(&p, types, &e), &e);
    /* An exact-size copy, so ASan sees any read past the end. */
    uint8_t *copy = malloc(d->len ? d->len : 1);
    if (d->len)
        memcpy(copy, d->data, d->len);
    int rc = mp_abi_decode(&v, p, copy, d->len, &e);
    CHECK_RC(rc, MP_ERR_PARSE);
    if (rc == MP_OK)
        mp_abi_value_free(&v);
    else if (!strstr(e.msg, msg))
        printf("# %s: message \"%s\" lacks \"%s\"\n", types, e.msg, msg);
    CHECK(rc == MP_OK || strstr(e.msg, msg) != NULL);
    CHECK(v.items == NULL && v.bytes == NULL);
    free(copy);
    mp_buf_free(d);
    mp_abi_type_free(p);
}

/* A word holding small value v, with byte at set to x (x = 0: none). */
static void word(mp_buf *d, uint64_t v, size_t at, uint8_t x)
{
    size_t start = d->len;
    mp_abi_put_u64(d, v);
    if (x)
        d->data[start + at] = x;
}

TEST(decode_rejects)
{
    mp_buf d = MP_BUF_INIT;
    word(&d, 256, 0, 0);
    check_bad(mp_t, "uint8", &d, "out of range for uint8");
    word(&d, 0x80, 0, 0);
    check_bad(mp_t, "int8", &d, "sign extension");
    word(&d, 0x7f, 0, 0xff);
    check_bad(mp_t, "int8", &d, "sign extension");
    mp_buf_zeros(&d, 31);
    check_bad(mp_t, "int8", &d, "runs past the end");
    word(&d, 0, 0, 1);
    check_bad(mp_t, "address", &d, "non-zero high bytes");
    word(&d, 2, 0, 0);
    check_bad(mp_t, "bool", &d, "not 0 or 1");
    word(&d, 0, 4, 5);
    check_bad(mp_t, "bytes4", &d, "dirty padding");
    check_bad(mp_t, "uint256", &d, "runs past the end");
    /* bytes and string: offset or length past the end, dirty or missing padding */
    word(&d, 0x40, 0, 0);
    check_bad(mp_t, "bytes", &d, "exceeds the data length");
    word(&d, 32, 0, 0);
    word(&d, 33, 0, 0);
    mp_buf_zeros(&d, 32);
    check_bad(mp_t, "bytes", &d, "bytes data");
    word(&d, 32, 0, 0);
    word(&d, 1, 0, 0);
    word(&d, 1, 0, 0xab);
    check_bad(mp_t, "bytes", &d, "non-zero padding");
    word(&d, 32, 0, 0);
    word(&d, 1, 0, 0);
    mp_buf_push(&d, 0xab);
    check_bad(mp_t, "string", &d, "string data");
    word(&d, 0, 0, 1);
    mp_buf_zeros(&d, 64);
    check_bad(mp_t, "bytes", &d, "too large");
    /* arrays: counts larger than the data could hold */
    word(&d, 32, 0, 0);
    word(&d, 0xffffffff, 0, 0);
    check_bad(mp_t, "uint256[]", &d, "exceeds the data length");
    word(&d, 32, 0, 0);
    word(&d, 2, 0, 0);
    mp_buf_zeros(&d, 32);
    check_bad(mp_t, "uint256[]", &d, "needs more data");
    mp_buf_zeros(&d, 32);
    check_bad(mp_t, "uint8[2]", &d, "runs past the end");
    word(&d, 32, 0, 0);
    word(&d, 1, 0, 0);
    mp_buf_zeros(&d, 32);
    check_bad(mp_t, "(uint8,bool)[]", &d, "needs more data");
    mp_buf_zeros(&d, 32);
    check_bad(mp_t, "uint256,bytes", &d, "runs past the end");
    /* An offset that points past the end from a nested head. */
    word(&d, 32, 0, 0);
    word(&d, 1, 0, 0);
    word(&d, 0x1000, 0, 0);
    check_bad(mp_t, "bytes[]", &d, "exceeds the data length");
}

TEST(decode_truncations)
{
    char *args[] = {"[(1,abc),(2,\"d,e\")]", "-7", "0xdeadbeef", "[[1],[],[2,3]]"};
    mp_abi_type *p;
    mp_abi_value v, back;
    mp_buf enc = MP_BUF_INIT;
    mp_err e;
    CHECK_OK(mp_abi_params_parse(&p, "(uint8,string)[2],int16,bytes,uint64[][]", &e), &e);
    CHECK_OK(mp_abi_value_parse_args(&v, p, 4, args, &e), &e);
    CHECK_OK(mp_abi_encode(&enc, &v, &e), &e);
    CHECK_OK(mp_abi_decode(&back, p, enc.data, enc.len, &e), &e);
    mp_abi_value_free(&back);
    for (size_t n = 0; n < enc.len; n++) {
        uint8_t *c = malloc(n ? n : 1);
        memcpy(c, enc.data, n);
        CHECK_RC(mp_abi_decode(&back, p, c, n, NULL), MP_ERR_PARSE);
        free(c);
    }
    /* Random byte flips must never crash; most are rejected. */
    for (int i = 0; i < 2000; i++) {
        uint8_t *c = malloc(enc.len);
        memcpy(c, enc.data, enc.len);
        for (int k = 0; k < 3; k++)
            c[mp_test_rand(mp_t) % enc.len] ^= (uint8_t)(1 + mp_test_rand(mp_t) % 255);
        if (mp_abi_decode(&back, p, c, enc.len, NULL) == MP_OK)
            mp_abi_value_free(&back);
        free(c);
    }
    mp_abi_value_free(&v);
    mp_abi_type_free(p);
    mp_buf_free(&enc);
}

TEST(decode_overlap_bomb)
{
    /* uint256[][]: 400 offsets that all point at one 400-element array.
     ** Decoding naively would build 160000 values from 26 KB. */
    size_t k = 400, m = 400;
    mp_buf d = MP_BUF_INIT;
    mp_abi_put_u64(&d, 32); /* offset of the outer array */
    mp_abi_put_u64(&d, k);  /* outer count */
    for (size_t i = 0; i < k; i++)
        mp_abi_put_u64(&d, 32 * k); /* each element: the same inner array */
    mp_abi_put_u64(&d, m);
    for (size_t i = 0; i < m; i++)
        mp_abi_put_u64(&d, i);
    mp_abi_type *p;
    mp_abi_value v;
    mp_err e;
    CHECK_OK(mp_abi_params_parse(&p, "uint256[][]", &e), &e);
    CHECK_RC(mp_abi_decode(&v, p, d.data, d.len, &e), MP_ERR_PARSE);
    CHECK(strstr(e.msg, "overlapping") != NULL);
    mp_abi_type_free(p);
    mp_buf_free(&d);
}

TEST(value_parse_rejects)
{
    static const char *const cases[][3] = {
        {"uint8", "256", "does not fit"},
        {"uint8", "-1", "not a decimal digit"},
        {"int8", "-129", "does not fit"},
        {"int8", "128", "does not fit"},
        {"bool", "yes", "true or false"},
        {"bytes2", "0x01", "expected 2 bytes"},
        {"bytes", "0x0", "odd number"},
        {"address", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "EIP-55"},
        {"uint8[2]", "[1]", "expected 2 items"},
        {"uint8[]", "[1,2", "expected ',' or ']'"},
        {"(uint8,bool)", "(1,true,3)", "too many tuple components"},
        {"(uint8,bool)", "(1)", "expected 2 items"},
        {"string[]", "[\"abc]", "unterminated"},
        {"uint8[]", "[1] x", "unexpected text"},
        {"uint8[]", "1", "expected '['"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mp_abi_type *t;
        mp_abi_value v;
        mp_err e;
        CHECK_OK(mp_abi_type_parse(&t, cases[i][0], &e), &e);
        CHECK_RC(mp_abi_value_parse(&v, t, cases[i][1], &e), MP_ERR_INVALID);
        if (!strstr(e.msg, cases[i][2]))
            printf("# %s %s: \"%s\"\n", cases[i][0], cases[i][1], e.msg);
        CHECK(strstr(e.msg, cases[i][2]) != NULL);
        mp_abi_type_free(t);
    }
    mp_abi_type *p;
    mp_abi_value v;
    mp_err e;
    CHECK_OK(mp_abi_params_parse(&p, "uint8,bool", &e), &e);
    char *one[] = {"1"};
    CHECK_RC(mp_abi_value_parse_args(&v, p, 1, one, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "2 arguments expected") != NULL);
    mp_abi_type_free(p);
}

static char *to_json_text(const mp_abi_value *v)
{
    json_t *j = mp_abi_value_to_json(v);
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
    json_decref(j);
    return s;
}

TEST(json_output)
{
    mp_abi_type *p;
    mp_abi_value v;
    mp_err e;
    char *args[] = {"-5", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "[true,false]", "0x00ff",
                    "caf\xc3\xa9 \xff!"};
    CHECK_OK(mp_abi_params_parse(&p, "int256,address,bool[],bytes2,string", &e), &e);
    CHECK_OK(mp_abi_value_parse_args(&v, p, 5, args, &e), &e);
    char *s = to_json_text(&v);
    CHECK_STR(s, "[\"-5\",\"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\",[true,false],\"0x00ff\","
                 "\"caf\\u00E9 \\uFFFD!\"]");
    free(s);
    mp_abi_value_free(&v);
    mp_abi_type_free(p);
}

TEST(event_logs)
{
    mp_abi_sig ev;
    mp_err e;
    CHECK_OK(mp_abi_sig_parse(&ev,
                              "Posted(address indexed who, string indexed tag, uint64 n, bytes "
                              "blob)",
                              &e),
             &e);
    uint8_t topics[3][32] = {{0}};
    CHECK_OK(mp_abi_sig_hash(&ev, topics[0], &e), &e);
    memset(topics[1] + 12, 0xaa, 20);
    mp_keccak256(topics[2], "news", 4); /* indexed strings are hashed */
    mp_buf data = MP_BUF_INIT;
    mp_abi_put_u64(&data, 42);
    mp_abi_put_u64(&data, 64);
    mp_abi_put_tail_bytes(&data, "\x01\x02\x03", 3);
    mp_abi_value v;
    CHECK_OK(mp_abi_decode_log(&v, &ev, (const uint8_t(*)[32])topics, 3, data.data, data.len, &e),
             &e);
    CHECK(v.nitems == 4 && v.items[1].hashed && !v.items[0].hashed);
    CHECK(v.items[2].word[31] == 42 && v.items[3].len == 3);
    char *s = to_json_text(&v);
    uint8_t who[20];
    char who_text[MP_ADDRESS_TEXT_LEN];
    memset(who, 0xaa, 20);
    mp_address_to_checksum(who_text, who);
    CHECK(strstr(s, who_text) != NULL);
    char tag_hex[67];
    mp_hex_encode0x(tag_hex, topics[2], 32);
    CHECK(strstr(s, tag_hex) != NULL);
    CHECK(strstr(s, "\"42\"") != NULL && strstr(s, "\"0x010203\"") != NULL);
    free(s);
    mp_abi_value_free(&v);
    /* Wrong topic 0, wrong topic count, dirty indexed address, bad data. */
    topics[0][0] ^= 1;
    CHECK_RC(mp_abi_decode_log(&v, &ev, (const uint8_t(*)[32])topics, 3, data.data, data.len, &e),
             MP_ERR_PARSE);
    CHECK(strstr(e.msg, "topic 0") != NULL);
    topics[0][0] ^= 1;
    CHECK_RC(mp_abi_decode_log(&v, &ev, (const uint8_t(*)[32])topics, 2, data.data, data.len, &e),
             MP_ERR_PARSE);
    CHECK(strstr(e.msg, "indexed") != NULL);
    topics[1][0] = 1;
    CHECK_RC(mp_abi_decode_log(&v, &ev, (const uint8_t(*)[32])topics, 3, data.data, data.len, &e),
             MP_ERR_PARSE);
    CHECK(strstr(e.msg, "topic 1") != NULL);
    topics[1][0] = 0;
    CHECK_RC(mp_abi_decode_log(&v, &ev, (const uint8_t(*)[32])topics, 3, data.data, 64, &e),
             MP_ERR_PARSE);
    CHECK(strstr(e.msg, "log data") != NULL);
    mp_abi_sig_free(&ev);
    mp_buf_free(&data);
}

TEST(word_helpers)
{
    mp_buf b = MP_BUF_INIT;
    uint8_t addr[20], got[20], w[32];
    memset(addr, 0x5a, 20);
    mp_abi_put_u64(&b, 123456789);
    mp_abi_put_address(&b, addr);
    mp_abi_put_bool(&b, true);
    mp_abi_put_u64(&b, 32 * 4); /* offset of the bytes tail */
    mp_abi_put_tail_bytes(&b, "hello", 5);
    uint64_t v;
    bool flag;
    const uint8_t *p;
    size_t n;
    mp_err e;
    CHECK(b.len == 32 * 6);
    CHECK_OK(mp_abi_read_u64(&v, b.data, b.len, 0, &e), &e);
    CHECK(v == 123456789);
    CHECK_OK(mp_abi_read_address(got, b.data, b.len, 1, &e), &e);
    CHECK_MEM(got, addr, 20);
    CHECK_OK(mp_abi_read_bool(&flag, b.data, b.len, 2, &e), &e);
    CHECK(flag);
    CHECK_OK(mp_abi_read_bytes(&p, &n, b.data, b.len, 3, &e), &e);
    CHECK(n == 5 && !memcmp(p, "hello", 5));
    CHECK_OK(mp_abi_read_bytes32(w, b.data, b.len, 4, &e), &e);
    CHECK(w[31] == 5);
    CHECK_RC(mp_abi_read_u64(&v, b.data, b.len, 6, &e), MP_ERR_PARSE);
    CHECK(strstr(e.msg, "6 words") != NULL);
    CHECK_RC(mp_abi_read_address(got, b.data, b.len, 5, &e), MP_ERR_PARSE); /* "hello" word */
    CHECK_RC(mp_abi_read_bool(&flag, b.data, b.len, 0, &e), MP_ERR_PARSE);
    CHECK_RC(mp_abi_read_bytes(&p, &n, b.data, b.len, 0, &e), MP_ERR_PARSE); /* offset too big */
    b.data[32 * 4 + 31] = 200; /* length past the end */
    CHECK_RC(mp_abi_read_bytes(&p, &n, b.data, b.len, 3, &e), MP_ERR_PARSE);
    b.data[31] = 0;
    b.data[30] = 0;
    b.data[29] = 0;
    b.data[28] = 0; /* word 0 = 0: fits u64 */
    b.data[0] = 1;  /* but now it does not */
    CHECK_RC(mp_abi_read_u64(&v, b.data, b.len, 0, &e), MP_ERR_PARSE);
    CHECK(b.oom == false);
    mp_buf_free(&b);
}

/* ---- random round trips ---- */

static void rand_type_text(mp_test_ctx *mp_t, mp_buf *b, int depth)
{
    static const char *const leaves[] = {"uint8", "uint256", "int16",   "int256", "address",
                                         "bool",  "bytes1",  "bytes32", "bytes",  "string"};
    unsigned r = (unsigned)(mp_test_rand(mp_t) % (depth > 2 ? 10 : 14));
    if (r < 10) {
        mp_buf_puts(b, leaves[r]);
    } else if (r < 12) {
        mp_buf_push(b, '(');
        unsigned n = 1 + (unsigned)(mp_test_rand(mp_t) % 3);
        for (unsigned i = 0; i < n; i++) {
            if (i)
                mp_buf_push(b, ',');
            rand_type_text(mp_t, b, depth + 1);
        }
        mp_buf_push(b, ')');
    } else {
        rand_type_text(mp_t, b, depth + 1);
        if (r == 12)
            mp_buf_puts(b, "[]");
        else
            mp_buf_printf(b, "[%u]", 1 + (unsigned)(mp_test_rand(mp_t) % 3));
    }
}

static void rand_value(mp_test_ctx *mp_t, mp_abi_value *v, const mp_abi_type *t)
{
    v->type = t;
    switch (t->kind) {
    case MP_ABI_UINT:
    case MP_ABI_INT:
        mp_test_rand_bytes(mp_t, v->word, 32);
        for (unsigned i = 0; i < 32 - t->size / 8; i++)
            v->word[i] = (t->kind == MP_ABI_INT && (v->word[32 - t->size / 8] & 0x80)) ? 0xff : 0;
        break;
    case MP_ABI_ADDRESS:
        mp_test_rand_bytes(mp_t, v->word + 12, 20);
        break;
    case MP_ABI_BOOL:
        v->word[31] = (uint8_t)(mp_test_rand(mp_t) & 1);
        break;
    case MP_ABI_BYTESN:
        mp_test_rand_bytes(mp_t, v->word, t->size);
        break;
    case MP_ABI_BYTES:
    case MP_ABI_STRING:
        v->len = (size_t)(mp_test_rand(mp_t) % 70);
        v->bytes = malloc(v->len + 1);
        mp_test_rand_bytes(mp_t, v->bytes, v->len);
        v->bytes[v->len] = 0;
        break;
    default: {
        size_t n = t->kind == MP_ABI_TUPLE    ? t->nfields
                   : t->kind == MP_ABI_FARRAY ? t->length
                                              : (size_t)(mp_test_rand(mp_t) % 4);
        v->nitems = n;
        v->items = calloc(n ? n : 1, sizeof *v->items);
        for (size_t i = 0; i < n; i++)
            rand_value(mp_t, &v->items[i], t->kind == MP_ABI_TUPLE ? t->fields[i] : t->elem);
    }
    }
}

TEST(random_round_trips)
{
    for (int iter = 0; iter < 300; iter++) {
        mp_buf text = MP_BUF_INIT, enc = MP_BUF_INIT, again = MP_BUF_INIT;
        unsigned nparams = 1 + (unsigned)(mp_test_rand(mp_t) % 3);
        for (unsigned i = 0; i < nparams; i++) {
            if (i)
                mp_buf_push(&text, ',');
            rand_type_text(mp_t, &text, 0);
        }
        mp_abi_type *p;
        mp_abi_value v = {0}, back;
        mp_err e;
        CHECK_OK(mp_abi_params_parse(&p, (char *)text.data, &e), &e);
        if (p == NULL)
            break;
        rand_value(mp_t, &v, p);
        CHECK_OK(mp_abi_encode(&enc, &v, &e), &e);
        CHECK_OK(mp_abi_decode(&back, p, enc.data, enc.len, &e), &e);
        CHECK_OK(mp_abi_encode(&again, &back, &e), &e);
        bool same = again.len == enc.len && !memcmp(again.data, enc.data, enc.len);
        if (!same)
            printf("# round trip failed for %s\n", (char *)text.data);
        CHECK(same);
        char *j1 = to_json_text(&v), *j2 = to_json_text(&back);
        CHECK(j1 && j2 && !strcmp(j1, j2));
        free(j1);
        free(j2);
        mp_abi_value_free(&back);
        mp_abi_value_free(&v);
        mp_abi_type_free(p);
        mp_buf_free(&text);
        mp_buf_free(&enc);
        mp_buf_free(&again);
    }
}

static const mp_test_case tests[] = {
    MP_TEST(spec_examples),       MP_TEST(packed_spec_example), MP_TEST(type_canonical),
    MP_TEST(type_rejects),        MP_TEST(decode_rejects),      MP_TEST(decode_truncations),
    MP_TEST(decode_overlap_bomb), MP_TEST(value_parse_rejects), MP_TEST(json_output),
    MP_TEST(event_logs),          MP_TEST(word_helpers),        MP_TEST(random_round_trips),
};

MP_TEST_MAIN("abi", tests)
