/*
** test_ethheader.c: JSON block headers re-encoded in RLP hash to the block
** hash (an anvil Osaka block with every fork field), and tampered, missing,
** malformed or out-of-order fields are refused with the right class.
*/
#include "mpavs/ethheader.h"
#include "mpavs/hex.h"
#include "test.h"

#include <stdlib.h>

static json_t *load_block(void)
{
    size_t len;
    uint8_t *text = mp_test_slurp("tests/vectors/eth/anvil_osaka_block1.json", &len);
    json_t *b = json_loadb((const char *)text, len, 0, NULL);
    free(text);
    return b;
}

TEST(header_hash_matches)
{
    json_t *b = load_block();
    mp_eth_header h;
    mp_err e;
    CHECK_OK(mp_eth_header_check(&h, b, &e), &e);
    uint8_t want[32];
    mp_test_unhex(want, 32, "7fe5b6c2fe74062b26f00a3433116046df6c1268c2fc08c0772da38d583427b4");
    CHECK(h.number == 1 && memcmp(h.hash, want, 32) == 0);
    CHECK(h.timestamp == 0x6b0f778a && h.state_root[0] == 0x32 && h.parent_hash[0] == 0xfe);
    json_decref(b);
}

TEST(header_tampered)
{
    json_t *b = load_block();
    mp_eth_header h;
    mp_err e;
    json_object_set_new(b, "stateRoot",
                        json_string("0x428d44e5c8dd631bf158b3a0c89e58e82ed04fc2343"
                                    "dda44ff47a61f684ff03f"));
    CHECK_RC(mp_eth_header_check(&h, b, &e), MP_ERR_VERIFY);
    CHECK(strstr(e.msg, "block 1") != NULL);
    json_decref(b);
}

TEST(header_malformed)
{
    struct {
        const char *key;
        const char *value; /* NULL: delete */
        const char *want;
    } cases[] = {
        {"miner", NULL, "miner is missing"},
        {"gasUsed", "0x00", "gasUsed is not a quantity"},
        {"gasUsed", "12", "gasUsed is not a quantity"},
        {"nonce", "0x00", "nonce"},
        {"withdrawalsRoot", NULL, "header has blobGasUsed but not withdrawalsRoot"},
        {"extraData", "0xzz", "extraData"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *b = load_block();
        if (cases[i].value)
            json_object_set_new(b, cases[i].key, json_string(cases[i].value));
        else
            json_object_del(b, cases[i].key);
        mp_eth_header h;
        mp_err e;
        CHECK_RC(mp_eth_header_check(&h, b, &e), MP_ERR_PARSE);
        CHECK(strstr(e.msg, cases[i].want) != NULL);
        json_decref(b);
    }
    mp_err e;
    mp_eth_header h;
    json_t *arr = json_array();
    CHECK_RC(mp_eth_header_check(&h, arr, &e), MP_ERR_PARSE);
    json_decref(arr);
}

TEST(header_older_fork)
{
    /* without the Prague field the header is shorter, and hashes differently */
    json_t *b = load_block();
    json_object_del(b, "requestsHash");
    uint8_t h1[32], h2[32];
    mp_err e;
    CHECK_OK(mp_eth_header_hash(h1, b, &e), &e);
    json_decref(b);
    b = load_block();
    CHECK_OK(mp_eth_header_hash(h2, b, &e), &e);
    CHECK(memcmp(h1, h2, 32) != 0);
    json_decref(b);
}

static const mp_test_case cases[] = {
    MP_TEST(header_hash_matches),
    MP_TEST(header_tampered),
    MP_TEST(header_malformed),
    MP_TEST(header_older_fork),
};

MP_TEST_MAIN("ethheader", cases)
