/*
** fuzz_rlp.c: libFuzzer target for strict RLP decoding and transaction
** decoding. Strictness has a checkable consequence: anything accepted is the
** canonical encoding of what it decodes to, so re-encoding must give back the
** exact input bytes (for items and for whole signed transactions).
*/
#include "mpavs/rlp.h"
#include "mpavs/tx.h"

#include <string.h>

static void reencode(mp_buf *b, const mp_rlp_item *it)
{
    if (!it->is_list) {
        mp_rlp_put_bytes(b, it->payload, it->len);
        return;
    }
    size_t mark = mp_rlp_list_begin(b);
    const uint8_t *cur = it->payload;
    size_t left = it->len;
    while (left > 0) {
        mp_rlp_item child;
        if (mp_rlp_next(&child, &cur, &left, NULL) != MP_OK)
            __builtin_trap(); /* validated input cannot fail here */
        reencode(b, &child);
    }
    mp_rlp_list_end(b, mark);
}

static void check_same(const mp_buf *b, const uint8_t *data, size_t size)
{
    if (b->oom)
        return;
    if (b->len != size || memcmp(b->data, data, size) != 0)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mp_rlp_item top;
    if (mp_rlp_validate(data, size, NULL) == MP_OK &&
        mp_rlp_decode(&top, data, size, NULL) == MP_OK) {
        mp_buf b = MP_BUF_INIT;
        reencode(&b, &top);
        check_same(&b, data, size);
        mp_buf_free(&b);
    }
    mp_tx tx;
    if (mp_tx_decode(&tx, data, size, NULL) == MP_OK) {
        mp_buf b = MP_BUF_INIT;
        if (mp_tx_encode_signed(&tx, &b, NULL) == MP_OK)
            check_same(&b, data, size);
        mp_buf_free(&b);
        uint8_t from[20];
        (void)mp_tx_sender(&tx, from, NULL);
    }
    return 0;
}
