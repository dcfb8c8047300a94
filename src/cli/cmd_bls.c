/*
** cmd_bls.c: "mpavs bls ..." EigenLayer BLS tools: hash-to-g1, pubkey, sign,
** verify, aggregate. Values are 0x-prefixed hex in the EVM encodings (G1
** x||y, G2 imaginary parts first); SECRET is a 32-byte big-endian scalar.
** verify exits 0 for a valid signature and 1 for an invalid one (also 64
** bytes that are not a point of G1); unusable input (not 64 bytes of hex, a
** bad public key or digest) exits 2 with an error naming the problem.
*/
#include "cli.h"
#include "mpavs/bls.h"
#include "mpavs/keystore.h"
#include "mpavs/bn254_g1.h"
#include "mpavs/bn254_g2.h"
#include "mpavs/hex.h"
#include "mpavs/mem.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int read_digest(uint8_t out[32], const char *hex, mp_err *err)
{
    int rc = mp_hex_decode_exact(out, 32, hex, err);
    if (rc != MP_OK)
        mp_err_wrap(err, "DIGEST32");
    return rc;
}

static int read_secret(mp_bls_secret *sk, const char *hex, mp_err *err)
{
    uint8_t b[32];
    /* no err passed down: the hex decoder's message may point into the secret */
    if (mp_hex_decode_exact(b, 32, hex, NULL) != MP_OK)
        return MP_FAIL(err, MP_ERR_INVALID, "SECRET must be 32 bytes of hex (64 digits)");
    int rc = mp_bls_secret_from_bytes(sk, b, err);
    mp_memzero(b, sizeof b);
    return rc;
}

static int read_g1(mp_bn254_g1 *p, const char *hex, const char *what, mp_err *err)
{
    uint8_t b[64];
    int rc = mp_hex_decode_exact(b, 64, hex, err);
    if (rc == MP_OK)
        rc = mp_bn254_g1_decode(p, b, err);
    if (rc != MP_OK)
        mp_err_wrap(err, "%s", what);
    return rc;
}

static int read_g2(mp_bn254_g2 *p, const char *hex, const char *what, mp_err *err)
{
    uint8_t b[128];
    int rc = mp_hex_decode_exact(b, 128, hex, err);
    if (rc == MP_OK)
        rc = mp_bn254_g2_decode(p, b, err);
    if (rc != MP_OK)
        mp_err_wrap(err, "%s", what);
    return rc;
}

static void print_hex(const uint8_t *b, size_t n)
{
    char text[2 * 128 + 3];
    mp_hex_encode0x(text, b, n);
    puts(text);
}

static void print_g1(const mp_bn254_g1 *p)
{
    uint8_t b[64];
    mp_bn254_g1_encode(b, p);
    print_hex(b, 64);
}

/* {"g1", "g2", "operatorId"}: what `bls pubkey`, `bls keygen` and `bls show` print. */
static void print_pubkey_json(const mp_bls_pubkey *pk)
{
    uint8_t g1[64], g2[128], id[32];
    char g1h[131], g2h[259], idh[67];
    mp_bn254_g1_encode(g1, &pk->g1);
    mp_bn254_g2_encode(g2, &pk->g2);
    mp_bls_operator_id(id, &pk->g1);
    mp_hex_encode0x(g1h, g1, 64);
    mp_hex_encode0x(g2h, g2, 128);
    mp_hex_encode0x(idh, id, 32);
    printf("{\"g1\": \"%s\", \"g2\": \"%s\", \"operatorId\": \"%s\"}\n", g1h, g2h, idh);
}

static int cmd_hash_run(void *args, int npos, char **pos)
{
    (void)args, (void)npos;
    uint8_t d[32];
    mp_err err;
    if (read_digest(d, pos[0], &err) != MP_OK)
        return cli_fail("bls hash-to-g1", &err);
    mp_bn254_g1 h;
    mp_bls_hash_to_g1(&h, d);
    print_g1(&h);
    return CLI_OK;
}
static const cli_spec cmd_hash_spec = {
    .name = "bls hash-to-g1",
    .usage = "mpavs bls hash-to-g1 DIGEST32",
    .help = "BN254.hashToG1 (try-and-increment); prints the G1 point x||y.\n",
    .min_args = 1,
    .max_args = 1,
    .run = cmd_hash_run,
};

static int cmd_pubkey_run(void *args, int npos, char **pos)
{
    (void)args, (void)npos;
    mp_bls_secret sk;
    mp_err err;
    if (read_secret(&sk, pos[0], &err) != MP_OK)
        return cli_fail("bls pubkey", &err);
    mp_bls_pubkey pk;
    mp_bls_pubkey_from_secret(&pk, &sk);
    mp_bls_secret_clear(&sk);
    print_pubkey_json(&pk);
    return CLI_OK;
}
static const cli_spec cmd_pubkey_spec = {
    .name = "bls pubkey",
    .usage = "mpavs bls pubkey SECRET",
    .help = "Prints {\"g1\", \"g2\", \"operatorId\"} of a 32-byte secret key.\n",
    .min_args = 1,
    .max_args = 1,
    .run = cmd_pubkey_run,
};

static int cmd_sign_run(void *args, int npos, char **pos)
{
    (void)args, (void)npos;
    mp_bls_secret sk;
    uint8_t d[32];
    mp_err err;
    if (read_digest(d, pos[1], &err) != MP_OK)
        return cli_fail("bls sign", &err);
    if (read_secret(&sk, pos[0], &err) != MP_OK)
        return cli_fail("bls sign", &err);
    mp_bn254_g1 sig;
    mp_bls_sign(&sig, &sk, d);
    mp_bls_secret_clear(&sk);
    print_g1(&sig);
    return CLI_OK;
}
static const cli_spec cmd_sign_spec = {
    .name = "bls sign",
    .usage = "mpavs bls sign SECRET DIGEST32",
    .help = "Prints the G1 signature SECRET * hashToG1(DIGEST32).\n",
    .min_args = 2,
    .max_args = 2,
    .run = cmd_sign_run,
};

static int cmd_verify_run(void *args, int npos, char **pos)
{
    (void)args, (void)npos;
    mp_bn254_g2 pk;
    mp_bn254_g1 sig;
    uint8_t d[32], sigb[64];
    mp_err err;
    if (read_g2(&pk, pos[0], "G2PUB", &err) != MP_OK || read_digest(d, pos[1], &err) != MP_OK)
        return cli_fail("bls verify", &err);
    if (mp_hex_decode_exact(sigb, 64, pos[2], &err) != MP_OK) {
        mp_err_wrap(&err, "SIG");
        return cli_fail("bls verify", &err);
    }
    /* 64 bytes that are not a curve point are an invalid signature, not bad input. */
    if (mp_bn254_g1_decode(&sig, sigb, &err) != MP_OK) {
        mp_err_wrap(&err, "SIG");
        return cli_no("bls verify", &err);
    }
    if (mp_bls_verify(&pk, d, &sig, &err) != MP_OK)
        return cli_no("bls verify", &err);
    puts("valid");
    return CLI_OK;
}
static const cli_spec cmd_verify_spec = {
    .name = "bls verify",
    .usage = "mpavs bls verify G2PUB DIGEST32 SIG",
    .help = "Exit status 0 when SIG is a valid signature of DIGEST32 under the G2 public key, 1\n"
            "when it is not (also when SIG is 64 bytes that are not a point of G1), 2 when an\n"
            "argument does not decode.\n",
    .min_args = 3,
    .max_args = 3,
    .run = cmd_verify_run,
};

static int aggregate_g2(int n, char **pos, mp_err *err)
{
    mp_bn254_g2 *pts = calloc((size_t)n, sizeof *pts), sum;
    int rc = pts ? MP_OK : MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    for (int i = 0; i < n && rc == MP_OK; i++)
        if ((rc = read_g2(&pts[i], pos[i], "G2PUB", err)) != MP_OK)
            mp_err_wrap(err, "argument %d", i + 1);
    if (rc == MP_OK) {
        uint8_t b[128];
        mp_bls_aggregate_g2(&sum, pts, (size_t)n);
        mp_bn254_g2_encode(b, &sum);
        print_hex(b, 128);
    }
    free(pts);
    return rc;
}

static int aggregate_g1(int n, char **pos, mp_err *err)
{
    mp_bn254_g1 *pts = calloc((size_t)n, sizeof *pts), sum;
    int rc = pts ? MP_OK : MP_FAIL(err, MP_ERR_NOMEM, "out of memory");
    for (int i = 0; i < n && rc == MP_OK; i++)
        if ((rc = read_g1(&pts[i], pos[i], "SIG", err)) != MP_OK)
            mp_err_wrap(err, "argument %d", i + 1);
    if (rc == MP_OK) {
        mp_bls_aggregate_g1(&sum, pts, (size_t)n);
        print_g1(&sum);
    }
    free(pts);
    return rc;
}

static int cmd_aggregate_run(void *args, int npos, char **pos)
{
    (void)args;
    mp_err err;
    bool g2 = strlen(mp_hex_skip_0x(pos[0])) == 256;
    int rc = g2 ? aggregate_g2(npos, pos, &err) : aggregate_g1(npos, pos, &err);
    return rc == MP_OK ? CLI_OK : cli_fail("bls aggregate", &err);
}
static const cli_spec cmd_aggregate_spec = {
    .name = "bls aggregate",
    .usage = "mpavs bls aggregate SIG... | mpavs bls aggregate G2PUB...",
    .help = "Prints the sum of G1 signatures (64-byte values) or of G2 public keys (128-byte\n"
            "values).\n",
    .min_args = 1,
    .max_args = -1,
    .run = cmd_aggregate_run,
};

/* ---- key files (EigenLayer BLS keystore) ---------------------------------- */

static int keygen_write(const cli_key_args *a, mp_bls_pubkey *pk, mp_err *err)
{
    mp_bls_secret sk;
    MP_TRY(mp_bls_secret_generate(&sk, err));
    mp_bls_pubkey_from_secret(pk, &sk);
    char gnark[MP_BLS_GNARK_MAX];
    mp_bls_g1_to_gnark(gnark, &pk->g1);
    uint8_t skb[32];
    mp_bls_secret_to_bytes(skb, &sk);
    mp_bls_secret_clear(&sk);
    char *pw = NULL;
    mp_keystore_params params = a->light ? MP_KEYSTORE_LIGHT : MP_KEYSTORE_STANDARD;
    int rc = cli_read_password(a->password_file, true, &pw, err);
    if (rc == MP_OK)
        rc = mp_keystore_bls_write(a->out, skb, gnark, pw, &params, err);
    cli_free_password(pw);
    mp_memzero(skb, sizeof skb);
    return rc;
}

static int cmd_keygen_run(void *args, int npos, char **pos)
{
    (void)npos, (void)pos;
    const cli_key_args *a = args;
    if (access(a->out, F_OK) == 0) {
        fprintf(stderr, "mpavs: bls keygen: %s already exists; not overwriting a key\n", a->out);
        return CLI_USAGE;
    }
    mp_bls_pubkey pk;
    mp_err err;
    if (keygen_write(a, &pk, &err) != MP_OK)
        return cli_fail("bls keygen", &err);
    print_pubkey_json(&pk);
    return CLI_OK;
}

static const cli_spec keygen_spec = {
    .name = "bls keygen",
    .usage = "mpavs bls keygen --out FILE [--password-file F] [--light]",
    .help = "Creates a BLS key from the OS random generator and writes it as an EigenLayer\n"
            "BLS keystore (mode 0600); prints {\"g1\", \"g2\", \"operatorId\"}. The password\n"
            "is read from F (first line) or asked twice.\n",
    .opts = cli_key_new_opts,
    .nopts = 3,
    .args_size = sizeof(cli_key_args),
    .run = cmd_keygen_run,
};

/* Decrypts the file, derives the key and checks it against the pubKey field. */
static int show_unlocked(const char *file, const cli_key_args *a, mp_bls_pubkey *pk, mp_err *err)
{
    char *pw = NULL, *field = NULL;
    uint8_t skb[32];
    MP_TRY(cli_read_password(a->password_file, false, &pw, err));
    int rc = mp_keystore_bls_read(skb, &field, file, pw, err);
    cli_free_password(pw);
    mp_bls_secret sk;
    if (rc == MP_OK)
        rc = mp_bls_secret_from_bytes(&sk, skb, err);
    mp_memzero(skb, sizeof skb);
    if (rc == MP_OK) {
        rc = mp_bls_check_gnark_pubkey(field, &sk, err);
        mp_bls_pubkey_from_secret(pk, &sk);
        mp_bls_secret_clear(&sk);
    }
    free(field);
    return rc;
}

/* Without a password: the pubKey field's G1 point and operatorId. */
static int show_locked(const char *file)
{
    char *field = NULL;
    mp_bn254_g1 g1;
    mp_err err;
    int rc = mp_keystore_bls_pubkey(&field, file, &err);
    if (rc == MP_OK)
        rc = mp_bls_g1_from_gnark(&g1, field, &err);
    free(field);
    if (rc != MP_OK)
        return cli_fail("bls show", &err);
    uint8_t enc[64], id[32];
    char g1h[131], idh[67];
    mp_bn254_g1_encode(enc, &g1);
    mp_bls_operator_id(id, &g1);
    mp_hex_encode0x(g1h, enc, 64);
    mp_hex_encode0x(idh, id, 32);
    printf("{\"g1\": \"%s\", \"operatorId\": \"%s\"}\n", g1h, idh);
    return CLI_OK;
}

static int cmd_show_run(void *args, int npos, char **pos)
{
    (void)npos;
    const cli_key_args *a = args;
    if (a->password_file == NULL)
        return show_locked(pos[0]);
    mp_bls_pubkey pk;
    mp_err err;
    int rc = show_unlocked(pos[0], a, &pk, &err);
    if (mp_rc_class(rc) == MP_ERR_VERIFY)
        return cli_no("bls show", &err);
    if (rc != MP_OK)
        return cli_fail("bls show", &err);
    print_pubkey_json(&pk);
    return CLI_OK;
}

static const cli_spec show_spec = {
    .name = "bls show",
    .usage = "mpavs bls show FILE [--password-file F]",
    .help = "Without a password: prints {\"g1\", \"operatorId\"} from the file's pubKey field.\n"
            "With --password-file: decrypts the key, checks that it matches pubKey (exit 1\n"
            "if not) and prints {\"g1\", \"g2\", \"operatorId\"}.\n",
    .opts = cli_key_show_opts,
    .nopts = 1,
    .args_size = sizeof(cli_key_args),
    .min_args = 1,
    .max_args = 1,
    .run = cmd_show_run,
};

int cli_bls(int argc, char **argv)
{
    static const cli_command cmds[] = {
        {"hash-to-g1", NULL, "BN254.hashToG1 of a 32-byte digest", &cmd_hash_spec},
        {"pubkey", NULL, "G1/G2 public keys and operatorId of a secret", &cmd_pubkey_spec},
        {"sign", NULL, "sign a 32-byte digest", &cmd_sign_spec},
        {"verify", NULL, "verify a signature (exit 0 valid, 1 invalid)", &cmd_verify_spec},
        {"aggregate", NULL, "sum signatures or G2 public keys", &cmd_aggregate_spec},
        {"keygen", NULL, "new BLS key in an EigenLayer BLS keystore", &keygen_spec},
        {"show", NULL, "public keys and operatorId of a BLS keystore", &show_spec},
    };
    return cli_dispatch("mpavs bls", cmds, (int)(sizeof cmds / sizeof cmds[0]), argc, argv);
}
