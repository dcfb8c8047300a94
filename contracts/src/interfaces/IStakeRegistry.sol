// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IRegistry} from "./IRegistry.sol";
import {IStrategy} from "./IStrategy.sol";
import {IDelegationManager} from "./IDelegationManager.sol";

/// @title IStakeRegistry
/// @notice Per-quorum stake weights of operators with their history (EigenLayer ABI, M2).
///         Weight = sum over the quorum's strategies of shares * multiplier / WEIGHTING_DIVISOR.
interface IStakeRegistry is IRegistry {
    /// @notice One entry of a stake history.
    /// @param updateBlockNumber Block from which this stake holds.
    /// @param nextUpdateBlockNumber Block of the next entry, 0 while this is the latest.
    /// @param stake The stake weight.
    struct StakeUpdate {
        uint32 updateBlockNumber;
        uint32 nextUpdateBlockNumber;
        uint96 stake;
    }

    /// @notice A strategy a quorum weighs and its multiplier.
    /// @param strategy The strategy.
    /// @param multiplier Weight per share, scaled by WEIGHTING_DIVISOR (1e18).
    struct StrategyParams {
        IStrategy strategy;
        uint96 multiplier;
    }

    /// @notice An operator's stake in a quorum changed.
    /// @param operatorId The operator id.
    /// @param quorumNumber The quorum.
    /// @param stake The new stake.
    event OperatorStakeUpdate(bytes32 indexed operatorId, uint8 quorumNumber, uint96 stake);
    /// @notice A quorum's minimum stake changed.
    /// @param quorumNumber The quorum.
    /// @param minimumStake The new minimum.
    event MinimumStakeForQuorumUpdated(uint8 indexed quorumNumber, uint96 minimumStake);
    /// @notice A quorum was created.
    /// @param quorumNumber The quorum.
    event QuorumCreated(uint8 indexed quorumNumber);
    /// @notice A strategy was added to a quorum.
    /// @param quorumNumber The quorum.
    /// @param strategy The strategy.
    event StrategyAddedToQuorum(uint8 indexed quorumNumber, IStrategy strategy);
    /// @notice A strategy was removed from a quorum.
    /// @param quorumNumber The quorum.
    /// @param strategy The strategy.
    event StrategyRemovedFromQuorum(uint8 indexed quorumNumber, IStrategy strategy);
    /// @notice A strategy's multiplier changed.
    /// @param quorumNumber The quorum.
    /// @param strategy The strategy.
    /// @param multiplier The new multiplier.
    event StrategyMultiplierUpdated(
        uint8 indexed quorumNumber, IStrategy strategy, uint256 multiplier
    );

    /// @notice The caller is not the RegistryCoordinator.
    error OnlyRegistryCoordinator();
    /// @notice The caller is not the RegistryCoordinator's owner.
    error OnlyRegistryCoordinatorOwner();
    /// @notice The quorum has not been created.
    error QuorumDoesNotExist();
    /// @notice The quorum has already been created.
    error QuorumAlreadyExists();
    /// @notice The operator's weight is below the quorum's minimum stake.
    error BelowMinimumStakeRequirement();
    /// @notice An empty list of strategies or indices was given.
    error InputArrayLengthZero();
    /// @notice Parallel input arrays differ in length.
    error InputArrayLengthMismatch();
    /// @notice The strategy is already in the quorum.
    error InputDuplicateStrategy();
    /// @notice A multiplier of zero was given.
    error InputMultiplierZero();
    /// @notice A strategy index is beyond the quorum's strategy list.
    error StrategyIndexOutOfBounds();
    /// @notice The quorum would weigh more than MAX_WEIGHING_FUNCTION_LENGTH strategies.
    error InputArrayLengthTooLong();
    /// @notice The stake history has no entry at or before the block number.
    error NoStakeUpdateAtBlockNumber();
    /// @notice The history entry at the given index starts after the block number.
    error InvalidBlockNumber();
    /// @notice A history index is beyond the end of the history.
    error HistoryIndexOutOfBounds();
    /// @notice The history entry at the given index was superseded at or before the block number.
    error StakeUpdateNotLatest();

    /// @notice Records the operator's current stakes in the quorums. RegistryCoordinator only.
    /// @param operator The operator.
    /// @param operatorId Its id.
    /// @param quorumNumbers The quorums.
    /// @return operatorStakes The operator's stake per quorum.
    /// @return totalStakes The quorums' new total stakes.
    function registerOperator(
        address operator,
        bytes32 operatorId,
        bytes calldata quorumNumbers
    ) external returns (uint96[] memory operatorStakes, uint96[] memory totalStakes);

    /// @notice Sets the operator's stake in the quorums to zero. RegistryCoordinator only.
    /// @param operatorId The operator id.
    /// @param quorumNumbers The quorums.
    function deregisterOperator(
        bytes32 operatorId,
        bytes calldata quorumNumbers
    ) external;

    /// @notice Creates a quorum's stake state. RegistryCoordinator only.
    /// @param quorumNumber The quorum.
    /// @param minimumStake Minimum weight to register.
    /// @param strategyParams Strategies and multipliers.
    function initializeQuorum(
        uint8 quorumNumber,
        uint96 minimumStake,
        StrategyParams[] memory strategyParams
    ) external;

    /// @notice Adds strategies to a quorum. RegistryCoordinator owner only.
    /// @param quorumNumber The quorum.
    /// @param strategyParams Strategies and multipliers.
    function addStrategies(
        uint8 quorumNumber,
        StrategyParams[] memory strategyParams
    ) external;

    /// @notice Removes strategies from a quorum. RegistryCoordinator owner only.
    /// @param quorumNumber The quorum.
    /// @param indicesToRemove Indices into the quorum's strategy list, in descending order.
    function removeStrategies(
        uint8 quorumNumber,
        uint256[] calldata indicesToRemove
    ) external;

    /// @notice Changes multipliers. RegistryCoordinator owner only.
    /// @param quorumNumber The quorum.
    /// @param strategyIndices Indices into the quorum's strategy list.
    /// @param newMultipliers New multipliers, one per index.
    function modifyStrategyParams(
        uint8 quorumNumber,
        uint256[] calldata strategyIndices,
        uint96[] calldata newMultipliers
    ) external;

    /// @notice Sets a quorum's minimum stake. RegistryCoordinator owner only.
    /// @param quorumNumber The quorum.
    /// @param minimumStake The new minimum.
    function setMinimumStakeForQuorum(
        uint8 quorumNumber,
        uint96 minimumStake
    ) external;

    /// @notice The divisor applied to shares * multiplier (1e18).
    function WEIGHTING_DIVISOR() external pure returns (uint256);

    /// @notice The stake source (EigenLayer DelegationManager or the devnet vault).
    function delegation() external view returns (IDelegationManager);

    /// @notice A quorum's minimum stake.
    /// @param quorumNumber The quorum.
    function minimumStakeForQuorum(
        uint8 quorumNumber
    ) external view returns (uint96);

    /// @notice Number of strategies a quorum weighs.
    /// @param quorumNumber The quorum.
    function strategyParamsLength(
        uint8 quorumNumber
    ) external view returns (uint256);

    /// @notice One of a quorum's strategies.
    /// @param quorumNumber The quorum.
    /// @param index The index.
    function strategyParamsByIndex(
        uint8 quorumNumber,
        uint256 index
    ) external view returns (StrategyParams memory);

    /// @notice The operator's current weight in a quorum (not recorded).
    /// @param quorumNumber The quorum.
    /// @param operator The operator.
    function weightOfOperatorForQuorum(
        uint8 quorumNumber,
        address operator
    ) external view returns (uint96);

    /// @notice The operator's whole stake history in a quorum.
    /// @param operatorId The operator id.
    /// @param quorumNumber The quorum.
    function getStakeHistory(
        bytes32 operatorId,
        uint8 quorumNumber
    ) external view returns (StakeUpdate[] memory);

    /// @notice Length of a quorum's total stake history.
    /// @param quorumNumber The quorum.
    function getTotalStakeHistoryLength(
        uint8 quorumNumber
    ) external view returns (uint256);

    /// @notice One entry of a quorum's total stake history.
    /// @param quorumNumber The quorum.
    /// @param index The index.
    function getTotalStakeUpdateAtIndex(
        uint8 quorumNumber,
        uint256 index
    ) external view returns (StakeUpdate memory);

    /// @notice Index of the operator's stake entry in force at `blockNumber`.
    /// @param operatorId The operator id.
    /// @param quorumNumber The quorum.
    /// @param blockNumber The block.
    function getStakeUpdateIndexAtBlockNumber(
        bytes32 operatorId,
        uint8 quorumNumber,
        uint32 blockNumber
    ) external view returns (uint32);

    /// @notice For each quorum, the index of its total stake entry in force at `blockNumber`.
    /// @param blockNumber The block.
    /// @param quorumNumbers The quorums.
    function getTotalStakeIndicesAtBlockNumber(
        uint32 blockNumber,
        bytes calldata quorumNumbers
    ) external view returns (uint32[] memory);

    /// @notice One entry of the operator's stake history.
    /// @param quorumNumber The quorum.
    /// @param operatorId The operator id.
    /// @param index The index.
    function getStakeUpdateAtIndex(
        uint8 quorumNumber,
        bytes32 operatorId,
        uint256 index
    ) external view returns (StakeUpdate memory);

    /// @notice The operator's latest stake entry (zero if none).
    /// @param operatorId The operator id.
    /// @param quorumNumber The quorum.
    function getLatestStakeUpdate(
        bytes32 operatorId,
        uint8 quorumNumber
    ) external view returns (StakeUpdate memory);

    /// @notice The stake of entry `index`, checked to be in force at `blockNumber`.
    /// @param quorumNumber The quorum.
    /// @param blockNumber The block.
    /// @param operatorId The operator id.
    /// @param index The index.
    function getStakeAtBlockNumberAndIndex(
        uint8 quorumNumber,
        uint32 blockNumber,
        bytes32 operatorId,
        uint256 index
    ) external view returns (uint96);

    /// @notice The total stake of entry `index`, checked to be in force at `blockNumber`.
    /// @param quorumNumber The quorum.
    /// @param blockNumber The block.
    /// @param index The index.
    function getTotalStakeAtBlockNumberFromIndex(
        uint8 quorumNumber,
        uint32 blockNumber,
        uint256 index
    ) external view returns (uint96);

    /// @notice The operator's current recorded stake.
    /// @param operatorId The operator id.
    /// @param quorumNumber The quorum.
    function getCurrentStake(
        bytes32 operatorId,
        uint8 quorumNumber
    ) external view returns (uint96);

    /// @notice The operator's recorded stake at `blockNumber`.
    /// @param operatorId The operator id.
    /// @param quorumNumber The quorum.
    /// @param blockNumber The block.
    function getStakeAtBlockNumber(
        bytes32 operatorId,
        uint8 quorumNumber,
        uint32 blockNumber
    ) external view returns (uint96);

    /// @notice A quorum's current total stake.
    /// @param quorumNumber The quorum.
    function getCurrentTotalStake(
        uint8 quorumNumber
    ) external view returns (uint96);

    /// @notice Re-reads the operator's weights; returns the quorums where it fell below the
    ///         minimum (its stake there is recorded as 0). RegistryCoordinator only.
    /// @param operator The operator.
    /// @param operatorId Its id.
    /// @param quorumNumbers The quorums.
    function updateOperatorStake(
        address operator,
        bytes32 operatorId,
        bytes calldata quorumNumbers
    ) external returns (uint192);
}
