/*
** dcap.h: full verification of Intel SGX DCAP ECDSA quotes (version 3) against
** collateral, in Intel's order, followed by a relying-party policy.
**
** Every failure is one numbered check (enum mp_dcap_check). The number and the
** name of each check are stable: the on-chain verifier (contracts/) performs the
** same checks in the same order and names its failures the same way, and
** docs/dcap.md lists them. A failed check returns MP_RC(MP_ERR_QUOTE, check).
**
** Time is always injected ("at", Unix seconds): collateral is valid only for
** about 30 days, so tests and replays pin it.
*/
#ifndef MPAVS_DCAP_H
#define MPAVS_DCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/collateral.h"
#include "mpavs/err.h"
#include "mpavs/quote.h"

/* beginning-of-dcap-checks (numbers are stable; order of execution = numeric order) */
enum mp_dcap_check {
    MP_DCAP_OK = 0,
    /* quote format */
    MP_DCAP_QUOTE_SIZE = 10,       /* "quote.size" */
    MP_DCAP_HEADER_VERSION = 11,   /* "header.version" */
    MP_DCAP_HEADER_KEY_TYPE = 12,  /* "header.att_key_type" */
    MP_DCAP_HEADER_TEE_TYPE = 13,  /* "header.tee_type" */
    MP_DCAP_HEADER_QE_VENDOR = 14, /* "header.qe_vendor_id" */
    MP_DCAP_SIG_DATA_LEN = 15,     /* "quote.sig_data_len" */
    MP_DCAP_QE_AUTH_DATA = 16,     /* "quote.qe_auth_data" */
    MP_DCAP_CERT_TYPE = 17,        /* "quote.cert_type" */
    MP_DCAP_CERT_DATA_SIZE = 18,   /* "quote.cert_data_size" */
    /* PCK certificate chain from the quote */
    MP_DCAP_PCK_CHAIN = 20,            /* "pck.chain" */
    MP_DCAP_PCK_ROOT_KEY = 21,         /* "pck.root_key" */
    MP_DCAP_PCK_ROOT_SIG = 22,         /* "pck.root_signature" */
    MP_DCAP_PCK_INTERMEDIATE_SIG = 23, /* "pck.intermediate_signature" */
    MP_DCAP_PCK_LEAF_SIG = 24,         /* "pck.leaf_signature" */
    MP_DCAP_PCK_VALIDITY = 25,         /* "pck.validity" */
    /* root CA collateral, CRLs and revocation */
    MP_DCAP_ROOT_CA = 30,              /* "root_ca.key" */
    MP_DCAP_ROOT_CRL_SIG = 31,         /* "root_crl.signature" */
    MP_DCAP_ROOT_CRL_VALIDITY = 32,    /* "root_crl.validity" */
    MP_DCAP_PCK_CRL_ISSUER = 33,       /* "pck_crl.issuer" */
    MP_DCAP_PCK_CRL_SIG = 34,          /* "pck_crl.signature" */
    MP_DCAP_PCK_CRL_VALIDITY = 35,     /* "pck_crl.validity" */
    MP_DCAP_INTERMEDIATE_REVOKED = 36, /* "pck.intermediate_revoked" */
    MP_DCAP_PCK_REVOKED = 37,          /* "pck.revoked" */
    /* TCB info and QE identity collateral */
    MP_DCAP_TCB_SIGNING_CHAIN = 40,    /* "tcb_signing.chain" */
    MP_DCAP_TCB_SIGNING_REVOKED = 41,  /* "tcb_signing.revoked" */
    MP_DCAP_TCB_INFO_SIG = 42,         /* "tcb_info.signature" */
    MP_DCAP_TCB_INFO_VALIDITY = 43,    /* "tcb_info.validity" */
    MP_DCAP_QE_IDENTITY_SIG = 44,      /* "qe_identity.signature" */
    MP_DCAP_QE_IDENTITY_VALIDITY = 45, /* "qe_identity.validity" */
    /* PCK certificate content and the QE */
    MP_DCAP_PCK_EXTENSION = 50,  /* "pck.extension" */
    MP_DCAP_TCB_INFO_FMSPC = 51, /* "tcb_info.fmspc" */
    MP_DCAP_TCB_INFO_PCEID = 52, /* "tcb_info.pceid" */
    MP_DCAP_QE_REPORT_SIG = 53,  /* "qe.report_signature" */
    MP_DCAP_QE_REPORT_DATA = 54, /* "qe.report_data" */
    MP_DCAP_QE_MISCSELECT = 55,  /* "qe.miscselect" */
    MP_DCAP_QE_ATTRIBUTES = 56,  /* "qe.attributes" */
    MP_DCAP_QE_MRSIGNER = 57,    /* "qe.mrsigner" */
    MP_DCAP_QE_ISVPRODID = 58,   /* "qe.isvprodid" */
    /* the enclave's report and the TCB status */
    MP_DCAP_ATT_KEY = 60,        /* "quote.att_key" */
    MP_DCAP_ISV_REPORT_SIG = 61, /* "isv.report_signature" */
    MP_DCAP_QE_TCB = 62,         /* "qe.tcb" */
    MP_DCAP_TCB_LEVEL = 63,      /* "tcb.level" */
    MP_DCAP_TCB_REVOKED = 64,    /* "tcb.revoked" */
    /* relying-party policy */
    MP_DCAP_POLICY_STATUS = 70,    /* "policy.status" */
    MP_DCAP_POLICY_DEBUG = 71,     /* "policy.debug" */
    MP_DCAP_POLICY_MRENCLAVE = 72, /* "policy.mrenclave" */
    MP_DCAP_POLICY_MRSIGNER = 73,  /* "policy.mrsigner" */
};
/* end-of-dcap-checks */

/** The stable name of a check ("pck.chain"), "ok" for 0, "unknown" otherwise. */
const char *mp_dcap_check_name(int check);
/** The check number from a return code: its detail if the class is MP_ERR_QUOTE, else 0. */
int mp_dcap_check_of(int rc);

/* TCB statuses, numbered as Automata's TCBStatus enum (the on-chain verifier's too). */
enum mp_tcb_status {
    MP_TCB_UP_TO_DATE = 0,
    MP_TCB_SW_HARDENING_NEEDED = 1,
    MP_TCB_CONFIG_AND_SW_HARDENING_NEEDED = 2,
    MP_TCB_CONFIGURATION_NEEDED = 3,
    MP_TCB_OUT_OF_DATE = 4,
    MP_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED = 5,
    MP_TCB_REVOKED = 6,
    MP_TCB_UNRECOGNIZED = 7, /* no status (yet): verification stopped before it */
};
#define MP_TCB_STATUS_COUNT 7

/** Intel's spelling ("SWHardeningNeeded"), "Unrecognized" for MP_TCB_UNRECOGNIZED. */
const char *mp_tcb_status_name(int status);
/** Parses Intel's spelling; returns the status or -1 if unknown. */
int mp_tcb_status_parse(const char *name);
/** Intel's convergence of the platform status with the QE identity status. */
int mp_tcb_status_converge(int platform_status, int qe_status);

/* Intel SGX Root CA public key x||y (production), the default pin. */
extern const uint8_t MP_DCAP_INTEL_ROOT_PUBKEY[64];

/** The relying party's policy and trust anchor. */
typedef struct mp_dcap_policy {
    uint8_t root_pubkey[64];         /* pinned root public key x||y */
    unsigned accepted_statuses;      /* bit (1u << status) per accepted mp_tcb_status */
    bool allow_debug;                /* accept enclaves with ATTRIBUTES.DEBUG set */
    const uint8_t (*mrenclaves)[32]; /* allow-list; NULL/0 entries = not checked */
    size_t n_mrenclaves;
    const uint8_t (*mrsigners)[32]; /* allow-list; NULL/0 entries = not checked */
    size_t n_mrsigners;
    /* With both lists empty the policy fails closed (check 72, as on chain) unless
     * any_enclave says every enclave is acceptable (tests, diagnostics). */
    bool any_enclave;
    /* Skip checks 31-37 and 41 (the CRLs): for a caller without CRLs that knows
     * it; res->revocation_checked then says revocation was not checked. */
    bool skip_revocation;
} mp_dcap_policy;

/** The default accepted statuses: UpToDate, SWHardeningNeeded, ConfigurationNeeded,
 ** ConfigurationAndSWHardeningNeeded. */
#define MP_DCAP_DEFAULT_STATUSES                                                                   \
    ((1u << MP_TCB_UP_TO_DATE) | (1u << MP_TCB_SW_HARDENING_NEEDED) |                              \
     (1u << MP_TCB_CONFIGURATION_NEEDED) | (1u << MP_TCB_CONFIG_AND_SW_HARDENING_NEEDED))

/** Intel's root pinned, default statuses, debug rejected, no allow-lists (so
 ** every enclave is refused until a list is set or any_enclave), revocation checked. */
void mp_dcap_policy_init(mp_dcap_policy *pol);
/** Parses "UpToDate,SWHardeningNeeded,..." into a status bit set. */
MP_WUR int mp_dcap_parse_statuses(unsigned *out, const char *list, mp_err *err);

#define MP_DCAP_MAX_ADVISORIES 64
#define MP_DCAP_ADVISORY_LEN   64 /* bytes per ID, NUL included */

/** What verification found, filled as far as it got (fields of a step not
 ** reached are zero; statuses are MP_TCB_UNRECOGNIZED until known). */
typedef struct mp_dcap_result {
    int check;           /* 0 when verified, else the first failed check */
    bool verified;       /* all checks passed (and the policy, if one was applied) */
    bool parsed;         /* the quote parsed: report fields below are set */
    int status;          /* converged TCB status */
    int platform_status; /* status of the matched TCB info level */
    int qe_status;       /* status of the matched QE identity level */
    size_t n_advisory_ids;
    char advisory_ids[MP_DCAP_MAX_ADVISORIES][MP_DCAP_ADVISORY_LEN];
    bool have_pck; /* fmspc/pceid/tcb below are set */
    uint8_t fmspc[6];
    uint8_t pceid[2];
    uint8_t pck_cpusvn[16]; /* the PCK certificate's 16 SGX TCB component SVNs */
    uint16_t pck_pcesvn;
    uint8_t mrenclave[32];
    uint8_t mrsigner[32];
    uint8_t report_data[64];
    uint16_t isvprodid;
    uint16_t isvsvn;
    bool debug;
    bool revocation_checked; /* the CRL checks ran (false under skip_revocation) */
} mp_dcap_result;

/**
 * Verifies a quote against collateral at time "at": checks 10..64 in order,
 * stopping at the first that fails. Returns MP_OK when every check passes
 * (res->verified), else MP_RC(MP_ERR_QUOTE, check) with err naming it.
 * pol supplies the pinned root key and skip_revocation; its other fields are
 * not used here.
 * Out-of-date statuses are not failures here; Revoked is (check 64).
 */
MP_WUR int mp_dcap_verify_quote(mp_dcap_result *res, const uint8_t *quote, size_t len,
                                const mp_dcap_collateral *col, const mp_dcap_policy *pol,
                                int64_t at, mp_err *err);

/** Applies checks 70..73 to a verified result. Returns MP_OK or MP_RC(MP_ERR_QUOTE, check). */
MP_WUR int mp_dcap_check_policy(mp_dcap_result *res, const mp_dcap_policy *pol, mp_err *err);

/** mp_dcap_verify_quote then mp_dcap_check_policy: the usual entry point. */
MP_WUR int mp_dcap_verify(mp_dcap_result *res, const uint8_t *quote, size_t len,
                          const mp_dcap_collateral *col, const mp_dcap_policy *pol, int64_t at,
                          mp_err *err);

#endif /* MPAVS_DCAP_H */
