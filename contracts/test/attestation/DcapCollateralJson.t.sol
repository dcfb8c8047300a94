// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {CollateralJson} from "../../src/attestation/lib/CollateralJson.sol";
import {CollateralJsonFast} from "../../src/attestation/lib/CollateralJsonFast.sol";
import {CollateralRecord} from "../../src/attestation/lib/CollateralRecord.sol";
import {JsonLite} from "../../src/attestation/lib/JsonLite.sol";
import {DcapTestBase} from "./DcapTestBase.sol";

/// @dev Exposes both JSON readers.
contract JsonReaders {
    function fast(
        bytes memory s,
        bool qe
    ) external pure returns (bool ok, CollateralRecord.Parsed memory p) {
        return qe ? CollateralJsonFast.qeIdentity(s) : CollateralJsonFast.tcbInfo(s);
    }

    function general(
        bytes memory s,
        bool qe
    ) external pure returns (CollateralRecord.Parsed memory) {
        return qe ? CollateralJson.parseQeIdentityGeneral(s) : CollateralJson.parseTcbInfoGeneral(s);
    }

    function json(
        bytes memory s
    ) external pure returns (bool ok, uint256 count) {
        uint256[] memory nodes;
        (ok, nodes) = JsonLite.parse(s);
        count = nodes.length;
    }
}

/// @notice The canonical fast reader and the general JSON parser read collateral the same way;
///         the general parser accepts any valid layout and refuses invalid JSON.
contract DcapCollateralJsonTest is DcapTestBase {
    JsonReaders internal r;

    function setUp() public {
        r = new JsonReaders();
    }

    function _same(
        bytes memory doc,
        bool qe,
        bool expectFast
    ) internal view {
        (bool fast, CollateralRecord.Parsed memory a) = r.fast(doc, qe);
        assertEq(fast, expectFast, "fast path taken");
        CollateralRecord.Parsed memory b = r.general(doc, qe);
        if (!fast) return;
        assertEq(a.record, b.record, "records differ");
        assertEq(a.signedStart, b.signedStart);
        assertEq(a.signedEnd, b.signedEnd);
        assertEq(a.sigR, b.sigR);
        assertEq(a.sigS, b.sigS);
        assertEq(bytes32(a.fmspc), bytes32(b.fmspc));
        assertEq(uint256(a.evaluationDataNumber), uint256(b.evaluationDataNumber));
        assertEq(uint256(a.issueDate), uint256(b.issueDate));
        assertEq(uint256(a.nextUpdate), uint256(b.nextUpdate));
    }

    function test_fastAndGeneralAgree_RealCollateral() public view {
        _same(_text("set1/tcbinfo.json"), false, true);
        _same(_text("set1/identity.json"), true, true);
        _same(_text("set2/derived_tcbinfo_pcs.json"), false, true);
        _same(_text("set2/derived_identity_pcs.json"), true, true);
    }

    function test_fastAndGeneralAgree_TestCollateral() public view {
        string[7] memory tcb = [
            "tcbinfo.json",
            "tcbinfo_revoked.json",
            "tcbinfo_confneeded.json",
            "tcbinfo_large.json",
            "tcbinfo_fraction.json",
            "tcbinfo_other_fmspc.json",
            "tcbinfo_short.json"
        ];
        for (uint256 i; i < tcb.length; ++i) {
            _same(_pki(tcb[i]), false, true);
        }
        _same(_pki("qe_identity.json"), true, true);
        _same(_pki("qe_identity_revoked.json"), true, true);
        _same(_pki("qe_identity_outofdate.json"), true, true);
    }

    /// @dev Pretty-printed with sorted keys: not the canonical layout, so the general parser
    ///      reads it; the records equal those of the same content in canonical layout.
    function test_nonCanonicalLayout_GeneralPath() public view {
        _same(_pki("tcbinfo_pretty.json"), false, false);
        _same(_pki("qe_identity_pretty.json"), true, false);
        CollateralRecord.Parsed memory pretty = r.general(_pki("tcbinfo_pretty.json"), false);
        CollateralRecord.Parsed memory canon = r.general(_pki("tcbinfo_short.json"), false);
        // tcbinfo_short has the same levels and evaluation number (only nextUpdate differs)
        assertEq(pretty.record, canon.record, "same levels, same record");
    }

    function test_uploadNonCanonical() public {
        setUpTestPki();
        store.addTcbInfo(_pki("tcbinfo_pretty.json"), tcbSigningId);
        store.addQeIdentity(_pki("qe_identity_pretty.json"), tcbSigningId);
        (, uint256 eval) = store.tcbInfo(bytes6(0x00aabb000001));
        assertEq(eval, 18);
    }

    function test_jsonGrammar() public view {
        string[12] memory good = [
            "{}",
            "[]",
            " [1, -2.5e+3, 0, true, false, null] ",
            '{"a":{"b":[{"c":"\\u00e9\\n\\"x"}]}}',
            "0",
            '"s"',
            "[[[]]]",
            '{"a":1,"b":2}',
            "-0.0E-0",
            '{"":1}',
            '["\\/\\b\\f\\r\\t"]',
            '\t\r\n{ "k" : [ ] }\n'
        ];
        for (uint256 i; i < good.length; ++i) {
            (bool ok,) = r.json(bytes(good[i]));
            assertTrue(ok, good[i]);
        }
        string[15] memory bad = [
            "",
            "[1,]",
            '{"a":1,}',
            '{"a":1,"a":2}',
            "01",
            "[1 2]",
            '{"a" 1}',
            "tru",
            '"\\x"',
            '"\\u12G4"',
            "[1]]",
            "{}{}",
            '{"a":[1,2}',
            "1.",
            "-"
        ];
        for (uint256 i; i < bad.length; ++i) {
            (bool ok,) = r.json(bytes(bad[i]));
            assertFalse(ok, bad[i]);
        }
        (bool nonAscii,) = r.json(hex"5b22c3a9225d"); // ["é"]
        assertFalse(nonAscii, "non-ASCII");
    }
}
