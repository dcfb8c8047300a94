// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title P256Sha
/// @notice SHA-256 (precompile 0x02) over memory and calldata ranges, and ECDSA P-256
///         verification through the P256VERIFY precompile of EIP-7951 (0x100).
/// @dev P256VERIFY returns the 32-byte word 1 for a valid signature and empty output for
///      anything else (bad signature, r or s out of range, key not on the curve); it never
///      reverts. A signature is valid only if the call succeeds, returns 32 bytes and the word
///      is 1. High-s signatures are valid (Intel's are often high-s), as in the precompile.
library P256Sha {
    address internal constant P256VERIFY = address(0x100);

    /// @dev Field prime and curve coefficient b of P-256 (a = -3).
    uint256 internal constant P =
        0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff;
    uint256 internal constant B =
        0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b;

    /// @dev SHA-256 of `b[off:off+len]` (the caller guarantees the range is inside `b`).
    function sha256Mem(
        bytes memory b,
        uint256 off,
        uint256 len
    ) internal view returns (bytes32 h) {
        assembly ("memory-safe") {
            if iszero(staticcall(gas(), 0x02, add(add(b, 0x20), off), len, 0x00, 0x20)) {
                revert(0, 0)
            }
            h := mload(0x00)
        }
    }

    /// @dev SHA-256 of the calldata range `[off, off+len)` (absolute calldata offsets).
    function sha256Calldata(
        uint256 off,
        uint256 len
    ) internal view returns (bytes32 h) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            calldatacopy(m, off, len)
            if iszero(staticcall(gas(), 0x02, m, len, 0x00, 0x20)) { revert(0, 0) }
            h := mload(0x00)
        }
    }

    /// @dev SHA-256 of the concatenation of calldata ranges `[a, a+aLen)` and `[b, b+bLen)`.
    function sha256Calldata2(
        uint256 a,
        uint256 aLen,
        uint256 b,
        uint256 bLen
    ) internal view returns (bytes32 h) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            calldatacopy(m, a, aLen)
            calldatacopy(add(m, aLen), b, bLen)
            if iszero(staticcall(gas(), 0x02, m, add(aLen, bLen), 0x00, 0x20)) {
                revert(0, 0)
            }
            h := mload(0x00)
        }
    }

    /// @dev Whether (r, s) is a valid P-256 signature of `digest` under the key (x, y).
    function verify(
        bytes32 digest,
        bytes32 r,
        bytes32 s,
        bytes32 x,
        bytes32 y
    ) internal view returns (bool valid) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, digest)
            mstore(add(m, 0x20), r)
            mstore(add(m, 0x40), s)
            mstore(add(m, 0x60), x)
            mstore(add(m, 0x80), y)
            mstore(0x00, 0)
            let ok := staticcall(gas(), 0x100, m, 0xa0, 0x00, 0x20)
            valid := and(and(ok, eq(returndatasize(), 0x20)), eq(mload(0x00), 1))
        }
    }

    /// @dev Whether (x, y) is an affine point of P-256 (coordinates reduced, y^2 = x^3 - 3x + b).
    function isOnCurve(
        bytes32 x,
        bytes32 y
    ) internal pure returns (bool) {
        uint256 px = uint256(x);
        uint256 py = uint256(y);
        if (px >= P || py >= P) return false;
        uint256 lhs = mulmod(py, py, P);
        uint256 rhs = addmod(mulmod(mulmod(px, px, P), px, P), mulmod(P - 3, px, P), P);
        rhs = addmod(rhs, B, P);
        return lhs == rhs && (px | py) != 0;
    }
}
