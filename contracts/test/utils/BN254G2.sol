// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BN254} from "../../src/libraries/BN254.sol";

/// @title BN254G2
/// @notice Test-only G2 addition on BN254 (no precompile exists for it): sums operators' G2
///         public keys into the aggregate apkG2 a signer set presents. Jacobian coordinates over
///         Fp2 = Fp[i]/(i^2 + 1), one inversion at the end. Not constant time; tests only.
library BN254G2 {
    uint256 internal constant P = BN254.FP_MODULUS;

    struct Fp2 {
        uint256 re;
        uint256 im;
    }

    struct Jacobian {
        Fp2 x;
        Fp2 y;
        Fp2 z;
    }

    /// @notice The sum of `points` (affine, Solidity order X = [imag, real]).
    function sum(
        BN254.G2Point[] memory points
    ) internal view returns (BN254.G2Point memory) {
        Jacobian memory acc = Jacobian(Fp2(0, 0), Fp2(1, 0), Fp2(0, 0));
        for (uint256 i = 0; i < points.length; i++) {
            acc = add(acc, fromAffine(points[i]));
        }
        return toAffine(acc);
    }

    function fromAffine(
        BN254.G2Point memory p
    ) internal pure returns (Jacobian memory) {
        if (p.X[0] == 0 && p.X[1] == 0 && p.Y[0] == 0 && p.Y[1] == 0) {
            return Jacobian(Fp2(0, 0), Fp2(1, 0), Fp2(0, 0));
        }
        return Jacobian(Fp2(p.X[1], p.X[0]), Fp2(p.Y[1], p.Y[0]), Fp2(1, 0));
    }

    function toAffine(
        Jacobian memory j
    ) internal view returns (BN254.G2Point memory out) {
        if (isZero(j.z)) return out;
        Fp2 memory zi = inv(j.z);
        Fp2 memory zi2 = mul(zi, zi);
        Fp2 memory x = mul(j.x, zi2);
        Fp2 memory y = mul(j.y, mul(zi2, zi));
        out.X = [x.im, x.re];
        out.Y = [y.im, y.re];
    }

    function add(
        Jacobian memory a,
        Jacobian memory b
    ) internal pure returns (Jacobian memory) {
        if (isZero(a.z)) return b;
        if (isZero(b.z)) return a;
        Fp2 memory z1z1 = mul(a.z, a.z);
        Fp2 memory z2z2 = mul(b.z, b.z);
        Fp2 memory u1 = mul(a.x, z2z2);
        Fp2 memory s1 = mul(a.y, mul(b.z, z2z2));
        Fp2 memory h = sub(mul(b.x, z1z1), u1);
        Fp2 memory r = sub(mul(b.y, mul(a.z, z1z1)), s1);
        if (isZero(h)) {
            if (isZero(r)) return double_(a);
            return Jacobian(Fp2(0, 0), Fp2(1, 0), Fp2(0, 0));
        }
        Jacobian memory out;
        out.z = mul(h, mul(a.z, b.z));
        z1z1 = mul(h, h); // h^2
        z2z2 = mul(z1z1, h); // h^3
        u1 = mul(u1, z1z1); // u1 * h^2
        out.x = sub(sub(mul(r, r), z2z2), add2(u1, u1));
        out.y = sub(mul(r, sub(u1, out.x)), mul(s1, z2z2));
        return out;
    }

    function double_(
        Jacobian memory a
    ) internal pure returns (Jacobian memory) {
        Fp2 memory xx = mul(a.x, a.x);
        Fp2 memory yy = mul(a.y, a.y);
        Fp2 memory yyyy = mul(yy, yy);
        Fp2 memory t = add2(a.x, yy);
        Fp2 memory d = sub(sub(mul(t, t), xx), yyyy);
        d = add2(d, d);
        Fp2 memory e = add2(add2(xx, xx), xx);
        Fp2 memory x3 = sub(mul(e, e), add2(d, d));
        Fp2 memory eightC = add2(yyyy, yyyy);
        eightC = add2(eightC, eightC);
        eightC = add2(eightC, eightC);
        Fp2 memory y3 = sub(mul(e, sub(d, x3)), eightC);
        Fp2 memory z3 = mul(a.y, a.z);
        z3 = add2(z3, z3);
        return Jacobian(x3, y3, z3);
    }

    function mul(
        Fp2 memory a,
        Fp2 memory b
    ) internal pure returns (Fp2 memory) {
        uint256 re = addmod(mulmod(a.re, b.re, P), P - mulmod(a.im, b.im, P), P);
        uint256 im = addmod(mulmod(a.re, b.im, P), mulmod(a.im, b.re, P), P);
        return Fp2(re, im);
    }

    function add2(
        Fp2 memory a,
        Fp2 memory b
    ) internal pure returns (Fp2 memory) {
        return Fp2(addmod(a.re, b.re, P), addmod(a.im, b.im, P));
    }

    function sub(
        Fp2 memory a,
        Fp2 memory b
    ) internal pure returns (Fp2 memory) {
        return Fp2(addmod(a.re, P - b.re, P), addmod(a.im, P - b.im, P));
    }

    function eq(
        Fp2 memory a,
        Fp2 memory b
    ) internal pure returns (bool) {
        return a.re == b.re && a.im == b.im;
    }

    function isZero(
        Fp2 memory a
    ) internal pure returns (bool) {
        return a.re == 0 && a.im == 0;
    }

    /// @dev (a + bi)^-1 = (a - bi) / (a^2 + b^2).
    function inv(
        Fp2 memory a
    ) internal view returns (Fp2 memory) {
        uint256 n = addmod(mulmod(a.re, a.re, P), mulmod(a.im, a.im, P), P);
        uint256 ni = BN254.expMod(n, P - 2, P);
        return Fp2(mulmod(a.re, ni, P), mulmod(P - a.im, ni, P));
    }
}
