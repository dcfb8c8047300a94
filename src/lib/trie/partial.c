/*
** partial.c: a Merkle-Patricia trie known only through some of its nodes
** (the nodes of eth_getProof answers, a block witness): lookups, inserts,
** updates and deletes on the decoded nodes, a root recomputed from them, and
** a precise request (hash and path) for any node an operation needs but was
** not given. Unknown subtrees stay as their hash and are never guessed.
**
** Tuned for witness-sized tries (thousands of nodes): the node store is an
** open-addressing table by hash; the root is recomputed on demand.
*/
#include "mpavs/trie.h"

#include <stdlib.h>
#include <string.h>

#include "mpavs/keccak.h"
#include "mpavs/rlp.h"

enum { N_LEAF = 1, N_EXT, N_BRANCH, N_HASH };

typedef struct pnode {
    int kind;
    uint8_t path[64]; /* leaf/extension nibbles */
    size_t plen;
    uint8_t *val; /* leaf value, branch value (NULL: none) */
    size_t vlen;
    struct pnode *child;    /* extension */
    struct pnode *kids[16]; /* branch */
    uint8_t hash[32];       /* unresolved reference */
} pnode;

typedef struct stored {
    uint8_t hash[32];
    uint8_t *rlp;
    size_t len;
} stored;

struct mp_trie_partial {
    pnode *root; /* NULL: empty trie */
    stored *store;
    size_t cap, n;
};

static void node_free(pnode *n)
{
    if (!n)
        return;
    free(n->val);
    node_free(n->child);
    for (int i = 0; i < 16; i++)
        node_free(n->kids[i]);
    free(n);
}

static pnode *node_new(int kind)
{
    pnode *n = calloc(1, sizeof *n);
    if (n)
        n->kind = kind;
    return n;
}

int mp_trie_partial_new(mp_trie_partial **out, const uint8_t root[32], mp_err *err)
{
    mp_trie_partial *t = calloc(1, sizeof *t);
    if (!t)
        return MP_FAIL(err, MP_ERR_NOMEM, "trie: out of memory");
    if (memcmp(root, MP_TRIE_EMPTY_ROOT, 32) != 0) {
        t->root = node_new(N_HASH);
        if (!t->root) {
            free(t);
            return MP_FAIL(err, MP_ERR_NOMEM, "trie: out of memory");
        }
        memcpy(t->root->hash, root, 32);
    }
    *out = t;
    return MP_OK;
}

void mp_trie_partial_free(mp_trie_partial *t)
{
    if (!t)
        return;
    node_free(t->root);
    for (size_t i = 0; i < t->cap; i++)
        free(t->store[i].rlp);
    free(t->store);
    free(t);
}

static size_t slot_of(const uint8_t h[32], size_t cap)
{
    uint64_t v;
    memcpy(&v, h, 8);
    return (size_t)v & (cap - 1);
}

static const stored *store_find(const mp_trie_partial *t, const uint8_t h[32])
{
    if (!t->cap)
        return NULL;
    for (size_t k = slot_of(h, t->cap); t->store[k].rlp; k = (k + 1) & (t->cap - 1))
        if (!memcmp(t->store[k].hash, h, 32))
            return &t->store[k];
    return NULL;
}

static bool store_grow(mp_trie_partial *t)
{
    size_t ncap = t->cap ? 2 * t->cap : 64;
    stored *s = calloc(ncap, sizeof *s);
    if (!s)
        return false;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->store[i].rlp)
            continue;
        size_t k = slot_of(t->store[i].hash, ncap);
        while (s[k].rlp)
            k = (k + 1) & (ncap - 1);
        s[k] = t->store[i];
    }
    free(t->store);
    t->store = s;
    t->cap = ncap;
    return true;
}

int mp_trie_partial_add_node(mp_trie_partial *t, const uint8_t *rlp, size_t len, mp_err *err)
{
    if (len == 0)
        return MP_FAIL(err, MP_ERR_PARSE, "trie: empty node");
    uint8_t h[32];
    mp_keccak256(h, rlp, len);
    if (store_find(t, h))
        return MP_OK;
    if (2 * (t->n + 1) > t->cap && !store_grow(t))
        return MP_FAIL(err, MP_ERR_NOMEM, "trie: out of memory");
    uint8_t *copy = malloc(len);
    if (!copy)
        return MP_FAIL(err, MP_ERR_NOMEM, "trie: out of memory");
    memcpy(copy, rlp, len);
    size_t k = slot_of(h, t->cap);
    while (t->store[k].rlp)
        k = (k + 1) & (t->cap - 1);
    memcpy(t->store[k].hash, h, 32);
    t->store[k].rlp = copy;
    t->store[k].len = len;
    t->n++;
    return MP_OK;
}

/* ---- decoding ---- */

static int decode(const uint8_t *rlp, size_t len, pnode **out, int depth, mp_err *err);

static int decode_ref(const mp_rlp_item *it, pnode **out, int depth, mp_err *err)
{
    *out = NULL;
    if (it->is_list)
        return decode(it->raw, it->raw_len, out, depth + 1, err);
    if (it->len == 0)
        return MP_OK;
    if (it->len != 32)
        return MP_FAIL(err, MP_ERR_PARSE, "trie: node reference of %zu bytes", it->len);
    pnode *n = node_new(N_HASH);
    if (!n)
        return MP_FAIL(err, MP_ERR_NOMEM, "trie: out of memory");
    memcpy(n->hash, it->payload, 32);
    *out = n;
    return MP_OK;
}

static int set_val(pnode *n, const uint8_t *v, size_t len, mp_err *err)
{
    free(n->val);
    n->val = NULL;
    n->vlen = 0;
    if (!len)
        return MP_OK;
    n->val = malloc(len);
    if (!n->val)
        return MP_FAIL(err, MP_ERR_NOMEM, "trie: out of memory");
    memcpy(n->val, v, len);
    n->vlen = len;
    return MP_OK;
}

static int decode(const uint8_t *rlp, size_t len, pnode **out, int depth, mp_err *err)
{
    mp_rlp_item top, it[17];
    size_t cnt = 0, left;
    const uint8_t *cur;
    int rc;
    *out = NULL;
    if (depth > 64)
        return MP_FAIL(err, MP_ERR_PARSE, "trie: nodes nested too deep");
    MP_TRY(mp_rlp_decode(&top, rlp, len, err));
    if (!top.is_list)
        return MP_FAIL(err, MP_ERR_PARSE, "trie: node is not a list");
    cur = top.payload;
    left = top.len;
    while (left > 0 && cnt < 17)
        MP_TRY(mp_rlp_next(&it[cnt++], &cur, &left, err));
    if (left || (cnt != 2 && cnt != 17))
        return MP_FAIL(err, MP_ERR_PARSE, "trie: node with %zu items", cnt);
    pnode *n = node_new(cnt == 17 ? N_BRANCH : N_LEAF);
    if (!n)
        return MP_FAIL(err, MP_ERR_NOMEM, "trie: out of memory");
    if (cnt == 17) {
        for (int i = 0; i < 16; i++)
            if ((rc = decode_ref(&it[i], &n->kids[i], depth, err)) != MP_OK)
                goto fail;
        if (it[16].is_list) {
            rc = MP_FAIL(err, MP_ERR_PARSE, "trie: branch value is a list");
            goto fail;
        }
        if ((rc = set_val(n, it[16].payload, it[16].len, err)) != MP_OK)
            goto fail;
    } else {
        const mp_rlp_item *p = &it[0];
        if (p->is_list || p->len == 0 || p->len > 33 || (p->payload[0] >> 4) > 3) {
            rc = MP_FAIL(err, MP_ERR_PARSE, "trie: bad node path");
            goto fail;
        }
        unsigned flag = p->payload[0] >> 4;
        if (flag & 1)
            n->path[n->plen++] = p->payload[0] & 15;
        for (size_t i = 1; i < p->len; i++) {
            n->path[n->plen++] = p->payload[i] >> 4;
            n->path[n->plen++] = p->payload[i] & 15;
        }
        if (flag >= 2) {
            if (it[1].is_list) {
                rc = MP_FAIL(err, MP_ERR_PARSE, "trie: leaf value is a list");
                goto fail;
            }
            rc = set_val(n, it[1].payload, it[1].len, err);
        } else {
            n->kind = N_EXT;
            rc = decode_ref(&it[1], &n->child, depth, err);
            if (rc == MP_OK && !n->child)
                rc = MP_FAIL(err, MP_ERR_PARSE, "trie: extension without a child");
        }
        if (rc != MP_OK)
            goto fail;
    }
    *out = n;
    return MP_OK;
fail:
    node_free(n);
    return rc;
}

/* Replaces a hash node by its decoded node, or names it as missing. */
static int resolve(mp_trie_partial *t, pnode **slot, const uint8_t *path, size_t plen,
                   mp_trie_missing *missing, mp_err *err)
{
    pnode *n = *slot;
    if (!n || n->kind != N_HASH)
        return MP_OK;
    const stored *s = store_find(t, n->hash);
    if (!s) {
        if (missing) {
            memcpy(missing->hash, n->hash, 32);
            memcpy(missing->path, path, plen);
            missing->path_len = plen;
        }
        return MP_FAIL(err, MP_TRIE_ERR_MISSING, "trie: node at a path of %zu nibbles is missing",
                       plen);
    }
    pnode *d;
    MP_TRY(decode(s->rlp, s->len, &d, 0, err));
    node_free(n);
    *slot = d;
    return MP_OK;
}

static size_t key_nibbles(uint8_t *out, const uint8_t *key, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = key[i] >> 4;
        out[2 * i + 1] = key[i] & 15;
    }
    return 2 * len;
}

int mp_trie_partial_get(mp_trie_partial *t, const uint8_t *key, size_t key_len, bool *found,
                        mp_buf *val, mp_trie_missing *missing, mp_err *err)
{
    if (key_len > 32)
        return MP_FAIL(err, MP_ERR_INVALID, "trie: key longer than 32 bytes");
    uint8_t k[64];
    size_t kn = key_nibbles(k, key, key_len), d = 0;
    pnode **slot = &t->root;
    *found = false;
    for (;;) {
        MP_TRY(resolve(t, slot, k, d, missing, err));
        pnode *n = *slot;
        if (!n)
            return MP_OK;
        if (n->kind == N_BRANCH) {
            if (d == kn) {
                *found = n->vlen > 0;
                break;
            }
            slot = &n->kids[k[d++]];
            continue;
        }
        if (n->plen > kn - d || memcmp(n->path, k + d, n->plen) != 0)
            return MP_OK;
        d += n->plen;
        if (n->kind == N_LEAF) {
            if (d != kn)
                return MP_OK;
            *found = true;
            break;
        }
        slot = &n->child;
    }
    pnode *n = *slot;
    if (mp_buf_append(val, n->val, n->vlen) != MP_OK)
        return MP_FAIL(err, MP_ERR_NOMEM, "trie: out of memory");
    return MP_OK;
}

/* ---- insert ---- */

static pnode *leaf_new(const uint8_t *path, size_t plen, const uint8_t *v, size_t vlen)
{
    pnode *n = node_new(N_LEAF);
    if (!n)
        return NULL;
    memcpy(n->path, path, plen);
    n->plen = plen;
    if (set_val(n, v, vlen, NULL) != MP_OK) {
        free(n);
        return NULL;
    }
    return n;
}

/* Puts leaf or extension `sub` under branch br at its first nibble, one
 * nibble shorter (a leaf may end up with an empty path; an extension that
 * does is replaced by its child). */
static void hang(pnode *br, pnode *sub)
{
    unsigned i = sub->path[0];
    memmove(sub->path, sub->path + 1, sub->plen - 1);
    sub->plen--;
    if (sub->kind == N_EXT && sub->plen == 0) {
        br->kids[i] = sub->child;
        sub->child = NULL;
        node_free(sub);
    } else {
        br->kids[i] = sub;
    }
}

static int insert(mp_trie_partial *t, pnode **slot, const uint8_t *k, size_t kn, size_t d,
                  const uint8_t *v, size_t vlen, mp_trie_missing *missing, mp_err *err);

/* Splits leaf or extension n at c nibbles into a branch (under an extension
 * of the shared part when c > 0), then inserts the key into the branch. */
static int split(mp_trie_partial *t, pnode **slot, size_t c, const uint8_t *k, size_t kn, size_t d,
                 const uint8_t *v, size_t vlen, mp_trie_missing *missing, mp_err *err)
{
    pnode *n = *slot;
    pnode *br = node_new(N_BRANCH), *ext = NULL;
    if (!br || (c > 0 && !(ext = node_new(N_EXT)))) {
        free(br);
        return MP_FAIL(err, MP_ERR_NOMEM, "trie: out of memory");
    }
    /* the old node keeps its tail after the shared part */
    memmove(n->path, n->path + c, n->plen - c);
    n->plen -= c;
    if (n->kind == N_LEAF && n->plen == 0) {
        br->val = n->val;
        br->vlen = n->vlen;
        n->val = NULL;
        node_free(n);
    } else {
        hang(br, n);
    }
    if (ext) {
        memcpy(ext->path, k + d, c);
        ext->plen = c;
        ext->child = br;
        *slot = ext;
        return insert(t, &ext->child, k, kn, d + c, v, vlen, missing, err);
    }
    *slot = br;
    return insert(t, slot, k, kn, d, v, vlen, missing, err);
}

static int insert(mp_trie_partial *t, pnode **slot, const uint8_t *k, size_t kn, size_t d,
                  const uint8_t *v, size_t vlen, mp_trie_missing *missing, mp_err *err)
{
    MP_TRY(resolve(t, slot, k, d, missing, err));
    pnode *n = *slot;
    if (!n) {
        *slot = leaf_new(k + d, kn - d, v, vlen);
        return *slot ? MP_OK : MP_FAIL(err, MP_ERR_NOMEM, "trie: out of memory");
    }
    if (n->kind == N_BRANCH) {
        if (d == kn)
            return set_val(n, v, vlen, err);
        return insert(t, &n->kids[k[d]], k, kn, d + 1, v, vlen, missing, err);
    }
    size_t c = 0;
    while (c < n->plen && d + c < kn && n->path[c] == k[d + c])
        c++;
    if (n->kind == N_LEAF && c == n->plen && d + c == kn)
        return set_val(n, v, vlen, err);
    if (n->kind == N_EXT && c == n->plen)
        return insert(t, &n->child, k, kn, d + c, v, vlen, missing, err);
    return split(t, slot, c, k, kn, d, v, vlen, missing, err);
}

/* ---- delete ---- */

/* Resolves every node a delete of k will read, so that the delete itself
 * cannot stop halfway: the path, and the last sibling of a branch that the
 * delete leaves with one child (it merges into the path above). */
static int delete_prepare(mp_trie_partial *t, const uint8_t *k, size_t kn, bool *present,
                          mp_trie_missing *missing, mp_err *err)
{
    pnode **slot = &t->root;
    size_t d = 0;
    uint8_t path[64];
    *present = false;
    for (;;) {
        MP_TRY(resolve(t, slot, k, d, missing, err));
        pnode *n = *slot;
        if (!n)
            return MP_OK;
        if (n->kind == N_LEAF) {
            *present = n->plen == kn - d && !memcmp(n->path, k + d, n->plen);
            return MP_OK;
        }
        if (n->kind == N_EXT) {
            if (n->plen > kn - d || memcmp(n->path, k + d, n->plen) != 0)
                return MP_OK;
            d += n->plen;
            slot = &n->child;
            continue;
        }
        int others = n->vlen > 0, last = -1;
        bool emptied;
        if (d == kn) {
            if (!n->vlen)
                return MP_OK;
            *present = true;
            others = 0;
            emptied = true;
        } else {
            MP_TRY(resolve(t, &n->kids[k[d]], k, d + 1, missing, err));
            pnode *c = n->kids[k[d]];
            emptied = c && c->kind == N_LEAF && c->plen == kn - d - 1 &&
                      !memcmp(c->path, k + d + 1, c->plen);
        }
        for (int i = 0; i < 16; i++)
            if (n->kids[i] && (d == kn || i != k[d])) {
                others++;
                last = i;
            }
        if (emptied && others == 1 && last >= 0) {
            memcpy(path, k, d);
            path[d] = (uint8_t)last;
            MP_TRY(resolve(t, &n->kids[last], path, d + 1, missing, err));
        }
        if (d == kn)
            return MP_OK;
        slot = &n->kids[k[d++]];
    }
}

/* Rewrites a branch left with a single entry into a leaf or extension. */
static int collapse(pnode **slot, mp_err *err)
{
    pnode *n = *slot;
    int cnt = 0, last = -1;
    for (int i = 0; i < 16; i++)
        if (n->kids[i]) {
            cnt++;
            last = i;
        }
    if (cnt + (n->vlen > 0) != 1)
        return MP_OK;
    if (cnt == 0) { /* only the value: a leaf with an empty path */
        n->kind = N_LEAF;
        n->plen = 0;
        return MP_OK;
    }
    pnode *c = n->kids[last];
    n->kids[last] = NULL;
    if (c->kind == N_LEAF || c->kind == N_EXT) {
        if (c->plen >= 64)
            return MP_FAIL(err, MP_ERR_PARSE, "trie: path longer than 64 nibbles");
        memmove(c->path + 1, c->path, c->plen);
        c->path[0] = (uint8_t)last;
        c->plen++;
        node_free(n);
        *slot = c;
    } else { /* a branch (never a hash: delete_prepare resolved it) */
        n->kind = N_EXT;
        n->path[0] = (uint8_t)last;
        n->plen = 1;
        n->child = c;
    }
    return MP_OK;
}

/* Joins an extension with the leaf or extension below it. */
static int merge_ext(pnode **slot, mp_err *err)
{
    pnode *n = *slot, *c = n->child;
    if (!c) {
        node_free(n);
        *slot = NULL;
        return MP_OK;
    }
    if (c->kind != N_LEAF && c->kind != N_EXT)
        return MP_OK;
    if (n->plen + c->plen > 64)
        return MP_FAIL(err, MP_ERR_PARSE, "trie: path longer than 64 nibbles");
    memmove(c->path + n->plen, c->path, c->plen);
    memcpy(c->path, n->path, n->plen);
    c->plen += n->plen;
    n->child = NULL;
    node_free(n);
    *slot = c;
    return MP_OK;
}

static int delete (pnode **slot, const uint8_t *k, size_t kn, size_t d, mp_err *err)
{
    pnode *n = *slot;
    if (!n)
        return MP_OK;
    if (n->kind == N_LEAF) {
        node_free(n);
        *slot = NULL;
        return MP_OK;
    }
    if (n->kind == N_EXT) {
        MP_TRY(delete (&n->child, k, kn, d + n->plen, err));
        return merge_ext(slot, err);
    }
    if (d == kn)
        MP_TRY(set_val(n, NULL, 0, err));
    else
        MP_TRY(delete (&n->kids[k[d]], k, kn, d + 1, err));
    return collapse(slot, err);
}

int mp_trie_partial_put(mp_trie_partial *t, const uint8_t *key, size_t key_len, const uint8_t *val,
                        size_t val_len, mp_trie_missing *missing, mp_err *err)
{
    if (key_len > 32)
        return MP_FAIL(err, MP_ERR_INVALID, "trie: key longer than 32 bytes");
    uint8_t k[64];
    size_t kn = key_nibbles(k, key, key_len);
    if (val_len)
        return insert(t, &t->root, k, kn, 0, val, val_len, missing, err);
    bool present;
    MP_TRY(delete_prepare(t, k, kn, &present, missing, err));
    return present ? delete (&t->root, k, kn, 0, err) : MP_OK;
}

/* ---- hashing ---- */

static void encode(const pnode *n, mp_buf *b);

static void put_ref(const pnode *n, mp_buf *b)
{
    if (!n) {
        mp_rlp_put_bytes(b, NULL, 0);
        return;
    }
    if (n->kind == N_HASH) {
        mp_rlp_put_bytes(b, n->hash, 32);
        return;
    }
    mp_buf e = MP_BUF_INIT;
    encode(n, &e);
    if (e.oom) {
        b->oom = true;
    } else if (e.len < 32) {
        mp_buf_append(b, e.data, e.len);
    } else {
        uint8_t h[32];
        mp_keccak256(h, e.data, e.len);
        mp_rlp_put_bytes(b, h, 32);
    }
    mp_buf_free(&e);
}

static void put_path(mp_buf *b, const pnode *n, bool leaf)
{
    uint8_t hp[33];
    size_t k = 0, i = 0;
    unsigned flag = (leaf ? 2u : 0u) | (n->plen & 1);
    if (n->plen & 1)
        hp[k++] = (uint8_t)((flag << 4) | n->path[i++]);
    else
        hp[k++] = (uint8_t)(flag << 4);
    for (; i < n->plen; i += 2)
        hp[k++] = (uint8_t)((n->path[i] << 4) | n->path[i + 1]);
    mp_rlp_put_bytes(b, hp, k);
}

static void encode(const pnode *n, mp_buf *b)
{
    size_t mark = mp_rlp_list_begin(b);
    if (n->kind == N_BRANCH) {
        for (int i = 0; i < 16; i++)
            put_ref(n->kids[i], b);
        mp_rlp_put_bytes(b, n->val, n->vlen);
    } else if (n->kind == N_LEAF) {
        put_path(b, n, true);
        mp_rlp_put_bytes(b, n->val, n->vlen);
    } else {
        put_path(b, n, false);
        put_ref(n->child, b);
    }
    mp_rlp_list_end(b, mark);
}

int mp_trie_partial_root(mp_trie_partial *t, uint8_t root[32], mp_err *err)
{
    if (!t->root) {
        memcpy(root, MP_TRIE_EMPTY_ROOT, 32);
        return MP_OK;
    }
    if (t->root->kind == N_HASH) {
        memcpy(root, t->root->hash, 32);
        return MP_OK;
    }
    mp_buf b = MP_BUF_INIT;
    encode(t->root, &b);
    int rc = mp_buf_check(&b, err);
    if (rc == MP_OK)
        mp_keccak256(root, b.data, b.len);
    mp_buf_free(&b);
    return rc;
}
