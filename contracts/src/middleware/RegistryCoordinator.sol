// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IRegistryCoordinator} from "../interfaces/IRegistryCoordinator.sol";
import {IBLSApkRegistry} from "../interfaces/IBLSApkRegistry.sol";
import {IStakeRegistry} from "../interfaces/IStakeRegistry.sol";
import {IIndexRegistry} from "../interfaces/IIndexRegistry.sol";
import {IServiceManager} from "../interfaces/IServiceManager.sol";
import {ISocketUpdater} from "../interfaces/ISocketUpdater.sol";
import {ISignatureUtils} from "../interfaces/ISignatureUtils.sol";
import {BitmapUtils} from "../libraries/BitmapUtils.sol";
import {BN254} from "../libraries/BN254.sol";
import {HistoryWord} from "../libraries/HistoryWord.sol";

/// @title RegistryCoordinator
/// @notice Where operators join and leave quorums. Registration records the operator's BLS key
///         (with proof of possession) on first use, registers it with the AVS directory through
///         the service manager (operator's EIP-712 signature), then adds it to the APK, stake
///         and index registries. Keeps each operator's quorum bitmap history.
/// @dev EigenLayer's M2 RegistryCoordinator ABI and semantics, minus churn (registration with
///      kick-out of a smaller operator): a full quorum simply rejects new operators. Pausing
///      stops registration only; deregistration always works.
contract RegistryCoordinator is
    IRegistryCoordinator,
    ISocketUpdater,
    EIP712,
    Ownable2Step,
    Pausable
{
    using BN254 for BN254.G1Point;

    /// @notice keccak256("BN254PubkeyRegistration(address operator)").
    bytes32 public constant PUBKEY_REGISTRATION_TYPEHASH =
        keccak256("BN254PubkeyRegistration(address operator)");
    /// @notice Most quorums (bitmaps are uint192).
    uint8 internal constant MAX_QUORUM_COUNT = 192;

    /// @notice The service manager that registers operators with the AVS directory.
    IServiceManager public immutable serviceManager;
    /// @inheritdoc IRegistryCoordinator
    IBLSApkRegistry public immutable blsApkRegistry;
    /// @inheritdoc IRegistryCoordinator
    IStakeRegistry public immutable stakeRegistry;
    /// @inheritdoc IRegistryCoordinator
    IIndexRegistry public immutable indexRegistry;

    /// @inheritdoc IRegistryCoordinator
    uint8 public quorumCount;
    /// @inheritdoc IRegistryCoordinator
    mapping(uint8 => uint256) public quorumUpdateBlockNumber;
    /// @inheritdoc IRegistryCoordinator
    address[] public registries;
    /// @notice May eject operators from quorums.
    address public ejector;

    mapping(uint8 => OperatorSetParam) internal _quorumParams;
    mapping(bytes32 => QuorumBitmapUpdate[]) internal _operatorBitmapHistory;
    mapping(address => OperatorInfo) internal _operatorInfo;

    modifier onlyEjector() {
        if (msg.sender != ejector) revert OnlyEjector();
        _;
    }

    modifier quorumExists(
        uint8 quorumNumber
    ) {
        if (quorumNumber >= quorumCount) revert QuorumDoesNotExist();
        _;
    }

    /// @param serviceManager_ The AVS service manager.
    /// @param stakeRegistry_ The stake registry.
    /// @param blsApkRegistry_ The BLS APK registry.
    /// @param indexRegistry_ The index registry.
    /// @param initialOwner Owner (creates quorums, sets parameters, pauses).
    /// @param initialEjector May eject operators.
    constructor(
        IServiceManager serviceManager_,
        IStakeRegistry stakeRegistry_,
        IBLSApkRegistry blsApkRegistry_,
        IIndexRegistry indexRegistry_,
        address initialOwner,
        address initialEjector
    ) EIP712("AVSRegistryCoordinator", "v0.0.1") Ownable(initialOwner) {
        if (
            address(serviceManager_) == address(0) || address(stakeRegistry_) == address(0)
                || address(blsApkRegistry_) == address(0) || address(indexRegistry_) == address(0)
        ) revert ZeroAddress();
        serviceManager = serviceManager_;
        stakeRegistry = stakeRegistry_;
        blsApkRegistry = blsApkRegistry_;
        indexRegistry = indexRegistry_;
        registries.push(address(stakeRegistry_));
        registries.push(address(blsApkRegistry_));
        registries.push(address(indexRegistry_));
        _setEjector(initialEjector);
    }

    // ---- operators ----

    /// @inheritdoc IRegistryCoordinator
    function registerOperator(
        bytes calldata quorumNumbers,
        string calldata socket,
        IBLSApkRegistry.PubkeyRegistrationParams calldata params,
        ISignatureUtils.SignatureWithSaltAndExpiry memory operatorSignature
    ) external whenNotPaused {
        bytes32 operatorId = _getOrCreateOperatorId(msg.sender, params);
        uint32[] memory counts =
            _registerOperator(msg.sender, operatorId, quorumNumbers, socket, operatorSignature);
        for (uint256 i = 0; i < quorumNumbers.length; i++) {
            if (counts[i] > _quorumParams[uint8(quorumNumbers[i])].maxOperatorCount) {
                revert MaxOperatorCountReached();
            }
        }
    }

    /// @inheritdoc IRegistryCoordinator
    function deregisterOperator(
        bytes calldata quorumNumbers
    ) external {
        _deregisterOperator(msg.sender, quorumNumbers);
    }

    /// @inheritdoc IRegistryCoordinator
    function updateOperators(
        address[] calldata operators
    ) external {
        for (uint256 i = 0; i < operators.length; i++) {
            OperatorInfo memory info = _operatorInfo[operators[i]];
            bytes memory quorums = BitmapUtils.bitmapToBytesArray(_currentBitmap(info.operatorId));
            _updateOperator(operators[i], info, quorums);
        }
    }

    /// @inheritdoc IRegistryCoordinator
    function updateOperatorsForQuorum(
        address[][] calldata operatorsPerQuorum,
        bytes calldata quorumNumbers
    ) external {
        BitmapUtils.orderedBytesArrayToBitmap(quorumNumbers, quorumCount);
        if (operatorsPerQuorum.length != quorumNumbers.length) revert InputLengthMismatch();
        for (uint256 i = 0; i < quorumNumbers.length; i++) {
            uint8 q = uint8(quorumNumbers[i]);
            address[] calldata ops = operatorsPerQuorum[i];
            if (ops.length != indexRegistry.totalOperatorsForQuorum(q)) {
                revert QuorumOperatorCountMismatch();
            }
            address prev = address(0);
            for (uint256 j = 0; j < ops.length; j++) {
                OperatorInfo memory info = _operatorInfo[ops[j]];
                if (!BitmapUtils.isSet(_currentBitmap(info.operatorId), q)) {
                    revert NotRegisteredForQuorum();
                }
                // Ascending order with the count check proves every operator was updated once.
                if (ops[j] <= prev) revert NotSorted();
                _updateOperator(ops[j], info, quorumNumbers[i:i + 1]);
                prev = ops[j];
            }
            quorumUpdateBlockNumber[q] = block.number;
            emit QuorumBlockNumberUpdated(q, block.number);
        }
    }

    /// @inheritdoc ISocketUpdater
    function updateSocket(
        string memory socket
    ) external {
        OperatorInfo memory info = _operatorInfo[msg.sender];
        if (info.status != OperatorStatus.REGISTERED) revert NotRegistered();
        emit OperatorSocketUpdate(info.operatorId, socket);
    }

    /// @inheritdoc IRegistryCoordinator
    function ejectOperator(
        address operator,
        bytes calldata quorumNumbers
    ) external onlyEjector {
        _deregisterOperator(operator, quorumNumbers);
    }

    // ---- owner ----

    /// @inheritdoc IRegistryCoordinator
    function createQuorum(
        OperatorSetParam memory operatorSetParams,
        uint96 minimumStake,
        IStakeRegistry.StrategyParams[] memory strategyParams
    ) external onlyOwner {
        uint8 q = quorumCount;
        if (q >= MAX_QUORUM_COUNT) revert MaxQuorumsReached();
        quorumCount = q + 1;
        _setOperatorSetParams(q, operatorSetParams);
        stakeRegistry.initializeQuorum(q, minimumStake, strategyParams);
        indexRegistry.initializeQuorum(q);
        blsApkRegistry.initializeQuorum(q);
    }

    /// @inheritdoc IRegistryCoordinator
    function setOperatorSetParams(
        uint8 quorumNumber,
        OperatorSetParam memory operatorSetParams
    ) external onlyOwner quorumExists(quorumNumber) {
        _setOperatorSetParams(quorumNumber, operatorSetParams);
    }

    /// @inheritdoc IRegistryCoordinator
    function setEjector(
        address newEjector
    ) external onlyOwner {
        _setEjector(newEjector);
    }

    /// @notice Stops new registrations. Owner only.
    function pause() external onlyOwner {
        _pause();
    }

    /// @notice Allows registrations again. Owner only.
    function unpause() external onlyOwner {
        _unpause();
    }

    // ---- internal ----

    function _getOrCreateOperatorId(
        address operator,
        IBLSApkRegistry.PubkeyRegistrationParams calldata params
    ) internal returns (bytes32 operatorId) {
        operatorId = blsApkRegistry.getOperatorId(operator);
        if (operatorId == bytes32(0)) {
            operatorId = blsApkRegistry.registerBLSPublicKey(
                operator, params, pubkeyRegistrationMessageHash(operator)
            );
        }
    }

    function _registerOperator(
        address operator,
        bytes32 operatorId,
        bytes calldata quorumNumbers,
        string calldata socket,
        ISignatureUtils.SignatureWithSaltAndExpiry memory operatorSignature
    ) internal returns (uint32[] memory numOperatorsPerQuorum) {
        uint256 toAdd = BitmapUtils.orderedBytesArrayToBitmap(quorumNumbers, quorumCount);
        uint256 current = _currentBitmap(operatorId);
        if (toAdd == 0) revert BitmapEmpty();
        if (!BitmapUtils.noBitsInCommon(toAdd, current)) revert AlreadyRegisteredForQuorums();
        _updateOperatorBitmap(operatorId, uint192(current | toAdd));
        emit OperatorSocketUpdate(operatorId, socket);
        if (_operatorInfo[operator].status != OperatorStatus.REGISTERED) {
            _operatorInfo[operator] =
                OperatorInfo({operatorId: operatorId, status: OperatorStatus.REGISTERED});
            serviceManager.registerOperatorToAVS(operator, operatorSignature);
            emit OperatorRegistered(operator, operatorId);
        }
        blsApkRegistry.registerOperator(operator, quorumNumbers);
        stakeRegistry.registerOperator(operator, operatorId, quorumNumbers);
        numOperatorsPerQuorum = indexRegistry.registerOperator(operatorId, quorumNumbers);
    }

    function _deregisterOperator(
        address operator,
        bytes memory quorumNumbers
    ) internal {
        OperatorInfo storage info = _operatorInfo[operator];
        bytes32 operatorId = info.operatorId;
        if (info.status != OperatorStatus.REGISTERED) revert NotRegistered();
        uint256 toRemove = BitmapUtils.orderedBytesArrayToBitmap(quorumNumbers, quorumCount);
        uint256 current = _currentBitmap(operatorId);
        if (toRemove == 0) revert BitmapEmpty();
        if (!BitmapUtils.isSubsetOf(toRemove, current)) revert NotRegisteredForQuorum();
        uint192 remaining = uint192(BitmapUtils.minus(current, toRemove));
        _updateOperatorBitmap(operatorId, remaining);
        if (remaining == 0) {
            info.status = OperatorStatus.DEREGISTERED;
            serviceManager.deregisterOperatorFromAVS(operator);
            emit OperatorDeregistered(operator, operatorId);
        }
        blsApkRegistry.deregisterOperator(operator, quorumNumbers);
        stakeRegistry.deregisterOperator(operatorId, quorumNumbers);
        indexRegistry.deregisterOperator(operatorId, quorumNumbers);
    }

    function _updateOperator(
        address operator,
        OperatorInfo memory info,
        bytes memory quorumsToUpdate
    ) internal {
        if (info.status != OperatorStatus.REGISTERED) return;
        uint192 toRemove =
            stakeRegistry.updateOperatorStake(operator, info.operatorId, quorumsToUpdate);
        if (toRemove != 0) _deregisterOperator(operator, BitmapUtils.bitmapToBytesArray(toRemove));
    }

    function _updateOperatorBitmap(
        bytes32 operatorId,
        uint192 newBitmap
    ) internal {
        QuorumBitmapUpdate[] storage h = _operatorBitmapHistory[operatorId];
        uint256 n = h.length;
        if (n != 0 && h[n - 1].updateBlockNumber == uint32(block.number)) {
            h[n - 1].quorumBitmap = newBitmap;
            return;
        }
        if (n != 0) h[n - 1].nextUpdateBlockNumber = uint32(block.number);
        h.push(
            QuorumBitmapUpdate({
                updateBlockNumber: uint32(block.number),
                nextUpdateBlockNumber: 0,
                quorumBitmap: newBitmap
            })
        );
    }

    function _currentBitmap(
        bytes32 operatorId
    ) internal view returns (uint192) {
        QuorumBitmapUpdate[] storage h = _operatorBitmapHistory[operatorId];
        return h.length == 0 ? 0 : h[h.length - 1].quorumBitmap;
    }

    function _bitmapIndexAtBlockNumber(
        uint32 blockNumber,
        bytes32 operatorId
    ) internal view returns (uint32) {
        QuorumBitmapUpdate[] storage h = _operatorBitmapHistory[operatorId];
        for (uint256 i = h.length; i > 0; i--) {
            if (h[i - 1].updateBlockNumber <= blockNumber) return uint32(i - 1);
        }
        revert NoBitmapUpdateAtBlockNumber();
    }

    function _setOperatorSetParams(
        uint8 quorumNumber,
        OperatorSetParam memory params
    ) internal {
        _quorumParams[quorumNumber] = params;
        emit OperatorSetParamsUpdated(quorumNumber, params);
    }

    function _setEjector(
        address newEjector
    ) internal {
        emit EjectorUpdated(ejector, newEjector);
        ejector = newEjector;
    }

    // ---- views ----

    /// @inheritdoc IRegistryCoordinator
    function getOperatorSetParams(
        uint8 quorumNumber
    ) external view returns (OperatorSetParam memory) {
        return _quorumParams[quorumNumber];
    }

    /// @inheritdoc IRegistryCoordinator
    function getOperator(
        address operator
    ) external view returns (OperatorInfo memory) {
        return _operatorInfo[operator];
    }

    /// @inheritdoc IRegistryCoordinator
    function getOperatorId(
        address operator
    ) external view returns (bytes32) {
        return _operatorInfo[operator].operatorId;
    }

    /// @inheritdoc IRegistryCoordinator
    function getOperatorFromId(
        bytes32 operatorId
    ) external view returns (address) {
        return blsApkRegistry.getOperatorFromPubkeyHash(operatorId);
    }

    /// @inheritdoc IRegistryCoordinator
    function getOperatorStatus(
        address operator
    ) external view returns (OperatorStatus) {
        return _operatorInfo[operator].status;
    }

    /// @inheritdoc IRegistryCoordinator
    function getQuorumBitmapIndicesAtBlockNumber(
        uint32 blockNumber,
        bytes32[] memory operatorIds
    ) external view returns (uint32[] memory indices) {
        indices = new uint32[](operatorIds.length);
        for (uint256 i = 0; i < operatorIds.length; i++) {
            indices[i] = _bitmapIndexAtBlockNumber(blockNumber, operatorIds[i]);
        }
    }

    /// @inheritdoc IRegistryCoordinator
    function getQuorumBitmapAtBlockNumberByIndex(
        bytes32 operatorId,
        uint32 blockNumber,
        uint256 index
    ) external view returns (uint192) {
        QuorumBitmapUpdate[] storage h = _operatorBitmapHistory[operatorId];
        uint256 slot;
        assembly ("memory-safe") {
            slot := h.slot
        }
        // QuorumBitmapUpdate packs updateBlockNumber, nextUpdateBlockNumber, quorumBitmap.
        uint256 w = HistoryWord.read(slot, index);
        if (w == 0) revert HistoryIndexOutOfBounds();
        if (blockNumber < uint32(w)) revert BitmapUpdateIsAfterBlockNumber();
        uint32 next = uint32(w >> 32);
        if (next != 0 && blockNumber >= next) revert NextBitmapUpdateIsBeforeBlockNumber();
        return uint192(w >> 64);
    }

    /// @inheritdoc IRegistryCoordinator
    function getQuorumBitmapUpdateByIndex(
        bytes32 operatorId,
        uint256 index
    ) external view returns (QuorumBitmapUpdate memory) {
        return _operatorBitmapHistory[operatorId][index];
    }

    /// @inheritdoc IRegistryCoordinator
    function getCurrentQuorumBitmap(
        bytes32 operatorId
    ) external view returns (uint192) {
        return _currentBitmap(operatorId);
    }

    /// @inheritdoc IRegistryCoordinator
    function getQuorumBitmapHistoryLength(
        bytes32 operatorId
    ) external view returns (uint256) {
        return _operatorBitmapHistory[operatorId].length;
    }

    /// @inheritdoc IRegistryCoordinator
    function numRegistries() external view returns (uint256) {
        return registries.length;
    }

    /// @inheritdoc IRegistryCoordinator
    function pubkeyRegistrationMessageHash(
        address operator
    ) public view returns (BN254.G1Point memory) {
        return BN254.hashToG1(calculatePubkeyRegistrationMessageHash(operator));
    }

    /// @inheritdoc IRegistryCoordinator
    function calculatePubkeyRegistrationMessageHash(
        address operator
    ) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(PUBKEY_REGISTRATION_TYPEHASH, operator)));
    }

    /// @inheritdoc IRegistryCoordinator
    function owner() public view override(Ownable, IRegistryCoordinator) returns (address) {
        return Ownable.owner();
    }
}
