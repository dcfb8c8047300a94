/*
** liveness.c: liveness proof report data, replay id and calldata
** (include/mpavs/liveness.h). Mirrors TEELivenessVerifier._checkReportData and
** TEE.quoteId; tests/unit/test_avs.c compares with values computed by forge and
** tests/integration/test_avs_e2e.c submits the result on anvil.
*/
#include "mpavs/liveness.h"
#include "mpavs/abi.h"
#include "mpavs/bn254_g1.h"
#include "mpavs/keccak.h"
#include "mpavs/u256.h"

#include <string.h>

void mp_liveness_url_hash(uint8_t out[32], const char *url)
{
    mp_keccak256(out, url, strlen(url));
}

/* abi.encode(ReportData): five static words. */
static void encode_report(uint8_t out[160], const mp_liveness_report *r)
{
    mp_bn254_g1_encode(out, &r->pubkey);
    mp_u256_from_u64(out + 64, r->reference_block);
    memcpy(out + 96, r->reference_hash, 32);
    memcpy(out + 128, r->prover_url_hash, 32);
}

void mp_liveness_report_hash(uint8_t out[32], const mp_liveness_report *r)
{
    uint8_t enc[160];
    encode_report(enc, r);
    mp_keccak256(out, enc, sizeof enc);
}

void mp_liveness_report_data(uint8_t out[64], const uint8_t enclave[20],
                             const mp_liveness_report *r)
{
    mp_abi_address_word(out, enclave);
    mp_liveness_report_hash(out + 32, r);
}

int mp_liveness_check_report_data(uint8_t enclave[20], const uint8_t report_data[64],
                                  const mp_liveness_report *r, mp_err *err)
{
    static const uint8_t zero[20];
    uint8_t expected[32];
    for (int i = 0; i < 12; i++)
        if (report_data[i] != 0)
            return MP_FAIL(err, MP_ERR_VERIFY, "report data: bytes 0..12 are not zero");
    if (memcmp(report_data + 12, zero, 20) == 0)
        return MP_FAIL(err, MP_ERR_VERIFY, "report data: the enclave address is zero");
    mp_liveness_report_hash(expected, r);
    if (memcmp(report_data + 32, expected, 32) != 0)
        return MP_FAIL(err, MP_ERR_VERIFY,
                       "report data: bytes 32..64 do not bind this key, block and prover URL");
    memcpy(enclave, report_data + 12, 20);
    return MP_OK;
}

int mp_liveness_quote_id(uint8_t out[32], const uint8_t *quote, size_t len, mp_err *err)
{
    MP_ARG_CHECK(err, quote != NULL || len == 0);
    if (len < 48)
        return MP_FAIL(err, MP_ERR_INVALID, "quote of %zu bytes has no 48-byte header", len);
    uint32_t tee = (uint32_t)quote[4] | (uint32_t)quote[5] << 8 | (uint32_t)quote[6] << 16 |
                   (uint32_t)quote[7] << 24;
    size_t signed_len;
    if (tee == 0)
        signed_len = MP_LIVENESS_SGX_SIGNED_LEN;
    else if (tee == 0x81)
        signed_len = MP_LIVENESS_TDX_SIGNED_LEN;
    else
        return MP_FAIL(err, MP_ERR_INVALID, "quote header names unknown TEE type 0x%x",
                       (unsigned)tee);
    if (len < signed_len)
        return MP_FAIL(err, MP_ERR_INVALID,
                       "quote of %zu bytes is shorter than its %zu signed bytes", len, signed_len);
    mp_keccak256(out, quote, signed_len);
    return MP_OK;
}

int mp_liveness_submit_calldata(mp_buf *out, const mp_liveness_report *r, const uint8_t *quote,
                                size_t len, mp_err *err)
{
    MP_ARG_CHECK(err, r != NULL && (quote != NULL || len == 0));
    uint8_t enc[160];
    MP_TRY(mp_abi_put_selector(
        out, "submitLivenessProof(((uint256,uint256),uint256,bytes32,bytes32),bytes)", err));
    encode_report(enc, r);
    mp_buf_append(out, enc, sizeof enc); /* the static tuple sits in the head */
    mp_abi_put_u64(out, 6 * 32);         /* offset of the quote: after 6 head words */
    mp_abi_put_tail_bytes(out, quote, len);
    return mp_buf_check(out, err);
}

int mp_liveness_verify_calldata(mp_buf *out, const uint8_t operator_addr[20],
                                const uint8_t enclave[20], mp_err *err)
{
    MP_TRY(mp_abi_put_selector(out, "verifyLivenessProof(address,address)", err));
    mp_abi_put_address(out, operator_addr);
    mp_abi_put_address(out, enclave);
    return mp_buf_check(out, err);
}
