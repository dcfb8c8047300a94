#!/usr/bin/env python3
# bn254-constants.py: derives every constant of the BN254 engine from the curve
# parameters and prints src/lib/crypto/bn254/constants_impl.h. Each value is
# checked here (cube roots against point multiplication, lattice bases against
# the eigenvalues, Frobenius constants against their definition), so the C code
# holds no number that was copied from elsewhere.
#
#   scripts/bn254-constants.py | clang-format > src/lib/crypto/bn254/constants_impl.h
import random
from fractions import Fraction

x = 4965661367192848881  # BN seed
p = 36 * x**4 + 36 * x**3 + 24 * x**2 + 6 * x + 1
r = 36 * x**4 + 36 * x**3 + 18 * x**2 + 6 * x + 1
assert p == 21888242871839275222246405745257275088696311157297823662689037894645226208583
assert r == 21888242871839275222246405745257275088548364400416034343698204186575808495617
R = 1 << 256


class F2:
    def __init__(s, a, b=0):
        s.a, s.b = a % p, b % p

    def __add__(s, o): return F2(s.a + o.a, s.b + o.b)
    def __sub__(s, o): return F2(s.a - o.a, s.b - o.b)
    def __neg__(s): return F2(-s.a, -s.b)
    def __eq__(s, o): return s.a == o.a and s.b == o.b

    def __mul__(s, o):
        if isinstance(o, int):
            return F2(s.a * o, s.b * o)
        return F2(s.a * o.a - s.b * o.b, s.a * o.b + s.b * o.a)

    def conj(s): return F2(s.a, -s.b)

    def inv(s):
        n = pow(s.a * s.a + s.b * s.b, p - 2, p)
        return F2(s.a * n, -s.b * n)

    def __pow__(s, e):
        acc, b = F2(1), s
        while e:
            if e & 1:
                acc = acc * b
            b, e = b * b, e >> 1
        return acc


def inv(a, m): return pow(a, -1, m)


def ec_add(P, Q, one, zero, div):
    if P is None: return Q
    if Q is None: return P
    (x1, y1), (x2, y2) = P, Q
    if x1 == x2:
        if y1 == y2 and not y1 == zero:
            l = div(x1 * x1 * 3, y1 * 2)
        else:
            return None
    else:
        l = div(y2 - y1, x2 - x1)
    x3 = l * l - x1 - x2
    return (x3, l * (x1 - x3) - y1)


def ec_mul(k, P, one, zero, div):
    acc = None
    while k:
        if k & 1:
            acc = ec_add(acc, P, one, zero, div)
        P, k = ec_add(P, P, one, zero, div), k >> 1
    return acc


class Fp:
    def __init__(s, a): s.a = a % p
    def __add__(s, o): return Fp(s.a + o.a)
    def __sub__(s, o): return Fp(s.a - o.a)
    def __mul__(s, o): return Fp(s.a * (o.a if isinstance(o, Fp) else o))
    def __eq__(s, o): return s.a == o.a


g1_ops = (Fp(1), Fp(0), lambda a, b: Fp(a.a * inv(b.a, p)))
g2_ops = (F2(1), F2(0), lambda a, b: a * b.inv())

xi = F2(9, 1)
b_twist = F2(3) * xi.inv()
G1 = (Fp(1), Fp(2))
G2 = (F2(10857046999023057135944570762232829481370756359578518086990519993285655852781,
         11559732032986387107991004021392285783925812861821192530917403151452391805634),
      F2(8495653923123431417604973247489272438418190587263600148770280649306958101930,
         4082367875863433681332203403145435568316851327593401208105741076214120093531))
assert G2[1] * G2[1] == G2[0] * G2[0] * G2[0] + b_twist
assert ec_mul(r, G2, *g2_ops) is None

# GLV on G1: phi(x, y) = (beta x, y) = [lambda] (x, y).
beta = lam = None
g = next(g for g in range(2, 100) if pow(g, (p - 1) // 3, p) != 1)
for b_ in (pow(g, (p - 1) // 3, p), pow(g, 2 * (p - 1) // 3, p)):
    for l_ in ((36 * x**3 + 18 * x**2 + 6 * x + 1) % r, (-(36 * x**3 + 18 * x**2 + 6 * x + 1) - 1) % r,
               (6 * x * x + 1) % r, (-6 * x * x - 2) % r, r - (6 * x * x + 1) - 1):
        if (l_ * l_ + l_ + 1) % r:
            continue
        P = ec_mul(98765, G1, *g1_ops)
        if ec_mul(l_, P, *g1_ops) == (Fp(b_ * P[0].a), P[1]):
            beta, lam = b_, l_
assert beta is not None
# Short basis of {(a, b): a + b*lambda = 0 mod r}.
a1, b1, a2, b2 = 2 * x + 1, -(6 * x * x + 2 * x), 6 * x * x + 4 * x + 1, 2 * x + 1
assert (a1 + b1 * lam) % r == 0 and (a2 + b2 * lam) % r == 0
glv_g1 = (b2 * R + r // 2) // r          # c1 = round(k * b2 / r)  ~ (k * glv_g1) >> 256
glv_g2 = ((-b1) * R + r // 2) // r       # c2 = round(-k * b1 / r)
for _ in range(2000):
    k = random.randrange(R)
    c1, c2 = (k * glv_g1 + R // 2) >> 256, (k * glv_g2 + R // 2) >> 256
    k1, k2 = k - c1 * a1 - c2 * a2, -c1 * b1 - c2 * b2
    assert (k1 + k2 * lam - k) % r == 0 and abs(k1) < 2**127 and abs(k2) < 2**127

# psi on the twist and GLS: psi = [p mod r] = [6x^2] on G2.
psi_x, psi_y = xi ** ((p - 1) // 3), xi ** ((p - 1) // 2)
psi2_x, psi2_y = xi ** ((p * p - 1) // 3), xi ** ((p * p - 1) // 2)
psi3_x, psi3_y = xi ** ((p**3 - 1) // 3), xi ** ((p**3 - 1) // 2)
assert psi2_x.b == 0 and psi2_y == F2(-1)
mu = 6 * x * x
Q = ec_mul(1234567, G2, *g2_ops)
assert (Q[0].conj() * psi_x, Q[1].conj() * psi_y) == ec_mul(mu, Q, *g2_ops)
B = [[x + 1, x, x, -2 * x], [2 * x + 1, -x, -(x + 1), -x], [2 * x, 2 * x + 1, 2 * x + 1, 2 * x + 1],
     [x - 1, 4 * x + 2, -2 * x + 1, x - 1]]
for row in B:
    assert sum(row[i] * pow(mu, i, r) for i in range(4)) % r == 0


def det(M):
    if len(M) == 1:
        return M[0][0]
    return sum((-1)**j * M[0][j] * det([row[:j] + row[j + 1:] for row in M[1:]]) for j in range(len(M)))


D = det(B)
adj0 = [(-1)**j * det([row[1:] for k, row in enumerate(B) if k != j]) for j in range(4)]
gls_c = [Fraction(a, D) for a in adj0]                 # alpha_j = round(k * gls_c[j])
gls_g = [round(abs(c) * R) for c in gls_c]             # |c_j| * 2^256
gls_s = [1 if c > 0 else -1 for c in gls_c]
for _ in range(2000):
    k = random.randrange(R)
    al = [gls_s[j] * ((k * gls_g[j] + R // 2) >> 256) for j in range(4)]
    kv = [(k if i == 0 else 0) - sum(al[j] * B[j][i] for j in range(4)) for i in range(4)]
    assert sum(kv[i] * pow(mu, i, r) for i in range(4)) % r == k % r
    assert max(abs(t) for t in kv) < 2**66

# Frobenius of Fp12 = Fp2[w]/(w^6 - xi): the coefficient of w^i picks up xi^(i(p^k-1)/6).
frob = {k: [xi ** (i * (p**k - 1) // 6) for i in range(6)] for k in (1, 2, 3)}
assert all(c.b == 0 for c in frob[2])
assert frob[1][2] == psi_x and frob[1][3] == psi_y


def naf(k):
    d = []
    while k:
        z = (2 - k % 4) if k & 1 else 0
        k = (k - z) // 2
        d.append(z)
    return d


def limbs(v, n=4):
    assert 0 <= v < 2**(64 * n)
    return ", ".join("0x%016xULL" % ((v >> (64 * i)) & (2**64 - 1)) for i in range(n))


def mont(v): return v * R % p


def fp_c(name, v, comment):
    return "/* %s */\nstatic const fp %s = {{%s}};\n" % (comment, name, limbs(mont(v)))


def fp2_c(name, v, comment):
    return "/* %s */\nstatic const fp2 %s = {{{%s}}, {{%s}}};\n" % (comment, name, limbs(mont(v.a)),
                                                                   limbs(mont(v.b)))


# fp2_mul_xi (ADX) reduces V < 10p with q = ((V >> 250) * 0x1529) >> 16: for every
# value of V >> 250, q must not exceed floor(V / p) and be at most one below it.
for t in range(0, (10 * p >> 250) + 1):
    lo, hi = t << 250, min(((t + 1) << 250) - 1, 10 * p - 1)
    q = (t * 0x1529) >> 16
    assert q <= lo // p and q >= hi // p - 1

out = []
out.append("""/*
** constants_impl.h: constants of the BN254 engine in Montgomery form.
** GENERATED by scripts/bn254-constants.py | clang-format (the script derives\n** and checks each value);
** do not edit by hand.
*/
#ifndef MPAVS_BN254_CONSTANTS_IMPL_H
#define MPAVS_BN254_CONSTANTS_IMPL_H
""")
out.append("#define BN_X %dULL /* the BN seed x */\n" % x)
out.append(fp_c("FP_THREE", 3, "3, the curve coefficient b of G1"))
out.append(fp_c("FP_NINE", 9, "9 = 3b, for the complete formulas"))
out.append("/* 2^768 mod p as a plain integer: mont_mul(x, FP_R3_RAW) = x 2^512 */\n")
out.append("static const fp FP_R3_RAW = {{%s}};\n" % limbs(R**3 % p))
out.append(fp_c("FP_BETA", beta, "beta, a cube root of unity: (beta x, y) = [lambda](x, y) on G1"))
out.append(fp2_c("FP2_B_TWIST", b_twist, "b' = 3 / (9 + u), the twist's coefficient"))
out.append(fp2_c("FP2_B3_TWIST", b_twist * 3, "3b'"))
out.append(fp2_c("G2_GEN_X", G2[0], "G2 generator x"))
out.append(fp2_c("G2_GEN_Y", G2[1], "G2 generator y"))
for k in (1, 3):
    for i in range(1, 6):
        out.append(fp2_c("FROB%d_%d" % (k, i), frob[k][i], "xi^(%d(p^%d-1)/6)" % (i, k)))
for i in range(1, 6):
    out.append(fp_c("FROB2_%d" % i, frob[2][i].a, "xi^(%d(p^2-1)/6), in Fp" % i))
assert frob[3][2] == psi3_x and frob[3][3] == psi3_y  # psi^3 uses FROB3_2, FROB3_3
hard = (p**4 - p**2 + 1) // r
assert hard * r == p**4 - p**2 + 1
nh = (hard.bit_length() + 63) // 64
out.append("/* (p^4 - p^2 + 1) / r, the hard part of the final exponent (reference only) */\n")
out.append("static const uint64_t HARD_EXP[%d] = {%s};\n" % (nh, limbs(hard, nh)))
out.append("/* GLV on G1, lattice basis a1 + b1*lambda = a2 + b2*lambda = 0 mod r; with\n"
           " * c1 = round(k*b2/r) = (k*GLV_G1 + 2^255) >> 256, c2 = round(-k*b1/r) likewise,\n"
           " * k1 = k - c1*a1 - c2*a2 and k2 = -c1*b1 - c2*b2, both |k_i| < 2^127. */\n")
out.append("static const uint64_t GLV_A1 = 0x%016xULL; /* 2x+1 = b2 */\n" % a1)
out.append("static const uint64_t GLV_A2[2] = {%s}; /* 6x^2+4x+1 */\n" % limbs(a2, 2))
out.append("static const uint64_t GLV_MB1[2] = {%s}; /* -b1 = 6x^2+2x */\n" % limbs(-b1, 2))
out.append("static const uint64_t GLV_G1[4] = {%s};\n" % limbs(glv_g1))
out.append("static const uint64_t GLV_G2[4] = {%s};\n" % limbs(glv_g2))
out.append("/* GLS on G2 with psi = [6x^2]: alpha_j = sign_j * ((k*GLS_G[j] + 2^255) >> 256),\n"
           " * then k_i = [i == 0]k - sum_j alpha_j*B[j][i]; |k_i| < 2^66. */\n")
out.append("static const uint64_t GLS_G[4][4] = {\n" +
           ",\n".join("    {%s}" % limbs(g) for g in gls_g) + "};\n")
out.append("static const int GLS_SIGN[4] = {%s};\n" % ", ".join(str(s) for s in gls_s))
out.append("/* B[j][i] = GLS_BSIGN[j][i] * GLS_BABS[j][i] (limbs; 4x+2 exceeds 2^64) */\n")
out.append("static const uint64_t GLS_BABS[4][4][2] = {\n" + ",\n".join(
    "    {%s}" % ", ".join("{%s}" % limbs(abs(v), 2) for v in row) for row in B) + "};\n")
out.append("static const int GLS_BSIGN[4][4] = {\n" + ",\n".join(
    "    {%s}" % ", ".join("1" if v >= 0 else "-1" for v in row) for row in B) + "};\n")
d = naf(6 * x + 2)
out.append("/* 6x+2 in non-adjacent form, least significant digit first (%d digits) */\n" % len(d))
out.append("static const int8_t ATE_NAF[%d] = {%s};\n" % (len(d), ", ".join(str(v) for v in d)))
dx = naf(x)
out.append("/* x in non-adjacent form, least significant digit first */\n")
out.append("static const int8_t X_NAF[%d] = {%s};\n" % (len(dx), ", ".join(str(v) for v in dx)))


def wnaf(k, w):
    d = []
    while k:
        z = 0
        if k & 1:
            z = k % (1 << w)
            if z >= 1 << (w - 1):
                z -= 1 << w
            k -= z
        d.append(z)
        k //= 2
    return d


dw = wnaf(x, 4)
assert sum(v * 2**i for i, v in enumerate(dw)) == x
out.append("/* x in width-4 NAF (odd digits in [-7, 7]): %d nonzero digits instead of %d */\n" %
           (sum(1 for v in dw if v), sum(1 for v in dx if v)))
out.append("static const int8_t X_WNAF4[%d] = {%s};\n" % (len(dw), ", ".join(str(v) for v in dw)))
out.append("\n#endif /* MPAVS_BN254_CONSTANTS_IMPL_H */")
print("".join(o if o.endswith("\n") else o + "\n" for o in out), end="")
