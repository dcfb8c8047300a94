/*
** fuzz_evm.c: libFuzzer target for the EVM interpreter: random bytecode runs
** as a call with a gas budget picked by the first input byte. It must never
** crash or leak, report more gas used than it had, or run past its gas (the
** gas budget bounds the work, so a hang shows up as a libFuzzer timeout).
** A second account holds the same code so CALL/DELEGATECALL/CREATE paths
** have something to run.
*/
#include "mpavs/evm.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint64_t gas = 1000 + (uint64_t)data[0] * 4000; /* up to about 1M */
    data++;
    size--;
    mp_evm_state *st = NULL;
    if (mp_evm_state_new(&st, NULL) != MP_OK)
        return 0;
    static const uint8_t other[20] = {[19] = 0xaa};
    mp_w256 bal = mp_w256_u64(1000000);
    if (mp_evm_state_set_account(st, other, 1, &bal, data, size, NULL) != MP_OK)
        goto done;
    mp_evm_block env;
    memset(&env, 0, sizeof env);
    env.number = 100;
    env.gas_limit = 30000000;
    env.base_fee = mp_w256_u64(7);
    env.chain_id = 1;
    mp_evm_result r;
    int rc = mp_evm_run_code(st, &env, data, size, data, size < 64 ? size : 64, gas, &r, NULL);
    if (rc == MP_OK) {
        if (r.gas_used > gas)
            __builtin_trap();
        mp_evm_result_free(&r);
    }
    uint8_t root[32];
    if (mp_evm_state_root(st, root, NULL) != MP_OK)
        __builtin_trap();
done:
    mp_evm_state_free(st);
    return 0;
}
