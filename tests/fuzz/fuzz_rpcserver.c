/*
** fuzz_rpcserver.c: libFuzzer target for the JSON-RPC server's request
** handling (parse, validation, batches, ids, parameter helpers). Whatever the
** body, the answer is nothing (notifications only) or one JSON value: an
** object with "jsonrpc":"2.0" or a non-empty array of such objects.
*/
#include "mpavs/rpcserver.h"

#include <stdlib.h>
#include <string.h>

static int m_echo(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    (void)user, (void)call, (void)err;
    *result = json_incref(params);
    return MP_OK;
}

static int m_typed(void *user, mp_rpcs_call *call, json_t *params, json_t **result, mp_err *err)
{
    (void)user;
    static const char *const keys[] = {"n", "data", NULL};
    json_t *o;
    uint64_t n;
    mp_buf data = MP_BUF_INIT;
    MP_TRY(mp_rpcs_params(params, 1, 1, err));
    MP_TRY(mp_rpcs_param_object(params, 0, &o, err));
    MP_TRY(mp_rpcs_check_keys(o, "params[0]", keys, err));
    MP_TRY(mp_rpcs_field_u64(o, "params[0]", "n", &n, err));
    int rc = mp_rpcs_field_hex(o, "params[0]", "data", 64, &data, err);
    if (rc == MP_OK && n == 7)
        rc = mp_rpcs_fail(call, err, -32010, "seven");
    if (rc == MP_OK)
        *result = json_integer((json_int_t)data.len);
    mp_buf_free(&data);
    return rc;
}

static bool valid_response(const json_t *r)
{
    const char *v = json_string_value(json_object_get(r, "jsonrpc"));
    return json_is_object(r) && v && strcmp(v, "2.0") == 0 && json_object_get(r, "id") &&
           (json_object_get(r, "result") != NULL) != (json_object_get(r, "error") != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mp_rpcs *s;
    if (s == NULL) {
        mp_rpcs_method m[] = {{"echo", m_echo, NULL}, {"typed", m_typed, NULL}};
        if (mp_rpcs_new(&s, m, 2, NULL, NULL, NULL) != MP_OK)
            __builtin_trap();
    }
    char *out = mp_rpcs_handle(s, (const char *)data, size);
    if (out == NULL)
        return 0;
    json_t *r = json_loads(out, 0, NULL);
    if (r == NULL)
        __builtin_trap();
    if (json_is_array(r)) {
        if (json_array_size(r) == 0)
            __builtin_trap();
        for (size_t i = 0; i < json_array_size(r); i++)
            if (!valid_response(json_array_get(r, i)))
                __builtin_trap();
    } else if (!valid_response(r)) {
        __builtin_trap();
    }
    json_decref(r);
    free(out);
    return 0;
}
