// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Base64} from "solady/utils/Base64.sol";
import {DcapCollateralStore} from "../../src/attestation/DcapCollateralStore.sol";
import {DcapChecks, QuoteResult, TcbStatus} from "../../src/attestation/DcapTypes.sol";
import {SgxDcapVerifier} from "../../src/attestation/SgxDcapVerifier.sol";
import {Test} from "../utils/Test.sol";

/// @notice Shared setup of the DCAP tests: reading the vectors of tests/vectors/dcap, deploying
///         a store + verifier pinned to Intel's root key, uploading set1 or set2 collateral at
///         the set's verification time, and assertions on QuoteResult.
abstract contract DcapTestBase is Test {
    /// @dev Intel SGX Root CA public key (tests/vectors/dcap/README.md).
    bytes32 internal constant INTEL_ROOT_X =
        0x0ba9c4c0c0c86193a3fe23d6b02cda10a8bbd4e88e48b4458561a36e705525f5;
    bytes32 internal constant INTEL_ROOT_Y =
        0x67918e2edc88e40d860bd0cc4ee26aacc988e505a953558c453f6b0904ae7394;

    string internal constant V = "../tests/vectors/dcap/";
    /// @dev The generated test PKI (data/gen_testpki.py), relative to contracts/.
    string internal constant P = "test/attestation/data/testpki/";
    uint256 internal constant SET1_TIME = 1_719_496_800;
    uint256 internal constant SET2_TIME = 1_752_919_277;

    address internal constant OWNER = address(0xA11CE);

    DcapCollateralStore internal store;
    SgxDcapVerifier internal verifier;

    // IDs of what setUpSetN uploaded.
    bytes32 internal rootId;
    bytes32 internal pckCaId;
    bytes32 internal tcbSigningId;

    function _bin(
        string memory rel
    ) internal view returns (bytes memory) {
        return vm.readFileBinary(string.concat(V, rel));
    }

    function _text(
        string memory rel
    ) internal view returns (bytes memory) {
        return bytes(vm.readFile(string.concat(V, rel)));
    }

    function _pki(
        string memory name
    ) internal view returns (bytes memory) {
        return vm.readFileBinary(string.concat(P, name));
    }

    function _meta(
        string memory key
    ) internal view returns (bytes32) {
        return vm.parseJsonBytes32(vm.readFile(string.concat(P, "meta.json")), key);
    }

    /// @dev The test PKI: own root key, TCB info v3 with levels out of order, verified at
    ///      meta.verifyAt. Uploads the collateral in use; variants are uploaded by the tests.
    function setUpTestPki() internal {
        string memory meta = vm.readFile(string.concat(P, "meta.json"));
        vm.warp(vm.parseJsonUint(meta, ".verifyAt"));
        _deploy(vm.parseJsonBytes32(meta, ".rootKeyX"), vm.parseJsonBytes32(meta, ".rootKeyY"));
        rootId = store.addCertificate(_pki("root_ca.der"));
        store.addCrl(_pki("root_ca_crl.der"), rootId);
        pckCaId = store.addCertificate(_pki("pck_platform_ca.der"));
        tcbSigningId = store.addCertificate(_pki("tcb_signing.der"));
        store.addCrl(_pki("pck_crl.der"), pckCaId);
        store.addTcbInfo(_pki("tcbinfo.json"), tcbSigningId);
        store.addQeIdentity(_pki("qe_identity.json"), tcbSigningId);
        vm.prank(OWNER);
        verifier.setMrEnclave(vm.parseJsonBytes32(meta, ".mrenclave"), true);
    }

    function _deploy(
        bytes32 rootX,
        bytes32 rootY
    ) internal {
        store = new DcapCollateralStore(rootX, rootY);
        verifier = new SgxDcapVerifier(store, OWNER);
    }

    /// @dev set1: TCB info v2, Platform CA, verified at 1719496800.
    function setUpSet1() internal {
        vm.warp(SET1_TIME);
        _deploy(INTEL_ROOT_X, INTEL_ROOT_Y);
        rootId = store.addCertificate(_bin("set1/root_ca.der"));
        store.addCrl(_bin("set1/root_ca_crl.der"), rootId);
        pckCaId = store.addCertificate(_bin("set1/pck_platform_ca.der"));
        tcbSigningId = store.addCertificate(_bin("set1/tcb_signing.der"));
        store.addCrl(_bin("set1/pck_platform_crl.der"), pckCaId);
        store.addTcbInfo(_text("set1/tcbinfo.json"), tcbSigningId);
        store.addQeIdentity(_text("set1/identity.json"), tcbSigningId);
        vm.prank(OWNER);
        verifier.setMrEnclave(
            0xa4f45c39dac622cb1dd32ddb35a52ec92db41d0fa88a1c911c49e59c534f61cd, true
        );
    }

    /// @dev set2: TCB info v3, Processor CA, advisory IDs, verified at 1752919277.
    function setUpSet2() internal {
        vm.warp(SET2_TIME);
        _deploy(INTEL_ROOT_X, INTEL_ROOT_Y);
        rootId = store.addCertificate(_bin("set2/TrustedRootCA.der"));
        store.addCrl(_bin("set2/derived_root_ca_crl.der"), rootId);
        bytes[] memory pckChain = pemCertificates(_text("set2/derived_pck_crl_issuer_chain.pem"));
        pckCaId = store.addCertificate(pckChain[0]);
        bytes[] memory tcbChain = pemCertificates(_text("set2/derived_tcb_info_issuer_chain.pem"));
        tcbSigningId = store.addCertificate(tcbChain[0]);
        store.addCrl(_bin("set2/derived_pck_processor_crl.der"), pckCaId);
        store.addTcbInfo(_text("set2/derived_tcbinfo_pcs.json"), tcbSigningId);
        store.addQeIdentity(_text("set2/derived_identity_pcs.json"), tcbSigningId);
        vm.prank(OWNER);
        verifier.setMrEnclave(
            0x33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb, true
        );
    }

    /// @dev The DER certificates of a PEM text (test helper; lenient about line breaks).
    function pemCertificates(
        bytes memory pem
    ) internal pure returns (bytes[] memory ders) {
        bytes memory begin = "-----BEGIN CERTIFICATE-----";
        bytes memory end = "-----END CERTIFICATE-----";
        ders = new bytes[](8);
        uint256 n;
        uint256 i;
        while (true) {
            uint256 b = _find(pem, begin, i);
            if (b == type(uint256).max) break;
            uint256 e = _find(pem, end, b);
            bytes memory b64 = new bytes(e - b);
            uint256 k;
            for (uint256 j = b + begin.length; j < e; ++j) {
                if (pem[j] != "\n" && pem[j] != "\r") b64[k++] = pem[j];
            }
            assembly {
                mstore(b64, k)
            }
            ders[n++] = Base64.decode(string(b64));
            i = e + end.length;
        }
        assembly {
            mstore(ders, n)
        }
    }

    /// @dev Index of the first `needle` in `hay` at or after `from` (max uint if none).
    function _find(
        bytes memory hay,
        bytes memory needle,
        uint256 from
    ) internal pure returns (uint256) {
        for (uint256 i = from; i + needle.length <= hay.length; ++i) {
            bool same = true;
            for (uint256 j; j < needle.length; ++j) {
                if (hay[i + j] != needle[j]) {
                    same = false;
                    break;
                }
            }
            if (same) return i;
        }
        return type(uint256).max;
    }

    /// @dev Asserts that `r` failed at `check`, with a message naming both checks.
    function assertCheck(
        QuoteResult memory r,
        uint8 check,
        string memory what
    ) internal pure {
        vm.assertEq(
            DcapChecks.name(r.check), DcapChecks.name(check), string.concat(what, ": failing check")
        );
        vm.assertEq(uint256(r.check), uint256(check), string.concat(what, ": check number"));
    }

    function hexToBytes(
        string memory s
    ) internal pure returns (bytes memory out) {
        bytes memory h = bytes(s);
        out = new bytes(h.length / 2);
        for (uint256 i; i < out.length; ++i) {
            out[i] = bytes1(uint8(_nib(h[2 * i]) * 16 + _nib(h[2 * i + 1])));
        }
    }

    function _nib(
        bytes1 c
    ) private pure returns (uint256) {
        uint8 b = uint8(c);
        if (b >= 48 && b <= 57) return b - 48;
        if (b >= 97 && b <= 102) return b - 87;
        if (b >= 65 && b <= 70) return b - 55;
        revert("bad hex");
    }

    function statusOf(
        QuoteResult memory r
    ) internal pure returns (TcbStatus) {
        return r.status;
    }
}
