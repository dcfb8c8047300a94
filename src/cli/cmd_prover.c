/*
** cmd_prover.c: "mpavs prover call METHOD [JSON]": one JSON-RPC call to an
** mpavs-prover (or any JSON-RPC server), for an operator debugging a prover.
*/
#include "cli.h"
#include "mpavs/rpc.h"

#include <curl/curl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct call_args {
    char *url;
} call_args;

static const mp_cfg_opt call_opts[] = {
    {"url", MP_CFG_URL, offsetof(call_args, url), "http://127.0.0.1:8550", 0, 0, 0,
     "the prover's JSON-RPC endpoint"},
};

static int call_rpc(const char *url, const char *method, json_t *params)
{
    mp_rpc c;
    mp_err err = {0};
    if (mp_rpc_init(&c, url, NULL, NULL, &err) != MP_OK) {
        json_decref(params);
        return cli_fail("prover call", &err);
    }
    json_t *res = NULL;
    int rc = mp_rpc_call(&c, method, params, &res, &err), out;
    if (rc == MP_RC(MP_ERR_RPC, MP_RPC_ERROR_OBJECT)) {
        fprintf(stderr, "mpavs: %s: error %lld: %s\n", method, c.last_error.code,
                c.last_error.message);
        out = CLI_NO;
    } else if (rc != MP_OK) {
        out = cli_fail("prover call", &err);
    } else {
        char *text = json_dumps(res, JSON_INDENT(2) | JSON_ENCODE_ANY);
        printf("%s\n", text ? text : "null");
        free(text);
        out = CLI_OK;
    }
    json_decref(res);
    mp_rpc_close(&c);
    return out;
}

static int call_run(void *args, int npos, char **pos)
{
    const call_args *a = args;
    json_error_t je;
    json_t *params = npos > 1 ? json_loads(pos[1], JSON_REJECT_DUPLICATES, &je) : json_array();
    if (params == NULL || (!json_is_array(params) && !json_is_object(params))) {
        fprintf(stderr, "mpavs: prover call: PARAMS_JSON must be a JSON array or object%s%s\n",
                params ? "" : ": ", params ? "" : je.text);
        json_decref(params);
        return CLI_USAGE;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = call_rpc(a->url, pos[0], params);
    curl_global_cleanup();
    return rc;
}

static const cli_spec call_spec = {
    .name = "prover call",
    .usage = "mpavs prover call METHOD [PARAMS_JSON] [--url URL]",
    .help = "Calls METHOD on the prover at --url with PARAMS_JSON (a JSON array or object;\n"
            "default []). Prints the result as JSON on stdout. A JSON-RPC error is printed on\n"
            "stderr with its code and message (exit 1); a transport failure exits 2. Examples:\n"
            "  mpavs prover call prover_metadata\n"
            "  mpavs prover call generateAttestationReport '[\"0x1234\"]'\n"
            "  mpavs prover call prover_proveTask '[{\"identifier\":1,\"metadata\":\"0x...\"}]'\n",
    .opts = call_opts,
    .nopts = sizeof call_opts / sizeof call_opts[0],
    .args_size = sizeof(call_args),
    .min_args = 1,
    .max_args = 2,
    .run = call_run,
};

static const cli_command prover_commands[] = {
    {"call", NULL, "one JSON-RPC call to a prover, result as JSON", &call_spec},
};

int cli_prover(int argc, char **argv)
{
    return cli_dispatch("mpavs prover", prover_commands,
                        (int)(sizeof prover_commands / sizeof prover_commands[0]), argc, argv);
}
