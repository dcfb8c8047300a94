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

static int parse_init_args(mp_sgxsim_opts *o, int argc, char **argv, mp_err *err)
{
    for (int i = 2; i < argc; i++) {
        const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(f, "--revoke-pck")) {
            o->revoke_pck = true;
            continue;
        }
        if (v == NULL)
            return MP_FAIL(err, MP_ERR_INVALID, "%s needs a value", f);
        i++;
        char *end = NULL;
        if (!strcmp(f, "--days")) {
            unsigned long d = strtoul(v, &end, 10);
            if (*v == 0 || *end != 0 || d == 0 || d > 36500)
                return MP_FAIL(err, MP_ERR_INVALID, "--days wants 1..36500");
            o->days = (uint32_t)d;
        } else if (!strcmp(f, "--at")) {
            long long t = strtoll(v, &end, 10);
            if (*v == 0 || *end != 0 || t <= 0)
                return MP_FAIL(err, MP_ERR_INVALID, "--at wants Unix seconds");
            o->now = t;
        } else if (!strcmp(f, "--tcb-status")) {
            MP_TRY(parse_status(&o->tcb_status, v, err));
        } else if (!strcmp(f, "--qe-status")) {
            MP_TRY(parse_status(&o->qe_status, v, err));
        } else {
            return MP_FAIL(err, MP_ERR_INVALID, "unknown option %s", f);
        }
    }
    return MP_OK;
}

static int simca_init(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n%s", init_usage, init_help);
        return CLI_OK;
    }
    if (argc < 2 || argv[1][0] == '-')
        return cli_usage(init_usage);
    mp_sgxsim_opts o;
    mp_sgxsim_opts_init(&o);
    mp_err err;
    if (parse_init_args(&o, argc, argv, &err) != MP_OK) {
        fprintf(stderr, "mpavs sim-ca init: %s\n", err.msg);
        return cli_usage(init_usage);
    }
    if (mp_sgxsim_init(argv[1], &o, &err) != MP_OK)
        return cli_fail("sim-ca init", &err);
    mp_sgxsim *sim = NULL;
    if (mp_sgxsim_open(&sim, argv[1], &err) != MP_OK)
        return cli_fail("sim-ca init", &err);
    char hex[129];
    mp_hex_encode(hex, mp_sgxsim_root_pubkey(sim), 64);
    json_t *info = json_pack("{s:s,s:s,s:s}", "dir", argv[1], "format", MP_SGXSIM_FORMAT,
                             "rootPublicKey", hex);
    char *text = info ? json_dumps(info, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (text)
        puts(text);
    free(text);
    json_decref(info);
    mp_sgxsim_close(sim);
    return CLI_OK;
}

typedef struct quote_args {
    const char *out;
    bool hex;
    uint8_t report_data[64];
    bool have_report_data;
    mp_sgxsim_enclave enclave;
} quote_args;

static int parse_quote_args(quote_args *a, int argc, char **argv, mp_err *err)
{
    mp_sgxsim_enclave_default(&a->enclave);
    for (int i = 2; i < argc; i++) {
        const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(f, "--debug") || !strcmp(f, "--hex")) {
            *(f[2] == 'd' ? &a->enclave.debug : &a->hex) = true;
            continue;
        }
        if (v == NULL)
            return MP_FAIL(err, MP_ERR_INVALID, "%s needs a value", f);
        i++;
        if (!strcmp(f, "--out")) {
            a->out = v;
        } else if (!strcmp(f, "--report-data")) {
            mp_buf rd = MP_BUF_INIT;
            int rc = mp_hex_decode_buf(&rd, v, err);
            if (rc == MP_OK && rd.len > 64)
                rc = MP_FAIL(err, MP_ERR_INVALID, "--report-data is %zu bytes, at most 64", rd.len);
            if (rc == MP_OK && rd.len > 0)
                memcpy(a->report_data, rd.data, rd.len);
            mp_buf_free(&rd);
            MP_TRY(rc);
            a->have_report_data = true;
        } else if (!strcmp(f, "--mrenclave")) {
            MP_TRY(mp_hex_decode_exact(a->enclave.mrenclave, 32, v, err));
        } else if (!strcmp(f, "--mrsigner")) {
            MP_TRY(mp_hex_decode_exact(a->enclave.mrsigner, 32, v, err));
        } else if (!strcmp(f, "--isvprodid")) {
            MP_TRY(parse_u16(&a->enclave.isvprodid, v, err));
        } else if (!strcmp(f, "--isvsvn")) {
            MP_TRY(parse_u16(&a->enclave.isvsvn, v, err));
        } else {
            return MP_FAIL(err, MP_ERR_INVALID, "unknown option %s", f);
        }
    }
    if (!a->have_report_data || a->out == NULL)
        return MP_FAIL(err, MP_ERR_INVALID, "--report-data and --out are required");
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

static int simca_quote(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n%s", quote_usage, quote_help);
        return CLI_OK;
    }
    if (argc < 2 || argv[1][0] == '-')
        return cli_usage(quote_usage);
    quote_args a;
    memset(&a, 0, sizeof a);
    mp_err err;
    if (parse_quote_args(&a, argc, argv, &err) != MP_OK) {
        fprintf(stderr, "mpavs sim-ca quote: %s\n", err.msg);
        return cli_usage(quote_usage);
    }
    mp_sgxsim *sim = NULL;
    mp_buf q = MP_BUF_INIT;
    int rc = mp_sgxsim_open(&sim, argv[1], &err);
    if (rc == MP_OK)
        rc = mp_sgxsim_quote(sim, &a.enclave, a.report_data, &q, &err);
    if (rc == MP_OK)
        rc = write_quote(&a, &q, &err);
    mp_sgxsim_close(sim);
    mp_buf_free(&q);
    return rc == MP_OK ? CLI_OK : cli_fail("sim-ca quote", &err);
}

int cli_simca(int argc, char **argv)
{
    static const cli_command cmds[] = {
        {"init", simca_init, "create a development SGX PKI and collateral in a directory"},
        {"quote", simca_quote, "produce a quote through the simulated QE"},
    };
    return cli_dispatch("mpavs sim-ca", cmds, (int)(sizeof cmds / sizeof cmds[0]), argc, argv);
}
