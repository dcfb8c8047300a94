/*
** enclave.c: the prover's enclave key. Outside a sealed-key file it exists in
** this process's memory only, as an enclave's would; with one (under Gramine
** an encrypted mount sealed to MRENCLAVE) the same key survives restarts, so
** the liveness registration of the enclave address stays valid.
*/
#include "prover.h"

#include "mpavs/file.h"
#include "mpavs/mem.h"
#include "mpavs/stateheader.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The sealed file holds the 32 raw key bytes. */
static int load_or_create(prv_enclave *e, const char *path, const mp_log *lg, mp_err *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        MP_TRY(mp_secp_key_generate(e->sk, err));
        int rc = mp_file_write_atomic(path, e->sk, 32, 0600, err);
        if (rc != MP_OK)
            mp_err_wrap(err, "writing the sealed key");
        else
            MP_INFO(lg, "created the sealed enclave key", "path", path);
        return rc;
    }
    uint8_t *data = NULL;
    size_t len = 0;
    int rc = mp_file_read(path, 64, &data, &len, err);
    if (rc == MP_OK && len != 32)
        rc = MP_FAIL(err, MP_ERR_INVALID, "sealed key %s is %zu bytes, not 32", path, len);
    if (rc == MP_OK) {
        memcpy(e->sk, data, 32);
        rc = mp_secp_key_check(e->sk, err);
    }
    if (data) {
        mp_memzero(data, len);
        free(data);
    }
    if (rc == MP_OK)
        MP_INFO(lg, "loaded the sealed enclave key", "path", path);
    return rc;
}

int prv_enclave_init(prv_enclave *e, const char *sealed_path, const mp_log *lg, mp_err *err)
{
    memset(e, 0, sizeof *e);
    pthread_mutex_init(&e->mu, NULL);
    MP_TRY(mp_secp_create(&e->secp, err));
    if (sealed_path && sealed_path[0])
        MP_TRY(load_or_create(e, sealed_path, lg, err));
    else
        MP_TRY(mp_secp_key_generate(e->sk, err));
    return mp_secp_address(e->secp, e->address, e->sk, err);
}

void prv_enclave_free(prv_enclave *e)
{
    mp_memzero(e->sk, sizeof e->sk);
    if (e->secp)
        mp_secp_destroy(e->secp);
    e->secp = NULL;
    pthread_mutex_destroy(&e->mu);
}

int prv_enclave_sign_state(prv_enclave *e, uint64_t identifier, const uint8_t *metadata,
                           size_t metadata_len, const uint8_t *state, size_t state_len,
                           uint8_t sig[65], mp_err *err)
{
    uint8_t id[32] = {0}, digest[32];
    for (int i = 0; i < 8; i++)
        id[31 - i] = (uint8_t)(identifier >> (8 * i));
    mp_prover_state_digest(digest, id, metadata, metadata_len, state, state_len);
    pthread_mutex_lock(&e->mu);
    int rc = mp_secp_sign65(e->secp, sig, digest, e->sk, err);
    pthread_mutex_unlock(&e->mu);
    return rc;
}
