// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IOperatorNumberRegistry
/// @notice mpavs extension of the IndexRegistry (not in EigenLayer's ABI): every operator id gets
///         a small sequential number (1, 2, ...) the first time it joins a quorum, and each
///         quorum's current list is also kept as packed 32-bit numbers (8 per slot). The service
///         manager lists a quorum's signers and looks up their liveness by number, so a
///         confirmation reads about one eighth of a slot per signer for the list instead of one
///         slot.
interface IOperatorNumberRegistry {
    /// @notice An operator id was given its number.
    /// @param operatorId The operator id.
    /// @param number Its number (never reused, never changed).
    event OperatorNumberAssigned(bytes32 indexed operatorId, uint32 number);

    /// @notice The number of an operator id (0 if it never registered).
    /// @param operatorId The operator id.
    function operatorNumber(
        bytes32 operatorId
    ) external view returns (uint32);

    /// @notice The numbers of several operator ids (0 for unknown ones).
    /// @param operatorIds The operator ids.
    function operatorNumbersOf(
        bytes32[] calldata operatorIds
    ) external view returns (uint32[] memory);

    /// @notice The operator id with this number (0 if none).
    /// @param number The number.
    function operatorIdByNumber(
        uint32 number
    ) external view returns (bytes32);

    /// @notice How many numbers have been assigned (the highest number).
    function operatorNumberCount() external view returns (uint32);

    /// @notice The numbers of a quorum's operators at `blockNumber`, packed 8 per word (number
    ///         of index i in bits 32 * (i % 8) of words[i / 8]), in index order.
    /// @param quorumNumber The quorum.
    /// @param blockNumber The block.
    /// @return count Number of operators.
    /// @return words The packed numbers.
    function getOperatorNumbersPackedAtBlockNumber(
        uint8 quorumNumber,
        uint32 blockNumber
    ) external view returns (uint256 count, uint256[] memory words);

    /// @notice The numbers of a quorum's operators at `blockNumber`, in index order (the same
    ///         order as getOperatorListAtBlockNumber).
    /// @param quorumNumber The quorum.
    /// @param blockNumber The block.
    function getOperatorNumbersAtBlockNumber(
        uint8 quorumNumber,
        uint32 blockNumber
    ) external view returns (uint32[] memory);
}
