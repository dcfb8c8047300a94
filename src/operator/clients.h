/*
** clients.h: the operator's side of the off-chain wire protocol
** (docs/protocol.md section 8): prover_metadata, generateAttestationReport and
** prover_proveTask on the prover; aggregator_fetchTask and
** aggregator_submitTask on the aggregator. Every answer is parsed strictly;
** garbage is MP_ERR_PARSE naming the method and the field.
*/
#ifndef MPAVS_OP_CLIENTS_H
#define MPAVS_OP_CLIENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "mpavs/buf.h"
#include "mpavs/err.h"
#include "mpavs/opstore.h"
#include "mpavs/rpc.h"
#include "mpavs/wire.h"

/** The prover's current enclave address (prover_metadata.enclaveAddress). */
MP_WUR int op_prover_enclave(mp_rpc *prover, uint8_t enclave[20], mp_err *err);

/** generateAttestationReport(data): appends the quote to quote. */
MP_WUR int op_prover_quote(mp_rpc *prover, const uint8_t data[32], mp_buf *quote, mp_err *err);

/** What prover_proveTask answered for a task. */
typedef struct op_proof {
    bool not_ready;
    mp_buf state;
    uint8_t prover_signature[65];
    uint8_t enclave[20];
} op_proof;

/** prover_proveTask for (identifier, metadata). Checks that the answer echoes
 ** the task and that proverSignature recovers to enclaveAddress over the
 ** state (MP_ERR_VERIFY otherwise). Free p->state. */
MP_WUR int op_prover_prove(mp_rpc *prover, uint64_t identifier, const mp_buf *metadata, op_proof *p,
                           mp_err *err);

/** aggregator_fetchTask: up to cap tasks (identifier in ids, taskId >
 ** after) into tasks[0..*n) (free each with mp_opstore_task_free). */
MP_WUR int op_agg_fetch(mp_rpc *agg, const uint64_t *ids, size_t n_ids, uint64_t after,
                        unsigned wait_s, mp_opstore_task *tasks, size_t cap, size_t *n,
                        mp_err *err);

/** aggregator_submitTask for a signed task; *duplicate from the answer.
 ** An error object leaves its code in agg->last_error.code. */
MP_WUR int op_agg_submit(mp_rpc *agg, const mp_opstore_task *t, const uint8_t operator_addr[20],
                         const uint8_t operator_id[32], bool *duplicate, mp_err *err);

#endif /* MPAVS_OP_CLIENTS_H */
