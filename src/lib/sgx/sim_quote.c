/*
** sim_quote.c: the simulated quoting enclave. It builds a v3 quote exactly as
** Intel's QE3 does: the attestation key signs header || ISV report; the QE
** report binds the attestation key (REPORTDATA = SHA-256(key || auth data) ||
** zeros) and is signed by the PCK key; the PCK chain travels as PEM (type 5).
** Parameters of the simulated platform and QE come from the directory's sim.json.
*/
#include "mpavs/dcap.h"
#include "mpavs/file.h"
#include "mpavs/hex.h"
#include "mpavs/quote.h"
#include "mpavs/sgxsim.h"
#include "sgx/sgx_util.h"
#include "sgx/sim.h"

#include <stdlib.h>
#include <string.h>

struct mp_sgxsim {
    EVP_PKEY *pck_key, *att_key, *tcb_key;
    uint8_t att_pub[64];
    uint8_t root_pub[64];
    uint8_t cpusvn[16];
    uint16_t pcesvn, qe_isvsvn, qe_prodid;
    uint8_t qe_mrenclave[32], qe_mrsigner[32], qe_attributes[16], qe_id[16];
    mp_buf chain; /* the PEM chain, NUL-terminated as real quotes carry it */
};

static int meta_hex(const json_t *m, const char *key, uint8_t *out, size_t n, mp_err *err)
{
    if (mp_json_get_hex(m, key, MP_JSON_BARE, out, n, err) != MP_OK)
        return MP_FAIL(err, MP_ERR_PARSE, "%s: bad \"%s\"", SIM_META, key);
    return MP_OK;
}

static int meta_u16(const json_t *m, const char *key, uint16_t *out, mp_err *err)
{
    uint64_t v;
    if (mp_json_get_u64(m, key, 0, 65535, &v, err) != MP_OK)
        return MP_FAIL(err, MP_ERR_PARSE, "%s: bad \"%s\"", SIM_META, key);
    *out = (uint16_t)v;
    return MP_OK;
}

static int read_meta(mp_sgxsim *sim, const char *dir, mp_err *err)
{
    char path[SIM_MAX_PATH];
    MP_TRY(mp_sim_path(path, dir, SIM_META, err));
    json_error_t jerr;
    json_t *m = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (m == NULL)
        return MP_FAIL(err, MP_ERR_PARSE, "%s: %s", path, jerr.text);
    const char *format = json_string_value(json_object_get(m, "format"));
    int rc = MP_OK;
    if (format == NULL || strcmp(format, MP_SGXSIM_FORMAT) != 0)
        rc = MP_FAIL(err, MP_ERR_PARSE, "%s: not a %s directory", path, MP_SGXSIM_FORMAT);
    if (rc == MP_OK)
        rc = meta_hex(m, "rootPublicKey", sim->root_pub, 64, err);
    if (rc == MP_OK)
        rc = meta_hex(m, "pckCpusvn", sim->cpusvn, 16, err);
    if (rc == MP_OK)
        rc = meta_u16(m, "pckPcesvn", &sim->pcesvn, err);
    if (rc == MP_OK)
        rc = meta_u16(m, "qeIsvsvn", &sim->qe_isvsvn, err);
    if (rc == MP_OK)
        rc = meta_u16(m, "qeIsvprodid", &sim->qe_prodid, err);
    if (rc == MP_OK)
        rc = meta_hex(m, "qeMrsigner", sim->qe_mrsigner, 32, err);
    if (rc == MP_OK)
        rc = meta_hex(m, "qeMrenclave", sim->qe_mrenclave, 32, err);
    if (rc == MP_OK)
        rc = meta_hex(m, "qeAttributes", sim->qe_attributes, 16, err);
    if (rc == MP_OK)
        rc = meta_hex(m, "qeId", sim->qe_id, 16, err);
    json_decref(m);
    return rc;
}

static int open_all(mp_sgxsim *sim, const char *dir, mp_err *err)
{
    MP_TRY(read_meta(sim, dir, err));
    MP_TRY(mp_sim_read_key(&sim->pck_key, dir, SIM_PCK_KEY, err));
    MP_TRY(mp_sim_read_key(&sim->att_key, dir, SIM_ATT_KEY, err));
    MP_TRY(mp_sim_read_key(&sim->tcb_key, dir, SIM_TCB_KEY, err));
    MP_TRY(mp_p256_key_to_raw(sim->att_pub, sim->att_key, err));
    char path[SIM_MAX_PATH];
    uint8_t *pem = NULL;
    size_t len = 0;
    MP_TRY(mp_sim_path(path, dir, SIM_PCK_CHAIN, err));
    MP_TRY(mp_file_read(path, MP_QUOTE_MAX_LEN / 2, &pem, &len, err));
    mp_buf_append(&sim->chain, pem, len);
    mp_buf_push(&sim->chain, 0);
    free(pem);
    return mp_buf_check(&sim->chain, err);
}

int mp_sgxsim_open(mp_sgxsim **out, const char *dir, mp_err *err)
{
    mp_sgxsim *sim = calloc(1, sizeof *sim);
    if (sim == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    int rc = open_all(sim, dir, err);
    if (rc != MP_OK) {
        mp_sgxsim_close(sim);
        return rc;
    }
    *out = sim;
    return MP_OK;
}

void mp_sgxsim_close(mp_sgxsim *sim)
{
    if (sim == NULL)
        return;
    EVP_PKEY_free(sim->pck_key); /* OpenSSL clears private key material when freeing */
    EVP_PKEY_free(sim->att_key);
    EVP_PKEY_free(sim->tcb_key);
    mp_buf_free(&sim->chain);
    free(sim);
}

const uint8_t *mp_sgxsim_root_pubkey(const mp_sgxsim *sim)
{
    return sim->root_pub;
}

void mp_sgxsim_enclave_default(mp_sgxsim_enclave *e)
{
    static const char enclave[] = "mpavs simulated enclave";
    static const char signer[] = "mpavs simulated enclave signer";
    memset(e, 0, sizeof *e);
    mp_sha256(e->mrenclave, enclave, sizeof enclave - 1);
    mp_sha256(e->mrsigner, signer, sizeof signer - 1);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The 384-byte report body (field offsets as in quote.c). */
static void report_body(uint8_t r[MP_SGX_REPORT_LEN], const uint8_t cpusvn[16],
                        const uint8_t attributes[16], const uint8_t mrenclave[32],
                        const uint8_t mrsigner[32], uint16_t prodid, uint16_t svn,
                        const uint8_t report_data[64])
{
    memset(r, 0, MP_SGX_REPORT_LEN);
    memcpy(r, cpusvn, 16);
    memcpy(r + 48, attributes, 16);
    memcpy(r + 64, mrenclave, 32);
    memcpy(r + 128, mrsigner, 32);
    put16(r + 256, prodid);
    put16(r + 258, svn);
    memcpy(r + 320, report_data, 64);
}

int mp_sgxsim_quote(const mp_sgxsim *sim, const mp_sgxsim_enclave *e, const uint8_t report_data[64],
                    mp_buf *out, mp_err *err)
{
    static const uint8_t auth[32] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10,
                                     11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
                                     22, 23, 24, 25, 26, 27, 28, 29, 30, 31};
    size_t len = MP_QUOTE_MIN_LEN + sizeof auth + sim->chain.len;
    uint8_t *q = calloc(1, len);
    if (q == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    put16(q, 3);
    put16(q + 2, 2);
    put16(q + 8, sim->qe_isvsvn);
    put16(q + 10, sim->pcesvn);
    memcpy(q + 12, MP_QUOTE_INTEL_QE_VENDOR_ID, 16);
    memcpy(q + 28, sim->qe_id, 16);
    /* ISV attributes: INIT | MODE64BIT (| DEBUG), XFRM x87|SSE|AVX|... as real enclaves. */
    uint8_t attributes[16] = {0x05 | (e->debug ? 0x02 : 0), 0, 0, 0, 0, 0, 0, 0, 0xe7};
    report_body(q + 48, sim->cpusvn, attributes, e->mrenclave, e->mrsigner, e->isvprodid, e->isvsvn,
                report_data);
    put32(q + 432, (uint32_t)(len - 436));
    memcpy(q + 500, sim->att_pub, 64);
    uint8_t qe_data[64] = {0};
    uint8_t bind[64 + sizeof auth];
    memcpy(bind, sim->att_pub, 64);
    memcpy(bind + 64, auth, sizeof auth);
    mp_sha256(qe_data, bind, sizeof bind);
    report_body(q + 564, sim->cpusvn, sim->qe_attributes, sim->qe_mrenclave, sim->qe_mrsigner,
                sim->qe_prodid, sim->qe_isvsvn, qe_data);
    put16(q + 1012, sizeof auth);
    memcpy(q + 1014, auth, sizeof auth);
    put16(q + 1046, MP_QUOTE_CERT_PCK_CHAIN);
    put32(q + 1048, (uint32_t)sim->chain.len);
    memcpy(q + 1052, sim->chain.data, sim->chain.len);
    int rc = mp_p256_sign_raw(q + 948, sim->pck_key, q + 564, MP_SGX_REPORT_LEN, err);
    if (rc == MP_OK)
        rc = mp_p256_sign_raw(q + 436, sim->att_key, q, MP_QUOTE_SIGNED_LEN, err);
    if (rc == MP_OK) {
        mp_buf_append(out, q, len);
        rc = mp_buf_check(out, err);
    }
    free(q);
    return rc;
}

int mp_sgxsim_sign_collateral(const mp_sgxsim *sim, const char *member, const uint8_t *body,
                              size_t len, mp_buf *out, mp_err *err)
{
    uint8_t sig[64];
    char hex[129];
    MP_TRY(mp_p256_sign_raw(sig, sim->tcb_key, body, len, err));
    mp_hex_encode(hex, sig, 64);
    mp_buf_printf(out, "{\"%s\":", member);
    mp_buf_append(out, body, len);
    mp_buf_printf(out, ",\"signature\":\"%s\"}", hex);
    return mp_buf_check(out, err);
}

int mp_sgxsim_collateral(mp_dcap_collateral *col, const char *dir, mp_err *err)
{
    char ti[SIM_MAX_PATH], qi[SIM_MAX_PATH], root[SIM_MAX_PATH], ts[SIM_MAX_PATH],
        rcrl[SIM_MAX_PATH], pcrl[SIM_MAX_PATH];
    MP_TRY(mp_sim_path(ti, dir, SIM_TCB_INFO, err));
    MP_TRY(mp_sim_path(qi, dir, SIM_QE_IDENTITY, err));
    MP_TRY(mp_sim_path(root, dir, SIM_ROOT_DER, err));
    MP_TRY(mp_sim_path(ts, dir, SIM_TCB_DER, err));
    MP_TRY(mp_sim_path(rcrl, dir, SIM_ROOT_CRL, err));
    MP_TRY(mp_sim_path(pcrl, dir, SIM_PCK_CRL, err));
    mp_dcap_collateral_files f = {ti, qi, root, ts, rcrl, pcrl};
    return mp_dcap_collateral_load(col, &f, err);
}
