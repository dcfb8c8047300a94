// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IStrategy} from "./IStrategy.sol";

/// @title IDelegationManager
/// @notice The stake source the StakeRegistry reads: the subset of EigenLayer's (M2)
///         DelegationManager ABI that the registry middleware calls. On the devnet it is
///         implemented by RestakingVault; a real deployment points at EigenLayer's
///         DelegationManager, which has the same functions.
interface IDelegationManager {
    /// @notice Whether `operator` has registered as an operator (stakers may delegate to it).
    /// @param operator The address to check.
    function isOperator(
        address operator
    ) external view returns (bool);

    /// @notice Shares delegated to `operator` in each of `strategies`.
    /// @param operator The operator.
    /// @param strategies The strategies to read.
    /// @return shares One entry per strategy, in the same order.
    function getOperatorShares(
        address operator,
        IStrategy[] memory strategies
    ) external view returns (uint256[] memory shares);

    /// @notice Blocks a withdrawal must wait after being queued.
    function minWithdrawalDelayBlocks() external view returns (uint256);
}
