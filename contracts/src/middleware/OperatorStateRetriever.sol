// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IRegistryCoordinator} from "../interfaces/IRegistryCoordinator.sol";
import {IBLSApkRegistry} from "../interfaces/IBLSApkRegistry.sol";
import {IStakeRegistry} from "../interfaces/IStakeRegistry.sol";
import {IIndexRegistry} from "../interfaces/IIndexRegistry.sol";
import {BitmapUtils} from "../libraries/BitmapUtils.sol";

/// @title OperatorStateRetriever
/// @notice Read-only helper for off-chain code (EigenLayer ABI): the operator sets of quorums at
///         a block, and the history indices an aggregator passes to checkSignatures.
/// @dev Stateless; every function takes the registry coordinator to read.
contract OperatorStateRetriever {
    /// @notice An operator of a quorum at a block.
    /// @param operator Its address.
    /// @param operatorId Its id (G1 pubkey hash).
    /// @param stake Its stake in the quorum at the block.
    struct Operator {
        address operator;
        bytes32 operatorId;
        uint96 stake;
    }

    /// @notice The index arguments of checkSignatures.
    /// @param nonSignerQuorumBitmapIndices Per non-signer, index of its bitmap entry.
    /// @param quorumApkIndices Per quorum, index of its APK entry.
    /// @param totalStakeIndices Per quorum, index of its total stake entry.
    /// @param nonSignerStakeIndices Per quorum, per non-signer in it, index of its stake entry.
    struct CheckSignaturesIndices {
        uint32[] nonSignerQuorumBitmapIndices;
        uint32[] quorumApkIndices;
        uint32[] totalStakeIndices;
        uint32[][] nonSignerStakeIndices;
    }

    /// @notice A non-signer had no quorum at the reference block.
    error OperatorNotRegistered();

    /// @notice The quorums of `operatorId` at `blockNumber` and the operator sets of those quorums.
    /// @param registryCoordinator The coordinator to read.
    /// @param operatorId The operator.
    /// @param blockNumber The block.
    /// @return quorumBitmap The operator's quorum bitmap at the block.
    /// @return operators Per quorum of the bitmap (ascending), its operators.
    function getOperatorState(
        IRegistryCoordinator registryCoordinator,
        bytes32 operatorId,
        uint32 blockNumber
    ) external view returns (uint256 quorumBitmap, Operator[][] memory operators) {
        bytes32[] memory ids = new bytes32[](1);
        ids[0] = operatorId;
        uint256 index = registryCoordinator.getQuorumBitmapIndicesAtBlockNumber(blockNumber, ids)[0];
        quorumBitmap =
            registryCoordinator.getQuorumBitmapAtBlockNumberByIndex(operatorId, blockNumber, index);
        operators = getOperatorState(
            registryCoordinator, BitmapUtils.bitmapToBytesArray(quorumBitmap), blockNumber
        );
    }

    /// @notice The operator sets of quorums at `blockNumber`, in index order.
    /// @param registryCoordinator The coordinator to read.
    /// @param quorumNumbers The quorums.
    /// @param blockNumber The block.
    /// @return operators Per quorum, its operators with their stakes.
    function getOperatorState(
        IRegistryCoordinator registryCoordinator,
        bytes memory quorumNumbers,
        uint32 blockNumber
    ) public view returns (Operator[][] memory operators) {
        IStakeRegistry stakeRegistry = registryCoordinator.stakeRegistry();
        IIndexRegistry indexRegistry = registryCoordinator.indexRegistry();
        IBLSApkRegistry blsApkRegistry = registryCoordinator.blsApkRegistry();
        operators = new Operator[][](quorumNumbers.length);
        for (uint256 i = 0; i < quorumNumbers.length; i++) {
            uint8 q = uint8(quorumNumbers[i]);
            bytes32[] memory ids = indexRegistry.getOperatorListAtBlockNumber(q, blockNumber);
            operators[i] = new Operator[](ids.length);
            for (uint256 j = 0; j < ids.length; j++) {
                operators[i][j] = Operator({
                    operator: blsApkRegistry.getOperatorFromPubkeyHash(ids[j]),
                    operatorId: ids[j],
                    stake: stakeRegistry.getStakeAtBlockNumber(ids[j], q, blockNumber)
                });
            }
        }
    }

    /// @notice The history indices checkSignatures needs for these quorums and non-signers.
    /// @param registryCoordinator The coordinator to read.
    /// @param referenceBlockNumber The reference block.
    /// @param quorumNumbers The quorums.
    /// @param nonSignerOperatorIds The non-signers, in the order they will be passed (ascending).
    function getCheckSignaturesIndices(
        IRegistryCoordinator registryCoordinator,
        uint32 referenceBlockNumber,
        bytes calldata quorumNumbers,
        bytes32[] calldata nonSignerOperatorIds
    ) external view returns (CheckSignaturesIndices memory r) {
        IStakeRegistry stakeRegistry = registryCoordinator.stakeRegistry();
        r.nonSignerQuorumBitmapIndices = registryCoordinator.getQuorumBitmapIndicesAtBlockNumber(
            referenceBlockNumber, nonSignerOperatorIds
        );
        r.totalStakeIndices =
            stakeRegistry.getTotalStakeIndicesAtBlockNumber(referenceBlockNumber, quorumNumbers);
        r.nonSignerStakeIndices = new uint32[][](quorumNumbers.length);
        uint256[] memory bitmaps = new uint256[](nonSignerOperatorIds.length);
        for (uint256 i = 0; i < nonSignerOperatorIds.length; i++) {
            bitmaps[i] = registryCoordinator.getQuorumBitmapAtBlockNumberByIndex(
                nonSignerOperatorIds[i], referenceBlockNumber, r.nonSignerQuorumBitmapIndices[i]
            );
            if (bitmaps[i] == 0) revert OperatorNotRegistered();
        }
        for (uint256 qi = 0; qi < quorumNumbers.length; qi++) {
            r.nonSignerStakeIndices[qi] = _stakeIndices(
                stakeRegistry,
                referenceBlockNumber,
                uint8(quorumNumbers[qi]),
                nonSignerOperatorIds,
                bitmaps
            );
        }
        r.quorumApkIndices = registryCoordinator.blsApkRegistry()
            .getApkIndicesAtBlockNumber(quorumNumbers, referenceBlockNumber);
    }

    /// @dev Stake history indices of the non-signers that are in quorum `q`, in order.
    function _stakeIndices(
        IStakeRegistry stakeRegistry,
        uint32 referenceBlockNumber,
        uint8 q,
        bytes32[] calldata ids,
        uint256[] memory bitmaps
    ) internal view returns (uint32[] memory indices) {
        uint256 count;
        for (uint256 i = 0; i < bitmaps.length; i++) {
            if (BitmapUtils.isSet(bitmaps[i], q)) count++;
        }
        indices = new uint32[](count);
        count = 0;
        for (uint256 i = 0; i < bitmaps.length; i++) {
            if (!BitmapUtils.isSet(bitmaps[i], q)) continue;
            indices[count++] =
                stakeRegistry.getStakeUpdateIndexAtBlockNumber(ids[i], q, referenceBlockNumber);
        }
    }

    /// @notice The quorum bitmaps of operators at a block.
    /// @param registryCoordinator The coordinator to read.
    /// @param operatorIds The operators.
    /// @param blockNumber The block.
    function getQuorumBitmapsAtBlockNumber(
        IRegistryCoordinator registryCoordinator,
        bytes32[] memory operatorIds,
        uint32 blockNumber
    ) external view returns (uint256[] memory bitmaps) {
        uint32[] memory indices =
            registryCoordinator.getQuorumBitmapIndicesAtBlockNumber(blockNumber, operatorIds);
        bitmaps = new uint256[](operatorIds.length);
        for (uint256 i = 0; i < operatorIds.length; i++) {
            bitmaps[i] = registryCoordinator.getQuorumBitmapAtBlockNumberByIndex(
                operatorIds[i], blockNumber, indices[i]
            );
        }
    }
}
