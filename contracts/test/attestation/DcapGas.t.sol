// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {DcapCollateralStore} from "../../src/attestation/DcapCollateralStore.sol";
import {DcapChecks, QuoteResult, SignedRecord} from "../../src/attestation/DcapTypes.sol";
import {SgxDcapVerifier} from "../../src/attestation/SgxDcapVerifier.sol";
import {DcapTestBase} from "./DcapTestBase.sol";

/// @notice Gas of quote verification and collateral uploads. The figures are written as
///         Markdown table rows to $DCAP_GAS_DIR when set (bench/dcap_gas.sh); the tests only
///         check that the operations succeed, since timing and cost targets live in benchmarks.
contract DcapGasTest is DcapTestBase {
    string internal rows;

    bytes32 internal PLATFORM_CA_SUBJECT;
    bytes32 internal PROCESSOR_CA_SUBJECT;

    function _row(
        string memory what,
        uint256 gasUsed
    ) internal {
        _row(what, gasUsed, "");
    }

    function _row(
        string memory what,
        uint256 gasUsed,
        string memory target
    ) internal {
        rows =
            string.concat(rows, "| ", what, " | ", vm.toString(gasUsed), " gas | ", target, " |\n");
    }

    /// @dev Marks every contract a quote verification touches as cold (as in a new
    ///      transaction): the verifier, the store and the SSTORE2 records.
    function _coolAll() internal {
        vm.cool(address(verifier));
        vm.cool(address(store));
        vm.cool(store.rootCrl().serials);
        (SignedRecord memory qe,) = store.qeIdentity();
        vm.cool(qe.data);
    }

    function _measureVerify(
        bytes memory quote,
        bytes6 fmspc,
        bytes32 pckIssuer,
        string memory label
    ) internal {
        (SignedRecord memory ti,) = store.tcbInfo(fmspc);
        vm.cool(ti.data);
        vm.cool(store.pckCrl(pckIssuer).serials);
        _coolAll();
        uint256 g = gasleft();
        bytes memory rd = verifier.verifyAttestation(quote);
        _row(
            string.concat("verifyAttestation call, ", label, ", CA certs stored, cold"),
            g - gasleft(),
            "<= 1,000,000 (stretch 600,000)"
        );
        assertEq(rd.length, 64);
        vm.cool(ti.data);
        vm.cool(store.pckCrl(pckIssuer).serials);
        _coolAll();
        g = gasleft();
        QuoteResult memory r = verifier.verifyQuote(quote);
        _row(string.concat("verifyQuote call (full result), ", label), g - gasleft());
        assertEq(uint256(r.check), uint256(DcapChecks.OK));
    }

    function test_gas_Set1() public {
        vm.warp(SET1_TIME);
        uint256 g = gasleft();
        _deploy(INTEL_ROOT_X, INTEL_ROOT_Y);
        _row("deploy store + parser + verifier", g - gasleft());
        g = gasleft();
        rootId = store.addCertificate(_bin("set1/root_ca.der"));
        _row("addCertificate (root CA)", g - gasleft());
        g = gasleft();
        store.addCrl(_bin("set1/root_ca_crl.der"), rootId);
        _row("addCrl (root CA CRL, empty)", g - gasleft());
        g = gasleft();
        pckCaId = store.addCertificate(_bin("set1/pck_platform_ca.der"));
        _row("addCertificate (PCK Platform CA)", g - gasleft());
        PLATFORM_CA_SUBJECT = store.certificate(pckCaId).subjectHash;
        tcbSigningId = store.addCertificate(_bin("set1/tcb_signing.der"));
        g = gasleft();
        store.addCrl(_bin("set1/pck_platform_crl.der"), pckCaId);
        _row("addCrl (PCK Platform CRL, 44 serials)", g - gasleft());
        g = gasleft();
        store.addTcbInfo(_text("set1/tcbinfo.json"), tcbSigningId);
        _row("addTcbInfo (set1: v2, 9 levels, 4 KB)", g - gasleft(), "<= 8,000,000");
        g = gasleft();
        store.addQeIdentity(_text("set1/identity.json"), tcbSigningId);
        _row("addQeIdentity (set1)", g - gasleft());
        vm.prank(OWNER);
        verifier.setMrEnclave(
            0xa4f45c39dac622cb1dd32ddb35a52ec92db41d0fa88a1c911c49e59c534f61cd, true
        );
        _measureVerify(
            _bin("set1/quote.bin"), 0x00606a000000, PLATFORM_CA_SUBJECT, "set1 (4734-byte quote)"
        );
        _flush("set1");
    }

    function test_gas_Set2() public {
        vm.warp(SET2_TIME);
        _deploy(INTEL_ROOT_X, INTEL_ROOT_Y);
        rootId = store.addCertificate(_bin("set2/TrustedRootCA.der"));
        store.addCrl(_bin("set2/derived_root_ca_crl.der"), rootId);
        pckCaId = store.addCertificate(
            pemCertificates(_text("set2/derived_pck_crl_issuer_chain.pem"))[0]
        );
        tcbSigningId = store.addCertificate(
            pemCertificates(_text("set2/derived_tcb_info_issuer_chain.pem"))[0]
        );
        store.addCrl(_bin("set2/derived_pck_processor_crl.der"), pckCaId);
        PROCESSOR_CA_SUBJECT = store.certificate(pckCaId).subjectHash;
        uint256 g = gasleft();
        store.addTcbInfo(_text("set2/derived_tcbinfo_pcs.json"), tcbSigningId);
        _row("addTcbInfo (set2: v3, 11 levels, advisories, 4.7 KB)", g - gasleft(), "<= 8,000,000");
        store.addQeIdentity(_text("set2/derived_identity_pcs.json"), tcbSigningId);
        vm.prank(OWNER);
        verifier.setMrEnclave(
            0x33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb, true
        );
        _measureVerify(
            _bin("set2/sgx_quote.bin"),
            0x00a067110000,
            PROCESSOR_CA_SUBJECT,
            "set2 (4600-byte quote)"
        );
        _flush("set2");
    }

    function test_gas_LargeCollateral() public {
        setUpTestPki();
        uint256 g;
        // A quote whose intermediate (a same-key re-issue) is not stored: parsed and verified
        // from the quote (the inline path).
        bytes memory reissued = _pki("quotes/quote_reissued_ca.bin");
        vm.cool(address(verifier));
        vm.cool(address(store));
        g = gasleft();
        QuoteResult memory r = verifier.verifyQuote(reissued);
        _row(
            "verifyQuote, test PKI quote with an unstored intermediate (parsed inline)",
            g - gasleft()
        );
        assertEq(uint256(r.check), uint256(DcapChecks.OK));
        bytes memory large = _pki("tcbinfo_large.json");
        g = gasleft();
        store.addTcbInfo(large, tcbSigningId);
        _row(
            string.concat(
                "addTcbInfo (large: 32 levels, 24 advisories max, ",
                vm.toString(large.length),
                " B, canonical layout)"
            ),
            g - gasleft(),
            "<= 8,000,000"
        );
        bytes memory pretty = _pki("tcbinfo_pretty.json");
        setUpTestPki();
        g = gasleft();
        store.addTcbInfo(pretty, tcbSigningId);
        _row(
            string.concat(
                "addTcbInfo (pretty-printed, ", vm.toString(pretty.length), " B, general parser)"
            ),
            g - gasleft()
        );
        _flush("large");
    }

    /// @dev Writes this test's rows to $DCAP_GAS_DIR/<name>.md (a directory under contracts/,
    ///      which forge may write), when the variable is set.
    function _flush(
        string memory name
    ) internal {
        string memory dir = vm.envOr("DCAP_GAS_DIR", string(""));
        if (bytes(dir).length != 0) vm.writeFile(string.concat(dir, "/", name, ".md"), rows);
    }
}
