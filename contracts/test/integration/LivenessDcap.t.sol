// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MpavsFixture} from "../utils/MpavsFixture.sol";
import {DcapDeployer} from "../../script/DcapDeployer.sol";
import {IAttestationVerifier} from "../../src/interfaces/IAttestationVerifier.sol";
import {ITEELivenessVerifier} from "../../src/interfaces/ITEELivenessVerifier.sol";
import {SgxDcapVerifier} from "../../src/attestation/SgxDcapVerifier.sol";
import {DcapChecks, SignedRecord} from "../../src/attestation/DcapTypes.sol";

/// @notice TEELivenessVerifier with the real SgxDcapVerifier (deployed by DcapDeployer, the
///         deployment code, in simulation mode on the test PKI of test/attestation/data): quotes
///         are the test PKI's quote with the report data replaced and the ISV report re-signed
///         with the PKI's attestation key (vm.signP256), so they pass every DCAP check.
///         Shows that re-encoded copies of a used quote - which the verifier accepts - are
///         refused as replays, and measures the gas of a liveness proof (rows for make bench in
///         $DCAP_GAS_DIR/liveness.md when set; bench/dcap_gas.sh runs it with --isolate, so the
///         figure is the gasUsed of a real transaction, compared with the budget there).
contract LivenessDcapTest is MpavsFixture, DcapDeployer {
    string internal constant PKI = "test/attestation/data/testpki";
    /// @dev P-256 order n, for s -> n - s.
    uint256 internal constant P256_N =
        0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551;

    DcapDeployment internal dd;
    ITEELivenessVerifier internal lv;
    bytes internal template;
    uint256 internal attKey;
    string internal rows;

    function setUp() public {
        string memory meta = vm.readFile(string.concat(PKI, "/meta.json"));
        vm.warp(vm.parseJsonUint(meta, ".verifyAt"));
        DcapConfig memory c;
        c.deployer = address(this);
        c.simulation = true;
        c.collateralDir = PKI;
        c.mrEnclaves = new bytes32[](1);
        c.mrEnclaves[0] = vm.parseJsonBytes32(meta, ".mrenclave");
        dd = _deployDcap(c);
        _setUpSystemWith(IAttestationVerifier(address(dd.verifier)), 67, 3);
        for (uint256 i = 0; i < 3; i++) {
            _register(i, hex"00", 2 ether);
        }
        vm.roll(block.number + 10);
        lv = ITEELivenessVerifier(address(d.livenessVerifier));
        template = vm.readFileBinary(string.concat(PKI, "/quotes/quote.bin"));
        // gen_testpki.py's key("attestation"): sha256 of the label, reduced as it does.
        attKey = uint256(sha256("mpavs onchain-dcap test key attestation"))
            % (type(uint256).max - 2 ** 224) + 1;
        (uint256 x, uint256 y) = vm.publicKeyP256(attKey);
        assertEq(bytes32(x), _word(template, 500));
        assertEq(bytes32(y), _word(template, 532));
    }

    // ---- quote building ----

    function _word(
        bytes memory b,
        uint256 off
    ) internal pure returns (bytes32 w) {
        assembly ("memory-safe") {
            w := mload(add(add(b, 0x20), off))
        }
    }

    function _setWord(
        bytes memory b,
        uint256 off,
        bytes32 w
    ) internal pure {
        assembly ("memory-safe") {
            mstore(add(add(b, 0x20), off), w)
        }
    }

    function _copy(
        bytes memory b
    ) internal pure returns (bytes memory c) {
        c = new bytes(b.length);
        for (uint256 i = 0; i < b.length; i++) {
            c[i] = b[i];
        }
    }

    /// @dev The test PKI's quote with REPORTDATA = 0^12 || enclave || keccak256(abi.encode(r)),
    ///      its ISV report signed again by the attestation key.
    function _dcapQuote(
        ITEELivenessVerifier.ReportData memory r,
        address enclave
    ) internal view returns (bytes memory q) {
        q = _copy(template);
        _setWord(q, 368, bytes32(uint256(uint160(enclave))));
        _setWord(q, 400, keccak256(abi.encode(r)));
        bytes memory signed = new bytes(432);
        for (uint256 i = 0; i < 432; i++) {
            signed[i] = q[i];
        }
        (bytes32 sr, bytes32 ss) = vm.signP256(attKey, sha256(signed));
        _setWord(q, 436, sr);
        _setWord(q, 468, ss);
    }

    /// @dev keccak256(q[0:432]).
    function _id(
        bytes memory q
    ) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            h := keccak256(add(q, 0x20), 432)
        }
    }

    /// @dev The ECDSA signature (r || s) at `off` with s replaced by n - s: still valid.
    function _flipS(
        bytes memory q,
        uint256 off
    ) internal pure returns (bytes memory c) {
        c = _copy(q);
        _setWord(c, off + 32, bytes32(P256_N - uint256(_word(q, off + 32))));
    }

    function _setLe32(
        bytes memory b,
        uint256 off,
        uint256 v
    ) internal pure {
        for (uint256 i = 0; i < 4; i++) {
            b[off + i] = bytes1(uint8(v >> (8 * i)));
        }
    }

    function _le(
        bytes memory b,
        uint256 off,
        uint256 n
    ) internal pure returns (uint256 v) {
        for (uint256 i = 0; i < n; i++) {
            v |= uint256(uint8(b[off + i])) << (8 * i);
        }
    }

    /// @dev Without the NUL after the PEM chain (optional in the strict format), both length
    ///      fields (signature data at 432, certification data at 1016 + auth length) lowered.
    function _dropNul(
        bytes memory q
    ) internal pure returns (bytes memory c) {
        require(q[q.length - 1] == 0x00, "template ends in NUL");
        c = new bytes(q.length - 1);
        for (uint256 i = 0; i < c.length; i++) {
            c[i] = q[i];
        }
        uint256 certSizeAt = 1016 + _le(q, 1012, 2);
        _setLe32(c, 432, _le(q, 432, 4) - 1);
        _setLe32(c, certSizeAt, _le(q, certSizeAt, 4) - 1);
    }

    // ---- tests ----

    function test_submitLivenessProof_AcceptsRealDcapQuote() public {
        ITEELivenessVerifier.ReportData memory r = _reportData(0);
        bytes memory q = _dcapQuote(r, _enclave(0));
        assertEq(uint256(SgxDcapVerifier(address(dd.verifier)).verifyQuote(q).check), 0);
        vm.prank(ops[0].addr);
        lv.submitLivenessProof(r, q);
        assertTrue(lv.verifyLivenessProof(ops[0].addr, _enclave(0)));
        assertTrue(lv.isQuoteUsed(_id(q)));
        assertEq(lv.quoteId(q), _id(q));
    }

    function test_submitLivenessProof_RevertWhen_ReencodedQuoteReplayed() public {
        ITEELivenessVerifier.ReportData memory r = _reportData(0);
        bytes memory q = _dcapQuote(r, _enclave(0));
        vm.prank(ops[0].addr);
        lv.submitLivenessProof(r, q);

        bytes[4] memory copies = [
            _flipS(q, 436), // ISV report signature s -> n - s
            _flipS(q, 948), // QE report signature s -> n - s
            _dropNul(q), // certification data without its trailing NUL
            _dropNul(_flipS(_flipS(q, 436), 948)) // all three
        ];
        for (uint256 i = 0; i < copies.length; i++) {
            // A genuine re-encoding: different bytes, accepted by the DCAP verifier...
            assertTrue(keccak256(copies[i]) != keccak256(q));
            assertEq(uint256(dd.verifier.verifyQuote(copies[i]).check), uint256(DcapChecks.OK));
            // ...and the same quote to the liveness verifier.
            vm.prank(ops[0].addr);
            vm.expectRevert(
                abi.encodeWithSelector(ITEELivenessVerifier.QuoteAlreadyUsed.selector, _id(q))
            );
            lv.submitLivenessProof(r, copies[i]);
        }
        // A new quote for a newer block is a new proof.
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 12);
        ITEELivenessVerifier.ReportData memory r2 = _reportData(0);
        bytes memory q2 = _dcapQuote(r2, _enclave(0)); // (calls precompiles: before the prank)
        vm.prank(ops[0].addr);
        lv.submitLivenessProof(r2, q2);
        assertEq(uint256(lv.getLivenessRecord(ops[0].id).attestedAt), block.timestamp);
    }

    function test_submitLivenessProof_RevertWhen_DcapVerifierRejects() public {
        ITEELivenessVerifier.ReportData memory r = _reportData(1);
        bytes memory q = _dcapQuote(r, _enclave(1));
        q[100] ^= 0x01; // inside the signed ISV report
        vm.prank(ops[1].addr);
        vm.expectRevert(
            abi.encodeWithSelector(
                SgxDcapVerifier.QuoteRejected.selector,
                DcapChecks.ISV_REPORT_SIGNATURE,
                "isv.report_signature",
                uint8(7)
            )
        );
        lv.submitLivenessProof(r, q);
        assertFalse(lv.isQuoteUsed(_id(q)));
    }

    /// @dev Marks everything a liveness proof touches as cold, as in a new transaction.
    function _coolAll() internal {
        vm.cool(address(lv));
        vm.cool(address(d.registryCoordinator));
        vm.cool(address(d.blsApkRegistry));
        vm.cool(address(d.indexRegistry));
        vm.cool(address(dd.verifier));
        vm.cool(address(dd.store));
        vm.cool(dd.store.rootCrl().serials);
        bytes memory pckCa = vm.readFileBinary(string.concat(PKI, "/pck_platform_ca.der"));
        vm.cool(dd.store.pckCrl(dd.store.certificate(keccak256(pckCa)).subjectHash).serials);
        (SignedRecord memory ti,) = dd.store.tcbInfo(bytes6(0x00aabb000001));
        vm.cool(ti.data);
        (SignedRecord memory qe,) = dd.store.qeIdentity();
        vm.cool(qe.data);
    }

    /// @dev vm.lastCallGas().gasTotalUsed of submitLivenessProof with cold storage: under
    ///      --isolate the whole transaction's gasUsed, else its execution gas.
    function _measure(
        uint256 i,
        string memory label
    ) internal returns (uint256 gasUsed) {
        ITEELivenessVerifier.ReportData memory r = _reportData(i);
        bytes memory q = _dcapQuote(r, _enclave(i));
        _coolAll();
        vm.prank(ops[i].addr);
        lv.submitLivenessProof(r, q);
        gasUsed = vm.lastCallGas().gasTotalUsed;
        assertTrue(lv.verifyLivenessProof(ops[i].addr, _enclave(i)));
        rows = string.concat(
            rows,
            "| submitLivenessProof transaction with SgxDcapVerifier, ",
            label,
            " (forge --isolate, cold; ",
            vm.toString(q.length),
            "-byte quote) | ",
            vm.toString(gasUsed),
            " gas | <= 1,200,000 |\n"
        );
    }

    function test_gas_SubmitLivenessProof() public {
        _measure(0, "first attestation");
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 60);
        _measure(0, "re-attestation");
        string memory dir = vm.envOr("DCAP_GAS_DIR", string(""));
        if (bytes(dir).length != 0) vm.writeFile(string.concat(dir, "/liveness.md"), rows);
    }
}
