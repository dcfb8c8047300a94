// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Asn1Der
/// @notice A minimal, strict, bounds-checked DER walker over a `bytes memory` buffer, written for the
///         X.509 certificates and CRLs of Intel SGX DCAP (single-byte tags, definite lengths of
///         at most three length bytes).
/// @dev A node is one packed word: tag (bits 192..199), header start (128..191), content start
///      (64..127) and end (0..63, exclusive). The value 0 is the invalid node: every function
///      that cannot produce a node (malformed encoding, out of the parent's bounds, wrong tag)
///      returns 0, and every function given 0 returns 0 again. Parsers therefore walk straight
///      through a structure and test the nodes they use once, instead of reverting half-way;
///      the quote verifier relies on this to report a failed check instead of reverting.
library Asn1Der {
    uint256 internal constant INVALID = 0;

    /// @dev Reads the TLV that starts at `off` and must end at or before `limit`, as DER
    ///      requires (single-byte tag, definite length in its shortest form). Written in assembly: it runs for every node of every certificate a quote carries.
    function readAt(
        bytes memory der,
        uint256 off,
        uint256 limit
    ) internal pure returns (uint256 node) {
        assembly ("memory-safe") {
            // Offsets are memory offsets (< 2^32), so none of the additions below overflow.
            if iszero(or(gt(limit, mload(der)), gt(add(off, 2), limit))) {
                let w := mload(add(add(der, 0x20), off))
                let t := byte(0, w)
                let len := byte(1, w)
                let cstart := add(off, 2)
                let ok := iszero(eq(and(t, 0x1f), 0x1f)) // no multi-byte tags
                if gt(len, 0x7f) {
                    // Long form with 1..3 length bytes (0x80 is the indefinite form, not DER).
                    let n := and(len, 0x7f)
                    ok := and(ok, and(iszero(iszero(n)), lt(n, 4)))
                    ok := and(ok, iszero(gt(add(cstart, n), limit)))
                    len := shr(sub(256, shl(3, n)), shl(16, w))
                    // DER: the shortest form (no leading zero byte, not below 0x80)
                    ok := and(ok, and(iszero(iszero(byte(2, w))), gt(len, 0x7f)))
                    cstart := add(cstart, n)
                }
                let e := add(cstart, len)
                if and(ok, iszero(gt(e, limit))) {
                    node := or(or(shl(192, t), shl(128, off)), or(shl(64, cstart), e))
                }
            }
        }
    }

    /// @dev A minimal non-negative INTEGER/ENUMERATED content of at most 3 bytes and at most
    ///      `max` (the C verifier's mp_der_uint rules).
    function minimalUint(
        bytes memory der,
        uint256 node,
        uint256 max
    ) internal pure returns (bool ok, uint256 v) {
        assembly ("memory-safe") {
            let c := and(shr(64, node), 0xffffffffffffffff)
            let n := sub(and(node, 0xffffffffffffffff), c)
            let w := mload(add(add(der, 0x20), c))
            ok := and(and(gt(n, 0), lt(n, 4)), iszero(and(byte(0, w), 0x80)))
            // a leading zero byte only before a byte with its high bit set
            ok := and(
                ok,
                iszero(and(gt(n, 1), and(iszero(byte(0, w)), iszero(and(byte(1, w), 0x80)))))
            )
            v := shr(sub(256, shl(3, n)), w)
            ok := and(ok, and(iszero(gt(v, max)), iszero(iszero(node))))
        }
    }

    /// @dev The outermost node of `der`, which must span the whole buffer.
    function root(
        bytes memory der
    ) internal pure returns (uint256 node) {
        node = readAt(der, 0, der.length);
        if (end(node) != der.length) return INVALID;
    }

    /// @dev The first child of a constructed node, or INVALID when it is empty.
    function first(
        bytes memory der,
        uint256 parent
    ) internal pure returns (uint256) {
        // INVALID has tag 0, which is not constructed.
        if ((parent >> 192) & 0x20 == 0) return INVALID;
        return readAt(der, (parent >> 64) & 0xffffffffffffffff, parent & 0xffffffffffffffff);
    }

    /// @dev The sibling after `node` inside `parent`, or INVALID after the last one.
    function next(
        bytes memory der,
        uint256 node,
        uint256 parent
    ) internal pure returns (uint256) {
        if (node == INVALID || parent == INVALID) return INVALID;
        return readAt(der, node & 0xffffffffffffffff, parent & 0xffffffffffffffff);
    }

    /// @dev `node` if it carries tag `t`, else INVALID.
    function expect(
        uint256 node,
        uint256 t
    ) internal pure returns (uint256) {
        return tag(node) == t ? node : INVALID;
    }

    /// @dev The tag byte (0 for INVALID, which no structure we read uses).
    function tag(
        uint256 node
    ) internal pure returns (uint256) {
        return (node >> 192) & 0xff;
    }

    /// @dev Offset of the tag byte.
    function start(
        uint256 node
    ) internal pure returns (uint256) {
        return (node >> 128) & 0xffffffffffffffff;
    }

    /// @dev Offset of the first content byte.
    function contentStart(
        uint256 node
    ) internal pure returns (uint256) {
        return (node >> 64) & 0xffffffffffffffff;
    }

    /// @dev Offset just past the last content byte.
    function end(
        uint256 node
    ) internal pure returns (uint256) {
        return node & 0xffffffffffffffff;
    }

    /// @dev Number of content bytes.
    function length(
        uint256 node
    ) internal pure returns (uint256) {
        unchecked {
            return end(node) - contentStart(node);
        }
    }

    /// @dev keccak256 of the whole encoding (tag, length and content) of `node`.
    function hashTlv(
        bytes memory der,
        uint256 node
    ) internal pure returns (bytes32 h) {
        uint256 s = start(node);
        uint256 n = end(node) - s;
        assembly ("memory-safe") {
            h := keccak256(add(add(der, 0x20), s), n)
        }
    }

    /// @dev Whether the content of `node` equals `expected` (at most 32 bytes).
    function contentEquals(
        bytes memory der,
        uint256 node,
        bytes32 expected,
        uint256 expectedLen
    ) internal pure returns (bool same) {
        if (node == INVALID || length(node) != expectedLen) return false;
        uint256 cs = contentStart(node);
        assembly ("memory-safe") {
            let mask := not(shr(mul(expectedLen, 8), not(0)))
            same := eq(and(mload(add(add(der, 0x20), cs)), mask), and(expected, mask))
        }
    }

    /// @dev The first 32 content bytes, left-aligned and zero-padded past the content.
    function word(
        bytes memory der,
        uint256 node
    ) internal pure returns (bytes32 w) {
        uint256 n = length(node);
        if (n > 32) n = 32;
        uint256 cs = contentStart(node);
        assembly ("memory-safe") {
            w := and(mload(add(add(der, 0x20), cs)), not(shr(mul(n, 8), not(0))))
        }
    }

    /// @dev A non-negative INTEGER of at most `maxBytes` significant bytes (leading zero bytes
    ///      stripped). ok is false for a negative, empty or too long value or a wrong tag.
    function uintValue(
        bytes memory der,
        uint256 node,
        uint256 maxBytes
    ) internal pure returns (bool ok, uint256 v) {
        if (tag(node) != 0x02 && tag(node) != 0x0a) return (false, 0);
        uint256 cs = contentStart(node);
        uint256 e = end(node);
        if (cs == e) return (false, 0);
        uint256 b0;
        assembly ("memory-safe") {
            b0 := byte(0, mload(add(add(der, 0x20), cs)))
        }
        if (b0 >= 0x80) return (false, 0);
        while (cs < e && b0 == 0) {
            unchecked {
                ++cs;
            }
            if (cs < e) {
                assembly ("memory-safe") {
                    b0 := byte(0, mload(add(add(der, 0x20), cs)))
                }
            }
        }
        uint256 n = e - cs;
        if (n > maxBytes || n > 32) return (false, 0);
        if (n == 0) return (true, 0);
        assembly ("memory-safe") {
            v := shr(sub(256, mul(n, 8)), mload(add(add(der, 0x20), cs)))
        }
        return (true, v);
    }

    /// @dev The content of a BIT STRING without unused bits: node of the bytes after the
    ///      leading "unused bits" octet, which must be 0. The returned node keeps the tag.
    function bitStringContent(
        bytes memory der,
        uint256 node
    ) internal pure returns (uint256) {
        if (tag(node) != 0x03 || length(node) < 1) return INVALID;
        uint256 cs = contentStart(node);
        uint256 unused;
        assembly ("memory-safe") {
            unused := byte(0, mload(add(add(der, 0x20), cs)))
        }
        if (unused != 0) return INVALID;
        return (node & ~(uint256(0xffffffffffffffff) << 64)) | ((cs + 1) << 64);
    }

    /// @dev Reads the TLV encapsulated in the content of `node` (OCTET STRING or BIT STRING
    ///      content node), which must fill it exactly.
    function inner(
        bytes memory der,
        uint256 node
    ) internal pure returns (uint256 child) {
        if (node == INVALID) return INVALID;
        child = readAt(der, contentStart(node), end(node));
        if (end(child) != end(node)) return INVALID;
    }
}
