/*
** live.c: positive verifyLivenessProof answers kept for liveness_cache, per
** (operator, enclave). An open-addressing table: a key lives in one of
** AGG_LIVE_PROBE slots from its hash, so a lookup costs a few comparisons
** however many operators there are; when those slots are all taken by
** unexpired answers, the one expiring first gives way. Negative answers are
** never kept: the operator may be attesting right now. Under agg_ctx.mu.
*/
#include "agg.h"

#include <string.h>

#define AGG_LIVE_PROBE 16

/* Addresses are keccak outputs: their first bytes are hash enough. */
static size_t slot_of(const uint8_t op[20], const uint8_t enclave[20])
{
    uint64_t a, b;
    memcpy(&a, op, 8);
    memcpy(&b, enclave, 8);
    return (size_t)((a ^ (b * 0x9e3779b97f4a7c15ULL)) & (AGG_LIVE_CACHE - 1));
}

static bool same_key(const agg_live *l, const uint8_t op[20], const uint8_t enclave[20])
{
    return memcmp(l->operator_addr, op, 20) == 0 && memcmp(l->enclave, enclave, 20) == 0;
}

bool agg_live_get(const agg_ctx *c, const uint8_t op[20], const uint8_t enclave[20], int64_t now)
{
    size_t h = slot_of(op, enclave);
    for (size_t i = 0; i < AGG_LIVE_PROBE; i++) {
        const agg_live *l = &c->live[(h + i) & (AGG_LIVE_CACHE - 1)];
        if (now < l->until_ms && same_key(l, op, enclave))
            return true;
    }
    return false;
}

void agg_live_put(agg_ctx *c, const uint8_t op[20], const uint8_t enclave[20], int64_t until_ms)
{
    size_t h = slot_of(op, enclave);
    agg_live *use = NULL;
    for (size_t i = 0; i < AGG_LIVE_PROBE; i++) {
        agg_live *l = &c->live[(h + i) & (AGG_LIVE_CACHE - 1)];
        if (same_key(l, op, enclave)) {
            use = l;
            break;
        }
        if (use == NULL || l->until_ms < use->until_ms)
            use = l; /* an empty or expired slot, else the one expiring first */
    }
    memcpy(use->operator_addr, op, 20);
    memcpy(use->enclave, enclave, 20);
    use->until_ms = until_ms;
}
