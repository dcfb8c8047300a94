/*
** attest.c: where the prover's quotes come from.
**
**   sim      a `mpavs sim-ca` directory: quotes in Intel's exact format signed
**            by the development PCK chain; checked once at start with the
**            same verifier as Intel quotes, the directory's root pinned.
**   gramine  Gramine's attestation files: write the 64 bytes of report data
**            to <dir>/user_report_data, read the quote from <dir>/quote.
**
** Either way the first quote at start gives MRENCLAVE and MRSIGNER for
** prover_metadata, so what is reported is what is quoted.
*/
#include "prover.h"

#include "mpavs/dcap.h"
#include "mpavs/quote.h"
#include "mpavs/sgxsim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define QUOTE_MAX (64u << 10)

void prv_report_data(uint8_t out[64], const uint8_t *user, size_t len, const uint8_t enclave[20])
{
    memset(out, 0, 64);
    if (len > 64)
        len = 64;
    memcpy(out + 64 - len, user, len);
    memcpy(out + 12, enclave, 20);
}

/* ---- sim ---- */

typedef struct sim_attester {
    prv_attester base;
    mp_sgxsim *sim;
    mp_sgxsim_enclave enclave;
    char *dir;
} sim_attester;

static int sim_quote(prv_attester *a, const uint8_t rd[64], mp_buf *out, mp_err *err)
{
    sim_attester *s = (sim_attester *)a;
    return mp_sgxsim_quote(s->sim, &s->enclave, rd, out, err);
}

static void sim_free(prv_attester *a)
{
    sim_attester *s = (sim_attester *)a;
    mp_sgxsim_close(s->sim);
    free(s->dir);
}

/* The start-up check: the quote passes full DCAP verification against the
 ** directory's collateral with its root pinned. */
static int sim_self_verify(sim_attester *s, const mp_buf *quote, mp_err *err)
{
    mp_dcap_collateral col;
    memset(&col, 0, sizeof col);
    MP_TRY(mp_sgxsim_collateral(&col, s->dir, err));
    mp_dcap_policy pol;
    mp_dcap_policy_init(&pol);
    memcpy(pol.root_pubkey, mp_sgxsim_root_pubkey(s->sim), 64);
    pol.allow_debug = s->enclave.debug;
    pol.mrenclaves = &s->enclave.mrenclave; /* the configured enclave, and only it */
    pol.n_mrenclaves = 1;
    mp_dcap_result res;
    int rc = mp_dcap_verify(&res, quote->data, quote->len, &col, &pol, (int64_t)time(NULL), err);
    mp_dcap_collateral_free(&col);
    if (rc != MP_OK)
        mp_err_wrap(err, "the sim CA's quote does not verify");
    return rc;
}

static int sim_new(prv_attester **out, const prv_cfg *cfg, mp_err *err)
{
    if (cfg->sim_ca_dir == NULL || cfg->sim_ca_dir[0] == 0)
        return MP_FAIL(err, MP_ERR_INVALID, "attestation \"sim\" needs sim_ca_dir");
    sim_attester *s = calloc(1, sizeof *s);
    if (s == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    s->base.name = "sim";
    s->base.quote = sim_quote;
    s->base.free = sim_free;
    s->dir = strdup(cfg->sim_ca_dir);
    mp_sgxsim_enclave_default(&s->enclave);
    if (cfg->mrenclave.len == 32)
        memcpy(s->enclave.mrenclave, cfg->mrenclave.data, 32);
    if (cfg->mrsigner.len == 32)
        memcpy(s->enclave.mrsigner, cfg->mrsigner.data, 32);
    *out = &s->base;
    int rc = mp_sgxsim_open(&s->sim, cfg->sim_ca_dir, err);
    if (rc != MP_OK)
        mp_err_wrap(err, "sim_ca_dir %s", cfg->sim_ca_dir);
    return rc;
}

/* ---- gramine ---- */

typedef struct gramine_attester {
    prv_attester base;
    char *rd_path, *quote_path;
} gramine_attester;

static int write_all(const char *path, const uint8_t *p, size_t n, mp_err *err)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return MP_FAIL(err, MP_RC(MP_ERR_QUOTE, 1), "cannot open %s: %s", path, strerror(errno));
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, p + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            return MP_FAIL(err, MP_RC(MP_ERR_QUOTE, 1), "cannot write %s: %s", path,
                           w < 0 ? strerror(errno) : "short write");
        }
        done += (size_t)w;
    }
    if (close(fd) != 0)
        return MP_FAIL(err, MP_RC(MP_ERR_QUOTE, 1), "cannot write %s: %s", path, strerror(errno));
    return MP_OK;
}

/* Reads until EOF: Gramine's quote file (and the test's FIFO) has no size. */
static int read_all(const char *path, mp_buf *out, mp_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return MP_FAIL(err, MP_RC(MP_ERR_QUOTE, 2), "cannot open %s: %s", path, strerror(errno));
    uint8_t chunk[4096];
    int rc = MP_OK;
    for (;;) {
        ssize_t r = read(fd, chunk, sizeof chunk);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = MP_FAIL(err, MP_RC(MP_ERR_QUOTE, 2), "cannot read %s: %s", path, strerror(errno));
            break;
        }
        if (r == 0)
            break;
        if (out->len + (size_t)r > QUOTE_MAX) {
            rc =
                MP_FAIL(err, MP_RC(MP_ERR_QUOTE, 2), "%s is larger than %u bytes", path, QUOTE_MAX);
            break;
        }
        if (mp_buf_append(out, chunk, (size_t)r) != MP_OK) {
            rc = MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
            break;
        }
    }
    close(fd);
    return rc;
}

static int gramine_quote(prv_attester *a, const uint8_t rd[64], mp_buf *out, mp_err *err)
{
    gramine_attester *g = (gramine_attester *)a;
    MP_TRY(write_all(g->rd_path, rd, 64, err));
    size_t before = out->len;
    MP_TRY(read_all(g->quote_path, out, err));
    mp_quote q;
    int rc = mp_quote_parse(&q, out->data + before, out->len - before, err);
    if (rc != MP_OK) {
        mp_err_wrap(err, "%s", g->quote_path);
        return MP_RC(MP_ERR_QUOTE, 3);
    }
    if (memcmp(q.isv.report_data, rd, 64) != 0)
        return MP_FAIL(err, MP_RC(MP_ERR_QUOTE, 4),
                       "the quote from %s carries other report data than was written",
                       g->quote_path);
    return MP_OK;
}

static void gramine_free(prv_attester *a)
{
    gramine_attester *g = (gramine_attester *)a;
    free(g->rd_path);
    free(g->quote_path);
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int gramine_new(prv_attester **out, const prv_cfg *cfg, mp_err *err)
{
    const char *dir = cfg->attestation_dir ? cfg->attestation_dir : "/dev/attestation";
    gramine_attester *g = calloc(1, sizeof *g);
    if (g == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    g->base.name = "gramine";
    g->base.quote = gramine_quote;
    g->base.free = gramine_free;
    g->rd_path = join(dir, "user_report_data");
    g->quote_path = join(dir, "quote");
    *out = &g->base;
    if (g->rd_path == NULL || g->quote_path == NULL)
        return MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    if (access(g->rd_path, W_OK) != 0)
        return MP_FAIL(err, MP_ERR_INVALID,
                       "%s is not writable: not inside a Gramine SGX enclave with remote "
                       "attestation (sgx.remote_attestation = \"dcap\")?",
                       g->rd_path);
    return MP_OK;
}

/* ---- common ---- */

int prv_attest(prv_attester *a, const uint8_t rd[64], mp_buf *out, mp_err *err)
{
    pthread_mutex_lock(&a->mu);
    int rc = a->quote(a, rd, out, err);
    pthread_mutex_unlock(&a->mu);
    return rc;
}

void prv_attester_free(prv_attester *a)
{
    if (a == NULL)
        return;
    a->free(a);
    pthread_mutex_destroy(&a->mu);
    free(a);
}

/* The first quote: its measurements are what prover_metadata reports. */
static int first_quote(prv_attester *a, mp_err *err)
{
    uint8_t rd[64] = {0};
    mp_buf quote = MP_BUF_INIT;
    int rc = prv_attest(a, rd, &quote, err);
    mp_quote q;
    if (rc == MP_OK)
        rc = mp_quote_parse(&q, quote.data, quote.len, err);
    if (rc == MP_OK) {
        memcpy(a->mrenclave, q.isv.mrenclave, 32);
        memcpy(a->mrsigner, q.isv.mrsigner, 32);
        if (strcmp(a->name, "sim") == 0)
            rc = sim_self_verify((sim_attester *)a, &quote, err);
    }
    mp_buf_free(&quote);
    if (rc != MP_OK)
        mp_err_wrap(err, "attestation backend %s", a->name);
    return rc;
}

int prv_attester_new(prv_attester **out, const prv_cfg *cfg, mp_err *err)
{
    *out = NULL;
    prv_attester *a = NULL;
    int rc;
    if (strcmp(cfg->attestation, "sim") == 0)
        rc = sim_new(&a, cfg, err);
    else if (strcmp(cfg->attestation, "gramine") == 0)
        rc = gramine_new(&a, cfg, err);
    else
        return MP_FAIL(err, MP_ERR_INVALID,
                       "attestation must be \"sim\" or \"gramine\", not \"%s\"", cfg->attestation);
    if (a)
        pthread_mutex_init(&a->mu, NULL);
    if (rc == MP_OK)
        rc = first_quote(a, err);
    if (rc != MP_OK) {
        prv_attester_free(a);
        return rc;
    }
    *out = a;
    return MP_OK;
}
