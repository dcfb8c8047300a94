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
    mp_trie_kv puppy[] = {kv_str("do", "verb"), kv_str("horse", "stallion"), kv_str("doge", "coin"),
                          kv_str("dog", "puppy")};
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
    CHECK_RC(mp_trie_proof_get(root, k2, 32, nodes, lens, 1, &found, &val, &err), MP_ERR_VERIFY);
    /* The wrong leaf under k2's reference does not hash to it. */
    CHECK_RC(mp_trie_proof_get(root, k2, 32, nodes, lens, 2, &found, &val, &err), MP_ERR_VERIFY);
    /* A tampered branch fails at the root. */
    br.data[br.len - 2] ^= 1;
    CHECK_RC(mp_trie_proof_get(root, k1, 32, nodes, lens, 2, &found, &val, &err), MP_ERR_VERIFY);
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

/* ---- partial trie: a model map, random operations, roots compared ---- */

#define PK_MAX 64

typedef struct model {
    uint8_t key[PK_MAX][32];
    size_t klen[PK_MAX];
    uint8_t val[PK_MAX][40];
    size_t vlen[PK_MAX];
    bool live[PK_MAX];
} model;

static void model_root(mp_test_ctx *mp_t, const model *m, uint8_t root[32])
{
    mp_trie_kv kv[PK_MAX];
    size_t n = 0;
    for (int i = 0; i < PK_MAX; i++)
        if (m->live[i])
            kv[n++] = (mp_trie_kv){m->key[i], m->klen[i], m->val[i], m->vlen[i]};
    CHECK_OK(mp_trie_root(root, kv, n, NULL), NULL);
}

/* Keys share prefixes often (few distinct first bytes, short lengths) so
 * branches with values, extensions and collapses all occur. */
static void rand_key(mp_test_ctx *mp_t, model *m, int i, bool fixed32)
{
    bool dup;
    do {
        m->klen[i] = fixed32 ? 32 : 1 + mp_test_rand(mp_t) % 4;
        mp_test_rand_bytes(mp_t, m->key[i], m->klen[i]);
        m->key[i][0] &= 0x31;
        if (m->klen[i] > 1)
            m->key[i][1] &= 0x13;
        dup = false;
        for (int j = 0; j < i; j++) /* distinct keys */
            dup |= m->klen[j] == m->klen[i] && !memcmp(m->key[j], m->key[i], m->klen[i]);
    } while (dup);
}

static void rand_val(mp_test_ctx *mp_t, model *m, int i)
{
    m->vlen[i] = 1 + mp_test_rand(mp_t) % 40;
    mp_test_rand_bytes(mp_t, m->val[i], m->vlen[i]);
}

TEST(trie_partial_matches_full_roots)
{
    for (int round = 0; round < 20; round++) {
        static model m;
        memset(&m, 0, sizeof m);
        bool fixed32 = round % 2;
        for (int i = 0; i < PK_MAX; i++)
            rand_key(mp_t, &m, i, fixed32);
        mp_trie_partial *t = NULL;
        CHECK_OK(mp_trie_partial_new(&t, MP_TRIE_EMPTY_ROOT, NULL), NULL);
        for (int op = 0; op < 300; op++) {
            int i = (int)(mp_test_rand(mp_t) % PK_MAX);
            bool del = m.live[i] && mp_test_rand(mp_t) % 3 == 0;
            if (del) {
                m.live[i] = false;
                CHECK_OK(mp_trie_partial_put(t, m.key[i], m.klen[i], NULL, 0, NULL, NULL), NULL);
            } else {
                rand_val(mp_t, &m, i);
                m.live[i] = true;
                CHECK_OK(
                    mp_trie_partial_put(t, m.key[i], m.klen[i], m.val[i], m.vlen[i], NULL, NULL),
                    NULL);
            }
            uint8_t want[32], got[32];
            model_root(mp_t, &m, want);
            CHECK_OK(mp_trie_partial_root(t, got, NULL), NULL);
            if (memcmp(want, got, 32) != 0) {
                CHECK(!"partial root differs from the full root");
                op = 300, round = 20;
            }
        }
        mp_trie_partial_free(t);
    }
}

typedef struct node_set {
    mp_buf nodes[4096];
    size_t n;
} node_set;

static void keep_node(void *ctx, const uint8_t *rlp, size_t len)
{
    node_set *s = ctx;
    if (s->n < 4096)
        mp_buf_append(&s->nodes[s->n++], rlp, len);
}

/* Adds the node a MISSING answer asks for; false if it is not a node of the trie. */
static bool supply(mp_trie_partial *t, const node_set *s, const mp_trie_missing *miss)
{
    for (size_t i = 0; i < s->n; i++) {
        uint8_t h[32];
        mp_keccak256(h, s->nodes[i].data, s->nodes[i].len);
        if (!memcmp(h, miss->hash, 32))
            return mp_trie_partial_add_node(t, s->nodes[i].data, s->nodes[i].len, NULL) == MP_OK;
    }
    return false;
}

TEST(trie_partial_asks_for_missing_nodes)
{
    static model m;
    static node_set ns;
    memset(&m, 0, sizeof m);
    memset(&ns, 0, sizeof ns);
    for (int i = 0; i < PK_MAX; i++) {
        rand_key(mp_t, &m, i, true);
        rand_val(mp_t, &m, i);
        m.live[i] = i < PK_MAX / 2;
    }
    mp_trie_kv kv[PK_MAX];
    size_t n = 0;
    for (int i = 0; i < PK_MAX; i++)
        if (m.live[i])
            kv[n++] = (mp_trie_kv){m.key[i], m.klen[i], m.val[i], m.vlen[i]};
    uint8_t root[32], got[32], want[32];
    CHECK_OK(mp_trie_root_nodes(root, kv, n, keep_node, &ns, NULL), NULL);
    mp_trie_partial *t = NULL;
    CHECK_OK(mp_trie_partial_new(&t, root, NULL), NULL);
    /* Nothing known yet: a lookup asks for the root node at the empty path. */
    bool found;
    mp_buf val = MP_BUF_INIT;
    mp_trie_missing miss;
    mp_err err;
    CHECK_RC(mp_trie_partial_get(t, m.key[0], 32, &found, &val, &miss, &err), MP_ERR_NOTFOUND);
    CHECK(miss.path_len == 0 && !memcmp(miss.hash, root, 32));
    int asked = 0;
    for (int op = 0; op < 200; op++) {
        int i = (int)(mp_test_rand(mp_t) % PK_MAX);
        int kind = (int)(mp_test_rand(mp_t) % 3); /* get, put, delete */
        if (kind == 1)
            rand_val(mp_t, &m, i);
        for (int tries = 0; tries < 70; tries++) {
            int rc;
            val.len = 0;
            if (kind == 0)
                rc = mp_trie_partial_get(t, m.key[i], 32, &found, &val, &miss, &err);
            else if (kind == 1)
                rc = mp_trie_partial_put(t, m.key[i], 32, m.val[i], m.vlen[i], &miss, &err);
            else
                rc = mp_trie_partial_put(t, m.key[i], 32, NULL, 0, &miss, &err);
            if (rc == MP_OK)
                break;
            CHECK(rc == MP_TRIE_ERR_MISSING);
            /* the node asked for must be a real node of the original trie */
            CHECK(supply(t, &ns, &miss));
            asked++;
        }
        if (kind == 0)
            CHECK(found == m.live[i] &&
                  (!found || (val.len == m.vlen[i] && !memcmp(val.data, m.val[i], val.len))));
        else
            m.live[i] = kind == 1;
        model_root(mp_t, &m, want);
        CHECK_OK(mp_trie_partial_root(t, got, NULL), NULL);
        CHECK(!memcmp(want, got, 32));
    }
    CHECK(asked > 0 && (size_t)asked <= ns.n);
    mp_trie_partial_free(t);
    mp_buf_free(&val);
    for (size_t i = 0; i < ns.n; i++)
        mp_buf_free(&ns.nodes[i]);
}

static const mp_test_case tests[] = {
    MP_TEST(trie_empty_root),
    MP_TEST(trie_known_roots),
    MP_TEST(trie_rejects_duplicates_and_empty),
    MP_TEST(trie_proofs),
    MP_TEST(trie_list_root),
    MP_TEST(trie_partial_matches_full_roots),
    MP_TEST(trie_partial_asks_for_missing_nodes),
};

MP_TEST_MAIN("trie", tests)
