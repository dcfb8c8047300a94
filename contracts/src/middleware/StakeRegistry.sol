// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IStakeRegistry} from "../interfaces/IStakeRegistry.sol";
import {IStrategy} from "../interfaces/IStrategy.sol";
import {IDelegationManager} from "../interfaces/IDelegationManager.sol";
import {IRegistryCoordinator} from "../interfaces/IRegistryCoordinator.sol";
import {BitmapUtils} from "../libraries/BitmapUtils.sol";
import {HistoryWord} from "../libraries/HistoryWord.sol";

/// @title StakeRegistry
/// @notice Stake weight of every operator in every quorum, with history, read from a stake
///         source with EigenLayer's DelegationManager ABI (the devnet RestakingVault, or
///         EigenLayer itself). Weight = sum of shares * multiplier / 1e18 over the quorum's
///         strategies; operators below the quorum's minimum cannot register and are removed
///         when their stake is updated.
/// @dev Same ABI and semantics as EigenLayer's M2 StakeRegistry.
contract StakeRegistry is IStakeRegistry {
    /// @inheritdoc IStakeRegistry
    uint256 public constant WEIGHTING_DIVISOR = 1e18;
    /// @notice Most strategies a quorum may weigh.
    uint8 public constant MAX_WEIGHING_FUNCTION_LENGTH = 32;

    /// @notice The RegistryCoordinator allowed to change this registry.
    address public immutable registryCoordinator;
    /// @inheritdoc IStakeRegistry
    IDelegationManager public immutable delegation;

    /// @inheritdoc IStakeRegistry
    mapping(uint8 => uint96) public minimumStakeForQuorum;
    /// @notice Strategies and multipliers of each quorum.
    mapping(uint8 => StrategyParams[]) public strategyParams;
    /// @notice Strategies of each quorum (the addresses of strategyParams, for getOperatorShares).
    mapping(uint8 => IStrategy[]) public strategiesPerQuorum;
    /// @notice Stake history of each operator in each quorum.
    mapping(bytes32 => mapping(uint8 => StakeUpdate[])) public operatorStakeHistory;
    mapping(uint8 => StakeUpdate[]) internal _totalStakeHistory;

    modifier onlyRegistryCoordinator() {
        if (msg.sender != registryCoordinator) revert OnlyRegistryCoordinator();
        _;
    }

    modifier onlyCoordinatorOwner() {
        if (msg.sender != IRegistryCoordinator(registryCoordinator).owner()) {
            revert OnlyRegistryCoordinatorOwner();
        }
        _;
    }

    modifier quorumExists(
        uint8 quorumNumber
    ) {
        if (_totalStakeHistory[quorumNumber].length == 0) revert QuorumDoesNotExist();
        _;
    }

    /// @param coordinator The RegistryCoordinator that drives this registry.
    /// @param delegationManager The stake source.
    constructor(
        address coordinator,
        IDelegationManager delegationManager
    ) {
        registryCoordinator = coordinator;
        delegation = delegationManager;
    }

    // ---- registry coordinator ----

    /// @inheritdoc IStakeRegistry
    function registerOperator(
        address operator,
        bytes32 operatorId,
        bytes calldata quorumNumbers
    )
        external
        onlyRegistryCoordinator
        returns (uint96[] memory operatorStakes, uint96[] memory totalStakes)
    {
        operatorStakes = new uint96[](quorumNumbers.length);
        totalStakes = new uint96[](quorumNumbers.length);
        for (uint256 i = 0; i < quorumNumbers.length; i++) {
            uint8 q = uint8(quorumNumbers[i]);
            if (_totalStakeHistory[q].length == 0) revert QuorumDoesNotExist();
            (uint96 stake, bool enough) = _weightOfOperatorForQuorum(q, operator);
            if (!enough) revert BelowMinimumStakeRequirement();
            int256 delta = _recordOperatorStakeUpdate(operatorId, q, stake);
            operatorStakes[i] = stake;
            totalStakes[i] = _recordTotalStakeUpdate(q, delta);
        }
    }

    /// @inheritdoc IStakeRegistry
    function deregisterOperator(
        bytes32 operatorId,
        bytes calldata quorumNumbers
    ) external onlyRegistryCoordinator {
        for (uint256 i = 0; i < quorumNumbers.length; i++) {
            uint8 q = uint8(quorumNumbers[i]);
            if (_totalStakeHistory[q].length == 0) revert QuorumDoesNotExist();
            _recordTotalStakeUpdate(q, _recordOperatorStakeUpdate(operatorId, q, 0));
        }
    }

    /// @inheritdoc IStakeRegistry
    function updateOperatorStake(
        address operator,
        bytes32 operatorId,
        bytes calldata quorumNumbers
    ) external onlyRegistryCoordinator returns (uint192 quorumsToRemove) {
        for (uint256 i = 0; i < quorumNumbers.length; i++) {
            uint8 q = uint8(quorumNumbers[i]);
            if (_totalStakeHistory[q].length == 0) revert QuorumDoesNotExist();
            (uint96 stake, bool enough) = _weightOfOperatorForQuorum(q, operator);
            if (!enough) {
                stake = 0;
                quorumsToRemove = uint192(BitmapUtils.setBit(quorumsToRemove, q));
            }
            _recordTotalStakeUpdate(q, _recordOperatorStakeUpdate(operatorId, q, stake));
        }
    }

    /// @inheritdoc IStakeRegistry
    function initializeQuorum(
        uint8 quorumNumber,
        uint96 minimumStake,
        StrategyParams[] memory params
    ) external onlyRegistryCoordinator {
        if (_totalStakeHistory[quorumNumber].length != 0) revert QuorumAlreadyExists();
        _addStrategyParams(quorumNumber, params);
        _setMinimumStakeForQuorum(quorumNumber, minimumStake);
        _totalStakeHistory[quorumNumber].push(
            StakeUpdate({
                updateBlockNumber: uint32(block.number), nextUpdateBlockNumber: 0, stake: 0
            })
        );
        emit QuorumCreated(quorumNumber);
    }

    // ---- coordinator owner ----

    /// @inheritdoc IStakeRegistry
    function setMinimumStakeForQuorum(
        uint8 quorumNumber,
        uint96 minimumStake
    ) external onlyCoordinatorOwner quorumExists(quorumNumber) {
        _setMinimumStakeForQuorum(quorumNumber, minimumStake);
    }

    /// @inheritdoc IStakeRegistry
    function addStrategies(
        uint8 quorumNumber,
        StrategyParams[] memory params
    ) external onlyCoordinatorOwner quorumExists(quorumNumber) {
        _addStrategyParams(quorumNumber, params);
    }

    /// @inheritdoc IStakeRegistry
    function removeStrategies(
        uint8 quorumNumber,
        uint256[] calldata indicesToRemove
    ) external onlyCoordinatorOwner quorumExists(quorumNumber) {
        if (indicesToRemove.length == 0) revert InputArrayLengthZero();
        StrategyParams[] storage params = strategyParams[quorumNumber];
        IStrategy[] storage strategies = strategiesPerQuorum[quorumNumber];
        for (uint256 i = 0; i < indicesToRemove.length; i++) {
            uint256 idx = indicesToRemove[i];
            if (idx >= params.length) revert StrategyIndexOutOfBounds();
            emit StrategyRemovedFromQuorum(quorumNumber, params[idx].strategy);
            emit StrategyMultiplierUpdated(quorumNumber, params[idx].strategy, 0);
            // Swap-and-pop: indices must be given in descending order to stay meaningful.
            params[idx] = params[params.length - 1];
            params.pop();
            strategies[idx] = strategies[strategies.length - 1];
            strategies.pop();
        }
    }

    /// @inheritdoc IStakeRegistry
    function modifyStrategyParams(
        uint8 quorumNumber,
        uint256[] calldata strategyIndices,
        uint96[] calldata newMultipliers
    ) external onlyCoordinatorOwner quorumExists(quorumNumber) {
        if (strategyIndices.length == 0) revert InputArrayLengthZero();
        if (newMultipliers.length != strategyIndices.length) revert InputArrayLengthMismatch();
        StrategyParams[] storage params = strategyParams[quorumNumber];
        for (uint256 i = 0; i < strategyIndices.length; i++) {
            if (strategyIndices[i] >= params.length) revert StrategyIndexOutOfBounds();
            if (newMultipliers[i] == 0) revert InputMultiplierZero();
            params[strategyIndices[i]].multiplier = newMultipliers[i];
            emit StrategyMultiplierUpdated(
                quorumNumber, params[strategyIndices[i]].strategy, newMultipliers[i]
            );
        }
    }

    // ---- internal ----

    function _setMinimumStakeForQuorum(
        uint8 quorumNumber,
        uint96 minimumStake
    ) internal {
        minimumStakeForQuorum[quorumNumber] = minimumStake;
        emit MinimumStakeForQuorumUpdated(quorumNumber, minimumStake);
    }

    function _addStrategyParams(
        uint8 quorumNumber,
        StrategyParams[] memory params
    ) internal {
        if (params.length == 0) revert InputArrayLengthZero();
        StrategyParams[] storage existing = strategyParams[quorumNumber];
        if (existing.length + params.length > MAX_WEIGHING_FUNCTION_LENGTH) {
            revert InputArrayLengthTooLong();
        }
        for (uint256 i = 0; i < params.length; i++) {
            for (uint256 j = 0; j < existing.length; j++) {
                if (address(existing[j].strategy) == address(params[i].strategy)) {
                    revert InputDuplicateStrategy();
                }
            }
            if (params[i].multiplier == 0) revert InputMultiplierZero();
            existing.push(params[i]);
            strategiesPerQuorum[quorumNumber].push(params[i].strategy);
            emit StrategyAddedToQuorum(quorumNumber, params[i].strategy);
            emit StrategyMultiplierUpdated(quorumNumber, params[i].strategy, params[i].multiplier);
        }
    }

    /// @dev Records the operator's new stake; returns the change for the total.
    function _recordOperatorStakeUpdate(
        bytes32 operatorId,
        uint8 quorumNumber,
        uint96 newStake
    ) internal returns (int256 delta) {
        StakeUpdate[] storage history = operatorStakeHistory[operatorId][quorumNumber];
        uint256 n = history.length;
        uint96 prevStake;
        if (n == 0) {
            history.push(
                StakeUpdate({
                    updateBlockNumber: uint32(block.number),
                    nextUpdateBlockNumber: 0,
                    stake: newStake
                })
            );
        } else {
            StakeUpdate storage last = history[n - 1];
            prevStake = last.stake;
            if (prevStake == newStake) return 0;
            if (last.updateBlockNumber == uint32(block.number)) {
                last.stake = newStake;
            } else {
                last.nextUpdateBlockNumber = uint32(block.number);
                history.push(
                    StakeUpdate({
                        updateBlockNumber: uint32(block.number),
                        nextUpdateBlockNumber: 0,
                        stake: newStake
                    })
                );
            }
        }
        emit OperatorStakeUpdate(operatorId, quorumNumber, newStake);
        return int256(uint256(newStake)) - int256(uint256(prevStake));
    }

    /// @dev Applies a stake change to the quorum's total; returns the new total.
    function _recordTotalStakeUpdate(
        uint8 quorumNumber,
        int256 delta
    ) internal returns (uint96) {
        StakeUpdate[] storage history = _totalStakeHistory[quorumNumber];
        StakeUpdate storage last = history[history.length - 1];
        if (delta == 0) return last.stake;
        uint96 total =
            delta < 0 ? last.stake - uint96(uint256(-delta)) : last.stake + uint96(uint256(delta));
        if (last.updateBlockNumber == uint32(block.number)) {
            last.stake = total;
        } else {
            last.nextUpdateBlockNumber = uint32(block.number);
            history.push(
                StakeUpdate({
                    updateBlockNumber: uint32(block.number), nextUpdateBlockNumber: 0, stake: total
                })
            );
        }
        return total;
    }

    function _weightOfOperatorForQuorum(
        uint8 quorumNumber,
        address operator
    ) internal view returns (uint96 weight, bool hasMinimumStake) {
        StrategyParams[] storage params = strategyParams[quorumNumber];
        uint256[] memory shares =
            delegation.getOperatorShares(operator, strategiesPerQuorum[quorumNumber]);
        uint256 sum;
        for (uint256 i = 0; i < params.length; i++) {
            if (shares[i] > 0) sum += shares[i] * params[i].multiplier / WEIGHTING_DIVISOR;
        }
        // Weights are uint96 in the registry's ABI; larger sums are capped, never wrapped.
        weight = sum > type(uint96).max ? type(uint96).max : uint96(sum);
        hasMinimumStake = weight >= minimumStakeForQuorum[quorumNumber];
    }

    /// @dev The stake of entry `index`, checked to hold at `blockNumber`, with one storage read
    ///      (StakeUpdate packs updateBlockNumber, nextUpdateBlockNumber, stake from the low end).
    function _stakeAtIndex(
        StakeUpdate[] storage history,
        uint32 blockNumber,
        uint256 index
    ) internal view returns (uint96) {
        uint256 slot;
        assembly ("memory-safe") {
            slot := history.slot
        }
        uint256 w = HistoryWord.read(slot, index);
        if (w == 0) revert HistoryIndexOutOfBounds();
        if (blockNumber < uint32(w)) revert InvalidBlockNumber();
        uint32 next = uint32(w >> 32);
        if (next != 0 && blockNumber >= next) revert StakeUpdateNotLatest();
        return uint96(w >> 64);
    }

    function _indexAtBlockNumber(
        StakeUpdate[] storage history,
        uint32 blockNumber
    ) internal view returns (uint32) {
        for (uint256 i = history.length; i > 0; i--) {
            if (history[i - 1].updateBlockNumber <= blockNumber) return uint32(i - 1);
        }
        revert NoStakeUpdateAtBlockNumber();
    }

    // ---- views ----

    /// @inheritdoc IStakeRegistry
    function weightOfOperatorForQuorum(
        uint8 quorumNumber,
        address operator
    ) external view quorumExists(quorumNumber) returns (uint96 weight) {
        (weight,) = _weightOfOperatorForQuorum(quorumNumber, operator);
    }

    /// @inheritdoc IStakeRegistry
    function strategyParamsLength(
        uint8 quorumNumber
    ) external view returns (uint256) {
        return strategyParams[quorumNumber].length;
    }

    /// @inheritdoc IStakeRegistry
    function strategyParamsByIndex(
        uint8 quorumNumber,
        uint256 index
    ) external view returns (StrategyParams memory) {
        return strategyParams[quorumNumber][index];
    }

    /// @notice Length of an operator's stake history in a quorum.
    /// @param operatorId The operator id.
    /// @param quorumNumber The quorum.
    function getStakeHistoryLength(
        bytes32 operatorId,
        uint8 quorumNumber
    ) external view returns (uint256) {
        return operatorStakeHistory[operatorId][quorumNumber].length;
    }

    /// @inheritdoc IStakeRegistry
    function getStakeHistory(
        bytes32 operatorId,
        uint8 quorumNumber
    ) external view returns (StakeUpdate[] memory) {
        return operatorStakeHistory[operatorId][quorumNumber];
    }

    /// @inheritdoc IStakeRegistry
    function getCurrentStake(
        bytes32 operatorId,
        uint8 quorumNumber
    ) external view returns (uint96) {
        return getLatestStakeUpdate(operatorId, quorumNumber).stake;
    }

    /// @inheritdoc IStakeRegistry
    function getLatestStakeUpdate(
        bytes32 operatorId,
        uint8 quorumNumber
    ) public view returns (StakeUpdate memory u) {
        StakeUpdate[] storage history = operatorStakeHistory[operatorId][quorumNumber];
        if (history.length != 0) u = history[history.length - 1];
    }

    /// @inheritdoc IStakeRegistry
    function getStakeUpdateAtIndex(
        uint8 quorumNumber,
        bytes32 operatorId,
        uint256 index
    ) external view returns (StakeUpdate memory) {
        return operatorStakeHistory[operatorId][quorumNumber][index];
    }

    /// @inheritdoc IStakeRegistry
    function getStakeAtBlockNumber(
        bytes32 operatorId,
        uint8 quorumNumber,
        uint32 blockNumber
    ) external view returns (uint96) {
        StakeUpdate[] storage history = operatorStakeHistory[operatorId][quorumNumber];
        return history[_indexAtBlockNumber(history, blockNumber)].stake;
    }

    /// @inheritdoc IStakeRegistry
    function getStakeUpdateIndexAtBlockNumber(
        bytes32 operatorId,
        uint8 quorumNumber,
        uint32 blockNumber
    ) external view returns (uint32) {
        return _indexAtBlockNumber(operatorStakeHistory[operatorId][quorumNumber], blockNumber);
    }

    /// @inheritdoc IStakeRegistry
    function getStakeAtBlockNumberAndIndex(
        uint8 quorumNumber,
        uint32 blockNumber,
        bytes32 operatorId,
        uint256 index
    ) external view returns (uint96) {
        return _stakeAtIndex(operatorStakeHistory[operatorId][quorumNumber], blockNumber, index);
    }

    /// @inheritdoc IStakeRegistry
    function getTotalStakeHistoryLength(
        uint8 quorumNumber
    ) external view returns (uint256) {
        return _totalStakeHistory[quorumNumber].length;
    }

    /// @inheritdoc IStakeRegistry
    function getCurrentTotalStake(
        uint8 quorumNumber
    ) external view returns (uint96) {
        StakeUpdate[] storage history = _totalStakeHistory[quorumNumber];
        if (history.length == 0) revert QuorumDoesNotExist();
        return history[history.length - 1].stake;
    }

    /// @inheritdoc IStakeRegistry
    function getTotalStakeUpdateAtIndex(
        uint8 quorumNumber,
        uint256 index
    ) external view returns (StakeUpdate memory) {
        return _totalStakeHistory[quorumNumber][index];
    }

    /// @inheritdoc IStakeRegistry
    function getTotalStakeAtBlockNumberFromIndex(
        uint8 quorumNumber,
        uint32 blockNumber,
        uint256 index
    ) external view returns (uint96) {
        return _stakeAtIndex(_totalStakeHistory[quorumNumber], blockNumber, index);
    }

    /// @inheritdoc IStakeRegistry
    function getTotalStakeIndicesAtBlockNumber(
        uint32 blockNumber,
        bytes calldata quorumNumbers
    ) external view returns (uint32[] memory indices) {
        indices = new uint32[](quorumNumbers.length);
        for (uint256 i = 0; i < quorumNumbers.length; i++) {
            StakeUpdate[] storage history = _totalStakeHistory[uint8(quorumNumbers[i])];
            if (history.length == 0) revert QuorumDoesNotExist();
            indices[i] = _indexAtBlockNumber(history, blockNumber);
        }
    }
}
