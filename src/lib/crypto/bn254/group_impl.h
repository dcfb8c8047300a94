/*
** group_impl.h: short Weierstrass arithmetic (y^2 = x^3 + b, a = 0) written
** once for both groups: included by g1_impl.h over Fp and by g2_impl.h over
** Fp2 with these macros set:
**
**   GFE        the field element type          GF(op)   its operations
**   GP(name)   prefixes the names made here    G_AFF    the public affine type
**   G_B, G_B3  pointers to b and 3b
**
** Three representations: the public affine type; Jacobian (X, Y, Z) with
** x = X/Z^2, y = Y/Z^3 for the fast variable-time formulas (dbl-2009-l,
** add-2007-bl, madd-2007-bl from the EFD), which branch on exceptional
** cases; and homogeneous projective (X : Y : Z) for the complete formulas of
** Renes, Costello and Batina (2016, algorithms 7 and 9), which have no
** exceptional cases and so no branches: the constant-time scalar
** multiplication uses those.
*/

typedef struct GP(j) {
    GFE x, y, z;
} GP(j);

typedef struct GP(p) {
    GFE x, y, z;
} GP(p);

static inline void GP(j_set_inf)(GP(j) * r)
{
    GF(set_one)(&r->x);
    GF(set_one)(&r->y);
    GF(set_zero)(&r->z);
}

static inline int GP(j_is_inf)(const GP(j) * a)
{
    return GF(is_zero)(&a->z);
}

static inline void GP(j_from_aff)(GP(j) * r, const G_AFF *a)
{
    if (a->infinity) {
        GP(j_set_inf)(r);
        return;
    }
    r->x = a->x;
    r->y = a->y;
    GF(set_one)(&r->z);
}

static inline void GP(aff_set_inf)(G_AFF *r)
{
    memset(r, 0, sizeof *r);
    r->infinity = 1;
}

static inline void GP(aff_neg)(G_AFF *r, const G_AFF *a)
{
    *r = *a;
    GF(neg)(&r->y, &a->y);
}

static BN_UNUSED int GP(aff_on_curve)(const G_AFF *a)
{
    if (a->infinity)
        return 1;
    GFE l, rt;
    GF(sqr)(&l, &a->y);
    GF(sqr)(&rt, &a->x);
    GF(mul)(&rt, &rt, &a->x);
    GF(add)(&rt, &rt, G_B);
    return GF(eq)(&l, &rt);
}

/* Affine form (variable time: public points only). */
static BN_UNUSED void GP(j_to_aff)(G_AFF *r, const GP(j) * a)
{
    if (GP(j_is_inf)(a)) {
        GP(aff_set_inf)(r);
        return;
    }
    GFE zi, zi2;
    GF(inv_var)(&zi, &a->z);
    GF(sqr)(&zi2, &zi);
    GF(mul)(&r->x, &a->x, &zi2);
    GF(mul)(&zi2, &zi2, &zi);
    GF(mul)(&r->y, &a->y, &zi2);
    r->infinity = 0;
}

/* Converts n Jacobian points with one inversion (Montgomery's trick). The
 * scratch array holds n field elements. */
static BN_UNUSED void GP(j_to_aff_batch)(G_AFF *r, const GP(j) * a, size_t n, GFE *scratch)
{
    GFE acc;
    GF(set_one)(&acc);
    for (size_t i = 0; i < n; i++) {
        scratch[i] = acc;
        if (!GP(j_is_inf)(&a[i]))
            GF(mul)(&acc, &acc, &a[i].z);
    }
    GF(inv_var)(&acc, &acc);
    for (size_t i = n; i-- > 0;) {
        if (GP(j_is_inf)(&a[i])) {
            GP(aff_set_inf)(&r[i]);
            continue;
        }
        GFE zi, zi2;
        GF(mul)(&zi, &acc, &scratch[i]);
        GF(mul)(&acc, &acc, &a[i].z);
        GF(sqr)(&zi2, &zi);
        GF(mul)(&r[i].x, &a[i].x, &zi2);
        GF(mul)(&zi2, &zi2, &zi);
        GF(mul)(&r[i].y, &a[i].y, &zi2);
        r[i].infinity = 0;
    }
}

/* dbl-2009-l: 2M + 5S. */
static BN_UNUSED void GP(j_dbl)(GP(j) * r, const GP(j) * a)
{
    GFE A, B, C, D, E, F, t;
    GF(sqr)(&A, &a->x);
    GF(sqr)(&B, &a->y);
    GF(sqr)(&C, &B);
    GF(add)(&D, &a->x, &B);
    GF(sqr)(&D, &D);
    GF(sub)(&D, &D, &A);
    GF(sub)(&D, &D, &C);
    GF(dbl)(&D, &D);
    GF(dbl)(&E, &A);
    GF(add)(&E, &E, &A);
    GF(sqr)(&F, &E);
    GF(mul)(&r->z, &a->y, &a->z);
    GF(dbl)(&r->z, &r->z);
    GF(dbl)(&t, &D);
    GF(sub)(&r->x, &F, &t);
    GF(sub)(&t, &D, &r->x);
    GF(mul)(&t, &E, &t);
    GF(dbl)(&C, &C);
    GF(dbl)(&C, &C);
    GF(dbl)(&C, &C);
    GF(sub)(&r->y, &t, &C);
}

/* madd-2007-bl: r = a + b with b affine, 7M + 4S; handles every case. */
static BN_UNUSED void GP(j_add_aff)(GP(j) * r, const GP(j) * a, const G_AFF *b)
{
    if (b->infinity) {
        *r = *a;
        return;
    }
    if (GP(j_is_inf)(a)) {
        GP(j_from_aff)(r, b);
        return;
    }
    GFE z1z1, u2, s2, h, hh, i, j, rr, v, t;
    GF(sqr)(&z1z1, &a->z);
    GF(mul)(&u2, &b->x, &z1z1);
    GF(mul)(&s2, &b->y, &a->z);
    GF(mul)(&s2, &s2, &z1z1);
    GF(sub)(&h, &u2, &a->x);
    GF(sub)(&rr, &s2, &a->y);
    if (GF(is_zero)(&h)) {
        if (GF(is_zero)(&rr))
            GP(j_dbl)(r, a);
        else
            GP(j_set_inf)(r);
        return;
    }
    GF(dbl)(&rr, &rr);
    GF(sqr)(&hh, &h);
    GF(dbl)(&i, &hh);
    GF(dbl)(&i, &i);
    GF(mul)(&j, &h, &i);
    GF(mul)(&v, &a->x, &i);
    GFE x3, y3;
    GF(sqr)(&x3, &rr);
    GF(sub)(&x3, &x3, &j);
    GF(sub)(&x3, &x3, &v);
    GF(sub)(&x3, &x3, &v);
    GF(sub)(&t, &v, &x3);
    GF(mul)(&y3, &rr, &t);
    GF(mul)(&t, &a->y, &j);
    GF(dbl)(&t, &t);
    GF(sub)(&y3, &y3, &t);
    GF(add)(&t, &a->z, &h);
    GF(sqr)(&t, &t);
    GF(sub)(&t, &t, &z1z1);
    GF(sub)(&r->z, &t, &hh);
    r->x = x3;
    r->y = y3;
}

/* add-2007-bl: r = a + b, 11M + 5S; handles every case. */
static BN_UNUSED void GP(j_add)(GP(j) * r, const GP(j) * a, const GP(j) * b)
{
    if (GP(j_is_inf)(a)) {
        *r = *b;
        return;
    }
    if (GP(j_is_inf)(b)) {
        *r = *a;
        return;
    }
    GFE z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v, t;
    GF(sqr)(&z1z1, &a->z);
    GF(sqr)(&z2z2, &b->z);
    GF(mul)(&u1, &a->x, &z2z2);
    GF(mul)(&u2, &b->x, &z1z1);
    GF(mul)(&s1, &a->y, &b->z);
    GF(mul)(&s1, &s1, &z2z2);
    GF(mul)(&s2, &b->y, &a->z);
    GF(mul)(&s2, &s2, &z1z1);
    GF(sub)(&h, &u2, &u1);
    GF(sub)(&rr, &s2, &s1);
    if (GF(is_zero)(&h)) {
        if (GF(is_zero)(&rr))
            GP(j_dbl)(r, a);
        else
            GP(j_set_inf)(r);
        return;
    }
    GF(dbl)(&rr, &rr);
    GF(dbl)(&i, &h);
    GF(sqr)(&i, &i);
    GF(mul)(&j, &h, &i);
    GF(mul)(&v, &u1, &i);
    GFE x3, y3;
    GF(sqr)(&x3, &rr);
    GF(sub)(&x3, &x3, &j);
    GF(sub)(&x3, &x3, &v);
    GF(sub)(&x3, &x3, &v);
    GF(sub)(&t, &v, &x3);
    GF(mul)(&y3, &rr, &t);
    GF(mul)(&t, &s1, &j);
    GF(dbl)(&t, &t);
    GF(sub)(&y3, &y3, &t);
    GF(add)(&t, &a->z, &b->z);
    GF(sqr)(&t, &t);
    GF(sub)(&t, &t, &z1z1);
    GF(sub)(&t, &t, &z2z2);
    GF(mul)(&r->z, &t, &h);
    r->x = x3;
    r->y = y3;
}

static inline void GP(j_neg)(GP(j) * r, const GP(j) * a)
{
    *r = *a;
    GF(neg)(&r->y, &a->y);
}

/* ---- complete projective formulas (constant time) ------------------------ */

static inline void GP(p_set_inf)(GP(p) * r)
{
    GF(set_zero)(&r->x);
    GF(set_one)(&r->y);
    GF(set_zero)(&r->z);
}

static inline void GP(p_from_aff)(GP(p) * r, const G_AFF *a)
{
    /* Branch-free: infinity becomes (0 : 1 : 0). */
    uint64_t inf = (uint64_t)(a->infinity != 0);
    GFE zero, one;
    GF(set_zero)(&zero);
    GF(set_one)(&one);
    r->x = a->x;
    r->y = a->y;
    r->z = one;
    GF(cmov)(&r->x, &zero, inf);
    GF(cmov)(&r->y, &one, inf);
    GF(cmov)(&r->z, &zero, inf);
}

/* Renes-Costello-Batina algorithm 7: complete addition for a = 0. */
static BN_UNUSED void GP(p_add)(GP(p) * r, const GP(p) * p1, const GP(p) * p2)
{
    GFE t0, t1, t2, t3, t4, x3, y3, z3;
    GF(mul)(&t0, &p1->x, &p2->x);
    GF(mul)(&t1, &p1->y, &p2->y);
    GF(mul)(&t2, &p1->z, &p2->z);
    GF(add)(&t3, &p1->x, &p1->y);
    GF(add)(&t4, &p2->x, &p2->y);
    GF(mul)(&t3, &t3, &t4);
    GF(add)(&t4, &t0, &t1);
    GF(sub)(&t3, &t3, &t4);
    GF(add)(&t4, &p1->y, &p1->z);
    GF(add)(&x3, &p2->y, &p2->z);
    GF(mul)(&t4, &t4, &x3);
    GF(add)(&x3, &t1, &t2);
    GF(sub)(&t4, &t4, &x3);
    GF(add)(&x3, &p1->x, &p1->z);
    GF(add)(&y3, &p2->x, &p2->z);
    GF(mul)(&x3, &x3, &y3);
    GF(add)(&y3, &t0, &t2);
    GF(sub)(&y3, &x3, &y3);
    GF(dbl)(&x3, &t0);
    GF(add)(&t0, &x3, &t0);
    GF(mul)(&t2, &t2, G_B3);
    GF(add)(&z3, &t1, &t2);
    GF(sub)(&t1, &t1, &t2);
    GF(mul)(&y3, &y3, G_B3);
    GF(mul)(&x3, &t4, &y3);
    GF(mul)(&t2, &t3, &t1);
    GF(sub)(&x3, &t2, &x3);
    GF(mul)(&y3, &y3, &t0);
    GF(mul)(&t1, &t1, &z3);
    GF(add)(&y3, &t1, &y3);
    GF(mul)(&t0, &t0, &t3);
    GF(mul)(&z3, &z3, &t4);
    GF(add)(&z3, &z3, &t0);
    r->x = x3;
    r->y = y3;
    r->z = z3;
}

/* Renes-Costello-Batina algorithm 9: complete doubling for a = 0. */
static BN_UNUSED void GP(p_dbl)(GP(p) * r, const GP(p) * a)
{
    GFE t0, t1, t2, x3, y3, z3;
    GF(sqr)(&t0, &a->y);
    GF(dbl)(&z3, &t0);
    GF(dbl)(&z3, &z3);
    GF(dbl)(&z3, &z3);
    GF(mul)(&t1, &a->y, &a->z);
    GF(sqr)(&t2, &a->z);
    GF(mul)(&t2, &t2, G_B3);
    GF(mul)(&x3, &t2, &z3);
    GF(add)(&y3, &t0, &t2);
    GF(mul)(&z3, &t1, &z3);
    GF(dbl)(&t1, &t2);
    GF(add)(&t2, &t1, &t2);
    GF(sub)(&t0, &t0, &t2);
    GF(mul)(&y3, &t0, &y3);
    GF(add)(&y3, &x3, &y3);
    GF(mul)(&t1, &a->x, &a->y);
    GF(mul)(&x3, &t0, &t1);
    GF(dbl)(&x3, &x3);
    r->x = x3;
    r->y = y3;
    r->z = z3;
}

/* Affine form of a projective point, in constant time (Z may derive from a
 * secret, so the inversion is the Fermat one and there is no branch). */
static BN_UNUSED void GP(p_to_aff)(G_AFF *r, const GP(p) * a)
{
    GFE zi;
    GF(inv)(&zi, &a->z); /* zero for infinity: x, y become 0 */
    GF(mul)(&r->x, &a->x, &zi);
    GF(mul)(&r->y, &a->y, &zi);
    r->infinity = GF(is_zero)(&a->z);
}

static inline void GP(p_cmov)(GP(p) * r, const GP(p) * a, uint64_t flag)
{
    GF(cmov)(&r->x, &a->x, flag);
    GF(cmov)(&r->y, &a->y, flag);
    GF(cmov)(&r->z, &a->z, flag);
}

/* r = k*a for a secret k (4 limbs, < 2^256): 4-bit fixed window over all 64
 * windows, every table entry read for each lookup, complete formulas. */
static BN_UNUSED void GP(mul_ct)(G_AFF *r, const G_AFF *a, const uint64_t k[4])
{
    GP(p) table[16], acc, sel;
    GP(p_set_inf)(&table[0]);
    GP(p_from_aff)(&table[1], a);
    for (int i = 2; i < 16; i++) {
        if (i & 1)
            GP(p_add)(&table[i], &table[i - 1], &table[1]);
        else
            GP(p_dbl)(&table[i], &table[i / 2]);
    }
    GP(p_set_inf)(&acc);
    for (int w = 63; w >= 0; w--) {
        for (int d = 0; d < 4; d++)
            GP(p_dbl)(&acc, &acc);
        uint64_t nib = (k[w / 16] >> (4 * (w % 16))) & 15;
        GP(p_set_inf)(&sel);
        for (uint64_t i = 1; i < 16; i++) {
            uint64_t diff = i ^ nib;
            uint64_t is_eq = ((diff | (0 - diff)) >> 63) ^ 1;
            GP(p_cmov)(&sel, &table[i], is_eq);
        }
        GP(p_add)(&acc, &acc, &sel);
    }
    GP(p_to_aff)(r, &acc);
    /* The running point reveals a prefix of k's bits: do not leave it behind. */
    mp_memzero(&acc, sizeof acc);
    mp_memzero(&sel, sizeof sel);
}

/* ---- variable-time helpers -------------------------------------------- */

/* Plain double-and-add on Jacobian points: the slow reference the tests
 * compare the fast multiplications against. */
static BN_UNUSED void GP(mul_ref)(G_AFF *r, const G_AFF *a, const uint64_t k[4])
{
    GP(j) acc;
    GP(j_set_inf)(&acc);
    for (int i = 255; i >= 0; i--) {
        GP(j_dbl)(&acc, &acc);
        if ((k[i / 64] >> (i % 64)) & 1)
            GP(j_add_aff)(&acc, &acc, a);
    }
    GP(j_to_aff)(r, &acc);
}

/* Odd multiples a, 3a, ..., (2n-1)a in affine form (n <= 16). */
static BN_UNUSED void GP(odd_multiples)(G_AFF *out, const G_AFF *a, int n)
{
    GP(j) jac[16], twice;
    GFE scratch[16];
    GP(j_from_aff)(&jac[0], a);
    GP(j_dbl)(&twice, &jac[0]);
    for (int i = 1; i < n; i++)
        GP(j_add)(&jac[i], &jac[i - 1], &twice);
    GP(j_to_aff_batch)(out, jac, (size_t)n, scratch);
}

/* Adds digit * table (odd multiples, signed digit) to acc. */
static inline void GP(j_add_digit)(GP(j) * acc, const G_AFF *table, int digit)
{
    if (digit > 0) {
        GP(j_add_aff)(acc, acc, &table[digit / 2]);
    } else if (digit < 0) {
        G_AFF neg;
        GP(aff_neg)(&neg, &table[-digit / 2]);
        GP(j_add_aff)(acc, acc, &neg);
    }
}

/* ---- Straus multi-scalar multiplication (a few points) ------------------- */

#ifndef MSM_STRAUS_MAX
#define MSM_STRAUS_MAX 48 /* fewer points than this: Straus needs fewer additions */
#define MSM_STRAUS_W   4  /* width-4 NAF over the odd multiples 1, 3, 5, 7 */
#define MSM_STRAUS_T   4  /* table entries per point */
#endif

/* A scalar's first `bits` bits as 4 limbs (what Pippenger reads too). */
static inline void GP(scalar_bits)(uint64_t k[4], const mp_bn254_scalar *s, unsigned bits)
{
    for (unsigned i = 0; i < 4; i++) {
        unsigned lo = 64 * i;
        k[i] = bits >= lo + 64 ? s->v[i]
               : bits > lo     ? s->v[i] & (((uint64_t)1 << (bits - lo)) - 1)
                               : 0;
    }
}

/* r = sum k_i a_i by one doubling chain for all points, each scalar in
 * width-4 NAF over its point's odd multiples (every table made affine with one
 * inversion for all). For the small batches of the aggregator's BLS checks
 * this does about half the additions of Pippenger's buckets. Returns 0 when
 * out of memory. */
static BN_UNUSED int GP(msm_straus)(G_AFF *r, const G_AFF *pts, const mp_bn254_scalar *ks, size_t n,
                                    unsigned bits)
{
    const size_t T = MSM_STRAUS_T, stride = 257; /* wnaf_recode writes up to 64*4 + 1 */
    GP(j) *jac = malloc(n * T * sizeof *jac);
    G_AFF *tab = malloc(n * T * sizeof *tab);
    GFE *scratch = malloc(n * T * sizeof *scratch);
    int8_t *digits = malloc(n * stride * sizeof *digits);
    int *len = malloc(n * sizeof *len);
    int ok = jac && tab && scratch && digits && len, top = 0;
    for (size_t i = 0; ok && i < n; i++) {
        GP(j) twice, *t = &jac[i * T];
        GP(j_from_aff)(&t[0], &pts[i]);
        GP(j_dbl)(&twice, &t[0]);
        for (size_t m = 1; m < T; m++)
            GP(j_add)(&t[m], &t[m - 1], &twice);
        uint64_t k[4];
        GP(scalar_bits)(k, &ks[i], bits);
        len[i] = pts[i].infinity ? 0 : wnaf_recode(&digits[i * stride], k, 4, MSM_STRAUS_W);
        if (len[i] > top)
            top = len[i];
    }
    GP(j) acc;
    GP(j_set_inf)(&acc);
    if (ok)
        GP(j_to_aff_batch)(tab, jac, n * T, scratch);
    for (int b = top - 1; ok && b >= 0; b--) {
        GP(j_dbl)(&acc, &acc);
        for (size_t i = 0; i < n; i++)
            if (b < len[i])
                GP(j_add_digit)(&acc, &tab[i * T], digits[i * stride + (size_t)b]);
    }
    if (ok)
        GP(j_to_aff)(r, &acc);
    free(jac);
    free(tab);
    free(scratch);
    free(digits);
    free(len);
    return ok;
}

/* ---- Pippenger multi-scalar multiplication ------------------------------- */

/* Bucket window width for n points (about log2(n) - 2, at least 2). */
static inline int GP(msm_window)(size_t n)
{
    int c = 2;
    while (c < 15 && ((size_t)1 << (c + 3)) <= n)
        c++;
    return c;
}

/* r = sum k_i a_i (Straus below MSM_STRAUS_MAX points). Scalars are cut in signed c-bit digits
 * (carrying into the next window), so 2^(c-1) buckets serve digits in [-2^(c-1), 2^(c-1)]. Returns
 * 0 when out of memory. */
static BN_UNUSED int GP(msm)(G_AFF *r, const G_AFF *pts, const mp_bn254_scalar *ks, size_t n,
                             unsigned bits)
{
    if (bits > 256)
        bits = 256;
    if (n == 0 || bits == 0) {
        GP(aff_set_inf)(r);
        return 1;
    }
    if (n < MSM_STRAUS_MAX)
        return GP(msm_straus)(r, pts, ks, n, bits);
    int c = GP(msm_window)(n);
    int windows = (int)(bits + 1 + (unsigned)c - 1) / c; /* +1: the last carry */
    size_t nb = (size_t)1 << (c - 1);
    GP(j) *buckets = malloc(nb * sizeof *buckets);
    int16_t *digits = malloc(n * (size_t)windows * sizeof *digits);
    if (buckets == NULL || digits == NULL) {
        free(buckets);
        free(digits);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        int carry = 0;
        for (int w = 0; w < windows; w++) {
            unsigned pos = (unsigned)(w * c);
            uint64_t raw = 0;
            if (pos < 256) {
                raw = ks[i].v[pos / 64] >> (pos % 64);
                if (pos % 64 + (unsigned)c > 64 && pos / 64 + 1 < 4)
                    raw |= ks[i].v[pos / 64 + 1] << (64 - pos % 64);
            }
            int d = (int)(raw & (((uint64_t)1 << c) - 1)) + carry;
            carry = 0;
            if (d > (1 << (c - 1))) {
                d -= 1 << c;
                carry = 1;
            }
            digits[i * (size_t)windows + (size_t)w] = (int16_t)d;
        }
    }
    GP(j) total;
    GP(j_set_inf)(&total);
    for (int w = windows - 1; w >= 0; w--) {
        for (int d = 0; d < c; d++)
            GP(j_dbl)(&total, &total);
        for (size_t b = 0; b < nb; b++)
            GP(j_set_inf)(&buckets[b]);
        for (size_t i = 0; i < n; i++) {
            int d = digits[i * (size_t)windows + (size_t)w];
            if (d > 0) {
                GP(j_add_aff)(&buckets[d - 1], &buckets[d - 1], &pts[i]);
            } else if (d < 0) {
                G_AFF neg;
                GP(aff_neg)(&neg, &pts[i]);
                GP(j_add_aff)(&buckets[-d - 1], &buckets[-d - 1], &neg);
            }
        }
        /* sum_b (b+1) * bucket[b] by running sums from the top. */
        GP(j) running, acc;
        GP(j_set_inf)(&running);
        GP(j_set_inf)(&acc);
        for (size_t b = nb; b-- > 0;) {
            GP(j_add)(&running, &running, &buckets[b]);
            GP(j_add)(&acc, &acc, &running);
        }
        GP(j_add)(&total, &total, &acc);
    }
    GP(j_to_aff)(r, &total);
    free(buckets);
    free(digits);
    return 1;
}
