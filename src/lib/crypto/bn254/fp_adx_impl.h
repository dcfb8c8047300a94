/*
** fp_adx_impl.h: Montgomery products for Fp in x86-64 assembly with MULX,
** ADCX and ADOX (BMI2 + ADX): the two carry chains of each row (low and
** high halves of the partial products) run in parallel on CF and OF.
** Included only by bn254_adx.c; the dispatcher in bn254.c calls that
** backend only on CPUs that report both extensions.
**
** The functions are plain SysV calls written as top-level assembly (the
** whole instruction sequence is fixed, so no compiler can reorder the
** carry chains). Same contracts as fp_generic_impl.h: inputs < 2^256 for the
** wide product, reduced inputs for fp_mul, outputs fully reduced, no
** data-dependent branches or memory accesses.
*/
#ifndef MPAVS_BN254_FP_ADX_IMPL_H
#define MPAVS_BN254_FP_ADX_IMPL_H

void mp_bn254_adx_mont_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4]);
void mp_bn254_adx_mul_wide(uint64_t r[8], const uint64_t a[4], const uint64_t b[4]);
void mp_bn254_adx_mont_red(uint64_t r[4], const uint64_t t[8]);
void mp_bn254_adx_mont_sqr(uint64_t r[4], const uint64_t a[4]);
void mp_bn254_adx_fp2_mul(mp_bn254_fp2 *r, const mp_bn254_fp2 *a, const mp_bn254_fp2 *b);
void mp_bn254_adx_fp2_sqr(mp_bn254_fp2 *r, const mp_bn254_fp2 *a);
void mp_bn254_adx_fp2_mul_xi(mp_bn254_fp2 *r, const mp_bn254_fp2 *a);

#define FP2_HAVE_ADX_MUL 1

#if !defined(FP_HAVE_X86_ADD)
/* Subtracts p when t >= p (t < 2p), in constant time. */
static inline void fp_reduce_once(fp *r, uint64_t t0, uint64_t t1, uint64_t t2, uint64_t t3)
{
    u128 d;
    uint64_t s0, s1, s2, s3, borrow;
    d = (u128)t0 - FP_P0;
    s0 = (uint64_t)d;
    borrow = (uint64_t)(d >> 64) & 1;
    d = (u128)t1 - FP_P1 - borrow;
    s1 = (uint64_t)d;
    borrow = (uint64_t)(d >> 64) & 1;
    d = (u128)t2 - FP_P2 - borrow;
    s2 = (uint64_t)d;
    borrow = (uint64_t)(d >> 64) & 1;
    d = (u128)t3 - FP_P3 - borrow;
    s3 = (uint64_t)d;
    borrow = (uint64_t)(d >> 64) & 1;
    uint64_t keep = 0 - borrow;
    r->v[0] = (t0 & keep) | (s0 & ~keep);
    r->v[1] = (t1 & keep) | (s1 & ~keep);
    r->v[2] = (t2 & keep) | (s2 & ~keep);
    r->v[3] = (t3 & keep) | (s3 & ~keep);
}
#endif

static inline void fp_mul(fp *r, const fp *a, const fp *b)
{
    mp_bn254_adx_mont_mul(r->v, a->v, b->v);
}

static inline void fp_sqr(fp *r, const fp *a)
{
    mp_bn254_adx_mont_sqr(r->v, a->v);
}

static inline void fp_mul_wide(fpw *t, const fp *a, const fp *b)
{
    mp_bn254_adx_mul_wide(t->v, a->v, b->v);
}

static inline void fp_sqr_wide(fpw *t, const fp *a)
{
    mp_bn254_adx_mul_wide(t->v, a->v, a->v);
}

static inline void fp_red(fp *r, const fpw *t)
{
    mp_bn254_adx_mont_red(r->v, t->v);
}

/* clang-format off */
/* One Montgomery reduction round on the window u0..u3 (m = u0 (-p^-1);
 * u = (u + m p) / 2^64, the new top word landing in u0's register), with
 * lo/hi in rbx/rcx and rax = 0. */
#define RED_ROUND(u0, u1, u2, u3)                                                                  \
    "    mov " u0 ", %rdx\n"                                                                       \
    "    imul mp_bn254_adx_pinv(%rip), %rdx\n"                                                     \
    "    xor %eax, %eax\n"                                                                         \
    "    mulx mp_bn254_adx_p(%rip), %rbx, %rcx\n"                                                  \
    "    adcx %rbx, " u0 "\n"                                                                      \
    "    adox %rcx, " u1 "\n"                                                                      \
    "    mulx mp_bn254_adx_p+8(%rip), %rbx, %rcx\n"                                                \
    "    adcx %rbx, " u1 "\n"                                                                      \
    "    adox %rcx, " u2 "\n"                                                                      \
    "    mulx mp_bn254_adx_p+16(%rip), %rbx, %rcx\n"                                               \
    "    adcx %rbx, " u2 "\n"                                                                      \
    "    adox %rcx, " u3 "\n"                                                                      \
    "    mulx mp_bn254_adx_p+24(%rip), %rbx, " u0 "\n"                                             \
    "    adcx %rbx, " u3 "\n"                                                                      \
    "    adox %rax, " u0 "\n"                                                                      \
    "    adcx %rax, " u0 "\n"

__asm__(
    ".section .rodata\n"
    ".p2align 5\n"
    "mp_bn254_adx_p:\n"
    "    .quad 0x3c208c16d87cfd47, 0x97816a916871ca8d, 0xb85045b68181585d, 0x30644e72e131a029\n"
    "mp_bn254_adx_pinv:\n"
    "    .quad 0x87d20782e4866389\n"
    ".text\n"

    /* mp_bn254_adx_mont_mul(r = rdi, a = rsi, b = rdx): CIOS, four rounds of
     * t += a * b[i] then t = (t + m p) / 2^64 with m = t0 * (-p^-1).
     * t0..t3 = r8..r11, top word A = r13, lo/hi = rbx/r12, zero = rax. */
    ".p2align 4\n"
    ".globl mp_bn254_adx_mont_mul\n"
    ".type mp_bn254_adx_mont_mul, @function\n"
    "mp_bn254_adx_mont_mul:\n"
    "    push %rbx\n"
    "    push %r12\n"
    "    push %r13\n"
    "    mov %rdx, %rcx\n"
    "    xor %r8d, %r8d\n"
    "    xor %r9d, %r9d\n"
    "    xor %r10d, %r10d\n"
    "    xor %r11d, %r11d\n"
#define MONT_ROUND(off)                                                                            \
    "    mov " off "(%rcx), %rdx\n"                                                                \
    "    xor %eax, %eax\n"                                                                         \
    "    mulx 0(%rsi), %rbx, %r12\n"                                                               \
    "    adox %rbx, %r8\n"                                                                         \
    "    adcx %r12, %r9\n"                                                                         \
    "    mulx 8(%rsi), %rbx, %r12\n"                                                               \
    "    adox %rbx, %r9\n"                                                                         \
    "    adcx %r12, %r10\n"                                                                        \
    "    mulx 16(%rsi), %rbx, %r12\n"                                                              \
    "    adox %rbx, %r10\n"                                                                        \
    "    adcx %r12, %r11\n"                                                                        \
    "    mulx 24(%rsi), %rbx, %r13\n"                                                              \
    "    adox %rbx, %r11\n"                                                                        \
    "    adcx %rax, %r13\n"                                                                        \
    "    adox %rax, %r13\n"                                                                        \
    "    mov %r8, %rdx\n"                                                                          \
    "    imul mp_bn254_adx_pinv(%rip), %rdx\n"                                                     \
    "    xor %eax, %eax\n"                                                                         \
    "    mulx mp_bn254_adx_p(%rip), %rbx, %r12\n"                                                  \
    "    adcx %rbx, %r8\n"                                                                         \
    "    adox %r12, %r9\n"                                                                         \
    "    mulx mp_bn254_adx_p+8(%rip), %rbx, %r12\n"                                                \
    "    adcx %rbx, %r9\n"                                                                         \
    "    adox %r12, %r10\n"                                                                        \
    "    mulx mp_bn254_adx_p+16(%rip), %rbx, %r12\n"                                               \
    "    adcx %rbx, %r10\n"                                                                        \
    "    adox %r12, %r11\n"                                                                        \
    "    mulx mp_bn254_adx_p+24(%rip), %rbx, %r12\n"                                               \
    "    adcx %rbx, %r11\n"                                                                        \
    "    adox %r12, %r13\n"                                                                        \
    "    adcx %rax, %r13\n"                                                                        \
    "    mov %r9, %r8\n"                                                                           \
    "    mov %r10, %r9\n"                                                                          \
    "    mov %r11, %r10\n"                                                                         \
    "    mov %r13, %r11\n"
    MONT_ROUND("0")
    MONT_ROUND("8")
    MONT_ROUND("16")
    MONT_ROUND("24")
#undef MONT_ROUND
    /* t < 2p: subtract p unless that borrows */
    "    mov %r8, %rbx\n"
    "    sub mp_bn254_adx_p(%rip), %rbx\n"
    "    mov %r9, %r12\n"
    "    sbb mp_bn254_adx_p+8(%rip), %r12\n"
    "    mov %r10, %r13\n"
    "    sbb mp_bn254_adx_p+16(%rip), %r13\n"
    "    mov %r11, %rax\n"
    "    sbb mp_bn254_adx_p+24(%rip), %rax\n"
    "    cmovnc %rbx, %r8\n"
    "    cmovnc %r12, %r9\n"
    "    cmovnc %r13, %r10\n"
    "    cmovnc %rax, %r11\n"
    "    mov %r8, 0(%rdi)\n"
    "    mov %r9, 8(%rdi)\n"
    "    mov %r10, 16(%rdi)\n"
    "    mov %r11, 24(%rdi)\n"
    "    pop %r13\n"
    "    pop %r12\n"
    "    pop %rbx\n"
    "    ret\n"
    ".size mp_bn254_adx_mont_mul, .-mp_bn254_adx_mont_mul\n"

    /* mp_bn254_adx_mul_wide(r = rdi, a = rsi, b = rdx): the 512-bit product,
     * row by row; limb i of the result is final after row i. Row registers
     * rotate through r8..r12; lo/hi = rbx/r13, zero = rax. */
    ".p2align 4\n"
    ".globl mp_bn254_adx_mul_wide\n"
    ".type mp_bn254_adx_mul_wide, @function\n"
    "mp_bn254_adx_mul_wide:\n"
    "    push %rbx\n"
    "    push %r12\n"
    "    push %r13\n"
    "    mov %rdx, %rcx\n"
    "    mov 0(%rcx), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 0(%rsi), %r8, %r9\n"
    "    mulx 8(%rsi), %rbx, %r10\n"
    "    adcx %rbx, %r9\n"
    "    mulx 16(%rsi), %rbx, %r11\n"
    "    adcx %rbx, %r10\n"
    "    mulx 24(%rsi), %rbx, %r12\n"
    "    adcx %rbx, %r11\n"
    "    adcx %rax, %r12\n"
    "    mov %r8, 0(%rdi)\n"
    /* row: t1..t4 hold r[i..i+3], t5 receives r[i+4]; stores r[i] */
#define WIDE_ROW(off, out, t1, t2, t3, t4, t5)                                                     \
    "    mov " off "(%rcx), %rdx\n"                                                                \
    "    xor %eax, %eax\n"                                                                         \
    "    mulx 0(%rsi), %rbx, %r13\n"                                                               \
    "    adox %rbx, " t1 "\n"                                                                      \
    "    adcx %r13, " t2 "\n"                                                                      \
    "    mulx 8(%rsi), %rbx, %r13\n"                                                               \
    "    adox %rbx, " t2 "\n"                                                                      \
    "    adcx %r13, " t3 "\n"                                                                      \
    "    mulx 16(%rsi), %rbx, %r13\n"                                                              \
    "    adox %rbx, " t3 "\n"                                                                      \
    "    adcx %r13, " t4 "\n"                                                                      \
    "    mulx 24(%rsi), %rbx, " t5 "\n"                                                            \
    "    adox %rbx, " t4 "\n"                                                                      \
    "    adcx %rax, " t5 "\n"                                                                      \
    "    adox %rax, " t5 "\n"                                                                      \
    "    mov " t1 ", " out "(%rdi)\n"
    WIDE_ROW("8", "8", "%r9", "%r10", "%r11", "%r12", "%r8")
    WIDE_ROW("16", "16", "%r10", "%r11", "%r12", "%r8", "%r9")
    WIDE_ROW("24", "24", "%r11", "%r12", "%r8", "%r9", "%r10")
#undef WIDE_ROW
    "    mov %r12, 32(%rdi)\n"
    "    mov %r8, 40(%rdi)\n"
    "    mov %r9, 48(%rdi)\n"
    "    mov %r10, 56(%rdi)\n"
    "    pop %r13\n"
    "    pop %r12\n"
    "    pop %rbx\n"
    "    ret\n"
    ".size mp_bn254_adx_mul_wide, .-mp_bn254_adx_mul_wide\n"

    /* mp_bn254_adx_mont_red(r = rdi, t = rsi): t * 2^-256 mod p for
     * t < p 2^256. Four rounds u = (u + m p) / 2^64 on the low half u
     * (registers rotate through r8..r11), then u + high half, then one
     * conditional subtraction (the sum is < 2p). lo/hi = rbx/rcx, zero = rax. */
    ".p2align 4\n"
    ".globl mp_bn254_adx_mont_red\n"
    ".type mp_bn254_adx_mont_red, @function\n"
    "mp_bn254_adx_mont_red:\n"
    "    push %rbx\n"
    "    mov 0(%rsi), %r8\n"
    "    mov 8(%rsi), %r9\n"
    "    mov 16(%rsi), %r10\n"
    "    mov 24(%rsi), %r11\n"
    RED_ROUND("%r8", "%r9", "%r10", "%r11")
    RED_ROUND("%r9", "%r10", "%r11", "%r8")
    RED_ROUND("%r10", "%r11", "%r8", "%r9")
    RED_ROUND("%r11", "%r8", "%r9", "%r10")
    "    add 32(%rsi), %r8\n"
    "    adc 40(%rsi), %r9\n"
    "    adc 48(%rsi), %r10\n"
    "    adc 56(%rsi), %r11\n"
    "    mov %r8, %rax\n"
    "    sub mp_bn254_adx_p(%rip), %rax\n"
    "    mov %r9, %rbx\n"
    "    sbb mp_bn254_adx_p+8(%rip), %rbx\n"
    "    mov %r10, %rcx\n"
    "    sbb mp_bn254_adx_p+16(%rip), %rcx\n"
    "    mov %r11, %rdx\n"
    "    sbb mp_bn254_adx_p+24(%rip), %rdx\n"
    "    cmovnc %rax, %r8\n"
    "    cmovnc %rbx, %r9\n"
    "    cmovnc %rcx, %r10\n"
    "    cmovnc %rdx, %r11\n"
    "    mov %r8, 0(%rdi)\n"
    "    mov %r9, 8(%rdi)\n"
    "    mov %r10, 16(%rdi)\n"
    "    mov %r11, 24(%rdi)\n"
    "    pop %rbx\n"
    "    ret\n"
    ".size mp_bn254_adx_mont_red, .-mp_bn254_adx_mont_red\n"
    /* mp_bn254_adx_mont_sqr(r = rdi, a = rsi): the 512-bit square (six
     * cross products, doubled, plus four squares: 10 MULX instead of 16),
     * then the same reduction as mont_red. t0..t7 = r8..r15,
     * lo/hi = rbx/rbp (rcx in the diagonal), zero = rax. */
    ".p2align 4\n"
    ".globl mp_bn254_adx_mont_sqr\n"
    ".type mp_bn254_adx_mont_sqr, @function\n"
    "mp_bn254_adx_mont_sqr:\n"
    "    push %rbx\n"
    "    push %rbp\n"
    "    push %r12\n"
    "    push %r13\n"
    "    push %r14\n"
    "    push %r15\n"
    /* cross products a_i a_j, i < j, into t1..t6 */
    "    mov 0(%rsi), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 8(%rsi), %r9, %r10\n"
    "    mulx 16(%rsi), %rbx, %r11\n"
    "    adcx %rbx, %r10\n"
    "    mulx 24(%rsi), %rbx, %r12\n"
    "    adcx %rbx, %r11\n"
    "    adcx %rax, %r12\n"
    "    mov 8(%rsi), %rdx\n"
    "    xor %r13d, %r13d\n"
    "    mulx 16(%rsi), %rbx, %rbp\n"
    "    adox %rbx, %r11\n"
    "    adcx %rbp, %r12\n"
    "    mulx 24(%rsi), %rbx, %r13\n"
    "    adox %rbx, %r12\n"
    "    adcx %rax, %r13\n"
    "    adox %rax, %r13\n"
    "    mov 16(%rsi), %rdx\n"
    "    xor %r14d, %r14d\n"
    "    mulx 24(%rsi), %rbx, %r14\n"
    "    adcx %rbx, %r13\n"
    "    adcx %rax, %r14\n"
    /* double them into t1..t7 */
    "    xor %r15d, %r15d\n"
    "    adcx %r9, %r9\n"
    "    adcx %r10, %r10\n"
    "    adcx %r11, %r11\n"
    "    adcx %r12, %r12\n"
    "    adcx %r13, %r13\n"
    "    adcx %r14, %r14\n"
    "    adcx %rax, %r15\n"
    /* add the squares a_i^2 at positions 2i, 2i+1 */
    "    mov 0(%rsi), %rdx\n"
    "    mulx %rdx, %r8, %rbp\n"
    "    mov 8(%rsi), %rdx\n"
    "    mulx %rdx, %rbx, %rcx\n"
    "    add %rbp, %r9\n"
    "    adc %rbx, %r10\n"
    "    adc %rcx, %r11\n"
    "    mov 16(%rsi), %rdx\n"
    "    mulx %rdx, %rbx, %rcx\n"
    "    adc %rbx, %r12\n"
    "    adc %rcx, %r13\n"
    "    mov 24(%rsi), %rdx\n"
    "    mulx %rdx, %rbx, %rcx\n"
    "    adc %rbx, %r14\n"
    "    adc %rcx, %r15\n"
    RED_ROUND("%r8", "%r9", "%r10", "%r11")
    RED_ROUND("%r9", "%r10", "%r11", "%r8")
    RED_ROUND("%r10", "%r11", "%r8", "%r9")
    RED_ROUND("%r11", "%r8", "%r9", "%r10")
    "    add %r12, %r8\n"
    "    adc %r13, %r9\n"
    "    adc %r14, %r10\n"
    "    adc %r15, %r11\n"
    "    mov %r8, %rax\n"
    "    sub mp_bn254_adx_p(%rip), %rax\n"
    "    mov %r9, %rbx\n"
    "    sbb mp_bn254_adx_p+8(%rip), %rbx\n"
    "    mov %r10, %rcx\n"
    "    sbb mp_bn254_adx_p+16(%rip), %rcx\n"
    "    mov %r11, %rdx\n"
    "    sbb mp_bn254_adx_p+24(%rip), %rdx\n"
    "    cmovnc %rax, %r8\n"
    "    cmovnc %rbx, %r9\n"
    "    cmovnc %rcx, %r10\n"
    "    cmovnc %rdx, %r11\n"
    "    mov %r8, 0(%rdi)\n"
    "    mov %r9, 8(%rdi)\n"
    "    mov %r10, 16(%rdi)\n"
    "    mov %r11, 24(%rdi)\n"
    "    pop %r15\n"
    "    pop %r14\n"
    "    pop %r13\n"
    "    pop %r12\n"
    "    pop %rbp\n"
    "    pop %rbx\n"
    "    ret\n"
    ".size mp_bn254_adx_mont_sqr, .-mp_bn254_adx_mont_sqr\n"

    /* mp_bn254_adx_fp2_mul(r = rdi, a = rsi, b = rdx): (a0 + a1 u)(b0 + b1 u)
     * by Karatsuba with lazy reduction, fused: T0 = a0 b0 and T1 = a1 b1 go to
     * the stack, T2 = (a0 + a1)(b0 + b1) stays in r8..r15, c1 = T2 - T0 - T1
     * and c0 = T0 - T1 (+ p 2^256 on borrow) are reduced from registers.
     * Stack: T0 at 0, T1 at 64, a0 + a1 at 128, b0 + b1 at 160.
     * r is written last, so it may alias a or b. */
    ".p2align 4\n"
    ".globl mp_bn254_adx_fp2_mul\n"
    ".type mp_bn254_adx_fp2_mul, @function\n"
    "mp_bn254_adx_fp2_mul:\n"
    "    push %rbx\n"
    "    push %rbp\n"
    "    push %r12\n"
    "    push %r13\n"
    "    push %r14\n"
    "    push %r15\n"
    "    sub $200, %rsp\n"
    "    mov %rdx, %rcx\n"
    /* T0 = a0 b0 */
    "    mov 0(%rcx), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 0(%rsi), %r8, %r9\n"
    "    mulx 8(%rsi), %rbx, %r10\n"
    "    adcx %rbx, %r9\n"
    "    mulx 16(%rsi), %rbx, %r11\n"
    "    adcx %rbx, %r10\n"
    "    mulx 24(%rsi), %rbx, %r12\n"
    "    adcx %rbx, %r11\n"
    "    adcx %rax, %r12\n"
    "    mov 8(%rcx), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 0(%rsi), %rbx, %rbp\n"
    "    adox %rbx, %r9\n"
    "    adcx %rbp, %r10\n"
    "    mulx 8(%rsi), %rbx, %rbp\n"
    "    adox %rbx, %r10\n"
    "    adcx %rbp, %r11\n"
    "    mulx 16(%rsi), %rbx, %rbp\n"
    "    adox %rbx, %r11\n"
    "    adcx %rbp, %r12\n"
    "    mulx 24(%rsi), %rbx, %r13\n"
    "    adox %rbx, %r12\n"
    "    adcx %rax, %r13\n"
    "    adox %rax, %r13\n"
    "    mov 16(%rcx), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 0(%rsi), %rbx, %rbp\n"
    "    adox %rbx, %r10\n"
    "    adcx %rbp, %r11\n"
    "    mulx 8(%rsi), %rbx, %rbp\n"
    "    adox %rbx, %r11\n"
    "    adcx %rbp, %r12\n"
    "    mulx 16(%rsi), %rbx, %rbp\n"
    "    adox %rbx, %r12\n"
    "    adcx %rbp, %r13\n"
    "    mulx 24(%rsi), %rbx, %r14\n"
    "    adox %rbx, %r13\n"
    "    adcx %rax, %r14\n"
    "    adox %rax, %r14\n"
    "    mov 24(%rcx), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 0(%rsi), %rbx, %rbp\n"
    "    adox %rbx, %r11\n"
    "    adcx %rbp, %r12\n"
    "    mulx 8(%rsi), %rbx, %rbp\n"
    "    adox %rbx, %r12\n"
    "    adcx %rbp, %r13\n"
    "    mulx 16(%rsi), %rbx, %rbp\n"
    "    adox %rbx, %r13\n"
    "    adcx %rbp, %r14\n"
    "    mulx 24(%rsi), %rbx, %r15\n"
    "    adox %rbx, %r14\n"
    "    adcx %rax, %r15\n"
    "    adox %rax, %r15\n"
    "    mov %r8, 0(%rsp)\n"
    "    mov %r9, 8(%rsp)\n"
    "    mov %r10, 16(%rsp)\n"
    "    mov %r11, 24(%rsp)\n"
    "    mov %r12, 32(%rsp)\n"
    "    mov %r13, 40(%rsp)\n"
    "    mov %r14, 48(%rsp)\n"
    "    mov %r15, 56(%rsp)\n"
    /* T1 = a1 b1 */
    "    mov 32(%rcx), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 32(%rsi), %r8, %r9\n"
    "    mulx 40(%rsi), %rbx, %r10\n"
    "    adcx %rbx, %r9\n"
    "    mulx 48(%rsi), %rbx, %r11\n"
    "    adcx %rbx, %r10\n"
    "    mulx 56(%rsi), %rbx, %r12\n"
    "    adcx %rbx, %r11\n"
    "    adcx %rax, %r12\n"
    "    mov 40(%rcx), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 32(%rsi), %rbx, %rbp\n"
    "    adox %rbx, %r9\n"
    "    adcx %rbp, %r10\n"
    "    mulx 40(%rsi), %rbx, %rbp\n"
    "    adox %rbx, %r10\n"
    "    adcx %rbp, %r11\n"
    "    mulx 48(%rsi), %rbx, %rbp\n"
    "    adox %rbx, %r11\n"
    "    adcx %rbp, %r12\n"
    "    mulx 56(%rsi), %rbx, %r13\n"
    "    adox %rbx, %r12\n"
    "    adcx %rax, %r13\n"
    "    adox %rax, %r13\n"
    "    mov 48(%rcx), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 32(%rsi), %rbx, %rbp\n"
    "    adox %rbx, %r10\n"
    "    adcx %rbp, %r11\n"
    "    mulx 40(%rsi), %rbx, %rbp\n"
    "    adox %rbx, %r11\n"
    "    adcx %rbp, %r12\n"
    "    mulx 48(%rsi), %rbx, %rbp\n"
    "    adox %rbx, %r12\n"
    "    adcx %rbp, %r13\n"
    "    mulx 56(%rsi), %rbx, %r14\n"
    "    adox %rbx, %r13\n"
    "    adcx %rax, %r14\n"
    "    adox %rax, %r14\n"
    "    mov 56(%rcx), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 32(%rsi), %rbx, %rbp\n"
    "    adox %rbx, %r11\n"
    "    adcx %rbp, %r12\n"
    "    mulx 40(%rsi), %rbx, %rbp\n"
    "    adox %rbx, %r12\n"
    "    adcx %rbp, %r13\n"
    "    mulx 48(%rsi), %rbx, %rbp\n"
    "    adox %rbx, %r13\n"
    "    adcx %rbp, %r14\n"
    "    mulx 56(%rsi), %rbx, %r15\n"
    "    adox %rbx, %r14\n"
    "    adcx %rax, %r15\n"
    "    adox %rax, %r15\n"
    "    mov %r8, 64(%rsp)\n"
    "    mov %r9, 72(%rsp)\n"
    "    mov %r10, 80(%rsp)\n"
    "    mov %r11, 88(%rsp)\n"
    "    mov %r12, 96(%rsp)\n"
    "    mov %r13, 104(%rsp)\n"
    "    mov %r14, 112(%rsp)\n"
    "    mov %r15, 120(%rsp)\n"
    /* a0 + a1 and b0 + b1, unreduced (< 2p < 2^255) */
    "    mov 0(%rsi), %r8\n"
    "    mov 8(%rsi), %r9\n"
    "    mov 16(%rsi), %r10\n"
    "    mov 24(%rsi), %r11\n"
    "    add 32(%rsi), %r8\n"
    "    adc 40(%rsi), %r9\n"
    "    adc 48(%rsi), %r10\n"
    "    adc 56(%rsi), %r11\n"
    "    mov %r8, 128(%rsp)\n"
    "    mov %r9, 136(%rsp)\n"
    "    mov %r10, 144(%rsp)\n"
    "    mov %r11, 152(%rsp)\n"
    "    mov 0(%rcx), %r8\n"
    "    mov 8(%rcx), %r9\n"
    "    mov 16(%rcx), %r10\n"
    "    mov 24(%rcx), %r11\n"
    "    add 32(%rcx), %r8\n"
    "    adc 40(%rcx), %r9\n"
    "    adc 48(%rcx), %r10\n"
    "    adc 56(%rcx), %r11\n"
    "    mov %r8, 160(%rsp)\n"
    "    mov %r9, 168(%rsp)\n"
    "    mov %r10, 176(%rsp)\n"
    "    mov %r11, 184(%rsp)\n"
    /* T2 = (a0 + a1)(b0 + b1) */
    "    mov 160(%rsp), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 128(%rsp), %r8, %r9\n"
    "    mulx 136(%rsp), %rbx, %r10\n"
    "    adcx %rbx, %r9\n"
    "    mulx 144(%rsp), %rbx, %r11\n"
    "    adcx %rbx, %r10\n"
    "    mulx 152(%rsp), %rbx, %r12\n"
    "    adcx %rbx, %r11\n"
    "    adcx %rax, %r12\n"
    "    mov 168(%rsp), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 128(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r9\n"
    "    adcx %rbp, %r10\n"
    "    mulx 136(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r10\n"
    "    adcx %rbp, %r11\n"
    "    mulx 144(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r11\n"
    "    adcx %rbp, %r12\n"
    "    mulx 152(%rsp), %rbx, %r13\n"
    "    adox %rbx, %r12\n"
    "    adcx %rax, %r13\n"
    "    adox %rax, %r13\n"
    "    mov 176(%rsp), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 128(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r10\n"
    "    adcx %rbp, %r11\n"
    "    mulx 136(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r11\n"
    "    adcx %rbp, %r12\n"
    "    mulx 144(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r12\n"
    "    adcx %rbp, %r13\n"
    "    mulx 152(%rsp), %rbx, %r14\n"
    "    adox %rbx, %r13\n"
    "    adcx %rax, %r14\n"
    "    adox %rax, %r14\n"
    "    mov 184(%rsp), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 128(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r11\n"
    "    adcx %rbp, %r12\n"
    "    mulx 136(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r12\n"
    "    adcx %rbp, %r13\n"
    "    mulx 144(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r13\n"
    "    adcx %rbp, %r14\n"
    "    mulx 152(%rsp), %rbx, %r15\n"
    "    adox %rbx, %r14\n"
    "    adcx %rax, %r15\n"
    "    adox %rax, %r15\n"
    /* c1 = T2 - T0 - T1 (never negative) */
    "    sub 0(%rsp), %r8\n"
    "    sbb 8(%rsp), %r9\n"
    "    sbb 16(%rsp), %r10\n"
    "    sbb 24(%rsp), %r11\n"
    "    sbb 32(%rsp), %r12\n"
    "    sbb 40(%rsp), %r13\n"
    "    sbb 48(%rsp), %r14\n"
    "    sbb 56(%rsp), %r15\n"
    "    sub 64(%rsp), %r8\n"
    "    sbb 72(%rsp), %r9\n"
    "    sbb 80(%rsp), %r10\n"
    "    sbb 88(%rsp), %r11\n"
    "    sbb 96(%rsp), %r12\n"
    "    sbb 104(%rsp), %r13\n"
    "    sbb 112(%rsp), %r14\n"
    "    sbb 120(%rsp), %r15\n"
    RED_ROUND("%r8", "%r9", "%r10", "%r11")
    RED_ROUND("%r9", "%r10", "%r11", "%r8")
    RED_ROUND("%r10", "%r11", "%r8", "%r9")
    RED_ROUND("%r11", "%r8", "%r9", "%r10")
    "    add %r12, %r8\n"
    "    adc %r13, %r9\n"
    "    adc %r14, %r10\n"
    "    adc %r15, %r11\n"
    "    mov %r8, %rax\n"
    "    sub mp_bn254_adx_p(%rip), %rax\n"
    "    mov %r9, %rbx\n"
    "    sbb mp_bn254_adx_p+8(%rip), %rbx\n"
    "    mov %r10, %rcx\n"
    "    sbb mp_bn254_adx_p+16(%rip), %rcx\n"
    "    mov %r11, %rdx\n"
    "    sbb mp_bn254_adx_p+24(%rip), %rdx\n"
    "    cmovnc %rax, %r8\n"
    "    cmovnc %rbx, %r9\n"
    "    cmovnc %rcx, %r10\n"
    "    cmovnc %rdx, %r11\n"
    "    mov %r8, 32(%rdi)\n"
    "    mov %r9, 40(%rdi)\n"
    "    mov %r10, 48(%rdi)\n"
    "    mov %r11, 56(%rdi)\n"
    /* c0 = T0 - T1, plus p 2^256 when negative */
    "    mov 0(%rsp), %r8\n"
    "    mov 8(%rsp), %r9\n"
    "    mov 16(%rsp), %r10\n"
    "    mov 24(%rsp), %r11\n"
    "    mov 32(%rsp), %r12\n"
    "    mov 40(%rsp), %r13\n"
    "    mov 48(%rsp), %r14\n"
    "    mov 56(%rsp), %r15\n"
    "    sub 64(%rsp), %r8\n"
    "    sbb 72(%rsp), %r9\n"
    "    sbb 80(%rsp), %r10\n"
    "    sbb 88(%rsp), %r11\n"
    "    sbb 96(%rsp), %r12\n"
    "    sbb 104(%rsp), %r13\n"
    "    sbb 112(%rsp), %r14\n"
    "    sbb 120(%rsp), %r15\n"
    "    sbb %rbp, %rbp\n"
    "    mov mp_bn254_adx_p(%rip), %rax\n"
    "    mov mp_bn254_adx_p+8(%rip), %rbx\n"
    "    mov mp_bn254_adx_p+16(%rip), %rcx\n"
    "    mov mp_bn254_adx_p+24(%rip), %rdx\n"
    "    and %rbp, %rax\n"
    "    and %rbp, %rbx\n"
    "    and %rbp, %rcx\n"
    "    and %rbp, %rdx\n"
    "    add %rax, %r12\n"
    "    adc %rbx, %r13\n"
    "    adc %rcx, %r14\n"
    "    adc %rdx, %r15\n"
    RED_ROUND("%r8", "%r9", "%r10", "%r11")
    RED_ROUND("%r9", "%r10", "%r11", "%r8")
    RED_ROUND("%r10", "%r11", "%r8", "%r9")
    RED_ROUND("%r11", "%r8", "%r9", "%r10")
    "    add %r12, %r8\n"
    "    adc %r13, %r9\n"
    "    adc %r14, %r10\n"
    "    adc %r15, %r11\n"
    "    mov %r8, %rax\n"
    "    sub mp_bn254_adx_p(%rip), %rax\n"
    "    mov %r9, %rbx\n"
    "    sbb mp_bn254_adx_p+8(%rip), %rbx\n"
    "    mov %r10, %rcx\n"
    "    sbb mp_bn254_adx_p+16(%rip), %rcx\n"
    "    mov %r11, %rdx\n"
    "    sbb mp_bn254_adx_p+24(%rip), %rdx\n"
    "    cmovnc %rax, %r8\n"
    "    cmovnc %rbx, %r9\n"
    "    cmovnc %rcx, %r10\n"
    "    cmovnc %rdx, %r11\n"
    "    mov %r8, 0(%rdi)\n"
    "    mov %r9, 8(%rdi)\n"
    "    mov %r10, 16(%rdi)\n"
    "    mov %r11, 24(%rdi)\n"
    "    add $200, %rsp\n"
    "    pop %r15\n"
    "    pop %r14\n"
    "    pop %r13\n"
    "    pop %r12\n"
    "    pop %rbp\n"
    "    pop %rbx\n"
    "    ret\n"
    ".size mp_bn254_adx_fp2_mul, .-mp_bn254_adx_fp2_mul\n"

    /* mp_bn254_adx_fp2_sqr(r = rdi, a = rsi): (a0 + a1 u)^2 =
     * (a0 + a1)(a0 - a1) + 2 a0 a1 u, both products 512-bit from unreduced
     * factors (< 2p, so each product is < 4p^2 < p 2^256) and then reduced.
     * Stack: a0 + a1 at 0, a0 + p - a1 at 32, a0 at 64, 2 a1 at 96; a is only
     * read into the stack first, so r may alias it. */
    ".p2align 4\n"
    ".globl mp_bn254_adx_fp2_sqr\n"
    ".type mp_bn254_adx_fp2_sqr, @function\n"
    "mp_bn254_adx_fp2_sqr:\n"
    "    push %rbx\n"
    "    push %rbp\n"
    "    push %r12\n"
    "    push %r13\n"
    "    push %r14\n"
    "    push %r15\n"
    "    sub $136, %rsp\n"
    "    mov 0(%rsi), %r8\n"
    "    mov 8(%rsi), %r9\n"
    "    mov 16(%rsi), %r10\n"
    "    mov 24(%rsi), %r11\n"
    "    mov 32(%rsi), %r12\n"
    "    mov 40(%rsi), %r13\n"
    "    mov 48(%rsi), %r14\n"
    "    mov 56(%rsi), %r15\n"
    "    mov %r8, 64(%rsp)\n"
    "    mov %r9, 72(%rsp)\n"
    "    mov %r10, 80(%rsp)\n"
    "    mov %r11, 88(%rsp)\n"
    /* 2 a1 */
    "    mov %r12, %rax\n"
    "    mov %r13, %rbx\n"
    "    mov %r14, %rcx\n"
    "    mov %r15, %rdx\n"
    "    add %rax, %rax\n"
    "    adc %rbx, %rbx\n"
    "    adc %rcx, %rcx\n"
    "    adc %rdx, %rdx\n"
    "    mov %rax, 96(%rsp)\n"
    "    mov %rbx, 104(%rsp)\n"
    "    mov %rcx, 112(%rsp)\n"
    "    mov %rdx, 120(%rsp)\n"
    /* a0 + a1 */
    "    mov %r8, %rax\n"
    "    mov %r9, %rbx\n"
    "    mov %r10, %rcx\n"
    "    mov %r11, %rdx\n"
    "    add %r12, %rax\n"
    "    adc %r13, %rbx\n"
    "    adc %r14, %rcx\n"
    "    adc %r15, %rdx\n"
    "    mov %rax, 0(%rsp)\n"
    "    mov %rbx, 8(%rsp)\n"
    "    mov %rcx, 16(%rsp)\n"
    "    mov %rdx, 24(%rsp)\n"
    /* a0 + (p - a1) */
    "    mov mp_bn254_adx_p(%rip), %rax\n"
    "    mov mp_bn254_adx_p+8(%rip), %rbx\n"
    "    mov mp_bn254_adx_p+16(%rip), %rcx\n"
    "    mov mp_bn254_adx_p+24(%rip), %rdx\n"
    "    sub %r12, %rax\n"
    "    sbb %r13, %rbx\n"
    "    sbb %r14, %rcx\n"
    "    sbb %r15, %rdx\n"
    "    add %r8, %rax\n"
    "    adc %r9, %rbx\n"
    "    adc %r10, %rcx\n"
    "    adc %r11, %rdx\n"
    "    mov %rax, 32(%rsp)\n"
    "    mov %rbx, 40(%rsp)\n"
    "    mov %rcx, 48(%rsp)\n"
    "    mov %rdx, 56(%rsp)\n"
    /* c1 = a0 (2 a1) */
    "    mov 96(%rsp), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 64(%rsp), %r8, %r9\n"
    "    mulx 72(%rsp), %rbx, %r10\n"
    "    adcx %rbx, %r9\n"
    "    mulx 80(%rsp), %rbx, %r11\n"
    "    adcx %rbx, %r10\n"
    "    mulx 88(%rsp), %rbx, %r12\n"
    "    adcx %rbx, %r11\n"
    "    adcx %rax, %r12\n"
    "    mov 104(%rsp), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 64(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r9\n"
    "    adcx %rbp, %r10\n"
    "    mulx 72(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r10\n"
    "    adcx %rbp, %r11\n"
    "    mulx 80(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r11\n"
    "    adcx %rbp, %r12\n"
    "    mulx 88(%rsp), %rbx, %r13\n"
    "    adox %rbx, %r12\n"
    "    adcx %rax, %r13\n"
    "    adox %rax, %r13\n"
    "    mov 112(%rsp), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 64(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r10\n"
    "    adcx %rbp, %r11\n"
    "    mulx 72(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r11\n"
    "    adcx %rbp, %r12\n"
    "    mulx 80(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r12\n"
    "    adcx %rbp, %r13\n"
    "    mulx 88(%rsp), %rbx, %r14\n"
    "    adox %rbx, %r13\n"
    "    adcx %rax, %r14\n"
    "    adox %rax, %r14\n"
    "    mov 120(%rsp), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 64(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r11\n"
    "    adcx %rbp, %r12\n"
    "    mulx 72(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r12\n"
    "    adcx %rbp, %r13\n"
    "    mulx 80(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r13\n"
    "    adcx %rbp, %r14\n"
    "    mulx 88(%rsp), %rbx, %r15\n"
    "    adox %rbx, %r14\n"
    "    adcx %rax, %r15\n"
    "    adox %rax, %r15\n"
    RED_ROUND("%r8", "%r9", "%r10", "%r11")
    RED_ROUND("%r9", "%r10", "%r11", "%r8")
    RED_ROUND("%r10", "%r11", "%r8", "%r9")
    RED_ROUND("%r11", "%r8", "%r9", "%r10")
    "    add %r12, %r8\n"
    "    adc %r13, %r9\n"
    "    adc %r14, %r10\n"
    "    adc %r15, %r11\n"
    "    mov %r8, %rax\n"
    "    sub mp_bn254_adx_p(%rip), %rax\n"
    "    mov %r9, %rbx\n"
    "    sbb mp_bn254_adx_p+8(%rip), %rbx\n"
    "    mov %r10, %rcx\n"
    "    sbb mp_bn254_adx_p+16(%rip), %rcx\n"
    "    mov %r11, %rdx\n"
    "    sbb mp_bn254_adx_p+24(%rip), %rdx\n"
    "    cmovnc %rax, %r8\n"
    "    cmovnc %rbx, %r9\n"
    "    cmovnc %rcx, %r10\n"
    "    cmovnc %rdx, %r11\n"
    "    mov %r8, 32(%rdi)\n"
    "    mov %r9, 40(%rdi)\n"
    "    mov %r10, 48(%rdi)\n"
    "    mov %r11, 56(%rdi)\n"
    /* c0 = (a0 + a1)(a0 + p - a1) */
    "    mov 32(%rsp), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 0(%rsp), %r8, %r9\n"
    "    mulx 8(%rsp), %rbx, %r10\n"
    "    adcx %rbx, %r9\n"
    "    mulx 16(%rsp), %rbx, %r11\n"
    "    adcx %rbx, %r10\n"
    "    mulx 24(%rsp), %rbx, %r12\n"
    "    adcx %rbx, %r11\n"
    "    adcx %rax, %r12\n"
    "    mov 40(%rsp), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 0(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r9\n"
    "    adcx %rbp, %r10\n"
    "    mulx 8(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r10\n"
    "    adcx %rbp, %r11\n"
    "    mulx 16(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r11\n"
    "    adcx %rbp, %r12\n"
    "    mulx 24(%rsp), %rbx, %r13\n"
    "    adox %rbx, %r12\n"
    "    adcx %rax, %r13\n"
    "    adox %rax, %r13\n"
    "    mov 48(%rsp), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 0(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r10\n"
    "    adcx %rbp, %r11\n"
    "    mulx 8(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r11\n"
    "    adcx %rbp, %r12\n"
    "    mulx 16(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r12\n"
    "    adcx %rbp, %r13\n"
    "    mulx 24(%rsp), %rbx, %r14\n"
    "    adox %rbx, %r13\n"
    "    adcx %rax, %r14\n"
    "    adox %rax, %r14\n"
    "    mov 56(%rsp), %rdx\n"
    "    xor %eax, %eax\n"
    "    mulx 0(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r11\n"
    "    adcx %rbp, %r12\n"
    "    mulx 8(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r12\n"
    "    adcx %rbp, %r13\n"
    "    mulx 16(%rsp), %rbx, %rbp\n"
    "    adox %rbx, %r13\n"
    "    adcx %rbp, %r14\n"
    "    mulx 24(%rsp), %rbx, %r15\n"
    "    adox %rbx, %r14\n"
    "    adcx %rax, %r15\n"
    "    adox %rax, %r15\n"
    RED_ROUND("%r8", "%r9", "%r10", "%r11")
    RED_ROUND("%r9", "%r10", "%r11", "%r8")
    RED_ROUND("%r10", "%r11", "%r8", "%r9")
    RED_ROUND("%r11", "%r8", "%r9", "%r10")
    "    add %r12, %r8\n"
    "    adc %r13, %r9\n"
    "    adc %r14, %r10\n"
    "    adc %r15, %r11\n"
    "    mov %r8, %rax\n"
    "    sub mp_bn254_adx_p(%rip), %rax\n"
    "    mov %r9, %rbx\n"
    "    sbb mp_bn254_adx_p+8(%rip), %rbx\n"
    "    mov %r10, %rcx\n"
    "    sbb mp_bn254_adx_p+16(%rip), %rcx\n"
    "    mov %r11, %rdx\n"
    "    sbb mp_bn254_adx_p+24(%rip), %rdx\n"
    "    cmovnc %rax, %r8\n"
    "    cmovnc %rbx, %r9\n"
    "    cmovnc %rcx, %r10\n"
    "    cmovnc %rdx, %r11\n"
    "    mov %r8, 0(%rdi)\n"
    "    mov %r9, 8(%rdi)\n"
    "    mov %r10, 16(%rdi)\n"
    "    mov %r11, 24(%rdi)\n"
    "    add $136, %rsp\n"
    "    pop %r15\n"
    "    pop %r14\n"
    "    pop %r13\n"
    "    pop %r12\n"
    "    pop %rbp\n"
    "    pop %rbx\n"
    "    ret\n"
    ".size mp_bn254_adx_fp2_sqr, .-mp_bn254_adx_fp2_sqr\n"

    /* mp_bn254_adx_fp2_mul_xi(r = rdi, a = rsi): a (9 + u) = (9 a0 - a1) +
     * (9 a1 + a0) u. Each coordinate is formed exactly as a 5-limb value
     * V < 10p (9x by a shift and an add; -a1 as p - a1), then reduced in
     * constant time: q = ((V >> 250) 0x1529) >> 16 never exceeds
     * floor(V / p) and is at most one below it (checked for every V >> 250
     * by scripts/bn254-constants.py), so V - q p < 2p needs one conditional
     * subtraction. r is written last (it may alias a). */
    ".p2align 4\n"
    ".globl mp_bn254_adx_fp2_mul_xi\n"
    ".type mp_bn254_adx_fp2_mul_xi, @function\n"
    "mp_bn254_adx_fp2_mul_xi:\n"
    "    push %rbx\n"
    "    push %rbp\n"
    "    push %r12\n"
    "    push %r13\n"
    "    push %r14\n"
    "    push %r15\n"
    "    sub $40, %rsp\n"
    /* c1 = 9 a1 + a0, kept on the stack */
    "    mov 32(%rsi), %rax\n"
    "    mov 40(%rsi), %rbx\n"
    "    mov 48(%rsi), %rcx\n"
    "    mov 56(%rsi), %rbp\n"
    "    mov %rbp, %r12\n"
    "    shr $61, %r12\n"
    "    mov %rbp, %r11\n"
    "    shld $3, %rcx, %r11\n"
    "    mov %rcx, %r10\n"
    "    shld $3, %rbx, %r10\n"
    "    mov %rbx, %r9\n"
    "    shld $3, %rax, %r9\n"
    "    mov %rax, %r8\n"
    "    shl $3, %r8\n"
    "    add %rax, %r8\n"
    "    adc %rbx, %r9\n"
    "    adc %rcx, %r10\n"
    "    adc %rbp, %r11\n"
    "    adc $0, %r12\n"
    "    add 0(%rsi), %r8\n"
    "    adc 8(%rsi), %r9\n"
    "    adc 16(%rsi), %r10\n"
    "    adc 24(%rsi), %r11\n"
    "    adc $0, %r12\n"
    "    mov %r11, %rax\n"
    "    shr $58, %rax\n"
    "    mov %r12, %rdx\n"
    "    shl $6, %rdx\n"
    "    or %rdx, %rax\n"
    "    imul $0x1529, %rax, %rax\n"
    "    shr $16, %rax\n"
    "    mov %rax, %rdx\n"
    "    mulx mp_bn254_adx_p(%rip), %r13, %r14\n"
    "    mulx mp_bn254_adx_p+8(%rip), %rax, %r15\n"
    "    add %rax, %r14\n"
    "    mulx mp_bn254_adx_p+16(%rip), %rax, %rbx\n"
    "    adc %rax, %r15\n"
    "    mulx mp_bn254_adx_p+24(%rip), %rax, %rcx\n"
    "    adc %rax, %rbx\n"
    "    adc $0, %rcx\n"
    "    sub %r13, %r8\n"
    "    sbb %r14, %r9\n"
    "    sbb %r15, %r10\n"
    "    sbb %rbx, %r11\n"
    "    sbb %rcx, %r12\n"
    "    mov %r8, %rax\n"
    "    sub mp_bn254_adx_p(%rip), %rax\n"
    "    mov %r9, %rbx\n"
    "    sbb mp_bn254_adx_p+8(%rip), %rbx\n"
    "    mov %r10, %rcx\n"
    "    sbb mp_bn254_adx_p+16(%rip), %rcx\n"
    "    mov %r11, %rdx\n"
    "    sbb mp_bn254_adx_p+24(%rip), %rdx\n"
    "    cmovnc %rax, %r8\n"
    "    cmovnc %rbx, %r9\n"
    "    cmovnc %rcx, %r10\n"
    "    cmovnc %rdx, %r11\n"
    "    mov %r8, 0(%rsp)\n"
    "    mov %r9, 8(%rsp)\n"
    "    mov %r10, 16(%rsp)\n"
    "    mov %r11, 24(%rsp)\n"
    /* c0 = 9 a0 + (p - a1) */
    "    mov 0(%rsi), %rax\n"
    "    mov 8(%rsi), %rbx\n"
    "    mov 16(%rsi), %rcx\n"
    "    mov 24(%rsi), %rbp\n"
    "    mov %rbp, %r12\n"
    "    shr $61, %r12\n"
    "    mov %rbp, %r11\n"
    "    shld $3, %rcx, %r11\n"
    "    mov %rcx, %r10\n"
    "    shld $3, %rbx, %r10\n"
    "    mov %rbx, %r9\n"
    "    shld $3, %rax, %r9\n"
    "    mov %rax, %r8\n"
    "    shl $3, %r8\n"
    "    add %rax, %r8\n"
    "    adc %rbx, %r9\n"
    "    adc %rcx, %r10\n"
    "    adc %rbp, %r11\n"
    "    adc $0, %r12\n"
    "    mov mp_bn254_adx_p(%rip), %rax\n"
    "    mov mp_bn254_adx_p+8(%rip), %rbx\n"
    "    mov mp_bn254_adx_p+16(%rip), %rcx\n"
    "    mov mp_bn254_adx_p+24(%rip), %rbp\n"
    "    sub 32(%rsi), %rax\n"
    "    sbb 40(%rsi), %rbx\n"
    "    sbb 48(%rsi), %rcx\n"
    "    sbb 56(%rsi), %rbp\n"
    "    add %rax, %r8\n"
    "    adc %rbx, %r9\n"
    "    adc %rcx, %r10\n"
    "    adc %rbp, %r11\n"
    "    adc $0, %r12\n"
    "    mov %r11, %rax\n"
    "    shr $58, %rax\n"
    "    mov %r12, %rdx\n"
    "    shl $6, %rdx\n"
    "    or %rdx, %rax\n"
    "    imul $0x1529, %rax, %rax\n"
    "    shr $16, %rax\n"
    "    mov %rax, %rdx\n"
    "    mulx mp_bn254_adx_p(%rip), %r13, %r14\n"
    "    mulx mp_bn254_adx_p+8(%rip), %rax, %r15\n"
    "    add %rax, %r14\n"
    "    mulx mp_bn254_adx_p+16(%rip), %rax, %rbx\n"
    "    adc %rax, %r15\n"
    "    mulx mp_bn254_adx_p+24(%rip), %rax, %rcx\n"
    "    adc %rax, %rbx\n"
    "    adc $0, %rcx\n"
    "    sub %r13, %r8\n"
    "    sbb %r14, %r9\n"
    "    sbb %r15, %r10\n"
    "    sbb %rbx, %r11\n"
    "    sbb %rcx, %r12\n"
    "    mov %r8, %rax\n"
    "    sub mp_bn254_adx_p(%rip), %rax\n"
    "    mov %r9, %rbx\n"
    "    sbb mp_bn254_adx_p+8(%rip), %rbx\n"
    "    mov %r10, %rcx\n"
    "    sbb mp_bn254_adx_p+16(%rip), %rcx\n"
    "    mov %r11, %rdx\n"
    "    sbb mp_bn254_adx_p+24(%rip), %rdx\n"
    "    cmovnc %rax, %r8\n"
    "    cmovnc %rbx, %r9\n"
    "    cmovnc %rcx, %r10\n"
    "    cmovnc %rdx, %r11\n"
    "    mov %r8, 0(%rdi)\n"
    "    mov %r9, 8(%rdi)\n"
    "    mov %r10, 16(%rdi)\n"
    "    mov %r11, 24(%rdi)\n"
    "    mov 0(%rsp), %rax\n"
    "    mov %rax, 32(%rdi)\n"
    "    mov 8(%rsp), %rax\n"
    "    mov %rax, 40(%rdi)\n"
    "    mov 16(%rsp), %rax\n"
    "    mov %rax, 48(%rdi)\n"
    "    mov 24(%rsp), %rax\n"
    "    mov %rax, 56(%rdi)\n"
    "    add $40, %rsp\n"
    "    pop %r15\n"
    "    pop %r14\n"
    "    pop %r13\n"
    "    pop %r12\n"
    "    pop %rbp\n"
    "    pop %rbx\n"
    "    ret\n"
    ".size mp_bn254_adx_fp2_mul_xi, .-mp_bn254_adx_fp2_mul_xi\n"
);
#undef RED_ROUND
/* clang-format on */

#endif /* MPAVS_BN254_FP_ADX_IMPL_H */
