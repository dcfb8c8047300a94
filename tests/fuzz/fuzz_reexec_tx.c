/*
** fuzz_reexec_tx.c: libFuzzer target for the JSON transaction decoder of
** stateless re-execution (src/lib/reexec/ethtx.c): any JSON object is decoded;
** what is accepted has been re-encoded and decoded again by the library, so
** its raw bytes must decode once more to the same sender.
*/
#include "mpavs/evm.h"
#include "reexec/rx_int.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *j = json_loadb((const char *)data, size, 0, NULL);
    if (!json_is_object(j)) {
        json_decref(j);
        return 0;
    }
    rx_tx t;
    if (rx_tx_decode(&t, j, NULL) == MP_OK) {
        mp_evm_tx again;
        mp_evm_tx_buf buf = {0};
        if (mp_evm_tx_decode(&again, &buf, t.raw.data, t.raw.len, t.chain_id, NULL) != MP_OK ||
            memcmp(again.sender, t.tx.sender, 20) != 0)
            __builtin_trap();
        mp_evm_tx_buf_free(&buf);
    }
    rx_tx_free(&t);
    json_decref(j);
    return 0;
}
