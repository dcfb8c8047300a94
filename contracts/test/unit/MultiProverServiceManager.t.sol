// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MpavsFixture} from "../utils/MpavsFixture.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {TEE} from "../../src/libraries/TEE.sol";
import {IMultiProverServiceManager} from "../../src/interfaces/IMultiProverServiceManager.sol";
import {IBLSSignatureChecker} from "../../src/interfaces/IBLSSignatureChecker.sol";
import {IBLSApkRegistry} from "../../src/interfaces/IBLSApkRegistry.sol";
import {IServiceManager} from "../../src/interfaces/IServiceManager.sol";
import {ISignatureUtils} from "../../src/interfaces/ISignatureUtils.sol";
import {ITEELivenessVerifier} from "../../src/interfaces/ITEELivenessVerifier.sol";
import {IAttestationVerifier} from "../../src/interfaces/IAttestationVerifier.sol";
import {IRegistryCoordinator} from "../../src/interfaces/IRegistryCoordinator.sol";
import {IStakeRegistry} from "../../src/interfaces/IStakeRegistry.sol";
import {IStrategy} from "../../src/interfaces/IStrategy.sol";
import {MultiProverServiceManager} from "../../src/core/MultiProverServiceManager.sol";
import {TEELivenessVerifier} from "../../src/core/TEELivenessVerifier.sol";
import {IAVSDirectory} from "../../src/interfaces/IAVSDirectory.sol";
import {
    ITransparentUpgradeableProxy
} from "@openzeppelin/contracts/proxy/transparent/TransparentUpgradeableProxy.sol";
import {
    TransparentUpgradeableProxy
} from "@openzeppelin/contracts/proxy/transparent/TransparentUpgradeableProxy.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {BitmapUtils} from "../../src/libraries/BitmapUtils.sol";
import {ITaskValidator} from "../../src/interfaces/ITaskValidator.sol";

/// @notice confirmState and the service manager's configuration. Ten operators with stakes
///         1..10 ether (total 55) in quorum 0, all live; committees 1 and 2 at 67 %.
contract MultiProverServiceManagerTest is MpavsFixture {
    uint256 internal constant N = 10;
    bytes internal constant Q0 = hex"00";

    function setUp() public {
        _setUpSystem(67, N);
        _registerLive(N);
    }

    function _ref() internal view returns (uint32) {
        return uint32(block.number - 1);
    }

    function _confirm(
        IMultiProverServiceManager.StateHeader memory h,
        uint256[] memory nonSigners
    ) internal returns (bytes32) {
        return d.serviceManager.confirmState(h, _signedParams(h, Q0, _range(0, N), nonSigners));
    }

    // ---- confirmation ----

    function test_confirmState_ConfirmsWithAllSigners() public {
        IMultiProverServiceManager.StateHeader memory h = _header(1, 1, _ref());
        bytes32 digest = _confirm(h, new uint256[](0));
        assertEq(digest, d.serviceManager.stateHeaderDigest(h));
        assertTrue(d.serviceManager.isStateConfirmed(1, h.metadata, h.state));
        assertEq(d.serviceManager.confirmedStateHash(1, h.metadata), keccak256(h.state));
        assertEq(d.serviceManager.conflictCount(1, h.metadata), 0);
    }

    function test_confirmState_ConfirmsAtExactThreshold() public {
        // Operator i stakes i + 1 ether. Non-signers 7 and 9 (8 + 10 ether) leave 37 of 55:
        // 37 * 100 = 3700 >= 55 * 67 = 3685, the smallest signed stake that passes.
        uint256[] memory ns = _two(7, 9);
        IMultiProverServiceManager.StateHeader memory h = _header(1, 2, _ref());
        _confirm(h, ns);
        assertTrue(d.serviceManager.isStateConfirmed(1, h.metadata, h.state));
        (IBLSSignatureChecker.QuorumStakeTotals memory totals,) = d.serviceManager
            .checkSignatures(
                d.serviceManager.stateHeaderDigest(h),
                Q0,
                h.referenceBlockNumber,
                _signedParams(h, Q0, _range(0, N), ns)
            );
        assertEq(totals.totalStakeForQuorum[0], 55 ether);
        assertEq(totals.signedStakeForQuorum[0], 37 ether);
    }

    function test_confirmState_RevertWhen_BelowThreshold() public {
        uint256[] memory ns = _two(8, 9); // 9 + 10 ether missing: 36 of 55, 3600 < 3685
        IMultiProverServiceManager.StateHeader memory h = _header(1, 3, _ref());
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(h, Q0, _range(0, N), ns);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMultiProverServiceManager.InsufficientSignedStake.selector,
                uint8(0),
                uint96(36 ether),
                uint96(55 ether),
                uint8(67)
            )
        );
        d.serviceManager.confirmState(h, p);
    }

    function test_confirmState_RevertWhen_BadAggregate() public {
        IMultiProverServiceManager.StateHeader memory h = _header(1, 4, _ref());
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(h, Q0, _range(0, N), new uint256[](0));
        p.sigma = BN254.plus(p.sigma, BN254.generatorG1());
        vm.expectRevert(IBLSSignatureChecker.InvalidBLSSignature.selector);
        d.serviceManager.confirmState(h, p);
    }

    function test_confirmState_RevertWhen_SignerMissingFromAggregate() public {
        // Operator 3 did not sign but is not listed as non-signer: the aggregate lacks its key.
        IMultiProverServiceManager.StateHeader memory h = _header(1, 5, _ref());
        bytes32 digest = d.serviceManager.stateHeaderDigest(h);
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p = _params(
            Q0, h.referenceBlockNumber, digest, _without(_range(0, N), _one(3)), new uint256[](0)
        );
        vm.expectRevert(IBLSSignatureChecker.InvalidBLSSignature.selector);
        d.serviceManager.confirmState(h, p);
    }

    function test_confirmState_RevertWhen_ReferenceBlockTooOld() public {
        uint32 ref = _ref();
        IMultiProverServiceManager.StateHeader memory h = _header(1, 6, ref);
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(h, Q0, _range(0, N), new uint256[](0));
        vm.roll(block.number + 100); // ref is now 101 blocks old, the window is 100
        vm.expectRevert(
            abi.encodeWithSelector(
                IMultiProverServiceManager.ReferenceBlockTooOld.selector,
                ref,
                block.number,
                uint32(100)
            )
        );
        d.serviceManager.confirmState(h, p);
    }

    function test_confirmState_ConfirmsAtOldestAllowedReferenceBlock() public {
        uint32 ref = _ref();
        IMultiProverServiceManager.StateHeader memory h = _header(1, 7, ref);
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(h, Q0, _range(0, N), new uint256[](0));
        vm.roll(block.number + 99); // exactly 100 blocks old
        d.serviceManager.confirmState(h, p);
        assertTrue(d.serviceManager.isStateConfirmed(1, h.metadata, h.state));
    }

    function test_confirmState_RevertWhen_ReferenceBlockNotInPast() public {
        IMultiProverServiceManager.StateHeader memory h = _header(1, 8, uint32(block.number));
        vm.expectRevert(
            abi.encodeWithSelector(
                IMultiProverServiceManager.ReferenceBlockNotInPast.selector,
                uint32(block.number),
                block.number
            )
        );
        d.serviceManager.confirmState(h, _emptyParams());
    }

    function test_confirmState_RevertWhen_NonLiveSignerCounted() public {
        _revoke(4);
        IMultiProverServiceManager.StateHeader memory h = _header(1, 9, _ref());
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(h, Q0, _range(0, N), new uint256[](0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IMultiProverServiceManager.SignerNotLive.selector, ops[4].id, uint8(0)
            )
        );
        d.serviceManager.confirmState(h, p);
    }

    function test_confirmState_ConfirmsWhenNonLiveOperatorIsNonSigner() public {
        _revoke(4);
        IMultiProverServiceManager.StateHeader memory h = _header(1, 10, _ref());
        _confirm(h, _one(4));
        assertTrue(d.serviceManager.isStateConfirmed(1, h.metadata, h.state));
    }

    function test_confirmState_RevertWhen_SignerLivenessExpired() public {
        IMultiProverServiceManager.StateHeader memory h = _header(1, 11, _ref());
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(h, Q0, _range(0, N), new uint256[](0));
        vm.warp(block.timestamp + 3600);
        // Every signer expired at once; the first in the quorum's list (operator 0) is reported.
        vm.expectRevert(
            abi.encodeWithSelector(
                IMultiProverServiceManager.SignerNotLive.selector, ops[0].id, uint8(0)
            )
        );
        d.serviceManager.confirmState(h, p);
        // A fresh proof of every operator but one: that one is reported.
        for (uint256 i = 0; i < N; i++) {
            if (i != 6) _makeLive(i);
        }
        vm.expectRevert(
            abi.encodeWithSelector(
                IMultiProverServiceManager.SignerNotLive.selector, ops[6].id, uint8(0)
            )
        );
        d.serviceManager.confirmState(h, p);
    }

    function test_confirmState_RevertWhen_SignerLiveWithOtherTeeType() public {
        d.livenessVerifier
            .setAttestationVerifier(TEE.INTEL_TDX, IAttestationVerifier(address(attestation)));
        ITEELivenessVerifier.ReportData memory r = _reportData(2);
        bytes memory q = _quote(0x81, _enclave(2), keccak256(abi.encode(r)));
        vm.prank(ops[2].addr);
        d.livenessVerifier.submitLivenessProof(r, q);
        vm.roll(block.number + 1);
        IMultiProverServiceManager.StateHeader memory h = _header(1, 12, _ref());
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(h, Q0, _range(0, N), new uint256[](0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IMultiProverServiceManager.SignerNotLive.selector, ops[2].id, uint8(0)
            )
        );
        d.serviceManager.confirmState(h, p);
    }

    function test_confirmState_RevertWhen_ReplayedOnOtherChain() public {
        IMultiProverServiceManager.StateHeader memory h = _header(1, 13, _ref());
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(h, Q0, _range(0, N), new uint256[](0));
        vm.chainId(block.chainid + 1);
        vm.expectRevert(IBLSSignatureChecker.InvalidBLSSignature.selector);
        d.serviceManager.confirmState(h, p);
    }

    function test_confirmState_RevertWhen_ReplayedOnOtherDeployment() public {
        IMultiProverServiceManager.StateHeader memory h = _header(1, 14, _ref());
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(h, Q0, _range(0, N), new uint256[](0));
        // A second deployment with the same operators, keys and stakes.
        Deployment memory first = d;
        d = _deployMpavs(_config(67));
        _registerLive(N);
        assertTrue(address(d.serviceManager) != address(first.serviceManager));
        // Same registry state: the indices and APKs of the other deployment are valid here.
        IMultiProverServiceManager.StateHeader memory h2 = _header(1, 14, _ref());
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p2 =
            _signedParams(h2, Q0, _range(0, N), new uint256[](0));
        p2.sigma = p.sigma; // the signature made for the first deployment's digest
        vm.expectRevert(IBLSSignatureChecker.InvalidBLSSignature.selector);
        d.serviceManager.confirmState(h2, p2);
        // The signature made for this deployment passes.
        d.serviceManager.confirmState(h2, _signedParams(h2, Q0, _range(0, N), new uint256[](0)));
        assertTrue(d.serviceManager.isStateConfirmed(1, h2.metadata, h2.state));
        assertFalse(first.serviceManager.isStateConfirmed(1, h.metadata, h.state));
    }

    function test_confirmState_RevertWhen_SameStateConfirmedAgain() public {
        IMultiProverServiceManager.StateHeader memory h = _header(1, 15, _ref());
        _confirm(h, new uint256[](0));
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(h, Q0, _range(0, N), new uint256[](0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IMultiProverServiceManager.StateAlreadyConfirmed.selector,
                uint256(1),
                keccak256(h.metadata),
                keccak256(h.state)
            )
        );
        d.serviceManager.confirmState(h, p);
    }

    function test_confirmState_RecordsConflictingState() public {
        IMultiProverServiceManager.StateHeader memory h = _header(1, 16, _ref());
        _confirm(h, new uint256[](0));
        IMultiProverServiceManager.StateHeader memory bad = _header(1, 16, _ref());
        bad.state = abi.encode(bytes32(uint256(1)), bytes32(uint256(2)));
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(bad, Q0, _range(0, N), new uint256[](0));
        vm.expectEmit(address(d.serviceManager));
        emit IMultiProverServiceManager.StateConflict(
            1,
            keccak256(bad.metadata),
            keccak256(bad.state),
            keccak256(h.state),
            bad.state,
            bad.referenceBlockNumber,
            keccak256(abi.encodePacked(bad.referenceBlockNumber))
        );
        d.serviceManager.confirmState(bad, p);
        assertEq(d.serviceManager.conflictCount(1, h.metadata), 1);
        assertTrue(d.serviceManager.isStateConfirmed(1, h.metadata, h.state));
        assertFalse(d.serviceManager.isStateConfirmed(1, bad.metadata, bad.state));
        vm.expectRevert(
            abi.encodeWithSelector(
                IMultiProverServiceManager.ConflictAlreadyRecorded.selector,
                uint256(1),
                keccak256(bad.metadata),
                keccak256(bad.state)
            )
        );
        d.serviceManager.confirmState(bad, p);
    }

    function test_confirmState_RevertWhen_ConflictBelowThreshold() public {
        IMultiProverServiceManager.StateHeader memory h = _header(1, 17, _ref());
        _confirm(h, new uint256[](0));
        IMultiProverServiceManager.StateHeader memory bad = _header(1, 17, _ref());
        bad.state = hex"01";
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(bad, Q0, _range(0, N), _range(5, N));
        vm.expectRevert( // operators 0..4 sign 1 + 2 + 3 + 4 + 5 ether of 55
            abi.encodeWithSelector(
                IMultiProverServiceManager.InsufficientSignedStake.selector,
                uint8(0),
                uint96(15 ether),
                uint96(55 ether),
                uint8(67)
            )
        );
        d.serviceManager.confirmState(bad, p);
        assertEq(d.serviceManager.conflictCount(1, h.metadata), 0);
    }

    function test_confirmState_EmitsStateConfirmed() public {
        IMultiProverServiceManager.StateHeader memory h = _header(1, 18, _ref());
        uint256[] memory ns = _one(2);
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(h, Q0, _range(0, N), ns);
        vm.expectEmit(address(d.serviceManager));
        emit IMultiProverServiceManager.StateConfirmed(
            1,
            keccak256(h.metadata),
            keccak256(h.state),
            h.metadata,
            h.state,
            h.referenceBlockNumber,
            keccak256(abi.encodePacked(h.referenceBlockNumber, ops[2].id))
        );
        d.serviceManager.confirmState(h, p);
    }

    function test_confirmState_CallableByAnyone() public {
        IMultiProverServiceManager.StateHeader memory h = _header(1, 19, _ref());
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(h, Q0, _range(0, N), new uint256[](0));
        vm.prank(address(0xCAFE), address(0xCAFE));
        d.serviceManager.confirmState(h, p);
        assertTrue(d.serviceManager.isStateConfirmed(1, h.metadata, h.state));
    }

    function test_confirmState_RevertWhen_UnknownCommittee() public {
        IMultiProverServiceManager.StateHeader memory h = _header(7, 20, _ref());
        vm.expectRevert(
            abi.encodeWithSelector(
                IMultiProverServiceManager.CommitteeNotFound.selector, uint256(7)
            )
        );
        d.serviceManager.confirmState(h, _emptyParams());
    }

    function test_confirmState_RevertWhen_Paused() public {
        vm.prank(address(0xBEEF)); // the pauser
        d.serviceManager.pause();
        IMultiProverServiceManager.StateHeader memory h = _header(1, 21, _ref());
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(h, Q0, _range(0, N), new uint256[](0));
        vm.expectRevert(IMultiProverServiceManager.EnforcedPause.selector);
        d.serviceManager.confirmState(h, p);
        d.serviceManager.unpause();
        d.serviceManager.confirmState(h, p);
        assertTrue(d.serviceManager.isStateConfirmed(1, h.metadata, h.state));
    }

    function test_confirmState_RevertWhen_WrongQuorumApk() public {
        IMultiProverServiceManager.StateHeader memory h = _header(1, 22, _ref());
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(h, Q0, _range(0, N), new uint256[](0));
        p.quorumApks[0] = ops[0].pk1;
        vm.expectRevert(IBLSSignatureChecker.InvalidQuorumApkHash.selector);
        d.serviceManager.confirmState(h, p);
    }

    function test_confirmState_ChecksEveryQuorumOfCommittee() public {
        // Quorum 1 (SGX) with operators 0..4; committee 3 = quorums 0 and 1 at 67 % and 100 %.
        _createQuorum(1);
        d.serviceManager.setQuorumTeeType(1, TEE.INTEL_SGX);
        d.serviceManager.setCommittee(3, hex"0001", hex"4364", "two quorums");
        for (uint256 i = 0; i < 5; i++) {
            ISignatureUtils.SignatureWithSaltAndExpiry memory none;
            IBLSApkRegistry.PubkeyRegistrationParams memory kp = _pubkeyParams(ops[i]);
            vm.prank(ops[i].addr);
            d.registryCoordinator.registerOperator(hex"01", "socket", kp, none);
        }
        vm.roll(block.number + 2);
        IMultiProverServiceManager.StateHeader memory h = _header(3, 23, _ref());
        // Operator 9 (quorum 0 only) does not sign: quorum 0 at 45/55, quorum 1 at 100 %.
        d.serviceManager.confirmState(h, _signedParams(h, hex"0001", _range(0, N), _one(9)));
        assertTrue(d.serviceManager.isStateConfirmed(3, h.metadata, h.state));
        // Operator 1 is in both quorums: quorum 1 falls to 12/15 < 100 %.
        IMultiProverServiceManager.StateHeader memory h2 = _header(3, 24, _ref());
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(h2, hex"0001", _range(0, N), _one(1));
        vm.expectRevert(
            abi.encodeWithSelector(
                IMultiProverServiceManager.InsufficientSignedStake.selector,
                uint8(1),
                uint96(13 ether),
                uint96(15 ether),
                uint8(100)
            )
        );
        d.serviceManager.confirmState(h2, p);
    }

    /// @dev Issue 10 item 9: a committee whose quorum has no operators verifies an empty
    ///      aggregate (zero keys, zero signature) with 0 of 0 stake signed; the `signed == 0`
    ///      guard is all that stops it from confirming an arbitrary state.
    function test_confirmState_RevertWhen_QuorumHasNoOperators() public {
        _createQuorum(1);
        d.serviceManager.setQuorumTeeType(1, TEE.INTEL_SGX);
        d.serviceManager.setCommittee(3, hex"01", hex"43", "empty quorum");
        // Operator 0 joins quorum 1 and leaves it again: no operators left.
        ISignatureUtils.SignatureWithSaltAndExpiry memory none;
        IBLSApkRegistry.PubkeyRegistrationParams memory kp = _pubkeyParams(ops[0]);
        vm.prank(ops[0].addr);
        d.registryCoordinator.registerOperator(hex"01", "socket", kp, none);
        vm.roll(block.number + 1);
        vm.prank(ops[0].addr);
        d.registryCoordinator.deregisterOperator(hex"01");
        vm.roll(block.number + 2);
        IMultiProverServiceManager.StateHeader memory h = _header(3, 26, _ref());
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(h, hex"01", new uint256[](0), new uint256[](0));
        (IBLSSignatureChecker.QuorumStakeTotals memory totals,) = d.serviceManager
            .checkSignatures(
                d.serviceManager.stateHeaderDigest(h), hex"01", h.referenceBlockNumber, p
            );
        assertEq(totals.totalStakeForQuorum[0], 0); // the empty aggregate verifies
        vm.expectRevert(
            abi.encodeWithSelector(
                IMultiProverServiceManager.InsufficientSignedStake.selector,
                uint8(1),
                uint96(0),
                uint96(0),
                uint8(67)
            )
        );
        d.serviceManager.confirmState(h, p);
        assertEq(d.serviceManager.confirmedStateHash(3, h.metadata), bytes32(0));
    }

    /// @dev Issue 10 item 2: an operator that deregisters and registers again is not live
    ///      until it submits a new quote; its old liveness record died with its registration.
    function test_confirmState_RevertWhen_ReRegisteredOperatorNotReattested() public {
        vm.prank(ops[4].addr);
        d.registryCoordinator.deregisterOperator(Q0);
        assertFalse(d.livenessVerifier.isLive(ops[4].id));
        vm.roll(block.number + 1);
        _registerStaked(4, Q0, bytes32(uint256(0x4444)));
        vm.roll(block.number + 1);
        assertFalse(d.livenessVerifier.isLive(ops[4].id));
        IMultiProverServiceManager.StateHeader memory h = _header(1, 27, _ref());
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(h, Q0, _range(0, N), new uint256[](0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IMultiProverServiceManager.SignerNotLive.selector, ops[4].id, uint8(0)
            )
        );
        d.serviceManager.confirmState(h, p);
        _makeLive(4); // a fresh quote makes it count again
        d.serviceManager.confirmState(h, p);
        assertTrue(d.serviceManager.isStateConfirmed(1, h.metadata, h.state));
    }

    // ---- task validator (MockRollup batches, committee 2) ----

    /// @dev metadata and state of committee 2 (docs/protocol.md section 1).
    function _batchHeader(
        uint256 chainId,
        uint256 index,
        uint256 first,
        uint256 last,
        bytes32 batchHash
    ) internal view returns (IMultiProverServiceManager.StateHeader memory h) {
        h.identifier = 2;
        h.metadata = abi.encode(chainId, index, first, last);
        h.state = abi.encode(keccak256("prev"), keccak256("post"), batchHash);
        h.referenceBlockNumber = _ref();
    }

    function _confirmBatch(
        IMultiProverServiceManager.StateHeader memory h
    ) internal {
        d.serviceManager.confirmState(h, _signedParams(h, Q0, _range(0, N), new uint256[](0)));
    }

    function _expectTaskNotValid(
        IMultiProverServiceManager.StateHeader memory h
    ) internal {
        IBLSSignatureChecker.NonSignerStakesAndSignature memory p =
            _signedParams(h, Q0, _range(0, N), new uint256[](0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IMultiProverServiceManager.TaskNotValid.selector,
                uint256(2),
                keccak256(h.metadata),
                keccak256(h.state)
            )
        );
        d.serviceManager.confirmState(h, p);
    }

    /// @dev Issue 10 item 1: stake enough to confirm cannot confirm a made-up state for a batch
    ///      that was never committed (no honest state could ever contest it), nor a state whose
    ///      batch hash or block range is not the committed one.
    function test_confirmState_RevertWhen_BatchNotCommitted() public {
        bytes32 batchHash = keccak256("batch 0");
        _expectTaskNotValid(_batchHeader(31_338, 0, 1, 4, batchHash)); // nothing committed yet
        vm.prank(address(0x5E0)); // the sequencer
        d.rollup.commitBatch(batchHash, 1, 4);
        vm.roll(block.number + 1);
        _expectTaskNotValid(_batchHeader(31_338, 0, 1, 4, keccak256("other data")));
        _expectTaskNotValid(_batchHeader(31_338, 0, 1, 5, batchHash));
        _expectTaskNotValid(_batchHeader(31_338, 0, 2, 4, batchHash));
        _expectTaskNotValid(_batchHeader(31_339, 0, 1, 4, batchHash));
        _expectTaskNotValid(_batchHeader(31_338, 1, 5, 8, batchHash)); // next batch, not yet
        IMultiProverServiceManager.StateHeader memory h = _batchHeader(31_338, 0, 1, 4, batchHash);
        h.metadata = abi.encodePacked(h.metadata, bytes1(0)); // not the 128-byte encoding
        _expectTaskNotValid(h);
        h = _batchHeader(31_338, 0, 1, 4, batchHash);
        _confirmBatch(h);
        assertTrue(d.serviceManager.isStateConfirmed(2, h.metadata, h.state));
        // A different state of the real batch is still recorded as a conflict.
        IMultiProverServiceManager.StateHeader memory other = h;
        other.state = abi.encode(keccak256("prev"), keccak256("another post"), batchHash);
        _confirmBatch(other);
        assertEq(d.serviceManager.conflictCount(2, h.metadata), 1);
    }

    function test_setTaskValidator_SetsKeepsAndClears() public {
        ITaskValidator v = d.serviceManager.taskValidator(2);
        assertEq(address(v), address(d.batchTaskValidator));
        assertEq(address(d.serviceManager.taskValidator(1)), address(0));
        // Replacing the committee's quorums keeps its validator.
        d.serviceManager.setCommittee(2, Q0, hex"50", "L2 batch");
        _expectTaskNotValid(_batchHeader(31_338, 0, 1, 4, keccak256("x")));
        vm.expectEmit(address(d.serviceManager));
        emit IMultiProverServiceManager.TaskValidatorUpdated(2, address(v), address(0));
        d.serviceManager.setTaskValidator(2, ITaskValidator(address(0)));
        _confirmBatch(_batchHeader(31_338, 0, 1, 4, keccak256("x"))); // no check any more
        d.serviceManager.setTaskValidator(2, v);
        vm.expectEmit(address(d.serviceManager));
        emit IMultiProverServiceManager.TaskValidatorUpdated(2, address(v), address(0));
        d.serviceManager.removeCommittee(2);
        assertEq(address(d.serviceManager.taskValidator(2)), address(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IMultiProverServiceManager.CommitteeNotFound.selector, uint256(2)
            )
        );
        d.serviceManager.setTaskValidator(2, v);
        vm.prank(address(0xBAD));
        vm.expectRevert(
            abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(0xBAD))
        );
        d.serviceManager.setTaskValidator(1, v);
    }

    // ---- digest ----

    function test_STATEHEADER_TYPEHASH_MatchesDocumentedType() public view {
        assertEq(
            d.serviceManager.STATEHEADER_TYPEHASH(),
            keccak256(
                "StateHeader(uint256 chainId,address serviceManager,uint256 identifier,bytes metadata,bytes state,uint32 referenceBlockNumber)"
            )
        );
    }

    /// @dev The worked example of docs/protocol.md (chain 31337, the devnet's first service
    ///      manager address): C implementations check their digest against this value.
    function test_stateHeaderDigest_MatchesDocumentedVector() public {
        address documented = 0x5FC8d32690cc91D4c39d9d3abcBD16989F875707;
        vm.etch(documented, d.serviceManagerImpl.code);
        vm.chainId(31_337);
        IMultiProverServiceManager.StateHeader memory h;
        h.identifier = 1;
        h.metadata = abi.encode(uint256(31_338), uint256(7));
        h.state = abi.encode(
            bytes32(uint256(0x1111111111111111111111111111111111111111111111111111111111111111)),
            bytes32(uint256(0x2222222222222222222222222222222222222222222222222222222222222222))
        );
        h.referenceBlockNumber = 100;
        assertEq(
            MultiProverServiceManager(documented).stateHeaderDigest(h),
            0xaed66e78ce31a0d8949b7ff3d415128a693f121860ccc853d37c3045a1bc0b7f
        );
        assertEq(
            d.serviceManager.STATEHEADER_TYPEHASH(),
            0xa73a59753724b4ca602a08eaa4466d1157b8afe458edb2147aa96fbe5ac955cb
        );
        // hashToG1 of that digest and the signature of operator key 0 (sk = 853).
        BN254.G1Point memory hm =
            BN254.hashToG1(0xaed66e78ce31a0d8949b7ff3d415128a693f121860ccc853d37c3045a1bc0b7f);
        assertEq(
            hm.X,
            13_416_574_758_839_595_160_978_270_365_440_496_221_077_598_802_246_332_877_310_560_622_684_573_864_874
        );
        assertEq(
            hm.Y,
            18_609_136_721_286_243_162_894_818_940_512_726_564_620_294_161_184_290_592_807_208_926_908_524_664_344
        );
        assertEq(ops[0].sk, 853);
        BN254.G1Point memory sig = BN254.scalar_mul(hm, ops[0].sk);
        assertEq(
            sig.X,
            13_446_960_872_165_700_925_916_616_126_442_044_848_489_515_791_096_090_034_395_473_654_125_092_774_947
        );
        assertEq(
            sig.Y,
            9_736_026_480_291_042_557_253_515_151_291_339_617_962_706_414_650_263_484_536_882_268_861_076_438_738
        );
        assertTrue(BN254.pairing(sig, BN254.negGeneratorG2(), hm, ops[0].pk2));
    }

    function testFuzz_stateHeaderDigest_MatchesSpec(
        uint256 identifier,
        bytes calldata metadata,
        bytes calldata state,
        uint32 ref
    ) public view {
        IMultiProverServiceManager.StateHeader memory h =
            IMultiProverServiceManager.StateHeader(identifier, metadata, state, ref);
        bytes32 expected = keccak256(
            abi.encode(
                keccak256(
                    "StateHeader(uint256 chainId,address serviceManager,uint256 identifier,bytes metadata,bytes state,uint32 referenceBlockNumber)"
                ),
                block.chainid,
                address(d.serviceManager),
                identifier,
                keccak256(metadata),
                keccak256(state),
                uint256(ref)
            )
        );
        assertEq(d.serviceManager.stateHeaderDigest(h), expected);
    }

    function testFuzz_stateHeaderDigest_BindsEveryField(
        uint256 identifier,
        bytes calldata metadata,
        bytes calldata state,
        uint32 ref,
        uint8 field
    ) public {
        IMultiProverServiceManager.StateHeader memory h =
            IMultiProverServiceManager.StateHeader(identifier, metadata, state, ref);
        bytes32 before = d.serviceManager.stateHeaderDigest(h);
        field = uint8(bound(field, 0, 4));
        if (field == 0) h.identifier = identifier ^ 1;
        else if (field == 1) h.metadata = abi.encodePacked(metadata, hex"00");
        else if (field == 2) h.state = abi.encodePacked(state, hex"00");
        else if (field == 3) h.referenceBlockNumber = ref ^ 1;
        else vm.chainId(block.chainid + 1);
        assertNotEq(d.serviceManager.stateHeaderDigest(h), before);
    }

    // ---- configuration ----

    function test_setCommittee_StoresPackedCommittee() public {
        _createQuorum(1);
        d.serviceManager.setQuorumTeeType(1, TEE.INTEL_TDX);
        d.serviceManager.setCommittee(9, hex"0001", hex"3364", "nine");
        IMultiProverServiceManager.Committee memory c = d.serviceManager.getCommittee(9);
        assertEq(c.quorumNumbers, hex"0001");
        assertEq(c.thresholdPercentages, hex"3364");
        assertEq(c.teeTypes, abi.encodePacked(TEE.INTEL_SGX, TEE.INTEL_TDX));
        assertEq(c.description, "nine");
        d.serviceManager.removeCommittee(9);
        assertEq(d.serviceManager.getCommittee(9).quorumNumbers.length, 0);
    }

    function test_setCommittee_RevertWhen_Invalid() public {
        vm.expectRevert(IMultiProverServiceManager.InvalidCommittee.selector);
        d.serviceManager.setCommittee(0, Q0, hex"43", "zero id");
        vm.expectRevert(IMultiProverServiceManager.InvalidCommittee.selector);
        d.serviceManager.setCommittee(5, Q0, hex"00", "threshold 0");
        vm.expectRevert(IMultiProverServiceManager.InvalidCommittee.selector);
        d.serviceManager.setCommittee(5, Q0, hex"65", "threshold 101");
        vm.expectRevert(IMultiProverServiceManager.InvalidCommittee.selector);
        d.serviceManager.setCommittee(5, Q0, hex"4343", "length mismatch");
        vm.expectRevert(IMultiProverServiceManager.InvalidCommittee.selector);
        d.serviceManager.setCommittee(5, "", "", "empty");
        vm.expectRevert(BitmapUtils.BitmapValueTooLarge.selector); // quorum 1 does not exist
        d.serviceManager.setCommittee(5, hex"01", hex"43", "unknown quorum");
        _createQuorum(1);
        vm.expectRevert(IMultiProverServiceManager.InvalidCommittee.selector);
        d.serviceManager.setCommittee(5, hex"01", hex"43", "no TEE type");
    }

    function test_setCommittee_RevertWhen_NotOwner() public {
        vm.prank(address(0xBAD));
        vm.expectRevert(
            abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(0xBAD))
        );
        d.serviceManager.setCommittee(5, Q0, hex"43", "x");
    }

    function test_setQuorumTeeType_RevertWhen_AlreadySet() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IMultiProverServiceManager.QuorumTeeTypeAlreadySet.selector, uint8(0)
            )
        );
        d.serviceManager.setQuorumTeeType(0, TEE.INTEL_TDX);
        vm.expectRevert(IMultiProverServiceManager.InvalidParameter.selector);
        d.serviceManager.setQuorumTeeType(5, TEE.INTEL_SGX);
    }

    function test_removeCommittee_RevertWhen_Unknown() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IMultiProverServiceManager.CommitteeNotFound.selector, uint256(44)
            )
        );
        d.serviceManager.removeCommittee(44);
    }

    /// @dev Issue 10 item 1: the reference window must stay below the vault's withdrawal delay
    ///      (200 blocks in the fixture), in the setter and at initialisation.
    function test_setMaxReferenceBlockAge_RevertWhen_NotBelowWithdrawalDelay() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IMultiProverServiceManager.ReferenceWindowNotBelowWithdrawalDelay.selector,
                uint32(200),
                uint256(200)
            )
        );
        d.serviceManager.setMaxReferenceBlockAge(200);
        d.serviceManager.setMaxReferenceBlockAge(199);
        assertEq(d.serviceManager.maxReferenceBlockAge(), 199);
        ITEELivenessVerifier lv = d.serviceManager.livenessVerifier();
        vm.expectRevert(
            abi.encodeWithSelector(
                IMultiProverServiceManager.ReferenceWindowNotBelowWithdrawalDelay.selector,
                uint32(600),
                uint256(200)
            )
        );
        new TransparentUpgradeableProxy(
            d.serviceManagerImpl,
            address(this),
            abi.encodeCall(
                MultiProverServiceManager.initialize, (address(this), address(0), lv, 600)
            )
        );
    }

    function test_setters_UpdateValues() public {
        d.serviceManager.setMaxReferenceBlockAge(7);
        assertEq(d.serviceManager.maxReferenceBlockAge(), 7);
        vm.expectRevert(IMultiProverServiceManager.InvalidParameter.selector);
        d.serviceManager.setMaxReferenceBlockAge(0);
        d.serviceManager.setPauser(address(0x1234));
        assertEq(d.serviceManager.pauser(), address(0x1234));
        vm.expectRevert(IMultiProverServiceManager.InvalidParameter.selector);
        d.serviceManager.setLivenessVerifier(ITEELivenessVerifier(address(0)));
        // A verifier made for another deployment would block deregistrations here.
        Deployment memory mine = d;
        Deployment memory other = _deployMpavs(_config(67));
        vm.expectRevert(IMultiProverServiceManager.InvalidParameter.selector);
        mine.serviceManager
            .setLivenessVerifier(ITEELivenessVerifier(address(other.livenessVerifier)));
        vm.expectRevert(IMultiProverServiceManager.InvalidParameter.selector);
        mine.serviceManager.setTaskValidator(2, ITaskValidator(address(0x7A5C)));
        d.serviceManager.setStaleStakesForbidden(true);
        assertTrue(d.serviceManager.staleStakesForbidden());
    }

    function test_pause_RevertWhen_NotPauser() public {
        vm.prank(address(0xBAD));
        vm.expectRevert(IMultiProverServiceManager.OnlyPauser.selector);
        d.serviceManager.pause();
        vm.prank(address(0xBEEF));
        d.serviceManager.pause();
        assertTrue(d.serviceManager.paused());
        vm.prank(address(0xBEEF));
        vm.expectRevert(
            abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(0xBEEF))
        );
        d.serviceManager.unpause();
    }

    function test_transferOwnership_TakesTwoSteps() public {
        d.serviceManager.transferOwnership(address(0x0E));
        assertEq(d.serviceManager.owner(), address(this));
        assertEq(d.serviceManager.pendingOwner(), address(0x0E));
        vm.prank(address(0x0E));
        d.serviceManager.acceptOwnership();
        assertEq(d.serviceManager.owner(), address(0x0E));
    }

    function test_upgrade_KeepsState() public {
        IMultiProverServiceManager.StateHeader memory h = _header(1, 25, _ref());
        _confirm(h, new uint256[](0));
        MultiProverServiceManager impl2 = new MultiProverServiceManager(
            IRegistryCoordinator(address(d.registryCoordinator)),
            IAVSDirectory(address(d.avsDirectory))
        );
        d.serviceManagerProxyAdmin
            .upgradeAndCall(
                ITransparentUpgradeableProxy(address(d.serviceManager)), address(impl2), ""
            );
        assertTrue(d.serviceManager.isStateConfirmed(1, h.metadata, h.state));
        assertEq(d.serviceManager.getCommittee(1).quorumNumbers, Q0);
        assertEq(d.serviceManager.owner(), address(this));
        ITEELivenessVerifier lv = d.serviceManager.livenessVerifier();
        vm.expectRevert(bytes4(keccak256("InvalidInitialization()"))); // initializer ran already
        d.serviceManager.initialize(address(this), address(0), lv, 5);
    }

    function test_implementation_CannotBeInitialized() public {
        ITEELivenessVerifier lv = d.serviceManager.livenessVerifier();
        vm.expectRevert(bytes4(keccak256("InvalidInitialization()")));
        MultiProverServiceManager(d.serviceManagerImpl).initialize(address(this), address(0), lv, 5);
    }

    function test_registerOperatorToAVS_RevertWhen_NotCoordinator() public {
        ISignatureUtils.SignatureWithSaltAndExpiry memory s;
        vm.expectRevert(IMultiProverServiceManager.OnlyRegistryCoordinator.selector);
        d.serviceManager.registerOperatorToAVS(address(1), s);
        vm.expectRevert(IMultiProverServiceManager.OnlyRegistryCoordinator.selector);
        d.serviceManager.deregisterOperatorFromAVS(address(1));
    }

    function test_getRestakeableStrategies_ListsVault() public view {
        address[] memory s = d.serviceManager.getRestakeableStrategies();
        assertEq(s.length, 1);
        assertEq(s[0], address(d.vault));
        address[] memory o = d.serviceManager.getOperatorRestakedStrategies(ops[0].addr);
        assertEq(o.length, 1);
        assertEq(o[0], address(d.vault));
        assertEq(d.serviceManager.getOperatorRestakedStrategies(address(0x77)).length, 0);
        assertEq(d.serviceManager.avsDirectory(), address(d.avsDirectory));
    }

    // ---- helpers ----

    function _revoke(
        uint256 i
    ) internal {
        vm.prank(ops[i].addr);
        d.livenessVerifier.revokeLiveness(ops[i].addr);
    }

    function _createQuorum(
        uint8 expected
    ) internal {
        IStakeRegistry.StrategyParams[] memory sp = new IStakeRegistry.StrategyParams[](1);
        sp[0] = IStakeRegistry.StrategyParams(IStrategy(address(d.vault)), 1e18);
        d.registryCoordinator
            .createQuorum(IRegistryCoordinator.OperatorSetParam(100, 11_000, 200), 1e18, sp);
        assertEq(d.registryCoordinator.quorumCount(), expected + 1);
    }

    function _emptyParams()
        internal
        pure
        returns (IBLSSignatureChecker.NonSignerStakesAndSignature memory p)
    {
        p.quorumApks = new BN254.G1Point[](1);
        p.quorumApkIndices = new uint32[](1);
        p.totalStakeIndices = new uint32[](1);
        p.nonSignerStakeIndices = new uint32[][](1);
    }
}
