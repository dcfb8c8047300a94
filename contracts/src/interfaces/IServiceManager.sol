// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ISignatureUtils} from "./ISignatureUtils.sol";

/// @title IServiceManager
/// @notice The AVS entry point EigenLayer's RegistryCoordinator calls (ServiceManagerBase ABI, M2).
interface IServiceManager {
    /// @notice Publishes the AVS metadata URI through the AVS directory. Owner only.
    /// @param metadataURI Where the metadata is.
    function updateAVSMetadataURI(
        string memory metadataURI
    ) external;

    /// @notice Registers `operator` with the AVS directory. RegistryCoordinator only.
    /// @param operator The operator.
    /// @param operatorSignature The operator's AVS registration signature.
    function registerOperatorToAVS(
        address operator,
        ISignatureUtils.SignatureWithSaltAndExpiry memory operatorSignature
    ) external;

    /// @notice Deregisters `operator` from the AVS directory. RegistryCoordinator only.
    /// @param operator The operator.
    function deregisterOperatorFromAVS(
        address operator
    ) external;

    /// @notice Every strategy any quorum weighs.
    function getRestakeableStrategies() external view returns (address[] memory);

    /// @notice The strategies weighed in the quorums `operator` is registered for.
    /// @param operator The operator.
    function getOperatorRestakedStrategies(
        address operator
    ) external view returns (address[] memory);

    /// @notice The AVS directory this service manager registers operators with.
    function avsDirectory() external view returns (address);
}
