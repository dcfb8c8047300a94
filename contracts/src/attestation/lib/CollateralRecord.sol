// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title CollateralRecord
/// @notice Builds the compact records the collateral store keeps for a TCB info or a QE
///         identity (layout in CollateralJson), from levels read by either JSON reader (the
///         canonical fast path or the general parser), so both produce the same bytes.
library CollateralRecord {
    /// @notice Collateral JSON is malformed; `field` names what is wrong.
    error CollateralMalformed(string field);

    uint256 internal constant TCB_LEVEL = 32;
    uint256 internal constant QE_LEVEL = 8;
    uint256 internal constant MAX_LEVELS = 512;
    uint256 internal constant MAX_ADVISORIES = 32;

    /// @dev What the store needs from a parsed TCB info or QE identity.
    struct Parsed {
        uint256 signedStart; // the signed bytes are json[signedStart:signedEnd]
        uint256 signedEnd;
        bytes32 sigR;
        bytes32 sigS;
        bytes6 fmspc; // TCB info only
        uint32 evaluationDataNumber;
        uint40 issueDate;
        uint40 nextUpdate;
        bytes record;
    }

    /// @dev One level: its ordering key (16 SVNs and pcesvn for a TCB info, isvsvn for a QE
    ///      identity), status number and encoded advisory IDs.
    struct Level {
        uint256 key;
        uint256 status;
        uint256 advCount;
        bytes adv;
    }

    /// @dev header ‖ levels sorted by key descending (equal keys refused) ‖ advisory IDs.
    function build(
        bytes memory header,
        Level[] memory levels,
        bool platform
    ) internal pure returns (bytes memory rec) {
        uint256 n = levels.length;
        if (n == 0 || n > MAX_LEVELS) revert CollateralMalformed("tcbLevels (count)");
        uint256[] memory order = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            order[i] = (levels[i].key << 16) | i;
        }
        _sortDescending(order);
        for (uint256 i = 1; i < n; ++i) {
            if (order[i - 1] >> 16 == order[i] >> 16) {
                revert CollateralMalformed(platform
                        ? "tcbLevels (duplicate level)"
                        : "tcbLevels (duplicate isvsvn)");
            }
        }
        uint256 levelSize = platform ? TCB_LEVEL : QE_LEVEL;
        uint256 advTotal;
        for (uint256 i; i < n; ++i) {
            advTotal += levels[i].adv.length;
        }
        uint256 levelsAt = header.length;
        uint256 advAt = levelsAt + n * levelSize;
        if (advAt + advTotal > 65_535 + 64) revert CollateralMalformed("advisoryIDs (too long)");
        rec = new bytes(advAt + advTotal + 32);
        assembly ("memory-safe") {
            mcopy(add(rec, 0x20), add(header, 0x20), mload(header))
        }
        uint256 advOffset = advAt;
        for (uint256 i; i < n; ++i) {
            advOffset =
                _put(rec, levelsAt + i * levelSize, levels[order[i] & 0xffff], advOffset, platform);
        }
        assembly ("memory-safe") {
            mstore(rec, advOffset)
        }
    }

    /// @dev Writes level `lv` at `off` of `rec` and its advisory IDs at `advOffset`; returns
    ///      the offset after them.
    function _put(
        bytes memory rec,
        uint256 off,
        Level memory lv,
        uint256 advOffset,
        bool platform
    ) private pure returns (uint256) {
        if (advOffset > 65_535) revert CollateralMalformed("advisoryIDs (too long)");
        uint256 word = platform
            ? (lv.key << 112) | (lv.status << 104) | (lv.advCount << 96) | (advOffset << 80)
            : (lv.key << 240) | (lv.status << 232) | (lv.advCount << 224) | (advOffset << 208);
        bytes memory adv = lv.adv;
        assembly ("memory-safe") {
            // keep the bytes after the level (a short QE level word spans into them)
            let q := add(add(rec, 0x20), off)
            let keep := 0
            if iszero(platform) { keep := shr(64, not(0)) }
            mstore(q, or(word, and(mload(q), keep)))
            mcopy(add(add(rec, 0x20), advOffset), add(adv, 0x20), mload(adv))
        }
        return advOffset + adv.length;
    }

    /// @dev Appends the advisory ID s[start:start+len] to buf at o, encoded: "INTEL-SA-" and
    ///      five digits as three bytes (0x80 | n >> 16, n & 0xffff), anything else as a length
    ///      byte and the text. ok is false unless the ID has 1..63 printable ASCII characters
    ///      other than '"' and '\'. buf must have room for 64 more bytes.
    function appendAdvisory(
        bytes memory buf,
        uint256 o,
        bytes memory s,
        uint256 start,
        uint256 len
    ) internal pure returns (bool ok, uint256 next) {
        assembly ("memory-safe") {
            let src := add(add(s, 0x20), start)
            ok := and(gt(len, 0), lt(len, 64))
            for { let i := 0 } and(ok, lt(i, len)) { i := add(i, 1) } {
                let ch := byte(0, mload(add(src, i)))
                ok := and(
                    and(gt(ch, 0x20), lt(ch, 0x7f)),
                    and(iszero(eq(ch, 0x22)), iszero(eq(ch, 0x5c)))
                )
            }
            let dst := add(add(buf, 0x20), o)
            let w := mload(src)
            let num := 0
            let intel := and(eq(len, 14), eq(shr(184, w), 0x494e54454c2d53412d)) // "INTEL-SA-"
            for { let i := 9 } and(intel, lt(i, 14)) { i := add(i, 1) } {
                let dg := sub(byte(i, w), 0x30)
                intel := lt(dg, 10)
                num := add(mul(num, 10), dg)
            }
            switch intel
            case 1 {
                mstore8(dst, or(0x80, shr(16, num)))
                mstore8(add(dst, 1), shr(8, num))
                mstore8(add(dst, 2), num)
                next := add(o, 3)
            }
            default {
                mstore8(dst, len)
                mcopy(add(dst, 1), src, len)
                next := add(o, add(len, 1))
            }
        }
    }

    /// @dev TcbStatus number of the raw JSON string `quoted` (with its quotes), from its
    ///      keccak256. QE identity levels (platform false) may only be UpToDate, OutOfDate or
    ///      Revoked. ok false for anything else.
    function statusOf(
        bytes32 quotedHash,
        bool platform
    ) internal pure returns (bool ok, uint256 status) {
        if (quotedHash == keccak256('"UpToDate"')) return (true, 0);
        if (quotedHash == keccak256('"OutOfDate"')) return (true, 4);
        if (quotedHash == keccak256('"Revoked"')) return (true, 6);
        if (!platform) return (false, 0);
        if (quotedHash == keccak256('"SWHardeningNeeded"')) return (true, 1);
        if (quotedHash == keccak256('"ConfigurationAndSWHardeningNeeded"')) return (true, 2);
        if (quotedHash == keccak256('"ConfigurationNeeded"')) return (true, 3);
        if (quotedHash == keccak256('"OutOfDateConfigurationNeeded"')) return (true, 5);
        return (false, 0);
    }

    function _sortDescending(
        uint256[] memory a
    ) private pure {
        for (uint256 i = 1; i < a.length; ++i) {
            uint256 v = a[i];
            uint256 j = i;
            while (j > 0 && a[j - 1] < v) {
                a[j] = a[j - 1];
                --j;
            }
            a[j] = v;
        }
    }
}
