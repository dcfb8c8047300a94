/*
** fuzz_qeidentity.c: libFuzzer target for QE identity documents (PCS JSON, v2).
*/
#include "mpavs/collateral.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mp_qe_identity qi;
    if (mp_qe_identity_parse(&qi, data, size, NULL) == MP_OK) {
        if (qi.body_len > size || qi.n_levels == 0)
            __builtin_trap();
        for (size_t i = 1; i < qi.n_levels; i++)
            if (qi.levels[i - 1].isvsvn <= qi.levels[i].isvsvn)
                __builtin_trap();
        mp_qe_identity_free(&qi);
    }
    return 0;
}
