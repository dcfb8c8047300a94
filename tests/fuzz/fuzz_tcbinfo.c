/*
** fuzz_tcbinfo.c: libFuzzer target for TCB info documents (PCS JSON, v2/v3)
** and the top-level JSON span scanner they rely on.
*/
#include "mpavs/collateral.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mp_tcb_info ti;
    if (mp_tcb_info_parse(&ti, data, size, NULL) == MP_OK) {
        /* The signed span lies inside the input and levels are strictly ordered. */
        if (ti.body_len > size || ti.n_levels == 0)
            __builtin_trap();
        for (size_t i = 1; i < ti.n_levels; i++)
            if (memcmp(ti.levels[i - 1].sgx_svn, ti.levels[i].sgx_svn, 16) < 0)
                __builtin_trap();
        mp_tcb_info_free(&ti);
    }
    size_t off, len;
    if (mp_collateral_member_span(data, size, "tcbInfo", &off, &len, NULL) == MP_OK &&
        (off > size || len > size - off))
        __builtin_trap();
    return 0;
}
