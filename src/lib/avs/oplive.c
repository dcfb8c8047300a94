/*
** oplive.c: the operator's liveness decision, ReportData and local quote
** check (include/mpavs/oplive.h).
*/
#include "mpavs/oplive.h"
#include "mpavs/ethrpc.h"

#include <string.h>

const char *mp_oplive_reason_name(int reason)
{
    switch (reason) {
    case MP_OPLIVE_OK:
        return "live";
    case MP_OPLIVE_NOT_LIVE:
        return "not_live";
    case MP_OPLIVE_EXPIRING:
        return "expiring";
    case MP_OPLIVE_ENCLAVE_CHANGED:
        return "enclave_changed";
    default:
        return "unknown";
    }
}

int mp_oplive_decide(const mp_avs_liveness *lv, const uint8_t *prover_enclave, uint64_t now,
                     uint64_t margin_s, uint64_t max_interval_s, uint64_t *next_check_s)
{
    *next_check_s = 0;
    if (!lv->attested || lv->live_until <= now)
        return MP_OPLIVE_NOT_LIVE;
    if (prover_enclave != NULL && memcmp(prover_enclave, lv->enclave, 20) != 0)
        return MP_OPLIVE_ENCLAVE_CHANGED;
    if (lv->live_until - now <= margin_s)
        return MP_OPLIVE_EXPIRING;
    uint64_t until_margin = lv->live_until - now - margin_s;
    *next_check_s = until_margin < max_interval_s ? until_margin : max_interval_s;
    return MP_OPLIVE_OK;
}

int mp_oplive_report_make(mp_rpc *l1, const mp_bn254_g1 *pubkey, const char *prover_url,
                          mp_liveness_report *r, uint64_t *head_time, mp_err *err)
{
    MP_ARG_CHECK(err, l1 != NULL && pubkey != NULL && prover_url != NULL && r != NULL);
    mp_eth_block head;
    MP_TRY(mp_eth_get_block_by_number(l1, MP_BLOCK_LATEST, &head, err));
    memset(r, 0, sizeof *r);
    r->pubkey = *pubkey;
    r->reference_block = head.number;
    memcpy(r->reference_hash, head.hash, 32);
    mp_liveness_url_hash(r->prover_url_hash, prover_url);
    if (head_time)
        *head_time = head.timestamp;
    return MP_OK;
}

void mp_oplive_request_data(uint8_t out[32], const mp_liveness_report *r)
{
    mp_liveness_report_hash(out, r);
}

int mp_oplive_check_quote(const uint8_t *quote, size_t len, const mp_liveness_report *r,
                          const mp_dcap_collateral *col, const mp_dcap_policy *pol, int64_t at,
                          uint8_t enclave[20], mp_err *err)
{
    MP_ARG_CHECK(err, quote != NULL && r != NULL && col != NULL && pol != NULL && enclave != NULL);
    mp_dcap_result res;
    int rc = mp_dcap_verify(&res, quote, len, col, pol, at, err);
    if (rc != MP_OK) {
        mp_err_wrap(err, "the prover's quote fails DCAP verification");
        return rc;
    }
    rc = mp_liveness_check_report_data(enclave, res.report_data, r, err);
    if (rc != MP_OK)
        mp_err_wrap(err, "the prover's quote does not bind this liveness report");
    return rc;
}
