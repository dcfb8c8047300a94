/*
** pem.c: the PEM certificate chain inside a quote (certification data type 5)
** in the one exact form Intel's PCS serves and real quotes carry:
**
**   "-----BEGIN CERTIFICATE-----\n" (64-char base64 lines, last 1..64, each + "\n")
**   "-----END CERTIFICATE-----\n"  ... repeated, then optionally one NUL byte.
**
** Base64 must be canonical (padding only at the end, unused bits zero), so one
** chain has one encoding and any changed byte is either rejected here or
** changes the DER that signatures cover.
*/
#include "mpavs/x509.h"
#include "sgx/sgx_util.h"

#include <string.h>

static const char BEGIN[] = "-----BEGIN CERTIFICATE-----\n";
static const char END[] = "-----END CERTIFICATE-----\n";
static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(uint8_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Decodes canonical base64 text (no line breaks) of length n (multiple of 4). */
static int b64_decode(mp_buf *out, const uint8_t *s, size_t n, mp_err *err)
{
    if (n == 0 || n % 4)
        return MP_FAIL(err, MP_ERR_PARSE, "base64 length is not a multiple of 4");
    for (size_t i = 0; i < n; i += 4) {
        int v[4], pad = 0;
        for (int j = 0; j < 4; j++) {
            if (s[i + j] == '=' && i + 4 == n && j >= 2) {
                v[j] = 0;
                pad++;
                continue;
            }
            if (pad || (v[j] = b64_value(s[i + j])) < 0)
                return MP_FAIL(err, MP_ERR_PARSE, "bad base64 character at %zu", i + j);
        }
        uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | v[3];
        if ((pad == 1 && (w & 0xff)) || (pad == 2 && (w & 0xffff)))
            return MP_FAIL(err, MP_ERR_PARSE, "base64 padding bits are not zero");
        uint8_t bytes[3] = {(uint8_t)(w >> 16), (uint8_t)(w >> 8), (uint8_t)w};
        mp_buf_append(out, bytes, (size_t)(3 - pad));
    }
    return mp_buf_check(out, err);
}

/* Parses one block at data[*pos..len); gathers its base64 lines, then decodes. */
static int decode_block(mp_buf *der, const uint8_t *data, size_t len, size_t *pos, mp_err *err)
{
    size_t p = *pos, blen = sizeof BEGIN - 1, elen = sizeof END - 1;
    if (len - p < blen || memcmp(data + p, BEGIN, blen) != 0)
        return MP_FAIL(err, MP_ERR_PARSE, "expected \"-----BEGIN CERTIFICATE-----\\n\" at %zu", p);
    p += blen;
    mp_buf text = MP_BUF_INIT;
    int rc = MP_OK;
    for (;;) {
        if (len - p >= elen && memcmp(data + p, END, elen) == 0)
            break;
        size_t line = 0;
        while (p + line < len && data[p + line] != '\n')
            line++;
        if (p + line == len) {
            rc = MP_FAIL(err, MP_ERR_PARSE, "PEM block is not terminated");
            goto done;
        }
        if (line == 0 || line > 64) {
            rc = MP_FAIL(err, MP_ERR_PARSE, "PEM line of %zu characters at %zu", line, p);
            goto done;
        }
        /* Only the last line may be shorter than 64. */
        if (line < 64 &&
            !(len - (p + line + 1) >= elen && memcmp(data + p + line + 1, END, elen) == 0)) {
            rc = MP_FAIL(err, MP_ERR_PARSE, "short PEM line before the end at %zu", p);
            goto done;
        }
        mp_buf_append(&text, data + p, line);
        p += line + 1;
    }
    if (text.len == 0) {
        rc = MP_FAIL(err, MP_ERR_PARSE, "empty PEM block");
        goto done;
    }
    rc = mp_buf_check(&text, err);
    if (rc == MP_OK)
        rc = b64_decode(der, text.data, text.len, err);
    *pos = p + elen;
done:
    mp_buf_free(&text);
    return rc;
}

int mp_pem_chain_decode(mp_buf *ders, size_t max, size_t *n, const uint8_t *data, size_t len,
                        mp_err *err)
{
    size_t pos = 0, count = 0;
    /* One trailing NUL is how real quotes end the chain; it is not part of the PEM. */
    if (len > 0 && data[len - 1] == 0)
        len--;
    while (pos < len) {
        if (count == max)
            return MP_FAIL(err, MP_ERR_PARSE, "more than %zu certificates in the chain", max);
        MP_TRY(decode_block(&ders[count], data, len, &pos, err));
        count++;
    }
    *n = count;
    return MP_OK;
}

bool mp_pem_sniff(const uint8_t *data, size_t len)
{
    static const char tag[] = "-----BEGIN";
    for (size_t i = 0; i + sizeof tag - 1 <= len && i < 64; i++)
        if (memcmp(data + i, tag, sizeof tag - 1) == 0)
            return true;
    return false;
}

void mp_base64_encode(mp_buf *out, const uint8_t *in, size_t len)
{
    for (size_t i = 0; i < len; i += 3) {
        uint32_t w = (uint32_t)in[i] << 16;
        if (i + 1 < len)
            w |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < len)
            w |= in[i + 2];
        char q[4] = {B64[w >> 18], B64[(w >> 12) & 63], i + 1 < len ? B64[(w >> 6) & 63] : '=',
                     i + 2 < len ? B64[w & 63] : '='};
        mp_buf_append(out, q, 4);
    }
}

void mp_pem_cert_encode(mp_buf *out, const uint8_t *der, size_t len)
{
    mp_buf b64 = MP_BUF_INIT;
    mp_base64_encode(&b64, der, len);
    mp_buf_puts(out, BEGIN);
    for (size_t i = 0; i < b64.len; i += 64) {
        size_t n = b64.len - i < 64 ? b64.len - i : 64;
        mp_buf_append(out, b64.data + i, n);
        mp_buf_push(out, '\n');
    }
    mp_buf_puts(out, END);
    if (b64.oom)
        out->oom = true;
    mp_buf_free(&b64);
}

int mp_x509_chain_from_pem(mp_x509 **certs, size_t max, size_t *n, const uint8_t *data, size_t len,
                           mp_err *err)
{
    mp_buf ders[MP_PEM_MAX_CERTS];
    size_t count = 0, made = 0;
    if (max > MP_PEM_MAX_CERTS)
        max = MP_PEM_MAX_CERTS;
    for (size_t i = 0; i < MP_PEM_MAX_CERTS; i++)
        ders[i] = (mp_buf)MP_BUF_INIT;
    int rc = mp_pem_chain_decode(ders, max, &count, data, len, err);
    while (rc == MP_OK && made < count) {
        rc = mp_x509_from_der(&certs[made], ders[made].data, ders[made].len, err);
        if (rc == MP_OK)
            made++;
    }
    if (rc != MP_OK)
        for (size_t i = 0; i < made; i++) {
            mp_x509_free(certs[i]);
            certs[i] = NULL;
        }
    for (size_t i = 0; i < MP_PEM_MAX_CERTS; i++)
        mp_buf_free(&ders[i]);
    *n = rc == MP_OK ? count : 0;
    return rc;
}
