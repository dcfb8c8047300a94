/*
** cmd_prover.c: "mpavs prover call METHOD [JSON]": one JSON-RPC call to an
** mpavs-prover (or any JSON-RPC server), for an operator debugging a prover.
*/
#include "cli.h"
#include "mpavs/rpc.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

static const char call_usage[] = "mpavs prover call METHOD [PARAMS_JSON] [--url URL]";

static const char call_help[] =
    "Calls METHOD on the prover at --url (default $MPAVS_PROVER_URL, else\n"
    "http://127.0.0.1:8550) with PARAMS_JSON (a JSON array or object; default []).\n"
    "Prints the result as JSON on stdout. A JSON-RPC error is printed on stderr with\n"
    "its code and message (exit 1); a transport failure exits 2. Examples:\n"
    "  mpavs prover call prover_metadata\n"
    "  mpavs prover call generateAttestationReport '[\"0x1234\"]'\n"
    "  mpavs prover call prover_proveTask '[{\"identifier\":1,\"metadata\":\"0x...\"}]'\n";

typedef struct call_args {
    const char *method, *params, *url;
} call_args;

static bool parse_call(int argc, char **argv, call_args *a)
{
    const char *env = getenv("MPAVS_PROVER_URL");
    a->url = env && env[0] ? env : "http://127.0.0.1:8550";
    a->method = a->params = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--url") == 0 && i + 1 < argc)
            a->url = argv[++i];
        else if (strncmp(argv[i], "--", 2) == 0)
            return false;
        else if (a->method == NULL)
            a->method = argv[i];
        else if (a->params == NULL)
            a->params = argv[i];
        else
            return false;
    }
    return a->method != NULL;
}

static int call_run(const call_args *a)
{
    json_error_t je;
    json_t *params = a->params ? json_loads(a->params, JSON_REJECT_DUPLICATES, &je) : json_array();
    if (params == NULL || (!json_is_array(params) && !json_is_object(params))) {
        fprintf(stderr, "mpavs: prover call: PARAMS_JSON must be a JSON array or object%s%s\n",
                params ? "" : ": ", params ? "" : je.text);
        json_decref(params);
        return CLI_USAGE;
    }
    mp_rpc c;
    mp_err err = {0};
    if (mp_rpc_init(&c, a->url, NULL, NULL, &err) != MP_OK) {
        json_decref(params);
        return cli_fail("prover call", &err);
    }
    json_t *res = NULL;
    int rc = mp_rpc_call(&c, a->method, params, &res, &err), out;
    if (rc == MP_RC(MP_ERR_RPC, MP_RPC_ERROR_OBJECT)) {
        fprintf(stderr, "mpavs: %s: error %lld: %s\n", a->method, c.last_error.code,
                c.last_error.message);
        out = CLI_NO;
    } else if (rc != MP_OK) {
        out = cli_fail(a->method, &err);
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

static int prover_call(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n%s", call_usage, call_help);
        return CLI_OK;
    }
    call_args a;
    if (!parse_call(argc, argv, &a))
        return cli_usage(call_usage);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = call_run(&a);
    curl_global_cleanup();
    return rc;
}

int cli_prover(int argc, char **argv)
{
    static const cli_command cmds[] = {
        {"call", prover_call, "one JSON-RPC call to a prover, result as JSON"},
    };
    return cli_dispatch("mpavs prover", cmds, 1, argc, argv);
}
