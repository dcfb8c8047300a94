/*
** rpcserver.h: a JSON-RPC 2.0 server (jansson values) on top of mp_http.
**
** A method table maps names to handlers. The server parses the body (parse
** error -32700), checks each request (-32600), echoes its id (number, string
** or null; a request without an id is a notification and gets no answer),
** runs batches up to a size limit, and turns a handler's failure into ONE
** kind of error object through one mapping:
**
**   mp_rpcs_fail(call, err, code, ...)   the handler names the JSON-RPC code
**   opts.codes {rc class -> code}        the daemon maps a library class
**   MP_ERR_INVALID, MP_ERR_PARSE         -32602 invalid params
**   anything else                        -32603 internal error
**
** and the message is err->msg, which says what was wrong.
**
** Long polls: a handler that has nothing to answer yet calls mp_rpcs_wait and
** returns MP_OK without a result. The request is kept (its HTTP connection
** parked, no thread held) and the handler is run again when mp_rpcs_notify is
** called for its topic, and a last time, with mp_rpcs_final() true, when its
** wait (capped by opts.max_wait_ms) is over; on that run it must answer.
** Handlers of long-poll methods must therefore be cheap and idempotent checks
** of the daemon's state. Re-runs happen on the server's own thread. A
** long-poll that cannot wait (inside a batch, too many waiters, shutting
** down) is run at once with mp_rpcs_final() true.
**
** Answers from elsewhere: a handler of a single HTTP call may hand the call
** to another thread with mp_rpcs_defer and return MP_OK without a result; that
** thread answers it once with mp_rpcs_answer (the connection stays parked, no
** server thread waits). The aggregator checks and commits submissions in
** batches this way.
**
** Shutdown order: the owner answers its deferred calls, then mp_rpcs_shutdown
** (answers every waiter, waits for deferred answers), mp_http_stop,
** mp_rpcs_free.
*/
#ifndef MPAVS_RPCSERVER_H
#define MPAVS_RPCSERVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/buf.h"
#include "mpavs/err.h"
#include "mpavs/http.h"
#include "mpavs/log.h"

/* Standard JSON-RPC 2.0 codes. */
enum {
    MP_RPCS_PARSE_ERROR = -32700,
    MP_RPCS_INVALID_REQUEST = -32600,
    MP_RPCS_UNKNOWN_METHOD = -32601,
    MP_RPCS_INVALID_PARAMS = -32602,
    MP_RPCS_INTERNAL = -32603,
};

typedef struct mp_rpcs mp_rpcs;
/** One call being handled: passed to handlers, valid during the handler only. */
typedef struct mp_rpcs_call mp_rpcs_call;

/** A method: reads params (an array or object, [] when absent; borrowed),
 ** sets *result (a new reference) and returns MP_OK, or returns an error with
 ** err filled, or calls mp_rpcs_wait and returns MP_OK leaving *result NULL. */
typedef int (*mp_rpcs_fn)(void *user, mp_rpcs_call *call, json_t *params, json_t **result,
                          mp_err *err);

typedef struct mp_rpcs_method {
    const char *name;
    mp_rpcs_fn fn;
    void *user;
} mp_rpcs_method;

/** Maps an mp_rc class (e.g. MP_ERR_RPC) to a JSON-RPC error code. */
typedef struct mp_rpcs_code {
    int rc_class;
    int code;
} mp_rpcs_code;

/** Called after every answered call (for metrics): code 0 = success. */
typedef void (*mp_rpcs_observer)(void *user, const char *method, int code, long long ms);

typedef struct mp_rpcs_opts {
    size_t max_batch;          /* requests in one batch */
    uint32_t max_wait_ms;      /* cap of every long-poll wait */
    size_t max_waiters;        /* suspended calls at once */
    const mp_rpcs_code *codes; /* class overrides (borrowed), may be NULL */
    size_t ncodes;
    mp_rpcs_observer observer; /* may be NULL */
    void *observer_user;
} mp_rpcs_opts;

#define MP_RPCS_OPTS_DEFAULT ((mp_rpcs_opts){32, 60000, 1024, NULL, 0, NULL, NULL})

/** Creates a server for the methods (copied; names and users must outlive
 ** it) and starts its long-poll thread. lg may be NULL. */
MP_WUR int mp_rpcs_new(mp_rpcs **out, const mp_rpcs_method *methods, size_t n,
                       const mp_rpcs_opts *opts, const mp_log *lg, mp_err *err);
/** Answers every waiting call (final run) and makes later waits final at once. */
void mp_rpcs_shutdown(mp_rpcs *s);
/** Stops the long-poll thread and frees (after mp_http_stop). NULL is a no-op. */
void mp_rpcs_free(mp_rpcs *s);

/** The mp_http_handler for a POST route; user is the mp_rpcs. Answers 200
 ** with the JSON-RPC response, 204 when every request was a notification. */
int mp_rpcs_http(void *user, mp_http_conn *conn, const mp_http_request *req,
                 mp_http_response *resp);
/** Handles one body without HTTP (tests, in-process use); waits are final.
 ** Returns the response text (malloc'd), or NULL for notifications only. */
char *mp_rpcs_handle(mp_rpcs *s, const char *body, size_t len);

/** Wakes the waiting calls of topic (NULL: every waiting call). Any thread. */
void mp_rpcs_notify(mp_rpcs *s, const char *topic);

/** In a handler: wait up to wait_ms (capped) for topic (NULL: any notify). */
void mp_rpcs_wait(mp_rpcs_call *call, const char *topic, uint32_t wait_ms);
/** In a handler: true on the run that must answer (wait over or impossible). */
bool mp_rpcs_final(const mp_rpcs_call *call);
/** In a handler: the answer will be given later, from any thread, with
 ** mp_rpcs_answer; the handler then returns MP_OK leaving *result NULL.
 ** False when the call cannot be answered later (a batch, a notification,
 ** mp_rpcs_handle, shutting down): the handler answers now. After true, the
 ** call stays valid until mp_rpcs_answer, which must come exactly once. */
bool mp_rpcs_defer(mp_rpcs_call *call);
/** Answers a deferred call as its handler's return would have: rc MP_OK with
 ** result (stolen; NULL is null), or a failure described by err (and by
 ** mp_rpcs_fail, called on the call before). Any thread; frees the call. */
void mp_rpcs_answer(mp_rpcs_call *call, int rc, json_t *result, const mp_err *err);
/** The method name of the call. */
const char *mp_rpcs_method_name(const mp_rpcs_call *call);
/** The client's address as text ("" for mp_rpcs_handle), e.g. for rate limits. */
const char *mp_rpcs_remote(const mp_rpcs_call *call);
/** In a handler: fails with JSON-RPC code and a message (err gets MP_ERR_INVALID
 ** and the message); returns that rc: "return mp_rpcs_fail(call, err, -32010, ...)". */
int mp_rpcs_fail(mp_rpcs_call *call, mp_err *err, int code, const char *fmt, ...) MP_PRINTF(4, 5);

/** The error object {code, message} for a failure rc/err (app_code 0 = none),
 ** by the mapping above. A new reference. */
json_t *mp_rpcs_error_object(const mp_rpcs *s, int app_code, int rc, const mp_err *err);

/* ---- parameter validation: messages name the parameter ("params[0].x: ...") ---- */

/** params is an array of min..max elements. */
MP_WUR int mp_rpcs_params(const json_t *params, size_t min, size_t max, mp_err *err);
/** params[i] is an object; *obj borrowed. */
MP_WUR int mp_rpcs_param_object(const json_t *params, size_t i, json_t **obj, mp_err *err);
/** params[i] is "0x" hex of at most max_len bytes, decoded into out. */
MP_WUR int mp_rpcs_param_hex(const json_t *params, size_t i, size_t max_len, mp_buf *out,
                             mp_err *err);
/** obj has no keys other than the NULL-terminated allowed list (where names obj). */
MP_WUR int mp_rpcs_check_keys(const json_t *obj, const char *where, const char *const *allowed,
                              mp_err *err);
/** obj.key is a non-negative integer (JSON number below 2^53, or "0x" quantity). */
MP_WUR int mp_rpcs_field_u64(const json_t *obj, const char *where, const char *key, uint64_t *out,
                             mp_err *err);
/** obj.key is "0x" hex of at most max_len bytes, decoded into out. */
MP_WUR int mp_rpcs_field_hex(const json_t *obj, const char *where, const char *key, size_t max_len,
                             mp_buf *out, mp_err *err);

#endif /* MPAVS_RPCSERVER_H */
