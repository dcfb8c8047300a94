// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IRegistry
/// @notice What every registry behind the RegistryCoordinator exposes (EigenLayer ABI).
interface IRegistry {
    /// @notice The RegistryCoordinator allowed to change this registry.
    function registryCoordinator() external view returns (address);
}
