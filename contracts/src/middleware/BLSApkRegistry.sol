// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IBLSApkRegistry} from "../interfaces/IBLSApkRegistry.sol";
import {BN254} from "../libraries/BN254.sol";
import {HistoryWord} from "../libraries/HistoryWord.sol";

/// @title BLSApkRegistry
/// @notice Records each operator's BLS key pair (G1 and G2 halves, proven to share one secret)
///         and keeps, per quorum, the aggregate G1 key with a history that lets a signature be
///         checked against the operator set of a past block.
/// @dev Same ABI and semantics as EigenLayer's BLSApkRegistry; also stores the G2 key (as
///      EigenLayer v1.x does) so that off-chain code can read it without scanning events.
contract BLSApkRegistry is IBLSApkRegistry {
    using BN254 for BN254.G1Point;

    /// @notice keccak256 of the point at infinity (0, 0); never a valid operator key hash.
    bytes32 internal constant ZERO_PK_HASH =
        0xad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5;

    /// @notice The RegistryCoordinator allowed to change this registry.
    address public immutable registryCoordinator;

    /// @inheritdoc IBLSApkRegistry
    mapping(address => bytes32) public operatorToPubkeyHash;
    /// @inheritdoc IBLSApkRegistry
    mapping(bytes32 => address) public pubkeyHashToOperator;
    /// @notice The G1 key of each operator.
    mapping(address => BN254.G1Point) public operatorToPubkey;
    /// @notice APK history of each quorum (entry 0 written at quorum creation).
    mapping(uint8 => ApkUpdate[]) public apkHistory;
    /// @notice The current G1 APK of each quorum.
    mapping(uint8 => BN254.G1Point) public currentApk;
    mapping(address => BN254.G2Point) internal _operatorToPubkeyG2;

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

    /// @inheritdoc IBLSApkRegistry
    function registerOperator(
        address operator,
        bytes calldata quorumNumbers
    ) external onlyRegistryCoordinator {
        (BN254.G1Point memory pubkey, bytes32 id) = getRegisteredPubkey(operator);
        _updateQuorumApks(quorumNumbers, pubkey);
        emit OperatorAddedToQuorums(operator, id, quorumNumbers);
    }

    /// @inheritdoc IBLSApkRegistry
    function deregisterOperator(
        address operator,
        bytes calldata quorumNumbers
    ) external onlyRegistryCoordinator {
        (BN254.G1Point memory pubkey, bytes32 id) = getRegisteredPubkey(operator);
        _updateQuorumApks(quorumNumbers, pubkey.negate());
        emit OperatorRemovedFromQuorums(operator, id, quorumNumbers);
    }

    /// @inheritdoc IBLSApkRegistry
    function initializeQuorum(
        uint8 quorumNumber
    ) external onlyRegistryCoordinator {
        if (apkHistory[quorumNumber].length != 0) revert QuorumAlreadyExists();
        apkHistory[quorumNumber].push(
            ApkUpdate({
                apkHash: bytes24(0),
                updateBlockNumber: uint32(block.number),
                nextUpdateBlockNumber: 0
            })
        );
        emit QuorumCreated(quorumNumber);
    }

    /// @inheritdoc IBLSApkRegistry
    function registerBLSPublicKey(
        address operator,
        PubkeyRegistrationParams calldata params,
        BN254.G1Point calldata pubkeyRegistrationMessageHash
    ) external onlyRegistryCoordinator returns (bytes32 operatorId) {
        operatorId = BN254.hashG1Point(params.pubkeyG1);
        if (operatorId == ZERO_PK_HASH) revert ZeroPubKey();
        if (operatorToPubkeyHash[operator] != bytes32(0)) revert OperatorAlreadyRegistered();
        if (pubkeyHashToOperator[operatorId] != address(0)) revert BLSPubkeyAlreadyRegistered();
        if (!_verifyPossession(params, pubkeyRegistrationMessageHash)) {
            revert InvalidBLSSignatureOrPrivateKey();
        }
        operatorToPubkey[operator] = params.pubkeyG1;
        _operatorToPubkeyG2[operator] = params.pubkeyG2;
        operatorToPubkeyHash[operator] = operatorId;
        pubkeyHashToOperator[operatorId] = operator;
        emit NewPubkeyRegistration(operator, params.pubkeyG1, params.pubkeyG2);
    }

    /// @dev The proof of possession, EigenLayer's exact check: with
    ///      gamma = keccak256(sigma, pkG1, pkG2, H) mod r (signature first, 320 bytes),
    ///      e(sigma + gamma*pkG1, -G2) * e(H + gamma*G1, pkG2) == 1. One pairing checks both that
    ///      sigma = sk*H and that pkG1, pkG2 share sk. A G2 key outside the subgroup makes the
    ///      precompile fail, which counts as an invalid proof.
    function _verifyPossession(
        PubkeyRegistrationParams calldata params,
        BN254.G1Point calldata h
    ) internal view returns (bool) {
        BN254.G1Point memory sigma = params.pubkeyRegistrationSignature;
        BN254.G1Point memory pk = params.pubkeyG1;
        BN254.G2Point memory pk2 = params.pubkeyG2;
        BN254.G1Point memory msgPoint = h;
        uint256 gamma = uint256(
            keccak256(
                abi.encodePacked(
                    sigma.X,
                    sigma.Y,
                    pk.X,
                    pk.Y,
                    pk2.X[0],
                    pk2.X[1],
                    pk2.Y[0],
                    pk2.Y[1],
                    msgPoint.X,
                    msgPoint.Y
                )
            )
        ) % BN254.FR_MODULUS;
        (bool ok, bool valid) = BN254.safePairing(
            sigma.plus(pk.scalar_mul(gamma)),
            BN254.negGeneratorG2(),
            msgPoint.plus(BN254.generatorG1().scalar_mul(gamma)),
            pk2,
            gasleft()
        );
        return ok && valid;
    }

    /// @dev Adds `point` to the APK of each quorum and appends (or, within one block, rewrites)
    ///      the history entry.
    function _updateQuorumApks(
        bytes calldata quorumNumbers,
        BN254.G1Point memory point
    ) internal {
        for (uint256 i = 0; i < quorumNumbers.length; i++) {
            uint8 q = uint8(quorumNumbers[i]);
            ApkUpdate[] storage history = apkHistory[q];
            uint256 n = history.length;
            if (n == 0) revert QuorumDoesNotExist();
            BN254.G1Point memory apk = currentApk[q].plus(point);
            currentApk[q] = apk;
            bytes24 apkHash = bytes24(BN254.hashG1Point(apk));
            ApkUpdate storage last = history[n - 1];
            if (last.updateBlockNumber == uint32(block.number)) {
                last.apkHash = apkHash;
            } else {
                last.nextUpdateBlockNumber = uint32(block.number);
                history.push(
                    ApkUpdate({
                        apkHash: apkHash,
                        updateBlockNumber: uint32(block.number),
                        nextUpdateBlockNumber: 0
                    })
                );
            }
        }
    }

    /// @inheritdoc IBLSApkRegistry
    function getRegisteredPubkey(
        address operator
    ) public view returns (BN254.G1Point memory, bytes32) {
        bytes32 id = operatorToPubkeyHash[operator];
        if (id == bytes32(0)) revert OperatorNotRegistered();
        return (operatorToPubkey[operator], id);
    }

    /// @inheritdoc IBLSApkRegistry
    function getOperatorPubkeyG2(
        address operator
    ) external view returns (BN254.G2Point memory) {
        return _operatorToPubkeyG2[operator];
    }

    /// @inheritdoc IBLSApkRegistry
    function getApk(
        uint8 quorumNumber
    ) external view returns (BN254.G1Point memory) {
        return currentApk[quorumNumber];
    }

    /// @inheritdoc IBLSApkRegistry
    function getApkIndicesAtBlockNumber(
        bytes calldata quorumNumbers,
        uint256 blockNumber
    ) external view returns (uint32[] memory indices) {
        indices = new uint32[](quorumNumbers.length);
        for (uint256 i = 0; i < quorumNumbers.length; i++) {
            ApkUpdate[] storage history = apkHistory[uint8(quorumNumbers[i])];
            uint256 n = history.length;
            if (n == 0 || blockNumber < history[0].updateBlockNumber) {
                revert BlockNumberBeforeFirstUpdate();
            }
            // Search backwards: the reference block is usually recent.
            for (uint256 j = n; j > 0; j--) {
                if (history[j - 1].updateBlockNumber <= blockNumber) {
                    indices[i] = uint32(j - 1);
                    break;
                }
            }
        }
    }

    /// @inheritdoc IBLSApkRegistry
    function getApkUpdateAtIndex(
        uint8 quorumNumber,
        uint256 index
    ) external view returns (ApkUpdate memory) {
        return apkHistory[quorumNumber][index];
    }

    /// @notice Length of a quorum's APK history.
    /// @param quorumNumber The quorum.
    function getApkHistoryLength(
        uint8 quorumNumber
    ) external view returns (uint32) {
        return uint32(apkHistory[quorumNumber].length);
    }

    /// @inheritdoc IBLSApkRegistry
    function getOperatorFromPubkeyHash(
        bytes32 pubkeyHash
    ) external view returns (address) {
        return pubkeyHashToOperator[pubkeyHash];
    }

    /// @inheritdoc IBLSApkRegistry
    function getApkHashAtBlockNumberAndIndex(
        uint8 quorumNumber,
        uint32 blockNumber,
        uint256 index
    ) external view returns (bytes24) {
        ApkUpdate[] storage history = apkHistory[quorumNumber];
        uint256 slot;
        assembly ("memory-safe") {
            slot := history.slot
        }
        // ApkUpdate packs apkHash (low 24 bytes), updateBlockNumber, nextUpdateBlockNumber.
        uint256 w = HistoryWord.read(slot, index);
        if (w == 0) revert HistoryIndexOutOfBounds();
        if (blockNumber < uint32(w >> 192)) revert BlockNumberTooRecent();
        uint32 next = uint32(w >> 224);
        if (next != 0 && blockNumber >= next) revert BlockNumberNotLatest();
        return bytes24(uint192(w));
    }

    /// @inheritdoc IBLSApkRegistry
    function getOperatorId(
        address operator
    ) external view returns (bytes32) {
        return operatorToPubkeyHash[operator];
    }
}
