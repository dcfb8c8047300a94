// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {DcapCollateralStore} from "../src/attestation/DcapCollateralStore.sol";
import {X509} from "../src/attestation/lib/X509.sol";
import {Vm} from "../test/utils/Vm.sol";

/// @title AttestationCollateral
/// @notice Uploads a directory of DCAP collateral in standard formats (DER certificates and
///         CRLs, Intel PCS JSON) to a DcapCollateralStore, in dependency order. The layout is
///         the one `mpavs sim-ca init DIR` writes (docs/dcap.md, "Simulated attestation"):
///
///           root_ca.der  root_ca_crl.der  pck_platform_ca.der  pck_crl.der
///           tcb_signing.der  tcbinfo.json  qe_identity.json
///
///         Intel's file names are accepted as alternatives (pck_processor_ca.der,
///         pck_platform_crl.der / pck_processor_crl.der, identity.json), and tcbinfo*.json
///         beyond the first are uploaded too (one per FMSPC).
/// @dev Used by the deploy script, the verdict script and the tests. Every item is verified
///      by the store; this code only finds the files.
abstract contract AttestationCollateral {
    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @notice A collateral file the upload needs is not in the directory.
    /// @param path The file that was looked for.
    error CollateralFileMissing(string path);
    /// @notice The directory's root_ca.der does not parse as a certificate.
    /// @param path The file.
    error RootCertificateInvalid(string path);

    /// @notice IDs of the certificates an upload stored.
    struct Uploaded {
        bytes32 root;
        bytes32 pckCa;
        bytes32 tcbSigning;
    }

    /// @dev The public key (x, y) of the root certificate `dir`/root_ca.der.
    function rootKeyOf(
        string memory dir
    ) internal view returns (bytes32 x, bytes32 y) {
        (bool ok, X509.Certificate memory c) = X509.parse(_read(dir, "root_ca.der"));
        if (!ok) revert RootCertificateInvalid(_path(dir, "root_ca.der"));
        return (c.keyX, c.keyY);
    }

    /// @dev Uploads every collateral item of `dir` to `store` (the caller broadcasts).
    function uploadCollateral(
        DcapCollateralStore store,
        string memory dir
    ) internal returns (Uploaded memory u) {
        u.root = store.addCertificate(_read(dir, "root_ca.der"));
        store.addCrl(_read(dir, "root_ca_crl.der"), u.root);
        u.pckCa = store.addCertificate(_first(dir, "pck_platform_ca.der", "pck_processor_ca.der"));
        u.tcbSigning = store.addCertificate(_read(dir, "tcb_signing.der"));
        store.addCrl(
            _firstOf3(dir, "pck_crl.der", "pck_platform_crl.der", "pck_processor_crl.der"), u.pckCa
        );
        store.addTcbInfo(_read(dir, "tcbinfo.json"), u.tcbSigning);
        store.addQeIdentity(_first(dir, "qe_identity.json", "identity.json"), u.tcbSigning);
    }

    function _path(
        string memory dir,
        string memory name
    ) private pure returns (string memory) {
        return string.concat(dir, "/", name);
    }

    function _read(
        string memory dir,
        string memory name
    ) internal view returns (bytes memory) {
        string memory p = _path(dir, name);
        if (!VM.exists(p)) revert CollateralFileMissing(p);
        return VM.readFileBinary(p);
    }

    function _first(
        string memory dir,
        string memory a,
        string memory b
    ) private view returns (bytes memory) {
        return VM.exists(_path(dir, a)) ? _read(dir, a) : _read(dir, b);
    }

    function _firstOf3(
        string memory dir,
        string memory a,
        string memory b,
        string memory c
    ) private view returns (bytes memory) {
        if (VM.exists(_path(dir, a))) return _read(dir, a);
        return _first(dir, b, c);
    }
}
