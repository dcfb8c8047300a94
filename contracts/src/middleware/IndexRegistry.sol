// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IIndexRegistry} from "../interfaces/IIndexRegistry.sol";
import {IOperatorNumberRegistry} from "../interfaces/IOperatorNumberRegistry.sol";

/// @title IndexRegistry
/// @notice The ordered list of operators of every quorum and its history, so that the operator
///         set of any past block can be listed (EigenLayer ABI and semantics), plus operator
///         numbers (IOperatorNumberRegistry) for cheap signer listing.
/// @dev Besides EigenLayer's histories this keeps, per quorum, the latest count entry in its
///      own slot, the current list of ids in consecutive slots (keccak256(quorum, seed) + index)
///      and the current list of numbers packed 8 per slot. Every change of an index happens in
///      a block that also writes the quorum's count history, so when the latest count entry is
///      not newer than the requested block, the current list is the list at that block and no
///      history has to be searched.
contract IndexRegistry is IIndexRegistry, IOperatorNumberRegistry {
    /// @notice The id stored at an index that holds no operator.
    bytes32 public constant OPERATOR_DOES_NOT_EXIST_ID = bytes32(0);

    /// @dev Seeds of the slot ranges holding each quorum's current ids and packed numbers:
    ///      keccak256("mpavs.IndexRegistry.currentOperatorIds") and
    ///      keccak256("mpavs.IndexRegistry.currentOperatorNumbers"), written out so that they are
    ///      not rehashed at every use.
    bytes32 private constant CURRENT_IDS_SEED =
        0x1bbf4b2c6fdea3a5461024628f57e74610065639b9dc26ca74a14351d89f539e;
    bytes32 private constant CURRENT_NUMBERS_SEED =
        0x828a45e1276fe58a5865c1883bb4dd52a49b418fe607e3ff82b6249e2f1018d5;

    /// @notice The RegistryCoordinator allowed to change this registry.
    address public immutable registryCoordinator;

    /// @notice Current index of each operator in each quorum.
    mapping(uint8 => mapping(bytes32 => uint32)) public currentOperatorIndex;
    /// @inheritdoc IOperatorNumberRegistry
    mapping(bytes32 => uint32) public operatorNumber;
    /// @inheritdoc IOperatorNumberRegistry
    mapping(uint32 => bytes32) public operatorIdByNumber;
    /// @inheritdoc IOperatorNumberRegistry
    uint32 public operatorNumberCount;

    mapping(uint8 => mapping(uint32 => OperatorUpdate[])) internal _operatorIndexHistory;
    mapping(uint8 => QuorumUpdate[]) internal _operatorCountHistory;
    mapping(uint8 => QuorumUpdate) internal _latestCount;

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
        if (operatorNumber[operatorId] == 0) {
            uint32 number = ++operatorNumberCount;
            operatorNumber[operatorId] = number;
            operatorIdByNumber[number] = operatorId;
            emit OperatorNumberAssigned(operatorId, number);
        }
        numOperatorsPerQuorum = new uint32[](quorumNumbers.length);
        for (uint256 i = 0; i < quorumNumbers.length; i++) {
            uint8 q = uint8(quorumNumbers[i]);
            if (_operatorCountHistory[q].length == 0) revert QuorumDoesNotExist();
            uint32 count = _latestCount[q].numOperators + 1;
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
            uint32 count = _latestCount[q].numOperators - 1;
            _setOperatorCount(q, count);
            // Move the last operator into the freed index.
            bytes32 lastId = _currentIdAt(q, count);
            _writeIndex(q, count, OPERATOR_DOES_NOT_EXIST_ID);
            if (lastId != operatorId) _assignOperatorToIndex(lastId, q, removedIndex);
        }
    }

    /// @inheritdoc IIndexRegistry
    function initializeQuorum(
        uint8 quorumNumber
    ) external onlyRegistryCoordinator {
        if (_operatorCountHistory[quorumNumber].length != 0) revert QuorumAlreadyExists();
        QuorumUpdate memory u =
            QuorumUpdate({fromBlockNumber: uint32(block.number), numOperators: 0});
        _operatorCountHistory[quorumNumber].push(u);
        _latestCount[quorumNumber] = u;
        emit QuorumCreated(quorumNumber);
    }

    // ---- internal ----

    function _setOperatorCount(
        uint8 q,
        uint32 count
    ) internal {
        QuorumUpdate[] storage h = _operatorCountHistory[q];
        QuorumUpdate storage last = h[h.length - 1];
        if (last.fromBlockNumber == uint32(block.number)) {
            last.numOperators = count;
        } else {
            h.push(QuorumUpdate({fromBlockNumber: uint32(block.number), numOperators: count}));
        }
        _latestCount[q] = QuorumUpdate({fromBlockNumber: uint32(block.number), numOperators: count});
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

    /// @dev Writes the id at an index into its history and into the current lists.
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
        uint256 idSlot = _base(q, CURRENT_IDS_SEED) + index;
        uint256 numberSlot = _base(q, CURRENT_NUMBERS_SEED) + (index >> 3);
        uint256 shift = uint256(index & 7) << 5;
        uint256 num = operatorNumber[operatorId];
        assembly ("memory-safe") {
            sstore(idSlot, operatorId)
            let w := and(sload(numberSlot), not(shl(shift, 0xffffffff)))
            sstore(numberSlot, or(w, shl(shift, num)))
        }
    }

    function _base(
        uint8 q,
        bytes32 seed
    ) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(q, seed)));
    }

    function _currentIdAt(
        uint8 q,
        uint32 index
    ) internal view returns (bytes32 id) {
        uint256 slot = _base(q, CURRENT_IDS_SEED) + index;
        assembly ("memory-safe") {
            id := sload(slot)
        }
    }

    /// @dev The latest count entry; `current` is true if the current lists hold at `blockNumber`.
    function _latest(
        uint8 q,
        uint32 blockNumber
    ) internal view returns (uint256 count, bool current) {
        QuorumUpdate memory latest = _latestCount[q];
        if (latest.fromBlockNumber == 0) revert QuorumDidNotExistAtBlockNumber();
        return (latest.numOperators, latest.fromBlockNumber <= blockNumber);
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

    /// @dev The id list at `blockNumber` from the histories (the slow path).
    function _historicalList(
        uint8 q,
        uint32 blockNumber
    ) internal view returns (bytes32[] memory list) {
        uint32 count = _operatorCountAtBlockNumber(q, blockNumber);
        list = new bytes32[](count);
        for (uint32 i = 0; i < count; i++) {
            list[i] = _operatorIdForIndexAtBlockNumber(q, i, blockNumber);
            if (list[i] == OPERATOR_DOES_NOT_EXIST_ID) revert OperatorIdDoesNotExist();
        }
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
        return _latestCount[quorumNumber];
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
        return _latestCount[quorumNumber].numOperators;
    }

    /// @inheritdoc IIndexRegistry
    function getOperatorListAtBlockNumber(
        uint8 quorumNumber,
        uint32 blockNumber
    ) external view returns (bytes32[] memory list) {
        (uint256 n, bool current) = _latest(quorumNumber, blockNumber);
        if (!current) return _historicalList(quorumNumber, blockNumber);
        list = new bytes32[](n);
        uint256 base = _base(quorumNumber, CURRENT_IDS_SEED);
        assembly ("memory-safe") {
            let out := add(list, 0x20)
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                mstore(add(out, shl(5, i)), sload(add(base, i)))
            }
        }
    }

    /// @inheritdoc IOperatorNumberRegistry
    function getOperatorNumbersPackedAtBlockNumber(
        uint8 quorumNumber,
        uint32 blockNumber
    ) public view returns (uint256 count, uint256[] memory words) {
        bool current;
        (count, current) = _latest(quorumNumber, blockNumber);
        if (!current) {
            bytes32[] memory ids = _historicalList(quorumNumber, blockNumber);
            count = ids.length;
            words = new uint256[]((count + 7) >> 3);
            for (uint256 i = 0; i < count; i++) {
                words[i >> 3] |= uint256(operatorNumber[ids[i]]) << ((i & 7) << 5);
            }
            return (count, words);
        }
        uint256 nWords = (count + 7) >> 3;
        words = new uint256[](nWords);
        uint256 base = _base(quorumNumber, CURRENT_NUMBERS_SEED);
        assembly ("memory-safe") {
            let out := add(words, 0x20)
            for { let k := 0 } lt(k, nWords) { k := add(k, 1) } {
                mstore(add(out, shl(5, k)), sload(add(base, k)))
            }
        }
    }

    /// @inheritdoc IOperatorNumberRegistry
    function getOperatorNumbersAtBlockNumber(
        uint8 quorumNumber,
        uint32 blockNumber
    ) external view returns (uint32[] memory numbers) {
        (uint256 n, uint256[] memory words) =
            getOperatorNumbersPackedAtBlockNumber(quorumNumber, blockNumber);
        numbers = new uint32[](n);
        for (uint256 i = 0; i < n; i++) {
            numbers[i] = uint32(words[i >> 3] >> ((i & 7) << 5));
        }
    }

    /// @inheritdoc IOperatorNumberRegistry
    function operatorNumbersOf(
        bytes32[] calldata operatorIds
    ) external view returns (uint32[] memory numbers) {
        numbers = new uint32[](operatorIds.length);
        for (uint256 i = 0; i < operatorIds.length; i++) {
            numbers[i] = operatorNumber[operatorIds[i]];
        }
    }
}
