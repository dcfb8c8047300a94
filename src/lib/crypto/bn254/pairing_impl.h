/*
** pairing_impl.h: the optimal ate pairing on alt_bn128.
**
** Miller loop over 6x+2 in non-adjacent form, with the twist point T kept in
** homogeneous projective coordinates and each step fused with its line
** evaluation (Costello-Lange-Naehrig; Aranha et al., "Faster explicit
** formulas for computing pairings over ordinary curves", 2011). For the
** D-type twist the line through T, evaluated at P = (xP, yP), is
** a + (b + c v) w with a, b, c in Fp2 (up to a factor in Fp2, which the final
** exponentiation removes), so it multiplies into f sparsely. Several pairs
** share one squaring of f per step. The loop ends with the lines through
** psi(Q) and -psi^2(Q).
**
** Final exponentiation: the easy part f^((p^6-1)(p^2+1)) with one inversion,
** then the hard part (p^4-p^2+1)/r exactly, by the addition chain of Scott,
** Benger, Charlemagne, Dominguez Perez and Kachisa ("On the final
** exponentiation for calculating pairings on ordinary elliptic curves",
** 2009): three exponentiations by x with cyclotomic squarings.
*/
#ifndef MPAVS_BN254_PAIRING_IMPL_H
#define MPAVS_BN254_PAIRING_IMPL_H

typedef struct g2proj {
    fp2 x, y, z;
} g2proj;

/* One pair in the Miller loop: P's coordinates as the lines need them, Q,
 * and the running point T. */
typedef struct ml_pair {
    fp xp, myp; /* xP, -yP */
    g2a q, mq;  /* Q, -Q */
    g2proj t;
} ml_pair;

/* Tangent line at T evaluated at P, and T = 2T.
 * B = Y^2, C = Z^2, E = 3b'C, F = 3E, G = (B + F)/2, H = (Y + Z)^2 - B - C = 2YZ;
 * X3 = XY/2 (B - F), Y3 = G^2 - 3E^2, Z3 = B H;
 * line: a = -H yP, b = 3X^2 xP, c = E - B. */
static inline void ml_dbl_step(fp2 *a, fp2 *b, fp2 *c, g2proj *t, const fp *xp, const fp *myp)
{
    fp2 A, B, C, E, F, G, H, t0;
    fp2_mul(&A, &t->x, &t->y);
    fp2_half(&A, &A);
    fp2_sqr(&B, &t->y);
    fp2_sqr(&C, &t->z);
    fp2_mul(&E, &C, &FP2_B3_TWIST);
    fp2_dbl(&F, &E);
    fp2_add(&F, &F, &E);
    fp2_add(&G, &B, &F);
    fp2_half(&G, &G);
    fp2_add(&H, &t->y, &t->z);
    fp2_sqr(&H, &H);
    fp2_sub(&H, &H, &B);
    fp2_sub(&H, &H, &C);
    /* line (from the input T) */
    fp2_sub(c, &E, &B);
    fp2_sqr(&t0, &t->x);
    fp2_mul_fp(b, &t0, xp);
    fp2_dbl(&t0, b);
    fp2_add(b, b, &t0);
    fp2_mul_fp(a, &H, myp);
    /* T = 2T */
    fp2_sub(&t0, &B, &F);
    fp2_mul(&t->x, &A, &t0);
    fp2_sqr(&t0, &E);
    fp2_dbl(&E, &t0);
    fp2_add(&E, &E, &t0); /* 3E^2 */
    fp2_sqr(&G, &G);
    fp2_sub(&t->y, &G, &E);
    fp2_mul(&t->z, &B, &H);
}

/* Line through T and Q (affine) evaluated at P, and T = T + Q.
 * theta = Y - y2 Z, lambda = X - x2 Z; C = theta^2, D = lambda^2, E = lambda D,
 * F = Z C, G = X D, H = E + F - 2G; X3 = lambda H, Y3 = theta (G - H) - Y E,
 * Z3 = Z E; line: a = -lambda yP, b = theta xP, c = lambda y2 - theta x2. */
static inline void ml_add_step(fp2 *a, fp2 *b, fp2 *c, g2proj *t, const g2a *q, const fp *xp,
                               const fp *myp)
{
    fp2 theta, lambda, C, D, E, F, G, H, t0;
    fp2_mul(&t0, &q->y, &t->z);
    fp2_sub(&theta, &t->y, &t0);
    fp2_mul(&t0, &q->x, &t->z);
    fp2_sub(&lambda, &t->x, &t0);
    /* line */
    fp2_mul(c, &lambda, &q->y);
    fp2_mul(&t0, &theta, &q->x);
    fp2_sub(c, c, &t0);
    fp2_mul_fp(b, &theta, xp);
    fp2_mul_fp(a, &lambda, myp);
    /* T = T + Q */
    fp2_sqr(&C, &theta);
    fp2_sqr(&D, &lambda);
    fp2_mul(&E, &lambda, &D);
    fp2_mul(&F, &t->z, &C);
    fp2_mul(&G, &t->x, &D);
    fp2_add(&H, &E, &F);
    fp2_sub(&H, &H, &G);
    fp2_sub(&H, &H, &G);
    fp2_mul(&t->x, &lambda, &H);
    fp2_sub(&t0, &G, &H);
    fp2_mul(&t0, &t0, &theta);
    fp2_mul(&C, &t->y, &E);
    fp2_sub(&t->y, &t0, &C);
    fp2_mul(&t->z, &t->z, &E);
}

/* f = prod over the pairs of the Miller function f_{6x+2,Q}(P) times the two
 * Frobenius lines. Pairs with a point at infinity must be left out. */
static BN_UNUSED void miller_loop(fp12 *f, ml_pair *pairs, size_t n)
{
    fp2 a, b, c;
    fp12_set_one(f);
    if (n == 0)
        return;
    for (size_t j = 0; j < n; j++) {
        pairs[j].t.x = pairs[j].q.x;
        pairs[j].t.y = pairs[j].q.y;
        fp2_set_one(&pairs[j].t.z);
        pairs[j].mq = pairs[j].q;
        fp2_neg(&pairs[j].mq.y, &pairs[j].q.y);
    }
    int top = (int)(sizeof ATE_NAF / sizeof ATE_NAF[0]) - 1;
    for (int i = top - 1; i >= 0; i--) {
        if (i != top - 1)
            fp12_sqr(f, f);
        for (size_t j = 0; j < n; j++) {
            ml_pair *pj = &pairs[j];
            ml_dbl_step(&a, &b, &c, &pj->t, &pj->xp, &pj->myp);
            fp12_mul_line(f, &a, &b, &c);
        }
        if (ATE_NAF[i] == 0)
            continue;
        for (size_t j = 0; j < n; j++) {
            ml_pair *pj = &pairs[j];
            ml_add_step(&a, &b, &c, &pj->t, ATE_NAF[i] > 0 ? &pj->q : &pj->mq, &pj->xp, &pj->myp);
            fp12_mul_line(f, &a, &b, &c);
        }
    }
    for (size_t j = 0; j < n; j++) {
        ml_pair *pj = &pairs[j];
        g2a q1, q2;
        g2aff_psi(&q1, &pj->q);
        fp2_mul_fp(&q2.x, &pj->q.x, &FROB2_2); /* -psi^2(Q) = (x xi^((p^2-1)/3), y) */
        q2.y = pj->q.y;
        q2.infinity = 0;
        ml_add_step(&a, &b, &c, &pj->t, &q1, &pj->xp, &pj->myp);
        fp12_mul_line(f, &a, &b, &c);
        ml_add_step(&a, &b, &c, &pj->t, &q2, &pj->xp, &pj->myp);
        fp12_mul_line(f, &a, &b, &c);
    }
}

/* f^((p^6 - 1)(p^2 + 1)): the result is in the cyclotomic subgroup. */
static BN_UNUSED void final_exp_easy(fp12 *r, const fp12 *f)
{
    fp12 t, inv;
    fp12_conj(&t, f);
    fp12_inv_var(&inv, f);
    fp12_mul(&t, &t, &inv);
    fp12_frobenius(&inv, &t, 2);
    fp12_mul(r, &inv, &t);
}

static BN_UNUSED void final_exp(fp12 *r, const fp12 *f)
{
    fp12 t, fp1, fp2_, fp3, fu, fu2, fu3, y0, y1, y2, y3, y4, y5, y6, t0, t1;
    final_exp_easy(&t, f);
    fp12_frobenius(&fp1, &t, 1);
    fp12_frobenius(&fp2_, &t, 2);
    fp12_frobenius(&fp3, &fp2_, 1);
    fp12_cyclotomic_exp_x(&fu, &t);
    fp12_cyclotomic_exp_x(&fu2, &fu);
    fp12_cyclotomic_exp_x(&fu3, &fu2);
    fp12_frobenius(&y3, &fu, 1);
    fp12_frobenius(&t0, &fu2, 1); /* fu2^p */
    fp12_frobenius(&t1, &fu3, 1); /* fu3^p */
    fp12_frobenius(&y2, &fu2, 2);
    fp12_mul(&y0, &fp1, &fp2_);
    fp12_mul(&y0, &y0, &fp3);
    fp12_conj(&y1, &t);
    fp12_conj(&y5, &fu2);
    fp12_conj(&y3, &y3);
    fp12_mul(&y4, &fu, &t0);
    fp12_conj(&y4, &y4);
    fp12_mul(&y6, &fu3, &t1);
    fp12_conj(&y6, &y6);
    fp12_cyclotomic_sqr(&t0, &y6);
    fp12_mul(&t0, &t0, &y4);
    fp12_mul(&t0, &t0, &y5);
    fp12_mul(&t1, &y3, &y5);
    fp12_mul(&t1, &t1, &t0);
    fp12_mul(&t0, &t0, &y2);
    fp12_cyclotomic_sqr(&t1, &t1);
    fp12_mul(&t1, &t1, &t0);
    fp12_cyclotomic_sqr(&t1, &t1);
    fp12_mul(&t0, &t1, &y1);
    fp12_mul(&t1, &t1, &y0);
    fp12_cyclotomic_sqr(&t0, &t0);
    fp12_mul(r, &t0, &t1);
}

/* The slow reference: easy part, then a plain exponentiation by the hard
 * exponent (p^4 - p^2 + 1)/r (762 bits). */
static BN_UNUSED void final_exp_ref(fp12 *r, const fp12 *f)
{
    fp12 t;
    final_exp_easy(&t, f);
    fp12_pow_var(r, &t, HARD_EXP, (int)(sizeof HARD_EXP / sizeof HARD_EXP[0]));
}

#endif /* MPAVS_BN254_PAIRING_IMPL_H */
