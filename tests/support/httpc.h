/*
** httpc.h: a raw HTTP client for tests of the HTTP and JSON-RPC servers, so a
** test can send what a well-behaved client would not (malformed JSON,
** oversized or chunked bodies) and see the status and body as they are.
*/
#ifndef MPAVS_TEST_HTTPC_H
#define MPAVS_TEST_HTTPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct httpc_reply {
    long status; /* 0 when the transfer failed */
    char *body;  /* NUL-terminated, malloc'd */
    size_t len;
} httpc_reply;

/** Sends method ("GET"/"POST") to http://127.0.0.1:port{path} with body
 ** (NULL: none); chunked sends it with Transfer-Encoding: chunked. */
httpc_reply httpc_send(uint16_t port, const char *method, const char *path, const char *body,
                       size_t len, bool chunked);
void httpc_free(httpc_reply *r);

#endif
