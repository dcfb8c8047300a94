// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {DcapCollateralStore} from "../../src/attestation/DcapCollateralStore.sol";
import {DcapChecks, QuoteResult, TcbStatus} from "../../src/attestation/DcapTypes.sol";
import {SgxDcapVerifier} from "../../src/attestation/SgxDcapVerifier.sol";
import {CollateralJson} from "../../src/attestation/lib/CollateralJson.sol";
import {DcapTestBase} from "./DcapTestBase.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice Checks that need collateral Intel never signed: revoked PCK serial, Revoked TCB and
///         QE levels, revoked CA certificates, QE identity mismatches, status convergence,
///         policy, missing and expired collateral. Data: data/gen_testpki.py (own root key).
contract DcapTestPkiTest is DcapTestBase {
    function setUp() public {
        setUpTestPki();
    }

    function _verify(
        string memory quoteFile
    ) internal view returns (QuoteResult memory) {
        return verifier.verifyQuote(_pki(string.concat("quotes/", quoteFile)));
    }

    function _expectRejected(
        string memory quoteFile,
        uint8 check,
        TcbStatus status
    ) internal {
        bytes memory quote = _pki(string.concat("quotes/", quoteFile));
        vm.expectRevert(
            abi.encodeWithSelector(
                SgxDcapVerifier.QuoteRejected.selector, check, DcapChecks.name(check), status
            )
        );
        verifier.verifyAttestation(quote);
    }

    function test_quote_VerifiesUpToDate() public view {
        QuoteResult memory r = _verify("quote.bin");
        assertCheck(r, DcapChecks.OK, "test quote");
        assertEq(uint256(r.status), uint256(TcbStatus.UpToDate), "status");
        assertEq(r.mrEnclave, _meta(".mrenclave"));
        assertEq(r.mrSigner, _meta(".mrsigner"));
        assertEq(
            r.reportData,
            vm.parseJsonBytes(vm.readFile(string.concat(P, "meta.json")), ".reportData")
        );
        assertEq(
            bytes32(r.fmspc),
            bytes32(vm.parseJsonBytes(vm.readFile(string.concat(P, "meta.json")), ".fmspc"))
        );
        assertEq(r.advisoryIds.length, 0, "no advisories");
        assertEq(
            verifier.verifyAttestation(_pki("quotes/quote.bin")),
            vm.parseJsonBytes(vm.readFile(string.concat(P, "meta.json")), ".reportData")
        );
    }

    /// @dev The intermediate in the quote is a re-issue (same key) that is not stored: the
    ///      verifier parses and verifies it from the quote instead of reading the store.
    function test_unstoredIntermediate_VerifiedInline() public view {
        QuoteResult memory r = _verify("quote_reissued_ca.bin");
        assertCheck(r, DcapChecks.OK, "re-issued intermediate");
        assertEq(uint256(r.status), uint256(TcbStatus.UpToDate));
    }

    function test_chainWithOtherRoot_FailsRootKey() public {
        assertCheck(_verify("quote_other_root.bin"), DcapChecks.PCK_ROOT_KEY, "other root");
        _expectRejected("quote_other_root.bin", DcapChecks.PCK_ROOT_KEY, TcbStatus.Unrecognized);
    }

    function test_revokedPckSerial_Rejected() public {
        store.addCrl(_pki("pck_crl_revokes_pck.der"), pckCaId);
        assertTrue(
            store.isRevokedByPckCa(
                store.certificate(pckCaId).subjectHash,
                vm.parseJsonUint(vm.readFile(string.concat(P, "meta.json")), ".pckSerial")
            )
        );
        assertCheck(_verify("quote.bin"), DcapChecks.PCK_REVOKED, "revoked PCK");
        _expectRejected("quote.bin", DcapChecks.PCK_REVOKED, TcbStatus.Unrecognized);
    }

    function test_revokedTcbLevel_Rejected() public {
        store.addTcbInfo(_pki("tcbinfo_revoked.json"), tcbSigningId);
        QuoteResult memory r = _verify("quote.bin");
        assertCheck(r, DcapChecks.TCB_REVOKED, "revoked TCB level");
        assertEq(uint256(r.status), uint256(TcbStatus.Revoked));
        _expectRejected("quote.bin", DcapChecks.TCB_REVOKED, TcbStatus.Revoked);
    }

    function test_revokedQeLevel_Rejected() public {
        store.addQeIdentity(_pki("qe_identity_revoked.json"), tcbSigningId);
        QuoteResult memory r = _verify("quote.bin");
        assertCheck(r, DcapChecks.TCB_REVOKED, "revoked QE level");
        assertEq(uint256(r.status), uint256(TcbStatus.Revoked));
        _expectRejected("quote.bin", DcapChecks.TCB_REVOKED, TcbStatus.Revoked);
    }

    function test_revokedIntermediate_Rejected() public {
        store.addCrl(_pki("root_ca_crl_revokes_pck_ca.der"), rootId);
        assertCheck(_verify("quote.bin"), DcapChecks.PCK_INTERMEDIATE_REVOKED, "revoked CA");
    }

    function test_revokedTcbSigning_Rejected() public {
        store.addCrl(_pki("root_ca_crl_revokes_tcb_signing.der"), rootId);
        assertCheck(_verify("quote.bin"), DcapChecks.TCB_SIGNING_REVOKED, "revoked signer");
    }

    /// @dev QE level OutOfDate turns an UpToDate platform into OutOfDate (Intel's convergence);
    ///      the default policy does not accept it, an owner-widened one does.
    function test_qeOutOfDate_ConvergesAndPolicyDecides() public {
        store.addQeIdentity(_pki("qe_identity_outofdate.json"), tcbSigningId);
        QuoteResult memory r = _verify("quote.bin");
        assertCheck(r, DcapChecks.POLICY_STATUS, "QE out of date");
        assertEq(uint256(r.status), uint256(TcbStatus.OutOfDate));
        assertEq(r.advisoryIds.length, 1);
        assertEq(r.advisoryIds[0], "INTEL-SA-00615");
        _expectRejected("quote.bin", DcapChecks.POLICY_STATUS, TcbStatus.OutOfDate);
        vm.prank(OWNER);
        verifier.setAcceptedStatuses(uint8(1 << uint8(TcbStatus.OutOfDate)));
        assertCheck(_verify("quote.bin"), DcapChecks.OK, "OutOfDate accepted");
    }

    function test_qeLevelOutOfDateByIsvsvn() public view {
        QuoteResult memory r = _verify("quote_qe_isvsvn_6.bin");
        assertCheck(r, DcapChecks.POLICY_STATUS, "QE ISVSVN 6");
        assertEq(uint256(r.status), uint256(TcbStatus.OutOfDate));
        // Platform level advisories (none) then the QE level's, each once.
        assertEq(r.advisoryIds.length, 2);
        assertEq(r.advisoryIds[0], "INTEL-SA-00615");
        assertEq(r.advisoryIds[1], "INTEL-SA-00999");
    }

    function test_platformConfigurationNeeded_AdvisoriesMerged() public {
        store.addTcbInfo(_pki("tcbinfo_confneeded.json"), tcbSigningId);
        QuoteResult memory r = _verify("quote.bin");
        assertCheck(r, DcapChecks.OK, "ConfigurationNeeded is accepted by default");
        assertEq(uint256(r.status), uint256(TcbStatus.ConfigurationNeeded));
        assertEq(r.advisoryIds.length, 1);
        assertEq(r.advisoryIds[0], "INTEL-SA-00615");
    }

    function test_qeTcbNotSupported() public view {
        assertCheck(_verify("quote_qe_isvsvn_5.bin"), DcapChecks.QE_TCB, "QE ISVSVN 5");
    }

    function test_tcbLevelNotSupported() public view {
        assertCheck(_verify("quote_tcb_unsupported.bin"), DcapChecks.TCB_LEVEL, "PCK TCB too low");
    }

    function test_qeIdentityMismatches() public view {
        assertCheck(_verify("quote_qe_miscselect.bin"), DcapChecks.QE_MISCSELECT, "miscselect");
        assertCheck(_verify("quote_qe_attributes.bin"), DcapChecks.QE_ATTRIBUTES, "attributes");
        assertCheck(_verify("quote_qe_mrsigner.bin"), DcapChecks.QE_MRSIGNER, "mrsigner");
        assertCheck(_verify("quote_qe_isvprodid.bin"), DcapChecks.QE_ISVPRODID, "isvprodid");
    }

    function test_attestationKeyOffCurve() public view {
        assertCheck(_verify("quote_att_key_off_curve.bin"), DcapChecks.QUOTE_ATT_KEY, "att key");
    }

    function test_debugEnclave_Rejected() public {
        QuoteResult memory r = _verify("quote_debug.bin");
        assertCheck(r, DcapChecks.POLICY_DEBUG, "debug");
        assertTrue(r.debug);
        _expectRejected("quote_debug.bin", DcapChecks.POLICY_DEBUG, TcbStatus.UpToDate);
    }

    function test_allowLists() public {
        bytes32 mrenclave = _meta(".mrenclave");
        bytes32 mrsigner = _meta(".mrsigner");
        assertCheck(_verify("quote_other_enclave.bin"), DcapChecks.POLICY_MRENCLAVE, "other");
        vm.startPrank(OWNER);
        // No list at all: nothing may attest (fail closed).
        verifier.setMrEnclave(mrenclave, false);
        assertCheck(_verify("quote.bin"), DcapChecks.POLICY_MRENCLAVE, "empty lists");
        // MRSIGNER list only: any enclave of that signer.
        verifier.setMrSigner(mrsigner, true);
        assertCheck(_verify("quote.bin"), DcapChecks.OK, "signer listed");
        assertCheck(_verify("quote_other_enclave.bin"), DcapChecks.OK, "same signer");
        // Both lists: both must match.
        verifier.setMrEnclave(mrenclave, true);
        assertCheck(_verify("quote_other_enclave.bin"), DcapChecks.POLICY_MRENCLAVE, "both");
        verifier.setMrSigner(mrsigner, false);
        verifier.setMrSigner(bytes32(uint256(1)), true);
        assertCheck(_verify("quote.bin"), DcapChecks.POLICY_MRSIGNER, "signer not listed");
        vm.stopPrank();
    }

    function test_policySetters_OnlyOwnerAndEvents() public {
        bytes memory notOwner =
            abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this));
        vm.expectRevert(notOwner);
        verifier.setMrEnclave(bytes32(uint256(7)), true);
        vm.expectRevert(notOwner);
        verifier.setAcceptedStatuses(0xff);
        vm.expectEmit(address(verifier));
        emit SgxDcapVerifier.MrSignerAllowed(bytes32(uint256(7)), true);
        vm.prank(OWNER);
        verifier.setMrSigner(bytes32(uint256(7)), true);
        vm.expectEmit(address(verifier));
        emit SgxDcapVerifier.AcceptedStatusesSet(0x3f);
        vm.prank(OWNER);
        verifier.setAcceptedStatuses(0xff); // Revoked and Unrecognized bits are dropped
        assertEq(verifier.acceptedStatuses(), 0x3f);
    }

    // ---- time: expired and not yet valid collateral

    function test_expiredCollateral_Rejected() public {
        uint256 t = block.timestamp;
        // PCK CRL valid 2024-12-30 .. 2025-01-29, root CRL until 2025-12-01.
        assertCheck(
            verifier.verifyQuoteAt(_pki("quotes/quote.bin"), 1_735_516_799),
            DcapChecks.PCK_CRL_VALIDITY,
            "before PCK CRL"
        );
        assertCheck(
            verifier.verifyQuoteAt(_pki("quotes/quote.bin"), 1_738_108_801),
            DcapChecks.PCK_CRL_VALIDITY,
            "after PCK CRL"
        );
        assertCheck(
            verifier.verifyQuoteAt(_pki("quotes/quote.bin"), 1_764_547_201),
            DcapChecks.ROOT_CRL_VALIDITY,
            "after root CRL"
        );
        // A TCB info that expires first (2025-01-10) fails check 43 once expired.
        store.addTcbInfo(_pki("tcbinfo_short.json"), tcbSigningId);
        assertCheck(
            verifier.verifyQuoteAt(_pki("quotes/quote.bin"), t), DcapChecks.OK, "still valid"
        );
        vm.warp(1_736_467_201);
        assertCheck(_verify("quote.bin"), DcapChecks.TCB_INFO_VALIDITY, "TCB info expired");
        _expectRejected("quote.bin", DcapChecks.TCB_INFO_VALIDITY, TcbStatus.Unrecognized);
        // Certificates: the PCK certificate ends 2031-01-01, before the root CA.
        assertCheck(
            verifier.verifyQuoteAt(_pki("quotes/quote.bin"), 1_924_992_001),
            DcapChecks.PCK_VALIDITY,
            "PCK expired"
        );
    }

    // ---- missing collateral

    function test_missingCollateral_NamedChecks() public {
        bytes memory quote = _pki("quotes/quote.bin");
        _deploy(_meta(".rootKeyX"), _meta(".rootKeyY"));
        // The chain is verified from the quote itself; then the store has no root CA.
        assertCheck(verifier.verifyQuote(quote), DcapChecks.ROOT_CA_KEY, "no root CA");
        rootId = store.addCertificate(_pki("root_ca.der"));
        assertCheck(verifier.verifyQuote(quote), DcapChecks.ROOT_CRL_SIGNATURE, "no root CRL");
        store.addCrl(_pki("root_ca_crl.der"), rootId);
        assertCheck(verifier.verifyQuote(quote), DcapChecks.PCK_CRL_ISSUER, "no PCK CRL");
        pckCaId = store.addCertificate(_pki("pck_platform_ca.der"));
        store.addCrl(_pki("pck_crl.der"), pckCaId);
        assertCheck(verifier.verifyQuote(quote), DcapChecks.QE_IDENTITY_SIGNATURE, "no QE identity");
        tcbSigningId = store.addCertificate(_pki("tcb_signing.der"));
        store.addQeIdentity(_pki("qe_identity.json"), tcbSigningId);
        store.addTcbInfo(_pki("tcbinfo_other_fmspc.json"), tcbSigningId);
        assertCheck(verifier.verifyQuote(quote), DcapChecks.TCB_INFO_FMSPC, "no TCB info for FMSPC");
        store.addTcbInfo(_pki("tcbinfo.json"), tcbSigningId);
        assertCheck(verifier.verifyQuote(quote), DcapChecks.POLICY_MRENCLAVE, "no allow-list");
    }

    // ---- uploads: ordering and verification

    function test_olderCollateral_NeverReplacesNewer() public {
        vm.expectRevert(DcapCollateralStore.CollateralNotNewer.selector);
        store.addTcbInfo(_pki("tcbinfo_older.json"), tcbSigningId);
        vm.expectRevert(DcapCollateralStore.CollateralNotNewer.selector);
        store.addTcbInfo(_pki("tcbinfo.json"), tcbSigningId); // the same again
        vm.expectRevert(DcapCollateralStore.CollateralNotNewer.selector);
        store.addCrl(_pki("pck_crl_older.der"), pckCaId);
        vm.expectRevert(DcapCollateralStore.CollateralNotNewer.selector);
        store.addCrl(_pki("root_ca_crl.der"), rootId);
        // Newer replaces older, and the older one cannot come back.
        store.addQeIdentity(_pki("qe_identity_outofdate.json"), tcbSigningId);
        vm.expectRevert(DcapCollateralStore.CollateralNotNewer.selector);
        store.addQeIdentity(_pki("qe_identity.json"), tcbSigningId);
        (, uint256 eval) = store.qeIdentity();
        assertEq(eval, 18);
    }

    function test_tamperedCollateral_Rejected() public {
        bytes memory ti = _pki("tcbinfo.json");
        uint256 pos = _find(ti, '"fmspc":"00aabb', 0) + 11;
        assertEq(uint8(ti[pos]), uint8(bytes1("a")));
        ti[pos] = "A"; // FMSPC upper-cased: same value, other bytes (as negative/c03)
        vm.expectRevert(DcapCollateralStore.TcbInfoSignatureInvalid.selector);
        store.addTcbInfo(ti, tcbSigningId);
        vm.expectRevert(DcapCollateralStore.TcbInfoSignatureInvalid.selector);
        store.addTcbInfo(_pki("tcbinfo_wrong_signer.json"), tcbSigningId);
        vm.expectRevert(DcapCollateralStore.SignerNotTcbSigning.selector);
        store.addTcbInfo(_pki("tcbinfo_wrong_signer.json"), pckCaId);
        bytes memory qe = _pki("qe_identity_revoked.json");
        pos = _find(qe, '"isvprodid":1', 0) + 12;
        qe[pos] = "2"; // isvprodid 1 -> 2
        vm.expectRevert(DcapCollateralStore.QeIdentitySignatureInvalid.selector);
        store.addQeIdentity(qe, tcbSigningId);
        bytes memory crl = _pki("pck_crl_revokes_pck.der");
        crl[crl.length - 1] ^= 0x01;
        vm.expectRevert(DcapCollateralStore.CrlSignatureInvalid.selector);
        store.addCrl(crl, pckCaId);
        vm.expectRevert(DcapCollateralStore.CrlIssuerMismatch.selector);
        store.addCrl(_pki("pck_crl_revokes_pck.der"), rootId);
        bytes memory cert = _pki("pck_platform_ca_reissued.der");
        cert[cert.length - 1] ^= 0x01;
        vm.expectRevert(DcapCollateralStore.CertificateSignatureInvalid.selector);
        store.addCertificate(cert);
        vm.expectRevert(DcapCollateralStore.RootKeyMismatch.selector);
        store.addCertificate(_pki("other_root_ca.der"));
        vm.expectRevert(DcapCollateralStore.CertificateRoleUnknown.selector);
        store.addCertificate(_pki("pck.der"));
        vm.expectRevert(DcapCollateralStore.CertificateMalformed.selector);
        store.addCertificate(hex"3003020101");
    }

    function _expectMalformed(
        string memory field
    ) internal {
        vm.expectRevert(abi.encodeWithSelector(CollateralJson.CollateralMalformed.selector, field));
    }

    function test_malformedCollateral_Rejected() public {
        _expectMalformed("tcbLevels (duplicate level)");
        store.addTcbInfo(_pki("tcbinfo_duplicate_levels.json"), tcbSigningId);
        _expectMalformed("signature");
        store.addTcbInfo('{"tcbInfo":{"version":3},"signature":"00"}', tcbSigningId);
        _expectMalformed("json (syntax, non-ASCII text or a duplicate member name)");
        store.addQeIdentity("not json", tcbSigningId);
        vm.expectRevert(DcapCollateralStore.CrlMalformed.selector);
        store.addCrl(hex"3000", rootId);
    }

    function _malformed(
        bytes memory json,
        string memory field,
        bool qe
    ) internal {
        vm.expectRevert(abi.encodeWithSelector(CollateralJson.CollateralMalformed.selector, field));
        if (qe) store.addQeIdentity(json, tcbSigningId);
        else store.addTcbInfo(json, tcbSigningId);
    }

    /// @dev The JSON rules shared with the C verifier (docs/onchain-dcap.md).
    function test_collateralJsonRules() public {
        bytes memory ti = _pki("tcbinfo_revoked.json");
        // A duplicate key anywhere.
        bytes memory dup = bytes(
            string.concat('{"tcbInfo":{"version":3,"version":3},"signature":"', _zeros(128), '"}')
        );
        _malformed(dup, "json (syntax, non-ASCII text or a duplicate member name)", false);
        // An escaped top-level member name.
        bytes memory esc =
            bytes(string.concat('{"tcb\\u0049nfo":{},"signature":"', _zeros(128), '"}'));
        _malformed(esc, "envelope (escaped member name)", false);
        // QE identity levels may only be UpToDate, OutOfDate or Revoked.
        bytes memory qe = _pki("qe_identity.json");
        uint256 pos = _find(qe, '"tcbStatus":"UpToDate"', 0) + 12;
        bytes memory bad = bytes.concat(
            _slice(qe, 0, pos), '"SWHardeningNeeded"', _slice(qe, pos + 10, qe.length)
        );
        _malformed(bad, "tcbStatus", true);
        // An advisory ID with a space.
        pos = _find(ti, "INTEL-SA-00615", 0);
        ti[pos + 5] = " ";
        _malformed(ti, "advisoryIDs", false);
        // Dates with a fraction of a second are accepted (and signed here).
        store.addTcbInfo(_pki("tcbinfo_fraction.json"), tcbSigningId);
        (, uint256 eval) = store.tcbInfo(bytes6(0x00aabb000001));
        assertEq(eval, 18);
    }

    function _zeros(
        uint256 n
    ) internal pure returns (string memory s) {
        bytes memory b = new bytes(n);
        for (uint256 i; i < n; ++i) {
            b[i] = "0";
        }
        return string(b);
    }

    function _slice(
        bytes memory b,
        uint256 from,
        uint256 to
    ) internal pure returns (bytes memory out) {
        out = new bytes(to - from);
        for (uint256 i; i < out.length; ++i) {
            out[i] = b[from + i];
        }
    }

    function test_uploadOutsideValidity_Rejected() public {
        vm.warp(1_738_200_000); // after the TCB info's nextUpdate (2025-01-29)
        vm.expectRevert( // issueDate 2024-12-31, nextUpdate 2025-01-30 00:00 UTC
            abi.encodeWithSelector(
                DcapCollateralStore.CollateralNotValidNow.selector,
                uint256(1_735_603_200),
                uint256(1_738_195_200),
                uint256(1_738_200_000)
            )
        );
        store.addTcbInfo(_pki("tcbinfo_revoked.json"), tcbSigningId);
    }
}
