// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title BitmapUtils
/// @notice Quorum sets as bitmaps (bit q set = quorum q) and as strictly ascending byte strings
///         (one byte per quorum number), the two forms EigenLayer's registry ABI uses.
library BitmapUtils {
    /// @notice A quorum byte string was longer than 256 entries.
    error BytesArrayTooLong();
    /// @notice Quorum numbers were not strictly ascending (duplicate or out of order).
    error BytesArrayNotOrdered();
    /// @notice A quorum number was not below the given upper bound (the quorum count).
    error BitmapValueTooLarge();

    /// @notice The bitmap of a strictly ascending list of quorum numbers, each below `bitUpperBound`.
    /// @dev Reverts on duplicates, wrong order or a number >= bitUpperBound.
    function orderedBytesArrayToBitmap(
        bytes memory orderedBytesArray,
        uint8 bitUpperBound
    ) internal pure returns (uint256 bitmap) {
        uint256 n = orderedBytesArray.length;
        if (n == 0) return 0;
        if (n > 256) revert BytesArrayTooLong();
        uint256 prev;
        for (uint256 i = 0; i < n; i++) {
            uint256 q = uint8(orderedBytesArray[i]);
            if (q >= bitUpperBound) revert BitmapValueTooLarge();
            if (i != 0 && q <= prev) revert BytesArrayNotOrdered();
            bitmap |= 1 << q;
            prev = q;
        }
    }

    /// @notice The ascending list of set bits of `bitmap` as a byte string.
    function bitmapToBytesArray(
        uint256 bitmap
    ) internal pure returns (bytes memory out) {
        out = new bytes(countNumOnes(bitmap));
        uint256 j;
        for (uint256 i = 0; bitmap >> i != 0; i++) {
            if ((bitmap >> i) & 1 == 1) out[j++] = bytes1(uint8(i));
        }
    }

    /// @notice Number of set bits (Kernighan's loop: one iteration per set bit).
    function countNumOnes(
        uint256 n
    ) internal pure returns (uint16 count) {
        while (n != 0) {
            n &= n - 1;
            count++;
        }
    }

    /// @notice Whether bit `q` of `bitmap` is set.
    function isSet(
        uint256 bitmap,
        uint8 q
    ) internal pure returns (bool) {
        return (bitmap >> q) & 1 == 1;
    }

    /// @notice `bitmap` with bit `q` set.
    function setBit(
        uint256 bitmap,
        uint8 q
    ) internal pure returns (uint256) {
        return bitmap | (1 << q);
    }

    /// @notice Whether the two bitmaps share no set bit.
    function noBitsInCommon(
        uint256 a,
        uint256 b
    ) internal pure returns (bool) {
        return a & b == 0;
    }

    /// @notice Whether every bit set in `a` is set in `b`.
    function isSubsetOf(
        uint256 a,
        uint256 b
    ) internal pure returns (bool) {
        return a & b == a;
    }

    /// @notice Union of two bitmaps.
    function plus(
        uint256 a,
        uint256 b
    ) internal pure returns (uint256) {
        return a | b;
    }

    /// @notice The bits of `a` that are not in `b`.
    function minus(
        uint256 a,
        uint256 b
    ) internal pure returns (uint256) {
        return a & ~b;
    }
}
