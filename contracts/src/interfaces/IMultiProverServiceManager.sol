// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IBLSSignatureChecker} from "./IBLSSignatureChecker.sol";
import {ITEELivenessVerifier} from "./ITEELivenessVerifier.sol";
import {ITaskValidator} from "./ITaskValidator.sol";

/// @title IMultiProverServiceManager
/// @notice Confirms task states signed by enough live, staked TEE operators. Anyone may submit
///         a confirmation; what counts (quorums, thresholds) is configured on chain per
///         committee, never chosen by the submitter.
interface IMultiProverServiceManager {
    /// @notice What operators sign. The signed digest is
    ///         keccak256(abi.encode(STATEHEADER_TYPEHASH, block.chainid, serviceManager,
    ///         identifier, keccak256(metadata), keccak256(state), referenceBlockNumber)).
    /// @param identifier The committee (task kind): 1 = L2 block state, 2 = L2 batch.
    /// @param metadata Which task, abi-encoded per identifier.
    /// @param state The proven state, abi-encoded per identifier.
    /// @param referenceBlockNumber The L1 block whose operator sets and stakes count.
    struct StateHeader {
        uint256 identifier;
        bytes metadata;
        bytes state;
        uint32 referenceBlockNumber;
    }

    /// @notice A committee: the quorums whose signatures confirm a state of its identifier.
    /// @param quorumNumbers Strictly ascending quorum numbers (at most 10).
    /// @param thresholdPercentages Per quorum, the percentage (1..100) of its stake that must sign.
    /// @param teeTypes Per quorum, the TEE type its signers must be live with.
    /// @param description Human-readable name.
    struct Committee {
        bytes quorumNumbers;
        bytes thresholdPercentages;
        bytes teeTypes;
        string description;
    }

    /// @notice A state was confirmed for the first time for its metadata.
    /// @param identifier The committee.
    /// @param metadataHash keccak256(metadata).
    /// @param stateHash keccak256(state).
    /// @param metadata The task metadata.
    /// @param state The confirmed state.
    /// @param referenceBlockNumber The reference block of the signatures.
    /// @param signatoryRecordHash keccak256(abi.encodePacked(referenceBlockNumber, nonSignerIds)).
    event StateConfirmed(
        uint256 indexed identifier,
        bytes32 indexed metadataHash,
        bytes32 indexed stateHash,
        bytes metadata,
        bytes state,
        uint32 referenceBlockNumber,
        bytes32 signatoryRecordHash
    );
    /// @notice A different state reached the threshold for metadata already confirmed. The first
    ///         confirmed state stays; the conflict is recorded (once per conflicting state).
    /// @param identifier The committee.
    /// @param metadataHash keccak256(metadata).
    /// @param conflictingStateHash keccak256 of the conflicting state.
    /// @param confirmedStateHash keccak256 of the state confirmed first.
    /// @param state The conflicting state.
    /// @param referenceBlockNumber The reference block of the conflicting signatures.
    /// @param signatoryRecordHash Signatory record of the conflicting signatures.
    event StateConflict(
        uint256 indexed identifier,
        bytes32 indexed metadataHash,
        bytes32 indexed conflictingStateHash,
        bytes32 confirmedStateHash,
        bytes state,
        uint32 referenceBlockNumber,
        bytes32 signatoryRecordHash
    );
    /// @notice A committee was created or changed.
    /// @param identifier The committee.
    /// @param quorumNumbers Its quorums.
    /// @param thresholdPercentages Its thresholds.
    /// @param description Its description.
    event CommitteeUpdated(
        uint256 indexed identifier,
        bytes quorumNumbers,
        bytes thresholdPercentages,
        string description
    );
    /// @notice A committee was removed.
    /// @param identifier The committee.
    event CommitteeRemoved(uint256 indexed identifier);
    /// @notice A quorum's TEE type was set.
    /// @param quorumNumber The quorum.
    /// @param teeType The TEE type its operators must be attested with.
    event QuorumTeeTypeUpdated(uint8 indexed quorumNumber, uint8 teeType);
    /// @notice The liveness verifier changed.
    /// @param previous Old verifier.
    /// @param current New verifier.
    event LivenessVerifierUpdated(address previous, address current);
    /// @notice The reference block freshness window changed.
    /// @param previous Old value in blocks.
    /// @param current New value in blocks.
    event MaxReferenceBlockAgeUpdated(uint32 previous, uint32 current);
    /// @notice A committee's task validator changed.
    /// @param identifier The committee.
    /// @param previous Old validator (0 = none).
    /// @param current New validator (0 = none).
    event TaskValidatorUpdated(uint256 indexed identifier, address previous, address current);
    /// @notice The pauser changed.
    /// @param previous Old pauser.
    /// @param current New pauser.
    event PauserUpdated(address previous, address current);
    /// @notice Confirmations were paused.
    /// @param account Who paused.
    event Paused(address account);
    /// @notice Confirmations were resumed.
    /// @param account Who resumed.
    event Unpaused(address account);

    /// @notice No committee has this identifier.
    error CommitteeNotFound(uint256 identifier);
    /// @notice Committee parameters are invalid (empty, more than 10 quorums, unsorted, unknown
    ///         quorum, bad threshold, quorum without TEE type, identifier 0).
    error InvalidCommittee();
    /// @notice A quorum's TEE type is set once and never changes.
    error QuorumTeeTypeAlreadySet(uint8 quorumNumber);
    /// @notice Confirmations are paused.
    error EnforcedPause();
    /// @notice The contract is not paused.
    error ExpectedPause();
    /// @notice A parameter is zero or out of range (or a liveness verifier made for another
    ///         service manager, a task validator without code).
    error InvalidParameter();
    /// @notice The reference block is not before the current block.
    error ReferenceBlockNotInPast(uint32 referenceBlockNumber, uint256 currentBlock);
    /// @notice The reference block is older than maxReferenceBlockAge.
    error ReferenceBlockTooOld(uint32 referenceBlockNumber, uint256 currentBlock, uint32 maxAge);
    /// @notice The reference block window is not shorter than the time stake stays slashable
    ///         (the delegation manager's withdrawal delay): stake withdrawn in full could still
    ///         be counted at an old reference block.
    error ReferenceWindowNotBelowWithdrawalDelay(
        uint32 maxReferenceBlockAge, uint256 withdrawalDelayBlocks
    );
    /// @notice The committee's task validator says (metadata, state) name no existing task.
    error TaskNotValid(uint256 identifier, bytes32 metadataHash, bytes32 stateHash);
    /// @notice This state is already confirmed for this metadata.
    error StateAlreadyConfirmed(uint256 identifier, bytes32 metadataHash, bytes32 stateHash);
    /// @notice This conflicting state is already recorded for this metadata.
    error ConflictAlreadyRecorded(uint256 identifier, bytes32 metadataHash, bytes32 stateHash);
    /// @notice A quorum's signed stake is below its threshold (or zero).
    error InsufficientSignedStake(
        uint8 quorumNumber, uint96 signedStake, uint96 totalStake, uint8 thresholdPercentage
    );
    /// @notice A signer (an operator of the quorum not listed as non-signer) is not live in the
    ///         liveness verifier with the quorum's TEE type.
    error SignerNotLive(bytes32 operatorId, uint8 quorumNumber);
    /// @notice The caller is not the registry coordinator.
    error OnlyRegistryCoordinator();
    /// @notice The caller is neither the pauser nor the owner.
    error OnlyPauser();

    /// @notice Confirms `header` if its committee's task validator (if any) accepts (metadata,
    ///         state) and, in every quorum of the committee, the non-signers' complement
    ///         holds at least the threshold of stake at the reference block, signed the digest
    ///         (BLS aggregate, EigenLayer checkSignatures) and is live now in the liveness
    ///         verifier with the quorum's TEE type. Anyone may call.
    /// @param header The state header.
    /// @param params Non-signers, aggregate keys and signature, history indices.
    /// @return digest The digest that was verified.
    function confirmState(
        StateHeader calldata header,
        IBLSSignatureChecker.NonSignerStakesAndSignature calldata params
    ) external returns (bytes32 digest);

    /// @notice The digest operators sign for `header` on this deployment.
    /// @param header The state header.
    function stateHeaderDigest(
        StateHeader calldata header
    ) external view returns (bytes32);

    /// @notice keccak256 of the state confirmed for this metadata (0 if none).
    /// @param identifier The committee.
    /// @param metadata The task metadata.
    function confirmedStateHash(
        uint256 identifier,
        bytes calldata metadata
    ) external view returns (bytes32);

    /// @notice Whether exactly this state is the one confirmed for its metadata.
    /// @param identifier The committee.
    /// @param metadata The task metadata.
    /// @param state The state.
    function isStateConfirmed(
        uint256 identifier,
        bytes calldata metadata,
        bytes calldata state
    ) external view returns (bool);

    /// @notice Number of conflicting states recorded for this metadata.
    /// @param identifier The committee.
    /// @param metadata The task metadata.
    function conflictCount(
        uint256 identifier,
        bytes calldata metadata
    ) external view returns (uint256);

    /// @notice A committee (empty quorumNumbers if it does not exist).
    /// @param identifier The committee.
    function getCommittee(
        uint256 identifier
    ) external view returns (Committee memory);

    /// @notice The TEE type a quorum's operators must be attested with (0 if unset).
    /// @param quorumNumber The quorum.
    function quorumTeeType(
        uint8 quorumNumber
    ) external view returns (uint8);

    /// @notice The task validator of a committee (0 if none).
    /// @param identifier The committee.
    function taskValidator(
        uint256 identifier
    ) external view returns (ITaskValidator);

    /// @notice The liveness verifier.
    function livenessVerifier() external view returns (ITEELivenessVerifier);

    /// @notice Maximum age in blocks of a confirmation's reference block.
    function maxReferenceBlockAge() external view returns (uint32);

    /// @notice The pauser.
    function pauser() external view returns (address);

    /// @notice Whether confirmations are paused.
    function paused() external view returns (bool);

    /// @notice Creates or replaces a committee. Owner only.
    /// @param identifier The committee identifier (nonzero).
    /// @param quorumNumbers 1 to 10 strictly ascending existing quorums, each with a TEE type.
    /// @param thresholdPercentages Per quorum, 1..100.
    /// @param description Human-readable name.
    function setCommittee(
        uint256 identifier,
        bytes calldata quorumNumbers,
        bytes calldata thresholdPercentages,
        string calldata description
    ) external;

    /// @notice Removes a committee and its task validator. Owner only.
    /// @param identifier The committee.
    function removeCommittee(
        uint256 identifier
    ) external;

    /// @notice Names the contract confirmState asks whether a header of this committee refers to
    ///         an existing task (0 = no check). Owner only.
    /// @param identifier An existing committee.
    /// @param validator The validator (a contract; 0 to remove).
    function setTaskValidator(
        uint256 identifier,
        ITaskValidator validator
    ) external;

    /// @notice Sets the TEE type of a quorum, once (a quorum's TEE type never changes). Owner only.
    /// @param quorumNumber An existing quorum.
    /// @param teeType A nonzero TEE type (TEE.INTEL_SGX, ...).
    function setQuorumTeeType(
        uint8 quorumNumber,
        uint8 teeType
    ) external;

    /// @notice Sets the liveness verifier. Owner only.
    /// @param verifier The verifier (nonzero, its serviceManager() this contract).
    function setLivenessVerifier(
        ITEELivenessVerifier verifier
    ) external;

    /// @notice Sets the reference block freshness window. Owner only.
    /// @param blocks Nonzero and below the delegation manager's minWithdrawalDelayBlocks, so
    ///         every stake a confirmation counts is still slashable when it lands.
    function setMaxReferenceBlockAge(
        uint32 blocks
    ) external;

    /// @notice Sets whether stakes must have been refreshed within the withdrawal delay. Owner only.
    /// @param value The new value.
    function setStaleStakesForbidden(
        bool value
    ) external;

    /// @notice Sets the pauser. Owner only.
    /// @param newPauser The new pauser (0 = owner only).
    function setPauser(
        address newPauser
    ) external;

    /// @notice Stops confirmations. Pauser or owner.
    function pause() external;

    /// @notice Resumes confirmations. Owner only.
    function unpause() external;
}
