// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MpavsFixture} from "../utils/MpavsFixture.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {BitmapUtils} from "../../src/libraries/BitmapUtils.sol";
import {IBLSSignatureChecker} from "../../src/interfaces/IBLSSignatureChecker.sol";
import {IRegistryCoordinator} from "../../src/interfaces/IRegistryCoordinator.sol";

/// @notice checkSignatures (through the service manager, which inherits the checker) and the
///         EigenLayer test vector. Eight registered operators in quorum 0.
contract BLSSignatureCheckerTest is MpavsFixture {
    using BN254 for BN254.G1Point;

    uint256 internal constant N = 8;
    bytes internal constant Q0 = hex"00";
    bytes32 internal constant MSG = keccak256("mpavs checkSignatures test");

    function setUp() public {
        _setUpSystem(67, N);
        for (uint256 i = 0; i < N; i++) {
            _register(i, Q0, (i + 1) * 1 ether);
        }
        vm.roll(block.number + 3);
    }

    function _ref() internal view returns (uint32) {
        return uint32(block.number - 1);
    }

    function _valid(
        bytes32 msgHash,
        uint256[] memory nonSigners
    ) internal view returns (IBLSSignatureChecker.NonSignerStakesAndSignature memory) {
        return _params(Q0, _ref(), msgHash, _without(_range(0, N), nonSigners), nonSigners);
    }

    function _check(
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p
    ) internal view returns (IBLSSignatureChecker.QuorumStakeTotals memory t, bytes32 h) {
        return d.serviceManager.checkSignatures(MSG, Q0, _ref(), p);
    }

    function test_checkSignatures_ReturnsStakeTotals() public view {
        uint256[] memory ns = _two(1, 6);
        (IBLSSignatureChecker.QuorumStakeTotals memory t, bytes32 record) = _check(_valid(MSG, ns));
        assertEq(uint256(t.totalStakeForQuorum[0]), 36 ether);
        assertEq(uint256(t.signedStakeForQuorum[0]), 36 ether - 2 ether - 7 ether);
        (bytes32 a, bytes32 b) = uint256(ops[1].id) < uint256(ops[6].id)
            ? (ops[1].id, ops[6].id)
            : (ops[6].id, ops[1].id);
        assertEq(record, keccak256(abi.encodePacked(_ref(), a, b)));
    }

    function test_checkSignatures_RevertWhen_AggregateMissesASigner() public {
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _params(Q0, _ref(), MSG, _range(0, N - 1), new uint256[](0));
        vm.expectRevert(IBLSSignatureChecker.InvalidBLSSignature.selector);
        _check(p);
    }

    function test_checkSignatures_RevertWhen_ApkG2OfOtherSet() public {
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p = _valid(MSG, new uint256[](0));
        p.apkG2 = _params(Q0, _ref(), MSG, _range(0, N - 1), new uint256[](0)).apkG2;
        vm.expectRevert(IBLSSignatureChecker.InvalidBLSSignature.selector);
        _check(p);
    }

    function test_checkSignatures_RevertWhen_ApkG2Invalid() public {
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p = _valid(MSG, new uint256[](0));
        p.apkG2.X[1] = p.apkG2.X[1] ^ 1; // not on the twist: the precompile rejects the input
        vm.expectRevert(IBLSSignatureChecker.InvalidBLSPairingKey.selector);
        _check(p);
    }

    function test_checkSignatures_RevertWhen_NonSignersNotSorted() public {
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p = _valid(MSG, _two(1, 6));
        (p.nonSignerPubkeys[0], p.nonSignerPubkeys[1]) =
        (p.nonSignerPubkeys[1], p.nonSignerPubkeys[0]);
        vm.expectRevert(IBLSSignatureChecker.NonSignerPubkeysNotSorted.selector);
        _check(p);
        // A duplicate is not strictly ascending either.
        p = _valid(MSG, _two(1, 6));
        p.nonSignerPubkeys[1] = p.nonSignerPubkeys[0];
        vm.expectRevert(IBLSSignatureChecker.NonSignerPubkeysNotSorted.selector);
        _check(p);
    }

    function test_checkSignatures_RevertWhen_InputLengthsWrong() public {
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p = _valid(MSG, _one(3));
        p.nonSignerQuorumBitmapIndices = new uint32[](0);
        vm.expectRevert(IBLSSignatureChecker.InputNonSignerLengthMismatch.selector);
        _check(p);
        p = _valid(MSG, _one(3));
        p.totalStakeIndices = new uint32[](2);
        vm.expectRevert(IBLSSignatureChecker.InputArrayLengthMismatch.selector);
        _check(p);
        p = _valid(MSG, _one(3));
        p.nonSignerStakeIndices[0] = new uint32[](0);
        vm.expectRevert(IBLSSignatureChecker.InputNonSignerLengthMismatch.selector);
        _check(p);
        vm.expectRevert(IBLSSignatureChecker.InputEmptyQuorumNumbers.selector);
        d.serviceManager.checkSignatures(MSG, "", _ref(), p);
        vm.expectRevert(BitmapUtils.BitmapValueTooLarge.selector);
        d.serviceManager.checkSignatures(MSG, hex"03", _ref(), p);
    }

    function test_checkSignatures_RevertWhen_ReferenceBlockNotPast() public {
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p = _valid(MSG, new uint256[](0));
        uint32 now_ = uint32(block.number);
        vm.expectRevert(IBLSSignatureChecker.InvalidReferenceBlocknumber.selector);
        d.serviceManager.checkSignatures(MSG, Q0, now_, p);
    }

    function test_checkSignatures_RevertWhen_NonSignerIndexStale() public {
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p = _valid(MSG, _one(2));
        p.nonSignerQuorumBitmapIndices[0] = 1; // no second bitmap entry
        vm.expectRevert(IRegistryCoordinator.HistoryIndexOutOfBounds.selector);
        _check(p);
    }

    function test_checkSignatures_RevertWhen_StaleStakesForbidden() public {
        d.serviceManager.setStaleStakesForbidden(true);
        vm.roll(block.number + 210); // withdrawal delay is 200 blocks; stakes never refreshed
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p = _valid(MSG, new uint256[](0));
        vm.expectRevert(IBLSSignatureChecker.StaleStakesForbidden.selector);
        _check(p);
        // Refreshing every stake of the quorum makes stakes fresh for withdrawalDelay blocks.
        address[][] memory all = new address[][](1);
        all[0] = _sortedAddrs();
        d.registryCoordinator.updateOperatorsForQuorum(all, Q0);
        vm.roll(block.number + 1);
        p = _valid(MSG, new uint256[](0));
        _check(p);
    }

    function test_trySignatureAndApkVerification_EigenLayerVector() public view {
        // sk = 69, msgHash = keccak256("hello world"), 69*G2 from the middleware's tests.
        string memory json =
            vm.readFile("../tests/vectors/bn254/eigenlayer-middleware_test_constants.json");
        BN254.G2Point memory apkG2;
        apkG2.X[0] = vm.parseUint(vm.parseJsonString(json, ".aggSignerApkG2_69xG2.X[0]"));
        apkG2.X[1] = vm.parseUint(vm.parseJsonString(json, ".aggSignerApkG2_69xG2.X[1]"));
        apkG2.Y[0] = vm.parseUint(vm.parseJsonString(json, ".aggSignerApkG2_69xG2.Y[0]"));
        apkG2.Y[1] = vm.parseUint(vm.parseJsonString(json, ".aggSignerApkG2_69xG2.Y[1]"));
        bytes32 msgHash = keccak256("hello world");
        assertEq(msgHash, 0x47173285a8d7341e5e972fc677286384f802f8ef42a5ec5f03bbfa254cb01fad);
        BN254.G1Point memory sigma = BN254.hashToG1(msgHash).scalar_mul(69);
        BN254.G1Point memory apk = BN254.generatorG1().scalar_mul(69);
        (bool ok, bool valid) =
            d.serviceManager.trySignatureAndApkVerification(msgHash, apk, apkG2, sigma);
        assertTrue(ok);
        assertTrue(valid);
        // 6900*G2 does not match 69*G1.
        apkG2.X[0] = vm.parseUint(vm.parseJsonString(json, ".oneHundredQuorumApkG2_6900xG2.X[0]"));
        apkG2.X[1] = vm.parseUint(vm.parseJsonString(json, ".oneHundredQuorumApkG2_6900xG2.X[1]"));
        apkG2.Y[0] = vm.parseUint(vm.parseJsonString(json, ".oneHundredQuorumApkG2_6900xG2.Y[0]"));
        apkG2.Y[1] = vm.parseUint(vm.parseJsonString(json, ".oneHundredQuorumApkG2_6900xG2.Y[1]"));
        (ok, valid) = d.serviceManager.trySignatureAndApkVerification(msgHash, apk, apkG2, sigma);
        assertTrue(ok);
        assertFalse(valid);
    }

    function testFuzz_checkSignatures_RandomSignatureNeverPasses(
        uint256 k
    ) public {
        k = bound(k, 1, BN254.FR_MODULUS - 1);
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p = _valid(MSG, new uint256[](0));
        BN254.G1Point memory right = p.sigma;
        p.sigma = BN254.generatorG1().scalar_mul(k);
        vm.assume(p.sigma.X != right.X);
        vm.expectRevert(IBLSSignatureChecker.InvalidBLSSignature.selector);
        _check(p);
    }

    function testFuzz_checkSignatures_PerturbedSignatureNeverPasses(
        uint256 delta,
        uint256 nonSignerSeed
    ) public {
        delta = bound(delta, 1, BN254.FR_MODULUS - 1);
        uint256[] memory ns = _one(nonSignerSeed % N);
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p = _valid(MSG, ns);
        p.sigma = p.sigma.plus(BN254.generatorG1().scalar_mul(delta));
        vm.expectRevert(IBLSSignatureChecker.InvalidBLSSignature.selector);
        _check(p);
    }

    function testFuzz_checkSignatures_SignatureOnOtherMessageNeverPasses(
        bytes32 other
    ) public {
        vm.assume(other != MSG);
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p = _valid(other, new uint256[](0));
        vm.expectRevert(IBLSSignatureChecker.InvalidBLSSignature.selector);
        _check(p);
    }

    function testFuzz_checkSignatures_AnyNonSignerSetVerifies(
        uint256 mask
    ) public view {
        mask = bound(mask, 0, (1 << N) - 2); // at least one signer
        uint256[] memory ns = new uint256[](N);
        uint256 m;
        uint256 missing;
        for (uint256 i = 0; i < N; i++) {
            if ((mask >> i) & 1 == 1) {
                ns[m++] = i;
                missing += (i + 1) * 1 ether;
            }
        }
        assembly ("memory-safe") {
            mstore(ns, m)
        }
        (IBLSSignatureChecker.QuorumStakeTotals memory t,) = _check(_valid(MSG, ns));
        assertEq(uint256(t.signedStakeForQuorum[0]), 36 ether - missing);
    }

    function _sortedAddrs() internal view returns (address[] memory a) {
        a = new address[](N);
        for (uint256 i = 0; i < N; i++) {
            a[i] = ops[i].addr;
        }
        for (uint256 i = 1; i < N; i++) {
            address x = a[i];
            uint256 j = i;
            while (j > 0 && a[j - 1] > x) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = x;
        }
    }
}
