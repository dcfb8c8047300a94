/*
** rpc.h: a JSON-RPC 2.0 client over HTTP(S) (libcurl), with jansson values.
**
** One mp_rpc per thread (it owns a curl easy handle and reuses its
** connection). Transport failures (connection refused or reset, timeouts,
** HTTP 429/502/503/504) are retried with exponential backoff; JSON-RPC error
** objects and malformed responses are not retried. Failures:
**
**   MP_RC(MP_ERR_RPC, MP_RPC_ERROR_OBJECT)  the server answered with an error
**                                           object: see c->last_error
**   MP_RC(MP_ERR_RPC, MP_RPC_TRANSPORT)     no usable answer after the retries
**   MP_RC(MP_ERR_RPC, MP_RPC_HTTP)          another HTTP status without a
**                                           JSON-RPC body
**   MP_RC(MP_ERR_RPC, MP_RPC_TOO_LARGE)     the body exceeded the call's cap, or
**                                           would take too much memory to parse
**   MP_ERR_TIMEOUT                          the last attempt timed out
**   MP_ERR_PARSE                            the body is not a valid response
**
** Bodies are bounded twice: in bytes (opts.max_response, a few MiB; calls
** that ask for it, mp_rpc_call_large, get opts.max_large_response), and in
** what parsing them costs: before jansson sees a body, mp_jsonscan_bound
** refuses one whose estimated tree exceeds MP_RPC_PARSE_FACTOR times its
** length (plus MP_RPC_PARSE_SLACK) or nests deeper than MP_RPC_MAX_DEPTH.
** Real Ethereum answers cost 2-10 times their length; "[{},{},...]" costs 85.
** So parsing a body takes at most ~16x the cap (64 MiB at the default).
**
** The program must call curl_global_init(CURL_GLOBAL_DEFAULT) once before
** creating clients (libcurl's rule; there is no global state in mpavs).
*/
#ifndef MPAVS_RPC_H
#define MPAVS_RPC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/err.h"
#include "mpavs/log.h"

enum mp_rpc_detail {
    MP_RPC_TRANSPORT = 1,
    MP_RPC_HTTP = 2,
    MP_RPC_ERROR_OBJECT = 3,
    MP_RPC_TOO_LARGE = 4,
};

typedef struct mp_rpc_opts {
    long timeout_ms;           /* one attempt, connect to last byte */
    long connect_timeout_ms;   /* TCP (and TLS) connect */
    int retries;               /* extra attempts after a transport failure */
    long backoff_ms;           /* wait before the first retry; doubles each time */
    long backoff_max_ms;       /* ceiling of the wait */
    size_t max_response;       /* larger bodies are refused (MP_RPC_TOO_LARGE) */
    size_t max_large_response; /* the same for mp_rpc_call_large (eth_getLogs) */
} mp_rpc_opts;

#define MP_RPC_OPTS_DEFAULT ((mp_rpc_opts){10000, 3000, 3, 200, 5000, 4u << 20, 32u << 20})

/* Parse bounds (see the top of this file). */
#define MP_RPC_PARSE_FACTOR 16
#define MP_RPC_PARSE_SLACK  (64u << 10)
#define MP_RPC_MAX_DEPTH    64

/** The last JSON-RPC error object received (valid after an ERROR_OBJECT failure). */
typedef struct mp_rpc_error {
    long long code;
    char message[256];
    json_t *data; /* the "data" member, or NULL */
} mp_rpc_error;

typedef struct mp_rpc {
    char *url;
    void *curl;    /* CURL * */
    void *headers; /* struct curl_slist * */
    mp_rpc_opts opts;
    const mp_log *log; /* debug logs of calls; may be NULL */
    uint64_t next_id;
    mp_rpc_error last_error;
    uint64_t calls;   /* requests sent, retries included */
    uint64_t retries; /* of which retries */
} mp_rpc;

/** Creates a client for url (http:// or https://). opts NULL = defaults. */
MP_WUR int mp_rpc_init(mp_rpc *c, const char *url, const mp_rpc_opts *opts, const mp_log *log,
                       mp_err *err);
/** Frees the client. */
void mp_rpc_close(mp_rpc *c);
/** Calls method with params (a JSON array or object; the reference is stolen;
 ** NULL means []). On success *result is a new reference (possibly JSON null). */
MP_WUR int mp_rpc_call(mp_rpc *c, const char *method, json_t *params, json_t **result, mp_err *err);
/* Requests in one batch at most (nodes cap batches; geth's default is 1000). */
#define MP_RPC_MAX_BATCH 1000

/** Calls method n times in one JSON-RPC batch (one HTTP request), params[i]
 ** the params of call i (each reference is stolen, also on failure; NULL means
 ** []). On success results[i] is a new reference to the answer of call i,
 ** whatever order the node answered in. Any error object fails the whole
 ** batch (ERROR_OBJECT; c->last_error holds it and the message names the
 ** member); then every results[i] is NULL. 1 <= n <= MP_RPC_MAX_BATCH. */
MP_WUR int mp_rpc_call_batch(mp_rpc *c, const char *method, json_t **params, size_t n,
                             json_t **results, mp_err *err);
/** mp_rpc_call for a method whose answer may legitimately be large (eth_getLogs
 ** over a range, traces): the body cap is opts.max_large_response. */
MP_WUR int mp_rpc_call_large(mp_rpc *c, const char *method, json_t *params, json_t **result,
                             mp_err *err);
/** True when rc is an ERROR_OBJECT failure whose message contains text, compared
 ** case-insensitively (text in lowercase): nodes word one error differently
 ** ("nonce too low", "Nonce too low"). */
bool mp_rpc_error_mentions(const mp_rpc *c, int rc, const char *text);

#endif /* MPAVS_RPC_H */
