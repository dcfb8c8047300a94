// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {LibSort} from "solady/utils/LibSort.sol";
import {SSTORE2} from "solady/utils/SSTORE2.sol";
import {X509} from "./lib/X509.sol";

/// @notice TCB status of a verified quote. Numbers as in the C verifier (`enum mp_tcb_status`)
///         and Automata's `TCBStatus`; Unrecognized means no status (verification stopped).
enum TcbStatus {
    UpToDate,
    SWHardeningNeeded,
    ConfigurationAndSWHardeningNeeded,
    ConfigurationNeeded,
    OutOfDate,
    OutOfDateConfigurationNeeded,
    Revoked,
    Unrecognized
}

/// @notice What a stored CA certificate may be used for (from its subject common name).
enum CertRole {
    None,
    Root, // "SGX Root CA": self-signed, key = the pinned root key
    PckCa, // "SGX PCK Platform CA" / "SGX PCK Processor CA": issues PCK certificates
    TcbSigning // "SGX TCB Signing": signs TCB info and QE identity
}

/// @notice A stored CA certificate (verified at upload).
struct CertRecord {
    CertRole role;
    uint40 notBefore;
    uint40 notAfter;
    uint160 serial;
    bytes32 subjectHash; // keccak256 of the subject Name DER
    bytes32 issuerHash; // keccak256 of the issuer Name DER
    bytes32 keyX;
    bytes32 keyY;
}

/// @notice A stored CRL: its revoked serials (SerialList blob, zero if none) and validity.
struct CrlRecord {
    address serials;
    uint40 thisUpdate;
    uint40 nextUpdate;
    bytes32 signerKeyHash; // keccak256(x ‖ y) of the key that signed it
}

/// @notice A stored TCB info or QE identity: CollateralJson record (SSTORE2), validity, signer.
struct SignedRecord {
    address data;
    uint40 issueDate;
    uint40 nextUpdate;
    bytes32 signerCertId;
}

/// @notice Everything the quote verifier reads from the store for one quote, in one call.
struct QuoteCollateral {
    CertRecord intermediate; // role None when the chain's intermediate is not stored
    CertRecord root; // role None when the chain's root is not stored
    CertRecord rootCa; // the store's current root CA certificate (check 30)
    CrlRecord rootCrl;
    CrlRecord pckCrl; // of the PCK certificate's issuer
    SignedRecord tcbInfo; // of the PCK certificate's FMSPC
    CertRecord tcbInfoSigner;
    SignedRecord qeIdentity;
    CertRecord qeIdentitySigner;
}

/// @notice Full outcome of verifying one quote.
/// @param check 0 if the quote passed every check (and the policy); else the number of the
///        first failed check (DcapChecks; the same numbers and order as the C verifier).
/// @param status converged TCB status; Unrecognized when verification stopped before it.
struct QuoteResult {
    uint8 check;
    TcbStatus status;
    bytes6 fmspc;
    bool debug;
    uint16 isvProdId;
    uint16 isvSvn;
    bytes32 mrEnclave;
    bytes32 mrSigner;
    bytes reportData;
    string[] advisoryIds;
}

/// @title DcapChecks
/// @notice Numbers and names of the verification checks, shared with the C verifier
///         (docs/dcap.md of the dcap branch is the contract). Execution order is numeric order.
library DcapChecks {
    uint8 internal constant OK = 0;
    // Quote format
    uint8 internal constant QUOTE_SIZE = 10;
    uint8 internal constant HEADER_VERSION = 11;
    uint8 internal constant HEADER_ATT_KEY_TYPE = 12;
    uint8 internal constant HEADER_TEE_TYPE = 13;
    uint8 internal constant HEADER_QE_VENDOR_ID = 14;
    uint8 internal constant QUOTE_SIG_DATA_LEN = 15;
    uint8 internal constant QUOTE_QE_AUTH_DATA = 16;
    uint8 internal constant QUOTE_CERT_TYPE = 17;
    uint8 internal constant QUOTE_CERT_DATA_SIZE = 18;
    // PCK certificate chain from the quote
    uint8 internal constant PCK_CHAIN = 20;
    uint8 internal constant PCK_ROOT_KEY = 21;
    uint8 internal constant PCK_ROOT_SIGNATURE = 22;
    uint8 internal constant PCK_INTERMEDIATE_SIGNATURE = 23;
    uint8 internal constant PCK_LEAF_SIGNATURE = 24;
    uint8 internal constant PCK_VALIDITY = 25;
    // Root CA collateral, CRLs, revocation
    uint8 internal constant ROOT_CA_KEY = 30;
    uint8 internal constant ROOT_CRL_SIGNATURE = 31;
    uint8 internal constant ROOT_CRL_VALIDITY = 32;
    uint8 internal constant PCK_CRL_ISSUER = 33;
    uint8 internal constant PCK_CRL_SIGNATURE = 34;
    uint8 internal constant PCK_CRL_VALIDITY = 35;
    uint8 internal constant PCK_INTERMEDIATE_REVOKED = 36;
    uint8 internal constant PCK_REVOKED = 37;
    // TCB info and QE identity collateral
    uint8 internal constant TCB_SIGNING_CHAIN = 40;
    uint8 internal constant TCB_SIGNING_REVOKED = 41;
    uint8 internal constant TCB_INFO_SIGNATURE = 42;
    uint8 internal constant TCB_INFO_VALIDITY = 43;
    uint8 internal constant QE_IDENTITY_SIGNATURE = 44;
    uint8 internal constant QE_IDENTITY_VALIDITY = 45;
    // PCK certificate content and the QE
    uint8 internal constant PCK_EXTENSION = 50;
    uint8 internal constant TCB_INFO_FMSPC = 51;
    uint8 internal constant TCB_INFO_PCEID = 52;
    uint8 internal constant QE_REPORT_SIGNATURE = 53;
    uint8 internal constant QE_REPORT_DATA = 54;
    uint8 internal constant QE_MISCSELECT = 55;
    uint8 internal constant QE_ATTRIBUTES = 56;
    uint8 internal constant QE_MRSIGNER = 57;
    uint8 internal constant QE_ISVPRODID = 58;
    // The enclave's report and the TCB status
    uint8 internal constant QUOTE_ATT_KEY = 60;
    uint8 internal constant ISV_REPORT_SIGNATURE = 61;
    uint8 internal constant QE_TCB = 62;
    uint8 internal constant TCB_LEVEL = 63;
    uint8 internal constant TCB_REVOKED = 64;
    // Policy
    uint8 internal constant POLICY_STATUS = 70;
    uint8 internal constant POLICY_DEBUG = 71;
    uint8 internal constant POLICY_MRENCLAVE = 72;
    uint8 internal constant POLICY_MRSIGNER = 73;

    /// @dev The stable name of check `c` ("" for OK, "unknown" for an unassigned number).
    function name(
        uint8 c
    ) internal pure returns (string memory) {
        if (c == OK) return "";
        if (c < 20) return _quoteFormat(c);
        if (c < 30) return _pckChain(c);
        if (c < 40) return _crls(c);
        if (c < 50) return _collateral(c);
        if (c < 60) return _qe(c);
        if (c < 70) return _report(c);
        return _policy(c);
    }

    function _quoteFormat(
        uint8 c
    ) private pure returns (string memory) {
        if (c == QUOTE_SIZE) return "quote.size";
        if (c == HEADER_VERSION) return "header.version";
        if (c == HEADER_ATT_KEY_TYPE) return "header.att_key_type";
        if (c == HEADER_TEE_TYPE) return "header.tee_type";
        if (c == HEADER_QE_VENDOR_ID) return "header.qe_vendor_id";
        if (c == QUOTE_SIG_DATA_LEN) return "quote.sig_data_len";
        if (c == QUOTE_QE_AUTH_DATA) return "quote.qe_auth_data";
        if (c == QUOTE_CERT_TYPE) return "quote.cert_type";
        if (c == QUOTE_CERT_DATA_SIZE) return "quote.cert_data_size";
        return "unknown";
    }

    function _pckChain(
        uint8 c
    ) private pure returns (string memory) {
        if (c == PCK_CHAIN) return "pck.chain";
        if (c == PCK_ROOT_KEY) return "pck.root_key";
        if (c == PCK_ROOT_SIGNATURE) return "pck.root_signature";
        if (c == PCK_INTERMEDIATE_SIGNATURE) return "pck.intermediate_signature";
        if (c == PCK_LEAF_SIGNATURE) return "pck.leaf_signature";
        if (c == PCK_VALIDITY) return "pck.validity";
        return "unknown";
    }

    function _crls(
        uint8 c
    ) private pure returns (string memory) {
        if (c == ROOT_CA_KEY) return "root_ca.key";
        if (c == ROOT_CRL_SIGNATURE) return "root_crl.signature";
        if (c == ROOT_CRL_VALIDITY) return "root_crl.validity";
        if (c == PCK_CRL_ISSUER) return "pck_crl.issuer";
        if (c == PCK_CRL_SIGNATURE) return "pck_crl.signature";
        if (c == PCK_CRL_VALIDITY) return "pck_crl.validity";
        if (c == PCK_INTERMEDIATE_REVOKED) return "pck.intermediate_revoked";
        if (c == PCK_REVOKED) return "pck.revoked";
        return "unknown";
    }

    function _collateral(
        uint8 c
    ) private pure returns (string memory) {
        if (c == TCB_SIGNING_CHAIN) return "tcb_signing.chain";
        if (c == TCB_SIGNING_REVOKED) return "tcb_signing.revoked";
        if (c == TCB_INFO_SIGNATURE) return "tcb_info.signature";
        if (c == TCB_INFO_VALIDITY) return "tcb_info.validity";
        if (c == QE_IDENTITY_SIGNATURE) return "qe_identity.signature";
        if (c == QE_IDENTITY_VALIDITY) return "qe_identity.validity";
        return "unknown";
    }

    function _qe(
        uint8 c
    ) private pure returns (string memory) {
        if (c == PCK_EXTENSION) return "pck.extension";
        if (c == TCB_INFO_FMSPC) return "tcb_info.fmspc";
        if (c == TCB_INFO_PCEID) return "tcb_info.pceid";
        if (c == QE_REPORT_SIGNATURE) return "qe.report_signature";
        if (c == QE_REPORT_DATA) return "qe.report_data";
        if (c == QE_MISCSELECT) return "qe.miscselect";
        if (c == QE_ATTRIBUTES) return "qe.attributes";
        if (c == QE_MRSIGNER) return "qe.mrsigner";
        if (c == QE_ISVPRODID) return "qe.isvprodid";
        return "unknown";
    }

    function _report(
        uint8 c
    ) private pure returns (string memory) {
        if (c == QUOTE_ATT_KEY) return "quote.att_key";
        if (c == ISV_REPORT_SIGNATURE) return "isv.report_signature";
        if (c == QE_TCB) return "qe.tcb";
        if (c == TCB_LEVEL) return "tcb.level";
        if (c == TCB_REVOKED) return "tcb.revoked";
        return "unknown";
    }

    function _policy(
        uint8 c
    ) private pure returns (string memory) {
        if (c == POLICY_STATUS) return "policy.status";
        if (c == POLICY_DEBUG) return "policy.debug";
        if (c == POLICY_MRENCLAVE) return "policy.mrenclave";
        if (c == POLICY_MRSIGNER) return "policy.mrsigner";
        return "unknown";
    }

    /// @dev The stable name of a TCB status, as the C verifier prints it.
    function statusName(
        TcbStatus s
    ) internal pure returns (string memory) {
        if (s == TcbStatus.UpToDate) return "UpToDate";
        if (s == TcbStatus.SWHardeningNeeded) return "SWHardeningNeeded";
        if (s == TcbStatus.ConfigurationAndSWHardeningNeeded) {
            return "ConfigurationAndSWHardeningNeeded";
        }
        if (s == TcbStatus.ConfigurationNeeded) return "ConfigurationNeeded";
        if (s == TcbStatus.OutOfDate) return "OutOfDate";
        if (s == TcbStatus.OutOfDateConfigurationNeeded) return "OutOfDateConfigurationNeeded";
        if (s == TcbStatus.Revoked) return "Revoked";
        return "Unrecognized";
    }
}

/// @title CertRoles
/// @notice The role of an SGX PKI certificate, from its subject common name as Intel names its
///         CAs (the simulation CA uses the same names).
library CertRoles {
    /// @dev Root for "SGX Root CA", PckCa for "SGX PCK Platform CA" / "SGX PCK Processor CA",
    ///      TcbSigning for "SGX TCB Signing", None otherwise.
    function roleOf(
        bytes memory der,
        X509.Certificate memory c
    ) internal pure returns (CertRole) {
        uint256 cn = c.cn;
        if (X509.contains(der, cn, "SGX Root CA")) return CertRole.Root;
        if (
            X509.contains(der, cn, "SGX PCK Platform CA")
                || X509.contains(der, cn, "SGX PCK Processor CA")
        ) return CertRole.PckCa;
        if (X509.contains(der, cn, "SGX TCB Signing")) return CertRole.TcbSigning;
        return CertRole.None;
    }
}

/// @title SerialList
/// @notice Revoked serial numbers of a CRL as stored: an SSTORE2 blob of sorted 20-byte
///         big-endian serials (no blob for an empty list), searched by bisection.
library SerialList {
    /// @dev Whether `serial` is in the list stored at `blob`.
    function contains(
        address blob,
        uint256 serial
    ) internal view returns (bool found) {
        if (blob == address(0)) return false;
        bytes memory list = SSTORE2.read(blob);
        assembly ("memory-safe") {
            let base := add(list, 0x20)
            let lo := 0
            let hi := div(mload(list), 20)
            for {} lt(lo, hi) {} {
                let mid := shr(1, add(lo, hi))
                let v := shr(96, mload(add(base, mul(mid, 20))))
                if eq(v, serial) {
                    found := 1
                    break
                }
                switch lt(v, serial)
                case 1 { lo := add(mid, 1) }
                default { hi := mid }
            }
        }
    }

    /// @dev Packs `serials` (each < 2^160) sorted ascending, 20 bytes each.
    function pack(
        uint256[] memory serials
    ) internal pure returns (bytes memory packed) {
        LibSort.sort(serials);
        uint256 n = serials.length;
        packed = new bytes(n * 20 + 12); // 12 bytes of slack for the last word write
        for (uint256 i; i < n; ++i) {
            uint256 s = serials[i] << 96;
            assembly ("memory-safe") {
                let p := add(add(packed, 0x20), mul(i, 20))
                mstore(p, or(s, and(mload(p), 0xffffffffffffffffffffffff)))
            }
        }
        assembly ("memory-safe") {
            mstore(packed, mul(n, 20))
        }
    }
}
