// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ISignatureUtils
/// @notice The signature container EigenLayer's AVSDirectory and RegistryCoordinator take.
interface ISignatureUtils {
    /// @notice An ECDSA (or EIP-1271) signature with the salt and expiry it commits to.
    /// @param signature The signature bytes (65-byte r||s||v for an EOA).
    /// @param salt A value the signer uses once.
    /// @param expiry Unix time after which the signature is void.
    struct SignatureWithSaltAndExpiry {
        bytes signature;
        bytes32 salt;
        uint256 expiry;
    }
}
