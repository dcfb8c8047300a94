/*
** avschain.c: eth_call reads of an mpavs deployment (include/mpavs/avschain.h).
** Calldata is built with the ABI word helpers; return data of nested dynamic
** types is decoded with the strict value decoder (abi.h), everything else by
** word index.
*/
#include "mpavs/avschain.h"
#include "mpavs/abi.h"
#include "mpavs/address.h"
#include "mpavs/bn254_g1.h"
#include "mpavs/bn254_g2.h"
#include "mpavs/ethrpc.h"
#include "mpavs/file.h"
#include "mpavs/hex.h"
#include "mpavs/json.h"
#include "mpavs/mem.h"
#include "mpavs/u256.h"

#include <stdlib.h>
#include <string.h>

/* ---- deployment file ---- */

typedef struct addr_field {
    const char *key;
    size_t offset;
    bool optional;
} addr_field;

#define ADDR(k, f, opt)                                                                            \
    {                                                                                              \
        k, offsetof(mp_avs_deployment, f), opt                                                     \
    }
static const addr_field deployment_addresses[] = {
    ADDR("stakeToken", stake_token, false),
    ADDR("restakingVault", restaking_vault, false),
    ADDR("avsDirectory", avs_directory, false),
    ADDR("registryCoordinator", registry_coordinator, false),
    ADDR("stakeRegistry", stake_registry, false),
    ADDR("blsApkRegistry", bls_apk_registry, false),
    ADDR("indexRegistry", index_registry, false),
    ADDR("operatorStateRetriever", operator_state_retriever, false),
    ADDR("serviceManager", service_manager, false),
    ADDR("teeLivenessVerifier", tee_liveness_verifier, false),
    ADDR("sgxAttestationVerifier", sgx_attestation_verifier, false),
    ADDR("mockRollup", mock_rollup, false),
    ADDR("dcapCollateralStore", dcap_collateral_store, true),
};

/* dcapRootKeyX/Y, acceptedStatuses, mrEnclaves, mrSigners (absent in older files and in
 * mode "existing"; a zero root key means none). */
static int parse_words(const json_t *root, const char *key, uint8_t (*out)[32], size_t *n,
                       mp_err *err)
{
    json_t *a;
    size_t len;
    *n = 0;
    if (json_object_get(root, key) == NULL)
        return MP_OK;
    MP_TRY(mp_json_get_array(root, key, MP_AVS_MAX_ALLOWED, &a, &len, err));
    for (size_t i = 0; i < len; i++)
        MP_TRY(mp_json_as_word(json_array_get(a, i), key, out[i], err));
    *n = len;
    return MP_OK;
}

static int parse_dcap_policy(mp_avs_deployment *d, const json_t *root, mp_err *err)
{
    uint64_t st = 0;
    bool has;
    if (json_object_get(root, "dcapRootKeyX") == NULL &&
        json_object_get(root, "dcapRootKeyY") == NULL)
        return MP_OK;
    MP_TRY(mp_json_get_word(root, "dcapRootKeyX", d->dcap_root_key, err));
    MP_TRY(mp_json_get_word(root, "dcapRootKeyY", d->dcap_root_key + 32, err));
    MP_TRY(mp_json_opt_u64(root, "acceptedStatuses", 0, 0xff, &st, &has, err));
    d->accepted_statuses = (unsigned)st;
    MP_TRY(parse_words(root, "mrEnclaves", d->mrenclaves, &d->n_mrenclaves, err));
    MP_TRY(parse_words(root, "mrSigners", d->mrsigners, &d->n_mrsigners, err));
    static const uint8_t zero[64];
    d->has_dcap_policy = memcmp(d->dcap_root_key, zero, 64) != 0;
    return MP_OK;
}

int mp_avs_deployment_dcap_policy(const mp_avs_deployment *d, mp_dcap_policy *pol, mp_err *err)
{
    MP_ARG_CHECK(err, d != NULL && pol != NULL);
    if (!d->has_dcap_policy)
        return MP_FAIL(err, MP_ERR_NOTFOUND, "the deployment file names no DCAP root key");
    mp_dcap_policy_init(pol);
    memcpy(pol->root_pubkey, d->dcap_root_key, 64);
    pol->accepted_statuses = d->accepted_statuses;
    pol->mrenclaves = d->n_mrenclaves ? (const uint8_t(*)[32])d->mrenclaves : NULL;
    pol->n_mrenclaves = d->n_mrenclaves;
    pol->mrsigners = d->n_mrsigners ? (const uint8_t(*)[32])d->mrsigners : NULL;
    pol->n_mrsigners = d->n_mrsigners;
    return MP_OK;
}

static int parse_deployment(mp_avs_deployment *d, json_t *root, mp_err *err)
{
    const char *mode;
    MP_TRY(mp_json_as_object(root, "the document", err));
    MP_TRY(mp_json_get_u64(root, "chainId", 0, INT64_MAX, &d->chain_id, err));
    MP_TRY(mp_json_get_u64(root, "startBlock", 0, INT64_MAX, &d->start_block, err));
    MP_TRY(mp_json_get_u64(root, "l2ChainId", 0, INT64_MAX, &d->l2_chain_id, err));
    for (size_t i = 0; i < sizeof deployment_addresses / sizeof *deployment_addresses; i++) {
        const addr_field *f = &deployment_addresses[i];
        uint8_t *out = (uint8_t *)d + f->offset;
        bool has;
        if (f->optional)
            MP_TRY(mp_json_opt_address(root, f->key, out, &has, err));
        else
            MP_TRY(mp_json_get_address(root, f->key, out, err));
    }
    MP_TRY(mp_json_opt_str(root, "attestationMode", &mode, err));
    if (mode != NULL && strlen(mode) >= sizeof d->attestation_mode)
        return MP_FAIL(err, MP_ERR_PARSE, "attestationMode is longer than %zu bytes",
                       sizeof d->attestation_mode - 1);
    if (mode != NULL)
        strcpy(d->attestation_mode, mode);
    return parse_dcap_policy(d, root, err);
}

int mp_avs_deployment_load(mp_avs_deployment *d, const char *path, mp_err *err)
{
    MP_ARG_CHECK(err, d != NULL && path != NULL);
    memset(d, 0, sizeof *d);
    uint8_t *text;
    size_t len;
    MP_TRY(mp_file_read(path, 1 << 20, &text, &len, err));
    json_t *root;
    int rc = mp_json_parse(&root, (const char *)text, len, err);
    free(text);
    if (rc == MP_OK)
        rc = parse_deployment(d, root, err);
    if (rc != MP_OK)
        mp_err_wrap(err, "%s", path);
    json_decref(root);
    return rc;
}

/* ---- calls ---- */

static int call(mp_rpc *rpc, const uint8_t to[20], const mp_buf *cd, uint64_t block, mp_buf *ret,
                const char *what, mp_err *err)
{
    MP_TRY(mp_buf_check(cd, err));
    mp_eth_callmsg m = {.to = to, .data = cd->data, .data_len = cd->len};
    int rc = mp_eth_call(rpc, &m, block, ret, err);
    if (rc != MP_OK)
        mp_err_wrap(err, "%s", what);
    return rc;
}

/* Calls and decodes the return data as the parameter list `types`. */
static int call_decode(mp_rpc *rpc, const uint8_t to[20], const mp_buf *cd, uint64_t block,
                       const char *types, mp_abi_type **t, mp_abi_value *v, const char *what,
                       mp_err *err)
{
    mp_buf ret = MP_BUF_INIT;
    int rc = call(rpc, to, cd, block, &ret, what, err);
    if (rc == MP_OK)
        rc = mp_abi_params_parse(t, types, err);
    if (rc == MP_OK) {
        rc = mp_abi_decode(v, *t, ret.data, ret.len, err);
        if (rc != MP_OK)
            mp_err_wrap(err, "%s returned", what);
    }
    mp_buf_free(&ret);
    return rc;
}

static uint32_t word_u32(const mp_abi_value *v)
{
    uint64_t x = 0;
    mp_u256_to_u64(&x, v->word);
    return (uint32_t)x; /* the decoder checked the uint32 range */
}

/* ---- operator state ---- */

static int fill_set(mp_avs_quorum_set *set, uint8_t quorum, const mp_abi_value *ops, mp_err *err)
{
    set->quorum = quorum;
    set->n = ops->nitems;
    set->ops = calloc(set->n ? set->n : 1, sizeof *set->ops);
    if (set->ops == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory for %zu operators", set->n);
    for (size_t j = 0; j < set->n; j++) {
        const mp_abi_value *o = &ops->items[j]; /* (address, bytes32, uint96) */
        memcpy(set->ops[j].address, o->items[0].word + 12, 20);
        memcpy(set->ops[j].id, o->items[1].word, 32);
        memcpy(set->ops[j].stake, o->items[2].word, 32);
    }
    return MP_OK;
}

int mp_avs_get_operator_state(mp_rpc *rpc, const mp_avs_deployment *d, const uint8_t *quorums,
                              size_t n_quorums, uint32_t block, mp_avs_operator_state *out,
                              mp_err *err)
{
    MP_ARG_CHECK(err, rpc != NULL && d != NULL && out != NULL && quorums != NULL);
    memset(out, 0, sizeof *out);
    mp_buf cd = MP_BUF_INIT;
    mp_abi_type *t = NULL;
    mp_abi_value v = {0};
    MP_TRY(mp_abi_put_selector(&cd, "getOperatorState(address,bytes,uint32)", err));
    mp_abi_put_address(&cd, d->registry_coordinator);
    mp_abi_put_u64(&cd, 3 * 32);
    mp_abi_put_u64(&cd, block);
    mp_abi_put_tail_bytes(&cd, quorums, n_quorums);
    int rc = call_decode(rpc, d->operator_state_retriever, &cd, block,
                         "((address,bytes32,uint96)[][])", &t, &v, "getOperatorState", err);
    if (rc == MP_OK && v.items[0].nitems != n_quorums)
        rc = MP_FAIL(err, MP_ERR_PARSE, "getOperatorState returned %zu quorums for %zu",
                     v.items[0].nitems, n_quorums);
    if (rc == MP_OK) {
        out->block = block;
        out->sets = calloc(n_quorums ? n_quorums : 1, sizeof *out->sets);
        if (out->sets == NULL)
            rc = MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; rc == MP_OK && i < n_quorums; i++) {
        rc = fill_set(&out->sets[i], quorums[i], &v.items[0].items[i], err);
        out->n_sets = i + 1;
    }
    if (rc != MP_OK)
        mp_avs_operator_state_free(out);
    mp_abi_value_free(&v);
    mp_abi_type_free(t);
    mp_buf_free(&cd);
    return rc;
}

/* ---- history indices ---- */

static int copy_u32s(uint32_t **out, const mp_abi_value *arr, size_t expect, const char *what,
                     mp_err *err)
{
    if (expect != SIZE_MAX && arr->nitems != expect)
        return MP_FAIL(err, MP_ERR_PARSE, "getCheckSignaturesIndices: %s has %zu entries, not %zu",
                       what, arr->nitems, expect);
    *out = calloc(arr->nitems ? arr->nitems : 1, sizeof **out);
    if (*out == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < arr->nitems; i++)
        (*out)[i] = word_u32(&arr->items[i]);
    return MP_OK;
}

static int fill_indices(mp_checksig_params *p, const mp_abi_value *r, mp_err *err)
{
    size_t nq = p->n_quorums;
    MP_TRY(copy_u32s(&p->nonsigner_bitmap_indices, &r->items[0], p->n_nonsigners,
                     "nonSignerQuorumBitmapIndices", err));
    MP_TRY(copy_u32s(&p->quorum_apk_indices, &r->items[1], nq, "quorumApkIndices", err));
    MP_TRY(copy_u32s(&p->total_stake_indices, &r->items[2], nq, "totalStakeIndices", err));
    if (r->items[3].nitems != nq)
        return MP_FAIL(err, MP_ERR_PARSE, "getCheckSignaturesIndices: %zu stake index lists",
                       r->items[3].nitems);
    p->nonsigner_stake_indices = calloc(nq, sizeof *p->nonsigner_stake_indices);
    p->n_nonsigner_stake_indices = calloc(nq, sizeof *p->n_nonsigner_stake_indices);
    if (p->nonsigner_stake_indices == NULL || p->n_nonsigner_stake_indices == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < nq; i++) {
        const mp_abi_value *inner = &r->items[3].items[i];
        MP_TRY(copy_u32s(&p->nonsigner_stake_indices[i], inner, SIZE_MAX, "nonSignerStakeIndices",
                         err));
        p->n_nonsigner_stake_indices[i] = inner->nitems;
    }
    p->have_indices = true;
    return MP_OK;
}

int mp_avs_get_check_signatures_indices(mp_rpc *rpc, const mp_avs_deployment *d,
                                        mp_checksig_params *p, mp_err *err)
{
    MP_ARG_CHECK(err, rpc != NULL && d != NULL && p != NULL && p->n_quorums > 0);
    mp_checksig_indices_free(p);
    mp_buf cd = MP_BUF_INIT;
    mp_abi_type *t = NULL;
    mp_abi_value v = {0};
    MP_TRY(
        mp_abi_put_selector(&cd, "getCheckSignaturesIndices(address,uint32,bytes,bytes32[])", err));
    mp_abi_put_address(&cd, d->registry_coordinator);
    mp_abi_put_u64(&cd, p->reference_block);
    mp_abi_put_u64(&cd, 4 * 32);
    mp_abi_put_u64(&cd, 4 * 32 + mp_abi_tail_bytes_len(p->n_quorums));
    mp_abi_put_tail_bytes(&cd, p->quorums, p->n_quorums);
    mp_abi_put_u64(&cd, p->n_nonsigners);
    for (size_t i = 0; i < p->n_nonsigners; i++)
        mp_abi_put_word(&cd, p->nonsigner_ids[i]);
    int rc = call_decode(rpc, d->operator_state_retriever, &cd, MP_BLOCK_LATEST,
                         "((uint32[],uint32[],uint32[],uint32[][]))", &t, &v,
                         "getCheckSignaturesIndices", err);
    if (rc == MP_OK)
        rc = fill_indices(p, &v.items[0], err);
    if (rc != MP_OK)
        mp_checksig_indices_free(p);
    mp_abi_value_free(&v);
    mp_abi_type_free(t);
    mp_buf_free(&cd);
    return rc;
}

/* ---- keys, committees, views ---- */

static int call_words(mp_rpc *rpc, const uint8_t to[20], mp_buf *cd, uint64_t block, size_t words,
                      mp_buf *ret, const char *what, mp_err *err)
{
    int rc = call(rpc, to, cd, block, ret, what, err);
    mp_buf_free(cd);
    if (rc == MP_OK && ret->len < 32 * words)
        rc = MP_FAIL(err, MP_ERR_PARSE, "%s returned %zu bytes, expected %zu", what, ret->len,
                     32 * words);
    return rc;
}

/* getRegisteredPubkey returns (G1 point, operatorId). */
static int decode_g1_key(mp_checksig_key *out, const mp_buf *ret, mp_err *err)
{
    if (ret->len < 3 * 32)
        return MP_FAIL(err, MP_ERR_PARSE, "getRegisteredPubkey returned %zu bytes, expected 96",
                       ret->len);
    MP_TRY(mp_bn254_g1_decode(&out->g1, ret->data, err));
    memcpy(out->id, ret->data + 64, 32);
    return MP_OK;
}

static int decode_g2_key(mp_checksig_key *out, const mp_buf *ret, mp_err *err)
{
    if (ret->len < 4 * 32)
        return MP_FAIL(err, MP_ERR_PARSE, "getOperatorPubkeyG2 returned %zu bytes, expected 128",
                       ret->len);
    MP_TRY(mp_bn254_g2_decode(&out->g2, ret->data, err));
    if (out->g2.infinity)
        return MP_FAIL(err, MP_ERR_NOTFOUND, "the operator registered no G2 key");
    return MP_OK;
}

/* The two key reads of one operator: calldata for getRegisteredPubkey (cd[0]) and
 * getOperatorPubkeyG2 (cd[1]). */
static int key_calldata(mp_buf cd[2], const uint8_t operator_addr[20], mp_err *err)
{
    MP_TRY(mp_abi_put_selector(&cd[0], "getRegisteredPubkey(address)", err));
    mp_abi_put_address(&cd[0], operator_addr);
    MP_TRY(mp_abi_put_selector(&cd[1], "getOperatorPubkeyG2(address)", err));
    mp_abi_put_address(&cd[1], operator_addr);
    MP_TRY(mp_buf_check(&cd[0], err));
    return mp_buf_check(&cd[1], err);
}

int mp_avs_get_operator_keys(mp_rpc *rpc, const mp_avs_deployment *d,
                             const uint8_t operator_addr[20], uint64_t block, mp_checksig_key *out,
                             mp_err *err)
{
    MP_ARG_CHECK(err, rpc != NULL && d != NULL && out != NULL);
    return mp_avs_get_operator_keys_batch(rpc, d, (const uint8_t(*)[20])operator_addr, 1, block,
                                          out, err);
}

/* Keys of up to MP_AVS_KEYS_PER_BATCH operators in one JSON-RPC batch. */
static int keys_chunk(mp_rpc *rpc, const mp_avs_deployment *d, const uint8_t (*addrs)[20], size_t n,
                      uint64_t block, mp_checksig_key *out, mp_err *err)
{
    mp_buf cd[2 * MP_AVS_KEYS_PER_BATCH], ret[2 * MP_AVS_KEYS_PER_BATCH];
    mp_eth_callmsg m[2 * MP_AVS_KEYS_PER_BATCH];
    int rc = MP_OK;
    for (size_t i = 0; i < 2 * n; i++)
        cd[i] = ret[i] = (mp_buf)MP_BUF_INIT;
    for (size_t i = 0; rc == MP_OK && i < n; i++)
        rc = key_calldata(&cd[2 * i], addrs[i], err);
    for (size_t i = 0; i < 2 * n; i++)
        m[i] =
            (mp_eth_callmsg){.to = d->bls_apk_registry, .data = cd[i].data, .data_len = cd[i].len};
    if (rc == MP_OK)
        rc = mp_eth_call_batch(rpc, m, 2 * n, block, ret, err);
    if (rc != MP_OK)
        mp_err_wrap(err, "BLS key reads");
    for (size_t i = 0; rc == MP_OK && i < n; i++) {
        rc = decode_g1_key(&out[i], &ret[2 * i], err);
        if (rc == MP_OK)
            rc = decode_g2_key(&out[i], &ret[2 * i + 1], err);
        if (rc != MP_OK) {
            char a[MP_ADDRESS_TEXT_LEN];
            mp_address_to_checksum(a, addrs[i]);
            mp_err_wrap(err, "operator %s", a);
        }
    }
    for (size_t i = 0; i < 2 * n; i++) {
        mp_buf_free(&cd[i]);
        mp_buf_free(&ret[i]);
    }
    return rc;
}

int mp_avs_get_operator_keys_batch(mp_rpc *rpc, const mp_avs_deployment *d,
                                   const uint8_t (*operator_addrs)[20], size_t n, uint64_t block,
                                   mp_checksig_key *out, mp_err *err)
{
    MP_ARG_CHECK(err, rpc != NULL && d != NULL && (n == 0 || (operator_addrs && out)));
    for (size_t i = 0; i < n; i += MP_AVS_KEYS_PER_BATCH) {
        size_t k = n - i < MP_AVS_KEYS_PER_BATCH ? n - i : MP_AVS_KEYS_PER_BATCH;
        MP_TRY(keys_chunk(rpc, d, operator_addrs + i, k, block, out + i, err));
    }
    return MP_OK;
}

static int fill_committee(mp_avs_committee *out, const mp_abi_value *c, uint64_t identifier,
                          mp_err *err)
{
    const mp_abi_value *q = &c->items[0], *th = &c->items[1], *tee = &c->items[2];
    if (q->len == 0)
        return MP_FAIL(err, MP_ERR_NOTFOUND, "committee %llu does not exist",
                       (unsigned long long)identifier);
    if (q->len > MP_CHECKSIG_MAX_QUORUMS || th->len != q->len || tee->len != q->len)
        return MP_FAIL(err, MP_ERR_PARSE, "getCommittee returned inconsistent lengths");
    out->n_quorums = q->len;
    memcpy(out->quorums, q->bytes, q->len);
    memcpy(out->thresholds, th->bytes, q->len);
    memcpy(out->tee_types, tee->bytes, q->len);
    return MP_OK;
}

int mp_avs_get_committee(mp_rpc *rpc, const mp_avs_deployment *d, uint64_t identifier,
                         uint64_t block, mp_avs_committee *out, mp_err *err)
{
    MP_ARG_CHECK(err, rpc != NULL && d != NULL && out != NULL);
    memset(out, 0, sizeof *out);
    mp_buf cd = MP_BUF_INIT;
    mp_abi_type *t = NULL;
    mp_abi_value v = {0};
    MP_TRY(mp_abi_put_selector(&cd, "getCommittee(uint256)", err));
    mp_abi_put_u64(&cd, identifier);
    int rc = call_decode(rpc, d->service_manager, &cd, block, "((bytes,bytes,bytes,string))", &t,
                         &v, "getCommittee", err);
    if (rc == MP_OK)
        rc = fill_committee(out, &v.items[0], identifier, err);
    mp_abi_value_free(&v);
    mp_abi_type_free(t);
    mp_buf_free(&cd);
    return rc;
}

int mp_avs_state_header_digest(mp_rpc *rpc, const mp_avs_deployment *d, const mp_state_header *h,
                               uint64_t block, uint8_t out[32], mp_err *err)
{
    MP_ARG_CHECK(err, rpc != NULL && d != NULL && h != NULL);
    mp_buf cd = MP_BUF_INIT, ret = MP_BUF_INIT;
    int rc = mp_state_header_digest_calldata(&cd, h, err);
    if (rc == MP_OK)
        rc = call_words(rpc, d->service_manager, &cd, block, 1, &ret, "stateHeaderDigest", err);
    if (rc == MP_OK)
        memcpy(out, ret.data, 32);
    mp_buf_free(&cd);
    mp_buf_free(&ret);
    return rc;
}

int mp_avs_verify_liveness(mp_rpc *rpc, const mp_avs_deployment *d, const uint8_t operator_addr[20],
                           const uint8_t enclave[20], uint64_t block, bool *live, mp_err *err)
{
    MP_ARG_CHECK(err, rpc != NULL && d != NULL && live != NULL);
    mp_buf cd = MP_BUF_INIT, ret = MP_BUF_INIT;
    MP_TRY(mp_abi_put_selector(&cd, "verifyLivenessProof(address,address)", err));
    mp_abi_put_address(&cd, operator_addr);
    mp_abi_put_address(&cd, enclave);
    int rc =
        call_words(rpc, d->tee_liveness_verifier, &cd, block, 1, &ret, "verifyLivenessProof", err);
    if (rc == MP_OK)
        rc = mp_abi_read_bool(live, ret.data, ret.len, 0, err);
    mp_buf_free(&ret);
    return rc;
}

/* verifyLivenessProof for ops[0..n) in one JSON-RPC batch. */
static int liveness_chunk(mp_rpc *rpc, const mp_avs_deployment *d, const uint8_t (*ops)[20],
                          const uint8_t (*enclaves)[20], size_t n, uint64_t block, bool *live,
                          mp_err *err)
{
    mp_buf *cd = calloc(n, sizeof *cd), *ret = calloc(n, sizeof *ret);
    mp_eth_callmsg *m = calloc(n, sizeof *m);
    int rc = cd && ret && m ? MP_OK : MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    for (size_t i = 0; rc == MP_OK && i < n; i++) {
        rc = mp_abi_put_selector(&cd[i], "verifyLivenessProof(address,address)", err);
        mp_abi_put_address(&cd[i], ops[i]);
        mp_abi_put_address(&cd[i], enclaves[i]);
        if (rc == MP_OK)
            rc = mp_buf_check(&cd[i], err);
        m[i] = (mp_eth_callmsg){
            .to = d->tee_liveness_verifier, .data = cd[i].data, .data_len = cd[i].len};
    }
    if (rc == MP_OK)
        rc = mp_eth_call_batch(rpc, m, n, block, ret, err);
    for (size_t i = 0; rc == MP_OK && i < n; i++)
        rc = mp_abi_read_bool(&live[i], ret[i].data, ret[i].len, 0, err);
    for (size_t i = 0; cd && ret && i < n; i++) {
        mp_buf_free(&cd[i]);
        mp_buf_free(&ret[i]);
    }
    free(cd);
    free(ret);
    free(m);
    if (rc != MP_OK)
        mp_err_wrap(err, "verifyLivenessProof batch");
    return rc;
}

int mp_avs_verify_liveness_batch(mp_rpc *rpc, const mp_avs_deployment *d,
                                 const uint8_t (*operator_addrs)[20], const uint8_t (*enclaves)[20],
                                 size_t n, uint64_t block, bool *live, mp_err *err)
{
    MP_ARG_CHECK(err, rpc != NULL && d != NULL && (n == 0 || (operator_addrs && enclaves && live)));
    for (size_t i = 0; i < n; i += MP_RPC_MAX_BATCH) {
        size_t k = n - i < MP_RPC_MAX_BATCH ? n - i : MP_RPC_MAX_BATCH;
        MP_TRY(liveness_chunk(rpc, d, operator_addrs + i, enclaves + i, k, block, live + i, err));
    }
    return MP_OK;
}

int mp_avs_confirmed_state_hash(mp_rpc *rpc, const mp_avs_deployment *d,
                                const uint8_t identifier[32], const uint8_t *metadata,
                                size_t metadata_len, uint64_t block, uint8_t out[32], mp_err *err)
{
    MP_ARG_CHECK(err, rpc != NULL && d != NULL && (metadata != NULL || metadata_len == 0));
    mp_buf cd = MP_BUF_INIT, ret = MP_BUF_INIT;
    MP_TRY(mp_abi_put_selector(&cd, "confirmedStateHash(uint256,bytes)", err));
    mp_abi_put_word(&cd, identifier);
    mp_abi_put_u64(&cd, 64);
    mp_abi_put_tail_bytes(&cd, metadata, metadata_len);
    int rc = call_words(rpc, d->service_manager, &cd, block, 1, &ret, "confirmedStateHash", err);
    if (rc == MP_OK)
        memcpy(out, ret.data, 32);
    mp_buf_free(&ret);
    return rc;
}

int mp_avs_get_liveness(mp_rpc *rpc, const mp_avs_deployment *d, const uint8_t operator_id[32],
                        uint64_t block, mp_avs_liveness *out, mp_err *err)
{
    MP_ARG_CHECK(err, rpc != NULL && d != NULL && operator_id != NULL && out != NULL);
    memset(out, 0, sizeof *out);
    mp_buf cd = MP_BUF_INIT, ret = MP_BUF_INIT;
    uint64_t tee = 0;
    MP_TRY(mp_abi_put_selector(&cd, "getLivenessRecord(bytes32)", err));
    mp_abi_put_word(&cd, operator_id);
    int rc = call(rpc, d->tee_liveness_verifier, &cd, block, &ret, "getLivenessRecord", err);
    if (rc == MP_OK)
        rc = mp_abi_read_address(out->enclave, ret.data, ret.len, 0, err);
    if (rc == MP_OK)
        rc = mp_abi_read_u64(&out->attested_at, ret.data, ret.len, 1, err);
    if (rc == MP_OK)
        rc = mp_abi_read_u64(&tee, ret.data, ret.len, 2, err);
    if (rc == MP_OK)
        rc = mp_abi_read_u64(&out->reference_block, ret.data, ret.len, 3, err);
    mp_buf_free(&cd);
    mp_buf_free(&ret);
    if (rc == MP_OK && tee > 0xff)
        rc = MP_FAIL(err, MP_ERR_PARSE, "getLivenessRecord returned a TEE type over 255");
    if (rc == MP_OK && (rc = mp_abi_put_selector(&cd, "validitySeconds()", err)) == MP_OK)
        rc = call(rpc, d->tee_liveness_verifier, &cd, block, &ret, "validitySeconds", err);
    if (rc == MP_OK)
        rc = mp_abi_read_u64(&out->validity, ret.data, ret.len, 0, err);
    mp_buf_free(&cd);
    mp_buf_free(&ret);
    MP_TRY(rc);
    static const uint8_t zero[20];
    out->tee_type = (uint8_t)tee;
    out->attested = memcmp(out->enclave, zero, 20) != 0 && out->attested_at != 0;
    out->live_until = out->attested ? out->attested_at + out->validity : 0;
    return MP_OK;
}
