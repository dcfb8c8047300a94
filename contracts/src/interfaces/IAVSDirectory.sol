// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ISignatureUtils} from "./ISignatureUtils.sol";

/// @title IAVSDirectory
/// @notice The subset of EigenLayer's (M2) AVSDirectory the service manager calls: an AVS
///         registers an operator with the operator's EIP-712 signature over
///         OperatorAVSRegistration(address operator,address avs,bytes32 salt,uint256 expiry).
interface IAVSDirectory is ISignatureUtils {
    /// @notice Registration state of an operator with an AVS.
    enum OperatorAVSRegistrationStatus {
        UNREGISTERED,
        REGISTERED
    }

    /// @notice An operator's registration with an AVS changed.
    /// @param operator The operator.
    /// @param avs The AVS (its service manager).
    /// @param status The new status.
    event OperatorAVSRegistrationStatusUpdated(
        address indexed operator, address indexed avs, OperatorAVSRegistrationStatus status
    );

    /// @notice An AVS published new metadata.
    /// @param avs The AVS.
    /// @param metadataURI Where the metadata is.
    event AVSMetadataURIUpdated(address indexed avs, string metadataURI);

    /// @notice Registers `operator` with the calling AVS after checking its signature.
    /// @param operator The operator.
    /// @param operatorSignature The operator's signature with salt and expiry.
    function registerOperatorToAVS(
        address operator,
        SignatureWithSaltAndExpiry memory operatorSignature
    ) external;

    /// @notice Deregisters `operator` from the calling AVS.
    /// @param operator The operator.
    function deregisterOperatorFromAVS(
        address operator
    ) external;

    /// @notice Publishes the calling AVS's metadata URI.
    /// @param metadataURI Where the metadata is.
    function updateAVSMetadataURI(
        string calldata metadataURI
    ) external;

    /// @notice Whether `operator` has already used `salt`.
    /// @param operator The operator.
    /// @param salt The salt.
    function operatorSaltIsSpent(
        address operator,
        bytes32 salt
    ) external view returns (bool);

    /// @notice The EIP-712 digest the operator signs to register with `avs`.
    /// @param operator The operator.
    /// @param avs The AVS (service manager).
    /// @param salt A single-use salt.
    /// @param expiry Unix time after which the signature is void.
    function calculateOperatorAVSRegistrationDigestHash(
        address operator,
        address avs,
        bytes32 salt,
        uint256 expiry
    ) external view returns (bytes32);

    /// @notice keccak256("OperatorAVSRegistration(address operator,address avs,bytes32 salt,uint256 expiry)").
    function OPERATOR_AVS_REGISTRATION_TYPEHASH() external view returns (bytes32);
}
