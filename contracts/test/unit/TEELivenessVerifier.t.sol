// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MpavsFixture} from "../utils/MpavsFixture.sol";
import {TEE} from "../../src/libraries/TEE.sol";
import {ITEELivenessVerifier} from "../../src/interfaces/ITEELivenessVerifier.sol";
import {IAttestationVerifier} from "../../src/interfaces/IAttestationVerifier.sol";
import {MockAttestationVerifier} from "../mocks/MockAttestationVerifier.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice submitLivenessProof and liveness queries. Operators 0..3 registered; validity 3600 s,
///         reference block age 256.
contract TEELivenessVerifierTest is MpavsFixture {
    ITEELivenessVerifier internal lv;

    function setUp() public {
        _setUpSystem(67, 5);
        for (uint256 i = 0; i < 4; i++) {
            _register(i, hex"00", 2 ether);
        }
        vm.roll(block.number + 10);
        vm.warp(1_700_000_000);
        lv = ITEELivenessVerifier(address(d.livenessVerifier));
    }

    function _submit(
        uint256 i,
        ITEELivenessVerifier.ReportData memory r,
        bytes memory quote
    ) internal {
        vm.prank(ops[i].addr);
        lv.submitLivenessProof(r, quote);
    }

    function _validQuote(
        uint256 i,
        ITEELivenessVerifier.ReportData memory r
    ) internal returns (bytes memory) {
        return _quote(0, _enclave(i), keccak256(abi.encode(r)));
    }

    function test_submitLivenessProof_RecordsLiveness() public {
        ITEELivenessVerifier.ReportData memory r = _reportData(1);
        bytes memory q = _validQuote(1, r);
        vm.expectEmit(address(lv));
        emit ITEELivenessVerifier.LivenessProofSubmitted(
            ops[1].addr,
            ops[1].id,
            _enclave(1),
            TEE.INTEL_SGX,
            r.referenceBlockNumber,
            r.proverUrlHash,
            _signedPartHash(q, 432)
        );
        _submit(1, r, q);
        ITEELivenessVerifier.LivenessRecord memory rec = lv.getLivenessRecord(ops[1].id);
        assertEq(rec.enclave, _enclave(1));
        assertEq(uint256(rec.attestedAt), block.timestamp);
        assertEq(uint256(rec.teeType), TEE.INTEL_SGX);
        assertEq(uint256(rec.referenceBlockNumber), r.referenceBlockNumber);
        assertTrue(lv.isLive(ops[1].id));
        assertTrue(lv.verifyLivenessProof(ops[1].addr, _enclave(1)));
        assertFalse(lv.verifyLivenessProof(ops[1].addr, _enclave(2)));
        assertFalse(lv.verifyLivenessProof(ops[2].addr, _enclave(1)));
        assertTrue(lv.isQuoteUsed(_signedPartHash(q, 432)));
        assertFalse(lv.isQuoteUsed(keccak256(q)));
    }

    /// @dev keccak256(q[0:n]).
    function _signedPartHash(
        bytes memory q,
        uint256 n
    ) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            h := keccak256(add(q, 0x20), n)
        }
    }

    function test_quoteId_IsHashOfSignedPart() public {
        ITEELivenessVerifier.ReportData memory r = _reportData(1);
        bytes memory sgx = _validQuote(1, r);
        assertEq(sgx.length, 432 + 65);
        assertEq(lv.quoteId(sgx), _signedPartHash(sgx, 432));
        bytes memory tdx = _quote(0x81, _enclave(1), keccak256(abi.encode(r)));
        assertEq(tdx.length, 632 + 65);
        assertEq(lv.quoteId(tdx), _signedPartHash(tdx, 632));
        // The tail (signature, certification data) is not part of the id.
        sgx[sgx.length - 1] ^= 0x01;
        assertEq(lv.quoteId(sgx), _signedPartHash(sgx, 432));
        bytes memory short = new bytes(431);
        vm.expectRevert(abi.encodeWithSelector(TEE.QuoteTooShort.selector, uint256(431)));
        lv.quoteId(short);
    }

    function test_verifyLivenessProof_ExpiresAfterValidityPeriod() public {
        _makeLive(0);
        uint256 t0 = block.timestamp;
        uint32 num = _numbers(_one(0))[0];
        vm.warp(t0 + 3599);
        assertTrue(lv.verifyLivenessProof(ops[0].addr, _enclave(0)));
        assertTrue(lv.isLive(ops[0].id));
        assertTrue(lv.isLiveNumber(num, TEE.INTEL_SGX));
        vm.warp(t0 + 3600);
        assertFalse(lv.verifyLivenessProof(ops[0].addr, _enclave(0)));
        assertFalse(lv.isLive(ops[0].id));
        assertFalse(lv.isLiveNumber(num, TEE.INTEL_SGX));
    }

    function test_notLiveOperators_ListsMissingAndWrongType() public {
        _makeLive(0);
        _makeLive(2);
        uint32 ref = uint32(block.number - 1);
        uint32[] memory all = _numbers(_range(0, 4));
        uint32[] memory bad = lv.notLiveOperators(0, ref, TEE.INTEL_SGX);
        assertEq(bad.length, 2); // operators 1 and 3 never attested
        assertEq(uint256(bad[0]), all[1]);
        assertEq(uint256(bad[1]), all[3]);
        bad = lv.notLiveOperators(0, ref, TEE.INTEL_TDX); // attested as SGX, not TDX
        assertEq(bad.length, 4);
        assertFalse(lv.isLiveNumber(77, TEE.INTEL_SGX));
        assertFalse(lv.isLiveNumber(0, TEE.INTEL_SGX));
        vm.warp(block.timestamp + 3600);
        assertEq(lv.notLiveOperators(0, ref, TEE.INTEL_SGX).length, 4);
    }

    function test_notLiveOperators_ReadsOperatorSetAtReferenceBlock() public {
        for (uint256 i = 0; i < 4; i++) {
            _makeLive(i);
        }
        uint32 ref = uint32(block.number - 1);
        vm.roll(block.number + 2);
        _register(4, hex"00", 2 ether); // joins after ref, never attested
        vm.roll(block.number + 1);
        assertEq(lv.notLiveOperators(0, ref, TEE.INTEL_SGX).length, 0);
        uint32[] memory bad = lv.notLiveOperators(0, uint32(block.number - 1), TEE.INTEL_SGX);
        assertEq(bad.length, 1);
        assertEq(uint256(bad[0]), d.indexRegistry.operatorNumber(ops[4].id));
    }

    function test_submitLivenessProof_RevertWhen_QuoteReplayed() public {
        ITEELivenessVerifier.ReportData memory r = _reportData(1);
        bytes memory q = _validQuote(1, r);
        _submit(1, r, q);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITEELivenessVerifier.QuoteAlreadyUsed.selector, _signedPartHash(q, 432)
            )
        );
        _submit(1, r, q);
    }

    function test_submitLivenessProof_RevertWhen_SignedPartReplayedWithOtherTail() public {
        // A copy whose unsigned tail differs (here: an extra byte) is the same quote: it is
        // refused as a replay before the attestation verifier is even asked.
        ITEELivenessVerifier.ReportData memory r = _reportData(1);
        bytes memory q = _validQuote(1, r);
        _submit(1, r, q);
        bytes memory copy = abi.encodePacked(q, bytes1(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                ITEELivenessVerifier.QuoteAlreadyUsed.selector, _signedPartHash(q, 432)
            )
        );
        _submit(1, r, copy);
    }

    function test_submitLivenessProof_RevertWhen_QuoteShorterThanSignedPart() public {
        ITEELivenessVerifier.ReportData memory r = _reportData(1);
        bytes memory q = _validQuote(1, r);
        bytes memory short = new bytes(300);
        for (uint256 i = 0; i < 300; i++) {
            short[i] = q[i];
        }
        vm.expectRevert(abi.encodeWithSelector(TEE.QuoteTooShort.selector, uint256(300)));
        _submit(1, r, short);
    }

    function test_submitLivenessProof_RevertWhen_ReferenceBlockTooOld() public {
        vm.roll(block.number + 300);
        ITEELivenessVerifier.ReportData memory r = _reportData(1);
        r.referenceBlockNumber = block.number - 257;
        r.referenceBlockHash = blockhash(r.referenceBlockNumber);
        bytes memory q = _validQuote(1, r);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITEELivenessVerifier.ReferenceBlockTooOld.selector,
                r.referenceBlockNumber,
                block.number,
                uint32(256)
            )
        );
        _submit(1, r, q);
        // 256 blocks old is still accepted.
        r.referenceBlockNumber = block.number - 256;
        r.referenceBlockHash = blockhash(r.referenceBlockNumber);
        _submit(1, r, _validQuote(1, r));
        assertTrue(lv.isLive(ops[1].id));
    }

    function test_submitLivenessProof_RevertWhen_ReferenceBlockNotInPast() public {
        ITEELivenessVerifier.ReportData memory r = _reportData(1);
        r.referenceBlockNumber = block.number;
        bytes memory q = _validQuote(1, r);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITEELivenessVerifier.ReferenceBlockNotInPast.selector, block.number, block.number
            )
        );
        _submit(1, r, q);
    }

    function test_submitLivenessProof_RevertWhen_ReferenceBlockHashWrong() public {
        ITEELivenessVerifier.ReportData memory r = _reportData(1);
        r.referenceBlockHash = keccak256("another chain");
        bytes memory q = _validQuote(1, r);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITEELivenessVerifier.ReferenceBlockHashMismatch.selector,
                blockhash(r.referenceBlockNumber),
                r.referenceBlockHash
            )
        );
        _submit(1, r, q);
    }

    function test_submitLivenessProof_RevertWhen_ReportDataNotBound() public {
        ITEELivenessVerifier.ReportData memory r = _reportData(1);
        bytes memory q = _validQuote(1, r);
        bytes32 bound = keccak256(abi.encode(r));
        r.proverUrlHash = keccak256("http://elsewhere"); // not what the enclave bound
        vm.expectRevert(
            abi.encodeWithSelector(
                ITEELivenessVerifier.ReportDataMismatch.selector, keccak256(abi.encode(r)), bound
            )
        );
        _submit(1, r, q);
    }

    function test_submitLivenessProof_RevertWhen_QuoteBindsOtherOperatorKey() public {
        // Operator 2 submits its own key's data with a quote made for operator 1's key.
        ITEELivenessVerifier.ReportData memory r1 = _reportData(1);
        bytes memory q = _validQuote(2, r1);
        ITEELivenessVerifier.ReportData memory r2 = _reportData(2);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITEELivenessVerifier.ReportDataMismatch.selector,
                keccak256(abi.encode(r2)),
                keccak256(abi.encode(r1))
            )
        );
        _submit(2, r2, q);
    }

    function test_submitLivenessProof_RevertWhen_ReportDataMalformed() public {
        ITEELivenessVerifier.ReportData memory r = _reportData(1);
        bytes memory q = _quote(0, address(0), keccak256(abi.encode(r)));
        vm.expectRevert(ITEELivenessVerifier.ReportDataMalformed.selector);
        _submit(1, r, q);
    }

    function test_submitLivenessProof_RevertWhen_CallerNotOperator() public {
        ITEELivenessVerifier.ReportData memory r = _reportData(1);
        bytes memory q = _validQuote(1, r);
        vm.prank(ops[2].addr);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITEELivenessVerifier.UnauthorizedSubmitter.selector, ops[2].addr, ops[1].addr
            )
        );
        lv.submitLivenessProof(r, q);
    }

    function test_submitLivenessProof_AcceptsNamedSubmitter() public {
        vm.prank(ops[1].addr);
        lv.setLivenessSubmitter(address(0x5AB));
        assertEq(lv.livenessSubmitter(ops[1].addr), address(0x5AB));
        ITEELivenessVerifier.ReportData memory r = _reportData(1);
        bytes memory q = _validQuote(1, r);
        vm.prank(address(0x5AB));
        lv.submitLivenessProof(r, q);
        assertTrue(lv.isLive(ops[1].id));
    }

    function test_submitLivenessProof_RevertWhen_OperatorNotRegistered() public {
        ITEELivenessVerifier.ReportData memory r = _reportData(4); // key 4 never registered
        bytes memory q = _validQuote(4, r);
        vm.expectRevert(
            abi.encodeWithSelector(ITEELivenessVerifier.OperatorNotRegistered.selector, ops[4].id)
        );
        _submit(4, r, q);
        // A deregistered operator cannot attest either.
        vm.prank(ops[3].addr);
        d.registryCoordinator.deregisterOperator(hex"00");
        r = _reportData(3);
        q = _validQuote(3, r);
        vm.expectRevert(
            abi.encodeWithSelector(ITEELivenessVerifier.OperatorNotRegistered.selector, ops[3].id)
        );
        _submit(3, r, q);
    }

    function test_submitLivenessProof_RevertWhen_AttestationFails() public {
        ITEELivenessVerifier.ReportData memory r = _reportData(1);
        bytes memory q = _validQuote(1, r);
        q[q.length - 2] ^= 0x01; // corrupt the simulated quote signature
        vm.expectPartialRevert(MockAttestationVerifier.BadQuoteSignature.selector);
        _submit(1, r, q);
        assertFalse(lv.isLive(ops[1].id));
        assertFalse(lv.isQuoteUsed(lv.quoteId(q)));
    }

    function test_submitLivenessProof_RevertWhen_NoVerifierForTeeType() public {
        ITEELivenessVerifier.ReportData memory r = _reportData(1);
        bytes memory q = _quote(0x81, _enclave(1), keccak256(abi.encode(r)));
        vm.expectRevert(
            abi.encodeWithSelector(
                ITEELivenessVerifier.AttestationVerifierNotSet.selector, TEE.INTEL_TDX
            )
        );
        _submit(1, r, q);
    }

    function test_submitLivenessProof_RevertWhen_QuoteHeaderUnusable() public {
        ITEELivenessVerifier.ReportData memory r = _reportData(1);
        vm.expectRevert(abi.encodeWithSelector(TEE.QuoteTooShort.selector, uint256(10)));
        _submit(1, r, new bytes(10));
        bytes memory q = _quote(0x42, _enclave(1), keccak256(abi.encode(r)));
        vm.expectRevert(abi.encodeWithSelector(TEE.UnsupportedQuoteTeeType.selector, uint32(0x42)));
        _submit(1, r, q);
    }

    function test_submitLivenessProof_UsesVerifierOfQuoteTeeType() public {
        MockAttestationVerifier tdx = new MockAttestationVerifier(vm.addr(QUOTE_SIGNER_KEY));
        lv.setAttestationVerifier(TEE.INTEL_TDX, IAttestationVerifier(address(tdx)));
        assertEq(address(lv.attestationVerifier(TEE.INTEL_TDX)), address(tdx));
        ITEELivenessVerifier.ReportData memory r = _reportData(1);
        _submit(1, r, _quote(0x81, _enclave(1), keccak256(abi.encode(r))));
        assertEq(uint256(lv.getLivenessRecord(ops[1].id).teeType), TEE.INTEL_TDX);
        assertTrue(lv.isLiveNumber(_numbers(_one(1))[0], TEE.INTEL_TDX));
        assertFalse(lv.isLiveNumber(_numbers(_one(1))[0], TEE.INTEL_SGX));
    }

    function test_submitLivenessProof_ReplacesEnclave() public {
        _makeLive(1);
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 100);
        ITEELivenessVerifier.ReportData memory r = _reportData(1);
        _submit(1, r, _quote(0, address(0xE2), keccak256(abi.encode(r))));
        assertTrue(lv.verifyLivenessProof(ops[1].addr, address(0xE2)));
        assertFalse(lv.verifyLivenessProof(ops[1].addr, _enclave(1)));
    }

    /// @dev Issue 10 item 3: one enclave cannot be the prover of two live operators, because
    ///      an enclave binds whatever report data it is handed.
    function test_submitLivenessProof_RevertWhen_EnclaveLiveForOtherOperator() public {
        _makeLive(1);
        ITEELivenessVerifier.ReportData memory r = _reportData(2);
        bytes memory q = _quote(0, _enclave(1), keccak256(abi.encode(r)));
        vm.expectRevert(
            abi.encodeWithSelector(
                ITEELivenessVerifier.EnclaveBoundToOtherOperator.selector, _enclave(1), ops[1].id
            )
        );
        _submit(2, r, q);
        assertFalse(lv.isLive(ops[2].id));
        assertEq(lv.enclaveOperator(_enclave(1)), ops[1].id);
        // The holder itself re-attests with it as often as it likes.
        vm.roll(block.number + 1);
        _makeLive(1);
        assertEq(lv.enclaveOperator(_enclave(1)), ops[1].id);
    }

    function test_submitLivenessProof_FreesEnclaveWhenHolderStopsBeingLive() public {
        // Revoked: free at once.
        _makeLive(1);
        vm.prank(ops[1].addr);
        lv.revokeLiveness(ops[1].addr);
        assertEq(lv.enclaveOperator(_enclave(1)), bytes32(0));
        ITEELivenessVerifier.ReportData memory r = _reportData(2);
        _submit(2, r, _quote(0, _enclave(1), keccak256(abi.encode(r))));
        assertTrue(lv.verifyLivenessProof(ops[2].addr, _enclave(1)));
        // The old holder cannot take it back while operator 2 is live with it.
        vm.roll(block.number + 1);
        r = _reportData(1);
        bytes memory q = _quote(0, _enclave(1), keccak256(abi.encode(r)));
        vm.expectRevert(
            abi.encodeWithSelector(
                ITEELivenessVerifier.EnclaveBoundToOtherOperator.selector, _enclave(1), ops[2].id
            )
        );
        _submit(1, r, q);
        // Moved to another enclave: the old one is free.
        r = _reportData(2);
        _submit(2, r, _quote(0, address(0xE2), keccak256(abi.encode(r))));
        assertEq(lv.enclaveOperator(_enclave(1)), bytes32(0));
        _submit(1, _reportData(1), _quote(0, _enclave(1), keccak256(abi.encode(_reportData(1)))));
        // Expired: free.
        vm.warp(block.timestamp + 3600);
        assertEq(lv.enclaveOperator(_enclave(1)), bytes32(0));
        vm.roll(block.number + 1);
        r = _reportData(3);
        _submit(3, r, _quote(0, _enclave(1), keccak256(abi.encode(r))));
        assertEq(lv.enclaveOperator(_enclave(1)), ops[3].id);
    }

    /// @dev Issue 10 item 2: leaving the AVS deletes the liveness record (and frees the
    ///      enclave), so re-registering needs a new quote.
    function test_deregisterOperator_ClearsLiveness() public {
        _makeLive(1);
        uint32 number = _numbers(_one(1))[0];
        vm.expectEmit(address(lv));
        emit ITEELivenessVerifier.LivenessRevoked(ops[1].id, address(d.serviceManager));
        vm.prank(ops[1].addr);
        d.registryCoordinator.deregisterOperator(hex"00");
        assertFalse(lv.isLive(ops[1].id));
        assertFalse(lv.isLiveNumber(number, TEE.INTEL_SGX));
        assertFalse(lv.verifyLivenessProof(ops[1].addr, _enclave(1)));
        assertEq(lv.getLivenessRecord(ops[1].id).enclave, address(0));
        assertEq(lv.enclaveOperator(_enclave(1)), bytes32(0));
        vm.roll(block.number + 1);
        _registerStaked(1, hex"00", bytes32(uint256(0x1111)));
        assertFalse(lv.isLive(ops[1].id));
        assertFalse(lv.isLiveNumber(number, TEE.INTEL_SGX));
    }

    function test_clearOnDeregistration_RevertWhen_NotServiceManager() public {
        _makeLive(1);
        vm.prank(ops[1].addr);
        vm.expectRevert(
            abi.encodeWithSelector(ITEELivenessVerifier.OnlyServiceManager.selector, ops[1].addr)
        );
        lv.clearOnDeregistration(ops[1].addr);
        assertTrue(lv.isLive(ops[1].id));
    }

    /// @dev Issue 10 item 14: the prover URL hash is keccak256 of the URL's bytes, as C's
    ///      mp_liveness_url_hash (tests/unit/test_avs.c has the same vectors).
    function test_proverUrlHash_MatchesCDefinition() public view {
        assertEq(
            _proverUrlHash("http://prover-0:8545"),
            0xe98d94b834976fc0e13bdd002a08177beb9a28a71a7c376c7868e050347f98b0
        );
        ITEELivenessVerifier.ReportData memory r;
        r.pubkey = ops[0].pk1;
        r.referenceBlockNumber = 12_345;
        r.referenceBlockHash = bytes32(type(uint256).max / 0xff * 0xab);
        r.proverUrlHash = _proverUrlHash("http://prover-0:8545");
        assertEq(
            keccak256(abi.encode(r)),
            0xaa91ce793bfce5836750efc20811b7926b3dbd0a373d845a2728aa16b2d0bb12
        );
        assertEq(_reportData(3).proverUrlHash, keccak256("http://prover-3"));
    }

    function test_revokeLiveness_ByOperatorOrOwner() public {
        _makeLive(1);
        _makeLive(2);
        vm.prank(ops[1].addr);
        lv.revokeLiveness(ops[1].addr);
        assertFalse(lv.isLive(ops[1].id));
        assertFalse(lv.isLiveNumber(_numbers(_one(1))[0], TEE.INTEL_SGX));
        assertTrue(lv.isLiveNumber(_numbers(_one(2))[0], TEE.INTEL_SGX));
        lv.revokeLiveness(ops[2].addr); // owner
        assertFalse(lv.isLive(ops[2].id));
        vm.expectRevert(
            abi.encodeWithSelector(ITEELivenessVerifier.OperatorNotRegistered.selector, bytes32(0))
        );
        lv.revokeLiveness(address(0x1234));
    }

    function test_revokeLiveness_RevertWhen_Stranger() public {
        _makeLive(1);
        vm.prank(address(0xBAD));
        vm.expectRevert(
            abi.encodeWithSelector(
                ITEELivenessVerifier.UnauthorizedRevoker.selector, address(0xBAD)
            )
        );
        lv.revokeLiveness(ops[1].addr);
    }

    function test_setters_RevertWhen_OutOfRangeOrNotOwner() public {
        vm.expectRevert(ITEELivenessVerifier.InvalidParameter.selector);
        lv.setValiditySeconds(0);
        vm.expectRevert(ITEELivenessVerifier.InvalidParameter.selector);
        lv.setMaxBlockAge(0);
        vm.expectRevert(ITEELivenessVerifier.InvalidParameter.selector);
        lv.setMaxBlockAge(257);
        vm.expectRevert(ITEELivenessVerifier.InvalidParameter.selector);
        lv.setAttestationVerifier(TEE.NONE, IAttestationVerifier(address(attestation)));
        lv.setValiditySeconds(60);
        lv.setMaxBlockAge(10);
        assertEq(uint256(lv.validitySeconds()), 60);
        assertEq(uint256(lv.maxBlockAge()), 10);
        vm.prank(address(0xBAD));
        vm.expectRevert(
            abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(0xBAD))
        );
        lv.setValiditySeconds(5);
    }

    function test_setValiditySeconds_ShortensLiveness() public {
        _makeLive(1);
        vm.warp(block.timestamp + 61);
        assertTrue(lv.isLive(ops[1].id));
        lv.setValiditySeconds(60);
        assertFalse(lv.isLive(ops[1].id));
        assertFalse(lv.isLiveNumber(_numbers(_one(1))[0], TEE.INTEL_SGX));
    }

    function _numbers(
        uint256[] memory who
    ) internal view returns (uint32[] memory nums) {
        nums = new uint32[](who.length);
        for (uint256 i = 0; i < who.length; i++) {
            nums[i] = d.indexRegistry.operatorNumber(ops[who[i]].id);
            assertGt(nums[i], 0);
        }
    }
}
