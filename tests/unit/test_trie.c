/*
** test_trie.c: Merkle-Patricia trie roots against published roots and proof
** walking over hand-built proofs (present, absent, tampered).
*/
#include "mpavs/hex.h"
#include "mpavs/keccak.h"
#include "mpavs/rlp.h"
#include "mpavs/trie.h"
#include "test.h"

#include <stdlib.h>

static mp_trie_kv kv_str(const char *k, const char *v)
{
    return (mp_trie_kv){(const uint8_t *)k, strlen(k), (const uint8_t *)v, strlen(v)};
}

TEST(trie_empty_root)
{
    uint8_t root[32], want[32];
    mp_keccak256(want, "\x80", 1);
    CHECK_OK(mp_trie_root(root, NULL, 0, NULL), NULL);
    CHECK(memcmp(root, want, 32) == 0);
}

TEST(trie_known_roots)
{
    /* ethereum/tests TrieTests/trieanyorder.json "dogs" and "puppy". */
    mp_trie_kv dogs[] = {kv_str("doe", "reindeer"), kv_str("dog", "puppy"),
                         kv_str("dogglesworth", "cat")};
    uint8_t root[32], want[32];
    mp_err err;
    CHECK_OK(mp_trie_root(root, dogs, 3, &err), &err);
    mp_test_unhex(want, 32, "8aad789dff2f538bca5d8ea56e8abe10f4c7ba3a5dea95fea4cd6e7c3a1168d3");
    CHECK(memcmp(root, want, 32) == 0);
    mp_trie_kv puppy[] = {kv_str("do", "verb"), kv_str("horse", "stallion"),
                          kv_str("doge", "coin"), kv_str("dog", "puppy")};
    CHECK_OK(mp_trie_root(root, puppy, 4, &err), &err);
    mp_test_unhex(want, 32, "5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84");
    CHECK(memcmp(root, want, 32) == 0);
}

TEST(trie_rejects_duplicates_and_empty)
{
    mp_trie_kv dup[] = {kv_str("a", "1"), kv_str("a", "2")};
    uint8_t root[32];
    CHECK_RC(mp_trie_root(root, dup, 2, NULL), MP_ERR_INVALID);
    mp_trie_kv empty[] = {kv_str("a", "")};
    CHECK_RC(mp_trie_root(root, empty, 1, NULL), MP_ERR_INVALID);
}

/* A leaf node [hp(nibbles from `from`, leaf), value] for a 32-byte key. */
static void leaf(mp_buf *b, const uint8_t key[32], size_t from, const uint8_t *val, size_t vlen)
{
    uint8_t hp[34];
    size_t n = 64 - from, k = 0, i = from;
    if (n & 1) {
        hp[k++] = (uint8_t)(0x30 | (key[i / 2] & 15));
        i++;
    } else {
        hp[k++] = 0x20;
    }
    for (; i < 64; i += 2)
        hp[k++] = key[i / 2];
    size_t mark = mp_rlp_list_begin(b);
    mp_rlp_put_bytes(b, hp, k);
    mp_rlp_put_bytes(b, val, vlen);
    mp_rlp_list_end(b, mark);
}

TEST(trie_proofs)
{
    /* Two 32-byte keys differing in the first nibble: a branch with two leaves. */
    uint8_t k1[32], k2[32], k3[32], v1[40], v2[40];
    memset(k1, 0x11, 32);
    memset(k2, 0x22, 32);
    memset(k3, 0x33, 32);
    memset(v1, 0xa1, sizeof v1);
    memset(v2, 0xb2, sizeof v2);
    mp_trie_kv kv[] = {{k1, 32, v1, sizeof v1}, {k2, 32, v2, sizeof v2}};
    uint8_t root[32];
    mp_err err;
    CHECK_OK(mp_trie_root(root, kv, 2, &err), &err);
    mp_buf l1 = MP_BUF_INIT, l2 = MP_BUF_INIT, br = MP_BUF_INIT, val = MP_BUF_INIT;
    leaf(&l1, k1, 1, v1, sizeof v1);
    leaf(&l2, k2, 1, v2, sizeof v2);
    uint8_t h1[32], h2[32];
    mp_keccak256(h1, l1.data, l1.len);
    mp_keccak256(h2, l2.data, l2.len);
    size_t mark = mp_rlp_list_begin(&br);
    for (int i = 0; i < 16; i++)
        mp_rlp_put_bytes(&br, i == 1 ? h1 : i == 2 ? h2 : NULL, i == 1 || i == 2 ? 32 : 0);
    mp_rlp_put_bytes(&br, NULL, 0);
    mp_rlp_list_end(&br, mark);
    uint8_t hb[32];
    mp_keccak256(hb, br.data, br.len);
    CHECK(memcmp(hb, root, 32) == 0); /* our root is the hand-built branch */

    const uint8_t *nodes[2] = {br.data, l1.data};
    size_t lens[2] = {br.len, l1.len};
    bool found = false;
    CHECK_OK(mp_trie_proof_get(root, k1, 32, nodes, lens, 2, &found, &val, &err), &err);
    CHECK(found && val.len == sizeof v1 && memcmp(val.data, v1, sizeof v1) == 0);
    /* k3 ends at an empty branch slot: absent with the branch alone. */
    val.len = 0;
    CHECK_OK(mp_trie_proof_get(root, k3, 32, nodes, lens, 1, &found, &val, &err), &err);
    CHECK(!found && val.len == 0);
    /* k2 needs its leaf: a proof without it cannot decide. */
    CHECK_RC(mp_trie_proof_get(root, k2, 32, nodes, lens, 1, &found, &val, &err),
             MP_ERR_VERIFY);
    /* The wrong leaf under k2's reference does not hash to it. */
    CHECK_RC(mp_trie_proof_get(root, k2, 32, nodes, lens, 2, &found, &val, &err),
             MP_ERR_VERIFY);
    /* A tampered branch fails at the root. */
    br.data[br.len - 2] ^= 1;
    CHECK_RC(mp_trie_proof_get(root, k1, 32, nodes, lens, 2, &found, &val, &err),
             MP_ERR_VERIFY);
    mp_buf_free(&l1);
    mp_buf_free(&l2);
    mp_buf_free(&br);
    mp_buf_free(&val);
}

TEST(trie_list_root)
{
    /* An empty list has the empty root; one item equals the root of key rlp(0) = 0x80. */
    uint8_t root[32], want[32];
    CHECK_OK(mp_trie_list_root(root, NULL, NULL, 0, NULL), NULL);
    CHECK(memcmp(root, MP_TRIE_EMPTY_ROOT, 32) == 0);
    const uint8_t item[] = "receipt";
    const uint8_t *items[1] = {item};
    size_t lens[1] = {7};
    CHECK_OK(mp_trie_list_root(root, items, lens, 1, NULL), NULL);
    mp_trie_kv kv = {(const uint8_t *)"\x80", 1, item, 7};
    CHECK_OK(mp_trie_root(want, &kv, 1, NULL), NULL);
    CHECK(memcmp(root, want, 32) == 0);
}

static const mp_test_case tests[] = {
    MP_TEST(trie_empty_root),  MP_TEST(trie_known_roots), MP_TEST(trie_rejects_duplicates_and_empty),
    MP_TEST(trie_proofs),      MP_TEST(trie_list_root),
};

MP_TEST_MAIN("trie", tests)
