// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IRegistryCoordinator} from "./IRegistryCoordinator.sol";
import {IBLSApkRegistry} from "./IBLSApkRegistry.sol";
import {IStakeRegistry} from "./IStakeRegistry.sol";
import {IDelegationManager} from "./IDelegationManager.sol";
import {BN254} from "../libraries/BN254.sol";

/// @title IBLSSignatureChecker
/// @notice Checks an aggregate BLS signature of a quorum set against the registries' state at a
///         reference block (EigenLayer ABI; selector of checkSignatures 0x6efb4636).
interface IBLSSignatureChecker {
    /// @notice Everything checkSignatures needs besides the message.
    /// @param nonSignerQuorumBitmapIndices Per non-signer, index of its bitmap entry at the reference block.
    /// @param nonSignerPubkeys G1 keys of the non-signers, sorted by ascending pubkey hash.
    /// @param quorumApks Per quorum, its G1 APK at the reference block.
    /// @param apkG2 Sum of the signers' G2 keys.
    /// @param sigma Sum of the signers' G1 signatures.
    /// @param quorumApkIndices Per quorum, index of its APK history entry.
    /// @param totalStakeIndices Per quorum, index of its total stake history entry.
    /// @param nonSignerStakeIndices Per quorum, per non-signer in that quorum, index of its stake entry.
    struct NonSignerStakesAndSignature {
        uint32[] nonSignerQuorumBitmapIndices;
        BN254.G1Point[] nonSignerPubkeys;
        BN254.G1Point[] quorumApks;
        BN254.G2Point apkG2;
        BN254.G1Point sigma;
        uint32[] quorumApkIndices;
        uint32[] totalStakeIndices;
        uint32[][] nonSignerStakeIndices;
    }

    /// @notice Signed and total stake per quorum.
    /// @param signedStakeForQuorum Total minus the non-signers' stake.
    /// @param totalStakeForQuorum Total stake at the reference block.
    struct QuorumStakeTotals {
        uint96[] signedStakeForQuorum;
        uint96[] totalStakeForQuorum;
    }

    /// @notice staleStakesForbidden changed.
    /// @param value The new value.
    event StaleStakesForbiddenUpdate(bool value);

    /// @notice No quorum was given.
    error InputEmptyQuorumNumbers();
    /// @notice A per-quorum array does not have one entry per quorum.
    error InputArrayLengthMismatch();
    /// @notice nonSignerPubkeys and nonSignerQuorumBitmapIndices differ in length.
    error InputNonSignerLengthMismatch();
    /// @notice The reference block is not in the past.
    error InvalidReferenceBlocknumber();
    /// @notice Non-signer keys are not in strictly ascending pubkey-hash order.
    error NonSignerPubkeysNotSorted();
    /// @notice A quorum's stakes were not updated within the withdrawal delay before the reference block.
    error StaleStakesForbidden();
    /// @notice A quorum APK does not match the registry's history.
    error InvalidQuorumApkHash();
    /// @notice The pairing precompile rejected the input (bad G2 key, out of gas).
    error InvalidBLSPairingKey();
    /// @notice The aggregate signature does not verify.
    error InvalidBLSSignature();

    /// @notice The registry coordinator.
    function registryCoordinator() external view returns (IRegistryCoordinator);

    /// @notice The stake registry.
    function stakeRegistry() external view returns (IStakeRegistry);

    /// @notice The BLS APK registry.
    function blsApkRegistry() external view returns (IBLSApkRegistry);

    /// @notice The stake source of the stake registry.
    function delegation() external view returns (IDelegationManager);

    /// @notice Whether stakes must have been refreshed within the withdrawal delay of the reference block.
    function staleStakesForbidden() external view returns (bool);

    /// @notice Verifies an aggregate signature of `msgHash` by the quorums minus the non-signers.
    /// @param msgHash The signed 32-byte digest (hashed to G1 with hashToG1).
    /// @param quorumNumbers Strictly ascending quorum numbers.
    /// @param referenceBlockNumber The block whose operator sets and stakes count (< block.number).
    /// @param params Non-signers, APKs, signature and history indices.
    /// @return totals Signed and total stake per quorum.
    /// @return signatoryRecordHash keccak256(abi.encodePacked(referenceBlockNumber, nonSignerPubkeyHashes)).
    function checkSignatures(
        bytes32 msgHash,
        bytes calldata quorumNumbers,
        uint32 referenceBlockNumber,
        NonSignerStakesAndSignature calldata params
    ) external view returns (QuorumStakeTotals memory totals, bytes32 signatoryRecordHash);

    /// @notice The pairing check e(sigma + gamma*apk, -G2) * e(H(m) + gamma*G1, apkG2) == 1 with
    ///         gamma = keccak256(msgHash, apk, apkG2, sigma) mod r.
    /// @param msgHash The signed digest.
    /// @param apk The signers' G1 APK.
    /// @param apkG2 The signers' G2 APK.
    /// @param sigma The aggregate signature.
    /// @return pairingSuccessful False if the precompile failed.
    /// @return signatureIsValid Whether the equation holds.
    function trySignatureAndApkVerification(
        bytes32 msgHash,
        BN254.G1Point memory apk,
        BN254.G2Point memory apkG2,
        BN254.G1Point memory sigma
    ) external view returns (bool pairingSuccessful, bool signatureIsValid);
}
