// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ITaskValidator
/// @notice A committee's check that a state header names a task that exists on chain. The
///         service manager asks the validator of the header's committee (if it has one) before
///         it counts any signature, so enough stake cannot confirm a made-up state for a task
///         that does not exist yet (and so could never be challenged by an honest state).
interface ITaskValidator {
    /// @notice Whether (metadata, state) of a header of committee `identifier` refer to a task
    ///         that exists and to the facts the chain already knows about it. Must not revert on
    ///         malformed input (return false); may revert only on a broken dependency.
    /// @param identifier The committee identifier of the header.
    /// @param metadata The header's metadata (abi-encoded per identifier).
    /// @param state The header's state (abi-encoded per identifier).
    /// @return valid True if the task exists and the state agrees with what the chain knows.
    function isValidTask(
        uint256 identifier,
        bytes calldata metadata,
        bytes calldata state
    ) external view returns (bool valid);
}
