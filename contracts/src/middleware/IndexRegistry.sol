// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IIndexRegistry} from "../interfaces/IIndexRegistry.sol";

/// @title IndexRegistry
/// @notice The ordered list of operators of every quorum and its history, so that the operator
///         set of any past block can be listed (EigenLayer ABI and semantics).
/// @dev Besides EigenLayer's histories this keeps the current list in one slot per operator.
///      Every change of an index happens in a block that also writes the quorum's count
///      history, so when the latest count entry is not newer than the requested block, the
///      current list is the list at that block: getOperatorListAtBlockNumber then costs one
///      storage read per operator instead of a history search (the service manager lists the
///      signers of every confirmation this way).
contract IndexRegistry is IIndexRegistry {
    /// @notice The id stored at an index that holds no operator.
    bytes32 public constant OPERATOR_DOES_NOT_EXIST_ID = bytes32(0);

    /// @notice The RegistryCoordinator allowed to change this registry.
    address public immutable registryCoordinator;

    /// @notice Current index of each operator in each quorum.
    mapping(uint8 => mapping(bytes32 => uint32)) public currentOperatorIndex;
    mapping(uint8 => mapping(uint32 => OperatorUpdate[])) internal _operatorIndexHistory;
    mapping(uint8 => QuorumUpdate[]) internal _operatorCountHistory;
    mapping(uint8 => mapping(uint32 => bytes32)) internal _currentOperatorIds;

    modifier onlyRegistryCoordinator() {
        if (msg.sender != registryCoordinator) revert OnlyRegistryCoordinator();
        _;
    }

    /// @param coordinator The RegistryCoordinator that drives this registry.
    constructor(
        address coordinator
    ) {
        registryCoordinator = coordinator;
    }

    /// @inheritdoc IIndexRegistry
    function registerOperator(
        bytes32 operatorId,
        bytes calldata quorumNumbers
    ) external onlyRegistryCoordinator returns (uint32[] memory numOperatorsPerQuorum) {
        numOperatorsPerQuorum = new uint32[](quorumNumbers.length);
        for (uint256 i = 0; i < quorumNumbers.length; i++) {
            uint8 q = uint8(quorumNumbers[i]);
            if (_operatorCountHistory[q].length == 0) revert QuorumDoesNotExist();
            uint32 count = _latestQuorumUpdate(q).numOperators + 1;
            _setOperatorCount(q, count);
            _assignOperatorToIndex(operatorId, q, count - 1);
            numOperatorsPerQuorum[i] = count;
        }
    }

    /// @inheritdoc IIndexRegistry
    function deregisterOperator(
        bytes32 operatorId,
        bytes calldata quorumNumbers
    ) external onlyRegistryCoordinator {
        for (uint256 i = 0; i < quorumNumbers.length; i++) {
            uint8 q = uint8(quorumNumbers[i]);
            if (_operatorCountHistory[q].length == 0) revert QuorumDoesNotExist();
            uint32 removedIndex = currentOperatorIndex[q][operatorId];
            uint32 count = _latestQuorumUpdate(q).numOperators - 1;
            _setOperatorCount(q, count);
            // Move the last operator into the freed index.
            bytes32 lastId = _currentOperatorIds[q][count];
            _writeIndex(q, count, OPERATOR_DOES_NOT_EXIST_ID);
            if (lastId != operatorId) _assignOperatorToIndex(lastId, q, removedIndex);
        }
    }

    /// @inheritdoc IIndexRegistry
    function initializeQuorum(
        uint8 quorumNumber
    ) external onlyRegistryCoordinator {
        if (_operatorCountHistory[quorumNumber].length != 0) revert QuorumAlreadyExists();
        _operatorCountHistory[quorumNumber].push(
            QuorumUpdate({fromBlockNumber: uint32(block.number), numOperators: 0})
        );
    }

    function _latestQuorumUpdate(
        uint8 q
    ) internal view returns (QuorumUpdate storage) {
        QuorumUpdate[] storage h = _operatorCountHistory[q];
        return h[h.length - 1];
    }

    function _setOperatorCount(
        uint8 q,
        uint32 count
    ) internal {
        QuorumUpdate storage last = _latestQuorumUpdate(q);
        if (last.fromBlockNumber == uint32(block.number)) {
            last.numOperators = count;
        } else {
            _operatorCountHistory[q].push(
                QuorumUpdate({fromBlockNumber: uint32(block.number), numOperators: count})
            );
        }
    }

    function _assignOperatorToIndex(
        bytes32 operatorId,
        uint8 q,
        uint32 index
    ) internal {
        _writeIndex(q, index, operatorId);
        currentOperatorIndex[q][operatorId] = index;
        emit QuorumIndexUpdate(operatorId, q, index);
    }

    /// @dev Writes the id at an index into its history and into the current list.
    function _writeIndex(
        uint8 q,
        uint32 index,
        bytes32 operatorId
    ) internal {
        OperatorUpdate[] storage h = _operatorIndexHistory[q][index];
        uint256 n = h.length;
        if (n != 0 && h[n - 1].fromBlockNumber == uint32(block.number)) {
            h[n - 1].operatorId = operatorId;
        } else {
            h.push(OperatorUpdate({fromBlockNumber: uint32(block.number), operatorId: operatorId}));
        }
        _currentOperatorIds[q][index] = operatorId;
    }

    function _operatorCountAtBlockNumber(
        uint8 q,
        uint32 blockNumber
    ) internal view returns (uint32) {
        QuorumUpdate[] storage h = _operatorCountHistory[q];
        for (uint256 i = h.length; i > 0; i--) {
            QuorumUpdate memory u = h[i - 1];
            if (u.fromBlockNumber <= blockNumber) return u.numOperators;
        }
        revert QuorumDidNotExistAtBlockNumber();
    }

    function _operatorIdForIndexAtBlockNumber(
        uint8 q,
        uint32 index,
        uint32 blockNumber
    ) internal view returns (bytes32) {
        OperatorUpdate[] storage h = _operatorIndexHistory[q][index];
        for (uint256 i = h.length; i > 0; i--) {
            if (h[i - 1].fromBlockNumber <= blockNumber) return h[i - 1].operatorId;
        }
        return OPERATOR_DOES_NOT_EXIST_ID;
    }

    // ---- views ----

    /// @inheritdoc IIndexRegistry
    function getOperatorUpdateAtIndex(
        uint8 quorumNumber,
        uint32 operatorIndex,
        uint32 arrayIndex
    ) external view returns (OperatorUpdate memory) {
        return _operatorIndexHistory[quorumNumber][operatorIndex][arrayIndex];
    }

    /// @inheritdoc IIndexRegistry
    function getQuorumUpdateAtIndex(
        uint8 quorumNumber,
        uint32 quorumIndex
    ) external view returns (QuorumUpdate memory) {
        return _operatorCountHistory[quorumNumber][quorumIndex];
    }

    /// @inheritdoc IIndexRegistry
    function getLatestQuorumUpdate(
        uint8 quorumNumber
    ) external view returns (QuorumUpdate memory) {
        if (_operatorCountHistory[quorumNumber].length == 0) revert QuorumDoesNotExist();
        return _latestQuorumUpdate(quorumNumber);
    }

    /// @inheritdoc IIndexRegistry
    function getLatestOperatorUpdate(
        uint8 quorumNumber,
        uint32 operatorIndex
    ) external view returns (OperatorUpdate memory u) {
        OperatorUpdate[] storage h = _operatorIndexHistory[quorumNumber][operatorIndex];
        if (h.length != 0) u = h[h.length - 1];
    }

    /// @inheritdoc IIndexRegistry
    function totalOperatorsForQuorum(
        uint8 quorumNumber
    ) external view returns (uint32) {
        if (_operatorCountHistory[quorumNumber].length == 0) return 0;
        return _latestQuorumUpdate(quorumNumber).numOperators;
    }

    /// @inheritdoc IIndexRegistry
    function getOperatorListAtBlockNumber(
        uint8 quorumNumber,
        uint32 blockNumber
    ) external view returns (bytes32[] memory list) {
        QuorumUpdate[] storage counts = _operatorCountHistory[quorumNumber];
        uint256 n = counts.length;
        if (n == 0) revert QuorumDidNotExistAtBlockNumber();
        QuorumUpdate memory latest = counts[n - 1];
        if (latest.fromBlockNumber <= blockNumber) {
            // Nothing changed since blockNumber: the current list is the answer.
            list = new bytes32[](latest.numOperators);
            mapping(uint32 => bytes32) storage current = _currentOperatorIds[quorumNumber];
            for (uint32 i = 0; i < latest.numOperators; i++) {
                list[i] = current[i];
            }
            return list;
        }
        uint32 count = _operatorCountAtBlockNumber(quorumNumber, blockNumber);
        list = new bytes32[](count);
        for (uint32 i = 0; i < count; i++) {
            list[i] = _operatorIdForIndexAtBlockNumber(quorumNumber, i, blockNumber);
            if (list[i] == OPERATOR_DOES_NOT_EXIST_ID) revert OperatorIdDoesNotExist();
        }
    }
}
