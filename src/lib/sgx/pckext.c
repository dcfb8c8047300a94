/*
** pckext.c: the SGX extension of PCK certificates (OID 1.2.840.113741.1.13.1,
** Intel's "SGX PCK Certificate and CRL Profile"), read with the bounded DER
** reader: FMSPC, PCEID, the 16 TCB component SVNs, PCESVN, CPUSVN, PPID and
** the SGX type. Required items must appear exactly once.
*/
#include "mpavs/x509.h"
#include "sgx/sgx_util.h"

#include <string.h>

const uint8_t MP_SGX_EXT_OID[MP_SGX_EXT_OID_LEN] = {0x2a, 0x86, 0x48, 0x86, 0xf8,
                                                    0x4d, 0x01, 0x0d, 0x01};

/* If oid is MP_SGX_EXT_OID followed by the given arcs (each < 128), true. */
static bool oid_is(const mp_der *oid, const uint8_t *arcs, size_t n)
{
    return oid->n == MP_SGX_EXT_OID_LEN + n &&
           memcmp(oid->p, MP_SGX_EXT_OID, MP_SGX_EXT_OID_LEN) == 0 &&
           memcmp(oid->p + MP_SGX_EXT_OID_LEN, arcs, n) == 0;
}

static int octets(const mp_der *val, uint8_t tag, uint8_t *out, size_t n, const char *what,
                  mp_err *err)
{
    mp_der in = *val, v;
    MP_TRY(mp_der_expect(&in, tag, &v, err));
    if (v.n != n || in.n != 0)
        return MP_FAIL(err, MP_ERR_PARSE, "SGX extension: %s must be %zu bytes", what, n);
    memcpy(out, v.p, n);
    return MP_OK;
}

static int integer(const mp_der *val, uint8_t tag, uint64_t max, uint64_t *out, mp_err *err)
{
    mp_der in = *val, v;
    MP_TRY(mp_der_expect(&in, tag, &v, err));
    if (in.n != 0)
        return MP_FAIL(err, MP_ERR_PARSE, "SGX extension: bytes after a value");
    return mp_der_uint(&v, max, out, err);
}

/* The TCB item: 18 (OID, value) pairs, .2.1-.2.16 components, .2.17 PCESVN, .2.18 CPUSVN. */
static int parse_tcb(mp_pck_ext *ext, const mp_der *val, mp_err *err)
{
    mp_der in = *val, seq;
    MP_TRY(mp_der_expect(&in, MP_DER_SEQUENCE, &seq, err));
    if (in.n != 0)
        return MP_FAIL(err, MP_ERR_PARSE, "SGX extension: bytes after the TCB");
    uint32_t seen = 0;
    while (seq.n > 0) {
        mp_der item, oid;
        MP_TRY(mp_der_expect(&seq, MP_DER_SEQUENCE, &item, err));
        MP_TRY(mp_der_expect(&item, MP_DER_OID, &oid, err));
        uint64_t v;
        int k = 0;
        for (int i = 1; i <= 18 && k == 0; i++)
            if (oid_is(&oid, (const uint8_t[]){2, (uint8_t)i}, 2))
                k = i;
        if (k == 0)
            continue; /* an item of a later profile: not used */
        if (seen & (1u << k))
            return MP_FAIL(err, MP_ERR_PARSE, "SGX extension: TCB item %d appears twice", k);
        seen |= 1u << k;
        if (k <= 16) {
            MP_TRY(integer(&item, MP_DER_INTEGER, 255, &v, err));
            ext->cpusvn[k - 1] = (uint8_t)v;
        } else if (k == 17) {
            MP_TRY(integer(&item, MP_DER_INTEGER, 65535, &v, err));
            ext->pcesvn = (uint16_t)v;
        } else {
            uint8_t cpusvn[16];
            MP_TRY(octets(&item, MP_DER_OCTET_STRING, cpusvn, 16, "CPUSVN", err));
        }
    }
    if ((seen & 0x3fffeu) != 0x3fffeu)
        return MP_FAIL(err, MP_ERR_PARSE, "SGX extension: TCB lacks components or PCESVN");
    return MP_OK;
}

/* One top-level item (OID .k, value); *seen collects which items were read. */
static int parse_item(mp_pck_ext *ext, mp_der *item, uint32_t *seen, mp_err *err)
{
    mp_der oid;
    MP_TRY(mp_der_expect(item, MP_DER_OID, &oid, err));
    int k = 0;
    for (int i = 1; i <= 7 && k == 0; i++)
        if (oid_is(&oid, (const uint8_t[]){(uint8_t)i}, 1))
            k = i;
    if (k == 0)
        return MP_OK; /* unknown item: ignored, as Intel's parser does */
    if (*seen & (1u << k))
        return MP_FAIL(err, MP_ERR_PARSE, "SGX extension: item %d appears twice", k);
    *seen |= 1u << k;
    uint64_t v;
    switch (k) {
    case 1:
        ext->have_ppid = true;
        return octets(item, MP_DER_OCTET_STRING, ext->ppid, 16, "PPID", err);
    case 2:
        return parse_tcb(ext, item, err);
    case 3:
        return octets(item, MP_DER_OCTET_STRING, ext->pceid, 2, "PCEID", err);
    case 4:
        return octets(item, MP_DER_OCTET_STRING, ext->fmspc, 6, "FMSPC", err);
    case 5:
        MP_TRY(integer(item, MP_DER_ENUMERATED, 2, &v, err));
        ext->sgx_type = (int)v;
        return MP_OK;
    default:
        return MP_OK; /* .6 platform instance id, .7 configuration: not used */
    }
}

int mp_pck_ext_parse(mp_pck_ext *ext, const uint8_t *der, size_t len, mp_err *err)
{
    memset(ext, 0, sizeof *ext);
    ext->sgx_type = -1;
    mp_der in = {der, len}, seq;
    MP_TRY(mp_der_expect(&in, MP_DER_SEQUENCE, &seq, err));
    if (in.n != 0)
        return MP_FAIL(err, MP_ERR_PARSE, "SGX extension: bytes after the SEQUENCE");
    uint32_t seen = 0;
    while (seq.n > 0) {
        mp_der item;
        MP_TRY(mp_der_expect(&seq, MP_DER_SEQUENCE, &item, err));
        MP_TRY(parse_item(ext, &item, &seen, err));
    }
    const uint32_t required = 1u << 2 | 1u << 3 | 1u << 4;
    if ((seen & required) != required)
        return MP_FAIL(err, MP_ERR_PARSE, "SGX extension lacks %s",
                       !(seen & 1u << 4)   ? "FMSPC"
                       : !(seen & 1u << 3) ? "PCEID"
                                           : "TCB");
    return MP_OK;
}
