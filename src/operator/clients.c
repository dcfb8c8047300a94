/*
** clients.c: prover and aggregator JSON-RPC calls of the operator
** (clients.h, docs/protocol.md section 8).
*/
#include "clients.h"
#include "mpavs/json.h"
#include "mpavs/keccak.h"
#include "mpavs/secp.h"
#include "mpavs/stateheader.h"
#include "mpavs/u256.h"

#include <string.h>

#define MAX_STATE    4096 /* the devnet's states are 64 or 96 bytes */
#define MAX_METADATA 4096
#define MAX_QUOTE    (64 * 1024)

static int call(mp_rpc *c, const char *method, json_t *params, json_t **res, mp_err *err)
{
    int rc = mp_rpc_call(c, method, params, res, err);
    if (rc != MP_OK)
        mp_err_wrap(err, "%s", method);
    return rc;
}

int op_prover_enclave(mp_rpc *prover, uint8_t enclave[20], mp_err *err)
{
    json_t *res;
    MP_TRY(call(prover, "prover_metadata", json_array(), &res, err));
    int rc = mp_json_as_object(res, "prover_metadata result", err);
    if (rc == MP_OK)
        rc = mp_json_get_address(res, "enclaveAddress", enclave, err);
    json_decref(res);
    if (rc != MP_OK)
        mp_err_wrap(err, "prover_metadata");
    return rc;
}

int op_prover_quote(mp_rpc *prover, const uint8_t data[32], mp_buf *quote, mp_err *err)
{
    json_t *res, *params = json_array();
    json_array_append_new(params, mp_json_hex_new(data, 32, MP_JSON_0X));
    MP_TRY(call(prover, "generateAttestationReport", params, &res, err));
    int rc = mp_json_as_hex_buf(res, "the quote", MP_JSON_0X, MAX_QUOTE, quote, err);
    json_decref(res);
    if (rc != MP_OK)
        mp_err_wrap(err, "generateAttestationReport");
    return rc;
}

/* The prover's signature over the state must come from the enclave it names. */
static int check_prover_signature(uint64_t identifier, const mp_buf *metadata, const op_proof *p,
                                  mp_err *err)
{
    uint8_t id[32], digest[32], who[20];
    mp_u256_from_u64(id, identifier);
    mp_prover_state_digest(digest, id, metadata->data, metadata->len, p->state.data, p->state.len);
    MP_TRY(mp_secp_recover_address65(who, digest, p->prover_signature, err));
    if (memcmp(who, p->enclave, 20) != 0)
        return MP_FAIL(err, MP_ERR_VERIFY,
                       "proverSignature does not recover to the enclaveAddress the prover gave");
    return MP_OK;
}

static int parse_proof(const json_t *res, uint64_t identifier, const mp_buf *metadata, op_proof *p,
                       mp_err *err)
{
    uint64_t got_id;
    bool has;
    mp_buf meta = MP_BUF_INIT;
    MP_TRY(mp_json_as_object(res, "result", err));
    MP_TRY(mp_json_opt_bool(res, "notReady", &p->not_ready, &has, err));
    MP_TRY(mp_json_get_u64(res, "identifier", 0, INT64_MAX, &got_id, err));
    int rc = mp_json_get_hex_buf(res, "metadata", MP_JSON_0X, MAX_METADATA, &meta, err);
    if (rc == MP_OK && (got_id != identifier || meta.len != metadata->len ||
                        memcmp(meta.data, metadata->data, meta.len) != 0))
        rc = MP_FAIL(err, MP_ERR_VERIFY, "the answer is for another task");
    mp_buf_free(&meta);
    if (rc != MP_OK || p->not_ready)
        return rc;
    MP_TRY(mp_json_get_hex_buf(res, "state", MP_JSON_0X, MAX_STATE, &p->state, err));
    MP_TRY(mp_json_get_hex(res, "proverSignature", MP_JSON_0X, p->prover_signature, 65, err));
    MP_TRY(mp_json_get_address(res, "enclaveAddress", p->enclave, err));
    return check_prover_signature(identifier, metadata, p, err);
}

int op_prover_prove(mp_rpc *prover, uint64_t identifier, const mp_buf *metadata, op_proof *p,
                    mp_err *err)
{
    memset(p, 0, sizeof *p);
    json_t *res, *params = json_array(), *task = json_object();
    json_object_set_new(task, "identifier", mp_json_u64_new(identifier));
    json_object_set_new(task, "metadata",
                        mp_json_hex_new(metadata->data, metadata->len, MP_JSON_0X));
    json_array_append_new(params, task);
    MP_TRY(call(prover, "prover_proveTask", params, &res, err));
    int rc = parse_proof(res, identifier, metadata, p, err);
    json_decref(res);
    if (rc != MP_OK) {
        mp_buf_free(&p->state);
        mp_err_wrap(err, "prover_proveTask");
    }
    return rc;
}

static int parse_task(const json_t *v, mp_opstore_task *t, mp_err *err)
{
    uint64_t ref;
    memset(t, 0, sizeof *t);
    MP_TRY(mp_json_as_object(v, "task", err));
    MP_TRY(mp_json_get_u64(v, "taskId", 1, INT64_MAX, &t->task_id, err));
    MP_TRY(mp_json_get_u64(v, "identifier", 1, UINT32_MAX, &t->identifier, err));
    MP_TRY(mp_json_get_u64(v, "referenceBlockNumber", 0, UINT32_MAX, &ref, err));
    MP_TRY(mp_json_get_u64(v, "expiresAt", 0, INT64_MAX, &t->expires_at, err));
    t->reference_block = (uint32_t)ref;
    return mp_json_get_hex_buf(v, "metadata", MP_JSON_0X, MAX_METADATA, &t->metadata, err);
}

static int parse_tasks(const json_t *res, mp_opstore_task *tasks, size_t cap, size_t *n,
                       mp_err *err)
{
    json_t *arr;
    size_t len;
    MP_TRY(mp_json_as_object(res, "result", err));
    MP_TRY(mp_json_get_array(res, "tasks", cap, &arr, &len, err));
    for (size_t i = 0; i < len; i++) {
        int rc = parse_task(json_array_get(arr, i), &tasks[i], err);
        if (rc != MP_OK) {
            mp_opstore_task_free(&tasks[i]);
            for (size_t j = 0; j < i; j++)
                mp_opstore_task_free(&tasks[j]);
            mp_err_wrap(err, "task %zu", i);
            return rc;
        }
    }
    *n = len;
    return MP_OK;
}

int op_agg_fetch(mp_rpc *agg, const uint64_t *ids, size_t n_ids, uint64_t after, unsigned wait_s,
                 mp_opstore_task *tasks, size_t cap, size_t *n, mp_err *err)
{
    *n = 0;
    json_t *res, *params = json_array(), *req = json_object(), *idl = json_array();
    for (size_t i = 0; i < n_ids; i++)
        json_array_append_new(idl, mp_json_u64_new(ids[i]));
    json_object_set_new(req, "identifiers", idl);
    json_object_set_new(req, "afterTaskId", mp_json_u64_new(after));
    json_object_set_new(req, "maxWaitSeconds", mp_json_u64_new(wait_s));
    json_array_append_new(params, req);
    MP_TRY(call(agg, "aggregator_fetchTask", params, &res, err));
    int rc = parse_tasks(res, tasks, cap, n, err);
    json_decref(res);
    if (rc != MP_OK)
        mp_err_wrap(err, "aggregator_fetchTask");
    return rc;
}

static json_t *submission(const mp_opstore_task *t, const uint8_t operator_addr[20],
                          const uint8_t operator_id[32])
{
    json_t *s = json_object();
    json_object_set_new(s, "taskId", mp_json_u64_new(t->task_id));
    json_object_set_new(s, "identifier", mp_json_u64_new(t->identifier));
    json_object_set_new(s, "metadata",
                        mp_json_hex_new(t->metadata.data, t->metadata.len, MP_JSON_0X));
    json_object_set_new(s, "state", mp_json_hex_new(t->state.data, t->state.len, MP_JSON_0X));
    json_object_set_new(s, "referenceBlockNumber", mp_json_u64_new(t->reference_block));
    json_object_set_new(s, "operator", mp_json_hex_new(operator_addr, 20, MP_JSON_0X));
    json_object_set_new(s, "operatorId", mp_json_hex_new(operator_id, 32, MP_JSON_0X));
    json_object_set_new(s, "blsSignature", mp_json_hex_new(t->bls_signature, 64, MP_JSON_0X));
    json_object_set_new(s, "proverSignature", mp_json_hex_new(t->prover_signature, 65, MP_JSON_0X));
    json_object_set_new(s, "enclaveAddress", mp_json_hex_new(t->enclave, 20, MP_JSON_0X));
    return s;
}

int op_agg_submit(mp_rpc *agg, const mp_opstore_task *t, const uint8_t operator_addr[20],
                  const uint8_t operator_id[32], bool *duplicate, mp_err *err)
{
    json_t *res, *params = json_array();
    bool accepted = false, has;
    uint64_t id;
    *duplicate = false;
    json_array_append_new(params, submission(t, operator_addr, operator_id));
    MP_TRY(call(agg, "aggregator_submitTask", params, &res, err));
    int rc = mp_json_as_object(res, "result", err);
    if (rc == MP_OK)
        rc = mp_json_get_bool(res, "accepted", &accepted, err);
    if (rc == MP_OK)
        rc = mp_json_opt_bool(res, "duplicate", duplicate, &has, err);
    if (rc == MP_OK)
        rc = mp_json_get_u64(res, "taskId", 0, INT64_MAX, &id, err);
    if (rc == MP_OK && (!accepted || id != t->task_id))
        rc = MP_FAIL(err, MP_ERR_PARSE, "the answer is not an acceptance of task %llu",
                     (unsigned long long)t->task_id);
    json_decref(res);
    if (rc != MP_OK)
        mp_err_wrap(err, "aggregator_submitTask");
    return rc;
}
