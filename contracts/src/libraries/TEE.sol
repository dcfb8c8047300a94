// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title TEE
/// @notice TEE type numbers used by TEELivenessVerifier and MultiProverServiceManager, and the
///         TEE type of an Intel DCAP quote read from its header.
/// @dev An Intel quote (v3/v4) starts with a 48-byte header: uint16 version, uint16 attestation
///      key type, uint32 TEE type (little-endian; 0x00000000 = SGX, 0x00000081 = TDX; v3 quotes
///      carry zero there, i.e. SGX), then QE SVN, PCE SVN, QE vendor id and user data. The
///      quote's signatures are checked by the attestation verifier of that type, not here.
library TEE {
    /// @notice Not a TEE type (unset).
    uint8 internal constant NONE = 0;
    /// @notice Intel SGX, attested with DCAP quotes.
    uint8 internal constant INTEL_SGX = 1;
    /// @notice Intel TDX, attested with DCAP quotes.
    uint8 internal constant INTEL_TDX = 2;

    /// @notice The quote is shorter than an Intel quote header (48 bytes).
    error QuoteTooShort(uint256 length);
    /// @notice The quote header names a TEE type this contract does not know.
    error UnsupportedQuoteTeeType(uint32 headerTeeType);

    /// @notice The TEE type a DCAP quote declares in its header.
    /// @param quote The raw quote.
    function quoteTeeType(
        bytes calldata quote
    ) internal pure returns (uint8) {
        if (quote.length < 48) revert QuoteTooShort(quote.length);
        uint32 t = uint32(uint8(quote[4])) | (uint32(uint8(quote[5])) << 8)
            | (uint32(uint8(quote[6])) << 16) | (uint32(uint8(quote[7])) << 24);
        if (t == 0) return INTEL_SGX;
        if (t == 0x81) return INTEL_TDX;
        revert UnsupportedQuoteTeeType(t);
    }
}
