// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAttestationVerifier} from "./IAttestationVerifier.sol";
import {BN254} from "../libraries/BN254.sol";

/// @title ITEELivenessVerifier
/// @notice Keeps, per operator, the enclave its TEE prover runs in and when that enclave was
///         last attested. An operator is live while attestedAt + validitySeconds > now and it
///         has not left the AVS since (deregistration deletes the record). An enclave address
///         is the prover of at most one live operator.
interface ITEELivenessVerifier {
    /// @notice What the enclave binds into REPORTDATA[32:64] as keccak256(abi.encode(ReportData)).
    /// @param pubkey The operator's registered BLS G1 public key.
    /// @param referenceBlockNumber A recent block of this chain.
    /// @param referenceBlockHash blockhash(referenceBlockNumber).
    /// @param proverUrlHash Hash of the prover's URL (operator-chosen; recorded in the event).
    struct ReportData {
        BN254.G1Point pubkey;
        uint256 referenceBlockNumber;
        bytes32 referenceBlockHash;
        bytes32 proverUrlHash;
    }

    /// @notice The liveness record of an operator (one storage slot).
    /// @param enclave The enclave's secp256k1 address (REPORTDATA[12:32]).
    /// @param attestedAt Timestamp of the block that accepted the proof.
    /// @param teeType TEE type of the quote (TEE.INTEL_SGX, ...).
    /// @param referenceBlockNumber The reference block of the proof.
    struct LivenessRecord {
        address enclave;
        uint40 attestedAt;
        uint8 teeType;
        uint32 referenceBlockNumber;
    }

    /// @notice A liveness proof was accepted.
    /// @param operator The operator.
    /// @param operatorId Its id (G1 pubkey hash).
    /// @param enclave The attested enclave address.
    /// @param teeType The TEE type.
    /// @param referenceBlockNumber The proof's reference block.
    /// @param proverUrlHash The prover URL hash from the report data.
    /// @param quoteId The quote's replay id (keccak256 of its signed part, now spent).
    event LivenessProofSubmitted(
        address indexed operator,
        bytes32 indexed operatorId,
        address indexed enclave,
        uint8 teeType,
        uint256 referenceBlockNumber,
        bytes32 proverUrlHash,
        bytes32 quoteId
    );
    /// @notice An operator's liveness record was deleted.
    /// @param operatorId The operator id.
    /// @param by Who revoked it (the service manager when the operator deregistered).
    event LivenessRevoked(bytes32 indexed operatorId, address by);
    /// @notice The attestation verifier of a TEE type changed.
    /// @param teeType The TEE type.
    /// @param previous The old verifier.
    /// @param current The new verifier (0 = type disabled).
    event AttestationVerifierUpdated(uint8 indexed teeType, address previous, address current);
    /// @notice The validity period changed.
    /// @param previous Old value in seconds.
    /// @param current New value in seconds.
    event ValiditySecondsUpdated(uint64 previous, uint64 current);
    /// @notice The maximum age of a reference block changed.
    /// @param previous Old value in blocks.
    /// @param current New value in blocks.
    event MaxBlockAgeUpdated(uint32 previous, uint32 current);
    /// @notice An operator named the address allowed to submit proofs for it.
    /// @param operator The operator.
    /// @param submitter The submitter (0 = only the operator itself).
    event LivenessSubmitterUpdated(address indexed operator, address submitter);

    /// @notice No attestation verifier is set for the quote's TEE type.
    error AttestationVerifierNotSet(uint8 teeType);
    /// @notice The reference block is not before the current block.
    error ReferenceBlockNotInPast(uint256 referenceBlockNumber, uint256 currentBlock);
    /// @notice The reference block is older than maxBlockAge.
    error ReferenceBlockTooOld(
        uint256 referenceBlockNumber, uint256 currentBlock, uint32 maxBlockAge
    );
    /// @notice referenceBlockHash is not blockhash(referenceBlockNumber).
    error ReferenceBlockHashMismatch(bytes32 expected, bytes32 given);
    /// @notice No operator is registered with this BLS key.
    error OperatorNotRegistered(bytes32 operatorId);
    /// @notice The caller is neither the operator nor its submitter.
    error UnauthorizedSubmitter(address caller, address operator);
    /// @notice A quote with this replay id (the same signed header and report, however the
    ///         rest is encoded) was used before.
    error QuoteAlreadyUsed(bytes32 quoteId);
    /// @notice The attestation verifier returned report data that is not 64 bytes with 12 zero
    ///         bytes and a nonzero enclave address in its first half.
    error ReportDataMalformed();
    /// @notice REPORTDATA[32:64] is not keccak256(abi.encode(reportData)).
    error ReportDataMismatch(bytes32 expected, bytes32 actual);
    /// @notice A parameter is out of range.
    error InvalidParameter();
    /// @notice The caller may not revoke this operator's liveness.
    error UnauthorizedRevoker(address caller);
    /// @notice The caller is not the service manager of the registry coordinator.
    error OnlyServiceManager(address caller);
    /// @notice The quote's enclave is the prover of another operator that is still live: one
    ///         enclave cannot stand for several "independent" provers.
    error EnclaveBoundToOtherOperator(address enclave, bytes32 liveOperatorId);

    /// @notice Verifies a quote of the operator's prover and records the operator as live.
    ///         Callable by the operator (the address registered with this BLS key) or the
    ///         submitter it named. The quote's TEE type comes from its header. Reverts with
    ///         EnclaveBoundToOtherOperator if another operator is live with the same enclave.
    /// @param data The report data the enclave bound into the quote.
    /// @param quote The attestation quote.
    function submitLivenessProof(
        ReportData calldata data,
        bytes calldata quote
    ) external;

    /// @notice Whether `operator` is live with exactly this enclave address.
    /// @param operator The operator's address.
    /// @param enclave The enclave address to compare.
    function verifyLivenessProof(
        address operator,
        address enclave
    ) external view returns (bool);

    /// @notice Whether the operator with this id is live (any enclave, any TEE type).
    /// @param operatorId The operator id.
    function isLive(
        bytes32 operatorId
    ) external view returns (bool);

    /// @notice The operators of `quorumNumber` at `referenceBlockNumber` that are not live now
    ///         with TEE type `teeType`, by operator number (IOperatorNumberRegistry of the
    ///         IndexRegistry). Reads the quorum's packed number list and a packed liveness table
    ///         (5 operators per slot): the per-signer check of every confirmation.
    /// @param quorumNumber The quorum.
    /// @param referenceBlockNumber The block whose operator set counts.
    /// @param teeType The TEE type each must have been attested with.
    /// @return numbers The numbers of the operators that are not live (usually none).
    function notLiveOperators(
        uint8 quorumNumber,
        uint32 referenceBlockNumber,
        uint8 teeType
    ) external view returns (uint32[] memory numbers);

    /// @notice Whether the operator with this number is live with TEE type `teeType`.
    /// @param operatorNumber The operator's number.
    /// @param teeType The TEE type.
    function isLiveNumber(
        uint32 operatorNumber,
        uint8 teeType
    ) external view returns (bool);

    /// @notice The liveness record of an operator id (zero if none).
    /// @param operatorId The operator id.
    function getLivenessRecord(
        bytes32 operatorId
    ) external view returns (LivenessRecord memory);

    /// @notice Whether a quote with this replay id has been used.
    /// @param quoteId The id, quoteId(quote).
    function isQuoteUsed(
        bytes32 quoteId
    ) external view returns (bool);

    /// @notice The replay id of a quote: keccak256 of the part its attestation key signs
    ///         (header + enclave report: quote[0:432] for SGX, quote[0:632] for TDX v4). Every
    ///         re-encoding of a quote (ECDSA s -> n - s, the optional NUL after the PEM chain,
    ///         unsigned length fields) has the same id. Reverts on a quote too short to have one.
    /// @param quote The raw quote.
    function quoteId(
        bytes calldata quote
    ) external pure returns (bytes32);

    /// @notice The attestation verifier of a TEE type.
    /// @param teeType The TEE type.
    function attestationVerifier(
        uint8 teeType
    ) external view returns (IAttestationVerifier);

    /// @notice Seconds an attestation keeps an operator live.
    function validitySeconds() external view returns (uint64);

    /// @notice Maximum age in blocks of a proof's reference block.
    function maxBlockAge() external view returns (uint32);

    /// @notice The address an operator allows to submit proofs for it.
    /// @param operator The operator.
    function livenessSubmitter(
        address operator
    ) external view returns (address);

    /// @notice Names the address allowed to submit liveness proofs for the caller (0 to clear).
    /// @param submitter The submitter.
    function setLivenessSubmitter(
        address submitter
    ) external;

    /// @notice Deletes an operator's liveness record. The operator, its submitter or the owner;
    ///         reverts with OperatorNotRegistered if the address never registered a BLS key.
    /// @param operator The operator.
    function revokeLiveness(
        address operator
    ) external;

    /// @notice Deletes the liveness record of an operator that left the AVS (its last quorum),
    ///         so a later re-registration needs a fresh quote. Called by the service manager
    ///         from deregisterOperatorFromAVS; emits LivenessRevoked(operatorId, serviceManager).
    /// @param operator The operator's address.
    function clearOnDeregistration(
        address operator
    ) external;

    /// @notice The service manager allowed to call clearOnDeregistration (the registry
    ///         coordinator's, fixed at construction).
    function serviceManager() external view returns (address);

    /// @notice The operator id a live operator holds `enclave` for (0 if no live operator has
    ///         it as its enclave).
    /// @param enclave The enclave address.
    function enclaveOperator(
        address enclave
    ) external view returns (bytes32);

    /// @notice Sets the attestation verifier of a TEE type (0 disables the type). Owner only.
    /// @param teeType The TEE type (nonzero).
    /// @param verifier The verifier.
    function setAttestationVerifier(
        uint8 teeType,
        IAttestationVerifier verifier
    ) external;

    /// @notice Sets the validity period. Owner only.
    /// @param seconds_ Seconds, nonzero.
    function setValiditySeconds(
        uint64 seconds_
    ) external;

    /// @notice Sets the maximum reference block age. Owner only.
    /// @param blocks 1 to 256 (blockhash reaches back 256 blocks).
    function setMaxBlockAge(
        uint32 blocks
    ) external;
}
