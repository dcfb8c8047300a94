/*
** fuzz_keystore.c: libFuzzer target for keystore parsing (both the Ethereum
** v3 and the EigenLayer BLS container) with password "pw".
**
** Inputs whose KDF would cost more than a fuzz iteration can afford (scrypt
** n > 1024, r > 8, p > 4; PBKDF2 c > 1000) are skipped before the KDF runs;
** the reader's own limits are tested in test_keystore.
*/
#include "mpavs/keystore.h"

#include <stdlib.h>

static bool cheap(const char *data, size_t size)
{
    json_t *root = json_loadb(data, size, 0, NULL);
    json_t *crypto = json_object_get(root, "crypto");
    if (crypto == NULL)
        crypto = json_object_get(root, "Crypto");
    json_t *kp = json_object_get(crypto, "kdfparams");
    json_int_t n = json_integer_value(json_object_get(kp, "n"));
    json_int_t r = json_integer_value(json_object_get(kp, "r"));
    json_int_t p = json_integer_value(json_object_get(kp, "p"));
    json_int_t c = json_integer_value(json_object_get(kp, "c"));
    bool ok = n <= 1024 && r <= 8 && p <= 4 && c <= 1000;
    json_decref(root);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    if (!cheap(text, size))
        return 0;
    uint8_t sk[32];
    char *pub = NULL;
    (void)mp_keystore_eth_load(sk, text, size, "pw", NULL);
    if (mp_keystore_bls_load(sk, &pub, text, size, "pw", NULL) == MP_OK)
        free(pub);
    return 0;
}
