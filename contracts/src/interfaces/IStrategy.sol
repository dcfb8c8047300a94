// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IStrategy
/// @notice The part of EigenLayer's IStrategy mpavs uses: a strategy is identified by its address
///         and holds one underlying token.
interface IStrategy {
    /// @notice The token deposited into this strategy.
    function underlyingToken() external view returns (address);
}
