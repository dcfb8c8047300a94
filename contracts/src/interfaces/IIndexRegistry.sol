// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IRegistry} from "./IRegistry.sol";

/// @title IIndexRegistry
/// @notice The ordered operator list of every quorum, with history (EigenLayer ABI). An operator
///         leaving swaps the last operator into its index.
interface IIndexRegistry is IRegistry {
    /// @notice A quorum's history was started in this registry.
    /// @param quorumNumber The new quorum.
    event QuorumCreated(uint8 indexed quorumNumber);

    /// @notice An operator was given an index in a quorum.
    /// @param operatorId The operator id.
    /// @param quorumNumber The quorum.
    /// @param newOperatorIndex The index.
    event QuorumIndexUpdate(
        bytes32 indexed operatorId, uint8 quorumNumber, uint32 newOperatorIndex
    );

    /// @notice One entry of the history of an index.
    /// @param fromBlockNumber Block from which this entry holds.
    /// @param operatorId The operator at the index (0 if none).
    struct OperatorUpdate {
        uint32 fromBlockNumber;
        bytes32 operatorId;
    }

    /// @notice One entry of the history of a quorum's operator count.
    /// @param fromBlockNumber Block from which this entry holds.
    /// @param numOperators The count.
    struct QuorumUpdate {
        uint32 fromBlockNumber;
        uint32 numOperators;
    }

    /// @notice The caller is not the RegistryCoordinator.
    error OnlyRegistryCoordinator();
    /// @notice The quorum has not been created.
    error QuorumDoesNotExist();
    /// @notice The quorum has already been created.
    error QuorumAlreadyExists();
    /// @notice The quorum did not exist at the block number.
    error QuorumDidNotExistAtBlockNumber();
    /// @notice An index of the operator list had no operator at the block number.
    error OperatorIdDoesNotExist();

    /// @notice Appends the operator to the quorums' lists. RegistryCoordinator only.
    /// @param operatorId The operator id.
    /// @param quorumNumbers The quorums.
    /// @return numOperatorsPerQuorum The new operator count of each quorum.
    function registerOperator(
        bytes32 operatorId,
        bytes calldata quorumNumbers
    ) external returns (uint32[] memory numOperatorsPerQuorum);

    /// @notice Removes the operator from the quorums' lists. RegistryCoordinator only.
    /// @param operatorId The operator id.
    /// @param quorumNumbers The quorums.
    function deregisterOperator(
        bytes32 operatorId,
        bytes calldata quorumNumbers
    ) external;

    /// @notice Starts a new quorum's list. RegistryCoordinator only.
    /// @param quorumNumber The quorum.
    function initializeQuorum(
        uint8 quorumNumber
    ) external;

    /// @notice One entry of the history of an index.
    /// @param quorumNumber The quorum.
    /// @param operatorIndex The index in the list.
    /// @param arrayIndex The index in that index's history.
    function getOperatorUpdateAtIndex(
        uint8 quorumNumber,
        uint32 operatorIndex,
        uint32 arrayIndex
    ) external view returns (OperatorUpdate memory);

    /// @notice One entry of the history of a quorum's operator count.
    /// @param quorumNumber The quorum.
    /// @param quorumIndex The index in the history.
    function getQuorumUpdateAtIndex(
        uint8 quorumNumber,
        uint32 quorumIndex
    ) external view returns (QuorumUpdate memory);

    /// @notice The latest entry of the history of an index.
    /// @param quorumNumber The quorum.
    /// @param operatorIndex The index in the list.
    function getLatestOperatorUpdate(
        uint8 quorumNumber,
        uint32 operatorIndex
    ) external view returns (OperatorUpdate memory);

    /// @notice The latest entry of a quorum's operator count history.
    /// @param quorumNumber The quorum.
    function getLatestQuorumUpdate(
        uint8 quorumNumber
    ) external view returns (QuorumUpdate memory);

    /// @notice The current number of operators in a quorum.
    /// @param quorumNumber The quorum.
    function totalOperatorsForQuorum(
        uint8 quorumNumber
    ) external view returns (uint32);

    /// @notice The quorum's operator ids at `blockNumber`, in index order.
    /// @param quorumNumber The quorum.
    /// @param blockNumber The block.
    function getOperatorListAtBlockNumber(
        uint8 quorumNumber,
        uint32 blockNumber
    ) external view returns (bytes32[] memory);
}
