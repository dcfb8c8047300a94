/*
** test_reexec.c: the transaction decoder of stateless re-execution
** (src/lib/reexec/ethtx.c): JSON transactions re-encoded exactly (the EIP-155
** example, and a type-2 transaction signed by the library's own encoder),
** senders recovered from signatures, malformed or unsupported input refused.
** Re-execution itself runs against anvil in tests/integration/test_reexec.c.
*/
#include "test.h"

#include "mpavs/hex.h"
#include "mpavs/secp.h"
#include "mpavs/tx.h"
#include "reexec/rx_int.h"

#include <string.h>

static json_t *parse(const char *text)
{
    return json_loads(text, 0, NULL);
}

/* The signed example of EIP-155 (chain id 1, key 0x4646...46). */
static const char eip155_json[] =
    "{\"type\":\"0x0\",\"nonce\":\"0x9\",\"gasPrice\":\"0x4a817c800\",\"gas\":\"0x5208\","
    "\"to\":\"0x3535353535353535353535353535353535353535\",\"value\":\"0xde0b6b3a7640000\","
    "\"input\":\"0x\",\"v\":\"0x25\","
    "\"r\":\"0x28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276\","
    "\"s\":\"0x67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83\"}";
static const char eip155_raw[] =
    "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a0"
    "28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb70330"
    "4b3800ccf555c9f3dc64214b297fb1966a3b6d83";

TEST(legacy_eip155_example)
{
    mp_err e = {0};
    rx_tx t;
    uint8_t raw[110], sender[20];
    json_t *j = parse(eip155_json);
    CHECK_OK(mp_hex_decode_exact(raw, sizeof raw, eip155_raw, &e), &e);
    CHECK_OK(mp_hex_decode_exact(sender, 20, "9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f", &e), &e);
    CHECK_OK(rx_tx_decode(&t, j, &e), &e);
    CHECK(t.raw.len == sizeof raw && memcmp(t.raw.data, raw, sizeof raw) == 0);
    CHECK_MEM(t.tx.sender, sender, 20);
    CHECK(t.tx.type == 0 && t.tx.nonce == 9 && t.tx.gas_limit == 21000 && t.tx.has_to);
    rx_tx_free(&t);
    json_decref(j);
}

TEST(type2_matches_the_library_encoder)
{
    mp_err e = {0};
    uint8_t sk[32], from[20], hash[32];
    memset(sk, 0x11, 32);
    mp_tx tx = {.type = MP_TX_EIP1559,
                .chain_id = 31337,
                .nonce = 5,
                .max_priority_fee = 2,
                .max_fee = 1000000007,
                .gas_limit = 90000,
                .has_to = true};
    static const uint8_t data[] = {0xa9, 0x05, 0x9c, 0xbb, 0x00, 0x01};
    memset(tx.to, 0x42, 20);
    tx.value[31] = 77;
    tx.data = data;
    tx.data_len = sizeof data;
    mp_buf raw = MP_BUF_INIT;
    CHECK_OK(mp_tx_sign(&tx, NULL, sk, &raw, hash, &e), &e);
    CHECK_OK(mp_secp_address(NULL, from, sk, &e), &e);
    char r[67], s[67], text[1024];
    mp_hex_encode0x(r, tx.r, 32);
    mp_hex_encode0x(s, tx.s, 32);
    snprintf(text, sizeof text,
             "{\"type\":\"0x2\",\"chainId\":\"0x7a69\",\"nonce\":\"0x5\",\"gas\":\"0x15f90\","
             "\"maxFeePerGas\":\"0x3b9aca07\",\"maxPriorityFeePerGas\":\"0x2\","
             "\"to\":\"0x4242424242424242424242424242424242424242\",\"value\":\"0x4d\","
             "\"input\":\"0xa9059cbb0001\",\"accessList\":[],\"v\":\"0x%d\",\"yParity\":\"0x%d\","
             "\"r\":\"%s\",\"s\":\"%s\"}",
             tx.y_parity, tx.y_parity, r, s);
    json_t *j = parse(text);
    rx_tx t;
    CHECK_OK(rx_tx_decode(&t, j, &e), &e);
    CHECK(t.raw.len == raw.len && memcmp(t.raw.data, raw.data, raw.len) == 0);
    CHECK_MEM(t.tx.sender, from, 20);
    rx_tx_free(&t);
    json_decref(j);
    mp_buf_free(&raw);
}

TEST(bad_transactions_are_refused)
{
    mp_err e = {0};
    rx_tx t;
    json_t *j = parse("{\"type\":\"0x4\",\"nonce\":\"0x0\"}");
    CHECK(rx_tx_decode(&t, j, &e) == MP_EVM_ERR_UNSUPPORTED);
    CHECK(strstr(e.msg, "type 4") != NULL);
    rx_tx_free(&t);
    json_decref(j);

    j = parse(eip155_json);
    json_object_del(j, "gas");
    CHECK(rx_tx_decode(&t, j, &e) != MP_OK);
    CHECK(strstr(e.msg, "gas") != NULL);
    rx_tx_free(&t);
    json_decref(j);

    j = parse(eip155_json);
    json_object_set_new(j, "v", json_string("0x1d"));
    CHECK(rx_tx_decode(&t, j, &e) != MP_OK);
    rx_tx_free(&t);
    json_decref(j);

    j = parse(eip155_json); /* r = 0: no signature recovers */
    json_object_set_new(j, "r", json_string("0x0"));
    CHECK_RC(rx_tx_decode(&t, j, &e), MP_ERR_VERIFY);
    rx_tx_free(&t);
    json_decref(j);
}

static const mp_test_case tests[] = {
    MP_TEST(legacy_eip155_example),
    MP_TEST(type2_matches_the_library_encoder),
    MP_TEST(bad_transactions_are_refused),
};

MP_TEST_MAIN("reexec", tests)
