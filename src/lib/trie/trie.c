/*
** trie.c: Merkle-Patricia trie roots built in one pass over the sorted keys
** (no node store: every root is recomputed from the full set, which is what
** state tests and block re-execution need), and proof walking.
*/
#include "mpavs/trie.h"

#include <stdlib.h>
#include <string.h>

#include "mpavs/keccak.h"
#include "mpavs/rlp.h"

const uint8_t MP_TRIE_EMPTY_ROOT[32] = {
    0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45, 0xe6, 0x92, 0xc0, 0xf8, 0x6e,
    0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c, 0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21};

static unsigned nib(const uint8_t *key, size_t i)
{
    return (i & 1) ? key[i / 2] & 15 : key[i / 2] >> 4;
}

static int kv_cmp(const void *pa, const void *pb)
{
    const mp_trie_kv *a = pa, *b = pb;
    size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
    int c = n ? memcmp(a->key, b->key, n) : 0;
    if (c)
        return c;
    return (a->key_len > b->key_len) - (a->key_len < b->key_len);
}

/* Hex-prefix encoding of nibbles [from, to) of key. */
static void put_hp(mp_buf *b, const uint8_t *key, size_t from, size_t to, bool leaf)
{
    uint8_t tmp[260];
    size_t n = to - from, k = 0;
    unsigned flag = (leaf ? 2u : 0u) | (n & 1);
    size_t i = from;
    if (n & 1)
        tmp[k++] = (uint8_t)((flag << 4) | nib(key, i++));
    else
        tmp[k++] = (uint8_t)(flag << 4);
    for (; i < to; i += 2)
        tmp[k++] = (uint8_t)((nib(key, i) << 4) | nib(key, i + 1));
    mp_rlp_put_bytes(b, tmp, k);
}

/* Receives every hashed node while a root is built (NULL: nobody asked). */
typedef struct collect {
    mp_trie_node_fn fn;
    void *ctx;
} collect;

static void build(mp_buf *out, const mp_trie_kv *kv, size_t n, size_t depth, const collect *c);

/* Appends the reference to a node: the node itself when shorter than 32
 * bytes, else its hash. */
static void put_ref(mp_buf *out, const mp_trie_kv *kv, size_t n, size_t depth, const collect *c)
{
    mp_buf node = MP_BUF_INIT;
    build(&node, kv, n, depth, c);
    if (node.oom) {
        out->oom = true;
    } else if (node.len < 32) {
        mp_buf_append(out, node.data, node.len);
    } else {
        uint8_t h[32];
        mp_keccak256(h, node.data, node.len);
        mp_rlp_put_bytes(out, h, 32);
        if (c)
            c->fn(c->ctx, node.data, node.len);
    }
    mp_buf_free(&node);
}

static void build(mp_buf *out, const mp_trie_kv *kv, size_t n, size_t depth, const collect *c)
{
    size_t mark = mp_rlp_list_begin(out);
    if (n == 1) {
        put_hp(out, kv[0].key, depth, 2 * kv[0].key_len, true);
        mp_rlp_put_bytes(out, kv[0].val, kv[0].val_len);
        mp_rlp_list_end(out, mark);
        return;
    }
    /* Sorted keys: the common prefix of all is that of the first and last. */
    size_t end = 2 * kv[0].key_len, lend = 2 * kv[n - 1].key_len, cp = depth;
    while (cp < end && cp < lend && nib(kv[0].key, cp) == nib(kv[n - 1].key, cp))
        cp++;
    if (cp > depth) {
        put_hp(out, kv[0].key, depth, cp, false);
        put_ref(out, kv, n, cp, c);
        mp_rlp_list_end(out, mark);
        return;
    }
    size_t i = 0;
    const mp_trie_kv *here = NULL;
    if (2 * kv[0].key_len == depth)
        here = &kv[i++];
    for (unsigned slot = 0; slot < 16; slot++) {
        size_t j = i;
        while (j < n && nib(kv[j].key, depth) == slot)
            j++;
        if (j > i)
            put_ref(out, kv + i, j - i, depth + 1, c);
        else
            mp_rlp_put_bytes(out, NULL, 0);
        i = j;
    }
    mp_rlp_put_bytes(out, here ? here->val : NULL, here ? here->val_len : 0);
    mp_rlp_list_end(out, mark);
}

static int root_of(uint8_t root[32], mp_trie_kv *kv, size_t n, const collect *c, mp_err *err)
{
    if (n == 0) {
        memcpy(root, MP_TRIE_EMPTY_ROOT, 32);
        return MP_OK;
    }
    qsort(kv, n, sizeof *kv, kv_cmp);
    for (size_t i = 0; i < n; i++) {
        if (kv[i].val_len == 0)
            return MP_FAIL(err, MP_ERR_INVALID, "trie: empty value for key %zu", i);
        if (kv[i].key_len > 256)
            return MP_FAIL(err, MP_ERR_INVALID, "trie: key longer than 256 bytes");
        if (i && kv_cmp(&kv[i - 1], &kv[i]) == 0)
            return MP_FAIL(err, MP_ERR_INVALID, "trie: duplicate key");
    }
    mp_buf node = MP_BUF_INIT;
    build(&node, kv, n, 0, c);
    int rc = mp_buf_check(&node, err);
    if (rc == MP_OK) {
        mp_keccak256(root, node.data, node.len);
        if (c)
            c->fn(c->ctx, node.data, node.len);
    }
    mp_buf_free(&node);
    return rc;
}

int mp_trie_root(uint8_t root[32], mp_trie_kv *kv, size_t n, mp_err *err)
{
    return root_of(root, kv, n, NULL, err);
}

int mp_trie_root_nodes(uint8_t root[32], mp_trie_kv *kv, size_t n, mp_trie_node_fn fn, void *ctx,
                       mp_err *err)
{
    collect c = {fn, ctx};
    return root_of(root, kv, n, &c, err);
}

int mp_trie_list_root(uint8_t root[32], const uint8_t *const *items, const size_t *lens, size_t n,
                      mp_err *err)
{
    mp_trie_kv *kv = calloc(n ? n : 1, sizeof *kv);
    uint8_t(*keys)[9] = calloc(n ? n : 1, sizeof *keys);
    int rc = MP_OK;
    if (!kv || !keys) {
        rc = MP_FAIL(err, MP_ERR_NOMEM, "trie: out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        mp_buf k = MP_BUF_INIT;
        mp_rlp_put_u64(&k, i);
        if (k.oom || k.len > sizeof keys[i]) {
            mp_buf_free(&k);
            rc = MP_FAIL(err, MP_ERR_NOMEM, "trie: out of memory");
            goto done;
        }
        memcpy(keys[i], k.data, k.len);
        kv[i].key = keys[i];
        kv[i].key_len = k.len;
        mp_buf_free(&k);
        kv[i].val = items[i];
        kv[i].val_len = lens[i];
    }
    rc = mp_trie_root(root, kv, n, err);
done:
    free(kv);
    free(keys);
    return rc;
}

/* Decodes hex-prefix nibbles into out (at most 64 + 1); returns the count. */
static int hp_decode(const mp_rlp_item *it, uint8_t *out, bool *leaf, mp_err *err)
{
    if (it->is_list || it->len == 0 || it->len > 33)
        return MP_FAIL(err, MP_ERR_PARSE, "trie proof: bad path in node");
    unsigned flag = it->payload[0] >> 4;
    if (flag > 3)
        return MP_FAIL(err, MP_ERR_PARSE, "trie proof: bad path flag %u", flag);
    *leaf = flag >= 2;
    int k = 0;
    if (flag & 1)
        out[k++] = it->payload[0] & 15;
    for (size_t i = 1; i < it->len; i++) {
        out[k++] = it->payload[i] >> 4;
        out[k++] = it->payload[i] & 15;
    }
    return k;
}

int mp_trie_proof_get(const uint8_t root[32], const uint8_t *key, size_t key_len,
                      const uint8_t *const *nodes, const size_t *node_lens, size_t n, bool *found,
                      mp_buf *val, mp_err *err)
{
    if (key_len > 32)
        return MP_FAIL(err, MP_ERR_INVALID, "trie proof: key longer than 32 bytes");
    *found = false;
    size_t depth = 0, kn = 2 * key_len, steps = 0;
    /* ref: either a 32-byte hash the next node must have, or an embedded node. */
    uint8_t want[32];
    memcpy(want, root, 32);
    const uint8_t *emb = NULL;
    size_t emb_len = 0;
    for (;;) {
        const uint8_t *node;
        size_t len;
        if (emb) {
            node = emb;
            len = emb_len;
            emb = NULL;
        } else {
            /* Any order: the node is the one with the wanted hash. */
            node = NULL;
            len = 0;
            for (size_t i = 0; i < n && !node; i++) {
                uint8_t h[32];
                mp_keccak256(h, nodes[i], node_lens[i]);
                if (!memcmp(h, want, 32)) {
                    node = nodes[i];
                    len = node_lens[i];
                }
            }
            if (!node)
                return MP_FAIL(err, MP_ERR_VERIFY,
                               "trie proof: no node for the reference at nibble %zu", depth);
        }
        if (++steps > 2 * 64 + 2)
            return MP_FAIL(err, MP_ERR_VERIFY, "trie proof: path does not advance");
        mp_rlp_item it, items[17];
        MP_TRY(mp_rlp_decode(&it, node, len, err));
        const uint8_t *cur = it.payload;
        size_t left = it.len, cnt = 0;
        if (!it.is_list)
            return MP_FAIL(err, MP_ERR_PARSE, "trie proof: node is not a list");
        while (left > 0 && cnt < 17)
            MP_TRY(mp_rlp_next(&items[cnt++], &cur, &left, err));
        if (left > 0 || (cnt != 2 && cnt != 17))
            return MP_FAIL(err, MP_ERR_PARSE, "trie proof: node with %zu items", cnt);
        const mp_rlp_item *next;
        if (cnt == 17) {
            if (depth == kn) {
                if (items[16].len)
                    *found = true;
                return mp_buf_append(val, items[16].payload, items[16].len) == MP_OK
                           ? MP_OK
                           : MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
            }
            next = &items[nib(key, depth++)];
        } else {
            uint8_t path[66];
            bool leaf = false;
            int pn = hp_decode(&items[0], path, &leaf, err);
            if (pn < 0)
                return pn;
            if ((size_t)pn > kn - depth)
                return MP_OK; /* diverges: absent */
            for (int i = 0; i < pn; i++)
                if (path[i] != nib(key, depth + (size_t)i))
                    return MP_OK;
            depth += (size_t)pn;
            if (leaf) {
                if (depth != kn)
                    return MP_OK;
                *found = true;
                return mp_buf_append(val, items[1].payload, items[1].len) == MP_OK
                           ? MP_OK
                           : MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
            }
            next = &items[1];
        }
        if (next->is_list) {
            emb = next->raw;
            emb_len = next->raw_len;
        } else if (next->len == 0) {
            return MP_OK; /* empty slot: absent */
        } else if (next->len == 32) {
            memcpy(want, next->payload, 32);
        } else {
            return MP_FAIL(err, MP_ERR_PARSE, "trie proof: reference of %zu bytes", next->len);
        }
    }
}

int mp_trie_proof_account(const uint8_t state_root[32], const uint8_t addr[20],
                          const uint8_t *const *nodes, const size_t *node_lens, size_t n,
                          bool *found, mp_trie_account *acct, mp_err *err)
{
    uint8_t key[32];
    mp_buf val = MP_BUF_INIT;
    mp_keccak256(key, addr, 20);
    memset(acct, 0, sizeof *acct);
    memcpy(acct->storage_root, MP_TRIE_EMPTY_ROOT, 32);
    mp_keccak256(acct->code_hash, "", 0);
    int rc = mp_trie_proof_get(state_root, key, 32, nodes, node_lens, n, found, &val, err);
    if (rc != MP_OK || !*found)
        goto done;
    mp_rlp_item list, f[4];
    if ((rc = mp_rlp_decode(&list, val.data, val.len, err)) != MP_OK ||
        (rc = mp_rlp_list_items(&list, f, 4, "account", err)) != MP_OK ||
        (rc = mp_rlp_to_u64(&f[0], &acct->nonce, err)) != MP_OK ||
        (rc = mp_rlp_to_uint_be(&f[1], acct->balance, 32, err)) != MP_OK)
        goto done;
    if (f[2].is_list || f[2].len != 32 || f[3].is_list || f[3].len != 32) {
        rc = MP_FAIL(err, MP_ERR_PARSE, "account: storage root or code hash is not 32 bytes");
        goto done;
    }
    memcpy(acct->storage_root, f[2].payload, 32);
    memcpy(acct->code_hash, f[3].payload, 32);
done:
    mp_buf_free(&val);
    return rc;
}

int mp_trie_proof_storage(const uint8_t storage_root[32], const uint8_t slot[32],
                          const uint8_t *const *nodes, const size_t *node_lens, size_t n,
                          uint8_t value[32], mp_err *err)
{
    uint8_t key[32];
    bool found;
    mp_buf val = MP_BUF_INIT;
    mp_keccak256(key, slot, 32);
    memset(value, 0, 32);
    int rc = mp_trie_proof_get(storage_root, key, 32, nodes, node_lens, n, &found, &val, err);
    if (rc == MP_OK && found) {
        mp_rlp_item it;
        rc = mp_rlp_decode(&it, val.data, val.len, err);
        if (rc == MP_OK)
            rc = mp_rlp_to_uint_be(&it, value, 32, err);
    }
    mp_buf_free(&val);
    return rc;
}
