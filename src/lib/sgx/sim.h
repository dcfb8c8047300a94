/*
** sim.h: internals shared by the simulated CA (sim_ca.c) and the simulated
** QE (sim_quote.c): file names of the directory layout and the parameters
** of the simulated platform.
*/
#ifndef MPAVS_SGX_SIM_H
#define MPAVS_SGX_SIM_H

#include <openssl/evp.h>

#include "mpavs/err.h"

#define SIM_META        "sim.json"
#define SIM_ROOT_DER    "root_ca.der"
#define SIM_ROOT_PEM    "root_ca.pem"
#define SIM_PCK_CA_DER  "pck_platform_ca.der"
#define SIM_PCK_DER     "pck.der"
#define SIM_PCK_CHAIN   "pck_chain.pem"
#define SIM_TCB_DER     "tcb_signing.der"
#define SIM_TCB_CHAIN   "tcb_signing_chain.pem"
#define SIM_ROOT_CRL    "root_ca_crl.der"
#define SIM_PCK_CRL     "pck_crl.der"
#define SIM_TCB_INFO    "tcbinfo.json"
#define SIM_QE_IDENTITY "qe_identity.json"
#define SIM_ROOT_KEY    "root_ca.key"
#define SIM_PCK_CA_KEY  "pck_platform_ca.key"
#define SIM_PCK_KEY     "pck.key"
#define SIM_TCB_KEY     "tcb_signing.key"
#define SIM_ATT_KEY     "attestation.key"

/* The simulated platform (also written to sim.json, which sim_quote.c reads). */
#define SIM_FMSPC     "00ffee000001"
#define SIM_PCEID     "0000"
#define SIM_PCESVN    14
#define SIM_QE_ISVSVN 8
#define SIM_QE_PRODID 1
#define SIM_QE_ATTR   "11000000000000000000000000000000"
#define SIM_QE_MASK   "FBFFFFFFFFFFFFFF0000000000000000"
#define SIM_MAX_PATH  4096

/** dir + "/" + name into out (SIM_MAX_PATH bytes); MP_ERR_INVALID if too long. */
MP_WUR int mp_sim_path(char *out, const char *dir, const char *name, mp_err *err);
/** Reads a PEM private key file. */
MP_WUR int mp_sim_read_key(EVP_PKEY **out, const char *dir, const char *name, mp_err *err);

#endif /* MPAVS_SGX_SIM_H */
