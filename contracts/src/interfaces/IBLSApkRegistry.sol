// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IRegistry} from "./IRegistry.sol";
import {BN254} from "../libraries/BN254.sol";

/// @title IBLSApkRegistry
/// @notice Operators' BLS public keys (registered once, with proof of possession) and the
///         aggregate G1 public key (APK) of every quorum with its history (EigenLayer ABI).
interface IBLSApkRegistry is IRegistry {
    /// @notice One entry of a quorum's APK history.
    /// @param apkHash First 24 bytes of hashG1Point(apk).
    /// @param updateBlockNumber Block from which this APK holds.
    /// @param nextUpdateBlockNumber Block of the next entry, 0 while this is the latest.
    struct ApkUpdate {
        bytes24 apkHash;
        uint32 updateBlockNumber;
        uint32 nextUpdateBlockNumber;
    }

    /// @notice What an operator sends to register its BLS key.
    /// @param pubkeyRegistrationSignature sk * pubkeyRegistrationMessageHash(operator) (the PoP).
    /// @param pubkeyG1 sk * G1.
    /// @param pubkeyG2 sk * G2 (imaginary-first coordinates).
    struct PubkeyRegistrationParams {
        BN254.G1Point pubkeyRegistrationSignature;
        BN254.G1Point pubkeyG1;
        BN254.G2Point pubkeyG2;
    }

    /// @notice An operator registered its BLS public key.
    /// @param operator The operator.
    /// @param pubkeyG1 Its G1 public key.
    /// @param pubkeyG2 Its G2 public key.
    event NewPubkeyRegistration(
        address indexed operator, BN254.G1Point pubkeyG1, BN254.G2Point pubkeyG2
    );

    /// @notice A quorum's history was started in this registry.
    /// @param quorumNumber The new quorum.
    event QuorumCreated(uint8 indexed quorumNumber);

    /// @notice An operator's key was added to the APKs of quorums.
    /// @param operator The operator.
    /// @param operatorId Its id.
    /// @param quorumNumbers The quorums.
    event OperatorAddedToQuorums(address operator, bytes32 operatorId, bytes quorumNumbers);

    /// @notice An operator's key was removed from the APKs of quorums.
    /// @param operator The operator.
    /// @param operatorId Its id.
    /// @param quorumNumbers The quorums.
    event OperatorRemovedFromQuorums(address operator, bytes32 operatorId, bytes quorumNumbers);

    /// @notice The caller is not the RegistryCoordinator.
    error OnlyRegistryCoordinator();
    /// @notice The quorum has not been created.
    error QuorumDoesNotExist();
    /// @notice The quorum has already been created.
    error QuorumAlreadyExists();
    /// @notice The operator has no registered BLS key.
    error OperatorNotRegistered();
    /// @notice The G1 key is the point at infinity.
    error ZeroPubKey();
    /// @notice The operator has already registered a BLS key.
    error OperatorAlreadyRegistered();
    /// @notice Another operator has registered this BLS key.
    error BLSPubkeyAlreadyRegistered();
    /// @notice The proof of possession (registration signature) does not verify.
    error InvalidBLSSignatureOrPrivateKey();
    /// @notice The APK history has no entry at or before the block number.
    error BlockNumberBeforeFirstUpdate();
    /// @notice The history entry at the given index starts after the block number.
    error BlockNumberTooRecent();
    /// @notice A history index is beyond the end of the history.
    error HistoryIndexOutOfBounds();
    /// @notice The history entry at the given index was superseded at or before the block number.
    error BlockNumberNotLatest();

    /// @notice Adds the operator's key to the quorums' APKs. RegistryCoordinator only.
    /// @param operator The operator.
    /// @param quorumNumbers The quorums.
    function registerOperator(
        address operator,
        bytes calldata quorumNumbers
    ) external;

    /// @notice Removes the operator's key from the quorums' APKs. RegistryCoordinator only.
    /// @param operator The operator.
    /// @param quorumNumbers The quorums.
    function deregisterOperator(
        address operator,
        bytes calldata quorumNumbers
    ) external;

    /// @notice Starts the APK history of a new quorum. RegistryCoordinator only.
    /// @param quorumNumber The quorum.
    function initializeQuorum(
        uint8 quorumNumber
    ) external;

    /// @notice The pubkey hash (operator id) of `operator`, 0 if none.
    /// @param operator The operator.
    function operatorToPubkeyHash(
        address operator
    ) external view returns (bytes32);

    /// @notice The operator that registered the key with this hash, 0 if none.
    /// @param pubkeyHash The key hash.
    function pubkeyHashToOperator(
        bytes32 pubkeyHash
    ) external view returns (address);

    /// @notice Verifies the proof of possession and records the operator's key. RegistryCoordinator only.
    /// @param operator The operator.
    /// @param params The keys and the registration signature.
    /// @param pubkeyRegistrationMessageHash hashToG1 of the operator's registration digest.
    /// @return operatorId hashG1Point(params.pubkeyG1).
    function registerBLSPublicKey(
        address operator,
        PubkeyRegistrationParams calldata params,
        BN254.G1Point calldata pubkeyRegistrationMessageHash
    ) external returns (bytes32 operatorId);

    /// @notice The operator's G1 key and its hash; reverts if it has none.
    /// @param operator The operator.
    function getRegisteredPubkey(
        address operator
    ) external view returns (BN254.G1Point memory, bytes32);

    /// @notice The operator's G2 key ((0,0) coordinates if none).
    /// @param operator The operator.
    function getOperatorPubkeyG2(
        address operator
    ) external view returns (BN254.G2Point memory);

    /// @notice The current APK of a quorum.
    /// @param quorumNumber The quorum.
    function getApk(
        uint8 quorumNumber
    ) external view returns (BN254.G1Point memory);

    /// @notice For each quorum, the index of its APK history entry in force at `blockNumber`.
    /// @param quorumNumbers The quorums.
    /// @param blockNumber The block.
    function getApkIndicesAtBlockNumber(
        bytes calldata quorumNumbers,
        uint256 blockNumber
    ) external view returns (uint32[] memory);

    /// @notice One entry of a quorum's APK history.
    /// @param quorumNumber The quorum.
    /// @param index The entry's index.
    function getApkUpdateAtIndex(
        uint8 quorumNumber,
        uint256 index
    ) external view returns (ApkUpdate memory);

    /// @notice The operator that registered the key with this hash, 0 if none.
    /// @param pubkeyHash The key hash.
    function getOperatorFromPubkeyHash(
        bytes32 pubkeyHash
    ) external view returns (address);

    /// @notice The APK hash of entry `index`, checked to be in force at `blockNumber`.
    /// @param quorumNumber The quorum.
    /// @param blockNumber The block.
    /// @param index The entry's index (from getApkIndicesAtBlockNumber).
    function getApkHashAtBlockNumberAndIndex(
        uint8 quorumNumber,
        uint32 blockNumber,
        uint256 index
    ) external view returns (bytes24);

    /// @notice The operator id of `operator`, 0 if none.
    /// @param operator The operator.
    function getOperatorId(
        address operator
    ) external view returns (bytes32);
}
