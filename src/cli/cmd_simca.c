/*
** cmd_simca.c: "mpavs sim-ca init DIR" creates a development SGX PKI and its
** collateral in Intel's formats; "mpavs sim-ca quote DIR ..." produces a v3
** quote signed through the simulated QE. Such quotes verify with
** "mpavs quote verify --root-ca DIR/root_ca.der ..." and with nothing else.
*/
#include "cli.h"
#include "mpavs/dcap.h"
#include "mpavs/file.h"
#include "mpavs/hex.h"
#include "mpavs/sgxsim.h"

#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char init_usage[] =
    "mpavs sim-ca init DIR [--days N] [--at UNIX_TIME] [--tcb-status S] [--qe-status S]\n"
    "       [--revoke-pck]";

static const char init_help[] =
    "Creates a simulated (development-only) SGX DCAP PKI in DIR: root CA, PCK Platform CA,\n"
    "PCK certificate with the SGX extension, TCB signing certificate, root and PCK CRLs, TCB\n"
    "info v3 and QE identity v2 signed by the TCB signing key, and the simulated QE's\n"
    "attestation key. Private keys are written with mode 0600. Collateral is valid from\n"
    "--at (default now) minus one hour for --days (default 365). --tcb-status and --qe-status\n"
    "set the status of the simulated platform's TCB level and QE level (default UpToDate);\n"
    "--revoke-pck lists the PCK certificate in the PCK CRL. Layout: docs/dcap.md.\n";

static const char quote_usage[] =
    "mpavs sim-ca quote DIR --report-data HEX [--mrenclave HEX] [--mrsigner HEX]\n"
    "       [--isvprodid N] [--isvsvn N] [--debug] [--hex] --out FILE";

static const char quote_help[] =
    "Writes a v3 quote of the simulated CA in DIR to FILE (binary, or hex with --hex).\n"
    "--report-data is at most 64 bytes, padded with zeros. MRENCLAVE and MRSIGNER default to\n"
    "SHA-256(\"mpavs simulated enclave\") and SHA-256(\"mpavs simulated enclave signer\").\n";

static int parse_u16(uint16_t *out, const char *s, mp_err *err)
{
    char *end = NULL;
    unsigned long v = strtoul(s, &end, 10);
    if (*s == 0 || *end != 0 || v > 65535)
        return MP_FAIL(err, MP_ERR_INVALID, "\"%s\" is not a number 0..65535", s);
    *out = (uint16_t)v;
    return MP_OK;
}

static int parse_status(int *out, const char *s, mp_err *err)
{
    int st = mp_tcb_status_parse(s);
    if (st < 0)
        return MP_FAIL(err, MP_ERR_INVALID, "unknown TCB status \"%s\"", s);
    *out = st;
    return MP_OK;
}

typedef struct init_args {
    char *days, *at, *tcb_status, *qe_status;
    bool revoke_pck;
} init_args;

static const mp_cfg_opt init_opts[] = {
    {"days", MP_CFG_STRING, offsetof(init_args, days), NULL, 0, 0, 0,
     "collateral validity in days, 1..36500 (default 365)"},
    {"at", MP_CFG_STRING, offsetof(init_args, at), NULL, 0, 0, 0,
     "issue time, Unix seconds (default now)"},
    {"tcb_status", MP_CFG_STRING, offsetof(init_args, tcb_status), NULL, 0, 0, 0,
     "status of the platform's TCB level (default UpToDate)"},
    {"qe_status", MP_CFG_STRING, offsetof(init_args, qe_status), NULL, 0, 0, 0,
     "status of the QE's level (default UpToDate)"},
    {"revoke_pck", MP_CFG_BOOL, offsetof(init_args, revoke_pck), NULL, 0, 0, 0,
     "list the PCK certificate in the PCK CRL"},
};

static int init_opts_from(mp_sgxsim_opts *o, const init_args *a, mp_err *err)
{
    char *end = NULL;
    o->revoke_pck = a->revoke_pck;
    if (a->days) {
        unsigned long d = strtoul(a->days, &end, 10);
        if (*a->days == 0 || *end != 0 || d == 0 || d > 36500)
            return MP_FAIL(err, MP_ERR_INVALID, "--days wants 1..36500");
        o->days = (uint32_t)d;
    }
    if (a->at) {
        long long t = strtoll(a->at, &end, 10);
        if (*a->at == 0 || *end != 0 || t <= 0)
            return MP_FAIL(err, MP_ERR_INVALID, "--at wants Unix seconds");
        o->now = t;
    }
    if (a->tcb_status)
        MP_TRY(parse_status(&o->tcb_status, a->tcb_status, err));
    if (a->qe_status)
        MP_TRY(parse_status(&o->qe_status, a->qe_status, err));
    return MP_OK;
}

static int simca_init_run(void *args, int npos, char **pos)
{
    (void)npos;
    mp_sgxsim_opts o;
    mp_sgxsim_opts_init(&o);
    mp_err err;
    if (init_opts_from(&o, args, &err) != MP_OK) {
        fprintf(stderr, "mpavs: sim-ca init: %s\n", err.msg);
        return cli_usage(init_usage);
    }
    if (mp_sgxsim_init(pos[0], &o, &err) != MP_OK)
        return cli_fail("sim-ca init", &err);
    mp_sgxsim *sim = NULL;
    if (mp_sgxsim_open(&sim, pos[0], &err) != MP_OK)
        return cli_fail("sim-ca init", &err);
    char hex[129];
    mp_hex_encode(hex, mp_sgxsim_root_pubkey(sim), 64);
    json_t *info =
        json_pack("{s:s,s:s,s:s}", "dir", pos[0], "format", MP_SGXSIM_FORMAT, "rootPublicKey", hex);
    char *text = info ? json_dumps(info, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (text)
        puts(text);
    free(text);
    json_decref(info);
    mp_sgxsim_close(sim);
    return CLI_OK;
}

static const cli_spec init_spec = {
    .name = "sim-ca init",
    .usage = init_usage,
    .help = init_help,
    .opts = init_opts,
    .nopts = sizeof init_opts / sizeof init_opts[0],
    .args_size = sizeof(init_args),
    .min_args = 1,
    .max_args = 1,
    .run = simca_init_run,
};

typedef struct quote_args {
    char *out, *report_data, *mrenclave, *mrsigner, *isvprodid, *isvsvn;
    bool hex, debug;
} quote_args;

static const mp_cfg_opt quote_opts[] = {
    {"report_data", MP_CFG_STRING, offsetof(quote_args, report_data), NULL, 0, 0, MP_CFG_REQUIRED,
     "REPORTDATA as hex, at most 64 bytes, padded with zeros"},
    {"out", MP_CFG_STRING, offsetof(quote_args, out), NULL, 0, 0, MP_CFG_REQUIRED,
     "the quote file to write"},
    {"mrenclave", MP_CFG_STRING, offsetof(quote_args, mrenclave), NULL, 0, 0, 0,
     "MRENCLAVE, 32 bytes of hex"},
    {"mrsigner", MP_CFG_STRING, offsetof(quote_args, mrsigner), NULL, 0, 0, 0,
     "MRSIGNER, 32 bytes of hex"},
    {"isvprodid", MP_CFG_STRING, offsetof(quote_args, isvprodid), NULL, 0, 0, 0,
     "ISVPRODID, 0..65535 (default 0)"},
    {"isvsvn", MP_CFG_STRING, offsetof(quote_args, isvsvn), NULL, 0, 0, 0,
     "ISVSVN, 0..65535 (default 0)"},
    {"debug", MP_CFG_BOOL, offsetof(quote_args, debug), NULL, 0, 0, 0,
     "set the enclave's DEBUG attribute"},
    {"hex", MP_CFG_BOOL, offsetof(quote_args, hex), NULL, 0, 0, 0, "write hex text, not binary"},
};

/* The enclave and REPORTDATA the flags describe. */
static int quote_enclave(mp_sgxsim_enclave *enc, uint8_t rd[64], const quote_args *a, mp_err *err)
{
    mp_sgxsim_enclave_default(enc);
    enc->debug = a->debug;
    mp_buf b = MP_BUF_INIT;
    int rc = mp_hex_decode_buf(&b, a->report_data, err);
    if (rc == MP_OK && b.len > 64)
        rc = MP_FAIL(err, MP_ERR_INVALID, "--report-data is %zu bytes, at most 64", b.len);
    if (rc == MP_OK && b.len > 0)
        memcpy(rd, b.data, b.len);
    mp_buf_free(&b);
    MP_TRY(rc);
    if (a->mrenclave)
        MP_TRY(mp_hex_decode_exact(enc->mrenclave, 32, a->mrenclave, err));
    if (a->mrsigner)
        MP_TRY(mp_hex_decode_exact(enc->mrsigner, 32, a->mrsigner, err));
    if (a->isvprodid)
        MP_TRY(parse_u16(&enc->isvprodid, a->isvprodid, err));
    if (a->isvsvn)
        MP_TRY(parse_u16(&enc->isvsvn, a->isvsvn, err));
    return MP_OK;
}

static int write_quote(const quote_args *a, const mp_buf *q, mp_err *err)
{
    if (!a->hex)
        return mp_file_write_atomic(a->out, q->data, q->len, 0644, err);
    char *hex = malloc(2 * q->len + 2);
    if (hex == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    mp_hex_encode(hex, q->data, q->len);
    hex[2 * q->len] = '\n';
    int rc = mp_file_write_atomic(a->out, hex, 2 * q->len + 1, 0644, err);
    free(hex);
    return rc;
}

static int simca_quote_run(void *args, int npos, char **pos)
{
    (void)npos;
    const quote_args *a = args;
    mp_sgxsim_enclave enc;
    uint8_t rd[64] = {0};
    mp_err err;
    if (quote_enclave(&enc, rd, a, &err) != MP_OK) {
        fprintf(stderr, "mpavs: sim-ca quote: %s\n", err.msg);
        return cli_usage(quote_usage);
    }
    mp_sgxsim *sim = NULL;
    mp_buf q = MP_BUF_INIT;
    int rc = mp_sgxsim_open(&sim, pos[0], &err);
    if (rc == MP_OK)
        rc = mp_sgxsim_quote(sim, &enc, rd, &q, &err);
    if (rc == MP_OK)
        rc = write_quote(a, &q, &err);
    mp_sgxsim_close(sim);
    mp_buf_free(&q);
    return rc == MP_OK ? CLI_OK : cli_fail("sim-ca quote", &err);
}

static const cli_spec quote_spec = {
    .name = "sim-ca quote",
    .usage = quote_usage,
    .help = quote_help,
    .opts = quote_opts,
    .nopts = sizeof quote_opts / sizeof quote_opts[0],
    .args_size = sizeof(quote_args),
    .min_args = 1,
    .max_args = 1,
    .run = simca_quote_run,
};

int cli_simca(int argc, char **argv)
{
    static const cli_command cmds[] = {
        {"init", NULL, "create a development SGX PKI and collateral in a directory", &init_spec},
        {"quote", NULL, "produce a quote through the simulated QE", &quote_spec},
    };
    return cli_dispatch("mpavs sim-ca", cmds, (int)(sizeof cmds / sizeof cmds[0]), argc, argv);
}
