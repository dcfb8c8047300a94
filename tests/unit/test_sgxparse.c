/*
** test_sgxparse.c: the SGX parsers on their own: quote format checks with
** crafted lengths, the strict PEM chain format, the DER reader and the SGX
** extension of real PCK certificates, JSON value spans, TCB info and QE
** identity documents (real ones and broken variants), dates, certificates
** and CRLs.
*/
#include "mpavs/collateral.h"
#include "mpavs/crl.h"
#include "mpavs/dcap.h"
#include "mpavs/hex.h"
#include "mpavs/quote.h"
#include "mpavs/x509.h"
#include "sgx/sgx_util.h"
#include "test.h"

#include <openssl/x509.h>
#include <stdlib.h>

#define SET1 "tests/vectors/dcap/set1/"
#define SET2 "tests/vectors/dcap/set2/"

static int parse_check(const uint8_t *q, size_t len)
{
    mp_quote pq;
    mp_err err;
    return mp_dcap_check_of(mp_quote_parse(&pq, q, len, &err));
}

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A minimal well-formed v3 layout with N bytes of auth data and M of cert data. */
static uint8_t *synthetic(size_t n, size_t m, size_t *len)
{
    *len = 1020 + n + m;
    uint8_t *q = calloc(1, *len);
    put16(q, 3);
    put16(q + 2, 2);
    memcpy(q + 12, MP_QUOTE_INTEL_QE_VENDOR_ID, 16);
    put32(q + 432, (uint32_t)(*len - 436));
    put16(q + 1012, (unsigned)n);
    put16(q + 1014 + n, 5);
    put32(q + 1016 + n, (uint32_t)m);
    return q;
}

TEST(quote_format_checks)
{
    size_t len;
    uint8_t *q = synthetic(0, 10, &len);
    CHECK(parse_check(q, len) == 0);
    mp_quote pq;
    mp_err err;
    CHECK_OK(mp_quote_parse(&pq, q, len, &err), &err);
    CHECK(pq.qe_auth_len == 0 && pq.cert_data_len == 10 && pq.cert_data == q + 1020);
    CHECK(parse_check(q, 1019) == MP_DCAP_QUOTE_SIZE);
    CHECK(parse_check(NULL, 0) == MP_DCAP_QUOTE_SIZE);
    CHECK(parse_check(q, 0) == MP_DCAP_QUOTE_SIZE);
    /* Auth data that does not fit. */
    put16(q + 1012, 11);
    CHECK(parse_check(q, len) == MP_DCAP_QE_AUTH_DATA);
    put16(q + 1012, 0xffff);
    CHECK(parse_check(q, len) == MP_DCAP_QE_AUTH_DATA);
    put16(q + 1012, 10); /* fits, but the cert type then reads zeros */
    CHECK(parse_check(q, len) == MP_DCAP_CERT_TYPE);
    put16(q + 1012, 0);
    put32(q + 1016, 11);
    CHECK(parse_check(q, len) == MP_DCAP_CERT_DATA_SIZE);
    put32(q + 1016, 9);
    CHECK(parse_check(q, len) == MP_DCAP_CERT_DATA_SIZE);
    put32(q + 1016, 0xffffffffu);
    CHECK(parse_check(q, len) == MP_DCAP_CERT_DATA_SIZE);
    put32(q + 1016, 10);
    put32(q + 432, 0xffffffffu);
    CHECK(parse_check(q, len) == MP_DCAP_SIG_DATA_LEN);
    put32(q + 432, (uint32_t)(len - 436));
    q[4] = 1;
    CHECK(parse_check(q, len) == MP_DCAP_HEADER_TEE_TYPE);
    q[4] = 0;
    q[27] ^= 0x80;
    CHECK(parse_check(q, len) == MP_DCAP_HEADER_QE_VENDOR);
    free(q);
    /* Too large. */
    q = synthetic(0, MP_QUOTE_MAX_LEN, &len);
    CHECK(parse_check(q, len) == MP_DCAP_QUOTE_SIZE);
    free(q);
    /* The real quote's fields. */
    q = mp_test_slurp(SET1 "quote.bin", &len);
    CHECK_OK(mp_quote_parse(&pq, q, len, &err), &err);
    CHECK(pq.qe_svn == 9 && pq.pce_svn == 14 && pq.qe_auth_len == 32 && pq.cert_data_len == 3682);
    CHECK(pq.qe.isvprodid == 1 && pq.qe.isvsvn == 9 && !mp_sgx_report_is_debug(&pq.isv));
    CHECK(pq.cert_data[pq.cert_data_len - 1] == 0);
    free(q);
}

/* The PEM chain of set1's quote, as text (without its NUL). */
static char *set1_chain(size_t *len)
{
    size_t qlen;
    uint8_t *q = mp_test_slurp(SET1 "quote.bin", &qlen);
    mp_quote pq;
    if (mp_quote_parse(&pq, q, qlen, NULL) != MP_OK)
        abort();
    *len = pq.cert_data_len - 1;
    char *pem = malloc(*len + 1);
    memcpy(pem, pq.cert_data, *len);
    pem[*len] = 0;
    free(q);
    return pem;
}

static int chain_count(const char *pem, size_t len, size_t *n)
{
    mp_buf ders[MP_PEM_MAX_CERTS] = {MP_BUF_INIT, MP_BUF_INIT, MP_BUF_INIT, MP_BUF_INIT};
    mp_err err;
    int rc = mp_pem_chain_decode(ders, MP_PEM_MAX_CERTS, n, (const uint8_t *)pem, len, &err);
    for (int i = 0; i < MP_PEM_MAX_CERTS; i++)
        mp_buf_free(&ders[i]);
    return rc;
}

TEST(pem_chain_is_strict)
{
    size_t len, n = 0;
    char *pem = set1_chain(&len);
    CHECK(chain_count(pem, len, &n) == MP_OK && n == 3);
    /* With its NUL, as in the quote. */
    CHECK(chain_count(pem, len + 1, &n) == MP_OK && n == 3);
    /* Round trip: decode then encode gives the same text. */
    mp_buf ders[MP_PEM_MAX_CERTS] = {MP_BUF_INIT, MP_BUF_INIT, MP_BUF_INIT, MP_BUF_INIT};
    mp_buf again = MP_BUF_INIT;
    mp_err err;
    CHECK_OK(mp_pem_chain_decode(ders, MP_PEM_MAX_CERTS, &n, (const uint8_t *)pem, len, &err),
             &err);
    for (size_t i = 0; i < n; i++)
        mp_pem_cert_encode(&again, ders[i].data, ders[i].len);
    CHECK(again.len == len && memcmp(again.data, pem, len) == 0);
    for (int i = 0; i < MP_PEM_MAX_CERTS; i++)
        mp_buf_free(&ders[i]);
    mp_buf_free(&again);
    char *copy = malloc(len + 8);
    /* A CR before a newline. */
    memcpy(copy, pem, len);
    char *nl = memchr(copy + 30, '\n', len - 30);
    memmove(nl + 1, nl, len - (size_t)(nl - copy));
    *nl = '\r';
    CHECK(chain_count(copy, len + 1, &n) == MP_ERR_PARSE);
    /* A space in base64, an '=' in the middle, a bad character. */
    memcpy(copy, pem, len);
    copy[40] = ' ';
    CHECK(chain_count(copy, len, &n) == MP_ERR_PARSE);
    memcpy(copy, pem, len);
    copy[40] = '=';
    CHECK(chain_count(copy, len, &n) == MP_ERR_PARSE);
    memcpy(copy, pem, len);
    copy[40] = '*';
    CHECK(chain_count(copy, len, &n) == MP_ERR_PARSE);
    /* Trailing bytes: a second NUL, a newline, garbage. */
    memcpy(copy, pem, len);
    copy[len] = 0;
    copy[len + 1] = 0;
    CHECK(chain_count(copy, len + 2, &n) == MP_ERR_PARSE);
    copy[len] = '\n';
    CHECK(chain_count(copy, len + 1, &n) == MP_ERR_PARSE);
    /* Truncated: no END line. */
    CHECK(chain_count(pem, len - 10, &n) == MP_ERR_PARSE);
    /* Lower-case BEGIN. */
    memcpy(copy, pem, len);
    copy[5] = 'b';
    CHECK(chain_count(copy, len, &n) == MP_ERR_PARSE);
    free(copy);
    free(pem);
    /* Non-canonical padding: "QR==" decodes like "QQ==" but has non-zero unused bits. */
    const char *canon = "-----BEGIN CERTIFICATE-----\nQQ==\n-----END CERTIFICATE-----\n";
    const char *loose = "-----BEGIN CERTIFICATE-----\nQR==\n-----END CERTIFICATE-----\n";
    const char *empty = "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n";
    const char *short_first =
        "-----BEGIN CERTIFICATE-----\nQUFB\nQQ==\n-----END CERTIFICATE-----\n";
    CHECK(chain_count(canon, strlen(canon), &n) == MP_OK && n == 1);
    CHECK(chain_count(loose, strlen(loose), &n) == MP_ERR_PARSE);
    CHECK(chain_count(empty, strlen(empty), &n) == MP_ERR_PARSE);
    CHECK(chain_count(short_first, strlen(short_first), &n) == MP_ERR_PARSE);
    /* More blocks than allowed. */
    mp_buf many = MP_BUF_INIT;
    for (int i = 0; i < MP_PEM_MAX_CERTS + 1; i++)
        mp_buf_puts(&many, canon);
    CHECK(chain_count((const char *)many.data, many.len, &n) == MP_ERR_PARSE);
    mp_buf_free(&many);
}

TEST(der_reader)
{
    mp_err err;
    uint8_t tag;
    mp_der v;
    uint64_t x;
    const uint8_t ok[] = {0x02, 0x01, 0x05};
    mp_der in = {ok, sizeof ok};
    CHECK_OK(mp_der_next(&in, &tag, &v, &err), &err);
    CHECK(tag == 2 && v.n == 1 && in.n == 0);
    CHECK_OK(mp_der_uint(&v, 255, &x, &err), &err);
    CHECK(x == 5);
    const uint8_t nonmin_len[] = {0x04, 0x81, 0x01, 0x00};
    in = (mp_der){nonmin_len, sizeof nonmin_len};
    CHECK_RC(mp_der_next(&in, &tag, &v, &err), MP_ERR_PARSE);
    const uint8_t too_long[] = {0x04, 0x05, 0x00};
    in = (mp_der){too_long, sizeof too_long};
    CHECK_RC(mp_der_next(&in, &tag, &v, &err), MP_ERR_PARSE);
    const uint8_t indefinite[] = {0x30, 0x80, 0x00, 0x00};
    in = (mp_der){indefinite, sizeof indefinite};
    CHECK_RC(mp_der_next(&in, &tag, &v, &err), MP_ERR_PARSE);
    const uint8_t huge[] = {0x04, 0x84, 0xff, 0xff, 0xff, 0xff};
    in = (mp_der){huge, sizeof huge};
    CHECK_RC(mp_der_next(&in, &tag, &v, &err), MP_ERR_PARSE);
    const uint8_t two55[] = {0x00, 0xff}, neg[] = {0xff}, pad[] = {0x00, 0x05};
    CHECK_OK(mp_der_uint(&(mp_der){two55, 2}, 255, &x, &err), &err);
    CHECK(x == 255);
    CHECK_RC(mp_der_uint(&(mp_der){two55, 2}, 254, &x, &err), MP_ERR_PARSE);
    CHECK_RC(mp_der_uint(&(mp_der){neg, 1}, 255, &x, &err), MP_ERR_PARSE);
    CHECK_RC(mp_der_uint(&(mp_der){pad, 2}, 255, &x, &err), MP_ERR_PARSE);
    mp_buf b = MP_BUF_INIT;
    mp_der_put_uint(&b, MP_DER_INTEGER, 255);
    CHECK(b.len == 4 && b.data[1] == 2 && b.data[2] == 0 && b.data[3] == 0xff);
    mp_buf_free(&b);
}

/* The PCK certificate (leaf) of a real quote's chain. */
static mp_x509 *pck_of(const char *quote_file)
{
    size_t qlen, n;
    uint8_t *q = mp_test_slurp(quote_file, &qlen);
    mp_quote pq;
    mp_buf ders[MP_PEM_MAX_CERTS] = {MP_BUF_INIT, MP_BUF_INIT, MP_BUF_INIT, MP_BUF_INIT};
    mp_x509 *pck = NULL;
    if (mp_quote_parse(&pq, q, qlen, NULL) != MP_OK ||
        mp_pem_chain_decode(ders, MP_PEM_MAX_CERTS, &n, pq.cert_data, pq.cert_data_len, NULL) ||
        mp_x509_from_der(&pck, ders[0].data, ders[0].len, NULL) != MP_OK)
        abort();
    for (int i = 0; i < MP_PEM_MAX_CERTS; i++)
        mp_buf_free(&ders[i]);
    free(q);
    return pck;
}

TEST(pck_extension_of_real_certs)
{
    mp_err err;
    mp_pck_ext ext;
    mp_x509 *pck = pck_of(SET1 "quote.bin");
    CHECK_OK(mp_pck_ext_from_cert(&ext, pck, &err), &err);
    static const uint8_t fmspc1[6] = {0x00, 0x60, 0x6a, 0, 0, 0};
    static const uint8_t tcb1[16] = {14, 14, 3, 3, 255, 255, 1};
    CHECK_MEM(ext.fmspc, fmspc1, 6);
    CHECK(ext.pceid[0] == 0 && ext.pceid[1] == 0 && ext.pcesvn == 13 && ext.sgx_type == 1);
    CHECK_MEM(ext.cpusvn, tcb1, 16);
    CHECK(ext.have_ppid);
    CHECK_STR(mp_x509_subject_cn(pck), "Intel SGX PCK Certificate");
    size_t slen;
    const uint8_t *serial = mp_x509_serial(pck, &slen);
    uint8_t want[20];
    mp_test_unhex(want, 20, "d52864cbb1cefa9de768485947ebdc026799b496");
    CHECK(slen == 20 && memcmp(serial, want, 20) == 0);
    mp_x509_free(pck);
    pck = pck_of(SET2 "sgx_quote.bin");
    CHECK_OK(mp_pck_ext_from_cert(&ext, pck, &err), &err);
    static const uint8_t tcb2[16] = {11, 11, 2, 2, 255, 1};
    CHECK_MEM(ext.cpusvn, tcb2, 16);
    CHECK(ext.fmspc[1] == 0xa0 && ext.fmspc[2] == 0x67 && ext.fmspc[3] == 0x11);
    mp_x509_free(pck);
    /* A certificate without the extension. */
    mp_x509 *root = NULL;
    CHECK_OK(mp_x509_load_file(&root, mp_test_path(SET1 "root_ca.der"), &err), &err);
    CHECK_RC(mp_pck_ext_from_cert(&ext, root, &err), MP_ERR_PARSE);
    mp_x509_free(root);
}

TEST(pck_extension_malformed)
{
    mp_err err;
    mp_pck_ext ext;
    /* FMSPC and PCEID but no TCB; then a duplicated PCEID; then a 4-byte FMSPC. */
    static const uint8_t oid[] = {0x2a, 0x86, 0x48, 0x86, 0xf8, 0x4d, 0x01, 0x0d, 0x01, 0};
    static const uint8_t six[6] = {0, 0x60, 0x6a}, two[2] = {0};
    mp_buf fm = MP_BUF_INIT, pc = MP_BUF_INIT, items = MP_BUF_INIT, ext_der = MP_BUF_INIT;
    uint8_t o[sizeof oid];
    memcpy(o, oid, sizeof oid);
    o[9] = 4;
    mp_der_put_tlv(&fm, MP_DER_OID, o, sizeof o);
    mp_der_put_tlv(&fm, MP_DER_OCTET_STRING, six, 6);
    o[9] = 3;
    mp_der_put_tlv(&pc, MP_DER_OID, o, sizeof o);
    mp_der_put_tlv(&pc, MP_DER_OCTET_STRING, two, 2);
    mp_der_put_tlv(&items, MP_DER_SEQUENCE, fm.data, fm.len);
    mp_der_put_tlv(&items, MP_DER_SEQUENCE, pc.data, pc.len);
    mp_der_put_tlv(&ext_der, MP_DER_SEQUENCE, items.data, items.len);
    CHECK_RC(mp_pck_ext_parse(&ext, ext_der.data, ext_der.len, &err), MP_ERR_PARSE);
    CHECK(strstr(err.msg, "lacks TCB") != NULL);
    mp_der_put_tlv(&items, MP_DER_SEQUENCE, pc.data, pc.len);
    ext_der.len = 0;
    mp_der_put_tlv(&ext_der, MP_DER_SEQUENCE, items.data, items.len);
    CHECK_RC(mp_pck_ext_parse(&ext, ext_der.data, ext_der.len, &err), MP_ERR_PARSE);
    CHECK(strstr(err.msg, "twice") != NULL);
    fm.len = 0;
    o[9] = 4;
    mp_der_put_tlv(&fm, MP_DER_OID, o, sizeof o);
    mp_der_put_tlv(&fm, MP_DER_OCTET_STRING, six, 4);
    items.len = 0;
    mp_der_put_tlv(&items, MP_DER_SEQUENCE, fm.data, fm.len);
    ext_der.len = 0;
    mp_der_put_tlv(&ext_der, MP_DER_SEQUENCE, items.data, items.len);
    CHECK_RC(mp_pck_ext_parse(&ext, ext_der.data, ext_der.len, &err), MP_ERR_PARSE);
    CHECK(strstr(err.msg, "FMSPC") != NULL);
    mp_buf_free(&fm);
    mp_buf_free(&pc);
    mp_buf_free(&items);
    mp_buf_free(&ext_der);
    const uint8_t trailing[] = {0x30, 0x00, 0x00};
    CHECK_RC(mp_pck_ext_parse(&ext, trailing, sizeof trailing, &err), MP_ERR_PARSE);
    CHECK_RC(mp_pck_ext_parse(&ext, trailing, 1, &err), MP_ERR_PARSE);
    CHECK_RC(mp_pck_ext_parse(&ext, NULL, 0, &err), MP_ERR_PARSE);
}

TEST(json_member_span)
{
    mp_err err;
    size_t off, n;
    const char *doc =
        " { \"a\" : [1,{\"x\":\"}\"}] ,\n \"tcbInfo\" :  {\"k\": \"v\\\"}\"} , \"z\":1}";
    CHECK_OK(
        mp_collateral_member_span((const uint8_t *)doc, strlen(doc), "tcbInfo", &off, &n, &err),
        &err);
    CHECK(n == strlen("{\"k\": \"v\\\"}\"}") && memcmp(doc + off, "{\"k\"", 4) == 0);
    const char *dup = "{\"tcbInfo\":{},\"tcbInfo\":{}}";
    CHECK_RC(
        mp_collateral_member_span((const uint8_t *)dup, strlen(dup), "tcbInfo", &off, &n, &err),
        MP_ERR_PARSE);
    const char *esc = "{\"tcb\\u0049nfo\":{}}";
    CHECK_RC(
        mp_collateral_member_span((const uint8_t *)esc, strlen(esc), "tcbInfo", &off, &n, &err),
        MP_ERR_PARSE);
    const char *missing = "{\"other\":{}}";
    CHECK_RC(mp_collateral_member_span((const uint8_t *)missing, strlen(missing), "tcbInfo", &off,
                                       &n, &err),
             MP_ERR_PARSE);
    const char *cut = "{\"tcbInfo\":{\"a\":\"}";
    CHECK_RC(
        mp_collateral_member_span((const uint8_t *)cut, strlen(cut), "tcbInfo", &off, &n, &err),
        MP_ERR_PARSE);
    CHECK_RC(mp_collateral_member_span((const uint8_t *)"[]", 2, "tcbInfo", &off, &n, &err),
             MP_ERR_PARSE);
    CHECK_RC(mp_collateral_member_span((const uint8_t *)"{}", 2, "tcbInfo", &off, &n, &err),
             MP_ERR_PARSE);
}

static int tcb_parse_text(const char *text, mp_tcb_info *ti)
{
    mp_err err;
    int rc = mp_tcb_info_parse(ti, (const uint8_t *)text, strlen(text), &err);
    if (rc == MP_OK)
        mp_tcb_info_free(ti);
    return rc;
}

/* set1's TCB info with one substitution (first occurrence), then parsed. */
static int tcb_variant(const char *from, const char *to)
{
    size_t len;
    char *doc = (char *)mp_test_slurp(SET1 "tcbinfo.json", &len);
    char *at = strstr(doc, from);
    if (at == NULL)
        abort();
    mp_buf b = MP_BUF_INIT;
    mp_buf_append(&b, doc, (size_t)(at - doc));
    mp_buf_puts(&b, to);
    mp_buf_puts(&b, at + strlen(from));
    mp_buf_push(&b, 0);
    mp_tcb_info ti;
    int rc = tcb_parse_text((const char *)b.data, &ti);
    mp_buf_free(&b);
    free(doc);
    return rc;
}

TEST(tcb_info_documents)
{
    mp_err err;
    size_t len;
    uint8_t *doc = mp_test_slurp(SET1 "tcbinfo.json", &len);
    mp_tcb_info ti;
    CHECK_OK(mp_tcb_info_parse(&ti, doc, len, &err), &err);
    CHECK(ti.version == 2 && ti.n_levels > 5 && ti.tcb_eval_num == 16);
    CHECK(ti.issue_date == 1718274560 && ti.next_update == 1720866560);
    for (size_t i = 1; i < ti.n_levels; i++)
        CHECK(memcmp(ti.levels[i - 1].sgx_svn, ti.levels[i].sgx_svn, 16) >= 0);
    /* The body is the exact text between "tcbInfo": and ,"signature". */
    CHECK(ti.body_len > 100 && memcmp(ti.body, "{\"version\":2", 12) == 0);
    CHECK(ti.body[ti.body_len - 1] == '}' && doc[11 + ti.body_len] == ',');
    mp_tcb_info_free(&ti);
    free(doc);
    doc = mp_test_slurp(SET2 "derived_tcbinfo_pcs.json", &len);
    CHECK_OK(mp_tcb_info_parse(&ti, doc, len, &err), &err);
    CHECK(ti.version == 3 && ti.fmspc[1] == 0xa0);
    CHECK(ti.levels[0].n_advisory_ids >= 1);
    mp_tcb_info_free(&ti);
    free(doc);
    CHECK(tcb_variant("\"version\":2", "\"version\":4") == MP_ERR_PARSE);
    CHECK(tcb_variant("\"version\":2", "\"version\":2.0") == MP_ERR_PARSE);
    CHECK(tcb_variant("\"tcbType\":0", "\"tcbType\":1") == MP_ERR_PARSE);
    CHECK(tcb_variant("\"sgxtcbcomp01svn\":12", "\"sgxtcbcomp01svn\":256") == MP_ERR_PARSE);
    CHECK(tcb_variant("\"sgxtcbcomp01svn\":12", "\"sgxtcbcomp01svn\":-1") == MP_ERR_PARSE);
    CHECK(tcb_variant("\"sgxtcbcomp16svn\":0,", "") == MP_ERR_PARSE);
    CHECK(tcb_variant("\"tcbStatus\":\"SWHardeningNeeded\"", "\"tcbStatus\":\"Fine\"") ==
          MP_ERR_PARSE);
    CHECK(tcb_variant("\"fmspc\":\"00606a000000\"", "\"fmspc\":\"0x606a000000\"") == MP_ERR_PARSE);
    CHECK(tcb_variant("\"fmspc\":\"00606a000000\"", "\"fmspc\":\"00606a00000\"") == MP_ERR_PARSE);
    CHECK(tcb_variant("\"issueDate\":\"2024-06-13T10:29:20Z\"",
                      "\"issueDate\":\"2024-06-13 10:29:20\"") == MP_ERR_PARSE);
    CHECK(tcb_variant("{\"tcbInfo\":", "{\"tcbInfo\":{},\"tcbInfo\":") == MP_ERR_PARSE);
    CHECK(tcb_variant("\"pceId\":\"0000\",", "\"pceId\":\"0000\",\"pceId\":\"0000\",") ==
          MP_ERR_PARSE);
    CHECK(tcb_variant("\"signature\":\"", "\"signature\":\"00") == MP_ERR_PARSE);
    /* Whitespace is allowed (the signature then no longer matches, but it parses). */
    CHECK(tcb_variant("{\"tcbInfo\":", "{ \"tcbInfo\" :\n") == MP_OK);
    mp_tcb_info t2;
    CHECK(tcb_parse_text("{\"tcbInfo\":{\"version\":3,\"id\":\"TDX\"},\"signature\":\"\"}", &t2) ==
          MP_ERR_PARSE);
    CHECK(tcb_parse_text("{}", &t2) == MP_ERR_PARSE);
    CHECK(tcb_parse_text("", &t2) == MP_ERR_PARSE);
}

TEST(qe_identity_documents)
{
    mp_err err;
    size_t len;
    uint8_t *doc = mp_test_slurp(SET1 "identity.json", &len);
    mp_qe_identity qi;
    CHECK_OK(mp_qe_identity_parse(&qi, doc, len, &err), &err);
    CHECK(qi.isvprodid == 1 && qi.n_levels == 6 && qi.levels[0].isvsvn == 8);
    CHECK(qi.miscselect_mask[0] == 0xff && qi.attributes_mask[0] == 0xfb);
    CHECK(qi.mrsigner[0] == 0x8c && qi.mrsigner[31] == 0xff);
    mp_qe_identity_free(&qi);
    char *text = (char *)doc;
    char *id = strstr(text, "\"id\":\"QE\"");
    memcpy(id, "\"id\":\"QX\"", 9);
    CHECK_RC(mp_qe_identity_parse(&qi, doc, len, &err), MP_ERR_PARSE);
    memcpy(id, "\"id\":\"QE\"", 9);
    char *st = strstr(text, "\"tcbStatus\":\"UpToDate\"");
    memcpy(st, "\"tcbStatus\":\"Revoked\" ", 22);
    CHECK_OK(mp_qe_identity_parse(&qi, doc, len, &err), &err);
    mp_qe_identity_free(&qi);
    memcpy(st, "\"tcbStatus\":\"UpToDat\" ", 22);
    CHECK_RC(mp_qe_identity_parse(&qi, doc, len, &err), MP_ERR_PARSE);
    free(doc);
}

/* A certificate whose UTCTime notAfter reads as 1959 (the differential test's
** find: one flipped bit turned a 2045 notAfter into 1955) is refused when parsed,
** as on chain, instead of failing later at a signature or validity check. */
TEST(certificate_time_before_1970)
{
    size_t len;
    uint8_t *der = mp_test_slurp(SET1 "root_ca.der", &len);
    mp_x509 *cert = NULL;
    mp_err err;
    CHECK_OK(mp_x509_from_der(&cert, der, len, &err), &err);
    mp_x509_free(cert);
    uint8_t *at = NULL; /* notAfter 2049-12-31 */
    for (size_t i = 0; at == NULL && i + 13 <= len; i++)
        if (memcmp(der + i, "491231235959Z", 13) == 0)
            at = der + i;
    CHECK(at != NULL);
    if (at) {
        at[0] = '5';
        cert = NULL;
        CHECK_RC(mp_x509_from_der(&cert, der, len, &err), MP_ERR_PARSE);
        mp_x509_free(cert);
    }
    free(der);
}

TEST(dates)
{
    mp_err err;
    int64_t t;
    CHECK_OK(mp_iso8601_parse("1970-01-01T00:00:00Z", &t, &err), &err);
    CHECK(t == 0);
    CHECK_OK(mp_iso8601_parse("2024-02-29T23:59:59Z", &t, &err), &err);
    CHECK(t == 1709251199);
    CHECK_OK(mp_iso8601_parse("2024-06-27T14:00:00.123Z", &t, &err), &err);
    CHECK(t == 1719496800);
    CHECK_RC(mp_iso8601_parse("2023-02-29T00:00:00Z", &t, &err), MP_ERR_PARSE);
    CHECK_RC(mp_iso8601_parse("2024-13-01T00:00:00Z", &t, &err), MP_ERR_PARSE);
    CHECK_RC(mp_iso8601_parse("2024-06-27T14:00:00", &t, &err), MP_ERR_PARSE);
    CHECK_RC(mp_iso8601_parse("2024-06-27T14:00:00+00:00", &t, &err), MP_ERR_PARSE);
    CHECK_RC(mp_iso8601_parse("2024-06-27", &t, &err), MP_ERR_PARSE);
    CHECK_RC(mp_iso8601_parse("", &t, &err), MP_ERR_PARSE);
    /* Before 1970: refused by both verifiers (the on-chain one cannot represent it). */
    CHECK_RC(mp_iso8601_parse("1969-12-31T23:59:59Z", &t, &err), MP_ERR_PARSE);
    char out[21];
    mp_iso8601_format(out, 1719496800);
    CHECK_STR(out, "2024-06-27T14:00:00Z");
    mp_iso8601_format(out, 951782400);
    CHECK_STR(out, "2000-02-29T00:00:00Z");
}

TEST(certificates_and_crls)
{
    mp_err err;
    mp_x509 *root = NULL, *pem_root = NULL, *ts = NULL;
    CHECK_OK(mp_x509_load_file(&root, mp_test_path(SET1 "root_ca.der"), &err), &err);
    CHECK_MEM(mp_x509_pubkey(root), MP_DCAP_INTEL_ROOT_PUBKEY, 64);
    CHECK_STR(mp_x509_subject_cn(root), "Intel SGX Root CA");
    CHECK(mp_x509_not_before(root) == 1526899510); /* 2018-05-21T10:45:10Z */
    CHECK(mp_x509_issued_by_name(root, root));
    CHECK_OK(mp_x509_verify_signature(root, root, &err), &err);
    /* A PEM chain file: the first certificate is taken. */
    CHECK_OK(mp_x509_load_file(&ts, mp_test_path(SET2 "derived_tcb_info_issuer_chain.pem"), &err),
             &err);
    CHECK(strstr(mp_x509_subject_cn(ts), "TCB Signing") != NULL);
    CHECK(mp_x509_issued_by_name(ts, root));
    CHECK_OK(mp_x509_verify_signature(ts, root, &err), &err);
    CHECK_RC(mp_x509_verify_signature(root, ts, &err), MP_ERR_VERIFY);
    size_t dlen;
    const uint8_t *der = mp_x509_der(root, &dlen);
    mp_buf pem = MP_BUF_INIT;
    mp_pem_cert_encode(&pem, der, dlen);
    CHECK_OK(mp_x509_load(&pem_root, pem.data, pem.len, &err), &err);
    CHECK(pem_root && memcmp(mp_x509_pubkey(pem_root), mp_x509_pubkey(root), 64) == 0);
    mp_buf_free(&pem);
    /* Bytes after a DER certificate, garbage. */
    uint8_t *extra = malloc(dlen + 1);
    memcpy(extra, der, dlen);
    extra[dlen] = 0;
    mp_x509 *bad = NULL;
    CHECK_RC(mp_x509_from_der(&bad, extra, dlen + 1, &err), MP_ERR_PARSE);
    CHECK_RC(mp_x509_from_der(&bad, extra, dlen - 1, &err), MP_ERR_PARSE);
    CHECK_RC(mp_x509_load(&bad, (const uint8_t *)"-----BEGIN x", 12, &err), MP_ERR_PARSE);
    free(extra);
    mp_crl *crl = NULL, *rcrl = NULL;
    CHECK_OK(mp_crl_load_file(&crl, mp_test_path(SET1 "pck_platform_crl.der"), &err), &err);
    CHECK(mp_crl_count(crl) == 44);
    CHECK(mp_crl_this_update(crl) == 1719494258 && mp_crl_valid_at(crl, 1719494258));
    CHECK(!mp_crl_valid_at(crl, 1719494257));
    CHECK_OK(mp_crl_load_file(&rcrl, mp_test_path(SET1 "root_ca_crl.der"), &err), &err);
    CHECK(mp_crl_count(rcrl) == 0 && mp_crl_issued_by_name(rcrl, root));
    CHECK_OK(mp_crl_verify_signature(rcrl, root, &err), &err);
    CHECK(!mp_crl_lists(rcrl, ts));
    mp_crl *nocrl = NULL;
    CHECK_RC(mp_crl_load(&nocrl, (const uint8_t *)"\x30\x03\x02\x01\x01", 5, &err), MP_ERR_PARSE);
    mp_crl_free(crl);
    mp_crl_free(rcrl);
    mp_x509_free(root);
    mp_x509_free(pem_root);
    mp_x509_free(ts);
}

TEST(p256_points)
{
    mp_err err;
    EVP_PKEY *key = NULL;
    CHECK_OK(mp_p256_key_from_raw(&key, MP_DCAP_INTEL_ROOT_PUBKEY, &err), &err);
    uint8_t back[64];
    CHECK_OK(mp_p256_key_to_raw(back, key, &err), &err);
    CHECK_MEM(back, MP_DCAP_INTEL_ROOT_PUBKEY, 64);
    EVP_PKEY_free(key);
    key = NULL;
    uint8_t off[64];
    memcpy(off, MP_DCAP_INTEL_ROOT_PUBKEY, 64);
    off[63] ^= 1;
    CHECK_RC(mp_p256_key_from_raw(&key, off, &err), MP_ERR_INVALID);
    uint8_t zero[64] = {0};
    CHECK_RC(mp_p256_key_from_raw(&key, zero, &err), MP_ERR_INVALID);
    /* Sign and verify round trip; r = 0 and s = 0 are rejected. */
    EVP_PKEY *k = NULL;
    CHECK_OK(mp_p256_generate(&k, &err), &err);
    uint8_t sig[64];
    CHECK_OK(mp_p256_sign_raw(sig, k, (const uint8_t *)"abc", 3, &err), &err);
    CHECK_OK(mp_p256_verify_raw(k, (const uint8_t *)"abc", 3, sig, &err), &err);
    CHECK_RC(mp_p256_verify_raw(k, (const uint8_t *)"abd", 3, sig, &err), MP_ERR_VERIFY);
    memset(sig, 0, 32);
    CHECK_RC(mp_p256_verify_raw(k, (const uint8_t *)"abc", 3, sig, &err), MP_ERR_VERIFY);
    EVP_PKEY_free(k);
}

/* Parses der with byte at `at` replaced (or the length changed); returns the result code. */
static int cert_variant(const uint8_t *der, size_t len, size_t at, uint8_t value, size_t newlen)
{
    uint8_t *copy = calloc(1, newlen + 1);
    memcpy(copy, der, len < newlen ? len : newlen);
    if (at < newlen)
        copy[at] = value;
    mp_x509 *c = NULL;
    mp_err err;
    int rc = mp_x509_from_der(&c, copy, newlen, &err);
    mp_x509_free(c);
    free(copy);
    return rc;
}

TEST(cert_parser_is_strict)
{
    size_t len;
    uint8_t *der = mp_test_slurp(SET1 "root_ca.der", &len);
    mp_x509 *c = NULL;
    mp_err err;
    CHECK_OK(mp_x509_from_der(&c, der, len, &err), &err);
    CHECK(mp_x509_not_after(c) == 2524607999); /* 2049-12-31T23:59:59Z */
    mp_x509_free(c);
    CHECK(cert_variant(der, len, len, 0, len) == MP_OK);
    CHECK(cert_variant(der, len, 572 + 11, 0x03, len) == MP_ERR_PARSE);    /* outer: SHA-384 */
    CHECK(cert_variant(der, len, 35 + 11, 0x03, len) == MP_ERR_PARSE);     /* inner differs */
    CHECK(cert_variant(der, len, 12, 0x01, len) == MP_ERR_PARSE);          /* version 2 */
    CHECK(cert_variant(der, len, 293 + 20, 0x08, len) == MP_ERR_PARSE);    /* another curve */
    CHECK(cert_variant(der, len, 317, 0x02, len) == MP_ERR_PARSE);         /* compressed point */
    CHECK(cert_variant(der, len, 381, der[381] ^ 1, len) == MP_ERR_PARSE); /* off the curve */
    CHECK(cert_variant(der, len, len, 0, len + 1) == MP_ERR_PARSE);        /* trailing byte */
    CHECK(cert_variant(der, len, len, 0, len - 1) == MP_ERR_PARSE);        /* truncated */
    CHECK(cert_variant(der, len, 2, 0x03, len) == MP_ERR_PARSE);           /* outer length */
    /* Serial with a superfluous leading zero byte is not DER; a negative serial is refused. */
    CHECK(der[13] == 0x02 && der[14] == 0x14 && der[15] == 0x22);
    CHECK(cert_variant(der, len, 15, 0x00, len) == MP_ERR_PARSE);
    CHECK(cert_variant(der, len, 15, 0x80, len) == MP_ERR_PARSE);
    /* February 30th. */
    uint8_t *p = NULL;
    for (size_t i = 0; i + 13 <= len && p == NULL; i++)
        if (memcmp(der + i, "180521104510Z", 13) == 0)
            p = der + i;
    CHECK(p != NULL);
    if (p != NULL) {
        memcpy(p, "180230104510Z", 13);
        CHECK(cert_variant(der, len, len, 0, len) == MP_ERR_PARSE);
        memcpy(p, "180521104510Z", 13);
    }
    /* A changed signature still parses but no longer verifies. */
    der[len - 3] ^= 1;
    CHECK_OK(mp_x509_from_der(&c, der, len, &err), &err);
    if (c != NULL)
        CHECK_RC(mp_x509_verify_signature(c, c, &err), MP_ERR_VERIFY);
    mp_x509_free(c);
    free(der);
}

TEST(cert_generalized_time)
{
    /* A certificate valid beyond 2049 carries GeneralizedTime. */
    EVP_PKEY *key = NULL;
    mp_err err;
    CHECK_OK(mp_p256_generate(&key, &err), &err);
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char *)"t", -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    ASN1_TIME_set(X509_getm_notBefore(x), 1700000000);
    ASN1_TIME_set(X509_getm_notAfter(x), 2900000000); /* 2061-11-24T..., GeneralizedTime */
    X509_set_pubkey(x, key);
    CHECK(X509_sign(x, key, EVP_sha256()) > 0);
    unsigned char *der = NULL;
    int len = i2d_X509(x, &der);
    mp_x509 *c = NULL;
    CHECK_OK(mp_x509_from_der(&c, der, (size_t)len, &err), &err);
    if (c != NULL) {
        CHECK(mp_x509_not_before(c) == 1700000000 && mp_x509_not_after(c) == 2900000000);
        CHECK_STR(mp_x509_subject_cn(c), "t");
        CHECK_OK(mp_x509_verify_signature(c, c, &err), &err);
        size_t sl;
        CHECK(mp_x509_serial(c, &sl)[0] == 7 && sl == 1);
    }
    mp_x509_free(c);
    /* Signed with SHA-384: refused. */
    CHECK(X509_sign(x, key, EVP_sha384()) > 0);
    OPENSSL_free(der);
    der = NULL;
    len = i2d_X509(x, &der);
    CHECK_RC(mp_x509_from_der(&c, der, (size_t)len, &err), MP_ERR_PARSE);
    OPENSSL_free(der);
    X509_free(x);
    EVP_PKEY_free(key);
}

static const mp_test_case tests[] = {
    MP_TEST(quote_format_checks),
    MP_TEST(pem_chain_is_strict),
    MP_TEST(der_reader),
    MP_TEST(pck_extension_of_real_certs),
    MP_TEST(pck_extension_malformed),
    MP_TEST(json_member_span),
    MP_TEST(tcb_info_documents),
    MP_TEST(qe_identity_documents),
    MP_TEST(dates),
    MP_TEST(certificate_time_before_1970),
    MP_TEST(certificates_and_crls),
    MP_TEST(p256_points),
    MP_TEST(cert_parser_is_strict),
    MP_TEST(cert_generalized_time),
};
MP_TEST_MAIN("sgxparse", tests)
