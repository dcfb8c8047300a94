/*
** crl.h: X.509 certificate revocation lists (DER or PEM) as a DCAP verifier
** checks them: validity window, issuer, signature, listed serials.
**
** The parser rejects anything that is not well formed with MP_ERR_PARSE and a
** message naming the field; it never reads past the given length.
*/
#ifndef MPAVS_CRL_H
#define MPAVS_CRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/err.h"
#include "mpavs/x509.h"

/** A parsed X.509 CRL (opaque). */
typedef struct mp_crl mp_crl;

/** Parses a CRL: DER or PEM. */
MP_WUR int mp_crl_load(mp_crl **out, const uint8_t *data, size_t len, mp_err *err);
/** Reads a CRL file (DER or PEM). */
MP_WUR int mp_crl_load_file(mp_crl **out, const char *path, mp_err *err);
/** Frees a CRL (NULL allowed). */
void mp_crl_free(mp_crl *crl);
/** thisUpdate / nextUpdate in Unix seconds (nextUpdate 0 when absent). */
int64_t mp_crl_this_update(const mp_crl *crl);
int64_t mp_crl_next_update(const mp_crl *crl);
/** True if the CRL has a nextUpdate and thisUpdate <= at <= nextUpdate. */
bool mp_crl_valid_at(const mp_crl *crl, int64_t at);
/** True if the CRL's raw issuer name equals issuer's raw subject name. */
bool mp_crl_issued_by_name(const mp_crl *crl, const mp_x509 *issuer);
/** True if the CRL's raw issuer name equals cert's raw issuer name. */
bool mp_crl_same_issuer_as(const mp_crl *crl, const mp_x509 *cert);
/** Verifies the CRL's signature with issuer's key. MP_OK or MP_ERR_VERIFY. */
MP_WUR int mp_crl_verify_signature(const mp_crl *crl, const mp_x509 *issuer, mp_err *err);
/** True if cert's serial number is listed in the CRL. */
bool mp_crl_lists(const mp_crl *crl, const mp_x509 *cert);
/** Number of revoked entries. */
size_t mp_crl_count(const mp_crl *crl);

#endif /* MPAVS_CRL_H */
