// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {SSTORE2} from "solady/utils/SSTORE2.sol";
import {DcapCollateralParser} from "./DcapCollateralParser.sol";
import {
    CertRecord,
    CertRole,
    CertRoles,
    CrlRecord,
    QuoteCollateral,
    SerialList,
    SignedRecord
} from "./DcapTypes.sol";
import {CollateralJson} from "./lib/CollateralJson.sol";
import {CollateralRecord} from "./lib/CollateralRecord.sol";
import {P256Sha} from "./lib/P256Sha.sol";
import {X509} from "./lib/X509.sol";
import {X509Crl} from "./lib/X509Crl.sol";

/// @title DcapCollateralStore
/// @notice An on-chain PCCS: anyone may upload Intel SGX DCAP collateral, and each item is
///         verified before it is stored, so no one is trusted for its contents. The root CA is
///         pinned by its public key (Intel's in production, the `mpavs sim-ca` development root
///         in simulation); CA certificates must chain to it; CRLs, TCB info and QE identity must
///         carry valid signatures of a stored CA / TCB signing certificate over their exact
///         bytes. TCB info and QE identity are parsed once, at upload, into compact records
///         that the quote verifier reads cheaply (one call: quoteCollateral).
/// @dev Newer collateral replaces older, never the reverse: TCB info per FMSPC and the QE
///      identity by (tcbEvaluationDataNumber, issueDate), CRLs by thisUpdate, the root CA
///      certificate in use by notBefore. Nothing is deleted; expired collateral stays stored
///      but the verifier refuses it (checked against the verification time of every quote).
///      Items not valid at upload time are refused, so the store never moves to useless data.
contract DcapCollateralStore {
    /// @notice The stateless parser of uploaded collateral, created with this contract.
    DcapCollateralParser public immutable parser;
    /// @notice The pinned root CA public key (x, y).
    bytes32 public immutable rootKeyX;
    bytes32 public immutable rootKeyY;

    mapping(bytes32 certId => CertRecord) internal _certs;
    /// @notice Certificate ID (keccak256 of the DER) by keccak256 of its canonical PEM body.
    mapping(bytes32 pemBodyHash => bytes32 certId) public certIdByPemBody;
    /// @notice The root CA certificate in use: the stored one with the latest notBefore.
    bytes32 public rootCertId;

    CrlRecord internal _rootCrl;
    mapping(bytes32 issuerNameHash => CrlRecord) internal _pckCrls;
    mapping(bytes6 fmspc => SignedRecord) internal _tcbInfos;
    SignedRecord internal _qeIdentity;

    /// @notice A CA certificate was verified and stored.
    event CertificateStored(
        bytes32 indexed certId, CertRole role, uint256 serial, uint256 notAfter
    );
    /// @notice The root CA certificate in use changed.
    event RootCertificateSelected(bytes32 indexed certId);
    /// @notice A CRL was verified and stored (replacing the issuer's previous one).
    event CrlStored(
        bytes32 indexed issuerNameHash,
        bool root,
        uint256 thisUpdate,
        uint256 nextUpdate,
        uint256 revokedCount
    );
    /// @notice A TCB info was verified and stored for `fmspc`.
    event TcbInfoStored(
        bytes6 indexed fmspc,
        uint256 evaluationDataNumber,
        uint256 issueDate,
        uint256 nextUpdate,
        bytes32 signerCertId
    );
    /// @notice A QE identity was verified and stored.
    event QeIdentityStored(
        uint256 evaluationDataNumber, uint256 issueDate, uint256 nextUpdate, bytes32 signerCertId
    );

    /// @notice The DER does not parse as an X.509 certificate with a P-256 key.
    error CertificateMalformed();
    /// @notice The subject CN names none of the SGX CA roles (root, PCK CA, TCB signing).
    error CertificateRoleUnknown();
    /// @notice A root certificate whose key is not the pinned root key.
    error RootKeyMismatch();
    /// @notice A CA certificate must be uploaded after the root certificate that issued it.
    error RootCertificateMissing();
    /// @notice The certificate's issuer is not the subject of its issuer certificate.
    error CertificateIssuerMismatch();
    /// @notice The certificate's signature does not verify under its issuer's key.
    error CertificateSignatureInvalid();
    /// @notice The DER does not parse as an X.509 CRL with nextUpdate.
    error CrlMalformed();
    /// @notice The CRL's issuer certificate is unknown, not a CA, or has another subject.
    error CrlIssuerMismatch();
    /// @notice The CRL's signature does not verify under its issuer's key.
    error CrlSignatureInvalid();
    /// @notice The signer certificate is not a stored TCB signing certificate.
    error SignerNotTcbSigning();
    /// @notice TCB info signature does not verify over its exact bytes (check 42 at upload).
    error TcbInfoSignatureInvalid();
    /// @notice QE identity signature does not verify over its exact bytes (check 44 at upload).
    error QeIdentitySignatureInvalid();
    /// @notice The item is not valid at upload time: [validFrom, validUntil] misses `time`.
    error CollateralNotValidNow(uint256 validFrom, uint256 validUntil, uint256 time);
    /// @notice The item is not newer than the stored one of the same kind (older never
    ///         replaces newer; an identical re-upload changes nothing and is refused too).
    error CollateralNotNewer();

    /// @param rootX x of the pinned root CA key (Intel SGX Root CA, or the sim-CA dev root).
    /// @param rootY y of the pinned root CA key.
    constructor(
        bytes32 rootX,
        bytes32 rootY
    ) {
        rootKeyX = rootX;
        rootKeyY = rootY;
        parser = new DcapCollateralParser();
    }

    // ------------------------------------------------------------------ uploads

    /// @notice Verifies and stores a CA certificate: the root CA (self-signed, pinned key) or a
    ///         PCK Platform/Processor CA or TCB signing certificate signed by the root. Storing
    ///         a certificate again changes nothing.
    /// @param der The certificate, DER.
    /// @return certId keccak256 of `der`, the ID other uploads refer to.
    function addCertificate(
        bytes calldata der
    ) external returns (bytes32 certId) {
        bytes memory d = der;
        (bool ok, X509.Certificate memory c) = X509.parse(d);
        if (!ok) revert CertificateMalformed();
        CertRole role = CertRoles.roleOf(d, c);
        if (role == CertRole.None) revert CertificateRoleUnknown();
        if (!X509.isValidAt(c, block.timestamp)) {
            revert CollateralNotValidNow(c.notBefore, c.notAfter, block.timestamp);
        }
        if (role == CertRole.Root) {
            if (c.keyX != rootKeyX || c.keyY != rootKeyY) revert RootKeyMismatch();
            if (c.issuerHash != c.subjectHash) revert CertificateIssuerMismatch();
        } else {
            if (rootCertId == 0) revert RootCertificateMissing();
            if (c.issuerHash != _certs[rootCertId].subjectHash) revert CertificateIssuerMismatch();
        }
        if (!X509.verifySignedBy(d, c, rootKeyX, rootKeyY)) revert CertificateSignatureInvalid();
        certId = keccak256(der);
        if (_certs[certId].role != CertRole.None) return certId;
        _certs[certId] = CertRecord({
            role: role,
            notBefore: uint40(c.notBefore),
            notAfter: uint40(c.notAfter),
            serial: uint160(c.serial),
            subjectHash: c.subjectHash,
            issuerHash: c.issuerHash,
            keyX: c.keyX,
            keyY: c.keyY
        });
        certIdByPemBody[keccak256(parser.canonicalBody(der))] = certId;
        emit CertificateStored(certId, role, c.serial, c.notAfter);
        if (role == CertRole.Root) {
            if (rootCertId == 0 || c.notBefore > _certs[rootCertId].notBefore) {
                rootCertId = certId;
                emit RootCertificateSelected(certId);
            }
        }
    }

    /// @notice Verifies and stores a CRL of the root CA or of a PCK CA.
    /// @param der The CRL, DER.
    /// @param issuerCertId ID of the stored CA certificate that issued it.
    function addCrl(
        bytes calldata der,
        bytes32 issuerCertId
    ) external {
        (bool ok, X509Crl.Crl memory crl, bytes memory serials) = parser.parseCrl(der);
        if (!ok) revert CrlMalformed();
        CertRecord storage issuer = _certs[issuerCertId];
        CertRole role = issuer.role;
        if (
            (role != CertRole.Root && role != CertRole.PckCa)
                || issuer.subjectHash != crl.issuerHash
        ) revert CrlIssuerMismatch();
        (bytes32 x, bytes32 y) = (issuer.keyX, issuer.keyY);
        bytes memory d = der;
        bytes32 digest = P256Sha.sha256Mem(d, crl.tbsStart, crl.tbsLength);
        if (!P256Sha.verify(digest, crl.sigR, crl.sigS, x, y)) revert CrlSignatureInvalid();
        if (crl.thisUpdate > block.timestamp || block.timestamp > crl.nextUpdate) {
            revert CollateralNotValidNow(crl.thisUpdate, crl.nextUpdate, block.timestamp);
        }
        CrlRecord storage slot = role == CertRole.Root ? _rootCrl : _pckCrls[crl.issuerHash];
        if (crl.thisUpdate <= slot.thisUpdate) revert CollateralNotNewer();
        slot.serials = serials.length == 0 ? address(0) : SSTORE2.write(serials);
        slot.thisUpdate = uint40(crl.thisUpdate);
        slot.nextUpdate = uint40(crl.nextUpdate);
        slot.signerKeyHash = keccak256(abi.encodePacked(x, y));
        emit CrlStored(
            crl.issuerHash,
            role == CertRole.Root,
            crl.thisUpdate,
            crl.nextUpdate,
            crl.revokedSerials.length
        );
    }

    /// @notice Verifies and stores a TCB info (v2 or v3, SGX) for its FMSPC.
    /// @param json The PCS response `{"tcbInfo":{...},"signature":"<hex r‖s>"}`.
    /// @param signerCertId ID of the stored TCB signing certificate.
    function addTcbInfo(
        bytes calldata json,
        bytes32 signerCertId
    ) external {
        CollateralRecord.Parsed memory p = parser.parseTcbInfo(json);
        if (!_signedBy(json, p, signerCertId)) revert TcbInfoSignatureInvalid();
        _store(_tcbInfos[p.fmspc], p, signerCertId);
        emit TcbInfoStored(p.fmspc, p.evaluationDataNumber, p.issueDate, p.nextUpdate, signerCertId);
    }

    /// @notice Verifies and stores the QE identity (version 2, id "QE").
    /// @param json The PCS response `{"enclaveIdentity":{...},"signature":"<hex r‖s>"}`.
    /// @param signerCertId ID of the stored TCB signing certificate.
    function addQeIdentity(
        bytes calldata json,
        bytes32 signerCertId
    ) external {
        CollateralRecord.Parsed memory p = parser.parseQeIdentity(json);
        if (!_signedBy(json, p, signerCertId)) revert QeIdentitySignatureInvalid();
        _store(_qeIdentity, p, signerCertId);
        emit QeIdentityStored(p.evaluationDataNumber, p.issueDate, p.nextUpdate, signerCertId);
    }

    // ------------------------------------------------------------------ views

    /// @notice Everything needed to verify one quote, in one call.
    /// @param intermediateBody keccak256 of the PEM body of the quote's intermediate CA.
    /// @param rootBody keccak256 of the PEM body of the quote's root CA.
    /// @param pckIssuerHash keccak256 of the PCK certificate's issuer Name DER.
    /// @param fmspc The PCK certificate's FMSPC (any value if unknown).
    function quoteCollateral(
        bytes32 intermediateBody,
        bytes32 rootBody,
        bytes32 pckIssuerHash,
        bytes6 fmspc
    ) external view returns (QuoteCollateral memory qc) {
        qc.intermediate = _certs[certIdByPemBody[intermediateBody]];
        qc.root = _certs[certIdByPemBody[rootBody]];
        qc.rootCa = _certs[rootCertId];
        qc.rootCrl = _rootCrl;
        qc.pckCrl = _pckCrls[pckIssuerHash];
        qc.tcbInfo = _tcbInfos[fmspc];
        qc.tcbInfoSigner = _certs[qc.tcbInfo.signerCertId];
        qc.qeIdentity = _qeIdentity;
        qc.qeIdentitySigner = _certs[qc.qeIdentity.signerCertId];
    }

    /// @notice The stored CA certificate `certId` (role None if absent).
    function certificate(
        bytes32 certId
    ) external view returns (CertRecord memory) {
        return _certs[certId];
    }

    /// @notice The root CA CRL: serial list pointer, validity, signer key hash.
    function rootCrl() external view returns (CrlRecord memory) {
        return _rootCrl;
    }

    /// @notice The PCK CRL of the CA whose subject Name DER hashes to `issuerNameHash`.
    function pckCrl(
        bytes32 issuerNameHash
    ) external view returns (CrlRecord memory) {
        return _pckCrls[issuerNameHash];
    }

    /// @notice The stored TCB info of `fmspc` and its TCB evaluation data number.
    function tcbInfo(
        bytes6 fmspc
    ) external view returns (SignedRecord memory rec, uint256 evaluationDataNumber) {
        rec = _tcbInfos[fmspc];
        evaluationDataNumber = _evaluationNumber(rec.data);
    }

    /// @notice The stored QE identity and its TCB evaluation data number.
    function qeIdentity()
        external
        view
        returns (SignedRecord memory rec, uint256 evaluationDataNumber)
    {
        rec = _qeIdentity;
        evaluationDataNumber = _evaluationNumber(rec.data);
    }

    /// @notice Whether `serial` is listed in the stored CRL of the root CA.
    function isRevokedByRoot(
        uint256 serial
    ) external view returns (bool) {
        return SerialList.contains(_rootCrl.serials, serial);
    }

    /// @notice Whether `serial` is listed in the stored CRL of `issuerNameHash`.
    function isRevokedByPckCa(
        bytes32 issuerNameHash,
        uint256 serial
    ) external view returns (bool) {
        return SerialList.contains(_pckCrls[issuerNameHash].serials, serial);
    }

    // ------------------------------------------------------------------ internals

    function _signedBy(
        bytes calldata json,
        CollateralRecord.Parsed memory p,
        bytes32 signerCertId
    ) private view returns (bool) {
        CertRecord storage signer = _certs[signerCertId];
        if (signer.role != CertRole.TcbSigning) revert SignerNotTcbSigning();
        if (signer.notBefore > block.timestamp || block.timestamp > signer.notAfter) {
            revert CollateralNotValidNow(signer.notBefore, signer.notAfter, block.timestamp);
        }
        uint256 start;
        assembly ("memory-safe") {
            start := json.offset
        }
        start += p.signedStart;
        bytes32 digest = P256Sha.sha256Calldata(start, p.signedEnd - p.signedStart);
        return P256Sha.verify(digest, p.sigR, p.sigS, signer.keyX, signer.keyY);
    }

    function _store(
        SignedRecord storage slot,
        CollateralRecord.Parsed memory p,
        bytes32 signerCertId
    ) private {
        if (p.issueDate > block.timestamp || block.timestamp > p.nextUpdate) {
            revert CollateralNotValidNow(p.issueDate, p.nextUpdate, block.timestamp);
        }
        if (slot.data != address(0)) {
            uint256 oldEval = _evaluationNumber(slot.data);
            bool newer = p.evaluationDataNumber > oldEval
                || (p.evaluationDataNumber == oldEval && p.issueDate > slot.issueDate);
            if (!newer) revert CollateralNotNewer();
        }
        slot.data = SSTORE2.write(p.record);
        slot.issueDate = p.issueDate;
        slot.nextUpdate = p.nextUpdate;
        slot.signerCertId = signerCertId;
    }

    /// @dev tcbEvaluationDataNumber of a stored record (its first four bytes).
    function _evaluationNumber(
        address data
    ) private view returns (uint256) {
        if (data == address(0)) return 0;
        return uint32(bytes4(SSTORE2.read(data, 0, 4)));
    }
}
