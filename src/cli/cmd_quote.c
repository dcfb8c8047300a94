/*
** cmd_quote.c: "mpavs quote verify" (full DCAP v3 verification plus policy,
** one JSON object on stdout) and "mpavs quote show" (the parsed fields).
**
** The root CA given with --root-ca is the trust anchor: its key is pinned.
** "intelRoot" in the output says whether that is Intel's production root, so a
** caller can refuse simulated (development) attestations where they do not belong.
** Exit codes: 0 verified under the policy, 1 not, 2 unusable arguments or files.
*/
#include "cli.h"
#include "mpavs/dcap.h"
#include "mpavs/file.h"
#include "mpavs/hex.h"
#include "mpavs/json.h"
#include "mpavs/mem.h"
#include "mpavs/quote.h"
#include "mpavs/x509.h"

#include <ctype.h>
#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_ALLOW 64

static const char verify_usage[] =
    "mpavs quote verify --quote FILE --tcb-info FILE --qe-identity FILE --root-ca FILE\n"
    "       [--pck-crl FILE] [--root-crl FILE] [--tcb-signing-cert FILE] [--at UNIX_TIME]\n"
    "       [--allow-status S,S,...] [--mrenclave HEX[,HEX...]] [--mrsigner HEX[,HEX...]]\n"
    "       [--allow-debug] [--any-enclave] [--no-revocation-check]";

static const char verify_help[] =
    "Verifies an SGX DCAP v3 quote (binary or hex) against Intel-format collateral at a time\n"
    "(default now), in Intel's order, then the policy. Certificates and CRLs may be DER or PEM.\n"
    "The key of --root-ca is the pinned trust anchor. Prints one JSON object: verified, status,\n"
    "advisoryIds, fmspc, mrenclave, mrsigner, reportData, debug, and on failure error (the name\n"
    "of the failed check, see docs/dcap.md), check and message. Exit 0 verified, 1 not,\n"
    "2 unusable arguments. Default accepted statuses: UpToDate, SWHardeningNeeded,\n"
    "ConfigurationNeeded, ConfigurationAndSWHardeningNeeded. Debug enclaves are rejected\n"
    "unless --allow-debug. Like the on-chain verifier, every enclave is refused\n"
    "(policy.mrenclave) unless --mrenclave or --mrsigner lists it, or --any-enclave accepts\n"
    "any. The CRLs are required unless --no-revocation-check, which verifies everything\n"
    "else; \"revocationChecked\" in the output says which.\n";

static bool is_hex_text(const uint8_t *d, size_t n)
{
    size_t digits = 0;
    size_t i = 0;
    while (i < n && isspace(d[i]))
        i++;
    if (i + 1 < n && d[i] == '0' && (d[i + 1] == 'x' || d[i + 1] == 'X'))
        i += 2;
    for (; i < n; i++) {
        if (isxdigit(d[i]))
            digits++;
        else if (!isspace(d[i]))
            return false;
    }
    return digits > 0 && digits % 2 == 0;
}

/* Reads a quote file, binary or hex text (whitespace and a 0x prefix allowed). */
static int read_quote(const char *path, mp_buf *out, mp_err *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    MP_TRY(mp_file_read(path, 4 * MP_QUOTE_MAX_LEN, &data, &len, err));
    int rc = MP_OK;
    if (is_hex_text(data, len)) {
        char *hex = malloc(len + 1);
        size_t n = 0;
        for (size_t i = 0; hex && i < len; i++)
            if (!isspace(data[i]))
                hex[n++] = (char)data[i];
        if (hex == NULL) {
            rc = MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
        } else {
            hex[n] = 0;
            rc = mp_hex_decode_buf(out, hex, err);
        }
        free(hex);
    } else {
        mp_buf_append(out, data, len);
        rc = mp_buf_check(out, err);
    }
    free(data);
    return rc;
}

/* Parses HEX[,HEX...] of 32-byte values into list (appending to *n). */
static int parse_list(uint8_t (*list)[32], size_t *n, const char *arg, mp_err *err)
{
    const char *p = arg;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char one[80];
        if (len == 0 || len >= sizeof one)
            return MP_FAIL(err, MP_ERR_INVALID, "\"%s\" is not a list of 32-byte hex values", arg);
        if (*n == MAX_ALLOW)
            return MP_FAIL(err, MP_ERR_INVALID, "more than %d allowed values", MAX_ALLOW);
        memcpy(one, p, len);
        one[len] = 0;
        if (mp_hex_decode_exact(list[*n], 32, one, err) != MP_OK)
            return MP_FAIL(err, MP_ERR_INVALID, "\"%s\" is not 32 bytes of hex", one);
        (*n)++;
        if (!comma)
            return MP_OK;
        p = comma + 1;
    }
}

static int parse_time(int64_t *out, const char *s, mp_err *err)
{
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (*s == 0 || *end != 0 || v < 0)
        return MP_FAIL(err, MP_ERR_INVALID, "--at wants Unix seconds, not \"%s\"", s);
    *out = v;
    return MP_OK;
}

/* The flags, as the option table reads them. */
typedef struct verify_flags {
    char *quote, *tcb_info, *qe_identity, *root_ca, *pck_crl, *root_crl, *tcb_signing_cert;
    char *at, *allow_status, *mrenclave, *mrsigner;
    bool allow_debug, any_enclave, no_revocation_check;
} verify_flags;

#define TEXT_OPT(name, field, flags, help)                                                         \
    {                                                                                              \
        name, MP_CFG_STRING, offsetof(verify_flags, field), NULL, 0, 0, flags, help                \
    }
#define FLAG_OPT(name, field, help)                                                                \
    {                                                                                              \
        name, MP_CFG_BOOL, offsetof(verify_flags, field), NULL, 0, 0, 0, help                      \
    }

static const mp_cfg_opt verify_opts[] = {
    TEXT_OPT("quote", quote, MP_CFG_REQUIRED, "the quote, binary or hex text"),
    TEXT_OPT("tcb_info", tcb_info, MP_CFG_REQUIRED, "TCB info JSON (Intel's format)"),
    TEXT_OPT("qe_identity", qe_identity, MP_CFG_REQUIRED, "QE identity JSON"),
    TEXT_OPT("root_ca", root_ca, MP_CFG_REQUIRED, "root CA certificate: its key is pinned"),
    TEXT_OPT("pck_crl", pck_crl, 0, "PCK CA CRL (needed unless --no-revocation-check)"),
    TEXT_OPT("root_crl", root_crl, 0, "root CA CRL (needed unless --no-revocation-check)"),
    TEXT_OPT("tcb_signing_cert", tcb_signing_cert, 0, "TCB signing certificate (needed)"),
    TEXT_OPT("at", at, 0, "verification time, Unix seconds (default now)"),
    TEXT_OPT("allow_status", allow_status, 0,
             "accepted TCB statuses, S,S,... (default UpToDate, SWHardeningNeeded, "
             "ConfigurationNeeded, ConfigurationAndSWHardeningNeeded)"),
    TEXT_OPT("mrenclave", mrenclave, 0, "allowed MRENCLAVEs, HEX[,HEX...]"),
    TEXT_OPT("mrsigner", mrsigner, 0, "allowed MRSIGNERs, HEX[,HEX...]"),
    FLAG_OPT("allow_debug", allow_debug, "accept debug enclaves"),
    FLAG_OPT("any_enclave", any_enclave,
             "accept any enclave when no --mrenclave/--mrsigner is given (default: refuse)"),
    FLAG_OPT("no_revocation_check", no_revocation_check,
             "verify without CRLs; the output says \"revocationChecked\": false"),
};

typedef struct verify_args {
    const char *quote;
    mp_dcap_collateral_files files;
    int64_t at;
    mp_dcap_policy pol;
    uint8_t mrenclaves[MAX_ALLOW][32];
    uint8_t mrsigners[MAX_ALLOW][32];
} verify_args;

/* The files, time and policy the flags describe. */
static int verify_args_from(verify_args *a, const verify_flags *f, mp_err *err)
{
    mp_dcap_policy_init(&a->pol);
    a->at = (int64_t)time(NULL);
    a->quote = f->quote;
    a->files.tcb_info = f->tcb_info;
    a->files.qe_identity = f->qe_identity;
    a->files.root_ca = f->root_ca;
    a->files.pck_crl = f->pck_crl;
    a->files.root_crl = f->root_crl;
    a->files.tcb_signing = f->tcb_signing_cert;
    a->pol.allow_debug = f->allow_debug;
    a->pol.any_enclave = f->any_enclave;
    a->pol.skip_revocation = f->no_revocation_check;
    if (f->at)
        MP_TRY(parse_time(&a->at, f->at, err));
    if (f->allow_status)
        MP_TRY(mp_dcap_parse_statuses(&a->pol.accepted_statuses, f->allow_status, err));
    if (f->mrenclave)
        MP_TRY(parse_list(a->mrenclaves, &a->pol.n_mrenclaves, f->mrenclave, err));
    if (f->mrsigner)
        MP_TRY(parse_list(a->mrsigners, &a->pol.n_mrsigners, f->mrsigner, err));
    if (a->pol.any_enclave && (a->pol.n_mrenclaves || a->pol.n_mrsigners))
        return MP_FAIL(
            err, MP_ERR_INVALID,
            "--any-enclave contradicts --mrenclave and --mrsigner: give one or the other");
    a->pol.mrenclaves = (const uint8_t(*)[32])a->mrenclaves;
    a->pol.mrsigners = (const uint8_t(*)[32])a->mrsigners;
    return MP_OK;
}

static json_t *hex_value(const uint8_t *p, size_t n)
{
    return mp_json_hex_new(p, n, MP_JSON_BARE);
}

static void print_json(json_t *obj, size_t flags)
{
    char *text = json_dumps(obj, flags | JSON_PRESERVE_ORDER);
    if (text != NULL)
        puts(text);
    free(text);
    json_decref(obj);
}

static json_t *result_json(const mp_dcap_result *res, const mp_dcap_policy *pol, int64_t at,
                           const mp_err *err)
{
    json_t *o = json_object();
    json_object_set_new(o, "verified", json_boolean(res->verified));
    json_object_set_new(o, "status",
                        res->status == MP_TCB_UNRECOGNIZED
                            ? json_null()
                            : json_string(mp_tcb_status_name(res->status)));
    json_t *ids = json_array();
    for (size_t i = 0; i < res->n_advisory_ids; i++)
        json_array_append_new(ids, json_string(res->advisory_ids[i]));
    json_object_set_new(o, "advisoryIds", ids);
    json_object_set_new(o, "fmspc", res->have_pck ? hex_value(res->fmspc, 6) : json_null());
    json_object_set_new(o, "mrenclave", hex_value(res->mrenclave, 32));
    json_object_set_new(o, "mrsigner", hex_value(res->mrsigner, 32));
    json_object_set_new(o, "reportData", hex_value(res->report_data, 64));
    json_object_set_new(o, "debug", json_boolean(res->debug));
    json_object_set_new(o, "isvProdId", json_integer(res->isvprodid));
    json_object_set_new(o, "isvSvn", json_integer(res->isvsvn));
    if (res->platform_status != MP_TCB_UNRECOGNIZED)
        json_object_set_new(o, "platformStatus",
                            json_string(mp_tcb_status_name(res->platform_status)));
    if (res->qe_status != MP_TCB_UNRECOGNIZED)
        json_object_set_new(o, "qeStatus", json_string(mp_tcb_status_name(res->qe_status)));
    json_object_set_new(o, "intelRoot",
                        json_boolean(memcmp(pol->root_pubkey, MP_DCAP_INTEL_ROOT_PUBKEY, 64) == 0));
    json_object_set_new(o, "at", json_integer(at));
    /* false when --no-revocation-check skipped the CRLs, or verification stopped first */
    json_object_set_new(o, "revocationChecked", json_boolean(res->revocation_checked));
    if (!res->verified) {
        json_object_set_new(o, "error", json_string(mp_dcap_check_name(res->check)));
        json_object_set_new(o, "check", json_integer(res->check));
        json_object_set_new(o, "message", json_string(err->msg));
    }
    return o;
}

/* Failure before verification could start: still one JSON object, exit 2. */
static void input_json(const char *what, const mp_err *err)
{
    json_t *o = json_object();
    json_object_set_new(o, "verified", json_false());
    json_object_set_new(o, "error", json_string("input"));
    char msg[MP_ERR_MSG_MAX + 64];
    snprintf(msg, sizeof msg, "%s: %s", what, err->msg);
    json_object_set_new(o, "message", json_string(msg));
    print_json(o, JSON_COMPACT);
}

static int input_error(const char *what, const mp_err *err)
{
    input_json(what, err);
    return cli_fail(what, err);
}

static void bad_verify_args(const mp_err *err)
{
    input_json("arguments", err);
}

static int quote_verify_run(void *args, int npos, char **pos)
{
    (void)npos, (void)pos;
    verify_args *a = calloc(1, sizeof *a);
    if (a == NULL)
        return CLI_USAGE;
    mp_err err;
    int code = CLI_USAGE;
    mp_buf quote = MP_BUF_INIT;
    mp_dcap_collateral col;
    memset(&col, 0, sizeof col);
    if (verify_args_from(a, args, &err) != MP_OK) {
        input_error("arguments", &err);
        cli_usage(verify_usage);
        goto out;
    }
    if (read_quote(a->quote, &quote, &err) != MP_OK) {
        code = input_error("quote", &err);
        goto out;
    }
    if (mp_dcap_collateral_load(&col, &a->files, &err) != MP_OK) {
        code = input_error("collateral", &err);
        goto out;
    }
    memcpy(a->pol.root_pubkey, mp_x509_pubkey(col.root_ca), 64);
    mp_dcap_result res;
    int rc = mp_dcap_verify(&res, quote.data, quote.len, &col, &a->pol, a->at, &err);
    print_json(result_json(&res, &a->pol, a->at, &err), JSON_COMPACT);
    code = rc == MP_OK ? CLI_OK : CLI_NO;
out:
    mp_dcap_collateral_free(&col);
    mp_buf_free(&quote);
    free(a);
    return code;
}

static const cli_spec verify_spec = {
    .name = "quote verify",
    .usage = verify_usage,
    .help = verify_help,
    .opts = verify_opts,
    .nopts = sizeof verify_opts / sizeof verify_opts[0],
    .args_size = sizeof(verify_flags),
    .run = quote_verify_run,
    .bad_args = bad_verify_args,
};

/* ---- show ------------------------------------------------------------------ */

static json_t *report_json(const mp_sgx_report *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "cpusvn", hex_value(r->cpusvn, 16));
    json_object_set_new(o, "miscselect", hex_value(r->miscselect_raw, 4));
    json_object_set_new(o, "attributes", hex_value(r->attributes, 16));
    json_object_set_new(o, "debug", json_boolean(mp_sgx_report_is_debug(r)));
    json_object_set_new(o, "mrenclave", hex_value(r->mrenclave, 32));
    json_object_set_new(o, "mrsigner", hex_value(r->mrsigner, 32));
    json_object_set_new(o, "isvProdId", json_integer(r->isvprodid));
    json_object_set_new(o, "isvSvn", json_integer(r->isvsvn));
    json_object_set_new(o, "reportData", hex_value(r->report_data, 64));
    return o;
}

static json_t *quote_json(const mp_quote *q)
{
    json_t *o = json_object();
    json_object_set_new(o, "size", json_integer((json_int_t)q->len));
    json_object_set_new(o, "version", json_integer(q->version));
    json_object_set_new(o, "attKeyType", json_integer(q->att_key_type));
    json_object_set_new(o, "teeType", json_integer(q->tee_type));
    json_object_set_new(o, "qeSvn", json_integer(q->qe_svn));
    json_object_set_new(o, "pceSvn", json_integer(q->pce_svn));
    json_object_set_new(o, "qeVendorId", hex_value(q->qe_vendor_id, 16));
    json_object_set_new(o, "userData", hex_value(q->user_data, 20));
    json_object_set_new(o, "isvReport", report_json(&q->isv));
    json_object_set_new(o, "isvSignature", hex_value(q->isv_sig, 64));
    json_object_set_new(o, "attestationKey", hex_value(q->att_key, 64));
    json_object_set_new(o, "qeReport", report_json(&q->qe));
    json_object_set_new(o, "qeReportSignature", hex_value(q->qe_sig, 64));
    json_object_set_new(o, "qeAuthData",
                        q->qe_auth_len <= 512 ? hex_value(q->qe_auth, q->qe_auth_len)
                                              : json_string(""));
    json_object_set_new(o, "certType", json_integer(q->cert_type));
    json_object_set_new(o, "certDataSize", json_integer(q->cert_data_len));
    return o;
}

static json_t *cert_json(const mp_x509 *c)
{
    json_t *o = json_object();
    size_t slen;
    const uint8_t *serial = mp_x509_serial(c, &slen);
    char date[2][32];
    time_t t[2] = {(time_t)mp_x509_not_before(c), (time_t)mp_x509_not_after(c)};
    for (int i = 0; i < 2; i++) {
        struct tm tm;
        gmtime_r(&t[i], &tm);
        strftime(date[i], sizeof date[i], "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    json_object_set_new(o, "subjectCN", json_string(mp_x509_subject_cn(c)));
    json_object_set_new(o, "serial", hex_value(serial, slen));
    json_object_set_new(o, "notBefore", json_string(date[0]));
    json_object_set_new(o, "notAfter", json_string(date[1]));
    json_object_set_new(o, "publicKey", hex_value(mp_x509_pubkey(c), 64));
    return o;
}

/* The PCK chain and the SGX extension, as far as they parse. */
static void add_chain(json_t *o, const mp_quote *q)
{
    mp_x509 *certs[4] = {NULL};
    size_t n = 0;
    mp_err err;
    json_t *chain = json_array();
    int rc = mp_x509_chain_from_pem(certs, 4, &n, q->cert_data, q->cert_data_len, &err);
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(chain, cert_json(certs[i]));
        mp_pck_ext ext;
        if (i == 0 && mp_pck_ext_from_cert(&ext, certs[i], &err) == MP_OK) {
            json_t *e = json_object();
            json_object_set_new(e, "fmspc", hex_value(ext.fmspc, 6));
            json_object_set_new(e, "pceId", hex_value(ext.pceid, 2));
            json_object_set_new(e, "tcbComponents", hex_value(ext.cpusvn, 16));
            json_object_set_new(e, "pceSvn", json_integer(ext.pcesvn));
            json_object_set_new(e, "sgxType", json_integer(ext.sgx_type));
            json_object_set_new(o, "pck", e);
        }
        mp_x509_free(certs[i]);
    }
    json_object_set_new(o, "pckChain", chain);
    if (rc != MP_OK)
        json_object_set_new(o, "pckChainError", json_string(err.msg));
}

static int quote_show_run(void *args, int npos, char **pos)
{
    (void)args, (void)npos;
    mp_buf quote = MP_BUF_INIT;
    mp_err err;
    if (read_quote(pos[0], &quote, &err) != MP_OK) {
        mp_buf_free(&quote);
        return cli_fail("quote show", &err);
    }
    mp_quote q;
    int rc = mp_quote_parse(&q, quote.data, quote.len, &err);
    json_t *o;
    if (rc != MP_OK) {
        o = json_object();
        json_object_set_new(o, "error", json_string(mp_dcap_check_name(mp_dcap_check_of(rc))));
        json_object_set_new(o, "message", json_string(err.msg));
    } else {
        o = quote_json(&q);
        add_chain(o, &q);
    }
    print_json(o, JSON_INDENT(2));
    mp_buf_free(&quote);
    return rc == MP_OK ? CLI_OK : CLI_NO;
}

static const cli_spec show_spec = {
    .name = "quote show",
    .usage = "mpavs quote show FILE",
    .help = "Prints the fields of an SGX DCAP v3 quote (binary or hex) as JSON.\n",
    .min_args = 1,
    .max_args = 1,
    .run = quote_show_run,
};

int cli_quote(int argc, char **argv)
{
    static const cli_command cmds[] = {
        {"verify", NULL, "verify a quote against collateral, then a policy", &verify_spec},
        {"show", NULL, "print a quote's fields as JSON", &show_spec},
    };
    return cli_dispatch("mpavs quote", cmds, (int)(sizeof cmds / sizeof cmds[0]), argc, argv);
}
