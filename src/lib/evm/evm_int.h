/*
** evm_int.h: what the EVM's files share: the world state's layout, its
** journal, the message/frame types of the interpreter and the precompiles.
*/
#ifndef MPAVS_EVM_INT_H
#define MPAVS_EVM_INT_H

#include "mpavs/evm.h"
#include "mpavs/w256.h"

#define EVM_MAX_DEPTH    1024
#define EVM_STACK_LIMIT  1024
#define EVM_MAX_CODE     24576
#define EVM_MAX_INITCODE 49152
#define EVM_MAX_MEMORY   ((uint64_t)1 << 32) /* far beyond any gas limit's reach */

typedef struct evm_slot {
    mp_w256 key, cur, orig; /* orig: value at the start of the transaction */
    bool used, warm;
} evm_slot;

typedef struct evm_acct {
    uint8_t addr[20];
    bool exists;
    bool warm;
    bool created; /* created in this transaction (EIP-6780) */
    uint64_t nonce;
    mp_w256 balance;
    uint8_t *code;
    size_t code_len;
    uint8_t code_hash[32];
    uint8_t *jumpdests; /* bitmap of valid JUMPDESTs, built on first use */
    evm_slot *slots;
    size_t slot_cap, slot_n;
} evm_acct;

enum evm_jkind {
    J_BALANCE,
    J_NONCE,
    J_EXISTS,
    J_CODE,
    J_STORAGE,
    J_WARM_ACCT,
    J_WARM_SLOT,
    J_TSTORE,
    J_TOUCH,
    J_CREATED,
    J_DESTRUCT,
};

typedef struct evm_jentry {
    uint8_t kind;
    evm_acct *acct;
    mp_w256 key, old;
    uint64_t old_u64;
} evm_jentry;

typedef struct evm_tslot {
    evm_acct *acct;
    mp_w256 key, val;
    bool used;
} evm_tslot;

struct mp_evm_state {
    evm_acct **accts; /* open addressing by address; NULL = free */
    size_t cap, n;
    evm_jentry *j;
    size_t jn, jcap;
    evm_tslot *ts; /* transient storage of the running transaction */
    size_t ts_cap, ts_n;
    mp_evm_log *logs;
    size_t n_logs, logs_cap;
    bool oom;              /* an allocation failed: the transaction cannot be trusted */
    bool unsupported;      /* the KZG precompile was reached */
    evm_acct scratch_acct; /* handed out after an allocation failure */
    evm_slot scratch_slot;
};

/* ---- state (state.c) ---- */
evm_acct *evm_acct_get(mp_evm_state *st, const uint8_t addr[20]);
bool evm_acct_empty(const evm_acct *a);
bool evm_acct_dead(const evm_acct *a);
evm_slot *evm_slot_get(mp_evm_state *st, evm_acct *a, const mp_w256 *key);
void evm_set_balance(mp_evm_state *st, evm_acct *a, const mp_w256 *v);
void evm_add_balance(mp_evm_state *st, evm_acct *a, const mp_w256 *v);
void evm_sub_balance(mp_evm_state *st, evm_acct *a, const mp_w256 *v);
void evm_set_nonce(mp_evm_state *st, evm_acct *a, uint64_t nonce);
void evm_set_exists(mp_evm_state *st, evm_acct *a);
void evm_set_code(mp_evm_state *st, evm_acct *a, const uint8_t *code, size_t len);
void evm_set_storage(mp_evm_state *st, evm_acct *a, evm_slot *s, const mp_w256 *v);
bool evm_warm_acct(mp_evm_state *st, evm_acct *a); /* returns whether it was warm */
bool evm_warm_slot(mp_evm_state *st, evm_acct *a, evm_slot *s);
void evm_touch(mp_evm_state *st, evm_acct *a);
void evm_mark_created(mp_evm_state *st, evm_acct *a);
void evm_mark_destructed(mp_evm_state *st, evm_acct *a);
void evm_tload(mp_evm_state *st, evm_acct *a, const mp_w256 *key, mp_w256 *out);
void evm_tstore(mp_evm_state *st, evm_acct *a, const mp_w256 *key, const mp_w256 *v);
void evm_add_log(mp_evm_state *st, const uint8_t addr[20], const mp_w256 *topics, unsigned n,
                 const uint8_t *data, size_t len);
typedef struct evm_snap {
    size_t jn, n_logs;
} evm_snap;
evm_snap evm_snapshot(const mp_evm_state *st);
void evm_revert(mp_evm_state *st, evm_snap s);
/* Ends a transaction: deletes self-destructed and touched empty accounts,
 * makes current storage the original, clears warm sets and transient storage. */
void evm_commit_tx(mp_evm_state *st);
const uint8_t *evm_jumpdests(evm_acct *a);
void evm_free_logs(mp_evm_log *logs, size_t n);

/* ---- interpreter (interp.c) ---- */
enum evm_kind { K_CALL, K_CALLCODE, K_DELEGATECALL, K_STATICCALL, K_CREATE, K_CREATE2 };

typedef struct evm_msg {
    enum evm_kind kind;
    int depth;
    bool is_static;
    int64_t gas;
    uint8_t caller[20];
    uint8_t recipient[20]; /* storage context (and the new address for creates) */
    uint8_t code_addr[20];
    mp_w256 value;
    const uint8_t *input;
    size_t input_len;
    mp_w256 salt;
} evm_msg;

typedef struct evm_out {
    enum mp_evm_status status;
    int64_t gas_left;
    int64_t refund;
    uint8_t *data; /* malloc'd output (return or revert data) */
    size_t len;
    uint8_t created[20];
} evm_out;

typedef struct evm_tx_ctx {
    mp_evm_state *st;
    const mp_evm_block *env;
    uint8_t origin[20];
    mp_w256 gas_price;
    mp_w256 blob_base_fee;
    const uint8_t (*blob_hashes)[32];
    size_t n_blobs;
} evm_tx_ctx;

/* Runs a message (call or create) including value transfer and snapshots. */
void evm_execute(evm_tx_ctx *tx, const evm_msg *m, evm_out *out);
/* Address of a CREATE (sender, nonce) or CREATE2 (sender, salt, initcode hash). */
void evm_create_addr(uint8_t out[20], const uint8_t sender[20], uint64_t nonce);
void evm_create2_addr(uint8_t out[20], const uint8_t sender[20], const mp_w256 *salt,
                      const uint8_t *code, size_t len);

/* ---- precompiles (precompile.c) ---- */
bool evm_is_precompile(const uint8_t addr[20]);
/* Runs precompile addr: sets out->status, gas_left and data. */
void evm_precompile(evm_tx_ctx *tx, const uint8_t addr[20], const uint8_t *in, size_t len,
                    int64_t gas, evm_out *out);

#endif /* MPAVS_EVM_INT_H */
