/*
** httpc.c: the raw test HTTP client (see httpc.h), one libcurl easy handle per call.
*/
#include "httpc.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct src {
    const char *p;
    size_t left;
} src;

static size_t on_write(char *p, size_t size, size_t n, void *user)
{
    httpc_reply *r = user;
    size_t bytes = size * n;
    char *grown = realloc(r->body, r->len + bytes + 1);
    if (grown == NULL)
        return 0;
    memcpy(grown + r->len, p, bytes);
    r->len += bytes;
    grown[r->len] = 0;
    r->body = grown;
    return bytes;
}

static size_t on_read(char *out, size_t size, size_t n, void *user)
{
    src *s = user;
    size_t k = size * n < s->left ? size * n : s->left;
    memcpy(out, s->p, k);
    s->p += k;
    s->left -= k;
    return k;
}

httpc_reply httpc_send(uint16_t port, const char *method, const char *path, const char *body,
                       size_t len, bool chunked)
{
    httpc_reply r = {0, calloc(1, 1), 0};
    CURL *c = curl_easy_init();
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", (unsigned)port, path);
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    if (chunked)
        hdr = curl_slist_append(hdr, "Transfer-Encoding: chunked");
    src s = {body, len};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 20000L);
    if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        if (chunked) {
            curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
            curl_easy_setopt(c, CURLOPT_READDATA, &s);
        } else {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? len : 0));
        }
    } else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    }
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(c);
    return r;
}

void httpc_free(httpc_reply *r)
{
    free(r->body);
    r->body = NULL;
}
