/*
** state.c: the EVM's world state: accounts in an open-addressing table keyed
** by address, storage in a table per account, and a journal of every change
** so that a call frame's effects can be undone (snapshot/revert) and a
** transaction's end (commit) knows exactly what it touched.
**
** An allocation failure never leaves a dangling pointer: the state flags oom,
** hands out a scratch account or slot, and the transaction reports NOMEM.
*/
#include "evm_int.h"

#include <stdlib.h>
#include <string.h>

#include "mpavs/keccak.h"
#include "mpavs/rlp.h"
#include "mpavs/trie.h"

static const uint8_t EMPTY_CODE_HASH[32] = {
    0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0,
    0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70};

int mp_evm_state_new(mp_evm_state **out, mp_err *err)
{
    mp_evm_state *st = calloc(1, sizeof *st);
    if (!st)
        return MP_FAIL(err, MP_ERR_NOMEM, "evm: out of memory");
    st->cap = 64;
    st->accts = calloc(st->cap, sizeof *st->accts);
    if (!st->accts) {
        free(st);
        return MP_FAIL(err, MP_ERR_NOMEM, "evm: out of memory");
    }
    *out = st;
    return MP_OK;
}

static void acct_free(evm_acct *a)
{
    free(a->code);
    free(a->jumpdests);
    free(a->slots);
    free(a);
}

void evm_free_logs(mp_evm_log *logs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(logs[i].data);
}

void mp_evm_state_free(mp_evm_state *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->cap; i++)
        if (st->accts[i])
            acct_free(st->accts[i]);
    free(st->accts);
    free(st->j);
    free(st->ts);
    evm_free_logs(st->logs, st->n_logs);
    free(st->logs);
    free(st);
}

static size_t addr_hash(const uint8_t a[20])
{
    uint64_t h;
    memcpy(&h, a + 12, 8);
    return (size_t)(h * 0x9e3779b97f4a7c15ull >> 17);
}

static bool acct_grow(mp_evm_state *st)
{
    size_t ncap = st->cap * 2;
    evm_acct **t = calloc(ncap, sizeof *t);
    if (!t)
        return false;
    for (size_t i = 0; i < st->cap; i++) {
        evm_acct *a = st->accts[i];
        if (!a)
            continue;
        size_t k = addr_hash(a->addr) & (ncap - 1);
        while (t[k])
            k = (k + 1) & (ncap - 1);
        t[k] = a;
    }
    free(st->accts);
    st->accts = t;
    st->cap = ncap;
    return true;
}

static evm_acct *acct_find(const mp_evm_state *st, const uint8_t addr[20])
{
    size_t k = addr_hash(addr) & (st->cap - 1);
    while (st->accts[k]) {
        if (memcmp(st->accts[k]->addr, addr, 20) == 0)
            return st->accts[k];
        k = (k + 1) & (st->cap - 1);
    }
    return NULL;
}

evm_acct *evm_acct_get(mp_evm_state *st, const uint8_t addr[20])
{
    evm_acct *a = acct_find(st, addr);
    if (a)
        return a;
    if (2 * (st->n + 1) > st->cap && !acct_grow(st))
        goto oom;
    a = calloc(1, sizeof *a);
    if (!a)
        goto oom;
    memcpy(a->addr, addr, 20);
    memcpy(a->code_hash, EMPTY_CODE_HASH, 32);
    size_t k = addr_hash(addr) & (st->cap - 1);
    while (st->accts[k])
        k = (k + 1) & (st->cap - 1);
    st->accts[k] = a;
    st->n++;
    return a;
oom:
    st->oom = true;
    memset(&st->scratch_acct, 0, sizeof st->scratch_acct);
    memcpy(st->scratch_acct.code_hash, EMPTY_CODE_HASH, 32);
    return &st->scratch_acct;
}

bool evm_acct_empty(const evm_acct *a)
{
    return a->nonce == 0 && mp_w256_is_zero(&a->balance) && a->code_len == 0;
}

bool evm_acct_dead(const evm_acct *a)
{
    return !a->exists || evm_acct_empty(a);
}

static size_t key_hash(const mp_w256 *k)
{
    uint64_t h = k->w[0] ^ (k->w[1] * 0xff51afd7ed558ccdull) ^ (k->w[2] * 0xc4ceb9fe1a85ec53ull) ^
                 (k->w[3] * 0x9e3779b97f4a7c15ull);
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    return (size_t)(h ^ (h >> 32));
}

static bool slots_grow(evm_acct *a)
{
    size_t ncap = a->slot_cap ? a->slot_cap * 2 : 16;
    evm_slot *t = calloc(ncap, sizeof *t);
    if (!t)
        return false;
    for (size_t i = 0; i < a->slot_cap; i++) {
        if (!a->slots[i].used)
            continue;
        size_t k = key_hash(&a->slots[i].key) & (ncap - 1);
        while (t[k].used)
            k = (k + 1) & (ncap - 1);
        t[k] = a->slots[i];
    }
    free(a->slots);
    a->slots = t;
    a->slot_cap = ncap;
    return true;
}

static evm_slot *slot_find(const evm_acct *a, const mp_w256 *key)
{
    if (!a->slot_cap)
        return NULL;
    size_t k = key_hash(key) & (a->slot_cap - 1);
    while (a->slots[k].used) {
        if (mp_w256_eq(&a->slots[k].key, key))
            return &a->slots[k];
        k = (k + 1) & (a->slot_cap - 1);
    }
    return NULL;
}

evm_slot *evm_slot_get(mp_evm_state *st, evm_acct *a, const mp_w256 *key)
{
    evm_slot *s = slot_find(a, key);
    if (s)
        return s;
    if (a == &st->scratch_acct || (2 * (a->slot_n + 1) > a->slot_cap && !slots_grow(a))) {
        st->oom = true;
        memset(&st->scratch_slot, 0, sizeof st->scratch_slot);
        return &st->scratch_slot;
    }
    size_t k = key_hash(key) & (a->slot_cap - 1);
    while (a->slots[k].used)
        k = (k + 1) & (a->slot_cap - 1);
    s = &a->slots[k];
    memset(s, 0, sizeof *s);
    s->key = *key;
    s->used = true;
    a->slot_n++;
    return s;
}

static void jpush(mp_evm_state *st, uint8_t kind, evm_acct *a, const mp_w256 *key,
                  const mp_w256 *old, uint64_t old_u64)
{
    if (st->jn == st->jcap) {
        size_t ncap = st->jcap ? st->jcap * 2 : 256;
        evm_jentry *t = realloc(st->j, ncap * sizeof *t);
        if (!t) {
            st->oom = true;
            return;
        }
        st->j = t;
        st->jcap = ncap;
    }
    evm_jentry *e = &st->j[st->jn++];
    e->kind = kind;
    e->acct = a;
    if (key)
        e->key = *key;
    if (old)
        e->old = *old;
    e->old_u64 = old_u64;
}

void evm_set_exists(mp_evm_state *st, evm_acct *a)
{
    if (a->exists)
        return;
    jpush(st, J_EXISTS, a, NULL, NULL, 0);
    a->exists = true;
}

void evm_set_balance(mp_evm_state *st, evm_acct *a, const mp_w256 *v)
{
    evm_set_exists(st, a);
    jpush(st, J_BALANCE, a, NULL, &a->balance, 0);
    a->balance = *v;
}

void evm_add_balance(mp_evm_state *st, evm_acct *a, const mp_w256 *v)
{
    evm_touch(st, a);
    if (mp_w256_is_zero(v))
        return;
    mp_w256 nb;
    mp_w256_add(&nb, &a->balance, v);
    evm_set_balance(st, a, &nb);
}

void evm_sub_balance(mp_evm_state *st, evm_acct *a, const mp_w256 *v)
{
    evm_touch(st, a);
    if (mp_w256_is_zero(v))
        return;
    mp_w256 nb;
    mp_w256_sub(&nb, &a->balance, v);
    evm_set_balance(st, a, &nb);
}

void evm_set_nonce(mp_evm_state *st, evm_acct *a, uint64_t nonce)
{
    evm_set_exists(st, a);
    jpush(st, J_NONCE, a, NULL, NULL, a->nonce);
    a->nonce = nonce;
}

void evm_set_code(mp_evm_state *st, evm_acct *a, const uint8_t *code, size_t len)
{
    uint8_t *c = NULL;
    if (len) {
        c = malloc(len);
        if (!c) {
            st->oom = true;
            return;
        }
        memcpy(c, code, len);
    }
    /* Only creation sets code, on an account without code (collision rule),
     * so undoing it means dropping the new code. */
    jpush(st, J_CODE, a, NULL, NULL, 0);
    free(a->code);
    free(a->jumpdests);
    a->jumpdests = NULL;
    a->code = c;
    a->code_len = len;
    mp_keccak256(a->code_hash, len ? code : (const uint8_t *)"", len);
}

void evm_set_storage(mp_evm_state *st, evm_acct *a, evm_slot *s, const mp_w256 *v)
{
    jpush(st, J_STORAGE, a, &s->key, &s->cur, 0);
    s->cur = *v;
}

bool evm_warm_acct(mp_evm_state *st, evm_acct *a)
{
    if (a->warm)
        return true;
    jpush(st, J_WARM_ACCT, a, NULL, NULL, 0);
    a->warm = true;
    return false;
}

bool evm_warm_slot(mp_evm_state *st, evm_acct *a, evm_slot *s)
{
    if (s->warm)
        return true;
    jpush(st, J_WARM_SLOT, a, &s->key, NULL, 0);
    s->warm = true;
    return false;
}

void evm_touch(mp_evm_state *st, evm_acct *a)
{
    jpush(st, J_TOUCH, a, NULL, NULL, 0);
}

void evm_mark_created(mp_evm_state *st, evm_acct *a)
{
    jpush(st, J_CREATED, a, NULL, NULL, a->created);
    a->created = true;
}

void evm_mark_destructed(mp_evm_state *st, evm_acct *a)
{
    jpush(st, J_DESTRUCT, a, NULL, NULL, 0);
}

static evm_tslot *ts_find(mp_evm_state *st, evm_acct *a, const mp_w256 *key, bool insert)
{
    if (insert && 2 * (st->ts_n + 1) > st->ts_cap) {
        size_t ncap = st->ts_cap ? st->ts_cap * 2 : 16;
        evm_tslot *t = calloc(ncap, sizeof *t);
        if (!t) {
            st->oom = true;
            return NULL;
        }
        for (size_t i = 0; i < st->ts_cap; i++) {
            if (!st->ts[i].used)
                continue;
            size_t k = (key_hash(&st->ts[i].key) ^ addr_hash(st->ts[i].acct->addr)) & (ncap - 1);
            while (t[k].used)
                k = (k + 1) & (ncap - 1);
            t[k] = st->ts[i];
        }
        free(st->ts);
        st->ts = t;
        st->ts_cap = ncap;
    }
    if (!st->ts_cap)
        return NULL;
    size_t k = (key_hash(key) ^ addr_hash(a->addr)) & (st->ts_cap - 1);
    while (st->ts[k].used) {
        if (st->ts[k].acct == a && mp_w256_eq(&st->ts[k].key, key))
            return &st->ts[k];
        k = (k + 1) & (st->ts_cap - 1);
    }
    if (!insert)
        return NULL;
    evm_tslot *s = &st->ts[k];
    s->used = true;
    s->acct = a;
    s->key = *key;
    s->val = mp_w256_u64(0);
    st->ts_n++;
    return s;
}

void evm_tload(mp_evm_state *st, evm_acct *a, const mp_w256 *key, mp_w256 *out)
{
    evm_tslot *s = ts_find(st, a, key, false);
    *out = s ? s->val : mp_w256_u64(0);
}

void evm_tstore(mp_evm_state *st, evm_acct *a, const mp_w256 *key, const mp_w256 *v)
{
    evm_tslot *s = ts_find(st, a, key, true);
    if (!s)
        return;
    jpush(st, J_TSTORE, a, key, &s->val, 0);
    s->val = *v;
}

void evm_add_log(mp_evm_state *st, const uint8_t addr[20], const mp_w256 *topics, unsigned n,
                 const uint8_t *data, size_t len)
{
    if (st->n_logs == st->logs_cap) {
        size_t ncap = st->logs_cap ? st->logs_cap * 2 : 16;
        mp_evm_log *t = realloc(st->logs, ncap * sizeof *t);
        if (!t) {
            st->oom = true;
            return;
        }
        st->logs = t;
        st->logs_cap = ncap;
    }
    mp_evm_log *l = &st->logs[st->n_logs];
    memset(l, 0, sizeof *l);
    memcpy(l->addr, addr, 20);
    l->n_topics = n;
    for (unsigned i = 0; i < n; i++)
        mp_w256_to_be(l->topics[i], &topics[i]);
    if (len) {
        l->data = malloc(len);
        if (!l->data) {
            st->oom = true;
            return;
        }
        memcpy(l->data, data, len);
        l->data_len = len;
    }
    st->n_logs++;
}

evm_snap evm_snapshot(const mp_evm_state *st)
{
    evm_snap s = {st->jn, st->n_logs};
    return s;
}

static void undo(mp_evm_state *st, const evm_jentry *e)
{
    evm_acct *a = e->acct;
    switch (e->kind) {
    case J_BALANCE:
        a->balance = e->old;
        break;
    case J_NONCE:
        a->nonce = e->old_u64;
        break;
    case J_EXISTS:
        a->exists = false;
        break;
    case J_CODE:
        free(a->code);
        free(a->jumpdests);
        a->code = NULL;
        a->jumpdests = NULL;
        a->code_len = 0;
        memcpy(a->code_hash, EMPTY_CODE_HASH, 32);
        break;
    case J_STORAGE: {
        evm_slot *s = slot_find(a, &e->key);
        if (s)
            s->cur = e->old;
        break;
    }
    case J_WARM_ACCT:
        a->warm = false;
        break;
    case J_WARM_SLOT: {
        evm_slot *s = slot_find(a, &e->key);
        if (s)
            s->warm = false;
        break;
    }
    case J_TSTORE: {
        evm_tslot *s = ts_find(st, a, &e->key, false);
        if (s)
            s->val = e->old;
        break;
    }
    case J_CREATED:
        a->created = e->old_u64 != 0;
        break;
    default: /* J_TOUCH, J_DESTRUCT: only read at commit */
        break;
    }
}

void evm_revert(mp_evm_state *st, evm_snap s)
{
    while (st->jn > s.jn)
        undo(st, &st->j[--st->jn]);
    for (size_t i = s.n_logs; i < st->n_logs; i++)
        free(st->logs[i].data);
    if (st->n_logs > s.n_logs)
        st->n_logs = s.n_logs;
}

static void acct_delete(evm_acct *a)
{
    a->exists = false;
    a->nonce = 0;
    a->balance = mp_w256_u64(0);
    free(a->code);
    free(a->jumpdests);
    a->code = NULL;
    a->jumpdests = NULL;
    a->code_len = 0;
    memcpy(a->code_hash, EMPTY_CODE_HASH, 32);
    free(a->slots);
    a->slots = NULL;
    a->slot_cap = a->slot_n = 0;
}

void evm_commit_tx(mp_evm_state *st)
{
    for (size_t i = 0; i < st->jn; i++) {
        const evm_jentry *e = &st->j[i];
        evm_acct *a = e->acct;
        evm_slot *s;
        switch (e->kind) {
        case J_STORAGE:
            if ((s = slot_find(a, &e->key)))
                s->orig = s->cur;
            break;
        case J_WARM_ACCT:
            a->warm = false;
            break;
        case J_WARM_SLOT:
            if ((s = slot_find(a, &e->key)))
                s->warm = false;
            break;
        default:
            break;
        }
    }
    /* Deletions last: a slot may have been written before its account went. */
    for (size_t i = 0; i < st->jn; i++) {
        const evm_jentry *e = &st->j[i];
        evm_acct *a = e->acct;
        if (e->kind == J_DESTRUCT || (e->kind == J_TOUCH && a->exists && evm_acct_empty(a)))
            acct_delete(a);
        else if (e->kind == J_CREATED)
            a->created = false;
    }
    st->jn = 0;
    if (st->ts_n)
        memset(st->ts, 0, st->ts_cap * sizeof *st->ts);
    st->ts_n = 0;
    evm_free_logs(st->logs, st->n_logs);
    st->n_logs = 0;
}

const uint8_t *evm_jumpdests(evm_acct *a)
{
    if (a->jumpdests || !a->code_len)
        return a->jumpdests;
    uint8_t *bm = calloc(a->code_len / 8 + 1, 1);
    if (!bm)
        return NULL;
    for (size_t pc = 0; pc < a->code_len; pc++) {
        uint8_t op = a->code[pc];
        if (op == 0x5b)
            bm[pc / 8] |= (uint8_t)(1u << (pc % 8));
        else if (op >= 0x60 && op <= 0x7f)
            pc += (size_t)(op - 0x5f);
    }
    a->jumpdests = bm;
    return bm;
}

/* ---- public accessors ---- */

int mp_evm_state_set_account(mp_evm_state *st, const uint8_t addr[20], uint64_t nonce,
                             const mp_w256 *balance, const uint8_t *code, size_t code_len,
                             mp_err *err)
{
    evm_acct *a = evm_acct_get(st, addr);
    uint8_t *c = NULL;
    if (code_len && !(c = malloc(code_len)))
        st->oom = true;
    if (st->oom) {
        free(c);
        return MP_FAIL(err, MP_ERR_NOMEM, "evm: out of memory");
    }
    if (code_len)
        memcpy(c, code, code_len);
    a->exists = true;
    a->nonce = nonce;
    a->balance = *balance;
    free(a->code);
    free(a->jumpdests);
    a->jumpdests = NULL;
    a->code = c;
    a->code_len = code_len;
    mp_keccak256(a->code_hash, code_len ? code : (const uint8_t *)"", code_len);
    return MP_OK;
}

int mp_evm_state_set_storage(mp_evm_state *st, const uint8_t addr[20], const mp_w256 *key,
                             const mp_w256 *val, mp_err *err)
{
    evm_acct *a = acct_find(st, addr);
    if (!a || !a->exists)
        return MP_FAIL(err, MP_ERR_MISUSE, "evm: storage for an account that does not exist");
    evm_slot *s = evm_slot_get(st, a, key);
    if (st->oom)
        return MP_FAIL(err, MP_ERR_NOMEM, "evm: out of memory");
    s->cur = s->orig = *val;
    return MP_OK;
}

bool mp_evm_state_get_account(const mp_evm_state *st, const uint8_t addr[20], uint64_t *nonce,
                              mp_w256 *balance, const uint8_t **code, size_t *code_len)
{
    const evm_acct *a = acct_find(st, addr);
    if (!a || !a->exists)
        return false;
    if (nonce)
        *nonce = a->nonce;
    if (balance)
        *balance = a->balance;
    if (code)
        *code = a->code;
    if (code_len)
        *code_len = a->code_len;
    return true;
}

void mp_evm_state_get_storage(const mp_evm_state *st, const uint8_t addr[20], const mp_w256 *key,
                              mp_w256 *val)
{
    const evm_acct *a = acct_find(st, addr);
    const evm_slot *s = a && a->exists ? slot_find(a, key) : NULL;
    *val = s ? s->cur : mp_w256_u64(0);
}

void mp_evm_state_visit(const mp_evm_state *st, mp_evm_acct_fn af, mp_evm_slot_fn sf, void *ctx)
{
    for (size_t i = 0; i < st->cap; i++) {
        const evm_acct *a = st->accts[i];
        if (!a)
            continue;
        af(ctx, a->addr, a->exists);
        for (size_t k = 0; sf && a->exists && k < a->slot_cap; k++)
            if (a->slots[k].used)
                sf(ctx, a->addr, &a->slots[k].key, &a->slots[k].cur);
    }
}

/* Storage root of one account (nodes to fn when it is not NULL). */
static int storage_root(const evm_acct *a, uint8_t root[32], mp_trie_node_fn fn, void *ctx,
                        mp_err *err)
{
    size_t n = 0;
    mp_trie_kv *kv = calloc(a->slot_n ? a->slot_n : 1, sizeof *kv);
    uint8_t(*keys)[32] = calloc(a->slot_n ? a->slot_n : 1, 32);
    uint8_t(*vals)[33] = calloc(a->slot_n ? a->slot_n : 1, 33);
    int rc;
    if (!kv || !keys || !vals) {
        rc = MP_FAIL(err, MP_ERR_NOMEM, "evm: out of memory");
        goto done;
    }
    for (size_t i = 0; i < a->slot_cap; i++) {
        const evm_slot *s = &a->slots[i];
        if (!s->used || mp_w256_is_zero(&s->cur))
            continue;
        uint8_t be[32];
        mp_w256_to_be(be, &s->key);
        mp_keccak256(keys[n], be, 32);
        mp_w256_to_be(be, &s->cur);
        size_t z = 0;
        while (z < 31 && be[z] == 0)
            z++;
        /* rlp of the integer: one byte below 0x80 stands for itself */
        size_t vl = 32 - z;
        if (vl == 1 && be[31] < 0x80) {
            vals[n][0] = be[31];
        } else {
            vals[n][0] = (uint8_t)(0x80 + vl);
            memcpy(vals[n] + 1, be + z, vl);
            vl++;
        }
        kv[n] = (mp_trie_kv){keys[n], 32, vals[n], vl};
        n++;
    }
    rc = fn ? mp_trie_root_nodes(root, kv, n, fn, ctx, err) : mp_trie_root(root, kv, n, err);
done:
    free(kv);
    free(keys);
    free(vals);
    return rc;
}

static int state_root(const mp_evm_state *st, uint8_t root[32], mp_trie_node_fn fn, void *ctx,
                      mp_err *err)
{
    mp_trie_kv *kv = calloc(st->n ? st->n : 1, sizeof *kv);
    uint8_t(*keys)[32] = calloc(st->n ? st->n : 1, 32);
    mp_buf *vals = calloc(st->n ? st->n : 1, sizeof *vals);
    size_t n = 0;
    int rc = MP_OK;
    if (!kv || !keys || !vals) {
        rc = MP_FAIL(err, MP_ERR_NOMEM, "evm: out of memory");
        goto done;
    }
    for (size_t i = 0; i < st->cap; i++) {
        const evm_acct *a = st->accts[i];
        if (!a || !a->exists)
            continue;
        uint8_t sroot[32], bal[32];
        if ((rc = storage_root(a, sroot, fn, ctx, err)) != MP_OK)
            goto done;
        mp_w256_to_be(bal, &a->balance);
        mp_buf *b = &vals[n];
        size_t mark = mp_rlp_list_begin(b);
        mp_rlp_put_u64(b, a->nonce);
        mp_rlp_put_uint_be(b, bal, 32);
        mp_rlp_put_bytes(b, sroot, 32);
        mp_rlp_put_bytes(b, a->code_hash, 32);
        mp_rlp_list_end(b, mark);
        if ((rc = mp_buf_check(b, err)) != MP_OK)
            goto done;
        mp_keccak256(keys[n], a->addr, 20);
        kv[n] = (mp_trie_kv){keys[n], 32, b->data, b->len};
        n++;
    }
    rc = fn ? mp_trie_root_nodes(root, kv, n, fn, ctx, err) : mp_trie_root(root, kv, n, err);
done:
    if (vals)
        for (size_t i = 0; i < st->n; i++)
            mp_buf_free(&vals[i]);
    free(vals);
    free(kv);
    free(keys);
    return rc;
}

int mp_evm_state_root(const mp_evm_state *st, uint8_t root[32], mp_err *err)
{
    return state_root(st, root, NULL, NULL, err);
}

int mp_evm_state_root_nodes(const mp_evm_state *st, uint8_t root[32], mp_trie_node_fn fn, void *ctx,
                            mp_err *err)
{
    return state_root(st, root, fn, ctx, err);
}
