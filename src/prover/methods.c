/*
** methods.c: the prover's JSON-RPC methods (docs/protocol.md 8.1), its
** bounded result cache and the fault injection tests use.
**
** Parameters are checked strictly (unknown fields, lengths, 64-bit block
** numbers) and every refusal says what was wrong. Failures of the L2 node,
** of the L2 chain and of attestation reach the client through the codes
** table (prv_codes) as -32012, -32013 and -32014.
*/
#include "prover.h"

#include "mpavs/clock.h"
#include "mpavs/json.h"
#include "mpavs/stateheader.h"
#include "mpavs/version.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- result cache: a small LRU, scanned linearly (a few hundred entries) ---- */

typedef struct cache_entry {
    bool used;
    uint64_t last_use;
    uint64_t identifier;
    uint8_t metadata[128];
    size_t metadata_len;
    uint8_t state[96];
    size_t state_len;
    uint8_t sig[65];
} cache_entry;

struct prv_cache {
    pthread_mutex_t mu;
    cache_entry *e;
    size_t cap;
    uint64_t clock;
};

int prv_cache_new(prv_cache **out, size_t cap, mp_err *err)
{
    prv_cache *c = calloc(1, sizeof *c);
    if (c == NULL || (cap && (c->e = calloc(cap, sizeof *c->e)) == NULL)) {
        free(c);
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    }
    c->cap = cap;
    pthread_mutex_init(&c->mu, NULL);
    *out = c;
    return MP_OK;
}

void prv_cache_free(prv_cache *c)
{
    if (c == NULL)
        return;
    pthread_mutex_destroy(&c->mu);
    free(c->e);
    free(c);
}

static bool same_task(const cache_entry *e, const prv_task *t)
{
    return e->used && e->identifier == t->identifier && e->metadata_len == t->metadata_len &&
           memcmp(e->metadata, t->metadata, t->metadata_len) == 0;
}

static bool cache_get(prv_cache *c, const prv_task *t, prv_proof *p, uint8_t sig[65])
{
    bool hit = false;
    pthread_mutex_lock(&c->mu);
    for (size_t i = 0; i < c->cap && !hit; i++) {
        if (!same_task(&c->e[i], t))
            continue;
        c->e[i].last_use = ++c->clock;
        memcpy(p->state, c->e[i].state, sizeof p->state);
        p->state_len = c->e[i].state_len;
        memcpy(sig, c->e[i].sig, 65);
        hit = true;
    }
    pthread_mutex_unlock(&c->mu);
    return hit;
}

static void cache_put(prv_cache *c, const prv_task *t, const prv_proof *p, const uint8_t sig[65])
{
    pthread_mutex_lock(&c->mu);
    cache_entry *victim = NULL;
    for (size_t i = 0; i < c->cap; i++) {
        if (same_task(&c->e[i], t)) {
            victim = &c->e[i];
            break;
        }
        if (victim == NULL || !c->e[i].used ||
            (victim->used && c->e[i].last_use < victim->last_use))
            victim = &c->e[i];
    }
    if (victim) {
        victim->used = true;
        victim->last_use = ++c->clock;
        victim->identifier = t->identifier;
        memcpy(victim->metadata, t->metadata, t->metadata_len);
        victim->metadata_len = t->metadata_len;
        memcpy(victim->state, p->state, sizeof p->state);
        victim->state_len = p->state_len;
        memcpy(victim->sig, sig, 65);
    }
    pthread_mutex_unlock(&c->mu);
}

/* ---- helpers ---- */

static json_t *hex_new(const uint8_t *p, size_t n)
{
    return mp_json_hex_new(p, n, MP_JSON_0X);
}

static void count(mp_metric *m, const char *result)
{
    mp_series_inc(mp_metric_series(m, MP_LABELS(result)));
}

/* A 32-byte ABI word holding a number that must fit 64 bits. */
static int word_u64(const uint8_t *w, const char *name, uint64_t *out, mp_err *err)
{
    for (int i = 0; i < 24; i++)
        if (w[i])
            return MP_FAIL(err, MP_ERR_INVALID, "metadata: %s does not fit 64 bits", name);
    uint64_t v = 0;
    for (int i = 24; i < 32; i++)
        v = v << 8 | w[i];
    *out = v;
    return MP_OK;
}

/* ---- generateAttestationReport ---- */

static int m_attest(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    prv_ctx *ctx = user;
    mp_buf data = MP_BUF_INIT, quote = MP_BUF_INIT;
    int rc = mp_rpcs_params(params, 1, 1, err);
    if (rc == MP_OK)
        rc = mp_rpcs_param_hex(params, 0, 64, &data, err);
    if (rc == MP_OK && ctx->cfg->fault_refuse_attestation)
        rc = mp_rpcs_fail(call, err, MP_WIRE_ATTESTATION, "attestation refused (fault injection)");
    if (rc == MP_OK) {
        uint8_t rd[64];
        prv_report_data(rd, data.data, data.len, ctx->enclave.address);
        rc = prv_attest(ctx->attester, rd, &quote, err);
        count(ctx->m_attestations, rc == MP_OK ? "ok" : "failed");
        if (rc != MP_OK) {
            MP_ERROR(ctx->log, "attestation failed", "error", err->msg);
            rc = mp_rpcs_fail(call, err, MP_WIRE_ATTESTATION, "attestation failed: %s", err->msg);
        }
    }
    if (rc == MP_OK && (*result = hex_new(quote.data, quote.len)) == NULL)
        rc = MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    mp_buf_free(&data);
    mp_buf_free(&quote);
    return rc;
}

/* ---- prover_metadata ---- */

static int m_metadata(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    (void)call;
    prv_ctx *ctx = user;
    MP_TRY(mp_rpcs_params(params, 0, 0, err));
    *result = json_pack(
        "{s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:o}", "version", MPAVS_VERSION, "teeType", "sgx",
        "attestation", ctx->attester->name, "enclaveAddress", hex_new(ctx->enclave.address, 20),
        "mrEnclave", hex_new(ctx->attester->mrenclave, 32), "mrSigner",
        hex_new(ctx->attester->mrsigner, 32), "executor", ctx->executor->name, "proves",
        ctx->executor->proves, "l2ChainId", mp_json_u64_new(ctx->executor->chain_id));
    if (*result && ctx->executor->describe)
        json_object_set_new(*result, "execution", ctx->executor->describe(ctx->executor));
    return *result ? MP_OK : MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
}

/* ---- prover_proveTask ---- */

static int decode_task(prv_ctx *ctx, mp_rpcs_call *call, json_t *params, prv_task *t, mp_err *err)
{
    static const char *const keys[] = {"identifier", "metadata", NULL};
    json_t *o;
    mp_buf md = MP_BUF_INIT;
    memset(t, 0, sizeof *t);
    MP_TRY(mp_rpcs_params(params, 1, 1, err));
    MP_TRY(mp_rpcs_param_object(params, 0, &o, err));
    MP_TRY(mp_rpcs_check_keys(o, "params[0]", keys, err));
    MP_TRY(mp_rpcs_field_u64(o, "params[0]", "identifier", &t->identifier, err));
    int rc = mp_rpcs_field_hex(o, "params[0]", "metadata", sizeof t->metadata, &md, err);
    if (rc == MP_OK) {
        memcpy(t->metadata, md.data, md.len);
        t->metadata_len = md.len;
    }
    mp_buf_free(&md);
    MP_TRY(rc);
    if (t->identifier != MP_STATE_L2_BLOCK && t->identifier != MP_STATE_L2_BATCH)
        return mp_rpcs_fail(call, err, MP_WIRE_UNKNOWN_IDENTIFIER,
                            "unknown identifier %llu (this prover proves 1: L2 block, 2: L2 batch)",
                            (unsigned long long)t->identifier);
    size_t want = t->identifier == MP_STATE_L2_BLOCK ? 64 : 128;
    if (t->metadata_len != want)
        return MP_FAIL(err, MP_ERR_INVALID,
                       "metadata of identifier %llu must be %zu bytes, not %zu",
                       (unsigned long long)t->identifier, want, t->metadata_len);
    const uint8_t *w = t->metadata;
    MP_TRY(word_u64(w, "l2ChainId", &t->chain_id, err));
    if (t->identifier == MP_STATE_L2_BLOCK) {
        MP_TRY(word_u64(w + 32, "blockNumber", &t->block, err));
    } else {
        MP_TRY(word_u64(w + 32, "batchIndex", &t->batch_index, err));
        MP_TRY(word_u64(w + 64, "firstBlock", &t->first, err));
        MP_TRY(word_u64(w + 96, "lastBlock", &t->last, err));
        if (t->first == 0 || t->first > t->last)
            return MP_FAIL(err, MP_ERR_INVALID,
                           "metadata: need 1 <= firstBlock <= lastBlock, got %llu..%llu",
                           (unsigned long long)t->first, (unsigned long long)t->last);
        if (t->last - t->first >= (uint64_t)ctx->cfg->max_batch_blocks)
            return MP_FAIL(err, MP_ERR_INVALID, "metadata: a batch of %llu blocks exceeds %lld",
                           (unsigned long long)(t->last - t->first + 1),
                           ctx->cfg->max_batch_blocks);
    }
    if (t->chain_id != ctx->executor->chain_id)
        return mp_rpcs_fail(call, err, MP_WIRE_WRONG_CHAIN,
                            "metadata names L2 chain %llu; this prover proves chain %llu",
                            (unsigned long long)t->chain_id,
                            (unsigned long long)ctx->executor->chain_id);
    return MP_OK;
}

/* Faults for tests, accepted only under profile devnet or test (see main.c). */
static void inject_before(prv_ctx *ctx)
{
    if (ctx->cfg->fault_delay_ms > 0)
        mp_clock_sleep_ms((long)ctx->cfg->fault_delay_ms);
    if (ctx->cfg->fault_crash_after <= 0)
        return;
    pthread_mutex_lock(&ctx->fault_mu);
    bool crash = ++ctx->prove_calls > ctx->cfg->fault_crash_after;
    pthread_mutex_unlock(&ctx->fault_mu);
    if (crash) {
        MP_ERROR(ctx->log, "crashing (fault injection)");
        _exit(70);
    }
}

static void observe_prove(prv_ctx *ctx, long long started, const char *result)
{
    count(ctx->m_proofs, result);
    mp_series_observe(mp_metric_series(ctx->m_prove_seconds, NULL),
                      (double)(mp_clock_now_ms() - started) / 1000.0);
}

static json_t *proof_json(const prv_ctx *ctx, const prv_task *t, const prv_proof *p,
                          const uint8_t sig[65])
{
    if (p->not_ready)
        return json_pack("{s:b, s:o, s:o}", "notReady", 1, "identifier",
                         mp_json_u64_new(t->identifier), "metadata",
                         hex_new(t->metadata, t->metadata_len));
    return json_pack("{s:b, s:o, s:o, s:o, s:o, s:o}", "notReady", 0, "identifier",
                     mp_json_u64_new(t->identifier), "metadata",
                     hex_new(t->metadata, t->metadata_len), "state",
                     hex_new(p->state, p->state_len), "proverSignature", hex_new(sig, 65),
                     "enclaveAddress", hex_new(ctx->enclave.address, 20));
}

static int m_prove(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    prv_ctx *ctx = user;
    prv_task t;
    prv_proof p = {0};
    uint8_t sig[65];
    MP_TRY(decode_task(ctx, call, params, &t, err));
    long long started = mp_clock_now_ms();
    inject_before(ctx);
    bool hit = !ctx->cfg->fault_wrong_state && cache_get(ctx->cache, &t, &p, sig);
    if (!hit) {
        int rc = ctx->executor->prove(ctx->executor, &t, &p, err);
        if (rc != MP_OK) {
            MP_WARN(ctx->log, "refused a task", MP_LU64("identifier", t.identifier), "error",
                    err->msg);
            observe_prove(ctx, started, "refused");
            return rc;
        }
        if (!p.not_ready && ctx->cfg->fault_wrong_state)
            p.state[p.state_len - 1] ^= 1; /* a lying prover still signs what it claims */
        if (!p.not_ready)
            MP_TRY(prv_enclave_sign_state(&ctx->enclave, t.identifier, t.metadata, t.metadata_len,
                                          p.state, p.state_len, sig, err));
        if (!p.not_ready && !ctx->cfg->fault_wrong_state)
            cache_put(ctx->cache, &t, &p, sig);
    }
    const char *outcome = hit ? "cached" : p.not_ready ? "not_ready" : "proved";
    observe_prove(ctx, started, outcome);
    uint64_t last = t.identifier == MP_STATE_L2_BLOCK ? t.block : t.last;
    if (hit || p.not_ready)
        MP_DEBUG(ctx->log, outcome, MP_LU64("identifier", t.identifier), MP_LU64("block", last));
    else
        MP_INFO(ctx->log, "proved", MP_LU64("identifier", t.identifier), MP_LU64("block", last),
                MP_LBOOL("faulty", ctx->cfg->fault_wrong_state));
    *result = proof_json(ctx, &t, &p, sig);
    return *result ? MP_OK : MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
}

void prv_methods(prv_ctx *ctx, mp_rpcs_method out[PRV_NMETHODS])
{
    out[0] = (mp_rpcs_method){"generateAttestationReport", m_attest, ctx};
    out[1] = (mp_rpcs_method){"prover_metadata", m_metadata, ctx};
    out[2] = (mp_rpcs_method){"prover_proveTask", m_prove, ctx};
}

size_t prv_codes(const mp_rpcs_code **out)
{
    static const mp_rpcs_code codes[] = {
        {MP_ERR_RPC, MP_WIRE_L2_UNAVAILABLE},
        {MP_ERR_TIMEOUT, MP_WIRE_L2_UNAVAILABLE},
        {MP_ERR_VERIFY, MP_WIRE_L2_INCONSISTENT},
        {MP_ERR_QUOTE, MP_WIRE_ATTESTATION},
    };
    *out = codes;
    return sizeof codes / sizeof codes[0];
}
