// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title IAttestationVerifier
/// @notice What TEELivenessVerifier needs from a TEE attestation verifier: check a quote under
///         the verifier's own policy and hand back the report data the enclave bound into it.
/// @dev One implementation per TEE type (SGX DCAP v3 first). A verifier reverts with a custom
///      error naming the failed check; it never returns report data of a quote that failed.
interface IAttestationVerifier {
    /// @notice Verifies `quote` fully (signatures, certificate chain, revocation, TCB and QE
    ///         identity status, enclave policy) and returns its 64-byte REPORTDATA.
    /// @param quote The raw attestation quote.
    /// @return reportData The 64 bytes of report data from the attested enclave report.
    function verifyAttestation(
        bytes calldata quote
    ) external returns (bytes memory reportData);
}
