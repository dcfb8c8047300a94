/*
** fuzz_abi.c: libFuzzer target for the ABI type parser, value-text parser and
** decoder.
**
** Input "TYPES\nDATA": TYPES is parsed as a parameter list (when it fails, a
** fixed list picked by the first byte is used) and DATA decoded as its
** encoding. Input "=TYPES\nTEXT" parses TEXT as one value of TYPES instead.
** Whatever decodes must survive a round trip: encode(decode(x)) decodes to
** the same JSON, so the decoder never accepts what the encoder cannot produce.
*/
#include "mpavs/abi.h"

#include <stdlib.h>
#include <string.h>

static const char *const fallback[] = {
    "uint256",      "(uint8,bytes)", "string[],bytes32", "(uint256,(bool,string)[2])[]",
    "int8,address", "bytes[][]",     "uint64[3],string",
};

static void round_trip(const mp_abi_value *v, const mp_abi_type *t)
{
    mp_buf enc = MP_BUF_INIT;
    mp_abi_value back;
    if (mp_abi_encode(&enc, v, NULL) != MP_OK)
        __builtin_trap(); /* a decoded value must always encode */
    if (mp_abi_decode(&back, t, enc.data, enc.len, NULL) != MP_OK)
        __builtin_trap();
    json_t *a = mp_abi_value_to_json(v), *b = mp_abi_value_to_json(&back);
    if (a && b && !json_equal(a, b))
        __builtin_trap();
    json_decref(a);
    json_decref(b);
    mp_abi_value_free(&back);
    mp_buf_free(&enc);
}

static mp_abi_type *types_of(const char *text, uint8_t pick)
{
    mp_abi_type *t = NULL;
    if (mp_abi_params_parse(&t, text, NULL) == MP_OK)
        return t;
    if (mp_abi_params_parse(&t, fallback[pick % (sizeof fallback / sizeof fallback[0])], NULL) ==
        MP_OK)
        return t;
    return NULL;
}

/* A NUL-terminated copy of n input bytes (strndup may read past n bytes). */
static char *dup_bytes(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, p, n);
        s[n] = 0;
    }
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    if (nl == NULL || size == 0)
        return 0;
    bool text_mode = data[0] == '=';
    size_t tlen = (size_t)(nl - data) - text_mode;
    char *types = dup_bytes(data + text_mode, tlen);
    mp_abi_type *t = types ? types_of(types, data[0]) : NULL;
    const uint8_t *rest = nl + 1;
    size_t rlen = size - (size_t)(rest - data);
    mp_abi_value v;
    if (t && !text_mode && mp_abi_decode(&v, t, rest, rlen, NULL) == MP_OK) {
        round_trip(&v, t);
        mp_abi_value_free(&v);
    } else if (t && text_mode && t->nfields == 1) {
        char *text = dup_bytes(rest, rlen);
        if (text && mp_abi_value_parse(&v, t->fields[0], text, NULL) == MP_OK) {
            round_trip(&v, t->fields[0]);
            mp_abi_value_free(&v);
        }
        free(text);
    }
    mp_abi_type_free(t);
    free(types);
    return 0;
}
