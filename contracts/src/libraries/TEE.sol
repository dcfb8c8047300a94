// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title TEE
/// @notice TEE type numbers used by TEELivenessVerifier and MultiProverServiceManager, the
///         TEE type of an Intel DCAP quote read from its header, and the quote's replay id.
/// @dev An Intel quote (v3/v4) starts with a 48-byte header: uint16 version, uint16 attestation
///      key type, uint32 TEE type (little-endian; 0x00000000 = SGX, 0x00000081 = TDX; v3 quotes
///      carry zero there, i.e. SGX), then QE SVN, PCE SVN, QE vendor id and user data. The
///      enclave report follows (SGX: 384 bytes, TDX v4: the 584-byte TD report), and the
///      attestation key signs exactly header + report. The quote's signatures are checked by the
///      attestation verifier of that type, not here.
///
///      Replay id: everything after header + report can be re-encoded without breaking a
///      signature (ECDSA s -> n - s, the optional NUL after the PEM chain with its two length
///      fields, and so on), so a hash of the whole quote does not identify it. The id is the
///      keccak256 of the signed part; two quotes with the same id attest the same report.
library TEE {
    /// @notice Not a TEE type (unset).
    uint8 internal constant NONE = 0;
    /// @notice Intel SGX, attested with DCAP quotes.
    uint8 internal constant INTEL_SGX = 1;
    /// @notice Intel TDX, attested with DCAP quotes.
    uint8 internal constant INTEL_TDX = 2;

    /// @notice Bytes an SGX quote's attestation key signs: header (48) + ISV report (384).
    uint256 internal constant SGX_SIGNED_LENGTH = 432;
    /// @notice Bytes a TDX (v4) quote's attestation key signs: header (48) + TD report (584).
    uint256 internal constant TDX_SIGNED_LENGTH = 632;

    /// @notice The quote is shorter than the part its TEE type signs (or than a 48-byte header).
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

    /// @notice The replay id of a quote of TEE type `teeType`: keccak256 of its signed part
    ///         (header + enclave report), which no re-encoding of the quote can change.
    /// @param quote The raw quote.
    /// @param teeType INTEL_SGX or INTEL_TDX (from quoteTeeType).
    function quoteId(
        bytes calldata quote,
        uint8 teeType
    ) internal pure returns (bytes32 id) {
        uint256 n = teeType == INTEL_TDX ? TDX_SIGNED_LENGTH : SGX_SIGNED_LENGTH;
        if (quote.length < n) revert QuoteTooShort(quote.length);
        assembly ("memory-safe") {
            let m := mload(0x40)
            calldatacopy(m, quote.offset, n)
            id := keccak256(m, n)
        }
    }
}
