// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title JsonLite
/// @notice A strict, single-pass JSON parser for Intel's collateral documents: it validates
///         the whole text (RFC 8259 grammar, ASCII only), refuses duplicate keys in any
///         object, and produces a flat array of nodes that point into the text, so values are
///         read in place and the exact bytes of any value (a signed span) are known.
/// @dev Written for gas (a 20 KB TCB info must parse well within a block): one assembly pass,
///      no string copies. Each node is one word:
///        bits   0..31  end offset (exclusive) of the value
///        bits  32..63  start offset of the value
///        bits  64..95  start offset of the member name (after its opening quote), 0 if none
///        bits  96..111 length of the member name (raw, escapes not decoded)
///        bits 112..135 index of the next sibling (0: none)
///        bits 136..159 index of the first child (0: none)
///        bits 160..183 number of children
///        bits 184..191 type (OBJECT, ARRAY, STRING, NUMBER, LITERAL)
///      Offsets index the text; node 0 is the root, which is never a child or sibling, so 0
///      also means "none". Member names are compared as raw bytes: an escaped duplicate name
///      ("a" and "\u0061") is not detected, and lookups do not decode escapes (Intel's
///      collateral has none).
library JsonLite {
    uint256 internal constant OBJECT = 1;
    uint256 internal constant ARRAY = 2;
    uint256 internal constant STRING = 3;
    uint256 internal constant NUMBER = 4;
    uint256 internal constant LITERAL = 5;

    uint256 private constant MAX_DEPTH = 64;

    /// @dev Parses `s`. ok is false for anything that is not exactly one valid JSON value
    ///      (surrounded by optional whitespace), for non-ASCII bytes, for nesting deeper than
    ///      64, and for an object with the same member name twice.
    function parse(
        bytes memory s
    ) internal pure returns (bool ok, uint256[] memory nodes) {
        assembly ("memory-safe") {
            // Past the closing quote of the string whose opening quote is at p; 0 on error.
            function scanString(d, p, n) -> q {
                for { let i := add(p, 1) } lt(i, n) { i := add(i, 1) } {
                    let c := byte(0, mload(add(d, i)))
                    if eq(c, 0x22) {
                        q := add(i, 1)
                        leave
                    }
                    if or(lt(c, 0x20), gt(c, 0x7e)) { leave } // control or non-ASCII
                    if eq(c, 0x5c) {
                        i := add(i, 1)
                        if iszero(lt(i, n)) { leave }
                        let x := byte(0, mload(add(d, i)))
                        // one of " \ / b f n r t, or u and four hex digits
                        if iszero(and(shr(x, 0x144044100000000000800400000000), 1)) {
                            if iszero(eq(x, 0x75)) { leave }
                            if gt(add(i, 5), n) { leave }
                            for { let k := 1 } lt(k, 5) { k := add(k, 1) } {
                                let y := or(byte(0, mload(add(d, add(i, k)))), 0x20)
                                if iszero(
                                    or(and(gt(y, 0x2f), lt(y, 0x3a)), and(gt(y, 0x60), lt(y, 0x67)))
                                ) {
                                    leave
                                }
                            }
                            i := add(i, 4)
                        }
                    }
                }
            }
            // Past the digits from q (at least one unless `optional`); 0 on error.
            function digits(d, q, n, optional) -> r {
                r := q
                for {} lt(r, n) { r := add(r, 1) } {
                    let c := byte(0, mload(add(d, r)))
                    if or(lt(c, 0x30), gt(c, 0x39)) { break }
                }
                if and(eq(r, q), iszero(optional)) { r := 0 }
            }
            // Past the number at p (RFC 8259 grammar); 0 on error.
            function scanNumber(d, p, n) -> q {
                q := p
                if eq(byte(0, mload(add(d, q))), 0x2d) { q := add(q, 1) }
                if iszero(lt(q, n)) {
                    q := 0
                    leave
                }
                switch byte(0, mload(add(d, q)))
                case 0x30 { q := add(q, 1) }
                default {
                    let s0 := q
                    for {} lt(q, n) { q := add(q, 1) } {
                        if gt(sub(byte(0, mload(add(d, q))), 0x30), 9) { break }
                    }
                    if eq(q, s0) {
                        q := 0
                        leave
                    }
                }
                if lt(q, n) {
                    let c := byte(0, mload(add(d, q)))
                    if eq(c, 0x2e) {
                        q := digits(d, add(q, 1), n, 0)
                        if iszero(q) { leave }
                        c := byte(0, mload(add(d, q)))
                        if iszero(lt(q, n)) { c := 0 }
                    }
                    if eq(or(c, 0x20), 0x65) {
                        q := add(q, 1)
                        let x := byte(0, mload(add(d, q)))
                        if and(lt(q, n), or(eq(x, 0x2b), eq(x, 0x2d))) { q := add(q, 1) }
                        q := digits(d, q, n, 0)
                    }
                }
            }
            // Past the literal true/false/null at p; 0 on error.
            function scanLiteral(d, p, n) -> q {
                let w := mload(add(d, p))
                if iszero(gt(add(p, 4), n)) {
                    if or(eq(shr(224, w), 0x74727565), eq(shr(224, w), 0x6e756c6c)) {
                        q := add(p, 4)
                    }
                }
                if iszero(gt(add(p, 5), n)) {
                    if eq(shr(216, w), 0x66616c7365) { q := add(p, 5) }
                }
            }
            // Links node idx as the last child of the container whose frame is at frameSlot.
            function link(base, frameSlot, idx) {
                let f := mload(frameSlot)
                let pslot := add(base, shl(5, and(f, 0xffffffff)))
                let last := shr(32, f)
                switch last
                case 0 { mstore(pslot, or(mload(pslot), shl(136, idx))) }
                default {
                    let lslot := add(base, shl(5, last))
                    mstore(lslot, or(mload(lslot), shl(112, idx)))
                }
                mstore(pslot, add(mload(pslot), shl(160, 1)))
                mstore(frameSlot, or(and(f, 0xffffffff), shl(32, idx)))
            }
            // A member name and its ':' at p (whitespace after ':' skipped) for the object
            // whose node word is pn; stores the name word at st. Returns the value offset, or 0
            // on error or when the name repeats an earlier member's.
            function memberName(d, n, st, pn, p) -> q {
                if iszero(and(lt(p, n), eq(byte(0, mload(add(d, p))), 0x22))) { leave }
                let kq := scanString(d, p, n)
                if iszero(kq) { leave }
                let kl := sub(sub(kq, p), 2)
                let kh := keccak256(add(d, add(p, 1)), kl)
                for { let m := and(shr(136, pn), 0xffffff) } m {} {
                    let mn := mload(add(add(st, 0x860), shl(5, m)))
                    if eq(and(shr(96, mn), 0xffff), kl) {
                        if eq(keccak256(add(d, and(shr(64, mn), 0xffffffff)), kl), kh) { leave }
                    }
                    m := and(shr(112, mn), 0xffffff)
                }
                mstore(st, or(shl(64, add(p, 1)), shl(96, kl)))
                q := skipWs(d, kq, n)
                if iszero(and(lt(q, n), eq(byte(0, mload(add(d, q))), 0x3a))) {
                    q := 0
                    leave
                }
                q := skipWs(d, add(q, 1), n)
            }
            // Parser memory at st: +0x00 name word of the next member value, +0x20 node count,
            // +0x40 depth, +0x40 + 32 * k the frame of the k-th open container (k = 1..64:
            // its node index | last child << 32), +0x860 the nodes.
            function skipWs(d, p, n) -> q {
                // ' ' '\t' '\n' '\r'
                for { q := p } lt(q, n) { q := add(q, 1) } {
                    if iszero(and(shr(byte(0, mload(add(d, q))), 0x100002600), 1)) { break }
                }
            }
            // Appends node (type t, value [p, e)), links it under the open container, and
            // opens it if it is a container. false when nesting gets too deep.
            function addNode(st, t, p, e) -> good {
                let count := mload(add(st, 0x20))
                let base := add(st, 0x860)
                mstore(add(base, shl(5, count)), or(or(shl(184, t), shl(32, p)), or(mload(st), e)))
                mstore(st, 0)
                mstore(add(st, 0x20), add(count, 1))
                let depth := mload(add(st, 0x40))
                if depth { link(base, add(st, add(0x40, shl(5, depth))), count) }
                good := 1
                if lt(t, 3) {
                    if eq(depth, MAX_DEPTH) {
                        good := 0
                        leave
                    }
                    depth := add(depth, 1)
                    mstore(add(st, 0x40), depth)
                    mstore(add(st, add(0x40, shl(5, depth))), count)
                }
            }
            function run(d, n, st) -> ok_ {
                let p := 0
                let after := 0
                for {} 1 {} {
                    for {} lt(p, n) { p := add(p, 1) } {
                        if iszero(and(shr(byte(0, mload(add(d, p))), 0x100002600), 1)) { break }
                    }
                    if iszero(lt(p, n)) {
                        // the end: fine once the root value is complete
                        ok_ := and(after, iszero(mload(add(st, 0x40))))
                        leave
                    }
                    let c := byte(0, mload(add(d, p)))
                    switch after
                    case 0 {
                        let t := 4
                        let e := 0
                        switch c
                        case 0x22 {
                            t := 3
                            e := scanString(d, p, n)
                        }
                        case 0x7b { t := 1 }
                        case 0x5b { t := 2 }
                        default {
                            switch or(eq(c, 0x2d), lt(sub(c, 0x30), 10))
                            case 1 { e := scanNumber(d, p, n) }
                            default {
                                t := 5
                                e := scanLiteral(d, p, n)
                            }
                        }
                        if and(gt(t, 2), iszero(e)) { leave }
                        if iszero(addNode(st, t, p, e)) { leave }
                        switch lt(t, 3)
                        case 1 {
                            p := skipWs(d, add(p, 1), n)
                            // '{' + 2 = '}', '[' + 2 = ']': an empty container closes at once
                            switch and(lt(p, n), eq(byte(0, mload(add(d, p))), add(c, 2)))
                            case 1 { after := 1 }
                            default {
                                if eq(t, 1) {
                                    p := memberName(
                                        d,
                                        n,
                                        st,
                                        mload(
                                            add(
                                                add(st, 0x860),
                                                shl(5, sub(mload(add(st, 0x20)), 1))
                                            )
                                        ),
                                        p
                                    )
                                    if iszero(p) { leave }
                                }
                            }
                        }
                        default {
                            p := e
                            after := 1
                        }
                    }
                    default {
                        // after a value: ',' or the open container's closer
                        let depth := mload(add(st, 0x40))
                        if iszero(depth) { leave } // text after the root value
                        let pslot :=
                            add(
                                add(st, 0x860),
                                shl(5, and(mload(add(st, add(0x40, shl(5, depth)))), 0xffffffff))
                            )
                        let pn := mload(pslot)
                        switch c
                        case 0x2c {
                            p := add(p, 1)
                            after := 0
                            if eq(shr(184, pn), 1) {
                                p := memberName(d, n, st, pn, skipWs(d, p, n))
                                if iszero(p) { leave }
                            }
                        }
                        default {
                            // ']' closes an array, '}' an object
                            if iszero(eq(c, add(0x5d, shl(5, eq(shr(184, pn), 1))))) { leave }
                            mstore(pslot, or(and(pn, not(0xffffffff)), add(p, 1)))
                            mstore(add(st, 0x40), sub(depth, 1))
                            p := add(p, 1)
                        }
                    }
                }
            }

            let st := mload(0x40)
            mstore(st, 0)
            mstore(add(st, 0x20), 0)
            mstore(add(st, 0x40), 0)
            ok := run(add(s, 0x20), mload(s), st)
            nodes := add(st, 0x840)
            let count := mload(add(st, 0x20))
            if iszero(ok) { count := 0 }
            mstore(nodes, count)
            mstore(0x40, add(add(nodes, 0x20), shl(5, count)))
        }
    }

    /// @dev The type of node `i`.
    function typeOf(
        uint256[] memory nodes,
        uint256 i
    ) internal pure returns (uint256) {
        return nodes[i] >> 184;
    }

    /// @dev Start and end offsets of the value of node `i` (strings include their quotes).
    function span(
        uint256[] memory nodes,
        uint256 i
    ) internal pure returns (uint256 start, uint256 end) {
        uint256 w = nodes[i];
        return ((w >> 32) & 0xffffffff, w & 0xffffffff);
    }

    /// @dev Number of children of node `i`.
    function size(
        uint256[] memory nodes,
        uint256 i
    ) internal pure returns (uint256) {
        return (nodes[i] >> 160) & 0xffffff;
    }

    /// @dev First child of node `i` (0: none).
    function firstChild(
        uint256[] memory nodes,
        uint256 i
    ) internal pure returns (uint256) {
        return (nodes[i] >> 136) & 0xffffff;
    }

    /// @dev Next sibling of node `i` (0: none).
    function nextSibling(
        uint256[] memory nodes,
        uint256 i
    ) internal pure returns (uint256) {
        return (nodes[i] >> 112) & 0xffffff;
    }

    /// @dev The member `key` (raw name, at most 32 bytes) of object node `obj`; 0 if `obj` is
    ///      not an object or has no such member.
    function get(
        bytes memory s,
        uint256[] memory nodes,
        uint256 obj,
        bytes32 key,
        uint256 keyLen
    ) internal pure returns (uint256 member) {
        if (obj >= nodes.length || typeOf(nodes, obj) != OBJECT) return 0;
        assembly ("memory-safe") {
            let base := add(nodes, 0x20)
            let d := add(s, 0x20)
            let mask := not(shr(shl(3, keyLen), not(0)))
            for { let m := and(shr(136, mload(add(base, shl(5, obj)))), 0xffffff) } m {} {
                let w := mload(add(base, shl(5, m)))
                if eq(and(shr(96, w), 0xffff), keyLen) {
                    if eq(and(mload(add(d, and(shr(64, w), 0xffffffff))), mask), key) {
                        member := m
                        break
                    }
                }
                m := and(shr(112, w), 0xffffff)
            }
        }
    }

    /// @dev Whether string node `i` is exactly the JSON string `"expected"` (raw bytes of at
    ///      most 32).
    function stringIs(
        bytes memory s,
        uint256[] memory nodes,
        uint256 i,
        bytes32 expected,
        uint256 len
    ) internal pure returns (bool same) {
        if (i == 0 || typeOf(nodes, i) != STRING) return false;
        (uint256 a, uint256 b) = span(nodes, i);
        if (b - a != len + 2) return false;
        assembly ("memory-safe") {
            let mask := not(shr(shl(3, len), not(0)))
            same := eq(and(mload(add(add(s, 0x21), a)), mask), expected)
        }
    }
}
