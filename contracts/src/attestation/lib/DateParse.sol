// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {DateTimeLib} from "solady/utils/DateTimeLib.sol";
import {Asn1Der} from "./Asn1Der.sol";

/// @title DateParse
/// @notice Converts the date formats of DCAP collateral to Unix seconds: ASN.1 UTCTime and
///         GeneralizedTime of X.509 certificates and CRLs (always UTC, "Z"), and the ISO 8601
///         "YYYY-MM-DDThh:mm:ssZ" strings of Intel's TCB info and QE identity JSON.
/// @dev Returns 0 for anything malformed (no date we accept is the epoch), so callers test one
///      value. Fractional seconds and time zone offsets are rejected, as DER requires.
library DateParse {
    /// @dev Time from an ASN.1 UTCTime (tag 0x17, "YYMMDDhhmmssZ", years 1950..2049) or
    ///      GeneralizedTime (tag 0x18, "YYYYMMDDhhmmssZ") node.
    function fromAsn1(
        bytes memory der,
        uint256 node
    ) internal pure returns (uint256) {
        uint256 t = Asn1Der.tag(node);
        uint256 n = Asn1Der.length(node);
        uint256 p = Asn1Der.contentStart(node);
        uint256 year;
        bool ok;
        if (t == 0x17 && n == 13) {
            (ok, year) = _digits(der, p, 2);
            year += year < 50 ? 2000 : 1900;
            p += 2;
        } else if (t == 0x18 && n == 15) {
            (ok, year) = _digits(der, p, 4);
            p += 4;
        } else {
            return 0;
        }
        if (!ok || _byteAt(der, p + 10) != 0x5a) return 0; // 'Z'
        return _compose(der, year, p, p + 2, p + 4, p + 6, p + 8);
    }

    /// @dev Time from the ISO 8601 string `s[off:off+len]`: "YYYY-MM-DDThh:mm:ssZ", with an
    ///      optional fraction of a second (1..9 digits, ignored) before the Z, as the C
    ///      verifier accepts.
    function fromIso8601(
        bytes memory s,
        uint256 off,
        uint256 len
    ) internal pure returns (uint256) {
        if (len < 20 || len > 30 || off + len > s.length) return 0;
        if (len > 20) {
            // ".d{1,9}Z"
            if (len < 22 || _byteAt(s, off + 19) != 0x2e) return 0;
            (bool fok,) = _digits(s, off + 20, len - 21);
            if (!fok) return 0;
        }
        if (
            _byteAt(s, off + 4) != 0x2d || _byteAt(s, off + 7) != 0x2d
                || _byteAt(s, off + 10) != 0x54 || _byteAt(s, off + 13) != 0x3a
                || _byteAt(s, off + 16) != 0x3a || _byteAt(s, off + len - 1) != 0x5a
        ) return 0;
        (bool ok, uint256 year) = _digits(s, off, 4);
        if (!ok) return 0;
        return _compose(s, year, off + 5, off + 8, off + 11, off + 14, off + 17);
    }

    function _compose(
        bytes memory b,
        uint256 year,
        uint256 pMonth,
        uint256 pDay,
        uint256 pHour,
        uint256 pMin,
        uint256 pSec
    ) private pure returns (uint256) {
        uint256 month = _two(b, pMonth);
        uint256 day = _two(b, pDay);
        uint256 hour = _two(b, pHour);
        uint256 minute = _two(b, pMin);
        uint256 second = _two(b, pSec);
        if (!DateTimeLib.isSupportedDateTime(year, month, day, hour, minute, second)) return 0;
        return DateTimeLib.dateTimeToTimestamp(year, month, day, hour, minute, second);
    }

    /// @dev Two decimal digits at b[off], or 100 (out of every range) if they are not digits.
    function _two(
        bytes memory b,
        uint256 off
    ) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := 100
            if iszero(gt(add(off, 2), mload(b))) {
                let w := mload(add(add(b, 0x20), off))
                let hi := sub(byte(0, w), 0x30)
                let lo := sub(byte(1, w), 0x30)
                if and(lt(hi, 10), lt(lo, 10)) { v := add(mul(hi, 10), lo) }
            }
        }
    }

    function _digits(
        bytes memory b,
        uint256 off,
        uint256 n
    ) private pure returns (bool ok, uint256 v) {
        if (off + n > b.length) return (false, 0);
        for (uint256 i; i < n; ++i) {
            uint256 c = _byteAt(b, off + i);
            if (c < 0x30 || c > 0x39) return (false, 0);
            v = v * 10 + (c - 0x30);
        }
        return (true, v);
    }

    function _byteAt(
        bytes memory b,
        uint256 i
    ) private pure returns (uint256 c) {
        if (i >= b.length) return 0;
        assembly ("memory-safe") {
            c := byte(0, mload(add(add(b, 0x20), i)))
        }
    }
}
