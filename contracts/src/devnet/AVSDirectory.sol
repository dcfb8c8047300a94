// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {IAVSDirectory} from "../interfaces/IAVSDirectory.sol";
import {IDelegationManager} from "../interfaces/IDelegationManager.sol";

/// @title AVSDirectory
/// @notice The devnet's stand-in for EigenLayer's (M2) AVSDirectory: an AVS registers an operator
///         only with the operator's EIP-712 signature over
///         OperatorAVSRegistration(operator, avs, salt, expiry) in the domain
///         EIP712Domain(string name="EigenLayer", uint256 chainId, address verifyingContract).
///         The operator must be an operator of the stake source. Same digest, checks and
///         events as EigenLayer's, so the operator tooling signs the same message on both.
contract AVSDirectory is IAVSDirectory {
    /// @notice keccak256("EIP712Domain(string name,uint256 chainId,address verifyingContract)").
    bytes32 public constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,uint256 chainId,address verifyingContract)");
    /// @inheritdoc IAVSDirectory
    bytes32 public constant OPERATOR_AVS_REGISTRATION_TYPEHASH = keccak256(
        "OperatorAVSRegistration(address operator,address avs,bytes32 salt,uint256 expiry)"
    );

    /// @notice The stake source whose operators may register.
    IDelegationManager public immutable delegation;
    /// @notice Registration status per AVS per operator.
    mapping(address => mapping(address => OperatorAVSRegistrationStatus)) public avsOperatorStatus;
    /// @inheritdoc IAVSDirectory
    mapping(address => mapping(bytes32 => bool)) public operatorSaltIsSpent;

    /// @notice The signature's expiry has passed.
    error SignatureExpired();
    /// @notice The operator is already registered with this AVS.
    error OperatorAlreadyRegistered();
    /// @notice The operator is not registered with this AVS.
    error OperatorNotRegistered();
    /// @notice The salt was used before.
    error SaltSpent();
    /// @notice The address is not an operator of the stake source.
    error OperatorNotRegisteredToEigenLayer();
    /// @notice The signature is not the operator's signature of the registration digest.
    error InvalidSignature();

    /// @param delegationManager The stake source (isOperator).
    constructor(
        IDelegationManager delegationManager
    ) {
        delegation = delegationManager;
    }

    /// @notice The EIP-712 domain separator (recomputed, so it follows a chain id change).
    function domainSeparator() public view returns (bytes32) {
        return keccak256(
            abi.encode(
                DOMAIN_TYPEHASH, keccak256(bytes("EigenLayer")), block.chainid, address(this)
            )
        );
    }

    /// @inheritdoc IAVSDirectory
    function registerOperatorToAVS(
        address operator,
        SignatureWithSaltAndExpiry memory operatorSignature
    ) external {
        if (operatorSignature.expiry < block.timestamp) revert SignatureExpired();
        if (avsOperatorStatus[msg.sender][operator] == OperatorAVSRegistrationStatus.REGISTERED) {
            revert OperatorAlreadyRegistered();
        }
        if (operatorSaltIsSpent[operator][operatorSignature.salt]) revert SaltSpent();
        if (!delegation.isOperator(operator)) revert OperatorNotRegisteredToEigenLayer();
        bytes32 digest = calculateOperatorAVSRegistrationDigestHash(
            operator, msg.sender, operatorSignature.salt, operatorSignature.expiry
        );
        if (!SignatureChecker.isValidSignatureNow(operator, digest, operatorSignature.signature)) {
            revert InvalidSignature();
        }
        avsOperatorStatus[msg.sender][operator] = OperatorAVSRegistrationStatus.REGISTERED;
        operatorSaltIsSpent[operator][operatorSignature.salt] = true;
        emit OperatorAVSRegistrationStatusUpdated(
            operator, msg.sender, OperatorAVSRegistrationStatus.REGISTERED
        );
    }

    /// @inheritdoc IAVSDirectory
    function deregisterOperatorFromAVS(
        address operator
    ) external {
        if (avsOperatorStatus[msg.sender][operator] != OperatorAVSRegistrationStatus.REGISTERED) {
            revert OperatorNotRegistered();
        }
        avsOperatorStatus[msg.sender][operator] = OperatorAVSRegistrationStatus.UNREGISTERED;
        emit OperatorAVSRegistrationStatusUpdated(
            operator, msg.sender, OperatorAVSRegistrationStatus.UNREGISTERED
        );
    }

    /// @inheritdoc IAVSDirectory
    function updateAVSMetadataURI(
        string calldata metadataURI
    ) external {
        emit AVSMetadataURIUpdated(msg.sender, metadataURI);
    }

    /// @inheritdoc IAVSDirectory
    function calculateOperatorAVSRegistrationDigestHash(
        address operator,
        address avs,
        bytes32 salt,
        uint256 expiry
    ) public view returns (bytes32) {
        bytes32 structHash =
            keccak256(abi.encode(OPERATOR_AVS_REGISTRATION_TYPEHASH, operator, avs, salt, expiry));
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
    }
}
