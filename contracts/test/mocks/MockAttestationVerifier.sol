// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IAttestationVerifier} from "../../src/interfaces/IAttestationVerifier.sol";

/// @title MockAttestationVerifier
/// @notice TEST ONLY - never deploy. Accepts a simulated quote laid out like an Intel quote's
///         signed part: a 48-byte Intel-style header (TEE type at bytes 4..8), an enclave report
///         whose last 64 bytes are the report data (as REPORTDATA ends the SGX and TDX reports),
///         then a 65-byte ECDSA signature by `signer` over keccak256(header || report). Lets the
///         liveness tests exercise every check of TEELivenessVerifier without a DCAP quote; the
///         real SGX verifier (SgxDcapVerifier) is wired in by the deployment script.
contract MockAttestationVerifier is IAttestationVerifier {
    /// @notice The key that signs simulated quotes.
    address public immutable signer;

    /// @notice The quote is shorter than a header, report data and signature.
    error MalformedQuote(uint256 length);
    /// @notice The quote's signature is not by `signer`.
    error BadQuoteSignature(address recovered);

    /// @param quoteSigner The key that signs simulated quotes.
    constructor(
        address quoteSigner
    ) {
        signer = quoteSigner;
    }

    /// @inheritdoc IAttestationVerifier
    function verifyAttestation(
        bytes calldata quote
    ) external view returns (bytes memory reportData) {
        if (quote.length < 48 + 64 + 65) revert MalformedQuote(quote.length);
        uint256 signedEnd = quote.length - 65;
        (address recovered,,) = ECDSA.tryRecover(keccak256(quote[:signedEnd]), quote[signedEnd:]);
        if (recovered != signer) revert BadQuoteSignature(recovered);
        return quote[signedEnd - 64:signedEnd];
    }
}
