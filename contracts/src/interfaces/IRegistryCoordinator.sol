// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IBLSApkRegistry} from "./IBLSApkRegistry.sol";
import {IStakeRegistry} from "./IStakeRegistry.sol";
import {IIndexRegistry} from "./IIndexRegistry.sol";
import {ISignatureUtils} from "./ISignatureUtils.sol";
import {IServiceManager} from "./IServiceManager.sol";
import {BN254} from "../libraries/BN254.sol";

/// @title IRegistryCoordinator
/// @notice Operator registration for quorums and the quorum bitmap history of every operator
///         (EigenLayer's M2 RegistryCoordinator ABI, without churn).
interface IRegistryCoordinator {
    /// @notice An operator registered for its first quorum.
    /// @param operator The operator.
    /// @param operatorId Its id.
    event OperatorRegistered(address indexed operator, bytes32 indexed operatorId);
    /// @notice An operator left its last quorum.
    /// @param operator The operator.
    /// @param operatorId Its id.
    event OperatorDeregistered(address indexed operator, bytes32 indexed operatorId);
    /// @notice A quorum's operator set parameters changed.
    /// @param quorumNumber The quorum.
    /// @param operatorSetParams The new parameters.
    event OperatorSetParamsUpdated(uint8 indexed quorumNumber, OperatorSetParam operatorSetParams);
    /// @notice The ejector changed.
    /// @param prevEjector The previous ejector.
    /// @param newEjector The new ejector.
    event EjectorUpdated(address prevEjector, address newEjector);
    /// @notice All operators of a quorum had their stakes updated at this block.
    /// @param quorumNumber The quorum.
    /// @param blocknumber The block.
    event QuorumBlockNumberUpdated(uint8 indexed quorumNumber, uint256 blocknumber);

    /// @notice Registration state of an operator.
    enum OperatorStatus {
        NEVER_REGISTERED,
        REGISTERED,
        DEREGISTERED
    }

    /// @notice An operator's id and state.
    /// @param operatorId hashG1Point of its G1 key.
    /// @param status Its registration state.
    struct OperatorInfo {
        bytes32 operatorId;
        OperatorStatus status;
    }

    /// @notice One entry of an operator's quorum bitmap history.
    /// @param updateBlockNumber Block from which this bitmap holds.
    /// @param nextUpdateBlockNumber Block of the next entry, 0 while this is the latest.
    /// @param quorumBitmap Bit q set = registered for quorum q.
    struct QuorumBitmapUpdate {
        uint32 updateBlockNumber;
        uint32 nextUpdateBlockNumber;
        uint192 quorumBitmap;
    }

    /// @notice Operator set parameters of a quorum.
    /// @param maxOperatorCount Registration reverts beyond this many operators.
    /// @param kickBIPsOfOperatorStake Churn parameter (kept for ABI compatibility; churn is not implemented).
    /// @param kickBIPsOfTotalStake Churn parameter (kept for ABI compatibility; churn is not implemented).
    struct OperatorSetParam {
        uint32 maxOperatorCount;
        uint16 kickBIPsOfOperatorStake;
        uint16 kickBIPsOfTotalStake;
    }

    /// @notice The quorum has not been created.
    error QuorumDoesNotExist();
    /// @notice 192 quorums exist already.
    error MaxQuorumsReached();
    /// @notice Parallel input arrays differ in length.
    error InputLengthMismatch();
    /// @notice No quorum was given.
    error BitmapEmpty();
    /// @notice The operator is already registered for some of the quorums.
    error AlreadyRegisteredForQuorums();
    /// @notice The operator is not registered.
    error NotRegistered();
    /// @notice The operator is not registered for some of the quorums.
    error NotRegisteredForQuorum();
    /// @notice The quorum is full (maxOperatorCount).
    error MaxOperatorCountReached();
    /// @notice The caller is not the ejector.
    error OnlyEjector();
    /// @notice Operators passed to updateOperatorsForQuorum are not in ascending address order.
    error NotSorted();
    /// @notice updateOperatorsForQuorum was not given every operator of the quorum.
    error QuorumOperatorCountMismatch();
    /// @notice The operator has no quorum bitmap entry at or before the block number.
    error NoBitmapUpdateAtBlockNumber();
    /// @notice The bitmap entry at the given index starts after the block number.
    error BitmapUpdateIsAfterBlockNumber();
    /// @notice A history index is beyond the end of the history.
    error HistoryIndexOutOfBounds();
    /// @notice The bitmap entry at the given index was superseded at or before the block number.
    error NextBitmapUpdateIsBeforeBlockNumber();
    /// @notice An address parameter was zero.
    error ZeroAddress();

    /// @notice Registers the caller for quorums, registering its BLS key first if it has none.
    /// @param quorumNumbers Strictly ascending quorum numbers.
    /// @param socket Where the operator can be reached.
    /// @param params BLS keys and proof of possession (ignored if a key is registered already).
    /// @param operatorSignature The operator's AVS registration signature (AVS directory).
    function registerOperator(
        bytes calldata quorumNumbers,
        string calldata socket,
        IBLSApkRegistry.PubkeyRegistrationParams calldata params,
        ISignatureUtils.SignatureWithSaltAndExpiry memory operatorSignature
    ) external;

    /// @notice Deregisters the caller from quorums.
    /// @param quorumNumbers Strictly ascending quorum numbers.
    function deregisterOperator(
        bytes calldata quorumNumbers
    ) external;

    /// @notice Re-reads the stakes of operators in all their quorums; operators below a
    ///         quorum's minimum are removed from it.
    /// @param operators The operators.
    function updateOperators(
        address[] calldata operators
    ) external;

    /// @notice Re-reads the stakes of every operator of the given quorums and records the block.
    /// @param operatorsPerQuorum For each quorum, all its operators in ascending address order.
    /// @param quorumNumbers Strictly ascending quorum numbers.
    function updateOperatorsForQuorum(
        address[][] calldata operatorsPerQuorum,
        bytes calldata quorumNumbers
    ) external;

    /// @notice Removes an operator from quorums. Ejector only.
    /// @param operator The operator.
    /// @param quorumNumbers Strictly ascending quorum numbers.
    function ejectOperator(
        address operator,
        bytes calldata quorumNumbers
    ) external;

    /// @notice Creates a quorum in every registry. Owner only.
    /// @param operatorSetParams Operator set parameters.
    /// @param minimumStake Minimum weight to register.
    /// @param strategyParams Strategies and multipliers.
    function createQuorum(
        OperatorSetParam memory operatorSetParams,
        uint96 minimumStake,
        IStakeRegistry.StrategyParams[] memory strategyParams
    ) external;

    /// @notice Changes a quorum's operator set parameters. Owner only.
    /// @param quorumNumber The quorum.
    /// @param operatorSetParams The new parameters.
    function setOperatorSetParams(
        uint8 quorumNumber,
        OperatorSetParam memory operatorSetParams
    ) external;

    /// @notice Sets the ejector. Owner only.
    /// @param ejector The new ejector.
    function setEjector(
        address ejector
    ) external;

    /// @notice A quorum's operator set parameters.
    /// @param quorumNumber The quorum.
    function getOperatorSetParams(
        uint8 quorumNumber
    ) external view returns (OperatorSetParam memory);

    /// @notice The service manager (told of every registration and full deregistration).
    function serviceManager() external view returns (IServiceManager);

    /// @notice The stake registry.
    function stakeRegistry() external view returns (IStakeRegistry);

    /// @notice The BLS APK registry.
    function blsApkRegistry() external view returns (IBLSApkRegistry);

    /// @notice The index registry.
    function indexRegistry() external view returns (IIndexRegistry);

    /// @notice Number of quorums created.
    function quorumCount() external view returns (uint8);

    /// @notice An operator's id and state.
    /// @param operator The operator.
    function getOperator(
        address operator
    ) external view returns (OperatorInfo memory);

    /// @notice An operator's id (0 if it never registered).
    /// @param operator The operator.
    function getOperatorId(
        address operator
    ) external view returns (bytes32);

    /// @notice The operator with this id (0 if none).
    /// @param operatorId The operator id.
    function getOperatorFromId(
        bytes32 operatorId
    ) external view returns (address operator);

    /// @notice An operator's registration state.
    /// @param operator The operator.
    function getOperatorStatus(
        address operator
    ) external view returns (OperatorStatus);

    /// @notice For each operator id, the index of its bitmap entry in force at `blockNumber`.
    /// @param blockNumber The block.
    /// @param operatorIds The operator ids.
    function getQuorumBitmapIndicesAtBlockNumber(
        uint32 blockNumber,
        bytes32[] memory operatorIds
    ) external view returns (uint32[] memory);

    /// @notice The bitmap of entry `index`, checked to be in force at `blockNumber`.
    /// @param operatorId The operator id.
    /// @param blockNumber The block.
    /// @param index The entry's index.
    function getQuorumBitmapAtBlockNumberByIndex(
        bytes32 operatorId,
        uint32 blockNumber,
        uint256 index
    ) external view returns (uint192);

    /// @notice One entry of an operator's bitmap history.
    /// @param operatorId The operator id.
    /// @param index The entry's index.
    function getQuorumBitmapUpdateByIndex(
        bytes32 operatorId,
        uint256 index
    ) external view returns (QuorumBitmapUpdate memory);

    /// @notice An operator's current quorum bitmap.
    /// @param operatorId The operator id.
    function getCurrentQuorumBitmap(
        bytes32 operatorId
    ) external view returns (uint192);

    /// @notice Length of an operator's bitmap history.
    /// @param operatorId The operator id.
    function getQuorumBitmapHistoryLength(
        bytes32 operatorId
    ) external view returns (uint256);

    /// @notice The registries the coordinator drives (stake, BLS APK, index).
    /// @param index The index.
    function registries(
        uint256 index
    ) external view returns (address);

    /// @notice Number of registries.
    function numRegistries() external view returns (uint256);

    /// @notice hashToG1 of the EIP-712 digest an operator signs with its BLS key to prove possession.
    /// @param operator The operator.
    function pubkeyRegistrationMessageHash(
        address operator
    ) external view returns (BN254.G1Point memory);

    /// @notice The EIP-712 digest of BN254PubkeyRegistration(address operator) (domain
    ///         "AVSRegistryCoordinator", version "v0.0.1").
    /// @param operator The operator.
    function calculatePubkeyRegistrationMessageHash(
        address operator
    ) external view returns (bytes32);

    /// @notice Block at which all operators of a quorum last had their stakes updated.
    /// @param quorumNumber The quorum.
    function quorumUpdateBlockNumber(
        uint8 quorumNumber
    ) external view returns (uint256);

    /// @notice The owner.
    function owner() external view returns (address);
}
