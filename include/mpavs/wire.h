/*
** wire.h: the application error codes of the off-chain JSON-RPC protocol
** (docs/protocol.md section 8), in one place for the daemons that answer with
** them and the daemons that act on them. JSON-RPC's own codes (-32700 parse
** error, -32600 invalid request, -32601 unknown method, -32602 invalid params,
** -32603 internal error) are in rpcserver.h.
*/
#ifndef MPAVS_WIRE_H
#define MPAVS_WIRE_H

/** Aggregator (section 8.2): why a task or submission was refused. */
enum mp_wire_aggregator_code {
    MP_WIRE_UNKNOWN_TASK = -32001,    /* no such task at this aggregator */
    MP_WIRE_HEADER_MISMATCH = -32002, /* the header's fields differ from the task's */
    MP_WIRE_NOT_REGISTERED = -32003,  /* not in the committee's quorums at the reference block */
    MP_WIRE_BAD_BLS = -32004,         /* BLS signature invalid */
    MP_WIRE_BAD_PROVER_SIG = -32005,  /* prover signature does not recover to the enclave */
    MP_WIRE_NOT_LIVE = -32006,        /* operator not live with that enclave */
    MP_WIRE_EQUIVOCATION = -32007,    /* a different state from the same operator */
    MP_WIRE_TASK_CLOSED = -32008,     /* task expired or already confirmed */
    MP_WIRE_RATE_LIMITED = -32009,
};

/** Prover (section 8.1): why a proof or quote was refused. */
enum mp_wire_prover_code {
    MP_WIRE_UNKNOWN_IDENTIFIER = -32010,
    MP_WIRE_WRONG_CHAIN = -32011,     /* metadata names another L2 chain */
    MP_WIRE_L2_UNAVAILABLE = -32012,  /* L2 node unreachable or answered garbage */
    MP_WIRE_L2_INCONSISTENT = -32013, /* a header or parent link that does not check out */
    MP_WIRE_ATTESTATION = -32014,     /* attestation failed */
};

#endif /* MPAVS_WIRE_H */
