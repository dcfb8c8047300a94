/*
** fuzz_json.c: libFuzzer target for the typed JSON readers (mpavs/json.h):
** every reader runs on every member of any object, in every hex dialect, and
** what a hex reader accepts must survive the writer and the reader again.
*/
#include "mpavs/json.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip(const json_t *v, const char *key)
{
    static const mp_json_hex_mode modes[] = {MP_JSON_0X, MP_JSON_BARE, MP_JSON_0X_OPT};
    for (size_t m = 0; m < 3; m++) {
        mp_buf a = MP_BUF_INIT, b = MP_BUF_INIT;
        if (mp_json_as_hex_buf(v, key, modes[m], 4096, &a, NULL) == MP_OK) {
            json_t *w = mp_json_hex_new(a.data, a.len, modes[m]);
            if (w != NULL && (mp_json_as_hex_buf(w, key, modes[m], 4096, &b, NULL) != MP_OK ||
                              a.len != b.len || (a.len && memcmp(a.data, b.data, a.len) != 0)))
                __builtin_trap();
            json_decref(w);
        }
        mp_buf_free(&a);
        mp_buf_free(&b);
    }
}

static void read_all(const json_t *obj, const char *key)
{
    const char *s;
    uint64_t u;
    bool b, has;
    uint8_t out[64];
    size_t n;
    json_t *j;
    (void)mp_json_get_str(obj, key, &s, NULL);
    (void)mp_json_opt_str(obj, key, &s, NULL);
    (void)mp_json_get_u64(obj, key, 0, UINT64_MAX, &u, NULL);
    (void)mp_json_opt_u64(obj, key, 1, 10, &u, &has, NULL);
    (void)mp_json_get_bool(obj, key, &b, NULL);
    (void)mp_json_opt_bool(obj, key, &b, &has, NULL);
    if (mp_json_get_quantity(obj, key, &u, NULL) == MP_OK) {
        json_t *q = mp_json_quantity_new(u);
        uint64_t back;
        if (q != NULL && (mp_json_as_quantity(q, key, &back, NULL) != MP_OK || back != u))
            __builtin_trap();
        json_decref(q);
    }
    (void)mp_json_opt_quantity(obj, key, &u, &has, NULL);
    (void)mp_json_get_hex(obj, key, MP_JSON_0X, out, 32, NULL);
    if (mp_json_get_hex_max(obj, key, MP_JSON_0X_OPT, out, 0, sizeof out, &n, NULL) == MP_OK &&
        n > sizeof out)
        __builtin_trap();
    (void)mp_json_get_address(obj, key, out, NULL);
    (void)mp_json_opt_address(obj, key, out, &has, NULL);
    (void)mp_json_get_word(obj, key, out, NULL);
    (void)mp_json_get_array(obj, key, 3, &j, &n, NULL);
    (void)mp_json_get_object(obj, key, &j, NULL);
    roundtrip(json_object_get(obj, key), key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *doc;
    if (mp_json_parse(&doc, (const char *)data, size, NULL) != MP_OK)
        return 0;
    const char *key;
    json_t *v;
    json_object_foreach(doc, key, v)
    {
        read_all(doc, key);
    }
    read_all(doc, "absent");
    json_decref(doc);
    return 0;
}
