/*
** fp_x86_impl.h: additions and subtractions in Fp and on double-width values
** in baseline x86-64 assembly (ADD/ADC/SUB/SBB/CMOV, present on every x86-64,
** so both backends use them). Compilers turn the portable 128-bit forms into
** slow code; these are the short carry chains the operations need.
** Constant-time: conditional steps use CMOV or masks, never branches.
** The double-width helpers read and write memory through pointers, so their
** asm is volatile with a memory clobber (nothing in them is an output the
** compiler could see).
*/
#ifndef MPAVS_BN254_FP_X86_IMPL_H
#define MPAVS_BN254_FP_X86_IMPL_H

#define FP_HAVE_X86_ADD 1

/* Subtracts p when t >= p (t < 2p). */
static inline void fp_reduce_once(fp *r, uint64_t t0, uint64_t t1, uint64_t t2, uint64_t t3)
{
    uint64_t s0 = t0, s1 = t1, s2 = t2, s3 = t3;
    __asm__("sub %[p0], %[s0]\n\t"
            "sbb %[p1], %[s1]\n\t"
            "sbb %[p2], %[s2]\n\t"
            "sbb %[p3], %[s3]\n\t"
            "cmovc %[t0], %[s0]\n\t"
            "cmovc %[t1], %[s1]\n\t"
            "cmovc %[t2], %[s2]\n\t"
            "cmovc %[t3], %[s3]\n\t"
            : [s0] "+&r"(s0), [s1] "+&r"(s1), [s2] "+&r"(s2), [s3] "+&r"(s3)
            : [t0] "r"(t0), [t1] "r"(t1), [t2] "r"(t2), [t3] "r"(t3), [p0] "m"(FP_MODULUS.v[0]),
              [p1] "m"(FP_MODULUS.v[1]), [p2] "m"(FP_MODULUS.v[2]), [p3] "m"(FP_MODULUS.v[3])
            : "cc");
    r->v[0] = s0;
    r->v[1] = s1;
    r->v[2] = s2;
    r->v[3] = s3;
}

static inline void fp_add(fp *r, const fp *a, const fp *b)
{
    uint64_t t0 = a->v[0], t1 = a->v[1], t2 = a->v[2], t3 = a->v[3];
    __asm__("add %[b0], %[t0]\n\t"
            "adc %[b1], %[t1]\n\t"
            "adc %[b2], %[t2]\n\t"
            "adc %[b3], %[t3]\n\t"
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3)
            : [b0] "m"(b->v[0]), [b1] "m"(b->v[1]), [b2] "m"(b->v[2]), [b3] "m"(b->v[3])
            : "cc");
    fp_reduce_once(r, t0, t1, t2, t3);
}

/* r = a - b mod p: subtract, then add p back under the borrow mask. */
static inline void fp_sub(fp *r, const fp *a, const fp *b)
{
    uint64_t t0 = a->v[0], t1 = a->v[1], t2 = a->v[2], t3 = a->v[3], m, q0, q1, q2, q3;
    __asm__("sub %[b0], %[t0]\n\t"
            "sbb %[b1], %[t1]\n\t"
            "sbb %[b2], %[t2]\n\t"
            "sbb %[b3], %[t3]\n\t"
            "sbb %[m], %[m]\n\t"
            "mov %[p0], %[q0]\n\t"
            "mov %[p1], %[q1]\n\t"
            "mov %[p2], %[q2]\n\t"
            "mov %[p3], %[q3]\n\t"
            "and %[m], %[q0]\n\t"
            "and %[m], %[q1]\n\t"
            "and %[m], %[q2]\n\t"
            "and %[m], %[q3]\n\t"
            "add %[q0], %[t0]\n\t"
            "adc %[q1], %[t1]\n\t"
            "adc %[q2], %[t2]\n\t"
            "adc %[q3], %[t3]\n\t"
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [m] "=&r"(m),
              [q0] "=&r"(q0), [q1] "=&r"(q1), [q2] "=&r"(q2), [q3] "=&r"(q3)
            : [b0] "m"(b->v[0]), [b1] "m"(b->v[1]), [b2] "m"(b->v[2]), [b3] "m"(b->v[3]),
              [p0] "m"(FP_MODULUS.v[0]), [p1] "m"(FP_MODULUS.v[1]), [p2] "m"(FP_MODULUS.v[2]),
              [p3] "m"(FP_MODULUS.v[3])
            : "cc");
    r->v[0] = t0;
    r->v[1] = t1;
    r->v[2] = t2;
    r->v[3] = t3;
}

/* Sum without reduction (< 2^256 for inputs < 2^255). */
static inline void fp_add_nr(fp *r, const fp *a, const fp *b)
{
    uint64_t t0 = a->v[0], t1 = a->v[1], t2 = a->v[2], t3 = a->v[3];
    __asm__("add %[b0], %[t0]\n\t"
            "adc %[b1], %[t1]\n\t"
            "adc %[b2], %[t2]\n\t"
            "adc %[b3], %[t3]\n\t"
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3)
            : [b0] "m"(b->v[0]), [b1] "m"(b->v[1]), [b2] "m"(b->v[2]), [b3] "m"(b->v[3])
            : "cc");
    r->v[0] = t0;
    r->v[1] = t1;
    r->v[2] = t2;
    r->v[3] = t3;
}

/* r = a - b for 512-bit a >= b, streamed through one register. */
static inline void fpw_sub_nr(fpw *r, const fpw *a, const fpw *b)
{
    uint64_t t;
    __asm__ volatile("mov 0(%[a]), %[t]\n\t"
                     "sub 0(%[b]), %[t]\n\t"
                     "mov %[t], 0(%[r])\n\t"
                     "mov 8(%[a]), %[t]\n\t"
                     "sbb 8(%[b]), %[t]\n\t"
                     "mov %[t], 8(%[r])\n\t"
                     "mov 16(%[a]), %[t]\n\t"
                     "sbb 16(%[b]), %[t]\n\t"
                     "mov %[t], 16(%[r])\n\t"
                     "mov 24(%[a]), %[t]\n\t"
                     "sbb 24(%[b]), %[t]\n\t"
                     "mov %[t], 24(%[r])\n\t"
                     "mov 32(%[a]), %[t]\n\t"
                     "sbb 32(%[b]), %[t]\n\t"
                     "mov %[t], 32(%[r])\n\t"
                     "mov 40(%[a]), %[t]\n\t"
                     "sbb 40(%[b]), %[t]\n\t"
                     "mov %[t], 40(%[r])\n\t"
                     "mov 48(%[a]), %[t]\n\t"
                     "sbb 48(%[b]), %[t]\n\t"
                     "mov %[t], 48(%[r])\n\t"
                     "mov 56(%[a]), %[t]\n\t"
                     "sbb 56(%[b]), %[t]\n\t"
                     "mov %[t], 56(%[r])\n\t"
                     : [t] "=&r"(t)
                     : [r] "r"(r->v), [a] "r"(a->v), [b] "r"(b->v)
                     : "cc", "memory");
}

/* r = a - b modulo p 2^256 (both < p 2^256): add p to the upper half on borrow.
 * (The masks are built before the adding chain: AND clears the carry flag.) */
static inline void fpw_sub(fpw *r, const fpw *a, const fpw *b)
{
    uint64_t t, q0, q1, q2, q3;
    __asm__ volatile(
        "mov 0(%[a]), %[t]\n\t"
        "sub 0(%[b]), %[t]\n\t"
        "mov %[t], 0(%[r])\n\t"
        "mov 8(%[a]), %[t]\n\t"
        "sbb 8(%[b]), %[t]\n\t"
        "mov %[t], 8(%[r])\n\t"
        "mov 16(%[a]), %[t]\n\t"
        "sbb 16(%[b]), %[t]\n\t"
        "mov %[t], 16(%[r])\n\t"
        "mov 24(%[a]), %[t]\n\t"
        "sbb 24(%[b]), %[t]\n\t"
        "mov %[t], 24(%[r])\n\t"
        "mov 32(%[a]), %[q0]\n\t"
        "sbb 32(%[b]), %[q0]\n\t"
        "mov 40(%[a]), %[q1]\n\t"
        "sbb 40(%[b]), %[q1]\n\t"
        "mov 48(%[a]), %[q2]\n\t"
        "sbb 48(%[b]), %[q2]\n\t"
        "mov 56(%[a]), %[q3]\n\t"
        "sbb 56(%[b]), %[q3]\n\t"
        "sbb %[t], %[t]\n\t"
        "mov %[q0], 32(%[r])\n\t"
        "mov %[q1], 40(%[r])\n\t"
        "mov %[q2], 48(%[r])\n\t"
        "mov %[q3], 56(%[r])\n\t"
        "mov %[p0], %[q0]\n\t"
        "mov %[p1], %[q1]\n\t"
        "mov %[p2], %[q2]\n\t"
        "mov %[p3], %[q3]\n\t"
        "and %[t], %[q0]\n\t"
        "and %[t], %[q1]\n\t"
        "and %[t], %[q2]\n\t"
        "and %[t], %[q3]\n\t"
        "add %[q0], 32(%[r])\n\t"
        "adc %[q1], 40(%[r])\n\t"
        "adc %[q2], 48(%[r])\n\t"
        "adc %[q3], 56(%[r])\n\t"
        : [t] "=&r"(t), [q0] "=&r"(q0), [q1] "=&r"(q1), [q2] "=&r"(q2), [q3] "=&r"(q3)
        : [r] "r"(r->v), [a] "r"(a->v), [b] "r"(b->v), [p0] "m"(FP_MODULUS.v[0]),
          [p1] "m"(FP_MODULUS.v[1]), [p2] "m"(FP_MODULUS.v[2]), [p3] "m"(FP_MODULUS.v[3])
        : "cc", "memory");
}

/* r = a + b modulo p 2^256 (both < p 2^256): subtract p from the upper half
 * when it reaches p. */
static inline void fpw_add(fpw *r, const fpw *a, const fpw *b)
{
    uint64_t t0, t1, t2, t3;
    __asm__ volatile("mov 0(%[a]), %[t0]\n\t"
                     "add 0(%[b]), %[t0]\n\t"
                     "mov %[t0], 0(%[r])\n\t"
                     "mov 8(%[a]), %[t0]\n\t"
                     "adc 8(%[b]), %[t0]\n\t"
                     "mov %[t0], 8(%[r])\n\t"
                     "mov 16(%[a]), %[t0]\n\t"
                     "adc 16(%[b]), %[t0]\n\t"
                     "mov %[t0], 16(%[r])\n\t"
                     "mov 24(%[a]), %[t0]\n\t"
                     "adc 24(%[b]), %[t0]\n\t"
                     "mov %[t0], 24(%[r])\n\t"
                     "mov 32(%[a]), %[t0]\n\t"
                     "adc 32(%[b]), %[t0]\n\t"
                     "mov 40(%[a]), %[t1]\n\t"
                     "adc 40(%[b]), %[t1]\n\t"
                     "mov 48(%[a]), %[t2]\n\t"
                     "adc 48(%[b]), %[t2]\n\t"
                     "mov 56(%[a]), %[t3]\n\t"
                     "adc 56(%[b]), %[t3]\n\t"
                     : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3)
                     : [r] "r"(r->v), [a] "r"(a->v), [b] "r"(b->v)
                     : "cc", "memory");
    fp hi;
    fp_reduce_once(&hi, t0, t1, t2, t3);
    memcpy(r->v + 4, hi.v, sizeof hi.v);
}

#endif /* MPAVS_BN254_FP_X86_IMPL_H */
