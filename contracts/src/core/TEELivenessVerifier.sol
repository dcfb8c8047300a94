// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {ITEELivenessVerifier} from "../interfaces/ITEELivenessVerifier.sol";
import {IAttestationVerifier} from "../interfaces/IAttestationVerifier.sol";
import {IRegistryCoordinator} from "../interfaces/IRegistryCoordinator.sol";
import {IBLSApkRegistry} from "../interfaces/IBLSApkRegistry.sol";
import {IOperatorNumberRegistry} from "../interfaces/IOperatorNumberRegistry.sol";
import {BN254} from "../libraries/BN254.sol";
import {TEE} from "../libraries/TEE.sol";

/// @title TEELivenessVerifier
/// @notice Records that an operator's TEE prover is alive: the prover's attestation quote must
///         verify under the attestation verifier of its TEE type, must be fresh (its report data
///         names a block at most maxBlockAge old, checked with blockhash), must not have been
///         used before (by its signed part, TEE.quoteId: re-encodings count as the same quote),
///         and must bind the operator's BLS key and the enclave's address:
///         REPORTDATA[0:12] = 0, REPORTDATA[12:32] = enclave address,
///         REPORTDATA[32:64] = keccak256(abi.encode(ReportData)).
///         An enclave address is the prover of at most one live operator (an enclave signs any
///         report data it is given, so without this one prover could pass as many), and an
///         operator's record is deleted when it leaves the AVS (the service manager calls
///         clearOnDeregistration), so re-registering needs a fresh quote.
/// @dev Operator identity: the operator is the address registered in the RegistryCoordinator
///      with the BLS key named in the report data, and only that address (or the single
///      submitter it names with setLivenessSubmitter) may submit. Without this, anyone with a
///      genuine enclave could bind a victim's key to their own enclave and overwrite the
///      victim's record. Records are kept twice: in full by operator id (one slot: enclave,
///      attestedAt, TEE type, reference block) and, for the service manager's per-signer check,
///      as 48-bit entries (attestedAt, TEE type) packed 5 per slot by operator number.
///      Not behind a proxy: the service manager reads it on every confirmation, and a proxy
///      would add ~5,000 gas there. It is replaced, not upgraded: deploy a new one and point
///      the service manager at it (setLivenessVerifier); operators re-attest within one
///      validity period. Policy (verifiers per TEE type, periods) is owner-settable in place.
contract TEELivenessVerifier is ITEELivenessVerifier, Ownable2Step {
    struct Layout {
        uint64 validitySeconds;
        uint32 maxBlockAge;
        mapping(bytes32 => LivenessRecord) records;
        mapping(bytes32 => bool) usedQuotes;
        mapping(uint8 => IAttestationVerifier) verifiers;
        mapping(address => address) submitters;
        mapping(address => bytes32) enclaveHolders;
    }

    Layout private _state;

    /// @dev Base of the packed liveness table: entry of operator number k in slot base + k / 5,
    ///      bits 48 * (k % 5): uint40 attestedAt, then uint8 TEE type.
    ///      = keccak256("mpavs.TEELivenessVerifier.liveTable"), written out: the legacy code
    ///      generator would otherwise hash the string (in fresh memory) at every use.
    uint256 private constant HOT_BASE =
        0xa09f3989243a4ce4b4bd13b2f286c156779174c597e927ee90018bf26fa39b54;

    /// @notice The registry coordinator (operator registration status).
    IRegistryCoordinator public immutable registryCoordinator;
    /// @notice The BLS APK registry (BLS key -> operator address).
    IBLSApkRegistry public immutable blsApkRegistry;
    /// @notice The index registry (operator id -> operator number).
    IOperatorNumberRegistry public immutable operatorNumbers;
    /// @inheritdoc ITEELivenessVerifier
    address public immutable serviceManager;

    /// @param coordinator The registry coordinator.
    /// @param initialOwner The owner.
    /// @param validitySeconds_ Seconds an attestation keeps an operator live.
    /// @param maxBlockAge_ Maximum reference block age (1..256).
    /// @param teeTypes TEE types to configure.
    /// @param verifiers Their attestation verifiers, one per type.
    constructor(
        IRegistryCoordinator coordinator,
        address initialOwner,
        uint64 validitySeconds_,
        uint32 maxBlockAge_,
        uint8[] memory teeTypes,
        IAttestationVerifier[] memory verifiers
    ) Ownable(initialOwner) {
        registryCoordinator = coordinator;
        blsApkRegistry = coordinator.blsApkRegistry();
        operatorNumbers = IOperatorNumberRegistry(address(coordinator.indexRegistry()));
        serviceManager = address(coordinator.serviceManager());
        _setValiditySeconds(validitySeconds_);
        _setMaxBlockAge(maxBlockAge_);
        if (teeTypes.length != verifiers.length) revert InvalidParameter();
        for (uint256 i = 0; i < teeTypes.length; i++) {
            _setAttestationVerifier(teeTypes[i], verifiers[i]);
        }
    }

    // ---- operators ----

    /// @inheritdoc ITEELivenessVerifier
    function submitLivenessProof(
        ReportData calldata data,
        bytes calldata quote
    ) external {
        Layout storage $ = _layout();
        uint8 teeType = TEE.quoteTeeType(quote);
        IAttestationVerifier verifier = $.verifiers[teeType];
        if (address(verifier) == address(0)) revert AttestationVerifierNotSet(teeType);
        _checkReferenceBlock(data.referenceBlockNumber, data.referenceBlockHash, $.maxBlockAge);

        (address operator, bytes32 operatorId) = _authorizedOperator($, data.pubkey);

        // Keyed by the signed part: a re-encoded copy of a used quote has the same id.
        bytes32 quoteId_ = TEE.quoteId(quote, teeType);
        if ($.usedQuotes[quoteId_]) revert QuoteAlreadyUsed(quoteId_);
        $.usedQuotes[quoteId_] = true;

        address enclave = _checkReportData(verifier.verifyAttestation(quote), data);
        _bindEnclave($, enclave, operatorId);
        $.records[operatorId] = LivenessRecord({
            enclave: enclave,
            attestedAt: uint40(block.timestamp),
            teeType: teeType,
            referenceBlockNumber: uint32(data.referenceBlockNumber)
        });
        _setTableEntry(operatorNumbers.operatorNumber(operatorId), block.timestamp, teeType);
        _emitSubmitted(data, operator, operatorId, enclave, teeType, quoteId_);
    }

    function _emitSubmitted(
        ReportData calldata data,
        address operator,
        bytes32 operatorId,
        address enclave,
        uint8 teeType,
        bytes32 quoteId_
    ) internal {
        emit LivenessProofSubmitted(
            operator,
            operatorId,
            enclave,
            teeType,
            data.referenceBlockNumber,
            data.proverUrlHash,
            quoteId_
        );
    }

    /// @dev The registered operator of this BLS key, if the caller may act for it.
    function _authorizedOperator(
        Layout storage $,
        BN254.G1Point calldata pubkey
    ) internal view returns (address operator, bytes32 operatorId) {
        BN254.G1Point memory key = pubkey;
        operatorId = BN254.hashG1Point(key);
        operator = blsApkRegistry.getOperatorFromPubkeyHash(operatorId);
        if (
            operator == address(0)
                || registryCoordinator.getOperatorStatus(operator)
                    != IRegistryCoordinator.OperatorStatus.REGISTERED
        ) revert OperatorNotRegistered(operatorId);
        if (msg.sender != operator && msg.sender != $.submitters[operator]) {
            revert UnauthorizedSubmitter(msg.sender, operator);
        }
    }

    /// @dev Makes `operatorId` the holder of `enclave`, unless another operator is live with it.
    function _bindEnclave(
        Layout storage $,
        address enclave,
        bytes32 operatorId
    ) internal {
        bytes32 holder = $.enclaveHolders[enclave];
        if (holder == operatorId) return;
        if (holder != bytes32(0) && _holdsLive($, holder, enclave)) {
            revert EnclaveBoundToOtherOperator(enclave, holder);
        }
        $.enclaveHolders[enclave] = operatorId;
    }

    /// @dev Whether the operator's record names `enclave` and is still valid.
    function _holdsLive(
        Layout storage $,
        bytes32 operatorId,
        address enclave
    ) internal view returns (bool) {
        LivenessRecord memory r = $.records[operatorId];
        return r.enclave == enclave && uint256(r.attestedAt) + $.validitySeconds > block.timestamp;
    }

    /// @inheritdoc ITEELivenessVerifier
    function clearOnDeregistration(
        address operator
    ) external {
        if (msg.sender != serviceManager) revert OnlyServiceManager(msg.sender);
        _deleteRecord(_layout(), blsApkRegistry.getOperatorId(operator));
    }

    /// @dev Deletes the full record and the packed table entry; the enclave is free again.
    function _deleteRecord(
        Layout storage $,
        bytes32 operatorId
    ) internal {
        delete $.records[operatorId];
        _setTableEntry(operatorNumbers.operatorNumber(operatorId), 0, 0);
        emit LivenessRevoked(operatorId, msg.sender);
    }

    /// @inheritdoc ITEELivenessVerifier
    function setLivenessSubmitter(
        address submitter
    ) external {
        _layout().submitters[msg.sender] = submitter;
        emit LivenessSubmitterUpdated(msg.sender, submitter);
    }

    /// @inheritdoc ITEELivenessVerifier
    function revokeLiveness(
        address operator
    ) external {
        Layout storage $ = _layout();
        if (msg.sender != operator && msg.sender != $.submitters[operator] && msg.sender != owner())
        {
            revert UnauthorizedRevoker(msg.sender);
        }
        bytes32 operatorId = blsApkRegistry.getOperatorId(operator);
        if (operatorId == bytes32(0)) revert OperatorNotRegistered(operatorId);
        _deleteRecord($, operatorId);
    }

    // ---- owner ----

    /// @inheritdoc ITEELivenessVerifier
    function setAttestationVerifier(
        uint8 teeType,
        IAttestationVerifier verifier
    ) external onlyOwner {
        _setAttestationVerifier(teeType, verifier);
    }

    /// @inheritdoc ITEELivenessVerifier
    function setValiditySeconds(
        uint64 seconds_
    ) external onlyOwner {
        _setValiditySeconds(seconds_);
    }

    /// @inheritdoc ITEELivenessVerifier
    function setMaxBlockAge(
        uint32 blocks
    ) external onlyOwner {
        _setMaxBlockAge(blocks);
    }

    // ---- views ----

    /// @inheritdoc ITEELivenessVerifier
    function verifyLivenessProof(
        address operator,
        address enclave
    ) external view returns (bool) {
        Layout storage $ = _layout();
        LivenessRecord memory r = $.records[blsApkRegistry.getOperatorId(operator)];
        return r.enclave == enclave && enclave != address(0)
            && uint256(r.attestedAt) + $.validitySeconds > block.timestamp;
    }

    /// @inheritdoc ITEELivenessVerifier
    function isLive(
        bytes32 operatorId
    ) external view returns (bool) {
        Layout storage $ = _layout();
        LivenessRecord memory r = $.records[operatorId];
        return
            r.enclave != address(0) && uint256(r.attestedAt) + $.validitySeconds > block.timestamp;
    }

    /// @inheritdoc ITEELivenessVerifier
    function notLiveOperators(
        uint8 quorumNumber,
        uint32 referenceBlockNumber,
        uint8 teeType
    ) external view returns (uint32[] memory numbers) {
        (uint256 count, uint256[] memory words) = operatorNumbers.getOperatorNumbersPackedAtBlockNumber(
            quorumNumber, referenceBlockNumber
        );
        uint256 liveSince = _liveSince();
        numbers = new uint32[](count);
        // One pass in assembly: ~60 gas per operator plus a storage read per 5 numbers.
        assembly ("memory-safe") {
            let src := add(words, 0x20)
            let dst := add(numbers, 0x20)
            let bad := 0
            let loaded := not(0)
            let w := 0
            let packed := 0
            for { let i := 0 } lt(i, count) { i := add(i, 1) } {
                if iszero(and(i, 7)) { packed := mload(add(src, shl(5, shr(3, i)))) }
                let num := and(shr(shl(5, and(i, 7)), packed), 0xffffffff)
                let slot := add(HOT_BASE, div(num, 5))
                if iszero(eq(slot, loaded)) {
                    w := sload(slot)
                    loaded := slot
                }
                let entry := shr(mul(48, mod(num, 5)), w)
                let at := and(entry, 0xffffffffff)
                let live :=
                    and(
                        and(iszero(iszero(at)), iszero(lt(at, liveSince))),
                        eq(and(shr(40, entry), 0xff), teeType)
                    )
                if iszero(live) {
                    mstore(add(dst, shl(5, bad)), num)
                    bad := add(bad, 1)
                }
            }
            mstore(numbers, bad)
        }
    }

    /// @inheritdoc ITEELivenessVerifier
    function isLiveNumber(
        uint32 number,
        uint8 teeType
    ) external view returns (bool) {
        uint256 slot = HOT_BASE + number / 5;
        uint256 w;
        assembly ("memory-safe") {
            w := sload(slot)
        }
        uint256 entry = w >> (48 * (number % 5));
        uint256 attestedAt = uint40(entry);
        return attestedAt != 0 && attestedAt >= _liveSince() && uint8(entry >> 40) == teeType;
    }

    /// @dev Attested at or after this timestamp means still live.
    function _liveSince() internal view returns (uint256) {
        uint256 validity = _layout().validitySeconds;
        return block.timestamp >= validity ? block.timestamp - validity + 1 : 0;
    }

    /// @inheritdoc ITEELivenessVerifier
    function enclaveOperator(
        address enclave
    ) external view returns (bytes32) {
        Layout storage $ = _layout();
        bytes32 holder = $.enclaveHolders[enclave];
        return holder != bytes32(0) && _holdsLive($, holder, enclave) ? holder : bytes32(0);
    }

    /// @inheritdoc ITEELivenessVerifier
    function getLivenessRecord(
        bytes32 operatorId
    ) external view returns (LivenessRecord memory) {
        return _layout().records[operatorId];
    }

    /// @inheritdoc ITEELivenessVerifier
    function isQuoteUsed(
        bytes32 quoteId_
    ) external view returns (bool) {
        return _layout().usedQuotes[quoteId_];
    }

    /// @inheritdoc ITEELivenessVerifier
    function quoteId(
        bytes calldata quote
    ) external pure returns (bytes32) {
        return TEE.quoteId(quote, TEE.quoteTeeType(quote));
    }

    /// @inheritdoc ITEELivenessVerifier
    function attestationVerifier(
        uint8 teeType
    ) external view returns (IAttestationVerifier) {
        return _layout().verifiers[teeType];
    }

    /// @inheritdoc ITEELivenessVerifier
    function validitySeconds() external view returns (uint64) {
        return _layout().validitySeconds;
    }

    /// @inheritdoc ITEELivenessVerifier
    function maxBlockAge() external view returns (uint32) {
        return _layout().maxBlockAge;
    }

    /// @inheritdoc ITEELivenessVerifier
    function livenessSubmitter(
        address operator
    ) external view returns (address) {
        return _layout().submitters[operator];
    }

    // ---- internal ----

    function _checkReferenceBlock(
        uint256 number,
        bytes32 hash,
        uint32 maxAge
    ) internal view {
        if (number >= block.number) revert ReferenceBlockNotInPast(number, block.number);
        if (block.number - number > maxAge) {
            revert ReferenceBlockTooOld(number, block.number, maxAge);
        }
        bytes32 actual = blockhash(number);
        if (actual != hash) revert ReferenceBlockHashMismatch(actual, hash);
    }

    /// @dev Checks the report data layout and binding; returns the enclave address.
    function _checkReportData(
        bytes memory reportData,
        ReportData calldata data
    ) internal pure returns (address enclave) {
        if (reportData.length != 64) revert ReportDataMalformed();
        bytes32 first;
        bytes32 second;
        assembly ("memory-safe") {
            first := mload(add(reportData, 0x20))
            second := mload(add(reportData, 0x40))
        }
        if (uint256(first) >> 160 != 0) revert ReportDataMalformed();
        enclave = address(uint160(uint256(first)));
        if (enclave == address(0)) revert ReportDataMalformed();
        bytes32 expected = keccak256(abi.encode(data));
        if (second != expected) revert ReportDataMismatch(expected, second);
    }

    /// @dev Writes the packed liveness entry of an operator number (0 = no number, nothing to do).
    function _setTableEntry(
        uint256 number,
        uint256 attestedAt,
        uint8 teeType
    ) internal {
        if (number == 0) return;
        uint256 slot = HOT_BASE + number / 5;
        uint256 shift = 48 * (number % 5);
        uint256 entry = (uint256(teeType) << 40) | uint40(attestedAt);
        assembly ("memory-safe") {
            let w := and(sload(slot), not(shl(shift, 0xffffffffffff)))
            sstore(slot, or(w, shl(shift, entry)))
        }
    }

    function _setAttestationVerifier(
        uint8 teeType,
        IAttestationVerifier verifier
    ) internal {
        if (teeType == TEE.NONE) revert InvalidParameter();
        Layout storage $ = _layout();
        emit AttestationVerifierUpdated(teeType, address($.verifiers[teeType]), address(verifier));
        $.verifiers[teeType] = verifier;
    }

    function _setValiditySeconds(
        uint64 seconds_
    ) internal {
        if (seconds_ == 0) revert InvalidParameter();
        Layout storage $ = _layout();
        emit ValiditySecondsUpdated($.validitySeconds, seconds_);
        $.validitySeconds = seconds_;
    }

    function _setMaxBlockAge(
        uint32 blocks
    ) internal {
        if (blocks == 0 || blocks > 256) revert InvalidParameter();
        Layout storage $ = _layout();
        emit MaxBlockAgeUpdated($.maxBlockAge, blocks);
        $.maxBlockAge = blocks;
    }

    function _layout() private view returns (Layout storage $) {
        $ = _state;
    }
}
