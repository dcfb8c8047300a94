/*
** anvil.c: anvil as a child process for integration tests (see anvil.h).
*/
#include "anvil.h"
#include "mpavs/clock.h"
#include "mpavs/ethrpc.h"
#include "mpavs/rpc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ARGS 48

int mp_test_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
        port = ntohs(sa.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static const char *anvil_binary(char *buf, size_t cap)
{
    const char *env = getenv("MPAVS_ANVIL");
    if (env && *env)
        return env;
    const char *root = getenv("MPAVS_ROOT");
    snprintf(buf, cap, "%s/node_modules/.bin/anvil", root ? root : ".");
    return access(buf, X_OK) == 0 ? buf : "anvil";
}

/* In the child: output to the log, die with the parent, exec anvil. */
static void exec_child(const char *bin, char **argv, const char *log_path)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
    }
    execvp(bin, argv);
    fprintf(stderr, "cannot run %s: %s\n", bin, strerror(errno));
    _exit(127);
}

static int build_args(char **argv, char bufs[][32], const char *bin, int port,
                      const mp_anvil_opts *o)
{
    int n = 0;
    argv[n++] = (char *)bin;
    argv[n++] = "--hardfork";
    argv[n++] = o && o->hardfork ? (char *)o->hardfork : "osaka";
    argv[n++] = "--silent";
    argv[n++] = "--host";
    argv[n++] = "127.0.0.1";
    argv[n++] = "--port";
    snprintf(bufs[0], 32, "%d", port);
    argv[n++] = bufs[0];
    if (o && o->chain_id) {
        argv[n++] = "--chain-id";
        snprintf(bufs[1], 32, "%llu", (unsigned long long)o->chain_id);
        argv[n++] = bufs[1];
    }
    if (o && o->block_time) {
        argv[n++] = "--block-time";
        snprintf(bufs[2], 32, "%u", o->block_time);
        argv[n++] = bufs[2];
    }
    for (int i = 0; o && o->extra_args && o->extra_args[i] && n < MAX_ARGS - 1; i++)
        argv[n++] = (char *)o->extra_args[i];
    argv[n] = NULL;
    return n;
}

/* Appends the end of anvil's log to err, so a failed start says why. */
static void add_log_tail(const mp_anvil *a, mp_err *err)
{
    char tail[160] = "";
    FILE *f = fopen(a->log_path, "r");
    if (f == NULL || err == NULL) {
        if (f)
            fclose(f);
        return;
    }
    if (fseek(f, -(long)(sizeof tail - 1), SEEK_END) != 0)
        rewind(f);
    size_t n = fread(tail, 1, sizeof tail - 1, f);
    fclose(f);
    tail[n] = 0;
    for (char *p = tail; *p; p++)
        if (*p == '\n')
            *p = ' ';
    mp_err_wrap(err, "anvil said \"%s\"", tail);
}

/* Polls eth_chainId until it answers, the child exits, or time runs out. */
static int wait_ready(mp_anvil *a, long timeout_ms, mp_err *err)
{
    mp_rpc_opts ro = MP_RPC_OPTS_DEFAULT;
    ro.timeout_ms = 1000;
    ro.connect_timeout_ms = 500;
    ro.retries = 0;
    mp_rpc c;
    MP_TRY(mp_rpc_init(&c, a->url, &ro, NULL, err));
    int rc = MP_FAIL(err, MP_ERR_TIMEOUT, "anvil did not answer within %ld ms (log: %s)",
                     timeout_ms, a->log_path);
    for (long waited = 0; waited < timeout_ms; waited += 100) {
        uint64_t id;
        int status;
        if (mp_eth_chain_id(&c, &id, NULL) == MP_OK) {
            rc = MP_OK;
            break;
        }
        if (waitpid(a->pid, &status, WNOHANG) == a->pid) {
            a->pid = 0;
            rc = MP_FAIL(err, MP_ERR_IO, "anvil exited during startup (status %d, log: %s)", status,
                         a->log_path);
            break;
        }
        mp_clock_sleep_ms(100);
    }
    mp_rpc_close(&c);
    return rc;
}

static int start_once(mp_anvil *a, const mp_anvil_opts *o, mp_err *err)
{
    char binbuf[512], bufs[3][32];
    char *argv[MAX_ARGS];
    const char *bin = anvil_binary(binbuf, sizeof binbuf);
    a->port = mp_test_free_port();
    if (a->port < 0)
        return MP_FAIL(err, MP_ERR_IO, "no free loopback port");
    snprintf(a->url, sizeof a->url, "http://127.0.0.1:%d", a->port);
    const char *tmp = getenv("TMPDIR");
    snprintf(a->log_path, sizeof a->log_path, "%s/mpavs-anvil-%d-%d.log", tmp ? tmp : "/tmp",
             (int)getpid(), a->port);
    build_args(argv, bufs, bin, a->port, o);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return MP_FAIL(err, MP_ERR_IO, "fork failed: %s", strerror(errno));
    if (pid == 0)
        exec_child(bin, argv, a->log_path);
    a->pid = pid;
    int rc = wait_ready(a, o && o->ready_timeout_ms ? o->ready_timeout_ms : 30000, err);
    if (rc != MP_OK) {
        add_log_tail(a, err);
        mp_anvil_stop(a);
    }
    return rc;
}

int mp_anvil_start(mp_anvil *a, const mp_anvil_opts *opts, mp_err *err)
{
    memset(a, 0, sizeof *a);
    int rc = MP_OK;
    /* Another process may take the port between our probe and anvil's bind. */
    for (int attempt = 0; attempt < 3; attempt++) {
        rc = start_once(a, opts, err);
        if (rc == MP_OK || mp_rc_class(rc) != MP_ERR_IO)
            break;
    }
    return rc;
}

void mp_anvil_stop(mp_anvil *a)
{
    if (a->log_path[0] && !getenv("MPAVS_KEEP_LOGS"))
        unlink(a->log_path);
    if (a->pid <= 0)
        return;
    int status;
    kill(a->pid, SIGTERM);
    for (int i = 0; i < 50; i++) {
        if (waitpid(a->pid, &status, WNOHANG) == a->pid) {
            a->pid = 0;
            return;
        }
        mp_clock_sleep_ms(100);
    }
    kill(a->pid, SIGKILL);
    waitpid(a->pid, &status, 0);
    a->pid = 0;
}
