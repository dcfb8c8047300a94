/*
** aggregate.c: checking operator responses and building confirmState
** parameters from a committee's state (include/mpavs/aggregate.h).
** Stakes are uint96 values in 32-byte big-endian words; sums of them stay far
** below 2^256, so a plain byte-wise add is enough.
*/
#include "mpavs/aggregate.h"
#include "mpavs/address.h"
#include "mpavs/bls.h"
#include "mpavs/secp.h"

#include <stdlib.h>
#include <string.h>

const char *mp_agg_verdict_name(mp_agg_verdict v)
{
    switch (v) {
    case MP_AGG_ACCEPTED:
        return "accepted";
    case MP_AGG_NOT_IN_COMMITTEE:
        return "not_in_committee";
    case MP_AGG_BAD_BLS:
        return "bad_bls";
    case MP_AGG_BAD_PROVER_SIG:
        return "bad_prover_signature";
    case MP_AGG_NOT_LIVE:
        return "not_live";
    }
    return "unknown";
}

void mp_agg_digests_of(mp_agg_digests *out, const mp_state_header *h, uint64_t chain_id,
                       const uint8_t service_manager[20])
{
    mp_state_header_digest(out->header, h, chain_id, service_manager);
    mp_prover_state_digest(out->prover, h->identifier, h->metadata, h->metadata_len, h->state,
                           h->state_len);
}

static void u256_add(uint8_t acc[32], const uint8_t v[32])
{
    unsigned carry = 0;
    for (int i = 31; i >= 0; i--) {
        unsigned s = (unsigned)acc[i] + v[i] + carry;
        acc[i] = (uint8_t)s;
        carry = s >> 8;
    }
}

static int cmp_addr(const void *a, const void *b)
{
    return memcmp(a, b, 20);
}

/* ---- committee state ---- */

void mp_agg_committee_free(mp_agg_committee_state *cs)
{
    mp_avs_operator_state_free(&cs->state);
    free(cs->total_stake);
    free(cs->members);
    free(cs->keys);
    memset(cs, 0, sizeof *cs);
}

long mp_agg_committee_find(const mp_agg_committee_state *cs, const uint8_t operator_addr[20])
{
    const uint8_t(*hit)[20] =
        bsearch(operator_addr, cs->members, cs->n_members, sizeof *cs->members, cmp_addr);
    return hit ? (long)(hit - cs->members) : -1;
}

/* The distinct operator addresses of a state, ascending, in a new array. */
static int distinct_addresses(const mp_avs_operator_state *st, uint8_t (**out)[20], size_t *n,
                              mp_err *err)
{
    size_t total = 0, k = 0;
    for (size_t i = 0; i < st->n_sets; i++)
        total += st->sets[i].n;
    uint8_t(*a)[20] = calloc(total ? total : 1, sizeof *a);
    if (a == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory for %zu operators", total);
    for (size_t i = 0; i < st->n_sets; i++)
        for (size_t j = 0; j < st->sets[i].n; j++)
            memcpy(a[k++], st->sets[i].ops[j].address, 20);
    qsort(a, total, sizeof *a, cmp_addr);
    size_t m = 0;
    for (size_t i = 0; i < total; i++)
        if (m == 0 || memcmp(a[m - 1], a[i], 20) != 0)
            memmove(a[m++], a[i], 20);
    *out = a;
    *n = m;
    return MP_OK;
}

/* Each member's key from (addrs, keys); it must carry the id the state lists. */
static int attach_keys(mp_agg_committee_state *cs, const uint8_t (*addrs)[20],
                       const mp_checksig_key *keys, size_t n_keys, mp_err *err)
{
    for (size_t m = 0; m < cs->n_members; m++) {
        size_t k = 0;
        while (k < n_keys && memcmp(addrs[k], cs->members[m], 20) != 0)
            k++;
        if (k == n_keys) {
            char a[MP_ADDRESS_TEXT_LEN];
            mp_address_to_checksum(a, cs->members[m]);
            return MP_FAIL(err, MP_ERR_INVALID, "no BLS key for operator %s", a);
        }
        cs->keys[m] = keys[k];
    }
    for (size_t i = 0; i < cs->state.n_sets; i++)
        for (size_t j = 0; j < cs->state.sets[i].n; j++) {
            const mp_avs_operator *o = &cs->state.sets[i].ops[j];
            long m = mp_agg_committee_find(cs, o->address);
            if (m < 0 || memcmp(cs->keys[m].id, o->id, 32) != 0)
                return MP_FAIL(err, MP_ERR_INVALID,
                               "an operator's registered key does not match its operatorId");
        }
    return MP_OK;
}

int mp_agg_committee_from(mp_agg_committee_state *out, const mp_avs_committee *c,
                          mp_avs_operator_state *state, const uint8_t (*addrs)[20],
                          const mp_checksig_key *keys, size_t n_keys, mp_err *err)
{
    MP_ARG_CHECK(err, out != NULL && c != NULL && state != NULL);
    MP_ARG_CHECK(err, state->n_sets == c->n_quorums && (n_keys == 0 || (addrs && keys)));
    memset(out, 0, sizeof *out);
    out->committee = *c;
    out->reference_block = state->block;
    out->state = *state;
    memset(state, 0, sizeof *state);
    int rc = distinct_addresses(&out->state, &out->members, &out->n_members, err);
    if (rc == MP_OK) {
        out->keys = calloc(out->n_members ? out->n_members : 1, sizeof *out->keys);
        out->total_stake = calloc(out->state.n_sets ? out->state.n_sets : 1, 32);
        if (out->keys == NULL || out->total_stake == NULL)
            rc = MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; rc == MP_OK && i < out->state.n_sets; i++) {
        if (out->state.sets[i].quorum != c->quorums[i])
            rc = MP_FAIL(err, MP_ERR_INVALID, "operator sets are not the committee's quorums");
        for (size_t j = 0; rc == MP_OK && j < out->state.sets[i].n; j++)
            u256_add(out->total_stake[i], out->state.sets[i].ops[j].stake);
    }
    if (rc == MP_OK)
        rc = attach_keys(out, addrs, keys, n_keys, err);
    if (rc != MP_OK)
        mp_agg_committee_free(out);
    return rc;
}

int mp_agg_committee_load(mp_agg_committee_state *out, mp_rpc *rpc, const mp_avs_deployment *d,
                          const mp_avs_committee *c, uint32_t reference_block, mp_err *err)
{
    MP_ARG_CHECK(err, out != NULL && rpc != NULL && d != NULL && c != NULL);
    memset(out, 0, sizeof *out);
    mp_avs_operator_state st;
    uint8_t(*addrs)[20] = NULL;
    mp_checksig_key *keys = NULL;
    size_t n = 0;
    MP_TRY(mp_avs_get_operator_state(rpc, d, c->quorums, c->n_quorums, reference_block, &st, err));
    int rc = distinct_addresses(&st, &addrs, &n, err);
    if (rc == MP_OK && (keys = calloc(n ? n : 1, sizeof *keys)) == NULL)
        rc = MP_FAIL(err, MP_ERR_NOMEM, "out of memory for %zu keys", n);
    if (rc == MP_OK && n > 0)
        rc = mp_avs_get_operator_keys_batch(rpc, d, (const uint8_t(*)[20])addrs, n, reference_block,
                                            keys, err);
    if (rc == MP_OK)
        rc = mp_agg_committee_from(out, c, &st, (const uint8_t(*)[20])addrs, keys, n, err);
    mp_avs_operator_state_free(&st); /* no-op when moved */
    free(addrs);
    free(keys);
    return rc;
}

/* ---- responses ---- */

mp_agg_verdict mp_agg_check_signatures(const mp_agg_digests *dg, const mp_checksig_key *key,
                                       const mp_agg_response *r)
{
    uint8_t enclave[20];
    if (mp_bls_verify(&key->g2, dg->header, &r->bls_sig, NULL) != MP_OK)
        return MP_AGG_BAD_BLS;
    if (mp_secp_recover_address65(enclave, dg->prover, r->prover_sig, NULL) != MP_OK ||
        memcmp(enclave, r->enclave, 20) != 0)
        return MP_AGG_BAD_PROVER_SIG;
    return MP_AGG_ACCEPTED;
}

int mp_agg_check_response(mp_rpc *rpc, const mp_avs_deployment *d, const mp_agg_committee_state *cs,
                          const mp_agg_digests *dg, const mp_agg_response *r,
                          uint64_t liveness_block, mp_agg_verdict *verdict, mp_err *err)
{
    MP_ARG_CHECK(err, rpc && d && cs && dg && r && verdict);
    long m = mp_agg_committee_find(cs, r->operator_addr);
    if (m < 0) {
        *verdict = MP_AGG_NOT_IN_COMMITTEE;
        return MP_OK;
    }
    *verdict = mp_agg_check_signatures(dg, &cs->keys[m], r);
    if (*verdict != MP_AGG_ACCEPTED)
        return MP_OK;
    bool live = false;
    MP_TRY(
        mp_avs_verify_liveness(rpc, d, r->operator_addr, r->enclave, liveness_block, &live, err));
    if (!live)
        *verdict = MP_AGG_NOT_LIVE;
    return MP_OK;
}

/* ---- progress and parameters ---- */

void mp_agg_signed_stake(const mp_agg_committee_state *cs, const bool *signed_mask,
                         uint8_t (*out)[32])
{
    for (size_t i = 0; i < cs->state.n_sets; i++) {
        const mp_avs_quorum_set *set = &cs->state.sets[i];
        memset(out[i], 0, 32);
        for (size_t j = 0; j < set->n; j++) {
            long m = mp_agg_committee_find(cs, set->ops[j].address);
            if (m >= 0 && signed_mask[m])
                u256_add(out[i], set->ops[j].stake);
        }
    }
}

void mp_agg_add_signer(const mp_agg_committee_state *cs, size_t m, uint8_t (*signed_stake)[32])
{
    for (size_t i = 0; i < cs->state.n_sets; i++) {
        const mp_avs_quorum_set *set = &cs->state.sets[i];
        for (size_t j = 0; j < set->n; j++)
            if (memcmp(set->ops[j].address, cs->members[m], 20) == 0) {
                u256_add(signed_stake[i], set->ops[j].stake);
                break;
            }
    }
}

bool mp_agg_meets_thresholds(const mp_agg_committee_state *cs, const uint8_t (*signed_stake)[32])
{
    for (size_t i = 0; i < cs->state.n_sets; i++)
        if (!mp_checksig_meets_threshold(signed_stake[i], cs->total_stake[i],
                                         cs->committee.thresholds[i]))
            return false;
    return cs->state.n_sets > 0;
}

int mp_agg_build_params(mp_checksig_params *out, mp_rpc *rpc, const mp_avs_deployment *d,
                        const mp_agg_committee_state *cs, const mp_checksig_signer *signers,
                        size_t n_signers, mp_err *err)
{
    MP_ARG_CHECK(err, out && rpc && d && cs && (signers || n_signers == 0));
    MP_TRY(mp_checksig_build(out, &cs->state, cs->keys, cs->n_members, signers, n_signers, err));
    int rc = mp_avs_get_check_signatures_indices(rpc, d, out, err);
    if (rc != MP_OK)
        mp_checksig_params_free(out);
    return rc;
}
