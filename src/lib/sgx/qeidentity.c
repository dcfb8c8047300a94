/*
** qeidentity.c: Intel's QE identity (PCS "enclaveIdentity", version 2, id "QE").
** Levels are stored by ISVSVN, descending; two levels with one ISVSVN are
** rejected.
*/
#include "mpavs/collateral.h"
#include "mpavs/dcap.h"
#include "sgx/sgx_util.h"

#include <stdlib.h>
#include <string.h>

static int parse_level(mp_qe_level *lv, const json_t *j, mp_err *err)
{
    json_t *tcb = json_object_get(j, "tcb");
    const char *status;
    uint64_t v;
    if (!json_is_object(j) || !json_is_object(tcb))
        return MP_FAIL(err, MP_ERR_PARSE, "QE TCB level without a \"tcb\" object");
    MP_TRY(mp_json_get_u64(tcb, "isvsvn", 0, 65535, &v, err));
    lv->isvsvn = (uint16_t)v;
    MP_TRY(mp_collateral_date(j, "tcbDate", &lv->tcb_date, err));
    MP_TRY(mp_json_get_str(j, "tcbStatus", &status, err));
    lv->status = mp_tcb_status_parse(status);
    if (lv->status != MP_TCB_UP_TO_DATE && lv->status != MP_TCB_OUT_OF_DATE &&
        lv->status != MP_TCB_REVOKED)
        return MP_FAIL(err, MP_ERR_PARSE,
                       "QE tcbStatus \"%.40s\" is not UpToDate, OutOfDate or "
                       "Revoked",
                       status);
    return mp_collateral_advisories(j, &lv->advisory_ids, &lv->n_advisory_ids, err);
}

static int level_cmp(const void *a, const void *b)
{
    const mp_qe_level *x = a, *y = b;
    return (int)y->isvsvn - (int)x->isvsvn;
}

static int parse_levels(mp_qe_identity *qi, const json_t *body, mp_err *err)
{
    json_t *arr = json_object_get(body, "tcbLevels");
    size_t n = json_array_size(arr);
    if (!json_is_array(arr) || n == 0 || n > MP_TCB_MAX_LEVELS)
        return MP_FAIL(err, MP_ERR_PARSE, "\"tcbLevels\" must be an array of 1..%d levels",
                       MP_TCB_MAX_LEVELS);
    qi->levels = calloc(n, sizeof *qi->levels);
    if (qi->levels == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        qi->n_levels = i + 1;
        int rc = parse_level(&qi->levels[i], json_array_get(arr, i), err);
        if (rc != MP_OK) {
            mp_err_wrap(err, "tcbLevels[%zu]", i);
            return rc;
        }
    }
    qsort(qi->levels, n, sizeof *qi->levels, level_cmp);
    for (size_t i = 1; i < n; i++)
        if (qi->levels[i - 1].isvsvn == qi->levels[i].isvsvn)
            return MP_FAIL(err, MP_ERR_PARSE, "two QE TCB levels have isvsvn %u",
                           qi->levels[i].isvsvn);
    return MP_OK;
}

static int parse_body(mp_qe_identity *qi, const json_t *body, mp_err *err)
{
    uint64_t v;
    const char *id;
    MP_TRY(mp_json_get_str(body, "id", &id, err));
    if (strcmp(id, "QE") != 0)
        return MP_FAIL(err, MP_ERR_PARSE, "enclave identity id \"%.16s\" is not \"QE\"", id);
    MP_TRY(mp_json_get_u64(body, "version", 0, 2, &v, err));
    if (v != 2)
        return MP_FAIL(err, MP_ERR_PARSE, "QE identity version %llu is not 2",
                       (unsigned long long)v);
    qi->version = 2;
    MP_TRY(mp_collateral_date(body, "issueDate", &qi->issue_date, err));
    MP_TRY(mp_collateral_date(body, "nextUpdate", &qi->next_update, err));
    MP_TRY(mp_json_get_u64(body, "tcbEvaluationDataNumber", 0, UINT32_MAX, &v, err));
    qi->tcb_eval_num = (uint32_t)v;
    MP_TRY(mp_json_get_hex(body, "miscselect", MP_JSON_BARE, qi->miscselect, 4, err));
    MP_TRY(mp_json_get_hex(body, "miscselectMask", MP_JSON_BARE, qi->miscselect_mask, 4, err));
    MP_TRY(mp_json_get_hex(body, "attributes", MP_JSON_BARE, qi->attributes, 16, err));
    MP_TRY(mp_json_get_hex(body, "attributesMask", MP_JSON_BARE, qi->attributes_mask, 16, err));
    MP_TRY(mp_json_get_hex(body, "mrsigner", MP_JSON_BARE, qi->mrsigner, 32, err));
    MP_TRY(mp_json_get_u64(body, "isvprodid", 0, 65535, &v, err));
    qi->isvprodid = (uint16_t)v;
    return parse_levels(qi, body, err);
}

int mp_qe_identity_parse(mp_qe_identity *qi, const uint8_t *json, size_t len, mp_err *err)
{
    memset(qi, 0, sizeof *qi);
    json_t *body = NULL;
    MP_TRY(mp_collateral_signed_parse(json, len, "enclaveIdentity", &body, qi->signature, &qi->body,
                                      &qi->body_len, err));
    int rc = parse_body(qi, body, err);
    json_decref(body);
    if (rc != MP_OK) {
        mp_err_wrap(err, "QE identity");
        mp_qe_identity_free(qi);
    }
    return rc;
}

void mp_qe_identity_free(mp_qe_identity *qi)
{
    for (size_t i = 0; qi->levels != NULL && i < qi->n_levels; i++)
        mp_collateral_advisories_free(qi->levels[i].advisory_ids, qi->levels[i].n_advisory_ids);
    free(qi->levels);
    free(qi->body);
    memset(qi, 0, sizeof *qi);
}
