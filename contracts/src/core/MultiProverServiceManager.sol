// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {
    Ownable2StepUpgradeable
} from "@openzeppelin/contracts-upgradeable/access/Ownable2StepUpgradeable.sol";

import {IMultiProverServiceManager} from "../interfaces/IMultiProverServiceManager.sol";
import {IServiceManager} from "../interfaces/IServiceManager.sol";
import {ITEELivenessVerifier} from "../interfaces/ITEELivenessVerifier.sol";
import {ITaskValidator} from "../interfaces/ITaskValidator.sol";
import {IAVSDirectory} from "../interfaces/IAVSDirectory.sol";
import {IRegistryCoordinator} from "../interfaces/IRegistryCoordinator.sol";
import {IIndexRegistry} from "../interfaces/IIndexRegistry.sol";
import {IOperatorNumberRegistry} from "../interfaces/IOperatorNumberRegistry.sol";
import {IStakeRegistry} from "../interfaces/IStakeRegistry.sol";
import {ISignatureUtils} from "../interfaces/ISignatureUtils.sol";
import {BLSSignatureChecker} from "../middleware/BLSSignatureChecker.sol";
import {BitmapUtils} from "../libraries/BitmapUtils.sol";

/// @title MultiProverServiceManager
/// @notice The AVS's service manager: EigenLayer's ServiceManagerBase duties (operator
///         registration with the AVS directory, metadata URI, restakeable strategies) plus state
///         confirmation. confirmState accepts a StateHeader when, for every quorum of the
///         header's committee, (1) the aggregate BLS signature over the deployment-bound digest
///         verifies (EigenLayer's checkSignatures), (2) the signed stake reaches the committee's
///         threshold, and (3) every signer - every operator of the quorum at the reference
///         block that is not listed as a non-signer - is live now in the TEELivenessVerifier
///         with the quorum's TEE type. A committee may name a task validator that must first
///         accept (metadata, state) as an existing task. Each (identifier, metadata) is
///         confirmed once; a different state reaching the threshold later is recorded as a
///         conflict. The reference block window stays below the delegation manager's
///         withdrawal delay, so the stake a confirmation counts is still slashable.
/// @dev Upgradeable behind a transparent proxy; storage in one ERC-7201 namespace (the OZ
///      bases use their own namespaces). Signers are listed through the IndexRegistry and
///      checked in one batched call to the liveness verifier.
contract MultiProverServiceManager is
    IMultiProverServiceManager,
    IServiceManager,
    BLSSignatureChecker,
    Initializable,
    Ownable2StepUpgradeable
{
    /// @notice EIP-712-style type hash of the signed header (chain id and service manager
    ///         included, so a signature is bound to one deployment).
    bytes32 public constant STATEHEADER_TYPEHASH = keccak256(
        "StateHeader(uint256 chainId,address serviceManager,uint256 identifier,bytes metadata,bytes state,uint32 referenceBlockNumber)"
    );
    /// @notice Thresholds are percentages.
    uint8 public constant THRESHOLD_DENOMINATOR = 100;
    /// @notice Most quorums a committee may have (its packed form fits one slot).
    uint8 public constant MAX_COMMITTEE_QUORUMS = 10;

    /// @dev A committee as stored: `packed` is read with one SLOAD per confirmation. Byte 0 is
    ///      the quorum count n (1..10); bytes 1+3k, 2+3k, 3+3k are quorum k's number, threshold
    ///      percentage and TEE type (copied from quorumTeeType, which never changes once set);
    ///      byte 31 is 1 when `validator` is set, so committees without one pay no extra SLOAD.
    struct StoredCommittee {
        bytes32 packed;
        string description;
        ITaskValidator validator;
    }

    /// @dev Byte 31 of StoredCommittee.packed: the committee has a task validator.
    uint256 private constant HAS_VALIDATOR = 1;

    /// @custom:storage-location erc7201:mpavs.storage.MultiProverServiceManager
    struct Layout {
        // One slot, read on every confirmation.
        ITEELivenessVerifier livenessVerifier;
        uint32 maxReferenceBlockAge;
        bool staleStakesForbidden;
        bool paused;
        address pauser;
        mapping(uint256 => StoredCommittee) committees;
        mapping(uint8 => uint8) quorumTeeType;
        mapping(bytes32 => bytes32) confirmedStateHash;
        mapping(bytes32 => mapping(bytes32 => bool)) conflictRecorded;
        mapping(bytes32 => uint256) conflictCount;
    }

    // keccak256(abi.encode(uint256(keccak256("mpavs.storage.MultiProverServiceManager")) - 1)) & ~0xff
    bytes32 private constant LAYOUT_SLOT =
        0x812a649fcec36ac85434c37608ea19a6a9560e412c95630ce3fa4fb1cd264c00;

    /// @notice The index registry (lists a quorum's operator numbers at the reference block).
    IOperatorNumberRegistry public immutable indexRegistry;
    IAVSDirectory internal immutable _avsDirectory;

    modifier onlyRegistryCoordinator() {
        if (msg.sender != address(registryCoordinator)) revert OnlyRegistryCoordinator();
        _;
    }

    /// @param coordinator The registry coordinator.
    /// @param directory The AVS directory (EigenLayer's, or the devnet's).
    constructor(
        IRegistryCoordinator coordinator,
        IAVSDirectory directory
    ) BLSSignatureChecker(coordinator) {
        indexRegistry = IOperatorNumberRegistry(address(coordinator.indexRegistry()));
        _avsDirectory = directory;
        _disableInitializers();
    }

    /// @notice Sets owner, pauser, liveness verifier and the reference block window.
    /// @param initialOwner The owner.
    /// @param initialPauser The pauser (0 = owner only).
    /// @param verifier The liveness verifier.
    /// @param maxReferenceBlockAge_ Maximum age in blocks of a reference block.
    function initialize(
        address initialOwner,
        address initialPauser,
        ITEELivenessVerifier verifier,
        uint32 maxReferenceBlockAge_
    ) external initializer {
        __Ownable_init(initialOwner);
        _setPauser(initialPauser);
        _setMaxReferenceBlockAge(maxReferenceBlockAge_);
        _setLivenessVerifier(verifier);
    }

    // ---- confirmation ----

    /// @inheritdoc IMultiProverServiceManager
    function confirmState(
        StateHeader calldata header,
        NonSignerStakesAndSignature calldata params
    ) external returns (bytes32 digest) {
        Layout storage $ = _layout();
        if ($.paused) revert EnforcedPause();
        bytes32 metadataHash = keccak256(header.metadata);
        bytes32 stateHash = keccak256(header.state);
        bytes32 key = _stateKey(header.identifier, metadataHash);
        bytes32 confirmed = $.confirmedStateHash[key];
        if (confirmed == stateHash) {
            revert StateAlreadyConfirmed(header.identifier, metadataHash, stateHash);
        }
        if (confirmed != bytes32(0) && $.conflictRecorded[key][stateHash]) {
            revert ConflictAlreadyRecorded(header.identifier, metadataHash, stateHash);
        }
        digest = _digest(header.identifier, metadataHash, stateHash, header.referenceBlockNumber);
        bytes32 signatoryRecordHash = _verify($, header, digest, params);

        if (confirmed == bytes32(0)) {
            $.confirmedStateHash[key] = stateHash;
            _emitConfirmed(header, metadataHash, stateHash, signatoryRecordHash);
        } else {
            $.conflictRecorded[key][stateHash] = true;
            $.conflictCount[key] += 1;
            _emitConflict(header, metadataHash, stateHash, confirmed, signatoryRecordHash);
        }
    }

    function _emitConfirmed(
        StateHeader calldata header,
        bytes32 metadataHash,
        bytes32 stateHash,
        bytes32 signatoryRecordHash
    ) internal {
        emit StateConfirmed(
            header.identifier,
            metadataHash,
            stateHash,
            header.metadata,
            header.state,
            header.referenceBlockNumber,
            signatoryRecordHash
        );
    }

    function _emitConflict(
        StateHeader calldata header,
        bytes32 metadataHash,
        bytes32 stateHash,
        bytes32 confirmed,
        bytes32 signatoryRecordHash
    ) internal {
        emit StateConflict(
            header.identifier,
            metadataHash,
            stateHash,
            confirmed,
            header.state,
            header.referenceBlockNumber,
            signatoryRecordHash
        );
    }

    /// @dev A committee unpacked for one confirmation.
    struct Unpacked {
        bytes quorums;
        bytes thresholds;
        bytes teeTypes;
        uint256 bitmap;
        bytes32 packed;
    }

    /// @dev The three checks of a confirmation for the header's committee: signature (with the
    ///      stake totals), thresholds, liveness of the signers. Returns the signatory record hash.
    function _verify(
        Layout storage $,
        StateHeader calldata header,
        bytes32 digest,
        NonSignerStakesAndSignature calldata params
    ) internal view returns (bytes32 signatoryRecordHash) {
        Unpacked memory c = _unpack($.committees[header.identifier].packed);
        if (c.quorums.length == 0) revert CommitteeNotFound(header.identifier);
        uint32 ref = header.referenceBlockNumber;
        _checkReferenceBlock(ref, $.maxReferenceBlockAge);
        if (uint256(c.packed) & 0xff == HAS_VALIDATOR) {
            _checkTask($.committees[header.identifier].validator, header);
        }
        QuorumStakeTotals memory totals;
        bytes32[] memory nonSigners;
        (totals, signatoryRecordHash, nonSigners) =
            _checkSignatures(digest, c.quorums, ref, params, c.bitmap, $.staleStakesForbidden);
        _checkThresholds(c.quorums, c.thresholds, totals);
        _checkSignersLive(c.quorums, c.teeTypes, ref, nonSigners, $.livenessVerifier);
    }

    /// @dev Splits a packed committee into its quorums, thresholds, TEE types and quorum bitmap.
    function _unpack(
        bytes32 packed
    ) internal pure returns (Unpacked memory c) {
        uint256 n = uint8(packed[0]);
        c.packed = packed;
        c.quorums = new bytes(n);
        c.thresholds = new bytes(n);
        c.teeTypes = new bytes(n);
        for (uint256 k = 0; k < n; k++) {
            c.quorums[k] = packed[1 + 3 * k];
            c.thresholds[k] = packed[2 + 3 * k];
            c.teeTypes[k] = packed[3 + 3 * k];
            c.bitmap |= uint256(1) << uint8(packed[1 + 3 * k]);
        }
    }

    /// @dev The committee's validator must accept (metadata, state) as an existing task.
    function _checkTask(
        ITaskValidator validator,
        StateHeader calldata header
    ) internal view {
        if (!validator.isValidTask(header.identifier, header.metadata, header.state)) {
            revert TaskNotValid(
                header.identifier, keccak256(header.metadata), keccak256(header.state)
            );
        }
    }

    function _checkReferenceBlock(
        uint32 referenceBlockNumber,
        uint32 maxAge
    ) internal view {
        if (referenceBlockNumber >= block.number) {
            revert ReferenceBlockNotInPast(referenceBlockNumber, block.number);
        }
        if (block.number - referenceBlockNumber > maxAge) {
            revert ReferenceBlockTooOld(referenceBlockNumber, block.number, maxAge);
        }
    }

    /// @dev signed * 100 >= total * threshold per quorum, and signed > 0: an empty quorum
    ///      (or one where nobody signed) verifies trivially and must never confirm anything.
    function _checkThresholds(
        bytes memory quorums,
        bytes memory thresholds,
        QuorumStakeTotals memory totals
    ) internal pure {
        for (uint256 i = 0; i < quorums.length; i++) {
            uint96 signed = totals.signedStakeForQuorum[i];
            uint96 total = totals.totalStakeForQuorum[i];
            uint8 threshold = uint8(thresholds[i]);
            if (signed == 0 || uint256(signed) * THRESHOLD_DENOMINATOR < uint256(total) * threshold)
            {
                revert InsufficientSignedStake(uint8(quorums[i]), signed, total, threshold);
            }
        }
    }

    /// @dev Every operator of each quorum at the reference block that is not live now with the
    ///      quorum's TEE type must be a non-signer (found by binary search in the ascending
    ///      non-signer ids); otherwise its key is in the aggregate and the call reverts.
    function _checkSignersLive(
        bytes memory quorums,
        bytes memory teeTypes,
        uint32 referenceBlockNumber,
        bytes32[] memory nonSigners,
        ITEELivenessVerifier verifier
    ) internal view {
        for (uint256 i = 0; i < quorums.length; i++) {
            uint8 q = uint8(quorums[i]);
            uint32[] memory notLive =
                verifier.notLiveOperators(q, referenceBlockNumber, uint8(teeTypes[i]));
            for (uint256 j = 0; j < notLive.length; j++) {
                bytes32 id = indexRegistry.operatorIdByNumber(notLive[j]);
                if (!_contains(nonSigners, id)) revert SignerNotLive(id, q);
            }
        }
    }

    function _contains(
        bytes32[] memory sorted,
        bytes32 x
    ) internal pure returns (bool) {
        uint256 lo;
        uint256 hi = sorted.length;
        while (lo < hi) {
            uint256 mid = (lo + hi) >> 1;
            if (sorted[mid] == x) return true;
            if (uint256(sorted[mid]) < uint256(x)) lo = mid + 1;
            else hi = mid;
        }
        return false;
    }

    function _digest(
        uint256 identifier,
        bytes32 metadataHash,
        bytes32 stateHash,
        uint32 referenceBlockNumber
    ) internal view returns (bytes32) {
        return keccak256(
            abi.encode(
                STATEHEADER_TYPEHASH,
                block.chainid,
                address(this),
                identifier,
                metadataHash,
                stateHash,
                referenceBlockNumber
            )
        );
    }

    function _stateKey(
        uint256 identifier,
        bytes32 metadataHash
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(identifier, metadataHash));
    }

    // ---- service manager (EigenLayer ServiceManagerBase) ----

    /// @inheritdoc IServiceManager
    function registerOperatorToAVS(
        address operator,
        ISignatureUtils.SignatureWithSaltAndExpiry memory operatorSignature
    ) external onlyRegistryCoordinator {
        _avsDirectory.registerOperatorToAVS(operator, operatorSignature);
    }

    /// @inheritdoc IServiceManager
    function deregisterOperatorFromAVS(
        address operator
    ) external onlyRegistryCoordinator {
        _avsDirectory.deregisterOperatorFromAVS(operator);
        // Liveness must not outlive registration: re-registering needs a fresh quote.
        _layout().livenessVerifier.clearOnDeregistration(operator);
    }

    /// @inheritdoc IServiceManager
    function updateAVSMetadataURI(
        string memory metadataURI
    ) external onlyOwner {
        _avsDirectory.updateAVSMetadataURI(metadataURI);
    }

    /// @inheritdoc IServiceManager
    function avsDirectory() external view returns (address) {
        return address(_avsDirectory);
    }

    /// @inheritdoc IServiceManager
    function getRestakeableStrategies() external view returns (address[] memory strategies) {
        uint8 count = registryCoordinator.quorumCount();
        bytes memory all = new bytes(count);
        for (uint256 i = 0; i < count; i++) {
            all[i] = bytes1(uint8(i));
        }
        return _strategiesOf(all);
    }

    /// @inheritdoc IServiceManager
    function getOperatorRestakedStrategies(
        address operator
    ) external view returns (address[] memory) {
        bytes32 id = registryCoordinator.getOperatorId(operator);
        return _strategiesOf(
            BitmapUtils.bitmapToBytesArray(registryCoordinator.getCurrentQuorumBitmap(id))
        );
    }

    function _strategiesOf(
        bytes memory quorums
    ) internal view returns (address[] memory strategies) {
        uint256 total;
        for (uint256 i = 0; i < quorums.length; i++) {
            total += stakeRegistry.strategyParamsLength(uint8(quorums[i]));
        }
        strategies = new address[](total);
        uint256 k;
        for (uint256 i = 0; i < quorums.length; i++) {
            uint8 q = uint8(quorums[i]);
            uint256 n = stakeRegistry.strategyParamsLength(q);
            for (uint256 j = 0; j < n; j++) {
                IStakeRegistry.StrategyParams memory p = stakeRegistry.strategyParamsByIndex(q, j);
                strategies[k++] = address(p.strategy);
            }
        }
    }

    // ---- owner and pauser ----

    /// @inheritdoc IMultiProverServiceManager
    function setCommittee(
        uint256 identifier,
        bytes calldata quorumNumbers,
        bytes calldata thresholdPercentages,
        string calldata description
    ) external onlyOwner {
        uint256 n = quorumNumbers.length;
        if (identifier == 0 || n == 0 || n > MAX_COMMITTEE_QUORUMS) revert InvalidCommittee();
        if (thresholdPercentages.length != n) revert InvalidCommittee();
        BitmapUtils.orderedBytesArrayToBitmap(quorumNumbers, registryCoordinator.quorumCount());
        Layout storage $ = _layout();
        StoredCommittee storage stored = $.committees[identifier];
        bytes memory packed = new bytes(32);
        packed[0] = bytes1(uint8(n));
        if (address(stored.validator) != address(0)) packed[31] = bytes1(uint8(HAS_VALIDATOR));
        for (uint256 k = 0; k < n; k++) {
            uint8 q = uint8(quorumNumbers[k]);
            uint8 t = uint8(thresholdPercentages[k]);
            uint8 tee = $.quorumTeeType[q];
            if (t == 0 || t > THRESHOLD_DENOMINATOR || tee == 0) revert InvalidCommittee();
            packed[1 + 3 * k] = bytes1(q);
            packed[2 + 3 * k] = bytes1(t);
            packed[3 + 3 * k] = bytes1(tee);
        }
        stored.packed = bytes32(packed);
        stored.description = description;
        emit CommitteeUpdated(identifier, quorumNumbers, thresholdPercentages, description);
    }

    /// @inheritdoc IMultiProverServiceManager
    function removeCommittee(
        uint256 identifier
    ) external onlyOwner {
        Layout storage $ = _layout();
        StoredCommittee storage stored = $.committees[identifier];
        if (stored.packed == bytes32(0)) revert CommitteeNotFound(identifier);
        address validator = address(stored.validator);
        delete $.committees[identifier];
        if (validator != address(0)) emit TaskValidatorUpdated(identifier, validator, address(0));
        emit CommitteeRemoved(identifier);
    }

    /// @inheritdoc IMultiProverServiceManager
    function setTaskValidator(
        uint256 identifier,
        ITaskValidator validator
    ) external onlyOwner {
        StoredCommittee storage stored = _layout().committees[identifier];
        bytes32 packed = stored.packed;
        if (packed == bytes32(0)) revert CommitteeNotFound(identifier);
        if (address(validator) != address(0) && address(validator).code.length == 0) {
            revert InvalidParameter();
        }
        emit TaskValidatorUpdated(identifier, address(stored.validator), address(validator));
        stored.validator = validator;
        packed &= ~bytes32(uint256(0xff));
        if (address(validator) != address(0)) packed |= bytes32(HAS_VALIDATOR);
        stored.packed = packed;
    }

    /// @inheritdoc IMultiProverServiceManager
    function setQuorumTeeType(
        uint8 quorumNumber,
        uint8 teeType
    ) external onlyOwner {
        if (quorumNumber >= registryCoordinator.quorumCount() || teeType == 0) {
            revert InvalidParameter();
        }
        Layout storage $ = _layout();
        if ($.quorumTeeType[quorumNumber] != 0) revert QuorumTeeTypeAlreadySet(quorumNumber);
        $.quorumTeeType[quorumNumber] = teeType;
        emit QuorumTeeTypeUpdated(quorumNumber, teeType);
    }

    /// @inheritdoc IMultiProverServiceManager
    function setLivenessVerifier(
        ITEELivenessVerifier verifier
    ) external onlyOwner {
        _setLivenessVerifier(verifier);
    }

    /// @inheritdoc IMultiProverServiceManager
    function setMaxReferenceBlockAge(
        uint32 blocks
    ) external onlyOwner {
        _setMaxReferenceBlockAge(blocks);
    }

    /// @inheritdoc IMultiProverServiceManager
    function setStaleStakesForbidden(
        bool value
    ) external onlyOwner {
        _layout().staleStakesForbidden = value;
        emit StaleStakesForbiddenUpdate(value);
    }

    /// @inheritdoc IMultiProverServiceManager
    function setPauser(
        address newPauser
    ) external onlyOwner {
        _setPauser(newPauser);
    }

    /// @inheritdoc IMultiProverServiceManager
    function pause() external {
        Layout storage $ = _layout();
        if (msg.sender != $.pauser && msg.sender != owner()) revert OnlyPauser();
        if ($.paused) revert EnforcedPause();
        $.paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc IMultiProverServiceManager
    function unpause() external onlyOwner {
        Layout storage $ = _layout();
        if (!$.paused) revert ExpectedPause();
        $.paused = false;
        emit Unpaused(msg.sender);
    }

    function _setPauser(
        address newPauser
    ) internal {
        Layout storage $ = _layout();
        emit PauserUpdated($.pauser, newPauser);
        $.pauser = newPauser;
    }

    function _setLivenessVerifier(
        ITEELivenessVerifier verifier
    ) internal {
        // The verifier must accept this contract's clearOnDeregistration calls, or operators
        // could not deregister.
        if (address(verifier) == address(0) || verifier.serviceManager() != address(this)) {
            revert InvalidParameter();
        }
        Layout storage $ = _layout();
        emit LivenessVerifierUpdated(address($.livenessVerifier), address(verifier));
        $.livenessVerifier = verifier;
    }

    function _setMaxReferenceBlockAge(
        uint32 blocks
    ) internal {
        if (blocks == 0) revert InvalidParameter();
        // EigenLayer's premise: stake counted at a reference block is still slashable when the
        // confirmation lands, i.e. it cannot have been withdrawn in full since.
        uint256 delay = delegation.minWithdrawalDelayBlocks();
        if (blocks >= delay) revert ReferenceWindowNotBelowWithdrawalDelay(blocks, delay);
        Layout storage $ = _layout();
        emit MaxReferenceBlockAgeUpdated($.maxReferenceBlockAge, blocks);
        $.maxReferenceBlockAge = blocks;
    }

    // ---- views ----

    /// @inheritdoc IMultiProverServiceManager
    function stateHeaderDigest(
        StateHeader calldata header
    ) external view returns (bytes32) {
        return _digest(
            header.identifier,
            keccak256(header.metadata),
            keccak256(header.state),
            header.referenceBlockNumber
        );
    }

    /// @inheritdoc IMultiProverServiceManager
    function confirmedStateHash(
        uint256 identifier,
        bytes calldata metadata
    ) external view returns (bytes32) {
        return _layout().confirmedStateHash[_stateKey(identifier, keccak256(metadata))];
    }

    /// @inheritdoc IMultiProverServiceManager
    function isStateConfirmed(
        uint256 identifier,
        bytes calldata metadata,
        bytes calldata state
    ) external view returns (bool) {
        return _layout().confirmedStateHash[_stateKey(identifier, keccak256(metadata))]
            == keccak256(state);
    }

    /// @inheritdoc IMultiProverServiceManager
    function conflictCount(
        uint256 identifier,
        bytes calldata metadata
    ) external view returns (uint256) {
        return _layout().conflictCount[_stateKey(identifier, keccak256(metadata))];
    }

    /// @inheritdoc IMultiProverServiceManager
    function getCommittee(
        uint256 identifier
    ) external view returns (Committee memory c) {
        StoredCommittee storage stored = _layout().committees[identifier];
        Unpacked memory u = _unpack(stored.packed);
        c.quorumNumbers = u.quorums;
        c.thresholdPercentages = u.thresholds;
        c.teeTypes = u.teeTypes;
        c.description = stored.description;
    }

    /// @inheritdoc IMultiProverServiceManager
    function quorumTeeType(
        uint8 quorumNumber
    ) external view returns (uint8) {
        return _layout().quorumTeeType[quorumNumber];
    }

    /// @inheritdoc IMultiProverServiceManager
    function taskValidator(
        uint256 identifier
    ) external view returns (ITaskValidator) {
        return _layout().committees[identifier].validator;
    }

    /// @inheritdoc IMultiProverServiceManager
    function livenessVerifier() external view returns (ITEELivenessVerifier) {
        return _layout().livenessVerifier;
    }

    /// @inheritdoc IMultiProverServiceManager
    function maxReferenceBlockAge() external view returns (uint32) {
        return _layout().maxReferenceBlockAge;
    }

    /// @inheritdoc IMultiProverServiceManager
    function pauser() external view returns (address) {
        return _layout().pauser;
    }

    /// @inheritdoc IMultiProverServiceManager
    function paused() external view returns (bool) {
        return _layout().paused;
    }

    /// @notice Whether stakes must have been refreshed within the withdrawal delay of the
    ///         reference block (EigenLayer's staleStakesForbidden; off by default).
    function staleStakesForbidden() public view override returns (bool) {
        return _layout().staleStakesForbidden;
    }

    function _layout() private pure returns (Layout storage $) {
        assembly {
            $.slot := LAYOUT_SLOT
        }
    }
}
