// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {CollateralJsonFast} from "./CollateralJsonFast.sol";
import {CollateralRecord} from "./CollateralRecord.sol";
import {DateParse} from "./DateParse.sol";
import {JsonLite} from "./JsonLite.sol";

/// @title CollateralJson
/// @notice Parses Intel's signed SGX collateral JSON as served by the PCS (`{"tcbInfo":{...},
///         "signature":"<r||s hex>"}` and `{"enclaveIdentity":{...},"signature":"..."}`) into
///         the compact binary records the collateral store keeps, and returns the exact signed
///         bytes (the value of `tcbInfo` / `enclaveIdentity` from its `{` to its matching `}`).
/// @dev Record layouts (big-endian integers), read back by the quote verifier:
///      TCB info:    [0:4] tcbEvaluationDataNumber, [4:6] pceId, [6] version, [7:9] level
///                   count, then 32 bytes per level sorted as Intel's QVL sorts them
///                   (descending by the 16 SGX component SVNs compared lexicographically, then
///                   pcesvn): [0:16] components, [16:18] pcesvn, [18] status, [19] advisory
///                   count, [20:22] offset of the level's advisory IDs in the record;
///                   then the advisory IDs: "INTEL-SA-" and five digits as three bytes
///                   (0x80 | n >> 16, n & 0xffff), any other ID as its length byte (< 64) and
///                   its ASCII text.
///      QE identity: [0:4] tcbEvaluationDataNumber, [4:8] miscselect, [8:12] miscselectMask,
///                   [12:28] attributes, [28:44] attributesMask, [44:76] mrsigner,
///                   [76:78] isvprodid, [78:80] level count, then 8 bytes per level sorted by
///                   isvsvn descending: [0:2] isvsvn, [2] status, [3] advisory count, [4:6]
///                   advisory offset; then the advisory IDs as above.
///      Status numbers are those of `TcbStatus` in DcapTypes.sol.
///      What is accepted follows the C verifier (docs/dcap.md of the dcap branch, "Collateral
///      formats"): valid JSON, duplicate member names refused anywhere and escaped top-level
///      names too; integers are plain non-negative JSON integers; dates are
///      YYYY-MM-DDTHH:MM:SS[.f]Z; hex fields have exactly their length, in either case;
///      1..512 levels, no two equal; advisoryIDs (TCB info v3 and QE identity) are at most 32
///      strings of 1..63 printable characters other than '"' and '\'; QE levels are UpToDate,
///      OutOfDate or Revoked. Differences (JsonLite): only ASCII text, names and string values
///      are compared without decoding escapes.
library CollateralJson {
    /// @notice Collateral JSON is malformed; `field` names what is wrong.
    error CollateralMalformed(string field);

    /// @dev A parsed document: the text and its nodes.
    struct Doc {
        bytes s;
        uint256[] nodes;
    }

    /// @dev Parses a PCS TCB info response (version 2 or 3, SGX): Intel's canonical layout
    ///      through the fast reader, anything else through the general parser.
    function parseTcbInfo(
        bytes memory json
    ) internal pure returns (CollateralRecord.Parsed memory p) {
        bool fast;
        (fast, p) = CollateralJsonFast.tcbInfo(json);
        if (!fast) p = parseTcbInfoGeneral(json);
    }

    /// @dev Parses a PCS QE identity response (version 2, id "QE"), as parseTcbInfo.
    function parseQeIdentity(
        bytes memory json
    ) internal pure returns (CollateralRecord.Parsed memory p) {
        bool fast;
        (fast, p) = CollateralJsonFast.qeIdentity(json);
        if (!fast) p = parseQeIdentityGeneral(json);
    }

    /// @dev parseTcbInfo through the general parser only.
    function parseTcbInfoGeneral(
        bytes memory json
    ) internal pure returns (CollateralRecord.Parsed memory p) {
        Doc memory d;
        uint256 body = _envelope(d, json, "tcbInfo", 7, p);
        uint256 version = _uint(d, _get(d, body, "version", 7), 3, "tcbInfo.version");
        if (version < 2) revert CollateralMalformed("tcbInfo.version");
        if (version == 3 && !JsonLite.stringIs(d.s, d.nodes, _get(d, body, "id", 2), "SGX", 3)) {
            revert CollateralMalformed("tcbInfo.id");
        }
        _dates(d, body, p, "tcbInfo.issueDate", "tcbInfo.nextUpdate");
        p.fmspc = bytes6(_hex(d, _get(d, body, "fmspc", 5), 6, "tcbInfo.fmspc"));
        bytes2 pceId = bytes2(_hex(d, _get(d, body, "pceId", 5), 2, "tcbInfo.pceId"));
        _uint(d, _get(d, body, "tcbType", 7), 0, "tcbInfo.tcbType");
        p.evaluationDataNumber = uint32(
            _uint(
                d,
                _get(d, body, "tcbEvaluationDataNumber", 23),
                type(uint32).max,
                "tcbInfo.tcbEvaluationDataNumber"
            )
        );
        uint256 levels = _levels(d, body, "tcbInfo.tcbLevels");
        uint256 n = JsonLite.size(d.nodes, levels);
        CollateralRecord.Level[] memory lvs = new CollateralRecord.Level[](n);
        uint256 lv = JsonLite.firstChild(d.nodes, levels);
        for (uint256 i; i < n; ++i) {
            lvs[i] = _level(d, lv, _tcbKey(d, lv, version), version);
            lv = JsonLite.nextSibling(d.nodes, lv);
        }
        p.record = CollateralRecord.build(
            abi.encodePacked(p.evaluationDataNumber, pceId, uint8(version), uint16(n)), lvs, true
        );
    }

    /// @dev parseQeIdentity through the general parser only.
    function parseQeIdentityGeneral(
        bytes memory json
    ) internal pure returns (CollateralRecord.Parsed memory p) {
        Doc memory d;
        uint256 body = _envelope(d, json, "enclaveIdentity", 15, p);
        if (!JsonLite.stringIs(d.s, d.nodes, _get(d, body, "id", 2), "QE", 2)) {
            revert CollateralMalformed("enclaveIdentity.id");
        }
        if (_uint(d, _get(d, body, "version", 7), 2, "enclaveIdentity.version") != 2) {
            revert CollateralMalformed("enclaveIdentity.version");
        }
        _dates(d, body, p, "enclaveIdentity.issueDate", "enclaveIdentity.nextUpdate");
        p.evaluationDataNumber = uint32(
            _uint(
                d,
                _get(d, body, "tcbEvaluationDataNumber", 23),
                type(uint32).max,
                "enclaveIdentity.tcbEvaluationDataNumber"
            )
        );
        uint256 levels = _levels(d, body, "enclaveIdentity.tcbLevels");
        uint256 n = JsonLite.size(d.nodes, levels);
        CollateralRecord.Level[] memory lvs = new CollateralRecord.Level[](n);
        uint256 lv = JsonLite.firstChild(d.nodes, levels);
        for (uint256 i; i < n; ++i) {
            uint256 tcb =
                _object(d, _get(d, _object(d, lv, "tcbLevels"), "tcb", 3), "tcbLevels.tcb");
            uint256 isvsvn = _uint(d, _get(d, tcb, "isvsvn", 6), 65_535, "tcbLevels.tcb.isvsvn");
            lvs[i] = _level(d, lv, isvsvn, 0);
            lv = JsonLite.nextSibling(d.nodes, lv);
        }
        p.record = CollateralRecord.build(_qeHeader(d, body, p.evaluationDataNumber, n), lvs, false);
    }

    function _qeHeader(
        Doc memory d,
        uint256 body,
        uint32 evaluationDataNumber,
        uint256 n
    ) private pure returns (bytes memory) {
        return abi.encodePacked(
            evaluationDataNumber,
            bytes4(_hex(d, _get(d, body, "miscselect", 10), 4, "enclaveIdentity.miscselect")),
            bytes4(
                _hex(d, _get(d, body, "miscselectMask", 14), 4, "enclaveIdentity.miscselectMask")
            ),
            bytes16(_hex(d, _get(d, body, "attributes", 10), 16, "enclaveIdentity.attributes")),
            bytes16(
                _hex(d, _get(d, body, "attributesMask", 14), 16, "enclaveIdentity.attributesMask")
            ),
            _hex(d, _get(d, body, "mrsigner", 8), 32, "enclaveIdentity.mrsigner"),
            uint16(_uint(d, _get(d, body, "isvprodid", 9), 65_535, "enclaveIdentity.isvprodid")),
            uint16(n)
        );
    }

    /// @dev Parses the document, checks the top level (an object whose member names are
    ///      unescaped), fills the signed bytes and the signature, returns the body node.
    function _envelope(
        Doc memory d,
        bytes memory json,
        bytes32 bodyKey,
        uint256 bodyKeyLen,
        CollateralRecord.Parsed memory p
    ) private pure returns (uint256 body) {
        bool ok;
        (ok, d.nodes) = JsonLite.parse(json);
        d.s = json;
        if (!ok || JsonLite.typeOf(d.nodes, 0) != JsonLite.OBJECT) {
            revert CollateralMalformed("json (syntax, non-ASCII text or a duplicate member name)");
        }
        for (
            uint256 m = JsonLite.firstChild(d.nodes, 0);
            m != 0;
            m = JsonLite.nextSibling(d.nodes, m)
        ) {
            uint256 w = d.nodes[m];
            uint256 ks = (w >> 64) & 0xffffffff;
            uint256 kl = (w >> 96) & 0xffff;
            for (uint256 i; i < kl; ++i) {
                if (json[ks + i] == "\\") {
                    revert CollateralMalformed("envelope (escaped member name)");
                }
            }
        }
        body = _object(d, _get(d, 0, bodyKey, bodyKeyLen), "envelope (signed body)");
        (uint256 a, uint256 b) = JsonLite.span(d.nodes, body);
        (p.signedStart, p.signedEnd) = (a, b);
        uint256 sig = _get(d, 0, "signature", 9);
        p.sigR = _hex(d, sig, 64, "signature");
        p.sigS = _hexTail(d, sig);
    }

    function _levels(
        Doc memory d,
        uint256 body,
        string memory field
    ) private pure returns (uint256 levels) {
        levels = _get(d, body, "tcbLevels", 9);
        uint256 n = levels == 0 ? 0 : JsonLite.size(d.nodes, levels);
        if (levels == 0 || JsonLite.typeOf(d.nodes, levels) != JsonLite.ARRAY) {
            revert CollateralMalformed(field);
        }
        if (n == 0 || n > CollateralRecord.MAX_LEVELS) revert CollateralMalformed(field);
    }

    function _dates(
        Doc memory d,
        uint256 body,
        CollateralRecord.Parsed memory p,
        string memory issueField,
        string memory nextField
    ) private pure {
        p.issueDate = uint40(_date(d, _get(d, body, "issueDate", 9), issueField));
        p.nextUpdate = uint40(_date(d, _get(d, body, "nextUpdate", 10), nextField));
        if (p.nextUpdate < p.issueDate) revert CollateralMalformed(nextField);
    }

    /// @dev The 18-byte ordering key of a TCB level: 16 component SVNs, then pcesvn.
    function _tcbKey(
        Doc memory d,
        uint256 level,
        uint256 version
    ) private pure returns (uint256 key) {
        uint256 tcb = _object(d, _get(d, _object(d, level, "tcbLevels"), "tcb", 3), "tcb");
        if (version == 3) {
            uint256 comps = _get(d, tcb, "sgxtcbcomponents", 16);
            if (
                comps == 0 || JsonLite.typeOf(d.nodes, comps) != JsonLite.ARRAY
                    || JsonLite.size(d.nodes, comps) != 16
            ) revert CollateralMalformed("tcb.sgxtcbcomponents");
            uint256 c = JsonLite.firstChild(d.nodes, comps);
            for (uint256 i; i < 16; ++i) {
                uint256 o = _object(d, c, "tcb.sgxtcbcomponents");
                key = (key << 8) | _uint(d, _get(d, o, "svn", 3), 255, "sgxtcbcomponents.svn");
                c = JsonLite.nextSibling(d.nodes, c);
            }
        } else {
            bytes32 name = "sgxtcbcomp00svn";
            for (uint256 i = 1; i <= 16; ++i) {
                bytes32 k = name | bytes32(uint256(((0x30 + i / 10) << 8) | (0x30 + i % 10)) << 160);
                key = (key << 8) | _uint(d, _get(d, tcb, k, 15), 255, "tcb.sgxtcbcompNNsvn");
            }
        }
        key = (key << 16) | _uint(d, _get(d, tcb, "pcesvn", 6), 65_535, "tcb.pcesvn");
    }

    /// @dev One level (tcbDate checked, status, advisory IDs) with its ordering key.
    ///      `version` is the TCB info version, or 0 for a QE identity.
    function _level(
        Doc memory d,
        uint256 level,
        uint256 key,
        uint256 version
    ) private pure returns (CollateralRecord.Level memory lv) {
        lv.key = key;
        _date(d, _get(d, level, "tcbDate", 7), "tcbLevels.tcbDate");
        uint256 st = _get(d, level, "tcbStatus", 9);
        if (st == 0 || JsonLite.typeOf(d.nodes, st) != JsonLite.STRING) {
            revert CollateralMalformed("tcbStatus");
        }
        (uint256 a, uint256 b) = JsonLite.span(d.nodes, st);
        bytes32 h;
        bytes memory s = d.s;
        assembly ("memory-safe") {
            h := keccak256(add(add(s, 0x20), a), sub(b, a))
        }
        bool ok;
        (ok, lv.status) = CollateralRecord.statusOf(h, version != 0);
        if (!ok) revert CollateralMalformed("tcbStatus");
        // TCB info v2 has no advisory IDs (an advisoryIDs member is ignored, as in C).
        if (version != 2) {
            (lv.adv, lv.advCount) = _advisories(d, _get(d, level, "advisoryIDs", 11));
        }
    }

    /// @dev Advisory IDs of a level (optional array of strings), encoded (CollateralRecord).
    function _advisories(
        Doc memory d,
        uint256 arr
    ) private pure returns (bytes memory ids, uint256 count) {
        if (arr == 0) return (ids, 0);
        count = JsonLite.size(d.nodes, arr);
        if (
            JsonLite.typeOf(d.nodes, arr) != JsonLite.ARRAY
                || count > CollateralRecord.MAX_ADVISORIES
        ) revert CollateralMalformed("advisoryIDs");
        ids = new bytes(count * 64 + 32);
        uint256 o;
        for (
            uint256 c = JsonLite.firstChild(d.nodes, arr);
            c != 0;
            c = JsonLite.nextSibling(d.nodes, c)
        ) {
            (uint256 a, uint256 b) = JsonLite.span(d.nodes, c);
            bool ok = JsonLite.typeOf(d.nodes, c) == JsonLite.STRING;
            if (ok) (ok, o) = CollateralRecord.appendAdvisory(ids, o, d.s, a + 1, b - a - 2);
            if (!ok) revert CollateralMalformed("advisoryIDs");
        }
        assembly ("memory-safe") {
            mstore(ids, o)
        }
    }

    function _get(
        Doc memory d,
        uint256 obj,
        bytes32 key,
        uint256 keyLen
    ) private pure returns (uint256) {
        return JsonLite.get(d.s, d.nodes, obj, key, keyLen);
    }

    function _object(
        Doc memory d,
        uint256 node,
        string memory field
    ) private pure returns (uint256) {
        if (node == 0 || JsonLite.typeOf(d.nodes, node) != JsonLite.OBJECT) {
            revert CollateralMalformed(field);
        }
        return node;
    }

    function _date(
        Doc memory d,
        uint256 node,
        string memory field
    ) private pure returns (uint256 t) {
        if (node == 0 || JsonLite.typeOf(d.nodes, node) != JsonLite.STRING) {
            revert CollateralMalformed(field);
        }
        (uint256 a, uint256 b) = JsonLite.span(d.nodes, node);
        t = DateParse.fromIso8601(d.s, a + 1, b - a - 2);
        if (t == 0) revert CollateralMalformed(field);
    }

    /// @dev A non-negative JSON integer (digits only, or "-0") of at most `max`.
    function _uint(
        Doc memory d,
        uint256 node,
        uint256 max,
        string memory field
    ) private pure returns (uint256 v) {
        if (node == 0 || JsonLite.typeOf(d.nodes, node) != JsonLite.NUMBER) {
            revert CollateralMalformed(field);
        }
        (uint256 a, uint256 b) = JsonLite.span(d.nodes, node);
        bytes memory s = d.s;
        bool ok;
        assembly ("memory-safe") {
            let p := add(add(s, 0x20), a)
            let len := sub(b, a)
            switch and(eq(len, 2), eq(shr(240, mload(p)), 0x2d30)) // "-0"
            case 1 { ok := 1 }
            default {
                ok := lt(len, 21)
                for { let i := 0 } and(ok, lt(i, len)) { i := add(i, 1) } {
                    let c := sub(byte(0, mload(add(p, i))), 0x30)
                    ok := lt(c, 10)
                    v := add(mul(v, 10), c)
                }
            }
        }
        if (!ok || v > max) revert CollateralMalformed(field);
    }

    /// @dev A JSON string of exactly 2*n hex digits (either case), as n bytes left-aligned
    ///      (the first 32 bytes when n > 32).
    function _hex(
        Doc memory d,
        uint256 node,
        uint256 n,
        string memory field
    ) private pure returns (bytes32 out) {
        if (node == 0 || JsonLite.typeOf(d.nodes, node) != JsonLite.STRING) {
            revert CollateralMalformed(field);
        }
        (uint256 a, uint256 b) = JsonLite.span(d.nodes, node);
        if (b - a != 2 * n + 2) revert CollateralMalformed(field);
        uint256 m = n > 32 ? 32 : n;
        uint256 acc;
        for (uint256 i; i < 2 * n; ++i) {
            uint256 h = _hexDigit(uint8(d.s[a + 1 + i]));
            if (h > 15) revert CollateralMalformed(field);
            if (i < 2 * m) acc = (acc << 4) | h;
        }
        out = bytes32(acc << (256 - 8 * m));
    }

    /// @dev The last 32 bytes of a 64-byte hex string (validated by `_hex` before).
    function _hexTail(
        Doc memory d,
        uint256 node
    ) private pure returns (bytes32) {
        (uint256 a,) = JsonLite.span(d.nodes, node);
        uint256 acc;
        for (uint256 i = a + 65; i < a + 129; ++i) {
            acc = (acc << 4) | _hexDigit(uint8(d.s[i]));
        }
        return bytes32(acc);
    }

    function _hexDigit(
        uint8 c
    ) private pure returns (uint256) {
        if (c >= 0x30 && c <= 0x39) return c - 0x30;
        if (c >= 0x61 && c <= 0x66) return c - 0x57;
        if (c >= 0x41 && c <= 0x46) return c - 0x37;
        return 16;
    }
}
