// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "../utils/Test.sol";
import {BN254G2} from "../utils/BN254G2.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {BitmapUtils} from "../../src/libraries/BitmapUtils.sol";
import {TEE} from "../../src/libraries/TEE.sol";

/// @dev External wrappers so that library reverts can be expected.
contract LibHarness {
    function plus(
        BN254.G1Point memory a,
        BN254.G1Point memory b
    ) external view returns (BN254.G1Point memory) {
        return BN254.plus(a, b);
    }

    function tiny(
        BN254.G1Point memory a,
        uint16 s
    ) external view returns (BN254.G1Point memory) {
        return BN254.scalar_mul_tiny(a, s);
    }

    function toBitmap(
        bytes memory b,
        uint8 bound
    ) external pure returns (uint256) {
        return BitmapUtils.orderedBytesArrayToBitmap(b, bound);
    }

    function teeType(
        bytes calldata q
    ) external pure returns (uint8) {
        return TEE.quoteTeeType(q);
    }
}

/// @notice BN254 (against the middleware test keys and basic group laws), BitmapUtils, TEE.
contract LibrariesTest is Test {
    using BN254 for BN254.G1Point;

    uint256 internal constant P = BN254.FP_MODULUS;
    LibHarness internal h = new LibHarness();

    function testFuzz_hashToG1_IsOnCurveAndFirstValidX(
        bytes32 digest
    ) public view {
        BN254.G1Point memory pt = BN254.hashToG1(digest);
        assertEq(mulmod(pt.Y, pt.Y, P), addmod(mulmod(mulmod(pt.X, pt.X, P), pt.X, P), 3, P));
        // Every x between digest mod p and pt.X is not an abscissa (try-and-increment).
        uint256 x = uint256(digest) % P;
        while (x != pt.X) {
            uint256 beta = addmod(mulmod(mulmod(x, x, P), x, P), 3, P);
            uint256 y = BN254.expMod(beta, (P + 1) / 4, P);
            assertTrue(mulmod(y, y, P) != beta, "skipped a valid x");
            x = addmod(x, 1, P);
        }
        // y is the root computed as beta^((p+1)/4), not a normalised one.
        uint256 b = addmod(mulmod(mulmod(pt.X, pt.X, P), pt.X, P), 3, P);
        assertEq(pt.Y, BN254.expMod(b, (P + 1) / 4, P));
    }

    function test_keys_MatchPublishedG1AndG2() public view {
        string memory json =
            vm.readFile("../tests/vectors/bn254/eigenlayer-middleware_operatorBLSKeys.json");
        uint256[] memory sks = vm.parseJsonUintArray(json, ".privateKeys");
        uint256[] memory g1x = vm.parseJsonUintArray(json, ".G1x");
        uint256[] memory g1y = vm.parseJsonUintArray(json, ".G1y");
        uint256[] memory g2x0 = vm.parseJsonUintArray(json, ".G2x0");
        uint256[] memory g2x1 = vm.parseJsonUintArray(json, ".G2x1");
        uint256[] memory g2y0 = vm.parseJsonUintArray(json, ".G2y0");
        uint256[] memory g2y1 = vm.parseJsonUintArray(json, ".G2y1");
        for (uint256 i = 0; i < 5; i++) {
            BN254.G1Point memory pk = BN254.generatorG1().scalar_mul(sks[i]);
            assertEq(pk.X, g1x[i]);
            assertEq(pk.Y, g1y[i]);
            BN254.G2Point memory pk2 = BN254.G2Point([g2x0[i], g2x1[i]], [g2y0[i], g2y1[i]]);
            // e(pk1, -G2) * e(G1, pk2) == 1: both halves share the secret.
            assertTrue(BN254.pairing(pk, BN254.negGeneratorG2(), BN254.generatorG1(), pk2));
            // A signature verifies against the G2 key.
            bytes32 m = keccak256(abi.encode("message", i));
            BN254.G1Point memory sig = BN254.hashToG1(m).scalar_mul(sks[i]);
            assertTrue(BN254.pairing(sig, BN254.negGeneratorG2(), BN254.hashToG1(m), pk2));
        }
        // The test G2 summation agrees with the pairing: e(pk1a + pk1b, -G2) e(G1, pk2a + pk2b) = 1.
        BN254.G2Point[] memory two = new BN254.G2Point[](2);
        two[0] = BN254.G2Point([g2x0[0], g2x1[0]], [g2y0[0], g2y1[0]]);
        two[1] = BN254.G2Point([g2x0[1], g2x1[1]], [g2y0[1], g2y1[1]]);
        BN254.G1Point memory sum1 =
            BN254.G1Point(g1x[0], g1y[0]).plus(BN254.G1Point(g1x[1], g1y[1]));
        assertTrue(
            BN254.pairing(sum1, BN254.negGeneratorG2(), BN254.generatorG1(), BN254G2.sum(two))
        );
    }

    function test_negGeneratorG2_IsNegationOfGenerator() public view {
        BN254.G2Point memory g = BN254.generatorG2();
        BN254.G2Point memory n = BN254.negGeneratorG2();
        assertEq(n.X[0], g.X[0]);
        assertEq(n.X[1], g.X[1]);
        assertEq(n.Y[0], P - g.Y[0]);
        assertEq(n.Y[1], P - g.Y[1]);
        // e(G1, G2) * e(G1, -G2) == 1
        assertTrue(BN254.pairing(BN254.generatorG1(), g, BN254.generatorG1(), n));
    }

    function testFuzz_scalarMulTiny_MatchesScalarMul(
        uint16 s,
        uint256 k
    ) public view {
        s = uint16(bound(s, 0, 511));
        k = bound(k, 1, BN254.FR_MODULUS - 1);
        BN254.G1Point memory p = BN254.generatorG1().scalar_mul(k);
        BN254.G1Point memory a = p.scalar_mul_tiny(s);
        BN254.G1Point memory b = p.scalar_mul(s);
        assertEq(a.X, b.X);
        assertEq(a.Y, b.Y);
    }

    function test_scalarMulTiny_RevertWhen_ScalarTooLarge() public {
        vm.expectRevert(BN254.ScalarTooLarge.selector);
        h.tiny(BN254.generatorG1(), 512);
    }

    function testFuzz_negate_SumsToInfinity(
        uint256 k
    ) public view {
        k = bound(k, 1, BN254.FR_MODULUS - 1);
        BN254.G1Point memory p = BN254.generatorG1().scalar_mul(k);
        BN254.G1Point memory z = p.plus(p.negate());
        assertEq(z.X, 0);
        assertEq(z.Y, 0);
        BN254.G1Point memory inf = BN254.negate(BN254.G1Point(0, 0));
        assertEq(inf.Y, 0);
    }

    function test_plus_RevertWhen_PointNotOnCurve() public {
        vm.expectRevert(BN254.EcAddFailed.selector);
        h.plus(BN254.G1Point(1, 3), BN254.generatorG1());
        vm.expectRevert(BN254.EcAddFailed.selector);
        h.plus(BN254.G1Point(P, 2), BN254.generatorG1());
    }

    function test_safePairing_ReportsPrecompileFailure() public view {
        BN254.G2Point memory bad = BN254.generatorG2();
        bad.X[0] ^= 1;
        (bool ok, bool result) = BN254.safePairing(
            BN254.generatorG1(), bad, BN254.generatorG1(), BN254.negGeneratorG2(), 120_000
        );
        assertFalse(ok);
        assertFalse(result);
        (ok, result) = BN254.safePairing(
            BN254.generatorG1(),
            BN254.generatorG2(),
            BN254.generatorG1(),
            BN254.negGeneratorG2(),
            1000
        );
        assertFalse(ok); // out of gas inside the precompile
    }

    function testFuzz_bitmap_RoundTrips(
        uint192 bitmap
    ) public view {
        bytes memory b = BitmapUtils.bitmapToBytesArray(bitmap);
        assertEq(b.length, BitmapUtils.countNumOnes(bitmap));
        assertEq(h.toBitmap(b, 192), bitmap);
    }

    function test_orderedBytesArrayToBitmap_RevertWhen_Invalid() public {
        vm.expectRevert(BitmapUtils.BytesArrayNotOrdered.selector);
        h.toBitmap(hex"0202", 10);
        vm.expectRevert(BitmapUtils.BytesArrayNotOrdered.selector);
        h.toBitmap(hex"0302", 10);
        vm.expectRevert(BitmapUtils.BitmapValueTooLarge.selector);
        h.toBitmap(hex"000a", 10);
        assertEq(h.toBitmap("", 0), 0);
    }

    function test_quoteTeeType_ReadsIntelHeader() public {
        bytes memory q = new bytes(48);
        assertEq(uint256(h.teeType(q)), TEE.INTEL_SGX);
        q[4] = 0x81;
        assertEq(uint256(h.teeType(q)), TEE.INTEL_TDX);
        q[5] = 0x01;
        vm.expectRevert(abi.encodeWithSelector(TEE.UnsupportedQuoteTeeType.selector, uint32(0x181)));
        h.teeType(q);
        vm.expectRevert(abi.encodeWithSelector(TEE.QuoteTooShort.selector, uint256(47)));
        h.teeType(new bytes(47));
    }
}
