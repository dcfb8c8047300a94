// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {SerialList} from "./DcapTypes.sol";
import {CollateralJson} from "./lib/CollateralJson.sol";
import {CollateralRecord} from "./lib/CollateralRecord.sol";
import {Pem} from "./lib/Pem.sol";
import {X509Crl} from "./lib/X509Crl.sol";

/// @title DcapCollateralParser
/// @notice Stateless parsing of uploaded collateral (TCB info and QE identity JSON, CRLs,
///         canonical PEM bodies), split off the collateral store so that the store and the
///         quote verifier fit the 24 KiB code size limit. Only uploads call it; verifying a
///         quote never does. It checks formats only: every signature and rule is enforced by
///         the store on what this returns.
contract DcapCollateralParser {
    /// @notice Parses a PCS TCB info response; reverts with CollateralMalformed naming the field.
    function parseTcbInfo(
        bytes calldata json
    ) external pure returns (CollateralRecord.Parsed memory) {
        return CollateralJson.parseTcbInfo(json);
    }

    /// @notice Parses a PCS QE identity response; reverts with CollateralMalformed.
    function parseQeIdentity(
        bytes calldata json
    ) external pure returns (CollateralRecord.Parsed memory) {
        return CollateralJson.parseQeIdentity(json);
    }

    /// @notice Parses a DER CRL; ok is false if it is malformed. `serials` is the revoked
    ///         serial list packed for storage (SerialList).
    function parseCrl(
        bytes calldata der
    ) external pure returns (bool ok, X509Crl.Crl memory crl, bytes memory serials) {
        (ok, crl) = X509Crl.parse(der);
        if (ok) serials = SerialList.pack(crl.revokedSerials);
    }

    /// @notice The canonical PEM body of a DER certificate (see Pem.canonicalBody).
    function canonicalBody(
        bytes calldata der
    ) external pure returns (bytes memory) {
        return Pem.canonicalBody(der);
    }
}
