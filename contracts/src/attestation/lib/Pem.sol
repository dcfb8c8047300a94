// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Base64} from "solady/utils/Base64.sol";

/// @title Pem
/// @notice The PEM certificate chain of a DCAP quote (certification data type 5): splitting it
///         into certificate bodies in calldata, strict base64 decoding of a body, and the
///         canonical body of a DER certificate, whose hash lets the verifier recognise an
///         already verified CA certificate without decoding it.
/// @dev The format is the strict one of check 20 (`pck.chain`, docs/dcap.md of the dcap branch):
///      exactly three blocks `-----BEGIN CERTIFICATE-----\n` + base64 lines of 64 characters
///      (the last 1..64) each ending in `\n` + `-----END CERTIFICATE-----\n`, optionally one
///      trailing NUL; canonical base64 (`=` only as final padding, unused bits zero). Under this
///      format a certificate has exactly one PEM form, so hashing the body is as good as hashing
///      the DER. A "body" is the bytes from the `\n` that ends the BEGIN line up to (excluding)
///      the END line. Offsets are absolute calldata offsets.
library Pem {
    bytes32 private constant BEGIN = "-----BEGIN CERTIFICATE-----\n";
    uint256 private constant BEGIN_LEN = 28;
    bytes32 private constant END = "-----END CERTIFICATE-----\n";
    uint256 private constant END_LEN = 26;

    /// @dev Base64 alphabet value of each byte (0xff = not in the alphabet), bytes 32..127.
    uint256 private constant T1 =
        0xffffffffffffffffffffff3effffff3f3435363738393a3b3c3dffffffffffff;
    uint256 private constant T2 =
        0xff000102030405060708090a0b0c0d0e0f10111213141516171819ffffffffff;
    uint256 private constant T3 =
        0xff1a1b1c1d1e1f202122232425262728292a2b2c2d2e2f30313233ffffffffff;

    /// @dev Splits the chain in calldata `[off, off+len)` into its three certificate bodies
    ///      (leaf, intermediate, root); ok is false unless the framing is exactly as above.
    function splitChain(
        uint256 off,
        uint256 len
    ) internal pure returns (bool ok, uint256[3] memory starts, uint256[3] memory ends) {
        uint256 p = off;
        uint256 e = off + len;
        for (uint256 i; i < 3; ++i) {
            if (p + BEGIN_LEN > e || !_matches(p, BEGIN, BEGIN_LEN)) return (false, starts, ends);
            starts[i] = p + BEGIN_LEN - 1; // the body starts with the BEGIN line's LF
            uint256 dash = _findDash(_skipLines(p + BEGIN_LEN, e), e);
            if (dash + END_LEN > e || !_matches(dash, END, END_LEN)) return (false, starts, ends);
            ends[i] = dash;
            p = dash + END_LEN;
        }
        ok = p == e || (p + 1 == e && _byteAt(p) == 0);
    }

    /// @dev Decodes the body in calldata `[s, e)`: LF, 64-character lines ending in LF, a last
    ///      line of 1..64 characters ending in LF. ok is false for any deviation.
    function decodeBody(
        uint256 s,
        uint256 e
    ) internal pure returns (bool ok, bytes memory out) {
        assembly ("memory-safe") {
            // Decodes 32 base64 characters at once (SIMD within a register) into 24 bytes,
            // left-aligned; ok_ is 0 if any character is outside the alphabet.
            function swar32(w) -> r, ok_ {
                let h := 0x8080808080808080808080808080808080808080808080808080808080808080
                let x := or(w, h)
                // Per byte: bit 7 of (x | 0x80) - k is set iff the byte is >= k (no borrows);
                // bit 7 of (y | 0x80) - 1 is clear iff y == 0.
                let upper :=
                    and(
                        sub(x, 0x4141414141414141414141414141414141414141414141414141414141414141),
                        not(
                            sub(
                                x,
                                0x5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b
                            )
                        )
                    )
                let lower :=
                    and(
                        sub(x, 0x6161616161616161616161616161616161616161616161616161616161616161),
                        not(
                            sub(
                                x,
                                0x7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b
                            )
                        )
                    )
                let digit :=
                    and(
                        sub(x, 0x3030303030303030303030303030303030303030303030303030303030303030),
                        not(
                            sub(
                                x,
                                0x3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a
                            )
                        )
                    )
                let ones := 0x0101010101010101010101010101010101010101010101010101010101010101
                let plus :=
                    not(
                        sub(
                            or(
                                xor(
                                    w,
                                    0x2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b
                                ),
                                h
                            ),
                            ones
                        )
                    )
                let slash :=
                    not(
                        sub(
                            or(
                                xor(
                                    w,
                                    0x2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f
                                ),
                                h
                            ),
                            ones
                        )
                    )
                let subM := and(or(upper, lower), h)
                let addM := and(or(digit, or(plus, slash)), h)
                ok_ := and(iszero(and(w, h)), eq(or(subM, addM), h))
                // Byte masks (0xff per byte of the class), then value = char - 65 / - 71 for
                // letters, + 4 for digits, 62 for '+', 63 for '/'.
                subM := mul(shr(7, subM), 0xff)
                addM := mul(shr(7, addM), 0xff)
                upper := mul(shr(7, and(upper, h)), 0xff)
                digit := mul(shr(7, and(digit, h)), 0xff)
                plus := mul(shr(7, and(plus, h)), 0xff)
                let subOff :=
                    or(
                        and(
                            upper,
                            0x4141414141414141414141414141414141414141414141414141414141414141
                        ),
                        and(
                            xor(subM, upper),
                            0x4747474747474747474747474747474747474747474747474747474747474747
                        )
                    )
                // '+' -> 62 (+19), '/' -> 63 (+16), digits +4.
                let addOff :=
                    or(
                        and(
                            digit,
                            0x0404040404040404040404040404040404040404040404040404040404040404
                        ),
                        or(
                            and(
                                plus,
                                0x1313131313131313131313131313131313131313131313131313131313131313
                            ),
                            and(
                                xor(addM, or(digit, plus)),
                                0x1010101010101010101010101010101010101010101010101010101010101010
                            )
                        )
                    )
                let v := or(sub(and(w, subM), subOff), add(and(w, addM), addOff))
                // Pack: 2 x 6 bits -> 12 in 16-bit lanes, -> 24 in 32-bit lanes, -> 48, 96, 192.
                v := or(
                    shl(
                        6,
                        and(
                            shr(8, v),
                            0x00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff
                        )
                    ),
                    and(v, 0x00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff)
                )
                v := or(
                    shl(
                        12,
                        and(
                            shr(16, v),
                            0x0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff
                        )
                    ),
                    and(v, 0x0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff)
                )
                v := or(
                    shl(
                        24,
                        and(
                            shr(32, v),
                            0x00000000ffffffff00000000ffffffff00000000ffffffff00000000ffffffff
                        )
                    ),
                    and(v, 0x00000000ffffffff00000000ffffffff00000000ffffffff00000000ffffffff)
                )
                v := or(
                    shl(
                        48,
                        and(
                            shr(64, v),
                            0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff
                        )
                    ),
                    and(v, 0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff)
                )
                r := shl(64, or(shl(96, shr(128, v)), and(v, 0xffffffffffffffffffffffffffffffff)))
            }

            let t := mload(0x40)
            mstore(t, not(0))
            mstore(add(t, 0x20), T1)
            mstore(add(t, 0x40), T2)
            mstore(add(t, 0x60), T3)
            mstore(add(t, 0x80), not(0))
            mstore(add(t, 0xa0), not(0))
            mstore(add(t, 0xc0), not(0))
            mstore(add(t, 0xe0), not(0))
            out := add(t, 0x120)
            let o := add(out, 0x20)
            let p := add(s, 1)
            // At least LF, one quantum, LF.
            ok := and(iszero(lt(e, add(s, 6))), eq(byte(0, calldataload(s)), 10))
            // Full lines: 64 characters, LF, and more after them; 32 characters at a time.
            for {} and(ok, gt(sub(e, p), 65)) { p := add(p, 65) } {
                if iszero(eq(byte(0, calldataload(add(p, 64))), 10)) {
                    ok := 0
                    break
                }
                let v1, ok1 := swar32(calldataload(p))
                let v2, ok2 := swar32(calldataload(add(p, 32)))
                if iszero(and(ok1, ok2)) {
                    ok := 0
                    break
                }
                mstore(o, v1)
                mstore(add(o, 24), v2)
                o := add(o, 48)
            }
            // Last line: m characters (1..64, whole quanta), then the final LF.
            let m := sub(sub(e, p), 1)
            if iszero(
                and(
                    iszero(and(m, 3)),
                    and(iszero(gt(m, 64)), eq(byte(0, calldataload(sub(e, 1))), 10))
                )
            ) {
                ok := 0
            }
            for { let q := 0 } and(ok, lt(q, m)) { q := add(q, 4) } {
                let w := calldataload(add(p, q))
                let v0 := byte(0, mload(add(t, byte(0, w))))
                let v1 := byte(0, mload(add(t, byte(1, w))))
                let c2 := byte(2, w)
                let c3 := byte(3, w)
                if and(eq(add(q, 4), m), eq(c3, 61)) {
                    switch c2
                    case 61 {
                        // "xx==": one byte; the low 4 bits of the second character must be 0.
                        if or(gt(or(v0, v1), 63), and(v1, 0x0f)) { ok := 0 }
                        mstore8(o, or(shl(2, v0), shr(4, v1)))
                        o := add(o, 1)
                    }
                    default {
                        // "xxx=": two bytes; the low 2 bits of the third character must be 0.
                        let v2 := byte(0, mload(add(t, c2)))
                        if or(gt(or(or(v0, v1), v2), 63), and(v2, 0x03)) { ok := 0 }
                        mstore(o, shl(240, or(or(shl(10, v0), shl(4, v1)), shr(2, v2))))
                        o := add(o, 2)
                    }
                    break
                }
                let v2 := byte(0, mload(add(t, c2)))
                let v3 := byte(0, mload(add(t, c3)))
                if gt(or(or(v0, v1), or(v2, v3)), 63) {
                    ok := 0
                    break
                }
                mstore(o, shl(232, or(or(shl(18, v0), shl(12, v1)), or(shl(6, v2), v3))))
                o := add(o, 3)
            }
            mstore(out, sub(o, add(out, 0x20)))
            mstore(0x40, and(add(o, 0x3f), not(0x1f)))
        }
    }

    /// @dev The canonical body of `der`: LF, then the base64 text in lines of 64 characters,
    ///      each ending with LF (what Intel's quoting library and OpenSSL emit).
    function canonicalBody(
        bytes memory der
    ) internal pure returns (bytes memory body) {
        bytes memory b64 = bytes(Base64.encode(der));
        uint256 n = b64.length;
        uint256 lines = (n + 63) / 64;
        body = new bytes(1 + n + lines);
        body[0] = 0x0a;
        uint256 o = 1;
        for (uint256 i; i < n; i += 64) {
            uint256 m = n - i < 64 ? n - i : 64;
            for (uint256 j; j < m; ++j) {
                body[o++] = b64[i + j];
            }
            body[o++] = 0x0a;
        }
    }

    /// @dev keccak256 of the calldata range `[s, e)`.
    function hashCalldata(
        uint256 s,
        uint256 e
    ) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            calldatacopy(m, s, sub(e, s))
            h := keccak256(m, sub(e, s))
        }
    }

    function _byteAt(
        uint256 p
    ) private pure returns (uint256 c) {
        assembly ("memory-safe") {
            c := byte(0, calldataload(p))
        }
    }

    function _matches(
        uint256 p,
        bytes32 expected,
        uint256 len
    ) private pure returns (bool same) {
        assembly ("memory-safe") {
            let mask := not(shr(mul(len, 8), not(0)))
            same := eq(and(calldataload(p), mask), expected)
        }
    }

    /// @dev Skips whole 64-character lines from `p` (a line start) while another line follows:
    ///      where the first '-' is in a well-formed body, without scanning every byte. On a
    ///      malformed body it may skip a '-'; the body then contains one and fails to decode.
    function _skipLines(
        uint256 p,
        uint256 e
    ) private pure returns (uint256 q) {
        assembly ("memory-safe") {
            q := p
            for {} lt(add(q, 65), e) { q := add(q, 65) } {
                // byte 64 is LF and byte 65 starts another line (not the END line's '-')
                if iszero(
                    and(
                        eq(byte(0, calldataload(add(q, 64))), 10),
                        iszero(eq(byte(0, calldataload(add(q, 65))), 0x2d))
                    )
                ) {
                    break
                }
            }
        }
    }

    /// @dev Offset of the first '-' at or after `p` (word-wise scan), or `e` if there is none
    ///      before `e`. Base64 bodies never contain '-', so this finds the END line.
    function _findDash(
        uint256 p,
        uint256 e
    ) private pure returns (uint256 q) {
        assembly ("memory-safe") {
            let ones := 0x0101010101010101010101010101010101010101010101010101010101010101
            let highs := shl(7, ones)
            let dashes := mul(0x2d, ones)
            q := e
            for { let w := p } lt(w, e) { w := add(w, 32) } {
                let x := xor(calldataload(w), dashes)
                // Non-zero iff some byte of x is zero, i.e. some byte of the word is '-'.
                if and(and(sub(x, ones), not(x)), highs) {
                    let found := 0
                    for { let i := 0 } lt(i, 32) { i := add(i, 1) } {
                        if iszero(byte(i, x)) {
                            found := 1
                            q := add(w, i)
                            break
                        }
                    }
                    if found { break }
                }
            }
            if gt(q, e) { q := e }
        }
    }
}
