/*
** watcher.h: follows a chain by polling: new heads, reorgs, and the logs of
** confirmed blocks, each delivered once, with the progress kept in a store.
**
** One poll (mp_watcher_poll) does, in order:
**  1. eth_blockNumber; checks the newest remembered block still has the same
**     hash; if not (or the chain got shorter), walks back over the
**     remembered hashes to the newest block still canonical: the fork point.
**     on_reorg(fork) is called, in a store transaction that also rewinds the
**     log cursor to the fork when it was above it, so the caller can delete
**     what it derived from blocks above the fork in the same transaction;
**  2. fetches the new headers one by one, checking each parent hash against
**     the block before it (a reorg seen mid-walk is handled as in 1), calling
**     on_head for each; it remembers the last `history` hashes (in the store
**     too, so a reorg that happened while the daemon was down is found);
**  3. for confirmed blocks (number <= head - confirmations) above the cursor,
**     eth_getLogs over ranges of at most max_range blocks; for each range,
**     on_logs runs in a store transaction (BEGIN IMMEDIATE) that also
**     advances the cursor: what the caller writes in on_logs and the cursor
**     commit together, so each log is handled once even across crashes.
**     Logs whose block hash differs from the remembered one (a reorg in
**     progress) abort the poll before anything is delivered; the next poll
**     finds the reorg.
**
** A reorg deeper than `confirmations` therefore un-delivers logs: on_reorg's
** fork point is below the cursor, the cursor goes back to it, and the logs of
** the new chain's blocks above it are delivered when they are confirmed.
** A reorg deeper than `history` is an error (MP_ERR_VERIFY): the watcher
** cannot tell where the chains meet.
**
** A node whose head is below the watcher's, with the remembered block at its
** height unchanged, is taken as lagging: the poll does nothing (a shorter
** chain looks the same; it is reported once it differs at a remembered
** height). Point the watcher at one node, not a load balancer over several:
** eth_getLogs answered by a node behind the one that gave the head would
** silently lack logs.
**
** Threads: the watcher, its mp_rpc and its mp_store are used by one thread at
** a time; polling blocks on RPC, so a daemon runs it as a worker job (see
** loop.h). Callbacks run on that thread.
**
** Tables (created if missing): mp_watcher(name PRIMARY KEY, next_block) and
** mp_watcher_block(name, number, hash).
*/
#ifndef MPAVS_WATCHER_H
#define MPAVS_WATCHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpavs/err.h"
#include "mpavs/ethrpc.h"
#include "mpavs/log.h"
#include "mpavs/rpc.h"
#include "mpavs/store.h"

typedef struct mp_watcher_cb {
    /** A new canonical head (not yet confirmed). May be NULL. */
    void (*on_head)(void *arg, const mp_eth_block *head);
    /** Blocks above fork were replaced; fork is the newest block both chains
     ** share. Runs inside a store transaction. May be NULL. */
    int (*on_reorg)(void *arg, mp_store *st, uint64_t fork, mp_err *err);
    /** The matching logs of confirmed blocks from..to, in chain order (n may
     ** be 0). Runs inside a store transaction with the cursor update; a
     ** failure rolls both back and ends the poll (the range is retried next
     ** poll). May be NULL. */
    int (*on_logs)(void *arg, mp_store *st, const mp_eth_log *logs, size_t n, uint64_t from,
                   uint64_t to, mp_err *err);
    void *arg;
} mp_watcher_cb;

typedef struct mp_watcher_opts {
    const char *name;       /* key of this watcher's rows in the store */
    uint64_t start_block;   /* first block whose logs are delivered (no cursor yet) */
    unsigned confirmations; /* logs of block n wait until head >= n + confirmations */
    unsigned max_range;     /* blocks per eth_getLogs batch; 0: 1000 */
    unsigned history;       /* block hashes remembered; 0: 128; must exceed confirmations */
    mp_eth_filter filter;   /* addresses and topics (its block fields are ignored) */
} mp_watcher_opts;

typedef struct mp_watcher mp_watcher;

/** Creates a watcher over rpc and st (both borrowed, both outliving it);
 ** loads its cursor and remembered hashes from st. The filter's arrays are
 ** borrowed too. lg may be NULL. */
MP_WUR int mp_watcher_new(mp_watcher **out, const mp_watcher_opts *opts, const mp_watcher_cb *cb,
                          mp_rpc *rpc, mp_store *st, const mp_log *lg, mp_err *err);
/** Frees the watcher (not the rpc or store). NULL is a no-op. */
void mp_watcher_free(mp_watcher *w);
/** One poll (see above). MP_OK also when there was nothing new. */
MP_WUR int mp_watcher_poll(mp_watcher *w, mp_err *err);
/** The first block whose logs are not delivered yet (the cursor). */
uint64_t mp_watcher_next(const mp_watcher *w);
/** The newest block seen (0 before the first poll). */
uint64_t mp_watcher_head(const mp_watcher *w);

#endif /* MPAVS_WATCHER_H */
