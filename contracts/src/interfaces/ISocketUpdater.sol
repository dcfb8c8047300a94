// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ISocketUpdater
/// @notice Operators publish where they can be reached (EigenLayer ABI).
interface ISocketUpdater {
    /// @notice An operator's socket was set or changed.
    /// @param operatorId The operator's id (hash of its G1 public key).
    /// @param socket The new socket string.
    event OperatorSocketUpdate(bytes32 indexed operatorId, string socket);

    /// @notice Sets the caller's socket; the caller must be a registered operator.
    /// @param socket The new socket string.
    function updateSocket(
        string memory socket
    ) external;
}
