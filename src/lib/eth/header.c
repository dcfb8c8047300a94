/*
** header.c: RLP re-encoding of JSON block headers and the hash check (see
** include/mpavs/ethheader.h). Field order and types follow the consensus
** header; the optional fork fields must appear as a prefix of their list.
*/
#include "mpavs/ethheader.h"
#include "mpavs/hex.h"
#include "mpavs/json.h"
#include "mpavs/keccak.h"
#include "mpavs/rlp.h"

#include <string.h>

typedef enum kind { WORD, ADDR, BLOOM, QTY, BYTES, NONCE } kind;

typedef struct field {
    const char *key;
    kind k;
} field;

static const field fixed[] = {
    {"parentHash", WORD}, {"sha3Uncles", WORD},       {"miner", ADDR},
    {"stateRoot", WORD},  {"transactionsRoot", WORD}, {"receiptsRoot", WORD},
    {"logsBloom", BLOOM}, {"difficulty", QTY},        {"number", QTY},
    {"gasLimit", QTY},    {"gasUsed", QTY},           {"timestamp", QTY},
    {"extraData", BYTES}, {"mixHash", WORD},          {"nonce", NONCE},
};

/* Fork fields, in order: London, Shanghai, Cancun (three), Prague. */
static const field forks[] = {
    {"baseFeePerGas", QTY}, {"withdrawalsRoot", WORD},       {"blobGasUsed", QTY},
    {"excessBlobGas", QTY}, {"parentBeaconBlockRoot", WORD}, {"requestsHash", WORD},
};

static int put_field(mp_buf *b, const json_t *block, const field *f, mp_err *err)
{
    json_t *v = json_object_get(block, f->key);
    uint8_t tmp[256];
    mp_buf bytes = MP_BUF_INIT;
    const char *s;
    int rc = MP_OK;
    switch (f->k) {
    case WORD:
    case ADDR:
    case BLOOM:
    case NONCE: {
        size_t n = f->k == WORD ? 32 : f->k == ADDR ? 20 : f->k == BLOOM ? 256 : 8;
        MP_TRY(mp_json_as_hex(v, f->key, MP_JSON_0X, tmp, n, err));
        mp_rlp_put_bytes(b, tmp, n);
        break;
    }
    case QTY:
        MP_TRY(mp_json_as_str(v, f->key, &s, err));
        if (!mp_hex_has_0x(s) || s[2] == 0 || strlen(s) > 2 + 64 || (s[2] == '0' && s[3] != 0))
            return MP_FAIL(err, MP_ERR_PARSE, "%s is not a quantity", f->key);
        rc = mp_hex_decode_quantity(tmp, 32, s, err);
        if (rc != MP_OK)
            return MP_FAIL(err, MP_ERR_PARSE, "%s is not a quantity", f->key);
        mp_rlp_put_uint_be(b, tmp, 32);
        break;
    case BYTES:
        rc = mp_json_as_hex_buf(v, f->key, MP_JSON_0X, 1u << 16, &bytes, err);
        if (rc == MP_OK)
            mp_rlp_put_bytes(b, bytes.data, bytes.len);
        mp_buf_free(&bytes);
        break;
    }
    return rc;
}

int mp_eth_header_rlp(mp_buf *out, const json_t *block, mp_err *err)
{
    if (!json_is_object(block))
        return MP_FAIL(err, MP_ERR_PARSE, "block is not a JSON object");
    size_t mark = mp_rlp_list_begin(out);
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        MP_TRY(put_field(out, block, &fixed[i], err));
    bool ended = false;
    for (size_t i = 0; i < sizeof forks / sizeof forks[0]; i++) {
        bool has = mp_json_present(block, forks[i].key);
        if (has && ended)
            return MP_FAIL(err, MP_ERR_PARSE, "header has %s but not %s", forks[i].key,
                           forks[i - 1].key);
        if (!has) {
            ended = true;
            continue;
        }
        MP_TRY(put_field(out, block, &forks[i], err));
    }
    mp_rlp_list_end(out, mark);
    return mp_buf_check(out, err);
}

int mp_eth_header_hash(uint8_t hash[32], const json_t *block, mp_err *err)
{
    mp_buf b = MP_BUF_INIT;
    int rc = mp_eth_header_rlp(&b, block, err);
    if (rc == MP_OK)
        mp_keccak256(hash, b.data, b.len);
    mp_buf_free(&b);
    return rc;
}

int mp_eth_header_check(mp_eth_header *out, const json_t *block, mp_err *err)
{
    memset(out, 0, sizeof *out);
    uint8_t claimed[32];
    MP_TRY(mp_eth_header_hash(out->hash, block, err));
    MP_TRY(mp_json_get_word(block, "hash", claimed, err));
    MP_TRY(mp_json_get_quantity(block, "number", &out->number, err));
    MP_TRY(mp_json_get_quantity(block, "timestamp", &out->timestamp, err));
    MP_TRY(mp_json_get_word(block, "parentHash", out->parent_hash, err));
    MP_TRY(mp_json_get_word(block, "stateRoot", out->state_root, err));
    if (memcmp(claimed, out->hash, 32) != 0)
        return MP_FAIL(err, MP_ERR_VERIFY,
                       "block %llu: header does not hash to the block hash the node gave",
                       (unsigned long long)out->number);
    return MP_OK;
}
