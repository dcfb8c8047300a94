/*
** opstore.h: the operator's durable state, in tables mp_op_* of a daemon
** store (store.h; it must use synchronous=FULL, the default, so a committed
** transaction survives a crash or power loss):
**
**   - the signing-safety record: for each (identifier, keccak256(metadata))
**     the one state hash this operator ever signed, and each signature given
**     (per reference block). mp_opstore_sign commits the record BEFORE it
**     returns the signature, refuses a different state for a signed
**     (identifier, metadata), and returns the stored signature for a repeat;
**   - the tasks fetched from the aggregator with what was submitted for them
**     and whether the aggregator acknowledged it, so a restart resumes every
**     task that is neither acknowledged nor expired.
**
** Each function takes the store (one connection per thread); several
** connections on one file serialise writers with BEGIN IMMEDIATE. Every
** function but mp_opstore_sign is one statement, atomic on its own.
*/
#ifndef MPAVS_OPSTORE_H
#define MPAVS_OPSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/buf.h"
#include "mpavs/err.h"
#include "mpavs/store.h"

/* MP_RC(MP_ERR_INVALID, MP_OPSTORE_EQUIVOCATION): signing would contradict a
 * state signed before for the same (identifier, metadata). */
#define MP_OPSTORE_EQUIVOCATION 1

/** Creates the mp_op_* tables if they do not exist. */
MP_WUR int mp_opstore_init(mp_store *s, mp_err *err);

/* ---- signing safety ---- */

/** What is about to be signed. */
typedef struct mp_opstore_header {
    uint8_t identifier[32]; /* uint256, big-endian */
    uint8_t metadata_hash[32];
    uint8_t state_hash[32];
    uint32_t reference_block;
    uint8_t digest[32]; /* the StateHeader digest of these four on this deployment */
} mp_opstore_header;

/** Produces the signature of digest into sig (64 bytes, G1 X || Y). */
typedef int (*mp_opstore_signer)(void *ctx, const uint8_t digest[32], uint8_t sig[64], mp_err *err);

/** The only way the operator signs a StateHeader. In one write transaction:
 **  - a state hash other than h->state_hash recorded for (identifier,
 **    metadata_hash): MP_RC(MP_ERR_INVALID, MP_OPSTORE_EQUIVOCATION), nothing
 **    signed, *reused untouched;
 **  - a signature recorded for the same state and reference block: it is
 **    copied to sig and *reused = true (the digest must match too, else
 **    MP_ERR_INVALID: a different deployment shares this file);
 **  - otherwise sign() is called, the record and signature are committed
 **    (fsync'd) and only then copied to sig; *reused = false.
 ** now is stored as the time of signing (unix seconds). Not inside an open
 ** transaction (it opens its own). */
MP_WUR int mp_opstore_sign(mp_store *s, const mp_opstore_header *h, mp_opstore_signer sign,
                           void *ctx, uint64_t now, uint8_t sig[64], bool *reused, mp_err *err);

/** The state hash signed for (identifier, metadata_hash): MP_ERR_NOTFOUND if none. */
MP_WUR int mp_opstore_signed_state(mp_store *s, const uint8_t identifier[32],
                                   const uint8_t metadata_hash[32], uint8_t state_hash[32],
                                   mp_err *err);

/* ---- tasks ---- */

enum mp_opstore_task_status {
    MP_TASK_RECEIVED = 0, /* fetched; no signature yet */
    MP_TASK_SIGNED = 1,   /* signature committed; submission not acknowledged yet */
    MP_TASK_ACKED = 2,    /* the aggregator accepted the submission */
    MP_TASK_EXPIRED = 3,  /* expired before it was acknowledged */
    MP_TASK_FAILED = 4,   /* refused for good (reason kept) */
};

/** A task and what the operator did with it. Byte fields are owned buffers. */
typedef struct mp_opstore_task {
    uint64_t task_id;
    uint64_t identifier;
    mp_buf metadata;
    uint32_t reference_block;
    uint64_t expires_at; /* unix seconds */
    int status;          /* enum mp_opstore_task_status */
    mp_buf state;        /* from MP_TASK_SIGNED on */
    uint8_t prover_signature[65];
    uint8_t enclave[20];
    uint8_t bls_signature[64];
    unsigned attempts; /* submissions tried */
    char reason[160];  /* why it failed (MP_TASK_FAILED) or the last error */
    uint64_t updated_at;
} mp_opstore_task;

/** Frees the buffers of a task. */
void mp_opstore_task_free(mp_opstore_task *t);

/** Records a fetched task as MP_TASK_RECEIVED; a task id already stored is
 ** left as it is (*inserted = false), so fetching twice loses nothing. */
MP_WUR int mp_opstore_task_add(mp_store *s, const mp_opstore_task *t, uint64_t now, bool *inserted,
                               mp_err *err);
/** Records the signed submission (state, signatures, enclave) of a task: MP_TASK_SIGNED. */
MP_WUR int mp_opstore_task_signed(mp_store *s, const mp_opstore_task *t, uint64_t now, mp_err *err);
/** Moves a task to status (ACKED, EXPIRED, FAILED, or back to RECEIVED) with a
 ** reason (may be NULL); counts a submission attempt when attempt is true. */
MP_WUR int mp_opstore_task_set(mp_store *s, uint64_t task_id, int status, const char *reason,
                               bool attempt, uint64_t now, mp_err *err);
/** Loads one task: MP_ERR_NOTFOUND if unknown. */
MP_WUR int mp_opstore_task_get(mp_store *s, uint64_t task_id, mp_opstore_task *out, mp_err *err);
/** Marks every RECEIVED or SIGNED task with expires_at <= now EXPIRED;
 ** *n (may be NULL) counts them. */
MP_WUR int mp_opstore_task_expire(mp_store *s, uint64_t now, size_t *n, mp_err *err);
/** The ids of the RECEIVED and SIGNED tasks, ascending (at most max); these
 ** are what a restart resumes. */
MP_WUR int mp_opstore_task_open(mp_store *s, uint64_t *ids, size_t max, size_t *n, mp_err *err);
/** The highest task id stored (0 when none): the afterTaskId to fetch from. */
MP_WUR int mp_opstore_task_last_id(mp_store *s, uint64_t *id, mp_err *err);
/** The most recently acknowledged task: MP_ERR_NOTFOUND when none. */
MP_WUR int mp_opstore_task_last_acked(mp_store *s, mp_opstore_task *out, mp_err *err);

#endif /* MPAVS_OPSTORE_H */
