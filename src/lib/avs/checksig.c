/*
** checksig.c: NonSignerStakesAndSignature for confirmState (include/mpavs/checksig.h).
**
** Follows EigenLayer's checkSignatures from the other side: the contract
** computes apk = sum(quorumApks) - sum(nonSigner pk * popcount(bitmap & quorums)),
** so the aggregate G2 key and signature must count each signer once per committee
** quorum it is registered in at the reference block (its multiplicity here is the
** number of quorum sets it appears in). Everything here is public data, so the
** group operations are the variable-time ones.
*/
#include "mpavs/checksig.h"
#include "mpavs/abi.h"
#include "mpavs/bls.h"
#include "mpavs/bn254_g1.h"
#include "mpavs/bn254_g2.h"
#include "mpavs/hex.h"

#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

void mp_avs_operator_state_free(mp_avs_operator_state *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n_sets; i++)
        free(s->sets[i].ops);
    free(s->sets);
    memset(s, 0, sizeof *s);
}

void mp_checksig_params_free(mp_checksig_params *p)
{
    if (p == NULL)
        return;
    free(p->nonsigner_ids);
    free(p->nonsigner_pubkeys);
    free(p->nonsigner_multiplicity);
    free(p->quorum_apks);
    free(p->signed_stake);
    free(p->total_stake);
    mp_checksig_indices_free(p);
    memset(p, 0, sizeof *p);
}

void mp_checksig_indices_free(mp_checksig_params *p)
{
    free(p->nonsigner_bitmap_indices);
    free(p->quorum_apk_indices);
    free(p->total_stake_indices);
    if (p->nonsigner_stake_indices)
        for (size_t i = 0; i < p->n_quorums; i++)
            free(p->nonsigner_stake_indices[i]);
    free(p->nonsigner_stake_indices);
    free(p->n_nonsigner_stake_indices);
    p->nonsigner_bitmap_indices = p->quorum_apk_indices = p->total_stake_indices = NULL;
    p->nonsigner_stake_indices = NULL;
    p->n_nonsigner_stake_indices = NULL;
    p->have_indices = false;
}

static int cmp_id(const void *a, const void *b)
{
    return memcmp(a, b, 32);
}

/* keys and union entries start with their 32-byte id, so one comparator serves both. */
static int cmp_key(const void *a, const void *b)
{
    return memcmp(((const mp_checksig_key *)a)->id, ((const mp_checksig_key *)b)->id, 32);
}

/* One operator of the union of the quorum sets. */
typedef struct member {
    uint8_t id[32];
    uint32_t multiplicity; /* quorum sets it appears in */
    const mp_checksig_signer *signer;
    const mp_checksig_key *key;
} member;

typedef struct build_ctx {
    const mp_avs_operator_state *state;
    mp_checksig_key *keys; /* sorted copy */
    size_t n_keys;
    member *members; /* sorted by id, unique */
    size_t n_members;
} build_ctx;

static void id_hex(char out[67], const uint8_t id[32])
{
    mp_hex_encode0x(out, id, 32);
}

static const mp_checksig_key *find_key(const build_ctx *c, const uint8_t id[32])
{
    return bsearch(id, c->keys, c->n_keys, sizeof *c->keys, cmp_key);
}

static member *find_member(const build_ctx *c, const uint8_t id[32])
{
    return bsearch(id, c->members, c->n_members, sizeof *c->members, cmp_id);
}

static int check_state(const mp_avs_operator_state *s, mp_err *err)
{
    if (s->n_sets == 0 || s->n_sets > MP_CHECKSIG_MAX_QUORUMS)
        return MP_FAIL(err, MP_ERR_INVALID, "need 1..%d quorums, got %zu", MP_CHECKSIG_MAX_QUORUMS,
                       s->n_sets);
    for (size_t i = 0; i < s->n_sets; i++) {
        if (s->sets[i].quorum >= MP_CHECKSIG_MAX_QUORUMS)
            return MP_FAIL(err, MP_ERR_INVALID, "quorum number %u is not below 192",
                           s->sets[i].quorum);
        if (i > 0 && s->sets[i].quorum <= s->sets[i - 1].quorum)
            return MP_FAIL(err, MP_ERR_INVALID, "quorums are not strictly ascending");
        if (s->sets[i].n > 0 && s->sets[i].ops == NULL)
            return MP_FAIL(err, MP_ERR_MISUSE, "misuse: quorum %u has operators but no array",
                           s->sets[i].quorum);
    }
    return MP_OK;
}

/* Sorted copy of the keys; each id must be the hash of its G1 key. */
static int load_keys(build_ctx *c, const mp_checksig_key *keys, size_t n, mp_err *err)
{
    c->keys = malloc((n ? n : 1) * sizeof *keys);
    if (c->keys == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory for %zu keys", n);
    for (size_t i = 0; i < n; i++) {
        uint8_t id[32];
        mp_bls_operator_id(id, &keys[i].g1);
        if (memcmp(id, keys[i].id, 32) != 0) {
            char h[67];
            id_hex(h, keys[i].id);
            return MP_FAIL(err, MP_ERR_INVALID, "key of operator %s does not hash to its id", h);
        }
        c->keys[i] = keys[i];
    }
    c->n_keys = n;
    qsort(c->keys, n, sizeof *c->keys, cmp_key);
    return MP_OK;
}

/* The union of the quorum sets with multiplicities, sorted by id. */
static int collect_members(build_ctx *c, mp_err *err)
{
    size_t total = 0;
    for (size_t i = 0; i < c->state->n_sets; i++)
        total += c->state->sets[i].n;
    c->members = calloc(total ? total : 1, sizeof *c->members);
    if (c->members == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory for %zu operators", total);
    size_t k = 0;
    for (size_t i = 0; i < c->state->n_sets; i++)
        for (size_t j = 0; j < c->state->sets[i].n; j++)
            memcpy(c->members[k++].id, c->state->sets[i].ops[j].id, 32);
    qsort(c->members, total, sizeof *c->members, cmp_id);
    size_t n = 0;
    for (size_t i = 0; i < total; i++) {
        if (n > 0 && memcmp(c->members[n - 1].id, c->members[i].id, 32) == 0) {
            c->members[n - 1].multiplicity++;
            continue;
        }
        memmove(c->members[n].id, c->members[i].id, 32);
        c->members[n].multiplicity = 1;
        n++;
    }
    c->n_members = n;
    for (size_t i = 0; i < n; i++) {
        c->members[i].signer = NULL;
        c->members[i].key = find_key(c, c->members[i].id);
        if (c->members[i].key == NULL) {
            char h[67];
            id_hex(h, c->members[i].id);
            return MP_FAIL(err, MP_ERR_INVALID, "no key for operator %s of the operator set", h);
        }
    }
    return MP_OK;
}

static int mark_signers(build_ctx *c, const mp_checksig_signer *signers, size_t n, mp_err *err)
{
    if (n == 0)
        return MP_FAIL(err, MP_ERR_INVALID, "no signers");
    for (size_t i = 0; i < n; i++) {
        member *m = find_member(c, signers[i].id);
        char h[67];
        id_hex(h, signers[i].id);
        if (m == NULL)
            return MP_FAIL(err, MP_ERR_INVALID,
                           "signer %s is not in the operator set at the reference block", h);
        if (m->signer != NULL)
            return MP_FAIL(err, MP_ERR_INVALID, "signer %s is given twice", h);
        m->signer = &signers[i];
    }
    return MP_OK;
}

static void scale_g1(mp_bn254_g1 *r, const mp_bn254_g1 *p, uint32_t k)
{
    mp_bn254_scalar s;
    if (k == 1) {
        *r = *p;
        return;
    }
    mp_bn254_scalar_set_u64(&s, k);
    mp_bn254_g1_mul_var(r, p, &s);
}

static void scale_g2(mp_bn254_g2 *r, const mp_bn254_g2 *p, uint32_t k)
{
    mp_bn254_scalar s;
    if (k == 1) {
        *r = *p;
        return;
    }
    mp_bn254_scalar_set_u64(&s, k);
    mp_bn254_g2_mul_var(r, p, &s);
}

static int alloc_params(mp_checksig_params *p, size_t nq, size_t nn, mp_err *err)
{
    size_t an = nn ? nn : 1;
    p->nonsigner_ids = calloc(an, 32);
    p->nonsigner_pubkeys = calloc(an, sizeof *p->nonsigner_pubkeys);
    p->nonsigner_multiplicity = calloc(an, sizeof *p->nonsigner_multiplicity);
    p->quorum_apks = calloc(nq, sizeof *p->quorum_apks);
    p->signed_stake = calloc(nq, 32);
    p->total_stake = calloc(nq, 32);
    if (!p->nonsigner_ids || !p->nonsigner_pubkeys || !p->nonsigner_multiplicity ||
        !p->quorum_apks || !p->signed_stake || !p->total_stake)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory for signature parameters");
    return MP_OK;
}

static void u128_to_word(uint8_t w[32], u128 v)
{
    memset(w, 0, 32);
    for (int i = 31; i >= 16; i--, v >>= 8)
        w[i] = (uint8_t)v;
}

/* A stake word that must fit 96 bits (StakeRegistry stores uint96). */
static int word_to_u128(u128 *v, const uint8_t w[32], mp_err *err)
{
    for (int i = 0; i < 20; i++)
        if (w[i] != 0)
            return MP_FAIL(err, MP_ERR_INVALID, "stake does not fit in 96 bits");
    *v = 0;
    for (int i = 20; i < 32; i++)
        *v = *v << 8 | w[i];
    return MP_OK;
}

/* Quorum APKs (sum of the set's G1 keys) and signed / total stake per quorum. */
static int quorum_sums(mp_checksig_params *p, const build_ctx *c, mp_err *err)
{
    for (size_t i = 0; i < c->state->n_sets; i++) {
        const mp_avs_quorum_set *q = &c->state->sets[i];
        u128 total = 0, nonsigned = 0, stake;
        mp_bn254_g1 *pts = malloc((q->n ? q->n : 1) * sizeof *pts);
        if (pts == NULL)
            return MP_FAIL(err, MP_ERR_NOMEM, "out of memory for quorum %u", q->quorum);
        for (size_t j = 0; j < q->n; j++) {
            const member *m = find_member(c, q->ops[j].id);
            pts[j] = m->key->g1;
            int rc = word_to_u128(&stake, q->ops[j].stake, err);
            if (rc != MP_OK) {
                free(pts);
                return rc;
            }
            total += stake;
            if (m->signer == NULL)
                nonsigned += stake;
        }
        mp_bn254_g1_sum(&p->quorum_apks[i], pts, q->n);
        free(pts);
        u128_to_word(p->total_stake[i], total);
        u128_to_word(p->signed_stake[i], total - nonsigned);
    }
    return MP_OK;
}

/* Non-signers (already in id order) and the signers' aggregates. */
static int member_sums(mp_checksig_params *p, const build_ctx *c, size_t n_signers, mp_err *err)
{
    mp_bn254_g1 *sigs = malloc(n_signers * sizeof *sigs);
    mp_bn254_g2 *keys = malloc(n_signers * sizeof *keys);
    if (sigs == NULL || keys == NULL) {
        free(sigs);
        free(keys);
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory for %zu signers", n_signers);
    }
    size_t ns = 0, nn = 0;
    for (size_t i = 0; i < c->n_members; i++) {
        const member *m = &c->members[i];
        if (m->signer != NULL) {
            scale_g1(&sigs[ns], &m->signer->sig, m->multiplicity);
            scale_g2(&keys[ns], &m->key->g2, m->multiplicity);
            ns++;
        } else {
            memcpy(p->nonsigner_ids[nn], m->id, 32);
            p->nonsigner_pubkeys[nn] = m->key->g1;
            p->nonsigner_multiplicity[nn] = m->multiplicity;
            nn++;
        }
    }
    mp_bn254_g1_sum(&p->sigma, sigs, ns);
    mp_bn254_g2_sum(&p->apk_g2, keys, ns);
    free(sigs);
    free(keys);
    return MP_OK;
}

int mp_checksig_build(mp_checksig_params *out, const mp_avs_operator_state *state,
                      const mp_checksig_key *keys, size_t n_keys, const mp_checksig_signer *signers,
                      size_t n_signers, mp_err *err)
{
    MP_ARG_CHECK(err, out != NULL && state != NULL);
    MP_ARG_CHECK(err, (keys != NULL || n_keys == 0) && (signers != NULL || n_signers == 0));
    memset(out, 0, sizeof *out);
    MP_TRY(check_state(state, err));
    build_ctx c = {.state = state};
    int rc = load_keys(&c, keys, n_keys, err);
    if (rc == MP_OK)
        rc = collect_members(&c, err);
    if (rc == MP_OK)
        rc = mark_signers(&c, signers, n_signers, err);
    if (rc == MP_OK)
        rc = alloc_params(out, state->n_sets, c.n_members - n_signers, err);
    if (rc == MP_OK) {
        out->reference_block = state->block;
        out->n_quorums = state->n_sets;
        for (size_t i = 0; i < state->n_sets; i++)
            out->quorums[i] = state->sets[i].quorum;
        out->n_nonsigners = c.n_members - n_signers;
        rc = quorum_sums(out, &c, err);
    }
    if (rc == MP_OK)
        rc = member_sums(out, &c, n_signers, err);
    free(c.keys);
    free(c.members);
    if (rc != MP_OK)
        mp_checksig_params_free(out);
    return rc;
}

int mp_checksig_verify(const mp_checksig_params *p, const uint8_t digest[32], mp_err *err)
{
    MP_ARG_CHECK(err, p != NULL && p->n_quorums > 0);
    size_t n = p->n_quorums + p->n_nonsigners;
    mp_bn254_g1 *terms = malloc(n * sizeof *terms), apk;
    if (terms == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < p->n_quorums; i++)
        terms[i] = p->quorum_apks[i];
    for (size_t j = 0; j < p->n_nonsigners; j++) {
        mp_bn254_g1 neg;
        mp_bn254_g1_neg(&neg, &p->nonsigner_pubkeys[j]);
        scale_g1(&terms[p->n_quorums + j], &neg, p->nonsigner_multiplicity[j]);
    }
    mp_bn254_g1_sum(&apk, terms, n);
    free(terms);
    return mp_bls_checksig_verify(digest, &apk, &p->apk_g2, &p->sigma, err);
}

bool mp_checksig_meets_threshold(const uint8_t signed_stake[32], const uint8_t total_stake[32],
                                 unsigned percent)
{
    u128 s, t;
    if (word_to_u128(&s, signed_stake, NULL) != MP_OK ||
        word_to_u128(&t, total_stake, NULL) != MP_OK)
        return false;
    return s > 0 && s * 100 >= t * percent;
}

/* ---- encoding ---- */

static void put_u32_array(mp_buf *b, const uint32_t *v, size_t n)
{
    mp_abi_put_u64(b, n);
    for (size_t i = 0; i < n; i++)
        mp_abi_put_u64(b, v[i]);
}

static void put_g1_array(mp_buf *b, const mp_bn254_g1 *v, size_t n)
{
    uint8_t enc[64];
    mp_abi_put_u64(b, n);
    for (size_t i = 0; i < n; i++) {
        mp_bn254_g1_encode(enc, &v[i]);
        mp_buf_append(b, enc, 64);
    }
}

/* Encoded size of a uint32[] / G1Point[] tail. */
static size_t u32_array_size(size_t n)
{
    return 32 + 32 * n;
}

static size_t g1_array_size(size_t n)
{
    return 32 + 64 * n;
}

int mp_checksig_encode(mp_buf *out, const mp_checksig_params *p, mp_err *err)
{
    MP_ARG_CHECK(err, p != NULL && p->n_quorums > 0);
    if (!p->have_indices)
        return MP_FAIL(err, MP_ERR_MISUSE,
                       "misuse: the history indices are not filled (getCheckSignaturesIndices)");
    size_t nq = p->n_quorums, nn = p->n_nonsigners;
    size_t off = 12 * 32; /* head: 3 offsets, apkG2 (4 words), sigma (2), 3 offsets */
    size_t o_bitmap = off, o_pubkeys = o_bitmap + u32_array_size(nn);
    size_t o_apks = o_pubkeys + g1_array_size(nn), o_apk_idx = o_apks + g1_array_size(nq);
    size_t o_total = o_apk_idx + u32_array_size(nq), o_stake = o_total + u32_array_size(nq);
    uint8_t g2[128], g1[64];
    mp_abi_put_u64(out, o_bitmap);
    mp_abi_put_u64(out, o_pubkeys);
    mp_abi_put_u64(out, o_apks);
    mp_bn254_g2_encode(g2, &p->apk_g2);
    mp_buf_append(out, g2, 128);
    mp_bn254_g1_encode(g1, &p->sigma);
    mp_buf_append(out, g1, 64);
    mp_abi_put_u64(out, o_apk_idx);
    mp_abi_put_u64(out, o_total);
    mp_abi_put_u64(out, o_stake);
    put_u32_array(out, p->nonsigner_bitmap_indices, nn);
    put_g1_array(out, p->nonsigner_pubkeys, nn);
    put_g1_array(out, p->quorum_apks, nq);
    put_u32_array(out, p->quorum_apk_indices, nq);
    put_u32_array(out, p->total_stake_indices, nq);
    /* uint32[][]: count, one offset per inner array (from after the count), the arrays */
    mp_abi_put_u64(out, nq);
    size_t inner = 32 * nq;
    for (size_t i = 0; i < nq; i++) {
        mp_abi_put_u64(out, inner);
        inner += u32_array_size(p->n_nonsigner_stake_indices[i]);
    }
    for (size_t i = 0; i < nq; i++)
        put_u32_array(out, p->nonsigner_stake_indices[i], p->n_nonsigner_stake_indices[i]);
    return mp_buf_check(out, err);
}

int mp_checksig_confirm_calldata(mp_buf *out, const mp_state_header *h, const mp_checksig_params *p,
                                 mp_err *err)
{
    mp_buf header = MP_BUF_INIT;
    MP_TRY(
        mp_abi_put_selector(out,
                            "confirmState((uint256,bytes,bytes,uint32),(uint32[],(uint256,uint256)"
                            "[],(uint256,uint256)[],(uint256[2],uint256[2]),(uint256,uint256),"
                            "uint32[],uint32[],uint32[][]))",
                            err));
    int rc = mp_state_header_encode(&header, h, err);
    if (rc == MP_OK) {
        mp_abi_put_u64(out, 64);
        mp_abi_put_u64(out, 64 + header.len);
        mp_buf_append(out, header.data, header.len);
        rc = mp_checksig_encode(out, p, err);
    }
    mp_buf_free(&header);
    return rc;
}
