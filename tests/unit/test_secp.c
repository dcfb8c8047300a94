/*
** test_secp.c: secp256k1 keys, signatures and recovery, Ethereum addresses
** and EIP-55 checksums, the EIP-191 personal_sign hash, and the u256 text
** conversions that addresses and values share.
**
** Vectors: EIP-55's examples (ethereum/EIPs EIPS/eip-55.md); the well-known
** anvil/hardhat dev key 0 and its address; a personal_sign and a raw-hash
** signature made by cast 1.7.1 (`cast wallet sign`), which RFC 6979 makes
** reproducible byte for byte.
*/
#include "mpavs/address.h"
#include "mpavs/secp.h"
#include "mpavs/u256.h"
#include "test.h"

static const char *const dev_key0 =
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

TEST(eip55_examples)
{
    static const char *const good[] = {
        "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        uint8_t a[20];
        char back[MP_ADDRESS_TEXT_LEN];
        mp_err e;
        CHECK_OK(mp_address_parse(a, good[i], &e), &e);
        CHECK(mp_address_is_checksummed(good[i]));
        mp_address_to_checksum(back, a);
        CHECK_STR(back, good[i]);
    }
}

TEST(address_parse_rejects)
{
    uint8_t a[20];
    mp_err e;
    /* One letter's case flipped breaks the checksum. */
    CHECK_RC(mp_address_parse(a, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", &e), MP_ERR_INVALID);
    CHECK(strstr(e.msg, "EIP-55") != NULL);
    CHECK(!mp_address_is_checksummed("0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));
    CHECK_RC(mp_address_parse(a, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea", &e), MP_ERR_INVALID);
    CHECK_RC(mp_address_parse(a, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaedff", &e),
             MP_ERR_INVALID);
    CHECK_RC(mp_address_parse(a, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg", &e), MP_ERR_INVALID);
    CHECK_RC(mp_address_parse(a, NULL, &e), MP_ERR_INVALID);
    CHECK_OK(mp_address_parse(a, "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", &e), &e);
    CHECK(!mp_address_is_zero(a));
}

TEST(dev_key_address)
{
    uint8_t sk[32], addr[20];
    char text[MP_ADDRESS_TEXT_LEN];
    mp_err e;
    mp_test_unhex(sk, 32, dev_key0);
    CHECK_OK(mp_secp_address(NULL, addr, sk, &e), &e);
    mp_address_to_checksum(text, addr);
    CHECK_STR(text, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
}

TEST(key_range)
{
    uint8_t sk[32] = {0};
    mp_err e;
    CHECK_RC(mp_secp_key_check(sk, &e), MP_ERR_INVALID); /* zero */
    mp_test_unhex(sk, 32, "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    CHECK_RC(mp_secp_key_check(sk, &e), MP_ERR_INVALID); /* n */
    uint8_t pub[64];
    CHECK_RC(mp_secp_pubkey(NULL, pub, sk, &e), MP_ERR_INVALID);
    sk[31] = 0x40; /* n - 1 */
    CHECK_OK(mp_secp_key_check(sk, &e), &e);
    CHECK_OK(mp_secp_key_generate(sk, &e), &e);
    CHECK_OK(mp_secp_key_check(sk, &e), &e);
    uint8_t sk2[32];
    CHECK_OK(mp_secp_key_generate(sk2, &e), &e);
    CHECK(memcmp(sk, sk2, 32) != 0);
}

TEST(personal_sign_matches_cast)
{
    uint8_t sk[32], h[32], want_h[32], sig[65], want[65], addr[20], me[20];
    mp_err e;
    mp_test_unhex(sk, 32, dev_key0);
    const char *msg = "hello mpavs";
    mp_secp_personal_hash(h, msg, strlen(msg));
    mp_test_unhex(want_h, 32, "acdbcf355840ee5db789f6824032d087f15e248eee5167fcef7312eb429e06a5");
    CHECK_MEM(h, want_h, 32);
    CHECK_OK(mp_secp_sign65(NULL, sig, h, sk, &e), &e);
    mp_test_unhex(want, 65,
                  "59865eb0c4c53b494a994e7942dfbfcd58666d5dcda7e81f1229fadf471f8db9122ca811b2cd438d"
                  "ec4cb8c3d230db4c875432f5bf1a9aed81bfc5fbb47d64651c");
    CHECK_MEM(sig, want, 65);
    CHECK_OK(mp_secp_recover_address65(addr, h, sig, &e), &e);
    CHECK_OK(mp_secp_address(NULL, me, sk, &e), &e);
    CHECK_MEM(addr, me, 20);
}

TEST(raw_hash_sign_matches_cast)
{
    uint8_t sk[32], h[32], sig[65], want[65];
    mp_err e;
    mp_secp *ctx;
    mp_test_unhex(sk, 32, dev_key0);
    memset(h, 0xab, 32);
    CHECK_OK(mp_secp_create(&ctx, &e), &e);
    CHECK_OK(mp_secp_sign65(ctx, sig, h, sk, &e), &e);
    mp_test_unhex(want, 65,
                  "43570731e0f9a639291f9a156d8e1399109df78824e8e560ced0e73de1beef732f943b789189f6c2"
                  "d79eaee15bf5a832bb7ac53da4cf0a71442a2c8ec376251f1c");
    CHECK_MEM(sig, want, 65);
    mp_secp_destroy(ctx);
}

TEST(sign_recover_random)
{
    mp_secp *ctx;
    mp_err e;
    CHECK_OK(mp_secp_create(&ctx, &e), &e);
    for (int i = 0; i < 20; i++) {
        uint8_t sk[32], h[32], sig[64], addr[20], got[20];
        int recid;
        CHECK_OK(mp_secp_key_generate(sk, &e), &e);
        mp_test_rand_bytes(mp_t, h, 32);
        CHECK_OK(mp_secp_address(ctx, addr, sk, &e), &e);
        CHECK_OK(mp_secp_sign(ctx, sig, &recid, h, sk, &e), &e);
        CHECK(recid == 0 || recid == 1);
        CHECK(sig[32] < 0x80); /* low s */
        CHECK_OK(mp_secp_recover_address(got, h, sig, recid, &e), &e);
        CHECK_MEM(got, addr, 20);
        /* The other recovery id, or another hash, names someone else. */
        if (mp_secp_recover_address(got, h, sig, 1 - recid, NULL) == MP_OK)
            CHECK(memcmp(got, addr, 20) != 0);
        h[0] ^= 1;
        if (mp_secp_recover_address(got, h, sig, recid, NULL) == MP_OK)
            CHECK(memcmp(got, addr, 20) != 0);
    }
    mp_secp_destroy(ctx);
}

TEST(recover_rejects)
{
    uint8_t h[32] = {1}, sig[65] = {0}, addr[20];
    mp_err e;
    CHECK_RC(mp_secp_recover_address(addr, h, sig, 0, &e), MP_ERR_VERIFY); /* r = s = 0 */
    CHECK_RC(mp_secp_recover_address(addr, h, sig, 7, &e), MP_ERR_VERIFY);
    memset(sig, 0xff, 64);
    sig[0] = 0x01;
    CHECK_RC(mp_secp_recover_address(addr, h, sig, 0, &e), MP_ERR_VERIFY); /* high s */
    CHECK(strstr(e.msg, "upper half") != NULL);
    sig[64] = 29;
    CHECK_RC(mp_secp_recover_address65(addr, h, sig, &e), MP_ERR_VERIFY);
    CHECK(strstr(e.msg, "v must be") != NULL);
}

TEST(u256_text)
{
    uint8_t v[32], w[32];
    char dec[MP_U256_DEC_MAX];
    mp_err e;
    const char *max =
        "115792089237316195423570985008687907853269984665640564039457584007913129639935";
    CHECK_OK(mp_u256_from_dec(v, max, &e), &e);
    for (int i = 0; i < 32; i++)
        CHECK(v[i] == 0xff);
    mp_u256_to_dec(dec, v);
    CHECK_STR(dec, max);
    mp_u256_to_dec_signed(dec, v);
    CHECK_STR(dec, "-1");
    CHECK_RC(
        mp_u256_from_dec(v,
                         "115792089237316195423570985008687907853269984665640564039457584007913"
                         "129639936",
                         &e),
        MP_ERR_INVALID);
    CHECK_RC(mp_u256_from_dec(v, "12a", &e), MP_ERR_INVALID);
    CHECK_RC(mp_u256_from_dec(v, "", &e), MP_ERR_INVALID);
    CHECK_RC(mp_u256_from_text(v, "0x", &e), MP_ERR_INVALID);
    CHECK_OK(mp_u256_from_text(v, "0x10", &e), &e);
    mp_u256_from_u64(w, 16);
    CHECK(mp_u256_cmp(v, w) == 0);
    uint64_t x;
    CHECK(mp_u256_to_u64(&x, w) && x == 16);
    w[0] = 1;
    CHECK(!mp_u256_to_u64(&x, w));
    CHECK(mp_u256_cmp(v, w) < 0);
    mp_u256_from_u64(v, 0);
    mp_u256_to_dec(dec, v);
    CHECK_STR(dec, "0");
}

static const mp_test_case tests[] = {
    MP_TEST(eip55_examples),
    MP_TEST(address_parse_rejects),
    MP_TEST(dev_key_address),
    MP_TEST(key_range),
    MP_TEST(personal_sign_matches_cast),
    MP_TEST(raw_hash_sign_matches_cast),
    MP_TEST(sign_recover_random),
    MP_TEST(recover_rejects),
    MP_TEST(u256_text),
};

MP_TEST_MAIN("secp", tests)
