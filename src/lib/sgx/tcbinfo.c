/*
** tcbinfo.c: Intel's TCB info (PCS "tcbInfo", versions 2 and 3, id "SGX").
**
** Levels are stored in Intel's QVL order (descending by the 16 SGX component
** SVNs compared lexicographically, then PCESVN), not in JSON order; two equal
** levels are rejected as Intel's parser does ("duplicated TCB levels").
*/
#include "mpavs/collateral.h"
#include "mpavs/dcap.h"
#include "sgx/sgx_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_tcb_v2(mp_tcb_level *lv, const json_t *tcb, mp_err *err)
{
    for (int i = 0; i < 16; i++) {
        char name[40];
        uint64_t v;
        snprintf(name, sizeof name, "sgxtcbcomp%02dsvn", (i + 1) % 100);
        MP_TRY(mp_json_get_u64(tcb, name, 0, 255, &v, err));
        lv->sgx_svn[i] = (uint8_t)v;
    }
    return MP_OK;
}

static int parse_tcb_v3(mp_tcb_level *lv, const json_t *tcb, mp_err *err)
{
    json_t *comps = json_object_get(tcb, "sgxtcbcomponents");
    if (!json_is_array(comps) || json_array_size(comps) != 16)
        return MP_FAIL(err, MP_ERR_PARSE, "\"sgxtcbcomponents\" must be an array of 16");
    for (size_t i = 0; i < 16; i++) {
        json_t *c = json_array_get(comps, i);
        uint64_t v;
        if (!json_is_object(c))
            return MP_FAIL(err, MP_ERR_PARSE, "SGX TCB component %zu is not an object", i + 1);
        MP_TRY(mp_json_get_u64(c, "svn", 0, 255, &v, err));
        lv->sgx_svn[i] = (uint8_t)v;
    }
    return MP_OK;
}

static int parse_level(mp_tcb_level *lv, const json_t *j, int version, mp_err *err)
{
    json_t *tcb = json_object_get(j, "tcb");
    const char *status;
    uint64_t v;
    if (!json_is_object(j) || !json_is_object(tcb))
        return MP_FAIL(err, MP_ERR_PARSE, "TCB level without a \"tcb\" object");
    MP_TRY(version == 2 ? parse_tcb_v2(lv, tcb, err) : parse_tcb_v3(lv, tcb, err));
    MP_TRY(mp_json_get_u64(tcb, "pcesvn", 0, 65535, &v, err));
    lv->pcesvn = (uint16_t)v;
    MP_TRY(mp_collateral_date(j, "tcbDate", &lv->tcb_date, err));
    MP_TRY(mp_json_get_str(j, "tcbStatus", &status, err));
    lv->status = mp_tcb_status_parse(status);
    if (lv->status < 0)
        return MP_FAIL(err, MP_ERR_PARSE, "unknown tcbStatus \"%.40s\"", status);
    if (version >= 3)
        MP_TRY(mp_collateral_advisories(j, &lv->advisory_ids, &lv->n_advisory_ids, err));
    return MP_OK;
}

/* Descending: higher SVN vectors first, then higher PCESVN. */
static int level_cmp(const void *a, const void *b)
{
    const mp_tcb_level *x = a, *y = b;
    int c = memcmp(y->sgx_svn, x->sgx_svn, 16);
    if (c != 0)
        return c;
    return (int)y->pcesvn - (int)x->pcesvn;
}

static int parse_levels(mp_tcb_info *ti, const json_t *body, mp_err *err)
{
    json_t *arr = json_object_get(body, "tcbLevels");
    size_t n = json_array_size(arr);
    if (!json_is_array(arr) || n == 0 || n > MP_TCB_MAX_LEVELS)
        return MP_FAIL(err, MP_ERR_PARSE, "\"tcbLevels\" must be an array of 1..%d levels",
                       MP_TCB_MAX_LEVELS);
    ti->levels = calloc(n, sizeof *ti->levels);
    if (ti->levels == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        ti->n_levels = i + 1;
        int rc = parse_level(&ti->levels[i], json_array_get(arr, i), ti->version, err);
        if (rc != MP_OK) {
            mp_err_wrap(err, "tcbLevels[%zu]", i);
            return rc;
        }
    }
    qsort(ti->levels, n, sizeof *ti->levels, level_cmp);
    for (size_t i = 1; i < n; i++)
        if (level_cmp(&ti->levels[i - 1], &ti->levels[i]) == 0)
            return MP_FAIL(err, MP_ERR_PARSE, "two TCB levels have the same TCB");
    return MP_OK;
}

static int parse_body(mp_tcb_info *ti, const json_t *body, mp_err *err)
{
    uint64_t v;
    const char *id;
    MP_TRY(mp_json_get_u64(body, "version", 0, 3, &v, err));
    if (v < 2)
        return MP_FAIL(err, MP_ERR_PARSE, "TCB info version %llu is not supported (2 or 3)",
                       (unsigned long long)v);
    ti->version = (int)v;
    if (ti->version == 3) {
        MP_TRY(mp_json_get_str(body, "id", &id, err));
        if (strcmp(id, "SGX") != 0)
            return MP_FAIL(err, MP_ERR_PARSE, "TCB info id \"%.16s\" is not \"SGX\"", id);
    }
    MP_TRY(mp_collateral_date(body, "issueDate", &ti->issue_date, err));
    MP_TRY(mp_collateral_date(body, "nextUpdate", &ti->next_update, err));
    MP_TRY(mp_json_get_hex(body, "fmspc", MP_JSON_BARE, ti->fmspc, 6, err));
    MP_TRY(mp_json_get_hex(body, "pceId", MP_JSON_BARE, ti->pceid, 2, err));
    MP_TRY(mp_json_get_u64(body, "tcbType", 0, 0, &v, err));
    MP_TRY(mp_json_get_u64(body, "tcbEvaluationDataNumber", 0, UINT32_MAX, &v, err));
    ti->tcb_eval_num = (uint32_t)v;
    return parse_levels(ti, body, err);
}

int mp_tcb_info_parse(mp_tcb_info *ti, const uint8_t *json, size_t len, mp_err *err)
{
    memset(ti, 0, sizeof *ti);
    json_t *body = NULL;
    MP_TRY(mp_collateral_signed_parse(json, len, "tcbInfo", &body, ti->signature, &ti->body,
                                      &ti->body_len, err));
    int rc = parse_body(ti, body, err);
    json_decref(body);
    if (rc != MP_OK) {
        mp_err_wrap(err, "TCB info");
        mp_tcb_info_free(ti);
    }
    return rc;
}

void mp_tcb_info_free(mp_tcb_info *ti)
{
    for (size_t i = 0; ti->levels != NULL && i < ti->n_levels; i++)
        mp_collateral_advisories_free(ti->levels[i].advisory_ids, ti->levels[i].n_advisory_ids);
    free(ti->levels);
    free(ti->body);
    memset(ti, 0, sizeof *ti);
}
