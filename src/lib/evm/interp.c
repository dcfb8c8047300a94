/*
** interp.c: the EVM interpreter (Cancun): one switch over the opcodes, the
** full gas schedule (EIP-2929 warm/cold, EIP-2200/3529 SSTORE, memory
** expansion, 63/64 rule, EIP-3860 initcode), and message execution for
** calls and creates with a journal snapshot per frame.
**
** Tuned for straight-line contract code: static gas and stack bounds come
** from one table lookup per opcode; the stack lives on the heap per frame.
*/
#include "evm_int.h"

#include <stdlib.h>
#include <string.h>

#include "mpavs/keccak.h"
#include "mpavs/rlp.h"

typedef struct opinfo {
    uint16_t gas;
    uint8_t in, out;
    bool valid;
} opinfo;

#define O(g, i, o)                                                                                 \
    {                                                                                              \
        g, i, o, true                                                                              \
    }
static const opinfo OPS[256] = {
    [0x00] = O(0, 0, 0),
    [0x01] = O(3, 2, 1),
    [0x02] = O(5, 2, 1),
    [0x03] = O(3, 2, 1),
    [0x04] = O(5, 2, 1),
    [0x05] = O(5, 2, 1),
    [0x06] = O(5, 2, 1),
    [0x07] = O(5, 2, 1),
    [0x08] = O(8, 3, 1),
    [0x09] = O(8, 3, 1),
    [0x0a] = O(10, 2, 1),
    [0x0b] = O(5, 2, 1),
    [0x10] = O(3, 2, 1),
    [0x11] = O(3, 2, 1),
    [0x12] = O(3, 2, 1),
    [0x13] = O(3, 2, 1),
    [0x14] = O(3, 2, 1),
    [0x15] = O(3, 1, 1),
    [0x16] = O(3, 2, 1),
    [0x17] = O(3, 2, 1),
    [0x18] = O(3, 2, 1),
    [0x19] = O(3, 1, 1),
    [0x1a] = O(3, 2, 1),
    [0x1b] = O(3, 2, 1),
    [0x1c] = O(3, 2, 1),
    [0x1d] = O(3, 2, 1),
    [0x20] = O(30, 2, 1),
    [0x30] = O(2, 0, 1),
    [0x31] = O(0, 1, 1),
    [0x32] = O(2, 0, 1),
    [0x33] = O(2, 0, 1),
    [0x34] = O(2, 0, 1),
    [0x35] = O(3, 1, 1),
    [0x36] = O(2, 0, 1),
    [0x37] = O(3, 3, 0),
    [0x38] = O(2, 0, 1),
    [0x39] = O(3, 3, 0),
    [0x3a] = O(2, 0, 1),
    [0x3b] = O(0, 1, 1),
    [0x3c] = O(0, 4, 0),
    [0x3d] = O(2, 0, 1),
    [0x3e] = O(3, 3, 0),
    [0x3f] = O(0, 1, 1),
    [0x40] = O(20, 1, 1),
    [0x41] = O(2, 0, 1),
    [0x42] = O(2, 0, 1),
    [0x43] = O(2, 0, 1),
    [0x44] = O(2, 0, 1),
    [0x45] = O(2, 0, 1),
    [0x46] = O(2, 0, 1),
    [0x47] = O(5, 0, 1),
    [0x48] = O(2, 0, 1),
    [0x49] = O(3, 1, 1),
    [0x4a] = O(2, 0, 1),
    [0x50] = O(2, 1, 0),
    [0x51] = O(3, 1, 1),
    [0x52] = O(3, 2, 0),
    [0x53] = O(3, 2, 0),
    [0x54] = O(0, 1, 1),
    [0x55] = O(0, 2, 0),
    [0x56] = O(8, 1, 0),
    [0x57] = O(10, 2, 0),
    [0x58] = O(2, 0, 1),
    [0x59] = O(2, 0, 1),
    [0x5a] = O(2, 0, 1),
    [0x5b] = O(1, 0, 0),
    [0x5c] = O(100, 1, 1),
    [0x5d] = O(100, 2, 0),
    [0x5e] = O(3, 3, 0),
    [0x5f] = O(2, 0, 1),
    [0xa0] = O(375, 2, 0),
    [0xa1] = O(375, 3, 0),
    [0xa2] = O(375, 4, 0),
    [0xa3] = O(375, 5, 0),
    [0xa4] = O(375, 6, 0),
    [0xf0] = O(32000, 3, 1),
    [0xf1] = O(0, 7, 1),
    [0xf2] = O(0, 7, 1),
    [0xf3] = O(0, 2, 0),
    [0xf4] = O(0, 6, 1),
    [0xf5] = O(32000, 4, 1),
    [0xfa] = O(0, 6, 1),
    [0xfd] = O(0, 2, 0),
    [0xff] = O(5000, 1, 0),
#define PUSHOP(n) [0x5f + n] = O(3, 0, 1)
#define DUPOP(n)  [0x7f + n] = O(3, n, n + 1)
#define SWAPOP(n) [0x8f + n] = O(3, n + 1, n + 1)
    PUSHOP(1),
    PUSHOP(2),
    PUSHOP(3),
    PUSHOP(4),
    PUSHOP(5),
    PUSHOP(6),
    PUSHOP(7),
    PUSHOP(8),
    PUSHOP(9),
    PUSHOP(10),
    PUSHOP(11),
    PUSHOP(12),
    PUSHOP(13),
    PUSHOP(14),
    PUSHOP(15),
    PUSHOP(16),
    PUSHOP(17),
    PUSHOP(18),
    PUSHOP(19),
    PUSHOP(20),
    PUSHOP(21),
    PUSHOP(22),
    PUSHOP(23),
    PUSHOP(24),
    PUSHOP(25),
    PUSHOP(26),
    PUSHOP(27),
    PUSHOP(28),
    PUSHOP(29),
    PUSHOP(30),
    PUSHOP(31),
    PUSHOP(32),
    DUPOP(1),
    DUPOP(2),
    DUPOP(3),
    DUPOP(4),
    DUPOP(5),
    DUPOP(6),
    DUPOP(7),
    DUPOP(8),
    DUPOP(9),
    DUPOP(10),
    DUPOP(11),
    DUPOP(12),
    DUPOP(13),
    DUPOP(14),
    DUPOP(15),
    DUPOP(16),
    SWAPOP(1),
    SWAPOP(2),
    SWAPOP(3),
    SWAPOP(4),
    SWAPOP(5),
    SWAPOP(6),
    SWAPOP(7),
    SWAPOP(8),
    SWAPOP(9),
    SWAPOP(10),
    SWAPOP(11),
    SWAPOP(12),
    SWAPOP(13),
    SWAPOP(14),
    SWAPOP(15),
    SWAPOP(16),
};

typedef struct frame {
    evm_tx_ctx *tx;
    mp_evm_state *st;
    const evm_msg *m;
    evm_acct *self; /* the storage context (recipient) */
    const uint8_t *code;
    size_t code_len;
    const uint8_t *jd;
    mp_w256 *stack;
    int sp;
    uint8_t *mem;
    uint64_t mem_len; /* always a multiple of 32 */
    uint64_t mem_cap;
    int64_t gas;
    int64_t refund;
    uint8_t *ret; /* return data of the last call */
    size_t ret_len;
} frame;

static uint64_t words(uint64_t n)
{
    return (n + 31) / 32;
}

static int64_t mem_cost(uint64_t w)
{
    return (int64_t)(3 * w + w * w / 512);
}

/* Charges gas; false when there is not enough. */
static inline bool use(frame *f, int64_t g)
{
    if (g < 0 || f->gas < g)
        return false;
    f->gas -= g;
    return true;
}

/* Converts an (offset, size) pair and grows memory to cover it, charging gas.
 * Sizes of zero need no memory whatever the offset. */
static bool mem_range(frame *f, const mp_w256 *off, const mp_w256 *size, uint64_t *o, uint64_t *s)
{
    if (mp_w256_is_zero(size)) {
        *o = *s = 0;
        return true;
    }
    if (!mp_w256_fits_u64(off) || !mp_w256_fits_u64(size) || off->w[0] > EVM_MAX_MEMORY ||
        size->w[0] > EVM_MAX_MEMORY)
        return false;
    *o = off->w[0];
    *s = size->w[0];
    uint64_t end = *o + *s;
    if (end > EVM_MAX_MEMORY)
        return false;
    uint64_t need = words(end) * 32;
    if (need <= f->mem_len)
        return true;
    if (!use(f, mem_cost(need / 32) - mem_cost(f->mem_len / 32)))
        return false;
    if (need > f->mem_cap) {
        uint64_t ncap = f->mem_cap ? f->mem_cap : 1024;
        while (ncap < need)
            ncap *= 2;
        uint8_t *nm = realloc(f->mem, ncap);
        if (!nm) {
            f->st->oom = true;
            return false;
        }
        f->mem = nm;
        f->mem_cap = ncap;
    }
    memset(f->mem + f->mem_len, 0, need - f->mem_len);
    f->mem_len = need;
    return true;
}

/* Copies size bytes of src starting at offset off (zero beyond its end) to dst. */
static void copy_padded(uint8_t *dst, const uint8_t *src, size_t src_len, const mp_w256 *off,
                        uint64_t size)
{
    uint64_t o = mp_w256_fits_u64(off) ? off->w[0] : UINT64_MAX;
    uint64_t avail = o < src_len ? src_len - o : 0;
    uint64_t n = avail < size ? avail : size;
    if (n)
        memcpy(dst, src + o, n);
    if (size > n)
        memset(dst + n, 0, size - n);
}

static void addr_to_w(mp_w256 *r, const uint8_t a[20])
{
    mp_w256_from_be_n(r, a, 20);
}

static void w_to_addr(uint8_t a[20], const mp_w256 *w)
{
    uint8_t b[32];
    mp_w256_to_be(b, w);
    memcpy(a, b + 12, 20);
}

/* Cold/warm account access (EIP-2929): the extra gas beyond the warm 100. */
static bool access_acct(frame *f, evm_acct *a)
{
    return use(f, evm_warm_acct(f->st, a) ? 100 : 2600);
}

static void set_ret(frame *f, uint8_t *data, size_t len)
{
    free(f->ret);
    f->ret = data;
    f->ret_len = len;
}

void evm_create_addr(uint8_t out[20], const uint8_t sender[20], uint64_t nonce)
{
    uint8_t tmp[40];
    mp_buf b = MP_BUF_INIT;
    size_t mark = mp_rlp_list_begin(&b);
    mp_rlp_put_bytes(&b, sender, 20);
    mp_rlp_put_u64(&b, nonce);
    mp_rlp_list_end(&b, mark);
    uint8_t h[32];
    if (b.oom || b.len > sizeof tmp) {
        memset(out, 0, 20); /* unreachable: 32 bytes at most */
        mp_buf_free(&b);
        return;
    }
    mp_keccak256(h, b.data, b.len);
    mp_buf_free(&b);
    memcpy(out, h + 12, 20);
}

void evm_create2_addr(uint8_t out[20], const uint8_t sender[20], const mp_w256 *salt,
                      const uint8_t *code, size_t len)
{
    uint8_t buf[85], h[32];
    buf[0] = 0xff;
    memcpy(buf + 1, sender, 20);
    mp_w256_to_be(buf + 21, salt);
    mp_keccak256(buf + 53, len ? code : (const uint8_t *)"", len);
    mp_keccak256(h, buf, sizeof buf);
    memcpy(out, h + 12, 20);
}

static enum mp_evm_status run(frame *f, evm_out *out);

/* SSTORE gas and refund (EIP-2200 with EIP-2929 and EIP-3529 values). */
static bool op_sstore(frame *f, const mp_w256 *key, const mp_w256 *val)
{
    if (f->m->is_static || f->gas <= 2300)
        return false;
    evm_slot *s = evm_slot_get(f->st, f->self, key);
    int64_t cost = evm_warm_slot(f->st, f->self, s) ? 0 : 2100;
    mp_w256 cur = s->cur, orig = s->orig;
    if (mp_w256_eq(&cur, val)) {
        cost += 100;
    } else if (mp_w256_eq(&orig, &cur)) {
        if (mp_w256_is_zero(&orig)) {
            cost += 20000;
        } else {
            cost += 2900;
            if (mp_w256_is_zero(val))
                f->refund += 4800;
        }
    } else {
        cost += 100;
        if (!mp_w256_is_zero(&orig)) {
            if (mp_w256_is_zero(&cur))
                f->refund -= 4800;
            else if (mp_w256_is_zero(val))
                f->refund += 4800;
        }
        if (mp_w256_eq(&orig, val))
            f->refund += mp_w256_is_zero(&orig) ? 19900 : 2800;
    }
    if (!use(f, cost))
        return false;
    if (!mp_w256_eq(&cur, val))
        evm_set_storage(f->st, f->self, s, val);
    return true;
}

/* CALL, CALLCODE, DELEGATECALL, STATICCALL; sp points past the arguments. */
static bool op_call(frame *f, uint8_t op)
{
    mp_w256 *a = &f->stack[f->sp - 1];
    bool has_value = op == 0xf1 || op == 0xf2;
    mp_w256 gas_req = a[0], to_w = a[-1], value = has_value ? a[-2] : mp_w256_u64(0);
    int base = has_value ? 3 : 2;
    mp_w256 in_off = a[-base], in_size = a[-base - 1], out_off = a[-base - 2],
            out_size = a[-base - 3];
    f->sp -= base + 4;
    uint8_t to[20];
    w_to_addr(to, &to_w);
    bool nonzero = !mp_w256_is_zero(&value);
    if (op == 0xf1 && nonzero && f->m->is_static)
        return false;
    uint64_t io, is, oo, os;
    if (!mem_range(f, &in_off, &in_size, &io, &is) || !mem_range(f, &out_off, &out_size, &oo, &os))
        return false;
    evm_acct *target = evm_acct_get(f->st, to);
    if (!access_acct(f, target))
        return false;
    int64_t cost = 0;
    if (nonzero) {
        cost += 9000;
        if (op == 0xf1 && evm_acct_dead(target))
            cost += 25000;
    }
    if (!use(f, cost))
        return false;
    int64_t avail = f->gas - f->gas / 64;
    int64_t cg = (!mp_w256_fits_u64(&gas_req) || gas_req.w[0] > (uint64_t)avail)
                     ? avail
                     : (int64_t)gas_req.w[0];
    f->gas -= cg;
    if (nonzero)
        cg += 2300;
    set_ret(f, NULL, 0);
    mp_w256 *res = &f->stack[f->sp++];
    *res = mp_w256_u64(0);
    if (f->m->depth + 1 > EVM_MAX_DEPTH ||
        (nonzero && mp_w256_lt(&evm_acct_get(f->st, f->m->recipient)->balance, &value))) {
        f->gas += cg;
        return true;
    }
    evm_msg cm;
    memset(&cm, 0, sizeof cm);
    cm.kind = op == 0xf1   ? K_CALL
              : op == 0xf2 ? K_CALLCODE
              : op == 0xf4 ? K_DELEGATECALL
                           : K_STATICCALL;
    cm.depth = f->m->depth + 1;
    cm.is_static = f->m->is_static || op == 0xfa;
    cm.gas = cg;
    cm.input = is ? f->mem + io : NULL;
    cm.input_len = is;
    memcpy(cm.code_addr, to, 20);
    if (op == 0xf4) {
        memcpy(cm.caller, f->m->caller, 20);
        memcpy(cm.recipient, f->m->recipient, 20);
        cm.value = f->m->value;
    } else {
        memcpy(cm.caller, f->m->recipient, 20);
        memcpy(cm.recipient, op == 0xf2 ? f->m->recipient : to, 20);
        cm.value = value;
    }
    evm_out co;
    evm_execute(f->tx, &cm, &co);
    f->gas += co.gas_left;
    if (co.status == MP_EVM_SUCCESS) {
        f->refund += co.refund;
        *res = mp_w256_u64(1);
    }
    if (os && co.len)
        memcpy(f->mem + oo, co.data, co.len < os ? co.len : os);
    set_ret(f, co.data, co.len);
    return true;
}

/* CREATE and CREATE2. */
static bool op_create(frame *f, uint8_t op)
{
    mp_w256 *a = &f->stack[f->sp - 1];
    mp_w256 value = a[0], off = a[-1], size = a[-2], salt = op == 0xf5 ? a[-3] : mp_w256_u64(0);
    f->sp -= op == 0xf5 ? 4 : 3;
    if (f->m->is_static)
        return false;
    uint64_t o, s;
    if (!mem_range(f, &off, &size, &o, &s))
        return false;
    if (s > EVM_MAX_INITCODE)
        return false;
    if (!use(f, (int64_t)(words(s) * (op == 0xf5 ? 8 : 2))))
        return false;
    set_ret(f, NULL, 0);
    mp_w256 *res = &f->stack[f->sp++];
    *res = mp_w256_u64(0);
    evm_acct *me = evm_acct_get(f->st, f->m->recipient);
    if (f->m->depth + 1 > EVM_MAX_DEPTH || mp_w256_lt(&me->balance, &value) ||
        me->nonce == UINT64_MAX)
        return true;
    evm_msg cm;
    memset(&cm, 0, sizeof cm);
    cm.kind = op == 0xf5 ? K_CREATE2 : K_CREATE;
    cm.depth = f->m->depth + 1;
    memcpy(cm.caller, f->m->recipient, 20);
    cm.value = value;
    cm.input = s ? f->mem + o : NULL;
    cm.input_len = s;
    cm.salt = salt;
    if (op == 0xf5)
        evm_create2_addr(cm.recipient, cm.caller, &salt, cm.input, s);
    else
        evm_create_addr(cm.recipient, cm.caller, me->nonce);
    memcpy(cm.code_addr, cm.recipient, 20);
    evm_set_nonce(f->st, me, me->nonce + 1);
    cm.gas = f->gas - f->gas / 64;
    f->gas -= cm.gas;
    evm_out co;
    evm_execute(f->tx, &cm, &co);
    f->gas += co.gas_left;
    if (co.status == MP_EVM_SUCCESS) {
        f->refund += co.refund;
        addr_to_w(res, co.created);
        free(co.data);
    } else if (co.status == MP_EVM_REVERT) {
        set_ret(f, co.data, co.len);
    } else {
        free(co.data);
    }
    return true;
}

static bool op_selfdestruct(frame *f, const mp_w256 *ben_w)
{
    if (f->m->is_static)
        return false;
    uint8_t ben_addr[20];
    w_to_addr(ben_addr, ben_w);
    evm_acct *ben = evm_acct_get(f->st, ben_addr);
    int64_t cost = evm_warm_acct(f->st, ben) ? 0 : 2600;
    evm_acct *me = f->self;
    if (!mp_w256_is_zero(&me->balance) && evm_acct_dead(ben))
        cost += 25000;
    if (!use(f, cost))
        return false;
    mp_w256 bal = me->balance;
    if (ben != me) {
        evm_add_balance(f->st, ben, &bal);
        evm_sub_balance(f->st, me, &bal);
    } else {
        evm_touch(f->st, ben);
    }
    if (me->created) {
        mp_w256 zero = mp_w256_u64(0);
        evm_set_balance(f->st, me, &zero);
        evm_mark_destructed(f->st, me);
    }
    return true;
}

static void blockhash(frame *f, mp_w256 *n)
{
    const mp_evm_block *env = f->tx->env;
    uint64_t num = n->w[0];
    if (!mp_w256_fits_u64(n) || num >= env->number || env->number - num > 256 || !env->blockhash) {
        *n = mp_w256_u64(0);
        return;
    }
    uint8_t h[32];
    env->blockhash(env->blockhash_ctx, num, h);
    mp_w256_from_be(n, h);
}

#define FAIL()                                                                                     \
    do {                                                                                           \
        status = MP_EVM_FAILURE;                                                                   \
        goto halt;                                                                                 \
    } while (0)
#define USE(g)                                                                                     \
    do {                                                                                           \
        if (!use(f, (g)))                                                                          \
            FAIL();                                                                                \
    } while (0)
#define TOP    (f->stack[f->sp - 1])
#define ARG(i) (f->stack[f->sp - 1 - (i)])

static enum mp_evm_status run(frame *f, evm_out *out)
{
    enum mp_evm_status status = MP_EVM_SUCCESS;
    mp_evm_state *st = f->st;
    const evm_msg *m = f->m;
    size_t pc = 0;
    out->data = NULL;
    out->len = 0;
    while (pc < f->code_len) {
        uint8_t op = f->code[pc];
        const opinfo *oi = &OPS[op];
        if (!oi->valid || f->sp < oi->in || f->sp - oi->in + oi->out > EVM_STACK_LIMIT)
            FAIL();
        USE(oi->gas);
        mp_w256 *sk = f->stack;
        int sp = f->sp;
        uint64_t o, s, o2, s2;
        switch (op) {
        case 0x00:
            goto halt;
        case 0x01:
            mp_w256_add(&sk[sp - 2], &sk[sp - 1], &sk[sp - 2]);
            f->sp--;
            break;
        case 0x02:
            mp_w256_mul(&sk[sp - 2], &sk[sp - 1], &sk[sp - 2]);
            f->sp--;
            break;
        case 0x03:
            mp_w256_sub(&sk[sp - 2], &sk[sp - 1], &sk[sp - 2]);
            f->sp--;
            break;
        case 0x04:
            mp_w256_divmod(&sk[sp - 2], NULL, &sk[sp - 1], &sk[sp - 2]);
            f->sp--;
            break;
        case 0x05:
            mp_w256_sdiv(&sk[sp - 2], &sk[sp - 1], &sk[sp - 2]);
            f->sp--;
            break;
        case 0x06:
            mp_w256_divmod(NULL, &sk[sp - 2], &sk[sp - 1], &sk[sp - 2]);
            f->sp--;
            break;
        case 0x07:
            mp_w256_smod(&sk[sp - 2], &sk[sp - 1], &sk[sp - 2]);
            f->sp--;
            break;
        case 0x08:
            mp_w256_addmod(&sk[sp - 3], &sk[sp - 1], &sk[sp - 2], &sk[sp - 3]);
            f->sp -= 2;
            break;
        case 0x09:
            mp_w256_mulmod(&sk[sp - 3], &sk[sp - 1], &sk[sp - 2], &sk[sp - 3]);
            f->sp -= 2;
            break;
        case 0x0a:
            USE(50 * (int64_t)((mp_w256_bits(&sk[sp - 2]) + 7) / 8));
            mp_w256_exp(&sk[sp - 2], &sk[sp - 1], &sk[sp - 2]);
            f->sp--;
            break;
        case 0x0b:
            mp_w256_signextend(&sk[sp - 2], &sk[sp - 1], &sk[sp - 2]);
            f->sp--;
            break;
        case 0x10:
            sk[sp - 2] = mp_w256_u64(mp_w256_lt(&sk[sp - 1], &sk[sp - 2]));
            f->sp--;
            break;
        case 0x11:
            sk[sp - 2] = mp_w256_u64(mp_w256_lt(&sk[sp - 2], &sk[sp - 1]));
            f->sp--;
            break;
        case 0x12:
            sk[sp - 2] = mp_w256_u64(mp_w256_slt(&sk[sp - 1], &sk[sp - 2]));
            f->sp--;
            break;
        case 0x13:
            sk[sp - 2] = mp_w256_u64(mp_w256_slt(&sk[sp - 2], &sk[sp - 1]));
            f->sp--;
            break;
        case 0x14:
            sk[sp - 2] = mp_w256_u64(mp_w256_eq(&sk[sp - 1], &sk[sp - 2]));
            f->sp--;
            break;
        case 0x15:
            sk[sp - 1] = mp_w256_u64(mp_w256_is_zero(&sk[sp - 1]));
            break;
        case 0x16:
        case 0x17:
        case 0x18:
            for (int i = 0; i < 4; i++) {
                uint64_t x = sk[sp - 1].w[i], y = sk[sp - 2].w[i];
                sk[sp - 2].w[i] = op == 0x16 ? (x & y) : op == 0x17 ? (x | y) : (x ^ y);
            }
            f->sp--;
            break;
        case 0x19:
            for (int i = 0; i < 4; i++)
                sk[sp - 1].w[i] = ~sk[sp - 1].w[i];
            break;
        case 0x1a:
            mp_w256_byte(&sk[sp - 2], &sk[sp - 1], &sk[sp - 2]);
            f->sp--;
            break;
        case 0x1b:
            mp_w256_shl(&sk[sp - 2], &sk[sp - 1], &sk[sp - 2]);
            f->sp--;
            break;
        case 0x1c:
            mp_w256_shr(&sk[sp - 2], &sk[sp - 1], &sk[sp - 2]);
            f->sp--;
            break;
        case 0x1d:
            mp_w256_sar(&sk[sp - 2], &sk[sp - 1], &sk[sp - 2]);
            f->sp--;
            break;
        case 0x20: {
            if (!mem_range(f, &sk[sp - 1], &sk[sp - 2], &o, &s))
                FAIL();
            USE(6 * (int64_t)words(s));
            uint8_t h[32];
            mp_keccak256(h, s ? f->mem + o : (const uint8_t *)"", s);
            mp_w256_from_be(&sk[sp - 2], h);
            f->sp--;
            break;
        }
        case 0x30:
            addr_to_w(&sk[sp], m->recipient);
            f->sp++;
            break;
        case 0x31:
        case 0x3b:
        case 0x3f: {
            uint8_t ad[20];
            w_to_addr(ad, &sk[sp - 1]);
            evm_acct *ac = evm_acct_get(st, ad);
            if (!access_acct(f, ac))
                FAIL();
            if (op == 0x31)
                sk[sp - 1] = ac->balance;
            else if (op == 0x3b)
                sk[sp - 1] = mp_w256_u64(ac->code_len);
            else if (evm_acct_dead(ac))
                sk[sp - 1] = mp_w256_u64(0);
            else
                mp_w256_from_be(&sk[sp - 1], ac->code_hash);
            break;
        }
        case 0x32:
            addr_to_w(&sk[sp], f->tx->origin);
            f->sp++;
            break;
        case 0x33:
            addr_to_w(&sk[sp], m->caller);
            f->sp++;
            break;
        case 0x34:
            sk[sp] = m->value;
            f->sp++;
            break;
        case 0x35: {
            uint8_t b[32];
            copy_padded(b, m->input, m->input_len, &sk[sp - 1], 32);
            mp_w256_from_be(&sk[sp - 1], b);
            break;
        }
        case 0x36:
            sk[sp] = mp_w256_u64(m->input_len);
            f->sp++;
            break;
        case 0x37:
        case 0x39:
        case 0x3e: {
            if (!mem_range(f, &sk[sp - 1], &sk[sp - 3], &o, &s))
                FAIL();
            USE(3 * (int64_t)words(s));
            const mp_w256 *src_off = &sk[sp - 2];
            if (op == 0x3e) {
                if (!mp_w256_fits_u64(src_off) || src_off->w[0] > f->ret_len ||
                    f->ret_len - src_off->w[0] < (uint64_t)s || !mp_w256_fits_u64(&sk[sp - 3]))
                    FAIL();
                if (s)
                    memcpy(f->mem + o, f->ret + src_off->w[0], s);
            } else if (s) {
                if (op == 0x37)
                    copy_padded(f->mem + o, m->input, m->input_len, src_off, s);
                else
                    copy_padded(f->mem + o, f->code, f->code_len, src_off, s);
            }
            f->sp -= 3;
            break;
        }
        case 0x38:
            sk[sp] = mp_w256_u64(f->code_len);
            f->sp++;
            break;
        case 0x3a:
            sk[sp] = f->tx->gas_price;
            f->sp++;
            break;
        case 0x3c: {
            uint8_t ad[20];
            w_to_addr(ad, &sk[sp - 1]);
            if (!mem_range(f, &sk[sp - 2], &sk[sp - 4], &o, &s))
                FAIL();
            USE(3 * (int64_t)words(s));
            evm_acct *ac = evm_acct_get(st, ad);
            if (!access_acct(f, ac))
                FAIL();
            if (s)
                copy_padded(f->mem + o, ac->code, ac->code_len, &sk[sp - 3], s);
            f->sp -= 4;
            break;
        }
        case 0x3d:
            sk[sp] = mp_w256_u64(f->ret_len);
            f->sp++;
            break;
        case 0x40:
            blockhash(f, &sk[sp - 1]);
            break;
        case 0x41:
            addr_to_w(&sk[sp], f->tx->env->coinbase);
            f->sp++;
            break;
        case 0x42:
            sk[sp] = mp_w256_u64(f->tx->env->timestamp);
            f->sp++;
            break;
        case 0x43:
            sk[sp] = mp_w256_u64(f->tx->env->number);
            f->sp++;
            break;
        case 0x44:
            mp_w256_from_be(&sk[sp], f->tx->env->prev_randao);
            f->sp++;
            break;
        case 0x45:
            sk[sp] = mp_w256_u64(f->tx->env->gas_limit);
            f->sp++;
            break;
        case 0x46:
            sk[sp] = mp_w256_u64(f->tx->env->chain_id);
            f->sp++;
            break;
        case 0x47:
            sk[sp] = f->self->balance;
            f->sp++;
            break;
        case 0x48:
            sk[sp] = f->tx->env->base_fee;
            f->sp++;
            break;
        case 0x49: {
            const mp_w256 *i = &sk[sp - 1];
            if (mp_w256_fits_u64(i) && i->w[0] < f->tx->n_blobs)
                mp_w256_from_be(&sk[sp - 1], f->tx->blob_hashes[i->w[0]]);
            else
                sk[sp - 1] = mp_w256_u64(0);
            break;
        }
        case 0x4a:
            sk[sp] = f->tx->blob_base_fee;
            f->sp++;
            break;
        case 0x50:
            f->sp--;
            break;
        case 0x51: {
            mp_w256 thirty2 = mp_w256_u64(32);
            if (!mem_range(f, &sk[sp - 1], &thirty2, &o, &s))
                FAIL();
            mp_w256_from_be(&sk[sp - 1], f->mem + o);
            break;
        }
        case 0x52:
        case 0x53: {
            mp_w256 len = mp_w256_u64(op == 0x52 ? 32 : 1);
            if (!mem_range(f, &sk[sp - 1], &len, &o, &s))
                FAIL();
            if (op == 0x52)
                mp_w256_to_be(f->mem + o, &sk[sp - 2]);
            else
                f->mem[o] = (uint8_t)sk[sp - 2].w[0];
            f->sp -= 2;
            break;
        }
        case 0x54: {
            evm_slot *sl = evm_slot_get(st, f->self, &sk[sp - 1]);
            USE(evm_warm_slot(st, f->self, sl) ? 100 : 2100);
            sk[sp - 1] = sl->cur;
            break;
        }
        case 0x55:
            if (!op_sstore(f, &sk[sp - 1], &sk[sp - 2]))
                FAIL();
            f->sp -= 2;
            break;
        case 0x56:
        case 0x57: {
            const mp_w256 *dst = &sk[sp - 1];
            f->sp -= op == 0x56 ? 1 : 2;
            if (op == 0x57 && mp_w256_is_zero(&sk[sp - 2]))
                break;
            if (!mp_w256_fits_u64(dst) || dst->w[0] >= f->code_len || !f->jd ||
                !(f->jd[dst->w[0] / 8] & (1u << (dst->w[0] % 8))))
                FAIL();
            pc = (size_t)dst->w[0];
            continue;
        }
        case 0x58:
            sk[sp] = mp_w256_u64(pc);
            f->sp++;
            break;
        case 0x59:
            sk[sp] = mp_w256_u64(f->mem_len);
            f->sp++;
            break;
        case 0x5a:
            sk[sp] = mp_w256_u64((uint64_t)f->gas);
            f->sp++;
            break;
        case 0x5b:
            break;
        case 0x5c:
            evm_tload(st, f->self, &sk[sp - 1], &sk[sp - 1]);
            break;
        case 0x5d:
            if (m->is_static)
                FAIL();
            evm_tstore(st, f->self, &sk[sp - 1], &sk[sp - 2]);
            f->sp -= 2;
            break;
        case 0x5e: {
            if (!mem_range(f, &sk[sp - 1], &sk[sp - 3], &o, &s) ||
                !mem_range(f, &sk[sp - 2], &sk[sp - 3], &o2, &s2))
                FAIL();
            USE(3 * (int64_t)words(s));
            if (s)
                memmove(f->mem + o, f->mem + o2, s);
            f->sp -= 3;
            break;
        }
        case 0x5f:
            sk[sp] = mp_w256_u64(0);
            f->sp++;
            break;
        case 0xa0:
        case 0xa1:
        case 0xa2:
        case 0xa3:
        case 0xa4: {
            unsigned nt = op - 0xa0u;
            if (m->is_static)
                FAIL();
            if (!mem_range(f, &sk[sp - 1], &sk[sp - 2], &o, &s))
                FAIL();
            USE(375 * (int64_t)nt + 8 * (int64_t)s);
            mp_w256 topics[4];
            for (unsigned i = 0; i < nt; i++)
                topics[i] = sk[sp - 3 - (int)i];
            evm_add_log(st, m->recipient, topics, nt, s ? f->mem + o : NULL, s);
            f->sp -= 2 + (int)nt;
            break;
        }
        case 0xf0:
        case 0xf5:
            if (!op_create(f, op))
                FAIL();
            break;
        case 0xf1:
        case 0xf2:
        case 0xf4:
        case 0xfa:
            if (!op_call(f, op))
                FAIL();
            break;
        case 0xf3:
        case 0xfd: {
            if (!mem_range(f, &sk[sp - 1], &sk[sp - 2], &o, &s))
                FAIL();
            if (s) {
                out->data = malloc(s);
                if (!out->data) {
                    st->oom = true;
                    FAIL();
                }
                memcpy(out->data, f->mem + o, s);
                out->len = s;
            }
            status = op == 0xf3 ? MP_EVM_SUCCESS : MP_EVM_REVERT;
            goto halt;
        }
        case 0xff:
            if (!op_selfdestruct(f, &sk[sp - 1]))
                FAIL();
            f->sp--;
            goto halt;
        default:
            if (op >= 0x60 && op <= 0x7f) {
                size_t n = (size_t)(op - 0x5f);
                size_t avail = f->code_len - pc - 1;
                if (n <= 8 && n <= avail) { /* the common short push */
                    const uint8_t *p = f->code + pc + 1;
                    uint64_t v = 0;
                    for (size_t k = 0; k < n; k++)
                        v = (v << 8) | p[k];
                    sk[sp] = mp_w256_u64(v);
                    f->sp++;
                    pc += n + 1;
                    continue;
                }
                mp_w256_from_be_n(&sk[sp], f->code + pc + 1, n < avail ? n : avail);
                if (n > avail) { /* implicit zero bytes past the end of code */
                    mp_w256 sh = mp_w256_u64(8 * (n - avail));
                    mp_w256_shl(&sk[sp], &sh, &sk[sp]);
                }
                f->sp++;
                pc += n;
            } else if (op >= 0x80 && op <= 0x8f) {
                sk[sp] = sk[sp - 1 - (op - 0x80)];
                f->sp++;
            } else if (op >= 0x90 && op <= 0x9f) {
                mp_w256 t = sk[sp - 1];
                sk[sp - 1] = sk[sp - 2 - (op - 0x90)];
                sk[sp - 2 - (op - 0x90)] = t;
            } else {
                FAIL();
            }
            break;
        }
        if (st->unsupported || st->oom)
            FAIL();
        pc++;
    }
halt:
    if (status == MP_EVM_FAILURE) {
        free(out->data);
        out->data = NULL;
        out->len = 0;
    }
    return status;
}

/* Runs code in a fresh frame for message m. */
static void interpret(evm_tx_ctx *tx, const evm_msg *m, const uint8_t *code, size_t code_len,
                      const uint8_t *jd, evm_out *out)
{
    frame f;
    memset(&f, 0, sizeof f);
    f.tx = tx;
    f.st = tx->st;
    f.m = m;
    f.self = evm_acct_get(tx->st, m->recipient);
    f.code = code;
    f.code_len = code_len;
    f.jd = jd;
    f.gas = m->gas;
    f.stack = malloc(EVM_STACK_LIMIT * sizeof *f.stack);
    if (!f.stack) {
        tx->st->oom = true;
        out->status = MP_EVM_FAILURE;
        out->gas_left = 0;
        out->data = NULL;
        out->len = 0;
        return;
    }
    out->status = run(&f, out);
    out->gas_left = out->status == MP_EVM_FAILURE ? 0 : f.gas;
    out->refund = out->status == MP_EVM_SUCCESS ? f.refund : 0;
    free(f.stack);
    free(f.mem);
    free(f.ret);
}

static uint8_t *jumpdests_of(const uint8_t *code, size_t len)
{
    uint8_t *bm = calloc(len / 8 + 1, 1);
    if (!bm)
        return NULL;
    for (size_t pc = 0; pc < len; pc++) {
        if (code[pc] == 0x5b)
            bm[pc / 8] |= (uint8_t)(1u << (pc % 8));
        else if (code[pc] >= 0x60 && code[pc] <= 0x7f)
            pc += (size_t)(code[pc] - 0x5f);
    }
    return bm;
}

static void do_create(evm_tx_ctx *tx, const evm_msg *m, evm_out *out)
{
    mp_evm_state *st = tx->st;
    evm_acct *na = evm_acct_get(st, m->recipient);
    memcpy(out->created, m->recipient, 20);
    out->data = NULL;
    out->len = 0;
    out->refund = 0;
    evm_warm_acct(st, na);
    bool storage = false;
    for (size_t i = 0; i < na->slot_cap && !storage; i++)
        storage = na->slots[i].used && !mp_w256_is_zero(&na->slots[i].cur);
    if (na->nonce != 0 || na->code_len != 0 || storage) {
        out->status = MP_EVM_FAILURE;
        out->gas_left = 0;
        return;
    }
    evm_snap snap = evm_snapshot(st);
    evm_set_exists(st, na);
    evm_set_nonce(st, na, 1);
    evm_mark_created(st, na);
    evm_acct *from = evm_acct_get(st, m->caller);
    evm_sub_balance(st, from, &m->value);
    evm_add_balance(st, na, &m->value);
    uint8_t *jd = m->input_len ? jumpdests_of(m->input, m->input_len) : NULL;
    if (m->input_len && !jd) {
        st->oom = true;
        out->status = MP_EVM_FAILURE;
    } else {
        evm_msg im = *m; /* initcode runs with empty calldata */
        im.input = NULL;
        im.input_len = 0;
        interpret(tx, &im, m->input, m->input_len, jd, out);
    }
    free(jd);
    if (out->status == MP_EVM_SUCCESS) {
        int64_t deposit = 200 * (int64_t)out->len;
        if (out->len > EVM_MAX_CODE || (out->len && out->data[0] == 0xef) ||
            out->gas_left < deposit) {
            out->status = MP_EVM_FAILURE;
        } else {
            out->gas_left -= deposit;
            evm_set_code(st, na, out->data, out->len);
            free(out->data);
            out->data = NULL;
            out->len = 0;
        }
    }
    if (out->status != MP_EVM_SUCCESS) {
        evm_revert(st, snap);
        if (out->status == MP_EVM_FAILURE) {
            out->gas_left = 0;
            free(out->data);
            out->data = NULL;
            out->len = 0;
        }
    }
}

static void do_call(evm_tx_ctx *tx, const evm_msg *m, evm_out *out)
{
    mp_evm_state *st = tx->st;
    evm_snap snap = evm_snapshot(st);
    evm_acct *to = evm_acct_get(st, m->recipient);
    if (m->kind == K_CALL) {
        evm_sub_balance(st, evm_acct_get(st, m->caller), &m->value);
        evm_add_balance(st, to, &m->value);
    } else if (m->kind == K_STATICCALL || m->kind == K_CALLCODE) {
        evm_touch(st, to);
    }
    out->data = NULL;
    out->len = 0;
    out->refund = 0;
    if (evm_is_precompile(m->code_addr)) {
        evm_precompile(tx, m->code_addr, m->input, m->input_len, m->gas, out);
    } else {
        evm_acct *ca = evm_acct_get(st, m->code_addr);
        if (!ca->code_len) {
            out->status = MP_EVM_SUCCESS;
            out->gas_left = m->gas;
        } else {
            const uint8_t *jd = evm_jumpdests(ca);
            if (!jd) {
                st->oom = true;
                out->status = MP_EVM_FAILURE;
            } else {
                interpret(tx, m, ca->code, ca->code_len, jd, out);
            }
        }
    }
    if (out->status != MP_EVM_SUCCESS) {
        evm_revert(st, snap);
        if (out->status == MP_EVM_FAILURE)
            out->gas_left = 0;
    }
}

void evm_execute(evm_tx_ctx *tx, const evm_msg *m, evm_out *out)
{
    if (m->kind == K_CREATE || m->kind == K_CREATE2)
        do_create(tx, m, out);
    else
        do_call(tx, m, out);
}
