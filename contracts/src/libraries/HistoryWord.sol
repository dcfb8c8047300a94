// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title HistoryWord
/// @notice Reads one element of a storage array whose elements fit one slot, without reading
///         the array's length: the raw word is zero past the end. Every history entry of the
///         registries carries a nonzero block number (no transaction runs in block 0), so a
///         zero word means "no such entry". Saves one cold SLOAD (2,100 gas) per lookup on the
///         signature-checking path.
library HistoryWord {
    /// @notice The raw storage word of element `index` of the array whose length is at `arraySlot`.
    /// @param arraySlot The array's slot (`arr.slot`).
    /// @param index The element index.
    function read(
        uint256 arraySlot,
        uint256 index
    ) internal view returns (uint256 word) {
        assembly ("memory-safe") {
            mstore(0x00, arraySlot)
            word := sload(add(keccak256(0x00, 0x20), index))
        }
    }
}
