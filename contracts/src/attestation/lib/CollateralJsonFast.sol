// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {CollateralRecord} from "./CollateralRecord.sol";
import {DateParse} from "./DateParse.sol";

/// @title CollateralJsonFast
/// @notice Reads TCB info and QE identity documents laid out exactly as Intel's PCS (and the
///         `mpavs sim-ca` development CA) write them: compact JSON, members in Intel's order,
///         no escapes. It walks the text once against that layout and reads values in place,
///         an order of magnitude cheaper than building a general JSON tree.
/// @dev Anything that deviates (whitespace, another member order, an escape, an unknown
///      member, a value out of range) makes it return false, and CollateralJson then parses
///      the document with the general parser, which accepts any valid layout and names what
///      is wrong. A document this reader accepts is valid JSON without duplicate members, and
///      it yields exactly what the general parser yields for it (same CollateralRecord).
///      Cursors are offsets into the text; 0 means "no match" (no match can end at 0).
library CollateralJsonFast {
    /// @dev Cursor value for offset 0 (0 itself means "no match").
    uint256 private constant _START = 1 << 255;

    /// @dev Parses a TCB info; ok false when the text is not in the canonical layout.
    function tcbInfo(
        bytes memory s
    ) internal pure returns (bool ok, CollateralRecord.Parsed memory p) {
        uint256 q = _lit(s, _START, '{"tcbInfo":{', 12);
        if (q == 0) return (false, p);
        p.signedStart = q - 1;
        uint256 version = 3;
        uint256 r = _lit(s, q, '"id":"SGX","version":3,', 23);
        if (r == 0) {
            version = 2;
            r = _lit(s, q, '"version":2,', 12);
        }
        q = _dates(s, r, p);
        uint256 a;
        uint256 n;
        (q, a, n) = _string(s, _lit(s, q, ',"fmspc":', 9));
        bool hexOk;
        bytes32 h;
        (hexOk, h) = _hex(s, a, n, 6);
        p.fmspc = bytes6(h);
        (q, a, n) = _string(s, _lit(s, q, ',"pceId":', 9));
        bool pceOk;
        (pceOk, h) = _hex(s, a, n, 2);
        bytes2 pceId = bytes2(h);
        uint256 v;
        (q, v) = _int(s, _lit(s, q, ',"tcbType":', 11), 0);
        (q, v) = _int(s, _lit(s, q, ',"tcbEvaluationDataNumber":', 27), type(uint32).max);
        p.evaluationDataNumber = uint32(v);
        q = _lit(s, q, ',"tcbLevels":[', 14);
        if (q == 0 || !hexOk || !pceOk) return (false, p);
        CollateralRecord.Level[] memory levels;
        (q, levels) = _levels(s, q, version);
        q = _lit(s, q, "}", 1);
        if (q == 0) return (false, p);
        p.signedEnd = q;
        if (!_signature(s, q, p)) return (false, p);
        p.record = CollateralRecord.build(
            abi.encodePacked(p.evaluationDataNumber, pceId, uint8(version), uint16(levels.length)),
            levels,
            true
        );
        return (true, p);
    }

    /// @dev Parses a QE identity; ok false when the text is not in the canonical layout.
    function qeIdentity(
        bytes memory s
    ) internal pure returns (bool ok, CollateralRecord.Parsed memory p) {
        uint256 q = _lit(s, _START, '{"enclaveIdentity":{', 20);
        if (q == 0) return (false, p);
        p.signedStart = q - 1;
        q = _dates(s, _lit(s, q, '"id":"QE","version":2,', 22), p);
        uint256 v;
        (q, v) = _int(s, _lit(s, q, ',"tcbEvaluationDataNumber":', 27), type(uint32).max);
        p.evaluationDataNumber = uint32(v);
        bytes memory ids;
        (q, ids) = _qeIds(s, q);
        uint256 isvprodid;
        (q, isvprodid) = _int(s, _lit(s, q, ',"isvprodid":', 13), 65_535);
        q = _lit(s, q, ',"tcbLevels":[', 14);
        if (q == 0 || ids.length == 0) return (false, p);
        CollateralRecord.Level[] memory levels;
        (q, levels) = _levels(s, q, 0);
        q = _lit(s, q, "}", 1);
        if (q == 0) return (false, p);
        p.signedEnd = q;
        if (!_signature(s, q, p)) return (false, p);
        p.record = CollateralRecord.build(
            abi.encodePacked(p.evaluationDataNumber, ids, uint16(isvprodid), uint16(levels.length)),
            levels,
            false
        );
        return (true, p);
    }

    /// @dev miscselect, miscselectMask, attributes, attributesMask, mrsigner as raw bytes
    ///      (4 + 4 + 16 + 16 + 32); empty on any deviation.
    function _qeIds(
        bytes memory s,
        uint256 q
    ) private pure returns (uint256 next, bytes memory ids) {
        bytes32[5] memory v;
        bool ok = true;
        bool one;
        (q, one, v[0]) = _hexMember(s, _lit(s, q, ',"miscselect":', 14), 4);
        ok = ok && one;
        (q, one, v[1]) = _hexMember(s, _lit(s, q, ',"miscselectMask":', 18), 4);
        ok = ok && one;
        (q, one, v[2]) = _hexMember(s, _lit(s, q, ',"attributes":', 14), 16);
        ok = ok && one;
        (q, one, v[3]) = _hexMember(s, _lit(s, q, ',"attributesMask":', 18), 16);
        ok = ok && one;
        (q, one, v[4]) = _hexMember(s, _lit(s, q, ',"mrsigner":', 12), 32);
        if (!(ok && one) || q == 0) return (0, ids);
        ids = abi.encodePacked(bytes4(v[0]), bytes4(v[1]), bytes16(v[2]), bytes16(v[3]), v[4]);
        return (q, ids);
    }

    function _hexMember(
        bytes memory s,
        uint256 q,
        uint256 n
    ) private pure returns (uint256 next, bool ok, bytes32 h) {
        uint256 a;
        uint256 len;
        (next, a, len) = _string(s, q);
        (ok, h) = _hex(s, a, len, n);
    }

    /// @dev "issueDate":"…","nextUpdate":"…" (from the cursor at "issueDate").
    function _dates(
        bytes memory s,
        uint256 q,
        CollateralRecord.Parsed memory p
    ) private pure returns (uint256) {
        uint256 a;
        uint256 n;
        (q, a, n) = _string(s, _lit(s, q, '"issueDate":', 12));
        p.issueDate = uint40(q == 0 ? 0 : DateParse.fromIso8601(s, a, n));
        (q, a, n) = _string(s, _lit(s, q, ',"nextUpdate":', 14));
        p.nextUpdate = uint40(q == 0 ? 0 : DateParse.fromIso8601(s, a, n));
        if (p.issueDate == 0 || p.nextUpdate == 0 || p.nextUpdate < p.issueDate) return 0;
        return q;
    }

    /// @dev ,"signature":"<128 hex>"} and the end of the text.
    function _signature(
        bytes memory s,
        uint256 q,
        CollateralRecord.Parsed memory p
    ) private pure returns (bool) {
        uint256 a;
        uint256 n;
        (q, a, n) = _string(s, _lit(s, q, ',"signature":', 13));
        bool ok1;
        bool ok2;
        (ok1, p.sigR) = _hex(s, a, n == 128 ? 64 : 0, 32);
        (ok2, p.sigS) = _hex(s, a + 64, n == 128 ? 64 : 0, 32);
        q = _lit(s, q, "}", 1);
        return ok1 && ok2 && q == s.length;
    }

    /// @dev The levels of the array at q (after its '['), up to and including its ']'.
    ///      `version` is the TCB info version, or 0 for a QE identity.
    function _levels(
        bytes memory s,
        uint256 q,
        uint256 version
    ) private pure returns (uint256 next, CollateralRecord.Level[] memory levels) {
        levels = new CollateralRecord.Level[](CollateralRecord.MAX_LEVELS);
        uint256 count;
        while (true) {
            if (count == CollateralRecord.MAX_LEVELS) return (0, levels);
            (q, levels[count]) = _level(s, count == 0 ? q : _lit(s, q, ",", 1), version);
            if (q == 0) return (0, levels);
            ++count;
            if (_lit(s, q, ",", 1) == 0) break;
        }
        assembly ("memory-safe") {
            mstore(levels, count)
        }
        next = _lit(s, q, "]", 1);
    }

    /// @dev One level object at q.
    function _level(
        bytes memory s,
        uint256 q,
        uint256 version
    ) private pure returns (uint256 next, CollateralRecord.Level memory lv) {
        if (version == 3) (q, lv.key) = _tcbV3(s, q);
        else if (version == 2) (q, lv.key) = _tcbV2(s, q);
        else (q, lv.key) = _int(s, _lit(s, q, '{"tcb":{"isvsvn":', 17), 65_535);
        uint256 a;
        uint256 n;
        (q, a, n) = _string(s, _lit(s, q, '},"tcbDate":', 12));
        if (q == 0 || DateParse.fromIso8601(s, a, n) == 0) return (0, lv);
        (q, a, n) = _string(s, _lit(s, q, ',"tcbStatus":', 13));
        if (q == 0) return (0, lv);
        bytes32 h;
        assembly ("memory-safe") {
            h := keccak256(add(add(s, 0x1f), a), add(n, 2)) // with its quotes
        }
        bool ok;
        (ok, lv.status) = CollateralRecord.statusOf(h, version != 0);
        if (!ok) return (0, lv);
        if (version != 2) {
            uint256 r = _lit(s, q, ',"advisoryIDs":[', 16);
            if (r != 0) (q, lv.adv, lv.advCount) = _advisories(s, r);
        }
        next = _lit(s, q, "}", 1);
    }

    /// @dev {"tcb":{"sgxtcbcomponents":[16 × {"svn":N[,"category":"…"][,"type":"…"]}],
    ///      "pcesvn":N (the cursor stops before the closing '}' of "tcb"). One assembly loop:
    ///      this runs sixteen times per level.
    function _tcbV3(
        bytes memory s,
        uint256 q
    ) private pure returns (uint256 next, uint256 key) {
        q = _lit(s, q, '{"tcb":{"sgxtcbcomponents":[', 28);
        if (q == 0) return (0, 0);
        assembly ("memory-safe") {
            // Digits at p (no leading zero, at most 3, value <= max): end (0 on error), value.
            function num(d, n, p, max) -> e, v {
                let i := p
                for {} and(lt(i, n), lt(sub(i, p), 6)) { i := add(i, 1) } {
                    let c := sub(byte(0, mload(add(d, i))), 0x30)
                    if gt(c, 9) { break }
                    v := add(mul(v, 10), c)
                }
                let len := sub(i, p)
                let ok := and(gt(len, 0), iszero(gt(v, max)))
                ok := and(ok, or(eq(len, 1), iszero(eq(byte(0, mload(add(d, p))), 0x30))))
                let after := byte(0, mload(add(d, i)))
                ok := and(ok, iszero(or(eq(after, 0x2e), eq(or(after, 0x20), 0x65))))
                ok := and(ok, lt(i, n))
                if ok { e := i }
            }
            // A string without escapes or control bytes at p: the offset after it, or 0.
            function str(d, n, p) -> e {
                if and(lt(p, n), eq(byte(0, mload(add(d, p))), 0x22)) {
                    for { let i := add(p, 1) } lt(i, n) { i := add(i, 1) } {
                        let c := byte(0, mload(add(d, i)))
                        if eq(c, 0x22) {
                            e := add(i, 1)
                            break
                        }
                        if or(or(lt(c, 0x20), gt(c, 0x7e)), eq(c, 0x5c)) { break }
                    }
                }
            }
            // Whether the `len` bytes at p are `lit` (within n).
            function is(d, n, p, lit, len) -> r {
                if iszero(gt(add(p, len), n)) {
                    r := eq(and(mload(add(d, p)), not(shr(shl(3, len), not(0)))), lit)
                }
            }
            let d := add(s, 0x20)
            let n := mload(s)
            for { let i := 0 } lt(i, 16) { i := add(i, 1) } {
                if i {
                    if iszero(
                        is(
                            d,
                            n,
                            q,
                            0x2c00000000000000000000000000000000000000000000000000000000000000,
                            1
                        )
                    ) {
                        q := 0
                        break
                    }
                    q := add(q, 1)
                }
                // {"svn":
                if iszero(
                    is(
                        d,
                        n,
                        q,
                        0x7b2273766e223a00000000000000000000000000000000000000000000000000,
                        7
                    )
                ) {
                    q := 0
                    break
                }
                let e, v := num(d, n, add(q, 7), 255)
                if iszero(e) {
                    q := 0
                    break
                }
                key := or(shl(8, key), v)
                q := e
                // ,"category":
                if is(
                    d,
                    n,
                    q,
                    0x2c2263617465676f7279223a0000000000000000000000000000000000000000,
                    12
                ) {
                    q := str(d, n, add(q, 12))
                    if iszero(q) { break }
                }
                // ,"type":
                if is(
                    d,
                    n,
                    q,
                    0x2c2274797065223a000000000000000000000000000000000000000000000000,
                    8
                ) {
                    q := str(d, n, add(q, 8))
                    if iszero(q) { break }
                }
                if iszero(
                    is(
                        d,
                        n,
                        q,
                        0x7d00000000000000000000000000000000000000000000000000000000000000,
                        1
                    )
                ) {
                    q := 0
                    break
                }
                q := add(q, 1)
            }
            // ],"pcesvn":
            if q {
                switch is(
                    d,
                    n,
                    q,
                    0x5d2c2270636573766e223a000000000000000000000000000000000000000000,
                    11
                )
                case 1 {
                    let e, v := num(d, n, add(q, 11), 65535)
                    key := or(shl(16, key), v)
                    next := e
                }
                default { next := 0 }
            }
        }
    }

    /// @dev {"tcb":{"sgxtcbcomp01svn":N,…,"sgxtcbcomp16svn":N,"pcesvn":N.
    function _tcbV2(
        bytes memory s,
        uint256 q
    ) private pure returns (uint256 next, uint256 key) {
        q = _lit(s, q, '{"tcb":{', 8);
        bytes32 name = '"sgxtcbcomp00svn":';
        for (uint256 i = 1; i <= 16; ++i) {
            if (i != 1) q = _lit(s, q, ",", 1);
            bytes32 k = name | bytes32(uint256(((0x30 + i / 10) << 8) | (0x30 + i % 10)) << 152);
            uint256 svn;
            (q, svn) = _int(s, _lit(s, q, k, 18), 255);
            key = (key << 8) | svn;
        }
        uint256 pcesvn;
        (next, pcesvn) = _int(s, _lit(s, q, ',"pcesvn":', 10), 65_535);
        key = (key << 16) | pcesvn;
    }

    /// @dev The advisory IDs after `[`, up to and including `]`, encoded.
    function _advisories(
        bytes memory s,
        uint256 q
    ) private pure returns (uint256 next, bytes memory ids, uint256 count) {
        ids = new bytes(CollateralRecord.MAX_ADVISORIES * 64 + 32);
        uint256 o;
        uint256 r = _lit(s, q, "]", 1);
        while (r == 0) {
            if (count != 0) q = _lit(s, q, ",", 1);
            uint256 a;
            uint256 n;
            (q, a, n) = _string(s, q);
            bool ok = q != 0 && count < CollateralRecord.MAX_ADVISORIES;
            if (ok) (ok, o) = CollateralRecord.appendAdvisory(ids, o, s, a, n);
            if (!ok) return (0, ids, 0);
            ++count;
            r = _lit(s, q, "]", 1);
        }
        assembly ("memory-safe") {
            mstore(ids, o)
        }
        return (r, ids, count);
    }

    /// @dev Cursor after the `len` bytes of `lit` at q, or 0.
    function _lit(
        bytes memory s,
        uint256 q,
        bytes32 lit,
        uint256 len
    ) private pure returns (uint256 r) {
        if (q == _START) q = 0;
        else if (q == 0) return 0;
        assembly ("memory-safe") {
            if iszero(gt(add(q, len), mload(s))) {
                let mask := not(shr(shl(3, len), not(0)))
                if eq(and(mload(add(add(s, 0x20), q)), mask), lit) { r := add(q, len) }
            }
        }
    }

    /// @dev A JSON integer at q (no sign, no leading zero, no fraction or exponent) of at most
    ///      `max`: cursor after it and its value, or 0.
    function _int(
        bytes memory s,
        uint256 q,
        uint256 max
    ) private pure returns (uint256 r, uint256 v) {
        assembly ("memory-safe") {
            if q {
                let d := add(s, 0x20)
                let n := mload(s)
                let i := q
                for {} lt(i, n) { i := add(i, 1) } {
                    let c := sub(byte(0, mload(add(d, i))), 0x30)
                    if gt(c, 9) { break }
                    v := add(mul(v, 10), c)
                }
                let len := sub(i, q)
                let lead := byte(0, mload(add(d, q)))
                // a number must not go on with '.', 'e', 'E' (those layouts take the general path)
                let after := byte(0, mload(add(d, i)))
                let good := and(gt(len, 0), lt(len, 21))
                good := and(good, or(eq(len, 1), iszero(eq(lead, 0x30))))
                good := and(good, iszero(gt(v, max)))
                good := and(good, iszero(or(eq(after, 0x2e), eq(or(after, 0x20), 0x65))))
                if good { r := i }
            }
        }
    }

    /// @dev A JSON string at q without escapes or control characters: cursor after its
    ///      closing quote, content offset and length; r 0 if it is not such a string.
    function _string(
        bytes memory s,
        uint256 q
    ) private pure returns (uint256 r, uint256 a, uint256 n) {
        assembly ("memory-safe") {
            let d := add(s, 0x20)
            let len := mload(s)
            if and(iszero(iszero(q)), lt(q, len)) {
                if eq(byte(0, mload(add(d, q))), 0x22) {
                    a := add(q, 1)
                    for { let i := a } lt(i, len) { i := add(i, 1) } {
                        let c := byte(0, mload(add(d, i)))
                        if eq(c, 0x22) {
                            n := sub(i, a)
                            r := add(i, 1)
                            break
                        }
                        if or(or(lt(c, 0x20), gt(c, 0x7e)), eq(c, 0x5c)) { break }
                    }
                }
            }
        }
    }

    /// @dev Exactly 2*n hex digits (either case) at s[a:a+len] as n bytes, left-aligned.
    function _hex(
        bytes memory s,
        uint256 a,
        uint256 len,
        uint256 n
    ) private pure returns (bool ok, bytes32 out) {
        if (len != 2 * n || n == 0 || n > 32) return (false, 0);
        uint256 acc;
        ok = true;
        assembly ("memory-safe") {
            let d := add(add(s, 0x20), a)
            for { let i := 0 } lt(i, len) { i := add(i, 1) } {
                let c := byte(0, mload(add(d, i)))
                let v := 16
                if and(gt(c, 0x2f), lt(c, 0x3a)) { v := sub(c, 0x30) }
                let l := or(c, 0x20)
                if and(gt(l, 0x60), lt(l, 0x67)) { v := sub(l, 0x57) }
                if gt(v, 15) { ok := 0 }
                acc := or(shl(4, acc), v)
            }
        }
        out = bytes32(acc << (256 - 8 * n));
    }
}
