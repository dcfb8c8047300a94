// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IBLSSignatureChecker} from "../interfaces/IBLSSignatureChecker.sol";
import {IRegistryCoordinator} from "../interfaces/IRegistryCoordinator.sol";
import {IBLSApkRegistry} from "../interfaces/IBLSApkRegistry.sol";
import {IStakeRegistry} from "../interfaces/IStakeRegistry.sol";
import {IDelegationManager} from "../interfaces/IDelegationManager.sol";
import {BitmapUtils} from "../libraries/BitmapUtils.sol";
import {BN254} from "../libraries/BN254.sol";

/// @title BLSSignatureChecker
/// @notice EigenLayer's checkSignatures, step for step: the signers' G1 APK is the sum of the
///         quorums' APKs (checked against the registry history at the reference block) minus
///         each non-signer's key once per signing quorum it belongs to; signed stake is total
///         stake minus the non-signers' stakes; one pairing with the gamma combination checks
///         the aggregate signature and that the G1 and G2 APKs belong together.
/// @dev Abstract: the inheriting contract stores `staleStakesForbidden` (so it can pack it with
///      its own configuration) and decides who may change it.
abstract contract BLSSignatureChecker is IBLSSignatureChecker {
    using BN254 for BN254.G1Point;

    /// @dev The non-signers' pubkey hashes and their quorum bitmaps at the reference block.
    struct NonSignerInfo {
        uint256[] quorumBitmaps;
        bytes32[] pubkeyHashes;
    }

    /// @dev Gas given to the 2-pair pairing precompile (113,000 since EIP-1108), as in EigenLayer.
    uint256 internal constant PAIRING_EQUALITY_CHECK_GAS = 120_000;

    /// @inheritdoc IBLSSignatureChecker
    IRegistryCoordinator public immutable registryCoordinator;
    /// @inheritdoc IBLSSignatureChecker
    IStakeRegistry public immutable stakeRegistry;
    /// @inheritdoc IBLSSignatureChecker
    IBLSApkRegistry public immutable blsApkRegistry;
    /// @inheritdoc IBLSSignatureChecker
    IDelegationManager public immutable delegation;

    /// @param coordinator The registry coordinator; the other registries are read from it.
    constructor(
        IRegistryCoordinator coordinator
    ) {
        registryCoordinator = coordinator;
        stakeRegistry = coordinator.stakeRegistry();
        blsApkRegistry = coordinator.blsApkRegistry();
        delegation = stakeRegistry.delegation();
    }

    /// @inheritdoc IBLSSignatureChecker
    function checkSignatures(
        bytes32 msgHash,
        bytes calldata quorumNumbers,
        uint32 referenceBlockNumber,
        NonSignerStakesAndSignature calldata params
    ) public view returns (QuorumStakeTotals memory totals, bytes32 signatoryRecordHash) {
        uint256 signingBitmap =
            BitmapUtils.orderedBytesArrayToBitmap(quorumNumbers, registryCoordinator.quorumCount());
        (totals, signatoryRecordHash,) = _checkSignatures(
            msgHash,
            quorumNumbers,
            referenceBlockNumber,
            params,
            signingBitmap,
            staleStakesForbidden()
        );
    }

    /// @inheritdoc IBLSSignatureChecker
    function trySignatureAndApkVerification(
        bytes32 msgHash,
        BN254.G1Point memory apk,
        BN254.G2Point memory apkG2,
        BN254.G1Point memory sigma
    ) public view returns (bool pairingSuccessful, bool signatureIsValid) {
        uint256 gamma = uint256(
            keccak256(
                abi.encodePacked(
                    msgHash,
                    apk.X,
                    apk.Y,
                    apkG2.X[0],
                    apkG2.X[1],
                    apkG2.Y[0],
                    apkG2.Y[1],
                    sigma.X,
                    sigma.Y
                )
            )
        ) % BN254.FR_MODULUS;
        (pairingSuccessful, signatureIsValid) = BN254.safePairing(
            sigma.plus(apk.scalar_mul(gamma)),
            BN254.negGeneratorG2(),
            BN254.hashToG1(msgHash).plus(BN254.generatorG1().scalar_mul(gamma)),
            apkG2,
            PAIRING_EQUALITY_CHECK_GAS
        );
    }

    /// @inheritdoc IBLSSignatureChecker
    function staleStakesForbidden() public view virtual returns (bool);

    /// @dev checkSignatures with the signing quorum bitmap and the stale-stake flag passed in
    ///      (the caller has validated `quorumNumbers` against the quorum count); also returns the
    ///      non-signers' pubkey hashes (ascending) so the caller can tell signers from non-signers.
    function _checkSignatures(
        bytes32 msgHash,
        bytes memory quorumNumbers,
        uint32 referenceBlockNumber,
        NonSignerStakesAndSignature calldata params,
        uint256 signingBitmap,
        bool forbidStaleStakes
    )
        internal
        view
        returns (
            QuorumStakeTotals memory totals,
            bytes32 signatoryRecordHash,
            bytes32[] memory nonSignerHashes
        )
    {
        uint256 nq = quorumNumbers.length;
        if (nq == 0) revert InputEmptyQuorumNumbers();
        if (
            params.quorumApks.length != nq || params.quorumApkIndices.length != nq
                || params.totalStakeIndices.length != nq
                || params.nonSignerStakeIndices.length != nq
        ) revert InputArrayLengthMismatch();
        if (params.nonSignerPubkeys.length != params.nonSignerQuorumBitmapIndices.length) {
            revert InputNonSignerLengthMismatch();
        }
        if (referenceBlockNumber >= uint32(block.number)) revert InvalidReferenceBlocknumber();

        NonSignerInfo memory nonSigners;
        BN254.G1Point memory apk;
        (apk, nonSigners) = _nonSignerApk(signingBitmap, referenceBlockNumber, params);
        nonSignerHashes = nonSigners.pubkeyHashes;
        (apk, totals) = _quorumTotals(
            quorumNumbers, referenceBlockNumber, params, nonSigners, apk.negate(), forbidStaleStakes
        );

        (bool pairingOk, bool signatureOk) =
            trySignatureAndApkVerification(msgHash, apk, params.apkG2, params.sigma);
        if (!pairingOk) revert InvalidBLSPairingKey();
        if (!signatureOk) revert InvalidBLSSignature();

        signatoryRecordHash = keccak256(abi.encodePacked(referenceBlockNumber, nonSignerHashes));
    }

    /// @dev Adds each quorum's APK (checked against the registry) to `apk` and computes the
    ///      total and signed stake per quorum.
    function _quorumTotals(
        bytes memory quorumNumbers,
        uint32 referenceBlockNumber,
        NonSignerStakesAndSignature calldata params,
        NonSignerInfo memory nonSigners,
        BN254.G1Point memory apk,
        bool forbidStaleStakes
    ) internal view returns (BN254.G1Point memory, QuorumStakeTotals memory totals) {
        uint256 nq = quorumNumbers.length;
        totals.totalStakeForQuorum = new uint96[](nq);
        totals.signedStakeForQuorum = new uint96[](nq);
        uint256 withdrawalDelayBlocks =
            forbidStaleStakes ? delegation.minWithdrawalDelayBlocks() : 0;
        for (uint256 i = 0; i < nq; i++) {
            uint8 q = uint8(quorumNumbers[i]);
            if (
                forbidStaleStakes
                    && registryCoordinator.quorumUpdateBlockNumber(q) + withdrawalDelayBlocks
                        <= referenceBlockNumber
            ) revert StaleStakesForbidden();
            BN254.G1Point memory quorumApk = params.quorumApks[i];
            if (
                bytes24(BN254.hashG1Point(quorumApk))
                    != blsApkRegistry.getApkHashAtBlockNumberAndIndex(
                        q, referenceBlockNumber, params.quorumApkIndices[i]
                    )
            ) revert InvalidQuorumApkHash();
            apk = apk.plus(quorumApk);
            uint96 total = stakeRegistry.getTotalStakeAtBlockNumberFromIndex(
                q, referenceBlockNumber, params.totalStakeIndices[i]
            );
            totals.totalStakeForQuorum[i] = total;
            totals.signedStakeForQuorum[i] = total
                - _nonSignerStake(
                    q, referenceBlockNumber, nonSigners, params.nonSignerStakeIndices[i]
                );
        }
        return (apk, totals);
    }

    /// @dev Sum over non-signers of pubkey * (number of signing quorums it is in), with the
    ///      pubkey hashes checked to be strictly ascending (no duplicates).
    function _nonSignerApk(
        uint256 signingBitmap,
        uint32 referenceBlockNumber,
        NonSignerStakesAndSignature calldata params
    ) internal view returns (BN254.G1Point memory apk, NonSignerInfo memory info) {
        uint256 n = params.nonSignerPubkeys.length;
        bytes32[] memory hashes = new bytes32[](n);
        uint256[] memory bitmaps = new uint256[](n);
        info.pubkeyHashes = hashes;
        info.quorumBitmaps = bitmaps;
        for (uint256 j = 0; j < n; j++) {
            BN254.G1Point memory pubkey = params.nonSignerPubkeys[j];
            hashes[j] = BN254.hashG1Point(pubkey);
            if (j != 0 && uint256(hashes[j]) <= uint256(hashes[j - 1])) {
                revert NonSignerPubkeysNotSorted();
            }
            bitmaps[j] = registryCoordinator.getQuorumBitmapAtBlockNumberByIndex(
                hashes[j], referenceBlockNumber, params.nonSignerQuorumBitmapIndices[j]
            );
            apk = apk.plus(
                pubkey.scalar_mul_tiny(BitmapUtils.countNumOnes(bitmaps[j] & signingBitmap))
            );
        }
    }

    /// @dev Stake of the non-signers registered for quorum `q`, their stake history indices
    ///      taken in order from `stakeIndices`.
    function _nonSignerStake(
        uint8 q,
        uint32 referenceBlockNumber,
        NonSignerInfo memory nonSigners,
        uint32[] calldata stakeIndices
    ) internal view returns (uint96 sum) {
        bytes32[] memory hashes = nonSigners.pubkeyHashes;
        uint256[] memory bitmaps = nonSigners.quorumBitmaps;
        uint256 k;
        for (uint256 j = 0; j < hashes.length; j++) {
            if (!BitmapUtils.isSet(bitmaps[j], q)) continue;
            if (k >= stakeIndices.length) revert InputNonSignerLengthMismatch();
            sum += stakeRegistry.getStakeAtBlockNumberAndIndex(
                q, referenceBlockNumber, hashes[j], stakeIndices[k]
            );
            k++;
        }
    }
}
