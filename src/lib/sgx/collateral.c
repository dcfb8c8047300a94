/*
** collateral.c: loading a verification's collateral from files and freeing it.
*/
#include "mpavs/collateral.h"
#include "mpavs/crl.h"
#include "mpavs/file.h"
#include "mpavs/mem.h"
#include "mpavs/x509.h"

#include <stdlib.h>
#include <string.h>

static int parse_tcb(void *out, const uint8_t *d, size_t n, mp_err *err)
{
    return mp_tcb_info_parse(out, d, n, err);
}

static int parse_qe(void *out, const uint8_t *d, size_t n, mp_err *err)
{
    return mp_qe_identity_parse(out, d, n, err);
}

static int load_all(mp_dcap_collateral *col, const mp_dcap_collateral_files *f, mp_err *err)
{
    if (f->tcb_info == NULL || f->qe_identity == NULL)
        return MP_FAIL(err, MP_ERR_MISUSE, "TCB info and QE identity files are required");
    MP_TRY(mp_file_parse(f->tcb_info, MP_COLLATERAL_MAX_JSON, parse_tcb, &col->tcb_info, err));
    MP_TRY(mp_file_parse(f->qe_identity, MP_COLLATERAL_MAX_JSON, parse_qe, &col->qe_identity, err));
    if (f->root_ca)
        MP_TRY(mp_x509_load_file(&col->root_ca, f->root_ca, err));
    if (f->tcb_signing)
        MP_TRY(mp_x509_load_file(&col->tcb_signing, f->tcb_signing, err));
    if (f->root_crl)
        MP_TRY(mp_crl_load_file(&col->root_crl, f->root_crl, err));
    if (f->pck_crl)
        MP_TRY(mp_crl_load_file(&col->pck_crl, f->pck_crl, err));
    return MP_OK;
}

int mp_dcap_collateral_load(mp_dcap_collateral *col, const mp_dcap_collateral_files *f, mp_err *err)
{
    memset(col, 0, sizeof *col);
    int rc = load_all(col, f, err);
    if (rc != MP_OK)
        mp_dcap_collateral_free(col);
    return rc;
}

void mp_dcap_collateral_free(mp_dcap_collateral *col)
{
    mp_tcb_info_free(&col->tcb_info);
    mp_qe_identity_free(&col->qe_identity);
    mp_x509_free(col->root_ca);
    mp_x509_free(col->tcb_signing);
    mp_crl_free(col->root_crl);
    mp_crl_free(col->pck_crl);
    memset(col, 0, sizeof *col);
}
