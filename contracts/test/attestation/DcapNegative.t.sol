// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {DcapCollateralStore} from "../../src/attestation/DcapCollateralStore.sol";
import {DcapChecks, QuoteResult, TcbStatus} from "../../src/attestation/DcapTypes.sol";
import {SgxDcapVerifier} from "../../src/attestation/SgxDcapVerifier.sol";
import {DcapTestBase} from "./DcapTestBase.sol";

/// @notice tests/vectors/dcap/negative: each tampered set1 quote fails at the check its README
///         names (verifyQuote) and verifyAttestation reverts naming it; tampered collateral is
///         refused at upload; set1 fails once its collateral is not valid any more.
contract DcapNegativeTest is DcapTestBase {
    function setUp() public {
        setUpSet1();
    }

    function _case(
        string memory file,
        uint8 check
    ) internal {
        bytes memory quote = _bin(string.concat("negative/", file));
        assertCheck(verifier.verifyQuote(quote), check, file);
        vm.expectRevert(
            abi.encodeWithSelector(
                SgxDcapVerifier.QuoteRejected.selector,
                check,
                DcapChecks.name(check),
                TcbStatus.Unrecognized
            )
        );
        verifier.verifyAttestation(quote);
    }

    function test_n01_isvReportDataFlip() public {
        _case("n01_isv_reportdata_flip.bin", DcapChecks.ISV_REPORT_SIGNATURE);
    }

    function test_n02_headerUserDataFlip() public {
        _case("n02_header_userdata_flip.bin", DcapChecks.ISV_REPORT_SIGNATURE);
    }

    function test_n03_mrenclaveFlip() public {
        _case("n03_isv_mrenclave_flip.bin", DcapChecks.ISV_REPORT_SIGNATURE);
    }

    function test_n04_isvSignatureFlip() public {
        _case("n04_isv_signature_flip.bin", DcapChecks.ISV_REPORT_SIGNATURE);
    }

    function test_n05_attestationKeyFlip() public {
        _case("n05_attest_key_flip.bin", DcapChecks.QE_REPORT_DATA);
    }

    function test_n06_qeReportIsvsvnFlip() public {
        _case("n06_qe_report_isvsvn_flip.bin", DcapChecks.QE_REPORT_SIGNATURE);
    }

    function test_n07_qeReportSignatureFlip() public {
        _case("n07_qe_report_sig_flip.bin", DcapChecks.QE_REPORT_SIGNATURE);
    }

    function test_n08_qeAuthDataFlip() public {
        _case("n08_qe_auth_data_flip.bin", DcapChecks.QE_REPORT_DATA);
    }

    function test_n09_version4() public {
        _case("n09_version_4.bin", DcapChecks.HEADER_VERSION);
    }

    function test_n10_attKeyType3() public {
        _case("n10_att_key_type_3.bin", DcapChecks.HEADER_ATT_KEY_TYPE);
    }

    function test_n11_qeVendorIdFlip() public {
        _case("n11_qe_vendor_id_flip.bin", DcapChecks.HEADER_QE_VENDOR_ID);
    }

    function test_n12_teeTypeTdx() public {
        _case("n12_tee_type_tdx.bin", DcapChecks.HEADER_TEE_TYPE);
    }

    function test_n13_certType4() public {
        _case("n13_cert_type_4.bin", DcapChecks.QUOTE_CERT_TYPE);
    }

    function test_n14_truncated() public {
        _case("n14_truncated_100.bin", DcapChecks.QUOTE_SIG_DATA_LEN);
    }

    function test_n15_sigDataLenPlus1() public {
        _case("n15_sigdata_len_plus1.bin", DcapChecks.QUOTE_SIG_DATA_LEN);
    }

    function test_n16_trailingBytes() public {
        _case("n16_trailing_16_zero_bytes.bin", DcapChecks.QUOTE_SIG_DATA_LEN);
    }

    function test_n17_pckTbsTampered() public {
        _case("n17_pck_cert_tbs_tampered.bin", DcapChecks.PCK_LEAF_SIGNATURE);
    }

    function test_n18_chainWithoutRoot() public {
        _case("n18_chain_without_root.bin", DcapChecks.PCK_CHAIN);
    }

    function test_c01_tcbInfoStatusAltered() public {
        vm.expectRevert(DcapCollateralStore.TcbInfoSignatureInvalid.selector);
        store.addTcbInfo(_bin("negative/c01_tcbinfo_status_altered.json"), tcbSigningId);
    }

    function test_c02_identityIsvsvnAltered() public {
        vm.expectRevert(DcapCollateralStore.QeIdentitySignatureInvalid.selector);
        store.addQeIdentity(_bin("negative/c02_identity_isvsvn_altered.json"), tcbSigningId);
    }

    function test_c03_fmspcUppercased() public {
        vm.expectRevert(DcapCollateralStore.TcbInfoSignatureInvalid.selector);
        store.addTcbInfo(_bin("negative/c03_tcbinfo_fmspc_uppercased.json"), tcbSigningId);
    }

    /// @dev README time negatives: 1 s before the PCK CRL's thisUpdate, after the QE identity's
    ///      nextUpdate, after the PCK CRL's nextUpdate.
    function test_set1_OutsideCollateralValidity() public {
        bytes memory quote = _bin("set1/quote.bin");
        assertCheck(
            verifier.verifyQuoteAt(quote, 1_719_494_257), DcapChecks.PCK_CRL_VALIDITY, "early"
        );
        assertCheck(verifier.verifyQuoteAt(quote, 1_719_494_258), DcapChecks.OK, "window start");
        assertCheck(verifier.verifyQuoteAt(quote, 1_720_866_067), DcapChecks.OK, "window end");
        assertCheck(
            verifier.verifyQuoteAt(quote, 1_720_866_068),
            DcapChecks.QE_IDENTITY_VALIDITY,
            "QE identity expired"
        );
        assertCheck(
            verifier.verifyQuoteAt(quote, 1_722_086_259), DcapChecks.PCK_CRL_VALIDITY, "late"
        );
        vm.warp(1_720_866_068);
        vm.expectRevert(
            abi.encodeWithSelector(
                SgxDcapVerifier.QuoteRejected.selector,
                DcapChecks.QE_IDENTITY_VALIDITY,
                "qe_identity.validity",
                TcbStatus.Unrecognized
            )
        );
        verifier.verifyAttestation(quote);
    }

    /// @dev Real Intel quotes fail against a store pinned to another root (simulation).
    function test_set1_FailsUnderOtherRoot() public {
        _deploy(bytes32(uint256(1)), bytes32(uint256(2)));
        assertCheck(
            verifier.verifyQuote(_bin("set1/quote.bin")), DcapChecks.PCK_ROOT_KEY, "dev root"
        );
    }

    /// @dev Every single-bit flip of chosen bytes is rejected, never accepted.
    function testFuzz_set1_AnyFlipRejected(
        uint256 offset,
        uint8 bit
    ) public view {
        bytes memory quote = _bin("set1/quote.bin");
        offset = bound(offset, 0, quote.length - 1);
        quote[offset] ^= bytes1(uint8(1) << (bit % 8));
        QuoteResult memory r = verifier.verifyQuote(quote);
        assertTrue(r.check != DcapChecks.OK, "tampered quote accepted");
    }
}
