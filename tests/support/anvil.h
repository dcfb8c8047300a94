/*
** anvil.h: a real anvil (Foundry's local Ethereum node) for integration
** tests: started as a child process on a free loopback port, ready when it
** answers eth_chainId, stopped with SIGTERM then SIGKILL.
**
**   mp_anvil a;
**   if (mp_anvil_start(&a, NULL, &err) != MP_OK) ...   // a.url is "http://127.0.0.1:PORT"
**   ...
**   mp_anvil_stop(&a);                                 // safe on every path, twice too
**
** The child gets PR_SET_PDEATHSIG, so it dies with the test even if the test
** crashes before calling mp_anvil_stop. The binary is $MPAVS_ANVIL, else
** $MPAVS_ROOT/node_modules/.bin/anvil, else "anvil" on PATH. anvil's output
** goes to a.log_path; a failed start quotes its end in the error, and
** mp_anvil_stop removes it unless MPAVS_KEEP_LOGS is set.
** The caller must have called curl_global_init (readiness is checked with
** mp_rpc).
*/
#ifndef MPAVS_TEST_ANVIL_H
#define MPAVS_TEST_ANVIL_H

#include <stdint.h>
#include <sys/types.h>

#include "mpavs/err.h"

typedef struct mp_anvil_opts {
    uint64_t chain_id;             /* 0: anvil's default 31337 */
    unsigned block_time;           /* seconds between blocks; 0: mine on every transaction */
    const char *const *extra_args; /* more anvil arguments, NULL-terminated; NULL for none */
    long ready_timeout_ms;         /* 0: 30000 */
    const char *hardfork;          /* NULL: osaka */
} mp_anvil_opts;

typedef struct mp_anvil {
    pid_t pid; /* 0 when not running */
    int port;
    char url[64];
    char log_path[256];
} mp_anvil;

/** Starts anvil (--hardfork osaka or opts->hardfork, --silent on a free 127.0.0.1 port) and waits
 ** until it answers. On failure nothing is left running. opts may be NULL. */
MP_WUR int mp_anvil_start(mp_anvil *a, const mp_anvil_opts *opts, mp_err *err);
/** Stops anvil if it runs: SIGTERM, up to 5 s, then SIGKILL; reaps it. */
void mp_anvil_stop(mp_anvil *a);

/** A loopback TCP port the kernel just considered free (bound to port 0, read
 ** back, closed); -1 on failure. Another process may still take it first. */
int mp_test_free_port(void);

#endif /* MPAVS_TEST_ANVIL_H */
