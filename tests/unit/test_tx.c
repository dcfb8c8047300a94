/*
** test_tx.c: transaction signing and decoding.
**
** Vectors: the EIP-155 example (ethereum/EIPs EIPS/eip-155.md: signing data,
** signing hash, v r s and the signed transaction), and EIP-1559 transactions
** signed by cast 1.7.1 (tests/vectors/eth/eip1559_cast.json). RFC 6979 makes
** signatures deterministic, so raw bytes must match exactly.
*/
#include "mpavs/address.h"
#include "mpavs/hex.h"
#include "mpavs/keccak.h"
#include "mpavs/rlp.h"
#include "mpavs/tx.h"
#include "mpavs/u256.h"
#include "test.h"

#include <jansson.h>
#include <stdlib.h>

static void eip155_tx(mp_tx *tx)
{
    memset(tx, 0, sizeof *tx);
    tx->type = MP_TX_LEGACY;
    tx->chain_id = 1;
    tx->nonce = 9;
    tx->gas_price = 20000000000ull;
    tx->gas_limit = 21000;
    tx->has_to = true;
    memset(tx->to, 0x35, 20);
    mp_u256_from_u64(tx->value, 1000000000000000000ull);
}

static const char eip155_raw[] =
    "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028"
    "ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b38"
    "00ccf555c9f3dc64214b297fb1966a3b6d83";

TEST(eip155_example)
{
    mp_tx tx;
    uint8_t h[32], want[32], sk[32];
    mp_err e;
    eip155_tx(&tx);
    CHECK_OK(mp_tx_signing_hash(&tx, h, &e), &e);
    mp_test_unhex(want, 32, "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");
    CHECK_MEM(h, want, 32);
    /* The signing data itself, hashed, is that hash. */
    uint8_t data[64];
    size_t n = mp_test_unhex(data, sizeof data,
                             "ec098504a817c800825208943535353535353535353535353535353535353535880de"
                             "0b6b3a764000080018080");
    mp_keccak256(want, data, n);
    CHECK_MEM(h, want, 32);
    memset(sk, 0x46, 32);
    mp_buf raw = MP_BUF_INIT;
    uint8_t txh[32];
    CHECK_OK(mp_tx_sign(&tx, NULL, sk, &raw, txh, &e), &e);
    char dec[MP_U256_DEC_MAX];
    mp_u256_to_dec(dec, tx.r);
    CHECK_STR(dec, "18515461264373351373200002665853028612451056578545711640558177340181847433846");
    mp_u256_to_dec(dec, tx.s);
    CHECK_STR(dec, "46948507304638947509940763649030358759909902576025900602547168820602576006531");
    CHECK(tx.y_parity == 0); /* v = 37 = 1 * 2 + 35 + 0 */
    uint8_t want_raw[110];
    size_t wn = mp_test_unhex(want_raw, sizeof want_raw, eip155_raw);
    CHECK(raw.len == wn && !memcmp(raw.data, want_raw, wn));
    mp_keccak256(want, want_raw, wn);
    CHECK_MEM(txh, want, 32);
    mp_buf_free(&raw);
}

TEST(eip155_decode)
{
    uint8_t raw[110], from[20], want[20], sk[32];
    size_t n = mp_test_unhex(raw, sizeof raw, eip155_raw);
    mp_tx tx;
    mp_err e;
    CHECK_OK(mp_tx_decode(&tx, raw, n, &e), &e);
    CHECK(tx.type == MP_TX_LEGACY && tx.chain_id == 1 && tx.nonce == 9);
    CHECK(tx.gas_price == 20000000000ull && tx.gas_limit == 21000 && tx.has_to);
    CHECK(tx.to[0] == 0x35 && tx.to[19] == 0x35 && tx.data_len == 0);
    uint64_t v;
    CHECK(mp_u256_to_u64(&v, tx.value) && v == 1000000000000000000ull);
    CHECK_OK(mp_tx_sender(&tx, from, &e), &e);
    memset(sk, 0x46, 32);
    CHECK_OK(mp_secp_address(NULL, want, sk, &e), &e);
    CHECK_MEM(from, want, 20);
    /* Re-encoding the decoded transaction gives the same bytes. */
    mp_buf again = MP_BUF_INIT;
    CHECK_OK(mp_tx_encode_signed(&tx, &again, &e), &e);
    CHECK(again.len == n && !memcmp(again.data, raw, n));
    mp_buf_free(&again);
}

static uint64_t u64_field(const json_t *v, const char *k)
{
    return strtoull(json_string_value(json_object_get(v, k)), NULL, 10);
}

static void tx_from_vector(mp_tx *tx, const json_t *v, mp_buf *data, mp_test_ctx *mp_t)
{
    memset(tx, 0, sizeof *tx);
    tx->type = MP_TX_EIP1559;
    tx->chain_id = u64_field(v, "chain_id");
    tx->nonce = u64_field(v, "nonce");
    tx->gas_limit = u64_field(v, "gas_limit");
    tx->max_fee = u64_field(v, "max_fee");
    tx->max_priority_fee = u64_field(v, "max_priority_fee");
    const char *to = json_string_value(json_object_get(v, "to"));
    tx->has_to = strcmp(to, "create") != 0;
    if (tx->has_to)
        CHECK_OK(mp_address_parse(tx->to, to, NULL), NULL);
    CHECK_OK(mp_u256_from_dec(tx->value, json_string_value(json_object_get(v, "value")), NULL),
             NULL);
    CHECK_OK(mp_hex_decode_buf(data, json_string_value(json_object_get(v, "data")), NULL), NULL);
    tx->data = data->data;
    tx->data_len = data->len;
}

static void check_vector(const json_t *v, mp_test_ctx *mp_t)
{
    mp_tx tx, dec;
    mp_buf data = MP_BUF_INIT, raw = MP_BUF_INIT, want = MP_BUF_INIT;
    uint8_t sk[32], h[32], want_h[32], from[20], want_from[20];
    mp_err e;
    tx_from_vector(&tx, v, &data, mp_t);
    CHECK_OK(mp_hex_decode_exact(sk, 32, json_string_value(json_object_get(v, "key")), &e), &e);
    CHECK_OK(mp_tx_sign(&tx, NULL, sk, &raw, h, &e), &e);
    CHECK_OK(mp_hex_decode_buf(&want, json_string_value(json_object_get(v, "raw")), &e), &e);
    CHECK(raw.len == want.len && !memcmp(raw.data, want.data, raw.len));
    CHECK_OK(mp_hex_decode_exact(want_h, 32, json_string_value(json_object_get(v, "hash")), &e),
             &e);
    CHECK_MEM(h, want_h, 32);
    /* Decode cast's bytes: the same fields and the same sender. */
    CHECK_OK(mp_tx_decode(&dec, want.data, want.len, &e), &e);
    CHECK(dec.type == MP_TX_EIP1559 && dec.chain_id == tx.chain_id && dec.nonce == tx.nonce);
    CHECK(dec.max_fee == tx.max_fee && dec.max_priority_fee == tx.max_priority_fee);
    CHECK(dec.gas_limit == tx.gas_limit && dec.has_to == tx.has_to);
    CHECK_MEM(dec.value, tx.value, 32);
    CHECK(dec.data_len == tx.data_len && !memcmp(dec.data, tx.data, tx.data_len));
    CHECK_OK(mp_tx_sender(&dec, from, &e), &e);
    CHECK_OK(mp_address_parse(want_from, json_string_value(json_object_get(v, "from")), &e), &e);
    CHECK_MEM(from, want_from, 20);
    mp_buf_free(&data);
    mp_buf_free(&raw);
    mp_buf_free(&want);
}

TEST(eip1559_cast_vectors)
{
    json_error_t je;
    json_t *doc = json_load_file(mp_test_path("tests/vectors/eth/eip1559_cast.json"), 0, &je);
    json_t *vs = json_object_get(doc, "vectors");
    CHECK(json_array_size(vs) == 4);
    for (size_t i = 0; i < json_array_size(vs); i++)
        check_vector(json_array_get(vs, i), mp_t);
    json_decref(doc);
}

TEST(access_list_round_trip)
{
    /* [[address, [slot]]] built by hand; decode must keep it byte for byte. */
    mp_buf al = MP_BUF_INIT, raw = MP_BUF_INIT, again = MP_BUF_INIT;
    uint8_t addr[20], slot[32], sk[32];
    memset(addr, 0x11, 20);
    memset(slot, 0x22, 32);
    size_t outer = mp_rlp_list_begin(&al), entry = mp_rlp_list_begin(&al);
    mp_rlp_put_bytes(&al, addr, 20);
    size_t keys = mp_rlp_list_begin(&al);
    mp_rlp_put_bytes(&al, slot, 32);
    mp_rlp_list_end(&al, keys);
    mp_rlp_list_end(&al, entry);
    mp_rlp_list_end(&al, outer);
    mp_tx tx = {.type = MP_TX_EIP1559, .chain_id = 5, .nonce = 1, .max_fee = 10, .gas_limit = 1};
    tx.access_list = al.data;
    tx.access_list_len = al.len;
    memset(sk, 7, 32);
    mp_err e;
    CHECK_OK(mp_tx_sign(&tx, NULL, sk, &raw, NULL, &e), &e);
    mp_tx dec;
    CHECK_OK(mp_tx_decode(&dec, raw.data, raw.len, &e), &e);
    CHECK(dec.access_list_len == al.len && !memcmp(dec.access_list, al.data, al.len));
    CHECK(!dec.has_to);
    CHECK_OK(mp_tx_encode_signed(&dec, &again, &e), &e);
    CHECK(again.len == raw.len && !memcmp(again.data, raw.data, raw.len));
    mp_buf_free(&al);
    mp_buf_free(&raw);
    mp_buf_free(&again);
}

/* Builds a type-2 body from field hex strings (RLP items), to feed malformed fields. */
static void build_1559(mp_buf *b, const char *const fields[12])
{
    mp_buf_push(b, 2);
    size_t mark = mp_rlp_list_begin(b);
    for (int i = 0; i < 12; i++) {
        uint8_t tmp[64];
        size_t n = mp_test_unhex(tmp, sizeof tmp, fields[i]);
        mp_buf_append(b, tmp, n);
    }
    mp_rlp_list_end(b, mark);
}

TEST(decode_rejects)
{
    /* A well-formed baseline: chain 1, nonce 0, fees 1/2, gas 0x5208, to 20 bytes. */
    const char *good[12] = {"01",
                            "80",
                            "01",
                            "02",
                            "825208",
                            "94"
                            "3535353535353535353535353535353535353535",
                            "80",
                            "80",
                            "c0",
                            "80",
                            "a0"
                            "1111111111111111111111111111111111111111111111111111111111111111",
                            "a0"
                            "2222222222222222222222222222222222222222222222222222222222222222"};
    struct {
        int field;
        const char *value;
        const char *why;
    } bad[] = {
        {1, "8100", "field 1"},                 /* single byte with a header */
        {1, "820001", "leading zero"},          /* non-canonical integer */
        {3, "89010000000000000000", "max fee"}, /* above 64 bits */
        {5,
         "93"
         "35353535353535353535353535353535353535",
         "20 bytes"},
        {8, "80", "access list"},
        {9, "02", "parity"},
        {7, "c0", "data"},
    };
    mp_tx tx;
    mp_err e;
    mp_buf b = MP_BUF_INIT;
    build_1559(&b, good);
    CHECK_OK(mp_tx_decode(&tx, b.data, b.len, &e), &e);
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        const char *f[12];
        memcpy(f, good, sizeof f);
        f[bad[k].field] = bad[k].value;
        mp_buf_free(&b);
        build_1559(&b, f);
        CHECK_RC(mp_tx_decode(&tx, b.data, b.len, &e), MP_ERR_PARSE);
        if (!strstr(e.msg, bad[k].why))
            printf("# case %zu: message \"%s\" lacks \"%s\"\n", k, e.msg, bad[k].why);
        CHECK(strstr(e.msg, bad[k].why) != NULL);
    }
    /* Truncations of a valid transaction, at exact-size allocations. */
    mp_buf_free(&b);
    build_1559(&b, good);
    for (size_t n = 0; n < b.len; n++) {
        uint8_t *p = malloc(n ? n : 1);
        memcpy(p, b.data, n);
        CHECK(mp_tx_decode(&tx, p, n, NULL) != MP_OK);
        free(p);
    }
    mp_buf_push(&b, 0);
    CHECK_RC(mp_tx_decode(&tx, b.data, b.len, &e), MP_ERR_PARSE);
    b.data[0] = 0x01; /* EIP-2930: not supported */
    CHECK_RC(mp_tx_decode(&tx, b.data, b.len, &e), MP_ERR_PARSE);
    CHECK(strstr(e.msg, "type 0x01") != NULL);
    mp_buf_free(&b);
    /* Legacy with v = 30: neither 27/28 nor EIP-155. */
    uint8_t raw[110];
    size_t n = mp_test_unhex(raw, sizeof raw, eip155_raw);
    raw[n - 67] = 0x1e;
    CHECK_RC(mp_tx_decode(&tx, raw, n, &e), MP_ERR_PARSE);
    CHECK(strstr(e.msg, "v = 30") != NULL);
    raw[n - 67] = 0x23; /* 35: EIP-155 with chain id 0, which cannot re-encode (found by fuzzing) */
    CHECK_RC(mp_tx_decode(&tx, raw, n, &e), MP_ERR_PARSE);
}

TEST(sign_rejects)
{
    mp_tx tx = {.type = MP_TX_EIP1559, .chain_id = 0, .gas_limit = 1};
    uint8_t sk[32], h[32];
    memset(sk, 1, 32);
    mp_buf raw = MP_BUF_INIT;
    mp_err e;
    CHECK_RC(mp_tx_sign(&tx, NULL, sk, &raw, h, &e), MP_ERR_INVALID); /* no chain id */
    tx.chain_id = 1;
    tx.max_priority_fee = 5;
    tx.max_fee = 4;
    CHECK_RC(mp_tx_sign(&tx, NULL, sk, &raw, h, &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "priority") != NULL);
    tx.type = 1;
    CHECK_RC(mp_tx_signing_hash(&tx, h, &e), MP_ERR_INVALID);
    CHECK(raw.len == 0);
    mp_buf_free(&raw);
}

static const mp_test_case tests[] = {
    MP_TEST(eip155_example),         MP_TEST(eip155_decode),  MP_TEST(eip1559_cast_vectors),
    MP_TEST(access_list_round_trip), MP_TEST(decode_rejects), MP_TEST(sign_rejects),
};

MP_TEST_MAIN("tx", tests)
