// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title BN254
/// @notice Arithmetic on the BN254 (alt_bn128) curve through the EVM precompiles, with the exact
///         conventions of EigenLayer's BLS scheme: signatures and hashed messages in G1, public
///         keys in G1 and G2, `hashToG1` by try-and-increment, G2 coordinates imaginary-first.
/// @dev Precompiles: 0x05 modexp, 0x06 ecAdd, 0x07 ecMul, 0x08 ecPairing (EIP-196/197). The point
///      at infinity is (0, 0). Every precompile failure (a coordinate >= p, a point off the curve,
///      a G2 point outside the order-r subgroup) reverts with a custom error, except in
///      `safePairing`, which reports it so a caller can tell a bad input from a false equation.
library BN254 {
    /// @notice The base field modulus p.
    uint256 internal constant FP_MODULUS =
        21_888_242_871_839_275_222_246_405_745_257_275_088_696_311_157_297_823_662_689_037_894_645_226_208_583;
    /// @notice The group order r (the scalar field modulus).
    uint256 internal constant FR_MODULUS =
        21_888_242_871_839_275_222_246_405_745_257_275_088_548_364_400_416_034_343_698_204_186_575_808_495_617;

    /// @dev (p + 1) / 4: since p = 3 mod 4, beta^((p+1)/4) is a square root of beta when one exists.
    uint256 private constant SQRT_EXPONENT =
        0x0c19139cb84c680a6e14116da060561765e05aa45a1c72a34f082305b61f3f52;

    // G2 generator, Solidity/EVM order: X = [imaginary, real], Y = [imaginary, real].
    uint256 private constant G2_X_IMAG =
        11_559_732_032_986_387_107_991_004_021_392_285_783_925_812_861_821_192_530_917_403_151_452_391_805_634;
    uint256 private constant G2_X_REAL =
        10_857_046_999_023_057_135_944_570_762_232_829_481_370_756_359_578_518_086_990_519_993_285_655_852_781;
    uint256 private constant G2_Y_IMAG =
        4_082_367_875_863_433_681_332_203_403_145_435_568_316_851_327_593_401_208_105_741_076_214_120_093_531;
    uint256 private constant G2_Y_REAL =
        8_495_653_923_123_431_417_604_973_247_489_272_438_418_190_587_263_600_148_770_280_649_306_958_101_930;
    // -G2: the same X, Y = p - Y coordinate-wise.
    uint256 private constant NEG_G2_Y_IMAG =
        17_805_874_995_975_841_540_914_202_342_111_839_520_379_459_829_704_422_454_583_296_818_431_106_115_052;
    uint256 private constant NEG_G2_Y_REAL =
        13_392_588_948_715_843_804_641_432_497_768_002_650_278_120_570_034_223_513_918_757_245_338_268_106_653;

    /// @notice A point of G1 in affine coordinates; (0, 0) is the point at infinity.
    struct G1Point {
        uint256 X;
        uint256 Y;
    }

    /// @notice A point of G2 in affine coordinates over Fp2. X[0] and Y[0] hold the imaginary
    ///         coefficients, X[1] and Y[1] the real ones (the precompile's order).
    struct G2Point {
        uint256[2] X;
        uint256[2] Y;
    }

    /// @notice The ecAdd precompile rejected its input (a coordinate >= p or a point off the curve).
    error EcAddFailed();
    /// @notice The ecMul precompile rejected its input (a coordinate >= p or a point off the curve).
    error EcMulFailed();
    /// @notice The ecPairing precompile rejected its input (bad G1/G2 point or G2 outside the subgroup).
    error PairingFailed();
    /// @notice The modexp precompile call failed.
    error ModExpFailed();
    /// @notice `scalar_mul_tiny` was given a scalar of 9 bits or more.
    error ScalarTooLarge();

    /// @notice The G1 generator (1, 2).
    function generatorG1() internal pure returns (G1Point memory) {
        return G1Point(1, 2);
    }

    /// @notice The G2 generator.
    function generatorG2() internal pure returns (G2Point memory) {
        return G2Point([G2_X_IMAG, G2_X_REAL], [G2_Y_IMAG, G2_Y_REAL]);
    }

    /// @notice The negated G2 generator, the fixed second argument of every verification pairing.
    function negGeneratorG2() internal pure returns (G2Point memory) {
        return G2Point([G2_X_IMAG, G2_X_REAL], [NEG_G2_Y_IMAG, NEG_G2_Y_REAL]);
    }

    /// @notice -p; the point at infinity is its own negation.
    function negate(
        G1Point memory p
    ) internal pure returns (G1Point memory) {
        if (p.X == 0 && p.Y == 0) return G1Point(0, 0);
        return G1Point(p.X, FP_MODULUS - (p.Y % FP_MODULUS));
    }

    /// @notice p1 + p2 through the ecAdd precompile.
    function plus(
        G1Point memory p1,
        G1Point memory p2
    ) internal view returns (G1Point memory r) {
        bool ok;
        assembly ("memory-safe") {
            let buf := mload(0x40)
            mstore(buf, mload(p1))
            mstore(add(buf, 0x20), mload(add(p1, 0x20)))
            mstore(add(buf, 0x40), mload(p2))
            mstore(add(buf, 0x60), mload(add(p2, 0x20)))
            ok := staticcall(gas(), 0x06, buf, 0x80, r, 0x40)
        }
        if (!ok) revert EcAddFailed();
    }

    /// @notice s * p through the ecMul precompile.
    function scalar_mul(
        G1Point memory p,
        uint256 s
    ) internal view returns (G1Point memory r) {
        bool ok;
        assembly ("memory-safe") {
            let buf := mload(0x40)
            mstore(buf, mload(p))
            mstore(add(buf, 0x20), mload(add(p, 0x20)))
            mstore(add(buf, 0x40), s)
            ok := staticcall(gas(), 0x07, buf, 0x60, r, 0x40)
        }
        if (!ok) revert EcMulFailed();
    }

    /// @notice s * p for s < 512 by double-and-add with ecAdd, cheaper than one ecMul for the
    ///         small multiplicities (number of quorums) the signature checker needs.
    function scalar_mul_tiny(
        G1Point memory p,
        uint16 s
    ) internal view returns (G1Point memory) {
        if (s >= 512) revert ScalarTooLarge();
        if (s == 1) return p;
        G1Point memory acc = G1Point(0, 0);
        G1Point memory pow = p;
        while (s != 0) {
            if (s & 1 == 1) acc = plus(acc, pow);
            s >>= 1;
            if (s != 0) pow = plus(pow, pow);
        }
        return acc;
    }

    /// @notice e(a1, a2) * e(b1, b2) == 1. Reverts with `PairingFailed` when the precompile
    ///         rejects the input.
    function pairing(
        G1Point memory a1,
        G2Point memory a2,
        G1Point memory b1,
        G2Point memory b2
    ) internal view returns (bool) {
        (bool ok, bool result) = safePairing(a1, a2, b1, b2, gasleft());
        if (!ok) revert PairingFailed();
        return result;
    }

    /// @notice e(a1, a2) * e(b1, b2) == 1 with the precompile given at most `pairingGas`.
    /// @return success False when the precompile failed (bad input or out of gas).
    /// @return result The pairing equation's truth; false whenever `success` is false.
    function safePairing(
        G1Point memory a1,
        G2Point memory a2,
        G1Point memory b1,
        G2Point memory b2,
        uint256 pairingGas
    ) internal view returns (bool success, bool result) {
        uint256 out;
        assembly ("memory-safe") {
            let buf := mload(0x40)
            mstore(buf, mload(a1))
            mstore(add(buf, 0x20), mload(add(a1, 0x20)))
            let x := mload(a2)
            let y := mload(add(a2, 0x20))
            mstore(add(buf, 0x40), mload(x))
            mstore(add(buf, 0x60), mload(add(x, 0x20)))
            mstore(add(buf, 0x80), mload(y))
            mstore(add(buf, 0xa0), mload(add(y, 0x20)))
            mstore(add(buf, 0xc0), mload(b1))
            mstore(add(buf, 0xe0), mload(add(b1, 0x20)))
            x := mload(b2)
            y := mload(add(b2, 0x20))
            mstore(add(buf, 0x100), mload(x))
            mstore(add(buf, 0x120), mload(add(x, 0x20)))
            mstore(add(buf, 0x140), mload(y))
            mstore(add(buf, 0x160), mload(add(y, 0x20)))
            mstore(0x00, 0)
            success := staticcall(pairingGas, 0x08, buf, 0x180, 0x00, 0x20)
            out := mload(0x00)
        }
        result = success && out == 1;
    }

    /// @notice keccak256(X || Y): the operator id (pubkey hash) of a G1 public key.
    function hashG1Point(
        G1Point memory p
    ) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            h := keccak256(p, 0x40)
        }
    }

    /// @notice keccak256(X[0] || X[1] || Y[0] || Y[1]) of a G2 point.
    function hashG2Point(
        G2Point memory p
    ) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(p.X[0], p.X[1], p.Y[0], p.Y[1]));
    }

    /// @notice Maps a 32-byte digest to G1 exactly as EigenLayer's BN254.hashToG1: x = digest mod p,
    ///         then x, x+1, ... until x^3 + 3 is a square; y = (x^3 + 3)^((p+1)/4), not normalised.
    /// @dev Variable time (about two modexp calls on average); the input is public.
    function hashToG1(
        bytes32 digest
    ) internal view returns (G1Point memory point) {
        uint256 x = uint256(digest) % FP_MODULUS;
        while (true) {
            uint256 beta = addmod(mulmod(mulmod(x, x, FP_MODULUS), x, FP_MODULUS), 3, FP_MODULUS);
            uint256 y = expMod(beta, SQRT_EXPONENT, FP_MODULUS);
            if (mulmod(y, y, FP_MODULUS) == beta) {
                point.X = x;
                point.Y = y;
                return point;
            }
            // About half of all x are abscissas of curve points, so the loop ends quickly.
            x = addmod(x, 1, FP_MODULUS);
        }
    }

    /// @notice base^exponent mod modulus through the modexp precompile (32-byte operands).
    function expMod(
        uint256 base,
        uint256 exponent,
        uint256 modulus
    ) internal view returns (uint256 result) {
        bool ok;
        assembly ("memory-safe") {
            let buf := mload(0x40)
            mstore(buf, 0x20)
            mstore(add(buf, 0x20), 0x20)
            mstore(add(buf, 0x40), 0x20)
            mstore(add(buf, 0x60), base)
            mstore(add(buf, 0x80), exponent)
            mstore(add(buf, 0xa0), modulus)
            ok := staticcall(gas(), 0x05, buf, 0xc0, buf, 0x20)
            result := mload(buf)
        }
        if (!ok) revert ModExpFailed();
    }
}
