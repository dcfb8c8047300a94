/*
** fuzz_evm_tx.c: libFuzzer target for mp_evm_tx_decode (raw signed
** transactions of every type): any input either decodes, with every pointer
** inside the input or the decode buffer, or fails with an error; nothing
** leaks. A decoded transaction is then applied to a small state, which must
** not crash whatever its fields say.
*/
#include "mpavs/evm.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mp_evm_tx tx;
    mp_evm_tx_buf buf;
    if (mp_evm_tx_decode(&tx, &buf, data, size, 1, NULL) != MP_OK) {
        mp_evm_tx_buf_free(&buf);
        return 0;
    }
    if (tx.data_len && (tx.data < data || tx.data + tx.data_len > data + size))
        __builtin_trap();
    mp_evm_state *st = NULL;
    if (mp_evm_state_new(&st, NULL) == MP_OK) {
        mp_w256 bal = mp_w256_u64(1000000000000ull);
        mp_evm_block env;
        memset(&env, 0, sizeof env);
        env.number = 1;
        env.gas_limit = 1000000;
        env.base_fee = mp_w256_u64(1);
        env.chain_id = 1;
        mp_evm_result r;
        if (mp_evm_state_set_account(st, tx.sender, tx.nonce, &bal, NULL, 0, NULL) == MP_OK &&
            mp_evm_tx_apply(st, &env, &tx, &r, NULL) == MP_OK)
            mp_evm_result_free(&r);
        mp_evm_state_free(st);
    }
    mp_evm_tx_buf_free(&buf);
    return 0;
}
